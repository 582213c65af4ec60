"""The oversight schedule: due dates from the evaluator, statuses, repeats, UIDs, and formats.

Golden files (tests/golden/schedule/) are the bundled example as of 2026-11-25 with the
default horizon, in every format. Regenerate with
`pytest tests/unit/test_schedule.py --update-golden` and review the diff.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
import vobject

import accountframe as af
from accountframe.assessment import Status
from accountframe.evaluation.schedule import ItemStatus, Schedule
from accountframe.report import calendar as schedule_report

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "schedule"
EXAMPLE = ROOT / "policies" / "examples" / "ministry-of-example.yaml"
AS_OF = datetime.date(2026, 11, 25)
SUFFIX = {"table": "txt", "csv": "csv", "ics": "ics", "json": "json"}


@pytest.fixture(scope="module")
def bundled() -> af.Framework:
    return af.bundled("uk-central-government")


@pytest.fixture(scope="module")
def portfolio() -> af.Portfolio:
    return af.load_portfolio(EXAMPLE)


@pytest.fixture(scope="module")
def plan(bundled: af.Framework, portfolio: af.Portfolio) -> Schedule:
    return af.schedule(bundled, portfolio, as_of=AS_OF)


def framework(
    every: str = "1 month", counts_if: str = 'review.forum == "sro_review"', **cadence: object
) -> af.Framework:
    return af.Framework(
        name="demo",
        version="1",
        title="Demo",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        policies=[
            af.OversightCadence(
                id="CAD",
                title="Monthly SRO review",
                every=every,
                counts_if=counts_if,
                **cadence,  # type: ignore[arg-type]
            ),
            af.RequiredInformation(
                id="INF", title="Quarterly cost", report="cost", max_age="3 months"
            ),
            af.Rule(id="R", title="A rule is not scheduled", require="true"),
        ],
    )


def portfolio_with(*reviews: str, start: str | None = "2026-01-01") -> af.Portfolio:
    contract: dict[str, object] = {
        "id": "C1",
        "title": "Tagging",
        "stage": "live",
        "assignments": [{"role": "sro", "person": "p-sro", "start": "2026-01-01"}],
        "reviews": [{"date": date, "forum": "sro_review"} for date in reviews],
        "reports": [{"kind": "cost", "received": "2026-10-31"}],
    }
    if start:
        contract["start"] = start
    return af.Portfolio.from_dict(
        {
            "organisation": "Ministry of Example",
            "roles": {"accounting_officer": "p-ps"},
            "people": [
                {"id": "p-ps", "name": "Alex Permanent"},
                {"id": "p-sro", "name": "Sam Owner"},
            ],
            "contracts": [contract],
        }
    )


def dated(plan: Schedule, policy: str) -> list[tuple[str, str, int]]:
    return [
        (item.due.isoformat() if item.due else "", item.status.value, item.occurrence)
        for item in plan.items
        if item.policy == policy
    ]


@pytest.mark.parametrize("name", sorted(SUFFIX))
def test_golden(plan: Schedule, name: str, update_golden: bool) -> None:
    actual = schedule_report.render(plan, name).encode()
    expected = GOLDEN / f"example.{SUFFIX[name]}"
    if update_golden:
        expected.parent.mkdir(exist_ok=True)
        expected.write_bytes(actual)
    assert actual == expected.read_bytes()


@pytest.mark.parametrize("name", sorted(SUFFIX))
def test_deterministic(
    bundled: af.Framework, portfolio: af.Portfolio, plan: Schedule, name: str
) -> None:
    again = af.schedule(bundled, portfolio, as_of=AS_OF)
    assert schedule_report.render(again, name) == schedule_report.render(plan, name)


def test_first_due_dates_are_the_findings_own(
    bundled: af.Framework, portfolio: af.Portfolio, plan: Schedule
) -> None:
    """The schedule reuses evaluation: occurrence 1 is due exactly when `check`'s evidence
    says (a finding that fails on its report's content alone has no due date of its own, and
    its next report is scheduled all the same)."""
    assessment = bundled.evaluate(portfolio, as_of=AS_OF)
    firsts = {(i.policy, i.contract): i for i in plan.items if i.occurrence == 1}
    timely = [
        f
        for f in assessment.findings
        if f.kind in ("oversight_cadence", "required_information")
        and f.status is not Status.NOT_APPLICABLE
    ]
    assert len(timely) > 50
    assert any(f.due is None and f.evidence["due"] is not None for f in timely)
    for finding in timely:
        item = firsts.get((finding.policy, finding.subject.id))
        due = finding.evidence["due"]
        assert finding.due in (due, None)
        if due is not None and due > plan.until:
            assert item is None  # beyond the horizon
            continue
        assert item is not None, finding
        assert item.due == due
        assert item.finding_status is finding.status
        assert item.accountable == finding.accountable
        assert item.days_overdue == finding.evidence["days_overdue"]


def test_counts_and_order(plan: Schedule) -> None:
    assert plan.until == datetime.date(2027, 2, 25)  # three months on by default
    # CAD-RISK, a rule with a due date, has one item on each of its nine contracts.
    assert plan.counts() == {"unscheduled": 0, "overdue": 13, "due_soon": 4, "planned": 87}
    dues = [item.due for item in plan.items]
    assert all(d is not None for d in dues)
    assert dues == sorted(dues)  # type: ignore[type-var]
    for item in plan.items:
        assert item.due is not None
        assert (item.status is ItemStatus.OVERDUE) == (item.due < AS_OF)
        assert item.due <= plan.until or item.status is ItemStatus.OVERDUE
    assert len({item.uid for item in plan.items}) == len(plan.items)


def test_forum_and_report_kind(plan: Schedule) -> None:
    what = {(i.policy, i.contract): (i.kind, i.what) for i in plan.items}
    assert what[("CAD-GOLD-SRO", "EM-001")] == ("review", "sro_review")
    assert what[("CAD-BOARD", "IT-003")] == ("review", "board")
    assert what[("INF-BILLING", "IT-003")] == ("report", "billing")
    # IT-003 never had a KPI regime review: the forum that counted on other contracts
    assert what[("CAD-KPI-REGIME", "IT-003")] == ("review", "kpi_regime_review")


def test_repeats_monthly_up_to_until_inclusive() -> None:
    plan = af.schedule(
        framework(warn_before="7 days"),
        portfolio_with("2026-11-10"),
        as_of=AS_OF,
        until=datetime.date(2027, 2, 10),
    )
    assert dated(plan, "CAD") == [
        ("2026-12-10", "planned", 1),
        ("2027-01-10", "planned", 2),
        ("2027-02-10", "planned", 3),
    ]
    assert dated(plan, "INF") == [("2027-01-31", "planned", 1)]
    assert dated(plan, "R") == []  # rules have no due dates


@pytest.mark.parametrize(
    ("warn_before", "review", "expected"),
    [
        pytest.param("0 days", "2026-11-08", "due_soon", id="14-day default: due in 13 days"),
        pytest.param("0 days", "2026-11-09", "planned", id="14-day default: due in 14 days"),
        pytest.param("0 days", "2026-10-25", "due_soon", id="14-day default: due today"),
        pytest.param("7 days", "2026-11-01", "due_soon", id="warn_before: due in 6 days"),
        pytest.param("7 days", "2026-11-02", "planned", id="warn_before: due in 7 days"),
        pytest.param("7 days", "2026-10-25", "due_soon", id="due today"),
        pytest.param("7 days", "2026-10-24", "overdue", id="a day late"),
    ],
)
def test_due_soon_window(warn_before: str, review: str, expected: str) -> None:
    plan = af.schedule(framework(warn_before=warn_before), portfolio_with(review), as_of=AS_OF)
    assert dated(plan, "CAD")[0][1] == expected


def test_window_matches_when_check_warns() -> None:
    """With warn_before, due_soon is exactly when the finding is `warn` before its due date."""
    fw = framework(warn_before="7 days")
    for day in range(1, 30):
        review = f"2026-10-{day:02d}"
        finding = fw.evaluate(portfolio_with(review), as_of=AS_OF).findings[0]
        item = next(
            i
            for i in af.schedule(fw, portfolio_with(review), as_of=AS_OF).items
            if i.policy == "CAD"
        )
        assert (item.status is ItemStatus.DUE_SOON) == (finding.status is Status.WARN), review


def test_an_overdue_one_is_assumed_met_on_as_of() -> None:
    plan = af.schedule(
        framework(), portfolio_with("2026-09-01"), as_of=AS_OF, until=datetime.date(2027, 1, 31)
    )
    assert dated(plan, "CAD") == [
        ("2026-10-01", "overdue", 1),
        ("2026-12-25", "planned", 2),
        ("2027-01-25", "planned", 3),
    ]
    assert plan.items[0].days_overdue == 55


def test_unscheduled_when_no_due_date_can_be_worked_out() -> None:
    broken = af.Framework(
        name="demo",
        version="1",
        title="Demo",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        policies=[
            af.OversightCadence(
                id="CAD", title="t", every="1 month", counts_if="int(review.forum) == 1"
            ),
        ],
    )
    plan = af.schedule(broken, portfolio_with("2026-11-10"), as_of=AS_OF)
    (item,) = plan.items
    assert (item.status, item.due, item.finding_status) == (
        ItemStatus.UNSCHEDULED,
        None,
        Status.ERROR,
    )
    assert "counts_if failed" in item.message
    no_start = af.schedule(framework(), portfolio_with(start=None), as_of=AS_OF)
    assert dated(no_start, "CAD") == [("", "unscheduled", 1)]
    assert "no review on record and no contract start date" in no_start.items[0].message
    text = schedule_report.render(no_start, "table")
    assert "  no date     unscheduled" in text
    ics = icalendar.Calendar.from_ical(schedule_report.render(no_start, "ics"))
    assert [e["UID"] for e in ics.walk("VEVENT")] == [i.uid for i in no_start.items if i.due]


def test_uids_survive_a_review_so_calendars_update() -> None:
    fw = framework()
    before = af.schedule(fw, portfolio_with("2026-11-10"), as_of=AS_OF)
    after = af.schedule(fw, portfolio_with("2026-11-10", "2026-11-20"), as_of=AS_OF)
    first_before = next(i for i in before.items if i.policy == "CAD")
    first_after = next(i for i in after.items if i.policy == "CAD")
    assert first_before.due != first_after.due
    assert first_before.uid == first_after.uid
    other = af.schedule(fw, portfolio_with("2026-11-10"), as_of=AS_OF)
    assert [i.uid for i in other.items] == [i.uid for i in before.items]


def test_until_before_as_of_is_a_usage_error() -> None:
    with pytest.raises(af.UsageError, match=r"until \(2026-11-24\) is before as_of \(2026-11-25\)"):
        af.schedule(framework(), portfolio_with(), as_of=AS_OF, until=datetime.date(2026, 11, 24))


LAST_DAY = datetime.date.max  # 9999-12-31
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("as_of", "until", "expected"),
    [
        # An overdue one is assumed met on as_of; a month later is past the end: the last day.
        pytest.param(
            LAST_DAY,
            LAST_DAY,
            [("9999-11-10", "overdue", 1), ("9999-12-31", "due_soon", 2)],
            id="as_of on the last day",
        ),
        pytest.param(
            datetime.date(9999, 10, 15),
            LAST_DAY,
            [
                ("9999-11-10", "planned", 1),
                ("9999-12-10", "planned", 2),
                ("9999-12-31", "planned", 3),
            ],
            id="until the last day",
        ),
        pytest.param(
            datetime.date(9999, 12, 20),
            None,  # the default horizon saturates at the last day
            [("9999-11-10", "overdue", 1), ("9999-12-31", "due_soon", 2)],
            id="default horizon past the end",
        ),
    ],
)
def test_repeats_end_at_the_calendars_end(
    as_of: datetime.date, until: datetime.date | None, expected: list[tuple[str, str, int]]
) -> None:
    """Each next due date is later than the last or the repeat stops: the calendar ends."""
    reviews = portfolio_with("9999-10-10")
    plan = af.schedule(framework(), reviews, as_of=as_of, until=until)
    assert plan.until == (until or LAST_DAY)
    assert dated(plan, "CAD") == expected


def test_a_daily_cadence_on_the_last_day_is_listed_once() -> None:
    plan = af.schedule(
        framework(every="1 day"), portfolio_with("9999-12-30"), as_of=LAST_DAY, until=LAST_DAY
    )
    assert dated(plan, "CAD") == [("9999-12-31", "due_soon", 1)]


def test_too_many_occurrences_up_to_until_is_a_usage_error() -> None:
    fw = framework(every="1 day")
    message = (
        r"the schedule would list more than 1,000 occurrences of CAD for C1 \(every 1 day\) "
        r"up to 9999-12-31; choose an earlier until"
    )
    with pytest.raises(af.UsageError, match=message):
        af.schedule(fw, portfolio_with("2026-11-10"), as_of=AS_OF, until=LAST_DAY)
    # The overdue one, then one a day from as_of: the 1,000th is due 999 days after as_of.
    until = AS_OF + datetime.timedelta(days=999)
    plan = af.schedule(fw, portfolio_with("2026-11-10"), as_of=AS_OF, until=until)
    assert [occurrence for *_, occurrence in dated(plan, "CAD")] == list(range(1, 1001))
    assert dated(plan, "CAD")[-1][0] == until.isoformat()
    with pytest.raises(af.UsageError, match="more than 1,000 occurrences of CAD"):
        af.schedule(fw, portfolio_with("2026-11-10"), as_of=AS_OF, until=until + DAY)


def test_ics_on_the_calendars_last_day_has_no_day_after() -> None:
    plan = af.schedule(framework(), portfolio_with("9999-10-10"), as_of=LAST_DAY)
    text = schedule_report.render(plan, "ics")
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    last = [event for event in events if event.decoded("dtstart") == LAST_DAY]
    # The review and the report due on the last day, and the two overdue ones placed there.
    assert len(last) == 4
    assert len([event for event in last if str(event["SUMMARY"]).startswith("OVERDUE")]) == 2
    assert all("DTEND" not in event for event in last)
    assert len(list(vobject.readComponents(text))) == 1


@pytest.mark.parametrize(
    ("as_of", "sequence"),
    [
        (datetime.date(1999, 6, 1), 0),
        (datetime.date(2000, 1, 1), 0),
        (datetime.date(2000, 1, 3), 2),
    ],
)
def test_ics_sequence_counts_days_from_2000_and_is_never_negative(
    as_of: datetime.date, sequence: int
) -> None:
    plan = af.schedule(
        framework(), portfolio_with(as_of.isoformat(), start=as_of.isoformat()), as_of=as_of
    )
    events = icalendar.Calendar.from_ical(schedule_report.render(plan, "ics")).walk("VEVENT")
    assert events
    assert {event.decoded("sequence") for event in events} == {sequence}


def test_to_dict(plan: Schedule) -> None:
    document = plan.to_dict()
    assert document["format"] == "accountframe/schedule/1"
    assert document["summary"] == plan.counts()
    first = document["items"][0]
    assert (first["due"], first["status"]) == ("2021-08-01", "overdue")
    assert first["accountable"] == {"role": "sro", "person": "p-sro1", "name": "Sam Owner"}


def test_ics_parses_back_with_icalendar(plan: Schedule) -> None:
    text = schedule_report.render(plan, "ics")
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]).startswith("-//accountframe//")
    events = calendar.walk("VEVENT")
    assert len(events) == len(plan.items)
    for event, item in zip(events, plan.items, strict=True):
        assert str(event["UID"]) == item.uid
        # An overdue item is on the schedule's date, where it is seen (issue 24, problem 8).
        day = AS_OF if item.status is ItemStatus.OVERDUE else item.due
        assert event.decoded("DTSTART") == day
        assert event.decoded("DTEND") == day + datetime.timedelta(days=1)  # type: ignore[operator]
        assert event.decoded("DTSTAMP") == datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC)
        assert item.contract in str(event["SUMMARY"])
        assert item.policy_title in str(event["DESCRIPTION"])


def test_ics_parses_back_with_vobject(plan: Schedule) -> None:
    """A second, independent parser (vobject) reads the same events."""
    calendar = vobject.readOne(schedule_report.render(plan, "ics"))
    events = calendar.vevent_list
    assert [e.uid.value for e in events] == [i.uid for i in plan.items]
    assert [e.dtstart.value for e in events] == [
        AS_OF if i.status is ItemStatus.OVERDUE else i.due for i in plan.items
    ]
    overdue = [e.summary.value for e in events if e.summary.value.startswith("OVERDUE")]
    assert len(overdue) == plan.counts()["overdue"]
    assert overdue[0] == (
        "OVERDUE by 1942 days (due 2021-08-01): resolution_planning report for ESC-012 "
        "(INF-RESOLUTION)"
    )


def test_overdue_items_are_on_the_as_of_date_with_how_overdue(plan: Schedule) -> None:
    """Problem 8: overdue events sat on their old due dates (2023), out of sight."""
    calendar = icalendar.Calendar.from_ical(schedule_report.render(plan, "ics"))
    by_uid = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    overdue = [item for item in plan.items if item.status is ItemStatus.OVERDUE]
    assert len(overdue) == 13
    for item in overdue:
        event = by_uid[item.uid]
        assert event.decoded("DTSTART") == AS_OF
        days = item.days_overdue
        assert str(event["SUMMARY"]).startswith(
            f"OVERDUE by {days} day{'s' * (days != 1)} (due {item.due})"
        )


def test_rules_with_a_due_date_are_scheduled(plan: Schedule) -> None:
    """Problem 8: CAD-RISK, a rule about reviews, never appeared."""
    risk = [item for item in plan.items if item.policy == "CAD-RISK"]
    assert [(item.contract, str(item.due), item.status.value) for item in risk] == [
        ("IT-003", "2026-09-01", "overdue"),
        ("TRN-005", "2026-12-01", "due_soon"),
        ("ESC-012", "2026-12-10", "planned"),
        ("TEL-011", "2026-12-20", "planned"),
        ("EM-001", "2027-01-01", "planned"),
        ("FAC-004", "2027-01-01", "planned"),
        ("DATA-007", "2027-01-01", "planned"),
        ("PRB-013", "2027-01-15", "planned"),
        ("PR-002", "2027-01-20", "planned"),
    ]
    assert {(item.kind, item.what, item.occurrence) for item in risk} == {
        ("rule", "The risk register of each live major contract is reviewed every 3 months", 1)
    }


def test_a_rule_is_listed_once_at_its_due_date() -> None:
    fw = af.Framework(
        name="demo",
        version="1",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        policies=[
            af.Rule(
                id="R",
                title="Risk review quarterly",
                require="true",
                due="add_months(contract.start, 3)",
            ),
            af.Rule(id="P", title="Person scope", scope="person", require="true", due="now"),
        ],
    )
    plan = af.schedule(fw, portfolio_with(), as_of=AS_OF, until=datetime.date(2030, 1, 1))
    assert [(i.policy, str(i.due), i.status.value, i.what) for i in plan.items] == [
        ("R", "2026-04-01", "overdue", "Risk review quarterly")
    ]
    assessment = fw.evaluate(portfolio_with(), as_of=AS_OF)
    finding = assessment.findings[0]
    assert finding.due == datetime.date(2026, 4, 1)
    assert finding.evidence == {"due": datetime.date(2026, 4, 1), "days_overdue": 238}


def test_a_rules_due_that_errors_fails_closed() -> None:
    fw = af.Framework(
        name="demo",
        version="1",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        policies=[af.Rule(id="R", title="t", require="true", due="contract.end")],
    )
    finding = fw.evaluate(portfolio_with(), as_of=AS_OF).findings[0]
    assert finding.status is Status.ERROR
    assert finding.message.startswith("due failed: ")
    (item,) = af.schedule(fw, portfolio_with(), as_of=AS_OF).items
    assert item.status is ItemStatus.UNSCHEDULED


@pytest.mark.parametrize(
    ("counts_if", "what"),
    [
        ('review.forum == "sro_review"', "sro_review"),
        ("review.forum in ['board', 'executive_committee']", "board"),
        ('review.chair == "p-ao"', "Monthly SRO review"),
    ],
)
def test_no_empty_names(counts_if: str, what: str) -> None:
    """Problem 8: with no review on record anywhere, the forum was empty ("review")."""
    plan = af.schedule(framework(counts_if=counts_if), portfolio_with(), as_of=AS_OF)
    assert {item.what for item in plan.items if item.policy == "CAD"} == {what}


def test_ics_lines_follow_rfc_5545(plan: Schedule) -> None:
    raw = schedule_report.render(plan, "ics").encode()
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75  # octets, folded beyond
    unfolded: list[bytes] = []
    for line in lines:
        if line.startswith((b" ", b"\t")):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    assert (unfolded[0], unfolded[-1]) == (b"BEGIN:VCALENDAR", b"END:VCALENDAR")
    assert unfolded.count(b"BEGIN:VEVENT") == unfolded.count(b"END:VEVENT") == len(plan.items)
    for line in unfolded:
        assert b":" in line, line


def test_missing_icalendar_is_a_usage_error(
    plan: Schedule, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)
    with pytest.raises(af.UsageError, match=r"pip install 'accountframe\[ics\]'"):
        schedule_report.render(plan, "ics")


def test_unknown_format_is_a_usage_error(plan: Schedule) -> None:
    with pytest.raises(af.UsageError, match=r"unknown schedule format 'csvv'.*did you mean 'csv'"):
        schedule_report.render(plan, "csvv")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "accountframe", "schedule", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_cli_defaults_to_the_bundled_example_and_says_so() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "framework: uk-central-government 2027.1; portfolio: bundled example "
        "(ministry-of-example.yaml); from 2026-11-25 (from the portfolio) to 2027-02-25\n"
    )
    assert result.stdout == (GOLDEN / "example.txt").read_text()


def test_cli_writes_ics_atomically(tmp_path: Path) -> None:
    target = tmp_path / "oversight.ics"
    target.write_text("an older calendar\n")
    result = run(str(EXAMPLE), "--as-of", "2026-11-25", "--format", "ics", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_bytes() == (GOLDEN / "example.ics").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--until", "2027-02-30"],
            "error: --until must be a date like 2026-11-25 (got '2027-02-30')",
            id="bad until",
        ),
        pytest.param(
            ["--until", "2026-01-01"],
            "error: until (2026-01-01) is before as_of (2026-11-25)",
            id="until too early",
        ),
        pytest.param(
            ["--as-of", "25/11/2026"],
            "error: --as-of must be a date like 2026-11-25 (got '25/11/2026')",
            id="bad as-of",
        ),
        pytest.param(
            ["--format", "ical"],
            "error: Invalid value for '--format': 'ical' is not one of 'table', 'csv', 'ics', 'json'.",
            id="bad format",
        ),
        pytest.param(
            ["no-such.yaml"], "error: no-such.yaml: 1 problem found", id="missing portfolio"
        ),
        pytest.param(
            ["--until", "9999-12-31"],
            "error: the schedule would list more than 1,000 occurrences of CAD-GOLD-SRO for "
            "EM-001 (every 1 month) up to 9999-12-31; choose an earlier until",
            id="until the calendar's end",
        ),
    ],
)
def test_cli_bad_input_exits_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == message
    assert "Traceback" not in result.stderr
