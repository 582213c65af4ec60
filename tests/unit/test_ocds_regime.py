"""OCDS import of a contract's procurement regime: legal basis first, then Act notices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import accountframe as af
from accountframe.load.ocds import to_portfolio
from accountframe.load.ocds_regime import DISAGREE, UNKNOWN, is_act_notice, regime_of
from conftest import FIXTURES, shared_data

FTS = shared_data() / "ocds" / "uk-find-a-tender"


def release(**parts: Any) -> dict[str, Any]:
    """One release of one contract, with `parts` (tender, planning, tag...) added."""
    contract = {"id": "1", "title": "Catering", "status": "active", **parts.pop("contract", {})}
    return {
        "ocid": "ocds-h6vhtk-000001",
        "id": "r1",
        "date": "2026-05-01T00:00:00Z",
        "contracts": [contract],
        **parts,
    }


def notice(kind: str) -> dict[str, Any]:
    return {"documents": [{"id": "n", "noticeType": kind, "datePublished": "2026-04-01"}]}


def imported(data: dict[str, Any]) -> tuple[af.Regime | None, dict[str, int]]:
    result = to_portfolio([data])
    (contract,) = result.portfolio.contracts
    assert af.Portfolio.from_dict(result.portfolio.to_dict()) == result.portfolio
    return contract.regime, dict(result.summary.unmapped)


@pytest.mark.parametrize(
    ("parts", "regime"),
    [
        pytest.param({"tender": notice("UK4")}, "pa2023", id="tender-notice"),
        pytest.param({"planning": notice("UK2")}, "pa2023", id="planning-notice"),
        pytest.param({"contract": notice("UK7")}, "pa2023", id="contract-notice"),
        pytest.param({"contract": {"implementation": notice("uk10")}}, "pa2023", id="lower-case"),
        pytest.param({"tag": ["contract", "UK6"]}, "pa2023", id="release-tag"),
        pytest.param(
            {"tender": {"legalBasis": {"scheme": "UKPGA", "id": "2023/54"}}}, "pa2023", id="act"
        ),
        pytest.param(
            {"tender": {"legalBasis": {"scheme": "CELEX", "id": "32014L0024"}}},
            "pcr2015",
            id="directive-2014-24",
        ),
        pytest.param(
            {"tender": {"legalBasis": {"scheme": "uksi", "id": " 2015/102 "}}},
            "pcr2015",
            id="pcr-2015-instrument",
        ),
        pytest.param(
            {"tender": {"legalBasis": {"uri": "https://www.legislation.gov.uk/uksi/2015/102"}}},
            "pcr2015",
            id="legislation-uri",
        ),
        pytest.param(
            {"tender": {"legalBasis": [{"scheme": "CELEX", "id": "32014L0025"}]}},
            "ucr2016",
            id="utilities-list",
        ),
        pytest.param(
            {"tender": {"legalBasis": {"scheme": "CELEX", "id": "32009L0081"}}},
            "dsr2011",
            id="defence",
        ),
    ],
)
def test_regime_from_the_releases(parts: dict[str, Any], regime: str) -> None:
    found, unmapped = imported(release(**parts))
    assert found == af.Regime(regime)
    assert UNKNOWN not in unmapped
    assert DISAGREE not in unmapped


@pytest.mark.parametrize(
    "parts",
    [
        pytest.param({}, id="nothing"),
        pytest.param({"tender": notice("contractNotice")}, id="not-an-act-notice"),
        pytest.param({"tender": notice("UK18")}, id="beyond-uk17"),
        pytest.param(
            {"tender": {"legalBasis": {"scheme": "LOCAL", "id": "Ley 123"}}}, id="other-law"
        ),
        pytest.param(
            {
                "tender": {
                    "legalBasis": [
                        {"scheme": "CELEX", "id": "32014L0024"},
                        {"scheme": "CELEX", "id": "32014L0025"},
                    ]
                }
            },
            id="bases-disagree",
        ),
        pytest.param({"tender": {"legalBasis": "PCR 2015"}}, id="basis-not-an-object"),
    ],
)
def test_no_evidence_leaves_the_regime_out_and_counts_it(parts: dict[str, Any]) -> None:
    found, unmapped = imported(release(**parts))
    assert found is None
    assert unmapped[UNKNOWN] == 1


def test_the_legal_basis_wins_over_notices_and_the_disagreement_is_counted() -> None:
    data = release(tender={"legalBasis": {"scheme": "CELEX", "id": "32014L0024"}, **notice("UK4")})
    found, unmapped = imported(data)
    assert found is af.Regime.PCR2015
    assert unmapped[DISAGREE] == 1
    assert UNKNOWN not in unmapped


def test_regime_of_and_act_notices() -> None:
    assert [is_act_notice(f"UK{n}") for n in (0, 1, 17, 18)] == [False, True, True, False]
    assert regime_of([], ["tenderNotice", "UK12"]) == ("pa2023", False)
    assert regime_of([{"scheme": "UKPGA", "id": "2023/54"}], ["UK7"]) == ("pa2023", False)
    assert regime_of([{"scheme": "UKSI", "id": "2016/273"}], []) == ("ccr2016", False)
    assert regime_of([{"scheme": 7, "id": None}], []) == (None, False)


def test_the_synthetic_package_sets_regime_from_its_notices() -> None:
    result = to_portfolio(
        [FIXTURES / "ocds" / "release-package.json", FIXTURES / "ocds" / "award-only.jsonl"]
    )
    regimes = {c.id: c.regime for c in result.portfolio.contracts}
    assert regimes == {
        "ocds-abc123-0001/c1": af.Regime.PA2023,
        "ocds-abc123-0001/c2": af.Regime.PA2023,
        "ocds-abc123-0001/c3": af.Regime.PA2023,
        "ocds-abc123-0001/c3#2": af.Regime.PA2023,
        "ocds-cfx123-0001/aw1": None,
        "ocds-cfx123-0001/aw2": None,
    }
    assert result.summary.unmapped[UNKNOWN] == 2


needs_fts = pytest.mark.skipif(
    not FTS.is_dir(), reason=f"shared Find a Tender data not found at {FTS}"
)


@needs_fts
def test_real_find_a_tender_notices_and_legal_bases() -> None:
    def regimes(name: str) -> dict[str, str | None]:
        result = to_portfolio([FTS / name])
        return {c.id: c.regime and c.regime.value for c in result.portfolio.contracts}

    # A PCR 2015 award published on Find a Tender: its legal basis is Directive 2014/24/EU.
    assert regimes("fts-ocdsReleasePackages-2026-09-03-p002-excerpt.json") == {
        "ocds-h6vhtk-05f9f4/1": "pa2023",
        "ocds-h6vhtk-06f0c7/1": "pa2023",
        "ocds-h6vhtk-06f0ca/083257-2026-1": "pcr2015",
    }
    assert set(regimes("fts-028961-2025-UK7-contract-details.json").values()) == {"pa2023"}


def test_the_imported_portfolio_is_read_back_with_its_regime(tmp_path: Path) -> None:
    result = to_portfolio([release(tender=notice("UK4"))])
    path = tmp_path / "imported.json"
    path.write_text(result.portfolio.to_json())
    assert af.load_portfolio(path).contracts[0].regime is af.Regime.PA2023
