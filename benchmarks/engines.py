"""accountframe's CEL engine against the celpy engine and a hand-written floor: prints figures.

One run generates a seeded portfolio (benchmarks/generate.py; default 10,000 contracts) and
evaluates the benchmark framework (benchmarks/framework/: 14 policies of all six kinds) with

  (a) accountframe's own engine, on every contract;
  (b) the celpy engine, on the first --celpy-contracts contracts (it is far slower), and
  (c) the floor: the same policies written by hand in plain Python (benchmarks/floor.py),

each in its own subprocess, so that each one's peak memory (the process's resident-set high-
water mark, `resource.getrusage(...).ru_maxrss`, which includes loading the portfolio) is its
own. The processes evaluate in turns (the floor and accountframe on the whole portfolio, then
the three on the sample), so that a change in the machine's speed, which on a shared machine
comes and goes for seconds at a time, falls on all of them alike rather than on whichever runs
then. It prints the time per policy-subject result (findings plus consequences; wall clock, best
of --repeat evaluations, three times as many for the floor, and at most 3 for celpy, whose runs
take seconds; on the sample, each of the floor's and accountframe's timed runs is 10
evaluations in a row, so that theirs too last long enough not to fall in one spell of the
machine's speed; the CPU seconds of the evaluating process beside it, which a busy machine
disturbs less; what is timed is the call that evaluates
— `evaluate()`, which gives the whole `Assessment`, the portfolio's digest included, or the
floor's `assess()` — not the turning of an assessment into the rows that are compared), the
ratios (also without the digest, timed on its own), the peak memory, and whether all three
agree on every finding (policy, subject, status, due, accountable person) and every consequence
(policy, subject, status, amount, due, accountable person): accountframe's engine and the floor
on every contract, all three on the celpy sample. Exits 1 if they disagree.

    python benchmarks/engines.py [--contracts 10000] [--celpy-contracts 200] [--repeat 5]
                                 [--seed 2026] [--workers N]
"""

from __future__ import annotations

import argparse
import datetime
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import floor  # noqa: E402 - beside this file
from generate import AS_OF, generate  # noqa: E402

import accountframe as af  # noqa: E402

FRAMEWORK = HERE / "framework"
IMPLEMENTATIONS = ("accountframe", "celpy", "floor")
#: Runs of the celpy engine on the sample, of which the best is taken (each takes seconds).
CELPY_REPEAT = 3
#: Evaluations in a row in each timed run of the floor and accountframe's engine on the
#: sample, and in each timing of its digest there: one takes 0.01-0.2 s, against celpy's
#: seconds, and so short a run can fall entirely in a fast or a slow spell of a shared machine.
SAMPLE_BATCH = 10

Results = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def sample_document(document: dict[str, Any], contracts: int) -> dict[str, Any]:
    """The first `contracts` contracts, the people they (and the roles) refer to, their waivers."""
    kept = document["contracts"][:contracts]
    ids = {contract["id"] for contract in kept}
    waivers = [waiver for waiver in document["waivers"] if waiver["subject"] in ids]
    used = set(document["roles"].values()) | {waiver["approved_by"] for waiver in waivers}
    for contract in kept:
        used.update(assignment["person"] for assignment in contract["assignments"])
        for review in contract["reviews"]:
            used.add(review["chair"])
            used.update(review["attendees"])
    people = [person for person in document["people"] if person["id"] in used]
    return {**document, "contracts": kept, "people": people, "waivers": waivers}


def results_of(assessment: af.Assessment) -> Results:
    """An assessment as the floor gives its results (see benchmarks/floor.py)."""
    findings = [
        (
            f.policy,
            f.subject.type,
            f.subject.id,
            f.status.value,
            f.due.isoformat() if f.due else None,
            f.accountable.person,
        )
        for f in assessment.findings
    ]
    consequences = [
        (
            c.policy,
            c.subject.type,
            c.subject.id,
            c.status.value,
            c.amount,
            c.due.isoformat() if c.due else None,
            c.accountable.person,
        )
        for c in assessment.consequences
    ]
    return findings, consequences


