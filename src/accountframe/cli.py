"""The `accountframe` command: a thin layer over the public API that maps errors to exit codes.

Exit codes (first match wins): 2 bad usage or invalid input; 3 a finding with status `error`;
1 a failing finding at or above `--fail-on`; 0 otherwise; and 70 (sysexits' EX_SOFTWARE) for
an internal error, a bug in accountframe, reported on one line that asks for a report (the
traceback too when the environment sets ACCOUNTFRAME_TRACEBACK=1). Errors go to standard error
as `error: ...`; no input, however bad, produces a Python traceback.

Everything printed for people (messages, errors, `validate`, `lint`, `test`, `explain`) goes
through `accountframe.sanitise.terminal`: a control character from the data is shown as an
escape (`\\x1b`), never sent to the terminal. Every `-o` goes through `accountframe.atomic`,
which refuses to write over the command's own input.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

import accountframe as af
from accountframe import atomic, cli_pipeline, jsontext, report
from accountframe.framework.framework import look_back_duration
from accountframe.report import calendar, pipelines
from accountframe.report import history as history_report
from accountframe.sanitise import terminal, terminal_line

if TYPE_CHECKING:
    # Assessment is not re-exported by the package yet; the annotation needs no import at run time.
    from accountframe.assessment import Assessment

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_INVALID = 2
EXIT_ERROR = 3
#: An unexpected exception: a bug, not a finding (sysexits.h's EX_SOFTWARE).
EXIT_INTERNAL = 70
#: Set to 1 to see an internal error's traceback.
TRACEBACK_VARIABLE = "ACCOUNTFRAME_TRACEBACK"

DEFAULT_FRAMEWORK = "uk-central-government"
#: The bundled example portfolio, relative to the bundle root (`policies/` in the source tree).
EXAMPLE_PORTFOLIO = Path("examples", "ministry-of-example.yaml")
SEVERITIES = ("info", "low", "medium", "high", "critical")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "assessment": af.assessment_schema,
    "framework": af.framework_schema,
    "history": af.history_schema,
    "portfolio": af.portfolio_schema,
}


def _echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print text for people: what the data holds is shown, never acted on by the terminal."""
    click.echo(terminal(text), err=err, nl=nl)


def _fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    _echo(f"error: {message}", err=True)
    raise SystemExit(code)


# Options shared by the commands that assess: one definition, the same help everywhere.
_framework_option = click.option(
    "-f",
    "--framework",
    default=DEFAULT_FRAMEWORK,
    show_default=True,
    metavar="FRAMEWORK",
    help="A framework folder, or the name of a bundled framework.",
)
_as_of_option = click.option("--as-of", metavar="DATE", help="Assess as of this date, YYYY-MM-DD.")
MACHINE_FORMATS = ("json", *pipelines.FORMATS)  # of lint, validate and test
_machine_format_option = click.option(
    "--format",
    "format_",
    type=click.Choice(["text", *MACHINE_FORMATS]),
    default="text",
    show_default=True,
    help="text for people; json, sarif (SARIF 2.1.0) or github (workflow annotations) for "
    "pipelines, on standard output.",
)


@click.group(context_settings=CONTEXT)
@click.version_option(af.__version__, "--version", prog_name="accountframe")
@click.option(
    "--allow-read",
    "allow_read",
    multiple=True,
    metavar="DIR",
    # Kept out of `--help` so that the top-level help stays as it was; the af-path message
    # names it, and docs/reference/cli.md documents it.
    hidden=True,
    help="A folder outside a framework's own that it and its tests may read too (repeatable).",
)
@click.pass_context
def cli(context: click.Context, allow_read: tuple[str, ...]) -> None:
    """Check live contracts against an accountability framework written as code."""
    context.obj = af.LoadLimits(allow_read=allow_read)


