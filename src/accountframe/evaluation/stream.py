"""A streamed assessment: findings written as each contract is judged, in bounded memory.

`Run.assessment` holds every finding until the end. A streamed run (`stream_run`) judges the
contracts one at a time, as `Run.part` does, and hands each finding and consequence, at
once, to a `Spools`: the text the output format writes for it (`Texts`) goes to one
temporary file per policy, so that the output can still list them in policy order, then
subject order, as the assessment does. What is kept in memory is what the rest of the run
needs, and no more:

- the `Summary` (counts);
- for person-scope policies that read `contracts`: each contract's value (as `Run.part`
  keeps it);
- for people's sanctions and rewards: each finding's map as `findings` binds it (only the
  keys they read, `Plan.finding_fields`) and its accountable person; not the finding.

A *partition* is a span of contracts: its findings, contract-scope consequences, summary,
kept maps and used waivers (a `StreamPart`) need nothing from other contracts, so spans can be
judged anywhere (`evaluation.pool`) and merged in contract order, with the same bytes. The
person scope, people's sanctions and rewards and the unused waivers come last, from the
merged parts.

The organisation scope is judged last too, after the person scope: its `contracts` are every
contract's value as it keeps them (only the fields organisation-scope expressions read, as
for the people's), its sanctions and rewards see its own findings, and people's sanctions and
rewards see its findings they are accountable for.

A streamed run declines (raises `fastpath.Declined`) where it cannot keep that promise: a
look-back (when each status began needs the whole history), a contract id repeated in the
portfolio (its consequences read the findings of every contract with that id), or a finding
whose map needs the ordinary validation. The caller then assesses in memory and writes the
same text.
"""

from __future__ import annotations

import collections
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

import attrs

from accountframe.assessment import Consequence, Finding, Status, Summary
from accountframe.evaluation.run import Run
from accountframe.fastpath import Declined
from accountframe.framework.policies import Consequence as ConsequencePolicy

__all__ = [
    "Kept",
    "Spool",
    "Spools",
    "StreamPart",
    "Texts",
    "check_streamable",
    "finish",
    "judge_contracts",
    "stream_part",
    "stream_run",
]

#: Text held in memory per policy before its spool moves to a temporary file.
SPOOL_MEMORY = 1 << 20
#: Characters copied at a time from a spool to the output.
COPY_CHUNK = 1 << 20


@attrs.frozen
class Texts:
    """How an output format writes each finding and consequence as text.

    The functions pickle, so that worker processes write the text of their own contracts:
    module-level functions, or (for a format whose text depends on the run, such as where a
    finding points) a small frozen attrs class with `__call__`, made per run. `separator`
    goes between two items of the same list (`,` and a line break in JSON; nothing where each
    item ends its own line). A finding whose text is empty (a format that leaves out passes)
    is counted, and nothing is written for it, not even the separator.
    """

    finding: Callable[[Finding], str]
    #: None: the format does not list consequences (they are still counted).
    consequence: Callable[[Consequence], str] | None = None
    separator: str = ""


