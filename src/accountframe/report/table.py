"""The `table` format: an assessment for a terminal, grouped by accountable person, worst first.

`render` gives plain text (no colour, 100 columns) so that the same assessment always gives the
same bytes; `renderable` gives the same content as a `rich` renderable that a terminal prints in
colour (one colour per status). Text from the data goes through `accountframe.sanitise`: a
control character in it is shown as an escape (`\\x1b`), never sent to the terminal, and a
line break in a name or id is shown as `\\n` (messages keep their lines).

Example:
    >>> import datetime
    >>> from accountframe.assessment import Assessment
    >>> empty = Assessment(
    ...     framework="demo", framework_version="1", framework_digest="0" * 64,
    ...     organisation="Ministry of Example", portfolio_digest="0" * 64,
    ...     as_of=datetime.date(2026, 11, 25), generated_by="accountframe 0", findings=(),
    ... )
    >>> print(render(empty), end="")
    Ministry of Example: assessment as of 2026-11-25
    framework demo 1
    0 findings: 0 error, 0 fail, 0 warn, 0 waived, 0 pass, 0 not_applicable
    <BLANKLINE>
    No findings.
    <BLANKLINE>
    Consequences due: none.
    <BLANKLINE>
    Unused waivers: none.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import IO, NamedTuple

import attrs
from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from accountframe.assessment import Assessment, ConsequenceStatus, Finding, Status, Subject
from accountframe.errors import UsageError
from accountframe.report._common import (
    EXCEPTIONS,
    accountable_text,
    action_text,
    amount_text,
    column_subject_text,
    contract_exposure_text,
    date_text,
    exposure_text,
    money_text,
    person_exposure_text,
    person_heading,
    since_text,
    worst_first,
)
from accountframe.sanitise import terminal, terminal_line

__all__ = ["SHOW", "STATUS_STYLES", "WIDTH", "render", "renderable"]

#: Columns of the plain-text rendering.
WIDTH = 100

#: The colour of each status on a terminal.
STATUS_STYLES: dict[str, str] = {
    Status.ERROR: "bold magenta",
    Status.FAIL: "bold red",
    Status.WARN: "yellow",
    Status.WAIVED: "cyan",
    Status.PASS: "green",
    Status.NOT_APPLICABLE: "dim",
    ConsequenceStatus.DUE: "bold red",
    ConsequenceStatus.APPLIED: "green",
    ConsequenceStatus.NOT_TRIGGERED: "dim",
}
# ConsequenceStatus.ERROR has the same value as Status.ERROR, so it shares its style.


def render(assessment: Assessment, *, show: str = "all", compact: bool = False) -> str:
    """The assessment as plain text, 100 columns wide: deterministic, no colour codes.

    `show`: `all` lists every finding; `exceptions` only those that are error, fail, warn or
    waived (people with none are left out; the headline still counts every finding, and a
    line says how many are not listed). `compact`: each finding on one line, however long,
    its message after its fields, and no blank line between people.

    The same text as `rich` prints for `renderable(assessment)` to a 100-column file, with
    trailing blanks removed. Paragraphs of printable ASCII (nearly all of an assessment) are
    wrapped here by rich's own rule (`_wrap`), which takes a fraction of the time rich's layout
    does on a large portfolio; anything else (other characters, whose width in cells rich
    works out, and the table of unused waivers) is printed by rich.
    """
    printed = _Printer()
    lines: list[str] = []
    for block in _blocks(assessment, show, compact):
        plain = _plain_lines(block) if isinstance(block, _Paragraph) else None
        lines += printed(block) if plain is None else plain
    # Table cells are padded to the column width; trailing blanks are noise in files and diffs.
    return "".join(f"{line.rstrip()}\n" for line in lines)


def renderable(
    assessment: Assessment, *, show: str = "all", compact: bool = False
) -> RenderableType:
    """The assessment as a `rich` renderable, for printing in colour to a terminal (`show`
    and `compact` as for `render`; print a compact one with `crop=False`, so that each line
    is whole)."""
    return Group(*map(_rich, _blocks(assessment, show, compact)))


class _Paragraph(NamedTuple):
    """Text wrapped at the width less `indent`, each of its lines `indent` columns in.

    `parts` are (text, style) pairs, one style per part on a terminal; `style` is the whole
    paragraph's.
    """

    parts: tuple[tuple[str, str], ...] = ()
    style: str = ""
    indent: int = 0
    #: False: one line, however long (`compact`: a line per finding, for grep and CI logs).
    wrap: bool = True


_Block = _Paragraph | Table


def _rich(block: _Block) -> RenderableType:
    if isinstance(block, Table):
        return block
    text = Text(style=block.style)
    if not block.wrap:
        text.no_wrap, text.overflow = True, "ignore"
    for part, style in block.parts:
        text.append(part, style=style)
    return Padding(text, (0, 0, 0, block.indent)) if block.indent else text


class _Printer:
    """Lines as rich prints a block to a `WIDTH`-column file; the console made when first needed."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._console: Console | None = None

    def __call__(self, block: _Block) -> list[str]:
        if self._console is None:
            self._console = _plain_console(self._buffer)
        # In a Group, as `renderable` has it: `Console.print` joins a bare Text with others.
        # A paragraph that is not wrapped is not cropped either: its line is whole.
        wrap = not isinstance(block, _Paragraph) or block.wrap
        self._console.print(Group(_rich(block)), crop=wrap)
        printed = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return printed.splitlines()


