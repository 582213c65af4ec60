"""The renderers, against golden files of a hand-built assessment that covers every case.

The assessment has every finding status, a waived failure, an accountable person reached by
falling back from a vacant role, a role no one holds, a person-scope finding, consequences in
every status, an unused waiver, and text that could break a format (`|`, quotes, newlines,
markup). Regenerate the golden files with `pytest tests/unit/test_report.py --update-golden`
and review the diff.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs
import jsonschema
import pytest
from rich.console import Console

import accountframe as af
from accountframe import report
from accountframe.assessment import (
    Accountable,
    Assessment,
    Consequence,
    ConsequenceStatus,
    Finding,
    Status,
    Subject,
    WaiverApplied,
    WaiverUnused,
)
from accountframe.framework.policies import Severity
from accountframe.report import csvfmt, table
from accountframe.report._common import concerns
from accountframe.schemas import assessment_schema

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "report"
SUFFIX = {
    "table": "txt",
    "json": "json",
    "jsonl": "jsonl",
    "markdown": "md",
    "html": "html",
    "csv": "csv",
    "junit": "xml",
}
# A chart's SVG drawing changes with every matplotlib release: the html golden file keeps each
# chart's opening tag and text alternative (test_report_html.py checks the drawings).
SVG = re.compile(r"(<svg\b[^>]*>\s*<title\b.*?</title>\s*<desc\b.*?</desc>).*?</svg>", re.DOTALL)

SRO = Accountable(role="sro", person="p-sro", name="Sam Owner")
CM = Accountable(role="contract_manager", person="p-cm", name="Chris Manager")
# The SRO role is vacant on EM-002: the finding goes up the chain to the Accounting Officer.
AO_FALLBACK = Accountable(
    role="accounting_officer", person="p-ps", name="Alex Permanent", fallback_from=("sro",)
)
NO_ONE = Accountable(role="commercial_director", person=None)


def finding(
    policy: str,
    subject: str,
    status: Status,
    accountable: Accountable = SRO,
    *,
    kind: str = "rule",
    severity: Severity = Severity.MEDIUM,
    message: str = "",
    due: datetime.date | None = None,
    subject_type: str = "contract",
    **extra: object,
) -> Finding:
    return Finding(
        policy=policy,
        kind=kind,
        subject=Subject(subject_type, subject),
        status=status,
        severity=severity,
        accountable=accountable,
        message=message or f"{policy} is {status.value} for {subject}",
        due=due,
        **extra,  # type: ignore[arg-type]
    )


def sample() -> Assessment:
    findings = (
        finding(
            "CAD-GOLD-SRO",
            "EM-001",
            Status.FAIL,
            kind="oversight_cadence",
            severity=Severity.HIGH,
            message="no SRO review since 2026-08-01: 56 days overdue",
            due=datetime.date(2026, 9, 1),
            evidence={"last": "2026-08-01", "due": "2026-09-01", "days_overdue": 85},
        ),
        finding(
            "CAD-GOLD-SRO",
            "EM-002",
            Status.PASS,
            AO_FALLBACK,
            kind="oversight_cadence",
            severity=Severity.HIGH,
            due=datetime.date(2026, 12, 20),
        ),
        finding(
            "INF-PERF",
            "EM-001",
            Status.WARN,
            CM,
            kind="required_information",
            message="performance report due within 5 days",
            due=datetime.date(2026, 11, 30),
        ),
        finding(
            "INF-PERF",
            "EM-002",
            Status.WAIVED,
            AO_FALLBACK,
            kind="required_information",
            message="no performance report received",
            waiver=WaiverApplied(
                reason="supplier in administration; reports from the administrator",
                approved_by="p-ps",
                approved_on=datetime.date(2026, 6, 1),
                expires=datetime.date(2027, 1, 31),
                original_status=Status.FAIL,
            ),
        ),
        finding(
            "RULE-BILLING",
            "EM-001",
            Status.ERROR,
            severity=Severity.CRITICAL,
            message="require: no such key: 'billed_units' (policies.yaml:12:14)",
        ),
        finding(
            "RULE-BILLING",
            "EM-002",
            Status.FAIL,
            AO_FALLBACK,
            severity=Severity.CRITICAL,
            message='billed | own records differ by 7.2% — "[red]not markup[/red]"\nsee the note',
        ),
        finding(
            "RESP-COMMERCIAL",
            "EM-001",
            Status.FAIL,
            NO_ONE,
            kind="personal_responsibility",
            severity=Severity.LOW,
            message="no one holds the commercial_director role, vacant since 2026-01-01, "
            "which is longer than the 3 months allowed for a vacancy on a gold contract",
        ),
        finding(
            "RESP-COMMERCIAL",
            "EM-002",
            Status.NOT_APPLICABLE,
            NO_ONE,
            kind="personal_responsibility",
            severity=Severity.LOW,
            message="applies only to gold contracts",
        ),
        finding(
            "RULE-SRO-LOAD",
            "p-sro",
            Status.PASS,
            AO_FALLBACK,
            subject_type="person",
            message="holds 1 gold contract (at most 4)",
            tags=("workload",),
        ),
    )
    consequences = (
        Consequence(
            policy="SAN-CREDIT",
            effect="sanction",
            subject=Subject("contract", "EM-001"),
            status=ConsequenceStatus.DUE,
            action="Claim the service credit for late tagging",
            accountable=SRO,
            amount=120000.0,
            due=datetime.date(2026, 12, 25),
        ),
        Consequence(
            policy="SAN-ESCALATE",
            effect="sanction",
            subject=Subject("person", "p-sro"),
            status=ConsequenceStatus.APPLIED,
            action="Escalate to the Accounting Officer",
            accountable=AO_FALLBACK,
        ),
        Consequence(
            policy="REW-EXTEND",
            effect="reward",
            subject=Subject("contract", "EM-002"),
            status=ConsequenceStatus.NOT_TRIGGERED,
            action="Offer a contract extension",
            accountable=AO_FALLBACK,
        ),
        Consequence(
            policy="SAN-CREDIT",
            effect="sanction",
            subject=Subject("contract", "EM-002"),
            status=ConsequenceStatus.ERROR,
            action="Claim the service credit for late tagging",
            accountable=AO_FALLBACK,
            message="amount: division by zero",
            severity=Severity.HIGH,
        ),
    )
    return Assessment(
        framework="uk-central-government",
        framework_version="2026.1",
        framework_digest="a" * 64,
        organisation="Ministry of Example",
        portfolio_digest="b" * 64,
        as_of=datetime.date(2026, 11, 25),
        generated_by="accountframe 0.1.0",
        findings=findings,
        consequences=consequences,
        waivers_unused=(WaiverUnused("INF-OPEN-BOOK", "EM-001", "open-book audit postponed"),),
    )


def test_sample_covers_every_case() -> None:
    assessment = sample()
    assert {f.status for f in assessment.findings} == set(Status)
    assert {c.status for c in assessment.consequences} == set(ConsequenceStatus)
    assert any(f.accountable.fallback_from for f in assessment.findings)
    assert any(f.accountable.person is None for f in assessment.findings)


@pytest.mark.parametrize("name", sorted(report.FORMATS))
def test_golden(name: str, update_golden: bool) -> None:
    text = report.render(sample(), name)
    if name == "html":
        text = SVG.sub(r"\1 <!-- drawing -->\n</svg>", text)
    actual = text.encode()
    expected = GOLDEN / f"sample.{SUFFIX[name]}"
    if update_golden:
        expected.write_bytes(actual)
    assert actual == expected.read_bytes()


def test_table_on_a_terminal_golden(update_golden: bool) -> None:
    """The table as a terminal shows it: each status in its colour (a waived one all of it)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=100, force_terminal=True, color_system="standard", highlight=False
    )
    console.print(table.renderable(sample()))
    actual = buffer.getvalue().encode()
    expected = GOLDEN / "sample.terminal.txt"
    if update_golden:
        expected.write_bytes(actual)
    assert actual == expected.read_bytes()
    assert "\x1b[36mwaived (fail)\x1b[0m" in buffer.getvalue()


