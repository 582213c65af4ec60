"""The CEL boundary's modules stay readable: none over 900 lines, and none imports a private
name (one with a leading underscore) from another module; shared helpers get public names in
the module that defines them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CEL = Path(__file__).resolve().parents[2] / "src" / "accountframe" / "cel"
MODULES = sorted(CEL.glob("*.py"))
MAX_LINES = 900


def test_there_are_modules_to_check() -> None:
    assert {"_engine.py", "_lower.py", "_runtime.py", "checker.py"} <= {m.name for m in MODULES}


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_no_module_is_over_900_lines(module: Path) -> None:
    assert len(module.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_no_private_name_is_imported_from_another_module(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and alias.name != "__future__"
    ]
    assert private == []
