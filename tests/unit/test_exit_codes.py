"""Exit codes (SPEC section 9), first match wins: 2 invalid input, 3 an `error` finding, 1 a
`fail` at or above `--fail-on`, 0 otherwise; 70 an internal error (a bug).

The table over every combination of outcomes is `_exit_code` itself (microseconds a case);
the precedence through the command is `cli.main` in this process, as the console script calls
it (tests/unit/test_cli_check.py runs the installed script in a subprocess).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import itertools
import json
from pathlib import Path

import click
import pytest

import accountframe as af
from accountframe import cli
from accountframe.assessment import (
    Accountable,
    Assessment,
    Finding,
    Status,
    Subject,
    WaiverApplied,
)
from accountframe.framework.policies import Severity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FRAMEWORK = str(FIXTURES / "frameworks" / "cli")
PORTFOLIO = str(FIXTURES / "portfolios" / "cli.yaml")
#: One `error` finding and one medium `fail` finding on 2026-11-25.
ERRORING = str(FIXTURES / "portfolios" / "cli-error.yaml")

LEVELS = ("info", "low", "medium", "high", "critical", "never")
_WAIVER = WaiverApplied(
    "r", "p-ao", datetime.date(2026, 1, 1), datetime.date(2027, 1, 1), Status.FAIL
)


def _finding(status: Status, severity: Severity = Severity.HIGH) -> Finding:
    return Finding(
        policy="P",
        kind="rule",
        subject=Subject("contract", "C-1"),
        status=status,
        severity=severity,
        accountable=Accountable("sro", "p-sro", "Sam Owner"),
        message=status.value,
        waiver=_WAIVER if status is Status.WAIVED else None,
    )


def _assessment(findings: tuple[Finding, ...]) -> Assessment:
    return Assessment(
        framework="f",
        framework_version="1",
        framework_digest="0" * 64,
        organisation="o",
        portfolio_digest="0" * 64,
        as_of=datetime.date(2026, 1, 1),
        generated_by="test",
        findings=findings,
    )


def exit_code(assessment: Assessment, level: str) -> int:
    """`_exit_code` at `--fail-on LEVEL` (a severity's rank; `never`: none)."""
    threshold = None if level == "never" else [s.value for s in Severity].index(level)
    return cli._exit_code(assessment, threshold)


# -- every combination of outcomes ---------------------------------------------------------------

_OUTCOMES = (Status.ERROR, Status.FAIL, Status.WARN, Status.WAIVED)
_COMBINATIONS = [
    combination
    for size in range(len(_OUTCOMES) + 1)
    for combination in itertools.combinations(_OUTCOMES, size)
]


@pytest.mark.parametrize(
    "outcomes",
    _COMBINATIONS,
    ids=["+".join(status.value for status in c) or "nothing" for c in _COMBINATIONS],
)
def test_every_combination_of_outcomes_at_every_fail_on(outcomes: tuple[Status, ...]) -> None:
    # A critical `fail`, so that every --fail-on but `never` counts it; pass and
    # not_applicable findings beside them, which never change the code.
    findings = tuple(_finding(status, Severity.CRITICAL) for status in outcomes)
    assessment = _assessment((_finding(Status.PASS), *findings, _finding(Status.NOT_APPLICABLE)))
    codes = [exit_code(assessment, level) for level in LEVELS]
    if Status.ERROR in outcomes:
        assert codes == [3, 3, 3, 3, 3, 3]  # an error wins, whatever --fail-on says
    elif Status.FAIL in outcomes:
        assert codes == [1, 1, 1, 1, 1, 0]
    else:  # warn and waived never fail the run
        assert codes == [0, 0, 0, 0, 0, 0]


@pytest.mark.parametrize("severity", list(Severity), ids=lambda severity: severity.value)
def test_a_fail_counts_at_or_above_fail_on(severity: Severity) -> None:
    assessment = _assessment((_finding(Status.FAIL, severity),))
    codes = {level: exit_code(assessment, level) for level in LEVELS}
    rank = list(Severity).index(severity)
    assert codes == {
        level: 1 if level != "never" and LEVELS.index(level) <= rank else 0 for level in LEVELS
    }


def test_a_policy_named_by_fail_on_counts_whatever_its_severity() -> None:
    assessment = _assessment((_finding(Status.FAIL, Severity.INFO),))
    assert cli._exit_code(assessment, None, frozenset({"P"})) == 1
    assert cli._exit_code(assessment, None, frozenset({"Q"})) == 0
    errors = _assessment((_finding(Status.FAIL, Severity.INFO), _finding(Status.ERROR)))
    assert cli._exit_code(errors, None, frozenset({"P"})) == 3


def test_the_worst_failure_decides_not_the_first() -> None:
    assessment = _assessment(
        (_finding(Status.FAIL, Severity.LOW), _finding(Status.FAIL, Severity.CRITICAL))
    )
    assert [exit_code(assessment, level) for level in LEVELS] == [1, 1, 1, 1, 1, 0]
    waived_critical = _assessment(
        (_finding(Status.FAIL, Severity.LOW), _finding(Status.WAIVED, Severity.CRITICAL))
    )
    assert [exit_code(waived_critical, level) for level in LEVELS] == [1, 1, 0, 0, 0, 0]


# -- through the command -------------------------------------------------------------------------


def run(argv: list[str] | None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def check(*args: str) -> int:
    code, _, err = run(["check", *args, "-f", FRAMEWORK, "--format", "csv"])
    assert "Traceback" not in err
    return code


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param([PORTFOLIO], 0, id="a medium fail below the default high"),
        pytest.param([PORTFOLIO, "--fail-on", "medium"], 1, id="the medium fail counts"),
        pytest.param([PORTFOLIO, "--as-of", "2027-06-01"], 1, id="high fails at the default"),
        pytest.param([PORTFOLIO, "--as-of", "2027-06-01", "--fail-on", "never"], 0, id="never"),
        pytest.param([ERRORING, "--fail-on", "medium"], 3, id="error before a counted fail"),
        pytest.param([ERRORING, "--fail-on", "info"], 3, id="error before fail-on info"),
        pytest.param([ERRORING], 3, id="error with an uncounted fail"),
        pytest.param([ERRORING, "--as-of", "2026-02-30"], 2, id="invalid before error"),
        pytest.param([PORTFOLIO, "--fail-on", "medium", "--as-of", "26-11-25"], 2, id="bad date"),
    ],
)
def test_precedence_through_the_command(args: list[str], code: int) -> None:
    assert check(*args) == code


