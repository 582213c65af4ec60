"""The portfolio: one organisation's people, contracts and waivers (format `portfolio/1`).

Every class is a frozen attrs class. Build a portfolio from plain data with
`Portfolio.from_dict` (strict: unknown keys, wrong types and dangling references are all
reported at once in a `PortfolioError`), or from a file with `accountframe.load_portfolio`.
`to_dict()` gives the same plain data back.

Example:
    >>> import datetime
    >>> p = Portfolio.from_dict({
    ...     "organisation": "Ministry of Example",
    ...     "people": [{"id": "p-sro", "name": "Sam Owner"}],
    ...     "contracts": [{
    ...         "id": "EM-001", "title": "Electronic monitoring", "stage": "live",
    ...         "assignments": [{"role": "sro", "person": "p-sro", "start": "2024-01-01"}],
    ...         "transactions": [{"date": "2026-10-31", "amount": 8400000}],
    ...     }],
    ... })
    >>> contract = p.contracts[0]
    >>> contract.accountable(datetime.date(2026, 11, 25))
    {'sro': 'p-sro'}
    >>> contract.spent(datetime.date(2026, 10, 30))
    0.0
    >>> Portfolio.from_dict(p.to_dict()) == p
    True
"""

from __future__ import annotations

import datetime
import enum
import functools
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from accountframe import jsontext
from accountframe.errors import Diagnostic, Location, PortfolioError, did_you_mean
from accountframe.fastpath import Declined
from accountframe.load.digest import portfolio_digest
from accountframe.load.fields import Problem, format_path, meta
from accountframe.load.plain import (
    Stamps,
    cel_items,
    cel_plain,
    plain,
    plain_fields,
    plain_plan,
    unstructure,
)
from accountframe.load.structure import structure

__all__ = [
    "CURRENCY",
    "KPI",
    "PORTFOLIO_FORMAT",
    "Amendment",
    "AppliedConsequence",
    "Assignment",
    "Contract",
    "Effect",
    "KeyDate",
    "Period",
    "Person",
    "Portfolio",
    "Rating",
    "Regime",
    "Report",
    "Review",
    "Source",
    "Stage",
    "Transaction",
    "Value",
    "Waiver",
    "last_reviews",
    "latest_reports",
]

PORTFOLIO_FORMAT = "portfolio/1"


class Stage(enum.StrEnum):
    """Where a contract is in its life."""

    PLANNING = "planning"
    PROCUREMENT = "procurement"
    MOBILISATION = "mobilisation"
    LIVE = "live"
    EXIT = "exit"
    CLOSED = "closed"


class Source(enum.StrEnum):
    """Who produced a report."""

    SUPPLIER = "supplier"
    AUTHORITY = "authority"
    INDEPENDENT = "independent"


class Rating(enum.StrEnum):
    """KPI ratings of the Procurement Act 2023."""

    GOOD = "good"
    APPROACHING_TARGET = "approaching_target"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"
    OTHER = "other"


class Regime(enum.StrEnum):
    """The procurement regime a contract was let under: it decides which statutory duties bind it.

    A value not listed is an error (with a "did you mean"): a typo would silently take a
    contract out of its statutory duties. `other` is for any regime not listed.
    """

    PA2023 = "pa2023"  # Procurement Act 2023
    PCR2015 = "pcr2015"  # Public Contracts Regulations 2015
    UCR2016 = "ucr2016"  # Utilities Contracts Regulations 2016
    CCR2016 = "ccr2016"  # Concession Contracts Regulations 2016
    DSR2011 = "dsr2011"  # Defence and Security Public Contracts Regulations 2011
    OTHER = "other"


class Effect(enum.StrEnum):
    """Whether an applied consequence was a sanction or a reward."""

    SANCTION = "sanction"
    REWARD = "reward"


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


