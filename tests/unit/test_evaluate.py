"""Compiling and evaluating code-built frameworks: fail closed, routing, compile errors, threads."""

from __future__ import annotations

import datetime
import threading

import pytest

import accountframe as af
from accountframe.assessment import ConsequenceStatus, Status
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
ROLES = [
    Role("accounting_officer"),
    Role("sro", reports_to="accounting_officer"),
    Role("contract_manager", reports_to="sro"),
]


def framework(*policies: Policy, **fields: object) -> Framework:
    return Framework(name="t", version="1", roles=ROLES, policies=list(policies), **fields)  # type: ignore[arg-type]


def portfolio(**contract: object) -> af.Portfolio:
    return af.Portfolio.from_dict(
        {
            "organisation": "Test",
            "roles": {"accounting_officer": "p-ao"},
            "people": [
                {"id": "p-ao", "name": "Ada Officer", "grade": "PermSec"},
                {"id": "p-sro", "name": "Sam Owner", "grade": "SCS2"},
                {"id": "p-cm", "name": "Chris Manager"},
            ],
            "contracts": [
                {
                    "id": "C1",
                    "title": "One",
                    "stage": "live",
                    "start": "2026-01-01",
                    "assignments": [
                        {"role": "sro", "person": "p-sro", "start": "2026-01-01"},
                        {"role": "contract_manager", "person": "p-cm", "start": "2026-01-01"},
                    ],
                    "reviews": [{"date": "2026-11-01", "forum": "sro_review"}],
                    "reports": [{"kind": "performance", "received": "2026-11-01"}],
                    "attributes": {"count": 1},
                    **contract,
                },
                {"id": "C2", "title": "Two", "stage": "live"},
            ],
        }
    )


BAD = "contract.attributes.nothing_here"  # an expression that errors at evaluation


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(Rule(id="P", title="t", require="true", applies_to=BAD), id="applies_to"),
        pytest.param(Rule(id="P", title="t", require=BAD), id="rule-require"),
        pytest.param(
            OversightCadence(
                id="P", title="t", every="1 month", counts_if=f"review.forum == {BAD}"
            ),
            id="counts_if",
        ),
        pytest.param(
            RequiredInformation(
                id="P",
                title="t",
                report="performance",
                max_age="1 year",
                require="report.figures.x > 1.0",
            ),
            id="information-require",
        ),
        pytest.param(
            PersonalResponsibility(id="P", title="t", role="sro", eligible="person.attributes.x"),
            id="eligible",
        ),
        # attributes are dyn: the checker accepts it; at evaluation it is a number, not a bool.
        pytest.param(
            Rule(id="P", title="t", require="contract.attributes.count"), id="non-bool-result"
        ),
        pytest.param(Rule(id="P", title="t", require="broken", applies_to="true"), id="definition"),
    ],
)
def test_an_erroring_expression_fails_closed_and_the_rest_is_produced(
    policy: Policy,
) -> None:
    fw = framework(
        Rule(id="BEFORE", title="before", require="true"),
        policy,
        Rule(id="AFTER", title="after", require="true"),
        definitions={"broken": "contract.attributes.nothing_here == 1"},
    )
    result = fw.evaluate(portfolio(), as_of=AS_OF)
    statuses = {(f.policy, f.subject.id): f.status for f in result.findings}
    assert statuses[("P", "C1")] is Status.ERROR
    assert statuses[("BEFORE", "C1")] is statuses[("AFTER", "C1")] is Status.PASS
    assert len(result.findings) == 6
    error = next(f for f in result.findings if f.policy == "P" and f.subject.id == "C1")
    assert "P." in error.message or "definition 'broken' failed" in error.message


@pytest.mark.parametrize("field", ["trigger", "amount", "applied_if"])
def test_an_erroring_consequence_is_error_not_due_or_silent(field: str) -> None:
    fields = {"trigger": "true", "action": "Act", field: BAD}
    result = framework(Sanction(id="S", title="s", **fields)).evaluate(portfolio(), as_of=AS_OF)
    assert [c.status for c in result.consequences] == [ConsequenceStatus.ERROR] * 2


