"""Evaluating a policy's expression fields for a subject, failing closed.

`Expressions` runs a compiled policy's programs (`applies_to`, `require`, `counts_if`, ...)
with a subject's bindings. Any problem (a CEL error, a definition the expression uses that
failed for this subject, a result of the wrong type) raises `Failed` with a message that says
which field failed, why and where it was written: the judge turns that into status `error`,
never `pass` (SPEC section 5).

`Expressions` takes the fast paths: a default `applies_to: true` or `counts_if: true` is not
evaluated (it can give nothing else), and a condition over many events is evaluated for all of
them at once. `ObservedExpressions`, for an explanation, evaluates each one and tells the
observer every value, with the same results.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, Protocol, TypeVar

from accountframe import cel
from accountframe.compiler.compiler import CompiledPolicy, Plan
from accountframe.errors import CelError
from accountframe.evaluation.observer import SILENT, Observer
from accountframe.evaluation.scope import failed_definition

__all__ = ["Expressions", "Failed", "ObservedExpressions", "Rebound", "Variables"]

_Event = TypeVar("_Event")


class Failed(Exception):
    """An expression failed: the finding becomes `error` with this message."""


class Variables(Protocol):
    """What an expression is evaluated with: bindings, and the definitions that failed."""

    @property
    def bound(self) -> cel.Bindings: ...

    @property
    def failed(self) -> Mapping[str, str]: ...


class Rebound(NamedTuple):
    """A subject's variables with more bound (an event, `findings`): the same failures."""

    bound: cel.Bindings
    failed: Mapping[str, str]


