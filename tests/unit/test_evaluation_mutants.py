"""Behaviours of the evaluation stage that surviving mutants showed no test stated (issue 27).

Each test is the smallest statement of one behaviour a mutant of `evaluation/` changed without
any test noticing (benchmarks/mutation.py, `NOTES`): what `findings` shows of an exposure,
what an explanation tells of a vacancy and of an eligibility, the validated fallback for an
assignment the fast conversion declines.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import attrs
import pytest

import accountframe as af
from accountframe.assessment import (
    Accountable,
    ConsequenceStatus,
    Finding,
    Status,
    Subject,
    WaiverUnused,
)
from accountframe.compiler.compiler import CompiledPolicy
from accountframe.evaluation.explanation import judge_one
from accountframe.evaluation.findings import FindingsIndex, Since, finding_value
from accountframe.evaluation.judges import cadence, information, responsibility
from accountframe.evaluation.judges.base import Outcome
from accountframe.evaluation.judges.freshness import status_changes
from accountframe.evaluation.run import Part, Run
from accountframe.evaluation.scope import Scopes
from accountframe.framework.duration import Duration
from accountframe.framework.framework import Framework, Role
from accountframe.framework.policies import (
    OversightCadence,
    PersonalResponsibility,
    Policy,
    RequiredInformation,
    Rule,
    Sanction,
    Severity,
)
from accountframe.model import Person, Report, Review, Waiver

AS_OF = datetime.date(2026, 11, 25)
ROLES = [Role("accounting_officer"), Role("sro", reports_to="accounting_officer")]


def framework(*policies: Policy) -> Framework:
    return Framework(name="t", version="1", roles=ROLES, policies=list(policies))


def portfolio(**contract: Any) -> af.Portfolio:
    return af.Portfolio.from_dict(
        {
            "organisation": "Test",
            "roles": {"accounting_officer": "p-ao"},
            "people": [{"id": "p-ao", "name": "Ada Officer"}, {"id": "p-sro", "name": "Sam Owner"}],
            "contracts": [
                {"id": "C1", "title": "One", "stage": "live", "start": "2026-01-01", **contract}
            ],
        }
    )


def only(result: af.Assessment) -> Finding:
    (finding,) = result.findings
    return finding


# -- findings: what sanctions and rewards see ---------------------------------------------------


@pytest.mark.parametrize(
    ("exposure", "shown"), [(None, {}), (0.0, {"exposure": 0.0}), (2.5, {"exposure": 2.5})]
)
def test_the_findings_variable_shows_an_exposure_only_when_there_is_one(
    exposure: float | None, shown: dict[str, float]
) -> None:
    found = Finding(
        policy="P",
        kind="rule",
        subject=Subject("contract", "C1"),
        status=Status.FAIL,
        severity=Severity.HIGH,
        accountable=Accountable("sro", "p-sro", "Sam Owner"),
        message="not met",
        exposure=exposure,
        currency=None if exposure is None else "GBP",
    )
    assert finding_value(found) == {
        "policy": "P",
        "kind": "rule",
        "status": "fail",
        "severity": "high",
        "tags": [],
        "subject": "C1",
        "subject_type": "contract",
        "accountable": "p-sro",
        "evidence": {},
        **shown,
    }


# -- personal responsibility --------------------------------------------------------------------

ELIGIBLE = PersonalResponsibility(
    id="P", title="t", role="sro", eligible='assignment.letter && person.name == "Sam Owner"'
)


def held(letter: bool) -> list[dict[str, Any]]:
    return [{"role": "sro", "person": "p-sro", "start": "2025-01-01", "letter": letter}]


def test_an_explanation_of_a_role_never_held_says_so() -> None:
    policy = PersonalResponsibility(id="P", title="t", role="sro")
    told = af.explain(framework(policy), portfolio(), "P", "C1", as_of=AS_OF).render()
    assert "\n  holder: none  (no one holds the role, and no one has held it)\n" in told


def test_an_explanation_of_eligibility_shows_the_holders_values() -> None:
    told = af.explain(
        framework(ELIGIBLE), portfolio(assignments=held(False)), "P", "C1", as_of=AS_OF
    )
    lines = told.render().splitlines()
    assert lines[lines.index("computation") + 1] == "  holder: p-sro"  # known: in people
    start = lines.index("eligible for holder p-sro")
    assert lines[start : start + 7] == [
        "eligible for holder p-sro",
        '  false  <- assignment.letter && person.name == "Sam Owner"',
        "    false  <- assignment.letter",
        '    true  <- person.name == "Sam Owner"',
        "  values:",
        "    assignment.letter = false",
        '    person.name = "Sam Owner"',
    ]


class _Name(str):
    """A person id of a str subclass: the fast conversion declines it (it may be anything)."""


@pytest.mark.parametrize(
    ("letter", "status", "message"),
    [
        (True, Status.PASS, "Sam Owner (p-sro) holds 'sro' since 2025-01-01"),
        (
            False,
            Status.FAIL,
            "Sam Owner (p-sro) holds 'sro' but is not eligible: assignment.letter is false",
        ),
    ],
)
def test_an_assignment_the_fast_conversion_declines_is_judged_validated(
    letter: bool, status: Status, message: str
) -> None:
    """A Portfolio built in code may hold values the canonical conversion is not sure of;
    `eligible` then sees the assignment validated, with the same result."""
    data = portfolio(assignments=held(letter))
    (contract,) = data.contracts
    (assignment,) = contract.assignments
    odd = attrs.evolve(assignment, person=_Name("p-sro"))
    data = attrs.evolve(data, contracts=[attrs.evolve(contract, assignments=[odd])])
    found = only(framework(ELIGIBLE).evaluate(data, as_of=AS_OF))
    assert (found.status, found.message) == (status, message)


# -- the days on which a finding changes with the date alone (history, SPEC section 13) ---------

DUE = datetime.date(2026, 11, 20)
MAX = datetime.date.max


def compiled(policy: Policy) -> CompiledPolicy:
    (made,) = af.compile(framework(policy)).plan.policies
    return made


def outcome(
    status: Status, due: datetime.date | None, evidence: dict[str, Any] | None = None
) -> Outcome:
    return status, "m", due, evidence or {}, ()


@pytest.mark.parametrize(
    ("status", "due", "expected"),
    [
        (Status.WARN, DUE, (DUE + datetime.timedelta(days=1),)),  # the day after the limit
        (Status.WARN, None, ()),
        (Status.WARN, MAX, ()),  # no day after the calendar's last
        (Status.WARN, MAX - datetime.timedelta(days=1), (MAX,)),
        (Status.FAIL, DUE, ()),  # a vacancy past its limit stays failed
        (Status.PASS, DUE, ()),
    ],
)
def test_a_vacancy_changes_the_day_after_its_limit(
    status: Status, due: datetime.date | None, expected: tuple[datetime.date, ...]
) -> None:
    policy = compiled(PersonalResponsibility(id="P", title="t", role="sro", max_vacancy="30 days"))
    assert responsibility.changes(policy, outcome(status, due)) == expected


FRESHNESS = [
    # (due, warn_before, grace) → the first day of warning and the first day of failing
    (DUE, "7 days", "3 days", (datetime.date(2026, 11, 14), datetime.date(2026, 11, 24))),
    (DUE, "0 days", "0 days", (DUE + datetime.timedelta(days=1),) * 2),
    (None, "7 days", "3 days", ()),  # no base: fails whatever the date
    (MAX, "0 days", "0 days", ()),  # no day after the calendar's last
    (MAX, "1 day", "0 days", (MAX,)),
    (MAX - datetime.timedelta(days=1), "0 days", "0 days", (MAX, MAX)),
]


@pytest.mark.parametrize(("due", "warn_before", "grace", "expected"), FRESHNESS)
def test_a_cadence_changes_on_its_first_days_of_warning_and_of_failing(
    due: datetime.date | None, warn_before: str, grace: str, expected: tuple[datetime.date, ...]
) -> None:
    policy = compiled(
        OversightCadence(id="P", title="t", every="1 month", warn_before=warn_before, grace=grace)
    )
    assert cadence.changes(policy, outcome(Status.PASS, due)) == expected
    assert status_changes(policy.durations, due) == expected


@pytest.mark.parametrize(("due", "warn_before", "grace", "expected"), FRESHNESS)
def test_information_changes_with_the_due_date_of_its_evidence(
    due: datetime.date | None, warn_before: str, grace: str, expected: tuple[datetime.date, ...]
) -> None:
    policy = compiled(
        RequiredInformation(
            id="P",
            title="t",
            report="perf",
            max_age="1 month",
            warn_before=warn_before,
            grace=grace,
        )
    )
    # A finding failed on `require` alone has no due date; its evidence keeps the freshness one.
    assert information.changes(policy, outcome(Status.FAIL, None, {"due": due})) == expected
    assert information.changes(policy, outcome(Status.PASS, DUE)) == ()


# -- since: the look-back (SPEC section 13) ------------------------------------------------------

LOOK_BACK = Duration.parse("30 days")
LIMIT = datetime.date(2026, 10, 26)  # AS_OF - 30 days


@pytest.mark.parametrize(
    ("start", "since", "limited"),
    [
        (None, LIMIT, True),  # no spell known: as far back as it was looked for
        (LIMIT - datetime.timedelta(days=1), LIMIT, True),
        (LIMIT, LIMIT, True),  # began on the limit: limited
        (LIMIT + datetime.timedelta(days=1), LIMIT + datetime.timedelta(days=1), False),
        (AS_OF, AS_OF, False),
    ],
)
def test_since_is_the_spells_start_unless_it_began_on_or_before_the_limit(
    start: datetime.date | None, since: datetime.date, limited: bool
) -> None:
    starts = {} if start is None else {("R1", "contract", "C1"): start}
    look = Since(LOOK_BACK, starts)
    assert look.of("R1", Subject("contract", "C1"), AS_OF) == (since, limited)
    # Another policy, or the same id as another kind of subject, has a spell of its own.
    assert look.of("R2", Subject("contract", "C1"), AS_OF) == (LIMIT, True)
    assert look.of("R1", Subject("person", "C1"), AS_OF) == (LIMIT, True)
    found = Finding(
        policy="R1",
        kind="rule",
        subject=Subject("contract", "C1"),
        status=Status.FAIL,
        severity=Severity.HIGH,
        accountable=Accountable("sro", None),
        message="not met",
    )
    assert look.value(found, AS_OF) == {
        **finding_value(found),
        "since": since,
        "days_in_status": (AS_OF - since).days,
    }


# -- events the fast conversion declines ---------------------------------------------------------


@pytest.mark.parametrize("odd", [False, True], ids=["str", "str-subclass"])
@pytest.mark.parametrize("whole", [False, True], ids=["events-only", "contract-reads-them"])
def test_events_the_fast_conversion_declines_are_counted_as_validated(
    odd: bool, whole: bool
) -> None:
    """A review and a report of a str subclass (a Portfolio built in code): `counts_if` sees
    them as the validated value holds them, whether only the events are converted or the
    contract's whole value (a rule reads its events) is validated."""
    name = _Name if odd else str
    data = portfolio(
        reviews=[
            {"date": "2026-10-01", "forum": "board", "chair": "p-ao"},
            {"date": "2026-11-01", "forum": "board", "chair": "p-sro"},
        ],
        reports=[
            {"kind": "perf", "received": "2026-09-01", "verified": True},
            {"kind": "perf", "received": "2026-11-01", "verified": False},
        ],
    )
    (contract,) = data.contracts
    reviews = [attrs.evolve(r, forum=name(r.forum)) for r in contract.reviews]
    reports = [attrs.evolve(r, kind=name(r.kind)) for r in contract.reports]
    data = attrs.evolve(data, contracts=[attrs.evolve(contract, reviews=reviews, reports=reports)])
    cadence_policy = OversightCadence(
        id="C", title="t", every="2 months", counts_if='review.chair == "p-ao"'
    )
    information_policy = RequiredInformation(
        id="I", title="t", report="perf", max_age="2 months", counts_if="report.verified"
    )
    policies: list[Policy] = [cadence_policy, information_policy]
    if whole:
        policies.append(
            Rule(id="R", title="t", require="size(contract.reviews) + size(contract.reports) == 4")
        )
    found = framework(*policies).evaluate(data, as_of=AS_OF).findings
    assert [(f.status, f.due) for f in found] == [
        (Status.PASS, datetime.date(2026, 12, 1)),
        (Status.FAIL, datetime.date(2026, 11, 1)),
    ] + [(Status.PASS, None)] * whole


