"""The history page's timeline chart: inline SVG, written by hand, that reads offline.

A lane per (subject, policy), a bar per run of one status across the period, each bar in its
status's colour *and* its own pattern and letter (so that no meaning rests on colour alone),
a mark where the accountable person changed, and a date axis. The SVG is written directly
(no matplotlib): its text is plain text, its bytes are the same for the same history, and a
year of the bundled example (100 lanes) is about 100 kB. Every piece of text from the data
goes through `accountframe.sanitise.html_text`.

Example:
    >>> [tick.isoformat() for tick, _ in axis_ticks(datetime.date(2026, 1, 15),
    ...                                                datetime.date(2026, 4, 2))]
    ['2026-02-01', '2026-03-01', '2026-04-01']
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from accountframe.report._common import accountable_text, subject_text
from accountframe.report._spells import Track, count_text
from accountframe.sanitise import html_text

__all__ = ["LETTERS", "MAX_LANES", "STYLES", "axis_ticks", "timeline"]

#: Lanes drawn at most (the most days of concern first); the page's table lists every one.
MAX_LANES = 150

#: Per status: fill colour, text colour on it, and the pattern drawn over it (None: plain).
#: The colours are the assessment page's; each has a contrast of at least 3:1 with white.
STYLES: dict[str, tuple[str, str, str | None]] = {
    "error": ("#6a3d9a", "#fff", "cross"),
    "fail": ("#c62828", "#fff", "diagonal"),
    "warn": ("#e69f00", "#000", "dots"),
    "waived": ("#56b4e9", "#000", "horizontal"),
    "pass": ("#2e7d32", "#fff", None),
    "not_applicable": ("#d9d9d9", "#000", None),
}
#: The letter on a bar wide enough to hold it, so a status never rests on colour alone.
LETTERS: dict[str, str] = {
    "error": "E",
    "fail": "F",
    "warn": "W",
    "waived": "V",
    "pass": "P",
    "not_applicable": "-",
}

_LABEL_WIDTH = 250
_PLOT_WIDTH = 700
_RIGHT = 20
_LANE = 20
_BAR = 14
_TOP = 58  # the legend, then the axis labels
_BOTTOM = 24


def _patterns(chart_id: str) -> str:
    """Pattern definitions: white strokes over the bar's colour, one shape per status."""
    stroke = 'stroke="#fff" stroke-width="1.5"'
    shapes = {
        "diagonal": f'<path d="M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2" {stroke}/>',
        "cross": f'<path d="M0,0 l8,8 M8,0 l-8,8" {stroke}/>',
        "dots": '<circle cx="4" cy="4" r="1.4" fill="#000"/>',
        "horizontal": '<path d="M0,4 h8" stroke="#000" stroke-width="1.2"/>',
    }
    return "".join(
        f'<pattern id="{chart_id}-{name}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f"{shape}</pattern>"
        for name, shape in shapes.items()
    )


def axis_ticks(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, str]]:
    """The axis's ticks in the period and their labels: weeks for a period of up to two
    months, months up to two years (every third beyond a year), else years."""
    days = (end - start).days + 1
    ticks: list[tuple[datetime.date, str]] = []
    if days <= 62:
        day = start
        while day <= end:
            ticks.append((day, day.isoformat()[5:]))
            day += datetime.timedelta(days=7)
        return ticks
    step = 1 if days <= 400 else 3 if days <= 800 else 12
    year, month = start.year, start.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        if year > end.year or (year == end.year and month > end.month):
            return ticks
        if step == 12 and month != 1:
            continue
        if step == 3 and month not in (1, 4, 7, 10):
            continue
        tick = datetime.date(year, month, 1)
        ticks.append((tick, str(year) if step == 12 else tick.isoformat()[:7]))


