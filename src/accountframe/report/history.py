"""Renderers of a `History` (SPEC section 13): the spells of a period, in one of five formats.

| format | for |
|---|---|
| `table` | a terminal (the default): what is open and since when, the longest, who, every spell |
| `json` | other programs: the `accountframe/history/1` document, `History.to_json()` |
| `csv` | spreadsheets: one row per spell, findings then consequences |
| `markdown` | board papers: open failures, the longest, days in `fail` by person |
| `html` | people: one self-contained page with a timeline chart |

Every renderer is deterministic: the same history gives the same text. `markdown` and `html`
also take the portfolio (keyword `portfolio`), to show contract titles. Text from the data
goes through `accountframe.sanitise`, as in the assessment reports.

Example:
    >>> import datetime
    >>> from accountframe.timeline.spells import History
    >>> empty = History(framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry of Example", portfolio_digest="0" * 64,
    ...     start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31),
    ...     generated_by="accountframe 0", spells=())
    >>> list(FORMATS)
    ['table', 'json', 'csv', 'markdown', 'html']
    >>> render(empty, "csv").splitlines()[0].split(",")[:4]
    ['record', 'policy', 'kind', 'effect']
    >>> print(render(empty, "table"), end="")
    Ministry of Example: history from 2026-01-01 to 2026-01-31 (31 days)
    framework demo 1
    0 findings fail, warn or error on some day; 0 open on 2026-01-31 (0 fail, 0 warn, 0 error).
    0 sanctions and rewards due or undecided on some day; 0 on 2026-01-31.
    <BLANKLINE>
    Open on 2026-01-31: none.
    <BLANKLINE>
    Days in fail by accountable person: none.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from accountframe.errors import UsageError, did_you_mean
from accountframe.model import Portfolio
from accountframe.report import history_html, history_markdown
from accountframe.report._common import accountable_text, column_subject_text, subject_text
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
from accountframe.report.table import STATUS_STYLES
from accountframe.sanitise import csv_cell, terminal_line
from accountframe.timeline.spells import ConsequenceSpell, History, Spell

__all__ = ["CSV_COLUMNS", "DEFAULT_FORMAT", "FORMATS", "LONGEST", "render", "renderable"]

#: Runs listed in the table's "longest" section at most (the spells section has every one).
LONGEST = 10

#: The header row of the csv format, in order.
CSV_COLUMNS = (
    "record",
    "policy",
    "kind",
    "effect",
    "subject_type",
    "subject",
    "status",
    "from",
    "to",
    "days",
    "accountable_role",
    "accountable_person",
    "accountable_name",
)


def render_json(history: History) -> str:
    """The `accountframe/history/1` document: `History.to_json()` and a final newline."""
    return history.to_json() + "\n"


def render_csv(history: History) -> str:
    """One row per spell (RFC 4180, CRLF), the findings' then the consequences'.

    `record` says which (`finding` or `consequence`); `kind` is a finding's policy kind and
    `effect` a consequence's (`sanction`, `reward`). Every cell from the data goes through
    `accountframe.sanitise.csv_cell`, so no spreadsheet runs it as a formula.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    every: list[Spell | ConsequenceSpell] = [*history.spells, *history.consequence_spells]
    for spell in every:
        finding = isinstance(spell, Spell)
        # Our own words (record, kind, effect, status, dates, days) need no sanitising.
        writer.writerow(
            (
                "finding" if finding else "consequence",
                csv_cell(spell.policy),
                spell.kind if isinstance(spell, Spell) else "",
                "" if isinstance(spell, Spell) else spell.effect,
                csv_cell(spell.subject.type),
                csv_cell(spell.subject.id),
                spell.status.value,
                spell.start.isoformat(),
                spell.end.isoformat(),
                spell.days,
                csv_cell(spell.accountable.role),
                csv_cell(spell.accountable.person or ""),
                csv_cell(spell.accountable.name or ""),
            )
        )
    return buffer.getvalue()


# -- table -----------------------------------------------------------------------------------

# A line of the table: (text, style) parts; the style colours the part on a terminal.
_Line = tuple[tuple[str, str], ...]


