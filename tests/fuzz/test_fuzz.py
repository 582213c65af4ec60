"""Fuzzing the public entry points with mutated real inputs and generated ones.

The invariant (SPEC section 1 of the common rules, issue 9): only `AccountframeError` escapes
the public API, and the CLI exits 0-3 without a traceback or an "internal error". Where an
input loads, the next stage must cope with it too: a loaded portfolio is assessed, a loaded
framework is compiled and assessed, and nothing is dropped (findings == policies x subjects).

Each target runs `FUZZ_EXAMPLES` examples (default 200; CI runs them derandomized, see
tests/conftest.py). For a longer run: `ACCOUNTFRAME_FUZZ_EXAMPLES=5000 pytest tests/fuzz`;
for a much longer one, the atheris harness in tests/fuzz/fuzz_atheris.py.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mutate
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe import cel
from accountframe.assessment import Assessment
from accountframe.cli import main
from accountframe.errors import ERROR_CODES
from accountframe.load.documents import parse_document
from accountframe.load.ocds import to_portfolio
from accountframe.testing import portfolios
from conftest import FIXTURES, DataChooser, shared_data

FUZZ_EXAMPLES = int(os.environ.get("ACCOUNTFRAME_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
AS_OF = datetime.date(2026, 11, 25)
SMALL_FRAMEWORK = FIXTURES / "frameworks" / "cli"
EXAMPLE_BYTES = mutate.EXAMPLE.read_bytes()
FRAMEWORK_FILES = mutate.framework_files()


@pytest.fixture(scope="module")
def small_framework() -> af.Framework:
    framework = af.load_framework(SMALL_FRAMEWORK)
    af.compile(framework)  # compile once, outside the examples
    return framework


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="accountframe-fuzz-") as name:
        yield Path(name)


def nothing_dropped(
    assessment: Assessment, framework: af.Framework, portfolio: af.Portfolio
) -> None:
    """One result per (policy, subject), and every status a known one."""
    expected_findings = expected_consequences = 0
    for policy in framework.policies:
        scope = policy.scope.value
        subjects = (
            1
            if scope == "organisation"
            else len(portfolio.people if scope == "person" else portfolio.contracts)
        )
        if policy.kind in ("sanction", "reward"):
            expected_consequences += subjects
        else:
            expected_findings += subjects
    assert len(assessment.findings) == expected_findings
    assert len(assessment.consequences) == expected_consequences
    # Determinism (SPEC section 6): a second, independent evaluation of the same inputs.
    again = framework.evaluate(portfolio, as_of=assessment.as_of)
    assert again.to_json() == assessment.to_json()


# -- the portfolio loader ------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_mutated_example_portfolio_loads_or_raises_portfolio_error(
    data: st.DataObject, folder: Path, small_framework: af.Framework
) -> None:
    raw = mutate.mutate(EXAMPLE_BYTES, DataChooser(data))
    path = folder / data.draw(st.sampled_from(["p.yaml", "p.json"]))
    path.write_bytes(raw)
    try:
        portfolio = af.load_portfolio(path)
    except af.PortfolioError as error:
        assert error.diagnostics, "a load error names at least one problem"
        assert all(d.code in ERROR_CODES for d in error.diagnostics)
        event(f"rejected: {error.diagnostics[0].code}")
        return
    event("loaded and assessed")
    assessment = small_framework.evaluate(portfolio, as_of=AS_OF)
    nothing_dropped(assessment, small_framework, portfolio)


@FUZZ
@given(raw=st.binary(max_size=400))
def test_any_bytes_load_or_raise_portfolio_error(raw: bytes) -> None:
    try:
        parse_document(raw, file="p.yaml", error=af.PortfolioError)
    except af.PortfolioError as error:
        assert error.diagnostics


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.dates(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=3)
    ),
    max_leaves=20,
)


@FUZZ
@given(data=st.data())
def test_portfolio_from_generated_mapping(data: st.DataObject) -> None:
    """`Portfolio.from_dict` with the example's structure, one value replaced by anything."""
    base = af.load_portfolio(mutate.EXAMPLE).to_dict()
    target: Any = base
    path = []
    while isinstance(target, dict | list) and target and data.draw(st.booleans()):
        key = data.draw(
            st.sampled_from(sorted(target) if isinstance(target, dict) else range(len(target)))
        )
        path.append(key)
        if not isinstance(target[key], dict | list):
            break
        target = target[key]
    if isinstance(target, dict | list) and target:
        key = data.draw(
            st.sampled_from(sorted(target) if isinstance(target, dict) else range(len(target)))
        )
        target[key] = data.draw(json_like)
    try:
        af.Portfolio.from_dict(base)
    except af.PortfolioError as error:
        assert error.diagnostics


