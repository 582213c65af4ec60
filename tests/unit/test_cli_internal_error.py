"""An unexpected exception (a bug) exits 70, not 3 (which means an `error` finding), with one
line asking for a report; the traceback only when ACCOUNTFRAME_TRACEBACK=1 asks for it."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

import accountframe as af
from accountframe import cli

PORTFOLIO = str(Path(__file__).resolve().parents[1] / "fixtures" / "portfolios" / "cli.yaml")


def broken(*args: object, **kwargs: object) -> af.Portfolio:
    raise KeyError("a bug\nover two lines")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def test_an_internal_error_exits_70_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cli.TRACEBACK_VARIABLE, raising=False)
    monkeypatch.setattr(af, "load_portfolio", broken)
    code, out, err = run(["validate", PORTFOLIO])
    assert (code, cli.EXIT_INTERNAL, out) == (70, 70, "")
    assert err == (
        "error: internal error (KeyError: 'a bug\\nover two lines'); this is a bug in "
        "accountframe, please report it with the command you ran (set "
        "ACCOUNTFRAME_TRACEBACK=1 to see where it happened)\n"
    )


def test_the_traceback_is_shown_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cli.TRACEBACK_VARIABLE, "1")
    monkeypatch.setattr(af, "load_portfolio", broken)
    code, _, err = run(["validate", PORTFOLIO])
    lines = err.splitlines()
    assert code == 70
    assert lines[0].startswith("error: internal error (KeyError:")
    assert lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "KeyError: 'a bug\\nover two lines'"
    assert any("in broken" in line for line in lines)


def test_a_long_message_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    def very_broken(*args: object, **kwargs: object) -> af.Portfolio:
        raise RuntimeError("x" * 1000)

    monkeypatch.delenv(cli.TRACEBACK_VARIABLE, raising=False)
    monkeypatch.setattr(af, "load_portfolio", very_broken)
    code, _, err = run(["validate", PORTFOLIO])
    assert code == 70
    assert f"(RuntimeError: {'x' * 197}...);" in err
    assert len(err.splitlines()) == 1


def test_an_error_finding_still_exits_3() -> None:
    erroring = str(Path(PORTFOLIO).with_name("cli-error.yaml"))
    framework = str(Path(PORTFOLIO).parents[1] / "frameworks" / "cli")
    code, _, err = run(["check", erroring, "-f", framework, "--format", "json"])
    assert code == 3
    assert "internal error" not in err


def test_the_executable_exits_70_too(tmp_path: Path) -> None:
    """Through the console script's sys.exit, as a shell sees it."""
    script = tmp_path / "run.py"
    script.write_text(
        "import accountframe as af, accountframe.cli as cli\n"
        "def broken(*a, **k): raise RuntimeError('boom')\n"
        "af.load_portfolio = broken\n"
        f"cli.sys.argv = ['accountframe', 'validate', {PORTFOLIO!r}]\n"
        "cli.entry_point()\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 70
    assert done.stderr.startswith("error: internal error (RuntimeError: boom); this is a bug")
    assert "Traceback" not in done.stderr
