"""Framework → Plan: every CEL program built once, durations and roles resolved.

Compiling never sees facts; evaluating never parses. Every problem of a framework (a syntax
error, a limit, a definition used before it is defined, a duration parameter that is not a
duration, an accountable role outside the roles chain, and every type error the checker finds:
an unknown variable, field or function, operands no overload accepts, a result of the wrong
type) is collected and raised at once as a `FrameworkError`. A `Plan` is immutable and safe to
share between threads.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

import attrs

from accountframe import cel
from accountframe.cel.types import DYN, Type
from accountframe.compiler.environment import Environment
from accountframe.errors import (
    CelCompileError,
    Diagnostic,
    FrameworkError,
    Location,
    UsageError,
    did_you_mean,
)
from accountframe.framework.duration import Duration, param_reference
from accountframe.framework.framework import PLACEHOLDER, TEXT_FIELDS, Framework
from accountframe.framework.policies import Consequence as ConsequencePolicy
from accountframe.framework.policies import PersonalResponsibility, Policy, Scope

__all__ = [
    "SINCE_FIELDS",
    "CompiledPolicy",
    "Plan",
    "check_engine",
    "compile_framework",
    "reads_date",
    "source_line",
]


@attrs.frozen
class CompiledPolicy:
    """A policy with its programs compiled and its durations resolved."""

    policy: Policy
    accountable_role: str
    programs: Mapping[str, cel.Program]
    durations: Mapping[str, Duration]
    #: The policy's id (read for every finding: kept here rather than looked up).
    id: str = attrs.field(init=False, eq=False, repr=False)
    #: Field → its condition taken apart (`cel.subconditions`), for a failure's message: made
    #: when a finding first fails on it, then kept with the compiled policy, so that each
    #: run does not lower the parts again (and leave the lowering's garbage). Filling it
    #: twice from two threads gives equal values.
    parts: dict[str, tuple[cel.Subcondition, ...]] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "id", self.policy.id)

    def where(self, field: str) -> str:
        """Where an expression field was written, for messages (`file:line:col` or its path)."""
        program = self.programs.get(field)
        if program is not None and program.location is not None:
            return str(program.location)
        return f"{self.policy.id}.{field}"


@attrs.frozen
class Plan:
    """What compiling a framework gives: everything evaluation needs, worked out once.

    Immutable and safe to share between threads. The evaluation stage (`accountframe.evaluation`)
    runs it over a portfolio; `accountframe.CompiledFramework` is its public face.
    """

    framework: Framework
    #: (name, program), in order.
    definitions: tuple[tuple[str, cel.Program], ...]
    policies: tuple[CompiledPolicy, ...]
    #: Role id → the role it reports to.
    reports_to: Mapping[str, str | None]
    #: The CEL engine every program was compiled for (one of `accountframe.cel.ENGINES`).
    engine: cel.Engine = cel.DEFAULT_ENGINE
    #: The fields of `contract` (and of each element of `contracts`) that the framework's
    #: expressions can read; None when some expression may use a contract's value whole.
    #: Evaluation builds only these parts of each contract (and the reviews and reports that a
    #: cadence or information policy counts, or gives its `require` as `report`, when it does).
    contract_fields: frozenset[str] | None = None
    #: The fields of the elements of `findings` that the sanctions and rewards can read; None
    #: when some expression may use a finding's map whole. Evaluation builds only these.
    finding_fields: frozenset[str] | None = None
    #: Whether a person-scope expression reads `contracts`; if none does, evaluation does not
    #: keep each contract's value for the people's scopes.
    reads_contracts: bool = True
    #: The fields of the elements of `contracts` that person-scope expressions can read (None:
    #: some may use a contract's value whole); evaluation keeps only these for the people.
    people_read: frozenset[str] | None = None
    #: Whether an organisation-scope expression reads `contracts`, and the fields of its
    #: elements such expressions can read (None: some may use a contract's value whole).
    organisation_reads_contracts: bool = True
    organisation_read: frozenset[str] | None = None
    #: The paths of fields of the elements of `findings` that sanctions and rewards can read
    #: (("evidence", "failed_check") for `f.evidence.failed_check`); None: a map used whole.
    findings_read: frozenset[tuple[str, ...]] | None = None
    #: Ids of the policies whose expressions read the date itself (`now`, `portfolio.as_of`,
    #: directly or through a definition): their outcome may change any day (history looks at
    #: them every day).
    reads_date: frozenset[str] = frozenset()
    #: Names of the definitions that read the date itself, directly or through another.
    dated_definitions: frozenset[str] = frozenset()


def compile_framework(framework: Framework, *, engine: str | None = None) -> Plan:
    """Compile every expression of `framework` and resolve its durations and roles.

    Args:
        framework: The framework.
        engine: The CEL engine to compile for: `"accountframe"` or `"celpy"` (kept as the
            reference, and much slower); default `accountframe.cel.DEFAULT_ENGINE`. Both give
            the same findings.

    Raises:
        FrameworkError: every problem found, each located in its file where known.
        UsageError: `engine` is not one of `accountframe.cel.ENGINES`.

    Example:
        >>> import accountframe as af
        >>> compile_framework(af.bundled("uk-central-government"), engine="celpy").engine
        'celpy'
    """
    engine = check_engine(engine)
    compiler = _Compiler(framework, engine)
    definitions = compiler.definitions()
    policies = tuple(compiler.policy(policy) for policy in framework.policies)
    if compiler.diagnostics:
        raise FrameworkError(compiler.diagnostics)
    person_programs = [
        program
        for policy in policies
        if policy.policy.scope is Scope.PERSON
        for program in policy.programs.values()
    ]
    organisation_programs = [
        program
        for policy in policies
        if policy.policy.scope is Scope.ORGANISATION
        for program in policy.programs.values()
    ]
    return Plan(
        framework=framework,
        definitions=definitions,
        policies=policies,
        reports_to={role.id: role.reports_to for role in framework.roles},
        engine=engine,
        contract_fields=_contract_fields(definitions, policies),
        finding_fields=_finding_fields(policies),
        reads_contracts=any("contracts" in program.references() for program in person_programs),
        people_read=_elements_read(person_programs),
        organisation_reads_contracts=any(
            "contracts" in program.references() for program in organisation_programs
        ),
        organisation_read=_elements_read(organisation_programs),
        reads_date=_date_readers(definitions, policies)[1],
        dated_definitions=_date_readers(definitions, policies)[0],
        findings_read=_findings_read(policies),
    )


#: What a `findings` element has only with a look-back.
SINCE_FIELDS = frozenset({"since", "days_in_status"})


def _finding_fields(policies: tuple[CompiledPolicy, ...]) -> frozenset[str] | None:
    """`Plan.finding_fields`: what the consequences' programs read of the
    elements of `findings` (the only programs `findings` is bound for)."""
    fields: set[str] = set()
    for policy in policies:
        if isinstance(policy.policy, ConsequencePolicy):
            for program in policy.programs.values():
                read = program.fields_read("findings", elements=True)
                if read is None:
                    return None
                fields |= read
    return frozenset(fields)


def _date_readers(
    definitions: tuple[tuple[str, cel.Program], ...], policies: tuple[CompiledPolicy, ...]
) -> tuple[frozenset[str], frozenset[str]]:
    """(`Plan.dated_definitions`, `Plan.reads_date`): the definitions and the policies whose
    programs read `now` or `portfolio` (for its `as_of`), or a definition that does, directly
    or through another."""
    dated: set[str] = set()
    for name, program in definitions:  # in order: a definition reads only earlier ones
        if reads_date(program, dated):
            dated.add(name)
    return frozenset(dated), frozenset(
        policy.id
        for policy in policies
        if any(reads_date(program, dated) for program in policy.programs.values())
    )


def reads_date(program: cel.Program, dated_definitions: Collection[str]) -> bool:
    """Whether `program` reads the date itself: `now`, `portfolio.as_of` (`portfolio.roles` is
    the same every day), or one of `dated_definitions`.

    >>> reads_date(cel.compile("contract.end <= add_months(now, 18)"), ())
    True
    >>> reads_date(cel.compile("portfolio.roles.accounting_officer == 'p-1' && is_live"), ())
    False
    """
    references = program.references()
    if "now" in references or not references.isdisjoint(dated_definitions):
        return True
    if "portfolio" not in references:
        return False
    read = program.fields_read("portfolio")
    return read is None or "as_of" in read


def _findings_read(policies: tuple[CompiledPolicy, ...]) -> frozenset[tuple[str, ...]] | None:
    """`Plan.findings_read`: the paths the consequences' programs read below the elements of
    `findings`."""
    paths: set[tuple[str, ...]] = set()
    for policy in policies:
        if isinstance(policy.policy, ConsequencePolicy):
            for program in policy.programs.values():
                read = program.paths_read("findings", elements=True)
                if read is None:
                    return None
                paths |= read
    return frozenset(paths)


def _elements_read(programs: list[cel.Program]) -> frozenset[str] | None:
    """What `programs` read of the elements of `contracts` (`Plan.people_read` for the
    person-scope programs, `Plan.organisation_read` for the organisation-scope ones)."""
    fields: set[str] = set()
    for program in programs:
        read = program.fields_read("contracts", elements=True)
        if read is None:
            return None
        fields |= read
    return frozenset(fields)


def _contract_fields(
    definitions: tuple[tuple[str, cel.Program], ...], policies: tuple[CompiledPolicy, ...]
) -> frozenset[str] | None:
    """`Plan.contract_fields`: what any program reads of `contract` (contract
    scope) or of the elements of `contracts` (person and organisation scope)."""
    fields: set[str] = set()
    programs = [program for _, program in definitions]
    programs.extend(program for policy in policies for program in policy.programs.values())
    for program in programs:
        for read in (
            program.fields_read("contract"),
            program.fields_read("contracts", elements=True),
        ):
            if read is None:
                return None
            fields |= read
    return frozenset(fields)


def check_engine(engine: str | None) -> cel.Engine:
    """`engine`, or the default engine for None; a UsageError for an unknown engine.

    Example:
        >>> check_engine(None) == cel.DEFAULT_ENGINE
        True
        >>> check_engine("cel")
        Traceback (most recent call last):
        ...
        accountframe.errors.UsageError: unknown CEL engine 'cel'; expected one of 'accountframe', 'celpy' (did you mean 'celpy'?)
    """  # noqa: E501 - doctest output is one line
    if engine is None:
        return cel.DEFAULT_ENGINE
    for known in cel.ENGINES:
        if engine == known:
            return known
    expected = ", ".join(repr(name) for name in cel.ENGINES)
    raise UsageError(
        f"unknown CEL engine {engine!r}; expected one of {expected}"
        f"{did_you_mean(str(engine), cel.ENGINES)}"
    )


class _Compiler:
    def __init__(self, framework: Framework, engine: cel.Engine) -> None:
        self.framework = framework
        self.engine = engine
        self.diagnostics: list[Diagnostic] = []
        self.role_ids = [role.id for role in framework.roles]
        self.environment = Environment(params=framework.params)
        # A definition's inferred type becomes its variable's type. Every name is known from the
        # start (as dyn), so a forward reference is reported once, as af-definition.
        self.definition_types: dict[str, Type] = dict.fromkeys(framework.definitions, DYN)

    def problem(self, code: str, message: str, key: tuple[str, ...], path: str) -> None:
        location, _ = self._source(key)
        if location is None:
            location = Location(path=path)
        else:
            location = attrs.evolve(location, path=location.path or path)
        self.diagnostics.append(
            Diagnostic(
                code,
                message,
                location,
                source_line(location.file, location.line),
                policy=_policy_of(key),
            )
        )

    def _source(self, key: tuple[str, ...]) -> tuple[Location | None, int]:
        source = self.framework.sources.get(key)
        if source is None:
            return None, 0
        location, indent = source
        return location, indent

    def program(self, text: str, key: tuple[str, ...], path: str) -> cel.Program | None:
        location, indent = self._source(key)
        try:
            return cel.compile(text, location=location, indent=indent, engine=self.engine)
        except CelCompileError as error:
            self._expression_problem(error.diagnostic, location, path, key)
            return None

    def _expression_problem(
        self, diagnostic: Diagnostic, location: Location | None, path: str, key: tuple[str, ...]
    ) -> None:
        where = diagnostic.location
        diagnostic = attrs.evolve(diagnostic, policy=_policy_of(key))
        if location is None:
            # Built in Python: the position is inside the expression; name the field too.
            diagnostic = attrs.evolve(diagnostic, location=attrs.evolve(where, path=path))
        elif diagnostic.source_line is None:
            diagnostic = attrs.evolve(diagnostic, source_line=source_line(where.file, where.line))
        self.diagnostics.append(diagnostic)

    def check(
        self,
        program: cel.Program,
        key: tuple[str, ...],
        path: str,
        variables: Mapping[str, Type],
        expected: str | None,
    ) -> Type:
        """Type-check a compiled expression; record its problems and return its type."""
        location, indent = self._source(key)
        checked = cel.check(
            program,
            variables,
            expected=cel.TYPES[expected] if expected else None,
            field=key[-1],
            indent=indent,
            hints=self.environment.hints(variables, self.framework.definitions),
        )
        for diagnostic in checked.diagnostics:
            self._expression_problem(diagnostic, location, path, key)
        return checked.type

    def needs_look_back(
        self, policy: Policy, program: cel.Program, key: tuple[str, ...], path: str
    ) -> None:
        """A sanction's or reward's expression that reads `since` or `days_in_status` of
        `findings` elements needs the framework's look-back (SPEC section 13)."""
        if self.framework.look_back is not None or not isinstance(policy, ConsequencePolicy):
            return
        read = program.fields_read("findings", elements=True) or frozenset()
        for name in sorted(read & SINCE_FIELDS):
            self.problem(
                "af-reference",
                f"findings' {name!r} is known only with a look-back: set look_back in "
                "framework.yaml (e.g. 'look_back: 2 years')",
                key,
                path,
            )

    def definitions(self) -> tuple[tuple[str, cel.Program], ...]:
        compiled: list[tuple[str, cel.Program]] = []
        names = list(self.framework.definitions)
        for position, (name, text) in enumerate(self.framework.definitions.items()):
            key, path = ("definitions", name), f"definitions.{name}"
            program = self.program(text, key, path)
            if program is None:
                continue
            references = program.references()
            for used in sorted(references & set(names)):
                if used == name:
                    self.problem("af-definition", f"definition {name!r} uses itself", key, path)
                elif names.index(used) > position:
                    self.problem(
                        "af-definition",
                        f"definition {name!r} uses {used!r}, which is defined after it; "
                        "definitions may use only earlier ones",
                        key,
                        path,
                    )
            variables = self.environment.variables(definitions=self.definition_types)
            self.definition_types[name] = self.check(program, key, path, variables, None)
            compiled.append((name, program))
        return tuple(compiled)

    def duration(self, policy: Policy, field: str, text: str | None = None) -> Duration | None:
        """The duration of `field` (or of `text`, a duration held deeper, as `periods.within`
        is: `field` then names it), parameters resolved; None, reported, if it has none."""
        text = getattr(policy, field) if text is None else text
        if text is None:
            return None
        key, path = ("policies", policy.id, *field.split(".")), f"{policy.id}.{field}"
        name = param_reference(text)
        if name is not None:
            if name not in self.framework.params:
                self.problem(
                    "af-reference",
                    f"unknown parameter {name!r}{did_you_mean(name, self.framework.params)}",
                    key,
                    path,
                )
                return None
            text = self.framework.params[name]
        try:
            return Duration.parse(text)
        except ValueError as error:
            message = str(error).replace("expected", "must be", 1)
            self.problem("af-value", f"'{field}' {message}", key, path)
            return None

    def placeholders(self, policy: Policy) -> None:
        """A `{params.NAME}` in a title, rationale or action must name a parameter (one that
        does is rendered already, see `Framework.templates`)."""
        params = self.framework.params
        for field in TEXT_FIELDS:
            value = getattr(policy, field, None)
            for name in PLACEHOLDER.findall(value) if isinstance(value, str) else ():
                if name not in params:
                    self.problem(
                        "af-reference",
                        f"'{field}' uses {{params.{name}}}, which is not a parameter"
                        f"{did_you_mean(name, params)}",
                        ("policies", policy.id, field),
                        f"{policy.id}.{field}",
                    )

    def policy(self, policy: Policy) -> CompiledPolicy:
        programs: dict[str, cel.Program] = {}
        for field in policy.expressions:
            text = getattr(policy, field)
            if text is not None:
                key, path = ("policies", policy.id, field), f"{policy.id}.{field}"
                program = self.program(text, key, path)
                if program is not None:
                    variables = self.environment.variables(
                        policy, field, definitions=self.definition_types
                    )
                    self.check(program, key, path, variables, policy.expressions[field])
                    self.needs_look_back(policy, program, key, path)
                    programs[field] = program
        self.placeholders(policy)
        durations = {
            field: duration
            for field in policy.durations
            if (duration := self.duration(policy, field)) is not None
        }
        periods = getattr(policy, "periods", None)
        if periods is not None:
            # A fixed-period policy's `within` sits beside its other durations: the judges,
            # the schedule and history read them all from one map.
            within = self.duration(policy, "periods.within", periods.within)
            if within is not None:
                durations["within"] = within
        role = policy.default_accountable(self.framework.roles)
        if policy.scope is Scope.CONTRACT and self.role_ids:
            key, path = ("policies", policy.id, "accountable"), f"{policy.id}.accountable"
            if role not in self.role_ids:
                self.problem(
                    "af-reference",
                    f"accountable role {role!r} is not in the roles chain"
                    f"{did_you_mean(role, self.role_ids)}",
                    key,
                    path,
                )
            if isinstance(policy, PersonalResponsibility) and policy.role not in self.role_ids:
                self.problem(
                    "af-reference",
                    f"role {policy.role!r} is not in the roles chain"
                    f"{did_you_mean(policy.role, self.role_ids)}",
                    ("policies", policy.id, "role"),
                    f"{policy.id}.role",
                )
        return CompiledPolicy(
            policy=policy,
            accountable_role=role,
            programs=programs,
            durations=durations,
        )


def _policy_of(key: tuple[str, ...]) -> str | None:
    """The id of the policy a source key (`("policies", id, field)`) is in, for messages."""
    return key[1] if len(key) > 1 and key[0] == "policies" else None


def _file_lines(file: str) -> tuple[str, ...]:
    # Read afresh each time (only when there is a problem to show): a process-wide cache keyed
    # by file name showed stale lines once a file changed, or a relative name meant another.
    try:
        return tuple(Path(file).read_text(encoding="utf-8-sig").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def source_line(file: str | None, line: int | None) -> str | None:
    """The text of line `line` of `file`, for a diagnostic's caret display; None if unknown."""
    if file is None or line is None:
        return None
    lines = _file_lines(file)
    return lines[line - 1] if 0 < line <= len(lines) else None
