"""Renderers of the oversight schedule (`accountframe schedule`): table, csv, ics and json.

| format | for |
|---|---|
| `table` | a terminal (the default): items by accountable person, most urgent person first |
| `csv` | spreadsheets: one row per item, in date order |
| `ics` | calendars: iCalendar (RFC 5545), one all-day event per dated item (the `ics` extra) |
| `json` | other programs: the `accountframe/schedule/1` document |

Every renderer is deterministic: the same schedule gives the same bytes. Text from the data
goes through `accountframe.sanitise`, one sanitiser per format: control characters are shown as
escapes (`\\x1b`) in the table, the csv and the ics; a csv cell that starts like a formula
starts with a `'`; the json keeps the text exactly (`accountframe.jsontext`). The iCalendar file has
no wall-clock time in it: `DTSTAMP` and `LAST-MODIFIED` are midnight UTC of the schedule's
`as_of`, and `SEQUENCE` is the number of days from 2000-01-01 to `as_of` (0 before), so a
calendar that imports a later schedule takes its events as updates of the same `UID`s.

Example:
    >>> import datetime
    >>> from accountframe.evaluation.schedule import Schedule
    >>> empty = Schedule(organisation="Ministry of Example", framework="demo",
    ...                  framework_version="1", as_of=datetime.date(2026, 11, 25),
    ...                  until=datetime.date(2027, 2, 25), items=())
    >>> print(render(empty, "table"), end="")
    Ministry of Example: oversight schedule from 2026-11-25 to 2027-02-25
    framework demo 1
    0 items: 0 unscheduled, 0 overdue, 0 due_soon, 0 planned
    <BLANKLINE>
    Nothing is due.
    >>> render(empty, "csv").split(",")[:3]
    ['due', 'status', 'days_overdue']
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Mapping, Sequence

from accountframe._version import __version__
from accountframe.assessment import Status
from accountframe.errors import UsageError, did_you_mean
from accountframe.evaluation.schedule import ItemStatus, Schedule, ScheduleItem
from accountframe.report._common import accountable_text, date_text
from accountframe.sanitise import csv_cell, ics_text, terminal, terminal_line

__all__ = ["COLUMNS", "DEFAULT_FORMAT", "FORMATS", "render"]

#: The csv header row, in order.
COLUMNS = (
    "due",
    "status",
    "days_overdue",
    "kind",
    "what",
    "policy",
    "policy_title",
    "contract",
    "contract_title",
    "accountable_role",
    "accountable_person",
    "accountable_name",
    "occurrence",
    "finding_status",
    "uid",
)
INSTALL_HINT = "pip install 'accountframe[ics]'"
_EPOCH = datetime.date(2000, 1, 1)


def render_table(plan: Schedule) -> str:
    """Plain text: a headline, then each person's items in date order (no colour codes)."""
    counts = plan.counts()
    lines = [
        f"{terminal_line(plan.organisation)}: oversight schedule from {plan.as_of} to {plan.until}",
        f"framework {terminal_line(plan.framework)} {terminal_line(plan.framework_version)}",
        f"{len(plan.items)} item{'s' * (len(plan.items) != 1)}: "
        + ", ".join(f"{count} {name}" for name, count in counts.items()),
        "",
    ]
    if not plan.items:
        return "\n".join([*lines, "Nothing is due."]) + "\n"
    widths = {
        "status": max(len(_status_text(item)) for item in plan.items),
        "what": max(len(_what(item)) for item in plan.items),
        "policy": max(len(terminal_line(item.policy)) for item in plan.items),
    }
    for person, items in plan.by_person().items():
        lines.append(terminal_line(_person(person, items)))
        for item in items:
            due = date_text(item.due) or "no date"
            lines.append(
                f"  {due:<10}  {_status_text(item):<{widths['status']}}  "
                f"{_what(item):<{widths['what']}}  "
                f"{terminal_line(item.policy):<{widths['policy']}}  "
                f"{terminal_line(item.contract)}".rstrip()
            )
            if item.due is None:
                lines.append(f"      {terminal(item.message)}")
        lines.append("")
    return "\n".join(lines)


def _what(item: ScheduleItem) -> str:
    # A rule's `what` is its title, a sentence: the policy column beside it names the rule.
    if item.kind == "rule":
        return "rule"
    return terminal_line(f"{item.kind} {item.what}".strip())


def _person(person: str | None, items: Sequence[ScheduleItem]) -> str:
    roles = ", ".join(dict.fromkeys(item.accountable.role for item in items))
    if person is None:
        return f"No one holds: {roles}"
    name = next((item.accountable.name for item in items if item.accountable.name), None)
    return f"{name} ({person}): {roles}" if name else f"{person}: {roles}"


def _status_text(item: ScheduleItem) -> str:
    text = item.status.value
    if item.days_overdue:
        text += f" {item.days_overdue}d"
    if item.finding_status is Status.WAIVED:
        text += " (waived)"
    return text


