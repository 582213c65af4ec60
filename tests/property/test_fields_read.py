"""`Program.fields_read` is never too small, and evaluation's projection of contracts changes nothing.

Soundness, on generated expressions: where `fields_read` names a set of fields, evaluating with
the variable cut down to those fields gives exactly what the whole value gives (the same value,
or the same error). The expressions mix every way a map can be used: field selection, `has()`,
indexing, `in`, `size()`, equality, macros over its keys, putting it in a list, and lists of
maps through `all`/`exists`/`exists_one`/`map`/`filter`.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cel_differential import BINDINGS, EXPRESSIONS, outcome, same

import accountframe as af
from accountframe import cel
from accountframe.testing import dates, frameworks, portfolios

KEYS = ["a", "b", "c"]
MAPS = st.dictionaries(st.sampled_from(KEYS), st.integers(-3, 3), max_size=3)
KEY = st.sampled_from([*KEYS, "z"])


def _map_uses(var: str) -> st.SearchStrategy[str]:
    """Conditions on the map `var`: each a different way of reading it."""
    return st.one_of(
        KEY.map(lambda k: f"{var}.{k} > 0"),
        KEY.map(lambda k: f"has({var}.{k})"),
        KEY.map(lambda k: f'{var}["{k}"] == 1'),
        KEY.map(lambda k: f'"{k}" in {var}'),
        st.just(f"{var}.size() == 2"),
        st.just(f"size({var}) > 0"),
        st.just(f'{var} == {{"a": 1}}'),
        st.just(f"{var} != {{}}"),
        st.just(f'{var}.exists(k, k == "b")'),
        st.just(f'{var}.all(k, k != "c")'),
        KEY.map(lambda k: f"[{var}][0].{k} == 1"),
        KEY.map(lambda k: f"[{var}].exists(x, has(x.{k}))"),
        KEY.map(lambda k: f"[1].exists({var}, {var} > 0) || has({var}.{k})"),
        st.just(f"{var}.map(k, k).size() == 1"),
    )


def _list_uses(var: str) -> st.SearchStrategy[str]:
    """Conditions on the list of maps `var`."""
    return st.one_of(
        KEY.map(lambda k: f"{var}.exists(x, has(x.{k}))"),
        KEY.map(lambda k: f"{var}.all(x, x.{k} > 0)"),
        KEY.map(lambda k: f"{var}.exists_one(x, has(x.{k}) && x.{k} == 1)"),
        KEY.map(lambda k: f"{var}.filter(x, has(x.{k})).size() == 1"),
        KEY.map(lambda k: f"size({var}.filter(x, has(x.{k}))) > 0"),
        KEY.map(lambda k: f"{var}.filter(x, has(x.{k})) == []"),
        KEY.map(lambda k: f"{var}.filter(x, has(x.{k}))[0].a == 1"),
        KEY.map(lambda k: f"{var}.map(x, has(x.{k}) ? 1 : 0).size() > 0"),
        st.just(f"{var}.map(x, x).size() > 0"),
        st.just(f"{var}.exists(x, x == {{}})"),
        st.just(f"{var}.exists(x, x.size() == 2)"),
        st.just(f"{var}.size() == 2"),
        st.just(f"size({var}) > 1"),
        st.just(f"{var}[0].a == 1"),
        KEY.map(lambda k: f"{var}.exists(x, [x].exists(y, has(y.{k})))"),
        # A filter's result as the target of another macro: its elements are the list's.
        st.tuples(KEY, KEY).map(
            lambda k: f"{var}.filter(x, has(x.{k[0]})).exists(y, has(y.{k[1]}))"
        ),
        st.tuples(KEY, KEY).map(
            lambda k: f"{var}.filter(x, has(x.{k[0]})).map(y, has(y.{k[1]}) ? 1 : 0).size() > 0"
        ),
        st.tuples(KEY, KEY).map(
            lambda k: f"{var}.filter(x, has(x.{k[0]})).filter(y, has(y.{k[1]})).size() == 1"
        ),
        KEY.map(lambda k: f"{var}.filter(x, has(x.{k})).map(y, y) == []"),
        KEY.map(lambda k: f"{var}.filter(x, has(x.{k})).filter(y, y == {{}}).size() == 0"),
        KEY.map(lambda k: f"{var}.filter(x, has(x.{k})).exists(y, {var}[0] == y)"),
    )


CONDITIONS = st.one_of(_map_uses("m"), _list_uses("ms"))
EXPRESSIONS_ON_MAPS = st.recursive(
    CONDITIONS,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: f"({p[0]}) && ({p[1]})"),
        st.tuples(inner, inner).map(lambda p: f"({p[0]}) || ({p[1]})"),
        inner.map(lambda p: f"!({p})"),
        st.tuples(inner, inner, inner).map(lambda p: f"({p[0]}) ? ({p[1]}) : ({p[2]})"),
    ),
    max_leaves=4,
)


def cut(value: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if key in fields}


def outcomes(source: str, values: dict[str, Any]) -> tuple[Any, Any]:
    """(with the whole values, with the values projected as `fields_read` allows)."""
    program = cel.compile(source)
    projected = dict(values)
    read = program.fields_read("m")
    if read is not None:
        projected["m"] = cut(values["m"], read)
    read = program.fields_read("ms", elements=True)
    if read is not None:
        projected["ms"] = [cut(item, read) for item in values["ms"]]
    return outcome(source, values, "accountframe"), outcome(source, projected, "accountframe")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS_ON_MAPS, MAPS, st.lists(MAPS, max_size=3))
def test_a_projection_by_fields_read_changes_no_result(
    source: str, m: dict[str, int], ms: list[dict[str, int]]
) -> None:
    whole, projected = outcomes(source, {"m": m, "ms": ms})
    assert whole[0] == projected[0], (source, whole, projected)
    assert same(whole[1], projected[1]), (source, whole, projected)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=EXPRESSIONS, values=BINDINGS)
def test_a_projection_of_records_changes_no_result(source: str, values: dict[str, Any]) -> None:
    """The differential test's expressions, on its `rec` and `m` maps."""
    program = cel.compile(source)
    projected = dict(values)
    for name in ("rec", "m"):
        read = program.fields_read(name)
        if read is not None:
            projected[name] = cut(values[name], read)
    whole = outcome(source, values, "accountframe")
    cut_down = outcome(source, projected, "accountframe")
    assert whole[0] == cut_down[0], (source, whole, cut_down)
    assert same(whole[1], cut_down[1]), (source, whole, cut_down)


