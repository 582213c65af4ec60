"""Every limit in docs/limits.md: its default, that it can be configured, and its error.

What must hold whatever the input: no `RecursionError` (or any other Python error) reaches a
user for deep CEL or deep YAML, through the API or the CLI; alias expansion is bounded in
memory and time (checked in a child process with an address-space limit); a file over the
size limit is refused before it is read; `duration()` and `timestamp()` on hostile data
strings return at once (checked in a child process with a generous timeout, not a timed
assertion).
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

import accountframe as af
from accountframe import cel
from accountframe.cli import main
from accountframe.load.documents import DEFAULT_LIMITS, LoadLimits

AS_OF = datetime.date(2026, 11, 25)
ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "frameworks" / "cli"
SMALL_PORTFOLIO = ROOT / "tests" / "fixtures" / "portfolios" / "cli.yaml"


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(argv)
    return code, capsys.readouterr().err


def test_the_documented_defaults() -> None:
    assert (DEFAULT_LIMITS.max_bytes, DEFAULT_LIMITS.max_depth) == (100 * 1024 * 1024, 64)
    assert (DEFAULT_LIMITS.max_alias_values, DEFAULT_LIMITS.max_policies) == (100_000, 10_000)
    assert (cel.DEFAULT_LIMITS.max_length, cel.DEFAULT_LIMITS.max_depth) == (4096, 64)
    assert cel.TREE_LEVELS_PER_DEPTH * cel.DEFAULT_LIMITS.max_depth == 192


@pytest.mark.parametrize("field", ["max_bytes", "max_depth", "max_alias_values", "max_policies"])
@pytest.mark.parametrize("bad", [0, -5, True, 1.5])
def test_load_limits_are_validated(field: str, bad: object) -> None:
    with pytest.raises(ValueError, match=f"{field} must be a positive whole number"):
        LoadLimits(**{field: bad})  # type: ignore[arg-type]


# -- CEL: length and nesting --------------------------------------------------------------

DEEP_CEL = {
    "brackets": "(" * 2000 + "1" + ")" * 2000,
    "lists": "[" * 1000 + "]" * 1000,
    "nots": "!" * 4000 + "true",
    "negations": "-" * 4000 + "1",
    "members": "contract" + ".x" * 2000,
    "indexes": "contract" + "[0]" * 1300,
    "sum": " + ".join(["1"] * 1300),
    "ands": " && ".join(["true"] * 1000),
    "ternaries": "true ? " * 680 + "1" + " : 2" * 680,
    "too long": "1 + " * 1100 + "1",
}


@pytest.mark.parametrize("source", list(DEEP_CEL.values()), ids=list(DEEP_CEL))
def test_deep_or_long_cel_is_a_limit_error_never_a_recursion_error(source: str) -> None:
    with pytest.raises(af.CelCompileError) as caught:
        cel.compile(source)
    assert caught.value.diagnostic.code == "af-cel-limit"
    assert "the limit is" in caught.value.cel_message


def test_cel_limits_are_configurable() -> None:
    source = "((((1))))"
    assert cel.compile(source, limits=cel.Limits(max_depth=4)).evaluate({}) == 1
    with pytest.raises(af.CelCompileError, match="nested 4 brackets deep; the limit is 3"):
        cel.compile(source, limits=cel.Limits(max_depth=3))
    with pytest.raises(af.CelCompileError, match="9 characters long; the limit is 8"):
        cel.compile(source, limits=cel.Limits(max_length=8))


@pytest.mark.parametrize("name", ["brackets", "nots", "members", "too long"])
def test_deep_cel_in_a_framework_is_a_located_lint_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "fw"
    folder.mkdir()
    (folder / "framework.yaml").write_text((SMALL / "framework.yaml").read_text())
    policy = {"id": "R-DEEP", "kind": "rule", "title": "deep", "require": DEEP_CEL[name]}
    (folder / "policies.yaml").write_text(yaml.safe_dump({"policies": [policy]}, width=10**6))
    code, err = cli(["lint", str(folder)], capsys)
    assert code == 2
    assert "af-cel-limit" in err
    assert f"{folder / 'policies.yaml'}:" in err
    assert "Traceback" not in err
    assert "RecursionError" not in err


# -- YAML: nesting, aliases, size ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "organisation: x\nattributes: " + "[" * 50_000 + "]" * 50_000,
        "organisation: x\nattributes: " + "{a: " * 50_000 + "1" + "}" * 50_000,
        "organisation: x\nx:\n" + "".join("  " * i + "-\n" for i in range(2000)),
        '{"organisation": "x", "a": ' + "[" * 50_000 + "]" * 50_000 + "}",
    ],
    ids=["flow-lists", "flow-maps", "block-lists", "json"],
)
def test_deep_yaml_is_a_limit_error_through_the_api_and_the_cli(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / ("deep.json" if text.startswith("{") else "deep.yaml")
    path.write_text(text)
    with pytest.raises(af.PortfolioError) as caught:
        af.load_portfolio(path)
    assert [d.code for d in caught.value.diagnostics] == ["af-limit"]
    assert [d.message for d in caught.value.diagnostics] == ["nesting is deeper than 64 levels"]
    code, err = cli(["validate", str(path)], capsys)
    assert code == 2
    assert "af-limit" in err
    assert "Traceback" not in err


def test_deep_yaml_in_a_framework_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "fw"
    folder.mkdir()
    (folder / "framework.yaml").write_text(
        (SMALL / "framework.yaml").read_text() + "params:\n  deep: " + "[" * 10_000 + "]" * 10_000
    )
    code, err = cli(["lint", str(folder)], capsys)
    assert code == 2
    assert "af-limit: nesting is deeper than 64 levels" in err


def test_nesting_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("organisation: x\npeople: []\nroles: {}\ncontracts: []\n")
    af.load_portfolio(path, limits=LoadLimits(max_depth=1))
    path.write_text("organisation: x\ncontracts: [{attributes: {a: [1]}}]\n")
    with pytest.raises(af.PortfolioError, match="nesting is deeper than 3 levels"):
        af.load_portfolio(path, limits=LoadLimits(max_depth=3))


def test_deep_mappings_from_python_are_a_limit_error() -> None:
    deep: object = 1
    for _ in range(5_000):
        deep = {"a": deep}
    with pytest.raises(af.PortfolioError) as caught:
        af.Portfolio.from_dict({"organisation": "x", "people": [
            {"id": "p", "name": "n", "attributes": deep}]})  # fmt: skip
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "af-limit"
    assert diagnostic.message == "nesting is deeper than 64 levels"


BILLION_LAUGHS = "\n".join(
    ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    + ["organisation: x"]
)


def run_bounded(
    code: str, *args: str, memory: int = 1536 * 1024 * 1024
) -> subprocess.CompletedProcess[str]:
    """Run Python code in a child limited to `memory` bytes of address space, 120 s at most."""
    prelude = textwrap.dedent(
        f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
        """
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS bounds memory as tested on Linux")
def test_billion_laughs_is_bounded_in_memory_and_time(tmp_path: Path) -> None:
    """10**10 values if expanded; refused within 1.5 GiB of address space and 120 s."""
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    done = run_bounded(
        """
        import sys
        from accountframe.cli import main
        sys.exit(main(["validate", sys.argv[1]]))
        """,
        str(path),
    )
    assert done.returncode == 2, done.stderr
    assert "af-limit: aliases expand the document by more than 100000 values" in done.stderr
    assert "Traceback" not in done.stderr
    assert "MemoryError" not in done.stderr


