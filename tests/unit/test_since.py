"""`look_back` and `since` (SPEC section 13): how long each finding has had its status.

A rule that starts failing on 1 June 2026 and a sanction due once a failure has lasted 30 days
(`days_in_status`) make every date of the contract checkable by hand.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest

import accountframe as af
from accountframe.framework.duration import Duration
from accountframe.schemas import assessment_schema
from accountframe.timeline.daily import day_by_day

D = datetime.date
ROLES = [af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")]
FAILS_FROM_JUNE = af.Rule(
    id="R-JUNE",
    title="Fails from June",
    require='now < timestamp("2026-06-01T00:00:00Z")',
)
LASTING = af.Sanction(
    id="S-LASTING",
    title="A failure that has lasted 30 days",
    action="Escalate",
    trigger='findings.exists(f, f.status == "fail" && f.days_in_status >= 30)',
)
PORTFOLIO = af.Portfolio.from_dict(
    {
        "organisation": "Ministry of Example",
        "people": [{"id": "p-sro", "name": "Sam Owner"}],
        "contracts": [
            {
                "id": "C1",
                "title": "Tagging",
                "stage": "live",
                "assignments": [{"role": "sro", "person": "p-sro", "start": "2026-01-01"}],
            }
        ],
    }
)


def framework(look_back: str | None = "1 year") -> af.Framework:
    return af.Framework(
        name="since",
        version="1",
        roles=ROLES,
        policies=[FAILS_FROM_JUNE, LASTING],
        look_back=look_back,
    )


def test_a_snapshot_says_since_when_each_finding_and_consequence_has_had_its_status() -> None:
    assessment = af.evaluate(framework(), PORTFOLIO, D(2026, 7, 15))
    (finding,) = assessment.findings
    (consequence,) = assessment.consequences
    assert (finding.status.value, finding.since, finding.since_limited) == (
        "fail",
        D(2026, 6, 1),
        False,
    )
    assert (consequence.status.value, consequence.since) == ("due", D(2026, 7, 1))
    data = assessment.to_dict()
    assert data["findings"][0]["since"] == "2026-06-01"
    assert data["findings"][0]["since_limited"] is False
    jsonschema.validate(data, assessment_schema())


@pytest.mark.parametrize(
    ("as_of", "status"),
    [(D(2026, 6, 30), "not_triggered"), (D(2026, 7, 1), "due")],
)
def test_days_in_status_counts_from_the_first_day_of_the_spell(
    as_of: datetime.date, status: str
) -> None:
    # Failing since 1 June: 29 days on 30 June, 30 days on 1 July.
    assessment = af.evaluate(framework(), PORTFOLIO, as_of)
    assert assessment.consequences[0].status.value == status


def test_a_spell_that_reaches_the_look_back_is_limited() -> None:
    assessment = af.evaluate(framework("10 days"), PORTFOLIO, D(2026, 7, 15))
    (finding,) = assessment.findings
    assert (finding.since, finding.since_limited) == (D(2026, 7, 5), True)
    # Ten days of failing seen: not yet the thirty the sanction asks for.
    assert assessment.consequences[0].status.value == "not_triggered"


def test_check_look_back_overrides_the_framework() -> None:
    assessment = af.evaluate(framework(), PORTFOLIO, D(2026, 7, 15), look_back="10 days")
    assert assessment.findings[0].since == D(2026, 7, 5)


def test_without_a_look_back_nothing_says_since() -> None:
    plain = af.Framework(name="plain", version="1", roles=ROLES, policies=[FAILS_FROM_JUNE])
    data = af.evaluate(plain, PORTFOLIO, D(2026, 7, 15)).to_dict()
    assert "since" not in data["findings"][0]
    assert "look_back" not in plain.to_dict()


def test_history_of_a_sanction_that_reads_days_in_status() -> None:
    compiled = af.compile(framework())
    found = compiled.history(PORTFOLIO, start=D(2026, 5, 15), end=D(2026, 7, 15))
    assert [(s.status.value, s.start, s.end) for s in found.spells] == [
        ("pass", D(2026, 5, 15), D(2026, 5, 31)),
        ("fail", D(2026, 6, 1), D(2026, 7, 15)),
    ]
    assert [(s.status.value, s.start, s.end) for s in found.consequence_spells] == [
        ("not_triggered", D(2026, 5, 15), D(2026, 6, 30)),
        ("due", D(2026, 7, 1), D(2026, 7, 15)),
    ]
    reference = day_by_day(compiled.plan, PORTFOLIO, D(2026, 5, 15), D(2026, 7, 15))
    assert found.to_json() == reference.to_json()


def test_reading_since_without_a_look_back_is_a_lint_error() -> None:
    with pytest.raises(af.FrameworkError) as caught:
        af.compile(framework(None))
    messages = [d.message for d in caught.value.diagnostics]
    assert messages == [
        "findings' 'days_in_status' is known only with a look-back: set look_back in "
        "framework.yaml (e.g. 'look_back: 2 years')"
    ]
    assert caught.value.diagnostics[0].code == "af-reference"


@pytest.mark.parametrize("text", ["0 days", "-1 month", "two years"])
def test_a_look_back_is_a_duration_of_at_least_a_day(text: str) -> None:
    with pytest.raises(ValueError, match=r"^look_back: "):
        framework(text)
    with pytest.raises(af.UsageError, match=r"^look_back: "):
        af.evaluate(framework(), PORTFOLIO, D(2026, 7, 15), look_back=text)


def test_a_look_back_is_inherited_and_part_of_the_digest() -> None:
    base = framework("1 year")
    extended = base.extend("extended")
    assert extended.look_back == Duration(months=12)
    assert extended.extend("again", look_back="6 months").look_back == Duration(months=6)
    assert base.digest != framework("6 months").digest


def test_since_matches_evaluating_every_day_on_the_bundled_example() -> None:
    """Every finding's `since` is the first day of its last spell found day by day."""
    bundled = af.bundled("uk-central-government")
    portfolio = af.load_portfolio("policies/examples/ministry-of-example.yaml")
    as_of, look_back = D(2026, 11, 25), Duration(days=120)
    limit = look_back.before(as_of)
    reference = day_by_day(af.compile(bundled).plan, portfolio, limit, as_of)
    expected = {
        (s.policy, s.subject.id): (s.start, s.start == limit)
        for s in reference.spells
        if s.end == as_of
    }
    assessment = af.evaluate(bundled, portfolio, as_of, look_back=look_back)
    found = {(f.policy, f.subject.id): (f.since, f.since_limited) for f in assessment.findings}
    assert found == expected
    assert {limited for _, limited in found.values()} == {True, False}


