"""The formats written as the assessment goes: `json`, `jsonl`, `csv`, `junit`, `github` and
`sarif` (see `evaluation.stream`).

Each has a `Texts` (how one finding and one consequence are written: in worker processes too)
and `chunks`, which gives the whole output from the `Spools` once every subject is judged:

- `json`: the same bytes as `Assessment.to_json()` and a newline (`jsonfmt.render`). The
  summary comes before the findings in that document, so the findings wait in the spools
  (temporary files past a megabyte a policy) until the summary is known.
- `jsonl` (JSON Lines): one line per finding (`"record": "finding"` and the finding's keys as
  in the `json` document), then one per consequence (`"record": "consequence"`), then one
  summary line (`"record": "summary"`: the document's other keys and the number of findings
  and consequences); see `lines`.
- `junit`: the `junit` format's bytes (`junit.render`): each policy's `testsuite` is headed by
  its counts, known at the end; its `testcase`s wait in its spool.
- `csv`: the `csv` format's bytes (`csvfmt.render`). Its two money columns are there only
  when some finding has an exposure, which is known at the end: each row is written with them
  (empty without an exposure), and if no finding had one they are cut from every row as the
  text is copied out (a row ends with the only CRLF in it: `csv_cell` escapes a carriage
  return in a cell, so the row's last two empty cells are its last `,,` before its CRLF).
- `github` and `sarif`: the bytes of `check --format github|sarif`
  (`pipelines.render_assessment`). Their texts are made per run (`for_run`, `PER_RUN`): a
  finding points at its subject's entry in the portfolio, or an `error` finding at its
  expression in the framework, and a SARIF result names its rule's position among the
  framework's policies. A pass or a not-applicable finding writes nothing (it is counted).
  `github` is its lines in order; the SARIF log's run has its `properties` (the status
  counts) after its `results`, so it is written whole at the end, the results from the
  spools.

Example:
    >>> sorted(STREAMED), FORMATS[len(STREAMED):]
    (['csv', 'json', 'jsonl', 'junit'], ('github', 'sarif'))
"""

from __future__ import annotations

import datetime
import functools
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from accountframe import jsontext
from accountframe.assessment import (
    ASSESSMENT_LINES_FORMAT,
    Accountable,
    Assessment,
    Consequence,
    Finding,
    Status,
    Subject,
    json_ready,
)
from accountframe.compiler.compiler import Plan
from accountframe.errors import Location
from accountframe.evaluation.stream import Spools, Texts
from accountframe.fastpath import Declined
from accountframe.framework.policies import Severity
from accountframe.report import junit, pipelines
from accountframe.report.csvfmt import header as csv_header
from accountframe.report.csvfmt import render as csv_render
from accountframe.report.csvfmt import row as csv_row
from accountframe.sanitise import xml_text

__all__ = [
    "FORMATS",
    "LINES_FORMAT",
    "PER_RUN",
    "STREAMED",
    "Chunks",
    "GithubLines",
    "SarifResults",
    "chunks",
    "consequence_text",
    "finding_text",
    "for_run",
    "lines",
    "summary_line",
    "without_money",
]

#: The `format` of a `jsonl` summary line.
LINES_FORMAT = ASSESSMENT_LINES_FORMAT

# The findings and consequences of the `json` document are two levels in: each line of an
# item's own text is indented by four more spaces.
_ITEM_INDENT = "\n    "
_FINDINGS = '\n  "findings": [],\n  "consequences": [],\n'


def _json_finding(finding: Finding) -> str:
    try:
        return jsontext.safe(finding_text(finding))
    except (Declined, RecursionError):  # a value of the evidence json.dumps must write
        return jsontext.dumps(finding.to_dict()).replace("\n", _ITEM_INDENT)


# A finding's keys, and the keys of the maps in it, as the document indents them.
_KEY = ",\n      "
_INNER = "\n      "
_EVIDENCE = "\n        "  # a key of the evidence, one level further in
_STATUS_TEXTS = {status: jsontext.string(status.value) for status in Status}
_SEVERITY_TEXTS = {severity: jsontext.string(severity.value) for severity in Severity}


# The text of a finding's subject, accountable and tags, each a pure function of an immutable
# value, cached (bounded): a contract's findings come one after another, and share their
# accountable people and their policies' tags with many others.
@functools.lru_cache(maxsize=64)
def _subject_text(subject: Subject) -> str:
    return _map_text(subject.to_dict())


