"""accountframe.cel: compile/evaluate round trips, functions, error messages, limits, threads."""

from __future__ import annotations

import datetime
import math
import threading
from typing import Any

import pytest

from accountframe import cel
from accountframe.errors import (
    CelCompileError,
    CelError,
    CelEvaluationError,
    Location,
    UsageError,
)

UTC = datetime.UTC


def run(source: str, **values: Any) -> Any:
    return cel.compile(source).evaluate(values)


def eval_error(source: str, **values: Any) -> str:
    with pytest.raises(CelEvaluationError) as caught:
        run(source, **values)
    return caught.value.cel_message


def compile_error(source: str, **options: Any) -> CelCompileError:
    with pytest.raises(CelCompileError) as caught:
        cel.compile(source, **options)
    return caught.value


# --- Values both ways ------------------------------------------------------------------------

ROUND_TRIPS = [
    pytest.param(True, id="bool"),
    pytest.param(-(2**63), id="int64-min"),
    pytest.param(2**63 - 1, id="int64-max"),
    pytest.param(2.5, id="double"),
    pytest.param("naïve ✓", id="string"),
    pytest.param(b"\x00\xff", id="bytes"),
    pytest.param(None, id="null"),
    pytest.param([1, "a", [2.0]], id="list"),
    pytest.param({"a": {"b": [1]}, "c": None}, id="map"),
    pytest.param({1: "one", 2: "two"}, id="map-int-keys"),
    pytest.param({True: "yes"}, id="map-bool-keys"),
    pytest.param(datetime.datetime(2026, 3, 31, 9, 30, 15, 250, tzinfo=UTC), id="timestamp"),
    pytest.param(datetime.timedelta(days=3, seconds=5, microseconds=7), id="duration"),
    pytest.param(-datetime.timedelta(days=1), id="negative-duration"),
]


@pytest.mark.parametrize("value", ROUND_TRIPS)
def test_plain_values_round_trip(value: Any) -> None:
    result = run("x", x=value)
    assert result == value
    assert type(result) is type(value)


def test_tuple_comes_back_as_list() -> None:
    assert run("x", x=(1, 2)) == [1, 2]


def test_date_becomes_midnight_utc_timestamp() -> None:
    result = run("x", x=datetime.date(2026, 3, 31))
    assert result == datetime.datetime(2026, 3, 31, tzinfo=UTC)
    assert result.tzinfo is UTC


def test_aware_datetime_in_other_zone_is_returned_in_utc() -> None:
    paris = datetime.timezone(datetime.timedelta(hours=2))
    result = run("x", x=datetime.datetime(2026, 4, 1, 10, 0, tzinfo=paris))
    assert result == datetime.datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    assert result.utcoffset() == datetime.timedelta(0)


def test_results_are_plain_builtins_not_celpy_types() -> None:
    result = run("[1, 'a', {'k': 2.5}, b'z', true]")
    assert result == [1, "a", {"k": 2.5}, b"z", True]
    assert [type(item) for item in result] == [int, str, dict, bytes, bool]
    assert type(next(iter(result[2]))) is str


def test_nan_round_trips() -> None:
    assert math.isnan(run("x", x=float("nan")))


def test_naive_datetime_rejected() -> None:
    with pytest.raises(CelEvaluationError) as caught:
        run("x", x=datetime.datetime(2026, 1, 1, 12, 0))
    assert caught.value.cel_message == (
        "x: datetime 2026-01-01T12:00:00 has no time zone; use a timezone-aware datetime or a date"
    )


# --- Bindings ---------------------------------------------------------------------------------


def test_bindings_reuse_gives_identical_results() -> None:
    subject = {"tier": 2, "start": datetime.date(2026, 1, 31), "tags": ["x", "y"]}
    converted = cel.bindings(subject)
    expected = {
        "tier * 2": 4,
        "add_months(start, 1)": datetime.datetime(2026, 2, 28, tzinfo=UTC),
        "'y' in tags": True,
    }
    for source, value in expected.items():
        program = cel.compile(source)
        # The same value from the plain subject and from its bindings, and again from the
        # bindings once used (an evaluation leaves them as they were).
        assert program.evaluate(subject) == value
        assert program.evaluate(converted) == value
        assert program.evaluate(converted) == value
    assert converted == cel.bindings(subject)


