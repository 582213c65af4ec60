"""Policy tests: the cases in a framework's `tests/*.yaml`, run against the framework (SPEC §8).

A test file is a mapping with one key, `tests:`, a list of cases. Each case names a portfolio
(a file path relative to the test file, or an inline mapping), the date to assess it on, and the
results it expects: findings under `expect`, sanctions and rewards under `expect_consequences`.

```yaml
tests:
  - name: a gold contract not reviewed for 40 days is overdue
    as_of: 2026-11-25
    portfolio: fixtures/gold.yaml
    expect:
      - {policy: CAD-GOLD-SRO, subject: EM-001, status: fail, message_contains: overdue}
      - {policy: RESP-SRO, subject: EM-001, status: pass, accountable: p-ps}
    expect_consequences:
      - {policy: SAN-ESCALATE, subject: p-sro, status: due}
```

Loading checks every file completely before anything runs: unknown keys (with suggestions),
policy ids the framework does not have, subjects the case's portfolio does not have, statuses
that are not statuses, missing or invalid portfolios. Every problem of every file is raised at
once as a `FrameworkError`, each located `file:line:col`. Nothing here imports hypothesis: the
command line runs policy tests without the `test` extra.

Example:
    >>> report = run_tests("tests/fixtures/policytests/passing")
    >>> report.passed, len(report.cases)
    (True, 3)
    >>> sorted(report.coverage["SAN-ESCALATE"])
    ['due', 'not_triggered']
    >>> report.untested
    ('RULE-STRATEGIC',)
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Mapping
from pathlib import Path as FilePath
from typing import Any

import attrs
import yaml

from accountframe.assessment import ConsequenceStatus, Status
from accountframe.compiled import compile
from accountframe.errors import (
    Diagnostic,
    FrameworkError,
    LoadError,
    Location,
    PortfolioError,
    UsageError,
    did_you_mean,
)
from accountframe.framework.folder import (
    FRAMEWORK_FILE,
    bundled,
    bundled_folder_of,
    load_framework,
    read_rule,
)
from accountframe.framework.framework import Framework
from accountframe.framework.policies import Consequence as ConsequencePolicy
from accountframe.framework.policies import Policy, Scope
from accountframe.load.documents import (
    DEFAULT_LIMITS,
    Document,
    LoadLimits,
    portfolio_from_document,
    read_document,
)
from accountframe.load.fields import Path, Problem, describe, meta
from accountframe.load.paths import ReadRule
from accountframe.load.structure import structure
from accountframe.model import Portfolio, structure_portfolio
from accountframe.tools.cases import (
    CaseResult,
    Expectation,
    Mismatch,
    PolicyTest,
    TestReport,
    quantity,
)

__all__ = [
    "TESTS_FOLDER",
    "CaseResult",
    "Expectation",
    "Mismatch",
    "PolicyTest",
    "TestReport",
    "base_folders",
    "discover_tests",
    "load_tests",
    "resolve_framework",
    "run_tests",
]

#: The folder of a framework that holds its policy tests.
TESTS_FOLDER = "tests"
_SUFFIXES = (".yaml", ".yml")


# -- the file format, as written -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _ExpectEntry:
    """An expected finding: a policy's status for one subject."""

    policy: str = attrs.field(metadata=meta("The policy id.", nonempty=True))
    subject: str = attrs.field(
        metadata=meta(
            "A contract id or person id (for an organisation-scope policy: the organisation's "
            "name, or the word organisation).",
            nonempty=True,
        )
    )
    status: Status = attrs.field(metadata=meta("The expected status."))
    accountable: str | None = attrs.field(
        default=None, metadata=meta("The person id expected to own the finding.")
    )
    message_contains: str | None = attrs.field(
        default=None, metadata=meta("Text the finding's message must contain.")
    )
    exposure: float | None = attrs.field(
        default=None,
        metadata=meta("The money at stake the finding must carry, to the penny (within 0.005)."),
    )