# -- contracts whose id is repeated (a Portfolio built in code) ---------------------------------


def test_a_repeated_contract_ids_consequences_see_the_findings_of_every_contract_with_it() -> None:
    data = portfolio()
    (first,) = data.contracts
    contracts = [
        attrs.evolve(first, attributes={"ok": False}),
        attrs.evolve(first, id="C2", attributes={"ok": True}),
        attrs.evolve(first, attributes={"ok": True}),
    ]
    data = attrs.evolve(data, contracts=contracts)
    rule = Rule(id="R", title="t", require="contract.attributes.ok")
    sanction = Sanction(
        id="S",
        title="s",
        action="Act",
        trigger='findings.exists(f, f.status == "fail")',
        amount="double(size(findings))",
    )
    result = framework(rule, sanction).evaluate(data, as_of=AS_OF)
    assert [(f.subject.id, f.status) for f in result.findings] == [
        ("C1", Status.FAIL),
        ("C2", Status.PASS),
        ("C1", Status.PASS),
    ]
    # In portfolio order; each C1 sees both C1 findings, one of which fails.
    assert [(c.subject.id, c.status, c.amount) for c in result.consequences] == [
        ("C1", ConsequenceStatus.DUE, 2.0),
        ("C2", ConsequenceStatus.NOT_TRIGGERED, None),
        ("C1", ConsequenceStatus.DUE, 2.0),
    ]


# -- what sanctions read of findings through the fast maps ---------------------------------------


def test_a_sanction_reads_a_findings_exposure_and_tags() -> None:
    rule = Rule(id="R", title="t", require="false", exposure="100.0", tags=["money"])
    sanction = Sanction(
        id="S",
        title="s",
        action="Act",
        trigger='findings.exists(f, "money" in f.tags && has(f.exposure))',
        amount="findings[0].exposure / 4.0",
    )
    (consequence,) = framework(rule, sanction).evaluate(portfolio(), as_of=AS_OF).consequences
    assert (consequence.status, consequence.amount) == (ConsequenceStatus.DUE, 25.0)


def test_a_person_with_no_findings_sees_an_empty_list() -> None:
    sanction = Sanction(
        id="S", title="s", action="Act", scope="person", trigger="size(findings) == 0"
    )
    result = framework(sanction).evaluate(portfolio(), as_of=AS_OF)
    assert [(c.subject.id, c.status) for c in result.consequences] == [
        ("p-ao", ConsequenceStatus.DUE),
        ("p-sro", ConsequenceStatus.DUE),
    ]


# -- the organisation's own events and view (SPEC section 5, organisation scope) -----------------


