"""Pausing Python's cyclic garbage collector while a large portfolio is read or evaluated."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block, if it is running.

    An evaluation makes millions of objects and keeps many (the findings, the contracts'
    values), so the collector would otherwise walk the whole heap, the portfolio included,
    again and again: a quarter of a 10,000-contract evaluation's time. Loading a large
    portfolio is the same: the YAML parser's events or nodes, the parsed values and the portfolio's
    objects, with the collector examining them over and over, more than half the time of
    loading YAML. Evaluation with accountframe's engine and loading make no reference cycles
    (tests/unit/test_gc.py checks every kind of policy, every failure path, and files that
    load and files that do not), so reference counting alone frees everything they drop;
    pausing loses nothing. (A document that is itself a cycle, a recursive YAML alias, is
    refused; its nodes wait for the next full collection, as they would anyway. With the
    celpy engine, whose errors do make cycles, evaluation does not pause the collector.)

    The collector is restarted afterwards only if it was running before, so a caller that
    switched it off keeps it off; with several threads evaluating or loading at once, the first
    to finish restarts it, so it is never left off by accountframe.

    Before restarting it, the objects made while it was paused and still alive (an
    assessment: some 280,000 objects for 10,000 contracts; a loaded portfolio, more) are
    handed to its oldest generation with `gc.freeze()` then `gc.unfreeze()`, which moves
    objects between generations without looking at them. Otherwise the collector's first,
    youngest-generation collection after the pause would examine every one of them, and the
    next generation's again: at 10,000 contracts, the first alone takes about 0.2 s, 6-9% of
    the evaluation. The oldest generation is where they would end up anyway, having survived
    both. The same move takes the few objects the caller made since the collector's last
    collection (fewer than its thresholds, some thousands) along with them, which only means
    that cycles among those are freed by the next full collection rather than a younger one.
    If anything is frozen already (a caller's `gc.freeze()`, before forking say), this is not
    done, as `unfreeze` would thaw that too; the collection then runs as it would have.

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
