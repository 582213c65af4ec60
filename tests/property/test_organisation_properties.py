"""`scope: organisation` (issue 23) keeps SPEC section 6's guarantees and section 13's history.

Over frameworks whose policies are mostly at organisation scope (every kind, rolling and fixed
periods, conditions over `organisation` and `contracts`, some reading the date, sanctions over
the organisation's findings and people's sanctions over the findings routed to them) and
generated portfolios with the organisation's own reviews and reports: exactly one finding per
organisation-scope policy, about the organisation; adding one of its reviews or reports never
worsens its cadence and information findings; a later as_of without new events never improves
them; and history over a period equals evaluating every day, byte for byte.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.assessment import Status, Subject
from accountframe.framework.framework import Framework, Role
from accountframe.framework.policies import (
    OversightCadence,
    PersonalResponsibility,
    Policy,
    RequiredInformation,
    Rule,
    Sanction,
)
from accountframe.testing import ORGANISATION_CONDITIONS, dates, durations, periods, portfolios
from accountframe.timeline.daily import day_by_day
from accountframe.timeline.engine import history

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RANK = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}
AS_OF = dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))
KINDS = ["performance", "cost", "billing"]


@st.composite
def organisation_policies(draw: st.DrawFn, policy_id: str) -> Policy:
    common: dict[str, Any] = {"id": policy_id, "title": f"Policy {policy_id}",
                              "scope": "organisation"}  # fmt: skip
    shape = draw(st.sampled_from(["cadence", "information", "responsibility", "rule",
                                  "sanction", "contract", "person-sanction"]))  # fmt: skip
    deadline: dict[str, Any] = (
        {"periods": draw(periods())} if draw(st.booleans()) else {"every": "3 months"}
    )
    if shape == "cadence":
        return OversightCadence(
            **common, **deadline, grace=draw(durations()), warn_before=draw(durations()),
            counts_if=draw(st.sampled_from(["true", 'review.forum == "board"'])),
        )  # fmt: skip
    if shape == "information":
        if "every" in deadline:
            deadline = {"max_age": deadline.pop("every")}
        return RequiredInformation(
            **common, **deadline, report=draw(st.sampled_from(KINDS)),
            grace=draw(durations()), warn_before=draw(durations()),
        )  # fmt: skip
    if shape == "responsibility":
        return PersonalResponsibility(
            **common, role=draw(st.sampled_from(["accounting_officer", "commercial_lead"])),
            eligible=draw(st.none() | st.just('has(person.grade) && person.grade != "G7"')),
        )  # fmt: skip
    if shape == "rule":
        return Rule(
            **common, applies_to=draw(st.sampled_from(ORGANISATION_CONDITIONS)),
            require=draw(st.sampled_from(ORGANISATION_CONDITIONS)),
        )  # fmt: skip
    if shape == "sanction":
        return Sanction(
            **common, action="Act",
            trigger=draw(st.sampled_from(['findings.exists(f, f.status == "fail")',
                                          "size(findings) > 1",
                                          'findings.exists(f, f.evidence.days_overdue > 30)',
                                          # What changes without a finding changing:
                                          "size(organisation.reviews) > 1",
                                          'contracts.exists(c, c.spent > 0.0)'])),
        )  # fmt: skip
    if shape == "contract":
        return OversightCadence(id=policy_id, title="contract", every="1 month")
    return Sanction(
        id=policy_id, title="person", scope="person", action="Act",
        trigger='findings.exists(f, f.subject_type == "organisation" && f.status == "fail")',
    )  # fmt: skip


@st.composite
def organisation_frameworks(draw: st.DrawFn) -> Framework:
    count = draw(st.integers(min_value=1, max_value=5))
    return Framework(
        name="organisation",
        version="1",
        roles=[Role("accounting_officer"), Role("sro", reports_to="accounting_officer")],
        policies=[draw(organisation_policies(f"P{index}")) for index in range(count)],
    )


def statuses(framework: Framework, book: af.Portfolio, as_of: datetime.date) -> dict[str, Status]:
    found = framework.evaluate(book, as_of=as_of).findings
    return {f.policy: f.status for f in found if f.subject.type == "organisation"}


def timely(framework: Framework) -> list[str]:
    return [
        p.id
        for p in framework.policies
        if isinstance(p, OversightCadence | RequiredInformation) and p.scope.value == "organisation"
    ]


@SETTINGS
@given(organisation_frameworks(), portfolios())
def test_one_finding_per_organisation_policy_about_the_organisation(
    framework: Framework, book: af.Portfolio
) -> None:
    result = framework.evaluate(book, as_of=datetime.date(2026, 11, 25))
    organisation = Subject("organisation", book.organisation)
    expected = [p.id for p in framework.policies if p.scope.value == "organisation"]
    found = [f.policy for f in result.findings if f.subject == organisation]
    found += [c.policy for c in result.consequences if c.subject == organisation]
    assert sorted(found) == sorted(expected)


@SETTINGS
@given(organisation_frameworks(), portfolios(), AS_OF, st.data())
def test_a_new_organisation_review_or_report_never_worsens_a_finding(
    framework: Framework, book: af.Portfolio, as_of: datetime.date, data: st.DataObject
) -> None:
    when = data.draw(dates(max_value=as_of))
    review = af.Review(date=when, forum="board")
    report = af.Report(kind=data.draw(st.sampled_from(KINDS)), received=when)
    richer = attrs.evolve(book, reviews=(*book.reviews, review), reports=(*book.reports, report))
    before, after = statuses(framework, book, as_of), statuses(framework, richer, as_of)
    for policy_id in timely(framework):
        assert RANK[after[policy_id]] <= RANK[before[policy_id]], policy_id


@SETTINGS
@given(organisation_frameworks(), portfolios(), AS_OF, st.integers(min_value=1, max_value=800))
def test_a_later_as_of_without_new_events_never_improves_a_finding(
    framework: Framework, book: af.Portfolio, as_of: datetime.date, days: int
) -> None:
    still = attrs.evolve(
        book,
        reviews=[r for r in book.reviews if r.date <= as_of],
        reports=[r for r in book.reports if r.received <= as_of],
    )
    before = statuses(framework, still, as_of)
    after = statuses(framework, still, as_of + datetime.timedelta(days=days))
    for policy_id in timely(framework):
        assert RANK[after[policy_id]] >= RANK[before[policy_id]], policy_id


@st.composite
def cases(draw: st.DrawFn) -> tuple[Framework, af.Portfolio, datetime.date, datetime.date]:
    framework = draw(organisation_frameworks())
    # Few contracts, whose own days would hide a missed organisation day, and the
    # organisation's events inside the period (or just before it).
    book = draw(portfolios(max_contracts=draw(st.integers(0, 2))))
    start = draw(dates(datetime.date(2024, 1, 1), datetime.date(2027, 12, 31)))
    end = start + datetime.timedelta(days=draw(st.integers(0, 300)))
    around = dates(start - datetime.timedelta(days=120), end)
    reviews = draw(
        st.lists(
            st.builds(af.Review, date=around, forum=st.sampled_from(["board", "exco"])), max_size=4
        )
    )
    reports = draw(st.lists(st.builds(af.Report, kind=st.sampled_from(KINDS), received=around),
                            max_size=4))  # fmt: skip
    book = attrs.evolve(book, reviews=(*book.reviews, *reviews), reports=(*book.reports, *reports))
    return framework, book, start, end


@SETTINGS
@given(cases())
def test_history_at_organisation_scope_is_what_evaluating_every_day_gives(
    case: tuple[Framework, af.Portfolio, datetime.date, datetime.date],
) -> None:
    framework, book, start, end = case
    plan = af.compile(framework).plan
    assert history(plan, book, start, end).to_json() == day_by_day(plan, book, start, end).to_json()
