"""CEL `sum(list) -> double`, on both engines: values, errors (fail closed), the checker's
types, its cost, and its algebra (hypothesis).

What is compared: `sum(xs)` is the double nearest the exact sum of the elements, each first
converted to double (`float(x)`); that is `math.fsum` of them whenever `fsum` gives a result,
±inf when the exact sum is beyond the double range, NaN with a NaN or with both infinities.
The order of the list does not matter. Every operand is bound as a variable, so nothing is
folded at compile time.
"""

from __future__ import annotations

import datetime
import fractions
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe import cel
from accountframe.cel.types import DOUBLE, DYN, INT, STRING, UINT, Type, list_of
from accountframe.errors import CelEvaluationError

ENGINES = pytest.mark.parametrize("engine", cel.ENGINES)
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
#: No deadline: the first example of a run also compiles the program (celpy takes 0.3 s).
UNTIMED = settings(deadline=None)


def evaluate(source: str, engine: cel.Engine, **values: Any) -> Any:
    return cel.compile(source, engine=engine).evaluate(values)


def same(found: Any, expected: float) -> bool:
    """Equal as doubles, NaN equal to NaN, and the sign of zero aside."""
    if math.isnan(expected):
        return isinstance(found, float) and math.isnan(found)
    return type(found) is float and found == expected


@ENGINES
@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param([], 0.0, id="empty"),
        pytest.param([3], 3.0, id="one-int"),
        pytest.param([1, 2.5], 3.5, id="int-and-double"),
        pytest.param([-2, 0.5, 1.5], 0.0, id="to-zero"),
        pytest.param([0.1] * 10, 1.0, id="exact-not-naive"),  # naively 0.9999999999999999
        pytest.param([1e100, 1.0, -1e100], 1.0, id="cancellation"),
        pytest.param([2**53, 1], 9007199254740992.0, id="rounded-once"),
        pytest.param([2**63 - 1, 2**63 - 1], 1.8446744073709552e19, id="int64-max-twice"),
        pytest.param([1e308, 1e308, -1e308], 1e308, id="partial-overflow"),
        pytest.param([1e308, 1e308], math.inf, id="overflow"),
        pytest.param([-1e308, -1e308], -math.inf, id="negative-overflow"),
        pytest.param(
            [8.988465674311579e307, 8.98846567431158e307], math.inf, id="overflow-by-a-tie"
        ),
        pytest.param([1.7976931348623157e308, 1e291], 1.7976931348623157e308, id="max-rounds-down"),
        pytest.param([math.inf, 1.0], math.inf, id="inf"),
        pytest.param([math.inf, -math.inf], math.nan, id="both-infinities"),
        pytest.param([math.nan, 1.0], math.nan, id="nan"),
    ],
)
def test_sum_of_bound_numbers(engine: cel.Engine, values: list[Any], expected: float) -> None:
    assert same(evaluate("sum(xs)", engine, xs=values), expected)
    assert same(evaluate("xs.sum()", engine, xs=values), expected)  # the method form


@ENGINES
def test_uint_elements_and_computed_lists(engine: cel.Engine) -> None:
    assert evaluate("sum([n, 2u, x])", engine, n=1, x=0.25) == 3.25
    assert evaluate("sum(rows.map(r, r.amount))", engine, rows=[{"amount": 2.5}] * 4) == 10.0
    assert evaluate("sum(xs.filter(x, x > 1))", engine, xs=[1, 2, 3]) == 5.0
    assert evaluate("sum(xs) / double(size(xs))", engine, xs=[1.0, 2.0, 6.0]) == 3.0
    assert evaluate("type(sum(xs)) == double", engine, xs=[1, 2]) is True