def _plain_console(file: IO[str], width: int = WIDTH) -> Console:
    """A rich console that prints plain text, no colour codes, `width` columns wide."""
    return Console(
        file=file,
        width=width,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        legacy_windows=False,
        emoji=False,
        highlight=False,
        markup=False,
    )


def _plain_lines(paragraph: _Paragraph) -> list[str] | None:
    """The paragraph's lines if it is printable ASCII (a cell per character, no tab), else None."""
    text = "".join(part for part, _ in paragraph.parts)
    if not (text.isascii() and text.replace("\n", "").isprintable()):
        return None
    width = WIDTH - paragraph.indent
    indent = " " * paragraph.indent
    if not paragraph.wrap:
        return [indent + line for line in text.split("\n")]
    return [indent + piece for line in text.split("\n") for piece in _wrap(line, width)]


_WORD = re.compile(r"\s*\S+\s*")


def _wrap(line: str, width: int) -> list[str]:
    """`line` (printable ASCII, no newline) wrapped at `width` columns as rich wraps a Text.

    rich's rule (`rich._wrap.divide_line`, then `Text.divide`, `rstrip_end` and `truncate`
    with overflow `fold`), with one cell per character: a word (with the spaces after it) goes
    on the line if its letters fit, else starts the next line; a word longer than a whole
    line is folded into pieces `width` long. tests/property/test_table_properties.py holds
    this equal to rich's own wrapping.
    """
    if len(line) <= width:
        return [line]
    breaks: list[int] = []
    offset = 0
    for word in _WORD.finditer(line):
        start = word.start()
        letters = len(word.group().rstrip())
        if width - offset >= letters:
            offset += word.end() - start
        elif letters > width:
            pieces = range(start, word.end(), width)
            breaks += pieces if start else pieces[1:]
            offset = word.end() - pieces[-1]
        elif offset and start:
            breaks.append(start)
            offset = word.end() - start
    # A line is longer than the width only by the spaces after its last word; rich's
    # `rstrip_end` then `truncate` drop those beyond the width: a crop to the width.
    return [line[begin:end][:width] for begin, end in itertools.pairwise([0, *breaks, len(line)])]


#: What `show` may be: every finding, or only the exceptions.
SHOW = ("all", "exceptions")


