"""OCDS import: contracts published in the Open Contracting Data Standard, as a portfolio.

`to_portfolio` reads release packages, record packages (the compiled release preferred, else the
record's releases merged), bare releases, bare records and compiled releases, from JSON, JSON Lines
(`.jsonl`) and gzip (`.gz`) files or from mappings already parsed, in OCDS 1.0 and 1.1 shapes. It
never stops at odd data: whatever it cannot map is counted in `ImportResult.summary`, per reason,
and the portfolio it returns always validates. Only a source that cannot be read at all (a missing
file, text that is not JSON) raises `OcdsError`.

People, assignments and reviews are not in OCDS: the portfolio has none; the body adds them.

A contract's procurement `regime` is set where the releases show it (a legal basis, a Procurement
Act notice: `ocds_regime`), and otherwise left out and counted.

Releases are merged (`ocds_merge.merge_all`) rather than with `ocdsmerge`, the reference merger,
which needs the release schema (fetched from the web) and is not a dependency.

Example:
    >>> release = {
    ...     "ocid": "ocds-abc123-1", "id": "r1", "date": "2026-01-10T09:00:00Z",
    ...     "awards": [{"id": "a1", "suppliers": [{"name": "Acme Ltd"}]}],
    ...     "contracts": [{"id": "c1", "awardID": "a1", "title": "Cleaning",
    ...                    "status": "active", "value": {"amount": "1200.50", "currency": "EUR"},
    ...                    "period": {"startDate": "2026-02-01T00:00:00Z"}}],
    ... }
    >>> result = to_portfolio([release], organisation="Ministry of Example")
    >>> contract = result.portfolio.contracts[0]
    >>> contract.id, contract.supplier, contract.stage.value, contract.value.total
    ('ocds-abc123-1/c1', 'Acme Ltd', 'live', 1200.5)
    >>> str(contract.start)
    '2026-02-01'
    >>> result.summary.publishers["ocds-abc123"].contracts
    1
"""

from __future__ import annotations

import collections
import datetime
import gzip
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from accountframe.errors import Diagnostic, LoadError, Location
from accountframe.load.documents import DEFAULT_LIMITS, LoadLimits, deeper_than
from accountframe.load.ocds_merge import merge_all, release_key
from accountframe.load.ocds_regime import DISAGREE, UNKNOWN, legal_bases, regime_of
from accountframe.load.structure import structure
from accountframe.model import Contract, Portfolio

__all__ = ["ImportResult", "ImportSummary", "OcdsError", "PublisherCounts", "to_portfolio"]

Source = str | os.PathLike[str] | Mapping[str, Any]

#: The organisation name used when none is given and the data names no single buyer.
DEFAULT_ORGANISATION = "Imported from OCDS"

#: The publisher of data that names none and whose ocids have no registered prefix.
UNNAMED_PUBLISHER = "(publisher not named)"

_PREFIX = re.compile(r"ocds-[a-z0-9]{6}", re.IGNORECASE)
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_NOTICE = re.compile(r"UK\d{1,2}", re.IGNORECASE)
_SUPPLIER_ROLES = {"supplier", "proveedor", "fournisseur", "fornecedor", "adjudicatario"}
_BUYER_ROLES = {"buyer", "comprador"}
_RATINGS = {
    "good": "good",
    "approachingtarget": "approaching_target",
    "requiresimprovement": "requires_improvement",
    "inadequate": "inadequate",
    "other": "other",
}
# Contract (and award) status -> stage; anything else is decided from the dates.
_STAGES = {
    "pending": "procurement",
    "planning": "procurement",
    "planned": "procurement",
    "active": "live",
    "terminated": "closed",
    "cancelled": "closed",
    "unsuccessful": "closed",
    "complete": "closed",
}


class OcdsError(LoadError):
    """An OCDS source could not be read at all (missing, not JSON, too large or too deep)."""

    code = "af-ocds"


@attrs.define
class PublisherCounts:
    """What was imported from one publisher."""

    contracts: int = 0
    transactions: int = 0
    reports: int = 0
    kpis: int = 0


