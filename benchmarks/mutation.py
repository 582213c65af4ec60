"""Mutation testing of the core with mutmut: per module, the fast tests that exercise it.

    nice -n 15 python benchmarks/mutation.py                 # every group, then the report
    nice -n 15 python benchmarks/mutation.py cli model       # some groups, then the report
    nice -n 15 python benchmarks/mutation.py --survivors     # again, what survived (not
                                                             # what NOTES calls equivalent)
    python benchmarks/mutation.py --report                   # the report of what was run

Needs the `mutation` extra (`pip install -e '.[mutation,test]'`). mutmut (configured in
pyproject.toml's `[tool.mutmut]`) copies `src/` into `mutants/` with every mutant of the files
it mutates behind a switch, runs the selected tests once to learn which tests call which
function, then runs, for each mutant, only the tests that call its function, stopping at the
first failure. This script narrows that further, group by group, to the tests written for the
group's modules (`GROUPS`), so that a mutant of the CEL runtime is not judged by minutes of
command-line tests that happen to evaluate CEL too; runs each group's mutants in a process of
its own; and prints, in Markdown, the score per module and every mutant that survived
(file:line, the change, and its note in `NOTES`: the test written for it or why it is
equivalent), which is what benchmarks/README.md quotes.

The score of a module is killed / (killed + survived + no tests); a timeout counts as killed
(a mutant that loops is caught), a mutant that no selected test reaches as survived. The
report also gives the usual score, which leaves out the mutants `NOTES` calls equivalent
(they cannot change what a caller sees, so no test can kill them).
Mutation testing is not part of CI (.ci/run): a full run takes hours on two shared cores.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]


class Group(NamedTuple):
    """Mutants (mutmut names, globs) and the test files that may judge them."""

    patterns: tuple[str, ...]
    tests: tuple[str, ...]


# The fast test files written for each stage. Left out: the command line's tests that run the
# installed script in a subprocess, and the property tests whose own settings ask for hundreds
# of examples (hypothesis's explicit settings win over the `mutation` profile); with them, a
# surviving mutant of a function every evaluation calls took minutes, not seconds.
_EVALUATION_TESTS = (
    "tests/unit/test_evaluation_boundaries.py",
    "tests/unit/test_evaluation_mutants.py",
    # What reaches the functions of the evaluation stage that other features call: the
    # look-back (`Since`), the schedule and history (the days a status changes, a run moved
    # to another day), exposure, the messages of a false condition, the organisation scope.
    "tests/unit/test_since.py",
    "tests/unit/test_schedule.py",
    "tests/unit/test_money.py",
    "tests/unit/test_messages.py",
    "tests/unit/test_organisation.py",
    "tests/property/test_reassess.py",
    "tests/unit/test_evaluate.py",
    "tests/unit/test_evaluate_golden.py",
    "tests/unit/test_fail_closed.py",
    "tests/unit/test_explain.py",
    "tests/unit/test_model.py",
)
_CEL_TESTS = (
    "tests/unit/test_cel_fast_paths.py",
    "tests/unit/test_cel_mutants.py",
    "tests/unit/test_cel.py",
    "tests/unit/test_cel_conformance.py",
    "tests/property/test_cel_differential.py",
)


def _module(name: str, tests: tuple[str, ...]) -> Group:
    return Group(patterns=(f"accountframe.{name}.*",), tests=tests)


def _functions(module: str, functions: tuple[str, ...], tests: tuple[str, ...]) -> Group:
    return Group(tuple(f"accountframe.{module}.{f}__mutmut_*" for f in functions), tests)


#: One group per module (or the functions of a module that matter here): which mutants, and
#: the test files that may judge them (paths, or prefixes of node ids).
GROUPS: dict[str, Group] = {
    "cli": Group(
        # The exit codes: how outcomes and errors become the command's status. The command line
        # is a package: mutmut names the functions of its `__init__` after the package.
        (
            "accountframe.cli.x_main__mutmut_*",
            "accountframe.cli.x__internal_error__mutmut_*",
            "accountframe.cli.assessing.x_exit_code__mutmut_*",
            "accountframe.cli.assessing.x_fail_on_option__mutmut_*",
            "accountframe.cli.common.x_fail__mutmut_*",
        ),
        ("tests/unit/test_exit_codes.py", "tests/unit/test_cli_internal_error.py"),
    ),
    "duration": _module(
        "framework.duration",
        (
            "tests/unit/test_duration.py",
            "tests/unit/test_evaluation_boundaries.py",
            "tests/unit/test_evaluate_golden.py",
        ),
    ),
    "model": _functions(
        # The views as of a date, not the loading and validation in the same module.
        "model",
        (
            "x_latest_reports",
            "x_last_reviews",
            "x__accountable_holders",
            "xǁAmendmentǁknown_on",
            "xǁContractǁaccountable",
            "xǁContractǁcurrent_assignments",
            "xǁContractǁlatest",
            "xǁContractǁlast_review",
            "xǁContractǁspent",
            "xǁContractǁview",
            "xǁContractǁ_cel_view",
            "xǁContractǁ_amendments",
            "xǁPortfolioǁlatest",
            "xǁPortfolioǁlast_review",
            "xǁPortfolioǁpeople_view",
            "xǁPortfolioǁperson",
            "xǁPortfolioǁ_people_by_id",
        ),
        _EVALUATION_TESTS,
    ),
    # The evaluation stage and the CEL engine: one group each (their modules share their
    # tests), so that the clean run of the tests is made once for all of them.
    "evaluation": Group(
        tuple(
            f"accountframe.evaluation.{module}.*"
            for module in (
                "waivers",
                "accountability",
                "judges.*",
                "expressions",
                "findings",
                "scope",
                "run",
            )
        ),
        _EVALUATION_TESTS,
    ),
    "cel": Group(
        tuple(
            f"accountframe.cel.{module}.*"
            # The two the issue names; `_calls`, `_operators` and `_macros` are not mutated
            # (benchmarks/README.md says why).
            for module in ("_lower", "_runtime")
        ),
        _CEL_TESTS,
    ),
}


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    # A few hypothesis examples per property (tests/conftest.py), the same every time.
    environment["ACCOUNTFRAME_HYPOTHESIS_PROFILE"] = "mutation"
    environment.setdefault("ACCOUNTFRAME_DIFFERENTIAL_EXAMPLES", "20")
    shared = ROOT.parent / "shared" / "data"  # the tests look beside the copy in mutants/
    if shared.is_dir():
        environment.setdefault("ACCOUNTFRAME_SHARED_DATA", str(shared))
    return environment


def run_group(name: str, max_children: int, exclude: list[str], survivors: bool = False) -> int:
    """Run one group's mutants in a process of its own (mutmut keeps global state)."""
    print(f"== {name}", flush=True)
    command = [sys.executable, __file__, "--worker", name, "--max-children", str(max_children)]
    command += [f"--exclude={prefix}" for prefix in exclude]
    command += ["--survivors"] * survivors
    return subprocess.run(command, cwd=ROOT, env=_environment(), check=False).returncode


#: The statuses of a mutant that no test killed.
NOT_KILLED = ("survived", "no tests", "suspicious", "not checked")


def _worker(name: str, max_children: int, exclude: tuple[str, ...], survivors: bool) -> None:
    """In the group's process: mutmut's run, each mutant judged by the group's tests only
    (less those whose node ids start with one of `exclude`); `survivors`: only the mutants
    that the last run left alive (after new tests were written for them)."""
    import mutmut.__main__ as mutmut_main
    from mutmut.state import state
    from mutmut.stats import status_by_exit_code

    group = GROUPS[name]
    names = list(group.patterns)
    if survivors:
        # Not the survivors listed as equivalent: no test can kill them, and a survivor runs
        # every test that calls its function (minutes each, for the run's and the scopes').
        # A mutant not run yet (its function changed since) runs whatever its line's note.
        names = [
            r.mutant
            for r in results()
            if r.status in NOT_KILLED
            and _in(group, r.mutant)
            and (r.status == "not checked" or not equivalent(r))
        ]
        if not names:
            print("    no survivors", flush=True)
            return
    collect = mutmut_main.collect_or_load_stats

    def collect_then_narrow(*args: object, **kwargs: object) -> None:
        collect(*args, **kwargs)  # type: ignore[arg-type]
        # In memory only: the stats saved on disk keep every test, for the other groups.
        narrowed = state().tests_by_mangled_function_name
        for function, tests in narrowed.items():
            narrowed[function] = {
                test
                for test in tests
                if test.startswith(group.tests) and not (exclude and test.startswith(exclude))
            }

    mutmut_main.collect_or_load_stats = collect_then_narrow
    register = mutmut_main._register_mutant_result

    def register_then_tell(result: object, *args: object) -> None:
        register(result, *args)  # type: ignore[arg-type]
        # One line a mutant as it is judged (mutmut lists them only at the end of a group),
        # so that a run stopped part-way still says what it judged.
        name, code = result.mutant_name, result.exit_code  # type: ignore[attr-defined]
        print(f"\njudged {status_by_exit_code[code]}: {name}", flush=True)

    mutmut_main._register_mutant_result = register_then_tell
    os.chdir(ROOT)
    mutmut_main._run(names, max_children)


def _in(group: Group, mutant: str) -> bool:
    return any(fnmatch.fnmatchcase(mutant, pattern) for pattern in group.patterns)


# -- the report ---------------------------------------------------------------------------------


class Result(NamedTuple):
    module: str
    mutant: str
    status: str


def results() -> list[Result]:
    """Every mutant of every group that has been run, with its status."""
    from mutmut.stats import status_by_exit_code

    patterns = [pattern for group in GROUPS.values() for pattern in group.patterns]
    found = []
    for meta in sorted((ROOT / "mutants" / "src").rglob("*.py.meta")):
        module = str(meta.relative_to(ROOT / "mutants").with_suffix(""))
        exit_codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        for mutant, code in sorted(exit_codes.items(), key=lambda item: _natural(item[0])):
            if any(fnmatch.fnmatchcase(mutant, pattern) for pattern in patterns):
                found.append(Result(module, mutant, status_by_exit_code[code]))
    return found


