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

import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

import click

import accountframe as af
from accountframe.cli import assessing, frameworks, portfolios
from accountframe.cli.assessing import exit_code
from accountframe.cli.common import (
    CONTEXT,
    DEFAULT_FRAMEWORK,
    EXAMPLE_PORTFOLIO,
    EXIT_ERROR,
    EXIT_FAIL,
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_OK,
    SEVERITIES,
    TRACEBACK_VARIABLE,
    bundle_root,
    cli,
    echo,
)

__all__ = [
    "DEFAULT_FRAMEWORK",
    "EXAMPLE_PORTFOLIO",
    "EXIT_ERROR",
    "EXIT_FAIL",
    "EXIT_INTERNAL",
    "EXIT_INVALID",
    "EXIT_OK",
    "SEVERITIES",
    "TRACEBACK_VARIABLE",
    "assessing",
    "cli",
    "entry_point",
    "frameworks",
    "main",
    "portfolios",
]

# The names the command line's module had before it became a package, for code that used them.
_exit_code = exit_code
_bundle_root = bundle_root


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
            echo(usage_error.ctx.get_usage(), err=True)
        echo(f"error: {usage_error.format_message()}", err=True)
        return EXIT_INVALID
    except click.ClickException as click_error:  # e.g. a file click could not open
        echo(f"error: {click_error.format_message()}", err=True)
        return EXIT_INVALID
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        return 130
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else EXIT_INVALID
    except af.AccountframeError as error:
        echo(f"error: {error}", err=True)
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
