"""The six policy kinds (SPEC section 4), with what every policy has, severities and scopes.

Every class is a frozen attrs class, validated on construction with messages that say what was
expected and what was found. A new kind is a subclass of `Policy` (or `Consequence`) listed in
`KINDS`; the compiler types its expression fields from `expressions`, and the evaluation stage
gives it a judge (`accountframe.evaluation.judges`).

Example:
    >>> cadence = OversightCadence(id="CAD-1", title="SRO reviews gold contracts monthly",
    ...                            applies_to='contract.tier == "gold"', every="1 month")
    >>> cadence.kind, cadence.severity, cadence.durations
    ('oversight_cadence', <Severity.MEDIUM: 'medium'>, ('every', 'grace', 'warn_before'))
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from accountframe.errors import did_you_mean
from accountframe.framework.duration import Duration, duration_text
from accountframe.framework.periods import Periods, to_periods
from accountframe.load.fields import meta

if TYPE_CHECKING:
    from accountframe.framework.framework import Role

__all__ = [
    "IDENTIFIER",
    "KINDS",
    "POLICY_ID",
    "RESERVED",
    "Basis",
    "Consequence",
    "OversightCadence",
    "PersonalResponsibility",
    "Policy",
    "RequiredInformation",
    "Reward",
    "Rule",
    "Sanction",
    "Scope",
    "Severity",
    "duration_texts",
    "nonempty_line",
    "optional_text",
    "text",
]

POLICY_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

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


class Basis(enum.StrEnum):
    """What a policy or a parameter rests on: the kind of source that says it.

    `proposed` is a number or rule this framework proposes where no source gives one (its
    `rationale` says why it is a sensible default).

    Example:
        >>> Basis("statute"), Basis.PROPOSED.value
        (<Basis.STATUTE: 'statute'>, 'proposed')
    """

    STATUTE = "statute"
    REGULATION = "regulation"
    GUIDANCE = "guidance"
    RECOMMENDATION = "recommendation"
    PROPOSED = "proposed"


class Scope(enum.StrEnum):
    """What a policy is evaluated for: each contract, each person, or the organisation once."""

    CONTRACT = "contract"
    PERSON = "person"
    ORGANISATION = "organisation"


def text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        raise ValueError(f"'{attribute.name}' must be text (got {value!r})")


def nonempty_line(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    text(instance, attribute, value)
    if not value.strip():
        raise ValueError(f"'{attribute.name}' must not be empty")
    if "\n" in value.strip():
        raise ValueError(f"'{attribute.name}' must be one line (got {value!r})")


def optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        text(instance, attribute, value)


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


def to_basis(value: Any) -> Basis | None:
    """A basis from its name (None stays None), or a ValueError that names the choices.

    Example:
        >>> to_basis("guidance"), to_basis(None)
        (<Basis.GUIDANCE: 'guidance'>, None)
        >>> to_basis("statue")
        Traceback (most recent call last):
        ...
        ValueError: 'basis' must be one of statute, regulation, guidance, recommendation, proposed (got 'statue') (did you mean 'statute'?)
    """  # noqa: E501 - doctest output is one line
    if value is None:
        return None
    result: Basis = _enum_converter(Basis, "basis")(value)
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


def _exposure() -> Any:
    """The `exposure` field of the four kinds that give findings."""
    return attrs.field(
        default=None,
        validator=optional_text,
        metadata=meta(
            "CEL double: the money at stake in a warn or fail (or waived) finding, in the "
            "contract's currency (the portfolio's for person scope)."
        ),
    )


@attrs.frozen(kw_only=True)
class Policy:
    """What every policy has (SPEC section 4). Build one of the six kinds, not this class."""

    kind: ClassVar[str] = ""
    #: Names of the fields holding CEL expressions, with the result type each must give.
    expressions: ClassVar[dict[str, str]] = {
        "applies_to": "bool",
        "message": "string",
        "pass_message": "string",
    }
    #: Names of the fields holding durations.
    durations: ClassVar[tuple[str, ...]] = ()

    id: str = attrs.field(validator=_policy_id, metadata=meta("Unique id, e.g. CAD-GOLD-SRO."))
    title: str = attrs.field(validator=nonempty_line, metadata=meta("One line, read by people."))
    rationale: str = attrs.field(
        default="", validator=text, metadata=meta("Why the policy exists; shown in docs.")
    )
    source: str = attrs.field(
        default="", validator=text, metadata=meta("Citation: report, paragraph, standard.")
    )
    severity: Severity = attrs.field(
        default=Severity.MEDIUM,
        converter=_to_severity,
        metadata=meta("info, low, medium, high or critical."),
    )
    accountable: str | None = attrs.field(
        default=None,
        validator=optional_text,
        metadata=meta("Role that owns the finding (default sro; see the kind)."),
    )
    scope: Scope = attrs.field(
        default=Scope.CONTRACT,
        converter=_to_scope,
        metadata=meta(
            "contract (default), person (rule, sanction, reward only) or organisation (one "
            "subject: the organisation)."
        ),
    )
    applies_to: str = attrs.field(
        default="true", validator=text, metadata=meta("CEL bool; false gives not_applicable.")
    )
    message: str | None = attrs.field(
        default=None,
        validator=optional_text,
        metadata=meta("CEL string replacing the message of a warn or fail (or a due consequence)."),
    )
    pass_message: str | None = attrs.field(
        default=None,
        validator=optional_text,
        metadata=meta("CEL string replacing the message of a pass."),
    )
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags, metadata=meta("Free labels."))
    basis: Basis | None = attrs.field(
        default=None,
        converter=to_basis,
        metadata=meta(
            "What the policy rests on: statute, regulation, guidance, recommendation or "
            "proposed (no source gives it; this framework proposes it)."
        ),
    )

    def __attrs_post_init__(self) -> None:
        if self.scope is Scope.PERSON and self.kind not in ("rule", "sanction", "reward"):
            raise ValueError(
                f"'scope: person' is only for rule, sanction and reward policies (got it on "
                f"a {self.kind} policy)"
            )
        if self.pass_message is not None and self.kind in ("sanction", "reward"):
            raise ValueError(
                f"'pass_message' is for policies that give findings; a {self.kind} has no pass "
                "(its 'message' replaces the message of a due or applied one)"
            )

    def default_accountable(self, roles: Sequence[Role]) -> str:
        """The role that owns this policy's findings when `accountable` is not given."""
        if self.accountable is not None:
            return self.accountable
        return "sro" if self.scope is Scope.CONTRACT else "accounting_officer"


