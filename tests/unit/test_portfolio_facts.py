"""Portfolio facts of issue 23: a contract's `regime` and `key_dates`, a review's `decision`,
an amendment's `approved_by` and `approved_on`: loaded, checked, digested, seen by CEL as of a
date, and held exact over a history."""

from __future__ import annotations

import datetime
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import attrs
import pytest

import accountframe as af
from accountframe.cel.values import plain_value
from accountframe.load.digest import canonical_json, reference_digest
from accountframe.timeline.daily import day_by_day
from accountframe.timeline.engine import history

D = datetime.date


def data(**contract: Any) -> dict[str, Any]:
    """A portfolio of one live contract with `contract`'s fields, and two people."""
    return {
        "organisation": "Ministry of Example",
        "roles": {"accounting_officer": "p-ps"},
        "people": [{"id": "p-ps", "name": "Alex Permanent"}, {"id": "p-sro", "name": "Sam"}],
        "contracts": [
            {
                "id": "IT-003",
                "title": "Hosting",
                "stage": "live",
                "start": "2024-01-01",
                "assignments": [{"role": "sro", "person": "p-sro", "start": "2024-01-01"}],
                **contract,
            }
        ],
    }


FACTS = data(
    regime="pcr2015",
    key_dates=[
        {"kind": "break_option", "date": "2027-09-30", "notes": "12 months' notice"},
        {"kind": "expiry", "date": "2029-03-31"},
    ],
    reviews=[
        {"date": "2026-02-01", "forum": "sro_review", "decision": "Recover the overpayment"},
        {"date": "2026-03-01", "forum": "board"},
    ],
    amendments=[
        {"date": "2026-03-01", "rationale": "extension", "value_change": 5e6,
         "approved_by": "p-ps", "approved_on": "2026-04-15"},
        {"date": "2026-05-01", "rationale": "unapproved"},
    ],
)  # fmt: skip


def portfolio(source: dict[str, Any] = FACTS) -> af.Portfolio:
    return af.Portfolio.from_dict(source)


# -- loading --------------------------------------------------------------------------------


def test_the_facts_load_and_dump_back() -> None:
    loaded = portfolio()
    contract = loaded.contracts[0]
    assert contract.regime is af.Regime.PCR2015
    assert contract.key_dates == (
        af.KeyDate("break_option", D(2027, 9, 30), "12 months' notice"),
        af.KeyDate("expiry", D(2029, 3, 31)),
    )
    assert [r.decision for r in contract.reviews] == ["Recover the overpayment", None]
    first, second = contract.amendments
    assert (first.approved_by, first.approved_on) == ("p-ps", D(2026, 4, 15))
    assert (second.approved_by, second.approved_on) == (None, None)
    assert af.Portfolio.from_dict(loaded.to_dict()) == loaded
    assert af.Portfolio.from_dict(json.loads(loaded.to_json())) == loaded
    dumped = loaded.to_dict()["contracts"][0]
    assert dumped["regime"] == "pcr2015"
    assert "decision" not in dumped["reviews"][1]  # absent stays absent
    assert set(dumped["amendments"][1]) == {"date", "rationale"}


def test_old_portfolios_dump_without_the_new_keys() -> None:
    dumped = portfolio(data(reviews=[{"date": "2026-01-01", "forum": "x"}])).to_dict()
    contract = dumped["contracts"][0]
    assert "regime" not in contract
    assert "key_dates" not in contract
    assert contract["reviews"] == [{"date": D(2026, 1, 1), "forum": "x"}]


