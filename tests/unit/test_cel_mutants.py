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
from test_cel_fast_paths import no_overload, outcome

from accountframe import cel
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
