"""What every renderer shares: the "worst first" order and how people, subjects and money read."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping, Sequence

import attrs

from accountframe.assessment import (
    Accountable,
    Assessment,
    Consequence,
    ConsequenceStatus,
    ContractExposure,
    Finding,
    PersonExposure,
    Status,
    Subject,
)

__all__ = [
    "CURRENCY_SYMBOLS",
    "EXCEPTIONS",
    "OPEN",
    "Concern",
    "accountable_text",
    "action_text",
    "amount_text",
    "column_subject_text",
    "concerns",
    "contract_exposure_text",
    "date_text",
    "days_overdue",
    "exposure_text",
    "money_text",
    "person_exposure_text",
    "person_heading",
    "policy_text",
    "roles_text",
    "since_text",
    "subject_text",
    "top_risks",
    "worst_first",
]

#: Findings still to be dealt with: the "who should be worried" table counts these.
OPEN = (Status.ERROR, Status.FAIL, Status.WARN)
#: What a board paper lists: the open findings and the waived ones (a waiver is a decision).
EXCEPTIONS = (*OPEN, Status.WAIVED)


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
    """`Sam Owner (p-sro): sro`, or `No one holds: sro` for findings no person owns (`Not
    applicable, routed to no one (no one holds: sro)` when they are all `not_applicable`,
    which are not escalated: a closed contract's)."""
    roles = roles_text(findings)
    if person is None:
        if all(f.status is Status.NOT_APPLICABLE for f in findings):
            return f"Not applicable, routed to no one (no one holds: {roles})"
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


def column_subject_text(subject: Subject) -> str:
    """`subject_text` for a terminal table's aligned subject column: the organisation reads
    `organisation` (the table's first line names it), so that a long name does not widen
    every row."""
    return "organisation" if subject.type == "organisation" else subject_text(subject)


def action_text(consequence: Consequence) -> str:
    """What must happen; for a consequence in `error`, also why it could not be decided."""
    if consequence.status is ConsequenceStatus.ERROR and consequence.message:
        return f"{consequence.action} (undecided: {consequence.message})"
    return consequence.action


def amount_text(consequence: Consequence) -> str:
    """The amount with thousands separators and two decimals, or empty when there is none."""
    return "" if consequence.amount is None else f"{consequence.amount:,.2f}"


#: The symbol written before an amount in these currencies; any other reads `CHF 416,667`.
CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money_text(amount: float, currency: str | None) -> str:
    """Money as a reader expects it: whole units (half up), thousands separators, and the
    currency's symbol, or its code before the amount when it has none here.

    Example:
        >>> money_text(416666.67, "GBP"), money_text(2.5, "EUR"), money_text(1e6, "CHF")
        ('£416,667', '€3', 'CHF 1,000,000')
    """
    whole = decimal.Decimal(repr(amount)).quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP)
    number = f"{whole:,}"
    code = currency or ""
    symbol = CURRENCY_SYMBOLS.get(code)
    if symbol is not None:
        return f"{symbol}{number}"
    return f"{code} {number}" if code else number


def exposure_text(finding: Finding) -> str:
    """The finding's money at stake (`money_text`), or empty when it has none."""
    if finding.exposure is None:
        return ""
    return money_text(finding.exposure, finding.currency)


def person_exposure_text(item: PersonExposure) -> str:
    """Who an amount at stake is owed by: `Sam Owner (p-sro)`, or `no one` for a vacancy."""
    if item.person is None:
        return "no one"
    return f"{item.name} ({item.person})" if item.name else item.person


def contract_exposure_text(item: ContractExposure) -> str:
    """The contract an amount at stake is on, or `not about a contract` (person scope)."""
    return item.contract if item.contract is not None else "not about a contract"


def policy_text(policy: str, bases: Mapping[str, str]) -> str:
    """A policy's id, with what it rests on when the framework says: `CAD-1 (statute)`."""
    basis = bases.get(policy)
    return f"{policy} ({basis})" if basis else policy


def date_text(date: datetime.date | None) -> str:
    """ISO 8601, or empty."""
    return date.isoformat() if date is not None else ""


#: How a report words "has had this status": "failing since ...".
_SINCE_WORDS = {
    Status.FAIL: "failing",
    Status.WARN: "warning",
    Status.ERROR: "in error",
    Status.WAIVED: "waived",
    Status.PASS: "passing",
    Status.NOT_APPLICABLE: "not applicable",
}


