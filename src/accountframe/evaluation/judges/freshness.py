"""The due arithmetic of cadence and information policies (SPEC section 4).

`base` is the latest qualifying event, else the contract's start (an event before the start
does not move `base` before it); `due = base + every`, or, for a policy with fixed `periods`,
the first period end strictly after `base` plus `within` (`framework.periods`). The status
is `pass` while `as_of <= due - warn_before`, `warn` until `due + grace`, then `fail`.

Example:
    >>> import datetime
    >>> from accountframe.evaluation.observer import SILENT
    >>> from accountframe.framework.duration import Duration
    >>> durations = {"every": Duration(months=1), "warn_before": Duration(), "grace": Duration()}
    >>> status, due, message = freshness(
    ...     durations, "every", [datetime.date(2026, 10, 20)], None, "review",
    ...     datetime.date(2026, 11, 25), SILENT)
    >>> status.value, due, message
    ('fail', datetime.date(2026, 11, 20), 'last review on 2026-10-20; was due on 2026-11-20, 5 days overdue')
"""  # noqa: E501 - doctest output is one line

from __future__ import annotations

import datetime
from collections.abc import Mapping

from accountframe.assessment import Status
from accountframe.evaluation.judges.base import days
from accountframe.evaluation.observer import Observer
from accountframe.framework.duration import Duration
from accountframe.framework.periods import Periods

__all__ = [
    "NO_START_ORGANISATION",
    "base_date",
    "days_overdue",
    "freshness",
    "period_end",
    "status_changes",
]

_PASS, _WARN, _FAIL = Status.PASS, Status.WARN, Status.FAIL
#: What is missing besides an event at organisation scope (there is no date to count from).
NO_START_ORGANISATION = "the organisation has no start date to count from"


def freshness(
    durations: Mapping[str, Duration],
    every: str,
    events: list[datetime.date],
    start: datetime.date | None,
    what: str,
    as_of: datetime.date,
    observer: Observer,
    periods: Periods | None = None,
    no_start: str = "no contract start date",
) -> tuple[Status, datetime.date | None, str]:
    """(status, due, message) for events dated `events` (those that count) as of `as_of`.

    Args:
        durations: The policy's resolved durations: `every` (the field named by `every`),
            `warn_before` and `grace`.
        every: The name of the policy's frequency field (`every`, `max_age`).
        events: The dates of the events that count.
        start: The contract's start, if known.
        what: What the events are, for the message (`review`, `performance report`).
        as_of: The assessment date.
        observer: Told the computation (`freshness`).
        periods: Fixed periods, for a policy that gives them in place of `every`: then
            `due` = the first period end strictly after `base`, plus `durations["within"]`.
        no_start: What the message says is missing besides an event, when neither is there.
    """
    last = max(events) if events else None
    base = base_date(last, start)
    if base is None:
        observer.note("freshness", last=None, start=None, base=None)
        return _FAIL, None, f"no {what} on record and {no_start}"
    period_end = periods.period_end_after(base) if periods is not None else None
    if period_end is not None:
        due = durations["within"].after(period_end)
    else:
        due = durations[every].after(base)
    warn_from = durations["warn_before"].before(due)
    fail_after = durations["grace"].after(due)
    if observer.thorough:  # the values are at hand; the step is made only when asked for
        observer.note(
            "freshness",
            last=last,
            start=start,
            base=base,
            every=durations[every] if period_end is None else None,
            period_end=period_end,
            within=durations["within"] if period_end is not None else None,
            due=due,
            warn_before=durations["warn_before"],
            warn_from=warn_from,
            grace=durations["grace"],
            fail_after=fail_after,
        )
    since = f"last {what} on {last.isoformat()}" if last else f"no {what} since the start"
    if period_end is not None:
        since = f"{since}; period ending {period_end.isoformat()}"
    if as_of <= warn_from:
        return _PASS, due, f"{since}; next due by {due.isoformat()}"
    if as_of <= due:
        left = (due - as_of).days
        when = "today" if left == 0 else f"in {days(left)}"
        return _WARN, due, f"{since}; due by {due.isoformat()} ({when})"
    overdue = (as_of - due).days
    if as_of <= fail_after:
        return (
            _WARN,
            due,
            f"{since}; was due on {due.isoformat()}, {days(overdue)} overdue, "
            f"in grace until {fail_after.isoformat()}",
        )
    return _FAIL, due, f"{since}; was due on {due.isoformat()}, {days(overdue)} overdue"


def base_date(last: datetime.date | None, start: datetime.date | None) -> datetime.date | None:
    """The date the clock runs from: the later of the last qualifying event and the start;
    either alone; None with neither.

    An event dated before the contract started does not restart the clock earlier than the
    start itself; without this, adding such an event could worsen a finding, which SPEC
    section 6 rules out. Events after the start (the normal case) count as written.

    >>> base_date(datetime.date(2026, 1, 5), datetime.date(2026, 2, 1))
    datetime.date(2026, 2, 1)
    >>> base_date(None, None) is None
    True
    """
    return max(last, start) if last and start else (last or start)


def period_end(
    periods: Periods | None, events: list[datetime.date], start: datetime.date | None
) -> datetime.date | None:
    """The period end a fixed-period policy's next event is due for (None without `periods`
    or without a base): the first period end strictly after `base_date`.

    >>> from accountframe.framework.periods import Periods
    >>> period_end(Periods(ends=["03-31", "09-30"], within="30 days"),
    ...            [datetime.date(2026, 3, 31)], None)
    datetime.date(2026, 9, 30)
    """
    base = base_date(max(events) if events else None, start)
    return periods.period_end_after(base) if periods is not None and base is not None else None


def days_overdue(due: datetime.date | None, as_of: datetime.date) -> int | None:
    """Whole days past `due` on `as_of`, never negative; None without a due date.

    >>> days_overdue(datetime.date(2026, 11, 20), datetime.date(2026, 11, 25))
    5
    """
    return max(0, (as_of - due).days) if due is not None else None


def status_changes(
    durations: Mapping[str, Duration], due: datetime.date | None
) -> tuple[datetime.date, ...]:
    """The days on which a freshness status changes with the date alone, the events fixed:
    the first day of warning (`due - warn_before + 1`) and of failing (`due + grace + 1`).

    >>> from accountframe.framework.duration import Duration
    >>> status_changes({"warn_before": Duration(days=7), "grace": Duration(days=3)},
    ...                datetime.date(2026, 11, 20))
    (datetime.date(2026, 11, 14), datetime.date(2026, 11, 24))
    """
    if due is None:  # no base: fails whatever the date
        return ()
    return tuple(
        day
        for day in (
            _next(durations["warn_before"].before(due)),
            _next(durations["grace"].after(due)),
        )
        if day is not None
    )


def _next(day: datetime.date) -> datetime.date | None:
    """The day after `day`, or None at the calendar's end."""
    return day + datetime.timedelta(days=1) if day < datetime.date.max else None
