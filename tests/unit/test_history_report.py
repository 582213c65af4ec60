"""`accountframe history` and its reports: what the outputs mean (the exact bytes are in
tests/golden/history), through `accountframe.cli.main` and the renderers."""

from __future__ import annotations

import csv
import datetime
import html.parser
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest

import accountframe as af
from accountframe.assessment import Accountable, ConsequenceStatus, Status, Subject
from accountframe.cli import main
from accountframe.report import history as history_report
from accountframe.report._spells import (
    finding_tracks,
    longest_runs,
    open_runs,
    people_days,
    since_text,
    turnover_text,
)
from accountframe.timeline.spells import ConsequenceSpell, History, Spell

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = str(ROOT / "policies" / "examples" / "ministry-of-example.yaml")
HOSTILE = str(FIXTURES / "portfolios" / "hostile.yaml")
HOSTILE_FRAMEWORK = str(FIXTURES / "frameworks" / "hostile")
YEAR = ["--from", "2025-11-26", "--to", "2026-11-25"]
DAY = datetime.date


@pytest.fixture(scope="module")
def example() -> tuple[History, af.Portfolio]:
    portfolio = af.load_portfolio(EXAMPLE)
    found = af.history(
        af.bundled("uk-central-government"),
        portfolio,
        start=DAY(2025, 11, 26),
        end=DAY(2026, 11, 25),
    )
    return found, portfolio


def _spell(
    status: Status, start: datetime.date, end: datetime.date, person: str | None = "p-1"
) -> Spell:
    names = {"p-1": "Sam", "p-2": "Kim"}
    return Spell(
        "CAD-1",
        "oversight_cadence",
        Subject("contract", "C1"),
        status,
        start,
        end,
        Accountable("sro", person, names.get(person or "")),
    )


def _history(*spells: Spell, consequences: tuple[ConsequenceSpell, ...] = ()) -> History:
    return History(
        framework="demo",
        framework_version="1",
        framework_digest="0" * 64,
        organisation="Org",
        portfolio_digest="0" * 64,
        start=DAY(2026, 1, 1),
        end=DAY(2026, 1, 31),
        generated_by="accountframe test",
        spells=spells,
        consequence_spells=consequences,
    )


# -- runs, tracks and people -------------------------------------------------------------------


def test_a_run_spans_a_change_of_accountable_person_and_names_both() -> None:
    history = _history(
        _spell(Status.PASS, DAY(2026, 1, 1), DAY(2026, 1, 4)),
        _spell(Status.FAIL, DAY(2026, 1, 5), DAY(2026, 1, 9)),
        _spell(Status.FAIL, DAY(2026, 1, 10), DAY(2026, 1, 31), "p-2"),
    )
    [track] = finding_tracks(history)
    run = track.open
    assert run is not None
    assert (run.start, run.end, run.days) == (DAY(2026, 1, 5), DAY(2026, 1, 31), 27)
    assert since_text(run, history) == "failing since 2026-01-05 (27 days)"
    assert turnover_text(run) == ("Sam (p-1), sro", "Kim (p-2), sro")
    assert track.longest == run


def test_a_run_from_the_first_day_may_be_older_and_says_so() -> None:
    history = _history(_spell(Status.WARN, DAY(2026, 1, 1), DAY(2026, 1, 31)))
    [run] = open_runs(finding_tracks(history))
    assert since_text(run, history) == "warning since 2026-01-01 or earlier (31 days or more)"
    assert turnover_text(run)[1] == "the same"


def test_only_findings_ever_fail_warn_or_error_are_tracked_and_closed_ones_are_not_open() -> None:
    passing = _history(_spell(Status.PASS, DAY(2026, 1, 1), DAY(2026, 1, 31)))
    assert finding_tracks(passing) == []
    closed = _history(
        _spell(Status.FAIL, DAY(2026, 1, 1), DAY(2026, 1, 20)),
        _spell(Status.PASS, DAY(2026, 1, 21), DAY(2026, 1, 31)),
    )
    [track] = finding_tracks(closed)
    assert track.open is None
    assert [run.days for run in longest_runs([track])] == [20]


def test_people_days_agree_with_the_history(example: tuple[History, af.Portfolio]) -> None:
    history, _ = example
    rows = people_days(history)
    assert {row.person: row.days for row in rows} == history.days_by_person(Status.FAIL)
    assert [row.days for row in rows] == sorted((row.days for row in rows), reverse=True)
    assert rows[0].label == "Sam Owner (p-sro1)"


