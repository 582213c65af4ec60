"""`accountframe check`, `lint` and `schema assessment` through the real entry point.

Exit codes (SPEC section 9, first match wins): 2 invalid input, 3 an `error` finding, 1 a
`fail` at or above --fail-on, 0 otherwise. The exact output of many cases is in
tests/golden/check; these tests check what the outputs mean.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from accountframe.assessment import (
    Accountable,
    Assessment,
    Finding,
    Status,
    Subject,
    WaiverApplied,
)
from accountframe.cli import EXAMPLE_PORTFOLIO, SEVERITIES, _bundle_root, _exit_code
from accountframe.framework.policies import Severity
from accountframe.schemas import assessment_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FRAMEWORK = str(FIXTURES / "frameworks" / "cli")
PORTFOLIO = str(FIXTURES / "portfolios" / "cli.yaml")
ERRORING = str(FIXTURES / "portfolios" / "cli-error.yaml")


SCRIPT = Path(sys.executable).parent / ("accountframe.exe" if os.name == "nt" else "accountframe")


def _command() -> list[str]:
    return [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "accountframe"]


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    """The installed `accountframe` script, as users run it (as in test_cli.py)."""
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    return subprocess.run(
        [*_command(), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def check(*args: str) -> tuple[int, str, str]:
    result = run(["check", *args, "-f", FRAMEWORK])
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param([PORTFOLIO], 0, id="medium fail below the default high"),
        pytest.param([PORTFOLIO, "--fail-on", "medium"], 1, id="fail-on medium"),
        pytest.param([PORTFOLIO, "--fail-on", "info"], 1, id="fail-on info"),
        pytest.param(
            [PORTFOLIO, "--fail-on", "critical", "--as-of", "2027-06-01"],
            0,
            id="high below critical",
        ),
        pytest.param([PORTFOLIO, "--as-of", "2027-06-01"], 1, id="overdue reviews are high"),
        pytest.param([PORTFOLIO, "--as-of", "2027-06-01", "--fail-on", "never"], 0, id="never"),
        pytest.param([ERRORING], 3, id="error finding"),
        pytest.param([ERRORING, "--fail-on", "never"], 3, id="error beats never"),
        pytest.param([PORTFOLIO, "--as-of", "2026-02-30"], 2, id="impossible date"),
        pytest.param([PORTFOLIO, "--as-of", "26-11-25"], 2, id="not YYYY-MM-DD"),
        pytest.param([PORTFOLIO, "--as-of", "2026-11-25T00:00"], 2, id="a time"),
        pytest.param([str(FIXTURES / "portfolios" / "missing.yaml")], 2, id="missing portfolio"),
        pytest.param([PORTFOLIO, "--format", "html5"], 2, id="unknown format"),
    ],
)
def test_exit_codes(args: list[str], code: int) -> None:
    returncode, _, stderr = check(*args)
    assert returncode == code, stderr
    if code == 2:
        assert stderr.splitlines()[-1].startswith("error: ")


def test_bad_as_of_says_what_was_expected() -> None:
    returncode, stdout, stderr = check(PORTFOLIO, "--as-of", "25/11/2026")
    assert (returncode, stdout) == (2, "")
    assert stderr == "error: --as-of must be a date like 2026-11-25 (got '25/11/2026')\n"


def test_unknown_framework_is_invalid_input() -> None:
    result = run(["check", PORTFOLIO, "-f", "no-such-framework"])
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "error: 'no-such-framework' is not a framework folder, and no bundled framework"
    )


def test_invalid_portfolio_prints_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: 5\ncontracts: [{id: C-1}]\n")
    returncode, stdout, stderr = check(str(bad))
    assert (returncode, stdout) == (2, "")
    assert "af-value" in stderr
    assert "af-missing" in stderr
    assert stderr.splitlines()[-1].startswith(f"error: {bad}: ")


def test_says_which_framework_portfolio_and_date_were_used() -> None:
    _, _, stderr = check(PORTFOLIO)
    assert stderr == (
        f"framework: cli-test 1; portfolio: {PORTFOLIO}; as of 2026-11-25 (from the portfolio)\n"
    )
    _, _, stderr = check(PORTFOLIO, "--as-of", "2027-01-02")
    assert stderr.endswith("as of 2027-01-02 (from --as-of)\n")


def test_without_a_portfolio_uses_the_bundled_example() -> None:
    example = _bundle_root() / EXAMPLE_PORTFOLIO
    returncode, _, stderr = check()
    if example.is_file():
        assert returncode in (0, 1, 3), stderr
        assert "portfolio: bundled example (ministry-of-example.yaml)" in stderr
    else:
        assert returncode == 2
        assert stderr == (
            f"error: no PORTFOLIO given and the bundled example portfolio is missing "
            f"({example}); give a portfolio file\n"
        )


def test_json_is_a_valid_assessment_document() -> None:
    returncode, stdout, _ = check(ERRORING, "--format", "json")
    assert returncode == 3
    document = json.loads(stdout)
    jsonschema.Draft202012Validator(assessment_schema()).validate(document)
    assert document["summary"]["status"]["error"] == 1
    assert document["framework"]["name"] == "cli-test"
    assert len(document["findings"]) == 3 * 2  # contract-scope policies times contracts


def test_csv_has_a_row_per_finding() -> None:
    _, stdout, _ = check(PORTFOLIO, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(stdout, newline="")))
    assert [(r["policy"], r["subject"], r["status"]) for r in rows] == [
        ("CAD-SRO", "C-1", "pass"),
        ("CAD-SRO", "C-2", "pass"),
        ("RULE-STRATEGIC", "C-1", "fail"),
        ("RULE-STRATEGIC", "C-2", "pass"),
        ("RULE-BROKEN", "C-1", "not_applicable"),
        ("RULE-BROKEN", "C-2", "not_applicable"),
    ]
    # C-2 has no SRO: its findings go up the chain to the Accounting Officer.
    assert rows[1]["accountable_person"] == "p-ao"


def test_junit_counts() -> None:
    returncode, stdout, _ = check(PORTFOLIO, "--format", "junit", "--as-of", "2027-06-01")
    assert returncode == 1
    root = ET.fromstring(stdout)
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        "tests": "6",
        "failures": "3",
        "errors": "0",
        "skipped": "2",
    }


def test_markdown_and_table() -> None:
    _, markdown, _ = check(PORTFOLIO, "--format", "markdown")
    assert markdown.startswith("# Contract accountability assessment: CLI Test Department\n")
    _, table, _ = check(PORTFOLIO)
    _, default, _ = check(PORTFOLIO, "--format", "table")
    assert table == default
    assert table.startswith("CLI Test Department: assessment as of 2026-11-25\n")
    assert "\x1b[" not in table  # not a terminal: no colour codes


@pytest.mark.parametrize("format_", ["table", "json", "markdown", "csv", "junit"])
def test_output_file_is_written_whole_and_stdout_stays_empty(tmp_path: Path, format_: str) -> None:
    target = tmp_path / f"report.{format_}"
    target.write_text("an older report\n")
    returncode, stdout, stderr = check(ERRORING, "--format", format_, "-o", str(target))
    assert returncode == 3, stderr
    assert stdout == ""
    _, expected, _ = check(ERRORING, "--format", format_)
    assert target.read_text() == expected  # both read with universal newlines
    if format_ == "csv":
        assert b"\r\n" in target.read_bytes()  # RFC 4180 line ends, written as they are
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary left
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("command", ["check", "schedule"])
def test_output_dash_is_stdout(tmp_path: Path, command: str) -> None:
    """`-o -` writes to stdout, as with no `-o`, and leaves no file named `-`."""
    args = [command, PORTFOLIO, "-f", FRAMEWORK, "--format", "json", "--as-of", "2026-11-25"]
    to_stdout = subprocess.run(
        [*_command(), *args], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    dashed = subprocess.run(
        [*_command(), *args, "-o", "-"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert (dashed.returncode, dashed.stdout) == (to_stdout.returncode, to_stdout.stdout)
    assert json.loads(dashed.stdout)
    assert list(tmp_path.iterdir()) == []


def test_output_into_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "report.md"
    returncode, stdout, stderr = check(PORTFOLIO, "-o", str(target))
    assert (returncode, stdout) == (2, "")
    assert stderr.splitlines()[-1].startswith(f"error: cannot write {target}: ")
    assert not target.exists()


def test_schema_assessment_prints_a_valid_schema() -> None:
    result = run(["schema", "assessment"])
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == assessment_schema()


def test_schema_framework_prints_a_valid_schema() -> None:
    result = run(["schema", "framework"])
    assert result.returncode == 0, result.stderr
    jsonschema.Draft202012Validator.check_schema(json.loads(result.stdout))


def test_lint() -> None:
    ok = run(["lint", FRAMEWORK])
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "ok: cli-test 1: 4 policies\n", "")
    missing = run(["lint", "no-such-framework"])
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: ")


def _finding(status: Status, severity: Severity, waiver: WaiverApplied | None = None) -> Finding:
    return Finding(
        policy="P",
        kind="rule",
        subject=Subject("contract", "C-1"),
        status=status,
        severity=severity,
        accountable=Accountable("sro", "p-sro", "Sam Owner"),
        message=status.value,
        waiver=waiver,
    )


def _assessment(*findings: Finding) -> Assessment:
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


def test_warn_and_waived_never_fail_the_run() -> None:
    waiver = WaiverApplied(
        "r", "p-ao", datetime.date(2026, 1, 1), datetime.date(2027, 1, 1), Status.FAIL
    )
    quiet = _assessment(
        _finding(Status.WARN, Severity.CRITICAL),
        _finding(Status.WAIVED, Severity.CRITICAL, waiver),
    )
    policies = frozenset(f.policy for f in quiet.findings)
    assert _exit_code(quiet, SEVERITIES.index("info"), policies) == 0
    failing = _assessment(_finding(Status.FAIL, Severity.HIGH))
    levels = ("info", "medium", "high", "critical")
    assert [_exit_code(failing, SEVERITIES.index(level)) for level in levels] == [1, 1, 1, 0]
    assert _exit_code(failing, None) == 0  # never
    erroring = _assessment(
        _finding(Status.ERROR, Severity.INFO), _finding(Status.FAIL, Severity.HIGH)
    )
    assert _exit_code(erroring, None) == 3
