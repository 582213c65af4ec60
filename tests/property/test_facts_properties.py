"""Properties of the portfolio facts of issue 23 and of the OCDS import of `regime`.

- As of any date, an amendment in the view carries its approval exactly when the approval is
  dated on or before that date (or carries no date), and once known it stays known: moving the
  date later never takes an approval away.
- Key dates are in the view whatever the date, all of them, in order.
- The digest tells apart two portfolios that differ in a fact.
- The OCDS regime never comes from anything but the evidence, and odd data never raises.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.load.ocds import to_portfolio
from accountframe.load.ocds_regime import is_act_notice, regime_of
from accountframe.testing import dates, portfolios

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def known(amendment: af.Amendment, day: datetime.date) -> bool:
    return amendment.approved_on is None or amendment.approved_on <= day


@SETTINGS
@given(portfolios(), dates())
def test_an_approval_is_in_the_view_exactly_from_its_day(
    portfolio: af.Portfolio, day: datetime.date
) -> None:
    for contract in portfolio.contracts:
        in_effect = [a for a in contract.amendments if a.date <= day]
        shown = contract.view(day)["amendments"]
        assert len(shown) == len(in_effect)
        for amendment, value in zip(in_effect, shown, strict=True):
            if known(amendment, day):
                assert value.get("approved_by") == amendment.approved_by
                assert value.get("approved_on") == amendment.approved_on
            else:
                assert "approved_by" not in value
                assert "approved_on" not in value
            assert value["date"] == amendment.date  # the rest is untouched
            assert value.get("value_change") == amendment.value_change


@SETTINGS
@given(portfolios(), dates(), st.integers(min_value=0, max_value=400))
def test_a_known_approval_stays_known(
    portfolio: af.Portfolio, day: datetime.date, later_by: int
) -> None:
    later = day + datetime.timedelta(days=later_by)

    def by_position(contract: af.Contract, on: datetime.date) -> dict[int, Any]:
        """The view's amendments on `on`, by their position in the contract's list."""
        positions = [i for i, a in enumerate(contract.amendments) if a.date <= on]
        return dict(zip(positions, contract.view(on)["amendments"], strict=True))

    for contract in portfolio.contracts:
        before, after = by_position(contract, day), by_position(contract, later)
        for position, first in before.items():
            second = after[position]
            if "approved_on" in first:
                assert second["approved_on"] == first["approved_on"]
                assert second.get("approved_by") == first.get("approved_by")


@SETTINGS
@given(portfolios(), dates())
def test_key_dates_are_never_hidden(portfolio: af.Portfolio, day: datetime.date) -> None:
    for contract in portfolio.contracts:
        assert contract.view(day)["key_dates"] == [
            {key: value for key, value in attrs.asdict(kd).items() if value is not None}
            for kd in contract.key_dates
        ]


FACT_CHANGES = st.sampled_from(["regime", "key_dates", "decision", "approved_by", "approved_on"])


def changed(contract: af.Contract, fact: str, people: list[str]) -> af.Contract | None:
    """The contract with one fact changed, or None where the fact cannot be changed here."""
    if fact == "regime":
        regime = af.Regime.OTHER if contract.regime is not af.Regime.OTHER else None
        return attrs.evolve(contract, regime=regime)
    if fact == "key_dates":
        extra = af.KeyDate("expiry", datetime.date(2031, 1, 1))
        return attrs.evolve(contract, key_dates=(*contract.key_dates, extra))
    if fact == "decision" and contract.reviews:
        first = contract.reviews[0]
        decision = "Decided" if first.decision != "Decided" else None
        reviews = (attrs.evolve(first, decision=decision), *contract.reviews[1:])
        return attrs.evolve(contract, reviews=reviews)
    if fact in ("approved_by", "approved_on") and contract.amendments and people:
        first = contract.amendments[0]
        if fact == "approved_by":
            other = next((p for p in people if p != first.approved_by), None)
            replaced = attrs.evolve(first, approved_by=other)
        else:
            moved = datetime.date(2031, 1, 1) if first.approved_on is None else None
            replaced = attrs.evolve(first, approved_on=moved)
        return attrs.evolve(contract, amendments=(replaced, *contract.amendments[1:]))
    return None


@SETTINGS
@given(portfolios(), FACT_CHANGES)
def test_a_changed_fact_changes_the_digest(portfolio: af.Portfolio, fact: str) -> None:
    people = [person.id for person in portfolio.people]
    for index, contract in enumerate(portfolio.contracts):
        other = changed(contract, fact, people)
        if other is None or other == contract:
            continue
        contracts = list(portfolio.contracts)
        contracts[index] = other
        assert attrs.evolve(portfolio, contracts=tuple(contracts)).digest != portfolio.digest


# -- OCDS ------------------------------------------------------------------------------------

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
NOTICES = st.lists(
    st.sampled_from(["UK1", "UK9", "UK17", "uk4", "UK18", "UK0", "tender"]) | st.text(max_size=5)
)
BASES = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "scheme": st.sampled_from(["UKPGA", "UKSI", "CELEX", "uksi"]) | JSON,
            "id": st.sampled_from(["2023/54", "2015/102", "32014L0024", "32014L0025"]) | JSON,
            "uri": st.just("https://www.legislation.gov.uk/uksi/2016/273") | JSON,
        },
    ),
    max_size=3,
)


@SETTINGS
@given(BASES, NOTICES)
def test_the_regime_comes_from_the_evidence_only(
    bases: list[dict[str, Any]], notices: list[str]
) -> None:
    regime, disagree = regime_of(bases, notices)
    noticed = any(is_act_notice(notice) for notice in notices)
    assert regime is None or regime in {member.value for member in af.Regime}
    if not bases:
        assert regime == ("pa2023" if noticed else None)
        assert disagree is False
    if disagree:
        assert noticed
        assert regime != "pa2023"
    if regime is None:
        assert not noticed


@SETTINGS
@given(JSON, JSON, st.lists(JSON, max_size=2))
def test_odd_legal_bases_and_notice_types_never_stop_the_import(
    legal_basis: Any, notice_type: Any, tags: list[Any]
) -> None:
    release = {
        "ocid": "ocds-abc123-1",
        "tag": ["contract", *tags],
        "tender": {"legalBasis": legal_basis, "documents": [{"noticeType": notice_type}]},
        "contracts": [{"id": "1", "title": "t"}],
    }
    result = to_portfolio([release])
    (contract,) = result.portfolio.contracts
    assert af.Portfolio.from_dict(result.portfolio.to_dict()) == result.portfolio
    assert contract.regime is None or isinstance(contract.regime, af.Regime)
