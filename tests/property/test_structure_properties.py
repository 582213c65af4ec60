"""`structure`'s fast builder gives what the careful walk gives, and is used wherever it can be.

`_builder(cls)` is generated from a class's fields and builds plainly well-formed data; for
anything else it raises `Declined` and `_Structurer`, which finds and words every problem, takes
over. So, for any data, generated from the classes' own annotations, mostly well-formed and
sometimes not (missing, unknown and non-str keys, None, bools for numbers, NaN, infinities,
whole numbers beyond 64 bits, impossible dates, datetimes, blank strings, tuples, str subclasses,
nesting beyond the free maps' limit):

- when the builder gives an object, the walk finds no problem and gives the same object, down to
  the types of its values (compared by `repr`, where 1 and 1.0, a list and a tuple, differ);
- when the walk finds no problem in data of plain types (dict, list, str, int, float, bool,
  None, date), the builder gives the object: it does not fall back where it need not.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import math
import operator
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.fastpath import Declined
from accountframe.framework import composer
from accountframe.framework import folder as frameworks
from accountframe.framework.folder import FrameworkFile
from accountframe.framework.policies import KINDS
from accountframe.load import structure as _structure
from accountframe.load.fields import class_fields, field_key, optional_inner, shape_of
from accountframe.load.structure import MAX_FREE_DEPTH, _builder, _Structurer, structure
from accountframe.testing import portfolios
from accountframe.tools import policytest
from conftest import ROOT

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Generating portfolios is slow (0.1 s each): as many as the other portfolio properties.
PORTFOLIOS = settings(SETTINGS, max_examples=60)
#: Every class the loaders give `structure`: the portfolio (its own classes through it), an
#: OCDS import's contracts, the framework header, each kind of policy, policy tests' entries.
CLASSES = (
    af.Portfolio,
    af.Contract,
    FrameworkFile,
    *KINDS.values(),
    policytest._CaseEntry,
    policytest._ExpectEntry,
    policytest._ConsequenceEntry,
)


class Text(str):
    """A str subclass: the walk takes it as a string, the builder leaves it to the walk."""


UNSURE: Any = object()


def built(cls: type, data: Any) -> Any:
    try:
        return _builder(cls)(data)
    except Declined:
        return UNSURE


def walked(cls: type, data: Any) -> tuple[Any, list[_structure.Problem]]:
    structurer = _Structurer()
    return structurer.instance(cls, data, ()), structurer.problems


def is_plain(data: Any) -> bool:
    """Only dict, list, str, int, float, bool, None and date, all the way down."""
    if type(data) is dict:
        return all(type(key) is str and is_plain(value) for key, value in data.items())
    if type(data) is list:
        return all(is_plain(item) for item in data)
    return data is None or type(data) in (str, int, float, bool, datetime.date)


odd_scalars = st.sampled_from(
    [
        None,
        True,
        0,
        -1,
        2**63,
        -(2**63) - 1,
        10**400,
        1.5,
        math.nan,
        math.inf,
        "",
        "   ",
        "x",
        "2026-02-30",
        "2026-1-1",
        "\u0662\u0660\u0662\u0666-01-01",  # Arabic-Indic digits: \d matches them
        datetime.datetime(2026, 1, 1, 9, 30),
        Text("text"),
        (),
        [],
        {},
        {1: "int key"},
    ]
)
free_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5) | odd_scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=8,
)


def too_deep() -> Any:
    value: Any = 1
    for _ in range(MAX_FREE_DEPTH + 1):
        value = [value]
    return value


@st.composite
def data_of(draw: st.DrawFn, tp: Any, rate: int) -> Any:
    """Data for an annotation: what it asks for, or, `rate` times in a hundred, an odd value."""
    if draw(st.integers(0, 99)) < rate:
        return draw(odd_scalars)
    inner = optional_inner(tp)
    if inner is not None:
        return None if draw(st.integers(0, 3)) == 0 else draw(data_of(inner, rate))
    shape, argument = shape_of(tp)
    if shape == "instance":
        return draw(data_for(argument, rate))
    if shape == "sequence":
        items = [draw(data_of(argument, rate)) for _ in range(draw(st.integers(0, 3)))]
        return tuple(items) if draw(st.integers(0, 9)) == 0 else items
    if shape == "mapping":
        keys = draw(st.lists(st.text(max_size=4), max_size=3, unique=True))
        if argument is Any:
            return {key: draw(free_values | st.just(too_deep())) for key in keys}
        return {key: draw(data_of(argument, rate)) for key in keys}
    if shape == "enum":
        return draw(st.sampled_from([member.value for member in argument] + list(argument)))
    if tp is datetime.date:
        date = draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2040, 1, 1)))
        return date if draw(st.booleans()) else date.isoformat()
    strategies: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=6),
        float: st.floats() | st.integers(),
        bool: st.booleans(),
        int: st.integers(),
    }
    return draw(strategies.get(tp, free_values))


@st.composite
def data_for(draw: st.DrawFn, cls: type, rate: int = 0) -> dict[Any, Any]:
    """A mapping for `cls`: each field present or not; now and then an unknown key."""
    data: dict[Any, Any] = {}
    for field, tp in class_fields(cls):
        required = field.default is attrs.NOTHING
        if draw(st.integers(0, 99)) < (100 - rate if required else 50):
            data[field_key(field)] = draw(data_of(tp, rate))
    if draw(st.integers(0, 99)) < rate:
        data[draw(st.sampled_from(["unknown", 7]))] = 1
    return data


def places(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value inside `data`, containers included."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from places(value, (*path, index))


@st.composite
def changed_once(draw: st.DrawFn, data: Any) -> Any:
    """`data` (a copy) with one thing changed: a value replaced, a key removed or added."""
    data = copy.deepcopy(data)
    path = draw(st.sampled_from(list(places(data))[1:]))
    parent = functools.reduce(operator.getitem, path[:-1], data)
    change = draw(st.sampled_from(["replace", "remove", "add"]))
    if change == "replace":
        parent[path[-1]] = draw(odd_scalars | free_values)
    elif change == "remove":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(st.sampled_from(["unknown", "id", 7]))] = draw(odd_scalars)
    else:
        parent.append(draw(odd_scalars))
    return data


def agree(cls: type, data: Any) -> None:
    fast = built(cls, data)
    slow, problems = walked(cls, data)
    event(f"{cls.__name__}: {'walked' if fast is UNSURE else 'built'}")
    if fast is not UNSURE:
        assert problems == []
        assert fast == slow
        assert repr(fast) == repr(slow)
    elif not problems:
        assert not is_plain(data), "the builder fell back on well-formed plain data"


@SETTINGS
@given(st.sampled_from(CLASSES), st.sampled_from([0, 1, 5, 30]), st.data())
def test_the_builder_and_the_walk_agree_on_generated_data(
    cls: type, rate: int, data: st.DataObject
) -> None:
    agree(cls, data.draw(data_for(cls, rate)))


@PORTFOLIOS
@given(portfolios(), st.booleans(), st.data())
def test_the_builder_and_the_walk_agree_on_a_valid_portfolio_changed_once(
    portfolio: af.Portfolio, as_json: bool, data: st.DataObject
) -> None:
    document = json.loads(portfolio.to_json()) if as_json else portfolio.to_dict()
    agree(af.Portfolio, data.draw(changed_once(document)))


@functools.cache
def framework_inputs() -> list[tuple[type, Any]]:
    """What the loader gives `structure` for the bundled framework: its header, its policies."""
    given: list[tuple[type, Any]] = []

    def recording(cls: type, data: Any, path: Any = ()) -> Any:
        given.append((cls, copy.deepcopy(data)))
        return _structure.structure(cls, data, path)

    with pytest.MonkeyPatch.context() as patch:
        # framework.yaml is structured by the folder loader, the policies by the composer.
        patch.setattr(frameworks, "structure", recording)
        patch.setattr(composer, "structure", recording)
        af.bundled("uk-central-government")
    return given


@SETTINGS
@given(st.data())
def test_the_builder_and_the_walk_agree_on_a_bundled_policy_changed_once(
    data: st.DataObject,
) -> None:
    cls, document = data.draw(st.sampled_from(framework_inputs()))
    agree(cls, data.draw(changed_once(document)))


def test_every_bundled_policy_is_built_without_the_walk() -> None:
    assert len(framework_inputs()) > 30
    for cls, document in framework_inputs():
        assert built(cls, document) == walked(cls, document)[0], document


@PORTFOLIOS
@given(portfolios())
def test_valid_portfolios_are_built_without_the_walk(portfolio: af.Portfolio) -> None:
    document = portfolio.to_dict()
    del document["accountframe"]  # the format marker goes through its validator too
    for data in (portfolio.to_dict(), document, json.loads(portfolio.to_json())):
        assert built(af.Portfolio, data) == portfolio


def test_the_bundled_framework_and_example_portfolio_are_built_without_the_walk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: Any) -> Any:
        raise AssertionError("the careful walk ran on well-formed data")

    monkeypatch.setattr(_Structurer, "instance", refuse)
    assert af.bundled("uk-central-government").policies
    assert af.load_portfolio(ROOT / "policies" / "examples" / "ministry-of-example.yaml").contracts


def test_problems_are_still_found_and_worded_by_the_walk() -> None:
    data = {
        "organisation": "Example",
        "contracts": [{"id": "c-1", "title": "T", "stage": "live", "start": "2026-02-30"}],
    }
    assert built(af.Portfolio, data) is UNSURE
    assert _structure.structure(af.Portfolio, data)[1] == [
        _structure.Problem(
            "af-date",
            "'2026-02-30' is not a valid date: day is out of range for month",
            ("contracts", 0, "start"),
        )
    ]


def contract(**fields: Any) -> dict[str, Any]:
    return {"id": "c-1", "title": "T", "stage": "live", **fields}


@pytest.mark.parametrize("total", [True, math.nan, -math.inf, 10**400, "1"])
def test_numbers_the_walk_refuses_are_left_to_it(total: Any) -> None:
    data = contract(value={"total": total})
    assert built(af.Contract, data) is UNSURE
    assert walked(af.Contract, data)[1]


def test_whole_numbers_become_floats_as_the_walk_makes_them() -> None:
    data = contract(value={"total": 5}, transactions=[{"date": "2026-01-01", "amount": 7}])
    built_contract = built(af.Contract, data)
    assert repr(built_contract) == repr(walked(af.Contract, data)[0])
    assert type(built_contract.value.total) is float
    assert type(built_contract.transactions[0].amount) is float


def test_equal_dates_are_separate_objects_as_in_the_walk() -> None:
    # Shared, PyYAML would write them as an anchor and aliases (`accountframe import`).
    data = contract(start="2026-01-05", reviews=[{"date": "2026-01-05", "forum": "board"}])
    built_contract = built(af.Contract, data)
    assert built_contract.start is not built_contract.reviews[0].date
    assert "&id" not in yaml.safe_dump(_structure.unstructure(built_contract))


def test_the_builder_declines_a_null_for_a_required_value_of_any_type() -> None:
    """A policy test case's `portfolio` (annotated `Any`) given as null: the generated
    builder declines and the walk reports it, as for any other missing value."""
    case = {"name": "a case", "portfolio": None}
    with pytest.raises(Declined):
        _builder(policytest._CaseEntry)(case)
    built, problems = structure(policytest._CaseEntry, case)
    assert built is None
    assert [(problem.code, problem.path) for problem in problems] == [("af-value", ("portfolio",))]