@cli.command()
@click.argument("portfolios", nargs=-1, required=True, metavar="PORTFOLIO...")
@_machine_format_option
def validate(portfolios: Sequence[str], format_: str) -> None:
    """Load and check portfolio files; print every problem.

    Exits 0 when every file is valid and 2 when any is not.
    """
    invalid = 0
    files: list[dict[str, Any]] = []
    problems: list[pipelines.Annotation] = []
    for name in portfolios:
        try:
            portfolio = af.load_portfolio(name)
        except af.LoadError as load_error:
            invalid += 1
            _echo(load_error.render(), err=True)
            count = len(load_error.diagnostics)
            _echo(f"error: {name}: {count} problem{'s' if count != 1 else ''} found", err=True)
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
            _echo(
                f"ok: {name}: {terminal_line(portfolio.organisation)}"
                f", {_count(counts['contracts'], 'contract')}"
                f", {_count(counts['people'], 'person', 'people')}"
                f", {_count(counts['waivers'], 'waiver')}"
            )
    if format_ != "text":
        click.echo(cli_pipeline.validate_for_pipelines(format_, files, problems), nl=False)
    if invalid:
        raise SystemExit(EXIT_INVALID)


@cli.command()
@click.argument("portfolio", required=False, metavar="[PORTFOLIO]")
@_framework_option
@_as_of_option
@click.option(
    "--format",
    "format_",
    type=click.Choice([*report.FORMATS, *pipelines.FORMATS]),
    default=report.DEFAULT_FORMAT,
    show_default=True,
    help="Output format (sarif: SARIF 2.1.0; github: workflow annotations).",
)
@click.option(
    "-o", "--output", metavar="FILE", help="Write the report to FILE, not stdout (-: stdout)."
)
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
        _fail(f"--show and --compact are for the table format (not {format_})")
    to_terminal = (output is None or output == "-") and sys.stdout.isatty()
    # Exceptions on a terminal, where a person reads; everything in a file or a pipe, which
    # keeps what scripts and saved reports have always had.
    show = show or ("exceptions" if to_terminal else "all")
    date = _parse_date(as_of) if as_of is not None else None
    if look_back is not None:
        try:
            look_back_duration(look_back)
        except ValueError as error:
            _fail(f"--look-back: {str(error).removeprefix('look_back: ')}")
    inputs = _inputs(portfolio, framework)
    _refuse_own_input(output, inputs)
    fw = _load_framework(framework)
    failing = _fail_on(fail_on, fw)
    if portfolio is None:
        example = _bundle_root() / EXAMPLE_PORTFOLIO
        if not example.is_file():
            _fail(
                f"no PORTFOLIO given and the bundled example portfolio is missing ({example}); "
                "give a portfolio file"
            )
        facts = _load_portfolio(str(example))
        described = f"bundled example ({EXAMPLE_PORTFOLIO.name})"
    else:
        facts = _load_portfolio(portfolio)
        described = portfolio
    date_source = "--as-of" if date else "the portfolio" if facts.as_of else "today"
    date = date or facts.as_of or datetime.date.today()
    _echo(
        f"framework: {terminal_line(fw.name)} {terminal_line(fw.version)}; "
        f"portfolio: {described}; as of {date} (from {date_source})",
        err=True,
    )
    compiled = af.compile(fw)
    assessment = compiled.evaluate(facts, as_of=date, workers=workers, look_back=look_back)
    try:
        if format_ in pipelines.FORMATS:
            text = cli_pipeline.findings_for_pipelines(
                format_, assessment, compiled, inputs[0], _limits()
            )
        else:
            text = report.render(assessment, format_, portfolio=facts, show=show, compact=compact)
    except af.UsageError as error:  # an optional dependency of the format is missing
        _fail(str(error))
    if output is not None and output != "-":  # `-o -`: stdout, as with no -o
        _write(output, text, inputs)
    elif format_ == "table" and to_terminal:
        from rich.console import Console

        from accountframe.report import table

        shown = table.renderable(assessment, show=show, compact=compact)
        Console(highlight=False).print(shown, crop=not compact)  # compact: each line whole
    else:
        click.echo(text, nl=False)
    return _exit_code(assessment, *failing)


