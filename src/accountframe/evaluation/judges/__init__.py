"""One judge per policy kind, registered here (SPEC section 4).

A judge decides one policy of its kind for one subject (see `base`). Each lives in a module of
its own, readable alone: `cadence`, `information`, `responsibility`, `rule`, and `consequence`
for sanctions and rewards. A new kind is a `Policy` subclass (`framework.policies`), a module
here with its `judge`, and a line in one of the tables below.
"""

from __future__ import annotations

from collections.abc import Mapping

from accountframe.evaluation.judges import cadence, consequence, information, responsibility, rule
from accountframe.evaluation.judges.base import ConsequenceJudge, FindingJudge

__all__ = ["CONSEQUENCE_JUDGES", "FINDING_JUDGES"]

#: The judge of each kind that gives findings, by kind name.
FINDING_JUDGES: Mapping[str, FindingJudge] = {
    "oversight_cadence": cadence.judge,  # type: ignore[dict-item] # contract scope only
    "required_information": information.judge,  # type: ignore[dict-item]
    "personal_responsibility": responsibility.judge,  # type: ignore[dict-item]
    "rule": rule.judge,
}

#: The judge of each kind that gives consequences (judged after every finding), by kind name.
CONSEQUENCE_JUDGES: Mapping[str, ConsequenceJudge] = {
    "sanction": consequence.judge,
    "reward": consequence.judge,
}
