"""`Portfolio.digest`'s fast writer gives the reference digest, for every portfolio.

Two kinds of portfolios: valid ones (`accountframe.testing.portfolios`), which the fast writer
must write itself (no fallback), and "wild" ones built directly in Python, bypassing the
loader's checks: any Unicode (control characters, quotes, backslashes), NaN, infinities,
-0.0, 1e300, huge ints, ints and bools where floats are expected, dates, datetimes, enums,
tuples, attrs objects and non-str keys inside free maps, values equal to their defaults written
out explicitly. For those the digest must equal the reference digest, or both must fail alike.
"""

from __future__ import annotations

import datetime
import enum
import json
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.load.digest import canonical_json, portfolio_digest, reference_digest
from accountframe.load.fields import class_fields, optional_inner, shape_of
from accountframe.testing import portfolios

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_text(portfolio: af.Portfolio) -> str:
    return json.dumps(portfolio.to_dict(), sort_keys=True, ensure_ascii=False, default=str)


@SETTINGS
@given(portfolios(max_contracts=6))
def test_valid_portfolios_are_written_by_the_fast_writer_exactly(portfolio: af.Portfolio) -> None:
    assert canonical_json(portfolio, af.Portfolio) == reference_text(
        portfolio
    )  # no fallback needed
    assert portfolio.digest == reference_digest(portfolio)


class Colour(enum.Enum):
    RED = "red"
    ONE = 1


class Text(str):
    """A str subclass: json writes its content, the fast writer leaves it to the reference."""


class Shown:
    """Not JSON: `default=str` writes it as its str()."""

    def __str__(self) -> str:
        return 'shown "object"'


# Any code point but surrogates (which no UTF-8 text can hold, on either path).
wild_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12) | st.sampled_from(
    ['"', "\\", "\x00\x1f\x7f", "\u2028\u2029", "é", "😀", "</script>", "", " "]
)
wild_floats = st.floats() | st.sampled_from(
    [-0.0, 0.0, 1e300, -1e300, 5e-324, 1e16, 123456789.0, float("nan"), float("inf")]
)
big_ints = st.integers() | st.sampled_from([2**53 + 1, -(2**63), 2**64, 10**40])
odd_values = st.sampled_from(
    [
        None,
        0,
        1,
        True,
        False,
        -0.0,
        "",
        "x",
        (),
        [],
        {},
        Text("sub"),
        Colour.RED,
        Colour.ONE,
        af.Stage.LIVE,
        datetime.datetime(2026, 1, 2, 3, 4, 5),
        datetime.date(2026, 2, 28),
        Shown(),
    ]
)
free_scalars = (
    st.none()
    | st.booleans()
    | big_ints
    | wild_floats
    | wild_text
    | st.dates()
    | st.datetimes()
    | st.sampled_from([af.Stage.EXIT, af.Rating.GOOD, Colour.RED])
    | st.builds(
        af.Period,
        start=st.just(datetime.date(2026, 1, 1)),
        end=st.dates(min_value=datetime.date(2026, 1, 1)),
    )
)
free_values = st.recursive(
    free_scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(wild_text, children, max_size=3)
    ),
    max_leaves=8,
)
free_maps = st.dictionaries(wild_text, free_values, max_size=3) | st.just({1: "int key"})


def value_of(tp: Any) -> st.SearchStrategy[Any]:
    """Values for a field annotated `tp`: mostly of its type, sometimes not."""
    inner = optional_inner(tp)
    if inner is not None:
        return st.none() | value_of(inner)
    shape, argument = shape_of(tp)
    strategy: st.SearchStrategy[Any]
    if shape == "instance":
        strategy = st.deferred(lambda: instance_of(argument))
    elif shape == "sequence":
        strategy = st.lists(value_of(argument), max_size=3).map(tuple)
    elif shape == "mapping":
        strategy = free_maps if argument is Any else st.dictionaries(wild_text, value_of(argument))
    elif shape == "enum":
        strategy = st.sampled_from(list(argument))
    elif tp is str:
        strategy = wild_text
    elif tp is float:
        strategy = wild_floats | big_ints
    elif tp is bool:
        strategy = st.booleans()
    elif tp is int:
        strategy = big_ints
    elif tp is datetime.date:
        strategy = st.dates(
            min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2040, 1, 1)
        )
    else:
        strategy = free_values
    if tp is datetime.date:
        return strategy  # validators compare dates: other values would only be rejected
    return st.one_of(strategy, strategy, strategy, odd_values)


@st.composite
def instance_of(draw: st.DrawFn, cls: type) -> Any:
    """An object of `cls`, each field left at its default, set to it explicitly, or drawn."""
    kwargs: dict[str, Any] = {}
    for field, tp in class_fields(cls):
        if field.name == "format":
            continue  # validated: portfolio/1 only
        required = field.default is attrs.NOTHING
        choice = draw(st.sampled_from(["value"] if required else ["default", "same", "value"]))
        if choice == "value":
            kwargs[field.name] = draw(value_of(tp))
        elif choice == "same":
            default = field.default
            kwargs[field.name] = (
                default.factory() if isinstance(default, attrs.Factory) else default
            )  # type: ignore[arg-type]
    try:
        return cls(**kwargs)
    except (TypeError, ValueError):  # a validator: end before start
        return draw(st.nothing())


def outcome(digest: Callable[[af.Portfolio], str], portfolio: af.Portfolio) -> Any:
    try:
        return digest(portfolio)
    except Exception as error:  # both paths must fail alike
        return type(error)


@SETTINGS
@given(instance_of(af.Portfolio))
def test_wild_portfolios_give_the_reference_digest(portfolio: af.Portfolio) -> None:
    assert outcome(lambda p: portfolio_digest(p, af.Portfolio), portfolio) == outcome(
        reference_digest, portfolio
    )


@SETTINGS
@given(instance_of(af.Contract), instance_of(af.Person))
def test_wild_contracts_give_the_reference_digest(contract: af.Contract, person: af.Person) -> None:
    portfolio = af.Portfolio("Wild", contracts=[contract, contract], people=[person])
    assert outcome(lambda p: portfolio_digest(p, af.Portfolio), portfolio) == outcome(
        reference_digest, portfolio
    )
