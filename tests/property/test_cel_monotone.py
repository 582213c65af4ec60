"""`cel.direction`: an expression said to move one way as the date advances does (the history
engine relies on it to find by bisection the day a condition changes).

Generated expressions over `now`, constant dates and lists of dates (comparisons, date
arithmetic, `!`, `&&`, `||`, `exists`, `all`, `filter(...).size()`) are evaluated on every day
of a period: when `direction` says `up`, the values never decrease (false before true); `down`,
never increase; `constant`, never change.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accountframe import cel

DATES = {
    "t1": datetime.date(2026, 3, 1),
    "t2": datetime.date(2026, 4, 15),
    "ts": [datetime.date(2026, 2, 1), datetime.date(2026, 3, 20), datetime.date(2026, 5, 2)],
}
MOMENTS = st.sampled_from(
    ["now", "t1", "t2", "add_months(now, -1)", "add_months(t1, 2)", 'now - duration("240h")',
     'portfolio.as_of + duration("48h")']
)  # fmt: skip
ORDER = st.sampled_from(["<", "<=", ">", ">="])


@st.composite
def conditions(draw: st.DrawFn, depth: int = 2) -> str:
    shape = draw(
        st.sampled_from(["compare", "days", "exists", "all", "count", "of", "not", "and", "or"])
    )
    if depth == 0 or shape == "compare":
        return f"{draw(MOMENTS)} {draw(ORDER)} {draw(MOMENTS)}"
    if shape == "days":
        return f"days_between({draw(MOMENTS)}, {draw(MOMENTS)}) {draw(ORDER)} 20"
    if shape in ("exists", "all"):
        return f"ts.{shape}(x, x {draw(ORDER)} {draw(MOMENTS)})"
    if shape == "count":
        return f"ts.filter(x, x {draw(ORDER)} {draw(MOMENTS)}).size() {draw(ORDER)} 1"
    if shape == "of":  # a macro over a list that grows or shrinks with the date
        macro = draw(st.sampled_from(["exists", "all"]))
        chosen = f"ts.filter(x, x {draw(ORDER)} {draw(MOMENTS)})"
        return f"{chosen}.{macro}(y, y > t1)"
    if shape == "not":
        return f"!({draw(conditions(depth - 1))})"
    operator = "&&" if shape == "and" else "||"
    return f"({draw(conditions(depth - 1))}) {operator} ({draw(conditions(depth - 1))})"


@settings(max_examples=300, deadline=None)
@given(conditions())
def test_a_condition_said_to_move_one_way_does(source: str) -> None:
    program = cel.compile(source)
    moves = cel.direction(program)
    start = datetime.date(2026, 1, 1)
    values = []
    for offset in range(0, 200, 3):
        day = start + datetime.timedelta(days=offset)
        variables = {**DATES, "now": day, "portfolio": {"as_of": day}}
        values.append(program.evaluate(variables))
    if moves == "up":
        assert values == sorted(values)
    elif moves == "down":
        assert values == sorted(values, reverse=True)
    elif moves == "constant":
        assert len(set(values)) == 1


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("contract.end >= now", "down"),
        ("now > contract.start", "up"),
        ("add_months(contract.start, 3) <= now", "up"),
        ("!(add_months(contract.start, 3) <= now)", "down"),
        ("days_between(contract.start, now) > 200", "up"),
        ("days_between(now, contract.end) > 200", "down"),
        ('contract.reviews.exists(r, r.date > now - duration("720h"))', "down"),
        ("contract.reviews.filter(r, r.date > add_months(now, -3)).size() <= 2", "up"),
        ("has(contract.end) && contract.end >= now", "down"),
        ("contract.end >= now && contract.end <= add_months(now, 18)", "unknown"),
        ("contract.end == now", "unknown"),
        ("(now > contract.start ? 1 : 2) == 1", "unknown"),
        ("portfolio.as_of >= contract.start", "up"),
        ("portfolio.roles.sro == 'p-1'", "constant"),
        ("contract.value.total * 2.0 > 10.0", "constant"),
        ("[now].exists(x, x > contract.start)", "unknown"),
        ("ts.filter(x, x <= now).exists(y, y > t1)", "up"),
        ("ts.filter(x, x <= now).all(y, y > t1)", "down"),
    ],
)
def test_directions(source: str, expected: str) -> None:
    assert cel.direction(cel.compile(source)) == expected


def test_a_window_is_two_moving_conditions() -> None:
    program = cel.compile("is_live && contract.end >= now && contract.end <= add_months(now, 18)")
    parts = cel.moving_conditions(program)
    assert parts is not None
    assert [(part.source, cel.direction(part.program)) for part in parts] == [
        ("contract.end >= now", "down"),
        ("contract.end <= add_months(now, 18)", "up"),
    ]
    assert cel.moving_conditions(cel.compile("contract.end == now || x")) is None


def test_a_definition_that_reads_the_date_moves_as_it_does() -> None:
    program = cel.compile("is_recent && contract.live")
    assert cel.direction(program) == "constant"
    assert cel.direction(program, {"is_recent": "down"}) == "down"
