"""Money at stake (issue 23) as properties: the summary adds up, exposure is where it should be.

Over generated portfolios whose contracts have random currencies, values, SROs (some vacant)
and waivers, and a framework whose policies' statuses and exposures depend on them (some
exposures fail: no value, or a negative one):

- `summary.exposure`'s total per currency is the sum of the findings' exposures in it, its
  `waived` the sum over waived findings, and `by_person` and `by_contract` each sum to it;
- a finding has an exposure exactly when its policy has one and its status is warn, fail or
  waived, and a failing exposure makes the finding `error`;
- the JSON is the same bytes every time, on both CEL engines, and valid by the schema;
- an assessment of a framework without exposures has no `exposure` key anywhere;
- `money_text` writes whole units, half up, with separators and the currency.
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import re

import attrs
import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.assessment import Assessment, Status
from accountframe.model import Assignment, Contract, Person, Portfolio, Value, Waiver
from accountframe.report import render
from accountframe.report._common import money_text
from accountframe.testing import frameworks, portfolios

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AS_OF = datetime.date(2026, 11, 25)
CURRENCIES = ("GBP", "EUR", "USD", "CHF")

FRAMEWORK = af.Framework(
    name="money",
    version="1",
    roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
    params={"share": {"value": 0.1, "basis": "proposed"}},
    policies=[
        # Fails on strategic contracts; at stake: a share of the value (fails when absent).
        af.Rule(
            id="R-STRATEGIC",
            title="Strategic",
            require="!contract.strategic",
            exposure="contract.value.total * params.share",
        ),
        # Warns on gold contracts (a cadence with warn_before), at stake: a whole int.
        af.OversightCadence(
            id="CAD",
            title="Reviewed",
            every="1 month",
            warn_before="400 days",
            applies_to='contract.tier == "gold"',
            exposure="2500",
        ),
        # No exposure: never has one.
        af.Rule(id="R-PLAIN", title="Plain", require='contract.tier != "bronze"'),
        # Person scope: the portfolio's currency; negative for people with no contract.
        af.Rule(
            id="R-PERSON",
            title="Person",
            scope="person",
            require="size(contracts) == 0",
            exposure="double(size(contracts)) * 1000.0 - 1500.0",
        ),
        af.Sanction(
            id="SAN",
            title="Recover",
            action="Recover",
            trigger="findings.exists(f, has(f.exposure))",
            amount="findings.filter(f, has(f.exposure)).map(f, f.exposure)[0]",
        ),
    ],
)


@st.composite
def money_portfolios(draw: st.DrawFn) -> Portfolio:
    people = [Person(id=f"p{index}", name=f"Person {index}") for index in range(3)]
    contracts = []
    for index in range(draw(st.integers(0, 6))):
        sro = draw(st.none() | st.sampled_from(["p0", "p1", "p2"]))
        contracts.append(
            Contract(
                id=f"C{index}",
                title=f"Contract {index}",
                stage="live",
                tier=draw(st.sampled_from(["gold", "silver", "bronze"])),
                strategic=draw(st.booleans()),
                start=datetime.date(2026, 1, 1),
                value=Value(
                    total=draw(
                        st.none()
                        | st.floats(min_value=-1e6, max_value=1e12, allow_nan=False)
                        | st.integers(0, 10**9).map(float)
                    ),
                    currency=draw(st.sampled_from(CURRENCIES)),
                ),
                assignments=(
                    ()
                    if sro is None
                    else (Assignment(role="sro", person=sro, start=datetime.date(2025, 1, 1)),)
                ),
            )
        )
    subjects = [c.id for c in contracts] + [p.id for p in people]
    waivers = [
        Waiver(
            policy=draw(st.sampled_from(["R-STRATEGIC", "CAD", "R-PERSON"])),
            subject=draw(st.sampled_from(subjects)),
            reason="test",
            approved_by="p0",
            approved_on=datetime.date(2026, 1, 1),
            expires=datetime.date(2027, 1, 1),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    return Portfolio(
        organisation="Money",
        currency=draw(st.sampled_from(CURRENCIES)),
        people=tuple(people),
        contracts=tuple(contracts),
        roles={"accounting_officer": "p0"},
        waivers=tuple(waivers),
    )


def _status_before_waiver(finding: af.Finding) -> Status:
    return finding.waiver.original_status if finding.waiver is not None else finding.status


@SETTINGS
@given(money_portfolios())
def test_summary_adds_up_per_currency(portfolio: Portfolio) -> None:
    assessment = FRAMEWORK.evaluate(portfolio, AS_OF)
    with_money = [f for f in assessment.findings if f.exposure is not None]
    totals = assessment.exposure
    assert [t.currency for t in totals] == sorted({f.currency or "" for f in with_money})
    for total in totals:
        mine = [f for f in with_money if f.currency == total.currency]
        assert total.total == math.fsum(f.exposure or 0.0 for f in mine)
        assert total.waived == math.fsum(
            f.exposure or 0.0 for f in mine if f.status is Status.WAIVED
        )
        for items in ([p.amount for p in total.by_person], [c.amount for c in total.by_contract]):
            assert math.isclose(math.fsum(items), total.total, rel_tol=1e-12, abs_tol=1e-6)
        assert [p.person for p in total.by_person] == list(
            dict.fromkeys(p.person for p in total.by_person)
        )  # each person once
        assert {p.person for p in total.by_person} == {f.accountable.person for f in mine}
        assert {c.contract for c in total.by_contract} == {
            f.subject.id if f.subject.type == "contract" else None for f in mine
        }
        for items in (total.by_person, total.by_contract):
            amounts = [item.amount for item in items]
            assert amounts == sorted(amounts, reverse=True)
    document = json.loads(assessment.to_json())
    assert ("exposure" in document["summary"]) == bool(with_money)
    if with_money:
        assert document["summary"]["exposure"] == [t.to_dict() for t in totals]


@SETTINGS
@given(money_portfolios())
def test_exposure_is_there_exactly_for_warn_fail_and_waived(portfolio: Portfolio) -> None:
    assessment = FRAMEWORK.evaluate(portfolio, AS_OF)
    has_exposure = {p.id for p in FRAMEWORK.policies if getattr(p, "exposure", None)}
    currencies = {c.id: c.value.currency for c in portfolio.contracts}
    for finding in assessment.findings:
        before = _status_before_waiver(finding)
        expected = finding.policy in has_exposure and before in (Status.WARN, Status.FAIL)
        assert (finding.exposure is not None) == expected, finding
        if finding.exposure is not None:
            assert math.isfinite(finding.exposure)
            assert finding.exposure >= 0.0
            assert finding.currency == (
                currencies[finding.subject.id]
                if finding.subject.type == "contract"
                else portfolio.currency
            )
        if finding.status is Status.ERROR:
            assert finding.message.startswith("exposure failed")
            assert finding.exposure is None
            assert finding.waiver is None
    # Where the exposure failed: no value (or a negative share of it), or a person with none.
    for finding in assessment.findings:
        if finding.policy == "R-STRATEGIC" and finding.status is Status.ERROR:
            contract = next(c for c in portfolio.contracts if c.id == finding.subject.id)
            assert contract.strategic
            assert contract.value.total is None or contract.value.total < 0
    for consequence in assessment.consequences:
        relevant = [
            f
            for f in assessment.findings
            if f.exposure is not None and f.subject == consequence.subject
        ]
        if consequence.subject.type == "contract":
            assert (consequence.status.value == "due") == bool(relevant)
            if relevant:
                assert consequence.amount == relevant[0].exposure


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(money_portfolios())
def test_deterministic_bytes_on_both_engines_and_valid(portfolio: Portfolio) -> None:
    assessment = af.compile(FRAMEWORK).evaluate(portfolio, AS_OF)
    again = af.compile(FRAMEWORK).evaluate(portfolio, AS_OF)
    reference = af.compile(FRAMEWORK, engine="celpy").evaluate(portfolio, AS_OF)
    assert assessment.to_json() == again.to_json() == reference.to_json()
    jsonschema.validate(json.loads(assessment.to_json()), af.assessment_schema())
    for format in ("table", "markdown", "csv", "junit"):
        text = render(assessment, format, portfolio=portfolio)
        assert text == render(again, format, portfolio=portfolio)
        # Every amount at stake is shown, as money, in every format but csv (a number there).
        for finding in assessment.findings:
            if finding.exposure is not None:
                shown = (
                    repr(finding.exposure)
                    if format == "csv"
                    else money_text(finding.exposure, finding.currency)
                )
                assert shown in text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks(), portfolios())
def test_without_exposures_no_exposure_key_anywhere(
    framework: af.Framework, portfolio: Portfolio
) -> None:
    plain = attrs.evolve(
        framework,
        policies=[
            attrs.evolve(p, exposure=None) if hasattr(p, "exposure") else p
            for p in framework.policies
        ],
    )
    assessment: Assessment = plain.evaluate(portfolio, AS_OF)
    assert all(f.exposure is None and f.currency is None for f in assessment.findings)
    assert assessment.exposure == ()
    assert '"exposure"' not in assessment.to_json()


@given(st.floats(min_value=0, max_value=1e15, allow_nan=False), st.sampled_from(CURRENCIES))
def test_money_text_is_whole_units_half_up(amount: float, currency: str) -> None:
    text = money_text(amount, currency)
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency, f"{currency} ")
    assert text.startswith(symbol)
    digits = text.removeprefix(symbol)
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", digits)
    whole = decimal.Decimal(repr(amount)).quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP)
    assert int(digits.replace(",", "")) == int(whole)
    assert abs(int(whole) - amount) <= 0.5
