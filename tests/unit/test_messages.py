"""Messages that state the failed condition (issue 24, problem 6): `message` on a warn or fail
only, `pass_message` on a pass, the false part of `require`/`eligible` named, and a due date
only where it means something."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import accountframe as af
from accountframe import report
from accountframe.assessment import Status
from accountframe.framework.framework import Framework, Role
from accountframe.framework.policies import (
    PersonalResponsibility,
    Policy,
    RequiredInformation,
    Reward,
    Rule,
    Sanction,
)

AS_OF = datetime.date(2026, 11, 25)
EXAMPLE = Path(__file__).parents[2] / "policies" / "examples" / "ministry-of-example.yaml"
ROLES = [Role("accounting_officer"), Role("sro", reports_to="accounting_officer")]


def framework(*policies: Policy) -> Framework:
    return Framework(name="t", version="1", roles=ROLES, policies=list(policies))


def portfolio(**attributes: object) -> af.Portfolio:
    return af.Portfolio.from_dict(
        {
            "organisation": "Test",
            "roles": {"accounting_officer": "p-ao"},
            "people": [
                {"id": "p-ao", "name": "Ada Officer", "grade": "PermSec"},
                {"id": "p-sro", "name": "Sam Owner", "grade": "G7"},
            ],
            "contracts": [
                {
                    "id": "C1",
                    "title": "One",
                    "stage": "live",
                    "start": "2026-01-01",
                    "value": {"total": 500.0},
                    "assignments": [{"role": "sro", "person": "p-sro", "start": "2026-01-01"}],
                    "reports": [
                        {"kind": "performance", "received": "2026-11-01", "source": "supplier"}
                    ],
                    "attributes": attributes,
                }
            ],
        }
    )


def only(policy: Policy, **attributes: object) -> af.Finding:
    (finding,) = framework(policy).evaluate(portfolio(**attributes), as_of=AS_OF).findings
    return finding


class TestMessageOnlyOnNonPass:
    """Problem 6: "backlog is 12, above 500" was shown on a pass."""

    MESSAGE = '"backlog is " + string(contract.attributes.backlog) + ", above 500"'

    def test_a_custom_message_is_not_shown_on_a_pass(self) -> None:
        rule = Rule(
            id="R",
            title="Backlog",
            require="contract.attributes.backlog <= 500",
            message=self.MESSAGE,
        )
        finding = only(rule, backlog=12)
        assert (finding.status, finding.message) == (Status.PASS, "met: Backlog")

    def test_a_custom_message_replaces_a_failures(self) -> None:
        rule = Rule(
            id="R",
            title="Backlog",
            require="contract.attributes.backlog <= 500",
            message=self.MESSAGE,
        )
        finding = only(rule, backlog=600)
        assert (finding.status, finding.message) == (Status.FAIL, "backlog is 600, above 500")

    def test_pass_message_replaces_a_passes_only(self) -> None:
        rule = Rule(
            id="R",
            title="Backlog",
            require="contract.attributes.backlog <= 500",
            pass_message='"backlog is " + string(contract.attributes.backlog)',
        )
        assert only(rule, backlog=12).message == "backlog is 12"
        failed = only(rule, backlog=600)
        assert failed.message.startswith("not met: Backlog (")

    def test_an_erroring_pass_message_falls_back_to_the_default(self) -> None:
        rule = Rule(id="R", title="T", require="true", pass_message="contract.attributes.nothing")
        assert (only(rule).status, only(rule).message) == (Status.PASS, "met: T")

    @pytest.mark.parametrize("kind", [Sanction, Reward])
    def test_consequences_have_no_pass_message(self, kind: type[Sanction | Reward]) -> None:
        with pytest.raises(ValueError, match="'pass_message' is for policies that give findings"):
            kind(id="S", title="s", trigger="true", action="Act", pass_message='"x"')


class TestTheFalsePartIsNamed:
    def test_the_first_false_operand_of_an_and_chain(self) -> None:
        rule = Rule(
            id="R", title="T", require="contract.value.total > 100.0 && contract.attributes.ok"
        )
        assert only(rule, ok=False).message == "not met: T (contract.attributes.ok is false)"

    def test_an_or_chain_names_each_operand(self) -> None:
        rule = Rule(id="R", title="T", require="contract.attributes.a || contract.attributes.b")
        assert only(rule, a=False, b=False).message == (
            "not met: T (neither contract.attributes.a nor contract.attributes.b holds)"
        )

    def test_a_longer_or_chain(self) -> None:
        rule = Rule(id="R", title="T", require="contract.attributes.a || (1 > 2) || false")
        assert only(rule, a=False).message == (
            "not met: T (none of contract.attributes.a; 1 > 2; false holds)"
        )

    def test_nested_chains_are_looked_into(self) -> None:
        rule = Rule(
            id="R",
            title="T",
            require="true && (contract.attributes.a || (contract.attributes.b && 1 == 2))",
        )
        assert only(rule, a=False, b=True).message == (
            "not met: T (neither contract.attributes.a nor contract.attributes.b && 1 == 2 holds)"
        )

    def test_the_branch_a_conditional_took(self) -> None:
        rule = Rule(
            id="R",
            title="T",
            require="contract.attributes.big ? contract.value.total > 1000.0 : true",
        )
        assert only(rule, big=True).message == "not met: T (contract.value.total > 1000.0 is false)"

    def test_a_literal_false_adds_nothing(self) -> None:
        assert only(Rule(id="R", title="T", require="false")).message == "not met: T"

    def test_an_erroring_operand_is_passed_over(self) -> None:
        # CEL's && is false when any operand is, whatever the others give.
        rule = Rule(
            id="R", title="T", require="contract.attributes.nothing && contract.attributes.ok"
        )
        finding = only(rule, ok=False)
        assert (finding.status, finding.message) == (
            Status.FAIL,
            "not met: T (contract.attributes.ok is false)",
        )

    def test_a_long_condition_is_cut(self) -> None:
        rule = Rule(id="R", title="T", require=f'contract.attributes.x == "{"y" * 200}"')
        message = only(rule, x="z").message
        assert message == f'not met: T (contract.attributes.x == "{"y" * 131}... is false)'
        assert len(message) == len("not met: T ( is false)") + 160

    def test_a_long_or_chain_is_counted(self) -> None:
        operands = [f"contract.attributes.flag_{i} == {i}" for i in range(8)]
        rule = Rule(id="R", title="T", require=" || ".join(operands))
        flags = {f"flag_{i}": -1 for i in range(8)}
        assert only(rule, **flags).message == "not met: T (none of its 8 alternatives holds)"

    def test_the_holder_who_is_not_eligible(self) -> None:
        """RESP-SRO-LETTER said "holds 'sro' but is not eligible" and no more."""
        policy = PersonalResponsibility(
            id="P",
            title="T",
            role="sro",
            eligible='assignment.start <= timestamp("2026-06-01T00:00:00Z") && '
            'person.grade in ["SCS1", "SCS2"]',
        )
        assert only(policy).message == (
            "Sam Owner (p-sro) holds 'sro' but is not eligible: "
            'person.grade in ["SCS1", "SCS2"] is false'
        )

    def test_bundled_letter(self) -> None:
        fw = af.bundled("uk-central-government")
        result = fw.evaluate(af.load_portfolio(EXAMPLE), as_of=AS_OF)
        letters = [f for f in result.findings if f.policy == "RESP-SRO-LETTER"]
        failed = [f for f in letters if f.status is Status.FAIL]
        assert failed
        for finding in failed:
            assert finding.message.endswith(
                "holds 'sro' but is not eligible: assignment.letter is false"
            )

    @given(st.lists(st.booleans(), min_size=2, max_size=6))
    def test_an_and_chain_names_its_first_false_operand(self, flags: list[bool]) -> None:
        require = " && ".join(f"contract.attributes.f{i}" for i in range(len(flags)))
        finding = only(
            Rule(id="R", title="T", require=require),
            **{f"f{i}": flag for i, flag in enumerate(flags)},
        )
        if all(flags):
            assert finding.message == "met: T"
        else:
            first = flags.index(False)
            assert finding.message == f"not met: T (contract.attributes.f{first} is false)"


class TestDueDates:
    """INF-VERIFIED showed a due date a year away on a failure of the report's content."""

    def policy(self) -> RequiredInformation:
        return RequiredInformation(
            id="I",
            title="Verified",
            report="performance",
            max_age="12 months",
            require='report.source != "supplier"',
        )

    def test_a_content_failure_has_no_due_date(self) -> None:
        finding = only(self.policy())
        assert finding.status is Status.FAIL
        assert finding.due is None
        assert finding.evidence["due"] == datetime.date(2027, 11, 1)
        assert finding.evidence["failed_check"] == "require"
        assert finding.message == (
            "the latest performance report (2026-11-01) does not meet the requirement: "
            'report.source != "supplier" is false (the next is due by 2027-11-01)'
        )

    def test_a_late_report_keeps_its_due_date(self) -> None:
        policy = RequiredInformation(
            id="I",
            title="Verified",
            report="performance",
            max_age="1 week",
            require='report.source != "supplier"',
        )
        finding = only(policy)
        assert finding.due == datetime.date(2026, 11, 8)
        assert finding.evidence["failed_check"] == "freshness and require"
        assert finding.message.endswith(
            'does not meet the requirement: report.source != "supplier" is false'
        )


