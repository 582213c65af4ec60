"""One judge per policy kind, registered here (SPEC section 4).

A judge decides one policy of its kind for one subject (see `base`). Each lives in a module of
its own, readable alone: `cadence`, `information`, `responsibility`, `rule`, and `consequence`
for sanctions and rewards. A new kind is a `Policy` subclass (`framework.policies`), a module
here with its `judge` (and, for a kind that gives findings, its `changes`: the days on which
an outcome may change with the date alone, which history over a period looks at), and a line
in the tables below.
"""

from __future__ import annotations

from collections.abc import Mapping

from accountframe.evaluation.judges import cadence, consequence, information, responsibility, rule
from accountframe.evaluation.judges.base import ConsequenceJudge, DateChanges, FindingJudge

__all__ = ["CONSEQUENCE_JUDGES", "DATE_CHANGES", "FINDING_JUDGES"]

#: The judge of each kind that gives findings, by kind name.
FINDING_JUDGES: Mapping[str, FindingJudge] = {
    "oversight_cadence": cadence.judge,  # type: ignore[dict-item] # contract scope only
    "required_information": information.judge,  # type: ignore[dict-item]
    "personal_responsibility": responsibility.judge,  # type: ignore[dict-item]
    "rule": rule.judge,
}

#: For each kind that gives findings: the days on which an outcome may change with the date
#: alone, its inputs unchanged (a due date passed, a vacancy's limit).
DATE_CHANGES: Mapping[str, DateChanges] = {
    "oversight_cadence": cadence.changes,
    "required_information": information.changes,
    "personal_responsibility": responsibility.changes,
    "rule": rule.changes,
}

#: The judge of each kind that gives consequences (judged after every finding), by kind name.
CONSEQUENCE_JUDGES: Mapping[str, ConsequenceJudge] = {
    "sanction": consequence.judge,
    "reward": consequence.judge,
}
