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
nothing else of the date (a rule's finding is its `applies_to` and `require`).

Only within the years 1100 to 9000: nearer the calendar's ends, date arithmetic saturates or
fails and a condition may no longer move one way.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from accountframe import cel
from accountframe.cel.monotone import CONSTANT, Direction, direction, moving_conditions
from accountframe.compiler.compiler import CompiledPolicy, Plan, reads_date
from accountframe.errors import CelError
from accountframe.evaluation.scope import ContractScope, Scopes
from accountframe.framework.policies import Rule

__all__ = ["Guards", "Moving"]

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
        if isinstance(policy.policy, Rule) and require is not None and fixed:
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
    """The daily rules (by position in the timeline's contract findings) whose conditions each
    move one way, and the next day each can change.

    Args:
        plan: The compiled framework.
        policies: The contract-scope finding policies, in the timeline's order.
        daily: Positions among `policies` of those looked at every day.
        start: The first day swept.
        end: The last.
    """

    def __init__(
        self,
        plan: Plan,
        policies: Sequence[CompiledPolicy],
        daily: Sequence[int],
        start: datetime.date,
        end: datetime.date,
    ) -> None:
        #: Position → the conditions that move (each a program over a contract's scope).
        self.conditions: dict[int, list[cel.Program]] = {}
        if not (_SAFE[0] <= start and end <= _SAFE[1]):
            return
        dated: dict[str, Direction] = {}
        for name, program in plan.definitions:
            if name in plan.dated_definitions:
                dated[name] = direction(program, dated)
        for k in daily:
            policy = policies[k]
            if not isinstance(policy.policy, Rule):
                continue
            conditions: list[cel.Program] = []
            for field in ("applies_to", "require"):
                condition = policy.programs.get(field)
                if condition is None or direction(condition, dated) == CONSTANT:
                    continue
                found = moving_conditions(condition, dated)
                if found is None:
                    break
                conditions += [part.program for part in found]
            else:
                self.conditions[k] = conditions

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
        found: datetime.date | None = None
        for program in self.conditions[k]:
            before = _value(program, today)
            high = last if found is None else found - datetime.timedelta(days=1)
            if high <= day or _value(program, scopes.at(high).rebased(segment)) == before:
                continue
            low = day  # the value on `low` is `before`; on `high` it is not
            while (high - low).days > 1:
                middle = low + datetime.timedelta(days=(high - low).days // 2)
                if _value(program, scopes.at(middle).rebased(segment)) == before:
                    low = middle
                else:
                    high = middle
            found = high
        return found


def _value(program: cel.Program, scope: ContractScope) -> Any:
    try:
        return program.evaluate(scope.bound)
    except CelError:
        return _ERROR


def _gives(program: cel.Program, scope: ContractScope, value: bool) -> bool:
    """Whether `program` gives exactly `value` in the scope (an error gives neither)."""
    try:
        return program.evaluate(scope.bound) is value
    except CelError:
        return False
