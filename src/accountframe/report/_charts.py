"""Charts for the `html` report, drawn by matplotlib as inline SVG that reads offline.

matplotlib is an optional dependency (the `html` extra): it is imported when a chart is drawn,
and its absence is a `UsageError` that says what to install. Every chart is:

- drawn with the Agg backend's figure classes (no display, no global pyplot state), with text
  kept as text (`svg.fonttype: none`), mathtext off (a `$` in a name is a `$`) and fixed
  hashes (`svg.hashsalt`), so the same data gives the same bytes;
- made inline-ready: no XML prolog, doctype, metadata or namespace URLs (the HTML parser puts
  `<svg>` in the SVG namespace itself), every `id` prefixed with the chart's own id so that
  several charts in one page cannot collide, and `role="img"` with a `<title>` and `<desc>`
  as its text alternative.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

import attrs

from accountframe.errors import UsageError
from accountframe.sanitise import html_text, terminal

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "SEVERITY_COLOURS",
    "STATUS_COLOURS",
    "STATUS_LETTERS",
    "Chart",
    "bars",
    "heatmap",
    "require_matplotlib",
    "stacked_bars",
]

INSTALL_HINT = "pip install 'accountframe[html]'"

#: A colour per finding status (colour-blind-safe hues; each cell also carries a letter).
STATUS_COLOURS: dict[str, str] = {
    "error": "#6a3d9a",
    "fail": "#c62828",
    "warn": "#e69f00",
    "waived": "#56b4e9",
    "pass": "#2e7d32",
    "not_applicable": "#d9d9d9",
}
#: The letter in a heatmap cell, so that a status never depends on colour alone.
STATUS_LETTERS: dict[str, str] = {
    "error": "E",
    "fail": "F",
    "warn": "W",
    "waived": "V",
    "pass": "P",
    "not_applicable": "",
}
#: A colour per severity, darkest for the most severe.
SEVERITY_COLOURS: dict[str, str] = {
    "critical": "#67000d",
    "high": "#c62828",
    "medium": "#ef6c00",
    "low": "#f9c74f",
    "info": "#90a4ae",
}
_DARK = {"#6a3d9a", "#c62828", "#2e7d32", "#67000d"}

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "accountframe",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "legend.fontsize": 10,
}
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_METADATA_BLOCK = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_ROOT = re.compile(r"<svg\b[^>]*>")
_IDS = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


#: Axis labels longer than this are shortened with an ellipsis (the data table has them whole).
MAX_LABEL = 40


def _label(text: str) -> str:
    text = " ".join(terminal(text).split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


@attrs.frozen
class Chart:
    """One chart: inline SVG with its text alternative (`title`, `desc`)."""

    id: str
    title: str
    desc: str
    svg: str


def require_matplotlib() -> None:
    """Raise a `UsageError` that says what to install when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib.backends import backend_agg  # noqa: F401
    except ImportError:
        raise UsageError(
            "the html report draws its charts with matplotlib, which is not installed; "
            f"install it with: {INSTALL_HINT}"
        ) from None


def _figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas (explicitly: never a display, no pyplot global state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


@contextlib.contextmanager
def _rc() -> Iterator[None]:
    require_matplotlib()
    import matplotlib

    with matplotlib.rc_context(cast(Any, _RC)), warnings.catch_warnings():
        # With extreme data (hundreds of rows, very long labels) constrained layout can give
        # up; the chart is then drawn unadjusted, which is better than no report at all.
        warnings.filterwarnings("ignore", "constrained_layout not applied", UserWarning)
        # Text stays text in the SVG (svg.fonttype none), so the reader's browser draws any
        # glyph its fonts have; matplotlib's own font lacking one only affects measuring.
        warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)
        yield


