"""Composing one framework of an extends chain: its files read, checked and built.

`accountframe.framework.folder` finds and reads the files; here they become a `Framework`:
`PolicyReader` reads the policy files (every policy structured and checked, durations and
their parameters included), `Composer` applies `override` and `remove` over the base and builds
the framework. Every problem is reported to a `Collector`, located in its file, and composing
goes on past it: what is sound is still built (a policy with problems is read with stand-ins
for its broken fields, see `accountframe.framework.files.salvage`), so that the compiler can
type-check everything else in the same run (`accountframe.lint`). `load_framework` raises if
anything was reported.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path as FilePath
from types import SimpleNamespace
from typing import Any, NoReturn, cast

import attrs

from accountframe.errors import (
    Diagnostic,
    FrameworkError,
    Location,
    UsageError,
    did_you_mean,
)
from accountframe.framework.duration import Duration, duration_text, param_reference
from accountframe.framework.files import (
    DefinitionEntry,
    FrameworkFile,
    RemoveEntry,
    identify,
    looks_like_policies,
    mentioned_names,
    named_field,
    salvage_policy,
    valid_policy_id,
)
from accountframe.framework.framework import (
    TEXT_FIELDS,
    Framework,
    ParamNote,
    Removal,
    Role,
    is_long_param,
    look_back_duration,
)
from accountframe.framework.periods import Periods
from accountframe.framework.policies import (
    IDENTIFIER,
    KINDS,
    RESERVED,
    Policy,
    duration_texts,
)
from accountframe.load.documents import Document, LoadLimits
from accountframe.load.fields import Path, Problem, describe
from accountframe.load.structure import structure

__all__ = ["Collector", "Composer", "Entry", "PolicyReader"]

# A structural problem's subject: the first quoted name in Framework.problems()'s message.
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")


class Collector:
    """Where the problems of loading one framework folder go, located in their files."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []
        #: Names that policies which could not be read whole may use (`files.mentioned_names`):
        #: the checks for unused parameters and definitions count them as used.
        self.mentioned: set[str] = set()

    def located(self, document: Document, problem: Problem) -> Diagnostic:
        """The diagnostic of a problem in `document`, naming the policy it is in by its id."""
        diagnostic = document.diagnostic(problem)
        policy = _policy_at(document.data, problem.path)
        return attrs.evolve(diagnostic, policy=policy) if policy is not None else diagnostic

    def report(
        self, document: Document, code: str, message: str, path: Path, *, at_key: bool = False
    ) -> None:
        self.diagnostics.append(self.located(document, Problem(code, message, path, at_key)))

    def structure_problems(
        self,
        document: Document,
        data: Mapping[str, Any],
        problems: Iterable[Problem],
        path: Path = (),
    ) -> None:
        """Report the structurer's problems, moving a validator's complaint to its field."""
        refused = [problem.path for problem in document.problems if problem.code == "af-unsafe"]
        for problem in problems:
            if not problem.at_key and any(
                problem.path[: len(prefix)] == prefix for prefix in refused
            ):
                continue  # an unsafe tag was read as null; saying so again would only confuse
            field = named_field(problem.message)
            if field is not None and field in data and problem.path == path:
                problem = attrs.evolve(problem, path=(*path, field))
            self.diagnostics.append(self.located(document, problem))

    def fail(self) -> NoReturn:
        """Raise every diagnostic found (at least one has been reported)."""
        raise FrameworkError(dict.fromkeys(self.diagnostics))


def _policy_at(data: Any, path: Path) -> str | None:
    """The id of the policy `path` points into (`policies[3]...`), if it has a valid one."""
    if len(path) < 2 or path[0] != "policies" or not isinstance(path[1], int):
        return None
    items = data.get("policies") if isinstance(data, Mapping) else None
    if not isinstance(items, list) or not 0 <= path[1] < len(items):
        return None
    item = items[path[1]]
    policy_id = item.get("id") if isinstance(item, Mapping) else None
    return policy_id if valid_policy_id(policy_id) else None


@attrs.frozen
class Entry:
    """A policy read from a file: the object, its raw mapping, where it is."""

    policy: Policy
    data: Mapping[str, Any]
    document: Document
    path: Path


