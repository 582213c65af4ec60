"""`Portfolio.digest` without building the plain data: the canonical JSON written directly.

It stands in for `json.dumps(portfolio.to_dict(), sort_keys=True, ...)` (kept as
`reference_digest`), which takes 2.6 s for 10,000 contracts where this takes 0.9 s.

The digest is the sha256 of
`json.dumps(portfolio.to_dict(), sort_keys=True, ensure_ascii=False, default=str)` (kept here as
`reference_digest`). Building `to_dict()` and letting `json` sort every map and call `default`
for every date takes seconds for 10,000 contracts, and every assessment reports the digest.

`canonical_json` writes the same text directly, a column at a time: all the contracts' ids,
then all their titles, ..., all the reviews of all the contracts, and so on, so that most of the
work is done by C loops (`map` over a column) rather than by Python code per value. Per attrs
class, the plan is worked out once (`_many`): keys in sorted order, a field left out exactly when
`unstructure` leaves it out (equal to its default), each value written as `json.dumps` writes
it: strings by `json`'s own C string encoder, floats by `float.__repr__` (with `NaN` and
`Infinity`), dates as ISO strings, enums by value. A column whose values are not all of the
exact types its annotation names is written value by value by `_any`, which knows the plain
JSON types; anything it is not sure of (a subclass, a map key that is not a str, a type it does
not know) raises `Declined`, and `portfolio_digest` then uses the reference path, so the
digest never differs.
"""

from __future__ import annotations

import datetime
import enum
import functools
import hashlib
import inspect
import json
import math
import operator
from collections.abc import Callable, Iterable
from itertools import chain, compress, islice, repeat
from typing import Any

from accountframe.fastpath import Declined
from accountframe.load.fields import class_fields, optional_inner, shape_of
from accountframe.load.plain import unstructure_plan

__all__ = ["canonical_json", "portfolio_digest", "reference_digest"]

#: Writes a column: (values, texts) -> the JSON text (or fragment) of each value.
Column = Callable[[list[Any], "_Texts"], list[str]]

_encode_str: Callable[[str], str] = json.encoder.encode_basestring
_float_repr = float.__repr__
_int_repr = int.__repr__
_DATE = datetime.date
_DATETIME = datetime.datetime
_ENUM_VALUE = inspect.getattr_static(enum.Enum, "value")


class _Texts(dict[Any, str]):
    """The JSON text of each (exact) date written so far, for one portfolio.

    A portfolio repeats a few thousand dates hundreds of thousands of times, and a lookup costs
    a fraction of `isoformat`.
    """

    def __missing__(self, value: datetime.date) -> str:
        text = self[value] = '"' + value.isoformat() + '"'
        return text


