"""What every renderer shares: the "worst first" order and how people, subjects and money read."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from accountframe.assessment import Accountable, Consequence, ConsequenceStatus, Finding, Subject

__all__ = [
    "accountable_text",
    "action_text",
    "amount_text",
    "date_text",
    "person_heading",
    "roles_text",
    "subject_text",
    "worst_first",
]


def worst_first(findings: Iterable[Finding]) -> list[Finding]:
    """Findings ordered by status badness, then severity, then report order (a stable sort)."""
    return sorted(findings, key=lambda f: (-f.status.badness, -f.severity.rank))


def roles_text(findings: Sequence[Finding]) -> str:
    """The roles a person is accountable in, in order of first appearance, with any fallback.

    A role reached by falling back from vacant roles reads `accounting_officer (for vacant sro)`.
    """
    seen: list[str] = []
    for finding in findings:
        text = _role_text(finding.accountable)
        if text not in seen:
            seen.append(text)
    return ", ".join(seen)


def _role_text(accountable: Accountable) -> str:
    if accountable.fallback_from:
        return f"{accountable.role} (for vacant {', '.join(accountable.fallback_from)})"
    return accountable.role


def person_heading(person: str | None, findings: Sequence[Finding]) -> str:
    """`Sam Owner (p-sro): sro`, or `No one holds: sro` for findings no person owns."""
    roles = roles_text(findings)
    if person is None:
        return f"No one holds: {roles}"
    name = next((f.accountable.name for f in findings if f.accountable.name), None)
    return f"{name} ({person}): {roles}" if name else f"{person}: {roles}"


def accountable_text(accountable: Accountable) -> str:
    """`Sam Owner (p-sro), sro`; `no one holds sro` when the role is vacant to the top."""
    role = _role_text(accountable)
    if accountable.person is None:
        return f"no one holds {role}"
    who = f"{accountable.name} ({accountable.person})" if accountable.name else accountable.person
    return f"{who}, {role}"


def subject_text(subject: Subject) -> str:
    """A contract reads as its id; any other subject says its type: `person p-sro`."""
    return subject.id if subject.type == "contract" else f"{subject.type} {subject.id}"


def action_text(consequence: Consequence) -> str:
    """What must happen; for a consequence in `error`, also why it could not be decided."""
    if consequence.status is ConsequenceStatus.ERROR and consequence.message:
        return f"{consequence.action} (undecided: {consequence.message})"
    return consequence.action


def amount_text(consequence: Consequence) -> str:
    """The amount with thousands separators and two decimals, or empty when there is none."""
    return "" if consequence.amount is None else f"{consequence.amount:,.2f}"


def date_text(date: datetime.date | None) -> str:
    """ISO 8601, or empty."""
    return date.isoformat() if date is not None else ""
