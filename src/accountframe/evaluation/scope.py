"""Subjects as the policies see them: a contract's, a person's or the organisation's bindings.

A *scope* is one subject of one assessment: its CEL bindings (the run's base variables, then
`contract` with every definition, or `person` and `contracts`, or `organisation` and
`contracts`), the definitions that failed for it, and the contract (with its views as of the
date, worked out once and shared by every policy), the person or the organisation. `Scopes`
builds them for one run, each once.

The values bound are built canonical by the library itself (`cel_plain`, `Contract._cel_view`)
and bound without validating them again; a value that the fast builders are not sure of
(`Declined`) is bound the ordinary way instead, which validates it and names any problem.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Mapping
from typing import Any

from accountframe import cel
from accountframe.assessment import Accountable, Subject
from accountframe.compiler.compiler import Plan
from accountframe.errors import CelError
from accountframe.fastpath import Declined
from accountframe.load.plain import Stamps, cel_items, cel_plain, plain
from accountframe.model import (
    Assignment,
    Contract,
    Person,
    Portfolio,
    Report,
    Review,
    last_reviews,
    latest_reports,
)

__all__ = [
    "ContractScope",
    "EventScope",
    "OrganisationScope",
    "PersonScope",
    "Scope",
    "Scopes",
    "failed_definition",
]

# A failed definition is left unbound, so CEL's own rules decide whether it matters
# (`true || failed` is true); when it does, this is the error CEL gives.
_UNBOUND = re.compile(r"undeclared reference to '([A-Za-z_][A-Za-z0-9_]*)'")


def failed_definition(error: CelError, failed: Mapping[str, str]) -> str | None:
    """The failed definition (a name in `failed`) that made `error`, if one did."""
    match = _UNBOUND.search(error.cel_message)
    if match and match.group(1) in failed:
        return match.group(1)
    return None


class ContractScope:
    """One contract as one assessment sees it: derived once and shared by every policy."""

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
        "subject",
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
        self.subject = Subject("contract", contract.id)
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
        #: id of a review or report → its value as bound (see `Scopes.bound_events`).
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


class PersonScope:
    """One person as a person-scope policy sees them: `person`, and `contracts` on which they
    currently hold any role."""

    __slots__ = ("bound", "failed", "person", "subject")

    #: A person's scope has no contract (and so no contract facts).
    contract = None

    def __init__(self, person: Person, bound: cel.Bindings) -> None:
        self.person = person
        self.subject = Subject("person", person.id)
        self.bound = bound
        #: No definitions are evaluated for a person: none can fail.
        self.failed: Mapping[str, str] = {}


class OrganisationScope:
    """The organisation as an organisation-scope policy sees it (issue 23): `organisation`
    (its name, its own reports and reviews dated on or before as_of with their views, its
    role holders) and `contracts`, every contract as contract-scope expressions see
    `contract`, in portfolio order. One subject: `{type: organisation, id: <name>}`."""

    __slots__ = ("as_of", "bound", "events", "failed", "portfolio", "received", "reviews",
                 "subject", "view")  # fmt: skip

    #: The organisation's scope has no contract (and so no contract facts or start date).
    contract = None

    def __init__(
        self, portfolio: Portfolio, as_of: datetime.date, view: dict[str, Any], bound: cel.Bindings
    ) -> None:
        self.portfolio = portfolio
        self.subject = Subject("organisation", portfolio.organisation)
        self.as_of = as_of
        #: `organisation` as plain values, before binding (what explained steps show).
        self.view = view
        self.bound = bound
        #: No definitions are evaluated for the organisation: none can fail.
        self.failed: Mapping[str, str] = {}
        #: The organisation's reviews and reports dated on or before as_of.
        self.reviews = [r for r in portfolio.reviews if r.date <= as_of]
        self.received = [r for r in portfolio.reports if r.received <= as_of]
        value = bound["organisation"]
        #: id of a review or report → its value as bound (what `review` and `report` see).
        self.events: dict[int, Any] = dict(
            zip(map(id, self.reviews), value["reviews"], strict=True)
        )
        self.events.update(zip(map(id, self.received), value["reports"], strict=True))

    def reports(self, kind: str) -> tuple[list[int], list[Report]]:
        """The reports of `kind` received on or before as_of, and their positions among all
        those received on or before as_of (`organisation.reports`)."""
        chosen = [(p, r) for p, r in enumerate(self.received) if r.kind == kind]
        return [p for p, _ in chosen], [r for _, r in chosen]

    @property
    def latest(self) -> dict[str, Report]:
        """The organisation's latest report of each kind, as of the date."""
        return latest_reports(self.received, self.as_of)