class Spool:
    """One policy's text: held in memory up to `SPOOL_MEMORY` characters, then written on to a
    temporary file in pieces of about that size (a write per item would cost more than the
    text: a spooled file asks its size at every write)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.file: IO[str] | None = None

    def write(self, text: str) -> None:
        """Add text at the end."""
        self.parts.append(text)
        self.size += len(text)
        if self.size > SPOOL_MEMORY:
            self.flush()

    def flush(self) -> None:
        """Move the text held in memory to the temporary file."""
        if self.file is None:
            # newline="": the text is read back exactly (CSV rows end with CRLF).
            self.file = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close)
        self.file.write("".join(self.parts))
        self.parts, self.size = [], 0

    def chunks(self, skip: int = 0) -> Iterator[str]:
        """The text, in pieces of at most `COPY_CHUNK` characters; the first `skip` left out."""
        if self.file is None:
            text = "".join(self.parts)[skip:]
            for start in range(0, len(text), COPY_CHUNK):
                yield text[start : start + COPY_CHUNK]
            return
        self.flush()
        self.file.seek(0)
        self.file.read(skip)
        while chunk := self.file.read(COPY_CHUNK):
            yield chunk

    def close(self) -> None:
        """Remove the temporary file, if there is one."""
        if self.file is not None:
            self.file.close()
        self.parts, self.size, self.file = [], 0, None


class Spools:
    """The text of each policy's findings and consequences, in subject order, held in memory
    up to `SPOOL_MEMORY` per policy and then in a temporary file; and the `Summary`.

    Use it as a context manager, or call `close`: the temporary files are then removed.
    """

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self.summary = Summary()
        self.findings: dict[int, Spool] = {}
        self.consequences: dict[int, Spool] = {}
        #: How many findings and consequences were written.
        self.counts = {"findings": 0, "consequences": 0}
        #: Policy position → its id and how many of its findings have each status (what a
        #: format that heads each policy's findings with their counts needs: `junit`).
        self.policies: dict[int, str] = {}
        self.tallies: dict[int, dict[Status, int]] = {}

    def __enter__(self) -> Spools:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the temporary files."""
        for spool in [*self.findings.values(), *self.consequences.values()]:
            spool.close()
        self.findings.clear()
        self.consequences.clear()

    def spool(self, index: int, consequence: bool = False) -> Spool:
        """The spool of the policy at `index` (made when first asked for)."""
        spools = self.consequences if consequence else self.findings
        spool = spools.get(index)
        if spool is None:
            spool = spools[index] = Spool()
        return spool

    def finding(self, index: int, finding: Finding) -> None:
        """Count and write one finding of the policy at `index`."""
        self.summary.add_finding(finding)
        self.counts["findings"] += 1
        tally = self.tallies.get(index)
        if tally is None:
            tally = self.tallies[index] = {}
            self.policies[index] = finding.policy
        tally[finding.status] = tally.get(finding.status, 0) + 1
        spool = self.spool(index)  # made all the same: a policy's spool is there (junit)
        text = self.texts.finding(finding)
        if text:
            spool.write(self.texts.separator + text)

    def consequence(self, index: int, consequence: Consequence) -> None:
        """Count and write one consequence of the policy at `index`."""
        self.summary.add_consequence(consequence)
        self.counts["consequences"] += 1
        if self.texts.consequence is not None:
            text = self.texts.separator + self.texts.consequence(consequence)
            self.spool(index, consequence=True).write(text)

    def add(self, part: StreamPart) -> None:
        """Take a part made elsewhere (its text is already made), the next in contract order."""
        self.summary.merge(part.summary)
        for key, count in part.counts.items():
            self.counts[key] += count
        self.policies.update(part.policies)
        for index, statuses in part.tallies.items():
            tally = self.tallies.setdefault(index, {})
            for status, count in statuses.items():
                tally[status] = tally.get(status, 0) + count
        for index, text in part.findings.items():
            self.spool(index).write(text)
        for index, text in part.consequences.items():
            self.spool(index, consequence=True).write(text)

    def chunks(self, consequences: bool = False) -> Iterator[str]:
        """The text of every finding (or consequence), in policy order, then subject order,
        with `separator` between two: in chunks of at most `COPY_CHUNK` characters."""
        spools = self.consequences if consequences else self.findings
        skip = len(self.texts.separator)  # nothing before the first item
        for index in sorted(spools):
            yield from spools[index].chunks(skip)
            skip = 0


@attrs.frozen
class StreamPart:
    """What judging a span of contracts gave, as text (see `stream_part`)."""

    #: Policy position → the text of its findings about these contracts (each after the
    #: separator), and the same for consequences.
    findings: dict[int, str]
    consequences: dict[int, str]
    summary: Summary
    counts: dict[str, int]
    used_waivers: frozenset[int]
    #: As `Spools.policies` and `Spools.tallies`, for these contracts.
    policies: dict[int, str]
    tallies: dict[int, dict[Status, int]]
    #: Policy position → each finding's map as `findings` binds it, and its accountable
    #: person, for people's sanctions and rewards; None when none read them.
    maps: dict[int, list[dict[str, Any] | None]] | None = None
    persons: dict[int, list[str | None]] | None = None


