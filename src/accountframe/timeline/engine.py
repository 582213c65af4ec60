"""History over a period, evaluated only where something can change (SPEC section 13).

The result equals evaluating the framework as of every day (`timeline.daily.day_by_day`), but
one sweep goes through the period and looks at a subject again only on a day when one of its
results may change.

A contract is looked at again:

- on a *static* day: an event of it becomes visible (a review, a report received, a payment, an
  amendment or its approval, an applied sanction or reward), an assignment starts or ends, or
  a waiver of it starts or expires. Only then does its value change (its views, holders and
  waivers), so it is built afresh, and every policy judged;
- on a day its judges named (`judges.DATE_CHANGES`: a due date passed, a vacancy's limit):
  every policy judged, the value reused with the date rebound (`Scopes.rebased`);
- every day, for the policies whose expressions read the date itself (`Plan.reads_date`) and,
  when sanctions and rewards read a finding's days overdue, the cadence and information
  policies; unless the contract's value alone decides them until its next static day (a
  date-free operand of `applies_to`'s `&&` is false, say: see `moving.Guards`), or they are
  rules whose conditions each move one way as the date advances, which are looked at only on
  the days a condition changes, found by bisection (`moving.Moving`, `cel.monotone`).

Its sanctions and rewards are judged again when its value or a finding's content changed.

The organisation (organisation-scope policies) is looked at after the contracts of the day:
on the first day, on any day a contract is looked at (its `contracts` may have changed), on
the days of its own reviews, reports and waivers, on the days its judges name, and every day
if one of its policies reads the date (or its sanctions and rewards read days overdue or
`since`). Its sanctions and rewards are judged with it.

A person is looked at again, after the contracts of the day, when one of their inputs may have
changed: an assignment of theirs starts or ends, a waiver of theirs starts or expires, a
contract they hold changed as the people read it, a finding routed to them (its accountable
person) changed, or every day if a person-scope policy reads the date.
"""

from __future__ import annotations

import bisect
import datetime
import heapq
from collections.abc import Iterable
from typing import Any

from accountframe.assessment import ConsequenceStatus, Finding, Subject
from accountframe.compiler.compiler import SINCE_FIELDS, CompiledPolicy, Plan, reads_date
from accountframe.evaluation.findings import FindingsIndex, Since, finding_value
from accountframe.evaluation.judges import DATE_CHANGES
from accountframe.evaluation.run import Run
from accountframe.evaluation.scope import ContractScope
from accountframe.framework.duration import Duration
from accountframe.framework.policies import Consequence as ConsequencePolicy
from accountframe.framework.policies import OversightCadence, RequiredInformation
from accountframe.framework.policies import Scope as PolicyScope
from accountframe.model import Contract, Portfolio, Waiver
from accountframe.timeline.daily import spell_accountable
from accountframe.timeline.moving import Guards, Moving
from accountframe.timeline.spells import ConsequenceSpell, History, Spell, runs

__all__ = ["history"]

_DAY = datetime.timedelta(days=1)
#: A finding's key: (policy position in the plan, subject position in its list).
_Key = tuple[int, int]


def history(
    plan: Plan,
    portfolio: Portfolio,
    start: datetime.date,
    end: datetime.date,
    look_back: Duration | None = None,
) -> History:
    """The spells of every finding and consequence from `start` to `end` (both included).

    `look_back` (default: the framework's) is what sanctions and rewards that read `since` or
    `days_in_status` of `findings` see: the sweep then begins that much before `start`, so
    that on every day of the period each finding's current spell is known as far back as the
    look-back reaches.
    """
    timeline = _Timeline(plan, portfolio, start, end, look_back or plan.framework.look_back)
    timeline.sweep()
    return _assembled(timeline)


class _Spells:
    """The days on which one policy's (status, accountable person) for one subject changed."""

    __slots__ = ("changes",)

    def __init__(self) -> None:
        self.changes: list[tuple[datetime.date, Any]] = []

    def note(self, day: datetime.date, status: Any, accountable: Any) -> bool:
        """Record the value on `day`; True if a new spell begins."""
        triple = (status, spell_accountable(accountable))
        if not self.changes or self.changes[-1][1] != triple:
            self.changes.append((day, triple))
            return True
        return False


