"""What every history report shares: spells gathered into runs, tracks and people's days.

A *run* is consecutive spells of one (policy, subject) with the same status: one episode of a
finding, kept whole through changes of who was accountable, so that a report can say "failing
since 2025-03-14 (621 days)" and name who was accountable when it began and who is now. A
*track* is every spell of one (policy, subject), with its runs. The history reports show the
tracks that were ever a concern: a finding that was `fail`, `warn` or `error` on some day, a
consequence that was `due` or `error`.

Example:
    >>> import datetime
    >>> from accountframe.assessment import Accountable, Status, Subject
    >>> from accountframe.timeline.spells import History, Spell
    >>> day = datetime.date
    >>> sam, kim = Accountable("sro", "p-1", "Sam"), Accountable("sro", "p-2", "Kim")
    >>> spells = (
    ...     Spell("CAD-1", "oversight_cadence", Subject("contract", "C1"), Status.FAIL,
    ...           day(2026, 1, 1), day(2026, 1, 9), sam),
    ...     Spell("CAD-1", "oversight_cadence", Subject("contract", "C1"), Status.FAIL,
    ...           day(2026, 1, 10), day(2026, 1, 31), kim),
    ... )
    >>> history = History("f", "1", "", "o", "", day(2026, 1, 1), day(2026, 1, 31), "t", spells)
    >>> track = finding_tracks(history)[0]
    >>> run = track.open
    >>> since_text(run, history), run.began.name, run.now.name
    ('failing since 2026-01-01 or earlier (31 days or more)', 'Sam', 'Kim')
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

import attrs

from accountframe.assessment import Accountable, ConsequenceStatus, Status, Subject
from accountframe.report._common import accountable_text
from accountframe.timeline.spells import ConsequenceSpell, History, Spell

__all__ = [
    "CONCERNS",
    "CONSEQUENCE_CONCERNS",
    "PersonDays",
    "Run",
    "Track",
    "consequence_tracks",
    "count_text",
    "finding_tracks",
    "longest_runs",
    "open_runs",
    "people_days",
    "period_text",
    "since_text",
    "subject_order",
    "turnover_text",
]

#: The finding statuses that make a (policy, subject) worth reporting (SPEC section 13).
CONCERNS = (Status.ERROR.value, Status.FAIL.value, Status.WARN.value)
#: The consequence statuses that do: a sanction or reward due, or undecided.
CONSEQUENCE_CONCERNS = (ConsequenceStatus.ERROR.value, ConsequenceStatus.DUE.value)

# How a run reads: "failing since ...".
_VERBS = {
    "error": "in error",
    "fail": "failing",
    "warn": "warning",
    "due": "due",
    "waived": "waived",
    "pass": "passing",
    "not_applicable": "not applicable",
    "applied": "applied",
    "not_triggered": "not triggered",
}
# Worst first, for ordering runs of equal length: error, then fail or due, then warn.
_RANK = {"error": 0, "fail": 1, "due": 1, "warn": 2}

AnySpell = Spell | ConsequenceSpell


@attrs.frozen
class Run:
    """Consecutive spells of one (policy, subject) with one status, whoever was accountable."""

    policy: str
    subject: Subject
    status: str
    spells: tuple[AnySpell, ...]
    #: The run's place in its report's order (policy order, subject order, date), for ties.
    order: int = 0

    @property
    def start(self) -> datetime.date:
        return self.spells[0].start

    @property
    def end(self) -> datetime.date:
        return self.spells[-1].end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def began(self) -> Accountable:
        """Who was accountable on the run's first day."""
        return self.spells[0].accountable

    @property
    def now(self) -> Accountable:
        """Who was accountable on the run's last day (for an open run: now)."""
        return self.spells[-1].accountable


@attrs.frozen
class Track:
    """Every spell of one (policy, subject) over the period, and its runs."""

    policy: str
    #: The policy's kind (a finding) or effect (a consequence: `sanction`, `reward`).
    kind: str
    subject: Subject
    spells: tuple[AnySpell, ...]
    runs: tuple[Run, ...]
    #: The statuses that count as a concern for this track.
    concerns: tuple[str, ...]
    #: The last day of the period.
    last_day: datetime.date

    @property
    def longest(self) -> Run | None:
        """The longest run of a concern status (the first of equals), if any."""
        concerning = [run for run in self.runs if run.status in self.concerns]
        return max(concerning, key=lambda run: run.days, default=None)

    @property
    def open(self) -> Run | None:
        """The run on the period's last day, if its status is a concern."""
        last = self.runs[-1]
        return last if last.end == self.last_day and last.status in self.concerns else None


