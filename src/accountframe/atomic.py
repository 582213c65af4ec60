"""The one output writer: every `-o` goes through it, so that nothing is ever half written.

It stands in for python-atomicwrites, which its author archived as unmaintained in July 2022
and which renames over the target, replacing a symlink, FIFO or device instead of writing it.

Every output accountframe writes (`check -o`, `schedule -o`, `import ocds -o`, `docs -o`,
`write_docs`) goes through this module, by these rules:

- a regular file (or a new one) is written to a hidden temporary file beside it, flushed to
  disk, then renamed over it in one step (`os.replace`), keeping the old file's permission
  bits: a reader, or a run that is killed halfway, sees the old output or the new one, never
  a mixture;
- a symlink is written *through*: the file it points to is replaced, the link stays a link;
- a FIFO or a character device (`/dev/null`, a terminal, `/dev/stdout` in a container) is
  written *into*, as the shell's `>` would, not replaced by a regular file; a target that is
  the process's own standard output or error (`-o /dev/stdout`, whatever that is: a pipe, a
  socket, a file opened with `>>`) is written through that descriptor;
- a folder, a block device or a socket is refused (`RefusedError`), and so is a target that is
  one of the command's own inputs (`inputs`, compared as files: a symlink or a hard link to an
  input is that input);
- a folder is built beside its target and swapped in the same way (`replace_folder`); the
  folder the process runs in (or one holding it) is refused, as swapping it would leave the
  user in a folder that is gone.

A run killed with SIGKILL (or a power cut) cannot remove its temporary file. Its name records
the process that made it (`.report.json.<pid>.<random>.tmp`), and the next write to the same
target removes any such leftover whose process is no longer running, so they do not pile up.
A folder cannot be swapped in one step: between its two renames the target is briefly absent
(the old folder is kept aside as `.<name>.<pid>.<random>.old`). A run killed in that instant
leaves the old folder aside, and the next run puts it back before doing anything else. A
target name too long to have a suffix added (file names have at most 255 bytes) gets a
temporary name with a shortened name and a hash of the whole.

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

import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

__all__ = ["RefusedError", "leftovers", "own_input", "replace_folder", "write_chunks", "write_text"]

_CHUNK = 1 << 16
#: Bytes of a target's name kept in its temporary name: room for the suffix within 255.
_NAME_ROOM = 200

StrPath = str | os.PathLike[str]


class RefusedError(OSError):
    """A target the writer will not write: an input of the command, a folder, a block device
    or a socket, or the folder the process runs in. `strerror` says why."""

    def __init__(self, target: StrPath, why: str) -> None:
        super().__init__(errno.EINVAL, why, os.fspath(target))


def _stem(name: str) -> str:
    """The part of a temporary name that stands for the target's name: the name itself, or,
    for a name too long to take a suffix, its start and a hash of the whole."""
    encoded = os.fsencode(name)
    if len(encoded) <= _NAME_ROOM:
        return name
    digest = hashlib.sha256(encoded).hexdigest()[:16]
    start = name[: _NAME_ROOM // 2]
    while len(os.fsencode(start)) > _NAME_ROOM // 2:  # characters of several bytes
        start = start[:-1]
    return f"{start}~{digest}"


def _temporary(target: Path, suffix: str) -> Path:
    stem = _stem(target.name)
    return target.with_name(f".{stem}.{os.getpid()}.{secrets.token_hex(4)}.{suffix}")


def _leftover_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(_stem(target.name))}\.(\d+)\.[0-9a-f]{{8}}\.(?:tmp|old)")


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


def leftovers(target: StrPath) -> list[Path]:
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


def _valid_name(target: StrPath) -> Path:
    """`target` as a path, refused when no file can have its name (a NUL character in it)."""
    path = Path(os.fspath(target))
    if "\0" in str(path):
        raise RefusedError(path, "a file name cannot hold a NUL character")
    return path


def own_input(target: StrPath, inputs: Iterable[StrPath]) -> str | None:
    """The input that `target` is (the same file, by any name or link), or None.

    Example:
        >>> own_input("no/such/report.json", ["no/such/portfolio.yaml"]) is None
        True
    """
    try:
        written = os.stat(target)
    except (OSError, ValueError):  # ValueError: a NUL in the name, which no file has
        return None  # a target that is not there yet is no input
    for name in inputs:
        try:
            read = os.stat(name)
        except (OSError, ValueError):
            continue
        if (read.st_dev, read.st_ino) == (written.st_dev, written.st_ino):
            return os.fspath(name)
    return None


def write_text(
    target: StrPath, text: str, *, encoding: str = "utf-8", inputs: Iterable[StrPath] = ()
) -> None:
    """Write `text` to `target` by the rules above: replaced atomically if it is a regular
    file (through any symlink), written into if it is a FIFO, a character device or this
    process's standard output or error. (`write_chunks` with one chunk.)

    A new file gets the permissions a newly created file gets (0666 less the umask); a file
    replaced keeps its permission bits.

    Args:
        target: Where to write.
        text: What to write.
        encoding: How to encode `text`.
        inputs: The files the command read: writing over one of them is refused.

    Raises:
        RefusedError: `target` is one of `inputs`, a folder, a block device or a socket;
            nothing is written.
        OSError: the target cannot be written; a regular file is unchanged and no temporary
            file is left behind.
    """
    write_chunks(target, [text], encoding=encoding, inputs=inputs)


def write_chunks(
    target: StrPath,
    chunks: Iterable[str],
    *,
    encoding: str = "utf-8",
    inputs: Iterable[StrPath] = (),
) -> None:
    """Write the text of `chunks`, one after another, to `target`, as `write_text` writes
    text: a large report is written without ever being one string. If `chunks` raises, a
    regular file is left as it was (a FIFO or a device has what was written so far).

    Raises:
        RefusedError: as `write_text`.
        OSError: as `write_text`.
        Exception: whatever `chunks` raises, after the temporary file is removed.
    """
    path = _valid_name(target)
    clash = own_input(path, inputs)
    if clash is not None:
        raise RefusedError(path, f"it is an input of this command ({clash})")
    data = (chunk.encode(encoding) for chunk in chunks)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        status = None  # a new file (perhaps at the end of a dangling symlink)
    if status is not None and (_stdio(status) is not None or not stat.S_ISREG(status.st_mode)):
        _write_into(path, status, data)
        return
    # Through any symlinks: the file at the end is replaced, and the temporary file is made
    # beside it (the same file system, so the rename is atomic).
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    _replace(real, data, None if status is None else stat.S_IMODE(status.st_mode))


def _write_into(path: Path, status: os.stat_result, data: Iterable[bytes]) -> None:
    """Write into our standard output or error, a FIFO or a character device; or refuse."""
    stream = _stdio(status)
    if stream is not None:
        stream.flush()  # what was printed before comes before
        _write_all(stream.fileno(), data)
        return
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        kind = "a block device" if stat.S_ISBLK(mode) else "a socket or other special file"
        raise RefusedError(path, f"it is {kind}; -o writes files, FIFOs and character devices")
    # No O_CREAT or O_TRUNC: the FIFO or device itself is written, as the shell's `>` does
    # (opening a FIFO waits for its reader).
    descriptor = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    try:
        _write_all(descriptor, data)
    finally:
        os.close(descriptor)


def _stdio(status: os.stat_result) -> TextIO | None:
    """Our standard output or error, if `status` is of the file open on it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            open_file = os.fstat(stream.fileno())
        except (AttributeError, OSError, ValueError):
            continue  # replaced by something with no descriptor (a test's capture)
        if (open_file.st_dev, open_file.st_ino) == (status.st_dev, status.st_ino):
            return stream
    return None


