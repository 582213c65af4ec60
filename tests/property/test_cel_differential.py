"""Differential testing: the accountframe engine against cel-python on generated expressions.

A grammar-based strategy writes well-typed CEL over the operators, macros and functions policies
use (arithmetic, comparisons, `&&`/`||`/`!`, `?:`, `in`, `size`, `has`, field selection,
indexing, list and map literals, `all`/`exists`/`exists_one`/`map`/`filter`, string functions,
timestamps and durations, and accountframe's `days`, `days_between`, `add_months`, `date` and
`sum`),
over generated bindings. Well-typed does not mean error-free: division by zero, overflow, a
missing key or an out-of-range index are all reachable, and both engines must then fail.

Both engines must give the same value, or both fail, except for the documented classes where
cel-python departs from the CEL specification (docs/cel.md, "Where cel-python departs from the
spec"). `known_departure` recognises exactly those, from cel-python's own error message.
"""

from __future__ import annotations

import datetime
import math
import os
import re
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accountframe import cel
from accountframe.errors import CelError

UTC = datetime.UTC
Outcome = tuple[str, Any]

# --- Bindings ------------------------------------------------------------------------------

INT_VALUES = st.one_of(
    st.integers(-20, 20), st.sampled_from([2**62, -(2**62), 2**63 - 1, -(2**63)])
)
DOUBLE_VALUES = st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3))
WORDS = st.text(alphabet="abcAB -", max_size=5)
DATES = st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))
RECORDS = st.fixed_dictionaries(
    {"name": WORDS, "tier": st.integers(0, 4), "tags": st.lists(WORDS, max_size=3)},
    optional={"total": DOUBLE_VALUES, "due": DATES},
)

BINDINGS = st.fixed_dictionaries(
    {
        "i": INT_VALUES,
        "j": INT_VALUES,
        "d": DOUBLE_VALUES,
        "s": WORDS,
        "t": WORDS,
        "b": st.booleans(),
        "l": st.lists(st.integers(-5, 5), max_size=5),
        "ls": st.lists(WORDS, max_size=4),
        "m": st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(-3, 3), max_size=3),
        "ts": DATES,
        "du": st.integers(-400, 400).map(lambda n: datetime.timedelta(hours=n)),
        "rec": RECORDS,
    }
)

# --- Expressions, by type ------------------------------------------------------------------


def ints(depth: int, scope: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.integers(-10, 10).map(str),
        st.sampled_from(["i", "j", "size(l)", "size(s)", "rec.tier", "m.size()", *scope]),
        st.sampled_from(["9223372036854775807", "-9223372036854775807"]),
    )
    if depth <= 0:
        return leaves
    smaller = ints(depth - 1, scope)
    return st.one_of(
        leaves,
        st.tuples(smaller, st.sampled_from(["+", "-", "*", "/", "%"]), smaller).map(
            lambda p: f"({p[0]} {p[1]} {p[2]})"
        ),
        smaller.map(lambda a: f"-({a})"),
        st.tuples(bools(depth - 1, scope), smaller, smaller).map(
            lambda p: f"({p[0]} ? {p[1]} : {p[2]})"
        ),
        smaller.map(lambda a: f"l[{a}]"),
        st.sampled_from(["a", "b", "c", "z"]).map(lambda k: f"m['{k}']"),
        st.sampled_from(["a", "b", "z"]).map(lambda k: f"m.{k}"),
        st.tuples(times(depth - 1), times(depth - 1)).map(
            lambda p: f"days_between({p[0]}, {p[1]})"
        ),
        times(depth - 1).map(
            lambda t: (
                f"{t}.get"
                + ["FullYear()", "Month()", "Date()", "DayOfWeek()", "DayOfYear()", "Hours()"][
                    len(t) % 6
                ]
            )
        ),
        doubles(depth - 1, from_ints=False).map(lambda d: f"int({d})"),
        lists(depth - 1, scope).map(lambda xs: f"size({xs})"),
        strings(depth - 1).map(lambda s: f"{s}.size()"),
    )


