"""How long an assessment takes: prints figures, asserts nothing.

Evaluates a generated, seeded portfolio (default 2,000 contracts, from load_portfolio.py) with a
10-policy framework covering every kind, and prints the compile time, the time per
policy-subject result and the peak memory (tracemalloc) of one evaluation.

    python benchmarks/evaluate_portfolio.py [--contracts 2000] [--repeat 3] [--seed 2026]
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_portfolio import generate

import accountframe as af
from accountframe.framework.framework import Framework, Role
from accountframe.framework.policies import (
    OversightCadence,
    PersonalResponsibility,
    RequiredInformation,
    Reward,
    Rule,
    Sanction,
)

AS_OF = datetime.date(2026, 11, 25)


def benchmark_framework() -> Framework:
    """Ten policies of all six kinds, shaped like the bundled framework's."""
    return Framework(
        name="benchmark",
        version="1",
        params={"gold_every": "1 month"},
        definitions={
            "is_major": 'contract.tier in ["gold", "silver"]',
            "is_live": 'contract.stage in ["mobilisation", "live", "exit"]',
        },
        roles=[
            Role("accounting_officer"),
            Role("sro", reports_to="accounting_officer"),
            Role("contract_manager", reports_to="sro"),
        ],
        policies=[
            OversightCadence(id="CAD-GOLD", title="SRO review monthly",
                             applies_to='is_live && contract.tier == "gold"',
                             every="params.gold_every", grace="7 days",
                             counts_if='review.forum == "sro_review"'),
            OversightCadence(id="CAD-BOARD", title="Board review quarterly",
                             applies_to="is_live && is_major", every="3 months",
                             counts_if='review.forum == "board"'),
            RequiredInformation(id="INF-PERF", title="Performance report", applies_to="is_major",
                                report="performance", max_age="45 days",
                                require="report.kpis.size() >= 3"),
            RequiredInformation(id="INF-BILL", title="Billing reconciled", report="billing",
                                max_age="45 days",
                                require="report.figures.billed_units <= "
                                        "report.figures.own_record_units * 1.01"),
            PersonalResponsibility(id="RESP-SRO", title="An SRO", applies_to="is_major",
                                   role="sro", max_vacancy="30 days",
                                   eligible='person.grade in ["SCS1", "SCS2", "SCS3"]'),
            PersonalResponsibility(id="RESP-CM", title="A contract manager",
                                   role="contract_manager", max_vacancy="14 days"),
            Rule(id="RULE-SPEND", title="Spend within value",
                 require="contract.spent <= contract.value.total"),
            Rule(id="RULE-KPI", title="No inadequate KPI",
                 applies_to="has(contract.latest.performance)",
                 require='!contract.latest.performance.kpis.exists(k, k.rating == "inadequate")'),
            Sanction(id="SAN-ESCALATE", title="Escalate", scope="person", action="Escalate",
                     trigger='findings.filter(f, f.status == "fail").size() >= 2'),
            Reward(id="REW-CLEAN", title="Recognise", action="Recognise",
                   trigger='findings.all(f, f.status in ["pass", "not_applicable"])'),
        ],
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()

    portfolio = af.Portfolio.from_dict(generate(options.contracts, options.seed))
    framework = benchmark_framework()
    started = time.perf_counter()
    compiled = af.compile(framework)
    compile_seconds = time.perf_counter() - started

    times = []
    for _ in range(options.repeat):
        started = time.perf_counter()
        assessment = compiled.evaluate(portfolio, as_of=AS_OF)
        times.append(time.perf_counter() - started)
    seconds = min(times)
    results = len(assessment.findings) + len(assessment.consequences)

    tracemalloc.start()
    compiled.evaluate(portfolio, as_of=AS_OF)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    counts = ", ".join(f"{k} {v}" for k, v in assessment.status_counts().items())
    print(
        f"accountframe {af.__version__}: {len(portfolio.contracts):,} contracts, "
        f"{len(portfolio.people):,} people, {len(framework.policies)} policies; "
        f"best of {options.repeat}"
    )
    print(f"  compile:            {compile_seconds * 1000:8.1f} ms")
    print(
        f"  evaluate:           {seconds:8.2f} s for {results:,} results "
        f"({seconds / results * 1e6:,.0f} µs per policy-subject result)"
    )
    print(f"  peak memory (tracemalloc): {peak / 2**20:.0f} MiB")
    print(f"  statuses: {counts}")


if __name__ == "__main__":
    main()
