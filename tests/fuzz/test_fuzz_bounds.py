"""Fuzzing issue 26's classes of hostile input, generated rather than only the examples:
extends chains (deep, looping, broken), paths that lead out of a framework folder (fixture
paths, symlinks), whole numbers too long to read, lone surrogates, CEL whose cost grows with
the size of its data, and schedules at the calendar's end.

The invariant for each: a clean outcome, never a crash. A located error and exit 2 for bad
input, an `error` finding and exit 3 for an expression over its budget, or success; never a
file's secret in a message, never an exception other than `AccountframeError`.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe import cel
from accountframe.cli import main
from accountframe.errors import ERROR_CODES
from conftest import FIXTURES

FUZZ_EXAMPLES = int(os.environ.get("ACCOUNTFRAME_FUZZ_EXAMPLES", "200"))
# The file-system targets write folders per example: a quarter of the examples.
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_FILES = settings(FUZZ, max_examples=max(FUZZ_EXAMPLES // 4, 10))
SMALL = FIXTURES / "frameworks" / "cli"
PORTFOLIO = FIXTURES / "portfolios" / "cli.yaml"
MARKER = "NOT-FOR-A-FRAMEWORK-TO-READ"
SECRET = f"root:{MARKER}:19000:0:99999:7:::\nsecret: [unclosed {MARKER}\n"
AS_OF = datetime.date(2026, 11, 25)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="accountframe-fuzz-bounds-") as name:
        yield Path(name)


def cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


def assert_clean(code: int, err: str, allowed: tuple[int, ...] = (0, 1, 2, 3)) -> None:
    assert code in allowed, (code, err)
    assert "Traceback" not in err
    assert "internal error" not in err, err


def assert_located(error: af.LoadError) -> None:
    assert error.diagnostics
    assert all(d.code in ERROR_CODES for d in error.diagnostics)
    assert all(d.location.file for d in error.diagnostics)


# -- extends chains ----------------------------------------------------------------------------

CHAINS = st.fixed_dictionaries(
    {
        "length": st.integers(1, 60),
        # Where the last framework points: nowhere (it is the base), back into the chain, to a
        # folder that is no framework, or to a bundled framework by name.
        "end": st.sampled_from(["base", "loop", "missing", "bundled", "not-a-framework"]),
        "loop_to": st.integers(0, 59),
        "limit": st.integers(1, 70),
    }
)


@FUZZ_FILES
@given(chain=CHAINS)
def test_generated_extends_chains_load_or_give_a_located_error(
    chain: dict[str, Any], scratch: Path
) -> None:
    root = scratch / "chains"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    (root / "notes").mkdir()
    (root / "notes" / "policies.yaml").write_text(SECRET)
    length, end = chain["length"], chain["end"]
    for index in range(length):
        text = f'framework: fw{index}\nversion: "1"\n'
        if index < length - 1:
            text += f"extends: ../fw{index + 1}\n"
        elif end == "loop":
            text += f"extends: ../fw{chain['loop_to'] % length}\n"
        elif end == "missing":
            text += "extends: ../nowhere\n"
        elif end == "bundled":
            text += "extends: uk-central-government\n"
        elif end == "not-a-framework":
            text += "extends: ../notes\n"
        if end != "bundled" and index == length - 1:
            text += (
                "roles:\n  - {id: accounting_officer, title: AO}\n"
                "  - {id: sro, title: SRO, reports_to: accounting_officer}\n"
                "policies:\n  - {id: R1, kind: rule, title: t, require: 'true'}\n"
            )
        folder = root / f"fw{index}"
        folder.mkdir()
        (folder / "framework.yaml").write_text(text)
    limits = af.LoadLimits(max_extends=chain["limit"])
    try:
        framework = af.load_framework(root / "fw0", limits=limits)
    except af.FrameworkError as error:
        assert_located(error)
        assert MARKER not in error.render()
        codes = {d.code for d in error.diagnostics}
        if length > chain["limit"] and end in ("base", "bundled"):
            assert "af-limit" in codes
        event(f"rejected: {sorted(codes)}")
        return
    assert end in ("base", "bundled")
    assert length <= chain["limit"] or (end == "bundled" and length + 1 <= chain["limit"] + 1)
    assert framework.name == "fw0"
    event("loaded")


# -- paths out of a framework folder -----------------------------------------------------------

TARGETS = st.sampled_from(
    [
        "secret.txt",  # beside the framework folder
        "fw/fixtures/inside.yaml",  # inside it
        "/etc/shadow",
        "/etc/passwd",
        "/dev/zero",
        "/proc/self/environ",
        "nowhere/at/all.yaml",
    ]
)
FIXTURE_PATHS = st.one_of(
    st.sampled_from(["../fixtures/inside.yaml", "fixtures/../../fixtures/inside.yaml"]),
    st.builds(lambda up, rest: "../" * up + rest, st.integers(0, 12), TARGETS),
    TARGETS,
    st.text(min_size=1, max_size=20).map(lambda text: text.replace("\x00", "")),
    st.integers(250, 5000).map(lambda n: "x" * n + ".yaml"),
)


@FUZZ_FILES
@given(
    fixture=FIXTURE_PATHS,
    links=st.lists(
        st.tuples(
            st.sampled_from(["evil.yaml", "tests/linked.yaml", "tests/fixtures/linked.yaml"]),
            TARGETS,
        ),
        max_size=2,
        unique_by=lambda link: link[0],
    ),
)
def test_generated_paths_never_read_outside_the_folder(
    fixture: str, links: list[tuple[str, str]], scratch: Path
) -> None:
    root = scratch / "paths"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    (root / "secret.txt").write_text(SECRET)
    framework = root / "fw"
    shutil.copytree(SMALL, framework)
    (framework / "fixtures").mkdir()
    shutil.copy(PORTFOLIO, framework / "fixtures" / "inside.yaml")
    (framework / "tests" / "fixtures").mkdir(parents=True)
    case = {
        "tests": [
            {
                "name": "a case",
                "as_of": "2026-11-25",
                "portfolio": fixture,
                "expect": [{"policy": "CAD-SRO", "subject": "C-1", "status": "pass"}],
            }
        ]
    }
    (framework / "tests" / "cases.yaml").write_text(json.dumps(case))
    for name, target in links:
        source = framework / name
        destination = Path(target) if target.startswith("/") else root / target
        with contextlib.suppress(OSError):
            source.symlink_to(destination)
    for command in (["lint", str(framework)], ["test", str(framework)]):
        code, err = cli(command)
        assert_clean(code, err, (0, 1, 2))
        assert MARKER not in err
        assert "root:" not in err
        event(f"{command[0]} exit {code}")
    try:
        af.run_tests(framework)
    except af.AccountframeError as error:
        assert MARKER not in str(error)
        event(f"rejected: {type(error).__name__}")
    else:
        event("ran")


# -- numbers too long to read, lone surrogates -------------------------------------------------

PLACES = st.sampled_from(["free value", "typed field", "key", "list"])


CONTRACT_JSON = (
    '{{"organisation": "x", "contracts": [{{"id": "C-1", "title": "t", "stage": "live", {}}}]}}'
)
CONTRACT_YAML = "organisation: x\ncontracts:\n  - id: C-1\n    title: t\n    stage: live\n{}"


def portfolio_text(place: str, literal: str, form: str) -> str:
    """A portfolio with `literal` in one place of its one contract."""
    if form == "json":
        return CONTRACT_JSON.format(
            {
                "free value": f'"attributes": {{"n": {literal}}}',
                "typed field": f'"value": {{"total": {literal}}}',
                "key": f'"attributes": {{"{literal}": 1}}',
                "list": f'"attributes": {{"l": [1, {literal}, 3]}}',
            }[place]
        )
    return CONTRACT_YAML.format(
        {
            "free value": f"    attributes: {{n: {literal}}}\n",
            "typed field": f"    value: {{total: {literal}}}\n",
            "key": f"    attributes:\n      ? {literal}\n      : 1\n",
            "list": f"    attributes: {{l: [1, {literal}, 3]}}\n",
        }[place]
    )


@FUZZ_FILES
@given(
    digits=st.integers(1, 20_000),
    sign=st.sampled_from(["", "-"]),
    place=PLACES,
    form=st.sampled_from(["json", "yaml"]),
)
def test_generated_long_numbers_are_located_errors(
    digits: int, sign: str, place: str, form: str, scratch: Path
) -> None:
    literal = sign + "9" * digits
    path = scratch / f"numbers.{form}"
    path.write_text(portfolio_text(place, literal, form))
    try:
        af.load_portfolio(path)
    except af.PortfolioError as error:
        assert_located(error)
        assert "set_int_max_str_digits" not in error.render()
        assert len(error.render()) < 5_000
        event(f"rejected: {sorted({d.code for d in error.diagnostics})}")
    else:
        event("loaded")
    code, err = cli(["validate", str(path)])
    assert_clean(code, err, (0, 2))


SURROGATES = st.integers(0xD800, 0xDFFF).map(lambda code: f"\\u{code:04x}")
ESCAPES = st.one_of(
    SURROGATES,
    st.tuples(st.integers(0xD800, 0xDBFF), st.integers(0xDC00, 0xDFFF)).map(
        lambda pair: f"\\u{pair[0]:04x}\\u{pair[1]:04X}"
    ),
    st.sampled_from(["\\\\ud800", "\\u00e9", "\\n", "\\\\"]),
)


@FUZZ_FILES
@given(escapes=st.lists(ESCAPES, min_size=1, max_size=4), in_key=st.booleans())
def test_generated_surrogate_escapes_load_or_are_located_errors(
    escapes: list[str], in_key: bool, scratch: Path
) -> None:
    text = "a" + "b".join(escapes) + "c"
    document = (
        CONTRACT_JSON.format(f'"attributes": {{"{text}": 1}}')
        if in_key
        else f'{{"organisation": "{text}"}}'
    )
    path = scratch / "surrogates.json"
    path.write_text(document)
    lone = any(_is_lone(escape) for escape in escapes)
    try:
        portfolio = af.load_portfolio(path)
    except af.PortfolioError as error:
        assert lone, error.render()
        assert [d.code for d in error.diagnostics] == ["af-encoding"]
        event("rejected")
    else:
        assert not lone
        portfolio.to_json().encode("utf-8")  # every string can be written
        event("loaded")
    code, err = cli(["check", str(path), "-f", str(SMALL), "--format", "json"])
    assert_clean(code, err)
    assert (code == 2) == lone


def _is_lone(escape: str) -> bool:
    """A generated escape is a lone half when it is one \\uD800-\\uDFFF escape on its own."""
    return len(escape) == 6 and escape.startswith("\\u") and 0xD800 <= int(escape[2:], 16) <= 0xDFFF


# -- CEL whose cost grows with its data --------------------------------------------------------

# Bodies that are false (for data of any size but none), so that the macros run to the end.
BODIES = st.sampled_from(
    [
        "s == t",
        "s + t == ''",
        "s.contains(t + 'z')",
        "s.startsWith(t)",
        "s.matches('z$')",
        "x in big",
        "big == big + ['b']",
        "big + big == []",
        "size(big.map(v, v)) < 0",
        "string(b) == 'z'",
    ]
)


def nested(body: str, depth: int) -> str:
    expression = body
    for variable in "ijkmno"[:depth]:  # none of them a name the bodies use
        expression = f"l.exists({variable}, {expression})"
    return expression


@FUZZ
@given(body=BODIES, engine=st.sampled_from(cel.ENGINES), data=st.data())
def test_generated_costly_cel_gives_a_value_or_a_cel_error(
    body: str, engine: cel.Engine, data: st.DataObject
) -> None:
    # The celpy engine is some fifty times slower: smaller data, the same shapes.
    small = engine == "celpy"
    depth = data.draw(st.integers(0, 3 if small else 6), label="depth")
    text = data.draw(st.integers(0, 20_000 if small else 300_000), label="text")
    elements = data.draw(st.integers(0, 2_000 if small else 20_000), label="elements")
    values = {
        "l": list(range(10)),
        "s": "x" * text,
        "t": "x" * max(text - 1, 0) + "y",
        "b": b"x" * text,
        "big": ["a"] * elements,
        "x": "z",
    }
    limits = cel.Limits(max_cost=200_000, max_value_size=400_000)
    program = cel.compile(nested(body, depth), engine=engine, limits=limits)
    try:
        result = program.evaluate(values)
    except af.CelEvaluationError as error:
        message = error.cel_message
        assert message.startswith(("evaluation budget exceeded", "value too large")), message
        event(message.split(":")[0])
    else:
        assert type(result) is bool
        event("a value")


@FUZZ_FILES
@given(body=BODIES, depth=st.integers(2, 5), doublings=st.integers(6, 14))
def test_generated_costly_policies_are_error_findings(
    body: str, depth: int, doublings: int, scratch: Path
) -> None:
    """In a framework, over the budget is an `error` finding (exit 3); within it, a finding.
    The strings are the contract's title doubled by definitions (up to 2**14 times)."""
    definitions = {"s0": "contract.title + '-'"}
    for number in range(1, doublings + 1):
        definitions[f"s{number}"] = f"s{number - 1} + s{number - 1}"
    definitions |= {
        "l": "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]",
        "s": f"s{doublings}",
        "t": f"s{doublings} + 'z'",
        "b": "bytes(s)",
        "big": "[s, t]",
        "x": "'z'",
    }
    framework = scratch / "costly"
    shutil.rmtree(framework, ignore_errors=True)
    shutil.copytree(SMALL, framework)
    header = (framework / "framework.yaml").read_text()
    (framework / "framework.yaml").write_text(
        header
        + "definitions:\n"
        + "".join(f"  {k}: {json.dumps(v)}\n" for k, v in definitions.items())
    )
    (framework / "costly.yaml").write_text(
        "policies:\n  - {id: R-COSTLY, kind: rule, title: t, require: "
        + json.dumps(nested(body, depth))
        + "}\n"
    )
    code, err = cli(["check", str(PORTFOLIO), "-f", str(framework), "--format", "json"])
    assert_clean(code, err)
    assert code in (0, 1, 3), err
    event(f"exit {code}")


