"""The portfolio model: construction in Python, derived views as of a date, dumping back."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

import accountframe as af

D = datetime.date
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "portfolios"


def contract(**fields: object) -> af.Contract:
    return af.Contract(id="C1", title="T", stage=af.Stage.LIVE, **fields)  # type: ignore[arg-type]


class TestAccountable:
    def test_current_holder_inclusive_of_start_and_end(self) -> None:
        c = contract(assignments=[af.Assignment("sro", "p-a", D(2026, 1, 1), D(2026, 6, 30))])
        assert c.accountable(D(2025, 12, 31)) == {}
        assert c.accountable(D(2026, 1, 1)) == {"sro": "p-a"}
        assert c.accountable(D(2026, 6, 30)) == {"sro": "p-a"}
        assert c.accountable(D(2026, 7, 1)) == {}

    def test_open_assignment_holds_forever_and_later_start_wins_overlap(self) -> None:
        c = contract(
            assignments=[
                af.Assignment("sro", "p-old", D(2020, 1, 1)),
                af.Assignment("sro", "p-new", D(2026, 3, 1)),
                af.Assignment("contract_manager", "p-cm", D(2021, 1, 1)),
            ]
        )
        assert c.accountable(D(2026, 2, 28)) == {"sro": "p-old", "contract_manager": "p-cm"}
        assert c.accountable(D(2026, 3, 1)) == {"sro": "p-new", "contract_manager": "p-cm"}
        assert c.current_assignments(D(2026, 3, 1))["sro"].person == "p-new"

    def test_equal_starts_later_listed_wins(self) -> None:
        c = contract(
            assignments=[
                af.Assignment("sro", "p-a", D(2026, 1, 1)),
                af.Assignment("sro", "p-b", D(2026, 1, 1)),
            ]
        )
        assert c.accountable(D(2026, 1, 2)) == {"sro": "p-b"}


class TestLatestAndLastReview:
    def test_latest_report_per_kind_ignores_future(self) -> None:
        early = af.Report("performance", D(2026, 9, 10))
        late = af.Report("performance", D(2026, 10, 10))
        cost = af.Report("cost", D(2026, 1, 5))
        c = contract(reports=[late, cost, early])
        assert c.latest(D(2026, 11, 25)) == {"performance": late, "cost": cost}
        assert c.latest(D(2026, 10, 9)) == {"performance": early, "cost": cost}
        assert c.latest(D(2026, 1, 4)) == {}

    def test_last_review_per_forum(self) -> None:
        a = af.Review(D(2026, 10, 20), "sro_review")
        b = af.Review(D(2026, 11, 1), "board")
        c = contract(reviews=[a, b])
        assert c.last_review(D(2026, 10, 31)) == {"sro_review": a}
        assert c.last_review(D(2026, 11, 1)) == {"sro_review": a, "board": b}


def test_spent_sums_transactions_up_to_and_including_as_of() -> None:
    c = contract(
        transactions=[
            af.Transaction(D(2026, 1, 31), 100.5),
            af.Transaction(D(2026, 2, 28), 200),
            af.Transaction(D(2026, 3, 31), -50),
        ]
    )
    assert c.spent(D(2026, 1, 30)) == 0.0
    assert c.spent(D(2026, 2, 28)) == 300.5
    assert c.spent(D(2030, 1, 1)) == 250.5
    assert isinstance(c.transactions[1].amount, float)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(
            lambda: af.Assignment("sro", "p", D(2026, 2, 1), D(2026, 1, 1)),
            "'end' (2026-01-01) is before 'start' (2026-02-01)",
            id="assignment-end-before-start",
        ),
        pytest.param(
            lambda: af.Period(D(2026, 2, 1), D(2026, 1, 1)),
            "'end' (2026-01-01) is before 'start' (2026-02-01)",
            id="period-end-before-start",
        ),
        pytest.param(
            lambda: af.Waiver("P", "C1", "r", "p", D(2026, 2, 1), D(2026, 1, 1)),
            "'expires' (2026-01-01) is before 'approved_on' (2026-02-01)",
            id="waiver-expires-before-approval",
        ),
        pytest.param(
            lambda: af.Portfolio(organisation="X", format="portfolio/2"),
            "expected 'portfolio/1' (got 'portfolio/2')",
            id="wrong-format",
        ),
    ],
)
def test_python_construction_is_validated(build: object, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        build()  # type: ignore[operator]


def test_lists_become_tuples_and_objects_are_frozen() -> None:
    c = contract(reviews=[af.Review(D(2026, 1, 1), "board")])
    assert isinstance(c.reviews, tuple)
    with pytest.raises(AttributeError):
        c.title = "changed"  # type: ignore[misc]


def test_to_dict_leaves_out_defaults_and_round_trips() -> None:
    portfolio = af.load_portfolio(FIXTURES / "valid.yaml")
    data = portfolio.to_dict()
    assert list(data)[:3] == ["accountframe", "organisation", "as_of"]
    assert data["contracts"][1] == {
        "id": "FM-002",
        "title": "Facilities management",
        "stage": "mobilisation",
        "tier": "silver",
        "value": {"total": 45000000.5},
    }
    assert af.Portfolio.from_dict(data) == portfolio


def test_to_json_writes_iso_dates_and_reads_back() -> None:
    portfolio = af.load_portfolio(FIXTURES / "valid.yaml")
    text = portfolio.to_json()
    assert '"as_of": "2026-11-25"' in text
    assert af.Portfolio.from_dict(json.loads(text)) == portfolio


def test_from_dict_without_file_locates_by_path() -> None:
    with pytest.raises(af.PortfolioError) as raised:
        af.Portfolio.from_dict({"organisation": "X", "contracts": [{"id": "C", "title": "T"}]})
    assert str(raised.value) == "contracts[0]: af-missing: missing required key 'stage'"


@pytest.mark.parametrize("data", [None, [], "text", 3], ids=["none", "list", "text", "number"])
def test_from_dict_rejects_non_mappings(data: object) -> None:
    with pytest.raises(af.PortfolioError, match="af-value: expected a mapping of Portfolio"):
        af.Portfolio.from_dict(data)


def test_person_lookup() -> None:
    portfolio = af.load_portfolio(FIXTURES / "valid.yaml")
    person = portfolio.person("p-sro")
    assert person is not None
    assert person.grade == "SCS2"
    assert portfolio.person("nobody") is None


class TestView:
    """The contract as CEL sees it (SPEC section 5), evaluated through the real boundary."""

    AS_OF = D(2026, 11, 25)

    def portfolio(self) -> af.Portfolio:
        return af.load_portfolio(FIXTURES / "valid.yaml")

    def test_types_follow_the_spec(self) -> None:
        view = self.portfolio().contracts[0].view(self.AS_OF)
        assert view["value"] == {"total": 1.2e9, "annual": 1e8, "currency": "GBP"}
        assert view["start"] == D(2022, 4, 1)
        assert view["stage"] == "live"
        assert view["accountable"] == {"sro": "p-sro", "contract_manager": "p-cm"}
        assert view["latest"]["performance"]["kpis"][0]["rating"] == "approaching_target"
        assert view["last_review"]["sro_review"]["chair"] == "p-sro"
        assert view["spent"] == 8_400_000.0

    def test_absent_optionals_are_absent_and_lists_present(self) -> None:
        view = self.portfolio().contracts[1].view(self.AS_OF)
        assert "supplier" not in view
        assert "end" not in view
        assert view["reviews"] == []
        assert view["attributes"] == {}
        assert view["latest"] == {}

    def test_events_after_as_of_are_ignored_everywhere(self) -> None:
        view = self.portfolio().contracts[0].view(D(2026, 10, 15))
        assert view["reviews"] == []
        assert view["transactions"] == []
        assert view["reports"][0]["received"] == D(2026, 10, 10)
        assert view["consequences"][0]["kind"] == "service_credit"
        earlier = self.portfolio().contracts[0].view(D(2023, 1, 1))
        assert [a["role"] for a in earlier["assignments"]] == ["contract_manager"]
        assert earlier["accountable"] == {"contract_manager": "p-cm"}

    @pytest.mark.parametrize(
        ("expression", "expected"),
        [
            ('contract.tier in ["gold", "silver"]', True),
            ("contract.value.total > 1000000.0", True),
            ("has(contract.end) && contract.end > now", True),
            ("contract.start < now", True),
            ('days_between(contract.last_review["sro_review"].date, now)', 36),
            ('contract.latest["performance"].figures.billed_units', 18234.0),
            ("contract.spent / contract.value.annual", 0.084),
            ('contract.accountable["sro"] == "p-sro"', True),
            ('people[contract.accountable["sro"]].grade', "SCS2"),
            ('contract.reviews.exists(r, r.forum == "sro_review" && r.chair == "p-sro")', True),
            ("has(contract.value.annual)", True),
        ],
    )
    def test_expressions_over_the_view(self, expression: str, expected: object) -> None:
        from accountframe import cel

        portfolio = self.portfolio()
        bound = cel.bindings(
            {
                "contract": portfolio.contracts[0].view(self.AS_OF),
                "people": portfolio.people_view(),
                "now": self.AS_OF,
            }
        )
        assert cel.compile(expression).evaluate(bound) == expected

    def test_missing_optional_is_a_cel_error_not_a_crash(self) -> None:
        from accountframe import cel

        view = self.portfolio().contracts[1].view(self.AS_OF)
        with pytest.raises(af.CelEvaluationError, match="no such member"):
            cel.compile("contract.value.annual > 0.0").evaluate({"contract": view})


# -- Decimal amounts (issue 24: amounts are read as decimals) ---------------------------------


def test_decimal_amounts_are_accepted_wherever_numbers_are() -> None:
    from decimal import Decimal

    data = {
        "organisation": "Ministry of Example",
        "contracts": [
            {
                "id": "C1",
                "title": "Tagging",
                "stage": "live",
                "value": {"total": Decimal("100.50"), "annual": Decimal("10")},
                "transactions": [{"date": "2026-01-01", "amount": Decimal("150.25")}],
                "amendments": [{"date": "2026-02-01", "value_change": Decimal("-5.5")}],
                "consequences": [
                    {"date": "2026-03-01", "effect": "sanction", "kind": "credit",
                     "amount": Decimal("7")}
                ],
                "reports": [
                    {"kind": "performance", "received": "2026-01-01",
                     "figures": {"billed": Decimal("1.5")},
                     "kpis": [{"name": "k", "target": Decimal("0.98"), "actual": Decimal("0.9")}]}
                ],
                "attributes": {"risk": Decimal("2.5")},
            }
        ],
    }  # fmt: skip
    portfolio = af.Portfolio.from_dict(data)
    as_floats = af.Portfolio.from_dict(json.loads(json.dumps(data, default=float)))
    assert portfolio == as_floats
    assert portfolio.digest == as_floats.digest
    contract = portfolio.contracts[0]
    assert (contract.value.total, contract.transactions[0].amount) == (100.5, 150.25)
    assert type(contract.attributes["risk"]) is float
    assert contract.reports[0].kpis[0].target == 0.98


@pytest.mark.parametrize("bad", ["NaN", "sNaN", "Infinity", "-Infinity", "1e400"])
def test_a_decimal_that_is_not_a_finite_double_is_a_located_error(bad: str) -> None:
    from decimal import Decimal

    with pytest.raises(af.PortfolioError) as caught:
        af.Portfolio.from_dict(
            {"organisation": "X", "contracts": [{"id": "C1", "title": "T", "stage": "live",
                                                 "value": {"total": Decimal(bad)}}]}
        )  # fmt: skip
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.location.path) == ("af-value", "contracts[0].value.total")
    assert diagnostic.message == f"expected a finite number (got {Decimal(bad)!r})"


def test_decimals_reach_cel_as_doubles() -> None:
    from decimal import Decimal

    assert af.cel.compile("x + 1.0").evaluate({"x": Decimal("1.5")}) == 2.5
    with pytest.raises(af.CelEvaluationError, match="is not a number CEL can hold"):
        af.cel.compile("x").evaluate({"x": Decimal("sNaN")})
    framework = af.Framework(
        name="d", version="1",
        roles=[af.Role("accounting_officer"), af.Role("sro", reports_to="accounting_officer")],
        params={"floor": Decimal("0.5")},
        policies=[af.Rule(id="R", title="Above the floor", require="contract.value.total > params.floor")],
    )  # fmt: skip
    portfolio = af.Portfolio.from_dict(
        {"organisation": "X", "contracts": [{"id": "C1", "title": "T", "stage": "live",
                                             "value": {"total": Decimal("0.75")}}]}
    )  # fmt: skip
    assessment = framework.evaluate(portfolio, as_of=datetime.date(2026, 1, 1))
    assert [f.status.value for f in assessment.findings] == ["pass"]


# -- the organisation's own reports and reviews (issue 23) ------------------------------------


def test_organisation_reports_and_reviews_have_views_as_a_contract_s_do() -> None:
    book = af.Portfolio.from_dict(
        {
            "organisation": "Ministry of Example",
            "people": [{"id": "p-ps", "name": "Alex Permanent"}],
            "reports": [
                {"kind": "notice", "received": "2026-04-28", "verified": False},
                {"kind": "notice", "received": "2026-04-28", "verified": True},
                {"kind": "notice", "received": "2026-10-28"},
                {"kind": "board_pack", "received": "2026-05-01"},
            ],
            "reviews": [
                {"date": "2026-06-10", "forum": "exco", "chair": "p-ps", "attendees": ["p-ps"]},
                {"date": "2026-06-10", "forum": "exco", "notes": "later listed"},
                {"date": "2026-12-01", "forum": "exco"},
            ],
        }
    )
    as_of = datetime.date(2026, 9, 1)
    latest = book.latest(as_of)
    # Events after as_of are ignored; on equal dates the one listed later is the latest.
    assert sorted(latest) == ["board_pack", "notice"]
    assert (latest["notice"].received, latest["notice"].verified) == (
        datetime.date(2026, 4, 28),
        True,
    )
    assert book.last_review(as_of)["exco"].notes == "later listed"
    assert book.last_review(datetime.date(2026, 6, 9)) == {}
    assert af.Portfolio.from_dict(book.to_dict()) == book


def test_a_portfolio_without_organisation_events_dumps_and_digests_as_before() -> None:
    book = af.Portfolio.from_dict({"organisation": "A"})
    assert (book.reports, book.reviews) == ((), ())
    assert "reports" not in book.to_dict()
    assert "reviews" not in book.to_dict()
    # The digest of a portfolio that does not use them is what it always was.
    assert book.digest == "59ca99ee217918dce58cfc6dfa96a43f0c7455d72451cf94ef8f58938639b01e"
