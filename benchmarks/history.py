"""History over a period: the change-point engine against evaluating every day. Prints figures.

SPEC section 13 defines a spell by evaluating the framework as of every day; `af.history`
computes the same spells looking only where something can change. This prints, for

  (1) the bundled framework and example portfolio over a year: the engine's wall and CPU time
      (best of --repeat), the day-by-day reference's (one run), the speed-up, and whether the
      two give the same JSON, byte for byte (exit 1 if not);
  (2) a generated, seeded portfolio (benchmarks/generate.py, --contracts, default 2,000)
      against the benchmark framework (benchmarks/framework/) over two years: the engine's
      time, and the day-by-day reference's estimated from --sample evenly spaced days (a
      day's evaluation costs about the same on every day), clearly marked as an estimate.

    python benchmarks/history.py [--contracts 2000] [--sample 15] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import AS_OF, generate  # noqa: E402 - beside this file

import accountframe as af  # noqa: E402
from accountframe.evaluation.assess import evaluate  # noqa: E402
from accountframe.timeline.daily import day_by_day  # noqa: E402
from accountframe.timeline.engine import history  # noqa: E402

ROOT = HERE.parent


def timed(call: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(best wall seconds, CPU seconds of that run, the result) over `repeat` runs."""
    best: tuple[float, float, Any] | None = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        measured = (time.perf_counter() - wall, time.process_time() - cpu, result)
        if best is None or measured[0] < best[0]:
            best = measured
    assert best is not None
    return best


def bundled_year(repeat: int) -> bool:
    framework = af.bundled("uk-central-government")
    portfolio = af.load_portfolio(ROOT / "policies/examples/ministry-of-example.yaml")
    plan = af.compile(framework).plan
    start, end = datetime.date(2025, 11, 26), datetime.date(2026, 11, 25)
    wall, cpu, found = timed(lambda: history(plan, portfolio, start, end), repeat)
    slow_wall, slow_cpu, reference = timed(lambda: day_by_day(plan, portfolio, start, end), 1)
    same = found.to_json() == reference.to_json()
    print(
        f"(1) bundled framework, example portfolio ({len(portfolio.contracts)} contracts), "
        f"{start} to {end} ({found.days} days): {len(found.spells)} spells"
    )
    print(f"    engine        {wall:8.2f} s wall  {cpu:8.2f} s CPU  (best of {repeat})")
    print(f"    day by day    {slow_wall:8.2f} s wall  {slow_cpu:8.2f} s CPU")
    print(f"    speed-up      {slow_wall / wall:8.1f}x wall  {slow_cpu / cpu:6.1f}x CPU")
    print(f"    same JSON     {'yes' if same else 'NO'}")
    return same


def generated(contracts: int, sample: int, repeat: int) -> None:
    framework = af.load_framework(HERE / "framework")
    portfolio = af.Portfolio.from_dict(generate(contracts))
    plan = af.compile(framework).plan
    end = AS_OF
    start = end - datetime.timedelta(days=730)
    wall, cpu, found = timed(lambda: history(plan, portfolio, start, end), repeat)
    days = found.days
    step = max(1, days // sample)
    chosen = [start + datetime.timedelta(days=n) for n in range(0, days, step)][:sample]
    _, day_cpu, _ = timed(lambda: [evaluate(plan, portfolio, day) for day in chosen], 1)
    day_wall_start = time.perf_counter()
    for day in chosen:
        evaluate(plan, portfolio, day)
    per_day = (time.perf_counter() - day_wall_start) / len(chosen)
    estimate = per_day * days
    estimate_cpu = day_cpu / len(chosen) * days
    print(
        f"(2) benchmark framework ({len(framework.policies)} policies), {contracts} generated "
        f"contracts, {start} to {end} ({days} days): {len(found.spells)} spells"
    )
    print(f"    engine        {wall:8.2f} s wall  {cpu:8.2f} s CPU  (best of {repeat})")
    print(
        f"    one day       {per_day:8.3f} s wall  {day_cpu / len(chosen):8.3f} s CPU  "
        f"(mean of {len(chosen)} days)"
    )
    print(
        f"    day by day    {estimate:8.1f} s wall  {estimate_cpu:8.1f} s CPU, estimated "
        f"({days} x one day)"
    )
    print(
        f"    speed-up      {estimate / wall:8.1f}x wall  {estimate_cpu / cpu:6.1f}x CPU, estimated"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    same = bundled_year(arguments.repeat)
    generated(arguments.contracts, arguments.sample, arguments.repeat)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
