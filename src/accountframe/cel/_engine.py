"""Compiling CEL: parsing with cel-python, limits, and a program for either engine.

`compile` parses with cel-python's lark parser, checks the limits and the tree guard below, and
builds the program for the chosen engine: `"accountframe"` lowers the tree into closures
(`_lower`, over `_runtime`'s operations), `"celpy"` wraps cel-python's interpreter (`_celpy`).
Both spend a meter per evaluation (`_cost`). Nothing outside `accountframe.cel` touches celpy,
and nothing from celpy (an exception, a value type, a message with an activation dump) leaves
this package.

The rest of this docstring is about cel-python and its interpreter (the celpy engine); the
accountframe engine keeps to the same tree guard, which bounds its recursion too (lowering
recurses about twice per visited level at compile time, a closure once per operation).

cel-python 0.5.0 facts this module is built around (measured; `tests/unit/test_cel_engine_facts.py`
pins them):

* `celpy.Environment()` calls `sys.setrecursionlimit(2500)`. We create one environment, lazily,
  under a lock, and put the process's limit back straight afterwards.
* The lark parser is cached process-wide on `CELParser.CEL_PARSER`, built with the tree class
  of the first environment created; `CELParser.parse` stores the text on the instance and
  `Environment.program` stores the runner on the environment. We call the cached lark parser
  directly, under a lock, and build runners ourselves; we never call `Environment.program`.
* The CompiledRunner shares state between threads, mishandles `!has(x)` and cannot call our
  functions, so only the interpreter is used. `InterpretedRunner.evaluate` builds a fresh
  `Evaluator` and `Activation` per call, so one `Program` may be evaluated from many threads
  at once (tested with 8 threads against serial results).
* `1 == 1.0` and `2 > 1.5` are errors (no cross-type numeric comparison).
* `duration()` on data strings backtracks exponentially: `functions.duration`/`timestamp`
  replace the built-ins with pre-validated versions.

Recursion. celpy's evaluator recurses once per parse-tree node, and the lark tree has about ten
single-child levels per parenthesis (expr → conditionalor → … → primary → paren_expr → expr).
Measured under the default recursion limit of 1000, from a stack already 100 frames deep,
the stock evaluator could not evaluate even `((((1))))` 64 levels deep, 64 nested lists, or
`1 + 1 + … + 1` with 100 terms. Instead of raising the process-wide limit we evaluate with
`_celpy.MeteredEvaluator`, which (a) steps over pass-through nodes in a loop (a one-child
`expr`, `addition`, …, a `primary` holding a literal or a parenthesised expression) and (b)
visits children without lark's extra frames. That brings the cost to about 3 Python frames per
*visited level* (from about 6 per node plus ten nodes per bracket): 64 nested parens cost
nothing, 64 nested lists are 129 visited levels.

The tree guard: after parsing, `_visited_depth` computes (iteratively, by the same stepping rule)
the deepest chain of levels the evaluator will visit, and `compile` rejects more than
`TREE_LEVELS_PER_DEPTH * limits.max_depth` (3 x 64 = 192 by default, about 600 frames). Measured
under the default limit 1000, from stacks 100 and 300 frames deep, the largest expression of each
shape that passes the guard evaluates: 64 nested parens, lists, maps, calls and macros, a 96-term
sum, 191 `!`, 191 member selections or indexes, 192 `&&` terms. Whatever happens anyway, a
`RecursionError` during evaluation becomes `CelEvaluationError`.
"""

from __future__ import annotations

import datetime
import re
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs
import celpy
import lark
import lark.exceptions
from celpy.celparser import CELParser
from celpy.evaluation import CELEvalError

from accountframe.cel._celpy import Runner, cel_message, step_over
from accountframe.cel._cost import BudgetExceeded, exceeded_message
from accountframe.cel._fields import fields_read, paths_read
from accountframe.cel._lower import lower, lower_each
from accountframe.cel._runtime import CelFailure, export
from accountframe.cel._tree import bound_name, macro_parts
from accountframe.cel.functions import CEL_FUNCTIONS
from accountframe.cel.limits import DEFAULT_LIMITS, Limits, bracket_depth
from accountframe.cel.values import Bindings, bindings, from_cel
from accountframe.errors import (
    CelCompileError,
    CelEvaluationError,
    Diagnostic,
    Location,
    UsageError,
)