def evaluator(
    implementation: str, workers: int = 1
) -> tuple[Callable[[af.Portfolio, datetime.date], Any], Callable[[Any], Results], float]:
    """(a function evaluating with an implementation, one turning what it gives into results
    to compare, the seconds it took to prepare the first). Only the first is timed: the
    floor gives its results as they are compared; an engine gives an `Assessment`."""
    if implementation == "floor":
        return floor.assess, _same, 0.0
    framework = af.load_framework(FRAMEWORK)
    started = time.perf_counter()
    compiled = af.compile(framework, engine=implementation)
    seconds = time.perf_counter() - started

    def run(portfolio: af.Portfolio, as_of: datetime.date) -> af.Assessment:
        return compiled.evaluate(portfolio, as_of=as_of, workers=workers)

    return run, results_of, seconds


def _same(results: Results) -> Results:
    return results


def disagreements(named: dict[str, Results], limit: int = 10) -> list[str]:
    """Where the implementations' results differ (empty when they all agree)."""
    problems: list[str] = []
    (first, reference), *others = named.items()
    for name, results in others:
        for what, mine, theirs in zip(
            ("findings", "consequences"), results, reference, strict=True
        ):
            if len(mine) != len(theirs):
                problems.append(f"{name} gives {len(mine)} {what}, {first} {len(theirs)}")
            keyed = {row[:3]: row for row in theirs}
            for row in mine:
                other = keyed.get(row[:3])
                if other != row:
                    problems.append(f"{what}: {name} {row} but {first} {other}")
    return problems[:limit] + ([f"... and {len(problems) - limit} more"] * (len(problems) > limit))


def agree(contracts: int, seed: int = 2026) -> tuple[list[str], int]:
    """Evaluate a small portfolio with all three implementations in this process.

    Returns the disagreements (empty when all agree) and the number of results compared.
    """
    portfolio = af.Portfolio.from_dict(generate(contracts, seed))
    named = {}
    for name in IMPLEMENTATIONS:
        run, results, _ = evaluator(name)
        named[name] = results(run(portfolio, AS_OF))
    findings, consequences = named["floor"]
    return disagreements(named), len(findings) + len(consequences)


# -- one implementation in a subprocess -------------------------------------------------------