def test_deterministic_whatever_was_rendered_before() -> None:
    """Across processes, determinism is `test_golden`'s (each run has its own hash seed, and
    the files were written by another). Within one: every format gives the same bytes after
    all the others have rendered, in the other order, from a sample built anew (no state
    left behind), and those bytes are the golden file's (the drawings aside, as there)."""
    names = sorted(report.FORMATS)
    first = {name: report.render(sample(), name) for name in names}
    again = {name: report.render(sample(), name) for name in reversed(names)}
    assert again == first
    first["html"] = SVG.sub(r"\1 <!-- drawing -->\n</svg>", first["html"])
    assert {name: text.encode() for name, text in first.items()} == {
        name: (GOLDEN / f"sample.{SUFFIX[name]}").read_bytes() for name in names
    }


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(af.UsageError, match=r"unknown report format 'jsn'.*did you mean 'json'"):
        report.render(sample(), "jsn")


def test_default_format_is_table() -> None:
    assert report.render(sample()) == report.FORMATS["table"](sample())


def test_json_is_the_assessment_document_and_valid_against_the_schema() -> None:
    text = report.render(sample(), "json")
    assert text == sample().to_json() + "\n"
    document = json.loads(text)
    schema = assessment_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def test_schema_rejects_what_the_document_never_holds() -> None:
    validator = jsonschema.Draft202012Validator(assessment_schema())
    document = sample().to_dict()
    assert validator.is_valid(document)
    broken = json.loads(json.dumps(document))
    broken["findings"][0]["status"] = "failed"
    broken["findings"][1]["colour"] = "red"
    broken["summary"]["status"].pop("pass")
    broken["consequences"][0]["status"] = "overdue"
    broken["as_of"] = "25/11/2026"
    paths = sorted(
        "/".join(str(p) for p in error.absolute_path) for error in validator.iter_errors(broken)
    )
    assert paths == [
        "as_of",
        "consequences/0/status",
        "findings/0/status",
        "findings/1",
        "summary/status",
    ]