def render_table(history: History) -> str:
    """The history as plain text for a terminal or a file: no colour, deterministic.

    Sections: the headline; what is open on the last day and since when, with who was
    accountable when it began and who is now; the longest runs of `fail`, `warn` or `error`;
    days in `fail` by accountable person; the consequences that were due; then every spell of
    every finding that was ever `fail`, `warn` or `error`, with its longest run and open one.
    """
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in _lines(history))


def renderable(history: History) -> RenderableType:
    """The same text as `render_table`, as a `rich` renderable in colour (one per status)."""
    texts = []
    for line in _lines(history):
        text = Text(no_wrap=False)
        for part, style in line:
            text.append(part, style=style)
        texts.append(text)
    return Group(*texts)


def _lines(history: History) -> list[_Line]:
    findings = finding_tracks(history)
    consequences = consequence_tracks(history)
    lines: list[_Line] = [
        (
            (
                f"{terminal_line(history.organisation)}: history from {history.start} to "
                f"{history.end} ({count_text(history.days, 'day')})",
                "bold",
            ),
        ),
        (
            (
                f"framework {terminal_line(history.framework)} "
                f"{terminal_line(history.framework_version)}",
                "bold",
            ),
        ),
        *(((line, ""),) for line in _headline(history, findings, consequences)),
    ]
    lines.append(())
    lines += _open_section(history, findings)
    if findings:
        lines.append(())
        lines += _longest_section(history, findings)
    lines.append(())
    lines += _people_section(history)
    if consequences:
        lines.append(())
        lines += _consequence_section(history, consequences)
    if findings:
        lines.append(())
        lines += _spells_section(history, findings)
    return lines


def _headline(
    history: History, findings: Sequence[Track], consequences: Sequence[Track]
) -> tuple[str, str]:
    open_ = open_runs(findings)
    by_status = ", ".join(
        f"{sum(1 for run in open_ if run.status == status)} {status}"
        for status in ("fail", "warn", "error")
    )
    due = open_runs(consequences)
    return (
        f"{count_text(len(findings), 'finding')} fail, warn or error on some day; "
        f"{len(open_)} open on {history.end} ({by_status}).",
        f"{count_text(len(consequences), 'sanction or reward', 'sanctions and rewards')} "
        f"due or undecided on some day; {len(due)} on {history.end}.",
    )


def _run_line(run: Run, widths: Mapping[str, int], detail: str) -> _Line:
    return (
        ("  ", ""),
        (run.status, STATUS_STYLES.get(run.status, "")),
        (" " * (widths["status"] - len(run.status) + 2), ""),
        (terminal_line(run.policy).ljust(widths["policy"] + 2), ""),
        (terminal_line(column_subject_text(run.subject)).ljust(widths["subject"] + 2), ""),
        (detail, ""),
    )


def _widths(runs: Sequence[Run]) -> dict[str, int]:
    return {
        "status": max((len(run.status) for run in runs), default=4),
        "policy": max((len(terminal_line(run.policy)) for run in runs), default=6),
        "subject": max(
            (len(terminal_line(column_subject_text(run.subject))) for run in runs), default=7
        ),
    }


def _who(run: Run, later: str) -> _Line:
    began, now = (terminal_line(text) for text in turnover_text(run))
    return ((f"      accountable when it began: {began}; {later}: {now}", ""),)


def _open_section(history: History, findings: Sequence[Track]) -> list[_Line]:
    runs = open_runs(findings)
    if not runs:
        return [((f"Open on {history.end}: none.", "bold"),)]
    lines: list[_Line] = [((f"Open on {history.end}, worst first, then the longest", "bold"),)]
    widths = _widths(runs)
    for run in runs:
        lines.append(_run_line(run, widths, since_text(run, history)))
        lines.append(_who(run, "now"))
    return lines


def _longest_section(history: History, findings: Sequence[Track]) -> list[_Line]:
    runs = longest_runs(findings)
    shown = runs[:LONGEST]
    heading = "Longest runs of fail, warn or error"
    if len(runs) > len(shown):
        heading += f" ({len(shown)} of {len(runs)}; every one is under Spells)"
    lines: list[_Line] = [((heading, "bold"),)]
    widths = _widths(shown)
    for run in shown:
        open_ = run.end == history.end
        detail = f"{count_text(run.days, 'day')}: {run.start} to {run.end}"
        detail += " (still open)" if open_ else ""
        lines.append(_run_line(run, widths, detail))
        lines.append(_who(run, "now" if open_ else "at its end"))
    return lines


