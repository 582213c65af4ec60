"""`Portfolio.digest` without building the plain data: the canonical JSON written directly.

The digest is the sha256 of
`json.dumps(portfolio.to_dict(), sort_keys=True, ensure_ascii=False, default=str)` (kept here as
`reference_digest`). Building `to_dict()` and letting `json` sort every map and call `default`
for every date takes seconds for 10,000 contracts, and every assessment reports the digest.

`canonical_json` writes the same text in one pass. Per attrs class, a writer is generated once
(code built with `exec` from the class's fields, as attrs and cattrs generate theirs): keys in
sorted order, a field left out exactly when `unstructure` leaves it out (equal to its default),
and each value written as `json.dumps` writes it: strings by `json`'s own C string encoder,
floats by `float.__repr__` (with `NaN` and `Infinity`), dates as ISO strings, enums by value.
Each field's writer takes the type its annotation names fast, and any other value through
`_any`, which knows the plain JSON types; anything it is not sure of (a subclass, a map key
that is not a str, a type it does not know) raises `_NotPlain`, and `portfolio_digest` then
uses the reference path, so the digest never differs.
"""

from __future__ import annotations

import datetime
import enum
import functools
import hashlib
import inspect
import json
import math
import typing
from collections.abc import Callable
from itertools import repeat
from typing import Any

from accountframe._structure import _fields, _optional_inner, _shape, _unstructure_plan

__all__ = ["canonical_json", "portfolio_digest", "reference_digest"]

#: A generated writer: (value, texts) -> the value's JSON text.
Writer = Callable[[Any, "_Texts"], str]

_encode_str: Callable[[str], str] = json.encoder.encode_basestring
_float_repr = float.__repr__
_int_repr = int.__repr__
_DATE = datetime.date
_DATETIME = datetime.datetime
_ENUM_VALUE = inspect.getattr_static(enum.Enum, "value")


class _NotPlain(Exception):
    """A value the fast writer does not take as it is: the reference path decides."""


class _Texts(dict[Any, str]):
    """The JSON text of each exact `date` and `float` written so far, for one portfolio.

    A portfolio repeats a few thousand dates and numbers hundreds of thousands of times, and a
    lookup costs a fraction of `isoformat` or `float.__repr__`. Keys are only ever exact dates
    and floats, which never equal each other; zeros are not kept, since `0.0 == -0.0`.
    """

    def __missing__(self, value: Any) -> str:
        if type(value) is _DATE:
            text = '"' + value.isoformat() + '"'
        else:
            text = _float(value)
            if not value:
                return text
        self[value] = text
        return text