def _natural(mutant: str) -> tuple[str, int]:
    function, _, number = mutant.rpartition("__mutmut_")
    return function, int(number) if number.isdigit() else 0


def change(result: Result) -> tuple[int, str]:
    """(line in the source, `before` -> `after`) of a mutant."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    os.chdir(ROOT)
    diff = get_diff_for_mutant(result.mutant, path=result.module).splitlines()[2:]
    removed = [line[1:].strip() for line in diff if line.startswith("-")]
    added = [line[1:].strip() for line in diff if line.startswith("+")]
    text = (ROOT / result.module).read_text("utf-8")
    start = _definition_line(text, result.mutant)
    lines = text.splitlines()
    line = start
    if removed:
        for number in range(start, len(lines) + 1):
            if lines[number - 1].strip() == removed[0]:
                line = number
                break
    return line, f"`{' '.join(removed)}` → `{' '.join(added) or '(removed)'}`"


def _definition_line(text: str, mutant: str) -> int:
    mangled = mutant.rpartition(".")[2].rpartition("__mutmut_")[0]
    if mangled.startswith("xǁ"):
        _, class_name, function = mangled.split("ǁ")
    else:
        class_name, function = "", mangled[2:]
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == function:
                    return item.lineno
        if not class_name and isinstance(node, ast.FunctionDef) and node.name == function:
            return node.lineno
    return 1


#: What became of each mutant that survived a run: `file:line` → the test written for it since
#: (which kills it when run again, `--survivors`), or why it is equivalent (it cannot change
#: what any caller sees). A survivor without a note is listed as not handled yet.
NOTES: dict[str, str] = {
    # -- the command line
    "cli/__init__.py:72": "killed by test_exit_codes.py::test_no_command_shows_the_help_on_"
    "stderr_and_is_2, once it forgets the help option click keeps from an earlier command of "
    "the same process (that cache hid this mutant: mutmut's runs share a process per mutant)",
    "cli/__init__.py:79": "equivalent: click tests `not standalone_mode`, and None is as false "
    "as False",
    # -- Duration
    "duration.py:123": "equivalent: `_shift` catches the OverflowError and saturates; its "
    "message is never shown",
    "duration.py:125": "equivalent: clamping a 28th to the month's length gives the 28th "
    "(every month has at least 28 days)",
    "duration.py:139": "killed by test_duration.py::test_the_validator_accepts_a_duration_a_"
    "reference_or_an_absent_optional ('expected expected')",
    # -- the model's views
    "model.py:287": "killed by test_evaluation_boundaries.py::test_an_amendments_approval_is_"
    "known_from_its_own_day (an approval on the as-of day is known)",
    "model.py:288": "killed as model.py:287 (an approval after as_of: both fields dropped, the "
    "rest kept)",
    "model.py:551": "killed as model.py:287 (the view's amendments as known on as_of)",
    "model.py:466": "equivalent: `plain_fields` gives one value per event, so the lengths are "
    "equal; `strict` only guards that",
    "model.py:467": "equivalent: as model.py:466",
    "model.py:499": "equivalent: `cel_items` gives one value per event; `strict` only guards it",
    "model.py:537": "equivalent: `values_of` gives one value per event picked; `strict` only "
    "guards it",
    "model.py:543": "equivalent: as model.py:537",
    "model.py:528": "equivalent: `stamps` is a cache of converted dates; without it (None) each "
    "date is converted again, to the same value",
    "model.py:531": "equivalent: as model.py:528",
    "model.py:546": "equivalent: as model.py:528",
    # -- the evaluation stage
    # run.py and expressions.py, round 3
    "expressions.py:378": "killed by "
    "test_evaluation_mutants.py::test_a_letter_is_not_a_quote_when_pairing_parentheses",
    "expressions.py:394": "equivalent: as expressions.py:61 (a literal `true` evaluated rather "
    "than skipped gives true, and has no error to tell)",
    "run.py:107": "killed by "
    "test_evaluation_mutants.py::test_under_a_look_back_a_sanction_and_its_explanation_see_each_"
    "findings_spell",
    "run.py:111": "killed by "
    "test_evaluation_mutants.py::test_an_explanation_shows_a_persons_contracts_whole",
    "run.py:120": "killed by "
    "test_evaluation_mutants.py::test_an_organisation_findings_exposure_is_in_the_portfolios_"
    "currency",
    "run.py:186": "killed by "
    "test_evaluation_mutants.py::test_a_findings_message_exposure_and_waiver_follow_its_status",
    "run.py:187": "killed by "
    "test_evaluation_mutants.py::test_a_findings_message_exposure_and_waiver_follow_its_status (a "
    "blank `pass_message` keeps the pass's own)",
    "run.py:191": "equivalent: `currency` is read only with an exposure, and is set then",
    "run.py:192": "killed by "
    "test_evaluation_mutants.py::test_a_findings_message_exposure_and_waiver_follow_its_status",
    "run.py:194": "killed by "
    "test_evaluation_mutants.py::test_a_findings_message_exposure_and_waiver_follow_its_status",
    "run.py:198": "killed by "
    "test_evaluation_mutants.py::test_an_exposure_that_fails_says_so_once_then_why",
    "run.py:200": "killed by "
    "test_evaluation_mutants.py::test_a_findings_message_exposure_and_waiver_follow_its_status (a "
    "contract in euros, a portfolio in pounds)",
    "run.py:201 or True": "killed by test_evaluation_mutants.py::test_an_organisation_findings_"
    "exposure_is_in_the_portfolios_currency (the organisation has no contract)",
    "run.py:201": "killed as run.py:200",
    "run.py:217": "killed by "
    "test_evaluation_mutants.py::test_a_findings_message_exposure_and_waiver_follow_its_status "
    "(the tags)",
    "run.py:219": "killed by "
    "test_evaluation_mutants.py::test_a_findings_message_exposure_and_waiver_follow_its_status",
    "run.py:220": "killed by "
    "test_evaluation_mutants.py::test_a_findings_message_exposure_and_waiver_follow_its_status",
    "run.py:221 has_waivers or": "equivalent: `Waivers.apply` gives a finding that is not a warn "
    "or a fail, or that no waiver names, as it is",
    "run.py:221": "killed by "
    "test_evaluation_mutants.py::test_a_findings_message_exposure_and_waiver_follow_its_status (a "
    "warn waived)",
    "run.py:251": "equivalent: as run.py:252 (looked up under another key, under which nothing is "
    "kept: a miss)",
    "run.py:253 is not scope.bound": "killed by "
    "test_evaluation_mutants.py::test_people_with_no_findings_each_see_their_own_variables (they "
    "share one empty list)",
    "run.py:253": "equivalent: as run.py:252 (a test that never holds: a miss; what is kept under "
    "`id(key)` holds `key` itself, alive)",
    "run.py:256": "killed by "
    "test_evaluation_mutants.py::test_a_streamed_assessment_gives_people_the_findings_routed_to_"
    "them",
    "run.py:257": "killed as run.py:256",
    "run.py:258": "killed as run.py:256",
    "run.py:259 maps}), None)": "equivalent: only people's sanctions are bound here (streamed), "
    "and nothing can fail for a person (definitions are contract scope; the compiler rejects an "
    "unknown variable), so `failed` is never read",
    "run.py:259": "killed as run.py:256",
    "run.py:268": "killed by "
    "test_evaluation_mutants.py::test_a_findings_map_the_fast_conversion_declines_is_bound_"
    "validated",
    "run.py:269": "killed as run.py:268",
    "run.py:272": "killed by "
    "test_evaluation_mutants.py::test_a_sanction_using_a_failed_definition_names_it",
    "run.py:278": "killed by "
    "test_evaluation_mutants.py::test_under_a_look_back_a_sanction_and_its_explanation_see_each_"
    "findings_spell",
    "run.py:323": "equivalent: as run.py:140",
    "run.py:331": "killed by "
    "test_evaluation_mutants.py::test_a_part_keeps_the_findings_maps_and_people_for_peoples_"
    "sanctions_only",
    "run.py:332": "killed as run.py:331",
    "run.py:334 bool(None)": "equivalent: with no person-scope sanction, maps not made here for "
    "the contract's sanctions are made by `consequence`, the same maps",
    "run.py:334": "killed as run.py:331 (a person-scope sanction and no contract-scope one)",
    "run.py:335": "killed by "
    "test_evaluation_mutants.py::test_an_assessment_from_parts_made_elsewhere_is_the_one_made_"
    "here "
    "(a part from the second contract on)",
    "run.py:345": "equivalent: maps made where none is needed are not used",
    "run.py:348": "killed as run.py:331",
    "run.py:349": "killed by "
    "test_evaluation_mutants.py::test_a_repeated_contract_ids_consequences_see_the_findings_of_"
    "every_contract_with_it",
    "run.py:350": "killed as run.py:349 (a position None cannot be sorted)",
    "run.py:352 scope, None, maps": "killed as run.py:268",
    "run.py:352": "equivalent: without the maps given, `consequence` makes them, the same maps",
    "run.py:354": "equivalent: as run.py:140",
    "run.py:356": "killed as run.py:331",
    # The explaining evaluator (`ObservedExpressions`, `explain`) is given both the plain item
    # (what it tells) and the canonical one (what it binds); validated, the plain item binds to
    # the same value as the canonical one.
    "expressions.py:61": "equivalent: a literal `applies_to: true` evaluated rather than "
    "skipped gives true all the same",
    "expressions.py:62": "equivalent: as expressions.py:61, for `counts_if: true`",
    "expressions.py:120": "equivalent: the fast path taken without the variables it is given "
    "fails on them (unbound) and gives None, and `value` then binds them; or not taken, and "
    "`value` gives the same bool",
    "expressions.py:122": "equivalent: the fast path not taken (None, or an error it turns into "
    "None): `value` gives the same bool",
    "expressions.py:139": "equivalent: `_evaluate_each` is a fast path; without it (None, or "
    "given None and declining) `test` evaluates the same binding and gives the same bool",
    "expressions.py:143": "equivalent: the canonical item bound validated (as `extra`) is the "
    "same value",
    "expressions.py:192": "equivalent: with no `counts_if` every event counts either way; "
    "`counting` only spares evaluating it",
    "expressions.py:210": "equivalent: as expressions.py:139 (the per-item fast path of "
    "`counts_if`)",
    "expressions.py:242": "equivalent: without the canonical binding, `value` validates the "
    "plain item, which is the same value",
    "expressions.py:255": "equivalent: as expressions.py:242",
    "expressions.py:268": "equivalent: the explaining evaluator is always given the item, the "
    "plain value of the same report; bound validated or canonical, the same value",
    "expressions.py:289": "equivalent: `canonical` has one value per event; `strict` only "
    "guards it",
    "expressions.py:290": "equivalent: the explaining evaluator is always given the items",
    "expressions.py:295": "equivalent: as expressions.py:268 (the item and the bound item are "
    "the same value, plain and canonical)",
    "expressions.py:296": "equivalent: as expressions.py:242",
    "findings.py:127": "equivalent: `stamps` is a cache of converted dates; a miss converts "
    "the date again, to the same value",
    "findings.py:135": "equivalent: declining (None) makes the caller validate "
    "`finding_value`, the same map; a float exposure is always a float here",
    "findings.py:232": "equivalent: a cache of each policy's tags as a list; a miss lists them "
    "again",
    "findings.py:233": "equivalent: as findings.py:232 (a miss, or the tags of the same "
    "policy, which every finding of it shares)",
    "findings.py:235": "equivalent: declining makes the caller validate `finding_value`, the "
    "same map (tags are always text)",
    "findings.py:238": "equivalent: `fields` None, the whole map where a cut one was asked "
    "for: an expression reads only the fields it names",
    "findings.py:331": "equivalent: without the maps (None) the caller validates the findings, "
    "the same values",
    "findings.py:334": "equivalent: as findings.py:331",
    "judges/cadence.py:35": "equivalent: the bound events are made but not needed (no "
    "`counts_if`); the same reviews count",
    "judges/cadence.py:36": "equivalent: the plain reviews go only to the explaining "
    "evaluator, which tells them",
    "judges/information.py:38": "equivalent: as judges/cadence.py:35",
    "judges/information.py:39": "equivalent: as judges/cadence.py:36",
    "judges/information.py:72": "equivalent: the plain report goes only to the explaining "
    "evaluator",
    "judges/information.py:84": "equivalent: a `pass` always has a due date, so the '-' is "
    "never shown",
    "judges/responsibility.py:99": "equivalent: reached only when no assignment of the role is "
    "current, and one ending on as_of is current, so `<` and `<=` find the same ended ones",
    "judges/responsibility.py:144": "equivalent: the plain values go only to the explaining "
    "evaluator; made always, they are not used otherwise",
    "judges/responsibility.py:150": "equivalent: `stamps` is a cache of converted dates",
    "judges/responsibility.py:157": "equivalent: as expressions.py:143 (the canonical values "
    "bound validated)",
    "judges/responsibility.py:159": "equivalent: as judges/responsibility.py:157",
    "judges/freshness.py:54": "equivalent: both callers (cadence, information) give `no_start`; "
    "the default is never used",
    "scope.py:398": "equivalent: the contracts bound for the organisation though no expression "
    "reads them: unused",
    "accountability.py:79": "equivalent: a cache of the answers by role and holder; a miss "
    "makes the same answer",
    "expressions.py:97": "equivalent: a bool for a bool field is returned by the check after it",
    "expressions.py:101": "equivalent: `''` fails the check as None does, and the message "
    "describes the value given",
    "expressions.py:334": "equivalent: a `||` chain has at least two operands",
    "findings.py:206": "equivalent: the maps whole where cut ones were asked for: an "
    "expression reads only the fields it names",
    "findings.py:209": "equivalent: as findings.py:218",
    "findings.py:218": "equivalent: without the texts-only fast path every map is made by "
    "`finding_map`, the same map",
    "findings.py:220": "equivalent: as findings.py:218",
    "findings.py:222": "equivalent: a map left None is validated by the caller (the same "
    "value), one made again is the same map",
    "findings.py:224": "equivalent: as findings.py:222",
    "findings.py:225": "equivalent: one map per finding; `strict` only guards it",
    "scope.py:95": "equivalent: the plain view is made again when asked for, the same value",
    "scope.py:322": "equivalent: a cache of the contracts' scopes; a miss builds the same scope",
    "scope.py:327": "equivalent: None is as false as False",
    "scope.py:330": "equivalent: `stamps` and `events` are caches (a miss converts again), "
    "and the whole view where a cut one was asked for: an expression reads only the fields it "
    "names",
    "scope.py:369": "equivalent: as scope.py:432 (the value kept for people is made again)",
    "run.py:112": "equivalent: the explaining evaluator gives the results of the plain one "
    "(it evaluates more, and tells a silent observer)",
    "run.py:121": "equivalent: the findings' maps whole where cut ones were asked for: an "
    "expression reads only the fields it names",
    "run.py:137": "`>= 1`: equivalent, every contract's consequences made in `assessment` with "
    "the findings of its id, which for an id listed once are its own, and put back in "
    "portfolio order; `> 2`: killed by test_evaluation_mutants.py::test_a_repeated_contract_"
    "ids_consequences_see_the_findings_of_every_contract_with_it",
    "run.py:140": "equivalent: the contracts' values for people and the organisation kept or "
    "not: one not kept is made again (scope.py:432)",
    "run.py:366": "equivalent: this process's part made as well, then not used (the parts "
    "given are); it uses the same waivers",
    "scope.py:370": "equivalent: the holders not kept are read again from the contract",
    "accountability.py:46": "equivalent: a cache of the answers by role; a miss walks the "
    "chain again, to the same answer",
    "expressions.py:218": "equivalent: `canonical` has one value per event; `strict` only "
    "guards it",
    "findings.py:304": "equivalent: `strict=None` and no `strict` are `strict=False`",
    "run.py:252": "equivalent: a cache of each subject's `findings` bindings; a miss binds "
    "them again, the same values",
    "run.py:260": "equivalent: as run.py:252 (not kept, or kept under another key: a miss)",
    "run.py:273": "equivalent: as run.py:260",
    "run.py:347": "equivalent: one map per finding policy; `strict` only guards it",
    "scope.py:449": "equivalent: a cache of the people's scopes; a miss builds the same scope",
    "scope.py:457": "equivalent: the holders not kept are read again from the contract",
    "scope.py:459": "equivalent: without the contract's scope its holders are read from the "
    "contract, the same ones",
    "scope.py:473": "equivalent: as scope.py:449 (kept under another key: a miss)",
    "scope.py:480": "equivalent: one validated review and report per event; `strict` only "
    "guards it",
    "scope.py:481": "equivalent: as scope.py:480",
    "findings.py:327": "killed by test_evaluation_mutants.py::test_an_explanation_of_a_sanction_"
    "with_no_findings_sees_an_empty_list (None is not an empty list) and test_the_findings_"
    "index_gives_each_subject_asked_for_its_findings_and_maps",
    "run.py:473": "equivalent: without the maps the findings are bound validated, the same values",
    "scope.py:202": "equivalent: the organisation's value has one review and one report per "
    "event; `strict` only guards it",
    "scope.py:204": "equivalent: as scope.py:202",
    "scope.py:376": "equivalent: the contract's value cut to the fields the people's "
    "expressions read, or whole: an expression reads only the fields it names",
    "scope.py:377": "equivalent: as scope.py:376",
    "scope.py:417": "equivalent: with every event known, `missing` is empty and the same "
    "values are returned; the organisation's events are all known",
    "scope.py:419": "equivalent: every event converted again, to the same values",
    "scope.py:421": "equivalent: `stamps` is a cache of converted dates",
    "scope.py:426": "equivalent: one value per event converted; `strict` only guards it",
    "scope.py:432": "equivalent: a cache; a miss makes the contract's value for people again, "
    "the same value",
    "scope.py:434": "equivalent: without the contract's scope its value is bound again from "
    "its view, validated: the same value",
    "scope.py:436": "equivalent: as scope.py:434",
    "scope.py:438": "equivalent: as scope.py:432 (kept under another key: a miss next time)",
    "waivers.py:48": "equivalent: `if not candidates` treats None as it treats []",
    "waivers.py:67": "equivalent: reached only when no waiver is in force, and one expiring on "
    "as_of is in force (approved_on <= expires), so `<` and `<=` pick the same waivers",
    # scope.py, findings.py, round 3 (lines of today's source; the keys of scope.py above moved
    # with it: issue 25 took two lines out of `Scopes.__init__` and one import)
    "findings.py:269": "killed by test_evaluation_mutants.py::test_an_explanation_of_a_sanction_"
    "with_no_findings_sees_an_empty_list",
    "findings.py:270": "killed by test_evaluation_mutants.py::test_the_findings_index_gives_each_"
    "subject_asked_for_its_findings_and_maps",
    "findings.py:271": "killed as findings.py:270",
    "findings.py:272": "killed as findings.py:270",
    "findings.py:275": "killed as findings.py:270",
    "findings.py:293": "killed as findings.py:270",
    "findings.py:296": "killed as findings.py:270",
    "findings.py:297": "killed by test_evaluation_mutants.py::test_findings_about_contracts_added_"
    "with_their_accountable_people",
    "findings.py:298 strict=True": "killed as findings.py:297 (`persons` without maps: `given` "
    "repeats None without end)",
    "findings.py:298": "equivalent: `strict=None` and no `strict` are `strict=False`",
    "findings.py:300": "killed as findings.py:297",
    "findings.py:301": "killed as findings.py:297 and findings.py:270 (the line of each branch)",
    "findings.py:306": "killed as findings.py:270",
    "findings.py:309": "killed as findings.py:270",
    "findings.py:310": "killed as findings.py:270",
    "findings.py:313": "killed as findings.py:270 (an organisation's finding is about no "
    "contract, not even one with the organisation's name)",
    "findings.py:318": "killed as findings.py:270",
    "findings.py:320": "killed as findings.py:270",
    "scope.py:166": "equivalent: nothing reads a person scope's `person`: its policies see its "
    "bindings, its findings its subject",
    "scope.py:232": "equivalent: the one caller (`Run`) always gives `whole`",
    "scope.py:242": "equivalent: the contract's own value whole, or cut to the fields read (also "
    "when explaining, which shows the values of the parts read, and `contracts` made from each "
    "contract's view): an expression reads only the fields it names",
    "scope.py:245 and False": "killed by test_evaluation_mutants.py::test_an_explanation_of_a_"
    "person_works_out_their_contracts (an explanation shows each element of `contracts` whole)",
    "scope.py:245": "equivalent: the elements of `contracts` whole where cut ones were asked "
    "for: an expression reads only the fields it names",
    "scope.py:248": "equivalent: `people` is bound again below, and an extra variable is one no "
    "expression can name (compiling rejects an undeclared name)",
    "scope.py:250": "killed by test_evaluation_mutants.py::test_the_base_variables_are_the_date_"
    "and_the_organisation",
    "scope.py:252": "killed as scope.py:250",
    "scope.py:254": "killed as scope.py:250",
    "scope.py:260 strict=None": "equivalent: `cel_items` gives one value per person; `strict` "
    "only guards it",
    "scope.py:260 strict=False": "equivalent: as scope.py:260 strict=None",
    "scope.py:260 self.stamps), ))": "equivalent: as scope.py:260 strict=None",
    "scope.py:260 listed, None)": "equivalent: `stamps` is a cache of converted dates",
    "scope.py:261 if {str}": "equivalent: the people built canonical bound as they are, or "
    "validated: the same values (ids of a str subclass are the same keys to CEL: `people[id]` "
    "and `people.filter(k, k.startsWith(...))` give the same)",
    "scope.py:265": "killed by test_evaluation_mutants.py::test_people_the_fast_conversion_"
    "declines_are_bound_validated",
    "scope.py:281": "killed by test_evaluation_mutants.py::test_history_binds_each_day_its_date_"
    "and_keeps_the_definitions_that_do_not_read_it",
    "scope.py:302": "killed as scope.py:281",
    "scope.py:304": "killed as scope.py:281",
    "scope.py:305": "killed as scope.py:281",
    "scope.py:307": "killed as scope.py:281",
    "scope.py:309": "equivalent: as scope.py:322 (the contract's value is the same on both dates)",
    "scope.py:335": "equivalent: the events not taken from the validated value are converted "
    "when first used (`bound_events`), or validated then: the same values",
    "scope.py:338": "equivalent: as scope.py:95",
    "scope.py:341": "equivalent: as scope.py:322",
    "scope.py:445": "equivalent: without the holding given, `person` works it out from the "
    "contracts on the same day: the same values (history keeps each contract's value as of the "
    "day)",
    "scope.py:451 is not None": "equivalent: `contracts` built or not when no expression reads it",
    "scope.py:451": "killed by test_evaluation_mutants.py::test_a_persons_contracts_are_those_on_"
    "which_they_hold_a_role",
    "scope.py:452": "equivalent: as scope.py:451 is not None",
    "scope.py:458": "killed by test_evaluation_mutants.py::test_an_explanation_of_a_person_works_"
    "out_their_contracts",
    "scope.py:460 and False": "equivalent: `contract.accountable(as_of)` gives the holders the "
    "scope has (both from the current assignments)",
    "scope.py:460": "killed as scope.py:458",
    "scope.py:464": "killed as scope.py:451",
    "scope.py:466": "killed as scope.py:451",
    "scope.py:467 get(None)": "equivalent: the person bound validated from `plain(person)`: the "
    "same value as in `people`",
    "scope.py:467": "killed by test_evaluation_mutants.py::test_two_people_with_one_id_are_each_"
    "judged_as_they_are",
    "scope.py:472": "killed as scope.py:467",
    # killed-pending notes checked (MUTANT_UNDER_TEST): these survive the named test
    "accountability.py:64": "equivalent: a Framework whose roles chain has a loop is rejected "
    "when made, so the walk meets no role twice; `seen` only guards it",
    "judges/information.py:74": "equivalent: as expressions.py:143 (the bound report given as "
    "`extra`, validated: the same value)",
    # What the --survivors run after round 3 left (round 4)
    "expressions.py:216": "killed by test_evaluation_mutants.py::test_a_counts_if_that_uses_a_"
    "failed_definition_names_it (event by event, the failed definitions are known)",
    "expressions.py:221": "killed by test_evaluation_mutants.py::test_the_events_counted_one_by_"
    "one_are_the_events (the celpy engine counts event by event)",
    "expressions.py:368 None": "equivalent: `quote` is only tested for truth, and None is as "
    "false as the empty string (here and where it is reset)",
    "expressions.py:369 None": "equivalent: `escaped` is only tested for truth, and None is as "
    "false as False (here and where it is reset)",
    'judges/freshness.py:74 observer.note("freshness", ': "equivalent: with no base, an "
    "explanation reads only the step's `base` (`Explainer.freshness`): `last` and `start` "
    "are never read",
    "scope.py:497": "killed by test_evaluation_mutants.py::test_the_elements_of_contracts_keep_"
    "what_either_scope_reads",
    # round 5
    "judges/freshness.py:87": "killed by test_evaluation_mutants.py::test_an_explanation_bases_"
    "the_due_date_on_a_start_later_than_the_last_review (`start` tells the event from the "
    "start)",
    "expressions.py:107": "killed by test_evaluation_mutants.py::test_an_explanation_of_an_"
    "expression_of_the_wrong_type_keeps_the_value_it_gave",
    "expressions.py:165": "equivalent: `CompiledPolicy.parts` is a cache; a miss takes the "
    "condition apart again (`cel.subconditions`, a function of the program alone): the same parts",
    "expressions.py:318": "equivalent: a shortcut; a condition that is the one word `false` has "
    'no parts, so `_quoted(source) == "false"` after the loop gives the same empty text, and '
    "a condition of more words is not `false` however its words are joined",
    "expressions.py:322 parts[1]": "equivalent: every operand of a chain has the chain's "
    "operator (`&&` for each of an `&&` chain, `then` for the second of a `?:`) and a chain "
    "has at least two, so parts[1] has the operator parts[0] has",
    "expressions.py:323 False), )": "equivalent: `next` without a default raises only if no "
    "operand of a false `&&` chain gives false on its own; CEL's `&&` is false only when an "
    "operand is, and each is evaluated with the same variables",
    "expressions.py:326 bool) or len": "equivalent: a `?:` has exactly 3 parts, so the mutant "
    "differs only for a condition that is not a bool; then the `?:` is an error (`no matching "
    "overload for '?:'`), never false, and `unmet` is asked only of a false condition",
    "run.py:385 setdefault(None": "equivalent: the maps of contract-scope findings lost, so "
    "people's sanctions and rewards bind those findings validated (`finding_value`): the same "
    "values (as run.py:473)",
    "run.py:386 and False": "equivalent: the maps made here from the part's findings, by "
    "`FindingMaps` as the part made them: the same values",
    "run.py:388 setdefault(None": "equivalent: without the persons of contract-scope "
    "findings, `FindingsIndex.add` reads each finding's accountable person itself, the person "
    "the part read: the same index",
    "run.py:390 and False": "equivalent: as run.py:388 (the persons read here from the "
    "part's findings: the persons the part read)",
    "run.py:402 = None": "equivalent: as run.py:385 (the maps of person- and organisation-"
    "scope findings lost: bound validated, the same values)",
    "run.py:407": "equivalent: `FindingsIndex` indexes its first argument only when it is not "
    "empty, and None is as empty as []",
    "run.py:408": "equivalent: every contract's findings indexed (None) where only the repeated "
    "ids are asked for: the same answers for those, and the same index of people",
    "run.py:409 (removed)": "equivalent: people indexed (the default) when no person-scope "
    "sanction or reward reads them: an index nobody asks",
    "run.py:410": "equivalent: without maps (None) `consequence` makes them from the findings, "
    "by `FindingMaps`: the same values; with maps though none are kept ([] always), every map "
    "is None and the findings are bound validated: the same values",
    "run.py:415": "equivalent: as run.py:385 (the maps not given: bound validated) and "
    "run.py:388 (the persons not given: read from the findings)",
    "run.py:427": "equivalent: without the maps (None) `consequence` makes them from the "
    "findings, by `FindingMaps`: the same values",
    "run.py:141 organisation_policies) or": "equivalent: each contract's value kept though no "
    "organisation-scope expression reads `contracts`: kept unread, or read as a cache (as "
    "scope.py:432), the same value as made again",
    "run.py:141 bool(None)": "equivalent: each contract's value not kept for the organisation: "
    "its `contracts` make it again from the contract (as scope.py:432), the same value",
    # -- the CEL engine
    # _lower.py, round 3
    "cel/_lower.py:86": "killed by test_cel_mutants.py::test_the_exact_cost_of_an_evaluation "
    "(`a + a + a + a > 0` costs 9: allowed at 9, evaluated whole)",
    "cel/_lower.py:112": "equivalent: `_evaluate_each`, the only caller, turns any failure into "
    "None, the TypeError of calling None as the BudgetExceeded of `_over_budget`; with no items "
    "neither is called",
    "cel/_lower.py:113": "killed by test_cel_mutants.py::test_each_item_of_a_per_item_evaluation_"
    "has_the_exact_cost (a macro at one less than its cost)",
    "cel/_lower.py:147 None": "equivalent: `uses_macros` is only tested for truth, and None is "
    "false as False is",
    "cel/_lower.py:147": "killed by test_cel_mutants.py::test_the_exact_cost_of_an_evaluation "
    "(`a == b` of 300 characters costs 3: no meter outside a macro)",
    "cel/_lower.py:166": "equivalent: every node cel.lark makes has a handler, or is one `step` "
    "passes through, or is read by its parent's handler (exprlist, fieldinits, mapinits): the "
    "default is never used",
    "cel/_lower.py:168": "equivalent: never reached (cel/_lower.py:166)",
    "cel/_lower.py:176": "killed by test_cel_mutants.py::test_the_exact_cost_of_an_evaluation "
    "(`x == (true ? '...' : 'u')`: the branch chosen at compile time is a constant, compared at "
    "no cost)",
    "cel/_lower.py:206": "equivalent: the `if` above returned for a deciding constant, so `only` "
    "is never made; the general closure gives the same for `c && x` and `x && c` (c the "
    "constant that does not decide): x's value if a bool, x's error, else no_overload of both "
    "operands' types in order",
    "cel/_lower.py:219": "equivalent: no_overload names the operands' types, and `decisive` and "
    "`not decisive` are both bools",
    "cel/_lower.py:220": "equivalent: as cel/_lower.py:219",
    "cel/_lower.py:255": "killed by test_cel_mutants.py::test_the_exact_cost_of_an_evaluation "
    "(`x in ['a', 'b']` in a macro: a set lookup, no scan to pay for)",
    "cel/_lower.py:256": "equivalent: the field only lets `membership` read `a.b` in its own "
    "closure; without it the selection's closure reads the same entry or fails with the same "
    "error (the fused closure calls it too when it finds no value of the constants' type)",
    "cel/_lower.py:257": "killed by test_cel_mutants.py::test_the_exact_cost_of_an_evaluation "
    "(`==` and `!=` with a constant of 100 characters in a macro cost nothing more)",
    "cel/_lower.py:258": "killed as cel/_lower.py:257",
    "cel/_lower.py:260": "equivalent: `fields` holds only selection closures, so for None or the "
    "constant `fields.get` finds nothing and the comparison reads through the selection's "
    "closure (as cel/_lower.py:256)",
    "cel/_lower.py:261": "equivalent: as cel/_lower.py:256",
    "cel/_lower.py:263": "killed by test_cel_mutants.py::test_the_exact_cost_of_an_evaluation "
    "(two strings of 100 characters compared in a macro cost 1 more each time)",
    "cel/_lower.py:266": "killed by test_cel_mutants.py::test_equality_of_two_variables",
    "cel/_lower.py:267": "killed as cel/_lower.py:266",
    "cel/_lower.py:268": "killed as cel/_lower.py:263 (strings, bytes and lists in a macro)",
    "cel/_lower.py:269": "killed as cel/_lower.py:263; `is not`: also by test_cel_mutants.py::"
    "test_equality_of_two_variables (`true == 1` is false)",
    "cel/_lower.py:270": "killed as cel/_lower.py:266",
    "cel/_lower.py:271": "killed as cel/_lower.py:263 (exactly 100 characters cost 1)",
    "cel/_lower.py:272": "killed as cel/_lower.py:266 (strings and bytes of 100 characters)",
    "cel/_lower.py:273": "killed as cel/_lower.py:266",
    "cel/_lower.py:274": "killed as cel/_lower.py:266 (`[true] == [1]` is false)",
    "cel/_lower.py:276": "killed as cel/_lower.py:263 (bytes in a macro)",
    "cel/_lower.py:279": "killed as cel/_lower.py:266 (lists of the same size)",
    "cel/_lower.py:282": "killed as cel/_lower.py:263 (`!=`)",
    "cel/_lower.py:292": "killed as cel/_lower.py:266",
    "cel/_lower.py:298": "killed as cel/_lower.py:266 (`!=` of lists)",
    "cel/_lower.py:301": "killed by test_cel_mutants.py::test_the_exact_cost_of_an_evaluation "
    "(`<`, `<=`, `>`, `>=` of two strings of 100 characters in a macro)",
    "cel/_lower.py:302": "killed as cel/_lower.py:301 (ordered against a constant: no cost)",
    'cel/_lower.py:306 ("addition_add", "': "equivalent: `minus` only inlines the int case of "
    "rt.subtract, which the general closure calls: the same difference, the same overflow error",
    "cel/_lower.py:306": "killed by test_cel_mutants.py::test_a_concatenation_is_held_to_the_"
    "size_cap",
    "cel/_lower.py:308": "killed by test_cel_mutants.py::test_the_exact_cost_of_an_evaluation "
    "(`x in ys` in a macro pays for the scan)",
    "cel/_lower.py:309": "killed as cel/_lower.py:308",
    "cel/_lower.py:338": "equivalent: without the fused path, `a.b.c` is lowered as one "
    "selection per field, which reads the same values and fails with the same messages "
    "(rt.select; the variable's closure for a missing variable)",
    "cel/_lower.py:345 type(None)": "equivalent: rt.select makes the same lookup in a map",
    "cel/_lower.py:345": "killed by test_cel_mutants.py::test_selections_indexes_and_lists_from_"
    "data (`m[k].b`)",
    "cel/_lower.py:346 value.get(None, MISSING)": "equivalent: no map an evaluation sees has a "
    "null key (bindings and map literals refuse one), so the lookup misses and rt.select makes it",
    "cel/_lower.py:346": "killed as cel/_lower.py:345 (a missing field, a null one)",
    "cel/_lower.py:347": "killed as cel/_lower.py:345",
    "cel/_lower.py:349": "killed as cel/_lower.py:345 (the messages)",
    "cel/_lower.py:356": "killed by test_cel_mutants.py::test_selections_indexes_and_lists_from_"
    "data (`q.x`, `q.x.y` without q)",
    "cel/_lower.py:362": "killed by test_cel_mutants.py::test_selections_indexes_and_lists_from_"
    "data (`m.x.y`)",
    "cel/_lower.py:364": "killed as cel/_lower.py:356",
    # `select_one`'s mutants and `select_path`'s are reported at the same lines (365, 366):
    # the equivalent ones are `select_one`'s; `select_path`'s of the same text are killed (it
    # keeps the value it selects only from the map).
    "cel/_lower.py:365 type(None)": "equivalent in `select_one` (rt.select makes the same lookup "
    "in a map); in `select_path`: killed by test_cel_mutants.py::test_selections_indexes_and_"
    "lists_from_data (`m.x.y`)",
    "cel/_lower.py:365": "killed as cel/_lower.py:362",
    # `select_path`'s lines read as `select_one`'s (both nested in `Lowerer.path`), so these
    # two are reported at `select_one`'s line, whose same change is equivalent.
    "accountframe.cel._lower.xǁLowererǁpath__mutmut_26": "killed by test_cel_mutants.py::"
    "test_selections_indexes_and_lists_from_data (`m.x.y`: `type(None)` in `select_path`)",
    "accountframe.cel._lower.xǁLowererǁpath__mutmut_29": "killed as cel/_lower.py:362 "
    "(`value.get(None, MISSING)` in `select_path`)",
    "cel/_lower.py:366 value.get(None, MISSING)": "equivalent in `select_one` (as cel/_lower.py:"
    "346); in `select_path`: killed as cel/_lower.py:362",
    "cel/_lower.py:366": "killed as cel/_lower.py:362 (a missing field, a null one)",
    "cel/_lower.py:367": "killed as cel/_lower.py:362",
    "cel/_lower.py:371": "equivalent: as cel/_lower.py:256, a selection not in `fields` is read "
    "through its own closure",
    "cel/_lower.py:383": "killed as cel/_lower.py:362",
    "cel/_lower.py:384": "killed as cel/_lower.py:362 (`m.x.y.z`)",
    "cel/_lower.py:385": "killed as cel/_lower.py:362 (the messages)",
    "cel/_lower.py:400 type(None)": "equivalent: rt.index finds a string key of a map by the same "
    "lookup",
    "cel/_lower.py:400": "killed by test_cel_mutants.py::test_selections_indexes_and_lists_from_"
    "data (`l['a']`; `m[true]` does not find the key 1)",
    "cel/_lower.py:401": "equivalent: as cel/_lower.py:346, then rt.index looks the key up",
    "cel/_lower.py:462": "killed by test_cel_mutants.py::test_selections_indexes_and_lists_from_"
    "data (`size()`)",
    "cel/_lower.py:473": "killed by test_cel_mutants.py::test_selections_indexes_and_lists_from_"
    "data (`[a, 1]`)",
    "cel/_lower.py:476": "killed as cel/_lower.py:473",
    "cel/_lower.py:503": "equivalent: `as_bytes` is only tested for truth",
    "cel/_lower.py:513": "killed by test_cel_mutants.py::test_string_literals (a lone surrogate "
    "in a raw bytes literal)",
    "cel/_lower.py:514": "equivalent: cel.lark's `literal` admits only the eight token kinds "
    "handled above: never reached",
    "cel/_lower.py:538": "equivalent: Python's codec names ignore case",
    "cel/_lower.py:540": "equivalent: a slice from None starts at 0",
    "cel/_lower.py:542 UTF-8": "equivalent: Python's codec names ignore case",
    "cel/_lower.py:542": "killed by test_cel_mutants.py::test_string_literals (a lone surrogate "
    "before an escape)",
    "cel/_lower.py:546": "equivalent: as cel/_lower.py:538",
    "cel/_lower.py:549": "equivalent: as cel/_lower.py:538",
    "cel/_lower.py:552": "killed by test_cel_mutants.py::test_string_literals (\\uD7FF, \\uD800, "
    "\\uDFFF, \\uE000, \\U0010FFFF, \\U00110000)",
    "cel/_lower.py:553": "killed as cel/_lower.py:552 (the messages, \\u and \\U)",
    "cel/_lower.py:554": "equivalent: as cel/_lower.py:538",
    "cel/_lower.py:557 UTF-8": "equivalent: as cel/_lower.py:538",
    "cel/_lower.py:557": "killed by test_cel_mutants.py::test_string_literals (a lone surrogate "
    "after the last escape)",
    "cel/_lower.py:559 UTF-8": "equivalent: as cel/_lower.py:538",
    "cel/_lower.py:559": "killed as cel/_lower.py:542",
    "cel/_lower.py:564": "equivalent: an int literal is an optional '-' then digits (cel.lark's "
    "INT_LIT), so there is no X to strip",
    "cel/_lower.py:567": "equivalent: int() reads base 10 by default",
    "cel/_lower.py:131": "killed by test_cel_fast_paths.py::test_each_item_of_a_per_item_"
    "evaluation_has_its_own_meter (the message names the cost, not the iterations)",
    "cel/_lower.py:484": "killed by test_cel_mutants.py::test_values_made_from_data (`{k: v}`, "
    "not folded)",
    "cel/_lower.py:487": "killed as cel/_lower.py:484",
    "cel/_runtime.py:54": "killed by test_cel_mutants.py::test_values_made_from_data "
    "(`no such key: 5u`)",
    "cel/_runtime.py:63": "killed by test_cel_mutants.py::test_values_made_from_data (`the CEL "
    "type int`) when run directly; `CelType.__init__` runs only at import, so mutmut may see "
    "no test call it and list the mutant as 'no tests'",
    "cel/_runtime.py:109": "equivalent: every value an evaluation sees has a CEL type "
    "(bindings make it plain or reject it: 'unsupported value of type set'), so the fallback "
    "name is never used",
    "cel/_runtime.py:236": "equivalent: each change differs only for two operands of the same "
    "type, converted to float only when that type is float: float(x) is x",
    "cel/_runtime.py:248": "killed by test_cel_mutants.py::test_ordering_at_run_time (the "
    "operator named in the error)",
    "cel/_runtime.py:254": "killed as cel/_runtime.py:248",
    "cel/_runtime.py:260": "killed by test_cel_fast_paths.py::test_the_runtime_functions "
    "(`a >= b`, string and int)",
    "cel/_runtime.py:372": "equivalent: `<= 0` and `< 1` differ from `< 0` only for a dividend "
    "of 0, whose remainder is 0, and -0 == 0",
    "cel/_runtime.py:373": "killed by test_cel_mutants.py::test_modulo_at_run_time (`type(a % "
    "b) == int`, `type(uint(a) % uint(b)) == uint`)",
    "cel/_runtime.py:374": "killed by test_cel_mutants.py::test_modulo_at_run_time (the "
    "operator and both types in the error)",
    "cel/_runtime.py:432": "`is not dict`: killed by test_cel_mutants.py::test_has_tests_a_"
    "field_of_a_map_only (`has(a.f)` of 'of'); `type(None)`: equivalent, `has_field` is "
    "reached only with a value that is not a map (the `has` closure of _calls tests a map "
    "itself)",
    "cel/_runtime.py:433": "equivalent: as cel/_runtime.py:432, never reached with a map",
    "cel/_runtime.py:434": "killed by test_cel_mutants.py::test_has_tests_a_field_of_a_map_only",
    "cel/_runtime.py:449": "equivalent: with `or`, `1 in 'abc'` raises TypeError, which the "
    "call's closure (_calls) reports as the same no_overload; a string in a list or a map is "
    "found by Python's `in` as by CEL's equality",
    "cel/_runtime.py:451": "killed by test_cel_fast_paths.py::test_the_runtime_functions "
    "(`[1, 2].contains(2.0)`)",
    "cel/_runtime.py:452": "killed as cel/_runtime.py:451",
    "cel/_runtime.py:453": "killed by test_cel_fast_paths.py::test_the_runtime_functions "
    "(`{'k': 1}.contains('k')`)",
    "cel/_runtime.py:454": "killed as cel/_runtime.py:453",
    "cel/_runtime.py:455": "killed by test_cel_fast_paths.py::test_the_runtime_functions (the "
    "no_overload of `contains`)",
    "cel/_runtime.py:496": "killed by test_cel_mutants.py::test_string_functions_check_their_"
    "operands (`a.startsWith(b)` of an int: AttributeError, not no_overload)",
    "cel/_runtime.py:498": "killed by test_cel_fast_paths.py::test_the_runtime_functions",
    "cel/_runtime.py:502": "killed by test_cel_fast_paths.py::test_the_runtime_functions (an "
    "int's `endsWith`)",
    "cel/_runtime.py:504": "killed by test_cel_fast_paths.py::test_the_runtime_functions",
    "cel/_runtime.py:514": "killed by test_cel_mutants.py::test_a_bad_pattern_is_an_error_and_"
    "writes_nothing (without the options, RE2 logs the pattern to stderr)",
    "cel/_runtime.py:518": "equivalent: every exception re2.compile raises carries its message "
    "(re2.error, TypeError; a UnicodeEncodeError has its own clause), so `error.args` is never "
    "empty",
    "cel/_runtime.py:520": "equivalent: codec names ignore case, and RE2 quotes whole "
    "characters of a pattern that was valid UTF-8, so decoding never needs an error handler "
    "(the decoding itself: test_cel_mutants.py::test_string_functions_check_their_operands)",
    "cel/_runtime.py:525": "killed by test_cel_mutants.py::test_string_functions_check_their_"
    "operands (a pattern that is not a string)",
    "cel/_runtime.py:527": "killed by test_cel_fast_paths.py::test_the_runtime_functions",
    "cel/_runtime.py:569": "`+1.0`: killed by test_cel_mutants.py::test_uint_conversions "
    "(`uint(0.5)`, `uint(1.0)`); the rest equivalent: a finite double the changed bounds let "
    "through is truncated and refused by check_uint with the same message",
    "cel/_runtime.py:570": "killed by test_cel_mutants.py::test_uint_conversions (infinities, NaN)",
    "cel/_runtime.py:573": "killed by test_cel_mutants.py::test_uint_conversions ('+5', 'abc', "
    "40 and 41 digits, '5'); `'XX+-XX'`: equivalent, a string that matched the digits starts "
    "with a digit or a sign",
    "cel/_runtime.py:574": "killed by test_cel_mutants.py::test_uint_conversions",
    "cel/_runtime.py:576": "killed by test_cel_mutants.py::test_uint_conversions (`uint([1])`)",
    "cel/_runtime.py:604": "killed by test_cel_mutants.py::test_a_timestamp_as_a_string "
    "(fractions of a second); `rstrip('XX0XX')`: equivalent, it strips the characters X and 0 "
    "and the text ends in a digit",
    "cel/_runtime.py:605": "killed by test_cel_mutants.py::test_a_timestamp_as_a_string (years "
    "5 and 999); `or True`, `<= 1000`, `< 1001`: equivalent, from the year 1000 on strftime "
    "writes four digits, so both forms give the same text",
    "cel/_runtime.py:610": "killed by test_cel_fast_paths.py::test_the_runtime_functions "
    "('-0.5s', '0s')",
    "cel/_runtime.py:613": "killed by test_cel_fast_paths.py::test_the_runtime_functions "
    "('-0.5s', '1.25s'); `rstrip('XX0XX')`: equivalent, as cel/_runtime.py:604",
    "cel/_runtime.py:644": "equivalent: codec names ignore case ('UTF-8' is 'utf-8')",
    "cel/_runtime.py:645": "killed by test_cel_fast_paths.py::test_the_runtime_functions",
    "cel/_runtime.py:655": "killed by test_cel_fast_paths.py::test_the_runtime_functions",
    "cel/_runtime.py:657": "killed by test_cel_fast_paths.py::test_the_runtime_functions",
    "cel/_runtime.py:671": "killed by test_cel_fast_paths.py::test_only_the_wrapper_messages_"
    "are_made and ::test_the_runtime_functions "
    "(`_convert` was a closure made at import, which mutmut saw no test call: 'no tests')",
    "cel/_runtime.py:672": "killed as cel/_runtime.py:671",
    "cel/_runtime.py:673": "killed as cel/_runtime.py:671 (`UInt32Value{value: 1}`)",
    "cel/_runtime.py:677": "killed by test_cel_fast_paths.py::test_the_runtime_functions "
    "(Int32Value at -2**31 - 1, -2**31, 2**31 - 1, 2**31)",
    "cel/_runtime.py:679": "killed by test_cel_fast_paths.py::test_the_runtime_functions",
    "cel/_runtime.py:683": "killed by test_cel_fast_paths.py::test_the_runtime_functions "
    "(UInt32Value at 0, 2**32 - 1, 2**32)",
    "cel/_runtime.py:685": "killed by test_cel_fast_paths.py::test_the_runtime_functions",
    "cel/_runtime.py:692": "equivalent: struct's native 'f' packs a double beyond float32 as "
    "±inf without OverflowError, so the `except` is never taken (the ±inf results: "
    "test_cel_fast_paths.py::test_the_runtime_functions, FloatValue of ±1e39)",
    "cel/_runtime.py:723": "equivalent: as cel/_runtime.py:109, every value has a CEL type",
    "cel/_lower.py:111": "killed by test_cel_fast_paths.py::test_each_item_of_a_per_item_"
    "evaluation_has_its_own_meter (a cost of exactly the limit)",
    "cel/_lower.py:122": "killed as cel/_lower.py:111 (a fresh meter per item)",
    "cel/_lower.py:421": "equivalent: no wrapper is named '' or 'XXXX': both are not found",
    "cel/_lower.py:423": "killed by test_cel_fast_paths.py::test_only_the_wrapper_messages_"
    "are_made",
    "cel/_lower.py:427": "killed as cel/_lower.py:423 (`{value: a, x: 1}`)",
    "cel/_lower.py:428": "killed as cel/_lower.py:423 (the message of `{x: a}`)",
    "cel/_lower.py:432": "killed as cel/_lower.py:423 (`Int64Value{value: a}`, not folded)",
    "cel/_lower.py:435": "killed as cel/_lower.py:432",
    # _runtime.py, round 3
    "cel/_runtime.py:44": "killed by test_cel_mutants.py::test_the_cause_of_an_evaluation_"
    "error_reads_as_its_message (a traceback shows the chained CelFailure)",
    "cel/_runtime.py:134": "killed by test_cel_mutants.py::test_arithmetic_at_its_edges (a "
    "duration of exactly -10,000 years)",
    "cel/_runtime.py:172": "killed by test_cel_mutants.py::test_numbers_of_different_types_"
    "compare_by_cel_rules (2**53 + 1 == 2.0**53 as doubles; an int and a uint exactly)",
    "cel/_runtime.py:197": "equivalent: `get(key)` gives None for a missing bool key, and no "
    "stored key `is` a key that `get` missed, so the loop returns MISSING as before",
    "cel/_runtime.py:198": "killed by test_cel_mutants.py::test_map_keys_keep_bools_and_"
    "numbers_apart (`m[true]` of {1: 'a'})",
    "cel/_runtime.py:206 kind is not float": "equivalent: an int or uint key is finite and "
    "integral, so the test is false for it either way",
    "cel/_runtime.py:206": "killed by test_cel_mutants.py::test_map_keys_keep_bools_and_numbers_"
    "apart (`m[a]` of inf: no such key, not Python's OverflowError)",
    "cel/_runtime.py:210 in (0, 1) or any": "equivalent: the loop then also runs for a key "
    "found that is not 0 or 1, or for a missing one: it finds the same non-bool key, or none",
    "cel/_runtime.py:210 MISSING or key": "equivalent: as cel/_runtime.py:210 `or any`",
    "cel/_runtime.py:210": "killed by test_cel_mutants.py::test_map_keys_keep_bools_and_"
    "numbers_apart (1 and 0 in maps with bool keys, one with only bool keys)",
    "cel/_runtime.py:213": "killed as cel/_runtime.py:210 ({true: 'a', 's': 'b'}, {false: 'x', "
    "1: 'a'})",
    "cel/_runtime.py:217": "equivalent: never reached, every caller lets only a key's type "
    "through (index, contained: str, int, uint, bool, double; build_map: a key type; "
    "_maps_equal: a map's own keys)",
    "cel/_runtime.py:269 type(None) is str": "equivalent: a str found by CEL's equality is the "
    "str Python's `in` finds (a str equals only a str)",
    "cel/_runtime.py:269": "killed by test_cel_mutants.py::test_numbers_of_different_types_"
    "compare_by_cel_rules (`true in [1]`)",
    "cel/_runtime.py:275": "killed by test_cel_mutants.py::test_numbers_of_different_types_"
    "compare_by_cel_rules (`null in m`, `[1] in m`)",
    "cel/_runtime.py:276": "killed by test_cel_mutants.py::test_an_operation_without_an_"
    "overload_names_itself_and_the_types (`'x' in 5`)",
    "cel/_runtime.py:299": "killed by test_cel_mutants.py::test_an_operation_without_an_"
    "overload_names_itself_and_the_types (timestamp + int: no_overload, not a TypeError)",
    "cel/_runtime.py:301": "killed as cel/_runtime.py:299 (int + timestamp, duration + int)",
    "cel/_runtime.py:327": "killed as cel/_runtime.py:299 (timestamp - int, int - duration)",
    "cel/_runtime.py:344": "killed as cel/_runtime.py:276 (`1 * 1.5`)",
    "cel/_runtime.py:354": "equivalent: `<= 0` and `< 1` differ from `< 0` only for an operand "
    "of 0: a divisor of 0 fails before, a dividend of 0 has the quotient 0, and -0 == 0",
    "cel/_runtime.py:356": "killed by test_cel_mutants.py::test_arithmetic_at_its_edges (a uint "
    "quotient above the int64 range)",
    "cel/_runtime.py:361": "equivalent: ±inf divided by ±1, or times ±2, is the same ±inf",
    "cel/_runtime.py:382": "killed by test_cel_mutants.py::test_arithmetic_at_its_edges (`-a` of "
    "a duration)",
    "cel/_runtime.py:403": "killed as cel/_runtime.py:276 (`xs[1.5]`)",
    "cel/_runtime.py:406": "killed as cel/_runtime.py:276 (a list, a map and a string indexed "
    "wrongly)",
    "cel/_runtime.py:424": "equivalent: `select` runs only after the closure's own "
    "`value.get(name)` missed (_lower), and a map has no null key (bindings: str, int, bool; "
    "literals: build_map), so `get(None)` misses too",
    "cel/_runtime.py:432 type(None)": "equivalent: `has_field` is reached only with a value "
    "that is not a map (the `has` closure of _calls tests a map itself)",
    "cel/_runtime.py:444": "killed as cel/_runtime.py:276 (`size(1)`)",
    "cel/_runtime.py:467": "killed as cel/_runtime.py:276 (`sum(1)`)",
    "cel/_runtime.py:472": "killed as cel/_runtime.py:276 (`sum([1, 'a'])`)",
    "cel/_runtime.py:473": "killed as cel/_runtime.py:472",
    "cel/_runtime.py:483 } < set(": "equivalent: fsum overflows only with a finite element, so "
    "a set holding both infinities holds more",
    "cel/_runtime.py:483": "killed by test_cel_mutants.py::test_a_sum_beyond_the_double_range "
    "(NaN, +inf, both infinities after an overflow)",
    "cel/_runtime.py:485": "killed as cel/_runtime.py:483 (one infinity after an overflow)",
    "cel/_runtime.py:487": "killed as cel/_runtime.py:485",
    "cel/_runtime.py:488": "killed as cel/_runtime.py:483 (an overflow that comes back in range)",
    "cel/_runtime.py:490": "killed as cel/_runtime.py:488",
    "cel/_runtime.py:492 exact >= 0": "equivalent: the exact sum is beyond the double range "
    "here, never 0",
    "cel/_runtime.py:492 exact > 1": "equivalent: as cel/_runtime.py:492 `>= 0`, beyond the "
    "double range |exact| > 1",
    "cel/_runtime.py:492": "killed as cel/_runtime.py:483 (+inf and -inf)",
    "cel/_runtime.py:550": "equivalent: a double the changed bounds let through is at least "
    "2**63, refused by check_int with the same 'integer overflow'",
    "cel/_runtime.py:551": "killed by test_cel_mutants.py::test_conversions_of_data (`int(1e19)`)",
    "cel/_runtime.py:554": "killed by test_cel_mutants.py::test_conversions_of_data (40 and 41 "
    "characters)",
    "cel/_runtime.py:555": "killed by test_cel_mutants.py::test_conversions_of_data",
    "cel/_runtime.py:559": "killed as cel/_runtime.py:276 (`int([1])`)",
    "cel/_runtime.py:569 and not": "equivalent: an infinity or NaN is still out of the bounds, "
    "and a finite double out of them reaches check_uint, which refuses it with the same message",
    "cel/_runtime.py:569 -2.0 <": "equivalent: a finite double the changed bounds let through is "
    "truncated and refused by check_uint with the same message",
    "cel/_runtime.py:569 -1.0 <= value": "equivalent: as cel/_runtime.py:569 `-2.0 <`",
    "cel/_runtime.py:569 value <= 2.0**64": "equivalent: as cel/_runtime.py:569 `-2.0 <`",
    "cel/_runtime.py:569 3.0**64": "equivalent: as cel/_runtime.py:569 `-2.0 <`",
    "cel/_runtime.py:569 2.0**65": "equivalent: as cel/_runtime.py:569 `-2.0 <`",
    "cel/_runtime.py:573 XX+-XX": "equivalent: a string that matched the digits starts with a "
    "digit or a sign, never an X",
    "cel/_runtime.py:586": "killed by test_cel_mutants.py::test_conversions_of_data (400 and 401 "
    "characters)",
    "cel/_runtime.py:587": "killed by test_cel_mutants.py::test_conversions_of_data",
    "cel/_runtime.py:589": "killed as cel/_runtime.py:276 (`double([1])`)",
    "cel/_runtime.py:604 XX0XX": "equivalent: it strips the characters X and 0, and the text "
    "ends in a digit",
    "cel/_runtime.py:605 or True": "equivalent: from the year 1000 on strftime writes four "
    "digits, so both forms give the same text",
    "cel/_runtime.py:605 <= 1000": "equivalent: as cel/_runtime.py:605 `or True`",
    "cel/_runtime.py:605 < 1001": "equivalent: as cel/_runtime.py:605 `or True`",
    "cel/_runtime.py:613 XX0XX": "equivalent: as cel/_runtime.py:604 `XX0XX`",
    "cel/_runtime.py:626": "killed by test_cel_mutants.py::test_conversions_of_data (`string(a)` "
    "of true and false)",
    "cel/_runtime.py:629": "equivalent: codec names ignore case ('UTF-8' is 'utf-8')",
    "cel/_runtime.py:631": "killed by test_cel_mutants.py::test_conversions_of_data (bytes that "
    "are not UTF-8)",
    "cel/_runtime.py:636": "killed as cel/_runtime.py:276 (`string([1])`)",
}


#: Survivors of the first run with a test written for them since, in
#: tests/unit/test_evaluation_mutants.py, not re-judged by a run before the time box
#: (`--survivors` judges them again): test → the `file:line` it was written for.
_PENDING: dict[str, tuple[str, ...]] = {
    "test_an_assessment_names_what_each_policy_rests_on": ("run.py:440",),
    "test_an_exposure_that_fails_says_so_once_then_why": ("run.py:493", "run.py:497"),
    "test_the_findings_variable_shows_an_exposure_only_when_there_is_one": ("findings.py:51",),
    "test_a_sanction_reads_a_findings_exposure_and_tags": ("findings.py:137",),
    "test_a_person_with_no_findings_sees_an_empty_list": ("findings.py:327",),
    "test_repeated_contract_ids_and_people_read_the_findings_meant_for_them": (
        "findings.py:333",
        "run.py:418",
        "run.py:420",
        "run.py:421",
        "run.py:426",
        "run.py:427",
    ),
    "test_a_holder_not_in_people_is_an_error_and_explained": (
        "judges/responsibility.py:40",
        "judges/responsibility.py:42",
        "judges/responsibility.py:77",
    ),
    "test_eligibility_at_either_scope": (
        "judges/responsibility.py:49",
        "judges/responsibility.py:80",
        "judges/responsibility.py:84",
        "judges/responsibility.py:85",
        "judges/responsibility.py:86",
        "expressions.py:164",
        "expressions.py:165",
    ),
    "test_an_explanation_of_an_organisation_role_names_its_holder": (
        "judges/responsibility.py:67",
        "judges/responsibility.py:74",
    ),
    "test_an_explanation_of_a_role_never_held_says_so": ("judges/responsibility.py:102",),
    "test_an_explanation_of_eligibility_shows_the_holders_values": (
        "judges/responsibility.py:143",
    ),
    "test_an_assignment_the_fast_conversion_declines_is_judged_validated": (
        "judges/responsibility.py:153",
        "judges/responsibility.py:154",
        "judges/responsibility.py:156",
    ),
    "test_with_no_event_the_organisation_has_no_start_to_count_from": (
        "judges/cadence.py:42",
        "judges/cadence.py:52",
        "judges/information.py:46",
        "judges/information.py:56",
    ),
    "test_an_explanation_tells_the_freshness_and_the_latest_report": (
        "judges/cadence.py:54",
        "judges/information.py:58",
        "judges/information.py:62",
    ),
    "test_a_report_that_does_not_meet_the_requirement_says_which_part": (
        "judges/information.py:74",
        "judges/information.py:77",
    ),
    "test_an_explanation_with_nothing_to_count_from": ("judges/freshness.py:74",),
    "test_an_explanation_shows_every_step_of_a_rolling_due_date": (
        "judges/freshness.py:87",
        "judges/freshness.py:93",
        "judges/freshness.py:95",
    ),
    "test_an_explanation_shows_every_step_of_a_fixed_period_due_date": (
        "judges/freshness.py:89",
        "judges/freshness.py:90",
        "judges/freshness.py:91",
    ),
    "test_a_rules_due_date_is_evaluated_whatever_require_gives": (
        "judges/rule.py:28",
        "judges/rule.py:30",
        "judges/rule.py:32",
        "judges/rule.py:33",
    ),
    "test_an_amount_that_is_not_finite_is_an_error_naming_where": (
        "judges/consequence.py:34",
        "judges/consequence.py:35",
    ),
    "test_a_triggered_consequence_is_due_within_its_period": (
        "judges/consequence.py:39",
        "judges/consequence.py:40",
        "judges/consequence.py:42",
        "run.py:293",
        "run.py:295",
    ),
    "test_an_explanation_names_the_event_an_expression_failed_for": (
        "expressions.py:95",
        "expressions.py:107",
    ),
    "test_a_counts_if_that_fails_on_one_event_names_its_problem": (
        "expressions.py:215",
        "expressions.py:216",
        "expressions.py:217",
        "expressions.py:219",
        "expressions.py:221",
    ),
    "test_a_failure_names_the_part_of_its_condition_that_was_false": (
        "expressions.py:318",
        "expressions.py:319",
        "expressions.py:322",
        "expressions.py:323",
        "expressions.py:324",
        "expressions.py:325",
        "expressions.py:326",
        "expressions.py:327",
        "expressions.py:331",
        "expressions.py:337",
        "expressions.py:341",
        "expressions.py:359",
        "expressions.py:360",
        "expressions.py:361",
        "expressions.py:368",
        "expressions.py:369",
        "expressions.py:374",
        "expressions.py:378",
        "expressions.py:379",
        "expressions.py:380",
        "expressions.py:381",
        "expressions.py:382",
        "expressions.py:383",
        "expressions.py:384",
        "expressions.py:385",
        "expressions.py:386",
    ),
    "test_a_due_that_is_not_a_timestamp_names_the_type_it_must_give": ("expressions.py:404",),
    "test_the_organisations_events_on_the_as_of_day_are_in_its_view": (
        "scope.py:198",
        "scope.py:199",
        "scope.py:387",
        "scope.py:388",
        "scope.py:390",
        "scope.py:394",
        "scope.py:395",
    ),
    "test_events_the_fast_conversion_declines_are_counted_as_validated": (
        "scope.py:333",
        "scope.py:334",
        "scope.py:335",
        "scope.py:338",
        "scope.py:340",
        "scope.py:341",
        "scope.py:423",
        "scope.py:424",
    ),
    "test_a_definition_that_uses_a_failed_one_says_which": (
        "scope.py:356",
        "scope.py:359",
        "scope.py:360",
    ),
    "test_a_failing_definition_of_a_framework_built_in_code_is_named_where_it_is": (
        "scope.py:488",
    ),
    "test_a_chain_that_ends_below_the_top_falls_back_to_the_accounting_officer": (
        "accountability.py:64",
        "accountability.py:66",
        "accountability.py:71",
        "accountability.py:74",
    ),
    "test_an_accountable_person_not_in_people_is_named_by_id_only": ("accountability.py:88",),
    "test_a_waiver_in_force_that_waived_nothing_is_listed_unused": ("waivers.py:81",),
    "test_a_repeated_contract_ids_consequences_see_the_findings_of_every_contract_with_it": (
        "run.py:134",
    ),
    "test_an_assessment_from_parts_made_elsewhere_is_the_one_made_here": (
        "run.py:381",
        "run.py:385",
        "run.py:386",
        "run.py:388",
        "run.py:390",
        "run.py:396",
        "run.py:402",
        "run.py:407",
        "run.py:408",
        "run.py:409",
        "run.py:410",
        "run.py:415",
    ),
}
for _test, _lines in _PENDING.items():
    for _line in _lines:
        NOTES.setdefault(_line, f"killed-pending: test_evaluation_mutants.py::{_test}")


def equivalent(result: Result) -> bool:
    """Whether `NOTES` lists the mutant as equivalent (it cannot change what a caller sees)."""
    return _note(result.module, *change(result), result.mutant).startswith("equivalent")


def _note(module: str, line: int, what: str, mutant: str = "") -> str:
    """The note of a mutant: `NOTES[mutant name]` (two nested functions whose lines read
    alike), else `NOTES["file:line after-text"]`, where after-text is in the mutated line
    (for a line whose mutants differ, one equivalent and one killed), else
    `NOTES["file:line"]`."""
    if mutant in NOTES:
        return NOTES[mutant]
    short = module.removeprefix("src/accountframe/").removeprefix("evaluation/")
    short = short.removeprefix("framework/")
    after = what.partition(" → ")[2]
    for key, note in NOTES.items():
        place, _, fragment = key.partition(" ")
        if fragment and place == f"{short}:{line}" and fragment in after:
            return note
    return NOTES.get(f"{short}:{line}", "not handled yet")


def report() -> str:
    """The score per module and the mutants that were not killed, as Markdown."""
    found = results()
    by_module: dict[str, Counter[str]] = {}
    for result in found:
        by_module.setdefault(result.module, Counter())[result.status] += 1
    out = [
        "| module | mutants | not run | killed | survived | no tests | score "
        "| equivalent | score less equivalents |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    totals: Counter[str] = Counter()
    listed = []
    for result in found:
        if result.status in ("survived", "no tests", "suspicious"):
            line, what = change(result)
            note = _note(result.module, line, what, result.mutant)
            if note.startswith("equivalent"):
                by_module[result.module]["equivalent"] += 1
            listed.append(f"- `{result.module}:{line}` {result.status}: {what}; {note}")
    for module, counts in sorted(by_module.items()):
        totals.update(counts)
        out.append(_row(module, counts))
    out.append(_row("**all**", totals))
    out += ["", "Not killed (`mutmut show NAME` shows each change whole; not run: left out):", ""]
    return "\n".join(out + listed)


def _row(module: str, counts: Counter[str]) -> str:
    killed = counts["killed"] + counts["timeout"]
    judged = killed + counts["survived"] + counts["no tests"] + counts["suspicious"]
    score = f"{100 * killed / judged:.1f}%" if judged else "-"
    # The usual mutation score leaves out the mutants that cannot change behaviour.
    killable = judged - counts["equivalent"]
    adjusted = f"{100 * killed / killable:.1f}%" if killable else "-"
    total = sum(counts.values()) - counts["equivalent"]
    return (
        f"| {module} | {total} | {counts['not checked']} | {killed} | {counts['survived']} "
        f"| {counts['no tests']} | {score} | {counts['equivalent']} | {adjusted} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", choices=[[], *GROUPS], default=[])
    parser.add_argument("--report", action="store_true", help="only print the report")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="TEST",
        help="judge without the tests whose node ids start with TEST (e.g. a score before them)",
    )
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="run again only the mutants the last run left alive (after new tests for them)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        _worker(
            arguments.worker, arguments.max_children, tuple(arguments.exclude), arguments.survivors
        )
        return 0
    if not arguments.report:
        for name in arguments.groups or GROUPS:
            run_group(name, arguments.max_children, arguments.exclude, arguments.survivors)
    print(report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
