"""The commands about portfolios and dates: `validate`, `schedule`, `history`, `import ocds`."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import accountframe as af
from accountframe import cli_pipeline
from accountframe.cli.common import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    cli,
    counted,
    echo,
    fail,
    framework_option,
    inputs_of,
    limits,
    load_framework,
    machine_format_option,
    output_file,
    output_option,
    parse_date,
    portfolio_or_example,
    refuse_own_input,
    report_error,
    write,
)
from accountframe.report import calendar, pipelines
from accountframe.report import history as history_report
from accountframe.sanitise import terminal_line

if TYPE_CHECKING:
    # Assessment is not re-exported by the package yet; the annotation needs no import at run time.
    pass


@cli.command()
@click.argument("portfolios", nargs=-1, required=True, metavar="PORTFOLIO...")
@machine_format_option
def validate(portfolios: Sequence[str], format_: str) -> None:
    """Load and check portfolio files; print every problem.

    Exits 0 when every file is valid and 2 when any is not.
    """
    invalid = 0
    files: list[dict[str, Any]] = []
    problems: list[pipelines.Annotation] = []
    for name in portfolios:
        try:
            portfolio = af.load_portfolio(name, limits=limits())
        except af.LoadError as load_error:
            invalid += 1
            echo(load_error.render(), err=True)
            count = len(load_error.diagnostics)
            echo(f"error: {name}: {count} problem{'s' if count != 1 else ''} found", err=True)
            files.append({"file": name, "ok": False, "error": load_error.to_dict()})
            problems += pipelines.from_diagnostics(load_error.diagnostics)
            continue
        counts = {
            "contracts": len(portfolio.contracts),
            "people": len(portfolio.people),
            "waivers": len(portfolio.waivers),
        }
        files.append({"file": name, "ok": True, "organisation": portfolio.organisation, **counts})
        if format_ == "text":
            echo(
                f"ok: {name}: {terminal_line(portfolio.organisation)}"
                f", {counted(counts['contracts'], 'contract')}"
                f", {counted(counts['people'], 'person', 'people')}"
                f", {counted(counts['waivers'], 'waiver')}"
            )
    if format_ != "text":
        click.echo(cli_pipeline.validate_for_pipelines(format_, files, problems), nl=False)
    if invalid:
        raise SystemExit(EXIT_INVALID)


@cli.command("schedule")
@click.argument("portfolio", required=False, metavar="[PORTFOLIO]")
@framework_option
@click.option("--as-of", metavar="DATE", help="The schedule's date, YYYY-MM-DD.")
@click.option(
    "--until", metavar="DATE", help="List items due up to this date (default: 3 months on)."
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(list(calendar.FORMATS)),
    default=calendar.DEFAULT_FORMAT,
    show_default=True,
    help="Output format.",
)
@output_option("the schedule")
def schedule_command(
    portfolio: str | None,
    framework: str,
    as_of: str | None,
    until: str | None,
    format_: str,
    output: str | None,
) -> None:
    """List the reviews and reports due under the framework, by accountable person.

    Every review (oversight_cadence policies) and report (required_information policies)
    due from the date up to --until, and every overdue one, with its status: overdue,
    due_soon, planned, or unscheduled when no due date can be worked out. PORTFOLIO,
    FRAMEWORK and the date default as for `check`. `--format ics` writes an iCalendar file.

    Exits 0, or 2 if the input is invalid.
    """
    date = parse_date(as_of) if as_of is not None else None
    end = parse_date(until, "--until") if until is not None else None
    inputs = inputs_of(portfolio, framework)
    refuse_own_input(output, inputs)
    fw = load_framework(framework)
    facts, described = portfolio_or_example(portfolio)
    date_source = "--as-of" if date else "the portfolio" if facts.as_of else "today"
    date = date or facts.as_of or datetime.date.today()
    try:
        plan = af.schedule(fw, facts, as_of=date, until=end)
        text = calendar.render(plan, format_)
    except af.UsageError as error:
        fail(str(error))
    except af.AccountframeError as error:
        report_error(error, framework)
    echo(
        f"framework: {terminal_line(fw.name)} {terminal_line(fw.version)}; "
        f"portfolio: {described}; from {date} (from {date_source}) to {plan.until}",
        err=True,
    )
    if (to_file := output_file(output)) is not None:
        write(to_file, text, inputs)
    else:
        click.echo(text, nl=False)


@cli.command("history")
@click.argument("portfolio", required=False, metavar="[PORTFOLIO]")
@framework_option
@click.option("--from", "start", required=True, metavar="DATE", help="The first day, YYYY-MM-DD.")
@click.option(
    "--to", "end", metavar="DATE", help="The last day, YYYY-MM-DD (default: as check's --as-of)."
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(list(history_report.FORMATS)),
    default=history_report.DEFAULT_FORMAT,
    show_default=True,
    help="Output format.",
)
@output_option("the report")
def history_command(
    portfolio: str | None,
    framework: str,
    start: str,
    end: str | None,
    format_: str,
    output: str | None,
) -> int:
    """Show how every finding stood over a period: since when, and who was accountable.

    Each finding and consequence is taken as `check --as-of D` gives it on every day D from
    --from to --to (both included), as spells: runs of days with the same status and
    accountable person. PORTFOLIO and FRAMEWORK default as for `check`; --to defaults as
    check's --as-of does (the portfolio's `as_of`, else today).

    Exits 3 if any spell is an `error`, 2 if the input is invalid (nothing is assessed), 0
    otherwise.
    """
    first = parse_date(start, "--from")
    last = parse_date(end, "--to") if end is not None else None
    if last is not None and first > last:
        fail(f"--from ({first}) is after --to ({last})")
    inputs = inputs_of(portfolio, framework)
    refuse_own_input(output, inputs)
    fw = load_framework(framework)
    facts, described = portfolio_or_example(portfolio)
    end_source = "--to" if last else "the portfolio" if facts.as_of else "today"
    last = last or facts.as_of or datetime.date.today()
    if first > last:
        fail(f"--from ({first}) is after the last day ({last}, from {end_source}); give --to")
    try:
        spells = af.history(fw, facts, start=first, end=last)
    except af.AccountframeError as error:
        report_error(error, framework)
    echo(
        f"framework: {terminal_line(fw.name)} {terminal_line(fw.version)}; "
        f"portfolio: {described}; from {first} to {last} (the end from {end_source})",
        err=True,
    )
    text = history_report.render(spells, format_, portfolio=facts)
    if (to_file := output_file(output)) is not None:
        write(to_file, text, inputs)
    elif format_ == "table" and sys.stdout.isatty():
        from rich.console import Console

        Console(highlight=False).print(history_report.renderable(spells))
    else:
        click.echo(text, nl=False)
    errors = any(s.status is af.Status.ERROR for s in spells.spells) or any(
        s.status is af.ConsequenceStatus.ERROR for s in spells.consequence_spells
    )
    return EXIT_ERROR if errors else EXIT_OK


@cli.group("import")
def import_() -> None:
    """Start a portfolio from data published elsewhere."""


@import_.command("ocds")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "-o", "--output", required=True, metavar="PORTFOLIO", help="Write here (.json, else YAML)."
)
@click.option("--organisation", metavar="NAME", help="The portfolio's organisation name.")
@click.option("--buyer", metavar="ID", help="Keep only the contracts of this buyer id.")
def import_ocds(
    files: Sequence[str], output: str, organisation: str | None, buyer: str | None
) -> None:
    """Import OCDS releases, records or packages (JSON, JSON Lines, gzip) as a portfolio.

    One contract per OCDS contract, or per award where an ocid has no contracts. People,
    assignments and reviews are not in OCDS: add them to the written portfolio. The summary
    (counts per publisher, and what could not be mapped, per reason) goes to standard error.

    Exits 0, or 2 if a file cannot be read (nothing is written).
    """
    from accountframe.load import ocds

    refuse_own_input(output, files)
    try:
        result = ocds.to_portfolio(files, organisation=organisation, buyer=buyer)
    except af.AccountframeError as error:
        report_error(error, "import ocds")
    target = Path(output)
    if target.suffix.lower() == ".json":
        text = result.portfolio.to_json() + "\n"
    else:
        from accountframe.load.documents import yaml_text

        text = yaml_text(result.portfolio.to_dict(), width=100)
    write(output, text, files)
    echo(result.summary.render(), err=True)
    count = len(result.portfolio.contracts)
    echo(f"ok: {output}: {counted(count, 'contract')}", err=True)
