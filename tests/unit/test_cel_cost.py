"""The CEL cost model (`cel.Limits.max_cost`, `max_value_size`): what one evaluation may spend
and make, in both engines, and what an assessment does beyond it (an `error` finding)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

import accountframe as af
from accountframe import cel
from accountframe.cel._cost import TEXT_UNIT, call_units, scan_units, size_units
from accountframe.errors import CelEvaluationError

ENGINES = pytest.mark.parametrize("engine", cel.ENGINES)
ROOT = Path(__file__).resolve().parents[2]
TEN = list(range(10))
NESTED = "l.exists(a, l.exists(b, l.exists(c, l.exists(d, l.exists(e, l.exists(f, {}))))))"


def failure(source: str, values: dict[str, Any], engine: cel.Engine, **limits: int) -> str:
    with pytest.raises(CelEvaluationError) as caught:
        cel.compile(source, engine=engine, limits=cel.Limits(**limits)).evaluate(values)
    return caught.value.cel_message


def test_defaults_and_validation() -> None:
    assert (cel.DEFAULT_LIMITS.max_cost, cel.DEFAULT_LIMITS.max_value_size) == (
        10_000_000,
        1_000_000,
    )
    with pytest.raises(ValueError, match="max_cost must be a positive int"):
        cel.Limits(max_cost=0)
    with pytest.raises(ValueError, match="max_value_size must be a positive int"):
        cel.Limits(max_value_size=True)


# -- the size cap ---------------------------------------------------------------------------


@ENGINES
@pytest.mark.parametrize(
    ("source", "values", "made"),
    [
        pytest.param("s + s", {"s": "x" * 6}, "a string of 12 characters", id="string +"),
        pytest.param("b + b", {"b": b"x" * 6}, "bytes of length 12", id="bytes +"),
        pytest.param("l + l", {"l": TEN[:6]}, "a list of 12 elements", id="list +"),
        pytest.param("string(b)", {"b": b"x" * 11}, "a string of 11 characters", id="string()"),
        pytest.param("bytes(s)", {"s": "é" * 6}, "bytes of length 12", id="bytes()"),
        pytest.param("l.map(x, x)", {"l": [*TEN, 10]}, "a list of 11 elements", id="map"),
        pytest.param("l.filter(x, true)", {"l": [*TEN, 10]}, "a list of 11 elements", id="filter"),
        pytest.param(
            "l.map(x, true, x)", {"l": [*TEN, 10]}, "a list of 11 elements", id="map with filter"
        ),
    ],
)
def test_a_value_made_over_the_cap_is_an_error(
    engine: cel.Engine, source: str, values: dict[str, Any], made: str
) -> None:
    if engine == "celpy" and source.count(",") == 2:
        pytest.skip("cel-python has no three-argument map")
    message = failure(source, values, engine, max_value_size=10)
    assert message == f"value too large: {made}; the limit is 10"


@ENGINES
def test_values_up_to_the_cap_and_given_values_are_not_limited(engine: cel.Engine) -> None:
    limits = cel.Limits(max_value_size=10)
    program = cel.compile("s + s", engine=engine, limits=limits)
    assert program.evaluate({"s": "x" * 5}) == "x" * 10
    # A value bound from outside is data, not made by the expression: no cap applies to it.
    given = cel.compile("size(s) + size(l)", engine=engine, limits=limits)
    assert given.evaluate({"s": "x" * 100, "l": list(range(100))}) == 200
    assert cel.compile("string(s)", engine=engine, limits=limits).evaluate({"s": "x" * 50}) == (
        "x" * 50
    )


@ENGINES
def test_the_cap_is_not_absorbed_by_logic_or_macros(engine: cel.Engine) -> None:
    # `t`, not `true`: `x || true` is `true` without evaluating `x`, as CEL allows.
    values = {"s": "x" * 6, "l": [1, 2], "t": True}
    for source in ("size(s + s) > 0 || t", "l.exists(x, size(s + s) > 0 || t)"):
        assert failure(source, values, engine, max_value_size=10).startswith("value too large")


def test_doubling_definitions_stop_at_the_cap() -> None:
    """40 definitions `dN: dN-1 + dN-1` would make 2**40 characters: an error finding, at once."""
    definitions = {"d0": '"ab"', **{f"d{n}": f"d{n - 1} + d{n - 1}" for n in range(1, 41)}}
    framework = af.Framework(
        name="doubling",
        version="1",
        title="t",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        definitions=definitions,
        policies=[af.Rule(id="R1", title="t", require="size(d40) > 0")],
    )
    portfolio = af.load_portfolio(ROOT / "policies" / "examples" / "ministry-of-example.yaml")
    findings = framework.evaluate(portfolio, as_of=datetime.date(2026, 11, 25)).findings
    assert {finding.status.value for finding in findings} == {"error"}
    # dN holds 2**(N + 1) characters: d19, 1,048,576, is the first over the cap.
    message = findings[0].message
    assert "uses definition 'd19', which failed: value too large: a string of 1,048,576 " in message
    assert message.endswith("characters; the limit is 1,000,000 (at definition d19)")


# -- the cost budget ------------------------------------------------------------------------


def test_the_accountframe_engine_charges_operations_and_iterations_exactly() -> None:
    """`l.all(x, x == x)` over ten: 2 operations outside the body (the macro and `l`), and
    10 iterations of 1 + 3 (`==` and its two operands): 42."""
    program = "l.all(x, x == x)"
    assert cel.compile(program, limits=cel.Limits(max_cost=42)).evaluate({"l": TEN}) is True
    assert failure(program, {"l": TEN}, "accountframe", max_cost=41) == (
        "evaluation budget exceeded: cost over 41"
    )


def test_string_work_costs_one_per_hundred_characters() -> None:
    """The same, comparing two different 1,000-character strings: 10 more per iteration."""
    values = {"l": TEN, "s": "x" * 1_000, "t": "x" * 999 + "y"}
    program = "l.all(x, s != t)"
    assert cel.compile(program, limits=cel.Limits(max_cost=142)).evaluate(values) is True
    assert failure(program, values, "accountframe", max_cost=141).startswith(
        "evaluation budget exceeded"
    )


def test_a_macro_is_charged_for_all_its_elements_when_it_starts() -> None:
    limits = cel.Limits(max_iterations=10)
    program = cel.compile("l.exists(x, x == 0)", limits=limits)
    assert program.evaluate({"l": TEN}) is True
    with pytest.raises(CelEvaluationError, match="more than 10 comprehension iterations"):
        program.evaluate({"l": [*TEN, 10]})  # found at the first element, but 11 to run


@ENGINES
@pytest.mark.parametrize(
    "body",
    [
        pytest.param("s == t", id="comparing long strings"),
        pytest.param("t < s", id="ordering long strings"),
        pytest.param("s.contains(t)", id="contains"),
        pytest.param("s.endsWith(t)", id="endsWith"),
        pytest.param("s.matches('y$')", id="matches"),
        pytest.param("'z' in big", id="in a long list"),
        pytest.param("big == big2", id="comparing long lists"),
        pytest.param("big.contains('z')", id="contains on a list"),
    ],
)
def test_six_nested_macros_over_large_values_stop_at_the_budget(
    engine: cel.Engine, body: str
) -> None:
    """The issue's shape: a million iterations, each scanning a long value. Under the default
    iteration budget; the cost budget stops it (here a smaller one, so the test is quick)."""
    values = {
        "l": TEN,
        "s": "x" * 20_000,
        "t": "x" * 19_999 + "y",
        "big": ["a"] * 2_000,
        "big2": ["a"] * 1_999 + ["b"],
    }
    message = failure(NESTED.format(body), values, engine, max_cost=200_000)
    assert message == "evaluation budget exceeded: cost over 200,000"


@ENGINES
def test_concatenation_in_nested_macros_stops_at_the_cap(engine: cel.Engine) -> None:
    """The issue's other shape: each iteration concatenating a 2 MB string."""
    values = {"l": TEN, "s": "x" * 2_000_000}
    message = failure(NESTED.format("size(s + s) == 0"), values, engine)
    assert message == ("value too large: a string of 4,000,000 characters; the limit is 1,000,000")


