"""Streamed output (issue 25) as properties: for any framework and portfolio, the streamed
text is the rendered assessment's (`check`'s, for github and sarif), byte for byte, and its
summary is the assessment's."""

from __future__ import annotations

import datetime
import json
import tempfile
from pathlib import Path
from typing import Any, NoReturn

import attrs
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile_outputs import CONSEQUENCES, FINDINGS

import accountframe as af
from accountframe import jsontext, report
from accountframe.assessment import Consequence, Finding, Summary
from accountframe.errors import Location
from accountframe.fastpath import Declined
from accountframe.framework.policies import Severity
from accountframe.load import locations
from accountframe.report import pipelines
from accountframe.report import streamed as streamed_formats
from accountframe.testing import dates, frameworks, free_maps, portfolios, texts

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AS_OF = dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))


def streamed(
    framework: af.Framework | af.CompiledFramework,
    portfolio: af.Portfolio,
    format: str,
    as_of: datetime.date,
    locations: dict[tuple[str, str], Location] | None = None,
) -> str:
    with af.stream(framework, portfolio, format, as_of=as_of, locations=locations) as output:
        return "".join(output.chunks())


@SETTINGS
@given(frameworks(), portfolios(), AS_OF)
def test_streamed_json_is_to_json(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    assessment = framework.evaluate(portfolio, as_of=as_of)
    assert streamed(framework, portfolio, "json", as_of) == assessment.to_json() + "\n"


@SETTINGS
@given(frameworks(), portfolios(), AS_OF)
def test_every_other_streamed_format_is_the_rendered_assessment(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    compiled = af.compile(framework)  # once for every format
    assessment = compiled.evaluate(portfolio, as_of)
    lines = streamed(compiled, portfolio, "jsonl", as_of)
    assert lines == report.render(assessment, "jsonl")
    records = [json.loads(line) for line in lines.splitlines()]
    assert records[-1]["summary"] == assessment.to_dict()["summary"]
    assert records[-1]["findings"] == len(assessment.findings)
    assert len(records) == len(assessment.findings) + len(assessment.consequences) + 1
    assert streamed(compiled, portfolio, "csv", as_of) == report.render(assessment, "csv")
    assert streamed(compiled, portfolio, "junit", as_of) == report.render(assessment, "junit")
    # github and sarif (check's): each finding at its subject's place, where it has one.
    places = subject_places(portfolio)
    for format in ("github", "sarif"):
        expected = pipelines.render_assessment(format, assessment, compiled.plan, places)
        assert streamed(compiled, portfolio, format, as_of, places) == expected


def subject_places(portfolio: af.Portfolio) -> dict[tuple[str, str], Location]:
    """Places for every other contract and person, and the organisation (as
    `af.subject_locations` gives them for a portfolio file)."""
    subjects = [
        *(("contract", contract.id) for contract in portfolio.contracts),
        *(("person", person.id) for person in portfolio.people),
    ]
    places = {
        subject: Location(file="portfolio, 100%.yaml", line=line, column=5)
        for line, subject in enumerate(subjects[::2], start=2)
    }
    places["organisation", portfolio.organisation] = Location(file="p.yaml", line=1, column=15)
    return places


@SETTINGS
@given(frameworks(), portfolios(), AS_OF)
def test_a_summary_is_the_same_however_its_findings_are_split(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    assessment = framework.evaluate(portfolio, as_of=as_of)
    whole = assessment.summary()
    for cut in range(len(assessment.findings) + 1):
        first, second = Summary(), Summary()
        for finding in assessment.findings[:cut]:
            first.add_finding(finding)
        for finding in assessment.findings[cut:]:
            second.add_finding(finding)
        for consequence in assessment.consequences:
            first.add_consequence(consequence)
        first.merge(second)
        assert first.to_dict() == whole.to_dict()
        assert first.failed_policies == whole.failed_policies


EVIDENCE = st.one_of(
    free_maps(),
    # What judges put in evidence besides plain JSON: dates, tuples, sets, NaN and the
    # infinities, keys that are not strings.
    st.dictionaries(
        st.sampled_from(["due", "seen", 1]),
        st.one_of(
            dates(),
            st.tuples(st.integers(), texts()),
            st.frozensets(st.integers(-3, 3), max_size=3),
            st.floats(),
        ),
        max_size=3,
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    FINDINGS,
    EVIDENCE,
    st.none() | dates(),
    st.booleans(),
    st.none() | st.floats(min_value=0, max_value=1e15),
    st.none() | st.sampled_from(["GBP", "EUR"]),
    st.lists(texts(max_size=5), max_size=3).map(tuple),
)
def test_a_findings_streamed_json_text_is_its_maps(
    finding: Finding,
    evidence: dict[Any, Any],
    since: datetime.date | None,
    limited: bool,
    exposure: float | None,
    currency: str | None,
    tags: tuple[str, ...],
) -> None:
    """The `json` format's text of a finding, written from the finding (`finding_text`), is
    its map's text, indented as the document indents it; twice (texts are reused)."""
    finding = attrs.evolve(
        finding,
        evidence=evidence,
        since=since,
        since_limited=limited,
        exposure=exposure,
        currency=currency,
        tags=tags,
    )
    expected = jsontext.dumps(finding.to_dict()).replace("\n", "\n    ")
    texts_ = streamed_formats.STREAMED["json"][0]
    assert texts_.finding(finding) == expected
    assert texts_.finding(finding) == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    CONSEQUENCES,
    st.none() | st.integers(-(2**63), 2**63) | st.floats(),
    st.sampled_from(Severity),
    st.none() | dates(),
    st.booleans(),
)
def test_a_consequences_streamed_json_text_is_its_maps(
    consequence: Consequence,
    amount: float | None,
    severity: Severity,
    since: datetime.date | None,
    limited: bool,
) -> None:
    """The `json` format's text of a consequence, written from the consequence
    (`consequence_text`), is its map's text, indented as the document indents it, whatever
    its amount (whole, NaN, infinite), severity and look-back."""
    consequence = attrs.evolve(
        consequence, amount=amount, severity=severity, since=since, since_limited=limited
    )
    expected = jsontext.dumps(consequence.to_dict()).replace("\n", "\n    ")
    texts_ = streamed_formats.STREAMED["json"][0]
    assert texts_.consequence is not None
    assert texts_.consequence(consequence) == expected


WORDS = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=6)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | WORDS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(WORDS, inner, max_size=3),
    max_leaves=6,
)
ENTRIES = st.lists(
    st.fixed_dictionaries({"id": WORDS}, optional={"x": VALUES}) | VALUES, max_size=4
)
PORTFOLIO_DATA = st.fixed_dictionaries(
    {"organisation": WORDS | VALUES},
    optional={"contracts": ENTRIES | VALUES, "people": ENTRIES, "other": VALUES},
)


@settings(max_examples=60, deadline=None)
@given(PORTFOLIO_DATA, st.sampled_from(["block", "flow", "json", "json-indented"]))
def test_subject_places_read_from_events_are_the_walks(data: dict[str, Any], style: str) -> None:
    """`subject_locations` reads the places from the parser's events when it can: they are
    the places the position-recording walk gives, in YAML of either style and in JSON."""
    if style.startswith("json"):
        text = json.dumps(data, indent=2 if style == "json-indented" else None)
    else:
        text = yaml.safe_dump(data, default_flow_style=style == "flow", sort_keys=False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "portfolio.json" if style.startswith("json") else "portfolio.yaml")
        path.write_text(text, encoding="utf-8")
        read = dict(af.subject_locations(path))
        original = locations._places
        try:
            locations._places = declined  # type: ignore[assignment]
            assert read == dict(af.subject_locations(path))
        finally:
            locations._places = original  # type: ignore[assignment]


def declined(*args: object) -> NoReturn:
    raise Declined