@ENGINES
@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param(
            [1, "2"],
            "sum() expects a list of numbers (int, uint or double); element 1 is a string",
            id="string",
        ),
        pytest.param(
            [True],
            "sum() expects a list of numbers (int, uint or double); element 0 is a bool",
            id="bool",
        ),
        pytest.param(
            [1.0, 2.0, None],
            "sum() expects a list of numbers (int, uint or double); element 2 is a null_type",
            id="null",
        ),
        pytest.param(
            [[1, 2]],
            "sum() expects a list of numbers (int, uint or double); element 0 is a list",
            id="nested-list",
        ),
        pytest.param(
            [{"a": 1}],
            "sum() expects a list of numbers (int, uint or double); element 0 is a map",
            id="map-element",
        ),
        pytest.param(
            [datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)],
            "sum() expects a list of numbers (int, uint or double); element 0 is a timestamp",
            id="timestamp",
        ),
        pytest.param("12", "sum() expects (list) (got (string))", id="not-a-list"),
        pytest.param({"a": 1.0}, "sum() expects (list) (got (map))", id="a-map"),
        pytest.param(3.0, "sum() expects (list) (got (double))", id="a-double"),
    ],
)
def test_a_non_number_is_an_error_naming_its_type(
    engine: cel.Engine, values: Any, message: str
) -> None:
    with pytest.raises(CelEvaluationError) as caught:
        evaluate("sum(xs) >= 0.0", engine, xs=values)
    assert caught.value.cel_message == message


@ENGINES
def test_an_error_is_absorbed_only_where_cel_absorbs_errors(engine: cel.Engine) -> None:
    assert evaluate("false && sum(xs) > 0.0", engine, xs=["a"]) is False
    assert evaluate("sum(xs) > 0.0 || true", engine, xs=["a"]) is True
    with pytest.raises(CelEvaluationError):
        evaluate("true && sum(xs) > 0.0", engine, xs=["a"])


def test_an_erroring_sum_gives_an_error_finding_never_pass() -> None:
    framework = af.Framework(
        name="f",
        version="1",
        title="t",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        policies=[
            af.Rule(id="R", title="t", require="sum(contract.attributes.amounts) <= 10.0"),
        ],
    )
    portfolio = af.Portfolio.from_dict(
        {
            "organisation": "A",
            "contracts": [
                {"id": "C1", "title": "t", "stage": "live", "attributes": {"amounts": [1, "x"]}},
                {"id": "C2", "title": "t", "stage": "live", "attributes": {"amounts": [1, 2.5]}},
                {"id": "C3", "title": "t", "stage": "live", "attributes": {"amounts": [9, 2]}},
            ],
        }
    )
    findings = af.compile(framework).evaluate(portfolio, datetime.date(2026, 1, 1)).findings
    assert [f.status.value for f in findings] == ["error", "pass", "fail"]
    assert "element 1 is a string" in findings[0].message


# -- the checker ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "variables", "found"),
    [
        pytest.param("sum(xs)", {"xs": list_of(DOUBLE)}, "double", id="list-double"),
        pytest.param("sum(xs)", {"xs": list_of(INT)}, "double", id="list-int"),
        pytest.param("sum(xs)", {"xs": list_of(DYN)}, "double", id="list-dyn"),
        pytest.param("sum(xs)", {"xs": DYN}, "double", id="dyn"),
        pytest.param("xs.sum()", {"xs": list_of(UINT)}, "double", id="method"),
    ],
)
def test_the_checker_types_sum_as_double(
    source: str, variables: dict[str, Type], found: str
) -> None:
    checked = cel.check(cel.compile(source), variables)
    assert (str(checked.type), checked.diagnostics) == (found, ())


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param('sum("x")', "sum() expects (list) (got (string))", id="string"),
        pytest.param(
            "sum(names)",
            "sum() expects a list of numbers (int, uint or double) (got list(string))",
            id="list-string",
        ),
        pytest.param("sum(xs, xs)", "sum() takes 1 argument (got 2)", id="arity"),
        pytest.param("summ(xs)", "unknown function 'summ' (did you mean 'sum'?)", id="typo"),
    ],
)
def test_the_checker_rejects_what_cannot_be_summed(source: str, message: str) -> None:
    variables = {"xs": list_of(DOUBLE), "names": list_of(STRING)}
    checked = cel.check(cel.compile(source), variables)
    assert [d.message for d in checked.diagnostics] == [message]


# -- cost ----------------------------------------------------------------------------------