def _fail_on(values: Sequence[str], fw: af.Framework) -> tuple[int | None, frozenset[str]]:
    """`--fail-on` (see `cli_pipeline.fail_on`); a mistake in it is a usage error, exit 2."""
    try:
        return cli_pipeline.fail_on(values, fw, SEVERITIES)
    except af.UsageError as error:
        _fail(str(error))


def _exit_code(
    assessment: Assessment, threshold: int | None, policies: frozenset[str] = frozenset()
) -> int:
    """SPEC section 9: first match wins; `warn` and `waived` never fail the run. A `fail`
    finding fails the run at or above `threshold` (a severity's rank; None: none does) or
    when its policy is one of `policies`."""
    if assessment.errors:
        return EXIT_ERROR
    for finding in assessment.failures:
        if finding.policy in policies or (
            threshold is not None and finding.severity.rank >= threshold
        ):
            return EXIT_FAIL
    return EXIT_OK


@cli.command("schedule")
@click.argument("portfolio", required=False, metavar="[PORTFOLIO]")
@_framework_option
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
@click.option(
    "-o", "--output", metavar="FILE", help="Write the schedule to FILE, not stdout (-: stdout)."
)
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
    date = _parse_date(as_of) if as_of is not None else None
    end = _parse_date(until, "--until") if until is not None else None
    inputs = _inputs(portfolio, framework)
    _refuse_own_input(output, inputs)
    fw = _load_framework(framework)
    facts, described = _portfolio_or_example(portfolio)
    date_source = "--as-of" if date else "the portfolio" if facts.as_of else "today"
    date = date or facts.as_of or datetime.date.today()
    try:
        plan = af.schedule(fw, facts, as_of=date, until=end)
        text = calendar.render(plan, format_)
    except af.UsageError as error:
        _fail(str(error))
    except af.AccountframeError as error:
        _report(error, framework)
    _echo(
        f"framework: {terminal_line(fw.name)} {terminal_line(fw.version)}; "
        f"portfolio: {described}; from {date} (from {date_source}) to {plan.until}",
        err=True,
    )
    if output is not None and output != "-":  # `-o -`: stdout, as with no -o
        _write(output, text, inputs)
    else:
        click.echo(text, nl=False)


@cli.command("history")
@click.argument("portfolio", required=False, metavar="[PORTFOLIO]")
@_framework_option
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
@click.option(
    "-o", "--output", metavar="FILE", help="Write the report to FILE, not stdout (-: stdout)."
)
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
    first = _parse_date(start, "--from")
    last = _parse_date(end, "--to") if end is not None else None
    if last is not None and first > last:
        _fail(f"--from ({first}) is after --to ({last})")
    inputs = _inputs(portfolio, framework)
    _refuse_own_input(output, inputs)
    fw = _load_framework(framework)
    facts, described = _portfolio_or_example(portfolio)
    end_source = "--to" if last else "the portfolio" if facts.as_of else "today"
    last = last or facts.as_of or datetime.date.today()
    if first > last:
        _fail(f"--from ({first}) is after the last day ({last}, from {end_source}); give --to")
    try:
        spells = af.history(fw, facts, start=first, end=last)
    except af.AccountframeError as error:
        _report(error, framework)
    _echo(
        f"framework: {terminal_line(fw.name)} {terminal_line(fw.version)}; "
        f"portfolio: {described}; from {first} to {last} (the end from {end_source})",
        err=True,
    )
    text = history_report.render(spells, format_, portfolio=facts)
    if output is not None and output != "-":  # `-o -`: stdout, as with no -o
        _write(output, text, inputs)
    elif format_ == "table" and sys.stdout.isatty():
        from rich.console import Console

        Console(highlight=False).print(history_report.renderable(spells))
    else:
        click.echo(text, nl=False)
    errors = any(s.status is af.Status.ERROR for s in spells.spells) or any(
        s.status is af.ConsequenceStatus.ERROR for s in spells.consequence_spells
    )
    return EXIT_ERROR if errors else EXIT_OK


