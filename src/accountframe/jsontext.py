"""Indented JSON text, as `json.dumps(value, indent=..., ensure_ascii=False)` writes it, faster.

Python's `json` module writes indented text with its pure-Python encoder (the C encoder only
writes compact text), a generator a level deep that yields every piece: 3.2-3.9 s for the
assessment of 10,000 generated contracts (67 MB of text), where `dumps` takes 1.7-2.3 s. It
writes the same text from plain JSON values (dicts with str keys, lists, str, int, float,
bool, None, each of exactly that type) with one function that appends to a list, and C's
string encoder for every string; for anything else (a subclass, a tuple, a non-str key, a
date) it gives the text `json.dumps` gives, by calling it. So the text never differs
(tests/property/test_json_properties.py).

Two things differ, on purpose, because the text is written to files and terminals that other
programs read (`accountframe.sanitise` has the same rule for the other outputs):

- a number that is not finite, which JSON cannot write (`json.dumps` writes `NaN` and
  `Infinity`, which `JSON.parse` and most parsers refuse), is written as the string `"NaN"`,
  `"Infinity"` or `"-Infinity"`, as the protobuf JSON mapping (CEL's) writes a double;
- the characters a terminal or an editor may act on, or that UTF-8 cannot encode, are written
  as `\\u` escapes, which every JSON parser reads back as the same string: DEL and the C1
  controls (U+007F-U+009F), the bidi embeddings, overrides and isolates (U+202A-U+202E,
  U+2066-U+2069), U+2028 and U+2029 (line breaks to JavaScript), and lone surrogates
  (U+D800-U+DFFF). `json.dumps` escapes the C0 controls itself.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from accountframe.fastpath import Declined

__all__ = ["dumps", "safe", "scalar", "string", "write"]

_encode = json.encoder.encode_basestring  # what json.dumps uses with ensure_ascii=False
_SCALARS = {True: "true", False: "false", None: "null"}
_NOT_FINITE = {"nan": '"NaN"', "inf": '"Infinity"', "-inf": '"-Infinity"'}
# Only inside strings (everything else in JSON text is ASCII), so an escape is always valid.
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def dumps(
    value: Any, indent: int | None = 2, *, default: Callable[[Any], Any] | None = None
) -> str:
    """`json.dumps(value, indent=indent, ensure_ascii=False, default=default)`, the same text
    (with no indent, the compact text of the C encoder, which is fast already), but for the
    two differences above.

    Example:
        >>> print(dumps({"a": [1, 2.5, None], "b": {}, "c": "é"}))
        {
          "a": [
            1,
            2.5,
            null
          ],
          "b": {},
          "c": "é"
        }
    """
    if indent is None:
        try:
            # Most values hold no float that is not finite: the C encoder alone, refusing
            # one, spares walking the value for them (a streamed `jsonl` line per finding).
            text = json.dumps(value, ensure_ascii=False, default=default, allow_nan=False)
        except ValueError:
            text = json.dumps(_finite(value), ensure_ascii=False, default=default)
        return _safe(text)
    parts: list[str] = []
    try:
        _write(value, parts, "\n", " " * indent)
    except (Declined, ValueError, RecursionError):
        # json.dumps says what is wrong with the value (or writes what this does not).
        text = json.dumps(_finite(value), indent=indent, ensure_ascii=False, default=default)
        return _safe(text)
    return _safe("".join(parts))


def write(value: Any, parts: list[str], newline: str, step: str = "  ") -> None:
    """Append the indented text of a plain JSON value to `parts`, as `dumps` writes it at the
    indentation `newline` (a line break and the current indentation), but for the escapes of
    `safe`, which the caller applies to the whole text.

    Raises:
        Declined: a value that is not plain JSON (`dumps` writes it, by calling `json.dumps`).
        RecursionError: a value nested too deep.

    Example:
        >>> parts = ['{\\n  "a": ']
        >>> write({"b": [1]}, parts, "\\n  ")
        >>> print("".join(parts) + "\\n}")
        {
          "a": {
            "b": [
              1
            ]
          }
        }
    """
    _write(value, parts, newline, step)


def safe(text: str) -> str:
    """JSON text with the characters no output carries raw written as `\\u` escapes (see the
    module).

    >>> safe('"a\\x85b"')
    '"a\\\\u0085b"'
    """
    return _safe(text)


def _safe(text: str) -> str:
    """The text with the characters no output carries raw written as `\\u` escapes."""
    if text.isascii() and "\x7f" not in text:  # both scans are C loops: fast on 100 MB
        return text
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _finite(value: Any, path: frozenset[int] = frozenset()) -> Any:
    """`value` with every float that is not finite replaced by its string (`"NaN"`, ...).

    Only what `json.dumps` walks is walked (dicts, lists, tuples). `value` itself comes back
    when it holds no such float, and a container already on the path is not walked again, so
    that `json.dumps` still sees (and refuses) a circular value as one.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else _NOT_FINITE[float.__repr__(value)][1:-1]
    if not isinstance(value, dict | list | tuple) or id(value) in path:
        return value
    inner = path | {id(value)}
    if isinstance(value, dict):
        items = {key: _finite(item, inner) for key, item in value.items()}
        return value if all(items[key] is item for key, item in value.items()) else items
    converted = [_finite(item, inner) for item in value]
    same = all(new is old for new, old in zip(converted, value, strict=True))
    return value if same else converted


def scalar(value: Any) -> str:
    """The text of a plain JSON value that is not a container (NaN and the infinities as
    strings, see the module), or `Declined` for anything else; strings are not yet `safe`.

    >>> scalar("a"), scalar(1.5), scalar(None)
    ('"a"', '1.5', 'null')
    """
    kind = type(value)
    if kind is str:
        return _encode(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value) if math.isfinite(value) else _NOT_FINITE[repr(value)]
    if kind is bool or value is None:
        return _SCALARS[value]
    raise Declined


#: JSON text of a string, as `json.dumps` writes it with `ensure_ascii=False` (not yet `safe`).
string: Callable[[str], str] = _encode


def _write(value: Any, parts: list[str], newline: str, step: str) -> None:
    """Append the text of `value` to `parts`; `newline` is a line break and the current
    indentation, `step` one level of it."""
    kind = type(value)
    if kind is dict:
        if not value:
            parts.append("{}")
            return
        inner = newline + step
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise Declined
            item_kind = type(item)
            if item_kind is dict or item_kind is list:
                parts.append(f"{separator}{_encode(key)}: ")
                _write(item, parts, inner, step)
            else:
                parts.append(f"{separator}{_encode(key)}: {scalar(item)}")
            separator = "," + inner
        parts.append(newline + "}")
    elif kind is list:
        if not value:
            parts.append("[]")
            return
        inner = newline + step
        separator = "[" + inner
        for item in value:
            item_kind = type(item)
            if item_kind is dict or item_kind is list:
                parts.append(separator)
                _write(item, parts, inner, step)
            else:
                parts.append(separator + scalar(item))
            separator = "," + inner
        parts.append(newline + "]")
    else:
        parts.append(scalar(value))
