"""Plain Python values to CEL values and back.

Inbound, `to_cel` accepts bool, int (64-bit), float, str, bytes, None, list/tuple, dict (keys:
str, int or bool), `datetime.date` (a timestamp at 00:00:00Z), timezone-aware `datetime` (naive
ones are rejected: a date without a zone is not an instant) and `timedelta`. Values that are
already CEL values pass through untouched, so a large value converted once (say, every person
of a portfolio) can be reused in many `Bindings` without being converted again.

Outbound, `from_cel` gives bool, int, float, str, bytes, None, list, dict, a UTC-aware
`datetime` and `timedelta`: plain builtins, never celpy's subclasses.

Anything else raises `CelEvaluationError` naming where the bad value sits
(`people['p-1'].roles[2]: unsupported value of type set`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from typing import Any

import celpy.celtypes as ct

from accountframe.errors import CelEvaluationError

__all__ = ["Bindings", "bindings", "cel_type_name", "from_cel", "to_cel"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_IDENT = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
_MAX_DURATION_SECONDS = 315_576_000_000  # google.protobuf.Duration: ±10,000 years

# Types whose instances are already CEL values. BoolType and friends subclass Python builtins,
# so this check must come before the builtin ones.
_CEL_VALUES = (
    ct.BoolType,
    ct.IntType,
    ct.UintType,
    ct.DoubleType,
    ct.StringType,
    ct.BytesType,
    ct.TimestampType,
    ct.DurationType,
    ct.ListType,
    ct.MapType,
)


class Bindings(Mapping[str, Any]):
    """Variables already converted to CEL values, ready for any number of evaluations.

    Build one with `bindings()`; pass it to `Program.evaluate` in place of a dict. Reading an
    item gives the converted (CEL) value, which may be placed inside other bindings without being
    converted again.

    Example:
        >>> subject = bindings({"tier": 2, "tags": ["a", "b"]})
        >>> sorted(subject)
        ['tags', 'tier']
        >>> more = subject.merged({"limit": 3})
        >>> sorted(more), more["tags"] is subject["tags"]
        (['limit', 'tags', 'tier'], True)
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any], *, _converted: bool = False) -> None:
        self._values: dict[str, Any] = dict(values) if _converted else _convert_bindings(values)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Bindings({sorted(self._values)})"

    def merged(self, values: Mapping[str, Any]) -> Bindings:
        """New bindings with `values` converted and added (replacing same-named ones)."""
        combined = dict(self._values)
        combined.update(_convert_bindings(values))
        return Bindings(combined, _converted=True)


def bindings(values: Mapping[str, Any]) -> Bindings:
    """Convert plain Python variables to CEL values once, for many evaluations.

    Args:
        values: Variable name to plain Python value (see the module docstring for the types).

    Returns:
        A read-only `Bindings` mapping.

    Raises:
        CelEvaluationError: A name is not a CEL identifier, or a value (at any depth) has an
            unsupported type or is out of range; the message names where it is.

    Example:
        >>> bindings({"due": datetime.date(2026, 3, 31)})["due"]
        TimestampType('2026-03-31T00:00:00Z')
        >>> bindings({"bad": {1, 2}})
        Traceback (most recent call last):
        ...
        accountframe.errors.CelEvaluationError: bad: unsupported value of type set
    """
    if isinstance(values, Bindings):
        return values
    return Bindings(values)


