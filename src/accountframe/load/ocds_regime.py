"""The procurement regime of an OCDS contract, from what its releases show (`Contract.regime`).

Two kinds of evidence, the explicit one first:

1. **The legal basis** the tender names (`tender.legalBasis`, `{scheme, id}`, as the UK's Find a
   Tender Service publishes it): the Procurement Act 2023 (`UKPGA` `2023/54`) gives `pa2023`;
   the Public Contracts Regulations 2015 (`UKSI` `2015/102`) or the directive they implement,
   2014/24/EU (`CELEX` `32014L0024`), give `pcr2015`; likewise the utilities, concessions and
   defence regulations and directives (`ucr2016`, `ccr2016`, `dsr2011`). A legal basis that is
   none of these says nothing about the regime.
2. **A Procurement Act notice**: a document whose `noticeType` is `UK1` to `UK17`, or a release
   tagged with one. Only a procurement under the Act publishes them, so it is `pa2023`.

Where both are present and disagree, the legal basis wins (`DISAGREE` is counted). With neither,
the regime is left out (`UNKNOWN` is counted): an importer cannot tell, and guessing would put a
contract under duties that do not bind it, or take it out of those that do.

Example:
    >>> regime_of([{"scheme": "CELEX", "id": "32014L0024"}], ["UK7"])
    ('pcr2015', True)
    >>> regime_of([], ["UK4", "tenderNotice"])
    ('pa2023', False)
    >>> regime_of([{"scheme": "UKPGA", "id": "2023/54"}], [])
    ('pa2023', False)
    >>> regime_of([{"scheme": "LOCAL", "id": "Ley 123"}], ["contractNotice"])
    (None, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["DISAGREE", "UNKNOWN", "is_act_notice", "legal_bases", "regime_of"]

#: The import summary's reasons (`ImportSummary.skip`).
UNKNOWN = "contract without a procurement regime (no Procurement Act notice or legal basis)"
DISAGREE = "legal basis and Procurement Act notices disagree on the regime (legal basis used)"

#: (scheme, id) of a legal basis → regime. Ids compared without case or spaces.
_LEGAL_BASES: Mapping[tuple[str, str], str] = {
    ("UKPGA", "2023/54"): "pa2023",  # Procurement Act 2023 (c. 54)
    ("UKSI", "2015/102"): "pcr2015",  # Public Contracts Regulations 2015
    ("CELEX", "32014L0024"): "pcr2015",  # Directive 2014/24/EU, public procurement
    ("UKSI", "2016/274"): "ucr2016",  # Utilities Contracts Regulations 2016
    ("CELEX", "32014L0025"): "ucr2016",  # Directive 2014/25/EU, utilities
    ("UKSI", "2016/273"): "ccr2016",  # Concession Contracts Regulations 2016
    ("CELEX", "32014L0023"): "ccr2016",  # Directive 2014/23/EU, concessions
    ("UKSI", "2011/1848"): "dsr2011",  # Defence and Security Public Contracts Regulations 2011
    ("CELEX", "32009L0081"): "dsr2011",  # Directive 2009/81/EC, defence and security
}
# A legislation.gov.uk address names the act or instrument without a scheme.
_LEGISLATION_URI = re.compile(r"legislation\.gov\.uk/(ukpga|uksi)/(\d{4})/(\d+)", re.IGNORECASE)
_ACT_NOTICE = re.compile(r"UK(\d{1,2})", re.IGNORECASE)


def is_act_notice(notice_type: str) -> bool:
    """Whether a `noticeType` (or a release tag) is a Procurement Act notice, UK1 to UK17.

    >>> is_act_notice("uk10"), is_act_notice("UK18"), is_act_notice("UK0")
    (True, False, False)
    """
    match = _ACT_NOTICE.fullmatch(notice_type.strip())
    return match is not None and 1 <= int(match[1]) <= 17


def legal_bases(tender: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The tender's legal basis objects: one mapping, or a list of them."""
    found = tender.get("legalBasis")
    if isinstance(found, Mapping):
        return [found]
    if isinstance(found, list):
        return [basis for basis in found if isinstance(basis, Mapping)]
    return []


def _basis_regime(basis: Mapping[str, Any]) -> str | None:
    scheme, identifier, uri = (basis.get(key) for key in ("scheme", "id", "uri"))
    if isinstance(scheme, str) and isinstance(identifier, str):
        key = (scheme.strip().upper(), re.sub(r"\s+", "", identifier).upper())
        if key in _LEGAL_BASES:
            return _LEGAL_BASES[key]
    if isinstance(uri, str) and (match := _LEGISLATION_URI.search(uri)):
        return _LEGAL_BASES.get((match[1].upper(), f"{match[2]}/{match[3]}"))
    return None


def regime_of(
    bases: Iterable[Mapping[str, Any]], notices: Iterable[str]
) -> tuple[str | None, bool]:
    """The regime the evidence shows (or None), and whether the two kinds disagreed.

    `bases`: legal basis objects; `notices`: notice types and release tags seen for the
    contract. A legal basis is used only when the recognised ones agree.
    """
    named = {regime for regime in map(_basis_regime, bases) if regime is not None}
    noticed = "pa2023" if any(is_act_notice(notice) for notice in notices) else None
    if len(named) == 1:
        (regime,) = named
        return regime, noticed is not None and noticed != regime
    return noticed, False