class _Contract:
    """One contract as the sweep goes through the period."""

    __slots__ = ("next_static", "outcomes", "pending", "quiet", "segment", "settled", "statics")

    def __init__(self, statics: list[datetime.date], size: int) -> None:
        #: Its static days after the first, in order (see the module), and the next one's index.
        self.statics = statics
        self.next_static = 0
        #: Days its judges named, not yet looked at.
        self.pending: set[datetime.date] = set()
        #: Its scope on the first day of the current segment: valid to its next static day.
        self.segment: ContractScope | None = None
        #: The daily policies the current segment's value decides (see `_Timeline.settled`).
        self.settled: frozenset[int] = frozenset()
        #: The judges' outcomes behind its current findings.
        self.outcomes: list[Any] = [None] * size
        #: For each daily rule whose conditions move one way (`Moving`): the next day it can
        #: change in the segment (None: not in this segment).
        self.quiet: dict[int, datetime.date | None] = {}


class _Timeline:
    """One sweep through a period (see the module), and the spells it records."""

    def __init__(
        self,
        plan: Plan,
        portfolio: Portfolio,
        start: datetime.date,
        end: datetime.date,
        look_back: Duration | None,
    ) -> None:
        self.plan = plan
        self.portfolio = portfolio
        fields = plan.finding_fields
        reads_since = fields is None or not fields.isdisjoint(SINCE_FIELDS)
        #: With a look-back that sanctions and rewards read: where each finding's current spell
        #: began, kept up to date day by day (see `update`).
        self.since = Since(look_back) if look_back is not None and reads_since else None
        #: The period's first day; the sweep starts a look-back earlier when `since` is read.
        self.record_from = start
        self.start = look_back.before(start) if self.since is not None and look_back else start
        self.end = end
        #: Every day's run is this one moved (`Run.at`): the people, the partitions of the
        #: policies and the accountability chain are worked out once.
        self.run = Run(plan, portfolio, self.start, since=self.since)
        positions = list(enumerate(plan.policies))
        person, each = PolicyScope.PERSON, PolicyScope.CONTRACT
        self.contract_findings = [
            (i, p) for i, p in positions if p.policy.scope is each and not _consequence(p)
        ]
        self.contract_consequences = [
            (i, p) for i, p in positions if p.policy.scope is each and _consequence(p)
        ]
        self.organisation = _Organisation(
            plan, portfolio, positions, (self.start, end), self.since is not None
        )
        self.person_findings = [
            (i, p) for i, p in positions if p.policy.scope is person and not _consequence(p)
        ]
        self.person_consequences = [
            (i, p) for i, p in positions if p.policy.scope is person and _consequence(p)
        ]
        read = plan.findings_read
        self.evidence_read = read is None or any(path[0] == "evidence" for path in read)
        overdue_read = read is None or any(
            path[0] == "evidence" and path[1:] in ((), ("days_overdue",)) for path in read
        )
        #: Positions (in `contract_findings`) of the policies whose evidence has days overdue
        #: (cadence, information, a rule with `due`), which grow daily, when it is read.
        overdue = {
            k
            for k, (_, policy) in enumerate(self.contract_findings)
            if overdue_read
            and (
                isinstance(policy.policy, OversightCadence | RequiredInformation)
                or "due" in policy.programs
            )
        }
        #: Positions (in `contract_findings`) of the policies looked at every day.
        self.daily = [
            k
            for k, (_, policy) in enumerate(self.contract_findings)
            if policy.id in plan.reads_date or k in overdue
        ]
        #: For each of them: its guards (see `settled`).
        self.guards = Guards(plan, [p for _, p in self.contract_findings], self.daily)
        #: The contract-scope sanctions and rewards that can change from one day to the next
        #: with the same findings (they read the date, or `since`, which moves every day), by
        #: position in `contract_consequences`; each with whether its gate (`applies_to`,
        #: `trigger`) can: one whose gate cannot stays `not_triggered` until its findings or
        #: its contract change.
        self.daily_consequences = {
            c: self.since is not None or _gate_reads_date(plan, policy)
            for c, (_, policy) in enumerate(self.contract_consequences)
            if self.since is not None or policy.id in plan.reads_date
        }
        #: The daily rules and the sanctions and rewards that are looked at only on the days
        #: a condition of theirs can change (not those that read `since`, which moves daily).
        self.moving = Moving(
            plan,
            [p for _, p in self.contract_findings],
            [k for k in self.daily if k not in overdue],
            [p for _, p in self.contract_consequences],
            [] if self.since is not None else list(self.daily_consequences),
            self.start,
            end,
        )
        #: (consequence position, contract position) → the next day it can change, for those
        #: in `moving` (None: not in the current segment).
        self.consequence_quiet: dict[tuple[int, int], datetime.date | None] = {}
        self.with_people = bool(self.person_findings or self.person_consequences)
        self.people_daily = any(
            p.id in plan.reads_date for _, p in self.person_findings + self.person_consequences
        ) or (self.since is not None and bool(self.person_consequences))
        self.keep_values = self.with_people and plan.reads_contracts
        contracts, people = portfolio.contracts, portfolio.people
        #: Spells being recorded, by key (see `_Key`).
        self.finding_spells = _spells(self.contract_findings, len(contracts))
        self.finding_spells.update(_spells(self.person_findings, len(people)))
        self.finding_spells.update(_spells(self.organisation.findings, 1))
        self.consequence_spells = _spells(self.contract_consequences, len(contracts))
        self.consequence_spells.update(_spells(self.person_consequences, len(people)))
        self.consequence_spells.update(_spells(self.organisation.consequences, 1))
        #: Every finding as it stands on the day being looked at, its `findings` map, and the
        #: findings each person is the accountable person of (a person's `findings`).
        self.findings: dict[_Key, Finding] = {}
        self.maps: dict[_Key, Any] = {}
        self.routes: dict[str | None, set[_Key]] = {}
        #: Each contract's value as the people's `contracts` hold it, as it stands.
        self.values: list[Any] = [None] * len(contracts)
        #: The contracts each person holds or has held a role on, by position.
        self.held: dict[str, list[int]] = {}
        for position, contract in enumerate(contracts):
            for person_id in dict.fromkeys(a.person for a in contract.assignments):
                self.held.setdefault(person_id, []).append(position)
        self.person_ids = {person.id: p for p, person in enumerate(people)}
        #: Day → the people to look at that day, from the period's data alone.
        self.person_statics = self.person_static_days()

    # -- the sweep ---------------------------------------------------------------------------

    def sweep(self) -> None:
        """Every day on which some subject must be looked at, in order."""
        contracts = self.portfolio.contracts
        states = [
            _Contract(
                _static_days(contract, self.portfolio.waivers, self.start, self.end),
                len(self.contract_findings),
            )
            for contract in contracts
        ]
        agenda: list[tuple[datetime.date, int]] = [(self.start, c) for c in range(len(contracts))]
        heapq.heapify(agenda)
        people_days = sorted(self.person_statics)
        everyone = set(range(len(self.portfolio.people)))
        day: datetime.date | None = self.start
        while day is not None:
            run = self.run.at(day)
            due: list[int] = []
            while agenda and agenda[0][0] == day:
                due.append(heapq.heappop(agenda)[1])
            dirty = set(everyone) if day == self.start or self.people_daily else set()
            for position in sorted(due):
                state = states[position]
                dirty |= self.look_at(run, position, contracts[position], state, day)
                following = self.next_day(position, state, day)
                if following is not None:
                    heapq.heappush(agenda, (following, position))
            if self.organisation.today(day, bool(due)):
                dirty |= self.organisation.look_at(self, run, day)
            dirty |= self.person_statics.get(day, set())
            if dirty and self.with_people:
                self.look_at_people(run, dirty, day)
            candidates = [agenda[0][0]] if agenda else []
            candidates.extend(self.organisation.next_days(day))
            later = bisect.bisect_right(people_days, day)
            if later < len(people_days):
                candidates.append(people_days[later])
            if self.people_daily and day < self.end:
                candidates.append(day + _DAY)
            day = min(candidates, default=None)

    def person_static_days(self) -> dict[datetime.date, set[int]]:
        """Day → the people (by position) whose holdings or waivers change that day."""
        found: dict[datetime.date, set[int]] = {}

        def note(person_id: str, days: Iterable[datetime.date]) -> None:
            position = self.person_ids.get(person_id)
            if position is not None:
                for day in days:
                    if self.start < day <= self.end:
                        found.setdefault(day, set()).add(position)

        for contract in self.portfolio.contracts:
            for assignment in contract.assignments:
                note(assignment.person, (assignment.start, *_after(assignment.end)))
        for waiver in self.portfolio.waivers:
            note(waiver.subject, (waiver.approved_on, *_after(waiver.expires)))
        return found

    def next_day(self, position: int, state: _Contract, day: datetime.date) -> datetime.date | None:
        """The next day the contract must be looked at, or None if none in the period."""
        candidates = [pending for pending in state.pending if pending > day]
        while state.next_static < len(state.statics) and state.statics[state.next_static] <= day:
            state.next_static += 1
        if state.next_static < len(state.statics):
            candidates.append(state.statics[state.next_static])
        daily = False
        for c, gate_dated in self.daily_consequences.items():
            if c in self.moving.consequence_conditions:
                quiet = self.consequence_quiet.get((c, position))
                if quiet is not None and quiet > day:
                    candidates.append(quiet)
            elif self.judged_daily(c, position, gate_dated):
                daily = True
        for k in self.daily:
            if k in state.settled:
                continue
            if k not in self.moving:
                daily = True
            elif (quiet := state.quiet.get(k)) is not None:
                candidates.append(quiet)
        if daily and day < self.end:
            candidates.append(day + _DAY)
        following = min(candidates, default=None)
        return following if following is not None and following <= self.end else None

    # -- a contract --------------------------------------------------------------------------

    def look_at(
        self, run: Run, position: int, contract: Contract, state: _Contract, day: datetime.date
    ) -> set[int]:
        """Judge the contract on `day`: every policy when its value or a due date changed,
        else only the daily ones not settled; then its sanctions and rewards if need be.
        Gives the people (by position) whose inputs changed."""
        static = state.segment is None or (
            state.next_static < len(state.statics) and state.statics[state.next_static] == day
        )
        whole = static or day in state.pending
        state.pending.discard(day)
        if whole:
            which: Iterable[int] = range(len(self.contract_findings))
        else:
            which = [
                k
                for k in self.daily
                if k not in state.settled
                and (
                    k not in self.moving
                    or ((q := state.quiet.get(k, day)) is not None and q <= day)
                )
            ]
            if not which and not self.consequences_today(position, day):
                return set()
        scopes = run.scopes
        if static:
            scope = scopes.contract(contract)
            state.segment = scope
            state.settled = self.guards.settled(scope)
        else:
            assert state.segment is not None
            scope = scopes.rebased(state.segment)
        dirty: set[int] = set()
        changed = static
        for k in which:
            index, policy = self.contract_findings[k]
            outcome = run.outcome(policy, scope)
            for change in DATE_CHANGES[policy.policy.kind](policy, outcome):
                if day < change <= self.end:
                    state.pending.add(change)
            previous = state.outcomes[k]
            state.outcomes[k] = outcome
            if (
                not whole
                and outcome[0] is previous[0]
                and (not self.evidence_read or outcome[3] == previous[3])
            ):
                continue  # the same status (and evidence): the same finding, as anyone reads it
            finding = run.found(policy, scope, outcome)
            if self.update((index, position), finding, run, day, dirty):
                changed = True
        for k in which:
            if k in self.moving and k not in state.settled:
                assert state.segment is not None
                state.quiet[k] = self.moving.next_change(
                    k, scopes, state.segment, scope, day, _segment_end(state, day, self.end)
                )
        today = (
            range(len(self.contract_consequences))
            if changed
            else self.consequences_today(position, day)
        )
        if today:
            about = [self.findings[index, position] for index, _ in self.contract_findings]
            maps = [self.maps[index, position] for index, _ in self.contract_findings]
            values: list[dict[str, Any]] | None = None
            for c in today:
                index, policy = self.contract_consequences[c]
                made = run.consequence(policy, scope, about, maps)
                self.consequence_spells[index, position].note(day, made.status, made.accountable)
                if c in self.moving.consequence_conditions:
                    assert state.segment is not None
                    values = values or [finding_value(finding) for finding in about]
                    self.consequence_quiet[c, position] = self.moving.next_consequence_change(
                        c, scopes, state.segment, values, day, _segment_end(state, day, self.end)
                    )
            run.reset()
        if self.keep_values and static:
            value = scopes.element(contract)
            if value != self.values[position]:
                self.values[position] = value
                dirty.update(_holders(contract, day, self.person_ids))
        scopes.forget(scope, keep=False)
        return dirty

    def consequences_today(self, position: int, day: datetime.date) -> list[int]:
        """The contract's sanctions and rewards (by position in `contract_consequences`) to
        judge again on a day its findings did not change: those that read the date, but not
        one that is `not_triggered` with a gate that does not read it, nor one of `moving`
        before the day one of its conditions changes."""
        today = []
        for c, gate_dated in self.daily_consequences.items():
            if c in self.moving.consequence_conditions:
                quiet = self.consequence_quiet.get((c, position), day)
                if quiet is not None and quiet <= day:
                    today.append(c)
            elif self.judged_daily(c, position, gate_dated):
                today.append(c)
        return today

    def judged_daily(self, c: int, position: int, gate_dated: bool) -> bool:
        """Whether a sanction or reward that reads the date is judged again every day: not
        while it is `not_triggered` with a gate that does not read the date."""
        if gate_dated:
            return True
        changes = self.consequence_spells[self.contract_consequences[c][0], position].changes
        return not (changes and changes[-1][1][0] is ConsequenceStatus.NOT_TRIGGERED)

    def update(
        self, key: _Key, finding: Finding, run: Run, day: datetime.date, dirty: set[int]
    ) -> bool:
        """Record a finding judged on `day`; True if its content changed as sanctions and
        rewards read it (and the people it is routed to, before and after, are `dirty`)."""
        began = self.finding_spells[key].note(day, finding.status, finding.accountable)
        if began and self.since is not None:
            subject = finding.subject
            self.since.starts[finding.policy, subject.type, subject.id] = day
        previous = self.findings.get(key)
        self.findings[key] = finding
        if previous is not None and _content(previous, self.evidence_read) == _content(
            finding, self.evidence_read
        ):
            return False
        self.maps[key] = run.maps([finding])[0]
        before = previous.accountable.person if previous is not None else None
        after = finding.accountable.person
        if before != after:
            if previous is not None:
                self.routes.get(before, set()).discard(key)
            self.routes.setdefault(after, set()).add(key)
        for person in (before, after):
            position = self.person_ids.get(person) if person is not None else None
            if position is not None:
                dirty.add(position)
        return True

    # -- people ------------------------------------------------------------------------------

    def look_at_people(self, run: Run, dirty: set[int], day: datetime.date) -> None:
        """Judge the person-scope policies for the `dirty` people on `day`: their rules, then
        (with the people whose person-scope findings they are accountable for, if those
        changed) their sanctions and rewards."""
        people = self.portfolio.people
        scopes = run.scopes
        if self.keep_values:
            scopes.hold(_holding(self.portfolio, self.values, self.held, sorted(dirty), day))
        else:
            scopes.hold({})
        more: set[int] = set()
        for position in sorted(dirty):
            scope = scopes.person(people[position])
            for index, policy in self.person_findings:
                self.update((index, position), run.finding(policy, scope), run, day, more)
        if not self.person_consequences:
            return
        extra = more - dirty  # routed a changed person-scope finding: their `contracts` too
        if extra and self.keep_values:
            scopes.hold(
                _holding(self.portfolio, self.values, self.held, sorted(dirty | extra), day)
            )
        for position in sorted(dirty | more):
            scope = scopes.person(people[position])
            keys = sorted(
                self.routes.get(people[position].id, set())
                | {(index, position) for index, _ in self.person_findings}
            )
            found = [self.findings[key] for key in keys if key in self.findings]
            maps = [self.maps[key] for key in keys if key in self.findings]
            relevant = FindingsIndex([], contracts=(), people=True, maps=[])
            relevant.add(found, maps)
            subject = scope.subject
            for index, policy in self.person_consequences:
                made = run.consequence(policy, scope, relevant(subject), relevant.maps(subject))
                self.consequence_spells[index, position].note(day, made.status, made.accountable)
            run.reset()