class PolicyReader:
    """Reads the policies of a framework's files, reporting every problem to `collector`."""

    def __init__(self, collector: Collector, limits: LoadLimits) -> None:
        self.collector = collector
        self.limits = limits
        self.report = collector.report

    def policy_file(self, document: Document, params: Mapping[str, Any] | None) -> list[Entry]:
        data = document.data
        if "policies" not in data:
            what = identify(FilePath(document.file).name, data)
            if what is not None or not _misspelt_policies(data):
                self.report(document, "af-stray", _stray(what, data), ())
                return []
        for key in data:
            if key != "policies":
                name = str(key)
                self.report(
                    document,
                    "af-key",
                    f"unknown key {name!r} in a policy file, which holds only 'policies'"
                    f"{did_you_mean(name, ['policies'])}",
                    (name,),
                    at_key=True,
                )
        if "policies" not in data:
            self.report(document, "af-missing", "missing required key 'policies'", ())
            return []
        return self.policies(document, data["policies"], params)

    def policies(
        self, document: Document, items: Any, params: Mapping[str, Any] | None
    ) -> list[Entry]:
        if not isinstance(items, list):
            self.report(
                document,
                "af-value",
                f"expected a list of policies (got {describe(items)})",
                ("policies",),
            )
            return []
        entries = []
        for index, item in enumerate(items):
            entry = self.policy(document, item, ("policies", index), params)
            if entry is not None:
                entries.append(entry)
        return entries

    def policy(
        self, document: Document, item: Any, path: Path, params: Mapping[str, Any] | None
    ) -> Entry | None:
        if not isinstance(item, Mapping):
            self.report(
                document, "af-value", f"expected a policy mapping (got {describe(item)})", path
            )
            return None
        kind = item.get("kind")
        if "kind" not in item:
            self.report(
                document,
                "af-missing",
                f"missing required key 'kind' (one of {', '.join(KINDS)})",
                path,
            )
            self.collector.mentioned.update(mentioned_names(item))
            return None
        if not isinstance(kind, str) or kind not in KINDS:
            hint = did_you_mean(kind, KINDS) if isinstance(kind, str) else ""
            self.report(
                document,
                "af-enum",
                f"unknown policy kind {kind!r}{hint}; expected one of {', '.join(KINDS)}",
                (*path, "kind"),
            )
            self.collector.mentioned.update(mentioned_names(item))
            return None
        cls = KINDS[kind]
        data = {key: value for key, value in item.items() if key != "kind"}
        rolling = getattr(cls, "rolling", None)
        if rolling is not None and data.get(rolling) is None and data.get("periods") is None:
            # Said as it always was (`periods` is the other way to give the deadline); a
            # stand-in keeps the policy from being reported twice.
            self.report(document, "af-missing", f"missing required key '{rolling}'", path)
            data[rolling] = "0 days"
        for field in cls.durations:
            if data.get(field) is not None and not self.duration(
                document, cls, field, data[field], (*path, field), params
            ):
                # Reported at the field; a zero stand-in keeps it from being said twice, and
                # whatever it named still counts as used.
                self.collector.mentioned.update(mentioned_names(data[field]))
                data[field] = "0 days"
        periods = data.get("periods")
        if (
            isinstance(periods, Mapping)
            and periods.get("within") is not None
            and not self.duration(
                document, Periods, "within", periods["within"], (*path, "periods", "within"), params
            )
        ):
            self.collector.mentioned.update(mentioned_names(periods["within"]))
            data["periods"] = {**periods, "within": "0 days"}
        policy, problems = structure(cls, data, path)
        self.collector.structure_problems(document, data, problems, path)
        if policy is None:
            self.collector.mentioned.update(mentioned_names(item))
            policy = salvage_policy(cls, data, problems, path)
            if policy is None:
                return None
        return Entry(policy, data, document, path)

    def duration(
        self,
        document: Document,
        cls: type[Policy] | type[Periods],
        field: str,
        value: Any,
        path: Path,
        params: Mapping[str, Any] | None,
    ) -> bool:
        """Check a duration field's value (or the parameter it names); report at the field."""
        name = param_reference(value) if isinstance(value, str) else None
        if name is not None:
            if params is None:
                return True  # the params could not be read: that is reported already
            if name not in params:
                self.report(
                    document,
                    "af-reference",
                    f"'{field}' refers to params.{name}, which is not defined"
                    f"{did_you_mean(name, [str(key) for key in params])}",
                    path,
                )
                return False
            try:
                Duration.parse(params[name])
            except ValueError as error:
                self.report(
                    document,
                    "af-value",
                    f"'{field}' refers to params.{name}, which is not a duration: {error}",
                    path,
                )
                return False
            return True
        try:
            duration_text(None, attrs.fields_dict(cls)[field], value)
        except ValueError as error:
            self.report(document, "af-value", str(error), path)
            return False
        return True

    def duplicates(self, entries: list[Entry], base: Framework | None, removed: set[str]) -> None:
        inherited = {policy.id for policy in base.policies} if base is not None else set()
        first: dict[str, Entry] = {}
        for entry in entries:
            policy_id = entry.policy.id
            if policy_id in first:
                earlier = first[policy_id]
                where = earlier.document.locate((*earlier.path, "id"))
                self.report(
                    entry.document,
                    "af-duplicate",
                    f"duplicate policy id {policy_id!r} (first at {where.file}:{where.line})",
                    (*entry.path, "id"),
                )
                continue
            first[policy_id] = entry
        for policy_id, entry in first.items():
            if base is not None and policy_id in inherited and policy_id not in removed:
                self.report(
                    entry.document,
                    "af-duplicate",
                    f"policy id {policy_id!r} is inherited from {base.name}; "
                    "change it with override, or remove it first",
                    (*entry.path, "id"),
                )

    def too_many(self, entries: list[Entry], base: Framework | None, removed: set[str]) -> None:
        """An af-limit error at the first policy beyond `LoadLimits.max_policies`."""
        limit = self.limits.max_policies
        inherited = [p for p in base.policies if p.id not in removed] if base is not None else []
        if len(inherited) + len(entries) <= limit:
            return
        first_over = entries[max(limit - len(inherited), 0)]
        self.report(
            first_over.document,
            "af-limit",
            f"the framework holds {len(inherited) + len(entries):,} policies "
            f"({len(inherited):,} inherited); the limit is {limit:,}",
            first_over.path,
        )