def _dict(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(value)


def _ordered(start_name: str, end_name: str) -> Any:
    """A validator for the end field: the end may not come before the start."""

    def check(instance: Any, attribute: attrs.Attribute[Any], end: Any) -> None:
        start = getattr(instance, start_name)
        if start is not None and end is not None and end < start:
            raise ValueError(
                f"'{end_name}' ({end.isoformat()}) is before '{start_name}' ({start.isoformat()})"
            )

    return check


@attrs.frozen
class Person:
    """Someone who can hold a role, chair a review or approve a waiver."""

    id: str = attrs.field(metadata=meta("Unique person id.", nonempty=True))
    name: str = attrs.field(metadata=meta("Full name, as shown in reports.", nonempty=True))
    grade: str | None = attrs.field(
        default=None, metadata=meta("Grade, a free string that frameworks compare (e.g. SCS2).")
    )
    attributes: dict[str, Any] = attrs.field(
        factory=dict, converter=_dict, metadata=meta("Anything else the body records.")
    )


@attrs.frozen
class Value:
    """A contract's value; absent amounts are unknown, not zero."""

    total: float | None = attrs.field(default=None, metadata=meta("Whole-life value."))
    annual: float | None = attrs.field(default=None, metadata=meta("Value per year."))
    currency: str = attrs.field(default="GBP", metadata=meta("ISO 4217 code.", nonempty=True))


@attrs.frozen
class Assignment:
    """A person holding a role on a contract over a period (an open end means still holding)."""

    role: str = attrs.field(metadata=meta("Role id, e.g. sro or contract_manager.", nonempty=True))
    person: str = attrs.field(metadata=meta("Person id of the holder.", nonempty=True))
    start: datetime.date = attrs.field(metadata=meta("First day in the role."))
    end: datetime.date | None = attrs.field(
        default=None,
        validator=_ordered("start", "end"),
        metadata=meta("Last day in the role; absent while the person still holds it."),
    )
    letter: bool = attrs.field(
        default=False, metadata=meta("Whether a published appointment letter exists.")
    )


@attrs.frozen
class Review:
    """Senior oversight that happened: a meeting of a forum on a date."""

    date: datetime.date = attrs.field(metadata=meta("When the review took place."))
    forum: str = attrs.field(metadata=meta("Which forum, e.g. sro_review.", nonempty=True))
    chair: str | None = attrs.field(default=None, metadata=meta("Person id of the chair."))
    attendees: tuple[str, ...] = attrs.field(
        default=(), converter=_tuple, metadata=meta("Person ids of those present.")
    )
    notes: str = attrs.field(default="", metadata=meta("Free text."))
    decision: str | None = attrs.field(
        default=None,
        metadata=meta(
            "The decision the review recorded (e.g. recover the overpayment); absent if none.",
            nonempty=True,
        ),
    )


@attrs.frozen
class Period:
    """A span of dates, both ends included."""

    start: datetime.date = attrs.field(metadata=meta("First day."))
    end: datetime.date = attrs.field(validator=_ordered("start", "end"), metadata=meta("Last day."))


@attrs.frozen
class KPI:
    """One key performance indicator result in a report."""

    name: str = attrs.field(metadata=meta("The KPI's name.", nonempty=True))
    target: float | None = attrs.field(default=None, metadata=meta("The target value."))
    actual: float | None = attrs.field(default=None, metadata=meta("The achieved value."))
    rating: Rating | None = attrs.field(
        default=None, metadata=meta("The Procurement Act 2023 rating.")
    )


@attrs.frozen
class Report:
    """Information the authority received about a contract."""

    kind: str = attrs.field(metadata=meta("What the report is, e.g. performance.", nonempty=True))
    received: datetime.date = attrs.field(metadata=meta("When the authority received it."))
    period: Period | None = attrs.field(default=None, metadata=meta("The period it covers."))
    source: Source = attrs.field(default=Source.SUPPLIER, metadata=meta("Who produced it."))
    verified: bool = attrs.field(default=False, metadata=meta("Independently checked."))
    kpis: tuple[KPI, ...] = attrs.field(default=(), converter=_tuple, metadata=meta("KPI results."))
    figures: dict[str, float] = attrs.field(
        factory=dict, converter=_dict, metadata=meta("Free map of named numbers.")
    )


@attrs.frozen
class Transaction:
    """A payment made under the contract."""

    date: datetime.date = attrs.field(metadata=meta("When it was paid."))
    amount: float = attrs.field(converter=float, metadata=meta("How much was paid."))


@attrs.frozen
class Amendment:
    """A change to the contract."""

    date: datetime.date = attrs.field(metadata=meta("When it took effect."))
    rationale: str = attrs.field(default="", metadata=meta("Why it was made."))
    value_change: float | None = attrs.field(
        default=None, metadata=meta("Change to the total value.")
    )
    approved_by: str | None = attrs.field(
        default=None, metadata=meta("Person id of whoever approved it.", nonempty=True)
    )
    approved_on: datetime.date | None = attrs.field(
        default=None,
        metadata=meta("When it was approved; unknown as of an earlier date (see `Contract.view`)."),
    )

    def known_on(self, day: datetime.date) -> Amendment:
        """The amendment as known on `day`: an approval dated later is not known yet.

        >>> amendment = Amendment(datetime.date(2026, 3, 1), approved_by="p-ps",
        ...                       approved_on=datetime.date(2026, 4, 15))
        >>> amendment.known_on(datetime.date(2026, 4, 1)).approved_by is None
        True
        >>> amendment.known_on(datetime.date(2026, 4, 15)) == amendment
        True
        """
        if self.approved_on is not None and self.approved_on > day:
            return attrs.evolve(self, approved_by=None, approved_on=None)
        return self


@attrs.frozen
class KeyDate:
    """A date in the contract's life that calls for a decision: a break, an extension, expiry."""

    kind: str = attrs.field(
        metadata=meta(
            "What falls due: break_option, extension_option, expiry, notice_deadline, ...",
            nonempty=True,
        )
    )
    date: datetime.date = attrs.field(metadata=meta("The day it falls on."))
    notes: str | None = attrs.field(default=None, metadata=meta("Free text."))


@attrs.frozen
class AppliedConsequence:
    """A sanction or reward that was actually applied."""

    date: datetime.date = attrs.field(metadata=meta("When it was applied."))
    effect: Effect = attrs.field(metadata=meta("sanction or reward."))
    kind: str = attrs.field(metadata=meta("What it was, e.g. service_credit.", nonempty=True))
    amount: float | None = attrs.field(default=None, metadata=meta("Money involved, if any."))


def latest_reports(reports: Iterable[Report], as_of: datetime.date) -> dict[str, Report]:
    """Report kind → the latest of `reports` of that kind received on or before `as_of`; on
    equal dates the one listed later (a contract's `latest`, the organisation's)."""
    latest: dict[str, Report] = {}
    for report in reports:
        if report.received <= as_of:
            held = latest.get(report.kind)
            if held is None or report.received >= held.received:
                latest[report.kind] = report
    return latest


def last_reviews(reviews: Iterable[Review], as_of: datetime.date) -> dict[str, Review]:
    """Forum → the latest of `reviews` of that forum on or before `as_of`; on equal dates the
    one listed later (a contract's `last_review`, the organisation's)."""
    last: dict[str, Review] = {}
    for review in reviews:
        if review.date <= as_of:
            held = last.get(review.forum)
            if held is None or review.date >= held.date:
                last[review.forum] = review
    return last


def _accountable_holders(
    assignments: Iterable[Assignment], as_of: datetime.date
) -> dict[str, Assignment]:
    current: dict[str, Assignment] = {}
    for assignment in assignments:
        if assignment.start <= as_of and (assignment.end is None or assignment.end >= as_of):
            held = current.get(assignment.role)
            # Two overlapping holders: the most recently started wins (later listed on a tie).
            if held is None or assignment.start >= held.start:
                current[assignment.role] = assignment
    return current


@attrs.frozen
class Contract:
    """A contract and everything known about its oversight.

    Derived views (`accountable`, `latest`, `last_review`, `spent`) are computed as of a date;
    events dated after that date are ignored.
    """

    id: str = attrs.field(metadata=meta("Unique contract id.", nonempty=True))
    title: str = attrs.field(metadata=meta("What the contract is for.", nonempty=True))
    stage: Stage = attrs.field(metadata=meta("Where the contract is in its life."))
    supplier: str | None = attrs.field(default=None, metadata=meta("The supplier's name."))
    tier: str | None = attrs.field(
        default=None, metadata=meta("Free string that frameworks give meaning, e.g. gold.")
    )
    strategic: bool = attrs.field(default=False, metadata=meta("Strategically important."))
    value: Value = attrs.field(factory=Value, metadata=meta("Contract value."))
    start: datetime.date | None = attrs.field(default=None, metadata=meta("Start date."))
    end: datetime.date | None = attrs.field(
        default=None, validator=_ordered("start", "end"), metadata=meta("End date.")
    )
    assignments: tuple[Assignment, ...] = attrs.field(
        default=(), converter=_tuple, metadata=meta("Who holds which role, over time.")
    )
    reviews: tuple[Review, ...] = attrs.field(
        default=(), converter=_tuple, metadata=meta("Senior oversight that happened.")
    )
    reports: tuple[Report, ...] = attrs.field(
        default=(), converter=_tuple, metadata=meta("Information the authority received.")
    )
    transactions: tuple[Transaction, ...] = attrs.field(
        default=(), converter=_tuple, metadata=meta("Payments made.")
    )
    amendments: tuple[Amendment, ...] = attrs.field(
        default=(), converter=_tuple, metadata=meta("Changes to the contract.")
    )
    consequences: tuple[AppliedConsequence, ...] = attrs.field(
        default=(), converter=_tuple, metadata=meta("Sanctions and rewards actually applied.")
    )
    attributes: dict[str, Any] = attrs.field(
        factory=dict, converter=_dict, metadata=meta("Anything else the body records.")
    )
    regime: Regime | None = attrs.field(
        default=None,
        metadata=meta(
            "The procurement regime it was let under (pa2023, pcr2015, ucr2016, ccr2016, "
            "dsr2011, other); absent if not known."
        ),
    )
    key_dates: tuple[KeyDate, ...] = attrs.field(
        default=(),
        converter=_tuple,
        metadata=meta("Breaks, extension options, expiry, notice deadlines: future dates too."),
    )

    def accountable(self, as_of: datetime.date) -> dict[str, str]:
        """Role → person id of each role's current holder on `as_of`.

        A holder is current when `start <= as_of` and the assignment has no end or
        `end >= as_of`. If two assignments of a role overlap, the later start wins (the one
        listed later on equal starts).
        """
        return {
            role: assignment.person
            for role, assignment in _accountable_holders(self.assignments, as_of).items()
        }

    def current_assignments(self, as_of: datetime.date) -> dict[str, Assignment]:
        """Role → the current assignment of each held role on `as_of`."""
        return _accountable_holders(self.assignments, as_of)

    def latest(self, as_of: datetime.date) -> dict[str, Report]:
        """Report kind → the latest report of that kind received on or before `as_of`.

        On equal dates the report listed later wins.
        """
        return latest_reports(self.reports, as_of)

    def last_review(self, as_of: datetime.date) -> dict[str, Review]:
        """Forum → the latest review of that forum on or before `as_of` (later listed on a tie)."""
        return last_reviews(self.reviews, as_of)

    def view(self, as_of: datetime.date) -> dict[str, Any]:
        """The contract as plain values for CEL, as of a date (SPEC section 5).

        Events dated after `as_of` (reviews, reports received, transactions, amendments,
        applied consequences, assignments not yet started) are left out, and so is an
        amendment's approval dated after it (`approved_by`, `approved_on`); `key_dates` are
        kept whatever their dates (they are future dates by nature). The derived views
        `accountable`, `latest`, `last_review` and `spent` are added. Dates stay
        `datetime.date` (timestamps in CEL), money is float, enums are their strings, lists and
        maps are always present, and an absent optional value is absent from its map.

        Example:
            >>> c = Contract(id="C1", title="T", stage=Stage.LIVE,
            ...              transactions=[Transaction(datetime.date(2027, 1, 1), 5)])
            >>> v = c.view(datetime.date(2026, 11, 25))
            >>> v["stage"], v["transactions"], v["spent"], "tier" in v
            ('live', [], 0.0, False)
        """
        reviews = [r for r in self.reviews if r.date <= as_of]
        reports = [r for r in self.reports if r.received <= as_of]
        on_or_before: dict[str, Any] = {
            "assignments": [a for a in self.assignments if a.start <= as_of],
            "reviews": reviews,
            "reports": reports,
            "transactions": [t for t in self.transactions if t.date <= as_of],
            "amendments": self._amendments(as_of),
            "consequences": [c for c in self.consequences if c.date <= as_of],
        }
        # plain(self) with the events filtered, without building a filtered Contract.
        view: dict[str, Any] = plain_fields(self, on_or_before)
        # `latest` and `last_review` share the values of the events they pick (read-only).
        values = {id(event): value for event, value in zip(reviews, view["reviews"], strict=True)}
        values.update(zip(map(id, reports), view["reports"], strict=True))
        view["accountable"] = self.accountable(as_of)
        view["latest"] = {kind: values[id(r)] for kind, r in self.latest(as_of).items()}
        view["last_review"] = {forum: values[id(r)] for forum, r in self.last_review(as_of).items()}
        view["spent"] = self.spent(as_of)
        return view

    def _cel_view(
        self,
        as_of: datetime.date,
        stamps: Stamps | None = None,
        fields: frozenset[str] | None = None,
        events: dict[int, Any] | None = None,
    ) -> dict[str, Any]:
        """`view(as_of)` as CEL bindings hold it (dates as UTC timestamps), built in one pass.

        Internal (evaluation binds it without validating it again). Equal to
        `cel.values.plain_value(self.view(as_of))`, or, given `fields`, to its items whose
        keys are in `fields`; raises `Declined` (from `_structure`) when some value needs
        that ordinary validation. `stamps`: see `_structure.cel_plain`. `events`: the values of
        reviews and reports converted so far, by id of the event; every one converted here is
        added (and one found there is not converted again).
        """
        if stamps is None:
            stamps = {}
        known: dict[int, Any] = {} if events is None else events
        wanted = _VIEW_KEYS if fields is None else fields

        # Each review or report converted once: `latest` and `last_review` share the values
        # of the events they pick with `reviews` and `reports`.
        def values_of(cls: type, picked: list[Any]) -> list[Any]:
            missing = [event for event in picked if id(event) not in known]
            known.update(zip(map(id, missing), cel_items(cls, missing, stamps), strict=True))
            return [known[id(event)] for event in picked]

        view: dict[str, Any] = {}
        for name, key in plain_plan(Contract) or ():
            if key not in wanted:
                continue
            if name == "assignments":
                value: Any = cel_items(
                    Assignment, [a for a in self.assignments if a.start <= as_of], stamps
                )
            elif name == "reviews":
                value = values_of(Review, [r for r in self.reviews if r.date <= as_of])
            elif name == "reports":
                value = values_of(Report, [r for r in self.reports if r.received <= as_of])
            elif name == "transactions":
                value = cel_items(
                    Transaction, [t for t in self.transactions if t.date <= as_of], stamps
                )
            elif name == "amendments":
                value = cel_items(Amendment, self._amendments(as_of), stamps)
            elif name == "consequences":
                value = cel_items(
                    AppliedConsequence, [c for c in self.consequences if c.date <= as_of], stamps
                )
            else:
                value = getattr(self, name)
                if value is None:
                    continue
                value = cel_plain(value, stamps)
            view[key] = value
        if "accountable" in wanted:
            view["accountable"] = cel_plain(self.accountable(as_of), stamps)
        if "latest" in wanted:
            latest = self.latest(as_of)
            if any(type(key) is not str for key in latest):
                raise Declined
            picked = values_of(Report, list(latest.values()))
            view["latest"] = dict(zip(latest, picked, strict=True))
        if "last_review" in wanted:
            last_review = self.last_review(as_of)
            if any(type(key) is not str for key in last_review):
                raise Declined
            view["last_review"] = dict(
                zip(last_review, values_of(Review, list(last_review.values())), strict=True)
            )
        if "spent" in wanted:
            view["spent"] = cel_plain(self.spent(as_of), stamps)
        return view

    def _amendments(self, as_of: datetime.date) -> list[Amendment]:
        """The amendments dated on or before `as_of`, each as known then (`Amendment.known_on`)."""
        return [a.known_on(as_of) for a in self.amendments if a.date <= as_of]

    def spent(self, as_of: datetime.date) -> float:
        """The sum of transaction amounts dated on or before `as_of`."""
        # math.fsum: an exact sum, independent of the order transactions are listed in.
        return math.fsum([t.amount for t in self.transactions if t.date <= as_of])


#: Every key of `Contract.view`: the contract's fields and its derived views.
_VIEW_KEYS = frozenset(
    [key for _, key in plain_plan(Contract) or ()]
    + ["accountable", "latest", "last_review", "spent"]
)


@attrs.frozen
class Waiver:
    """An approved exception: a policy does not bind a subject for a while."""

    policy: str = attrs.field(metadata=meta("Id of the waived policy.", nonempty=True))
    subject: str = attrs.field(
        metadata=meta(
            "Contract id or person id (or the organisation's name, for an organisation-scope "
            "policy).",
            nonempty=True,
        )
    )
    reason: str = attrs.field(metadata=meta("Why the waiver was granted.", nonempty=True))
    approved_by: str = attrs.field(metadata=meta("Person id of the approver.", nonempty=True))
    approved_on: datetime.date = attrs.field(metadata=meta("When it was approved."))
    expires: datetime.date = attrs.field(
        validator=_ordered("approved_on", "expires"), metadata=meta("Last day it applies.")
    )


#: An ISO 4217 currency code: three capital letters.
CURRENCY = re.compile(r"[A-Z]{3}")


def _currency(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not CURRENCY.fullmatch(value):
        raise ValueError(
            f"'{attribute.name}' must be an ISO 4217 code of three capital letters, like GBP "
            f"(got {value!r})"
        )


def _check_format(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if value != PORTFOLIO_FORMAT:
        raise ValueError(f"expected {PORTFOLIO_FORMAT!r} (got {value!r})")


@attrs.frozen
class Portfolio:
    """One organisation's people, contracts and waivers: the facts an assessment reads."""

    organisation: str = attrs.field(metadata=meta("The body's name.", nonempty=True))
    format: str = attrs.field(
        default=PORTFOLIO_FORMAT,
        validator=_check_format,
        metadata=meta("Format marker; must be portfolio/1.", key="accountframe", code="af-format"),
    )
    as_of: datetime.date | None = attrs.field(
        default=None, metadata=meta("Default assessment date; the CLI's --as-of wins.")
    )
    roles: dict[str, str] = attrs.field(
        factory=dict,
        converter=_dict,
        metadata=meta("Organisation-level role holders: role → person id."),
    )
    people: tuple[Person, ...] = attrs.field(
        default=(), converter=_tuple, metadata=meta("Everyone the portfolio refers to.")
    )
    contracts: tuple[Contract, ...] = attrs.field(
        default=(), converter=_tuple, metadata=meta("The contracts.")
    )
    waivers: tuple[Waiver, ...] = attrs.field(
        default=(), converter=_tuple, metadata=meta("Approved exceptions.")
    )
    currency: str = attrs.field(
        default="GBP",
        validator=_currency,
        metadata=meta(
            "ISO 4217 code of money not tied to one contract (the exposure of a person-scope "
            "finding); default GBP.",
            code="af-value",
        ),
    )
    reports: tuple[Report, ...] = attrs.field(
        default=(),
        converter=_tuple,
        metadata=meta(
            "Information the organisation itself received or published (not per contract)."
        ),
    )
    reviews: tuple[Review, ...] = attrs.field(
        default=(),
        converter=_tuple,
        metadata=meta("Senior oversight of the organisation as a whole (not of one contract)."),
    )

    @classmethod
    def from_dict(cls, data: Any) -> Portfolio:
        """Build a portfolio from plain data (as parsed from YAML or JSON).

        Raises:
            PortfolioError: with every problem found, each with its path.
        """
        portfolio, problems = structure_portfolio(data)
        if portfolio is None or problems:
            raise PortfolioError(problem_diagnostics(problems))
        return portfolio

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the `portfolio/1` format; `from_dict(p.to_dict()) == p`.

        Dates are `datetime.date` objects; `to_json()` writes them as ISO strings.
        """
        data = unstructure(self)
        return {"accountframe": PORTFOLIO_FORMAT, **data}

    def to_json(self, *, indent: int | None = 2) -> str:
        """The portfolio as JSON text, dates as `YYYY-MM-DD`, keys in format order.

        Written by `accountframe.jsontext`, as every JSON accountframe writes: characters a
        terminal could act on, and lone surrogates, are `\\u` escapes.
        """
        return jsontext.dumps(self.to_dict(), indent, default=_json_default)

    @functools.cached_property
    def digest(self) -> str:
        """The sha256 of the portfolio's content (its canonical JSON), as in an assessment.

        Worked out on first use and kept with the portfolio, which is immutable: for a
        10,000-contract portfolio it takes about a second, and every assessment of it needs it.

        The canonical JSON is `json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False,
        default=str)`; it is written directly, without building `to_dict()` (see
        `accountframe.load.digest`), and falls back to exactly that for anything unusual.

        >>> Portfolio.from_dict({"organisation": "A"}).digest == Portfolio.from_dict(
        ...     {"organisation": "A"}).digest
        True
        """
        return portfolio_digest(self, Portfolio)

    def latest(self, as_of: datetime.date) -> dict[str, Report]:
        """The organisation's own reports: kind → the latest received on or before `as_of`
        (the one listed later on equal dates), as a contract's `latest` is.

        >>> book = Portfolio.from_dict({"organisation": "A", "reports": [
        ...     {"kind": "notice", "received": "2026-04-20"},
        ...     {"kind": "notice", "received": "2026-10-20"}]})
        >>> book.latest(datetime.date(2026, 6, 1))["notice"].received
        datetime.date(2026, 4, 20)
        """
        return latest_reports(self.reports, as_of)

    def last_review(self, as_of: datetime.date) -> dict[str, Review]:
        """The organisation's own reviews: forum → the latest on or before `as_of` (the one
        listed later on equal dates), as a contract's `last_review` is."""
        return last_reviews(self.reviews, as_of)

    def people_view(self) -> dict[str, dict[str, Any]]:
        """People as plain values for CEL: person id → person map (SPEC section 5 `people`)."""
        return {person.id: plain(person) for person in self.people}

    def person(self, person_id: str) -> Person | None:
        """The person with this id, or None."""
        return self._people_by_id().get(person_id)

    def _people_by_id(self) -> dict[str, Person]:
        return {person.id: person for person in self.people}


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def structure_portfolio(data: Any) -> tuple[Portfolio | None, list[Problem]]:
    """Structure plain data into a Portfolio and check ids and references.

    Returns the portfolio (None when it could not be built) and every problem found; reference
    checks read the plain data so that they run even where other parts are malformed.
    """
    portfolio, problems = structure(Portfolio, data)
    if isinstance(data, Mapping):
        problems.extend(_reference_problems(data))
    return (portfolio if not problems else None), problems


def problem_diagnostics(problems: Iterable[Problem]) -> list[Diagnostic]:
    """Diagnostics without a file: each located by its path only."""
    return [
        Diagnostic(problem.code, problem.message, Location(path=format_path(problem.path)))
        for problem in problems
    ]


def _items(data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list | tuple):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, Mapping)]


