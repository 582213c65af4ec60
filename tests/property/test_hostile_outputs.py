"""Hostile text through every output format: each format's own parser reads the output back, and
the text round-trips visibly (issue 26).

The text is `accountframe.testing.hostile_texts`: terminal escape sequences, other control
characters, bidi overrides, lone surrogates, spreadsheet formulas, Markdown and HTML syntax,
very long text. It is put in every text field of assessments, schedules and portfolios, and
each output must hold, whatever the text:

- it encodes as UTF-8 (lone surrogates cannot be written raw), and no unsafe character
  (`UNSAFE`: C0 controls but tab and line feed, DEL, C1 controls, U+2028 and U+2029, bidi
  embeddings, overrides and isolates, surrogates) appears in it raw;
- the format's parser reads it: `json.loads` (with `NaN` refused), the `csv` module,
  `xml.etree` (expat: well-formed XML 1.0), `html.parser`, Python-Markdown then
  `html.parser`, `icalendar` and `vobject`;
- the text comes back visibly: exactly (JSON), or with each unsafe character written as
  Python writes it in a string literal (`visible`, written here from that definition alone),
  and, in CSV, a `'` before a cell a spreadsheet would run as a formula;
- nothing in it becomes live: no link, image, script or element in rendered Markdown, no
  element or attribute of the data's own in HTML, no formula in CSV.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import re
import tempfile
import types
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import icalendar
import markdown as python_markdown
import pytest
import vobject
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rich.console import Console

import accountframe as af
from accountframe import report
from accountframe.assessment import (
    Accountable,
    Assessment,
    Consequence,
    ConsequenceStatus,
    Finding,
    Severity,
    Status,
    Subject,
    WaiverApplied,
    WaiverUnused,
)
from accountframe.cli import main
from accountframe.evaluation.schedule import ItemStatus, Schedule, ScheduleItem
from accountframe.report import calendar, table
from accountframe.testing import HOSTILE_PIECES, hostile_texts
from accountframe.tools.docgen import render_docs
from conftest import FIXTURES

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: What no output carries raw, from the definition in `accountframe.sanitise`.
UNSAFE = frozenset(
    map(
        chr,
        [
            *range(0x09),
            *range(0x0B, 0x20),
            *range(0x7F, 0xA0),
            *range(0x2028, 0x202F),
            *range(0x2066, 0x206A),
            *range(0xD800, 0xE000),
        ],
    )
)
#: OWASP's formula prefixes, and their fullwidth forms.
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def visible(text: str, *, line: bool = False, xml: bool = False) -> str:
    """Each unsafe character as Python writes it in a string literal; with `line`, tabs and
    line feeds too; with `xml`, the two noncharacters XML 1.0 does not allow."""
    shown = UNSAFE | ({"\t", "\n"} if line else set()) | ({"\ufffe", "\uffff"} if xml else set())
    return "".join(repr(char)[1:-1] if char in shown else char for char in text)


def spreadsheet_safe(text: str) -> str:
    """What a CSV cell holds for `text`: visible, and quoted with `'` if it starts a formula."""
    shown = visible(text)
    return "'" + shown if shown.startswith(FORMULA) else shown


def raw_unsafe(text: str) -> set[str]:
    return set(text) & UNSAFE


def squashed(text: str) -> str:
    """Without whitespace: wrapping at the terminal's width may break a line anywhere."""
    return "".join(text.split())


