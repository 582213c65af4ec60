"""`since` on a snapshot: when each finding's and consequence's status began (SPEC section 13).

With a look-back L, an assessment as of D also says, for every finding and consequence, the
first day of its current spell, searched back to D - L: the history of [D - L, D] (the change
point engine, `timeline.engine`) gives the spells, and the one that ends on D gives `since`.
A spell that starts on D - L reaches the limit: it may have begun earlier (`since_limited`).
Sanctions and rewards see the same `since` on their `findings` (and `days_in_status`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import attrs

from accountframe.assessment import Assessment, Consequence
from accountframe.compiler.compiler import SINCE_FIELDS, Plan
from accountframe.evaluation.assess import evaluate
from accountframe.evaluation.explanation import Explanation, explain
from accountframe.evaluation.findings import Since
from accountframe.evaluation.run import Run
from accountframe.framework.duration import Duration
from accountframe.model import Portfolio
from accountframe.timeline.engine import history
from accountframe.timeline.spells import ConsequenceSpell, Spell

__all__ = ["evaluate_with_since", "explain_with_since"]


def evaluate_with_since(
    plan: Plan,
    portfolio: Portfolio,
    as_of: datetime.date,
    look_back: Duration,
    *,
    workers: int = 1,
) -> Assessment:
    """The assessment as of `as_of`, each finding and consequence with its `since`.

    Example:
        >>> import accountframe as af
        >>> compiled = af.compile(af.bundled("uk-central-government"))
        >>> portfolio = af.load_portfolio("policies/examples/ministry-of-example.yaml")
        >>> assessment = evaluate_with_since(compiled.plan, portfolio,
        ...     datetime.date(2026, 11, 25), Duration.parse("1 year"))
        >>> verified = next(f for f in assessment.findings
        ...                 if (f.policy, f.subject.id) == ("INF-VERIFIED", "ESC-012"))
        >>> verified.status.value, verified.since, verified.since_limited
        ('fail', datetime.date(2025, 11, 25), True)
    """
    limit = look_back.before(as_of)
    past = history(plan, portfolio, limit, as_of, look_back)
    findings_since = Since(look_back, _starts(past.spells, as_of))
    fields = plan.finding_fields
    if fields is None or not fields.isdisjoint(SINCE_FIELDS):
        # Sanctions and rewards read `since`: bind it (one process: the workers' runs would
        # not have it).
        assessment = Run(plan, portfolio, as_of, since=findings_since).assessment()
    else:
        assessment = evaluate(plan, portfolio, as_of, workers=workers)
    consequences_since = Since(look_back, _starts(past.consequence_spells, as_of))
    findings = []
    for finding in assessment.findings:
        since, limited = findings_since.of(finding.policy, finding.subject, as_of)
        findings.append(attrs.evolve(finding, since=since, since_limited=limited))
    consequences = []
    for consequence in assessment.consequences:
        since, limited = consequences_since.of(consequence.policy, consequence.subject, as_of)
        consequences.append(attrs.evolve(consequence, since=since, since_limited=limited))
    return attrs.evolve(assessment, findings=tuple(findings), consequences=tuple(consequences))


def explain_with_since(
    plan: Plan,
    portfolio: Portfolio,
    policy_id: str,
    subject_id: str,
    as_of: datetime.date,
    look_back: Duration,
) -> Explanation:
    """`explain` under a look-back: the sanction or reward sees `since` and `days_in_status`
    as `evaluate_with_since` binds them, and the result carries its `since`."""
    limit = look_back.before(as_of)
    past = history(plan, portfolio, limit, as_of, look_back)
    findings_since = Since(look_back, _starts(past.spells, as_of))
    why = explain(plan, portfolio, policy_id, subject_id, as_of, findings_since)
    result = why.result
    if isinstance(result, Consequence):
        since = Since(look_back, _starts(past.consequence_spells, as_of))
    else:
        since = findings_since
    when, limited = since.of(result.policy, result.subject, as_of)
    return attrs.evolve(why, result=attrs.evolve(result, since=when, since_limited=limited))


def _starts(
    spells: Iterable[Spell | ConsequenceSpell], as_of: datetime.date
) -> dict[tuple[str, str, str], datetime.date]:
    """(policy, subject type, subject id) → the first day of the spell that ends on `as_of`."""
    return {
        (spell.policy, spell.subject.type, spell.subject.id): spell.start
        for spell in spells
        if spell.end == as_of
    }
