"""JSON Schemas of accountframe's formats, generated from the classes so they never drift.

One module for every format: `portfolio/1` (`portfolio_schema`), framework files
(`framework_schema`), `accountframe/assessment/1` (`assessment_schema`) and
`accountframe/history/1` (`history_schema`).

Example:
    >>> schema = portfolio_schema()
    >>> schema["required"]
    ['organisation']
    >>> schema["$defs"]["Contract"]["properties"]["stage"]["enum"][:2]
    ['planning', 'procurement']
"""

from __future__ import annotations

from typing import Any

from accountframe.assessment import (
    ASSESSMENT_FORMAT,
    ASSESSMENT_LINES_FORMAT,
    ConsequenceStatus,
    Status,
)
from accountframe.framework.files import DefinitionEntry, FrameworkFile
from accountframe.framework.policies import KINDS, Severity
from accountframe.load.structure import json_schema
from accountframe.model import PORTFOLIO_FORMAT, Portfolio
from accountframe.timeline.spells import HISTORY_FORMAT

__all__ = [
    "SCHEMA_BASE",
    "assessment_line_schema",
    "assessment_schema",
    "framework_schema",
    "history_schema",
    "portfolio_schema",
]

SCHEMA_BASE = "https://accountframe.dev/schema"


def portfolio_schema() -> dict[str, Any]:
    """The JSON Schema of the `portfolio/1` format (its JSON form: dates as `YYYY-MM-DD`)."""
    schema = json_schema(
        Portfolio, title="accountframe portfolio/1", schema_id=f"{SCHEMA_BASE}/portfolio-1.json"
    )
    schema["properties"]["accountframe"] = {
        "description": "Format marker; optional.",
        "const": PORTFOLIO_FORMAT,
    }
    schema["properties"]["currency"]["pattern"] = "^[A-Z]{3}$"
    return schema


