"""Taking a compiled expression apart, to show why it gave the value it did.

Two views of a `Program`, both read from its parse tree without evaluating anything:

* `subconditions`: the operands of its top-level `&&` and `||` chains and the three parts of a
  `?:`, recursively (through parentheses, not into macros or calls). Each is the exact source
  text of the operand, with its position, compiled as a `Program` of its own, so it can be
  evaluated with the same variables as the whole expression.
* `paths`: the variables and field paths it reads (`contract.value.total`, `params.min_kpis`),
  each itself a valid expression, in order of first appearance; macro-bound variables such as
  `f` in `findings.exists(f, ...)` are left out.

Example:
    >>> from accountframe import cel
    >>> program = cel.compile("has(c.total) && (c.spent <= c.total || c.waived)")
    >>> [(part.operator, part.source) for part in cel.subconditions(program)]
    [('&&', 'has(c.total)'), ('&&', '(c.spent <= c.total || c.waived)')]
    >>> [part.source for part in cel.subconditions(program)[1].parts]
    ['c.spent <= c.total', 'c.waived']
    >>> cel.paths(program)
    ('c.total', 'c.spent', 'c.waived')
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import lark

from accountframe.cel._engine import Program, compile
from accountframe.cel._tree import macro_parts
from accountframe.errors import CelCompileError, Location

__all__ = ["Subcondition", "paths", "subconditions"]

# Nodes that only pass their single child on (the evaluator's own stepping rule).
_PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication",
     "unary", "member"}
)  # fmt: skip


@attrs.frozen
class Subcondition:
    """One operand of a `&&`/`||` chain or one part of a `?:`, as its own program.

    Attributes:
        operator: `&&` or `||` for an operand of that chain; `?` (the condition), `then` or
            `else` for the parts of a conditional.
        source: The operand's exact text.
        start: Offset of its first character in the whole expression.
        end: Offset just past its last character.
        location: Where it starts in the file, when the whole expression's location is known.
        program: The operand compiled on its own.
        parts: Its own operands, when it is itself a chain or a conditional (in parentheses).
    """

    operator: str
    source: str
    start: int
    end: int
    location: Location | None
    program: Program = attrs.field(repr=False)
    parts: tuple[Subcondition, ...] = ()


def subconditions(program: Program, *, indent: int = 0) -> tuple[Subcondition, ...]:
    """The operands of the expression's top-level `&&`, `||` or `?:`, recursively.

    Args:
        program: A compiled expression.
        indent: As for `compile`: the file column (0-based) at which the expression's second and
            later lines start, so that positions on those lines map into the file.

    Returns:
        The operands in source order; empty when the expression is not such a chain.

    Examples:
        >>> from accountframe import cel
        >>> top = cel.subconditions(cel.compile("tier > 2 ? ok && done : false"))
        >>> [(part.operator, part.source) for part in top]
        [('?', 'tier > 2'), ('then', 'ok && done'), ('else', 'false')]
        >>> [part.source for part in top[1].parts]
        ['ok', 'done']
        >>> top[1].parts[1].program.evaluate({"done": True})
        True
    """
    return _Splitter(program, indent, _keyword_positions(program)).parts(program._tree)


def paths(program: Program) -> tuple[str, ...]:
    """The variables and field paths the expression reads, in order of first appearance.

    A path stops where a selection stops being a plain field: `report.kpis.size()` reads
    `report.kpis`, `c.attributes["x"]` reads `c.attributes`.

    Examples:
        >>> from accountframe import cel
        >>> cel.paths(cel.compile('report.kpis.size() >= params.min && findings.exists(f, f.x)'))
        ('report.kpis', 'params.min', 'findings')
    """
    found: dict[str, None] = {}
    pending: list[tuple[Any, frozenset[str]]] = [(program._tree, frozenset())]
    while pending:
        node, bound = pending.pop()
        if not isinstance(node, lark.Tree):
            continue
        chain = _chain(node)
        if chain is not None:
            if chain.partition(".")[0] not in bound:
                found.setdefault(chain, None)
            continue
        macro = macro_parts(node)
        if macro is not None:
            target, variable, bodies = macro
            name = _chain(variable)
            inner = bound | {name} if name else bound
            # Pushed in reverse: the stack pops them in source order.
            pending.extend((body, inner) for body in reversed(bodies))
            pending.append((target, bound))
            continue
        pending.extend((child, bound) for child in reversed(node.children))
    return tuple(found)


def _chain(node: Any) -> str | None:
    """`a.b.c` for a tree that is just an identifier followed by field selections."""
    fields: list[str] = []
    while isinstance(node, lark.Tree):
        if node.data == "member_dot" and len(node.children) == 2:
            fields.append(str(node.children[1]))
            node = node.children[0]
        elif node.data == "ident":
            return ".".join([str(node.children[0]), *reversed(fields)])
        elif len(node.children) == 1 and (node.data in _PASS_THROUGH or node.data == "primary"):
            node = node.children[0]
        else:
            return None
    return None


@attrs.frozen
class _Splitter:
    program: Program
    indent: int
    #: Start offsets of the tokens the parser left without a position (id(token) → offset).
    positions: dict[int, int]

    def parts(self, tree: Any) -> tuple[Subcondition, ...]:
        tree = _inner(tree)
        if tree.data == "expr" and len(tree.children) == 3:
            roles = ("?", "then", "else")
            return tuple(
                part
                for role, child in zip(roles, tree.children, strict=True)
                if (part := self.part(role, child)) is not None
            )
        for data, operator in (("conditionalor", "||"), ("conditionaland", "&&")):
            if tree.data == data and len(tree.children) == 2:
                operands: list[Any] = []
                # A chain nests to the left: ((a || b) || c); walk it down without recursion.
                while tree.data == data and len(tree.children) == 2:
                    operands.append(tree.children[1])
                    tree = tree.children[0]
                operands.append(tree)
                return tuple(
                    part
                    for child in reversed(operands)
                    if (part := self.part(operator, child)) is not None
                )
        return ()

    def part(self, operator: str, tree: Any) -> Subcondition | None:
        start, end = self.span(tree)
        text = self.program.source[start:end]
        location = self.locate(start)
        try:
            program = compile(text, location=location, indent=self.indent)
        except CelCompileError:  # pragma: no cover - an operand of valid CEL is valid CEL
            return None
        return Subcondition(
            operator=operator,
            source=text,
            start=start,
            end=end,
            location=location,
            program=program,
            parts=self.parts(tree),
        )

    def span(self, tree: Any) -> tuple[int, int]:
        """The node's offsets; lark has none for a node that starts or ends with `true`/`false`."""
        meta = tree.meta
        start = None if meta.empty else getattr(meta, "start_pos", None)
        end = None if meta.empty else getattr(meta, "end_pos", None)
        if start is None or end is None:
            tokens = _tokens(tree)
            if start is None:
                start = self.start_of(tokens[0])
            if end is None:
                end = self.start_of(tokens[-1]) + len(tokens[-1])
        return start, end

    def start_of(self, token: lark.Token) -> int:
        position = token.start_pos
        return position if position is not None else self.positions[id(token)]

    def locate(self, offset: int) -> Location | None:
        base = self.program.location
        if base is None or base.line is None:
            return None
        source = self.program.source
        line = source.count("\n", 0, offset) + 1
        column = offset - (source.rfind("\n", 0, offset) + 1) + 1
        if line == 1:
            return attrs.evolve(base, column=(base.column or 1) + column - 1)
        return attrs.evolve(base, line=base.line + line - 1, column=self.indent + column)


