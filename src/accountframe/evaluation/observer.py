"""Observers: what a judgement works out, told to whoever wants it (explanation), or to no one.

Evaluation hands every judgement an observer. `SILENT`, the default, records nothing and asks
for nothing more than the status needs. A `Recorder` keeps each step (`Step`) and is
*thorough*: it asks for everything an explanation shows, such as a default `applies_to: true`
evaluated rather than assumed, or each event's `counts_if` one at a time. The code that judges
is the same either way, so an explanation states the assessment's own result (cel-go's
`EvalState` observers play the same part in its interpreter).

Example:
    >>> recorder = Recorder()
    >>> recorder.note("vacancy", last_end=None)
    >>> recorder.steps
    [Step(name='vacancy', values={'last_end': None})]
    >>> SILENT.note("vacancy", last_end=None)  # told no one
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["SILENT", "Observer", "Recorder", "Step"]


@attrs.frozen
class Step:
    """One thing worked out while judging.

    `name` is an expression field (`applies_to`, `require`, `counts_if`, ...: `values` holds
    `extra`, the item it was evaluated for, and `value` and/or `error`) or a piece of the
    computation (`event`, `freshness`, `freshness_result`, `latest`, `vacancy`, `holder`,
    `findings`).
    """

    name: str
    values: Mapping[str, Any]


class Observer:
    """Told each step of a judgement; this base tells no one and asks for nothing more."""

    #: Whether judging works out everything an explanation shows, not only what decides.
    thorough = False

    def note(self, name: str, **values: Any) -> None:
        """A step of the judgement (see `Step`); this observer drops it."""


class Recorder(Observer):
    """Keeps every step, in order, and asks for the thorough judgement an explanation shows."""

    thorough = True

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def note(self, name: str, **values: Any) -> None:
        """Record a step."""
        self.steps.append(Step(name, values))


#: The observer of an ordinary assessment.
SILENT = Observer()