def assessment_schema() -> dict[str, Any]:
    """The JSON Schema of the `accountframe/assessment/1` document (`Assessment.to_dict()`).

    Written out by hand, as the document is: every key, with the enums of statuses, severities
    and consequence statuses; `evidence` is a free object.

    Examples:
        >>> schema = assessment_schema()
        >>> schema["properties"]["format"]["const"]
        'accountframe/assessment/1'
        >>> schema["$defs"]["Finding"]["properties"]["status"]["enum"]
        ['pass', 'warn', 'fail', 'error', 'waived', 'not_applicable']
    """
    statuses = [status.value for status in Status]
    severities = [severity.value for severity in Severity]
    consequence_statuses = [status.value for status in ConsequenceStatus]
    text: dict[str, Any] = {"type": "string"}
    date: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    digest: dict[str, Any] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
    count: dict[str, Any] = {"type": "integer", "minimum": 0}
    money: dict[str, Any] = {"type": "number", "minimum": 0}
    currency: dict[str, Any] = {"type": "string", "pattern": "^[A-Z]{3}$"}

    def ref(name: str) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{name}"}

    def nullable(schema: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [schema, {"type": "null"}]}

    def counts(keys: list[str], doc: str) -> dict[str, Any]:
        return _closed(dict.fromkeys(keys, count), doc=doc)

    defs: dict[str, Any] = {
        "Subject": _closed(
            {"type": {"enum": ["contract", "person", "organisation"]}, "id": text},
            doc="What a finding or consequence is about.",
        ),
        "Accountable": _closed(
            {
                "role": text,
                "person": nullable(text),
                "name": nullable(text),
                "fallback_from": {"type": "array", "items": text, "minItems": 1},
            },
            optional=("fallback_from",),
            doc="The role that owns it and the person holding it (null: no one holds it). "
            "`fallback_from` lists the vacant roles passed on the way up the chain.",
        ),
        "Waiver": _closed(
            {
                "reason": text,
                "approved_by": text,
                "approved_on": date,
                "expires": date,
                "original_status": {"enum": ["warn", "fail"]},
            },
            doc="The waiver that made a warn or fail finding `waived`.",
        ),
        "Finding": _closed(
            {
                "policy": text,
                "kind": {"enum": list(KINDS)},
                "subject": ref("Subject"),
                "status": {"enum": statuses},
                "severity": {"enum": severities},
                "accountable": ref("Accountable"),
                "message": text,
                "due": nullable(date),
                "evidence": {"type": "object", "description": "Free: depends on the kind."},
                "tags": {"type": "array", "items": text},
                "waiver": ref("Waiver"),
                "since": date,
                "since_limited": {"type": "boolean"},
                "exposure": ref("FindingExposure"),
            },
            optional=("waiver", "since", "since_limited", "exposure"),
            doc="The result of one policy for one subject; `waiver` only when waived; `since` "
            "and `since_limited` only with a look-back (the first day of the current spell); "
            "`exposure` only when the policy has one and the finding is warn, fail or waived.",
        ),
        "FindingExposure": _closed(
            {"amount": money, "currency": currency},
            doc="The money at stake in a finding (its policy's `exposure`), with its currency.",
        ),
        "Exposure": _closed(
            {
                "currency": currency,
                "total": money,
                "waived": money,
                "by_person": {
                    "type": "array",
                    "items": _closed(
                        {"person": nullable(text), "name": nullable(text), "amount": money}
                    ),
                },
                "by_contract": {
                    "type": "array",
                    "items": _closed({"contract": nullable(text), "amount": money}),
                },
            },
            doc="The money at stake in one currency: the findings' exposures summed, in total, "
            "on waived findings, by accountable person (null: no one) and by contract (null: "
            "findings about no contract); each list largest first, then by id.",
        ),
        "Consequence": _closed(
            {
                "policy": text,
                "effect": {"enum": ["sanction", "reward"]},
                "subject": ref("Subject"),
                "status": {"enum": consequence_statuses},
                "action": text,
                "amount": nullable({"type": "number"}),
                "accountable": ref("Accountable"),
                "due": nullable(date),
                "message": text,
                "severity": {"enum": severities},
                "since": date,
                "since_limited": {"type": "boolean"},
            },
            optional=("since", "since_limited"),
            doc="A sanction or reward for one subject; `accountable` must apply it. `since` and "
            "`since_limited` only with a look-back.",
        ),
        "WaiverUnused": _closed(
            {"policy": text, "subject": text, "reason": text},
            doc="A waiver that matched no warn or fail finding.",
        ),
    }
    schema = _closed(
        {
            "format": {"const": ASSESSMENT_FORMAT},
            "framework": _closed({"name": text, "version": text, "digest": digest}),
            "portfolio": _closed({"organisation": text, "digest": digest}),
            "as_of": date,
            "generated_by": text,
            "summary": _closed(
                {
                    "status": counts(statuses, "Findings per status, zeros included."),
                    "failures_by_severity": counts(severities, "`fail` findings per severity."),
                    "consequences": counts(consequence_statuses, "Consequences per status."),
                    "exposure": {
                        "type": "array",
                        "items": ref("Exposure"),
                        "minItems": 1,
                        "description": "Money at stake, one entry per currency in code order; "
                        "only when some finding has an exposure.",
                    },
                },
                optional=("exposure",),
            ),
            "findings": {"type": "array", "items": ref("Finding")},
            "consequences": {"type": "array", "items": ref("Consequence")},
            "waivers_unused": {"type": "array", "items": ref("WaiverUnused")},
        },
        doc="All findings and consequences of one framework over one portfolio on one date.",
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/assessment-1.json",
        "title": "accountframe assessment/1",
        **schema,
        "$defs": defs,
    }


