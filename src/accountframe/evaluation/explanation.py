"""Why one policy gave one subject the status it did: "why is this red?".

`explain()` judges one policy for one subject by the very code `evaluate` runs (with every step
recorded), so the status, message and accountable person it states are the assessment's own.
Around that result it shows:

* each expression the policy evaluated (`applies_to`, `require`, `counts_if` once per review,
  ...), with its value or error, and each sub-condition of its `&&`/`||`/`?:` chains with its
  own value, as a tree;
* the values those expressions read: the variables and field paths they reference, and the
  definitions they use (with what those read in turn), not the whole portfolio;
* the kind's own computation: the events considered and whether each counted, base, due date,
  warning window, grace, days overdue; the holder, eligibility and vacancy of a role; the
  findings a sanction or reward saw;
* the waivers considered, and why each applied or not;
* the accountable person, and the vacant roles passed over on the way up the chain.

Example:
    >>> import accountframe as af
    >>> framework = af.load_framework("tests/golden/evaluate/every-kind/framework")
    >>> portfolio = af.load_portfolio("tests/golden/evaluate/every-kind/portfolio.yaml")
    >>> why = af.explain(framework, portfolio, "RULE-SPEND", "K2-poor")
    >>> why.status, why.accountable.person
    ('fail', 'p-junior')
    >>> require = why.evaluations[1]
    >>> require.field, require.condition.value
    ('require', False)
    >>> [(reading.path, reading.value) for reading in require.values]
    [('contract.spent', 1200000.0), ('contract.value.total', 1000000.0)]
    >>> print(why.render().splitlines()[0])
    RULE-SPEND: Spend does not exceed the contract value
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from accountframe import cel
from accountframe.assessment import Accountable, Consequence, Finding, Subject
from accountframe.compiler.compiler import CompiledPolicy, Plan
from accountframe.errors import CelError, UsageError, did_you_mean
from accountframe.evaluation.findings import FindingsIndex, Since
from accountframe.evaluation.observer import Recorder, Step
from accountframe.evaluation.run import Run
from accountframe.evaluation.scope import failed_definition
from accountframe.framework.duration import Duration
from accountframe.framework.policies import Consequence as ConsequencePolicy
from accountframe.framework.policies import Scope
from accountframe.model import Contract, Portfolio, Waiver

__all__ = [
    "Condition",
    "Evaluation",
    "Explanation",
    "Fact",
    "Judgement",
    "Reading",
    "explain",
    "judge_one",
]

#: Rendered values longer than this are cut short (`to_dict()` keeps them whole).
MAX_SHOWN = 100


@attrs.frozen
class Reading:
    """A variable, field path or definition an expression read, and what it held.

    Attributes:
        path: As written in CEL: `contract.value.total`, `params.min_kpis`, `is_live`.
        value: The plain value (None for CEL `null`, and when `error` is set).
        error: Why there is no value: `absent (...)` for a missing field, or the CEL error.
        definition: The definition's expression, when `path` names a definition.
    """

    path: str
    value: Any = None
    error: str | None = None
    definition: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "value": _plain(self.value)}
        if self.error is not None:
            data["error"] = self.error
        if self.definition is not None:
            data["definition"] = self.definition
        return data


@attrs.frozen
class Condition:
    """An expression, or one operand of its `&&`/`||`/`?:`, with its value or error.

    Attributes:
        source: The expression's text.
        location: `file:line:col` where it starts, when known.
        value: Its plain value: None when it failed to evaluate; the value it gave when
            that value is of the wrong type (the `error` then says so).
        error: The error it gave, if any.
        operator: For an operand: `&&`, `||`, `?` (a condition), `then` or `else`.
        parts: Its own operands, evaluated on their own with the same variables.
    """

    source: str
    location: str | None
    value: Any = None
    error: str | None = None
    operator: str | None = None
    parts: tuple[Condition, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "location": self.location,
            "value": _plain(self.value),
        }
        if self.error is not None:
            data["error"] = self.error
        if self.operator is not None:
            data["operator"] = self.operator
        if self.parts:
            data["parts"] = [part.to_dict() for part in self.parts]
        return data


@attrs.frozen
class Evaluation:
    """One evaluation of one of the policy's expression fields.

    Attributes:
        field: `applies_to`, `require`, `counts_if`, `eligible`, `trigger`, `message`, ...
        about: The item it was evaluated for, e.g. `review 2026-10-01 (sro_review)`, if any.
        condition: The whole expression with the value (or error) the assessment got, and its
            sub-conditions.
        values: The variables and fields the expression read.
    """

    field: str
    about: str | None
    condition: Condition
    values: tuple[Reading, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "about": self.about,
            "condition": self.condition.to_dict(),
            "values": [value.to_dict() for value in self.values],
        }


@attrs.frozen
class Fact:
    """One step of the kind's computation: a name, its value and how it was reached."""

    name: str
    value: Any
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": _plain(self.value), "note": self.note}


