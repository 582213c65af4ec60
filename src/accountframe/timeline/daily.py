"""History by its definition: the framework evaluated as of every day of the period.

SPEC section 13 defines a spell by evaluating every day. `day_by_day` does exactly that, with
the evaluation stage's own code, and is what the change-point engine (`timeline.engine`) is
held to, byte for byte (tests/property/test_timeline_properties.py, and
`benchmarks/history.py`, which times both). It is also the slow way: use `af.history`.
"""

from __future__ import annotations

import datetime

from accountframe._version import __version__
from accountframe.assessment import Accountable
from accountframe.compiler.compiler import Plan
from accountframe.evaluation.assess import evaluate
from accountframe.model import Portfolio
from accountframe.timeline.spells import ConsequenceSpell, History, Spell, runs

__all__ = ["day_by_day", "spell_accountable"]


def spell_accountable(accountable: Accountable) -> Accountable:
    """The accountable person as a spell holds it: role, person and name (the vacant roles
    passed over are not part of a spell)."""
    if not accountable.fallback_from:
        return accountable
    return Accountable(role=accountable.role, person=accountable.person, name=accountable.name)


def day_by_day(
    plan: Plan, portfolio: Portfolio, start: datetime.date, end: datetime.date
) -> History:
    """The spells of every finding and consequence from `start` to `end`, found by evaluating
    the framework as of each day."""
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    assessments = [evaluate(plan, portfolio, day) for day in days]
    first = assessments[0]
    spells: list[Spell] = []
    for position, finding in enumerate(first.findings):
        changes = [
            (day, (found.status, spell_accountable(found.accountable)))
            for day, found in (
                (d, a.findings[position]) for d, a in zip(days, assessments, strict=True)
            )
        ]
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
        made_changes = [
            (day, (made.status, spell_accountable(made.accountable)))
            for day, made in (
                (d, a.consequences[position]) for d, a in zip(days, assessments, strict=True)
            )
        ]
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
    return History(
        framework=framework.name,
        framework_version=framework.version,
        framework_digest=framework.digest,
        organisation=portfolio.organisation,
        portfolio_digest=portfolio.digest,
        start=start,
        end=end,
        generated_by=f"accountframe {__version__}",
        spells=tuple(spells),
        consequence_spells=tuple(consequence_spells),
    )
