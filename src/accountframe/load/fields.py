"""How the model's attrs classes describe their data: fields, keys and annotations' shapes.

The portfolio's and the framework's classes are the one source of truth for their formats:
each field's annotation and metadata (`meta`) say what a document holds there. This module
reads them once per class; structuring (`structure`), plain values (`plain`), the JSON
Schemas, the portfolio digest and the CEL environment are all driven by what it gives.
"""

from __future__ import annotations

import datetime
import enum
import functools
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

__all__ = [
    "Path",
    "Problem",
    "class_fields",
    "default_of",
    "describe",
    "field_key",
    "fields_of",
    "format_path",
    "is_required",
    "meta",
    "optional_inner",
    "shape_of",
]

#: Where a value is in a document: keys and list positions from the top.
Path = tuple[str | int, ...]


@attrs.frozen
class Problem:
    """A problem at a path in the data.

    `at_key` means the key itself is the problem; `position` (line, column) overrides the
    position looked up from the path, for a problem no path can name (a repeated key).
    """

    code: str
    message: str
    path: Path
    at_key: bool = False
    position: tuple[int, int] | None = None


def meta(
    doc: str, *, key: str | None = None, nonempty: bool = False, code: str | None = None
) -> dict[str, Any]:
    """Field metadata understood by the structurer and the schema generator.

    `code`, if given, is the error code for a value the field's validator rejects (checked
    at the field, before the object is built), in place of `af-value`.
    """
    return {"doc": doc, "key": key, "nonempty": nonempty, "code": code}


def format_path(path: Path) -> str:
    """Render a path the way users write it.

    Example:
        >>> format_path(("contracts", 3, "reviews", 0, "chair"))
        'contracts[3].reviews[0].chair'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def describe(value: Any) -> str:
    """A short description of a found value for messages: its kind and, when short, itself."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, datetime.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def field_key(field: attrs.Attribute[Any]) -> str:
    """The document's key for a field: its `key` metadata, else its name."""
    return str(field.metadata.get("key") or field.name)


def is_required(field: attrs.Attribute[Any]) -> bool:
    """Whether a document must give the field (it has no default)."""
    return field.default is attrs.NOTHING


@functools.cache
def optional_inner(tp: Any) -> Any | None:
    """For `X | None` return X; otherwise None."""
    args = typing.get_args(tp)
    if type(None) in args and len(args) == 2:
        return next(a for a in args if a is not type(None))
    return None


def fields_of(cls: type) -> Iterator[tuple[attrs.Attribute[Any], Any]]:
    """Each attrs field of `cls` with its resolved type annotation."""
    return iter(class_fields(cls))


@functools.cache
def class_fields(cls: type) -> tuple[tuple[attrs.Attribute[Any], Any], ...]:
    """Each init field of an attrs class with its resolved annotation, worked out once."""
    # Resolving string annotations is slow; a class's fields never change, so do it once.
    hints = typing.get_type_hints(cls)
    return tuple((field, hints[field.name]) for field in attrs.fields(cls) if field.init)


@functools.cache
def shape_of(tp: Any) -> tuple[str, Any]:
    """What kind of value an annotation asks for, and its argument: decided once per type."""
    if attrs.has(tp):
        return "instance", tp
    origin = typing.get_origin(tp)
    if origin is tuple:
        return "sequence", typing.get_args(tp)[0]
    if origin in (dict, Mapping) or tp is dict:
        args = typing.get_args(tp)
        return "mapping", (args[1] if args else Any)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "enum", tp
    return "scalar", tp


def default_of(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # a class at run time
        return default.factory()
    return default
