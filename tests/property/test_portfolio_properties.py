"""Properties of portfolios: round trips, schema agreement, views, and only our errors escape."""

from __future__ import annotations

import copy
import datetime
import json
import math
from collections.abc import Callable
from typing import Any

import jsonschema
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.load.documents import parse_document, portfolio_from_document
from accountframe.testing import dates, portfolios

SCHEMA = jsonschema.Draft202012Validator(
    af.portfolio_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(portfolios())
def test_dict_round_trip(portfolio: af.Portfolio) -> None:
    assert af.Portfolio.from_dict(portfolio.to_dict()) == portfolio


@SETTINGS
@given(portfolios())
def test_yaml_round_trip(portfolio: af.Portfolio) -> None:
    text = yaml.safe_dump(portfolio.to_dict(), allow_unicode=True, sort_keys=False)
    assert portfolio_from_document(parse_document(text, file="p.yaml")) == portfolio


@SETTINGS
@given(portfolios())
def test_json_round_trip_and_schema(portfolio: af.Portfolio) -> None:
    text = portfolio.to_json()
    assert portfolio_from_document(parse_document(text, file="p.json")) == portfolio
    assert list(SCHEMA.iter_errors(json.loads(text))) == []


@SETTINGS
@given(portfolios(), dates())
def test_derived_views_agree_with_a_direct_computation(
    portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    for contract in portfolio.contracts:
        # Direct: among the current assignments of each role, the greatest (start, position).
        expected_holders: dict[str, tuple[datetime.date, int, str]] = {}
        for position, a in enumerate(contract.assignments):
            if a.start <= as_of and (a.end is None or as_of <= a.end):
                key = (a.start, position, a.person)
                expected_holders[a.role] = max(expected_holders.get(a.role, key), key)
        assert contract.accountable(as_of) == {r: k[2] for r, k in expected_holders.items()}

        for kind in {r.kind for r in contract.reports}:
            eligible = [
                (r.received, i)
                for i, r in enumerate(contract.reports)
                if r.kind == kind and r.received <= as_of
            ]
            latest = contract.latest(as_of).get(kind)
            if eligible:
                assert latest is contract.reports[max(eligible)[1]]
            else:
                assert latest is None

        for forum in {r.forum for r in contract.reviews}:
            eligible = [
                (r.date, i)
                for i, r in enumerate(contract.reviews)
                if r.forum == forum and r.date <= as_of
            ]
            last = contract.last_review(as_of).get(forum)
            assert last is (contract.reviews[max(eligible)[1]] if eligible else None)

        paid = sorted(t.amount for t in contract.transactions if t.date <= as_of)
        assert math.isclose(contract.spent(as_of), sum(paid), rel_tol=1e-9, abs_tol=1e-6)


def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*path, index))
    return found


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.just("2026-02-30"),
    st.just([]),
    st.just({}),
    st.just({"id": 5}),
    st.just([{"x": 1}]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios(), st.data())
def test_mutated_documents_raise_only_accountframe_errors(
    portfolio: af.Portfolio, data: st.DataObject
) -> None:
    document = json.loads(portfolio.to_json())
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        path = data.draw(st.sampled_from(_paths(document)))
        if not path:
            document = copy.deepcopy(data.draw(JUNK))
            continue
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = data.draw(st.sampled_from(["replace", "delete", "unknown-key"]))
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(data.draw(JUNK))
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(st.text(min_size=1, max_size=8))] = copy.deepcopy(data.draw(JUNK))
    for text, name in (
        (json.dumps(document), "p.json"),
        (yaml.safe_dump(document, allow_unicode=True), "p.yaml"),
    ):
        error = _error_of(
            lambda: portfolio_from_document(
                parse_document(text, file=name, error=af.PortfolioError)  # noqa: B023
            )
        )
        assert error is None or str(error)  # every error says something
    error = _error_of(lambda: af.Portfolio.from_dict(document))
    if error is not None:
        assert isinstance(error, af.PortfolioError)
        assert all(d.location.path or d.location.file is None for d in error.diagnostics)


def _error_of(action: Callable[[], object]) -> af.AccountframeError | None:
    """Run `action`; return the AccountframeError it raised. Any other exception propagates."""
    try:
        action()
    except af.AccountframeError as error:
        return error
    return None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_bytes_raise_only_accountframe_errors(raw: bytes) -> None:
    error = _error_of(
        lambda: portfolio_from_document(parse_document(raw, file="p.yaml", error=af.PortfolioError))
    )
    assert error is None or (isinstance(error, af.PortfolioError) and error.diagnostics)


def _decimals(value: Any) -> Any:
    """`value` with every float written as the Decimal of its shortest repr."""
    from decimal import Decimal

    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {key: _decimals(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decimals(item) for item in value]
    return value


@SETTINGS
@given(portfolios())
def test_decimal_amounts_give_the_same_portfolio(portfolio: af.Portfolio) -> None:
    """Amounts given as Decimals (issue 24) read as the doubles they name: the same portfolio,
    the same digest."""
    again = af.Portfolio.from_dict(_decimals(portfolio.to_dict()))
    assert again == portfolio
    assert again.digest == portfolio.digest
