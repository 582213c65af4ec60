"""The oversight schedule: every review and report due under a framework, up to a date.

`schedule(framework, portfolio, as_of=..., until=...)` lists, for each `oversight_cadence` and
`required_information` policy and each contract it applies to, the next review or report due
and the ones after it up to `until`; for each contract-scope `rule` with a `due`, that date
(once: a rule has no cadence). Due dates are the evaluator's own: the first comes from
the finding that `check` gives (the same code: `base + every`, SPEC section 4), and each later
one assumes the one before is met on its due date (`due + every`, calendar arithmetic), or, for
an overdue one, on `as_of` (`as_of + every`); for a policy with fixed `periods`, the next is
due `within` after the first period end after that date. Dates saturate at the calendar's last day,
9999-12-31, and the repeats stop there; one policy lists at most `MAX_OCCURRENCES` for one
contract.

Statuses of an item, as of the date:

- `overdue`: the due date has passed (`due < as_of`, grace or not);
- `due_soon`: not overdue, and inside the policy's warning window: `due - warn_before < as_of`
  (fewer than `warn_before` left: exactly when `check` warns), or `due - 14 days < as_of` when
  the policy has no `warn_before`;
- `planned`: later than that;
- `unscheduled`: no due date can be worked out (the finding is `error`, or there is no review
  or report on record and no contract start). These come first: someone must look.

Findings that are `not_applicable` give no items; waived ones do (a waiver excuses a gap, it
does not cancel the obligation) and say so in `finding_status`.

Example:
    >>> import datetime
    >>> import accountframe as af
    >>> fw = af.Framework(
    ...     name="demo", version="1", title="Demo",
    ...     roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
    ...     policies=[af.OversightCadence(id="CAD", title="Monthly SRO review", every="1 month",
    ...                                   counts_if='review.forum == "sro_review"')],
    ... )
    >>> portfolio = af.Portfolio.from_dict({
    ...     "organisation": "Ministry of Example",
    ...     "people": [{"id": "p-sro", "name": "Sam Owner"}],
    ...     "contracts": [{"id": "C1", "title": "Tagging", "stage": "live", "start": "2026-01-01",
    ...         "assignments": [{"role": "sro", "person": "p-sro", "start": "2026-01-01"}],
    ...         "reviews": [{"date": "2026-11-05", "forum": "sro_review"}]}],
    ... })
    >>> plan = af.schedule(fw, portfolio, as_of=datetime.date(2026, 11, 25),
    ...                    until=datetime.date(2027, 1, 31))
    >>> [(item.due.isoformat(), item.status.value, item.what) for item in plan.items]
    [('2026-12-05', 'due_soon', 'sro_review'), ('2027-01-05', 'planned', 'sro_review')]
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import re
from typing import Any

import attrs

from accountframe import jsontext
from accountframe._version import __version__
from accountframe.assessment import Accountable, Finding, Status
from accountframe.compiler.compiler import CompiledPolicy, Plan
from accountframe.errors import UsageError
from accountframe.evaluation.run import Run
from accountframe.framework.duration import Duration
from accountframe.framework.policies import OversightCadence, RequiredInformation, Rule, Scope
from accountframe.model import Portfolio, Review

__all__ = [
    "DEFAULT_HORIZON",
    "DUE_SOON_DEFAULT",
    "MAX_OCCURRENCES",
    "SCHEDULE_FORMAT",
    "ItemStatus",
    "Schedule",
    "ScheduleItem",
    "schedule",
]

SCHEDULE_FORMAT = "accountframe/schedule/1"
#: How far ahead a schedule looks when no `until` is given: a board quarter.
DEFAULT_HORIZON = Duration(months=3)
#: The "due soon" window of a policy without `warn_before`.
DUE_SOON_DEFAULT = Duration(days=14)
#: The most items one policy lists for one contract: a bound on the schedule's size whatever
#: `until` is (a daily cadence up to 9999-12-31 would otherwise list millions).
MAX_OCCURRENCES = 1000


class ItemStatus(enum.StrEnum):
    """Where a due review or report stands on the schedule's date."""

    UNSCHEDULED = "unscheduled"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    PLANNED = "planned"

    @property
    def urgency(self) -> int:
        """0 for unscheduled (most urgent) up to 3 for planned."""
        return list(ItemStatus).index(self)