@attrs.frozen
class Explanation:
    """Why one policy gave one subject its status. Plain data; see `explain()`.

    Attributes:
        policy: The policy's id.
        kind: Its kind.
        title: Its title.
        subject: The contract or person.
        as_of: The assessment date.
        result: The finding or consequence, exactly as `Framework.evaluate` gives it.
        evaluations: Every expression evaluation, in the order the evaluator made them.
        computation: The kind's own arithmetic and checks.
        waivers: The waivers for this policy and subject, and why each applied or not.
        basis: What the policy rests on (`statute`, ..., `proposed`), if it says.
    """

    policy: str
    kind: str
    title: str
    subject: Subject
    as_of: datetime.date
    result: Finding | Consequence
    evaluations: tuple[Evaluation, ...] = ()
    computation: tuple[Fact, ...] = ()
    waivers: tuple[Fact, ...] = ()
    basis: str | None = None

    @property
    def status(self) -> str:
        """The resulting status: a finding's (`fail`, ...) or a consequence's (`due`, ...)."""
        return self.result.status.value

    @property
    def message(self) -> str:
        """The result's message."""
        return self.result.message

    @property
    def accountable(self) -> Accountable:
        """Who owns the result, after any fallback up the chain of roles."""
        return self.result.accountable

    def to_dict(self) -> dict[str, Any]:
        """Plain data, JSON-ready (dates as `YYYY-MM-DD`)."""
        return {
            "policy": self.policy,
            "kind": self.kind,
            "title": self.title,
            "subject": self.subject.to_dict(),
            "as_of": self.as_of.isoformat(),
            "status": self.status,
            "message": self.message,
            "accountable": self.accountable.to_dict(),
            "result": self.result.to_dict(),
            "evaluations": [evaluation.to_dict() for evaluation in self.evaluations],
            "computation": [fact.to_dict() for fact in self.computation],
            "waivers": [fact.to_dict() for fact in self.waivers],
            # Only when the policy gives one: other explanations keep their bytes.
            **({"basis": self.basis} if self.basis is not None else {}),
        }

    def render(self) -> str:
        """The explanation as text for a terminal, ending with the result."""
        lines = [
            f"{self.policy}: {self.title}",
            f"{self.kind} · {self.subject.type} {self.subject.id} · as of {self.as_of}"
            + (f" · basis: {self.basis}" if self.basis is not None else ""),
        ]
        for evaluation in self.evaluations:
            heading = evaluation.field + (f" for {evaluation.about}" if evaluation.about else "")
            lines += ["", heading]
            lines += _condition_lines(evaluation.condition, "  ")
            if evaluation.values:
                lines.append("  values:")
                lines += [f"    {_value_line(value)}" for value in evaluation.values]
        for heading, facts in (("computation", self.computation), ("waivers", self.waivers)):
            if facts:
                lines += ["", heading]
                lines += [f"  {_fact_line(fact)}" for fact in facts]
        lines += ["", f"result: {self.status}", f"  message: {self.message}"]
        lines.append(f"  accountable: {_accountable_line(self.accountable)}")
        if isinstance(self.result, Finding) and self.result.due is not None:
            lines.append(f"  due: {self.result.due}")
        if isinstance(self.result, Finding) and self.result.exposure is not None:
            lines.append(f"  exposure: {_show(self.result.exposure)} {self.result.currency}")
        if isinstance(self.result, Consequence):
            lines.append(f"  action: {self.result.action}")
            if self.result.amount is not None:
                lines.append(f"  amount: {_show(self.result.amount)}")
            if self.result.due is not None:
                lines.append(f"  apply by: {self.result.due}")
        return "\n".join(lines) + "\n"


