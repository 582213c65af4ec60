"""One sanitiser per output kind: what text from the data may not carry to the output's reader.

A portfolio or framework can come from someone else, and its text (names, ids, titles,
messages, reasons) reaches terminals, spreadsheets, CI systems, calendars and rendered
Markdown. Every renderer passes that text through the function for its output kind, here, so
that each rule is written once:

| output | function | what it does to text from the data |
|---|---|---|
| terminal | `terminal`, `terminal_line` | control characters shown as escapes (`\\x1b`) |
| CSV cell | `csv_cell` | controls shown; a formula prefix (`=`, `+`, `-`, `@`) gets a `'` |
| XML text | `xml_text` | controls shown, and what XML 1.0 forbids; ElementTree escapes the rest |
| Markdown | `markdown_inline` | controls shown; HTML and link syntax escaped |
| HTML | `html_text` | controls shown; HTML-escaped |
| iCalendar | `ics_text` | controls shown; `icalendar` escapes the rest |
| JSON | `accountframe.jsontext.dumps` | the same characters as `\\u` escapes; no `NaN` |

"Shown" means written the way Python writes them in a string literal: ESC as `\\x1b`, a
carriage return as `\\r`, a right-to-left override as `\\u202e`, a lone surrogate as
`\\udc80`. So hostile text stays visible, and a reader sees what the data holds, but it cannot
drive the output's reader: no escape sequence reaches a terminal (`ESC]52` writes the
clipboard, `ESC]0` the window title, `ESC[2J` clears the screen), no text is reordered by bidi
controls, no spreadsheet runs a formula, no renderer makes a link or an element of it.

The characters shown (`UNSAFE`): the C0 controls (U+0000-U+001F) except tab and line feed
where the output keeps lines, DEL, the C1 controls (U+0080-U+009F), the Unicode line and
paragraph separators (U+2028, U+2029), the bidi embeddings, overrides and isolates
(U+202A-U+202E, U+2066-U+2069), and lone surrogates (U+D800-U+DFFF), which UTF-8 cannot
encode at all. Ordinary text, including every letter of
every script, the bidi marks (U+200E, U+200F, U+061C) and emoji, is written as it is.

Example:
    >>> terminal("Alex \\x1b]0;pwned\\x07 Perm")
    'Alex \\\\x1b]0;pwned\\\\x07 Perm'
    >>> csv_cell('=HYPERLINK("http://x")')
    '\\'=HYPERLINK("http://x")'
    >>> markdown_inline("[x](javascript:alert(1)) <b>")
    '\\\\[x\\\\](javascript:alert(1)) &lt;b&gt;'
"""

from __future__ import annotations

import html
import re

__all__ = [
    "FORMULA_PREFIXES",
    "UNSAFE",
    "csv_cell",
    "html_text",
    "ics_text",
    "markdown_inline",
    "shown",
    "terminal",
    "terminal_line",
    "xml_text",
]

#: The characters no output carries raw (a regular expression character class, without `[]`).
UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
# The same, also without the tab and the line feed, for one-line fields.
_UNSAFE_LINE = "\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ud800-\udfff"

_UNSAFE = re.compile(f"[{UNSAFE}]")
_UNSAFE_IN_LINE = re.compile(f"[{_UNSAFE_LINE}]")
# XML 1.0 also forbids the two noncharacters U+FFFE and U+FFFF (section 2.2, `Char`).
_UNSAFE_IN_XML = re.compile(f"[{UNSAFE}\ufffe\uffff]")

#: What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection"), with the
#: fullwidth forms, which some spreadsheets read as the ASCII ones.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Markdown: `\` first, so that the escapes added after it are not escaped again.
_MARKDOWN = (
    ("\\", "\\\\"),
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ("|", "\\|"),
    ("[", "\\["),
    ("]", "\\]"),
)


def _escape(match: re.Match[str]) -> str:
    return shown(match.group())


def shown(char: str) -> str:
    """One character as Python writes it in a string literal: `\\x1b`, `\\r`, `\\u202e`.

    Example:
        >>> shown("\\x1b"), shown("\\r"), shown("\\u202e"), shown("\\ud800")
        ('\\\\x1b', '\\\\r', '\\\\u202e', '\\\\ud800')
    """
    return repr(char)[1:-1]


