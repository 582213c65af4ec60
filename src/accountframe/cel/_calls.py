"""Lowering CEL calls, `has()` and macros into closures (the accountframe engine's part of
`_lower`, which lowers every other node and hands these here).

A call to a known function becomes a closure calling it (folded at compile time when every
argument is a constant); a call whose work grows with its arguments' sizes spends the cost of
that work (`_cost.SIZED_CALLS`); `has(m.f)` tests for the field; a macro's closure is built by
`_macros` with the cost of each iteration worked out here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import lark

import accountframe.cel._runtime as rt
from accountframe.cel._cost import BUDGET, MAKING_CALLS, SIZED_CALLS, call_units, made, spend
from accountframe.cel._library import FUNCTIONS
from accountframe.cel._macros import MACRO_BUILDERS, build_filter
from accountframe.cel._operators import (
    Code,
    Const,
    Lowered,
    as_code,
    checked_call,
    failing_code,
    fold,
    matches_constant,
)
from accountframe.cel._tree import bound_name, macro_parts, step

if TYPE_CHECKING:
    from accountframe.cel._lower import Lowerer

__all__ = ["CallLowerer"]


class CallLowerer:
    """Lowers the calls, `has()` and macros of one expression for its `Lowerer`."""

    def __init__(self, lowerer: Lowerer) -> None:
        self.lowerer = lowerer

    def call(self, name: str, argument_nodes: list[Any]) -> Lowered:
        if name == "size" and len(argument_nodes) == 1:
            node = step(argument_nodes[0])
            parts = macro_parts(node)
            if parts is not None and str(node.children[1]) == "filter":
                # `xs.filter(x, p).size()`, the usual way to count: the filter's own loop
                # gives the count (a filter's result is a list, whose size cannot fail).
                target_node, variable_node, bodies = parts
                return self.macro("filter", target_node, [variable_node, *bodies], counted=True)
        function = FUNCTIONS.get(name)
        arguments = [self.lowerer.lower(child) for child in argument_nodes]
        if function is None:
            return failing_code(f"undeclared reference to {name!r}")
        if all(isinstance(argument, Const) for argument in arguments):
            return fold(checked_call(name, function), *arguments)  # type: ignore[arg-type]
        if name == "matches" and len(arguments) == 2 and isinstance(arguments[1], Const):
            return matches_constant(as_code(arguments[0]), arguments[1].value)
        codes = [as_code(argument) for argument in arguments]
        if name in SIZED_CALLS:
            return self.sized_call(name, function, codes)
        if len(codes) == 1:
            (only,) = codes

            def call_one(act: dict[str, Any]) -> Any:
                value = only(act)
                try:
                    return function(value)
                except TypeError:
                    rt.no_overload(name, value)

            return call_one
        if len(codes) == 2:
            first, second = codes

            def call_two(act: dict[str, Any]) -> Any:
                a = first(act)
                b = second(act)
                try:
                    return function(a, b)
                except TypeError:
                    rt.no_overload(name, a, b)

            return call_two

        def call_many(act: dict[str, Any]) -> Any:
            values = [code(act) for code in codes]
            try:
                return function(*values)
            except TypeError:
                rt.no_overload(name, *values)

        return call_many

    def sized_call(self, name: str, function: Callable[..., Any], codes: list[Code]) -> Code:
        """A call to one of `SIZED_CALLS`: it spends the cost of its work (`call_units`), and
        a value it makes is held to the size cap."""
        cap = self.lowerer.cap
        making = name in MAKING_CALLS

        def call_sized(act: dict[str, Any]) -> Any:
            values = [code(act) for code in codes]
            meter = act.get(BUDGET)
            if meter is not None:
                units = call_units(name, values, meter[1])
                if units:
                    spend(meter, units)
            try:
                result = function(*values)
            except TypeError:
                rt.no_overload(name, *values)
            if making and isinstance(result, str) != isinstance(values[0], str):
                made(result, cap)  # (a string given to string() is returned, not made)
            return result

        return call_sized

    def has(self, arguments: list[Any]) -> Lowered:
        selection = step(arguments[0]) if len(arguments) == 1 else None
        if not (isinstance(selection, lark.Tree) and selection.data == "member_dot"):
            return failing_code("has() needs a field selection, like has(m.f)")
        target_node, name_token = selection.children
        name = str(name_token)
        target = as_code(self.lowerer.lower(target_node))

        def has(act: dict[str, Any]) -> bool:
            value = target(act)
            if type(value) is dict:
                return name in value
            return rt.has_field(value, name)

        return has

    def macro(
        self, name: str, target_node: Any, arguments: list[Any], *, counted: bool = False
    ) -> Lowered:
        """A macro's closure; `counted` (a `filter` only): the size of its result instead."""
        variable = bound_name(arguments[0]) if arguments else None
        expected = (2, 3) if name == "map" else (2,)
        if variable is None or len(arguments) not in expected:
            return failing_code(
                f"no matching overload for {name!r}: expected .{name}(variable, ...)"
            )
        lowerer = self.lowerer
        lowerer.uses_macros = True
        target = as_code(lowerer.lower(target_node))
        # Each iteration costs 1 + the body's operations; a macro nested in the body charges
        # its own iterations, so its body is not counted in this one's.
        outside, lowerer.operations = lowerer.operations, 0
        lowerer.looping += 1
        bodies = [as_code(lowerer.lower(body)) for body in arguments[1:]]
        lowerer.looping -= 1
        each = 1 + lowerer.operations
        lowerer.operations = outside
        cap = lowerer.cap
        if counted:
            (predicate,) = bodies
            return build_filter(target, variable, predicate, step=each, cap=cap, counted=True)
        build = MACRO_BUILDERS[name if len(bodies) == 1 else "map_filter"]
        return build(target, variable, *bodies, step=each, cap=cap)
