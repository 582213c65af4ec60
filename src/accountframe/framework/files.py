"""The files of a framework folder: what `framework.yaml` holds, and what any other file is.

`FrameworkFile` is `framework.yaml` (its fields are the format: the loader structures it, the
JSON Schema is generated from it). Every other `*.yaml`/`*.yml` file of the folder is a policy
file; `identify` says what a file that is not one looks like instead (a portfolio, an
`mkdocs.yml`, policy tests), so that the message names it. `salvage` builds the best reading
of a mapping that has problems, so that the checks after it (and the CEL type checker) still
run over everything that is sound: every problem of every file is found in one run.

Example:
    >>> identify("contracts.yaml", {"accountframe": "portfolio/1", "organisation": "X"})
    'a portfolio (portfolio/1)'
    >>> print(identify("notes.yaml", {"policies": []}))
    None
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast

import attrs

from accountframe.framework.framework import Role
from accountframe.framework.policies import POLICY_ID, Policy
from accountframe.load.fields import Path, Problem, is_required, meta
from accountframe.load.structure import structure

__all__ = [
    "FRAMEWORK_FILE",
    "DefinitionEntry",
    "FrameworkFile",
    "RemoveEntry",
    "identify",
    "looks_like_policies",
    "mentioned_names",
    "named_field",
    "salvage",
    "salvage_policy",
    "stand_in",
    "valid_policy_id",
]

T = TypeVar("T")

FRAMEWORK_FILE = "framework.yaml"
# A name a CEL expression or a duration field may use: `params.NAME`, or a definition's name.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@attrs.frozen(kw_only=True)
class RemoveEntry:
    """An inherited policy to remove, and why (kept in the framework for docs and audit)."""

    id: str = attrs.field(metadata=meta("Id of the inherited policy.", nonempty=True))
    reason: str = attrs.field(metadata=meta("Why it does not apply to this body.", nonempty=True))


@attrs.frozen(kw_only=True)
class DefinitionEntry:
    """A definition written as a mapping: its expression and a title that reads it in words."""

    expression: str = attrs.field(
        metadata=meta("The CEL expression (contract scope).", nonempty=True)
    )
    title: str | None = attrs.field(
        default=None,
        metadata=meta(
            "What it means, in words, e.g. 'the contract is live'; the generated docs read "
            "applies_to with it.",
            nonempty=True,
        ),
    )


@attrs.frozen(kw_only=True)
class FrameworkFile:
    """`framework.yaml`: a framework's name, version, parameters, definitions and roles."""

    framework: str = attrs.field(
        metadata=meta("The framework's name, e.g. uk-central-government.", nonempty=True)
    )
    version: str = attrs.field(
        metadata=meta('Its version, e.g. "2026.1" (quote it).', nonempty=True)
    )
    title: str = attrs.field(default="", metadata=meta("One line, read by people."))
    description: str = attrs.field(default="", metadata=meta("What the framework is for."))
    extends: str | None = attrs.field(
        default=None,
        metadata=meta("A framework folder relative to this one, or a bundled framework name."),
    )
    params: Mapping[str, Any] = attrs.field(
        factory=dict,
        metadata=meta(
            "Values usable as params.NAME in CEL and in duration fields, and as {params.NAME} "
            "in titles, rationales and actions. A value may be written long, {value, basis, "
            "source, rationale}: a mapping with a value key and only those keys."
        ),
    )
    definitions: Mapping[str, Any] = attrs.field(
        factory=dict,
        metadata=meta(
            "Named CEL expressions (contract scope), in order: each an expression, or a "
            "mapping {expression, title}."
        ),
    )
    roles: tuple[Role, ...] = attrs.field(
        default=(), metadata=meta("The accountability chain; extending replaces roles by id.")
    )
    override: Mapping[str, Mapping[str, Any]] = attrs.field(
        factory=dict, metadata=meta("Only with extends: inherited policy id → fields to change.")
    )
    remove: tuple[RemoveEntry, ...] = attrs.field(
        default=(), metadata=meta("Only with extends: inherited policies to remove, with why.")
    )
    look_back: str | None = attrs.field(
        default=None, metadata=meta("How far back to look for when each status began: `since`.")
    )


# -- what a file is --------------------------------------------------------------------------


def identify(name: str, data: Mapping[Any, Any]) -> str | None:
    """What a mapping that is in a framework folder, but is no policy file, looks like.

    None when it holds `policies`, or looks like nothing accountframe knows.

    Example:
        >>> identify("mkdocs.yml", {"site_name": "Our framework"})
        'an mkdocs configuration (mkdocs.yml)'
        >>> identify("cases.yaml", {"tests": []})
        'policy tests, which belong in the tests/ folder'
    """
    if "policies" in data:
        return None
    marker = data.get("accountframe")
    if (isinstance(marker, str) and marker.startswith("portfolio/")) or (
        "organisation" in data and ({"contracts", "people", "roles"} & set(data))
    ):
        return "a portfolio (portfolio/1)"
    if name.lower() in ("mkdocs.yml", "mkdocs.yaml") or "site_name" in data:
        return "an mkdocs configuration (mkdocs.yml)"
    if "tests" in data:
        return "policy tests, which belong in the tests/ folder"
    if "framework" in data and "version" in data:
        return f"a framework file: a folder holds one framework, in {FRAMEWORK_FILE}"
    if {"releases", "records", "ocid"} & set(data):
        return "OCDS data: make a portfolio of it with accountframe import ocds"
    return None


