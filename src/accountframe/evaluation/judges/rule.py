"""`rule`: anything else; `require` true passes, false fails (SPEC section 4).

A failure's message names the part of `require` that was false (`Expressions.unmet`):
`not met: TITLE (contract.strategic is false)`.

A rule may have person scope: its subject is then each person, with `person` and `contracts`.
"""

from __future__ import annotations

from accountframe.assessment import Status
from accountframe.compiler.compiler import CompiledPolicy
from accountframe.evaluation.judges.base import Judging, Outcome
from accountframe.evaluation.scope import Scope

__all__ = ["judge"]


def judge(policy: CompiledPolicy, scope: Scope, judging: Judging) -> Outcome:
    """The rule's finding for a contract or a person; a failure names the part of `require`
    that was false."""
    expressions = judging.expressions
    if expressions.test(policy, "require", scope):
        return Status.PASS, f"met: {policy.policy.title}", None, {}, ()
    unmet = expressions.unmet(policy, "require", scope)
    message = (
        f"not met: {policy.policy.title} ({unmet})" if unmet else f"not met: {policy.policy.title}"
    )
    return Status.FAIL, message, None, {}, ()