class _Organisation:
    """When the organisation-scope policies must be judged again (see the module): on the
    first day; on any day a contract is looked at (their `contracts` may have changed); on
    the days of the organisation's own reviews and reports and of its waivers; on the days
    their judges name (a due date passed); and every day if one reads the date."""

    def __init__(
        self,
        plan: Plan,
        portfolio: Portfolio,
        positions: list[tuple[int, CompiledPolicy]],
        period: tuple[datetime.date, datetime.date],
        since: bool,
    ) -> None:
        scope = PolicyScope.ORGANISATION
        listed = [(i, p) for i, p in positions if p.policy.scope is scope]
        self.findings = [(i, p) for i, p in listed if not _consequence(p)]
        self.consequences = [(i, p) for i, p in listed if _consequence(p)]
        start, end = self.start, self.end = period
        read = plan.findings_read
        overdue_read = read is None or any(
            path[0] == "evidence" and path[1:] in ((), ("days_overdue",)) for path in read
        )
        #: Whether they are judged every day: one reads the date, or the sanctions and
        #: rewards read days overdue or `since` (with a look-back), which move daily.
        self.daily = any(p.id in plan.reads_date for _, p in listed) or (
            bool(self.consequences) and (overdue_read or since)
        )
        days: set[datetime.date] = {review.date for review in portfolio.reviews}
        days.update(report.received for report in portfolio.reports)
        for waiver in portfolio.waivers:
            if waiver.subject == portfolio.organisation:
                days.add(waiver.approved_on)
                days.update(_after(waiver.expires))
        #: The days after the first on which the organisation's own value may change.
        self.statics = sorted(day for day in days if start < day <= end)
        self.static_days = frozenset(self.statics)
        #: The days their judges named (a due date passed), still to come.
        self.pending: set[datetime.date] = set()

    def today(self, day: datetime.date, contracts_looked_at: bool) -> bool:
        """Whether to judge them on `day` (after the contracts of the day)."""
        if not (self.findings or self.consequences):
            return False
        named = day in self.pending
        self.pending.discard(day)
        return (
            day == self.start
            or contracts_looked_at
            or self.daily
            or named
            or day in self.static_days
        )

    def look_at(self, timeline: _Timeline, run: Run, day: datetime.date) -> set[int]:
        """Judge the organisation-scope policies on `day`, then its sanctions and rewards;
        recorded in `timeline`. Gives the people (by position) a changed finding is routed
        to."""
        scope = run.scopes.organisation()
        dirty: set[int] = set()
        for index, policy in self.findings:
            outcome = run.outcome(policy, scope)
            for change in DATE_CHANGES[policy.policy.kind](policy, outcome):
                if day < change <= self.end:
                    self.pending.add(change)
            timeline.update((index, 0), run.found(policy, scope, outcome), run, day, dirty)
        # Judged whenever the organisation is: they may read `organisation` and `contracts`,
        # which change on these days, as well as the findings (one subject: cheap).
        if self.consequences:
            about = [timeline.findings[index, 0] for index, _ in self.findings]
            for index, policy in self.consequences:
                made = run.consequence(policy, scope, about)
                timeline.consequence_spells[index, 0].note(day, made.status, made.accountable)
            run.reset()
        return dirty

    def next_days(self, day: datetime.date) -> tuple[datetime.date, ...]:
        """The next day they must be judged on, whatever the contracts do (none: empty)."""
        if not (self.findings or self.consequences):
            return ()
        candidates = [pending for pending in self.pending if pending > day]
        later = bisect.bisect_right(self.statics, day)
        if later < len(self.statics):
            candidates.append(self.statics[later])
        if self.daily and day < self.end:
            candidates.append(day + _DAY)
        return (min(candidates),) if candidates else ()


