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

__all__ = ["COLUMNS", "MONEY_COLUMNS", "header", "render", "row"]

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


#: The columns added when some finding has money at stake (`exposure`): the amount, a plain
#: number, and its currency; both empty for a finding without one.
MONEY_COLUMNS = ("exposure", "currency")


def render(assessment: Assessment) -> str:
    """The findings as CSV text with a header row; `waived_from` is a waived finding's status.

    When some finding has an exposure, two more columns, `MONEY_COLUMNS`, end each row (an
    assessment without money at stake keeps the columns it always had).
    """
    money = any(finding.exposure is not None for finding in assessment.findings)
    return "".join([header(money), *(row(finding, money) for finding in assessment.findings)])


def header(money: bool = False) -> str:
    """The header row, with its CRLF; with `money`, the `MONEY_COLUMNS` too."""
    return _line(COLUMNS + MONEY_COLUMNS if money else COLUMNS)


def row(finding: Finding, money: bool = False) -> str:
    """One finding's row, with its CRLF (a streamed report writes them one at a time); with
    `money`, its exposure and currency (empty without one)."""
    extra: tuple[str, ...] = ()
    if money:
        extra = (
            ("", "")
            if finding.exposure is None
            else (repr(finding.exposure), finding.currency or "")
        )
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
            *extra,
        )
    )


def _line(cells: tuple[str, ...]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()