def assessment_line_schema() -> dict[str, Any]:
    """The JSON Schema of one line of the `jsonl` format (`accountframe/assessment-lines/1`).

    A line is one of three records, told apart by `record`: a `finding` or a `consequence`
    (its keys as in the assessment document, after `record`), or the last line, the
    `summary` (the document's other keys, and how many findings and consequences came
    before it).

    Examples:
        >>> schema = assessment_line_schema()
        >>> [ref["$ref"] for ref in schema["oneOf"]]
        ['#/$defs/FindingLine', '#/$defs/ConsequenceLine', '#/$defs/SummaryLine']
        >>> schema["$defs"]["SummaryLine"]["properties"]["format"]["const"]
        'accountframe/assessment-lines/1'
    """
    whole = assessment_schema()
    defs: dict[str, Any] = whole["$defs"]
    document = whole["properties"]
    count: dict[str, Any] = {"type": "integer", "minimum": 0}

    def line(name: str, record: str) -> dict[str, Any]:
        item = defs[name]
        return _closed(
            {"record": {"const": record}, **item["properties"]},
            optional=tuple(key for key in item["properties"] if key not in item["required"]),
            doc=f"A line of one {record}: " + item["description"],
        )

    defs["FindingLine"] = line("Finding", "finding")
    defs["ConsequenceLine"] = line("Consequence", "consequence")
    defs["SummaryLine"] = _closed(
        {
            "record": {"const": "summary"},
            "format": {"const": ASSESSMENT_LINES_FORMAT},
            "assessment_format": document["format"],
            "framework": document["framework"],
            "portfolio": document["portfolio"],
            "as_of": document["as_of"],
            "generated_by": document["generated_by"],
            "summary": document["summary"],
            "findings": count,
            "consequences": count,
            "waivers_unused": document["waivers_unused"],
        },
        doc="The last line: the assessment's header and summary, the number of findings "
        "and consequences written before it, and the unused waivers.",
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/assessment-line-1.json",
        "title": "accountframe assessment-lines/1: one line",
        "oneOf": [
            {"$ref": "#/$defs/FindingLine"},
            {"$ref": "#/$defs/ConsequenceLine"},
            {"$ref": "#/$defs/SummaryLine"},
        ],
        "$defs": defs,
    }


def history_schema() -> dict[str, Any]:
    """The JSON Schema of the `accountframe/history/1` document (`History.to_dict()`).

    Written out by hand, as the assessment's is: every key, closed objects, the enums of the
    statuses; `framework` and `portfolio` as in the assessment (SPEC section 13).

    Examples:
        >>> schema = history_schema()
        >>> schema["properties"]["format"]["const"]
        'accountframe/history/1'
        >>> schema["$defs"]["Spell"]["required"][:4]
        ['policy', 'kind', 'subject', 'status']
    """
    text: dict[str, Any] = {"type": "string"}
    date: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    digest: dict[str, Any] = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
    days: dict[str, Any] = {"type": "integer", "minimum": 1}
    nullable_text: dict[str, Any] = {"anyOf": [text, {"type": "null"}]}

    def ref(name: str) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{name}"}

    defs: dict[str, Any] = {
        "Subject": _closed(
            {"type": {"enum": ["contract", "person", "organisation"]}, "id": text},
            doc="What a spell is about.",
        ),
        "Accountable": _closed(
            {"role": text, "person": nullable_text, "name": nullable_text},
            doc="The role accountable on every day of the spell and the person holding it "
            "(null: no one holds it, up to the top of the chain).",
        ),
        "Spell": _closed(
            {
                "policy": text,
                "kind": {"enum": [kind for kind in KINDS if kind not in ("sanction", "reward")]},
                "subject": ref("Subject"),
                "status": {"enum": [status.value for status in Status]},
                "from": date,
                "to": date,
                "days": days,
                "accountable": ref("Accountable"),
            },
            doc="A maximal run of days, `from` to `to` inclusive, on which one policy gave one "
            "subject the same status with the same accountable role and person.",
        ),
        "ConsequenceSpell": _closed(
            {
                "policy": text,
                "effect": {"enum": ["sanction", "reward"]},
                "subject": ref("Subject"),
                "status": {"enum": [status.value for status in ConsequenceStatus]},
                "from": date,
                "to": date,
                "days": days,
                "accountable": ref("Accountable"),
            },
            doc="The same for a sanction or reward: its status and who must apply it.",
        ),
    }
    schema = _closed(
        {
            "format": {"const": HISTORY_FORMAT},
            "framework": _closed({"name": text, "version": text, "digest": digest}),
            "portfolio": _closed({"organisation": text, "digest": digest}),
            "from": date,
            "to": date,
            "generated_by": text,
            "spells": {"type": "array", "items": ref("Spell")},
            "consequence_spells": {"type": "array", "items": ref("ConsequenceSpell")},
        },
        doc="Every spell of one framework over one portfolio from one date to another, by "
        "policy order, then subject order, then date.",
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/history-1.json",
        "title": "accountframe history/1",
        **schema,
        "$defs": defs,
    }


