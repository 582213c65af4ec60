"""The `csv` format: one row per finding, in report order, for spreadsheets (RFC 4180).

Fields are quoted when they need it, rows end with CRLF, and an empty field means "none"
(no person holds the role, no due date, not waived).

Example:
    >>> import datetime
    >>> from accountframe.assessment import Assessment
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

from accountframe.assessment import Assessment
from accountframe.report._common import date_text

__all__ = ["COLUMNS", "render"]

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
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for finding in assessment.findings:
        writer.writerow(
            (
                finding.policy,
                finding.kind,
                finding.subject.type,
                finding.subject.id,
                finding.status.value,
                finding.severity.value,
                finding.accountable.role,
                finding.accountable.person or "",
                finding.accountable.name or "",
                date_text(finding.due),
                finding.message,
                finding.waiver.original_status.value if finding.waiver is not None else "",
            )
        )
    return buffer.getvalue()