def test_converted_values_are_not_converted_again() -> None:
    people = cel.bindings({"people": {"p1": {"name": "Ann"}}})
    merged = people.merged({"id": "p1"})
    assert merged["people"] is people["people"]
    again = cel.bindings({"people": people["people"], "id": "p1"})
    assert again["people"] is people["people"]
    assert cel.compile("people[id].name").evaluate(again) == "Ann"


def test_bindings_of_bindings_is_itself() -> None:
    converted = cel.bindings({"a": 1})
    assert cel.bindings(converted) is converted


def test_programs_read_their_attributes_without_a_hook() -> None:
    # On a slotted attrs class a cached_property comes with a `__getattr__`, which slows every
    # attribute read, several per evaluation: `_each` is made lazily into a plain field.
    program = cel.compile("x > 1")
    assert not hasattr(type(program), "__getattr__")
    assert program._each_code is None
    assert program._evaluate_each(cel.bindings({}), "x", [0, 2]) == [False, True]
    assert program._each() is program._each_code is not None


def test_trusted_values_are_bound_as_they_are_and_not_kept_by_the_family() -> None:
    base = cel.bindings({"a": 1})
    value = [1, [2, datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)]]
    child = base._trusted_merged({"xs": value})
    assert child["xs"] is value
    assert dict(child) == dict(cel.bindings({"a": 1, "xs": value}))
    # Not recorded: nothing in the family keeps it alive once its users let it go.
    assert id(value) not in base._shared.validated
    # Bound again, it is checked again, and given back unchanged (it is canonical).
    assert child.merged({"ys": value})["ys"] is value


# --- Functions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("days(2)", datetime.timedelta(days=2), id="days"),
        pytest.param("days(-1)", datetime.timedelta(days=-1), id="days-negative"),
        pytest.param("days(2) == duration('48h')", True, id="days-equals-duration"),
        pytest.param("days_between(date('2026-01-01'), date('2026-03-01'))", 59, id="between"),
        pytest.param("days_between(date('2026-03-01'), date('2026-01-01'))", -59, id="between-neg"),
        pytest.param(
            "days_between(timestamp('2026-01-01T12:00:00Z'), timestamp('2026-01-02T11:59:59Z'))",
            0,
            id="between-floor-partial-day",
        ),
        pytest.param(
            "days_between(timestamp('2026-01-02T00:00:00Z'), timestamp('2026-01-01T23:00:00Z'))",
            -1,
            id="between-floor-negative",
        ),
        pytest.param("add_months(date('2025-01-31'), 1) == date('2025-02-28')", True, id="clamp"),
        pytest.param("add_months(date('2024-01-31'), 1) == date('2024-02-29')", True, id="leap"),
        pytest.param("add_months(date('2024-03-31'), -1) == date('2024-02-29')", True, id="neg"),
        pytest.param("add_months(date('2024-01-15'), -13) == date('2022-12-15')", True, id="-13"),
        pytest.param("add_months(date('2024-05-31'), 12) == date('2025-05-31')", True, id="year"),
        pytest.param("add_months(date('2024-12-31'), 0) == date('2024-12-31')", True, id="zero"),
        pytest.param("date('2026-04-01')", datetime.datetime(2026, 4, 1, tzinfo=UTC), id="date"),
        pytest.param("date('2000-02-29') < date('2000-03-01')", True, id="date-leap"),
    ],
)
def test_functions(source: str, expected: Any) -> None:
    assert run(source) == expected


