"""Instructions per evaluation under callgrind, with and without `af.collector_paused()`.

Wall time on a shared 2-core machine varies by tens of percent from one minute to the next;
the number of instructions a run executes does not. This runs one evaluation of the benchmark
framework (benchmarks/framework/) over a generated portfolio (benchmarks/generate.py) under
valgrind's callgrind, twice per mode: a process that evaluates twice and one that evaluates
none (both load, compile and evaluate once to warm up), and prints the difference halved, the
instructions of one evaluation, for each mode: the collector running (what a library call
does) and paused (what `accountframe check` does). Needs valgrind on PATH.

    python benchmarks/instructions.py [--contracts 1000] [--seed 2026]

With `--child N PAUSED` it is the evaluating process itself.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(contracts: int, seed: int, evaluations: int, paused: bool) -> None:
    sys.path.insert(0, str(HERE))
    from generate import AS_OF, generate

    import accountframe as af

    compiled = af.compile(af.load_framework(HERE / "framework"))
    portfolio = af.Portfolio.from_dict(generate(contracts, seed))
    portfolio.digest  # noqa: B018 - worked out on first use, as in every evaluation after
    compiled.evaluate(portfolio, as_of=AS_OF)
    for _ in range(evaluations):
        if paused:
            with af.collector_paused():
                assessment = compiled.evaluate(portfolio, as_of=AS_OF)
        else:
            assessment = compiled.evaluate(portfolio, as_of=AS_OF)
        del assessment


def instructions(contracts: int, seed: int, evaluations: int, paused: bool) -> int:
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--child", str(evaluations), str(int(paused)),
        "--contracts", str(contracts), "--seed", str(seed),
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", run.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in callgrind's output:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", nargs=2, type=int, metavar=("EVALUATIONS", "PAUSED"))
    arguments = parser.parse_args()
    if arguments.child is not None:
        evaluations, paused = arguments.child
        child(arguments.contracts, arguments.seed, evaluations, bool(paused))
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not on PATH")
    print(f"{arguments.contracts} generated contracts, benchmark framework")
    for paused in (False, True):
        two = instructions(arguments.contracts, arguments.seed, 2, paused)
        none = instructions(arguments.contracts, arguments.seed, 0, paused)
        mode = "collector paused " if paused else "collector running"
        print(f"  {mode}  {(two - none) // 2:>15,} instructions per evaluation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