def _tracks(
    spells: Sequence[AnySpell], last_day: datetime.date, concerns: tuple[str, ...]
) -> list[Track]:
    tracks: list[Track] = []
    order = 0
    index = 0
    while index < len(spells):
        first = spells[index]
        end = index
        while (
            end < len(spells)
            and spells[end].policy == first.policy
            and spells[end].subject == first.subject
        ):
            end += 1
        group = tuple(spells[index:end])
        index = end
        if not any(spell.status.value in concerns for spell in group):
            continue
        runs: list[Run] = []
        start = 0
        for position in range(1, len(group) + 1):
            if position == len(group) or group[position].status != group[start].status:
                runs.append(
                    Run(
                        first.policy,
                        first.subject,
                        group[start].status.value,
                        group[start:position],
                        order,
                    )
                )
                order += 1
                start = position
        kind = first.kind if isinstance(first, Spell) else first.effect
        tracks.append(
            Track(first.policy, kind, first.subject, group, tuple(runs), concerns, last_day)
        )
    return tracks


def finding_tracks(history: History) -> list[Track]:
    """The findings that were `fail`, `warn` or `error` on some day, in the history's order."""
    return _tracks(history.spells, history.end, CONCERNS)


def consequence_tracks(history: History) -> list[Track]:
    """The sanctions and rewards that were `due` or `error` on some day, in order."""
    return _tracks(history.consequence_spells, history.end, CONSEQUENCE_CONCERNS)


def open_runs(tracks: Iterable[Track]) -> list[Run]:
    """The runs still open on the last day: worst status first, then the longest, then order."""
    found = [track.open for track in tracks if track.open is not None]
    return sorted(found, key=lambda run: (_RANK.get(run.status, 9), -run.days, run.order))


def longest_runs(tracks: Iterable[Track]) -> list[Run]:
    """Every run of a concern status, longest first, then worst status, then report order."""
    found = [run for track in tracks for run in track.runs if run.status in track.concerns]
    return sorted(found, key=lambda run: (-run.days, _RANK.get(run.status, 9), run.order))


@attrs.frozen
class PersonDays:
    """One accountable person's days in `fail`, summed over findings."""

    #: The person's id; None for days when no one held the role.
    person: str | None
    #: How the person reads: `Sam Owner (p-sro1)`, or `no one`.
    label: str
    days: int
    #: How many findings (policy and subject) were failing with them accountable.
    findings: int
    #: The longest single spell of `fail` with them accountable.
    longest: int


def people_days(history: History) -> list[PersonDays]:
    """Days in `fail` by accountable person, most first (`History.days_by_person`'s order)."""
    names: dict[str | None, str] = {}
    findings: dict[str | None, set[tuple[str, Subject]]] = {}
    longest: dict[str | None, int] = {}
    for spell in history.spells:
        if spell.status is not Status.FAIL:
            continue
        person = spell.accountable.person
        if spell.accountable.name and person not in names:
            names[person] = spell.accountable.name
        findings.setdefault(person, set()).add((spell.policy, spell.subject))
        longest[person] = max(longest.get(person, 0), spell.days)
    rows = []
    for person, days in history.days_by_person(Status.FAIL).items():
        if person is None:
            label = "no one (role vacant)"
        else:
            label = f"{names[person]} ({person})" if person in names else person
        rows.append(PersonDays(person, label, days, len(findings[person]), longest[person]))
    return rows


def since_text(run: Run, history: History) -> str:
    """`failing since 2025-03-14 (621 days)`; `... or earlier (N days or more)` for a run that
    began on the period's first day, which may have begun before it."""
    verb = _VERBS.get(run.status, run.status)
    if run.start == history.start:
        return f"{verb} since {run.start} or earlier ({count_text(run.days, 'day')} or more)"
    return f"{verb} since {run.start} ({count_text(run.days, 'day')})"


def period_text(run: Run, history: History) -> str:
    """`2025-12-01 to 2026-03-01 (91 days)`, marking an open run and one from the period's start."""
    text = f"{run.start} to {run.end} ({count_text(run.days, 'day')})"
    notes = []
    if run.start == history.start:
        notes.append("from the period's first day")
    if run.end == history.end:
        notes.append("still open")
    return text + (f", {' and '.join(notes)}" if notes else "")


def turnover_text(run: Run) -> tuple[str, str]:
    """Who was accountable when the run began, and who is now (or was when it ended); the
    second reads `the same` when the accountable person never changed during the run."""
    began = accountable_text(run.began)
    later = accountable_text(run.now)
    if later == began and all(spell.accountable == run.began for spell in run.spells):
        later = "the same"
    return began, later


def subject_order(history: History) -> dict[Subject, int]:
    """Each subject's place: contracts, then people, each in portfolio order.

    Every policy has a spell for every subject of its scope in portfolio order, so the first
    appearance in the history gives the portfolio's order.
    """
    seen: dict[Subject, int] = {}
    every: list[AnySpell] = [*history.spells, *history.consequence_spells]
    for spell in every:
        seen.setdefault(spell.subject, len(seen))
    return {
        subject: index
        for index, subject in enumerate(
            sorted(seen, key=lambda subject: (subject.type != "contract", seen[subject]))
        )
    }


def count_text(number: int, singular: str, plural: str | None = None) -> str:
    """`1 day`, `2 days`."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"