def _write_all(descriptor: int, data: Iterable[bytes]) -> None:
    for piece in data:
        view = memoryview(piece)
        while view:
            written = os.write(descriptor, view[:_CHUNK])
            view = view[written:]


def _replace(path: Path, data: Iterable[bytes], mode: int | None) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path`."""
    _sweep(path)
    temporary = _temporary(path, "tmp")
    # O_EXCL: never follow or reuse an existing name. Mode 0666 is reduced by the umask.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        try:
            if mode is not None and os.name == "posix":
                os.fchmod(descriptor, mode)  # a private file stays private
            _write_all(descriptor, data)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def replace_folder(target: StrPath, fill: Callable[[Path], None]) -> None:
    """Build a folder with `fill(staging)` beside `target`, then swap it into place.

    A symlink is followed: the folder it points to is replaced. If `fill` raises (or the
    process dies), `target` is as it was; the staging folder is removed (or, after a kill,
    swept by the next run).

    Raises:
        RefusedError: `target` is the folder this process runs in, or holds it.
        OSError: the folder cannot be written; `target` is unchanged.
    """
    path = Path(os.path.realpath(_valid_name(target)))
    here = Path.cwd().resolve()
    if path == here or path in here.parents:
        raise RefusedError(
            target, "it is the folder accountframe runs in, or holds it; name a new folder"
        )
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