@attrs.frozen
class ScheduleItem:
    """One review or report due: which, for which contract, by when, and who answers for it."""

    policy: str
    policy_title: str
    #: `review` (oversight_cadence), `report` (required_information) or `rule` (with `due`).
    kind: str
    #: The review forum, the report kind or the rule's title; for a review, the forum of the
    #: latest review that counted (else one that counted on another contract, else the one
    #: `counts_if` names, else the policy's title): never empty.
    what: str
    contract: str
    contract_title: str
    due: datetime.date | None
    status: ItemStatus
    days_overdue: int
    accountable: Accountable
    #: 1 for the next one due, 2 for the one after it, ...
    occurrence: int
    #: The status of the policy's finding for the contract (`check` gives the same).
    finding_status: Status
    #: The finding's message (why it is due then, or why it could not be scheduled).
    message: str
    #: Stable across runs: derived from the organisation, framework, policy, contract and
    #: occurrence, so a calendar that imports the schedule again updates its events.
    uid: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "policy_title": self.policy_title,
            "kind": self.kind,
            "what": self.what,
            "contract": self.contract,
            "contract_title": self.contract_title,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status.value,
            "days_overdue": self.days_overdue,
            "accountable": self.accountable.to_dict(),
            "occurrence": self.occurrence,
            "finding_status": self.finding_status.value,
            "message": self.message,
            "uid": self.uid,
        }


