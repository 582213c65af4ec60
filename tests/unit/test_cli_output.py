"""Output for people and pipelines (issue 24): `check --show` and `--compact`, through the
real entry point (`accountframe.cli.main`), and on a terminal through a pseudo-terminal."""

from __future__ import annotations

import datetime
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import accountframe as af
from accountframe.cli import main

ROOT = Path(__file__).resolve().parents[2]
PORTFOLIO = ROOT / "tests" / "fixtures" / "portfolios" / "cli.yaml"
FRAMEWORK = ROOT / "tests" / "fixtures" / "frameworks" / "cli"
CHECK = ["check", str(PORTFOLIO), "-f", str(FRAMEWORK)]
EXAMPLE = ROOT / "policies" / "examples" / "ministry-of-example.yaml"
NOT_LISTED = "Only error, fail, warn and waived findings are listed"


def on_a_terminal(args: list[str]) -> str:
    """What the command prints when its standard output is a terminal."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    process = subprocess.Popen(
        [sys.executable, "-m", "accountframe", *args],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once the process is gone (EIO on Linux)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_shows_exceptions_by_default() -> None:
    """Problem 5: the terminal report listed every pass and not-applicable finding."""
    shown = on_a_terminal(CHECK)
    assert NOT_LISTED in shown
    assert "RULE-STRATEGIC" in shown
    assert "not_applicable  low" not in shown
    assert "pass  " not in shown


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_show_all_on_a_terminal_lists_everything() -> None:
    shown = on_a_terminal([*CHECK, "--show", "all"])
    assert NOT_LISTED not in shown
    assert shown.count("not_applicable  low") == 2


def test_a_pipe_gets_every_finding_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    """A file or a pipe keeps the full listing: the bytes scripts have always had."""
    assert main(CHECK) == 0
    piped = capsys.readouterr().out
    assert main([*CHECK, "--show", "all"]) == 0
    assert capsys.readouterr().out == piped
    assert NOT_LISTED not in piped
    expected = (ROOT / "tests" / "golden" / "check" / "table" / "expected.txt").read_text()
    assert piped in expected


def test_show_exceptions_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    assert main([*CHECK, "--show", "exceptions", "-o", str(out)]) == 0
    text = out.read_text()
    assert NOT_LISTED in text
    assert [line.split()[0] for line in text.splitlines() if line.startswith("  ")][:1] == ["fail"]


def test_compact_gives_each_finding_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*CHECK, "--show", "all", "--compact"]) == 0
    listing = capsys.readouterr().out.split("\nConsequences due")[0]
    findings = [line for line in listing.splitlines() if line.startswith("  ")]
    assert len(findings) == 6
    strategic = next(line for line in findings if "RULE-STRATEGIC  C-1" in line)
    assert strategic.endswith("nor contract.strategic holds)")


@pytest.mark.parametrize("option", [["--show", "all"], ["--compact"]])
def test_show_and_compact_are_for_the_table(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*CHECK, "--format", "csv", *option]) == 2
    assert capsys.readouterr().err == (
        "error: --show and --compact are for the table format (not csv)\n"
    )


@pytest.mark.parametrize(
    ("fail_on", "code"),
    [
        pytest.param([], 0, id="default high: the fail is medium"),
        pytest.param(["RULE-STRATEGIC"], 1, id="a failing policy by id"),
        pytest.param(["CAD-SRO"], 0, id="a passing policy by id"),
        pytest.param(["CAD-SRO,RULE-STRATEGIC"], 1, id="comma-separated"),
        pytest.param(["critical", "RULE-STRATEGIC"], 1, id="severity and id"),
        pytest.param(["critical", "CAD-SRO"], 0, id="neither"),
        pytest.param(["medium"], 1, id="severity"),
    ],
)
def test_fail_on_policy_ids(fail_on: list[str], code: int) -> None:
    options = [option for value in fail_on for option in ("--fail-on", value)]
    assert main([*CHECK, "--format", "csv", "-o", os.devnull, *options]) == code


@pytest.mark.parametrize(
    ("fail_on", "message"),
    [
        (
            ["RULE-STRATEGIK"],
            "error: --fail-on: 'RULE-STRATEGIK' is neither a severity (info, low, medium, high, "
            "critical, never) nor a policy of cli-test (did you mean 'RULE-STRATEGIC'?)",
        ),
        (["high,low"], "error: --fail-on takes one severity (got high, low)"),
        (
            ["never", "CAD-SRO"],
            "error: --fail-on never cannot be given with policy ids (they would fail the run)",
        ),
    ],
)
def test_fail_on_mistakes_are_usage_errors(
    fail_on: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    options = [option for value in fail_on for option in ("--fail-on", value)]
    assert main([*CHECK, *options]) == 2
    assert capsys.readouterr().err == message + "\n"


class TestSnapshot:
    """`test --snapshot`: the results of a portfolio now, as a test file that passes now and
    fails when a result moves."""

    def framework_with_portfolio(self, tmp_path: Path) -> tuple[Path, Path]:
        folder = tmp_path / "fw"
        shutil.copytree(FRAMEWORK, folder)
        portfolio = folder / "tests" / "fixtures" / "p.yaml"
        portfolio.parent.mkdir(parents=True)
        shutil.copy(PORTFOLIO, portfolio)
        return folder, portfolio

    def test_a_snapshot_passes_now_and_fails_when_a_result_moves(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        folder, portfolio = self.framework_with_portfolio(tmp_path)
        written = folder / "tests" / "snapshot.yaml"
        args = ["test", str(folder), "--snapshot", str(portfolio), "-o", str(written)]
        assert main(args) == 0
        text = written.read_text()
        assert "  portfolio: fixtures/p.yaml\n  as_of: 2026-11-25\n" in text
        assert "  - {policy: RULE-STRATEGIC, subject: C-1, status: fail, accountable: p-sro}\n" in (
            text
        )
        capsys.readouterr()
        assert main(["test", str(folder)]) == 0
        # C-1 marked strategic: RULE-STRATEGIC passes for it now, and the snapshot says so.
        text = portfolio.read_text().replace(
            "    tier: gold\n", "    tier: gold\n    strategic: true\n", 1
        )
        portfolio.write_text(text)
        assert main(["test", str(folder)]) == 1
        assert "RULE-STRATEGIC on C-1" in capsys.readouterr().out

    def test_to_standard_output_it_names_the_portfolio_as_given(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert (
            main(["test", str(FRAMEWORK), "--snapshot", str(PORTFOLIO), "--as-of", "2027-01-01"])
            == 0
        )
        case = yaml.safe_load(capsys.readouterr().out)["tests"][0]
        assert (case["portfolio"], case["as_of"]) == (str(PORTFOLIO), datetime.date(2027, 1, 1))

    def test_as_of_and_output_are_for_snapshot(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["test", str(FRAMEWORK), "--as-of", "2027-01-01"]) == 2
        assert capsys.readouterr().err == "error: --as-of and -o are for --snapshot\n"

    def test_the_bundled_example_round_trips(self, tmp_path: Path) -> None:
        """Every finding and consequence of the bundled example, as expectations, met."""
        written = tmp_path / "snapshot.yaml"
        written.write_text(
            af.snapshot("uk-central-government", EXAMPLE, portfolio_reference=str(EXAMPLE))
        )
        limits = af.LoadLimits(allow_read=(str(EXAMPLE.parent), str(tmp_path)))
        report = af.run_tests(af.bundled("uk-central-government"), [written], limits=limits)
        assert report.passed
        assert report.untested == ()
        (case,) = report.cases
        assessment = af.bundled("uk-central-government").evaluate(af.load_portfolio(EXAMPLE))
        assert len(case.expectations) == len(assessment.findings) + len(assessment.consequences)


def test_inherited_runs_the_base_frameworks_tests_against_this_one() -> None:
    folder = ROOT / "tests" / "fixtures" / "policytests" / "inheriting"
    own = af.run_tests(folder)
    assert [case.name for case in own.cases] == ["a strategic contract over 10m passes"]
    assert own.passed
    both = af.run_tests(folder, inherited=True)
    assert len(both.cases) == 4
    assert [case.name for case in both.failures] == ["overspending fails the spend rule"]
    assert both.untested == ()


def test_the_snapshot_shown_in_the_docs_is_what_is_written(tmp_path: Path) -> None:
    """docs/testing.md shows the file `test --snapshot` writes: it is that file, byte for byte."""
    text = (ROOT / "docs" / "testing.md").read_text()
    shown = text.split("The file it wrote, for a framework of four policies", 1)[1]
    shown = shown.split("```yaml\n", 1)[1].split("```", 1)[0]
    folder = tmp_path / "my-framework"
    shutil.copytree(FRAMEWORK, folder)
    portfolio = folder / "tests" / "fixtures" / "today.yaml"
    portfolio.parent.mkdir(parents=True)
    shutil.copy(PORTFOLIO, portfolio)
    written = folder / "tests" / "snapshot.yaml"
    assert main(["test", str(folder), "--snapshot", str(portfolio), "-o", str(written)]) == 0
    assert written.read_text() == shown