#: A subject's scope.
Scope = ContractScope | PersonScope | OrganisationScope
#: A scope with reviews and reports of its own: what cadence and information policies judge.
EventScope = ContractScope | OrganisationScope


class Scopes:
    """The scopes of one assessment, each built once: the base variables, every contract's
    scope (let go with `forget` once its findings are made) and every person's.

    Only the parts of a contract's value that some expression reads are built (`whole`: all
    of it, for an explanation to show)."""

    def __init__(
        self, plan: Plan, portfolio: Portfolio, as_of: datetime.date, *, whole: bool = False
    ) -> None:
        self.plan = plan
        self.portfolio = portfolio
        self.as_of = as_of
        self.people = {person.id: person for person in portfolio.people}
        #: Dates as timestamps, one object per day for every value this run binds.
        self.stamps: Stamps = {}
        #: The parts of each contract's value to build (see `Plan.contract_fields`; None: all
        #: of it).
        self.contract_fields = None if whole else plan.contract_fields
        #: What the elements of `contracts` keep of each contract's value: the fields that
        #: person-scope and organisation-scope expressions read (None: all of it).
        self.elements_read = None if whole else _union(plan.people_read, plan.organisation_read)
        self._people_values: dict[str, dict[str, Any]] | None = None
        variables = {
            "people": {},  # first, as before: replaced below
            "params": plain(plan.framework.params),
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
            people = dict(zip(ids, cel_items(Person, listed, self.stamps), strict=True))
            if not {str}.issuperset(map(type, people)):
                raise Declined
            self.base = cel.bindings(variables)._trusted_merged({"people": people})
        except Declined:  # a value the ordinary validation must see (and may reject)
            self.base = cel.bindings({**variables, "people": self.people_values})
        # Keyed by object identity: a portfolio built in Python may repeat an id.
        self._contracts: dict[int, ContractScope] = {}
        self._contract_values: dict[int, Any] = {}
        #: id of a contract → role → its current holder, kept with the value (`keep`).
        self._contract_holders: dict[int, dict[str, str]] = {}
        self._holding: dict[str, list[Any]] | None = None
        self._people: dict[int, PersonScope] = {}
        self._organisation: OrganisationScope | None = None

    def at(self, as_of: datetime.date) -> Scopes:
        """These scopes moved to another date: the same people, parameters and stamps (built
        once), with `now` and `portfolio.as_of` the new date; no contract or person scope yet.
        History looks at a portfolio day after day this way."""
        moved = copy.copy(self)
        moved.as_of = as_of
        dated = {"now": as_of, "portfolio": {**self.base["portfolio"], "as_of": as_of}}
        moved.base = self.base._trusted_merged(dict(cel.bindings(dated)))
        moved._contracts, moved._contract_values, moved._contract_holders = {}, {}, {}
        moved._holding, moved._people = None, {}
        moved._organisation = None
        return moved

    def rebased(self, scope: ContractScope) -> ContractScope:
        """The scope of `scope`'s contract on this date, given that the contract's value is the
        same on both dates (no event, assignment or waiver of it between them): the value is
        reused, and only the variables that are the date (`now`, `portfolio`) are bound again,
        with the definitions that read it."""
        contract = scope.contract
        if self.plan.dated_definitions:
            bound, failed = self.define(
                self.base._trusted_merged({"contract": scope.bound["contract"]})
            )
        else:  # no definition reads the date: each keeps its value (or its failure)
            values = {
                name: scope.bound[name]
                for name, _ in self.plan.definitions
                if name not in scope.failed
            }
            bound = self.base._trusted_merged({"contract": scope.bound["contract"], **values})
            failed = scope.failed
        rebased = ContractScope(
            contract, self.as_of, None, bound, failed, scope.current, scope.events
        )
        self._contracts[id(contract)] = rebased
        return rebased

    @property
    def people_values(self) -> dict[str, dict[str, Any]]:
        """`portfolio.people_view()`: the people as plain values, before binding (dates stay
        dates), made when first asked for."""
        if self._people_values is None:
            self._people_values = self.portfolio.people_view()
        return self._people_values

    def contract(self, contract: Contract) -> ContractScope:
        """A contract's scope: its views, bindings and definitions, built once per run."""
        cached = self._contracts.get(id(contract))
        if cached is not None:
            return cached
        view: dict[str, Any] | None = None
        events: dict[int, Any] = {}
        validated = False
        try:
            # Built canonical by the library itself: bound without validating it again.
            view_value = contract._cel_view(self.as_of, self.stamps, self.contract_fields, events)
            bound = self.base._trusted_merged({"contract": view_value})
        except Declined:  # a value the ordinary validation must see (and may reject)
            view = contract.view(self.as_of)
            bound = self.base.merged({"contract": view})
            validated = True
        bound, failed = self.define(bound)
        current = contract.current_assignments(self.as_of)
        scope = ContractScope(contract, self.as_of, view, bound, failed, current, events)
        if validated:  # the events as the validated value holds them
            events.update(_validated_events(scope, bound["contract"]))
        self._contracts[id(contract)] = scope
        return scope

    def define(self, bound: cel.Bindings) -> tuple[cel.Bindings, dict[str, str]]:
        """`bound` with every definition bound, in order, and the definitions that failed
        (name → message), which are left unbound."""
        failed: dict[str, str] = {}
        if not self.plan.definitions:
            return bound, failed
        # One scope for all of them: each definition sees those bound before it.
        bound, define = bound._extending()
        for name, program in self.plan.definitions:
            try:
                define(name, program.evaluate(bound))
            except CelError as error:
                used = failed_definition(error, failed)
                failed[name] = (
                    f"uses definition {used!r}, which failed: {failed[used]}"
                    if used
                    else f"{error.cel_message} (at {_where(program, 'definition ' + name)})"
                )
        return bound, failed

    def forget(self, scope: ContractScope, *, keep: bool) -> None:
        """Let a contract's scope go once its findings are made; with `keep`, keep what the
        people's and the organisation's `contracts` read of its value, and its holders, first."""
        contract = scope.contract
        if keep:
            self._contract_values[id(contract)] = self._element(scope.bound["contract"])
            self._contract_holders[id(contract)] = scope.holders
        del self._contracts[id(contract)]

    def _element(self, value: dict[str, Any]) -> dict[str, Any]:
        """What person-scope and organisation-scope expressions read of a contract's value
        (its canonical items)."""
        fields = self.elements_read
        return value if fields is None else {k: v for k, v in value.items() if k in fields}

    def organisation(self) -> OrganisationScope:
        """The organisation's scope, built once per run: `organisation` and `contracts`."""
        if self._organisation is None:
            portfolio, as_of = self.portfolio, self.as_of
            reports = [r for r in portfolio.reports if r.received <= as_of]
            reviews = [r for r in portfolio.reviews if r.date <= as_of]
            view = {
                "name": portfolio.organisation,
                "reports": [plain(report) for report in reports],
                "reviews": [plain(review) for review in reviews],
                "latest": {k: plain(r) for k, r in latest_reports(reports, as_of).items()},
                "last_review": {f: plain(r) for f, r in last_reviews(reviews, as_of).items()},
                "roles": dict(portfolio.roles),
            }
            # Every contract as contract-scope expressions see `contract` (what organisation-
            # scope expressions read of it: kept as each contract was judged, or built now);
            # only if an expression reads them (history makes this scope on many days).
            contracts = (
                [self.element(contract) for contract in portfolio.contracts]
                if self.plan.organisation_reads_contracts
                else []
            )
            bound = self.base.merged({"organisation": view})._trusted_merged(
                {"contracts": contracts}
            )
            self._organisation = OrganisationScope(portfolio, as_of, view, bound)
        return self._organisation

    def bound_events(self, scope: EventScope, events: list[Any]) -> list[Any]:
        """Reviews or reports of the scope's contract (dated on or before as_of), as bound in
        `contract`: what a policy's `counts_if` and `require` see as `review` or `report`.

        Converted on first use, once per contract, so that only the events some policy
        looks at are converted (the contract's value holds its `reviews` and `reports` only
        when an expression reads them); where the value holds them, they are those values.
        """
        known = scope.events
        values = [known.get(id(event)) for event in events]
        if None not in values or isinstance(scope, OrganisationScope):
            return values  # the organisation's: all bound with it
        missing = [event for event in events if id(event) not in known]
        try:
            converted = [cel_plain(event, self.stamps) for event in missing]
        except Declined:  # validated as the whole contract's value would be (or rejected)
            view = self.base.merged({"contract": scope.contract.view(self.as_of)})["contract"]
            known.update(_validated_events(scope, view))
        else:
            known.update(zip(map(id, missing), converted, strict=True))
        return [known[id(event)] for event in events]

    def element(self, contract: Contract) -> Any:
        """A contract's value as an element of the people's or the organisation's
        `contracts`: what they read of the value bound for the contract's own scope."""
        value = self._contract_values.get(id(contract))
        if value is None:
            scope = self._contracts.get(id(contract))
            bound = (
                scope.bound if scope else self.base.merged({"contract": contract.view(self.as_of)})
            )
            value = self._contract_values[id(contract)] = self._element(bound["contract"])
        return value

    def hold(self, holding: Mapping[str, list[Any]]) -> None:
        """Give the people's `contracts` (person id → the values of the contracts they hold a
        role on, in portfolio order) instead of working them out from the contracts' scopes:
        history keeps each contract's value as the people read it, by day."""
        self._holding = dict(holding)

    def person(self, person: Person) -> PersonScope:
        """A person's scope: `person`, and `contracts` on which they hold any role."""
        cached = self._people.get(id(person))
        if cached is None:
            if self._holding is None and not self.plan.reads_contracts:
                self._holding = {}  # no expression reads `contracts`: not built
            if self._holding is None:
                # One pass over the contracts, in portfolio order, for every person.
                holding: dict[str, list[Any]] = {}
                for contract in self.portfolio.contracts:
                    holders = self._contract_holders.get(id(contract))
                    if holders is None:
                        scope = self._contracts.get(id(contract))
                        holders = scope.holders if scope else contract.accountable(self.as_of)
                    if holders:
                        value = self.element(contract)
                        for holder in dict.fromkeys(holders.values()):
                            holding.setdefault(holder, []).append(value)
                self._holding = holding
            contracts = self._holding.get(person.id, [])
            if self.people.get(person.id) is person:
                # Both as bound already: the person's map in `people`, the contracts' values.
                person_value = self.base["people"][person.id]
                bound = self.base._trusted_merged({"person": person_value, "contracts": contracts})
            else:  # a second person with the same id (possible in Python): bound as it is
                bound = self.base.merged({"person": plain(person), "contracts": contracts})
            cached = self._people[id(person)] = PersonScope(person, bound)
        return cached


def _validated_events(scope: ContractScope, view: Mapping[str, Any]) -> dict[int, Any]:
    """id of each review and report of the scope's contract dated on or before as_of → its
    value in `view`, the contract's whole value as validated bindings hold it."""
    events = dict(zip(map(id, scope.reviews), view["reviews"], strict=True))
    events.update(zip(map(id, scope.received), view["reports"], strict=True))
    return events


def _where(program: cel.Program, fallback: str) -> str:
    return str(program.location) if program.location is not None else fallback


def _union(first: frozenset[str] | None, second: frozenset[str] | None) -> frozenset[str] | None:
    """Both sets of fields; None (every field) if either is.

    >>> sorted(_union(frozenset({"a"}), frozenset({"b"})))
    ['a', 'b']
    >>> print(_union(frozenset({"a"}), None))
    None
    """
    return None if first is None or second is None else first | second