__all__ = ["DEFAULT_ENGINE", "ENGINES", "TREE_LEVELS_PER_DEPTH", "Engine", "Program", "compile"]

#: Evaluator levels allowed per unit of `Limits.max_depth` (see the module docstring).
TREE_LEVELS_PER_DEPTH = 3

#: The file name given to a syntax error's Location when the expression's file is unknown.
EXPRESSION_FILE = "<expression>"


def _references(tree: Any) -> frozenset[str]:
    """Free identifiers of a parse tree, walked iteratively with macro scopes."""
    found: set[str] = set()
    pending: list[tuple[Any, frozenset[str]]] = [(tree, frozenset())]
    while pending:
        node, bound = pending.pop()
        if not isinstance(node, lark.Tree):
            continue
        if node.data == "ident":
            name = str(node.children[0])
            if name not in bound:
                found.add(name)
            continue
        macro = macro_parts(node)
        if macro is not None:
            target, variable, bodies = macro
            macro_variable = bound_name(variable)
            inner = bound | {macro_variable} if macro_variable else bound
            pending.append((target, bound))
            pending.extend((body, inner) for body in bodies)
            continue
        pending.extend((child, bound) for child in node.children)
    return frozenset(found)


def _visited_depth(tree: Any) -> int:
    """The deepest chain of nodes `MeteredEvaluator` visits, computed without recursion.

    A `primary` evaluates its child inline (the child's own children are visited), and a
    function call's argument list is visited item by item, so neither adds a level.
    """
    deepest = 0
    pending: list[tuple[Any, int]] = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        node = step_over(node)
        deepest = max(deepest, depth)
        children = [child for child in node.children if isinstance(child, lark.Tree)]
        if node.data == "primary" and children:
            inline = children[0]
            children = [c for c in inline.children if isinstance(c, lark.Tree)]
            if inline.data == "ident_arg":
                children = [c for lst in children for c in lst.children if isinstance(c, lark.Tree)]
        pending.extend((child, depth + 1) for child in children)
    return deepest


@attrs.frozen
class _Engine:
    """The celpy environment and the lark parser, created once per process."""

    environment: Any
    parser: Any
    parse_lock: threading.Lock = attrs.field(factory=threading.Lock)


_ENGINE_LOCK = threading.Lock()
_engine: _Engine | None = None


def _get_engine() -> _Engine:
    global _engine  # the one piece of module state: created once, under the lock
    with _ENGINE_LOCK:
        if _engine is None:
            limit = sys.getrecursionlimit()
            try:
                environment = celpy.Environment()
            finally:
                sys.setrecursionlimit(limit)
            _engine = _Engine(environment=environment, parser=CELParser.CEL_PARSER)
        return _engine


# Results that are already plain Python and immutable: returned as they are.
_PLAIN_RESULTS = frozenset({bool, int, float, str, bytes, type(None), datetime.datetime,
                            datetime.timedelta})  # fmt: skip

_BOOL = frozenset({bool})

#: The evaluation engines `compile` can build a `Program` for.
Engine = Literal["accountframe", "celpy"]
ENGINES: tuple[Engine, ...] = ("accountframe", "celpy")
#: A function evaluating an expression once per item (see `lower_each`).
_Each = Callable[[dict[str, Any], str, list[Any]], list[Any]]

#: The engine used when `compile` is not told otherwise.
DEFAULT_ENGINE: Engine = "accountframe"