@functools.lru_cache(maxsize=4096)
def _accountable_text(accountable: Accountable) -> str:
    return _map_text(accountable.to_dict())


@functools.lru_cache(maxsize=1024)
def _tags_text(tags: tuple[str, ...]) -> str:
    return _map_text(list(tags))


def finding_text(finding: Finding) -> str:
    """A finding's text as an item of the `json` document's findings (not yet made `safe`):
    `jsontext.dumps(finding.to_dict())` indented two levels in, written from the finding
    (its subject, accountable and tags each once), not from its map.

    Raises:
        Declined: evidence that is not plain JSON once dates are written as text.
    """
    scalar, string = jsontext.scalar, jsontext.string
    parts = [
        "{" + _INNER + '"policy": ' + string(finding.policy)
        + _KEY + '"kind": ' + string(finding.kind)
        + _KEY + '"subject": ' + _subject_text(finding.subject)
        + _KEY + '"status": ' + _STATUS_TEXTS[finding.status]
        + _KEY + '"severity": ' + _SEVERITY_TEXTS[finding.severity]
        + _KEY + '"accountable": ' + _accountable_text(finding.accountable)
        + _KEY + '"message": ' + string(finding.message)
        + _KEY + '"due": ' + (string(finding.due.isoformat()) if finding.due else "null")
        + _KEY + '"evidence": '
    ]  # fmt: skip
    if finding.evidence:
        _write_evidence(finding.evidence, parts)
    else:  # most findings: nothing to show
        parts.append("{}")
    parts.append(_KEY + '"tags": ' + _tags_text(finding.tags))
    if finding.waiver is not None:
        parts.append(_KEY + '"waiver": ' + _map_text(finding.waiver.to_dict()))
    if finding.since is not None:
        parts.append(_KEY + '"since": ' + scalar(finding.since.isoformat()))
        parts.append(_KEY + '"since_limited": ' + scalar(finding.since_limited))
    if finding.exposure is not None:
        money = {"amount": finding.exposure, "currency": finding.currency}
        parts.append(_KEY + '"exposure": ' + _map_text(money))
    parts.append("\n    }")
    return "".join(parts)


def _write_evidence(evidence: Mapping[str, Any], parts: list[str]) -> None:
    """Append the text of a finding's evidence. What judges put there is mostly one level of
    text, numbers and dates: written directly (a date as its ISO text, as `json_ready` gives
    it); anything else (lists, maps, tuples, sets, keys that are not text) as `json_ready`
    makes it."""
    if type(evidence) is dict and evidence:
        items = []
        for key, value in evidence.items():
            kind = type(value)
            if type(key) is not str or kind is dict or kind is list:
                break
            if kind is datetime.date:
                text = jsontext.string(value.isoformat())
            else:
                try:
                    text = jsontext.scalar(value)
                except Declined:
                    break
            items.append(jsontext.string(key) + ": " + text)
        else:
            parts.append("{" + _EVIDENCE + ("," + _EVIDENCE).join(items) + _INNER + "}")
            return
    jsontext.write(json_ready(evidence), parts, _INNER)


def _map_text(value: Any) -> str:
    parts: list[str] = []
    jsontext.write(value, parts, _INNER)
    return "".join(parts)


def _json_consequence(consequence: Consequence) -> str:
    try:
        return jsontext.safe(consequence_text(consequence))
    except (Declined, TypeError):  # never for a consequence the library made
        return jsontext.dumps(consequence.to_dict()).replace("\n", _ITEM_INDENT)


def consequence_text(consequence: Consequence) -> str:
    """A consequence's text as an item of the `json` document's consequences (not yet made
    `safe`): `jsontext.dumps(consequence.to_dict())` indented two levels in, written from the
    consequence, as `finding_text` writes a finding.

    Raises:
        Declined: an amount that is not a number.
        TypeError: a text field that is not text.
    """
    string = jsontext.string
    due, since = consequence.due, consequence.since
    text = (
        "{" + _INNER + '"policy": ' + string(consequence.policy)
        + _KEY + '"effect": ' + string(consequence.effect)
        + _KEY + '"subject": ' + _subject_text(consequence.subject)
        + _KEY + '"status": ' + string(consequence.status.value)
        + _KEY + '"action": ' + string(consequence.action)
        + _KEY + '"amount": ' + jsontext.scalar(consequence.amount)
        + _KEY + '"accountable": ' + _accountable_text(consequence.accountable)
        + _KEY + '"due": ' + (string(due.isoformat()) if due else "null")
        + _KEY + '"message": ' + string(consequence.message)
        + _KEY + '"severity": ' + _SEVERITY_TEXTS[consequence.severity]
    )  # fmt: skip
    if since is not None:
        text += _KEY + '"since": ' + string(since.isoformat())
        text += _KEY + '"since_limited": ' + jsontext.scalar(consequence.since_limited)
    return text + "\n    }"


