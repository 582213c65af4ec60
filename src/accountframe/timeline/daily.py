"""History by its definition: the framework evaluated as of every day of the period.

SPEC section 13 defines a spell by evaluating every day. `day_by_day` does exactly that, with
the evaluation stage's own code, and is what the change-point engine (`timeline.engine`) is
held to, byte for byte (tests/property/test_timeline_properties.py, and
`benchmarks/history.py`, which times both). It is also the slow way: use `af.history`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from accountframe.assessment import Accountable, Assessment, Consequence, Finding
from accountframe.compiler.compiler import SINCE_FIELDS, Plan
from accountframe.evaluation.assess import evaluate
from accountframe.evaluation.findings import Since
from accountframe.evaluation.run import Run
from accountframe.framework.duration import Duration
from accountframe.model import Portfolio
from accountframe.timeline.spells import ConsequenceSpell, History, Spell, runs

__all__ = ["day_by_day", "spell_accountable"]


def _changes(
    days: list[datetime.date], results: Sequence[Finding | Consequence]
) -> list[tuple[datetime.date, tuple[Any, Accountable]]]:
    """Each day's (status, accountable) of one finding or consequence, as `runs` reads them."""
    return [
        (day, (result.status, spell_accountable(result.accountable)))
        for day, result in zip(days, results, strict=True)
    ]


def _days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]


def _with_since(
    plan: Plan, portfolio: Portfolio, days: list[datetime.date], look_back: Duration
) -> list[Assessment]:
    """Each day's assessment, its sanctions and rewards seeing the `since` of every finding
    found by looking back through the findings of the days before (no change points)."""
    earlier = _days(look_back.before(days[0]), days[-1])
    # The findings do not depend on `since`: every day's, by (policy, type, id).
    triples: list[dict[tuple[str, str, str], object]] = []
    for day in earlier:
        triples.append(
            {
                (f.policy, f.subject.type, f.subject.id): (
                    f.status,
                    spell_accountable(f.accountable),
                )
                for f in evaluate(plan, portfolio, day).findings
            }
        )
    assessments = []
    for day in days:
        at = earlier.index(day)
        limit = look_back.before(day)
        starts = {}
        for key, value in triples[at].items():
            back = at
            while back > 0 and earlier[back - 1] >= limit and triples[back - 1].get(key) == value:
                back -= 1
            starts[key] = earlier[back]
        since = Since(look_back, starts)
        assessments.append(Run(plan, portfolio, day, since=since).assessment())
    return assessments


def spell_accountable(accountable: Accountable) -> Accountable:
    """The accountable person as a spell holds it: role, person and name (the vacant roles
    passed over are not part of a spell)."""
    if not accountable.fallback_from:
        return accountable
    return Accountable(role=accountable.role, person=accountable.person, name=accountable.name)


def day_by_day(
    plan: Plan,
    portfolio: Portfolio,
    start: datetime.date,
    end: datetime.date,
    look_back: Duration | None = None,
) -> History:
    """The spells of every finding and consequence from `start` to `end`, found by evaluating
    the framework as of each day.

    With a look-back (default: the framework's) that sanctions and rewards read, each day's
    `since` is found the slow way too: the findings of every day from `start - look_back` on,
    searched back from the day.
    """
    days = _days(start, end)
    look_back = look_back or plan.framework.look_back
    fields = plan.finding_fields
    if look_back is None or not (fields is None or not fields.isdisjoint(SINCE_FIELDS)):
        assessments = [evaluate(plan, portfolio, day) for day in days]
    else:
        assessments = _with_since(plan, portfolio, days, look_back)
    first = assessments[0]
    spells: list[Spell] = []
    for position, finding in enumerate(first.findings):
        changes = _changes(days, [a.findings[position] for a in assessments])
        spells.extend(
            Spell(
                policy=finding.policy,
                kind=finding.kind,
                subject=finding.subject,
                status=status,
                start=begin,
                end=last,
                accountable=accountable,
            )
            for begin, last, (status, accountable) in runs(changes, end)
        )
    consequence_spells: list[ConsequenceSpell] = []
    for position, consequence in enumerate(first.consequences):
        made_changes = _changes(days, [a.consequences[position] for a in assessments])
        consequence_spells.extend(
            ConsequenceSpell(
                policy=consequence.policy,
                effect=consequence.effect,
                subject=consequence.subject,
                status=status,
                start=begin,
                end=last,
                accountable=accountable,
            )
            for begin, last, (status, accountable) in runs(made_changes, end)
        )
    framework = plan.framework
    return History.for_period(framework, portfolio, start, end, spells, consequence_spells)