def _svg(figure: Figure, chart_id: str, title: str, desc: str) -> Chart:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=_METADATA)
    text = _PROLOG.sub("", buffer.getvalue(), count=1)
    text = _METADATA_BLOCK.sub("", text, count=1)
    text = _IDS.sub(lambda m: f"{m.group(1)}{chart_id}-{m.group(2)}", text)
    root = _ROOT.search(text)
    assert root is not None  # matplotlib always writes one <svg> root
    size = {
        name: match.group(1)
        for name in ("width", "height", "viewBox")
        if (match := re.search(rf'\b{name}="([^"]+)"', root.group(0)))
    }
    # Drawn at its natural size (text as large as the page's), shrunk to fit narrower screens.
    opening = (
        f'<svg viewBox="{size.get("viewBox", "")}" width="{size.get("width", "")}" '
        f'height="{size.get("height", "")}" version="1.1" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'class="chart" id="{chart_id}">\n'
        f' <title id="{chart_id}-title">{html_text(title)}</title>\n'
        f' <desc id="{chart_id}-desc">{html_text(desc)}</desc>'
    )
    text = text[: root.start()] + opening + text[root.end() :]
    return Chart(id=chart_id, title=title, desc=desc, svg=text.strip() + "\n")


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
    *,
    xlabel: str,
) -> Chart:
    """Horizontal bars, one per row (top to bottom), stacked from `series` (name, colour, values).

    Each segment wide enough to hold it is labelled with its count.
    """
    with _rc():
        figure = _figure(9.0, 1.1 + 0.45 * max(len(rows), 1))
        axes: Axes = figure.subplots()
        positions = list(range(len(rows)))
        left = [0] * len(rows)
        totals = [sum(values) for values in zip(*(s[2] for s in series), strict=True)]
        widest = max(totals, default=1)
        for name, colour, values in series:
            axes.barh(positions, values, left=left, color=colour, label=name, height=0.7)
            for position, (start, value) in enumerate(zip(left, values, strict=True)):
                if value and value >= widest * 0.04:
                    axes.text(
                        start + value / 2,
                        position,
                        str(value),
                        ha="center",
                        va="center",
                        fontsize=10,
                        color="white" if colour in _DARK else "black",
                    )
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.set_yticks(positions, [_label(row) for row in rows], fontsize=10)
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)
        axes.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=min(len(series), 6),
            frameon=False,
        )
        from matplotlib.ticker import MaxNLocator

        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        return _svg(figure, chart_id, title, desc)


def bars(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[int],
    colours: Sequence[str],
    *,
    xlabel: str,
    legend: Sequence[tuple[str, str]] = (),
) -> Chart:
    """Horizontal bars, one per label (top to bottom), each labelled with its value."""
    with _rc():
        figure = _figure(9.0, 1.0 + 0.34 * max(len(labels), 1))
        axes: Axes = figure.subplots()
        positions = list(range(len(labels)))
        axes.barh(positions, values, color=list(colours), height=0.7)
        longest = max(values, default=1) or 1
        for position, value in enumerate(values):
            axes.text(value + longest * 0.01, position, f"{value:,}", va="center", fontsize=10)
        axes.set_yticks(positions, [_label(label) for label in labels], fontsize=10)
        axes.invert_yaxis()
        axes.set_xlim(0, longest * 1.12)
        axes.set_xlabel(xlabel)
        if legend:
            from matplotlib.patches import Patch

            axes.legend(
                handles=[Patch(color=colour, label=name) for name, colour in legend],
                loc="lower right",
                frameon=False,
            )
        return _svg(figure, chart_id, title, desc)


def heatmap(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[str | None]],
) -> Chart:
    """A grid of statuses: `cells[row][column]` is a status name (None: no finding).

    Each cell has the status's colour and letter; the legend names every status.
    """
    names = list(STATUS_COLOURS)
    with _rc():
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        # At least wide enough for the legend's six entries in one row.
        figure = _figure(max(7.5, 3.0 + 0.5 * len(columns)), 1.9 + 0.32 * len(rows))
        axes: Axes = figure.subplots()
        colours = [*STATUS_COLOURS.values(), "#ffffff"]
        grid = [[names.index(c) if c is not None else len(names) for c in row] for row in cells]
        axes.pcolormesh(
            grid,
            cmap=ListedColormap(colours),
            vmin=-0.5,
            vmax=len(colours) - 0.5,
            edgecolors="white",
            linewidth=1.0,
        )
        for y, row in enumerate(cells):
            for x, status in enumerate(row):
                letter = STATUS_LETTERS.get(status or "", "")
                if letter:
                    axes.text(
                        x + 0.5,
                        y + 0.5,
                        letter,
                        ha="center",
                        va="center",
                        fontsize=9,
                        color="white" if STATUS_COLOURS[status or ""] in _DARK else "black",
                    )
        axes.set_xticks(
            [x + 0.5 for x in range(len(columns))], [_label(c) for c in columns], fontsize=10
        )
        axes.set_yticks([y + 0.5 for y in range(len(rows))], [_label(r) for r in rows], fontsize=10)
        axes.xaxis.tick_top()
        axes.tick_params(axis="x", labelrotation=90, length=0)
        axes.tick_params(axis="y", length=0)
        axes.invert_yaxis()
        for spine in axes.spines.values():
            spine.set_visible(False)
        axes.legend(
            handles=[
                Patch(color=colour, label=f"{STATUS_LETTERS[name] or '-'} {name}")
                for name, colour in STATUS_COLOURS.items()
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncols=6,
            frameon=False,
        )
        return _svg(figure, chart_id, title, desc)
