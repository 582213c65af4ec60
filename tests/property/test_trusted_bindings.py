"""The trusted binding path (`_canonical`, `Bindings._trusted_merged`) gives what validation gives."""

from __future__ import annotations

import datetime
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe import cel
from accountframe.cel.values import _canonical, plain_value
from accountframe.evaluation.findings import (
    FINDING_ORDER,
    finding_map,
    finding_value,
    texts_finding_map,
)
from accountframe.evaluation.scope import Scopes
from accountframe.testing import dates, frameworks, free_maps, portfolios

FINDING_KEYS = frozenset(FINDING_ORDER)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(portfolios(), dates())
def test_a_canonical_view_is_the_validated_view(
    portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    base = cel.bindings({"now": as_of})
    for contract in portfolio.contracts:
        view = contract.view(as_of)
        ok, canonical = _canonical(view)
        assert ok
        validated = base.merged({"contract": view})
        assert canonical == plain_value(view) == validated["contract"]
        trusted = base._trusted_merged({"contract": canonical})
        assert dict(trusted) == dict(validated)
        # Canonical values are fixed points of validation.
        assert plain_value(canonical) is canonical


@SETTINGS
@given(st.one_of(free_maps(), st.lists(dates()), st.dictionaries(st.text(), dates())))
def test_canonical_agrees_with_plain_value(value: Any) -> None:
    ok, canonical = _canonical(value)
    assert ok
    assert canonical == plain_value(value)


def test_canonical_declines_what_needs_the_ordinary_path() -> None:
    for value in ({1, 2}, {"x": (1, 2)}, 2**64, {1: "a"}, datetime.datetime(2026, 1, 1)):
        assert _canonical(value) == (False, None)


def same(left: Any, right: Any) -> bool:
    """Equal, and of the same types all the way down (`==` alone takes 1 for 1.0 or True)."""
    if type(left) is not type(right):
        return False
    if type(left) is dict:
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if type(left) is list:
        return len(left) == len(right) and all(map(same, left, right))
    if type(left) is datetime.datetime:
        return left == right and left.tzinfo is right.tzinfo
    return bool(left == right) or (left != left and right != right)  # NaN is NaN here


@SETTINGS
@given(portfolios(), dates())
def test_the_one_pass_view_is_the_validated_view(
    portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    stamps: dict[datetime.date, datetime.datetime] = {}  # shared, as one evaluation shares it
    for contract in portfolio.contracts:
        assert same(contract._cel_view(as_of, stamps), plain_value(contract.view(as_of)))
        assert same(contract._cel_view(as_of), plain_value(contract.view(as_of)))


class _Text(str):
    """A str subclass: not a type the generated converters take as it is."""


@given(
    st.sampled_from(
        [
            {"tier": _Text("gold")},
            {"supplier": 5},
            {"strategic": 1},
            {"value": af.Value(total=5, annual=True)},  # type: ignore[arg-type]
            {"start": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)},
            {
                "reviews": [
                    af.Review(
                        date=datetime.date(2026, 1, 1),
                        forum="board",
                        attendees=("p1", None, _Text("p2")),
                    )
                ]
            },  # type: ignore[arg-type]
            {
                "reports": [
                    af.Report(kind="cost", received=datetime.date(2026, 1, 1), figures={"x": 2**40})
                ]
            },
            {"attributes": {"nested": [{"on": datetime.date(2026, 1, 1)}, (1, 2.5)]}},
        ]
    ),
    dates(),
)
def test_the_one_pass_view_of_values_built_in_python(
    fields: dict[str, Any], as_of: datetime.date
) -> None:
    """Unexpected types (attrs does not check them) give what validation gives, or are left to it."""
    from accountframe.fastpath import Declined

    contract = af.Contract(id="C1", title="T", stage=af.Stage.LIVE, **fields)
    try:
        view = contract._cel_view(as_of)
    except Declined:
        return
    assert same(view, plain_value(contract.view(as_of)))


def test_the_one_pass_view_leaves_unusual_values_to_validation() -> None:
    from accountframe.fastpath import Declined

    as_of = datetime.date(2026, 11, 25)
    for attributes in ({"x": {1, 2}}, {"x": 2**70}, {"x": {1: "a"}}):
        contract = af.Contract(id="C1", title="T", stage=af.Stage.LIVE, attributes=attributes)
        try:
            contract._cel_view(as_of)
        except Declined:
            pass
        else:  # pragma: no cover - the assertion below fails
            raise AssertionError(attributes)


@SETTINGS
@given(frameworks(), portfolios(), dates())
def test_canonical_findings_maps_are_the_validated_maps(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    stamps: dict[datetime.date, datetime.datetime] = {}
    for finding in framework.evaluate(portfolio, as_of=as_of).findings:
        value = finding_map(finding, list(finding.tags), stamps)
        assert value is not None
        assert same(value, plain_value(finding_value(finding)))


@SETTINGS
@given(frameworks(), portfolios(), dates(), st.sets(st.sampled_from(sorted(FINDING_KEYS))))
def test_a_findings_map_cut_to_some_fields_is_the_whole_map_cut(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date, fields: set[str]
) -> None:
    for finding in framework.evaluate(portfolio, as_of=as_of).findings:
        whole = finding_map(finding, list(finding.tags), {})
        cut = finding_map(finding, list(finding.tags), {}, frozenset(fields))
        assert whole is not None
        assert same(cut, {key: item for key, item in whole.items() if key in fields})


@SETTINGS
@given(frameworks(), portfolios(), dates(), st.sets(st.sampled_from(sorted(FINDING_KEYS))))
def test_a_generated_text_map_is_the_findings_map_or_declines(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date, fields: set[str]
) -> None:
    wanted = frozenset(fields)
    make = texts_finding_map(wanted)
    if make is None:  # tags, evidence, exposure or no key at all: left to _finding_map
        assert not wanted or wanted & {"tags", "evidence", "exposure"}
        return
    for finding in framework.evaluate(portfolio, as_of=as_of).findings:
        made = make(finding)
        if made is None:  # only for a vacant role's accountable (None there, "" in the map)
            assert "accountable" in wanted
            assert finding.accountable.person is None
        else:
            assert same(made, finding_map(finding, list(finding.tags), {}, wanted))


def test_a_generated_text_map_declines_values_that_are_not_exact_text() -> None:
    from accountframe.assessment import Accountable, Finding, Status, Subject
    from accountframe.framework.policies import Severity

    class Text(str):
        pass

    make = texts_finding_map(frozenset({"policy", "accountable", "status"}))
    assert make is not None
    subject = Subject("contract", "C1")
    held = Accountable(role="sro", person="p-1", name="P", fallback_from=())
    vacant = Accountable(role="sro", person=None, fallback_from=())

    def finding(policy: str, accountable: Accountable) -> Finding:
        return Finding(policy, "rule", subject, Status.PASS, Severity.LOW, accountable, "m")

    assert make(finding("R", held)) == {"policy": "R", "status": "pass", "accountable": "p-1"}
    assert make(finding(Text("R"), held)) is None
    assert make(finding("R", vacant)) is None


@SETTINGS
@given(frameworks(), portfolios(), dates())
def test_a_persons_scope_is_the_validated_scope(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    """`person` and `contracts` bound as built are what binding them validated gives."""
    from accountframe.load.plain import plain

    scopes = Scopes(af.compile(framework).plan, portfolio, as_of)
    for person in portfolio.people:
        bound = scopes.person(person).bound
        validated = scopes.base.merged({"person": plain(person), "contracts": bound["contracts"]})
        assert same(dict(bound), dict(validated))


@SETTINGS
@given(frameworks(), portfolios(), dates())
def test_the_people_built_in_one_pass_are_the_validated_people(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    """`people` as a run binds it (one pass) is `people_view()` validated, in the same order."""
    scopes = Scopes(af.compile(framework).plan, portfolio, as_of)
    validated = cel.bindings({"people": portfolio.people_view()})["people"]
    assert same(scopes.base["people"], validated)
    assert list(scopes.base) == ["people", "params", "now", "portfolio"]


def test_people_the_one_pass_is_unsure_of_are_validated() -> None:
    class Text(str):
        pass

    portfolio = af.Portfolio.from_dict({"organisation": "O", "people": [{"id": "p", "name": "P"}]})
    odd = attrs.evolve(portfolio, people=(attrs.evolve(portfolio.people[0], name=Text("P")),))
    plan = af.compile(af.bundled("uk-central-government")).plan
    people = Scopes(plan, odd, datetime.date(2026, 11, 25)).base["people"]
    assert type(people["p"]["name"]) is str
    assert same(people, Scopes(plan, portfolio, datetime.date(2026, 11, 25)).base["people"])
