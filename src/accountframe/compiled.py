"""A framework compiled once and evaluated many times: `compile`, `CompiledFramework`, `evaluate`.

The stages run one way: load → compile → evaluate → report. `compile(framework)` prepares a
framework once (every CEL expression parsed and type-checked, durations and roles resolved:
the `Plan`), as OPA's `PrepareForEval` and cel-go's `Program` do; the `CompiledFramework` it
gives evaluates any number of portfolios, from any number of threads, and explains and
schedules by the same code. The functions `evaluate`, `explain` and `schedule` take a framework
or a compiled one.

Example:
    >>> import datetime
    >>> import accountframe as af
    >>> compiled = af.compile(af.bundled("uk-central-government"))
    >>> portfolio = af.load_portfolio("policies/examples/ministry-of-example.yaml")
    >>> assessment = compiled.evaluate(portfolio, as_of=datetime.date(2026, 11, 25))
    >>> assessment.status_counts()["fail"] > 0
    True
    >>> af.compile(af.bundled("uk-central-government")) is af.compile(compiled.framework)
    False
    >>> af.compile(compiled.framework) is compiled
    True
"""

from __future__ import annotations

import datetime

import attrs

from accountframe.assessment import Assessment
from accountframe.compiler.compiler import Plan, check_engine, compile_framework
from accountframe.errors import UsageError
from accountframe.evaluation import explanation
from accountframe.evaluation import reassess as one_contract
from accountframe.evaluation import schedule as scheduling
from accountframe.evaluation.assess import evaluate as evaluate_plan
from accountframe.evaluation.explanation import Explanation
from accountframe.evaluation.schedule import Schedule
from accountframe.framework.duration import Duration
from accountframe.framework.framework import COMPILER, Framework, look_back_duration
from accountframe.model import Portfolio
from accountframe.timeline.engine import history as history_of
from accountframe.timeline.since import evaluate_with_since, explain_with_since
from accountframe.timeline.spells import History

__all__ = ["CompiledFramework", "compile", "evaluate", "explain", "history", "schedule"]