def test_alias_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("organisation: x\nattributes: &a [1, 2, 3]\n" + "contracts: []\n")
    path.write_text(
        "organisation: x\npeople:\n  - {id: p, name: n, attributes: &a {x: [1, 2, 3, 4]}}\n"
        "  - {id: q, name: n, attributes: *a}\n"
    )
    assert len(af.load_portfolio(path).people) == 2
    with pytest.raises(af.PortfolioError, match="aliases expand the document by more than 3"):
        af.load_portfolio(path, limits=LoadLimits(max_alias_values=3))


def test_file_size_limit_refuses_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:  # sparse: nothing is written to disk
        handle.truncate(DEFAULT_LIMITS.max_bytes + 1)
    code, err = cli(["validate", str(path)], capsys)
    assert code == 2
    assert f"{path}: af-limit: the file is 104,857,601 bytes; the limit is 104,857,600" in err
    small = tmp_path / "small.yaml"
    small.write_text("organisation: x\n")
    with pytest.raises(af.PortfolioError, match="the file is 16 bytes; the limit is 10"):
        af.load_portfolio(small, limits=LoadLimits(max_bytes=10))


# -- number of policies ---------------------------------------------------------------------


def policies_file(count: int, prefix: str = "R") -> str:
    return "policies:\n" + "".join(
        f"  - {{id: {prefix}-{n}, kind: rule, title: t, require: 'true'}}\n" for n in range(count)
    )


