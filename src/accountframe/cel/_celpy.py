"""The celpy engine: cel-python's interpreter, stepped and metered.

`Runner` evaluates a parse tree with `MeteredEvaluator`, celpy's `Evaluator` changed in two
ways that keep its semantics:

* it steps over nodes that only pass their one child through, and visits children without
  lark's helper frames, which bounds its recursion (see `accountframe.cel._engine`);
* it spends a meter (`_cost`) per evaluation: 1 per node it visits, one iteration per element
  a macro visits, and, through the operators and functions it is given for that evaluation,
  the cost of string and list work; a value it makes is held to the size cap. Beyond a limit
  it raises `BudgetExceeded`, which celpy does not catch.

`cel_message` turns celpy's messages (activation dumps, Python class reprs) into CEL's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import celpy
import lark
from celpy.evaluation import Activation, Evaluator, base_functions

from accountframe.cel._cost import (
    COST,
    MAKING_CALLS,
    SIZED_CALLS,
    TEXT_UNIT,
    BudgetExceeded,
    Meter,
    call_units,
    exceeded,
    made,
    new_meter,
    scan_units,
    size_units,
    spend,
    too_large,
)
from accountframe.cel.limits import Limits

__all__ = ["MeteredEvaluator", "Runner", "cel_message", "step_over"]

# Nodes the evaluator passes straight through when they have a single child.
PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication",
     "unary", "member"}
)  # fmt: skip


def step_over(tree: Any) -> Any:
    """The first node below `tree` that does real work (see the module docstring)."""
    while True:
        children = tree.children
        if len(children) == 1:
            if tree.data in PASS_THROUGH:
                tree = children[0]
                continue
            if tree.data == "primary":
                child = children[0]
                if child.data == "paren_expr":
                    tree = child.children[0]
                    continue
                if child.data == "literal":
                    tree = child
                    continue
        return tree


class MeteredEvaluator(Evaluator):
    """celpy's interpreter, stepping over pass-through nodes and lark's helper frames, and
    spending `meter` (see the module docstring).

    Semantics are unchanged: every node stepped over would have returned its only child's value.
    """

    def __init__(
        self, ast: Any, activation: Any, meter: Meter, cap: int, *, iterating: bool = False
    ) -> None:
        super().__init__(ast, activation=activation)
        self.meter = meter
        self.cap = cap
        #: A macro's body: each evaluation is one iteration.
        self.iterating = iterating

    def evaluate(self, context: Any = None) -> Any:
        if self.iterating:
            meter = self.meter
            meter[0] -= 1
            if meter[0] < 0:
                raise exceeded(meter)
        return super().evaluate(context)

    def visit(self, tree: Any) -> Any:
        return self._visit_tree(tree)

    def _visit_tree(self, tree: Any) -> Any:
        tree = step_over(tree)
        meter = self.meter
        meter[1] -= 1
        if meter[1] < 0:
            raise BudgetExceeded(COST)
        return getattr(self, tree.data)(tree)

    def member_dot_arg(self, tree: Any) -> Any:
        result = super().member_dot_arg(tree)
        if isinstance(result, list) and len(result) > self.cap:  # `map` and `filter` make lists
            raise too_large(result, len(result))
        return result

    def visit_children(self, tree: Any) -> list[Any]:
        results = []
        for child in tree.children:
            results.append(self._visit_tree(child) if isinstance(child, lark.Tree) else child)
        return results

    def sub_evaluator(self, ast: Any) -> Any:
        # Macros (all, exists, map, ...) evaluate their bodies in a sub-evaluator, once per
        # element: it spends the same meter, an iteration each time.
        return MeteredEvaluator(ast, self.activation, self.meter, self.cap, iterating=True)


class Runner(celpy.InterpretedRunner):
    """celpy's interpreted runner with a meter per evaluation, within `limits`."""

    def __init__(
        self, environment: Any, ast: Any, functions: dict[str, Any], limits: Limits
    ) -> None:
        super().__init__(environment, ast, functions)
        self.limits = limits

    def evaluate(self, context: Any) -> Any:
        # A fresh meter, evaluator and activation per call: nothing shared between threads.
        meter = new_meter(self.limits)
        cap = self.limits.max_value_size
        functions: dict[str, Any] = dict(self.functions or {})
        functions.update(metered_functions(meter, cap, functions))
        activation = Activation(
            package=self.environment.package,
            annotations=self.environment.annotations,
            functions=functions,
        )
        return MeteredEvaluator(self.ast, activation, meter, cap).evaluate(context)