def doubles(depth: int, *, from_ints: bool = True) -> st.SearchStrategy[str]:
    """Doubles; `from_ints=False` leaves out `double(int)`, which is how an int64 bound becomes
    exactly -2.0**63: `int()` of it is the departure "int() at the int64 minimum", which the
    predicate can only see when it is the whole result, so `int(...)` takes no such double."""
    leaves = st.one_of(
        DOUBLE_VALUES.map(repr),
        st.sampled_from(["d", "rec.total", "2.5", *(["double(i)"] if from_ints else [])]),
    )
    if depth <= 0:
        return leaves
    smaller = doubles(depth - 1, from_ints=from_ints)
    branches = [
        leaves,
        st.tuples(smaller, st.sampled_from(["+", "-", "*"]), smaller).map(
            lambda p: f"({p[0]} {p[1]} {p[2]})"
        ),
        smaller.map(lambda a: f"({a} / 4.0)"),
        lists(depth - 1).map(lambda xs: f"sum({xs})"),
        st.lists(smaller, max_size=3).map(lambda xs: f"sum([{', '.join(xs)}])"),
    ]
    if from_ints:
        branches.append(ints(depth - 1).map(lambda a: f"double({a})"))
    return st.one_of(*branches)


def strings(depth: int) -> st.SearchStrategy[str]:
    leaves = st.one_of(
        WORDS.map(lambda w: repr(w)),
        st.sampled_from(["s", "t", "rec.name", "ls[0]"]),
    )
    if depth <= 0:
        return leaves
    smaller = strings(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(smaller, smaller).map(lambda p: f"({p[0]} + {p[1]})"),
        ints(depth - 1).map(lambda a: f"string({a})"),
        st.tuples(bools(depth - 1), smaller, smaller).map(lambda p: f"({p[0]} ? {p[1]} : {p[2]})"),
    )


def times(depth: int) -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(["ts", "rec.due", "date('2026-01-31')", "date('2024-02-29')"]),
        st.just("timestamp('2026-03-01T12:30:00Z')"),
    )
    if depth <= 0:
        return leaves
    smaller = times(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(smaller, st.sampled_from(["+", "-"]), durations(depth - 1)).map(
            lambda p: f"({p[0]} {p[1]} {p[2]})"
        ),
        st.tuples(smaller, st.integers(-30, 30)).map(lambda p: f"add_months({p[0]}, {p[1]})"),
        st.tuples(smaller, st.sampled_from(["i", "j"])).map(
            lambda p: f"add_months({p[0]}, {p[1]})"
        ),
    )


def durations(depth: int) -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(["du", "duration('720h')", "duration('1h30m')", "days(30)"]),
        st.integers(-400, 400).map(lambda n: f"days({n})"),
        st.sampled_from(["days(i)", "days(j)"]),
    )
    if depth <= 0:
        return leaves
    return st.one_of(
        leaves,
        st.tuples(times(depth - 1), times(depth - 1)).map(lambda p: f"({p[0]} - {p[1]})"),
        st.tuples(leaves, st.sampled_from(["+", "-"]), leaves).map(
            lambda p: f"({p[0]} {p[1]} {p[2]})"
        ),
    )


def lists(depth: int, scope: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.just("l"),
        st.lists(st.integers(-3, 3).map(str), max_size=3).map(lambda xs: f"[{', '.join(xs)}]"),
    )
    if depth <= 0:
        return leaves
    inner = ("x", *scope)
    return st.one_of(
        leaves,
        st.tuples(leaves, leaves).map(lambda p: f"({p[0]} + {p[1]})"),
        st.tuples(leaves, ints(depth - 1, inner)).map(lambda p: f"{p[0]}.map(x, {p[1]})"),
        st.tuples(leaves, bools(depth - 1, inner)).map(lambda p: f"{p[0]}.filter(x, {p[1]})"),
        st.tuples(leaves, bools(depth - 1, inner), ints(depth - 1, inner)).map(
            lambda p: f"{p[0]}.map(x, {p[1]}, {p[2]})"
        ),
        st.tuples(ints(depth - 1, scope), ints(depth - 1, scope)).map(
            lambda p: f"[{p[0]}, {p[1]}]"
        ),
    )


