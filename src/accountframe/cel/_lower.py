"""The accountframe engine: a CEL parse tree lowered once into Python closures over plain values.

`lower(tree, limits)` walks cel-python's lark tree at compile time and returns one function,
`evaluate(values) -> value`, built from closures, one per operation, each taking the activation
(a dict of plain values, see `values.plain_value`). What can be computed at compile time is:
literals, `duration("720h")`, `date("2026-01-01")`, list and map literals of constants,
operators over constants, and the lookup set of `x in ["a", "b"]`. Nothing is parsed, looked up
by name or converted while evaluating.

CEL's semantics (`_runtime` has the operations):

* Errors are `CelFailure` exceptions, caught where CEL absorbs them: `false && err` is `false`
  and `err || true` is `true`, in either order; `all` is `false` if any element gives `false`
  and otherwise the first error, and `exists` the mirror image; both stop at the first deciding
  element. A non-bool operand of `&&`, `||`, `!`, `?:` or a macro predicate is an error.
* Equality is heterogeneous (`1 == 1.0` is true, `1 == "1"` is false); ordering is defined
  within a type and across numbers (`1 < 1.5`), an error otherwise.
* int and uint arithmetic overflow, division and modulus by zero, out-of-range timestamps
  (years 1-9999) and durations (±10,000 years) are errors.

Macros (`_macros`) bind their variable in the activation, which is a private copy made per
evaluation (only for expressions with macros), holding the evaluation's meter (`_cost`): each
macro spends its iterations and their cost, and an operation in a macro's body spends the cost
of work that grows with its operands' sizes. A value the evaluation makes is held to
`Limits.max_value_size` wherever it is. Beyond a limit, `BudgetExceeded`, which no operator
absorbs. The operators specialised by operand shape are in `_operators`, the parse-tree
helpers in `_tree`.

Depth: lowering recurses once per evaluator level the tree guard counts (`_engine`), and a
closure costs one Python frame per operation, so the shapes the guard admits lower and evaluate
within the default recursion limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import lark

import accountframe.cel._runtime as rt
from accountframe.cel._calls import CallLowerer
from accountframe.cel._cost import (
    BUDGET,
    COST,
    TEXT_UNIT,
    BudgetExceeded,
)
from accountframe.cel._operators import (
    BINARY,
    SCALAR,
    SIMPLE_ORDER,
    Code,
    Const,
    Lowered,
    additive,
    as_code,
    build_map,
    compare_text,
    contained_metered,
    equal_constant,
    equal_sized,
    failing_code,
    fold,
    membership,
    ordering,
    ordering_constant,
)
from accountframe.cel._runtime import MISSING, CelFailure
from accountframe.cel._tree import MACROS, dotted, listed, step
from accountframe.cel.limits import Limits

__all__ = ["BudgetExceeded", "lower", "lower_each"]


def lower(tree: Any, limits: Limits) -> Callable[[dict[str, Any]], Any]:
    """The function evaluating `tree` over a dict of plain values.

    Example:
        >>> from accountframe.cel import compile
        >>> lower(compile("x + 1")._tree, Limits())({"x": 2})
        3
    """
    body, outside, uses_macros = _lowered(tree, limits)
    if outside > limits.max_cost:
        return _over_budget
    if not uses_macros:
        return body  # each operation runs at most once: nothing to meter (see `_cost`)
    iterations, cost = limits.max_iterations, limits.max_cost - outside

    def evaluate(values: dict[str, Any]) -> Any:
        activation = dict(values)
        activation[BUDGET] = [iterations, cost]
        return body(activation)

    return evaluate


def lower_each(tree: Any, limits: Limits) -> Callable[[dict[str, Any], str, list[Any]], list[Any]]:
    """The function evaluating `tree` once per item, a variable set to each item in turn:
    `each(values, name, items)` is `[lower(tree, limits)({**values, name: item}) for item in
    items]`, made in one activation (each evaluation has its own meter).

    Example:
        >>> from accountframe.cel import compile
        >>> lower_each(compile("x > n")._tree, Limits())({"n": 1}, "x", [0, 2])
        [False, True]
    """
    body, outside, uses_macros = _lowered(tree, limits)
    if outside > limits.max_cost:
        body = _over_budget
    iterations, cost = limits.max_iterations, limits.max_cost - outside

    def each(values: dict[str, Any], name: str, items: list[Any]) -> list[Any]:
        # Macros set their own variable and restore it, so one activation serves every item.
        activation = dict(values)
        results = []
        for item in items:
            activation[name] = item
            if uses_macros:
                activation[BUDGET] = [iterations, cost]
            results.append(body(activation))
        return results

    return each


def _over_budget(act: dict[str, Any]) -> Any:
    """An expression whose operations alone cost more than `Limits.max_cost`."""
    raise BudgetExceeded(COST)


def _lowered(tree: Any, limits: Limits) -> tuple[Code, int, bool]:
    """The function evaluating `tree` over an activation, the number of its operations outside
    macro bodies (each costs 1, once), and whether it uses macros (which then need a meter in
    the activation)."""
    lowerer = Lowerer(limits)
    code = as_code(lowerer.lower(tree))
    return code, lowerer.operations, lowerer.uses_macros


class Lowerer:
    """Lowers one parsed expression into closures, counting its operations for the cost model."""

    def __init__(self, limits: Limits) -> None:
        self.uses_macros = False
        #: The size cap of the values the evaluation makes (`Limits.max_value_size`).
        self.cap = limits.max_value_size
        #: Operations lowered so far in the current scope: the whole expression, or the body
        #: of the macro being lowered (see `macro`), for the cost model (`_cost`).
        self.operations = 0
        #: How many macro bodies enclose the node being lowered. Only there can an operation
        #: run more than once, so only there need it spend the meter for the size of its work
        #: (which it then finds in the activation).
        self.looping = 0
        #: Each `a.b` closure made by `path` → (its variable's name, the field): for fusing a
        #: comparison with the selection (see `equal_constant`).
        self.fields: dict[Lowered, tuple[str, str]] = {}
        #: Lowers calls, `has()` and macros, over this lowerer's nodes and counts.
        self.calls = CallLowerer(self)

    def lower(self, tree: Any) -> Lowered:
        self.operations += 1
        node = step(tree)
        handler = getattr(self, "_" + node.data, None)
        if handler is None:
            return failing_code(f"unsupported expression ({node.data})")
        result: Lowered = handler(node)
        return result

    # -- structure -------------------------------------------------------------------------

    def _expr(self, node: Any) -> Lowered:
        condition, then, otherwise = (self.lower(child) for child in node.children)
        if isinstance(condition, Const) and type(condition.value) is bool:
            return then if condition.value else otherwise
        test, first, second = as_code(condition), as_code(then), as_code(otherwise)

        def conditional(act: dict[str, Any]) -> Any:
            chosen = test(act)
            if chosen is True:
                return first(act)
            if chosen is False:
                return second(act)
            rt.no_overload("?:", chosen)

        return conditional

    def _conditionalor(self, node: Any) -> Lowered:
        return self._logic(node, decisive=True)

    def _conditionaland(self, node: Any) -> Lowered:
        return self._logic(node, decisive=False)

    def _logic(self, node: Any, *, decisive: bool) -> Lowered:
        """`||` (`decisive` True: a true operand decides) and `&&` (a false one decides)."""
        operator = "||" if decisive else "&&"
        left_lowered, right_lowered = (self.lower(child) for child in node.children)
        for known, other, known_first in (
            (left_lowered, right_lowered, True),
            (right_lowered, left_lowered, False),
        ):
            if isinstance(known, Const) and known.value is decisive:
                return Const(decisive)
            if isinstance(known, Const) and known.value is (not decisive):
                # `true && x` is x when x is a bool; keep the check that it is one.
                other_code = as_code(other)

                def only(
                    act: dict[str, Any],
                    other_code: Code = other_code,
                    known_first: bool = known_first,
                ) -> Any:
                    value = other_code(act)
                    if type(value) is bool:
                        return value
                    if known_first:
                        rt.no_overload(operator, not decisive, value)
                    rt.no_overload(operator, value, not decisive)

                return only
        left, right = as_code(left_lowered), as_code(right_lowered)

        def logic(act: dict[str, Any]) -> Any:
            try:
                first = left(act)
            except CelFailure as failure:
                try:
                    second = right(act)
                except CelFailure:
                    raise failure from None
                if second is decisive:
                    return decisive
                raise failure from None
            if first is decisive:
                return decisive
            second = right(act)
            if second is decisive:
                return decisive
            if type(first) is bool and type(second) is bool:
                return not decisive
            rt.no_overload(operator, first, second)

        return logic

    def _binary(self, node: Any) -> Lowered:
        operation, right_node = node.children
        name = operation.data
        operator = BINARY[name]
        left = self.lower(operation.children[0])
        right = self.lower(right_node)
        if isinstance(left, Const) and isinstance(right, Const):
            return fold(operator, left, right)
        if name == "relation_in" and isinstance(right, Const):
            return membership(as_code(left), right.value, self.fields.get(left))
        if name in ("relation_eq", "relation_ne") and (
            isinstance(left, Const) or isinstance(right, Const)
        ):
            other = right if isinstance(left, Const) else left
            return equal_constant(name == "relation_ne", left, right, self.fields.get(other))
        first, second = as_code(left), as_code(right)
        if name == "relation_eq":

            def equal(act: dict[str, Any]) -> bool:
                a = first(act)
                b = second(act)
                kind = type(a)
                if kind is type(b):
                    if kind is str:
                        if len(a) >= TEXT_UNIT:
                            compare_text(act, a, b)
                        return bool(a == b)
                    if kind in SCALAR:
                        return bool(a == b)
                    if kind is bytes:
                        compare_text(act, a, b)
                        return bool(a == b)
                return equal_sized(act, a, b)

            return equal
        if name == "relation_ne":

            def not_equal(act: dict[str, Any]) -> bool:
                a = first(act)
                b = second(act)
                kind = type(a)
                if kind is type(b):
                    if kind is str:
                        if len(a) >= TEXT_UNIT:
                            compare_text(act, a, b)
                        return bool(a != b)
                    if kind in SCALAR:
                        return bool(a != b)
                    if kind is bytes:
                        compare_text(act, a, b)
                        return bool(a != b)
                return not equal_sized(act, a, b)

            return not_equal
        if name in ("relation_lt", "relation_le", "relation_gt", "relation_ge"):
            if isinstance(right, Const) and type(right.value) in SIMPLE_ORDER:
                return ordering_constant(name, first, right.value)
            return ordering(name, first, second)

        if name in ("addition_add", "addition_sub"):
            return additive(name == "addition_sub", first, second, self.cap)
        if name == "relation_in" and self.looping:
            return contained_metered(first, second)

        def binary(act: dict[str, Any]) -> Any:
            return operator(first(act), second(act))

        return binary

    _relation = _binary
    _addition = _binary
    _multiplication = _binary

    def _unary(self, node: Any) -> Lowered:
        operation, operand_node = node.children
        operator = rt.logical_not if operation.data == "unary_not" else rt.negate
        operand = self.lower(operand_node)
        if isinstance(operand, Const):
            return fold(operator, operand)
        code = operand

        def unary(act: dict[str, Any]) -> Any:
            return operator(code(act))

        return unary

    # -- members ---------------------------------------------------------------------------

    def _member_dot(self, node: Any) -> Lowered:
        target_node, name_token = node.children
        name = str(name_token)
        path = dotted(node)
        if path is not None:
            return self.path(path.split("."))
        target = as_code(self.lower(target_node))

        def select(act: dict[str, Any]) -> Any:
            value = target(act)
            if type(value) is dict:
                found = value.get(name, MISSING)
                if found is not MISSING:
                    return found
            return rt.select(value, name)

        return select

    def path(self, names: list[str]) -> Code:
        """`a.b.c`: one closure reading the variable and selecting each field in turn."""
        root, *fields = names
        variable = self._ident_named(root)
        if len(fields) == 1:
            (field,) = fields

            def select_one(act: dict[str, Any]) -> Any:
                try:
                    value = act[root]
                except KeyError:
                    value = variable(act)
                if type(value) is dict:
                    found = value.get(field, MISSING)
                    if found is not MISSING:
                        return found
                return rt.select(value, field)

            self.fields[select_one] = (root, field)
            return select_one

        def select_path(act: dict[str, Any]) -> Any:
            try:
                value = act[root]
            except KeyError:
                value = variable(act)
            for field in fields:
                if type(value) is dict:
                    found = value.get(field, MISSING)
                    if found is not MISSING:
                        value = found
                        continue
                rt.select(value, field)
            return value

        return select_path

    def _member_index(self, node: Any) -> Lowered:
        target_node, key_node = node.children
        target, key = self.lower(target_node), self.lower(key_node)
        if isinstance(target, Const) and isinstance(key, Const):
            return fold(rt.index, target, key)
        container, item = as_code(target), as_code(key)

        def index(act: dict[str, Any]) -> Any:
            value = container(act)
            wanted = item(act)
            if type(value) is dict and type(wanted) is str:
                found = value.get(wanted, MISSING)
                if found is not MISSING:
                    return found
            return rt.index(value, wanted)

        return index

    def _member_dot_arg(self, node: Any) -> Lowered:
        target_node, name_token, *rest = node.children
        name = str(name_token)
        arguments = listed(rest[0] if rest else None)
        if name in MACROS:
            return self.calls.macro(name, target_node, arguments)
        return self.calls.call(name, [target_node, *arguments])

    def _member_object(self, node: Any) -> Lowered:
        """`google.protobuf.Int64Value{value: 1}` and the other wrappers; no other messages."""
        type_node, *rest = node.children
        name = dotted(type_node)
        fields = list(rest[0].children) if rest and isinstance(rest[0], lark.Tree) else []
        wrapper = rt.WRAPPERS.get(name or "")
        if wrapper is None:
            return failing_code(f"message construction ({name or '?'}{{...}}) is not supported")
        default, convert = wrapper
        if not fields:
            return Const(default)
        if len(fields) != 2 or str(fields[0]) != "value":
            return failing_code(f"{name} has one field, 'value'")
        value = self.lower(fields[1])
        if isinstance(value, Const):
            return fold(convert, value)
        code = value

        def wrap(act: dict[str, Any]) -> Any:
            return convert(code(act))

        return wrap

    # -- primaries -------------------------------------------------------------------------

    def _ident(self, node: Any) -> Lowered:
        return self._ident_named(str(node.children[0]))

    def _ident_named(self, name: str) -> Code:
        type_value = rt.TYPES.get(name)

        def variable(act: dict[str, Any]) -> Any:
            try:
                return act[name]
            except KeyError:
                if type_value is not None:
                    return type_value
                raise CelFailure(f"undeclared reference to {name!r}") from None

        return variable

    _dot_ident = _ident

    def _ident_arg(self, node: Any) -> Lowered:
        name_token, *rest = node.children
        name = str(name_token)
        arguments = listed(rest[0] if rest else None)
        if name == "has":
            return self.calls.has(arguments)
        return self.calls.call(name, arguments)

    _dot_ident_arg = _ident_arg

    def _list_lit(self, node: Any) -> Lowered:
        items = [self.lower(child) for child in listed(node.children[0] if node.children else None)]
        if all(isinstance(item, Const) for item in items):
            return Const([item.value for item in items])  # type: ignore[union-attr]
        codes = [as_code(item) for item in items]

        def make_list(act: dict[str, Any]) -> list[Any]:
            return [code(act) for code in codes]

        return make_list

    def _map_lit(self, node: Any) -> Lowered:
        parts = [self.lower(child) for child in listed(node.children[0] if node.children else None)]
        if all(isinstance(part, Const) for part in parts):
            return fold(build_map, *parts)  # type: ignore[arg-type]
        codes = [as_code(part) for part in parts]

        def make_map(act: dict[str, Any]) -> dict[Any, Any]:
            return build_map(*(code(act) for code in codes))

        return make_map

    def _literal(self, node: Any) -> Lowered:
        token = node.children[0]
        text = str(token)
        kind = token.type
        try:
            if kind == "INT_LIT":
                return Const(rt.check_int(_integer(text)))
            if kind == "UINT_LIT":
                return Const(rt.check_uint(_integer(text[:-1])))
            if kind == "FLOAT_LIT":
                return Const(float(text))
            if kind in ("STRING_LIT", "MLSTRING_LIT"):
                return Const(_decode(text, as_bytes=False))
            if kind == "BYTES_LIT":
                return Const(_decode(text, as_bytes=True))
            if kind == "BOOL_LIT":
                return Const(text == "true")
            if kind == "NULL_LIT":
                return Const(None)
        except CelFailure as failure:
            return failing_code(f"{failure.message} in the literal {text}")
        except (ValueError, UnicodeError) as error:
            return failing_code(f"invalid literal {text}: {error}")
        return failing_code(f"unsupported literal {text}")


_ESCAPE = re.compile(
    r"\\(?:([abfnrtv\\?\"'`])|[xX]([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})"
    r"|([0-3][0-7]{2})|(.))",
    re.DOTALL,
)
_SIMPLE_ESCAPES = {
    "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
    "\\": "\\", "?": "?", '"': '"', "'": "'", "`": "`",
}  # fmt: skip


def _decode(text: str, *, as_bytes: bool) -> Any:
    """A string or bytes literal's value, by CEL's escape rules (langdef.md, "String literals")."""
    if as_bytes:
        text = text[1:]
    raw = text[:1] in ("r", "R")
    if raw:
        text = text[1:]
    quote = text[:3] if text[:3] in ('"""', "'''") else text[:1]
    body = text[len(quote) : len(text) - len(quote)]
    if raw:
        return body.encode("utf-8") if as_bytes else body
    pieces: list[bytes] = []
    position = 0
    for match in _ESCAPE.finditer(body):
        pieces.append(body[position : match.start()].encode("utf-8", "surrogatepass"))
        position = match.end()
        simple, hexadecimal, short, long, octal, _unknown = match.groups()
        if simple is not None:
            pieces.append(_SIMPLE_ESCAPES[simple].encode("utf-8"))
        elif hexadecimal is not None or octal is not None:
            code = int(hexadecimal, 16) if hexadecimal is not None else int(octal, 8)
            pieces.append(bytes([code]) if as_bytes else chr(code).encode("utf-8"))
        elif (short or long) is not None and not as_bytes:
            code = int(short or long, 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                rt.fail(f"invalid escape \\{'u' if short else 'U'}{short or long}")
            pieces.append(chr(code).encode("utf-8"))
        else:
            rt.fail(f"invalid escape {match.group()!r}")
    pieces.append(body[position:].encode("utf-8", "surrogatepass"))
    value = b"".join(pieces)
    return value if as_bytes else value.decode("utf-8", "surrogatepass")


def _integer(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("-")
    if digits[:2].lower() == "0x":
        return sign * int(digits[2:], 16)
    return sign * int(digits, 10)
