"""The typed CEL environment of each expression field, derived from the model (SPEC section 5).

The record types are built by walking the portfolio's attrs classes with `fields_of`, so the
model is the one source of truth: add a field to `Review` and `review.<field>` type-checks. The
mapping from Python annotations to CEL types follows `Contract.view`/`plain`: dates are
timestamps, `float` is double, enums are strings, tuples are lists, `Mapping[str, str]` is
`map(string, string)` and any other mapping (`attributes`, `figures`) is a free map of `dyn`.
`Contract` also gets the derived views (`accountable`, `latest`, `last_review`, `spent`), typed
from the return annotations of the methods that compute them.

Example:
    >>> print(CONTRACT.fields["latest"])
    map(string, report)
    >>> print(REPORT.fields["kpis"], REPORT.fields["figures"])
    list(kpi) map(string, dyn)
    >>> env = Environment(params={"limit": 3})
    >>> sorted(env.variables(scope="person"))
    ['contracts', 'now', 'params', 'people', 'person', 'portfolio']
"""

from __future__ import annotations

import datetime
import enum
import typing
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from accountframe.cel.types import (
    BOOL,
    DOUBLE,
    DYN,
    INT,
    STRING,
    TIMESTAMP,
    Type,
    list_of,
    map_of,
    record,
)
from accountframe.framework.policies import (
    Consequence,
    OversightCadence,
    PersonalResponsibility,
    Policy,
    RequiredInformation,
    Scope,
)
from accountframe.load.fields import fields_of
from accountframe.model import (
    KPI,
    AppliedConsequence,
    Assignment,
    Contract,
    KeyDate,
    Person,
    Portfolio,
    Report,
    Review,
)

__all__ = [
    "CONTRACT",
    "DERIVED",
    "FINDING",
    "ORGANISATION",
    "ORGANISATION_ASSIGNMENT",
    "PERSON",
    "PORTFOLIO",
    "REPORT",
    "Environment",
    "cel_type",
    "reference_table",
]

# Record names in messages, where the class name is not what authors write.
_NAMES = {KPI: "kpi", AppliedConsequence: "consequence", KeyDate: "key_date"}

#: The contract's derived views (`Contract.view`), each typed by its method's return annotation.
DERIVED = ("accountable", "latest", "last_review", "spent")

_SCALARS: dict[Any, Type] = {
    str: STRING,
    bool: BOOL,
    int: INT,
    float: DOUBLE,
    datetime.date: TIMESTAMP,
}


def cel_type(annotation: Any) -> Type:
    """The CEL type of a model field's (resolved) annotation; `dyn` for anything else.

    Example:
        >>> print(cel_type(tuple[str, ...]), cel_type(datetime.date | None))
        list(string) timestamp
    """
    args = typing.get_args(annotation)
    if type(None) in args and len(args) == 2:
        annotation = next(arg for arg in args if arg is not type(None))  # optional: its type
        args = typing.get_args(annotation)
    if attrs.has(annotation):
        return _record(annotation)
    origin = typing.get_origin(annotation)
    if origin is tuple or origin is list:
        return list_of(cel_type(args[0]))
    if origin in (dict, Mapping) or annotation is dict:
        value = args[1] if len(args) == 2 else Any
        # Role and person ids, and the derived views' records, are typed; free maps are dyn.
        return map_of(STRING, cel_type(value) if value is str or attrs.has(value) else DYN)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return STRING
    return _SCALARS.get(annotation, DYN)


def _record(cls: type, extra: Iterable[tuple[str, Type]] = ()) -> Type:
    fields = {
        str(field.metadata.get("key") or field.name): cel_type(annotation)
        for field, annotation in fields_of(cls)
    }
    fields.update(extra)
    return record(_NAMES.get(cls, cls.__name__.lower()), fields)


def _derived() -> list[tuple[str, Type]]:
    return [
        (name, cel_type(typing.get_type_hints(getattr(Contract, name))["return"]))
        for name in DERIVED
    ]


#: `contract`: the contract's fields plus the derived views.
CONTRACT = _record(Contract, _derived())
PERSON = _record(Person)
REPORT = _record(Report)
REVIEW = _record(Review)
#: `portfolio`: the organisation, its role holders and the assessment date.
PORTFOLIO = record(
    "portfolio",
    {
        name: cel_type(annotation)
        for field, annotation in fields_of(Portfolio)
        if (name := field.name) in ("organisation", "roles", "as_of")
    },
)
#: `organisation` at organisation scope: the body's name, its own reports and reviews (dated
#: on or before as_of) with their views, and its role holders (`portfolio.roles`).
ORGANISATION = record(
    "organisation",
    {
        "name": STRING,
        "reports": list_of(REPORT),
        "reviews": list_of(REVIEW),
        "latest": map_of(STRING, REPORT),
        "last_review": map_of(STRING, REVIEW),
        "roles": map_of(STRING, STRING),
    },
)
#: `assignment` in `eligible` at organisation scope: an organisation role and its holder (an
#: organisation role has no dates: `portfolio.roles` names only who holds it).
ORGANISATION_ASSIGNMENT = record("organisation_assignment", {"role": STRING, "person": STRING})
#: An element of `findings` (`evaluate._finding_value`).
FINDING = record(
    "finding",
    {
        "policy": STRING,
        "kind": STRING,
        "status": STRING,
        "severity": STRING,
        "tags": list_of(STRING),
        "subject": STRING,
        "subject_type": STRING,
        "accountable": STRING,
        "evidence": map_of(STRING, DYN),
        # With a look-back only (SPEC section 13; reading them without one is an error).
        "since": TIMESTAMP,
        "days_in_status": INT,
        # Only when the finding has one (test it with has()).
        "exposure": DOUBLE,
    },
)

