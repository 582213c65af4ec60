"""Properties of the CEL boundary: round trips, and only CelError ever escapes."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountframe import cel
from accountframe.errors import CelCompileError, CelError

SETTINGS = settings(max_examples=60, deadline=None)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.binary(max_size=20),
    st.datetimes(
        min_value=datetime.datetime(1, 1, 2),
        max_value=datetime.datetime(9999, 12, 30),
        timezones=st.just(datetime.UTC),
    ),
    st.timedeltas(
        min_value=datetime.timedelta(days=-3_652_000), max_value=datetime.timedelta(days=3_652_000)
    ),
)
plain_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left):
        return math.isnan(right)
    if isinstance(left, list):
        return isinstance(right, list) and len(left) == len(right) and all(map(same, left, right))
    if isinstance(left, dict):
        return (
            isinstance(right, dict)
            and left.keys() == right.keys()
            and all(same(v, right[k]) for k, v in left.items())
        )
    return type(left) is type(right) and left == right


@SETTINGS
@given(st.text(max_size=200))
def test_compile_raises_only_compile_errors(source: str) -> None:
    failure: CelCompileError | None = None
    try:
        program = cel.compile(source)
    except CelCompileError as error:
        failure = error
    if failure is None:
        assert program.source == source
    else:
        assert failure.diagnostic.code in {"af-cel-syntax", "af-cel-limit"}


@SETTINGS
@given(plain_values)
def test_plain_values_round_trip(value: Any) -> None:
    assert same(value, cel.compile("x").evaluate({"x": value}))


OPERANDS = ["x", "y", "1", "2.5", "'a'", "b'z'", "null", "true", "[x, y]", "{'k': x}",
            "days(x)", "date(y)", "duration(y)", "timestamp(y)", "size(y)", "int(y)",
            "uint(x)", "double(y)", "string(x)", "bytes(y)", "bool(y)", "type(x) == int",
            "x[y]", "x.k", "has(x.k)", "{x: y}", "y.matches(y)", "x.getHours(y)",
            "x.getDayOfWeek()", "[x, y].exists_one(v, v)", "[x, y].map(v, v)", "1u",
            "-9223372036854775808", "days_between(x, y)"]  # fmt: skip
OPERATORS = ["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||", "in"]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 2 or draw(st.booleans()):
        return draw(st.sampled_from(OPERANDS))
    kind = draw(st.sampled_from(["binary", "not", "ternary", "macro", "call"]))
    left = draw(expressions(depth + 1))
    if kind == "binary":
        return f"({left} {draw(st.sampled_from(OPERATORS))} {draw(expressions(depth + 1))})"
    if kind == "not":
        return f"!{left}"
    if kind == "ternary":
        return f"({left} ? {draw(expressions(depth + 1))} : {draw(expressions(depth + 1))})"
    if kind == "macro":
        return f"[{left}].all(v, v {draw(st.sampled_from(OPERATORS))} {left})"
    return f"add_months({left}, {draw(expressions(depth + 1))})"


@pytest.mark.parametrize("engine", cel.ENGINES)
@SETTINGS
@given(expressions(), scalars, st.one_of(scalars, st.text(max_size=30)))
def test_evaluation_raises_only_cel_errors(engine: cel.Engine, source: str, x: Any, y: Any) -> None:
    program = cel.compile(source, engine=engine)
    failure: CelError | None = None
    try:
        program.evaluate({"x": x, "y": y})
    except CelError as error:
        failure = error
    assert failure is None or failure.cel_message
