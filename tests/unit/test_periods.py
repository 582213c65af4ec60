"""Fixed-period deadlines (issue 23): `periods: {ends, within}` in place of `every`/`max_age`.

Boundary tables for the due arithmetic (the due day and the day after, the `warn_before` and
`grace` boundaries, an event on a period end, the year's wrap, leap years), the validation of
`periods` with its messages, and the schedule, explain and the command line over it.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import accountframe as af
from accountframe.assessment import Finding, Status
from accountframe.cli import main
from accountframe.framework.periods import Periods
from accountframe.framework.policies import OversightCadence, Policy, RequiredInformation

D = datetime.date
HALF_YEARS = {"ends": ["03-31", "09-30"], "within": "30 days"}


def framework(*policies: Policy) -> af.Framework:
    return af.Framework(
        name="t",
        version="1",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        params={"window": "2 weeks"},
        policies=list(policies),
    )


def portfolio(**contract: Any) -> af.Portfolio:
    return af.Portfolio.from_dict(
        {
            "organisation": "Test",
            "roles": {"accounting_officer": "p-ao"},
            "people": [{"id": "p-ao", "name": "Ada Officer"}],
            "contracts": [{"id": "C1", "title": "One", "stage": "live", **contract}],
        }
    )


def cadence(**fields: Any) -> OversightCadence:
    return OversightCadence(id="P", title="t", **{"periods": HALF_YEARS, **fields})


def only(policy: Policy, as_of: D, **contract: Any) -> Finding:
    (finding,) = framework(policy).evaluate(portfolio(**contract), as_of=as_of).findings
    return finding


def reviews(*days: str) -> list[dict[str, str]]:
    return [{"date": day, "forum": "sro_review"} for day in days]


# -- the period end a base falls in ---------------------------------------------------------


@pytest.mark.parametrize(
    ("ends", "base", "period_end"),
    [
        pytest.param(["03-31", "09-30"], D(2026, 3, 30), D(2026, 3, 31), id="the day before"),
        pytest.param(["03-31", "09-30"], D(2026, 3, 31), D(2026, 9, 30), id="on a period end"),
        pytest.param(["03-31", "09-30"], D(2026, 4, 1), D(2026, 9, 30), id="the day after"),
        pytest.param(["03-31", "09-30"], D(2026, 10, 1), D(2027, 3, 31), id="year wrap Oct-Mar"),
        pytest.param(["03-31", "09-30"], D(2026, 12, 31), D(2027, 3, 31), id="year wrap Dec"),
        pytest.param(["09-30", "03-31"], D(2026, 1, 1), D(2026, 3, 31), id="listed out of order"),
        pytest.param(["12-31"], D(2026, 12, 31), D(2027, 12, 31), id="the year's last day"),
        pytest.param(["01-01"], D(2026, 1, 1), D(2027, 1, 1), id="the year's first day"),
        pytest.param(["02-28"], D(2024, 2, 28), D(2025, 2, 28), id="leap year, on 28 Feb"),
        pytest.param(["02-28"], D(2024, 2, 29), D(2025, 2, 28), id="leap day"),
        pytest.param(["03-01"], D(2024, 2, 29), D(2024, 3, 1), id="leap day, then 1 Mar"),
        pytest.param(["12-31"], D(9999, 12, 31), D.max, id="the calendar's end"),
    ],
)
def test_the_period_end_is_the_first_strictly_after_base(
    ends: list[str], base: D, period_end: D
) -> None:
    assert Periods(ends=ends, within="0 days").period_end_after(base) == period_end


# -- status boundaries: due = period end + within ---------------------------------------------

# The last review on 2026-02-10: the period ends 2026-03-31, due 2026-04-30.
LAST = "2026-02-10"


@pytest.mark.parametrize(
    ("fields", "as_of", "status"),
    [
        pytest.param({}, D(2026, 4, 30), Status.PASS, id="due day, no warning: pass"),
        pytest.param({}, D(2026, 5, 1), Status.FAIL, id="due + 1, no grace: fail"),
        pytest.param({"warn_before": "7 days"}, D(2026, 4, 23), Status.PASS, id="due - 7: pass"),
        pytest.param({"warn_before": "7 days"}, D(2026, 4, 24), Status.WARN, id="due - 6: warn"),
        pytest.param({"warn_before": "7 days"}, D(2026, 4, 30), Status.WARN, id="due: warn"),
        pytest.param({"grace": "5 days"}, D(2026, 5, 5), Status.WARN, id="due + grace: warn"),
        pytest.param({"grace": "5 days"}, D(2026, 5, 6), Status.FAIL, id="due + grace + 1: fail"),
    ],
)
def test_status_boundaries(fields: dict[str, str], as_of: D, status: Status) -> None:
    found = only(cadence(**fields), as_of, start="2025-01-01", reviews=reviews(LAST))
    assert found.status is status
    assert found.due == D(2026, 4, 30)
    assert found.evidence == {
        "last": D(2026, 2, 10),
        "period_end": D(2026, 3, 31),
        "due": D(2026, 4, 30),
        "days_overdue": max(0, (as_of - D(2026, 4, 30)).days),
        "qualifying": 1,
    }


def test_an_event_on_a_period_end_counts_for_the_period_that_ends_that_day() -> None:
    on_the_day = only(cadence(), D(2026, 5, 15), start="2025-01-01", reviews=reviews("2026-03-31"))
    assert (on_the_day.status, on_the_day.due) == (Status.PASS, D(2026, 10, 30))
    day_before = only(cadence(), D(2026, 5, 15), start="2025-01-01", reviews=reviews("2026-03-30"))
    assert (day_before.status, day_before.due) == (Status.FAIL, D(2026, 4, 30))
    assert day_before.message == (
        "last review on 2026-03-30; period ending 2026-03-31; was due on 2026-04-30, "
        "15 days overdue"
    )


def test_within_in_months_is_calendar_arithmetic_across_leap_years() -> None:
    policy = cadence(periods={"ends": ["01-31"], "within": "1 month"})
    leap = only(policy, D(2024, 2, 29), start="2023-06-01")
    assert (leap.status, leap.due) == (Status.PASS, D(2024, 2, 29))
    common = only(policy, D(2025, 3, 1), start="2024-06-01")
    assert (common.status, common.due) == (Status.FAIL, D(2025, 2, 28))


def test_a_within_from_params_is_resolved() -> None:
    policy = cadence(periods={"ends": ["06-30"], "within": "params.window"})
    found = only(policy, D(2026, 7, 14), start="2026-01-01")
    assert (found.status, found.due) == (Status.PASS, D(2026, 7, 14))


def test_an_event_before_the_start_does_not_move_base_before_it() -> None:
    found = only(cadence(), D(2026, 5, 1), start="2026-04-01", reviews=reviews("2025-01-01"))
    assert found.evidence["period_end"] == D(2026, 9, 30)
    assert (found.status, found.due) == (Status.PASS, D(2026, 10, 30))


def test_no_event_and_no_start_fails_with_no_due_date() -> None:
    found = only(cadence(), D(2026, 5, 1))
    assert (found.status, found.due) == (Status.FAIL, None)
    assert found.evidence["period_end"] is None
    assert found.message == "no review on record and no contract start date"


def test_required_information_with_periods() -> None:
    policy = RequiredInformation(
        id="P", title="t", report="notice", periods={"ends": ["12-31"], "within": "1 month"}
    )
    reports = [
        {"kind": "notice", "received": "2025-01-20"},
        {"kind": "other", "received": "2026-01-02"},
    ]
    found = only(policy, D(2026, 2, 1), start="2020-01-01", reports=reports)
    assert (found.status, found.due) == (Status.FAIL, D(2026, 1, 31))
    assert found.evidence == {
        "last_received": D(2025, 1, 20),
        "period_end": D(2025, 12, 31),
        "due": D(2026, 1, 31),
        "days_overdue": 1,
        "failed_check": "freshness",
    }


def test_a_rolling_policy_has_no_period_end_in_its_evidence() -> None:
    found = only(cadence(periods=None, every="1 month"), D(2026, 3, 1), start="2026-01-01")
    assert "period_end" not in found.evidence


# -- validation ---------------------------------------------------------------------------

INVALID = [
    pytest.param({"ends": ["02-29"], "within": "1 day"},
                 "'ends' may not hold '02-29', which most years lack; use '02-28' for the end "
                 "of February", id="29 February"),
    pytest.param({"ends": ["13-01"], "within": "1 day"},
                 "'ends' holds '13-01', which is no day of the year", id="month 13"),
    pytest.param({"ends": ["04-31"], "within": "1 day"},
                 "'ends' holds '04-31', which is no day of the year", id="31 April"),
    pytest.param({"ends": ["3-31"], "within": "1 day"},
                 "'ends' must list period ends like '03-31' (MM-DD) (got '3-31')", id="M-DD"),
    pytest.param({"ends": ["03-31", "09-30", "03-31"], "within": "1 day"},
                 "'ends' lists '03-31' twice", id="duplicate"),
    pytest.param({"ends": [], "within": "1 day"},
                 "'ends' must name at least one period end, like '03-31'", id="no ends"),
    pytest.param({"ends": "03-31", "within": "1 day"},
                 "'ends' must be a list of period ends like '03-31' (got '03-31')", id="not a list"),
    pytest.param({"ends": ["03-31"], "within": "-1 days"},
                 "'within' must be a duration like '30 days', '2 weeks', '1 month', '1 year' or "
                 "'P1M' (got '-1 days')", id="negative within"),
    pytest.param({"ends": ["03-31"]}, "'periods' needs 'within'", id="no within"),
    pytest.param({"ends": ["03-31"], "within": "1 day", "end": 1},
                 "'periods' has unknown key 'end'; expected ends and within", id="unknown key"),
    pytest.param("03-31", "'periods' must be a mapping like {ends: ['03-31'], within: 30 days} "
                 "(got '03-31')", id="not a mapping"),
]  # fmt: skip


@pytest.mark.parametrize(("periods", "message"), INVALID)
def test_invalid_periods_say_what_was_expected(periods: Any, message: str) -> None:
    with pytest.raises(ValueError, match=r"'(ends|within|periods)'") as raised:
        cadence(periods=periods)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        pytest.param({"every": "1 month"}, "both", id="both"),
        pytest.param({"periods": None}, "neither", id="neither"),
    ],
)
def test_exactly_one_of_the_rolling_duration_and_periods(fields: dict[str, Any], said: str) -> None:
    with pytest.raises(ValueError, match="exactly one of") as raised:
        cadence(**fields)
    assert str(raised.value) == (
        "give exactly one of 'every' (a rolling period) and 'periods' (fixed period ends) "
        f"(got {said})"
    )
    with pytest.raises(ValueError, match="exactly one of") as information:
        RequiredInformation(id="P", title="t", report="r", max_age="1 day", periods=HALF_YEARS)
    assert "exactly one of 'max_age' (a rolling period) and 'periods'" in str(information.value)


def test_an_override_can_switch_a_policy_to_fixed_periods() -> None:
    base = framework(OversightCadence(id="P", title="t", every="1 month"))
    mine = base.extend("mine", override={"P": {"every": None, "periods": HALF_YEARS}})
    policy = mine.policy("P")
    assert isinstance(policy, OversightCadence)
    assert (policy.every, policy.periods) == (
        None,
        Periods(ends=["03-31", "09-30"], within="30 days"),
    )
    with pytest.raises(af.UsageError) as raised:
        base.extend("mine", override={"P": {"periods": HALF_YEARS}})
    assert "(got both)" in str(raised.value)


def test_an_unknown_parameter_in_within_is_a_compile_error() -> None:
    policy = cadence(periods={"ends": ["03-31"], "within": "params.nope"})
    with pytest.raises(af.FrameworkError) as raised:
        af.compile(framework(policy))
    assert "P.periods.within: af-reference: unknown parameter 'nope'" in str(raised.value)


# -- schedule, explain, the command line --------------------------------------------------


def test_the_schedule_lists_each_period_s_due_date() -> None:
    plan = af.schedule(
        framework(cadence()),
        portfolio(start="2025-01-01", reviews=reviews(LAST)),
        as_of=D(2026, 5, 10),
        until=D(2027, 12, 31),
    )
    assert [(item.due, item.status.value) for item in plan.items] == [
        (D(2026, 4, 30), "overdue"),
        # The overdue one assumed met on as_of (2026-05-10): the period ending 2026-09-30.
        (D(2026, 10, 30), "planned"),
        (D(2027, 4, 30), "planned"),
        (D(2027, 10, 30), "planned"),
    ]


def test_explain_shows_the_period_end_and_the_due_date() -> None:
    explanation = af.explain(
        framework(cadence()),
        portfolio(start="2025-01-01", reviews=reviews(LAST)),
        "P",
        "C1",
        as_of=D(2026, 5, 1),
    )
    text = explanation.render()
    assert "  period end: 2026-03-31  (the first period end after base)\n" in text
    assert "  due: 2026-04-30  (period end + 30 days)\n" in text
    assert "result: fail" in text


def test_the_command_line_checks_and_lints_a_fixed_period_framework(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = Path(__file__).resolve().parents[1] / "golden" / "evaluate" / "fixed-periods"
    assert main(["lint", str(folder / "framework")]) == 0
    capsys.readouterr()
    code = main(
        ["check", str(folder / "portfolio.yaml"), "-f", str(folder / "framework"),
         "--format", "csv", "--fail-on", "never"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "CAD-HALF-YEAR,oversight_cadence,contract,C03-a-year-ago,fail" in out
    bad = tmp_path / "fw"
    bad.mkdir()
    (bad / "framework.yaml").write_text(
        'framework: fw\nversion: "1"\npolicies:\n'
        "  - {id: C, kind: oversight_cadence, title: T, periods: {ends: ['02-29'], within: 1 day}}\n"
    )
    assert main(["lint", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "af-value: C.periods (policies[0]): 'ends' may not hold '02-29'" in err
    assert "Traceback" not in err


def test_the_framework_schema_takes_periods_in_place_of_every() -> None:
    validator = jsonschema.Draft202012Validator(af.framework_schema())
    policy = {"id": "C", "kind": "oversight_cadence", "title": "T"}
    fixed = {**policy, "periods": {"ends": ["03-31", "09-30"], "within": "30 days"}}
    assert list(validator.iter_errors({"policies": [fixed]})) == []
    assert list(validator.iter_errors({"policies": [{**policy, "every": "1 month"}]})) == []
    for invalid in (
        policy,  # neither
        {**fixed, "every": "1 month"},  # both
        {**policy, "periods": {"ends": ["3-31"], "within": "1 day"}},
        {**policy, "periods": {"ends": ["03-31", "03-31"], "within": "1 day"}},
        {**policy, "periods": {"ends": [], "within": "1 day"}},
        {**policy, "periods": {"ends": ["03-31"]}},
    ):
        assert list(validator.iter_errors({"policies": [invalid]})) != [], invalid