def test_add_months_keeps_time_of_day() -> None:
    start = datetime.datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    assert run("add_months(t, 1)", t=start) == datetime.datetime(2026, 2, 28, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param("days('x')", "days() expects (int) (got (string))", id="days-string"),
        pytest.param("days(1.5)", "days() expects (int) (got (double))", id="days-double"),
        pytest.param("days(true)", "days() expects (int) (got (bool))", id="days-bool"),
        pytest.param(
            "days(9223372036854775807)",
            "days(9223372036854775807) is beyond the duration range of ±10,000 years",
            id="days-range",
        ),
        pytest.param(
            "days_between(1, date('2026-01-01'))",
            "days_between() expects (timestamp, timestamp) (got (int, timestamp))",
            id="between-int",
        ),
        pytest.param(
            "add_months(date('2026-01-01'), '1')",
            "add_months() expects (timestamp, int) (got (timestamp, string))",
            id="add-months-string",
        ),
        pytest.param(
            "add_months(date('9999-12-01'), 1)",
            "add_months: 1 months from 9999-12-01T00:00:00Z is out of range",
            id="add-months-range",
        ),
        pytest.param(
            "date('2026-4-1')",
            "date() expects an ISO date like '2026-04-01' (got '2026-4-1')",
            id="date-short",
        ),
        pytest.param(
            "date('2026-02-30')", "date() got '2026-02-30', which is not a real date", id="feb-30"
        ),
        pytest.param(
            "date('2026-04-01T00:00:00Z')",
            "date() expects an ISO date like '2026-04-01' (got '2026-04-01T00:00:00Z')",
            id="date-timestamp",
        ),
        pytest.param("date(20260401)", "date() expects (string) (got (int))", id="date-int"),
    ],
)
def test_function_errors(source: str, message: str) -> None:
    assert eval_error(source) == message


def test_function_errors_follow_cel_short_circuit() -> None:
    assert run("false && days('x') == days(1)") is False


def test_functions_table_lists_every_added_function() -> None:
    assert sorted(cel.FUNCTIONS) == ["add_months", "date", "days", "days_between", "sum"]
    assert all(cel.FUNCTIONS[name].startswith(f"{name}(") for name in cel.FUNCTIONS)


# --- Evaluation errors, cleaned up -----------------------------------------------------------


@pytest.mark.parametrize("engine", cel.ENGINES)
@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        pytest.param("missing", {}, "undeclared reference to 'missing'", id="undeclared"),
        pytest.param("nope(1)", {}, "undeclared reference to 'nope'", id="unknown-function"),
        pytest.param(
            "'a' + 1", {}, "no matching overload for '+' applied to (string, int)", id="str-plus"
        ),
        pytest.param(
            "-s", {"s": "x"}, "no matching overload for '-' applied to (string)", id="neg"
        ),
        pytest.param(
            "'a' < 1", {}, "no matching overload for '<' applied to (string, int)", id="lt-mixed"
        ),
        pytest.param("!1", {}, "no matching overload for '!' applied to (int)", id="not-int"),
        pytest.param("m.z", {"m": {"a": 1}}, "no such member in mapping: 'z'", id="no-member"),
        pytest.param("days('x')", {}, "days() expects (int) (got (string))", id="days"),
    ],
)
def test_evaluation_error_messages(
    source: str, values: dict[str, Any], message: str, engine: cel.Engine
) -> None:
    with pytest.raises(CelEvaluationError) as caught:
        cel.compile(source, engine=engine).evaluate(values)
    assert caught.value.cel_message == message


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        pytest.param("1 / 0", {}, "division by zero", id="divide-by-zero"),
        pytest.param("1 % 0", {}, "modulus by zero", id="modulus-by-zero"),
        pytest.param("9223372036854775807 + 1", {}, "integer overflow", id="overflow"),
        pytest.param("0u - 1u", {}, "unsigned integer overflow", id="uint-underflow"),
        pytest.param("m['z']", {"m": {"a": 1}}, "no such key: 'z'", id="no-key"),
        pytest.param(
            "l[2]", {"l": [1, 2]}, "index 2 out of range for a list of size 2", id="index"
        ),
        pytest.param(
            "x.y", {"x": 1}, "type 'int' does not support field selection", id="select-int"
        ),
        pytest.param("1 ? 2 : 3", {}, "no matching overload for '?:' applied to (int)", id="if"),
        pytest.param(
            "1 && true", {}, "no matching overload for '&&' applied to (int, bool)", id="and-int"
        ),
        pytest.param(
            "l.all(x, x)", {"l": [1]}, "the condition of .all() must be a bool (got int)", id="all"
        ),
        pytest.param(
            "'a'.matches('(')",
            {},
            "invalid regular expression '(': missing ): (",
            id="bad-regex",
        ),
        pytest.param(
            "timestamp('9999-12-31T23:59:59Z') + duration('1s')",
            {},
            "timestamp out of range (years 1 to 9999)",
            id="timestamp-range",
        ),
        pytest.param("{'a': 1, 'a': 2}", {}, "duplicate map key 'a'", id="duplicate-key"),
    ],
)
def test_accountframe_engine_error_messages(
    source: str, values: dict[str, Any], message: str
) -> None:
    assert eval_error(source, **values) == message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(r"' \\ \? \` \' '", " \\ ? ` ' ", id="punctuation"),
        pytest.param(r"'\x41\X42\103\u00e9\U0001F600'", "ABCé😀", id="codes"),
        pytest.param("'''a\nb'''", "a\nb", id="triple-quoted-newline"),
        pytest.param(r"r'\n'", "\\n", id="raw"),
        pytest.param(r"b'\xff\000é'", b"\xff\x00\xc3\xa9", id="bytes"),
    ],
)
def test_string_literal_escapes(source: str, expected: Any) -> None:
    assert run(source) == expected


