"""The accountframe engine's macros (`all`, `exists`, `exists_one`, `map`, `filter`): closures
that bind the macro's variable in the activation, restore it afterwards, and spend the
evaluation's meter (`_cost`), kept in the activation under `BUDGET`: one iteration and `step`
(1 + the operations of the body) of cost per element. A list a macro makes (`map`, `filter`)
is held to the size cap `cap`.

A macro is charged for all its elements when it starts, whether or not it stops early (an
`exists` that finds its element first): the budget bounds what an expression may do, and the
loop itself then spends nothing per element, which keeps it fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import accountframe.cel._runtime as rt
from accountframe.cel._cost import BUDGET, exceeded, too_large
from accountframe.cel._operators import Code
from accountframe.cel._runtime import CelFailure

__all__ = ["MACRO_BUILDERS", "build_filter"]


def _elements(value: Any, name: str) -> Any:
    kind = type(value)
    if kind is list:
        return value
    if kind is dict:
        return list(value)
    rt.fail(f"no matching overload for {name!r} applied to ({rt.type_name(value)})")


def _restore(act: dict[str, Any], variable: str, saved: Any) -> None:
    if saved is rt.MISSING:
        act.pop(variable, None)
    else:
        act[variable] = saved


def _predicate_error(name: str, value: Any) -> CelFailure:
    return CelFailure(f"the condition of .{name}() must be a bool (got {rt.type_name(value)})")


def _quantifier(name: str, decisive: bool) -> Callable[..., Code]:
    """`all` (decided by the first false) or `exists` (by the first true), CEL's way.

    An element that decides returns at once, even after an error on an earlier element
    (errors are absorbed like `&&`/`||`); otherwise the first error, else `undecided`.
    """
    undecided = not decisive

    def build(target: Code, variable: str, predicate: Code, *, step: int, cap: int) -> Code:
        def quantify(act: dict[str, Any]) -> bool:
            items = _elements(target(act), name)
            saved = act.get(variable, rt.MISSING)
            error: CelFailure | None = None
            budget = act[BUDGET]  # the whole list is charged now (see the module docstring)
            size = len(items)
            budget[0] -= size
            budget[1] -= size * step
            if budget[0] < 0 or budget[1] < 0:
                raise exceeded(budget)
            try:
                for item in items:
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


def _build_exists_one(target: Code, variable: str, predicate: Code, *, step: int, cap: int) -> Code:
    def exists_one(act: dict[str, Any]) -> bool:
        items = _elements(target(act), "exists_one")
        saved = act.get(variable, rt.MISSING)
        count = 0
        budget = act[BUDGET]  # the whole list is charged now (see the module docstring)
        size = len(items)
        budget[0] -= size
        budget[1] -= size * step
        if budget[0] < 0 or budget[1] < 0:
            raise exceeded(budget)
        try:
            for item in items:
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


def _build_map(target: Code, variable: str, transform: Code, *, step: int, cap: int) -> Code:
    def map_(act: dict[str, Any]) -> list[Any]:
        items = _elements(target(act), "map")
        saved = act.get(variable, rt.MISSING)
        results = []
        budget = act[BUDGET]  # the whole list is charged now (see the module docstring)
        size = len(items)
        budget[0] -= size
        budget[1] -= size * step
        if budget[0] < 0 or budget[1] < 0:
            raise exceeded(budget)
        try:
            for item in items:
                act[variable] = item
                results.append(transform(act))
        finally:
            _restore(act, variable, saved)
        if len(results) > cap:
            raise too_large(results, len(results))
        return results

    return map_


def build_filter(
    target: Code, variable: str, predicate: Code, *, step: int, cap: int, counted: bool = False
) -> Code:
    """`filter`; `counted`: the number of items it keeps, for `.filter(...).size()`."""

    def filter_(act: dict[str, Any]) -> Any:
        items = _elements(target(act), "filter")
        saved = act.get(variable, rt.MISSING)
        results = []
        budget = act[BUDGET]  # the whole list is charged now (see the module docstring)
        size = len(items)
        budget[0] -= size
        budget[1] -= size * step
        if budget[0] < 0 or budget[1] < 0:
            raise exceeded(budget)
        try:
            for item in items:
                act[variable] = item
                result = predicate(act)
                if result is True:
                    results.append(item)
                elif result is not False:
                    raise _predicate_error("filter", result)
        finally:
            _restore(act, variable, saved)
        if counted:
            return len(results)
        if len(results) > cap:
            raise too_large(results, len(results))
        return results

    return filter_


def _build_map_filter(
    target: Code, variable: str, predicate: Code, transform: Code, *, step: int, cap: int
) -> Code:
    def map_filter(act: dict[str, Any]) -> list[Any]:
        items = _elements(target(act), "map")
        saved = act.get(variable, rt.MISSING)
        results = []
        budget = act[BUDGET]  # the whole list is charged now (see the module docstring)
        size = len(items)
        budget[0] -= size
        budget[1] -= size * step
        if budget[0] < 0 or budget[1] < 0:
            raise exceeded(budget)
        try:
            for item in items:
                act[variable] = item
                result = predicate(act)
                if result is True:
                    results.append(transform(act))
                elif result is not False:
                    raise _predicate_error("map", result)
        finally:
            _restore(act, variable, saved)
        if len(results) > cap:
            raise too_large(results, len(results))
        return results

    return map_filter


MACRO_BUILDERS: dict[str, Callable[..., Code]] = {
    "all": _build_all,
    "exists": _build_exists,
    "exists_one": _build_exists_one,
    "map": _build_map,
    "filter": build_filter,
    "map_filter": _build_map_filter,
}