TEXT = hostile_texts()
# Ids are never empty; a mapping, not a filter, so that no example is thrown away.
ID = hostile_texts(min_pieces=1, max_pieces=4).map(lambda text: text or "id")
DAYS = st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))
ACCOUNTABLE = st.builds(
    Accountable,
    role=ID,
    person=st.none() | ID,
    name=st.none() | TEXT,
    fallback_from=st.lists(ID, max_size=2).map(tuple),
)
SUBJECTS = st.builds(Subject, type=st.sampled_from(["contract", "person"]), id=ID)
FINDINGS = st.builds(
    Finding,
    policy=ID,
    kind=st.just("rule"),
    subject=SUBJECTS,
    status=st.sampled_from(Status),
    severity=st.sampled_from(Severity),
    accountable=ACCOUNTABLE,
    message=TEXT,
    due=st.none() | DAYS,
    waiver=st.none()
    | st.builds(
        WaiverApplied,
        reason=TEXT,
        approved_by=ID,
        approved_on=DAYS,
        expires=DAYS,
        original_status=st.sampled_from([Status.FAIL, Status.WARN]),
    ),
)
CONSEQUENCES = st.builds(
    Consequence,
    policy=ID,
    effect=st.sampled_from(["sanction", "reward"]),
    subject=SUBJECTS,
    status=st.sampled_from(ConsequenceStatus),
    action=TEXT,
    accountable=ACCOUNTABLE,
    amount=st.none() | st.floats(-1e9, 1e9, allow_nan=False),
    due=st.none() | DAYS,
    message=TEXT,
)
ASSESSMENTS = st.builds(
    Assessment,
    framework=ID,
    framework_version=ID,
    framework_digest=st.just("0" * 64),
    organisation=TEXT,
    portfolio_digest=st.just("0" * 64),
    as_of=DAYS,
    generated_by=st.just("accountframe test"),
    findings=st.lists(FINDINGS, min_size=1, max_size=5).map(tuple),
    consequences=st.lists(CONSEQUENCES, max_size=3).map(tuple),
    waivers_unused=st.lists(
        st.builds(WaiverUnused, policy=ID, subject=ID, reason=TEXT), max_size=2
    ).map(tuple),
)


def titles(assessment: Assessment, title: str) -> Any:
    """The portfolio as the markdown and html renderers read it: contract ids and titles.

    A stand-in, so that any text (lone surrogates too) can be a title without a loader.
    """
    contracts = [
        types.SimpleNamespace(id=finding.subject.id, title=title)
        for finding in assessment.findings
        if finding.subject.type == "contract"
    ]
    return types.SimpleNamespace(contracts=contracts)


# -- the assessment formats ----------------------------------------------------------------


@SETTINGS
@given(ASSESSMENTS)
def test_table(assessment: Assessment) -> None:
    text = report.render(assessment, "table")
    text.encode()
    assert raw_unsafe(text) == set()
    flat = squashed(text)
    assert squashed(visible(assessment.organisation, line=True)) in flat
    for finding in assessment.findings:
        assert squashed(visible(finding.policy, line=True)) in flat
        assert squashed(visible(finding.message)) in flat
    # (The unused waivers are a table: a long cell folds beside its neighbours, so its text is
    # not in one piece; it is held to carry nothing raw above.)


@SETTINGS
@given(ASSESSMENTS)
def test_table_in_colour_sends_the_terminal_only_its_own_styles(assessment: Assessment) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=True, color_system="truecolor")
    console.print(table.renderable(assessment))
    printed = re.sub(r"\x1b\[[0-9;]*m", "", buffer.getvalue())  # rich's own colours
    assert raw_unsafe(printed) == set()


