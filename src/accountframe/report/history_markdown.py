"""The history's `markdown` format: a board paper on how long findings have stood, and who.

Sections: the period and headline counts; open failures and since when (with who was
accountable when each began and who is now); the longest runs of `fail`, `warn` or `error`;
days in `fail` by accountable person; sanctions and rewards that were due; then, as an
appendix, every spell of every finding that was ever a concern.

Text from the data, in table cells and headings, goes through
`accountframe.sanitise.markdown_inline`, as in the assessment's board paper: no link, image or
HTML element can be made, a table cannot be broken, control characters are shown as escapes.

Example:
    >>> import datetime
    >>> from accountframe.timeline.spells import History
    >>> empty = History(framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry <of> Example", portfolio_digest="0" * 64,
    ...     start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31),
    ...     generated_by="accountframe 0", spells=())
    >>> print(render(empty).splitlines()[0])
    # Contract accountability over time: Ministry &lt;of&gt; Example
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from accountframe.model import Portfolio
from accountframe.report._common import accountable_text, subject_text
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
    turnover_text,
)
from accountframe.sanitise import markdown_inline
from accountframe.timeline.spells import History

__all__ = ["LONGEST", "render"]

#: Rows at most in the table of the longest runs; the appendix has every spell.
LONGEST = 10


def _table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[int] = ()
) -> list[str]:
    """A Markdown table of text from the data (every cell escaped); `right` columns align right."""
    rule = ["---:" if index in right else "---" for index in range(len(headers))]
    lines = [_row(headers), _row(rule)]
    lines += [_row([markdown_inline(cell) for cell in row]) for row in rows]
    return lines


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render(history: History, portfolio: Portfolio | None = None) -> str:
    """The history as a Markdown board paper; with `portfolio`, contracts show their titles."""
    titles = {c.id: c.title for c in portfolio.contracts} if portfolio is not None else {}
    findings = finding_tracks(history)
    consequences = consequence_tracks(history)
    lines = [
        f"# Contract accountability over time: {markdown_inline(history.organisation)}",
        "",
        f"Board paper on the period **{history.start} to {history.end}** "
        f"({count_text(history.days, 'day')}), against framework "
        f"**{markdown_inline(history.framework)} {markdown_inline(history.framework_version)}** "
        f"({markdown_inline(history.generated_by)}). Each finding is as `accountframe check` "
        "gives it on each day of the period.",
        "",
        "## Summary",
        "",
        *_headline(history, findings, consequences),
        "",
        "## Open failures and since when",
        "",
        *_open(history, findings, titles),
        "## The longest",
        "",
        *_longest(history, findings, titles),
        "## Days in fail by accountable person",
        "",
        *_people(history),
        "## Sanctions and rewards due",
        "",
        *_consequences(history, consequences),
        "## Appendix: every spell",
        "",
        *_spells(findings, titles),
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def _headline(
    history: History, findings: Sequence[Track], consequences: Sequence[Track]
) -> list[str]:
    open_ = open_runs(findings)
    by_status = ", ".join(
        f"{sum(1 for run in open_ if run.status == status)} {status}"
        for status in ("fail", "warn", "error")
    )
    due = open_runs(consequences)
    return [
        f"**{count_text(len(findings), 'finding')}** (a policy for a contract or person) "
        f"{'was' if len(findings) == 1 else 'were'} fail, warn or error on some day of the "
        f"period; **{len(open_)}** {'is' if len(open_) == 1 else 'are'} still open on "
        f"{history.end} ({by_status}).",
        "",
        f"Sanctions and rewards due on {history.end}: **{len(due)}** "
        f"(of {count_text(len(consequences), 'consequence')} due or undecided on some day).",
    ]


def _subject(run: Run | Track, titles: Mapping[str, str]) -> str:
    text = subject_text(run.subject)
    title = titles.get(run.subject.id) if run.subject.type == "contract" else None
    return f"{text}: {title}" if title else text


def _open(history: History, findings: Sequence[Track], titles: Mapping[str, str]) -> list[str]:
    runs = open_runs(findings)
    if not runs:
        return [f"None: no finding is fail, warn or error on {history.end}.", ""]
    rows = []
    for run in runs:
        began, now = turnover_text(run)
        rows.append(
            (run.status, since_text(run, history), run.policy, _subject(run, titles), began, now)
        )
    headers = ["status", "since", "policy", "subject", "accountable when it began"]
    headers.append("accountable now")
    return [
        "Worst first (error, fail, warn), then the longest. A finding open since the period's "
        'first day may have been open before it ("or earlier").',
        "",
        *_table(headers, rows),
        "",
    ]


def _longest(history: History, findings: Sequence[Track], titles: Mapping[str, str]) -> list[str]:
    runs = longest_runs(findings)
    if not runs:
        return ["None.", ""]
    shown = runs[:LONGEST]
    rows = []
    for run in shown:
        began, later = turnover_text(run)
        rows.append(
            (
                str(run.days),
                run.status,
                f"{run.start} to {run.end}" + (" (open)" if run.end == history.end else ""),
                run.policy,
                _subject(run, titles),
                began,
                later,
            )
        )
    headers = ["days", "status", "dates", "policy", "subject", "accountable when it began"]
    headers.append("at its end (or now)")
    more = (
        [f"And {len(runs) - len(shown)} more: see the appendix.", ""]
        if len(runs) > len(shown)
        else []
    )
    return [
        "Runs of fail, warn or error, whoever was accountable, longest first.",
        "",
        *_table(headers, rows, right=[0]),
        "",
        *more,
    ]


def _people(history: History) -> list[str]:
    rows = people_days(history)
    if not rows:
        return ["None: no finding failed in the period.", ""]
    return [
        "A day counts once for each finding that was failing with the person accountable.",
        "",
        *_table(
            ["accountable person", "days in fail", "findings", "longest spell (days)"],
            [(row.label, f"{row.days:,}", str(row.findings), str(row.longest)) for row in rows],
            right=[1, 2, 3],
        ),
        "",
    ]


def _consequences(history: History, consequences: Sequence[Track]) -> list[str]:
    if not consequences:
        return ["None was due in the period.", ""]
    rows = []
    for track in consequences:
        open_ = track.open
        longest = track.longest
        rows.append(
            (
                track.policy,
                track.kind,
                subject_text(track.subject),
                since_text(open_, history) if open_ is not None else "not now",
                f"{longest.status} {count_text(longest.days, 'day')}" if longest else "",
                accountable_text(track.spells[-1].accountable),
            )
        )
    headers = ["policy", "effect", "subject", "now", "longest", "who must apply it now"]
    return [*_table(headers, rows), ""]


def _spells(findings: Sequence[Track], titles: Mapping[str, str]) -> list[str]:
    if not findings:
        return ["None."]
    rows = [
        (
            track.policy,
            _subject(track, titles),
            spell.status.value,
            str(spell.start),
            str(spell.end),
            str(spell.days),
            accountable_text(spell.accountable),
        )
        for track in findings
        for spell in track.spells
    ]
    headers = ["policy", "subject", "status", "from", "to", "days", "accountable"]
    return [
        "Every spell of every finding that was fail, warn or error on some day, by policy, "
        "then subject, then date.",
        "",
        *_table(headers, rows, right=[5]),
    ]