def test_csv_parses_back_to_the_findings() -> None:
    assessment = sample()
    text = report.render(assessment, "csv")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == csvfmt.COLUMNS
    assert len(rows) == len(assessment.findings)
    for row, f in zip(rows, assessment.findings, strict=True):
        assert row == {
            "policy": f.policy,
            "kind": f.kind,
            "subject_type": f.subject.type,
            "subject": f.subject.id,
            "status": f.status.value,
            "severity": f.severity.value,
            "accountable_role": f.accountable.role,
            "accountable_person": f.accountable.person or "",
            "accountable_name": f.accountable.name or "",
            "due": f.due.isoformat() if f.due else "",
            "message": f.message,
            "waived_from": f.waiver.original_status.value if f.waiver else "",
        }
    assert rows[3]["waived_from"] == "fail"
    assert rows[5]["message"].endswith("\nsee the note")


def test_junit_counts_match_the_findings() -> None:
    root = ET.fromstring(report.render(sample(), "junit"))
    assert root.tag == "testsuites"
    assert dict(root.attrib) == {
        "name": "uk-central-government 2026.1: Ministry of Example as of 2026-11-25",
        "tests": "9",
        "failures": "3",
        "errors": "1",
        "skipped": "2",
    }
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "CAD-GOLD-SRO",
        "INF-PERF",
        "RULE-BILLING",
        "RESP-COMMERCIAL",
        "RULE-SRO-LOAD",
    ]
    for suite in suites:
        cases = suite.findall("testcase")
        assert suite.get("tests") == str(len(cases))
        assert suite.get("failures") == str(sum(c.find("failure") is not None for c in cases))
        assert suite.get("errors") == str(sum(c.find("error") is not None for c in cases))
        assert suite.get("skipped") == str(sum(c.find("skipped") is not None for c in cases))
        assert {c.get("classname") for c in cases} == {suite.get("name")}
    billing = root.find("testsuite[@name='RULE-BILLING']")
    assert billing is not None
    failure = billing.find("testcase[@name='EM-002']/failure")
    assert failure is not None
    assert failure.get("type") == "critical"
    assert failure.get("message", "").startswith("billed | own records")
    waived = root.find("testsuite[@name='INF-PERF']/testcase[@name='EM-002']/skipped")
    assert waived is not None
    assert waived.get("message", "").startswith("waived (fail): supplier in administration")


