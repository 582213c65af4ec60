"""Renderers: an `Assessment` as text in one of several formats, one module per format.

| format | for |
|---|---|
| `table` | a terminal (the default): findings by accountable person, worst first |
| `json` | other programs: the `accountframe/assessment/1` document |
| `jsonl` | pipelines: JSON Lines, a finding a line, then the consequences, then a summary line |
| `markdown` | board papers: a one-page summary, then the exceptions by person |
| `html` | people: one self-contained page with charts (needs the `html` extra) |
| `csv` | spreadsheets: one row per finding |
| `junit` | CI systems: JUnit XML, one test suite per policy |

Every renderer is deterministic: the same assessment gives the same text. The `markdown` and
`html` renderers also take the portfolio (keyword `portfolio`), to show contract titles.

Example:
    >>> import datetime
    >>> from accountframe.assessment import Assessment
    >>> empty = Assessment(
    ...     framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry of Example", portfolio_digest="0" * 64,
    ...     as_of=datetime.date(2026, 11, 25), generated_by="accountframe 0", findings=(),
    ... )
    >>> sorted(FORMATS)
    ['csv', 'html', 'json', 'jsonl', 'junit', 'markdown', 'table']
    >>> render(empty, "csv").splitlines()[0].split(",")[:3]
    ['policy', 'kind', 'subject_type']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from accountframe.assessment import Assessment
from accountframe.errors import UsageError, did_you_mean
from accountframe.model import Portfolio
from accountframe.report import csvfmt, html, jsonfmt, junit, markdown, streamed, table

__all__ = ["DEFAULT_FORMAT", "FORMATS", "Renderer", "render"]

#: A renderer: an assessment in, text out.
Renderer = Callable[[Assessment], str]

#: Format name → renderer, in the order the CLI lists them.
FORMATS: Mapping[str, Renderer] = {
    "table": table.render,
    "json": jsonfmt.render,
    "jsonl": streamed.lines,
    "markdown": markdown.render,
    "html": html.render,
    "csv": csvfmt.render,
    "junit": junit.render,
}

DEFAULT_FORMAT = "table"

# The renderers that can say more with the portfolio at hand (contract titles).
_WITH_PORTFOLIO: Mapping[str, Callable[[Assessment, Portfolio | None], str]] = {
    "markdown": markdown.render,
    "html": html.render,
}


def render(
    assessment: Assessment,
    format: str = DEFAULT_FORMAT,
    *,
    portfolio: Portfolio | None = None,
    show: str = "all",
    compact: bool = False,
) -> str:
    """The assessment rendered in the named format.

    `portfolio`, the one assessed, lets `markdown` and `html` show contract titles; the other
    formats do not use it. `show` (`all` or `exceptions`) and `compact` are for `table` (see
    `table.render`); the other formats are documents that always hold what they hold.

    Raises:
        UsageError: no such format (with a suggestion), the format's optional dependency
            is not installed (with what to install), or `show`/`compact` given for a format
            other than `table`.
    """
    if format != "table" and (show != "all" or compact):
        raise UsageError(f"--show and --compact are for the table format (not {format})")
    try:
        renderer = FORMATS[format]
    except KeyError:
        raise UsageError(
            f"unknown report format {format!r}; expected one of {', '.join(FORMATS)}"
            f"{did_you_mean(format, list(FORMATS))}"
        ) from None
    if portfolio is not None and format in _WITH_PORTFOLIO:
        return _WITH_PORTFOLIO[format](assessment, portfolio)
    if format == "table":
        return table.render(assessment, show=show, compact=compact)
    return renderer(assessment)
