"""`explain`: why one policy gave one subject its status, and that it agrees with `evaluate`.

The frameworks and portfolios are the golden evaluation cases (tests/golden/evaluate/*), so every
kind and status is covered; a framework written here adds `&&`/`||`/`?:` chains over several lines.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

import accountframe as af
from accountframe import cel
from accountframe.evaluation.explanation import Condition, Evaluation, Explanation, Fact

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "evaluate"
CASES = sorted(path for path in GOLDEN.iterdir() if path.is_dir())


def load(case: str) -> tuple[af.Framework, af.Portfolio]:
    folder = GOLDEN / case
    return (
        af.load_framework(folder / "framework"),
        af.load_portfolio(folder / "portfolio.yaml"),
    )


@pytest.fixture(scope="module")
def every_kind() -> tuple[af.Framework, af.Portfolio]:
    return load("every-kind")


def explain(loaded: tuple[af.Framework, af.Portfolio], policy: str, subject: str) -> Explanation:
    framework, portfolio = loaded
    return af.explain(framework, portfolio, policy, subject)


def evaluation(why: Explanation, field: str) -> Evaluation:
    (found,) = [e for e in why.evaluations if e.field == field]
    return found


def facts(why: Explanation) -> dict[str, object]:
    return {fact.name: fact.value for fact in why.computation}


def readings(found: Evaluation) -> dict[str, object]:
    return {reading.path: reading.error or reading.value for reading in found.values}


def tree(condition: Condition) -> list[tuple[str | None, str, object]]:
    """(operator, source, value or error) of every sub-condition, depth first."""
    rows: list[tuple[str | None, str, object]] = []
    for part in condition.parts:
        rows.append((part.operator, part.source, part.error or part.value))
        rows += tree(part)
    return rows


# -- the result is the assessment's own ----------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_explanation_states_the_assessments_result(case: Path) -> None:
    framework, portfolio = load(case.name)
    assessment = framework.evaluate(portfolio)
    results: list[af.Finding | af.Consequence] = [*assessment.findings, *assessment.consequences]
    assert results  # a case with nothing to explain would make this test vacuous
    for result in results:
        why = af.explain(framework, portfolio, result.policy, result.subject.id)
        assert why.result == result, (result.policy, result.subject.id)
        assert (why.status, why.message, why.accountable) == (
            result.status.value,
            result.message,
            result.accountable,
        )
        text = why.render()
        assert text.startswith(f"{result.policy}: ")
        assert f"\nresult: {result.status.value}\n  message: {result.message}\n" in text
        json.dumps(why.to_dict())  # plain data, JSON-ready


def test_the_date_defaults_to_the_portfolios_and_can_be_given(
    every_kind: tuple[af.Framework, af.Portfolio],
) -> None:
    framework, portfolio = every_kind
    assert af.explain(framework, portfolio, "RESP-SRO", "K3-vacant").as_of == portfolio.as_of
    later = datetime.date(2027, 1, 1)
    why = af.explain(framework, portfolio, "RESP-SRO", "K3-vacant", as_of=later)
    expected = next(
        f
        for f in framework.evaluate(portfolio, as_of=later).findings
        if (f.policy, f.subject.id) == ("RESP-SRO", "K3-vacant")
    )
    assert (why.as_of, why.result, why.status) == (later, expected, "fail")


# -- each kind -------------------------------------------------------------------------------


def test_a_failing_cadence_shows_the_due_arithmetic_and_each_review() -> None:
    why = explain(load("cadence-boundaries"), "CAD-MONTHLY", "C07-one-day-after-grace")
    assert why.status == "fail"
    computed = facts(why)
    assert computed["qualifying"] == 1
    assert computed["due"] + datetime.timedelta(days=7) == computed["grace end"]  # type: ignore[operator]
    assert computed["grace end"] == why.as_of - datetime.timedelta(days=1)
    assert computed["warn from"] == computed["due"] - datetime.timedelta(days=5)  # type: ignore[operator]
    assert computed["days overdue"] == (why.as_of - computed["due"]).days  # type: ignore[operator]
    assert computed["freshness"] == "fail"
    assert why.result.due == computed["due"]


def test_each_review_is_shown_with_whether_it_counted() -> None:
    why = explain(load("cadence-boundaries"), "CAD-MONTHLY", "C11-other-forum-ignored")
    counts_if = [e for e in why.evaluations if e.field == "counts_if"]
    assert [(e.about, e.condition.value, readings(e)) for e in counts_if] == [
        ("review 2026-01-01 (sro_review)", True, {"review.forum": "sro_review"}),
        ("review 2026-03-14 (board)", False, {"review.forum": "board"}),
    ]
    assert [(f.name, f.value) for f in why.computation if f.name.startswith("review ")] == [
        ("review 2026-01-01 (sro_review)", "counts"),
        ("review 2026-03-14 (board)", "does not count (counts_if is false)"),
    ]
    assert facts(why)["qualifying"] == 1
    assert facts(why)["last"] == datetime.date(2026, 1, 1)


def test_information_with_require_shows_each_sub_condition(
    every_kind: tuple[af.Framework, af.Portfolio],
) -> None:
    why = explain(every_kind, "INF-VERIFIED", "K2-poor")
    require = evaluation(why, "require")
    assert require.about == "performance report received 2026-09-01"
    assert require.condition.value is False
    assert tree(require.condition) == [
        ("||", "report.verified", False),
        ("||", 'report.source != "supplier"', False),
    ]
    where = GOLDEN / "every-kind" / "framework" / "information.yaml"
    assert [part.location for part in require.condition.parts] == [
        f"{where}:18:14",
        f"{where}:18:33",
    ]
    assert readings(require) == {"report.verified": False, "report.source": "supplier"}
    assert facts(why)["freshness"] == "pass"
    assert why.status == "fail"


def test_information_overdue_and_short_of_kpis(
    every_kind: tuple[af.Framework, af.Portfolio],
) -> None:
    why = explain(every_kind, "INF-PERF", "K2-poor")
    assert facts(why)["days overdue"] == 40
    assert facts(why)["freshness"] == "fail"
    require = evaluation(why, "require")
    assert readings(require) == {
        "report.kpis": [{"name": "a", "rating": "inadequate"}],
        "params.min_kpis": 3,
    }
    # The accountable contract manager left: the finding falls back to the SRO.
    assert why.accountable.fallback_from == ("contract_manager",)
    assert "fell back: contract_manager (vacant) → sro" in why.render()


def test_a_vacant_role_shows_the_vacancy_and_its_limit(
    every_kind: tuple[af.Framework, af.Portfolio],
) -> None:
    why = explain(every_kind, "RESP-SRO", "K3-vacant")
    assert why.status == "warn"
    assert facts(why) == {
        "holder": None,
        "last holder's assignment ended": datetime.date(2026, 11, 10),
        "vacant since": datetime.date(2026, 11, 11),
        "max vacancy": af.Duration.parse("30 days"),
        "must be filled by": datetime.date(2026, 12, 10),
    }
    applies_to = readings(evaluation(why, "applies_to"))
    assert applies_to == {
        "is_major_live": True,
        "is_major": True,
        "contract.tier": "silver",
        "is_live": True,
        "contract.stage": "live",
    }


def test_an_ineligible_holder_shows_the_person_read(
    every_kind: tuple[af.Framework, af.Portfolio],
) -> None:
    why = explain(every_kind, "RESP-SRO", "K2-poor")
    assert why.status == "fail"
    assert facts(why) == {"holder": "p-junior", "since": datetime.date(2025, 1, 1)}
    eligible = evaluation(why, "eligible")
    assert eligible.about == "holder p-junior"
    assert (eligible.condition.value, readings(eligible)) == (False, {"person.grade": "G7"})


def test_a_rule_with_chains_over_several_lines(tmp_path: Path) -> None:
    folder = tmp_path / "framework"
    folder.mkdir()
    (folder / "framework.yaml").write_text(
        "framework: chains\n"
        'version: "1"\n'
        "roles:\n"
        "  - {id: accounting_officer}\n"
        "  - {id: sro, reports_to: accounting_officer}\n"
        "policies:\n"
        "  - id: RULE-CHAINS\n"
        "    kind: rule\n"
        "    title: Chains of every kind\n"
        "    require: |-\n"
        '      contract.tier == "gold"\n'
        "      ? (contract.spent <= contract.value.total && has(contract.value.total))\n"
        '      : contract.stage == "closed" || false\n'
    )
    framework = af.load_framework(folder)
    _, portfolio = load("every-kind")
    gold = af.explain(framework, portfolio, "RULE-CHAINS", "K1-good")
    require = evaluation(gold, "require").condition
    assert (gold.status, require.value) == ("pass", True)
    assert tree(require) == [
        ("?", 'contract.tier == "gold"', True),
        ("then", "(contract.spent <= contract.value.total && has(contract.value.total))", True),
        ("&&", "contract.spent <= contract.value.total", True),
        ("&&", "has(contract.value.total)", True),
        ("else", 'contract.stage == "closed" || false', False),
        ("||", 'contract.stage == "closed"', False),
        ("||", "false", False),
    ]
    where = str(folder / "framework.yaml")
    assert require.location == f"{where}:11:7"
    assert [part.location for part in require.parts] == [
        f"{where}:11:7",
        f"{where}:12:9",
        f"{where}:13:9",
    ]
    assert require.parts[1].parts[1].location == f"{where}:12:52"
    closed = af.explain(framework, portfolio, "RULE-CHAINS", "K4-closed")
    assert closed.status == "pass"
    assert tree(evaluation(closed, "require").condition)[-2:] == [
        ("||", 'contract.stage == "closed"', True),
        ("||", "false", False),
    ]
    text = closed.render()
    assert f'  false  <- ? contract.tier == "gold"  ({where}:11:7)' in text


def test_a_consequence_shows_the_findings_it_saw(
    every_kind: tuple[af.Framework, af.Portfolio],
) -> None:
    why = explain(every_kind, "SAN-CREDIT", "K2-poor")
    assert why.status == "applied"
    seen = [fact for fact in why.computation if fact.name.startswith("  ")]
    assert facts(why)["findings seen"] == len(seen) == 7
    assert Fact("  INF-PERF on contract K2-poor", "fail", "severity high") in seen
    assert evaluation(why, "trigger").condition.value is True
    assert evaluation(why, "amount").condition.value == 1000.0
    assert readings(evaluation(why, "amount")) == {"contract.value.annual": 240000.0}
    assert evaluation(why, "applied_if").condition.value is True


def test_a_due_consequence_for_a_person(every_kind: tuple[af.Framework, af.Portfolio]) -> None:
    why = explain(every_kind, "SAN-ESCALATE", "p-junior")
    assert (why.status, why.subject) == ("due", af.Subject("person", "p-junior"))
    assert "  RULE-SRO-LOAD on person p-junior" in facts(why)
    assert "action: Escalate to the Accounting Officer" in why.render()


def test_a_waived_finding_shows_the_waiver_that_applied() -> None:
    loaded = load("waivers-routing")
    waived = explain(loaded, "RULE-CM", "W1-all-held")
    assert waived.status == "waived"
    assert [(f.value, f.note) for f in waived.waivers] == [
        ("supplier change in hand", "applied: the finding was fail")
    ]
    expired = explain(loaded, "RULE-CM", "W2-no-cm")
    assert (expired.status, [f.note for f in expired.waivers]) == ("fail", ["not used: expired"])
    unused = explain(loaded, "RULE-SRO", "W3-nobody")
    assert [f.note for f in unused.waivers] == ["not used: the finding is pass, nothing to waive"]
    future = explain(loaded, "RULE-SRO", "W2-no-cm")
    assert [f.note for f in future.waivers] == ["not used: not yet in force"]


def test_an_error_finding_shows_which_sub_condition_failed(
    every_kind: tuple[af.Framework, af.Portfolio],
) -> None:
    why = explain(every_kind, "RESP-CM", "K1-good")
    assert why.status == "error"
    eligible = evaluation(why, "eligible")
    assert eligible.condition.error == why.message
    (plain, broken) = eligible.condition.parts
    assert (plain.source, plain.value, plain.error) == ('contract.id != "K1-good"', False, None)
    assert broken.source == "broken"
    assert str(broken.error).startswith("definition 'broken' failed: ")
    assert readings(eligible)["contract.attributes.missing_key"] == (
        "absent (no such member in mapping: 'missing_key')"
    )
    assert "    error: definition 'broken' failed: " in why.render()


def test_a_missing_field_errors_the_requirement(
    every_kind: tuple[af.Framework, af.Portfolio],
) -> None:
    why = explain(every_kind, "INF-BROKEN", "K1-good")
    require = evaluation(why, "require")
    assert why.status == "error"
    assert require.condition.error == why.message
    assert "error: require failed: no such member" in why.render()


def test_not_applicable_stops_at_applies_to(
    every_kind: tuple[af.Framework, af.Portfolio],
) -> None:
    why = explain(every_kind, "INF-PERF", "K4-closed")
    assert why.status == "not_applicable"
    assert [e.field for e in why.evaluations] == ["applies_to"]
    assert evaluation(why, "applies_to").condition.value is False
    assert why.computation == ()


def test_expressions_left_at_their_default_are_not_shown(
    every_kind: tuple[af.Framework, af.Portfolio],
) -> None:
    why = explain(every_kind, "SAN-CREDIT", "K1-good")  # no applies_to: it is `true`
    assert [e.field for e in why.evaluations] == ["trigger"]


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "subject", "message"),
    [
        ("INF-PREF", "K2-poor", "no policy 'INF-PREF' in golden-kinds (did you mean 'INF-PERF'?)"),
        (
            "INF-PERF",
            "K2-pooor",
            "no contract 'K2-pooor' in the portfolio (did you mean 'K2-poor'?)",
        ),
        (
            "RULE-SRO-LOAD",
            "K1-good",
            "no person 'K1-good' in the portfolio: 'K1-good' is a contract, "
            "and RULE-SRO-LOAD is about each person",
        ),
        (
            "RESP-SRO",
            "p-sro",
            "no contract 'p-sro' in the portfolio: 'p-sro' is a person, "
            "and RESP-SRO is about each contract",
        ),
        ("RESP-SRO", "zzz", "no contract 'zzz' in the portfolio"),
    ],
    ids=["policy", "subject", "contract-for-person", "person-for-contract", "nothing-close"],
)
def test_unknown_policy_or_subject(
    every_kind: tuple[af.Framework, af.Portfolio], policy: str, subject: str, message: str
) -> None:
    with pytest.raises(af.UsageError) as raised:
        explain(every_kind, policy, subject)
    assert str(raised.value) == message


# -- the CEL side: sub-conditions and paths --------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a && b && c", [("&&", "a"), ("&&", "b"), ("&&", "c")]),
        ("a || b && c", [("||", "a"), ("||", "b && c"), ("&&", "b"), ("&&", "c")]),
        ("true && false", [("&&", "true"), ("&&", "false")]),
        ("x ? true : false", [("?", "x"), ("then", "true"), ("else", "false")]),
        ('"a && b" || c', [("||", '"a && b"'), ("||", "c")]),
        ("!(a && b)", []),
        ("l.exists(x, x && y)", []),
        ("f(a && b)", []),
        ("((a) || (b))", [("||", "(a)"), ("||", "(b)")]),
    ],
)
def test_subconditions(source: str, expected: list[tuple[str, str]]) -> None:
    def walk(parts: tuple[cel.Subcondition, ...]) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for part in parts:
            assert source[part.start : part.end] == part.source
            assert part.program.source == part.source
            rows.append((part.operator, part.source))
            rows += walk(part.parts)
        return rows

    assert walk(cel.subconditions(cel.compile(source))) == expected


def test_every_subcondition_evaluates_with_the_same_variables() -> None:
    program = cel.compile("a > 1 && (b || c.d == 'x')")
    values = {"a": 2, "b": False, "c": {"d": "x"}}
    results = [part.program.evaluate(values) for part in cel.subconditions(program)]
    assert results == [True, True]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("contract.value.total > 5000000.0", ("contract.value.total",)),
        ("report.kpis.size() >= params.min", ("report.kpis", "params.min")),
        ('c.attributes["k"] && now > c.start', ("c.attributes", "now", "c.start")),
        ("xs.all(x, x.ok && x.n < limit)", ("xs", "limit")),
        ("has(c.x) ? c.x : c.y", ("c.x", "c.y")),
        ("1 + 2", ()),
    ],
)
def test_paths(source: str, expected: tuple[str, ...]) -> None:
    assert cel.paths(cel.compile(source)) == expected
