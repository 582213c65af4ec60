"""Waivers: approved exceptions that turn a `warn` or `fail` finding into `waived` (SPEC §6).

A waiver applies to a finding of its policy and subject when `approved_on <= as_of <= expires`;
of several, the one that expires last (the later listed on a tie). A waived finding keeps its
original status and the waiver. An expired waiver is ignored, and the finding's message says
so. A waiver in force that waived nothing is listed as unused, with the reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import attrs

from accountframe.assessment import Finding, Status, WaiverApplied, WaiverUnused
from accountframe.model import Waiver

__all__ = ["Waivers"]


class Waivers:
    """The waivers of a portfolio as of a date, and which of them were used."""

    def __init__(self, waivers: Iterable[Waiver], as_of: datetime.date) -> None:
        self.waivers = tuple(waivers)
        self.as_of = as_of
        #: (policy, subject) → (position, waiver) of each waiver naming them.
        self.index: dict[tuple[str, str], list[tuple[int, Waiver]]] = {}
        for position, waiver in enumerate(self.waivers):
            self.index.setdefault((waiver.policy, waiver.subject), []).append((position, waiver))
        #: Positions of the waivers that waived a finding.
        self.used: set[int] = set()

    def at(self, as_of: datetime.date) -> Waivers:
        """The same waivers as of another date, none used yet."""
        moved = Waivers.__new__(Waivers)
        moved.waivers, moved.index, moved.as_of, moved.used = self.waivers, self.index, as_of, set()
        return moved

    def __bool__(self) -> bool:
        return bool(self.waivers)

    def apply(self, finding: Finding) -> Finding:
        """The finding, waived if a waiver in force names its policy and subject."""
        if finding.status is not Status.WARN and finding.status is not Status.FAIL:
            return finding
        candidates = self.index.get((finding.policy, finding.subject.id), [])
        if not candidates:
            return finding
        as_of = self.as_of
        active = [(i, w) for i, w in candidates if w.approved_on <= as_of <= w.expires]
        if active:
            index, waiver = max(active, key=lambda item: (item[1].expires, item[0]))
            self.used.add(index)
            return attrs.evolve(
                finding,
                status=Status.WAIVED,
                waiver=WaiverApplied(
                    reason=waiver.reason,
                    approved_by=waiver.approved_by,
                    approved_on=waiver.approved_on,
                    expires=waiver.expires,
                    original_status=finding.status,
                ),
            )
        expired = [w for _, w in candidates if w.expires < as_of]
        if expired:
            last = max(w.expires for w in expired)
            return attrs.evolve(
                finding, message=f"{finding.message} (a waiver expired on {last.isoformat()})"
            )
        return finding

    def unused(self, policy_ids: Iterable[str]) -> Iterable[WaiverUnused]:
        """The waivers in force that waived nothing, with why (`policy_ids`: the framework's)."""
        known = set(policy_ids)
        for index, waiver in enumerate(self.waivers):
            if index in self.used:
                continue
            if not waiver.approved_on <= self.as_of <= waiver.expires:
                continue  # not in force: neither used nor unused today
            reason = (
                "no policy with this id in the framework"
                if waiver.policy not in known
                else "nothing to waive: no warn or fail finding for this policy and subject"
            )
            yield WaiverUnused(policy=waiver.policy, subject=waiver.subject, reason=reason)
