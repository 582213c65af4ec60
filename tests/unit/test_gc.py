"""The collector is the caller's: no library call touches it; the opt-in pause loses nothing.

No library call (loading, evaluating, explaining, scheduling, rendering) switches Python's
cyclic garbage collector off, freezes or moves objects. A caller may opt in to
`accountframe.collector_paused` around batch work, as the command line does; that pause is
only free if the work leaves no cyclic garbage behind (reference counting frees everything
else at once): checked here on every place an expression can fail
(tests/unit/test_fail_closed.py's table), the documented message fallbacks, the bundled
framework and example, files that load and files that do not, and every report format.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_fail_closed import AS_OF, HEALTHY, MESSAGES, PLACES, PORTFOLIO, ROLES

import accountframe as af
from accountframe import cli, report
from accountframe import model as model_module
from accountframe.collector import collector_paused
from accountframe.evaluation import stream
from accountframe.evaluation.run import Run
from accountframe.framework.framework import Framework
from accountframe.framework.policies import Policy
from accountframe.load import documents as load_module
from accountframe.report import calendar as schedule_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_PATH = ROOT / "policies" / "examples" / "ministry-of-example.yaml"


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector running before and after the test, whatever the test does to it."""
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:  # pragma: no cover - pytest runs with the collector on
        gc.disable()


def cyclic_garbage(work: Callable[[], object]) -> list[str]:
    """The types of the unreachable objects `work` leaves behind with the collector off."""
    work()  # once first: caches and lazily built state are not garbage
    gc.collect()
    gc.disable()
    try:
        work()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found = sorted({type(item).__name__ for item in gc.garbage})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    return found


def framework_with(policy: Policy) -> af.CompiledFramework:
    framework = Framework(
        name="gc",
        version="1",
        roles=ROLES,
        definitions={"broken": "contract.attributes.absent == 1"},
        policies=[HEALTHY[0], HEALTHY[1], policy, HEALTHY[2], HEALTHY[3]],
    )
    return af.compile(framework)


def test_the_collector_is_paused_and_restarted(collector: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError, match="inside"), collector_paused():
        raise ValueError("inside")
    assert gc.isenabled()


def test_a_caller_that_switched_the_collector_off_keeps_it_off(collector: None) -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def in_generation(generation: int, target: object) -> bool:
    return any(item is target for item in gc.get_objects(generation=generation))


def test_what_was_made_while_paused_goes_to_the_oldest_generation(collector: None) -> None:
    gc.collect()
    with collector_paused():
        made = [{"kept": [index]} for index in range(1000)]
    # Handed over without being examined: nothing is frozen after, and no young collection
    # is due for them.
    assert gc.get_freeze_count() == 0
    assert in_generation(2, made)
    assert in_generation(2, made[-1])
    assert not in_generation(0, made)
    assert gc.get_count()[0] < gc.get_threshold()[0]


def test_a_callers_frozen_objects_stay_frozen(collector: None) -> None:
    gc.collect()
    frozen = [[index] for index in range(10)]
    gc.freeze()
    try:
        count = gc.get_freeze_count()
        with collector_paused():
            made = [[index] for index in range(1000)]
        assert gc.get_freeze_count() == count  # nothing thawed
        assert not in_generation(2, made)  # left to the collector, young
    finally:
        gc.unfreeze()
    assert frozen


def test_an_evaluation_opted_in_leaves_its_assessment_in_the_oldest_generation(
    collector: None,
) -> None:
    compiled = af.compile(af.bundled("uk-central-government"))
    portfolio = af.load_portfolio(EXAMPLE_PATH)
    with af.collector_paused():
        assessment = compiled.evaluate(portfolio, AS_OF)
    assert gc.get_freeze_count() == 0
    assert in_generation(2, assessment.findings[0])


