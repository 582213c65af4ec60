"""Policy tests: loading and checking test files, running cases, coverage, the pytest plugin.

The fixture frameworks under tests/fixtures/policytests extend `base` unchanged, so each has
its own tests/ folder over the same four policies: `passing`, `failing` (one case gets the
status, the accountable person and the message wrong) and `invalid` (every problem at once).
"""

from __future__ import annotations

import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.tools.policytest import (
    CaseResult,
    Expectation,
    Mismatch,
    TestReport,
    discover_tests,
    load_tests,
    run_tests,
)

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
SUITES = ROOT / "tests" / "fixtures" / "policytests"
PASSING = SUITES / "passing"
FAILING = SUITES / "failing"
INVALID = SUITES / "invalid"


@pytest.fixture(autouse=True)
def _in_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reports show paths relative to the working folder; make them the same for every run.
    monkeypatch.chdir(ROOT)


# -- a passing suite: file and inline portfolios, coverage ---------------------------------------


def test_a_passing_suite_passes_with_exact_coverage() -> None:
    report = run_tests(PASSING)
    assert report.passed
    assert [(case.name, case.location, case.passed) for case in report.cases] == [
        (
            "an overdue review fails and escalates the SRO",
            "tests/fixtures/policytests/passing/tests/cases.yaml:3",
            True,
        ),
        (
            "a review within the month passes",
            "tests/fixtures/policytests/passing/tests/cases.yaml:11",
            True,
        ),
        (
            "overspending fails the spend rule",
            "tests/fixtures/policytests/passing/tests/more.yaml:3",
            True,
        ),
    ]
    assert report.coverage == {
        "CAD-SRO": frozenset({"pass", "fail"}),
        "RULE-SPEND": frozenset({"fail"}),
        "SAN-ESCALATE": frozenset({"due", "not_triggered"}),
    }
    assert list(report.coverage) == ["CAD-SRO", "RULE-SPEND", "SAN-ESCALATE"]  # framework order
    assert report.untested == ("RULE-STRATEGIC",)
    assert report.failures == ()
    assert report.files == (
        "tests/fixtures/policytests/passing/tests/cases.yaml",
        "tests/fixtures/policytests/passing/tests/more.yaml",
    )


def test_the_passing_report_renders_exactly() -> None:
    assert run_tests("tests/fixtures/policytests/passing").render() == textwrap.dedent(
        """\
        policytest-passing 1: 3 cases in 2 files
        ✓ an overdue review fails and escalates the SRO (tests/fixtures/policytests/passing/tests/cases.yaml:3)
        ✓ a review within the month passes (tests/fixtures/policytests/passing/tests/cases.yaml:11)
        ✓ overspending fails the spend rule (tests/fixtures/policytests/passing/tests/more.yaml:3)

        coverage: 3 of 4 policies exercised
          CAD-SRO       pass, fail
          RULE-SPEND    fail
          SAN-ESCALATE  due, not_triggered
        untested: RULE-STRATEGIC

        3 passed"""
    )


def test_file_and_inline_portfolios_are_loaded() -> None:
    framework = af.load_framework(PASSING)
    cases = load_tests(framework, discover_tests(PASSING))
    organisations = [case.portfolio.organisation for case in cases]
    assert organisations == ["Ministry of Testing", "Ministry of Testing", "Inline Department"]
    # as_of comes from the case when it gives one, else from the portfolio.
    assert [str(case.as_of) for case in cases] == ["2026-11-25", "2026-10-20", "2026-11-25"]
    # One portfolio file shared by two cases is read once.
    assert cases[0].portfolio is cases[1].portfolio


def test_expectations_keep_their_checks_and_lines() -> None:
    framework = af.load_framework(PASSING)
    first = load_tests(framework, [PASSING / "tests" / "cases.yaml"])[0]
    assert first.expectations == (
        Expectation(
            policy="CAD-SRO",
            subject="EM-001",
            status="fail",
            accountable="p-sro",
            message_contains="overdue",
            line=6,
        ),
        Expectation(policy="SAN-ESCALATE", subject="p-sro", status="due", consequence=True, line=8),
        Expectation(
            policy="SAN-ESCALATE",
            subject="p-ao",
            status="not_triggered",
            consequence=True,
            line=9,
        ),
    )


