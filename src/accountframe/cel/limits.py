"""Limits for CEL expressions: their size, checked before anything is parsed, and what one
evaluation may spend.

An expression from a policy file is untrusted text. cel-python's parser and evaluator are
recursive, so an expression that is long or deeply nested could exhaust the Python stack and
surface as a `RecursionError` far from its cause. `Limits` bounds both, and the checks here run on
the raw text before the parser sees it; `accountframe.cel._engine` adds a guard on the parsed tree
for nesting that has no brackets (`1 + 1 + ... + 1`, `!!!...!x`). `max_iterations`, `max_cost`
and `max_value_size` bound each evaluation (`accountframe.cel._cost` has the cost model).
"""

from __future__ import annotations

import attrs

__all__ = ["DEFAULT_LIMITS", "Limits", "bracket_depth"]

_OPENERS = frozenset("([{")
_CLOSERS = frozenset(")]}")


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    # bool is an int subclass; `Limits(max_depth=True)` is a mistake, not a depth of 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{attribute.name} must be a positive int (got {value!r})")


@attrs.frozen
class Limits:
    """Bounds on one CEL expression.

    Attributes:
        max_length: The longest expression accepted, in characters.
        max_depth: The deepest bracket nesting accepted: `(`, `[` and `{` count, brackets inside
            string literals and comments do not. Operator chains without brackets are bounded
            separately, at `TREE_LEVELS_PER_DEPTH * max_depth` evaluator levels (see `_engine`).
        max_iterations: The most comprehension (macro) iterations one evaluation may run, over
            all its `all`, `exists`, `exists_one`, `map` and `filter` calls together; beyond it
            the evaluation fails with "evaluation budget exceeded". It bounds the work of
            nested macros over large data (`xs.all(x, ys.all(y, ...))`).
        max_cost: The most one evaluation may cost: 1 per operation, plus 1 per 100
            characters or bytes of string work and 1 per element of list or map work (see
            `accountframe.cel._cost` and docs/limits.md); beyond it the evaluation fails with
            "evaluation budget exceeded: cost over ...". It bounds the work of expressions
            that iterate over large strings and lists, which the iteration count alone does
            not.
        max_value_size: The largest string (characters), bytes or list or map (elements) an
            evaluation may make, with `+`, `string()`, `bytes()`, `map` or `filter`; beyond it
            the evaluation fails with "value too large: ...". Values given as variables are
            not limited by it.

    Every limit is enforced by both engines; beyond one, the evaluation stops (no `&&`, `||`
    or macro absorbs it) and the finding is `error`.

    Example:
        >>> Limits()
        Limits(max_length=4096, max_depth=64, max_iterations=1000000, max_cost=10000000, max_value_size=1000000)
        >>> Limits(max_depth=0)
        Traceback (most recent call last):
        ...
        ValueError: max_depth must be a positive int (got 0)
    """  # noqa: E501 - the doctest is one line

    max_length: int = attrs.field(default=4096, validator=_positive)
    max_depth: int = attrs.field(default=64, validator=_positive)
    max_iterations: int = attrs.field(default=1_000_000, validator=_positive)
    max_cost: int = attrs.field(default=10_000_000, validator=_positive)
    max_value_size: int = attrs.field(default=1_000_000, validator=_positive)


#: The limits SPEC §5 names: 4,096 characters, nesting depth 64; and 1,000,000 macro iterations,
#: a cost of 10,000,000 and values of 1,000,000 characters or elements per evaluation.
DEFAULT_LIMITS = Limits()


def bracket_depth(source: str) -> tuple[int, int]:
    """The deepest bracket nesting in `source`, and the offset of the bracket that first reaches it.

    A linear scan that skips string literals (single, double and triple quoted, raw or not) and
    `//` comments, so `"(((("` counts as depth 0. It does not check that brackets balance; the
    parser reports that.

    Args:
        source: CEL expression text.

    Returns:
        `(depth, offset)`; the offset is 0 when there are no brackets.

    Example:
        >>> bracket_depth("f([1, (2)], {'(': 3})")
        (3, 6)
        >>> bracket_depth("'((((' + x")
        (0, 0)
    """
    depth = deepest = deepest_at = 0
    index = 0
    length = len(source)
    while index < length:
        char = source[index]
        if char in "'\"":
            index = _skip_string(source, index)
            continue
        if char == "/" and source.startswith("//", index):
            newline = source.find("\n", index)
            index = length if newline < 0 else newline
            continue
        if char in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest, deepest_at = depth, index
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
        index += 1
    return deepest, deepest_at


def _skip_string(source: str, start: int) -> int:
    """The offset just past the string literal that opens at `start` (or the end of text)."""
    quote = source[start]
    # A raw prefix (r, R, possibly after b/B) turns off backslash escapes.
    prefix = source[max(start - 2, 0) : start].lower()
    raw = prefix.endswith("r") and (len(prefix) < 2 or not prefix[0].isalnum() or prefix == "br")
    delimiter = quote * 3 if source.startswith(quote * 3, start) else quote
    index = start + len(delimiter)
    length = len(source)
    while index < length:
        if not raw and source[index] == "\\":
            index += 2
            continue
        if source.startswith(delimiter, index):
            return index + len(delimiter)
        if len(delimiter) == 1 and source[index] == "\n":
            # Single-quoted strings cannot span lines; let the parser report it.
            return index
        index += 1
    return length