def test_open_runs_are_worst_then_longest_first(example: tuple[History, af.Portfolio]) -> None:
    runs = open_runs(finding_tracks(example[0]))
    ranks = [{"error": 0, "fail": 1, "warn": 2}[run.status] for run in runs]
    assert ranks == sorted(ranks)
    fails = [run.days for run in runs if run.status == "fail"]
    assert fails == sorted(fails, reverse=True)
    assert all(run.end == DAY(2026, 11, 25) for run in runs)


# -- the command -------------------------------------------------------------------------------


def test_json_is_the_history_document_and_valid_against_its_schema(
    capsys: pytest.CaptureFixture[str], example: tuple[History, af.Portfolio]
) -> None:
    assert main(["history", *YEAR, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert out == example[0].to_json() + "\n"
    jsonschema.Draft202012Validator(af.history_schema()).validate(json.loads(out))


def test_schema_history_prints_a_valid_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "history"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == af.history_schema()


def test_the_schema_rejects_what_the_format_does_not_allow(
    example: tuple[History, af.Portfolio],
) -> None:
    document = example[0].to_dict()
    validator = jsonschema.Draft202012Validator(af.history_schema())
    document["spells"][0]["status"] = "due"  # a consequence status on a finding
    assert not validator.is_valid(document)
    document = example[0].to_dict()
    document["spells"][0]["days"] = 0
    assert not validator.is_valid(document)


def test_exit_3_when_a_spell_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    erroring = str(FIXTURES / "portfolios" / "cli-error.yaml")
    framework = str(FIXTURES / "frameworks" / "cli")
    assert main(["history", erroring, "-f", framework, "--from", "2026-11-01"]) == 3
    assert "in error since" in capsys.readouterr().out
    fine = str(FIXTURES / "portfolios" / "cli.yaml")
    assert main(["history", fine, "-f", framework, "--from", "2026-11-01"]) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "2026-02-30"],
            "error: --from must be a date like 2026-11-25 (got '2026-02-30')",
        ),
        (["--from", "2026-01-01", "--to", "x"], "error: --to must be a date like 2026-11-25"),
        (["--from", "2026-11-25", "--to", "2026-11-24"], "error: --from (2026-11-25) is after"),
        (["--from", "2027-01-01"], "error: --from (2027-01-01) is after the last day (2026-11-25"),
        (["--to", "2026-11-25"], "error: Missing option '--from'"),
        (["--from", "2026-01-01", "--format", "junit"], "error: Invalid value for '--format'"),
        (["nope.yaml", "--from", "2026-01-01"], "error: nope.yaml"),
    ],
    ids=["bad-from", "bad-to", "from-after-to", "from-after-as-of", "no-from", "format", "file"],
)
def test_usage_errors_exit_2_without_a_traceback(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_the_end_defaults_to_the_portfolio_as_of(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--from", "2026-11-01", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["to"] == "2026-11-25"
    assert "from 2026-11-01 to 2026-11-25 (the end from the portfolio)" in captured.err


def test_output_file_is_written_and_stdout_stays_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "history.csv"
    assert main(["history", *YEAR, "--format", "csv", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    with target.open(newline="") as written:
        assert written.read().startswith("record,policy,kind,effect,")


# -- the formats -------------------------------------------------------------------------------


def test_csv_has_a_row_per_spell_and_reads_back(example: tuple[History, af.Portfolio]) -> None:
    history, _ = example
    rows = list(csv.DictReader(io.StringIO(history_report.render(history, "csv"), newline="")))
    assert len(rows) == len(history.spells) + len(history.consequence_spells)
    findings = [row for row in rows if row["record"] == "finding"]
    assert len(findings) == len(history.spells)
    first = history.spells[0]
    assert findings[0] == {
        "record": "finding",
        "policy": first.policy,
        "kind": first.kind,
        "effect": "",
        "subject_type": "contract",
        "subject": first.subject.id,
        "status": first.status.value,
        "from": first.start.isoformat(),
        "to": first.end.isoformat(),
        "days": str(first.days),
        "accountable_role": first.accountable.role,
        "accountable_person": first.accountable.person or "",
        "accountable_name": first.accountable.name or "",
    }
    assert {row["effect"] for row in rows if row["record"] == "consequence"} <= {
        "sanction",
        "reward",
    }


@pytest.fixture(scope="module")
def hostile() -> tuple[History, af.Portfolio]:
    portfolio = af.load_portfolio(HOSTILE)
    found = af.history(
        af.load_framework(HOSTILE_FRAMEWORK),
        portfolio,
        start=DAY(2026, 5, 1),
        end=DAY(2026, 11, 25),
    )
    return found, portfolio


@pytest.mark.parametrize("format_", list(history_report.FORMATS))
def test_no_format_carries_a_control_character(
    format_: str, hostile: tuple[History, af.Portfolio]
) -> None:
    text = history_report.render(hostile[0], format_, portfolio=hostile[1])
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e]", text)
    # Shown, not dropped: as an escape, which JSON writes its own way.
    assert ("\\u001b" if format_ == "json" else "\\x1b") in text


def test_csv_cells_never_start_a_formula(hostile: tuple[History, af.Portfolio]) -> None:
    rows = list(csv.reader(io.StringIO(history_report.render(hostile[0], "csv"), newline="")))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells


def test_markdown_makes_no_link_or_element(hostile: tuple[History, af.Portfolio]) -> None:
    text = history_report.render(hostile[0], "markdown", portfolio=hostile[1])
    assert "<script" not in text
    assert "[x](" not in text
    assert "\\[x\\](javascript:alert(1)) &lt;script&gt;" in text


class _Page(html.parser.HTMLParser):
    """Collects the elements, attributes and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _parsed(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_html_is_self_contained_and_labelled(example: tuple[History, af.Portfolio]) -> None:
    history, portfolio = example
    text = history_report.render(history, "html", portfolio=portfolio)
    page = _parsed(text)
    names = [tag for tag, _ in page.tags]
    assert not {"script", "img", "link", "iframe", "object"} & set(names)
    assert not [a for _, a in page.tags if (a.get("src") or a.get("href", "#") or "#")[0] != "#"]
    assert names.count("h1") == 1
    assert {"header", "nav", "main", "footer"} <= set(names)
    assert names.count("table") == names.count("caption")
    [svg] = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "chart-timeline-title chart-timeline-desc"
    # A lane (and a label) per finding that was ever fail, warn or error.
    assert names.count("g") >= len(finding_tracks(history))
    assert text.count('<g class="lane">') == len(finding_tracks(history))
    assert len(text) < 400_000


def test_html_marks_each_change_of_accountable_person(
    example: tuple[History, af.Portfolio],
) -> None:
    history, portfolio = example
    text = history_report.render(history, "html", portfolio=portfolio)
    changes = sum(
        1
        for track in finding_tracks(history)
        for before, after in zip(track.spells, track.spells[1:], strict=False)
        if before.accountable != after.accountable
    )
    assert changes > 0
    assert text.count(": accountable from ") == changes


def test_html_escapes_hostile_text(hostile: tuple[History, af.Portfolio]) -> None:
    text = history_report.render(hostile[0], "html", portfolio=hostile[1])
    assert "<script" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert not [
        attrs for tag, attrs in _parsed(text).tags if tag == "a" and attrs["href"][0] != "#"
    ]


@pytest.mark.parametrize("format_", list(history_report.FORMATS))
def test_every_format_is_deterministic(format_: str, example: tuple[History, af.Portfolio]) -> None:
    history, portfolio = example
    again = af.history(
        af.bundled("uk-central-government"),
        af.load_portfolio(EXAMPLE),
        start=history.start,
        end=history.end,
    )
    assert history_report.render(history, format_, portfolio=portfolio) == history_report.render(
        again, format_, portfolio=portfolio
    )


def test_an_unknown_format_is_a_usage_error_with_a_suggestion() -> None:
    with pytest.raises(af.UsageError, match="did you mean 'json'"):
        history_report.render(_history(), "jsn")


def test_consequence_spells_are_tracked_when_due() -> None:
    due = ConsequenceSpell(
        "SAN-1",
        "sanction",
        Subject("person", "p-1"),
        ConsequenceStatus.DUE,
        DAY(2026, 1, 10),
        DAY(2026, 1, 31),
        Accountable("accounting_officer", "p-9", "Ada"),
    )
    text = history_report.render(_history(consequences=(due,)), "table")
    assert "SAN-1  person p-1  (sanction)" in text
    assert "now: due since 2026-01-10 (22 days)" in text
