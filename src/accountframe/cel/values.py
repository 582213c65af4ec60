"""Plain Python values in, validated once; CEL values for the celpy engine, made lazily.

`bindings()` validates plain Python variables once: bool, int (64-bit), float (and `Decimal`, a
double too), str, bytes, None, list/tuple, dict (keys: str, int or bool), `datetime.date` (a
timestamp at 00:00:00Z), timezone-aware `datetime` (naive ones are rejected: a date without a
zone is not an instant) and `timedelta` (within ±10,000 years). The validated form is *plain
builtins*: tuples become lists, dates and aware datetimes become UTC `datetime`s, subclasses
(celpy's value types, pendulum's datetimes) become their builtin base. Containers that need no
change are kept, not copied, so do not change a value after binding it.

The accountframe engine evaluates those plain values directly. The celpy engine needs celpy
values: `Bindings.cel_values()` converts them with `to_cel` on first use and caches the result on
the `Bindings`, and containers converted once are reused by every `Bindings` derived with
`merged()` (a contract converted for its own scope is not converted again inside a list of
contracts). Reading an item gives the validated plain value, which may be placed in other
bindings without being validated again.

Outbound, `from_cel` turns a celpy result into bool, int, float, str, bytes, None, list, dict,
a UTC-aware `datetime` and `timedelta`: plain builtins, never celpy's subclasses.

Anything else raises `CelEvaluationError` naming where the bad value sits
(`people['p-1'].roles[2]: unsupported value of type set`).
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import celpy.celtypes as ct

from accountframe.errors import CelEvaluationError
from accountframe.fastpath import Declined

__all__ = ["Bindings", "bindings", "cel_type_name", "from_cel", "plain_value", "to_cel"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_IDENT = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
_MAX_DURATION_SECONDS = 315_576_000_000  # google.protobuf.Duration: ±10,000 years
_MAX_DURATION = datetime.timedelta(seconds=_MAX_DURATION_SECONDS)
_UTC = datetime.UTC

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


class _Shared:
    """What a family of `Bindings` (one and everything `merged()` from it) knows already.

    Both maps are keyed by `id()` and hold the object itself, so an id cannot be reused by
    another object while its entry exists, and a hit is confirmed with `is`.
    """

    __slots__ = ("converted", "validated")

    def __init__(self) -> None:
        #: id -> a validated plain container.
        self.validated: dict[int, Any] = {}
        #: id -> (plain container, its celpy value).
        self.converted: dict[int, tuple[Any, Any]] = {}


class Bindings(Mapping[str, Any]):
    """Variables validated once, ready for any number of evaluations by either engine.

    Build one with `bindings()`; pass it to `Program.evaluate` in place of a dict. Reading an
    item gives the validated plain value, which may be placed inside other bindings without being
    validated (or, for the celpy engine, converted) again.

    Example:
        >>> subject = bindings({"tier": 2, "tags": ("a", "b")})
        >>> sorted(subject), subject["tags"]
        (['tags', 'tier'], ['a', 'b'])
        >>> more = subject.merged({"limit": 3})
        >>> sorted(more), more["tags"] is subject["tags"]
        (['limit', 'tags', 'tier'], True)
    """

    __slots__ = ("_cel", "_shared", "_values")

    def __init__(self, values: Mapping[str, Any], *, _shared: _Shared | None = None) -> None:
        self._shared = _Shared() if _shared is None else _shared
        self._values: dict[str, Any] = _validate_bindings(values, self._shared)
        self._cel: dict[str, Any] | None = None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Bindings({sorted(self._values)})"

    def merged(self, values: Mapping[str, Any]) -> Bindings:
        """New bindings with `values` validated and added (replacing same-named ones).

        Example:
            >>> base = bindings({"a": 1})
            >>> dict(base.merged({"a": 2, "b": [3]}))
            {'a': 2, 'b': [3]}
        """
        return self._child(_validate_bindings(values, self._shared))

    def _child(self, values: Mapping[str, Any]) -> Bindings:
        """New bindings sharing this one's caches: these values, and `values` (valid) over them."""
        child = Bindings.__new__(Bindings)
        child._shared = self._shared
        child._values = {**self._values, **values}
        child._cel = None
        return child

    def _trusted_merged(self, values: Mapping[str, Any]) -> Bindings:
        """`merged(values)` without validating `values`: for values that are canonical already.

        Internal (accountframe's evaluation): every value must be one that `plain_value` gives
        back unchanged (an item of these bindings, or a result of `_canonical`), and every name
        a CEL identifier. Nothing is checked; the result is the same as `merged(values)`.

        Unlike `merged`, it does not record the values as validated: bound again by `merged`,
        they are checked again (and given back unchanged, being canonical). Evaluation makes
        one of these per contract, per person and per subject's `findings`, and binds them
        again only on rare paths; recorded, every one would stay alive as long as the
        bindings' family, the whole evaluation.

        Example:
            >>> base = bindings({"xs": [datetime.date(2026, 1, 1)]})
            >>> dict(base._trusted_merged({"x": base["xs"][0]}))["x"].tzinfo
            datetime.timezone.utc
        """
        return self._child(values)

    def _extending(self) -> tuple[Bindings, Callable[[str, Any], None]]:
        """A child of these bindings, and a function that binds one more variable in it,
        validated as `merged` validates (a bool, str, float or None is canonical as it is):
        what is evaluated in the child between two calls sees every variable bound so far.
        Internal, for a contract's definitions, each of which may read the ones before it;
        every name must be a CEL identifier (not checked).

        Example:
            >>> child, bind = bindings({"a": 1})._extending()
            >>> bind("b", (2,))
            >>> dict(child)
            {'a': 1, 'b': [2]}
        """
        child = self._child({})
        values = child._values
        shared = self._shared

        def bind(name: str, value: Any) -> None:
            if type(value) not in _CANONICAL_SCALARS:
                value = _validate_bindings({name: value}, shared)[name]
            values[name] = value
            child._cel = None  # the celpy engine's values, converted again when next asked for

        return child, bind

    def _rebinding(self, name: str) -> tuple[Bindings, Callable[[Any], None]]:
        """A child of these bindings, and a function that sets its variable `name` to a
        canonical value (see `_trusted_merged`): the caller sets one value after another,
        evaluating between. Internal, for accountframe's evaluation of a condition per event.

        Example:
            >>> child, assign = bindings({"a": 1})._rebinding("b")
            >>> assign(2)
            >>> dict(child)
            {'a': 1, 'b': 2}
        """
        child = self._child({})
        values = child._values

        def assign(value: Any) -> None:
            values[name] = value
            child._cel = None  # the celpy engine's values, converted again when next asked for

        return child, assign

    def plain_values(self) -> dict[str, Any]:
        """The validated plain values, by name (the accountframe engine's activation)."""
        return self._values

    def cel_values(self) -> dict[str, Any]:
        """The values converted to celpy values, converted on first use and cached.

        Example:
            >>> bindings({"n": 1}).cel_values()
            {'n': IntType(1)}
        """
        cached = self._cel
        if cached is None:
            converted = self._shared.converted
            cached = {}
            for name, value in self._values.items():
                try:
                    cached[name] = _to_cel(value, name, converted)
                except RecursionError as error:
                    raise CelEvaluationError(
                        f"{name}: value is nested too deeply to convert"
                    ) from error
            self._cel = cached
        return cached


