"""Static type checking of a compiled CEL program against typed variables.

`check(program, variables)` infers the program's type and reports, all at once and sorted by
position, every problem it can prove before anything runs:

* `af-unknown`: a variable or function that does not exist (with a "did you mean");
* `af-type`: an unknown field of a typed value (`contract.teir`), a wrong number of
  arguments, operand types no overload accepts (`contract.value.total > 100`: int against
  double), a macro over something that is not a list or map, a non-bool condition, and a result
  of the wrong type.

It is sound where it matters: anything involving `dyn` (free maps like `attributes`,
`params` values) is accepted, an absent optional field is a run-time matter, and a node shape
the checker does not know is `dyn`. The tree is walked iteratively (a stack of generators), so
nesting depth costs no Python recursion.

Example:
    >>> from accountframe.cel import compile
    >>> from accountframe.cel.types import DOUBLE, STRING, record
    >>> contract = record("contract", {"tier": STRING, "spent": DOUBLE})
    >>> result = check(compile("contract.teir == 'gold'"), {"contract": contract})
    >>> print(result.diagnostics[0].render())
    <expression>:1:10: af-type: unknown field 'teir' of contract (did you mean 'tier'?)
        contract.teir == 'gold'
                 ^
    >>> print(check(compile("contract.spent * 2.0"), {"contract": contract}).type)
    double
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from types import MappingProxyType
from typing import Any

import attrs
import lark

from accountframe.cel._engine import Placer, Program, source_offset
from accountframe.cel._tree import MACROS, bound_name
from accountframe.cel.types import (
    BOOL,
    BYTES,
    DOUBLE,
    DURATION,
    DYN,
    INT,
    NULL,
    STRING,
    TIMESTAMP,
    TYPE,
    UINT,
    Type,
    binary,
    equality_compatible,
    join,
    list_of,
    unary,
)
from accountframe.errors import Diagnostic, did_you_mean

__all__ = ["SIGNATURES", "TYPE_NAMES", "Checked", "check"]

_T = {
    "bool": BOOL, "int": INT, "uint": UINT, "double": DOUBLE, "string": STRING,
    "bytes": BYTES, "timestamp": TIMESTAMP, "duration": DURATION, "type": TYPE, "dyn": DYN,
}  # fmt: skip

_TIME_PARTS = (("timestamp",), ("timestamp", "string"))
_CLOCK_PARTS = (*_TIME_PARTS, ("duration",))


def _overloads(result: str, *params: tuple[str, ...]) -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple((p, result) for p in params)


#: Function name → overloads (parameter kinds, result kind). A method call `x.f(y)` is
#: `f(x, y)`, as in cel-python. Parameter kinds: a primitive, `list`, `map` (a map or record)
#: or `any`. Standard CEL's functions and accountframe's (`FUNCTIONS`).
SIGNATURES: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]] = MappingProxyType(
    {
        "size": _overloads("int", ("string",), ("bytes",), ("list",), ("map",)),
        "contains": _overloads("bool", ("string", "string"), ("list", "any"), ("map", "any")),
        "startsWith": _overloads("bool", ("string", "string")),
        "endsWith": _overloads("bool", ("string", "string")),
        "matches": _overloads("bool", ("string", "string")),
        "int": _overloads("int", ("int",), ("uint",), ("double",), ("string",), ("timestamp",)),
        "uint": _overloads("uint", ("int",), ("uint",), ("double",), ("string",)),
        "double": _overloads("double", ("int",), ("uint",), ("double",), ("string",)),
        "string": _overloads(
            "string",
            *((kind,) for kind in ("int", "uint", "double", "string", "bytes", "bool")),
            ("timestamp",),
            ("duration",),
        ),
        "bytes": _overloads("bytes", ("string",), ("bytes",)),
        "bool": _overloads("bool", ("bool",), ("string",)),
        "timestamp": _overloads("timestamp", ("string",), ("timestamp",)),
        "duration": _overloads("duration", ("string",), ("duration",)),
        "type": _overloads("type", ("any",)),
        "dyn": _overloads("dyn", ("any",)),
        "getFullYear": _overloads("int", *_TIME_PARTS),
        "getMonth": _overloads("int", *_TIME_PARTS),
        "getDate": _overloads("int", *_TIME_PARTS),
        "getDayOfMonth": _overloads("int", *_TIME_PARTS),
        "getDayOfWeek": _overloads("int", *_TIME_PARTS),
        "getDayOfYear": _overloads("int", *_TIME_PARTS),
        "getHours": _overloads("int", *_CLOCK_PARTS),
        "getMinutes": _overloads("int", *_CLOCK_PARTS),
        "getSeconds": _overloads("int", *_CLOCK_PARTS),
        "getMilliseconds": _overloads("int", *_CLOCK_PARTS),
        "days": _overloads("duration", ("int",)),
        "days_between": _overloads("int", ("timestamp", "timestamp")),
        "add_months": _overloads("timestamp", ("timestamp", "int")),
        "date": _overloads("timestamp", ("string",)),
        "sum": _overloads("double", ("list",)),
    }
)

#: Type names usable as values (`type(x) == int`).
TYPE_NAMES = frozenset(
    {"bool", "int", "uint", "double", "string", "bytes", "list", "map", "null_type", "type"}
)

_LITERALS = {
    "INT_LIT": INT, "UINT_LIT": UINT, "FLOAT_LIT": DOUBLE, "STRING_LIT": STRING,
    "MLSTRING_LIT": STRING, "BYTES_LIT": BYTES, "BOOL_LIT": BOOL, "NULL_LIT": NULL,
}  # fmt: skip
_OPERATORS = {
    "relation_eq": "==", "relation_ne": "!=", "relation_lt": "<", "relation_le": "<=",
    "relation_gt": ">", "relation_ge": ">=", "relation_in": "in",
    "addition_add": "+", "addition_sub": "-",
    "multiplication_mul": "*", "multiplication_div": "/", "multiplication_mod": "%",
}  # fmt: skip
_BINARY_NODES = frozenset({"relation", "addition", "multiplication"})
_PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication",
     "unary", "member"}
)  # fmt: skip
_MACRO_RESULTS = {"all": "bool", "exists": "bool", "exists_one": "bool"}


@attrs.frozen
class Checked:
    """What `check` found: the expression's type and every problem, sorted by position."""

    type: Type
    diagnostics: tuple[Diagnostic, ...] = ()


