"""Spells: how long each finding and consequence kept its status, and who was accountable.

A *spell* is a maximal run of consecutive days on which one policy gave one subject the same
status with the same accountable role and person (SPEC section 13). A `History` holds every
spell of a period, in policy order, then subject order, then date: plain data with `to_dict()`
and `to_json()` in the `accountframe/history/1` format, byte-identical for the same inputs.

Example:
    >>> import datetime
    >>> from accountframe.assessment import Accountable, Status, Subject
    >>> spell = Spell(policy="CAD-1", kind="oversight_cadence",
    ...               subject=Subject("contract", "C1"), status=Status.FAIL,
    ...               start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31),
    ...               accountable=Accountable(role="sro", person="p-1", name="Sam"))
    >>> spell.days, spell.covers(datetime.date(2026, 1, 15))
    (31, True)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from accountframe import jsontext
from accountframe._version import __version__
from accountframe.assessment import Accountable, ConsequenceStatus, Status, Subject
from accountframe.framework.framework import Framework
from accountframe.model import Portfolio

__all__ = ["HISTORY_FORMAT", "ConsequenceSpell", "History", "Spell", "runs"]

HISTORY_FORMAT = "accountframe/history/1"


class _Span:
    """What a finding's and a consequence's spells share: their days, and their JSON."""

    __slots__ = ()
    policy: str
    subject: Subject
    status: Status | ConsequenceStatus
    #: The first day of the spell.
    start: datetime.date
    #: The last day of the spell (inclusive).
    end: datetime.date
    accountable: Accountable

    @property
    def days(self) -> int:
        """How many days the spell lasts: `end - start + 1`."""
        return (self.end - self.start).days + 1

    def covers(self, day: datetime.date) -> bool:
        """Whether `day` is one of the spell's days."""
        return self.start <= day <= self.end

    def span_dict(self, name: str, value: str) -> dict[str, Any]:
        """The spell as its format writes it, `name` (kind or effect) after the policy."""
        return {
            "policy": self.policy,
            name: value,
            "subject": self.subject.to_dict(),
            "status": self.status.value,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": self.days,
            "accountable": _accountable(self.accountable),
        }


@attrs.frozen
class Spell(_Span):
    """One policy's status for one subject over a run of days, and who was accountable."""

    policy: str
    kind: str
    subject: Subject
    status: Status
    start: datetime.date
    end: datetime.date
    accountable: Accountable

    def to_dict(self) -> dict[str, Any]:
        return self.span_dict("kind", self.kind)


@attrs.frozen
class ConsequenceSpell(_Span):
    """One sanction's or reward's status for one subject over a run of days."""

    policy: str
    effect: str
    subject: Subject
    status: ConsequenceStatus
    start: datetime.date
    end: datetime.date
    accountable: Accountable

    def to_dict(self) -> dict[str, Any]:
        return self.span_dict("effect", self.effect)


def _accountable(accountable: Accountable) -> dict[str, Any]:
    """The accountable person as a spell shows it: role, person, name (SPEC section 13)."""
    return {"role": accountable.role, "person": accountable.person, "name": accountable.name}