def _sets_a_span(text: str) -> bool:
    """Whether a duration field's text sets a span (a `params.NAME` reference always may)."""
    try:
        return Duration.parse(text) != Duration()
    except ValueError:
        return True


def _one_of(policy: OversightCadence | RequiredInformation) -> None:
    """Exactly one of the rolling duration (`every`, `max_age`) and `periods`."""
    rolling = policy.rolling
    given = getattr(policy, rolling) is not None
    if given == (policy.periods is not None):
        said = "both" if given else "neither"
        raise ValueError(
            f"give exactly one of '{rolling}' (a rolling period) and 'periods' (fixed period "
            f"ends) (got {said})"
        )


@attrs.frozen(kw_only=True)
class OversightCadence(Policy):
    """Senior review at a set frequency: a qualifying review at least every `every`.

    With `periods` in place of `every` (fixed-period deadlines): `base` = the date of the latest
    qualifying review (for a contract, not before `contract.start`), else `contract.start`; with
    neither (e.g. at organisation scope) the finding fails with no due date. `period_end` = the
    first period end strictly after `base` (a review dated on a period end counts for the
    period that ends that day); `due` = `period_end` + `within`. Status: `pass` if
    as_of <= due - warn_before; `warn` if due - warn_before < as_of <= due + grace; `fail` if
    as_of > due + grace. The evidence adds `period_end`.

    Example:
        >>> policy = OversightCadence(id="X-1", title="Twice a year", periods={"ends": ["03-31", "09-30"], "within": "30 days"})
        >>> policy.periods.ends, policy.every
        (('03-31', '09-30'), None)
    """  # noqa: E501 - doctest input is one line

    kind: ClassVar[str] = "oversight_cadence"
    expressions: ClassVar[dict[str, str]] = {
        **Policy.expressions,
        "counts_if": "bool",
        "exposure": "double",
    }
    durations: ClassVar[tuple[str, ...]] = ("every", "grace", "warn_before")
    #: The rolling duration field that `periods` stands in place of.
    rolling: ClassVar[str] = "every"

    every: str | None = attrs.field(
        default=None,
        validator=duration_text,
        metadata=meta("How often, e.g. 1 month (or give `periods`)."),
    )
    counts_if: str = attrs.field(
        default="true", validator=text, metadata=meta("CEL bool over `review`: does it count?")
    )
    grace: str = attrs.field(
        default="0 days", validator=duration_text, metadata=meta("Late but not yet failing.")
    )
    warn_before: str = attrs.field(
        default="0 days", validator=duration_text, metadata=meta("Warn this long before due.")
    )
    exposure: str | None = _exposure()
    periods: Periods | None = attrs.field(
        default=None,
        converter=to_periods,
        metadata=meta(
            "Fixed periods in place of `every`: `ends` (MM-DD, every year) and `within` "
            "(due that long after each period end)."
        ),
    )

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        _one_of(self)


