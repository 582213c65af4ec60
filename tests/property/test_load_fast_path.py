"""Reading YAML: the fast path gives what the careful walk gives, or leaves the text to it.

`load._fast_parse` builds plain data straight from libyaml's nodes and gives up (`_WALK`) on
anything unusual: an alias, a tag, a merge key, a key that is not plain text, a repeated key, a
value PyYAML cannot build. The careful walk (`load._walk_document`) then reads the text again
with positions, and reports every problem. So, for valid portfolios and for real files mutated
in hostile ways (tests/fuzz/mutate.py):

- when the fast path gives data, the walk reads the same text without a problem and gives the
  same data, down to the types of its values (compared by `repr`);
- for valid portfolios and the bundled files, the fast path gives the data itself.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.load import documents as load
from accountframe.testing import portfolios
from conftest import ROOT, DataChooser

# mutate.py is in tests/fuzz, beside the fuzz tests that share it.
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
import mutate

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FILES = {"example portfolio": mutate.EXAMPLE.read_bytes(), **mutate.framework_files()}


def fast(text: str) -> Any:
    return load._fast_parse(text, "yaml", load.DEFAULT_LIMITS)


def walked(text: str) -> Any:
    """The walk's data (whatever is at the top), or a word for why it has none."""
    walker = load._Walker(load._Loader(text), load.DEFAULT_LIMITS)
    try:
        root = walker.loader.get_single_node()
        data = walker.value(root, (), 0) if root is not None else None
    except (yaml.YAMLError, load._Abort, RecursionError) as error:
        return f"not read: {error!r}"
    finally:
        walker.loader.dispose()
    return f"problems: {walker.problems}" if walker.problems else data


def agree(text: str) -> None:
    data = fast(text)
    event("walked" if data is load._WALK else "fast")
    if data is not load._WALK:
        assert repr(walked(text)) == repr(data)


@SETTINGS
@given(st.sampled_from(sorted(FILES)), st.data())
def test_the_fast_path_and_the_walk_agree_on_mutated_files(name: str, data: st.DataObject) -> None:
    raw = mutate.mutate(FILES[name], DataChooser(data), rounds=data.draw(st.integers(1, 3)))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return  # decoding is checked before either path (tests/unit/test_load.py)
    agree(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_valid_portfolios_are_read_by_the_fast_path(portfolio: af.Portfolio) -> None:
    # Written as `accountframe import` writes: a date object shared by two fields (which the
    # strategies make, drawing an end no earlier than the start) is not made an alias.
    text = load.yaml_text(portfolio.to_dict())
    data = fast(text)
    assert data is not load._WALK
    assert repr(data) == repr(walked(text))


@pytest.mark.parametrize("name", sorted(mutate.framework_files()))
def test_the_bundled_framework_is_read_by_the_fast_path(name: str) -> None:
    text = FILES[name].decode("utf-8")
    data = fast(text)
    assert data is not load._WALK
    assert repr(data) == repr(walked(text))


def test_the_example_portfolio_is_walked_for_its_aliases() -> None:
    text = FILES["example portfolio"].decode("utf-8")
    assert "*em-kpis" in text
    assert fast(text) is load._WALK


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1]\nb: *x\n",  # an alias
        "a: *x\n",  # an alias of nothing (the composer's error)
        "a: &x 1\n",  # an anchor, even one no alias uses
        "a: &x [1]\nb: &x {c: 2}\n",  # an anchor given twice (the composer's error)
        "a: &x 1\nb: *x\n",  # an alias of a scalar
        "base: &b {x: 1}\nc:\n  <<: *b\n",  # a merge key
        "a: 1\na: 2\n",  # a repeated key
        "1: a\n1.0: b\n",  # keys equal in Python
        "? [1, 2]\n: a\n",  # a key that is not text
        "a: !!binary aGVsbG8=\n",  # a tag
        "a: !!set {x, y}\n",  # a collection's tag
        "a: 2026-02-30\n",  # a date PyYAML resolves but cannot build
        "a: 1\n---\nb: 2\n",  # two documents
        "",  # no document
    ],
)
def test_the_unusual_is_left_to_the_walk(text: str) -> None:
    assert fast(text) is load._WALK


@pytest.mark.parametrize(
    "text",
    [
        "a: ! 12\n",  # the non-specific tag: resolved as if there were none
        "a: ! [1]\n",
        "a: ! {b: 1}\n",
        "a: !!str 12\n",
        "a: !!int '12'\n",
        "a: !!null ''\n",
        "a: !!bool yes\n",
        "a: !!float '1'\n",
        "a: !!timestamp 2026-01-05\n",
        "a: !!seq [1]\n",
        "a: !!map {b: 1}\n",
    ],
)
def test_plain_tags_are_built_as_the_composer_builds_them(text: str) -> None:
    data = fast(text)
    assert data is not load._WALK
    assert repr(data) == repr(walked(text)) == repr(yaml.safe_load(text))


def test_scalars_are_built_as_pyyaml_builds_them() -> None:
    text = "a: 0x1f\nb: 1_000\nc: .inf\nd: yes\ne: ~\nf: 2026-01-05\ng: '2026-01-05'\nh: 1e3\n"
    assert repr(fast(text)) == repr(yaml.safe_load(text))


def deeper_than(data: Any, limit: int) -> bool:
    """The depth check as it was first written: a value at a time, with its depth."""
    pending = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
    return False


nested = st.recursive(
    st.none() | st.integers() | st.text(max_size=2),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=2), children, max_size=3)
    ),
    max_leaves=30,
)


@SETTINGS
@given(nested, st.integers(0, 8))
def test_the_depth_check_counts_levels_as_the_walk_does(data: Any, limit: int) -> None:
    assert load.deeper_than(data, limit) == deeper_than(data, limit)


def test_the_depth_check_counts_scalars_as_a_level() -> None:
    assert not load.deeper_than({"a": {"b": 1}}, 2)
    assert load.deeper_than({"a": {"b": 1}}, 1)
    assert not load.deeper_than({"a": {}}, 1)
