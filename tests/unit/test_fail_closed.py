"""Fail closed, everywhere: one table over every place an expression is evaluated.

For each place, one policy whose expression there errors at evaluation time (it type-checks:
`attributes` are dyn) is put between healthy policies. Its result must be `error` for every
subject (for `message`, the documented fallback: the default message) and never `pass`; the
other policies' results must be exactly what they are without it, and nothing is dropped:
findings == finding policies x their subjects, consequences likewise.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import accountframe as af
from accountframe.assessment import Assessment, ConsequenceStatus, Status
from accountframe.framework.framework import Framework, Role
from accountframe.framework.policies import (
    OversightCadence,
    PersonalResponsibility,
    Policy,
    RequiredInformation,
    Reward,
    Rule,
    Sanction,
)

AS_OF = datetime.date(2026, 11, 25)
BAD = "contract.attributes.absent"  # type-checks (attributes are dyn); fails at evaluation
BAD_BOOL = f"{BAD} == 1"
BAD_PERSON = "person.attributes.absent == 1"
ROLES = [
    Role("accounting_officer"),
    Role("sro", reports_to="accounting_officer"),
    Role("contract_manager", reports_to="sro"),
]
#: Healthy policies around the one under test: results must not change because of it.
HEALTHY: list[Policy] = [
    Rule(id="H-RULE", title="spent is known", require="contract.spent >= 0.0"),
    OversightCadence(id="H-CAD", title="monthly review", every="1 month"),
    Rule(id="H-PERSON", title="people have names", scope="person", require="person.name != ''"),
    Sanction(id="H-SAN", title="escalate", action="Escalate",
             trigger='findings.exists(f, f.status == "fail")'),
]  # fmt: skip


def contract(number: int) -> dict[str, Any]:
    return {
        "id": f"C{number}",
        "title": f"Contract {number}",
        "stage": "live",
        "start": "2025-01-01",
        "assignments": [{"role": "sro", "person": "p-sro", "start": "2025-01-01"}],
        "reviews": [{"date": "2026-10-01", "forum": "sro_review", "chair": "p-sro"}],
        "reports": [{"kind": "performance", "received": "2026-11-01"}],
        "attributes": {"present": 1},
    }


PORTFOLIO = af.Portfolio.from_dict(
    {
        "organisation": "Test",
        "roles": {"accounting_officer": "p-ao"},
        "people": [
            {"id": "p-ao", "name": "Ada Officer"},
            {"id": "p-sro", "name": "Sam Owner"},
        ],
        "contracts": [contract(number) for number in (1, 2, 3)],
    }
)

# (place, the policy with a failing expression there). Every place SPEC section 4 names.
PLACES: list[tuple[str, Policy]] = [
    ("applies_to", Rule(id="T", title="t", require="true", applies_to=BAD_BOOL)),
    ("cadence counts_if", OversightCadence(id="T", title="t", every="1 month", counts_if=BAD_BOOL)),
    ("information counts_if", RequiredInformation(id="T", title="t", report="performance",
                                                  max_age="1 year", counts_if=BAD_BOOL)),
    ("information require", RequiredInformation(id="T", title="t", report="performance",
                                                max_age="1 year", require=BAD_BOOL)),
    ("rule require", Rule(id="T", title="t", require=BAD_BOOL)),
    ("rule require, person scope", Rule(id="T", title="t", scope="person", require=BAD_PERSON)),
    ("rule require, not a bool", Rule(id="T", title="t", require="contract.attributes.present")),
    ("eligible", PersonalResponsibility(id="T", title="t", role="sro", eligible=BAD_PERSON)),
    ("definition", Rule(id="T", title="t", require="broken")),
    ("sanction applies_to", Sanction(id="T", title="t", action="a", trigger="true",
                                     applies_to=BAD_BOOL)),
    ("trigger", Sanction(id="T", title="t", action="a", trigger=BAD_BOOL)),
    ("trigger, person scope", Reward(id="T", title="t", action="a", scope="person",
                                     trigger=BAD_PERSON)),
    ("amount", Sanction(id="T", title="t", action="a", trigger="true", amount=f"double({BAD})")),
    ("applied_if", Sanction(id="T", title="t", action="a", trigger="true", applied_if=BAD_BOOL)),
]  # fmt: skip

# The documented fallback (SPEC section 4): a `message` that errors gives the default message.
MESSAGES: list[tuple[str, Policy]] = [
    ("rule message", Rule(id="T", title="t", require="false", message=f"string({BAD})")),
    ("cadence message", OversightCadence(id="T", title="t", every="1 month",
                                         message=f"string({BAD})")),
    ("sanction message", Sanction(id="T", title="t", action="a", trigger="true",
                                  message=f"string({BAD})")),
]  # fmt: skip


def assess(*policies: Policy) -> Assessment:
    framework = Framework(
        name="fail-closed",
        version="1",
        roles=ROLES,
        definitions={"broken": BAD_BOOL},
        policies=[HEALTHY[0], HEALTHY[1], *policies, HEALTHY[2], HEALTHY[3]],
    )
    return framework.evaluate(PORTFOLIO, as_of=AS_OF)


def subjects(policy: Policy) -> int:
    return len(PORTFOLIO.people if policy.scope.value == "person" else PORTFOLIO.contracts)


def others(assessment: Assessment) -> list[dict[str, Any]]:
    """Every result of the healthy policies, as plain data."""
    items = [*assessment.to_dict()["findings"], *assessment.to_dict()["consequences"]]
    return [item for item in items if item["policy"] != "T"]


BASELINE = assess()


def test_the_table_names_every_place_an_expression_is_evaluated() -> None:
    places = {name.split(",")[0] for name, _ in PLACES + MESSAGES}
    assert places >= {
        "applies_to", "cadence counts_if", "information counts_if", "information require",
        "rule require", "eligible", "definition", "trigger", "amount", "applied_if",
        "rule message", "sanction message",
    }  # fmt: skip


@pytest.mark.parametrize(("place", "policy"), PLACES, ids=[name for name, _ in PLACES])
def test_an_error_gives_error_never_pass_and_the_rest_is_produced(
    place: str, policy: Policy
) -> None:
    assessment = assess(policy)
    consequence = policy.kind in ("sanction", "reward")
    results = assessment.consequences if consequence else assessment.findings
    mine = [result for result in results if result.policy == "T"]
    assert len(mine) == subjects(policy)
    error = ConsequenceStatus.ERROR if consequence else Status.ERROR
    assert [result.status for result in mine] == [error] * subjects(policy)
    assert all("failed" in result.message or "must give" in result.message for result in mine)
    # Nothing dropped, nothing changed: the healthy policies' results are as without it.
    finding_policies = [p for p in [*HEALTHY, policy] if p.kind not in ("sanction", "reward")]
    assert len(assessment.findings) == sum(subjects(p) for p in finding_policies)
    consequence_policies = [p for p in [*HEALTHY, policy] if p.kind in ("sanction", "reward")]
    assert len(assessment.consequences) == sum(subjects(p) for p in consequence_policies)
    if not consequence:
        # An error finding is not a failure: the escalation sanction must not fire on it.
        assert others(assessment) == others(BASELINE)


@pytest.mark.parametrize(("place", "policy"), MESSAGES, ids=[name for name, _ in MESSAGES])
def test_an_erroring_message_falls_back_to_the_default_message(place: str, policy: Policy) -> None:
    without = attrs_without_message(policy)
    expected = [(r.status, r.message) for r in results_of(assess(without))]
    got = [(r.status, r.message) for r in results_of(assess(policy))]
    assert got == expected
    assert all(status not in (Status.ERROR, ConsequenceStatus.ERROR) for status, _ in got)
    assert len(got) == subjects(policy)


def attrs_without_message(policy: Policy) -> Policy:
    import attrs

    return attrs.evolve(policy, message=None)


def results_of(assessment: Assessment) -> list[Any]:
    return [r for r in (*assessment.findings, *assessment.consequences) if r.policy == "T"]