def timeline(
    chart_id: str,
    title: str,
    desc: str,
    tracks: Sequence[Track],
    start: datetime.date,
    end: datetime.date,
) -> str:
    """The chart as an `<svg role="img">` element labelled by its `title` and `desc`."""
    days = (end - start).days + 1
    scale = _PLOT_WIDTH / days
    height = _TOP + _LANE * len(tracks) + _BOTTOM
    width = _LABEL_WIDTH + _PLOT_WIDTH + _RIGHT

    def x(day: datetime.date) -> float:
        return _LABEL_WIDTH + (day - start).days * scale

    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart timeline" '
        f'id="{chart_id}" font-family="system-ui, sans-serif" font-size="11">',
        f'<title id="{chart_id}-title">{html_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{html_text(desc)}</desc>',
        f"<defs>{_patterns(chart_id)}</defs>",
        _legend(chart_id),
    ]
    axis_y = _TOP - 6
    lanes_bottom = _TOP + _LANE * len(tracks)
    for tick, label in axis_ticks(start, end):
        position = f"{x(tick):.1f}"
        parts.append(
            f'<line x1="{position}" x2="{position}" y1="{axis_y}" y2="{lanes_bottom}" '
            'stroke="#bbb" stroke-width="0.5"/>'
            f'<text x="{position}" y="{axis_y - 3}" text-anchor="middle" fill="#333">'
            f"{label}</text>"
        )
    for index, track in enumerate(tracks):
        top = _TOP + index * _LANE
        if index and track.subject != tracks[index - 1].subject:
            # A rule between subjects: a contract's lanes read as one group.
            parts.append(
                f'<line x1="0" x2="{width}" y1="{top}" y2="{top}" stroke="#888" '
                'stroke-width="0.75"/>'
            )
        parts.append(_lane(chart_id, track, top, x, scale))
    parts.append(
        f'<text x="{_LABEL_WIDTH}" y="{height - 6}" fill="#333">{start}</text>'
        f'<text x="{_LABEL_WIDTH + _PLOT_WIDTH}" y="{height - 6}" text-anchor="end" '
        f'fill="#333">{end}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _legend(chart_id: str) -> str:
    items = []
    offset = 0
    for status, (colour, _, pattern) in STYLES.items():
        swatch = f'<rect x="{offset}" y="0" width="14" height="12" fill="{colour}"/>'
        if pattern:
            swatch += (
                f'<rect x="{offset}" y="0" width="14" height="12" '
                f'fill="url(#{chart_id}-{pattern})"/>'
            )
        label = f"{LETTERS[status]} {status.replace('_', ' ')}"
        items.append(f'{swatch}<text x="{offset + 18}" y="10" fill="#1b1b1b">{label}</text>')
        offset += 30 + 7 * len(label)
    items.append(
        f'<path d="M{offset},0 l8,0 l-4,7 z" fill="#000"/><line x1="{offset + 4}" '
        f'x2="{offset + 4}" y1="0" y2="12" stroke="#000" stroke-width="1.5"/>'
        f'<text x="{offset + 14}" y="10" fill="#1b1b1b">accountable person changes</text>'
    )
    return f'<g transform="translate({_LABEL_WIDTH},4)">{"".join(items)}</g>'


def _lane(
    chart_id: str,
    track: Track,
    top: int,
    x: Callable[[datetime.date], float],
    scale: float,
) -> str:
    label = f"{subject_text(track.subject)} · {track.policy}"
    shown = label if len(label) <= 38 else label[:37] + "…"
    bar_top = top + (_LANE - _BAR) / 2
    parts = [
        f'<g class="lane"><text x="{_LABEL_WIDTH - 6}" y="{top + _LANE / 2 + 4}" '
        f'text-anchor="end" fill="#1b1b1b">{html_text(shown)}</text>'
    ]
    for run in track.runs:
        colour, ink, pattern = STYLES.get(run.status, ("#ffffff", "#000", None))
        left = x(run.start)
        width = run.days * scale
        tip = html_text(
            f"{label}: {run.status} from {run.start} to {run.end} "
            f"({count_text(run.days, 'day')}); accountable when it began: "
            f"{accountable_text(run.began)}"
        )
        bar = (
            f'<rect x="{left:.1f}" y="{bar_top:.1f}" width="{width:.1f}" height="{_BAR}" '
            f'fill="{colour}"/>'
        )
        if pattern:
            bar += (
                f'<rect x="{left:.1f}" y="{bar_top:.1f}" width="{width:.1f}" height="{_BAR}" '
                f'fill="url(#{chart_id}-{pattern})"/>'
            )
        if width >= 14:
            bar += (
                f'<text x="{left + 3:.1f}" y="{bar_top + 11:.1f}" fill="{ink}" '
                f'stroke="{colour}" stroke-width="3" paint-order="stroke" '
                f'font-weight="bold" font-size="10">{LETTERS.get(run.status, "")}</text>'
            )
        parts.append(f"<g><title>{tip}</title>{bar}</g>")
    previous = track.spells[0].accountable
    for spell in track.spells[1:]:
        if spell.accountable.person != previous.person or spell.accountable.role != previous.role:
            left = x(spell.start)
            tip = html_text(
                f"{label}: accountable from {spell.start}: {accountable_text(spell.accountable)}"
                f" (before: {accountable_text(previous)})"
            )
            parts.append(
                f"<g><title>{tip}</title>"
                f'<line x1="{left:.1f}" x2="{left:.1f}" y1="{top + 1}" y2="{top + _LANE - 1}" '
                'stroke="#000" stroke-width="2"/>'
                f'<path d="M{left - 4:.1f},{top} l8,0 l-4,6 z" fill="#000"/></g>'
            )
        previous = spell.accountable
    parts.append("</g>")
    return "".join(parts)