# -- a failing suite: the diff -------------------------------------------------------------------


def test_a_failing_case_shows_expected_and_actual_for_each_mismatch() -> None:
    report = run_tests(FAILING)
    assert not report.passed
    assert [case.passed for case in report.cases] == [True, False]
    (failure,) = report.failures
    assert failure.diff() == textwrap.dedent(
        """\
        CAD-SRO on EM-001 (tests/fixtures/policytests/failing/tests/cases.yaml:27)
          status: expected pass, got fail
          accountable: expected p-ao, got p-sro (sro)
          message: expected to contain 'within', got 'last review on 2026-10-01; was due on 2026-11-01, 24 days overdue'
        SAN-ESCALATE on p-sro (tests/fixtures/policytests/failing/tests/cases.yaml:31)
          status: expected not_triggered, got due"""
    )
    assert [(m.field, m.expected, m.actual) for m in failure.mismatches] == [
        ("status", "pass", "fail"),
        ("accountable", "p-ao", "p-sro (sro)"),
        (
            "message",
            "to contain 'within'",
            "'last review on 2026-10-01; was due on 2026-11-01, 24 days overdue'",
        ),
        ("status", "not_triggered", "due"),
    ]
    # Met expectations in a failing case (RULE-SPEND, RULE-STRATEGIC) are not in the diff.
    assert {m.expectation.policy for m in failure.mismatches} == {"CAD-SRO", "SAN-ESCALATE"}


def test_the_failing_report_renders_the_diff_under_its_case() -> None:
    lines = run_tests(FAILING).render().splitlines()
    assert lines[:4] == [
        "policytest-failing 1: 2 cases in 1 file",
        "✓ overspending fails the spend rule (tests/fixtures/policytests/failing/tests/cases.yaml:3)",
        "✗ the wrong status, person and message (tests/fixtures/policytests/failing/tests/cases.yaml:23)",
        "    CAD-SRO on EM-001 (tests/fixtures/policytests/failing/tests/cases.yaml:27)",
    ]
    assert lines[-3:] == ["untested: none", "", "1 passed, 1 failed"]


def test_coverage_counts_expected_statuses_even_of_failing_cases() -> None:
    report = run_tests(FAILING)
    assert report.coverage == {
        "CAD-SRO": frozenset({"pass"}),
        "RULE-SPEND": frozenset({"fail"}),
        "RULE-STRATEGIC": frozenset({"pass"}),
        "SAN-ESCALATE": frozenset({"not_triggered"}),
    }
    assert report.untested == ()


def test_a_report_is_plain_data() -> None:
    data = run_tests(FAILING).to_dict()
    assert data["framework"] == {"name": "policytest-failing", "version": "1"}
    assert data["passed"] is False
    assert data["cases"][1]["mismatches"][0] == {
        "policy": "CAD-SRO",
        "subject": "EM-001",
        "line": 27,
        "field": "status",
        "expected": "pass",
        "actual": "fail",
    }
    assert data["coverage"]["CAD-SRO"] == ["pass"]


def test_a_report_is_not_collected_as_a_test_class() -> None:
    assert TestReport.__test__ is False


def test_a_case_with_no_mismatch_has_no_diff() -> None:
    assert CaseResult(name="n", file="f.yaml", line=None).diff() == ""
    expectation = Expectation(policy="P", subject="S", status="pass")
    mismatch = Mismatch(expectation=expectation, field="status", expected="pass", actual="warn")
    result = CaseResult(name="n", file="f.yaml", line=None, mismatches=(mismatch,))
    assert (result.location, result.diff()) == (
        "f.yaml",
        "P on S (f.yaml)\n  status: expected pass, got warn",
    )