def test_policy_count_limit_is_located_at_the_first_policy_over_it(tmp_path: Path) -> None:
    folder = tmp_path / "fw"
    folder.mkdir()
    (folder / "framework.yaml").write_text("framework: many\nversion: '1'\n")
    (folder / "policies.yaml").write_text(policies_file(12))
    assert len(af.load_framework(folder, limits=LoadLimits(max_policies=12)).policies) == 12
    with pytest.raises(af.FrameworkError) as caught:
        af.load_framework(folder, limits=LoadLimits(max_policies=10))
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.render().splitlines()[0] == (
        f"{folder / 'policies.yaml'}:12:5: af-limit: R-10 (policies[10]): the framework holds 12 "
        "policies (0 inherited); the limit is 10"
    )


def test_policy_count_limit_counts_inherited_policies(tmp_path: Path) -> None:
    base, mine = tmp_path / "base", tmp_path / "mine"
    base.mkdir()
    mine.mkdir()
    (base / "framework.yaml").write_text("framework: base\nversion: '1'\n")
    (base / "policies.yaml").write_text(policies_file(6, "B"))
    (mine / "framework.yaml").write_text(
        "framework: mine\nversion: '1'\nextends: ../base\nremove:\n  - {id: B-0, reason: r}\n"
    )
    (mine / "policies.yaml").write_text(policies_file(5, "M"))
    assert len(af.load_framework(mine, limits=LoadLimits(max_policies=10)).policies) == 10
    with pytest.raises(af.FrameworkError) as caught:
        af.load_framework(mine, limits=LoadLimits(max_policies=9))
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.path == "policies[4]"
    assert diagnostic.message == "the framework holds 10 policies (5 inherited); the limit is 9"


def test_the_default_policy_limit_is_ten_thousand(tmp_path: Path) -> None:
    folder = tmp_path / "fw"
    folder.mkdir()
    (folder / "framework.yaml").write_text("framework: many\nversion: '1'\n")
    (folder / "policies.yaml").write_text(policies_file(10_001))
    with pytest.raises(af.FrameworkError) as caught:
        af.load_framework(folder)
    assert [d.message for d in caught.value.diagnostics] == [
        "the framework holds 10,001 policies (0 inherited); the limit is 10,000"
    ]


# -- values beyond what CEL can hold, durations beyond the calendar ---------------------------


def test_numbers_beyond_cel_are_load_errors() -> None:
    with pytest.raises(af.PortfolioError) as caught:
        af.Portfolio.from_dict({"organisation": "x", "contracts": [{
            "id": "c", "title": "t", "stage": "live", "value": {"total": 10**400},
            "attributes": {"n": 2**63}}]})  # fmt: skip
    assert [d.render() for d in caught.value.diagnostics] == [
        "contracts[0].attributes.n: af-value: whole numbers must fit in 64 bits, as CEL's int "
        "does (got a 19-digit number); quote it to keep it as text",
        "contracts[0].value.total: af-value: expected a number (got a 401-digit number)",
    ]
    with pytest.raises(
        ValueError,
        match=r"parameter params\['big'\]: int -18446744073709551616 does not fit in 64 bits",
    ):
        af.Framework(name="x", version="1", params={"big": -(2**64)})
    deep: object = 1
    for _ in range(5_000):
        deep = [deep]
    with pytest.raises(ValueError, match="parameter params: value is nested too deeply to convert"):
        af.Framework(name="x", version="1", params={"deep": deep})


def test_durations_beyond_the_calendar_clamp_to_its_ends() -> None:
    framework = af.Framework(
        name="far",
        version="1",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        policies=[
            af.OversightCadence(id="C-FAR", title="t", every="9000 years"),
            af.OversightCadence(id="C-WARN", title="t", every="1 year", warn_before="9000 years"),
            af.Sanction(id="S-FAR", title="t", trigger="true", action="a", within="999999999 days"),
        ],
    )
    assessment = framework.evaluate(af.load_portfolio(SMALL_PORTFOLIO), as_of=AS_OF)
    # C-FAR is due on the calendar's last day; C-WARN's warning window opens before its first.
    assert [(f.policy, f.status.value, f.due) for f in assessment.findings] == [
        ("C-FAR", "pass", datetime.date.max),
        ("C-FAR", "pass", datetime.date.max),
        ("C-WARN", "warn", datetime.date(2027, 11, 1)),
        ("C-WARN", "warn", datetime.date(2027, 11, 10)),
    ]
    assert {c.due for c in assessment.consequences} == {datetime.date.max}