def _misspelt_policies(data: Mapping[Any, Any]) -> bool:
    """Whether a mapping without `policies` is a policy file with the key misspelt: a key
    close to it holding a list, or any key holding a list of policy-like mappings."""
    return any(
        looks_like_policies(value)
        or (
            isinstance(value, list)
            # Closer than did-you-mean asks: `policy` and `polices` are, `roles` is not.
            and difflib.SequenceMatcher(None, str(key), "policies").ratio() >= 0.7
        )
        for key, value in data.items()
    )


def _stray(what: str | None, data: Mapping[Any, Any]) -> str:
    """The message for a file of a framework folder that is not a policy file."""
    if what is None:
        keys = ", ".join(repr(str(key)) for key in list(data)[:5])
        what = f"a mapping without 'policies' (its keys: {keys or 'none'})"
    return (
        f"not a policy file: it is {what}. Every .yaml and .yml file in a framework folder "
        "other than framework.yaml is read as a policy file, which holds 'policies:'; move this "
        "file out of the folder"
    )


@attrs.frozen
class _Changes:
    """The overrides and removals that apply cleanly (the others are reported)."""

    override: dict[str, dict[str, Any]]
    remove: list[RemoveEntry]


class Composer:
    """Composes one framework of an extends chain over its base (`None` at the bottom): its
    policies read and checked, overrides and removals applied, the `Framework` built. Problems
    are reported to `collector`, located in their files; what is sound is built all the same."""

    def __init__(
        self,
        collector: Collector,
        limits: LoadLimits,
        document: Document,
        policy_documents: Iterable[Document],
        header: FrameworkFile | None,
        base: Framework | None,
    ) -> None:
        self.collector = collector
        self.report = collector.report
        self.limits = limits
        self.document = document
        self.policy_documents = list(policy_documents)
        self.base = base
        #: The notes of the parameters this level writes long; `header.params` holds values.
        self.param_notes: dict[str, ParamNote] = {}
        self.header = None if header is None else self.param_values(header)

    def param_values(self, header: FrameworkFile) -> FrameworkFile:
        """`header` with each parameter written long (`{value, basis, source, rationale}`)
        as its value, its notes kept in `param_notes`; a bad note is reported at its key."""
        if not any(is_long_param(value) for value in header.params.values()):
            return header
        values: dict[str, Any] = {}
        for name, value in header.params.items():
            if not is_long_param(value):
                values[name] = value
                continue
            values[name] = value["value"]
            path: Path = ("params", name)
            # Structured as every mapping of the file is: the same messages (a basis outside
            # the five reads as a policy's does, with a suggestion), each at its key.
            data = {key: item for key, item in value.items() if key != "value"}
            note, problems = structure(ParamNote, data, path)
            self.collector.structure_problems(self.document, data, problems, path)
            if note is None:
                sound = {
                    key: item
                    for key, item in data.items()
                    if not structure(ParamNote, {key: item}, path)[1]
                }
                note = ParamNote(**sound)
            self.param_notes[name] = note
        return attrs.evolve(header, params=values)

    def compose(self) -> Framework | None:
        """The framework of this level over its base, or None if there is nothing to build it
        from (no header, or a base that could not be read); every problem is reported."""
        document, header, base = self.document, self.header, self.base
        params: dict[str, Any] | None = None  # None: unknown, so references are not checked
        if header is not None:
            params = {**(base.params if base is not None else {}), **header.params}
        reader = PolicyReader(self.collector, self.limits)
        entries: list[Entry] = []
        if "policies" in document.data:
            entries += reader.policies(document, document.data["policies"], params)
        for policy_document in self.policy_documents:
            entries += reader.policy_file(policy_document, params)
        removed = {item.id for item in header.remove} if header is not None else set()
        reader.duplicates(entries, base, removed)
        reader.too_many(entries, base, removed)
        if header is None or (header.extends is not None and base is None):
            return None  # nothing to compose with; the reason is already reported
        definitions, titles = self.definitions(header)
        changes = self.override_and_remove(header, params or {})
        self.inherited_durations(header)
        self.look_back(header)
        self.structural(header, definitions)
        return self.build(header, entries, definitions, titles, changes)

    # -- framework.yaml ------------------------------------------------------------------------

    def definitions(self, header: FrameworkFile) -> tuple[dict[str, str], dict[str, str]]:
        """The definitions' expressions and titles, by name; an entry that is neither an
        expression nor a mapping {expression, title} is reported and left out."""
        texts: dict[str, str] = {}
        titles: dict[str, str] = {}
        for name, value in header.definitions.items():
            path: Path = ("definitions", name)
            if isinstance(value, str):
                texts[name] = value
            elif isinstance(value, Mapping):
                entry, problems = structure(DefinitionEntry, value, path)
                self.collector.structure_problems(self.document, value, problems, path)
                if entry is not None:
                    texts[name] = entry.expression
                    if entry.title is not None:
                        titles[name] = entry.title
                elif isinstance(value.get("expression"), str) and value["expression"].strip():
                    # Reported above; the expression is still checked, and what uses the
                    # definition is not told again that it does not exist.
                    texts[name] = value["expression"]
            elif isinstance(value, int | float | datetime.date):
                self.report(
                    self.document,
                    "af-value",
                    f"expected a string (got {describe(value)}); put it in quotes",
                    path,
                )
            else:
                self.report(
                    self.document,
                    "af-value",
                    "expected a CEL expression, or a mapping {expression, title} "
                    f"(got {describe(value)})",
                    path,
                )
        return texts, titles

    def override_and_remove(self, header: FrameworkFile, params: Mapping[str, Any]) -> _Changes:
        document, base = self.document, self.base
        changes = _Changes({}, [])
        if base is None:
            for key in ("override", "remove"):
                if document.data.get(key):
                    self.report(
                        document,
                        "af-extends",
                        f"'{key}' changes inherited policies, but this framework does not "
                        "extend another: add 'extends'",
                        (key,),
                        at_key=True,
                    )
            return changes
        inherited = {policy.id: policy for policy in base.policies}
        reader = PolicyReader(self.collector, self.limits)
        for policy_id, fields in header.override.items():
            path: Path = ("override", policy_id)
            if policy_id not in inherited:
                self.report(
                    document,
                    "af-reference",
                    f"no inherited policy {policy_id!r}{did_you_mean(policy_id, inherited)}",
                    path,
                    at_key=True,
                )
                self.collector.mentioned.update(mentioned_names(fields))
                continue
            cls = type(inherited[policy_id])
            for field, value in fields.items():
                if (
                    field in cls.durations
                    and value is not None
                    and not reader.duration(document, cls, field, value, (*path, field), params)
                ):
                    self.collector.mentioned.update(mentioned_names(value))
                    continue
                try:
                    base.extend(base.name, override={policy_id: {field: value}})
                except UsageError as error:
                    message = str(error).removeprefix(f"override of {policy_id}: ")
                    names = [f.name for f in attrs.fields(cls) if f.init]
                    unknown = field not in names or field == "id"
                    self.report(
                        document,
                        "af-key" if unknown else "af-value",
                        message,
                        (*path, field),
                        at_key=unknown,
                    )
                    self.collector.mentioned.update(mentioned_names(value))
                    continue
                changes.override.setdefault(policy_id, {})[field] = value
        seen: dict[str, int] = {}
        for index, removal in enumerate(header.remove):
            path = ("remove", index, "id")
            if removal.id not in inherited:
                self.report(
                    document,
                    "af-reference",
                    f"no inherited policy {removal.id!r}{did_you_mean(removal.id, inherited)}",
                    path,
                )
            elif removal.id in seen:
                self.report(
                    document,
                    "af-duplicate",
                    f"policy {removal.id!r} is already removed at remove[{seen[removal.id]}]",
                    path,
                )
            elif removal.id in header.override:
                self.report(
                    document,
                    "af-value",
                    f"policy {removal.id!r} is both overridden and removed",
                    path,
                )
            else:
                changes.remove.append(removal)
            seen.setdefault(removal.id, index)
        return changes

    def look_back(self, header: FrameworkFile) -> None:
        """`look_back` must be a duration of at least a day."""
        try:
            look_back_duration(header.look_back)
        except ValueError as error:
            message = str(error).removeprefix("look_back: ")
            self.report(self.document, "af-value", message, ("look_back",))

    def inherited_durations(self, header: FrameworkFile) -> None:
        """A parameter this framework redefines must still be a duration where one is used."""
        if self.base is None:
            return
        for policy in self.base.policies:
            for field, value in duration_texts(policy).items():
                name = param_reference(value) if isinstance(value, str) else None
                if name is None or name not in header.params:
                    continue
                try:
                    Duration.parse(header.params[name])
                except ValueError as error:
                    self.report(
                        self.document,
                        "af-value",
                        f"{policy.id}.{field} uses params.{name} as a duration: {error}",
                        ("params", name),
                    )

    def structural(self, header: FrameworkFile, definitions: Mapping[str, str]) -> None:
        """`Framework.problems()` over the composed state, each located in framework.yaml."""
        base = self.base
        roles = list(base.roles) if base is not None else []
        for role in header.roles:
            roles = [existing for existing in roles if existing.id != role.id] + [role]
        composed = SimpleNamespace(
            policies=[],  # ids are checked with their locations in duplicates()
            roles=roles,
            definitions={**(base.definitions if base else {}), **definitions},
            definition_titles={},  # the structurer has checked them
            params={**(base.params if base else {}), **header.params},
        )
        own_roles: dict[str, int] = {}
        for index, role in enumerate(header.roles):
            if role.id in own_roles:
                self.report(
                    self.document,
                    "af-duplicate",
                    f"duplicate role id {role.id!r} (first at roles[{own_roles[role.id]}])",
                    ("roles", index, "id"),
                )
            own_roles.setdefault(role.id, index)
        for message in Framework.problems(cast(Framework, composed)):
            code, path, at_key = _locate_structural(message, own_roles)
            if code != "af-duplicate":
                self.report(self.document, code, message, path, at_key=at_key)

    # -- building ------------------------------------------------------------------------------

    def build(
        self,
        header: FrameworkFile,
        entries: list[Entry],
        definitions: dict[str, str],
        titles: dict[str, str],
        changes: _Changes,
    ) -> Framework | None:
        """The framework, built from what is sound: on a problem (reported already), with
        its roles, definitions and parameters made sound in turn; None if even that fails."""
        kept = _kept(entries, self.base, changes)
        policies = [entry.policy for entry in kept]
        attempts = [
            (list(header.roles), definitions, dict(header.params)),
            (_sound_roles(self.base, header.roles), _sound_definitions(definitions), None),
        ]
        framework: Framework | None = None
        failure = ""
        for roles, texts, params in attempts:
            if params is None:
                params = _sound_params(header.params)
            try:
                framework = self.make(header, policies, roles, texts, titles, params, changes)
                break
            except (ValueError, UsageError) as error:
                failure = failure or str(error)
        if framework is None:
            if not self.collector.diagnostics:
                # Every cause is checked above with its location; this is the safety net.
                self.report(self.document, "af-value", failure, ())
            return None
        ids = {policy.id for policy in framework.policies}
        sources = {
            key: value
            for key, value in framework.sources.items()
            if key[0] != "policies" or key[1] in ids
        }
        sources.update(_sources(self.document, header, self.base, kept, changes))
        return attrs.evolve(framework, sources=sources)

    def make(
        self,
        header: FrameworkFile,
        policies: list[Policy],
        roles: list[Role],
        definitions: dict[str, str],
        titles: dict[str, str],
        params: dict[str, Any],
        changes: _Changes,
    ) -> Framework:
        titles = {name: title for name, title in titles.items() if name in definitions}
        if self.base is None:
            return Framework(
                name=header.framework,
                version=header.version,
                title=header.title,
                description=header.description,
                params=params,
                definitions=definitions,
                definition_titles=titles,
                roles=roles,
                policies=policies,
                look_back=_sound_look_back(header.look_back),
                param_notes={n: note for n, note in self.param_notes.items() if n in params},
            )
        given = self.document.data
        return self.base.extend(
            header.framework,
            version=header.version,
            title=header.title if "title" in given else None,
            description=header.description if "description" in given else None,
            params=params,
            definitions=definitions,
            definition_titles=titles,
            roles=roles,
            policies=policies,
            override=changes.override,
            remove=[Removal(id=item.id, reason=item.reason) for item in changes.remove],
            look_back=_sound_look_back(header.look_back),
            param_notes={n: note for n, note in self.param_notes.items() if n in params},
        )


