"""`Program._evaluate_each`: a condition evaluated per event in one call, as `counts_if` is.

It must give exactly what evaluating item by item gives whenever every item gives a bool, and
decline (None, nothing raised) otherwise, so that evaluation item by item names the problem.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cel_differential import BINDINGS, bools, ints

from accountframe import cel
from accountframe.errors import CelError

#: Conditions on `x` (compared with an int expression, which may read `x` too), alone or with
#: any other condition (which may bind its own `x` in a macro).
ON_X = st.builds(
    lambda comparison, other: f"x {comparison} {other}",
    st.sampled_from(["<", "<=", "==", "!=", ">", ">="]),
    ints(1, ("x",)),
)
CONDITIONS = ON_X | st.builds(
    lambda first, operator, second: f"({first}) {operator} ({second})",
    ON_X,
    st.sampled_from(["&&", "||"]),
    st.integers(0, 2).flatmap(lambda depth: bools(depth, ("x",))),
)
ITEMS = st.lists(st.integers(-20, 20) | st.sampled_from([2**63 - 1, -(2**63)]), max_size=6)


def one_by_one(program: cel.Program, bound: cel.Bindings, items: list[Any]) -> list[Any] | None:
    """Each item's result, evaluated on its own; None when one fails or is not a bool."""
    results = []
    for item in items:
        try:
            result = program.evaluate(bound.merged({"x": item}))
        except CelError:
            return None
        if type(result) is not bool:
            return None
        results.append(result)
    return results


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=CONDITIONS, values=BINDINGS, items=ITEMS)
def test_each_is_item_by_item(source: str, values: dict[str, Any], items: list[int]) -> None:
    program = cel.compile(source)
    bound = cel.bindings(values)
    assert program._evaluate_each(bound, "x", items) == one_by_one(program, bound, items)


def test_each_declines_what_is_not_a_bool_or_fails() -> None:
    bound = cel.bindings({"n": 0})
    assert cel.compile("x > n")._evaluate_each(bound, "x", [1, -1]) == [True, False]
    assert cel.compile("x > n")._evaluate_each(bound, "x", []) == []
    assert cel.compile("x + n")._evaluate_each(bound, "x", [1]) is None
    assert cel.compile("x / n > 0")._evaluate_each(bound, "x", [1]) is None
    assert cel.compile("x > n")._evaluate_each(bound, "x", [1, "a"]) is None  # no overload
    assert cel.compile("x > n", engine="celpy")._evaluate_each(bound, "x", [1]) is None


def test_each_gives_every_item_its_own_budget() -> None:
    limits = cel.Limits(max_iterations=3)
    program = cel.compile("[1, 2, 3].exists(v, v == x)", limits=limits)
    bound = cel.bindings({})
    # Three iterations for each item that is not found: over the budget if it were shared.
    assert program._evaluate_each(bound, "x", [0, 0, 0, 3]) == [False, False, False, True]
    over = cel.compile("[1, 2, 3, 4].exists(v, v == x)", limits=limits)
    assert over._evaluate_each(bound, "x", [9]) is None  # the budget is still kept


def test_each_leaves_the_bindings_as_they_were() -> None:
    bound = cel.bindings({"xs": [1, 2], "x": 7})
    program = cel.compile("xs.exists(x, x == 2) && x > 0")
    assert program._evaluate_each(bound, "x", [1, -1]) == [True, False]
    assert dict(bound) == {"xs": [1, 2], "x": 7}
