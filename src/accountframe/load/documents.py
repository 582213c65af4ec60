"""Reading YAML and JSON documents with a position for every value, and loading portfolios.

Only plain data is read: YAML tags that would construct objects are refused, duplicate keys are
errors (YAML would silently keep the last), alias expansion and nesting are bounded so that a
hostile file cannot exhaust memory or the stack, and every problem carries `file:line:col`.

Example:
    >>> doc = parse_document("organisation: Ministry of Example\\npeople: []\\n", file="p.yaml")
    >>> doc.data
    {'organisation': 'Ministry of Example', 'people': []}
    >>> str(doc.locate(("people",)))
    'p.yaml:2:9'
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path as FilePath
from typing import Any, Literal

import attrs
import yaml

from accountframe.errors import Diagnostic, LoadError, Location, PortfolioError
from accountframe.fastpath import Declined
from accountframe.load.fields import Path, Problem, format_path
from accountframe.model import Portfolio, structure_portfolio

__all__ = ["Document", "LoadLimits", "load_portfolio", "parse_document", "read_document"]

Format = Literal["yaml", "json"]

# Plain scalar tags only: no !!binary, !!python/..., or application tags.
_SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:str",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# The C parser is several times faster on large portfolios; the pure-Python one is identical.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlainDumper(yaml.SafeDumper):
    """The safe dumper without anchors and aliases: a value met twice is written twice.

    PyYAML anchors any object it meets twice, dates included (only None, empty tuples, text,
    bytes, booleans and numbers are exempt): plain data that shares one (two fields holding
    the same date object) would otherwise be written with `&id001` and `*id001`, which read
    back the same but are left to the careful walk. (Data that holds itself cannot be written
    this way; a portfolio's `to_dict()` never does.) PyYAML's own emitter, not libyaml's,
    which is faster but escapes some characters, emoji among them, that PyYAML's writes as
    they are.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


def yaml_text(data: Any, **options: Any) -> str:
    """Plain data as YAML, keys in their order, Unicode as it is, and no anchors or aliases.

    Example:
        >>> import datetime
        >>> day = datetime.date(2026, 11, 25)
        >>> print(yaml_text({"start": day, "end": day}), end="")
        start: 2026-11-25
        end: 2026-11-25
    """
    return str(yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, **options))


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{attribute.name} must be a positive whole number (got {value!r})")


def _folders(value: Iterable[str | os.PathLike[str]]) -> tuple[str, ...]:
    if isinstance(value, str | bytes | os.PathLike):
        raise ValueError(f"allow_read must be a list of folders (got {value!r})")
    folders = tuple(value)
    for folder in folders:
        if not isinstance(folder, str | os.PathLike):
            raise ValueError(f"allow_read must hold folder paths (got {folder!r})")
    return tuple(os.fspath(folder) for folder in folders)


@attrs.frozen
class LoadLimits:
    """Bounds on what a document may cost to read, and on which files a framework may read.

    Attributes:
        max_bytes: the largest file read (default 100 MiB).
        max_depth: the deepest nesting of lists and mappings (default 64).
        max_alias_values: how many values alias expansion may add beyond the document's own
            (default 100,000); this is what stops a "billion laughs" document.
        max_policies: the most policies a framework may hold once composed, inherited ones
            included (default 10,000); read by `load_framework` and `bundled`.
        max_extends: the longest chain of frameworks extending one another, the framework
            loaded included (default 32).
        allow_read: folders outside a framework's own folder that its files, the frameworks it
            extends and its policy tests may read too (default none; see
            `accountframe.load.paths`: every other path is refused with `af-path`).

    Beyond a bound, an `af-limit` error.

    Example:
        >>> LoadLimits(max_policies=500)
        LoadLimits(max_bytes=104857600, max_depth=64, max_alias_values=100000, max_policies=500, max_extends=32, allow_read=())
    """  # noqa: E501 - the doctest is one line

    max_bytes: int = attrs.field(default=100 * 1024 * 1024, validator=_positive)
    max_depth: int = attrs.field(default=64, validator=_positive)
    max_alias_values: int = attrs.field(default=100_000, validator=_positive)
    max_policies: int = attrs.field(default=10_000, validator=_positive)
    max_extends: int = attrs.field(default=32, validator=_positive)
    allow_read: tuple[str, ...] = attrs.field(default=(), converter=_folders)


