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

Macros bind their variable in the activation, which is a private copy made per evaluation
(only for expressions with macros), and count their iterations against
`Limits.max_iterations`; exceeding it raises `BudgetExceeded`, which no operator absorbs.

Depth: lowering recurses once per evaluator level the tree guard counts (`_engine`), and a
closure costs one Python frame per operation, so the shapes the guard admits lower and evaluate
within the default recursion limit.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import lark

from accountframe.cel import _runtime as rt
from accountframe.cel._runtime import CelFailure, Uint
from accountframe.cel.limits import Limits

__all__ = ["BudgetExceeded", "lower"]

Code = Callable[[dict[str, Any]], Any]

#: The activation key of the iteration budget: not an identifier, so no variable can clash.
_BUDGET = "#budget"

_PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication",
     "unary", "member", "primary", "paren_expr"}
)  # fmt: skip
_MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
_MISSING = object()


class BudgetExceeded(Exception):
    """More comprehension iterations than `Limits.max_iterations`: a hard stop, never absorbed."""


class _Const:
    """A value known at compile time."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


Lowered = _Const | Code


def lower(tree: Any, limits: Limits) -> Callable[[dict[str, Any]], Any]:
    """The function evaluating `tree` over a dict of plain values.

    Example:
        >>> from accountframe.cel import compile
        >>> lower(compile("x + 1")._tree, Limits())({"x": 2})
        3
    """
    body, uses_macros = _lowered(tree)
    if not uses_macros:
        return body
    budget = limits.max_iterations

    def evaluate(values: dict[str, Any]) -> Any:
        activation = dict(values)
        activation[_BUDGET] = [budget]
        return body(activation)

    return evaluate


def lower_each(tree: Any, limits: Limits) -> Callable[[dict[str, Any], str, list[Any]], list[Any]]:
    """The function evaluating `tree` once per item, a variable set to each item in turn:
    `each(values, name, items)` is `[lower(tree, limits)({**values, name: item}) for item in
    items]`, made in one activation (each evaluation has its own iteration budget).

    Example:
        >>> from accountframe.cel import compile
        >>> lower_each(compile("x > n")._tree, Limits())({"n": 1}, "x", [0, 2])
        [False, True]
    """
    body, uses_macros = _lowered(tree)
    budget = limits.max_iterations if uses_macros else None

    def each(values: dict[str, Any], name: str, items: list[Any]) -> list[Any]:
        # Macros set their own variable and restore it, so one activation serves every item.
        activation = dict(values)
        results = []
        for item in items:
            activation[name] = item
            if budget is not None:
                activation[_BUDGET] = [budget]
            results.append(body(activation))
        return results

    return each


def _lowered(tree: Any) -> tuple[Code, bool]:
    """The function evaluating `tree` over an activation, and whether it uses macros (which
    then need an iteration budget in the activation)."""
    lowerer = _Lowerer()
    return _code(lowerer.lower(tree)), lowerer.uses_macros


def _code(lowered: Lowered) -> Code:
    if isinstance(lowered, _Const):
        value = lowered.value

        def constant(act: dict[str, Any]) -> Any:
            return value

        return constant
    return lowered


def _failing(message: str) -> Code:
    def failing(act: dict[str, Any]) -> Any:
        raise CelFailure(message)

    return failing


def _fold(operation: Callable[..., Any], *arguments: _Const) -> Lowered:
    """`operation` over constants, at compile time; an error stays an error of the evaluation."""
    try:
        return _Const(operation(*(argument.value for argument in arguments)))
    except CelFailure as failure:
        return _failing(failure.message)


def macro_parts(node: Any) -> tuple[Any, Any, list[Any]] | None:
    """For `target.exists(var, body...)` and the other macros: (target, var, bodies); else None.

    `var` is bound inside the bodies only, which is what every scope-aware walk needs to know.
    """
    children = node.children
    if (
        node.data == "member_dot_arg"
        and len(children) == 3
        and str(children[1]) in _MACROS
        and isinstance(children[2], lark.Tree)
        and children[2].children
    ):
        variable, *bodies = children[2].children
        return children[0], variable, bodies
    return None


def _step(tree: Any) -> Any:
    while isinstance(tree, lark.Tree) and len(tree.children) == 1 and tree.data in _PASS_THROUGH:
        child = tree.children[0]
        if not isinstance(child, lark.Tree):
            break
        tree = child
    return tree


def _bound_name(tree: Any) -> str | None:
    tree = _step(tree)
    if isinstance(tree, lark.Tree) and tree.data == "ident":
        return str(tree.children[0])
    return None


def _items(exprlist: Any) -> list[Any]:
    return list(exprlist.children) if isinstance(exprlist, lark.Tree) else []


def _not_equal(left: Any, right: Any) -> bool:
    return not rt.equal(left, right)


_BINARY = {
    "relation_eq": rt.equal,
    "relation_ne": _not_equal,
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
_SIMPLE = frozenset(
    {int, float, str, bool, bytes, type(None), datetime.datetime, datetime.timedelta}
)
_SIMPLE_ORDER = frozenset({int, float, str, bytes, datetime.datetime, datetime.timedelta})


class _Lowerer:
    def __init__(self) -> None:
        self.uses_macros = False
        #: Each `a.b` closure made by `path` → (its variable's name, the field): for fusing a
        #: comparison with the selection (see `_equal_constant`).
        self.fields: dict[Lowered, tuple[str, str]] = {}

    def lower(self, tree: Any) -> Lowered:
        node = _step(tree)
        handler = getattr(self, "_" + node.data, None)
        if handler is None:
            return _failing(f"unsupported expression ({node.data})")
        result: Lowered = handler(node)
        return result

    # -- structure -------------------------------------------------------------------------

    def _expr(self, node: Any) -> Lowered:
        condition, then, otherwise = (self.lower(child) for child in node.children)
        if isinstance(condition, _Const) and type(condition.value) is bool:
            return then if condition.value else otherwise
        test, first, second = _code(condition), _code(then), _code(otherwise)

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
            if isinstance(known, _Const) and known.value is decisive:
                return _Const(decisive)
            if isinstance(known, _Const) and known.value is (not decisive):
                # `true && x` is x when x is a bool; keep the check that it is one.
                other_code = _code(other)

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
        left, right = _code(left_lowered), _code(right_lowered)

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
        operator = _BINARY[name]
        left = self.lower(operation.children[0])
        right = self.lower(right_node)
        if isinstance(left, _Const) and isinstance(right, _Const):
            return _fold(operator, left, right)
        if name == "relation_in" and isinstance(right, _Const):
            return _membership(_code(left), right.value, self.fields.get(left))
        if name in ("relation_eq", "relation_ne") and (
            isinstance(left, _Const) or isinstance(right, _Const)
        ):
            other = right if isinstance(left, _Const) else left
            return _equal_constant(name == "relation_ne", left, right, self.fields.get(other))
        first, second = _code(left), _code(right)
        if name == "relation_eq":

            def equal(act: dict[str, Any]) -> bool:
                a = first(act)
                b = second(act)
                if type(a) is type(b) and type(a) in _SIMPLE:
                    return bool(a == b)
                return rt.equal(a, b)

            return equal
        if name == "relation_ne":

            def not_equal(act: dict[str, Any]) -> bool:
                a = first(act)
                b = second(act)
                if type(a) is type(b) and type(a) in _SIMPLE:
                    return bool(a != b)
                return not rt.equal(a, b)

            return not_equal
        if name in ("relation_lt", "relation_le", "relation_gt", "relation_ge"):
            if isinstance(right, _Const) and type(right.value) in _SIMPLE_ORDER:
                return _ordering_constant(name, first, right.value)
            return _ordering(name, first, second)

        if name in ("addition_add", "addition_sub"):
            return _additive(name == "addition_sub", first, second)

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
        if isinstance(operand, _Const):
            return _fold(operator, operand)
        code = operand

        def unary(act: dict[str, Any]) -> Any:
            return operator(code(act))

        return unary

    # -- members ---------------------------------------------------------------------------

    def _member_dot(self, node: Any) -> Lowered:
        target_node, name_token = node.children
        name = str(name_token)
        path = _dotted(node)
        if path is not None:
            return self.path(path.split("."))
        target = _code(self.lower(target_node))

        def select(act: dict[str, Any]) -> Any:
            value = target(act)
            if type(value) is dict:
                found = value.get(name, _MISSING)
                if found is not _MISSING:
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
                    found = value.get(field, _MISSING)
                    if found is not _MISSING:
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
                    found = value.get(field, _MISSING)
                    if found is not _MISSING:
                        value = found
                        continue
                rt.select(value, field)
            return value

        return select_path

    def _member_index(self, node: Any) -> Lowered:
        target_node, key_node = node.children
        target, key = self.lower(target_node), self.lower(key_node)
        if isinstance(target, _Const) and isinstance(key, _Const):
            return _fold(rt.index, target, key)
        container, item = _code(target), _code(key)

        def index(act: dict[str, Any]) -> Any:
            value = container(act)
            wanted = item(act)
            if type(value) is dict and type(wanted) is str:
                found = value.get(wanted, _MISSING)
                if found is not _MISSING:
                    return found
            return rt.index(value, wanted)

        return index

    def _member_dot_arg(self, node: Any) -> Lowered:
        target_node, name_token, *rest = node.children
        name = str(name_token)
        arguments = _items(rest[0] if rest else None)
        if name in _MACROS:
            return self.macro(name, target_node, arguments)
        return self.call(name, [target_node, *arguments])

    def _member_object(self, node: Any) -> Lowered:
        """`google.protobuf.Int64Value{value: 1}` and the other wrappers; no other messages."""
        type_node, *rest = node.children
        name = _dotted(type_node)
        fields = list(rest[0].children) if rest and isinstance(rest[0], lark.Tree) else []
        wrapper = rt.WRAPPERS.get(name or "")
        if wrapper is None:
            return _failing(f"message construction ({name or '?'}{{...}}) is not supported")
        default, convert = wrapper
        if not fields:
            return _Const(default)
        if len(fields) != 2 or str(fields[0]) != "value":
            return _failing(f"{name} has one field, 'value'")
        value = self.lower(fields[1])
        if isinstance(value, _Const):
            return _fold(convert, value)
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
        arguments = _items(rest[0] if rest else None)
        if name == "has":
            return self.has(arguments)
        return self.call(name, arguments)

    _dot_ident_arg = _ident_arg

    def _list_lit(self, node: Any) -> Lowered:
        items = [self.lower(child) for child in _items(node.children[0] if node.children else None)]
        if all(isinstance(item, _Const) for item in items):
            return _Const([item.value for item in items])  # type: ignore[union-attr]
        codes = [_code(item) for item in items]

        def make_list(act: dict[str, Any]) -> list[Any]:
            return [code(act) for code in codes]

        return make_list

    def _map_lit(self, node: Any) -> Lowered:
        parts = [self.lower(child) for child in _items(node.children[0] if node.children else None)]
        if all(isinstance(part, _Const) for part in parts):
            return _fold(_make_map, *parts)  # type: ignore[arg-type]
        codes = [_code(part) for part in parts]

        def make_map(act: dict[str, Any]) -> dict[Any, Any]:
            return _make_map(*(code(act) for code in codes))

        return make_map

    def _literal(self, node: Any) -> Lowered:
        token = node.children[0]
        text = str(token)
        kind = token.type
        try:
            if kind == "INT_LIT":
                return _Const(rt.check_int(_integer(text)))
            if kind == "UINT_LIT":
                return _Const(rt.check_uint(_integer(text[:-1])))
            if kind == "FLOAT_LIT":
                return _Const(float(text))
            if kind in ("STRING_LIT", "MLSTRING_LIT"):
                return _Const(_decode(text, as_bytes=False))
            if kind == "BYTES_LIT":
                return _Const(_decode(text, as_bytes=True))
            if kind == "BOOL_LIT":
                return _Const(text == "true")
            if kind == "NULL_LIT":
                return _Const(None)
        except CelFailure as failure:
            return _failing(f"{failure.message} in the literal {text}")
        except (ValueError, UnicodeError) as error:
            return _failing(f"invalid literal {text}: {error}")
        return _failing(f"unsupported literal {text}")

    # -- calls, has(), macros --------------------------------------------------------------

    def call(self, name: str, argument_nodes: list[Any]) -> Lowered:
        if name == "size" and len(argument_nodes) == 1:
            node = _step(argument_nodes[0])
            parts = macro_parts(node)
            if parts is not None and str(node.children[1]) == "filter":
                # `xs.filter(x, p).size()`, the usual way to count: the filter's own loop
                # gives the count (a filter's result is a list, whose size cannot fail).
                target_node, variable_node, bodies = parts
                return self.macro("filter", target_node, [variable_node, *bodies], counted=True)
        function = rt.FUNCTIONS.get(name)
        arguments = [self.lower(child) for child in argument_nodes]
        if function is None:
            return _failing(f"undeclared reference to {name!r}")
        if all(isinstance(argument, _Const) for argument in arguments):
            return _fold(_checked_call(name, function), *arguments)  # type: ignore[arg-type]
        if name == "matches" and len(arguments) == 2 and isinstance(arguments[1], _Const):
            return _matches(_code(arguments[0]), arguments[1].value)
        codes = [_code(argument) for argument in arguments]
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

    def has(self, arguments: list[Any]) -> Lowered:
        selection = _step(arguments[0]) if len(arguments) == 1 else None
        if not (isinstance(selection, lark.Tree) and selection.data == "member_dot"):
            return _failing("has() needs a field selection, like has(m.f)")
        target_node, name_token = selection.children
        name = str(name_token)
        target = _code(self.lower(target_node))

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
        variable = _bound_name(arguments[0]) if arguments else None
        expected = (2, 3) if name == "map" else (2,)
        if variable is None or len(arguments) not in expected:
            return _failing(f"no matching overload for {name!r}: expected .{name}(variable, ...)")
        self.uses_macros = True
        target = _code(self.lower(target_node))
        bodies = [_code(self.lower(body)) for body in arguments[1:]]
        if counted:
            return _build_filter(target, variable, *bodies, counted=True)
        build = _MACRO_BUILDERS[name if len(bodies) == 1 else "map_filter"]
        return build(target, variable, *bodies)


def _dotted(tree: Any) -> str | None:
    """`a.b.c` for a tree of identifiers and field selections."""
    names: list[str] = []
    node = _step(tree)
    while isinstance(node, lark.Tree) and node.data == "member_dot":
        names.append(str(node.children[1]))
        node = _step(node.children[0])
    if isinstance(node, lark.Tree) and node.data == "ident":
        return ".".join([str(node.children[0]), *reversed(names)])
    return None


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


def _make_map(*parts: Any) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for position in range(0, len(parts), 2):
        key = parts[position]
        kind = type(key)
        if kind not in (str, int, Uint, bool):
            rt.fail(f"a map key must be an int, uint, bool or string (got {rt.type_name(key)})")
        if rt.lookup(result, key) is not rt._MISSING:
            rt.fail(f"duplicate map key {key!r}")
        if kind is not bool and key in (0, 1) and any(type(k) is bool for k in result):
            rt.fail(f"map key {key!r} clashes with a bool key in this engine")
        result[key] = parts[position + 1]
    return result


def _checked_call(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def checked(*values: Any) -> Any:
        try:
            return function(*values)
        except TypeError:
            rt.no_overload(name, *values)

    return checked


def _additive(subtract: bool, first: Code, second: Code) -> Code:
    """`+` and `-` with the int case inline (the commonest, and its overflow check)."""
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
        if type(a) is int and type(b) is int:
            result = a + b
            if rt.INT64_MIN <= result <= rt.INT64_MAX:
                return result
        return rt.add(a, b)

    return plus


#: A one-field selection `a.b` as `_Lowerer.fields` records it: (a, b).
_Field = tuple[str, str]


def _equal_constant(
    negated: bool, left: Lowered, right: Lowered, field: _Field | None = None
) -> Code:
    """`x == "gold"` (either side constant): compare with the constant, no second call.

    `field`: when the other side is a one-field selection `a.b`, what `_Lowerer.fields` has
    for it; the selection is then made in the same closure (the commonest shape of a
    condition, `review.forum == "board"`), and only where that does not find a value of the
    constant's type is the selection's own closure called, which reads it as usual (or fails).
    """
    constant, other = (left, right) if isinstance(left, _Const) else (right, left)
    assert isinstance(constant, _Const)
    value = constant.value
    kind = type(value)
    code = _code(other)
    if kind not in _SIMPLE:

        def general(act: dict[str, Any]) -> bool:
            return rt.equal(code(act), value) is not negated

        return general
    if field is not None:
        root, name = field

        def field_equal(act: dict[str, Any]) -> bool:
            target = act.get(root, _MISSING)
            if type(target) is dict:
                found = target.get(name, _MISSING)
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


def _membership(item: Code, container: Any, field: _Field | None = None) -> Lowered:
    """`x in [constants]`: a set lookup when the item has the constants' (single) type;
    `field` as for `_equal_constant`."""
    if type(container) is list and container:
        kinds = {type(element) for element in container}
        if len(kinds) == 1 and kinds <= {str, int}:
            (kind,) = kinds
            members = frozenset(container)
            if field is not None:
                root, name = field

                def field_member(act: dict[str, Any]) -> bool:
                    target = act.get(root, _MISSING)
                    if type(target) is dict:
                        found = target.get(name, _MISSING)
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


def _matches(text: Code, pattern: Any) -> Lowered:
    """`s.matches("literal")`: the pattern compiled once (or its error kept for evaluation)."""
    if type(pattern) is not str:
        return _failing(
            f"no matching overload for 'matches' applied to (?, {rt.type_name(pattern)})"
        )
    try:
        compiled = rt.regex(pattern)
    except CelFailure as failure:
        return _failing(failure.message)
    search = compiled.search

    def matches(act: dict[str, Any]) -> bool:
        value = text(act)
        if type(value) is str:
            return search(value) is not None
        rt.no_overload("matches", value, pattern)

    return matches


def _ordering_constant(name: str, first: Code, bound: Any) -> Code:
    """`x <= 90` (the right side constant): compare with it directly when the types match."""
    operator = _BINARY[name]
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


def _ordering(name: str, first: Code, second: Code) -> Code:
    operator = _BINARY[name]
    if name == "relation_lt":

        def less(act: dict[str, Any]) -> bool:
            a = first(act)
            b = second(act)
            if type(a) is type(b) and type(a) in _SIMPLE_ORDER:
                return bool(a < b)
            return bool(operator(a, b))

        return less
    if name == "relation_le":

        def less_equal(act: dict[str, Any]) -> bool:
            a = first(act)
            b = second(act)
            if type(a) is type(b) and type(a) in _SIMPLE_ORDER:
                return bool(a <= b)
            return bool(operator(a, b))

        return less_equal
    if name == "relation_gt":

        def greater(act: dict[str, Any]) -> bool:
            a = first(act)
            b = second(act)
            if type(a) is type(b) and type(a) in _SIMPLE_ORDER:
                return bool(a > b)
            return bool(operator(a, b))

        return greater

    def greater_equal(act: dict[str, Any]) -> bool:
        a = first(act)
        b = second(act)
        if type(a) is type(b) and type(a) in _SIMPLE_ORDER:
            return bool(a >= b)
        return bool(operator(a, b))

    return greater_equal


# --- Macros ------------------------------------------------------------------------------------


def _elements(value: Any, name: str) -> Any:
    kind = type(value)
    if kind is list:
        return value
    if kind is dict:
        return list(value)
    rt.fail(f"no matching overload for {name!r} applied to ({rt.type_name(value)})")


def _restore(act: dict[str, Any], variable: str, saved: Any) -> None:
    if saved is _MISSING:
        act.pop(variable, None)
    else:
        act[variable] = saved


def _predicate_error(name: str, value: Any) -> CelFailure:
    return CelFailure(f"the condition of .{name}() must be a bool (got {rt.type_name(value)})")


def _quantifier(name: str, decisive: bool) -> Callable[[Code, str, Code], Code]:
    """`all` (decided by the first false) or `exists` (by the first true), CEL's way.

    An element that decides returns at once, even after an error on an earlier element
    (errors are absorbed like `&&`/`||`); otherwise the first error, else `undecided`.
    """
    undecided = not decisive

    def build(target: Code, variable: str, predicate: Code) -> Code:
        def quantify(act: dict[str, Any]) -> bool:
            items = _elements(target(act), name)
            budget = act[_BUDGET]
            saved = act.get(variable, _MISSING)
            error: CelFailure | None = None
            try:
                for item in items:
                    budget[0] -= 1
                    if budget[0] < 0:
                        raise BudgetExceeded
                    act[variable] = item
                    try:
                        result = predicate(act)
                    except CelFailure as failure:
                        error = error or failure
                        continue
                    if result is decisive:
                        return not undecided  # a bool: mypy narrows `decisive` to Any
                    if result is not undecided:
                        error = error or _predicate_error(name, result)
            finally:
                _restore(act, variable, saved)
            if error is not None:
                raise error
            return undecided

        return quantify

    return build


_build_all = _quantifier("all", decisive=False)
_build_exists = _quantifier("exists", decisive=True)


def _build_exists_one(target: Code, variable: str, predicate: Code) -> Code:
    def exists_one(act: dict[str, Any]) -> bool:
        items = _elements(target(act), "exists_one")
        budget = act[_BUDGET]
        saved = act.get(variable, _MISSING)
        count = 0
        try:
            for item in items:
                budget[0] -= 1
                if budget[0] < 0:
                    raise BudgetExceeded
                act[variable] = item
                result = predicate(act)
                if result is True:
                    count += 1
                elif result is not False:
                    raise _predicate_error("exists_one", result)
        finally:
            _restore(act, variable, saved)
        return count == 1

    return exists_one


def _build_map(target: Code, variable: str, transform: Code) -> Code:
    def map_(act: dict[str, Any]) -> list[Any]:
        items = _elements(target(act), "map")
        budget = act[_BUDGET]
        saved = act.get(variable, _MISSING)
        results = []
        try:
            for item in items:
                budget[0] -= 1
                if budget[0] < 0:
                    raise BudgetExceeded
                act[variable] = item
                results.append(transform(act))
        finally:
            _restore(act, variable, saved)
        return results

    return map_


def _build_filter(target: Code, variable: str, predicate: Code, *, counted: bool = False) -> Code:
    """`filter`; `counted`: the number of items it keeps, for `.filter(...).size()`."""

    def filter_(act: dict[str, Any]) -> Any:
        items = _elements(target(act), "filter")
        budget = act[_BUDGET]
        saved = act.get(variable, _MISSING)
        results = []
        try:
            for item in items:
                budget[0] -= 1
                if budget[0] < 0:
                    raise BudgetExceeded
                act[variable] = item
                result = predicate(act)
                if result is True:
                    results.append(item)
                elif result is not False:
                    raise _predicate_error("filter", result)
        finally:
            _restore(act, variable, saved)
        return len(results) if counted else results

    return filter_


def _build_map_filter(target: Code, variable: str, predicate: Code, transform: Code) -> Code:
    def map_filter(act: dict[str, Any]) -> list[Any]:
        items = _elements(target(act), "map")
        budget = act[_BUDGET]
        saved = act.get(variable, _MISSING)
        results = []
        try:
            for item in items:
                budget[0] -= 1
                if budget[0] < 0:
                    raise BudgetExceeded
                act[variable] = item
                result = predicate(act)
                if result is True:
                    results.append(transform(act))
                elif result is not False:
                    raise _predicate_error("map", result)
        finally:
            _restore(act, variable, saved)
        return results

    return map_filter


_MACRO_BUILDERS: dict[str, Callable[..., Code]] = {
    "all": _build_all,
    "exists": _build_exists,
    "exists_one": _build_exists_one,
    "map": _build_map,
    "filter": _build_filter,
    "map_filter": _build_map_filter,
}