@attrs.frozen(kw_only=True)
class _ConsequenceEntry:
    """An expected sanction or reward for one subject."""

    policy: str = attrs.field(metadata=meta("The sanction or reward id.", nonempty=True))
    subject: str = attrs.field(
        metadata=meta(
            "A contract id or person id (for an organisation-scope policy: the organisation's "
            "name, or the word organisation).",
            nonempty=True,
        )
    )
    status: ConsequenceStatus = attrs.field(metadata=meta("The expected status."))
    amount: float | None = attrs.field(
        default=None,
        metadata=meta("The amount the consequence must carry, to the penny (within 0.005)."),
    )


@attrs.frozen(kw_only=True)
class _CaseEntry:
    """One case; its expectations are structured one by one, so each reports its problems."""

    name: str = attrs.field(metadata=meta("What the case shows, in words.", nonempty=True))
    portfolio: Any = attrs.field(
        metadata=meta("A portfolio file, relative to the test file, or an inline portfolio.")
    )
    as_of: datetime.date | None = attrs.field(
        default=None, metadata=meta("The assessment date; default: the portfolio's as_of.")
    )
    expect: tuple[Any, ...] = attrs.field(default=(), metadata=meta("Expected findings."))
    expect_consequences: tuple[Any, ...] = attrs.field(
        default=(), metadata=meta("Expected sanctions and rewards.")
    )


# -- public API ------------------------------------------------------------------------------


def discover_tests(folder: str | os.PathLike[str]) -> list[FilePath]:
    """The test files of a framework folder: `tests/*.yaml` (and `*.yml`), by name.

    Example:
        >>> files = discover_tests("tests/fixtures/policytests/passing")
        >>> [path.name for path in files] == ["cases.yaml", "more.yaml"]
        True
    """
    tests = FilePath(os.fspath(folder)) / TESTS_FOLDER
    try:
        if not tests.is_dir():
            return []
        return sorted(
            (entry for entry in tests.iterdir() if entry.suffix in _SUFFIXES and entry.is_file()),
            key=lambda entry: entry.name,
        )
    except (OSError, ValueError):  # a name too long, no permission: as if there were none
        return []


def load_tests(
    framework: Framework,
    files: Iterable[str | os.PathLike[str]],
    *,
    limits: LoadLimits = DEFAULT_LIMITS,
    folder: str | os.PathLike[str] | None = None,
) -> tuple[PolicyTest, ...]:
    """Read and check test files against a framework; every problem is raised at once.

    The portfolio files the cases name are read under the paths rule of the framework folder
    (`accountframe.load.paths`): a path outside it is an `af-path` problem, and the file is not
    opened.

    Args:
        framework: The framework the cases name policies of.
        files: The test files, in the order their cases run.
        limits: Bounds on each file read (test files and portfolio files), and
            `allow_read`, folders outside the framework folder that may be read too.
        folder: The framework folder the test files were found in (`discover_tests`): each
            must lie in it, symlinks resolved. Default: the files are the caller's own, and
            each one's framework folder is the folder holding its `tests/` folder (or its own).

    Returns:
        Every case of every file, in order, ready to `run`.

    Raises:
        FrameworkError: every problem of every file, each located `file:line:col`.

    Example:
        >>> fw = load_framework("tests/fixtures/policytests/invalid")
        >>> try:
        ...     load_tests(fw, ["tests/fixtures/policytests/invalid/tests/other.yaml"])
        ... except FrameworkError as error:
        ...     for diagnostic in error.diagnostics:
        ...         print(diagnostic.location.line, diagnostic.code, diagnostic.message)
        1 af-missing missing required key 'tests' (a list of cases)
        1 af-key unknown key 'tset'; a test file holds only `tests:`, a list of cases
    """
    loader = _TestLoader(framework, limits, None if folder is None else FilePath(os.fspath(folder)))
    cases = [case for file in files for case in loader.file(shown(FilePath(os.fspath(file))))]
    if loader.diagnostics:
        raise FrameworkError(dict.fromkeys(loader.diagnostics))
    return tuple(cases)