def read_back(text: str) -> str:
    """`text` as a JSON reader reads its escapes back: a high surrogate then a low one, two
    code points in a Python str, are one character to JSON (`\\ud800\\udfff` is U+103FF)."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


@SETTINGS
@given(ASSESSMENTS)
def test_json(assessment: Assessment) -> None:
    text = report.render(assessment, "json")
    data = json.loads(text.encode(), parse_constant=pytest.fail)
    assert raw_unsafe(text) == set()
    assert data["portfolio"]["organisation"] == read_back(assessment.organisation)
    assert [f["message"] for f in data["findings"]] == [
        read_back(f.message) for f in assessment.findings
    ]
    assert [f["subject"]["id"] for f in data["findings"]] == [
        read_back(f.subject.id) for f in assessment.findings
    ]


@SETTINGS
@given(ASSESSMENTS)
def test_csv(assessment: Assessment) -> None:
    text = report.render(assessment, "csv")
    text.encode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert raw_unsafe(text.replace("\r\n", "\n")) == set()  # CRLF: RFC 4180's line ends
    assert len(rows) == 1 + len(assessment.findings)
    for row, finding in zip(rows[1:], assessment.findings, strict=True):
        assert len(row) == 12
        assert not any(cell.startswith(FORMULA) for cell in row), row
        assert row[0] == spreadsheet_safe(finding.policy)
        assert row[3] == spreadsheet_safe(finding.subject.id)
        assert row[8] == spreadsheet_safe(finding.accountable.name or "")
        assert row[10] == spreadsheet_safe(finding.message)


@SETTINGS
@given(ASSESSMENTS)
def test_junit(assessment: Assessment) -> None:
    text = report.render(assessment, "junit")
    root = ET.fromstring(text.encode())  # expat: well-formed XML 1.0, or an error
    assert raw_unsafe(text) == set()
    assert visible(assessment.organisation, xml=True) in root.attrib["name"]
    cases = root.findall("./testsuite/testcase")
    assert [case.attrib["name"] for case in cases] == [
        visible(finding.subject.id, xml=True)
        for findings in _by_policy(assessment).values()
        for finding in findings
    ]
    for case, finding in zip(
        cases, [f for fs in _by_policy(assessment).values() for f in fs], strict=True
    ):
        outcome = case.find("failure") if finding.status is Status.FAIL else case.find("error")
        if finding.status in (Status.FAIL, Status.ERROR):
            assert outcome is not None
            assert outcome.attrib["message"] == visible(finding.message, xml=True)
            assert visible(finding.message, xml=True) in (outcome.text or "")


def _by_policy(assessment: Assessment) -> dict[str, list[Finding]]:
    suites: dict[str, list[Finding]] = {}
    for finding in assessment.findings:
        suites.setdefault(finding.policy, []).append(finding)
    return suites


class _Elements(HTMLParser):
    """Every element and attribute, and the text, of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.heading: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_h1:
            self.heading.append(data)


def parsed(page: str) -> _Elements:
    elements = _Elements()
    elements.feed(page)
    elements.close()
    return elements


#: What Python-Markdown makes of the board paper: its own structure, never a link or image.
MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "br"}
MARKDOWN_TAGS |= {"strong", "em", "code"}  # data may still be styled: emphasis, code spans


@SETTINGS
@given(ASSESSMENTS, TEXT)
def test_markdown(assessment: Assessment, title: str) -> None:
    text = report.render(assessment, "markdown", portfolio=titles(assessment, title))
    text.encode()
    assert raw_unsafe(text) == set()
    rendered = parsed(python_markdown.markdown(text, extensions=["tables"]))
    assert set(rendered.tags) <= MARKDOWN_TAGS, set(rendered.tags) - MARKDOWN_TAGS
    assert {name for name, _ in rendered.attributes} <= {"align", "style"}
    shown = "".join(rendered.text)
    for char in raw_unsafe(assessment.organisation):  # always in the heading
        assert visible(char) in shown


def test_markdown_makes_no_link_of_the_classic_attacks() -> None:
    """The examples of issue 26, rendered: text, not a link, an image or an element."""
    attacks = [piece for piece in HOSTILE_PIECES if "[" in piece or "<" in piece]
    finding = Finding(
        policy="RULE-1",
        kind="rule",
        subject=Subject("contract", "C-1"),
        status=Status.FAIL,
        severity=Severity.HIGH,
        accountable=Accountable(role="sro", person="p-1", name=" ".join(attacks)),
        message=" ".join(attacks),
    )
    assessment = Assessment(
        framework="demo",
        framework_version="1",
        framework_digest="0" * 64,
        organisation="[x](javascript:alert(1))",
        portfolio_digest="0" * 64,
        as_of=datetime.date(2026, 11, 25),
        generated_by="accountframe test",
        findings=(finding,),
    )
    text = report.render(assessment, "markdown", portfolio=titles(assessment, attacks[0]))
    rendered = parsed(python_markdown.markdown(text, extensions=["tables"]))
    assert set(rendered.tags) <= MARKDOWN_TAGS
    assert "".join(rendered.heading).endswith(": [x](javascript:alert(1))")
    assert "<script>alert(1)</script>" in "".join(rendered.text)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(ASSESSMENTS, TEXT)
def test_html(assessment: Assessment, title: str) -> None:
    page = report.render(assessment, "html", portfolio=titles(assessment, title))
    page.encode()
    assert raw_unsafe(page) == set()
    elements = parsed(page)
    assert {"script", "img", "iframe", "object", "embed", "foreignobject"}.isdisjoint(elements.tags)
    assert not any(name.startswith("on") for name, _ in elements.attributes)
    assert all(
        value.startswith("#") for name, value in elements.attributes if name == "href" and value
    )
    assert "".join(elements.heading) == visible(assessment.organisation)