def _peak_rss() -> int:
    """The process's peak resident set so far, in bytes (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def child(options: argparse.Namespace) -> None:
    """One implementation in its own process, evaluating when the parent says so.

    Reads commands, one a line, from standard input, and answers each with one JSON line:
    `run N` (evaluate N times, each time a fresh portfolio; the time per evaluation), `digest N`
    (work out N fresh portfolios' digests; the time per digest) and `done` (write the last
    run's results to --out, report the peak memory, and stop).
    """
    document = json.loads(Path(options.document).read_text())
    if options.sample:
        document = sample_document(document, options.sample)
    started = time.perf_counter()
    portfolio = af.Portfolio.from_dict(document)
    load_seconds = time.perf_counter() - started
    del document
    run, results_of_run, compile_seconds = evaluator(options.child, options.workers)
    _answer(
        {
            "contracts": len(portfolio.contracts),
            "people": len(portfolio.people),
            "load_seconds": load_seconds,
            "compile_seconds": compile_seconds,
            "loaded_rss": _peak_rss(),
        }
    )
    results: Results = ([], [])
    for line in sys.stdin:
        command, *rest = line.split()
        times = int(rest[0]) if rest else 1
        seconds = cpu_seconds = 0.0
        for number in range(times if command in ("run", "digest") else 0):
            # A new Portfolio object each time, so that nothing worked out for one (its
            # digest) is reused by the next: every timed evaluation is a first assessment.
            fresh = attrs.evolve(portfolio)
            started, cpu_started = time.perf_counter(), time.process_time()
            if command == "run":
                given = run(fresh, AS_OF)
            else:
                # The portfolio's digest, which every assessment reports and which
                # `evaluate()` works out (the floor has none): timed on its own, to show its
                # share.
                fresh.digest  # noqa: B018 - worked out on first use
            seconds += time.perf_counter() - started
            cpu_seconds += time.process_time() - cpu_started
            if command == "run":
                if number == times - 1:  # `done` writes the last evaluation's results
                    results = results_of_run(given)
                del given
            del fresh
        if command in ("run", "digest"):
            _answer({"seconds": seconds / times, "cpu_seconds": cpu_seconds / times})
        elif command == "done":
            Path(options.out).write_bytes(pickle.dumps(results))
            _answer({"results": len(results[0]) + len(results[1]), "peak_rss": _peak_rss()})
            return


def _answer(message: dict[str, Any]) -> None:
    print(json.dumps(message), flush=True)


class _Child:
    """A running `child`: one implementation, its portfolio loaded, waiting for commands."""

    def __init__(
        self,
        implementation: str,
        document: Path,
        out: Path,
        sample: int,
        options: argparse.Namespace,
    ) -> None:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            implementation,
            "--document",
            str(document),
            "--out",
            str(out),
            "--sample",
            str(sample),
            "--workers",
            str(options.workers if implementation != "floor" else 1),
        ]
        self.implementation, self.out = implementation, out
        #: Evaluations (or digests) per timed run: see SAMPLE_BATCH.
        self.batch = SAMPLE_BATCH if sample and implementation != "celpy" else 1
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.stats: dict[str, Any] = self._read()
        self.times: list[float] = []
        self.cpu_times: list[float] = []
        self.digest_times: list[float] = []

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"{self.implementation} failed (exit {self.process.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    def run(self) -> None:
        answer = self.ask(f"run {self.batch}")
        self.times.append(answer["seconds"])
        self.cpu_times.append(answer["cpu_seconds"])

    def digest(self) -> None:
        self.digest_times.append(self.ask(f"digest {self.batch}")["cpu_seconds"])

    def finish(self) -> dict[str, Any]:
        """Stop the process; its figures, best runs taken, with the results it gave."""
        self.stats.update(self.ask("done"))
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait()
        self.process.stdout.close()
        self.stats["seconds"] = min(self.times)
        self.stats["cpu_seconds"] = min(self.cpu_times)
        self.stats["digest_cpu_seconds"] = min(self.digest_times, default=0.0)
        self.stats["results_data"] = pickle.loads(self.out.read_bytes())
        return self.stats


def _interleaved(children: dict[str, _Child], repeat: int) -> None:
    """Each child's timed runs, taken in turns: `repeat` rounds; in each, every engine runs
    once (celpy only in its first CELPY_REPEAT rounds: its runs take seconds) and the floor
    three times (its run is short, and a busy machine disturbs it the most); then each
    engine's digest, `repeat` times, in turns too. Taking turns, every implementation meets
    the same changes in the machine's speed; the best run of each counts."""
    for round_number in range(repeat):
        for child in children.values():
            if child.implementation == "floor":
                for _ in range(3):
                    child.run()
            elif child.implementation != "celpy" or round_number < CELPY_REPEAT:
                child.run()
    for _ in range(repeat):
        for child in children.values():
            if child.implementation != "floor":
                child.digest()


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--celpy-contracts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=1, help="workers for the engines")
    parser.add_argument("--child", choices=IMPLEMENTATIONS, help=argparse.SUPPRESS)
    parser.add_argument("--document", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=int, default=0, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        child(options)
        return 0
    sample = min(options.celpy_contracts, options.contracts)

    with tempfile.TemporaryDirectory() as folder:
        document_path = Path(folder) / "portfolio.json"
        document_path.write_text(json.dumps(generate(options.contracts, options.seed)))
        runs: dict[str, dict[str, Any]] = {}
        # Two groups, one after the other (so that only one group's portfolios are loaded at a
        # time); within a group, the implementations take turns.
        for group in (
            (("floor", "floor", 0), ("accountframe", "accountframe", 0)),
            (
                ("floor, sample", "floor", sample),
                ("accountframe, sample", "accountframe", sample),
                ("celpy, sample", "celpy", sample),
            ),
        ):
            children = {
                name: _Child(implementation, document_path, Path(folder) / f"{name}.pickle",
                             size, options)
                for name, implementation, size in group
            }  # fmt: skip
            _interleaved(children, options.repeat)
            runs.update((name, child.finish()) for name, child in children.items())

    full, part = runs["accountframe"], runs["celpy, sample"]
    policies = len(af.load_framework(FRAMEWORK).policies)
    print(
        f"accountframe {af.__version__}, engines benchmark: {full['contracts']:,} contracts, "
        f"{full['people']:,} people, {policies} policies (benchmarks/framework), seed "
        f"{options.seed}, as of {AS_OF}; best of {options.repeat} (floor: {3 * options.repeat}, "
        f"celpy: {min(options.repeat, CELPY_REPEAT)}; on the sample, the floor's and "
        f"accountframe's runs {SAMPLE_BATCH} evaluations each), the implementations taking turns"
        + (f"; engines with workers={options.workers}" if options.workers > 1 else "")
    )
    print(
        f"  {'implementation':<22}{'contracts':>10}{'results':>10}{'seconds':>10}"
        f"{'µs/result':>11}{'CPU s':>8}{'peak RSS':>11}{'RSS loaded':>12}"
    )
    for name, stats in runs.items():
        per = stats["seconds"] / stats["results"] * 1e6
        print(
            f"  {name:<22}{stats['contracts']:>10,}{stats['results']:>10,}"
            f"{stats['seconds']:>10.2f}{per:>11.1f}{stats['cpu_seconds']:>8.2f}"
            f"{_mib(stats['peak_rss']):>11}"
            f"{_mib(stats['loaded_rss']):>12}"
        )

    def ratio(name: str, other: str, key: str = "seconds") -> float:
        mine = runs[name][key] / runs[name]["results"]
        return float(mine / (runs[other][key] / runs[other]["results"]))

    print(
        f"  accountframe / floor:  {ratio('accountframe', 'floor'):6.1f}x per result  "
        f"(target: at most 10x; CPU seconds: {ratio('accountframe', 'floor', 'cpu_seconds'):.1f}x)"
    )
    print(
        f"  celpy / accountframe:  {ratio('celpy, sample', 'accountframe, sample'):6.1f}x per "
        f"result on the {part['contracts']:,}-contract sample  (target: at least 50x; CPU "
        f"seconds: {ratio('celpy, sample', 'accountframe, sample', 'cpu_seconds'):.1f}x; "
        f"against the full run: {ratio('celpy, sample', 'accountframe'):.1f}x)"
    )

    def bare(name: str) -> float:
        """CPU seconds per result, the digest taken out for the engines (the floor has none)."""
        stats = runs[name]
        return float((stats["cpu_seconds"] - stats["digest_cpu_seconds"]) / stats["results"])

    print(
        f"  of which the portfolio's digest (which evaluate() works out; the floor has none): "
        f"{full['digest_cpu_seconds']:.2f} CPU s; without it, accountframe / floor "
        f"{bare('accountframe') / bare('floor'):.1f}x, celpy / accountframe on the sample "
        f"{bare('celpy, sample') / bare('accountframe, sample'):.1f}x"
    )
    print(
        f"  peak memory, {full['contracts']:,} contracts: accountframe "
        f"{_mib(full['peak_rss'])}, floor {_mib(runs['floor']['peak_rss'])} (target < 1 GiB; "
        "ru_maxrss of each implementation's own subprocess, loading included)"
    )
    problems = disagreements(
        {"floor": runs["floor"]["results_data"], "accountframe": full["results_data"]}
    ) + disagreements(
        {
            "floor": runs["floor, sample"]["results_data"],
            "accountframe": runs["accountframe, sample"]["results_data"],
            "celpy": part["results_data"],
        }
    )
    if problems:
        print("  DISAGREEMENT:")
        for problem in problems:
            print(f"    {problem}")
        return 1
    print(
        f"  agreement: accountframe = floor on all {full['results']:,} results; "
        f"celpy = accountframe = floor on all {part['results']:,} results of the sample"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