def explain(
    plan: Plan,
    portfolio: Portfolio,
    policy_id: str,
    subject_id: str,
    as_of: datetime.date,
    since: Since | None = None,
) -> Explanation:
    """Explain the status one policy of a compiled framework gives one subject.

    The public entry point is `accountframe.explain` (or `CompiledFramework.explain`).

    Raises:
        UsageError: no such policy, or no such subject (with a "did you mean").
    """
    judgement = judge_one(plan, portfolio, as_of, policy_id, subject_id, since)
    return _Explainer(plan, portfolio, as_of, judgement).explanation()


@attrs.frozen
class Judgement:
    """One policy judged for one subject, with every step recorded (see `judge_one`)."""

    policy: CompiledPolicy
    result: Finding | Consequence
    #: The subject's variables as the policy saw them (with `findings` for a consequence).
    bindings: cel.Bindings
    #: Definitions that failed for this subject: name → message.
    failed: Mapping[str, str]
    steps: tuple[Step, ...]
    contract: Contract | None

    def cel_error(self, error: CelError) -> str:
        """CEL's message for an error, or the failed definition that caused it."""
        used = failed_definition(error, self.failed)
        return f"definition {used!r} failed: {self.failed[used]}" if used else error.cel_message


def judge_one(
    plan: Plan,
    portfolio: Portfolio,
    as_of: datetime.date,
    policy_id: str,
    subject_id: str,
    since: Since | None = None,
) -> Judgement:
    """Judge one policy for one subject, recording every step, by the code `evaluate` runs.

    A sanction or reward sees the findings of the whole assessment, so those are assessed first
    (with `since`, when each began, under a look-back: see `timeline.since`).

    Raises:
        UsageError: no such policy, or no such subject in the policy's scope (with a suggestion).
    """
    policy = next((p for p in plan.policies if p.id == policy_id), None)
    if policy is None:
        plan.framework.policy(policy_id)  # raises, with a suggestion
        raise AssertionError(policy_id)  # pragma: no cover - the line above always raises
    recorder = Recorder()
    run = Run(plan, portfolio, as_of, observer=recorder, since=since)
    subjects = {scope.subject.id: scope for scope in run.subjects(policy)}
    organisation = policy.policy.scope is Scope.ORGANISATION
    if organisation and subject_id == "organisation":  # the word, as well as its name
        subject_id = portfolio.organisation
    if organisation and subject_id not in subjects:
        raise UsageError(
            f"{policy_id} is about the organisation: give its name "
            f"({portfolio.organisation!r}) or the word 'organisation' (got {subject_id!r})"
        )
    if subject_id not in subjects:
        scope, other = ("person", "contract")
        if policy.policy.scope is not Scope.PERSON:
            scope, other = other, scope
        others = portfolio.people if other == "person" else portfolio.contracts
        hint = (
            f": {subject_id!r} is a {other}, and {policy_id} is about each {scope}"
            if any(subject.id == subject_id for subject in others)
            else did_you_mean(subject_id, list(subjects))
        )
        raise UsageError(f"no {scope} {subject_id!r} in the portfolio{hint}")
    subject = subjects[subject_id]
    result: Finding | Consequence
    bound = subject.bound
    if isinstance(policy.policy, ConsequencePolicy):
        findings = list(Run(plan, portfolio, as_of).assessment().findings)
        relevant = (
            [f for f in findings if f.subject.type == "organisation"]
            if organisation
            else FindingsIndex(findings)(subject.subject)
        )
        result = run.consequence(policy, subject, relevant)
        seen: list[dict[str, Any]] = next(
            (step.values["findings"] for step in recorder.steps if step.name == "findings"), []
        )
        bound = bound.merged({"findings": seen})
    else:
        result = run.finding(policy, subject)
    return Judgement(
        policy=policy,
        result=result,
        bindings=bound,
        failed=dict(subject.failed),
        steps=tuple(recorder.steps),
        contract=subject.contract,
    )


