"""Per-evaluation cost of typical policy expressions in both CEL engines: prints, asserts nothing.

Each expression is shaped like one of the bundled UK framework's (definitions, `require`,
`counts_if`), evaluated over one contract's values bound once with `cel.bindings()`; the
celpy figure therefore excludes the one-off conversion of the bindings to celpy values (it is
cached on the Bindings). Both engines must give the same result, which is checked.

    python benchmarks/cel_expressions.py [--number 2000]
"""

from __future__ import annotations

import argparse
import datetime
import timeit

from accountframe import cel

AS_OF = datetime.date(2026, 11, 25)


def subject() -> cel.Bindings:
    """One gold contract with a history, and the framework's params."""
    reviews = [
        {"date": datetime.date(2026, month, 10), "forum": forum, "chair": "p-sro"}
        for month, forum in zip(range(1, 12), ["sro_review", "board"] * 6, strict=False)
    ]
    reports = [
        {
            "kind": "performance",
            "received": datetime.date(2026, month, 20),
            "source": "supplier",
            "verified": month % 2 == 0,
            "kpis": [
                {"id": f"k{n}", "target": 95.0, "actual": 90.0 + n, "rating": "good"}
                for n in range(4)
            ],
            "figures": {},
        }
        for month in range(1, 12)
    ]
    contract = {
        "id": "EM-001",
        "tier": "gold",
        "stage": "live",
        "strategic": True,
        "value": {"total": 1.2e9, "annual": 1e8},
        "spent": 4.1e8,
        "start": datetime.date(2024, 1, 1),
        "end": datetime.date(2027, 3, 31),
        "reviews": reviews,
        "reports": reports,
        "latest": {"performance": reports[-1]},
        "attributes": {"sector": "justice"},
    }
    params = {
        "major_tiers": ["gold", "silver"],
        "live_stages": ["mobilisation", "live", "exit"],
        "poor_ratings": ["requires_improvement", "inadequate"],
        "expiry_horizon_months": 18,
        "min_kpis": 3,
    }
    return cel.bindings({"contract": contract, "params": params, "now": AS_OF})


EXPRESSIONS = {
    "is_gold": 'has(contract.tier) && contract.tier == "gold"',
    "is_live": "contract.stage in params.live_stages",
    "value_total": "has(contract.value.total) ? contract.value.total : 0.0",
    "kpis_required": "contract.latest.performance.kpis.size() >= params.min_kpis",
    "review_due": (
        'contract.reviews.exists(r, r.forum == "sro_review" && r.date + duration("720h") >= now)'
    ),
    "kpis_below_target": (
        '"performance" in contract.latest && '
        "contract.latest.performance.kpis.exists(k, has(k.rating) "
        "? k.rating in params.poor_ratings : (has(k.target) && has(k.actual) && "
        "k.actual < k.target))"
    ),
    "exit_planned": (
        'contract.reviews.exists(r, r.forum in ["exit_review", "reprocurement_review"] && '
        "r.date >= add_months(contract.end, -params.expiry_horizon_months))"
    ),
    "recent_reports": (
        'contract.reports.filter(r, r.kind == "performance" && '
        "days_between(r.received, now) <= 90).size()"
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=2000, help="evaluations per timing")
    options = parser.parse_args()
    bound = subject()
    print(f"{'expression':20} {'accountframe':>14} {'celpy':>12} {'ratio':>8}")
    for name, source in EXPRESSIONS.items():
        timings = {}
        results = {}
        for engine in cel.ENGINES:
            program = cel.compile(source, engine=engine)
            results[engine] = program.evaluate(bound)  # also warms celpy's cached values
            number = options.number if engine == "accountframe" else max(options.number // 20, 20)
            best = min(timeit.repeat(lambda p=program: p.evaluate(bound), number=number, repeat=3))
            timings[engine] = best / number * 1e6
        agree = "" if results["accountframe"] == results["celpy"] else "  DISAGREE"
        ratio = timings["celpy"] / timings["accountframe"]
        print(
            f"{name:20} {timings['accountframe']:11.2f} µs {timings['celpy']:9.1f} µs "
            f"{ratio:7.0f}x{agree}"
        )


if __name__ == "__main__":
    main()
