"""`Duration`: what each written form means, calendar arithmetic at month ends and at the
calendar's ends, and how a duration is written back (framework/duration.py)."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import pytest

from accountframe.framework.duration import Duration, duration_text, param_reference

date = datetime.date


@pytest.mark.parametrize(
    ("text", "months", "days"),
    [
        ("1 day", 0, 1),
        ("30 days", 0, 30),
        ("2 weeks", 0, 14),
        ("1 week", 0, 7),
        ("1 month", 1, 0),
        ("18 months", 18, 0),
        ("1 year", 12, 0),
        ("3 years", 36, 0),
        ("  2 Weeks ", 0, 14),
        ("0 days", 0, 0),
        ("P1M", 1, 0),
        ("P1Y2M3W4D", 14, 25),
        ("P2W", 0, 14),
        ("P10D", 0, 10),
        (" P1Y ", 12, 0),
    ],
)
def test_each_written_form(text: str, months: int, days: int) -> None:
    assert Duration.parse(text) == Duration(months=months, days=days)


@pytest.mark.parametrize(
    "text", ["", "P", " P ", "1", "month", "1 fortnight", "-1 day", "1.5 days", "P1H", "1 day 2"]
)
def test_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="expected a duration like") as raised:
        Duration.parse(text)
    assert str(raised.value).endswith(f"(got {text!r})")


def test_a_non_text_is_not_a_duration() -> None:
    with pytest.raises(ValueError, match=r"\(got 30\)"):
        Duration.parse(30)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "duration", "after", "before"),
    [
        (date(2026, 1, 31), "1 month", date(2026, 2, 28), date(2025, 12, 31)),
        (date(2024, 1, 31), "1 month", date(2024, 2, 29), date(2023, 12, 31)),
        (date(2026, 3, 31), "1 month", date(2026, 4, 30), date(2026, 2, 28)),
        (date(2026, 1, 29), "1 month", date(2026, 2, 28), date(2025, 12, 29)),
        (date(2026, 1, 28), "1 month", date(2026, 2, 28), date(2025, 12, 28)),
        (date(2024, 2, 29), "1 year", date(2025, 2, 28), date(2023, 2, 28)),
        (date(2026, 11, 25), "P1M5D", date(2026, 12, 30), date(2026, 10, 20)),
        # Months first, then days: 31 January + (1 month, 1 day) is 1 March, not 3 March.
        (date(2026, 1, 31), "P1M1D", date(2026, 3, 1), date(2025, 12, 30)),
        (date(2026, 12, 15), "1 month", date(2027, 1, 15), date(2026, 11, 15)),
        (date(2026, 1, 15), "13 months", date(2027, 2, 15), date(2024, 12, 15)),
        (date(2026, 11, 25), "0 days", date(2026, 11, 25), date(2026, 11, 25)),
        (date(2026, 11, 25), "30 days", date(2026, 12, 25), date(2026, 10, 26)),
    ],
)
def test_calendar_arithmetic(start: date, duration: str, after: date, before: date) -> None:
    parsed = Duration.parse(duration)
    assert (parsed.after(start), parsed.before(start)) == (after, before)


def test_the_calendar_ends_saturate() -> None:
    start = date(2026, 11, 25)
    # Months beyond the calendar.
    assert Duration(months=12 * 9000).after(start) == date.max
    assert Duration(months=12 * 9000).before(start) == date.min
    # Days beyond it.
    assert Duration(days=10**6 * 3).after(start) == date.max
    assert Duration(days=10**6 * 3).before(start) == date.min
    # Exactly to the last and the first day: no clamping needed.
    assert Duration(days=1).after(date(9999, 12, 30)) == date.max
    assert Duration(days=1).before(date(1, 1, 2)) == date.min
    assert Duration(months=1).after(date(9999, 11, 30)) == date(9999, 12, 30)
    assert Duration(months=1).before(date(1, 2, 28)) == date(1, 1, 28)
    # One month past the last month, one before the first.
    assert Duration(months=1).after(date(9999, 12, 1)) == date.max
    assert Duration(months=1).before(date(1, 1, 31)) == date.min
    # Months that stay inside, days that go past.
    assert Duration(months=1, days=31).after(date(9999, 11, 1)) == date.max
    assert Duration(months=1, days=31).before(date(1, 2, 28)) == date.min


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (Duration(), "0 days"),
        (Duration(days=1), "1 day"),
        (Duration(days=2), "2 days"),
        (Duration(months=1), "1 month"),
        (Duration(months=2), "2 months"),
        (Duration(months=12), "1 year"),
        (Duration(months=24), "2 years"),
        (Duration(months=13), "1 year 1 month"),
        (Duration(months=26, days=1), "2 years 2 months 1 day"),
        (Duration(months=1, days=14), "1 month 14 days"),
    ],
)
def test_written_back(duration: Duration, text: str) -> None:
    assert str(duration) == text


@attrs.frozen
class Policy:
    every: Any = attrs.field(validator=duration_text)
    grace: Any = attrs.field(default=None, validator=duration_text)


def test_the_validator_accepts_a_duration_a_reference_or_an_absent_optional() -> None:
    assert Policy("1 month").every == "1 month"
    assert Policy(" params.cadence ").every == " params.cadence "
    assert Policy("1 month", None).grace is None
    with pytest.raises(ValueError, match=r"^'every' must be a duration like .*\(got None\)$"):
        Policy(None)
    with pytest.raises(ValueError, match=r"^'grace' must be a duration like .*\(got 'soon'\)$"):
        Policy("1 month", "soon")
    with pytest.raises(ValueError, match=r"^'every' must be .*\(got 'params\.'\)$"):
        Policy("params.")
    # Only the message's own word is replaced, never the text it quotes.
    with pytest.raises(ValueError, match=r"^'every' must be .*\(got 'expected expected'\)$"):
        Policy("expected expected")


def test_param_reference() -> None:
    assert param_reference("params.cadence") == "cadence"
    assert param_reference(" params._x1 ") == "_x1"
    assert param_reference("params.1x") is None
    assert param_reference("1 month") is None
    assert param_reference("params.a.b") is None
