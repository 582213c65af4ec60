"""The CLI through its real entry point, against golden files of its exact output.

Each folder under tests/golden/validate, cli, check, lint, explain, test, import and history holds `args` (the command line,
run in that folder) and `expected.txt` (exit code, stdout and stderr). Regenerate them with
`pytest tests/unit/test_cli.py --update-golden` and review the diff.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import accountframe as af

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SCRIPT = Path(sys.executable).parent / ("accountframe.exe" if os.name == "nt" else "accountframe")
CASES = sorted(
    path
    for group in ("validate", "cli", "check", "lint", "explain", "test", "import", "history")
    for path in (GOLDEN / group).iterdir()
    if path.is_dir()
)


def run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "accountframe"]
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def transcript(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit: {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_golden(case: Path, update_golden: bool) -> None:
    args = shlex.split((case / "args").read_text())
    actual = transcript(run(args, cwd=case))
    expected_file = case / "expected.txt"
    if update_golden:
        expected_file.write_text(actual)
    assert actual == expected_file.read_text()
    assert "Traceback" not in actual


def test_console_script_is_installed() -> None:
    # The README installs the package; the `accountframe` script is what users type.
    assert SCRIPT.exists(), f"{SCRIPT} missing: install the project (pip install -e '.[test]')"


def test_schema_portfolio_prints_a_valid_json_schema() -> None:
    result = run(["schema", "portfolio"])
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == af.portfolio_schema()


def test_validate_exit_codes_and_stream_split(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("organisation: X\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: 5\n")
    ok = run(["validate", str(good)])
    assert (ok.returncode, ok.stderr) == (0, "")
    failed = run(["validate", str(good), str(bad)])
    assert failed.returncode == 2
    assert failed.stdout.startswith("ok: ")
    assert failed.stderr.splitlines()[-1] == f"error: {bad}: 1 problem found"


def test_main_returns_exit_codes_in_process() -> None:
    from accountframe.cli import main

    assert main(["schema", "portfolio"]) == 0
    assert main(["schema", "nope"]) == 2
