"""Writing files and folders so that nothing is ever half written.

Every output accountframe writes (`check -o`, `import ocds -o`, `docs -o`, `write_docs`) goes
through this module. A file is written to a hidden temporary file beside its target, flushed to
disk, then renamed over the target in one step (`os.replace`); a folder is built beside its
target and swapped in the same way. A reader, or a run that is killed halfway, sees the old
output or the new one, never a mixture.

A run killed with SIGKILL (or a power cut) cannot remove its temporary file. Its name records
the process that made it (`.report.json.<pid>.<random>.tmp`), and the next write to the same
target removes any such leftover whose process is no longer running, so they do not pile up.
A folder cannot be swapped in one step: between its two renames the target is briefly absent
(the old folder is kept aside as `.<name>.<pid>.<random>.old`). A run killed in that instant
leaves the old folder aside, and the next run puts it back before doing anything else.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "report.json"
    ...     write_text(target, '{"ok": true}\\n')
    ...     write_text(target, '{"ok": false}\\n')
    ...     target.read_text(), sorted(path.name for path in Path(folder).iterdir())
    ('{"ok": false}\\n', ['report.json'])
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

__all__ = ["leftovers", "replace_folder", "write_text"]

_CHUNK = 1 << 16


def _temporary(target: Path, suffix: str) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.{suffix}")


def _leftover_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(target.name)}\.(\d+)\.[0-9a-f]{{8}}\.(?:tmp|old)")


def _running(pid: int) -> bool:
    """Whether a process with this id exists (on this machine); unsure means yes."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # os.kill(pid, 0) would terminate it on Windows: never guess there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists, and belongs to someone else
        return True
    return True


def leftovers(target: str | os.PathLike[str]) -> list[Path]:
    """Temporary files or folders left beside `target` by runs that are no longer running.

    Example:
        >>> leftovers("no/such/folder/report.json")
        []
    """
    path = Path(os.fspath(target))
    pattern = _leftover_pattern(path)
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return []
    found = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and int(match.group(1)) != os.getpid() and not _running(int(match.group(1))):
            found.append(entry)
    return sorted(found)


def _sweep(target: Path) -> None:
    for entry in leftovers(target):
        if entry.name.endswith(".old") and not target.exists() and not target.is_symlink():
            # Killed between the two renames of replace_folder: the old folder goes back.
            os.replace(entry, target)
        elif entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def write_text(target: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> None:
    """Write `text` to `target` atomically: the old content or the new, never a mixture.

    The new file gets the permissions a newly created file gets (0666 less the umask).

    Raises:
        OSError: the folder cannot be written; `target` is unchanged and no temporary file
            is left behind.
    """
    path = Path(os.fspath(target))
    _sweep(path)
    data = text.encode(encoding)
    temporary = _temporary(path, "tmp")
    # O_EXCL: never follow or reuse an existing name. Mode 0666 is reduced by the umask.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(descriptor, view[:_CHUNK])
                view = view[written:]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def replace_folder(target: str | os.PathLike[str], fill: Callable[[Path], None]) -> None:
    """Build a folder with `fill(staging)` beside `target`, then swap it into place.

    If `fill` raises (or the process dies), `target` is as it was; the staging folder is
    removed (or, after a kill, swept by the next run).

    Raises:
        OSError: the folder cannot be written; `target` is unchanged.
    """
    path = Path(os.fspath(target))
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep(path)
    staging = _temporary(path, "tmp")
    staging.mkdir(0o777)  # reduced by the umask, as for any new folder
    try:
        fill(staging)
        if not path.exists():
            os.replace(staging, path)
        else:
            old = _temporary(path, "old")
            os.replace(path, old)
            try:
                os.replace(staging, path)
            except OSError:
                os.replace(old, path)  # put the old folder back
                raise
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry, so that the rename itself survives a power cut (POSIX)."""
    if os.name != "posix":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename has still happened
    finally:
        os.close(descriptor)
