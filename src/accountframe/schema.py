"""JSON Schemas of accountframe's formats, generated from the model so they never drift.

Example:
    >>> schema = portfolio_schema()
    >>> schema["required"]
    ['organisation']
    >>> schema["$defs"]["Contract"]["properties"]["stage"]["enum"][:2]
    ['planning', 'procurement']
"""

from __future__ import annotations

from typing import Any

from accountframe._structure import json_schema
from accountframe.model import PORTFOLIO_FORMAT, Portfolio

__all__ = ["SCHEMA_BASE", "portfolio_schema"]

SCHEMA_BASE = "https://accountframe.dev/schema"


def portfolio_schema() -> dict[str, Any]:
    """The JSON Schema of the `portfolio/1` format (its JSON form: dates as `YYYY-MM-DD`)."""
    schema = json_schema(
        Portfolio, title="accountframe portfolio/1", schema_id=f"{SCHEMA_BASE}/portfolio-1.json"
    )
    schema["properties"]["accountframe"] = {
        "description": "Format marker; optional.",
        "const": PORTFOLIO_FORMAT,
    }
    return schema