def test_the_organisations_events_on_the_as_of_day_are_in_its_view() -> None:
    data = attrs.evolve(
        portfolio(),
        reviews=[
            Review(AS_OF - datetime.timedelta(days=1), "board"),
            Review(AS_OF, "board", chair="p-ao"),
            Review(AS_OF + datetime.timedelta(days=1), "board"),
        ],
        reports=[Report("annual", AS_OF), Report("annual", AS_OF + datetime.timedelta(days=1))],
    )
    rule = Rule(
        id="R",
        title="t",
        scope="organisation",
        require=(
            'organisation.name == "Test" && organisation.roles.accounting_officer == "p-ao"'
            " && size(organisation.reviews) == 2 && size(organisation.reports) == 1"
            ' && organisation.last_review.board.chair == "p-ao"'
            " && organisation.latest.annual.received == organisation.last_review.board.date"
        ),
    )
    cadence_policy = OversightCadence(id="C", title="t", scope="organisation", every="1 day")
    information_policy = RequiredInformation(
        id="I", title="t", scope="organisation", report="annual", max_age="1 day"
    )
    found = framework(rule, cadence_policy, information_policy).evaluate(data, as_of=AS_OF)
    assert [(f.status, f.due) for f in found.findings] == [
        (Status.PASS, None),
        (Status.PASS, AS_OF + datetime.timedelta(days=1)),
        (Status.PASS, AS_OF + datetime.timedelta(days=1)),
    ]


def test_with_no_event_the_organisation_has_no_start_to_count_from() -> None:
    cadence_policy = OversightCadence(id="C", title="t", scope="organisation", every="1 month")
    information_policy = RequiredInformation(
        id="I", title="t", scope="organisation", report="annual", max_age="1 year"
    )
    fw = framework(cadence_policy, information_policy)
    found = fw.evaluate(portfolio(), as_of=AS_OF).findings
    assert [(f.status, f.message) for f in found] == [
        (Status.FAIL, "no review on record and the organisation has no start date to count from"),
        (
            Status.FAIL,
            "no annual report on record and the organisation has no start date to count from",
        ),
    ]


# -- messages ------------------------------------------------------------------------------------


def test_a_due_that_is_not_a_timestamp_names_the_type_it_must_give() -> None:
    rule = Rule(id="R", title="t", require="false", due="contract.attributes.d")
    found = only(framework(rule).evaluate(portfolio(attributes={"d": 1}), as_of=AS_OF))
    assert (found.status, found.message) == (
        Status.ERROR,
        "due must give a timestamp (got int 1) (at R.due)",
    )


@pytest.mark.parametrize(
    ("require", "told"),
    [
        ("report.verified", ": report.verified is false"),
        # The part that was false is found with the report bound.
        ('report.verified && report.kind == "perf"', ": report.verified is false"),
        ("false", ""),  # the literal false says nothing more than the failure
    ],
)
def test_a_report_that_does_not_meet_the_requirement_says_which_part(
    require: str, told: str
) -> None:
    policy = RequiredInformation(
        id="I", title="t", report="perf", max_age="1 year", require=require
    )
    data = portfolio(reports=[{"kind": "perf", "received": "2026-11-01", "verified": False}])
    found = only(framework(policy).evaluate(data, as_of=AS_OF))
    assert (found.status, found.message) == (
        Status.FAIL,
        f"the latest perf report (2026-11-01) does not meet the requirement{told}"
        " (the next is due by 2027-11-01)",
    )


@pytest.mark.parametrize(
    ("scope", "eligible", "message"),
    [
        ("contract", "false", "Sam Owner (p-sro) holds 'sro' but is not eligible"),
        ("organisation", "false", "Sam Owner (p-sro) holds 'sro' but is not eligible"),
        (
            "organisation",
            'person.name == "x" || assignment.role != "sro"',
            "Sam Owner (p-sro) holds 'sro' but is not eligible: "
            'neither person.name == "x" nor assignment.role != "sro" holds',
        ),
        ("organisation", 'assignment.person == "p-sro"', None),
        # The part that was false is found with the holder's values bound.
        (
            "organisation",
            'person.name == "Sam Owner" && assignment.role == "x"',
            "Sam Owner (p-sro) holds 'sro' but is not eligible: assignment.role == \"x\" is false",
        ),
    ],
)
def test_eligibility_at_either_scope(scope: str, eligible: str, message: str | None) -> None:
    policy = PersonalResponsibility(id="P", title="t", role="sro", scope=scope, eligible=eligible)
    data = portfolio(assignments=held(True))
    data = attrs.evolve(data, roles={**data.roles, "sro": "p-sro"})
    found = only(framework(policy).evaluate(data, as_of=AS_OF))
    if message is None:
        assert (found.status, found.message) == (
            Status.PASS,
            "Sam Owner (p-sro) holds the organisation role 'sro'",
        )
    else:
        assert (found.status, found.message) == (Status.FAIL, message)


@pytest.mark.parametrize("scope", ["contract", "organisation"])
def test_a_holder_not_in_people_is_an_error_and_explained(scope: str) -> None:
    """Only a Portfolio built in code gets here (loading checks every person reference)."""
    policy = PersonalResponsibility(id="P", title="t", role="sro", scope=scope)
    data = portfolio(assignments=held(True))
    data = attrs.evolve(data, roles={**data.roles, "sro": "p-sro"}, people=data.people[:1])
    found = only(framework(policy).evaluate(data, as_of=AS_OF))
    assert (found.status, found.message) == (
        Status.ERROR,
        "the holder 'p-sro' of 'sro' is not in people",
    )
    subject = "C1" if scope == "contract" else "organisation"
    told = af.explain(framework(policy), data, "P", subject, as_of=AS_OF).render()
    assert "\n  holder: p-sro  (not in people)\n" in told


def test_an_explanation_of_an_organisation_role_names_its_holder() -> None:
    policy = PersonalResponsibility(
        id="P", title="t", role="accounting_officer", scope="organisation"
    )
    told = af.explain(framework(policy), portfolio(), "P", "organisation", as_of=AS_OF).render()
    assert "\ncomputation\n  holder: p-ao\n  since: none\n" in told
    vacant = PersonalResponsibility(id="P", title="t", role="sro", scope="organisation")
    told = af.explain(framework(vacant), portfolio(), "P", "organisation", as_of=AS_OF).render()
    assert "\n  holder: none  (no one holds the role, and no one has held it)\n" in told


def test_an_explanation_tells_the_freshness_and_the_latest_report() -> None:
    policy = RequiredInformation(
        id="I", title="t", report="perf", max_age="1 year", require="report.verified"
    )
    data = portfolio(reports=[{"kind": "perf", "received": "2026-11-01", "verified": True}])
    told = af.explain(framework(policy), data, "I", "C1", as_of=AS_OF).render()
    assert "\n  freshness: pass  (last perf report on 2026-11-01; next due by 2027-11-01)\n" in told
    assert "\n  latest report: 2026-11-01  (require is checked against it)\n" in told
    cadence_policy = OversightCadence(id="C", title="t", every="1 month")
    told = af.explain(framework(cadence_policy), portfolio(), "C", "C1", as_of=AS_OF).render()
    assert "\n  freshness: fail  (no review since the start; was due on 2026-02-01" in told


def test_a_failing_definition_of_a_framework_built_in_code_is_named_where_it_is() -> None:
    """No file, no line: the message names the definition instead."""
    fw = Framework(
        name="t",
        version="1",
        roles=ROLES,
        definitions={"x": "contract.attributes.missing + 1"},
        policies=[Rule(id="R", title="t", require="x > 0")],
    )
    found = only(fw.evaluate(portfolio(), as_of=AS_OF))
    assert (found.status, found.message) == (
        Status.ERROR,
        "require: definition 'x' failed: no such member in mapping: 'missing' (at definition x)",
    )


def sanctions_framework() -> Framework:
    """A rule on `contract.attributes.ok`, a contract sanction counting its findings and a
    person sanction counting the failures routed to them."""
    rule = Rule(id="R", title="t", require="contract.attributes.ok", accountable="sro")
    on_contract = Sanction(
        id="S", title="s", action="Act", trigger="true", amount="double(size(findings))"
    )
    on_person = Sanction(
        id="P",
        title="s",
        action="Act",
        scope="person",
        trigger="true",
        amount='double(size(findings.filter(f, f.status == "fail")))',
    )
    return framework(rule, on_contract, on_person)