def _convert_bindings(values: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        raise CelEvaluationError(
            f"bindings must be a mapping of names to values (got {type(values).__name__})"
        )
    converted: dict[str, Any] = {}
    for name, value in values.items():
        if not isinstance(name, str) or not _IDENT.fullmatch(name):
            raise CelEvaluationError(f"binding name {name!r} is not a CEL identifier")
        converted[name] = to_cel(value, path=name)
    return converted


def to_cel(value: Any, *, path: str = "value") -> Any:
    """Convert one plain Python value to a CEL value (CEL values pass through unchanged).

    Args:
        value: The value to convert.
        path: Where the value sits, for error messages.

    Returns:
        A celpy value.

    Raises:
        CelEvaluationError: An unsupported type, an int outside 64 bits, a naive datetime, a
            timedelta beyond ±10,000 years, or nesting too deep to convert.

    Example:
        >>> to_cel([1, 2.5, None])
        ListType([IntType(1), DoubleType(2.5), None])
    """
    try:
        return _to_cel(value, path)
    except RecursionError as error:
        raise CelEvaluationError(f"{path}: value is nested too deeply to convert") from error


def _to_cel(value: Any, path: str) -> Any:
    if value is None or isinstance(value, _CEL_VALUES):
        return value
    if isinstance(value, bool):
        return ct.BoolType(value)
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise CelEvaluationError(f"{path}: int {value} does not fit in 64 bits")
        return ct.IntType(value)
    if isinstance(value, float):
        return ct.DoubleType(value)
    if isinstance(value, str):
        return ct.StringType(value)
    if isinstance(value, bytes | bytearray):
        return ct.BytesType(bytes(value))
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise CelEvaluationError(
                f"{path}: datetime {value.isoformat()} has no time zone; "
                "use a timezone-aware datetime or a date"
            )
        return ct.TimestampType(value.astimezone(datetime.UTC))
    if isinstance(value, datetime.date):
        return ct.TimestampType(
            datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.UTC)
        )
    if isinstance(value, datetime.timedelta):
        if abs(value.total_seconds()) > _MAX_DURATION_SECONDS:
            raise CelEvaluationError(f"{path}: timedelta {value} is beyond ±10,000 years")
        return ct.DurationType(value)
    if isinstance(value, list | tuple):
        return ct.ListType([_to_cel(item, f"{path}[{index}]") for index, item in enumerate(value)])
    if isinstance(value, Mapping):
        converted = ct.MapType()
        for key, item in value.items():
            if isinstance(key, bool | int | str) and not isinstance(key, float):
                cel_key = _to_cel(key, path)
            else:
                raise CelEvaluationError(
                    f"{path}: map key {key!r} of type {type(key).__name__} is not a CEL map key "
                    "(use str, int or bool)"
                )
            converted[cel_key] = _to_cel(item, f"{path}[{key!r}]")
        return converted
    raise CelEvaluationError(f"{path}: unsupported value of type {type(value).__name__}")


def from_cel(value: Any) -> Any:
    """Convert a CEL result to plain Python values.

    Args:
        value: A celpy value.

    Returns:
        bool, int, float, str, bytes, None, list, dict, UTC-aware datetime or timedelta.

    Raises:
        CelEvaluationError: The value has no plain Python form (a CEL type such as `int`,
            returned by `type(x)`), or is nested too deeply.

    Example:
        >>> from_cel(ct.ListType([ct.IntType(1), ct.StringType("a")]))
        [1, 'a']
    """
    try:
        return _from_cel(value)
    except RecursionError as error:
        raise CelEvaluationError("the result is nested too deeply to convert") from error


def _from_cel(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool | ct.BoolType):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, datetime.datetime):
        moment = value.astimezone(datetime.UTC)
        return datetime.datetime(
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
            moment.microsecond,
            tzinfo=datetime.UTC,
        )
    if isinstance(value, datetime.timedelta):
        return datetime.timedelta(value.days, value.seconds, value.microseconds)
    if isinstance(value, list):
        return [_from_cel(item) for item in value]
    if isinstance(value, dict):
        return {_from_cel(key): _from_cel(item) for key, item in value.items()}
    raise CelEvaluationError(
        f"the result is the CEL type {cel_type_name(value)}, which has no Python value"
    )


_TYPE_NAMES: dict[type, str] = {
    ct.BoolType: "bool",
    ct.IntType: "int",
    ct.UintType: "uint",
    ct.DoubleType: "double",
    ct.StringType: "string",
    ct.BytesType: "bytes",
    ct.ListType: "list",
    ct.MapType: "map",
    ct.TimestampType: "timestamp",
    ct.DurationType: "duration",
    ct.TypeType: "type",
    type(None): "null_type",
}


def cel_type_name(cls: object) -> str:
    """CEL's name for a celpy type (or for the type of a celpy value).

    Example:
        >>> cel_type_name(ct.IntType), cel_type_name(ct.StringType("a")), cel_type_name(None)
        ('int', 'string', 'null_type')
    """
    kind = cls if isinstance(cls, type) else type(cls)
    for known, name in _TYPE_NAMES.items():
        if kind is known:
            return name
    for known, name in _TYPE_NAMES.items():
        if issubclass(kind, known):
            return name
    return kind.__name__
