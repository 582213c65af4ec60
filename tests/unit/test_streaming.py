"""Streamed assessments (`af.stream`, issue 25): the same bytes as the assessment in memory,
whatever `workers`; `jsonl` lines; the summary accumulator; the command line's streamed path.

The pool tests start real worker processes (spawn), so they are few and small.
"""

from __future__ import annotations

import datetime
import io
import json
import types
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
import yaml

import accountframe as af
from accountframe import atomic, report, streaming
from accountframe.assessment import Summary
from accountframe.cli import main
from accountframe.errors import Location
from accountframe.evaluation import pool, stream
from accountframe.fastpath import Declined
from accountframe.load import locations
from accountframe.report import pipelines
from accountframe.report import streamed as streamed_formats

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "policies" / "examples" / "ministry-of-example.yaml"
AS_OF = datetime.date(2026, 11, 25)


@pytest.fixture(scope="module")
def bundled() -> af.Framework:
    return af.bundled("uk-central-government")


@pytest.fixture(scope="module")
def example() -> af.Portfolio:
    return af.load_portfolio(EXAMPLE)


def streamed_text(*args: object, **options: object) -> str:
    with af.stream(*args, **options) as streamed:  # type: ignore[arg-type]
        return "".join(streamed.chunks())


@pytest.fixture
def streamed_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each `af.stream` call's path: "streamed", or "declined" (assessed in memory). A streamed
    run that declined would go unnoticed otherwise: the in-memory path gives the same bytes."""
    runs: list[str] = []
    original = streaming._streamed

    def recording(*args: Any, **options: Any) -> Any:
        try:
            made = original(*args, **options)
        except Declined:
            runs.append("declined")
            raise
        runs.append("streamed")
        return made

    monkeypatch.setattr(streaming, "_streamed", recording)
    return runs


@pytest.mark.parametrize("format", ["json", "jsonl", "csv", "junit"])
def test_the_streamed_path_is_taken_for_the_bundled_example(
    bundled: af.Framework, example: af.Portfolio, format: str, streamed_runs: list[str]
) -> None:
    # The bundled framework has organisation-scope policies (RESP-AO, CAD-ATTENTION,
    # INF-PAYMENTS; CAD-ATTENTION reads `contracts`) and exposures (the csv's money columns).
    assessment = bundled.evaluate(example, as_of=AS_OF)
    assert {f.subject.type for f in assessment.findings} >= {"contract", "person", "organisation"}
    text = streamed_text(bundled, example, format, as_of=AS_OF)
    assert text == report.render(assessment, format)
    assert streamed_runs == ["streamed"]


ORGANISATION_FRAMEWORK = """
framework: organisation-streamed
version: "1"
roles:
  - {id: accounting_officer, title: Accounting Officer}
  - {id: sro, title: SRO, reports_to: accounting_officer}
policies:
  - id: ORG-GOLD
    kind: rule
    scope: organisation
    title: Most contracts are bronze
    accountable: accounting_officer
    require: contracts.filter(c, c.tier == "bronze").map(c, c.id).size() * 2 > size(contracts)
    exposure: double(contracts.filter(c, c.tier != "bronze").size())
  - id: CON-GOLD
    kind: rule
    title: The contract is gold
    accountable: sro
    require: contract.tier == "gold"
  - id: ORG-SANCTION
    kind: sanction
    scope: organisation
    title: The organisation answers for its own failures
    accountable: accounting_officer
    action: Explain to the board
    trigger: findings.exists(f, f.status == "fail")
  - id: AO-SANCTION
    kind: sanction
    scope: person
    title: A person answers for failures they are accountable for
    accountable: sro
    action: Explain
    trigger: findings.filter(f, f.status == "fail").size() > 0
