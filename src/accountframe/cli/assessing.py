"""`accountframe check`: assess a portfolio and report every finding."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

import accountframe as af
from accountframe import cli_pipeline, report
from accountframe.cli.common import (
    EXAMPLE_PORTFOLIO,
    EXIT_ERROR,
    EXIT_FAIL,
    EXIT_OK,
    SEVERITIES,
    as_of_option,
    bundle_root,
    cli,
    echo,
    fail,
    framework_option,
    inputs_of,
    limits,
    load_framework,
    load_portfolio,
    output_file,
    output_option,
    parse_date,
    refuse_own_input,
    write,
    write_chunks,
)
from accountframe.framework.framework import look_back_duration
from accountframe.report import pipelines
from accountframe.sanitise import terminal_line

if TYPE_CHECKING:
    # Assessment is not re-exported by the package yet; the annotation needs no import at run time.
    from accountframe.assessment import Assessment


@cli.command()
@click.argument("portfolio", required=False, metavar="[PORTFOLIO]")
@framework_option
@as_of_option
@click.option(
    "--format",
    "format_",
    type=click.Choice([*report.FORMATS, *pipelines.FORMATS]),
    default=report.DEFAULT_FORMAT,
    show_default=True,
    help="Output format (jsonl: JSON Lines; sarif: SARIF 2.1.0; github: workflow annotations).",
)
@output_option("the report")
@click.option(
    "--fail-on",
    multiple=True,
    metavar="SEVERITY|POLICY",
    help="Exit 1 when a finding fails at or above this severity (info, low, medium, high, "
    "critical; never: not at all), or fails a policy named by id. Repeatable, or "
    "comma-separated. [default: high]",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    metavar="N",
    help="Worker processes for a large portfolio; the report is the same.",
)
@click.option(
    "--look-back",
    metavar="DURATION",
    help="Look this far back for when each status began (e.g. '2 years'): findings then "
    "say since when. Default: the framework's look_back.",
)
@click.option(
    "--show",
    type=click.Choice(["exceptions", "all"]),
    help="table: list only error, fail, warn and waived findings, or all "
    "(default: exceptions on a terminal, all in a file or a pipe).",
)
@click.option("--compact", is_flag=True, help="table: one line per finding, its message beside it.")
def check(
    portfolio: str | None,
    framework: str,
    as_of: str | None,
    format_: str,
    output: str | None,
    fail_on: tuple[str, ...],
    workers: int,
    look_back: str | None,
    show: str | None,
    compact: bool,
) -> int:
    """Assess a portfolio against a framework and report every finding.

    With no PORTFOLIO, the bundled example portfolio is assessed. The date is --as-of, else
    the portfolio's `as_of`, else today. With a look-back (--look-back, or the framework's
    `look_back`), each finding says since when it has had its status.

    Exits 3 if any finding is an `error`, 1 if a finding fails at or above --fail-on, 2 if
    the input is invalid (nothing is assessed), 0 otherwise.
    """
    if format_ != "table" and (show is not None or compact):
        fail(f"--show and --compact are for the table format (not {format_})")
    to_terminal = (output is None or output == "-") and sys.stdout.isatty()
    # Exceptions on a terminal, where a person reads; everything in a file or a pipe, which
    # keeps what scripts and saved reports have always had.
    show = show or ("exceptions" if to_terminal else "all")
    date = parse_date(as_of) if as_of is not None else None
    if look_back is not None:
        try:
            look_back_duration(look_back)
        except ValueError as error:
            fail(f"--look-back: {str(error).removeprefix('look_back: ')}")
    inputs = inputs_of(portfolio, framework)
    refuse_own_input(output, inputs)
    fw = load_framework(framework)
    failing = fail_on_option(fail_on, fw)
    if portfolio is None:
        example = bundle_root() / EXAMPLE_PORTFOLIO
        if not example.is_file():
            fail(
                f"no PORTFOLIO given and the bundled example portfolio is missing ({example}); "
                "give a portfolio file"
            )
        facts = load_portfolio(str(example))
        described = f"bundled example ({EXAMPLE_PORTFOLIO.name})"
    else:
        facts = load_portfolio(portfolio)
        described = portfolio
    date_source = "--as-of" if date else "the portfolio" if facts.as_of else "today"
    date = date or facts.as_of or datetime.date.today()
    echo(
        f"framework: {terminal_line(fw.name)} {terminal_line(fw.version)}; "
        f"portfolio: {described}; as of {date} (from {date_source})",
        err=True,
    )
    compiled = af.compile(fw)
    if format_ in af.STREAMED_FORMATS:
        # Written as it is judged: memory holds counts and what people's consequences read,
        # not every finding (the same bytes as rendering the whole assessment).
        places = None
        if format_ in pipelines.FORMATS:  # findings at their subjects' entries
            places = cli_pipeline.portfolio_places(inputs[0], limits())
        with af.stream(
            compiled,
            facts,
            format_,
            as_of=date,
            workers=workers,
            look_back=look_back,
            locations=places,
        ) as streamed:
            if (to_file := output_file(output)) is not None:
                write_chunks(to_file, streamed.chunks(), inputs)
            else:
                for chunk in streamed.chunks():
                    click.echo(chunk, nl=False)
        return exit_code(streamed.summary, *failing)
    assessment = compiled.evaluate(facts, as_of=date, workers=workers, look_back=look_back)
    try:
        text = report.render(assessment, format_, portfolio=facts, show=show, compact=compact)
    except af.UsageError as error:  # an optional dependency of the format is missing
        fail(str(error))
    if (to_file := output_file(output)) is not None:
        write(to_file, text, inputs)
    elif format_ == "table" and to_terminal:
        from rich.console import Console

        from accountframe.report import table

        shown = table.renderable(assessment, show=show, compact=compact)
        Console(highlight=False).print(shown, crop=not compact)  # compact: each line whole
    else:
        click.echo(text, nl=False)
    return exit_code(assessment, *failing)


def fail_on_option(values: Sequence[str], fw: af.Framework) -> tuple[int | None, frozenset[str]]:
    """`--fail-on` (see `cli_pipeline.fail_on`); a mistake in it is a usage error, exit 2."""
    try:
        return cli_pipeline.fail_on(values, fw, SEVERITIES)
    except af.UsageError as error:
        fail(str(error))


def exit_code(
    assessment: Assessment | af.Summary,
    threshold: int | None,
    policies: frozenset[str] = frozenset(),
) -> int:
    """SPEC section 9: first match wins; `warn` and `waived` never fail the run. A `fail`
    finding fails the run at or above `threshold` (a severity's rank; None: none does) or
    when its policy is one of `policies`. Read from the assessment's summary (a streamed
    assessment has only that)."""
    summary = assessment if isinstance(assessment, af.Summary) else assessment.summary()
    if summary.errors:
        return EXIT_ERROR
    if summary.fails_at(threshold, policies):
        return EXIT_FAIL
    return EXIT_OK