class Kept:
    """What people's sanctions and rewards will read, per contract-scope policy position."""

    def __init__(self, run: Run) -> None:
        self.on = run.keep_finding_values
        self.maps: dict[int, list[dict[str, Any] | None]] = {}
        self.persons: dict[int, list[str | None]] = {}
        #: Each different map kept, by its content (see `interned`).
        self.known: dict[tuple[Any, ...], dict[str, Any]] = {}

    def add(self, index: int, made: dict[str, Any] | None, person: str | None) -> None:
        if made is None:
            raise Declined  # its map needs the ordinary validation, which reads the finding
        maps = self.maps.get(index)
        if maps is None:
            maps = self.maps[index] = []
            self.persons[index] = []
        maps.append(self.interned(made))
        self.persons[index].append(person)

    def interned(self, made: dict[str, Any]) -> dict[str, Any]:
        """One map for equal maps: a map holds only the keys sanctions read (rarely the
        subject), so many findings have equal ones, and memory then grows with the different
        maps, not with the findings. Maps are bound as they are and never changed."""
        try:
            return self.known.setdefault(_content(made), made)
        except TypeError:  # a value that does not hash: kept as it is
            return made

    def extend(self, part: StreamPart) -> None:
        if part.maps is None or part.persons is None:
            return
        for index, maps in part.maps.items():
            if None in maps:
                raise Declined
            self.maps.setdefault(index, []).extend(
                self.interned(made) for made in maps if made is not None
            )
        for index, persons in part.persons.items():
            self.persons.setdefault(index, []).extend(persons)


def _content(made: dict[str, Any]) -> tuple[Any, ...]:
    """A map's content as a key (TypeError if a value does not hash): its keys, then each
    value as `_exactly` gives it, but a string as it is (no other value's key equals a
    string), the evidence (a map) as its items, and the tags (a list) as the list's identity:
    the maps of one policy's findings share one list of tags (`FindingMaps`), kept alive by
    the maps kept."""
    parts: list[Any] = [tuple(made)]
    for value in made.values():
        kind = type(value)
        if kind is str:
            parts.append(value)
        elif kind is dict:
            parts.append(tuple([(item, *_exactly(v)) for item, v in value.items()]))
        elif kind is list:
            parts.append(("list", id(value)))
        else:
            parts.append(_exactly(value))
    return tuple(parts)


def _exactly(value: Any) -> tuple[type, Any]:
    """A value as a key that equal values of another type (1, 1.0, True) or another float
    (0.0 and -0.0) do not share."""
    return (type(value), value.hex() if type(value) is float else value)


def check_streamable(run: Run) -> None:
    """Raise `Declined` if this run cannot be streamed (see the module)."""
    if run.since is not None or run.repeated_ids:
        raise Declined


def judge_contracts(run: Run, spools: Spools, kept: Kept, start: int, stop: int) -> None:
    """Judge `portfolio.contracts[start:stop]` into `spools` (and `kept`), one at a time."""
    contracts = run.portfolio.contracts
    need_maps = bool(run.contract_consequences) or kept.on
    for position in range(start, stop):
        scope = run.scopes.contract(contracts[position])
        about: list[Finding] = []
        for index, policy in run.contract_findings:
            finding = run.finding(policy, scope)
            spools.finding(index, finding)
            about.append(finding)
        maps = run.maps(about) if need_maps else None
        if kept.on and maps is not None:
            for (index, _), made, finding in zip(run.contract_findings, maps, about, strict=True):
                kept.add(index, made, finding.accountable.person)
        for index, policy in run.contract_consequences:
            spools.consequence(index, run.consequence(policy, scope, about, maps))
        run.scopes.forget(scope, keep=run.keep_contract_values)
        run.reset()


