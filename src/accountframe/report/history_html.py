"""The history's `html` format: one self-contained page with a timeline chart.

Everything is in the one file: the style sheet and the chart, inline SVG written by
`report._timeline` (no matplotlib needed, no scripts, no external references of any kind), so
the page opens offline exactly as written.

Sections, in order: the summary; open failures and since when; the longest runs; days in
`fail` by accountable person; the timeline (a lane per contract or person and policy that was
ever `fail`, `warn` or `error`, its runs as bars coloured by status with a pattern and a
letter, changes of accountable person marked, a date axis), followed by the same data as a
table; sanctions and rewards that were due.

Accessible as the assessment page is: landmarks (`header`, `nav`, `main`, `footer`), one `h1`,
an `h2` per section; every table has a `caption` and `th` cells with `scope`; the chart is an
`<svg role="img">` labelled by its `<title>` and `<desc>`, and its data is a table below it.
Every piece of text from a portfolio or framework is HTML-escaped with its control characters
shown as escapes (`accountframe.sanitise.html_text`), in the page and in the chart.

Example:
    >>> import datetime
    >>> from accountframe.timeline.spells import History
    >>> empty = History(framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry <of> Example", portfolio_digest="0" * 64,
    ...     start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31),
    ...     generated_by="accountframe 0", spells=())
    >>> page = render(empty)
    >>> page.startswith("<!DOCTYPE html>"), "<h1>Ministry &lt;of&gt; Example</h1>" in page
    (True, True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from accountframe.model import Portfolio
from accountframe.report import _timeline
from accountframe.report._common import accountable_text, subject_text
from accountframe.report._page import BASE_CSS, escape, footer, identifier
from accountframe.report._spells import (
    Run,
    Track,
    consequence_tracks,
    count_text,
    finding_tracks,
    longest_runs,
    open_runs,
    people_days,
    since_text,
    subject_order,
    turnover_text,
)
from accountframe.timeline.spells import History

__all__ = ["LONGEST", "SECTIONS", "render"]

#: Section ids and headings, in page order.
SECTIONS: dict[str, str] = {
    "summary": "Summary",
    "open": "Open failures and since when",
    "longest": "The longest",
    "people": "Days in fail by accountable person",
    "timeline": "Timeline",
    "consequences": "Sanctions and rewards due",
}
#: Rows at most in the table of the longest runs; the timeline's table has every spell.
LONGEST = 10


_e = escape
_id = identifier


def render(history: History, portfolio: Portfolio | None = None) -> str:
    """The history as one self-contained HTML page (UTF-8, newline-terminated).

    With `portfolio`, contracts are shown with their titles.
    """
    titles = {c.id: c.title for c in portfolio.contracts} if portfolio is not None else {}
    findings = finding_tracks(history)
    consequences = consequence_tracks(history)
    title = f"Contract accountability over time: {history.organisation}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{_e(history.generated_by)}">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        _header(history, findings, consequences),
        _nav(),
        "<main>",
        _summary(history, findings, consequences),
        _open(history, findings, titles),
        _longest(history, findings, titles),
        _people(history),
        _timeline_section(history, findings, titles),
        _consequences(history, consequences),
        "</main>",
        footer(history),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _section(key: str, *body: str) -> str:
    return (
        f'<section id="{key}" aria-labelledby="{key}-h">\n'
        f'<h2 id="{key}-h">{SECTIONS[key]}</h2>\n' + "\n".join(body) + "\n</section>"
    )


def _table(
    caption: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
) -> str:
    """A table; `caption` and the cells are already-escaped HTML, the headers plain text.

    The first cell of each row is its row header; the columns in `numeric` align right.
    """
    head = "".join(f'<th scope="col"{_num(i, numeric)}>{_e(h)}</th>' for i, h in enumerate(headers))
    lines = [
        "<table>",
        f"<caption>{caption}</caption>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        cells = [
            f'<th scope="row"{_num(i, numeric)}>{cell}</th>'
            if i == 0
            else f"<td{_num(i, numeric)}>{cell}</td>"
            for i, cell in enumerate(row)
        ]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _num(index: int, numeric: Sequence[int]) -> str:
    return ' class="num"' if index in numeric else ""


def _status(status: str) -> str:
    """A status as a badge: its name in words, so that colour is never the only cue."""
    css = "fail" if status == "due" else status
    return f'<span class="st st-{_e(css)}">{_e(status)}</span>'


def _finding(run: Run | Track, titles: Mapping[str, str]) -> str:
    """`POLICY on SUBJECT`, with the contract's title below when known."""
    text = f"{_id(run.policy)} on {_id(subject_text(run.subject))}"
    title = titles.get(run.subject.id) if run.subject.type == "contract" else None
    return text + (f'<br><span class="muted">{_e(title)}</span>' if title else "")


