"""History over a period is exactly what evaluating every day gives (SPEC section 13).

The change-point engine (`accountframe.timeline.engine`) looks at a subject only on days when
something can change; `day_by_day` evaluates every day. Over generated frameworks (every kind,
expressions that read the date, sanctions that read a finding's days overdue, person-scope
rules that read `contracts`) and generated portfolios, over periods placed around their
events (waivers starting and expiring, SROs changing and leaving posts vacant, events before
the period and on its first day), the two give the same JSON, byte for byte. With a look-back
(and sanctions that read `days_in_status` and `since`), the last day's `since` agrees with the
day-by-day history of the look-back.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.framework.framework import Framework, Role
from accountframe.framework.policies import Reward, Rule, Sanction
from accountframe.model import Waiver
from accountframe.testing import policies, portfolios
from accountframe.timeline.daily import day_by_day
from accountframe.timeline.engine import history

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Conditions that read the date itself, directly or through the `is_recent` definition.
DATED = (
    "has(contract.end) && contract.end >= now && contract.end <= add_months(now, 6)",
    "contract.reviews.exists(r, r.date > add_months(now, -3))",
    "has(contract.start) && days_between(contract.start, now) > 200",
    "is_recent",
    'is_live && portfolio.as_of >= date("2026-01-01")',
)
#: Sanctions' and rewards' triggers, some reading a finding's days overdue (which grow daily).
TRIGGERS = (
    'findings.exists(f, f.status == "fail")',
    "findings.exists(f, has(f.evidence.days_overdue) && f.evidence.days_overdue > 20)",
    'findings.all(f, f.status in ["pass", "not_applicable"])',
    'findings.filter(f, f.status == "warn").size() >= 1',
    "findings.exists(f, has(f.exposure) && f.exposure > 500.0)",
)
#: A rule's `due`: from the contract's data, or from the date itself.
DUE = (
    'has(contract.start) ? add_months(contract.start, 3) : timestamp("2026-06-01T00:00:00Z")',
    "add_months(now, 1)",
)
#: `applied_if`s that read the date (a sanction or reward applied lately counts as applied).
APPLIED_IF = (
    "contract.consequences.exists(c, c.date >= add_months(now, -1))",
    'contract.consequences.exists(c, c.date > now - duration("240h")) || contract.strategic',
)
#: Money at stake that can fail (no value, spent beyond the value: negative), or that reads
#: the date itself (negative, so failing, before a contract's 300th day): a finding's status
#: becomes `error` through its exposure, which history must see on the day it does.
EXPOSURES = (
    "contract.value.total - contract.spent",
    "double(days_between(contract.start, now)) - 300.0",
    "double(size(contract.transactions)) * 100.0",
)
#: Triggers that read how long a finding has had its status (with a look-back only).
SINCE_TRIGGERS = (
    'findings.exists(f, f.status == "fail" && f.days_in_status >= 12)',
    'findings.exists(f, f.status != "pass" && f.since < timestamp("2026-03-01T00:00:00Z"))',
)


@st.composite
def dated_policies(draw: st.DrawFn, policy_id: str, since: bool = False) -> Any:
    """A policy from `accountframe.testing.policies`, or one that reads the date, or a
    sanction or reward over `findings`, contract or person scope."""
    shape = draw(
        st.sampled_from(
            ["standard", "dated-rule", "dated-applies", "due-rule", "consequence", "money"]
        )
    )
    if shape == "standard":
        return draw(policies(policy_id))
    if shape == "money":  # a finding policy whose exposure may fail, or read the date
        policy = draw(policies(policy_id))
        if policy.kind in ("sanction", "reward") or policy.scope.value != "contract":
            return policy
        return attrs.evolve(policy, exposure=draw(st.sampled_from(EXPOSURES)))
    if shape == "dated-rule":
        return Rule(id=policy_id, title="dated", require=draw(st.sampled_from(DATED)))
    if shape == "due-rule":  # days overdue in its evidence, which sanctions may read
        return Rule(
            id=policy_id,
            title="due",
            require=draw(st.sampled_from(["contract.strategic", *DATED])),
            due=draw(st.sampled_from(DUE)),
        )
    if shape == "dated-applies":
        return Rule(
            id=policy_id,
            title="dated applies",
            applies_to=draw(st.sampled_from(DATED)),
            require=draw(st.sampled_from(["contract.strategic", "size(contract.reviews) > 1"])),
        )
    effect = draw(st.sampled_from([Sanction, Reward]))
    scope = draw(st.sampled_from(["contract", "person"]))
    return effect(
        id=policy_id,
        title="consequence",
        action="Act",
        scope=scope,
        trigger=draw(st.sampled_from(TRIGGERS + (SINCE_TRIGGERS if since else ()))),
        within=draw(st.none() | st.just("7 days")),
        # Applied when recorded recently: a condition that reads the date, in contract scope.
        applied_if=draw(st.none() | st.sampled_from(APPLIED_IF)) if scope == "contract" else None,
    )


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    count = draw(st.integers(min_value=1, max_value=6))
    look_back = draw(st.none() | st.sampled_from(["20 days", "1 month"]))
    return Framework(
        name="generated",
        version="1",
        look_back=look_back,
        roles=[
            Role("accounting_officer"),
            Role("sro", reports_to="accounting_officer"),
            Role("contract_manager", reports_to="sro"),
        ],
        definitions={
            "is_live": 'contract.stage in ["mobilisation", "live", "exit"]',
            "is_recent": "contract.reviews.exists(r, days_between(r.date, now) <= 40)",
        },
        policies=[
            draw(dated_policies(f"P{index}", since=look_back is not None)) for index in range(count)
        ],
    )


def event_days(portfolio: af.Portfolio) -> list[datetime.date]:
    days: list[datetime.date] = []
    for contract in portfolio.contracts:
        days += [review.date for review in contract.reviews]
        days += [report.received for report in contract.reports]
        days += [a.start for a in contract.assignments]
        days += [a.end for a in contract.assignments if a.end is not None]
        days += [applied.date for applied in contract.consequences]
    return days


@st.composite
def cases(draw: st.DrawFn) -> tuple[Framework, af.Portfolio, datetime.date, datetime.date]:
    """A framework, a portfolio with waivers in force over part of the period, and a period
    placed around the portfolio's events."""
    framework = draw(frameworks())
    portfolio = draw(portfolios())
    days = event_days(portfolio) or [datetime.date(2026, 1, 1)]
    start = draw(st.sampled_from(days)) - datetime.timedelta(days=draw(st.integers(0, 40)))
    end = start + datetime.timedelta(days=draw(st.integers(0, 100)))
    waivers = []
    subjects = [c.id for c in portfolio.contracts] + [p.id for p in portfolio.people]
    if subjects and portfolio.people:
        for _ in range(draw(st.integers(0, 3))):
            approved = start + datetime.timedelta(days=draw(st.integers(-10, 60)))
            waivers.append(
                Waiver(
                    policy=draw(st.sampled_from([p.id for p in framework.policies])),
                    subject=draw(st.sampled_from(subjects)),
                    reason="test",
                    approved_by=portfolio.people[0].id,
                    approved_on=approved,
                    expires=approved + datetime.timedelta(days=draw(st.integers(0, 50))),
                )
            )
    return framework, attrs.evolve(portfolio, waivers=tuple(waivers)), start, end