def check(
    program: Program,
    variables: Mapping[str, Type],
    *,
    expected: Type | None = None,
    field: str = "the expression",
    indent: int = 0,
    hints: Mapping[str, str] | None = None,
) -> Checked:
    """Type-check `program` with the given variables.

    Args:
        program: A compiled program (`accountframe.cel.compile`).
        variables: Variable name → type; anything else is an unknown variable.
        expected: The type the result must have (`BOOL` for a condition); `dyn` always passes,
            and an int passes where a double is expected (it converts without loss).
        field: How to name the expression in a result-type message (`applies_to`).
        indent: As for `compile`: the file column where the expression's later lines start.
        hints: Variable name → why it is not available here, for a better message than
            "unknown variable" (`'review' is only available in counts_if`).

    Returns:
        A `Checked` with the inferred type (`dyn` where unknown) and the diagnostics, located
        in the file like syntax errors.

    Examples:
        >>> from accountframe.cel import compile
        >>> result = check(compile("size(tags) > 1.0"), {"tags": list_of(STRING)},
        ...                expected=BOOL)
        >>> [d.message for d in result.diagnostics]
        ["no matching overload for '>' applied to (int, double) (convert the int with double())"]
    """
    walker = _Walker(program, indent, hints or {})
    found = walker.infer(program._tree, dict(variables))
    if expected is not None and not _satisfies(found, expected):
        walker.report("af-type", f"{field} must give a {expected} (got {found})", None)
    ordered = sorted(walker.diagnostics, key=Diagnostic.sort_key)
    return Checked(found, tuple(ordered))


def _satisfies(found: Type, expected: Type) -> bool:
    if found.is_dyn or expected.is_dyn or found == expected:
        return True
    return expected == DOUBLE and found == INT


_Visit = Generator[tuple[Any, dict[str, Type]], Type, Type]


def _step(node: Any) -> Any:
    """The first node below `node` that means something of its own."""
    while isinstance(node, lark.Tree):
        children = node.children
        if len(children) == 1 and (
            node.data in _PASS_THROUGH
            or node.data == "paren_expr"
            or (node.data == "primary" and isinstance(children[0], lark.Tree))
        ):
            node = children[0]
            continue
        return node
    return node


