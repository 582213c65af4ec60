"""The engines benchmark's machinery at a tiny size: three implementations, one answer.

benchmarks/engines.py times accountframe's engine, the celpy engine and a hand-written floor
(benchmarks/floor.py) on a generated portfolio; here it runs on 30 contracts and must find that
all three agree on every finding and consequence. No timings are asserted.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

import accountframe as af

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def engines() -> ModuleType:
    return _load("engines")


@pytest.mark.parametrize("seed", [2026, 7])
def test_the_three_implementations_agree_on_a_small_portfolio(
    engines: ModuleType, seed: int
) -> None:
    problems, compared = engines.agree(30, seed=seed)
    assert problems == []
    # 30 contracts x 12 contract-scope policies, and 2 person-scope policies x 12 people.
    assert compared == 30 * 12 + 2 * 12


def test_the_generated_portfolio_exercises_every_status(engines: ModuleType) -> None:
    generate = engines.generate
    portfolio = af.Portfolio.from_dict(generate(300, 2026))
    findings, consequences = engines.floor.assess(portfolio, engines.AS_OF)
    assert {row[3] for row in findings} >= {"pass", "warn", "fail", "not_applicable", "waived"}
    assert {row[3] for row in consequences} == {"due", "applied", "not_triggered"}
    assert generate(20, 5) == generate(20, 5) != generate(20, 6)


def test_a_disagreement_is_reported(engines: ModuleType) -> None:
    findings = [("P", "contract", "C1", "pass", None, "p-1")]
    consequences = [("S", "contract", "C1", "due", 1.0, "2026-12-01", "p-1")]
    changed = [("P", "contract", "C1", "fail", None, "p-1")]
    problems = engines.disagreements(
        {"floor": (findings, consequences), "accountframe": (changed, consequences)}
    )
    assert problems == [
        "findings: accountframe ('P', 'contract', 'C1', 'fail', None, 'p-1') but floor "
        "('P', 'contract', 'C1', 'pass', None, 'p-1')"
    ]
    assert engines.disagreements({"floor": (findings, []), "celpy": (findings, [])}) == []


def test_the_sample_keeps_the_people_it_needs(engines: ModuleType) -> None:
    document = engines.generate(400, 3)
    sample = engines.sample_document(document, 5)
    assert [c["id"] for c in sample["contracts"]] == [c["id"] for c in document["contracts"][:5]]
    assert len(sample["people"]) < len(document["people"])
    assert len(af.Portfolio.from_dict(sample).contracts) == 5  # every reference resolves


def test_the_benchmark_runs_end_to_end(
    engines: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """The script itself, at a tiny size: its processes take turns and all three agree."""
    assert engines.main(["--contracts", "12", "--celpy-contracts", "4", "--repeat", "2"]) == 0
    printed = capsys.readouterr().out
    assert (
        "best of 2 (floor: 6, celpy: 2; on the sample, the floor's and accountframe's runs 10 "
        "evaluations each), the implementations taking turns"
    ) in printed
    # 12 contracts x 12 contract-scope policies, and 2 person-scope policies x 12 people.
    assert "agreement: accountframe = floor on all 168 results" in printed
    for name in ("floor", "accountframe", "floor, sample", "accountframe, sample", "celpy, sample"):
        assert f"\n  {name:<22}" in printed
