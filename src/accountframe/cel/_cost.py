"""The cost model: what one evaluation may spend, and how large a value it may make.

Kubernetes bounds CEL by cost, not time: cel-go charges every operation, and operations on
strings and lists by their size, against a budget per evaluation. accountframe does the same
in both engines (docs/limits.md has the table):

* every operation costs 1: an operator, a field selection, a call, a literal;
* work that grows with a value's size costs 1 more per `TEXT_UNIT` characters or bytes
  (comparing two strings neither of which is a constant, `+`, `contains`, `startsWith`,
  `endsWith`, `matches`, `string()`, `bytes()`) and 1 per element of a list or map, nested ones
  included (`==` and `in` over lists and maps, `+` of lists, `sum()`);
* a value made by the evaluation (by `+`, `string()`, `bytes()`, `map`, `filter`) may hold at
  most `Limits.max_value_size` characters, bytes or elements.

The accountframe engine charges each macro iteration `1 +` the operations of the macro's body,
counted when lowering (an upper bound: a branch not taken is charged too), and the operations
outside macros once; it keeps the meter in the activation of an evaluation that runs a macro,
the only kind that repeats work. An expression without a macro runs each operation at most
once, so its work is bounded by its length (`Limits.max_length`) and the sizes of its values;
the size cap applies to it all the same. The celpy engine charges each node it visits.

Beyond a limit the evaluation stops with `BudgetExceeded`, which no operator or macro absorbs,
and `Program.evaluate` raises `CelEvaluationError` with `exceeded_message`.

This stands in for cel-go's cost tracker (`interpreter.CostTracker`, which Kubernetes uses):
cel-python has no cost tracking of any kind, and no Python library offers one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accountframe.cel.limits import Limits

__all__ = [
    "BUDGET",
    "COST",
    "ITERATIONS",
    "MAKING_CALLS",
    "SIZE",
    "SIZED_CALLS",
    "TEXT_UNIT",
    "BudgetExceeded",
    "Meter",
    "call_units",
    "exceeded",
    "exceeded_message",
    "made",
    "new_meter",
    "scan_units",
    "size_units",
    "spend",
    "too_large",
    "work_units",
]

#: The activation key of an evaluation's meter: not an identifier, so no variable can clash.
BUDGET = "#budget"
#: Characters (or bytes) of string work that cost 1.
TEXT_UNIT = 100

ITERATIONS = "iterations"
COST = "cost"
SIZE = "size"

#: An evaluation's meter: `[iterations left, cost left]`, spent in place (a list, not an
#: object: the macros' loops decrement it on every iteration).
Meter = list[int]


class BudgetExceeded(Exception):
    """A limit of the evaluation was reached: a hard stop, never absorbed.

    `kind` is `ITERATIONS`, `COST` or `SIZE`; for `SIZE`, `detail` says what was too large.
    """

    def __init__(self, kind: str = ITERATIONS, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


def new_meter(limits: Limits, spent: int = 0) -> Meter:
    """A full meter for one evaluation, less `spent` (the operations outside macros)."""
    return [limits.max_iterations, limits.max_cost - spent]


def exceeded(meter: Meter) -> BudgetExceeded:
    """The error for a meter found overspent."""
    return BudgetExceeded(ITERATIONS if meter[0] < 0 else COST)


def exceeded_message(error: BudgetExceeded, limits: Limits) -> str:
    """The CEL error message for `error`, naming the limit.

    Example:
        >>> exceeded_message(BudgetExceeded(COST), Limits(max_cost=100))
        'evaluation budget exceeded: cost over 100'
        >>> exceeded_message(BudgetExceeded(SIZE, "a string of 12 characters"), Limits(max_value_size=10))
        'value too large: a string of 12 characters; the limit is 10'
    """  # noqa: E501 - the doctest is one line
    if error.kind == COST:
        return f"evaluation budget exceeded: cost over {limits.max_cost:,}"
    if error.kind == SIZE:
        return f"value too large: {error.detail}; the limit is {limits.max_value_size:,}"
    return (
        f"evaluation budget exceeded: more than {limits.max_iterations:,} comprehension iterations"
    )


def spend(meter: Meter, units: int) -> None:
    """Take `units` of cost from `meter`; raise when it is overspent."""
    meter[1] -= units
    if meter[1] < 0:
        raise BudgetExceeded(COST)


def work_units(value: Any) -> int:
    """The cost of a scan of `value`: text by `TEXT_UNIT`, a list or map by its elements."""
    if isinstance(value, str | bytes):
        return len(value) // TEXT_UNIT
    if isinstance(value, list | dict):
        return len(value)
    return 0


def size_units(value: Any, limit: int) -> int:
    """The cost of comparing `value` element by element, nested lists and maps included.

    Counting stops once it passes `limit` (the cost left), so the count itself is bounded by
    the budget: a list of ten million elements is not walked to learn that it is too large.

    Example:
        >>> size_units([[1, 2], {"a": "x" * 250}], 1_000)
        8
        >>> size_units(list(range(10**6)), 10)
        11
    """
    total = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str | bytes):
            total += len(item) // TEXT_UNIT
        elif isinstance(item, list):
            total += len(item)
            if total <= limit:
                pending.extend(item)
        elif isinstance(item, dict):
            total += 2 * len(item)
            if total <= limit:
                pending.extend(item)
                pending.extend(item.values())
        if total > limit:
            return limit + 1
    return total


#: Functions whose work grows with their arguments (`call_units`), and those of them that make
#: a new value (held to the size cap).
SIZED_CALLS = frozenset({"contains", "matches", "startsWith", "endsWith", "string", "bytes", "sum"})
MAKING_CALLS = frozenset({"string", "bytes"})


def call_units(name: str, values: Sequence[Any], left: int) -> int:
    """The cost, beyond the call's own 1, of calling `name` (one of `SIZED_CALLS`) with
    `values`; `left` is the cost left, which bounds the counting of a list.

    Example:
        >>> call_units("contains", ["x" * 1_000, "y"], 100)
        10
        >>> call_units("startsWith", ["x" * 1_000, "y" * 200], 100)
        2
    """
    first = values[0] if values else None
    second = values[1] if len(values) > 1 else None
    if name in ("startsWith", "endsWith"):
        return work_units(second)  # a prefix or suffix is compared, not the whole text
    if isinstance(first, list):
        return scan_units(first, second, left)
    units = work_units(first) if isinstance(first, str | bytes) else 0
    if name == "matches" and isinstance(second, str):
        units += len(second) // TEXT_UNIT  # the pattern is compiled
    return units


def scan_units(container: list[Any], item: Any, left: int) -> int:
    """The cost of looking for `item` in the list `container` (`in`, `contains`): one
    comparison with each element, each costing up to `item`'s own size.

    Example:
        >>> scan_units(["a"] * 1_000, "b", 10**6)
        1000
        >>> scan_units([[1, 2]] * 1_000, [1, 2], 10**6)
        3000
    """
    return len(container) * (1 + size_units(item, left))


def made(value: Any, cap: int) -> None:
    """Raise unless `value`, made by the evaluation, is within the size cap `cap`."""
    if isinstance(value, str | bytes | list | dict) and len(value) > cap:
        raise BudgetExceeded(SIZE, _described(value, len(value)))


def _described(value: Any, size: int) -> str:
    if isinstance(value, str):
        return f"a string of {size:,} characters"
    if isinstance(value, bytes):
        return f"bytes of length {size:,}"
    if isinstance(value, list):
        return f"a list of {size:,} elements"
    return f"a map of {size:,} entries"


def too_large(value: Any, size: int) -> BudgetExceeded:
    """The error for a value of `size` (about to be made) over the cap."""
    return BudgetExceeded(SIZE, _described(value, size))
