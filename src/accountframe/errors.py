"""Errors, locations and diagnostics: the one error vocabulary of accountframe.

Every exception accountframe raises on purpose derives from `AccountframeError`; nothing else
may escape the public API for bad input. The tree:

```text
AccountframeError         af-error      the root
├── LoadError             af-load       input could not be loaded; carries every Diagnostic found
│   ├── PortfolioError    af-portfolio  a portfolio file or mapping is invalid
│   ├── FrameworkError    af-framework  a framework folder, file or composition is invalid
│   └── OcdsError         af-ocds       an OCDS source cannot be read at all (load.ocds)
├── CelError              af-cel        anything from the CEL boundary (accountframe.cel)
│   ├── CelCompileError   af-cel-syntax or af-cel-limit, as its diagnostic: raised by compile()
│   └── CelEvaluationError af-cel-eval  an expression failed while being evaluated
└── UsageError            af-usage      the caller asked for something that cannot be done
```

Loaders and checkers *collect* problems as `Diagnostic` values (a stable code, a message that
says what was expected and what was found, and a `Location`), sort them by location, and raise
once with all of them. `Diagnostic.render()` gives the one message grammar used everywhere:

```text
portfolio.yaml:11:5: af-key: contracts[0].teir: unknown key 'teir' (did you mean 'tier'?)
        teir: gold
        ^
```

A diagnostic is an `error` (the input is invalid) or a `warning` (it is valid, but very likely
not what was meant: a parameter nothing uses, a title that contradicts a parameter). Only
`accountframe.lint` and a compiled framework's `warnings` give warnings; an exception carries
errors only. A warning renders with `warning:` after the location:

```text
mine/framework.yaml:6:3: warning: af-unused: params.spare: parameter 'spare' is set, never used
```
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import attrs

from accountframe.sanitise import terminal

__all__ = [
    "ERROR_CODES",
    "AccountframeError",
    "CelCompileError",
    "CelError",
    "CelEvaluationError",
    "Diagnostic",
    "DiagnosticSeverity",
    "FrameworkError",
    "LoadError",
    "Location",
    "PortfolioError",
    "UsageError",
    "closest",
    "did_you_mean",
]

#: Stable error codes with what each means. Codes never change meaning once published.
ERROR_CODES: dict[str, str] = {
    "af-io": "the file cannot be read (missing, a folder, no permission)",
    "af-path": "a file outside the framework's folder, which a framework and its tests may "
    "not read (see the paths rule in docs/limits.md)",
    "af-encoding": "the file is not valid UTF-8 text",
    "af-syntax": "the file is not well-formed YAML or JSON",
    "af-empty": "the file holds no document",
    "af-document": "the document is not a single mapping",
    "af-unsafe": "a YAML tag that would construct an object, or an unsupported YAML feature",
    "af-limit": "a configured limit was exceeded (file size, nesting, alias expansion, "
    "number of policies)",
    "af-format": "the format marker names another format or version",
    "af-key": "a key that the format does not define",
    "af-missing": "a required key is absent",
    "af-value": "a value of the wrong type or out of range",
    "af-date": "a value that is not an ISO 8601 date",
    "af-enum": "a value outside the allowed set",
    "af-duplicate": "an id or key that is used twice",
    "af-reference": "a reference (person id, policy id) that resolves to nothing",
    "af-cycle": "a chain that loops back on itself (extends, roles reporting lines)",
    "af-extends": "override or remove given in a framework that does not extend another",
    "af-cel-syntax": "a CEL expression that does not parse",
    "af-cel-limit": "a CEL expression longer or more deeply nested than the configured limit",
    "af-cel-eval": "a CEL expression failed while being evaluated",
    "af-definition": "a definition that uses itself or one defined after it",
    "af-type": "a CEL expression that cannot type-check: an unknown field, a wrong number of "
    "arguments, operand types no overload accepts, a result of the wrong type",
    "af-unknown": "a CEL expression that names a variable or function that does not exist",
    "af-stray": "a file in a framework folder that is not a policy file (a portfolio, an "
    "mkdocs.yml, policy tests, another framework file, any mapping without 'policies')",
    "af-unused": "a parameter or definition that nothing uses: an error for a parameter an "
    "extending framework adds (very likely a misspelt inherited one), else a warning",
    "af-drift": "a warning: a policy's title names a period that none of its durations, set "
    "by parameters, is (write the period as {params.NAME}, or change the title)",
}

#: What a diagnostic is: `error` makes the input invalid; `warning` is shown by lint only.
DiagnosticSeverity = Literal["error", "warning"]
_SEVERITIES = ("error", "warning")
# A path into a policy list: `policies[3]`, then the rest (`.require`, `.tags[1]`).
_POLICY_PATH = re.compile(r"(policies\[\d+\])(.*)", re.DOTALL)


@attrs.frozen(order=False)
class Location:
    """Where a value came from: a file position and the path of keys leading to it.

    `line` and `column` are 1-based. Either part may be missing: values built in Python have a
    path but no file; a file-level problem (bad encoding) has a file but no path.

    Example:
        >>> str(Location(file="p.yaml", line=3, column=7, path="contracts[0].id"))
        'p.yaml:3:7'
        >>> str(Location(path="contracts[0].id"))
        'contracts[0].id'
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        if self.file is None:
            return self.path or "<input>"
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, then position, then path; unknown positions sort first."""
        return (self.file or "", self.line or 0, self.column or 0, self.path)

    def to_dict(self) -> dict[str, Any]:
        """The location as plain data: every key present, None where unknown.

        Example:
            >>> Location(file="p.yaml", line=3, column=7, path="contracts[0].id").to_dict()
            {'file': 'p.yaml', 'line': 3, 'column': 7, 'path': 'contracts[0].id'}
        """
        return {"file": self.file, "line": self.line, "column": self.column, "path": self.path}


@attrs.frozen
class Diagnostic:
    """One problem found while loading or checking, with a stable `code`.

    Example:
        >>> d = Diagnostic("af-key", "unknown key 'tierr' (did you mean 'tier'?)",
        ...                Location(file="p.yaml", line=4, column=5, path="contracts[0]"))
        >>> d.render()
        "p.yaml:4:5: af-key: contracts[0]: unknown key 'tierr' (did you mean 'tier'?)"
    """

    code: str
    message: str
    location: Location = attrs.field(factory=Location)
    #: The text of the source line the location points into, for the caret display.
    source_line: str | None = None
    #: `error` (the input is invalid) or `warning` (valid, very likely not what was meant).
    severity: DiagnosticSeverity = attrs.field(
        default="error", validator=attrs.validators.in_(_SEVERITIES)
    )
    #: The id of the policy the problem is in, when it is known: the path is then shown by id
    #: as well as by position (`CAD-1.every (policies[0])`).
    policy: str | None = None

    @property
    def is_error(self) -> bool:
        """Whether this diagnostic makes the input invalid (its severity is `error`)."""
        return self.severity == "error"

    def shown_path(self) -> str:
        """The path as messages show it: a policy's named by its id and by its position.

        Example:
            >>> Diagnostic("af-type", "m", Location(path="policies[2].require"),
            ...            policy="R-1").shown_path()
            'R-1.require (policies[2])'
        """
        path = self.location.path
        match = _POLICY_PATH.fullmatch(path) if self.policy else None
        if match is None:
            return path
        return f"{self.policy}{match.group(2)} ({match.group(1)})"

    def render(self) -> str:
        """The one message grammar: `where: code: path: message`, then source line and caret;
        a warning has `warning:` before its code.

        Example:
            >>> Diagnostic("af-unused", "nothing uses parameter 'x'",
            ...            Location(file="f.yaml", line=3, column=3, path="params.x"),
            ...            severity="warning").render()
            "f.yaml:3:3: warning: af-unused: params.x: nothing uses parameter 'x'"
        """
        loc = self.location
        prefix = f"{loc}: " + ("warning: " if self.severity == "warning" else "") + f"{self.code}: "
        if loc.file is not None and loc.path:
            prefix += f"{self.shown_path()}: "
        text = prefix + self.message
        if self.source_line is not None and loc.column is not None:
            line, column = _window(self.source_line.rstrip("\n"), loc.column)
            # A control character in the line is shown as its escape (`\x1b`), never sent to
            # the terminal, and the caret counts the escape's width.
            before = terminal(line[: column - 1])
            # Keep tabs so that the caret lines up under the same visual column.
            pad = "".join("\t" if ch == "\t" else " " for ch in before)
            text += f"\n    {before}{terminal(line[column - 1 :])}\n    {pad}^"
        return text

    def sort_key(self) -> tuple[tuple[str, int, int, str], str, str]:
        return (self.location.sort_key(), self.code, self.message)

    def to_dict(self) -> dict[str, Any]:
        """The diagnostic as plain data, ready for JSON: what a web handler or CI tool returns.

        `severity` is `error` or `warning` (lint's); `policy` the id of the policy the problem
        is in, when known; `text` is `render()`'s first line (the one message grammar);
        `source_line` is the line the location points into, when known.

        Example:
            >>> d = Diagnostic("af-key", "unknown key 'tierr' (did you mean 'tier'?)",
            ...                Location(file="p.yaml", line=4, column=5, path="contracts[0]"))
            >>> d.to_dict()["location"]
            {'file': 'p.yaml', 'line': 4, 'column': 5, 'path': 'contracts[0]'}
            >>> d.to_dict()["text"]
            "p.yaml:4:5: af-key: contracts[0]: unknown key 'tierr' (did you mean 'tier'?)"
        """
        return {
            "code": self.code,
            "severity": self.severity,
            "policy": self.policy,
            "message": self.message,
            "location": self.location.to_dict(),
            "source_line": self.source_line,
            "text": self.render().split("\n", 1)[0],
        }


_SHOWN = 100  # the widest source excerpt shown under a message, in characters


def _window(line: str, column: int) -> tuple[str, int]:
    """Cut a long source line to an excerpt around `column`; return it and the new column."""
    if len(line) <= _SHOWN:
        return line, column
    start = max(0, min(column - 1 - _SHOWN // 2, len(line) - _SHOWN))
    excerpt = line[start : start + _SHOWN]
    if start > 0:
        excerpt = "..." + excerpt
        column = column - start + 3
    if start + _SHOWN < len(line):
        excerpt += "..."
    return excerpt, column


class AccountframeError(Exception):
    """The root of every error accountframe raises for bad input or a failed evaluation.

    Every class carries a stable `code` (see the tree above): what kind of error it is, for
    callers that report errors by code. A load error's diagnostics have codes of their own.
    """

    code: str = "af-error"

    def to_dict(self) -> dict[str, Any]:
        """The error as plain data, ready for JSON: its `code`, its `message` (`str(error)`)
        and its `diagnostics` (`Diagnostic.to_dict()` each; empty for an error without any).

        Subclasses add what they carry: a CEL error its `cel_message`, `source` and
        `location`.

        Example:
            >>> data = UsageError("no policy 'X'").to_dict()
            >>> data["code"] == UsageError.code, data["message"], data["diagnostics"]
            (True, "no policy 'X'", [])
        """
        return {
            "code": self.code,
            "message": str(self),
            "diagnostics": [d.to_dict() for d in self.problems()],
        }

    def problems(self) -> tuple[Diagnostic, ...]:
        """The diagnostics this error carries (a load error's every problem, a compile error's
        one); empty for the others."""
        return ()


class LoadError(AccountframeError):
    """Input could not be loaded. `diagnostics` holds every problem found, sorted by location."""

    code = "af-load"

    def __init__(self, diagnostics: Iterable[Diagnostic], *, summary: str | None = None) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(
            sorted(diagnostics, key=Diagnostic.sort_key)
        )
        count = len(self.diagnostics)
        self.summary = summary or f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(self.render())

    def render(self) -> str:
        """Every diagnostic rendered, one block each, in location order."""
        return "\n".join(d.render() for d in self.diagnostics) or self.summary

    def problems(self) -> tuple[Diagnostic, ...]:
        return self.diagnostics

    def to_dict(self) -> dict[str, Any]:
        """`AccountframeError.to_dict`, with the `summary` as the `message`.

        Examples:
            >>> error = PortfolioError([Diagnostic("af-missing", "missing required key "
            ...     "'organisation'", Location(file="p.yaml", line=1, column=1))])
            >>> data = error.to_dict()
            >>> data["code"] == PortfolioError.code, data["message"]
            (True, '1 problem found')
            >>> [d["code"] for d in data["diagnostics"]]
            ['af-missing']
        """
        return {**super().to_dict(), "message": self.summary}


class PortfolioError(LoadError):
    """A portfolio file or mapping is invalid."""

    code = "af-portfolio"


class FrameworkError(LoadError):
    """A framework folder, file or composition (extends, override, remove) is invalid."""

    code = "af-framework"


class CelError(AccountframeError):
    """An error from the CEL boundary. `cel_message` is CEL's own description of the problem."""

    code = "af-cel"

    def __init__(self, cel_message: str, *, source: str = "", location: Location | None = None):
        self.cel_message = cel_message
        self.source = source
        self.location = location
        where = f"{location}: " if location is not None else ""
        super().__init__(f"{where}{cel_message}")

    def to_dict(self) -> dict[str, Any]:
        """`AccountframeError.to_dict`, with CEL's own `cel_message`, the expression's
        `source` and its `location` (None when unknown).

        Example:
            >>> data = CelEvaluationError("division by zero", source="1 / 0").to_dict()
            >>> data["code"], data["cel_message"], data["source"], data["location"]
            ('af-cel-eval', 'division by zero', '1 / 0', None)
        """
        return {
            **super().to_dict(),
            "cel_message": self.cel_message,
            "source": self.source,
            "location": self.location.to_dict() if self.location is not None else None,
        }


class CelCompileError(CelError):
    """A CEL expression does not parse, or exceeds a configured limit.

    `diagnostic` gives the problem as a Diagnostic (code `af-cel-syntax` or `af-cel-limit`), with
    the position inside the expression mapped to the file it came from where that is known.
    """

    def __init__(self, cel_message: str, *, source: str, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        self.code = diagnostic.code
        super().__init__(cel_message, source=source, location=diagnostic.location)

    def problems(self) -> tuple[Diagnostic, ...]:
        return (self.diagnostic,)


class CelEvaluationError(CelError):
    """A CEL expression failed at evaluation time (missing field, no such overload, ...).

    In an assessment this is not raised: the finding becomes `error` with the message. Its
    `code` is `af-cel-eval`, for embedders that report errors by code.
    """

    code = "af-cel-eval"


class UsageError(AccountframeError):
    """The caller asked for something that cannot be done (bad option, unknown name)."""

    code = "af-usage"


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `word`, if any is close enough to be a likely typo.

    Example:
        >>> closest("lve", ["live", "exit"])
        'live'
    """
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Sequence[str] | Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix for the closest candidate, or '' if none is close.

    Example:
        >>> did_you_mean("tierr", ["tier", "title", "stage"])
        " (did you mean 'tier'?)"
        >>> did_you_mean("zzz", ["tier"])
        ''
    """
    match = closest(word, candidates)
    return f" (did you mean {match!r}?)" if match else ""
