"""CompiledFramework, Portfolio and as_of → Assessment (SPEC sections 4 and 6).

Guarantees:

- one finding per (policy, subject) for the finding kinds, and one consequence per
  (policy, subject) for sanctions and rewards: nothing is dropped;
- fail closed: an expression that errors, or gives the wrong type, makes the finding `error`
  (or the consequence `error`), never `pass`, and every other finding is still produced;
- no wall clock: everything is computed as of the given date (only the public entry point
  defaults a missing date to today);
- deterministic order: policy order, then subject order (portfolio order).
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import datetime
import functools
import itertools
import math
import multiprocessing
import pickle
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from accountframe import cel
from accountframe._version import __version__
from accountframe.assessment import (
    Accountable,
    Assessment,
    Consequence,
    ConsequenceStatus,
    Finding,
    Status,
    Subject,
    WaiverApplied,
    WaiverUnused,
)
from accountframe.collector import collector_paused
from accountframe.compiler.compiler import CompiledFramework, CompiledPolicy
from accountframe.errors import CelError, UsageError, did_you_mean
from accountframe.framework.policies import Consequence as ConsequencePolicy
from accountframe.framework.policies import (
    Framework,
    OversightCadence,
    PersonalResponsibility,
    RequiredInformation,
    Rule,
    Scope,
)
from accountframe.load.structure import NotCanonical, Stamps, _stamp, cel_items, cel_plain, plain
from accountframe.model import Assignment, Contract, Person, Portfolio, Report, Review, Waiver

__all__ = ["Judgement", "Step", "check_workers", "collector_paused", "evaluate", "judge_one"]


# The statuses, read once. On Python 3.11 the enum metaclass defines `__getattr__`, so reading a
# member from its class (`Status.PASS`) takes a slower path than reading a global, about a tenth
# of a microsecond more; judging reads a status or two for every finding and consequence.
_PASS, _WARN, _FAIL, _ERROR = Status.PASS, Status.WARN, Status.FAIL, Status.ERROR
_NOT_APPLICABLE, _WAIVED = Status.NOT_APPLICABLE, Status.WAIVED
_NOT_TRIGGERED, _DUE = ConsequenceStatus.NOT_TRIGGERED, ConsequenceStatus.DUE
_APPLIED, _CONSEQUENCE_ERROR = ConsequenceStatus.APPLIED, ConsequenceStatus.ERROR

# A failed definition is left unbound, so CEL's own rules decide whether it matters
# (`true || failed` is true); when it does, this is the error CEL gives.
_UNBOUND = re.compile(r"undeclared reference to '([A-Za-z_][A-Za-z0-9_]*)'")


def _failed_definition(error: CelError, failed: Mapping[str, str]) -> str | None:
    match = _UNBOUND.search(error.cel_message)
    if match and match.group(1) in failed:
        return match.group(1)
    return None


class _Failed(Exception):
    """An expression failed: the finding becomes `error` with this message."""


@attrs.frozen
class Step:
    """One thing worked out while judging, recorded only when a judgement is explained.

    `name` is an expression field (`applies_to`, `require`, `counts_if`, ...: `values` holds
    `extra`, the item it was evaluated for, and `value` and/or `error`) or a piece of the
    computation (`event`, `freshness`, `freshness_result`, `latest`, `vacancy`, `holder`,
    `findings`).
    """

    name: str
    values: Mapping[str, Any]


@attrs.frozen
class Judgement:
    """One policy judged for one subject, with every step recorded (see `judge_one`)."""

    policy: CompiledPolicy
    result: Finding | Consequence
    #: The subject's variables as the policy saw them (with `findings` for a consequence).
    bindings: cel.Bindings
    #: Definitions that failed for this subject: name → message.
    failed: Mapping[str, str]
    steps: tuple[Step, ...]
    contract: Contract | None

    def cel_error(self, error: CelError) -> str:
        """CEL's message for an error, or the failed definition that caused it."""
        used = _failed_definition(error, self.failed)
        return f"definition {used!r} failed: {self.failed[used]}" if used else error.cel_message


#: What judging a finding gave, before accountability, message and waivers: (status, message,
#: due, evidence). A plain tuple: one is made for every finding.
_Outcome = tuple[Status, str, datetime.date | None, dict[str, Any]]
_Item = TypeVar("_Item")


def evaluate(
    compiled: CompiledFramework,
    portfolio: Portfolio,
    as_of: datetime.date | None = None,
    *,
    workers: int = 1,
) -> Assessment:
    """Assess `portfolio` against a compiled framework as of `as_of`.

    `as_of` defaults to the portfolio's own `as_of`, else today: the one place a clock is read.

    With `workers` > 1, contract-scope work is shared out, in chunks of contracts, to that many
    worker processes (each compiles the framework once); what needs every finding (person
    scope, consequences for people, unused waivers, the summary) is done in this process. The
    result is the same, byte for byte, as with `workers=1`, which starts no process.

    Raises:
        UsageError: `workers` is not a positive int.
    """
    workers = check_workers(workers)
    if as_of is None:
        as_of = portfolio.as_of or datetime.date.today()
    # cel-python's interpreter makes reference cycles (its errors hold its activations): with
    # the celpy engine the collector keeps running.
    accountframe_engine = compiled.engine == "accountframe"
    with collector_paused() if accountframe_engine else contextlib.nullcontext():
        # The run, with every contract's values, is let go inside the block: when the collector
        # starts again it has only the assessment to look at.
        return _assess(compiled, portfolio, as_of, workers)


def _assess(
    compiled: CompiledFramework, portfolio: Portfolio, as_of: datetime.date, workers: int
) -> Assessment:
    run = _Run(compiled, portfolio, as_of)
    count = len(portfolio.contracts)
    if workers == 1 or count < 2 or not (run.contract_findings or run.contract_consequences):
        return run.assessment()
    try:
        return _in_parallel(run, workers)
    except Exception:
        # A worker failed to start, died or raised: make the same assessment here, which
        # gives the result (or raises the error) that the serial run gives.
        return _Run(compiled, portfolio, as_of).assessment()