def test_fields_read_examples() -> None:
    def read(source: str, variable: str = "m", *, elements: bool = False) -> Any:
        found = cel.compile(source).fields_read(variable, elements=elements)
        return None if found is None else sorted(found)

    assert read("m.a > 0 && has(m.b) && m.c.exists(x, x > 0)") == ["a", "b", "c"]
    assert read("true") == []
    assert read("[1].exists(m, m > 0)") == []  # the macro's own m
    assert read("[1].exists(m, m > 0) && m.a == 1") == ["a"]
    assert read("[m].exists(x, x.a > 0)") is None  # m put in a list
    assert read(".m.a > 0") is None  # a leading dot: not analysed
    assert read("m.a.b > 0") == ["a"]
    assert read("ms.filter(x, x.a > 0).size() > 0", "ms", elements=True) == ["a"]
    assert read("ms.filter(x, x.a > 0) == []", "ms", elements=True) is None
    assert read("ms.exists(x, ms.size() > 1)", "ms", elements=True) == []
    assert read("ms.exists(x, ms[0] == x)", "ms", elements=True) is None
    assert read("ms.exists(ms, ms.a > 1)", "ms", elements=True) == ["a"]
    assert read("ms.size() > 1 && size(ms) < 5", "ms", elements=True) == []
    assert read("m.size() > 1") is None  # a map's size counts its keys
    # Filters in turn, then a macro: every body reads the list's elements.
    chain = "ms.filter(x, x.a > 0).filter(y, has(y.b)).map(z, z.c).size() > 0"
    assert read(chain, "ms", elements=True) == ["a", "b", "c"]
    assert read("ms.filter(x, x.a > 0).map(z, z)[0] == {}", "ms", elements=True) is None
    assert read("ms.filter(x, x == {}).map(z, z.c).size() > 0", "ms", elements=True) is None
    assert read("ms.filter(x, x.a > 0)[0].b == 1", "ms", elements=True) is None


def test_the_bundled_framework_builds_only_what_it_reads() -> None:
    bundled = af.bundled("uk-central-government")
    # CAD-ATTENTION sums over the reviews of the filtered contracts
    # (`contracts.filter(c, ...).map(c, c.reviews...)`): followed through the filter.
    fields = af.compile(bundled).plan.contract_fields
    assert fields is not None
    assert not {"title", "supplier"} & fields
    assert {"reviews", "reports", "latest", "tier", "stage"} <= fields


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks(), portfolios(), dates())
def test_evaluation_with_projected_contracts_is_byte_identical(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    compiled = af.compile(framework)
    whole = af.CompiledFramework(
        attrs.evolve(compiled.plan, contract_fields=None, finding_fields=None)
    )
    assert (
        compiled.evaluate(portfolio, as_of).to_json() == whole.evaluate(portfolio, as_of).to_json()
    )
