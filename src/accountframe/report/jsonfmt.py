"""The `json` format: the `accountframe/assessment/1` document, as `Assessment.to_json()` gives it.

Example:
    >>> import datetime, json
    >>> from accountframe.assessment import Assessment
    >>> empty = Assessment(
    ...     framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry of Example", portfolio_digest="0" * 64,
    ...     as_of=datetime.date(2026, 11, 25), generated_by="accountframe 0", findings=(),
    ... )
    >>> text = render(empty)
    >>> json.loads(text)["format"], text.endswith("}\\n")
    ('accountframe/assessment/1', True)
"""

from __future__ import annotations

from accountframe.assessment import Assessment

__all__ = ["render"]


def render(assessment: Assessment) -> str:
    """The assessment as indented JSON text with a trailing newline: byte-identical per input."""
    return assessment.to_json() + "\n"