@pytest.mark.parametrize("enabled", [True, False], ids=["running", "switched-off"])
def test_no_library_call_touches_the_collector(
    collector: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, enabled: bool
) -> None:
    """The collector stays as the caller left it, inside every call and after it."""
    seen: list[tuple[str, bool]] = []
    part = Run.part

    def recording(run: Run, start: int, stop: int) -> object:
        seen.append(("evaluate", gc.isenabled()))
        return part(run, start, stop)

    monkeypatch.setattr(Run, "part", recording)
    for name in ("_fast_parse", "_walk_document"):
        original = getattr(load_module, name)

        def parsing(*args: Any, _name: str = name, _original: Any = original, **kw: Any) -> Any:
            seen.append((_name, gc.isenabled()))
            return _original(*args, **kw)

        monkeypatch.setattr(load_module, name, parsing)
    structure = model_module.structure

    def structuring(*args: Any, **kw: Any) -> Any:
        seen.append(("structure", gc.isenabled()))
        return structure(*args, **kw)

    monkeypatch.setattr(model_module, "structure", structuring)
    gc.enable() if enabled else gc.disable()
    frozen = gc.get_freeze_count()
    framework = af.bundled("uk-central-government")
    portfolio = af.load_portfolio(EXAMPLE_PATH)
    load_text("yaml", LOADS["yaml"], tmp_path)()
    af.evaluate(framework, portfolio, AS_OF)
    af.evaluate(framework, portfolio, AS_OF, engine="celpy")
    assessment = af.compile(framework).evaluate(portfolio, AS_OF)
    for name in report.FORMATS:
        if name != "html":
            report.render(assessment, name, portfolio=portfolio)
    plan = af.schedule(framework, portfolio, as_of=AS_OF)
    for name in schedule_report.FORMATS:
        if name != "ics":
            schedule_report.render(plan, name)
    af.explain(framework, portfolio, "CAD-GOLD-SRO", "EM-001", AS_OF)
    assert {name for name, _ in seen} == {"evaluate", "_fast_parse", "_walk_document", "structure"}
    assert {state for _, state in seen} == {enabled}
    assert gc.isenabled() is enabled
    assert gc.get_freeze_count() == frozen


