"""OCDS import guarantees: any JSON-like input gives a valid portfolio, and nothing else escapes."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.load.ocds import to_portfolio

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
# Keys OCDS readers look at, so that generated documents reach the mapping code.
keys = st.sampled_from(
    [
        "ocid",
        "id",
        "date",
        "tag",
        "releases",
        "records",
        "compiledRelease",
        "contracts",
        "awards",
        "awardID",
        "title",
        "status",
        "value",
        "amount",
        "currency",
        "period",
        "startDate",
        "endDate",
        "implementation",
        "transactions",
        "documents",
        "amendments",
        "amendment",
        "metrics",
        "observations",
        "measureClassification",
        "noticeType",
        "datePublished",
        "suppliers",
        "parties",
        "roles",
        "name",
        "publisher",
        "buyer",
        "performanceFailures",
        "tender",
    ]
) | st.text(max_size=6)
json_like = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(documents=st.lists(json_like, max_size=3))
def test_any_json_gives_a_valid_portfolio_or_an_accountframe_error(documents: list[Any]) -> None:
    try:
        result = to_portfolio(documents)  # type: ignore[arg-type]
    except af.AccountframeError:
        return
    portfolio = result.portfolio
    assert af.Portfolio.from_dict(portfolio.to_dict()) == portfolio
    ids = [contract.id for contract in portfolio.contracts]
    assert len(ids) == len(set(ids))
    assert sum(c.contracts for c in result.summary.publishers.values()) == len(ids)


@settings(max_examples=100, deadline=None)
@given(document=json_like)
def test_import_is_deterministic(document: Any) -> None:
    first = to_portfolio([{"releases": [document]}])
    assert to_portfolio([{"releases": [document]}]) == first


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200) | json_like.map(lambda d: json.dumps(d).encode()))
def test_any_file_gives_a_portfolio_or_an_ocds_error(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "data.json")
        path.write_bytes(raw)
        try:
            result = to_portfolio([path])
        except af.OcdsError as error:
            diagnostics = error.diagnostics
            assert diagnostics, "an OcdsError names its problem"
            return
    assert af.Portfolio.from_dict(result.portfolio.to_dict()) == result.portfolio


@settings(max_examples=100, deadline=None)
@given(documents=st.lists(json_like, max_size=2))
def test_written_yaml_loads_back(documents: list[Any]) -> None:
    try:
        result = to_portfolio(documents)  # type: ignore[arg-type]
    except af.AccountframeError:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "portfolio.yaml")
        path.write_text(
            yaml.safe_dump(result.portfolio.to_dict(), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        assert af.load_portfolio(path) == result.portfolio
