"""The `html` format: one self-contained page with charts, for reading and for printing.

Everything is in the one file: the style sheet, and the charts as inline SVG drawn by
matplotlib (the `html` extra: `pip install 'accountframe[html]'`). There are no scripts and
no external references of any kind (no links out, fonts, images or style sheets), so the page
opens offline, from an e-mail attachment, exactly as written.

Sections, in order: the headline (organisation, date, framework and version, counts by
status), who should be worried, charts (findings by kind and status; contracts by policies;
failures per accountable person; days overdue), consequences due, findings by accountable
person, findings by contract, unused waivers.

Accessible: one `h1`, then `h2` per section and `h3` within; every table has a `caption` and
`th` cells with `scope`; every chart is an `<svg role="img">` labelled by its own `<title>` and
`<desc>` (a sentence with the main figures), followed by a table of the same data. Printable:
a print style sheet drops the navigation and colours, and keeps charts and table rows whole.
Every piece of text from a portfolio or framework is HTML-escaped, with its control characters
shown as escapes (`\\x1b`; `accountframe.sanitise.html_text`), in the page and in the charts.

Example:
    >>> import datetime
    >>> from accountframe.assessment import Assessment
    >>> empty = Assessment(
    ...     framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry <of> Example", portfolio_digest="0" * 64,
    ...     as_of=datetime.date(2026, 11, 25), generated_by="accountframe 0", findings=(),
    ... )
    >>> page = render(empty)
    >>> page.startswith("<!DOCTYPE html>"), "<h1>Ministry &lt;of&gt; Example</h1>" in page
    (True, True)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from accountframe.assessment import (
    Assessment,
    Consequence,
    ConsequenceStatus,
    Finding,
    Status,
)
from accountframe.framework.policies import Severity
from accountframe.model import Portfolio
from accountframe.report import _charts
from accountframe.report._common import (
    EXCEPTIONS,
    Concern,
    accountable_text,
    action_text,
    amount_text,
    concerns,
    contract_exposure_text,
    date_text,
    days_overdue,
    exposure_text,
    money_text,
    person_exposure_text,
    person_heading,
    roles_text,
    since_text,
    subject_text,
    worst_first,
)
from accountframe.report._page import BASE_CSS, escape, footer, identifier

__all__ = ["KINDS", "OPTIONAL_SECTIONS", "SECTIONS", "render"]

#: Section ids and headings, in page order.
SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "worried": "Who should be worried",
    "charts": "Charts",
    "consequences": "Consequences due",
    "by-person": "Findings by accountable person",
    "by-contract": "Findings by contract",
    "waivers": "Unused waivers",
}
#: Sections only some pages have, each after the section it follows: "Money at stake" only
#: when some finding has an exposure (a page without one is as it was).
OPTIONAL_SECTIONS: dict[str, tuple[str, str]] = {"money": ("Money at stake", "worried")}
#: The finding kinds, in the order the charts show them.
KINDS = ("oversight_cadence", "required_information", "personal_responsibility", "rule")
#: Bars in the days-overdue chart at most; the table below it lists every one.
MAX_OVERDUE_BARS = 30
#: The heatmap's column of the organisation's own findings (organisation scope).
_ORGANISATION_COLUMN = "(organisation)"
#: Contracts (columns) in the heatmap at most: those with the most exceptions.
MAX_HEATMAP_CONTRACTS = 40
#: People in the failures chart at most, in "worst first" order.
MAX_PEOPLE_BARS = 30
#: Entries a chart's text alternative names at most (the table has every one).
MAX_DESC_ITEMS = 20
_STATUSES = sorted(Status, key=lambda status: -status.badness)


_e = escape
_id = identifier


def render(assessment: Assessment, portfolio: Portfolio | None = None) -> str:
    """The assessment as one self-contained HTML page (UTF-8, newline-terminated).

    With `portfolio`, contracts are shown with their titles.

    Raises:
        UsageError: matplotlib (the `html` extra) is not installed.
    """
    _charts.require_matplotlib()
    titles = {c.id: c.title for c in portfolio.contracts} if portfolio is not None else {}
    title = f"Contract accountability assessment: {assessment.organisation}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{_e(assessment.generated_by)}">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        _header(assessment),
        _nav(bool(assessment.exposure)),
        "<main>",
        _summary(assessment),
        _worried(assessment),
        *_money(assessment),
        _charts_section(assessment, titles),
        _consequences(assessment),
        _by_person(assessment, titles),
        _by_contract(assessment, titles),
        _waivers(assessment),
        "</main>",
        footer(assessment),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# -- building blocks -------------------------------------------------------------------------


def _section(key: str, *body: str) -> str:
    return (
        f'<section id="{key}" aria-labelledby="{key}-h">\n'
        f'<h2 id="{key}-h">{SECTIONS[key] if key in SECTIONS else OPTIONAL_SECTIONS[key][0]}'
        "</h2>\n" + "\n".join(body) + "\n</section>"
    )


def _table(
    caption: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    css: str = "",
) -> str:
    """A table; `caption` and the cells are already-escaped HTML, the headers plain text.

    The first cell of each row is its row header; the columns in `numeric` align right.
    """
    head = "".join(f'<th scope="col"{_num(i, numeric)}>{_e(h)}</th>' for i, h in enumerate(headers))
    lines = [
        f'<table class="{css}">' if css else "<table>",
        f"<caption>{caption}</caption>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            if index == 0:
                cells.append(f'<th scope="row"{_num(index, numeric)}>{cell}</th>')
            else:
                cells.append(f"<td{_num(index, numeric)}>{cell}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _num(index: int, numeric: Sequence[int]) -> str:
    return ' class="num"' if index in numeric else ""


def _status(finding: Finding) -> str:
    text = finding.status.value
    if finding.waiver is not None:
        text += f" ({finding.waiver.original_status.value})"
    return f'<span class="st st-{finding.status.value}">{_e(text)}</span>'


def _consequence_status(consequence: Consequence) -> str:
    value = consequence.status.value
    css = "fail" if consequence.status is ConsequenceStatus.DUE else value
    return f'<span class="st st-{css}">{_e(value)}</span>'


def _subject(subject_id: str, subject_type: str, titles: Mapping[str, str]) -> str:
    if subject_type != "contract":
        return f"{_e(subject_type)} {_id(subject_id)}"
    title = titles.get(subject_id)
    return _id(subject_id) + (f'<br><span class="muted">{_e(title)}</span>' if title else "")


def _evidence(finding: Finding) -> str:
    # Each term and its value in a <div> (allowed in a <dl>), so that they wrap together.
    items = [
        f"<div><dt>{_e(key)}</dt><dd>{_e(_value(value))}</dd></div>"
        for key, value in finding.evidence.items()
        if value is not None
    ]
    if finding.exposure is not None:
        items.append(f"<div><dt>at stake</dt><dd>{_e(exposure_text(finding))}</dd></div>")
    if finding.waiver is not None:
        waiver = finding.waiver
        items.append(
            f"<div><dt>waiver</dt><dd>{_e(waiver.reason)} (approved by "
            f"{_e(waiver.approved_by)} on {waiver.approved_on}, expires {waiver.expires})"
            "</dd></div>"
        )
    return f'<dl class="evidence">{"".join(items)}</dl>' if items else ""


def _value(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_value(item) for item in value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


# -- sections --------------------------------------------------------------------------------


def _header(assessment: Assessment) -> str:
    counts = assessment.status_counts()
    tiles = "".join(
        f'<li class="tile st-{s.value}"><span class="n">{counts[s.value]}</span> '
        f"{_e(s.value.replace('_', ' '))}</li>"
        for s in _STATUSES
    )
    due = len(assessment.due)
    return (
        "<header>\n"
        '<p class="kicker">Contract accountability assessment</p>\n'
        f"<h1>{_e(assessment.organisation)}</h1>\n"
        '<dl class="facts">'
        f"<dt>As of</dt><dd>{assessment.as_of}</dd>"
        f"<dt>Framework</dt><dd>{_e(assessment.framework)} "
        f"{_e(assessment.framework_version)}</dd>"
        f"<dt>Findings</dt><dd>{len(assessment.findings)}</dd>"
        f"<dt>Consequences due</dt><dd>{due}</dd>"
        "</dl>\n"
        f'<ul class="tiles" aria-label="Findings by status">{tiles}</ul>\n'
        "</header>"
    )


def _nav(money: bool) -> str:
    shown = list(SECTIONS.items())
    if money:
        name, after = OPTIONAL_SECTIONS["money"]
        shown.insert([key for key, _ in shown].index(after) + 1, ("money", name))
    links = "".join(f'<li><a href="#{key}">{_e(name)}</a></li>' for key, name in shown)
    return f'<nav aria-label="Contents"><ol>{links}</ol></nav>'


def _summary(assessment: Assessment) -> str:
    counts = assessment.status_counts()
    total = sum(counts.values())
    status_rows = [(_e(s.value), str(counts[s.value])) for s in _STATUSES]
    status_rows.append(("total", str(total)))
    severities = assessment.failures_by_severity()
    severity_rows = [
        (_e(s.value), str(severities[s.value])) for s in sorted(Severity, key=lambda s: -s.rank)
    ]
    by_consequence = [
        (_e(status.value), str(sum(1 for c in assessment.consequences if c.status is status)))
        for status in ConsequenceStatus
    ]
    return _section(
        "summary",
        '<div class="cols">',
        _table("Findings by status", ["status", "findings"], status_rows, numeric=[1]),
        _table("Failures by severity", ["severity", "failures"], severity_rows, numeric=[1]),
        _table("Consequences by status", ["status", "consequences"], by_consequence, numeric=[1]),
        "</div>",
    )


def _worried(assessment: Assessment) -> str:
    rows = concerns(assessment)
    definition = (
        "<p>People accountable for open findings (<code>error</code>, <code>fail</code>, "
        "<code>warn</code>; waived findings are not open), most worrying first. Each "
        "person's open findings are sorted worst first (by status, then severity) and the "
        "lists are compared item by item: the worst finding decides, then the next worst, "
        "and one more finding at an equal level ranks higher. Ties go to the most days "
        "overdue.</p>"
    )
    if not rows:
        return _section("worried", definition, "<p>No one: there are no open findings.</p>")
    body = [_worried_row(rank, concern) for rank, concern in enumerate(rows, start=1)]
    table = _table(
        "Accountable people by their worst open findings",
        [
            "rank",
            "accountable person",
            "worst open finding",
            "error",
            "fail",
            "warn",
            "critical or high fails",
            "most days overdue",
            "sanctions due on them",
        ],
        body,
        numeric=[0, 3, 4, 5, 6, 7, 8],
    )
    return _section("worried", definition, table)


def _worried_row(rank: int, concern: Concern) -> tuple[str, ...]:
    worst = concern.worst
    return (
        str(rank),
        _e(concern.heading),
        f"{_status(worst)} {_e(worst.severity.value)} {_id(worst.policy)} "
        f"on {_id(subject_text(worst.subject))}",
        str(concern.count(Status.ERROR)),
        str(concern.count(Status.FAIL)),
        str(concern.count(Status.WARN)),
        str(concern.serious_failures),
        str(concern.most_days_overdue),
        str(len(concern.sanctions_due)),
    )


def _money(assessment: Assessment) -> list[str]:
    """The money at stake, per currency: total, by accountable person, by contract."""
    totals = assessment.exposure
    if not totals:
        return []
    rows = [
        (_e(t.currency), _e(money_text(t.total, t.currency)), _e(money_text(t.waived, t.currency)))
        for t in totals
    ]
    people = [
        (_e(person_exposure_text(item)), _e(t.currency), _e(money_text(item.amount, t.currency)))
        for t in totals
        for item in t.by_person
    ]
    contracts = [
        (_id(contract_exposure_text(item)), _e(t.currency), _e(money_text(item.amount, t.currency)))
        for t in totals
        for item in t.by_contract
    ]
    return [
        _section(
            "money",
            "<p>The findings' exposure (what their policies say is at stake), summed per "
            "currency; waived findings are included, and counted apart.</p>",
            '<div class="cols">',
            _table("Total", ["currency", "total", "of which waived"], rows, numeric=[1, 2]),
            _table(
                "By accountable person", ["person", "currency", "at stake"], people, numeric=[2]
            ),
            _table("By contract", ["contract", "currency", "at stake"], contracts, numeric=[2]),
            "</div>",
        )
    ]


def _charts_section(assessment: Assessment, titles: Mapping[str, str]) -> str:
    figures = [
        _kind_chart(assessment),
        _heatmap(assessment, titles),
        _people_chart(assessment),
        _overdue_chart(assessment),
    ]
    return _section("charts", *figures)


def _figure(heading: str, chart: _charts.Chart | None, data: str, empty: str) -> str:
    if chart is None:
        return f"<h3>{_e(heading)}</h3>\n<p>{_e(empty)}</p>"
    return (
        f'<figure aria-labelledby="{chart.id}-caption">\n'
        f'<h3 id="{chart.id}-caption">{_e(heading)}</h3>\n'
        f"{chart.svg}"
        f'<figcaption class="muted">{_e(chart.desc)}</figcaption>\n'
        f"<details><summary>The data of this chart as a table</summary>\n{data}\n</details>\n"
        "</figure>"
    )


def _kind_chart(assessment: Assessment) -> str:
    kinds = [k for k in KINDS if any(f.kind == k for f in assessment.findings)]
    kinds += sorted({f.kind for f in assessment.findings} - set(kinds))
    counts = {
        kind: [
            sum(1 for f in assessment.findings if f.kind == kind and f.status is s)
            for s in _STATUSES
        ]
        for kind in kinds
    }
    heading = "Findings by kind and status"
    rows = [(_e(kind), *map(str, values)) for kind, values in counts.items()]
    data = _table(heading, ["kind", *(s.value for s in _STATUSES)], rows, numeric=list(range(1, 7)))
    if not kinds:
        return _figure(heading, None, data, "No findings.")
    desc = "; ".join(
        f"{kind}: "
        + ", ".join(f"{n} {s.value}" for s, n in zip(_STATUSES, values, strict=True) if n)
        for kind, values in counts.items()
    )
    chart = _charts.stacked_bars(
        "chart-kinds",
        heading,
        desc + ".",
        kinds,
        [
            (s.value, _charts.STATUS_COLOURS[s.value], [counts[k][i] for k in kinds])
            for i, s in enumerate(_STATUSES)
        ],
        xlabel="findings",
    )
    return _figure(heading, chart, data, "")


def _heatmap(assessment: Assessment, titles: Mapping[str, str]) -> str:
    grid = dict(assessment.by_contract())
    # The organisation's own findings (organisation scope) are a column of their own, first.
    organisation = [f for f in assessment.findings if f.subject.type == "organisation"]
    if organisation and _ORGANISATION_COLUMN not in grid:
        grid = {_ORGANISATION_COLUMN: organisation, **grid}
    contracts = list(grid)
    policies: list[str] = []
    for findings in grid.values():
        for finding in findings:
            if finding.policy not in policies:
                policies.append(finding.policy)
    cells: dict[tuple[str, str], Finding] = {
        (f.policy, column): f for column, findings in grid.items() for f in findings
    }
    heading = "Contracts × policies"  # noqa: RUF001 (the multiplication sign is meant)
    rows = [
        (
            _e(policy),
            *(
                _e(cells[(policy, c)].status.value) if (policy, c) in cells else ""
                for c in contracts
            ),
        )
        for policy in policies
    ]
    data = _table(heading, ["policy", *contracts], rows, css="grid")
    if not contracts:
        return _figure(heading, None, data, "No contract findings.")
    exceptions = {c: [cells[(p, c)] for p in policies if (p, c) in cells] for c in contracts}
    exceptions = {
        c: [f for f in found if f.status in EXCEPTIONS] for c, found in exceptions.items()
    }
    problems = [
        f"{c}: " + ", ".join(f"{f.policy} {f.status.value}" for f in found)
        for c, found in exceptions.items()
        if found
    ]
    shown = contracts
    if len(contracts) > MAX_HEATMAP_CONTRACTS:
        # The contracts with the most exceptions, kept in portfolio order.
        ranked = sorted(range(len(contracts)), key=lambda i: -len(exceptions[contracts[i]]))
        shown = [contracts[i] for i in sorted(ranked[:MAX_HEATMAP_CONTRACTS])]
    desc = (
        f"The status of each of {len(policies)} policies (rows) for each of "
        f"{len(shown)} contracts (columns); letters: E error, F fail, W warn, V waived, "
        f"P pass, blank not applicable. "
    )
    if len(shown) < len(contracts):
        desc += (
            f"The chart shows the {len(shown)} of {len(contracts)} contracts with the most "
            "exceptions; the table lists all. "
        )
    desc += _listed("Exceptions", problems) if problems else "No exceptions."
    chart = _charts.heatmap(
        "chart-heatmap",
        heading,
        desc,
        policies,
        shown,
        [
            [cells[(p, c)].status.value if (p, c) in cells else None for c in shown]
            for p in policies
        ],
    )
    del titles  # contract titles are in the tables; the chart keeps to ids to stay readable
    return _figure(heading, chart, data, "")


def _people_chart(assessment: Assessment) -> str:
    heading = "Failures per accountable person"
    severities = sorted(Severity, key=lambda s: -s.rank)
    people: dict[str, list[int]] = {}
    for person, findings in assessment.by_person().items():
        failed = [f for f in findings if f.status is Status.FAIL]
        if failed:
            label = _person_label(person, findings)
            people[label] = [sum(1 for f in failed if f.severity is s) for s in severities]
    rows = [(_e(label), *map(str, values), str(sum(values))) for label, values in people.items()]
    data = _table(
        heading,
        ["accountable person", *(s.value for s in severities), "total"],
        rows,
        numeric=list(range(1, 7)),
    )
    if not people:
        return _figure(heading, None, data, "No failures.")
    desc = _listed("Failures", [f"{label}: {sum(values)}" for label, values in people.items()])
    shown = dict(list(people.items())[:MAX_PEOPLE_BARS])
    if len(shown) < len(people):
        desc += f" The chart shows the first {len(shown)} people; the table lists all."
    chart = _charts.stacked_bars(
        "chart-people",
        heading,
        desc,
        list(shown),
        [
            (s.value, _charts.SEVERITY_COLOURS[s.value], [v[i] for v in shown.values()])
            for i, s in enumerate(severities)
        ],
        xlabel="fail findings",
    )
    return _figure(heading, chart, data, "")


def _listed(what: str, entries: Sequence[str]) -> str:
    """`What: a; b; c.`, naming at most MAX_DESC_ITEMS entries."""
    text = f"{what}: " + "; ".join(entries[:MAX_DESC_ITEMS])
    more = len(entries) - MAX_DESC_ITEMS
    return text + (f"; and {more} more (see the table)." if more > 0 else ".")


def _person_label(person: str | None, findings: Sequence[Finding]) -> str:
    if person is None:
        return f"no one holds {roles_text(findings)}"
    name = next((f.accountable.name for f in findings if f.accountable.name), None)
    return f"{name} ({person})" if name else person


def _overdue_chart(assessment: Assessment) -> str:
    heading = "Days overdue"
    late = sorted(
        (f for f in assessment.findings if days_overdue(f) > 0),
        key=lambda f: -days_overdue(f),
    )
    rows = [
        (
            f"{_id(f.policy)} on {_id(subject_text(f.subject))}",
            _status(f),
            _id(date_text(f.due)),
            str(days_overdue(f)),
            _e(accountable_text(f.accountable)),
        )
        for f in late
    ]
    data = _table(
        heading,
        ["finding", "status", "was due", "days overdue", "accountable"],
        rows,
        numeric=[3],
    )
    if not late:
        return _figure(heading, None, data, "Nothing is overdue.")
    shown = late[:MAX_OVERDUE_BARS]
    desc = (
        f"{len(late)} reviews or reports are overdue; the longest: "
        + "; ".join(f"{f.policy} on {f.subject.id} {days_overdue(f)} days" for f in late[:5])
        + "."
    )
    if len(late) > len(shown):
        desc += f" The chart shows the {len(shown)} longest; the table lists all."
    statuses = [s for s in _STATUSES if any(f.status is s for f in shown)]
    chart = _charts.bars(
        "chart-overdue",
        heading,
        desc,
        [f"{f.policy} · {subject_text(f.subject)}" for f in shown],
        [days_overdue(f) for f in shown],
        [_charts.STATUS_COLOURS[f.status.value] for f in shown],
        xlabel="days overdue",
        legend=[(s.value, _charts.STATUS_COLOURS[s.value]) for s in statuses],
    )
    return _figure(heading, chart, data, "")


def _consequences(assessment: Assessment) -> str:
    shown = [
        c
        for c in assessment.consequences
        if c.status in (ConsequenceStatus.DUE, ConsequenceStatus.ERROR)
    ]
    if not shown:
        return _section("consequences", "<p>None.</p>")
    rows = [
        (
            _id(c.policy),
            _consequence_status(c),
            _e(c.effect),
            _id(subject_text(c.subject)),
            _e(action_text(c)),
            _id(amount_text(c)),
            _e(accountable_text(c.accountable)),
            _id(date_text(c.due)),
        )
        for c in shown
    ]
    table = _table(
        "Sanctions and rewards due, and those that could not be decided",
        ["policy", "status", "effect", "subject", "action", "amount", "who must apply it", "by"],
        rows,
        numeric=[5],
        css="consequences",
    )
    return _section("consequences", table)


def _finding_rows(
    findings: Sequence[Finding],
    titles: Mapping[str, str],
    *,
    first: str,
    as_of: datetime.date,
    bases: Mapping[str, str],
) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for f in findings:
        lead = (
            _subject(f.subject.id, f.subject.type, titles)
            if first == "subject"
            else _e(accountable_text(f.accountable))
        )
        rows.append(
            (
                _id(f.policy) + _basis(f.policy, bases),
                _status(f),
                _e(f.severity.value),
                lead,
                _e(f.message) + _since(f, as_of) + _evidence(f),
                _id(date_text(f.due)),
            )
        )
    return rows


def _basis(policy: str, bases: Mapping[str, str]) -> str:
    """What the policy rests on, below its id, when the framework says."""
    basis = bases.get(policy)
    return f'<br><span class="muted">{_e(basis)}</span>' if basis else ""


def _since(finding: Finding, as_of: datetime.date) -> str:
    """ " (failing since ...)" after a message, with a look-back, for all but a pass."""
    if finding.since is None or finding.status not in EXCEPTIONS:
        return ""
    return f'; <span class="since">{_e(since_text(finding, as_of))}</span>'


def _group(
    heading: str,
    anchor: str,
    findings: Sequence[Finding],
    titles: Mapping[str, str],
    *,
    first: str,
    as_of: datetime.date,
    bases: Mapping[str, str],
) -> str:
    ordered = worst_first(findings)
    exceptions = [f for f in ordered if f.status in EXCEPTIONS]
    passing = [f for f in ordered if f.status is Status.PASS]
    not_applicable = len(findings) - len(exceptions) - len(passing)
    columns = ["policy", "status", "severity", first if first == "subject" else "accountable"]
    columns += ["message and evidence", "due"]
    parts = [f'<section id="{anchor}" aria-labelledby="{anchor}-h">']
    parts.append(f'<h3 id="{anchor}-h">{heading}</h3>')
    counts = (
        f"{len(exceptions)} exception{'s' * (len(exceptions) != 1)}, {len(passing)} pass, "
        f"{not_applicable} not applicable"
    )
    parts.append(f'<p class="muted">{counts}</p>')
    if exceptions:
        parts.append(
            _table(
                f"Exceptions: {heading}",
                columns,
                _finding_rows(exceptions, titles, first=first, as_of=as_of, bases=bases),
                css="findings",
            )
        )
    if passing:
        parts.append(
            f"<details><summary>{len(passing)} passing</summary>\n"
            + _table(
                f"Passing: {heading}",
                columns,
                _finding_rows(passing, titles, first=first, as_of=as_of, bases=bases),
                css="findings",
            )
            + "\n</details>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _by_person(assessment: Assessment, titles: Mapping[str, str]) -> str:
    groups = [
        _group(
            _e(person_heading(person, findings)),
            f"person-{i}",
            findings,
            titles,
            first="subject",
            as_of=assessment.as_of,
            bases=assessment.bases,
        )
        for i, (person, findings) in enumerate(assessment.by_person().items(), start=1)
    ]
    return _section("by-person", *(groups or ["<p>No findings.</p>"]))


def _by_contract(assessment: Assessment, titles: Mapping[str, str]) -> str:
    groups = []
    for index, (contract, findings) in enumerate(assessment.by_contract().items(), start=1):
        title = titles.get(contract)
        heading = _e(contract) + (f": {_e(title)}" if title else "")
        groups.append(
            _group(
                heading,
                f"contract-{index}",
                findings,
                titles,
                first="accountable",
                as_of=assessment.as_of,
                bases=assessment.bases,
            )
        )
    return _section("by-contract", *(groups or ["<p>No contract findings.</p>"]))


def _waivers(assessment: Assessment) -> str:
    if not assessment.waivers_unused:
        return _section("waivers", "<p>None.</p>")
    rows = [(_id(w.policy), _id(w.subject), _e(w.reason)) for w in assessment.waivers_unused]
    return _section(
        "waivers",
        _table("Waivers in force that waived nothing", ["policy", "subject", "reason"], rows),
    )


_CSS = (
    BASE_CSS
    + """\
