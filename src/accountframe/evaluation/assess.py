"""The evaluation stage's entry point: a plan, a portfolio and a date → an `Assessment`."""

from __future__ import annotations

import datetime

from accountframe.assessment import Assessment
from accountframe.compiler.compiler import Plan
from accountframe.evaluation.pool import check_workers, in_parallel
from accountframe.evaluation.run import Run
from accountframe.model import Portfolio

__all__ = ["evaluate"]


def evaluate(
    plan: Plan,
    portfolio: Portfolio,
    as_of: datetime.date | None = None,
    *,
    workers: int = 1,
) -> Assessment:
    """Assess `portfolio` against a compiled framework as of `as_of`.

    `as_of` defaults to the portfolio's own `as_of`, else today: the one place a clock is read.

    With `workers` > 1, contract-scope work is shared out, in chunks of contracts, to that many
    worker processes (`evaluation.pool`); the result is the same, byte for byte, as with
    `workers=1`, which starts no process.

    Raises:
        UsageError: `workers` is not a positive int.
    """
    workers = check_workers(workers)
    if as_of is None:
        as_of = portfolio.as_of or datetime.date.today()
    run = Run(plan, portfolio, as_of)
    if workers == 1 or len(portfolio.contracts) < 2:
        return run.assessment()
    if not (run.contract_findings or run.contract_consequences):
        return run.assessment()
    try:
        return in_parallel(run, workers)
    except Exception:
        # A worker failed to start, died or raised: make the same assessment here, which
        # gives the result (or raises the error) that the serial run gives.
        return Run(plan, portfolio, as_of).assessment()
