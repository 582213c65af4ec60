"""Assessments: every finding and consequence of one framework over one portfolio on one date.

Plain data: frozen attrs classes with `to_dict()` and `to_json()` in the
`accountframe/assessment/1` format. The same framework, portfolio and date give byte-identical
JSON.
"""

from __future__ import annotations

import datetime
import enum
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from accountframe import jsontext
from accountframe.framework.policies import Severity

__all__ = [
    "ASSESSMENT_FORMAT",
    "ASSESSMENT_LINES_FORMAT",
    "Accountable",
    "Assessment",
    "Consequence",
    "ConsequenceStatus",
    "ContractExposure",
    "Exposure",
    "Finding",
    "PersonExposure",
    "Status",
    "Subject",
    "Summary",
    "WaiverApplied",
    "WaiverUnused",
    "exposures",
    "json_ready",
]

ASSESSMENT_FORMAT = "accountframe/assessment/1"
#: The `format` of the summary line of the `jsonl` output (`report.streamed`).
ASSESSMENT_LINES_FORMAT = "accountframe/assessment-lines/1"


class Status(enum.StrEnum):
    """The result of one policy for one subject."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"

    @property
    def badness(self) -> int:
        """Order for "worst first": error, fail, warn, waived, pass, not_applicable."""
        return _BADNESS[self]


_BADNESS = {
    Status.ERROR: 5,
    Status.FAIL: 4,
    Status.WARN: 3,
    Status.WAIVED: 2,
    Status.PASS: 1,
    Status.NOT_APPLICABLE: 0,
}


class ConsequenceStatus(enum.StrEnum):
    """Whether a sanction or reward is due, already applied, not triggered, or unknown."""

    DUE = "due"
    APPLIED = "applied"
    NOT_TRIGGERED = "not_triggered"
    #: An expression of the consequence failed: it may or may not be due (fail closed).
    ERROR = "error"


# Not slotted: for a class without slots, attrs' frozen `__init__` writes the instance's dict
# directly, about twice as fast as setting slots one by one through `object.__setattr__`; an
# assessment makes one of these per policy and subject (125,000 for 10,000 contracts).
@attrs.frozen(slots=False)
class Subject:
    """What a finding is about: a contract or a person, by id."""

    type: str
    id: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "id": self.id}


@attrs.frozen
class Accountable:
    """Who owns a finding: the role, and the person holding it (None when no one does).

    `fallback_from` names the roles that were vacant on the way up the chain.
    """

    role: str
    person: str | None
    name: str | None = None
    fallback_from: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"role": self.role, "person": self.person, "name": self.name}
        if self.fallback_from:
            data["fallback_from"] = list(self.fallback_from)
        return data


@attrs.frozen
class WaiverApplied:
    """The waiver that turned a warn or fail into `waived`, and what the status was."""

    reason: str
    approved_by: str
    approved_on: datetime.date
    expires: datetime.date
    original_status: Status

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "approved_by": self.approved_by,
            "approved_on": self.approved_on.isoformat(),
            "expires": self.expires.isoformat(),
            "original_status": self.original_status.value,
        }


@attrs.frozen(slots=False)  # see the note above `Subject`
class Finding:
    """The result of one policy for one subject."""

    policy: str
    kind: str
    subject: Subject
    status: Status
    severity: Severity
    accountable: Accountable
    message: str
    due: datetime.date | None = None
    evidence: Mapping[str, Any] = attrs.field(factory=dict)
    waiver: WaiverApplied | None = None
    tags: tuple[str, ...] = ()
    #: With a look-back (SPEC section 13): the first day of the current spell of this status
    #: and accountable person, searched back at most to as_of - look_back; None without one.
    since: datetime.date | None = None
    #: True when the spell reaches the look-back's limit (it may have begun earlier).
    since_limited: bool = False
    #: The money at stake (the policy's `exposure`), evaluated only for a warn or fail
    #: (and so a waived) finding whose policy has one; None otherwise.
    exposure: float | None = None
    #: The currency of `exposure` (ISO 4217): the contract's, or the portfolio's for a person.
    currency: str | None = None

    @property
    def failed(self) -> bool:
        """True exactly when the status is `fail` (a waived failure is not failed)."""
        return self.status is Status.FAIL

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "policy": self.policy,
            "kind": self.kind,
            "subject": self.subject.to_dict(),
            "status": self.status.value,
            "severity": self.severity.value,
            "accountable": self.accountable.to_dict(),
            "message": self.message,
            "due": self.due.isoformat() if self.due else None,
            "evidence": json_ready(self.evidence),
            "tags": list(self.tags),
        }
        if self.waiver is not None:
            data["waiver"] = self.waiver.to_dict()
        if self.since is not None:
            data["since"] = self.since.isoformat()
            data["since_limited"] = self.since_limited
        if self.exposure is not None:
            data["exposure"] = {"amount": self.exposure, "currency": self.currency}
        return data


@attrs.frozen(slots=False)  # see the note above `Subject`
class Consequence:
    """A sanction or reward for one subject, and whether it is due."""

    policy: str
    effect: str
    subject: Subject
    status: ConsequenceStatus
    action: str
    accountable: Accountable
    amount: float | None = None
    due: datetime.date | None = None
    message: str = ""
    severity: Severity = Severity.MEDIUM
    #: As `Finding.since`: the first day of the current spell, with a look-back.
    since: datetime.date | None = None
    since_limited: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "policy": self.policy,
            "effect": self.effect,
            "subject": self.subject.to_dict(),
            "status": self.status.value,
            "action": self.action,
            "amount": self.amount,
            "accountable": self.accountable.to_dict(),
            "due": self.due.isoformat() if self.due else None,
            "message": self.message,
            "severity": self.severity.value,
        }
        if self.since is not None:
            data["since"] = self.since.isoformat()
            data["since_limited"] = self.since_limited
        return data


@attrs.frozen
class WaiverUnused:
    """A waiver that matched no warn or fail finding on the assessment date."""

    policy: str
    subject: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "subject": self.subject, "reason": self.reason}


class Summary:
    """An assessment's `summary`, accumulated one finding and one consequence at a time.

    What every output's summary is made from, the in-memory document's and the streamed
    ones' alike: it holds counts, never the findings, so a streamed assessment keeps it
    whatever the portfolio's size. Summaries of parts of a portfolio (spans of contracts,
    worker processes) `merge` into the summary of the whole. It also keeps what the command
    line's exit code reads: the policies with a failing finding.

    Example:
        >>> summary = Summary()
        >>> summary.to_dict()["status"]["fail"], summary.errors
        (0, 0)
    """

    def __init__(self) -> None:
        #: A count for each of the six statuses, zeros included, in a fixed order.
        self.status = {status.value: 0 for status in Status}
        #: A count of `fail` findings for each severity, zeros included.
        self.failures_by_severity = {severity.value: 0 for severity in Severity}
        #: A count of consequences for each of their statuses.
        self.consequences = {status.value: 0 for status in ConsequenceStatus}
        #: The ids of the policies with a `fail` finding (not in the document).
        self.failed_policies: set[str] = set()
        #: Money at stake, by currency: the findings' exposures (see `exposures`).
        self.stakes: dict[str, _Stake] = {}

    def add_finding(self, finding: Finding) -> None:
        """Count one finding."""
        status = finding.status
        self.status[status._value_] += 1
        if status is Status.FAIL:
            self.failures_by_severity[finding.severity._value_] += 1
            self.failed_policies.add(finding.policy)
        if finding.exposure is not None:
            currency = finding.currency or ""
            stake = self.stakes.get(currency)
            if stake is None:
                stake = self.stakes[currency] = _Stake()
            stake.add(finding)

    def add_consequence(self, consequence: Consequence) -> None:
        """Count one consequence."""
        self.consequences[consequence.status._value_] += 1

    def merge(self, other: Summary) -> None:
        """Add the counts of `other`, the summary of findings and consequences not counted here."""
        for mine, theirs in (
            (self.status, other.status),
            (self.failures_by_severity, other.failures_by_severity),
            (self.consequences, other.consequences),
        ):
            for key, count in theirs.items():
                mine[key] += count
        self.failed_policies |= other.failed_policies
        for currency, stake in other.stakes.items():
            self.stakes.setdefault(currency, _Stake()).merge(stake)

    @property
    def errors(self) -> int:
        """How many findings are `error`."""
        return self.status[Status.ERROR.value]

    def fails_at(self, rank: int | None, policies: frozenset[str] = frozenset()) -> bool:
        """Whether a `fail` finding has a severity of at least `rank` (None: no severity
        counts) or is of one of `policies`."""
        if not self.failed_policies.isdisjoint(policies):
            return True
        return rank is not None and any(
            count and Severity(severity).rank >= rank
            for severity, count in self.failures_by_severity.items()
        )

    def exposures(self) -> tuple[Exposure, ...]:
        """The money at stake, one `Exposure` per currency, in code order (empty when no
        finding has an exposure)."""
        return tuple(self.stakes[currency].total(currency) for currency in sorted(self.stakes))

    def to_dict(self) -> dict[str, Any]:
        """The document's `summary`: `status`, `failures_by_severity`, `consequences`, and
        `exposure` when some finding has one (other assessments keep their bytes)."""
        exposure = self.exposures()
        return {
            "status": dict(self.status),
            "failures_by_severity": dict(self.failures_by_severity),
            "consequences": dict(self.consequences),
            **({"exposure": [total.to_dict() for total in exposure]} if exposure else {}),
        }


class _Stake:
    """The exposures of one currency, kept as amounts so that the sums are `math.fsum`:
    exact, whatever the order the findings (or the merged parts) came in."""

    def __init__(self) -> None:
        self.amounts: list[float] = []
        self.waived: list[float] = []
        #: Accountable person (None: no one) → their name and amounts.
        self.people: dict[str | None, tuple[str | None, list[float]]] = {}
        #: Contract id (None: a finding about no contract) → amounts.
        self.contracts: dict[str | None, list[float]] = {}

    def add(self, finding: Finding) -> None:
        amount = finding.exposure or 0.0
        self.amounts.append(amount)
        if finding.status is Status.WAIVED:
            self.waived.append(amount)
        accountable = finding.accountable
        self.people.setdefault(accountable.person, (accountable.name, []))[1].append(amount)
        about = finding.subject.id if finding.subject.type == "contract" else None
        self.contracts.setdefault(about, []).append(amount)

    def merge(self, other: _Stake) -> None:
        self.amounts += other.amounts
        self.waived += other.waived
        for person, (name, amounts) in other.people.items():
            self.people.setdefault(person, (name, []))[1].extend(amounts)
        for contract, amounts in other.contracts.items():
            self.contracts.setdefault(contract, []).extend(amounts)

    def total(self, currency: str) -> Exposure:
        by_person = sorted(
            (PersonExposure(person, name, math.fsum(amounts))
             for person, (name, amounts) in self.people.items()),
            key=lambda item: (-item.amount, item.person is None, item.person or ""),
        )  # fmt: skip
        by_contract = sorted(
            (ContractExposure(contract, math.fsum(amounts))
             for contract, amounts in self.contracts.items()),
            key=lambda item: (-item.amount, item.contract is None, item.contract or ""),
        )  # fmt: skip
        return Exposure(
            currency=currency,
            total=math.fsum(self.amounts),
            waived=math.fsum(self.waived),
            by_person=tuple(by_person),
            by_contract=tuple(by_contract),
        )


@attrs.frozen
class PersonExposure:
    """The money at stake on the findings one person is accountable for (None: no one)."""

    person: str | None
    name: str | None
    amount: float

    def to_dict(self) -> dict[str, Any]:
        return {"person": self.person, "name": self.name, "amount": self.amount}


@attrs.frozen
class ContractExposure:
    """The money at stake on the findings about one contract (None: findings about no
    contract, such as person-scope ones)."""

    contract: str | None
    amount: float

    def to_dict(self) -> dict[str, Any]:
        return {"contract": self.contract, "amount": self.amount}


@attrs.frozen
class Exposure:
    """The money at stake in one currency: the sum of the findings' `exposure`.

    `waived` is the part on waived findings (included in `total`). `by_person` (by the
    finding's accountable person) and `by_contract` each sum to `total`; each is sorted by
    amount, largest first, then by id.

    Example:
        >>> finding = Finding("R1", "rule", Subject("contract", "C1"), Status.FAIL,
        ...                   Severity.HIGH, Accountable("sro", "p-1", "Sam"), "not met",
        ...                   exposure=416667.0, currency="GBP")
        >>> [total.to_dict() for total in exposures([finding])]  # doctest: +NORMALIZE_WHITESPACE
        [{'currency': 'GBP', 'total': 416667.0, 'waived': 0.0,
          'by_person': [{'person': 'p-1', 'name': 'Sam', 'amount': 416667.0}],
          'by_contract': [{'contract': 'C1', 'amount': 416667.0}]}]
    """

    currency: str
    total: float
    waived: float
    by_person: tuple[PersonExposure, ...]
    by_contract: tuple[ContractExposure, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "total": self.total,
            "waived": self.waived,
            "by_person": [item.to_dict() for item in self.by_person],
            "by_contract": [item.to_dict() for item in self.by_contract],
        }


def exposures(findings: Iterable[Finding]) -> tuple[Exposure, ...]:
    """The money at stake on `findings`, one `Exposure` per currency, in code order (empty
    when no finding has an exposure). Sums are `math.fsum`: exact, whatever the order."""
    summary = Summary()
    for finding in findings:
        if finding.exposure is not None:
            summary.add_finding(finding)
    return summary.exposures()


@attrs.frozen
class Assessment:
    """All findings and consequences of one framework over one portfolio as of one date."""

    framework: str
    framework_version: str
    framework_digest: str
    organisation: str
    portfolio_digest: str
    as_of: datetime.date
    generated_by: str
    findings: tuple[Finding, ...]
    consequences: tuple[Consequence, ...] = ()
    waivers_unused: tuple[WaiverUnused, ...] = ()
    #: Policy id → what the policy rests on (`basis`: statute, ..., proposed), for the
    #: policies that say; reports show it beside the policy. Not in the JSON document.
    bases: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def failures(self) -> tuple[Finding, ...]:
        """The findings whose status is `fail`, in report order."""
        return tuple(finding for finding in self.findings if finding.failed)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings whose status is `error` (an expression failed: fail closed)."""
        return tuple(finding for finding in self.findings if finding.status is Status.ERROR)

    @property
    def exposure(self) -> tuple[Exposure, ...]:
        """The money at stake, one `Exposure` per currency in code order: the sum of the
        findings' `exposure`, in total, waived, by accountable person and by contract;
        empty when no finding has one."""
        return exposures(self.findings)

    @property
    def due(self) -> tuple[Consequence, ...]:
        """The consequences that are due and not yet applied."""
        return tuple(c for c in self.consequences if c.status is ConsequenceStatus.DUE)

    def status_counts(self) -> dict[str, int]:
        """A count for each of the six statuses, zeros included, in a fixed order."""
        counts = {status.value: 0 for status in Status}
        for finding in self.findings:
            counts[finding.status.value] += 1
        return counts

    def failures_by_severity(self) -> dict[str, int]:
        """A count of `fail` findings for each severity, zeros included."""
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.failures:
            counts[finding.severity.value] += 1
        return counts

    def by_person(self) -> dict[str | None, list[Finding]]:
        """Findings grouped by accountable person id (None: no one holds the role).

        People are ordered by their worst finding (status, then severity), worst first; each
        person's findings keep report order.
        """
        groups: dict[str | None, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.accountable.person, []).append(finding)

        def worst(item: tuple[str | None, list[Finding]]) -> tuple[int, int, str]:
            person, findings = item
            top = max((f.status.badness, f.severity.rank) for f in findings)
            return (-top[0], -top[1], person or "")

        return dict(sorted(groups.items(), key=worst))

    def by_contract(self) -> dict[str, list[Finding]]:
        """Contract-scope findings grouped by contract id, in portfolio order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            if finding.subject.type == "contract":
                groups.setdefault(finding.subject.id, []).append(finding)
        return groups

    def summary(self) -> Summary:
        """The `summary` of the document, accumulated over every finding and consequence."""
        summary = Summary()
        for finding in self.findings:
            summary.add_finding(finding)
        for consequence in self.consequences:
            summary.add_consequence(consequence)
        return summary

    def to_dict(self) -> dict[str, Any]:
        """The `accountframe/assessment/1` document."""
        return {
            "format": ASSESSMENT_FORMAT,
            "framework": {
                "name": self.framework,
                "version": self.framework_version,
                "digest": self.framework_digest,
            },
            "portfolio": {"organisation": self.organisation, "digest": self.portfolio_digest},
            "as_of": self.as_of.isoformat(),
            "generated_by": self.generated_by,
            "summary": self.summary().to_dict(),
            "findings": [finding.to_dict() for finding in self.findings],
            "consequences": [consequence.to_dict() for consequence in self.consequences],
            "waivers_unused": [waiver.to_dict() for waiver in self.waivers_unused],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The assessment as JSON text: byte-identical for the same inputs."""
        return jsontext.dumps(self.to_dict(), indent)


def json_ready(value: Any) -> Any:
    """Evidence as JSON-ready data: dates as ISO text, tuples as lists, sets sorted."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(json_ready(item) for item in value)
    return value