def _static_days(
    contract: Contract, waivers: Iterable[Waiver], start: datetime.date, end: datetime.date
) -> list[datetime.date]:
    """The days after `start`, up to `end`, on which the contract's value may change (see the
    module)."""
    days: set[datetime.date] = set()
    days.update(review.date for review in contract.reviews)
    days.update(report.received for report in contract.reports)
    days.update(transaction.date for transaction in contract.transactions)
    days.update(amendment.date for amendment in contract.amendments)
    # An approval becomes known on its own day (`Amendment.known_on`).
    days.update(a.approved_on for a in contract.amendments if a.approved_on is not None)
    days.update(applied.date for applied in contract.consequences)
    for assignment in contract.assignments:
        days.add(assignment.start)
        if assignment.end is not None:
            days.update(_after(assignment.end))
    for waiver in waivers:
        if waiver.subject == contract.id:
            days.add(waiver.approved_on)
            days.update(_after(waiver.expires))
    return sorted(day for day in days if start < day <= end)


def _spells(listed: list[tuple[int, CompiledPolicy]], count: int) -> dict[_Key, _Spells]:
    """A record of spells for each of `listed` policies and each of `count` subjects."""
    return {(index, position): _Spells() for index, _ in listed for position in range(count)}


def _content(finding: Finding, evidence_read: bool) -> Any:
    """What of a finding can change for its policy and subject and be read by sanctions and
    rewards: its status, its accountable person (who routes it to a person's `findings`)
    and, if they read it, its evidence."""
    if evidence_read:
        return (finding.status, finding.accountable.person, finding.evidence)
    return (finding.status, finding.accountable.person)