def terminal(text: str) -> str:
    """Text for a terminal, its lines kept: every unsafe character shown as an escape.

    Tab and line feed stay as they are; any other control character, a bidi override or a
    lone surrogate is shown as its escape (`\\x1b`), so that nothing in the text can move the
    cursor, clear the screen, set the title or the clipboard, or reorder what is shown.

    Example:
        >>> print(terminal("two\\nlines \\x1b[2J\\r"))
        two
        lines \\x1b[2J\\r
    """
    return text if text.isprintable() else _UNSAFE.sub(_escape, text)


def terminal_line(text: str) -> str:
    """Text for one line of a terminal: as `terminal`, and line feeds and tabs shown too.

    For names, ids and titles, which are one line: a line feed in one cannot start a line
    that looks like the tool's own (`ok: ...`).

    Example:
        >>> terminal_line("p-1\\nok: all clear")
        'p-1\\\\nok: all clear'
    """
    return text if text.isprintable() else _UNSAFE_IN_LINE.sub(_escape, text)


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula.

    Unsafe characters are shown as escapes (line feeds and tabs stay: the CSV writer quotes
    them). A cell that starts with a formula prefix (`FORMULA_PREFIXES`) gets a `'` in front,
    as OWASP advises: spreadsheets show it as text and hide the `'`.

    Example:
        >>> csv_cell("@SUM(A1:A9)"), csv_cell("-1"), csv_cell("EM-001")
        ("'@SUM(A1:A9)", "'-1", 'EM-001')
    """
    if not text.isprintable():  # inline, not `terminal`: a call per cell shows in large files
        text = _UNSAFE.sub(_escape, text)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def xml_text(text: str) -> str:
    """Text for XML content or an attribute value: well-formed XML 1.0 whatever it holds.

    Unsafe characters, and U+FFFE and U+FFFF, which XML 1.0 does not allow, are shown as
    escapes; tab and line feed stay (ElementTree writes them as `&#09;`, `&#10;` in an
    attribute). ElementTree escapes `&`, `<`, `>` and quotes itself.

    Example:
        >>> xml_text("bell\\x07 nul\\x00 \\ufffe")
        'bell\\\\x07 nul\\\\x00 \\\\ufffe'
    """
    return text if text.isprintable() else _UNSAFE_IN_XML.sub(_escape, text)


def markdown_inline(text: str) -> str:
    """Text for a Markdown table cell or heading that renders as the text, nothing more.

    Unsafe characters are shown as escapes; `&`, `<` and `>` become character references, so
    no HTML element, entity or `<...>` autolink can be made; `\\`, `|`, `[` and `]` are
    backslash-escaped, so no link, image or reference can be made and a table cell cannot be
    broken. Line breaks become `<br>` (a cell is one line). Other Markdown (emphasis, code
    spans) may still style the text, but cannot make it live.

    Example:
        >>> markdown_inline("a | b <c>\\n![x](y)")
        'a \\\\| b &lt;c&gt;<br>!\\\\[x\\\\](y)'
    """
    text = terminal(text)
    for raw, safe in _MARKDOWN:
        text = text.replace(raw, safe)
    return "<br>".join(line.strip() for line in text.splitlines()) if "\n" in text else text


def html_text(text: str) -> str:
    """Text for HTML content or a quoted attribute value: escaped, unsafe characters shown.

    Example:
        >>> html_text('<a href="x">\\u202e')
        '&lt;a href=&quot;x&quot;&gt;\\\\u202e'
    """
    return html.escape(terminal(text), quote=True)


def ics_text(text: str) -> str:
    """Text for an iCalendar TEXT value (RFC 5545 3.3.11): unsafe characters shown.

    RFC 5545 allows no control character but tab in a value; line feeds stay, and
    `icalendar` writes them as `\\n`, with `,`, `;` and `\\` escaped.

    Example:
        >>> ics_text("Ministry\\x1b of Example")
        'Ministry\\\\x1b of Example'
    """
    return terminal(text)
