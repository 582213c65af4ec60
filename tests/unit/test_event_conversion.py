"""A contract's reviews and reports are converted for CEL only when something looks at them.

When no expression reads `contract.reviews` or `contract.reports`, the contract's value leaves
them out, and the judges convert the events a policy counts (`counts_if`) or gives its
`require` (the latest report) on first use, once per contract. These tests hold that this
changes nothing: the same findings as when the whole contract is built, the same handling of a
value that needs validation, and the same error for one that cannot be bound.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import pytest

import accountframe as af
from accountframe.errors import CelEvaluationError
from accountframe.evaluation.scope import Scopes
from accountframe.framework.framework import Framework, Role
from accountframe.framework.policies import OversightCadence, RequiredInformation

AS_OF = datetime.date(2026, 11, 25)
ROLES = [Role("accounting_officer"), Role("sro", reports_to="accounting_officer")]
POLICIES = [
    OversightCadence(
        id="CAD", title="board reviews with someone there", every="3 months",
        counts_if='review.forum == "board" && review.attendees.size() >= 1',
    ),
    RequiredInformation(
        id="INF", title="verified performance reports with three KPIs", report="performance",
        max_age="45 days", counts_if='report.source != "supplier" || report.verified',
        require="report.kpis.size() >= 3",
    ),
]  # fmt: skip


def document(figure: Any = 1) -> dict[str, Any]:
    kpis = [{"name": f"k{n}", "target": 1.0, "actual": 0.9, "rating": "good"} for n in range(3)]
    return {
        "organisation": "Test",
        "roles": {"accounting_officer": "p-ao"},
        "people": [{"id": "p-ao", "name": "Ada Officer"}],
        "contracts": [
            {
                "id": "C1",
                "title": "Contract 1",
                "stage": "live",
                "start": "2025-01-01",
                "reviews": [
                    {"date": "2026-10-01", "forum": "board", "attendees": ["p-ao"]},
                    {"date": "2026-11-01", "forum": "sro_review"},
                    {"date": "2026-12-01", "forum": "board", "attendees": ["p-ao"]},
                ],
                "reports": [
                    {"kind": "performance", "received": "2026-10-20", "source": "independent",
                     "kpis": kpis, "figures": {"units": figure}},
                    {"kind": "performance", "received": "2026-11-10", "source": "supplier",
                     "kpis": kpis[:1]},
                    {"kind": "billing", "received": "2026-11-12"},
                ],
            }
        ],
    }  # fmt: skip


def compiled() -> af.CompiledFramework:
    return af.compile(Framework(name="events", version="1", roles=ROLES, policies=POLICIES))


def rows(assessment: af.Assessment) -> list[tuple[str, str, str]]:
    return [(f.policy, f.status.value, f.message) for f in assessment.findings]


def test_the_events_are_left_out_of_the_contract_when_no_expression_reads_them() -> None:
    fields = compiled().plan.contract_fields
    assert fields is not None
    assert not {"reviews", "reports", "latest"} & fields


def test_counted_events_give_the_findings_of_the_whole_contract() -> None:
    framework = compiled()
    whole = af.CompiledFramework(attrs.evolve(framework.plan, contract_fields=None))
    portfolio = af.Portfolio.from_dict(document())
    found = framework.evaluate(portfolio, AS_OF)
    assert found.to_json() == whole.evaluate(portfolio, AS_OF).to_json()
    # The supplier's unverified report is not counted (freshness comes from the independent
    # one), but it is the latest, and its one KPI fails `require`.
    assert rows(found) == [
        ("CAD", "pass", "last review on 2026-10-01; next due by 2027-01-01"),
        ("INF", "fail", "the latest performance report (2026-11-10) does not meet the "
                        "requirement: report.kpis.size() >= 3 is false (the next is due by "
                        "2026-12-04)"),
    ]  # fmt: skip
    assert found.findings[1].evidence["last_received"] == datetime.date(2026, 10, 20)


def test_each_event_is_converted_once_per_contract() -> None:
    framework = compiled()
    portfolio = af.Portfolio.from_dict(document())
    scopes = Scopes(framework.plan, portfolio, AS_OF)
    contract = portfolio.contracts[0]
    scope = scopes.contract(contract)
    assert scope.events == {}  # nothing converted with the contract's value
    reviews = list(contract.reviews[:2])
    first = scopes.bound_events(scope, reviews)
    assert scopes.bound_events(scope, reviews) == first
    assert all(a is b for a, b in zip(scopes.bound_events(scope, reviews), first, strict=True))
    assert first[0]["forum"] == "board"
    assert first[0]["date"] == datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)


class Text(str):
    """A str subclass: a value the one-pass conversion leaves to the ordinary validation."""


def test_an_event_that_needs_validation_is_validated_when_first_looked_at() -> None:
    portfolio = af.Portfolio.from_dict(document())
    contract = portfolio.contracts[0]
    odd = attrs.evolve(contract.reviews[0], forum=Text("board"))
    changed = attrs.evolve(contract, reviews=(odd, *contract.reviews[1:]))
    odd_portfolio = attrs.evolve(portfolio, contracts=(changed,))
    framework = compiled()
    scopes = Scopes(framework.plan, odd_portfolio, AS_OF)
    (value,) = scopes.bound_events(scopes.contract(changed), [odd])
    assert type(value["forum"]) is str
    assert rows(framework.evaluate(odd_portfolio, AS_OF)) == rows(
        framework.evaluate(portfolio, AS_OF)
    )


def test_an_event_that_cannot_be_bound_fails_as_the_whole_contract_does() -> None:
    portfolio = af.Portfolio.from_dict(document())
    contract = portfolio.contracts[0]
    report = contract.reports[0]
    bad = attrs.evolve(report, figures={"units": 2**70})  # beyond 64 bits: not a CEL int
    changed = attrs.evolve(contract, reports=(bad, *contract.reports[1:]))
    bad_portfolio = attrs.evolve(portfolio, contracts=(changed,))
    framework = compiled()
    whole = af.CompiledFramework(attrs.evolve(framework.plan, contract_fields=None))
    with pytest.raises(CelEvaluationError) as whole_error:
        whole.evaluate(bad_portfolio, AS_OF)
    with pytest.raises(CelEvaluationError) as lazy_error:
        framework.evaluate(bad_portfolio, AS_OF)
    assert str(lazy_error.value) == str(whole_error.value)
    assert "contract['reports'][0]['figures']['units']" in str(lazy_error.value)
