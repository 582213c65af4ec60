"""The accountframe engine's timestamps and durations: parsing, time zones, accessors, and
accountframe's date functions (`days`, `days_between`, `add_months`, `date`).

Values are UTC `datetime`s and `timedelta`s (see `_runtime`); errors are `CelFailure`s. Like
`_runtime`, nothing here holds mutable state.
"""

from __future__ import annotations

import calendar
import datetime
import re
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NoReturn

from accountframe.cel._runtime import (
    EPOCH,
    MAX_DURATION,
    MICROSECOND,
    UTC,
    Uint,
    fail,
    format_timestamp,
    no_overload,
    shown,
    type_name,
)

__all__ = [
    "DURATION_TEXT",
    "OFFSET",
    "OFFSETS",
    "RFC3339",
    "offset_error",
    "parse_duration",
    "parse_timestamp",
]

_DAY = datetime.timedelta(days=1)

# Go's time.ParseDuration grammar, which CEL follows: signed, then number+unit pairs. Each pair
# must end in a unit, so the regex cannot split a run of digits two ways: it runs in linear time.
DURATION_TEXT = re.compile(r"([-+]?)((?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|ms|s|m|h))+)")
_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)")
_UNIT_MICROS = {
    "ns": 0.001, "us": 1, "µs": 1, "ms": 1_000, "s": 1_000_000, "m": 60_000_000,
    "h": 3_600_000_000,
}  # fmt: skip
_MAX_DURATION_TEXT = 64
RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))"
)
_MAX_TIMESTAMP_TEXT = 40


def parse_duration(text: str) -> datetime.timedelta:
    match = DURATION_TEXT.fullmatch(text) if len(text) <= _MAX_DURATION_TEXT else None
    if match is None:
        fail(f"duration() expects a duration like '1.5s' or '2h45m' (got {shown(text)})")
    micros = Decimal(0)
    for number, unit in _DURATION_PART.findall(match[2]):
        micros += Decimal(number if number not in ("", ".") else "0") * Decimal(
            str(_UNIT_MICROS[unit])
        )
    whole = int(micros.to_integral_value())  # to the nearest microsecond, half to even
    span = datetime.timedelta(microseconds=-whole if match[1] == "-" else whole)
    if not -MAX_DURATION <= span <= MAX_DURATION:
        fail(f"duration() got {shown(text)}, which is beyond ±10,000 years")
    return span


def to_duration(value: Any) -> Any:
    kind = type(value)
    if kind is datetime.timedelta:
        return value
    if kind is str:
        try:
            return parse_duration(value)
        except OverflowError:
            fail(f"duration() got {shown(value)}, which is beyond ±10,000 years")
    no_overload("duration", value)


def parse_timestamp(text: str) -> datetime.datetime:
    match = RFC3339.fullmatch(text) if len(text) <= _MAX_TIMESTAMP_TEXT else None
    if match is None:
        fail(
            "timestamp() expects an RFC 3339 timestamp like '2026-04-01T09:30:00Z' "
            f"(got {shown(text)})"
        )
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    if match[9] and offset_error(match[10], match[11]):
        fail(f"timestamp() got {shown(text)}, whose offset is not {OFFSETS}")
    nanos = int((match[7] or "").ljust(9, "0"))
    micros = (nanos + 500) // 1000  # to the nearest microsecond
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        moment += datetime.timedelta(microseconds=micros)
        if match[9]:
            offset = datetime.timedelta(hours=int(match[10]), minutes=int(match[11]))
            moment = moment - offset if match[9] == "+" else moment + offset
    except (ValueError, OverflowError):
        fail(f"timestamp() got {shown(text)}, which is not a real time in years 1 to 9999")
    return moment


def to_timestamp(value: Any) -> Any:
    kind = type(value)
    if kind is datetime.datetime:
        return value
    if kind is str:
        return parse_timestamp(value)
    if kind is int:
        try:
            return EPOCH + datetime.timedelta(seconds=value)
        except OverflowError:
            fail("timestamp out of range (years 1 to 9999)")
    no_overload("timestamp", value)


# --- Timestamps and durations: accessors --------------------------------------------------------

OFFSET = re.compile(r"([+-]?)([0-9]{2}):([0-9]{2})")
#: What an offset may be, for messages: RFC 3339's `time-numoffset`.
OFFSETS = "between -23:59 and +23:59"