@attrs.frozen
class Schedule:
    """Every review and report due from `as_of` to `until` (and every overdue one)."""

    organisation: str
    framework: str
    framework_version: str
    as_of: datetime.date
    until: datetime.date
    #: In date order (unscheduled ones first), then policy order, then contract order.
    items: tuple[ScheduleItem, ...]
    generated_by: str = f"accountframe {__version__}"

    def counts(self) -> dict[str, int]:
        """A count for each item status, zeros included."""
        counts = {status.value: 0 for status in ItemStatus}
        for item in self.items:
            counts[item.status.value] += 1
        return counts

    def by_person(self) -> dict[str | None, list[ScheduleItem]]:
        """Items grouped by accountable person id (None: no one holds the role).

        People are ordered by their most urgent item (status, then due date), then id.
        """
        groups: dict[str | None, list[ScheduleItem]] = {}
        for item in self.items:
            groups.setdefault(item.accountable.person, []).append(item)

        def first(entry: tuple[str | None, list[ScheduleItem]]) -> tuple[Any, ...]:
            person, items = entry
            urgency = min(item.status.urgency for item in items)
            earliest = items[0].due or datetime.date.min  # items are in date order
            return (urgency, earliest, person is None, person or "")

        return dict(sorted(groups.items(), key=first))

    def to_dict(self) -> dict[str, Any]:
        """The `accountframe/schedule/1` document."""
        return {
            "format": SCHEDULE_FORMAT,
            "organisation": self.organisation,
            "framework": {"name": self.framework, "version": self.framework_version},
            "as_of": self.as_of.isoformat(),
            "until": self.until.isoformat(),
            "generated_by": self.generated_by,
            "summary": self.counts(),
            "items": [item.to_dict() for item in self.items],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The schedule as JSON text: byte-identical for the same inputs."""
        return jsontext.dumps(self.to_dict(), indent)


def schedule(
    plan: Plan,
    portfolio: Portfolio,
    *,
    as_of: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Schedule:
    """The reviews and reports due under a compiled framework, from `as_of` to `until`.

    `as_of` defaults to the portfolio's `as_of`, else today; `until` to three months after
    `as_of`. Overdue items are listed whatever their date; later ones up to `until`
    (inclusive). The due dates and the reviews that counted are the judges' own evidence.

    Raises:
        UsageError: `until` is before `as_of`, or a policy would list more than
            `MAX_OCCURRENCES` items for one contract up to `until`.
    """
    if as_of is None:
        as_of = portfolio.as_of or datetime.date.today()
    until = until if until is not None else DEFAULT_HORIZON.after(as_of)
    if until < as_of:
        raise UsageError(f"until ({until}) is before as_of ({as_of})")
    run = Run(plan, portfolio, as_of)
    titles = {contract.id: contract.title for contract in portfolio.contracts}
    found: list[tuple[int, int, CompiledPolicy, Finding, list[tuple[datetime.date, str]]]] = []
    forums: dict[str, list[tuple[datetime.date, str]]] = {}
    for policy_index, policy in enumerate(plan.policies):
        if not _scheduled(policy):
            continue
        for subject_index, scope in enumerate(run.subjects(policy)):
            outcome = run.outcome(policy, scope)
            finding = run.found(policy, scope, outcome)
            if finding.status is Status.NOT_APPLICABLE:
                continue
            # (date, forum) of each review that counted (the judge's evidence).
            counted = [
                (event.date, event.forum) for event in outcome[4] if isinstance(event, Review)
            ]
            forums.setdefault(policy.id, []).extend(counted)
            found.append((policy_index, subject_index, policy, finding, counted))
    items: list[tuple[tuple[Any, ...], ScheduleItem]] = []
    for policy_index, subject_index, policy, finding, own in found:
        kind = policy.policy
        if isinstance(kind, OversightCadence):
            anywhere = forums.get(policy.id, [])
            what = max(own)[1] if own else (max(anywhere)[1] if anywhere else "")
            # Never an empty name: the forum `counts_if` names, else the policy's title.
            what = what or _forum_named(kind.counts_if) or kind.title
            every, noun = policy.durations.get("every", Duration()), "review"
        elif isinstance(kind, RequiredInformation):
            what, every, noun = kind.report, policy.durations.get("max_age", Duration()), "report"
        else:
            # A rule with `due`: the next date only (a rule has no cadence to repeat it by).
            what, every, noun = kind.title, Duration(), "rule"
        periods = getattr(kind, "periods", None)
        warn_before = policy.durations.get("warn_before", Duration())
        window = warn_before if warn_before != Duration() else DUE_SOON_DEFAULT
        contract_id = finding.subject.id
        # The next review or report due, as the judge worked it out: the evidence's `due`
        # (a finding that fails on its report's content alone has no due date of its own).
        due = finding.evidence.get("due") if finding.status is not Status.ERROR else None
        occurrence = 1
        while True:
            if due is None:
                status = ItemStatus.UNSCHEDULED
            elif due < as_of:
                status = ItemStatus.OVERDUE
            elif window.before(due) < as_of:
                status = ItemStatus.DUE_SOON
            else:
                status = ItemStatus.PLANNED
            if due is not None and due > until and status is not ItemStatus.OVERDUE:
                break
            item = ScheduleItem(
                policy=policy.id,
                policy_title=kind.title,
                kind=noun,
                what=what,
                contract=contract_id,
                contract_title=titles.get(contract_id, ""),
                due=due,
                status=status,
                days_overdue=max(0, (as_of - due).days) if due is not None else 0,
                accountable=finding.accountable,
                occurrence=occurrence,
                finding_status=finding.status,
                message=finding.message,
                uid=_uid(
                    portfolio.organisation, plan.framework.name, policy.id, contract_id, occurrence
                ),
            )
            key = (due or datetime.date.min, policy_index, subject_index, occurrence)
            items.append((key, item))
            if due is None:
                break
            # An overdue one cannot be met on its date any more: assume it is met on as_of.
            met = max(due, as_of)
            if periods is not None:
                # Met on `met`: the next is due for the first period end after it.
                following = policy.durations["within"].after(periods.period_end_after(met))
                how_often = f"periods ending {', '.join(periods.ends)}"
            else:
                following, how_often = every.after(met), f"every {every}"
            # Dates saturate at 9999-12-31 (and a zero duration adds nothing): each due date is
            # strictly later than the last, so the loop ends at the calendar's end at the latest.
            if following <= due or (periods is None and every == Duration()):
                break
            if following <= until and occurrence >= MAX_OCCURRENCES:
                raise UsageError(
                    f"the schedule would list more than {MAX_OCCURRENCES:,} occurrences of "
                    f"{policy.id} for {contract_id} ({how_often}) up to {until}; "
                    "choose an earlier until"
                )
            due = following
            occurrence += 1
    return Schedule(
        organisation=portfolio.organisation,
        framework=plan.framework.name,
        framework_version=plan.framework.version,
        as_of=as_of,
        until=until,
        items=tuple(item for _, item in sorted(items, key=lambda entry: entry[0])),
    )


def _scheduled(policy: CompiledPolicy) -> bool:
    """Whether a policy has items on the schedule: cadences, required information, and
    contract-scope rules with a `due` date."""
    kind = policy.policy
    if isinstance(kind, OversightCadence | RequiredInformation):
        return True
    return isinstance(kind, Rule) and kind.scope is Scope.CONTRACT and "due" in policy.programs


#: `review.forum == "x"` or `review.forum in ["x", ...]`: the forum a cadence's `counts_if`
#: names, for an item no counted review names.
_FORUM = re.compile(r"""review\.forum\s*(?:==\s*|in\s*\[\s*)(["'])((?:(?!\1).)+)\1""")


def _forum_named(counts_if: str) -> str:
    """The first forum a `counts_if` compares `review.forum` with, or "".

    >>> _forum_named('review.forum in ["board", "executive_committee"]')
    'board'
    >>> _forum_named("review.chair == 'p-ao'")
    ''
    """
    found = _FORUM.search(counts_if)
    return found.group(2) if found else ""


def _uid(organisation: str, framework: str, policy: str, contract: str, occurrence: int) -> str:
    # The occurrence is counted from now (1 = the next one due), not a date: when a review is
    # held, the next one's date moves and re-importing updates that event instead of adding one.
    identity = "\0".join((organisation, framework, policy, contract, str(occurrence)))
    return f"{hashlib.sha256(identity.encode()).hexdigest()[:32]}@accountframe"