# -- -k -------------------------------------------------------------------------------------------


def test_keyword_selects_cases_by_name_ignoring_case() -> None:
    report = run_tests(PASSING, keyword="REVIEW")
    assert [case.name for case in report.cases] == [
        "an overdue review fails and escalates the SRO",
        "a review within the month passes",
    ]
    assert report.deselected == 1
    # Coverage is of the cases run.
    assert report.untested == ("RULE-SPEND", "RULE-STRATEGIC")


def test_a_keyword_that_matches_nothing_is_a_usage_error() -> None:
    with pytest.raises(
        af.UsageError, match=r"^no case name contains 'zzz' \(3 cases in 2 files\)$"
    ):
        run_tests(PASSING, keyword="zzz")


# -- an invalid suite: every problem, located ------------------------------------------------------


def test_every_problem_of_every_test_file_is_reported_at_once() -> None:
    with pytest.raises(af.FrameworkError) as caught:
        run_tests(INVALID)
    found = [f"{d.location}: {d.code}: {d.message}" for d in caught.value.diagnostics]
    cases = "tests/fixtures/policytests/invalid/tests/cases.yaml"
    assert found == [
        f"{cases}:5:16: af-io: portfolio file 'fixtures/gold.yml' does not exist (looked for tests/fixtures/policytests/invalid/tests/fixtures/gold.yml) (did you mean 'fixtures/gold.yaml'?)",
        f"{cases}:7:18: af-reference: no policy 'CAD-SRP' in policytest-invalid (did you mean 'CAD-SRO'?)",
        f"{cases}:7:52: af-enum: expected one of pass, warn, fail, error, waived, not_applicable (got 'fial'; did you mean 'fail'?)",
        f"{cases}:8:9: af-missing: missing required key 'subject'",
        f"{cases}:8:30: af-key: unknown key 'subjet' (did you mean 'subject'?)",
        f"{cases}:10:5: af-missing: missing 'as_of': give it here or in the portfolio, so that the case does not depend on today's date",
        f"{cases}:16:39: af-reference: subject 'C-2' is neither a contract nor a person in this case's portfolio (did you mean 'C-1'?)",
        f"{cases}:17:39: af-reference: RULE-SPEND is about contracts, and 'p-sro' is a person",
        f"{cases}:17:73: af-reference: accountable 'p-srp' is not a person in this case's portfolio (did you mean 'p-sro'?)",
        f"{cases}:18:18: af-value: SAN-ESCALATE is a sanction: expect its status under expect_consequences",
        f"{cases}:18:56: af-enum: expected one of pass, warn, fail, error, waived, not_applicable (got 'due')",
        f"{cases}:20:41: af-reference: SAN-ESCALATE is about people, and 'C-1' is a contract",
        f"{cases}:20:54: af-enum: expected one of due, applied, not_triggered, error (got 'overdue'; did you mean 'due'?)",
        f"{cases}:26:53: af-enum: expected one of planning, procurement, mobilisation, live, exit, closed (got 'alive'; did you mean 'live'?)",
        f"{cases}:26:60: af-key: unknown key 'teir' (did you mean 'tier'?)",
        f"{cases}:30:11: af-duplicate: duplicate case name 'an invalid inline portfolio' (first at tests[2])",
        f"{cases}:33:5: af-key: unknown key 'expected' (did you mean 'expect'?)",
        f"{cases}:36:5: af-value: expected a case: a mapping with name, portfolio and expect (got 'just a string')",
        "tests/fixtures/policytests/invalid/tests/fixtures/gold.yaml:3:68: af-value: cannot read '2026-02-30': day is out of range for month",
        "tests/fixtures/policytests/invalid/tests/other.yaml:1:1: af-missing: missing required key 'tests' (a list of cases)",
        "tests/fixtures/policytests/invalid/tests/other.yaml:1:1: af-key: unknown key 'tset'; a test file holds only `tests:`, a list of cases",
    ]


