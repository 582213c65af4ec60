"""What the commands share: the group, exit codes, options, loading and writing helpers."""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

import accountframe as af
from accountframe import atomic, cli_pipeline
from accountframe.report import pipelines
from accountframe.sanitise import terminal

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
    "assessment-line": af.assessment_line_schema,
    "framework": af.framework_schema,
    "history": af.history_schema,
    "portfolio": af.portfolio_schema,
}


def echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """Print text for people: what the data holds is shown, never acted on by the terminal."""
    click.echo(terminal(text), err=err, nl=nl)


def fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    echo(f"error: {message}", err=True)
    raise SystemExit(code)


# Options shared by the commands that assess: one definition, the same help everywhere.
framework_option = click.option(
    "-f",
    "--framework",
    default=DEFAULT_FRAMEWORK,
    show_default=True,
    metavar="FRAMEWORK",
    help="A framework folder, or the name of a bundled framework.",
)
as_of_option = click.option("--as-of", metavar="DATE", help="Assess as of this date, YYYY-MM-DD.")


def output_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`-o FILE`: where a command writes `what` (the report, the schedule) instead of stdout."""
    return click.option(
        "-o", "--output", metavar="FILE", help=f"Write {what} to FILE, not stdout (-: stdout)."
    )


MACHINE_FORMATS = ("json", *pipelines.FORMATS)  # of lint, validate and test
machine_format_option = click.option(
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
@click.option(
    "--max-bytes",
    "max_bytes",
    type=click.IntRange(min=1),
    default=af.LoadLimits().max_bytes,
    metavar="BYTES",
    # Hidden as --allow-read is; docs/reference/cli.md and docs/limits.md document it.
    hidden=True,
    help="The largest portfolio or framework file read (default 100 MiB).",
)
@click.pass_context
def cli(context: click.Context, allow_read: tuple[str, ...], max_bytes: int) -> None:
    """Check live contracts against an accountability framework written as code."""
    context.obj = af.LoadLimits(allow_read=allow_read, max_bytes=max_bytes)


def parse_date(text: str, option: str = "--as-of") -> datetime.date:
    try:
        if _ISO_DATE.fullmatch(text):
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    fail(f"{option} must be a date like 2026-11-25 (got {text!r})")


def portfolio_or_example(portfolio: str | None) -> tuple[af.Portfolio, str]:
    """The named portfolio, or the bundled example; and how to describe it on stderr."""
    if portfolio is not None:
        return load_portfolio(portfolio), portfolio
    example = bundle_root() / EXAMPLE_PORTFOLIO
    if not example.is_file():
        fail(
            f"no PORTFOLIO given and the bundled example portfolio is missing ({example}); "
            "give a portfolio file"
        )
    return load_portfolio(str(example)), f"bundled example ({EXAMPLE_PORTFOLIO.name})"


def bundle_root() -> Path:
    """Where bundled frameworks and examples live: inside the wheel, else the source tree."""
    package = Path(af.__file__).parent
    installed = package / "_bundled"
    return installed if installed.is_dir() else package.parents[1] / "policies"


def load_framework(name: str) -> af.Framework:
    """A framework folder if `name` is a path that exists, else a bundled framework by name."""
    if exists(name):
        try:
            return af.load_framework(name, limits=limits())
        except af.AccountframeError as error:
            report_error(error, name)
    try:
        return af.bundled(name, limits=limits())
    except af.LoadError as error:
        report_error(error, f"bundled framework {name}")
    except af.AccountframeError as error:
        fail(f"{name!r} is not a framework folder, and {error}")


def exists(name: str) -> bool:
    """Whether the path `name` exists; False for a name the OS cannot take (too long, a NUL)."""
    try:
        return Path(name).exists()
    except (OSError, ValueError):
        return False


def limits() -> af.LoadLimits:
    """The load limits of this run (`--allow-read`), as the group set them."""
    context = click.get_current_context(silent=True)
    limits = context.find_root().obj if context is not None else None
    return limits if isinstance(limits, af.LoadLimits) else af.LoadLimits()


def load_portfolio(name: str) -> af.Portfolio:
    try:
        return af.load_portfolio(name, limits=limits())
    except af.AccountframeError as error:
        report_error(error, name)


def report_error(error: af.AccountframeError, what: str) -> NoReturn:
    """Print every diagnostic of a load or compile error, then a one-line summary; exit 2.

    With `--format json|sarif|github` the problems are also written for the pipeline on
    standard output (the text stays on standard error, for the log)."""
    _report_for_pipelines(error, what)
    if isinstance(error, af.LoadError):
        echo(error.render(), err=True)
        count = len(error.diagnostics)
        fail(f"{what}: {count} problem{'s' if count != 1 else ''} found")
    if isinstance(error, af.CelCompileError):
        echo(error.diagnostic.render(), err=True)
        fail(f"{what}: 1 problem found")
    fail(f"{what}: {error}")


def _report_for_pipelines(error: af.AccountframeError, what: str) -> None:
    context = click.get_current_context(silent=True)
    if context is not None:
        format_, command = context.params.get("format_"), context.info_name or ""
        text = cli_pipeline.error_for_pipelines(format_, command, error, what)
        if text is not None:
            click.echo(text, nl=False)


def inputs_of(portfolio: str | None, framework: str) -> list[str]:
    """The files a command reads: the portfolio (or the bundled example), and the framework
    folder's YAML files (a bundled framework's too)."""
    inputs = [portfolio if portfolio is not None else str(bundle_root() / EXAMPLE_PORTFOLIO)]
    with contextlib.suppress(OSError):  # not a folder: loading the framework says what is wrong
        folder = Path(framework) if Path(framework).exists() else bundle_root() / framework
        if folder.is_file():  # the framework's framework.yaml
            folder = folder.parent
        inputs += sorted(
            str(path) for path in folder.iterdir() if path.suffix.lower() in (".yaml", ".yml")
        )
    return inputs


def output_file(output: str | None) -> str | None:
    """The file `-o` names, or None for stdout (no `-o`, or `-o -`)."""
    return output if output is not None and output != "-" else None


def refuse_own_input(output: str | None, inputs: Sequence[str]) -> None:
    """Exit 2 before any work if `-o` names one of the command's inputs."""
    to_file = output_file(output)
    if to_file is not None:
        clash = atomic.own_input(to_file, inputs)
        if clash is not None:
            fail(f"cannot write {to_file}: it is an input of this command ({clash})")


def write(output: str, text: str, inputs: Sequence[str]) -> None:
    """Write through `accountframe.atomic`: a regular file is replaced atomically (a reader
    never sees half a report), a symlink written through, a FIFO or device written into."""
    try:
        atomic.write_text(output, text, inputs=inputs)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")


def write_chunks(output: str, chunks: Iterable[str], inputs: Sequence[str]) -> None:
    """`write`, for a report given in pieces (a streamed one)."""
    try:
        atomic.write_chunks(output, chunks, inputs=inputs)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")


def counted(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"