def metered_functions(
    meter: Meter, cap: int, given: dict[str, Callable[..., Any]] | None = None
) -> dict[str, Callable[..., Any]]:
    """celpy's operators and sized functions, each spending `meter` before it runs (see
    `_cost`); `+`, `string()` and `bytes()` hold what they make to the size cap `cap`.
    `given`: the functions the program was built with, where a sized one celpy lacks
    (accountframe's `sum`) is found."""
    functions: dict[str, Callable[..., Any]] = {}
    add = base_functions["_+_"]

    def plus(left: Any, right: Any) -> Any:
        for kind in (str, bytes, list):
            if isinstance(left, kind) and isinstance(right, kind):
                size = len(left) + len(right)
                if size > cap:
                    raise too_large(left, size)
                spend(meter, size if kind is list else size // TEXT_UNIT)
        return add(left, right)

    functions["_+_"] = plus
    for name in ("_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_"):
        functions[name] = _comparing(base_functions[name], meter)
    contained = base_functions["_in_"]

    def within(item: Any, container: Any) -> Any:
        if isinstance(container, list):
            spend(meter, scan_units(container, item, meter[1]))
        return contained(item, container)

    functions["_in_"] = within
    for name in SIZED_CALLS:
        function = base_functions.get(name) or (given or {}).get(name)
        if function is not None:
            functions[name] = _sized(name, function, meter, cap)
    return functions


def _comparing(compare: Callable[[Any, Any], Any], meter: Meter) -> Callable[[Any, Any], Any]:
    def compared(left: Any, right: Any) -> Any:
        if isinstance(left, str | bytes) and isinstance(right, str | bytes):
            spend(meter, min(len(left), len(right)) // TEXT_UNIT)
        elif (
            isinstance(left, list | dict)
            and isinstance(right, list | dict)
            and len(left) == len(right)  # (of different sizes, they are unequal at once)
        ):
            spend(meter, size_units(left, meter[1]))
        return compare(left, right)

    return compared


def _sized(name: str, function: Callable[..., Any], meter: Meter, cap: int) -> Callable[..., Any]:
    making = name in MAKING_CALLS

    def sized(*values: Any) -> Any:
        spend(meter, call_units(name, values, meter[1]))
        result = function(*values)
        if making and values and isinstance(result, str) != isinstance(values[0], str):
            made(result, cap)  # (a string given to string() is returned, not made)
        return result

    return sized


# --- Cleaning celpy's messages for people ----------------------------------------------------

_ACTIVATION = re.compile(r"\s*\(in activation '.*\Z", re.DOTALL)
_OVERLOAD = re.compile(
    r"found no matching overload for (?:Token\('RULE', '(?P<rule>\w+)'\)|(?P<name>\S+)) "
    r"applied to '\((?P<types>.*)\)'",
    re.DOTALL,
)
_CLASS = re.compile(r"<class '(?:[\w.]+\.)?(\w+)'>")
_RULE_OPERATORS = {
    "relation_eq": "==", "relation_ne": "!=", "relation_lt": "<", "relation_le": "<=",
    "relation_gt": ">", "relation_ge": ">=", "relation_in": "in",
    "addition_add": "+", "addition_sub": "-",
    "multiplication_mul": "*", "multiplication_div": "/", "multiplication_mod": "%",
    "unary_not": "!", "unary_neg": "-",
    "_?_:_": "?:", "_||_": "||", "_&&_": "&&",
}  # fmt: skip
_CLASS_NAMES = {
    "BoolType": "bool", "IntType": "int", "UintType": "uint", "DoubleType": "double",
    "StringType": "string", "BytesType": "bytes", "ListType": "list", "MapType": "map",
    "TimestampType": "timestamp", "DurationType": "duration", "NoneType": "null_type",
    "TypeType": "type", "CELEvalError": "error", "MessageType": "map",
}  # fmt: skip


def cel_message(error: BaseException) -> str:
    """celpy's message for `error`, without activation dumps and Python reprs.

    Example:
        >>> from celpy.evaluation import CELEvalError
        >>> cel_message(CELEvalError("undeclared reference to 'x' (in activation 'Activation(...)')"))
        "undeclared reference to 'x'"
    """  # noqa: E501 - the doctest is one line
    first = error.args[0] if error.args else ""
    text = first if isinstance(first, str) else str(error)
    text = _ACTIVATION.sub("", text)

    def overload(match: re.Match[str]) -> str:
        name = match["rule"] or match["name"]
        operator = _RULE_OPERATORS.get(name, name)
        types = _CLASS.sub(lambda m: _CLASS_NAMES.get(m[1], m[1]), match["types"])
        return f"no matching overload for {operator!r} applied to ({types})"

    text = _OVERLOAD.sub(overload, text)
    text = _CLASS.sub(lambda m: _CLASS_NAMES.get(m[1], m[1]), text)
    token = getattr(error, "token", None)
    if text == "no such overload" and token is not None:
        text = f"no matching overload for {str(token)!r}"
    return text or type(error).__name__