@attrs.define
class ImportSummary:
    """Counts per publisher, and what could not be mapped, per reason.

    Example:
        >>> summary = ImportSummary()
        >>> summary.skip("value amount not a number")
        >>> print(summary.render())
        publisher  contracts  transactions  reports  KPIs
        not mapped:
          value amount not a number: 1
    """

    publishers: dict[str, PublisherCounts] = attrs.field(factory=dict)
    unmapped: collections.Counter[str] = attrs.field(factory=collections.Counter)

    def skip(self, reason: str, count: int = 1) -> None:
        """Count something that could not be mapped."""
        self.unmapped[reason] += count

    def publisher(self, name: str) -> PublisherCounts:
        """The counts of a publisher, created on first use."""
        return self.publishers.setdefault(name, PublisherCounts())

    def to_dict(self) -> dict[str, Any]:
        """Plain data: `{"publishers": {name: counts}, "unmapped": {reason: n}}`, sorted."""
        return {
            "publishers": {
                name: attrs.asdict(counts) for name, counts in sorted(self.publishers.items())
            },
            "unmapped": dict(sorted(self.unmapped.items())),
        }

    def render(self) -> str:
        """A plain-text table of the counts, then the unmapped reasons (most frequent first)."""
        rows = [("publisher", "contracts", "transactions", "reports", "KPIs")]
        for name, counts in sorted(self.publishers.items()):
            rows.append(
                (
                    name,
                    str(counts.contracts),
                    str(counts.transactions),
                    str(counts.reports),
                    str(counts.kpis),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(5)]
        lines = [
            "  ".join(
                cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            ).rstrip()
            for row in rows
        ]
        repeated = self.unmapped.get(DUPLICATE_KEY, 0)
        if repeated:
            lines.insert(
                0,
                f"warning: {repeated} repeated key{'s' if repeated != 1 else ''} in JSON "
                "objects; for each, the last value was kept",
            )
        lines.append("not mapped:" if self.unmapped else "not mapped: nothing")
        for reason, count in sorted(self.unmapped.items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"  {reason}: {count}")
        return "\n".join(lines)


@attrs.frozen
class ImportResult:
    """The imported portfolio and a summary of what was and was not mapped."""

    portfolio: Portfolio
    summary: ImportSummary


@attrs.define
class _Ocid:
    """What was read about one ocid, before it is mapped."""

    publisher: str
    compiled: dict[str, Any] | None = None
    releases: list[dict[str, Any]] = attrs.field(factory=list)
    release_ids: list[str] = attrs.field(factory=list)
    # The same ids as a set: a membership test per release, not a scan of the list.
    seen_ids: set[str] = attrs.field(factory=set)
    # (notice type, date) from release tags, which a merge would otherwise lose.
    tag_notices: list[tuple[str, str]] = attrs.field(factory=list)


def to_portfolio(
    sources: Iterable[Source],
    *,
    organisation: str | None = None,
    buyer: str | None = None,
    limits: LoadLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Import OCDS data as a portfolio: one contract per OCDS contract (or per award).

    Args:
        sources: file paths (`.json`, `.jsonl`, either optionally `.gz`) or parsed mappings.
        organisation: the portfolio's organisation; default the one buyer named in the data,
            else the one publisher, else "Imported from OCDS".
        buyer: keep only the ocids whose buyer (or a party with role buyer) has this id.
        limits: size and nesting bounds for each file.

    Raises:
        OcdsError: a source cannot be read (missing, not JSON, over a limit).
    """
    summary = ImportSummary()
    ocids: dict[str, _Ocid] = {}
    for source in sources:
        if isinstance(source, str | os.PathLike):
            documents = _read(source, limits, summary)
            where = os.fspath(source)
        else:
            # A parsed document; anything but a mapping is counted, like a stray line would be.
            documents = [dict(source) if isinstance(source, Mapping) else source]
            where = "<mapping>"
        for document in documents:
            if deeper_than(document, limits.max_depth):
                message = f"nesting is deeper than {limits.max_depth} levels"
                raise OcdsError([_problem(where, "af-limit", message)])
            _collect(document, ocids, summary)
    _name_publishers(ocids)
    contracts: list[dict[str, Any]] = []
    buyers: collections.Counter[str] = collections.Counter()
    for ocid in sorted(ocids):
        entry = ocids[ocid]
        release = entry.compiled if entry.compiled is not None else merge_all(entry.releases)
        if buyer is not None and buyer not in _buyer_ids(release):
            summary.skip("ocid of another buyer (--buyer)")
            continue
        mapped = _Mapper(ocid, entry, release, summary).contracts()
        if mapped:
            buyer_name = _buyer_name(release)
            if buyer_name:
                buyers[buyer_name] += 1
        contracts.extend(mapped)
    _unique_ids(contracts, summary)
    built: list[Contract] = []
    for data in contracts:
        contract, problems = structure(Contract, data)
        if contract is None or problems:
            # A safety net: the mapper only writes valid values, so this means a bug.
            summary.skip(f"contract not built ({problems[0].message if problems else 'invalid'})")
            continue
        built.append(contract)
        counts = summary.publisher(data["attributes"]["publisher"])
        counts.contracts += 1
        counts.transactions += len(contract.transactions)
        counts.reports += len(contract.reports)
        counts.kpis += sum(len(report.kpis) for report in contract.reports)
    name = organisation or _default_organisation(buyers, summary)
    return ImportResult(Portfolio(organisation=name, contracts=built), summary)


# Reading --------------------------------------------------------------------------------------


def _read(source: str | os.PathLike[str], limits: LoadLimits, summary: ImportSummary) -> list[Any]:
    """The JSON documents in a file: one, or one per line for JSON Lines."""
    name = os.fspath(source)
    raw = _read_bytes(name, limits)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Real exports sometimes carry a stray Latin-1 byte: keep the data, mark the damage.
        text = raw.decode("utf-8-sig", errors="replace")
        summary.skip("text not UTF-8 (undecodable bytes replaced)")
    if not text.strip():
        raise OcdsError([_problem(name, "af-empty", "the file is empty; expected OCDS JSON")])
    stem = name[:-3] if name.lower().endswith(".gz") else name
    if not stem.lower().endswith(".jsonl"):
        try:
            return [_parse(text, name, 1, summary)]
        except OcdsError as error:
            # Several documents, one per line, under a .json name: read it as JSON Lines.
            if "Extra data" not in error.render():
                raise
    documents = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            documents.append(_parse(line, name, number, summary))
    if not documents:
        raise OcdsError([_problem(name, "af-empty", "the file holds no JSON document")])
    return documents


def _read_bytes(name: str, limits: LoadLimits) -> bytes:
    if "\0" in name:  # no file has such a name; open() would raise ValueError
        raise OcdsError([_problem(name, "af-io", "a file name cannot hold a NUL character")])
    try:
        with open(name, "rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
        if raw[:2] == b"\x1f\x8b":
            with gzip.open(name, "rb") as handle:
                raw = handle.read(limits.max_bytes + 1)
    except IsADirectoryError:
        raise OcdsError([_problem(name, "af-io", "is a folder, not a file")]) from None
    except FileNotFoundError:
        raise OcdsError([_problem(name, "af-io", "no such file")]) from None
    except (OSError, EOFError) as error:
        message = getattr(error, "strerror", None) or str(error) or type(error).__name__
        raise OcdsError([_problem(name, "af-io", message)]) from None
    if len(raw) > limits.max_bytes:
        message = f"the file is over {limits.max_bytes:,} bytes (after decompression)"
        raise OcdsError([_problem(name, "af-limit", message)])
    return raw


#: The reason under which repeated keys in a JSON object are counted (the last value is kept).
DUPLICATE_KEY = "duplicate JSON key (the last value was kept)"


def _parse(text: str, name: str, line: int, summary: ImportSummary) -> Any:
    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):  # JSON lets a key repeat; Python keeps the last
            summary.skip(DUPLICATE_KEY, len(pairs) - len(result))
        return result

    try:
        # NaN and Infinity stay strings, so that they are counted as "not a number" later.
        return json.loads(text, parse_constant=str, object_pairs_hook=unique)
    except json.JSONDecodeError as error:
        where = Location(file=name, line=line + error.lineno - 1, column=error.colno)
        raise OcdsError([Diagnostic("af-syntax", f"not JSON: {error.msg}", where)]) from None
    except ValueError as error:  # an integer literal longer than Python converts
        raise OcdsError([_problem(name, "af-limit", str(error))]) from None
    except RecursionError:
        raise OcdsError([_problem(name, "af-limit", "nesting is too deep to read")]) from None


def _problem(name: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(code, message, Location(file=name))


def _collect(document: Any, ocids: dict[str, _Ocid], summary: ImportSummary) -> None:
    """Sort a document's releases and records by ocid."""
    if not isinstance(document, dict):
        summary.skip("document is not a JSON object")
        return
    publisher = _text(_map(document.get("publisher")).get("name"))
    if isinstance(document.get("records"), list):
        for record in document["records"]:
            _collect_record(record, publisher, ocids, summary)
    elif "compiledRelease" in document or "versionedRelease" in document:
        _collect_record(document, publisher, ocids, summary)
    elif isinstance(document.get("releases"), list) and "ocid" not in document:
        for release in document["releases"]:
            _collect_release(release, publisher, ocids, summary)
    elif "ocid" in document:
        _collect_release(document, publisher, ocids, summary)
    else:
        summary.skip("document is not an OCDS release, record or package")


def _entry(ocid: str, publisher: str | None, ocids: dict[str, _Ocid]) -> _Ocid:
    entry = ocids.get(ocid)
    if entry is None:
        entry = ocids[ocid] = _Ocid(publisher or "")
    elif publisher and not entry.publisher:
        entry.publisher = publisher
    return entry


def _name_publishers(ocids: dict[str, _Ocid]) -> None:
    """Name a publisher no package names after another ocid of its prefix, else the prefix."""
    named = {_prefix(ocid): entry.publisher for ocid, entry in ocids.items() if entry.publisher}
    for ocid, entry in ocids.items():
        entry.publisher = entry.publisher or named.get(_prefix(ocid)) or _prefix(ocid)


def _collect_release(
    release: Any, publisher: str | None, ocids: dict[str, _Ocid], summary: ImportSummary
) -> None:
    ocid = _text(release.get("ocid")) if isinstance(release, dict) else None
    if ocid is None or not isinstance(release, dict):
        summary.skip("release without an ocid")
        return
    entry = _entry(ocid, publisher, ocids)
    entry.releases.append(release)
    _note_release(entry, release)


def _note_release(entry: _Ocid, release: Mapping[str, Any]) -> None:
    release_id = _text(release.get("id"))
    if release_id and release_id not in entry.seen_ids:
        entry.seen_ids.add(release_id)
        entry.release_ids.append(release_id)
    tags = release.get("tag")
    for tag in tags if isinstance(tags, list) else [tags]:
        if isinstance(tag, str) and _NOTICE.fullmatch(tag):
            entry.tag_notices.append((tag.upper(), str(release.get("date") or "")))


def _collect_record(
    record: Any, publisher: str | None, ocids: dict[str, _Ocid], summary: ImportSummary
) -> None:
    if not isinstance(record, dict):
        summary.skip("record is not a JSON object")
        return
    publisher = publisher or _text(_map(record.get("publisher")).get("name"))
    compiled = record.get("compiledRelease")
    releases = [r for r in _list(record.get("releases")) if "ocid" in r or "date" in r]
    ocid = _text(record.get("ocid")) or _text(_map(compiled).get("ocid"))
    ocid = ocid or next((_text(r.get("ocid")) for r in releases if _text(r.get("ocid"))), None)
    if ocid is None:
        summary.skip("record without an ocid")
        return
    entry = _entry(ocid, publisher, ocids)
    for release in releases:
        _note_release(entry, release)
    if isinstance(compiled, dict):
        entry.compiled = compiled
        if not releases:
            _note_release(entry, compiled)
    elif releases:
        entry.releases.extend(releases)
    else:
        summary.skip("record without a compiled release or embedded releases")


# Merging ----------------------------------------------------------------------------------------


class _Mapper:
    """Maps one ocid's merged or compiled release to plain contract data."""

    def __init__(
        self, ocid: str, entry: _Ocid, release: dict[str, Any], summary: ImportSummary
    ) -> None:
        self.ocid = ocid
        self.entry = entry
        self.release = release
        self.summary = summary
        self.release_date = self.date(release.get("date"), "release date")
        self.awards = {release_key(a.get("id")): a for a in _list(release.get("awards"))}

    def contracts(self) -> list[dict[str, Any]]:
        ocds_contracts = _list(self.release.get("contracts"))
        if not isinstance(self.release.get("contracts"), list | type(None)):
            self.summary.skip("contracts is not a list")
        if ocds_contracts:
            return [self.contract(c, index, "contract") for index, c in enumerate(ocds_contracts)]
        awards = list(self.awards.values())
        if awards:
            return [self.contract(a, index, "award") for index, a in enumerate(awards)]
        self.summary.skip("ocid with no contract or award (planning or tender only)")
        return []

    def contract(self, item: Mapping[str, Any], index: int, kind: str) -> dict[str, Any]:
        own_id = _text(item.get("id"))
        if own_id is None:
            self.summary.skip(f"{kind} without an id (position used)")
            own_id = str(index + 1)
        award = item if kind == "award" else self.awards.get(release_key(item.get("awardID")))
        award = award or {}
        tender = _map(self.release.get("tender"))
        title = _title(item) or _title(award) or _text(tender.get("title")) or self.ocid
        data: dict[str, Any] = {"id": f"{self.ocid}/{own_id}", "title": title}
        supplier = self.supplier(award)
        if supplier:
            data["supplier"] = supplier
        value = self.value(item.get("value"))
        if value:
            data["value"] = value
        period = _map(item.get("period") if kind == "contract" else item.get("contractPeriod"))
        start = self.date(period.get("startDate"), "period start")
        end = self.date(period.get("endDate"), "period end")
        if start and end and end < start:
            self.summary.skip("period end before its start (end left out)")
            end = None
        if start:
            data["start"] = start
        if end:
            data["end"] = end
        data["stage"] = self.stage(item.get("status"), end)
        implementation = _map(item.get("implementation"))
        data["transactions"] = self.transactions(implementation)
        data["amendments"] = self.amendments(item)
        data["reports"] = self.reports(item, award, tender, implementation)
        data["consequences"] = self.consequences(item, implementation)
        regime = self.regime(item, award, tender, implementation)
        if regime is not None:
            data["regime"] = regime
        data["attributes"] = {
            "ocid": self.ocid,
            "release_ids": list(self.entry.release_ids),
            "publisher": self.entry.publisher,
            "derived_from": kind,
            f"ocds_{kind}_id": own_id,
        }
        buyer_name = _buyer_name(self.release)
        if buyer_name:
            data["attributes"]["buyer"] = buyer_name
        return data

    def regime(
        self,
        item: Mapping[str, Any],
        award: Mapping[str, Any],
        tender: Mapping[str, Any],
        implementation: Mapping[str, Any],
    ) -> str | None:
        """The procurement regime the releases show (`ocds_regime`), counting what is not."""
        notices = [notice for notice, _ in self.entry.tag_notices]
        for part in (_map(self.release.get("planning")), tender, award, item, implementation):
            notices += [
                notice
                for d in _list(part.get("documents"))
                if (notice := _text(d.get("noticeType")))
            ]
        regime, disagree = regime_of(legal_bases(tender), notices)
        if regime is None:
            self.summary.skip(UNKNOWN)
        elif disagree:
            self.summary.skip(DISAGREE)
        return regime

    def supplier(self, award: Mapping[str, Any]) -> str | None:
        names = [_text(s.get("name")) for s in _list(award.get("suppliers"))]
        found = [name for name in names if name]
        if not found:
            for party in _list(self.release.get("parties")):
                roles = party.get("roles")
                roles = roles if isinstance(roles, list) else []
                if any(isinstance(r, str) and r.lower() in _SUPPLIER_ROLES for r in roles):
                    name = _text(party.get("name"))
                    if name:
                        found.append(name)
        return "; ".join(dict.fromkeys(found)) or None

    def value(self, raw: Any) -> dict[str, Any] | None:
        value = _map(raw)
        if not value:
            return None
        amount = self.amount(value.get("amount"), "value amount")
        if amount is None:
            return None
        currency = _text(value.get("currency"))
        if currency is None:
            self.summary.skip("value without a currency (GBP assumed)")
        return {"total": amount, "currency": currency or "GBP"}

    def amount(self, raw: Any, what: str) -> float | None:
        if raw is None:
            return None
        if isinstance(raw, bool):
            number = math.nan
        elif isinstance(raw, int | float | str):
            text = raw.replace(",", "").replace(" ", "") if isinstance(raw, str) else raw
            try:
                number = float(text)
            except (ValueError, OverflowError):  # "lots", or an integer beyond any float
                number = math.nan
        else:
            number = math.nan
        if not math.isfinite(number):
            self.summary.skip(f"{what} not a number")
            return None
        return number

    def date(self, raw: Any, what: str) -> str | None:
        """An ISO date from a date or datetime string; None (and counted) when invalid."""
        if raw is None or raw == "":
            return None
        match = _DATE.match(raw) if isinstance(raw, str) else None
        if match is not None:
            try:
                return datetime.date.fromisoformat(match.group(1)).isoformat()
            except ValueError:
                pass
        self.summary.skip(f"{what} not a date")
        return None

    def stage(self, raw_status: Any, end: str | None) -> str:
        """SPEC section 12: status first; an active contract whose end has passed is closed."""
        status = raw_status.strip().lower() if isinstance(raw_status, str) else ""
        stage = _STAGES.get(status)
        if stage is None:
            if status:
                self.summary.skip("status not recognised (stage from dates)")
            stage = "live"
        if stage == "live" and end and self.release_date and end < self.release_date:
            stage = "closed"
        return stage

    def transactions(self, implementation: Mapping[str, Any]) -> list[dict[str, Any]]:
        found = []
        for transaction in _list(implementation.get("transactions")):
            raw = _map(transaction.get("value")).get("amount")
            if raw is None:
                amount_1_0 = transaction.get("amount")
                raw = _map(amount_1_0).get("amount") if isinstance(amount_1_0, dict) else amount_1_0
            amount = self.amount(raw, "transaction amount")
            date = self.date(transaction.get("date"), "transaction date")
            if raw is None:
                self.summary.skip("transaction without an amount")
            if transaction.get("date") in (None, ""):
                self.summary.skip("transaction without a date")
            if amount is not None and date is not None:
                found.append({"date": date, "amount": amount})
        return found

    def amendments(self, item: Mapping[str, Any]) -> list[dict[str, Any]]:
        found = []
        amendments = _list(item.get("amendments"))
        if isinstance(item.get("amendment"), dict):
            amendments.append(item["amendment"])  # OCDS 1.0: one amendment object
        for amendment in amendments:
            date = self.date(amendment.get("date"), "amendment date")
            if date is None:
                self.summary.skip("amendment without a date")
                continue
            rationale = _text(amendment.get("rationale")) or _text(amendment.get("description"))
            entry: dict[str, Any] = {"date": date}
            if rationale:
                entry["rationale"] = rationale
            found.append(entry)
        return found

    def reports(
        self,
        item: Mapping[str, Any],
        award: Mapping[str, Any],
        tender: Mapping[str, Any],
        implementation: Mapping[str, Any],
    ) -> list[dict[str, Any]]:
        reports: list[dict[str, Any]] = []
        notices: dict[tuple[str, str], None] = {}
        for document in _list(implementation.get("documents")):
            notice = _text(document.get("noticeType"))
            if notice:
                continue  # reported below, once, as a notice
            kind = _text(document.get("documentType")) or "document"
            received = self.date(document.get("datePublished"), "document datePublished")
            if received is None:
                self.summary.skip("implementation document without a date published")
                continue
            reports.append({"kind": kind, "received": received, "source": "authority"})
        documents = [
            *_list(tender.get("documents")),
            *_list(award.get("documents")),
            *_list(item.get("documents")),
            *_list(implementation.get("documents")),
        ]
        for document in documents:
            notice = _text(document.get("noticeType"))
            if notice:
                received = self.date(document.get("datePublished"), "notice datePublished")
                if received is None:
                    self.summary.skip("notice without a date published")
                else:
                    notices[(notice.upper(), received)] = None
        for notice, raw_date in self.entry.tag_notices:
            received = self.date(raw_date, "release date")
            if received:
                notices[(notice, received)] = None
        for notice, received in sorted(notices, key=lambda n: (n[1], n[0])):
            reports.append(
                {"kind": f"notice:{notice}", "received": received, "source": "authority"}
            )
        reports.extend(self.kpi_reports(implementation))
        return reports

    def kpi_reports(self, implementation: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Metrics observations, one performance report per observation period."""
        by_period: dict[tuple[str | None, str | None], list[dict[str, Any]]] = {}
        for metric in _list(implementation.get("metrics")):
            name = _text(metric.get("title")) or _text(metric.get("id")) or "kpi"
            for observation in _list(metric.get("observations")):
                kpi: dict[str, Any] = {"name": _text(observation.get("title")) or name}
                raw = _map(observation.get("value")).get("amount", observation.get("measure"))
                if isinstance(raw, int | float | str) and not isinstance(raw, bool):
                    actual = self.amount(raw, "KPI measure") if _numeric(raw) else None
                    if actual is not None:
                        kpi["actual"] = actual
                rating = self.rating(observation.get("measureClassification"))
                if rating:
                    kpi["rating"] = rating
                period = _map(observation.get("period"))
                key = (
                    self.date(period.get("startDate"), "KPI period start"),
                    self.date(period.get("endDate"), "KPI period end"),
                )
                by_period.setdefault(key, []).append(kpi)
        reports = []
        for (start, end), kpis in by_period.items():
            received = end or self.release_date
            if received is None:
                self.summary.skip("KPI observations without any date", len(kpis))
                continue
            report: dict[str, Any] = {"kind": "performance", "received": received, "kpis": kpis}
            if start and end and start <= end:
                report["period"] = {"start": start, "end": end}
            reports.append(report)
        return reports

    def rating(self, raw: Any) -> str | None:
        if raw is None:
            return None
        if isinstance(raw, dict):
            raw = raw.get("id") or raw.get("description")
        text = re.sub(r"[^a-z]", "", raw.lower()) if isinstance(raw, str) else ""
        rating = _RATINGS.get(text)
        if rating is None:
            self.summary.skip("KPI measureClassification not a Procurement Act rating")
        return rating

    def consequences(
        self, item: Mapping[str, Any], implementation: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Performance failures as applied sanctions."""
        found = []
        failures = [
            *_list(item.get("performanceFailures")),
            *_list(implementation.get("performanceFailures")),
        ]
        for failure in failures:
            period = _map(failure.get("period"))
            date = self.date(
                failure.get("reportingDate") or failure.get("date") or period.get("endDate"),
                "performance failure date",
            )
            if date is None:
                self.summary.skip("performance failure without a date")
                continue
            category = failure.get("category") or failure.get("type")
            if isinstance(category, dict):
                category = category.get("id") or category.get("description")
            entry: dict[str, Any] = {
                "date": date,
                "effect": "sanction",
                "kind": _text(category) or "performance_failure",
            }
            penalty = _map(failure.get("penalty") or failure.get("value"))
            amount = self.amount(
                _map(penalty.get("value")).get("amount", penalty.get("amount")), "penalty amount"
            )
            if amount is not None:
                entry["amount"] = amount
            found.append(entry)
        return found


# Helpers --------------------------------------------------------------------------------------


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    """A non-blank string, stripped; numbers (ids often are) as their text; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) < 10**30:
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(value)
    if isinstance(value, str) and value.strip():
        # A lone surrogate (JSON allows "\\ud800") cannot be written as UTF-8: replace it.
        return value.strip().encode("utf-8", "replace").decode("utf-8")
    return None


def _title(item: Mapping[str, Any]) -> str | None:
    """The title, or in OCDS 1.0 multilingual data the first `title_xx` (English first)."""
    titles = [item.get("title"), item.get("title_en")]
    titles += [value for key, value in sorted(item.items()) if key.startswith("title_")]
    return next((text for text in map(_text, titles) if text), None)


def _numeric(value: Any) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"\s*-?[\d, ]*\.?\d+\s*", value))


def _prefix(ocid: str) -> str:
    """The ocid prefix (`ocds-b5fd17`) stands in for a publisher no package names."""
    match = _PREFIX.match(ocid)
    return match.group(0).lower() if match else UNNAMED_PUBLISHER


def _buyer_ids(release: Mapping[str, Any]) -> set[str]:
    ids = {_text(_map(release.get("buyer")).get("id"))}
    for party in _list(release.get("parties")):
        roles = party.get("roles")
        if isinstance(roles, list) and any(
            isinstance(r, str) and r.lower() in _BUYER_ROLES for r in roles
        ):
            ids.add(_text(party.get("id")))
    return {i for i in ids if i}


def _buyer_name(release: Mapping[str, Any]) -> str | None:
    return _text(_map(release.get("buyer")).get("name"))


def _default_organisation(buyers: collections.Counter[str], summary: ImportSummary) -> str:
    if len(buyers) == 1:
        return next(iter(buyers))
    if len(summary.publishers) == 1:
        return next(iter(summary.publishers))
    return DEFAULT_ORGANISATION


def _unique_ids(contracts: list[dict[str, Any]], summary: ImportSummary) -> None:
    """Give repeated contract ids a `#2`, `#3` … suffix, counting each."""
    seen: set[str] = set()
    for data in contracts:
        base = data["id"]
        candidate, number = base, 1
        while candidate in seen:
            number += 1
            candidate = f"{base}#{number}"
        if candidate != base:
            summary.skip("duplicate contract id (suffixed)")
            data["id"] = candidate
        seen.add(candidate)
