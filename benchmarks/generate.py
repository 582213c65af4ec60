"""A seeded portfolio for the engines benchmark: the same document for the same arguments.

Contracts have histories around the assessment date (`AS_OF`): assignments (some ended, so
roles fall vacant; some not started yet), reviews in several forums, reports of three kinds
(with periods, sources, KPIs and figures), transactions, amendments and applied consequences,
some dated after `AS_OF` (which evaluation must ignore). A few waivers, some expired, some for
findings that will not fail. Every reference resolves, so the document loads.

    >>> document = generate(3, seed=1)
    >>> len(document["contracts"]), document["contracts"][0]["id"]
    (3, 'C-000000')
    >>> generate(3, seed=1) == document
    True
"""

from __future__ import annotations

import datetime
import random
from typing import Any

__all__ = ["AS_OF", "generate"]

AS_OF = datetime.date(2026, 11, 25)

_TIERS = ["gold", "silver", "silver", "bronze", "bronze", "bronze"]
_STAGES = ["mobilisation", "live", "live", "live", "live", "exit", "procurement", "closed"]
_GRADES = ["SCS1", "SCS2", "SCS3", "G6", "G7"]
_FORUMS = ["sro_review", "sro_review", "board", "risk_review"]
_KINDS = ["performance", "performance", "billing", "cost"]
_RATINGS = ["good", "good", "approaching_target", "requires_improvement", "inadequate"]


def _day(offset: int) -> str:
    return (AS_OF + datetime.timedelta(days=offset)).isoformat()


def _assignments(rng: random.Random, role: str, ids: list[str]) -> list[dict[str, Any]]:
    """One to three holders in turn; the last may have left (a vacancy) or not started yet."""
    start = -rng.randrange(200, 1500)
    holders = []
    for turn in range(rng.randrange(1, 4)):
        length = rng.randrange(60, 700)
        holder: dict[str, Any] = {"role": role, "person": rng.choice(ids), "start": _day(start)}
        last = turn == 2 or rng.random() < 0.5
        if not last or rng.random() < 0.12:
            end = min(start + length, -rng.randrange(1, 60))
            holder["end"] = _day(max(end, start))
        holders.append(holder)
        if "end" not in holder:
            break
        start = int((datetime.date.fromisoformat(holder["end"]) - AS_OF).days) + 1
        if start > -5:
            break
    if rng.random() < 0.03:
        holders.append(
            {"role": role, "person": rng.choice(ids), "start": _day(rng.randrange(1, 90))}
        )
    return holders


def _report(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(_KINDS)
    # Mostly recent, some old; a few arrive after AS_OF.
    received = -rng.choice([rng.randrange(-15, 75), rng.randrange(-15, 75), rng.randrange(0, 400)])
    report: dict[str, Any] = {
        "kind": kind,
        "received": _day(received),
        "period": {"start": _day(received - 40), "end": _day(received - 10)},
        "source": rng.choice(["supplier", "supplier", "authority", "independent"]),
        "verified": rng.random() < 0.3,
    }
    if kind == "performance":
        report["kpis"] = [
            {
                "name": f"kpi-{k}",
                "target": 0.95,
                "actual": round(rng.uniform(0.5, 1.0), 3),
                "rating": rng.choice(_RATINGS),
            }
            for k in range(rng.choice([2, 3, 3, 4]))
        ]
    if kind == "billing" and rng.random() < 0.9:
        own = rng.randrange(1_000, 100_000)
        billed = own + rng.choice([0, 0, 0, rng.randrange(0, own // 20 + 1)])
        report["figures"] = {"billed_units": billed, "own_record_units": own}
    if kind == "cost":
        report["figures"] = {"baseline": rng.randrange(10**5, 10**7)}
    return report


def generate(contracts: int, seed: int = 2026) -> dict[str, Any]:
    """A valid `portfolio/1` document of `contracts` contracts."""
    rng = random.Random(seed)
    people = [
        {"id": f"p-{i:05d}", "name": f"Person {i}", "grade": rng.choice(_GRADES)}
        for i in range(max(12, contracts // 4))
    ]
    ids = [person["id"] for person in people]
    documents = []
    waivers = []
    for number in range(contracts):
        contract_id = f"C-{number:06d}"
        total = float(rng.randrange(10**6, 10**9))
        start = -rng.randrange(120, 2500)
        transactions = [
            {"date": _day(-rng.randrange(-30, 700)), "amount": float(rng.randrange(10**3, 10**6))}
            for _ in range(rng.randrange(4, 20))
        ]
        if rng.random() < 0.05:  # an overspend
            transactions.append({"date": _day(-3), "amount": total})
        documents.append(
            {
                "id": contract_id,
                "title": f"Contract {number}",
                "supplier": f"Supplier {rng.randrange(500)}",
                "tier": rng.choice(_TIERS),
                "stage": rng.choice(_STAGES),
                "strategic": rng.random() < 0.1,
                "value": {"total": total, "annual": round(total / rng.randrange(3, 10), 2)},
                "start": _day(start),
                "end": _day(rng.randrange(30, 2000)),
                "assignments": _assignments(rng, "sro", ids)
                + _assignments(rng, "contract_manager", ids),
                "reviews": [
                    {
                        "date": _day(-rng.choice([rng.randrange(-10, 60), rng.randrange(0, 400)])),
                        "forum": rng.choice(_FORUMS),
                        "chair": rng.choice(ids),
                        "attendees": rng.sample(ids, rng.randrange(0, 3)),
                    }
                    for _ in range(rng.randrange(0, 12))
                ],
                "reports": [_report(rng) for _ in range(rng.randrange(0, 10))],
                "transactions": transactions,
                "amendments": [
                    {
                        "date": _day(-rng.randrange(-20, 900)),
                        "rationale": "change of scope",
                        "value_change": float(rng.randrange(-(10**5), 10**7)),
                    }
                    for _ in range(rng.choice([0, 0, 1, 2, 3, 4]))
                ],
                "consequences": [
                    {
                        "date": _day(-rng.randrange(0, 90)),
                        "effect": "sanction",
                        "kind": rng.choice(["service_credit", "improvement_plan"]),
                        "amount": 5000.0,
                    }
                    for _ in range(rng.choice([0, 0, 0, 1, 2]))
                ],
            }
        )
        if rng.random() < 0.04:
            approved = -rng.randrange(10, 200)
            waivers.append(
                {
                    "policy": rng.choice(
                        ["INF-BILL", "INF-PERF", "CAD-BOARD", "RESP-CM", "RULE-SPEND"]
                    ),
                    "subject": contract_id,
                    "reason": "agreed exception",
                    "approved_by": ids[0],
                    "approved_on": _day(approved),
                    "expires": _day(approved + rng.randrange(30, 400)),
                }
            )
    return {
        "accountframe": "portfolio/1",
        "organisation": "Benchmark Department",
        "as_of": AS_OF.isoformat(),
        "roles": {"accounting_officer": ids[0]},
        "people": people,
        "contracts": documents,
        "waivers": waivers,
    }
