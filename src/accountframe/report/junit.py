"""The `junit` format: JUnit XML, so that CI systems show an assessment as test results.

`testsuites` holds one `testsuite` per policy (in report order), each holding one `testcase` per
finding (`classname` the policy id, `name` the subject id). `fail` gives a `<failure>`, `error`
an `<error>`, `waived` and `not_applicable` a `<skipped>`; `pass` and `warn` pass (a warning is
written to `<system-out>`). No timestamps or times: the same assessment gives the same bytes.
Every text and attribute from the data goes through `accountframe.sanitise.xml_text`, so the
document is well-formed XML 1.0 whatever the data holds (a control character is shown as an
escape, `\\x1b`).

Example:
    >>> import datetime
    >>> from accountframe.assessment import Assessment
    >>> empty = Assessment(
    ...     framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry of Example", portfolio_digest="0" * 64,
    ...     as_of=datetime.date(2026, 11, 25), generated_by="accountframe 0", findings=(),
    ... )
    >>> text = render(empty)
    >>> text.splitlines()[0]
    '<?xml version="1.0" encoding="UTF-8"?>'
    >>> ET.fromstring(text).attrib["tests"], ET.fromstring(text).attrib["name"]
    ('0', 'demo 1: Ministry of Example as of 2026-11-25')
"""

from __future__ import annotations

import collections
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from accountframe.assessment import Assessment, Finding, Status
from accountframe.report._common import accountable_text, date_text, exposure_text
from accountframe.sanitise import xml_text

__all__ = ["DECLARATION", "case_element", "counts", "name", "render"]

_SKIPPED = (Status.WAIVED, Status.NOT_APPLICABLE)
#: The document's first line.
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def render(assessment: Assessment) -> str:
    """The assessment as a JUnit XML document (UTF-8 declared, indented, newline-terminated)."""
    suites: dict[str, list[Finding]] = {}
    for finding in assessment.findings:
        suites.setdefault(finding.policy, []).append(finding)
    root = ET.Element(
        "testsuites",
        counts(
            name(assessment),
            collections.Counter(finding.status for finding in assessment.findings),
        ),
    )
    for policy, findings in suites.items():
        tally = collections.Counter(finding.status for finding in findings)
        suite = ET.SubElement(root, "testsuite", counts(xml_text(policy), tally))
        suite.extend(case_element(finding) for finding in findings)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return DECLARATION + body + "\n"


def name(assessment: Assessment) -> str:
    """The `name` of the `testsuites` element."""
    return xml_text(
        f"{assessment.framework} {assessment.framework_version}: "
        f"{assessment.organisation} as of {assessment.as_of}"
    )


def counts(name: str, statuses: Mapping[Status, int]) -> dict[str, str]:
    """The attributes of a `testsuites` or `testsuite` element of findings with `statuses`
    (how many of each status)."""
    # Attribute order is insertion order (ElementTree keeps it), so the output is stable.
    return {
        "name": name,
        "tests": str(sum(statuses.values())),
        "failures": str(statuses.get(Status.FAIL, 0)),
        "errors": str(statuses.get(Status.ERROR, 0)),
        "skipped": str(sum(statuses.get(status, 0) for status in _SKIPPED)),
    }


def case_element(finding: Finding) -> ET.Element:
    """The `testcase` element of one finding."""
    attributes = {"classname": xml_text(finding.policy), "name": xml_text(finding.subject.id)}
    case = ET.Element("testcase", attributes)
    at_stake = f" (at stake: {exposure_text(finding)})" if finding.exposure is not None else ""
    message = xml_text(finding.message + at_stake)
    details = xml_text(
        "\n".join(
            line
            for line in (
                f"{finding.subject.type} {finding.subject.id}: {finding.message}",
                f"severity: {finding.severity.value}",
                f"accountable: {accountable_text(finding.accountable)}",
                f"due: {date_text(finding.due)}" if finding.due else "",
                f"at stake: {exposure_text(finding)}" if finding.exposure is not None else "",
            )
            if line
        )
    )
    if finding.status is Status.FAIL:
        failure = ET.SubElement(
            case, "failure", {"message": message, "type": finding.severity.value}
        )
        failure.text = details
    elif finding.status is Status.ERROR:
        error = ET.SubElement(case, "error", {"message": message, "type": "error"})
        error.text = details
    elif finding.status is Status.WAIVED:
        waiver = finding.waiver
        reason = f"waived ({waiver.original_status.value}): {waiver.reason}" if waiver else "waived"
        reason += at_stake
        ET.SubElement(case, "skipped", {"message": xml_text(reason)})
    elif finding.status is Status.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", {"message": f"not applicable: {message}"})
    elif finding.status is Status.WARN:
        ET.SubElement(case, "system-out").text = f"warn: {details}"
    return case
