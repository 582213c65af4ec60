"""A snapshot: the results a framework gives a portfolio today, written as a policy test file
(`accountframe test --snapshot PORTFOLIO -o tests/snapshot.yaml`).

Committed beside the framework, it turns "these are the results" into "these must stay the
results": a change to a policy, a parameter or the portfolio that changes any finding's status
or accountable person, or any consequence's status, makes `accountframe test` fail and show
what moved. The case expects every finding (status and accountable person) and every
consequence (status) of the assessment, in report order; messages are left out, so that
rewording one breaks nothing.

Example:
    >>> import yaml
    >>> text = snapshot("tests/fixtures/frameworks/cli", "tests/fixtures/portfolios/cli.yaml",
    ...                 portfolio_reference="../../portfolios/cli.yaml")
    >>> case = yaml.safe_load(text)["tests"][0]
    >>> case["as_of"], case["portfolio"]
    (datetime.date(2026, 11, 25), '../../portfolios/cli.yaml')
    >>> case["expect"][0]
    {'policy': 'CAD-SRO', 'subject': 'C-1', 'status': 'pass', 'accountable': 'p-sro'}
"""

from __future__ import annotations

import datetime
import os
from typing import Any

import yaml

from accountframe.compiled import compile
from accountframe.errors import UsageError
from accountframe.framework.framework import Framework
from accountframe.load.documents import DEFAULT_LIMITS, LoadLimits, load_portfolio
from accountframe.tools.policytest import resolve_framework

__all__ = ["snapshot"]


def snapshot(
    framework: Framework | str | os.PathLike[str],
    portfolio: str | os.PathLike[str],
    *,
    as_of: datetime.date | None = None,
    portfolio_reference: str | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
) -> str:
    """A policy test file (YAML text) expecting exactly the results of `portfolio` now.

    Args:
        framework: A framework folder, a bundled framework's name, or a `Framework`.
        portfolio: The portfolio file.
        as_of: The date; default the portfolio's `as_of` (one of the two must be given: a
            test never depends on today's date).
        portfolio_reference: How the test file names the portfolio, relative to where the
            test file will be (the command line works it out from `-o`); default `portfolio`
            as given.
        limits: Bounds on the files read.

    Raises:
        UsageError: no date: neither `as_of` nor the portfolio's.
        LoadError: the framework or the portfolio is invalid.
    """
    fw, _ = resolve_framework(framework, limits)
    facts = load_portfolio(portfolio, limits=limits)
    date = as_of or facts.as_of
    if date is None:
        raise UsageError(
            "a snapshot needs a date: give --as-of, or an as_of in the portfolio (a test never "
            "depends on today's date)"
        )
    assessment = compile(fw).evaluate(facts, as_of=date)
    expect: list[dict[str, Any]] = []
    for finding in assessment.findings:
        entry: dict[str, Any] = {
            "policy": finding.policy,
            "subject": finding.subject.id,
            "status": finding.status.value,
        }
        if finding.accountable.person is not None:
            entry["accountable"] = finding.accountable.person
        expect.append(entry)
    consequences = [
        {"policy": c.policy, "subject": c.subject.id, "status": c.status.value}
        for c in assessment.consequences
    ]
    reference = portfolio_reference or os.fspath(portfolio)
    case: dict[str, Any] = {
        "name": f"snapshot of {reference} as of {date.isoformat()} ({fw.name} {fw.version})",
        "portfolio": reference,
        "as_of": date,
        "expect": expect,
    }
    if consequences:
        case["expect_consequences"] = consequences
    header = (
        f"# Written by accountframe test --snapshot: the results of {fw.name} {fw.version} for "
        f"this portfolio as of {date.isoformat()}.\n"
        "# Commit it: accountframe test then fails when a change moves any of them.\n"
    )
    return header + _dump({"tests": [case]})


class _Dumper(yaml.SafeDumper):
    """Block style for the file, flow style for each expectation: one line each."""


def _entry(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = "status" in data and "name" not in data
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


_Dumper.add_representer(dict, _entry)


def _dump(data: dict[str, Any]) -> str:
    text: str = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000
    )
    return text
