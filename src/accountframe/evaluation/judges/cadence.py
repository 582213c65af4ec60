"""`oversight_cadence`: a qualifying senior review at least every `every` (SPEC section 4).

The qualifying reviews are the contract's reviews dated on or before as_of for which
`counts_if` holds; the due arithmetic is `freshness`. Evidence: `last`, `due`, `days_overdue`,
`qualifying` (how many counted); the reviews that counted go to the schedule.
"""

from __future__ import annotations

import datetime

from accountframe.compiler.compiler import CompiledPolicy
from accountframe.evaluation.judges.base import Judging, Outcome
from accountframe.evaluation.judges.freshness import days_overdue, freshness, status_changes
from accountframe.evaluation.scope import ContractScope

__all__ = ["changes", "judge"]


def judge(policy: CompiledPolicy, scope: ContractScope, judging: Judging) -> Outcome:
    """The cadence finding for a contract."""
    expressions, observer = judging.expressions, judging.observer
    # The reviews dated on or before as_of, as bound (when the policy looks at them).
    reviews = scope.reviews
    canonical = judging.scopes.bound_events(scope, reviews) if expressions.counting(policy) else []
    items = scope.view["reviews"] if observer.thorough else None
    counted = expressions.counted(policy, scope, "review", reviews, canonical, items)
    dates = [review.date for review in counted]
    status, due, message = freshness(
        policy.durations, "every", dates, scope.contract.start, "review", judging.as_of, observer
    )
    observer.note("freshness_result", status=status, message=message)
    evidence = {
        "last": max(dates) if dates else None,
        "due": due,
        "days_overdue": days_overdue(due, judging.as_of),
        "qualifying": len(dates),
    }
    return status, message, due, evidence, counted


def changes(policy: CompiledPolicy, outcome: Outcome) -> tuple[datetime.date, ...]:
    """The days after which the outcome may change with the date alone: the freshness
    boundaries of its due date (see `freshness.status_changes`)."""
    return status_changes(policy.durations, outcome[2])
