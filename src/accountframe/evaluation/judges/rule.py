"""`rule`: anything else; `require` true passes, false fails (SPEC section 4).

A failure's message names the part of `require` that was false (`Expressions.unmet`):
`not met: TITLE (contract.strategic is false)`. A rule with `due` (a CEL timestamp: by when it
must next be met, e.g. the last risk review plus three months) has that date as its finding's
due date, with `due` and `days_overdue` as evidence; the schedule lists it.

A rule may have person scope: its subject is then each person, with `person` and `contracts`.
"""

from __future__ import annotations

import datetime

from accountframe.assessment import Status
from accountframe.compiler.compiler import CompiledPolicy
from accountframe.evaluation.judges.base import Judging, Outcome
from accountframe.evaluation.judges.freshness import days_overdue
from accountframe.evaluation.scope import Scope

__all__ = ["changes", "judge"]


def judge(policy: CompiledPolicy, scope: Scope, judging: Judging) -> Outcome:
    """The rule's finding for a contract or a person; a failure names the part of `require`
    that was false."""
    expressions = judging.expressions
    due: datetime.date | None = None
    evidence = {}
    if "due" in policy.programs:
        # Evaluated whatever `require` gives: a pass is due again then too.
        due = expressions.value(policy, "due", scope, datetime.datetime).date()
        evidence = {"due": due, "days_overdue": days_overdue(due, judging.as_of)}
    if expressions.test(policy, "require", scope):
        return Status.PASS, f"met: {policy.policy.title}", due, evidence, ()
    unmet = expressions.unmet(policy, "require", scope)
    message = (
        f"not met: {policy.policy.title} ({unmet})" if unmet else f"not met: {policy.policy.title}"
    )
    return Status.FAIL, message, due, evidence, ()


def changes(policy: CompiledPolicy, outcome: Outcome) -> tuple[datetime.date, ...]:
    """A rule's outcome changes only with its inputs (an expression that reads the date itself
    is evaluated every day: see `accountframe.timeline`)."""
    return ()
