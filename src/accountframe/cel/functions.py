"""Functions accountframe adds to CEL, and guarded versions of two built-ins, for cel-python.

Each function takes and returns celpy values and runs the accountframe engine's own
implementation (`_runtime`) on them, so both engines share one definition and one message. A
wrong argument gives a CEL error *value* (`CELEvalError`) rather than a Python exception, so
CEL's error rules apply: `false && days("x")` is `false`, and the message says what was
expected and what was found.

`duration()` and `timestamp()` replace celpy's built-ins: celpy's duration regex backtracks
exponentially (a 22-character string took 0.33 s, four times longer per two more characters)
and its timestamp parser accepts far more than RFC 3339. The guarded versions check a string
against a strict, linear pattern and a length bound (and an offset against RFC 3339's range)
before delegating to celpy. The time accessors (`getHours`, ...) check an offset given as
their time zone the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import celpy.celtypes as ct
from celpy.evaluation import CELEvalError, base_functions

import accountframe.cel._time as time_functions
from accountframe.cel._runtime import CelFailure, shown, sum_of
from accountframe.cel.values import cel_type_name, plain_value, to_cel
from accountframe.errors import CelEvaluationError

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
        "sum": "sum(list) -> double: the sum of a list of numbers (int, uint, double), added "
        "exactly and rounded once; 0.0 for an empty list",
    }
)

_MAX_DURATION_TEXT = 64
_MAX_TIMESTAMP_TEXT = 40


def _error(message: str) -> CELEvalError:
    return CELEvalError(message)


def _on_plain(function: Callable[..., Any], *args: Any) -> Any:
    """Run the accountframe engine's `function` on celpy arguments, with celpy's conventions."""
    try:
        result = function(*(plain_value(arg) for arg in args))
    except CelFailure as failure:
        return _error(failure.message)
    except CelEvaluationError as error:  # an argument with no plain form
        return _error(error.cel_message)
    return to_cel(result)


def days(count: Any) -> Any:
    """`days(int) -> duration`: a whole number of days.

    Example (CEL):
        `now + days(30)`; `days(2) == duration("48h")` is `true`.

    >>> days(ct.IntType(2))
    DurationType('172800s')
    """
    return _on_plain(time_functions.days, count)


def days_between(first: Any, second: Any) -> Any:
    """`days_between(timestamp, timestamp) -> int`: whole days from `first` to `second`.

    The floor of (second - first) in days, so it is negative when `second` is earlier.

    Example (CEL):
        `days_between(date("2026-01-01"), date("2026-03-01")) == 59`

    >>> days_between(ct.TimestampType("2026-01-01T00:00:00Z"),
    ...              ct.TimestampType("2026-01-02T12:00:00Z"))
    IntType(1)
    """
    return _on_plain(time_functions.days_between, first, second)


def add_months(moment: Any, months: Any) -> Any:
    """`add_months(timestamp, int) -> timestamp`: calendar months later (earlier if negative).

    The day is clamped to the last day of the target month, so 31 January plus one month is
    28 or 29 February; the time of day is kept.

    Example (CEL):
        `add_months(date("2024-01-31"), 1) == date("2024-02-29")`

    >>> add_months(ct.TimestampType("2025-01-31T00:00:00Z"), ct.IntType(1))
    TimestampType('2025-02-28T00:00:00Z')
    """
    return _on_plain(time_functions.add_months, moment, months)


def date(text: Any) -> Any:
    """`date(string) -> timestamp`: a strict ISO date `YYYY-MM-DD` at 00:00:00Z.

    Example (CEL):
        `now >= date("2026-04-01")`

    >>> date(ct.StringType("2026-04-01"))
    TimestampType('2026-04-01T00:00:00Z')
    >>> date(ct.StringType("1 April")).args[0]
    "date() expects an ISO date like '2026-04-01' (got '1 April')"
    """
    return _on_plain(time_functions.date, text)


def sum_(values: Any) -> Any:
    """`sum(list) -> double`: the sum of a list of numbers, added exactly, rounded once.

    Each element (int, uint or double) is converted to double; the result is `math.fsum` of
    them (so the order of the list does not matter); an empty list gives 0.0. Any other
    element is a CEL error naming its position and type.

    Example (CEL):
        `sum(contract.transactions.map(t, t.amount)) == contract.spent`

    >>> sum_(ct.ListType([ct.IntType(1), ct.DoubleType(0.5)]))
    DoubleType(1.5)
    >>> sum_(ct.ListType([ct.StringType("x")])).args[0]
    'sum() expects a list of numbers (int, uint or double); element 0 is a string'
    """
    return _on_plain(sum_of, values)


def duration(value: Any) -> Any:
    """CEL's `duration()`, with strings checked before celpy's backtracking parser sees them.

    >>> duration(ct.StringType("1h30m"))
    DurationType('5400s')
    >>> duration(ct.StringType("1" * 40 + "!")).args[0]
    "duration() expects a duration like '1.5s' or '2h45m' (got '111111111111111111111111111...')"
    """
    if isinstance(value, str) and (
        len(value) > _MAX_DURATION_TEXT or not time_functions.DURATION_TEXT.fullmatch(value)
    ):
        return _error(f"duration() expects a duration like '1.5s' or '2h45m' (got {shown(value)})")
    return _delegate("duration", ct.DurationType, value)


def timestamp(value: Any) -> Any:
    """CEL's `timestamp()`, with strings checked against RFC 3339 before celpy parses them.

    >>> timestamp(ct.StringType("2026-04-01T09:30:00Z"))
    TimestampType('2026-04-01T09:30:00Z')
    """
    if isinstance(value, str):
        match = (
            time_functions.RFC3339.fullmatch(value) if len(value) <= _MAX_TIMESTAMP_TEXT else None
        )
        if match is None:
            return _error(
                "timestamp() expects an RFC 3339 timestamp like '2026-04-01T09:30:00Z' "
                f"(got {shown(value)})"
            )
        if match[9] and time_functions.offset_error(match[10], match[11]):
            return _error(
                f"timestamp() got {shown(str(value))}, whose offset is not {time_functions.OFFSETS}"
            )
    return _delegate("timestamp", ct.TimestampType, value)


def _zoned(name: str) -> Callable[..., Any]:
    """celpy's accessor `name` (`getHours`, ...), with a time zone argument that is an offset
    checked first: celpy lets Python's `ValueError` for `+99:00` through as "overflow"."""
    accessor = base_functions[name]

    def zoned(*args: Any) -> Any:
        zone = args[1] if len(args) == 2 else None
        if isinstance(zone, str):
            match = time_functions.OFFSET.fullmatch(zone)
            if match and time_functions.offset_error(match[2], match[3]):
                return _error(
                    f"time zone {shown(str(zone))} is neither a zone name nor an offset "
                    f"{time_functions.OFFSETS}"
                )
        return accessor(*args)

    zoned.__name__ = name
    return zoned


_ACCESSORS = (
    "getFullYear", "getMonth", "getDayOfMonth", "getDate", "getDayOfWeek", "getDayOfYear",
    "getHours", "getMinutes", "getSeconds", "getMilliseconds",
)  # fmt: skip


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
        "sum": sum_,
        "timestamp": timestamp,
        **{name: _zoned(name) for name in _ACCESSORS},
    }
)