def _line_finding(finding: Finding) -> str:
    return jsontext.dumps({"record": "finding", **finding.to_dict()}, None) + "\n"


def _line_consequence(consequence: Consequence) -> str:
    return jsontext.dumps({"record": "consequence", **consequence.to_dict()}, None) + "\n"


def _json_chunks(head: Assessment, spools: Spools) -> Iterator[str]:
    document = head.to_dict()
    document["summary"] = spools.summary.to_dict()
    # Written with empty lists, then split where they are: a line break and two spaces
    # begin a key of the document itself only (strings hold no raw line breaks).
    before, after = jsontext.dumps(document).split(_FINDINGS, 1)
    yield before + '\n  "findings": '
    yield from _json_list(spools, consequences=False)
    yield ',\n  "consequences": '
    yield from _json_list(spools, consequences=True)
    yield ",\n" + after + "\n"


def _json_list(spools: Spools, consequences: bool) -> Iterator[str]:
    if not spools.counts["consequences" if consequences else "findings"]:
        yield "[]"
        return
    yield "[" + _ITEM_INDENT
    yield from spools.chunks(consequences)
    yield "\n  ]"


def summary_line(head: Assessment, spools: Spools) -> dict[str, Any]:
    """The last line of a `jsonl` output, as data (see the module)."""
    document = head.to_dict()
    return {
        "record": "summary",
        "format": LINES_FORMAT,
        "assessment_format": document["format"],
        "framework": document["framework"],
        "portfolio": document["portfolio"],
        "as_of": document["as_of"],
        "generated_by": document["generated_by"],
        "summary": spools.summary.to_dict(),
        "findings": spools.counts["findings"],
        "consequences": spools.counts["consequences"],
        "waivers_unused": document["waivers_unused"],
    }


def _lines_chunks(head: Assessment, spools: Spools) -> Iterator[str]:
    yield from spools.chunks()
    yield from spools.chunks(consequences=True)
    yield jsontext.dumps(summary_line(head, spools), None) + "\n"


def _csv_row(finding: Finding) -> str:
    return csv_row(finding, money=True)


def _csv_chunks(head: Assessment, spools: Spools) -> Iterator[str]:
    money = bool(spools.summary.stakes)
    yield csv_header(money)
    yield from spools.chunks() if money else without_money(spools.chunks())


def without_money(chunks: Iterable[str]) -> Iterator[str]:
    """CSV rows written with the two money columns, empty in every row, without them: the
    same rows as written without money (see the module).

    Example:
        >>> list(without_money(["a,b,,\\r\\nc,'-1,", ",\\r\\n"]))
        ['a,b\\r\\n', "c,'-1\\r\\n"]
    """
    carry = ""
    for chunk in chunks:
        text = carry + chunk
        end = text.rfind("\r\n") + 2  # the rows that are whole in the text so far
        if end < 2:
            carry = text
            continue
        yield text[:end].replace(",,\r\n", "\r\n")
        carry = text[end:]
    if carry:  # never, as rows end with CRLF: given as it is
        yield carry


def _junit_case(finding: Finding) -> str:
    case = junit.case_element(finding)
    # As `ET.indent` indents it in the document (a `testcase` two levels in, its children
    # hold text only), without the recursive closure `ET.indent` makes at every call: a
    # reference cycle a finding would leave for the collector.
    if len(case):
        if not case.text or not case.text.strip():
            case.text = "\n      "
        for child in case:
            if not child.tail or not child.tail.strip():
                child.tail = "\n      "
        last = case[-1]
        if not (last.tail or "").strip():
            last.tail = "\n    "
    return "\n    " + ET.tostring(case, encoding="unicode", short_empty_elements=True)


def _tag(name: str, attributes: dict[str, str], *, empty: bool = False) -> str:
    """An element's start tag (or, `empty`, the whole empty element) as ElementTree writes it."""
    text = ET.tostring(ET.Element(name, attributes), encoding="unicode", short_empty_elements=True)
    return text if empty else text.removesuffix(" />") + ">"


