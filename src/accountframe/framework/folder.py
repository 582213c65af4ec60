"""Loading frameworks: a folder of YAML files → `Framework`, every problem located in its file.

A framework folder holds `framework.yaml` (name, version, params, definitions, roles, and, when
it builds on another framework, `extends`, `override` and `remove`) plus any number of other
`*.yaml`/`*.yml` files, each a mapping with one key, `policies:`. Policies keep file name order,
then their order in the file; `framework.yaml` may hold `policies:` too, which come first. The
`tests/` folder holds policy tests, not policies, and is not read here.

Every problem in every file (YAML syntax, unknown keys, wrong types, durations, unknown kinds,
duplicate ids, broken extends chains, overrides of policies that are not inherited, files that
are not policy files) is collected and raised once, as a `FrameworkError` whose diagnostics
read `file:line:col: code: path: message`. Hidden files (`.pre-commit-config.yaml`) are not
read. `read_framework` gives the problems and, beside them, what could be built from what is
sound, for `accountframe.lint` to type-check in the same run.

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
from pathlib import Path as FilePath

import attrs

from accountframe.errors import Diagnostic, FrameworkError, Location, UsageError, did_you_mean
from accountframe.framework.composer import Collector, Composer, PolicyReader
from accountframe.framework.files import FRAMEWORK_FILE, FrameworkFile, RemoveEntry, salvage
from accountframe.framework.framework import Framework
from accountframe.load.documents import DEFAULT_LIMITS, Document, LoadLimits, read_document
from accountframe.load.paths import ReadRule
from accountframe.load.structure import structure

__all__ = [
    "FRAMEWORK_FILE",
    "FrameworkFile",
    "FrameworkReading",
    "RemoveEntry",
    "bundled",
    "bundled_folder_of",
    "bundled_names",
    "load_framework",
    "read_framework",
    "read_rule",
]

_POLICY_SUFFIXES = (".yaml", ".yml")
_BUNDLED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


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
    loader = _FolderLoader(limits, chain=())
    framework = loader.compose_chain(FilePath(os.fspath(path)))
    if loader.diagnostics or framework is None:
        loader.fail()
    return framework


@attrs.frozen
class FrameworkReading:
    """What reading a framework folder gave, problems or not (see `read_framework`)."""

    #: The framework built from what is sound; None when nothing could be built (no readable
    #: framework.yaml, or a base that cannot be read). Not for use when there are diagnostics:
    #: its broken parts are left out or read with stand-ins; it is for checking the rest.
    framework: Framework | None
    #: Every problem found, sorted by location.
    diagnostics: tuple[Diagnostic, ...]
    #: Names used by policies that could not be read whole: checks for unused parameters and
    #: definitions count them as used.
    mentioned: frozenset[str] = frozenset()


def read_framework(
    path: str | os.PathLike[str], *, limits: LoadLimits = DEFAULT_LIMITS
) -> FrameworkReading:
    """Read a framework folder as `load_framework` does, but give its problems instead of
    raising them, with the framework built from what is sound.

    Example:
        >>> reading = read_framework("tests/fixtures/frameworks/valid")
        >>> reading.framework.name, reading.diagnostics
        ('example-body', ())
        >>> read_framework("no/such/folder").diagnostics[0].code
        'af-io'
    """
    loader = _FolderLoader(limits, chain=())
    try:
        framework = loader.compose_chain(FilePath(os.fspath(path)))
    except FrameworkError as error:
        return FrameworkReading(None, error.diagnostics, frozenset(loader.mentioned))
    diagnostics = tuple(sorted(dict.fromkeys(loader.diagnostics), key=Diagnostic.sort_key))
    return FrameworkReading(framework, diagnostics, frozenset(loader.mentioned))


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


class _FolderLoader(Collector):
    """Loads one framework folder; `chain` holds the framework files extending it, for cycles.

    An extends chain is walked in a loop, not by recursion (`compose_chain`): each framework
    is read (`prepare`), then they are composed from the last base up. Every file is read
    under the folder's paths rule (`accountframe.load.paths`).
    """

    def __init__(self, limits: LoadLimits, chain: tuple[FilePath, ...]) -> None:
        super().__init__()
        self.limits = limits
        self.chain = chain
        self.rule: ReadRule | None = None

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
        self.diagnostics.extend(self.located(document, problem) for problem in document.problems)
        return document

    # -- the folder as a whole ---------------------------------------------------------------

    def compose_chain(self, given: FilePath) -> Framework | None:
        """The framework at `given`, composed over the frameworks it extends, in a loop, as far
        as it can be; every problem of every level ends in this loader's diagnostics.

        Raises:
            FrameworkError: `given` is no framework, or its framework.yaml cannot be read.
        """
        levels = [self.prepare(given)]
        while (base_main := levels[-1].base_main) is not None:
            parent = levels[-1].loader
            loader = _FolderLoader(self.limits, (*parent.chain, levels[-1].main.resolve()))
            try:
                levels.append(loader.prepare(base_main))
            except FrameworkError as error:  # the base's problems are the parent's to report
                parent.diagnostics.extend(error.diagnostics)
                parent.mentioned |= loader.mentioned
                break
        base: Framework | None = None
        for depth in range(len(levels) - 1, -1, -1):
            level = levels[depth]
            base = Composer(
                level.loader,
                self.limits,
                level.document,
                level.policy_documents,
                level.header,
                base,
            ).compose()
            if depth:
                parent = levels[depth - 1].loader
                parent.diagnostics.extend(level.loader.diagnostics)
                parent.mentioned |= level.loader.mentioned
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
                PolicyReader(self, self.limits).policy_file(document, params=None)
            self.fail()
        data = dict(header_document.data)
        data.pop("policies", None)
        header, problems = structure(FrameworkFile, data)
        self.structure_problems(header_document, data, problems)
        if header is None and not any(problem.path[:1] == ("extends",) for problem in problems):
            # The rest of the header is still read, so that its other problems (an override of
            # no policy, a misspelt field) are found in the same run.
            header = salvage(FrameworkFile, data, problems)
        level = _Level(self, main, header_document, policy_documents, header)
        if header is not None and header.extends is not None:
            level.base_main = self.base(main, header_document, header.extends)
        return level

    @staticmethod
    def files(given: FilePath, main: FilePath) -> list[FilePath]:
        """The policy files beside `main`, by name (hidden ones left out, as a shell's `*.yaml`
        leaves them); an af-io error if `given` is no framework."""
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
            if file.suffix in _POLICY_SUFFIXES
            and file.name != main.name
            and not file.name.startswith(".")
            and file.is_file()
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
