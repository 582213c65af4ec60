"""Renderers: an `Assessment` as text in one of several formats, one module per format.

| format | for |
|---|---|
| `table` | a terminal (the default): findings by accountable person, worst first |
| `json` | other programs: the `accountframe/assessment/1` document |
| `markdown` | board papers: summary, failures and errors by person, consequences due |
| `csv` | spreadsheets: one row per finding |
| `junit` | CI systems: JUnit XML, one test suite per policy |

Every renderer is deterministic: the same assessment gives the same text.

Example:
    >>> import datetime
    >>> from accountframe.assessment import Assessment
    >>> empty = Assessment(
    ...     framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry of Example", portfolio_digest="0" * 64,
    ...     as_of=datetime.date(2026, 11, 25), generated_by="accountframe 0", findings=(),
    ... )
    >>> sorted(FORMATS)
    ['csv', 'json', 'junit', 'markdown', 'table']
    >>> render(empty, "csv").splitlines()[0].split(",")[:3]
    ['policy', 'kind', 'subject_type']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from accountframe.assessment import Assessment
from accountframe.errors import UsageError, did_you_mean
from accountframe.report import csvfmt, jsonfmt, junit, markdown, table

__all__ = ["DEFAULT_FORMAT", "FORMATS", "Renderer", "render"]

#: A renderer: an assessment in, text out.
Renderer = Callable[[Assessment], str]

#: Format name → renderer, in the order the CLI lists them.
FORMATS: Mapping[str, Renderer] = {
    "table": table.render,
    "json": jsonfmt.render,
    "markdown": markdown.render,
    "csv": csvfmt.render,
    "junit": junit.render,
}

DEFAULT_FORMAT = "table"


def render(assessment: Assessment, format: str = DEFAULT_FORMAT) -> str:
    """The assessment rendered in the named format.

    Raises:
        UsageError: no such format, with a suggestion.
    """
    try:
        renderer = FORMATS[format]
    except KeyError:
        raise UsageError(
            f"unknown report format {format!r}; expected one of {', '.join(FORMATS)}"
            f"{did_you_mean(format, list(FORMATS))}"
        ) from None
    return renderer(assessment)
