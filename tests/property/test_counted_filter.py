"""`xs.filter(x, p).size()` (and `size(xs.filter(x, p))`) is evaluated by the filter's own loop,
which gives the count (`cel._macros.build_filter(..., counted=True)`): the same result, or the
same error, as making the filtered list and then taking its size.

The reference is the same expression with `[xs.filter(x, p)][0]` for the filter, which gives the
same list (or fails the same way) but is not a macro call, so it is not counted in the loop.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountframe import cel
from accountframe.errors import CelEvaluationError
from conftest import cel_outcome

PREDICATES = [
    "x > 1",
    "x == 'a'",
    "x",  # not a bool for most items: an error
    "10 / x > 2",  # an error for 0
    "x.p == 1",  # an error for anything but a map with p
    "true",
    "false",
]
items = st.one_of(
    st.integers(-2, 3),
    st.sampled_from(["a", "b", True, None, 1.5]),
    st.dictionaries(st.sampled_from(["p", "q"]), st.integers(0, 2), max_size=2),
)
targets = st.one_of(
    st.lists(items, max_size=5),
    st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(0, 2), max_size=3),
    st.sampled_from([1, "ab", None]),  # not a list or a map: filter has no overload
)
bindings = st.one_of(st.builds(lambda xs: {"xs": xs}, targets), st.just({}))


@settings(max_examples=400, deadline=None)
@given(variables=bindings, predicate=st.sampled_from(PREDICATES), method=st.booleans())
def test_a_counted_filter_is_the_size_of_the_filtered_list(
    variables: dict[str, Any], predicate: str, method: bool
) -> None:
    listed = f"xs.filter(x, {predicate})"
    expression = f"{listed}.size()" if method else f"size({listed})"
    reference = f"[{listed}][0].size()"
    assert cel_outcome(expression, variables) == cel_outcome(reference, variables)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("xs.filter(x, x > 1).size()", ("value", 2)),
        ("size(xs.filter(x, x > 1))", ("value", 2)),
        ("xs.filter(x, x > 1).size() >= 2 && xs.filter(x, x > 5).size() == 0", ("value", True)),
        ("m.filter(k, k != 'a').size()", ("value", 1)),
        ("xs.filter(x, x / 0 > 1).size()", ("error", "division by zero")),
        (
            "xs.filter(x, x).size()",
            ("error", "the condition of .filter() must be a bool (got int)"),
        ),
        (
            "xs.filter(x, x > 1, 3).size()",
            ("error", "no matching overload for 'filter': expected .filter(variable, ...)"),
        ),
        ("xs.map(x, x * 2).size()", ("value", 3)),  # not a filter: the ordinary size
    ],
)
def test_counted_filters(expression: str, expected: tuple[str, Any]) -> None:
    assert cel_outcome(expression, {"xs": [1, 2, 3], "m": {"a": 1, "b": 2}}) == expected


def test_a_counted_filter_spends_the_iteration_budget_as_the_filter_does() -> None:
    limits = cel.Limits(max_iterations=3)
    for expression in ("xs.filter(x, x > 1).size()", "[xs.filter(x, x > 1)][0].size()"):
        with pytest.raises(CelEvaluationError, match="evaluation budget exceeded"):
            cel.compile(expression, limits=limits).evaluate({"xs": [1, 2, 3, 4]})
        assert cel.compile(expression, limits=limits).evaluate({"xs": [1, 2, 3]}) == 2