# -- the framework loader ------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_mutated_bundled_framework_loads_compiles_and_evaluates_or_raises(
    data: st.DataObject, folder: Path
) -> None:
    """framework.yaml plus one policy file of the bundled framework, either of them mutated."""
    chooser = DataChooser(data)
    policy_file = data.draw(st.sampled_from(sorted(set(FRAMEWORK_FILES) - {"framework.yaml"})))
    mutated = data.draw(st.sampled_from(["framework.yaml", policy_file]))
    target = folder / "fw"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for name in ("framework.yaml", policy_file):
        raw = FRAMEWORK_FILES[name]
        (target / name).write_bytes(mutate.mutate(raw, chooser) if name == mutated else raw)
    try:
        framework = af.load_framework(target)
        af.compile(framework)  # compiling is part of loading for a user: lint
    except af.FrameworkError as error:
        assert error.diagnostics
        assert all(d.code in ERROR_CODES for d in error.diagnostics)
        event(f"rejected: {error.diagnostics[0].code}")
        return
    event("loaded, compiled and assessed")
    portfolio = af.Portfolio.from_dict(
        {**af.load_portfolio(mutate.EXAMPLE).to_dict(), "waivers": []}
    )
    small = af.Portfolio.from_dict(
        {**portfolio.to_dict(), "contracts": portfolio.to_dict()["contracts"][:2]}
    )
    nothing_dropped(framework.evaluate(small, as_of=AS_OF), framework, small)


# -- the CEL compiler ----------------------------------------------------------------------


def _bundled_expressions() -> list[str]:
    framework = af.load_framework(mutate.FRAMEWORK)
    found = list(framework.definitions.values())
    for policy in framework.policies:
        found += [getattr(policy, field) for field in policy.expressions if getattr(policy, field)]
    return sorted(set(found))


EXPRESSIONS = _bundled_expressions()
TOKENS = [
    "(", ")", "[", "]", "{", "}", ".", ",", "!", "-", "+", "*", "/", "%", "?", ":", "&&", "||",
    "==", "<", ">=", " in ", "has(", "size(", "int(", "double(", "string(", "duration(",
    "timestamp(", "date(", "days(", "days_between(", "add_months(", ".all(x, ", ".exists(x, ",
    ".map(x, ", ".filter(x, ", "contract", "contract.reviews", "people", "params", "now",
    "portfolio", "review", "x", "1", "0", "-9223372036854775808", "18446744073709551615u",
    "1e308", "0.0", "'s'", '"\\u00e9"', "b'\\xff'", "null", "true", "'1h'", "'2026-11-25'",
    "\U0001f4a5", "\u202e", "\\", "'", '"', "//", "\n",
]  # fmt: skip


@st.composite
def cel_sources(draw: st.DrawFn) -> str:
    """A bundled expression with tokens inserted, deleted or replaced; or tokens alone."""
    if draw(st.integers(0, 4)) == 0:
        return "".join(draw(st.lists(st.sampled_from(TOKENS), max_size=30)))
    source = draw(st.sampled_from(EXPRESSIONS))
    for _ in range(draw(st.integers(1, 2))):
        at = draw(st.integers(0, len(source)))
        edit = draw(st.sampled_from(["insert", "delete", "replace"]))
        token = draw(st.sampled_from(TOKENS))
        end = min(len(source), at + draw(st.integers(1, 8)))
        if edit == "insert":
            source = source[:at] + token + source[at:]
        elif edit == "delete":
            source = source[:at] + source[end:]
        else:
            source = source[:at] + token + source[end:]
    return source