def _sound_look_back(text: str | None) -> str | None:
    """The look-back, or None if it is not sound (reported by `look_back`)."""
    try:
        look_back_duration(text)
    except ValueError:
        return None
    return text


def _kept(entries: list[Entry], base: Framework | None, changes: _Changes) -> list[Entry]:
    """The entries a framework can hold: the first of each id, none still inherited."""
    removed = {item.id for item in changes.remove}
    taken = {p.id for p in base.policies if p.id not in removed} if base is not None else set()
    kept = []
    for entry in entries:
        if entry.policy.id not in taken:
            taken.add(entry.policy.id)
            kept.append(entry)
    return kept


def _sound_roles(base: Framework | None, roles: Iterable[Role]) -> list[Role]:
    """`roles` without repeated ids, reporting only to roles that exist, with no loop."""
    own: dict[str, Role] = {}
    for role in roles:
        own.setdefault(role.id, role)
    known = {role.id for role in base.roles} if base is not None else set()
    known |= set(own)
    sound = [
        role if role.reports_to in known else attrs.evolve(role, reports_to=None)
        for role in own.values()
    ]
    probe = [role for role in (base.roles if base else ()) if role.id not in own] + sound
    if Framework.problems(cast(Framework, SimpleNamespace(
        policies=[], roles=probe, definitions={}, definition_titles={}, params={}
    ))):  # fmt: skip
        return [attrs.evolve(role, reports_to=None) for role in sound]
    return sound