def _ids(data: Mapping[str, Any], key: str, problems: list[Problem], what: str) -> dict[str, int]:
    """Collect the string ids of a list, reporting duplicates; id → first index."""
    seen: dict[str, int] = {}
    for index, item in _items(data, key):
        item_id = item.get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in seen:
            problems.append(
                Problem(
                    "af-duplicate",
                    f"duplicate {what} id {item_id!r} (first used at {key}[{seen[item_id]}])",
                    (key, index, "id"),
                )
            )
        else:
            seen[item_id] = index
    return seen


def _reference_problems(data: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    people = _ids(data, "people", problems, "person")
    contracts = _ids(data, "contracts", problems, "contract")

    def person_ref(value: Any, path: tuple[str | int, ...], what: str) -> None:
        if isinstance(value, str) and value not in people:
            problems.append(
                Problem(
                    "af-reference",
                    f"{what} {value!r} is not in people{did_you_mean(value, people)}",
                    path,
                )
            )

    roles = data.get("roles")
    if isinstance(roles, Mapping):
        for role, holder in roles.items():
            person_ref(holder, ("roles", str(role)), "role holder")

    def review_refs(holder: Mapping[str, Any], base: tuple[str | int, ...]) -> None:
        for index, review in _items(holder, "reviews"):
            path = (*base, "reviews", index)
            person_ref(review.get("chair"), (*path, "chair"), "chair")
            attendees = review.get("attendees")
            if isinstance(attendees, list | tuple):
                for a_index, attendee in enumerate(attendees):
                    person_ref(attendee, (*path, "attendees", a_index), "attendee")

    for c_index, contract in _items(data, "contracts"):
        base = ("contracts", c_index)
        for index, assignment in _items(contract, "assignments"):
            person_ref(assignment.get("person"), (*base, "assignments", index, "person"), "person")
        review_refs(contract, base)
        for index, amendment in _items(contract, "amendments"):
            approver = (*base, "amendments", index, "approved_by")
            person_ref(amendment.get("approved_by"), approver, "approver")
    # The organisation's own reviews: a chair or attendee must be known, as on a contract.
    review_refs(data, ())
    for index, waiver in _items(data, "waivers"):
        waiver_path = ("waivers", index)
        person_ref(waiver.get("approved_by"), (*waiver_path, "approved_by"), "approver")
        subject = waiver.get("subject")
        # The organisation's name is the subject of its organisation-scope findings.
        organisation = data.get("organisation")
        if (
            isinstance(subject, str)
            and subject not in contracts
            and subject not in people
            and subject != organisation
        ):
            hint = did_you_mean(subject, [*contracts, *people])
            problems.append(
                Problem(
                    "af-reference",
                    f"subject {subject!r} is neither a contract nor a person{hint}",
                    (*waiver_path, "subject"),
                )
            )
    return problems