def _table_rows(lines: list[str]) -> list[list[str]]:
    """Split Markdown table rows into cells, honouring `\\|` escapes."""
    rows = []
    for line in lines:
        if line.startswith("|"):
            cells = line.replace("\\\\", "\0").replace("\\|", "\1").strip("|").split("|")
            rows.append([c.replace("\1", "|").replace("\0", "\\").strip() for c in cells])
    return rows


def test_markdown_tables_have_consistent_columns() -> None:
    text = report.render(sample(), "markdown")
    blocks = [block.splitlines() for block in text.split("\n\n")]
    tables = [_table_rows(block) for block in blocks if block and block[0].startswith("|")]
    # top risks, who should be worried, consequences, 4 people's exceptions, unused waivers
    assert len(tables) == 8
    for rows in tables:
        assert len({len(row) for row in rows}) == 1, rows
        assert set(rows[1]) <= {"---", "---:"}
    messages = [row[4] for rows in tables for row in rows if len(row) == 6]
    # Brackets are escaped (no link can be made of them); rendered, the text is the same.
    billing = (
        'billed | own records differ by 7.2% — "\\[red\\]not markup\\[/red\\]"<br>see the note'
    )
    assert billing in messages


def test_markdown_is_a_board_paper_summary_first_then_exceptions_only() -> None:
    text = report.render(sample(), "markdown")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Contract accountability assessment: Ministry of Example",
        "## Summary",
        "### Top risks",
        "### Who should be worried",
        "### Consequences due",
        "## Exceptions",
        "### Sam Owner (p-sro): sro",
        "### Alex Permanent (p-ps): accounting_officer (for vacant sro)",
        "### No one holds: commercial_director",
        "### Chris Manager (p-cm): contract_manager",
        "## Unused waivers",
    ]
    summary = text[text.index("## Summary") : text.index("### Top risks")]
    assert "**9 findings** on 2 contracts and 1 person: **3 fail, 1 error**, 1 warn, 1 waived" in (
        summary
    )
    assert "Failures by severity: 1 critical, 1 high, 1 low." in summary
    exceptions = text[text.index("## Exceptions") : text.index("## Unused waivers")]
    assert "RULE-SRO-LOAD" not in exceptions  # a pass
    assert "applies only to gold contracts" not in exceptions  # not applicable
    assert "| waived (fail) | medium | INF-PERF | EM-002 |" in exceptions
    assert "waived until 2027-01-31, approved by p-ps: supplier in administration" in exceptions
    assert "| warn | medium | INF-PERF | EM-001 |" in exceptions
    assert "2 pass and 1 not applicable findings are not listed" in exceptions
    risks = _table_rows(text[text.index("### Top risks") :].split("\n\n")[1].splitlines())
    assert [row[3] for row in risks[2:]] == [
        "RULE-BILLING",  # error critical
        "RULE-BILLING",  # fail critical
        "CAD-GOLD-SRO",  # fail high
        "RESP-COMMERCIAL",  # fail low
        "INF-PERF",  # warn
    ]


def test_markdown_who_should_be_worried_follows_the_definition() -> None:
    text = report.render(sample(), "markdown")
    section = text[text.index("### Who should be worried") : text.index("### Consequences due")]
    rows = _table_rows([line for line in section.splitlines() if line.startswith("|")])
    assert [row[1] for row in rows[2:]] == [
        "Sam Owner (p-sro): sro",  # an error outranks any fail
        "Alex Permanent (p-ps): accounting_officer (for vacant sro)",  # a critical fail
        "No one holds: commercial_director",  # a low fail
        "Chris Manager (p-cm): contract_manager",  # a warn
    ]


