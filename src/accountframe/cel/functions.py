"""Functions accountframe adds to CEL, and guarded versions of two built-ins.

Each function takes and returns celpy values. A wrong argument gives a CEL error *value*
(`CELEvalError`) rather than a Python exception, so CEL's error rules apply: `false && days("x")`
is `false`, and the message says what was expected and what was found.

`duration()` and `timestamp()` replace celpy's built-ins: celpy's duration regex backtracks
exponentially (a 22-character string took 0.33 s, four times longer per two more characters)
and its timestamp parser accepts far more than RFC 3339. The guarded versions check a string
against a strict, linear pattern and a length bound before delegating to celpy.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import celpy.celtypes as ct
from celpy.evaluation import CELEvalError

from accountframe.cel.values import cel_type_name

__all__ = ["CEL_FUNCTIONS", "FUNCTIONS"]

#: Name -> one-line signature and description, for docs and the type checker.
FUNCTIONS: Mapping[str, str] = MappingProxyType(
    {
        "add_months": "add_months(timestamp, int) -> timestamp: calendar months, clamped to "
        "the month's last day",
        "date": "date(string) -> timestamp: an ISO date 'YYYY-MM-DD' at 00:00:00Z",
        "days": "days(int) -> duration: a whole number of days",
        "days_between": "days_between(timestamp, timestamp) -> int: whole days from the first "
        "to the second (floor)",
    }
)

_DAY = datetime.timedelta(days=1)
_MAX_DURATION_SECONDS = 315_576_000_000
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Go's time.ParseDuration grammar, which CEL follows: signed, then number+unit pairs. Each pair
# must end in a unit, so the regex cannot split a run of digits two ways: it runs in linear time.
_DURATION = re.compile(r"[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|ms|s|m|h))+")
_MAX_DURATION_TEXT = 64
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_MAX_TIMESTAMP_TEXT = 40


def _error(message: str) -> CELEvalError:
    return CELEvalError(message)


def _arguments_error(name: str, expected: str, *args: Any) -> CELEvalError:
    found = ", ".join(cel_type_name(arg) for arg in args)
    return _error(f"{name}() expects ({expected}) (got ({found}))")


def _shown(text: str) -> str:
    """`text` quoted for a message, shortened: data strings can be long."""
    plain = str.__str__(text)
    return repr(plain if len(plain) <= 40 else plain[:37] + "...")


def _is_int(value: Any) -> bool:
    return isinstance(value, ct.IntType | ct.UintType) and not isinstance(value, ct.BoolType)


def days(count: Any) -> Any:
    """`days(int) -> duration`: a whole number of days.

    Example (CEL):
        `now + days(30)`; `days(2) == duration("48h")` is `true`.

    >>> days(ct.IntType(2))
    DurationType('172800s')
    """
    if not _is_int(count):
        return _arguments_error("days", "int", count)
    if abs(int(count)) * 86_400 > _MAX_DURATION_SECONDS:
        return _error(f"days({int(count)}) is beyond the duration range of ±10,000 years")
    return ct.DurationType(datetime.timedelta(days=int(count)))


def days_between(first: Any, second: Any) -> Any:
    """`days_between(timestamp, timestamp) -> int`: whole days from `first` to `second`.

    The floor of (second - first) in days, so it is negative when `second` is earlier.

    Example (CEL):
        `days_between(date("2026-01-01"), date("2026-03-01")) == 59`

    >>> days_between(ct.TimestampType("2026-01-01T00:00:00Z"),
    ...              ct.TimestampType("2026-01-02T12:00:00Z"))
    IntType(1)
    """
    if not (isinstance(first, ct.TimestampType) and isinstance(second, ct.TimestampType)):
        return _arguments_error("days_between", "timestamp, timestamp", first, second)
    # Plain datetime arithmetic: celpy's subtraction wraps results in range-checked types.
    difference = datetime.datetime.__sub__(second, first)
    return ct.IntType(difference // _DAY)


def add_months(moment: Any, months: Any) -> Any:
    """`add_months(timestamp, int) -> timestamp`: calendar months later (earlier if negative).

    The day is clamped to the last day of the target month, so 31 January plus one month is
    28 or 29 February; the time of day is kept.

    Example (CEL):
        `add_months(date("2024-01-31"), 1) == date("2024-02-29")`

    >>> add_months(ct.TimestampType("2025-01-31T00:00:00Z"), ct.IntType(1))
    TimestampType('2025-02-28T00:00:00Z')
    """
    if not (isinstance(moment, ct.TimestampType) and _is_int(months)):
        return _arguments_error("add_months", "timestamp, int", moment, months)
    year_offset, month_index = divmod(moment.month - 1 + int(months), 12)
    year = moment.year + year_offset
    if not 1 <= year <= 9999:
        return _error(f"add_months: {int(months)} months from {moment} is out of range")
    month = month_index + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return ct.TimestampType(datetime.datetime.replace(moment, year=year, month=month, day=day))


def date(text: Any) -> Any:
    """`date(string) -> timestamp`: a strict ISO date `YYYY-MM-DD` at 00:00:00Z.

    Example (CEL):
        `now >= date("2026-04-01")`

    >>> date(ct.StringType("2026-04-01"))
    TimestampType('2026-04-01T00:00:00Z')
    >>> date(ct.StringType("1 April")).args[0]
    "date() expects an ISO date like '2026-04-01' (got '1 April')"
    """
    if not isinstance(text, str):
        return _arguments_error("date", "string", text)
    if not _ISO_DATE.fullmatch(text):
        return _error(f"date() expects an ISO date like '2026-04-01' (got {_shown(text)})")
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return _error(f"date() got {_shown(text)}, which is not a real date")
    return ct.TimestampType(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC))


def duration(value: Any) -> Any:
    """CEL's `duration()`, with strings checked before celpy's backtracking parser sees them.

    >>> duration(ct.StringType("1h30m"))
    DurationType('5400s')
    >>> duration(ct.StringType("1" * 40 + "!")).args[0]
    "duration() expects a duration like '1.5s' or '2h45m' (got '111111111111111111111111111...')"
    """
    if isinstance(value, str) and (
        len(value) > _MAX_DURATION_TEXT or not _DURATION.fullmatch(value)
    ):
        return _error(f"duration() expects a duration like '1.5s' or '2h45m' (got {_shown(value)})")
    return _delegate("duration", ct.DurationType, value)


def timestamp(value: Any) -> Any:
    """CEL's `timestamp()`, with strings checked against RFC 3339 before celpy parses them.

    >>> timestamp(ct.StringType("2026-04-01T09:30:00Z"))
    TimestampType('2026-04-01T09:30:00Z')
    """
    if isinstance(value, str) and (
        len(value) > _MAX_TIMESTAMP_TEXT or not _RFC3339.fullmatch(value)
    ):
        return _error(
            "timestamp() expects an RFC 3339 timestamp like '2026-04-01T09:30:00Z' "
            f"(got {_shown(value)})"
        )
    return _delegate("timestamp", ct.TimestampType, value)


def _delegate(name: str, constructor: Callable[[Any], Any], value: Any) -> Any:
    try:
        return constructor(value)
    except Exception as error:  # celpy and pendulum raise assorted types; all mean "bad input"
        return _error(f"{name}({cel_type_name(value)}) failed: {error}")


#: The implementations handed to celpy, by CEL name.
CEL_FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        "add_months": add_months,
        "date": date,
        "days": days,
        "days_between": days_between,
        "duration": duration,
        "timestamp": timestamp,
    }
)