def test_an_erroring_message_falls_back_to_the_default() -> None:
    result = framework(Rule(id="R", title="Title", require="false", message=BAD)).evaluate(
        portfolio(), as_of=AS_OF
    )
    assert result.findings[0].status is Status.FAIL
    assert result.findings[0].message == "not met: Title"


def test_message_expression_replaces_the_default() -> None:
    rule = Rule(id="R", title="T", require="false", message='"contract " + contract.id')
    result = framework(rule).evaluate(portfolio(), as_of=AS_OF)
    assert [f.message for f in result.findings] == ["contract C1", "contract C2"]


class TestRouting:
    def routed(self, accountable: str, assignments: list[dict[str, str]], roles: dict[str, str]
               ) -> af.assessment.Accountable:  # fmt: skip
        fw = framework(Rule(id="R", title="t", require="false", accountable=accountable))
        data = portfolio(assignments=assignments).to_dict()
        data["roles"] = roles
        return fw.evaluate(af.Portfolio.from_dict(data), as_of=AS_OF).findings[0].accountable

    def test_holder_of_the_role(self) -> None:
        held = [{"role": "contract_manager", "person": "p-cm", "start": "2026-01-01"}]
        found = self.routed("contract_manager", held, {"accounting_officer": "p-ao"})
        assert (found.role, found.person, found.name, found.fallback_from) == (
            "contract_manager", "p-cm", "Chris Manager", ())  # fmt: skip

    def test_vacant_role_falls_back_up_the_chain(self) -> None:
        held = [{"role": "sro", "person": "p-sro", "start": "2026-01-01"}]
        found = self.routed("contract_manager", held, {"accounting_officer": "p-ao"})
        assert (found.role, found.person, found.fallback_from) == (
            "sro", "p-sro", ("contract_manager",))  # fmt: skip

    def test_all_vacant_reaches_the_accounting_officer(self) -> None:
        found = self.routed("contract_manager", [], {"accounting_officer": "p-ao"})
        assert (found.role, found.person, found.fallback_from) == (
            "accounting_officer", "p-ao", ("contract_manager", "sro"))  # fmt: skip

    def test_no_one_at_all_is_said(self) -> None:
        found = self.routed("sro", [], {})
        assert (found.role, found.person, found.fallback_from) == (
            "accounting_officer", None, ("sro",))  # fmt: skip

    def test_person_scope_uses_organisation_roles(self) -> None:
        rule = Rule(id="R", title="t", scope="person", require="false")
        result = framework(rule).evaluate(portfolio(), as_of=AS_OF)
        assert {f.accountable.person for f in result.findings} == {"p-ao"}


def test_responsibility_vacancy_boundaries() -> None:
    policy = PersonalResponsibility(id="RESP", title="t", role="sro", max_vacancy="30 days")
    ended = [{"role": "sro", "person": "p-sro", "start": "2025-01-01", "end": "2026-10-26"}]
    fw = framework(policy)
    on_limit = fw.evaluate(portfolio(assignments=ended), as_of=AS_OF).findings[0]
    assert (on_limit.status, on_limit.due) == (Status.WARN, datetime.date(2026, 11, 25))
    assert on_limit.evidence["vacant_since"] == datetime.date(2026, 10, 27)
    after = fw.evaluate(portfolio(assignments=ended), as_of=AS_OF + datetime.timedelta(1))
    assert after.findings[0].status is Status.FAIL


def test_as_of_defaults_to_the_portfolio() -> None:
    data = portfolio().to_dict()
    data["as_of"] = "2026-02-01"
    result = framework(Rule(id="R", title="t", require="true")).evaluate(
        af.Portfolio.from_dict(data)
    )
    assert result.as_of == datetime.date(2026, 2, 1)


