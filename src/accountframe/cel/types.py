"""The CEL type model of the checker: primitive types, lists, maps, records and `dyn`.

A `Type` is plain data. Records are maps with a fixed set of string keys, each with its own
type (a contract, a review, ...): at run time they are CEL maps, so a record is compatible
wherever a `map(string, dyn)` is. `dyn` is "unknown until run time": anything involving it is
accepted.

The operator rules here are standard CEL's, restricted to what cel-python 0.5.0 also accepts
(`tests/unit/test_checker.py` checks every rule against the engine): a rule that accepts a
pair of types guarantees the engine has an overload for it.

Example:
    >>> print(list_of(map_of(STRING, DYN)))
    list(map(string, dyn))
    >>> print(binary("+", TIMESTAMP, DURATION))
    timestamp
    >>> binary("<", INT, DOUBLE) is None
    True
    >>> print(binary("==", record("review", {"date": TIMESTAMP}), map_of(STRING, INT)))
    bool
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

__all__ = [
    "BOOL",
    "BYTES",
    "DOUBLE",
    "DURATION",
    "DYN",
    "INT",
    "NULL",
    "STRING",
    "TIMESTAMP",
    "TYPE",
    "TYPES",
    "UINT",
    "Type",
    "binary",
    "equality_compatible",
    "join",
    "list_of",
    "map_of",
    "record",
    "unary",
]

_PRIMITIVES = ("bool", "int", "uint", "double", "string", "bytes", "timestamp", "duration")


def _frozen_fields(fields: Mapping[str, Type]) -> Mapping[str, Type]:
    return MappingProxyType(dict(fields))


@attrs.frozen(repr=False)
class Type:
    """A CEL type as the checker sees it.

    Attributes:
        kind: `dyn`, `null`, `type`, one of the primitives (`bool`, `int`, `uint`, `double`,
            `string`, `bytes`, `timestamp`, `duration`), `list`, `map` or `record`.
        element: A list's element type, or a map's value type.
        key: A map's key type.
        name: A record's name, used in messages (`contract`, `review`).
        fields: A record's field names and types.
    """

    kind: str
    element: Type | None = None
    key: Type | None = None
    name: str = ""
    fields: Mapping[str, Type] = attrs.field(
        factory=dict, converter=_frozen_fields, eq=False, hash=False
    )

    def __str__(self) -> str:
        if self.kind == "list":
            return f"list({self.element})"
        if self.kind == "map":
            return f"map({self.key}, {self.element})"
        if self.kind == "record":
            return self.name
        return self.kind

    def __repr__(self) -> str:
        return f"Type({self})"

    @property
    def is_dyn(self) -> bool:
        return self.kind == "dyn"

    @property
    def is_map_like(self) -> bool:
        """A map or a record (which is a map with known keys at run time)."""
        return self.kind in ("map", "record")

    def map_key(self) -> Type:
        """The key type of a map or record."""
        return STRING if self.kind == "record" else (self.key or DYN)

    def map_value(self) -> Type:
        """The value type of a map; `dyn` for a record read with a computed key."""
        return DYN if self.kind == "record" else (self.element or DYN)


DYN = Type("dyn")
NULL = Type("null")
TYPE = Type("type")
BOOL = Type("bool")
INT = Type("int")
UINT = Type("uint")
DOUBLE = Type("double")
STRING = Type("string")
BYTES = Type("bytes")
TIMESTAMP = Type("timestamp")
DURATION = Type("duration")


#: The primitive types (and `dyn`) by name, as policies name their result types.
TYPES: Mapping[str, Type] = MappingProxyType(
    {
        t.kind: t
        for t in (DYN, NULL, TYPE, BOOL, INT, UINT, DOUBLE, STRING, BYTES, TIMESTAMP, DURATION)
    }
)


def list_of(element: Type) -> Type:
    """The type `list(element)`."""
    return Type("list", element=element)


def map_of(key: Type, value: Type) -> Type:
    """The type `map(key, value)`."""
    return Type("map", element=value, key=key)


def record(name: str, fields: Mapping[str, Type]) -> Type:
    """A record type: a map whose keys are exactly `fields` (absent optional ones aside)."""
    return Type("record", name=name, fields=fields)


def join(first: Type, second: Type) -> Type:
    """The most precise type holding values of both (for list elements and `?:` branches).

    Example:
        >>> print(join(list_of(INT), list_of(DYN)))
        list(dyn)
        >>> print(join(INT, STRING))
        dyn
    """
    if first == second:
        return first
    if first.kind == second.kind == "list":
        return list_of(join(first.element or DYN, second.element or DYN))
    return DYN


def equality_compatible(first: Type, second: Type) -> bool:
    """Whether `first == second` has an overload: same type, `dyn`, or `null` with a non-number.

    Example:
        >>> equality_compatible(STRING, NULL), equality_compatible(INT, DOUBLE)
        (True, False)
    """
    pending = [(first, second)]
    while pending:
        a, b = pending.pop()
        if a.is_dyn or b.is_dyn:
            continue
        if a.kind == "null" or b.kind == "null":
            if {a.kind, b.kind} & {"int", "uint", "double"}:
                return False
            continue
        if a.kind == b.kind == "list":
            pending.append((a.element or DYN, b.element or DYN))
        elif a.is_map_like and b.is_map_like:
            pending.append((a.map_key(), b.map_key()))
            pending.append((a.map_value(), b.map_value()))
        elif a.kind != b.kind:
            return False
    return True


_ORDERED = frozenset(_PRIMITIVES)
_NUMBERS = frozenset({"int", "uint", "double"})
_ADDABLE = frozenset({"int", "uint", "double", "string", "bytes"})
_TIME_ARITHMETIC = {
    ("+", "timestamp", "duration"): TIMESTAMP,
    ("+", "duration", "timestamp"): TIMESTAMP,
    ("+", "duration", "duration"): DURATION,
    ("-", "timestamp", "timestamp"): DURATION,
    ("-", "timestamp", "duration"): TIMESTAMP,
    ("-", "duration", "duration"): DURATION,
}

#: The binary operators, as written in CEL.
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "in", "+", "-", "*", "/", "%")


def binary(operator: str, left: Type, right: Type) -> Type | None:
    """The result type of `left operator right`, or None if no overload can match.

    Numbers never mix here: the checker reports `int < double` (write `100.0`, or convert with
    `double()`), although the accountframe engine evaluates it as the CEL specification says
    (`1 < 1.5` is true): a money amount written without `.0` is almost always a mistake, and
    cel-python, the other engine, fails on it. Stricter than run time, never looser.

    Example:
        >>> print(binary("in", STRING, list_of(STRING)))
        bool
        >>> binary("%", DOUBLE, DOUBLE) is None
        True
    """
    if operator in ("==", "!="):
        kinds = {left.kind, right.kind}
        if operator == "!=" and "null" in kinds and kinds & {"list", "map", "record"}:
            return None  # cel-python has `null == [1]` but no `null != [1]`
        return BOOL if equality_compatible(left, right) else None
    if operator == "in":
        return _membership(left, right)
    comparison = operator in ("<", "<=", ">", ">=")
    if left.is_dyn or right.is_dyn:
        return BOOL if comparison else DYN
    if comparison:
        return BOOL if left.kind == right.kind and left.kind in _ORDERED else None
    timed = _TIME_ARITHMETIC.get((operator, left.kind, right.kind))
    if timed is not None:
        return timed
    if left.kind != right.kind:
        return None
    if operator == "+":
        if left.kind == "list":
            return join(left, right)
        return left if left.kind in _ADDABLE else None
    if operator in ("-", "*", "/"):
        return left if left.kind in _NUMBERS else None
    if operator == "%":
        return left if left.kind in ("int", "uint") else None
    return None


def _membership(item: Type, container: Type) -> Type | None:
    if container.is_dyn:
        return BOOL
    if container.kind == "list":
        return BOOL if equality_compatible(item, container.element or DYN) else None
    if container.is_map_like:
        return BOOL if equality_compatible(item, container.map_key()) else None
    # Not `string in string`: cel-python takes it as a substring test, standard CEL (and the
    # accountframe engine) has no such overload; write `s.contains(t)`.
    return None


def unary(operator: str, operand: Type) -> Type | None:
    """The result type of `!operand` or `-operand`, or None if no overload can match.

    Example:
        >>> print(unary("-", DURATION))
        duration
        >>> unary("!", INT) is None
        True
    """
    if operand.is_dyn:
        return BOOL if operator == "!" else DYN
    if operator == "!":
        return BOOL if operand.kind == "bool" else None
    return operand if operand.kind in ("int", "double", "duration") else None
