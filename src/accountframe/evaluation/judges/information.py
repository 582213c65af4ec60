"""`required_information`: a report of a kind received, fresh and complete (SPEC section 4).

Freshness is the cadence rule (`freshness`) with the `received` dates of the reports of the
policy's kind for which `counts_if` holds; `require`, given, must hold for the latest report of
the kind, and a failure names the part of it that was false. The status is the worse of the
two. A finding that fails on `require` alone has no due date (the next report's date is no
deadline for the report at hand; the evidence keeps it). Evidence: `last_received`,
`period_end` (fixed `periods` only), `due`, `days_overdue`, and `failed_check` (`freshness`,
`require`, both, or None).
"""

from __future__ import annotations

import datetime

from accountframe.assessment import Status
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
from accountframe.framework.policies import RequiredInformation

__all__ = ["changes", "judge"]


def judge(policy: CompiledPolicy, scope: EventScope, judging: Judging) -> Outcome:
    """The information finding for a contract."""
    kind = policy.policy
    assert isinstance(kind, RequiredInformation)
    expressions, observer = judging.expressions, judging.observer
    chosen, reports = scope.reports(kind.report)
    canonical = judging.scopes.bound_events(scope, reports) if expressions.counting(policy) else []
    items = [scope.view["reports"][position] for position in chosen] if observer.thorough else None
    counted = expressions.counted(policy, scope, "report", reports, canonical, items)
    dates = [report.received for report in counted]
    what = f"{kind.report} report"
    periods = kind.periods
    # The organisation has no start date: no qualifying event fails (SPEC section 4).
    start = scope.contract.start if scope.contract is not None else None
    no_start = "no contract start date" if scope.contract is not None else NO_START_ORGANISATION
    status, due, message = freshness(
        policy.durations,
        "max_age",
        dates,
        start,
        what,
        judging.as_of,
        observer,
        periods,
        no_start,
    )
    observer.note("freshness_result", status=status, message=message)
    failed_check = "freshness" if status is not Status.PASS else None
    latest = scope.latest.get(kind.report)
    if observer.thorough:
        observer.note("latest", report=scope.view["latest"].get(kind.report))
    finding_due = due
    if "require" in policy.programs and latest is not None:
        bound_latest = judging.scopes.bound_events(scope, [latest])[0]
        if not expressions.test_with(
            policy,
            "require",
            scope,
            "report",
            bound_latest,
            scope.view["latest"][kind.report] if observer.thorough else None,
        ):
            unmet = expressions.unmet(policy, "require", scope, None, {"report": bound_latest})
            failing = (
                f"the latest {what} ({latest.received.isoformat()}) does not meet the "
                "requirement" + (f": {unmet}" if unmet else "")
            )
            if status is Status.PASS:
                # Fresh, but not good enough: what is wrong is the report at hand, now. The
                # next report's due date is no deadline for that, so the finding has none
                # (the evidence keeps it, and the schedule reads it there).
                failed_check, finding_due = "require", None
                message = f"{failing} (the next is due by {due.isoformat() if due else '-'})"
            else:
                failed_check = "freshness and require"
                message = f"{message}; {failing}"
            status = Status.FAIL
    # `period_end` only with fixed periods: a rolling policy's evidence is as it always was.
    fixed = {"period_end": period_end(periods, dates, start)} if periods else {}
    evidence = {
        "last_received": max(dates) if dates else None,
        **fixed,
        "due": due,
        "days_overdue": days_overdue(due, judging.as_of),
        "failed_check": failed_check,
    }
    return status, message, finding_due, evidence, counted


def changes(policy: CompiledPolicy, outcome: Outcome) -> tuple[datetime.date, ...]:
    """The days after which the outcome may change with the date alone: the freshness
    boundaries of its due date (see `freshness.status_changes`). The evidence's `due`: a
    finding that fails on `require` alone has no due date of its own, but its freshness
    still runs out then."""
    return status_changes(policy.durations, outcome[3].get("due"))