"""


def test_organisation_scope_is_streamed_after_the_contracts(
    tmp_path: Path, streamed_runs: list[str]
) -> None:
    source = tmp_path / "framework.yaml"
    source.write_text(ORGANISATION_FRAMEWORK, encoding="utf-8")
    framework = af.load_framework(source)
    portfolio = af.load_portfolio(EXAMPLE)
    assessment = framework.evaluate(portfolio, as_of=AS_OF)
    organisation = [f for f in assessment.findings if f.policy == "ORG-GOLD"]
    assert [f.status.value for f in organisation] == ["fail"]
    assert organisation[0].exposure is not None
    assert organisation[0].exposure > 0
    sanctions = {(c.policy, c.subject.id): c.status.value for c in assessment.consequences}
    assert sanctions[("ORG-SANCTION", portfolio.organisation)] == "due"
    # The Accounting Officer answers for the organisation's failure (and no contract's).
    officer = dict(portfolio.roles)["accounting_officer"]
    assert sanctions[("AO-SANCTION", officer)] == "due"
    for format in ("json", "jsonl", "csv", "junit"):
        expected = report.render(assessment, format)
        assert streamed_text(framework, portfolio, format, as_of=AS_OF) == expected
        assert streamed_text(framework, portfolio, format, as_of=AS_OF, workers=2) == expected
    assert streamed_runs == ["streamed"] * 8


@pytest.mark.parametrize("format", ["json", "jsonl", "csv", "junit"])
def test_each_streamed_format_is_the_rendered_assessment_byte_for_byte(
    bundled: af.Framework, example: af.Portfolio, format: str
) -> None:
    assessment = bundled.evaluate(example, as_of=AS_OF)
    assert streamed_text(bundled, example, format, as_of=AS_OF) == report.render(assessment, format)


def test_streamed_json_is_to_json(bundled: af.Framework, example: af.Portfolio) -> None:
    assessment = bundled.evaluate(example, as_of=AS_OF)
    assert streamed_text(bundled, example, as_of=AS_OF) == assessment.to_json() + "\n"


def test_the_summary_is_known_before_the_output_is_written(
    bundled: af.Framework, example: af.Portfolio
) -> None:
    assessment = bundled.evaluate(example, as_of=AS_OF)
    with af.stream(bundled, example, "csv", as_of=AS_OF) as streamed:
        assert streamed.summary.to_dict() == assessment.to_dict()["summary"]
        assert streamed.summary.failed_policies == {f.policy for f in assessment.failures}


def test_a_look_back_is_assessed_in_memory_with_the_same_bytes(
    bundled: af.Framework, example: af.Portfolio
) -> None:
    assessment = af.compile(bundled).evaluate(example, as_of=AS_OF, look_back="30 days")
    assert "since" in assessment.findings[0].to_dict()
    text = streamed_text(bundled, example, "json", as_of=AS_OF, look_back="30 days")
    assert text == assessment.to_json() + "\n"


def test_a_repeated_contract_id_is_assessed_in_memory_with_the_same_bytes(
    bundled: af.Framework, example: af.Portfolio
) -> None:
    first = example.contracts[0]
    repeated = attrs.evolve(example, contracts=(*example.contracts, first))
    assessment = bundled.evaluate(repeated, as_of=AS_OF)
    assert streamed_text(bundled, repeated, "jsonl", as_of=AS_OF) == report.render(
        assessment, "jsonl"
    )


def test_an_unknown_format_is_a_usage_error(bundled: af.Framework, example: af.Portfolio) -> None:
    with pytest.raises(af.UsageError, match=r"unknown streamed format 'jsn'.*did you mean 'json'"):
        af.stream(bundled, example, "jsn")


def test_bad_workers_is_a_usage_error(bundled: af.Framework, example: af.Portfolio) -> None:
    with pytest.raises(af.UsageError, match="workers must be a positive whole number"):
        af.stream(bundled, example, "json", workers=0)


# -- workers -------------------------------------------------------------------------------


def test_every_number_of_workers_gives_the_serial_bytes(
    bundled: af.Framework, example: af.Portfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = streamed_text(bundled, example, "json", as_of=AS_OF)
    # Small partitions, so that several are in flight and merged; and none judged here:
    # a pool that failed would go unnoticed (the run falls back to one process).
    monkeypatch.setattr(pool, "STREAM_SPAN", 3)

    def not_here(*args: object) -> None:
        raise AssertionError("contract-scope work ran in the parent process")

    monkeypatch.setattr(stream, "judge_contracts", not_here)
    for workers in (2, 3):
        assert streamed_text(bundled, example, "json", as_of=AS_OF, workers=workers) == serial
    assessment = bundled.evaluate(example, as_of=AS_OF)
    lines = streamed_text(bundled, example, "jsonl", as_of=AS_OF, workers=2)
    assert lines == report.render(assessment, "jsonl")
    # Each policy's counts (junit's testsuites) merged from the parts.
    junit = streamed_text(bundled, example, "junit", as_of=AS_OF, workers=2)
    assert junit == report.render(assessment, "junit")


# -- jsonl ---------------------------------------------------------------------------------


def test_jsonl_lines_are_the_findings_then_consequences_then_the_summary(
    bundled: af.Framework, example: af.Portfolio
) -> None:
    assessment = bundled.evaluate(example, as_of=AS_OF)
    records = [json.loads(line) for line in report.render(assessment, "jsonl").splitlines()]
    kinds = [record.pop("record") for record in records]
    count, consequences = len(assessment.findings), len(assessment.consequences)
    assert kinds == ["finding"] * count + ["consequence"] * consequences + ["summary"]
    document = assessment.to_dict()
    assert records[:count] == document["findings"]
    assert records[count:-1] == document["consequences"]
    summary = records[-1]
    assert summary == {
        "format": "accountframe/assessment-lines/1",
        "assessment_format": "accountframe/assessment/1",
        "framework": document["framework"],
        "portfolio": document["portfolio"],
        "as_of": "2026-11-25",
        "generated_by": document["generated_by"],
        "summary": document["summary"],
        "findings": count,
        "consequences": consequences,
        "waivers_unused": document["waivers_unused"],
    }


def test_every_jsonl_line_is_valid_against_the_line_schema(
    bundled: af.Framework, example: af.Portfolio
) -> None:
    schema = af.assessment_line_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    text = streamed_text(bundled, example, "jsonl", as_of=AS_OF)
    for line in text.splitlines():
        validator.validate(json.loads(line))
    wrong = json.loads(text.splitlines()[0]) | {"record": "findings"}
    assert not validator.is_valid(wrong)


# -- the summary accumulator ---------------------------------------------------------------


def test_summaries_of_parts_merge_into_the_summary_of_the_whole(
    bundled: af.Framework, example: af.Portfolio
) -> None:
    assessment = bundled.evaluate(example, as_of=AS_OF)
    half = len(assessment.findings) // 2
    first, second = Summary(), Summary()
    for finding in assessment.findings[:half]:
        first.add_finding(finding)
    for finding in assessment.findings[half:]:
        second.add_finding(finding)
    for consequence in assessment.consequences:
        second.add_consequence(consequence)
    first.merge(second)
    assert first.to_dict() == assessment.summary().to_dict() == assessment.to_dict()["summary"]
    assert first.to_dict()["status"]["fail"] == 34


def test_fails_at_reads_severity_and_policy() -> None:
    summary = Summary()
    summary.failures_by_severity["medium"] = 1
    summary.failed_policies.add("P")
    assert summary.fails_at(af.Severity.MEDIUM.rank)
    assert not summary.fails_at(af.Severity.HIGH.rank)
    assert summary.fails_at(None, frozenset({"P"}))
    assert not summary.fails_at(None, frozenset({"Q"}))


# -- writing -------------------------------------------------------------------------------


def test_write_chunks_leaves_the_file_as_it_was_when_the_chunks_fail(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("before")

    def failing() -> object:
        yield "half a report"
        raise RuntimeError("judging failed")

    with pytest.raises(RuntimeError, match="judging failed"):
        atomic.write_chunks(target, failing())  # type: ignore[arg-type]
    assert target.read_text() == "before"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.json"]
    atomic.write_chunks(target, ["a", "", "b"])
    assert target.read_text() == "ab"


def test_streamed_write_to_a_text_file(bundled: af.Framework, example: af.Portfolio) -> None:
    out = io.StringIO()
    with af.stream(bundled, example, "csv", as_of=AS_OF) as streamed:
        streamed.write(out)
    assert out.getvalue() == report.render(bundled.evaluate(example, as_of=AS_OF), "csv")


# -- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize("format", ["json", "jsonl", "csv"])
def test_check_writes_the_streamed_formats_to_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], format: str
) -> None:
    target = tmp_path / f"out.{format}"
    code = main(["check", "--format", format, "-o", str(target), "--workers", "2"])
    assert code == 1  # the example fails high-severity policies
    expected = report.render(
        af.evaluate(af.bundled("uk-central-government"), af.load_portfolio(EXAMPLE)), format
    )
    assert target.read_bytes() == expected.encode("utf-8")


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("never", 0), ("critical", 1), ("CAD-AO", 0), ("CAD-BOARD", 1), ("info", 1)],
)
def test_check_streamed_exit_codes_are_the_tables(
    capsys: pytest.CaptureFixture[str], fail_on: str, expected: int
) -> None:
    streamed = main(["check", "--format", "jsonl", "--fail-on", fail_on])
    table = main(["check", "--format", "table", "--fail-on", fail_on])
    capsys.readouterr()
    assert streamed == table == expected


# -- what people's sanctions read ----------------------------------------------------------


def test_equal_maps_are_kept_once_and_unequal_ones_apart() -> None:
    kept = stream.Kept(types.SimpleNamespace(keep_finding_values=True))  # type: ignore[arg-type]
    tags = ["a"]

    def made(value: object) -> dict[str, object]:
        return {"policy": "P", "status": "fail", "tags": tags, "evidence": {"days": value}}

    first = made(1)
    assert kept.interned(made(1)) is kept.interned(first)
    # Equal in Python, different to CEL: 1, 1.0 and True; 0.0 and -0.0.
    values = [1, 1.0, True, 0.0, -0.0]
    shared = [kept.interned(made(value)) for value in values]
    assert [map_["evidence"]["days"] for map_ in shared] == values  # type: ignore[index]
    assert [type(map_["evidence"]["days"]) for map_ in shared] == [int, float, bool, float, float]  # type: ignore[index]
    assert str(shared[4]["evidence"]["days"]) == "-0.0"  # type: ignore[index]
    unhashable = {"policy": "P", "evidence": {"list": [1]}}
    assert kept.interned(unhashable) is unhashable
    assert len(kept.known) == len(values)
    # Another policy's list of tags, equal or not: another map (a policy's maps share one).
    other = {"policy": "P", "status": "fail", "tags": ["a"], "evidence": {"days": 1}}
    assert kept.interned(other) is other
    # A string is not the value of another type that reads the same.
    assert kept.interned({"policy": "1"}) is not kept.interned({"policy": 1})


def test_max_bytes_sets_the_file_size_limit_of_portfolios(
    capsys: pytest.CaptureFixture[str],
) -> None:
    size = EXAMPLE.stat().st_size
    assert main(["--max-bytes", str(size - 1), "validate", str(EXAMPLE)]) == 2
    error = capsys.readouterr().err
    assert f"af-limit: the file is {size:,} bytes; the limit is {size - 1:,}" in error
    assert main(["--max-bytes", str(size), "check", str(EXAMPLE), "--format", "csv"]) == 1
    assert capsys.readouterr().out.startswith("policy,kind,")
    assert main(["--max-bytes", "0", "validate", str(EXAMPLE)]) == 2
    assert "Invalid value for '--max-bytes'" in capsys.readouterr().err


@pytest.mark.parametrize("format", ["json", "jsonl", "csv", "junit"])
def test_a_portfolio_without_findings_streams_an_empty_document(
    bundled: af.Framework, example: af.Portfolio, format: str, streamed_runs: list[str]
) -> None:
    contracts_only = bundled.extend(
        "contracts-only",
        remove=[
            (policy.id, "only contracts")
            for policy in bundled.policies
            if policy.scope is not af.Scope.CONTRACT
        ],
    )
    empty = attrs.evolve(example, contracts=())
    assessment = contracts_only.evaluate(empty, as_of=AS_OF)
    assert assessment.findings == ()
    text = streamed_text(contracts_only, empty, format, as_of=AS_OF)
    assert text == report.render(assessment, format)
    assert streamed_runs == ["streamed"]


@pytest.mark.parametrize(
    "changes",
    [{"message": None}, {"amount": "12"}, {"action": 3}],
    ids=["message", "amount", "action"],
)
def test_a_consequence_not_as_the_library_makes_it_is_written_from_its_map(
    changes: dict[str, Any],
) -> None:
    """The json text of a consequence is written from its fields; one built in Python with a
    field of another type is written as its map is (json.dumps), not refused."""
    consequence = af.Consequence(
        policy="S",
        effect="sanction",
        subject=af.Subject("contract", "C1"),
        status=af.ConsequenceStatus.DUE,
        action="review",
        accountable=af.Accountable("sro", "p-1"),
    )
    consequence = attrs.evolve(consequence, **changes)
    texts = report.streamed.STREAMED["json"][0]
    assert texts.consequence is not None
    expected = json.dumps(consequence.to_dict(), indent=2, ensure_ascii=False)
    assert texts.consequence(consequence) == expected.replace("\n", "\n    ")


# -- github and sarif: texts made per run ---------------------------------------------------

FIXTURES = ROOT / "tests" / "fixtures"
ERRORING = FIXTURES / "portfolios" / "cli-error.yaml"
CLI_FRAMEWORK = FIXTURES / "frameworks" / "cli"
FORMATS = ("github", "sarif")


def in_memory(
    compiled: af.CompiledFramework, portfolio: af.Portfolio, format: str, path: Path, **options: Any
) -> str:
    """`check --format github|sarif`'s text made from the assessment in memory."""
    assessment = compiled.evaluate(portfolio, AS_OF, **options)
    return pipelines.render_assessment(
        format, assessment, compiled.plan, af.subject_locations(str(path))
    )