def _position(node: Any) -> tuple[int, int]:
    """(line, column) of the first character of a tree or token, 1-based."""
    while isinstance(node, lark.Tree):
        meta = node.meta
        if not meta.empty:
            return meta.line, meta.column
        if not node.children:
            return 1, 1
        node = node.children[0]
    return (node.line or 1), (node.column or 1)


def _arguments(exprlist: Any) -> list[Any]:
    if isinstance(exprlist, lark.Tree):
        return list(exprlist.children)
    return []


def _accepts(parameter: str, argument: Type) -> bool:
    if parameter == "any" or argument.is_dyn:
        return True
    if parameter == "map":
        return argument.is_map_like
    return argument.kind == parameter


class _Walker:
    """One check: the diagnostics found so far, and the generator-based walk."""

    def __init__(self, program: Program, indent: int, hints: Mapping[str, str]) -> None:
        self.program = program
        self.placer = Placer(program.source, program.location, indent)
        self.hints = hints
        self.diagnostics: list[Diagnostic] = []

    def report(self, code: str, message: str, node: Any) -> Type:
        """Record a problem at `node` (None: the expression's start) and return `dyn`."""
        line, column = _position(node) if node is not None else (1, 1)
        offset = source_offset(self.program.source, line, column)
        self.diagnostics.append(self.placer.error(code, message, offset).diagnostic)
        return DYN

    def infer(self, root: Any, scope: dict[str, Type]) -> Type:
        """The type of `root`, walking with an explicit stack of visits."""
        stack: list[_Visit] = [self.visit(root, scope)]
        value: Any = None
        result = DYN
        while stack:
            try:
                child, child_scope = stack[-1].send(value)
            except StopIteration as done:
                stack.pop()
                value = result = done.value
                continue
            value = None
            stack.append(self.visit(child, child_scope))
        return result

    # -- nodes -----------------------------------------------------------------------------

    def visit(self, node: Any, scope: dict[str, Type]) -> _Visit:
        node = _step(node)
        if not isinstance(node, lark.Tree):
            return DYN
        data, children = node.data, node.children
        if data == "expr" and len(children) == 3:
            condition = yield children[0], scope
            self.need_bool(condition, children[0], "the condition of ?:")
            first = yield children[1], scope
            second = yield children[2], scope
            joined = join(first, second)
            concrete = not (first.is_dyn or second.is_dyn) and NULL not in (first, second)
            if joined.is_dyn and concrete:
                # Standard CEL (`_?_:_` takes both branches of one type) rejects this; the
                # result's type would be unknown to every expression that uses it.
                # Point at a branch lark located (a `true`/`false` token carries no position).
                located = [c for c in children[1:] if _position(c) != (1, 1)] or [children[0]]
                return self.report(
                    "af-type",
                    f"the branches of ?: have different types ({first} and {second})",
                    located[0],
                )
            return joined
        if data in ("conditionalor", "conditionaland") and len(children) == 2:
            operator = "||" if data == "conditionalor" else "&&"
            for operand in children:
                found = yield operand, scope
                self.need_bool(found, operand, f"an operand of {operator}")
            return BOOL
        if data in _BINARY_NODES and len(children) == 2:
            return (yield from self.binary(node, scope))
        if data == "unary" and len(children) == 2:
            operator = "!" if children[0].data == "unary_not" else "-"
            operand = yield children[1], scope
            result = unary(operator, operand)
            if result is None:
                return self.report(
                    "af-type", f"no matching overload for {operator!r} applied to ({operand})",
                    children[1],
                )  # fmt: skip
            return result
        if data == "member_dot":
            target = yield children[0], scope
            return self.select(target, children[1])
        if data == "member_dot_arg":
            return (yield from self.method(node, scope))
        if data == "member_index":
            return (yield from self.index(node, scope))
        if data == "ident" or data == "dot_ident":
            return self.variable(children[0], scope)
        if data == "ident_arg":
            arguments = _arguments(children[1] if len(children) > 1 else None)
            return (yield from self.call(children[0], None, arguments, scope))
        if data == "literal":
            return _LITERALS.get(getattr(children[0], "type", ""), DYN)
        if data == "list_lit":
            element: Type | None = None
            for item in _arguments(children[0] if children else None):
                found = yield item, scope
                element = found if element is None else join(element, found)
            return list_of(element or DYN)
        if data == "map_lit":
            keys: Type | None = None
            values: Type | None = None
            entries = _arguments(children[0] if children else None)
            for position, item in enumerate(entries):
                found = yield item, scope
                if position % 2 == 0:
                    keys = found if keys is None else join(keys, found)
                else:
                    values = found if values is None else join(values, found)
            return Type("map", element=values or DYN, key=keys or DYN)
        # Anything else (message construction, `.f()`, a shape we do not know): check what is
        # inside for unknown names, and know nothing about the result.
        for child in children:
            if isinstance(child, lark.Tree):
                yield child, scope
        return DYN

    def need_bool(self, found: Type, node: Any, what: str) -> None:
        if not (found.is_dyn or found == BOOL):
            self.report("af-type", f"{what} must be a bool (got {found})", node)

    def binary(self, node: Any, scope: dict[str, Type]) -> _Visit:
        operation, right_node = node.children
        operator = _OPERATORS.get(operation.data)
        left_node = operation.children[0] if operation.children else None
        left = yield left_node, scope
        right = yield right_node, scope
        if operator is None:
            return DYN
        result = binary(operator, left, right)
        if result is not None:
            return result
        message = f"no matching overload for {operator!r} applied to ({left}, {right})"
        hint = _number_hint(operator, left, right, left_node, right_node)
        return self.report("af-type", message + hint, right_node)

    def variable(self, token: Any, scope: dict[str, Type]) -> Type:
        name = str(token)
        if name in scope:
            return scope[name]
        if name in TYPE_NAMES:
            return TYPE
        if name in self.hints:
            return self.report(
                "af-unknown", f"unknown variable {name!r}: {self.hints[name]}", token
            )
        return self.report(
            "af-unknown", f"unknown variable {name!r}{did_you_mean(name, scope)}", token
        )

    def select(self, target: Type, token: Any) -> Type:
        name = str(token)
        if target.is_dyn:
            return DYN
        if target.kind == "record":
            if name in target.fields:
                return target.fields[name]
            return self.report(
                "af-type",
                f"unknown field {name!r} of {target}{did_you_mean(name, target.fields)}",
                token,
            )
        if target.kind == "map" and target.map_key() in (STRING, DYN):
            return target.map_value()
        return self.report("af-type", f"cannot select field {name!r} of a {target}", token)

    def index(self, node: Any, scope: dict[str, Type]) -> _Visit:
        target_node, key_node = node.children
        target = yield target_node, scope
        key = yield key_node, scope
        if target.is_dyn:
            return DYN
        if target.kind == "record":
            name = _plain_string(key_node)
            if name is not None:
                return self.select(target, _Named(name, _step(key_node).children[0]))
        if target.kind == "list":
            if key.is_dyn or key.kind in ("int", "uint"):
                return target.element or DYN
            return self.report("af-type", f"a list index must be an int (got {key})", key_node)
        if target.is_map_like:
            wanted = target.map_key()
            if key.is_dyn or wanted.is_dyn or key == wanted:
                return target.map_value()
            return self.report(
                "af-type", f"a key of {target} must be a {wanted} (got {key})", key_node
            )
        return self.report("af-type", f"cannot index a {target}", key_node)

    def method(self, node: Any, scope: dict[str, Type]) -> _Visit:
        target_node, name_token, *rest = node.children
        arguments = _arguments(rest[0] if rest else None)
        name = str(name_token)
        if name in MACROS:
            return (yield from self.macro(target_node, name_token, arguments, scope))
        return (yield from self.call(name_token, target_node, arguments, scope))

    def macro(
        self, target_node: Any, name_token: Any, arguments: list[Any], scope: dict[str, Type]
    ) -> _Visit:
        name = str(name_token)
        target = yield target_node, scope
        result = BOOL if name in _MACRO_RESULTS else list_of(DYN)
        if len(arguments) != 2:
            for argument in arguments:
                yield argument, scope
            return self.report(
                "af-type",
                f".{name}() takes 2 arguments, a variable and an expression (got {len(arguments)})",
                name_token,
            )
        variable = bound_name(arguments[0])
        if variable is None:
            return self.report(
                "af-type", f"the first argument of .{name}() must be a variable name",
                arguments[0],
            )  # fmt: skip
        if target.is_dyn:
            element = DYN
        elif target.kind == "list":
            element = target.element or DYN
        elif target.is_map_like:
            element = target.map_key()
        else:
            element = self.report(
                "af-type", f".{name}() needs a list or a map (got {target})", name_token
            )
        body = yield arguments[1], {**scope, variable: element}
        if name == "map":
            return list_of(body)
        self.need_bool(body, arguments[1], f"the condition of .{name}()")
        return list_of(element) if name == "filter" else result

    def call(
        self, name_token: Any, target_node: Any, arguments: list[Any], scope: dict[str, Type]
    ) -> _Visit:
        name = str(name_token)
        shown = f".{name}()" if target_node is not None else f"{name}()"
        if target_node is None and name == "has":
            return (yield from self.has(name_token, arguments, scope))
        found: list[Type] = []
        if target_node is not None:
            found.append((yield target_node, scope))
        for argument in arguments:
            found.append((yield argument, scope))
        overloads = SIGNATURES.get(name)
        if overloads is None:
            return self.report(
                "af-unknown", f"unknown function {name!r}{did_you_mean(name, SIGNATURES)}",
                name_token,
            )  # fmt: skip
        receiver = 1 if target_node is not None else 0
        arities = sorted({len(params) - receiver for params, _ in overloads})
        if len(found) - receiver not in arities:
            counts = " or ".join(str(count) for count in arities)
            plural = "s" if arities[-1] != 1 else ""
            return self.report(
                "af-type",
                f"{shown} takes {counts} argument{plural} (got {len(found) - receiver})",
                name_token,
            )
        for params, result in overloads:
            if len(params) == len(found) and all(map(_accepts, params, found)):
                if name == "contains" and not _contains_compatible(found[0], found[1]):
                    break  # an item that can never equal an element: no overload at run time
                if name == "sum" and not _summable(found[0]):
                    return self.report(
                        "af-type",
                        f"{shown} expects a list of numbers (int, uint or double) (got {found[0]})",
                        name_token,
                    )
                return _T[result]
        expected = " or ".join(
            f"({', '.join(params)})" for params, _ in overloads if len(params) == len(found)
        )
        got = ", ".join(str(t) for t in found)
        return self.report("af-type", f"{name}() expects {expected} (got ({got}))", name_token)

    def has(self, name_token: Any, arguments: list[Any], scope: dict[str, Type]) -> _Visit:
        if len(arguments) != 1:
            for argument in arguments:
                yield argument, scope
            return self.report(
                "af-type", f"has() takes 1 argument (got {len(arguments)})", name_token
            )
        selection = _step(arguments[0])
        if isinstance(selection, lark.Tree) and selection.data == "member_dot":
            target = yield selection.children[0], scope
            if target.kind == "record":
                self.select(target, selection.children[1])
        else:
            yield arguments[0], scope
        return BOOL