def test_repeated_contract_ids_and_people_read_the_findings_meant_for_them() -> None:
    """With a person-scope sanction the findings' maps are kept: a repeated contract reads
    those of its id, a person those routed to them."""
    data = portfolio(assignments=held(True))
    (first,) = data.contracts
    data = attrs.evolve(
        data,
        contracts=[
            attrs.evolve(first, attributes={"ok": False}),
            attrs.evolve(first, attributes={"ok": True}),
        ],
    )
    result = sanctions_framework().evaluate(data, as_of=AS_OF)
    assert [(c.policy, c.subject.id, c.amount) for c in result.consequences] == [
        ("S", "C1", 2.0),
        ("S", "C1", 2.0),
        ("P", "p-ao", 0.0),
        ("P", "p-sro", 1.0),
    ]


# -- which part of a false condition a failure names ---------------------------------------------

A, B, C = (
    "contract.attributes.a",
    "contract.attributes.b",
    "contract.attributes.c",
)  # true, false, 1
S = "contract.attributes.s"  # "x"
LONG = f'{A} == ("{"x" * 170}" == "y")'
#: With `B`, two alternatives of exactly `QUOTED` characters together.
PAIRED = f'{S} == "{"x" * (160 - len(B) - len(S) - 6)}"'
#: A condition of exactly `QUOTED` (160) characters, quoted whole.
EXACT = f'{A} == ("{"x" * (160 - len(A) - 15)}" == "y")'


@pytest.mark.parametrize(
    ("require", "told"),
    [
        (f"{A} && {B}", f"{B} is false"),  # the operand of `&&` that gave false
        (f"{C} == 2 && {A}", f"{C} == 2 is false"),
        (f"({B} || {A}) && ({C} == 3)", f"{C} == 3 is false"),
        (f"{A} && false", ""),  # the literal false says nothing more
        ("  false  ", ""),
        (f"{A} ? {B} : true", f"{B} is false"),  # the branch `?:` took
        (f"!{A} ? true : {B}", f"{B} is false"),
        (f"(({B}))", f"{B} is false"),  # outer parentheses dropped
        (f"({B}) && ({A})", f"{B} is false"),
        (f"({B}) || ({C} == 2)", f"neither {B} nor {C} == 2 holds"),
        (" || ".join([B] * 9), "none of its 9 alternatives holds"),
        (LONG, f"{LONG[:157]}... is false"),
        (EXACT, f"{EXACT} is false"),
        (f"{B} || {C} == 2 || {S} == 'a'", f"none of {B}; {C} == 2; {S} == 'a' holds"),
        # Two alternatives of exactly `QUOTED` characters together are still named.
        (f"{B} || {PAIRED}", f"neither {B} nor {PAIRED} holds"),
        (f'{B} || {PAIRED[:-1]}x"', "none of its 2 alternatives holds"),
        # Outer parentheses that do not pair with each other stay.
        (f"({B}) == ({A})", f"({B}) == ({A}) is false"),
        (f"((({B})))", f"{B} is false"),
        # A string literal ends at its closing quote, an escaped character and all.
        (f'({S} == "x") == ({S} == "b")', f'({S} == "x") == ({S} == "b") is false'),
        (f'({S} == "\\\\") == ({S} == "x")', f'({S} == "\\\\") == ({S} == "x") is false'),
        # Parentheses inside a string literal do not pair with those outside it.
        (f'({S} == ")(")', f'{S} == ")(" is false'),
        (f"({S} == ')(')", f"{S} == ')(' is false"),
        (f'({S} == "\\"(")', f'{S} == "\\"(" is false'),
        (f"({S} == 'a') || ({S} == 'b')", f"neither {S} == 'a' nor {S} == 'b' holds"),
        (f"({S} == 'a') && (({S} == 'b'))", f"{S} == 'a' is false"),
    ],
)
def test_a_failure_names_the_part_of_its_condition_that_was_false(require: str, told: str) -> None:
    assert len(EXACT) == 160
    data = portfolio(attributes={"a": True, "b": False, "c": 1, "s": "x"})
    found = only(framework(Rule(id="R", title="T", require=require)).evaluate(data, as_of=AS_OF))
    assert (found.status, found.message) == (
        Status.FAIL,
        f"not met: T ({told})" if told else "not met: T",
    )


def test_a_counts_if_that_fails_on_one_event_names_its_problem() -> None:
    """One event at a time once they do not all give a bool: the first counts, the second
    has no chair (an absent optional value is absent from its map)."""
    data = portfolio(
        reviews=[
            {"date": "2026-11-01", "forum": "board", "chair": "p-ao"},
            {"date": "2026-11-02", "forum": "board"},
        ]
    )
    policy = OversightCadence(
        id="C", title="t", every="1 month", counts_if='review.chair == "p-ao"'
    )
    found = only(framework(policy).evaluate(data, as_of=AS_OF))
    assert (found.status, found.message) == (
        Status.ERROR,
        "counts_if failed: no such member in mapping: 'chair' (at C.counts_if)",
    )


# -- what an explanation shows of the due arithmetic ---------------------------------------------


def computation(policy: Policy, data: af.Portfolio, subject: str) -> list[str]:
    lines = af.explain(framework(policy), data, policy.id, subject, as_of=AS_OF).render()
    shown = lines.splitlines()
    start = shown.index("computation")
    return shown[start + 1 : shown.index("", start)]


def test_an_explanation_shows_every_step_of_a_rolling_due_date() -> None:
    policy = OversightCadence(
        id="C", title="t", every="1 month", warn_before="7 days", grace="3 days"
    )
    data = portfolio(reviews=[{"date": "2026-10-20", "forum": "board"}])
    assert computation(policy, data, "C1") == [
        "  review 2026-10-20 (board): counts",
        "  qualifying: 1  (of 1 on or before 2026-11-25)",
        "  last: 2026-10-20",
        "  base: 2026-10-20  (the latest qualifying event)",
        "  due: 2026-11-20  (base + 1 month)",
        "  warn from: 2026-11-13  (due - 7 days: warn after this)",
        "  grace end: 2026-11-23  (due + 3 days: fail after this)",
        "  days overdue: 5",
        "  freshness: fail  (last review on 2026-10-20; was due on 2026-11-20, 5 days overdue)",
    ]


def test_an_explanation_shows_every_step_of_a_fixed_period_due_date() -> None:
    policy = OversightCadence(
        id="C", title="t", periods={"ends": ["03-31", "09-30"], "within": "30 days"}
    )
    assert computation(policy, portfolio(), "C1") == [
        "  qualifying: 0  (of 0 on or before 2026-11-25)",
        "  last: none",
        "  base: 2026-01-01  (the contract start)",
        "  period end: 2026-03-31  (the first period end after base)",
        "  due: 2026-04-30  (period end + 30 days)",
        "  warn from: 2026-04-30  (due - 0 days: warn after this)",
        "  grace end: 2026-04-30  (due + 0 days: fail after this)",
        "  days overdue: 209",
        "  freshness: fail  (no review since the start; period ending 2026-03-31; was due on "
        "2026-04-30, 209 days overdue)",
    ]


def test_an_explanation_with_nothing_to_count_from() -> None:
    policy = OversightCadence(id="C", title="t", every="1 month", scope="organisation")
    assert computation(policy, portfolio(), "organisation") == [
        "  qualifying: 0  (of 0 on or before 2026-11-25)",
        "  base: none  (no qualifying event and no contract start date)",
        "  freshness: fail  (no review on record and the organisation has no start date to count "
        "from)",
    ]


# -- a rule's due date, a consequence's deadline and amount --------------------------------------


