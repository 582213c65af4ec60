"""One contract at a time: evaluate a single contract, or re-evaluate one in an assessment.

A web service that keeps an assessment and is told that one contract changed need not assess
the whole portfolio again:

- `reassess(plan, previous, portfolio, contract_id)`: `previous` with the contract
  `contract_id` of `portfolio` judged again (added, changed, or gone when `portfolio` no longer
  has it); every other contract's findings and consequences are taken from `previous`, and
  everything that reads across contracts is worked out again: the person-scope findings and
  consequences (a person's `contracts` and `findings` may include that contract), people's
  sanctions and rewards, and the unused waivers. The result is the assessment a whole
  evaluation of `portfolio` gives, byte for byte, as long as the other contracts are as
  `previous` saw them (a property the tests hold).
- `evaluate_contract(plan, portfolio, contract_id, as_of)`: the findings and consequences of
  one contract, and the person-scope findings of the people it concerns (who hold a role on it
  as of the date, and who is accountable for its findings): a partial assessment, for showing
  one contract. People's sanctions and rewards, which read findings on every contract, are
  left out (`reassess` has them).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from accountframe._version import __version__
from accountframe.assessment import Assessment, Consequence, Finding, Status
from accountframe.compiler.compiler import Plan
from accountframe.errors import UsageError, did_you_mean
from accountframe.evaluation.run import Part, Run
from accountframe.framework.policies import Consequence as ConsequencePolicy
from accountframe.framework.policies import Scope as PolicyScope
from accountframe.model import Portfolio

__all__ = ["check_reassess", "evaluate_contract", "reassess"]


def reassess(
    plan: Plan, previous: Assessment, portfolio: Portfolio, contract_id: str
) -> Assessment:
    """`previous` with contract `contract_id` of `portfolio` judged again (see the module).

    Raises:
        UsageError: `previous` is of another framework, or lacks the results of a contract
            of `portfolio` other than `contract_id` (it is not an assessment of this
            portfolio: evaluate it whole), or neither has the contract.
    """
    check_reassess(plan, previous, portfolio, contract_id)
    ids = [contract.id for contract in portfolio.contracts]
    run = Run(plan, portfolio, previous.as_of)
    if run.repeated_ids:
        # A repeated id's findings are those of every contract with it: judge them all.
        return run.assessment()
    findings = {
        (f.policy, f.subject.id): f for f in previous.findings if f.subject.type == "contract"
    }
    consequences = {
        (c.policy, c.subject.id): c for c in previous.consequences if c.subject.type == "contract"
    }
    for contract in ids:
        if contract != contract_id and any(
            (policy.id, contract) not in findings for _, policy in run.contract_findings
        ):
            raise UsageError(
                f"the assessment has no results for contract {contract!r}: it is not an "
                "assessment of this portfolio; evaluate it whole"
            )
    where = ids.index(contract_id) if contract_id in ids else len(ids)

    def parts() -> Iterable[Part]:
        yield _kept(run, 0, where, findings, consequences)
        if where < len(ids):
            yield run.part(where, where + 1)
        yield _kept(run, where + 1, len(ids), findings, consequences)

    return run.assessment(parts)


def check_reassess(
    plan: Plan, previous: Assessment, portfolio: Portfolio, contract_id: str
) -> None:
    """Raise `UsageError` when `previous` cannot be brought up to date for `contract_id`: it
    is of another framework, or neither it nor `portfolio` has the contract."""
    if previous.framework_digest != plan.framework.digest:
        raise UsageError(
            f"the assessment is of another framework ({previous.framework} "
            f"{previous.framework_version}, digest {previous.framework_digest[:12]}); "
            "evaluate the portfolio whole"
        )
    ids = [contract.id for contract in portfolio.contracts]
    known = {f.subject.id for f in previous.findings if f.subject.type == "contract"}
    known |= {c.subject.id for c in previous.consequences if c.subject.type == "contract"}
    judged = any(policy.policy.scope is PolicyScope.CONTRACT for policy in plan.policies)
    if contract_id not in ids and contract_id not in known and judged:
        raise UsageError(
            f"no contract {contract_id!r} in the portfolio or the assessment"
            f"{did_you_mean(contract_id, ids)}"
        )


def _kept(
    run: Run,
    start: int,
    stop: int,
    findings: dict[tuple[str, str], Finding],
    consequences: dict[tuple[str, str], Consequence],
) -> Part:
    """The results of `portfolio.contracts[start:stop]` as the previous assessment has them,
    as a `Part` (maps and persons are made again from the findings, as for a worker's)."""
    contracts = run.portfolio.contracts[start:stop]
    kept_findings = {
        index: [findings[policy.id, contract.id] for contract in contracts]
        for index, policy in run.contract_findings
    }
    kept_consequences = {
        index: [consequences[policy.id, contract.id] for contract in contracts]
        for index, policy in run.contract_consequences
    }
    positions = list(range(start, stop)) if run.contract_consequences else []
    used = {
        waiver
        for found in kept_findings.values()
        for finding in found
        if (waiver := _waiver_used(run, finding)) is not None
    }
    return Part(kept_findings, kept_consequences, positions, frozenset(used))


def _waiver_used(run: Run, finding: Finding) -> int | None:
    """The position of the waiver that waived `finding`: the one in force that expires last
    (the later listed on a tie), as `Waivers.apply` chooses it."""
    if finding.status is not Status.WAIVED:
        return None
    as_of = run.as_of
    active = [
        (position, waiver)
        for position, waiver in run.waivers.index.get((finding.policy, finding.subject.id), [])
        if waiver.approved_on <= as_of <= waiver.expires
    ]
    if not active:
        return None
    return max(active, key=lambda item: (item[1].expires, item[0]))[0]


def evaluate_contract(
    plan: Plan, portfolio: Portfolio, contract_id: str, as_of: datetime.date
) -> Assessment:
    """The findings and consequences of one contract, and the person-scope findings of the
    people it concerns, as a partial assessment (see the module).

    Raises:
        UsageError: no contract `contract_id` in the portfolio (with a suggestion).
    """
    ids = [contract.id for contract in portfolio.contracts]
    if contract_id not in ids:
        raise UsageError(
            f"no contract {contract_id!r} in the portfolio{did_you_mean(contract_id, ids)}"
        )
    run = Run(plan, portfolio, as_of)
    where = ids.index(contract_id)
    part = run.part(where, where + 1)
    own = run.in_policy_order(part.findings)
    # Who holds a role on it as of the date (as accountability reads them), and who answers
    # for its findings (the holder up the chain, when a role is vacant).
    concerned = set(run.scopes.contract(portfolio.contracts[where]).holders.values())
    concerned |= {f.accountable.person for f in own if f.accountable.person is not None}
    people = [run.scopes.person(p) for p in portfolio.people if p.id in concerned]
    personal = {
        index: [run.finding(policy, scope) for scope in people]
        for index, policy in run.person_policies
        if not isinstance(policy.policy, ConsequencePolicy)
        and policy.policy.scope is PolicyScope.PERSON
    }
    framework = plan.framework
    return Assessment(
        framework=framework.name,
        framework_version=framework.version,
        framework_digest=framework.digest,
        bases=framework.policy_bases(),
        organisation=portfolio.organisation,
        portfolio_digest=portfolio.digest,
        as_of=as_of,
        generated_by=f"accountframe {__version__}",
        findings=tuple(run.in_policy_order({**part.findings, **personal})),
        consequences=tuple(run.in_policy_order(part.consequences)),
        waivers_unused=(),
    )
