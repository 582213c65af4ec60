"""Loading frameworks: a folder of YAML files → `Framework`, every problem located in its file.

A framework folder holds `framework.yaml` (name, version, params, definitions, roles, and, when
it builds on another framework, `extends`, `override` and `remove`) plus any number of other
`*.yaml`/`*.yml` files, each a mapping with one key, `policies:`. Policies keep file name order,
then their order in the file; `framework.yaml` may hold `policies:` too, which come first. The
`tests/` folder holds policy tests, not policies, and is not read here.

Every problem in every file (YAML syntax, unknown keys, wrong types, durations, unknown kinds,
duplicate ids, broken extends chains, overrides of policies that are not inherited) is collected
and raised once, as a `FrameworkError` whose diagnostics read `file:line:col: code: path: message`.

Example:
    >>> fw = load_framework("tests/fixtures/frameworks/valid")
    >>> fw.name, fw.version, [policy.kind for policy in fw.policies][:2]
    ('example-body', '2026.1', ['oversight_cadence', 'required_information'])
    >>> location, indent = fw.sources[("policies", "CAD-GOLD-SRO", "applies_to")]
    >>> str(location), location.path
    ('tests/fixtures/frameworks/valid/cadence.yaml:5:18', 'policies[0].applies_to')
"""

from __future__ import annotations

import importlib.resources
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path as FilePath
from types import SimpleNamespace
from typing import Any, NoReturn, cast

import attrs

from accountframe.errors import Diagnostic, FrameworkError, Location, UsageError, did_you_mean
from accountframe.framework.duration import Duration, duration_text, param_reference
from accountframe.framework.framework import Framework, Removal, Role, look_back_duration
from accountframe.framework.policies import KINDS, Policy
from accountframe.load.documents import DEFAULT_LIMITS, Document, LoadLimits, read_document
from accountframe.load.fields import Path, Problem, describe, meta
from accountframe.load.paths import ReadRule
from accountframe.load.structure import structure

__all__ = [
    "FRAMEWORK_FILE",
    "FrameworkFile",
    "bundled",
    "bundled_folder_of",
    "bundled_names",
    "load_framework",
    "read_rule",
]

FRAMEWORK_FILE = "framework.yaml"
_POLICY_SUFFIXES = (".yaml", ".yml")
_BUNDLED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# A structural problem's subject: the first quoted name in Framework.problems()'s message.
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")