def reference_digest(portfolio: Any) -> str:
    """The digest as defined: sha256 of `to_dict()` dumped with sorted keys."""
    text = json.dumps(portfolio.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def portfolio_digest(portfolio: Any) -> str:
    """`reference_digest(portfolio)`, from `canonical_json` when it can write the portfolio."""
    try:
        text = canonical_json(portfolio)
    except Exception:  # whatever the fast writer cannot do, the reference decides
        return reference_digest(portfolio)
    return hashlib.sha256(text.encode()).hexdigest()


def canonical_json(portfolio: Any) -> str:
    """`json.dumps(portfolio.to_dict(), sort_keys=True, ensure_ascii=False, default=str)`.

    Raises `_NotPlain` (or whatever else went wrong) for a portfolio it cannot write exactly.

    Example:
        >>> import datetime
        >>> from accountframe.model import Portfolio
        >>> canonical_json(Portfolio("Ministère", as_of=datetime.date(2026, 1, 2)))
        '{"accountframe": "portfolio/1", "as_of": "2026-01-02", "organisation": "Ministère"}'
    """
    from accountframe.model import Portfolio  # here: model imports this module

    if type(portfolio) is not Portfolio:  # a subclass may dump itself differently
        raise _NotPlain
    writer = _writer(Portfolio, top=True)
    if writer is None:
        raise _NotPlain
    return writer(portfolio, _Texts())


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
    raise _NotPlain


def _any(value: Any, texts: _Texts) -> str:
    """Any value as `unstructure` then `json.dumps(sort_keys=True, default=str)` write it."""
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is float or kind is _DATE:
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
        return _mapping(value, _any, texts)
    writer = _writer(typing.cast(type, kind))
    if writer is not None:
        return writer(value, texts)
    if isinstance(value, enum.Enum):
        return _scalar(value.value)
    raise _NotPlain


def _mapping(value: dict[Any, Any], item: Writer, texts: _Texts) -> str:
    """A dict with str keys, sorted as `sort_keys` sorts them, each value by `item`."""
    if not value:
        return "{}"
    keys = sorted(value)
    for key in keys:
        if type(key) is not str:  # json would write other keys differently, or refuse them
            raise _NotPlain
    return (
        "{" + ", ".join([_encode_str(key) + ": " + item(value[key], texts) for key in keys]) + "}"
    )


def _standard_enum(tp: type[enum.Enum]) -> bool:
    """Whether `member._value_` is what `member.value` gives, for every member of `tp`."""
    return inspect.getattr_static(tp, "value", None) is _ENUM_VALUE


class _Code:
    """The source of one generated writer, and the objects its code refers to by name."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "_any": _any,
            "_encode_str": _encode_str,
            "_int_repr": _int_repr,
            "_mapping": _mapping,
            "_repeat": repeat,
            "_date": _DATE,
            "_NotPlain": _NotPlain,
        }

    def name(self, value: Any, hint: str) -> str:
        """A name the generated code can use for `value`."""
        name = f"_{hint}_{len(self.names)}"
        self.names[name] = value
        return name

    def compile(self, what: str) -> Writer:
        source = "\n".join(self.lines) + "\n"
        namespace = dict(self.names)
        # The source is built from the class's own field names and annotations, nothing else.
        exec(compile(source, f"<digest writer for {what}>", "exec"), namespace)
        writer: Writer = namespace["write"]
        return writer


def _fast(code: _Code, tp: Any) -> tuple[str, str, Any] | None:
    """(check, expression, type) to write a value `v` of annotation `tp` fast; None: `_any`.

    The check passes only for a value of that one exact type (never NoneType); the expression
    writes such a value, with `C` the `_Texts` of the portfolio being written.
    """
    shape, argument = _shape(tp)
    if tp is str:
        return "type(v) is str", "_encode_str(v)", str
    if tp is float:
        return "type(v) is float", "C[v]", float
    if tp is _DATE:
        return "type(v) is _date", "C[v]", _DATE
    if tp is bool:
        return "type(v) is bool", "('true' if v else 'false')", bool
    if tp is int:
        return "type(v) is int", "_int_repr(v)", int
    if shape == "enum" and _standard_enum(argument):
        return f"type(v) is {code.name(argument, 'enum')}", "_encode_str(v._value_)", argument
    if shape == "instance":
        writer = _writer(argument)
        if writer is None:
            return None
        check = f"type(v) is {code.name(argument, 'cls')}"
        return check, f"{code.name(writer, 'write')}(v, C)", argument
    if shape == "sequence":
        item = code.name(_item_writer(argument), "item")
        return "type(v) is tuple", f"'[' + ', '.join(map({item}, v, _repeat(C))) + ']'", tuple
    if shape == "mapping":
        item = code.name(_item_writer(argument), "item")
        return "type(v) is dict", f"_mapping(v, {item}, C)", dict
    return None


@functools.cache
def _item_writer(tp: Any) -> Writer:
    """A writer for one value of annotation `tp` (an item of a list or map): fast, else `_any`."""
    inner = _optional_inner(tp)
    shape, argument = _shape(tp if inner is None else inner)
    if shape == "instance":
        writer = _writer(argument)  # checks the type itself
        if writer is not None:
            return writer
    code = _Code()
    fast = _fast(code, tp if inner is None else inner)
    if fast is None:
        return _any
    check, expression, _ = fast
    code.lines = [
        "def write(v, C):",
        f"    if {check}:",
        f"        return {expression}",
        "    return _any(v, C)",
    ]
    return code.compile(f"an item of {tp!r}")


@functools.cache
def _writer(cls: type, top: bool = False) -> Writer | None:
    """A writer for an object of the attrs class `cls` (others go to `_any`); None if not attrs.

    `top` writes the `accountframe` format key even when it equals its default, as
    `Portfolio.to_dict` does.
    """
    plan = _unstructure_plan(cls)
    if plan is None:
        return None
    annotations = {field.name: tp for field, tp in _fields(cls)}
    entries = sorted(plan, key=lambda entry: entry[1])
    if len({key for _, key, _, _ in entries}) != len(entries):
        return None  # two fields under one key: left to the reference
    code = _Code()
    body = [
        "def write(o, C):",
        f"    if type(o) is not {code.name(cls, 'cls')}:",
        "        return _any(o, C)",
    ]
    pieces: list[str] = []  # of the returned f-string, in key order
    opened = False  # whether the first key is always written (so carries the opening brace)
    for number, (name, key, required, default) in enumerate(entries):
        out = f"f{number}"
        prefix = ", " + _encode_str(key) + ": "
        tp = annotations[name]
        inner = _optional_inner(tp)
        fast = _fast(code, tp if inner is None else inner)
        body.append(f"    v = o.{name}")
        if required or (top and key == "accountframe"):
            if not required:
                # to_dict() puts PORTFOLIO_FORMAT under this key, and the field's value over
                # it when they differ: for an exact str, the text of the value either way.
                body.append("    if type(v) is not str: raise _NotPlain")
                body.append(f"    {out} = _encode_str(v)")
            elif fast is None:
                body.append(f"    {out} = _any(v, C)")
            else:
                check, expression, _ = fast
                body.append(f"    if {check}: {out} = {expression}")
                body.append(f"    else: {out} = _any(v, C)")
            if number == 0:
                opened = True
                pieces.append("{" + code.name("{" + prefix[2:], "open") + "}{" + out + "}")
            else:
                pieces.append("{" + code.name(prefix, "key") + "}{" + out + "}")
            continue
        # Left out when equal to the default, exactly as unstructure decides (`v == default`).
        default_name = code.name(default, "default")
        prefix_name = code.name(prefix, "key")
        branch = "if"
        if default is None:
            body.append(f"    if v is None: {out} = ''")
            branch = "elif"
        if fast is not None:
            check, expression, kind = fast
            written = f"{prefix_name} + {expression}"
            if default is None:  # a value of an exact type other than NoneType is never None
                body.append(f"    {branch} {check}: {out} = {written}")
            else:
                empty = (type(default) is tuple or type(default) is dict) and not default
                same = "not v" if empty and kind is type(default) else f"v == {default_name}"
                body.append(f"    {branch} {check}: {out} = '' if {same} else {written}")
            branch = "elif"
        body.append(f"    {branch} v == {default_name}: {out} = ''")
        body.append(f"    else: {out} = {prefix_name} + _any(v, C)")
        pieces.append("{" + out + "}")
    text = "".join(pieces)
    if opened:
        body.append(f"    return f'{text}}}}}'")
    else:
        body.append(f"    s = f'{text}'")
        body.append("    return '{' + s[2:] + '}' if s else '{}'")
    code.lines = body
    return code.compile(cls.__qualname__)
