"""How long a portfolio's digest takes, fast and reference: prints figures, asserts nothing.

Builds the seeded portfolio of `generate.py` (N contracts, default 10,000) and times the digest
as `Portfolio.digest` computes it (`accountframe.load.digest.portfolio_digest`, the canonical JSON
written directly) against the reference (`json.dumps(portfolio.to_dict(), sort_keys=True,
ensure_ascii=False, default=str)`), best of --repeat runs each, in CPU seconds of this process,
and says whether the two digests agree.

    python benchmarks/digest.py [--contracts 10000] [--repeat 3] [--seed 2026]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from generate import generate

import accountframe as af
from accountframe.load.digest import canonical_json, portfolio_digest, reference_digest


def best(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = work()
        times.append(time.process_time() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    portfolio = af.Portfolio.from_dict(generate(args.contracts, args.seed))
    fast_time, fast = best(args.repeat, lambda: portfolio_digest(portfolio, af.Portfolio))
    reference_time, reference = best(args.repeat, lambda: reference_digest(portfolio))
    canonical_json(
        portfolio, af.Portfolio
    )  # raises if the fast writer had fallen back to the reference
    print(f"portfolio: {args.contracts} contracts (seed {args.seed})")
    print(f"fast digest:      {fast_time:.3f} s")
    print(f"reference digest: {reference_time:.3f} s  ({reference_time / fast_time:.1f}x)")
    print(f"digests agree: {fast == reference}")


if __name__ == "__main__":
    main()
