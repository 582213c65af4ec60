"""`findings`: a subject's findings as its sanctions and rewards see them (SPEC section 4).

For a contract, the findings about it; for a person, the findings for which they are the
accountable person and the person-scope findings about them: always in assessment order
(`FindingsIndex`). Each finding becomes a map (`finding_value`: policy, kind, status,
severity, tags, subject, subject_type, accountable, evidence, and exposure when it has
one), made once however many subjects see it, and only with the keys the sanctions and
rewards read (`FindingMaps`).
"""

from __future__ import annotations

import collections
import datetime
import functools
import itertools
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from accountframe import fastpath
from accountframe.assessment import Finding, Subject
from accountframe.framework.duration import Duration
from accountframe.load.plain import Stamps, stamp

__all__ = [
    "FINDING_ORDER",
    "FindingMaps",
    "FindingsIndex",
    "Since",
    "finding_map",
    "finding_value",
    "texts_finding_map",
]


def finding_value(finding: Finding) -> dict[str, Any]:
    """A finding as the `findings` variable shows it to sanctions and rewards."""
    return {
        "policy": finding.policy,
        "kind": finding.kind,
        "status": finding.status.value,
        "severity": finding.severity.value,
        "tags": list(finding.tags),
        "subject": finding.subject.id,
        "subject_type": finding.subject.type,
        "accountable": finding.accountable.person or "",
        "evidence": {key: value for key, value in finding.evidence.items() if value is not None},
        # Only when the finding has one: `has(f.exposure)` tells.
        **({"exposure": finding.exposure} if finding.exposure is not None else {}),
    }


_INT64 = range(-(2**63), 2**63)


@attrs.frozen
class Since:
    """When each finding's current spell began, for a run with a look-back (SPEC section 13):
    what `since` and `days_in_status` of a `findings` element give, and `Finding.since`.

    `starts` maps (policy, subject type, subject id) to the first day of the finding's current
    spell as far back as it was looked for; a spell that began on or before `as_of -
    look_back` is *limited*: its `since` is that limit. The history engine keeps `starts` up to
    date as it goes through a period, day by day.

    Example:
        >>> import datetime
        >>> since = Since(Duration.parse("30 days"),
        ...               {("R1", "contract", "C1"): datetime.date(2026, 11, 1)})
        >>> since.of("R1", Subject("contract", "C1"), datetime.date(2026, 11, 25))
        (datetime.date(2026, 11, 1), False)
        >>> since.of("R1", Subject("contract", "C2"), datetime.date(2026, 11, 25))
        (datetime.date(2026, 10, 26), True)
    """

    look_back: Duration
    starts: dict[tuple[str, str, str], datetime.date] = attrs.field(factory=dict)

    def of(self, policy: str, subject: Subject, as_of: datetime.date) -> tuple[datetime.date, bool]:
        """(since, limited) of the finding or consequence of `policy` for `subject`."""
        limit = self.look_back.before(as_of)
        start = self.starts.get((policy, subject.type, subject.id))
        if start is None or start <= limit:
            return limit, True
        return start, False

    def value(self, finding: Finding, as_of: datetime.date) -> dict[str, Any]:
        """`finding_value(finding)` with `since` and `days_in_status`."""
        since, _ = self.of(finding.policy, finding.subject, as_of)
        return {
            **finding_value(finding),
            "since": since,
            "days_in_status": (as_of - since).days,
        }


def finding_map(
    finding: Finding, tags: list[str], stamps: Stamps, fields: frozenset[str] | None = None
) -> dict[str, Any] | None:
    """`plain_value(finding_value(finding))`, the map as bound, made directly (given
    `fields`, only its items with those keys); or None when a value is not one it is sure of
    (the caller then validates `finding_value(finding)`).

    `tags`: `list(finding.tags)`, shared by the maps of one policy's findings.
    """
    want = FINDING_KEYS if fields is None else fields
    result: dict[str, Any] = {}
    subject = finding.subject
    for key in FINDING_ORDER:
        if key not in want:
            continue
        if key == "status":
            result[key] = finding.status._value_
        elif key == "severity":
            result[key] = finding.severity._value_
        elif key == "tags":
            result[key] = tags
        elif key == "evidence":
            evidence: dict[str, Any] = {}
            for name, value in finding.evidence.items():
                kind = type(value)
                if kind is str or kind is float or kind is bool:
                    evidence[name] = value
                elif kind is datetime.date:
                    evidence[name] = stamps.get(value) or stamp(value, stamps)
                elif kind is int and value in _INT64:
                    evidence[name] = value
                elif value is not None:
                    return None
            result[key] = evidence
        elif key == "exposure":
            if finding.exposure is not None:
                if type(finding.exposure) is not float:
                    return None
                result[key] = finding.exposure
        else:
            if key == "policy":
                text: object = finding.policy
            elif key == "kind":
                text = finding.kind
            elif key == "subject":
                text = subject.id
            elif key == "subject_type":
                text = subject.type
            else:
                text = finding.accountable.person or ""
            if type(text) is not str:
                return None
            result[key] = text
    return result


