"""Strict structuring of plain data into frozen attrs classes, driven by the classes themselves.

It stands in for cattrs: a strict `cattrs.Converter` (exact-type hooks, `forbid_extra_keys`,
detailed validation) could reject the same values, but its exception groups would still have
to become located, coded, all-at-once diagnostics with "did you mean", and the JSON Schema
would still be ours; reading the fields once gives all of it (`load.fields`), so the format is
never written twice: structuring (`structure`), dumping back (`load.plain.unstructure`) and
the JSON Schema (`json_schema`). A message names the path, says what was expected and what
was found, and every problem of a document is reported in one run.

Supported annotations: `str`, `bool`, `float` (ints accepted, stored as float), `int`,
`datetime.date`, `enum.Enum` subclasses with string values, attrs classes, `tuple[X, ...]`,
`X | None`, `Mapping[str, str]`, `Mapping[str, float]` and `Mapping[str, Any]` (a free map of
JSON-like values). Field metadata (see `meta`) adds a `doc` for the schema, a `key` when the
document's key differs from the field name, and `nonempty` for strings that must not be blank.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import functools
import math
import re
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from accountframe import fastpath
from accountframe.errors import closest, did_you_mean
from accountframe.fastpath import Declined
from accountframe.load.fields import (
    Path,
    Problem,
    class_fields,
    default_of,
    describe,
    field_key,
    fields_of,
    format_path,
    is_required,
    optional_inner,
    shape_of,
)
from accountframe.load.plain import unstructure

__all__ = ["MAX_FREE_DEPTH", "json_schema", "structure"]

T = TypeVar("T")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INVALID: Any = object()  # sentinel: the value had a problem, already recorded
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
#: The deepest nesting accepted inside one free value (`attributes`, `figures`, `params`).
MAX_FREE_DEPTH = 64


class _Structurer:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, code: str, message: str, path: Path, *, at_key: bool = False) -> Any:
        self.problems.append(Problem(code, message, path, at_key))
        return _INVALID

    def value(self, tp: Any, data: Any, path: Path, nonempty: bool = False) -> Any:
        inner = optional_inner(tp)
        if inner is not None:
            return None if data is None else self.value(inner, data, path, nonempty)
        shape, argument = shape_of(tp)
        if shape == "instance":
            return self.instance(argument, data, path)
        if shape == "sequence":
            return self.sequence(argument, data, path)
        if shape == "mapping":
            return self.mapping(argument, data, path)
        if shape == "enum":
            return self.enum(argument, data, path)
        if tp is datetime.date:
            return self.date(data, path)
        if tp is bool:
            if isinstance(data, bool):
                return data
            return self.problem("af-value", f"expected true or false (got {describe(data)})", path)
        if tp is float:
            return self.number(data, path)
        if tp is int:
            if isinstance(data, int) and not isinstance(data, bool):
                return data
            return self.problem("af-value", f"expected a whole number (got {describe(data)})", path)
        if tp is str:
            return self.string(data, path, nonempty)
        if tp is Any:
            return self.free(data, path)
        raise TypeError(f"unsupported annotation {tp!r} at {format_path(path)}")  # a model bug

    def string(self, data: Any, path: Path, nonempty: bool) -> Any:
        if not isinstance(data, str):
            hint = "; put it in quotes" if isinstance(data, int | float | datetime.date) else ""
            return self.problem("af-value", f"expected a string (got {describe(data)}){hint}", path)
        if nonempty and not data.strip():
            return self.problem("af-value", "expected a non-empty string (got '')", path)
        return data

    def number(self, data: Any, path: Path) -> Any:
        # A Decimal is a number too (amounts are read as decimals): Python callers, and JSON
        # read with `parse_float=Decimal`, hand amounts over exactly as they were written.
        if isinstance(data, bool) or not isinstance(data, int | float | decimal.Decimal):
            return self.problem("af-value", f"expected a number (got {describe(data)})", path)
        try:
            number = float(data)
        except OverflowError:  # an int beyond a double's range: math.isfinite would raise too
            return self.problem(
                "af-value", f"expected a number (got a {len(str(abs(data)))}-digit number)", path
            )
        except ValueError:  # a signalling NaN, which a Decimal can be and a float cannot
            return self.problem("af-value", f"expected a finite number (got {data!r})", path)
        if not math.isfinite(number):
            return self.problem("af-value", f"expected a finite number (got {data!r})", path)
        return number

    def date(self, data: Any, path: Path) -> Any:
        if isinstance(data, datetime.datetime):
            return self.problem(
                "af-date", f"expected a date like 2026-11-25 (got {describe(data)})", path
            )
        if isinstance(data, datetime.date):
            return data
        if isinstance(data, str) and _DATE.fullmatch(data):
            try:
                return datetime.date.fromisoformat(data)
            except ValueError as error:
                return self.problem("af-date", f"{data!r} is not a valid date: {error}", path)
        return self.problem(
            "af-date", f"expected an ISO date like 2026-11-25 (got {describe(data)})", path
        )

    def enum(self, tp: type[enum.Enum], data: Any, path: Path) -> Any:
        allowed = [str(member.value) for member in tp]
        if isinstance(data, str):
            try:
                return tp(data)
            except ValueError:
                pass
        match = closest(data, allowed) if isinstance(data, str) else None
        hint = f"; did you mean {match!r}?" if match else ""
        return self.problem(
            "af-enum", f"expected one of {', '.join(allowed)} (got {describe(data)}{hint})", path
        )

    def sequence(self, item_tp: Any, data: Any, path: Path) -> Any:
        if not isinstance(data, list | tuple):
            return self.problem("af-value", f"expected a list (got {describe(data)})", path)
        items = [self.value(item_tp, item, (*path, index)) for index, item in enumerate(data)]
        if any(item is _INVALID for item in items):
            return _INVALID
        return tuple(items)

    def mapping(self, value_tp: Any, data: Any, path: Path) -> Any:
        if not isinstance(data, Mapping):
            return self.problem("af-value", f"expected a mapping (got {describe(data)})", path)
        result: dict[str, Any] = {}
        for key, item in data.items():
            if not isinstance(key, str):
                self.problem("af-value", f"keys must be strings (got {describe(key)})", path)
                continue
            result[key] = self.value(value_tp, item, (*path, key))
        if any(item is _INVALID for item in result.values()) or len(result) != len(data):
            return _INVALID
        return result

    def free(self, data: Any, path: Path, depth: int = 0) -> Any:
        """A JSON-like value in a free map: scalars, lists and string-keyed mappings.

        Bounded so that every accepted value can reach CEL: whole numbers fit in 64 bits
        (CEL's int), and nesting is at most `MAX_FREE_DEPTH` levels (data given in Python has
        not been through the file reader's nesting limit).
        """
        if data is None or isinstance(data, bool | str):
            return data
        if isinstance(data, float | decimal.Decimal):
            return self.number(data, path)
        if isinstance(data, int):
            if not _INT64_MIN <= data <= _INT64_MAX:
                digits = len(str(abs(data)))
                return self.problem(
                    "af-value",
                    f"whole numbers must fit in 64 bits, as CEL's int does (got a {digits}-digit "
                    "number); quote it to keep it as text",
                    path,
                )
            return data
        if isinstance(data, datetime.date) and not isinstance(data, datetime.datetime):
            return data
        if isinstance(data, list | tuple | Mapping) and depth >= MAX_FREE_DEPTH:
            return self.problem("af-limit", f"nesting is deeper than {MAX_FREE_DEPTH} levels", path)
        if isinstance(data, list | tuple):
            items = [self.free(item, (*path, index), depth + 1) for index, item in enumerate(data)]
            return _INVALID if any(item is _INVALID for item in items) else items
        if isinstance(data, Mapping):
            return self.free_mapping(data, path, depth)
        return self.problem(
            "af-value",
            f"expected text, a number, a boolean, a date, a list or a mapping "
            f"(got {describe(data)})",
            path,
        )

    def free_mapping(self, data: Mapping[Any, Any], path: Path, depth: int) -> Any:
        result: dict[str, Any] = {}
        for key, item in data.items():
            if not isinstance(key, str):
                self.problem("af-value", f"keys must be strings (got {describe(key)})", path)
                continue
            result[key] = self.free(item, (*path, key), depth + 1)
        if any(item is _INVALID for item in result.values()) or len(result) != len(data):
            return _INVALID
        return result

    def instance(self, cls: type[T], data: Any, path: Path) -> T:
        if not isinstance(data, Mapping):
            return typing.cast(
                T,
                self.problem(
                    "af-value",
                    f"expected a mapping of {cls.__name__} fields (got {describe(data)})",
                    path,
                ),
            )
        fields = list(fields_of(cls))
        known = {field_key(field): (field, tp) for field, tp in fields}
        kwargs: dict[str, Any] = {}
        valid = True
        for key in data:
            if key not in known:
                valid = False
                name = key if isinstance(key, str) else describe(key)
                hint = did_you_mean(name, known) if isinstance(key, str) else ""
                self.problem(
                    "af-key", f"unknown key {name!r}{hint}", (*path, str(key)), at_key=True
                )
        for key, (field, tp) in known.items():
            if key not in data:
                if is_required(field):
                    valid = False
                    self.problem("af-missing", f"missing required key {key!r}", path)
                continue
            value = self.value(tp, data[key], (*path, key), bool(field.metadata.get("nonempty")))
            code = field.metadata.get("code")
            if code is not None and value is not _INVALID and field.validator is not None:
                try:
                    field.validator(None, field, value)
                except ValueError as error:
                    value = self.problem(code, str(error), (*path, key))
            if value is _INVALID:
                valid = False
            elif value is not None or not is_required(field):
                kwargs[field.name] = value
            else:
                valid = False
                self.problem("af-value", f"expected a value (got {describe(None)})", (*path, key))
        if not valid:
            return typing.cast(T, _INVALID)
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as error:
            # Cross-field validators (an end before a start) speak about the whole object.
            return typing.cast(T, self.problem("af-value", str(error), path))


def structure(cls: type[T], data: Any, path: Path = ()) -> tuple[T | None, list[Problem]]:
    """Build `cls` from plain data; return the object (or None) and every problem found.

    Data that is plainly well-formed is built by `_builder(cls)`, generated once per class;
    anything it is not sure of goes through `_Structurer`, which finds and words every problem.
    Both give the same object for the same data (tests/property/test_structure_properties.py).
    """
    try:
        built: T = _builder(typing.cast(type, cls))(data)
        return built, []
    except Declined:
        pass
    structurer = _Structurer()
    result = structurer.instance(cls, data, path)
    if result is _INVALID:
        return None, structurer.problems
    return result, structurer.problems


_ABSENT: Any = object()  # a key the data does not have
Builder = typing.Callable[[Any], Any]


@functools.cache
def _builder(cls: type) -> Builder:
    """`structure(cls, data)`'s object for plainly well-formed data, or `Declined` raised.

    Generated once per attrs class from its fields, it accepts only what `_Structurer` accepts
    as it is and gives the same object for it: a dict of known keys (every required one there),
    each value of exactly the type its annotation names (an int too for a float, and a date or
    its ISO text for a date), field validators with an error code passing, and the class's own
    checks passing. For anything else (a subclass, a tuple for a mapping, an unknown key, a
    value a validator refuses) it raises `Declined` and the careful walk takes over, from the
    top, to report every problem with its path. A portfolio of 10,000 contracts holds about
    400,000 objects, which this builds several times faster than the walk.
    """
    namespace: dict[str, Any] = {"Declined": Declined, "_ABSENT": _ABSENT, "cls": cls}
    lines = ["def build(data):", "    if type(data) is not dict:", "        raise Declined"]
    lines += ["    kwargs = {}", "    found = 0"]
    for index, (field, tp) in enumerate(class_fields(cls)):
        name, key, required = field.name, field_key(field), is_required(field)
        inner, target = optional_inner(tp), f"kwargs[{name!r}]"
        nonempty = bool(field.metadata.get("nonempty"))
        convert = _build_value(inner or tp, target, f"f{index}", namespace, cls, nonempty)
        if inner is not None and not required:  # an explicit null is kept, as the walk keeps it
            convert = ["if value is None:", f"    {target} = None", "else:", *_indented(convert)]
        elif required and tp is Any:  # the walk refuses a null for a required value of any type
            convert = ["if value is None:", "    raise Declined", *convert]
        if field.metadata.get("code") is not None and field.validator is not None:
            namespace[f"f{index}_field"] = field  # checked here, as the walk checks it
            convert += [
                "try:",
                f"    f{index}_field.validator(None, f{index}_field, {target})",
                "except ValueError:",
                "    raise Declined from None",
            ]
        lines += [f"    value = data.get({key!r}, _ABSENT)", "    if value is not _ABSENT:"]
        lines += ["        found += 1", *_indented(convert, 8)]
        if required:
            lines += ["    else:", "        raise Declined"]
    lines += ["    if found != len(data):", "        raise Declined"]  # an unknown key
    lines += ["    try:", "        return cls(**kwargs)", "    except (TypeError, ValueError):"]
    lines.append("        raise Declined from None")
    built: Builder = fastpath.define("build", lines, namespace)  # from field names only
    built.__qualname__ = f"_builder.<{cls.__qualname__}>"
    return built


def _indented(lines: list[str], by: int = 4) -> list[str]:
    return [" " * by + line for line in lines]


def _build_value(
    tp: Any, target: str, name: str, namespace: dict[str, Any], owner: type, nonempty: bool
) -> list[str]:
    """Lines that set `target` to the value of `value` for the annotation `tp`, or raise
    `Declined`; names they need are added to `namespace`, prefixed with `name`."""
    shape, argument = shape_of(tp)
    if tp is str:
        test = "type(value) is not str" + (" or not value.strip()" if nonempty else "")
        return [f"if {test}:", "    raise Declined", f"{target} = value"]
    if tp is bool or tp is int:  # exactly: True is an int, but not a whole number here
        namespace[name] = tp
        return [f"if type(value) is not {name}:", "    raise Declined", f"{target} = value"]
    if shape == "instance" and argument is not owner:
        namespace[name] = _builder(argument)
        return [f"{target} = {name}(value)"]
    if shape == "enum" and all(type(member.value) is str for member in argument):
        namespace[name] = {member.value: member for member in argument}
        return [
            f"{target} = {name}.get(value) if type(value) is str else None",
            f"if {target} is None:",
            "    raise Declined",
        ]
    namespace[name] = _converter(tp, owner)
    return [f"{target} = {name}(value)"]


def _converter(tp: Any, owner: type) -> Builder:
    """A function giving what `_Structurer.value(tp, ...)` gives for plainly well-formed
    data (no `nonempty`: that applies to fields only), or raising `Declined`."""
    inner = optional_inner(tp)
    if inner is not None:
        convert_inner = _converter(inner, owner)
        return lambda value: None if value is None else convert_inner(value)
    shape, argument = shape_of(tp)
    if shape == "instance":
        if argument is owner:  # a class holding itself: built when first met
            return lambda value: _builder(owner)(value)
        return _builder(argument)
    if shape == "sequence":
        convert_item = _converter(argument, owner)

        def sequence(value: Any) -> Any:
            if type(value) is not list and type(value) is not tuple:
                raise Declined
            return tuple([convert_item(item) for item in value])

        return sequence
    if shape == "mapping":
        convert_entry = _converter(argument, owner)

        def mapping(value: Any) -> Any:
            if type(value) is not dict:
                raise Declined
            result = {}
            for key, entry in value.items():
                if type(key) is not str:
                    raise Declined
                result[key] = convert_entry(entry)
            return result

        return mapping
    if shape == "enum":
        members = {member.value: member for member in argument}

        def member(value: Any) -> Any:
            found = members.get(value) if type(value) is str else None
            if found is None:
                raise Declined
            return found

        return member
    if tp is datetime.date:
        return _date
    if tp is float:
        return _number
    if tp is Any:
        return _free
    if tp in (str, bool, int):

        def exactly(value: Any) -> Any:
            if type(value) is not tp:
                raise Declined
            return value

        return exactly

    def unsupported(value: Any) -> Any:
        raise Declined  # the careful walk names the annotation (a model bug)

    return unsupported


def _date(value: Any) -> datetime.date:
    """A date, or its ISO text as one; `_Structurer.date`'s rules.

    Each value becomes its own object, as in the walk: equal dates shared would make PyYAML
    write anchors and aliases when a portfolio is dumped (`accountframe import`)."""
    if type(value) is datetime.date:
        return value
    if type(value) is not str or not _DATE.fullmatch(value):
        raise Declined
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Declined from None


def _number(value: Any) -> float:
    """A finite float, or a whole number as one; `_Structurer.number`'s rules."""
    if type(value) is float:
        number = value
    elif type(value) is int:
        try:
            number = float(value)
        except OverflowError:
            raise Declined from None
    else:
        raise Declined
    if not math.isfinite(number):
        raise Declined
    return number


def _free(value: Any, depth: int = 0) -> Any:
    """`_Structurer.free` for plainly well-formed values: lists and maps at most
    `MAX_FREE_DEPTH` deep, whole numbers within 64 bits, finite floats."""
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is datetime.date:
        return value
    if kind is int:
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise Declined
        return value
    if kind is float:
        if not math.isfinite(value):
            raise Declined
        return value
    if depth >= MAX_FREE_DEPTH:
        raise Declined
    if kind is list or kind is tuple:
        return [_free(item, depth + 1) for item in value]
    if kind is dict:
        result = {}
        for key, item in value.items():
            if type(key) is not str:
                raise Declined
            result[key] = _free(item, depth + 1)
        return result
    raise Declined


def json_schema(cls: type, *, title: str, schema_id: str) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for the JSON form of `cls`, derived from its fields."""
    definitions: dict[str, Any] = {}
    root = _object_schema(cls, definitions)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": title,
        **root,
        "$defs": dict(sorted(definitions.items())),
    }


def _object_schema(cls: type, definitions: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field, tp in fields_of(cls):
        key = field_key(field)
        schema = _type_schema(tp, definitions, bool(field.metadata.get("nonempty")))
        doc = field.metadata.get("doc")
        if doc:
            schema = {"description": doc, **schema}
        if not is_required(field):
            default = default_of(field)
            if default is not None:
                schema["default"] = unstructure(default)
        else:
            required.append(key)
        properties[key] = schema
    result: dict[str, Any] = {"type": "object"}
    if cls.__doc__:
        result["description"] = cls.__doc__.strip().split("\n\n")[0].replace("\n", " ")
    result["properties"] = properties
    if required:
        result["required"] = required
    result["additionalProperties"] = False
    return result


def _type_schema(tp: Any, definitions: dict[str, Any], nonempty: bool = False) -> dict[str, Any]:
    inner = optional_inner(tp)
    if inner is not None:
        return {"anyOf": [_type_schema(inner, definitions, nonempty), {"type": "null"}]}
    if attrs.has(tp):
        name = tp.__name__
        if name not in definitions:
            definitions[name] = {}  # placeholder first, in case of self-reference
            definitions[name] = _object_schema(tp, definitions)
        return {"$ref": f"#/$defs/{name}"}
    origin = typing.get_origin(tp)
    if origin is tuple:
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0], definitions)}
    if origin in (dict, Mapping) or tp is dict:
        args = typing.get_args(tp)
        value_tp = args[1] if args else Any
        if value_tp is Any:
            return {"type": "object"}
        return {"type": "object", "additionalProperties": _type_schema(value_tp, definitions)}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"type": "string", "enum": [member.value for member in tp]}
    if tp is datetime.date:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is float:
        return {"type": "number"}
    if tp is int:
        return {"type": "integer"}
    if tp is str:
        return {"type": "string", "minLength": 1} if nonempty else {"type": "string"}
    if tp is Any:
        return {}
    raise TypeError(f"unsupported annotation {tp!r}")  # a model bug, caught by the schema tests
