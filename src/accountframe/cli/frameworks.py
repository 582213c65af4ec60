"""The commands about frameworks: `lint`, `test`, `docs`, `schema`, `explain`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

import accountframe as af
from accountframe import cli_pipeline, jsontext
from accountframe.cli.common import (
    DEFAULT_FRAMEWORK,
    EXAMPLE_PORTFOLIO,
    EXIT_FAIL,
    EXIT_OK,
    MACHINE_FORMATS,
    SCHEMAS,
    as_of_option,
    bundle_root,
    cli,
    counted,
    echo,
    exists,
    fail,
    framework_option,
    limits,
    load_framework,
    load_portfolio,
    machine_format_option,
    output_file,
    parse_date,
    refuse_own_input,
    report_error,
    write,
)
from accountframe.sanitise import terminal_line

if TYPE_CHECKING:
    # Assessment is not re-exported by the package yet; the annotation needs no import at run time.
    pass


@cli.command()
@click.argument("framework", required=False, default=DEFAULT_FRAMEWORK, metavar="[FRAMEWORK]")
@click.option("--strict", is_flag=True, help="Warnings fail lint too (exit 2).")
@machine_format_option
def lint(framework: str, strict: bool, format_: str) -> None:
    """Load and compile a framework; print every problem and warning.

    Every file is read and every CEL expression compiled and type-checked in one run, even
    where other parts have problems. Warnings (a parameter or definition nothing uses, a title
    whose period contradicts its parameter) are printed but do not fail lint unless --strict.

    FRAMEWORK is a folder or the name of a bundled framework (default
    uk-central-government). Exits 0 when it has no errors and 2 when it has.
    """
    if not exists(framework):
        load_framework(framework)  # a bundled framework, or says why it is neither
    report = af.lint(framework, limits=limits())
    if report.diagnostics:
        echo("\n".join(d.render() for d in report.diagnostics), err=True)
    errors, warnings = len(report.errors), len(report.warnings)
    noted = f", and {counted(warnings, 'warning', 'warnings')}" if warnings else ""
    if format_ != "text":  # for a pipeline, on standard output, whatever the outcome
        ok = report.framework is not None and not (strict and warnings)
        click.echo(cli_pipeline.lint_for_pipelines(format_, framework, report, ok), nl=False)
    if report.framework is None:
        fail(f"{framework}: {errors} problem{'s' if errors != 1 else ''} found{noted}")
    if strict and warnings:
        fail(f"{framework}: {counted(warnings, 'warning', 'warnings')} (--strict)")
    fw = report.framework
    if format_ == "text":
        echo(
            f"ok: {terminal_line(fw.name)} {terminal_line(fw.version)}: "
            f"{counted(len(fw.policies), 'policy', 'policies')}{noted}"
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
        fail("--as-of and -o are for --snapshot")
    try:
        results = af.run_tests(framework, keyword=keyword, limits=limits(), inherited=inherited)
    except af.UsageError as error:
        fail(str(error))
    except af.AccountframeError as error:
        report_error(error, framework)
    if format_ != "text":
        click.echo(cli_pipeline.test_for_pipelines(format_, results), nl=False)
    else:
        echo(results.render())
    covered = True
    if coverage_min is not None and results.coverage_percent < coverage_min:
        covered = False
        echo(
            f"error: coverage {results.coverage_percent:g}% is below --coverage-min "
            f"{coverage_min:g}% (untested: {', '.join(results.untested)})",
            err=True,
        )
    return EXIT_OK if results.passed and covered else EXIT_FAIL


def _snapshot(framework: str, portfolio: str, as_of: str | None, output: str | None) -> int:
    """`test --snapshot`: the test file, naming the portfolio relative to where it is written."""
    date = parse_date(as_of) if as_of is not None else None
    to_file = output_file(output)
    if to_file is not None:
        refuse_own_input(to_file, [portfolio])
    reference = cli_pipeline.named_from(portfolio, to_file)
    try:
        text = af.snapshot(
            framework, portfolio, as_of=date, portfolio_reference=reference, limits=limits()
        )
    except af.UsageError as error:
        fail(str(error))
    except af.AccountframeError as error:
        report_error(error, framework)
    if to_file is not None:
        write(to_file, text, [portfolio])
        echo(f"wrote {to_file}: the results of {portfolio} as a policy test", err=True)
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
    fw = load_framework(framework)
    folder = Path(framework) if exists(framework) else bundle_root() / framework
    if folder.is_file():  # the framework's framework.yaml
        folder = folder.parent
    try:
        pages = af.write_docs(fw, output, tests=folder)
        config = af.write_mkdocs_config(fw, output)
    except af.UsageError as error:
        fail(str(error))
    except af.AccountframeError as error:
        report_error(error, f"{framework} tests")
    echo(
        f"ok: {terminal_line(fw.name)} {terminal_line(fw.version)}: "
        f"{counted(len(pages), 'page')} written to {output}"
        + (f"; {config} written (build the site with mkdocs build)" if config else "")
    )
    if config is None and (Path(output).parent / "framework.yaml").exists():
        echo(
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
@framework_option
@as_of_option
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
    date = parse_date(as_of) if as_of is not None else None
    fw = load_framework(framework)
    if portfolio is None:
        example = bundle_root() / EXAMPLE_PORTFOLIO
        if not example.is_file():
            fail(f"no PORTFOLIO given and the bundled example portfolio is missing ({example})")
        facts = load_portfolio(str(example))
    else:
        facts = load_portfolio(portfolio)
    try:
        why = af.explain(fw, facts, policy, subject, as_of=date)
    except af.UsageError as error:
        fail(str(error))
    except af.AccountframeError as error:
        report_error(error, framework)
    if format_ == "json":
        # jsontext: standard JSON (a value that is not finite is "Infinity", ...).
        click.echo(jsontext.dumps(why.to_dict()))
    else:
        echo(why.render(), nl=False)
