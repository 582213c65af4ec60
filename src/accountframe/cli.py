"""The `accountframe` command: a thin layer over the public API that maps errors to exit codes.

Exit codes (first match wins): 2 bad usage or invalid input; 3 a finding with status `error`
(or an internal error); 1 a failing finding at or above `--fail-on`; 0 otherwise. Errors go to
standard error as `error: ...`; no input, however bad, produces a Python traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

import accountframe as af

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_INVALID = 2
EXIT_ERROR = 3

SCHEMAS = {"portfolio": af.portfolio_schema}
CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


def _fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)


@click.group(context_settings=CONTEXT)
@click.version_option(af.__version__, "--version", prog_name="accountframe")
def cli() -> None:
    """Check live contracts against an accountability framework written as code."""


@cli.command()
@click.argument("portfolios", nargs=-1, required=True, metavar="PORTFOLIO...")
def validate(portfolios: Sequence[str]) -> None:
    """Load and check portfolio files; print every problem.

    Exits 0 when every file is valid and 2 when any is not.
    """
    invalid = 0
    for name in portfolios:
        try:
            portfolio = af.load_portfolio(name)
        except af.LoadError as load_error:
            invalid += 1
            click.echo(load_error.render(), err=True)
            count = len(load_error.diagnostics)
            click.echo(f"error: {name}: {count} problem{'s' if count != 1 else ''} found", err=True)
            continue
        click.echo(
            f"ok: {name}: {portfolio.organisation}, {_count(len(portfolio.contracts), 'contract')}"
            f", {_count(len(portfolio.people), 'person', 'people')}"
            f", {_count(len(portfolio.waivers), 'waiver')}"
        )
    if invalid:
        raise SystemExit(EXIT_INVALID)


@cli.command()
@click.argument("name", type=click.Choice(sorted(SCHEMAS)))
def schema(name: str) -> None:
    """Print the JSON Schema of a format."""
    click.echo(json.dumps(SCHEMAS[name](), indent=2, ensure_ascii=False))


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
        result: Any = cli.main(args=args, prog_name="accountframe", standalone_mode=False)
    except click.UsageError as usage_error:
        if usage_error.ctx is not None:
            click.echo(usage_error.ctx.get_usage(), err=True)
        click.echo(f"error: {usage_error.format_message()}", err=True)
        return EXIT_INVALID
    except click.ClickException as click_error:  # e.g. a file click could not open
        click.echo(f"error: {click_error.format_message()}", err=True)
        return EXIT_INVALID
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        return 130
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else EXIT_INVALID
    except af.AccountframeError as error:
        click.echo(f"error: {error}", err=True)
        return EXIT_INVALID
    except BrokenPipeError:
        # The reader went away (`accountframe schema portfolio | head`): not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except Exception as error:  # the last line of defence: never a traceback for a user
        click.echo(
            f"error: internal error ({type(error).__name__}: {error}); this is a bug in "
            "accountframe, please report it with the command you ran",
            err=True,
        )
        return EXIT_ERROR
    return int(result) if isinstance(result, int) else EXIT_OK


def entry_point() -> NoReturn:
    """The console script: `accountframe ...`."""
    sys.exit(main())
