"""The accountframe engine's building blocks: a lowered operation (`Code`, or a `Const` known at
compile time), and closures for operators specialised by the shape of their operands (a
constant on one side, a field selection, a list of constants, the int case of `+`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import accountframe.cel._runtime as rt
from accountframe.cel._cost import (
    BUDGET,
    COST,
    TEXT_UNIT,
    BudgetExceeded,
    scan_units,
    size_units,
    spend,
    too_large,
)
from accountframe.cel._runtime import CelFailure, Uint

__all__ = ["BINARY", "Code", "Const", "Lowered", "as_code", "failing_code", "fold"]

Code = Callable[[dict[str, Any]], Any]


class Const:
    """A value known at compile time."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


Lowered = Const | Code


def as_code(lowered: Lowered) -> Code:
    if isinstance(lowered, Const):
        value = lowered.value

        def constant(act: dict[str, Any]) -> Any:
            return value

        return constant
    return lowered


def failing_code(message: str) -> Code:
    def failing(act: dict[str, Any]) -> Any:
        raise CelFailure(message)

    return failing


def fold(operation: Callable[..., Any], *arguments: Const) -> Lowered:
    """`operation` over constants, at compile time; an error stays an error of the evaluation."""
    try:
        return Const(operation(*(argument.value for argument in arguments)))
    except CelFailure as failure:
        return failing_code(failure.message)
    except Exception as error:  # a Python failure is an evaluation error too, never compile's
        return failing_code(f"evaluation failed: {type(error).__name__}: {error}")


def not_equal(left: Any, right: Any) -> bool:
    return not rt.equal(left, right)


BINARY = {
    "relation_eq": rt.equal,
    "relation_ne": not_equal,
    "relation_lt": rt.less,
    "relation_le": rt.less_equal,
    "relation_gt": rt.greater,
    "relation_ge": rt.greater_equal,
    "relation_in": rt.contained,
    "addition_add": rt.add,
    "addition_sub": rt.subtract,
    "multiplication_mul": rt.multiply,
    "multiplication_div": rt.divide,
    "multiplication_mod": rt.modulo,
}


# Types whose `==` and ordering are Python's own when both operands have that exact type.
SIMPLE = frozenset(
    {int, float, str, bool, bytes, type(None), datetime.datetime, datetime.timedelta}
)
SIMPLE_ORDER = frozenset({int, float, str, bytes, datetime.datetime, datetime.timedelta})
# The same without str and bytes, whose comparison costs by their length (`_cost`).
SCALAR = SIMPLE - {str, bytes}
SCALAR_ORDER = SIMPLE_ORDER - {str, bytes}


