"""The accountframe engine's fast paths, each exercised with operands known only at run time.

The engine folds constants at compile time (`false && 1 / 0 == 1` is `false` before anything
runs), so tests with literal operands never reach the closures that evaluate real data. Here
every operand that matters is a variable: `&&` and `||` with an error or a non-bool on either
side (both operands variables, or one a constant and the other not), the error `all` and
`exists` report when several elements fail, and int64 / uint64 overflow on every path that
adds or subtracts (folded, inline int case, the general case, inside a macro).
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest

from accountframe import cel
from accountframe.cel.limits import Limits
from accountframe.errors import CelEvaluationError

INT64_MAX, INT64_MIN = 2**63 - 1, -(2**63)
#: The operands: a name in the table → (CEL text, its outcome). Every one is a variable, or
#: a selection that fails at run time (a missing key: the error carries the key).
VARIABLES: dict[str, Any] = {"t": True, "f": False, "n": 1, "m": {}}
OPERANDS = {"T": "t", "F": "f", "E": "m.x", "e": "m.y", "N": "n"}
ERRORS = {"E": "no such member in mapping: 'x'", "e": "no such member in mapping: 'y'"}


def outcome(source: str, **values: Any) -> Any:
    """The value, or ("error", message)."""
    try:
        return cel.compile(source).evaluate(values)
    except CelEvaluationError as error:
        return ("error", error.cel_message)


def no_overload(operator: str, *types: str) -> tuple[str, str]:
    return ("error", f"no matching overload for {operator!r} applied to ({', '.join(types)})")


# -- && and || ---------------------------------------------------------------------------------

#: (left, right) → `left && right`; CEL: false decides, whatever the other side (an error or a
#: non-bool included), in either order; else the first error; else a non-bool is no overload.
AND = {
    ("T", "T"): True,
    ("T", "F"): False,
    ("F", "T"): False,
    ("F", "F"): False,
    ("F", "E"): False,
    ("E", "F"): False,
    ("F", "N"): False,
    ("N", "F"): False,
    ("T", "E"): ("error", ERRORS["E"]),
    ("E", "T"): ("error", ERRORS["E"]),
    ("E", "e"): ("error", ERRORS["E"]),
    ("e", "E"): ("error", ERRORS["e"]),
    ("E", "N"): ("error", ERRORS["E"]),
    ("N", "E"): ("error", ERRORS["E"]),
    ("T", "N"): no_overload("&&", "bool", "int"),
    ("N", "T"): no_overload("&&", "int", "bool"),
    ("N", "N"): no_overload("&&", "int", "int"),
}
#: `left || right`: the same with true deciding.
OR = {
    ("T", "T"): True,
    ("T", "F"): True,
    ("F", "T"): True,
    ("F", "F"): False,
    ("T", "E"): True,
    ("E", "T"): True,
    ("T", "N"): True,
    ("N", "T"): True,
    ("F", "E"): ("error", ERRORS["E"]),
    ("E", "F"): ("error", ERRORS["E"]),
    ("E", "e"): ("error", ERRORS["E"]),
    ("e", "E"): ("error", ERRORS["e"]),
    ("E", "N"): ("error", ERRORS["E"]),
    ("N", "E"): ("error", ERRORS["E"]),
    ("F", "N"): no_overload("||", "bool", "int"),
    ("N", "F"): no_overload("||", "int", "bool"),
    ("N", "N"): no_overload("||", "int", "int"),
}
TABLE = [("&&", pair, expected) for pair, expected in AND.items()] + [
    ("||", pair, expected) for pair, expected in OR.items()
]


@pytest.mark.parametrize(
    ("operator", "pair", "expected"),
    TABLE,
    ids=[f"{left}{operator}{right}" for operator, (left, right), _ in TABLE],
)
def test_logic_with_both_operands_at_run_time(
    operator: str, pair: tuple[str, str], expected: Any
) -> None:
    left, right = pair
    source = f"{OPERANDS[left]} {operator} {OPERANDS[right]}"
    assert outcome(source, **VARIABLES) == expected


#: One side a constant that does not decide (`true &&`, `false ||`): the other side is the
#: answer, which must still be a bool.
ONE_CONSTANT = [
    ("true && X", "T", True),
    ("true && X", "F", False),
    ("true && X", "E", ("error", ERRORS["E"])),
    ("true && X", "N", no_overload("&&", "bool", "int")),
    ("X && true", "F", False),
    ("X && true", "T", True),
    ("X && true", "E", ("error", ERRORS["E"])),
    ("X && true", "N", no_overload("&&", "int", "bool")),
    ("false || X", "T", True),
    ("false || X", "F", False),
    ("false || X", "E", ("error", ERRORS["E"])),
    ("false || X", "N", no_overload("||", "bool", "int")),
    ("X || false", "T", True),
    ("X || false", "F", False),
    ("X || false", "E", ("error", ERRORS["E"])),
    ("X || false", "N", no_overload("||", "int", "bool")),
    # A constant that decides: the other side is not evaluated at all.
    ("false && X", "E", False),
    ("X && false", "N", False),
    ("true || X", "E", True),
    ("X || true", "N", True),
]


@pytest.mark.parametrize(
    ("shape", "operand", "expected"),
    ONE_CONSTANT,
    ids=[shape.replace("X", operand) for shape, operand, _ in ONE_CONSTANT],
)
def test_logic_with_one_constant_operand(shape: str, operand: str, expected: Any) -> None:
    assert outcome(shape.replace("X", OPERANDS[operand]), **VARIABLES) == expected


def test_a_deciding_operand_absorbs_an_error_from_data_inside_a_macro() -> None:
    # Each element's `1 / x` errors for 0: `x == 0 ||` absorbs it, `x != 0 &&` never reaches it.
    assert outcome("xs.all(x, x == 0 || 10 / x > 1)", xs=[0, 5]) is True
    assert outcome("xs.all(x, 10 / x > 1 || x == 0)", xs=[0, 5]) is True
    assert outcome("xs.exists(x, x != 0 && 10 / x == 2)", xs=[0, 5]) is True
    assert outcome("xs.exists(x, 10 / x == 2 && x != 0)", xs=[0, 4]) is True
    # Not deciding, the error stays.
    assert outcome("xs.exists(x, 10 / x == 2 || x == 7)", xs=[0, 3]) == (
        "error",
        "division by zero",
    )


# -- all and exists: which error -----------------------------------------------------------------

#: Elements that fail in two different ways: 0 divides by zero, a string has no `/`.
TWO_FAILURES = [0, "a", 3]


@pytest.mark.parametrize(
    ("source", "items", "expected"),
    [
        ("xs.all(x, 6 / x == 2)", TWO_FAILURES, ("error", "division by zero")),
        ("xs.all(x, 6 / x == 2)", [3, "a", 0], no_overload("/", "int", "string")),
        ("xs.exists(x, 6 / x == 1)", TWO_FAILURES, ("error", "division by zero")),
        ("xs.exists(x, 6 / x == 1)", ["a", 0], no_overload("/", "int", "string")),
        # A deciding element decides, even after errors.
        ("xs.all(x, 6 / x == 2)", [0, "a", 1], False),
        ("xs.exists(x, 6 / x == 2)", [0, "a", 3], True),
        # A non-bool condition is an error too; the first error is still the one reported.
        ("xs.all(x, x)", [1, True], ("error", "the condition of .all() must be a bool (got int)")),
        ("xs.all(x, 6 / x == 2 || x)", [0, 1], ("error", "division by zero")),
        (
            "xs.exists(x, x)",
            ["s", 0],
            ("error", "the condition of .exists() must be a bool (got string)"),
        ),
        # No element decides and none fails: undecided.
        ("xs.all(x, x > 0)", [1, 2], True),
        ("xs.exists(x, x > 2)", [1, 2], False),
        ("xs.all(x, x > 0)", [], True),
        ("xs.exists(x, x > 0)", [], False),
    ],
)
def test_all_and_exists_report_the_first_error(
    source: str, items: list[Any], expected: Any
) -> None:
    assert outcome(source, xs=items) == expected


def test_the_macro_variable_is_restored_after_an_error() -> None:
    # `x` outside the macro is the outer variable again, whether the macro failed or not.
    assert outcome("(xs.all(x, 6 / x == 2) || true) && x == 'outer'", xs=[0], x="outer") is True
    assert outcome("xs.exists(x, x == 1) && x == 'outer'", xs=[1], x="outer") is True


# -- overflow on every path that adds ----------------------------------------------------------

OVERFLOW = ("error", "integer overflow")
UNSIGNED_OVERFLOW = ("error", "unsigned integer overflow")


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        # Folded at compile time: two constants.
        (f"{INT64_MAX} + 1", {}, OVERFLOW),
        (f"{INT64_MAX - 1} + 1", {}, INT64_MAX),
        # The inline int case: variables on both sides, or one.
        ("a + b", {"a": INT64_MAX, "b": 1}, OVERFLOW),
        ("a + b", {"a": INT64_MAX - 1, "b": 1}, INT64_MAX),
        ("a + b", {"a": INT64_MIN, "b": -1}, OVERFLOW),
        ("a + b", {"a": INT64_MIN + 1, "b": -1}, INT64_MIN),
        ("a + 1", {"a": INT64_MAX}, OVERFLOW),
        ("1 + a", {"a": INT64_MAX}, OVERFLOW),
        ("a - b", {"a": INT64_MIN, "b": 1}, OVERFLOW),
        ("a - b", {"a": INT64_MIN + 1, "b": 1}, INT64_MIN),
        ("a - b", {"a": INT64_MAX, "b": -1}, OVERFLOW),
        ("a - b", {"a": INT64_MAX - 1, "b": -1}, INT64_MAX),
        # Inside a macro's body, element by element.
        ("xs.map(x, x + 1)", {"xs": [1, INT64_MAX - 1]}, [2, INT64_MAX]),
        ("xs.map(x, x + 1)", {"xs": [1, INT64_MAX]}, OVERFLOW),
        ("xs.exists(x, x + 1 > 0)", {"xs": [INT64_MAX]}, OVERFLOW),
        # The general case: uint.
        ("uint(u) + uint(1)", {"u": INT64_MAX}, 2**63),
        ("uint(u) + uint(u) + uint(1)", {"u": INT64_MAX}, 2**64 - 1),
        ("uint(u) + uint(u) + uint(2)", {"u": INT64_MAX}, UNSIGNED_OVERFLOW),
        ("uint(u) - uint(1)", {"u": 0}, UNSIGNED_OVERFLOW),
    ],
)
def test_integer_overflow_on_every_path_that_adds(
    source: str, values: dict[str, Any], expected: Any
) -> None:
    assert outcome(source, **values) == expected


def test_adding_other_kinds_at_run_time() -> None:
    day = datetime.timedelta(days=1)
    moment = datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC)
    assert outcome("a + b", a=1.5, b=2.25) == 3.75
    assert outcome("a + b", a="ab", b="cd") == "abcd"
    assert outcome("a + b", a=b"ab", b=b"cd") == b"abcd"
    assert outcome("a + b", a=[1], b=[2]) == [1, 2]
    assert outcome("a + b", a=moment, b=day) == moment + day
    assert outcome("a + b", a=day, b=moment) == moment + day
    assert outcome("a + b", a=day, b=day) == 2 * day
    assert outcome("a - b", a=moment, b=day) == moment - day
    assert outcome("a - b", a=moment, b=moment - day) == day
    assert outcome("a + b", a=1, b=1.0) == no_overload("+", "int", "double")
    assert outcome("a - b", a="x", b="y") == no_overload("-", "string", "string")


# -- the macros' meters ----------------------------------------------------------------------

MACROS = ["xs.exists_one(x, x > 0)", "xs.all(x, x > 0)", "xs.exists(x, x < 0)"]
MACROS += ["xs.map(x, x + 1)", "xs.filter(x, x > 0)"]


@pytest.mark.parametrize("source", MACROS)
def test_a_macro_may_spend_its_budget_exactly(source: str) -> None:
    # Two elements cost 10 here; 2 iterations is the least that lets them run.
    exact = cel.compile(source, limits=Limits(max_cost=10, max_iterations=2))
    assert not isinstance(outcome_of(exact, xs=[1, 2]), tuple)
    over_cost = cel.compile(source, limits=Limits(max_cost=9))
    assert outcome_of(over_cost, xs=[1, 2]) == ("error", "evaluation budget exceeded: cost over 9")
    over_iterations = cel.compile(source, limits=Limits(max_iterations=1))
    assert outcome_of(over_iterations, xs=[1, 2]) == (
        "error",
        "evaluation budget exceeded: more than 1 comprehension iterations",
    )


def outcome_of(program: cel.Program, **values: Any) -> Any:
    try:
        return program.evaluate(values)
    except CelEvaluationError as error:
        return ("error", error.cel_message)


def test_exists_one() -> None:
    assert [outcome("xs.exists_one(x, x > 0)", xs=items) for items in ([], [1], [1, 2])] == [
        False,
        True,
        False,
    ]
    assert outcome("xs.exists_one(x, x > 0)", xs=[0, 1, 0]) is True
    assert outcome("m.exists_one(k, k == 'a')", m={"a": 1, "b": 2}) is True
    assert outcome("xs.exists_one(x, x > 0)", xs=1) == no_overload("exists_one", "int")
    assert outcome("xs.exists_one(x, x)", xs=[1]) == (
        "error",
        "the condition of .exists_one() must be a bool (got int)",
    )
    # The variable is the outer one again afterwards, or absent if there was none.
    assert outcome("xs.exists_one(x, x == 1) && x == 'outer'", xs=[1], x="outer") is True
    assert outcome("xs.exists_one(x, x == 1) && !has(m.x)", xs=[1], m={}) is True


def test_each_item_of_a_per_item_evaluation_has_its_own_meter() -> None:
    program = cel.compile("xs.all(x, x > 0)", limits=Limits(max_iterations=3))
    # Three iterations for each item: the meter starts again for every one.
    assert program._evaluate_each(cel.bindings({}), "xs", [[1, 2, 3]] * 3) == [True] * 3
    assert program._evaluate_each(cel.bindings({}), "xs", [[1, 2, 3], [1, 2, 3, 4]]) is None
    # An expression whose operations alone cost more than the limit, per item or not.
    # This one costs 9: allowed at 9, not at 8.
    exact = cel.compile("a + a + a + a > 0", limits=Limits(max_cost=9))
    assert exact._evaluate_each(cel.bindings({}), "a", [1, 0]) == [True, False]
    costly = cel.compile("a + a + a + a > 0", limits=Limits(max_cost=8))
    assert costly._evaluate_each(cel.bindings({}), "a", [1]) is None
    assert outcome_of(costly, a=1) == ("error", "evaluation budget exceeded: cost over 8")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("google.protobuf.Int64Value{value: a}", 1),
        ("google.protobuf.Int64Value{}", 0),
        ("Foo{a: a}", ("error", "message construction (Foo{...}) is not supported")),
        (".Foo{a: a}", ("error", "message construction (?{...}) is not supported")),
        (
            "google.protobuf.Int64Value{x: a}",
            ("error", "google.protobuf.Int64Value has one field, 'value'"),
        ),
        (
            "google.protobuf.Int64Value{value: a, x: 1}",
            ("error", "google.protobuf.Int64Value has one field, 'value'"),
        ),
    ],
)
def test_only_the_wrapper_messages_are_made(source: str, expected: Any) -> None:
    assert outcome(source, a=1) == expected


# -- the runtime's functions on values known only at run time --------------------------------

SECONDS = datetime.timedelta(seconds=1)
RUNTIME = [
    ("a.contains(b)", {"a": "abc", "b": "b"}, True),
    ("a.contains(b)", {"a": "abc", "b": "d"}, False),
    ("a.contains(b)", {"a": [1, 2], "b": 2.0}, True),
    ("a.contains(b)", {"a": [1, 2], "b": 3}, False),
    ("a.contains(b)", {"a": {"k": 1}, "b": "k"}, True),
    ("a.contains(b)", {"a": 1, "b": 1}, no_overload("contains", "int", "int")),
    ("a.contains(b)", {"a": "abc", "b": 1}, no_overload("contains", "string", "int")),
    ("a.startsWith(b)", {"a": "abc", "b": "ab"}, True),
    ("a.startsWith(b)", {"a": "abc", "b": "bc"}, False),
    ("a.startsWith(b)", {"a": "abc", "b": 1}, no_overload("startsWith", "string", "int")),
    ("a.endsWith(b)", {"a": "abc", "b": "bc"}, True),
    ("a.endsWith(b)", {"a": "abc", "b": "ab"}, False),
    ("a.endsWith(b)", {"a": 1, "b": "c"}, no_overload("endsWith", "int", "string")),
    ("a.matches(b)", {"a": "abc", "b": "b+"}, True),
    ("a.matches(b)", {"a": "abc", "b": "^b"}, False),
    (
        "a.matches(b)",
        {"a": "abc", "b": "("},
        ("error", "invalid regular expression '(': missing ): ("),
    ),
    ("a.matches(b)", {"a": 1, "b": "x"}, no_overload("matches", "int", "string")),
    ("bytes(a)", {"a": "é"}, b"\xc3\xa9"),
    ("bytes(a)", {"a": b"x"}, b"x"),
    ("bytes(a)", {"a": 1}, no_overload("bytes", "int")),
    ("bool(a)", {"a": "t"}, True),
    ("bool(a)", {"a": "FALSE"}, False),
    ("bool(a)", {"a": True}, True),
    ("bool(a)", {"a": "yes"}, ("error", "bool() cannot parse 'yes'")),
    ("bool(a)", {"a": "y" * 40}, ("error", f"bool() cannot parse '{'y' * 40}'")),
    ("bool(a)", {"a": "y" * 41}, ("error", f"bool() cannot parse '{'y' * 37}...'")),
    ("bool(a)", {"a": 1}, no_overload("bool", "int")),
    ("string(d)", {"d": -SECONDS / 2}, "-0.5s"),
    ("string(d)", {"d": 90 * SECONDS}, "90s"),
    ("string(d)", {"d": 0 * SECONDS}, "0s"),
    ("string(d)", {"d": SECONDS / 1_000_000}, "0.000001s"),
    ("string(d)", {"d": 1.25 * SECONDS}, "1.25s"),
    ("string(uint(a))", {"a": 5}, "5"),
    ("google.protobuf.Int32Value{value: a}", {"a": 2**31 - 1}, 2**31 - 1),
    ("google.protobuf.Int32Value{value: a}", {"a": 2**31}, ("error", "int32 overflow")),
    ("google.protobuf.Int32Value{value: a}", {"a": -(2**31)}, -(2**31)),
    ("google.protobuf.Int32Value{value: a}", {"a": -(2**31) - 1}, ("error", "int32 overflow")),
    ("google.protobuf.UInt32Value{value: uint(a)}", {"a": 2**32 - 1}, 2**32 - 1),
    ("google.protobuf.UInt32Value{value: uint(a)}", {"a": 2**32}, ("error", "uint32 overflow")),
    ("google.protobuf.UInt32Value{value: uint(a)}", {"a": 0}, 0),
    ("google.protobuf.UInt32Value{value: a}", {"a": 1}, no_overload("UInt32Value", "int")),
    ("google.protobuf.FloatValue{value: a}", {"a": 1e39}, math.inf),
    ("google.protobuf.FloatValue{value: a}", {"a": -1e39}, -math.inf),
    ("google.protobuf.FloatValue{value: a}", {"a": 0.1}, 0.10000000149011612),
    ("a < b", {"a": 1, "b": 1.5}, True),
    ("a < b", {"a": 2, "b": 2.0}, False),
    ("a <= b", {"a": 2, "b": 2.0}, True),
    ("a <= b", {"a": 2.5, "b": 2}, False),
    ("a > b", {"a": 2.5, "b": 2}, True),
    ("a > b", {"a": 2, "b": 2.0}, False),
    ("a >= b", {"a": 2, "b": 2.0}, True),
    ("a >= b", {"a": 1.5, "b": 2}, False),
    ("a < b", {"a": "a", "b": 1}, no_overload("<", "string", "int")),
    ("a >= b", {"a": "a", "b": 1}, no_overload(">=", "string", "int")),
]


@pytest.mark.parametrize(("source", "values", "expected"), RUNTIME)
def test_the_runtime_functions(source: str, values: dict[str, Any], expected: Any) -> None:
    got = outcome(source, **values)
    assert got == expected
    assert type(got) is type(expected) or isinstance(expected, tuple)
