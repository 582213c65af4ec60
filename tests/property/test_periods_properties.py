"""Fixed-period deadlines (issue 23) keep SPEC section 6's monotonicity and section 13's history.

Over frameworks whose cadence and information policies all use `periods` (generated period
ends, `within`, `warn_before` and `grace`) and generated portfolios: adding a qualifying review
or report never worsens a finding; a later as_of without new events never improves one; the
due date is the period end plus `within`, the period end the first strictly after the base;
and history over a period equals evaluating every day, byte for byte.
"""

from __future__ import annotations

import datetime

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.assessment import Status
from accountframe.framework.duration import Duration
from accountframe.framework.framework import Framework, Role
from accountframe.framework.periods import Periods
from accountframe.framework.policies import OversightCadence, RequiredInformation
from accountframe.testing import dates, durations, periods, portfolios
from accountframe.timeline.daily import day_by_day
from accountframe.timeline.engine import history

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RANK = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}
AS_OF = dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))


@st.composite
def fixed_policies(draw: st.DrawFn, policy_id: str) -> OversightCadence | RequiredInformation:
    common = {
        "id": policy_id,
        "title": f"Policy {policy_id}",
        "periods": draw(periods()),
        "grace": draw(durations()),
        "warn_before": draw(durations()),
    }
    if draw(st.booleans()):
        return OversightCadence(
            **common,
            counts_if=draw(st.sampled_from(["true", 'review.forum == "sro_review"'])),
        )
    return RequiredInformation(
        **common, report=draw(st.sampled_from(["performance", "cost", "billing"]))
    )


@st.composite
def fixed_frameworks(draw: st.DrawFn) -> Framework:
    count = draw(st.integers(min_value=1, max_value=4))
    return Framework(
        name="fixed",
        version="1",
        roles=[Role("accounting_officer"), Role("sro", reports_to="accounting_officer")],
        policies=[draw(fixed_policies(f"P{index}")) for index in range(count)],
    )


def statuses(framework: Framework, portfolio: af.Portfolio, as_of: datetime.date) -> dict:
    found = framework.evaluate(portfolio, as_of=as_of).findings
    return {(f.policy, f.subject.id): f.status for f in found}


@SETTINGS
@given(fixed_frameworks(), portfolios(), AS_OF, st.data())
def test_a_new_review_or_report_never_worsens_a_fixed_period_finding(
    framework: Framework, portfolio: af.Portfolio, as_of: datetime.date, data: st.DataObject
) -> None:
    if not portfolio.contracts:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(portfolio.contracts) - 1))
    contract = portfolio.contracts[index]
    when = data.draw(dates(max_value=as_of))
    review = af.Review(date=when, forum="sro_review")
    report = af.Report(kind=data.draw(st.sampled_from(["performance", "cost", "billing"])),
                       received=when)  # fmt: skip
    richer = attrs.evolve(
        contract, reviews=(*contract.reviews, review), reports=(*contract.reports, report)
    )
    contracts = list(portfolio.contracts)
    contracts[index] = richer
    before = statuses(framework, portfolio, as_of)
    after = statuses(framework, attrs.evolve(portfolio, contracts=contracts), as_of)
    for policy in framework.policies:
        key = (policy.id, contract.id)
        assert RANK[after[key]] <= RANK[before[key]], (key, before[key], after[key])


@SETTINGS
@given(fixed_frameworks(), portfolios(), AS_OF, st.integers(min_value=1, max_value=800))
def test_a_later_as_of_without_new_events_never_improves_a_fixed_period_finding(
    framework: Framework, portfolio: af.Portfolio, as_of: datetime.date, days: int
) -> None:
    def frozen(contract: af.Contract) -> af.Contract:
        return attrs.evolve(
            contract,
            reviews=[r for r in contract.reviews if r.date <= as_of],
            reports=[r for r in contract.reports if r.received <= as_of],
        )

    still = attrs.evolve(portfolio, contracts=[frozen(c) for c in portfolio.contracts])
    before = statuses(framework, still, as_of)
    after = statuses(framework, still, as_of + datetime.timedelta(days=days))
    for key, status in before.items():
        assert RANK[after[key]] >= RANK[status], (key, status, after[key])


@SETTINGS
@given(fixed_frameworks(), portfolios(), AS_OF)
def test_the_due_date_is_the_first_period_end_after_base_plus_within(
    framework: Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    assessment = framework.evaluate(portfolio, as_of=as_of)
    by_key = {(f.policy, f.subject.id): f for f in assessment.findings}
    for policy in framework.policies:
        assert isinstance(policy, OversightCadence | RequiredInformation)
        assert isinstance(policy.periods, Periods)
        for contract in portfolio.contracts:
            finding = by_key[(policy.id, contract.id)]
            last = finding.evidence.get("last", finding.evidence.get("last_received"))
            base = (
                max(d for d in (last, contract.start) if d is not None)
                if (last or contract.start)
                else None
            )
            if base is None:
                assert (finding.status, finding.evidence["due"]) == (Status.FAIL, None)
                continue
            period_end = finding.evidence["period_end"]
            assert period_end > base
            # No period end lies strictly between base and the one chosen.
            assert all(
                not base < datetime.date(year, int(end[:2]), int(end[3:])) < period_end
                for end in policy.periods.ends
                for year in (base.year, base.year + 1)
            )
            assert finding.evidence["due"] == Duration.parse(policy.periods.within).after(
                period_end
            )


@st.composite
def cases(draw: st.DrawFn) -> tuple[Framework, af.Portfolio, datetime.date, datetime.date]:
    framework = draw(fixed_frameworks())
    portfolio = draw(portfolios())
    days = [r.date for c in portfolio.contracts for r in c.reviews] + [
        r.received for c in portfolio.contracts for r in c.reports
    ]
    start = draw(st.sampled_from(days or [datetime.date(2026, 1, 1)]))
    start -= datetime.timedelta(days=draw(st.integers(0, 200)))
    end = start + datetime.timedelta(days=draw(st.integers(0, 400)))
    return framework, portfolio, start, end


@SETTINGS
@given(cases())
def test_history_of_fixed_period_policies_is_what_evaluating_every_day_gives(
    case: tuple[Framework, af.Portfolio, datetime.date, datetime.date],
) -> None:
    framework, portfolio, start, end = case
    plan = af.compile(framework).plan
    assert history(plan, portfolio, start, end).to_json() == (
        day_by_day(plan, portfolio, start, end).to_json()
    )
