"""The `markdown` format: an assessment as a board paper, in GitHub-flavoured Markdown.

Page one is a summary a board can read in a minute: the headline counts, the top risks (the
worst open findings), who should be worried, and the consequences due. After it come the
exceptions only (findings that are `error`, `fail`, `warn` or `waived`; passes are counted,
not listed), grouped by accountable person, worst first, then the unused waivers. It reads
as plain text too: short lines of prose, and tables with a header row.

Text from the data, in table cells and headings, goes through
`accountframe.sanitise.markdown_inline`: `|`, `\\` and HTML characters cannot break the table,
`[` and `]` cannot make a link or an image, control characters are shown as escapes
(`\\x1b`), and line breaks become `<br>`.

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

import datetime
from collections.abc import Iterable, Mapping, Sequence

from accountframe.assessment import Assessment, ConsequenceStatus, Finding, Status
from accountframe.framework.policies import Severity
from accountframe.model import Portfolio
from accountframe.report._common import (
    EXCEPTIONS,
    accountable_text,
    action_text,
    amount_text,
    concerns,
    contract_exposure_text,
    date_text,
    days_overdue,
    exposure_text,
    money_text,
    person_exposure_text,
    person_heading,
    policy_text,
    since_text,
    subject_text,
    top_risks,
    worst_first,
)
from accountframe.sanitise import markdown_inline

__all__ = ["SUMMARY_ROWS", "escape", "render"]

#: Rows at most in each table of the one-page summary; the rest are in the exceptions.
SUMMARY_ROWS = 5


def escape(text: str) -> str:
    """Text made safe for a GitHub-flavoured Markdown table cell or heading.

    `accountframe.sanitise.markdown_inline`: the one Markdown sanitiser, which the generated
    framework documentation uses too.
    """
    return markdown_inline(text)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: int = -1) -> list[str]:
    """A Markdown table; column `right` (if any) is right-aligned (numbers)."""
    rule = ["---:" if index == right else "---" for index in range(len(headers))]
    lines = [_row(headers), _row(rule)]
    lines += [_row([escape(cell) for cell in row]) for row in rows]
    return lines


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(assessment: Assessment, portfolio: Portfolio | None = None) -> str:
    """The assessment as a Markdown board paper; with `portfolio`, contracts show their titles."""
    titles = {c.id: c.title for c in portfolio.contracts} if portfolio is not None else {}
    lines = [
        f"# Contract accountability assessment: {escape(assessment.organisation)}",
        "",
        f"Board paper as of **{assessment.as_of}**, against framework "
        f"**{escape(assessment.framework)} {escape(assessment.framework_version)}** "
        f"({escape(assessment.generated_by)}).",
        "",
        "## Summary",
        "",
        *_headline(assessment),
        "",
        "### Top risks",
        "",
        *_top_risks(assessment, titles),
        "### Who should be worried",
        "",
        *_worried(assessment),
        *_money(assessment),
        "### Consequences due",
        "",
        *_consequences(assessment),
        "## Exceptions",
        "",
        *_exceptions(assessment, titles),
        "## Unused waivers",
        "",
    ]
    if assessment.waivers_unused:
        lines += _table(
            ["policy", "subject", "reason"],
            [(w.policy, w.subject, w.reason) for w in assessment.waivers_unused],
        )
    else:
        lines += ["None."]
    return "\n".join(lines) + "\n"


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def _headline(assessment: Assessment) -> list[str]:
    counts = assessment.status_counts()
    contracts = len({f.subject.id for f in assessment.findings if f.subject.type == "contract"})
    people = len({f.subject.id for f in assessment.findings if f.subject.type == "person"})
    about = _count(contracts, "contract")
    if people:
        about += f" and {_count(people, 'person', 'people')}"
    open_ = ", ".join(f"{counts[s.value]} {s.value}" for s in (Status.FAIL, Status.ERROR))
    severities = assessment.failures_by_severity()
    by_severity = ", ".join(
        f"{severities[s.value]} {s.value}"
        for s in sorted(Severity, key=lambda s: -s.rank)
        if severities[s.value]
    )
    due = len(assessment.due)
    return [
        f"**{_count(len(assessment.findings), 'finding')}** on {about}: **{open_}**, "
        f"{counts['warn']} warn, {counts['waived']} waived, {counts['pass']} pass, "
        f"{counts['not_applicable']} not applicable.",
        "",
        f"Failures by severity: {by_severity or 'none'}.",
        "",
        f"Consequences due: **{due}** (of {_count(len(assessment.consequences), 'consequence')}"
        " assessed).",
    ]


def _more(total: int, shown: int, where: str) -> list[str]:
    return [f"And {total - shown} more: see {where}.", ""] if total > shown else []


def _top_risks(assessment: Assessment, titles: Mapping[str, str]) -> list[str]:
    risks = top_risks(assessment)
    if not risks:
        return ["None: no finding is error, fail or warn.", ""]
    rows = [
        (
            str(rank),
            _status_text(f),
            f.severity.value,
            policy_text(f.policy, assessment.bases),
            _subject(f, titles),
            accountable_text(f.accountable),
            str(days_overdue(f)) if days_overdue(f) else "",
        )
        for rank, f in enumerate(risks[:SUMMARY_ROWS], start=1)
    ]
    headers = ["#", "status", "severity", "policy", "subject", "accountable", "days overdue"]
    return [
        *_table(headers, rows, right=6),
        "",
        *_more(len(risks), len(rows), "Exceptions"),
    ]


def _worried(assessment: Assessment) -> list[str]:
    people = concerns(assessment)
    if not people:
        return ["No one: there are no open findings.", ""]
    rows = [
        (
            str(rank),
            concern.heading,
            f"{concern.worst.status.value} {concern.worst.severity.value} "
            f"{concern.worst.policy} on {subject_text(concern.worst.subject)}",
            str(concern.count(Status.ERROR)),
            str(concern.count(Status.FAIL)),
            str(concern.count(Status.WARN)),
            str(concern.most_days_overdue),
        )
        for rank, concern in enumerate(people[:SUMMARY_ROWS], start=1)
    ]
    headers = ["#", "accountable person", "worst open finding", "error", "fail", "warn"]
    headers.append("most days overdue")
    return [
        "Ordered by their open findings (error, fail, warn), worst first: the worst finding "
        "decides (status, then severity), then the next worst; then the most days overdue.",
        "",
        *_table(headers, rows, right=6),
        "",
        *_more(len(people), len(rows), "Exceptions"),
    ]


def _status_text(finding: Finding) -> str:
    if finding.waiver is not None:
        return f"{finding.status.value} ({finding.waiver.original_status.value})"
    return finding.status.value


def _subject(finding: Finding, titles: Mapping[str, str]) -> str:
    text = subject_text(finding.subject)
    title = titles.get(finding.subject.id) if finding.subject.type == "contract" else None
    return f"{text}: {title}" if title else text


def _exceptions(assessment: Assessment, titles: Mapping[str, str]) -> list[str]:
    counts = assessment.status_counts()
    lines = [
        "Only findings that are error, fail, warn or waived, by accountable person, worst "
        f"first; {counts['pass']} pass and {counts['not_applicable']} not applicable "
        "findings are not listed.",
        "",
    ]
    listed = False
    for person, findings in assessment.by_person().items():
        shown = [f for f in findings if f.status in EXCEPTIONS]
        if not shown:
            continue
        listed = True
        lines += [f"### {escape(person_heading(person, shown))}", ""]
        lines += _table(
            ["status", "severity", "policy", "subject", "message", "due"],
            [
                _finding_row(finding, titles, assessment.as_of, assessment.bases)
                for finding in worst_first(shown)
            ],
        )
        lines += [""]
    return lines if listed else [*lines, "None.", ""]


def _finding_row(
    finding: Finding,
    titles: Mapping[str, str],
    as_of: datetime.date,
    bases: Mapping[str, str],
) -> tuple[str, ...]:
    message = finding.message
    if finding.exposure is not None:
        message += f" (at stake: {exposure_text(finding)})"
    if finding.since is not None and finding.status in EXCEPTIONS:
        message += f"; {since_text(finding, as_of)}"
    if finding.waiver is not None:
        waiver = finding.waiver
        message += (
            f" (waived until {waiver.expires}, approved by {waiver.approved_by}: {waiver.reason})"
        )
    return (
        _status_text(finding),
        finding.severity.value,
        policy_text(finding.policy, bases),
        _subject(finding, titles),
        message,
        date_text(finding.due),
    )


def _money(assessment: Assessment) -> list[str]:
    """Money at stake: the total per currency, then by accountable person and by contract
    (largest first); nothing when no finding has an exposure."""
    totals = assessment.exposure
    if not totals:
        return []
    lines = [
        "### Money at stake",
        "",
        "The findings' exposure (what their policies say is at stake), summed per currency; "
        "waived findings are included, and counted apart.",
        "",
        *_table(
            ["currency", "total", "of which waived"],
            [
                (t.currency, money_text(t.total, t.currency), money_text(t.waived, t.currency))
                for t in totals
            ],
            right=1,
        ),
        "",
        "By accountable person:",
        "",
        *_table(
            ["accountable person", "currency", "at stake"],
            [
                (person_exposure_text(item), t.currency, money_text(item.amount, t.currency))
                for t in totals
                for item in t.by_person
            ],
            right=2,
        ),
        "",
        "By contract:",
        "",
        *_table(
            ["contract", "currency", "at stake"],
            [
                (contract_exposure_text(item), t.currency, money_text(item.amount, t.currency))
                for t in totals
                for item in t.by_contract
            ],
            right=2,
        ),
        "",
    ]
    return lines


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