@cli.command()
@click.argument("framework", required=False, default=DEFAULT_FRAMEWORK, metavar="[FRAMEWORK]")
@click.option("--strict", is_flag=True, help="Warnings fail lint too (exit 2).")
@_machine_format_option
def lint(framework: str, strict: bool, format_: str) -> None:
    """Load and compile a framework; print every problem and warning.

    Every file is read and every CEL expression compiled and type-checked in one run, even
    where other parts have problems. Warnings (a parameter or definition nothing uses, a title
    whose period contradicts its parameter) are printed but do not fail lint unless --strict.

    FRAMEWORK is a folder or the name of a bundled framework (default
    uk-central-government). Exits 0 when it has no errors and 2 when it has.
    """
    if not _exists(framework):
        _load_framework(framework)  # a bundled framework, or says why it is neither
    report = af.lint(framework, limits=_limits())
    if report.diagnostics:
        _echo("\n".join(d.render() for d in report.diagnostics), err=True)
    errors, warnings = len(report.errors), len(report.warnings)
    noted = f", and {_count(warnings, 'warning', 'warnings')}" if warnings else ""
    if format_ != "text":  # for a pipeline, on standard output, whatever the outcome
        ok = report.framework is not None and not (strict and warnings)
        click.echo(cli_pipeline.lint_for_pipelines(format_, framework, report, ok), nl=False)
    if report.framework is None:
        _fail(f"{framework}: {errors} problem{'s' if errors != 1 else ''} found{noted}")
    if strict and warnings:
        _fail(f"{framework}: {_count(warnings, 'warning', 'warnings')} (--strict)")
    fw = report.framework
    if format_ == "text":
        _echo(
            f"ok: {terminal_line(fw.name)} {terminal_line(fw.version)}: "
            f"{_count(len(fw.policies), 'policy', 'policies')}{noted}"
        )


@cli.command("test")
@click.argument("framework", required=False, default=DEFAULT_FRAMEWORK, metavar="[FRAMEWORK]")
@click.option(
    "-k", "keyword", metavar="SUBSTRING", help="Run only the cases whose name contains this."
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", *MACHINE_FORMATS, "junit"]),
    default="text",
    show_default=True,
    help="text for people; json, junit, sarif or github for pipelines, on standard output.",
)
@click.option(
    "--coverage-min",
    type=click.FloatRange(0, 100),
    metavar="PERCENT",
    help="Exit 1 when the cases exercise fewer than this percent of the policies.",
)
@click.option(
    "--inherited",
    is_flag=True,
    help="Also run the tests of the frameworks it extends, against this framework.",
)
@click.option(
    "--snapshot",
    metavar="PORTFOLIO",
    help="Run nothing: write the results of PORTFOLIO now as a test file (-o), to commit.",
)
@click.option("--as-of", metavar="DATE", help="With --snapshot: the date, YYYY-MM-DD.")
@click.option(
    "-o", "--output", metavar="FILE", help="With --snapshot: the test file to write (-: stdout)."
)
def policy_tests(
    framework: str,
    keyword: str | None,
    format_: str,
    coverage_min: float | None,
    inherited: bool,
    snapshot: str | None,
    as_of: str | None,
    output: str | None,
) -> int:
    """Run a framework's policy tests (tests/*.yaml) and show what they cover.

    Prints each case, what differs for each failing one, the statuses each policy's cases
    reach and the policies no case names. FRAMEWORK is a folder or the name of a bundled
    framework (default uk-central-government).

    Exits 0 when every case passes, 1 when one fails, 2 when a test file or the framework is
    invalid (every problem is printed; nothing runs).
    """
    if snapshot is not None:
        return _snapshot(framework, snapshot, as_of, output)
    if as_of is not None or output is not None:
        _fail("--as-of and -o are for --snapshot")
    try:
        results = af.run_tests(framework, keyword=keyword, limits=_limits(), inherited=inherited)
    except af.UsageError as error:
        _fail(str(error))
    except af.AccountframeError as error:
        _report(error, framework)
    if format_ != "text":
        click.echo(cli_pipeline.test_for_pipelines(format_, results), nl=False)
    else:
        _echo(results.render())
    covered = True
    if coverage_min is not None and results.coverage_percent < coverage_min:
        covered = False
        _echo(
            f"error: coverage {results.coverage_percent:g}% is below --coverage-min "
            f"{coverage_min:g}% (untested: {', '.join(results.untested)})",
            err=True,
        )
    return EXIT_OK if results.passed and covered else EXIT_FAIL