@pytest.mark.parametrize(
    ("contract", "message"),
    [
        pytest.param(
            {"regime": "pa2032"},
            "contracts[0].regime: af-enum: expected one of pa2023, pcr2015, ucr2016, ccr2016, "
            "dsr2011, other (got 'pa2032'; did you mean 'pa2023'?)",
            id="regime-typo",
        ),
        pytest.param(
            {"regime": "PA2023"},
            "contracts[0].regime: af-enum: expected one of pa2023, pcr2015, ucr2016, ccr2016, "
            "dsr2011, other (got 'PA2023'; did you mean 'pa2023'?)",
            id="regime-case",
        ),
        pytest.param(
            {"amendments": [{"date": "2026-01-01", "approved_by": "p-pss"}]},
            "contracts[0].amendments[0].approved_by: af-reference: approver 'p-pss' is not in "
            "people (did you mean 'p-ps'?)",
            id="approver-unknown",
        ),
        pytest.param(
            {"amendments": [{"date": "2026-01-01", "approved_on": "soon"}]},
            "contracts[0].amendments[0].approved_on: af-date: expected an ISO date like "
            "2026-11-25 (got 'soon')",
            id="approved-on-not-a-date",
        ),
        pytest.param(
            {"reviews": [{"date": "2026-01-01", "forum": "x", "decision": " "}]},
            "contracts[0].reviews[0].decision: af-value: expected a non-empty string (got '')",
            id="decision-blank",
        ),
        pytest.param(
            {"key_dates": [{"kind": "break_option"}]},
            "contracts[0].key_dates[0]: af-missing: missing required key 'date'",
            id="key-date-without-date",
        ),
        pytest.param(
            {"key_dates": [{"kind": "", "date": "2027-01-01"}]},
            "contracts[0].key_dates[0].kind: af-value: expected a non-empty string (got '')",
            id="key-date-kind-blank",
        ),
        pytest.param(
            {"key_dates": [{"kind": "expiry", "date": "2027-01-01", "dates": 1}]},
            "contracts[0].key_dates[0].dates: af-key: unknown key 'dates' (did you mean 'date'?)",
            id="key-date-typo",
        ),
    ],
)
def test_bad_facts_are_located_errors(contract: dict[str, Any], message: str) -> None:
    with pytest.raises(af.PortfolioError) as raised:
        portfolio(data(**contract))
    assert str(raised.value) == message


def test_an_unknown_approver_in_a_file_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "portfolio.yaml"
    path.write_text(
        "organisation: A\n"
        "people: [{id: p-ps, name: Alex}]\n"
        "contracts:\n"
        "  - id: C1\n"
        "    title: T\n"
        "    stage: live\n"
        "    amendments: [{date: 2026-01-01, approved_by: nobody}]\n"
    )
    with pytest.raises(af.PortfolioError) as raised:
        af.load_portfolio(path)
    first = str(raised.value).splitlines()[0]
    assert first == (
        f"{path}:7:50: af-reference: contracts[0].amendments[0].approved_by: approver 'nobody' "
        "is not in people"
    )


# -- digest ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda c: attrs.evolve(c, regime=af.Regime.PA2023), id="regime"),
        pytest.param(lambda c: attrs.evolve(c, regime=None), id="regime-absent"),
        pytest.param(lambda c: attrs.evolve(c, key_dates=c.key_dates[:1]), id="key-dates"),
        pytest.param(
            lambda c: attrs.evolve(
                c, key_dates=(attrs.evolve(c.key_dates[0], notes="6 months"), *c.key_dates[1:])
            ),
            id="key-date-notes",
        ),
        pytest.param(
            lambda c: attrs.evolve(
                c, reviews=(attrs.evolve(c.reviews[0], decision="Refer"), *c.reviews[1:])
            ),
            id="decision",
        ),
        pytest.param(
            lambda c: attrs.evolve(
                c,
                amendments=(attrs.evolve(c.amendments[0], approved_by="p-sro"), *c.amendments[1:]),
            ),
            id="approved-by",
        ),
        pytest.param(
            lambda c: attrs.evolve(
                c,
                amendments=(
                    attrs.evolve(c.amendments[0], approved_on=D(2026, 4, 16)),
                    *c.amendments[1:],
                ),
            ),
            id="approved-on",
        ),
    ],
)
def test_portfolios_differing_only_in_a_fact_have_different_digests(change: Any) -> None:
    original = portfolio()
    changed = attrs.evolve(original, contracts=(change(original.contracts[0]),))
    assert changed != original
    assert changed.digest != original.digest
    for each in (original, changed):  # the fast writer, not the reference, made both
        assert canonical_json(each, af.Portfolio) == json.dumps(
            each.to_dict(), sort_keys=True, ensure_ascii=False, default=str
        )
        assert each.digest == reference_digest(each)


# -- CEL, as of a date ----------------------------------------------------------------------


