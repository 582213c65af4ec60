"""Which fields of a map variable an expression can read: `Program.fields_read`.

Evaluation uses it to build only the parts of a contract's value that some expression of the
framework reads (a projection decided once, when compiling). So the answer must never be too
small: it is a set of field names only when the variable's value is used in no other way than
by selecting those fields, and None (the whole value may matter) as soon as the value itself
goes anywhere else: compared, converted, indexed, iterated over its keys, put in a list, given
to a function, returned.

For a list of maps (`elements=True`, as `contracts` is in person scope): the fields its
elements are read by, when the list is only the target of macros whose variable is used that
way and, for `filter`, whose result is only counted (`.size()` or `size(...)`) or is itself
the target of such a macro (`ms.filter(x, ...).map(y, y.a)`).
"""

from __future__ import annotations

from typing import Any

import lark

from accountframe.cel._tree import bound_name, listed, macro_parts, step

__all__ = ["fields_read", "paths_read"]

#: A path of fields below a variable: ("evidence", "failed_check") for `f.evidence.failed_check`.
FieldPath = tuple[str, ...]

# The macros whose result carries no element of the target (a bool, or the body's values).
_SAFE_MACROS = frozenset({"all", "exists", "exists_one", "map"})


def fields_read(tree: Any, variable: str, *, elements: bool = False) -> frozenset[str] | None:
    """The fields of `variable` (or of its elements) that `tree` may read; None if it may
    use the value in any other way (the first field of each of `paths_read`'s paths)."""
    paths = paths_read(tree, variable, elements=elements)
    return None if paths is None else frozenset(path[0] for path in paths)


def paths_read(tree: Any, variable: str, *, elements: bool = False) -> frozenset[FieldPath] | None:
    """The paths of fields below `variable` (or below its elements) that `tree` may read:
    `f.evidence.failed_check` reads ("evidence", "failed_check"), and a path's value may be
    used whole; None if the variable's value itself may be used in any other way. Walks the
    tree without recursion, macro bodies aside (bounded by the nesting limit), with macro
    variables shadowing as CEL scopes them."""
    paths: set[FieldPath] = set()
    # (node, names bound by enclosing macros, whether the node's value only goes to size()).
    pending: list[tuple[Any, frozenset[str], bool]] = [(tree, frozenset(), False)]
    while pending:
        node, bound, sized = pending.pop()
        if not isinstance(node, lark.Tree):
            continue
        node = step(node)
        if not isinstance(node, lark.Tree):
            continue
        data, children = node.data, node.children
        if data in ("ident", "dot_ident"):
            name = str(children[0])
            if name == variable and (data == "dot_ident" or name not in bound):
                if elements and sized and data == "ident":
                    continue  # the list's size: no element is read
                return None  # the value itself, used whole
            continue
        if data == "member_dot" and not elements:
            path = _chain(node, variable, bound)
            if path is not None:
                paths.add(path)
                continue
        macro = macro_parts(node)
        if macro is not None:
            target, variable_node, bodies = macro
            macro_variable = bound_name(variable_node)
            inner = bound | {macro_variable} if macro_variable is not None else bound
            filters = _filters(target, variable, bound) if elements else None
            if filters is not None:
                if macro_variable is None or (str(children[1]) not in _SAFE_MACROS and not sized):
                    return None
                # This macro's bodies, and those of the filters before it, see the elements.
                for element, seen in [*filters, (macro_variable, bodies)]:
                    for body in seen:
                        read = paths_read(body, element)
                        if read is None:
                            return None
                        paths |= read
                for element, seen in filters:
                    pending.extend((body, bound | {element}, False) for body in seen)
            else:
                pending.append((target, bound, False))
            pending.extend((body, inner, False) for body in bodies)
            continue
        if (
            data == "member_dot_arg"
            and str(children[1]) == "size"
            and not listed(children[2] if len(children) > 2 else None)
        ):
            pending.append((children[0], bound, True))
            continue
        if data == "ident_arg" and str(children[0]) == "size":
            arguments = listed(children[1] if len(children) > 1 else None)
            if len(arguments) == 1:
                pending.append((arguments[0], bound, True))
                continue
        pending.extend((child, bound, False) for child in children)
    return frozenset(paths)


def _chain(node: Any, variable: str, bound: frozenset[str]) -> FieldPath | None:
    """The fields of a selection chain `variable.a.b...` (`node` its outermost `member_dot`),
    or None if the chain does not start at the free variable."""
    names: list[str] = []
    while isinstance(node, lark.Tree) and node.data == "member_dot":
        names.append(str(node.children[1]))
        node = step(node.children[0])
    if not _is_free(node, variable, bound):
        return None
    return tuple(reversed(names))


def _filters(node: Any, variable: str, bound: frozenset[str]) -> list[tuple[str, list[Any]]] | None:
    """For a macro's target made of the free `variable` and the filters applied to it in turn
    (`ms`, `ms.filter(x, ...)`, `ms.filter(x, ...).filter(y, ...)`): each filter's variable
    and bodies, first applied first (none for `ms` itself); None for any other target.

    A filter's result holds elements of the list, unchanged: what the macro applied to it
    reads of them is read of the list's elements, as the filters' own bodies are."""
    filters: list[tuple[str, list[Any]]] = []
    node = step(node)
    while not _is_free(node, variable, bound):
        macro = macro_parts(node) if isinstance(node, lark.Tree) else None
        if macro is None or str(node.children[1]) != "filter":
            return None
        target, variable_node, bodies = macro
        element = bound_name(variable_node)
        if element is None:
            return None
        filters.append((element, bodies))
        node = step(target)
    return filters[::-1]


def _is_free(node: Any, variable: str, bound: frozenset[str]) -> bool:
    """Whether `node` is the identifier `variable`, not shadowed by a macro variable."""
    node = step(node)
    return (
        isinstance(node, lark.Tree)
        and node.data == "ident"
        and str(node.children[0]) == variable
        and variable not in bound
    )
