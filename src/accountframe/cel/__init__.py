"""The CEL boundary: the only part of accountframe that imports cel-python.

Compile an expression once, evaluate it many times with plain Python values::

    >>> from accountframe import cel
    >>> program = cel.compile("add_months(start, 1) <= now")
    >>> import datetime
    >>> program.evaluate({"start": datetime.date(2026, 1, 31), "now": datetime.date(2026, 3, 1)})
    True

Variables go in as bool, int, float, str, bytes, None, list/tuple, dict, `datetime.date`
(a timestamp at 00:00:00Z), timezone-aware `datetime` and `timedelta`; results come out as the
same plain types (timestamps as UTC-aware datetimes). `bindings()` validates variables once for
evaluating many programs against the same subject.

Two engines (`ENGINES`): `"accountframe"` (the default) lowers the parse tree into Python
closures over plain values; `"celpy"` is cel-python's interpreter, kept for comparison::

    >>> cel.compile("[1, 2, 3].exists(x, x > 2)", engine="celpy").evaluate({})
    True

Errors: `compile` raises `CelCompileError` (code `af-cel-syntax` or `af-cel-limit`, with a
`Diagnostic` pointing into the file when `location` is given); `Program.evaluate` raises
`CelEvaluationError` with CEL's message. No celpy or Python exception escapes.

`check(program, variables)` type-checks a program against typed variables (`Type`, from
`accountframe.cel.types`) before anything runs; see `accountframe.cel.checker`.

Functions beyond standard CEL are listed in `FUNCTIONS`: `days`, `days_between`,
`add_months`, `date` and `sum`.
"""

from __future__ import annotations

from accountframe.cel._engine import (
    DEFAULT_ENGINE,
    ENGINES,
    TREE_LEVELS_PER_DEPTH,
    Engine,
    Program,
    compile,
)
from accountframe.cel.anatomy import Subcondition, paths, subconditions
from accountframe.cel.checker import Checked, check
from accountframe.cel.functions import FUNCTIONS
from accountframe.cel.limits import DEFAULT_LIMITS, Limits
from accountframe.cel.monotone import direction, moving_conditions
from accountframe.cel.types import TYPES, Type
from accountframe.cel.values import Bindings, bindings

__all__ = [
    "DEFAULT_ENGINE",
    "DEFAULT_LIMITS",
    "ENGINES",
    "FUNCTIONS",
    "TREE_LEVELS_PER_DEPTH",
    "TYPES",
    "Bindings",
    "Checked",
    "Engine",
    "Limits",
    "Program",
    "Subcondition",
    "Type",
    "bindings",
    "check",
    "compile",
    "direction",
    "moving_conditions",
    "paths",
    "subconditions",
]