@attrs.frozen(kw_only=True)
class RequiredInformation(Policy):
    """Information received, fresh and complete: a report of a kind no older than `max_age`.

    With `periods` in place of `max_age` (fixed-period deadlines): `base` = the `received` date
    of the latest qualifying report (for a contract, not before `contract.start`), else
    `contract.start`; with neither (e.g. at organisation scope) the finding fails with no due
    date. `period_end` = the first period end strictly after `base` (a report received on a
    period end counts for the period that ends that day); `due` = `period_end` + `within`.
    Status: `pass` if as_of <= due - warn_before; `warn` if due - warn_before < as_of <= due +
    grace; `fail` if as_of > due + grace. The evidence adds `period_end`.

    Example:
        >>> policy = RequiredInformation(id="X-1", title="Twice a year", report="notice", periods={"ends": ["03-31", "09-30"], "within": "30 days"})
        >>> policy.periods.ends, policy.max_age
        (('03-31', '09-30'), None)
    """  # noqa: E501 - doctest input is one line

    kind: ClassVar[str] = "required_information"
    expressions: ClassVar[dict[str, str]] = {
        **Policy.expressions,
        "counts_if": "bool",
        "require": "bool",
        "exposure": "double",
    }
    durations: ClassVar[tuple[str, ...]] = ("max_age", "grace", "warn_before")
    #: The rolling duration field that `periods` stands in place of.
    rolling: ClassVar[str] = "max_age"

    report: str = attrs.field(
        validator=nonempty_line, metadata=meta("The report kind, e.g. performance.")
    )
    max_age: str | None = attrs.field(
        default=None,
        validator=duration_text,
        metadata=meta("Freshness, e.g. 45 days (or give `periods`)."),
    )
    require: str | None = attrs.field(
        default=None,
        validator=optional_text,
        metadata=meta("CEL bool over `report`, the latest of its kind."),
    )
    counts_if: str = attrs.field(
        default="true", validator=text, metadata=meta("CEL bool over `report`: does it count?")
    )
    grace: str = attrs.field(
        default="0 days", validator=duration_text, metadata=meta("Late but not yet failing.")
    )
    warn_before: str = attrs.field(
        default="0 days", validator=duration_text, metadata=meta("Warn this long before due.")
    )
    exposure: str | None = _exposure()
    periods: Periods | None = attrs.field(
        default=None,
        converter=to_periods,
        metadata=meta(
            "Fixed periods in place of `max_age`: `ends` (MM-DD, every year) and `within` "
            "(due that long after each period end)."
        ),
    )

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        _one_of(self)


