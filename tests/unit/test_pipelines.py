"""Output for pipelines (issue 24): SARIF 2.1.0 valid against its schema, GitHub workflow
commands in their documented syntax, where results point, and the JSON of lint, validate
and test. The exact text of each format is in the golden files (tests/golden/*/…-sarif,
…-github, …-json, test/fail-junit)."""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import accountframe as af
from accountframe.assessment import Status
from accountframe.cli import main
from accountframe.errors import Diagnostic, Location
from accountframe.report import pipelines

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text())
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)
PORTFOLIO = ROOT / "tests" / "fixtures" / "portfolios" / "cli.yaml"
ERRORING = ROOT / "tests" / "fixtures" / "portfolios" / "cli-error.yaml"
FRAMEWORK = ROOT / "tests" / "fixtures" / "frameworks" / "cli"
EXAMPLE = ROOT / "policies" / "examples" / "ministry-of-example.yaml"
SARIF_GOLDENS = sorted(GOLDEN.glob("*/*-sarif/expected.txt"))
GITHUB_GOLDENS = sorted(GOLDEN.glob("*/*-github/expected.txt"))
#: A workflow command, as GitHub's runner reads one: `::command key=value,...::message`.
COMMAND = re.compile(r"::(error|warning|notice)(?: ([^:]*))?::(.*)")


def stdout(transcript: Path) -> str:
    text = transcript.read_text()
    return text.split("--- stdout\n", 1)[1].split("--- stderr\n", 1)[0]


def test_the_vendored_schema_is_a_schema() -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"


@pytest.mark.parametrize("case", SARIF_GOLDENS, ids=[c.parent.name for c in SARIF_GOLDENS])
def test_every_sarif_golden_is_valid_sarif(case: Path) -> None:
    assert len(SARIF_GOLDENS) >= 4
    log = json.loads(stdout(case))
    VALIDATOR.validate(log)
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["results"], case  # every such case has something to report


def test_the_bundled_example_as_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    VALIDATOR.validate(log)
    (run,) = log["runs"]
    results = run["results"]
    assessment = af.bundled("uk-central-government").evaluate(af.load_portfolio(EXAMPLE))
    listed = [f for f in assessment.findings if f.status in (Status.ERROR, Status.FAIL,
              Status.WARN, Status.WAIVED)]  # fmt: skip
    assert len(results) == len(listed) == 40
    assert run["properties"]["summary"] == assessment.status_counts()
    waived = [r for r in results if "suppressions" in r]
    assert len(waived) == 2
    assert {r["level"] for r in waived} == {"note"}
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    # Each result points at its contract's entry in the portfolio file, or for the
    # organisation, at its name.
    lines = EXAMPLE.read_text().splitlines()
    for result in results:
        region = result["locations"][0]["physicalLocation"]["region"]
        subject = result["properties"]["subject"]
        line = lines[region["startLine"] - 1].strip()
        if subject["type"] == "organisation":
            assert line == f"organisation: {subject['id']}"
        else:
            assert line == f"- id: {subject['id']}"


@pytest.mark.parametrize("case", GITHUB_GOLDENS, ids=[c.parent.name for c in GITHUB_GOLDENS])
def test_every_github_golden_is_in_the_documented_syntax(case: Path) -> None:
    assert len(GITHUB_GOLDENS) >= 4
    lines = stdout(case).splitlines()
    assert lines
    for line in lines:
        command = COMMAND.fullmatch(line)
        assert command is not None, line
        properties = dict(item.split("=", 1) for item in command.group(2).split(","))
        assert set(properties) <= {"file", "line", "col", "title"}
        assert list(properties) == [k for k in ("file", "line", "col", "title") if k in properties]


