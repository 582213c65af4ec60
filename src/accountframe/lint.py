"""Lint: every problem of a framework in one run, errors and warnings (`accountframe lint`).

`lint(path)` reads a framework folder as `load_framework` does, but does not stop at the first
stage that has problems: what could be built from the sound parts is compiled, so that the CEL
type errors of every policy are found in the same run as the structural problems of the
others. Then it checks what the framework's own parts are for:

- a parameter nothing uses (no CEL expression, duration field, definition or `{params.NAME}`
  text): an **error** when an extending framework adds it (it changes nothing, so it is very
  likely a misspelt inherited one: `did you mean`), a **warning** when a framework that
  extends nothing sets it, or an extending one gives an inherited one a new value; an
  inherited parameter left as it is is the base's business and is not reported;
- a definition nothing uses, which this framework adds or redefines: a warning;
- a policy title, rationale or action that names a period its own durations do not give
  (`monthly` over `every: params.review_every` set to `2 weeks`): a warning, `af-drift`.

Warnings do not make a framework invalid: `load_framework` and `compile` accept it, and
`accountframe lint` exits 0 unless `--strict` is given.

Example:
    >>> report = lint("tests/fixtures/frameworks/valid")
    >>> report.ok, report.errors, report.framework.name
    (True, (), 'example-body')
    >>> lint("no/such/folder").errors[0].code
    'af-io'
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import attrs

from accountframe.compiler.compiler import compile_framework, source_line
from accountframe.errors import Diagnostic, FrameworkError, Location, did_you_mean
from accountframe.framework.duration import Duration, param_reference
from accountframe.framework.folder import bundled_folder_of, read_framework
from accountframe.framework.framework import PLACEHOLDER, TEXT_FIELDS, Framework
from accountframe.framework.policies import Policy, duration_texts
from accountframe.load.documents import DEFAULT_LIMITS, LoadLimits

__all__ = ["LintReport", "lint", "periods_named", "title_drift"]

# `params.NAME` or `params["NAME"]` in a CEL expression.
_PARAM_USE = re.compile(r"\bparams\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*[\"']([^\"']*)[\"']\s*\])")
# `params` used whole (passed on, iterated): then every parameter counts as used.
_PARAMS_WHOLE = re.compile(r"\bparams\b(?!\s*[.\[])")
# A name that is not a field (`contract.is_live` reads a field, not the definition is_live).
_IDENTIFIER = re.compile(r"(?<![.\w])([A-Za-z_]\w*)")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12}
# A period in words: `monthly`, `every 2 weeks`, `3 months`, `twelve months`.
_PERIOD_WORDS = {
    "daily": Duration(days=1),
    "weekly": Duration(days=7),
    "fortnightly": Duration(days=14),
    "monthly": Duration(months=1),
    "quarterly": Duration(months=3),
    "annually": Duration(months=12),
    "annual": Duration(months=12),
    "yearly": Duration(months=12),
}
# `every month`, `twice a year`: a period without a number.
_PER_PHRASES = {
    "every day": Duration(days=1),
    "every week": Duration(days=7),
    "every fortnight": Duration(days=14),
    "every month": Duration(months=1),
    "every quarter": Duration(months=3),
    "every year": Duration(months=12),
    "twice a year": Duration(months=6),
}
_PERIOD = re.compile(
    r"\b(?:("
    + "|".join([*_PERIOD_WORDS, *(phrase.replace(" ", r"\s+") for phrase in _PER_PHRASES)])
    + r")|(\d+|"
    + "|".join(_NUMBERS)
    + r")[\s-]+(day|week|month|year)s?)\b",
    re.IGNORECASE,
)


@attrs.frozen
class LintReport:
    """What `lint` found: every diagnostic, errors and warnings, sorted by location."""

    #: The framework, when it has no errors (warnings allowed); else None.
    framework: Framework | None
    #: Every problem found, errors and warnings, in location order.
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The diagnostics that make the framework invalid."""
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The diagnostics that do not (very likely not what was meant, all the same)."""
        return tuple(d for d in self.diagnostics if not d.is_error)

    @property
    def ok(self) -> bool:
        """Whether there is no error."""
        return not self.errors


def lint(
    framework: str | os.PathLike[str] | Framework,
    *,
    limits: LoadLimits = DEFAULT_LIMITS,
    engine: str | None = None,
) -> LintReport:
    """Every problem of a framework, in one run: structure, references, CEL types, and what
    its own parameters, definitions and texts are for (see the module's documentation).

    Args:
        framework: A framework folder (or its framework.yaml), the name of a bundled
            framework, or a `Framework` built in Python.
        limits: The load limits.
        engine: The CEL engine to compile for (default `accountframe.cel.DEFAULT_ENGINE`).

    Raises:
        UsageError: an unknown engine.

    Example:
        >>> import accountframe as af
        >>> base = af.Framework(name="base", version="1", params={"every": "1 month"})
        >>> mine = base.extend("mine", params={"evry": "2 weeks"})
        >>> print(af.lint(mine).diagnostics[0].render())
        params.evry: af-unused: parameter 'evry' is set, but nothing uses it (did you mean 'every'?)
    """
    found: list[Diagnostic] = []
    mentioned: frozenset[str] = frozenset()
    if isinstance(framework, Framework):
        built: Framework | None = framework
    else:
        path = os.fspath(framework)
        if not Path(path).exists() and (folder := bundled_folder_of(path)) is not None:
            path = str(folder)
        reading = read_framework(path, limits=limits)
        built, mentioned = reading.framework, reading.mentioned
        found.extend(reading.diagnostics)
    if built is not None:
        try:
            compile_framework(built, engine=engine)
        except FrameworkError as error:
            found.extend(error.diagnostics)
        found.extend(_unused(built, mentioned))
        found.extend(_drift(built))
    diagnostics = tuple(sorted(dict.fromkeys(found), key=Diagnostic.sort_key))
    sound = built if not any(d.is_error for d in diagnostics) else None
    return LintReport(sound, diagnostics)


# -- what nothing uses ---------------------------------------------------------------------


def _uses(framework: Framework, mentioned: Iterable[str]) -> tuple[set[str], set[str]]:
    """The parameters and the names (definitions among them) the framework uses."""
    params: set[str] = set(mentioned)
    names: set[str] = set(mentioned)
    expressions = list(framework.definitions.values())
    for policy in framework.policies:
        written = framework.as_written(policy)
        for field in type(policy).expressions:
            value = getattr(policy, field)
            if isinstance(value, str):
                expressions.append(value)
        for field in type(policy).durations:
            value = getattr(policy, field)
            name = param_reference(value) if isinstance(value, str) else None
            if name is not None:
                params.add(name)
        for field in TEXT_FIELDS:
            value = getattr(written, field, None)
            if isinstance(value, str):
                params.update(PLACEHOLDER.findall(value))
    for text in expressions:
        if _PARAMS_WHOLE.search(text):
            params.update(framework.params)
        params.update(first or second for first, second in _PARAM_USE.findall(text))
        names.update(_IDENTIFIER.findall(text))
    return params, names


def _unused(framework: Framework, mentioned: Iterable[str]) -> list[Diagnostic]:
    """`af-unused` for this framework's parameters and definitions that nothing uses."""
    params, names = _uses(framework, mentioned)
    base = framework.base
    inherited_params = base.params if base is not None else {}
    inherited_definitions = base.definitions if base is not None else {}
    found = []
    for name, value in framework.params.items():
        if name in params:
            continue
        if name not in inherited_params:
            error = base is not None  # an extension's new parameter: very likely misspelt
        elif inherited_params[name] != value:
            error = False
        else:
            continue
        others = [other for other in framework.params if other != name]
        found.append(
            _diagnostic(
                framework,
                ("params", name),
                f"params.{name}",
                f"parameter {name!r} is set, but nothing uses it{did_you_mean(name, others)}",
                error=error,
            )
        )
    for name, text in framework.definitions.items():
        if name in names or inherited_definitions.get(name) == text:
            continue
        others = [other for other in framework.definitions if other != name]
        found.append(
            _diagnostic(
                framework,
                ("definitions", name),
                f"definitions.{name}",
                f"definition {name!r} is defined, but nothing uses it{did_you_mean(name, others)}",
                error=False,
            )
        )
    return found


# -- texts that drift from the durations -----------------------------------------------------


def periods_named(text: str) -> list[tuple[str, Duration]]:
    """The periods a text names in words, with the duration each means.

    Example:
        >>> [(words, str(d)) for words, d in periods_named("Reviewed monthly, within 2 weeks")]
        [('monthly', '1 month'), ('2 weeks', '14 days')]
        >>> [str(d) for _, d in periods_named("twice a year; every year; three-month")]
        ['6 months', '1 year', '3 months']
    """
    found = []
    for match in _PERIOD.finditer(text):
        if match.group(1):
            words = " ".join(match.group(1).lower().split())
            found.append((match.group(0), {**_PERIOD_WORDS, **_PER_PHRASES}[words]))
            continue
        count = match.group(2).lower()
        number = _NUMBERS[count] if count in _NUMBERS else int(count)
        found.append((match.group(0), Duration.parse(f"{number} {match.group(3)}")))
    return found


def _durations(framework: Framework, policy: Policy) -> dict[str, Duration]:
    """The policy's durations, parameters resolved (those that do not resolve left out)."""
    found = {}
    for field, value in duration_texts(policy).items():
        name = param_reference(value)
        try:
            found[field] = Duration.parse(framework.params[name] if name is not None else value)
        except (KeyError, ValueError):
            continue
    return found


def title_drift(framework: Framework, policy: Policy) -> str | None:
    """The words of `policy`'s title that name a period none of its durations is, when a
    duration comes from a parameter (whose value can change under the title); else None.

    A title written with `{params.NAME}` never drifts. Rationales and actions are not read:
    they rightly speak of other periods (a monthly report read within 45 days).

    Example:
        >>> import accountframe as af
        >>> cadence = af.OversightCadence(id="C-1", title="Reviewed monthly", every="params.every")
        >>> fw = af.Framework(name="f", version="1", params={"every": "2 weeks"}, policies=[cadence])
        >>> title_drift(fw, cadence)
        'monthly'
    """  # noqa: E501 - doctest input is one line
    if not _from_params(policy) or (policy.id, "title") in framework.templates:
        return None
    durations = _durations(framework, policy).values()
    for words, period in periods_named(policy.title):
        if durations and not _same_period(period, durations):
            return words
    return None


def _from_params(policy: Policy) -> list[str]:
    """The parameters the policy's duration fields name."""
    return [
        name
        for value in duration_texts(policy).values()
        if (name := param_reference(value)) is not None
    ]


def _drift(framework: Framework) -> list[Diagnostic]:
    """`af-drift` for each policy title that `title_drift` finds. An inherited policy is
    checked only when this framework changed a parameter it uses (said at that parameter):
    otherwise its title is the base's business."""
    base = framework.base
    found = []
    for policy in framework.policies:
        from_params = _from_params(policy)
        changed: list[str] = []
        if base is not None and any(policy.id == other.id for other in base.policies):
            changed = [n for n in from_params if base.params.get(n) != framework.params.get(n)]
            if not changed:
                continue
        words = title_drift(framework, policy)
        if words is None:
            continue
        durations = _durations(framework, policy)
        said = ", ".join(f"{field}: {duration}" for field, duration in durations.items())
        if changed:  # inherited: said where this framework changed the parameter
            key: tuple[str, ...] = ("params", changed[0])
            path = f"params.{changed[0]}"
            message = (
                f"the title of {policy.id} (inherited) says {words!r}, but with this "
                f"value its durations are {said}; override its title, e.g. with "
                f"{{params.{changed[0]}}} in it"
            )
        else:
            key, path = ("policies", policy.id, "title"), f"{policy.id}.title"
            message = (
                f"the title says {words!r}, but the policy's durations are {said} (from "
                f"params.{', params.'.join(from_params)}); write the period as "
                f"{{params.{from_params[0]}}}, or change the title"
            )
        found.append(_diagnostic(framework, key, path, message, error=False, drift=True))
    return found


def _same_period(period: Duration, durations: Iterable[Duration]) -> bool:
    """Whether `period` is one of `durations` (a month and 30 or 31 days are not the same)."""
    return any(period == duration for duration in durations)


def _diagnostic(
    framework: Framework,
    key: tuple[str, ...],
    path: str,
    message: str,
    *,
    error: bool,
    drift: bool = False,
) -> Diagnostic:
    source = framework.sources.get(key)
    location: Location = source[0] if source is not None else Location(path=path)
    location = attrs.evolve(location, path=location.path or path)
    return Diagnostic(
        "af-drift" if drift else "af-unused",
        message,
        location,
        source_line(location.file, location.line),
        severity="error" if error else "warning",
        policy=key[1] if key[0] == "policies" else None,
    )
