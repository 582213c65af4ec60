"""One compiled framework, evaluated from 8 threads at once, gives what a serial run gives.

The bundled framework over the bundled example (cut to its first contracts, to keep the suite
quick; `benchmarks/thread_stress.py` runs the whole example for longer), each thread assessing
a different sequence of dates, with the interpreter switching threads as often as it can.
Every result must be byte-identical (`to_json`) to the serial result for the same date.
"""

from __future__ import annotations

import datetime
import os
import sys
import threading
from collections.abc import Iterator

import pytest

import accountframe as af

THREADS = 8
ITERATIONS = int(os.environ.get("ACCOUNTFRAME_STRESS_ITERATIONS", "2"))
CONTRACTS = int(os.environ.get("ACCOUNTFRAME_STRESS_CONTRACTS", "3"))
AS_OF = datetime.date(2026, 11, 25)
DATES = [AS_OF + datetime.timedelta(days=offset) for offset in (-60, 0, 15, 45)]


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Make the interpreter switch threads every few microseconds: races show up sooner."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def example(contracts: int) -> af.Portfolio:
    data = af.load_portfolio("policies/examples/ministry-of-example.yaml").to_dict()
    kept = data["contracts"][:contracts]
    ids = {contract["id"] for contract in kept} | {person["id"] for person in data["people"]}
    waivers = [waiver for waiver in data["waivers"] if waiver["subject"] in ids]
    return af.Portfolio.from_dict({**data, "contracts": kept, "waivers": waivers})


@pytest.mark.usefixtures("busy_switching")
def test_eight_threads_give_byte_identical_results_to_a_serial_run() -> None:
    framework = af.bundled("uk-central-government")
    portfolio = example(CONTRACTS)
    compiled = af.compile(framework)
    serial = {day: compiled.evaluate(portfolio, day).to_json() for day in DATES}
    assert len(set(serial.values())) == len(DATES)  # each date gives a different assessment
    results: list[list[tuple[datetime.date, str]]] = [[] for _ in range(THREADS)]
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(index: int) -> None:
        try:
            start.wait()
            for iteration in range(ITERATIONS):
                # Each thread walks the dates from a different starting point.
                day = DATES[(index + iteration) % len(DATES)]
                results[index].append((day, compiled.evaluate(portfolio, day).to_json()))
        except BaseException as error:  # reported below, with the thread that raised it
            failures.append(error)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sum(len(done) for done in results) == THREADS * ITERATIONS
    for done in results:
        for day, text in done:
            assert text == serial[day], f"a threaded result differs from the serial one for {day}"


@pytest.mark.usefixtures("busy_switching")
def test_threads_compiling_the_same_framework_at_once_agree() -> None:
    """`af.compile` compiles on first use and keeps the result; racing first uses must not matter."""
    framework = af.load_framework("tests/fixtures/frameworks/cli")
    portfolio = example(2)
    outputs: list[str] = []
    start = threading.Barrier(THREADS)

    def work() -> None:
        start.wait()
        outputs.append(framework.evaluate(portfolio, as_of=AS_OF).to_json())

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outputs) == THREADS
    assert set(outputs) == {framework.evaluate(portfolio, as_of=AS_OF).to_json()}
