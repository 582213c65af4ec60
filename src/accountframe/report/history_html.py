"""The history's `html` format (placeholder while it is built)."""

from __future__ import annotations

from accountframe.model import Portfolio
from accountframe.timeline.spells import History

__all__ = ["render"]


def render(history: History, portfolio: Portfolio | None = None) -> str:
    """The history as one self-contained HTML page."""
    del portfolio
    return history.to_json()