@attrs.frozen(kw_only=True)
class PersonalResponsibility(Policy):
    """A named, eligible person holds a role on the contract."""

    kind: ClassVar[str] = "personal_responsibility"
    expressions: ClassVar[dict[str, str]] = {
        **Policy.expressions,
        "eligible": "bool",
        "exposure": "double",
    }
    durations: ClassVar[tuple[str, ...]] = ("max_vacancy",)

    role: str = attrs.field(
        validator=nonempty_line, metadata=meta("The role that must be held, e.g. sro.")
    )
    eligible: str | None = attrs.field(
        default=None,
        validator=optional_text,
        metadata=meta("CEL bool over `person` and `assignment`."),
    )
    max_vacancy: str = attrs.field(
        default="0 days",
        validator=duration_text,
        metadata=meta("How long the role may stand empty before it fails."),
    )
    exposure: str | None = _exposure()

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.scope is Scope.ORGANISATION and _sets_a_span(self.max_vacancy):
            raise ValueError(
                "'max_vacancy' cannot be used with 'scope: organisation': an organisation role "
                "(portfolio.roles) has a holder but no assignment history, so there is no "
                "vacancy to time (no holder fails at once)"
            )

    def default_accountable(self, roles: Sequence[Role]) -> str:
        """The role that `role` reports to (the holder cannot own their own absence); at
        organisation scope, `accounting_officer`."""
        if self.accountable is not None:
            return self.accountable
        if self.scope is Scope.ORGANISATION:  # an organisation role: as any organisation policy
            return "accounting_officer"
        reports_to = {role.id: role.reports_to for role in roles}
        return reports_to.get(self.role) or "accounting_officer"


@attrs.frozen(kw_only=True)
class Rule(Policy):
    """Anything else: `require` true passes, false fails."""

    kind: ClassVar[str] = "rule"
    expressions: ClassVar[dict[str, str]] = {
        **Policy.expressions,
        "require": "bool",
        "due": "timestamp",
        "exposure": "double",
    }

    require: str = attrs.field(validator=text, metadata=meta("CEL bool: true passes."))
    due: str | None = attrs.field(
        default=None,
        validator=optional_text,
        metadata=meta(
            "CEL timestamp: by when the rule must next be met (the finding's due date; scheduled)."
        ),
    )
    exposure: str | None = _exposure()


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
        validator=text, metadata=meta("CEL bool over `findings`: is it due?")
    )
    action: str = attrs.field(validator=nonempty_line, metadata=meta("What must happen, in words."))
    amount: str | None = attrs.field(
        default=None, validator=optional_text, metadata=meta("CEL double, e.g. a service credit.")
    )
    applied_if: str | None = attrs.field(
        default=None,
        validator=optional_text,
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


def duration_texts(policy: Policy) -> dict[str, str]:
    """Every duration a policy sets, as written, by field: its duration fields, and for a
    fixed-period policy `periods.within`.

    Example:
        >>> duration_texts(OversightCadence(id="C", title="t", periods={"ends": ["03-31"],
        ...                                                          "within": "params.days"}))
        {'grace': '0 days', 'warn_before': '0 days', 'periods.within': 'params.days'}
    """
    texts = {
        field: value
        for field in type(policy).durations
        if isinstance(value := getattr(policy, field, None), str)
    }
    periods = getattr(policy, "periods", None)
    if isinstance(periods, Periods):
        texts["periods.within"] = periods.within
    return texts


#: Policy kind name → class.
KINDS: dict[str, type[Policy]] = {
    cls.kind: cls
    for cls in (OversightCadence, RequiredInformation, PersonalResponsibility, Rule, Sanction,
                Reward)
}  # fmt: skip