def bindings(values: Mapping[str, Any]) -> Bindings:
    """Validate plain Python variables once, for many evaluations.

    Args:
        values: Variable name to plain Python value (see the module docstring for the types).

    Returns:
        A read-only `Bindings` mapping.

    Raises:
        CelEvaluationError: A name is not a CEL identifier, or a value (at any depth) has an
            unsupported type or is out of range; the message names where it is.

    Example:
        >>> bindings({"due": datetime.date(2026, 3, 31)})["due"]
        datetime.datetime(2026, 3, 31, 0, 0, tzinfo=datetime.timezone.utc)
        >>> bindings({"bad": {1, 2}})
        Traceback (most recent call last):
        ...
        accountframe.errors.CelEvaluationError: bad: unsupported value of type set
    """
    if isinstance(values, Bindings):
        return values
    return Bindings(values)


#: Types whose every value `plain_value` gives back unchanged.
_CANONICAL_SCALARS = frozenset({bool, str, float, type(None)})


def _validate_bindings(values: Mapping[str, Any], shared: _Shared) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        raise CelEvaluationError(
            f"bindings must be a mapping of names to values (got {type(values).__name__})"
        )
    validated: dict[str, Any] = {}
    known = shared.validated
    for name, value in values.items():
        if not isinstance(name, str) or not _IDENT.fullmatch(name):
            raise CelEvaluationError(f"binding name {name!r} is not a CEL identifier")
        result = plain_value(value, path=name, known=known)
        if type(result) in (list, dict):
            known[id(result)] = result
        validated[name] = result
    return validated