@attrs.frozen
class CompiledFramework:
    """A framework ready to evaluate any number of portfolios, from any number of threads.

    Make one with `accountframe.compile(framework)`; it is immutable and safe to share.
    """

    #: What compiling gave: every program, duration and role, resolved.
    plan: Plan

    @property
    def framework(self) -> Framework:
        """The framework it was compiled from."""
        return self.plan.framework

    @property
    def engine(self) -> str:
        """The CEL engine its programs run on (one of `accountframe.cel.ENGINES`)."""
        return self.plan.engine

    def evaluate(
        self,
        portfolio: Portfolio,
        as_of: datetime.date | None = None,
        *,
        workers: int = 1,
        look_back: Duration | str | None = None,
    ) -> Assessment:
        """Assess `portfolio` as of `as_of` (default: the portfolio's `as_of`, else today).

        Args:
            portfolio: The facts.
            as_of: The assessment date.
            workers: Worker processes for contract-scope work; 1, the default, starts none.
                The result is byte-identical whatever the number.
            look_back: How far back to look for when each status began (default: the
                framework's `look_back`). With one, every finding and consequence carries
                `since` and `since_limited` (SPEC section 13).

        Raises:
            UsageError: `workers` is not a positive int, or `look_back` not a duration of at
                least a day.
        """
        chosen = _look_back(look_back) or self.framework.look_back
        if chosen is None:
            return evaluate_plan(self.plan, portfolio, as_of, workers=workers)
        if as_of is None:
            as_of = portfolio.as_of or datetime.date.today()
        return evaluate_with_since(self.plan, portfolio, as_of, chosen, workers=workers)

    def evaluate_contract(
        self, portfolio: Portfolio, contract_id: str, as_of: datetime.date | None = None
    ) -> Assessment:
        """One contract of `portfolio`: its findings and consequences, and the person-scope
        findings of the people it concerns (its role holders, and who answers for its
        findings), as a partial assessment: for showing one contract without assessing the
        rest. People's sanctions and rewards, which read findings on every contract, are not
        in it (`reassess` has them).

        Raises:
            UsageError: no such contract (with a suggestion).

        Example:
            >>> import datetime
            >>> import accountframe as af
            >>> compiled = af.compile(af.bundled("uk-central-government"))
            >>> portfolio = af.load_portfolio("policies/examples/ministry-of-example.yaml")
            >>> one = compiled.evaluate_contract(portfolio, "EM-001")
            >>> {f.subject.id for f in one.findings if f.subject.type == "contract"}
            {'EM-001'}
        """
        if as_of is None:
            as_of = portfolio.as_of or datetime.date.today()
        partial = one_contract.evaluate_contract(self.plan, portfolio, contract_id, as_of)
        if self.framework.look_back is None:
            return partial
        # With a look-back, when each status began comes from the history of every contract
        # (a person's findings read them all): the whole assessment, then the same results.
        whole = self.evaluate(portfolio, as_of)
        wanted = {(f.policy, f.subject) for f in partial.findings}
        consequences = {(c.policy, c.subject) for c in partial.consequences}
        return attrs.evolve(
            partial,
            findings=tuple(f for f in whole.findings if (f.policy, f.subject) in wanted),
            consequences=tuple(
                c for c in whole.consequences if (c.policy, c.subject) in consequences
            ),
        )

    def reassess(self, previous: Assessment, portfolio: Portfolio, contract_id: str) -> Assessment:
        """`previous` (an assessment of this framework) with contract `contract_id` of
        `portfolio` judged again, on `previous`'s date: added, changed, or removed when
        `portfolio` no longer has it. Other contracts' results are taken from `previous`;
        person-scope results, people's sanctions and rewards and the unused waivers are
        worked out again. Equal to `evaluate(portfolio, previous.as_of)` whenever the other
        contracts are as `previous` saw them. With a look-back (the framework's
        `look_back`), when each status began depends on every contract's history, and the
        portfolio is assessed whole.

        Raises:
            UsageError: `previous` is of another framework, or has no results for another
                contract of `portfolio` (evaluate it whole), or no one has the contract.

        Examples:
            >>> import datetime
            >>> import accountframe as af
            >>> compiled = af.compile(af.bundled("uk-central-government"))
            >>> portfolio = af.load_portfolio("policies/examples/ministry-of-example.yaml")
            >>> before = compiled.evaluate(portfolio)
            >>> data = portfolio.to_dict()
            >>> data["contracts"][0]["reviews"].append({"date": "2026-11-20", "forum": "board"})
            >>> changed = af.Portfolio.from_dict(data)
            >>> after = compiled.reassess(before, changed, "EM-001")
            >>> after == compiled.evaluate(changed)
            True
        """
        if self.framework.look_back is not None:
            # When each status began reads the history of the whole portfolio: assess it
            # whole (the checks first, so that a mistake is said the same way).
            one_contract.check_reassess(self.plan, previous, portfolio, contract_id)
            return self.evaluate(portfolio, previous.as_of)
        return one_contract.reassess(self.plan, previous, portfolio, contract_id)

    def explain(
        self,
        portfolio: Portfolio,
        policy_id: str,
        subject_id: str,
        as_of: datetime.date | None = None,
    ) -> Explanation:
        """Why one policy gives one subject its status (see `accountframe.explain`); with the
        framework's look-back, `since` as `evaluate` gives it."""
        if as_of is None:
            as_of = portfolio.as_of or datetime.date.today()
        look_back = self.framework.look_back
        if look_back is not None:
            return explain_with_since(self.plan, portfolio, policy_id, subject_id, as_of, look_back)
        return explanation.explain(self.plan, portfolio, policy_id, subject_id, as_of)

    def schedule(
        self,
        portfolio: Portfolio,
        *,
        as_of: datetime.date | None = None,
        until: datetime.date | None = None,
    ) -> Schedule:
        """The reviews and reports due up to `until` (see `accountframe.schedule`)."""
        return scheduling.schedule(self.plan, portfolio, as_of=as_of, until=until)

    def history(
        self, portfolio: Portfolio, *, start: datetime.date, end: datetime.date | None = None
    ) -> History:
        """The spells of every finding and consequence from `start` to `end` (see
        `accountframe.history`)."""
        if end is None:
            end = portfolio.as_of or datetime.date.today()
        for name, value in (("start", start), ("end", end)):
            if type(value) is not datetime.date:
                raise UsageError(f"history: {name} must be a date, not {type(value).__name__}")
        if end < start:
            raise UsageError(
                f"history: the period ends ({end.isoformat()}) before it starts "
                f"({start.isoformat()})"
            )
        return history_of(self.plan, portfolio, start, end)