def bools(depth: int, scope: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    leaves = st.one_of(
        st.sampled_from(["true", "false", "b", "has(rec.total)", "has(rec.due)", "has(m.a)"]),
        st.sampled_from(["'a' in ls", "'a' in m", "i in l", "s in ['a', 'b', '']", "1 in [1, 2]"]),
    )
    if depth <= 0:
        return leaves
    smaller = bools(depth - 1, scope)
    comparison = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
    inner = ("x", *scope)
    return st.one_of(
        leaves,
        st.tuples(smaller, st.sampled_from(["&&", "||"]), smaller).map(
            lambda p: f"({p[0]} {p[1]} {p[2]})"
        ),
        smaller.map(lambda a: f"!({a})"),
        st.tuples(smaller, smaller, smaller).map(lambda p: f"({p[0]} ? {p[1]} : {p[2]})"),
        st.tuples(ints(depth - 1, scope), comparison, ints(depth - 1, scope)).map(" ".join),
        st.tuples(doubles(depth - 1), comparison, doubles(depth - 1)).map(" ".join),
        st.tuples(strings(depth - 1), comparison, strings(depth - 1)).map(" ".join),
        st.tuples(times(depth - 1), comparison, times(depth - 1)).map(" ".join),
        st.tuples(durations(depth - 1), comparison, durations(depth - 1)).map(" ".join),
        st.tuples(lists(depth - 1, scope), st.sampled_from(["==", "!="]), lists(depth - 1)).map(
            " ".join
        ),
        st.tuples(ints(depth - 1, scope), lists(depth - 1, scope)).map(
            lambda p: f"{p[0]} in {p[1]}"
        ),
        st.tuples(
            strings(depth - 1),
            st.sampled_from(["contains", "startsWith", "endsWith"]),
            strings(depth - 1),
        ).map(lambda p: f"{p[0]}.{p[1]}({p[2]})"),
        st.tuples(strings(depth - 1), st.sampled_from(["^a", "b$", "[AB]+", "a|-"])).map(
            lambda p: f"{p[0]}.matches('{p[1]}')"
        ),
        st.tuples(
            lists(depth - 1, scope),
            st.sampled_from(["all", "exists", "exists_one"]),
            bools(depth - 1, inner),
        ).map(lambda p: f"{p[0]}.{p[1]}(x, {p[2]})"),
        st.tuples(st.sampled_from(["all", "exists"]), bools(depth - 1, scope)).map(
            lambda p: f"rec.tags.{p[0]}(k, k.size() > 1) || m.{p[0]}(k, k == 'a' && {p[1]})"
        ),
    )


EXPRESSIONS = st.one_of(bools(3), ints(2), doubles(2), strings(2), times(2), durations(2), lists(2))


# --- Comparing the engines -----------------------------------------------------------------


def outcome(source: str, values: dict[str, Any], engine: cel.Engine) -> Outcome:
    try:
        return "value", cel.compile(source, engine=engine).evaluate(values)
    except CelError as error:
        return "error", error.cel_message


def same(first: Any, second: Any) -> bool:
    if isinstance(first, float) and isinstance(second, float):
        return first == second or (math.isnan(first) and math.isnan(second))
    if isinstance(first, list) and isinstance(second, list):
        return len(first) == len(second) and all(map(same, first, second))
    return type(first) is type(second) and first == second


_NUMBER = r"(?:int|uint|double)"
#: docs/cel.md, "Where cel-python departs from the spec": each class as cel-python's message.
KNOWN_DEPARTURES = {
    # comparisons/eq_mixed_types, lt_mixed_types...: numbers compare across int, uint, double.
    "mixed-number-comparison": re.compile(
        rf"no matching overload for '(?:==|!=|<|<=|>|>=)' applied to \(({_NUMBER}), ({_NUMBER})\)"
    ),
    # comparisons/not_eq_list_false_vs_types, eq_map_value_mixed_types: values of different
    # non-numeric types are unequal, not an error.
    "heterogeneous-equality": re.compile(
        r"no matching overload for '(?:==|!=)' applied to \((\w+), (\w+)\)"
    ),
    # langdef.md "Macros": `e.map(x, p, t)` filters by p, then maps by t.
    "three-argument-map": re.compile(r"evaluation failed: too many values to unpack"),
}


def _has_three_argument_map(source: str) -> bool:
    tree = cel.compile(source)._tree
    return any(
        node.data == "member_dot_arg"
        and str(node.children[1]) == "map"
        and len(node.children) > 2
        and len(node.children[2].children) == 3
        for node in tree.iter_subtrees()
    )


#: lists/index/index_out_of_bounds: any index outside 0..size-1 is an error; cel-python
#: takes a negative index from the end, as Python does.
NEGATIVE_INDEX = re.compile(r"index -[0-9]+ out of range for a list of size [0-9]+")


def _contains_on_concatenation(source: str) -> bool:
    """Whether some `x.contains(y)` has a `+` expression as its receiver."""
    for node in cel.compile(source)._tree.iter_subtrees():
        if node.data == "member_dot_arg" and str(node.children[1]) == "contains":
            receiver = node.children[0]
            while len(receiver.children) == 1 and hasattr(receiver.children[0], "children"):
                receiver = receiver.children[0]
            if receiver.data == "addition":
                return True
    return False


def known_departure(source: str, ours: Outcome, theirs: Outcome) -> str | None:
    """The documented class a disagreement belongs to, if any."""
    if ours[0] == "error" and theirs[0] == "value" and NEGATIVE_INDEX.fullmatch(ours[1]):
        return "negative-list-index"
    if ours == ("error", "integer overflow") and theirs == ("value", -(2**63)):
        # conversions/double_int_min_range: int(-9223372036854775808.0) is an error.
        return "int-of-double-at-int64-min"
    if theirs[0] != "error":
        return None
    if (
        ours[0] == "value"
        and theirs[1] == "no matching overload for 'contains'"
        and _contains_on_concatenation(source)
    ):
        # langdef.md, "String functions": contains(string, string); cel-python's `+` gives a
        # string its `contains` does not accept.
        return "contains-after-concatenation"
    for name, pattern in KNOWN_DEPARTURES.items():
        match = pattern.search(theirs[1])
        if match is None:
            continue
        if name in ("mixed-number-comparison", "heterogeneous-equality") and (
            match[1] == match[2] or ours[0] != "value"
        ):
            continue  # same types, or we failed too: not this class
        if name == "three-argument-map" and not _has_three_argument_map(source):
            continue
        return name
    return None


#: 300 in every run (CI: derandomized); set ACCOUNTFRAME_DIFFERENTIAL_EXAMPLES for a longer hunt.
EXAMPLES = int(os.environ.get("ACCOUNTFRAME_DIFFERENTIAL_EXAMPLES", "300"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(source=EXPRESSIONS, values=BINDINGS)
def test_engines_agree(source: str, values: dict[str, Any]) -> None:
    ours = outcome(source, values, "accountframe")
    theirs = outcome(source, values, "celpy")
    event(f"outcome: {ours[0]}")
    if ours[0] == theirs[0] == "error":
        return
    if ours[0] == theirs[0] == "value" and same(ours[1], theirs[1]):
        return
    departure = known_departure(source, ours, theirs)
    if departure is not None:
        event(f"known departure: {departure}")
        return
    raise AssertionError(f"{source!r}\nwith {values!r}\naccountframe: {ours}\ncelpy: {theirs}")
