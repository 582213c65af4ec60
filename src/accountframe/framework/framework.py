"""Frameworks: a named, versioned set of policies with parameters, definitions and roles.

A framework is plain data: a frozen attrs class, validated on construction; composing
(`Framework.extend`) returns a new framework. Compiling and evaluating are later stages
(`accountframe.compile`); `Framework.evaluate` is the shorthand SPEC section 10 promises.

Example:
    >>> import accountframe as af
    >>> fw = af.Framework(
    ...     name="my-body", version="1", title="Oversight of live contracts",
    ...     roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
    ...     policies=[af.OversightCadence(id="CAD-1", title="SRO reviews gold contracts monthly",
    ...                                   applies_to='contract.tier == "gold"', every="1 month")],
    ... )
    >>> fw.policy("CAD-1").severity
    <Severity.MEDIUM: 'medium'>
    >>> mine = fw.extend("mine", override={"CAD-1": {"every": "2 weeks"}})
    >>> mine.policy("CAD-1").every, fw.policy("CAD-1").every
    ('2 weeks', '1 month')
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from accountframe import cel
from accountframe.errors import CelEvaluationError, UsageError, did_you_mean
from accountframe.framework.duration import Duration
from accountframe.framework.policies import (
    IDENTIFIER,
    RESERVED,
    Basis,
    Policy,
    nonempty_line,
    optional_text,
    text,
    to_basis,
)
from accountframe.load.fields import meta
from accountframe.load.plain import unstructure

if TYPE_CHECKING:
    from accountframe.assessment import Assessment
    from accountframe.model import Portfolio

__all__ = [
    "COMPILER",
    "PARAM_NOTE_KEYS",
    "PLACEHOLDER",
    "TEXT_FIELDS",
    "Framework",
    "ParamNote",
    "Removal",
    "Role",
    "is_long_param",
    "look_back_duration",
    "param_text",
    "split_params",
]

#: `{params.NAME}` in a policy's title, rationale or action: the parameter's value, so that
#: the text says what the parameters say (`Framework.render_text`).
PLACEHOLDER = re.compile(r"\{params\.([A-Za-z_][A-Za-z0-9_]*)\}")
#: The policy fields read by people that may hold `{params.NAME}` placeholders.
TEXT_FIELDS = ("title", "rationale", "action")


@attrs.frozen
class Role:
    """A role in the accountability chain; an unfilled role falls back to `reports_to`."""

    id: str = attrs.field(validator=nonempty_line, metadata=meta("Role id, e.g. sro."))
    title: str | None = attrs.field(
        default=None, validator=optional_text, metadata=meta("Name shown to people.")
    )
    reports_to: str | None = attrs.field(
        default=None, validator=optional_text, metadata=meta("The role above it.")
    )


@attrs.frozen(kw_only=True)
class ParamNote:
    """What a parameter rests on, as its long form gives it: basis, source, rationale.

    Example:
        >>> ParamNote(basis="proposed", rationale="no source gives a number")
        ParamNote(basis=<Basis.PROPOSED: 'proposed'>, source='', rationale='no source gives a number')
    """  # noqa: E501 - doctest output is one line

    basis: Basis | None = attrs.field(
        default=None,
        converter=to_basis,
        metadata=meta("statute, regulation, guidance, recommendation or proposed."),
    )
    source: str = attrs.field(
        default="", validator=text, metadata=meta("Citation: report, paragraph, standard.")
    )
    rationale: str = attrs.field(
        default="", validator=text, metadata=meta("Why this value; shown in docs.")
    )


#: The keys of a parameter's long form: a mapping with `value` and only these keys is one.
PARAM_NOTE_KEYS = frozenset({"value", "basis", "source", "rationale"})


def is_long_param(value: Any) -> bool:
    """Whether a parameter is written long, `{value, basis, source, rationale}`: a mapping
    with a `value` key and no key but those four (any other mapping is a map parameter).

    Example:
        >>> is_long_param({"value": "30 days", "basis": "proposed"})
        True
        >>> is_long_param({"value": 1, "unit": "days"}), is_long_param({"gold": 1})
        (False, False)
    """
    return isinstance(value, Mapping) and "value" in value and PARAM_NOTE_KEYS.issuperset(value)


def split_params(params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, ParamNote]]:
    """Parameters' values, and the notes of those written long (see `is_long_param`).

    Raises:
        ValueError: a long form's basis, source or rationale is not valid, naming the parameter.

    Example:
        >>> values, notes = split_params({"every": {"value": "1 month", "basis": "proposed"},
        ...                               "limit": 4})
        >>> values, notes["every"].basis
        ({'every': '1 month', 'limit': 4}, <Basis.PROPOSED: 'proposed'>)
    """
    values: dict[str, Any] = {}
    notes: dict[str, ParamNote] = {}
    for name, value in params.items():
        if not is_long_param(value):
            values[name] = value
            continue
        values[name] = value["value"]
        try:
            notes[name] = ParamNote(**{key: value[key] for key in value if key != "value"})
        except (TypeError, ValueError) as error:
            raise ValueError(f"parameter {name!r}: {error}") from None
    return values, notes


def _param_notes(value: Mapping[str, ParamNote]) -> dict[str, ParamNote]:
    return dict(value)


def _roles(value: Iterable[Role | str]) -> tuple[Role, ...]:
    return tuple(Role(item) if isinstance(item, str) else item for item in value)


def _definitions(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


def _policies(value: Iterable[Policy]) -> tuple[Policy, ...]:
    return tuple(value)


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def look_back_duration(value: Duration | str | None) -> Duration | None:
    """A look-back as given (a `Duration` or its text), checked to be at least a day.

    Raises:
        ValueError: not a duration, or shorter than a day.

    Example:
        >>> str(look_back_duration("2 years"))
        '2 years'
    """
    if value is None:
        return None
    try:
        duration = value if isinstance(value, Duration) else Duration.parse(value)
    except ValueError as error:
        raise ValueError(f"look_back: {error}") from None
    if duration.months < 0 or duration.days < 0 or duration == Duration():
        raise ValueError(f"look_back: must be at least a day (got {str(duration)!r})")
    return duration


def _titles(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


def _removals(value: Iterable[Removal]) -> tuple[Removal, ...]:
    return tuple(value)


def _sources(value: Mapping[tuple[str, ...], Any]) -> dict[tuple[str, ...], Any]:
    return dict(value)


@attrs.frozen(kw_only=True)
class Removal:
    """A policy an extending framework removed, and why (kept for docs and audit)."""

    id: str
    reason: str


@attrs.frozen(kw_only=True)
class Framework:
    """A named, versioned set of policies with parameters, definitions and roles.

    Attributes:
        name: The framework's name, e.g. `uk-central-government`.
        version: Its version, e.g. `2026.1`.
        params: Values usable as `params.NAME` in CEL and in duration fields, and as
            `{params.NAME}` in policies' titles, rationales and actions.
        definitions: Named CEL expressions (contract scope), evaluated in order.
        definition_titles: What a definition means, in words, by name (optional); the
            generated docs read `applies_to` with them.
        roles: The accountability chain.
        policies: The policies, in evaluation and report order.
        extends: What this framework was built from (name and version), if anything.
        overridden: Ids of inherited policies this framework changed.
        removed: Inherited policies this framework removed, with reasons.
        look_back: How far back an assessment looks for when each finding's status began
            (`since`, SPEC section 13); None: no look-back.
        param_notes: What parameters rest on (basis, source, rationale), by name: given,
            or from parameters written long (`{value, basis, source, rationale}`), which the
            constructor splits: `params` then holds the values only.
        base: The framework this one was extended from (`extend` sets it), for the checks
            that tell what this framework changed; not compared, not in `to_dict`.
    """

    name: str = attrs.field(validator=nonempty_line)
    version: str = attrs.field(validator=nonempty_line)
    title: str = attrs.field(default="", validator=text)
    description: str = attrs.field(default="", validator=text)
    params: dict[str, Any] = attrs.field(factory=dict, converter=dict)
    definitions: dict[str, str] = attrs.field(factory=dict, converter=_definitions)
    definition_titles: dict[str, str] = attrs.field(factory=dict, converter=_titles)
    roles: tuple[Role, ...] = attrs.field(default=(), converter=_roles)
    policies: tuple[Policy, ...] = attrs.field(default=(), converter=_policies)
    extends: str | None = attrs.field(default=None, validator=optional_text)
    overridden: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    removed: tuple[Removal, ...] = attrs.field(default=(), converter=_removals)
    look_back: Duration | None = attrs.field(default=None, converter=look_back_duration)
    param_notes: dict[str, ParamNote] = attrs.field(factory=dict, converter=_param_notes)
    #: Where each value came from, for messages: ("policies", id, field) → (Location, indent).
    sources: Mapping[tuple[str, ...], Any] = attrs.field(
        factory=dict, eq=False, repr=False, converter=_sources
    )
    base: Framework | None = attrs.field(default=None, eq=False, repr=False)
    #: The texts written with `{params.NAME}` placeholders: (policy id, field) → (the text as
    #: written, its rendering). `policies` hold the renderings; `extend` renders the texts as
    #: written again, with the new parameters. Worked out by the constructor.
    templates: Mapping[tuple[str, str], tuple[str, str]] = attrs.field(
        factory=dict, eq=False, repr=False, converter=dict
    )

    def __attrs_post_init__(self) -> None:
        if any(is_long_param(value) for value in self.params.values()):
            values, notes = split_params(self.params)
            object.__setattr__(self, "params", values)
            object.__setattr__(self, "param_notes", {**self.param_notes, **notes})
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))
        self._render_texts()

    def _render_texts(self) -> None:
        """Render each policy text written with `{params.NAME}` (see `templates`)."""
        templates: dict[tuple[str, str], tuple[str, str]] = {}
        policies: list[Policy] = []
        for policy in self.policies:
            updates: dict[str, str] = {}
            for field in TEXT_FIELDS:
                value = getattr(policy, field, None)
                if not isinstance(value, str):
                    continue
                given = self.templates.get((policy.id, field))
                if given is not None and given[1] == value:
                    written = given[0]  # rendered before (attrs.evolve): keep the text as written
                elif "{params." in value:
                    written = value
                else:
                    continue
                rendered = self.render_text(written)
                templates[(policy.id, field)] = (written, rendered)
                if rendered != value:
                    updates[field] = rendered
            policies.append(attrs.evolve(policy, **updates) if updates else policy)
        object.__setattr__(self, "templates", templates)
        if templates:
            object.__setattr__(self, "policies", tuple(policies))

    def as_written(self, policy: Policy) -> Policy:
        """`policy` with its texts as written, `{params.NAME}` placeholders and all.

        Example:
            >>> from accountframe.framework.policies import Rule
            >>> rule = Rule(id="R-1", title="Above {params.limit}", require="true")
            >>> fw = Framework(name="f", version="1", params={"limit": 5}, policies=[rule])
            >>> fw.policies[0].title, fw.as_written(fw.policies[0]).title
            ('Above 5', 'Above {params.limit}')
        """
        updates = {
            field: written
            for (policy_id, field), (written, _) in self.templates.items()
            if policy_id == policy.id
        }
        return attrs.evolve(policy, **updates) if updates else policy

    def problems(self) -> list[str]:
        """Every structural problem: duplicate ids, broken role chain, bad definition names."""
        found: list[str] = []
        seen: set[str] = set()
        for policy in self.policies:
            if not isinstance(policy, Policy) or not policy.kind:
                found.append(f"policies must be policy objects (got {policy!r})")
                continue
            if policy.id in seen:
                found.append(f"policy id {policy.id!r} is used twice")
            seen.add(policy.id)
        role_ids = [role.id for role in self.roles]
        if len(set(role_ids)) != len(role_ids):
            found.append(f"role ids must be unique (got {role_ids})")
        for role in self.roles:
            if role.reports_to is not None and role.reports_to not in role_ids:
                found.append(
                    f"role {role.id!r} reports to {role.reports_to!r}, which is not a role"
                    f"{did_you_mean(role.reports_to, role_ids)}"
                )
        chain_problem = _cycle(self.roles)
        if chain_problem:
            found.append(chain_problem)
        for name in self.definitions:
            if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
                found.append(f"definition name {name!r} must be an identifier like is_major")
            elif name in RESERVED:
                found.append(f"definition name {name!r} is a built-in variable; choose another")
        for name, title in self.definition_titles.items():
            if name not in self.definitions:
                found.append(
                    f"definition title for {name!r}, which is not a definition"
                    f"{did_you_mean(str(name), [str(key) for key in self.definitions])}"
                )
            elif not isinstance(title, str) or not title.strip() or "\n" in title.strip():
                found.append(f"definition title for {name!r} must be one line of text")
        for name in self.params:
            if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
                found.append(f"parameter name {name!r} must be an identifier like review_every")
        for name in getattr(self, "param_notes", {}):
            if name not in self.params:
                found.append(f"parameter note for {name!r}, which is not a parameter")
        if not found:
            found.extend(_params_problems(self.params))
        return found

    # -- reading ---------------------------------------------------------------------------

    def policy(self, policy_id: str) -> Policy:
        """The policy with this id.

        Raises:
            UsageError: no such policy, with a suggestion.
        """
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        ids = [policy.id for policy in self.policies]
        raise UsageError(f"no policy {policy_id!r} in {self.name}{did_you_mean(policy_id, ids)}")

    def render_text(self, text: str) -> str:
        """`text` with each `{params.NAME}` replaced by the parameter's value (`param_text`);
        a placeholder naming no parameter is left as written (lint reports it).

        Example:
            >>> fw = Framework(name="f", version="1", params={"every": "2 weeks"})
            >>> fw.render_text("The SRO reviews each contract every {params.every}")
            'The SRO reviews each contract every 2 weeks'
        """
        if "{params." not in text:
            return text
        return PLACEHOLDER.sub(
            lambda match: (
                param_text(self.params[match.group(1)])
                if match.group(1) in self.params
                else match.group(0)
            ),
            text,
        )

    def policy_bases(self) -> dict[str, str]:
        """Policy id → what it rests on (`basis`), for the policies that give one.

        Example:
            >>> from accountframe.framework.policies import Rule
            >>> rule = Rule(id="R-1", title="t", require="true", basis="statute")
            >>> Framework(name="f", version="1", policies=[rule]).policy_bases()
            {'R-1': 'statute'}
        """
        return {p.id: p.basis.value for p in self.policies if p.basis is not None}

    @functools.cached_property
    def digest(self) -> str:
        """sha256 of the framework's content (canonical JSON), the same however it was built."""
        text = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The framework as plain data: its metadata, and each policy with its `kind`."""
        return {
            "framework": self.name,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "extends": self.extends,
            "params": unstructure(self.params),
            # A titled definition is written as the file writes it, {expression, title}; an
            # untitled one stays text, so that a framework without titles keeps its digest.
            "definitions": {
                name: (
                    {"expression": text, "title": self.definition_titles[name]}
                    if name in self.definition_titles
                    else text
                )
                for name, text in self.definitions.items()
            },
            "roles": [unstructure(role) for role in self.roles],
            "policies": [{"kind": p.kind, **unstructure(p)} for p in self.policies],
            "overridden": list(self.overridden),
            "removed": [unstructure(removal) for removal in self.removed],
            # Only when set: a framework without one keeps the digest it always had.
            **({"look_back": str(self.look_back)} if self.look_back is not None else {}),
            # Likewise: only a framework with notes on its parameters has them.
            **(
                {"param_notes": {n: unstructure(note) for n, note in self.param_notes.items()}}
                if self.param_notes
                else {}
            ),
        }

    # -- composing --------------------------------------------------------------------------

    def extend(
        self,
        name: str,
        *,
        version: str | None = None,
        title: str | None = None,
        description: str | None = None,
        params: Mapping[str, Any] | None = None,
        definitions: Mapping[str, str] | None = None,
        definition_titles: Mapping[str, str] | None = None,
        roles: Iterable[Role] | None = None,
        policies: Iterable[Policy] = (),
        override: Mapping[str, Mapping[str, Any]] | None = None,
        remove: Iterable[str | tuple[str, str] | Removal] = (),
        look_back: Duration | str | None = None,
        param_notes: Mapping[str, ParamNote] | None = None,
    ) -> Framework:
        """A new framework built on this one; this one is unchanged.

        Args:
            name: The new framework's name.
            version: Its version (default: this one's).
            title: Its title (default: this one's).
            description: Its description (default: this one's).
            params: Parameters to add or replace, each a value or written long
                (`{value, basis, source, rationale}`); a parameter set here replaces the
                inherited value and its notes together.
            definitions: Definitions to add or replace (new ones come after inherited ones).
            definition_titles: Titles of definitions to add or replace, by name.
            roles: Roles to add or replace, by id.
            policies: New policies, appended after the inherited ones.
            override: Inherited policy id → fields to change, e.g. `{"severity": "critical"}`.
            remove: Inherited policy ids to remove, or (id, reason) pairs.
            look_back: Its look-back (default: this one's).
            param_notes: Notes (basis, source, rationale) of parameters, by name.

        Raises:
            UsageError: an override or removal names no inherited policy, or an override
                names a field the policy does not have or gives it an invalid value.
        """
        inherited = [self.as_written(policy) for policy in self.policies]
        by_id = {policy.id: index for index, policy in enumerate(inherited)}
        overridden = list(self.overridden)
        for policy_id, changes in (override or {}).items():
            if policy_id not in by_id:
                raise UsageError(
                    f"override: no inherited policy {policy_id!r}{did_you_mean(policy_id, by_id)}"
                )
            inherited[by_id[policy_id]] = _changed(inherited[by_id[policy_id]], changes)
            if policy_id not in overridden:
                overridden.append(policy_id)
        removals = list(self.removed)
        for item in remove:
            removal = (
                item if isinstance(item, Removal)
                else Removal(id=item, reason="") if isinstance(item, str)
                else Removal(id=item[0], reason=item[1])
            )  # fmt: skip
            if removal.id not in by_id:
                raise UsageError(
                    f"remove: no inherited policy {removal.id!r}{did_you_mean(removal.id, by_id)}"
                )
            removals.append(removal)
        gone = {removal.id for removal in removals}
        role_list = list(self.roles)
        for role in roles or ():
            role_list = [r for r in role_list if r.id != role.id] + [role]
        try:
            return Framework(
                name=name,
                version=version if version is not None else self.version,
                title=title if title is not None else self.title,
                description=description if description is not None else self.description,
                params={**self.params, **(params or {})},
                definitions={**self.definitions, **(definitions or {})},
                definition_titles={**self.definition_titles, **(definition_titles or {})},
                roles=role_list,
                policies=[p for p in inherited if p.id not in gone] + list(policies),
                extends=f"{self.name} {self.version}",
                overridden=[policy_id for policy_id in overridden if policy_id not in gone],
                removed=removals,
                look_back=look_back if look_back is not None else self.look_back,
                param_notes={
                    **{n: note for n, note in self.param_notes.items() if n not in (params or {})},
                    **(param_notes or {}),
                },
                sources=self.sources,
                base=self,
            )
        except ValueError as error:
            raise UsageError(f"extend: {error}") from None

    # -- the later stages -------------------------------------------------------------------

    @functools.cached_property
    def derived(self) -> dict[str, Any]:
        """What later stages worked out from this framework, kept with it: the compiled
        framework of each CEL engine (`accountframe.compile` puts it here). Empty when the
        framework is made; not compared, not copied by `extend`, not pickled."""
        return {}

    def evaluate(
        self,
        portfolio: Portfolio,
        as_of: datetime.date | None = None,
        *,
        engine: str | None = None,
        workers: int = 1,
    ) -> Assessment:
        """Assess a portfolio as of a date: `accountframe.compile(self).evaluate(...)`.

        The shorthand of SPEC section 10. Plain data imports no later stage, so this reaches
        the compile stage through `COMPILER`, which `accountframe.compiled` fills when it is
        imported (as `import accountframe` does).

        Args:
            portfolio: The facts.
            as_of: The assessment date (default: the portfolio's `as_of`, else today).
            engine: The CEL engine (see `accountframe.compile`); the same findings either way.
            workers: Worker processes for large portfolios; 1 (the default) starts none. The
                output is byte-identical whatever the number.

        Raises:
            FrameworkError: the framework does not compile.
            UsageError: an unknown engine, or `workers` not a positive int.
        """
        compiled: Any = COMPILER[0](self, engine=engine)
        assessment: Assessment = compiled.evaluate(portfolio, as_of, workers=workers)
        return assessment


#: The compile stage, as `Framework.evaluate` reaches it: `accountframe.compile`, put here once
#: by `accountframe.compiled` when it is imported. The one arrow back from plain data to a later
#: stage, kept for the shorthand SPEC section 10 promises.
COMPILER: list[Callable[..., Any]] = []


def _changed(policy: Policy, changes: Mapping[str, Any]) -> Policy:
    names = {field.name for field in attrs.fields(type(policy)) if field.init}
    for key in changes:
        if key not in names or key == "id":
            raise UsageError(
                f"override of {policy.id}: {key!r} is not a field of a {policy.kind} policy"
                f"{did_you_mean(str(key), names - {'id'})}"
            )
    try:
        return attrs.evolve(policy, **changes)
    except (TypeError, ValueError) as error:
        raise UsageError(f"override of {policy.id}: {error}") from None


def param_text(value: Any) -> str:
    """A parameter's value as text read by people, for `{params.NAME}`: text as written,
    a whole number without a fraction, a list as its items joined by commas.

    Example:
        >>> param_text("1 month"), param_text(5000000.0), param_text(0.05), param_text(["a", "b"])
        ('1 month', '5000000', '0.05', 'a, b')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(param_text(item) for item in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if value is None:
        return "null"
    return str(value)


def _cycle(roles: Sequence[Role]) -> str | None:
    parents = {role.id: role.reports_to for role in roles}
    for start in parents:
        seen = [start]
        current = parents.get(start)
        while current is not None:
            if current in seen:
                loop = " → ".join([*seen[seen.index(current) :], current])
                return f"the roles chain has a loop: {loop}"
            seen.append(current)
            current = parents.get(current)
    return None


def _params_problems(params: Mapping[str, Any]) -> list[str]:
    """Why `params` cannot reach CEL as `params.NAME` (a set, a 100-digit int, ...), if so."""
    try:
        cel.bindings({"params": dict(params)})
    except CelEvaluationError as error:
        return [f"parameter {error.cel_message}"]
    return []