@attrs.frozen
class Program:
    """A compiled CEL expression, ready to evaluate any number of times, from any thread.

    Build one with `compile()`.

    Attributes:
        source: The expression text.
        location: Where the expression's first character sits in its file, if known.
        engine: The engine that evaluates it: `"accountframe"` (the parse tree lowered to
            Python closures over plain values) or `"celpy"` (cel-python's interpreter).

    Example:
        >>> program = compile("tier >= 2 && 'urgent' in tags")
        >>> program.evaluate({"tier": 3, "tags": ["urgent"]})
        True
        >>> program.engine
        'accountframe'
    """

    source: str
    location: Location | None = None
    engine: Engine = DEFAULT_ENGINE
    _tree: Any = attrs.field(default=None, repr=False, eq=False)
    _code: Any = attrs.field(default=None, repr=False, eq=False)
    _limits: Limits = attrs.field(default=DEFAULT_LIMITS, repr=False, eq=False)
    # `_evaluate_each`'s function, made on first use (see `_each`). Not a cached_property: on a
    # slotted class, attrs makes one with a `__getattr__`, which slows every attribute read.
    _each_code: _Each | None = attrs.field(default=None, init=False, repr=False, eq=False)

    def references(self) -> frozenset[str]:
        """The variables the expression reads: free identifiers, not macro-bound ones.

        Example:
            >>> sorted(compile("contract.reviews.exists(r, r.date > now) && is_major").references())
            ['contract', 'is_major', 'now']
        """
        return _references(self._tree)

    def fields_read(self, variable: str, *, elements: bool = False) -> frozenset[str] | None:
        """The fields of the map `variable` the expression may read, or None when it may use
        the value whole (compare it, iterate it, pass it on, ...). With `elements`, the fields
        of the maps in the list `variable`, when the list is only the target of macros.

        Example:
            >>> sorted(compile("has(c.tier) && c.reviews.size() > 0").fields_read("c"))
            ['reviews', 'tier']
            >>> print(compile("c == {}").fields_read("c"))
            None
            >>> sorted(compile("cs.filter(x, x.tier == 'gold').size() > 1").fields_read(
            ...     "cs", elements=True))
            ['tier']
        """
        return fields_read(self._tree, variable, elements=elements)

    def paths_read(
        self, variable: str, *, elements: bool = False
    ) -> frozenset[tuple[str, ...]] | None:
        """The paths of fields below `variable` (or its elements) the expression may read,
        each possibly used whole; None as for `fields_read`.

        Example:
            >>> sorted(compile("has(f.evidence.x) && f.status == 'fail'").paths_read("f"))
            [('evidence', 'x'), ('status',)]
        """
        return paths_read(self._tree, variable, elements=elements)

    def evaluate(self, values: Mapping[str, Any] | Bindings) -> Any:
        """Evaluate with the given variables and return the result as plain Python.

        Args:
            values: Variable name to plain Python value, or a `Bindings` from `bindings()`
                (validated once, cheaper when many programs read the same variables).

        Returns:
            bool, int, float, str, bytes, None, list, dict, UTC-aware datetime or timedelta.

        Raises:
            CelEvaluationError: The expression failed (unknown variable, no such field, no
                matching overload, division by zero, ...) or a value cannot be converted.

        Example:
            >>> compile("days_between(date(start), date(end))").evaluate(
            ...     {"start": "2026-01-01", "end": "2026-03-01"})
            59
            >>> compile("missing + 1").evaluate({})
            Traceback (most recent call last):
            ...
            accountframe.errors.CelEvaluationError: undeclared reference to 'missing'
        """
        bound = values if type(values) is Bindings else bindings(values)
        if self.engine == "celpy":
            return self._evaluate_celpy(bound)
        try:
            result = self._code(bound.plain_values())
            return result if type(result) in _PLAIN_RESULTS else export(result)
        except CelFailure as failure:
            raise self._failure(failure.message) from failure
        except BudgetExceeded as error:
            raise self._failure(exceeded_message(error, self._limits)) from error
        except RecursionError as error:
            raise self._failure("expression or data is nested too deeply to evaluate") from error
        except Exception as error:  # a Python failure in an operation is still an evaluation error
            raise self._failure(f"evaluation failed: {type(error).__name__}: {error}") from error

    def _evaluate_bool(self, bound: Bindings) -> bool | None:
        """`evaluate(bound)` when it gives a bool; else None, and nothing is raised (the caller
        then calls `evaluate`, which gives the error or the value that is not a bool).

        Internal, for accountframe's evaluation of a condition: the engine's function called
        directly, without `evaluate`'s per-call cost. The celpy engine always gives None.

        Example:
            >>> compile("n > 1")._evaluate_bool(bindings({"n": 2}))
            True
            >>> print(compile("n / 0 > 1")._evaluate_bool(bindings({"n": 2})))
            None
        """
        if self.engine != "accountframe":
            return None
        try:  # the activation read as `plain_values()` gives it, without the call
            result = self._code(bound._values)
        except Exception:  # any failure: the caller's `evaluate` names it
            return None
        return result if type(result) is bool else None

    def _each(self) -> _Each:
        """`_evaluate_each`'s function (accountframe engine), made on first use (threads that
        ask at once may each make one: equivalent functions, either will do)."""
        each = self._each_code
        if each is None:
            each = lower_each(self._tree, self._limits)
            object.__setattr__(self, "_each_code", each)
        return each

    def _evaluate_each(self, bound: Bindings, name: str, items: list[Any]) -> list[Any] | None:
        """The results of evaluating with `bound` and `name` set to each item in turn, when
        every one is a bool; else None, and nothing is raised (the caller then evaluates
        item by item, which gives the error or the result that is not a bool).

        Internal, for accountframe's evaluation of a condition per event (`counts_if`): the
        same results as `evaluate(bound._trusted_merged({name: item}))` per item, without its
        per-call cost. `items` must be canonical, as for `Bindings._trusted_merged`; the celpy
        engine always gives None.

        Example:
            >>> compile("x > 1")._evaluate_each(bindings({}), "x", [0, 2])
            [False, True]
            >>> print(compile("x / 0 > 1")._evaluate_each(bindings({}), "x", [1]))
            None
        """
        if self.engine != "accountframe":
            return None
        try:
            results: list[Any] = self._each()(bound._values, name, items)
        except Exception:  # any failure: the caller's evaluation item by item names it
            return None
        return results if _BOOL.issuperset(map(type, results)) else None

    def _evaluate_celpy(self, bound: Bindings) -> Any:
        activation = bound.cel_values()
        try:
            result = self._code.evaluate(activation)
        except CELEvalError as error:
            raise self._failure(cel_message(error)) from error
        except BudgetExceeded as error:
            raise self._failure(exceeded_message(error, self._limits)) from error
        except RecursionError as error:
            raise self._failure("expression or data is nested too deeply to evaluate") from error
        except Exception as error:  # any celpy or Python failure is an evaluation error
            raise self._failure(f"evaluation failed: {cel_message(error)}") from error
        if isinstance(result, CELEvalError):
            raise self._failure(cel_message(result))
        try:
            return from_cel(result)
        except CelEvaluationError as error:
            raise self._failure(error.cel_message) from error

    def _failure(self, message: str) -> CelEvaluationError:
        return CelEvaluationError(message, source=self.source, location=self.location)


