"""OCDS import: one synthetic fixture per mapping rule, and every file of the shared real data."""

from __future__ import annotations

import datetime
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import accountframe as af
from accountframe.load.ocds import ImportResult, OcdsError, to_portfolio
from conftest import FIXTURES, shared_data

OCDS = FIXTURES / "ocds"
REAL = shared_data() / "ocds"
D = datetime.date


def imported(name: str, **options: Any) -> ImportResult:
    result = to_portfolio([OCDS / name], **options)
    assert af.Portfolio.from_dict(result.portfolio.to_dict()) == result.portfolio
    return result


def by_id(result: ImportResult) -> dict[str, af.Contract]:
    return {contract.id: contract for contract in result.portfolio.contracts}


@pytest.fixture(scope="module")
def package() -> ImportResult:
    return imported("release-package.json")


def test_release_package_contract_fields(package: ImportResult) -> None:
    contract = by_id(package)["ocds-abc123-0001/c1"]
    assert contract.title == "Prison catering contract"
    assert contract.supplier == "Feed Well Ltd; Cook Co"  # award suppliers through awardID
    assert contract.value == af.Value(total=1250000.5, currency="GBP")  # amount as a string
    assert (contract.start, contract.end) == (D(2025, 4, 1), D(2028, 3, 31))  # datetimes cut
    assert contract.stage is af.Stage.LIVE
    assert contract.attributes == {
        "ocid": "ocds-abc123-0001",
        "release_ids": ["r-tender", "r-contract"],
        "publisher": "Example Publisher",
        "derived_from": "contract",
        "ocds_contract_id": "c1",
        "buyer": "Ministry of Example",
    }
    assert package.portfolio.organisation == "Ministry of Example"


def test_transactions_amendments_and_consequences(package: ImportResult) -> None:
    contract = by_id(package)["ocds-abc123-0001/c1"]
    assert contract.transactions == (af.Transaction(D(2025, 5, 31), 100000),)
    assert contract.amendments == (af.Amendment(D(2025, 9, 1), "scope extension"),)
    assert contract.consequences == (
        af.AppliedConsequence(D(2025, 9, 15), af.Effect.SANCTION, "serviceCredit", 12000),
    )


def test_reports_notices_and_kpis(package: ImportResult) -> None:
    contract = by_id(package)["ocds-abc123-0001/c1"]
    kinds = [(report.kind, report.received) for report in contract.reports]
    assert kinds == [
        ("physicalProgressReport", D(2025, 7, 1)),
        ("notice:UK4", D(2025, 1, 10)),  # tender document noticeType
        ("notice:UK7", D(2026, 3, 1)),  # release tag
        ("performance", D(2025, 8, 31)),
    ]
    performance = contract.reports[-1]
    assert performance.period == af.Period(D(2025, 6, 1), D(2025, 8, 31))
    assert performance.kpis == (
        af.KPI("Meals on time", actual=0.97, rating=af.Rating.APPROACHING_TARGET),
        af.KPI("Meals on time"),
    )


def test_stage_rules_and_duplicate_ids(package: ImportResult) -> None:
    contracts = by_id(package)
    assert contracts["ocds-abc123-0001/c2"].stage is af.Stage.CLOSED  # terminated
    assert contracts["ocds-abc123-0001/c3"].stage is af.Stage.CLOSED  # active, ended before
    assert contracts["ocds-abc123-0001/c3#2"].stage is af.Stage.PROCUREMENT  # pending
    # No contract title: the award title, else the tender title.
    assert contracts["ocds-abc123-0001/c2"].title == "Catering award"
    assert contracts["ocds-abc123-0001/c3"].title == "Prison catering"
    # No award: suppliers from the parties with role supplier.
    assert contracts["ocds-abc123-0001/c3"].supplier == "Party Supplier Ltd"


def test_unmapped_is_counted_per_reason(package: ImportResult) -> None:
    assert package.summary.to_dict()["unmapped"] == {
        "KPI measureClassification not a Procurement Act rating": 1,
        "amendment without a date": 1,
        "duplicate contract id (suffixed)": 1,
        "implementation document without a date published": 1,
        "period end not a date": 1,
        "transaction amount not a number": 1,
        "transaction without a date": 1,
        "value without a currency (GBP assumed)": 1,
    }
    counts = package.summary.publishers["Example Publisher"]
    assert (counts.contracts, counts.transactions, counts.reports, counts.kpis) == (4, 1, 10, 2)


def test_record_releases_are_merged_in_date_order() -> None:
    contracts = by_id(imported("record-package.json"))
    merged = contracts["ocds-rec123-0001/k1"]
    assert merged.title == "Road repairs contract"  # kept from the earlier release
    assert merged.value == af.Value(total=200, currency="EUR")  # replaced by the later one
    assert merged.stage is af.Stage.LIVE
    assert [t.amount for t in merged.transactions] == [10, 20]  # merged by id
    assert contracts["ocds-rec123-0002/k9"].stage is af.Stage.CLOSED  # compiledRelease used


