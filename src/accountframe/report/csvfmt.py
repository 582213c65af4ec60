"""The `csv` format: one row per finding, in report order, for spreadsheets (RFC 4180).

Fields are quoted when they need it, rows end with CRLF, and an empty field means "none"
(no person holds the role, no due date, not waived). Every cell goes through
`accountframe.sanitise.csv_cell`: a cell that a spreadsheet would run as a formula (it starts
with `=`, `+`, `-`, `@` or a tab) starts with a `'`, and control characters are shown as
escapes (`\\x1b`).

Example:
    >>> import datetime
    >>> from accountframe.assessment import Assessment, Finding
    >>> empty = Assessment(
    ...     framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry of Example", portfolio_digest="0" * 64,
    ...     as_of=datetime.date(2026, 11, 25), generated_by="accountframe 0", findings=(),
    ... )
    >>> render(empty)
    'policy,kind,subject_type,subject,status,severity,accountable_role,accountable_person,accountable_name,due,message,waived_from\\r\\n'
"""

from __future__ import annotations

import csv
import io

from accountframe.assessment import Assessment, Finding
from accountframe.report._common import date_text
from accountframe.sanitise import csv_cell

__all__ = ["COLUMNS", "header", "render", "row"]

#: The header row, in order.
COLUMNS = (
    "policy",
    "kind",
    "subject_type",
    "subject",
    "status",
    "severity",
    "accountable_role",
    "accountable_person",
    "accountable_name",
    "due",
    "message",
    "waived_from",
)


def render(assessment: Assessment) -> str:
    """The findings as CSV text with a header row; `waived_from` is a waived finding's status."""
    return "".join([header(), *map(row, assessment.findings)])


def header() -> str:
    """The header row, with its CRLF."""
    return _line(COLUMNS)


def row(finding: Finding) -> str:
    """One finding's row, with its CRLF (a streamed report writes them one at a time)."""
    # The columns of our own words (kind, status, severity, dates) need no sanitising.
    return _line(
        (
            csv_cell(finding.policy),
            finding.kind,
            csv_cell(finding.subject.type),
            csv_cell(finding.subject.id),
            finding.status.value,
            finding.severity.value,
            csv_cell(finding.accountable.role),
            csv_cell(finding.accountable.person or ""),
            csv_cell(finding.accountable.name or ""),
            date_text(finding.due),
            csv_cell(finding.message),
            finding.waiver.original_status.value if finding.waiver is not None else "",
        )
    )


def _line(cells: tuple[str, ...]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()