def compile(
    source: str,
    *,
    location: Location | None = None,
    indent: int = 0,
    limits: Limits = DEFAULT_LIMITS,
    engine: Engine = DEFAULT_ENGINE,
) -> Program:
    """Parse a CEL expression into a `Program`, checking the size limits first.

    Args:
        source: The CEL expression.
        location: Where the expression's first character sits in its file (1-based line and
            column). Error positions are mapped into the file; without it they are positions
            inside the expression, with the expression's line for a caret display.
        indent: The column (0-based) at which the expression's second and later lines start in
            the file, for a block scalar: line k > 1 of the expression maps to file column
            `indent + col`.
        limits: Length, nesting and evaluation-budget bounds.
        engine: `"accountframe"` (the default) or `"celpy"`, kept for comparison.

    Returns:
        A `Program`.

    Raises:
        CelCompileError: `af-cel-syntax` if it does not parse, `af-cel-limit` if it is too long
            or too deeply nested; `diagnostic` says where.
        UsageError: `engine` is not one of `ENGINES`.

    Example:
        >>> compile("1 + 2").evaluate({})
        3
        >>> compile("1 + 2", engine="celpy").evaluate({})
        3
        >>> try:
        ...     compile("(1")
        ... except CelCompileError as error:
        ...     print(error.diagnostic.render())
        <expression>:1:3: af-cel-syntax: unexpected end of expression; expected ')'
            (1
              ^
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown CEL engine {engine!r} (choose from {', '.join(ENGINES)})")
    place = Placer(source if isinstance(source, str) else "", location, indent)
    if not isinstance(source, str):
        raise place.error(
            "af-cel-syntax", f"expression must be a string (got {type(source).__name__})", 0
        )
    if len(source) > limits.max_length:
        raise place.error(
            "af-cel-limit",
            f"expression is {len(source)} characters long; the limit is {limits.max_length}",
            0,
        )
    depth, offset = bracket_depth(source)
    if depth > limits.max_depth:
        raise place.error(
            "af-cel-limit",
            f"expression is nested {depth} brackets deep; the limit is {limits.max_depth}",
            offset,
        )
    parsing = _get_engine()
    try:
        with parsing.parse_lock:
            tree = parsing.parser.parse(source)
    except lark.exceptions.UnexpectedInput as error:
        message, offset = _syntax_message(error, source)
        raise place.error("af-cel-syntax", message, offset) from error
    except Exception as error:  # lark or celpy failing in an unexpected way is still bad input
        raise place.error("af-cel-syntax", f"cannot parse: {error}", 0) from error
    levels = _visited_depth(tree)
    bound = TREE_LEVELS_PER_DEPTH * limits.max_depth
    if levels > bound:
        raise place.error(
            "af-cel-limit",
            f"expression is nested {levels} operations deep; the limit is {bound}",
            0,
        )
    if engine == "celpy":
        code: Any = Runner(parsing.environment, tree, dict(CEL_FUNCTIONS), limits)
    else:
        try:
            code = lower(tree, limits)
        except RecursionError as error:  # pragma: no cover - the tree guard prevents it
            raise place.error(
                "af-cel-limit", "expression is nested too deeply to compile", 0
            ) from error
    return Program(source, location, engine, tree, code, limits)


@attrs.frozen
class Placer:
    """Maps an offset in the expression to a Location in its file."""

    source: str
    location: Location | None
    indent: int

    def error(self, code: str, message: str, offset: int) -> CelCompileError:
        offset = max(0, min(offset, len(self.source)))
        line = self.source.count("\n", 0, offset) + 1
        column = offset - (self.source.rfind("\n", 0, offset) + 1) + 1
        if self.location is None:
            source_line = self.source.split("\n")[line - 1]
            where = Location(file=EXPRESSION_FILE, line=line, column=column)
            diagnostic = Diagnostic(code, message, where, source_line=source_line)
        else:
            base = self.location
            if line == 1:
                file_line, file_column = (base.line or 1), (base.column or 1) + column - 1
            else:
                file_line, file_column = (base.line or 1) + line - 1, self.indent + column
            where = Location(file=base.file, line=file_line, column=file_column, path=base.path)
            diagnostic = Diagnostic(code, message, where)
        return CelCompileError(message, source=self.source, diagnostic=diagnostic)


# Terminals that can start an operand: a syntax error expecting them wants an expression.
_OPERAND_TERMINALS = frozenset(
    {"IDENT", "INT_LIT", "UINT_LIT", "FLOAT_LIT", "STRING_LIT", "MLSTRING_LIT", "BYTES_LIT",
     "BOOL_LIT", "NULL_LIT", "BANG", "MINUS", "DOT", "LPAR", "LSQB", "LBRACE"}
)  # fmt: skip
_MAX_LISTED = 6


def _syntax_message(error: Exception, source: str) -> tuple[str, int]:
    """A readable message for a lark error and the offset it points at."""
    offset = source_offset(source, getattr(error, "line", None), getattr(error, "column", None))
    if isinstance(error, lark.exceptions.UnexpectedCharacters):
        char = error.char
        if char in "'\"":
            return "unterminated string", offset
        return f"unexpected character {char!r}", offset
    token = getattr(error, "token", None)
    if token is None or token.type == "$END":
        found = "unexpected end of expression"
        offset = len(source.rstrip())
    else:
        found = f"unexpected {str(token)!r}"
    expected = _expected(set(getattr(error, "expected", None) or ()))
    return (f"{found}; expected {expected}" if expected else found), offset


def _expected(names: set[str]) -> str:
    symbols = sorted(
        {_symbol(name) for name in names if name not in _OPERAND_TERMINALS and name != "$END"}
    )
    if names & {"IDENT", "INT_LIT"}:
        return " or ".join(["an expression", *(repr(s) for s in symbols)][:_MAX_LISTED])
    if not symbols:
        return ""
    if len(symbols) > _MAX_LISTED:
        return "an operator or the end of the expression"
    if len(symbols) == 1:
        return repr(symbols[0])
    return "one of " + ", ".join(repr(s) for s in symbols)


def _symbol(terminal: str) -> str:
    """The text of a punctuation terminal, from the grammar's own pattern."""
    try:
        pattern = _get_engine().parser.get_terminal(terminal).pattern.value
    except Exception:  # an unknown terminal name: show the name
        return terminal.lower()
    return re.sub(r"\\(.)", r"\1", str(pattern))


def source_offset(source: str, line: object, column: object) -> int:
    if not (isinstance(line, int) and isinstance(column, int)) or line < 1 or column < 1:
        return 0
    lines = source.split("\n")
    if line > len(lines):
        return len(source)
    return sum(len(text) + 1 for text in lines[: line - 1]) + column - 1