def _junit_chunks(head: Assessment, spools: Spools) -> Iterator[str]:
    statuses = {Status(value): count for value, count in spools.summary.status.items()}
    root = junit.counts(junit.name(head), statuses)
    if not spools.counts["findings"]:
        yield junit.DECLARATION + _tag("testsuites", root, empty=True) + "\n"
        return
    yield junit.DECLARATION + _tag("testsuites", root)
    for index in sorted(spools.findings):
        suite = junit.counts(xml_text(spools.policies[index]), spools.tallies[index])
        yield "\n  " + _tag("testsuite", suite)
        yield from spools.findings[index].chunks()
        yield "\n  </testsuite>"
    yield "\n</testsuites>\n"


#: How a format's whole output is put together from the spools (and the assessment's header).
Chunks = Callable[[Assessment, Spools], Iterator[str]]

#: Format → how its items are written, and how the whole output is put together.
STREAMED: Mapping[str, tuple[Texts, Chunks]] = {
    "json": (Texts(_json_finding, _json_consequence, "," + _ITEM_INDENT), _json_chunks),
    "jsonl": (Texts(_line_finding, _line_consequence), _lines_chunks),
    "csv": (Texts(_csv_row), _csv_chunks),
    "junit": (Texts(_junit_case), _junit_chunks),
}


# -- github and sarif: texts made per run ---------------------------------------------------


@attrs.frozen(eq=False)
class GithubLines:
    """The `github` text of a finding: its workflow command (`pipelines.github_line`), or
    nothing for a pass or a not-applicable finding. Made per run (`places`: where its
    findings point); it pickles, so worker processes write their own contracts' lines."""

    places: pipelines.Places

    def __call__(self, finding: Finding) -> str:
        annotation = self.places.annotation(finding)
        return "" if annotation is None else pipelines.github_line(annotation)


@attrs.frozen(eq=False)
class SarifResults:
    """The `sarif` text of a finding: a comma, then its result as an item of the log's run's
    `results` (indented four levels in, as `pipelines.sarif` writes it), or nothing for a pass
    or a not-applicable finding. Each result carries its own comma, as a pass writes nothing
    and so cannot be followed by a separator: the first result's is cut (`_sarif_results`).

    Attributes:
        places: Where the run's findings point.
        rule_index: Policy id → the position of its rule in the log's `rules` (every policy
            of the framework, in order: `pipelines.rules_of`).
    """

    places: pipelines.Places
    rule_index: Mapping[str, int]

    def __call__(self, finding: Finding) -> str:
        annotation = self.places.annotation(finding)
        if annotation is None:
            return ""
        index = self.rule_index.get(annotation.rule)
        if index is None:
            # Never for a finding of the run's framework: a rule it does not name is listed
            # after its policies, at a position known only once every finding is seen.
            raise Declined
        result = pipelines.sarif_result(annotation, index)
        return "," + _RESULT_INDENT + jsontext.dumps(result).replace("\n", _RESULT_INDENT)


# A result is an item of the `results` of the log's only run: four levels in.
_RESULT_INDENT = "\n        "
# Where the results go in the log written without them (only the run's own keys are six
# spaces in; strings hold no raw line breaks).
_NO_RESULTS = '\n      "results": []'


def _github_chunks(head: Assessment, spools: Spools) -> Iterator[str]:
    return spools.chunks()


def _sarif_chunks(rules: Mapping[str, str], head: Assessment, spools: Spools) -> Iterator[str]:
    properties = pipelines.run_properties(head, spools.summary.status)
    log = pipelines.sarif_log(list(rules), [], rules=rules, properties=properties)
    before, after = jsontext.dumps(log).split(_NO_RESULTS, 1)
    yield before + '\n      "results": '
    yield from _sarif_results(spools)
    yield after + "\n"


def _sarif_results(spools: Spools) -> Iterator[str]:
    texts = (text for text in spools.chunks() if text)
    first = next(texts, None)
    if first is None:  # no finding is a result
        yield "[]"
        return
    yield "[" + first.removeprefix(",")  # every result's text starts with its comma
    yield from texts
    yield "\n      ]"


def _github_for(
    plan: Plan, subjects: Mapping[tuple[str, str], Location] | None
) -> tuple[Texts, Chunks]:
    places = pipelines.Places(subjects or {}, pipelines.expression_locations(plan))
    return Texts(GithubLines(places)), _github_chunks


def _sarif_for(
    plan: Plan, subjects: Mapping[tuple[str, str], Location] | None
) -> tuple[Texts, Chunks]:
    places = pipelines.Places(subjects or {}, pipelines.expression_locations(plan))
    rules = pipelines.rules_of(plan)
    index = {rule: position for position, rule in enumerate(rules)}
    return Texts(SarifResults(places, index)), functools.partial(_sarif_chunks, rules)


