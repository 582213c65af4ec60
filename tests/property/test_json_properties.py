"""`accountframe.jsontext.dumps` writes the text `json.dumps(..., indent=..., ensure_ascii=False)`
writes, for any value: plain JSON values (any Unicode, -0.0, 1e300, whole numbers of any size)
and values it leaves to `json.dumps` (tuples, str and int subclasses, non-str keys, dates,
numbers too long to write), where both must fail alike if either does; except for its two
documented differences: NaN and the infinities are the strings `"NaN"`, `"Infinity"`,
`"-Infinity"`, and DEL, C1 controls, bidi controls, U+2028/U+2029 and lone surrogates are `\\u`
escapes."""

from __future__ import annotations

import datetime
import json
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountframe import jsontext

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Text(str):
    pass


class Number(int):
    pass


ODD = [-0.0, 1e300, math.nan, math.inf, -math.inf, 10**400, Text("t"), Number(3)]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from([*ODD, datetime.date(2026, 1, 1)])
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=4).map(tuple)
        | st.dictionaries(st.text(max_size=4), children, max_size=4)
        | st.dictionaries(st.integers() | st.booleans() | st.none(), children, max_size=2)
    ),
    max_leaves=20,
)


# The characters jsontext writes as escapes, as its docstring lists them.
UNSAFE = re.compile("[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
NOT_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def documented(value: Any) -> Any:
    """`value` with each float that is not finite replaced by the string jsontext writes."""
    if isinstance(value, float) and not math.isfinite(value):
        return NOT_FINITE[float.__repr__(value)]
    if isinstance(value, dict):
        return {key: documented(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [documented(item) for item in value]
    return value


def json_dumps_documented(value: Any, indent: int | None) -> str:
    text = json.dumps(documented(value), indent=indent, ensure_ascii=False)
    return UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def outcome(write: Any) -> Any:
    try:
        return write()
    except (TypeError, ValueError) as error:  # both must fail alike
        return type(error)


@SETTINGS
@given(values, st.sampled_from([None, 0, 1, 2, 4]))
def test_the_text_is_json_dumps_text(value: Any, indent: int | None) -> None:
    expected = outcome(lambda: json_dumps_documented(value, indent))
    actual = outcome(lambda: jsontext.dumps(value, indent))
    assert actual == expected
    if isinstance(actual, str):
        # Standard JSON (no NaN), UTF-8 encodable, and it reads back as the value.
        parsed = json.loads(actual.encode(), parse_constant=pytest.fail)
        assert parsed == json.loads(json.dumps(documented(value), ensure_ascii=True))
        assert not UNSAFE.search(actual)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (math.nan, '"NaN"'),
        ([math.inf, -math.inf], '["Infinity", "-Infinity"]'),
        ({"amount": math.inf, "ok": 1.5}, '{"amount": "Infinity", "ok": 1.5}'),
        ((math.nan,), '["NaN"]'),
        ("\x9b2J \u202e \udc80 \u2028 é \x1b", '"\\u009b2J \\u202e \\udc80 \\u2028 é \\u001b"'),
    ],
)
def test_the_documented_differences(value: Any, text: str) -> None:
    assert jsontext.dumps(value, None) == text
    indented = jsontext.dumps(value, 2)  # the fast writer's own path
    assert json.loads(indented, parse_constant=pytest.fail) == json.loads(text)
    assert UNSAFE.search(indented) is None


def test_a_circular_value_fails_as_in_json_dumps() -> None:
    value: list[Any] = []
    value.append(value)
    assert outcome(lambda: jsontext.dumps(value)) is ValueError


def test_a_number_too_long_to_write_fails_as_in_json_dumps() -> None:
    assert outcome(lambda: jsontext.dumps({"n": [10**5000]})) is ValueError
    assert outcome(lambda: json.dumps({"n": [10**5000]}, indent=2)) is ValueError