plain_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | st.text(max_size=10)
    | st.binary(max_size=4) | st.dates() | st.timedeltas(min_value=datetime.timedelta(days=-3650), max_value=datetime.timedelta(days=3650)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=15,
)  # fmt: skip


@FUZZ
@given(
    source=cel_sources(),
    values=st.dictionaries(st.sampled_from(["x", "contract", "review", "now"]), plain_values),
)
def test_cel_compile_and_evaluate_raise_only_cel_errors(
    source: str, values: dict[str, Any]
) -> None:
    try:
        program = cel.compile(source)
    except af.CelCompileError as error:
        assert error.diagnostic.code in ("af-cel-syntax", "af-cel-limit")
        event(f"rejected: {error.diagnostic.code}")
        return
    try:
        program.evaluate(values)
    except af.CelEvaluationError as error:
        assert error.cel_message
        event("evaluation error")
        return
    event("evaluated")


@FUZZ
@given(
    source=cel_sources(),
    portfolio=portfolios(max_contracts=2, max_people=2),
    field=st.sampled_from(["require", "applies_to", "message"]),
)
def test_cel_in_a_framework_compiles_checks_and_fails_closed(
    source: str, portfolio: af.Portfolio, field: str
) -> None:
    """A generated expression in a rule: a located compile or type error, or a full result."""
    base = af.load_framework(SMALL_FRAMEWORK)
    fields = {"require": "true", field: source}
    framework = base.extend("fuzz", policies=[af.Rule(id="R-FUZZ", title="fuzzed", **fields)])
    try:
        af.compile(framework)
    except af.FrameworkError as error:
        assert {d.code for d in error.diagnostics} <= set(ERROR_CODES)
        event(f"rejected: {error.diagnostics[0].code}")
        return
    assessment = framework.evaluate(portfolio, as_of=AS_OF)
    nothing_dropped(assessment, framework, portfolio)
    fuzzed = [f for f in assessment.findings if f.policy == "R-FUZZ"]
    assert len(fuzzed) == len(portfolio.contracts)
    event(f"assessed: {sorted({f.status.value for f in fuzzed})}")


# -- policy tests ------------------------------------------------------------------------------

POLICY_TESTS = FIXTURES / "policytests"
POLICY_TEST_FILES = ["tests/cases.yaml", "tests/more.yaml", "tests/fixtures/gold.yaml"]


@FUZZ
@given(data=st.data())
def test_mutated_policy_tests_run_or_raise_accountframe_error(
    data: st.DataObject, folder: Path
) -> None:
    """`accountframe test` on a framework whose test files (cases, fixtures) are mutated."""
    target = folder / "policytests"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(POLICY_TESTS / "base", target / "base")
    shutil.copytree(POLICY_TESTS / "passing", target / "passing")
    name = data.draw(st.sampled_from(POLICY_TEST_FILES))
    path = target / "passing" / name
    path.write_bytes(mutate.mutate(path.read_bytes(), DataChooser(data)))
    try:
        report = af.run_tests(target / "passing")
    except af.AccountframeError as error:
        event(f"rejected: {type(error).__name__}")
        return
    event(f"ran: passed={report.passed}")
    assert report.render()
    code, _, err = run_cli(["test", str(target / "passing")])
    assert_clean_exit(code, err)
    assert code == (0 if report.passed else 1)


# -- the OCDS import -------------------------------------------------------------------------

OCDS_FILES = mutate.ocds_files(shared_data())


@pytest.mark.skipif(not OCDS_FILES, reason=f"no OCDS data under {shared_data() / 'ocds'}")
@FUZZ
@given(data=st.data())
def test_mutated_ocds_imports_or_raises_accountframe_error(
    data: st.DataObject, folder: Path
) -> None:
    source = data.draw(st.sampled_from(OCDS_FILES))
    raw = mutate.mutate(source.read_bytes(), DataChooser(data))
    path = folder / source.name
    path.write_bytes(raw)
    try:
        result = to_portfolio([path])
    except af.AccountframeError as error:
        event(f"rejected: {type(error).__name__}")
        return
    event("imported")
    # What was imported is a valid portfolio: it loads back from its own dict.
    assert af.Portfolio.from_dict(result.portfolio.to_dict()) == result.portfolio