@attrs.frozen(kw_only=True)
class RemoveEntry:
    """An inherited policy to remove, and why (kept in the framework for docs and audit)."""

    id: str = attrs.field(metadata=meta("Id of the inherited policy.", nonempty=True))
    reason: str = attrs.field(metadata=meta("Why it does not apply to this body.", nonempty=True))


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
        factory=dict, metadata=meta("Values usable as params.NAME in CEL and in duration fields.")
    )
    definitions: Mapping[str, str] = attrs.field(
        factory=dict, metadata=meta("Named CEL expressions (contract scope), in order.")
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


# -- public API ----------------------------------------------------------------------------


def load_framework(
    path: str | os.PathLike[str], *, limits: LoadLimits = DEFAULT_LIMITS
) -> Framework:
    """Load a framework folder (or its `framework.yaml`), with any framework it extends.

    Args:
        path: The framework folder, or the path of its `framework.yaml`.
        limits: Bounds on each file read (size, nesting, alias expansion).

    Returns:
        The composed `Framework`, with `sources` giving the file position of every CEL
        expression and definition (for messages from the compiler).

    Raises:
        FrameworkError: every problem found in every file, each located `file:line:col`.

    Example:
        >>> load_framework("tests/fixtures/frameworks/valid").policy("RULE-VALUE").scope
        <Scope.CONTRACT: 'contract'>
        >>> load_framework("no/such/folder")
        Traceback (most recent call last):
        ...
        accountframe.errors.FrameworkError: no/such/folder: af-io: no such file or folder
    """
    return _FolderLoader(limits, chain=()).load(FilePath(os.fspath(path)))


def bundled(name: str, *, limits: LoadLimits = DEFAULT_LIMITS) -> Framework:
    """Load a framework that ships with accountframe, by name.

    Raises:
        UsageError: no bundled framework has that name; says which exist.
        FrameworkError: the bundled framework does not load (a packaging bug).

    Example:
        >>> bundled("no-such-framework")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        accountframe.errors.UsageError: no bundled framework 'no-such-framework' (bundled: ...)
    """
    folder = bundled_folder_of(name)
    if folder is None:
        names = bundled_names()
        available = ", ".join(names) or "none"
        raise UsageError(
            f"no bundled framework {name!r} (bundled: {available}){did_you_mean(name, names)}"
        )
    return load_framework(folder, limits=limits)


def bundled_names() -> list[str]:
    """The names of the bundled frameworks (folders holding a `framework.yaml`), sorted.

    Example:
        >>> isinstance(bundled_names(), list)
        True
    """
    names: set[str] = set()
    for root in _bundled_roots():
        if root.is_dir():
            names.update(
                entry.name
                for entry in root.iterdir()
                if (entry / FRAMEWORK_FILE).is_file() and _BUNDLED_NAME.fullmatch(entry.name)
            )
    return sorted(names)


# -- bundled frameworks ------------------------------------------------------------------------


def _bundled_roots() -> list[FilePath]:
    """Where bundled frameworks live: the wheel's package data, else the source checkout."""
    roots: list[FilePath] = []
    packaged = importlib.resources.files("accountframe") / "_bundled"
    if packaged.is_dir():
        roots.append(FilePath(str(packaged)))
    checkout = FilePath(__file__).resolve().parents[3] / "policies"  # a source checkout
    if checkout.is_dir():
        roots.append(checkout)
    return roots


def bundled_folder_of(name: str) -> FilePath | None:
    """The folder of the bundled framework `name`, or None if there is none."""
    if not isinstance(name, str) or not _BUNDLED_NAME.fullmatch(name) or ".." in name:
        return None
    for root in _bundled_roots():
        folder = root / name
        if _is_file(folder / FRAMEWORK_FILE):
            return folder
    return None


def read_rule(folder: str | os.PathLike[str], limits: LoadLimits = DEFAULT_LIMITS) -> ReadRule:
    """The paths rule of the framework folder `folder` (`accountframe.load.paths`): its own
    folder, the bundled frameworks' folder when it is one of them, and `limits.allow_read`.

    Example:
        >>> read_rule("tests/fixtures/frameworks/cli").allows("/etc/passwd")
        False
    """
    return ReadRule.for_folder(folder, shared=_bundled_roots(), allowed=limits.allow_read)


def _is_file(path: FilePath) -> bool:
    """`path.is_file()`, False for a path the OS cannot take (too long, a NUL byte)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


# -- the loader ----------------------------------------------------------------------------


@attrs.frozen
class _Entry:
    """A policy read from a file: the object, its raw mapping, where it is."""

    policy: Policy
    data: Mapping[str, Any]
    document: Document
    path: Path


@attrs.define
class _Level:
    """One framework of an extends chain, read but not yet composed."""

    loader: _FolderLoader
    main: FilePath
    document: Document
    policy_documents: list[Document]
    header: FrameworkFile | None
    #: The `framework.yaml` of the framework it extends, once found; None if it extends none
    #: (or the one it names could not be found: `header.extends` then tells).
    base_main: FilePath | None = None


class _FolderLoader:
    """Loads one framework folder; `chain` holds the framework files extending it, for cycles.

    An extends chain is walked in a loop, not by recursion (`load`): each framework is read
    (`prepare`), then they are composed from the last base up. Every file is read under the
    folder's paths rule (`accountframe.load.paths`).
    """

    def __init__(self, limits: LoadLimits, chain: tuple[FilePath, ...]) -> None:
        self.limits = limits
        self.chain = chain
        self.diagnostics: list[Diagnostic] = []
        self.rule: ReadRule | None = None

    def report(
        self, document: Document, code: str, message: str, path: Path, *, at_key: bool = False
    ) -> None:
        self.diagnostics.append(document.diagnostic(Problem(code, message, path, at_key)))

    def read(self, file: FilePath) -> Document | None:
        refusal = self.rule.refusal(file) if self.rule is not None else None
        if refusal is not None:  # never opened, so nothing of it can reach a message
            self.diagnostics.append(Diagnostic("af-path", refusal, Location(file=str(file))))
            return None
        try:
            document = read_document(file, limits=self.limits, error=FrameworkError)
        except FrameworkError as error:
            self.diagnostics.extend(error.diagnostics)
            return None
        # Problems the reader kept for us: a refused tag, a repeated key.
        self.diagnostics.extend(document.diagnostic(problem) for problem in document.problems)
        return document

    def fail_if_any(self) -> None:
        if self.diagnostics:
            self.fail()

    def fail(self) -> NoReturn:
        """Raise every diagnostic found (at least one has been reported)."""
        raise FrameworkError(dict.fromkeys(self.diagnostics))

    # -- the folder as a whole ---------------------------------------------------------------

    def load(self, given: FilePath) -> Framework:
        """The framework at `given`, composed over the frameworks it extends, in a loop."""
        levels = [self.prepare(given)]
        while (base_main := levels[-1].base_main) is not None:
            parent = levels[-1].loader
            loader = _FolderLoader(self.limits, (*parent.chain, levels[-1].main.resolve()))
            try:
                levels.append(loader.prepare(base_main))
            except FrameworkError as error:  # the base's problems are the parent's to report
                parent.diagnostics.extend(error.diagnostics)
                break
        base: Framework | None = None
        for depth in range(len(levels) - 1, -1, -1):
            try:
                base = _Composer(levels[depth].loader, levels[depth], base).compose()
            except FrameworkError as error:
                if depth == 0:
                    raise
                levels[depth - 1].loader.diagnostics.extend(error.diagnostics)
                base = None
        assert base is not None  # the top level composed, or raised
        return base

    def prepare(self, given: FilePath) -> _Level:
        """Read one framework folder: its files, its header, and where its base is."""
        main = given if given.name == FRAMEWORK_FILE else given / FRAMEWORK_FILE
        try:
            self.rule = read_rule(main.parent, self.limits)
            files = self.files(given, main)
        except (OSError, ValueError) as error:  # no permission, a name too long, a NUL byte
            message = getattr(error, "strerror", None) or str(error)
            raise FrameworkError(
                [Diagnostic("af-io", message, Location(file=str(given)))]
            ) from None
        header_document = self.read(main)
        policy_documents = [doc for file in files if (doc := self.read(file)) is not None]
        if header_document is None:
            # Without the header nothing composes; still report the policy files' problems.
            for document in policy_documents:
                _Composer(self, None, None).policy_file(document, params=None)
            self.fail()
        data = dict(header_document.data)
        data.pop("policies", None)
        header, problems = structure(FrameworkFile, data)
        self.structure_problems(header_document, data, problems)
        level = _Level(self, main, header_document, policy_documents, header)
        if header is not None and header.extends is not None:
            level.base_main = self.base(main, header_document, header.extends)
        return level

    @staticmethod
    def files(given: FilePath, main: FilePath) -> list[FilePath]:
        """The policy files beside `main`, by name; an af-io error if `given` is no framework."""
        if not main.is_file():
            if not given.exists():
                message = "no such file or folder"
            elif given.is_dir():
                message = f"no {FRAMEWORK_FILE} in this folder: it is not a framework folder"
            else:
                message = f"expected a framework folder or its {FRAMEWORK_FILE}"
            raise FrameworkError([Diagnostic("af-io", message, Location(file=str(given)))])
        return [
            file
            for file in sorted(main.parent.iterdir(), key=lambda entry: entry.name)
            if file.suffix in _POLICY_SUFFIXES and file.name != main.name and file.is_file()
        ]

    def base(self, main: FilePath, document: Document, extends: str) -> FilePath | None:
        """The `framework.yaml` of the framework this one extends: a framework folder (one
        that holds a `framework.yaml`, loaded under its own paths rule) or a bundled one."""
        where = ("extends",)
        # Lexically normalised, so that messages name `base/p.yaml`, not `mine/../base/p.yaml`.
        folder = FilePath(os.path.normpath(main.parent / extends))
        if not _is_file(folder / FRAMEWORK_FILE) and not (
            folder.name == FRAMEWORK_FILE and _is_file(folder)
        ):
            named = bundled_folder_of(extends)
            if named is None:
                names = bundled_names()
                message = f"no framework folder {str(folder)!r}"
                if _BUNDLED_NAME.fullmatch(extends):
                    message += (
                        f" and no bundled framework {extends!r} "
                        f"(bundled: {', '.join(names) or 'none'}){did_you_mean(extends, names)}"
                    )
                self.report(document, "af-reference", message, where)
                return None
            folder = named
        base_main = folder if folder.name == FRAMEWORK_FILE else folder / FRAMEWORK_FILE
        chain = (*self.chain, main.resolve())
        target = base_main.resolve()
        if target in chain:
            loop = [step.parent.name for step in chain[chain.index(target) :]]
            self.report(
                document,
                "af-cycle",
                f"extends loops back: {' → '.join([*loop, target.parent.name])}",
                where,
            )
            return None
        if len(chain) >= self.limits.max_extends:
            self.report(
                document,
                "af-limit",
                f"the extends chain is longer than {self.limits.max_extends} frameworks, the limit",
                where,
            )
            return None
        return base_main

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
            field = _named_field(problem.message)
            if field is not None and field in data and problem.path == path:
                problem = attrs.evolve(problem, path=(*path, field))
            self.diagnostics.append(document.diagnostic(problem))


class _Composer:
    """Composes one framework of an extends chain over its base (`None` at the bottom): its
    policies read and checked, overrides and removals applied, the `Framework` built. Problems
    are reported to the loader, located in their files."""

    def __init__(self, loader: _FolderLoader, level: _Level | None, base: Framework | None) -> None:
        self.loader = loader
        self.level = level
        self.base = base
        self.limits = loader.limits
        self.diagnostics = loader.diagnostics
        self.report = loader.report
        self.fail = loader.fail
        self.fail_if_any = loader.fail_if_any
        self.structure_problems = loader.structure_problems

    def compose(self) -> Framework:
        """The framework of this level, composed over its base: every problem reported."""
        assert self.level is not None
        level, base = self.level, self.base
        header_document, header = level.document, level.header
        header_policies = header_document.data.get("policies")
        params: dict[str, Any] | None = None  # None: unknown, so references are not checked
        if header is not None:
            params = {**(base.params if base is not None else {}), **header.params}
        entries: list[_Entry] = []
        if "policies" in header_document.data:
            entries += self.policies(header_document, header_policies, params)
        for document in level.policy_documents:
            entries += self.policy_file(document, params)
        removed = {item.id for item in header.remove} if header is not None else set()
        self.duplicates(entries, base, removed)
        self.too_many(entries, base, removed)
        if header is None or (header.extends is not None and base is None):
            self.fail()  # nothing to compose with; the reason is already reported
        self.override_and_remove(header_document, header, base, params or {})
        self.inherited_durations(header_document, header, base)
        self.look_back(header_document, header)
        self.structural(header_document, header, base, entries)
        self.fail_if_any()
        return self.build(header_document, header, base, entries)

    # -- policies ---------------------------------------------------------------------------

    def policy_file(self, document: Document, params: Mapping[str, Any] | None) -> list[_Entry]:
        for key in document.data:
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
        if "policies" not in document.data:
            self.report(document, "af-missing", "missing required key 'policies'", ())
            return []
        return self.policies(document, document.data["policies"], params)

    def policies(
        self, document: Document, items: Any, params: Mapping[str, Any] | None
    ) -> list[_Entry]:
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
    ) -> _Entry | None:
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
            return None
        if not isinstance(kind, str) or kind not in KINDS:
            hint = did_you_mean(kind, KINDS) if isinstance(kind, str) else ""
            self.report(
                document,
                "af-enum",
                f"unknown policy kind {kind!r}{hint}; expected one of {', '.join(KINDS)}",
                (*path, "kind"),
            )
            return None
        cls = KINDS[kind]
        data = {key: value for key, value in item.items() if key != "kind"}
        for field in cls.durations:
            if data.get(field) is not None and not self.duration(
                document, cls, field, data[field], (*path, field), params
            ):
                data[field] = "0 days"  # reported at the field; keep it from being said twice
        policy, problems = structure(cls, data, path)
        self.structure_problems(document, data, problems, path)
        if policy is None:
            return None
        return _Entry(policy, data, document, path)

    def duration(
        self,
        document: Document,
        cls: type[Policy],
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

    def duplicates(self, entries: list[_Entry], base: Framework | None, removed: set[str]) -> None:
        inherited = {policy.id for policy in base.policies} if base is not None else set()
        first: dict[str, _Entry] = {}
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

    def too_many(self, entries: list[_Entry], base: Framework | None, removed: set[str]) -> None:
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

    # -- composition ------------------------------------------------------------------------

    def override_and_remove(
        self,
        document: Document,
        header: FrameworkFile,
        base: Framework | None,
        params: Mapping[str, Any],
    ) -> None:
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
            return
        inherited = {policy.id: policy for policy in base.policies}
        for policy_id, changes in header.override.items():
            path: Path = ("override", policy_id)
            if policy_id not in inherited:
                self.report(
                    document,
                    "af-reference",
                    f"no inherited policy {policy_id!r}{did_you_mean(policy_id, inherited)}",
                    path,
                    at_key=True,
                )
                continue
            policy = inherited[policy_id]
            cls = type(policy)
            for field, value in changes.items():
                if (
                    field in cls.durations
                    and value is not None
                    and not self.duration(document, cls, field, value, (*path, field), params)
                ):
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
            seen.setdefault(removal.id, index)

    def inherited_durations(
        self, document: Document, header: FrameworkFile, base: Framework | None
    ) -> None:
        """A parameter this framework redefines must still be a duration where one is used."""
        if base is None:
            return
        for policy in base.policies:
            for field in type(policy).durations:
                value = getattr(policy, field)
                name = param_reference(value) if isinstance(value, str) else None
                if name is None or name not in header.params:
                    continue
                try:
                    Duration.parse(header.params[name])
                except ValueError as error:
                    self.report(
                        document,
                        "af-value",
                        f"{policy.id}.{field} uses params.{name} as a duration: {error}",
                        ("params", name),
                    )

    def structural(
        self,
        document: Document,
        header: FrameworkFile,
        base: Framework | None,
        entries: list[_Entry],
    ) -> None:
        """`Framework.problems()` over the composed state, each located in framework.yaml."""
        roles = list(base.roles) if base is not None else []
        for role in header.roles:
            roles = [existing for existing in roles if existing.id != role.id] + [role]
        composed = SimpleNamespace(
            policies=[],  # ids are checked with their locations in duplicates()
            roles=roles,
            definitions={**(base.definitions if base else {}), **header.definitions},
            params={**(base.params if base else {}), **header.params},
        )
        own_roles: dict[str, int] = {}
        for index, role in enumerate(header.roles):
            if role.id in own_roles:
                self.report(
                    document,
                    "af-duplicate",
                    f"duplicate role id {role.id!r} (first at roles[{own_roles[role.id]}])",
                    ("roles", index, "id"),
                )
            own_roles.setdefault(role.id, index)
        for message in Framework.problems(cast(Framework, composed)):
            code, path, at_key = _locate_structural(message, own_roles)
            if code != "af-duplicate":
                self.report(document, code, message, path, at_key=at_key)

    def look_back(self, document: Document, header: FrameworkFile) -> None:
        try:  # a duration of at least a day
            look_back_duration(header.look_back)
        except ValueError as error:
            message = str(error).removeprefix("look_back: ")
            self.report(document, "af-value", message, ("look_back",))

    def build(
        self,
        document: Document,
        header: FrameworkFile,
        base: Framework | None,
        entries: list[_Entry],
    ) -> Framework:
        policies = [entry.policy for entry in entries]
        try:
            if base is None:
                framework = Framework(
                    name=header.framework,
                    version=header.version,
                    title=header.title,
                    description=header.description,
                    params=header.params,
                    definitions=header.definitions,
                    roles=header.roles,
                    policies=policies,
                    look_back=header.look_back,
                )
            else:
                given = document.data
                framework = base.extend(
                    header.framework,
                    version=header.version,
                    title=header.title if "title" in given else None,
                    description=header.description if "description" in given else None,
                    params=header.params,
                    definitions=header.definitions,
                    roles=header.roles,
                    policies=policies,
                    override=header.override,
                    remove=[Removal(id=item.id, reason=item.reason) for item in header.remove],
                    look_back=header.look_back,
                )
        except (ValueError, UsageError) as error:
            # Every cause is checked above with its location; this is the safety net.
            self.report(document, "af-value", str(error), ())
            self.fail()
        kept = {policy.id for policy in framework.policies}
        sources = {
            key: value
            for key, value in framework.sources.items()
            if key[0] != "policies" or key[1] in kept
        }
        sources.update(_sources(document, header, base, entries))
        return attrs.evolve(framework, sources=sources)


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
    document: Document, header: FrameworkFile, base: Framework | None, entries: list[_Entry]
) -> dict[tuple[str, ...], tuple[Location, int]]:
    """Where each CEL expression this folder gives (policies, overrides, definitions) is."""
    found: dict[tuple[str, ...], tuple[Location, int]] = {}
    for entry in entries:
        for field in type(entry.policy).expressions:
            if isinstance(entry.data.get(field), str):
                key = ("policies", entry.policy.id, field)
                found[key] = _expression_source(entry.document, (*entry.path, field))
    inherited = {policy.id: policy for policy in base.policies} if base else {}
    for policy_id, changes in header.override.items():
        expressions = type(inherited[policy_id]).expressions
        for field, value in changes.items():
            if field in expressions and isinstance(value, str):
                found[("policies", policy_id, field)] = _expression_source(
                    document, ("override", policy_id, field)
                )
    for name in header.definitions:
        found[("definitions", name)] = _expression_source(document, ("definitions", name))
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


def _named_field(message: str) -> str | None:
    """The field a validator's message starts with (`'every' must be ...`), if any."""
    match = re.match(r"'([A-Za-z_][A-Za-z0-9_]*)' ", message)
    return match.group(1) if match else None
