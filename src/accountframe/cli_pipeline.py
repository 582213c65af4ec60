"""The parts of the command line for pipelines: what `--fail-on` asks for, and `check
--format sarif|github` (where each subject is written in the portfolio).

Kept beside `accountframe.cli`, which stays a thin layer: these take and give plain values
and raise `UsageError`; the command line turns that into `error: ...` and exit 2.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import accountframe as af
from accountframe import jsontext
from accountframe.errors import Location, UsageError, did_you_mean
from accountframe.report import pipelines
from accountframe.sanitise import terminal_line

__all__ = [
    "document",
    "error_for_pipelines",
    "fail_on",
    "lint_for_pipelines",
    "named_from",
    "portfolio_places",
    "test_for_pipelines",
    "validate_for_pipelines",
]


def fail_on(
    values: Sequence[str], framework: af.Framework, severities: Sequence[str]
) -> tuple[int | None, frozenset[str]]:
    """`--fail-on` as (the lowest failing severity's rank, or None for none, and the policy
    ids whose failure fails the run). Each value is a severity, `never`, or a policy id;
    values may be comma-separated. No value: `high`.

    Raises:
        UsageError: two severities, `never` with policy ids, or an id that is not one of the
            framework's policies (a misspelt one would never fail the run).

    Example:
        >>> fw = af.bundled("uk-central-government")
        >>> fail_on(["critical,CAD-GOLD-SRO"], fw, ("info", "low", "medium", "high", "critical"))
        (4, frozenset({'CAD-GOLD-SRO'}))
    """
    given = [value.strip() for text in values for value in text.split(",") if value.strip()]
    if not given:
        given = ["high"]
    named = [value for value in given if value in (*severities, "never")]
    policies = frozenset(value for value in given if value not in named)
    if len(named) > 1:
        raise UsageError(f"--fail-on takes one severity (got {', '.join(named)})")
    if named == ["never"] and policies:
        raise UsageError(
            "--fail-on never cannot be given with policy ids (they would fail the run)"
        )
    ids = [policy.id for policy in framework.policies]
    for policy in sorted(policies):
        if policy not in ids:
            raise UsageError(
                f"--fail-on: {terminal_line(policy)!r} is neither a severity "
                f"({', '.join(severities)}, never) nor a policy of "
                f"{terminal_line(framework.name)}"
                f"{did_you_mean(policy, [*severities, 'never', *ids])}"
            )
    if named in ([], ["never"]):
        return None, policies
    return list(severities).index(named[0]), policies


def portfolio_places(portfolio_file: str, limits: af.LoadLimits) -> dict[tuple[str, str], Location]:
    """Where each subject is written in the portfolio file, for `check --format
    sarif|github` (`af.subject_locations`): its findings are annotated there (an `error`
    finding at the framework line of the expression that failed)."""
    try:
        return dict(af.subject_locations(portfolio_file, limits=limits))
    except af.AccountframeError:  # it loaded a moment ago: read again, it changed; no lines
        return {}


def document(command: str, content: dict[str, Any]) -> str:
    """A command's result as the `accountframe/COMMAND/1` JSON document, with a newline.

    Example:
        >>> print(document("lint", {"ok": True}), end="")
        {
          "format": "accountframe/lint/1",
          "ok": true
        }
    """
    return jsontext.dumps({"format": f"accountframe/{command}/1", **content}) + "\n"


def error_for_pipelines(
    format_: Any, command: str, error: af.AccountframeError, what: str
) -> str | None:
    """What a command that failed on `error` writes on standard output for `--format
    json|sarif|github` (the text goes to standard error all the same); None for text, and
    for `json` of `check`, whose document is an assessment."""
    if format_ in pipelines.FORMATS:
        return pipelines.FORMATS[format_](pipelines.from_error(error))
    if format_ == "json" and command in ("lint", "test"):
        return document(command, {"ok": False, "target": what, "error": error.to_dict()})
    return None


def named_from(path: str, written: str | None) -> str:
    """`path` as a file written at `written` names it: relative to that file's folder, with
    `/`; as given when nothing is written (standard output).

    Example:
        >>> named_from("fw/tests/fixtures/p.yaml", "fw/tests/snapshot.yaml")
        'fixtures/p.yaml'
    """
    if written is None:
        return path
    folder = os.path.dirname(os.path.abspath(written))
    return os.path.relpath(os.path.abspath(path), folder).replace(os.sep, "/")


def lint_for_pipelines(format_: str, target: str, report: af.LintReport, ok: bool) -> str:
    """`lint --format json|sarif|github`: every problem and warning (`ok`: whether lint
    passes, `--strict` counted)."""
    if format_ == "json":
        fw = report.framework
        return document(
            "lint",
            {
                "ok": ok,
                "target": target,
                "framework": {"name": fw.name, "version": fw.version} if fw else None,
                "policies": len(fw.policies) if fw else None,
                "errors": len(report.errors),
                "warnings": len(report.warnings),
                "diagnostics": [d.to_dict() for d in report.diagnostics],
            },
        )
    return pipelines.FORMATS[format_](pipelines.from_diagnostics(report.diagnostics))


def validate_for_pipelines(
    format_: str, files: list[dict[str, Any]], problems: list[pipelines.Annotation]
) -> str:
    """`validate --format json|sarif|github`: each file's outcome (`json`), or every problem."""
    if format_ == "json":
        return document("validate", {"ok": all(f["ok"] for f in files), "files": files})
    return pipelines.FORMATS[format_](problems)


def test_for_pipelines(format_: str, results: af.TestReport) -> str:
    """`test --format json|junit|sarif|github`: the run as a document, JUnit XML, or each
    failing case at the expectation it did not meet."""
    if format_ == "json":
        return document("test", {"ok": results.passed, **results.to_dict()})
    if format_ == "junit":
        return results.to_junit()
    return pipelines.FORMATS[format_](results.annotations())
