"""Durations: calendar spans of months and days, as duration fields and `params` give them.

`Duration.parse` reads `N day(s)|week(s)|month(s)|year(s)` or an ISO 8601 date duration (`P1M`);
`after` and `before` do calendar arithmetic, months first (clamped to the month's end), then
days, saturating at the calendar's ends rather than overflowing.

Example:
    >>> import datetime
    >>> Duration.parse("1 month").after(datetime.date(2026, 1, 31))
    datetime.date(2026, 2, 28)
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from typing import Any

import attrs

__all__ = ["Duration", "duration_text", "param_reference"]

_PARAM_REFERENCE = re.compile(r"params\.([A-Za-z_][A-Za-z0-9_]*)")
_WORDS = re.compile(r"\s*(\d+)\s*(day|week|month|year)s?\s*", re.IGNORECASE)
_ISO = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


@attrs.frozen
class Duration:
    """A span of calendar time: whole months (a year is 12) and days (a week is 7).

    Months are calendar arithmetic, clamped to the month's end: 31 January plus one month is
    the last day of February.

    Example:
        >>> d = Duration.parse("1 month")
        >>> d.after(datetime.date(2026, 1, 31))
        datetime.date(2026, 2, 28)
        >>> Duration.parse("P1Y2W").before(datetime.date(2024, 2, 29))
        datetime.date(2023, 2, 14)
    """

    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read `N day(s)|week(s)|month(s)|year(s)` or an ISO 8601 date duration (`P1M`).

        Raises:
            ValueError: with what was expected and what was found.
        """
        if isinstance(text, str):
            words = _WORDS.fullmatch(text)
            if words:
                number, unit = int(words.group(1)), words.group(2).lower()
                return {
                    "day": cls(days=number),
                    "week": cls(days=7 * number),
                    "month": cls(months=number),
                    "year": cls(months=12 * number),
                }[unit]
            iso = _ISO.fullmatch(text.strip())
            if iso and text.strip() != "P":
                years, months, weeks, days = (int(part or 0) for part in iso.groups())
                return cls(months=12 * years + months, days=7 * weeks + days)
        raise ValueError(
            f"expected a duration like '30 days', '2 weeks', '1 month', '1 year' or 'P1M' "
            f"(got {text!r})"
        )

    def after(self, date: datetime.date) -> datetime.date:
        """`date` plus this duration: months first (clamped to the month's end), then days.

        A result beyond the calendar is clamped to its last day, 9999-12-31 (and, for a negative
        duration, its first): a due date that far away is simply never reached.

        >>> Duration.parse("9000 years").after(datetime.date(2026, 11, 25))
        datetime.date(9999, 12, 31)
        """
        return _shift(date, self.months, self.days)

    def before(self, date: datetime.date) -> datetime.date:
        """`date` minus this duration: months first (clamped), then days; clamped as `after`."""
        return _shift(date, -self.months, -self.days)

    def __str__(self) -> str:
        parts = []
        if self.months:
            years, months = divmod(self.months, 12)
            if years:
                parts.append(f"{years} year{'s' * (years != 1)}")
            if months:
                parts.append(f"{months} month{'s' * (months != 1)}")
        if self.days or not parts:
            parts.append(f"{self.days} day{'s' * (self.days != 1)}")
        return " ".join(parts)


@functools.lru_cache(maxsize=8192)
def _shift(date: datetime.date, months: int, days: int) -> datetime.date:
    """`date` moved by months, then days, clamped to the calendar (date.min, date.max).

    Kept for the last few thousand (date, months, days): an assessment works out the same due
    dates for many contracts (about 1.5 µs each, a tenth of that when kept).
    """
    try:
        moved = _add_months(date, months)
    except OverflowError:
        return datetime.date.max if months > 0 else datetime.date.min
    try:
        return moved + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


def _add_months(date: datetime.date, months: int) -> datetime.date:
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise OverflowError(f"{date.isoformat()} {months:+d} months is out of range")
    day = date.day
    if day > 28:  # the month may be shorter: clamp to its last day
        day = min(day, calendar.monthrange(year, month + 1)[1])
    return datetime.date(year, month + 1, day)


def duration_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator: a duration, or a `params.NAME` reference resolved when compiling."""
    if value is None and attribute.default is None:
        return
    if isinstance(value, str) and _PARAM_REFERENCE.fullmatch(value.strip()):
        return
    try:
        Duration.parse(value)
    except ValueError as error:
        raise ValueError(f"'{attribute.name}' {error}".replace("expected", "must be", 1)) from None


def param_reference(text: str) -> str | None:
    """The parameter name of a `params.NAME` reference, or None."""
    match = _PARAM_REFERENCE.fullmatch(text.strip())
    return match.group(1) if match else None
