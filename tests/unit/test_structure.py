"""The house rules of `src/accountframe`, read from the code (docs/internals.md, "The stages").

- No module imports another accountframe module inside a function (the command line and the
  pytest plugin may, to start quickly): the stages' arrows are all visible at the top.
- No private name (a leading underscore) is imported from another module: what crosses a
  module's edge has a public name, internal or not. (ruff's PLC2701 would say this, but it
  lets a package's modules import each other's private names.)
- No module-level import cycle.
- Only `collector.py`, the opt-in pause, touches the garbage collector.
- No module over 900 lines, no class over 400.
"""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "accountframe"
#: Modules that may import late, to start quickly (the command line is a package: `cli.*`).
LATE_IMPORTERS = {"cli", "tools.pytest_plugin", "__main__"}
MAX_MODULE_LINES = 900
MAX_CLASS_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def imported_module(name: str, node: ast.ImportFrom) -> str:
    """The accountframe module an import names, relative to the package (`""`: the top)."""
    if node.level:
        base = name.split(".")
        if MODULES[name].name != "__init__.py":
            base = base[:-1]
        base = base[: len(base) - node.level + 1]
        return ".".join([*base, *([node.module] if node.module else [])])
    module = node.module or ""
    return module.removeprefix("accountframe").removeprefix(".")


def imports(name: str) -> list[tuple[ast.ImportFrom | ast.Import, bool, str]]:
    """(import, inside a function, target module) for each import of an accountframe module."""
    found: list[tuple[ast.ImportFrom | ast.Import, bool, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom):
                if child.level or (child.module or "").startswith("accountframe"):
                    found.append((child, in_function, imported_module(name, child)))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("accountframe"):
                        target = alias.name.removeprefix("accountframe").removeprefix(".")
                        found.append((child, in_function, target))
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # for annotations only: not run
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, inside)

    visit(TREES[name], False)
    return found


def test_no_module_imports_another_inside_a_function() -> None:
    late = [
        f"{name}:{node.lineno} imports {target or 'accountframe'}"
        for name in MODULES
        if name not in LATE_IMPORTERS and not name.startswith("cli.")
        for node, in_function, target in imports(name)
        if in_function
    ]
    assert late == []


def test_no_private_name_crosses_a_module() -> None:
    taken = [
        f"{name}:{node.lineno} takes {alias.name} from {target}"
        for name in MODULES
        for node, _, target in imports(name)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_")
        and not alias.name.startswith("__")
        and f"{target}.{alias.name}".strip(".") not in MODULES  # a private module is a module
    ]
    assert taken == []


def test_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for node, in_function, target in imports(name):
            if in_function or target not in MODULES:
                continue
            graph[name].add(target)
            if isinstance(node, ast.ImportFrom):  # `from package import module`
                graph[name].update(
                    f"{target}.{alias.name}".strip(".")
                    for alias in node.names
                    if f"{target}.{alias.name}".strip(".") in MODULES
                )
    # A package's __init__ importing its own modules is how a package shows its API.
    for name in graph:
        graph[name] = {
            target for target in graph[name] if not (name == "" or target.startswith(name + "."))
        }
        graph[name].discard(name)
    visiting: list[str] = []
    done: set[str] = set()
    cycles: list[list[str]] = []

    def walk(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            cycles.append([*visiting[visiting.index(name) :], name])
            return
        visiting.append(name)
        for target in sorted(graph[name]):
            walk(target)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        walk(name)
    assert cycles == []


def test_only_the_opt_in_pause_touches_the_collector() -> None:
    switches = [
        f"{name}:{node.lineno} gc.{node.func.attr}"
        for name, tree in TREES.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "gc"
        and node.func.attr in {"disable", "enable", "freeze", "unfreeze", "set_threshold"}
    ]
    assert {switch.split(":")[0] for switch in switches} == {"collector"}


def test_no_module_or_class_is_too_long_to_hold_in_ones_head() -> None:
    long_modules = [
        f"{name}: {count} lines"
        for name, path in MODULES.items()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    long_classes = [
        f"{name}.{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for name, tree in TREES.items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_CLASS_LINES
    ]
    assert long_modules == []
    assert long_classes == []