def looks_like_policies(value: Any) -> bool:
    """Whether `value` is a list of policy-like mappings (each with a `kind` or an `id`): what
    a misspelt `policies:` key would hold.

    Example:
        >>> looks_like_policies([{"id": "R-1", "kind": "rule"}]), looks_like_policies(["a"])
        (True, False)
    """
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, Mapping) and ("kind" in item or "id" in item) for item in value)
    )


def mentioned_names(value: Any) -> set[str]:
    """Every name that a text inside `value` could use: `params.NAME` and identifiers.

    What a policy that could not be read whole may use: the checks for unused parameters and
    definitions count these as used rather than guess.

    Example:
        >>> sorted(mentioned_names({"every": "params.every_gold", "require": "is_live && x > 1"}))
        ['every_gold', 'is_live', 'params', 'x']
    """
    found: set[str] = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.update(_NAME.findall(item))
        elif isinstance(item, Mapping):
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return found


# -- the best reading of a mapping with problems ---------------------------------------------


def stand_in(cls: type[Any], field: attrs.Attribute[Any]) -> Any:
    """A harmless value for a required field that is missing or invalid, for `salvage`:
    `true` for a CEL condition, a zero duration, `?` for text.

    Example:
        >>> from accountframe.framework.policies import Rule
        >>> stand_in(Rule, attrs.fields_dict(Rule)["require"]), stand_in(Rule, attrs.fields_dict(Rule)["title"])
        ('true', '?')
    """  # noqa: E501 - doctest output is one line
    expressions: Mapping[str, str] = getattr(cls, "expressions", {})
    if field.name in expressions:
        return {"bool": "true", "double": "0.0", "string": '""'}[expressions[field.name]]
    if field.name in getattr(cls, "durations", ()):
        return "0 days"
    return "?"


def salvage(
    cls: type[T], data: Mapping[str, Any], problems: Iterable[Problem], path: Path = ()
) -> T | None:
    """`cls` built from `data` without its parts that have problems, with stand-ins (see
    `stand_in`) for the required fields that are then missing; None if even that fails.

    A list's or a mapping's entry with a problem is dropped, not the whole list. It is a
    reading for checking the rest, never for use: the problems are reported all the same.

    Example:
        >>> data = {"framework": "f", "version": "1",
        ...         "remove": [{"id": "A"}, {"id": "B", "reason": "why"}], "title": 5}
        >>> header, problems = structure(FrameworkFile, data)
        >>> header is None, [problem.path for problem in problems]
        (True, [('title',), ('remove', 0)])
        >>> header = salvage(FrameworkFile, data, problems)
        >>> header.title, [entry.id for entry in header.remove]
        ('', ['B'])
    """
    pruned: dict[str, Any] = dict(data)
    for _ in range(3):  # a prune can uncover a problem the first reading did not reach
        _prune(pruned, problems, path)
        for field in attrs.fields(cast(Any, cls)):
            key = field.metadata.get("key") or field.name
            if field.init and is_required(field) and key not in pruned:
                pruned[key] = stand_in(cls, field)
        built, problems = structure(cls, pruned, path)
        if built is not None:
            return built
        if any(problem.path == path and problem.code == "af-value" for problem in problems):
            # A check of the whole object failed (`scope: person` on a cadence): drop what
            # the kinds' checks read, once.
            pruned.pop("scope", None)
    return None


def _prune(pruned: dict[str, Any], problems: Iterable[Problem], path: Path) -> None:
    """Drop from `pruned` each key, or list or mapping entry, that a problem points into."""
    entries: dict[str, set[Any]] = {}
    for problem in problems:
        rest = problem.path[len(path) :] if problem.path[: len(path)] == path else ()
        if not rest and problem.path == path:
            # A validator's complaint about the whole object names its field first.
            field = named_field(problem.message)
            rest = (field,) if field is not None else ()
        if not rest or rest[0] not in pruned:
            continue
        key = str(rest[0])
        value = pruned[key]
        if len(rest) > 1 and isinstance(value, list | Mapping) and key != "id":
            entries.setdefault(key, set()).add(rest[1])
        else:
            del pruned[key]
            entries.pop(key, None)
    for key, drop in entries.items():
        if key not in pruned:
            continue
        value = pruned[key]
        if isinstance(value, list):
            pruned[key] = [item for index, item in enumerate(value) if index not in drop]
        else:
            pruned[key] = {name: item for name, item in value.items() if name not in drop}


def named_field(message: str) -> str | None:
    """The field a validator's message starts with (`'every' must be ...`), if any.

    Example:
        >>> named_field("'title' must not be empty"), named_field("no field here")
        ('title', None)
    """
    match = re.match(r"'([A-Za-z_][A-Za-z0-9_]*)' ", message)
    return match.group(1) if match else None


def valid_policy_id(value: Any) -> bool:
    """Whether `value` can be a policy's id (so messages may name the policy by it)."""
    return isinstance(value, str) and POLICY_ID.fullmatch(value) is not None


def salvage_policy(
    cls: type[Policy], data: Mapping[str, Any], problems: Iterable[Problem], path: Path
) -> Policy | None:
    """A policy read for checking despite its problems (see `salvage`); None when its id is
    missing or invalid, as nothing could then name it.

    Example:
        >>> from accountframe.framework.policies import Rule
        >>> data = {"id": "R-1", "title": "", "require": "contract.value.total > 0.0"}
        >>> policy, problems = structure(Rule, data)
        >>> salvage_policy(Rule, data, problems, ()).title
        '?'
    """
    if not valid_policy_id(data.get("id")):
        return None
    return salvage(cls, data, problems, path)
