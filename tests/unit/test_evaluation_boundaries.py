"""The lines of SPEC sections 4-6 that sit on a boundary or a tie, one table or case each.

Waivers in force on their approval and expiry days (approved_on <= as_of <= expires), which of
several applies, a waiver on a `warn`; an event on the as-of day counting; which report is
`latest` and which review `last_review` when two share a date (the later listed); routing
up to organisation-level roles. Each was a seeded bug no test caught (issue 27).
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import pytest

import accountframe as af
from accountframe.assessment import Accountable, Finding, Status, Subject
from accountframe.cel.values import plain_value
from accountframe.evaluation.findings import finding_map, finding_value
from accountframe.evaluation.waivers import Waivers
from accountframe.fastpath import Declined
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
from accountframe.model import (
    Amendment,
    AppliedConsequence,
    Assignment,
    Contract,
    Effect,
    Report,
    Review,
    Stage,
    Transaction,
    Waiver,
)

AS_OF = datetime.date(2026, 11, 25)
DAY = datetime.timedelta(days=1)
ROLES = [
    Role("accounting_officer"),
    Role("sro", reports_to="accounting_officer"),
    Role("contract_manager", reports_to="sro"),
]


def framework(*policies: Policy) -> Framework:
    return Framework(name="t", version="1", roles=ROLES, policies=list(policies))


def portfolio(
    roles: dict[str, str] | None = None,
    waivers: list[dict[str, str]] | None = None,
    **contract: Any,
) -> af.Portfolio:
    return af.Portfolio.from_dict(
        {
            "organisation": "Test",
            "roles": {"accounting_officer": "p-ao"} if roles is None else roles,
            "people": [
                {"id": "p-ao", "name": "Ada Officer"},
                {"id": "p-sro", "name": "Sam Owner"},
                {"id": "p-org", "name": "Olive Org"},
                {"id": "p-cm", "name": "Chris Manager"},
            ],
            "contracts": [
                {"id": "C1", "title": "One", "stage": "live", "start": "2026-01-01", **contract}
            ],
            "waivers": waivers or [],
        }
    )


def only(result: af.Assessment) -> Finding:
    (finding,) = result.findings
    return finding


# -- waivers: SPEC section 6, approved_on <= as_of <= expires -----------------------------------

APPROVED, EXPIRES = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)


def waiver(
    approved_on: datetime.date = APPROVED,
    expires: datetime.date = EXPIRES,
    reason: str = "agreed",
    policy: str = "P",
) -> Waiver:
    return Waiver(policy, "C1", reason, "p-ao", approved_on, expires)


def finding(status: Status, policy: str = "P", subject: str = "C1") -> Finding:
    return Finding(
        policy=policy,
        kind="rule",
        subject=Subject("contract", subject),
        status=status,
        severity=Severity.HIGH,
        accountable=Accountable("sro", "p-sro", "Sam Owner"),
        message="not met",
    )


@pytest.mark.parametrize(
    ("as_of", "waived"),
    [
        pytest.param(APPROVED - DAY, False, id="the day before approval"),
        pytest.param(APPROVED, True, id="the approval day"),
        pytest.param(EXPIRES, True, id="the expiry day"),
        pytest.param(EXPIRES + DAY, False, id="the day after expiry"),
    ],
)
def test_a_waiver_is_in_force_from_its_approval_day_to_its_expiry_day(
    as_of: datetime.date, waived: bool
) -> None:
    rule = Rule(id="P", title="t", require="false")
    data = {"policy": "P", "subject": "C1", "reason": "agreed", "approved_by": "p-ao"}
    dates = {"approved_on": APPROVED.isoformat(), "expires": EXPIRES.isoformat()}
    result = framework(rule).evaluate(portfolio(waivers=[data | dates]), as_of=as_of)
    found = only(result)
    assert found.status is (Status.WAIVED if waived else Status.FAIL)
    assert (found.waiver is not None) is waived
    # Used on the days it is in force, and neither used nor unused outside them.
    assert result.waivers_unused == ()
    if as_of > EXPIRES:
        assert found.message == "not met: t (a waiver expired on 2026-11-30)"
    else:
        assert found.message == "not met: t"


@pytest.mark.parametrize("status", [Status.WARN, Status.FAIL])
def test_a_warn_or_fail_finding_is_waived_and_keeps_its_status(status: Status) -> None:
    waivers = Waivers([waiver()], APPROVED)
    waived = waivers.apply(finding(status))
    assert waived.status is Status.WAIVED
    assert waived.waiver is not None
    assert (waived.waiver.original_status, waived.waiver.reason) == (status, "agreed")
    assert (waived.waiver.approved_by, waived.waiver.approved_on) == ("p-ao", APPROVED)
    assert waived.waiver.expires == EXPIRES
    assert waived.message == "not met"
    assert list(waivers.unused(["P"])) == []


@pytest.mark.parametrize("status", [Status.PASS, Status.ERROR, Status.NOT_APPLICABLE])
def test_only_warn_and_fail_are_waived(status: Status) -> None:
    waivers = Waivers([waiver()], APPROVED)
    assert waivers.apply(finding(status)) == finding(status)
    (unused,) = waivers.unused(["P"])
    assert (unused.policy, unused.subject) == ("P", "C1")
    assert unused.reason == "nothing to waive: no warn or fail finding for this policy and subject"


def test_a_waiver_names_its_policy_and_its_subject() -> None:
    waivers = Waivers([waiver()], APPROVED)
    assert waivers.apply(finding(Status.FAIL, policy="Q")).status is Status.FAIL
    assert waivers.apply(finding(Status.FAIL, subject="C2")).status is Status.FAIL
    (unused,) = waivers.unused(["P", "Q"])
    assert unused.reason.startswith("nothing to waive")
    (unknown,) = Waivers([waiver(policy="X")], APPROVED).unused(["P"])
    assert unknown.reason == "no policy with this id in the framework"


def test_of_several_waivers_in_force_the_one_that_expires_last_applies() -> None:
    late = datetime.date(2027, 3, 1)
    waivers = Waivers(
        [
            waiver(reason="short"),
            waiver(reason="long", expires=late),
            waiver(reason="middle", expires=late - DAY),
            # Not yet in force, though it would expire last of all.
            waiver(reason="future", approved_on=APPROVED + DAY, expires=late + DAY),
        ],
        APPROVED,
    )
    applied = waivers.apply(finding(Status.FAIL)).waiver
    assert applied is not None
    assert (applied.reason, applied.expires) == ("long", late)
    # The others in force waived nothing and are unused; the one not in force is neither.
    assert [w.reason for w in waivers.unused(["P"])] == [
        "nothing to waive: no warn or fail finding for this policy and subject"
    ] * 2
    assert waivers.used == {1}


def test_of_waivers_expiring_on_the_same_day_the_later_listed_applies() -> None:
    waivers = Waivers([waiver(reason="first"), waiver(reason="second")], EXPIRES)
    applied = waivers.apply(finding(Status.WARN)).waiver
    assert applied is not None
    assert applied.reason == "second"
    assert waivers.used == {1}


def test_the_message_names_the_last_expiry_of_several_expired_waivers() -> None:
    earlier = datetime.date(2026, 11, 10)
    waivers = Waivers([waiver(), waiver(expires=earlier)], EXPIRES + DAY)
    expired = waivers.apply(finding(Status.FAIL))
    assert expired.status is Status.FAIL
    assert expired.message == "not met (a waiver expired on 2026-11-30)"
    # A waiver not yet in force is not an expired one: the message says nothing.
    future = Waivers([waiver(approved_on=AS_OF + DAY, expires=AS_OF + 2 * DAY)], AS_OF)
    assert future.apply(finding(Status.FAIL)).message == "not met"
    assert list(future.unused(["P"])) == []


def test_no_waivers_is_false_and_some_is_true() -> None:
    assert not Waivers([], AS_OF)
    assert Waivers([waiver()], AS_OF)


# -- events on the as-of day --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "status", "last"),
    [
        pytest.param(AS_OF, Status.PASS, AS_OF, id="a review on the as-of day counts"),
        pytest.param(AS_OF + DAY, Status.FAIL, None, id="one the day after does not"),
    ],
)
def test_a_review_held_on_the_as_of_day_counts_for_a_cadence(
    held: datetime.date, status: Status, last: datetime.date | None
) -> None:
    cadence = OversightCadence(id="P", title="t", every="1 month")
    contract = {"start": "2025-01-01", "reviews": [{"date": held.isoformat(), "forum": "sro"}]}
    found = only(framework(cadence).evaluate(portfolio(**contract), as_of=AS_OF))
    assert found.status is status
    assert found.evidence["last"] == last
    assert found.evidence["qualifying"] == (1 if last else 0)


def test_a_report_received_on_the_as_of_day_counts_for_information() -> None:
    policy = RequiredInformation(id="P", title="t", report="performance", max_age="1 month")
    contract = {
        "start": "2025-01-01",
        "reports": [{"kind": "performance", "received": "2026-11-25"}],
    }
    found = only(framework(policy).evaluate(portfolio(**contract), as_of=AS_OF))
    assert (found.status, found.evidence["last_received"]) == (Status.PASS, AS_OF)


@pytest.mark.parametrize(
    ("as_of", "status", "message"),
    [
        ("2026-11-10", Status.PASS, "last review on 2026-10-25; next due by 2026-11-25"),
        ("2026-11-11", Status.WARN, "last review on 2026-10-25; due by 2026-11-25 (in 14 days)"),
        ("2026-11-25", Status.WARN, "last review on 2026-10-25; due by 2026-11-25 (today)"),
        (
            "2026-11-26",
            Status.WARN,
            "last review on 2026-10-25; was due on 2026-11-25, 1 day overdue, "
            "in grace until 2026-12-02",
        ),
        (
            "2026-12-02",
            Status.WARN,
            "last review on 2026-10-25; was due on 2026-11-25, 7 days overdue, "
            "in grace until 2026-12-02",
        ),
        (
            "2026-12-03",
            Status.FAIL,
            "last review on 2026-10-25; was due on 2026-11-25, 8 days overdue",
        ),
    ],
)
def test_the_cadence_boundaries_are_exact(as_of: str, status: Status, message: str) -> None:
    """pass while as_of <= due - warn_before, warn to due + grace, then fail (SPEC section 4)."""
    cadence = OversightCadence(
        id="P", title="t", every="1 month", warn_before="15 days", grace="1 week"
    )
    contract = {"reviews": [{"date": "2026-10-25", "forum": "sro"}]}
    day = datetime.date.fromisoformat(as_of)
    found = only(framework(cadence).evaluate(portfolio(**contract), as_of=day))
    assert (found.status, found.message) == (status, message)
    assert found.due == datetime.date(2026, 11, 25)
    assert found.evidence["days_overdue"] == max(0, (day - datetime.date(2026, 11, 25)).days)


# -- ties: the later listed wins (SPEC section 4) -----------------------------------------------


def contract(**fields: Any) -> Contract:
    return Contract(id="C1", title="T", stage=Stage.LIVE, **fields)


def test_of_two_reports_received_the_same_day_the_later_listed_is_latest() -> None:
    first = Report("performance", AS_OF - DAY, figures={"x": 1.0})
    second = Report("performance", AS_OF - DAY, figures={"x": 2.0})
    older = Report("performance", AS_OF - 2 * DAY, figures={"x": 3.0})
    future = Report("performance", AS_OF + DAY, figures={"x": 4.0})
    assert contract(reports=[first, second, older, future]).latest(AS_OF) == {"performance": second}
    assert contract(reports=[second, first]).latest(AS_OF) == {"performance": first}
    on_the_day = Report("performance", AS_OF, figures={"x": 5.0})
    assert contract(reports=[on_the_day, first]).latest(AS_OF) == {"performance": on_the_day}


def test_of_two_reviews_the_same_day_the_later_listed_is_last_review() -> None:
    first = Review(AS_OF - DAY, "board", chair="p-ao")
    second = Review(AS_OF - DAY, "board", chair="p-sro")
    older = Review(AS_OF - 2 * DAY, "board", chair="p-cm")
    other = Review(AS_OF, "sro", chair="p-sro")
    future = Review(AS_OF + DAY, "board")
    reviews = [first, second, older, other, future]
    assert contract(reviews=reviews).last_review(AS_OF) == {"board": second, "sro": other}
    assert contract(reviews=[second, first]).last_review(AS_OF) == {"board": first}


@pytest.mark.parametrize(
    ("first", "second", "status"), [(0.0, 2.0, Status.PASS), (2.0, 0.0, Status.FAIL)]
)
def test_the_later_listed_report_of_a_day_is_the_one_required_information_judges(
    first: float, second: float, status: Status
) -> None:
    policy = RequiredInformation(
        id="P", title="t", report="performance", max_age="1 month", require="report.figures.x > 1.0"
    )
    reports = [
        {"kind": "performance", "received": "2026-11-20", "figures": {"x": first}},
        {"kind": "performance", "received": "2026-11-20", "figures": {"x": second}},
    ]
    assert (
        only(framework(policy).evaluate(portfolio(reports=reports), as_of=AS_OF)).status is status
    )
    # The same report through CEL's contract.latest and contract.last_review.
    rule = Rule(
        id="P",
        title="t",
        require="contract.latest.performance.figures.x > 1.0"
        " && contract.last_review.board.chair == 'p-sro'",
    )
    reviews = [
        {"date": "2026-11-20", "forum": "board", "chair": chair}
        for chair in (("p-ao", "p-sro") if status is Status.PASS else ("p-sro", "p-ao"))
    ]
    data = portfolio(reports=reports, reviews=reviews)
    assert only(framework(rule).evaluate(data, as_of=AS_OF)).status is status


def test_the_holder_of_a_role_on_the_as_of_day() -> None:
    start, end = AS_OF - 10 * DAY, AS_OF
    assignments = [
        Assignment("sro", "p-old", start - 100 * DAY, start - DAY),  # ended before
        Assignment("sro", "p-a", start, end),  # ends on the as-of day: still holds it
        Assignment("sro", "p-b", start, None),  # the same start, listed later: wins
        Assignment("contract_manager", "p-cm", AS_OF, None),  # starts on the as-of day
        Assignment("board", "p-new", AS_OF + DAY, None),  # not yet started
    ]
    held = contract(assignments=assignments)
    assert held.accountable(AS_OF) == {"sro": "p-b", "contract_manager": "p-cm"}
    assert held.accountable(AS_OF + DAY) == {
        "sro": "p-b",
        "contract_manager": "p-cm",
        "board": "p-new",
    }
    # Listed the other way round, the later listed of the equal starts still wins.
    assert contract(assignments=assignments[2::-1]).accountable(AS_OF) == {"sro": "p-a"}
    # An overlapping holder who started earlier does not displace the later start.
    later_first = [assignments[2], Assignment("sro", "p-c", start - DAY, None)]
    assert contract(assignments=later_first).accountable(AS_OF) == {"sro": "p-b"}
    assert held.current_assignments(AS_OF) == {
        "sro": assignments[2],
        "contract_manager": assignments[3],
    }
    ended = contract(assignments=[Assignment("sro", "p-a", start, AS_OF - DAY)])
    assert ended.accountable(AS_OF) == {}


def test_spent_counts_transactions_on_the_as_of_day() -> None:
    transactions = [
        Transaction(AS_OF - DAY, 1.5),
        Transaction(AS_OF, 2.25),
        Transaction(AS_OF + DAY, 1000.0),
    ]
    held = contract(transactions=transactions)
    assert (held.spent(AS_OF), held.spent(AS_OF - DAY), held.spent(AS_OF - 2 * DAY)) == (
        3.75,
        1.5,
        0,
    )
    view = held.view(AS_OF)
    assert view["spent"] == 3.75
    assert [t["amount"] for t in view["transactions"]] == [1.5, 2.25]


def test_the_view_keeps_every_event_dated_on_the_as_of_day_and_none_after() -> None:
    """SPEC section 5: events dated after as_of are left out; those on it are kept."""
    held = contract(
        assignments=[Assignment("sro", "p-a", AS_OF), Assignment("sro", "p-b", AS_OF + DAY)],
        reviews=[Review(AS_OF, "board"), Review(AS_OF + DAY, "board")],
        reports=[Report("perf", AS_OF), Report("perf", AS_OF + DAY)],
        transactions=[Transaction(AS_OF, 1.0), Transaction(AS_OF + DAY, 2.0)],
        amendments=[Amendment(AS_OF, "a"), Amendment(AS_OF + DAY, "b")],
        consequences=[
            AppliedConsequence(AS_OF, Effect.SANCTION, "credit"),
            AppliedConsequence(AS_OF + DAY, Effect.SANCTION, "credit"),
        ],
    )
    view = held.view(AS_OF)
    assert_bindings_view_is_the_view(held)
    kept = {
        key: [item.get("date", item.get("start", item.get("received"))) for item in view[key]]
        for key in (
            "assignments",
            "reviews",
            "reports",
            "transactions",
            "amendments",
            "consequences",
        )
    }
    assert kept == {key: [AS_OF] for key in kept}
    assert view["accountable"] == {"sro": "p-a"}
    assert (view["spent"], list(view["latest"]), list(view["last_review"])) == (
        1.0,
        ["perf"],
        ["board"],
    )


@pytest.mark.parametrize(
    ("approved_on", "known"),
    [(AS_OF - DAY, True), (AS_OF, True), (AS_OF + DAY, False)],
    ids=["the-day-before", "on-the-as-of-day", "the-day-after"],
)
def test_an_amendments_approval_is_known_from_its_own_day(
    approved_on: datetime.date, known: bool
) -> None:
    """SPEC section 5: an approval dated after as_of is not known yet; one on it is."""
    amendment = Amendment(AS_OF - 10 * DAY, "scope", approved_by="p-ao", approved_on=approved_on)
    expected = (
        amendment
        if known
        else Amendment(AS_OF - 10 * DAY, "scope", approved_by=None, approved_on=None)
    )
    assert amendment.known_on(AS_OF) == expected
    held = contract(amendments=[amendment])
    assert held.view(AS_OF)["amendments"] == [
        {
            "date": AS_OF - 10 * DAY,
            "rationale": "scope",
            **({"approved_by": "p-ao", "approved_on": approved_on} if known else {}),
        }
    ]
    assert held._cel_view(AS_OF) == plain_value(held.view(AS_OF))


def assert_bindings_view_is_the_view(held: Contract) -> None:
    """The one-pass view evaluation binds (`_cel_view`) is `view` as CEL values: whole, cut
    to any one key, and with the events it converted recorded (and reused) in `events`."""
    expected = plain_value(held.view(AS_OF))
    assert held._cel_view(AS_OF) == expected
    for key in expected:
        assert held._cel_view(AS_OF, {}, frozenset({key})) == {key: expected[key]}
    events: dict[int, Any] = {}
    assert held._cel_view(AS_OF, None, None, events) == expected
    assert set(events) == {id(r) for r in held.reviews if r.date <= AS_OF} | {
        id(r) for r in held.reports if r.received <= AS_OF
    }
    # An event found in `events` is taken as it is, in `reviews` and in `last_review` alike.
    review = held.reviews[0]
    reused = held._cel_view(
        AS_OF, None, frozenset({"reviews", "last_review"}), {id(review): "kept"}
    )
    assert reused == {"reviews": ["kept"], "last_review": {review.forum: "kept"}}


def test_the_bindings_view_declines_a_key_that_is_not_text() -> None:
    # Built in code, a kind or forum may be anything: the ordinary validation names it.
    with pytest.raises(Declined):
        contract(reports=[Report(1, AS_OF)])._cel_view(AS_OF, {}, frozenset({"latest"}))  # type: ignore[arg-type]
    with pytest.raises(Declined):
        contract(reviews=[Review(AS_OF, 1)])._cel_view(AS_OF, {}, frozenset({"last_review"}))  # type: ignore[arg-type]


# -- routing: SPEC section 6 ---------------------------------------------------------------------


def routed(
    accountable: str, assignments: list[dict[str, str]], roles: dict[str, str]
) -> Accountable:
    rule = Rule(id="R", title="t", require="false", accountable=accountable)
    data = portfolio(roles=roles, assignments=assignments)
    return only(framework(rule).evaluate(data, as_of=AS_OF)).accountable


def test_a_vacant_contract_role_routes_to_the_organisation_holder_of_the_next_role() -> None:
    found = routed("contract_manager", [], {"accounting_officer": "p-ao", "sro": "p-org"})
    assert found == Accountable("sro", "p-org", "Olive Org", ("contract_manager",))


def test_an_organisation_holder_of_the_role_itself_is_found_before_going_up() -> None:
    found = routed(
        "contract_manager", [], {"accounting_officer": "p-ao", "contract_manager": "p-org"}
    )
    assert found == Accountable("contract_manager", "p-org", "Olive Org", ())


def test_the_contract_holder_comes_before_the_organisation_holder() -> None:
    held = [{"role": "sro", "person": "p-sro", "start": "2026-01-01"}]
    found = routed("sro", held, {"accounting_officer": "p-ao", "sro": "p-org"})
    assert found == Accountable("sro", "p-sro", "Sam Owner", ())


def test_the_vacant_roles_passed_over_are_listed_in_order() -> None:
    found = routed("contract_manager", [], {"accounting_officer": "p-ao"})
    assert found == Accountable(
        "accounting_officer", "p-ao", "Ada Officer", ("contract_manager", "sro")
    )
    nobody = routed("contract_manager", [], {})
    assert nobody == Accountable("accounting_officer", None, None, ("contract_manager", "sro"))


# -- the findings a sanction or reward sees (SPEC section 4) -------------------------------------


def test_a_finding_as_the_findings_variable_shows_it() -> None:
    held = attrs.evolve(
        finding(Status.FAIL),
        tags=("money", "people"),
        evidence={"last": None, "due": AS_OF, "qualifying": 0},
    )
    assert finding_value(held) == {
        "policy": "P",
        "kind": "rule",
        "status": "fail",
        "severity": "high",
        "tags": ["money", "people"],
        "subject": "C1",
        "subject_type": "contract",
        "accountable": "p-sro",
        # An absent value is absent from the map (has() tests it).
        "evidence": {"due": AS_OF, "qualifying": 0},
    }
    nobody = attrs.evolve(held, accountable=Accountable("accounting_officer", None))
    assert finding_value(nobody)["accountable"] == ""


# -- what a judge says (SPEC section 4) ------------------------------------------------------


def test_a_role_never_held_fails_and_another_roles_past_holder_does_not_count() -> None:
    policy = PersonalResponsibility(id="P", title="t", role="sro", max_vacancy="1 year")
    other = [
        {"role": "contract_manager", "person": "p-cm", "start": "2025-01-01", "end": "2026-11-01"}
    ]
    found = only(framework(policy).evaluate(portfolio(assignments=other), as_of=AS_OF))
    assert (found.status, found.due) == (Status.FAIL, None)
    assert found.message == "no one holds the role 'sro', and no one has held it"
    assert found.evidence == {"person": None, "since": None, "vacant_since": None}


def test_an_expression_of_the_wrong_type_names_the_type_it_must_give() -> None:
    data = portfolio(attributes={"name": "x", "count": 1})
    sanction = Sanction(
        id="S", title="s", trigger="true", action="Act", amount="contract.attributes.name"
    )
    (consequence,) = framework(sanction).evaluate(data, as_of=AS_OF).consequences
    assert consequence.message == "amount must give a number (got string 'x') (at S.amount)"
    rule = Rule(id="R", title="T", require="false", message="contract.attributes.count")
    why = af.explain(framework(rule), data, "R", "C1", as_of=AS_OF).render()
    assert "error: message must give a string (got int 1) (at R.message)" in why
    assert only(framework(rule).evaluate(data, as_of=AS_OF)).message == "not met: T"


def test_the_findings_map_made_directly_is_the_validated_one() -> None:
    """`finding_map` (the fast path) gives `plain_value(finding_value(f))`, whole or cut to
    any one key, and None (validate instead) for a value it is not sure of."""
    held = attrs.evolve(
        finding(Status.FAIL),
        tags=("money",),
        evidence={
            "last": None,
            "due": AS_OF,
            "qualifying": 2,
            "ratio": 0.5,
            "ok": True,
            "who": "p-sro",
        },
    )
    nobody = attrs.evolve(held, accountable=Accountable("accounting_officer", None))
    for subject in (held, nobody, attrs.evolve(held, evidence={})):
        expected = plain_value(finding_value(subject))
        assert finding_map(subject, list(subject.tags), {}) == expected
        for key in expected:
            cut = finding_map(subject, list(subject.tags), {}, frozenset({key}))
            assert cut == {key: expected[key]}
    assert plain_value(finding_value(held))["evidence"]["due"] == datetime.datetime(
        2026, 11, 25, tzinfo=datetime.UTC
    )
    for unsure in (2**63, [1], {"a": 1}):
        assert finding_map(attrs.evolve(held, evidence={"x": unsure}), ["money"], {}) is None
    assert finding_map(attrs.evolve(held, evidence={"x": 2**63 - 1}), ["money"], {}) is not None
    assert finding_map(attrs.evolve(held, policy=1), ["money"], {}) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("attribute", "got"),
    [
        # A bool is not a number here, and the message says it was a bool (it said null).
        (True, "bool true"),
        (None, "null"),
        ([1], "list"),
        ("x", "string 'x'"),
    ],
)
def test_an_amount_that_is_not_a_number_says_what_it_was(attribute: object, got: str) -> None:
    data = portfolio(attributes={"a": attribute})
    sanction = Sanction(
        id="S", title="s", trigger="true", action="Act", amount="contract.attributes.a"
    )
    (consequence,) = framework(sanction).evaluate(data, as_of=AS_OF).consequences
    assert consequence.message == f"amount must give a number (got {got}) (at S.amount)"
    rule = Rule(id="R", title="s", require="contract.attributes.a")
    expected = "bool" if attribute is True else got
    found = only(framework(rule).evaluate(data, as_of=AS_OF))
    if attribute is True:
        assert found.status is Status.PASS
    else:
        assert (found.status, found.message) == (
            Status.ERROR,
            f"require must give a bool (got {expected}) (at R.require)",
        )


@pytest.mark.parametrize(("letter", "status"), [(True, Status.PASS), (False, Status.FAIL)])
def test_eligible_reads_the_holder_and_the_assignment(letter: bool, status: Status) -> None:
    policy = PersonalResponsibility(
        id="P", title="t", role="sro", eligible='assignment.letter && person.name == "Sam Owner"'
    )
    held = [{"role": "sro", "person": "p-sro", "start": "2025-01-01", "letter": letter}]
    found = only(framework(policy).evaluate(portfolio(assignments=held), as_of=AS_OF))
    assert found.status is status
    assert found.message == (
        "Sam Owner (p-sro) holds 'sro' since 2025-01-01"
        if letter
        else "Sam Owner (p-sro) holds 'sro' but is not eligible: assignment.letter is false"
    )
    assert found.evidence == {
        "person": "p-sro",
        "since": datetime.date(2025, 1, 1),
        "vacant_since": None,
    }


def test_information_counts_only_the_reports_counts_if_accepts_and_starts_from_the_start() -> None:
    policy = RequiredInformation(
        id="P", title="t", report="performance", max_age="1 month", counts_if="report.verified"
    )
    reports = [
        {"kind": "performance", "received": "2026-10-01", "verified": True},
        {"kind": "performance", "received": "2026-11-20", "verified": False},
    ]
    found = only(framework(policy).evaluate(portfolio(reports=reports), as_of=AS_OF))
    assert (found.status, found.evidence["last_received"]) == (
        Status.FAIL,
        datetime.date(2026, 10, 1),
    )
    # No report yet: the clock runs from the contract's start.
    fresh = only(framework(policy).evaluate(portfolio(start="2026-11-01"), as_of=AS_OF))
    assert (fresh.status, fresh.due) == (Status.PASS, datetime.date(2026, 12, 1))
    assert fresh.message == "no performance report since the start; next due by 2026-12-01"


@pytest.mark.parametrize("message", ['""', '"  "'])
def test_a_blank_message_falls_back_to_the_default(message: str) -> None:
    rule = Rule(id="R", title="T", require="false", message=message)
    assert only(framework(rule).evaluate(portfolio(), as_of=AS_OF)).message == "not met: T"