def _closed(
    properties: dict[str, Any], *, optional: tuple[str, ...] = (), doc: str = ""
) -> dict[str, Any]:
    """An object schema with exactly these keys, all required but the `optional` ones."""
    schema: dict[str, Any] = {"type": "object"}
    if doc:
        schema["description"] = doc
    schema["properties"] = properties
    schema["required"] = [key for key in properties if key not in optional]
    schema["additionalProperties"] = False
    return schema


def framework_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a framework file: `framework.yaml` or a policy file.

    A policy is one of the six kinds, chosen by its `kind`; every mapping is closed (an unknown
    key is invalid), as the loader is.

    Examples:
        >>> schema = framework_schema()
        >>> [ref["$ref"] for ref in schema["$defs"]["Policy"]["oneOf"]][:2]
        ['#/$defs/OversightCadence', '#/$defs/RequiredInformation']
        >>> schema["$defs"]["Rule"]["properties"]["kind"]
        {'const': 'rule'}
    """
    schema = json_schema(
        FrameworkFile,
        title="accountframe framework file",
        schema_id=f"{SCHEMA_BASE}/framework-1.json",
    )
    definitions: dict[str, Any] = dict(schema.pop("$defs"))
    identifier = {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}
    schema["properties"]["params"]["propertyNames"] = identifier
    schema["properties"]["definitions"]["propertyNames"] = identifier
    # A definition is an expression, or a mapping {expression, title}.
    entry = json_schema(DefinitionEntry, title="definition", schema_id="definition")
    entry.pop("$schema", None)
    entry.pop("$id", None)
    entry.pop("$defs", None)
    definitions["DefinitionEntry"] = entry
    schema["properties"]["definitions"]["additionalProperties"] = {
        "oneOf": [{"type": "string"}, {"$ref": "#/$defs/DefinitionEntry"}]
    }
    for kind, cls in KINDS.items():
        kind_schema = json_schema(cls, title=kind, schema_id=kind)
        definitions.update(kind_schema.pop("$defs"))
        body = {
            key: value
            for key, value in kind_schema.items()
            if key not in ("$schema", "$id", "title")
        }
        body["properties"] = {"kind": {"const": kind}, **body["properties"]}
        body["required"] = ["kind", *body.get("required", [])]
        body["properties"]["id"]["pattern"] = "^[A-Za-z][A-Za-z0-9_.-]*$"
        for field in cls.durations:
            body["properties"][field]["description"] += (
                " A duration: '30 days', '2 weeks', '1 month', '1 year', 'P1M' or params.NAME."
            )
        rolling = getattr(cls, "rolling", None)
        if rolling is not None:
            # A deadline is given one way: a rolling duration or fixed periods, never both.
            body["oneOf"] = [{"required": [rolling]}, {"required": ["periods"]}]
        definitions[cls.__name__] = body
    ends = definitions["Periods"]["properties"]["ends"]
    ends.update(minItems=1, uniqueItems=True)
    ends["items"]["pattern"] = "^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    definitions["Periods"]["properties"]["within"]["description"] += (
        " A duration: '30 days', '2 weeks', '1 month', '1 year', 'P1M' or params.NAME."
    )
    definitions["Policy"] = {
        "description": "One policy: one of the six kinds, chosen by `kind`.",
        "oneOf": [{"$ref": f"#/$defs/{cls.__name__}"} for cls in KINDS.values()],
    }
    schema["properties"]["policies"] = {
        "description": "Policies, in order; in framework.yaml or in any other file.",
        "type": "array",
        "items": {"$ref": "#/$defs/Policy"},
    }
    # framework.yaml names the framework; any other file holds only `policies`.
    required = schema.pop("required")
    schema["anyOf"] = [
        {"required": required},
        {"required": ["policies"], "maxProperties": 1},
    ]
    schema["$defs"] = dict(sorted(definitions.items()))
    return schema
