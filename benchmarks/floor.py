"""The floor: benchmarks/framework's policies written by hand as plain Python functions.

Plain functions over the same loaded model objects (`accountframe.Portfolio`, `Contract`, ...),
with the same semantics as SPEC sections 4 and 6: cadence due dates with calendar months,
grace and warn_before, report freshness and `require`, responsibility with vacancies, rules,
waivers, the accountable person up the roles chain, and sanctions and rewards over the
findings. No CEL, no generic machinery: what a developer would write for these policies alone.
It is what accountframe's engine is measured against, and a second implementation to check
the engine's results against (benchmarks/engines.py compares every result).

`assess` gives findings as (policy, subject type, subject id, status, due, accountable person)
and consequences as (policy, subject type, subject id, status, amount, due, accountable person),
in assessment order; dates are ISO strings.
"""

from __future__ import annotations

import calendar
import datetime
import math
from typing import Any

from accountframe.model import Assignment, Contract, Portfolio, Review

__all__ = ["POLICIES", "assess"]

MAJOR = ("gold", "silver")
LIVE = ("mobilisation", "live", "exit")
SENIOR = ("SCS1", "SCS2", "SCS3")
SERIOUS = ("high", "critical")
REPORTS_TO = {"accounting_officer": None, "sro": "accounting_officer", "contract_manager": "sro"}

#: Policy id → (severity, accountable role), in framework order (file name order).
POLICIES: dict[str, tuple[str, str]] = {
    "CAD-GOLD-SRO": ("high", "sro"),
    "CAD-BOARD": ("medium", "sro"),
    "SAN-SERVICE-CREDIT": ("high", "sro"),
    "SAN-ESCALATE": ("high", "accounting_officer"),
    "REW-CLEAN": ("medium", "sro"),
    "INF-PERF": ("high", "sro"),
    "INF-BILL": ("critical", "sro"),
    "INF-COST": ("medium", "sro"),
    "RESP-SRO": ("high", "accounting_officer"),
    "RESP-CM": ("medium", "sro"),
    "RULE-SPEND": ("high", "sro"),
    "RULE-KPI": ("medium", "sro"),
    "RULE-AMEND": ("low", "sro"),
    "RULE-SRO-LOAD": ("medium", "accounting_officer"),
}
CONSEQUENCES = ("SAN-SERVICE-CREDIT", "SAN-ESCALATE", "REW-CLEAN")

Finding = tuple[str, str, str, str, str | None, str | None]
Outcome = tuple[str, datetime.date | None]


def add_months(date: datetime.date, months: int) -> datetime.date:
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(date.day, calendar.monthrange(year, month + 1)[1]))


def freshness(
    as_of: datetime.date,
    dates: list[datetime.date],
    start: datetime.date | None,
    months: int,
    days: int,
    grace: int = 0,
    warn_before: int = 0,
) -> Outcome:
    last = max(dates) if dates else None
    base = max(last, start) if last and start else (last or start)
    if base is None:
        return "fail", None
    due = add_months(base, months) + datetime.timedelta(days=days)
    if as_of <= due - datetime.timedelta(days=warn_before):
        return "pass", due
    if as_of <= due + datetime.timedelta(days=grace):
        return "warn", due
    return "fail", due


def current_holders(assignments: tuple[Assignment, ...], as_of: datetime.date) -> dict[str, Any]:
    current: dict[str, Assignment] = {}
    for a in assignments:
        if a.start <= as_of and (a.end is None or a.end >= as_of):
            held = current.get(a.role)
            if held is None or a.start >= held.start:
                current[a.role] = a
    return current


def responsibility(
    contract: Contract,
    current: dict[str, Assignment],
    role: str,
    max_vacancy: int,
    grades: dict[str, str | None],
    as_of: datetime.date,
    eligible: bool,
) -> Outcome:
    holder = current.get(role)
    if holder is None:
        ended = [
            a.end
            for a in contract.assignments
            if a.role == role and a.end is not None and a.end < as_of
        ]
        if not ended:
            return "fail", None
        limit = max(ended) + datetime.timedelta(days=max_vacancy)
        return ("warn" if as_of <= limit else "fail"), limit
    if holder.person not in grades:
        return "error", None
    if eligible and grades[holder.person] not in SENIOR:
        return "fail", None
    return "pass", None