DEFAULT_LIMITS = LoadLimits()


class Document:
    """Parsed plain data with the position of every value and key, for error messages.

    Positions are only needed to report problems, so a document parsed on the fast path finds
    them on first use, by reading its text again with the position-recording walk.
    """

    def __init__(
        self,
        data: Any,
        file: str,
        lines: tuple[str, ...] = (),
        *,
        problems: tuple[Problem, ...] = (),
        positions: tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int]]] | None = None,
        scalar_styles: dict[Path, str | None] | None = None,
        text: str | None = None,
        limits: LoadLimits = DEFAULT_LIMITS,
    ) -> None:
        self.data = data
        self.file = file
        self._lines = lines
        self.problems = problems
        self._positions = positions
        self._scalar_styles = scalar_styles if scalar_styles is not None else {}
        self._text = text
        self._limits = limits

    def __repr__(self) -> str:
        return f"Document(file={self.file!r}, problems={len(self.problems)})"

    @property
    def lines(self) -> tuple[str, ...]:
        """The text's lines, for showing a problem's source line: split from the text when
        first asked for (a document parsed on the fast path keeps one copy of its text, not
        two, as a large portfolio is loaded)."""
        if not self._lines and self._text:
            self._lines = tuple(self._text.splitlines())
        return self._lines

    @property
    def text(self) -> str | None:
        """The text, while the positions are still to be found from it (a document parsed
        on the fast path); None once they are known."""
        return self._text if self._positions is None else None

    @property
    def positions(self) -> Mapping[Path, tuple[int, int]]:
        """Path → (line, column) of each value."""
        return self._located()[0]

    @property
    def key_positions(self) -> Mapping[Path, tuple[int, int]]:
        """Path → (line, column) of the key that introduces each value in a mapping."""
        return self._located()[1]

    @property
    def scalar_styles(self) -> Mapping[Path, str | None]:
        """Path → YAML style of each scalar value: None (plain), `'`, `"`, `|` or `>`.

        Empty for a document read as JSON without the walk (JSON values have no styles).
        """
        self._located()
        return self._scalar_styles

    def _located(self) -> tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int]]]:
        if self._positions is None:
            walker = _walk_positions(self._text or "", self._limits)
            self._positions = (walker.positions, walker.key_positions)
            self._scalar_styles = walker.scalar_styles
        return self._positions

    def locate(self, path: Path, *, at_key: bool = False) -> Location:
        """The location of the value (or key) at `path`, else of its nearest located parent."""
        found = self.key_positions.get(path) if at_key else None
        probe = path
        while found is None:
            found = self.positions.get(probe)
            if found is None:
                if not probe:
                    break
                probe = probe[:-1]
        line, column = found if found is not None else (None, None)
        return Location(file=self.file, line=line, column=column, path=format_path(path))

    def diagnostic(self, problem: Problem) -> Diagnostic:
        """A located Diagnostic for a problem found in this document's data."""
        location = self.locate(problem.path, at_key=problem.at_key)
        if problem.position is not None:
            location = attrs.evolve(location, line=problem.position[0], column=problem.position[1])
        return Diagnostic(problem.code, problem.message, location, self.source_line(location))

    def source_line(self, location: Location) -> str | None:
        if location.line is None or not 0 < location.line <= len(self.lines):
            return None
        return self.lines[location.line - 1]