def test_an_inline_portfolio_is_located_inside_the_test_file() -> None:
    with pytest.raises(af.FrameworkError) as caught:
        run_tests(INVALID)
    teir = next(d for d in caught.value.diagnostics if "teir" in d.message)
    assert teir.render() == textwrap.dedent(
        """\
        tests/fixtures/policytests/invalid/tests/cases.yaml:26:60: af-key: tests[2].portfolio.contracts[0].teir: unknown key 'teir' (did you mean 'tier'?)
                  contracts: [{id: C-1, title: Cleaning, stage: alive, teir: gold}]
                                                                       ^"""
    )


# One table of invalid cases: each is the only case of a test file over the base framework.
PORTFOLIO = (
    "{organisation: X, people: [{id: p-1, name: P}], contracts: [{id: C-1, title: T, stage: live}]}"
)
INVALID_CASES = [
    pytest.param(
        "tests: []",
        "af-value: tests: expected a list of cases (got an empty list)",
        id="no-cases",
    ),
    pytest.param(
        "tests: {name: x}",
        "af-value: tests: expected a list of cases (got a mapping)",
        id="cases-not-a-list",
    ),
    pytest.param(
        f"tests:\n  - {{name: x, as_of: 2026-01-01, portfolio: {PORTFOLIO}}}",
        "af-missing: tests[0]: a case needs at least one expectation, under expect or expect_consequences",
        id="no-expectation",
    ),
    pytest.param(
        "tests:\n  - {name: x, as_of: 2026-01-01, expect: [{policy: RULE-SPEND, subject: C-1, status: pass}]}",
        "af-missing: tests[0]: missing required key 'portfolio'",
        id="no-portfolio",
    ),
    pytest.param(
        "tests:\n  - {name: x, as_of: 2026-01-01, portfolio: 5, expect: [{policy: RULE-SPEND, subject: C-1, status: pass}]}",
        "af-value: tests[0].portfolio: expected a portfolio file (a path relative to this test file) or an inline portfolio mapping (got the number 5)",
        id="portfolio-not-a-file-or-mapping",
    ),
    pytest.param(
        "tests:\n  - {name: x, as_of: 2026-01-01, portfolio: ., expect: [{policy: RULE-SPEND, subject: C-1, status: pass}]}",
        "af-io: tests[0].portfolio: portfolio file '.' is a folder, not a file (looked for tests)",
        id="portfolio-is-a-folder",
    ),
    pytest.param(
        f"tests:\n  - {{name: x, as_of: 2026-13-01, portfolio: {PORTFOLIO}, expect: [{{policy: RULE-SPEND, subject: C-1, status: pass}}]}}",
        "af-value: tests[0].as_of: cannot read '2026-13-01': month must be in 1..12",
        id="bad-date",
    ),
    pytest.param(
        f"tests:\n  - {{name: x, as_of: 2026-01-01, portfolio: {PORTFOLIO}, expect: [RULE-SPEND]}}",
        "af-value: tests[0].expect[0]: expected a mapping with policy, subject and status (got 'RULE-SPEND')",
        id="expectation-not-a-mapping",
    ),
    pytest.param(
        f"tests:\n  - {{name: x, as_of: 2026-01-01, portfolio: {PORTFOLIO}, expect_consequences: [{{policy: RULE-SPEND, subject: C-1, status: due}}]}}",
        "af-value: tests[0].expect_consequences[0].policy: RULE-SPEND is a rule policy, not a sanction or reward: expect its status under expect",
        id="finding-under-consequences",
    ),
    pytest.param(
        "tests:\n  - name: x\n    as_of: 2026-01-01\n    portfolio: {organisation: X, bogus: 1}\n    expect: [{policy: RULE-SPEND, subject: C-1, status: pass}]",
        "af-key: tests[0].portfolio.bogus: unknown key 'bogus'",
        id="invalid-inline-portfolio",
    ),
    pytest.param(
        "tests: [\n",
        "af-syntax: while parsing a flow node did not find expected node content",
        id="yaml-syntax",
    ),
    pytest.param(
        "- just\n- a list",
        "af-document: expected a mapping at the top (got a list)",
        id="not-a-mapping",
    ),
]


