"""The `table` format: an assessment for a terminal, grouped by accountable person, worst first.

`render` gives plain text (no colour, 100 columns) so that the same assessment always gives the
same bytes; `renderable` gives the same content as a `rich` renderable that a terminal prints in
colour (one colour per status).

Example:
    >>> import datetime
    >>> from accountframe.assessment import Assessment
    >>> empty = Assessment(
    ...     framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry of Example", portfolio_digest="0" * 64,
    ...     as_of=datetime.date(2026, 11, 25), generated_by="accountframe 0", findings=(),
    ... )
    >>> print(render(empty), end="")
    Ministry of Example: assessment as of 2026-11-25
    framework demo 1
    0 findings: 0 error, 0 fail, 0 warn, 0 waived, 0 pass, 0 not_applicable
    <BLANKLINE>
    No findings.
    <BLANKLINE>
    Consequences due: none.
    <BLANKLINE>
    Unused waivers: none.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from accountframe.assessment import Assessment, ConsequenceStatus, Finding, Status
from accountframe.report._common import (
    accountable_text,
    action_text,
    amount_text,
    date_text,
    person_heading,
    subject_text,
    worst_first,
)

__all__ = ["STATUS_STYLES", "WIDTH", "render", "renderable"]

#: Columns of the plain-text rendering.
WIDTH = 100

#: The colour of each status on a terminal.
STATUS_STYLES: dict[str, str] = {
    Status.ERROR: "bold magenta",
    Status.FAIL: "bold red",
    Status.WARN: "yellow",
    Status.WAIVED: "cyan",
    Status.PASS: "green",
    Status.NOT_APPLICABLE: "dim",
    ConsequenceStatus.DUE: "bold red",
    ConsequenceStatus.APPLIED: "green",
    ConsequenceStatus.NOT_TRIGGERED: "dim",
}
# ConsequenceStatus.ERROR has the same value as Status.ERROR, so it shares its style.


def render(assessment: Assessment) -> str:
    """The assessment as plain text, 100 columns wide: deterministic, no colour codes."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=WIDTH,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        legacy_windows=False,
        emoji=False,
        highlight=False,
        markup=False,
    )
    console.print(renderable(assessment))
    # Table cells are padded to the column width; trailing blanks are noise in files and diffs.
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def renderable(assessment: Assessment) -> RenderableType:
    """The assessment as a `rich` renderable, for printing in colour to a terminal."""
    parts: list[RenderableType] = [_headline(assessment), Text()]
    groups = assessment.by_person()
    if not groups:
        parts += [Text("No findings."), Text()]
    widths = _widths(assessment.findings)
    for person, findings in groups.items():
        heading = Text(person_heading(person, findings), style="bold")
        parts += [heading, _findings(findings, widths), Text()]
    parts += [_consequences(assessment), Text(), _waivers(assessment)]
    return Group(*parts)


def _widths(findings: Sequence[Finding]) -> dict[str, int]:
    """The same width for the short columns of every person's table, so that they line up."""
    statuses = [_status_text(f).plain for f in findings]
    return {
        "status": max(map(len, statuses), default=6),
        "severity": len("severity"),
        "policy": max((len(f.policy) for f in findings), default=6),
        "subject": max((len(subject_text(f.subject)) for f in findings), default=7),
        "due": len("YYYY-MM-DD"),
    }


def _headline(assessment: Assessment) -> Text:
    counts = assessment.status_counts()
    ordered = sorted(Status, key=lambda status: -status.badness)
    total = len(assessment.findings)
    text = Text(f"{assessment.organisation}: assessment as of {assessment.as_of}\n", style="bold")
    text.append(f"framework {assessment.framework} {assessment.framework_version}\n")
    text.append(f"{total} finding{'s' if total != 1 else ''}: ")
    for index, status in enumerate(ordered):
        if index:
            text.append(", ")
        count = counts[status.value]
        text.append(f"{count} {status.value}", style=STATUS_STYLES[status] if count else "")
    return text


def _table(*headers: str, widths: Mapping[str, int] | None = None) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for header in headers:
        # `fold` breaks a long id across lines instead of cutting it short with an ellipsis.
        table.add_column(
            header,
            overflow="fold",
            ratio=3 if header in _WIDE else None,
            min_width=(widths or {}).get(header),
        )
    return table


_WIDE = frozenset({"message", "action", "reason"})


def _styled(value: str) -> Text:
    return Text(value, style=STATUS_STYLES.get(value, ""))


def _status_text(finding: Finding) -> Text:
    status = _styled(finding.status.value)
    if finding.waiver is not None:
        status.append(f" ({finding.waiver.original_status.value})")
    return status


def _findings(findings: Sequence[Finding], widths: Mapping[str, int]) -> RenderableType:
    """Each finding as a line of short aligned fields, then its message at full width.

    Messages are the long part; in a table column they wrap into slivers on a terminal.
    """
    lines: list[RenderableType] = []
    for finding in worst_first(findings):
        status = _status_text(finding)
        line = Text("  ")
        line.append_text(status)
        line.append(" " * (widths["status"] - len(status.plain) + 2))
        line.append(finding.severity.value.ljust(widths["severity"] + 2))
        line.append(finding.policy.ljust(widths["policy"] + 2))
        line.append(subject_text(finding.subject).ljust(widths["subject"]))
        if finding.due is not None:
            line.append(f"  due {date_text(finding.due)}")
        lines.append(line)
        lines.append(Padding(Text(finding.message), (0, 0, 0, 6)))
    return Group(*lines)


def _consequences(assessment: Assessment) -> RenderableType:
    shown = [
        c
        for c in assessment.consequences
        if c.status in (ConsequenceStatus.DUE, ConsequenceStatus.ERROR)
    ]
    others = {
        status.value: sum(1 for c in assessment.consequences if c.status is status)
        for status in (ConsequenceStatus.APPLIED, ConsequenceStatus.NOT_TRIGGERED)
    }
    counted = ", ".join(f"{count} {name}" for name, count in others.items() if count)
    heading = "Consequences due" + (f" (not listed: {counted})" if counted else "")
    if not shown:
        return Text(f"{heading}: none.", style="bold")
    lines: list[RenderableType] = [Text(heading, style="bold")]
    status_width = max(len(c.status.value) for c in shown)
    policy_width = max(len(c.policy) for c in shown)
    subject_width = max(len(subject_text(c.subject)) for c in shown)
    for consequence in shown:
        line = Text("  ")
        line.append(_styled(consequence.status.value))
        line.append(" " * (status_width - len(consequence.status.value) + 2))
        line.append(consequence.policy.ljust(policy_width + 2))
        line.append(subject_text(consequence.subject).ljust(subject_width))
        if consequence.amount is not None:
            line.append(f"  amount {amount_text(consequence)}")
        if consequence.due is not None:
            line.append(f"  due {date_text(consequence.due)}")
        lines.append(line)
        detail = (
            f"{action_text(consequence)}; applied by {accountable_text(consequence.accountable)}"
        )
        lines.append(Padding(Text(detail), (0, 0, 0, 6)))
    return Group(*lines)


def _waivers(assessment: Assessment) -> RenderableType:
    if not assessment.waivers_unused:
        return Text("Unused waivers: none.", style="bold")
    table = _table("policy", "subject", "reason")
    for waiver in assessment.waivers_unused:
        table.add_row(Text(waiver.policy), Text(waiver.subject), Text(waiver.reason))
    return Group(Text("Unused waivers", style="bold"), table)
