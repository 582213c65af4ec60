"""How load, evaluation and each output grow with the portfolio (issue 25): prints figures.

The portfolio is the bundled example's contracts replicated under new ids (`EM-001` becomes
`EM-001-r00002`, ...; people, roles and waivers as in the example), N contracts in all,
written once as JSON. Each measurement runs in a child process of its own and reports the
child's wall time, CPU time (user + system) and peak memory (`resource.getrusage`'s
`ru_maxrss` of the child):

- `load`: `af.load_portfolio`;
- `evaluate`: load, then `compiled.evaluate` (the whole assessment in memory);
- `check FORMAT`: the command line, `accountframe check FILE --format FORMAT -o /dev/null
  --fail-on never` (load, evaluate, render, write); json, jsonl, csv, junit, github and
  sarif are streamed.

`--python` names another interpreter with accountframe installed (an older version, in a
worktree's venv) whose `check` runs are measured too, in turn with this one's.

    python benchmarks/streaming.py [--contracts 10000 20000 50000 100000]
        [--formats json jsonl csv junit] [--workers 1 2] [--python /work/venv/bin/python]
        [--python-formats json] [--python-max 50000]
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

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "policies" / "examples" / "ministry-of-example.yaml"

#: The file-size limit given to every load: a large portfolio's file is over the default.
MAX_BYTES = 4 << 30
LOAD = (
    "import sys, accountframe as af; "
    f"af.load_portfolio(sys.argv[1], limits=af.LoadLimits(max_bytes={MAX_BYTES}))"
)
EVALUATE = (
    "import sys, accountframe as af; "
    f"p = af.load_portfolio(sys.argv[1], limits=af.LoadLimits(max_bytes={MAX_BYTES})); "
    "af.compile(af.bundled('uk-central-government')).evaluate(p)"
)


def replicate(count: int) -> dict[str, Any]:
    """The example portfolio with `count` contracts: its own, then copies under new ids."""
    document: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    originals = document["contracts"]
    contracts = []
    for number in range(count):
        contract = dict(originals[number % len(originals)])
        copy = number // len(originals)
        if copy:
            contract["id"] = f"{contract['id']}-r{copy:05d}"
        contracts.append(contract)
    document["contracts"] = contracts
    return document


def measure(command: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak MiB, exit code) of `command` run as a child process,
    which must exit with one of `ok`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # ru_maxrss of RUSAGE_CHILDREN is the largest of any child waited for: read the child's
    # own by running it under a small wrapper that reports it.
    wrapper = (
        "import resource, subprocess, sys; "
        "code = subprocess.call(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code, file=sys.stderr); "
        f"sys.exit(0 if code in {ok!r} else code or 1)"
    )
    result = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    peak_kib, code = map(int, result.stderr.strip().splitlines()[-1].split())
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak_kib / 1024, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, nargs="+", default=[10_000, 20_000, 50_000])
    parser.add_argument("--formats", nargs="+", default=["json", "jsonl", "csv", "junit"])
    parser.add_argument("--python", help="another interpreter to compare (check runs only)")
    parser.add_argument(
        "--python-formats", nargs="+", default=["json"], help="the formats it is measured on"
    )
    parser.add_argument(
        "--python-max", type=int, default=50_000, help="and the most contracts it is given"
    )
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1], help="check's --workers values to measure"
    )
    parser.add_argument("--skip", nargs="*", default=[], help="load and/or evaluate")
    options = parser.parse_args()
    pythons = [("this", sys.executable)]
    if options.python:
        pythons.append(("other", options.python))
    print("| contracts | measurement | python | wall s | CPU s | peak MiB | output MB | exit |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for count in options.contracts:
            path = Path(folder, f"portfolio-{count}.json")
            # YAML reads dates as dates: written back as the ISO text they were.
            path.write_text(json.dumps(replicate(count), default=str), encoding="utf-8")
            runs: list[tuple[str, str, list[str], Path | None]] = []
            if "load" not in options.skip:
                runs.append(("load", "this", [sys.executable, "-c", LOAD, str(path)], None))
            if "evaluate" not in options.skip:
                runs.append(("evaluate", "this", [sys.executable, "-c", EVALUATE, str(path)], None))
            for format in options.formats:
                for name, python in pythons:
                    if name != "this" and (
                        format not in options.python_formats or count > options.python_max
                    ):
                        continue
                    for workers in options.workers if name == "this" else [1]:
                        out = Path(folder, f"out-{name}.{format}")
                        # The other interpreter runs its own accountframe, whatever PYTHONPATH
                        # says for this one.
                        unset = ["env", "-u", "PYTHONPATH"] if name != "this" else []
                        # The other interpreter's accountframe may not have --max-bytes.
                        limit = ["--max-bytes", str(MAX_BYTES)] if name == "this" else []
                        command = [*unset, python, "-m", "accountframe", *limit, "check", str(path),
                                   "--format", format, "-o", str(out), "--fail-on", "never",
                                   "--workers", str(workers)]  # fmt: skip
                        label = f"check {format}" + (f" --workers {workers}" if workers > 1 else "")
                        runs.append((label, name, command, out))
            for label, name, command, out in runs:
                # check exits 1 when a finding fails (the example's do), 3 when one is an
                # error (an expression over its evaluation budget): a run all the same, its
                # exit code shown.
                wall, cpu, peak, code = measure(command, (0, 1, 3) if out is not None else (0,))
                size = f"{out.stat().st_size / 1e6:.0f}" if out is not None else ""
                print(f"| {count:,} | {label} | {name} | {wall:.1f} | {cpu:.1f} | {peak:.0f} | "
                      f"{size} | {code if out is not None else ''} |", flush=True)  # fmt: skip
                if out is not None:
                    out.unlink()


if __name__ == "__main__":
    main()
