"""The model's objects as plain values: dumped back (`unstructure`), for expressions (`plain`),
and in the canonical form CEL bindings hold (`cel_plain`), built in one pass.

`cel_plain` is a fast path: for anything it is not sure of it raises `Declined`, and the
caller binds `plain(obj)` the ordinary way, which validates it (tests/property/ holds the two
equal).
"""

from __future__ import annotations

import datetime
import enum
import functools
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from accountframe import fastpath
from accountframe.fastpath import Declined
from accountframe.load.fields import (
    class_fields,
    default_of,
    field_key,
    is_required,
    optional_inner,
    shape_of,
)

__all__ = [
    "Stamps",
    "cel_items",
    "cel_plain",
    "plain",
    "plain_fields",
    "plain_plan",
    "stamp",
    "unstructure",
    "unstructure_plan",
]

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def unstructure(obj: Any) -> Any:
    """Plain data back from an attrs object: the inverse of `structure`.

    Fields equal to their default are left out so that dumped documents read like written ones;
    dates stay `datetime.date` (YAML writes them natively; JSON writers convert them).
    """
    kind: type = type(obj)
    if kind in _LEAVES:
        return obj
    plan = unstructure_plan(kind)
    if plan is not None:
        result: dict[str, Any] = {}
        for name, key, required, default in plan:
            value = getattr(obj, name)
            if not required and value == default:
                continue
            result[key] = value if type(value) in _LEAVES else unstructure(value)
        return result
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, list | tuple):
        return [unstructure(item) for item in obj]
    if isinstance(obj, Mapping):
        return {key: unstructure(value) for key, value in obj.items()}
    return obj


# Values `unstructure` and `plain` give back as they are (exact types: an enum is not a str
# here). Checked first, because most values are these: a portfolio of 10,000 contracts has
# millions of them.
_LEAVES = frozenset({str, int, float, bool, type(None), datetime.date, datetime.datetime})


@functools.cache
def unstructure_plan(cls: type) -> tuple[tuple[str, str, bool, Any], ...] | None:
    """(name, key, required, default) per field of an attrs class, worked out once; else None."""
    if not attrs.has(cls):
        return None
    return tuple(
        (
            field.name,
            field_key(field),
            is_required(field),
            None if is_required(field) else default_of(field),
        )
        for field, _ in class_fields(cls)
    )


@functools.cache
def plain_plan(cls: type) -> tuple[tuple[str, str], ...] | None:
    """(name, key) per field of an attrs class, worked out once; None for other types."""
    if not attrs.has(cls):
        return None
    return tuple((field.name, field_key(field)) for field, _ in class_fields(cls))


def plain_fields(obj: Any, replaced: Mapping[str, Any]) -> dict[str, Any]:
    """`plain(obj)` for an attrs object, with some fields' values replaced (by field name)."""
    result: dict[str, Any] = {}
    kind: type = type(obj)
    for name, key in plain_plan(kind) or ():
        value = replaced[name] if name in replaced else getattr(obj, name)
        if value is not None:
            result[key] = value if type(value) in _LEAVES else plain(value)
    return result


def plain(obj: Any) -> Any:
    """Plain values of an attrs object for expressions: every field kept, except that an
    absent optional value (None) is left out of its map, so CEL's `has()` can test for it."""
    kind: type = type(obj)
    if kind in _LEAVES:
        return obj
    plan = plain_plan(kind)
    if plan is not None:
        result: dict[str, Any] = {}
        for name, key in plan:
            value = getattr(obj, name)
            if value is not None:
                result[key] = value if type(value) in _LEAVES else plain(value)
        return result
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, list | tuple):
        return [plain(item) for item in obj]
    if isinstance(obj, Mapping):
        return {key: plain(value) for key, value in obj.items()}
    return obj


_CEL_LEAVES = frozenset({str, float, bool, type(None)})
_UTC = datetime.UTC

#: Dates already converted in one conversion: date → its timestamp at 00:00 UTC. Datetimes are
#: immutable, so every view may share one object per day.
Stamps = dict[datetime.date, datetime.datetime]


def cel_plain(obj: Any, stamps: Stamps | None = None) -> Any:
    """`plain(obj)` already in the canonical form CEL bindings hold (what
    `accountframe.cel.values.plain_value(plain(obj))` gives): dates as timestamps at 00:00 UTC,
    tuples as lists, enums as their values, in one pass.

    `stamps`: dates converted so far, shared by the conversions of one evaluation (each day
    becomes one datetime object); a new one when not given.

    Raises `Declined` for anything it is not sure of (an int beyond 64 bits, a map key that
    is not a str or bool, a subclass, a datetime not in UTC, any other type); the caller then
    binds `plain(obj)` the ordinary way, which validates it and names any problem.

    Example:
        >>> cel_plain((datetime.date(2026, 1, 1), 1.5))
        [datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone.utc), 1.5]
    """
    return _cel_plain(obj, {} if stamps is None else stamps)


