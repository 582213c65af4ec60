"""Thread-safety stress: one compiled framework, many threads, results against a serial run.

Evaluates the bundled framework over the bundled example portfolio from THREADS threads at
once, ITERATIONS times each (each thread walking a list of dates from a different start), with
the interpreter switching threads every microsecond, and compares every `to_json()` with the
serial result for the same date. Prints the figures; exits 1 if any result differs.

    python benchmarks/thread_stress.py [--threads 8] [--iterations 3]
"""

from __future__ import annotations

import argparse
import datetime
import sys
import threading
import time
from pathlib import Path

import accountframe as af

EXAMPLE = Path(__file__).resolve().parents[1] / "policies" / "examples" / "ministry-of-example.yaml"
AS_OF = datetime.date(2026, 11, 25)
DATES = [AS_OF + datetime.timedelta(days=offset) for offset in (-60, -20, 0, 15, 45)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--iterations", type=int, default=3)
    args = parser.parse_args()
    framework = af.bundled("uk-central-government")
    portfolio = af.load_portfolio(EXAMPLE)
    compiled = af.compile(framework)
    began = time.perf_counter()
    assessments = {day: compiled.evaluate(portfolio, day) for day in DATES}
    serial = {day: assessment.to_json() for day, assessment in assessments.items()}
    serial_seconds = time.perf_counter() - began
    results: list[tuple[datetime.date, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(args.threads)

    def work(index: int) -> None:
        barrier.wait()
        for iteration in range(args.iterations):
            day = DATES[(index + iteration) % len(DATES)]
            text = compiled.evaluate(portfolio, day).to_json()
            with lock:
                results.append((day, text))

    sys.setswitchinterval(1e-6)
    threads = [threading.Thread(target=work, args=(i,)) for i in range(args.threads)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    threaded_seconds = time.perf_counter() - began
    differing = sum(text != serial[day] for day, text in results)
    one = assessments[AS_OF]
    findings = len(one.findings) + len(one.consequences)
    print(f"framework: {framework.name} {framework.version}, {len(framework.policies)} policies")
    print(f"portfolio: {len(portfolio.contracts)} contracts, {len(portfolio.people)} people")
    print(f"serial: {len(DATES)} assessments in {serial_seconds:.2f} s ({findings} results each)")
    print(
        f"threaded: {args.threads} threads x {args.iterations} iterations = {len(results)} "
        f"assessments in {threaded_seconds:.2f} s"
    )
    print(f"identical to serial: {len(results) - differing}/{len(results)}")
    return 1 if differing or len(results) != args.threads * args.iterations else 0


if __name__ == "__main__":
    sys.exit(main())