def test_what_the_findings_were_in_the_precedence_cases() -> None:
    """The fixtures hold what the table above assumes: an error and a medium fail together."""
    code, out, _ = run(["check", ERRORING, "-f", FRAMEWORK, "--format", "json"])
    findings = json.loads(out)["findings"]
    assert code == 3
    outcomes = {(f["status"], f["severity"]) for f in findings}
    assert outcomes >= {("error", "low"), ("fail", "medium")}


def test_invalid_input_is_2_and_says_why() -> None:
    code, out, err = run(["check", str(FIXTURES / "portfolios" / "missing.yaml"), "-f", FRAMEWORK])
    assert (code, out) == (2, "")
    assert "af-io: no such file" in err
    assert err.splitlines()[-1].startswith("error: ")


def test_a_usage_error_is_2_with_the_usage() -> None:
    code, out, err = run(["check", "--workers", "zero"])
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith("Usage: accountframe check [OPTIONS]")
    assert err.splitlines()[-1].startswith("error: Invalid value for '--workers'")


def test_an_unknown_fail_on_is_2_naming_what_it_may_be() -> None:
    code, out, err = run(["check", "--fail-on", "sometimes"])
    assert (code, out) == (2, "")
    assert err.startswith("error: --fail-on: 'sometimes' is neither a severity")


def test_an_accountframe_error_escaping_a_command_is_2(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuses(*args: object, **kwargs: object) -> af.Portfolio:
        raise af.UsageError("no, not that")

    monkeypatch.setattr(af, "load_portfolio", refuses)
    assert run(["validate", PORTFOLIO]) == (2, "", "error: no, not that\n")


def test_an_internal_error_is_70_not_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> af.Portfolio:
        raise ZeroDivisionError

    monkeypatch.delenv(cli.TRACEBACK_VARIABLE, raising=False)
    monkeypatch.setattr(af, "load_portfolio", broken)
    code, out, err = run(["validate", PORTFOLIO])
    assert (code, out) == (70, "")
    # No message: the type alone, without an empty ": " after it.
    assert err.startswith("error: internal error (ZeroDivisionError); this is a bug")


def test_an_interrupt_is_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> af.Portfolio:
        raise click.exceptions.Abort

    monkeypatch.setattr(af, "load_portfolio", interrupted)
    assert run(["validate", PORTFOLIO]) == (130, "", "error: interrupted\n")


def test_a_closed_pipe_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(*args: object, **kwargs: object) -> af.Portfolio:
        raise BrokenPipeError

    monkeypatch.setattr(af, "load_portfolio", closed)
    monkeypatch.setattr(cli.sys, "stderr", io.StringIO())
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["validate", PORTFOLIO]) == 0
    assert out.getvalue() == ""
    assert cli.sys.stderr.closed