class TestCompileErrors:
    def errors(self, fw: Framework) -> list[str]:
        with pytest.raises(af.FrameworkError) as raised:
            _ = af.compile(fw)
        return [d.render() for d in raised.value.diagnostics]

    def test_syntax_error_names_the_policy_field_and_points_into_the_expression(self) -> None:
        (error,) = self.errors(framework(Rule(id="R1", title="t", require="contract.tier ==")))
        assert error.splitlines()[0] == (
            "<expression>:1:17: af-cel-syntax: R1.require: unexpected end of expression; "
            "expected an expression"
        )

    def test_definitions_may_use_only_earlier_ones(self) -> None:
        fw = framework(definitions={"a": "b && true", "b": "true", "c": "c"})
        assert self.errors(fw) == [
            "definitions.a: af-definition: definition 'a' uses 'b', which is defined after it; "
            "definitions may use only earlier ones",
            "definitions.c: af-definition: definition 'c' uses itself",
        ]

    def test_duration_parameter_must_exist_and_be_a_duration(self) -> None:
        fw = framework(
            OversightCadence(id="C1", title="t", every="params.missing"),
            OversightCadence(id="C2", title="t", every="params.count"),
            params={"count": 3, "mising": "1 month"},
        )
        assert self.errors(fw) == [
            "C1.every: af-reference: unknown parameter 'missing' (did you mean 'mising'?)",
            "C2.every: af-value: 'every' must be a duration like '30 days', '2 weeks', "
            "'1 month', '1 year' or 'P1M' (got 3)",
        ]

    def test_accountable_role_must_be_in_the_chain(self) -> None:
        fw = framework(Rule(id="R1", title="t", require="true", accountable="sor"))
        assert self.errors(fw) == [
            "R1.accountable: af-reference: accountable role 'sor' is not in the roles chain "
            "(did you mean 'sro'?)"
        ]


def test_compiled_framework_is_safe_to_share_between_threads() -> None:
    fw = framework(
        OversightCadence(id="C", title="t", every="1 month", warn_before="5 days"),
        RequiredInformation(id="I", title="t", report="performance", max_age="20 days"),
        Rule(id="R", title="t", require="contract.spent < 10.0"),
        Reward(id="W", title="t", trigger='findings.all(f, f.status == "pass")', action="Act"),
    )
    p = portfolio()
    days = [AS_OF + datetime.timedelta(days=offset) for offset in range(-40, 40, 5)]
    serial = {day: fw.evaluate(p, as_of=day).to_json() for day in days}
    results: dict[datetime.date, list[str]] = {day: [] for day in days}

    def work() -> None:
        for day in days:
            results[day].append(fw.evaluate(p, as_of=day).to_json())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(outputs == [serial[day]] * 8 for day, outputs in results.items())
    assert len(set(serial.values())) > 3  # the dates really give different assessments


def test_assessment_helpers() -> None:
    fw = framework(
        Rule(id="HIGH", title="t", require="false", severity="high"),
        Rule(id="LOW", title="t", require='contract.id == "C1"', severity="low"),
    )
    result = fw.evaluate(portfolio(), as_of=AS_OF)
    assert [(f.policy, f.subject.id) for f in result.failures] == [
        ("HIGH", "C1"), ("HIGH", "C2"), ("LOW", "C2")]  # fmt: skip
    assert list(result.by_contract()) == ["C1", "C2"]
    # C2's findings fall back to the Accounting Officer; both people have a high failure.
    assert list(result.by_person()) == ["p-ao", "p-sro"]
    assert result.failures_by_severity() == {
        "info": 0, "low": 1, "medium": 0, "high": 2, "critical": 0}  # fmt: skip


def test_a_portfolio_digest_is_worked_out_once_and_depends_only_on_the_content() -> None:
    data = {"organisation": "Ministry of Example", "people": [{"id": "p-1", "name": "A"}]}
    first, second = af.Portfolio.from_dict(data), af.Portfolio.from_dict(data)
    digest = first.digest
    assert first.digest is digest  # kept with the portfolio, not worked out again
    assert second.digest == digest
    assert af.Portfolio.from_dict({**data, "organisation": "Another"}).digest != digest
    assessment = af.bundled("uk-central-government").evaluate(
        first, as_of=datetime.date(2026, 11, 25)
    )
    assert assessment.portfolio_digest == digest


def test_findings_are_made_with_their_fields_in_the_order_evaluate_passes_them() -> None:
    """`Run.found` builds a Finding positionally (it makes one per policy and subject)."""
    import attrs

    from accountframe.assessment import Finding

    assert [field.name for field in attrs.fields(Finding)] == [
        "policy", "kind", "subject", "status", "severity", "accountable", "message", "due",
        "evidence", "waiver", "tags", "since", "since_limited", "exposure", "currency",
    ]  # fmt: skip
