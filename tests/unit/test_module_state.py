"""No module-level mutable state, except what docs/developer.md ("Thread safety") accounts for.

A static audit of src/: module-level lists, dicts and sets are never mutated, `global` is used
only for the CEL engine (created once, under a lock), and the only caches are on pure
functions of types. Adding state is a decision: document it in the developer guide, then here.
"""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "accountframe"
MUTATORS = {"append", "extend", "update", "add", "setdefault", "pop", "popitem", "clear",
            "remove", "insert", "discard", "__setitem__"}  # fmt: skip
#: (file, name) -> why it is safe; see docs/developer.md, "Thread safety".
ALLOWED_GLOBALS = {
    ("cel/_engine.py", "_engine"): "created once under _ENGINE_LOCK",
    ("evaluation/pool.py", "_worker_run"): "set once per worker process by the pool initializer",
    ("evaluation/pool.py", "_worker_texts"): "set once per worker process by the pool initializer",
}
#: (file, name) of a container of another module that a module fills -> why it is safe.
ALLOWED_REGISTRATIONS = {
    ("compiled.py", "COMPILER"): "filled once when accountframe.compiled is imported",
}
ALLOWED_CACHES = {
    ("load/fields.py", "optional_inner"): "a pure function of a type annotation",
    ("load/fields.py", "class_fields"): "a pure function of an attrs class",
    ("load/fields.py", "shape_of"): "a pure function of a type annotation",
    ("load/plain.py", "unstructure_plan"): "a pure function of an attrs class",
    ("load/plain.py", "plain_plan"): "a pure function of an attrs class",
    ("load/plain.py", "_cel_converter"): "a function generated from an attrs class's fields",
    ("load/structure.py", "_builder"): "a function generated from an attrs class's fields",
    ("load/digest.py", "_many"): "a column writer, a pure function of an attrs class",
    ("evaluation/findings.py", "texts_finding_map"): "generated from a set of keys, bounded",
    ("framework/duration.py", "_shift"): "a pure function of a date and two ints, bounded (LRU)",
    ("report/streamed.py", "_subject_text"): "a pure function of a frozen value, bounded (LRU)",
    ("report/streamed.py", "_accountable_text"): "a pure function of a frozen value, bounded (LRU)",
    ("report/streamed.py", "_tags_text"): "a pure function of a tuple of str, bounded (LRU)",
}
CONTAINERS = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)


def module_containers(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        builds = isinstance(value, ast.Call) and getattr(value.func, "id", "") in (
            "dict", "list", "set", "defaultdict",
        )  # fmt: skip
        if isinstance(value, CONTAINERS) or builds:
            names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def imported_containers(tree: ast.Module, containers: dict[str, set[str]]) -> set[str]:
    """Names a module takes from another accountframe module that are containers there
    (`containers`: module name → its module-level containers)."""
    return {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name in containers.get(node.module or "", set())
    }


def module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def findings() -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    mutated: list[str] = []
    globals_used: list[tuple[str, str]] = []
    caches: list[tuple[str, str]] = []
    trees = {path: ast.parse(path.read_text()) for path in sorted(SOURCE.rglob("*.py"))}
    every = {module_name(path): module_containers(tree) for path, tree in trees.items()}
    for path, tree in trees.items():
        name = path.relative_to(SOURCE).as_posix()
        containers = every[module_name(path)]
        imported = imported_containers(tree, every)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.attr in MUTATORS
            ):
                target = node.func.value.id
                if target in containers or (
                    target in imported and (name, target) not in ALLOWED_REGISTRATIONS
                ):
                    mutated.append(f"{name}:{node.lineno}: {target}.{node.func.attr}()")
            targets = (
                node.targets if isinstance(node, ast.Assign)
                else [node.target] if isinstance(node, ast.AugAssign) else []
            )  # fmt: skip
            for target in targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id in containers
                ):
                    mutated.append(f"{name}:{node.lineno}: {target.value.id}[...] =")
            if isinstance(node, ast.Global):
                globals_used.extend((name, used) for used in node.names)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    text = ast.unparse(decorator)
                    if "cache" in text and "cached_property" not in text:
                        caches.append((name, node.name))
    return mutated, globals_used, caches


def test_no_module_level_container_is_mutated() -> None:
    mutated, _, _ = findings()
    assert mutated == []


def test_global_state_and_caches_are_the_documented_ones() -> None:
    _, globals_used, caches = findings()
    assert set(globals_used) == set(ALLOWED_GLOBALS)
    assert set(caches) == set(ALLOWED_CACHES)
