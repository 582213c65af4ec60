"""The `table` format's plain text is what rich prints for the same renderable.

`report.table.render` wraps paragraphs of printable ASCII itself (`_wrap`, rich's rule with a
cell per character) and hands everything else to rich; these properties hold it to rich:

- `_wrap` gives exactly the lines, trailing spaces included, that rich prints for a line of
  printable ASCII at any width;
- `render` gives exactly the text that printing `renderable` with rich to a 100-column file
  gives (trailing blanks removed), for assessments with any text in every field shown (wide
  and combining characters, tabs, control characters, newlines, long words) and for the
  assessments of generated frameworks and portfolios;
- printable ASCII is never handed to rich, and anything else always is.
"""

from __future__ import annotations

import datetime
import io
import string

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.console import Console, Group, RenderableType
from rich.text import Text

import accountframe as af
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
from accountframe.report import table
from accountframe.report._common import EXCEPTIONS
from accountframe.testing import dates, frameworks, portfolios


def _console(width: int) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return table._plain_console(buffer, width), buffer


def rich_render(renderable: RenderableType, *, crop: bool = True) -> str:
    """What `table.render` gave when rich laid out all of it: the reference."""
    console, buffer = _console(table.WIDTH)
    console.print(renderable, crop=crop)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


#: Printable ASCII: words of any length (some longer than a line) and runs of spaces, so that
#: lines wrap, words fill a line exactly, and long words fold.
ASCII_LINES = st.lists(
    st.one_of(
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=30),
        st.text(" ", min_size=1, max_size=4),
    ),
    max_size=40,
).map("".join)


@st.composite
def lines_and_widths(draw: st.DrawFn) -> tuple[str, int]:
    """A line and a width, mostly narrower than the line (a wider one only shows it whole)."""
    line = draw(ASCII_LINES)
    return line, draw(st.integers(1, max(1, len(line) + 2)) | st.integers(1, 120))


@settings(max_examples=500, deadline=None)
@given(lines_and_widths())
def test_wrap_gives_the_lines_rich_prints(case: tuple[str, int]) -> None:
    line, width = case
    console, buffer = _console(width)
    console.print(Group(Text(line)))
    assert table._wrap(line, width) == buffer.getvalue().split("\n")[:-1]


#: Any text a portfolio or framework could put in a field: mostly ASCII words, sometimes other
#: characters (wide, combining, controls, tabs, newlines).
TEXTS = st.one_of(
    ASCII_LINES,
    st.text(max_size=120),
    st.lists(st.sampled_from(["word", " ", "\t", "\n", "é", "界", "e\u0301", "\x1b[1m", "\r"])).map(
        "".join
    ),
)
SHORT = st.one_of(st.text(string.ascii_lowercase + "-0123456789", min_size=1, max_size=12), TEXTS)
DAYS = dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))
ACCOUNTABLE = st.builds(
    Accountable,
    role=SHORT,
    person=st.none() | SHORT,
    name=st.none() | TEXTS,
    fallback_from=st.lists(SHORT, max_size=2).map(tuple),
)
SUBJECTS = st.builds(Subject, type=st.sampled_from(["contract", "portfolio"]) | SHORT, id=SHORT)
WAIVERS = st.builds(
    WaiverApplied,
    reason=TEXTS,
    approved_by=SHORT,
    approved_on=DAYS,
    expires=DAYS,
    original_status=st.sampled_from([Status.FAIL, Status.WARN, Status.ERROR]),
)
FINDINGS = st.builds(
    Finding,
    policy=SHORT,
    kind=st.just("rule"),
    subject=SUBJECTS,
    status=st.sampled_from(Status),
    severity=st.sampled_from(Severity),
    accountable=ACCOUNTABLE,
    message=TEXTS,
    due=st.none() | DAYS,
    waiver=st.none() | WAIVERS,
)
CONSEQUENCES = st.builds(
    Consequence,
    policy=SHORT,
    effect=st.sampled_from(["sanction", "reward"]),
    subject=SUBJECTS,
    status=st.sampled_from(ConsequenceStatus),
    action=TEXTS,
    accountable=ACCOUNTABLE,
    amount=st.none() | st.floats(-1e9, 1e9, allow_nan=False),
    due=st.none() | DAYS,
)
ASSESSMENTS = st.builds(
    Assessment,
    framework=SHORT,
    framework_version=SHORT,
    framework_digest=st.just("0" * 64),
    organisation=TEXTS,
    portfolio_digest=st.just("0" * 64),
    as_of=DAYS,
    generated_by=st.just("accountframe test"),
    findings=st.lists(FINDINGS, max_size=8).map(tuple),
    consequences=st.lists(CONSEQUENCES, max_size=4).map(tuple),
    waivers_unused=st.lists(
        st.builds(WaiverUnused, policy=SHORT, subject=SHORT, reason=TEXTS), max_size=2
    ).map(tuple),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ASSESSMENTS)
