"""How long importing many releases of one ocid takes: prints figures, asserts nothing.

One release package whose N releases (default 12,500, 50,000 and 100,000) all belong to one
ocid, in date order, as a publisher that releases every change does: each adds a transaction
and a milestone to the one contract, amends the award's value and re-states the tender. The
import merges them (OCDS merge rules) into one contract; the time should grow linearly with N.
Each size is timed once (best of --repeat), in a fresh process for its peak memory.

    python benchmarks/ocds_merge.py [--releases 12500 50000 100000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def package(releases: int) -> dict[str, Any]:
    """A release package: `releases` releases of the ocid ocds-bench1-1."""
    items = []
    for number in range(releases):
        day = f"{2000 + number // 365 % 100:04d}-{number % 12 + 1:02d}-{number % 28 + 1:02d}"
        items.append(
            {
                "ocid": "ocds-bench1-1",
                "id": f"r{number}",
                "date": f"{day}T00:00:{number % 60:02d}Z",
                "tag": ["contractImplementation"],
                "tender": {"id": "t1", "title": "Cleaning", "status": "complete"},
                "awards": [
                    {
                        "id": "a1",
                        "suppliers": [{"id": "s1", "name": "Acme Ltd"}],
                        "value": {"amount": 1000 + number, "currency": "GBP"},
                    }
                ],
                "contracts": [
                    {
                        "id": "c1",
                        "awardID": "a1",
                        "title": "Cleaning",
                        "status": "active",
                        "implementation": {
                            "transactions": [
                                {
                                    "id": f"t{number}",
                                    "date": f"{day}T00:00:00Z",
                                    "value": {"amount": 10.0, "currency": "GBP"},
                                }
                            ],
                            "milestones": [{"id": f"m{number}", "title": "visit"}],
                        },
                    }
                ],
            }
        )
    return {"uri": "https://example.com", "publisher": {"name": "Bench"}, "releases": items}


def run_one(path: str) -> None:
    """In a child process: import the file and print seconds, contracts, transactions, RSS."""
    from accountframe.load.ocds import to_portfolio

    start = time.perf_counter()
    result = to_portfolio([path])
    seconds = time.perf_counter() - start
    (contract,) = result.portfolio.contracts
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps([seconds, len(contract.transactions), peak]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, nargs="+", default=[12_500, 50_000, 100_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        run_one(options.child)
        return
    print(f"{'releases':>9} {'seconds':>9} {'µs/release':>11} {'transactions':>13} {'peak RSS':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for count in options.releases:
            path = Path(folder) / f"releases-{count}.json"
            path.write_text(json.dumps(package(count)))
            runs = []
            for _ in range(options.repeat):
                done = subprocess.run(
                    [sys.executable, __file__, "--child", str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                runs.append(json.loads(done.stdout))
            seconds, transactions, peak = min(runs)
            print(
                f"{count:>9,} {seconds:>9.2f} {seconds / count * 1e6:>11.1f} "
                f"{transactions:>13,} {peak:>6,} MiB"
            )


if __name__ == "__main__":
    main()