def _holders(contract: Contract, day: datetime.date, person_ids: dict[str, int]) -> set[int]:
    """The people (by position) who hold a role on `contract` on `day`."""
    return {
        position
        for person in contract.accountable(day).values()
        if (position := person_ids.get(person)) is not None
    }


def _holding(
    portfolio: Portfolio,
    values: list[Any],
    held: dict[str, list[int]],
    dirty: list[int],
    day: datetime.date,
) -> dict[str, list[Any]]:
    """Person id → the `values` of the contracts they hold a role on, on `day`, in portfolio
    order, for the `dirty` people (what `contracts` holds in their scope); `held`: the
    contracts each person holds or has held a role on."""
    holding: dict[str, list[Any]] = {}
    contracts, people = portfolio.contracts, portfolio.people
    for position in dirty:
        person_id = people[position].id
        holding[person_id] = [
            values[c]
            for c in held.get(person_id, [])
            if person_id in contracts[c].accountable(day).values()
        ]
    return holding


def _segment_end(state: _Contract, day: datetime.date, end: datetime.date) -> datetime.date:
    """The last day of the contract's segment that holds `day` (at most `end`)."""
    statics, at = state.statics, state.next_static
    while at < len(statics) and statics[at] <= day:
        at += 1
    return statics[at] - _DAY if at < len(statics) else end


