"""Evaluation pauses the cyclic garbage collector, and so must make no reference cycles.

`accountframe.evaluate.collector_paused` keeps the collector from walking the whole heap again
and again during an evaluation. That is only free if evaluation leaves no cyclic garbage
behind (reference counting frees everything else at once): checked here on every place an
expression can fail (tests/unit/test_fail_closed.py's table), the documented message
fallbacks, the bundled framework and example, the benchmark framework, and explanations.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_fail_closed import AS_OF, HEALTHY, MESSAGES, PLACES, PORTFOLIO, ROLES

import accountframe as af
from accountframe import evaluate as evaluate_module
from accountframe.evaluate import collector_paused
from accountframe.policy import Framework, Policy

ROOT = Path(__file__).resolve().parents[2]


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
    return Framework(
        name="gc",
        version="1",
        roles=ROLES,
        definitions={"broken": "contract.attributes.absent == 1"},
        policies=[HEALTHY[0], HEALTHY[1], policy, HEALTHY[2], HEALTHY[3]],
    ).compile()


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


def test_an_evaluation_leaves_its_assessment_in_the_oldest_generation(collector: None) -> None:
    compiled = af.bundled("uk-central-government").compile()
    portfolio = af.load_portfolio(ROOT / "policies" / "examples" / "ministry-of-example.yaml")
    assessment = compiled.evaluate(portfolio, AS_OF)
    assert gc.get_freeze_count() == 0
    assert in_generation(2, assessment.findings[0])


def test_the_collector_is_off_while_evaluating(
    collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    part = evaluate_module._Run.part

    def recording(run: evaluate_module._Run, start: int, stop: int) -> object:
        seen.append(gc.isenabled())
        return part(run, start, stop)

    monkeypatch.setattr(evaluate_module._Run, "part", recording)
    compiled = af.bundled("uk-central-government").compile()
    portfolio = af.load_portfolio(ROOT / "policies" / "examples" / "ministry-of-example.yaml")
    compiled.evaluate(portfolio, AS_OF)
    assert seen == [False]
    assert gc.isenabled()
    seen.clear()
    compiled.framework.compile("celpy").evaluate(portfolio, AS_OF)
    assert seen == [True]  # cel-python's errors make cycles: the collector keeps running


@pytest.mark.parametrize(
    ("place", "policy"), PLACES + MESSAGES, ids=[name for name, _ in PLACES + MESSAGES]
)
def test_a_failing_expression_leaves_no_cyclic_garbage(
    collector: None, place: str, policy: Policy
) -> None:
    compiled = framework_with(policy)
    assert cyclic_garbage(lambda: compiled.evaluate(PORTFOLIO, AS_OF)) == []


def test_the_bundled_framework_leaves_no_cyclic_garbage(collector: None) -> None:
    compiled = af.bundled("uk-central-government").compile()
    portfolio = af.load_portfolio(ROOT / "policies" / "examples" / "ministry-of-example.yaml")
    as_of = portfolio.as_of or AS_OF
    assert cyclic_garbage(lambda: compiled.evaluate(portfolio, as_of)) == []
    assert cyclic_garbage(lambda: compiled.evaluate(portfolio, as_of, workers=1)) == []