@attrs.frozen
class _Explainer:
    plan: Plan
    portfolio: Portfolio
    as_of: datetime.date
    judgement: Judgement

    def explanation(self) -> Explanation:
        policy = self.judgement.policy.policy
        result = self.judgement.result
        computation = [fact for step in self.judgement.steps for fact in self.facts(step)]
        computation += self.consequence_facts()
        return Explanation(
            policy=policy.id,
            kind=policy.kind,
            title=policy.title,
            subject=result.subject,
            as_of=self.as_of,
            result=result,
            evaluations=tuple(
                self.evaluation(step)
                for step in self.judgement.steps
                if step.name in self.judgement.policy.programs and self.written(step.name)
            ),
            computation=tuple(computation),
            waivers=tuple(self.waivers()),
            basis=policy.basis.value if policy.basis is not None else None,
        )

    # -- expressions -------------------------------------------------------------------------

    def written(self, field: str) -> bool:
        """False for an expression left at its default (`applies_to: true`): nothing to show."""
        program = self.judgement.policy.programs[field]
        policy = self.judgement.policy.policy
        default = getattr(attrs.fields(type(policy)), field).default
        return program.location is not None or program.source != default

    def evaluation(self, step: Step) -> Evaluation:
        program = self.judgement.policy.programs[step.name]
        extra: Mapping[str, Any] | None = step.values.get("extra")
        bound = self.judgement.bindings.merged(extra) if extra else self.judgement.bindings
        indent = self.indent(("policies", self.judgement.policy.id, step.name))
        condition = Condition(
            source=program.source,
            location=_where(program.location),
            value=step.values.get("value"),
            error=step.values.get("error"),
            parts=tuple(
                self.condition(part, bound) for part in cel.subconditions(program, indent=indent)
            ),
        )
        return Evaluation(
            field=step.name,
            about=_about(extra),
            condition=condition,
            values=tuple(self.values(program, bound)),
        )

    def condition(self, part: cel.Subcondition, bound: cel.Bindings) -> Condition:
        value, error = self.evaluate(part.program, bound)
        return Condition(
            source=part.source,
            location=_where(part.location),
            value=value,
            error=error,
            operator=part.operator,
            parts=tuple(self.condition(inner, bound) for inner in part.parts),
        )

    def evaluate(self, program: cel.Program, bound: cel.Bindings) -> tuple[Any, str | None]:
        try:
            return program.evaluate(bound), None
        except CelError as error:
            return None, self.judgement.cel_error(error)

    def values(self, program: cel.Program, bound: cel.Bindings) -> Iterable[Reading]:
        """The paths `program` reads, each definition followed by the paths it reads."""
        definitions = dict(self.plan.definitions)
        seen: set[str] = set()
        pending = list(reversed(cel.paths(program)))
        while pending:
            path = pending.pop()
            if path in seen or path == "findings":  # the findings are listed in the computation
                continue
            seen.add(path)
            value, error = self.evaluate(cel.compile(path), bound)
            if error is not None and error.startswith("no such member"):
                error = f"absent ({error})"
            definition = definitions.get(path)
            yield Reading(
                path,
                value,
                error,
                definition=definition.source if definition is not None else None,
            )
            if definition is not None:
                pending.extend(reversed(cel.paths(definition)))

    def indent(self, key: tuple[str, ...]) -> int:
        source = self.plan.framework.sources.get(key)
        return source[1] if source is not None else 0

    # -- the kind's computation --------------------------------------------------------------

    def facts(self, step: Step) -> list[Fact]:
        values = step.values
        if step.name == "event":
            item = values["item"]
            counted = "counts" if values["counts"] else "does not count (counts_if is false)"
            return [Fact(_about({values["variable"]: item}) or "", counted)]
        if step.name == "freshness":
            return self.freshness(values)
        if step.name == "freshness_result":
            return [Fact("freshness", values["status"].value, values["message"])]
        if step.name == "latest":
            report = values["report"]
            return [
                Fact(
                    "latest report",
                    report["received"] if report else None,
                    "require is checked against it"
                    if report
                    else "none received: require not checked",
                )
            ]
        if step.name == "vacancy":
            if values["last_end"] is None:
                return [Fact("holder", None, "no one holds the role, and no one has held it")]
            return [
                Fact("holder", None, "no one holds the role"),
                Fact("last holder's assignment ended", values["last_end"]),
                Fact("vacant since", values["vacant_since"]),
                Fact("max vacancy", values["max_vacancy"]),
                Fact("must be filled by", values["limit"], "last end + max vacancy"),
            ]
        if step.name == "holder":
            assignment = values["assignment"]
            known = "" if values["known"] else "not in people"
            facts = [
                Fact("holder", assignment["person"], known),
                Fact("since", assignment["start"]),
            ]
            if "end" in assignment and assignment["end"] is not None:
                facts.append(Fact("until", assignment["end"]))
            return facts
        if step.name == "findings":
            found = values["findings"]
            facts = [Fact("findings seen", len(found), "the `findings` variable")]
            facts += [
                Fact(
                    f"  {finding['policy']} on {finding['subject_type']} {finding['subject']}",
                    finding["status"],
                    f"severity {finding['severity']}",
                )
                for finding in found
            ]
            return facts
        return []

    def freshness(self, values: Mapping[str, Any]) -> list[Fact]:
        events = [s for s in self.judgement.steps if s.name == "event"]
        qualifying = sum(1 for s in events if s.values["counts"])
        facts = [Fact("qualifying", qualifying, f"of {len(events)} on or before {self.as_of}")]
        if values["base"] is None:
            return [*facts, Fact("base", None, "no qualifying event and no contract start date")]
        last, start = values["last"], values["start"]
        due: datetime.date = values["due"]
        based_on = (
            "the latest qualifying event"
            if last is not None and (start is None or last >= start)
            else "the contract start"
        )
        facts += [
            Fact("last", last),
            Fact("base", values["base"], based_on),
        ]
        if values.get("period_end") is not None:
            facts += [
                Fact("period end", values["period_end"], "the first period end after base"),
                Fact("due", due, f"period end + {values['within']}"),
            ]
        else:
            facts.append(Fact("due", due, f"base + {values['every']}"))
        facts += [
            Fact(
                "warn from", values["warn_from"], f"due - {values['warn_before']}: warn after this"
            ),
            Fact("grace end", values["fail_after"], f"due + {values['grace']}: fail after this"),
            Fact("days overdue", max(0, (self.as_of - due).days)),
        ]
        return facts

    def consequence_facts(self) -> list[Fact]:
        policy = self.judgement.policy
        result = self.judgement.result
        if not isinstance(policy.policy, ConsequencePolicy) or not isinstance(result, Consequence):
            return []
        within = policy.durations.get("within")
        if within is None or result.due is None:
            return []
        return [Fact("apply by", result.due, f"as of + {within}")]

    def waivers(self) -> Iterable[Fact]:
        result = self.judgement.result
        if not isinstance(result, Finding):
            return
        applied = result.waiver
        before = applied.original_status.value if applied else result.status.value
        for waiver in self.portfolio.waivers:
            if (waiver.policy, waiver.subject) != (result.policy, result.subject.id):
                continue
            name = (
                f"approved by {waiver.approved_by} on {waiver.approved_on}, "
                f"expires {waiver.expires}"
            )
            yield Fact(name, waiver.reason, self.why(waiver, before))

    def why(self, waiver: Waiver, before: str) -> str:
        applied = (
            self.judgement.result.waiver if isinstance(self.judgement.result, Finding) else None
        )
        if applied is not None and (
            applied.reason,
            applied.approved_by,
            applied.approved_on,
            applied.expires,
        ) == (waiver.reason, waiver.approved_by, waiver.approved_on, waiver.expires):
            return f"applied: the finding was {before}"
        if before not in ("warn", "fail"):
            return f"not used: the finding is {before}, nothing to waive"
        if waiver.approved_on > self.as_of:
            return "not used: not yet in force"
        if waiver.expires < self.as_of:
            return "not used: expired"
        return "not used: another waiver in force expires later"


