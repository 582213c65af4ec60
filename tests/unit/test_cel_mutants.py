"""The CEL engine's run-time (`cel/_runtime.py`, `cel/_lower.py`), pinned where mutation testing
found nothing that would notice a change (benchmarks/mutation.py, `NOTES`).

Every operand that matters is a variable, so that nothing is folded at compile time and the
closures that evaluate real data run. Each table states a behaviour: the exact value, its CEL
type where an `int` and a `uint` would export alike, or the exact error message. With them,
what the issue named and test_cel_fast_paths.py began: `&&` and `||` over an error of every
operand shape the engine lowers apart, the error of the first failing element of every macro,
and overflow on the paths that add durations and timestamps.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
from test_cel_fast_paths import no_overload, outcome, outcome_of

from accountframe import cel
from accountframe.cel.limits import Limits
from accountframe.errors import CelEvaluationError

UTC = datetime.UTC
INT64_MAX, INT64_MIN = 2**63 - 1, -(2**63)
DAY = datetime.timedelta(days=1)
#: CEL's duration range, ±10,000 years (`_runtime.MAX_DURATION`).
MAX_DURATION = datetime.timedelta(seconds=315_576_000_000)


def check(source: str, values: dict[str, Any], expected: Any) -> None:
    got = outcome(source, **values)
    assert got == expected
    # 1 == 1.0 == True in Python: the kind of the value is part of the behaviour.
    assert type(got) is type(expected)


# -- values made from data ---------------------------------------------------------------------

MADE = [
    # A map literal whose keys or values are known only at run time.
    ("{k: v}", {"k": "a", "v": 1}, {"a": 1}),
    ("{k: v, 'b': 2}", {"k": "a", "v": [1]}, {"a": [1], "b": 2}),
    ("{'a': v}.a + 1", {"v": 41}, 42),
    ("{k: 1, k: 2}", {"k": "a"}, ("error", "duplicate map key 'a'")),
    # A uint shows as `5u` in a message; the name of a type is in the message about it.
    ("m[uint(a)]", {"m": {}, "a": 5}, ("error", "no such key: 5u")),
    ("type(a)", {"a": 1}, ("error", "the result is the CEL type int, which has no Python value")),
    (
        "type(a)",
        {"a": DAY},
        ("error", "the result is the CEL type google.protobuf.Duration, which has no Python value"),
    ),
]


@pytest.mark.parametrize(("source", "values", "expected"), MADE)
def test_values_made_from_data(source: str, values: dict[str, Any], expected: Any) -> None:
    check(source, values, expected)


# -- ordering ----------------------------------------------------------------------------------

ORDERING = [
    # Two uints compare exactly, not as doubles (2**53 + 1 is not a double).
    ("uint(a) > uint(b)", {"a": 2**53 + 1, "b": 2**53}, True),
    ("uint(a) <= uint(b)", {"a": 2**53 + 1, "b": 2**53}, False),
    ("uint(a) < uint(b)", {"a": 2**53, "b": 2**53 + 1}, True),
    ("uint(a) >= uint(b)", {"a": 2**53, "b": 2**53 + 1}, False),
    # An int and a double compare as doubles (cel-go's rule).
    ("a < b", {"a": 2**53 + 1, "b": 2.0**53}, False),
    # Each operator names itself when the operands have no ordering.
    ("a > b", {"a": "a", "b": 1}, no_overload(">", "string", "int")),
    ("a <= b", {"a": "a", "b": 1}, no_overload("<=", "string", "int")),
    ("a < b", {"a": 1, "b": "a"}, no_overload("<", "int", "string")),
    ("a >= b", {"a": [1], "b": [1]}, no_overload(">=", "list", "list")),
]


@pytest.mark.parametrize(("source", "values", "expected"), ORDERING)
def test_ordering_at_run_time(source: str, values: dict[str, Any], expected: Any) -> None:
    check(source, values, expected)


# -- has() ---------------------------------------------------------------------------------------

HAS = [
    ("has(a.f)", {"a": {"f": 1}}, True),
    ("has(a.f)", {"a": {"g": 1}}, False),
    # Only a map has fields: not a string that contains the name, not a list.
    ("has(a.f)", {"a": 1}, ("error", "has() needs a map (got int)")),
    ("has(a.f)", {"a": "of"}, ("error", "has() needs a map (got string)")),
    ("has(a.f)", {"a": ["f"]}, ("error", "has() needs a map (got list)")),
]


@pytest.mark.parametrize(("source", "values", "expected"), HAS)
def test_has_tests_a_field_of_a_map_only(
    source: str, values: dict[str, Any], expected: Any
) -> None:
    check(source, values, expected)


# -- % -------------------------------------------------------------------------------------------

MODULO = [
    # The remainder has the sign of the dividend (truncated division, as in C and cel-go).
    ("a % b", {"a": 7, "b": 3}, 1),
    ("a % b", {"a": -7, "b": 3}, -1),
    ("a % b", {"a": 7, "b": -3}, 1),
    ("a % b", {"a": 0, "b": 3}, 0),
    ("a % b", {"a": 1, "b": 0}, ("error", "modulus by zero")),
    # An int for ints, a uint for uints: seen by `type`, and by `+` which takes no mix.
    ("type(a % b) == int", {"a": 7, "b": 3}, True),
    ("type(uint(a) % uint(b)) == uint", {"a": 7, "b": 3}, True),
    ("a % b + 1", {"a": 7, "b": 3}, 2),
    ("uint(a) % uint(b) + uint(1)", {"a": 7, "b": 3}, 2),
    ("a % b", {"a": 1, "b": 1.0}, no_overload("%", "int", "double")),
    ("a % b", {"a": 1.5, "b": 1}, no_overload("%", "double", "int")),
    ("a % b", {"a": 1, "b": True}, no_overload("%", "int", "bool")),
]


@pytest.mark.parametrize(("source", "values", "expected"), MODULO)
def test_modulo_at_run_time(source: str, values: dict[str, Any], expected: Any) -> None:
    check(source, values, expected)


# -- strings: the operand's type is checked before anything runs --------------------------------

STRINGS = [
    ("a.matches(b)", {"a": "abc", "b": 1}, no_overload("matches", "string", "int")),
    ("a.matches(b)", {"a": 1, "b": 1}, no_overload("matches", "int", "int")),
    # RE2's message, in bytes, read as UTF-8: the pattern's characters come back whole.
    (
        "a.matches(b)",
        {"a": "x", "b": "(é"},
        ("error", "invalid regular expression '(é': missing ): (é"),
    ),
    # A lone surrogate is no text RE2 can take (Python's encoder names only the codec).
    (
        "a.matches(b)",
        {"a": "x", "b": "a\ud800"},
        ("error", "invalid regular expression 'a\\ud800': surrogates not allowed at 1"),
    ),
    ("a.startsWith(b)", {"a": 1, "b": "a"}, no_overload("startsWith", "int", "string")),
    ("a.startsWith(b)", {"a": [1], "b": [1]}, no_overload("startsWith", "list", "list")),
    ("a.endsWith(b)", {"a": "abc", "b": 1}, no_overload("endsWith", "string", "int")),
    ("a.contains(b)", {"a": ["a", 1], "b": "a"}, True),
    ("a.contains(b)", {"a": {"k": 1}, "b": "j"}, False),
    ("a.contains(b)", {"a": 1, "b": "a"}, no_overload("contains", "int", "string")),
]


@pytest.mark.parametrize(("source", "values", "expected"), STRINGS)
def test_string_functions_check_their_operands(
    source: str, values: dict[str, Any], expected: Any
) -> None:
    check(source, values, expected)


@pytest.mark.parametrize("source", ["a.matches(b)", "a.matches('(')"])
def test_a_bad_pattern_is_an_error_and_writes_nothing(
    source: str, capfd: pytest.CaptureFixture[str]
) -> None:
    # RE2 logs a bad pattern to stderr unless told not to: a library writes nothing there.
    assert outcome(source, a="abc", b="(") == (
        "error",
        "invalid regular expression '(': missing ): (",
    )
    assert capfd.readouterr() == ("", "")


# -- uint() ------------------------------------------------------------------------------------

UINT_OVERFLOW = ("error", "unsigned integer overflow")
UINT = [
    # From a double: truncated toward zero, within [0, 2**64).
    ("uint(a)", {"a": 0.5}, 0),
    ("uint(a)", {"a": 1.0}, 1),
    ("uint(a)", {"a": 1.9}, 1),
    ("uint(a)", {"a": -0.5}, 0),
    ("uint(a)", {"a": -1.0}, UINT_OVERFLOW),
    ("uint(a)", {"a": 2.0**64}, UINT_OVERFLOW),
    ("uint(a)", {"a": math.inf}, UINT_OVERFLOW),
    ("uint(a)", {"a": -math.inf}, UINT_OVERFLOW),
    ("uint(a)", {"a": math.nan}, UINT_OVERFLOW),
    # From a string: digits only, no sign, at most 40 characters.
    ("uint(a)", {"a": "5"}, 5),
    ("uint(a)", {"a": "18446744073709551615"}, 2**64 - 1),
    ("uint(a)", {"a": "18446744073709551616"}, UINT_OVERFLOW),
    ("uint(a)", {"a": "1" * 40}, UINT_OVERFLOW),
    ("uint(a)", {"a": "1" * 41}, ("error", f"uint() cannot parse '{'1' * 37}...'")),
    ("uint(a)", {"a": "+5"}, ("error", "uint() cannot parse '+5'")),
    ("uint(a)", {"a": "-5"}, ("error", "uint() cannot parse '-5'")),
    ("uint(a)", {"a": "abc"}, ("error", "uint() cannot parse 'abc'")),
    ("uint(a)", {"a": ""}, ("error", "uint() cannot parse ''")),
    # From an int, and nothing else.
    ("uint(a)", {"a": -1}, UINT_OVERFLOW),
    ("type(uint(a)) == uint", {"a": 1}, True),
    ("uint(a)", {"a": [1]}, no_overload("uint", "list")),
    ("uint(a)", {"a": True}, no_overload("uint", "bool")),
]


@pytest.mark.parametrize(("source", "values", "expected"), UINT)
def test_uint_conversions(source: str, values: dict[str, Any], expected: Any) -> None:
    check(source, values, expected)


# -- string(timestamp) -------------------------------------------------------------------------

TIMESTAMPS = [
    (datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05Z"),
    (datetime.datetime(2026, 1, 2, 3, 4, 5, 500_000, tzinfo=UTC), "2026-01-02T03:04:05.5Z"),
    (datetime.datetime(2026, 1, 2, 3, 4, 5, 120, tzinfo=UTC), "2026-01-02T03:04:05.00012Z"),
    # A year before 1000 has four digits still (RFC 3339).
    (datetime.datetime(5, 6, 7, 8, 9, 10, tzinfo=UTC), "0005-06-07T08:09:10Z"),
    (datetime.datetime(999, 12, 31, 0, 0, 0, 250_000, tzinfo=UTC), "0999-12-31T00:00:00.25Z"),
    (datetime.datetime(1000, 1, 1, tzinfo=UTC), "1000-01-01T00:00:00Z"),
]


@pytest.mark.parametrize(("moment", "expected"), TIMESTAMPS)
def test_a_timestamp_as_a_string(moment: datetime.datetime, expected: str) -> None:
    check("string(t)", {"t": moment}, expected)


# -- overflow on every path that adds, other than ints (test_cel_fast_paths.py has those) -------

DURATION_RANGE = ("error", "duration out of range (±10,000 years)")
TIMESTAMP_RANGE = ("error", "timestamp out of range (years 1 to 9999)")
LAST = datetime.datetime(9999, 12, 31, tzinfo=UTC)
FIRST = datetime.datetime(1, 1, 1, tzinfo=UTC)
ADDING = [
    ("a + b", {"a": MAX_DURATION - DAY, "b": DAY}, MAX_DURATION),
    ("a + b", {"a": MAX_DURATION, "b": DAY}, DURATION_RANGE),
    ("a + b", {"a": -MAX_DURATION, "b": -DAY}, DURATION_RANGE),
    ("a - b", {"a": -MAX_DURATION, "b": DAY}, DURATION_RANGE),
    ("a + b", {"a": LAST, "b": DAY}, TIMESTAMP_RANGE),
    ("a + b", {"a": DAY, "b": LAST}, TIMESTAMP_RANGE),
    ("a - b", {"a": FIRST, "b": DAY}, TIMESTAMP_RANGE),
    ("a + b", {"a": LAST - DAY, "b": DAY}, LAST),
    ("xs.map(x, x + d)", {"xs": [DAY, MAX_DURATION], "d": DAY}, DURATION_RANGE),
    # `sum` adds doubles: ints beyond int64 do not overflow, they round.
    ("sum(xs)", {"xs": [INT64_MAX, 1]}, 2.0**63),
    ("sum(xs)", {"xs": [INT64_MIN, -1]}, -(2.0**63)),
    ("xs.map(x, x + 1).size()", {"xs": [INT64_MAX]}, ("error", "integer overflow")),
]


@pytest.mark.parametrize(("source", "values", "expected"), ADDING)
def test_overflow_of_durations_and_timestamps_at_run_time(
    source: str, values: dict[str, Any], expected: Any
) -> None:
    check(source, values, expected)


# -- && and || over the specialised shapes of an operand -----------------------------------------

#: Operands that fail at run time, one per shape the engine lowers to a closure of its own (a
#: field compared with a constant, ordered against one, tested for membership in a constant
#: list, a call, `has()` of a missing map): each is the error named beside it.
FAILING_SHAPES = {
    "m.x == 'a'": "no such member in mapping: 'x'",
    "m.x != 'a'": "no such member in mapping: 'x'",
    "m.x > 1": "no such member in mapping: 'x'",
    "m.x in ['a']": "no such member in mapping: 'x'",
    "size(m.x) > 0": "no such member in mapping: 'x'",
    "has(m.x.y)": "no such member in mapping: 'x'",
    "a / z == 1": "division by zero",
    "a + a > 0": "integer overflow",
}
#: The other side, a variable: (CEL text, its value).
SIDES = {"t": True, "f": False}
#: (operator, the other side's value) → the result, whichever side the error is on: the
#: deciding value absorbs the error (false for &&, true for ||), the other does not.
ABSORBED = {("&&", False): False, ("||", True): True}
LOGIC_SHAPES = [
    (shape, operator, side, error_first)
    for shape in FAILING_SHAPES
    for operator in ("&&", "||")
    for side in SIDES
    for error_first in (True, False)
]


@pytest.mark.parametrize(
    ("shape", "operator", "side", "error_first"),
    LOGIC_SHAPES,
    ids=[
        f"{shape} {op} {side}" if first else f"{side} {op} {shape}"
        for shape, op, side, first in LOGIC_SHAPES
    ],
)
def test_logic_absorbs_an_error_of_every_shape_only_when_decided(
    shape: str, operator: str, side: str, error_first: bool
) -> None:
    source = f"({shape}) {operator} {side}" if error_first else f"{side} {operator} ({shape})"
    values = {"m": {}, "a": INT64_MAX, "z": 0, **SIDES}
    expected = ABSORBED.get((operator, SIDES[side]), ("error", FAILING_SHAPES[shape]))
    check(source, values, expected)


#: Data on which each failing shape is true instead.
GOOD_DATA: dict[str, dict[str, Any]] = {
    "m.x == 'a'": {"m": {"x": "a"}},
    "m.x != 'a'": {"m": {"x": "b"}},
    "m.x > 1": {"m": {"x": 2}},
    "m.x in ['a']": {"m": {"x": "a"}},
    "size(m.x) > 0": {"m": {"x": "a"}},
    "has(m.x.y)": {"m": {"x": {"y": 1}}},
    "a / z == 1": {"a": 1, "z": 1},
    "a + a > 0": {"a": 1},
}


@pytest.mark.parametrize("shape", list(FAILING_SHAPES))
def test_each_failing_shape_gives_its_value_on_good_data(shape: str) -> None:
    # The same shapes, true on data that has what they read: a plain bool to && and ||.
    assert outcome(f"({shape}) && t", t=True, **GOOD_DATA[shape]) is True
    assert outcome(f"f || ({shape})", f=False, **GOOD_DATA[shape]) is True
    assert outcome(f"({shape}) && f", f=False, **GOOD_DATA[shape]) is False


# -- the other macros: the first failing element's error ---------------------------------------

DIVIDE_BY_ZERO = ("error", "division by zero")
STRING_DIVISOR = no_overload("/", "int", "string")
MACRO_ERRORS = [
    (source, items, expected)
    for source in (
        "xs.exists_one(x, 6 / x == 2)",
        "xs.map(x, 6 / x)",
        "xs.filter(x, 6 / x == 2)",
        "xs.filter(x, 6 / x == 2).size()",
    )
    for items, expected in (([0, "a", 3], DIVIDE_BY_ZERO), (["a", 0, 3], STRING_DIVISOR))
] + [
    # The filter of a two-argument map skips an element before its transform can fail.
    ("xs.map(x, x > 0, 6 / x)", [0, 3], [2]),
    ("xs.map(x, x > 0, 6 / x)", [0, "a", 3], no_overload(">", "string", "int")),
]


@pytest.mark.parametrize(("source", "items", "expected"), MACRO_ERRORS)
def test_the_first_failing_element_names_the_error(
    source: str, items: list[Any], expected: Any
) -> None:
    check(source, {"xs": items}, expected)


# -- round 3: _runtime.py ----------------------------------------------------------------------

#: A map's keys from data: a bool key never meets the number 0 or 1 (Python's dict merges them).
MAP_KEYS = [
    ("m[k]", {"m": {1: "a"}, "k": True}, ("error", "no such key: True")),
    ("m[n]", {"m": {True: "a", "s": "b"}, "n": 1}, ("error", "no such key: 1")),
    ("m[n]", {"m": {False: "a", "s": "b"}, "n": 0}, ("error", "no such key: 0")),
    ("m[n]", {"m": {True: "a"}, "n": 1}, ("error", "no such key: 1")),
    ("m[n]", {"m": {False: "x", 1: "a"}, "n": 1}, "a"),
    ("m[n]", {"m": {True: "x", 0: "a"}, "n": 0}, "a"),
    ("m[a]", {"m": {1: "a"}, "a": 1.0}, "a"),
    # A double that is no integer is no key: not an error of Python's int().
    ("m[a]", {"m": {"k": 1}, "a": math.inf}, ("error", "no such key: inf")),
    ("a in m", {"m": {"k": 1}, "a": math.inf}, False),
    ("a in m", {"m": {"k": 1}, "a": math.nan}, False),
]


@pytest.mark.parametrize(("source", "values", "expected"), MAP_KEYS)
def test_map_keys_keep_bools_and_numbers_apart(
    source: str, values: dict[str, Any], expected: Any
) -> None:
    check(source, values, expected)


#: Numbers of different types: equal as doubles when one is a double, exactly otherwise.
MIXED_EQUALITY = [
    ("a == b", {"a": 2**53 + 1, "b": 2.0**53}, True),
    ("a != b", {"a": 2**53 + 1, "b": 2.0**53}, False),
    ("a == uint(b)", {"a": 2**53 + 1, "b": 2**53}, False),
    ("uint(a) == b", {"a": 2**53, "b": 2**53}, True),
    # `in` a list is CEL's equality: a bool is no number, in either place.
    ("a in b", {"a": True, "b": [1]}, False),
    ("a in b", {"a": 1, "b": [True]}, False),
    ("a in b", {"a": 1, "b": [1.0]}, True),
    # Only a key's type can be in a map: anything else is simply not there.
    ("a in m", {"a": None, "m": {"k": 1}}, False),
    ("a in m", {"a": [1], "m": {"k": 1}}, False),
]


@pytest.mark.parametrize(("source", "values", "expected"), MIXED_EQUALITY)
def test_numbers_of_different_types_compare_by_cel_rules(
    source: str, values: dict[str, Any], expected: Any
) -> None:
    check(source, values, expected)


MOMENT = datetime.datetime(2026, 1, 2, tzinfo=UTC)
#: Each operation, given operands it has no overload for, names itself and both types (not a
#: Python TypeError).
OVERLOADS = [
    ("a + b", {"a": MOMENT, "b": 1}, no_overload("+", "timestamp", "int")),
    ("a + b", {"a": 1, "b": MOMENT}, no_overload("+", "int", "timestamp")),
    ("a + b", {"a": DAY, "b": 1}, no_overload("+", "duration", "int")),
    ("a + b", {"a": 1, "b": DAY}, no_overload("+", "int", "duration")),
    ("a - b", {"a": MOMENT, "b": 1}, no_overload("-", "timestamp", "int")),
    ("a - b", {"a": 1, "b": DAY}, no_overload("-", "int", "duration")),
    ("a * b", {"a": 1, "b": 1.5}, no_overload("*", "int", "double")),
    ("a in b", {"a": "x", "b": 5}, no_overload("in", "string", "int")),
    ("xs[a]", {"xs": [1], "a": "x"}, no_overload("[]", "list", "string")),
    ("m[a]", {"m": {"k": 1}, "a": [1]}, no_overload("[]", "map", "list")),
    ("a[b]", {"a": "abc", "b": 0}, no_overload("[]", "string", "int")),
    ("size(a)", {"a": 1}, no_overload("size", "int")),
    ("int(a)", {"a": [1]}, no_overload("int", "list")),
    ("double(a)", {"a": [1]}, no_overload("double", "list")),
    ("string(a)", {"a": [1]}, no_overload("string", "list")),
    ("sum(a)", {"a": 1}, ("error", "sum() expects (list) (got (int))")),
    (
        "sum(xs)",
        {"xs": [1, "a"]},
        ("error", "sum() expects a list of numbers (int, uint or double); element 1 is a string"),
    ),
    ("xs[a]", {"xs": [1], "a": 1.5}, ("error", "invalid list index 1.5")),
]


@pytest.mark.parametrize(("source", "values", "expected"), OVERLOADS)
def test_an_operation_without_an_overload_names_itself_and_the_types(
    source: str, values: dict[str, Any], expected: Any
) -> None:
    check(source, values, expected)


BIG = 1.7e308
#: `sum` past the largest double: fsum overflows, and the exact sum decides.
SUM_OVERFLOW = [
    ("sum(xs)", {"xs": [BIG, BIG]}, math.inf),
    ("sum(xs)", {"xs": [-BIG, -BIG]}, -math.inf),
    ("sum(xs)", {"xs": [BIG, BIG, -BIG]}, BIG),
    ("sum(xs)", {"xs": [BIG, BIG, -BIG, -BIG, 5.0]}, 5.0),
    ("sum(xs)", {"xs": [BIG, BIG, -math.inf]}, -math.inf),
    ("sum(xs)", {"xs": [BIG, BIG, math.inf]}, math.inf),
    ("string(sum(xs))", {"xs": [BIG, BIG, math.nan]}, "nan"),
    ("string(sum(xs))", {"xs": [BIG, BIG, math.inf, -math.inf]}, "nan"),
]


@pytest.mark.parametrize(("source", "values", "expected"), SUM_OVERFLOW)
def test_a_sum_beyond_the_double_range(source: str, values: dict[str, Any], expected: Any) -> None:
    check(source, values, expected)


#: Conversions to and from text; the length limits of int() (40) and double() (400).
CONVERSIONS = [
    ("int(a)", {"a": "0" * 39 + "7"}, 7),
    ("int(a)", {"a": "0" * 40 + "7"}, ("error", f"int() cannot parse '{'0' * 37}...'")),
    ("int(a)", {"a": "abc"}, ("error", "int() cannot parse 'abc'")),
    ("int(a)", {"a": 1e19}, ("error", "integer overflow")),
    ("double(a)", {"a": "0" * 399 + "5"}, 5.0),
    ("double(a)", {"a": "0" * 400 + "5"}, ("error", f"double() cannot parse '{'0' * 37}...'")),
    ("double(a)", {"a": "abc"}, ("error", "double() cannot parse 'abc'")),
    ("string(a)", {"a": True}, "true"),
    ("string(a)", {"a": False}, "false"),
    ("string(a)", {"a": b"\xff"}, ("error", "string() got bytes that are not valid UTF-8")),
]


@pytest.mark.parametrize(("source", "values", "expected"), CONVERSIONS)
def test_conversions_of_data(source: str, values: dict[str, Any], expected: Any) -> None:
    check(source, values, expected)


ARITHMETIC_EDGES = [
    # The duration range includes its bounds.
    ("a - b", {"a": -MAX_DURATION + DAY, "b": DAY}, -MAX_DURATION),
    # A uint quotient stays a uint, above the int64 range too.
    ("uint(a) / uint(b)", {"a": "18446744073709551615", "b": 1}, 2**64 - 1),
    ("type(uint(a) / uint(b)) == uint", {"a": 7, "b": 2}, True),
    ("-a", {"a": DAY}, -DAY),
]


@pytest.mark.parametrize(("source", "values", "expected"), ARITHMETIC_EDGES)
def test_arithmetic_at_its_edges(source: str, values: dict[str, Any], expected: Any) -> None:
    check(source, values, expected)


def test_the_cause_of_an_evaluation_error_reads_as_its_message() -> None:
    # A traceback (logged, or printed) shows the chained CEL failure: the same message.
    with pytest.raises(CelEvaluationError) as caught:
        cel.compile("m.x").evaluate({"m": {}})
    assert str(caught.value.__cause__) == caught.value.cel_message
    assert caught.value.cel_message == "no such member in mapping: 'x'"


# -- round 3: _lower.py ------------------------------------------------------------------------

#: A string and bytes of exactly one unit of text work (`_cost.TEXT_UNIT`, 100 characters).
TEXT = "t" * 100
BYTES = b"t" * 100

#: (a, b, `a == b`) for each kind the engine compares apart; `a != b` is the opposite.
EQUAL = [
    ("x", "x", True),
    ("x", "y", False),
    (TEXT, TEXT, True),
    (TEXT, TEXT + "u", False),
    (1, 1, True),
    (1, 2, False),
    (BYTES, BYTES, True),
    (BYTES, b"t", False),
    ([1, 2], [1, 2], True),
    ([1, 2], [1, 3], False),
    # Across types: a number equals a number of another type, a bool no int.
    (1, 1.0, True),
    (True, 1, False),
    ([True], [1], False),
]
EQUALITY = [("a == b", a, b, equal) for a, b, equal in EQUAL] + [
    ("a != b", a, b, not equal) for a, b, equal in EQUAL
]


@pytest.mark.parametrize(("source", "a", "b", "expected"), EQUALITY)
def test_equality_of_two_variables(source: str, a: Any, b: Any, expected: bool) -> None:
    # Both operands variables: not folded, and not compared with a constant.
    check(source, {"a": a, "b": b}, expected)


#: (source, values, cost): the evaluation gives true with `Limits(max_cost=cost)` and is over
#: budget at one less. Comparing two strings or bytes of which neither is a constant costs 1 per
#: 100 characters, in a macro's body (where an operation can run more than once); comparing
#: with a constant, ordering against a constant or a lookup in a constant list costs nothing more.
COSTS = [
    ("xs.all(x, x == s)", {"xs": [TEXT, TEXT], "s": TEXT}, 12),
    ("xs.all(x, x != s)", {"xs": [TEXT, TEXT], "s": TEXT + "u"}, 12),
    ("xs.all(x, x == s)", {"xs": [BYTES, BYTES], "s": BYTES}, 12),
    ("xs.all(x, x != s)", {"xs": [BYTES, BYTES], "s": BYTES + b"u"}, 12),
    (f"xs.all(x, x == '{TEXT}')", {"xs": [TEXT, TEXT]}, 10),
    (f"xs.all(x, x != '{TEXT}')", {"xs": [TEXT + "u", TEXT + "u"]}, 10),
    ("xs.all(x, x < s)", {"xs": [TEXT, TEXT], "s": TEXT + "u"}, 12),
    ("xs.all(x, x <= s)", {"xs": [TEXT, TEXT], "s": TEXT}, 12),
    ("xs.all(x, x > s)", {"xs": [TEXT + "u", TEXT + "u"], "s": TEXT}, 12),
    ("xs.all(x, x >= s)", {"xs": [TEXT, TEXT], "s": TEXT}, 12),
    (f"xs.all(x, x < '{TEXT}u')", {"xs": [TEXT, TEXT]}, 10),
    ("xs.all(x, x in ys)", {"xs": ["a", "b"], "ys": ["a", "b"]}, 14),
    ("xs.all(x, x in ['a', 'b'])", {"xs": ["a", "b"]}, 14),
    ("xs.all(x, x == ys)", {"xs": [[1, 2], [1, 2]], "ys": [1, 2]}, 14),
    # A conditional with a constant condition is its branch: compared with a constant.
    (f"xs.all(x, x == (true ? '{TEXT}' : 'u'))", {"xs": [TEXT, TEXT]}, 16),
    (f"xs.all(x, x == (false ? 'u' : '{TEXT}'))", {"xs": [TEXT, TEXT]}, 16),
    # Outside a macro each operation costs 1, whatever its operands' size.
    ("a == b", {"a": TEXT * 3, "b": TEXT * 3}, 3),
    ("a + a + a + a > 0", {"a": 1}, 9),
]


@pytest.mark.parametrize(("source", "values", "cost"), COSTS)
def test_the_exact_cost_of_an_evaluation(source: str, values: dict[str, Any], cost: int) -> None:
    assert outcome_of(cel.compile(source, limits=Limits(max_cost=cost)), **values) is True
    over = cel.compile(source, limits=Limits(max_cost=cost - 1))
    assert outcome_of(over, **values) == (
        "error",
        f"evaluation budget exceeded: cost over {cost - 1}",
    )


def test_each_item_of_a_per_item_evaluation_has_the_exact_cost() -> None:
    # `xs.all(x, x > 0)` over two elements costs 10 (test_the_exact_cost_of_an_evaluation).
    exact = cel.compile("xs.all(x, x > 0)", limits=Limits(max_cost=10))
    assert exact._evaluate_each(cel.bindings({}), "xs", [[1, 2], [3, 4]]) == [True, True]
    over = cel.compile("xs.all(x, x > 0)", limits=Limits(max_cost=9))
    assert over._evaluate_each(cel.bindings({}), "xs", [[1, 2]]) is None


def test_a_concatenation_is_held_to_the_size_cap() -> None:
    capped = cel.compile("a + b", limits=Limits(max_value_size=3))
    assert outcome_of(capped, a="x", b="yz") == "xyz"
    assert outcome_of(capped, a="x", b="yzw") == (
        "error",
        "value too large: a string of 4 characters; the limit is 3",
    )


MEMBERS = [
    # A selection from what is not a variable: `m[k].b`.
    ("m[k].b", {"m": {"x": {"b": 1}}, "k": "x"}, 1),
    ("m[k].b", {"m": {"x": {"b": None}}, "k": "x"}, None),
    ("m[k].b", {"m": {"x": {}}, "k": "x"}, ("error", "no such member in mapping: 'b'")),
    (
        "m[k].b",
        {"m": {"x": [1]}, "k": "x"},
        ("error", "type 'list' does not support field selection"),
    ),
    # A path of one field and of several, from a variable that is not there.
    ("q.x", {}, ("error", "undeclared reference to 'q'")),
    ("q.x.y", {}, ("error", "undeclared reference to 'q'")),
    ("m.x.y", {"m": {"x": {"y": 2}}}, 2),
    ("m.x.y.z", {"m": {"x": {"y": {"z": 3}}}}, 3),
    ("m.x.y", {"m": {"x": {"y": None}}}, None),
    ("m.x.y", {"m": {"x": {}}}, ("error", "no such member in mapping: 'y'")),
    ("m.x.y", {"m": {"x": 1}}, ("error", "type 'int' does not support field selection")),
    # An index: a string key of a map, no other key type matched by Python's `==`.
    ("m[k]", {"m": {"a": 1}, "k": "a"}, 1),
    ("m[k]", {"m": {"a": None}, "k": "a"}, None),
    ("m[k]", {"m": {1: "a"}, "k": True}, ("error", "no such key: True")),
    ("l[k]", {"l": [1], "k": "a"}, no_overload("[]", "list", "string")),
    # A list literal with an item from data; a call without arguments.
    ("[a, 1]", {"a": 2}, [2, 1]),
    ("size()", {}, no_overload("size")),
]


@pytest.mark.parametrize(("source", "values", "expected"), MEMBERS)
def test_selections_indexes_and_lists_from_data(
    source: str, values: dict[str, Any], expected: Any
) -> None:
    check(source, values, expected)


LITERALS = [
    # Text around an escape is kept as it is, a lone surrogate included.
    ("'\ud800'", "\ud800"),
    ("'\ud800\\n'", "\ud800\n"),
    ("b'\ud800'", b"\xed\xa0\x80"),
    (
        "br'\ud800'",
        (
            "error",
            "invalid literal br'\ud800': 'utf-8' codec can't encode character '\\ud800' in "
            "position 0: surrogates not allowed",
        ),
    ),
    # \u and \U name a code point, not a surrogate: the bounds of both ranges.
    ("'\\uD7FF'", "\ud7ff"),
    ("'\\uD800'", ("error", "invalid escape \\uD800 in the literal '\\uD800'")),
    ("'\\uDFFF'", ("error", "invalid escape \\uDFFF in the literal '\\uDFFF'")),
    ("'\\uE000'", "\ue000"),
    ("'\\U0000D800'", ("error", "invalid escape \\U0000D800 in the literal '\\U0000D800'")),
    ("'\\U0010FFFF'", "\U0010ffff"),
    ("'\\U00110000'", ("error", "invalid escape \\U00110000 in the literal '\\U00110000'")),
]


@pytest.mark.parametrize(("source", "expected"), LITERALS)
def test_string_literals(source: str, expected: Any) -> None:
    check(source, {}, expected)
