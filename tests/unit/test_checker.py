"""The CEL type checker: one table of broken expressions, one of valid ones, and its rules
checked against the engine itself."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import accountframe as af
from accountframe import cel
from accountframe.cel.checker import SIGNATURES
from accountframe.cel.types import (
    BOOL,
    DOUBLE,
    DYN,
    OPERATORS,
    STRING,
    TYPES,
    Type,
    binary,
    list_of,
    map_of,
    unary,
)
from accountframe.compiler.compiler import SINCE_FIELDS, compile_framework
from accountframe.compiler.environment import CONTRACT, FINDING, Environment, reference_table
from accountframe.errors import CelEvaluationError, FrameworkError
from accountframe.evaluation.findings import Since, finding_value
from accountframe.framework.duration import Duration
from accountframe.framework.policies import Rule, Sanction

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = sorted(
    [
        ROOT / "tests" / "fixtures" / "frameworks" / "valid",
        ROOT / "tests" / "fixtures" / "frameworks" / "cli",
        ROOT / "policies" / "uk-central-government",
        *(ROOT / "tests" / "golden" / "evaluate").glob("*/framework"),
    ]
)

ENVIRONMENT = Environment(params={"review_every": "1 month", "limit": 4})


def rule_variables() -> dict[str, Type]:
    return ENVIRONMENT.variables(
        Rule(id="R", title="t", require="true"), "require", definitions={"is_major": BOOL}
    )


def problems(source: str, expected: Type | None = BOOL, **variables: Type) -> list[str]:
    scope = {**rule_variables(), **variables}
    result = cel.check(
        cel.compile(source), scope, expected=expected, field="require",
        hints=ENVIRONMENT.hints(scope),
    )  # fmt: skip
    return [d.render() for d in result.diagnostics]


BROKEN = [
    # (id, expression, first line of the message, caret column)
    ("unknown-variable", "contrat.tier == 'gold'",
     "<expression>:1:1: af-unknown: unknown variable 'contrat' (did you mean 'contract'?)", 1),
    ("unknown-definition", "is_majr && true",
     "<expression>:1:1: af-unknown: unknown variable 'is_majr' (did you mean 'is_major'?)", 1),
    ("variable-of-another-field", "review.date < now",
     "<expression>:1:1: af-unknown: unknown variable 'review': it is only available in "
     "counts_if of an oversight_cadence policy", 1),
    ("unknown-field", "contract.teir == 'gold'",
     "<expression>:1:10: af-type: unknown field 'teir' of contract (did you mean 'tier'?)", 10),
    ("unknown-field-in-macro", 'contract.reviews.exists(r, r.chiar == "x")',
     "<expression>:1:30: af-type: unknown field 'chiar' of review (did you mean 'chair'?)", 30),
    ("unknown-field-nested", "contract.value.totl > 1.0",
     "<expression>:1:16: af-type: unknown field 'totl' of value (did you mean 'total'?)", 16),
    ("unknown-field-through-map", 'contract.latest["performance"].kpiz.size() > 0',
     "<expression>:1:32: af-type: unknown field 'kpiz' of report (did you mean 'kpis'?)", 32),
    ("unknown-field-indexed", 'contract["teir"] == "x"',
     "<expression>:1:10: af-type: unknown field 'teir' of contract (did you mean 'tier'?)", 10),
    ("unknown-field-in-has", "has(contract.ned)",
     "<expression>:1:14: af-type: unknown field 'ned' of contract (did you mean 'end'?)", 14),
    ("unknown-param", "params.limt > 1",
     "<expression>:1:8: af-type: unknown field 'limt' of params (did you mean 'limit'?)", 8),
    ("unknown-function", "contract.start + dayz(30) < now",
     "<expression>:1:18: af-unknown: unknown function 'dayz' (did you mean 'days'?)", 18),
    ("unknown-method", "contract.id.startswith('EM')",
     "<expression>:1:13: af-unknown: unknown function 'startswith' (did you mean "
     "'startsWith'?)", 13),
    ("arity-function", "days(1, 2) < duration('1s')",
     "<expression>:1:1: af-type: days() takes 1 argument (got 2)", 1),
    ("arity-method", "contract.id.startsWith()",
     "<expression>:1:13: af-type: .startsWith() takes 1 argument (got 0)", 13),
    ("arity-size", "size(contract.reviews, 1) > 0",
     "<expression>:1:1: af-type: size() takes 1 argument (got 2)", 1),
    ("arity-macro", "contract.reviews.exists(r) ",
     "<expression>:1:18: af-type: .exists() takes 2 arguments, a variable and an expression "
     "(got 1)", 18),
    ("arity-has", "has(contract.end, contract.start)",
     "<expression>:1:1: af-type: has() takes 1 argument (got 2)", 1),
    ("argument-type", "days(1.5) > duration('1s')",
     "<expression>:1:1: af-type: days() expects (int) (got (double))", 1),
    ("double-vs-string", 'contract.value.total > "100"',
     "<expression>:1:24: af-type: no matching overload for '>' applied to (double, string)", 24),
    ("double-vs-int-literal", "contract.value.total > 100",
     "<expression>:1:24: af-type: no matching overload for '>' applied to (double, int) "
     "(compare with 100.0)", 24),
    ("int-vs-double", "contract.reviews.size() > contract.spent",
     "<expression>:1:27: af-type: no matching overload for '>' applied to (int, double) "
     "(convert the int with double())", 27),
    ("timestamp-plus-int", "contract.start + 30 < now",
     "<expression>:1:18: af-type: no matching overload for '+' applied to (timestamp, int)", 18),
    ("string-in-int-list", "contract.tier in [1, 2]",
     "<expression>:1:18: af-type: no matching overload for 'in' applied to (string, "
     "list(int))", 18),
    ("not-a-bool-operand", "contract.tier && true",
     "<expression>:1:1: af-type: an operand of && must be a bool (got string)", 1),
    ("not-a-bool-macro", "contract.reviews.exists(r, r.forum)",
     "<expression>:1:28: af-type: the condition of .exists() must be a bool (got string)", 28),
    ("macro-over-scalar", "contract.tier.exists(c, true)",
     "<expression>:1:15: af-type: .exists() needs a list or a map (got string)", 15),
    ("field-of-list", "contract.reviews.size > 0",
     "<expression>:1:18: af-type: cannot select field 'size' of a list(review)", 18),
    ("negate-string", "-contract.tier == ''",
     "<expression>:1:2: af-type: no matching overload for '-' applied to (string)", 2),
    ("result-not-bool", "contract.spent",
     "<expression>:1:1: af-type: require must give a bool (got double)", 1),
    ("unknown-field-regime", "contract.regmie == 'pa2023'",
     "<expression>:1:10: af-type: unknown field 'regmie' of contract (did you mean 'regime'?)", 10),
    ("unknown-field-decision", "contract.reviews.exists(r, has(r.decison))",
     "<expression>:1:34: af-type: unknown field 'decison' of review (did you mean "
     "'decision'?)", 34),
    ("unknown-field-approval", "contract.amendments.all(a, has(a.aproved_by))",
     "<expression>:1:34: af-type: unknown field 'aproved_by' of amendment (did you mean "
     "'approved_by'?)", 34),
    ("unknown-field-key-date", "contract.key_dates.exists(k, k.dat < now)",
     "<expression>:1:32: af-type: unknown field 'dat' of key_date (did you mean 'date'?)", 32),
    ("regime-is-a-string", "contract.regime == 1",
     "<expression>:1:20: af-type: no matching overload for '==' applied to (string, int)", 20),
    ("sum-of-strings", "sum(contract.reviews.map(r, r.forum)) > 0.0",
     "<expression>:1:1: af-type: sum() expects a list of numbers (int, uint or double) (got "
     "list(string))", 1),
    ("sum-of-a-string", 'sum("x") > 0.0',
     "<expression>:1:1: af-type: sum() expects (list) (got (string))", 1),
    ("sum-of-a-double", "sum(contract.spent) > 0.0",
     "<expression>:1:1: af-type: sum() expects (list) (got (double))", 1),
    ("sum-is-a-double", "sum(contract.transactions.map(t, t.amount)) > 1",
     "<expression>:1:47: af-type: no matching overload for '>' applied to (double, int) "
     "(compare with 1.0)", 47),
]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "first_line", "column"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_expression_is_reported_at_the_offending_token(
    source: str, first_line: str, column: int
) -> None:
    found = problems(source)
    assert found, source
    head, line, caret = found[0].split("\n")
    assert head == first_line
    assert line == f"    {source}"
    assert caret.index("^") - 4 + 1 == column


def test_result_types_of_other_fields() -> None:
    assert problems("1", expected=STRING) == [
        "<expression>:1:1: af-type: require must give a string (got int)\n    1\n    ^"
    ]
    assert problems("contract.value.total * 0.1", expected=DOUBLE) == []
    assert problems("1000", expected=DOUBLE) == []  # an int amount converts without loss
    assert problems("'100'", expected=DOUBLE)[0].startswith(
        "<expression>:1:1: af-type: require must give a double (got string)"
    )


def test_every_problem_is_reported_in_one_run_sorted() -> None:
    found = problems("contract.teir == 1 && dayz(2) && contract.spent > 1")
    assert [line.split("\n")[0] for line in found] == [
        "<expression>:1:10: af-type: unknown field 'teir' of contract (did you mean 'tier'?)",
        "<expression>:1:23: af-unknown: unknown function 'dayz' (did you mean 'days'?)",
        "<expression>:1:51: af-type: no matching overload for '>' applied to (double, int) "
        "(compare with 1.0)",
    ]


def test_person_scope_has_no_contract_nor_definitions() -> None:
    env = Environment()
    policy = Rule(id="R", title="t", require="true", scope="person")
    scope = env.variables(policy, "require", definitions={"is_major": BOOL})
    hints = env.hints(scope, ["is_major"])
    result = cel.check(cel.compile("is_major || contract.strategic"), scope, hints=hints)
    assert [d.message for d in result.diagnostics] == [
        "unknown variable 'is_major': definitions are contract scope; person-scope policies "
        "cannot use them",
        "unknown variable 'contract': person-scope policies have 'person' and 'contracts' instead",
    ]


def test_findings_are_typed_in_consequences() -> None:
    env = Environment()
    policy = Sanction(id="S", title="t", trigger="true", action="a")
    scope = env.variables(policy, "trigger")
    good = cel.check(cel.compile('findings.exists(f, "x" in f.tags && f.status == "fail")'), scope)
    assert good.diagnostics == ()
    bad = cel.check(cel.compile("findings.exists(f, f.statsu == 'fail')"), scope)
    assert [d.message for d in bad.diagnostics] == [
        "unknown field 'statsu' of finding (did you mean 'status'?)"
    ]


VALID = [
    "has(contract.end)",
    "has(contract.attributes.anything)",
    "contract.reviews.map(r, r.date).filter(d, d > now - days(30)).size() > 0",
    "contract.reviews.filter(r, r.forum == 'sro_review').exists(r, r.chair == "
    "contract.accountable.sro)",
    'contract.latest["performance"].kpis.size() > 0',
    "contract.accountable.sro == 'p-1'",
    'people[contract.accountable["sro"]].grade == "SCS2"',
    "contract.tier == 'gold' ? contract.value.total > 1.0 : false",
    "contract.tier in ['gold', 'silver'] && 'sro' in contract.accountable",
    "now - contract.start > duration('720h')",
    "contract.start + days(30) <= now",
    "days_between(contract.start, now) >= 30",
    "add_months(contract.start, 1) < now",
    "double(size(contract.reviews)) > 1.5",
    "contract.attributes.anything.deeper > 3",
    "contract.attributes['x'] == 'y' || params.limit > 3",
    "params.review_every == '1 month'",
    "portfolio.as_of == now && portfolio.roles.accounting_officer != ''",
    "contract.reviews.all(r, r.attendees.all(a, a in people))",
    "contract.reviews.exists_one(r, r.date.getFullYear() == 2026)",
    "contract.last_review.sro_review.date > now - days(60)",
    "contract.tier != null && contract.end != null",
    "type(contract.spent) == double",
    "dyn(contract.spent) > 1",
    "contract.id.matches('^EM-') && contract.id.startsWith('EM') && "
    "contract.title.contains('x') && contract.title.endsWith('s')",
    "[1, 'a'].size() == 2 && {'a': 1}.a == 1",
    "contract.reports.map(r, r.kpis.map(k, k.actual)).size() >= 0",
    "contract.latest.exists(kind, contract.latest[kind].verified)",
    "string(contract.spent) + ' of ' + contract.value.currency != ''",
    "int(contract.spent) > 2 && uint(1) > 0u && -contract.spent < 0.0",
    "timestamp('2026-01-01T00:00:00Z') < now && date('2026-01-01') < now",
    "contract.transactions.map(t, t.amount).size() == 0 || contract.spent >= 0.0",
    "is_major",
    "(((((((((contract.strategic)))))))))",
    'has(contract.regime) && contract.regime in ["pa2023", "pcr2015"]',
    "contract.reviews.exists(r, has(r.decision) && r.decision != '')",
    "contract.amendments.all(a, has(a.approved_by) && a.approved_on >= a.date && "
    "a.approved_by in people)",
    "contract.key_dates.exists(k, k.kind == 'break_option' && k.date <= add_months(now, 18) && "
    "!has(k.notes))",
    "sum(contract.transactions.map(t, t.amount)) == contract.spent",
    "sum(contract.reviews.map(r, r.attendees.size())) > 1.5",
    "sum([1, 2u, 0.5]) > 0.0 && sum([]) == 0.0 && contract.reports.map(r, "
    "r.figures).exists(f, sum([f.billed_units]) > 1.0)",
    "sum(contract.attributes.amounts) >= 0.0",
]


@pytest.mark.parametrize("source", VALID)
def test_valid_expression_gives_no_diagnostic(source: str) -> None:
    assert problems(source) == []


def _expressions(framework: af.Framework) -> list[tuple[str, str, str]]:
    found = [("definitions", name, text) for name, text in framework.definitions.items()]
    for policy in framework.policies:
        for field in policy.expressions:
            text = getattr(policy, field)
            if text is not None:
                found.append((policy.id, field, text))
    return found


@pytest.mark.parametrize("folder", FRAMEWORKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shipped_frameworks_still_compile(folder: Path) -> None:
    # No false positives on real frameworks: every one the project ships type-checks cleanly.
    framework = af.load_framework(folder)
    assert _expressions(framework)
    compiled = compile_framework(framework)
    assert len(compiled.policies) == len(framework.policies)


def test_definition_types_flow_into_later_expressions() -> None:
    framework = af.Framework(
        name="f",
        version="1",
        definitions={"spend": "contract.spent", "big": "spend > 10"},
        policies=[Rule(id="R", title="t", require="big")],
    )
    with pytest.raises(FrameworkError) as raised:
        compile_framework(framework)
    assert [d.render().split("\n")[0] for d in raised.value.diagnostics] == [
        "<expression>:1:9: af-type: definitions.big: no matching overload for '>' applied to "
        "(double, int) (compare with 10.0)"
    ]


def test_deep_nesting_is_checked_without_recursion() -> None:
    source = "(" * 64 + "contract.teir" + ")" * 64
    assert len(problems(source, expected=None)) == 1
    lists = "[" * 63 + "1" + "]" * 63
    assert problems(f"size({lists}) == 1") == []
    chain = " + ".join(["1"] * 80)
    assert problems(f"{chain} > 0") == []


# -- the rules against the engine ------------------------------------------------------------

SAMPLES: dict[str, tuple[str, Type]] = {
    "bool": ("true", TYPES["bool"]),
    "int": ("2", TYPES["int"]),
    "uint": ("2u", TYPES["uint"]),
    "double": ("2.0", TYPES["double"]),
    "string": ("'1'", TYPES["string"]),
    "bytes": ("b'a'", TYPES["bytes"]),
    "null": ("null", TYPES["null"]),
    "timestamp": ("timestamp('2026-01-01T00:00:00Z')", TYPES["timestamp"]),
    "duration": ("duration('3600s')", TYPES["duration"]),
    "list": ("[1]", list_of(TYPES["int"])),
    "map": ("{'a': 1}", map_of(STRING, TYPES["int"])),
    "type": ("int", TYPES["type"]),
}
_OVERLOAD = re.compile(r"no matching overload|no such overload|undeclared|evaluation failed")


def _kind(value: Any) -> str:
    kinds = [(bool, "bool"), (int, "int"), (float, "double"), (str, "string"), (bytes, "bytes"),
             (datetime.datetime, "timestamp"), (datetime.timedelta, "duration"), (list, "list"),
             (dict, "map")]  # fmt: skip
    return next((name for cls, name in kinds if isinstance(value, cls)), "null")


def _engine_kind(source: str) -> str:
    """The kind of value the engine gives, or 'error' for an overload error."""
    try:
        return _kind(cel.compile(source).evaluate({}))
    except CelEvaluationError as error:
        return "error" if _OVERLOAD.search(error.cel_message) else "other error"


@pytest.mark.parametrize("operator", OPERATORS)
def test_operator_rules_never_accept_what_the_engine_rejects(operator: str) -> None:
    wrong = []
    for left, (left_text, left_type) in SAMPLES.items():
        for right, (right_text, right_type) in SAMPLES.items():
            result = binary(operator, left_type, right_type)
            if result is None:
                continue
            engine = _engine_kind(f"{left_text} {operator} {right_text}")
            expected = {"uint": "int", "dyn": engine}.get(result.kind, result.kind)
            if engine != expected:
                wrong.append((left, right, result.kind, engine))
    assert wrong == []


def test_operator_rules_reject_mixed_numbers_and_accept_time_arithmetic() -> None:
    assert binary("<", TYPES["int"], DOUBLE) is None
    assert binary("==", DOUBLE, TYPES["int"]) is None
    assert binary("-", TYPES["timestamp"], TYPES["timestamp"]) == TYPES["duration"]
    assert binary("in", STRING, map_of(STRING, DYN)) == BOOL
    assert binary(">", DYN, STRING) == BOOL


@pytest.mark.parametrize("operator", ["!", "-"])
def test_unary_rules_never_accept_what_the_engine_rejects(operator: str) -> None:
    for name, (text, sample) in SAMPLES.items():
        result = unary(operator, sample)
        if result is not None:
            assert _engine_kind(f"{operator}({text})") == result.kind, name


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_function_signatures_never_accept_what_the_engine_rejects(name: str) -> None:
    examples = {"string": "'2026-01-01'", "timestamp": SAMPLES["timestamp"][0]}
    for params, result in SIGNATURES[name]:
        arguments = [examples.get(p) or (SAMPLES[p][0] if p in SAMPLES else "'x'") for p in params]
        if name in ("int", "uint", "double") and params == ("string",):
            arguments = ["'2'"]
        if name == "duration" and params == ("string",):
            arguments = ["'1s'"]
        if name == "timestamp" and params == ("string",):
            arguments = ["'2026-01-01T00:00:00Z'"]
        if name == "bool" and params == ("string",):
            arguments = ["'true'"]
        if name.startswith("get") and len(params) == 2:
            arguments[1] = "'UTC'"
        if name == "contains" and params != ("string", "string"):
            arguments[1] = "'a'" if params[0] == "map" else "1"
        engine = _engine_kind(f"{name}({', '.join(arguments)})")
        expected = {"uint": "int", "type": "other error", "dyn": engine}.get(result, result)
        assert engine == expected, (name, params)


# -- the environment against the model and the docs ------------------------------------------


def test_findings_element_matches_what_evaluation_binds() -> None:
    framework = af.load_framework(ROOT / "tests" / "fixtures" / "frameworks" / "cli")
    portfolio = af.load_portfolio(ROOT / "tests" / "fixtures" / "portfolios" / "cli.yaml")
    assessment = framework.evaluate(portfolio)
    assert assessment.findings
    # `since` and `days_in_status` only with a look-back (the lint checks they are not read
    # without one); with one, every field.
    # `exposure` only on a finding that has one (has(f.exposure) tells).
    first = assessment.findings[0]
    assert first.exposure is None
    assert set(finding_value(first)) == set(FINDING.fields) - SINCE_FIELDS - {"exposure"}
    with_money = attrs.evolve(first, exposure=12.5, currency="GBP")
    assert finding_value(with_money)["exposure"] == 12.5
    since = Since(Duration.parse("1 year"))
    value = since.value(with_money, assessment.as_of)
    assert set(value) == set(FINDING.fields)


def test_contract_type_covers_the_view() -> None:
    portfolio = af.load_portfolio(ROOT / "tests" / "fixtures" / "portfolios" / "valid.yaml")
    keys = {key for c in portfolio.contracts for key in c.view(datetime.date(2026, 11, 25))}
    assert keys <= set(CONTRACT.fields)
    assert {"accountable", "latest", "last_review", "spent", "attributes"} <= keys


def test_docs_list_every_field_of_the_environment() -> None:
    assert reference_table() in (ROOT / "docs" / "cel.md").read_text()


def test_ternary_branches_of_different_types_are_flagged() -> None:
    framework = af.Framework(
        name="f",
        version="1",
        policies=[
            Rule(id="R1", title="t", require="-(contract.strategic ? contract.id : false) == 1"),
            # dyn or null on one side is fine: nothing is known to be wrong.
            Rule(
                id="R2", title="t", require="(contract.strategic ? contract.attributes.x : 1) == 1"
            ),
            Rule(id="R3", title="t", require="(contract.strategic ? 2.0 : contract.spent) > 1.0"),
        ],
    )
    with pytest.raises(FrameworkError) as raised:
        compile_framework(framework)
    assert [d.render().split("\n")[0] for d in raised.value.diagnostics] == [
        "<expression>:1:24: af-type: R1.require: the branches of ?: have different types "
        "(string and bool)"
    ]
