"""Nothing lost: every output is written atomically, even when the run is killed mid-write.

The kill tests run the real CLI in a child process whose writing is made to stop, halfway,
at a known point: the child replaces `accountframe.atomic`'s `os` (or `Path.write_text`, for
the docs pages) with a version that writes half of the data, tells the parent so, and waits.
The parent then checks that the old output is still in place, kills the child with SIGKILL,
checks again, and runs the command once more: the new output replaces the old, and the
killed run's temporary file is swept away. No timing is involved: the child waits until it is
killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from accountframe import atomic
from accountframe.cli import main
from conftest import FIXTURES, ROOT

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and fork are POSIX")

# The child: argv[1] says where to stop ("file": inside atomic.write_text, "pages": on the
# third docs page); the rest is the accountframe command line.
CHILD = r"""
import os, sys, types, pathlib
import accountframe.atomic as atomic
from accountframe.cli import main

where, argv = sys.argv[1], sys.argv[2:]

def stop():
    sys.stdout.write("stopped\n")
    sys.stdout.flush()
    while True:
        os.read(0, 1) or os.pause()  # wait for SIGKILL; stdin never gets data

if where == "file":
    real = os
    def write(descriptor, data):
        half = max(1, len(data) // 2)
        real.write(descriptor, data[:half])
        stop()
    atomic.os = types.SimpleNamespace(**{**vars(real), "write": write})
else:
    written = []
    real_write_text = pathlib.Path.write_text
    def write_text(self, text, *args, **kwargs):
        written.append(self)
        if len(written) == 3:
            real_write_text(self, text[: len(text) // 2], *args, **kwargs)
            stop()
        return real_write_text(self, text, *args, **kwargs)
    pathlib.Path.write_text = write_text

sys.exit(main(argv))
"""


def run_until_stopped(where: str, argv: list[str]) -> subprocess.Popen[str]:
    """Start the child and return once it has written half and stopped."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, where, *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    watchdog = threading.Timer(120, child.kill)  # only if the child never reaches the stop
    watchdog.start()
    try:
        line = child.stdout.readline() if child.stdout else ""
    finally:
        watchdog.cancel()
    if line != "stopped\n":
        child.kill()
        _, err = child.communicate()
        pytest.fail(f"the child did not stop mid-write (got {line!r}); stderr:\n{err}")
    return child


def kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL


def hidden(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir() if entry.name.startswith("."))


@pytest.mark.parametrize(
    ("command", "name"),
    [
        pytest.param(
            ["check", "tests/fixtures/portfolios/cli.yaml", "-f", "tests/fixtures/frameworks/cli",
             "--format", "json", "-o"], "report.json", id="check-o",
        ),
        pytest.param(
            ["import", "ocds", "tests/fixtures/ocds/release-package.json", "-o"],
            "portfolio.yaml", id="import-o",
        ),
    ],
)  # fmt: skip
def test_a_run_killed_mid_write_leaves_the_old_file(
    command: list[str], name: str, tmp_path: Path
) -> None:
    target = tmp_path / name
    target.write_text("the previous output\n")
    child = run_until_stopped("file", [*command, str(target)])
    # Stopped halfway through writing: the half-written data is in a hidden temporary file.
    assert target.read_text() == "the previous output\n"
    (temporary,) = [tmp_path / entry for entry in hidden(tmp_path)]
    assert temporary.name.startswith(f".{name}.{child.pid}.")
    assert temporary.stat().st_size > 0
    kill(child)
    assert target.read_text() == "the previous output\n"
    assert atomic.leftovers(target) == [temporary]
    # The next run writes the new output and sweeps the killed run's leftover.
    assert main([*command, str(target)]) in (0, 1)
    assert target.read_text() != "the previous output\n"
    assert target.read_text().endswith("\n")
    assert hidden(tmp_path) == []
    assert sorted(entry.name for entry in tmp_path.iterdir()) == [name]


def tree(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): path.read_text()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_docs_killed_mid_write_leave_the_old_pages(tmp_path: Path) -> None:
    site = tmp_path / "site"
    framework = str(FIXTURES / "frameworks" / "cli")
    assert main(["docs", framework, "-o", str(site)]) == 0
    (site / "index.md").write_text("the previous overview\n")  # to tell old pages from new
    before = tree(site)
    child = run_until_stopped("pages", ["docs", framework, "-o", str(site)])
    assert tree(site) == before
    (staging,) = [tmp_path / entry for entry in hidden(tmp_path)]
    assert staging.is_dir()
    assert any(staging.rglob("*.md"))
    kill(child)
    assert tree(site) == before
    assert atomic.leftovers(site) == [staging]
    assert main(["docs", framework, "-o", str(site)]) == 0
    assert (site / "index.md").read_text() != "the previous overview\n"
    assert hidden(tmp_path) == []


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old\n")

    class Refused(Exception):
        pass

    def refuse(staging: Path) -> None:
        (staging / "page.md").write_text("half")
        raise Refused

    with pytest.raises(Refused):
        atomic.replace_folder(tmp_path / "folder", refuse)
    with pytest.raises(UnicodeEncodeError):
        atomic.write_text(target, "\udcff")
    assert target.read_text() == "old\n"
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["out.txt"]


def test_a_leftover_of_a_running_process_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    mine = tmp_path / f".report.json.{os.getpid()}.0123abcd.tmp"
    mine.write_text("being written by this process")
    parent = tmp_path / f".report.json.{os.getppid()}.0123abcd.tmp"
    parent.write_text("being written by a process that is running")
    unrelated = tmp_path / ".report.json.notes"
    unrelated.write_text("not ours")
    atomic.write_text(target, "new\n")
    assert mine.exists()
    assert parent.exists()
    assert unrelated.exists()
    assert atomic.leftovers(target) == []


def test_new_files_get_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        atomic.write_text(tmp_path / "report.txt", "x")
        atomic.replace_folder(tmp_path / "site", lambda staging: None)
    finally:
        os.umask(umask)
    assert (tmp_path / "report.txt").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "site").stat().st_mode & 0o777 == 0o755


def test_a_folder_set_aside_by_a_killed_swap_is_put_back(tmp_path: Path) -> None:
    """Killed between replace_folder's two renames: the target is absent, the old set aside."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # its pid: a process now gone
    dead.wait()
    site = tmp_path / "site"
    aside = tmp_path / f".site.{dead.pid}.0123abcd.old"
    aside.mkdir()
    (aside / "index.md").write_text("the old overview\n")
    assert atomic.leftovers(site) == [aside]

    def fail(staging: Path) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic.replace_folder(site, fail)
    assert (site / "index.md").read_text() == "the old overview\n"
    assert hidden(tmp_path) == []
