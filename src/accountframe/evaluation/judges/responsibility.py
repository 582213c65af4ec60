"""`personal_responsibility`: a named, eligible person holds a role (SPEC section 4).

No current holder: `warn` while as_of is within `max_vacancy` of the end of the last holder's
assignment, else `fail` (and `fail` if no one ever held it). A holder not in `people` is an
`error`; `eligible`, given, must hold for the holder (`person`, `assignment`), and a failure
names the part of it that was false. Evidence: `person`, `since`, `vacant_since`.
"""

from __future__ import annotations

import datetime
from typing import Any

from accountframe.assessment import Status
from accountframe.compiler.compiler import CompiledPolicy
from accountframe.evaluation.judges.base import Judging, Outcome
from accountframe.evaluation.scope import ContractScope, OrganisationScope
from accountframe.fastpath import Declined
from accountframe.framework.policies import PersonalResponsibility
from accountframe.load.plain import cel_plain, plain
from accountframe.model import Assignment, Person

__all__ = ["changes", "judge"]


def judge(
    policy: CompiledPolicy, scope: ContractScope | OrganisationScope, judging: Judging
) -> Outcome:
    """The responsibility finding for a contract, or for the organisation."""
    kind = policy.policy
    assert isinstance(kind, PersonalResponsibility)
    if isinstance(scope, OrganisationScope):
        return _organisation(policy, kind, scope, judging)
    current = scope.current.get(kind.role)
    if current is None:
        return _vacant(policy, kind, scope, judging)
    evidence = {"person": current.person, "since": current.start, "vacant_since": None}
    person = judging.scopes.people.get(current.person)
    if judging.observer.thorough:
        judging.observer.note("holder", assignment=plain(current), known=person is not None)
    if person is None:
        message = f"the holder {current.person!r} of {kind.role!r} is not in people"
        return Status.ERROR, message, None, evidence, ()
    name = f"{person.name} ({person.id})"
    if "eligible" in policy.programs:
        unmet = _unmet(policy, scope, judging, person, current)
        if unmet is not None:
            message = f"{name} holds {kind.role!r} but is not eligible" + (
                f": {unmet}" if unmet else ""
            )
            return Status.FAIL, message, None, evidence, ()
    message = f"{name} holds {kind.role!r} since {current.start.isoformat()}"
    return Status.PASS, message, None, evidence, ()


def _organisation(
    policy: CompiledPolicy,
    kind: PersonalResponsibility,
    scope: OrganisationScope,
    judging: Judging,
) -> Outcome:
    """At organisation scope the holder is `portfolio.roles[role]`: there is no assignment
    history, so no holder fails at once (no vacancy to time), and there is no `since`."""
    holder = scope.portfolio.roles.get(kind.role)
    evidence: dict[str, Any] = {"person": holder, "since": None, "vacant_since": None}
    if holder is None:
        judging.observer.note("vacancy", last_end=None)
        message = f"no one holds the organisation role {kind.role!r} (portfolio.roles)"
        return Status.FAIL, message, None, evidence, ()
    person = judging.scopes.people.get(holder)
    assignment = {"role": kind.role, "person": holder}
    if judging.observer.thorough:
        judging.observer.note(
            "holder", assignment={**assignment, "start": None}, known=person is not None
        )
    if person is None:
        message = f"the holder {holder!r} of {kind.role!r} is not in people"
        return Status.ERROR, message, None, evidence, ()
    name = f"{person.name} ({person.id})"
    if "eligible" in policy.programs:
        scopes, expressions = judging.scopes, judging.expressions
        values = {"person": scopes.people_values[person.id], "assignment": assignment}
        if not expressions.test(policy, "eligible", scope, values):
            unmet = expressions.unmet(policy, "eligible", scope, values)
            message = f"{name} holds {kind.role!r} but is not eligible" + (
                f": {unmet}" if unmet else ""
            )
            return Status.FAIL, message, None, evidence, ()
    return Status.PASS, f"{name} holds the organisation role {kind.role!r}", None, evidence, ()


def _vacant(
    policy: CompiledPolicy, kind: PersonalResponsibility, scope: ContractScope, judging: Judging
) -> Outcome:
    as_of, observer = judging.as_of, judging.observer
    ended = [
        a.end
        for a in scope.contract.assignments
        if a.role == kind.role and a.end is not None and a.end < as_of
    ]
    if not ended:
        observer.note("vacancy", last_end=None)
        message = f"no one holds the role {kind.role!r}, and no one has held it"
        return Status.FAIL, message, None, {"person": None, "since": None, "vacant_since": None}, ()
    last_end = max(ended)
    vacant_since = last_end + datetime.timedelta(days=1)
    max_vacancy = policy.durations["max_vacancy"]
    limit = max_vacancy.after(last_end)
    observer.note(
        "vacancy",
        last_end=last_end,
        vacant_since=vacant_since,
        max_vacancy=max_vacancy,
        limit=limit,
    )
    vacancy: dict[str, Any] = {"person": None, "since": None, "vacant_since": vacant_since}
    if as_of <= limit:
        message = (
            f"the role {kind.role!r} has been vacant since {vacant_since.isoformat()}; "
            f"it must be filled by {limit.isoformat()}"
        )
        return Status.WARN, message, limit, vacancy, ()
    message = (
        f"the role {kind.role!r} has been vacant since {vacant_since.isoformat()}, "
        f"longer than the {max_vacancy} allowed"
    )
    return Status.FAIL, message, limit, vacancy, ()


def _unmet(
    policy: CompiledPolicy,
    scope: ContractScope,
    judging: Judging,
    person: Person,
    current: Assignment,
) -> str | None:
    """None when the policy's `eligible` holds for the holder of its role; else the part of
    it that was false, in words (empty if there is nothing more to say). Bound as the
    bindings hold them (the person as `people` holds them, the assignment made canonical),
    shown as plain values to a thorough observer."""
    scopes, expressions = judging.scopes, judging.expressions
    plain_values = (
        {"person": scopes.people_values[person.id], "assignment": plain(current)}
        if judging.observer.thorough
        else None
    )
    try:
        canonical = {
            "person": scopes.base["people"][person.id],
            "assignment": cel_plain(current, scopes.stamps),
        }
    except Declined:  # validated instead, which names the problem
        plain_values = {"person": scopes.people_values[person.id], "assignment": plain(current)}
        if expressions.test(policy, "eligible", scope, plain_values):
            return None
        return expressions.unmet(policy, "eligible", scope, plain_values)
    if expressions.test(policy, "eligible", scope, plain_values, canonical):
        return None
    return expressions.unmet(policy, "eligible", scope, None, canonical)


def changes(policy: CompiledPolicy, outcome: Outcome) -> tuple[datetime.date, ...]:
    """A vacancy turns from `warn` to `fail` the day after its limit (the outcome's due date);
    anything else changes only with an assignment's start or end."""
    status, due = outcome[0], outcome[2]
    if status is Status.WARN and due is not None and due < datetime.date.max:
        return (due + datetime.timedelta(days=1),)
    return ()