def _snapshot(framework: str, portfolio: str, as_of: str | None, output: str | None) -> int:
    """`test --snapshot`: the test file, naming the portfolio relative to where it is written."""
    date = _parse_date(as_of) if as_of is not None else None
    to_file = output if output is not None and output != "-" else None
    if to_file is not None:
        _refuse_own_input(to_file, [portfolio])
    reference = cli_pipeline.named_from(portfolio, to_file)
    try:
        text = af.snapshot(
            framework, portfolio, as_of=date, portfolio_reference=reference, limits=_limits()
        )
    except af.UsageError as error:
        _fail(str(error))
    except af.AccountframeError as error:
        _report(error, framework)
    if to_file is not None:
        _write(to_file, text, [portfolio])
        _echo(f"wrote {to_file}: the results of {portfolio} as a policy test", err=True)
    else:
        click.echo(text, nl=False)
    return EXIT_OK


@cli.command()
@click.argument("framework", required=False, default=DEFAULT_FRAMEWORK, metavar="[FRAMEWORK]")
@click.option("-o", "--output", required=True, metavar="DIR", help="The folder to write.")
def docs(framework: str, output: str) -> None:
    """Write a framework's documentation as Markdown pages for mkdocs.

    An overview (roles, policies by kind), who reviews what how often, the sanctions and
    rewards ladder, the parameters and a page per policy with the policy tests that name it.
    DIR is replaced atomically: a failed run leaves the old pages. A ready mkdocs.yml (Material
    theme, Mermaid diagrams) is written beside DIR, unless one is there or that is a framework
    folder. FRAMEWORK is a folder or the name of a bundled framework (default
    uk-central-government).

    Exits 0, or 2 if the framework or its tests are invalid or DIR cannot be written.
    """
    fw = _load_framework(framework)
    folder = Path(framework) if _exists(framework) else _bundle_root() / framework
    if folder.is_file():  # the framework's framework.yaml
        folder = folder.parent
    try:
        pages = af.write_docs(fw, output, tests=folder)
        config = af.write_mkdocs_config(fw, output)
    except af.UsageError as error:
        _fail(str(error))
    except af.AccountframeError as error:
        _report(error, f"{framework} tests")
    _echo(
        f"ok: {terminal_line(fw.name)} {terminal_line(fw.version)}: "
        f"{_count(len(pages), 'page')} written to {output}"
        + (f"; {config} written (build the site with mkdocs build)" if config else "")
    )
    if config is None and (Path(output).parent / "framework.yaml").exists():
        _echo(
            f"note: no mkdocs.yml written beside {output}: its folder is a framework folder, "
            "where a mkdocs.yml would be read as a policy file; write the pages elsewhere",
            err=True,
        )


@cli.command()
@click.argument("name", type=click.Choice(sorted(SCHEMAS)))
def schema(name: str) -> None:
    """Print the JSON Schema of a format."""
    click.echo(json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False))