@ENGINES
def test_the_budget_is_per_evaluation_and_not_absorbed(engine: cel.Engine) -> None:
    program = cel.compile("l.all(x, x >= 0)", engine=engine, limits=cel.Limits(max_cost=200))
    for _ in range(3):
        assert program.evaluate({"l": TEN}) is True
    over = "l.exists(x, l.exists(y, l.exists(z, x == y && z < 0))) || t"
    assert failure(over, {"l": TEN, "t": True}, engine, max_cost=200).startswith(
        "evaluation budget exceeded: cost over 200"
    )


@ENGINES
def test_the_celpy_engine_counts_iterations_too(engine: cel.Engine) -> None:
    message = failure("l.all(x, l.all(y, true))", {"l": TEN}, engine, max_iterations=100)
    assert message == "evaluation budget exceeded: more than 100 comprehension iterations"


def test_ordinary_expressions_agree_between_engines_within_the_default_budget() -> None:
    values = {"l": list(range(200)), "s": "ab" * 300, "m": {"k": ["a", "b"] * 50}}
    for source in (
        "l.filter(x, x % 2 == 0).map(x, string(x) + s).size()",
        "l.all(x, l.exists(y, y == x))",
        "m.k.exists(v, v + s == 'b' + s) && s.contains('ba') && 'a' in m.k",
    ):
        results = {
            engine: cel.compile(source, engine=engine).evaluate(values) for engine in cel.ENGINES
        }
        assert results["accountframe"] == results["celpy"], source