def since_text(finding: Finding, as_of: datetime.date) -> str:
    """ "failing since 2025-03-14 (621 days)", with a look-back; empty without one. A spell
    that reaches the look-back's limit may have begun earlier, and says so.

    Example:
        >>> import datetime
        >>> from accountframe.assessment import Accountable
        >>> from accountframe.framework.policies import Severity
        >>> finding = Finding("R1", "rule", Subject("contract", "C1"), Status.FAIL,
        ...     Severity.HIGH, Accountable("sro", None, None), "m",
        ...     since=datetime.date(2025, 3, 14))
        >>> since_text(finding, datetime.date(2026, 11, 25))
        'failing since 2025-03-14 (621 days)'
    """
    if finding.since is None:
        return ""
    days = (as_of - finding.since).days
    word = _SINCE_WORDS[finding.status]
    if finding.since_limited:
        return f"{word} since {finding.since.isoformat()} or earlier ({days} days or more)"
    return f"{word} since {finding.since.isoformat()} ({days} day{'s' * (days != 1)})"


def days_overdue(finding: Finding) -> int:
    """The finding's `days_overdue` evidence (cadence and information kinds), else 0."""
    value = finding.evidence.get("days_overdue")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _risk(finding: Finding) -> tuple[int, int, int]:
    return (finding.status.badness, finding.severity.rank, days_overdue(finding))


def top_risks(assessment: Assessment) -> list[Finding]:
    """The open findings, worst first: by status, then severity, then days overdue (stable)."""
    return sorted((f for f in assessment.findings if f.status in OPEN), key=_risk, reverse=True)


@attrs.frozen
class Concern:
    """One row of "who should be worried": an accountable person and their open findings."""

    #: The person's id; None for findings whose role no one holds.
    person: str | None
    heading: str
    #: Their open findings (error, fail, warn), worst first.
    open: tuple[Finding, ...]
    #: Sanctions due against them (person-scope consequences whose subject they are).
    sanctions_due: tuple[Consequence, ...]

    def count(self, status: Status) -> int:
        return sum(1 for finding in self.open if finding.status is status)

    @property
    def worst(self) -> Finding:
        return self.open[0]

    @property
    def serious_failures(self) -> int:
        """`fail` findings of severity high or critical."""
        return sum(1 for f in self.open if f.status is Status.FAIL and f.severity.rank >= 3)

    @property
    def most_days_overdue(self) -> int:
        return max((days_overdue(f) for f in self.open), default=0)


def concerns(assessment: Assessment) -> list[Concern]:
    """Accountable people with open findings, the most worrying first.

    Each person's open findings (`error`, `fail`, `warn`; waived ones are not open) are
    sorted worst first by status (error, fail, warn), then severity. People are ordered by
    comparing these lists item by item: the worst finding decides; if equal, the next worst;
    a person with one more finding at an equal level comes first. Ties are broken by the most
    days overdue, then by person id (findings no one holds come after people with an id).
    """
    # Each person's due sanctions, gathered once rather than by a pass over every consequence
    # for each person (quadratic on a large portfolio).
    sanctions_of: dict[str, list[Consequence]] = {}
    for consequence in assessment.due:
        if consequence.effect == "sanction" and consequence.subject.type == "person":
            sanctions_of.setdefault(consequence.subject.id, []).append(consequence)
    rows: list[tuple[tuple[object, ...], Concern]] = []
    for person, findings in assessment.by_person().items():
        open_ = sorted(
            (f for f in findings if f.status in OPEN),
            key=lambda f: (f.status.badness, f.severity.rank),
            reverse=True,
        )
        if not open_:
            continue
        sanctions = tuple(sanctions_of.get(person or "", ()))
        concern = Concern(person, person_heading(person, findings), tuple(open_), sanctions)
        # Negated so that ascending order is worst first; (0, 0) ends each list, so that a
        # longer list of equal findings sorts before its prefix.
        levels = [(-f.status.badness, -f.severity.rank) for f in open_] + [(0, 0)]
        key = (levels, -concern.most_days_overdue, person is None, person or "")
        rows.append((key, concern))
    return [concern for _, concern in sorted(rows, key=lambda row: row[0])]