def stamp(date: datetime.date, stamps: Stamps) -> datetime.datetime:
    """`date` as a timestamp at 00:00 UTC, kept in `stamps` (see `cel_plain`)."""
    made = stamps[date] = datetime.datetime(date.year, date.month, date.day, tzinfo=_UTC)
    return made


def _cel_plain(obj: Any, stamps: Stamps) -> Any:
    kind: type = type(obj)
    if kind in _CEL_LEAVES:
        return obj
    if kind is int:
        if _INT64_MIN <= obj <= _INT64_MAX:
            return obj
        raise Declined
    if kind is datetime.date:
        return stamps.get(obj) or stamp(obj, stamps)
    converter = _cel_converter(kind)
    if converter is not None:
        return converter(obj, stamps)
    if kind is list or kind is tuple:
        return [_cel_plain(item, stamps) for item in obj]
    if kind is dict:
        mapped: dict[Any, Any] = {}
        for key, value in obj.items():
            if type(key) is not str and type(key) is not bool:
                raise Declined
            mapped[key] = _cel_plain(value, stamps)
        return mapped
    if isinstance(obj, enum.Enum):
        return _cel_plain(obj.value, stamps)
    if kind is datetime.datetime and obj.tzinfo is _UTC:
        return obj
    raise Declined


CelConverter = typing.Callable[[Any, Stamps], dict[str, Any]]


@functools.cache
def _cel_converter(cls: type) -> CelConverter | None:
    """`cel_plain` for objects of exactly the attrs class `cls`; None for any other type.

    Generated once per class from its fields: each field's value is tested for the exact type
    its annotation names and, when it is that, converted inline; any other value (None aside)
    goes through `_cel_plain`. So the result is always what the generic walk gives, only with
    fewer calls: evaluation converts every contract's reviews, reports and KPIs this way.
    """
    if not attrs.has(cls):
        return None
    namespace: dict[str, Any] = {"_cel_plain": _cel_plain, "stamp": stamp}
    lines = ["def convert(obj, stamps):", "    result = {}"]
    for index, (field, tp) in enumerate(class_fields(cls)):
        key = field_key(field)
        lines.append(f"    value = obj.{field.name}")
        fast = _fast_case(optional_inner(tp) or tp, f"t{index}", namespace, cls)
        if fast is not None:
            test, expression = fast
            lines.append(f"    if {test}:")
            lines.append(f"        result[{key!r}] = {expression}")
            lines.append("    elif value is not None:")
        else:
            lines.append("    if value is not None:")
        lines.append(f"        result[{key!r}] = _cel_plain(value, stamps)")
    lines.append("    return result")
    converter: CelConverter = fastpath.define("convert", lines, namespace)  # field names only
    converter.__qualname__ = f"_cel_converter.<{cls.__qualname__}>"
    return converter


def _fast_case(
    tp: Any, name: str, namespace: dict[str, Any], owner: type, var: str = "value"
) -> tuple[str, str] | None:
    """(test, expression) converting the variable `var`, of annotation `tp`, inline; or None.

    Names the generated code needs are added to `namespace`, prefixed with `name`.
    """
    if tp in (str, float, bool):
        namespace[name] = tp
        return f"type({var}) is {name}", var
    if tp is int:
        return f"type({var}) is int and {_INT64_MIN} <= {var} <= {_INT64_MAX}", var
    if tp is datetime.date:
        namespace[name] = tp
        return f"type({var}) is {name}", f"stamps.get({var}) or stamp({var}, stamps)"
    shape, argument = shape_of(tp)
    if shape == "enum" and all(type(member.value) is str for member in argument):
        namespace[name] = argument
        return f"type({var}) is {name}", f"{var}._value_"
    if shape == "instance" and argument is not owner:
        namespace[name] = argument
        namespace[f"{name}_convert"] = _cel_converter(argument)
        return f"type({var}) is {name}", f"{name}_convert({var}, stamps)"
    if shape == "sequence" and var == "value":
        item = _fast_case(argument, f"{name}_item", namespace, owner, "item")
        if item is not None:
            test, expression = item
            return (
                "type(value) is tuple",
                f"[{expression} if {test} else _cel_plain(item, stamps) for item in value]",
            )
    return None


def cel_items(cls: type, items: list[Any], stamps: Stamps) -> list[Any]:
    """`cel_plain(items)` for a list of (normally) `cls` objects."""
    converter = _cel_converter(cls)
    assert converter is not None, cls
    return [
        converter(item, stamps) if type(item) is cls else _cel_plain(item, stamps) for item in items
    ]