def test_markdown_shows_contract_titles_with_the_portfolio() -> None:
    portfolio = af.Portfolio.from_dict(
        {
            "organisation": "Ministry of Example",
            "contracts": [{"id": "EM-001", "title": "Electronic | monitoring", "stage": "live"}],
        }
    )
    text = report.render(sample(), "markdown", portfolio=portfolio)
    assert "| EM-001: Electronic \\| monitoring |" in text
    assert report.render(sample(), "csv", portfolio=portfolio) == report.render(sample(), "csv")


def test_table_groups_by_person_worst_first_and_keeps_ids_whole() -> None:
    text = report.render(sample(), "table")
    headings = [
        line for line in text.splitlines() if line.startswith(("Sam", "Alex", "Chris", "No one"))
    ]
    assert headings == [
        "Sam Owner (p-sro): sro",  # an error
        "Alex Permanent (p-ps): accounting_officer (for vacant sro)",  # a critical fail
        "No one holds: commercial_director",  # a low fail
        "Chris Manager (p-cm): contract_manager",  # a warn
    ]
    assert "[red]not" in text  # not read as rich markup
    assert "\x1b[" not in text
    assert all(len(line) <= 100 for line in text.splitlines())
    for identifier in ("RESP-COMMERCIAL", "RULE-SRO-LOAD", "person p-sro", "CAD-GOLD-SRO"):
        assert identifier in text
    sam = text.split("Sam Owner (p-sro): sro")[1].split("Alex Permanent")[0]
    assert sam.index("RULE-BILLING") < sam.index("CAD-GOLD-SRO")  # error before fail
    alex = text.split("Alex Permanent (p-ps)")[1].split("No one holds")[0]
    order = ["RULE-BILLING", "INF-PERF", "CAD-GOLD-SRO", "person p-sro"]  # fail, waived, pass...
    assert [alex.index(policy_or_subject) for policy_or_subject in order] == sorted(
        alex.index(policy_or_subject) for policy_or_subject in order
    )
    assert "waived (fail)" in text
    assert "120,000.00" in text
    assert "INF-OPEN-BOOK" in text


def test_board_paper_of_the_bundled_example(update_golden: bool) -> None:
    """The markdown board paper of the bundled example as of 2026-11-25, byte for byte."""
    root = Path(__file__).resolve().parents[2]
    portfolio = af.load_portfolio(root / "policies" / "examples" / "ministry-of-example.yaml")
    assessment = af.bundled("uk-central-government").evaluate(
        portfolio, as_of=datetime.date(2026, 11, 25)
    )
    actual = report.render(assessment, "markdown", portfolio=portfolio).encode()
    expected = root / "tests" / "golden" / "reports" / "example.md"
    if update_golden:
        expected.write_bytes(actual)
    assert actual == expected.read_bytes()
    summary = actual.decode().split("## Exceptions")[0]
    # The summary fits on two pages: the counts, the exceptions by person and the money at
    # stake by person and by contract.
    assert len(summary.splitlines()) < 90


def test_each_concern_has_the_due_sanctions_on_that_person_only() -> None:
    def sanction(person: str, status: ConsequenceStatus, effect: str = "sanction") -> Consequence:
        return Consequence(
            policy=f"SAN-{person}-{status.value}-{effect}",
            effect=effect,
            subject=Subject("person", person),
            status=status,
            action="Escalate",
            accountable=AO_FALLBACK,
        )

    base = sample()
    consequences = (
        sanction("p-sro", ConsequenceStatus.DUE),
        sanction("p-cm", ConsequenceStatus.DUE),
        sanction("p-sro", ConsequenceStatus.APPLIED),  # not due
        sanction("p-sro", ConsequenceStatus.DUE, effect="reward"),  # not a sanction
        sanction("p-sro", ConsequenceStatus.DUE),
        *base.consequences,  # a contract's sanction is due: it is on no person
    )
    assessment = attrs.evolve(base, consequences=consequences)
    due = {concern.person: concern.sanctions_due for concern in concerns(assessment)}
    assert due["p-sro"] == (consequences[0], consequences[4])
    assert due["p-cm"] == (consequences[1],)
    assert due["p-ps"] == ()