def _look_back(value: Duration | str | None) -> Duration | None:
    try:
        return look_back_duration(value)
    except ValueError as error:
        raise UsageError(str(error)) from None


def compile(framework: Framework, *, engine: str | None = None) -> CompiledFramework:
    """Compile `framework` for a CEL engine, once: later calls give the same object.

    Args:
        framework: The framework.
        engine: `"accountframe"` (the default, `accountframe.cel.DEFAULT_ENGINE`) or
            `"celpy"` (cel-python's interpreter, kept as the reference; much slower). Both give
            the same findings.

    Raises:
        FrameworkError: every problem of the framework, each located in its file where known.
        UsageError: an unknown engine.

    Examples:
        >>> import accountframe as af
        >>> fw = af.bundled("uk-central-government")
        >>> af.compile(fw, engine="celpy").engine
        'celpy'
        >>> af.compile(fw) is af.compile(fw)
        True
    """
    name = check_engine(engine)
    compiled = framework.derived.get(name)
    if not isinstance(compiled, CompiledFramework):
        made = CompiledFramework(compile_framework(framework, engine=name))
        compiled = framework.derived.setdefault(name, made)
    return compiled


def _compiled(
    framework: Framework | CompiledFramework, engine: str | None = None
) -> CompiledFramework:
    if isinstance(framework, CompiledFramework):
        if engine is not None and check_engine(engine) != framework.engine:
            return compile(framework.framework, engine=engine)
        return framework
    return compile(framework, engine=engine)


def evaluate(
    framework: Framework | CompiledFramework,
    portfolio: Portfolio,
    as_of: datetime.date | None = None,
    *,
    engine: str | None = None,
    workers: int = 1,
    look_back: Duration | str | None = None,
) -> Assessment:
    """Assess `portfolio` against `framework` as of `as_of`: `compile(framework).evaluate(...)`.

    Args:
        framework: The framework, or one compiled already.
        portfolio: The facts.
        as_of: The assessment date (default: the portfolio's `as_of`, else today).
        engine: The CEL engine (see `compile`).
        workers: Worker processes for large portfolios (see `CompiledFramework.evaluate`).
        look_back: Look back this far for when each status began: findings and consequences
            then carry `since` (default: the framework's `look_back`; see
            `CompiledFramework.evaluate`).

    Raises:
        FrameworkError: the framework does not compile.
        UsageError: an unknown engine, `workers` not a positive int, or `look_back` not a
            duration of at least a day.

    Examples:
        >>> import datetime
        >>> import accountframe as af
        >>> fw = af.Framework(
        ...     name="demo", version="1",
        ...     roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        ...     policies=[af.Rule(id="R1", title="Has a value", require="contract.value.total > 0.0")],
        ... )
        >>> portfolio = af.Portfolio.from_dict({"organisation": "Ministry of Example",
        ...     "contracts": [{"id": "C1", "title": "Tagging", "stage": "live", "value": {"total": 0}},
        ...                   {"id": "C2", "title": "Catering", "stage": "live"}]})
        >>> assessment = af.evaluate(fw, portfolio, as_of=datetime.date(2026, 11, 25))
        >>> [(f.subject.id, f.status.value) for f in assessment.findings]
        [('C1', 'fail'), ('C2', 'error')]
        >>> assessment.findings[1].message
        "require failed: no such member in mapping: 'total' (at R1.require)"
    """  # noqa: E501 - doctest lines
    return _compiled(framework, engine).evaluate(
        portfolio, as_of, workers=workers, look_back=look_back
    )