# -- the CLI, through its real entry point ---------------------------------------------------


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """`accountframe ARGV` in this process, through the function the console script calls."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_clean_exit(code: int, err: str) -> None:
    assert code in (0, 1, 2, 3), code
    assert "Traceback" not in err
    assert "internal error" not in err, err


@FUZZ
@given(data=st.data())
def test_cli_never_crashes_on_mutated_files(data: st.DataObject, folder: Path) -> None:
    chooser = DataChooser(data)
    portfolio = folder / "cli-portfolio.yaml"
    portfolio.write_bytes(
        mutate.mutate(EXAMPLE_BYTES, chooser) if data.draw(st.booleans()) else EXAMPLE_BYTES
    )
    framework = folder / "cli-fw"
    shutil.rmtree(framework, ignore_errors=True)
    shutil.copytree(SMALL_FRAMEWORK, framework)
    if data.draw(st.booleans()):
        name = data.draw(st.sampled_from(["framework.yaml", "policies.yaml"]))
        (framework / name).write_bytes(mutate.mutate((framework / name).read_bytes(), chooser))
    output = folder / "cli-out"
    command = data.draw(
        st.sampled_from(
            [
                ["validate", str(portfolio)],
                ["check", str(portfolio), "-f", str(framework), "--format", "json"],
                [
                    "check",
                    str(portfolio),
                    "-f",
                    str(framework),
                    "--format",
                    "csv",
                    "-o",
                    str(output),
                ],
                ["lint", str(framework)],
                ["explain", "CAD-SRO", "EM-001", str(portfolio), "-f", str(framework)],
                ["import", "ocds", str(portfolio), "-o", str(output) + ".yaml"],
            ]
        )
    )
    extra = data.draw(
        st.lists(
            st.sampled_from(
                [
                    "--as-of",
                    "2026-02-30",
                    "--as-of",
                    "9999-12-31",
                    "--fail-on",
                    "never",
                    "--format",
                    "nope",
                    "-o",
                    "",
                    "--",
                    "-",
                    "\udcff",
                    "\x00",
                    "--as-of",
                ]
            ),
            max_size=3,
        )
    )
    # Run from the scratch folder: a drawn `-o -` (or another relative path) writes there, not
    # into the checkout.
    with contextlib.chdir(folder):
        code, _, err = run_cli(command + extra)
    assert_clean_exit(code, err)
    event(f"{command[0]} exit {code}")


# -- the real executable, on the worst inputs --------------------------------------------------

HOSTILE_FILES = {
    "deep-yaml": b"organisation: x\nattributes: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "deep-block-yaml": b"organisation: x\nx:\n"
    + b"".join(b"  " * i + b"- \n" for i in range(3000)),
    "billion-laughs": b"\n".join(
        [b"a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        + [
            f"a{i}: &a{i} [".encode() + b", ".join([f"*a{i - 1}".encode()] * 10) + b"]"
            for i in range(1, 10)
        ]
    )
    + b"\norganisation: x\n",
    "invalid-utf8": b"organisation: \xff\xfe\n",
    "nul": b"organisation: \x00\n",
    "huge-number": b"organisation: x\ncontracts:\n- {id: c, title: t, supplier: s, stage: live, value: {total: "
    + b"9" * 5000
    + b"}}\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_the_executable_reports_hostile_portfolios_as_invalid_input(
    name: str, tmp_path: Path
) -> None:
    import subprocess
    import sys

    path = tmp_path / f"{name}.yaml"
    path.write_bytes(HOSTILE_FILES[name])
    executable = Path(sys.executable).with_name("accountframe")
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "accountframe"]
    done = subprocess.run(
        [*command, "validate", str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    assert f"error: {path}: 1 problem found" in done.stderr
