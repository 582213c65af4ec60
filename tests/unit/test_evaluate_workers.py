"""`workers=N`: contract-scope work in a process pool, with output byte-identical to serial.

Each pool test starts real worker processes (spawn), so they are few and small.
"""

from __future__ import annotations

import datetime
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

import accountframe as af
from accountframe.evaluation import assess, pool
from accountframe.evaluation.run import Run

ROOT = Path(__file__).resolve().parents[2]
AS_OF = datetime.date(2026, 11, 25)


def _generate(contracts: int, seed: int) -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = module
    spec.loader.exec_module(module)
    document: dict[str, Any] = module.generate(contracts, seed)
    return document


@pytest.fixture(scope="module")
def bundled() -> af.Framework:
    return af.bundled("uk-central-government")


def _only_in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, contract-scope work in this process fails: only the workers may do it.

    Without this, a pool that failed would go unnoticed (evaluate falls back to serial).
    """

    def not_here(*args: object) -> None:
        raise AssertionError("contract-scope work ran in the parent process")

    monkeypatch.setattr(Run, "part", not_here)


def test_the_bundled_example_gives_the_same_bytes_with_workers(
    bundled: af.Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Person-scope rules and sanctions, sanctions reading findings across contracts, waivers.
    portfolio = af.load_portfolio(ROOT / "policies" / "examples" / "ministry-of-example.yaml")
    serial = bundled.evaluate(portfolio, as_of=AS_OF)
    assert serial.consequences
    assert any(f.status is af.Status.WAIVED for f in serial.findings)
    assert any(f.subject.type == "person" for f in serial.findings)
    _only_in_workers(monkeypatch)
    parallel = bundled.evaluate(portfolio, as_of=AS_OF, workers=2)
    assert parallel.to_json() == serial.to_json()


def test_a_generated_portfolio_gives_the_same_bytes_with_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    framework = af.load_framework(ROOT / "benchmarks" / "framework")
    portfolio = af.Portfolio.from_dict(_generate(90, 11))
    serial = framework.evaluate(portfolio, as_of=AS_OF)
    statuses = {f.status for f in serial.findings}
    assert {af.Status.WAIVED, af.Status.FAIL, af.Status.WARN} <= statuses
    assert {c.status for c in serial.consequences} >= {
        af.ConsequenceStatus.DUE,
        af.ConsequenceStatus.NOT_TRIGGERED,
    }
    assert serial.waivers_unused
    # More chunks than workers: still the same bytes.
    _only_in_workers(monkeypatch)
    parallel = af.compile(framework).evaluate(portfolio, as_of=AS_OF, workers=3)
    assert parallel.to_json() == serial.to_json()


def test_repeated_contract_ids_give_the_same_bytes_with_workers(
    bundled: af.Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A portfolio built in Python may repeat an id; a contract's sanctions then see the
    # findings of every contract with that id, wherever the chunks fall.
    portfolio = af.load_portfolio(ROOT / "policies" / "examples" / "ministry-of-example.yaml")
    contracts = portfolio.contracts
    doubled = af.Portfolio(
        organisation=portfolio.organisation,
        roles=portfolio.roles,
        people=portfolio.people,
        contracts=(*contracts, *contracts[:2]),
        waivers=portfolio.waivers,
    )
    serial = bundled.evaluate(doubled, as_of=AS_OF)
    _only_in_workers(monkeypatch)
    parallel = bundled.evaluate(doubled, as_of=AS_OF, workers=2)
    assert parallel.to_json() == serial.to_json()


@pytest.mark.parametrize(
    "workers",
    [0, -2, 1.5, "2", True, None],
    ids=["zero", "negative", "float", "str", "bool", "none"],
)
def test_workers_must_be_a_positive_int(bundled: af.Framework, workers: Any) -> None:
    portfolio = af.Portfolio.from_dict({"organisation": "Ministry of Example"})
    with pytest.raises(af.UsageError, match="workers must be a positive whole number"):
        bundled.evaluate(portfolio, as_of=AS_OF, workers=workers)


class _NoPool:
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise OSError("no processes here")


def test_one_worker_starts_no_pool(bundled: af.Framework, monkeypatch: pytest.MonkeyPatch) -> None:
    portfolio = af.load_portfolio(ROOT / "policies" / "examples" / "ministry-of-example.yaml")
    expected = bundled.evaluate(portfolio, as_of=AS_OF).to_json()
    started: list[int] = []
    monkeypatch.setattr(assess, "in_parallel", lambda run, workers: started.append(workers))
    assert bundled.evaluate(portfolio, as_of=AS_OF, workers=1).to_json() == expected
    assert started == []


def test_a_pool_that_cannot_start_gives_the_serial_result(
    bundled: af.Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    portfolio = af.load_portfolio(ROOT / "policies" / "examples" / "ministry-of-example.yaml")
    expected = bundled.evaluate(portfolio, as_of=AS_OF).to_json()
    monkeypatch.setattr(pool.concurrent.futures, "ProcessPoolExecutor", _NoPool)
    assert bundled.evaluate(portfolio, as_of=AS_OF, workers=4).to_json() == expected


def test_an_unknown_engine_is_a_usage_error(bundled: af.Framework) -> None:
    portfolio = af.Portfolio.from_dict({"organisation": "Ministry of Example"})
    with pytest.raises(af.UsageError, match=r"unknown CEL engine 'celp'.*did you mean 'celpy'"):
        bundled.evaluate(portfolio, as_of=AS_OF, engine="celp")


def test_each_engine_is_compiled_once(bundled: af.Framework) -> None:
    assert af.compile(bundled, engine="celpy") is af.compile(bundled, engine="celpy")
    assert af.compile(bundled, engine="celpy").engine == "celpy"
    assert af.compile(bundled) is af.compile(bundled)
    assert af.compile(bundled).engine == af.cel.DEFAULT_ENGINE