_KIND_VARIABLES: dict[tuple[type, str], dict[str, Type]] = {
    (OversightCadence, "counts_if"): {"review": REVIEW},
    (RequiredInformation, "counts_if"): {"report": REPORT},
    (RequiredInformation, "require"): {"report": REPORT},
    (PersonalResponsibility, "eligible"): {
        "person": PERSON,
        "assignment": _record(Assignment),
    },
}
_WHERE = {
    "review": "it is only available in counts_if of an oversight_cadence policy",
    "report": "it is only available in counts_if and require of a required_information policy",
    "assignment": "it is only available in eligible of a personal_responsibility policy",
    "findings": "it is only available in sanction and reward policies",
    "contract": "person-scope policies have 'person' and 'contracts' instead",
    "contracts": "it is only available in person-scope and organisation-scope policies",
    "person": "it is only available in person-scope policies and in eligible",
    "organisation": "it is only available in organisation-scope policies",
}
#: Why a name is not a variable at organisation scope, where it differs from the above.
_WHERE_ORGANISATION = {
    "contract": "organisation-scope policies have 'organisation' and 'contracts' (every "
    "contract) instead",
}


@attrs.frozen
class Environment:
    """The variables each expression of a framework sees, with their types.

    Attributes:
        params: The framework's parameters: `params` is a record of exactly these names, each
            `dyn` (they keep their YAML types).
    """

    params: Mapping[str, Any] = attrs.field(factory=dict)

    def base(self) -> dict[str, Type]:
        """Variables of every expression: `people`, `params`, `now`, `portfolio`."""
        return {
            "people": map_of(STRING, PERSON),
            "params": record("params", dict.fromkeys(self.params, DYN)),
            "now": TIMESTAMP,
            "portfolio": PORTFOLIO,
        }

    def variables(
        self,
        policy: Policy | None = None,
        field: str | None = None,
        *,
        scope: str = "contract",
        definitions: Mapping[str, Type] | None = None,
    ) -> dict[str, Type]:
        """The variables of `policy`'s expression `field` (or of a definition, without one).

        Example:
            >>> env = Environment()
            >>> sorted(env.variables(definitions={"is_major": BOOL}))
            ['contract', 'is_major', 'now', 'params', 'people', 'portfolio']
        """
        variables = self.base()
        if policy is not None:
            scope = policy.scope.value
        if scope == Scope.PERSON.value:
            variables.update(person=PERSON, contracts=list_of(CONTRACT))
        elif scope == Scope.ORGANISATION.value:
            variables.update(organisation=ORGANISATION, contracts=list_of(CONTRACT))
        else:
            variables.update(definitions or {})
            variables["contract"] = CONTRACT
        if policy is not None:
            if isinstance(policy, Consequence):
                variables["findings"] = list_of(FINDING)
            for (kind, name), extra in _KIND_VARIABLES.items():
                if isinstance(policy, kind) and name == field:
                    variables.update(extra)
            if scope == Scope.ORGANISATION.value and "assignment" in variables:
                variables["assignment"] = ORGANISATION_ASSIGNMENT
        return variables

    def hints(
        self, variables: Mapping[str, Type], definitions: Iterable[str] = ()
    ) -> dict[str, str]:
        """Why a known name is not a variable here, for a better message than "unknown"."""
        organisation = "organisation" in variables
        where = {**_WHERE, **_WHERE_ORGANISATION} if organisation else _WHERE
        hints = {name: text for name, text in where.items() if name not in variables}
        scope = "organisation-scope" if organisation else "person-scope"
        for name in definitions:
            if name not in variables:
                hints[name] = f"definitions are contract scope; {scope} policies cannot use them"
        return hints


def reference_table() -> str:
    """Markdown rows of every record type and field, for docs/cel.md (tested to match).

    Example:
        >>> reference_table().splitlines()[2]
        '| `contract` | `id` | `string` |'
    """
    rows = ["| value | field | type |", "|---|---|---|"]
    shown = [
        ("contract", CONTRACT),
        ("person", PERSON),
        ("review", REVIEW),
        ("report", REPORT),
        ("portfolio", PORTFOLIO),
        ("findings[i]", FINDING),
        ("organisation", ORGANISATION),
    ]
    nested: dict[str, Type] = {}
    pending = [t for _, t in shown]
    while pending:
        current = pending.pop()
        for field_type in current.fields.values():
            inner = field_type
            while inner.kind in ("list", "map"):
                inner = inner.element or DYN
            if inner.kind == "record" and inner.name not in {n for n, _ in shown} | set(nested):
                nested[inner.name] = inner
                pending.append(inner)
    shown.extend(sorted(nested.items()))
    for name, value in shown:
        rows.extend(f"| `{name}` | `{field}` | `{t}` |" for field, t in value.fields.items())
    return "\n".join(rows)