def test_the_look_back_in_framework_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "fw"
    folder.mkdir()
    (folder / "framework.yaml").write_text(
        "framework: since\nversion: '1'\nlook_back: 2 years\n"
        "roles:\n  - {id: accounting_officer}\n"
        "policies:\n  - {id: R1, kind: rule, title: t, require: 'true'}\n",
        encoding="utf-8",
    )
    assert af.load_framework(folder).look_back == Duration(months=24)
    (folder / "framework.yaml").write_text(
        (folder / "framework.yaml").read_text().replace("2 years", "soon"), encoding="utf-8"
    )
    with pytest.raises(af.FrameworkError) as caught:
        af.load_framework(folder)
    (diagnostic,) = caught.value.diagnostics
    where = diagnostic.location
    assert (diagnostic.code, where.line, where.column, where.path) == (
        "af-value",
        3,
        12,
        "look_back",
    )
    assert diagnostic.message.startswith("expected a duration like '30 days'")


def test_schema_allows_since_only_as_a_date() -> None:
    data = json.loads(af.evaluate(framework(), PORTFOLIO, D(2026, 7, 15)).to_json())
    data["findings"][0]["since"] = "June"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, assessment_schema())


def test_explain_sees_since_as_evaluate_does() -> None:
    compiled = af.compile(framework())
    assessment = compiled.evaluate(PORTFOLIO, D(2026, 7, 15))
    why = compiled.explain(PORTFOLIO, "S-LASTING", "C1", D(2026, 7, 15))
    assert why.result == assessment.consequences[0]
    assert (why.status, why.result.since) == ("due", D(2026, 7, 1))
    rule = compiled.explain(PORTFOLIO, "R-JUNE", "C1", D(2026, 7, 15))
    assert rule.result == assessment.findings[0]
    assert rule.result.since == D(2026, 6, 1)
