"""Mutations of real inputs, shared by the hypothesis fuzz tests and the atheris harness.

Each mutation takes the bytes of a real file (the bundled framework, the example portfolio, an
OCDS file) and a source of choices, and returns hostile bytes: lines deleted or duplicated,
scalars swapped for other scalars or for values of the wrong type, huge numbers, deep nesting,
odd unicode and invalid UTF-8. The choices come from a `Chooser`, so that hypothesis (through
`st.data()`) and atheris (through its `FuzzedDataProvider`) drive the same code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK = ROOT / "policies" / "uk-central-government"
EXAMPLE = ROOT / "policies" / "examples" / "ministry-of-example.yaml"

T = TypeVar("T")


class Chooser(Protocol):
    def integer(self, low: int, high: int) -> int: ...


def pick(chooser: Chooser, items: Sequence[T]) -> T:
    return items[chooser.integer(0, len(items) - 1)]


#: Replacement scalars: wrong types, huge and tiny numbers, odd unicode, YAML specials, CEL.
HOSTILE_SCALARS: tuple[str, ...] = (
    "null",
    "~",
    "true",
    "[]",
    "{}",
    "-1",
    "0",
    "9" * 400,
    "-" + "9" * 30,
    "1e400",
    ".nan",
    "-.inf",
    "0x7fffffffffffffffff",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "2026-11-25T10:00:00+05:00",
    '"\\u202e\\u0000\\ud800"',
    '"\U0001f4a5 \u0301\u200b\ufeff"',
    "'" + "x" * 5000 + "'",
    "!!python/object:os.system ls",
    "!!binary aGVsbG8=",
    "*undefined_alias",
    "&a [*a]",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    '"' + "(" * 70 + "1" + ")" * 70 + '"',
    '"' + " + ".join(["1"] * 400) + '"',
    "\"duration('" + "1" * 60 + "!')\"",
    '"contract.reviews.all(r, contract.reviews.all(s, contract.reviews.all(t, true)))"',
    '"1 / 0 == 1"',
    "\"contract.teir == 'gold'\"",
    "P99999999Y",
    "999999999999 days",
    "params.nope",
)

_SCALAR = re.compile(rb"(:\s+|-\s+)([^\s\[\]{},#&*!|>'\"%@`][^\n#]*)")


def _lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\n")


def delete_line(raw: bytes, chooser: Chooser) -> bytes:
    lines = _lines(raw)
    del lines[chooser.integer(0, len(lines) - 1)]
    return b"\n".join(lines)


def duplicate_line(raw: bytes, chooser: Chooser) -> bytes:
    lines = _lines(raw)
    index = chooser.integer(0, len(lines) - 1)
    lines.insert(index, lines[index])
    return b"\n".join(lines)


def swap_lines(raw: bytes, chooser: Chooser) -> bytes:
    lines = _lines(raw)
    first, second = chooser.integer(0, len(lines) - 1), chooser.integer(0, len(lines) - 1)
    lines[first], lines[second] = lines[second], lines[first]
    return b"\n".join(lines)


def replace_scalar(raw: bytes, chooser: Chooser) -> bytes:
    """One scalar value (after `key: ` or `- `) replaced by a hostile one."""
    matches = list(_SCALAR.finditer(raw))
    if not matches:
        return raw
    match = pick(chooser, matches)
    replacement = pick(chooser, HOSTILE_SCALARS).encode("utf-8", "surrogatepass")
    return raw[: match.start(2)] + replacement + raw[match.end(2) :]


def swap_scalars(raw: bytes, chooser: Chooser) -> bytes:
    """Two scalar values exchanged: a date where a number was, a name where a date was."""
    matches = list(_SCALAR.finditer(raw))
    if len(matches) < 2:
        return raw
    first, second = sorted(
        (pick(chooser, matches), pick(chooser, matches)), key=lambda m: m.start()
    )
    if first.start() == second.start():
        return raw
    return (
        raw[: first.start(2)]
        + second.group(2)
        + raw[first.end(2) : second.start(2)]
        + first.group(2)
        + raw[second.end(2) :]
    )


def deepen(raw: bytes, chooser: Chooser) -> bytes:
    """A scalar replaced by a flow collection nested far deeper than any limit."""
    matches = list(_SCALAR.finditer(raw))
    if not matches:
        return raw
    match = pick(chooser, matches)
    depth = pick(chooser, (65, 200, 5_000))
    opener, closer = pick(chooser, ((b"[", b"]"), (b"{a: ", b"}")))
    return raw[: match.start(2)] + opener * depth + b"1" + closer * depth + raw[match.end(2) :]


def flip_byte(raw: bytes, chooser: Chooser) -> bytes:
    """One byte replaced: often invalid UTF-8, a tab in indentation, a stray quote."""
    if not raw:
        return b"\xff"
    index = chooser.integer(0, len(raw) - 1)
    value = pick(chooser, (0x00, 0x09, 0x22, 0x27, 0x3A, 0x7B, 0x80, 0xC3, 0xED, 0xFE, 0xFF))
    return raw[:index] + bytes([value]) + raw[index + 1 :]


def truncate(raw: bytes, chooser: Chooser) -> bytes:
    return raw[: chooser.integer(0, len(raw))]


def billion_laughs(raw: bytes, chooser: Chooser) -> bytes:
    """Exponential alias expansion placed at the top of the document."""
    levels = pick(chooser, (5, 9, 12))
    lines = [b"a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        previous = f"*a{level - 1}".encode()
        lines.append(f"a{level}: &a{level} [".encode() + b", ".join([previous] * 10) + b"]")
    return b"\n".join(lines) + b"\n" + raw


MUTATIONS: tuple[Callable[[bytes, Chooser], bytes], ...] = (
    delete_line,
    duplicate_line,
    swap_lines,
    replace_scalar,
    swap_scalars,
    deepen,
    flip_byte,
    truncate,
    billion_laughs,
)


def mutate(raw: bytes, chooser: Chooser, *, rounds: int = 3) -> bytes:
    """Up to `rounds` mutations applied in turn."""
    for _ in range(chooser.integer(1, rounds)):
        raw = pick(chooser, MUTATIONS)(raw, chooser)
    return raw


def framework_files() -> dict[str, bytes]:
    """The bundled framework's YAML files (not its tests), by name."""
    return {path.name: path.read_bytes() for path in sorted(FRAMEWORK.glob("*.yaml"))}


def ocds_files(shared: Path, limit: int = 40) -> list[Path]:
    """Up to `limit` OCDS files from the shared data folder, read in place (sorted)."""
    folder = shared / "ocds"
    if not folder.is_dir():
        return []
    found = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in (".json", ".jsonl") and path.stat().st_size < 400_000
    )
    return found[:limit]
