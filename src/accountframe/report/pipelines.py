"""Results for CI pipelines: SARIF 2.1.0 and GitHub Actions workflow commands.

`check`, `lint`, `validate` and `test` each turn what they found into `Annotation`s (one
thing to show at one place: a level, a rule, a message and a location), and one renderer
writes them for the pipeline:

| format | for |
|---|---|
| `sarif` | code scanning (GitHub, GitLab, Azure DevOps): a SARIF 2.1.0 log, one run |
| `github` | a GitHub Actions job: one `::error file=F,line=L,col=C,title=T::message` line each |

Where an annotation points: a load or compile problem at its file, line and column (a CEL
error at the framework line of the expression); a finding at the entry of its contract or
person in the portfolio file (`load.locations.subject_locations`), and a finding that is an
`error` (an expression that failed) at the framework line of that expression; a failing policy
test case at the line its case starts on.

Levels: `error` for a problem, an `error` or `fail` finding and a failing case; `warning` for
a `warn` finding (and a lint warning); `note` for a `waived` finding, which SARIF also marks
as suppressed, with the waiver's reason. Passes and not-applicable findings are not results.

Both renderers are deterministic, and escape what they write: the workflow commands as the
Actions toolkit does (`%`, CR and LF in the message; also `:` and `,` in a property), SARIF as
standard JSON (`accountframe.jsontext`).

Example:
    >>> from accountframe.errors import Location
    >>> found = [Annotation("error", "af-type", "require must give a bool",
    ...                     Location(file="policies.yaml", line=12, column=14))]
    >>> print(github(found), end="")
    ::error file=policies.yaml,line=12,col=14,title=af-type::require must give a bool
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from accountframe import jsontext
from accountframe._version import __version__
from accountframe.assessment import Assessment, Finding, Status
from accountframe.compiler.compiler import Plan
from accountframe.errors import AccountframeError, Diagnostic, Location

__all__ = [
    "FORMATS",
    "INFORMATION_URI",
    "SARIF_SCHEMA",
    "SARIF_VERSION",
    "Annotation",
    "Places",
    "expression_locations",
    "from_diagnostics",
    "from_error",
    "from_findings",
    "github",
    "github_line",
    "render_assessment",
    "rules_of",
    "run_properties",
    "sarif",
    "sarif_log",
    "sarif_result",
]

SARIF_VERSION = "2.1.0"
#: The schema a SARIF log names (`$schema`): OASIS's, SARIF 2.1.0 with its errata.
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://pypi.org/project/accountframe/"
#: SARIF's levels, and the workflow command of each.
_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}
#: A finding's status → the level of its result; statuses not here are not results.
_FINDING_LEVELS = {
    Status.ERROR: "error",
    Status.FAIL: "error",
    Status.WARN: "warning",
    Status.WAIVED: "note",
}
#: The field an `error` finding's message starts with (`require failed: ...`,
#: `eligible: definition 'x' failed: ...`, `due must give a timestamp ...`).
_FAILED_FIELD = re.compile(r"([a-z_]+)(?: failed:|: definition | must give )")


@attrs.frozen
class Annotation:
    """One thing to show at one place.

    Attributes:
        level: `error`, `warning` or `note` (SARIF's names; GitHub's `notice` for a note).
        rule: What kind of thing: an error code (`af-type`), a policy id, `policy-test` (a
            failing policy test case).
        message: What is wrong, in full (it may have several lines).
        location: Where, when known: a file, and a line and column when known.
        title: A short title (GitHub shows it above the message); default the rule.
        suppression: For a waived finding, the waiver's reason: SARIF marks it suppressed.
        properties: More facts for SARIF's `properties` (subject, severity, status).
    """

    level: str
    rule: str
    message: str
    location: Location | None = None
    title: str = ""
    suppression: str | None = None
    properties: Mapping[str, Any] = attrs.field(factory=dict)


def from_diagnostics(diagnostics: Iterable[Diagnostic], level: str = "error") -> list[Annotation]:
    """An annotation for each load or compile problem, at its location: at `level`, a
    warning (`lint`'s) at `warning`.

    Example:
        >>> from accountframe.errors import AccountframeError, Diagnostic, Location
        >>> d = Diagnostic("af-key", "unknown key 'tierr'", Location(file="p.yaml", line=4,
        ...                column=5, path="contracts[0]"))
        >>> from_diagnostics([d])[0].message
        "contracts[0]: unknown key 'tierr'"
    """
    return [
        Annotation(
            level=level if diagnostic.is_error else "warning",
            rule=diagnostic.code,
            message=(
                f"{diagnostic.shown_path()}: {diagnostic.message}"
                if diagnostic.location.path
                else diagnostic.message
            ),
            location=diagnostic.location if diagnostic.location.file else None,
        )
        for diagnostic in diagnostics
    ]


def from_error(error: AccountframeError) -> list[Annotation]:
    """An error's diagnostics as annotations (`from_diagnostics`); an error without any
    (a usage error) as one annotation with no place.

    Example:
        >>> from accountframe.errors import UsageError
        >>> from_error(UsageError("no policy tests"))[0].rule == UsageError.code
        True
    """
    problems = error.problems()
    if problems:
        return from_diagnostics(problems)
    return [Annotation("error", error.code, str(error))]


def from_findings(
    assessment: Assessment,
    subjects: Mapping[tuple[str, str], Location] | None = None,
    expressions: Mapping[tuple[str, str], Location] | None = None,
) -> list[Annotation]:
    """An annotation for each finding that is an error, fail, warn or waived, in report order.

    Args:
        assessment: The assessment.
        subjects: (subject type, id) → where it is written in the portfolio
            (`load.locations.subject_locations`); a finding about a subject not in it has no
            location.
        expressions: (policy id, field) → where that expression is written in the framework:
            an `error` finding points there, at the expression that failed.
    """
    places = Places(subjects or {}, expressions or {})
    found: list[Annotation] = []
    for finding in assessment.findings:
        annotation = places.annotation(finding)
        if annotation is not None:
            found.append(annotation)
    return found


@attrs.frozen(eq=False)
class Places:
    """Where a run's findings point (see `from_findings`): the same for every finding, so it
    is made once per run, and pickles (a streamed run's worker processes write their own
    contracts' annotations with it).

    Attributes:
        subjects: (subject type, id) → where it is written in the portfolio.
        expressions: (policy id, field) → where that expression is written in the framework.
    """

    subjects: Mapping[tuple[str, str], Location] = attrs.field(factory=dict)
    expressions: Mapping[tuple[str, str], Location] = attrs.field(factory=dict)

    def annotation(self, finding: Finding) -> Annotation | None:
        """The finding's annotation; None for a pass or a not-applicable finding.

        Example:
            >>> import accountframe as af
            >>> fw = af.bundled("uk-central-government")
            >>> assessment = fw.evaluate(af.load_portfolio(
            ...     "policies/examples/ministry-of-example.yaml"))
            >>> places = Places()
            >>> [places.annotation(f) for f in assessment.findings if f.status.value == "pass"][0]
            >>> places.annotation(assessment.failures[0]).level
            'error'
        """
        level = _FINDING_LEVELS.get(finding.status)
        if level is None:
            return None
        location = self.subjects.get((finding.subject.type, finding.subject.id))
        if finding.status is Status.ERROR:
            field = _FAILED_FIELD.match(finding.message)
            if field is not None:
                location = self.expressions.get((finding.policy, field.group(1)), location)
        return Annotation(
            level=level,
            rule=finding.policy,
            message=_finding_message(finding),
            location=location,
            title=f"{finding.policy} {finding.status.value}: {finding.subject.id}",
            suppression=finding.waiver.reason if finding.waiver is not None else None,
            properties={
                "subject": finding.subject.to_dict(),
                "status": finding.status.value,
                "severity": finding.severity.value,
                "accountable": finding.accountable.to_dict(),
                "due": finding.due.isoformat() if finding.due is not None else None,
                # As in the assessment's JSON, only when the finding has money at stake.
                **(
                    {"exposure": {"amount": finding.exposure, "currency": finding.currency}}
                    if finding.exposure is not None
                    else {}
                ),
            },
        )


def expression_locations(plan: Plan) -> dict[tuple[str, str], Location]:
    """(policy id, field) → where each expression of a compiled framework is written, for
    `from_findings` (`compiled.plan`)."""
    return {
        (policy.id, field): program.location
        for policy in plan.policies
        for field, program in policy.programs.items()
        if program.location is not None
    }


def rules_of(plan: Plan) -> dict[str, str]:
    """Policy id → title, for every policy of the framework in its order: the rules of a
    `check` run's SARIF log (every policy listed, whether or not it found anything)."""
    return {policy.id: policy.title for policy in plan.framework.policies}


def run_properties(assessment: Assessment, counts: Mapping[str, int]) -> dict[str, Any]:
    """The `properties` of a `check` run's SARIF log: the framework, organisation and date of
    `assessment` (only its header is read), and `counts`, the count of each status
    (`Assessment.status_counts()`)."""
    return {
        "framework": {"name": assessment.framework, "version": assessment.framework_version},
        "organisation": assessment.organisation,
        "as_of": assessment.as_of.isoformat(),
        "summary": dict(counts),
    }


def render_assessment(
    format: str,
    assessment: Assessment,
    plan: Plan,
    subjects: Mapping[tuple[str, str], Location] | None = None,
) -> str:
    """`check --format sarif|github`: the findings that are not pass or not applicable, each
    at its subject's entry in the portfolio (`subjects`) and an `error` finding at the
    framework line of the expression that failed (read from `plan`, the compiled framework's).
    `accountframe.stream` writes the same text as it goes."""
    found = from_findings(assessment, subjects, expression_locations(plan))
    if format == "github":
        return github(found)
    properties = run_properties(assessment, assessment.status_counts())
    return sarif(found, rules=rules_of(plan), properties=properties)


def _finding_message(finding: Finding) -> str:
    return f"{finding.subject.type} {finding.subject.id}: {finding.message}"


def github(annotations: Iterable[Annotation]) -> str:
    """GitHub Actions workflow commands, one line each: `::error file=F,line=L,col=C,
    title=T::message`, properties left out where unknown; escaped as the Actions toolkit
    escapes them, so that no text can end a command early or start another.

    Example:
        >>> print(github([Annotation("warning", "R", "50% done\\nnext", title="a: b, c")]), end="")
        ::warning title=a%3A b%2C c::50%25 done%0Anext
    """
    return "".join(github_line(annotation) for annotation in annotations)


def github_line(annotation: Annotation) -> str:
    """One annotation's workflow command, with its newline (see `github`)."""
    properties = []
    location = annotation.location
    if location is not None and location.file:
        properties.append(f"file={_property(location.file)}")
        if location.line is not None:
            properties.append(f"line={location.line}")
            if location.column is not None:
                properties.append(f"col={location.column}")
    properties.append(f"title={_property(annotation.title or annotation.rule)}")
    command = _COMMANDS[annotation.level]
    return f"::{command} {','.join(properties)}::{_data(annotation.message)}\n"


def _data(text: str) -> str:
    """A command's message escaped (actions/toolkit `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A command's property value escaped (actions/toolkit `escapeProperty`)."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def sarif(
    annotations: Sequence[Annotation],
    *,
    rules: Mapping[str, str] | None = None,
    tool: str = "accountframe",
    properties: Mapping[str, Any] | None = None,
) -> str:
    """A SARIF 2.1.0 log of one run: the annotations as results, indented JSON, a newline
    at the end.

    Args:
        annotations: The results, in order.
        rules: Rule id → a one-line description (a policy's title); every rule a result
            names is listed in the tool's `rules`, described when given here.
        tool: The tool's name (the driver).
        properties: Facts about the run (framework, portfolio, date) for its `properties`.

    Example:
        >>> import json
        >>> log = json.loads(sarif([Annotation("error", "af-type", "bad")]))
        >>> log["version"], log["runs"][0]["results"][0]["ruleId"]
        ('2.1.0', 'af-type')
    """
    rules = rules or {}
    ids = list(dict.fromkeys([*rules, *(a.rule for a in annotations)]))
    index = {rule: position for position, rule in enumerate(ids)}
    results = [sarif_result(a, index[a.rule]) for a in annotations]
    log = sarif_log(ids, results, rules=rules, tool=tool, properties=properties)
    return jsontext.dumps(log, 2) + "\n"


def sarif_log(
    ids: Sequence[str],
    results: list[dict[str, Any]],
    *,
    rules: Mapping[str, str],
    tool: str = "accountframe",
    properties: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The SARIF log `sarif` writes, as data: the rules named `ids` (in that order, each
    described by `rules` where it has them) and `results` (`sarif_result`'s)."""
    driver: dict[str, Any] = {
        "name": tool,
        "version": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(rule, rules.get(rule)) for rule in ids],
    }
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if properties:
        run["properties"] = dict(properties)
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _rule(rule: str, description: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {"id": rule}
    if description:
        found["shortDescription"] = {"text": description}
    return found


def sarif_result(annotation: Annotation, rule_index: int) -> dict[str, Any]:
    """One annotation as a SARIF result, as data (`rule_index`: its rule's position in the
    tool's `rules`)."""
    result: dict[str, Any] = {
        "ruleId": annotation.rule,
        "ruleIndex": rule_index,
        "level": annotation.level,
        "message": {"text": annotation.message},
    }
    location = annotation.location
    if location is not None and location.file:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(location.file)}}
        if location.line is not None:
            region: dict[str, Any] = {"startLine": location.line}
            if location.column is not None:
                region["startColumn"] = location.column
            physical["region"] = region
        place: dict[str, Any] = {"physicalLocation": physical}
        if location.path:
            place["logicalLocations"] = [{"fullyQualifiedName": location.path}]
        result["locations"] = [place]
    if annotation.suppression is not None:
        result["suppressions"] = [{"kind": "external", "justification": annotation.suppression}]
    if annotation.properties:
        result["properties"] = dict(annotation.properties)
    return result


def _uri(file: str) -> str:
    """A file name as a URI reference: relative names stay relative (the tool that reads the
    log resolves them against the repository), with `/` and percent-escapes.

    >>> _uri("policies/my rules.yaml"), _uri("/srv/p.yaml")
    ('policies/my%20rules.yaml', 'file:///srv/p.yaml')
    """
    path = file.replace("\\", "/")
    quoted = urllib.parse.quote(path, safe="/")
    return f"file://{quoted}" if path.startswith("/") else quoted


#: Format name → the renderer of annotations, for the command line.
FORMATS: Mapping[str, Callable[[Sequence[Annotation]], str]] = {
    "sarif": sarif,
    "github": github,
}