def check_workers(workers: object) -> int:
    """`workers` if it is a positive int; else a UsageError saying what is wrong.

    Example:
        >>> check_workers(4)
        4
        >>> check_workers(0)
        Traceback (most recent call last):
        ...
        accountframe.errors.UsageError: workers must be a positive whole number (got 0)
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"workers must be a positive whole number (got {workers!r})")
    return workers


#: Chunks per worker: enough that a slow chunk does not hold up the others for long.
_CHUNKS_PER_WORKER = 4

# The run of a worker process, made once by `_start_worker` (a process-pool initializer).
_worker_run: _Run | None = None


def _start_worker(payload: bytes) -> None:
    global _worker_run  # one per worker process: the compiled programs are not picklable
    from accountframe.compiler.compiler import compile_framework

    framework: Framework
    portfolio: Portfolio
    framework, engine, portfolio, as_of = pickle.loads(payload)  # bytes made by _in_parallel
    _worker_run = _Run(compile_framework(framework, engine=engine), portfolio, as_of)
    _worker_run.keep_contract_values = False  # the person scope is the parent's
    _worker_run.keep_finding_values = False


def _work(span: tuple[int, int]) -> _Part:
    assert _worker_run is not None, "the pool initializer did not run"
    return _worker_run.part(*span)


def _in_parallel(run: _Run, workers: int) -> Assessment:
    count = len(run.portfolio.contracts)
    chunks = min(count, workers * _CHUNKS_PER_WORKER)
    bounds = [count * n // chunks for n in range(chunks + 1)]
    spans = list(itertools.pairwise(bounds))
    compiled = run.compiled
    context = multiprocessing.get_context("spawn")  # no fork: safe with threads, same everywhere
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=min(workers, chunks),
        mp_context=context,
        initializer=_start_worker,
        # Pickled once here, not once per worker: a large portfolio takes seconds to pickle.
        initargs=(
            pickle.dumps(
                (compiled.framework, compiled.engine, run.portfolio, run.as_of),
                protocol=pickle.HIGHEST_PROTOCOL,
            ),
        ),
    ) as pool:
        futures = [pool.submit(_work, span) for span in spans]
        # Person-scope findings are made here while the workers run; then the parts, in order.
        return run.assessment(lambda: [future.result() for future in futures])


def judge_one(
    compiled: CompiledFramework,
    portfolio: Portfolio,
    as_of: datetime.date,
    policy_id: str,
    subject_id: str,
) -> Judgement:
    """Judge one policy for one subject, recording every step, by the code `evaluate` runs.

    A sanction or reward sees the findings of the whole assessment, so those are assessed first.

    Raises:
        UsageError: no such policy, or no such subject in the policy's scope (with a suggestion).
    """
    policy = next((p for p in compiled.policies if p.id == policy_id), None)
    if policy is None:
        compiled.framework.policy(policy_id)  # raises, with a suggestion
        raise AssertionError(policy_id)  # pragma: no cover - the line above always raises
    run = _Run(compiled, portfolio, as_of)
    run.contract_fields = None  # the whole contract, as the explanation shows it
    subjects = {
        subject.id: (subject, bound, failed, c)
        for subject, bound, failed, c in run.subjects(policy)
    }
    if subject_id not in subjects:
        scope, other = ("person", "contract")
        if policy.policy.scope is not Scope.PERSON:
            scope, other = other, scope
        others = portfolio.people if other == "person" else portfolio.contracts
        hint = (
            f": {subject_id!r} is a {other}, and {policy_id} is about each {scope}"
            if any(subject.id == subject_id for subject in others)
            else did_you_mean(subject_id, list(subjects))
        )
        raise UsageError(f"no {scope} {subject_id!r} in the portfolio{hint}")
    subject, bound, failed, contract = subjects[subject_id]
    result: Finding | Consequence
    steps: list[Step] = []
    if isinstance(policy.policy, ConsequencePolicy):
        findings = list(_Run(compiled, portfolio, as_of).assessment().findings)
        run.steps = steps
        result = run.consequence(
            policy, subject, bound, failed, contract, _Relevant(findings)(subject)
        )
        seen: list[dict[str, Any]] = next(
            (step.values["findings"] for step in steps if step.name == "findings"), []
        )
        bound = bound.merged({"findings": seen})
    else:
        run.steps = steps
        result = run.finding(policy, subject, bound, failed, contract)
    return Judgement(
        policy=policy,
        result=result,
        bindings=bound,
        failed=dict(failed),
        steps=tuple(steps),
        contract=contract,
    )


class _Facts:
    """One contract as one assessment sees it, derived once and shared by every policy."""

    __slots__ = (
        "_latest",
        "_received",
        "_reports",
        "_reviews",
        "_view",
        "accountables",
        "as_of",
        "bound",
        "contract",
        "current",
        "events",
        "failed",
        "holders",
    )

    def __init__(
        self,
        contract: Contract,
        as_of: datetime.date,
        view: dict[str, Any] | None,
        bound: cel.Bindings,
        failed: dict[str, str],
        current: dict[str, Assignment],
        events: dict[int, Any],
    ) -> None:
        self.contract = contract
        self.as_of = as_of
        self._view = view
        #: The contract scope: the run's base variables, `contract` and every definition.
        self.bound = bound
        #: Definitions that failed for this contract: name → message.
        self.failed = failed
        #: Role → the current assignment.
        self.current = current
        #: Role → person id of the current holder (`contract.accountable`).
        self.holders: dict[str, str] = {role: a.person for role, a in current.items()}
        #: Policy's accountable role → who is accountable, worked out once per role.
        self.accountables: dict[str, Accountable] = {}
        #: id of a review or report → its value as bound (see `_Run.bound_events`).
        self.events = events
        self._reviews: list[Review] | None = None
        self._received: list[Report] | None = None
        self._reports: dict[str, tuple[list[int], list[Report]]] | None = None
        self._latest: dict[str, Report] | None = None

    @property
    def reviews(self) -> list[Review]:
        """The reviews dated on or before as_of (the view's `reviews`), listed once."""
        if self._reviews is None:
            self._reviews = [r for r in self.contract.reviews if r.date <= self.as_of]
        return self._reviews

    @property
    def received(self) -> list[Report]:
        """The reports received on or before as_of (the view's `reports`), listed once."""
        if self._received is None:
            self._received = [r for r in self.contract.reports if r.received <= self.as_of]
        return self._received

    def reports(self, kind: str) -> tuple[list[int], list[Report]]:
        """The reports of `kind` received on or before as_of, and their positions among all
        those received on or before as_of (the view's `reports`)."""
        if self._reports is None:
            found: dict[str, tuple[list[int], list[Report]]] = {}
            for position, report in enumerate(self.received):
                positions, reports = found.setdefault(report.kind, ([], []))
                positions.append(position)
                reports.append(report)
            self._reports = found
        return self._reports.get(kind, ([], []))

    @property
    def latest(self) -> dict[str, Report]:
        """`contract.latest(as_of)`, worked out once."""
        if self._latest is None:
            self._latest = self.contract.latest(self.as_of)
        return self._latest

    @property
    def view(self) -> dict[str, Any]:
        """`contract.view(as_of)` as plain values, before binding (dates stay dates): made
        when first asked for (what explained steps show); `bound["contract"]` is what is bound.
        """
        if self._view is None:
            self._view = self.contract.view(self.as_of)
        return self._view


@attrs.frozen
class _Part:
    """What a run of contract-scope work over some contracts produced (see `_Run.part`)."""

    #: Policy position → findings, in contract order.
    findings: dict[int, list[Finding]]
    #: Policy position → (contract position, consequence); contracts whose id is repeated in the
    #: portfolio are left for `_Run.assessment`, which sees every finding.
    consequences: dict[int, list[tuple[int, Consequence]]]
    #: Positions of the waivers that waived a finding.
    used_waivers: frozenset[int]
    #: Policy position → each finding's map in `findings` as bound (see `make_finding_maps`),
    #: in the same order as `findings`; None when they are not kept (`keep_finding_values`).
    maps: dict[int, list[dict[str, Any] | None]] | None = None
    #: Policy position → the accountable person of each finding in `findings` (None: nobody),
    #: read as each was made; kept with `maps`, for `_Relevant`.
    persons: dict[int, list[str | None]] | None = None


class _Run:
    """One assessment: each contract's values derived once, then every policy applied.

    The work is split in two. `part` does everything that needs only one contract at a time:
    the contract-scope findings and the contract-scope consequences (their `findings` are the
    findings about that contract). `assessment` then does what needs the whole portfolio: the
    person-scope findings and consequences, unused waivers and the summary. `part` can run on
    contract chunks in other processes (`workers`), with the same result.
    """

    def __init__(self, compiled: CompiledFramework, portfolio: Portfolio, as_of: datetime.date):
        self.compiled = compiled
        self.portfolio = portfolio
        self.as_of = as_of
        self.people = {person.id: person for person in portfolio.people}
        #: Dates as timestamps, one object per day for every value this run binds.
        self._stamps: Stamps = {}
        self._people_values: dict[str, dict[str, Any]] | None = None
        variables = {
            "people": {},  # first, as before: replaced below
            "params": plain(compiled.framework.params),
            "now": as_of,
            "portfolio": {
                "organisation": portfolio.organisation,
                "roles": dict(portfolio.roles),
                "as_of": as_of,
            },
        }
        try:  # the people as bindings hold them, built in one pass (see `cel_plain`)
            listed = list(portfolio.people)
            ids = [person.id for person in listed]
            people = dict(zip(ids, cel_items(Person, listed, self._stamps), strict=True))
            if not {str}.issuperset(map(type, people)):
                raise NotCanonical
            self.base = cel.bindings(variables)._trusted_merged({"people": people})
        except NotCanonical:  # a value the ordinary validation must see (and may reject)
            self.base = cel.bindings({**variables, "people": self.people_values})
        positions = list(enumerate(compiled.policies))
        self.contract_findings = [
            (i, p) for i, p in positions if _scope(p) is Scope.CONTRACT and not _is_consequence(p)
        ]
        self.contract_consequences = [
            (i, p) for i, p in positions if _scope(p) is Scope.CONTRACT and _is_consequence(p)
        ]
        self.person_policies = [(i, p) for i, p in positions if _scope(p) is Scope.PERSON]
        counts = collections.Counter(contract.id for contract in portfolio.contracts)
        #: Contract ids listed more than once (possible in a portfolio built in Python): their
        #: `findings` are the findings of every contract with that id.
        self.repeated_ids = frozenset(key for key, count in counts.items() if count > 1)
        #: Whether `part` keeps each contract's value for the person scope's `contracts`.
        self.keep_contract_values = bool(self.person_policies)
        #: Whether `part` keeps the `findings` maps it makes (`_Part.maps`), for people's
        #: sanctions and rewards.
        self.keep_finding_values = any(_is_consequence(p) for _, p in self.person_policies)
        # Keyed by object identity: a portfolio built in Python may repeat an id.
        self._facts: dict[int, _Facts] = {}
        self._contract_values: dict[int, Any] = {}
        #: id of a contract → role → its current holder (`_Facts.holders`), kept with the value.
        self._contract_holders: dict[int, dict[str, str]] = {}
        self._holding: dict[str, list[Any]] | None = None
        self._people: dict[int, cel.Bindings] = {}
        self._org_accountables: dict[str, Accountable] = {}
        #: (role, person) → who is accountable when that person holds that role.
        self._holders: dict[tuple[str, str], Accountable] = {}
        self._findings_scopes: dict[int, tuple[list[Finding], cel.Bindings, cel.Bindings]] = {}
        #: Policy id → (its tags, as a `findings` map holds them: one list, read-only).
        self._tags: dict[str, tuple[tuple[str, ...], list[str]]] = {}
        #: Makes a `findings` map whose keys are all text ones (see `_texts_finding_map`).
        self._texts_map = _texts_finding_map(compiled.finding_fields)
        self._waivers = _index_waivers(portfolio.waivers)
        #: Ids of the policies whose `applies_to` is the literal `true` (the default), and
        #: of those whose `counts_if` is (the default too): not evaluated, unless explaining.
        self._applies_always = _literally_true(compiled.policies, "applies_to")
        self._counts_always = _literally_true(compiled.policies, "counts_if")
        self._used_waivers: set[int] = set()
        #: Recorded steps, when explaining; None (nothing recorded) when assessing.
        self.steps: list[Step] | None = None
        #: The parts of each contract's value to build (see `CompiledFramework.contract_fields`;
        #: None: all of it, as `judge_one` binds it, for the explanation to show).
        self.contract_fields = compiled.contract_fields
        #: The parts of each `findings` map to build (`CompiledFramework.finding_fields`).
        self.finding_fields = compiled.finding_fields

    @property
    def people_values(self) -> dict[str, dict[str, Any]]:
        """`portfolio.people_view()`: the people as plain values, before binding (dates stay
        dates), made when first asked for."""
        if self._people_values is None:
            self._people_values = self.portfolio.people_view()
        return self._people_values

    def note(self, name: str, **values: Any) -> None:
        """Record a step of the judgement, if one is being explained."""
        if self.steps is not None:
            self.steps.append(Step(name, values))

    # -- subjects --------------------------------------------------------------------------

    def facts(self, contract: Contract) -> _Facts:
        """A contract's derived views, bindings and definitions, computed once per run."""
        cached = self._facts.get(id(contract))
        if cached is not None:
            return cached
        view: dict[str, Any] | None = None
        events: dict[int, Any] = {}
        validated = False
        try:
            # Built canonical by the library itself: bound without validating it again.
            view_value = contract._cel_view(self.as_of, self._stamps, self.contract_fields, events)
            bound = self.base._trusted_merged({"contract": view_value})
        except NotCanonical:  # a value the ordinary validation must see (and may reject)
            view = contract.view(self.as_of)
            bound = self.base.merged({"contract": view})
            validated = True
        failed: dict[str, str] = {}
        if self.compiled.definitions:
            # One scope for all of them: each definition sees those bound before it.
            bound, define = bound._extending()
        for name, program in self.compiled.definitions:
            try:
                define(name, program.evaluate(bound))
            except CelError as error:
                used = _failed_definition(error, failed)
                failed[name] = (
                    f"uses definition {used!r}, which failed: {failed[used]}"
                    if used
                    else f"{error.cel_message} (at {_where(program, 'definition ' + name)})"
                )
        current = contract.current_assignments(self.as_of)
        facts = _Facts(contract, self.as_of, view, bound, failed, current, events)
        if validated:  # the events as the validated value holds them
            events.update(_validated_events(facts, bound["contract"]))
        self._facts[id(contract)] = facts
        return facts

    def bound_events(self, facts: _Facts, events: list[Any]) -> list[Any]:
        """Reviews or reports of the facts' contract (dated on or before as_of), as bound in
        `contract`: what a policy's `counts_if` and `require` see as `review` or `report`.

        Converted on first use, once per contract, so that only the events some policy
        looks at are converted (the contract's value holds its `reviews` and `reports` only
        when an expression reads them); where the value holds them, they are those values.
        """
        known = facts.events
        values = [known.get(id(event)) for event in events]
        if None not in values:
            return values
        missing = [event for event in events if id(event) not in known]
        try:
            converted = [cel_plain(event, self._stamps) for event in missing]
        except NotCanonical:  # validated as the whole contract's value would be (or rejected)
            view = self.base.merged({"contract": facts.contract.view(self.as_of)})["contract"]
            known.update(_validated_events(facts, view))
        else:
            known.update(zip(map(id, missing), converted, strict=True))
        return [known[id(event)] for event in events]

    def contract_scope(self, contract: Contract) -> tuple[cel.Bindings, dict[str, str]]:
        """A contract's bindings with its definitions, computed once; and failed definitions."""
        facts = self.facts(contract)
        return facts.bound, facts.failed

    def contract_value(self, contract: Contract) -> Any:
        """The `contract` variable's value, as bound for the contract's own scope."""
        value = self._contract_values.get(id(contract))
        if value is None:
            facts = self._facts.get(id(contract))
            bound = (
                facts.bound if facts else self.base.merged({"contract": contract.view(self.as_of)})
            )
            value = self._contract_values[id(contract)] = bound["contract"]
        return value

    def person_scope(self, person: Person) -> cel.Bindings:
        """A person's bindings: `person`, and `contracts` on which they hold any role."""
        cached = self._people.get(id(person))
        if cached is None:
            if self._holding is None:
                # One pass over the contracts, in portfolio order, for every person.
                holding: dict[str, list[Any]] = {}
                for contract in self.portfolio.contracts:
                    holders = self._contract_holders.get(id(contract))
                    if holders is None:
                        facts = self._facts.get(id(contract))
                        holders = facts.holders if facts else contract.accountable(self.as_of)
                    if holders:
                        value = self.contract_value(contract)
                        for holder in dict.fromkeys(holders.values()):
                            holding.setdefault(holder, []).append(value)
                self._holding = holding
            contracts = self._holding.get(person.id, [])
            if self.people.get(person.id) is person:
                # Both as bound already: the person's map in `people`, the contracts' values.
                person_value = self.base["people"][person.id]
                cached = self.base._trusted_merged({"person": person_value, "contracts": contracts})
            else:  # a second person with the same id (possible in Python): bound as it is
                cached = self.base.merged({"person": plain(person), "contracts": contracts})
            self._people[id(person)] = cached
        return cached

    # -- expressions -----------------------------------------------------------------------

    def run(
        self,
        policy: CompiledPolicy,
        field: str,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        expected: type | tuple[type, ...],
        extra: Mapping[str, Any] | None = None,
        canonical: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate one expression field; raise _Failed with a message on any problem.

        `extra`: more variables, validated when bound. `canonical`, when given: the same
        variables in their canonical form (see `cel.values._canonical`), bound as they are;
        `extra` is then only what a step records.
        """
        program = policy.programs[field]
        if canonical is not None:
            scope = bound._trusted_merged(canonical)
        else:
            scope = bound.merged(extra) if extra else bound
        # No exception is kept in a local variable here: its traceback holds this frame, and
        # the two would be a reference cycle, garbage only the paused collector could free.
        try:
            value = program.evaluate(scope)
        except CelError as error:
            used = _failed_definition(error, failed)
            if used:
                problem = f"{field}: definition {used!r} failed: {failed[used]}"
            else:
                problem = f"{field} failed: {error.cel_message} (at {policy.where(field)})"
            self.note(field, extra=extra, error=problem)
            raise _Failed(problem) from None
        if expected is bool and type(value) is bool and self.steps is None:
            return value  # the hot path: a condition that gave a bool
        given = value
        if isinstance(value, bool) and expected in (int, float, (int, float)):
            value = None  # a bool is not a number here
        if value is None or not isinstance(value, expected):
            problem = (
                f"{field} must give {_type_name(expected)} (got {_describe(value)}) "
                f"(at {policy.where(field)})"
            )
            self.note(field, extra=extra, value=given, error=problem)
            raise _Failed(problem)
        if self.steps is not None:  # the hot path: no step built when not explaining
            self.note(field, extra=extra, value=value)
        return value

    def test(
        self,
        policy: CompiledPolicy,
        field: str,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        extra: Mapping[str, Any] | None = None,
        canonical: Mapping[str, Any] | None = None,
    ) -> bool:
        """`run` for a condition, which must give a bool."""
        if self.steps is None and extra is None and canonical is None:
            # The hot path: a bool, else `run` evaluates again and names the problem.
            value = policy.programs[field]._evaluate_bool(bound)
            if value is not None:
                return value
        result: bool = self.run(policy, field, bound, failed, bool, extra, canonical)
        return result

    def test_with(
        self,
        policy: CompiledPolicy,
        field: str,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        name: str,
        canonical: Any,
        item: Any = None,
    ) -> bool:
        """`test` with one more variable, `name`, bound to `canonical` (canonical already, see
        `run`); `item`, when explaining: the value the recorded step shows."""
        if self.steps is None:
            each = policy.programs[field]._evaluate_each(bound, name, [canonical])
            if each is not None:  # a bool: else `test` names the problem
                result: bool = each[0]
                return result
        extra = {name: item} if self.steps is not None else None
        return self.test(policy, field, bound, failed, extra, {name: canonical})

    def applies(
        self, policy: CompiledPolicy, bound: cel.Bindings, failed: Mapping[str, str]
    ) -> bool:
        """The policy's `applies_to` for a subject. The default, `true`, is not evaluated (it
        can give nothing else), except when explaining, which records it as a step."""
        if self.steps is None and policy.id in self._applies_always:
            return True
        return self.test(policy, "applies_to", bound, failed)

    def message(
        self,
        policy: CompiledPolicy,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        default: str,
    ) -> str:
        """The policy's `message`, if it gives non-empty text; else the default."""
        if "message" not in policy.programs:
            return default
        try:
            text = self.run(policy, "message", bound, failed, str)
        except _Failed:
            return default
        return str(text) if str(text).strip() else default

    # -- accountability --------------------------------------------------------------------

    def accountable(
        self, policy: CompiledPolicy, contract: Contract | None, facts: _Facts | None = None
    ) -> Accountable:
        """The holder of the policy's role, falling back up the chain to the organisation
        (`facts`: the contract's, if at hand)."""
        if contract is not None and facts is None:
            facts = self.facts(contract)
        cache = self._org_accountables if facts is None else facts.accountables
        found = cache.get(policy.accountable_role)
        if found is None:
            holders = facts.holders if facts is not None else {}
            found = cache[policy.accountable_role] = self._accountable(
                policy.accountable_role, holders
            )
        return found

    def _accountable(self, start: str, holders: Mapping[str, str]) -> Accountable:
        role: str | None = start
        vacant: list[str] = []
        seen: set[str] = set()
        while role is not None and role not in seen:
            seen.add(role)
            person = holders.get(role) or self.portfolio.roles.get(role)
            if person is not None:
                return self._named(role, person, vacant)
            vacant.append(role)
            role = self.compiled.reports_to.get(role)
        # At the top of the chain: the organisation's Accounting Officer.
        top = "accounting_officer"
        person = self.portfolio.roles.get(top)
        below = tuple(role for role in vacant if role != top)
        if person is not None:
            return self._named(top, person, list(below))
        return Accountable(role=top, person=None, fallback_from=below)

    def _named(self, role: str, person: str, vacant: list[str]) -> Accountable:
        if not vacant:  # the common case, the same for many contracts: made once per run
            named = self._holders.get((role, person))
            if named is None:
                named = self._holders[role, person] = self._made(role, person, ())
            return named
        return self._made(role, person, tuple(vacant))

    def _made(self, role: str, person: str, vacant: tuple[str, ...]) -> Accountable:
        found = self.people.get(person)
        return Accountable(
            role=role,
            person=person,
            name=found.name if found else None,
            fallback_from=vacant,
        )

    # -- the assessment --------------------------------------------------------------------

    def part(self, start: int, stop: int) -> _Part:
        """Contract-scope findings and consequences for `portfolio.contracts[start:stop]`."""
        findings: dict[int, list[Finding]] = {i: [] for i, _ in self.contract_findings}
        consequences: dict[int, list[tuple[int, Consequence]]] = {
            i: [] for i, _ in self.contract_consequences
        }
        keep = self.keep_contract_values
        # The maps of the findings, as `findings` binds them, kept for people's sanctions and
        # rewards: in the order of `findings`.
        kept: dict[int, list[dict[str, Any] | None]] | None = None
        # And their accountable people, read while each finding is at hand: reading them
        # later, from findings scattered in memory, costs far more (see `_Relevant`).
        persons: dict[int, list[str | None]] | None = None
        if self.keep_finding_values:
            kept = {i: [] for i, _ in self.contract_findings}
            persons = {i: [] for i, _ in self.contract_findings}
        contracts = self.portfolio.contracts
        for position in range(start, stop):
            contract = contracts[position]
            facts = self.facts(contract)
            subject = Subject("contract", contract.id)
            about: list[Finding] = []
            for index, policy in self.contract_findings:
                finding = self.finding(policy, subject, facts.bound, facts.failed, contract, facts)
                findings[index].append(finding)
                about.append(finding)
                if persons is not None:
                    persons[index].append(finding.accountable.person)
            need = bool(self.contract_consequences) or kept is not None
            maps = self.make_finding_maps(about) if need else None
            if kept is not None and maps is not None:
                for (index, _), made in zip(self.contract_findings, maps, strict=True):
                    kept[index].append(made)
            if contract.id not in self.repeated_ids and self.contract_consequences:
                for index, policy in self.contract_consequences:
                    consequence = self.consequence(
                        policy, subject, facts.bound, facts.failed, contract, about, maps
                    )
                    consequences[index].append((position, consequence))
            if keep:
                self._contract_values[id(contract)] = facts.bound["contract"]
                self._contract_holders[id(contract)] = facts.holders
            # Nothing else needs this contract's facts: let them go.
            del self._facts[id(contract)]
            self._findings_scopes.clear()
        return _Part(findings, consequences, frozenset(self._used_waivers), kept, persons)

    def assessment(self, parts: Callable[[], Iterable[_Part]] | None = None) -> Assessment:
        """The whole assessment.

        Args:
            parts: Gives the contract-scope results when they are being computed elsewhere (by
                worker processes): called once this process's own share of the work is done.
                Without it, `part` runs here over every contract.
        """
        done = [self.part(0, len(self.portfolio.contracts))] if parts is None else []
        by_policy: dict[int, list[Finding]] = {i: [] for i, _ in self.contract_findings}
        # Each person's subject, made once for all of the person-scope policies.
        people = [(person, Subject("person", person.id)) for person in self.portfolio.people]
        for index, policy in self.person_policies:
            if not _is_consequence(policy):
                by_policy[index] = [
                    self.finding(policy, subject, self.person_scope(person), {}, None)
                    for person, subject in people
                ]
        digest = self.portfolio.digest
        placed: dict[int, list[tuple[int, Consequence]]] = {
            i: [] for i, _ in self.contract_consequences
        }
        # The findings' maps, for people's sanctions and rewards: as the parts made them, else
        # made here (by workers' parts, and for person-scope findings), in one pass a policy;
        # and the accountable person of each contract-scope finding, likewise.
        maps_by_policy: dict[int, list[dict[str, Any] | None]] = {}
        persons_by_policy: dict[int, list[str | None]] = {}
        for part in done if parts is None else parts():
            for index, found in part.findings.items():
                by_policy[index].extend(found)
                if self.keep_finding_values:
                    maps_by_policy.setdefault(index, []).extend(
                        part.maps[index] if part.maps is not None else self.make_finding_maps(found)
                    )
                    persons_by_policy.setdefault(index, []).extend(
                        part.persons[index]
                        if part.persons is not None
                        else [finding.accountable.person for finding in found]
                    )
            for index, pairs in part.consequences.items():
                placed[index].extend(pairs)
            self._used_waivers |= part.used_waivers
        findings = self.in_policy_order(by_policy)
        if self.keep_finding_values:
            for index, policy in self.person_policies:
                if not _is_consequence(policy):
                    maps_by_policy[index] = self.make_finding_maps(by_policy[index])
        # Asked for below: contracts whose id is repeated (the others were done by `part`),
        # and people, if a person-scope sanction or reward reads their findings. Indexed a
        # policy at a time, in policy order: the assessment's order.
        relevant = _Relevant(
            [],
            contracts=self.repeated_ids,
            people=self.keep_finding_values,
            maps=[] if self.keep_finding_values else None,
        )
        for index in range(len(self.compiled.policies)):
            if index in by_policy:
                relevant.add(
                    by_policy[index], maps_by_policy.get(index), persons_by_policy.get(index)
                )
        contracts = self.portfolio.contracts
        for index, policy in self.contract_consequences:
            for position, contract in enumerate(contracts):
                if contract.id in self.repeated_ids:
                    facts = self.facts(contract)
                    subject = Subject("contract", contract.id)
                    consequence = self.consequence(
                        policy,
                        subject,
                        facts.bound,
                        facts.failed,
                        contract,
                        relevant(subject),
                        relevant.maps(subject),
                    )
                    placed[index].append((position, consequence))
        consequences_by_policy: dict[int, list[Consequence]] = {
            index: [consequence for _, consequence in sorted(pairs, key=_position)]
            for index, pairs in placed.items()
        }
        for index, policy in self.person_policies:
            if _is_consequence(policy):
                consequences_by_policy[index] = [
                    self.consequence(policy, subject, self.person_scope(person), {}, None,
                                     relevant(subject), relevant.maps(subject))
                    for person, subject in people
                ]  # fmt: skip
        consequences = self.in_policy_order(consequences_by_policy)
        framework = self.compiled.framework
        return Assessment(
            framework=framework.name,
            framework_version=framework.version,
            framework_digest=framework.digest,
            organisation=self.portfolio.organisation,
            portfolio_digest=digest,
            as_of=self.as_of,
            generated_by=f"accountframe {__version__}",
            findings=tuple(findings),
            consequences=tuple(consequences),
            waivers_unused=tuple(self.unused_waivers()),
        )

    def in_policy_order(self, by_policy: Mapping[int, list[_Item]]) -> list[_Item]:
        """Policy position → items, as one list in the framework's policy order."""
        return [
            item for index in range(len(self.compiled.policies))
            for item in by_policy.get(index, ())
        ]  # fmt: skip

    def subjects(
        self, policy: CompiledPolicy
    ) -> Iterable[tuple[Subject, cel.Bindings, Mapping[str, str], Contract | None]]:
        if policy.policy.scope is Scope.PERSON:
            for person in self.portfolio.people:
                yield Subject("person", person.id), self.person_scope(person), {}, None
        else:
            for contract in self.portfolio.contracts:
                bound, failed = self.contract_scope(contract)
                yield Subject("contract", contract.id), bound, failed, contract

    def finding(
        self,
        policy: CompiledPolicy,
        subject: Subject,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        contract: Contract | None,
        facts: _Facts | None = None,
    ) -> Finding:
        """The finding of one policy for one subject (`facts`: the contract's, if at hand)."""
        accountable = self.accountable(policy, contract, facts)
        kind = policy.policy
        try:
            if self.applies(policy, bound, failed):
                status, message, due, evidence = self.judge(policy, bound, failed, contract)
            else:
                status, message, due, evidence = _NOT_APPLICABLE, "does not apply", None, {}
        except _Failed as failure:
            status, message, due, evidence = _ERROR, str(failure), None, {}
        if "message" in policy.programs and status not in _UNJUDGED:
            message = self.message(policy, bound, failed, message)
        # Positional, in field order (policy, kind, subject, status, severity, accountable,
        # message, due, evidence, waiver, tags): a finding per policy and subject is made here.
        finding = Finding(
            kind.id,
            kind.kind,
            subject,
            status,
            kind.severity,
            accountable,
            message,
            due,
            evidence,
            None,
            kind.tags,
        )
        if self._waivers and (status is _WARN or status is _FAIL):
            return self.waive(finding)
        return finding

    def judge(
        self,
        policy: CompiledPolicy,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        contract: Contract | None,
    ) -> _Outcome:
        kind = policy.policy
        if isinstance(kind, Rule):
            if self.test(policy, "require", bound, failed):
                return _PASS, f"met: {kind.title}", None, {}
            return _FAIL, f"not met: {kind.title}", None, {}
        assert contract is not None  # only rules, sanctions and rewards take person scope
        if isinstance(kind, OversightCadence):
            return self.cadence(policy, bound, failed, contract)
        if isinstance(kind, RequiredInformation):
            return self.information(policy, bound, failed, contract)
        if isinstance(kind, PersonalResponsibility):
            return self.responsibility(policy, kind, bound, failed, contract)
        raise AssertionError(f"no judge for {kind.kind}")  # pragma: no cover

    # -- the kinds -------------------------------------------------------------------------

    def freshness(
        self,
        policy: CompiledPolicy,
        every: str,
        events: list[datetime.date],
        start: datetime.date | None,
        what: str,
    ) -> tuple[Status, datetime.date | None, str]:
        """SPEC section 4's due arithmetic: base + every, warn_before, grace."""
        durations = policy.durations
        last = max(events) if events else None
        # An event dated before the contract started does not restart the clock earlier than
        # the start itself; without this, adding such an event could worsen a finding, which
        # SPEC section 6 rules out. Events after the start (the normal case) count as written.
        base = max(last, start) if last and start else (last or start)
        if base is None:
            self.note("freshness", last=None, start=None, base=None)
            return _FAIL, None, f"no {what} on record and no contract start date"
        due = durations[every].after(base)
        warn_from = durations["warn_before"].before(due)
        fail_after = durations["grace"].after(due)
        if self.steps is not None:
            self.note(
                "freshness",
                last=last,
                start=start,
                base=base,
                every=durations[every],
                due=due,
                warn_before=durations["warn_before"],
                warn_from=warn_from,
                grace=durations["grace"],
                fail_after=fail_after,
            )
        since = f"last {what} on {last.isoformat()}" if last else f"no {what} since the start"
        if self.as_of <= warn_from:
            return _PASS, due, f"{since}; next due by {due.isoformat()}"
        if self.as_of <= due:
            days = (due - self.as_of).days
            when = "today" if days == 0 else f"in {_days(days)}"
            return _WARN, due, f"{since}; due by {due.isoformat()} ({when})"
        overdue = (self.as_of - due).days
        if self.as_of <= fail_after:
            return (
                _WARN,
                due,
                f"{since}; was due on {due.isoformat()}, {_days(overdue)} overdue, "
                f"in grace until {fail_after.isoformat()}",
            )
        return _FAIL, due, f"{since}; was due on {due.isoformat()}, {_days(overdue)} overdue"

    def days_overdue(self, due: datetime.date | None) -> int | None:
        """Whole days past `due` on the assessment date, never negative; None without a due."""
        return max(0, (self.as_of - due).days) if due is not None else None

    def counting(self, policy: CompiledPolicy) -> bool:
        """Whether `qualifying` evaluates the policy's `counts_if` for each event."""
        return self.steps is not None or (
            "counts_if" in policy.programs and policy.id not in self._counts_always
        )

    def qualifying(
        self,
        policy: CompiledPolicy,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        name: str,
        dates: list[datetime.date],
        canonical: list[Any],
        items: list[dict[str, Any]] | None,
    ) -> list[datetime.date]:
        """The dates of the events that count. `canonical`: the events as bound (same order;
        may be empty when not `counting`); `items`: as plain values with dates, for the
        recorded steps (None when not explaining).
        """
        counting: list[datetime.date] = []
        if self.steps is None:
            if not self.counting(policy):
                return list(dates)
            # Every event at once, when every one gives a bool: the common case.
            each = policy.programs["counts_if"]._evaluate_each(bound, name, canonical)
            if each is not None:
                return list(itertools.compress(dates, each))
            # Else one by one, which names the event's problem: one scope, the item variable
            # set to each event in turn (the scope is this loop's).
            scope, assign = bound._rebinding(name)
            for date, bound_item in zip(dates, canonical, strict=True):
                assign(bound_item)
                if self.test(policy, "counts_if", scope, failed):
                    counting.append(date)
            return counting
        # Explaining: every event evaluated and recorded, `counts_if: true` included.
        for position, (date, bound_item) in enumerate(zip(dates, canonical, strict=True)):
            item = items[position] if items is not None else None
            counts = "counts_if" not in policy.programs or self.test(
                policy,
                "counts_if",
                bound,
                failed,
                {name: item if items is not None else bound_item},
                {name: bound_item},
            )
            self.note("event", variable=name, item=item, counts=counts)
            if counts:
                counting.append(date)
        return counting

    def cadence(
        self,
        policy: CompiledPolicy,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        contract: Contract,
    ) -> _Outcome:
        facts = self.facts(contract)
        # The reviews dated on or before as_of, as bound (when the policy looks at them).
        reviews = facts.reviews
        canonical = self.bound_events(facts, reviews) if self.counting(policy) else []
        held = [review.date for review in reviews]
        items = facts.view["reviews"] if self.steps is not None else None
        dates = self.qualifying(policy, bound, failed, "review", held, canonical, items)
        status, due, message = self.freshness(policy, "every", dates, contract.start, "review")
        if self.steps is not None:
            self.note("freshness_result", status=status, message=message)
        return (
            status,
            message,
            due,
            {
                "last": max(dates) if dates else None,
                "due": due,
                "days_overdue": self.days_overdue(due),
                "qualifying": len(dates),
            },
        )

    def information(
        self,
        policy: CompiledPolicy,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        contract: Contract,
    ) -> _Outcome:
        kind = policy.policy
        assert isinstance(kind, RequiredInformation)
        facts = self.facts(contract)
        chosen, reports = facts.reports(kind.report)
        canonical = self.bound_events(facts, reports) if self.counting(policy) else []
        held = [report.received for report in reports]
        items = None
        if self.steps is not None:
            items = [facts.view["reports"][position] for position in chosen]
        dates = self.qualifying(policy, bound, failed, "report", held, canonical, items)
        what = f"{kind.report} report"
        status, due, message = self.freshness(policy, "max_age", dates, contract.start, what)
        if self.steps is not None:
            self.note("freshness_result", status=status, message=message)
        failed_check = "freshness" if status is not _PASS else None
        latest = facts.latest.get(kind.report)
        if self.steps is not None:
            self.note("latest", report=facts.view["latest"].get(kind.report))
        if (
            "require" in policy.programs
            and latest is not None
            and not self.test_with(
                policy,
                "require",
                bound,
                failed,
                "report",
                self.bound_events(facts, [latest])[0],
                facts.view["latest"][kind.report] if self.steps is not None else None,
            )
        ):
            failed_check = "require" if status is _PASS else "freshness and require"
            message = (
                f"{message}; the latest {what} ({latest.received.isoformat()}) "
                "does not meet the requirement"
            )
            status = _FAIL
        return (
            status,
            message,
            due,
            {
                "last_received": max(dates) if dates else None,
                "due": due,
                "days_overdue": self.days_overdue(due),
                "failed_check": failed_check,
            },
        )

    def responsibility(
        self,
        policy: CompiledPolicy,
        kind: PersonalResponsibility,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        contract: Contract,
    ) -> _Outcome:
        current = self.facts(contract).current.get(kind.role)
        if current is None:
            ended = [
                a.end
                for a in contract.assignments
                if a.role == kind.role and a.end is not None and a.end < self.as_of
            ]
            if not ended:
                self.note("vacancy", last_end=None)
                return (
                    _FAIL,
                    f"no one holds the role {kind.role!r}, and no one has held it",
                    None,
                    {"person": None, "since": None, "vacant_since": None},
                )
            last_end = max(ended)
            vacant_since = last_end + datetime.timedelta(days=1)
            limit = policy.durations["max_vacancy"].after(last_end)
            self.note(
                "vacancy",
                last_end=last_end,
                vacant_since=vacant_since,
                max_vacancy=policy.durations["max_vacancy"],
                limit=limit,
            )
            vacancy: dict[str, Any] = {"person": None, "since": None, "vacant_since": vacant_since}
            if self.as_of <= limit:
                return (
                    _WARN,
                    f"the role {kind.role!r} has been vacant since {vacant_since.isoformat()}; "
                    f"it must be filled by {limit.isoformat()}",
                    limit,
                    vacancy,
                )
            return (
                _FAIL,
                f"the role {kind.role!r} has been vacant since {vacant_since.isoformat()}, "
                f"longer than the {policy.durations['max_vacancy']} allowed",
                limit,
                vacancy,
            )
        evidence = {
            "person": current.person,
            "since": current.start,
            "vacant_since": None,
        }
        person = self.people.get(current.person)
        if self.steps is not None:
            self.note("holder", assignment=plain(current), known=person is not None)
        if person is None:
            return (
                _ERROR,
                f"the holder {current.person!r} of {kind.role!r} is not in people",
                None,
                evidence,
            )
        name = f"{person.name} ({person.id})"
        if "eligible" in policy.programs and not self.eligible(
            policy, bound, failed, person, current
        ):
            return _FAIL, f"{name} holds {kind.role!r} but is not eligible", None, evidence
        return (
            _PASS,
            f"{name} holds {kind.role!r} since {current.start.isoformat()}",
            None,
            evidence,
        )

    def eligible(
        self,
        policy: CompiledPolicy,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        person: Person,
        current: Assignment,
    ) -> bool:
        """The policy's `eligible` for the holder of its role."""
        if self.steps is None:
            try:  # as bound: the person as `people` holds them, the assignment made canonical
                canonical = {
                    "person": self.base["people"][person.id],
                    "assignment": cel_plain(current, self._stamps),
                }
                return self.test(policy, "eligible", bound, failed, None, canonical)
            except NotCanonical:
                pass  # validated below, which names the problem
        extra = {"person": self.people_values[person.id], "assignment": plain(current)}
        return self.test(policy, "eligible", bound, failed, extra)

    # -- waivers ---------------------------------------------------------------------------

    def waive(self, finding: Finding) -> Finding:
        if finding.status is not _WARN and finding.status is not _FAIL:
            return finding
        candidates = self._waivers.get((finding.policy, finding.subject.id), [])
        if not candidates:
            return finding
        active = [(i, w) for i, w in candidates if w.approved_on <= self.as_of <= w.expires]
        if active:
            index, waiver = max(active, key=lambda item: (item[1].expires, item[0]))
            self._used_waivers.add(index)
            return attrs.evolve(
                finding,
                status=_WAIVED,
                waiver=WaiverApplied(
                    reason=waiver.reason,
                    approved_by=waiver.approved_by,
                    approved_on=waiver.approved_on,
                    expires=waiver.expires,
                    original_status=finding.status,
                ),
            )
        expired = [w for _, w in candidates if w.expires < self.as_of]
        if expired:
            last = max(w.expires for w in expired)
            return attrs.evolve(
                finding, message=f"{finding.message} (a waiver expired on {last.isoformat()})"
            )
        return finding

    def unused_waivers(self) -> Iterable[WaiverUnused]:
        known = {policy.id for policy in self.compiled.policies}
        for index, waiver in enumerate(self.portfolio.waivers):
            if index in self._used_waivers:
                continue
            if not waiver.approved_on <= self.as_of <= waiver.expires:
                continue  # not in force: neither used nor unused today
            reason = (
                "no policy with this id in the framework"
                if waiver.policy not in known
                else "nothing to waive: no warn or fail finding for this policy and subject"
            )
            yield WaiverUnused(policy=waiver.policy, subject=waiver.subject, reason=reason)

    # -- consequences ----------------------------------------------------------------------

    def make_finding_maps(self, findings: list[Finding]) -> list[dict[str, Any] | None]:
        """Each finding as an element of `findings` holds it, as bound, in one pass: made once
        per finding (which is in the `findings` of its subject and of its accountable person),
        and kept beside it. None for one whose map needs the ordinary validation (which then
        gives the error)."""
        make = self._texts_map
        made: list[dict[str, Any] | None] = (
            list(map(make, findings)) if make is not None else [None] * len(findings)
        )
        if None in made:
            made = [
                self._any_finding_map(finding) if value is None else value
                for finding, value in zip(findings, made, strict=True)
            ]
        return made

    def _any_finding_map(self, finding: Finding) -> dict[str, Any] | None:
        """A finding's map (see `make_finding_maps`) for any fields, by `_finding_map`; the
        tags shared per policy."""
        tags = self._tags.get(finding.policy)
        if tags is None or tags[0] is not finding.tags:
            listed = list(finding.tags)
            if any(type(tag) is not str for tag in listed):
                return None
            tags = self._tags[finding.policy] = (finding.tags, listed)
        return _finding_map(finding, tags[1], self._stamps, self.finding_fields)

    def consequence(
        self,
        policy: CompiledPolicy,
        subject: Subject,
        bound: cel.Bindings,
        failed: Mapping[str, str],
        contract: Contract | None,
        relevant: list[Finding],
        maps: list[dict[str, Any] | None] | None = None,
    ) -> Consequence:
        """A sanction or reward for one subject; `relevant`: its `findings` (see `_Relevant`),
        and `maps`, when at hand, their maps as bound (see `make_finding_maps`)."""
        kind = policy.policy
        assert isinstance(kind, ConsequencePolicy)
        accountable = self.accountable(policy, contract)
        # Every consequence policy of a subject sees the same findings: bind them once.
        cached = self._findings_scopes.get(id(relevant))
        if cached is not None and cached[0] is relevant and cached[1] is bound:
            scope = cached[2]
        else:
            if maps is None:
                maps = self.make_finding_maps(relevant)
            if None in maps:  # not canonical as made: bind the plain maps, validated
                scope = bound.merged({"findings": [_finding_value(f) for f in relevant]})
            else:
                scope = bound._trusted_merged({"findings": maps})
            self._findings_scopes[id(relevant)] = (relevant, bound, scope)
        if self.steps is not None:
            self.note("findings", findings=[_finding_value(finding) for finding in relevant])
        amount: float | None = None
        due: datetime.date | None = None
        try:
            if not self.applies(policy, scope, failed):
                status, message = _NOT_TRIGGERED, "does not apply"
            elif not self.test(policy, "trigger", scope, failed):
                status, message = _NOT_TRIGGERED, "not triggered"
            else:
                if "amount" in policy.programs:
                    amount = float(self.run(policy, "amount", scope, failed, (int, float)))
                    if not math.isfinite(amount):  # no amount to apply, and no JSON number
                        where = policy.where("amount")
                        raise _Failed(f"amount must be a finite number (got {amount}) (at {where})")
                applied = "applied_if" in policy.programs and self.test(
                    policy, "applied_if", scope, failed
                )
                if applied:
                    status, message = _APPLIED, "triggered and already applied"
                else:
                    within = policy.durations.get("within")
                    due = within.after(self.as_of) if within else None
                    status = _DUE
                    message = f"triggered; apply by {due.isoformat()}" if due else "triggered"
                message = self.message(policy, scope, failed, message)
        except _Failed as failure:
            status, message, amount, due = _CONSEQUENCE_ERROR, str(failure), None, None
        # Positional, in field order (policy, effect, subject, status, action, accountable,
        # amount, due, message, severity): one is made per sanction or reward and subject.
        return Consequence(
            policy.id,
            kind.effect,
            subject,
            status,
            kind.action,
            accountable,
            amount,
            due,
            message,
            kind.severity,
        )


def _days(count: int) -> str:
    return f"{count} day{'s' * (count != 1)}"


def _finding_value(finding: Finding) -> dict[str, Any]:
    """A finding as the `findings` variable shows it to sanctions and rewards."""
    return {
        "policy": finding.policy,
        "kind": finding.kind,
        "status": finding.status.value,
        "severity": finding.severity.value,
        "tags": list(finding.tags),
        "subject": finding.subject.id,
        "subject_type": finding.subject.type,
        "accountable": finding.accountable.person or "",
        "evidence": {key: value for key, value in finding.evidence.items() if value is not None},
    }


_INT64 = range(-(2**63), 2**63)
#: Statuses a policy's `message` does not replace.
_UNJUDGED = frozenset({_ERROR, _NOT_APPLICABLE})


def _finding_map(
    finding: Finding, tags: list[str], stamps: Stamps, fields: frozenset[str] | None = None
) -> dict[str, Any] | None:
    """`plain_value(_finding_value(finding))`, the map as bound, made directly (given
    `fields`, only its items with those keys); or None when a value is not one it is sure of
    (the caller then validates `_finding_value(finding)`).

    `tags`: `list(finding.tags)`, shared by the maps of one policy's findings.
    """
    want = _FINDING_KEYS if fields is None else fields
    result: dict[str, Any] = {}
    subject = finding.subject
    for key in _FINDING_ORDER:
        if key not in want:
            continue
        if key == "status":
            result[key] = finding.status._value_
        elif key == "severity":
            result[key] = finding.severity._value_
        elif key == "tags":
            result[key] = tags
        elif key == "evidence":
            evidence: dict[str, Any] = {}
            for name, value in finding.evidence.items():
                kind = type(value)
                if kind is str or kind is float or kind is bool:
                    evidence[name] = value
                elif kind is datetime.date:
                    evidence[name] = stamps.get(value) or _stamp(value, stamps)
                elif kind is int and value in _INT64:
                    evidence[name] = value
                elif value is not None:
                    return None
            result[key] = evidence
        else:
            if key == "policy":
                text: object = finding.policy
            elif key == "kind":
                text = finding.kind
            elif key == "subject":
                text = subject.id
            elif key == "subject_type":
                text = subject.type
            else:
                text = finding.accountable.person or ""
            if type(text) is not str:
                return None
            result[key] = text
    return result


#: The keys of a `findings` map, in order (see `_finding_value`).
_FINDING_ORDER = ("policy", "kind", "status", "severity", "tags", "subject", "subject_type",
                  "accountable", "evidence")  # fmt: skip
_FINDING_KEYS = frozenset(_FINDING_ORDER)
#: Where each text key of a finding's `findings` map comes from (see `_finding_value`).
_FINDING_TEXTS = {
    "policy": "finding.policy",
    "kind": "finding.kind",
    "status": "finding.status._value_",
    "severity": "finding.severity._value_",
    "subject": "finding.subject.id",
    "subject_type": "finding.subject.type",
    "accountable": "finding.accountable.person",
}


@functools.lru_cache(maxsize=64)
def _texts_finding_map(
    fields: frozenset[str] | None,
) -> Callable[[Finding], dict[str, Any] | None] | None:
    """For `findings` maps that hold only text keys (no tags, no evidence): a function making
    one from a finding, or None when `fields` wants other keys.

    The function is generated from the keys (one read and one exact-type test per key, then a
    dict display). It gives the map only when every value is exact text, else None, and
    `_finding_map` decides: a vacant role's `accountable`, None here, is "" there.

    Example:
        >>> _texts_finding_map(frozenset({"tags", "policy"})) is None
        True
    """
    want = _FINDING_KEYS if fields is None else fields
    keys = [key for key in _FINDING_ORDER if key in want]
    if not keys or not _FINDING_TEXTS.keys() >= set(keys):
        return None
    names = [f"v{number}" for number in range(len(keys))]
    tests = " and ".join(f"type({name}) is str" for name in names)
    display = ", ".join(f"{key!r}: {name}" for key, name in zip(keys, names, strict=True))
    lines = ["def texts_map(finding):"]
    lines += [f"    {name} = {_FINDING_TEXTS[key]}" for key, name in zip(keys, names, strict=True)]
    lines += [f"    return {{{display}}} if {tests} else None"]
    namespace: dict[str, Any] = {}
    # Made once per set of keys (kept): the function and its namespace refer to each other.
    exec("\n".join(lines), namespace)  # the text is built above from the fixed table only
    made: Callable[[Finding], dict[str, Any] | None] = namespace["texts_map"]
    return made


class _Relevant:
    """The findings a sanction or reward sees as `findings`, for any subject (SPEC section 4).

    For a contract: the findings about it. For a person: the findings about them (person
    scope) and those for which they are the accountable person. Always in assessment order;
    each subject's list is made once.
    """

    def __init__(
        self,
        findings: list[Finding],
        contracts: Iterable[str] | None = None,
        people: bool = True,
        maps: list[dict[str, Any] | None] | None = None,
    ) -> None:
        """Index `findings` for the subjects that will be asked for: the contracts with ids in
        `contracts` (None: every contract), and every person if `people`. `maps`, if given:
        the findings' maps as bound, in the same order, indexed alongside (see `maps`)."""
        #: Subject id → its findings, for people and for contracts.
        self.people: collections.defaultdict[str, list[Finding]] = collections.defaultdict(list)
        self.contracts: collections.defaultdict[str, list[Finding]] = collections.defaultdict(list)
        #: The same for their maps, when given.
        self.people_maps: collections.defaultdict[str, list[dict[str, Any] | None]]
        self.contract_maps: collections.defaultdict[str, list[dict[str, Any] | None]]
        self.people_maps, self.contract_maps = (
            collections.defaultdict(list),
            collections.defaultdict(list),
        )
        self._empty: list[Finding] = []
        self._no_maps: list[dict[str, Any] | None] = []
        self._has_maps = maps is not None
        self._wanted = None if contracts is None else frozenset(contracts)
        self._with_people = people
        if findings:
            self.add(findings, maps)

    def add(
        self,
        findings: list[Finding],
        maps: list[dict[str, Any] | None] | None = None,
        persons: list[str | None] | None = None,
    ) -> None:
        """Index more findings, which come after those indexed so far (with their `maps`, if
        maps were given to the constructor).

        `persons`, given only for findings that are all about contracts: the accountable
        person of each, in the same order, read when the findings were made. With it, when no
        contract's findings are asked for, only the index of people is built and the findings
        themselves are not read: findings made long before lie scattered in memory, where
        reading each one's subject and accountable person costs several times indexing it.
        """
        wanted, people = self._wanted, self._with_people
        if not people and wanted is not None and not wanted:
            return  # nobody's findings are asked for
        about_people, maps_people = self.people, self.people_maps
        given: Iterable[dict[str, Any] | None] = itertools.repeat(None) if maps is None else maps
        if persons is not None and wanted is not None and not wanted:
            for finding, made, person in zip(findings, given, persons, strict=False):
                if person is not None:
                    about_people[person].append(finding)
                    maps_people[person].append(made)
            return
        about, maps_contracts = self.contracts, self.contract_maps
        for finding, made in zip(findings, given, strict=False):
            subject = finding.subject
            person = finding.accountable.person if people else None
            if subject.type == "person":
                about_people[subject.id].append(finding)
                maps_people[subject.id].append(made)
                if person is not None and person != subject.id:
                    about_people[person].append(finding)
                    maps_people[person].append(made)
            else:
                if wanted is None or subject.id in wanted:
                    about[subject.id].append(finding)
                    maps_contracts[subject.id].append(made)
                if person is not None:
                    about_people[person].append(finding)
                    maps_people[person].append(made)

    def __call__(self, subject: Subject) -> list[Finding]:
        about = self.people if subject.type == "person" else self.contracts
        return about.get(subject.id, self._empty)

    def maps(self, subject: Subject) -> list[dict[str, Any] | None] | None:
        """The maps of `self(subject)`, in the same order; None when none were given."""
        if not self._has_maps:
            return None
        about = self.people_maps if subject.type == "person" else self.contract_maps
        found: list[dict[str, Any] | None] = about.get(subject.id, self._no_maps)
        return found


def _validated_events(facts: _Facts, view: Mapping[str, Any]) -> dict[int, Any]:
    """id of each review and report of the facts' contract dated on or before as_of → its
    value in `view`, the contract's whole value as validated bindings hold it."""
    events = dict(zip(map(id, facts.reviews), view["reviews"], strict=True))
    events.update(zip(map(id, facts.received), view["reports"], strict=True))
    return events


def _literally_true(policies: Iterable[CompiledPolicy], field: str) -> frozenset[str]:
    """Ids of the policies whose `field` is the expression `true`, which gives nothing else."""
    return frozenset(
        policy.id
        for policy in policies
        if field in policy.programs and policy.programs[field].source.strip() == "true"
    )


def _scope(policy: CompiledPolicy) -> Scope:
    return policy.policy.scope


def _is_consequence(policy: CompiledPolicy) -> bool:
    return isinstance(policy.policy, ConsequencePolicy)


def _position(pair: tuple[int, Consequence]) -> int:
    return pair[0]


def _index_waivers(waivers: Iterable[Waiver]) -> dict[tuple[str, str], list[tuple[int, Waiver]]]:
    index: dict[tuple[str, str], list[tuple[int, Waiver]]] = {}
    for position, waiver in enumerate(waivers):
        index.setdefault((waiver.policy, waiver.subject), []).append((position, waiver))
    return index


def _where(program: cel.Program, fallback: str) -> str:
    return str(program.location) if program.location is not None else fallback


def _type_name(expected: type | tuple[type, ...]) -> str:
    if expected is bool:
        return "a bool"
    if expected is str:
        return "a string"
    return "a number"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"bool {str(value).lower()}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, int | float):
        return f"{type(value).__name__} {value!r}"
    return type(value).__name__