@cli.command()
@click.argument("policy")
@click.argument("subject")
@click.argument("portfolio", required=False, metavar="[PORTFOLIO]")
@_framework_option
@_as_of_option
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def explain(
    policy: str,
    subject: str,
    portfolio: str | None,
    framework: str,
    as_of: str | None,
    format_: str,
) -> None:
    """Show why POLICY gives SUBJECT (a contract, or a person) its status.

    Shows the values the policy's expressions read, each sub-condition's value, the kind's
    computation (due dates, holders, the findings a sanction saw), the waivers considered and
    the accountable person. PORTFOLIO, FRAMEWORK and the date default as for `check`.

    Exits 0, or 2 if the input is invalid or there is no such policy or subject.
    """
    date = _parse_date(as_of) if as_of is not None else None
    fw = _load_framework(framework)
    if portfolio is None:
        example = _bundle_root() / EXAMPLE_PORTFOLIO
        if not example.is_file():
            _fail(f"no PORTFOLIO given and the bundled example portfolio is missing ({example})")
        facts = _load_portfolio(str(example))
    else:
        facts = _load_portfolio(portfolio)
    try:
        why = af.explain(fw, facts, policy, subject, as_of=date)
    except af.UsageError as error:
        _fail(str(error))
    except af.AccountframeError as error:
        _report(error, framework)
    if format_ == "json":
        # jsontext: standard JSON (a value that is not finite is "Infinity", ...).
        click.echo(jsontext.dumps(why.to_dict()))
    else:
        _echo(why.render(), nl=False)


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

    _refuse_own_input(output, files)
    try:
        result = ocds.to_portfolio(files, organisation=organisation, buyer=buyer)
    except af.AccountframeError as error:
        _report(error, "import ocds")
    target = Path(output)
    if target.suffix.lower() == ".json":
        text = result.portfolio.to_json() + "\n"
    else:
        from accountframe.load.documents import yaml_text

        text = yaml_text(result.portfolio.to_dict(), width=100)
    _write(output, text, files)
    _echo(result.summary.render(), err=True)
    count = len(result.portfolio.contracts)
    _echo(f"ok: {output}: {_count(count, 'contract')}", err=True)


def _parse_date(text: str, option: str = "--as-of") -> datetime.date:
    try:
        if _ISO_DATE.fullmatch(text):
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    _fail(f"{option} must be a date like 2026-11-25 (got {text!r})")


def _portfolio_or_example(portfolio: str | None) -> tuple[af.Portfolio, str]:
    """The named portfolio, or the bundled example; and how to describe it on stderr."""
    if portfolio is not None:
        return _load_portfolio(portfolio), portfolio
    example = _bundle_root() / EXAMPLE_PORTFOLIO
    if not example.is_file():
        _fail(
            f"no PORTFOLIO given and the bundled example portfolio is missing ({example}); "
            "give a portfolio file"
        )
    return _load_portfolio(str(example)), f"bundled example ({EXAMPLE_PORTFOLIO.name})"


def _bundle_root() -> Path:
    """Where bundled frameworks and examples live: inside the wheel, else the source tree."""
    package = Path(af.__file__).parent
    installed = package / "_bundled"
    return installed if installed.is_dir() else package.parents[1] / "policies"


def _load_framework(name: str) -> af.Framework:
    """A framework folder if `name` is a path that exists, else a bundled framework by name."""
    if _exists(name):
        try:
            return af.load_framework(name, limits=_limits())
        except af.AccountframeError as error:
            _report(error, name)
    try:
        return af.bundled(name, limits=_limits())
    except af.LoadError as error:
        _report(error, f"bundled framework {name}")
    except af.AccountframeError as error:
        _fail(f"{name!r} is not a framework folder, and {error}")


def _exists(name: str) -> bool:
    """Whether the path `name` exists; False for a name the OS cannot take (too long, a NUL)."""
    try:
        return Path(name).exists()
    except (OSError, ValueError):
        return False


def _limits() -> af.LoadLimits:
    """The load limits of this run (`--allow-read`), as the group set them."""
    context = click.get_current_context(silent=True)
    limits = context.find_root().obj if context is not None else None
    return limits if isinstance(limits, af.LoadLimits) else af.LoadLimits()


def _load_portfolio(name: str) -> af.Portfolio:
    try:
        return af.load_portfolio(name)
    except af.AccountframeError as error:
        _report(error, name)


def _report(error: af.AccountframeError, what: str) -> NoReturn:
    """Print every diagnostic of a load or compile error, then a one-line summary; exit 2.

    With `--format json|sarif|github` the problems are also written for the pipeline on
    standard output (the text stays on standard error, for the log)."""
    _report_for_pipelines(error, what)
    if isinstance(error, af.LoadError):
        _echo(error.render(), err=True)
        count = len(error.diagnostics)
        _fail(f"{what}: {count} problem{'s' if count != 1 else ''} found")
    if isinstance(error, af.CelCompileError):
        _echo(error.diagnostic.render(), err=True)
        _fail(f"{what}: 1 problem found")
    _fail(f"{what}: {error}")


