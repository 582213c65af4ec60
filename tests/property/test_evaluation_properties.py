"""SPEC section 6 as properties: determinism, completeness, monotonicity, identity, waivers."""

from __future__ import annotations

import datetime

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.assessment import Assessment, Status
from accountframe.framework.policies import Consequence, Scope
from accountframe.testing import dates, frameworks, portfolios

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AS_OF = dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))
#: How bad a timeliness status is; other statuses must not change at all.
RANK = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}
TIMELY = ("oversight_cadence", "required_information")


def assess(framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date) -> Assessment:
    return framework.evaluate(portfolio, as_of=as_of)


def keyed(assessment: Assessment) -> dict[tuple[str, str], Status]:
    return {(f.policy, f.subject.id): f.status for f in assessment.findings}


def not_worse(before: Status, after: Status) -> bool:
    if before in RANK and after in RANK:
        return RANK[after] <= RANK[before]
    return before == after


@SETTINGS
@given(frameworks(), portfolios(), AS_OF)
def test_deterministic_and_never_raises(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    first = assess(framework, portfolio, as_of).to_json()
    rebuilt = attrs.evolve(framework)  # a new object: compiled afresh
    assert assess(rebuilt, portfolio, as_of).to_json() == first


@SETTINGS
@given(frameworks(), portfolios(), AS_OF)
def test_one_result_per_policy_and_subject(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    assessment = assess(framework, portfolio, as_of)
    expected_findings, expected_consequences = [], []
    for policy in framework.policies:
        subjects = (
            [p.id for p in portfolio.people]
            if policy.scope is Scope.PERSON
            else [portfolio.organisation]
            if policy.scope is Scope.ORGANISATION
            else [c.id for c in portfolio.contracts]
        )
        target = expected_consequences if isinstance(policy, Consequence) else expected_findings
        target.extend((policy.id, subject) for subject in subjects)
    assert [(f.policy, f.subject.id) for f in assessment.findings] == expected_findings
    assert [(c.policy, c.subject.id) for c in assessment.consequences] == expected_consequences


@SETTINGS
@given(frameworks(), portfolios(), AS_OF, st.data())
def test_a_new_review_or_report_never_worsens_timeliness(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date, data: st.DataObject
) -> None:
    if not portfolio.contracts:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(portfolio.contracts) - 1))
    contract = portfolio.contracts[index]
    when = data.draw(dates(max_value=as_of))
    chair = portfolio.people[0].id if portfolio.people else None
    review = af.Review(date=when, forum="sro_review", chair=chair)
    report = af.Report(kind=data.draw(st.sampled_from(["performance", "cost", "billing"])),
                       received=when)  # fmt: skip
    richer = attrs.evolve(
        contract, reviews=(*contract.reviews, review), reports=(*contract.reports, report)
    )
    contracts = list(portfolio.contracts)
    contracts[index] = richer
    before = keyed(assess(framework, portfolio, as_of))
    after = keyed(assess(framework, attrs.evolve(portfolio, contracts=contracts), as_of))
    for policy in framework.policies:
        if policy.kind in TIMELY and not getattr(policy, "require", None):
            # The organisation's own findings read its own reviews and reports, not these.
            key = (policy.id, contract.id)
            if policy.scope is Scope.ORGANISATION:
                continue
            assert not_worse(before[key], after[key]), (key, before[key], after[key])


@SETTINGS
@given(frameworks(), portfolios(), AS_OF, st.integers(min_value=1, max_value=800))
def test_later_as_of_without_new_events_never_improves_timeliness(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date, days: int
) -> None:
    # Drop everything dated after the first date so that nothing new happens in between.
    def frozen(contract: af.Contract) -> af.Contract:
        return attrs.evolve(
            contract,
            reviews=[r for r in contract.reviews if r.date <= as_of],
            reports=[r for r in contract.reports if r.received <= as_of],
            transactions=[t for t in contract.transactions if t.date <= as_of],
            amendments=[a for a in contract.amendments if a.date <= as_of],
            consequences=[c for c in contract.consequences if c.date <= as_of],
            assignments=[a for a in contract.assignments if a.start <= as_of],
        )

    still = attrs.evolve(portfolio, contracts=[frozen(c) for c in portfolio.contracts])
    later = as_of + datetime.timedelta(days=days)
    before = keyed(assess(framework, still, as_of))
    after = keyed(assess(framework, still, later))
    for policy in framework.policies:
        if policy.kind in TIMELY and policy.applies_to == "true":
            if policy.scope is Scope.ORGANISATION:
                continue  # its own property test below, with the organisation's events
            for contract in still.contracts:
                key = (policy.id, contract.id)
                if before[key] in RANK and after[key] in RANK:
                    assert RANK[after[key]] >= RANK[before[key]], (key, before[key], after[key])


@SETTINGS
@given(frameworks(), portfolios(), AS_OF)
def test_extending_with_no_changes_gives_identical_findings(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    base = assess(framework, portfolio, as_of)
    extended = assess(framework.extend("same"), portfolio, as_of)
    assert extended.findings == base.findings
    assert extended.consequences == base.consequences


@SETTINGS
@given(frameworks(), portfolios(), AS_OF, st.data())
def test_waivers_never_turn_a_pass_into_anything_else(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date, data: st.DataObject
) -> None:
    if not portfolio.people or not portfolio.contracts:
        return
    policy_ids = [p.id for p in framework.policies]
    waivers = []
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        # Approved up to 60 days before as_of (or 5 after: not yet in force), lasting up to 90
        # days: some in force, some expired, some not yet approved.
        approved_on = as_of + datetime.timedelta(days=data.draw(st.integers(-60, 5)))
        waivers.append(
            af.Waiver(
                policy=data.draw(st.sampled_from(policy_ids)),
                subject=data.draw(st.sampled_from([c.id for c in portfolio.contracts])),
                reason="property test",
                approved_by=portfolio.people[0].id,
                approved_on=approved_on,
                expires=approved_on + datetime.timedelta(days=data.draw(st.integers(0, 90))),
            )
        )
    before = assess(framework, attrs.evolve(portfolio, waivers=()), as_of)
    after = assess(framework, attrs.evolve(portfolio, waivers=waivers), as_of)
    for old, new in zip(before.findings, after.findings, strict=True):
        if new.status is Status.WAIVED:
            assert new.waiver is not None
            assert old.status in (Status.WARN, Status.FAIL)
            assert new.waiver.original_status is old.status
        else:
            assert new.status is old.status
