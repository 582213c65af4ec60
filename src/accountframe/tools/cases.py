"""Policy tests as loaded and run: cases (`PolicyTest`), what they expect (`Expectation`), what
they found (`CaseResult`, `Mismatch`) and the report of a run (`TestReport`, with coverage).

`accountframe.tools.policytest` reads the test files into these; see it for the file format.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from accountframe.assessment import ConsequenceStatus, Status
from accountframe.compiled import compile
from accountframe.errors import Location
from accountframe.framework.framework import Framework
from accountframe.model import Portfolio
from accountframe.report import pipelines
from accountframe.sanitise import xml_text

__all__ = ["CaseResult", "Expectation", "Mismatch", "PolicyTest", "TestReport", "quantity"]

_PASS_MARK, _FAIL_MARK = "✓", "✗"


@attrs.frozen(kw_only=True)
class Expectation:
    """One result a case expects: a policy's status for a subject, and optional extra checks.

    Attributes:
        policy: The policy id.
        subject: The contract id or person id the result is about.
        status: The expected status: a finding status, or a consequence status when
            `consequence` is true.
        accountable: The person id expected to own the finding, if the case says.
        message_contains: Text the finding's message must contain, if the case says.
        exposure: The money at stake the finding must carry (within 0.005), if the case says.
        amount: The amount the consequence must carry (within 0.005), if the case says.
        consequence: True for an entry of `expect_consequences`.
        line: The line of the test file the expectation is on.

    Example:
        >>> Expectation(policy="CAD-SRO", subject="EM-001", status="fail").label
        'CAD-SRO on EM-001'
    """

    policy: str
    subject: str
    status: str
    accountable: str | None = None
    message_contains: str | None = None
    consequence: bool = False
    exposure: float | None = None
    amount: float | None = None
    line: int | None = None

    @property
    def label(self) -> str:
        """`POLICY on SUBJECT`, as the failure diff names it."""
        return f"{self.policy} on {self.subject}"


@attrs.frozen(kw_only=True)
class Mismatch:
    """One way an actual result differs from an expectation.

    Attributes:
        expectation: The expectation that was not met.
        field: What differs: `status`, `accountable`, `message` `exposure` or `amount`.
        expected: What the case expects, as text.
        actual: What the assessment gave, as text.
    """

    expectation: Expectation
    field: str
    expected: str
    actual: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.expectation.policy,
            "subject": self.expectation.subject,
            "line": self.expectation.line,
            "field": self.field,
            "expected": self.expected,
            "actual": self.actual,
        }


@attrs.frozen(kw_only=True)
class CaseResult:
    """The outcome of one case: every mismatch between its expectations and the assessment.

    Example:
        >>> result = CaseResult(name="overdue", file="tests/cases.yaml", line=2)
        >>> result.passed, result.location
        (True, 'tests/cases.yaml:2')
    """

    name: str
    file: str
    line: int | None
    mismatches: tuple[Mismatch, ...] = ()
    expectations: tuple[Expectation, ...] = ()

    @property
    def passed(self) -> bool:
        """True exactly when every expectation was met."""
        return not self.mismatches

    @property
    def location(self) -> str:
        """`file:line` of the case."""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def diff(self) -> str:
        """Expected and actual for each mismatching expectation; empty when the case passed.

        Example:
            >>> expectation = Expectation(policy="R1", subject="C-1", status="pass", line=7)
            >>> mismatch = Mismatch(expectation=expectation, field="status", expected="pass",
            ...                     actual="fail")
            >>> print(CaseResult(name="n", file="t.yaml", line=3, mismatches=(mismatch,)).diff())
            R1 on C-1 (t.yaml:7)
              status: expected pass, got fail
        """
        lines: list[str] = []
        current: Expectation | None = None
        for mismatch in self.mismatches:
            if mismatch.expectation is not current:
                current = mismatch.expectation
                where = f"{self.file}:{current.line}" if current.line is not None else self.file
                lines.append(f"{current.label} ({where})")
            lines.append(f"  {mismatch.field}: expected {mismatch.expected}, got {mismatch.actual}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "line": self.line,
            "passed": self.passed,
            "mismatches": [mismatch.to_dict() for mismatch in self.mismatches],
        }


@attrs.frozen(kw_only=True)
class PolicyTest:
    """One checked case, ready to run against the framework it was checked against.

    Attributes:
        name: The case's name.
        file: The test file it is in.
        line: The line the case starts on.
        portfolio: The portfolio it assesses.
        as_of: The date it assesses on.
        expectations: What it expects, `expect` entries first.
    """

    name: str
    file: str
    line: int | None
    portfolio: Portfolio = attrs.field(repr=False, eq=False)
    as_of: datetime.date
    expectations: tuple[Expectation, ...]

    def run(self, framework: Framework) -> CaseResult:
        """Assess the portfolio and compare every expectation with the result.

        Example:
            >>> from accountframe.tools.policytest import load_framework, load_tests
            >>> fw = load_framework("tests/fixtures/policytests/passing")
            >>> case = load_tests(fw, ["tests/fixtures/policytests/passing/tests/cases.yaml"])[0]
            >>> case.run(fw).passed
            True
        """
        assessment = compile(framework).evaluate(self.portfolio, as_of=self.as_of)
        findings = {(f.policy, f.subject.id): f for f in assessment.findings}
        consequences = {(c.policy, c.subject.id): c for c in assessment.consequences}
        # An organisation-scope result may be expected by the word `organisation` too.
        findings |= {
            (f.policy, "organisation"): f
            for f in assessment.findings
            if f.subject.type == "organisation"
        }
        consequences |= {
            (c.policy, "organisation"): c
            for c in assessment.consequences
            if c.subject.type == "organisation"
        }
        mismatches: list[Mismatch] = []
        for expectation in self.expectations:
            key = (expectation.policy, expectation.subject)

            def differs(field: str, expected: str, actual: str, what: Expectation) -> None:
                mismatches.append(
                    Mismatch(expectation=what, field=field, expected=expected, actual=actual)
                )

            if expectation.consequence:
                consequence = consequences.get(key)
                actual = consequence.status.value if consequence else "no consequence"
                if actual != expectation.status:
                    differs("status", expectation.status, actual, expectation)
                wanted_amount = expectation.amount
                got = consequence.amount if consequence is not None else None
                # To the penny, as a finding's exposure.
                if wanted_amount is not None and (got is None or abs(got - wanted_amount) > 0.005):
                    differs(
                        "amount",
                        repr(wanted_amount),
                        "none" if got is None else repr(got),
                        expectation,
                    )
                continue
            finding = findings.get(key)
            if finding is None:
                differs("status", expectation.status, "no finding", expectation)
                continue
            if finding.status.value != expectation.status:
                differs("status", expectation.status, finding.status.value, expectation)
            person = finding.accountable.person
            if expectation.accountable is not None and person != expectation.accountable:
                actual_person = f"{person} ({finding.accountable.role})" if person else "no one"
                differs("accountable", expectation.accountable, actual_person, expectation)
            wanted = expectation.message_contains
            if wanted is not None and wanted not in finding.message:
                differs("message", f"to contain {wanted!r}", repr(finding.message), expectation)
            amount = expectation.exposure
            # To the penny: an author writes 416666.67 for a twelfth of 5,000,000.
            if amount is not None and (
                finding.exposure is None or abs(finding.exposure - amount) > 0.005
            ):
                actual_amount = "none" if finding.exposure is None else repr(finding.exposure)
                differs("exposure", repr(amount), actual_amount, expectation)
        return CaseResult(
            name=self.name,
            file=self.file,
            line=self.line,
            mismatches=tuple(mismatches),
            expectations=self.expectations,
        )


@attrs.frozen(kw_only=True)
class TestReport:
    """Every case run, and which policies and statuses the cases exercise.

    Attributes:
        framework: The framework's name.
        version: Its version.
        files: The test files read.
        cases: One result per case run, in file order.
        coverage: Policy id → the statuses its expectations name, for every policy some
            expectation names, in framework order.
        untested: The ids of the policies no expectation names, in framework order.
        deselected: How many cases the keyword left out.
    """

    __test__: ClassVar[bool] = False  # not a pytest test class, whatever its name says

    framework: str
    version: str
    files: tuple[str, ...]
    cases: tuple[CaseResult, ...]
    coverage: Mapping[str, frozenset[str]]
    untested: tuple[str, ...]
    deselected: int = 0

    @property
    def passed(self) -> bool:
        """True exactly when every case run passed."""
        return all(case.passed for case in self.cases)

    @property
    def failures(self) -> tuple[CaseResult, ...]:
        """The cases that failed, in file order."""
        return tuple(case for case in self.cases if not case.passed)

    def render(self) -> str:
        """The report as text: each case, the diff of each failure, coverage, the counts.

        Example:
            >>> from accountframe.tools.policytest import run_tests
            >>> report = run_tests("tests/fixtures/policytests/passing", keyword="spend")
            >>> print(report.render())  # doctest: +ELLIPSIS
            policytest-passing 1: 1 case in 2 files (2 deselected)
            ✓ overspending fails the spend rule (tests/.../passing/tests/more.yaml:3)
            <BLANKLINE>
            coverage: 1 of 4 policies exercised
              RULE-SPEND  fail
            untested: CAD-SRO, RULE-STRATEGIC, SAN-ESCALATE
            <BLANKLINE>
            1 passed
        """
        cases = quantity(len(self.cases), "case")
        files = quantity(len(self.files), "file")
        others = f" ({self.deselected} deselected)" if self.deselected else ""
        lines = [f"{self.framework} {self.version}: {cases} in {files}{others}"]
        for case in self.cases:
            mark = _PASS_MARK if case.passed else _FAIL_MARK
            lines.append(f"{mark} {case.name} ({case.location})")
            if not case.passed:
                lines.extend("    " + line for line in case.diff().splitlines())
        exercised = len(self.coverage)
        total = exercised + len(self.untested)
        lines += ["", f"coverage: {exercised} of {quantity(total, 'policy', 'policies')} exercised"]
        width = max((len(policy) for policy in self.coverage), default=0)
        for policy, statuses in self.coverage.items():
            lines.append(f"  {policy.ljust(width)}  {', '.join(_status_order(statuses))}")
        lines.append(f"untested: {', '.join(self.untested) or 'none'}")
        failed = len(self.failures)
        summary = f"{len(self.cases) - failed} passed" + (f", {failed} failed" if failed else "")
        lines += ["", summary]
        return "\n".join(lines)

    @property
    def coverage_percent(self) -> float:
        """The share of the framework's policies some expectation names, in percent (100.0
        for a framework without policies), rounded to one decimal.

        Example:
            >>> report = TestReport(framework="f", version="1", files=(), cases=(),
            ...                     coverage={"A": frozenset({"pass"})}, untested=("B", "C"))
            >>> report.coverage_percent
            33.3
        """
        total = len(self.coverage) + len(self.untested)
        return round(100 * len(self.coverage) / total, 1) if total else 100.0

    def annotations(self) -> list[pipelines.Annotation]:
        """An annotation for each failing case, at the first expectation it did not meet (or
        at the case), with the case's diff: for `--format sarif|github`."""
        found = []
        for case in self.failures:
            line = next(
                (m.expectation.line for m in case.mismatches if m.expectation.line is not None),
                case.line,
            )
            found.append(
                pipelines.Annotation(
                    level="error",
                    rule="policy-test",
                    message=f"{case.name}\n{case.diff()}",
                    location=Location(file=case.file, line=line),
                    title=f"policy test failed: {case.name}",
                )
            )
        return found

    def to_junit(self) -> str:
        """The run as JUnit XML: one test suite per test file, one test case per case, a
        failing case with a `<failure>` holding its diff. No times: the same run gives the
        same bytes.

        Example:
            >>> from accountframe.tools.policytest import run_tests
            >>> report = run_tests("tests/fixtures/policytests/passing", keyword="spend")
            >>> print(report.to_junit().splitlines()[1])
            <testsuites name="policytest-passing 1" tests="1" failures="0" errors="0" skipped="0">
        """
        failed = len(self.failures)
        root = ET.Element(
            "testsuites",
            name=xml_text(f"{self.framework} {self.version}"),
            tests=str(len(self.cases)),
            failures=str(failed),
            errors="0",
            skipped="0",
        )
        by_file: dict[str, list[CaseResult]] = {}
        for case in self.cases:
            by_file.setdefault(case.file, []).append(case)
        for file, cases in by_file.items():
            suite = ET.SubElement(
                root,
                "testsuite",
                name=xml_text(file),
                tests=str(len(cases)),
                failures=str(sum(1 for case in cases if not case.passed)),
                errors="0",
                skipped="0",
            )
            for case in cases:
                element = ET.SubElement(
                    suite, "testcase", classname=xml_text(file), name=xml_text(case.name)
                )
                if not case.passed:
                    failure = ET.SubElement(
                        element,
                        "failure",
                        message=xml_text(f"{len(case.mismatches)} expectation(s) not met"),
                        type="mismatch",
                    )
                    failure.text = xml_text(case.diff())
        ET.indent(root)
        body = ET.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (statuses in status order)."""
        return {
            "framework": {"name": self.framework, "version": self.version},
            "passed": self.passed,
            "coverage_percent": self.coverage_percent,
            "files": list(self.files),
            "cases": [case.to_dict() for case in self.cases],
            "coverage": {p: _status_order(s) for p, s in self.coverage.items()},
            "untested": list(self.untested),
            "deselected": self.deselected,
        }


def _status_order(statuses: Iterable[str]) -> list[str]:
    order = [status.value for status in Status] + [s.value for s in ConsequenceStatus]
    return sorted(set(statuses), key=lambda status: (order.index(status), status))


def quantity(number: int, singular: str, plural: str | None = None) -> str:
    """`1 case`, `2 cases`; `plural` for a word that does not take an s.

    >>> quantity(2, "policy", "policies")
    '2 policies'
    """
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"