def test_ocds_1_0_shapes() -> None:
    result = imported("release-1-0.json")
    (contract,) = result.portfolio.contracts
    assert contract.title == "Office chairs"  # title_en
    assert contract.supplier == "Legacy Supplies"
    assert contract.value == af.Value(total=9873.0, currency="CAD")
    assert contract.amendments == (af.Amendment(D(2015, 6, 3), "amendmentNumber: 001"),)
    assert contract.transactions == (af.Transaction(D(2015, 3, 1), 500),)  # amount.amount
    assert result.portfolio.organisation == "Old Department"


def test_award_only_json_lines_give_one_contract_per_award() -> None:
    result = imported("award-only.jsonl")
    contracts = by_id(result)
    assert sorted(contracts) == ["ocds-cfx123-0001/aw1", "ocds-cfx123-0001/aw2"]
    first = contracts["ocds-cfx123-0001/aw1"]
    assert first.attributes["derived_from"] == "award"
    assert (first.start, first.end, first.value.total) == (D(2025, 4, 1), D(2026, 3, 31), 4000)
    assert contracts["ocds-cfx123-0001/aw2"].stage is af.Stage.PROCUREMENT
    assert result.summary.unmapped["ocid with no contract or award (planning or tender only)"] == 1


def test_gzip_and_mappings(tmp_path: Path) -> None:
    packed = tmp_path / "package.json.gz"
    packed.write_bytes(gzip.compress((OCDS / "release-package.json").read_bytes()))
    from_gzip = to_portfolio([packed])
    data = json.loads((OCDS / "release-package.json").read_text())
    from_mapping = to_portfolio([data])
    assert from_gzip.portfolio == from_mapping.portfolio
    assert len(from_gzip.portfolio.contracts) == 4


def test_json_lines_under_a_json_name_and_gzipped_json_lines(tmp_path: Path) -> None:
    lines = (OCDS / "award-only.jsonl").read_bytes()
    as_json = tmp_path / "releases.json"
    as_json.write_bytes(lines)
    packed = tmp_path / "releases.jsonl.gz"
    packed.write_bytes(gzip.compress(lines))
    expected = to_portfolio([OCDS / "award-only.jsonl"]).portfolio
    assert to_portfolio([as_json]).portfolio == expected
    assert to_portfolio([packed]).portfolio == expected
    assert len(expected.contracts) == 2


def test_buyer_and_organisation_options() -> None:
    sources = [OCDS / "release-package.json", OCDS / "release-1-0.json"]
    result = to_portfolio(sources, buyer="GB-BUYER-1", organisation="HMPPS")
    assert result.portfolio.organisation == "HMPPS"
    assert {c.attributes["ocid"] for c in result.portfolio.contracts} == {"ocds-abc123-0001"}
    assert result.summary.unmapped["ocid of another buyer (--buyer)"] == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param(None, "af-io", id="missing"),
        pytest.param("{not json", "af-syntax", id="syntax"),
        pytest.param("", "af-empty", id="empty"),
        pytest.param("[" * 100_000, "af-limit", id="too-deep"),
    ],
)
def test_unreadable_sources_raise_ocds_error(tmp_path: Path, text: str | None, code: str) -> None:
    path = tmp_path / "data.json"
    if text is not None:
        path.write_text(text)
    with pytest.raises(OcdsError) as raised:
        to_portfolio([path])
    assert [d.code for d in raised.value.diagnostics] == [code]
    assert isinstance(raised.value, af.LoadError)


def test_not_utf8_is_read_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    release = {"ocid": "ocds-lat123-1", "contracts": [{"id": "1", "title": "Caf\u00e9"}]}
    path.write_bytes(json.dumps(release, ensure_ascii=False).encode("latin-1"))
    result = to_portfolio([path])
    assert result.portfolio.contracts[0].title == "Caf\ufffd"
    assert result.summary.unmapped["text not UTF-8 (undecodable bytes replaced)"] == 1


ODD = [
    pytest.param({"records": [1]}, "record is not a JSON object", id="records-not-objects"),
    pytest.param({"releases": [{"id": "r"}]}, "release without an ocid", id="release-no-ocid"),
    pytest.param([1, 2], "document is not a JSON object", id="list-document"),
    pytest.param({"foo": 1}, "document is not an OCDS release, record or package", id="not-ocds"),
    pytest.param(
        {"ocid": "ocds-odd123-1", "contracts": [{"value": {"amount": 10**400}}]},
        "value amount not a number",
        id="huge-integer-amount",
    ),
    pytest.param(
        {"ocid": "ocds-odd123-1", "contracts": [{"value": {"amount": "1e400"}}]},
        "value amount not a number",
        id="infinite-amount",
    ),
    pytest.param(
        {"ocid": "ocds-odd123-1", "contracts": [{"period": {"startDate": "2020-13-45"}}]},
        "period start not a date",
        id="impossible-date",
    ),
    pytest.param(
        {"ocid": "ocds-odd123-1", "contracts": [{"id": "1", "status": "suspendido"}]},
        "status not recognised (stage from dates)",
        id="unknown-status",
    ),
    pytest.param(
        {"ocid": "ocds-odd123-1", "tender": {"title": "t"}},
        "ocid with no contract or award (planning or tender only)",
        id="tender-only",
    ),
]