def _report_for_pipelines(error: af.AccountframeError, what: str) -> None:
    context = click.get_current_context(silent=True)
    if context is not None:
        format_, command = context.params.get("format_"), context.info_name or ""
        text = cli_pipeline.error_for_pipelines(format_, command, error, what)
        if text is not None:
            click.echo(text, nl=False)


def _inputs(portfolio: str | None, framework: str) -> list[str]:
    """The files a command reads: the portfolio (or the bundled example), and the framework
    folder's YAML files (a bundled framework's too)."""
    inputs = [portfolio if portfolio is not None else str(_bundle_root() / EXAMPLE_PORTFOLIO)]
    with contextlib.suppress(OSError):  # not a folder: loading the framework says what is wrong
        folder = Path(framework) if Path(framework).exists() else _bundle_root() / framework
        if folder.is_file():  # the framework's framework.yaml
            folder = folder.parent
        inputs += sorted(
            str(path) for path in folder.iterdir() if path.suffix.lower() in (".yaml", ".yml")
        )
    return inputs


def _refuse_own_input(output: str | None, inputs: Sequence[str]) -> None:
    """Exit 2 before any work if `-o` names one of the command's inputs."""
    if output is not None and output != "-":
        clash = atomic.own_input(output, inputs)
        if clash is not None:
            _fail(f"cannot write {output}: it is an input of this command ({clash})")


def _write(output: str, text: str, inputs: Sequence[str]) -> None:
    """Write through `accountframe.atomic`: a regular file is replaced atomically (a reader
    never sees half a report), a symlink written through, a FIFO or device written into."""
    try:
        atomic.write_text(output, text, inputs=inputs)
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror or error}")


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code instead of raising (for embedding and tests)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        # No command at all: show what there is to do; it is still a usage error.
        with click.Context(cli, info_name="accountframe", **CONTEXT) as context:
            click.echo(cli.get_help(context), err=True)
        return EXIT_INVALID
    try:
        # A command is batch work on data it loads once: it opts in to pausing the collector
        # (see `accountframe.collector_paused`), which a library call never does.
        with af.collector_paused():
            result: Any = cli.main(args=args, prog_name="accountframe", standalone_mode=False)
    except click.UsageError as usage_error:
        if usage_error.ctx is not None:
            _echo(usage_error.ctx.get_usage(), err=True)
        _echo(f"error: {usage_error.format_message()}", err=True)
        return EXIT_INVALID
    except click.ClickException as click_error:  # e.g. a file click could not open
        _echo(f"error: {click_error.format_message()}", err=True)
        return EXIT_INVALID
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        return 130
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else EXIT_INVALID
    except af.AccountframeError as error:
        _echo(f"error: {error}", err=True)
        return EXIT_INVALID
    except BrokenPipeError:
        # The reader went away (`accountframe schema portfolio | head`): not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except Exception as error:  # the last line of defence: never a traceback for a user
        return _internal_error(error)
    return int(result) if isinstance(result, int) else EXIT_OK


def _internal_error(error: Exception) -> int:
    """Report an unexpected exception on one line (and its traceback if asked); exit 70."""
    detail = " ".join(str(error).split())
    if len(detail) > 200:
        detail = detail[:197] + "..."
    click.echo(
        f"error: internal error ({type(error).__name__}{': ' + detail if detail else ''}); "
        "this is a bug in accountframe, please report it with the command you ran"
        f" (set {TRACEBACK_VARIABLE}=1 to see where it happened)",
        err=True,
    )
    if os.environ.get(TRACEBACK_VARIABLE) == "1":
        click.echo("".join(traceback.format_exception(error)).rstrip("\n"), err=True)
    return EXIT_INTERNAL


def entry_point() -> NoReturn:
    """The console script: `accountframe ...`."""
    sys.exit(main())
