"""Policies and frameworks: the six policy kinds, roles, durations and composition.

A framework is a named, versioned set of policies with parameters, definitions (named CEL
expressions) and a chain of accountable roles. Every class here is a frozen attrs class,
validated on construction with messages that say what was expected and what was found;
composing (`Framework.extend`) returns new objects.

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

import calendar
import datetime
import enum
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from accountframe.errors import UsageError, did_you_mean
from accountframe.load.structure import meta, unstructure

if TYPE_CHECKING:
    from accountframe.assessment import Assessment
    from accountframe.compiler.compiler import CompiledFramework
    from accountframe.model import Portfolio

__all__ = [
    "KINDS",
    "Consequence",
    "Duration",
    "Framework",
    "OversightCadence",
    "PersonalResponsibility",
    "Policy",
    "RequiredInformation",
    "Reward",
    "Role",
    "Rule",
    "Sanction",
    "Scope",
    "Severity",
]

POLICY_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARAM_REFERENCE = re.compile(r"params\.([A-Za-z_][A-Za-z0-9_]*)")
_WORDS = re.compile(r"\s*(\d+)\s*(day|week|month|year)s?\s*", re.IGNORECASE)
_ISO = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")

#: Names every expression sees; a definition may not take one of them.
RESERVED = frozenset(
    {"contract", "people", "params", "now", "portfolio", "review", "report", "person",
     "assignment", "findings", "contracts", "true", "false", "null", "in", "has"}
)  # fmt: skip


class Severity(enum.StrEnum):
    """How much a failing finding matters, from `info` to `critical`."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 4 for critical."""
        return _RANK[self]


_RANK = {severity: rank for rank, severity in enumerate(Severity)}


class Scope(enum.StrEnum):
    """What a policy is evaluated for: each contract, or each person."""

    CONTRACT = "contract"
    PERSON = "person"


