"""One assessment: every policy judged for every subject in its scope (SPEC sections 4 and 6).

A `Run` does the work in two halves. `part` does everything that needs only one contract at a
time: the contract-scope findings and the contract-scope consequences (whose `findings` are
the findings about that contract). `assessment` then does what needs the whole portfolio: the
organisation-scope and person-scope findings and consequences, unused waivers and the
summary. `part` can run over
chunks of contracts in other processes (`evaluation.pool`), with the same result.

Around each judge (`evaluation.judges`) the run applies what is the same for every kind: who
is accountable (`accountability`), `applies_to`, the policy's `message` (of a warn or a fail)
and `pass_message` (of a pass), waivers (`waivers`), and fail-closed errors.

Guarantees:

- one finding per (policy, subject) for the finding kinds, and one consequence per
  (policy, subject) for sanctions and rewards: nothing is dropped;
- fail closed: an expression that errors, or gives the wrong type, makes the finding `error`
  (or the consequence `error`), never `pass`, and every other finding is still produced;
- no wall clock: everything is computed as of the given date;
- deterministic order: policy order, then subject order (portfolio order).
"""

from __future__ import annotations

import collections
import copy
import datetime
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from accountframe._version import __version__
from accountframe.assessment import Assessment, Consequence, Finding, Status
from accountframe.compiler.compiler import CompiledPolicy, Plan
from accountframe.evaluation.accountability import Chain
from accountframe.evaluation.expressions import Expressions, Failed, ObservedExpressions, Rebound
from accountframe.evaluation.findings import FindingMaps, FindingsIndex, Since, finding_value
from accountframe.evaluation.judges import CONSEQUENCE_JUDGES, FINDING_JUDGES
from accountframe.evaluation.judges.base import Judging, Outcome
from accountframe.evaluation.observer import SILENT, Observer
from accountframe.evaluation.scope import Scope, Scopes
from accountframe.evaluation.waivers import Waivers
from accountframe.framework.policies import Consequence as ConsequencePolicy
from accountframe.framework.policies import Scope as PolicyScope
from accountframe.model import Portfolio

__all__ = ["Part", "Run"]

# The statuses, read once. On Python 3.11 the enum metaclass defines `__getattr__`, so reading a
# member from its class (`Status.PASS`) takes a slower path than reading a global, about a tenth
# of a microsecond more; judging reads a status or two for every finding.
_WARN, _FAIL, _ERROR = Status.WARN, Status.FAIL, Status.ERROR
_NOT_APPLICABLE = Status.NOT_APPLICABLE
_PASS = Status.PASS

_Item = TypeVar("_Item")


@attrs.frozen
class Part:
    """What a run of contract-scope work over some contracts produced (see `Run.part`)."""

    #: Policy position → findings, in contract order.
    findings: dict[int, list[Finding]]
    #: Policy position → consequences, in contract order; contracts whose id is repeated in the
    #: portfolio are left for `Run.assessment`, which sees every finding.
    consequences: dict[int, list[Consequence]]
    #: The position in the portfolio of the contract of each consequence, for every policy.
    positions: list[int]
    #: Positions of the waivers that waived a finding.
    used_waivers: frozenset[int]
    #: Policy position → each finding's map in `findings` as bound (see `FindingMaps`), in the
    #: same order as `findings`; None when they are not kept (`keep_finding_values`).
    maps: dict[int, list[dict[str, Any] | None]] | None = None
    #: Policy position → the accountable person of each finding in `findings` (None: nobody),
    #: read as each was made; kept with `maps`, for `FindingsIndex`.
    persons: dict[int, list[str | None]] | None = None