def _blocks(assessment: Assessment, show: str = "all", compact: bool = False) -> list[_Block]:
    if show not in SHOW:
        raise UsageError(f"unknown show {show!r}; expected one of {', '.join(SHOW)}")
    blocks: list[_Block] = [_headline(assessment), _BLANK]
    groups = assessment.by_person()
    listed = assessment.findings
    if show == "exceptions":
        listed = tuple(f for f in listed if f.status in EXCEPTIONS)
        # Grouped and ordered as an assessment of only these would be: the findings not
        # listed do not break ties between people.
        groups = attrs.evolve(assessment, findings=listed).by_person()
        counts = assessment.status_counts()
        blocks += [_Paragraph(((_not_listed(counts), ""),)), _BLANK]
        if not groups and assessment.findings:
            blocks += [_Paragraph((("No exceptions.", ""),)), _BLANK]
    if not assessment.findings:
        blocks += [_Paragraph((("No findings.", ""),)), _BLANK]
    widths = _widths(listed)
    for person, findings in groups.items():
        heading = terminal_line(person_heading(person, findings))
        blocks.append(_Paragraph(((heading, ""),), style="bold"))
        blocks += _findings(findings, widths, assessment.as_of, compact)
        if not compact:
            blocks.append(_BLANK)
    if compact and groups:
        blocks.append(_BLANK)
    blocks += _money(assessment)
    blocks += _consequences(assessment)
    blocks.append(_BLANK)
    blocks += _waivers(assessment)
    return blocks


_BLANK = _Paragraph()


def _widths(findings: Sequence[Finding]) -> dict[str, int]:
    """The same width for the short columns of every person's findings, so that they line up."""
    return {
        "status": max((len(_status_plain(f)) for f in findings), default=6),
        "severity": len("severity"),
        "policy": max((len(terminal_line(f.policy)) for f in findings), default=6),
        "subject": max((len(_subject(f.subject)) for f in findings), default=7),
    }


def _headline(assessment: Assessment) -> _Paragraph:
    counts = assessment.status_counts()
    ordered = sorted(Status, key=lambda status: -status.badness)
    total = len(assessment.findings)
    parts = [
        (f"{terminal_line(assessment.organisation)}: assessment as of {assessment.as_of}\n", ""),
        (
            f"framework {terminal_line(assessment.framework)} "
            f"{terminal_line(assessment.framework_version)}\n",
            "",
        ),
        (f"{total} finding{'s' if total != 1 else ''}: ", ""),
    ]
    for index, status in enumerate(ordered):
        if index:
            parts.append((", ", ""))
        count = counts[status.value]
        parts.append((f"{count} {status.value}", STATUS_STYLES[status] if count else ""))
    return _Paragraph(tuple(parts), style="bold")


def _subject(subject: Subject) -> str:
    return terminal_line(column_subject_text(subject))


def _status_plain(finding: Finding) -> str:
    if finding.waiver is None:
        return finding.status.value
    return f"{finding.status.value} ({finding.waiver.original_status.value})"


def _not_listed(counts: Mapping[str, int]) -> str:
    return (
        f"Only error, fail, warn and waived findings are listed; {counts['pass']} pass and "
        f"{counts['not_applicable']} not_applicable are not (--show all lists them)."
    )


def _findings(
    findings: Sequence[Finding],
    widths: Mapping[str, int],
    as_of: datetime.date,
    compact: bool = False,
) -> list[_Block]:
    """Each finding as a line of short aligned fields, then its message at full width
    (`compact`: the message after the fields, on the same line).

    Messages are the long part; in a table column they wrap into slivers on a terminal.
    """
    blocks: list[_Block] = []
    for finding in worst_first(findings):
        # A waived finding's status reads `waived (fail)`, all of it in the colour of `waived`.
        status = _status_plain(finding)
        rest = (
            f"{' ' * (widths['status'] - len(status) + 2)}"
            f"{finding.severity.value.ljust(widths['severity'] + 2)}"
            f"{terminal_line(finding.policy).ljust(widths['policy'] + 2)}"
            f"{_subject(finding.subject).ljust(widths['subject'])}"
            f"{'' if finding.due is None else f'  due {date_text(finding.due)}'}"
            f"{'' if finding.exposure is None else f'  at stake {exposure_text(finding)}'}"
        )
        style = STATUS_STYLES.get(finding.status.value, "")
        since = ""
        if finding.since is not None and finding.status in EXCEPTIONS:
            since = f"; {since_text(finding, as_of)}"
        if compact:
            # One line: a line break in the message would start a line grep cannot place.
            message = terminal_line(finding.message) + since
            fields = (("  ", ""), (status, style), (f"{rest}  {message}", ""))
            blocks.append(_Paragraph(fields, wrap=False))
        else:
            blocks += _entry(status, style, rest, terminal(finding.message) + since)
    return blocks


