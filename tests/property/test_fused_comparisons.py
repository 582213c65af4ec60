"""A one-field selection compared with a constant (`f.p == "a"`, `f.p != 1`, `f.p in ["a"]`)
is evaluated by one fused closure (`cel._operators.equal_constant`, `membership`): the same
result, or the same error, as the selection and the comparison made apart.

The reference is the same expression with `[f.p][0]` for `f.p`, which reads the same value
(or fails the same way) but is not a one-field selection, so it is not fused.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import cel_outcome

CONSTANTS = ['"a"', '""', "1", "0", "1u", "1.0", "-2.5", "true", "false", "null", 'b"a"']
LISTS = ['["a", "b"]', "[1, 2]", '["a"]', "[0]"]
OPERATORS = ["==", "!="]

scalars = st.one_of(
    st.sampled_from(["a", "b", "", 1, 0, 2, 1.0, -2.5, True, False, None, b"a"]),
    st.integers(-3, 3),
    st.just(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)),
    st.just(datetime.timedelta(days=1)),
)
values = st.one_of(scalars, st.lists(scalars, max_size=2))
# What `f` may be: a map with or without `p`, or not a map at all; or absent.
targets = st.one_of(
    st.dictionaries(st.sampled_from(["p", "q"]), values, max_size=2),
    scalars,
    st.lists(scalars, max_size=1),
)
bindings = st.one_of(st.builds(lambda f: {"f": f}, targets), st.just({}))


def unfused(expression: str) -> str:
    return expression.replace("f.p", "[f.p][0]")


@settings(max_examples=400, deadline=None)
@given(
    variables=bindings,
    operator=st.sampled_from(OPERATORS),
    constant=st.sampled_from(CONSTANTS),
    constant_first=st.booleans(),
)
def test_a_fused_equality_is_the_comparison_of_the_selection(
    variables: dict[str, Any], operator: str, constant: str, constant_first: bool
) -> None:
    expression = f"{constant} {operator} f.p" if constant_first else f"f.p {operator} {constant}"
    assert cel_outcome(expression, variables) == cel_outcome(unfused(expression), variables)


@settings(max_examples=300, deadline=None)
@given(variables=bindings, container=st.sampled_from(LISTS))
def test_a_fused_membership_is_the_membership_of_the_selection(
    variables: dict[str, Any], container: str
) -> None:
    expression = f"f.p in {container}"
    assert cel_outcome(expression, variables) == cel_outcome(unfused(expression), variables)


@pytest.mark.parametrize(
    ("expression", "variables", "expected"),
    [
        ('f.p == "a"', {"f": {"p": "a"}}, ("value", True)),
        ('f.p != "a"', {"f": {"p": "b"}}, ("value", True)),
        ("f.p == 1", {"f": {"p": 1.0}}, ("value", True)),  # heterogeneous equality
        ("f.p == 1", {"f": {"p": "1"}}, ("value", False)),
        ("f.p in [1, 2]", {"f": {"p": 2.0}}, ("value", True)),
        ('f.p in ["a"]', {"f": {"p": 1}}, ("value", False)),
        ("f.q == 1", {"f": {"p": 1}}, ("error", "no such member in mapping: 'q'")),
        ("f.p == 1", {"f": 3}, ("error", "type 'int' does not support field selection")),
        ("g.p == 1", {}, ("error", "undeclared reference to 'g'")),
        ("int.p == 1", {}, ("error", "type 'type' does not support field selection")),
    ],
)
def test_fused_comparisons(
    expression: str, variables: dict[str, Any], expected: tuple[str, Any]
) -> None:
    assert cel_outcome(expression, variables) == expected
    assert cel_outcome(unfused(expression), variables) == expected