@ENGINES
def test_sum_costs_one_per_element(engine: cel.Engine) -> None:
    """In a macro (where the accountframe engine meters: docs/limits.md), `sum(l)` over ten
    costs 10 more than `size(l)`: 17 against 7 for `ls.all(l, ... >= 0)` on both engines."""
    ls = {"ls": [list(range(10))]}
    for source, cost in (("ls.all(l, sum(l) >= 0.0)", 17), ("ls.all(l, size(l) >= 0)", 7)):
        within = cel.compile(source, engine=engine, limits=cel.Limits(max_cost=cost))
        assert within.evaluate(ls) is True
        over = cel.compile(source, engine=engine, limits=cel.Limits(max_cost=cost - 1))
        with pytest.raises(CelEvaluationError) as caught:
            over.evaluate(ls)
        assert caught.value.cel_message == f"evaluation budget exceeded: cost over {cost - 1}"


@ENGINES
def test_summing_long_lists_in_a_macro_is_held_to_the_budget(engine: cel.Engine) -> None:
    lists = {"ls": [[1.0] * 1_000] * 3}
    source = "ls.all(l, sum(l) == 1000.0)"
    within = cel.compile(source, engine=engine, limits=cel.Limits(max_cost=3_100))
    assert within.evaluate(lists) is True
    over = cel.compile(source, engine=engine, limits=cel.Limits(max_cost=2_900))
    with pytest.raises(CelEvaluationError) as caught:
        over.evaluate(lists)
    assert caught.value.cel_message == "evaluation budget exceeded: cost over 2,900"


# -- algebra ---------------------------------------------------------------------------------


def reference(values: list[Any]) -> float:
    """The double nearest the exact sum of the values as doubles (see the module docstring)."""
    doubles = [float(value) for value in values]
    if any(math.isnan(d) for d in doubles) or {math.inf, -math.inf} <= set(doubles):
        return math.nan
    if any(math.isinf(d) for d in doubles):
        return next(d for d in doubles if math.isinf(d))
    exact = sum(map(fractions.Fraction, doubles), fractions.Fraction(0))
    try:
        return float(exact)  # correctly rounded; raises when that rounds beyond the range
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


NUMBERS = st.lists(st.one_of(INT64, st.floats(allow_nan=True, allow_infinity=True)), max_size=12)


@UNTIMED
@given(NUMBERS)
def test_sum_is_the_nearest_double_to_the_exact_sum_on_both_engines(values: list[Any]) -> None:
    expected = reference(values)
    for engine in cel.ENGINES:
        assert same(evaluate("sum(xs)", engine, xs=values), expected), engine


@UNTIMED
@given(st.lists(st.one_of(INT64, st.floats(allow_nan=False, allow_infinity=False)), max_size=12))
def test_sum_is_math_fsum_of_the_doubles_where_fsum_gives_one(values: list[Any]) -> None:
    doubles = [float(value) for value in values]
    try:
        expected = math.fsum(doubles)
    except OverflowError:  # fsum gives up on a partial sum beyond the range; `reference` decides
        expected = reference(values)
    assert same(evaluate("sum(xs)", "accountframe", xs=values), expected)


@UNTIMED
@given(NUMBERS, st.randoms(use_true_random=False))
def test_the_order_of_the_list_does_not_matter(values: list[Any], random: Any) -> None:
    shuffled = list(values)
    random.shuffle(shuffled)
    first = evaluate("sum(xs)", "accountframe", xs=values)
    assert same(evaluate("sum(xs)", "accountframe", xs=shuffled), first)


@UNTIMED
@given(st.lists(st.floats(min_value=-1e12, max_value=1e12), max_size=12))
def test_sum_of_the_amounts_is_what_contract_spent_gives(amounts: list[float]) -> None:
    """`sum(contract.transactions.map(t, t.amount)) == contract.spent`, exactly."""
    contract = af.Contract(
        id="C1",
        title="t",
        stage=af.Stage.LIVE,
        transactions=[af.Transaction(datetime.date(2026, 1, 1), amount) for amount in amounts],
    )
    view = contract.view(datetime.date(2026, 1, 1))
    for engine in cel.ENGINES:
        program = cel.compile("sum(contract.transactions.map(t, t.amount))", engine=engine)
        assert program.evaluate({"contract": view}) == view["spent"]