@pytest.mark.parametrize("require", ["false", "true"])
def test_a_rules_due_date_is_evaluated_whatever_require_gives(require: str) -> None:
    data = portfolio(attributes={"d": "2026-11-20T00:00:00Z"})
    rule = Rule(id="R", title="t", require=require, due="timestamp(contract.attributes.d)")
    found = only(framework(rule).evaluate(data, as_of=AS_OF))
    assert (found.due, found.evidence) == (
        datetime.date(2026, 11, 20),
        {"due": datetime.date(2026, 11, 20), "days_overdue": 5},
    )
    plain = only(framework(Rule(id="R", title="t", require=require)).evaluate(data, as_of=AS_OF))
    assert (plain.due, plain.evidence) == (None, {})


@pytest.mark.parametrize(
    ("within", "due", "message"),
    [
        ("30 days", datetime.date(2026, 12, 25), "triggered; apply by 2026-12-25"),
        (None, None, "triggered"),
    ],
)
def test_a_triggered_consequence_is_due_within_its_period(
    within: str | None, due: datetime.date | None, message: str
) -> None:
    sanction = Sanction(
        id="S", title="s", action="Act", trigger="true", within=within, severity="high"
    )
    (made,) = framework(sanction).evaluate(portfolio(), as_of=AS_OF).consequences
    assert (made.status, made.due, made.message, made.severity) == (
        ConsequenceStatus.DUE,
        due,
        message,
        Severity.HIGH,
    )


def test_an_amount_that_is_not_finite_is_an_error_naming_where() -> None:
    sanction = Sanction(
        id="S", title="s", action="Act", trigger="true", amount="contract.attributes.x / 0.0"
    )
    data = portfolio(attributes={"x": 1.0})
    (made,) = framework(sanction).evaluate(data, as_of=AS_OF).consequences
    assert (made.status, made.amount, made.due, made.message) == (
        ConsequenceStatus.ERROR,
        None,
        None,
        "amount must be a finite number (got inf) (at S.amount)",
    )


def test_a_definition_that_uses_a_failed_one_says_which() -> None:
    fw = Framework(
        name="t",
        version="1",
        roles=ROLES,
        definitions={"x": "contract.attributes.missing + 1", "y": "x + 1"},
        policies=[Rule(id="R", title="t", require="y > 0")],
    )
    found = only(fw.evaluate(portfolio(), as_of=AS_OF))
    assert (found.status, found.message) == (
        Status.ERROR,
        "require: definition 'y' failed: uses definition 'x', which failed: no such member in "
        "mapping: 'missing' (at definition x)",
    )


def test_an_accountable_person_not_in_people_is_named_by_id_only() -> None:
    data = attrs.evolve(portfolio(), roles={"accounting_officer": "p-x"})
    found = only(framework(Rule(id="R", title="t", require="false")).evaluate(data, as_of=AS_OF))
    assert found.accountable == Accountable("accounting_officer", "p-x", None, ("sro",))


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (
            {"accounting_officer": "p-ao"},
            Accountable("accounting_officer", "p-ao", "Ada Officer", ("sro", "board")),
        ),
        # No Accounting Officer either: the role, no one, and every vacant role passed over.
        ({}, Accountable("accounting_officer", None, None, ("sro", "board"))),
    ],
)
def test_a_chain_that_ends_below_the_top_falls_back_to_the_accounting_officer(
    roles: dict[str, str], expected: Accountable
) -> None:
    """`board` reports to no one: past it, the organisation's Accounting Officer (SPEC 6)."""
    chain = [Role("accounting_officer"), Role("board"), Role("sro", reports_to="board")]
    rule = Rule(id="R", title="t", require="false", accountable="sro")
    fw = Framework(name="t", version="1", roles=chain, policies=[rule])
    data = attrs.evolve(portfolio(), roles=roles)
    assert only(fw.evaluate(data, as_of=AS_OF)).accountable == expected


@pytest.mark.parametrize(
    ("approved_on", "expires", "unused"),
    [
        (AS_OF, AS_OF + datetime.timedelta(days=5), True),  # in force from its approval day
        (AS_OF - datetime.timedelta(days=5), AS_OF, True),  # to its expiry day
        (AS_OF - datetime.timedelta(days=5), AS_OF - datetime.timedelta(days=1), False),
        (AS_OF + datetime.timedelta(days=1), AS_OF + datetime.timedelta(days=5), False),
    ],
)
def test_a_waiver_in_force_that_waived_nothing_is_listed_unused(
    approved_on: datetime.date, expires: datetime.date, unused: bool
) -> None:
    waiver = Waiver("R", "C1", "agreed", "p-ao", approved_on, expires)
    data = attrs.evolve(portfolio(), waivers=[waiver])
    result = framework(Rule(id="R", title="t", require="true")).evaluate(data, as_of=AS_OF)
    assert (
        list(result.waivers_unused)
        == [
            WaiverUnused(
                "R", "C1", "nothing to waive: no warn or fail finding for this policy and subject"
            )
        ]
        * unused
    )


@pytest.mark.parametrize(
    ("counts_if", "error"),
    [
        (
            "report.verified && contract.attributes.n",
            "counts_if failed: no matching overload for '&&' applied to (bool, int)",
        ),
        (
            "report.verified ? contract.attributes.n : true",
            "counts_if must give a bool (got int 1)",
        ),
    ],
)
def test_an_explanation_names_the_event_an_expression_failed_for(
    counts_if: str, error: str
) -> None:
    data = portfolio(
        reports=[{"kind": "perf", "received": "2026-11-01", "verified": True}],
        attributes={"n": 1},
    )
    policy = RequiredInformation(
        id="I", title="t", report="perf", max_age="1 year", counts_if=counts_if
    )
    told = af.explain(framework(policy), data, "I", "C1", as_of=AS_OF).render().splitlines()
    assert told[3:5] == [
        "counts_if for perf report received 2026-11-01",
        f"  error: {error} (at I.counts_if)  <- {counts_if}",
    ]


# -- an assessment from parts made elsewhere (workers) -------------------------------------------


@pytest.mark.parametrize("with_maps", [True, False], ids=["maps-made-by-parts", "maps-made-here"])
def test_an_assessment_from_parts_made_elsewhere_is_the_one_made_here(with_maps: bool) -> None:
    """`Run.assessment(parts)`, as worker processes give their parts: the same findings,
    consequences, people's findings and used waivers as one run over every contract."""
    data = portfolio(assignments=held(True))
    (first,) = data.contracts
    waiver = Waiver("R", "C2", "agreed", "p-ao", AS_OF, AS_OF)
    data = attrs.evolve(
        data,
        contracts=[
            attrs.evolve(first, attributes={"ok": False}),
            attrs.evolve(first, id="C2", attributes={"ok": False}),
            attrs.evolve(first, id="C3", attributes={"ok": True}),
        ],
        waivers=[waiver],
    )
    plan = af.compile(sanctions_framework()).plan
    here = Run(plan, data, AS_OF).assessment()

    def parts() -> list[Part]:
        made = [Run(plan, data, AS_OF).part(0, 2), Run(plan, data, AS_OF).part(2, 3)]
        return made if with_maps else [attrs.evolve(p, maps=None, persons=None) for p in made]

    elsewhere = Run(plan, data, AS_OF).assessment(parts)
    assert elsewhere == here
    assert [(f.subject.id, f.status) for f in here.findings] == [
        ("C1", Status.FAIL),
        ("C2", Status.WAIVED),
        ("C3", Status.PASS),
    ]
    assert [(c.subject.id, c.amount) for c in here.consequences] == [
        ("C1", 1.0),
        ("C2", 1.0),
        ("C3", 1.0),
        ("p-ao", 0.0),
        ("p-sro", 1.0),
    ]
    assert here.waivers_unused == ()