def render_csv(plan: Schedule) -> str:
    """One row per item in date order, with a header row (RFC 4180, CRLF line ends)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in plan.items:
        writer.writerow(
            (
                date_text(item.due),
                item.status.value,
                item.days_overdue,
                csv_cell(item.kind),
                csv_cell(item.what),
                csv_cell(item.policy),
                csv_cell(item.policy_title),
                csv_cell(item.contract),
                csv_cell(item.contract_title),
                csv_cell(item.accountable.role),
                csv_cell(item.accountable.person or ""),
                csv_cell(item.accountable.name or ""),
                item.occurrence,
                item.finding_status.value,
                item.uid,
            )
        )
    return buffer.getvalue()


def render_json(plan: Schedule) -> str:
    """The `accountframe/schedule/1` document, indented, with a trailing newline."""
    return plan.to_json() + "\n"


def render_ics(plan: Schedule) -> str:
    """An iCalendar file: one all-day event per item with a due date; an overdue one on the
    schedule's date (`as_of`), its summary saying how overdue it is.

    Items without a date (`unscheduled`) cannot be placed in a calendar and are left out;
    the table, csv and json formats list them.

    Raises:
        UsageError: the `icalendar` package (the `ics` extra) is not installed.
    """
    try:
        import icalendar
    except ImportError:
        raise UsageError(
            f"the ics format is written with icalendar, which is not installed; "
            f"install it with: {INSTALL_HINT}"
        ) from None
    stamp = datetime.datetime.combine(plan.as_of, datetime.time(), tzinfo=datetime.UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//accountframe//accountframe {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # As TEXT, which icalendar escapes (a line break in the name is `\\n`, not a broken line).
    calendar.add(
        "x-wr-calname", icalendar.vText(ics_text(f"Oversight schedule: {plan.organisation}"))
    )
    for item in plan.items:
        if item.due is None:
            continue
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        # RFC 5545 3.8.7.4: a non-negative integer (0 for a schedule as of 2000 or before).
        event.add("sequence", max(0, (plan.as_of - _EPOCH).days))
        # An overdue item is placed on the schedule's date, where it is seen, not on its
        # old due date (weeks back, out of sight); its summary says how overdue it is.
        day = plan.as_of if item.status is ItemStatus.OVERDUE else item.due
        event.add("dtstart", day)
        if day < datetime.date.max:
            event.add("dtend", day + datetime.timedelta(days=1))
        # else: the calendar's last day has no day after it; an all-day event without DTEND
        # lasts that one day (RFC 5545, section 3.6.1), so the event is the same.
        event.add("summary", ics_text(_summary(item)))
        event.add("description", ics_text(_description(item, plan)))
        event.add("categories", [item.status.value, ics_text(item.kind)])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")


def _summary(item: ScheduleItem) -> str:
    # A rule's `what` is its title, a sentence; a review's or report's is a name.
    what = item.what if item.kind == "rule" else f"{item.what} {item.kind}".strip()
    prefix = {"overdue": "OVERDUE", "due_soon": "Due soon"}.get(item.status.value, "")
    if item.status is ItemStatus.OVERDUE:
        days = item.days_overdue
        prefix += f" by {days} day{'s' * (days != 1)} (due {date_text(item.due)})"
    if prefix and item.finding_status is Status.WAIVED:
        prefix += " (waived)"
    return f"{prefix + ': ' if prefix else ''}{what} for {item.contract} ({item.policy})"


def _description(item: ScheduleItem, plan: Schedule) -> str:
    lines = [
        item.policy_title,
        f"Contract: {item.contract}" + (f", {item.contract_title}" if item.contract_title else ""),
        f"Accountable: {accountable_text(item.accountable)}",
        f"Status on {plan.as_of}: {item.status.value}"
        + (f", {item.days_overdue} days overdue" if item.days_overdue else ""),
        f"Finding: {item.finding_status.value}: {item.message}",
        f"Policy {item.policy}, occurrence {item.occurrence}; framework {plan.framework} "
        f"{plan.framework_version}",
    ]
    return "\n".join(lines)


#: Format name → renderer, in the order the CLI lists them.
FORMATS: Mapping[str, Callable[[Schedule], str]] = {
    "table": render_table,
    "csv": render_csv,
    "ics": render_ics,
    "json": render_json,
}
DEFAULT_FORMAT = "table"


def render(plan: Schedule, format: str = DEFAULT_FORMAT) -> str:
    """The schedule rendered in the named format.

    Raises:
        UsageError: no such format (with a suggestion), or `ics` without `icalendar`.
    """
    try:
        renderer = FORMATS[format]
    except KeyError:
        raise UsageError(
            f"unknown schedule format {format!r}; expected one of {', '.join(FORMATS)}"
            f"{did_you_mean(format, list(FORMATS))}"
        ) from None
    return renderer(plan)