def latest_of(reports: list[Any]) -> Any:
    latest = None
    for report in reports:
        if latest is None or report.received >= latest.received:
            latest = report
    return latest


def assess(portfolio: Portfolio, as_of: datetime.date) -> tuple[list[Finding], list[tuple]]:
    """Every finding and consequence of benchmarks/framework, in assessment order."""
    org_roles = portfolio.roles
    grades = {person.id: person.grade for person in portfolio.people}
    waivers: dict[tuple[str, str], list[Any]] = {}
    for waiver in portfolio.waivers:
        if waiver.approved_on <= as_of <= waiver.expires:
            waivers.setdefault((waiver.policy, waiver.subject), []).append(waiver)
    year_ago = as_of - datetime.timedelta(days=365)
    month_ago = as_of - datetime.timedelta(days=30)

    by_policy: dict[str, list[Finding]] = {p: [] for p in POLICIES if p not in CONSEQUENCES}
    consequences: dict[str, list[tuple]] = {p: [] for p in CONSEQUENCES}
    gold_live_sros: dict[str, int] = {}
    holds_any: set[str] = set()

    def accountable(
        role: str | None, holders: dict[str, Assignment], escalate: bool = True
    ) -> str | None:
        while role is not None:
            held = holders.get(role)
            person = held.person if held is not None else org_roles.get(role)
            if person is not None:
                return person
            if not escalate:  # a not_applicable finding is not escalated (issue 24)
                return None
            role = REPORTS_TO.get(role)
        return org_roles.get("accounting_officer")

    def found(policy: str, subject: str, outcome: Outcome, holders: dict) -> Finding:
        status, due = outcome
        if status in ("warn", "fail") and (policy, subject) in waivers:
            status = "waived"
        person = accountable(POLICIES[policy][1], holders, status != "not_applicable")
        finding = (policy, "contract", subject, status, due.isoformat() if due else None, person)
        by_policy[policy].append(finding)
        return finding

    for contract in portfolio.contracts:
        cid = contract.id
        current = current_holders(contract.assignments, as_of)
        for holder in current.values():
            holds_any.add(holder.person)
        tier, stage = contract.tier, contract.stage.value
        major, live = tier in MAJOR, stage in LIVE
        if tier == "gold" and live and "sro" in current:
            sro = current["sro"].person
            gold_live_sros[sro] = gold_live_sros.get(sro, 0) + 1
        reviews: list[Review] = [r for r in contract.reviews if r.date <= as_of]
        reports = [r for r in contract.reports if r.received <= as_of]
        mine: list[Finding] = []
        na: Outcome = ("not_applicable", None)

        if live and tier == "gold":
            dates = [r.date for r in reviews if r.forum == "sro_review"]
            outcome = freshness(as_of, dates, contract.start, 1, 0, grace=7, warn_before=5)
        else:
            outcome = na
        mine.append(found("CAD-GOLD-SRO", cid, outcome, current))

        if live and major:
            dates = [r.date for r in reviews if r.forum == "board" and len(r.attendees) >= 1]
            outcome = freshness(as_of, dates, contract.start, 3, 0)
        else:
            outcome = na
        mine.append(found("CAD-BOARD", cid, outcome, current))

        if major:
            of_kind = [r for r in reports if r.kind == "performance"]
            outcome = freshness(as_of, [r.received for r in of_kind], contract.start, 0, 45, 10)
            latest = latest_of(of_kind)
            if latest is not None and not (
                len(latest.kpis) >= 3 and all(k.rating != "inadequate" for k in latest.kpis)
            ):
                # A failure on the report's content alone has no due date (issue 24).
                outcome = ("fail", outcome[1] if outcome[0] != "pass" else None)
        else:
            outcome = na
        mine.append(found("INF-PERF", cid, outcome, current))

        of_kind = [r for r in reports if r.kind == "billing"]
        outcome = freshness(as_of, [r.received for r in of_kind], contract.start, 2, 0)
        latest = latest_of(of_kind)
        if latest is not None:
            figures = latest.figures
            if "billed_units" in figures and not (
                figures["billed_units"] <= figures["own_record_units"] * 1.01
            ):
                outcome = ("fail", outcome[1] if outcome[0] != "pass" else None)
        mine.append(found("INF-BILL", cid, outcome, current))

        if major:
            dates = [
                r.received
                for r in reports
                if r.kind == "cost" and (r.source.value != "supplier" or r.verified)
            ]
            outcome = freshness(as_of, dates, contract.start, 3, 0, warn_before=14)
        else:
            outcome = na
        mine.append(found("INF-COST", cid, outcome, current))

        outcome = responsibility(contract, current, "sro", 30, grades, as_of, True) if major else na
        mine.append(found("RESP-SRO", cid, outcome, current))
        outcome = responsibility(contract, current, "contract_manager", 14, grades, as_of, False)
        mine.append(found("RESP-CM", cid, outcome, current))

        spent = math.fsum(t.amount for t in contract.transactions if t.date <= as_of)
        amendments = [a for a in contract.amendments if a.date <= as_of]
        limit = contract.value.total + (amendments[0].value_change if amendments else 0.0)
        mine.append(found("RULE-SPEND", cid, ("pass" if spent <= limit else "fail", None), current))

        latest = latest_of([r for r in reports if r.kind == "performance"])
        if latest is None:
            outcome = na
        else:
            poor = any(k.rating == "inadequate" and k.actual < k.target * 0.8 for k in latest.kpis)
            outcome = ("fail" if poor else "pass", None)
        mine.append(found("RULE-KPI", cid, outcome, current))

        recent = sum(1 for a in amendments if a.date > year_ago)
        mine.append(found("RULE-AMEND", cid, ("pass" if recent <= 2 else "fail", None), current))

        # Contract-scope consequences see this contract's findings.
        person = accountable("sro", current)
        if any(f[0] == "INF-PERF" and f[3] == "fail" for f in mine):
            applied = any(
                c.kind == "service_credit" and month_ago <= c.date <= as_of
                for c in contract.consequences
            )
            status = "applied" if applied else "due"
            due = None if applied else (as_of + datetime.timedelta(days=30)).isoformat()
            amount = contract.value.annual * 0.01
        else:
            status, amount, due = "not_triggered", None, None
        consequences["SAN-SERVICE-CREDIT"].append(
            ("SAN-SERVICE-CREDIT", "contract", cid, status, amount, due, person)
        )
        clean = major and all(
            f[3] in ("pass", "not_applicable", "waived") or POLICIES[f[0]][0] not in SERIOUS
            for f in mine
        )
        consequences["REW-CLEAN"].append(
            ("REW-CLEAN", "contract", cid, "due" if clean else "not_triggered", None, None, person)
        )

    top = org_roles.get("accounting_officer")
    for person in portfolio.people:
        pid = person.id
        status = "pass" if gold_live_sros.get(pid, 0) <= 1 else "fail"
        if status == "fail" and ("RULE-SRO-LOAD", pid) in waivers:
            status = "waived"
        by_policy["RULE-SRO-LOAD"].append(("RULE-SRO-LOAD", "person", pid, status, None, top))

    findings = [finding for policy in by_policy.values() for finding in policy]
    serious_fails: dict[str, int] = {}
    for policy, _type, subject, status, _due, person in findings:
        if status == "fail" and POLICIES[policy][0] in SERIOUS:
            for who in {person, subject if _type == "person" else None} - {None}:
                serious_fails[who] = serious_fails.get(who, 0) + 1
    escalate_by = (as_of + datetime.timedelta(days=14)).isoformat()
    for person in portfolio.people:
        triggered = serious_fails.get(person.id, 0) >= 3
        consequences["SAN-ESCALATE"].append(
            (
                "SAN-ESCALATE",
                "person",
                person.id,
                "due" if triggered else "not_triggered",
                None,
                escalate_by if triggered else None,
                top,
            )
        )
    ordered = [c for policy in POLICIES if policy in consequences for c in consequences[policy]]
    return findings, ordered
