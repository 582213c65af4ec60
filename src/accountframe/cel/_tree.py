"""The parse tree as the engine and the checks read it: cel-python's lark tree, with the nodes
that only pass their one child through stepped over, and the macros' parts."""

from __future__ import annotations

from typing import Any

import lark

__all__ = ["MACROS", "PASS_THROUGH", "bound_name", "dotted", "listed", "macro_parts", "step"]

#: Nodes that, with one child, only pass it through.
PASS_THROUGH = frozenset(
    {"expr", "conditionalor", "conditionaland", "relation", "addition", "multiplication",
     "unary", "member", "primary", "paren_expr"}
)  # fmt: skip
#: The macros: `target.name(variable, body...)`, whose variable is bound in the bodies only.
MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})


def macro_parts(node: Any) -> tuple[Any, Any, list[Any]] | None:
    """For `target.exists(var, body...)` and the other macros: (target, var, bodies); else None.

    `var` is bound inside the bodies only, which is what every scope-aware walk needs to know.
    """
    children = node.children
    if (
        node.data == "member_dot_arg"
        and len(children) == 3
        and str(children[1]) in MACROS
        and isinstance(children[2], lark.Tree)
        and children[2].children
    ):
        variable, *bodies = children[2].children
        return children[0], variable, bodies
    return None


def step(tree: Any) -> Any:
    while isinstance(tree, lark.Tree) and len(tree.children) == 1 and tree.data in PASS_THROUGH:
        child = tree.children[0]
        if not isinstance(child, lark.Tree):
            break
        tree = child
    return tree


def bound_name(tree: Any) -> str | None:
    tree = step(tree)
    if isinstance(tree, lark.Tree) and tree.data == "ident":
        return str(tree.children[0])
    return None


def listed(exprlist: Any) -> list[Any]:
    return list(exprlist.children) if isinstance(exprlist, lark.Tree) else []


def dotted(tree: Any) -> str | None:
    """`a.b.c` for a tree of identifiers and field selections."""
    names: list[str] = []
    node = step(tree)
    while isinstance(node, lark.Tree) and node.data == "member_dot":
        names.append(str(node.children[1]))
        node = step(node.children[0])
    if isinstance(node, lark.Tree) and node.data == "ident":
        return ".".join([str(node.children[0]), *reversed(names)])
    return None