def compare_text(act: dict[str, Any], left: str | bytes, right: str | bytes) -> None:
    """Spend the cost of comparing two strings (or bytes) of which neither is a constant."""
    size = min(len(left), len(right))
    if size >= TEXT_UNIT:
        meter = act.get(BUDGET)
        if meter is not None:
            spend(meter, size // TEXT_UNIT)


def equal_sized(act: dict[str, Any], left: Any, right: Any) -> bool:
    """CEL's `==` where neither side is a str, bytes or scalar of the other's type: lists and
    maps spend the cost of comparing them element by element."""
    kind = type(left)
    if kind is type(right) and kind in _CONTAINERS and len(left) == len(right):
        meter = act.get(BUDGET)
        if meter is not None:  # (lists or maps of different sizes are unequal at once)
            spend(meter, size_units(left, meter[1]))
    return rt.equal(left, right)


def contained_metered(first: Code, second: Code) -> Code:
    """CEL's `item in container` inside a macro's body, for a container that is not a
    constant: a list spends the cost of the scan (a map's lookup costs nothing more)."""

    def contained(act: dict[str, Any]) -> bool:
        item = first(act)
        container = second(act)
        if type(container) is list:
            meter = act[BUDGET]
            kind = type(item)
            if kind is str:
                meter[1] -= len(container) * (1 + len(item) // TEXT_UNIT)
                if meter[1] < 0:
                    raise BudgetExceeded(COST)
                return item in container  # a str equals only a str, in Python as in CEL
            spend(meter, scan_units(container, item, meter[1]))
        return rt.contained(item, container)

    return contained


def concatenate(act: dict[str, Any], left: Any, right: Any, cap: int) -> Any:
    """CEL's `+` where the int case did not apply: strings, bytes and lists are held to the size
    cap `cap` before they are made, and spend the cost of the copy."""
    kind = type(left)
    if type(right) is kind and (kind is str or kind is bytes or kind is list):
        size = len(left) + len(right)
        if size > cap:
            raise too_large(left, size)
        units = size if kind is list else size // TEXT_UNIT
        if units:
            meter = act.get(BUDGET)
            if meter is not None:
                spend(meter, units)
        return left + right
    return rt.add(left, right)


_CONTAINERS = frozenset({list, dict})


def build_map(*parts: Any) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for position in range(0, len(parts), 2):
        key = parts[position]
        kind = type(key)
        if kind not in (str, int, Uint, bool):
            rt.fail(f"a map key must be an int, uint, bool or string (got {rt.type_name(key)})")
        if rt.lookup(result, key) is not rt.MISSING:
            rt.fail(f"duplicate map key {key!r}")
        if kind is not bool and key in (0, 1) and any(type(k) is bool for k in result):
            rt.fail(f"map key {key!r} clashes with a bool key in this engine")
        result[key] = parts[position + 1]
    return result


def checked_call(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def checked(*values: Any) -> Any:
        try:
            return function(*values)
        except TypeError:
            rt.no_overload(name, *values)

    return checked


#: The types `+` makes a larger value of: held to the size cap.
_GROWING = frozenset({str, bytes, list})


def additive(subtract: bool, first: Code, second: Code, cap: int) -> Code:
    """`+` and `-` with the int case inline (the commonest, and its overflow check); `cap`:
    the size cap of a string, bytes or list that `+` makes."""
    if subtract:

        def minus(act: dict[str, Any]) -> Any:
            a = first(act)
            b = second(act)
            if type(a) is int and type(b) is int:
                result = a - b
                if rt.INT64_MIN <= result <= rt.INT64_MAX:
                    return result
            return rt.subtract(a, b)

        return minus

    def plus(act: dict[str, Any]) -> Any:
        a = first(act)
        b = second(act)
        kind = type(a)
        if kind is int and type(b) is int:
            result = a + b
            if rt.INT64_MIN <= result <= rt.INT64_MAX:
                return result
        elif kind in _GROWING:
            return concatenate(act, a, b, cap)
        return rt.add(a, b)

    return plus


#: A one-field selection `a.b` as `_Lowerer.fields` records it: (a, b).
Field = tuple[str, str]


def equal_constant(
    negated: bool, left: Lowered, right: Lowered, field: Field | None = None
) -> Code:
    """`x == "gold"` (either side constant): compare with the constant, no second call.

    `field`: when the other side is a one-field selection `a.b`, what `_Lowerer.fields` has
    for it; the selection is then made in the same closure (the commonest shape of a
    condition, `review.forum == "board"`), and only where that does not find a value of the
    constant's type is the selection's own closure called, which reads it as usual (or fails).
    """
    constant, other = (left, right) if isinstance(left, Const) else (right, left)
    assert isinstance(constant, Const)
    value = constant.value
    kind = type(value)
    code = as_code(other)
    if kind not in SIMPLE:

        def general(act: dict[str, Any]) -> bool:
            return rt.equal(code(act), value) is not negated

        return general
    if field is not None:
        root, name = field

        def field_equal(act: dict[str, Any]) -> bool:
            target = act.get(root, rt.MISSING)
            if type(target) is dict:
                found = target.get(name, rt.MISSING)
                if type(found) is kind:
                    return (found == value) is not negated
            found = code(act)
            if type(found) is kind:
                return (found == value) is not negated
            return rt.equal(found, value) is not negated

        return field_equal

    def equal_constant(act: dict[str, Any]) -> bool:
        found = code(act)
        if type(found) is kind:
            return (found == value) is not negated
        return rt.equal(found, value) is not negated

    return equal_constant


def membership(item: Code, container: Any, field: Field | None = None) -> Lowered:
    """`x in [constants]`: a set lookup when the item has the constants' (single) type;
    `field` as for `equal_constant`."""
    if type(container) is list and container:
        kinds = {type(element) for element in container}
        if len(kinds) == 1 and kinds <= {str, int}:
            (kind,) = kinds
            members = frozenset(container)
            if field is not None:
                root, name = field

                def field_member(act: dict[str, Any]) -> bool:
                    target = act.get(root, rt.MISSING)
                    if type(target) is dict:
                        found = target.get(name, rt.MISSING)
                        if type(found) is kind:
                            return found in members
                    found = item(act)
                    if type(found) is kind:
                        return found in members
                    return rt.contained(found, container)

                return field_member

            def member(act: dict[str, Any]) -> bool:
                value = item(act)
                if type(value) is kind:
                    return value in members
                return rt.contained(value, container)

            return member

    def contained(act: dict[str, Any]) -> bool:
        return rt.contained(item(act), container)

    return contained


def matches_constant(text: Code, pattern: Any) -> Lowered:
    """`s.matches("literal")`: the pattern compiled once (or its error kept for evaluation)."""
    if type(pattern) is not str:
        return failing_code(
            f"no matching overload for 'matches' applied to (?, {rt.type_name(pattern)})"
        )
    try:
        compiled = rt.regex(pattern)
    except CelFailure as failure:
        return failing_code(failure.message)
    search = compiled.search

    def matches(act: dict[str, Any]) -> bool:
        value = text(act)
        if type(value) is str:
            if len(value) >= TEXT_UNIT:
                meter = act.get(BUDGET)
                if meter is not None:
                    spend(meter, len(value) // TEXT_UNIT)
            return search(value) is not None
        rt.no_overload("matches", value, pattern)

    return matches


def ordering_constant(name: str, first: Code, bound: Any) -> Code:
    """`x <= 90` (the right side constant): compare with it directly when the types match."""
    operator = BINARY[name]
    kind = type(bound)
    if name == "relation_lt":

        def less(act: dict[str, Any]) -> bool:
            a = first(act)
            return bool(a < bound) if type(a) is kind else bool(operator(a, bound))

        return less
    if name == "relation_le":

        def less_equal(act: dict[str, Any]) -> bool:
            a = first(act)
            return bool(a <= bound) if type(a) is kind else bool(operator(a, bound))

        return less_equal
    if name == "relation_gt":

        def greater(act: dict[str, Any]) -> bool:
            a = first(act)
            return bool(a > bound) if type(a) is kind else bool(operator(a, bound))

        return greater

    def greater_equal(act: dict[str, Any]) -> bool:
        a = first(act)
        return bool(a >= bound) if type(a) is kind else bool(operator(a, bound))

    return greater_equal


def ordering(name: str, first: Code, second: Code) -> Code:
    operator = BINARY[name]
    if name == "relation_lt":

        def less(act: dict[str, Any]) -> bool:
            a = first(act)
            b = second(act)
            kind = type(a)
            if kind is type(b):
                if kind in SCALAR_ORDER:
                    return bool(a < b)
                if kind is str or kind is bytes:
                    if len(a) >= TEXT_UNIT:
                        compare_text(act, a, b)
                    return bool(a < b)
            return bool(operator(a, b))

        return less
    if name == "relation_le":

        def less_equal(act: dict[str, Any]) -> bool:
            a = first(act)
            b = second(act)
            kind = type(a)
            if kind is type(b):
                if kind in SCALAR_ORDER:
                    return bool(a <= b)
                if kind is str or kind is bytes:
                    if len(a) >= TEXT_UNIT:
                        compare_text(act, a, b)
                    return bool(a <= b)
            return bool(operator(a, b))

        return less_equal
    if name == "relation_gt":

        def greater(act: dict[str, Any]) -> bool:
            a = first(act)
            b = second(act)
            kind = type(a)
            if kind is type(b):
                if kind in SCALAR_ORDER:
                    return bool(a > b)
                if kind is str or kind is bytes:
                    if len(a) >= TEXT_UNIT:
                        compare_text(act, a, b)
                    return bool(a > b)
            return bool(operator(a, b))

        return greater

    def greater_equal(act: dict[str, Any]) -> bool:
        a = first(act)
        b = second(act)
        kind = type(a)
        if kind is type(b):
            if kind in SCALAR_ORDER:
                return bool(a >= b)
            if kind is str or kind is bytes:
                if len(a) >= TEXT_UNIT:
                    compare_text(act, a, b)
                return bool(a >= b)
        return bool(operator(a, b))

    return greater_equal