@pytest.mark.parametrize(("text", "expected"), INVALID_CASES)
def test_invalid_test_files(tmp_path: Path, text: str, expected: str) -> None:
    folder = tmp_path / "fw"
    shutil.copytree(SUITES / "base", folder)
    (folder / "tests").mkdir()
    (folder / "tests" / "cases.yaml").write_text(text + "\n")
    with pytest.raises(af.FrameworkError) as caught:
        run_tests(folder)
    found = [
        f"{d.code}: {d.location.path + ': ' if d.location.path else ''}{d.message}"
        for d in caught.value.diagnostics
    ]
    assert found == [expected.replace("(looked for tests)", f"(looked for {folder / 'tests'})")]


# -- how frameworks and files are given -------------------------------------------------------------


def test_a_framework_object_needs_its_test_files() -> None:
    framework = af.load_framework(PASSING)
    with pytest.raises(af.UsageError, match="give test_files with a Framework object"):
        run_tests(framework)
    report = run_tests(framework, [PASSING / "tests" / "more.yaml"])
    assert [case.name for case in report.cases] == ["overspending fails the spend rule"]
    # The same test file runs against any framework with the policies it names.
    assert run_tests(af.load_framework(SUITES / "base"), report.files).passed


def test_framework_yaml_itself_names_the_folder() -> None:
    assert run_tests(PASSING / "framework.yaml").passed


def test_a_folder_without_tests_is_a_usage_error() -> None:
    with pytest.raises(
        af.UsageError, match=r"^no policy tests: .*base/tests holds no \*\.yaml files$"
    ):
        run_tests(SUITES / "base")


def test_a_framework_that_does_not_load_raises_its_diagnostics() -> None:
    with pytest.raises(af.FrameworkError, match="af-io: no such file or folder"):
        run_tests("no/such/framework")


def test_an_unknown_bundled_name_is_a_usage_error() -> None:
    with pytest.raises(af.UsageError, match="no bundled framework 'no-such-framework'"):
        run_tests("no-such-framework")


def test_a_missing_test_file_is_located() -> None:
    with pytest.raises(af.FrameworkError) as caught:
        run_tests(PASSING, ["nowhere.yaml"])
    assert [d.render() for d in caught.value.diagnostics] == ["nowhere.yaml: af-io: no such file"]


# -- only AccountframeError escapes ------------------------------------------------------------------

_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.dates()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(["name", "as_of", "portfolio", "expect", "expect_consequences", "x"])
_CASES = st.dictionaries(_KEYS, _VALUES, max_size=5)


@settings(max_examples=40, deadline=None)
@given(st.lists(_CASES | _VALUES, max_size=3))
def test_any_test_file_gives_cases_or_a_load_error(cases: list[object]) -> None:
    framework = af.load_framework(SUITES / "base")
    # A fresh folder per example: hypothesis runs the body many times per fixture.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.yaml"
        path.write_text(yaml.safe_dump({"tests": cases}, sort_keys=False))
        try:
            loaded = load_tests(framework, [path])
        except af.FrameworkError as error:
            diagnostics = error.diagnostics
        else:
            diagnostics = ()
            assert all(case.expectations for case in loaded)
        assert diagnostics or loaded


# -- the pytest plugin --------------------------------------------------------------------------------


@pytest.fixture
def suites(pytester: pytest.Pytester) -> Path:
    """The fixture frameworks copied under a fresh pytest project."""
    for name in ("base", "passing", "failing", "invalid"):
        shutil.copytree(SUITES / name, pytester.path / "policies" / name)
    return pytester.path / "policies"


