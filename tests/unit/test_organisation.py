"""`scope: organisation` (issue 23): one subject, the organisation, for duties owed once per body.

Every kind at organisation scope over the organisation's own reviews, reports and roles and
over every contract; who is accountable; what sanctions and rewards see as `findings`; waivers,
explain, the schedule and history; the checker's messages; the JSON Schemas.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

import accountframe as af
from accountframe.assessment import ConsequenceStatus, Finding, Status, Subject
from accountframe.cli import main
from accountframe.framework.policies import Policy

D = datetime.date
AS_OF = D(2026, 11, 5)
ORG = Subject("organisation", "Ministry of Example")
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "evaluate" / "organisation-scope"
ROLES = [
    af.Role("accounting_officer"),
    af.Role("sro", reports_to="accounting_officer"),
]


def framework(*policies: Policy) -> af.Framework:
    return af.Framework(name="t", version="1", roles=ROLES, policies=list(policies))


def portfolio(**data: Any) -> af.Portfolio:
    return af.Portfolio.from_dict(
        {
            "organisation": "Ministry of Example",
            "roles": {"accounting_officer": "p-ao"},
            "people": [
                {"id": "p-ao", "name": "Ada Officer", "grade": "PermSec"},
                {"id": "p-sro", "name": "Sam Owner", "grade": "SCS1"},
            ],
            "contracts": [
                {
                    "id": "C1",
                    "title": "One",
                    "stage": "live",
                    "start": "2026-01-01",
                    "reviews": [{"date": "2026-10-01", "forum": "sro_review"}],
                },
                {"id": "C2", "title": "Two", "stage": "procurement", "start": "2026-06-01"},
            ],
            **data,
        }
    )


def only(policy: Policy, book: af.Portfolio, as_of: D = AS_OF) -> Finding:
    (finding,) = framework(policy).evaluate(book, as_of=as_of).findings
    return finding


def test_one_subject_the_organisation_for_every_kind_of_finding() -> None:
    fw = framework(
        af.OversightCadence(id="CAD", title="t", scope="organisation", every="3 months"),
        af.RequiredInformation(id="INF", title="t", scope="organisation", report="r",
                               max_age="1 year"),
        af.PersonalResponsibility(id="RESP", title="t", scope="organisation",
                                  role="accounting_officer"),
        af.Rule(id="RULE", title="t", scope="organisation", require="size(contracts) == 2"),
        af.OversightCadence(id="CON", title="t", every="1 month"),
    )  # fmt: skip
    found = fw.evaluate(portfolio(), as_of=AS_OF).findings
    assert [(f.policy, f.subject) for f in found] == [
        ("CAD", ORG),
        ("INF", ORG),
        ("RESP", ORG),
        ("RULE", ORG),
        ("CON", Subject("contract", "C1")),
        ("CON", Subject("contract", "C2")),
    ]
    # Accountable: an organisation role, by default the Accounting Officer.
    assert {(f.accountable.role, f.accountable.person) for f in found[:4]} == {
        ("accounting_officer", "p-ao")
    }


def test_cadence_reads_the_organisation_s_own_reviews_and_has_no_start_date() -> None:
    policy = af.OversightCadence(
        id="CAD", title="t", scope="organisation", every="3 months",
        counts_if='review.forum == "board"',
    )  # fmt: skip
    none = only(policy, portfolio())
    assert (none.status, none.due) == (Status.FAIL, None)
    assert (
        none.message == "no review on record and the organisation has no start date to count from"
    )
    reviews = [
        {"date": "2026-09-01", "forum": "board"},
        {"date": "2026-10-01", "forum": "exco"},  # does not count
        {"date": "2026-11-06", "forum": "board"},  # after as_of: ignored
    ]
    found = only(policy, portfolio(reviews=reviews))
    assert (found.status, found.due) == (Status.PASS, D(2026, 12, 1))
    assert found.evidence == {"last": D(2026, 9, 1), "due": D(2026, 12, 1), "days_overdue": 0,
                              "qualifying": 1}  # fmt: skip


def test_information_reads_the_organisation_s_reports_and_their_latest() -> None:
    policy = af.RequiredInformation(
        id="INF", title="t", scope="organisation", report="notice",
        periods={"ends": ["03-31", "09-30"], "within": "30 days"}, require="report.verified",
    )  # fmt: skip
    reports = [
        {"kind": "notice", "received": "2026-04-20", "verified": True},
        {"kind": "notice", "received": "2026-10-25", "verified": False},
    ]
    found = only(policy, portfolio(reports=reports))
    assert found.status is Status.FAIL
    assert found.evidence["failed_check"] == "require"
    assert found.evidence["period_end"] == D(2027, 3, 31)
    assert found.message.startswith("the latest notice report (2026-10-25) does not meet")


@pytest.mark.parametrize(
    ("roles", "eligible", "status", "message"),
    [
        ({"accounting_officer": "p-ao"}, None, Status.PASS,
         "Ada Officer (p-ao) holds the organisation role 'accounting_officer'"),
        ({}, None, Status.FAIL,
         "no one holds the organisation role 'accounting_officer' (portfolio.roles)"),
        ({"accounting_officer": "p-sro"}, 'person.grade == "PermSec"', Status.FAIL,
         "Sam Owner (p-sro) holds 'accounting_officer' but is not eligible: "
         'person.grade == "PermSec" is false'),
        ({"accounting_officer": "p-sro"}, 'assignment.role == "accounting_officer"',
         Status.PASS, "Sam Owner (p-sro) holds the organisation role 'accounting_officer'"),
    ],
)  # fmt: skip
def test_responsibility_reads_the_organisation_s_roles(
    roles: dict[str, str], eligible: str | None, status: Status, message: str
) -> None:
    policy = af.PersonalResponsibility(
        id="RESP", title="t", scope="organisation", role="accounting_officer", eligible=eligible
    )
    found = only(policy, portfolio(roles=roles))
    assert (found.status, found.message) == (status, message)
    assert found.evidence == {"person": roles.get("accounting_officer"), "since": None,
                              "vacant_since": None}  # fmt: skip


def test_a_holder_not_in_people_is_an_error() -> None:
    book = af.Portfolio(organisation="Ministry of Example", roles={"accounting_officer": "ghost"})
    policy = af.PersonalResponsibility(
        id="RESP", title="t", scope="organisation", role="accounting_officer"
    )
    found = only(policy, book)
    assert (found.status, found.message) == (
        Status.ERROR,
        "the holder 'ghost' of 'accounting_officer' is not in people",
    )


def test_max_vacancy_cannot_be_used_at_organisation_scope() -> None:
    with pytest.raises(ValueError, match="'max_vacancy' cannot be used with 'scope: organisation'"):
        af.PersonalResponsibility(
            id="R", title="t", scope="organisation", role="accounting_officer",
            max_vacancy="30 days",
        )  # fmt: skip
    # Zero (the default) is no vacancy: allowed.
    zero = af.PersonalResponsibility(
        id="R", title="t", scope="organisation", role="accounting_officer", max_vacancy="0 days"
    )
    assert zero.max_vacancy == "0 days"


def test_a_rule_sees_every_contract_and_the_organisation() -> None:
    rule = af.Rule(
        id="RULE", title="Live contracts reviewed", scope="organisation",
        require='contracts.all(c, c.stage != "live" || size(c.reviews) > 0) && '
                'organisation.name == "Ministry of Example" && '
                'organisation.roles.accounting_officer == "p-ao"',
    )  # fmt: skip
    assert only(rule, portfolio()).status is Status.PASS
    late = only(rule, portfolio(), as_of=D(2026, 9, 30))  # C1's review not yet held
    assert late.status is Status.FAIL


def test_sanctions_see_the_organisation_s_findings_and_people_those_routed_to_them() -> None:
    fw = framework(
        af.Rule(id="ORG-FAIL", title="t", scope="organisation", require="false"),
        af.Rule(id="CON-FAIL", title="t", require="false"),
        af.Sanction(id="SAN-ORG", title="t", scope="organisation", action="a",
                    trigger='findings.all(f, f.subject_type == "organisation") && '
                            "size(findings) == 1"),
        af.Sanction(id="SAN-AO", title="t", scope="person", action="a",
                    trigger='findings.exists(f, f.policy == "ORG-FAIL")'),
    )  # fmt: skip
    result = fw.evaluate(portfolio(), as_of=AS_OF)
    statuses = {(c.policy, c.subject.id): c.status for c in result.consequences}
    assert statuses == {
        ("SAN-ORG", "Ministry of Example"): ConsequenceStatus.DUE,
        ("SAN-AO", "p-ao"): ConsequenceStatus.DUE,
        ("SAN-AO", "p-sro"): ConsequenceStatus.NOT_TRIGGERED,
    }


def test_a_waiver_names_the_organisation() -> None:
    rule = af.Rule(id="RULE", title="t", scope="organisation", require="false")
    waiver = {"policy": "RULE", "subject": "Ministry of Example", "reason": "agreed",
              "approved_by": "p-ao", "approved_on": "2026-10-01", "expires": "2026-12-31"}  # fmt: skip
    found = only(rule, portfolio(waivers=[waiver]))
    assert found.status is Status.WAIVED
    with pytest.raises(af.PortfolioError, match="subject 'Ministry' is neither"):
        portfolio(waivers=[{**waiver, "subject": "Ministry"}])


def test_explain_takes_the_organisation_s_name_or_the_word() -> None:
    fw = framework(af.Rule(id="RULE", title="t", scope="organisation", require="true"))
    by_word = af.explain(fw, portfolio(), "RULE", "organisation", as_of=AS_OF)
    by_name = af.explain(fw, portfolio(), "RULE", "Ministry of Example", as_of=AS_OF)
    assert by_word.render() == by_name.render()
    assert "rule · organisation Ministry of Example · as of 2026-11-05" in by_word.render()
    with pytest.raises(af.UsageError, match="RULE is about the organisation: give its name"):
        af.explain(fw, portfolio(), "RULE", "C1", as_of=AS_OF)


def test_the_schedule_lists_organisation_items_for_the_accountable_person() -> None:
    fw = framework(af.OversightCadence(id="CAD", title="t", scope="organisation",
                                       every="3 months"))  # fmt: skip
    book = portfolio(reviews=[{"date": "2026-09-01", "forum": "board"}])
    plan = af.schedule(fw, book, as_of=AS_OF, until=D(2027, 3, 31))
    assert [(i.due, i.contract, i.accountable.person) for i in plan.items] == [
        (D(2026, 12, 1), "Ministry of Example", "p-ao"),
        (D(2027, 3, 1), "Ministry of Example", "p-ao"),
    ]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('contract.tier == "gold"',
         "unknown variable 'contract': organisation-scope policies have 'organisation' and "
         "'contracts' (every contract) instead"),
        ("is_live",
         "unknown variable 'is_live': definitions are contract scope; organisation-scope "
         "policies cannot use them"),
        ("organisation.lastest.size() > 0",
         "unknown field 'lastest' of organisation (did you mean 'latest'?)"),
        ("contracts.exists(c, c.teir == \"gold\")",
         "unknown field 'teir' of contract (did you mean 'tier'?)"),
    ],
)  # fmt: skip
def test_the_checker_says_what_organisation_scope_has(expression: str, message: str) -> None:
    fw = af.Framework(
        name="t", version="1", roles=ROLES,
        definitions={"is_live": 'contract.stage == "live"'},
        policies=[af.Rule(id="R", title="t", scope="organisation", require=expression)],
    )  # fmt: skip
    with pytest.raises(af.FrameworkError) as raised:
        af.compile(fw)
    assert message in str(raised.value)


def test_organisation_is_unknown_outside_organisation_scope() -> None:
    rule = af.Rule(id="R", title="t", require='organisation.name == ""')
    with pytest.raises(af.FrameworkError) as raised:
        af.compile(framework(rule))
    assert "unknown variable 'organisation': it is only available in organisation-scope" in str(
        raised.value
    )


def test_the_json_outputs_are_valid_against_their_schemas() -> None:
    fw = af.load_framework(GOLDEN / "framework")
    book = af.load_portfolio(GOLDEN / "portfolio.yaml")
    assessment = json.loads(fw.evaluate(book).to_json())
    jsonschema.validate(assessment, af.assessment_schema())
    assert {f["subject"]["type"] for f in assessment["findings"]} == {"organisation", "contract"}
    spells = json.loads(af.history(fw, book, start=D(2026, 1, 1), end=D(2026, 11, 30)).to_json())
    jsonschema.validate(spells, af.history_schema())
    organisation = [s for s in spells["spells"] if s["subject"]["type"] == "organisation"]
    # The notice received on 2026-11-20 (after the golden's as_of) ends the failing spell.
    assert [(s["policy"], s["status"], s["from"], s["to"]) for s in organisation][:4] == [
        ("INF-PAYMENTS-NOTICE", "fail", "2026-01-01", "2026-04-19"),
        ("INF-PAYMENTS-NOTICE", "pass", "2026-04-20", "2026-10-30"),
        ("INF-PAYMENTS-NOTICE", "fail", "2026-10-31", "2026-11-19"),
        ("INF-PAYMENTS-NOTICE", "pass", "2026-11-20", "2026-11-30"),
    ]


def test_the_command_line_checks_an_organisation_framework(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["check", str(GOLDEN / "portfolio.yaml"), "-f", str(GOLDEN / "framework"),
                 "--format", "csv"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1  # INF-PAYMENTS-NOTICE fails at severity high
    assert "RESP-CROWN-REP,personal_responsibility,organisation,Ministry of Example,fail" in out


@pytest.mark.parametrize(
    "policy",
    [
        af.Rule(id="P", title="t", scope="organisation", require="1 / 0 == 1"),
        af.Rule(id="P", title="t", scope="organisation", applies_to="contracts[9].tier == ''",
                require="true"),
        af.OversightCadence(id="P", title="t", scope="organisation", every="1 month",
                            counts_if="review.chair == 'p-ao'"),
        af.RequiredInformation(id="P", title="t", scope="organisation", report="r",
                               max_age="1 month", require="report.figures.missing > 0.0"),
        af.PersonalResponsibility(id="P", title="t", scope="organisation",
                                  role="accounting_officer", eligible="person.grade == 'x'"),
    ],
    ids=["require", "applies_to", "counts_if", "require-report", "eligible"],
)  # fmt: skip
def test_an_expression_that_errors_gives_error_never_pass(policy: Policy) -> None:
    book = portfolio(
        roles={"accounting_officer": "p-nograde"},
        people=[{"id": "p-nograde", "name": "No Grade"}],
        reviews=[{"date": "2026-10-01", "forum": "board"}],  # no chair: chair is absent
        reports=[{"kind": "r", "received": "2026-10-01"}],
    )
    found = only(policy, book)
    assert found.status is Status.ERROR, found.message


def test_a_trigger_that_errors_gives_an_error_consequence() -> None:
    fw = framework(
        af.Sanction(id="S", title="t", scope="organisation", action="a", trigger="1 / 0 == 1")
    )
    (made,) = fw.evaluate(portfolio(), as_of=AS_OF).consequences
    assert made.status is ConsequenceStatus.ERROR


def test_history_judges_the_organisation_s_sanctions_when_its_facts_change() -> None:
    # No finding changes here: the sanction reads the organisation's reviews and the contracts.
    fw = framework(
        af.Sanction(id="S-REVIEWED", title="t", scope="organisation", action="a",
                    trigger="size(organisation.reviews) > 0"),
        af.Sanction(id="S-SPENT", title="t", scope="organisation", action="a",
                    trigger="contracts.exists(c, c.spent > 0.0)"),
    )  # fmt: skip
    book = portfolio(reviews=[{"date": "2026-03-10", "forum": "board"}])
    contracts = [attrs.evolve(book.contracts[0],
                              transactions=[af.Transaction(date=D(2026, 3, 20), amount=5.0)]),
                 book.contracts[1]]  # fmt: skip
    book = attrs.evolve(book, contracts=contracts)
    spells = af.history(fw, book, start=D(2026, 3, 1), end=D(2026, 3, 31)).consequence_spells
    assert [(s.policy, s.status.value, s.start, s.end) for s in spells] == [
        ("S-REVIEWED", "not_triggered", D(2026, 3, 1), D(2026, 3, 9)),
        ("S-REVIEWED", "due", D(2026, 3, 10), D(2026, 3, 31)),
        ("S-SPENT", "not_triggered", D(2026, 3, 1), D(2026, 3, 19)),
        ("S-SPENT", "due", D(2026, 3, 20), D(2026, 3, 31)),
    ]