# -- rendering -----------------------------------------------------------------------------


def _condition_lines(condition: Condition, indent: str) -> list[str]:
    lines: list[str] = []
    pending = [(condition, indent)]
    while pending:
        node, margin = pending.pop()
        result = f"error: {node.error}" if node.error is not None else _show(node.value)
        where = f"  ({node.location})" if node.location else ""
        operator = f"{node.operator} " if node.operator in ("?", "then", "else") else ""
        lines.append(f"{margin}{result}  <- {operator}{_one_line(node.source)}{where}")
        pending.extend((part, margin + "  ") for part in reversed(node.parts))
    return lines


def _value_line(value: Reading) -> str:
    if value.error is None:
        shown = _show(value.value)
    else:
        shown = value.error if value.error.startswith("absent") else f"error: {value.error}"
    line = f"{value.path} = {shown}"
    if value.definition is not None:
        line += f"  (definition: {_one_line(value.definition)})"
    return line


def _fact_line(fact: Fact) -> str:
    if fact.value is None:
        shown = "none"
    else:
        shown = fact.value if isinstance(fact.value, str) else _show(fact.value)
    return f"{fact.name}: {shown}" + (f"  ({fact.note})" if fact.note else "")


def _accountable_line(accountable: Accountable) -> str:
    if accountable.person is None:
        holder = f"no one holds {accountable.role}"
    elif accountable.name:
        holder = f"{accountable.name} ({accountable.person}), {accountable.role}"
    else:
        holder = f"{accountable.person}, {accountable.role}"
    if accountable.fallback_from:
        chain = " → ".join(f"{role} (vacant)" for role in accountable.fallback_from)
        holder += f"; fell back: {chain} → {accountable.role}"
    return holder


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _show(value: Any) -> str:
    text = _cel_text(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _cel_text(value: Any) -> str:
    """A value as CEL would write it (dates and durations as people read them)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, datetime.datetime):
        midnight = value.time() == datetime.time(0) and value.utcoffset() == datetime.timedelta(0)
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return f"{value.days} days" if not value.seconds else str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_cel_text(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_cel_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO text, durations as text, tuples as lists."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.timedelta | Duration):
        return _cel_text(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _where(location: Any) -> str | None:
    return str(location) if location is not None and location.line is not None else None


def _about(extra: Mapping[str, Any] | None) -> str | None:
    """The item an evaluation was for, in a few words."""
    if not extra:
        return None
    if "review" in extra:
        review = extra["review"]
        return f"review {_cel_text(review['date'])} ({review.get('forum', 'no forum')})"
    if "report" in extra:
        report = extra["report"]
        return f"{report['kind']} report received {_cel_text(report['received'])}"
    if "person" in extra:
        return f"holder {extra['person']['id']}"
    return ", ".join(sorted(extra))