def test_a_person_sees_the_findings_about_them_and_those_routed_to_them() -> None:
    """SPEC section 6: a person-scope sanction's `findings` are those about the person and
    those whose accountable person they are (contract, person and organisation findings)."""
    data = portfolio(assignments=held(True))  # p-sro holds sro on C1; no one holds it above
    about_people = Rule(
        id="P1", title="t", scope="person", require='person.id != "p-sro"', accountable="sro"
    )
    on_contract = Rule(id="R", title="t", require="false", accountable="sro")
    on_organisation = Rule(id="O", title="t", scope="organisation", require="false")

    def counting(policy_id: str, which: str) -> Sanction:
        amount = f"double(size({which}))"
        return Sanction(
            id=policy_id, title="s", action="Act", scope="person", trigger="true", amount=amount
        )

    sanctions = [
        counting("ALL", "findings"),
        counting("FAIL", 'findings.filter(f, f.status == "fail")'),
        counting("ABOUT", "findings.filter(f, f.subject == person.id)"),
        counting("ORG", 'findings.filter(f, f.subject_type == "organisation")'),
    ]
    fw = framework(about_people, on_contract, on_organisation, *sanctions)
    result = fw.evaluate(data, as_of=AS_OF)
    assert [(f.policy, f.subject.id, f.accountable.person) for f in result.findings] == [
        ("P1", "p-ao", "p-ao"),
        ("P1", "p-sro", "p-ao"),  # sro is held on the contract only: up to the AO
        ("R", "C1", "p-sro"),
        ("O", "Test", "p-ao"),
    ]
    seen = {(c.policy, c.subject.id): c.amount for c in result.consequences}
    assert seen == {
        ("ALL", "p-ao"): 3.0,  # about p-ao, P1 about p-sro routed to p-ao, O
        ("ALL", "p-sro"): 2.0,  # about p-sro, R
        ("FAIL", "p-ao"): 2.0,
        ("FAIL", "p-sro"): 2.0,
        ("ABOUT", "p-ao"): 1.0,
        ("ABOUT", "p-sro"): 1.0,
        ("ORG", "p-ao"): 1.0,
        ("ORG", "p-sro"): 0.0,
    }


@pytest.mark.parametrize(
    ("exposure", "message"),
    [
        (
            "contract.attributes.x",
            "exposure failed: it must be a finite number, not negative (got -1.0) (at R.exposure)",
        ),
        (
            "contract.attributes.s",
            "exposure failed: it must give a number (got string 'a') (at R.exposure)",
        ),
        (
            "contract.attributes.missing",
            "exposure failed: no such member in mapping: 'missing' (at R.exposure)",
        ),
        (
            "y",
            "exposure failed: definition 'y' failed: no such member in mapping: 'missing' "
            "(at definition y)",
        ),
    ],
)
def test_an_exposure_that_fails_says_so_once_then_why(exposure: str, message: str) -> None:
    fw = Framework(
        name="t",
        version="1",
        roles=ROLES,
        definitions={"y": "contract.attributes.missing + 1"},
        policies=[Rule(id="R", title="t", require="false", exposure=exposure)],
    )
    found = only(fw.evaluate(portfolio(attributes={"x": -1.0, "s": "a"}), as_of=AS_OF))
    assert (found.status, found.message, found.exposure) == (Status.ERROR, message, None)


def test_an_assessment_names_what_each_policy_rests_on() -> None:
    rules = [
        Rule(id="R1", title="t", require="true", basis="statute"),
        Rule(id="R2", title="t", require="true"),
        Rule(id="R3", title="t", require="true", basis="proposed"),
    ]
    assessment = framework(*rules).evaluate(portfolio(), as_of=AS_OF)
    assert assessment.bases == {"R1": "statute", "R3": "proposed"}


# -- round 3: run.py ----------------------------------------------------------------------------

#: A rule with every text and money field: each is told for the statuses it is for only.
EVERY_FIELD = Rule(
    id="R",
    title="T",
    require="true",
    message='"told " + contract.id',
    pass_message='contract.attributes.x > 0.0 ? "met by " + contract.id : " "',
    exposure="contract.attributes.x",
    tags=["money"],
)


@pytest.mark.parametrize(
    ("status", "x", "message", "waived"),
    [
        (Status.PASS, 2.5, "met by C1", False),
        (Status.PASS, 0.0, "m", False),  # a blank pass_message keeps the pass's own
        (Status.WARN, 2.5, "told C1", True),
        (Status.FAIL, 2.5, "told C1", True),
        (Status.ERROR, 2.5, "m", False),
        (Status.NOT_APPLICABLE, 2.5, "m", False),
    ],
)
def test_a_findings_message_exposure_and_waiver_follow_its_status(
    status: Status, x: float, message: str, waived: bool
) -> None:
    """SPEC section 6: `message` for a warn or a fail, `pass_message` for a pass; the
    exposure, in the contract's currency, and a waiver in force for a warn or a fail only."""
    data = portfolio(attributes={"x": x}, value={"total": 10.0, "currency": "EUR"})
    data = attrs.evolve(data, waivers=[Waiver("R", "C1", "agreed", "p-ao", AS_OF, AS_OF)])
    run = Run(af.compile(framework(EVERY_FIELD)).plan, data, AS_OF)
    (policy,) = run.plan.policies
    found = run.found(policy, run.scopes.contract(data.contracts[0]), outcome(status, None))
    at_stake = status in (Status.WARN, Status.FAIL)
    assert (found.status, found.message, found.exposure, found.currency, found.tags) == (
        Status.WAIVED if waived else status,
        message,
        x if at_stake else None,
        "EUR" if at_stake else None,
        ("money",),
    )
    assert (found.waiver.original_status if found.waiver else None) == (status if waived else None)


def test_an_organisation_findings_exposure_is_in_the_portfolios_currency() -> None:
    rule = Rule(id="O", title="t", scope="organisation", require="false", exposure="1.5")
    data = attrs.evolve(portfolio(value={"currency": "USD"}), currency="EUR")
    found = only(framework(rule).evaluate(data, as_of=AS_OF))
    assert (found.exposure, found.currency) == (1.5, "EUR")


def test_under_a_look_back_a_sanction_and_its_explanation_see_each_findings_spell() -> None:
    """SPEC section 13: with no earlier spell known, `since` is the look-back's limit."""
    rule = Rule(id="R", title="t", require="false")
    sanction = Sanction(
        id="S", title="s", action="Act", trigger="true", amount="double(findings[0].days_in_status)"
    )
    fw = Framework(
        name="t", version="1", roles=ROLES, policies=[rule, sanction], look_back=LOOK_BACK
    )
    (consequence,) = fw.evaluate(portfolio(), as_of=AS_OF).consequences
    assert (consequence.status, consequence.amount) == (ConsequenceStatus.DUE, 30.0)
    judged = judge_one(af.compile(fw).plan, portfolio(), AS_OF, "S", "C1", Since(LOOK_BACK, {}))
    (seen,) = [step.values["findings"] for step in judged.steps if step.name == "findings"]
    assert [(f["policy"], f["since"], f["days_in_status"]) for f in seen] == [("R", LIMIT, 30)]


def test_a_sanction_using_a_failed_definition_names_it() -> None:
    fw = Framework(
        name="t",
        version="1",
        roles=ROLES,
        definitions={"y": "contract.attributes.missing + 1.0"},
        policies=[Sanction(id="S", title="s", action="Act", trigger="true", amount="y")],
    )
    (consequence,) = fw.evaluate(portfolio(), as_of=AS_OF).consequences
    assert (consequence.status, consequence.message) == (
        ConsequenceStatus.ERROR,
        "amount: definition 'y' failed: no such member in mapping: 'missing' (at definition y)",
    )


def test_a_streamed_assessment_gives_people_the_findings_routed_to_them() -> None:
    """The streamed assessment binds people's `findings` from the maps it kept alone."""
    data = portfolio(attributes={"ok": False}, assignments=held(True))
    with af.stream(sanctions_framework(), data, "jsonl", as_of=AS_OF) as streamed:
        lines = [json.loads(line) for line in "".join(streamed.chunks()).splitlines()]
    assert [(c["policy"], c["subject"]["id"], c["amount"]) for c in lines[1:-1]] == [
        ("S", "C1", 1.0),
        ("P", "p-ao", 0.0),
        ("P", "p-sro", 1.0),
    ]


