"""The one output writer (`accountframe.atomic`) and the rules every `-o` follows (issue 26).

Through the real entry point (the `accountframe` script in a child process) where what is at
stake is what the process's descriptors are (`-o /dev/stdout` into a pipe, or into a file
opened for appending); in this process otherwise.

- a symlink is written through: its target is replaced, the link stays a link;
- a FIFO and a character device are written into, not replaced by a regular file;
- a replaced file keeps its permission bits;
- the command's own input (by any name: a symlink, a hard link) is refused before any work,
  exit 2, nothing written;
- a folder, a socket, the folder the process runs in are refused with a clear error;
- names: a 250-byte name is written (its temporary name is shortened), a 300-byte one is a
  clean "File name too long".
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from accountframe import atomic
from accountframe.cli import main
from conftest import FIXTURES

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and links are POSIX")

PORTFOLIO = str(FIXTURES / "portfolios" / "cli.yaml")
FRAMEWORK = str(FIXTURES / "frameworks" / "cli")
CHECK = ["check", PORTFOLIO, "-f", FRAMEWORK, "--format", "json"]
SCRIPT = Path(sys.executable).parent / "accountframe"


def run(argv: list[str]) -> tuple[int, str, str]:
    """The CLI in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def inside(tmp_path: Path) -> Iterator[Path]:
    """Run in an empty folder of its own."""
    folder = tmp_path / "here"
    folder.mkdir()
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(previous)


def assessment(text: str) -> dict[str, object]:
    data = json.loads(text)
    assert data["format"] == "accountframe/assessment/1"
    return data


# -- symlinks, FIFOs, devices ----------------------------------------------------------------


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "latest.json"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "report.json"
    link.symlink_to(target)
    code, _, err = run([*CHECK, "-o", str(link)])
    assert code == 0, err
    assert link.is_symlink()
    assert os.readlink(link) == str(target)
    assessment(target.read_text())
    assert sorted(p.name for p in target.parent.iterdir()) == ["latest.json"]  # no leftovers


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "report.json"
    link.symlink_to(tmp_path / "new.json")
    assert run([*CHECK, "-o", str(link)])[0] == 0
    assert link.is_symlink()
    assessment((tmp_path / "new.json").read_text())


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    # The reader opens the FIFO; the writer's open waits for it, as the shell's `>` does.
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    try:
        code, _, err = run([*CHECK, "-o", str(fifo)])
    finally:
        reader.join(timeout=60)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assessment(received[0].decode())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.fifo"]