@pytest.mark.parametrize(("document", "reason"), ODD)
def test_odd_input_is_counted_not_raised(document: Any, reason: str) -> None:
    result = to_portfolio([document])
    assert result.summary.unmapped[reason] == 1
    assert af.Portfolio.from_dict(result.portfolio.to_dict()) == result.portfolio


def test_lone_surrogates_are_replaced_so_the_portfolio_can_be_written() -> None:
    release = {"ocid": "ocds-odd123-1", "contracts": [{"id": "1", "title": "caf\ud800"}]}
    result = to_portfolio([release])
    assert result.portfolio.contracts[0].title == "caf?"
    result.portfolio.to_json().encode("utf-8")


# Real data -------------------------------------------------------------------------------------


def real_files() -> Iterator[Path]:
    if REAL.is_dir():
        yield from sorted(p for p in REAL.rglob("*") if p.suffix in {".json", ".jsonl"})


REAL_FILES = list(real_files())
needs_real = pytest.mark.skipif(
    not REAL_FILES, reason=f"shared OCDS data not found at {REAL} (set ACCOUNTFRAME_SHARED_DATA)"
)


def _documents(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return [json.loads(text)]


def expected_contracts(path: Path) -> int:
    """Count OCDS contracts independently: per ocid, the latest compiled/merged contract ids."""
    per_ocid: dict[str, tuple[set[str], set[str]]] = {}

    def note(release: dict[str, Any]) -> None:
        contracts, awards = per_ocid.setdefault(str(release.get("ocid")), (set(), set()))
        contracts.update(str(c.get("id")) for c in release.get("contracts") or [])
        awards.update(str(a.get("id")) for a in release.get("awards") or [])

    for document in _documents(path):
        records = document.get("records")
        if records is None and "compiledRelease" in document:
            records = [document]
        if records is not None:
            for record in records:
                if "compiledRelease" in record:
                    note(record["compiledRelease"])
                else:
                    for release in record.get("releases", []):
                        note(release)
        elif "releases" in document:
            for release in document["releases"]:
                note(release)
        else:
            note(document)
    return sum(len(c) or len(a) for c, a in per_ocid.values())


@needs_real
@pytest.mark.parametrize("path", REAL_FILES, ids=[str(p.relative_to(REAL)) for p in REAL_FILES])
def test_every_real_file_imports_and_validates(path: Path) -> None:
    result = to_portfolio([path])
    portfolio = result.portfolio
    assert af.Portfolio.from_dict(portfolio.to_dict()) == portfolio
    assert af.Portfolio.from_dict(json.loads(portfolio.to_json())) == portfolio
    assert len(portfolio.contracts) == expected_contracts(path)
    counts = sum(c.contracts for c in result.summary.publishers.values())
    assert counts == len(portfolio.contracts)


@needs_real
def test_real_values_and_dates_survive() -> None:
    fts = to_portfolio([REAL / "uk-find-a-tender" / "fts-028961-2025-UK7-contract-details.json"])
    (contract,) = fts.portfolio.contracts
    assert contract.id == "ocds-h6vhtk-052a2e/1"
    assert contract.supplier == "Integrated Skills Limited"
    assert contract.value == af.Value(total=54393.6, currency="GBP")
    assert (contract.start, contract.end) == (D(2025, 5, 19), D(2028, 5, 18))
    assert [r.kind for r in contract.reports] == ["notice:UK7"]

    nigeria = to_portfolio([REAL / "nigeria-bpp" / "records" / "ocds-gyl66f-borbda-27yetd.json"])
    (contract,) = nigeria.portfolio.contracts
    assert contract.transactions == (af.Transaction(D(2013, 9, 27), 54389500.0),)
    assert contract.value.currency == "NGN"


@needs_real
def test_all_real_data_at_once() -> None:
    result = to_portfolio(REAL_FILES)
    assert af.Portfolio.from_dict(result.portfolio.to_dict()) == result.portfolio
    publishers = result.summary.publishers
    assert (
        publishers["SEPAF/DGA | DIR.GRAL. DE ABASTECEMIENTOS (SUB-ADMINISTRACIÓN)"].transactions
        == 24
    )
    assert publishers["Cabinet Office"].reports >= 10  # the Procurement Act notices


def test_cli_output_is_a_valid_portfolio_file() -> None:
    golden = Path(__file__).resolve().parents[1] / "golden" / "import" / "success"
    portfolio = af.load_portfolio(golden / "imported.yaml")
    assert len(portfolio.contracts) == 6
    assert portfolio.organisation == "Ministry of Example"