def test_unknown_escape_is_an_error() -> None:
    assert eval_error(r"'\q'") == r"invalid escape '\\q' in the literal '\q'"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("1 == 1.0", True, id="int-double-equal"),
        pytest.param("2 > 1.5", True, id="int-double-order"),
        pytest.param("1u == 1", True, id="uint-int-equal"),
        pytest.param("1 == '1'", False, id="int-string-unequal"),
        pytest.param("[1, 'a'] == [1, 2]", False, id="mixed-lists"),
        pytest.param("{1: 'a'}[1.0]", "a", id="double-key"),
        pytest.param("true == 1", False, id="bool-is-not-int"),
        pytest.param("false && 1 / 0 == 1", False, id="false-and-error"),
        pytest.param("1 / 0 == 1 && false", False, id="error-and-false"),
        pytest.param("1 / 0 == 1 || true", True, id="error-or-true"),
        pytest.param("[1, 0].exists(x, 1 / x == 1)", True, id="exists-absorbs"),
        pytest.param("[0, 1].all(x, x == 1 && 1 / x == 1)", False, id="all-absorbs"),
        pytest.param("-7 / 2 == -3 && -7 % 2 == -1", True, id="truncating-division"),
    ],
)
def test_accountframe_engine_follows_the_cel_spec(source: str, expected: Any) -> None:
    assert run(source) == expected


def test_celpy_engine_departs_from_the_spec_on_mixed_numbers() -> None:
    # The deviations table in docs/cel.md; `test_cel_differential` skips exactly these.
    celpy = cel.compile("1 == 1.0", engine="celpy")
    with pytest.raises(CelEvaluationError, match=r"applied to \(int, double\)"):
        celpy.evaluate({})


def test_iteration_budget_stops_nested_macros() -> None:
    program = cel.compile(
        "xs.all(x, xs.all(y, x + y >= 0))", limits=cel.Limits(max_iterations=1_000)
    )
    assert program.evaluate({"xs": list(range(31))}) is True  # 31 + 31 * 31 = 992 iterations
    with pytest.raises(CelEvaluationError) as caught:
        program.evaluate({"xs": list(range(32))})
    assert caught.value.cel_message == (
        "evaluation budget exceeded: more than 1,000 comprehension iterations"
    )