def test_a_character_device_is_written_into() -> None:
    before = os.stat("/dev/null")
    assert run([*CHECK, "-o", "/dev/null"])[0] == 0
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_dev_stdout_into_a_pipe_prints_the_report() -> None:
    result = subprocess.run(
        [str(SCRIPT), *CHECK, "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assessment(result.stdout)


def test_dev_stdout_appended_to_a_file_keeps_what_was_there(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_text("earlier lines\n")
    with log.open("a") as appended:
        result = subprocess.run(
            [str(SCRIPT), *CHECK, "--format", "csv", "-o", "/dev/stdout"],
            stdout=appended,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    text = log.read_text()
    assert text.startswith("earlier lines\npolicy,kind,subject_type,")
    assert not log.is_symlink()


def test_a_replaced_file_keeps_its_permission_bits(tmp_path: Path) -> None:
    private = tmp_path / "private.json"
    private.write_text("old\n")
    private.chmod(0o600)
    assert run([*CHECK, "-o", str(private)])[0] == 0
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assessment(private.read_text())


# -- what is refused ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "schedule"])
def test_the_portfolio_read_is_not_overwritten(command: str, tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio.yaml"
    portfolio.write_bytes(Path(PORTFOLIO).read_bytes())
    hard_link = tmp_path / "same.yaml"
    os.link(portfolio, hard_link)
    symlink = tmp_path / "link.yaml"
    symlink.symlink_to(portfolio)
    for output in (portfolio, hard_link, symlink):
        code, out, err = run([command, str(portfolio), "-f", FRAMEWORK, "-o", str(output)])
        assert (code, out) == (2, "")
        assert err == (
            f"error: cannot write {output}: it is an input of this command ({portfolio})\n"
        )
    assert portfolio.read_bytes() == Path(PORTFOLIO).read_bytes()


def test_the_ocds_files_read_are_not_overwritten(tmp_path: Path) -> None:
    release = tmp_path / "release.json"
    original = (FIXTURES / "ocds" / "release-package.json").read_bytes()
    release.write_bytes(original)
    code, _, err = run(["import", "ocds", str(release), "-o", str(release)])
    assert code == 2
    assert err == f"error: cannot write {release}: it is an input of this command ({release})\n"
    assert release.read_bytes() == original


def test_a_folder_is_not_replaced_by_a_report(tmp_path: Path) -> None:
    code, _, err = run([*CHECK, "-o", str(tmp_path)])
    assert code == 2
    assert err.splitlines()[-1] == f"error: cannot write {tmp_path}: Is a directory"


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(atomic.RefusedError, match="a socket or other special file"):
            atomic.write_text(path, "x")
    assert stat.S_ISSOCK(path.stat().st_mode)


def test_docs_into_the_folder_it_runs_in_is_refused(inside: Path) -> None:
    code, out, err = run(["docs", FRAMEWORK, "-o", "."])
    assert (code, out) == (2, "")
    assert err == (
        "error: cannot write .: it is the folder accountframe runs in, or holds it; "
        "name a new folder\n"
    )
    assert list(inside.iterdir()) == []
    assert Path.cwd() == inside
    code, _, err = run(["docs", FRAMEWORK, "-o", ".."])
    assert code == 2
    assert "exists and was not written by accountframe docs" in err


def test_docs_through_a_symlink_replace_the_folder_it_names(tmp_path: Path) -> None:
    site = tmp_path / "site-2026"
    link = tmp_path / "site"
    link.symlink_to(site)
    assert run(["docs", FRAMEWORK, "-o", str(link)])[0] == 0
    assert link.is_symlink()
    assert (site / "index.md").is_file()
    assert run(["docs", FRAMEWORK, "-o", str(link)])[0] == 0  # again: replaced, still a link
    assert link.is_symlink()
    # mkdocs.yml is written beside the link, once (see test_docs_generation.py).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml", "site", "site-2026"]


# -- long names ----------------------------------------------------------------------------


def test_a_name_too_long_for_the_file_system_is_a_clean_error(inside: Path) -> None:
    name = "a" * 300
    for argv in (["docs", FRAMEWORK, "-o", name], [*CHECK, "-o", name]):
        code, out, err = run(argv)
        assert (code, out) == (2, "")
        assert err.splitlines()[-1] == f"error: cannot write {name}: File name too long"
    assert list(inside.iterdir()) == []


def test_a_long_name_that_fits_is_written(inside: Path) -> None:
    name = "b" * 250  # the name fits; with a temporary suffix added it would not
    assert run(["docs", FRAMEWORK, "-o", name])[0] == 0
    assert (inside / name / "index.md").is_file()
    assert run([*CHECK, "-o", f"{name[:-5]}.json"])[0] == 0
    assessment((inside / f"{name[:-5]}.json").read_text())
    assert sorted(len(p.name) for p in inside.iterdir()) == [len("mkdocs.yml"), 250, 250]


def test_a_leftover_of_a_long_name_is_found_and_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # its pid: a process now gone
    dead.wait()
    target = tmp_path / ("é" * 120)  # 240 bytes in UTF-8
    stem = atomic._stem(target.name)
    assert len(os.fsencode(stem)) < 130
    leftover = tmp_path / f".{stem}.{dead.pid}.0123abcd.tmp"
    leftover.write_text("half")
    assert atomic.leftovers(target) == [leftover]
    atomic.write_text(target, "whole\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    assert target.read_text() == "whole\n"


# -- names no file can have ------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        [*CHECK, "-o", "report\x00.json"],
        ["docs", FRAMEWORK, "-o", "pages\x00"],
        ["import", "ocds", "release\x00.json", "-o", "portfolio.yaml"],
    ],
    ids=["check -o", "docs -o", "import ocds FILE"],
)
def test_a_nul_in_a_file_name_is_a_clean_error(argv: list[str], inside: Path) -> None:
    code, _, err = run(argv)
    assert code == 2
    assert "a file name cannot hold a NUL character" in err
    assert "internal error" not in err
    assert list(inside.iterdir()) == []
