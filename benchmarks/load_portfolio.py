"""How long loading a large portfolio takes: prints figures, asserts nothing.

Generates a seeded portfolio of N contracts (default 10,000), each with a history of
assignments, reviews, reports with KPIs and figures, transactions, amendments and applied
consequences, writes it as YAML and as JSON to a temporary folder, and times
`accountframe.load_portfolio` on each (best of --repeat runs), plus `Portfolio.from_dict` on
already-parsed data to separate parsing from structuring and checking.

    python benchmarks/load_portfolio.py [--contracts 10000] [--repeat 3] [--seed 2026]
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

import accountframe as af

START = datetime.date(2020, 1, 1)


def day(rng: random.Random, span: int = 2500) -> str:
    return (START + datetime.timedelta(days=rng.randrange(span))).isoformat()


def generate(contracts: int, seed: int) -> dict[str, Any]:
    """A valid portfolio document of `contracts` contracts, the same for the same seed."""
    rng = random.Random(seed)
    people = [
        {"id": f"p-{i:05d}", "name": f"Person {i}", "grade": rng.choice(["SCS1", "SCS2", "G6"])}
        for i in range(max(10, contracts // 5))
    ]
    ids = [person["id"] for person in people]
    documents = []
    for number in range(contracts):
        documents.append(
            {
                "id": f"C-{number:06d}",
                "title": f"Contract {number}",
                "supplier": f"Supplier {rng.randrange(500)}",
                "tier": rng.choice(["gold", "silver", "bronze"]),
                "stage": rng.choice(["mobilisation", "live", "live", "exit"]),
                "strategic": rng.random() < 0.1,
                "value": {"total": rng.randrange(10**5, 10**9), "annual": rng.randrange(10**6)},
                "start": "2020-01-01",
                "end": "2030-12-31",
                "assignments": [
                    {"role": role, "person": rng.choice(ids), "start": day(rng, 400)}
                    for role in ("sro", "contract_manager")
                ],
                "reviews": [
                    {
                        "date": day(rng),
                        "forum": rng.choice(["sro_review", "board"]),
                        "chair": rng.choice(ids),
                        "attendees": [rng.choice(ids)],
                    }
                    for _ in range(6)
                ],
                "reports": [
                    {
                        "kind": rng.choice(["performance", "cost", "billing"]),
                        "received": day(rng),
                        "source": rng.choice(["supplier", "authority"]),
                        "kpis": [
                            {
                                "name": f"kpi-{k}",
                                "target": 0.95,
                                "actual": rng.random(),
                                "rating": rng.choice(["good", "approaching_target", "inadequate"]),
                            }
                            for k in range(3)
                        ],
                        "figures": {
                            "billed_units": rng.randrange(10**5),
                            "own_record_units": rng.randrange(10**5),
                        },
                    }
                    for _ in range(6)
                ],
                "transactions": [
                    {"date": day(rng), "amount": rng.randrange(10**6)} for _ in range(12)
                ],
                "amendments": [{"date": day(rng), "rationale": "change", "value_change": 1000}],
                "consequences": [
                    {
                        "date": day(rng),
                        "effect": "sanction",
                        "kind": "service_credit",
                        "amount": 5000,
                    }
                ],
            }
        )
    return {
        "accountframe": "portfolio/1",
        "organisation": "Benchmark Department",
        "roles": {"accounting_officer": ids[0]},
        "people": people,
        "contracts": documents,
    }


def best_of(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()

    document = generate(options.contracts, options.seed)
    with tempfile.TemporaryDirectory() as folder:
        yaml_path = Path(folder) / "portfolio.yaml"
        json_path = Path(folder) / "portfolio.json"
        yaml_path.write_text(yaml.safe_dump(document, sort_keys=False))
        json_path.write_text(json.dumps(document))
        portfolio = af.load_portfolio(json_path)  # also proves the generated data is valid
        values = sum(1 for _ in json.dumps(document).split(","))

        print(
            f"accountframe {af.__version__}: loading a portfolio of "
            f"{len(portfolio.contracts):,} contracts, {len(portfolio.people):,} people "
            f"(about {values:,} values); best of {options.repeat}"
        )
        for label, path in (("YAML", yaml_path), ("JSON", json_path)):
            seconds = best_of(options.repeat, lambda p=path: af.load_portfolio(p))  # type: ignore[misc]
            size = path.stat().st_size
            print(
                f"  load_portfolio {label}: {seconds:7.2f} s  ({size / 2**20:6.1f} MiB, "
                f"{seconds / len(portfolio.contracts) * 1e6:6.0f} µs per contract)"
            )
        seconds = best_of(options.repeat, lambda: af.Portfolio.from_dict(document))
        print(f"  Portfolio.from_dict:  {seconds:7.2f} s  (structuring and checks only)")

        tracemalloc.start()
        af.load_portfolio(json_path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  peak memory (tracemalloc) loading JSON: {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