@pytest.mark.parametrize("format", ["github", "sarif"])
@pytest.mark.parametrize("workers", [1, 2])
def test_github_and_sarif_are_streamed_at_their_places_for_the_bundled_example(
    bundled: af.Framework,
    example: af.Portfolio,
    format: str,
    workers: int,
    streamed_runs: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled = af.compile(bundled)
    expected = in_memory(compiled, example, format, EXAMPLE)
    if workers > 1:  # several parts merged, none judged here (see above)
        monkeypatch.setattr(pool, "STREAM_SPAN", 5)
        monkeypatch.setattr(stream, "judge_contracts", None)
    places = af.subject_locations(str(EXAMPLE))
    text = streamed_text(compiled, example, format, as_of=AS_OF, workers=workers, locations=places)
    assert text == expected
    assert streamed_runs == ["streamed"]
    # Every finding that is a result points at its subject's entry (the file as given); the
    # example has fails, warnings and waivers: every level.
    if format == "github":
        lines = text.splitlines()
        assert {line.split(" ", 1)[0] for line in lines} == {"::error", "::warning", "::notice"}
        assert all(
            line.startswith(f"::{line[2:].split(' ')[0]} file={EXAMPLE},line=") for line in lines
        )
    else:
        run = json.loads(text)["runs"][0]
        assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [
            policy.id for policy in bundled.policies
        ]
        assert run["properties"]["summary"]["fail"] == 34
        assert {result["level"] for result in run["results"]} == {"error", "warning", "note"}
        assert all("region" in r["locations"][0]["physicalLocation"] for r in run["results"])


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_finding_is_streamed_at_its_expression(
    workers: int, streamed_runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = af.compile(af.load_framework(CLI_FRAMEWORK))
    portfolio = af.load_portfolio(ERRORING)
    expected = {format: in_memory(compiled, portfolio, format, ERRORING) for format in FORMATS}
    if workers > 1:  # the workers write the text: the places pickled to them
        monkeypatch.setattr(stream, "judge_contracts", None)
    places = af.subject_locations(str(ERRORING))
    policies = CLI_FRAMEWORK / "policies.yaml"
    lines = streamed_text(
        compiled, portfolio, "github", as_of=AS_OF, workers=workers, locations=places
    )
    assert lines == expected["github"]
    broken = [line for line in lines.splitlines() if "RULE-BROKEN error" in line]
    assert broken == [
        f"::error file={_property(str(policies))},line=20,col=14,title=RULE-BROKEN error%3A "
        "C-1::contract C-1: require failed: no such member in mapping: 'missing' "
        f"(at {policies}:20:14)"
    ]
    log = streamed_text(
        compiled, portfolio, "sarif", as_of=AS_OF, workers=workers, locations=places
    )
    assert log == expected["sarif"]
    [error] = [r for r in json.loads(log)["runs"][0]["results"] if r["ruleId"] == "RULE-BROKEN"]
    assert error["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 20,
        "startColumn": 14,
    }
    assert streamed_runs == ["streamed", "streamed"]


def _property(text: str) -> str:
    return text.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")


def test_github_and_sarif_without_places_point_only_at_expressions(
    bundled: af.Framework, example: af.Portfolio, streamed_runs: list[str]
) -> None:
    compiled = af.compile(bundled)
    assessment = compiled.evaluate(example, AS_OF)
    for format in ("github", "sarif"):
        expected = pipelines.render_assessment(format, assessment, compiled.plan)
        assert streamed_text(compiled, example, format, as_of=AS_OF) == expected
    assert "file=" not in streamed_text(compiled, example, "github", as_of=AS_OF)
    assert streamed_runs == ["streamed"] * 3


def test_github_and_sarif_declined_are_made_in_memory_with_the_same_bytes(
    bundled: af.Framework, example: af.Portfolio, streamed_runs: list[str]
) -> None:
    # A repeated contract id: tried, declined, assessed in memory (a look-back is the other
    # way there, not tried: see above), with the same places.
    compiled = af.compile(bundled)
    places = af.subject_locations(str(EXAMPLE))
    repeated = attrs.evolve(example, contracts=(*example.contracts, example.contracts[0]))
    for format in ("github", "sarif"):
        text = streamed_text(compiled, repeated, format, as_of=AS_OF, locations=places)
        assert text == in_memory(compiled, repeated, format, EXAMPLE)
        assert f"file={EXAMPLE}," in text if format == "github" else str(EXAMPLE) in text
    assert streamed_runs == ["declined", "declined"]


def test_a_pass_writes_nothing_in_github_and_sarif_but_is_counted(
    bundled: af.Framework, example: af.Portfolio
) -> None:
    compiled = af.compile(bundled)
    assessment = compiled.evaluate(example, AS_OF)
    passed = next(f for f in assessment.findings if f.status is af.Status.PASS)
    failed = assessment.failures[0]
    for format in ("github", "sarif"):
        texts, _ = streamed_formats.for_run(format, compiled.plan)
        assert texts.finding(passed) == ""
        with stream.Spools(texts) as spools:
            spools.finding(0, passed)
            assert spools.summary.status["pass"] == 1
            assert "".join(spools.chunks()) == ""
            spools.finding(0, failed)
            written = "".join(spools.chunks())
        assert written == texts.finding(failed)
        assert f"contract {failed.subject.id}: {failed.message}" in written


def test_a_sarif_result_of_a_policy_the_framework_does_not_name_is_declined(
    bundled: af.Framework, example: af.Portfolio
) -> None:
    compiled = af.compile(bundled)
    failed = compiled.evaluate(example, AS_OF).failures[0]
    texts, _ = streamed_formats.for_run("sarif", compiled.plan)
    index = [policy.id for policy in bundled.policies].index(failed.policy)
    assert json.loads(texts.finding(failed)[1:])["ruleIndex"] == index
    with pytest.raises(Declined):
        texts.finding(attrs.evolve(failed, policy="NOT-A-POLICY"))
    with pytest.raises(ValueError, match="the sarif format needs the compiled framework's plan"):
        next(streamed_formats.render_in_memory(compiled.evaluate(example, AS_OF), "sarif"))


@pytest.mark.parametrize("format", ["github", "sarif"])
def test_check_streams_github_and_sarif(
    tmp_path: Path, format: str, streamed_runs: list[str]
) -> None:
    target = tmp_path / f"out.{format}"
    code = main(["check", str(EXAMPLE), "--format", format, "-o", str(target)])
    assert code == 1  # the example fails high-severity policies
    compiled = af.compile(af.bundled("uk-central-government"))
    expected = in_memory(compiled, af.load_portfolio(EXAMPLE), format, EXAMPLE)
    assert target.read_bytes() == expected.encode("utf-8")
    assert streamed_runs == ["streamed"]


# -- where subjects are written (for github and sarif) --------------------------------------


def walked(path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], Any]:
    """`subject_locations` as the position-recording walk gives them (the events not read)."""

    def declined(*args: object) -> None:
        raise Declined

    with monkeypatch.context() as patch:
        patch.setattr(locations, "_places", declined)
        return dict(af.subject_locations(path))


def places_read(path: Path) -> bool:
    """Whether the places of `path` are read from the parser's events (not walked)."""
    try:
        locations._places(path.read_text(encoding="utf-8"), 64)
    except Declined:
        return False
    return True


def test_subject_places_from_events_are_the_walks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The example as JSON (its aliases expanded), and as YAML in flow style: read from events.
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    as_json = tmp_path / "example.json"
    as_json.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    as_flow = tmp_path / "example.yaml"
    as_flow.write_text(yaml.safe_dump(json.loads(as_json.read_text()), default_flow_style=True))
    paths = [as_json, as_flow, FIXTURES / "portfolios" / "cli.yaml", ERRORING]
    for path in paths:
        assert places_read(path)
        found = af.subject_locations(path)
        assert found == walked(path, monkeypatch)
        assert len(found) > 2
    # A flow mapping's place is its brace: the first contract's, the line after `"contracts"`.
    lines = as_json.read_text(encoding="utf-8").splitlines()
    line = lines.index(' "contracts": [') + 2
    assert lines[line - 1] == "  {"
    first = af.load_portfolio(as_json).contracts[0].id
    assert af.subject_locations(as_json)["contract", first] == Location(
        file=str(as_json), line=line, column=3, path="contracts[0]"
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("aliases", EXAMPLE.read_text(encoding="utf-8")),
        ("merge key", "organisation: O\n<<: {people: []}\ncontracts:\n  - {id: C1}\n"),
        ("tagged list", "organisation: O\ncontracts: !!seq\n  - {id: C1}\n"),
        ("tagged entry", "organisation: O\ncontracts:\n  - !!map {id: C1}\n"),
        ("alias entry", "organisation: O\nx: &c {id: C0}\ncontracts:\n  - *c\n"),
        ("deep", "organisation: O\ncontracts:\n  - {id: C1, x: " + "[" * 61 + "]" * 61 + "}\n"),
    ],
)
def test_subject_places_are_walked_when_the_events_could_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str
) -> None:
    path = tmp_path / "portfolio.yaml"
    path.write_text(text, encoding="utf-8")
    assert not places_read(path)
    assert af.subject_locations(path) == walked(path, monkeypatch)