def _sound_definitions(definitions: Mapping[str, str]) -> dict[str, str]:
    return {
        name: text
        for name, text in definitions.items()
        if isinstance(name, str) and IDENTIFIER.fullmatch(name) and name not in RESERVED
    }


def _sound_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters that a framework can hold, each on its own."""
    sound = {}
    for name, value in params.items():
        try:
            Framework(name="probe", version="1", params={name: value})
        except ValueError:
            continue
        sound[name] = value
    return sound


def _locate_structural(message: str, own_roles: Mapping[str, int]) -> tuple[str, Path, bool]:
    match = _QUOTED.search(message)
    name = (match.group(1) or match.group(2)) if match else ""
    if message.startswith("role ids"):
        return "af-duplicate", ("roles",), False
    if message.startswith("role "):
        if name not in own_roles:
            return "af-reference", ("roles",), False
        return "af-reference", ("roles", own_roles[name], "reports_to"), False
    if message.startswith("the roles chain"):
        loop = message.rsplit(": ", 1)[-1].split(" → ")
        mine = [own_roles[role] for role in loop if role in own_roles]
        return "af-cycle", ("roles", min(mine), "reports_to") if mine else ("roles",), False
    if message.startswith("definition name"):
        return "af-value", ("definitions", name), True
    if message.startswith("parameter name"):
        return "af-value", ("params", name), True
    return "af-value", (), False


def _sources(
    document: Document,
    header: FrameworkFile,
    base: Framework | None,
    entries: list[Entry],
    changes: _Changes,
) -> dict[tuple[str, ...], tuple[Location, int]]:
    """Where each CEL expression and text this folder gives (policies, overrides,
    definitions) is, and where each parameter it sets is named."""
    found: dict[tuple[str, ...], tuple[Location, int]] = {}
    for entry in entries:
        for field in (*type(entry.policy).expressions, *TEXT_FIELDS):
            if isinstance(entry.data.get(field), str):
                key = ("policies", entry.policy.id, field)
                found[key] = _expression_source(entry.document, (*entry.path, field))
    inherited = {policy.id: policy for policy in base.policies} if base else {}
    for policy_id, fields in changes.override.items():
        expressions = type(inherited[policy_id]).expressions
        for field, value in fields.items():
            if (field in expressions or field in TEXT_FIELDS) and isinstance(value, str):
                found[("policies", policy_id, field)] = _expression_source(
                    document, ("override", policy_id, field)
                )
    for name, value in header.definitions.items():
        path: Path = ("definitions", name)
        if isinstance(value, Mapping) and isinstance(value.get("expression"), str):
            path = (*path, "expression")
        found[("definitions", name)] = _expression_source(document, path)
    for name in header.params:
        found[("params", name)] = (document.locate(("params", name), at_key=True), 0)
    return found


def _expression_source(document: Document, path: Path) -> tuple[Location, int]:
    """Where an expression's first character is, and the column its later lines start at.

    For a quoted scalar the text starts one column after the quote; for a block scalar (`|`,
    `>`) on the line after the indicator, at the block's indentation.
    """
    location = document.locate(path)
    line, column = location.line or 1, location.column or 1
    style = document.scalar_styles.get(path)
    if style in ("'", '"'):
        return attrs.evolve(location, column=column + 1), column
    if style in ("|", ">"):
        text = _value_at(document.data, path)
        indent = _block_indent(document.lines, line, text if isinstance(text, str) else "")
        return attrs.evolve(location, line=line + 1, column=indent + 1), indent
    return location, column - 1


def _block_indent(lines: tuple[str, ...], indicator_line: int, text: str) -> int:
    """The block scalar's indentation: its first non-blank line's, less the value's own."""
    for offset, value_line in enumerate(text.split("\n")):
        if value_line.strip():
            index = indicator_line + offset  # 0-based index of the file line holding it
            if index < len(lines):
                file_line = lines[index]
                return _leading_spaces(file_line) - _leading_spaces(value_line)
            break
    return 0


def _leading_spaces(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _value_at(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data