def test_an_approval_is_known_from_its_day_and_key_dates_always() -> None:
    contract = portfolio().contracts[0]
    before, on = contract.view(D(2026, 4, 14)), contract.view(D(2026, 4, 15))
    assert before["amendments"] == [
        {"date": D(2026, 3, 1), "rationale": "extension", "value_change": 5e6}
    ]
    assert on["amendments"][0]["approved_by"] == "p-ps"
    assert on["amendments"][0]["approved_on"] == D(2026, 4, 15)
    # Key dates are future dates by nature: shown whatever the date.
    assert (
        before["key_dates"]
        == on["key_dates"]
        == [
            {"kind": "break_option", "date": D(2027, 9, 30), "notes": "12 months' notice"},
            {"kind": "expiry", "date": D(2029, 3, 31)},
        ]
    )
    assert contract.view(D(2020, 1, 1))["key_dates"] == before["key_dates"]
    # The fast conversion gives what the careful one does, hidden approval included.
    for day in (D(2026, 4, 14), D(2026, 4, 15), D(2026, 6, 1)):
        assert contract._cel_view(day) == plain_value(contract.view(day))


RULES = {
    "R-REGIME": 'has(contract.regime) && contract.regime == "pcr2015"',
    "R-DECISION": "contract.reviews.exists(r, has(r.decision))",
    "R-APPROVED": "contract.amendments.all(a, has(a.approved_by) && has(a.approved_on))",
    "R-APPROVER": 'contract.amendments.exists(a, has(a.approved_by) && a.approved_by == "p-ps" '
    "&& a.approved_on >= a.date)",
    "R-BREAK": 'contract.key_dates.exists(k, k.kind == "break_option" && '
    "k.date <= add_months(now, 18))",
    "R-NOTES": "contract.key_dates.filter(k, has(k.notes)).size() == 1",
}


def framework(rules: dict[str, str] = RULES) -> af.Framework:
    return af.Framework(
        name="facts",
        version="1",
        title="Facts",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        policies=[af.Rule(id=key, title=key, require=value) for key, value in rules.items()],
    )


def statuses(source: af.Portfolio, as_of: datetime.date, engine: str) -> dict[str, str]:
    compiled = af.compile(framework(), engine=engine)  # type: ignore[arg-type]
    assessment = compiled.evaluate(source, as_of)
    return {f.policy: f.status.value for f in assessment.findings}


@pytest.mark.parametrize("engine", ["accountframe", "celpy"])
def test_cel_reads_the_facts_as_of_a_date(engine: str) -> None:
    assert statuses(portfolio(), D(2026, 4, 14), engine) == {
        "R-REGIME": "pass",
        "R-DECISION": "pass",
        "R-APPROVED": "fail",  # approved on 15 April: not yet
        "R-APPROVER": "fail",
        "R-BREAK": "pass",  # 30 September 2027 is within 18 months
        "R-NOTES": "pass",
    }
    assert statuses(portfolio(), D(2026, 3, 29), engine)["R-BREAK"] == "fail"  # not yet
    assert statuses(portfolio(), D(2026, 4, 15), engine)["R-APPROVED"] == "pass"
    assert statuses(portfolio(), D(2026, 4, 15), engine)["R-APPROVER"] == "pass"
    # The second amendment takes effect unapproved on 1 May.
    later = statuses(portfolio(), D(2026, 5, 1), engine)
    assert (later["R-APPROVED"], later["R-APPROVER"]) == ("fail", "pass")
    # Without the facts, has() is false and the lists are empty.
    bare = statuses(portfolio(data()), D(2026, 5, 1), engine)
    assert bare == {
        "R-REGIME": "fail",
        "R-DECISION": "fail",
        "R-APPROVED": "pass",  # all() of nothing
        "R-APPROVER": "fail",
        "R-BREAK": "fail",
        "R-NOTES": "fail",
    }


def test_reading_an_absent_fact_without_has_fails_closed() -> None:
    compiled = af.compile(framework({"R": 'contract.regime == "pa2023"'}))
    (finding,) = compiled.evaluate(portfolio(data()), D(2026, 5, 1)).findings
    assert finding.status is af.Status.ERROR
    assert "regime" in finding.message


# -- history --------------------------------------------------------------------------------