def _people_section(history: History) -> list[_Line]:
    rows = people_days(history)
    if not rows:
        return [(("Days in fail by accountable person: none.", "bold"),)]
    lines: list[_Line] = [
        (("Days in fail by accountable person", "bold"),),
        (("  (a day counts once for each finding failing with them accountable)", "dim"),),
    ]
    labels = [terminal_line(row.label) for row in rows]
    width = max(len(label) for label in labels)
    days_width = max(len(f"{row.days:,}") for row in rows)
    for label, row in zip(labels, rows, strict=True):
        lines.append(
            (
                (f"  {label.ljust(width)}  ", ""),
                (f"{row.days:,}".rjust(days_width), STATUS_STYLES["fail"]),
                (
                    f" days  {count_text(row.findings, 'finding')}; "
                    f"longest spell {count_text(row.longest, 'day')}",
                    "",
                ),
            )
        )
    return lines


def _consequence_section(history: History, consequences: Sequence[Track]) -> list[_Line]:
    lines: list[_Line] = [(("Consequences that were due or undecided", "bold"),)]
    lines += _track_lines(history, consequences)
    return lines


def _spells_section(history: History, findings: Sequence[Track]) -> list[_Line]:
    lines: list[_Line] = [(("Spells of every finding that was fail, warn or error", "bold"),)]
    lines += _track_lines(history, findings)
    return lines


def _track_lines(history: History, tracks: Sequence[Track]) -> list[_Line]:
    lines: list[_Line] = []
    status_width = max(len(spell.status.value) for track in tracks for spell in track.spells)
    days_width = max(len(str(spell.days)) for track in tracks for spell in track.spells)
    for track in tracks:
        lines.append(
            (
                (
                    f"  {terminal_line(track.policy)}  {terminal_line(subject_text(track.subject))}"
                    f"  ({terminal_line(track.kind)})",
                    "bold",
                ),
            )
        )
        for spell in track.spells:
            status = spell.status.value
            lines.append(
                (
                    ("    ", ""),
                    (status, STATUS_STYLES.get(status, "")),
                    (
                        f"{' ' * (status_width - len(status) + 2)}{spell.start} to {spell.end}"
                        f"  {str(spell.days).rjust(days_width)} "
                        f"{'day ' if spell.days == 1 else 'days'}  "
                        f"{terminal_line(accountable_text(spell.accountable))}",
                        "",
                    ),
                )
            )
        longest = track.longest
        open_ = track.open
        summary = []
        if longest is not None:
            summary.append(f"longest: {longest.status} for {count_text(longest.days, 'day')}")
        summary.append(f"now: {since_text(open_, history)}" if open_ else "not open now")
        lines.append((("    " + "; ".join(summary), "dim"),))
    return lines


# -- the formats -----------------------------------------------------------------------------

#: A renderer: a history in, text out.
Renderer = Callable[[History], str]

#: Format name → renderer, in the order the CLI lists them.
FORMATS: Mapping[str, Renderer] = {
    "table": render_table,
    "json": render_json,
    "csv": render_csv,
    "markdown": history_markdown.render,
    "html": history_html.render,
}

DEFAULT_FORMAT = "table"

# The renderers that can say more with the portfolio at hand (contract titles).
_WITH_PORTFOLIO: Mapping[str, Callable[[History, Portfolio | None], str]] = {
    "markdown": history_markdown.render,
    "html": history_html.render,
}


def render(
    history: History, format: str = DEFAULT_FORMAT, *, portfolio: Portfolio | None = None
) -> str:
    """The history rendered in the named format.

    `portfolio`, the one the history is of, lets `markdown` and `html` show contract titles.

    Raises:
        UsageError: no such format (with a suggestion).
    """
    try:
        renderer = FORMATS[format]
    except KeyError:
        raise UsageError(
            f"unknown history format {format!r}; expected one of {', '.join(FORMATS)}"
            f"{did_you_mean(format, list(FORMATS))}"
        ) from None
    if portfolio is not None and format in _WITH_PORTFOLIO:
        return _WITH_PORTFOLIO[format](history, portfolio)
    return renderer(history)
