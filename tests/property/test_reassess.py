"""One contract at a time (issue 24): re-evaluating one contract of an assessment gives what a
whole evaluation gives, and evaluating one contract gives that contract's findings as the
whole evaluation has them."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.testing import dates, frameworks, portfolios

EXAMPLE = Path(__file__).resolve().parents[2] / "policies" / "examples" / "ministry-of-example.yaml"
AS_OF = datetime.date(2026, 11, 25)
CHANGES = ("no reviews", "closed", "removed", "added", "unchanged", "no assignments")


def changed(data: dict[str, Any], index: int, change: str) -> tuple[dict[str, Any], str]:
    """The portfolio's data with one contract changed, and that contract's id."""
    contracts = data["contracts"]
    contract = contracts[index]
    if change == "no reviews":
        contract["reviews"] = []
    elif change == "closed":
        contract["stage"] = "closed"
    elif change == "no assignments":
        contract["assignments"] = []
    elif change == "removed":
        del contracts[index]
        # A waiver naming a contract that is gone is invalid: it goes with it.
        data["waivers"] = [w for w in data.get("waivers", []) if w["subject"] != contract["id"]]
    elif change == "added":
        added = {**contract, "id": "ADDED-1"}
        contracts.insert(index, added)
        return data, "ADDED-1"
    return data, contract["id"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    frameworks(max_policies=5),
    portfolios(max_contracts=4),
    dates(datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)),
    st.data(),
)
def test_reassessing_one_contract_is_a_whole_evaluation(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date, data: st.DataObject
) -> None:
    compiled = af.compile(framework)
    if not portfolio.contracts:
        return
    ids = [c.id for c in portfolio.contracts]
    if len(set(ids)) != len(ids):
        return  # repeated ids are judged whole; tested below
    index = data.draw(st.integers(0, len(ids) - 1))
    change = data.draw(st.sampled_from(CHANGES))
    before = compiled.evaluate(portfolio, as_of)
    new_data, contract_id = changed(portfolio.to_dict(), index, change)
    after = af.Portfolio.from_dict(new_data)
    assert compiled.reassess(before, after, contract_id) == compiled.evaluate(after, as_of)
    assert compiled.reassess(before, after, contract_id).to_json() == (
        compiled.evaluate(after, as_of).to_json()
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks(max_policies=5), portfolios(max_contracts=4), st.data())
def test_one_contract_has_the_findings_of_the_whole(
    framework: af.Framework, portfolio: af.Portfolio, data: st.DataObject
) -> None:
    compiled = af.compile(framework)
    ids = [c.id for c in portfolio.contracts]
    if not ids or len(set(ids)) != len(ids):
        return
    contract_id = data.draw(st.sampled_from(ids))
    whole = compiled.evaluate(portfolio, AS_OF)
    one = compiled.evaluate_contract(portfolio, contract_id, AS_OF)
    mine = [f for f in whole.findings if f.subject == af.Subject("contract", contract_id)]
    assert [f for f in one.findings if f.subject.type == "contract"] == mine
    theirs = {f.subject.id for f in one.findings if f.subject.type == "person"}
    for finding in one.findings:
        if finding.subject.type == "person":
            assert finding in whole.findings
    concerned = {f.accountable.person for f in mine} - {None}
    persons = [p for p in framework.policies if p.scope.value == "person" and p.kind == "rule"]
    if persons:
        assert concerned <= theirs
    contract_consequences = [
        c for c in whole.consequences if c.subject == af.Subject("contract", contract_id)
    ]
    assert list(one.consequences) == contract_consequences


def test_the_bundled_example_one_contract_at_a_time() -> None:
    compiled = af.compile(af.bundled("uk-central-government"))
    portfolio = af.load_portfolio(EXAMPLE)
    before = compiled.evaluate(portfolio, AS_OF)
    for index in range(len(portfolio.contracts)):
        for change in CHANGES:
            new_data, contract_id = changed(portfolio.to_dict(), index, change)
            after = af.Portfolio.from_dict(new_data)
            assert compiled.reassess(before, after, contract_id) == compiled.evaluate(
                after, AS_OF
            ), (index, change)


def test_a_waiver_used_elsewhere_stays_used() -> None:
    compiled = af.compile(af.bundled("uk-central-government"))
    portfolio = af.load_portfolio(EXAMPLE)
    before = compiled.evaluate(portfolio, AS_OF)
    waived = next(f for f in before.findings if f.waiver is not None)
    other = next(c.id for c in portfolio.contracts if c.id != waived.subject.id)
    again = compiled.reassess(before, portfolio, other)
    assert again.waivers_unused == before.waivers_unused
    assert again == before


class TestMistakes:
    def test_another_frameworks_assessment(self) -> None:
        portfolio = af.load_portfolio(EXAMPLE)
        bundled = af.compile(af.bundled("uk-central-government"))
        other = af.compile(af.bundled("uk-central-government").extend("mine"))
        with pytest.raises(af.UsageError, match="the assessment is of another framework"):
            other.reassess(bundled.evaluate(portfolio), portfolio, "EM-001")

    def test_an_assessment_of_another_portfolio(self) -> None:
        compiled = af.compile(af.bundled("uk-central-government"))
        portfolio = af.load_portfolio(EXAMPLE)
        before = compiled.evaluate(portfolio)
        smaller = attrs.evolve(before, findings=before.findings[:3])
        with pytest.raises(af.UsageError, match="has no results for contract"):
            compiled.reassess(smaller, portfolio, "EM-001")

    def test_no_such_contract(self) -> None:
        compiled = af.compile(af.bundled("uk-central-government"))
        portfolio = af.load_portfolio(EXAMPLE)
        with pytest.raises(af.UsageError, match=r"no contract 'EM-01' .*did you mean 'EM-001'"):
            compiled.evaluate_contract(portfolio, "EM-01")
        with pytest.raises(af.UsageError, match="no contract 'EM-01' in the portfolio or"):
            compiled.reassess(compiled.evaluate(portfolio), portfolio, "EM-01")