def stream_part(run: Run, texts: Texts, start: int, stop: int) -> StreamPart:
    """The contracts `start` to `stop` judged, as text: a worker's share (`evaluation.pool`)."""
    check_streamable(run)
    kept = Kept(run)
    with Spools(texts) as spools:
        judge_contracts(run, spools, kept, start, stop)
        return StreamPart(
            findings={i: "".join(s.chunks()) for i, s in spools.findings.items()},
            consequences={i: "".join(s.chunks()) for i, s in spools.consequences.items()},
            summary=spools.summary,
            counts=dict(spools.counts),
            used_waivers=frozenset(run.waivers.used),
            policies=dict(spools.policies),
            tallies={index: dict(tally) for index, tally in spools.tallies.items()},
            maps=kept.maps if kept.on else None,
            persons=kept.persons if kept.on else None,
        )


def stream_run(run: Run, spools: Spools, parts: Iterable[StreamPart] | None = None) -> None:
    """Judge every subject of the run into `spools` (see the module); `parts`, if given,
    gives the contract-scope work done elsewhere, in contract order.

    Raises:
        Declined: the run cannot be streamed; `spools` then holds part of the work: start
            again with new ones.
    """
    check_streamable(run)
    kept = Kept(run)
    if parts is None:
        judge_contracts(run, spools, kept, 0, len(run.portfolio.contracts))
    else:
        for part in parts:
            spools.add(part)
            kept.extend(part)
            run.waivers.used |= part.used_waivers
    finish(run, spools, kept)


def finish(run: Run, spools: Spools, kept: Kept) -> None:
    """After every contract: the person scope, the organisation scope and its sanctions and
    rewards, then people's sanctions and rewards."""
    people = [run.scopes.person(person) for person in run.portfolio.people]
    # The person-scope and organisation-scope findings, by policy position.
    found_late: dict[int, list[Finding]] = {}
    for index, policy in run.person_policies:
        if not isinstance(policy.policy, ConsequencePolicy):
            found = found_late[index] = [run.finding(policy, scope) for scope in people]
            for finding in found:
                spools.finding(index, finding)
    organised = run.organisation_findings(found_late)
    for index, policy in run.organisation_policies:
        if index in found_late:
            spools.finding(index, found_late[index][0])
        else:
            made = run.consequence(policy, run.scopes.organisation(), organised)
            spools.consequence(index, made)
    consequences = [
        (index, policy)
        for index, policy in run.person_policies
        if isinstance(policy.policy, ConsequencePolicy)
    ]
    if consequences:
        by_person = _people_maps(run, kept, found_late)
        for index, policy in consequences:
            for scope in people:
                maps = by_person.get(scope.subject.id)
                if maps is None:
                    maps = by_person[scope.subject.id] = []
                spools.consequence(index, run.consequence(policy, scope, None, maps))


def _people_maps(
    run: Run, kept: Kept, found_late: dict[int, list[Finding]]
) -> dict[str, list[dict[str, Any] | None]]:
    """Person id → the maps of their `findings`, in assessment order (as `FindingsIndex`
    indexes them: the findings about them, and those they are accountable for, the
    organisation's among them)."""
    by_person: collections.defaultdict[str, list[dict[str, Any] | None]]
    by_person = collections.defaultdict(list)
    for index in range(len(run.plan.policies)):
        if index in kept.maps:
            for made, person in zip(kept.maps[index], kept.persons[index], strict=True):
                if person is not None:
                    by_person[person].append(made)
        elif index in found_late:
            found = found_late[index]
            for finding, made in zip(found, run.maps(found), strict=True):
                if made is None:
                    raise Declined
                subject, person = finding.subject, finding.accountable.person
                if subject.type != "person":  # the organisation: its accountable person's
                    if person is not None:
                        by_person[person].append(made)
                    continue
                by_person[subject.id].append(made)
                if person is not None and person != subject.id:
                    by_person[person].append(made)
    return by_person