def run_tests(
    framework: Framework | str | os.PathLike[str],
    test_files: Iterable[str | os.PathLike[str]] | None = None,
    *,
    keyword: str | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
    inherited: bool = False,
) -> TestReport:
    """Run a framework's policy tests and measure which policies they exercise.

    Args:
        framework: A framework folder (or its `framework.yaml`), the name of a bundled
            framework, or a `Framework` (then `test_files` must be given).
        test_files: The test files to run; default: the folder's `tests/*.yaml`.
        keyword: Run only the cases whose name contains this text (ignoring case).
        limits: Bounds on each file read.
        inherited: Also run the tests of the frameworks it extends (their `tests/*.yaml`,
            up the `extends` chain), against this framework: what the base promised must
            still hold, or the difference is shown. A base case that names a policy this
            framework removed is a problem of that test file.

    Returns:
        A `TestReport`; `report.passed` says whether every case passed.

    Raises:
        FrameworkError: the framework or a test file is invalid (every problem, located).
        CelCompileError: an expression of the framework does not compile.
        UsageError: there are no tests, no case matches `keyword`, or no bundled
            framework has that name.

    Example:
        >>> run_tests("tests/fixtures/policytests/failing").failures[0].name
        'the wrong status, person and message'
        >>> run_tests("tests/fixtures/policytests/passing", keyword="no such case")
        Traceback (most recent call last):
        ...
        accountframe.errors.UsageError: no case name contains 'no such case' (3 cases in 2 files)
    """
    fw, folder = resolve_framework(framework, limits)
    if test_files is not None:
        files = [FilePath(os.fspath(file)) for file in test_files]
    elif folder is not None:
        files = discover_tests(folder)
        if inherited:
            files += [file for base in base_folders(folder) for file in discover_tests(base)]
        if not files:
            where = shown(folder / TESTS_FOLDER)
            raise UsageError(f"no policy tests: {where} holds no *.yaml files")
    else:
        raise UsageError("give test_files with a Framework object: it does not know its folder")
    compile(fw)  # compile first: a broken expression is a framework problem
    # Inherited test files are read under their own framework folder's paths rule.
    own = folder if test_files is None and not inherited else None
    cases = load_tests(fw, files, limits=limits, folder=own)
    selected = [c for c in cases if keyword is None or keyword.casefold() in c.name.casefold()]
    if not selected and keyword is not None:
        raise UsageError(
            f"no case name contains {keyword!r} "
            f"({quantity(len(cases), 'case')} in {quantity(len(files), 'file')})"
        )
    results = tuple(case.run(fw) for case in selected)
    reached: dict[str, set[str]] = {}
    for result in results:
        for expectation in result.expectations:
            reached.setdefault(expectation.policy, set()).add(expectation.status)
    ids = [policy.id for policy in fw.policies]
    return TestReport(
        framework=fw.name,
        version=fw.version,
        files=tuple(str(shown(file)) for file in files),
        cases=results,
        coverage={policy: frozenset(reached[policy]) for policy in ids if policy in reached},
        untested=tuple(policy for policy in ids if policy not in reached),
        deselected=len(cases) - len(selected),
    )


def resolve_framework(
    framework: Framework | str | os.PathLike[str], limits: LoadLimits
) -> tuple[Framework, FilePath | None]:
    """The framework (a `Framework`, a folder, or a bundled framework's name), and its folder
    when it has one."""
    if isinstance(framework, Framework):
        return framework, None
    given = FilePath(os.fspath(framework))
    if not _exists(given) and isinstance(framework, str) and os.sep not in framework:
        # A bare name that is not a path: a bundled framework (UsageError if there is none).
        folder = bundled_folder_of(framework)
        if folder is None:
            bundled(framework)  # raises, naming the bundled frameworks there are
        else:
            given = folder
    folder = given.parent if given.name == FRAMEWORK_FILE else given
    return load_framework(given, limits=limits), shown(folder)


