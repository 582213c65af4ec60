"""`basis` and money at stake (`exposure`), issue 23: the Python API, the loader, the checker,
evaluation, the summary, the reports and the command line (`accountframe.cli.main`).

The exact outputs are golden files: tests/golden/check/money-*, explain/money-*,
lint/money-bad-basis and docs/money.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import os
import shutil
from pathlib import Path

import attrs
import jsonschema
import pytest

import accountframe as af
from accountframe.assessment import Status
from accountframe.cli import main
from accountframe.framework.framework import ParamNote, is_long_param, split_params
from accountframe.framework.policies import KINDS
from accountframe.report import render
from accountframe.report._common import money_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MONEY = FIXTURES / "frameworks" / "money"
PORTFOLIO = MONEY / "tests" / "fixtures" / "money.yaml"
AS_OF = datetime.date(2026, 11, 25)
ROLES = [af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")]


def one_contract(**fields: object) -> af.Portfolio:
    return af.Portfolio.from_dict(
        {
            "organisation": "X",
            "currency": "EUR",
            "roles": {"accounting_officer": "p-ao"},
            "people": [{"id": "p-ao", "name": "Alex"}],
            "contracts": [
                {"id": "C1", "title": "One", "stage": "live", "start": "2026-01-01", **fields}
            ],
        }
    )


def rule(**fields: object) -> af.Framework:
    policy = af.Rule(id="R1", title="A rule", **fields)  # type: ignore[arg-type]
    return af.Framework(name="f", version="1", roles=ROLES, policies=[policy])


def only_finding(framework: af.Framework, portfolio: af.Portfolio) -> af.Finding:
    (finding,) = framework.evaluate(portfolio, AS_OF).findings
    return finding


# -- basis -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_takes_a_basis(kind: str) -> None:
    required = {
        "oversight_cadence": {"every": "1 month"},
        "required_information": {"report": "cost", "max_age": "1 month"},
        "personal_responsibility": {"role": "sro"},
        "rule": {"require": "true"},
        "sanction": {"trigger": "true", "action": "Act"},
        "reward": {"trigger": "true", "action": "Act"},
    }[kind]
    policy = KINDS[kind](id="P1", title="t", basis="regulation", **required)
    assert policy.basis is af.Basis.REGULATION
    assert KINDS[kind](id="P1", title="t", **required).basis is None


def test_a_basis_outside_the_five_says_which_it_may_be() -> None:
    assert [basis.value for basis in af.Basis] == [
        "statute",
        "regulation",
        "guidance",
        "recommendation",
        "proposed",
    ]
    with pytest.raises(ValueError, match=r"\(got 'guidence'\) \(did you mean 'guidance'\?\)"):
        af.Rule(id="R1", title="t", require="true", basis="guidence")


def test_a_framework_without_any_basis_keeps_its_digest_and_json() -> None:
    framework = rule(require="true")
    assert "basis" not in framework.to_dict()["policies"][0]
    assert "param_notes" not in framework.to_dict()
    with_basis = rule(require="true", basis="statute")
    assert with_basis.to_dict()["policies"][0]["basis"] == "statute"
    assert with_basis.digest != framework.digest
    assert with_basis.policy_bases() == {"R1": "statute"}


def test_the_finding_json_has_no_basis_but_reports_and_explain_show_it() -> None:
    framework = rule(require="false", basis="proposed")
    portfolio = one_contract()
    assessment = framework.evaluate(portfolio, AS_OF)
    assert "basis" not in assessment.findings[0].to_dict()
    assert "proposed" not in assessment.to_json()
    assert assessment.bases == {"R1": "proposed"}
    assert "| R1 (proposed) |" in render(assessment, "markdown")
    assert '<span class="muted">proposed</span>' in render(assessment, "html")
    explanation = af.compile(framework).explain(portfolio, "R1", "C1", AS_OF)
    assert explanation.basis == "proposed"
    assert explanation.to_dict()["basis"] == "proposed"
    assert "basis: proposed" in explanation.render().splitlines()[1]
    plain = af.compile(rule(require="false")).explain(portfolio, "R1", "C1", AS_OF)
    assert "basis" not in plain.to_dict()


# -- parameters written long ----------------------------------------------------------------


def test_the_long_form_is_a_value_key_and_only_the_note_keys() -> None:
    assert is_long_param({"value": 3})
    assert is_long_param({"value": "1 month", "basis": "proposed", "source": "s", "rationale": "r"})
    assert not is_long_param({"value": 3, "unit": "days"})
    assert not is_long_param({"basis": "proposed"})
    assert not is_long_param([{"value": 3}])
    values, notes = split_params(
        {"a": {"value": [1, 2], "source": "NAO"}, "b": {"value": 1, "x": 2}}
    )
    assert values == {"a": [1, 2], "b": {"value": 1, "x": 2}}
    assert notes == {"a": ParamNote(source="NAO")}
    with pytest.raises(ValueError, match="parameter 'a': 'basis' must be one of"):
        split_params({"a": {"value": 1, "basis": "law"}})


def test_cel_and_durations_see_the_value_only() -> None:
    framework = af.Framework(
        name="f",
        version="1",
        roles=ROLES,
        params={
            "every": {"value": "1 month", "basis": "proposed"},
            "limit": {"value": 2, "basis": "guidance", "source": "GPCMF 1.2"},
        },
        policies=[
            af.OversightCadence(id="CAD", title="t", every="params.every"),
            af.Rule(id="R1", title="At most {params.limit}", require="params.limit == 2"),
        ],
    )
    assert framework.params == {"every": "1 month", "limit": 2}
    assert framework.param_notes["limit"] == ParamNote(basis="guidance", source="GPCMF 1.2")
    assert framework.policy("R1").title == "At most 2"
    statuses = [f.status for f in framework.evaluate(one_contract(), AS_OF).findings]
    assert statuses == [Status.FAIL, Status.PASS]
    assert framework.to_dict()["param_notes"]["every"] == {"basis": "proposed"}


def test_a_child_that_sets_a_parameter_replaces_its_value_and_notes_together() -> None:
    parent = af.Framework(
        name="p",
        version="1",
        params={"a": {"value": 1, "basis": "proposed"}, "b": {"value": 2, "basis": "statute"}},
    )
    child = parent.extend("c", params={"a": 5})
    assert child.params == {"a": 5, "b": 2}
    assert child.param_notes == {"b": ParamNote(basis="statute")}
    again = child.extend("d", params={"a": {"value": 6, "source": "PAC"}})
    assert again.params["a"] == 6
    assert again.param_notes == {"a": ParamNote(source="PAC"), "b": ParamNote(basis="statute")}
    assert parent.extend("same").param_notes == parent.param_notes


def test_a_framework_folder_extending_one_with_notes(tmp_path: Path) -> None:
    folder = tmp_path / "child"
    folder.mkdir()
    (folder / "framework.yaml").write_text(
        "framework: child\n"
        'version: "2"\n'
        f"extends: {os.path.relpath(MONEY, folder)}\n"
        "params:\n"
        "  review_every: 2 weeks\n"
        "  max_contracts_per_sro: {value: 2, basis: guidance, source: Our policy}\n"
    )
    child = af.load_framework(folder)
    assert child.params["review_every"] == "2 weeks"
    assert "review_every" not in child.param_notes
    assert child.param_notes["max_contracts_per_sro"] == ParamNote(
        basis="guidance", source="Our policy"
    )
    parent = af.load_framework(MONEY)
    assert parent.param_notes["review_every"].basis is af.Basis.PROPOSED
    assert parent.params["weights"] == {"value": 2, "unit": "months"}


# -- exposure: evaluation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exposure", "amount"),
    [("5", 5.0), ("2.5 * 2.0", 5.0), ("contract.value.total / 4.0", 250.0), ("0", 0.0)],
)
def test_a_failing_finding_carries_its_exposure_as_a_float(exposure: str, amount: float) -> None:
    finding = only_finding(
        rule(require="false", exposure=exposure), one_contract(value={"total": 1000})
    )
    assert finding.status is Status.FAIL
    assert type(finding.exposure) is float
    assert finding.exposure == amount
    assert finding.currency == "GBP"  # the contract's (default), not the portfolio's EUR
    assert finding.to_dict()["exposure"] == {"amount": amount, "currency": "GBP"}


@pytest.mark.parametrize(
    ("exposure", "why"),
    [
        ("-1.0", "it must be a finite number, not negative (got -1.0)"),
        ("0.0 / 0.0", "it must be a finite number, not negative (got nan)"),
        ("1.0 / 0.0", "it must be a finite number, not negative (got inf)"),
        ("1e308 * 10.0", "it must be a finite number, not negative (got inf)"),
        ("contract.value.total", "no such member in mapping: 'total'"),
        ("dyn('a lot')", "it must give a number (got string 'a lot')"),
    ],
)
def test_an_exposure_that_fails_makes_the_finding_error(exposure: str, why: str) -> None:
    finding = only_finding(rule(require="false", exposure=exposure), one_contract())
    assert finding.status is Status.ERROR
    assert finding.message.startswith("exposure failed: ")
    assert why in finding.message
    assert "R1.exposure" in finding.message  # where it is written
    assert finding.exposure is None
    assert "exposure" not in finding.to_dict()


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"require": "true"}, Status.PASS),
        ({"require": "true", "applies_to": "false"}, Status.NOT_APPLICABLE),
        ({"require": "contract.attributes.missing"}, Status.ERROR),
    ],
)
def test_exposure_is_not_evaluated_for_other_statuses(
    fields: dict[str, str], status: Status
) -> None:
    # An exposure that would fail: evaluated, it would make the finding error.
    finding = only_finding(rule(exposure="-1.0", **fields), one_contract())
    assert finding.status is status
    assert finding.exposure is None
    assert "exposure failed" not in finding.message


def test_a_waived_finding_keeps_its_exposure_and_a_warn_has_one() -> None:
    framework = af.Framework(
        name="f",
        version="1",
        roles=ROLES,
        policies=[
            af.Rule(id="R1", title="t", require="false", exposure="100"),
            af.OversightCadence(
                id="CAD", title="t", every="1 year", warn_before="1 year", exposure="7"
            ),
        ],
    )
    portfolio = attrs.evolve(
        one_contract(),
        waivers=(
            af.Waiver(
                policy="R1",
                subject="C1",
                reason="r",
                approved_by="p-ao",
                approved_on=datetime.date(2026, 1, 1),
                expires=datetime.date(2027, 1, 1),
            ),
        ),
    )
    waived, warned = framework.evaluate(portfolio, AS_OF).findings
    assert (waived.status, waived.exposure, waived.waiver is not None) == (
        Status.WAIVED,
        100.0,
        True,
    )
    assert (warned.status, warned.exposure) == (Status.WARN, 7.0)
    (total,) = framework.evaluate(portfolio, AS_OF).exposure
    assert (total.currency, total.total, total.waived) == ("GBP", 107.0, 100.0)


def test_a_person_finding_is_in_the_portfolios_currency() -> None:
    framework = af.Framework(
        name="f",
        version="1",
        roles=ROLES,
        policies=[af.Rule(id="R1", title="t", scope="person", require="false", exposure="9")],
    )
    finding = only_finding(framework, one_contract())
    assert (finding.exposure, finding.currency) == (9.0, "EUR")


def test_sanctions_read_the_findings_exposure() -> None:
    framework = af.Framework(
        name="f",
        version="1",
        roles=ROLES,
        policies=[
            af.Rule(id="R1", title="t", require="false", exposure="contract.value.total * 0.5"),
            af.Rule(id="R2", title="t", require="true", exposure="1.0"),
            af.Sanction(
                id="SAN",
                title="Recover",
                action="Recover",
                trigger="findings.exists(f, has(f.exposure))",
                amount='findings.filter(f, f.policy == "R1" && has(f.exposure))'
                ".map(f, f.exposure)[0]",
                applied_if="findings.filter(f, has(f.exposure)).size() == 2",
            ),
        ],
    )
    (consequence,) = framework.evaluate(one_contract(value={"total": 300}), AS_OF).consequences
    assert (consequence.status.value, consequence.amount) == ("due", 150.0)


def test_the_checker_types_exposure_as_a_double() -> None:
    with pytest.raises(af.FrameworkError, match="exposure must give a double \\(got bool\\)"):
        af.compile(rule(require="true", exposure="contract.strategic"))
    with pytest.raises(af.FrameworkError, match="exposure must give a double \\(got string\\)"):
        af.compile(rule(require="true", exposure="contract.title"))
    trigger = 'findings.exists(f, f.exposure == "x")'
    sanction = af.Sanction(id="S", title="t", action="a", trigger=trigger)
    framework = af.Framework(name="f", version="1", roles=ROLES, policies=[sanction])
    with pytest.raises(af.FrameworkError, match=r"applied to \(double, string\)"):
        af.compile(framework)
    af.compile(rule(require="true", exposure="5"))  # an int converts without loss


def test_sanctions_and_rewards_have_no_exposure() -> None:
    with pytest.raises(TypeError, match="exposure"):
        af.Sanction(id="S", title="t", action="a", trigger="true", exposure="1.0")  # type: ignore[call-arg]


# -- the summary --------------------------------------------------------------------------


def test_the_summary_of_the_money_fixture() -> None:
    assessment = af.load_framework(MONEY).evaluate(af.load_portfolio(PORTFOLIO))
    assert [t.currency for t in assessment.exposure] == ["CHF", "GBP", "USD"]
    chf, gbp, usd = assessment.exposure
    assert (chf.total, chf.waived) == (25000.0, 0.0)
    overbilled = (18234 - 17012) * 340.5
    review = 5000000 / 12
    assert gbp.total == math.fsum([review, overbilled, 25000.0, 100000.0])
    assert [(p.person, p.amount) for p in gbp.by_person] == [
        ("p-sro", math.fsum([review, overbilled, 25000.0])),
        ("p-ao", 100000.0),
    ]
    assert [(c.contract, c.amount) for c in gbp.by_contract] == [
        ("EM-001", math.fsum([review, overbilled, 25000.0])),
        (None, 100000.0),
    ]
    assert (usd.total, usd.waived) == (200000.0, 200000.0)
    document = json.loads(assessment.to_json())
    assert document["summary"]["exposure"][1]["by_contract"][1] == {
        "contract": None,
        "amount": 100000.0,
    }
    jsonschema.validate(document, af.assessment_schema())
    due = [c for c in assessment.consequences if c.status.value == "due"]
    assert [(c.policy, c.subject.id, c.amount) for c in due] == [
        ("SAN-RECOVER", "EM-001", overbilled)
    ]


def test_no_exposure_no_summary_key_and_the_old_csv_columns() -> None:
    framework = af.load_framework(FIXTURES / "frameworks" / "cli")
    assessment = framework.evaluate(af.load_portfolio(FIXTURES / "portfolios" / "cli.yaml"))
    assert assessment.exposure == ()
    assert "exposure" not in json.loads(assessment.to_json())["summary"]
    header = render(assessment, "csv").splitlines()[0].split(",")
    assert header[-1] == "waived_from"
    assert "Money at stake" not in render(assessment, "table")
    assert "Money at stake" not in render(assessment, "markdown")
    assert "Money at stake" not in render(assessment, "html")


def test_csv_has_the_money_columns_when_some_finding_has_exposure() -> None:
    assessment = af.load_framework(MONEY).evaluate(af.load_portfolio(PORTFOLIO))
    rows = list(csv.DictReader(io.StringIO(render(assessment, "csv"))))
    assert list(rows[0])[-2:] == ["exposure", "currency"]
    by_key = {(row["policy"], row["subject"]): row for row in rows}
    assert by_key[("CAD-SRO", "CL-004")]["exposure"] == "200000.0"
    assert by_key[("CAD-SRO", "CL-004")]["currency"] == "USD"
    assert (
        by_key[("CAD-SRO", "FM-002")]["exposure"],
        by_key[("CAD-SRO", "FM-002")]["currency"],
    ) == (
        "",
        "",
    )
    for row in rows:
        finding = next(
            f
            for f in assessment.findings
            if (f.policy, f.subject.id) == (row["policy"], row["subject"])
        )
        assert row["exposure"] == ("" if finding.exposure is None else repr(finding.exposure))


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (416666.67, "GBP", "£416,667"),
        (0.5, "GBP", "£1"),
        (0.49, "EUR", "€0"),
        (1234567.5, "USD", "$1,234,568"),
        (416667.0, "CHF", "CHF 416,667"),
        (999.0, "JPY", "JPY 999"),
        (0.0, None, "0"),
    ],
)
def test_money_text(amount: float, currency: str | None, text: str) -> None:
    assert money_text(amount, currency) == text


# -- the portfolio's currency and the schemas -----------------------------------------------


def test_the_portfolio_currency_is_checked_and_kept() -> None:
    assert af.Portfolio.from_dict({"organisation": "A"}).currency == "GBP"
    assert "currency" not in af.Portfolio.from_dict({"organisation": "A"}).to_dict()
    euro = af.Portfolio.from_dict({"organisation": "A", "currency": "EUR"})
    assert euro.to_dict()["currency"] == "EUR"
    assert af.Portfolio.from_dict(euro.to_dict()) == euro
    with pytest.raises(af.PortfolioError) as raised:
        af.Portfolio.from_dict({"organisation": "A", "currency": "euro"})
    assert str(raised.value) == (
        "currency: af-value: 'currency' must be an ISO 4217 code of three capital letters, "
        "like GBP (got 'euro')"
    )


def test_schemas_know_basis_long_parameters_currency_and_exposure() -> None:
    framework = af.framework_schema()
    for kind, cls in KINDS.items():
        properties = framework["$defs"][cls.__name__]["properties"]
        (choices, _) = properties["basis"]["anyOf"]  # or null
        assert choices["enum"] == [basis.value for basis in af.Basis], kind
        assert ("exposure" in properties) == (kind not in ("sanction", "reward"))
    assert "value, basis, source, rationale" in framework["properties"]["params"]["description"]
    portfolio = af.portfolio_schema()
    assert portfolio["properties"]["currency"]["pattern"] == "^[A-Z]{3}$"
    assessment = af.assessment_schema()
    assert "exposure" not in assessment["$defs"]["Finding"]["required"]
    assert "exposure" not in assessment["properties"]["summary"]["required"]


# -- the command line ---------------------------------------------------------------------


def test_check_through_main(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(PORTFOLIO), "-f", str(MONEY), "--format", "json"])
    output = capsys.readouterr()
    assert code == 3  # two findings are `error`: their exposure failed
    document = json.loads(output.out)
    assert [t["currency"] for t in document["summary"]["exposure"]] == ["CHF", "GBP", "USD"]
    errors = [f for f in document["findings"] if f["status"] == "error"]
    assert [(f["policy"], f["subject"]["id"]) for f in errors] == [
        ("INF-RISK", "FM-002"),
        ("INF-RISK", "CL-004"),
    ]
    assert all(f["message"].startswith("exposure failed: ") for f in errors)
    main(["check", str(PORTFOLIO), "-f", str(MONEY)])
    table = capsys.readouterr().out
    assert "at stake £416,667" in table
    assert "Money at stake (USD): $200,000 (waived: $200,000)" in table


def test_lint_through_main_reports_a_bad_basis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "framework.yaml").write_text(
        'framework: f\nversion: "1"\nparams:\n  a: {value: 1, basis: statue}\n'
    )
    assert main(["lint", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "framework.yaml:4:24: af-enum: params.a.basis: expected one of statute" in err
    assert "did you mean 'statute'?" in err
    assert "Traceback" not in err


# -- policy tests -------------------------------------------------------------------------


def test_policy_tests_check_the_exposure_to_the_penny(tmp_path: Path) -> None:
    report = af.run_tests(MONEY)
    assert report.passed
    assert [case.passed for case in report.cases] == [True]
    folder = tmp_path / "money"
    shutil.copytree(MONEY, folder)
    cases = folder / "tests" / "money.yaml"
    text = cases.read_text()
    assert "exposure: 416666.67}" in text
    cases.write_text(
        text.replace("exposure: 416666.67}", "exposure: 416666.66}").replace(
            "subject: FM-002, status: pass}", "subject: FM-002, status: pass, exposure: 1}"
        )
    )
    (result,) = af.run_tests(folder).cases
    assert [(m.expectation.policy, m.field, m.expected, m.actual) for m in result.mismatches] == [
        ("CAD-SRO", "exposure", "416666.66", "416666.6666666667"),
        ("CAD-SRO", "exposure", "1.0", "none"),
    ]
    assert "  exposure: expected 416666.66, got 416666.6666666667" in result.diff()