def test_the_plugin_collects_one_item_per_case(pytester: pytest.Pytester, suites: Path) -> None:
    result = pytester.runpytest("policies/passing", "--collect-only", "-q")
    assert result.ret == 0
    assert result.outlines[:3] == [
        "policies/passing/tests/cases.yaml::an overdue review fails and escalates the SRO",
        "policies/passing/tests/cases.yaml::a review within the month passes",
        "policies/passing/tests/more.yaml::overspending fails the spend rule",
    ]
    result.stdout.fnmatch_lines(["3 tests collected*"])
    # The portfolio under tests/fixtures is a YAML file too, and is not a test file.
    assert "gold.yaml" not in result.stdout.str()


def test_the_plugin_runs_a_whole_folder_of_frameworks(
    pytester: pytest.Pytester, suites: Path
) -> None:
    shutil.rmtree(suites / "invalid")
    result = pytester.runpytest("policies")
    result.assert_outcomes(passed=4, failed=1)


def test_a_failing_case_fails_with_the_diff(pytester: pytest.Pytester, suites: Path) -> None:
    result = pytester.runpytest("policies/failing", "-k", "wrong")
    result.assert_outcomes(failed=1, deselected=1)
    result.stdout.fnmatch_lines(
        [
            "policy test failed: the wrong status, person and message (policies/failing/tests/cases.yaml:23)",
            "CAD-SRO on EM-001 (policies/failing/tests/cases.yaml:27)",
            "  status: expected pass, got fail",
            "  accountable: expected p-ao, got p-sro (sro)",
            "  message: expected to contain 'within', got *",
            "SAN-ESCALATE on p-sro (policies/failing/tests/cases.yaml:31)",
            "  status: expected not_triggered, got due",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_an_invalid_test_file_is_a_collection_error_with_every_problem(
    pytester: pytest.Pytester, suites: Path
) -> None:
    result = pytester.runpytest("policies/invalid")
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "ERROR collecting policies/invalid/tests/cases.yaml" in output
    assert (
        "policies/invalid/tests/cases.yaml:5:16: af-io: tests[0].portfolio: portfolio file "
        "'fixtures/gold.yml' does not exist" in output
    )
    assert (
        "policies/invalid/tests/cases.yaml:7:18: af-reference: tests[0].expect[0].policy: "
        "no policy 'CAD-SRP' in policytest-invalid (did you mean 'CAD-SRO'?)" in output
    )
    assert output.count(": af-") == 19  # every problem of cases.yaml and its portfolio file
    # other.yaml has no top-level `tests:` key: it is not claimed.
    assert "other.yaml" not in result.stdout.str()


def test_a_framework_that_does_not_load_is_a_collection_error(
    pytester: pytest.Pytester, suites: Path
) -> None:
    (suites / "passing" / "framework.yaml").write_text(
        'framework: x\nversion: "1"\nextends: ../nowhere\n'
    )
    result = pytester.runpytest("policies/passing")
    result.assert_outcomes(errors=2)
    problem = (
        "policies/passing/framework.yaml:3:10: af-reference: extends: no framework folder "
        "'policies/nowhere'"
    )
    assert result.stdout.str().count(problem) == 2


def test_yaml_that_is_not_a_policy_test_is_left_alone(pytester: pytest.Pytester) -> None:
    # A `tests:` key, but no framework.yaml beside the tests folder.
    pytester.makefile(".yaml", **{"data/tests/cases": "tests:\n  - name: x\n"})
    # A framework's tests folder, but no `tests:` key.
    pytester.makefile(".yaml", **{"fw/framework": 'framework: x\nversion: "1"\n'})
    pytester.makefile(".yaml", **{"fw/tests/portfolio": "organisation: X\n"})
    # Not in a folder named tests.
    pytester.makefile(".yaml", **{"fw/other/cases": "tests:\n  - name: x\n"})
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_the_ignore_option_leaves_framework_folders_alone(
    pytester: pytest.Pytester, suites: Path
) -> None:
    pytester.makeini("[pytest]\naccountframe_ignore =\n    policies/failing\n    policies/inv*\n")
    result = pytester.runpytest("policies")
    result.assert_outcomes(passed=3)
