"""`sanction` and `reward`: a consequence due when `trigger` holds over `findings`.

Judged after every finding (SPEC section 4), with `findings` bound: `not_triggered` when
`applies_to` or `trigger` is false; else `applied` when `applied_if` holds (the data records
it as done), else `due`, by `within` after the assessment date when it is given. `amount`, when
given, must give a finite number. The policy's `message` replaces the message of a triggered one.
An expression that fails makes the consequence `error` (fail closed).
"""

from __future__ import annotations

import math

from accountframe.assessment import ConsequenceStatus
from accountframe.compiler.compiler import CompiledPolicy
from accountframe.evaluation.expressions import Failed, Variables
from accountframe.evaluation.judges.base import ConsequenceOutcome, Judging

__all__ = ["judge"]


def judge(policy: CompiledPolicy, at: Variables, judging: Judging) -> ConsequenceOutcome:
    """The consequence for a subject; `at` holds its variables with `findings`."""
    expressions = judging.expressions
    try:
        if not expressions.applies(policy, at):
            return ConsequenceStatus.NOT_TRIGGERED, "does not apply", None, None
        if not expressions.test(policy, "trigger", at):
            return ConsequenceStatus.NOT_TRIGGERED, "not triggered", None, None
        amount = None
        if "amount" in policy.programs:
            amount = float(expressions.value(policy, "amount", at, (int, float)))
            if not math.isfinite(amount):  # no amount to apply, and no JSON number
                where = policy.where("amount")
                raise Failed(f"amount must be a finite number (got {amount}) (at {where})")
        if "applied_if" in policy.programs and expressions.test(policy, "applied_if", at):
            status, message, due = ConsequenceStatus.APPLIED, "triggered and already applied", None
        else:
            within = policy.durations.get("within")
            due = within.after(judging.as_of) if within else None
            status = ConsequenceStatus.DUE
            message = f"triggered; apply by {due.isoformat()}" if due else "triggered"
        return status, expressions.message(policy, at, message), amount, due
    except Failed as failure:
        return ConsequenceStatus.ERROR, str(failure), None, None