#: Format → its texts and chunks made for one run, from the compiled framework and where each
#: subject is written in the portfolio (`subject_locations`): the formats whose findings
#: point at places, and whose rules are the framework's policies.
PER_RUN: Mapping[
    str,
    Callable[[Plan, Mapping[tuple[str, str], Location] | None], tuple[Texts, Chunks]],
] = {
    "github": _github_for,
    "sarif": _sarif_for,
}

#: Every format a streamed assessment writes.
FORMATS = (*STREAMED, *PER_RUN)


def for_run(
    format: str, plan: Plan, subjects: Mapping[tuple[str, str], Location] | None = None
) -> tuple[Texts, Chunks]:
    """How `format` writes each item of a run of `plan`, and puts the output together.

    Args:
        format: One of `FORMATS`.
        plan: The compiled framework (`CompiledFramework.plan`).
        subjects: For `github` and `sarif`: (subject type, id) → where it is written in the
            portfolio (`subject_locations`); the other formats do not read it.

    Example:
        >>> import accountframe as af
        >>> plan = af.compile(af.bundled("uk-central-government")).plan
        >>> texts, _ = for_run("sarif", plan)
        >>> texts.finding.rule_index == {p.id: i for i, p in enumerate(plan.framework.policies)}
        True
        >>> for_run("json", plan) == STREAMED["json"]
        True
    """
    if format in PER_RUN:
        return PER_RUN[format](plan, subjects)
    return STREAMED[format]


def chunks(format: str, head: Assessment, spools: Spools) -> Iterator[str]:
    """The output of a streamed assessment in `format`, in pieces.

    `head` is the assessment with no findings or consequences (its header and unused
    waivers); `spools` holds the findings and consequences written with `STREAMED[format]`'s
    `Texts`. For `STREAMED`'s formats; `for_run` gives every format's texts and chunks.
    """
    return STREAMED[format][1](head, spools)


def lines(assessment: Assessment) -> str:
    """An assessment held in memory as `jsonl` text: the same as its streamed output.

    Example:
        >>> import datetime, json
        >>> empty = Assessment(
        ...     framework="demo", framework_version="1", framework_digest="0" * 64,
        ...     organisation="Ministry of Example", portfolio_digest="0" * 64,
        ...     as_of=datetime.date(2026, 11, 25), generated_by="accountframe 0", findings=(),
        ... )
        >>> last = json.loads(lines(empty).splitlines()[-1])
        >>> last["record"], last["findings"], last["summary"]["status"]["pass"]
        ('summary', 0, 0)
    """
    return "".join(render_in_memory(assessment, "jsonl"))


def render_in_memory(
    assessment: Assessment,
    format: str,
    plan: Plan | None = None,
    subjects: Mapping[tuple[str, str], Location] | None = None,
) -> Iterator[str]:
    """An assessment held in memory written as a streamed one is (the same text); `github`
    and `sarif` need the run's `plan` (and `subjects`, as `for_run`'s).

    Raises:
        ValueError: `github` or `sarif` without a plan.
    """
    if format in PER_RUN:
        if plan is None:
            raise ValueError(f"the {format} format needs the compiled framework's plan")
        yield pipelines.render_assessment(format, assessment, plan, subjects)
        return
    if format in ("csv", "junit"):
        # The columns (csv) and the counts that head the findings (junit) depend on every
        # finding: written whole.
        yield csv_render(assessment) if format == "csv" else junit.render(assessment)
        return
    texts = STREAMED[format][0]
    positions: dict[str, int] = {}
    for finding in assessment.findings:
        positions.setdefault(finding.policy, len(positions))
    for consequence in assessment.consequences:
        positions.setdefault(consequence.policy, len(positions))
    with Spools(texts) as spools:
        for finding in assessment.findings:
            spools.finding(positions[finding.policy], finding)
        for consequence in assessment.consequences:
            spools.consequence(positions[consequence.policy], consequence)
        head = Assessment(
            framework=assessment.framework,
            framework_version=assessment.framework_version,
            framework_digest=assessment.framework_digest,
            organisation=assessment.organisation,
            portfolio_digest=assessment.portfolio_digest,
            as_of=assessment.as_of,
            generated_by=assessment.generated_by,
            findings=(),
            waivers_unused=assessment.waivers_unused,
        )
        yield from chunks(format, head, spools)