@SETTINGS
@given(cases())
def test_history_is_what_evaluating_every_day_gives(
    case: tuple[Framework, af.Portfolio, datetime.date, datetime.date],
) -> None:
    framework, portfolio, start, end = case
    plan = af.compile(framework).plan
    assert history(plan, portfolio, start, end).to_json() == (
        day_by_day(plan, portfolio, start, end).to_json()
    )
    if framework.look_back is not None:
        # `since` on the last day's assessment agrees with the history of its look-back.
        limit = framework.look_back.before(end)
        reference = day_by_day(plan, portfolio, limit, end)
        assessment = af.compile(framework).evaluate(portfolio, end)
        for spells, results in (
            (reference.spells, assessment.findings),
            (reference.consequence_spells, assessment.consequences),
        ):
            expected = {
                (s.policy, s.subject.type, s.subject.id): (s.start, s.start == limit)
                for s in spells
                if s.end == end
            }
            found = {
                (r.policy, r.subject.type, r.subject.id): (r.since, r.since_limited)
                for r in results
            }
            assert found == expected


def test_the_bundled_example_over_a_year_is_what_evaluating_every_day_gives() -> None:
    framework = af.bundled("uk-central-government")
    portfolio = af.load_portfolio("policies/examples/ministry-of-example.yaml")
    plan = af.compile(framework).plan
    start, end = datetime.date(2025, 11, 26), datetime.date(2026, 11, 25)
    found = history(plan, portfolio, start, end)
    assert found.to_json() == day_by_day(plan, portfolio, start, end).to_json()
    # Something happened: failures began and ended, people changed.
    assert any(spell.start > start for spell in found.spells)
    assert len({spell.accountable.person for spell in found.spells}) > 3