def _entry(status: str, style: str, fields: str, detail: str) -> list[_Block]:
    """A line of short fields, the status first in its colour, then the detail below it."""
    return [
        _Paragraph((("  ", ""), (status, style), (fields, ""))),
        _Paragraph(((detail, ""),), indent=6),
    ]


def _money(assessment: Assessment) -> list[_Block]:
    """Money at stake, a paragraph per currency: the total, then by accountable person and
    by contract; nothing when no finding has an exposure."""
    blocks: list[_Block] = []
    for total in assessment.exposure:
        currency = total.currency
        waived = f" (waived: {money_text(total.waived, currency)})" if total.waived else ""
        people = "; ".join(
            f"{terminal_line(person_exposure_text(item))} {money_text(item.amount, currency)}"
            for item in total.by_person
        )
        contracts = "; ".join(
            f"{terminal_line(contract_exposure_text(item))} {money_text(item.amount, currency)}"
            for item in total.by_contract
        )
        blocks += [
            _Paragraph(
                (
                    (
                        f"Money at stake ({currency}): {money_text(total.total, currency)}{waived}",
                        "",
                    ),
                ),
                style="bold",
            ),
            _Paragraph(((f"by accountable person: {people}", ""),), indent=2),
            _Paragraph(((f"by contract: {contracts}", ""),), indent=2),
            _BLANK,
        ]
    return blocks


def _consequences(assessment: Assessment) -> list[_Block]:
    shown = [
        c
        for c in assessment.consequences
        if c.status in (ConsequenceStatus.DUE, ConsequenceStatus.ERROR)
    ]
    others = {
        status.value: sum(1 for c in assessment.consequences if c.status is status)
        for status in (ConsequenceStatus.APPLIED, ConsequenceStatus.NOT_TRIGGERED)
    }
    counted = ", ".join(f"{count} {name}" for name, count in others.items() if count)
    heading = "Consequences due" + (f" (not listed: {counted})" if counted else "")
    if not shown:
        return [_Paragraph(((f"{heading}: none.", ""),), style="bold")]
    blocks: list[_Block] = [_Paragraph(((heading, ""),), style="bold")]
    status_width = max(len(c.status.value) for c in shown)
    policy_width = max(len(terminal_line(c.policy)) for c in shown)
    subject_width = max(len(_subject(c.subject)) for c in shown)
    for consequence in shown:
        status = consequence.status.value
        rest = (
            f"{' ' * (status_width - len(status) + 2)}"
            f"{terminal_line(consequence.policy).ljust(policy_width + 2)}"
            f"{_subject(consequence.subject).ljust(subject_width)}"
            f"{'' if consequence.amount is None else f'  amount {amount_text(consequence)}'}"
            f"{'' if consequence.due is None else f'  due {date_text(consequence.due)}'}"
        )
        detail = terminal(
            f"{action_text(consequence)}; applied by {accountable_text(consequence.accountable)}"
        )
        blocks += _entry(status, STATUS_STYLES.get(status, ""), rest, detail)
    return blocks


def _waivers(assessment: Assessment) -> list[_Block]:
    if not assessment.waivers_unused:
        return [_Paragraph((("Unused waivers: none.", ""),), style="bold")]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for header in ("policy", "subject", "reason"):
        # `fold` breaks a long id across lines instead of cutting it short with an ellipsis.
        table.add_column(header, overflow="fold", ratio=3 if header == "reason" else None)
    for waiver in assessment.waivers_unused:
        table.add_row(
            Text(terminal_line(waiver.policy)),
            Text(terminal_line(waiver.subject)),
            Text(terminal(waiver.reason)),
        )
    return [_Paragraph((("Unused waivers", ""),), style="bold"), table]