#: The keys of a `findings` map, in order (see `finding_value`).
FINDING_ORDER = ("policy", "kind", "status", "severity", "tags", "subject", "subject_type",
                  "accountable", "evidence", "exposure")  # fmt: skip
FINDING_KEYS = frozenset(FINDING_ORDER)
#: Where each text key of a finding's `findings` map comes from (see `finding_value`).
FINDING_TEXTS = {
    "policy": "finding.policy",
    "kind": "finding.kind",
    "status": "finding.status._value_",
    "severity": "finding.severity._value_",
    "subject": "finding.subject.id",
    "subject_type": "finding.subject.type",
    "accountable": "finding.accountable.person",
}


@functools.lru_cache(maxsize=64)
def texts_finding_map(
    fields: frozenset[str] | None,
) -> Callable[[Finding], dict[str, Any] | None] | None:
    """For `findings` maps that hold only text keys (no tags, no evidence): a function making
    one from a finding, or None when `fields` wants other keys.

    The function is generated from the keys (one read and one exact-type test per key, then a
    dict display). It gives the map only when every value is exact text, else None, and
    `finding_map` decides: a vacant role's `accountable`, None here, is "" there.

    Example:
        >>> texts_finding_map(frozenset({"tags", "policy"})) is None
        True
    """
    want = FINDING_KEYS if fields is None else fields
    keys = [key for key in FINDING_ORDER if key in want]
    if not keys or not FINDING_TEXTS.keys() >= set(keys):
        return None
    names = [f"v{number}" for number in range(len(keys))]
    tests = " and ".join(f"type({name}) is str" for name in names)
    display = ", ".join(f"{key!r}: {name}" for key, name in zip(keys, names, strict=True))
    lines = ["def texts_map(finding):"]
    lines += [f"    {name} = {FINDING_TEXTS[key]}" for key, name in zip(keys, names, strict=True)]
    lines += [f"    return {{{display}}} if {tests} else None"]
    # Made once per set of keys (kept): the function and its namespace refer to each other.
    made: Callable[[Finding], dict[str, Any] | None] = fastpath.define("texts_map", lines)
    return made


class FindingMaps:
    """Makes findings' maps as `findings` binds them, for one assessment (`fields`: the keys
    the sanctions and rewards read, `Plan.finding_fields`; None: every key)."""

    def __init__(self, fields: frozenset[str] | None, stamps: Stamps) -> None:
        self.fields = fields
        self.stamps = stamps
        #: Makes a map whose keys are all text ones (see `texts_finding_map`), if it can.
        self._texts_map = texts_finding_map(fields)
        #: Policy id → (its tags, as a `findings` map holds them: one list, read-only).
        self._tags: dict[str, tuple[tuple[str, ...], list[str]]] = {}

    def __call__(self, findings: list[Finding]) -> list[dict[str, Any] | None]:
        """Each finding as an element of `findings` holds it, as bound, in one pass: made once
        per finding (which is in the `findings` of its subject and of its accountable person),
        and kept beside it. None for one whose map needs the ordinary validation (which then
        gives the error)."""
        make = self._texts_map
        made: list[dict[str, Any] | None] = (
            list(map(make, findings)) if make is not None else [None] * len(findings)
        )
        if None in made:
            made = [
                self._any_finding_map(finding) if value is None else value
                for finding, value in zip(findings, made, strict=True)
            ]
        return made

    def _any_finding_map(self, finding: Finding) -> dict[str, Any] | None:
        """A finding's map (see `__call__`) for any fields, by `finding_map`; the
        tags shared per policy."""
        tags = self._tags.get(finding.policy)
        if tags is None or tags[0] is not finding.tags:
            listed = list(finding.tags)
            if any(type(tag) is not str for tag in listed):
                return None
            tags = self._tags[finding.policy] = (finding.tags, listed)
        return finding_map(finding, tags[1], self.stamps, self.fields)


