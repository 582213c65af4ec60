"""Fixed-period deadlines: a duty due `within` a span after each fixed period end (issue 23).

A cadence or information policy gives either a rolling `every` / `max_age` or `periods`:
period ends as `MM-DD` anchors, repeated every year, and how long after each end the duty is
due. The arithmetic, exact:

- `base` is the latest qualifying event (for a contract, not before its start), else the
  contract's start; with neither, the finding fails and has no due date;
- `period_end` is the first period end *strictly after* `base`: an event dated on a period
  end counts for the period that ends that day, so the next one is due for the next period;
- `due = period_end + within`.

The status then follows `due` exactly as for a rolling cadence (`warn_before`, `grace`).

Example:
    >>> import datetime
    >>> periods = Periods(ends=["03-31", "09-30"], within="30 days")
    >>> periods.period_end_after(datetime.date(2026, 3, 31))
    datetime.date(2026, 9, 30)
    >>> periods.period_end_after(datetime.date(2026, 10, 1))
    datetime.date(2027, 3, 31)
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from accountframe.framework.duration import duration_text
from accountframe.load.fields import meta

__all__ = ["Periods", "to_periods"]

_ANCHOR = re.compile(r"(\d{2})-(\d{2})")
#: A year in which every day of the calendar exists except 29 February (checked apart).
_COMMON_YEAR = 2025


def _anchor(text: Any) -> tuple[int, int]:
    """(month, day) of an `MM-DD` period end; ValueError saying what was expected."""
    match = _ANCHOR.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"'ends' must list period ends like '03-31' (MM-DD) (got {text!r})")
    month, day = int(match.group(1)), int(match.group(2))
    if (month, day) == (2, 29):
        # A period that ends on 29 February would have no end in three years out of four.
        raise ValueError(
            "'ends' may not hold '02-29', which most years lack; use '02-28' for the end of "
            "February"
        )
    try:
        datetime.date(_COMMON_YEAR, month, day)
    except ValueError:
        raise ValueError(f"'ends' holds {text!r}, which is no day of the year") from None
    return month, day


def _ends(value: Iterable[Any]) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"'ends' must be a list of period ends like '03-31' (got {value!r})")
    ends = tuple(value)
    if not ends:
        raise ValueError("'ends' must name at least one period end, like '03-31'")
    seen: set[tuple[int, int]] = set()
    for end in ends:
        anchor = _anchor(end)
        if anchor in seen:
            raise ValueError(f"'ends' lists {end!r} twice")
        seen.add(anchor)
    return ends


@attrs.frozen(kw_only=True)
class Periods:
    """Fixed periods: the period ends (`MM-DD`, every year) and the time to meet each.

    Example:
        >>> Periods(ends=["12-31"], within="1 month").period_end_after(datetime.date(2026, 12, 31))
        datetime.date(2027, 12, 31)
    """

    ends: tuple[str, ...] = attrs.field(
        converter=_ends,
        metadata=meta("Period ends, as MM-DD, every year (e.g. 03-31, 09-30); not 02-29."),
    )
    within: str = attrs.field(
        validator=duration_text,
        metadata=meta("How long after each period end the duty is due, e.g. 30 days."),
    )

    def anchors(self) -> tuple[tuple[int, int], ...]:
        """The period ends as (month, day), in calendar order."""
        return tuple(sorted(_anchor(end) for end in self.ends))

    def period_end_after(self, base: datetime.date) -> datetime.date:
        """The first period end strictly after `base` (the calendar's last day at its end).

        >>> Periods(ends=["09-30", "03-31"], within="0 days").period_end_after(
        ...     datetime.date(2024, 2, 29))
        datetime.date(2024, 3, 31)
        """
        anchors = self.anchors()
        for year in (base.year, base.year + 1):
            if year > datetime.MAXYEAR:
                break
            for month, day in anchors:
                end = datetime.date(year, month, day)
                if end > base:
                    return end
        return datetime.date.max


def to_periods(value: Any) -> Periods | None:
    """Converter: `Periods` from a mapping `{ends, within}` (as `override` and the API give
    it); a `Periods` or None as it is."""
    if value is None or isinstance(value, Periods):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(
            f"'periods' must be a mapping like {{ends: ['03-31'], within: 30 days}} (got {value!r})"
        )
    unknown = sorted(str(key) for key in value if key not in ("ends", "within"))
    if unknown:
        raise ValueError(f"'periods' has unknown key {unknown[0]!r}; expected ends and within")
    missing = [key for key in ("ends", "within") if key not in value]
    if missing:
        raise ValueError(f"'periods' needs {' and '.join(repr(key) for key in missing)}")
    return Periods(ends=value["ends"], within=value["within"])