class TestNotApplicableIsNotEscalated:
    """Problem 10: closed contracts escalated their not-applicable findings to the Accounting
    Officer's heading."""

    def closed(self) -> af.Portfolio:
        data = portfolio().to_dict()
        contract = data["contracts"][0]
        contract["stage"] = "closed"
        contract["assignments"][0]["end"] = "2026-06-30"
        return af.Portfolio.from_dict(data)

    def test_a_closed_contracts_finding_names_the_role_and_no_one(self) -> None:
        rule = Rule(id="R", title="T", require="false", applies_to='contract.stage == "live"')
        (finding,) = framework(rule).evaluate(self.closed(), as_of=AS_OF).findings
        assert finding.status is Status.NOT_APPLICABLE
        assert finding.accountable == af.Accountable(role="sro", person=None)

    def test_a_failure_is_still_escalated(self) -> None:
        (finding,) = (
            framework(Rule(id="R", title="T", require="false"))
            .evaluate(self.closed(), as_of=AS_OF)
            .findings
        )
        assert finding.accountable == af.Accountable(
            role="accounting_officer", person="p-ao", name="Ada Officer", fallback_from=("sro",)
        )

    def test_a_held_role_keeps_its_holder(self) -> None:
        rule = Rule(id="R", title="T", require="false", applies_to="false")
        (finding,) = framework(rule).evaluate(portfolio(), as_of=AS_OF).findings
        assert (finding.accountable.role, finding.accountable.person) == ("sro", "p-sro")

    def test_the_bundled_example_routes_no_closed_contract_to_the_accounting_officer(
        self,
    ) -> None:
        example = af.load_portfolio(EXAMPLE)
        closed = {c.id for c in example.contracts if c.stage == "closed"}
        result = af.bundled("uk-central-government").evaluate(example, as_of=AS_OF)
        escalated = [
            f for f in result.findings if f.subject.id in closed and f.accountable.fallback_from
        ]
        assert closed
        assert escalated == []
        unrouted = [
            f for f in result.findings if f.subject.id in closed and f.accountable.person is None
        ]
        assert len(unrouted) == 29
        assert {f.status for f in unrouted} == {Status.NOT_APPLICABLE}
        headings = report.render(result, "table")
        assert "Not applicable, routed to no one (no one holds: sro)" in headings