# -- the per-expression evaluation budget -------------------------------------------------------


def test_the_evaluation_budget_default_and_error() -> None:
    assert cel.DEFAULT_LIMITS.max_iterations == 1_000_000
    limits = cel.Limits(max_iterations=1_000)
    nested = "x.all(a, x.all(b, a >= 0))"
    assert cel.compile(nested, limits=limits).evaluate({"x": list(range(30))}) is True
    with pytest.raises(af.CelEvaluationError, match="evaluation budget exceeded"):
        cel.compile(nested, limits=limits).evaluate({"x": list(range(40))})


def test_a_hostile_comprehension_over_data_is_an_error_finding() -> None:
    """2,000 x 2,000 = 4,000,000 iterations: over the default budget, so `error`, not a hang."""
    data = yaml.safe_load(SMALL_PORTFOLIO.read_text())
    data["contracts"][0]["attributes"] = {"items": list(range(2_000))}
    portfolio = af.Portfolio.from_dict(data)
    framework = af.load_framework(SMALL).extend(
        "hostile",
        policies=[af.Rule(id="R-HOSTILE", title="t", applies_to="has(contract.attributes.items)",
                          require="contract.attributes.items.all(a, "
                                  "contract.attributes.items.exists(b, b == a))")],
    )  # fmt: skip
    findings = framework.evaluate(portfolio, as_of=AS_OF).findings
    hostile = [f for f in findings if f.policy == "R-HOSTILE"]
    assert [f.status.value for f in hostile] == ["error", "not_applicable"]
    assert "evaluation budget exceeded" in hostile[0].message


# -- duration() and timestamp() on data strings -------------------------------------------------


def test_duration_and_timestamp_on_hostile_data_return_at_once() -> None:
    """cel-python's own duration regex takes hours on these (0.33 s at 22 characters, x4 per
    two more); the guarded functions answer at once. Run in a child with a generous timeout."""
    done = run_bounded(
        """
        import datetime, yaml
        import accountframe as af
        from accountframe import cel
        hostile = ["1" * n + "!" for n in range(20, 61, 4)] + ["1" * 60 + "s!", "1.1" * 30 + "x",
                   "-" + "1h" * 40 + "!", "2026-11-25T" + "1" * 50, "9" * 5000 + "s"]
        checked = 0
        for text in hostile:
            for function in ("duration", "timestamp"):
                try:
                    cel.compile(f"{function}(s)").evaluate({"s": text})
                except af.CelEvaluationError as error:
                    assert "expects" in error.cel_message, error.cel_message
                    checked += 1
        data = yaml.safe_load(open("tests/fixtures/portfolios/cli.yaml"))
        for contract in data["contracts"]:
            contract["attributes"] = {"s": "1" * 40 + "!"}
        framework = af.load_framework("tests/fixtures/frameworks/cli").extend("d", policies=[
            af.Rule(id="R-D", title="t", require='duration(contract.attributes.s) > duration("1s")'),
            af.Rule(id="R-T", title="t", require='timestamp(contract.attributes.s) > now')])
        findings = framework.evaluate(af.Portfolio.from_dict(data), as_of=datetime.date(2026, 11, 25)).findings
        statuses = {f.status.value for f in findings if f.policy in ("R-D", "R-T")}
        print(checked, sorted(statuses))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["32", "['error']"]


def test_a_path_the_os_cannot_take_is_an_io_error() -> None:
    """A regression: a NUL byte in a path escaped as ValueError."""
    with pytest.raises(af.PortfolioError) as caught:
        af.load_portfolio("portfolio\x00.yaml")
    assert [(d.code, d.message) for d in caught.value.diagnostics] == [
        ("af-io", "embedded null byte")
    ]
    with pytest.raises(af.FrameworkError, match="af-io"):
        af.load_framework("framework\x00")
