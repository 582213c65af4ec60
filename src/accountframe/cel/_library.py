"""Every function of the accountframe engine by CEL name: `f(x, y)` and the method form
`x.f(y)` call the same one (`_runtime` and `_time` implement them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from accountframe.cel._runtime import (
    contains,
    dyn,
    ends_with,
    matches,
    size,
    starts_with,
    sum_of,
    to_bool,
    to_bytes,
    to_double,
    to_int,
    to_string,
    to_uint,
    type_of,
)
from accountframe.cel._time import (
    add_months,
    date,
    days,
    days_between,
    get_date,
    get_day_of_month,
    get_day_of_week,
    get_day_of_year,
    get_full_year,
    get_hours,
    get_milliseconds,
    get_minutes,
    get_month,
    get_seconds,
    to_duration,
    to_timestamp,
)

__all__ = ["FUNCTIONS"]

#: Every function by CEL name: `f(x, y)` and the method form `x.f(y)` call the same one.
FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        "size": size,
        "contains": contains,
        "startsWith": starts_with,
        "endsWith": ends_with,
        "matches": matches,
        "int": to_int,
        "uint": to_uint,
        "double": to_double,
        "string": to_string,
        "bytes": to_bytes,
        "bool": to_bool,
        "duration": to_duration,
        "timestamp": to_timestamp,
        "dyn": dyn,
        "type": type_of,
        "getFullYear": get_full_year,
        "getMonth": get_month,
        "getDayOfMonth": get_day_of_month,
        "getDate": get_date,
        "getDayOfWeek": get_day_of_week,
        "getDayOfYear": get_day_of_year,
        "getHours": get_hours,
        "getMinutes": get_minutes,
        "getSeconds": get_seconds,
        "getMilliseconds": get_milliseconds,
        "days": days,
        "days_between": days_between,
        "add_months": add_months,
        "date": date,
        "sum": sum_of,
    }
)