def _header(history: History, findings: Sequence[Track], consequences: Sequence[Track]) -> str:
    return (
        "<header>\n"
        '<p class="kicker">Contract accountability over time</p>\n'
        f"<h1>{_e(history.organisation)}</h1>\n"
        '<dl class="facts">'
        f"<dt>Period</dt><dd>{history.start} to {history.end} "
        f"({count_text(history.days, 'day')})</dd>"
        f"<dt>Framework</dt><dd>{_e(history.framework)} {_e(history.framework_version)}</dd>"
        f"<dt>Findings ever fail, warn or error</dt><dd>{len(findings)}</dd>"
        f"<dt>Open on {history.end}</dt><dd>{len(open_runs(findings))}</dd>"
        f"<dt>Sanctions and rewards due on {history.end}</dt>"
        f"<dd>{len(open_runs(consequences))}</dd>"
        "</dl>\n"
        "</header>"
    )


def _nav() -> str:
    links = "".join(f'<li><a href="#{key}">{_e(name)}</a></li>' for key, name in SECTIONS.items())
    return f'<nav aria-label="Contents"><ol>{links}</ol></nav>'


def _summary(history: History, findings: Sequence[Track], consequences: Sequence[Track]) -> str:
    open_ = open_runs(findings)
    by_status = [
        (_status(status), str(sum(1 for run in open_ if run.status == status)))
        for status in ("error", "fail", "warn")
    ]
    text = (
        f"<p>Each finding is as <code>accountframe check</code> gives it on each day of the "
        f"period. {count_text(len(findings), 'finding')} (a policy for a contract or person) "
        f"{'was' if len(findings) == 1 else 'were'} fail, warn or error on some day; "
        f"{len(open_)} {'is' if len(open_) == 1 else 'are'} still open on {history.end}. "
        f"{count_text(len(consequences), 'sanction or reward', 'sanctions and rewards')} "
        f"{'was' if len(consequences) == 1 else 'were'} due or undecided on some day.</p>"
    )
    table = _table(
        f"Open on {history.end}, by status", ["status", "findings"], by_status, numeric=[1]
    )
    return _section("summary", text, table)


def _open(history: History, findings: Sequence[Track], titles: Mapping[str, str]) -> str:
    runs = open_runs(findings)
    if not runs:
        return _section("open", f"<p>None: no finding is fail, warn or error on {history.end}.</p>")
    rows = []
    for run in runs:
        began, now = turnover_text(run)
        rows.append(
            (
                _finding(run, titles),
                _status(run.status),
                _e(since_text(run, history)),
                str(run.days),
                _e(began),
                _e(now),
            )
        )
    note = (
        "<p>Worst first (error, fail, warn), then the longest. A finding open since the "
        "period's first day may have been open before it (&ldquo;or earlier&rdquo;).</p>"
    )
    table = _table(
        f"Findings fail, warn or error on {history.end}",
        ["finding", "status", "since", "days", "accountable when it began", "accountable now"],
        rows,
        numeric=[3],
    )
    return _section("open", note, table)


def _longest(history: History, findings: Sequence[Track], titles: Mapping[str, str]) -> str:
    runs = longest_runs(findings)
    if not runs:
        return _section("longest", "<p>None.</p>")
    shown = runs[:LONGEST]
    rows = []
    for run in shown:
        began, later = turnover_text(run)
        rows.append(
            (
                _finding(run, titles),
                _status(run.status),
                f"{_id(run.start)} to {_id(run.end)}"
                + (" (still open)" if run.end == history.end else ""),
                str(run.days),
                _e(began),
                _e(later),
            )
        )
    caption = "Runs of fail, warn or error, whoever was accountable, longest first"
    if len(runs) > len(shown):
        caption += f" ({len(shown)} of {len(runs)}; the timeline's table has every spell)"
    table = _table(
        caption,
        ["finding", "status", "dates", "days", "accountable when it began", "at its end (or now)"],
        rows,
        numeric=[3],
    )
    return _section("longest", table)


def _people(history: History) -> str:
    rows = people_days(history)
    if not rows:
        return _section("people", "<p>None: no finding failed in the period.</p>")
    table = _table(
        "Days in fail by accountable person (a day counts once for each finding failing with "
        "them accountable)",
        ["accountable person", "days in fail", "findings", "longest spell (days)"],
        [(_e(row.label), f"{row.days:,}", str(row.findings), str(row.longest)) for row in rows],
        numeric=[1, 2, 3],
    )
    return _section("people", table)