def test_iteration_budget_is_not_absorbed_by_logic() -> None:
    program = cel.compile(
        "f && xs.exists(x, x < 0) || xs.map(x, x).size() > 0 || t",
        limits=cel.Limits(max_iterations=10),
    )
    assert program.evaluate({"xs": list(range(5)), "f": False, "t": True}) is True
    with pytest.raises(CelEvaluationError, match="evaluation budget exceeded"):
        program.evaluate({"xs": list(range(11)), "f": False, "t": True})


def test_iteration_budget_is_per_evaluation() -> None:
    program = cel.compile("xs.all(x, x >= 0)", limits=cel.Limits(max_iterations=10))
    for _ in range(3):
        assert program.evaluate({"xs": list(range(10))}) is True


def test_evaluation_error_carries_source_and_location() -> None:
    where = Location(file="p.yaml", line=3, column=9, path="rules[0].when")
    program = cel.compile("missing > 1", location=where)
    with pytest.raises(CelEvaluationError) as caught:
        program.evaluate({})
    assert caught.value.source == "missing > 1"
    assert caught.value.location == where
    assert str(caught.value) == "p.yaml:3:9: undeclared reference to 'missing'"
    assert caught.value.__cause__ is not None


def test_error_value_as_result_raises() -> None:
    # Both sides are errors: the accountframe engine reports the first, as cel-go does; celpy
    # reports the `||` of two errors.
    assert eval_error("m.x || m.y", m={}) == "no such member in mapping: 'x'"
    with pytest.raises(CelEvaluationError) as caught:
        cel.compile("m.x || m.y", engine="celpy").evaluate({"m": {}})
    assert caught.value.cel_message == "no matching overload for '||' applied to (error, error)"


def test_type_result_has_no_python_value() -> None:
    assert eval_error("type(1)") == "the result is the CEL type int, which has no Python value"


# --- Syntax errors ----------------------------------------------------------------------------


def test_syntax_error_without_location_renders_caret() -> None:
    error = compile_error("tier >= && 2")
    assert error.diagnostic.code == "af-cel-syntax"
    assert error.diagnostic.render() == (
        "<expression>:1:9: af-cel-syntax: unexpected '&&'; expected an expression\n"
        "    tier >= && 2\n"
        "            ^"
    )
    assert error.diagnostic.location == Location(file="<expression>", line=1, column=9)


def test_syntax_error_with_location_maps_into_file() -> None:
    where = Location(file="policies.yaml", line=12, column=22, path="rules[3].when")
    error = compile_error("contract.tier >= )", location=where)
    assert error.diagnostic.render() == (
        "policies.yaml:12:39: af-cel-syntax: rules[3].when: unexpected ')'; expected an expression"
    )
    assert error.diagnostic.source_line is None
    assert str(error) == "policies.yaml:12:39: unexpected ')'; expected an expression"


def test_multi_line_syntax_error_uses_indent() -> None:
    where = Location(file="policies.yaml", line=12, column=22)
    error = compile_error("a &&\n  b +* c", location=where, indent=6)
    # Expression line 2, column 6 -> file line 13, column 6 + 6.
    assert error.diagnostic.location == Location(file="policies.yaml", line=13, column=12)
    assert error.diagnostic.render() == (
        "policies.yaml:13:12: af-cel-syntax: unexpected '*'; expected an expression"
    )


def test_multi_line_syntax_error_without_location_shows_that_line() -> None:
    error = compile_error("a &&\n  b +* c")
    assert error.diagnostic.render() == (
        "<expression>:2:6: af-cel-syntax: unexpected '*'; expected an expression\n"
        "      b +* c\n"
        "         ^"
    )


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param("1 +", "unexpected end of expression; expected an expression", id="eof"),
        pytest.param("(1", "unexpected end of expression; expected ')'", id="unclosed"),
        pytest.param("a #", "unexpected character '#'", id="bad-char"),
        pytest.param('"abc', "unterminated string", id="unterminated"),
        pytest.param("1 2", "unexpected '2'; expected an operator or the end of the expression"),
        pytest.param("", "unexpected end of expression; expected an expression", id="empty"),
    ],
)
def test_syntax_error_messages(source: str, message: str) -> None:
    assert compile_error(source).cel_message == message