class FindingsIndex:
    """The findings a sanction or reward sees as `findings`, for any subject (SPEC section 4).

    For a contract: the findings about it. For a person: the findings about them (person
    scope) and those for which they are the accountable person. Always in assessment order;
    each subject's list is made once.
    """

    def __init__(
        self,
        findings: list[Finding],
        contracts: Iterable[str] | None = None,
        people: bool = True,
        maps: list[dict[str, Any] | None] | None = None,
    ) -> None:
        """Index `findings` for the subjects that will be asked for: the contracts with ids in
        `contracts` (None: every contract), and every person if `people`. `maps`, if given:
        the findings' maps as bound, in the same order, indexed alongside (see `maps`)."""
        #: Subject id → its findings, for people and for contracts.
        self.people: collections.defaultdict[str, list[Finding]] = collections.defaultdict(list)
        self.contracts: collections.defaultdict[str, list[Finding]] = collections.defaultdict(list)
        #: The same for their maps, when given.
        self.people_maps: collections.defaultdict[str, list[dict[str, Any] | None]]
        self.contract_maps: collections.defaultdict[str, list[dict[str, Any] | None]]
        self.people_maps, self.contract_maps = (
            collections.defaultdict(list),
            collections.defaultdict(list),
        )
        self._empty: list[Finding] = []
        self._no_maps: list[dict[str, Any] | None] = []
        self._has_maps = maps is not None
        self._wanted = None if contracts is None else frozenset(contracts)
        self._with_people = people
        if findings:
            self.add(findings, maps)

    def add(
        self,
        findings: list[Finding],
        maps: list[dict[str, Any] | None] | None = None,
        persons: list[str | None] | None = None,
    ) -> None:
        """Index more findings, which come after those indexed so far (with their `maps`, if
        maps were given to the constructor).

        `persons`, given only for findings that are all about contracts: the accountable
        person of each, in the same order, read when the findings were made. With it, when no
        contract's findings are asked for, only the index of people is built and the findings
        themselves are not read: findings made long before lie scattered in memory, where
        reading each one's subject and accountable person costs several times indexing it.
        """
        wanted, people = self._wanted, self._with_people
        if not people and wanted is not None and not wanted:
            return  # nobody's findings are asked for
        about_people, maps_people = self.people, self.people_maps
        given: Iterable[dict[str, Any] | None] = itertools.repeat(None) if maps is None else maps
        if persons is not None and wanted is not None and not wanted:
            for finding, made, person in zip(findings, given, persons, strict=False):
                if person is not None:
                    about_people[person].append(finding)
                    maps_people[person].append(made)
            return
        about, maps_contracts = self.contracts, self.contract_maps
        for finding, made in zip(findings, given, strict=False):
            subject = finding.subject
            person = finding.accountable.person if people else None
            if subject.type == "person":
                about_people[subject.id].append(finding)
                maps_people[subject.id].append(made)
                if person is not None and person != subject.id:
                    about_people[person].append(finding)
                    maps_people[person].append(made)
            elif subject.type == "organisation":  # about no contract: its accountable person's
                if person is not None:
                    about_people[person].append(finding)
                    maps_people[person].append(made)
            else:
                if wanted is None or subject.id in wanted:
                    about[subject.id].append(finding)
                    maps_contracts[subject.id].append(made)
                if person is not None:
                    about_people[person].append(finding)
                    maps_people[person].append(made)

    def __call__(self, subject: Subject) -> list[Finding]:
        about = self.people if subject.type == "person" else self.contracts
        return about.get(subject.id, self._empty)

    def maps(self, subject: Subject) -> list[dict[str, Any] | None] | None:
        """The maps of `self(subject)`, in the same order; None when none were given."""
        if not self._has_maps:
            return None
        about = self.people_maps if subject.type == "person" else self.contract_maps
        found: list[dict[str, Any] | None] = about.get(subject.id, self._no_maps)
        return found