@attrs.frozen
class _Named:
    """A field name read from a string literal, positioned at the literal."""

    text: str
    token: Any

    def __str__(self) -> str:
        return self.text

    @property
    def line(self) -> int:
        return int(self.token.line)

    @property
    def column(self) -> int:
        return int(self.token.column)


def _contains_compatible(container: Type, item: Type) -> bool:
    if container.kind == "list":
        return equality_compatible(container.element or DYN, item)
    if container.is_map_like:
        return equality_compatible(container.map_key(), item)
    return True


def _summable(values: Type) -> bool:
    """Whether `sum()` can add the elements of `values`: numbers, or unknown (`dyn`) ones."""
    element = (values.element or DYN) if values.kind == "list" else DYN
    return element.is_dyn or element.kind in ("int", "uint", "double")


def _plain_string(node: Any) -> str | None:
    """The text of a simple quoted string literal (no escapes, not raw or triple-quoted)."""
    literal = _step(node)
    if not (isinstance(literal, lark.Tree) and literal.data == "literal"):
        return None
    text = str(literal.children[0])
    quote = text[:1]
    if quote not in ("'", '"') or text.startswith(quote * 3) or "\\" in text:
        return None
    return text[1:-1]


def _number_hint(operator: str, left: Type, right: Type, left_node: Any, right_node: Any) -> str:
    """Advice for mixing int and double: write the literal as a double, or convert."""
    if {left.kind, right.kind} != {"int", "double"}:
        return ""
    literal = _step(left_node if left.kind == "int" else right_node)
    if isinstance(literal, lark.Tree) and literal.data == "literal":
        verb = "compare with" if operator in ("==", "!=", "<", "<=", ">", ">=") else "write"
        return f" ({verb} {literal.children[0]}.0)"
    return " (convert the int with double())"