def test_render_is_what_rich_prints_for_any_text(assessment: Assessment) -> None:
    assert table.render(assessment) == rich_render(table.renderable(assessment))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ASSESSMENTS, st.sampled_from(table.SHOW), st.booleans())
def test_every_listing_is_what_rich_prints(
    assessment: Assessment, show: str, compact: bool
) -> None:
    plain = table.render(assessment, show=show, compact=compact)
    renderable = table.renderable(assessment, show=show, compact=compact)
    assert plain == rich_render(renderable, crop=not compact)
    if show == "all" and not compact:
        assert plain == table.render(assessment)  # the default listing is the same bytes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ASSESSMENTS, st.booleans())
def test_exceptions_list_what_all_lists_of_the_exceptions(
    assessment: Assessment, compact: bool
) -> None:
    """`--show exceptions` lists the error, fail, warn and waived findings exactly as `all`
    lists an assessment of only those, under the same headline and a line saying what is not
    listed; `compact` gives each finding one line."""
    exceptions = tuple(f for f in assessment.findings if f.status in EXCEPTIONS)
    assume(exceptions)
    shown = table.render(assessment, show="exceptions", compact=compact)
    only = table.render(attrs.evolve(assessment, findings=exceptions), compact=compact)
    headline, not_listed, listing = shown.split("\n\n", 2)
    assert headline == table.render(assessment).split("\n\n", 1)[0]
    assert not_listed.startswith("Only error, fail, warn and waived findings are listed; ")
    assert listing == only.split("\n\n", 1)[1]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks(max_policies=4), portfolios(max_contracts=3), DAYS)
def test_render_is_what_rich_prints_for_generated_portfolios(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    assessment = framework.evaluate(portfolio, as_of=as_of)
    assert table.render(assessment) == rich_render(table.renderable(assessment))


@pytest.mark.parametrize(
    "text",
    ["", "plain words", "two\nlines", " leading and trailing ", "~!@#$%^&*()_+{}|:<>?`"],
)
def test_printable_ascii_is_wrapped_here(text: str) -> None:
    assert table._plain_lines(table._Paragraph(((text, ""),), indent=6)) is not None


@pytest.mark.parametrize(
    "text", ["café", "a\tb", "wide 界", "e\u0301", "\x1b[1m", "carriage\r", "\x7f", "\u2028"]
)
def test_anything_else_is_left_to_rich(text: str) -> None:
    assert table._plain_lines(table._Paragraph(((text, ""),))) is None


def test_the_example_portfolio_needs_no_rich_but_the_waivers_table() -> None:
    framework = af.bundled("uk-central-government")
    portfolio = af.load_portfolio("policies/examples/ministry-of-example.yaml")
    assessment = framework.evaluate(portfolio, as_of=datetime.date(2026, 11, 25))
    blocks = table._blocks(assessment)
    paragraphs = [block for block in blocks if isinstance(block, table._Paragraph)]

    def text(paragraph: table._Paragraph) -> str:
        return "".join(part for part, _ in paragraph.parts)

    plain = [paragraph for paragraph in paragraphs if text(paragraph).isascii()]
    assert len(plain) > 20
    assert all(table._plain_lines(paragraph) is not None for paragraph in plain)
    # Money at stake (the pound sign) is the only text left to rich.
    assert all("£" in text(paragraph) for paragraph in paragraphs if paragraph not in plain)
    assert len(blocks) - len(paragraphs) == (1 if assessment.waivers_unused else 0)


def test_people_with_as_many_exceptions_keep_the_order_of_their_exceptions() -> None:
    """Found by the property above: a finding not listed (a pass) no longer decides which of
    two groups that sort alike (no one, and a person whose id is empty) comes first."""

    def finding(status: Status, person: str | None) -> Finding:
        accountable = Accountable(role="sro", person=person)
        return Finding(
            "P", "rule", Subject("contract", "C"), status, Severity.MEDIUM, accountable, ""
        )

    findings = (
        finding(Status.PASS, ""),
        finding(Status.FAIL, None),
        finding(Status.FAIL, ""),
    )
    assessment = Assessment(
        framework="f", framework_version="1", framework_digest="0" * 64, organisation="o",
        portfolio_digest="0" * 64, as_of=datetime.date(2026, 1, 1), generated_by="t",
        findings=findings,
    )  # fmt: skip
    shown = table.render(assessment, show="exceptions")
    assert shown.index("No one holds") < shown.index("\n: ")
    only = table.render(attrs.evolve(assessment, findings=findings[1:]))
    assert shown.split("\n\n", 2)[2] == only.split("\n\n", 1)[1]