def _inner(tree: Any) -> Any:
    """Below single-child levels and parentheses: the node that does the work."""
    while len(tree.children) == 1:
        child = tree.children[0]
        if tree.data in _PASS_THROUGH and isinstance(child, lark.Tree):
            tree = child
        elif tree.data == "primary" and isinstance(child, lark.Tree) and child.data == "paren_expr":
            tree = child.children[0]
        else:
            break
    return tree


def _tokens(tree: Any) -> list[lark.Token]:
    """The tree's tokens in source order, walked without recursion."""
    found: list[lark.Token] = []
    pending: list[Any] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, lark.Tree):
            pending.extend(reversed(node.children))
        elif isinstance(node, lark.Token):
            found.append(node)
    return found


def _keyword_positions(program: Program) -> dict[int, int]:
    """Offsets of the tokens without a position (celpy's `true` and `false`).

    Each is the first occurrence of its text after the previous token: only operators and
    punctuation, which hold no letters, come between two tokens of the tree.
    """
    positions: dict[int, int] = {}
    after = 0
    source = program.source
    for token in _tokens(program._tree):
        start = token.start_pos
        if start is None:
            match = re.compile(rf"\b{re.escape(str(token))}\b").search(source, after)
            start = match.start() if match else after
            positions[id(token)] = start
        after = start + len(token)
    return positions