@attrs.frozen
class History:
    """Every spell of one framework over one portfolio, from `start` to `end` (inclusive).

    Attributes:
        spells: The findings' spells, by policy order, then subject order, then date.
        consequence_spells: The sanctions' and rewards' spells, in the same order.
    """

    framework: str
    framework_version: str
    framework_digest: str
    organisation: str
    portfolio_digest: str
    start: datetime.date
    end: datetime.date
    generated_by: str
    spells: tuple[Spell, ...]
    consequence_spells: tuple[ConsequenceSpell, ...] = ()

    @classmethod
    def for_period(
        cls,
        framework: Framework,
        portfolio: Portfolio,
        start: datetime.date,
        end: datetime.date,
        spells: Iterable[Spell],
        consequence_spells: Iterable[ConsequenceSpell],
    ) -> History:
        """The history of `framework` over `portfolio` from `start` to `end`, with its spells
        in order (policy, subject, date)."""
        return cls(
            framework=framework.name,
            framework_version=framework.version,
            framework_digest=framework.digest,
            organisation=portfolio.organisation,
            portfolio_digest=portfolio.digest,
            start=start,
            end=end,
            generated_by=f"accountframe {__version__}",
            spells=tuple(spells),
            consequence_spells=tuple(consequence_spells),
        )

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.end - self.start).days + 1

    def spell_at(self, policy: str, subject: str, day: datetime.date) -> Spell | None:
        """The spell of `policy` for the subject with id `subject` that covers `day`, if any.

        Example:
            >>> history = History(framework="f", framework_version="1", framework_digest="",
            ...     organisation="o", portfolio_digest="", start=datetime.date(2026, 1, 1),
            ...     end=datetime.date(2026, 1, 31), generated_by="t", spells=())
            >>> history.spell_at("CAD-1", "C1", datetime.date(2026, 1, 2)) is None
            True
        """
        return next(
            (
                spell
                for spell in self.spells
                if spell.policy == policy and spell.subject.id == subject and spell.covers(day)
            ),
            None,
        )

    def of(self, policy: str, subject: str) -> tuple[Spell, ...]:
        """The spells of one policy for one subject, in date order."""
        return tuple(s for s in self.spells if s.policy == policy and s.subject.id == subject)

    def open(self, *statuses: Status) -> tuple[Spell, ...]:
        """The spells still running on the last day, with one of `statuses` (every status
        when none is given): "failing since ..." for `open(Status.FAIL)`."""
        return tuple(
            spell
            for spell in self.spells
            if spell.end == self.end and (not statuses or spell.status in statuses)
        )

    def days_by_person(self, status: Status = Status.FAIL) -> dict[str | None, int]:
        """Days of spells with `status`, by the accountable person (None: no one), most first."""
        totals: dict[str | None, int] = {}
        for spell in self.spells:
            if spell.status is status:
                person = spell.accountable.person
                totals[person] = totals.get(person, 0) + spell.days
        return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0] or "")))

    def to_dict(self) -> dict[str, Any]:
        """The `accountframe/history/1` document."""
        return {
            "format": HISTORY_FORMAT,
            "framework": {
                "name": self.framework,
                "version": self.framework_version,
                "digest": self.framework_digest,
            },
            "portfolio": {"organisation": self.organisation, "digest": self.portfolio_digest},
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "generated_by": self.generated_by,
            "spells": [spell.to_dict() for spell in self.spells],
            "consequence_spells": [spell.to_dict() for spell in self.consequence_spells],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The history as JSON text: byte-identical for the same inputs."""
        return jsontext.dumps(self.to_dict(), indent)


def runs(
    changes: Iterable[tuple[datetime.date, Any]], end: datetime.date
) -> Iterator[tuple[datetime.date, datetime.date, Any]]:
    """Maximal runs of days with equal values, up to `end`: (first, last, value).

    `changes` gives (day, value) in date order, one entry for each day on which the value may
    have changed (the first for the period's first day); a value holds until the next entry,
    the last one until `end`. Equal values on consecutive entries join one run.

    Example:
        >>> d = datetime.date
        >>> [(a.day, b.day, v) for a, b, v in runs([(d(2026, 1, 1), "a"), (d(2026, 1, 5), "a"),
        ...                                         (d(2026, 1, 9), "b")], d(2026, 1, 20))]
        [(1, 8, 'a'), (9, 20, 'b')]
    """
    first: datetime.date | None = None
    current: Any = None
    for day, value in changes:
        if first is None:
            first, current = day, value
        elif value != current:
            yield first, day - datetime.timedelta(days=1), current
            first, current = day, value
    if first is not None:
        yield first, end, current