class Expressions:
    """Evaluates the plan's expression fields, taking every fast path (see the module)."""

    def __init__(self, plan: Plan, observer: Observer = SILENT) -> None:
        self.observer = observer
        #: Ids of the policies whose `applies_to` is the literal `true` (the default), and
        #: of those whose `counts_if` is (the default too): not evaluated.
        self.applies_always = _literally_true(plan.policies, "applies_to")
        self.counts_always = _literally_true(plan.policies, "counts_if")

    def value(
        self,
        policy: CompiledPolicy,
        field: str,
        at: Variables,
        expected: type | tuple[type, ...],
        extra: Mapping[str, Any] | None = None,
        canonical: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate one expression field; raise Failed with a message on any problem.

        `extra`: more variables, validated when bound. `canonical`, when given: the same
        variables in their canonical form (see `cel.values._canonical`), bound as they are;
        `extra` is then only what the observer is told.
        """
        program = policy.programs[field]
        bound = at.bound
        if canonical is not None:
            bound = bound._trusted_merged(canonical)
        elif extra:
            bound = bound.merged(extra)
        # No exception is kept in a local variable here: its traceback holds this frame, and
        # the two would be a reference cycle, garbage that only the cyclic collector frees.
        try:
            value = program.evaluate(bound)
        except CelError as error:
            used = failed_definition(error, at.failed)
            if used:
                problem = f"{field}: definition {used!r} failed: {at.failed[used]}"
            else:
                problem = f"{field} failed: {error.cel_message} (at {policy.where(field)})"
            self.observer.note(field, extra=extra, error=problem)
            raise Failed(problem) from None
        if expected is bool and type(value) is bool:
            return value
        given = value
        if isinstance(value, bool) and expected in (int, float, (int, float)):
            value = None  # a bool is not a number here
        if value is None or not isinstance(value, expected):
            problem = (
                f"{field} must give {_type_name(expected)} (got {_describe(given)}) "
                f"(at {policy.where(field)})"
            )
            self.observer.note(field, extra=extra, value=given, error=problem)
            raise Failed(problem)
        return value

    def test(
        self,
        policy: CompiledPolicy,
        field: str,
        at: Variables,
        extra: Mapping[str, Any] | None = None,
        canonical: Mapping[str, Any] | None = None,
    ) -> bool:
        """`value` for a condition, which must give a bool."""
        if extra is None and canonical is None:
            # The hot path: a bool, else `value` evaluates again and names the problem.
            result = policy.programs[field]._evaluate_bool(at.bound)
            if result is not None:
                return result
        decided: bool = self.value(policy, field, at, bool, extra, canonical)
        return decided

    def test_with(
        self,
        policy: CompiledPolicy,
        field: str,
        at: Variables,
        name: str,
        canonical: Any,
        item: Any = None,
    ) -> bool:
        """`test` with one more variable, `name`, bound to `canonical` (canonical already, see
        `value`); `item`: the value the observer is told (for an explanation)."""
        each = policy.programs[field]._evaluate_each(at.bound, name, [canonical])
        if each is not None:  # a bool: else `test` names the problem
            result: bool = each[0]
            return result
        return self.test(policy, field, at, None, {name: canonical})

    def unmet(
        self,
        policy: CompiledPolicy,
        field: str,
        at: Variables,
        extra: Mapping[str, Any] | None = None,
        canonical: Mapping[str, Any] | None = None,
    ) -> str:
        """Which part of the condition `field` was false for this subject, in words, once it
        gave false (`a && b` names the operand that was false): for a failure's message; empty
        when that part is the literal `false`, which says nothing more than the failure.

        Only asked for on a failure, so the cost of evaluating the parts again is paid by
        findings that fail, never by those that pass. `extra` and `canonical` as for `value`.
        """
        bound = at.bound
        if canonical is not None:
            bound = bound._trusted_merged(canonical)
        elif extra:
            bound = bound.merged(extra)
        parts = policy.parts.get(field)
        if parts is None:
            parts = policy.parts[field] = cel.subconditions(policy.programs[field])
        return _false_part(policy.programs[field].source, parts, bound)

    def applies(self, policy: CompiledPolicy, at: Variables) -> bool:
        """The policy's `applies_to` for a subject. The default, `true`, is not evaluated: it
        can give nothing else."""
        if policy.id in self.applies_always:
            return True
        return self.test(policy, "applies_to", at)

    def message(
        self, policy: CompiledPolicy, at: Variables, default: str, field: str = "message"
    ) -> str:
        """The policy's `message` (or another text field, `pass_message`), if it gives
        non-empty text; else the default."""
        if field not in policy.programs:
            return default
        try:
            text = self.value(policy, field, at, str)
        except Failed:
            return default
        return str(text) if str(text).strip() else default

    def counting(self, policy: CompiledPolicy) -> bool:
        """Whether `counted` evaluates the policy's `counts_if` for each event."""
        return "counts_if" in policy.programs and policy.id not in self.counts_always

    def counted(
        self,
        policy: CompiledPolicy,
        at: Variables,
        name: str,
        events: list[_Event],
        canonical: list[Any],
        items: list[dict[str, Any]] | None,
    ) -> list[_Event]:
        """The events that count (`counts_if`), bound as `name`. `canonical`: the events as
        bound (same order; may be empty when not `counting`); `items`: as plain values with
        dates, for the observer (None when it does not ask for them).
        """
        if not self.counting(policy):
            return list(events)
        # Every event at once, when every one gives a bool: the common case.
        each = policy.programs["counts_if"]._evaluate_each(at.bound, name, canonical)
        if each is not None:
            return list(itertools.compress(events, each))
        # Else one by one, which names the event's problem: one scope, the item variable
        # set to each event in turn (the scope is this loop's).
        bound, assign = at.bound._rebinding(name)
        rebound = Rebound(bound, at.failed)
        counting: list[_Event] = []
        for event, bound_item in zip(events, canonical, strict=True):
            assign(bound_item)
            if self.test(policy, "counts_if", rebound):
                counting.append(event)
        return counting


class ObservedExpressions(Expressions):
    """`Expressions` for an explanation: everything evaluated, every value told.

    The default conditions are evaluated too, and each event's `counts_if` one at a time, so
    the observer is told each one; the results are those of `Expressions`.
    """

    def value(
        self,
        policy: CompiledPolicy,
        field: str,
        at: Variables,
        expected: type | tuple[type, ...],
        extra: Mapping[str, Any] | None = None,
        canonical: Mapping[str, Any] | None = None,
    ) -> Any:
        """`Expressions.value`, telling the observer the value."""
        value = super().value(policy, field, at, expected, extra, canonical)
        self.observer.note(field, extra=extra, value=value)
        return value

    def test(
        self,
        policy: CompiledPolicy,
        field: str,
        at: Variables,
        extra: Mapping[str, Any] | None = None,
        canonical: Mapping[str, Any] | None = None,
    ) -> bool:
        """`Expressions.test`, always through `value` (which tells the observer)."""
        decided: bool = self.value(policy, field, at, bool, extra, canonical)
        return decided

    def test_with(
        self,
        policy: CompiledPolicy,
        field: str,
        at: Variables,
        name: str,
        canonical: Any,
        item: Any = None,
    ) -> bool:
        """`Expressions.test_with`, telling the observer `item` as the variable's value."""
        return self.test(policy, field, at, {name: item}, {name: canonical})

    def applies(self, policy: CompiledPolicy, at: Variables) -> bool:
        """`applies_to`, evaluated even when it is the default `true`."""
        return self.test(policy, "applies_to", at)

    def counting(self, policy: CompiledPolicy) -> bool:
        """Every event is looked at, to tell the observer whether each counts."""
        return True

    def counted(
        self,
        policy: CompiledPolicy,
        at: Variables,
        name: str,
        events: list[_Event],
        canonical: list[Any],
        items: list[dict[str, Any]] | None,
    ) -> list[_Event]:
        """Every event evaluated and told (`counts_if: true` included), one at a time."""
        counting: list[_Event] = []
        for position, (event, bound_item) in enumerate(zip(events, canonical, strict=True)):
            item = items[position] if items is not None else None
            counts = "counts_if" not in policy.programs or self.test(
                policy,
                "counts_if",
                at,
                {name: item if items is not None else bound_item},
                {name: bound_item},
            )
            self.observer.note("event", variable=name, item=item, counts=counts)
            if counts:
                counting.append(event)
        return counting


#: The longest condition a message quotes; a longer one is cut, ending in "...".
QUOTED = 160


def _false_part(source: str, parts: tuple[cel.Subcondition, ...], bound: cel.Bindings) -> str:
    """The smallest part of a false condition that made it false, in words.

    An operand of a false `&&` chain that gave false (the first one: the one that decided),
    looked into in turn; the branch a `?:` took; else the condition itself: `X is false`, or
    for a `||` chain, false because each of its operands is, `neither A nor B holds` (`none of
    its 3 alternatives holds` when they are too long to quote).
    Operands that fail to evaluate are passed over: CEL's `&&` is false when any operand is,
    whatever the others give.
    """
    if " ".join(source.split()) == "false":
        return ""
    while parts:
        chosen: cel.Subcondition | None = None
        if parts[0].operator == "&&":
            chosen = next((part for part in parts if _gives(part, bound) is False), None)
        elif parts[0].operator == "?":
            condition = _gives(parts[0], bound)
            if isinstance(condition, bool) and len(parts) == 3:
                chosen = parts[1] if condition else parts[2]
        if chosen is None:
            break
        source, parts = chosen.source, chosen.parts
    if _quoted(source) == "false":
        return ""
    operands = [_quoted(part.source) for part in parts if part.operator == "||"]
    if len(operands) > 1:
        # Named one by one while that reads in one breath; a longer chain is counted (the
        # operands are the policy's own text, which `explain` shows with each one's value).
        if sum(map(len, operands)) > QUOTED:
            return f"none of its {len(operands)} alternatives holds"
        if len(operands) == 2:
            return f"neither {operands[0]} nor {operands[1]} holds"
        return f"none of {'; '.join(operands)} holds"
    return f"{_quoted(source)} is false"


def _gives(part: cel.Subcondition, bound: cel.Bindings) -> Any:
    try:
        return part.program.evaluate(bound)
    except CelError:
        return None


def _quoted(source: str) -> str:
    """A condition's text on one line, outer parentheses dropped, at most `QUOTED` long.

    >>> _quoted("((a ||   b))")
    'a || b'
    """
    text = " ".join(source.split())
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text if len(text) <= QUOTED else text[: QUOTED - 3] + "..."


def _balanced(text: str) -> bool:
    """Whether the parentheses of `text` pair up (outside string literals, roughly: enough
    to tell `(a) || (b)` from `(a || b)`)."""
    depth = 0
    quote = ""
    escaped = False
    for char in text:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _literally_true(policies: Iterable[CompiledPolicy], field: str) -> frozenset[str]:
    """Ids of the policies whose `field` is the expression `true`, which gives nothing else."""
    return frozenset(
        policy.id
        for policy in policies
        if field in policy.programs and policy.programs[field].source.strip() == "true"
    )


def _type_name(expected: type | tuple[type, ...]) -> str:
    if expected is bool:
        return "a bool"
    if expected is str:
        return "a string"
    if expected is datetime.datetime:
        return "a timestamp"
    return "a number"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"bool {str(value).lower()}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, int | float):
        return f"{type(value).__name__} {value!r}"
    return type(value).__name__