# -- the schedule formats ------------------------------------------------------------------


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    as_of = draw(DAYS)
    items = []
    for index in range(draw(st.integers(1, 4))):
        due = draw(st.none() | st.dates(as_of, as_of + datetime.timedelta(days=90)))
        items.append(
            ScheduleItem(
                policy=draw(ID),
                policy_title=draw(TEXT),
                kind=draw(st.sampled_from(["review", "report"])),
                what=draw(TEXT),
                contract=draw(ID),
                contract_title=draw(TEXT),
                due=due,
                status=ItemStatus.UNSCHEDULED if due is None else ItemStatus.PLANNED,
                days_overdue=0,
                accountable=draw(ACCOUNTABLE),
                occurrence=1,
                finding_status=draw(st.sampled_from(Status)),
                message=draw(TEXT),
                uid=f"{index}@accountframe",
            )
        )
    return Schedule(
        organisation=draw(TEXT),
        framework=draw(ID),
        framework_version=draw(ID),
        as_of=as_of,
        until=as_of + datetime.timedelta(days=90),
        items=tuple(sorted(items, key=lambda item: item.due or datetime.date.min)),
    )


@SETTINGS
@given(schedules())
def test_schedule_table(plan: Schedule) -> None:
    text = calendar.render(plan, "table")
    text.encode()
    assert raw_unsafe(text) == set()
    assert visible(plan.organisation, line=True) in text
    for item in plan.items:  # the last field of its line: trailing blanks are cut
        assert visible(item.contract, line=True).rstrip() in text


@SETTINGS
@given(schedules())
def test_schedule_csv(plan: Schedule) -> None:
    text = calendar.render(plan, "csv")
    text.encode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert raw_unsafe(text.replace("\r\n", "\n")) == set()
    assert len(rows) == 1 + len(plan.items)
    for row, item in zip(rows[1:], plan.items, strict=True):
        assert not any(cell.startswith(FORMULA) for cell in row), row
        assert row[7] == spreadsheet_safe(item.contract)
        assert row[8] == spreadsheet_safe(item.contract_title)


@SETTINGS
@given(schedules())
def test_schedule_json(plan: Schedule) -> None:
    text = calendar.render(plan, "json")
    data = json.loads(text.encode(), parse_constant=pytest.fail)
    assert raw_unsafe(text) == set()
    assert data["organisation"] == plan.organisation
    assert [item["contract"] for item in data["items"]] == [item.contract for item in plan.items]


@SETTINGS
@given(schedules())
def test_schedule_ics(plan: Schedule) -> None:
    text = calendar.render(plan, "ics")
    assert raw_unsafe(text.replace("\r\n", "\n")) == set()  # CRLF: RFC 5545's line ends
    parsed_calendar = icalendar.Calendar.from_ical(text.encode())
    events = parsed_calendar.walk("VEVENT")
    dated = [item for item in plan.items if item.due is not None]
    assert len(events) == len(dated)
    for vevent, item in zip(events, dated, strict=True):
        assert visible(item.contract) in str(vevent["SUMMARY"])
        assert visible(item.message) in str(vevent["DESCRIPTION"])
    # A second, independent parser (icalendar leaves an X- property's TEXT escaped).
    read = vobject.readOne(text)
    assert len(getattr(read, "vevent_list", [])) == len(dated)
    assert read.x_wr_calname.value == visible(f"Oversight schedule: {plan.organisation}")


# -- the generated documentation of a framework --------------------------------------------

#: A framework's text: any, written to files (no lone surrogates; its digest is of UTF-8).
FRAMEWORK_TEXT = hostile_texts(surrogates=False)
#: What must be one line (titles): hostile, with any line feed made a space, never blank.
ONE_LINE = FRAMEWORK_TEXT.map(lambda text: text.replace("\n", " ")).map(
    lambda text: text if text.strip() else f"title{text}"
)
#: Python-Markdown with what mkdocs.yml enables for the pages (tables, fenced code).
DOC_TAGS = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "br"}
DOC_TAGS |= {"strong", "em", "code", "pre", "ul", "li", "a"}


