"""The bundled framework `uk-central-government` and its example portfolio.

Checks that the framework says what BASELINE.md asks (every kind, sources, rationales, proposed
thresholds marked), that the example portfolio shows what it is meant to show (every status,
consequences due and applied, the electronic monitoring overbilling), and that every policy
test case shipped in the framework's `tests/` folder passes when evaluated through the Python
API. The cases are loaded here with PyYAML, independently of `accountframe test`.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

import accountframe as af

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "policies" / "uk-central-government"
EXAMPLE = ROOT / "policies" / "examples" / "ministry-of-example.yaml"
TESTS = FOLDER / "tests"

KINDS = {
    "oversight_cadence",
    "required_information",
    "personal_responsibility",
    "rule",
    "sanction",
    "reward",
}

#: The ids BASELINE.md names for version 2027.1; all must exist.
BASELINE_IDS = {
    "RESP-AO", "RESP-SRO", "RESP-SRO-SENIOR", "RESP-SRO-LETTER", "RESP-CM", "RESP-SRO-LOAD",
    "RESP-TURNOVER", "RESP-CROWN-REP", "CAD-GOLD-SRO", "CAD-SILVER-SRO", "CAD-BOARD", "CAD-AO",
    "CAD-ACTED-ON", "CAD-ATTENTION", "CAD-RISK", "CAD-KPI-REGIME", "INF-PERFORMANCE",
    "INF-KPI-COUNT", "INF-KPI-ASSESSMENT", "INF-KPI-PUBLISHED", "INF-VERIFIED", "INF-COST",
    "INF-SAVINGS", "INF-BILLING", "INF-OPEN-BOOK", "INF-PAYMENTS", "INF-RESOLUTION",
    "INF-EXIT-PLAN", "RULE-SPEND", "RULE-SPEND-HEADROOM", "RULE-OVERBILLING", "RULE-SAVINGS",
    "RULE-KPI-TOLERANCE", "RULE-COST-TOLERANCE", "RULE-EXPIRY", "RULE-CHANGE-CONTROL",
    "RULE-KPI-INADEQUATE", "SAN-SERVICE-CREDIT", "SAN-RECOVERY", "SAN-COUNTER-FRAUD",
    "SAN-RECTIFICATION", "SAN-PERFORMANCE-NOTICE", "SAN-ESCALATE-AO", "SAN-APPRAISAL",
    "REW-RECOGNITION", "REW-GAIN-SHARE",
}  # fmt: skip

#: Parameters a policy may read without calling them proposed in its rationale: how early a
#: finding warns before it is due (a courtesy, not a requirement), and the framework's own
#: vocabulary (what "live", "major" and "senior review" mean), set out in its description.
UNREMARKED_PARAMS = {
    "review_warn_before", "information_warn_before", "live_stages", "major_tiers",
    "pipeline_stages", "senior_forums", "board_forums",
}  # fmt: skip


def _value(x: Any) -> str:
    return str(getattr(x, "value", x))


@pytest.fixture(scope="module")
def framework() -> Any:
    return af.bundled("uk-central-government")


@pytest.fixture(scope="module")
def example() -> Any:
    return af.load_portfolio(EXAMPLE)


@pytest.fixture(scope="module")
def assessment(framework: Any, example: Any) -> Any:
    return framework.evaluate(example, as_of=example.as_of)


# -- the framework ---------------------------------------------------------------------------


def test_bundled_by_name_and_by_folder_are_the_same(framework: Any) -> None:
    by_folder = af.load_framework(FOLDER)
    assert framework.name == by_folder.name == "uk-central-government"
    assert framework.version == "2027.1"
    assert [p.id for p in framework.policies] == [p.id for p in by_folder.policies]
    assert framework == by_folder


def test_framework_has_enough_policies_of_every_kind(framework: Any) -> None:
    policies = framework.policies
    assert len(policies) >= 30
    assert {_value(p.kind) for p in policies} == KINDS
    assert {p.id for p in policies} >= BASELINE_IDS


def test_every_policy_is_documented(framework: Any) -> None:
    for policy in framework.policies:
        assert policy.title.strip(), policy.id
        assert policy.rationale, policy.id
        assert len(policy.rationale) > 80, policy.id
        # A proposed rule may have no source to cite; every other has one (see below).
        if _value(policy.basis) != "proposed":
            assert policy.source.strip(), policy.id
        assert _value(policy.severity) in {"info", "low", "medium", "high", "critical"}
        assert policy.tags, policy.id


def test_sources_are_cited_in_full(framework: Any) -> None:
    for policy in framework.policies:
        for short in ("PAC-585", "NAO-269", "GPCMF", "PA23", "OBCM", "MPM"):
            assert short not in policy.source, (policy.id, policy.source)


def test_severity_is_set_in_the_files() -> None:
    for path in FOLDER.glob("*.yaml"):
        if path.name == "framework.yaml":
            continue
        for policy in yaml.safe_load(path.read_text())["policies"]:
            assert "severity" in policy, policy["id"]


def test_every_policy_and_parameter_has_a_basis(framework: Any) -> None:
    bases = {"statute", "regulation", "guidance", "recommendation", "proposed"}
    for policy in framework.policies:
        assert _value(policy.basis) in bases, policy.id
        if _value(policy.basis) != "proposed":
            assert policy.source, policy.id
    notes = framework.param_notes
    assert set(notes) == set(framework.params)
    for name, note in notes.items():
        assert _value(note.basis) in bases, name
        if _value(note.basis) != "proposed":
            assert note.source, name


def test_a_policy_that_uses_a_proposed_number_says_so(framework: Any) -> None:
    """A policy whose expressions or durations read a `proposed` parameter says *proposed* in
    its rationale: a reader never takes the framework's number for a source's."""
    import re

    proposed = {
        name
        for name, note in framework.param_notes.items()
        if _value(note.basis) == "proposed" and name not in UNREMARKED_PARAMS
    }
    definitions = dict(framework.definitions)
    for policy in framework.policies:
        text = " ".join(str(value) for value in attrs_values(policy) if isinstance(value, str))
        # The definitions a policy reads count as its own text.
        for name, body in definitions.items():
            if re.search(rf"\b{re.escape(name)}\b", text):
                text += " " + body
        used = {name for name in proposed if f"params.{name}" in text}
        if used:
            assert "*proposed*" in (policy.rationale or ""), (policy.id, sorted(used))


def attrs_values(policy: Any) -> list[Any]:
    import attrs

    values: list[Any] = []
    for field in attrs.fields(type(policy)):
        value = getattr(policy, field.name)
        values.extend([value, *(vars(value).values() if hasattr(value, "__dict__") else [])])
        if attrs.has(type(value)):
            values.extend(getattr(value, f.name) for f in attrs.fields(type(value)))
    return values


def test_the_electronic_monitoring_story_is_told(framework: Any) -> None:
    assert "electronic monitoring" in framework.policy("INF-BILLING").rationale
    assert "electronic monitoring" in (framework.description or "")
    for word in ("gold", "silver", "bronze", "this framework's names", "£179.4 million"):
        assert word in framework.description


def test_every_number_is_a_parameter() -> None:
    """Policy files refer to numbers through params, except 0/0.0/100.0 used as arithmetic."""
    import re

    allowed = {"0", "0.0", "1.0", "100.0", "12.0"}
    for path in FOLDER.glob("*.yaml"):
        if path.name == "framework.yaml":
            continue
        for policy in yaml.safe_load(path.read_text())["policies"]:
            for field, text in policy.items():
                if field in {"id", "title", "rationale", "source", "action"}:
                    continue
                if not isinstance(text, str):
                    continue
                stripped = re.sub(r'"[^"]*"', "", text)
                numbers = set(re.findall(r"(?<![\w.])\d+(?:\.\d+)?", stripped)) - allowed
                assert not numbers, (policy["id"], field, numbers)


def test_roles_chain(framework: Any) -> None:
    chain = {role.id: role.reports_to for role in framework.roles}
    assert chain == {
        "accounting_officer": None,
        "crown_representative": "accounting_officer",
        "sro": "accounting_officer",
        "contract_manager": "sro",
    }


def test_lint_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    from accountframe.cli import main

    assert main(["lint", str(FOLDER)]) == 0
    assert capsys.readouterr().out.startswith("ok")


def test_check_on_the_bundled_example_finds_failures_but_no_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from accountframe.cli import main

    # 1: failures at or above `high`; 3 would mean an `error` finding (a framework bug).
    assert main(["check", "--format", "json"]) == 1
    assert '"error": 0' in capsys.readouterr().out


# -- the example portfolio ---------------------------------------------------------------------


def test_example_portfolio_validates(example: Any) -> None:
    assert example.organisation == "Ministry of Example"
    assert example.as_of == datetime.date(2026, 11, 25)
    assert len(example.contracts) >= 10
    assert {c.tier for c in example.contracts} == {"gold", "silver", "bronze"}
    stages = {_value(c.stage) for c in example.contracts}
    assert {"live", "mobilisation", "exit", "closed", "procurement"} <= stages


def test_example_shows_every_status_and_no_error(assessment: Any) -> None:
    statuses = [_value(f.status) for f in assessment.findings]
    assert "error" not in statuses, [
        f.message for f in assessment.findings if _value(f.status) == "error"
    ]
    for status in ("pass", "warn", "fail", "waived", "not_applicable"):
        assert status in statuses, status
    consequences = {_value(c.status) for c in assessment.consequences}
    assert {"due", "applied", "not_triggered"} <= consequences
    assert "error" not in consequences
    assert not assessment.waivers_unused


def test_example_has_an_active_and_an_expired_waiver(example: Any, assessment: Any) -> None:
    as_of = example.as_of
    assert any(w.approved_on <= as_of <= w.expires for w in example.waivers)
    assert any(w.expires < as_of for w in example.waivers)
    expired = [f for f in assessment.findings if "waiver expired" in f.message]
    assert expired
    assert all(_value(f.status) in {"warn", "fail"} for f in expired)


def test_electronic_monitoring_overbilling_is_found(example: Any, assessment: Any) -> None:
    """KPIs all good, one clean month at the end, and still the money overbilled before it,
    with who must recover it."""
    em = next(c for c in example.contracts if c.id == "EM-001")
    assert em.title == "Electronic monitoring services"
    kpis = [k for r in em.reports if r.kind == "performance" for k in r.kpis]
    assert kpis
    assert all(_value(k.rating) == "good" for k in kpis)
    latest = em.latest(example.as_of)["billing"]
    assert latest.figures["billed_units"] == latest.figures["own_record_units"]  # clean month
    billed = [r for r in em.reports if r.kind == "billing"]
    overbilled = sum(
        (r.figures["billed_units"] - r.figures["own_record_units"]) * r.figures["unit_price"]
        for r in billed
    )
    recovered = sum(c.amount or 0.0 for c in em.consequences if c.kind == "recovery")
    assert (overbilled, recovered) == (3_162_200.0, 500_000.0)

    def finding(policy: str) -> Any:
        return next(
            f for f in assessment.findings if f.policy == policy and f.subject.id == "EM-001"
        )

    overbilling = finding("RULE-OVERBILLING")
    assert _value(overbilling.status) == "fail"
    assert overbilling.accountable.person == "p-sro1"
    assert overbilling.exposure == pytest.approx(overbilled - recovered)
    assert overbilling.currency == "GBP"
    for policy in ("INF-BILLING", "INF-PERFORMANCE", "RULE-KPI-INADEQUATE", "CAD-GOLD-SRO"):
        assert _value(finding(policy).status) == "pass", policy

    consequences = {c.policy: c for c in assessment.consequences if c.subject.id == "EM-001"}
    recovery = consequences["SAN-RECOVERY"]
    assert _value(recovery.status) == "due"
    assert recovery.amount == pytest.approx(overbilled - recovered)
    assert recovery.accountable.person == "p-sro1"
    assert _value(consequences["SAN-COUNTER-FRAUD"].status) == "due"
    # Overbilling is money to recover, not a performance failure: no Service Credit.
    assert _value(consequences["SAN-SERVICE-CREDIT"].status) == "not_triggered"
    (gbp,) = assessment.exposure
    assert gbp.by_contract[0].contract == "EM-001"
    assert gbp.by_person[0].person == "p-sro1"


def test_service_credit_is_capped(framework: Any) -> None:
    portfolio = af.Portfolio.from_dict(
        {
            "organisation": "Big Department",
            "contracts": [
                {
                    "id": "BIG",
                    "title": "Very large",
                    "tier": "gold",
                    "stage": "live",
                    "value": {"total": 5e9, "annual": 1e9},
                    "reports": [
                        {
                            "kind": "performance",
                            "received": datetime.date(2026, 11, 1),
                            "kpis": [{"name": "a", "rating": "inadequate"}],
                        }
                    ],
                },
                {"id": "NOVAL", "title": "No value", "tier": "bronze", "stage": "live",
                 "reports": [{"kind": "performance", "received": datetime.date(2026, 11, 1),
                              "kpis": [{"name": "a", "target": 1.0, "actual": 0.5}]}]},
            ],
        }
    )  # fmt: skip
    result = framework.evaluate(portfolio, as_of=datetime.date(2026, 11, 25))
    credits = {c.subject.id: c for c in result.consequences if c.policy == "SAN-SERVICE-CREDIT"}
    assert _value(credits["BIG"].status) == "due"
    assert credits["BIG"].amount == pytest.approx(500_000.0)
    assert _value(credits["NOVAL"].status) == "due"
    assert credits["NOVAL"].amount == 0.0
    assert not [f for f in result.findings if _value(f.status) == "error"]


# -- the policy tests shipped with the framework -----------------------------------------------


def _cases() -> list[tuple[str, Path, dict[str, Any]]]:
    cases = []
    for path in sorted(TESTS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text())["tests"]:
            cases.append((f"{path.stem}: {case['name']}", path, case))
    return cases


CASES = _cases()


def _as_date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _portfolio(path: Path, source: Any) -> Any:
    if isinstance(source, str):
        return af.load_portfolio(path.parent / source)
    return af.Portfolio.from_dict(source)


@pytest.mark.parametrize(("name", "path", "case"), CASES, ids=[c[0] for c in CASES])
def test_policy_test_case(framework: Any, name: str, path: Path, case: dict[str, Any]) -> None:
    portfolio = _portfolio(path, case["portfolio"])
    result = framework.evaluate(portfolio, as_of=_as_date(case["as_of"]))
    findings = {(f.policy, f.subject.id): f for f in result.findings}
    consequences = {(c.policy, c.subject.id): c for c in result.consequences}
    problems = []
    for expected in case.get("expect", []):
        finding = findings.get((expected["policy"], expected["subject"]))
        if finding is None:
            problems.append(f"no finding for {expected}")
            continue
        if _value(finding.status) != expected["status"]:
            problems.append(f"{expected}: got {_value(finding.status)} ({finding.message})")
        if "accountable" in expected and finding.accountable.person != expected["accountable"]:
            problems.append(f"{expected}: accountable {finding.accountable.person}")
        if "message_contains" in expected and expected["message_contains"] not in finding.message:
            problems.append(f"{expected}: message {finding.message!r}")
        if "exposure" in expected and finding.exposure != pytest.approx(expected["exposure"]):
            problems.append(f"{expected}: exposure {finding.exposure}")
    for expected in case.get("expect_consequences", []):
        consequence = consequences.get((expected["policy"], expected["subject"]))
        if consequence is None:
            problems.append(f"no consequence for {expected}")
        elif _value(consequence.status) != expected["status"]:
            problems.append(f"{expected}: got {_value(consequence.status)} ({consequence.message})")
        elif "amount" in expected and consequence.amount != pytest.approx(expected["amount"]):
            problems.append(f"{expected}: amount {consequence.amount}")
    assert not problems, "\n".join(problems)


def test_policy_tests_cover_every_policy_both_ways(framework: Any) -> None:
    """Each finding policy passes and fails in some case; each consequence is due and not."""
    reached: dict[str, set[str]] = {}
    for _, _, case in CASES:
        for expected in case.get("expect", []) + case.get("expect_consequences", []):
            reached.setdefault(expected["policy"], set()).add(expected["status"])
    for policy in framework.policies:
        kind = _value(policy.kind)
        wanted = {"due", "not_triggered"} if kind in {"sanction", "reward"} else {"pass", "fail"}
        assert wanted <= reached.get(policy.id, set()), (policy.id, reached.get(policy.id))


def test_policy_test_fixtures_validate() -> None:
    paths = sorted((TESTS / "fixtures").glob("*.yaml"))
    # Every fixture the policy tests name, each loading whole (an empty glob passed before).
    assert [path.name for path in paths] == [
        "compliant.yaml", "due-soon.yaml", "neglected.yaml", "recognised.yaml",
    ]  # fmt: skip
    loaded = {path.stem: af.load_portfolio(path) for path in paths}
    assert {name: len(p.contracts) for name, p in loaded.items()} == {
        "compliant": 4,
        "due-soon": 2,
        "neglected": 4,
        "recognised": 2,
    }
    assert {p.as_of for p in loaded.values()} == {datetime.date(2026, 11, 25)}
