"""`rule`: anything else; `require` true passes, false fails (SPEC section 4).

A rule may have person scope: its subject is then each person, with `person` and `contracts`.
"""

from __future__ import annotations

import datetime

from accountframe.assessment import Status
from accountframe.compiler.compiler import CompiledPolicy
from accountframe.evaluation.judges.base import Judging, Outcome
from accountframe.evaluation.scope import Scope

__all__ = ["changes", "judge"]


def judge(policy: CompiledPolicy, scope: Scope, judging: Judging) -> Outcome:
    """The rule's finding for a contract or a person."""
    if judging.expressions.test(policy, "require", scope):
        return Status.PASS, f"met: {policy.policy.title}", None, {}, ()
    return Status.FAIL, f"not met: {policy.policy.title}", None, {}, ()


def changes(policy: CompiledPolicy, outcome: Outcome) -> tuple[datetime.date, ...]:
    """A rule's outcome changes only with its inputs (an expression that reads the date itself
    is evaluated every day: see `accountframe.timeline`)."""
    return ()
