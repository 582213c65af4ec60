"""What every judge is given and gives back.

A judge decides one policy of its kind for one subject, after `applies_to` held: it is given
the compiled policy, the subject's scope and the `Judging` of the assessment (the date, the
expressions, the observer, the scopes), and gives an `Outcome`. Accountability, the policy's
`message` and waivers are applied around it, the same for every kind (`evaluation.run`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, Protocol

from accountframe.assessment import ConsequenceStatus, Status
from accountframe.compiler.compiler import CompiledPolicy
from accountframe.evaluation.expressions import Expressions, Variables
from accountframe.evaluation.observer import Observer
from accountframe.evaluation.scope import Scope, Scopes

__all__ = [
    "ConsequenceJudge",
    "ConsequenceOutcome",
    "DateChanges",
    "FindingJudge",
    "Judging",
    "Outcome",
    "days",
]

#: What a judge of a finding kind gives: (status, message, due, evidence, counted). `evidence`
#: is the finding's (SPEC section 4, per kind); `counted` the reviews or reports that counted
#: for a cadence or information policy (what the schedule reads), empty for the other kinds.
#: A plain tuple: one is made for every finding.
Outcome = tuple[Status, str, datetime.date | None, dict[str, Any], Sequence[Any]]

#: What the judge of sanctions and rewards gives: (status, message, amount, due).
ConsequenceOutcome = tuple[ConsequenceStatus, str, float | None, datetime.date | None]


class Judging:
    """What the judges of one assessment share."""

    __slots__ = ("as_of", "expressions", "observer", "scopes")

    def __init__(self, scopes: Scopes, expressions: Expressions) -> None:
        self.scopes = scopes
        self.as_of: datetime.date = scopes.as_of
        self.expressions = expressions
        self.observer: Observer = expressions.observer


class FindingJudge(Protocol):
    """Decides a policy of a finding kind for a subject it applies to."""

    def __call__(self, policy: CompiledPolicy, scope: Scope, judging: Judging) -> Outcome: ...


class DateChanges(Protocol):
    """The days after which a finding kind's outcome may change with the date alone."""

    def __call__(self, policy: CompiledPolicy, outcome: Outcome) -> tuple[datetime.date, ...]: ...


class ConsequenceJudge(Protocol):
    """Decides a sanction or reward for a subject, `findings` bound in `at`."""

    def __call__(
        self, policy: CompiledPolicy, at: Variables, judging: Judging
    ) -> ConsequenceOutcome: ...


def days(count: int) -> str:
    """`1 day`, `2 days`.

    >>> days(1), days(0)
    ('1 day', '0 days')
    """
    return f"{count} day{'s' * (count != 1)}"
