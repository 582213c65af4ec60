"""An opt-in pause of Python's cyclic garbage collector, for batch work on large portfolios.

No library call touches the collector: it is the caller's. A batch job (or the command line,
which uses this) can opt in around a large load, assessment or report:

    with accountframe.collector_paused():
        assessment = accountframe.evaluate(framework, portfolio)

Loading, evaluating with accountframe's own CEL engine and rendering make millions of objects
and keep many, but make no reference cycles (tests/unit/test_gc.py checks every kind of
policy, every failure path, every report format but html, and files that load and files that
do not), so reference counting alone frees what they drop and pausing loses nothing. Without
the pause the collector examines the whole heap, the portfolio included, again and again as
the assessment grows: the figures are in benchmarks/README.md ("the collector").
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, if it is running.

    The collector is restarted afterwards only if it was running before, so a caller that
    switched it off keeps it off; with several threads in such blocks at once, the first to
    finish restarts it.

    Before restarting it, the objects made while it was paused and still alive (an
    assessment, a loaded portfolio) are handed to its oldest generation with `gc.freeze()` then
    `gc.unfreeze()`, which moves objects between generations without looking at them;
    otherwise the first collections after the pause would examine every one of them, which is
    where they would end up anyway, having survived. If anything is frozen already (a
    caller's `gc.freeze()`, before forking say), this is not done, as `unfreeze` would thaw
    that too.

    Example:
        >>> import gc
        >>> with collector_paused():
        ...     gc.isenabled()
        False
        >>> gc.isenabled()
        True
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()