class Run:
    """One assessment of a plan over a portfolio as of a date (see the module).

    Args:
        plan: The compiled framework.
        portfolio: The facts.
        as_of: The assessment date.
        observer: Told each step of every judgement (`evaluation.observer`); a thorough one
            (a `Recorder`) has every expression evaluated and told.
        scopes: The scopes to use, made for `as_of` (`Scopes.at`); new ones when not given.
        since: With a look-back: when each finding's current spell began, which sanctions
            and rewards see as `since` and `days_in_status` of `findings` elements.
    """

    def __init__(
        self,
        plan: Plan,
        portfolio: Portfolio,
        as_of: datetime.date,
        observer: Observer = SILENT,
        scopes: Scopes | None = None,
        since: Since | None = None,
    ) -> None:
        self.plan = plan
        self.since = since
        self.portfolio = portfolio
        self.as_of = as_of
        # A thorough observer (an explanation) is shown every value whole.
        self.scopes = scopes or Scopes(plan, portfolio, as_of, whole=observer.thorough)
        self.expressions = (ObservedExpressions if observer.thorough else Expressions)(
            plan, observer
        )
        self.judging = Judging(self.scopes, self.expressions)
        self.chain = Chain(plan, portfolio, self.scopes.people)
        self.waivers = Waivers(portfolio.waivers, as_of)
        self.has_waivers = bool(self.waivers)
        #: The currency of exposures not tied to a contract.
        self.currency = portfolio.currency
        self.maps = FindingMaps(plan.finding_fields, self.scopes.stamps)
        positions = list(enumerate(plan.policies))
        self.contract_findings = [
            (i, p)
            for i, p in positions
            if _scope(p) is PolicyScope.CONTRACT and not _consequence(p)
        ]
        self.contract_consequences = [
            (i, p) for i, p in positions if _scope(p) is PolicyScope.CONTRACT and _consequence(p)
        ]
        self.person_policies = [(i, p) for i, p in positions if _scope(p) is PolicyScope.PERSON]
        organisation = PolicyScope.ORGANISATION
        self.organisation_policies = [(i, p) for i, p in positions if _scope(p) is organisation]
        counts = collections.Counter(contract.id for contract in portfolio.contracts)
        #: Contract ids listed more than once (possible in a portfolio built in Python): their
        #: `findings` are the findings of every contract with that id.
        self.repeated_ids = frozenset(key for key, count in counts.items() if count > 1)
        #: Whether `part` keeps each contract's value for the person and the organisation
        #: scopes' `contracts`.
        self.keep_contract_values = (bool(self.person_policies) and plan.reads_contracts) or (
            bool(self.organisation_policies) and plan.organisation_reads_contracts
        )
        #: Whether `part` keeps the `findings` maps it makes (`Part.maps`), for people's
        #: sanctions and rewards.
        self.keep_finding_values = any(_consequence(p) for _, p in self.person_policies)
        #: id of a subject's `findings` → (them, the subject's bindings, with them bound).
        self._findings_scopes: dict[int, tuple[list[Any], Any, Rebound]] = {}

    def at(self, as_of: datetime.date) -> Run:
        """This run moved to another date: what does not depend on the date (the compiled
        policies' partitions, the people as bound, the accountability chain's answers by
        role and holder) is kept, the rest made for `as_of` (history, day after day)."""
        moved = copy.copy(self)
        moved.as_of = as_of
        moved.scopes = self.scopes.at(as_of)
        moved.judging = Judging(moved.scopes, self.expressions)
        moved.waivers = self.waivers.at(as_of)
        moved._findings_scopes = {}
        return moved

    # -- one policy, one subject -------------------------------------------------------------

    def outcome(self, policy: CompiledPolicy, scope: Scope) -> Outcome:
        """The judgement of a finding kind's policy for a subject, failing closed."""
        try:
            if self.expressions.applies(policy, scope):
                return FINDING_JUDGES[policy.policy.kind](policy, scope, self.judging)
            return _NOT_APPLICABLE, "does not apply", None, {}, ()
        except Failed as failure:
            return _ERROR, str(failure), None, {}, ()

    def finding(self, policy: CompiledPolicy, scope: Scope) -> Finding:
        """The finding of one policy for one subject."""
        return self.found(policy, scope, self.outcome(policy, scope))

    def found(self, policy: CompiledPolicy, scope: Scope, outcome: Outcome) -> Finding:
        """The finding for an outcome: who is accountable, the policy's message, a waiver."""
        accountable = self.chain.accountable(policy, scope)
        kind = policy.policy
        status, message, due, evidence, _ = outcome
        # A policy's `message` says what is wrong: it replaces the message of a warn or a fail
        # only (a waived finding keeps it: it was one of them); `pass_message`, a pass's.
        if status is _WARN or status is _FAIL:
            if "message" in policy.programs:
                message = self.expressions.message(policy, scope, message)
        elif status is _PASS and "pass_message" in policy.programs:
            message = self.expressions.message(policy, scope, message, "pass_message")
        elif status is _NOT_APPLICABLE:
            accountable = self.chain.unrouted(accountable)  # asks nothing: not escalated
        exposure: float | None = None
        currency: str | None = None
        if (status is _WARN or status is _FAIL) and "exposure" in policy.programs:
            try:
                exposure = self.exposure(policy, scope)
            except Failed as failure:
                # Fail closed: money at stake that cannot be worked out is an error, not a
                # finding without it.
                status, message, due = _ERROR, _exposure_failed(str(failure)), None
            else:
                contract = scope.contract
                currency = contract.value.currency if contract is not None else self.currency
        # Positional, in field order (policy, kind, subject, status, severity, accountable,
        # message, due, evidence, waiver, tags): a finding per policy and subject is made here,
        # so the fields after them (since, ..., exposure, currency) are left to their defaults
        # unless there is money at stake (fewer arguments: measurably fewer instructions).
        finding = Finding(
            kind.id,
            kind.kind,
            scope.subject,
            status,
            kind.severity,
            accountable,
            message,
            due,
            evidence,
            None,
            kind.tags,
        )
        if exposure is not None:
            finding = attrs.evolve(finding, exposure=exposure, currency=currency)
        if self.has_waivers and (status is _WARN or status is _FAIL):
            return self.waivers.apply(finding)
        return finding

    def exposure(self, policy: CompiledPolicy, scope: Scope) -> float:
        """The policy's `exposure` for a subject: a finite number, not negative; `Failed` if
        the expression failed or gave a negative, NaN or infinite number."""
        value = float(self.expressions.value(policy, "exposure", scope, (int, float)))
        if not math.isfinite(value) or value < 0:
            raise Failed(
                f"exposure failed: it must be a finite number, not negative (got {value}) "
                f"(at {policy.where('exposure')})"
            )
        return value

    def consequence(
        self,
        policy: CompiledPolicy,
        scope: Scope,
        relevant: list[Finding] | None,
        maps: list[dict[str, Any] | None] | None = None,
    ) -> Consequence:
        """A sanction or reward for one subject; `relevant`: its `findings` (see
        `FindingsIndex`), and `maps`, when at hand, their maps as bound (see `FindingMaps`).
        A streamed assessment keeps only the maps: `relevant` is then None, and `maps` given,
        with none None (and no look-back, no thorough observer)."""
        kind = policy.policy
        assert isinstance(kind, ConsequencePolicy)
        accountable = self.chain.accountable(policy, scope)
        # Every consequence policy of a subject sees the same findings: bind them once.
        key: list[Any] | None = relevant if relevant is not None else maps
        cached = self._findings_scopes.get(id(key))
        if cached is not None and cached[0] is key and cached[1] is scope.bound:
            at = cached[2]
        elif relevant is None:
            assert maps is not None
            assert None not in maps
            assert self.since is None
            at = Rebound(scope.bound._trusted_merged({"findings": maps}), scope.failed)
            self._findings_scopes[id(maps)] = (maps, scope.bound, at)
        else:
            if self.since is not None:  # with since and days_in_status: made here, validated
                since, day = self.since, self.as_of
                bound = scope.bound.merged({"findings": [since.value(f, day) for f in relevant]})
            else:
                if maps is None:
                    maps = self.maps(relevant)
                if None in maps:  # not canonical as made: bind the plain maps, validated
                    bound = scope.bound.merged({"findings": [finding_value(f) for f in relevant]})
                else:
                    bound = scope.bound._trusted_merged({"findings": maps})
            at = Rebound(bound, scope.failed)
            self._findings_scopes[id(relevant)] = (relevant, scope.bound, at)
        if self.judging.observer.thorough:
            assert relevant is not None  # an explanation is never streamed
            shown = (
                [finding_value(finding) for finding in relevant]
                if self.since is None
                else [self.since.value(finding, self.as_of) for finding in relevant]
            )
            self.judging.observer.note("findings", findings=shown)
        status, message, amount, due = CONSEQUENCE_JUDGES[kind.kind](policy, at, self.judging)
        # Positional, in field order (policy, effect, subject, status, action, accountable,
        # amount, due, message, severity): one is made per sanction or reward and subject.
        return Consequence(
            policy.id,
            kind.effect,
            scope.subject,
            status,
            kind.action,
            accountable,
            amount,
            due,
            message,
            kind.severity,
        )

    def reset(self) -> None:
        """Forget the subjects' `findings` bound so far: call it when a subject's findings, the
        same list object, have changed (history reuses one list a contract, day after day)."""
        self._findings_scopes.clear()

    def subjects(self, policy: CompiledPolicy) -> Iterable[Scope]:
        """The scope of every subject of the policy, in portfolio order."""
        if policy.policy.scope is PolicyScope.PERSON:
            for person in self.portfolio.people:
                yield self.scopes.person(person)
        elif policy.policy.scope is PolicyScope.ORGANISATION:
            yield self.scopes.organisation()
        else:
            for contract in self.portfolio.contracts:
                yield self.scopes.contract(contract)

    # -- the assessment ----------------------------------------------------------------------

    def part(self, start: int, stop: int) -> Part:
        """Contract-scope findings and consequences for `portfolio.contracts[start:stop]`."""
        findings: dict[int, list[Finding]] = {i: [] for i, _ in self.contract_findings}
        consequences: dict[int, list[Consequence]] = {i: [] for i, _ in self.contract_consequences}
        # The contract position of each consequence (a list beside it, not a pair each: fewer
        # objects for the collector to look at).
        positions: list[int] = []
        keep = self.keep_contract_values
        # The maps of the findings, as `findings` binds them, kept for people's sanctions and
        # rewards: in the order of `findings`.
        kept: dict[int, list[dict[str, Any] | None]] | None = None
        # And their accountable people, read while each finding is at hand: reading them
        # later, from findings scattered in memory, costs far more (see `FindingsIndex`).
        persons: dict[int, list[str | None]] | None = None
        if self.keep_finding_values:
            kept = {i: [] for i, _ in self.contract_findings}
            persons = {i: [] for i, _ in self.contract_findings}
        contracts = self.portfolio.contracts
        need_maps = bool(self.contract_consequences) or kept is not None
        for position in range(start, stop):
            contract = contracts[position]
            scope = self.scopes.contract(contract)
            about: list[Finding] = []
            for index, policy in self.contract_findings:
                finding = self.finding(policy, scope)
                findings[index].append(finding)
                about.append(finding)
                if persons is not None:
                    persons[index].append(finding.accountable.person)
            maps = self.maps(about) if need_maps else None
            if kept is not None and maps is not None:
                for (index, _), made in zip(self.contract_findings, maps, strict=True):
                    kept[index].append(made)
            if contract.id not in self.repeated_ids and self.contract_consequences:
                positions.append(position)
                for index, policy in self.contract_consequences:
                    consequences[index].append(self.consequence(policy, scope, about, maps))
            # Nothing else needs this contract's scope: let it go.
            self.scopes.forget(scope, keep=keep)
            self.reset()
        return Part(findings, consequences, positions, frozenset(self.waivers.used), kept, persons)

    def assessment(self, parts: Callable[[], Iterable[Part]] | None = None) -> Assessment:
        """The whole assessment.

        Args:
            parts: Gives the contract-scope results when they are being computed elsewhere (by
                worker processes): called once this process's own share of the work is done.
                Without it, `part` runs here over every contract.
        """
        done = [self.part(0, len(self.portfolio.contracts))] if parts is None else []
        by_policy: dict[int, list[Finding]] = {i: [] for i, _ in self.contract_findings}
        people = [self.scopes.person(person) for person in self.portfolio.people]
        for index, policy in self.person_policies:
            if not _consequence(policy):
                by_policy[index] = [self.finding(policy, scope) for scope in people]
        digest = self.portfolio.digest
        # Each contract-scope consequence, and its contract's position in the portfolio.
        placed: dict[int, list[Consequence]] = {i: [] for i, _ in self.contract_consequences}
        positions: list[int] = []
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
                        part.maps[index] if part.maps is not None else self.maps(found)
                    )
                    persons_by_policy.setdefault(index, []).extend(
                        part.persons[index]
                        if part.persons is not None
                        else [finding.accountable.person for finding in found]
                    )
            for index, made in part.consequences.items():
                placed[index].extend(made)
            positions.extend(part.positions)
            self.waivers.used |= part.used_waivers
        organised = self.organisation_findings(by_policy)
        findings = self.in_policy_order(by_policy)
        if self.keep_finding_values:
            for index, policy in self.person_policies + self.organisation_policies:
                if not _consequence(policy):
                    maps_by_policy[index] = self.maps(by_policy[index])
        # Asked for below: contracts whose id is repeated (the others were done by `part`),
        # and people, if a person-scope sanction or reward reads their findings. Indexed a
        # policy at a time, in policy order: the assessment's order.
        relevant = FindingsIndex(
            [],
            contracts=self.repeated_ids,
            people=self.keep_finding_values,
            maps=[] if self.keep_finding_values else None,
        )
        for index in range(len(self.plan.policies)):
            if index in by_policy:
                relevant.add(
                    by_policy[index], maps_by_policy.get(index), persons_by_policy.get(index)
                )
        if self.repeated_ids:
            positions.extend(self.repeated_consequences(placed, relevant))
            # Into contract order: a position is given once per contract, for every policy.
            order = sorted(range(len(positions)), key=positions.__getitem__)
            placed = {index: [made[i] for i in order] for index, made in placed.items()}
        consequences_by_policy: dict[int, list[Consequence]] = dict(placed)
        for index, policy in self.person_policies:
            if _consequence(policy):
                consequences_by_policy[index] = [
                    self.consequence(policy, scope, relevant(scope.subject),
                                     relevant.maps(scope.subject))
                    for scope in people
                ]  # fmt: skip
        for index, policy in self.organisation_policies:
            if _consequence(policy):
                consequences_by_policy[index] = [
                    self.consequence(policy, self.scopes.organisation(), organised)
                ]
        framework = self.plan.framework
        return Assessment(
            framework=framework.name,
            framework_version=framework.version,
            framework_digest=framework.digest,
            bases=framework.policy_bases(),
            organisation=self.portfolio.organisation,
            portfolio_digest=digest,
            as_of=self.as_of,
            generated_by=f"accountframe {__version__}",
            findings=tuple(findings),
            consequences=tuple(self.in_policy_order(consequences_by_policy)),
            waivers_unused=tuple(self.waivers.unused(policy.id for policy in self.plan.policies)),
        )

    def organisation_findings(self, by_policy: dict[int, list[Finding]]) -> list[Finding]:
        """The organisation-scope findings, one a policy, added to `by_policy`; gives them in
        policy order: the organisation's sanctions and rewards see them as `findings`."""
        made: list[Finding] = []
        for index, policy in self.organisation_policies:
            if not _consequence(policy):
                finding = self.finding(policy, self.scopes.organisation())
                by_policy[index] = [finding]
                made.append(finding)
        return made

    def repeated_consequences(
        self, placed: dict[int, list[Consequence]], relevant: FindingsIndex
    ) -> list[int]:
        """The consequences of the contracts whose id is repeated (`part` leaves them: their
        `findings` are those of every contract with that id), added to `placed`; gives the
        position of each contract done."""
        done: list[int] = []
        for position, contract in enumerate(self.portfolio.contracts):
            if contract.id in self.repeated_ids:
                scope = self.scopes.contract(contract)
                found, maps = relevant(scope.subject), relevant.maps(scope.subject)
                for index, policy in self.contract_consequences:
                    placed[index].append(self.consequence(policy, scope, found, maps))
                done.append(position)
        return done

    def in_policy_order(self, by_policy: Mapping[int, Sequence[_Item]]) -> list[_Item]:
        """Policy position → items, as one list in the framework's policy order."""
        return [
            item for index in range(len(self.plan.policies))
            for item in by_policy.get(index, ())
        ]  # fmt: skip


def _exposure_failed(message: str) -> str:
    """A finding's message when its exposure failed: says so, then why.

    >>> _exposure_failed("exposure: definition 'x' failed: no such key")
    "exposure failed: definition 'x' failed: no such key"
    >>> _exposure_failed("exposure must give a number (got string 'a')")
    "exposure failed: it must give a number (got string 'a')"
    """
    if message.startswith("exposure failed"):
        return message
    if message.startswith("exposure must"):  # a value of the wrong type
        return f"exposure failed: it{message.removeprefix('exposure')}"
    return f"exposure failed: {message.removeprefix('exposure: ')}"


def _scope(policy: CompiledPolicy) -> PolicyScope:
    return policy.policy.scope


def _consequence(policy: CompiledPolicy) -> bool:
    return isinstance(policy.policy, ConsequencePolicy)