@attrs.frozen
class Duration:
    """A span of calendar time: whole months (a year is 12) and days (a week is 7).

    Months are calendar arithmetic, clamped to the month's end: 31 January plus one month is
    the last day of February.

    Example:
        >>> d = Duration.parse("1 month")
        >>> d.after(datetime.date(2026, 1, 31))
        datetime.date(2026, 2, 28)
        >>> Duration.parse("P1Y2W").before(datetime.date(2024, 2, 29))
        datetime.date(2023, 2, 14)
    """

    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read `N day(s)|week(s)|month(s)|year(s)` or an ISO 8601 date duration (`P1M`).

        Raises:
            ValueError: with what was expected and what was found.
        """
        if isinstance(text, str):
            words = _WORDS.fullmatch(text)
            if words:
                number, unit = int(words.group(1)), words.group(2).lower()
                return {
                    "day": cls(days=number),
                    "week": cls(days=7 * number),
                    "month": cls(months=number),
                    "year": cls(months=12 * number),
                }[unit]
            iso = _ISO.fullmatch(text.strip())
            if iso and text.strip() != "P":
                years, months, weeks, days = (int(part or 0) for part in iso.groups())
                return cls(months=12 * years + months, days=7 * weeks + days)
        raise ValueError(
            f"expected a duration like '30 days', '2 weeks', '1 month', '1 year' or 'P1M' "
            f"(got {text!r})"
        )

    def after(self, date: datetime.date) -> datetime.date:
        """`date` plus this duration: months first (clamped to the month's end), then days.

        A result beyond the calendar is clamped to its last day, 9999-12-31 (and, for a negative
        duration, its first): a due date that far away is simply never reached.

        >>> Duration.parse("9000 years").after(datetime.date(2026, 11, 25))
        datetime.date(9999, 12, 31)
        """
        return _shift(date, self.months, self.days)

    def before(self, date: datetime.date) -> datetime.date:
        """`date` minus this duration: months first (clamped), then days; clamped as `after`."""
        return _shift(date, -self.months, -self.days)

    def __str__(self) -> str:
        parts = []
        if self.months:
            years, months = divmod(self.months, 12)
            if years:
                parts.append(f"{years} year{'s' * (years != 1)}")
            if months:
                parts.append(f"{months} month{'s' * (months != 1)}")
        if self.days or not parts:
            parts.append(f"{self.days} day{'s' * (self.days != 1)}")
        return " ".join(parts)


def _params_problems(params: Mapping[str, Any]) -> list[str]:
    """Why `params` cannot reach CEL as `params.NAME` (a set, a 100-digit int, ...), if so."""
    from accountframe import cel
    from accountframe.errors import CelEvaluationError

    try:
        cel.bindings({"params": dict(params)})
    except CelEvaluationError as error:
        return [f"parameter {error.cel_message}"]
    return []


@functools.lru_cache(maxsize=8192)
def _shift(date: datetime.date, months: int, days: int) -> datetime.date:
    """`date` moved by months, then days, clamped to the calendar (date.min, date.max).

    Kept for the last few thousand (date, months, days): an assessment works out the same due
    dates for many contracts (about 1.5 µs each, a tenth of that when kept).
    """
    try:
        moved = _add_months(date, months)
    except OverflowError:
        return datetime.date.max if months > 0 else datetime.date.min
    try:
        return moved + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


def _add_months(date: datetime.date, months: int) -> datetime.date:
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise OverflowError(f"{date.isoformat()} {months:+d} months is out of range")
    day = date.day
    if day > 28:  # the month may be shorter: clamp to its last day
        day = min(day, calendar.monthrange(year, month + 1)[1])
    return datetime.date(year, month + 1, day)


def duration_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validator: a duration, or a `params.NAME` reference resolved when compiling."""
    if value is None and attribute.default is None:
        return
    if isinstance(value, str) and _PARAM_REFERENCE.fullmatch(value.strip()):
        return
    try:
        Duration.parse(value)
    except ValueError as error:
        raise ValueError(f"'{attribute.name}' {error}".replace("expected", "must be", 1)) from None


def param_reference(text: str) -> str | None:
    """The parameter name of a `params.NAME` reference, or None."""
    match = _PARAM_REFERENCE.fullmatch(text.strip())
    return match.group(1) if match else None


def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        raise ValueError(f"'{attribute.name}' must be text (got {value!r})")


def _nonempty_line(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _text(instance, attribute, value)
    if not value.strip():
        raise ValueError(f"'{attribute.name}' must not be empty")
    if "\n" in value.strip():
        raise ValueError(f"'{attribute.name}' must be one line (got {value!r})")


def _optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _text(instance, attribute, value)


def _policy_id(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not POLICY_ID.fullmatch(value):
        raise ValueError(
            f"'id' must start with a letter and use only letters, digits, '_', '.' and '-' "
            f"(got {value!r})"
        )


def _enum_converter(kind: type[enum.StrEnum], name: str) -> Any:
    def convert(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            hint = did_you_mean(value, [m.value for m in kind]) if isinstance(value, str) else ""
            raise ValueError(f"'{name}' must be one of {allowed} (got {value!r}){hint}") from None

    return convert


def _to_severity(value: Any) -> Severity:
    result: Severity = _enum_converter(Severity, "severity")(value)
    return result


def _to_scope(value: Any) -> Scope:
    result: Scope = _enum_converter(Scope, "scope")(value)
    return result


def _tags(value: Iterable[Any]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise ValueError(f"'tags' must be a list of text (got {value!r})")
    tags = tuple(value)
    if not all(isinstance(tag, str) and tag for tag in tags):
        raise ValueError(f"'tags' must be a list of non-empty text (got {list(tags)!r})")
    return tags


@attrs.frozen(kw_only=True)
class Policy:
    """What every policy has (SPEC section 4). Build one of the six kinds, not this class."""

    kind: ClassVar[str] = ""
    #: Names of the fields holding CEL expressions, with the result type each must give.
    expressions: ClassVar[dict[str, str]] = {"applies_to": "bool", "message": "string"}
    #: Names of the fields holding durations.
    durations: ClassVar[tuple[str, ...]] = ()

    id: str = attrs.field(validator=_policy_id, metadata=meta("Unique id, e.g. CAD-GOLD-SRO."))
    title: str = attrs.field(validator=_nonempty_line, metadata=meta("One line, read by people."))
    rationale: str = attrs.field(
        default="", validator=_text, metadata=meta("Why the policy exists; shown in docs.")
    )
    source: str = attrs.field(
        default="", validator=_text, metadata=meta("Citation: report, paragraph, standard.")
    )
    severity: Severity = attrs.field(
        default=Severity.MEDIUM,
        converter=_to_severity,
        metadata=meta("info, low, medium, high or critical."),
    )
    accountable: str | None = attrs.field(
        default=None,
        validator=_optional_text,
        metadata=meta("Role that owns the finding (default sro; see the kind)."),
    )
    scope: Scope = attrs.field(
        default=Scope.CONTRACT,
        converter=_to_scope,
        metadata=meta("contract (default) or person (rule, sanction, reward only)."),
    )
    applies_to: str = attrs.field(
        default="true", validator=_text, metadata=meta("CEL bool; false gives not_applicable.")
    )
    message: str | None = attrs.field(
        default=None, validator=_optional_text, metadata=meta("CEL string replacing the message.")
    )
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags, metadata=meta("Free labels."))

    def __attrs_post_init__(self) -> None:
        if self.scope is Scope.PERSON and self.kind not in ("rule", "sanction", "reward"):
            raise ValueError(
                f"'scope: person' is only for rule, sanction and reward policies (got it on "
                f"a {self.kind} policy)"
            )

    def default_accountable(self, roles: Sequence[Role]) -> str:
        """The role that owns this policy's findings when `accountable` is not given."""
        if self.accountable is not None:
            return self.accountable
        return "accounting_officer" if self.scope is Scope.PERSON else "sro"


@attrs.frozen(kw_only=True)
class OversightCadence(Policy):
    """Senior review at a set frequency: a qualifying review at least every `every`."""

    kind: ClassVar[str] = "oversight_cadence"
    expressions: ClassVar[dict[str, str]] = {**Policy.expressions, "counts_if": "bool"}
    durations: ClassVar[tuple[str, ...]] = ("every", "grace", "warn_before")

    every: str = attrs.field(validator=duration_text, metadata=meta("How often, e.g. 1 month."))
    counts_if: str = attrs.field(
        default="true", validator=_text, metadata=meta("CEL bool over `review`: does it count?")
    )
    grace: str = attrs.field(
        default="0 days", validator=duration_text, metadata=meta("Late but not yet failing.")
    )
    warn_before: str = attrs.field(
        default="0 days", validator=duration_text, metadata=meta("Warn this long before due.")
    )


@attrs.frozen(kw_only=True)
class RequiredInformation(Policy):
    """Information received, fresh and complete: a report of a kind no older than `max_age`."""

    kind: ClassVar[str] = "required_information"
    expressions: ClassVar[dict[str, str]] = {
        **Policy.expressions,
        "counts_if": "bool",
        "require": "bool",
    }
    durations: ClassVar[tuple[str, ...]] = ("max_age", "grace", "warn_before")

    report: str = attrs.field(
        validator=_nonempty_line, metadata=meta("The report kind, e.g. performance.")
    )
    max_age: str = attrs.field(validator=duration_text, metadata=meta("Freshness, e.g. 45 days."))
    require: str | None = attrs.field(
        default=None,
        validator=_optional_text,
        metadata=meta("CEL bool over `report`, the latest of its kind."),
    )
    counts_if: str = attrs.field(
        default="true", validator=_text, metadata=meta("CEL bool over `report`: does it count?")
    )
    grace: str = attrs.field(
        default="0 days", validator=duration_text, metadata=meta("Late but not yet failing.")
    )
    warn_before: str = attrs.field(
        default="0 days", validator=duration_text, metadata=meta("Warn this long before due.")
    )


@attrs.frozen(kw_only=True)
class PersonalResponsibility(Policy):
    """A named, eligible person holds a role on the contract."""

    kind: ClassVar[str] = "personal_responsibility"
    expressions: ClassVar[dict[str, str]] = {**Policy.expressions, "eligible": "bool"}
    durations: ClassVar[tuple[str, ...]] = ("max_vacancy",)

    role: str = attrs.field(
        validator=_nonempty_line, metadata=meta("The role that must be held, e.g. sro.")
    )
    eligible: str | None = attrs.field(
        default=None,
        validator=_optional_text,
        metadata=meta("CEL bool over `person` and `assignment`."),
    )
    max_vacancy: str = attrs.field(
        default="0 days",
        validator=duration_text,
        metadata=meta("How long the role may stand empty before it fails."),
    )

    def default_accountable(self, roles: Sequence[Role]) -> str:
        """The role that `role` reports to (the holder cannot own their own absence)."""
        if self.accountable is not None:
            return self.accountable
        reports_to = {role.id: role.reports_to for role in roles}
        return reports_to.get(self.role) or "accounting_officer"


@attrs.frozen(kw_only=True)
class Rule(Policy):
    """Anything else: `require` true passes, false fails."""

    kind: ClassVar[str] = "rule"
    expressions: ClassVar[dict[str, str]] = {**Policy.expressions, "require": "bool"}

    require: str = attrs.field(validator=_text, metadata=meta("CEL bool: true passes."))


@attrs.frozen(kw_only=True)
class Consequence(Policy):
    """A sanction or reward: due when `trigger` holds, evaluated after every other policy."""

    expressions: ClassVar[dict[str, str]] = {
        **Policy.expressions,
        "trigger": "bool",
        "amount": "double",
        "applied_if": "bool",
    }
    durations: ClassVar[tuple[str, ...]] = ("within",)
    effect: ClassVar[str] = ""

    trigger: str = attrs.field(
        validator=_text, metadata=meta("CEL bool over `findings`: is it due?")
    )
    action: str = attrs.field(
        validator=_nonempty_line, metadata=meta("What must happen, in words.")
    )
    amount: str | None = attrs.field(
        default=None, validator=_optional_text, metadata=meta("CEL double, e.g. a service credit.")
    )
    applied_if: str | None = attrs.field(
        default=None,
        validator=_optional_text,
        metadata=meta("CEL bool: does the data record it as done?"),
    )
    within: str | None = attrs.field(
        default=None,
        validator=duration_text,
        metadata=meta("How long after the assessment it must be applied."),
    )


@attrs.frozen(kw_only=True)
class Sanction(Consequence):
    """A sanction: what happens when oversight fails."""

    kind: ClassVar[str] = "sanction"
    effect: ClassVar[str] = "sanction"


@attrs.frozen(kw_only=True)
class Reward(Consequence):
    """A reward: what good oversight earns."""

    kind: ClassVar[str] = "reward"
    effect: ClassVar[str] = "reward"


#: Policy kind name → class.
KINDS: dict[str, type[Policy]] = {
    cls.kind: cls
    for cls in (OversightCadence, RequiredInformation, PersonalResponsibility, Rule, Sanction,
                Reward)
}  # fmt: skip


@attrs.frozen
class Role:
    """A role in the accountability chain; an unfilled role falls back to `reports_to`."""

    id: str = attrs.field(validator=_nonempty_line, metadata=meta("Role id, e.g. sro."))
    title: str | None = attrs.field(
        default=None, validator=_optional_text, metadata=meta("Name shown to people.")
    )
    reports_to: str | None = attrs.field(
        default=None, validator=_optional_text, metadata=meta("The role above it.")
    )


def _roles(value: Iterable[Role | str]) -> tuple[Role, ...]:
    return tuple(Role(item) if isinstance(item, str) else item for item in value)


def _definitions(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


def _policies(value: Iterable[Policy]) -> tuple[Policy, ...]:
    return tuple(value)


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


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
        params: Values usable as `params.NAME` in CEL and in duration fields.
        definitions: Named CEL expressions (contract scope), evaluated in order.
        roles: The accountability chain.
        policies: The policies, in evaluation and report order.
        extends: What this framework was built from (name and version), if anything.
        overridden: Ids of inherited policies this framework changed.
        removed: Inherited policies this framework removed, with reasons.
    """

    name: str = attrs.field(validator=_nonempty_line)
    version: str = attrs.field(validator=_nonempty_line)
    title: str = attrs.field(default="", validator=_text)
    description: str = attrs.field(default="", validator=_text)
    params: dict[str, Any] = attrs.field(factory=dict, converter=dict)
    definitions: dict[str, str] = attrs.field(factory=dict, converter=_definitions)
    roles: tuple[Role, ...] = attrs.field(default=(), converter=_roles)
    policies: tuple[Policy, ...] = attrs.field(default=(), converter=_policies)
    extends: str | None = attrs.field(default=None, validator=_optional_text)
    overridden: tuple[str, ...] = attrs.field(default=(), converter=_ids)
    removed: tuple[Removal, ...] = attrs.field(default=(), converter=_removals)
    #: Where each value came from, for messages: ("policies", id, field) → (Location, indent).
    sources: Mapping[tuple[str, ...], Any] = attrs.field(
        factory=dict, eq=False, repr=False, converter=_sources
    )

    def __attrs_post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))

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
        for name in self.params:
            if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
                found.append(f"parameter name {name!r} must be an identifier like review_every")
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
            "definitions": dict(self.definitions),
            "roles": [unstructure(role) for role in self.roles],
            "policies": [{"kind": p.kind, **unstructure(p)} for p in self.policies],
            "overridden": list(self.overridden),
            "removed": [unstructure(removal) for removal in self.removed],
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
        roles: Iterable[Role] | None = None,
        policies: Iterable[Policy] = (),
        override: Mapping[str, Mapping[str, Any]] | None = None,
        remove: Iterable[str | tuple[str, str] | Removal] = (),
    ) -> Framework:
        """A new framework built on this one; this one is unchanged.

        Args:
            name: The new framework's name.
            version: Its version (default: this one's).
            title: Its title (default: this one's).
            description: Its description (default: this one's).
            params: Parameters to add or replace.
            definitions: Definitions to add or replace (new ones come after inherited ones).
            roles: Roles to add or replace, by id.
            policies: New policies, appended after the inherited ones.
            override: Inherited policy id → fields to change, e.g. `{"severity": "critical"}`.
            remove: Inherited policy ids to remove, or (id, reason) pairs.

        Raises:
            UsageError: an override or removal names no inherited policy, or an override
                names a field the policy does not have or gives it an invalid value.
        """
        inherited = list(self.policies)
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
                roles=role_list,
                policies=[p for p in inherited if p.id not in gone] + list(policies),
                extends=f"{self.name} {self.version}",
                overridden=[policy_id for policy_id in overridden if policy_id not in gone],
                removed=removals,
                sources=self.sources,
            )
        except ValueError as error:
            raise UsageError(f"extend: {error}") from None

    # -- running ----------------------------------------------------------------------------

    @functools.cached_property
    def compiled(self) -> CompiledFramework:
        """The framework compiled once for the default engine: every CEL program built."""
        return self.compile()

    @functools.cached_property
    def _compiled_by_engine(self) -> dict[str, CompiledFramework]:
        return {}

    def compile(self, engine: str | None = None) -> CompiledFramework:
        """The framework compiled for a CEL engine, once per engine (later calls reuse it).

        Args:
            engine: `"accountframe"` or `"celpy"`; default `accountframe.cel.DEFAULT_ENGINE`.

        Raises:
            FrameworkError: every problem of the framework.
            UsageError: an unknown engine.
        """
        from accountframe.compiler.compiler import check_engine, compile_framework

        name = check_engine(engine)
        compiled = self._compiled_by_engine.get(name)
        if compiled is None:
            compiled = self._compiled_by_engine.setdefault(
                name, compile_framework(self, engine=name)
            )
        return compiled

    def evaluate(
        self,
        portfolio: Portfolio,
        as_of: datetime.date | None = None,
        *,
        engine: str | None = None,
        workers: int = 1,
    ) -> Assessment:
        """Assess a portfolio as of a date (default: the portfolio's `as_of`, else today).

        Args:
            portfolio: The facts.
            as_of: The assessment date.
            engine: The CEL engine (see `compile`); the same findings either way.
            workers: Worker processes for large portfolios; 1 (the default) starts none. The
                output is byte-identical whatever the number.

        Raises:
            UsageError: an unknown engine, or `workers` not a positive int.
        """
        return self.compile(engine).evaluate(portfolio, as_of=as_of, workers=workers)


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