class _Abort(Exception):
    """Stops a walk that must not go on (a limit); carries the problem and where it is."""

    def __init__(self, code: str, message: str, mark: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark


class _Walker:
    """Turns a composed YAML node tree into plain values, recording positions and problems."""

    def __init__(self, loader: Any, limits: LoadLimits) -> None:
        self.loader = loader
        self.limits = limits
        self.positions: dict[Path, tuple[int, int]] = {}
        self.key_positions: dict[Path, tuple[int, int]] = {}
        #: Path → style of a scalar: None (plain), "'", '"', "|" (literal) or ">" (folded).
        self.scalar_styles: dict[Path, str | None] = {}
        self.problems: list[Problem] = []
        self.visited: set[int] = set()
        self.visits = 0
        self.alias_root: Any = None

    @staticmethod
    def at(mark: Any) -> tuple[int, int]:
        return (mark.line + 1, mark.column + 1)

    def value(self, node: Any, path: Path, depth: int) -> Any:
        if depth > self.limits.max_depth:
            raise _Abort(
                "af-limit",
                f"nesting is deeper than {self.limits.max_depth} levels",
                node.start_mark,
            )
        self.visits += 1
        if id(node) in self.visited and self.alias_root is None:
            # Entering an alias: report a blow-up at the anchor being expanded.
            self.alias_root = node
            try:
                return self.value(node, path, depth)
            finally:
                self.alias_root = None
        self.visited.add(id(node))
        if self.visits - len(self.visited) > self.limits.max_alias_values:
            raise _Abort(
                "af-limit",
                f"aliases expand the document by more than {self.limits.max_alias_values} "
                "values (expanding the anchor defined here)",
                (self.alias_root or node).start_mark,
            )
        self.positions.setdefault(path, self.at(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            self.scalar_styles.setdefault(path, node.style or None)
            if node.tag not in _SCALAR_TAGS:
                self.problems.append(Problem("af-unsafe", _tag_message(node.tag), path))
                return None
            try:
                return self.loader.construct_object(node)
            except (yaml.YAMLError, ValueError, OverflowError) as error:
                # e.g. a timestamp like 2026-02-30, which YAML resolves but cannot build.
                self.problems.append(Problem("af-value", _unreadable(node.value, error), path))
                return None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.problems.append(Problem("af-unsafe", _tag_message(node.tag), path))
                return None
            return [self.value(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.tag != _MAP_TAG:
            self.problems.append(Problem("af-unsafe", _tag_message(node.tag), path))
            return None
        return self.mapping(node, path, depth)

    def mapping(self, node: Any, path: Path, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, int] = {}
        merges: list[Any] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.problems.append(Problem("af-value", "mapping keys must be plain text", path))
                continue
            try:
                key = self.loader.construct_object(key_node)
            except (yaml.YAMLError, ValueError, OverflowError) as error:
                self.problems.append(Problem("af-value", _unreadable(key_node.value, error), path))
                continue
            key_path = (*path, str(key))
            if key in first_seen:
                self.problems.append(
                    Problem(
                        "af-duplicate",
                        f"duplicate key {key!r} (first at line {first_seen[key]})",
                        key_path,
                        at_key=True,
                        position=self.at(key_node.start_mark),
                    )
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            self.key_positions[key_path] = self.at(key_node.start_mark)
            result[key] = self.value(value_node, key_path, depth + 1)
        # Merge keys (<<) add only what the mapping does not say itself.
        for merge_node in merges:
            sources = (
                merge_node.value if isinstance(merge_node, yaml.SequenceNode) else [merge_node]
            )
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    self.problems.append(
                        Problem("af-value", "a merge key (<<) must name a mapping", path)
                    )
                    continue
                for key, item in self.mapping(source, path, depth).items():
                    result.setdefault(key, item)
        return result


def _unreadable(text: str, error: Exception) -> str:
    """Why a scalar cannot be read, without quoting all of a long one (or Python's advice)."""
    digits = text.lstrip("+-")
    if digits.isdigit() and len(digits) > sys.get_int_max_str_digits() > 0:
        return _too_many_digits(len(digits))
    shown = text if len(text) <= 40 else text[:37] + "..."
    reason = " ".join(str(error).split())
    return f"cannot read {shown!r}: {reason[:200]}"


def _too_many_digits(count: int) -> str:
    return (
        f"a whole number of {count:,} digits is too long to read (at most "
        f"{sys.get_int_max_str_digits():,}); quote it to keep it as text"
    )


# `\ud800`-style escapes of half a surrogate pair (the other half may follow).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LONG_NUMBER = re.compile(r"-?[0-9]{2,}")


def _refuse_surrogates(text: str, data: Any, file: str, error: type[LoadError]) -> None:
    """Raise if JSON `text` escapes half a surrogate pair on its own (`"\\ud800"`): Python
    reads it as a string that is not text, which no output can encode (RFC 8259, 8.2)."""
    if _SURROGATE_ESCAPE.search(text) is None or not _holds_surrogate(data):
        return
    offset = _lone_escape(text)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    escape = text[offset : offset + 6]
    lines = text.splitlines()
    raise error(
        [
            Diagnostic(
                "af-encoding",
                f"{escape} is half of a surrogate pair, not a character: JSON text must be "
                "Unicode (write the character itself, or both halves of the pair)",
                Location(file=file, line=line, column=column),
                lines[line - 1] if 0 < line <= len(lines) else None,
            )
        ]
    )


def _holds_surrogate(data: Any) -> bool:
    pending = [data]
    while pending:
        value = pending.pop()
        if type(value) is str:
            if _SURROGATE.search(value):
                return True
        elif type(value) is dict:
            pending.extend(value)
            pending.extend(value.values())
        elif type(value) is list:
            pending.extend(value)
    return False


def _lone_escape(text: str) -> int:
    """The offset of the first escape of a lone surrogate half in JSON `text` (0 if none)."""
    paired_until = 0
    for match in _SURROGATE_ESCAPE.finditer(text):
        start = match.start()
        if start < paired_until:
            continue  # the second half of a pair
        before = len(text[:start]) - len(text[:start].rstrip("\\"))
        if before % 2:
            continue  # an escaped backslash, then text: not an escape
        following = _SURROGATE_ESCAPE.match(text, match.end())
        if int(match[0][2:], 16) <= 0xDBFF and following and int(following[0][2:], 16) >= 0xDC00:
            paired_until = following.end()
            continue
        return start
    return 0


def _number_diagnostic(text: str, file: str, lines: tuple[str, ...]) -> Diagnostic | None:
    """Where JSON `text` holds a whole number too long for Python to read, if it does."""
    limit = sys.get_int_max_str_digits()
    for match in _LONG_NUMBER.finditer(text):
        digits = len(match[0].lstrip("-"))
        if limit and digits > limit:
            offset = match.start()
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            source = lines[line - 1] if 0 < line <= len(lines) else None
            return Diagnostic(
                "af-value",
                _too_many_digits(digits),
                Location(file=file, line=line, column=column),
                source,
            )
    return None


def _tag_message(tag: str) -> str:
    short = tag.replace("tag:yaml.org,2002:", "!!")
    return f"YAML tag {short!r} is not allowed: accountframe reads plain data only"


def parse_document(
    text: str | bytes,
    *,
    file: str = "<input>",
    format: Format | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
    error: type[LoadError] = LoadError,
) -> Document:
    """Parse YAML or JSON text into a Document, or raise `error` with every problem found.

    `format` defaults to JSON for a file ending in `.json` and YAML otherwise. Problems in the
    data that do not stop parsing (a refused tag, a duplicate key) are kept in
    `Document.problems` for the caller to report together with its own.
    """
    return _parse_document(text, file=file, format=format, limits=limits, error=error)


def _parse_document(
    text: str | bytes,
    *,
    file: str,
    format: Format | None,
    limits: LoadLimits,
    error: type[LoadError],
) -> Document:
    if isinstance(text, bytes):
        raw = text
        if len(raw) > limits.max_bytes:
            raise error([_file_problem(file, "af-limit", _size_message(len(raw), limits))])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as decode_error:
            raise error([_decode_diagnostic(file, raw, decode_error)]) from None
    fmt: Format = format or ("json" if file.lower().endswith(".json") else "yaml")
    if not text.strip():
        raise error(
            [_file_problem(file, "af-empty", "the file is empty; expected a mapping of keys")]
        )
    data = _fast_parse(text, fmt, limits)
    if data is not _WALK:
        if fmt == "json":
            _refuse_surrogates(text, data, file, error)
        # No lines: the document splits them from its text if a problem is shown.
        document = Document(data, file, text=text, limits=limits)
        return _require_mapping(document, error)
    lines = tuple(text.splitlines())
    return _walk_document(text, file=file, fmt=fmt, lines=lines, limits=limits, error=error)


def _walk_document(
    text: str,
    *,
    file: str,
    fmt: Format,
    lines: tuple[str, ...],
    limits: LoadLimits,
    error: type[LoadError],
) -> Document:
    """The careful path: every value walked with its position, every problem reported."""
    walker = _Walker(_Loader(text), limits)
    try:
        try:
            root = walker.loader.get_single_node()
            data = walker.value(root, (), 0) if root is not None else None
        finally:
            walker.loader.dispose()
    except yaml.MarkedYAMLError as yaml_error:
        mark = yaml_error.problem_mark or yaml_error.context_mark
        message = (
            " ".join(part for part in (yaml_error.context, yaml_error.problem) if part)
            or "not well-formed YAML"
        )
        if "maximum nesting depth" in message:  # libyaml's own bound (1,000), above ours
            limit = f"nesting is deeper than {limits.max_depth} levels"
            raise error([_marked(file, lines, "af-limit", limit, mark)]) from None
        if fmt == "json":
            # Valid JSON that PyYAML cannot read (a rare escape): values without positions.
            return _require_mapping(_parse_json(text, file=file, lines=lines, error=error), error)
        raise error([_marked(file, lines, "af-syntax", message, mark)]) from None
    except yaml.YAMLError as yaml_error:
        raise error([_file_problem(file, "af-syntax", str(yaml_error))]) from None
    except _Abort as abort:
        raise error([_marked(file, lines, abort.code, abort.message, abort.mark)]) from None
    except RecursionError:
        raise error([_file_problem(file, "af-limit", "nesting is too deep to read")]) from None
    if root is None:
        raise error([_file_problem(file, "af-empty", "the file holds no document")])
    if fmt == "json":
        # JSON values come from the JSON parser (YAML 1.1 reads `1e5` as text); positions and
        # duplicate keys come from the walk above, which reads JSON as the YAML it also is.
        data = _parse_json(text, file=file, lines=lines, error=error).data
    document = Document(
        data,
        file,
        lines,
        problems=tuple(walker.problems),
        positions=(walker.positions, walker.key_positions),
        scalar_styles=walker.scalar_styles,
    )
    return _require_mapping(document, error)


_WALK: Any = object()  # _fast_parse's answer when only the careful walk will do


_STR_TAG = "tag:yaml.org,2002:str"


_NO_KEY: Any = object()  # a mapping's place for a key, before its key is read


def _plain_events(loader: Any) -> Any:
    """Plain data from libyaml's events, as PyYAML's composer and safe constructors build it,
    or `Declined` for anything unusual: an anchor or alias, a tag that is not a plain
    value's, a merge key or another key that is not plain, a repeated key, a second document.

    Built as the events come, without composing the document's nodes first: a portfolio's
    tree of nodes, with two position marks per node, takes several times the memory of its
    values (loading 10,000 contracts peaked at 1,745 MiB with it, 543 MiB without), and
    PyYAML's composer calls back into Python for every node. Tags are worked out as the
    composer works them out (`resolve`, for a value with no tag or the non-specific `!`).
    """
    if loader.yaml_path_resolvers:
        raise Declined  # tags that depend on a value's path: the composer keeps track
    get_event, resolve, constructors = loader.get_event, loader.resolve, loader.yaml_constructors
    get_event()  # the start of the stream
    if type(get_event()) is yaml.StreamEndEvent:
        return None  # no document
    root: Any = None
    open_: list[Any] = []  # the mappings and sequences being read, innermost last
    keys: list[Any] = []  # for each, the key whose value comes next (or _NO_KEY)
    while True:
        event = get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None:
                raise Declined
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == _STR_TAG:
                value = event.value  # what construct_yaml_str gives
            elif tag in _SCALAR_TAGS:
                value = constructors[tag](loader, yaml.ScalarNode(tag, event.value))
            else:
                raise Declined
            started = False
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None:
                raise Declined
            mapping = kind is yaml.MappingStartEvent
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(
                    yaml.MappingNode if mapping else yaml.SequenceNode, None, event.implicit
                )
            if tag != (_MAP_TAG if mapping else _SEQ_TAG):
                raise Declined
            value, started = ({} if mapping else []), True
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            open_.pop()
            keys.pop()
            continue
        elif kind is yaml.DocumentEndEvent:
            break
        else:
            raise Declined  # an alias
        if not open_:
            root = value
        elif type(parent := open_[-1]) is list:
            parent.append(value)
        elif (key := keys[-1]) is _NO_KEY:
            if started or value in parent:
                raise Declined  # a complex key (a merge key is refused by its tag), or a repeat
            keys[-1] = value
        else:
            parent[key] = value
            keys[-1] = _NO_KEY
        if started:
            open_.append(value)
            keys.append(_NO_KEY)
    if type(get_event()) is not yaml.StreamEndEvent:
        raise Declined  # more than one document: the composer refuses it
    return root


def _unique_pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(items)
    if len(result) != len(items):
        raise Declined
    return result


def _fast_parse(text: str, fmt: Format, limits: LoadLimits) -> Any:
    """Plain data from well-behaved text, or _WALK when only the careful walk can tell."""
    try:
        if fmt == "json":
            data = json.loads(text, object_pairs_hook=_unique_pairs)
        else:
            # Values built from libyaml's events directly: several times faster than PyYAML's
            # composer and constructor, which are written for every tag and alias there is.
            loader = _Loader(text)
            try:
                data = _plain_events(loader)
            finally:
                loader.dispose()
    except (Declined, yaml.YAMLError, ValueError, OverflowError, TypeError, RecursionError):
        return _WALK  # json.JSONDecodeError is a ValueError
    if data is None or deeper_than(data, limits.max_depth):
        return _WALK
    return data


def deeper_than(data: Any, limit: int) -> bool:
    """Whether any value is more than `limit` levels below the top (which is level 0), as the
    walk counts them. A level at a time: the values below are gathered by C loops (`extend`),
    so a portfolio's 1.7 million values cost one type check each."""
    level, depth = [data], 0
    while level:
        if depth > limit:
            return True
        below: list[Any] = []
        for value in level:
            if type(value) is dict:
                below.extend(value.values())
            elif type(value) is list:
                below.extend(value)
        level, depth = below, depth + 1
    return False


def _walk_positions(text: str, limits: LoadLimits) -> _Walker:
    """Positions (and scalar styles) of a document that already parsed cleanly."""
    walker = _Walker(_Loader(text), limits)
    try:
        try:
            root = walker.loader.get_single_node()
            if root is not None:
                walker.value(root, (), 0)
        finally:
            walker.loader.dispose()
    except (yaml.YAMLError, _Abort, RecursionError):
        pass  # e.g. valid JSON that YAML cannot read: what was found so far still helps
    return walker


def _require_mapping(document: Document, error: type[LoadError]) -> Document:
    if not isinstance(document.data, Mapping):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        problem = Problem("af-document", f"expected a mapping at the top (got {kind})", ())
        raise error([document.diagnostic(problem)])
    return document


def _parse_json(
    text: str, *, file: str, lines: tuple[str, ...], error: type[LoadError]
) -> Document:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as json_error:
        location = Location(file=file, line=json_error.lineno, column=json_error.colno)
        source = lines[json_error.lineno - 1] if 0 < json_error.lineno <= len(lines) else None
        raise error([Diagnostic("af-syntax", json_error.msg, location, source)]) from None
    except RecursionError:
        raise error([_file_problem(file, "af-limit", "nesting is too deep to read")]) from None
    except ValueError as value_error:  # a number too long for Python to read
        found = _number_diagnostic(text, file, lines)
        reason = " ".join(str(value_error).split())[:200]
        raise error([found or _file_problem(file, "af-value", reason)]) from None
    _refuse_surrogates(text, data, file, error)
    problems = tuple(Problem("af-duplicate", f"duplicate key {key!r}", ()) for key in duplicates)
    return Document(data, file, lines, problems=problems, positions=({}, {}))


def read_document(
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
    error: type[LoadError] = LoadError,
) -> Document:
    """Read and parse a YAML or JSON file; see `parse_document`."""
    name = os.fspath(path)
    file_path = FilePath(name)
    try:
        size = file_path.stat().st_size
        if size > limits.max_bytes:
            raise error([_file_problem(name, "af-limit", _size_message(size, limits))])
        raw = file_path.read_bytes()
    except IsADirectoryError:
        raise error([_file_problem(name, "af-io", "is a folder, not a file")]) from None
    except FileNotFoundError:
        raise error([_file_problem(name, "af-io", "no such file")]) from None
    except OSError as os_error:
        raise error([_file_problem(name, "af-io", os_error.strerror or str(os_error))]) from None
    except ValueError as value_error:  # a name the OS cannot take, e.g. with a NUL byte
        raise error([_file_problem(name, "af-io", str(value_error))]) from None
    return parse_document(raw, file=name, format=format, limits=limits, error=error)


def load_portfolio(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    limits: LoadLimits = DEFAULT_LIMITS,
) -> Portfolio:
    """Load a portfolio from a YAML or JSON file (or a mapping) and check it completely.

    Raises:
        PortfolioError: every problem found, each as `file:line:col: code: path: message`.

    Example:
        >>> load_portfolio("no/such/file.yaml")
        Traceback (most recent call last):
        ...
        accountframe.errors.PortfolioError: no/such/file.yaml: af-io: no such file
    """
    if isinstance(source, Mapping):
        return Portfolio.from_dict(source)
    document = read_document(source, limits=limits, error=PortfolioError)
    return portfolio_from_document(document)


def portfolio_from_document(document: Document) -> Portfolio:
    """Structure a parsed document into a Portfolio, locating every problem in its file."""
    portfolio, problems = structure_portfolio(document.data)
    # A refused value (an unsafe tag) was read as null; saying so again would only confuse.
    refused = [problem.path for problem in document.problems if problem.code == "af-unsafe"]
    problems = [
        *document.problems,
        *(p for p in problems if p.at_key or not _below_any(p.path, refused)),
    ]
    if portfolio is None or problems:
        raise PortfolioError(_dedupe(document.diagnostic(problem) for problem in problems))
    return portfolio


def _below_any(path: Path, prefixes: list[Path]) -> bool:
    return any(path[: len(prefix)] == prefix for prefix in prefixes)


def _dedupe(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: dict[Diagnostic, None] = {}
    for diagnostic in diagnostics:
        seen.setdefault(diagnostic, None)
    return list(seen)


def _file_problem(file: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(code, message, Location(file=file))


def _size_message(size: int, limits: LoadLimits) -> str:
    return f"the file is {size:,} bytes; the limit is {limits.max_bytes:,}"


def _marked(file: str, lines: tuple[str, ...], code: str, message: str, mark: Any) -> Diagnostic:
    if mark is None:
        return _file_problem(file, code, message)
    line = mark.line + 1
    location = Location(file=file, line=line, column=mark.column + 1)
    return Diagnostic(code, message, location, lines[line - 1] if line <= len(lines) else None)


def _decode_diagnostic(file: str, raw: bytes, decode_error: UnicodeDecodeError) -> Diagnostic:
    before = raw[: decode_error.start]
    line = before.count(b"\n") + 1
    column = decode_error.start - (before.rfind(b"\n") + 1) + 1
    return Diagnostic(
        "af-encoding",
        f"the file is not UTF-8 text (byte 0x{raw[decode_error.start]:02x} "
        f"at offset {decode_error.start})",
        Location(file=file, line=line, column=column),
    )
