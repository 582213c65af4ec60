"""Contract-scope work shared out to worker processes, with the same result as one process.

A partition is a span of the portfolio's contracts: `Run.part` over it gives that span's
contract-scope findings and consequences, which need nothing from other contracts. The
parent process makes the person-scope findings while the workers run, then merges the parts
in contract order (`Run.assessment`), so the result is the same, byte for byte, as one
process gives. Workers are started with `spawn` (safe with threads, the same everywhere); each
compiles the framework once, from the pickled framework (compiled programs do not pickle).
"""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import multiprocessing
import pickle
from collections.abc import Iterator

from accountframe.assessment import Assessment
from accountframe.compiler.compiler import compile_framework
from accountframe.errors import UsageError
from accountframe.evaluation.run import Part, Run
from accountframe.evaluation.stream import StreamPart, Texts, stream_part

__all__ = ["STREAM_SPAN", "check_workers", "in_parallel", "streamed_in_parallel"]

#: Contracts a streamed partition holds: small enough that the parts in flight stay small
#: (each is the text of its findings), large enough that a part costs far more than sending it.
STREAM_SPAN = 250
#: Streamed parts in flight per worker: each waits, done, for the ones before it.
_IN_FLIGHT_PER_WORKER = 2

#: Chunks per worker: enough that a slow chunk does not hold up the others for long.
_CHUNKS_PER_WORKER = 4

# The run of a worker process, made once by `_start_worker` (a process-pool initializer).
_worker_run: Run | None = None


def check_workers(workers: object) -> int:
    """`workers` if it is a positive int; else a UsageError saying what is wrong.

    Example:
        >>> check_workers(4)
        4
        >>> check_workers(0)
        Traceback (most recent call last):
        ...
        accountframe.errors.UsageError: workers must be a positive whole number (got 0)
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"workers must be a positive whole number (got {workers!r})")
    return workers


def in_parallel(run: Run, workers: int) -> Assessment:
    """`run.assessment()`, its contract-scope work done by up to `workers` processes."""
    count = len(run.portfolio.contracts)
    chunks = min(count, workers * _CHUNKS_PER_WORKER)
    bounds = [count * n // chunks for n in range(chunks + 1)]
    spans = list(itertools.pairwise(bounds))
    plan = run.plan
    context = multiprocessing.get_context("spawn")  # no fork: safe with threads, same everywhere
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=min(workers, chunks),
        mp_context=context,
        initializer=_start_worker,
        # Pickled once here, not once per worker: a large portfolio takes seconds to pickle.
        initargs=(
            pickle.dumps(
                (plan.framework, plan.engine, run.portfolio, run.as_of),
                protocol=pickle.HIGHEST_PROTOCOL,
            ),
        ),
    ) as pool:
        futures = [pool.submit(_work, span) for span in spans]
        # Person-scope findings are made here while the workers run; then the parts, in order.
        return run.assessment(lambda: [future.result() for future in futures])


def streamed_in_parallel(run: Run, texts: Texts, workers: int) -> Iterator[StreamPart]:
    """The streamed parts of every span of `STREAM_SPAN` contracts, in contract order, made
    by up to `workers` processes; only a few are in flight at a time, so that memory holds
    a few parts whatever the portfolio's size."""
    count = len(run.portfolio.contracts)
    spans = iter(itertools.pairwise([*range(0, count, STREAM_SPAN), count]))
    plan = run.plan
    payload = pickle.dumps(
        (plan.framework, plan.engine, run.portfolio, run.as_of, texts),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    context = multiprocessing.get_context("spawn")  # see in_parallel
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_stream_worker,
        initargs=(payload,),
    ) as pool:
        waiting: collections.deque[concurrent.futures.Future[StreamPart]] = collections.deque(
            pool.submit(_stream_work, span)
            for span in itertools.islice(spans, workers * _IN_FLIGHT_PER_WORKER)
        )
        while waiting:
            part = waiting.popleft().result()
            for span in itertools.islice(spans, 1):
                waiting.append(pool.submit(_stream_work, span))
            yield part


# The texts of a streamed worker's format (with `_worker_run`).
_worker_texts: Texts | None = None


def _start_stream_worker(payload: bytes) -> None:
    global _worker_run, _worker_texts  # one per worker process, as _start_worker's
    framework, engine, portfolio, as_of, texts = pickle.loads(payload)  # made by the parent
    _worker_run = Run(compile_framework(framework, engine=engine), portfolio, as_of)
    _worker_run.keep_contract_values = False  # the person scope is the parent's
    _worker_texts = texts


def _stream_work(span: tuple[int, int]) -> StreamPart:
    assert _worker_run is not None, "the pool initializer did not run"
    assert _worker_texts is not None, "the pool initializer did not run"
    return stream_part(_worker_run, _worker_texts, *span)


def _start_worker(payload: bytes) -> None:
    global _worker_run  # one per worker process: the compiled programs are not picklable
    framework, engine, portfolio, as_of = pickle.loads(payload)  # bytes made by in_parallel
    _worker_run = Run(compile_framework(framework, engine=engine), portfolio, as_of)
    _worker_run.keep_contract_values = False  # the person scope is the parent's
    _worker_run.keep_finding_values = False


def _work(span: tuple[int, int]) -> Part:
    assert _worker_run is not None, "the pool initializer did not run"
    return _worker_run.part(*span)