.tiles { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; padding: 0; }
.tile { border-radius: 0.3rem; padding: 0.4rem 0.8rem; min-width: 7rem; }
.tile .n { display: block; font-size: 1.6rem; font-weight: 700; }
nav ol { display: flex; flex-wrap: wrap; gap: 0.2rem 1.4rem; padding: 0; list-style: none; }
.id { white-space: nowrap; }
.cols { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid var(--fg); }
tbody tr:nth-child(even) { background: var(--bg-alt); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
table.findings, table.consequences { width: 100%; }
table.consequences td:nth-child(5) { min-width: 12rem; }
table.grid { font-size: 0.75rem; }
.evidence { margin: 0.2rem 0 0; font-size: 0.8rem; color: var(--muted); }
.evidence div { display: inline-block; margin-right: 0.9rem; }
.evidence dt, .evidence dd { display: inline; margin: 0; }
.evidence dt::after { content: ": "; }
.st { display: inline-block; border-radius: 0.2rem; padding: 0 0.35rem; font-size: 0.8rem;
  font-weight: 600; white-space: nowrap; }
.st-error { background: #6a3d9a; color: #fff; }
.st-fail { background: #c62828; color: #fff; }
.st-warn { background: #e69f00; color: #000; }
.st-waived { background: #56b4e9; color: #000; }
.st-pass { background: #2e7d32; color: #fff; }
.st-not_applicable, .st-not_triggered { background: #d9d9d9; color: #000; }
.st-applied { background: #2e7d32; color: #fff; }
figure { margin: 1rem 0 2rem; }
svg.chart { display: block; max-width: 100%; height: auto; }
details { margin: 0.4rem 0; }
summary { cursor: pointer; color: var(--muted); }
code { font-size: 0.85em; overflow-wrap: anywhere; }
footer { margin-top: 3rem; border-top: 1px solid var(--rule); font-size: 0.8rem; }
@media print {
  @page { margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  nav, details { display: none; }
  h2 { break-before: page; break-after: avoid; }
  #summary-h, #worried-h { break-before: auto; }
  h3 { break-after: avoid; }
  figure, tr, .tile { break-inside: avoid; }
  thead { display: table-header-group; }
  .st, .tile { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""
)
