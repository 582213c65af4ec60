"""Who is accountable for a finding: the holder of the policy's role, up the chain (SPEC §6).

The holder of the policy's `accountable` role on the contract; if vacant, the holder of the
role it `reports_to`, upward, each looked for on the contract and then among the
organisation's role holders (`portfolio.roles`); at the top, the organisation's Accounting
Officer. Every answer names the role, the person (or that no one holds it) and the vacant
roles passed over on the way.

A `not_applicable` finding is not escalated (`unrouted`): the chain exists so that a vacancy
leaves no problem without an owner, and a policy that does not apply asks nothing of anyone.
When no one holds its role (a closed contract's assignments have ended), it names the role
and no one, instead of reaching the Accounting Officer's heading in every report.
"""

from __future__ import annotations

from collections.abc import Mapping

from accountframe.assessment import Accountable
from accountframe.compiler.compiler import CompiledPolicy, Plan
from accountframe.evaluation.scope import ContractScope, Scope
from accountframe.model import Person, Portfolio

__all__ = ["Chain"]

_TOP = "accounting_officer"


class Chain:
    """The roles chain of a plan over a portfolio, each answer worked out once per run."""

    def __init__(self, plan: Plan, portfolio: Portfolio, people: Mapping[str, Person]) -> None:
        self.reports_to = plan.reports_to
        self.roles = portfolio.roles
        self.people = people
        self._organisation: dict[str, Accountable] = {}
        #: (role, person) → who is accountable when that person holds that role.
        self._holders: dict[tuple[str, str], Accountable] = {}

    def accountable(self, policy: CompiledPolicy, scope: Scope | None) -> Accountable:
        """Who is accountable for the policy's finding about the scope's subject."""
        if type(scope) is ContractScope:
            cache, holders = scope.accountables, scope.holders
        else:  # a person, or nothing: the organisation's roles only
            cache, holders = self._organisation, {}
        found = cache.get(policy.accountable_role)
        if found is None:
            found = cache[policy.accountable_role] = self.walk(policy.accountable_role, holders)
        return found

    def unrouted(self, accountable: Accountable) -> Accountable:
        """For a `not_applicable` finding: `accountable` if its own role is held, else the
        role with no one (not the holder further up the chain)."""
        if not accountable.fallback_from:
            return accountable
        return Accountable(role=accountable.fallback_from[0], person=None)

    def walk(self, start: str, holders: Mapping[str, str]) -> Accountable:
        """Up the chain from `start` to the first role held (`holders`: the contract's)."""
        role: str | None = start
        vacant: list[str] = []
        seen: set[str] = set()
        while role is not None and role not in seen:
            seen.add(role)
            person = holders.get(role) or self.roles.get(role)
            if person is not None:
                return self._named(role, person, vacant)
            vacant.append(role)
            role = self.reports_to.get(role)
        # At the top of the chain: the organisation's Accounting Officer.
        person = self.roles.get(_TOP)
        below = tuple(role for role in vacant if role != _TOP)
        if person is not None:
            return self._named(_TOP, person, list(below))
        return Accountable(role=_TOP, person=None, fallback_from=below)

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
            role=role, person=person, name=found.name if found else None, fallback_from=vacant
        )
