"""`oversight_cadence`: a qualifying senior review at least every `every` (SPEC section 4).

The qualifying reviews are the contract's reviews dated on or before as_of for which
`counts_if` holds; the due arithmetic is `freshness` (a rolling `every`, or fixed `periods`).
Evidence: `last`, `period_end` (fixed periods only), `due`, `days_overdue`, `qualifying` (how
many counted); the reviews that counted go to the schedule.
"""

from __future__ import annotations

import datetime

from accountframe.compiler.compiler import CompiledPolicy
from accountframe.evaluation.judges.base import Judging, Outcome
from accountframe.evaluation.judges.freshness import (
    NO_START_ORGANISATION,
    days_overdue,
    freshness,
    period_end,
    status_changes,
)
from accountframe.evaluation.scope import EventScope
from accountframe.framework.policies import OversightCadence

__all__ = ["changes", "judge"]


def judge(policy: CompiledPolicy, scope: EventScope, judging: Judging) -> Outcome:
    """The cadence finding for a contract."""
    kind = policy.policy
    assert isinstance(kind, OversightCadence)
    expressions, observer = judging.expressions, judging.observer
    # The reviews dated on or before as_of, as bound (when the policy looks at them).
    reviews = scope.reviews
    canonical = judging.scopes.bound_events(scope, reviews) if expressions.counting(policy) else []
    items = scope.view["reviews"] if observer.thorough else None
    counted = expressions.counted(policy, scope, "review", reviews, canonical, items)
    dates = [review.date for review in counted]
    periods = kind.periods
    # The organisation has no start date: no qualifying event fails (SPEC section 4).
    start = scope.contract.start if scope.contract is not None else None
    no_start = "no contract start date" if scope.contract is not None else NO_START_ORGANISATION
    status, due, message = freshness(
        policy.durations,
        "every",
        dates,
        start,
        "review",
        judging.as_of,
        observer,
        periods,
        no_start,
    )
    observer.note("freshness_result", status=status, message=message)
    # `period_end` only with fixed periods: a rolling cadence's evidence is as it always was.
    fixed = {"period_end": period_end(periods, dates, start)} if periods else {}
    evidence = {
        "last": max(dates) if dates else None,
        **fixed,
        "due": due,
        "days_overdue": days_overdue(due, judging.as_of),
        "qualifying": len(dates),
    }
    return status, message, due, evidence, counted


def changes(policy: CompiledPolicy, outcome: Outcome) -> tuple[datetime.date, ...]:
    """The days after which the outcome may change with the date alone: the freshness
    boundaries of its due date (see `freshness.status_changes`)."""
    return status_changes(policy.durations, outcome[2])
