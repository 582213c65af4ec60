"""How long each report format and the schedule take, and how big they are: prints, asserts nothing.

Assesses a generated, seeded portfolio (default 500 contracts, from load_portfolio.py) against
the bundled framework, then renders every `check` format and every `schedule` format once and
prints the seconds and bytes of each (the html report needs the `html` extra, ics the `ics`
extra).

    python benchmarks/render_reports.py [--contracts 500] [--seed 2026]
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_portfolio import generate

import accountframe as af
from accountframe import report
from accountframe.report import calendar as schedule_report

AS_OF = datetime.date(2026, 11, 25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    portfolio = af.Portfolio.from_dict(generate(options.contracts, options.seed))
    framework = af.bundled("uk-central-government")
    started = time.perf_counter()
    assessment = framework.evaluate(portfolio, as_of=AS_OF)
    print(
        f"{options.contracts} contracts, {len(assessment.findings)} findings: "
        f"assessed in {time.perf_counter() - started:.2f} s"
    )
    for name in report.FORMATS:
        started = time.perf_counter()
        text = report.render(assessment, name, portfolio=portfolio)
        elapsed = time.perf_counter() - started
        print(f"check --format {name:<9} {elapsed:7.2f} s {len(text.encode()):>12,} bytes")
    started = time.perf_counter()
    plan = af.schedule(framework, portfolio, as_of=AS_OF)
    print(f"schedule: {len(plan.items)} items in {time.perf_counter() - started:.2f} s")
    for name in schedule_report.FORMATS:
        started = time.perf_counter()
        text = schedule_report.render(plan, name)
        elapsed = time.perf_counter() - started
        print(f"schedule --format {name:<6} {elapsed:7.2f} s {len(text.encode()):>12,} bytes")


if __name__ == "__main__":
    main()