@pytest.mark.parametrize("scope", ["contract", "person"])
def test_a_findings_map_the_fast_conversion_declines_is_bound_validated(scope: str) -> None:
    """A tag of a str subclass (a framework built in code): `findings` holds it as text."""
    rule = Rule(id="R", title="t", require="false", accountable="sro", tags=[_Name("money")])
    sanction = Sanction(
        id="S",
        title="s",
        action="Act",
        scope=scope,
        trigger='findings.exists(f, "money" in f.tags)',
    )
    data = portfolio(assignments=held(True))
    result = framework(rule, sanction).evaluate(data, as_of=AS_OF)
    assert [(c.subject.id, c.status) for c in result.consequences] == (
        [("C1", ConsequenceStatus.DUE)]
        if scope == "contract"
        else [("p-ao", ConsequenceStatus.NOT_TRIGGERED), ("p-sro", ConsequenceStatus.DUE)]
    )


def test_an_explanation_shows_a_persons_contracts_whole() -> None:
    """An explanation shows every value whole, not only the fields the framework reads."""
    rule = Rule(id="P", title="t", scope="person", require='contracts.exists(c, c.stage == "x")')
    explained = af.explain(
        framework(rule), portfolio(assignments=held(True)), "P", "p-sro", as_of=AS_OF
    ).to_dict()
    (shown,) = explained["evaluations"][-1]["values"]
    assert (shown["path"], [(c["id"], c["title"]) for c in shown["value"]]) == (
        "contracts",
        [("C1", "One")],
    )


@pytest.mark.parametrize("people", [True, False], ids=["person-sanction", "contract-sanction"])
def test_a_part_keeps_the_findings_maps_and_people_for_peoples_sanctions_only(
    people: bool,
) -> None:
    rule, on_contract, on_person = sanctions_framework().policies
    plan = af.compile(framework(rule, on_person if people else on_contract)).plan
    data = portfolio(attributes={"ok": False}, assignments=held(True))
    part = Run(plan, data, AS_OF).part(0, 1)
    assert [(f.subject.id, f.status) for f in part.findings[0]] == [("C1", Status.FAIL)]
    assert (part.maps, part.persons) == (
        ({0: [{"status": "fail"}]}, {0: ["p-sro"]}) if people else (None, None)
    )


def test_a_letter_is_not_a_quote_when_pairing_parentheses() -> None:
    """Only `"` and `'` open a string literal: `(a.X) == (b)` keeps its parentheses."""
    require = "(contract.attributes.X) == (contract.attributes.b)"
    data = portfolio(attributes={"X": True, "b": False})
    found = only(framework(Rule(id="R", title="T", require=require)).evaluate(data, as_of=AS_OF))
    assert (found.status, found.message) == (Status.FAIL, f"not met: T ({require} is false)")


def test_people_with_no_findings_each_see_their_own_variables() -> None:
    """People with no findings share one empty `findings` list: each still sees itself."""
    sanction = Sanction(
        id="S", title="s", action="Act", scope="person", trigger='person.id == "p-sro"'
    )
    result = framework(sanction).evaluate(portfolio(), as_of=AS_OF)
    assert [(c.subject.id, c.status) for c in result.consequences] == [
        ("p-ao", ConsequenceStatus.NOT_TRIGGERED),
        ("p-sro", ConsequenceStatus.DUE),
    ]


# -- round 3: scope.py and findings.py -----------------------------------------------------------


def test_the_base_variables_are_the_date_and_the_organisation() -> None:
    rule = Rule(
        id="R",
        title="t",
        require=(
            'now == timestamp("2026-11-25T00:00:00Z") && portfolio.as_of == now'
            ' && portfolio.organisation == "Test" && portfolio.roles.accounting_officer == "p-ao"'
        ),
    )
    assert only(framework(rule).evaluate(portfolio(), as_of=AS_OF)).status is Status.PASS


def spells(fw: Framework, data: af.Portfolio, start: datetime.date) -> list[Any]:
    found = af.compile(fw).history(data, start=start, end=AS_OF).spells
    return [(s.policy, s.status, s.start, s.end) for s in found]


def test_history_binds_each_day_its_date_and_keeps_the_definitions_that_do_not_read_it() -> None:
    """Days without a change of the contract reuse its value (`Scopes.rebased`), with `now`
    and `portfolio.as_of` of the day (`Scopes.at`), and each definition's value or failure."""
    before = 'timestamp("2026-11-24T00:00:00Z")'
    fw = Framework(
        name="t",
        version="1",
        roles=ROLES,
        definitions={"ok": "contract.attributes.ok", "bad": "contract.attributes.missing + 1"},
        policies=[
            Rule(id="R1", title="t", require=f"ok && contract.attributes.ok && now < {before}"),
            Rule(id="R2", title="t", require=f"portfolio.as_of < {before} || bad > 0"),
        ],
    )
    start, day = datetime.date(2026, 11, 22), datetime.date(2026, 11, 24)
    assert spells(fw, portfolio(attributes={"ok": True}), start) == [
        ("R1", Status.PASS, start, day - datetime.timedelta(days=1)),
        ("R1", Status.FAIL, day, AS_OF),
        ("R2", Status.PASS, start, day - datetime.timedelta(days=1)),
        ("R2", Status.ERROR, day, AS_OF),
    ]


#: Whether a person's `contracts` are those on which they hold a role (p-sro: sro on C1).
HOLDS = Rule(
    id="H",
    title="t",
    scope="person",
    require='contracts.map(c, c.id) == (person.id == "p-sro" ? ["C1"] : [])',
)


def two_contracts() -> af.Portfolio:
    """C1 with p-sro as its sro, C2 with the role vacant."""
    data = portfolio(assignments=held(True))
    (first,) = data.contracts
    return attrs.evolve(data, contracts=[first, attrs.evolve(first, id="C2", assignments=[])])


def test_a_persons_contracts_are_those_on_which_they_hold_a_role() -> None:
    found = framework(HOLDS).evaluate(two_contracts(), as_of=AS_OF).findings
    assert [(f.subject.id, f.status) for f in found] == [
        ("p-ao", Status.PASS),
        ("p-sro", Status.PASS),
    ]


def test_an_explanation_of_a_person_works_out_their_contracts() -> None:
    """Explained alone, no contract has been judged first: the holders are read from each
    contract."""
    told = af.explain(framework(HOLDS), two_contracts(), "H", "p-sro", as_of=AS_OF).render()
    lines = told.splitlines()
    assert lines[4] == '  true  <- contracts.map(c, c.id) == (person.id == "p-sro" ? ["C1"] : [])'
    assert "result: pass" in lines
    # An explanation shows each contract whole, not only the fields the expressions read.
    assert lines[6].startswith('    contracts = [{id: "C1", title: "One", stage: "live",')


def test_two_people_with_one_id_are_each_judged_as_they_are() -> None:
    """A Portfolio built in code may list an id twice: `people` maps the id to the later
    person, and each is judged with their own name, and both hold the id's contracts."""
    data = two_contracts()
    data = attrs.evolve(data, people=[*data.people, Person("p-sro", "Sam Second")])
    named = Rule(id="N", title="t", scope="person", require='person.name == "Sam Owner"')
    found = framework(named, HOLDS).evaluate(data, as_of=AS_OF).findings
    assert [(f.policy, f.subject.id, f.status) for f in found] == [
        ("N", "p-ao", Status.FAIL),
        ("N", "p-sro", Status.PASS),
        ("N", "p-sro", Status.FAIL),
        ("H", "p-ao", Status.PASS),
        ("H", "p-sro", Status.PASS),
        ("H", "p-sro", Status.PASS),
    ]