def _gate_reads_date(plan: Plan, policy: CompiledPolicy) -> bool:
    """Whether a consequence's `applies_to` or `trigger` reads the date."""
    return any(
        reads_date(program, plan.dated_definitions)
        for field, program in policy.programs.items()
        if field in ("applies_to", "trigger")
    )


def _after(day: datetime.date | None) -> tuple[datetime.date, ...]:
    """The day after `day`, if there is one in the calendar."""
    return (day + _DAY,) if day is not None and day < datetime.date.max else ()


def _consequence(policy: CompiledPolicy) -> bool:
    return isinstance(policy.policy, ConsequencePolicy)


def _assembled(timeline: _Timeline) -> History:
    """The spells recorded by a finished sweep, policy by policy in the framework's order, then
    subject by subject in the portfolio's."""
    spells: list[Spell] = []
    consequence_spells: list[ConsequenceSpell] = []
    contracts, people = timeline.portfolio.contracts, timeline.portfolio.people
    for index, compiled in enumerate(timeline.plan.policies):
        policy = compiled.policy
        kind = policy.scope.value
        if policy.scope is PolicyScope.ORGANISATION:
            ids = [timeline.portfolio.organisation]
        elif policy.scope is PolicyScope.PERSON:
            ids = [p.id for p in people]
        else:
            ids = [c.id for c in contracts]
        for position, subject_id in enumerate(ids):
            changes = (
                timeline.consequence_spells if _consequence(compiled) else timeline.finding_spells
            )[index, position].changes
            for first, last, (status, accountable) in runs(changes, timeline.end):
                if last < timeline.record_from:
                    continue  # before the period: swept only to know when spells began
                begin = max(first, timeline.record_from)
                if isinstance(policy, ConsequencePolicy):
                    consequence_spells.append(
                        ConsequenceSpell(
                            policy=policy.id,
                            effect=policy.effect,
                            subject=Subject(kind, subject_id),
                            status=status,
                            start=begin,
                            end=last,
                            accountable=accountable,
                        )
                    )
                else:
                    spells.append(
                        Spell(
                            policy=policy.id,
                            kind=policy.kind,
                            subject=Subject(kind, subject_id),
                            status=status,
                            start=begin,
                            end=last,
                            accountable=accountable,
                        )
                    )
    framework = timeline.plan.framework
    return History.for_period(
        framework,
        timeline.portfolio,
        timeline.record_from,
        timeline.end,
        spells,
        consequence_spells,
    )