def test_the_command_line_opts_in(collector: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    part = Run.part
    judge = stream.judge_contracts

    def recording(run: Run, start: int, stop: int) -> object:
        seen.append(gc.isenabled())
        return part(run, start, stop)

    def streamed(*args: Any) -> None:
        seen.append(gc.isenabled())
        judge(*args)

    monkeypatch.setattr(Run, "part", recording)
    # `json` is streamed (issue 25): contract by contract, not through `Run.part`.
    monkeypatch.setattr(stream, "judge_contracts", streamed)
    assert cli.main(["check", "--format", "json", "-o", "-", "--fail-on", "never"]) == 0
    assert cli.main(["check", "--format", "markdown", "-o", "-", "--fail-on", "never"]) == 0
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_streamed_assessment_leaves_no_cyclic_garbage(collector: None) -> None:
    compiled = af.compile(af.bundled("uk-central-government"))
    portfolio = af.load_portfolio(EXAMPLE_PATH)

    def streamed() -> None:
        for format in af.STREAMED_FORMATS:
            with af.stream(compiled, portfolio, format) as output:
                assert "".join(output.chunks())

    assert cyclic_garbage(streamed) == []


@pytest.mark.parametrize(
    ("place", "policy"), PLACES + MESSAGES, ids=[name for name, _ in PLACES + MESSAGES]
)
def test_a_failing_expression_leaves_no_cyclic_garbage(
    collector: None, place: str, policy: Policy
) -> None:
    compiled = framework_with(policy)
    assert cyclic_garbage(lambda: compiled.evaluate(PORTFOLIO, AS_OF)) == []


def test_the_bundled_framework_leaves_no_cyclic_garbage(collector: None) -> None:
    compiled = af.compile(af.bundled("uk-central-government"))
    portfolio = af.load_portfolio(EXAMPLE_PATH)
    as_of = portfolio.as_of or AS_OF
    assert cyclic_garbage(lambda: compiled.evaluate(portfolio, as_of)) == []
    assert cyclic_garbage(lambda: compiled.evaluate(portfolio, as_of, workers=1)) == []


EXAMPLE = EXAMPLE_PATH.read_text()
#: Texts that load, and texts that do not, by each path through the loader: the fast paths
#: (plain YAML, JSON), the careful walk (an alias, a tag, a repeated key), and the errors of
#: each stage (syntax, structure, references, limits).
EXAMPLE_JSON = json.dumps(yaml.safe_load(EXAMPLE), default=str)
LOADS = {
    "example": EXAMPLE,  # its anchors and aliases take it to the walk
    "yaml": yaml.safe_dump(json.loads(EXAMPLE_JSON)),
    "json": EXAMPLE_JSON,
    "alias": "organisation: &name A\nattributes: {copy: *name}\n",
    "tag": "organisation: !!str A\n",
    "repeated-key": "organisation: A\norganisation: B\n",
    "unsafe-tag": "organisation: !!python/object:os.system A\n",
    "syntax": "organisation: [A\n",
    "json-syntax": '{"organisation": ',
    "structure": "organisation: A\ncontracts: [{id: 1, title: [x]}]\n",
    "reference": "organisation: A\ncontracts: [{id: C, title: T, sro: p-none}]\n",
    "deep": "organisation: A\nattributes: " + "[" * 200 + "]" * 200 + "\n",
    "aliases": "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c, *c]\n",
}


def load_text(name: str, text: str, folder: Path) -> Callable[[], object]:
    path = folder / f"portfolio.{'json' if name.startswith('json') else 'yaml'}"
    path.write_text(text)

    def load() -> object:
        try:
            return af.load_portfolio(path)
        except af.PortfolioError as error:
            return error.diagnostics

    return load


@pytest.mark.parametrize("name", sorted(LOADS))
def test_loading_leaves_no_cyclic_garbage(collector: None, name: str, tmp_path: Path) -> None:
    assert cyclic_garbage(load_text(name, LOADS[name], tmp_path)) == []


def test_loading_a_framework_leaves_no_cyclic_garbage(collector: None) -> None:
    assert (
        cyclic_garbage(lambda: af.load_framework(ROOT / "policies" / "uk-central-government")) == []
    )


def test_a_recursive_alias_leaves_only_its_own_nodes(collector: None, tmp_path: Path) -> None:
    """`&a [*a]` is a cycle in the document itself: PyYAML's nodes for it hold each other
    (with the collector running too, only a collection frees them). It is refused; nothing
    else is left."""
    load = load_text("recursive", "organisation: A\nattributes: &a {self: [*a]}\n", tmp_path)
    with pytest.raises(af.PortfolioError, match="af-limit"):
        af.load_portfolio(tmp_path / "portfolio.yaml")
    assert set(cyclic_garbage(load)) <= {"MappingNode", "SequenceNode", "ScalarNode", "Mark",
                                         "list", "tuple"}  # fmt: skip


@pytest.mark.parametrize("name", sorted(report.FORMATS))
def test_reports_but_html_leave_no_cyclic_garbage(collector: None, name: str) -> None:
    """Every format but html, whose charts (matplotlib) make cycles; junit's
    `xml.etree.ElementTree.indent` makes one, a function that calls itself through its
    closure, freed by a later collection."""
    if name == "html":
        pytest.importorskip("matplotlib", reason="the html report needs the html extra")
    compiled = af.compile(af.bundled("uk-central-government"))
    portfolio = af.load_portfolio(EXAMPLE_PATH)
    assessment = compiled.evaluate(portfolio, portfolio.as_of or AS_OF)
    found = cyclic_garbage(lambda: report.render(assessment, name, portfolio=portfolio))
    if name == "html":
        assert "Figure" in found
    elif name == "junit":
        assert set(found) <= {"function", "cell", "list", "tuple"}
    else:
        assert found == []


def test_a_schedule_and_its_formats_leave_no_cyclic_garbage(collector: None) -> None:
    """`schedule` and `report.calendar.render`, as evaluation."""
    framework = af.bundled("uk-central-government")
    portfolio = af.load_portfolio(EXAMPLE_PATH)
    as_of = portfolio.as_of or AS_OF
    assert cyclic_garbage(lambda: af.schedule(framework, portfolio, as_of=as_of)) == []
    plan = af.schedule(framework, portfolio, as_of=as_of)
    for name in schedule_report.FORMATS:
        if name == "ics":
            pytest.importorskip("icalendar", reason="the ics format needs the ics extra")
        assert cyclic_garbage(lambda n=name: schedule_report.render(plan, n)) == [], name