def offset_error(hours: str, minutes: str) -> bool:
    """Whether `±hours:minutes` is beyond RFC 3339's offsets (hours 00-23, minutes 00-59)."""
    return int(hours) > 23 or int(minutes) > 59


def _zone(name: Any) -> datetime.tzinfo:
    if type(name) is not str:
        no_overload("time zone", name)
    match = OFFSET.fullmatch(name)
    if match:
        if offset_error(match[2], match[3]):
            fail(f"time zone {shown(name)} is neither a zone name nor an offset {OFFSETS}")
        offset = datetime.timedelta(hours=int(match[2]), minutes=int(match[3]))
        return datetime.timezone(-offset if match[1] == "-" else offset)
    if name == "UTC":
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        fail(f"unknown time zone {shown(name)}")


def _local(moment: Any, zone: tuple[Any, ...], name: str) -> datetime.datetime:
    if type(moment) is not datetime.datetime or len(zone) > 1:
        no_overload(name, moment, *zone)
    return moment.astimezone(_zone(zone[0])) if zone else moment


def get_full_year(moment: Any, *zone: Any) -> int:
    return _local(moment, zone, "getFullYear").year


def get_month(moment: Any, *zone: Any) -> int:
    return _local(moment, zone, "getMonth").month - 1


def get_day_of_month(moment: Any, *zone: Any) -> int:
    return _local(moment, zone, "getDayOfMonth").day - 1


def get_date(moment: Any, *zone: Any) -> int:
    return _local(moment, zone, "getDate").day


def get_day_of_week(moment: Any, *zone: Any) -> int:
    return (_local(moment, zone, "getDayOfWeek").weekday() + 1) % 7


def get_day_of_year(moment: Any, *zone: Any) -> int:
    return _local(moment, zone, "getDayOfYear").timetuple().tm_yday - 1


def _clock(name: str, of_time: Callable[[datetime.datetime], int], of_span: int) -> Any:
    def accessor(value: Any, *zone: Any) -> int:
        if type(value) is datetime.timedelta and not zone:
            micros = value // MICROSECOND
            whole = abs(micros) // of_span
            return -whole if micros < 0 else whole
        return of_time(_local(value, zone, name))

    accessor.__name__ = name
    return accessor


get_hours = _clock("getHours", lambda moment: moment.hour, 3_600_000_000)
get_minutes = _clock("getMinutes", lambda moment: moment.minute, 60_000_000)
get_seconds = _clock("getSeconds", lambda moment: moment.second, 1_000_000)


def get_milliseconds(value: Any, *zone: Any) -> int:
    if type(value) is datetime.timedelta and not zone:
        micros = value // MICROSECOND
        part = (abs(micros) % 1_000_000) // 1000
        return -part if micros < 0 else part
    return _local(value, zone, "getMilliseconds").microsecond // 1000


# --- accountframe's functions (the same rules and messages as `functions.py`) ------------------


def _arguments_error(name: str, expected: str, *args: Any) -> NoReturn:
    found = ", ".join(type_name(arg) for arg in args)
    fail(f"{name}() expects ({expected}) (got ({found}))")


def days(count: Any) -> datetime.timedelta:
    if type(count) is not int and type(count) is not Uint:
        _arguments_error("days", "int", count)
    if abs(count) * 86_400 > MAX_DURATION.total_seconds():
        fail(f"days({int(count)}) is beyond the duration range of ±10,000 years")
    return datetime.timedelta(days=int(count))


def days_between(first: Any, second: Any) -> int:
    if type(first) is not datetime.datetime or type(second) is not datetime.datetime:
        _arguments_error("days_between", "timestamp, timestamp", first, second)
    return (second - first) // _DAY


def add_months(moment: Any, months: Any) -> datetime.datetime:
    if type(moment) is not datetime.datetime or (
        type(months) is not int and type(months) is not Uint
    ):
        _arguments_error("add_months", "timestamp, int", moment, months)
    year_offset, month_index = divmod(moment.month - 1 + int(months), 12)
    year = moment.year + year_offset
    if not 1 <= year <= 9999:
        fail(f"add_months: {int(months)} months from {format_timestamp(moment)} is out of range")
    month = month_index + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date(text: Any) -> datetime.datetime:
    if type(text) is not str:
        _arguments_error("date", "string", text)
    if not _ISO_DATE.fullmatch(text):
        fail(f"date() expects an ISO date like '2026-04-01' (got {shown(text)})")
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        fail(f"date() got {shown(text)}, which is not a real date")
    return datetime.datetime(day.year, day.month, day.day, tzinfo=UTC)
