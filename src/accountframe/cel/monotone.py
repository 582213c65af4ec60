"""Which way an expression moves as the date moves: the history engine's shortcut.

For a fixed contract, an expression that reads the date (`now`, `portfolio.as_of`) is a
function of the date alone. Many such functions only ever move one way as the date advances:
`contract.end >= now` can turn from true to false but never back; the number of SRO changes
in the last 24 months, `...filter(a, a.start > add_months(now, -24)).size()`, can only fall.
A boolean that moves one way changes at most once, so the day it changes can be found by
bisection, with a handful of evaluations instead of one a day.

`direction(program)` reads the parse tree, evaluating nothing, and says how the value moves as
the date advances: `CONSTANT` (it does not read the date), `UP` (never decreases: false before
true, smaller before larger, a growing list), `DOWN` (never increases), or `UNKNOWN`. The rules
are those of monotone functions: `now` is UP; adding or subtracting a constant, `add_months`
with a constant count and `days_between` keep or flip a direction; an order comparison
(`<`, `<=`, `>`, `>=`) of a moving value with a constant one is a moving boolean; `!` and
unary `-` flip; `&&` and `||` of operands that move the same way (or not at all) move that way;
`exists`, `all` and `filter` over a constant list move as their condition does, and `size`
as the list. Anything else that reads the date (`==`, `in`, arithmetic of two moving values,
other functions, a `?:`) is UNKNOWN.

`moving_conditions(program)` gives the boolean conditions an expression is built from with
`&&`, `||` and `?:` (as `cel.subconditions` finds them), when each of them is constant or
moves one way: the expression can then change only on a day when one of them does.

Errors: an expression with a constant error (a missing field) keeps it; dates so far from today
that date arithmetic leaves the calendar are not handled (callers keep to years 1100 to 9000).

Example:
    >>> from accountframe import cel
    >>> direction(cel.compile("contract.end >= now"))
    'down'
    >>> direction(cel.compile("add_months(contract.start, 3) <= now && contract.live"))
    'up'
    >>> direction(cel.compile("contract.end == now"))
    'unknown'
    >>> [part.source for part in moving_conditions(cel.compile(
    ...     "is_live && contract.end >= now && contract.end <= add_months(now, 18)"))]
    ['contract.end >= now', 'contract.end <= add_months(now, 18)']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import lark

from accountframe.cel._engine import Program
from accountframe.cel._tree import MACROS, listed, macro_parts, step
from accountframe.cel.anatomy import Subcondition, subconditions

__all__ = ["CONSTANT", "DOWN", "UNKNOWN", "UP", "Direction", "direction", "moving_conditions"]

Direction = Literal["constant", "up", "down", "unknown"]
CONSTANT: Direction = "constant"
UP: Direction = "up"
DOWN: Direction = "down"
UNKNOWN: Direction = "unknown"

_FLIP: dict[Direction, Direction] = {UP: DOWN, DOWN: UP, CONSTANT: CONSTANT, UNKNOWN: UNKNOWN}
#: Order comparisons: `moving < constant` moves opposite to the moving side; `<=` likewise.
_ORDER = {"relation_lt", "relation_le", "relation_gt", "relation_ge"}


def direction(program: Program, definitions: Mapping[str, Direction] | None = None) -> Direction:
    """How the program's value moves as the date advances (see the module).

    Args:
        program: A compiled expression.
        definitions: The direction of each definition it may use by name (a definition not
            listed is taken as constant: give the ones that read the date).
    """
    return _Walk(definitions or {}).direction(program._tree)


def moving_conditions(
    program: Program, definitions: Mapping[str, Direction] | None = None
) -> tuple[Subcondition, ...] | None:
    """The conditions that move one way (see the module), or None when one does not.

    The expression is taken apart as `cel.subconditions` does (the operands of `&&`/`||`
    chains and the parts of `?:`, recursively); each part that is not itself a chain must be
    constant (left out) or move one way (listed).
    """
    known = definitions or {}
    whole = direction(program, known)
    if whole in (UP, DOWN):
        return (_whole(program),)
    if whole == CONSTANT:
        return ()
    parts = subconditions(program)
    if not parts:
        return None
    found: list[Subcondition] = []
    for part in parts:
        inner = moving_conditions(part.program, known) if part.parts else None
        if part.parts and inner is not None:
            found.extend(inner)
            continue
        moves = direction(part.program, known)
        if moves == UNKNOWN:
            return None
        if moves != CONSTANT:
            found.append(part)
    return tuple(found)


def _whole(program: Program) -> Subcondition:
    return Subcondition(
        operator="", source=program.source, start=0, end=len(program.source), location=None,
        program=program,
    )  # fmt: skip


class _Walk:
    def __init__(self, definitions: Mapping[str, Direction]) -> None:
        self.definitions = definitions
        #: Names bound by enclosing macros (`x` in `list.exists(x, ...)`): constant elements.
        self.bound: list[str] = []

    def direction(self, tree: Any) -> Direction:
        node = step(tree)
        if not isinstance(node, lark.Tree):
            return CONSTANT  # a token: a literal's text
        handler = getattr(self, "_" + node.data, None)
        if handler is None:
            return UNKNOWN if self.reads_date(node) else CONSTANT
        result: Direction = handler(node)
        return result

    def reads_date(self, node: Any) -> bool:
        """Whether anything under `node` could be the date (a conservative reading)."""
        for sub in node.iter_subtrees() if isinstance(node, lark.Tree) else ():
            if sub.data in ("ident", "dot_ident") and sub.children:
                name = str(sub.children[0])
                if name in ("now", "portfolio") or self.definitions.get(name, CONSTANT) != CONSTANT:
                    return True
        return False

    def all_of(self, *directions: Direction) -> Direction:
        """Operands that move the same way (or not at all) move that way together."""
        moving = {d for d in directions if d != CONSTANT}
        if not moving:
            return CONSTANT
        return moving.pop() if len(moving) == 1 and UNKNOWN not in moving else UNKNOWN

    # -- leaves --------------------------------------------------------------------------

    def _literal(self, node: Any) -> Direction:
        return CONSTANT

    def _ident(self, node: Any) -> Direction:
        name = str(node.children[0])
        if name in self.bound:
            return CONSTANT
        if name == "now":
            return UP
        if name == "portfolio":
            return UNKNOWN  # whole: its as_of moves (a field of it is read by `_member_dot`)
        return self.definitions.get(name, CONSTANT)

    _dot_ident = _ident

    def _member_dot(self, node: Any) -> Direction:
        target, field = node.children
        inner = step(target)
        if (
            isinstance(inner, lark.Tree)
            and inner.data == "ident"
            and inner.children
            and str(inner.children[0]) == "portfolio"
            and "portfolio" not in self.bound
        ):
            return UP if str(field) == "as_of" else CONSTANT
        return CONSTANT if self.direction(target) == CONSTANT else UNKNOWN

    def _member_index(self, node: Any) -> Direction:
        return self.all_constant(node.children)

    def _list_lit(self, node: Any) -> Direction:
        return self.all_constant(listed(node.children[0] if node.children else None))

    def _map_lit(self, node: Any) -> Direction:
        return CONSTANT if not self.reads_date(node) else UNKNOWN

    def all_constant(self, children: list[Any]) -> Direction:
        return CONSTANT if all(self.direction(c) == CONSTANT for c in children) else UNKNOWN

    # -- operators -----------------------------------------------------------------------

    def _expr(self, node: Any) -> Direction:  # `c ? a : b`
        return self.all_constant(node.children)

    def _conditionalor(self, node: Any) -> Direction:
        return self.all_of(*(self.direction(child) for child in node.children))

    _conditionaland = _conditionalor

    def _unary(self, node: Any) -> Direction:
        _, operand = node.children
        return _FLIP[self.direction(operand)]  # `!` and `-` both flip

    def _relation(self, node: Any) -> Direction:
        operation, right_node = node.children
        name = operation.data
        left, right = self.direction(operation.children[0]), self.direction(right_node)
        if left == CONSTANT and right == CONSTANT:
            return CONSTANT
        if name not in _ORDER or UNKNOWN in (left, right):
            return UNKNOWN
        # `a < b` grows as b grows and as a falls: it moves as b does and against a.
        rising = right if name in ("relation_lt", "relation_le") else left
        falling = left if name in ("relation_lt", "relation_le") else right
        return self.all_of(rising, _FLIP[falling])

    def _addition(self, node: Any) -> Direction:
        operation, right_node = node.children
        left, right = self.direction(operation.children[0]), self.direction(right_node)
        if operation.data == "addition_sub":
            right = _FLIP[right]
        return self.all_of(left, right)

    def _multiplication(self, node: Any) -> Direction:
        operation, right_node = node.children
        return self.all_constant([operation.children[0], right_node])

    # -- calls ---------------------------------------------------------------------------

    def _ident_arg(self, node: Any) -> Direction:
        name_token, *rest = node.children
        name = str(name_token)
        arguments = listed(rest[0] if rest else None)
        moves = [self.direction(argument) for argument in arguments]
        if all(m == CONSTANT for m in moves):
            return CONSTANT
        if name == "add_months" and len(moves) == 2 and moves[1] == CONSTANT:
            return moves[0]  # month arithmetic keeps the order of dates
        if name == "days_between" and len(moves) == 2:
            return self.all_of(_FLIP[moves[0]], moves[1])
        if name == "size" and len(moves) == 1:
            return moves[0]
        return UNKNOWN

    _dot_ident_arg = _ident_arg

    def _member_dot_arg(self, node: Any) -> Direction:
        parts = macro_parts(node)
        if parts is not None:
            return self.macro(str(node.children[1]), *parts)
        target, name_token, *rest = node.children
        moves = [self.direction(target)]
        moves += [self.direction(argument) for argument in listed(rest[0] if rest else None)]
        if all(m == CONSTANT for m in moves):
            return CONSTANT
        if str(name_token) == "size" and len(moves) == 1:
            return moves[0]  # a list that grows as the date advances has a growing size
        return UNKNOWN

    def macro(self, name: str, target: Any, variable: Any, bodies: list[Any]) -> Direction:
        over = self.direction(target)
        bound = step(variable)
        self.bound.append(str(bound.children[0]) if isinstance(bound, lark.Tree) else "")
        try:
            inside = [self.direction(body) for body in bodies]
        finally:
            self.bound.pop()
        if over == CONSTANT and all(d == CONSTANT for d in inside):
            return CONSTANT
        if name not in MACROS - {"map", "exists_one"} or len(inside) != 1:
            return UNKNOWN
        (condition,) = inside
        if over == CONSTANT:
            return condition  # each element's condition moves one way: so do any and every
        if condition == CONSTANT and over in (UP, DOWN):
            # A list that grows (UP): `exists` can only become true, `all` only false.
            return _FLIP[over] if name == "all" else over
        return UNKNOWN
