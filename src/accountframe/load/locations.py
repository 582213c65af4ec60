"""Where each contract and person of a portfolio file is written: for results that point at a
line (`check --format sarif|github`).

A finding is about a subject, a contract or a person; its place in the portfolio is the entry
that introduces that subject (`contracts[3]`, `people[0]`), at the line of its first key. The
file is read again only when such an output is asked for: an assessment itself needs no
positions. The places are those the position-recording walk that locates load errors gives,
found from the parser's events without building the document's nodes (the walk holds a node,
with its marks, for every value of the file: 1.4 GiB for 10,000 contracts); a file with
anything the walk might place differently (an alias, a merge key, a tag, a repeated key at the
top, nesting near the limit) is walked as before.

Example:
    >>> import pathlib, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> path = pathlib.Path(folder, "p.yaml")
    >>> _ = path.write_text("organisation: X\\ncontracts:\\n  - id: C1\\n    title: One\\n")
    >>> where = subject_locations(path)
    >>> where["contract", "C1"].line, where["contract", "C1"].column, where["contract", "C1"].path
    (3, 5, 'contracts[0]')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import yaml

from accountframe.errors import Location, PortfolioError
from accountframe.fastpath import Declined
from accountframe.load.documents import DEFAULT_LIMITS, Document, LoadLimits, read_document
from accountframe.load.fields import Path

__all__ = ["subject_locations"]

#: The portfolio's lists of subjects: (key, subject type).
_SUBJECTS = (("contracts", "contract"), ("people", "person"))
#: The top-level keys whose values (and their items') places are found.
_PLACED = frozenset({"contracts", "people", "organisation"})
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def subject_locations(
    source: str | os.PathLike[str], *, limits: LoadLimits = DEFAULT_LIMITS
) -> Mapping[tuple[str, str], Location]:
    """(subject type, id) → where that contract or person is written in the portfolio file,
    and the organisation (the subject of organisation-scope findings) where its name is.

    Entries without a string id are skipped (a portfolio that loads has none); the first of two
    entries with one id wins (a portfolio that loads has no such pair).

    Raises:
        PortfolioError: the file cannot be read or parsed.
    """
    document = read_document(source, limits=limits, error=PortfolioError)
    text = document.text
    if text is not None:
        try:
            places = _places(text, limits.max_depth)
        except (Declined, yaml.YAMLError, RecursionError):
            pass  # walked, as a load error is located
        else:
            document = Document(document.data, document.file, positions=(places, {}))
    data = document.data if isinstance(document.data, Mapping) else {}
    found: dict[tuple[str, str], Location] = {}
    for key, subject in _SUBJECTS:
        entries = data.get(key)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            identity = entry.get("id") if isinstance(entry, Mapping) else None
            if isinstance(identity, str) and (subject, identity) not in found:
                # The entry's first key: a mapping's own position is where its first key is.
                found[subject, identity] = document.locate((key, index))
    name = data.get("organisation")
    if isinstance(name, str):
        found["organisation", name] = document.locate(("organisation",))
    return found


def _places(text: str, max_depth: int) -> dict[Path, tuple[int, int]]:
    """(line, column) of the values at `organisation`, `contracts[i]` and `people[i]` (and of
    `contracts` and `people`), as the walk records them: each node's start mark, read from
    the parser's events.

    Raises:
        Declined: anything the walk might place differently, or stop at.
    """
    loader = _Loader(text)
    try:
        return _scan(loader.get_event, max_depth)
    finally:
        loader.dispose()


def _at(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1)


def _scan(get_event: Any, max_depth: int) -> dict[Path, tuple[int, int]]:
    get_event()  # the start of the stream
    if type(get_event()) is not yaml.DocumentStartEvent:
        raise Declined  # no document
    top = get_event()
    if type(top) is not yaml.MappingStartEvent or top.tag is not None:
        raise Declined  # the loader refuses anything but a mapping
    places: dict[Path, tuple[int, int]] = {(): _at(top)}
    seen: set[str] = set()
    while True:
        key = get_event()
        kind = type(key)
        if kind is yaml.MappingEndEvent:
            break
        if kind is not yaml.ScalarEvent or key.tag is not None or key.value == "<<":
            raise Declined  # a complex, tagged or merge key, or an alias
        if key.value in seen:
            raise Declined  # the walk keeps the first, and reports the repeat
        seen.add(key.value)
        value = get_event()
        if type(value) is yaml.AliasEvent or value.tag is not None:
            raise Declined
        if key.value not in _PLACED:
            _skip(value, get_event, 1, max_depth)
            continue
        places[(key.value,)] = _at(value)
        if type(value) is not yaml.SequenceStartEvent or key.value == "organisation":
            _skip(value, get_event, 1, max_depth)
            continue
        index = 0
        while type(item := get_event()) is not yaml.SequenceEndEvent:
            if type(item) is yaml.AliasEvent or item.tag is not None:
                raise Declined
            places[(key.value, index)] = _at(item)
            _skip(item, get_event, 2, max_depth)
            index += 1
    if (
        type(get_event()) is not yaml.DocumentEndEvent
        or type(get_event()) is not yaml.StreamEndEvent
    ):
        raise Declined  # a second document: the walk finds none
    return places


def _skip(event: Any, get_event: Any, depth: int, max_depth: int) -> None:
    """Read past the value `event` starts, `depth` levels below the top (an alias anywhere,
    or nesting near the walk's limit: Declined)."""
    if type(event) is yaml.AliasEvent:
        raise Declined
    if not isinstance(event, _STARTS):
        return
    open_ = 1
    while open_:
        if depth + open_ >= max_depth:
            raise Declined  # the walk stops at its limit: what it finds then, it says
        event = get_event()
        if isinstance(event, _STARTS):
            open_ += 1
        elif isinstance(event, _ENDS):
            open_ -= 1
        elif type(event) is yaml.AliasEvent:
            raise Declined  # expanded by the walk, which counts what aliases add