def test_a_finding_points_at_the_portfolio_and_an_error_at_the_framework(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", str(ERRORING), "-f", str(FRAMEWORK), "--format", "github"]) == 3
    fail, error = capsys.readouterr().out.splitlines()
    portfolio_line = ERRORING.read_text().splitlines().index("  - id: C-1") + 1
    assert fail.startswith(f"::error file={ERRORING},line={portfolio_line},col=5,")
    broken = (FRAMEWORK / "policies.yaml").read_text().splitlines()
    column = broken[19].index("contract.attributes") + 1
    assert error.startswith(f"::error file={FRAMEWORK / 'policies.yaml'},line=20,col={column},")
    assert "title=RULE-BROKEN error%3A C-1::contract C-1: require failed" in error


UNESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def unescape(text: str) -> str:
    # %25 last: "%250A" is an escaped "%0A", not a line break.
    for escaped, raw in UNESCAPES:
        text = text.replace(escaped, raw)
    return text


@given(
    level=st.sampled_from(["error", "warning", "note"]),
    message=st.text(),
    title=st.text(min_size=1),
    file=st.text(min_size=1),
    line=st.none() | st.integers(1, 10**6),
    column=st.integers(1, 500),
)
def test_any_text_makes_one_command_that_reads_back(
    level: str, message: str, title: str, file: str, line: int | None, column: int
) -> None:
    """Whatever the text, each annotation is one line that GitHub reads as one command,
    with the properties and the message it was given."""
    location = Location(file=file, line=line, column=column if line else None)
    text = pipelines.github([pipelines.Annotation(level, "R", message, location, title)])
    assert text.endswith("\n")
    assert text.count("\n") == 1
    assert "\r" not in text
    command = COMMAND.fullmatch(text[:-1])
    assert command is not None
    assert command.group(1) == {"note": "notice"}.get(level, level)
    properties = dict(item.split("=", 1) for item in command.group(2).split(","))
    assert unescape(properties["file"]) == file
    assert unescape(properties["title"]) == title
    assert properties.get("line") == (str(line) if line else None)
    assert unescape(command.group(3)) == message


@given(st.text(), st.text(min_size=1))
def test_any_text_makes_valid_sarif(message: str, file: str) -> None:
    annotation = pipelines.Annotation(
        "warning", "af-x", message, Location(file=file, line=3, column=1), suppression="why"
    )
    log = json.loads(pipelines.sarif([annotation], rules={"af-x": "a rule"}))
    VALIDATOR.validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["message"]["text"] == message


def test_diagnostics_keep_their_path_and_place() -> None:
    diagnostic = Diagnostic(
        "af-key", "unknown key 'tierr'", Location(file="p.yaml", line=4, column=5, path="c[0]")
    )
    (annotation,) = pipelines.from_diagnostics([diagnostic])
    assert (annotation.rule, annotation.message, annotation.location) == (
        "af-key",
        "c[0]: unknown key 'tierr'",
        diagnostic.location,
    )


def test_subject_locations_of_a_json_portfolio(tmp_path: Path) -> None:
    portfolio = tmp_path / "p.json"
    portfolio.write_text(
        '{"organisation": "X",\n "people": [{"id": "p-1", "name": "P"}],\n'
        ' "contracts": [{"id": "C1", "title": "T", "stage": "live"}]}\n'
    )
    where = af.subject_locations(portfolio)
    assert (where["person", "p-1"].line, where["contract", "C1"].line) == (2, 3)
    assert where["contract", "C1"].path == "contracts[0]"


class TestCommandsAsJson:
    def test_lint_of_a_broken_framework(self, capsys: pytest.CaptureFixture[str]) -> None:
        folder = GOLDEN / "lint" / "several-problems" / "framework"
        assert main(["lint", str(folder), "--format", "json"]) == 2
        document = json.loads(capsys.readouterr().out)
        assert (document["format"], document["ok"]) == ("accountframe/lint/1", False)
        assert (document["errors"], document["warnings"]) == (5, 1)
        codes = [d["code"] for d in document["diagnostics"] if d["severity"] == "error"]
        assert codes == ["af-type", "af-unknown", "af-type", "af-unknown", "af-type"]

    def test_validate(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text("organisation: 5\n")
        assert main(["validate", str(PORTFOLIO), str(bad), "--format", "json"]) == 2
        document = json.loads(capsys.readouterr().out)
        assert [f["ok"] for f in document["files"]] == [True, False]
        assert document["files"][0]["contracts"] == 2
        assert document["files"][1]["error"]["diagnostics"][0]["location"]["line"] == 1

    def test_test(self, capsys: pytest.CaptureFixture[str]) -> None:
        folder = ROOT / "tests" / "fixtures" / "policytests" / "failing"
        assert main(["test", str(folder), "--format", "json"]) == 1
        document = json.loads(capsys.readouterr().out)
        assert (document["format"], document["ok"], document["passed"]) == (
            "accountframe/test/1",
            False,
            False,
        )
        assert [case["passed"] for case in document["cases"]] == [True, False]

    def test_junit_of_a_test_run(self, capsys: pytest.CaptureFixture[str]) -> None:
        folder = ROOT / "tests" / "fixtures" / "policytests" / "failing"
        assert main(["test", str(folder), "--format", "junit"]) == 1
        root = ET.fromstring(capsys.readouterr().out)
        assert (root.attrib["tests"], root.attrib["failures"]) == ("2", "1")
        failures = root.findall(".//failure")
        assert len(failures) == 1
        assert "status: expected pass, got fail" in (failures[0].text or "")


@pytest.mark.parametrize(("minimum", "code"), [("75", 0), ("75.1", 1), ("0", 0), ("100", 1)])
def test_coverage_min(minimum: str, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    folder = ROOT / "tests" / "fixtures" / "policytests" / "passing"
    assert main(["test", str(folder), "--coverage-min", minimum]) == code
    error = capsys.readouterr().err
    assert ("is below --coverage-min" in error) == bool(code)


def test_as_of_is_not_read_from_the_clock() -> None:
    """The SARIF of a check names the assessment's date, never the time it was written."""
    assessment = af.bundled("uk-central-government").evaluate(
        af.load_portfolio(EXAMPLE), as_of=datetime.date(2026, 11, 25)
    )
    first = pipelines.sarif(pipelines.from_findings(assessment))
    assert first == pipelines.sarif(pipelines.from_findings(assessment))


def test_lint_warnings_stay_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A lint warning (a parameter nothing uses) is a SARIF `warning` and a `::warning`."""
    folder = tmp_path / "fw"
    folder.mkdir()
    (folder / "framework.yaml").write_text(
        "framework: w\nversion: '1'\nparams:\n  spare: 3\npolicies:\n"
        "  - {id: R, kind: rule, title: t, require: 'true'}\n"
    )
    assert main(["lint", str(folder), "--format", "github"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"::warning file={folder / 'framework.yaml'},line=4,")
    assert main(["lint", str(folder), "--format", "sarif"]) == 0
    log = json.loads(capsys.readouterr().out)
    VALIDATOR.validate(log)
    assert [r["level"] for r in log["runs"][0]["results"]] == ["warning"]
    assert main(["lint", str(folder), "--format", "json", "--strict"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert (document["ok"], document["warnings"]) == (False, 1)
    assert document["diagnostics"][0]["severity"] == "warning"