def explain(
    framework: Framework | CompiledFramework,
    portfolio: Portfolio,
    policy_id: str,
    subject_id: str,
    as_of: datetime.date | None = None,
) -> Explanation:
    """Explain the status one policy gives one subject (a contract, or a person).

    The policy is judged by the very code `evaluate` runs, with every step recorded (see
    `accountframe.evaluation.explanation`).

    Args:
        framework: The framework, or one compiled already.
        portfolio: The portfolio.
        policy_id: The policy's id.
        subject_id: A contract id, or a person id for a person-scope policy.
        as_of: The date; default the portfolio's `as_of`, else today (as `evaluate`).

    Returns:
        An `Explanation` whose `result` equals the finding (or consequence) that
        `evaluate(framework, portfolio, as_of)` gives for this policy and subject.

    Raises:
        UsageError: no such policy, or no such subject (with a "did you mean").
        FrameworkError: the framework does not compile.

    Examples:
        >>> import accountframe as af
        >>> framework = af.load_framework("tests/golden/evaluate/every-kind/framework")
        >>> portfolio = af.load_portfolio("tests/golden/evaluate/every-kind/portfolio.yaml")
        >>> why = af.explain(framework, portfolio, "INF-VERIFIED", "K2-poor")
        >>> why.status
        'fail'
        >>> print(why.message)
        the latest performance report (2026-09-01) does not meet the requirement: neither report.verified nor report.source != "supplier" holds (the next is due by 2027-09-01)
        >>> require = why.evaluations[1].condition
        >>> require.source, require.value
        ('report.verified || report.source != "supplier"', False)
        >>> [(part.source, part.value) for part in require.parts]
        [('report.verified', False), ('report.source != "supplier"', False)]
        >>> af.explain(framework, portfolio, "INF-VERIFY", "K2-poor")
        Traceback (most recent call last):
        ...
        accountframe.errors.UsageError: no policy 'INF-VERIFY' in golden-kinds (did you mean 'INF-VERIFIED'?)
    """  # noqa: E501 - doctest output is one line
    return _compiled(framework).explain(portfolio, policy_id, subject_id, as_of)


def schedule(
    framework: Framework | CompiledFramework,
    portfolio: Portfolio,
    *,
    as_of: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Schedule:
    """The reviews and reports due under `framework` for `portfolio`, from `as_of` to `until`.

    `as_of` defaults to the portfolio's `as_of`, else today; `until` to three months after
    `as_of`. Overdue items are listed whatever their date; later ones up to `until`
    (inclusive). See `accountframe.evaluation.schedule` for the statuses.

    Raises:
        UsageError: `until` is before `as_of`.
        FrameworkError: the framework does not compile.
    """
    return _compiled(framework).schedule(portfolio, as_of=as_of, until=until)


def history(
    framework: Framework | CompiledFramework,
    portfolio: Portfolio,
    *,
    start: datetime.date,
    end: datetime.date | None = None,
) -> History:
    """How every finding and consequence stood over a period, and who was accountable.

    The result is exactly what evaluating the framework as of every day from `start` to `end`
    (both included) would give, taken as *spells*: maximal runs of days with the same status,
    accountable role and person (SPEC section 13). It is computed only on the days where
    something can change (events, assignment and waiver bounds, due dates, and every day only
    for what reads the date itself), so a year costs far less than 365 evaluations.

    Args:
        framework: The framework, or one compiled already.
        portfolio: The facts. Stages and other attributes are taken as the portfolio states
            them today; the dated lists (reviews, reports, assignments, waivers...) place
            each fact on its day.
        start: The first day of the period.
        end: The last day (default: the portfolio's `as_of`, else today).

    Raises:
        UsageError: `end` is before `start`, or a bound is not a date.
        FrameworkError: the framework does not compile.

    Examples:
        >>> import datetime
        >>> import accountframe as af
        >>> framework = af.bundled("uk-central-government")
        >>> portfolio = af.load_portfolio("policies/examples/ministry-of-example.yaml")
        >>> found = af.history(framework, portfolio, start=datetime.date(2026, 1, 1),
        ...                    end=datetime.date(2026, 11, 25))
        >>> spell = found.spell_at("RULE-OVERBILLING", "EM-001", datetime.date(2026, 11, 25))
        >>> spell.status.value, spell.start.isoformat(), spell.accountable.role
        ('fail', '2026-05-12', 'sro')
        >>> af.history(framework, portfolio, start=datetime.date(2026, 2, 1),
        ...            end=datetime.date(2026, 1, 1))
        Traceback (most recent call last):
        ...
        accountframe.errors.UsageError: history: the period ends (2026-01-01) before it starts (2026-02-01)
    """  # noqa: E501 - doctest output is one line
    return _compiled(framework).history(portfolio, start=start, end=end)


# `Framework.evaluate`, SPEC section 10's shorthand, reaches this stage through here.
COMPILER.append(compile)