def test_a_waiver_on_a_person_starts_and_ends_a_waived_spell() -> None:
    """Person-scope findings change on a person's own waiver days, though no contract does."""
    portfolio = af.load_portfolio("policies/examples/ministry-of-example.yaml")
    person = portfolio.people[0].id
    framework = Framework(
        name="person waiver",
        version="1",
        roles=[Role("accounting_officer"), Role("sro", reports_to="accounting_officer")],
        policies=[
            Rule(
                id="P-PERSON",
                title="nobody passes",
                scope="person",
                applies_to="true",
                require='has(person.grade) && person.grade == "none such"',
            )
        ],
    )
    waiver = Waiver(
        policy="P-PERSON",
        subject=person,
        reason="test",
        approved_by=person,
        approved_on=datetime.date(2026, 3, 10),
        expires=datetime.date(2026, 3, 20),
    )
    portfolio = attrs.evolve(portfolio, waivers=(waiver,))
    plan = af.compile(framework).plan
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    found = history(plan, portfolio, start, end)
    assert found.to_json() == day_by_day(plan, portfolio, start, end).to_json()
    mine = [(s.status, s.start, s.end) for s in found.spells if s.subject.id == person]
    assert mine == [
        ("fail", start, datetime.date(2026, 3, 9)),
        ("waived", datetime.date(2026, 3, 10), datetime.date(2026, 3, 20)),
        ("fail", datetime.date(2026, 3, 21), end),
    ]


def test_a_sanction_applied_lately_is_due_again_the_day_it_no_longer_counts() -> None:
    """`applied_if` reads the date: the engine finds the day it turns false by bisection."""
    portfolio = af.Portfolio.from_dict(
        {
            "organisation": "Ministry of Example",
            "contracts": [
                {
                    "id": "C1",
                    "title": "Tagging",
                    "stage": "live",
                    "consequences": [
                        {"date": "2026-03-10", "effect": "sanction", "kind": "service_credit"}
                    ],
                }
            ],
        }
    )
    framework = Framework(
        name="applied lately",
        version="1",
        roles=[Role("accounting_officer"), Role("sro", reports_to="accounting_officer")],
        policies=[
            Rule(id="R-STRATEGIC", title="Strategic", require="contract.strategic"),
            Sanction(
                id="S-CREDIT",
                title="A service credit while it fails",
                action="Claim a service credit",
                trigger='findings.exists(f, f.status == "fail")',
                applied_if="contract.consequences.exists(c, c.date >= add_months(now, -1))",
            ),
        ],
    )
    plan = af.compile(framework).plan
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 5, 1)
    found = history(plan, portfolio, start, end)
    assert found.to_json() == day_by_day(plan, portfolio, start, end).to_json()
    assert [(s.status.value, s.start, s.end) for s in found.consequence_spells] == [
        ("due", start, datetime.date(2026, 3, 9)),
        ("applied", datetime.date(2026, 3, 10), datetime.date(2026, 4, 10)),
        ("due", datetime.date(2026, 4, 11), end),
    ]


def test_a_rule_with_due_has_days_overdue_that_grow_every_day() -> None:
    """A sanction that reads a rule's days overdue changes the day they pass its bound."""
    portfolio = af.Portfolio.from_dict(
        {
            "organisation": "Ministry of Example",
            "contracts": [{"id": "C1", "title": "Tagging", "stage": "live"}],
        }
    )
    framework = Framework(
        name="due",
        version="1",
        roles=[Role("accounting_officer"), Role("sro", reports_to="accounting_officer")],
        policies=[
            Rule(
                id="R-DUE",
                title="Strategic by March",
                require="contract.strategic",
                due='timestamp("2026-03-01T00:00:00Z")',
            ),
            Sanction(
                id="S-LATE",
                title="Late by more than 20 days",
                action="Escalate",
                trigger="findings.exists(f, has(f.evidence.days_overdue) "
                "&& f.evidence.days_overdue > 20)",
            ),
        ],
    )
    plan = af.compile(framework).plan
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)
    found = history(plan, portfolio, start, end)
    assert found.to_json() == day_by_day(plan, portfolio, start, end).to_json()
    assert [(s.status.value, s.start, s.end) for s in found.consequence_spells] == [
        ("not_triggered", start, datetime.date(2026, 3, 21)),
        ("due", datetime.date(2026, 3, 22), end),
    ]
