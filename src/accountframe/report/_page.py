"""What the two HTML pages share (`report.html`, the assessment; `report.history_html`, the
history): escaping, the page's base style and its footer."""

from __future__ import annotations

from accountframe.assessment import Assessment
from accountframe.sanitise import html_text
from accountframe.timeline.spells import History

__all__ = ["BASE_CSS", "escape", "footer", "identifier"]


def escape(text: object) -> str:
    """Any value as HTML text."""
    return html_text(str(text))


def identifier(text: object) -> str:
    """An identifier or date: escaped, and never broken at its hyphens."""
    return f'<span class="id">{escape(text)}</span>' if text != "" else ""


def footer(document: Assessment | History) -> str:
    """Who made the page, from which framework and portfolio (their digests)."""
    return (
        '<footer class="muted">\n'
        f"<p>{escape(document.generated_by)}; framework {escape(document.framework)} "
        f"{escape(document.framework_version)} (sha256 <code>"
        f"{escape(document.framework_digest)}</code>); portfolio sha256 <code>"
        f"{escape(document.portfolio_digest)}</code>.</p>\n"
        "</footer>"
    )


#: The style both pages start with: colours, type, headings and the facts list.
BASE_CSS = """
:root { --fg: #1b1b1b; --muted: #555; --rule: #d0d0d0; --bg-alt: #f5f5f5; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial,
  sans-serif; color: var(--fg); margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem;
  line-height: 1.45; }
h1 { font-size: 1.9rem; margin: 0.2rem 0 0.6rem; }
h2 { font-size: 1.4rem; border-bottom: 2px solid var(--fg); padding-bottom: 0.2rem;
  margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin: 1.4rem 0 0.4rem; }
.kicker { text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0; }
.muted { color: var(--muted); }
.facts { display: flex; flex-wrap: wrap; gap: 0.3rem 1.5rem; margin: 0 0 1rem; }
.facts dt { font-weight: 600; }
.facts dt::after { content: ":"; }
.facts dd { margin: 0 0 0 -1.2rem; }
"""