# -- the schedule at the calendar's end ---------------------------------------------------------


@FUZZ
@given(
    as_of=st.dates(min_value=datetime.date(9990, 1, 1)),
    until_days=st.integers(0, 5000),
    every=st.sampled_from(["1 day", "1 week", "1 month", "1 year", "0 days", "9000 years"]),
    reviewed=st.dates(min_value=datetime.date(9980, 1, 1)),
)
def test_generated_schedules_end_at_the_calendars_end(
    as_of: datetime.date, until_days: int, every: str, reviewed: datetime.date
) -> None:
    until = min(
        as_of + datetime.timedelta(days=min(until_days, (datetime.date.max - as_of).days)),
        datetime.date.max,
    )
    framework = af.Framework(
        name="demo",
        version="1",
        title="Demo",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        policies=[af.OversightCadence(id="CAD", title="t", every=every)],
    )
    portfolio = af.Portfolio.from_dict(
        {
            "organisation": "x",
            "contracts": [
                {
                    "id": "C1",
                    "title": "t",
                    "stage": "live",
                    "start": "9980-01-01",
                    "reviews": [{"date": reviewed.isoformat(), "forum": "f"}],
                }
            ],
        }
    )
    try:
        plan = af.schedule(framework, portfolio, as_of=as_of, until=until)
    except af.UsageError as error:
        assert "more than 1,000 occurrences" in str(error)
        event("too many")
        return
    dues = [item.due for item in plan.items if item.due is not None]
    assert dues == sorted(dues)
    assert len(dues) == len(set(dues))  # each later than the one before
    assert len(dues) <= 1_000
    event(f"{min(len(dues), 3)} items")