# --- Limits -----------------------------------------------------------------------------------


def test_length_limit() -> None:
    error = compile_error("1" * 5000)
    assert error.diagnostic.code == "af-cel-limit"
    assert error.cel_message == "expression is 5000 characters long; the limit is 4096"


def test_configured_length_limit() -> None:
    assert cel.compile("1 + 1", limits=cel.Limits(max_length=5)).evaluate({}) == 2
    error = compile_error("1 + 10", limits=cel.Limits(max_length=5))
    assert error.cel_message == "expression is 6 characters long; the limit is 5"


def test_paren_nesting_limit() -> None:
    assert run("(" * 64 + "1" + ")" * 64) == 1
    error = compile_error("(" * 65 + "1" + ")" * 65)
    assert error.diagnostic.code == "af-cel-limit"
    assert error.cel_message == "expression is nested 65 brackets deep; the limit is 64"
    assert error.diagnostic.location.column == 65


def test_brackets_inside_strings_do_not_count() -> None:
    assert run("'" + "(" * 100 + "' + \"[[[\" + r'\\{{'") == "(" * 100 + "[[[\\{{"


def test_nested_lists_at_the_limit_evaluate() -> None:
    assert run("[" * 64 + "1" + "]" * 64) == _nest(64)


def _nest(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def test_long_sum_hits_length_limit_first() -> None:
    error = compile_error("+".join(["1"] * 5000))
    assert error.cel_message == "expression is 9999 characters long; the limit is 4096"


def test_long_sum_hits_tree_depth_limit() -> None:
    error = compile_error("+".join(["1"] * 5000), limits=cel.Limits(max_length=20_000))
    assert error.diagnostic.code == "af-cel-limit"
    assert error.cel_message == "expression is nested 9999 operations deep; the limit is 192"


def test_many_nots_hit_tree_depth_limit() -> None:
    error = compile_error("!" * 3000 + "true")
    assert error.cel_message == "expression is nested 3001 operations deep; the limit is 192"


def test_largest_sum_under_the_limit_evaluates_from_a_deep_stack() -> None:
    program = cel.compile("+".join(["1"] * 96))

    def deep(frames: int) -> Any:
        return program.evaluate({}) if frames == 0 else deep(frames - 1)

    assert deep(150) == 96


def _deep_map(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


# The deepest expression of each shape the tree guard admits (see cel._engine's docstring),
# written over variables so that the accountframe engine cannot fold them away.
DEEPEST_SHAPES = [
    pytest.param("(" * 64 + "x" + ")" * 64, 1, id="parens"),
    pytest.param("[" * 64 + "x" + "]" * 64, _nest(64), id="lists"),
    pytest.param("{'a': " * 64 + "x" + "}" * 64, _deep_map(64), id="maps"),
    pytest.param("dyn(" * 64 + "x" + ")" * 64, 1, id="calls"),
    pytest.param(
        "".join(f"l.exists(v{n}, " for n in range(64)) + "x == 1" + ")" * 64, True, id="macros"
    ),
    pytest.param("+".join(["x"] * 96), 96, id="sum"),
    pytest.param("!" * 191 + "b", False, id="nots"),
    pytest.param("m" + ".a" * 191, 1, id="selections"),
    pytest.param("m" + "['a']" * 191, 1, id="indexes"),
    pytest.param(" && ".join(["b"] * 192), True, id="ands"),
]


@pytest.mark.parametrize("engine", cel.ENGINES)
@pytest.mark.parametrize(("source", "expected"), DEEPEST_SHAPES)
def test_deepest_shapes_evaluate_from_a_deep_stack(
    source: str, expected: Any, engine: cel.Engine
) -> None:
    program = cel.compile(source, engine=engine)
    values = {"x": 1, "b": True, "l": [1], "m": _deep_map(191)}

    def deep(frames: int) -> Any:
        return program.evaluate(values) if frames == 0 else deep(frames - 1)

    assert deep(300) == expected


@pytest.mark.parametrize(
    "source",
    ["!" * 192 + "b", "m" + ".a" * 192, " && ".join(["b"] * 193), "+".join(["x"] * 97)],
    ids=["nots", "selections", "ands", "sum"],
)
def test_one_more_level_is_refused(source: str) -> None:
    assert compile_error(source).diagnostic.code == "af-cel-limit"


def test_recursion_in_data_becomes_evaluation_error() -> None:
    value: list[Any] = []
    value.append(value)
    with pytest.raises(CelEvaluationError) as caught:
        run("x", x=value)
    assert caught.value.cel_message == "x: value is nested too deeply to convert"


@pytest.mark.parametrize("bad", [0, -1, True, "64"], ids=["zero", "negative", "bool", "str"])
def test_limits_validated(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_depth must be a positive int"):
        cel.Limits(max_depth=bad)


# --- Bad inputs, one table ---------------------------------------------------------------------

BAD_INPUTS = [
    pytest.param("x", {"x": {1, 2}}, "x: unsupported value of type set", id="set"),
    pytest.param("x", {"x": object()}, "x: unsupported value of type object", id="object"),
    pytest.param("x", {"x": [1, {"a": [2, {3}]}]}, "x[1]['a'][1]: unsupported value of type set",
                 id="nested-set-path"),
    pytest.param("x", {"x": 2**64}, "x: int 18446744073709551616 does not fit in 64 bits",
                 id="int-overflow"),
    pytest.param("x", {"x": {1.5: "a"}}, "x: map key 1.5 of type float is not a CEL map key "
                 "(use str, int or bool)", id="float-key"),
    pytest.param("x", {"x": datetime.timedelta(days=4_000_000)},
                 "x: timedelta 4000000 days, 0:00:00 is beyond ±10,000 years", id="long-timedelta"),
    pytest.param("x", {"not-a-name": 1}, "binding name 'not-a-name' is not a CEL identifier",
                 id="bad-name"),
    pytest.param("x", {"a.b": 1}, "binding name 'a.b' is not a CEL identifier", id="dotted-name"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "values", "message"), BAD_INPUTS)
def test_bad_inputs(source: str, values: dict[str, Any], message: str) -> None:
    with pytest.raises(CelEvaluationError) as caught:
        cel.compile(source).evaluate(values)
    assert caught.value.cel_message == message


def test_non_string_source() -> None:
    error = compile_error(42)  # type: ignore[arg-type]
    assert error.cel_message == "expression must be a string (got int)"


# --- Threads ---------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", cel.ENGINES)
def test_programs_are_safe_to_share_between_threads(engine: cel.Engine) -> None:
    programs = [
        cel.compile(source, engine=engine)
        for source in (
            "x * 2 + size(items)",
            "items.filter(i, i > x).map(i, i * 10)",
            "add_months(date('2026-01-31'), x)",
            "has(m.k) ? m.k + x : -x",
            "!has(m.k) && x % 2 == 0",
        )
    ]
    subjects = [
        {"x": n, "items": list(range(n % 7)), "m": {"k": n} if n % 3 else {}} for n in range(40)
    ]
    serial = [[program.evaluate(s) for program in programs] for s in subjects]
    results: dict[int, list[list[Any]]] = {}
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(index: int) -> None:
        try:
            start.wait()
            results[index] = [[p.evaluate(s) for p in programs] for s in subjects for _ in (1, 2)][
                ::2
            ]
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert all(results[i] == serial for i in range(8))


# --- Engines ---------------------------------------------------------------------------------


def test_engines_are_named_and_the_default_is_accountframe() -> None:
    assert cel.ENGINES == ("accountframe", "celpy")
    assert cel.DEFAULT_ENGINE == "accountframe"
    assert cel.compile("1").engine == "accountframe"
    assert cel.compile("1", engine="celpy").engine == "celpy"


def test_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown CEL engine 'cel-go'"):
        cel.compile("1", engine="cel-go")  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", cel.ENGINES)
def test_one_bindings_serves_both_engines(engine: cel.Engine) -> None:
    bound = cel.bindings({"start": datetime.date(2026, 1, 31), "tags": ("a", "b")})
    more = bound.merged({"n": 2})
    program = cel.compile("add_months(start, n) > start && size(tags) == n", engine=engine)
    assert program.evaluate(more) is True
    assert more["tags"] is bound["tags"] == ["a", "b"]


def test_celpy_values_are_converted_once_per_family_of_bindings() -> None:
    bound = cel.bindings({"people": {"p1": {"name": "Ann"}}})
    first = bound.cel_values()["people"]
    assert bound.cel_values()["people"] is first
    assert bound.merged({"x": 1}).cel_values()["people"] is first
    holding = bound.merged({"all": [bound["people"]]}).cel_values()["all"]
    assert holding[0] is first


def test_the_accountframe_engine_never_converts_to_celpy_values() -> None:
    bound = cel.bindings({"xs": [1, 2, 3]})
    assert cel.compile("xs.exists(x, x > 2)").evaluate(bound) is True
    assert bound._cel is None  # converted only when a celpy program first needs it
    assert cel.compile("xs.exists(x, x > 2)", engine="celpy").evaluate(bound) is True
    assert bound._cel is not None


def test_results_do_not_share_containers_with_the_bindings() -> None:
    bound = cel.bindings({"xs": [1, [2]]})
    result = cel.compile("xs").evaluate(bound)
    result[1].append(3)
    assert bound["xs"] == [1, [2]]


def test_limits_have_an_iteration_budget() -> None:
    assert cel.DEFAULT_LIMITS.max_iterations == 1_000_000
    with pytest.raises(ValueError, match="max_iterations must be a positive int"):
        cel.Limits(max_iterations=0)


def test_every_error_is_a_cel_error() -> None:
    assert issubclass(CelCompileError, CelError)
    assert issubclass(CelEvaluationError, CelError)


@pytest.mark.parametrize("engine", cel.ENGINES)
@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            'getHours(timestamp("2026-01-01T00:00:00Z"), "+99:00")',
            "time zone '+99:00' is neither a zone name nor an offset between -23:59 and +23:59",
            id="constant, folded when compiling",
        ),
        pytest.param(
            't.getHours("-24:00")',
            "time zone '-24:00' is neither a zone name nor an offset between -23:59 and +23:59",
            id="24 hours",
        ),
        pytest.param(
            't.getDayOfWeek("+12:60")',
            "time zone '+12:60' is neither a zone name nor an offset between -23:59 and +23:59",
            id="60 minutes",
        ),
        pytest.param(
            'timestamp("2026-01-01T00:00:00+99:99")',
            "timestamp() got '2026-01-01T00:00:00+99:99', whose offset is not between -23:59 "
            "and +23:59",
            id="timestamp()",
        ),
    ],
)
def test_offsets_beyond_a_day_are_cel_errors(engine: cel.Engine, source: str, message: str) -> None:
    """A regression: getHours("+99:00") let Python's ValueError out of compile(), and
    timestamp() took a +99:99 offset."""
    program = cel.compile(source, engine=engine)
    with pytest.raises(CelEvaluationError) as caught:
        program.evaluate({"t": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)})
    assert caught.value.cel_message == message


@pytest.mark.parametrize("engine", cel.ENGINES)
def test_offsets_up_to_a_day_still_work(engine: cel.Engine) -> None:
    moment = {"t": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)}
    assert cel.compile('t.getHours("+23:59")', engine=engine).evaluate(moment) == 23
    assert cel.compile('t.getHours("-23:59")', engine=engine).evaluate(moment) == 0
    assert cel.compile('timestamp("2026-01-01T00:00:00+23:59")', engine=engine).evaluate(
        {}
    ) == datetime.datetime(2025, 12, 31, 0, 1, tzinfo=datetime.UTC)