def plain_value(value: Any, *, path: str = "value", known: Mapping[int, Any] | None = None) -> Any:
    """Validate one plain Python value and give its canonical plain form.

    Args:
        value: The value to check.
        path: Where the value sits, for error messages.
        known: Containers already validated (by id), which are taken as they are.

    Returns:
        The value in plain builtins: the same object when it needs no change.

    Raises:
        CelEvaluationError: An unsupported type, an int outside 64 bits, a naive datetime, a
            timedelta beyond ±10,000 years, or nesting too deep to check.

    Example:
        >>> plain_value((1, datetime.date(2026, 1, 1)))
        [1, datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)]
    """
    try:
        try:
            return _fast(value, known or {})
        except Declined:
            return _plain(value, path, known or {})
    except RecursionError as error:
        raise CelEvaluationError(f"{path}: value is nested too deeply to convert") from error


_SCALARS = frozenset({str, float, bool, bytes, type(None)})


def _fast(value: Any, known: Mapping[int, Any]) -> Any:
    """`_plain` for the common shapes (builtins, str/bool-keyed dicts, dates), without paths.

    Gives exactly what `_plain` gives, or raises `Declined` (never an error of its own): building
    a path string for every value is most of `_plain`'s cost, and is only needed for errors.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is int:
        if _INT64_MIN <= value <= _INT64_MAX:
            return value
        raise Declined
    if kind is dict:
        if known.get(id(value)) is value:
            return value
        result: dict[Any, Any] = {}
        changed = False
        for key, item in value.items():
            key_kind = type(key)
            if key_kind is not str and key_kind is not bool:
                raise Declined
            plain_item = _fast(item, known)
            if plain_item is not item:
                changed = True
            result[key] = plain_item
        return result if changed else value
    if kind is list:
        if known.get(id(value)) is value:
            return value
        items = [_fast(item, known) for item in value]
        return value if all(map(_is, items, value)) else items
    if kind is datetime.date:
        return datetime.datetime(value.year, value.month, value.day, tzinfo=_UTC)
    if kind is datetime.datetime and value.tzinfo is _UTC:
        return value
    raise Declined


def _canonical(value: Any) -> tuple[bool, Any]:
    """(True, what `plain_value(value)` gives) when the fast path handles `value` on its own,
    else (False, None): the caller then validates `value` the ordinary way (for its error).

    Internal: lets accountframe's evaluation make a value canonical once and bind it many times
    with `Bindings._trusted_merged`.

    Example:
        >>> _canonical({"on": datetime.date(2026, 1, 1)})
        (True, {'on': datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)})
        >>> _canonical({"bad": {1, 2}})
        (False, None)
    """
    try:
        return True, _fast(value, {})
    except (Declined, RecursionError):
        return False, None


def _plain(value: Any, path: str, known: Mapping[int, Any]) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is int:
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise CelEvaluationError(f"{path}: int {value} does not fit in 64 bits")
        return value
    if (kind is list or kind is dict) and known.get(id(value)) is value:
        return value
    if isinstance(value, list | tuple):
        items = [_plain(item, f"{path}[{index}]", known) for index, item in enumerate(value)]
        if kind is list and all(map(_is, items, value)):
            return value
        return items
    if isinstance(value, Mapping):
        result: dict[Any, Any] = {}
        changed = kind is not dict
        for key, item in value.items():
            key_kind = type(key)
            if key_kind is str or key_kind is bool:
                plain_key = key
            elif key_kind is int or isinstance(key, int | str):
                plain_key = _plain(key, path, known)
            else:
                raise CelEvaluationError(
                    f"{path}: map key {key!r} of type {type(key).__name__} is not a CEL map key "
                    "(use str, int or bool)"
                )
            plain_item = _plain(item, f"{path}[{key!r}]", known)
            changed = changed or plain_key is not key or plain_item is not item
            result[plain_key] = plain_item
        return value if not changed else result
    if isinstance(value, ct.BoolType):
        return bool(value)
    if isinstance(value, bool | int):
        return _plain(int(value), path, known) if not isinstance(value, bool) else bool(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, decimal.Decimal):  # an amount kept exact by the caller: a CEL double
        return _decimal(value, path)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise CelEvaluationError(
                f"{path}: datetime {value.isoformat()} has no time zone; "
                "use a timezone-aware datetime or a date"
            )
        if kind is datetime.datetime and value.tzinfo is _UTC:
            return value
        try:
            moment = datetime.datetime.astimezone(value, _UTC)
        except OverflowError as error:
            raise CelEvaluationError(f"{path}: datetime {value} is out of range") from error
        return datetime.datetime(
            moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
            moment.microsecond, tzinfo=_UTC,
        )  # fmt: skip
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=_UTC)
    if isinstance(value, datetime.timedelta):
        if not -_MAX_DURATION <= value <= _MAX_DURATION:
            raise CelEvaluationError(f"{path}: timedelta {value} is beyond ±10,000 years")
        if kind is datetime.timedelta:
            return value
        return datetime.timedelta(value.days, value.seconds, value.microseconds)
    raise CelEvaluationError(f"{path}: unsupported value of type {type(value).__name__}")


def _decimal(value: decimal.Decimal, path: str) -> float:
    """A Decimal as the double CEL holds: the nearest float (`float(value)`); a signalling
    NaN, which no double can be, is an error."""
    try:
        return float(value)
    except ValueError:
        raise CelEvaluationError(f"{path}: {value!r} is not a number CEL can hold") from None


def _is(first: object, second: object) -> bool:
    return first is second


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
        return _to_cel(value, path, {})
    except RecursionError as error:
        raise CelEvaluationError(f"{path}: value is nested too deeply to convert") from error


def _to_cel(value: Any, path: str, cache: dict[int, tuple[Any, Any]]) -> Any:
    """`to_cel`, reusing and recording conversions of plain containers in `cache`."""
    kind = type(value)
    if kind is list or kind is dict:
        hit = cache.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        converted = _to_cel_value(value, path, cache)
        cache[id(value)] = (value, converted)
        return converted
    return _to_cel_value(value, path, cache)


def _to_cel_value(value: Any, path: str, cache: dict[int, tuple[Any, Any]]) -> Any:
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
    if isinstance(value, decimal.Decimal):
        return ct.DoubleType(_decimal(value, path))
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
        return ct.ListType(
            [_to_cel(item, f"{path}[{index}]", cache) for index, item in enumerate(value)]
        )
    if isinstance(value, Mapping):
        converted = ct.MapType()
        for key, item in value.items():
            if isinstance(key, bool | int | str) and not isinstance(key, float):
                cel_key = _to_cel_value(key, path, cache)
            else:
                raise CelEvaluationError(
                    f"{path}: map key {key!r} of type {type(key).__name__} is not a CEL map key "
                    "(use str, int or bool)"
                )
            converted[cel_key] = _to_cel(item, f"{path}[{key!r}]", cache)
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