def _timeline_section(
    history: History, findings: Sequence[Track], titles: Mapping[str, str]
) -> str:
    if not findings:
        return _section("timeline", "<p>No finding was fail, warn or error in the period.</p>")
    order = subject_order(history)
    # By subject (portfolio order), then policy (framework order): a contract's lanes together.
    lanes = sorted(findings, key=lambda track: order[track.subject])
    shown = lanes
    if len(lanes) > _timeline.MAX_LANES:
        ranked = sorted(
            range(len(lanes)),
            key=lambda i: -sum(r.days for r in lanes[i].runs if r.status in lanes[i].concerns),
        )
        shown = [lanes[i] for i in sorted(ranked[: _timeline.MAX_LANES])]
    heading = "Spells of every finding that was fail, warn or error"
    changes = sum(
        1
        for track in lanes
        for before, after in zip(track.spells, track.spells[1:], strict=False)
        if before.accountable != after.accountable
    )
    desc = (
        f"A lane for each of {len(shown)} findings (contract or person, and policy) that were "
        f"fail, warn or error on some day from {history.start} to {history.end}, grouped by "
        "subject; bars show each run of one status, with its colour, pattern and letter "
        "(E error, F fail, W warn, V waived, P pass, - not applicable); black marks show "
        f"the {count_text(changes, 'change')} of accountable person. "
    )
    open_ = open_runs(findings)
    if open_:
        desc += "Open on the last day: " + "; ".join(
            f"{run.policy} on {subject_text(run.subject)} {since_text(run, history)}"
            for run in open_[:10]
        )
        desc += f"; and {len(open_) - 10} more (see the table)." if len(open_) > 10 else "."
    if len(shown) < len(lanes):
        desc += (
            f" The chart shows the {len(shown)} of {len(lanes)} findings with the most days of "
            "concern; the table lists all."
        )
    chart = _timeline.timeline("chart-timeline", heading, desc, shown, history.start, history.end)
    rows = [
        (
            _finding(track, titles),
            _status(spell.status.value),
            _id(spell.start),
            _id(spell.end),
            str(spell.days),
            _e(accountable_text(spell.accountable)),
        )
        for track in lanes
        for spell in track.spells
    ]
    data = _table(
        heading,
        ["finding", "status", "from", "to", "days", "accountable"],
        rows,
        numeric=[4],
    )
    figure = (
        '<figure aria-labelledby="chart-timeline-caption">\n'
        f'<h3 id="chart-timeline-caption">{_e(heading)}</h3>\n'
        f'<div class="scroll">{chart}</div>'
        f'<figcaption class="muted">{_e(desc)}</figcaption>\n'
        f"<details><summary>The data of this chart as a table</summary>\n{data}\n</details>\n"
        "</figure>"
    )
    return _section("timeline", figure)


def _consequences(history: History, consequences: Sequence[Track]) -> str:
    if not consequences:
        return _section("consequences", "<p>None was due in the period.</p>")
    rows = []
    for track in consequences:
        open_ = track.open
        longest = track.longest
        rows.append(
            (
                f"{_id(track.policy)} on {_id(subject_text(track.subject))}",
                _e(track.kind),
                _e(since_text(open_, history)) if open_ is not None else "not now",
                f"{_e(longest.status)} {count_text(longest.days, 'day')}" if longest else "",
                _e(accountable_text(track.spells[-1].accountable)),
            )
        )
    table = _table(
        "Sanctions and rewards due or undecided on some day of the period",
        ["consequence", "effect", "now", "longest", "who must apply it now"],
        rows,
    )
    return _section("consequences", table)


_CSS = (
    BASE_CSS
    + """\
nav ol { display: flex; flex-wrap: wrap; gap: 0.2rem 1.4rem; padding: 0; list-style: none; }
.id { white-space: nowrap; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.3rem 0.5rem; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid var(--fg); }
tbody tr:nth-child(even) { background: var(--bg-alt); }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.st { display: inline-block; border-radius: 0.2rem; padding: 0 0.35rem; font-size: 0.8rem;
  font-weight: 600; white-space: nowrap; }
.st-error { background: #6a3d9a; color: #fff; }
.st-fail { background: #c62828; color: #fff; }
.st-warn { background: #e69f00; color: #000; }
.st-waived { background: #56b4e9; color: #000; }
.st-pass, .st-applied { background: #2e7d32; color: #fff; }
.st-not_applicable, .st-not_triggered { background: #d9d9d9; color: #000; }
figure { margin: 1rem 0 2rem; }
.scroll { overflow-x: auto; }
svg.chart { display: block; max-width: none; height: auto; }
details { margin: 0.4rem 0; }
summary { cursor: pointer; color: var(--muted); }
code { font-size: 0.85em; overflow-wrap: anywhere; }
footer { margin-top: 3rem; border-top: 1px solid var(--rule); font-size: 0.8rem; }
@media print {
  @page { margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  nav, details { display: none; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .st, svg.chart { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""
)
