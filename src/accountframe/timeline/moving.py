"""The policies that read the date: which of them a contract's day needs looked at.

`Guards`: a daily policy is *settled* for a segment of a contract's history (no event,
assignment or waiver of it) when a guard that does not read the date decides it: an operand
of `applies_to`'s top-level `&&` (or all of it) that is false, or, for a rule whose
`applies_to` does not read the date, an operand of `require`'s top-level `&&` that is false or
of its `||` that is true. CEL's `&&` and `||` give that value whatever the other operands
give, errors included.

`Moving`: rules that read the date, looked at only on the days they can change.

A rule whose `applies_to` and `require` read the date (`now`) is, within a segment of a
contract's history (no event, assignment or waiver of it), a function of the date alone.
When each condition it is built from moves one way as the date advances
(`cel.moving_conditions`: `contract.end >= now` can only turn false, the SRO changes of the
last 24 months can only fall), each changes at most once in the segment, and bisection finds
the day: a rule like that is looked at on those days, not every day. Its status depends on
nothing else of the date (a rule's finding is its `applies_to`, `require` and, for an error,
its `due`). A rule whose evidence has days overdue that sanctions read is looked at daily.

Only within the years 1100 to 9000: nearer the calendar's ends, date arithmetic saturates or
fails and a condition may no longer move one way.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from accountframe import cel
from accountframe.cel.monotone import CONSTANT, Direction, direction, moving_conditions
from accountframe.compiler.compiler import CompiledPolicy, Plan, reads_date
from accountframe.errors import CelError
from accountframe.evaluation.scope import ContractScope, Scopes
from accountframe.framework.policies import Rule

__all__ = ["Guards", "Moving", "first_change"]

#: Where date arithmetic is far from the calendar's ends.
_SAFE = (datetime.date(1100, 1, 1), datetime.date(9000, 12, 31))
_ERROR = object()  # a condition's value when it fails (constant failures keep it)


class Guards:
    """The guards of the daily policies (by position in the timeline's contract findings)."""

    def __init__(
        self, plan: Plan, policies: Sequence[CompiledPolicy], daily: Sequence[int]
    ) -> None:
        self.plan = plan
        self.guards = {k: self.guards_of(policies[k]) for k in daily}

    def guards_of(
        self, policy: CompiledPolicy
    ) -> tuple[list[cel.Program], list[tuple[cel.Program, bool]]]:
        """A daily policy's guards (see `settled`)."""
        dated = self.plan.dated_definitions
        applies = policy.programs.get("applies_to")
        guards: list[cel.Program] = []
        if applies is not None and not reads_date(applies, dated):
            guards = [applies]  # the whole condition: false, it is false all the segment
        elif applies is not None:
            guards = [
                part.program
                for part in cel.subconditions(applies)
                if part.operator == "&&" and not reads_date(part.program, dated)
            ]
        decisive: list[tuple[cel.Program, bool]] = []
        require = policy.programs.get("require")
        fixed = applies is None or not reads_date(applies, dated)
        # A rule with `due` has days overdue in its evidence even when `require` is decided.
        if isinstance(policy.policy, Rule) and require is not None and fixed and not due(policy):
            decisive = [
                (part.program, part.operator == "||")
                for part in cel.subconditions(require)
                if part.operator in ("&&", "||") and not reads_date(part.program, dated)
            ]
        return guards, decisive

    def settled(self, scope: ContractScope) -> frozenset[int]:
        """The daily policies whose outcome the contract's value alone decides until its next
        static day: an operand of `applies_to`'s top-level `&&` (or all of it) that does not
        read the date and is false (the policy does not apply whatever the date); for a rule
        whose `applies_to` does not read the date, an operand of `require`'s top-level `&&`
        that is false, or of its `||` that is true. CEL's `&&` and `||` give that value
        whatever the other operands give, errors included."""
        settled: set[int] = set()
        for k, (applies, decisive) in self.guards.items():
            if any(_gives(guard, scope, False) for guard in applies) or any(
                _gives(guard, scope, value) for guard, value in decisive
            ):
                settled.add(k)
        return frozenset(settled)


class Moving:
    """The policies looked at only on the days one of their conditions can change: the daily
    rules (by position in the timeline's contract findings, `conditions`) and the contract
    scope sanctions and rewards that read the date (by position in its contract
    consequences, `consequence_conditions`) whose conditions each move one way.

    A rule's finding is its `applies_to` and `require`; a sanction's or reward's status is its
    `applies_to`, `trigger` and `applied_if` (with `findings` the same from one look to the
    next: a change of a finding has it judged again anyway), as long as its `amount`, which
    can make it `error`, does not read the date.

    Args:
        plan: The compiled framework.
        policies: The contract-scope finding policies, in the timeline's order.
        daily: Positions among `policies` of those looked at every day.
        consequences: The contract-scope sanctions and rewards, in the timeline's order.
        dated_consequences: Positions among `consequences` of those that read the date.
        start: The first day swept.
        end: The last.
    """

    def __init__(
        self,
        plan: Plan,
        policies: Sequence[CompiledPolicy],
        daily: Sequence[int],
        consequences: Sequence[CompiledPolicy],
        dated_consequences: Sequence[int],
        start: datetime.date,
        end: datetime.date,
    ) -> None:
        #: Position → the conditions that move (each a program over a contract's scope).
        self.conditions: dict[int, list[cel.Program]] = {}
        self.consequence_conditions: dict[int, list[cel.Program]] = {}
        if not (_SAFE[0] <= start and end <= _SAFE[1]):
            return
        self.dated: dict[str, Direction] = {}
        for name, program in plan.definitions:
            if name in plan.dated_definitions:
                self.dated[name] = direction(program, self.dated)
        for k in daily:
            policy = policies[k]
            if isinstance(policy.policy, Rule):
                # `due` too: an error of it is the finding's (a date is not a condition, but
                # one that moves each day is simply found changed each day).
                found = self.moving(policy, ("applies_to", "require", "due"))
                if found is not None:
                    self.conditions[k] = found
        for c in dated_consequences:
            policy = consequences[c]
            amount = policy.programs.get("amount")
            if amount is None or direction(amount, self.dated) == CONSTANT:
                found = self.moving(policy, ("applies_to", "trigger", "applied_if"))
                if found is not None:
                    self.consequence_conditions[c] = found

    def moving(self, policy: CompiledPolicy, fields: tuple[str, ...]) -> list[cel.Program] | None:
        """The conditions of `fields` that move one way; None if one does not."""
        conditions: list[cel.Program] = []
        for field in fields:
            condition = policy.programs.get(field)
            if condition is None or direction(condition, self.dated) == CONSTANT:
                continue
            found = moving_conditions(condition, self.dated)
            if found is None:
                return None
            conditions += [part.program for part in found]
        return conditions

    def __contains__(self, k: int) -> bool:
        return k in self.conditions

    def next_change(
        self,
        k: int,
        scopes: Scopes,
        segment: ContractScope,
        today: ContractScope,
        day: datetime.date,
        last: datetime.date,
    ) -> datetime.date | None:
        """The first day after `day`, up to `last` (the segment's last day), on which a
        condition of rule `k` has another value than on `day`; None if there is none.

        `today` is the contract's scope on `day`; `segment` its scope when the segment began.
        """

        def bound(on: datetime.date) -> Any:
            return today.bound if on == day else scopes.at(on).rebased(segment).bound

        return first_change(self.conditions[k], bound, day, last)

    def next_consequence_change(
        self,
        c: int,
        scopes: Scopes,
        segment: ContractScope,
        findings: list[dict[str, Any]],
        day: datetime.date,
        last: datetime.date,
    ) -> datetime.date | None:
        """As `next_change`, for sanction or reward `c` seeing `findings` (as `finding_value`
        gives them) on every day."""

        # The same findings every day: validated once, then bound as they are.
        plain = {"findings": segment.bound.merged({"findings": findings})["findings"]}

        def bound(on: datetime.date) -> Any:
            return scopes.at(on).rebased(segment).bound._trusted_merged(plain)

        return first_change(self.consequence_conditions[c], bound, day, last)


def first_change(
    conditions: Sequence[cel.Program],
    bound: Callable[[datetime.date], Any],
    day: datetime.date,
    last: datetime.date,
) -> datetime.date | None:
    """The first day after `day`, up to `last`, on which one of `conditions` (each moving one
    way) has another value than on `day`, with the variables `bound` gives for a day; None if
    there is none. Each condition changes at most once: bisection finds the day."""
    found: datetime.date | None = None
    for program in conditions:
        before = _value(program, bound(day))
        high = last if found is None else found - datetime.timedelta(days=1)
        if high <= day or _value(program, bound(high)) == before:
            continue
        low = day  # the value on `low` is `before`; on `high` it is not
        while (high - low).days > 1:
            middle = low + datetime.timedelta(days=(high - low).days // 2)
            if _value(program, bound(middle)) == before:
                low = middle
            else:
                high = middle
        found = high
    return found


def due(policy: CompiledPolicy) -> bool:
    """Whether a rule has `due` (a date by which it must next be met)."""
    return "due" in policy.programs


def _value(program: cel.Program, bound: Any) -> Any:
    try:
        return program.evaluate(bound)
    except CelError:
        return _ERROR


def _gives(program: cel.Program, scope: ContractScope, value: bool) -> bool:
    """Whether `program` gives exactly `value` in the scope (an error gives neither)."""
    try:
        return program.evaluate(scope.bound) is value
    except CelError:
        return False