@pytest.mark.parametrize(
    ("exit_code", "expected"),
    [(None, 0), (0, 0), (1, 1), (3, 3), ("a message", 2)],
    ids=["None", "0", "1", "3", "text"],
)
def test_a_system_exit_inside_a_command_keeps_its_code(
    monkeypatch: pytest.MonkeyPatch, exit_code: int | str | None, expected: int
) -> None:
    def exits(*args: object, **kwargs: object) -> af.Portfolio:
        raise SystemExit(exit_code)

    monkeypatch.setattr(af, "load_portfolio", exits)
    assert run(["validate", PORTFOLIO])[0] == expected


# -- the command line's own edges ----------------------------------------------------------------


def test_no_command_shows_the_help_on_stderr_and_is_2(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in a fresh process: click keeps the help option a command made first (with its
    # context's names), so an earlier `--help` in this process would show `-h` whatever
    # context `main` makes here.
    monkeypatch.setattr(cli.cli, "_help_option", None)
    code, out, err = run([])
    assert (code, out) == (2, "")
    assert err.startswith("Usage: accountframe [OPTIONS] COMMAND [ARGS]...")
    assert "Commands:" in err
    assert "  -h, --help " in err  # the same help options as `accountframe --help` shows


def test_the_arguments_default_to_the_process_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.sys, "argv", ["accountframe", "check", "--workers", "zero"])
    code, out, err = run(None)
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith("Usage: accountframe check [OPTIONS]")
    assert err.splitlines()[-1].startswith("error: Invalid value for '--workers'")


def test_a_command_that_returns_is_0() -> None:
    code, out, err = run(["validate", PORTFOLIO])
    assert (code, err) == (0, "")
    assert out != ""


def test_a_click_error_that_is_not_a_usage_error_is_2(monkeypatch: pytest.MonkeyPatch) -> None:
    def unopened(*args: object, **kwargs: object) -> af.Portfolio:
        raise click.ClickException("could not open it")

    monkeypatch.setattr(af, "load_portfolio", unopened)
    assert run(["validate", PORTFOLIO]) == (2, "", "error: could not open it\n")


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        pytest.param("x" * 200, "x" * 200, id="200 characters whole"),
        pytest.param("x" * 201, "x" * 197 + "...", id="201 cut to 200"),
        pytest.param("a\n  b\tc ", "a b c", id="whitespace runs as one space"),
    ],
)
def test_an_internal_errors_message_is_one_line_of_at_most_200_characters(
    monkeypatch: pytest.MonkeyPatch, message: str, shown: str
) -> None:
    def broken(*args: object, **kwargs: object) -> af.Portfolio:
        raise RuntimeError(message)

    monkeypatch.delenv(cli.TRACEBACK_VARIABLE, raising=False)
    monkeypatch.setattr(af, "load_portfolio", broken)
    code, _, err = run(["validate", PORTFOLIO])
    assert code == 70
    assert err.startswith(f"error: internal error (RuntimeError: {shown}); this is a bug")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("message", ["ends in a space ", "ends in X"])
def test_the_traceback_when_asked_ends_as_the_exception_does(
    monkeypatch: pytest.MonkeyPatch, message: str
) -> None:
    def broken(*args: object, **kwargs: object) -> af.Portfolio:
        raise RuntimeError(message)

    monkeypatch.setenv(cli.TRACEBACK_VARIABLE, "1")
    monkeypatch.setattr(af, "load_portfolio", broken)
    code, _, err = run(["validate", PORTFOLIO])
    assert code == 70
    lines = err.split("\n")
    assert lines[1] == "Traceback (most recent call last):"
    # Only the traceback's final line break is dropped (click.echo adds one back).
    assert lines[-2:] == [f"RuntimeError: {message}", ""]