def test_people_the_fast_conversion_declines_are_bound_validated() -> None:
    """A person id of a str subclass (a Portfolio built in code): `people` is validated."""
    data = portfolio()
    data = attrs.evolve(data, people=[attrs.evolve(p, id=_Name(p.id)) for p in data.people])
    rule = Rule(id="R", title="t", require='people["p-sro"].name == "Sam Owner"')
    assert only(framework(rule).evaluate(data, as_of=AS_OF)).status is Status.PASS


def test_an_explanation_of_a_sanction_with_no_findings_sees_an_empty_list() -> None:
    sanction = Sanction(id="S", title="s", action="Act", trigger="size(findings) == 0")
    told = af.explain(framework(sanction), portfolio(), "S", "C1", as_of=AS_OF).render()
    assert "result: due" in told.splitlines()


def about(subject: Subject, person: str | None) -> Finding:
    return Finding(
        policy="R",
        kind="rule",
        subject=subject,
        status=Status.FAIL,
        severity=Severity.HIGH,
        accountable=Accountable("sro", person),
        message=f"{subject.type} {subject.id}",
    )


ON_C1 = about(Subject("contract", "C1"), "p-sro")
ON_C2 = about(Subject("contract", "C2"), "p-ao")
ON_SRO = about(Subject("person", "p-sro"), "p-ao")  # routed up to p-ao
ON_AO = about(Subject("person", "p-ao"), "p-ao")  # about the person accountable: once
ON_TEST = about(Subject("organisation", "Test"), "p-ao")
VACANT = about(Subject("contract", "C1"), None)
FOUND = [ON_C1, ON_C2, ON_SRO, ON_AO, ON_TEST, VACANT]
ASKED = [Subject("contract", i) for i in ("C1", "C2", "Test")] + [
    Subject("person", i) for i in ("p-sro", "p-ao", "p-x")
]
EVERY = [[ON_C1, VACANT], [ON_C2], [], [ON_C1, ON_SRO], [ON_C2, ON_SRO, ON_AO, ON_TEST], []]


@pytest.mark.parametrize(
    ("contracts", "people", "seen"),
    [
        (None, True, EVERY),
        # Without people: a person's findings are only those about them (person scope).
        (["C1"], False, [[ON_C1, VACANT], [], [], [ON_SRO], [ON_AO], []]),
        (None, False, [[ON_C1, VACANT], [ON_C2], [], [ON_SRO], [ON_AO], []]),
        ((), False, [[]] * 6),
    ],
)
def test_the_findings_index_gives_each_subject_asked_for_its_findings_and_maps(
    contracts: list[str] | None, people: bool, seen: list[list[Finding]]
) -> None:
    """SPEC section 4: a contract's findings are those about it; a person's, those about
    them and those for which they are the accountable person; in assessment order."""
    maps: list[dict[str, Any] | None] = [{"n": n} for n in range(len(FOUND))]
    index = FindingsIndex(FOUND, contracts, people, maps)
    assert [index(subject) for subject in ASKED] == seen
    assert [index.maps(subject) for subject in ASKED] == [
        [maps[FOUND.index(f) if f is not VACANT else 5] for f in found] for found in seen
    ]
    plain = FindingsIndex(FOUND, contracts, people)
    assert [plain(subject) for subject in ASKED] == seen
    assert [plain.maps(subject) for subject in ASKED] == [None] * 6


@pytest.mark.parametrize("contracts", [(), ["C2"], None])
@pytest.mark.parametrize("with_maps", [True, False])
def test_findings_about_contracts_added_with_their_accountable_people(
    contracts: list[str] | None, with_maps: bool
) -> None:
    """`add` with `persons` (as the run adds the findings made by its parts)."""
    found = [ON_C1, ON_C2, VACANT]
    maps: list[dict[str, Any] | None] = [{"n": n} for n in range(3)]
    index = FindingsIndex([], contracts, True, [] if with_maps else None)
    index.add(found, maps if with_maps else None, ["p-sro", "p-ao", None])
    every = contracts is None
    seen = [[ON_C1, VACANT] if every else [], [ON_C2] if every or contracts else [], []]
    assert [index(subject) for subject in ASKED] == [*seen, [ON_C1], [ON_C2], []]
    if with_maps:
        assert [index.maps(subject) for subject in ASKED] == [
            [maps[0], maps[2]] if every else [],
            [maps[1]] if every or contracts else [],
            [],
            [maps[0]],
            [maps[1]],
            [],
        ]


# -- round 4: what the last --survivors run left ------------------------------------------------


def counted_framework(counts_if: str) -> Framework:
    """A cadence whose `counts_if` reads a definition that fails on every contract."""
    return Framework(
        name="t",
        version="1",
        roles=ROLES,
        definitions={"bad": "contract.attributes.missing + 1"},
        policies=[OversightCadence(id="C", title="t", every="1 month", counts_if=counts_if)],
    )


def test_a_counts_if_that_uses_a_failed_definition_names_it() -> None:
    """Event by event (the events do not all give a bool), the definition is named."""
    data = portfolio(reviews=[{"date": "2026-11-01", "forum": "board"}])
    found = only(counted_framework("bad > 0").evaluate(data, as_of=AS_OF))
    assert (found.status, found.message) == (
        Status.ERROR,
        "counts_if: definition 'bad' failed: no such member in mapping: 'missing' "
        "(at definition bad)",
    )


def test_the_events_counted_one_by_one_are_the_events() -> None:
    """With the celpy engine, each event's `counts_if` is evaluated on its own: the events
    that count are those events (the latest is the cadence's base)."""
    data = portfolio(
        reviews=[
            {"date": "2026-11-01", "forum": "board"},
            {"date": "2026-11-10", "forum": "audit"},
        ]
    )
    fw = counted_framework('review.forum == "board"')
    found = only(af.compile(fw, engine="celpy").evaluate(data, as_of=AS_OF))
    assert (found.status, found.due) == (Status.PASS, datetime.date(2026, 12, 1))


@pytest.mark.parametrize(
    ("people", "organisation", "kept"),
    [
        (frozenset({"tier"}), frozenset({"stage"}), frozenset({"tier", "stage"})),
        (None, frozenset({"stage"}), None),
        (frozenset({"tier"}), None, None),
        (None, None, None),
    ],
)
def test_the_elements_of_contracts_keep_what_either_scope_reads(
    people: frozenset[str] | None, organisation: frozenset[str] | None, kept: Any
) -> None:
    plan = attrs.evolve(
        af.compile(framework()).plan, people_read=people, organisation_read=organisation
    )
    assert Scopes(plan, portfolio(), AS_OF).elements_read == kept


# -- round 5: the --survivors run after round 4 -------------------------------------------------


def test_an_explanation_bases_the_due_date_on_a_start_later_than_the_last_review() -> None:
    """A review before the contract started: the clock runs from the start, and says so."""
    policy = OversightCadence(id="C", title="t", every="1 year")
    data = portfolio(reviews=[{"date": "2025-12-01", "forum": "board"}])
    assert computation(policy, data, "C1")[2:4] == [
        "  last: 2025-12-01",
        "  base: 2026-01-01  (the contract start)",
    ]


def test_an_explanation_of_an_expression_of_the_wrong_type_keeps_the_value_it_gave() -> None:
    data = portfolio(
        reports=[{"kind": "perf", "received": "2026-11-01", "verified": True}],
        attributes={"n": 7},
    )
    counts_if = "report.verified ? contract.attributes.n : true"
    policy = RequiredInformation(
        id="I", title="t", report="perf", max_age="1 year", counts_if=counts_if
    )
    told = af.explain(framework(policy), data, "I", "C1", as_of=AS_OF).to_dict()
    condition = told["evaluations"][0]["condition"]
    assert (condition["value"], condition["error"]) == (
        7,
        "counts_if must give a bool (got int 7) (at I.counts_if)",
    )