def test_an_expensive_policy_is_an_error_finding_and_the_others_are_kept() -> None:
    """Five nested macros over ten (111,110 iterations, within the iteration budget), each
    running a body of about 120 operations: over the default cost budget."""
    body = " + ".join(["size(contract.title)"] * 40) + " < 0"
    ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"
    require = body
    for variable in "abcde":
        require = f"{ten}.exists({variable}, {require})"
    framework = af.load_framework(ROOT / "tests" / "fixtures" / "frameworks" / "cli")
    hostile = framework.extend(
        "hostile", policies=[af.Rule(id="R-COST", title="t", require=require)]
    )
    portfolio = af.load_portfolio(ROOT / "tests" / "fixtures" / "portfolios" / "cli.yaml")
    as_of = datetime.date(2026, 11, 25)
    findings = hostile.evaluate(portfolio, as_of=as_of).findings
    costly = [(f.status.value, f.message) for f in findings if f.policy == "R-COST"]
    message = "require failed: evaluation budget exceeded: cost over 10,000,000 (at R-COST.require)"
    assert costly == [("error", message)] * len(portfolio.contracts)
    others = [(f.policy, f.status) for f in findings if f.policy != "R-COST"]
    assert others == [
        (f.policy, f.status) for f in framework.evaluate(portfolio, as_of=as_of).findings
    ]


# -- the units ----------------------------------------------------------------------------


def test_units() -> None:
    assert TEXT_UNIT == 100
    assert size_units(["x" * 250, {"a": [1, 2]}], 10**6) == 2 + 2 + 2 + 2
    assert size_units(list(range(10**6)), 99) == 100  # counting stops past the limit
    assert scan_units(["a"] * 7, "b" * 300, 10**6) == 7 * 4
    assert call_units("contains", ["x" * 1_000, "y"], 10**6) == 10
    assert call_units("contains", [[1] * 5, 1], 10**6) == 5
    assert call_units("startsWith", ["x" * 10_000, "y" * 300], 10**6) == 3
    assert call_units("matches", ["x" * 1_000, "y" * 200], 10**6) == 12
    assert call_units("string", [b"x" * 1_000], 10**6) == 10
    assert call_units("sum", [[1.0] * 250], 10**6) == 250  # one per element (test_cel_sum.py)
