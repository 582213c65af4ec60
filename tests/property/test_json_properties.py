"""`accountframe.jsontext.dumps` writes the text `json.dumps(..., indent=..., ensure_ascii=False)`
writes, for any value: plain JSON values (any Unicode, -0.0, 1e300, whole numbers of any size)
and values it leaves to `json.dumps` (NaN, the infinities, tuples, str and int subclasses,
non-str keys, dates, numbers too long to write), where both must fail alike if either does."""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

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


def outcome(write: Any) -> Any:
    try:
        return write()
    except (TypeError, ValueError) as error:  # both must fail alike
        return type(error)


@SETTINGS
@given(values, st.sampled_from([None, 0, 1, 2, 4]))
def test_the_text_is_json_dumps_text(value: Any, indent: int | None) -> None:
    expected = outcome(lambda: json.dumps(value, indent=indent, ensure_ascii=False))
    assert outcome(lambda: jsontext.dumps(value, indent)) == expected


def test_a_circular_value_fails_as_in_json_dumps() -> None:
    value: list[Any] = []
    value.append(value)
    assert outcome(lambda: jsontext.dumps(value)) is ValueError


def test_a_number_too_long_to_write_fails_as_in_json_dumps() -> None:
    assert outcome(lambda: jsontext.dumps({"n": [10**5000]})) is ValueError
    assert outcome(lambda: json.dumps({"n": [10**5000]}, indent=2)) is ValueError