@SETTINGS
@given(title=ONE_LINE, text=FRAMEWORK_TEXT, action=ONE_LINE)
def test_framework_documentation(title: str, text: str, action: str) -> None:
    framework = af.Framework(
        name="hostile",
        version="1",
        title=title,
        description=text,
        roles=[
            af.Role("accounting_officer", title=title),
            af.Role("sro", reports_to="accounting_officer", title=title),
        ],
        policies=[
            af.Rule(id="R1", title=title, rationale=text, source=text, require="true"),
            af.OversightCadence(id="C1", title=title, every="1 month", rationale=text),
            af.Sanction(id="S1", title=title, action=action, trigger="true"),
        ],
        params={"note": text},
    )
    for name, page in render_docs(framework).items():
        page.encode()
        assert raw_unsafe(page) == set(), name
        rendered = parsed(python_markdown.markdown(page, extensions=["tables", "fenced_code"]))
        assert set(rendered.tags) <= DOC_TAGS, (name, set(rendered.tags) - DOC_TAGS)
        links = [value or "" for key, value in rendered.attributes if key == "href"]
        # Only the pages' own links, to each other: none made from the framework's text.
        assert all(re.fullmatch(r"(\.\./)?(policies/)?[A-Za-z0-9_.-]+\.md", link) for link in links)
        assert {key for key, _ in rendered.attributes} <= {"href", "align", "style", "class"}
        if name == "index.md" or name.startswith("policies/"):  # headed by the title
            shown = "".join(rendered.text)
            for char in raw_unsafe(title):
                assert visible(char) in shown, name


# -- the command line: what it prints for people ---------------------------------------------

HOSTILE_FRAMEWORK = str(FIXTURES / "frameworks" / "hostile")
FILE_TEXT = hostile_texts(surrogates=False)  # written to a file first: UTF-8 must encode it
FILE_ID = hostile_texts(min_pieces=1, max_pieces=4, surrogates=False).map(
    lambda text: text if text.strip() else f"id{text}"
)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="accountframe-hostile-") as name:
        yield Path(name)


def run(argv: list[str]) -> tuple[int, str, str]:
    """The CLI in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(organisation=FILE_TEXT, contract=FILE_ID, title=FILE_TEXT, name=FILE_TEXT)
def test_the_command_line_prints_hostile_text_visibly(
    folder: Path, organisation: str, contract: str, title: str, name: str
) -> None:
    portfolio = folder / "portfolio.json"
    portfolio.write_text(
        json.dumps(
            {
                "organisation": organisation,
                "as_of": "2026-11-25",
                "roles": {"accounting_officer": "p-ao"},
                "people": [{"id": "p-ao", "name": name}],
                "contracts": [{"id": contract, "title": title, "supplier": title, "stage": "live"}],
            }
        )
    )
    code, out, err = run(["validate", str(portfolio)])
    assert raw_unsafe(out + err) == set()
    if code == 2:  # the loader may refuse some text; its errors are shown visibly too
        event("refused by the loader")
        return
    event("loaded")
    assert code == 0
    assert visible(organisation, line=True) in out
    framework = ["-f", HOSTILE_FRAMEWORK]
    message = f"supplier {title} for {title}"  # RULE-SUPPLIER's message repeats the text
    outputs = {}
    for command, argv in (
        ("check", ["check", str(portfolio), *framework]),
        ("schedule", ["schedule", str(portfolio), *framework]),
        ("explain", ["explain", *framework, "--", "RULE-SUPPLIER", contract, str(portfolio)]),
    ):
        code, out, err = run(argv)
        assert code in (0, 1), err
        assert raw_unsafe(out + err) == set(), command
        outputs[command] = out
    assert squashed(visible(message)) in squashed(outputs["check"])
    assert visible(organisation, line=True) in outputs["schedule"]
    assert f"  message: {visible(message)}\n" in outputs["explain"]
    code, out, err = run(
        ["explain", *framework, "--format", "json", "--", "RULE-SUPPLIER", contract, str(portfolio)]
    )
    data = json.loads(out.encode(), parse_constant=pytest.fail)
    assert data["subject"]["id"] == contract
    assert data["message"] == message
    read = {value["path"]: value["value"] for e in data["evaluations"] for value in e["values"]}
    assert read["contract.title"] == title
