"""The `markdown` format: an assessment for board papers, as GitHub-flavoured Markdown.

A title, a summary of counts, then the failures and errors grouped by accountable person (worst
first), the consequences due and the unused waivers. Text in table cells is escaped: `|`, `\\`
and HTML characters cannot break the table, and line breaks become `<br>`.

Example:
    >>> import datetime
    >>> from accountframe.assessment import Assessment
    >>> empty = Assessment(
    ...     framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry of Example", portfolio_digest="0" * 64,
    ...     as_of=datetime.date(2026, 11, 25), generated_by="accountframe 0", findings=(),
    ... )
    >>> print(render(empty).splitlines()[0])
    # Contract accountability assessment: Ministry of Example
    >>> escape("a | b <c>")
    'a \\\\| b &lt;c&gt;'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from accountframe.assessment import Assessment, ConsequenceStatus, Finding, Status
from accountframe.policy import Severity
from accountframe.report._common import (
    accountable_text,
    action_text,
    amount_text,
    date_text,
    person_heading,
    subject_text,
    worst_first,
)

__all__ = ["escape", "render"]


def escape(text: str) -> str:
    """Text made safe for a GitHub-flavoured Markdown table cell or heading."""
    for raw, safe in (("\\", "\\\\"), ("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|")):
        text = text.replace(raw, safe)
    return "<br>".join(line.strip() for line in text.splitlines()) if "\n" in text else text


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: int = -1) -> list[str]:
    """A Markdown table; column `right` (if any) is right-aligned (numbers)."""
    rule = ["---:" if index == right else "---" for index in range(len(headers))]
    lines = [_row(headers), _row(rule)]
    lines += [_row([escape(cell) for cell in row]) for row in rows]
    return lines


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(assessment: Assessment) -> str:
    """The assessment as a Markdown document for a board paper."""
    lines = [
        f"# Contract accountability assessment: {escape(assessment.organisation)}",
        "",
        f"As of **{assessment.as_of}**, against framework **{escape(assessment.framework)} "
        f"{escape(assessment.framework_version)}** ({escape(assessment.generated_by)}).",
        "",
        "## Summary",
        "",
    ]
    counts = assessment.status_counts()
    ordered = sorted(Status, key=lambda status: -status.badness)
    lines += _table(
        ["status", "findings"],
        [*((s.value, str(counts[s.value])) for s in ordered), ("total", str(sum(counts.values())))],
        right=1,
    )
    by_severity = assessment.failures_by_severity()
    lines += [""]
    lines += _table(
        ["severity", "failures"],
        [(s.value, str(by_severity[s.value])) for s in sorted(Severity, key=lambda s: -s.rank)],
        right=1,
    )
    lines += ["", "## Failures and errors by accountable person", ""]
    lines += _failures(assessment)
    lines += ["## Consequences due", ""]
    lines += _consequences(assessment)
    lines += ["## Unused waivers", ""]
    if assessment.waivers_unused:
        lines += _table(
            ["policy", "subject", "reason"],
            [(w.policy, w.subject, w.reason) for w in assessment.waivers_unused],
        )
    else:
        lines += ["None."]
    return "\n".join(lines) + "\n"


def _failures(assessment: Assessment) -> list[str]:
    lines: list[str] = []
    for person, findings in assessment.by_person().items():
        serious = [f for f in findings if f.status in (Status.ERROR, Status.FAIL)]
        if not serious:
            continue
        lines += [f"### {escape(person_heading(person, serious))}", ""]
        lines += _table(
            ["status", "severity", "policy", "subject", "message", "due"],
            [_finding_row(finding) for finding in worst_first(serious)],
        )
        lines += [""]
    return lines or ["None.", ""]


def _finding_row(finding: Finding) -> tuple[str, ...]:
    return (
        finding.status.value,
        finding.severity.value,
        finding.policy,
        subject_text(finding.subject),
        finding.message,
        date_text(finding.due),
    )


def _consequences(assessment: Assessment) -> list[str]:
    shown = [
        c
        for c in assessment.consequences
        if c.status in (ConsequenceStatus.DUE, ConsequenceStatus.ERROR)
    ]
    if not shown:
        return ["None.", ""]
    rows = [
        (
            c.status.value,
            c.policy,
            subject_text(c.subject),
            action_text(c),
            amount_text(c),
            accountable_text(c.accountable),
            date_text(c.due),
        )
        for c in shown
    ]
    headers = ["status", "policy", "subject", "action", "amount", "who must apply it", "due"]
    return [*_table(headers, rows, right=4), ""]