def reference_digest(portfolio: Any) -> str:
    """The digest as defined: sha256 of `to_dict()` dumped with sorted keys."""
    text = json.dumps(portfolio.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def portfolio_digest(portfolio: Any, cls: Any) -> str:
    """`reference_digest(portfolio)`, from `canonical_json` when it can write the portfolio
    (`cls`: the portfolio class, as `canonical_json` takes it)."""
    try:
        text = canonical_json(portfolio, cls)
    except Exception:  # whatever the fast writer cannot do, the reference decides
        return reference_digest(portfolio)
    return hashlib.sha256(text.encode()).hexdigest()


def canonical_json(portfolio: Any, cls: Any) -> str:
    """`json.dumps(portfolio.to_dict(), sort_keys=True, ensure_ascii=False, default=str)`.

    `cls`: the portfolio class (`accountframe.model.Portfolio`, which imports this module);
    an object of any other type, a subclass too (it may dump itself differently), is declined.
    Raises `Declined` (or whatever else went wrong) for a portfolio it cannot write exactly.

    Example:
        >>> import datetime
        >>> from accountframe.model import Portfolio
        >>> canonical_json(Portfolio("Ministère", as_of=datetime.date(2026, 1, 2)), Portfolio)
        '{"accountframe": "portfolio/1", "as_of": "2026-01-02", "organisation": "Ministère"}'
    """
    kind: type = type(portfolio)
    if kind is not cls:
        raise Declined
    return _many(kind, top=True)([portfolio], _Texts())[0]


def _float(value: float) -> str:
    """A float as `json.dumps` writes it (allow_nan: `NaN`, `Infinity`, `-Infinity`)."""
    if math.isfinite(value):
        return _float_repr(value)
    if value != value:
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _scalar(value: Any) -> str:
    """A JSON scalar of an exact built-in type (what an enum's value is, usually)."""
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return _int_repr(value)
    if kind is float:
        return _float(value)
    if value is None:
        return "null"
    raise Declined


def _any(value: Any, texts: _Texts) -> str:
    """Any value as `unstructure` then `json.dumps(sort_keys=True, default=str)` write it."""
    kind: type = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is float:
        return _float(value)
    if kind is _DATE:
        return texts[value]
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return _int_repr(value)
    if value is None:
        return "null"
    if kind is _DATETIME:  # a leaf of unstructure, written by default=str: str(), not isoformat()
        return _encode_str(str(value))
    if kind is list or kind is tuple:
        return "[" + ", ".join(map(_any, value, repeat(texts))) + "]"
    if kind is dict:
        return _mapping(value, texts)
    if unstructure_plan(kind) is not None:
        return _many(kind)([value], texts)[0]
    if isinstance(value, enum.Enum):
        return _scalar(value.value)
    raise Declined


def _mapping(value: dict[Any, Any], texts: _Texts) -> str:
    """A dict with str keys, sorted as `sort_keys` sorts them."""
    if not value:
        return "{}"
    keys = sorted(value)
    for key in keys:
        if type(key) is not str:  # json would write other keys differently, or refuse them
            raise Declined
    return (
        "{" + ", ".join([_encode_str(key) + ": " + _any(value[key], texts) for key in keys]) + "}"
    )


def _member_texts(tp: type[enum.Enum]) -> dict[int, str] | None:
    """id(member) -> the JSON text of its value, for an enum whose members' values are plain
    scalars and which does not redefine `value`; None otherwise."""
    if inspect.getattr_static(tp, "value", None) is not _ENUM_VALUE:
        return None
    if not all(type(member._value_) in (str, int, float, bool) for member in tp):
        return None
    return {id(member): _scalar(member._value_) for member in tp}


_NONE = type(None)
_FLOATS: frozenset[type] = frozenset({float})
_STRS: frozenset[type] = frozenset({str})
_BOOLS = {True: "true", False: "false"}


def _values(tp: Any) -> Column:
    """Writes a column of values of annotation `tp`: each value's text, none left out."""
    inner = optional_inner(tp)
    if inner is not None:
        return _optional_values(_values(inner))
    shape, argument = shape_of(tp)
    write: Callable[[list[Any], _Texts], list[str] | None]
    if tp is str:
        write = _when({str}, lambda column, texts: list(map(_encode_str, column)))
    elif tp is float:
        write = _when({float}, lambda column, texts: _floats(column))
    elif tp is _DATE:
        write = _when({tp}, lambda column, texts: list(map(texts.__getitem__, column)))
    elif tp is bool:
        write = _when({bool}, lambda column, texts: list(map(_BOOLS.__getitem__, column)))
    elif tp is int:
        write = _when({int}, lambda column, texts: list(map(_int_repr, column)))
    elif shape == "enum" and (names := _member_texts(argument)) is not None:
        write = _when(
            {argument}, lambda column, texts: list(map(names.__getitem__, map(id, column)))
        )
    elif shape == "instance":
        write = _when({argument}, lambda column, texts: _many(argument)(column, texts))
    elif shape == "sequence":
        items = _values(argument)
        write = _when({tuple}, lambda column, texts: _sequences(column, items, texts, "", ""))
    elif shape == "mapping":
        values = _values(argument)
        write = _when({dict}, lambda column, texts: _mappings(column, values, texts, "", ""))
    else:
        write = _nothing
    return _or_each(write)


def _floats(column: list[float]) -> list[str]:
    if all(map(math.isfinite, column)):
        return list(map(_float_repr, column))
    return list(map(_float, column))


def _nothing(column: list[Any], texts: _Texts) -> None:
    return None


def _when(
    types: set[Any], write: Callable[[list[Any], _Texts], list[str]]
) -> Callable[[list[Any], _Texts], list[str] | None]:
    """`write`, for a column of values all of one of `types` exactly; None for other columns."""
    allowed = frozenset(types)

    def written(column: list[Any], texts: _Texts) -> list[str] | None:
        return write(column, texts) if allowed.issuperset(map(type, column)) else None

    return written


def _or_each(write: Callable[[list[Any], _Texts], list[str] | None]) -> Column:
    """`write`, and where it does not take a column, `_any` value by value."""

    def written(column: list[Any], texts: _Texts) -> list[str]:
        result = write(column, texts)
        return [_any(value, texts) for value in column] if result is None else result

    return written


def _optional_values(write: Column) -> Column:
    """`write` for a column that may hold None, written `null`."""

    def written(column: list[Any], texts: _Texts) -> list[str]:
        present = [value for value in column if value is not None]
        if len(present) == len(column):
            return write(column, texts)
        found = iter(write(present, texts))
        return ["null" if value is None else next(found) for value in column]

    return written


def _sequences(
    column: list[tuple[Any, ...]], items: Column, texts: _Texts, before: str, after: str
) -> list[str]:
    """Each tuple of a column as a JSON list, in `before` and `after`; '' for an empty one
    when `before` is given (a field left out at its default `()`)."""
    lengths = list(map(len, column))
    found = iter(items(list(chain.from_iterable(column)), texts))
    # Each tuple's items, taken in turn from the one column of all the items (C loops only).
    written = _written(lengths, bool(before))
    lists = map(", ".join, map(islice, repeat(found), written))
    result = map("".join, zip(repeat(before + "["), lists, repeat("]" + after)))
    return _placed(result, lengths, written)


def _written(lengths: list[int], leave_out_empty: bool) -> list[int]:
    """The lengths of the values of a column to write: all of them, or, when empty ones are
    left out, those of the others."""
    if leave_out_empty and not all(lengths):
        return list(filter(None, lengths))
    return lengths


def _placed(texts: Iterable[str], lengths: list[int], written: list[int]) -> list[str]:
    """The texts of the values written (see `_written`), with '' in the places of those left
    out: what `json.dumps` of `unstructure`'s output has for a field left out at its empty
    default. Only the values written are made into text (C loops only)."""
    if written is lengths:
        return list(texts)
    # For each value, the next text from `texts`, or the next '' where its length is 0.
    sources = (repeat(""), iter(texts))
    return list(map(next, map(sources.__getitem__, map(bool, lengths))))


def _mappings(
    column: list[dict[Any, Any]], values: Column, texts: _Texts, before: str, after: str
) -> list[str]:
    """Each dict of a column as a JSON object with sorted keys, in `before` and `after`; ''
    for an empty one when `before` is given (a field left out at its default `{}`)."""
    lengths = list(map(len, column))
    filled = list(compress(column, lengths))
    keys = list(map(sorted, filled))
    every_key = list(chain.from_iterable(keys))
    if not {str}.issuperset(map(type, every_key)):
        raise Declined  # json writes other keys differently, or refuses them
    owners = chain.from_iterable(map(repeat, filled, map(len, filled)))
    written_values = values(list(map(operator.getitem, owners, every_key)), texts)
    found = map(str.__add__, map(_Keys().__getitem__, every_key), written_values)
    written = _written(lengths, bool(before))
    bodies = map(", ".join, map(islice, repeat(found), written))
    result = map("".join, zip(repeat(before + "{"), bodies, repeat("}" + after)))
    return _placed(result, lengths, written)


class _Keys(dict[str, str]):
    """`"key": ` per key of a column of maps, worked out once per key."""

    def __missing__(self, key: str) -> str:
        text = self[key] = _encode_str(key) + ": "
        return text


class _Fragments(dict[Any, str]):
    """`before + text + after` per value of a scalar column, worked out once per value.

    Keys are values of one exact type (checked before), so equal keys have equal texts, except
    a float's zeros (`0.0 == -0.0`): those are written each time, unless one is the default.
    """

    def __init__(self, text: Callable[[Any], str], before: str, after: str) -> None:
        super().__init__()
        self.text, self.before, self.after = text, before, after

    def __missing__(self, value: Any) -> str:
        text = "null" if value is None else self.text(value)
        fragment = self.before + text + self.after
        if value or type(value) is not float:
            self[value] = fragment
        return fragment


def _field(tp: Any, default: Any, before: str, after: str) -> Column:
    """Writes a column of an optional field: `before + text + after`, or '' where the value
    equals `default` (what `unstructure` leaves out)."""
    inner = optional_inner(tp)
    shape, argument = shape_of(tp if inner is None else inner)
    kind = tp if inner is None else inner
    scalar = kind in (str, float, int, bool, _DATE)
    exact = {"sequence": tuple, "mapping": dict}.get(shape, kind)  # the type of the values
    allowed = frozenset({exact, _NONE} if inner is not None else {exact})
    each = _field_each(default, before, after)
    # (A default that is not equal to itself, NaN, would be found in the dict as itself.)
    if scalar and type(default) in allowed and default == default:

        def scalars(column: list[Any], texts: _Texts) -> list[str]:
            types = frozenset(map(type, column))
            if not allowed.issuperset(types):
                return each(column, texts)
            if default is None and types in (_FLOATS, _STRS) and 4 * len(set(column)) > len(column):
                # Many distinct numbers or strings (ids, names), none left out: a fragment is
                # worked out once per distinct value at a Python call each, so writing every
                # one in C loops costs less unless each repeats four times or more.
                written = _floats(column) if types == _FLOATS else map(_encode_str, column)
                return list(map("".join, zip(repeat(before), written, repeat(after))))
            text: Callable[[Any], str] = texts.__getitem__ if kind is _DATE else _scalar
            fragments = _Fragments(text, before, after)
            fragments[default] = ""
            return list(map(fragments.__getitem__, column))

        return scalars
    members_text = _member_texts(argument) if shape == "enum" else None
    if members_text is not None and type(default) in allowed:
        named = {member: before + text + after for member, text in members_text.items()}
        named.update({id(m): "" for m in argument if m == default})
        named[id(default)] = ""
        if default is not None:
            named[id(None)] = before + "null" + after

        def members(column: list[Any], texts: _Texts) -> list[str]:
            if not allowed.issuperset(map(type, column)):
                return each(column, texts)
            return list(map(named.__getitem__, map(id, column)))

        return members
    if shape == "instance" and type(default) in allowed:

        def instances(column: list[Any], texts: _Texts) -> list[str]:
            if not allowed.issuperset(map(type, column)):
                return each(column, texts)
            if default is None:
                kept = list(compress(column, map(operator.is_not, column, repeat(None))))
            else:
                kept = [value for value in column if not value == default]  # noqa: SIM201  # as unstructure decides
            written = _many(argument)(kept, texts)
            fragments = list(map("".join, zip(repeat(before), written, repeat(after))))
            if len(kept) == len(column):
                return fragments
            by_object = dict(zip(map(id, kept), fragments, strict=True))
            return list(map(by_object.get, map(id, column), repeat("")))

        return instances
    if shape == "sequence" and type(default) is tuple and not default and inner is None:
        items = _values(argument)

        def sequences(column: list[Any], texts: _Texts) -> list[str]:
            if not allowed.issuperset(map(type, column)):
                return each(column, texts)
            return _sequences(column, items, texts, before, after)

        return sequences
    if shape == "mapping" and type(default) is dict and not default and inner is None:
        values = _values(argument)

        def mappings(column: list[Any], texts: _Texts) -> list[str]:
            if not allowed.issuperset(map(type, column)):
                return each(column, texts)
            return _mappings(column, values, texts, before, after)

        return mappings
    return each


def _field_each(default: Any, before: str, after: str) -> Column:
    """An optional field's column written value by value, exactly as `unstructure` decides."""

    def each(column: list[Any], texts: _Texts) -> list[str]:
        return ["" if value == default else before + _any(value, texts) + after for value in column]

    return each


def _format_value(column: list[Any], texts: _Texts) -> list[str]:
    """`Portfolio.to_dict()`'s `accountframe`: the format, an exact str, whatever its default."""
    if not {str}.issuperset(map(type, column)):
        raise Declined
    return list(map(_encode_str, column))


@functools.cache
def _many(cls: type, top: bool = False) -> Column:
    """Writes a column of objects of exactly the attrs class `cls`.

    `top` writes the `accountframe` format key even when it equals its default, as
    `Portfolio.to_dict` does.
    """
    plan = unstructure_plan(cls)
    if plan is None:
        raise TypeError(f"{cls!r} is not an attrs class")
    annotations = {field.name: tp for field, tp in class_fields(cls)}
    entries = sorted(plan, key=lambda entry: entry[1])
    if len({key for _, key, _, _ in entries}) != len(entries):
        raise Declined  # two fields under one key: left to the reference
    always = [required or (top and key == "accountframe") for _, key, required, _ in entries]
    first = always.index(True) if True in always else None
    # The pieces of each object's text, in order: a literal (the same for every object) or a
    # field's column. Optional fields before the first field always written carry the
    # separator after them, the others before them, so nothing is left to strip.
    pieces: list[str | tuple[Callable[[Any], Any], Column]] = []
    for number, (name, key, required, default) in enumerate(entries):
        quoted = _encode_str(key) + ": "
        getter = operator.attrgetter(name)
        if always[number]:
            literal = ("" if number == first else ", ") + quoted
            write = _values(annotations[name]) if required else _format_value
            pieces.append(literal)
            pieces.append((getter, write))
        elif first is not None and number < first:
            pieces.append((getter, _field(annotations[name], default, quoted, ", ")))
        else:
            pieces.append((getter, _field(annotations[name], default, ", " + quoted, "")))

    def write_many(objects: list[Any], texts: _Texts) -> list[str]:
        if not objects:
            return []
        parts: list[Any] = [] if first is None else [repeat("{")]
        for piece in pieces:
            if isinstance(piece, str):
                parts.append(repeat(piece))
            else:
                getter, write = piece
                parts.append(write(list(map(getter, objects)), texts))
        if first is None:
            bodies = map("".join, zip(*parts, strict=False)) if parts else repeat("", len(objects))
            return ["{" + body[2:] + "}" if body else "{}" for body in bodies]
        parts.append(repeat("}"))
        return list(map("".join, zip(*parts, strict=False)))

    return write_many