def base_folders(folder: str | os.PathLike[str]) -> list[FilePath]:
    """The folders of the frameworks `folder`'s framework extends, nearest first (a folder
    `extends` names relative to its `framework.yaml`, else a bundled framework). The chain is
    the one loading the framework checked; it is read again here, stopping at a loop.

    Example:
        >>> [p.name for p in base_folders("tests/fixtures/policytests/inheriting")]
        ['passing', 'base']
    """
    found: list[FilePath] = []
    current = FilePath(os.fspath(folder))
    while True:
        try:
            header = yaml.safe_load((current / FRAMEWORK_FILE).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return found
        extends = header.get("extends") if isinstance(header, dict) else None
        if not isinstance(extends, str):
            return found
        base = FilePath(os.path.normpath(current / extends))
        if base.name == FRAMEWORK_FILE:
            base = base.parent
        if not (base / FRAMEWORK_FILE).is_file():
            named = bundled_folder_of(extends)
            if named is None:
                return found
            base = named
        if base.resolve() in {f.resolve() for f in [FilePath(os.fspath(folder)), *found]}:
            return found
        found.append(shown(base))
        current = base


def _exists(path: FilePath) -> bool:
    """`path.exists()`, False for a path the OS cannot take (too long, a NUL byte): the
    loader then says what is wrong with it, located."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def shown(path: FilePath) -> FilePath:
    """A path as messages show it: relative to the working folder when it is inside it."""
    if path.is_absolute():
        try:
            return path.relative_to(FilePath.cwd())
        except ValueError:
            return path
    return path


# -- checking test files ---------------------------------------------------------------------


class _TestLoader:
    """Reads test files, collecting every problem; a portfolio file is read once."""

    def __init__(
        self, framework: Framework, limits: LoadLimits, folder: FilePath | None = None
    ) -> None:
        self.framework = framework
        self.limits = limits
        #: The framework folder the test files belong to; None: each file's own (the folder
        #: holding its `tests/` folder).
        self.folder = folder
        self.rule: ReadRule | None = None
        self.policies: dict[str, Policy] = {policy.id: policy for policy in framework.policies}
        self.diagnostics: list[Diagnostic] = []
        self.portfolios: dict[FilePath, Portfolio | None] = {}

    def rule_for(self, test_file: FilePath) -> ReadRule:
        """The paths rule of the framework folder `test_file` belongs to."""
        folder = self.folder
        if folder is None:
            folder = test_file.parent
            if folder.name == TESTS_FOLDER:
                folder = folder.parent
        return read_rule(folder, self.limits)

    def report(self, document: Document, code: str, message: str, path: Path) -> None:
        self.diagnostics.append(document.diagnostic(Problem(code, message, path)))

    def file(self, path: FilePath) -> list[PolicyTest]:
        self.rule = self.rule_for(path)
        # A test file found in the framework folder must lie in it; one the caller named is
        # the caller's own.
        refusal = self.rule.refusal(path) if self.folder is not None else None
        if refusal is not None:  # a test file linked from elsewhere: never opened
            self.diagnostics.append(Diagnostic("af-path", refusal, Location(file=str(path))))
            return []
        try:
            document = read_document(path, limits=self.limits, error=FrameworkError)
        except FrameworkError as error:
            self.diagnostics.extend(error.diagnostics)
            return []
        self.diagnostics.extend(document.diagnostic(problem) for problem in document.problems)
        data = document.data
        for key in data:
            if key != "tests":
                name = str(key)
                self.diagnostics.append(
                    document.diagnostic(
                        Problem(
                            "af-key",
                            f"unknown key {name!r}{did_you_mean(name, ['tests'])}; a test file "
                            "holds only `tests:`, a list of cases",
                            (name,),
                            at_key=True,
                        )
                    )
                )
        entries = data.get("tests")
        if "tests" not in data:
            self.report(
                document, "af-missing", "missing required key 'tests' (a list of cases)", ()
            )
            return []
        if not isinstance(entries, list) or not entries:
            found = "an empty list" if isinstance(entries, list) else describe(entries)
            self.report(document, "af-value", f"expected a list of cases (got {found})", ("tests",))
            return []
        cases: list[PolicyTest] = []
        names: dict[str, int] = {}
        for index, entry in enumerate(entries):
            case = self.case(document, ("tests", index), entry, names)
            if case is not None:
                cases.append(case)
        return cases

    def case(
        self, document: Document, path: Path, entry: Any, names: dict[str, int]
    ) -> PolicyTest | None:
        if not isinstance(entry, Mapping):
            self.report(
                document,
                "af-value",
                "expected a case: a mapping with name, portfolio and expect "
                f"(got {describe(entry)})",
                path,
            )
            return None
        before = len(self.diagnostics)
        spec, problems = structure(_CaseEntry, entry, path)
        self.diagnostics.extend(document.diagnostic(problem) for problem in problems)
        # The parts below are checked from the raw entry too, so that one problem in a case
        # does not hide the others.
        name = entry.get("name")
        if isinstance(name, str) and name in names:
            self.report(
                document,
                "af-duplicate",
                f"duplicate case name {name!r} (first at tests[{names[name]}])",
                (*path, "name"),
            )
        elif isinstance(name, str):
            names[name] = int(path[-1])
        portfolio = (
            self.portfolio(document, (*path, "portfolio"), entry["portfolio"])
            if "portfolio" in entry
            else None
        )
        expectations = [
            *self.expectations(document, path, "expect", entry, portfolio),
            *self.expectations(document, path, "expect_consequences", entry, portfolio),
        ]
        if spec is None:
            return None
        if not spec.expect and not spec.expect_consequences:
            self.report(
                document,
                "af-missing",
                "a case needs at least one expectation, under expect or expect_consequences",
                path,
            )
        as_of = spec.as_of or (portfolio.as_of if portfolio is not None else None)
        # An as_of that YAML could not read is already reported; do not call it missing too.
        if as_of is None and portfolio is not None and "as_of" not in entry:
            self.report(
                document,
                "af-missing",
                "missing 'as_of': give it here or in the portfolio, so that the case does not "
                "depend on today's date",
                path,
            )
        if portfolio is None or as_of is None or len(self.diagnostics) > before:
            return None
        return PolicyTest(
            name=spec.name,
            file=document.file,
            line=document.locate(path).line,
            portfolio=portfolio,
            as_of=as_of,
            expectations=tuple(expectations),
        )

    def portfolio(self, document: Document, path: Path, value: Any) -> Portfolio | None:
        if isinstance(value, Mapping):
            portfolio, problems = structure_portfolio(value)
            for problem in problems:
                located = attrs.evolve(problem, path=(*path, *problem.path))
                self.diagnostics.append(document.diagnostic(located))
            return portfolio if not problems else None
        if not isinstance(value, str) or not value.strip():
            self.report(
                document,
                "af-value",
                "expected a portfolio file (a path relative to this test file) or an inline "
                f"portfolio mapping (got {describe(value)})",
                path,
            )
            return None
        file = FilePath(document.file).parent / value
        refusal = self.rule.refusal(file) if self.rule is not None else None
        if refusal is not None:  # never opened: none of its lines can reach a message
            self.report(document, "af-path", f"portfolio file {refusal}", path)
            return None
        try:
            found = file.is_file()
        except (OSError, ValueError) as error:  # a name too long for the OS, ...
            reason = getattr(error, "strerror", None) or str(error)
            self.report(document, "af-io", f"portfolio file {value!r}: {reason}", path)
            return None
        if not found:
            self.missing_portfolio(document, path, value, file)
            return None
        if file not in self.portfolios:
            # Read once however many cases share it; its problems are reported once, too.
            try:
                portfolio_document = read_document(file, limits=self.limits, error=PortfolioError)
                self.portfolios[file] = portfolio_from_document(portfolio_document)
            except LoadError as error:  # every problem, located in the portfolio file
                self.diagnostics.extend(error.diagnostics)
                self.portfolios[file] = None
        return self.portfolios[file]

    def missing_portfolio(self, document: Document, path: Path, value: str, file: FilePath) -> None:
        try:
            folder = file.is_dir()
            nearby = file.parent
            candidates = (
                [str(FilePath(value).parent / entry.name) for entry in nearby.iterdir()]
                if nearby.is_dir() and not folder
                else []
            )
        except (OSError, ValueError):  # the folder cannot be listed: no suggestion
            folder, candidates = False, []
        reason = "is a folder, not a file" if folder else "does not exist"
        hint = did_you_mean(value, [c for c in candidates if FilePath(c).suffix in _SUFFIXES])
        self.report(
            document,
            "af-io",
            f"portfolio file {value!r} {reason} (looked for {file}){hint}",
            path,
        )

    def expectations(
        self,
        document: Document,
        case_path: Path,
        key: str,
        case: Mapping[str, Any],
        portfolio: Portfolio | None,
    ) -> list[Expectation]:
        entries = case.get(key)
        if not isinstance(entries, list):
            return []  # absent, or reported as not a list when the case was structured
        consequence = key == "expect_consequences"
        cls: type[_ExpectEntry | _ConsequenceEntry] = (
            _ConsequenceEntry if consequence else _ExpectEntry
        )
        found: list[Expectation] = []
        for index, entry in enumerate(entries):
            path = (*case_path, key, index)
            if not isinstance(entry, Mapping):
                self.report(
                    document,
                    "af-value",
                    f"expected a mapping with policy, subject and status (got {describe(entry)})",
                    path,
                )
                continue
            spec, problems = structure(cls, entry, path)
            self.diagnostics.extend(document.diagnostic(problem) for problem in problems)
            policy, subject, accountable = (
                value if isinstance(value := entry.get(name), str) else None
                for name in ("policy", "subject", "accountable")
            )
            if policy is not None:
                self.check_policy(document, path, policy, consequence)
            if subject is not None and portfolio is not None:
                self.check_subject(document, path, policy, subject, portfolio)
            if accountable is not None and portfolio is not None and not consequence:
                people = [person.id for person in portfolio.people]
                if accountable not in people:
                    self.report(
                        document,
                        "af-reference",
                        f"accountable {accountable!r} is not a person in this case's portfolio"
                        f"{did_you_mean(accountable, people)}",
                        (*path, "accountable"),
                    )
            if spec is not None:
                found.append(
                    Expectation(
                        policy=spec.policy,
                        subject=spec.subject,
                        status=spec.status.value,
                        accountable=getattr(spec, "accountable", None),
                        message_contains=getattr(spec, "message_contains", None),
                        exposure=getattr(spec, "exposure", None),
                        amount=getattr(spec, "amount", None),
                        consequence=consequence,
                        line=document.locate(path).line,
                    )
                )
        return found

    def check_policy(
        self, document: Document, path: Path, policy_id: str, consequence: bool
    ) -> None:
        policy = self.policies.get(policy_id)
        if policy is None:
            self.report(
                document,
                "af-reference",
                f"no policy {policy_id!r} in {self.framework.name}"
                f"{did_you_mean(policy_id, self.policies)}",
                (*path, "policy"),
            )
        elif isinstance(policy, ConsequencePolicy) and not consequence:
            self.report(
                document,
                "af-value",
                f"{policy_id} is a {policy.kind}: expect its status under expect_consequences",
                (*path, "policy"),
            )
        elif consequence and not isinstance(policy, ConsequencePolicy):
            self.report(
                document,
                "af-value",
                f"{policy_id} is a {policy.kind} policy, not a sanction or reward: expect its "
                "status under expect",
                (*path, "policy"),
            )

    def check_subject(
        self,
        document: Document,
        path: Path,
        policy_id: str | None,
        subject: str,
        portfolio: Portfolio,
    ) -> None:
        contracts = [contract.id for contract in portfolio.contracts]
        people = [person.id for person in portfolio.people]
        policy = self.policies.get(policy_id) if policy_id is not None else None
        if policy is not None and policy.scope is Scope.ORGANISATION:
            if subject not in (portfolio.organisation, "organisation"):
                self.report(
                    document,
                    "af-reference",
                    f"{policy_id} is about the organisation: its subject is the organisation's "
                    f"name ({portfolio.organisation!r}) or the word 'organisation' "
                    f"(got {subject!r})",
                    (*path, "subject"),
                )
        elif subject not in contracts and subject not in people:
            self.report(
                document,
                "af-reference",
                f"subject {subject!r} is neither a contract nor a person in this case's "
                f"portfolio{did_you_mean(subject, [*contracts, *people])}",
                (*path, "subject"),
            )
        elif policy is not None and policy.scope is Scope.PERSON and subject not in people:
            self.report(
                document,
                "af-reference",
                f"{policy_id} is about people, and {subject!r} is a contract"
                f"{did_you_mean(subject, people)}",
                (*path, "subject"),
            )
        elif policy is not None and policy.scope is Scope.CONTRACT and subject not in contracts:
            self.report(
                document,
                "af-reference",
                f"{policy_id} is about contracts, and {subject!r} is a person"
                f"{did_you_mean(subject, contracts)}",
                (*path, "subject"),
            )
