"""Invariants of lint and of `{params.NAME}` texts, for any names and values.

- A parameter that some policy uses is never reported unused; one that nothing uses is: an
  error when an extension adds it, a warning when the framework extends nothing.
- Lint is deterministic and its diagnostics are sorted by location.
- A placeholder renders as `param_text` of the value, is rendered again with the new value
  when a framework is extended, and `as_written` gives the text back as written.
- A period written in words is read as the duration the same words mean in a duration field.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.errors import Diagnostic
from accountframe.framework.framework import param_text
from accountframe.lint import periods_named

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
    lambda name: name not in {"in", "true", "false", "null", "has"}
)
values = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.text(
        st.characters(blacklist_categories=["Cc", "Cs"], blacklist_characters="{}"), max_size=20
    )
    .map(str.strip)
    .filter(bool),
    st.lists(st.sampled_from(["gold", "silver", "bronze"]), max_size=3),
)


@SETTINGS
@given(st.lists(names, min_size=1, max_size=6, unique=True), st.data())
def test_used_parameters_are_never_unused_and_unused_ones_always_are(
    params: list[str], data: st.DataObject
) -> None:
    used = data.draw(st.lists(st.sampled_from(params), unique=True), label="used")
    policies = [
        af.Rule(id=f"R-{index}", title="T", require=f"has(params.{name}) || true")
        for index, name in enumerate(used)
    ]
    base = af.Framework(
        name="base", version="1", params=dict.fromkeys(params, 1), policies=policies
    )
    report = af.lint(base)
    unused = {d.location.path.removeprefix("params.") for d in report.diagnostics}
    assert unused == set(params) - set(used)
    assert all(d.code == "af-unused" and d.severity == "warning" for d in report.diagnostics)
    # An extension that adds one nothing uses: an error, the only one.
    added = data.draw(names.filter(lambda name: name not in params), label="added")
    mine = base.extend("mine", params={added: 2})
    assert [(d.location.path, d.severity) for d in af.lint(mine).diagnostics] == [
        (f"params.{added}", "error")
    ]


@SETTINGS
@given(st.lists(names, min_size=1, max_size=5, unique=True))
def test_lint_is_deterministic_and_sorted(params: list[str]) -> None:
    fw = af.Framework(
        name="f",
        version="1",
        params=dict.fromkeys(params, "1 month"),
        definitions={f"d_{name}": "true" for name in params},
    )
    first, second = af.lint(fw), af.lint(fw)
    assert first == second
    assert list(first.diagnostics) == sorted(first.diagnostics, key=Diagnostic.sort_key)
    assert len(first.diagnostics) == 2 * len(params)


@SETTINGS
@given(names, values, values, st.text(max_size=10).filter(lambda text: "{" not in text))
def test_placeholders_render_and_render_again_when_extended(
    name: str, value: Any, other: Any, prefix: str
) -> None:
    written = f"{prefix}{{params.{name}}}".strip() or f"{{params.{name}}}"
    rule = af.Rule(id="R-1", title="T", rationale=written, require="true")
    fw = af.Framework(name="f", version="1", params={name: value}, policies=[rule])
    assert fw.policies[0].rationale == written.replace(f"{{params.{name}}}", param_text(value))
    assert fw.as_written(fw.policies[0]).rationale == written
    mine = fw.extend("mine", params={name: other})
    assert mine.policies[0].rationale == written.replace(f"{{params.{name}}}", param_text(other))
    assert mine.as_written(mine.policies[0]) == rule


@SETTINGS
@given(st.integers(1, 400), st.sampled_from(["day", "week", "month", "year"]), st.booleans())
def test_a_period_in_words_means_what_a_duration_field_means(
    number: int, unit: str, plural: bool
) -> None:
    words = f"{number} {unit}{'s' if plural else ''}"
    assert [period for _, period in periods_named(f"reviewed within {words}.")] == [
        af.Duration.parse(words)
    ]
