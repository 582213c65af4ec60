"""`accountframe.load.digest`: the fast canonical JSON is the reference's, text for text.

The bundled and generated portfolios must be written by the fast writer itself; values it does
not take must fall back to the reference (and give its digest); edge values that compare equal
but are written differently (0.0 and -0.0), or that json spells its own way (NaN, Infinity),
must come out as json writes them, even side by side in one column.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

import accountframe as af
from accountframe.load.digest import Declined, canonical_json, portfolio_digest, reference_digest
from accountframe.load.ocds import to_portfolio
from conftest import shared_data

ROOT = Path(__file__).resolve().parents[2]
D = datetime.date(2026, 1, 2)
EXAMPLES = sorted(
    [
        *ROOT.glob("policies/examples/*.yaml"),
        *ROOT.glob("policies/*/tests/fixtures/*.yaml"),
        *ROOT.glob("tests/golden/evaluate/*/portfolio.yaml"),
        ROOT / "tests/golden/validate/valid/portfolio.yaml",
    ]
)
OCDS = sorted((ROOT / "tests" / "fixtures" / "ocds").glob("*.json*"))
REAL_OCDS = shared_data() / "ocds"


def reference_text(portfolio: af.Portfolio) -> str:
    return json.dumps(portfolio.to_dict(), sort_keys=True, ensure_ascii=False, default=str)


def assert_fast_and_exact(portfolio: af.Portfolio) -> None:
    assert canonical_json(portfolio, af.Portfolio) == reference_text(portfolio)
    assert portfolio.digest == reference_digest(portfolio)


def test_the_examples_are_found() -> None:
    assert len(EXAMPLES) >= 5
    assert OCDS


@pytest.mark.parametrize("path", EXAMPLES, ids=[str(p.relative_to(ROOT)) for p in EXAMPLES])
def test_bundled_portfolios(path: Path) -> None:
    assert_fast_and_exact(af.load_portfolio(path))


@pytest.mark.parametrize("path", OCDS, ids=[p.name for p in OCDS])
def test_ocds_imported_portfolios(path: Path) -> None:
    assert_fast_and_exact(to_portfolio([path]).portfolio)


@pytest.mark.skipif(
    not REAL_OCDS.is_dir(),
    reason=f"shared OCDS data not found at {REAL_OCDS} (set ACCOUNTFRAME_SHARED_DATA)",
)
def test_the_real_ocds_data_imported_as_one_portfolio() -> None:
    files = sorted(p for p in REAL_OCDS.rglob("*") if p.suffix in {".json", ".jsonl"})
    portfolio = to_portfolio(files).portfolio
    assert len(portfolio.contracts) > 100
    assert_fast_and_exact(portfolio)


@pytest.fixture(scope="module")
def generate() -> Any:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate", module)
    spec.loader.exec_module(module)
    return module.generate


@pytest.mark.parametrize("seed", [1, 2026, 7])
def test_generated_portfolios(generate: Any, seed: int) -> None:
    assert_fast_and_exact(af.Portfolio.from_dict(generate(50, seed)))


def test_the_digest_of_an_empty_portfolio_is_unchanged() -> None:
    # A fixed value: the digest's definition must not drift with the implementation.
    text = '{"accountframe": "portfolio/1", "organisation": "A"}'
    assert canonical_json(af.Portfolio("A"), af.Portfolio) == text
    assert af.Portfolio("A").digest == reference_digest(af.Portfolio("A"))


NAN, INF = math.nan, math.inf
# Pairs of values for one column, side by side: equal but written differently, or spelled by
# json its own way, or not the annotated type at all.
FLOAT_PAIRS = [
    (0.0, -0.0),
    (-0.0, 0.0),
    (-0.0, -0.0),
    (NAN, NAN),
    (INF, -INF),
    (1e300, 5e-324),
    (1e16, 0.1),
    (1, 1.0),
    (True, 1.0),
    (10**40, None),
]


@pytest.mark.parametrize("pair", FLOAT_PAIRS, ids=repr)
def test_float_columns(pair: tuple[Any, Any]) -> None:
    first, second = pair
    report = af.Report(
        "performance",
        D,
        kpis=[af.KPI("a", target=first, actual=second), af.KPI("b", target=second, actual=first)],
        figures={"x": first, "y": second} if second is not None else {"x": first},
    )
    contract = af.Contract(
        "C1",
        "T",
        af.Stage.LIVE,
        value=af.Value(total=first, annual=second),
        transactions=[af.Transaction(D, first), af.Transaction(D, second or 0.0)],
        amendments=[af.Amendment(D, value_change=first), af.Amendment(D, value_change=second)],
        reports=[report],
        attributes={"n": [first, second]},
    )
    portfolio = af.Portfolio("A", contracts=[contract, contract])
    assert portfolio_digest(portfolio, af.Portfolio) == reference_digest(portfolio)
    if all(type(v) in (float, type(None)) for v in pair):
        assert canonical_json(portfolio, af.Portfolio) == reference_text(portfolio)


STRINGS = ['"', "\\", "\x00\x01\x1f\x7f", "\u2028", "é😀", "", " ", "GBP", "gbp"]


def test_string_columns() -> None:
    contracts = [
        af.Contract(
            f"C{i}{text}",
            text or "t",
            af.Stage.LIVE,
            supplier=text,
            tier=None if i % 2 else text,
            value=af.Value(currency=text),
            reviews=[af.Review(D, "f", chair=text, attendees=[text, text], notes=text)],
            attributes={text: text, "k" + text: [text]},
        )
        for i, text in enumerate(STRINGS)
    ]
    assert_fast_and_exact(af.Portfolio("A", roles={t: t for t in STRINGS}, contracts=contracts))


def test_defaults_written_out_are_left_out_as_unstructure_does() -> None:
    contract = af.Contract(
        "C1",
        "T",
        af.Stage.LIVE,
        strategic=False,
        value=af.Value(currency="GBP"),
        reports=[af.Report("k", D, source=af.Source.SUPPLIER, verified=False, figures={})],
        reviews=[af.Review(D, "f", notes="", attendees=())],
    )
    text = canonical_json(af.Portfolio("A", contracts=[contract]), af.Portfolio)
    assert text == reference_text(af.Portfolio("A", contracts=[contract]))
    assert '"value"' not in text
    assert '"strategic"' not in text
    assert '"notes"' not in text


class Shown:
    def __str__(self) -> str:
        return "shown"


class Text(str):
    pass


class Sub(af.Portfolio):
    pass


@pytest.mark.parametrize(
    "portfolio",
    [
        af.Portfolio("A", people=[af.Person("p", "P", attributes={"x": Shown()})]),
        af.Portfolio("A", contracts=[af.Contract("C", "T", af.Stage.LIVE, attributes={1: "a"})]),
        af.Portfolio("A", contracts=[af.Contract("C", Text("T"), af.Stage.LIVE)]),
        Sub("A"),
    ],
    ids=["object", "int-key", "str-subclass", "portfolio-subclass"],
)
def test_what_the_fast_writer_does_not_take_falls_back_to_the_reference(
    portfolio: af.Portfolio,
) -> None:
    with pytest.raises(Declined):
        canonical_json(portfolio, af.Portfolio)
    assert portfolio_digest(portfolio, af.Portfolio) == reference_digest(portfolio)
    assert portfolio.digest == reference_digest(portfolio)


def test_values_of_another_type_than_annotated_are_written_one_by_one() -> None:
    contract = af.Contract("C", "T", "live", strategic=0, value=None)  # type: ignore[arg-type]
    assert_fast_and_exact(
        af.Portfolio("A", contracts=[contract, af.Contract("D", "T", af.Stage.EXIT)])
    )


def test_free_values_unstructured_as_the_reference_does() -> None:
    attributes = {
        "date": D,
        "datetime": datetime.datetime(2026, 1, 2, 3, 4, 5),
        "enum": af.Stage.EXIT,
        "tuple": (1, (2, [3])),
        "period": af.Period(D, D),
        "nested": {"b": {"a": [None, True, 2**70]}},
    }
    portfolio = af.Portfolio("A", people=[af.Person("p", "P", attributes=attributes)])
    assert_fast_and_exact(portfolio)


def test_a_string_utf8_cannot_hold_fails_alike() -> None:
    portfolio = af.Portfolio("\ud800")
    with pytest.raises(UnicodeEncodeError):
        reference_digest(portfolio)
    with pytest.raises(UnicodeEncodeError):
        portfolio_digest(portfolio, af.Portfolio)
