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

#: Policies whose threshold BASELINE.md marks *proposed* (no published source).
PROPOSED = {
    "RESP-SRO-LOAD",
    "RESP-TURNOVER",
    "CAD-BOARD",
    "CAD-AO",
    "CAD-RISK",
    "CAD-KPI-REGIME",
    "INF-EXIT-PLAN",
    "RULE-COST-TOLERANCE",
    "SAN-SERVICE-CREDIT",
    "SAN-IMPROVEMENT",
}

#: The ids BASELINE.md suggests; all must exist.
BASELINE_IDS = {
    "RESP-AO", "RESP-SRO", "RESP-SRO-SENIOR", "RESP-SRO-LETTER", "RESP-CM", "RESP-SRO-LOAD",
    "RESP-TURNOVER", "CAD-GOLD-SRO", "CAD-SILVER-SRO", "CAD-BOARD", "CAD-AO", "CAD-RISK",
    "CAD-KPI-REGIME", "INF-PERFORMANCE", "INF-KPI-COUNT", "INF-KPI-ASSESSMENT", "INF-VERIFIED",
    "INF-COST", "INF-SAVINGS", "INF-BILLING", "INF-OPEN-BOOK", "INF-PAYMENTS", "INF-EXIT-PLAN",
    "RULE-SPEND", "RULE-COST-TOLERANCE", "RULE-EXPIRY", "RULE-KPI-INADEQUATE",
    "SAN-SERVICE-CREDIT", "SAN-IMPROVEMENT", "SAN-POOR-PERFORMANCE-NOTICE", "SAN-ESCALATE-AO",
    "SAN-APPRAISAL", "REW-RECOGNITION", "REW-GAIN-SHARE",
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
    assert framework.version == "2026.1"
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
        assert policy.source, policy.id
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


@pytest.mark.parametrize("policy_id", sorted(PROPOSED))
def test_proposed_thresholds_are_marked(framework: Any, policy_id: str) -> None:
    assert "proposed" in framework.policy(policy_id).rationale.lower()


def test_the_electronic_monitoring_story_is_told(framework: Any) -> None:
    assert "electronic monitoring" in framework.policy("INF-BILLING").rationale
    assert "electronic monitoring" in (framework.description or "")
    for word in ("gold", "silver", "bronze", "convention"):
        assert word in framework.description


def test_every_number_is_a_parameter() -> None:
    """Policy files refer to numbers through params, except 0/0.0/100.0 used as arithmetic."""
    import re

    allowed = {"0", "0.0", "100.0", "12.0"}
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
    em = next(c for c in example.contracts if c.id == "EM-001")
    assert em.title == "Electronic monitoring services"
    kpis = [k for r in em.reports if r.kind == "performance" for k in r.kpis]
    assert kpis
    assert all(_value(k.rating) == "good" for k in kpis)
    billing = em.latest(example.as_of)["billing"]
    billed, own = billing.figures["billed_units"], billing.figures["own_record_units"]
    assert (billed - own) / own > 0.05  # well over the 1% tolerance

    finding = next(
        f for f in assessment.findings if f.policy == "INF-BILLING" and f.subject.id == "EM-001"
    )
    assert _value(finding.status) == "fail"
    assert finding.accountable.person == "p-sro1"
    for policy in ("INF-PERFORMANCE", "RULE-KPI-INADEQUATE", "CAD-GOLD-SRO"):
        other = next(
            f for f in assessment.findings if f.policy == policy and f.subject.id == "EM-001"
        )
        assert _value(other.status) == "pass", policy

    credit = next(
        c
        for c in assessment.consequences
        if c.policy == "SAN-SERVICE-CREDIT" and c.subject.id == "EM-001"
    )
    assert _value(credit.status) in {"due", "applied"}
    # min(annual / 12 x 5%, cap): 100m / 12 x 5% is under the £500,000 cap.
    assert credit.amount == pytest.approx(100_000_000 / 12 * 0.05)


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
    for expected in case.get("expect_consequences", []):
        consequence = consequences.get((expected["policy"], expected["subject"]))
        if consequence is None:
            problems.append(f"no consequence for {expected}")
        elif _value(consequence.status) != expected["status"]:
            problems.append(f"{expected}: got {_value(consequence.status)} ({consequence.message})")
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
    # Both fixtures the policy tests name, each loading whole (an empty glob passed before).
    assert [path.name for path in paths] == ["compliant.yaml", "neglected.yaml"]
    loaded = {path.stem: af.load_portfolio(path) for path in paths}
    assert {name: len(p.contracts) for name, p in loaded.items()} == {
        "compliant": 4,
        "neglected": 3,
    }
    assert {p.as_of for p in loaded.values()} == {datetime.date(2026, 11, 25)}