def test_history_is_exact_over_approvals_decisions_and_key_dates() -> None:
    """The change-point engine looks at the contract on an approval's own day, which no other
    event marks: the spell of R-APPROVED turns to pass exactly then, as day by day."""
    plan = af.compile(framework()).plan
    source = portfolio()
    start, end = D(2026, 1, 1), D(2026, 12, 31)
    found = history(plan, source, start, end)
    assert found.to_json() == day_by_day(plan, source, start, end).to_json()
    approved = [(s.status.value, s.start, s.end) for s in found.spells if s.policy == "R-APPROVED"]
    assert approved == [
        ("pass", D(2026, 1, 1), D(2026, 2, 28)),  # no amendment yet: all() of nothing
        ("fail", D(2026, 3, 1), D(2026, 4, 14)),  # in effect, not yet approved
        ("pass", D(2026, 4, 15), D(2026, 4, 30)),  # approved
        ("fail", D(2026, 5, 1), D(2026, 12, 31)),  # the second one, never approved
    ]
    decided = [(s.status.value, s.start) for s in found.spells if s.policy == "R-DECISION"]
    assert decided == [("fail", D(2026, 1, 1)), ("pass", D(2026, 2, 1))]
    # The break option (30 September 2027) comes within 18 months on 30 March 2026.
    brk = [(s.status.value, s.start) for s in found.spells if s.policy == "R-BREAK"]
    assert brk == [("fail", D(2026, 1, 1)), ("pass", D(2026, 3, 30))]


# -- schema ---------------------------------------------------------------------------------


def test_the_schema_has_the_facts() -> None:
    schema = af.portfolio_schema()
    definitions = schema["$defs"]
    contract = definitions["Contract"]["properties"]
    assert contract["regime"]["anyOf"] == [
        {"type": "string", "enum": ["pa2023", "pcr2015", "ucr2016", "ccr2016", "dsr2011", "other"]},
        {"type": "null"},
    ]
    assert definitions["KeyDate"]["required"] == ["kind", "date"]
    assert set(definitions["KeyDate"]["properties"]) == {"kind", "date", "notes"}
    assert "decision" in definitions["Review"]["properties"]
    assert {"approved_by", "approved_on"} <= set(definitions["Amendment"]["properties"])
    assert "regime" not in definitions["Contract"].get("required", [])


# -- the docs' example ----------------------------------------------------------------------


def test_the_policies_page_example_lints_and_judges_the_facts(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "policies.md").read_text()
    block = re.search(r"```yaml\n(- id: RULE-CHANGE-CONTROL\n.*?)```", text, re.DOTALL)
    assert block is not None
    (tmp_path / "framework.yaml").write_text(
        'framework: facts\nversion: "1"\ntitle: Facts\nroles:\n'
        "  - {id: accounting_officer}\n  - {id: sro, reports_to: accounting_officer}\n"
    )
    (tmp_path / "policies.yaml").write_text("policies:\n" + textwrap.indent(block[1], "  "))
    loaded = af.load_framework(tmp_path)
    assert [d.render() for d in af.lint(tmp_path).diagnostics] == []
    compiled = af.compile(loaded)

    def judged(source: af.Portfolio, as_of: datetime.date) -> dict[str, str]:
        return {f.policy: f.status.value for f in compiled.evaluate(source, as_of).findings}

    # PCR 2015: the Act's change control does not apply; no decision since the break came
    # within 18 months (the only decision was on 1 February).
    assert judged(portfolio(), D(2026, 5, 1)) == {
        "RULE-CHANGE-CONTROL": "not_applicable",
        "RULE-EXPIRY": "fail",
    }
    decided = dict(FACTS, contracts=[dict(FACTS["contracts"][0], regime="pa2023")])
    decided["contracts"][0]["reviews"] = [
        *FACTS["contracts"][0]["reviews"],
        {"date": "2026-04-20", "forum": "board", "decision": "Do not break"},
    ]
    assert judged(portfolio(decided), D(2026, 4, 20)) == {
        "RULE-CHANGE-CONTROL": "pass",  # the one amendment in effect was approved on 15 April
        "RULE-EXPIRY": "pass",
    }
    assert judged(portfolio(decided), D(2026, 5, 1))["RULE-CHANGE-CONTROL"] == "fail"


def test_the_portfolio_page_example_loads_with_every_fact(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "portfolio.md").read_text()
    block = re.search(r"```yaml\n(accountframe: portfolio/1.*?)```", text, re.DOTALL)
    assert block is not None
    path = tmp_path / "portfolio.yaml"
    path.write_text(block[1])
    (contract,) = af.load_portfolio(path).contracts
    assert contract.regime is af.Regime.PCR2015
    assert contract.key_dates == (af.KeyDate("break_option", D(2027, 9, 30), "12 months' notice"),)
    assert contract.reviews[0].decision == "Recover the overpayment; refer to counter-fraud"
    assert (contract.amendments[0].approved_by, contract.amendments[0].approved_on) == (
        "p-ps",
        D(2025, 5, 20),
    )
