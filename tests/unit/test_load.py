"""Loading portfolios: one table of invalid inputs, each with its exact message and location."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

import accountframe as af
from accountframe.load.documents import (
    LoadLimits,
    parse_document,
    portfolio_from_document,
    read_document,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "portfolios"

HEAD = "organisation: Ministry of Example\npeople:\n  - {id: p-1, name: Pat One}\n"


def problems(text: str | bytes, *, file: str = "p.yaml", **kwargs: object) -> list[str]:
    """The first line of every diagnostic raised for `text`."""
    if isinstance(text, str):
        text = textwrap.dedent(text)
    with pytest.raises(af.PortfolioError) as raised:
        load(text, file=file, **kwargs)
    return [diagnostic.render().splitlines()[0] for diagnostic in raised.value.diagnostics]


def load(text: str | bytes, *, file: str, **kwargs: object) -> af.Portfolio:
    document = parse_document(text, file=file, error=af.PortfolioError, **kwargs)  # type: ignore[arg-type]
    return portfolio_from_document(document)


INVALID = [
    pytest.param(
        b"organisation: X\nnote: caf\xe9\n",
        ["p.yaml:2:10: af-encoding: the file is not UTF-8 text (byte 0xe9 at offset 25)"],
        id="undecodable-bytes",
    ),
    pytest.param(
        "", ["p.yaml: af-empty: the file is empty; expected a mapping of keys"], id="empty"
    ),
    pytest.param(
        "# only a comment\n", ["p.yaml: af-empty: the file holds no document"], id="comment-only"
    ),
    pytest.param(
        "- a\n- b\n",
        ["p.yaml:1:1: af-document: expected a mapping at the top (got a list)"],
        id="top-level-list",
    ),
    pytest.param(
        "just text\n",
        ["p.yaml:1:1: af-document: expected a mapping at the top (got a single value)"],
        id="top-level-scalar",
    ),
    pytest.param(
        "a: 1\n---\nb: 2\n",
        [
            "p.yaml:2:1: af-syntax: expected a single document in the stream but found "
            "another document"
        ],
        id="two-documents",
    ),
    pytest.param(
        "organisation: X\nx: !!python/object/apply:os.system [ls]\n",
        [
            "p.yaml:2:1: af-key: x: unknown key 'x'",
            "p.yaml:2:4: af-unsafe: x: YAML tag '!!python/object/apply:os.system' is not "
            "allowed: accountframe reads plain data only",
        ],
        id="python-tag",
    ),
    pytest.param(
        "organisation: !custom X\n",
        [
            "p.yaml:1:15: af-unsafe: organisation: YAML tag '!custom' is not allowed: "
            "accountframe reads plain data only"
        ],
        id="application-tag",
    ),
    pytest.param(
        "organisation: !!binary aGVsbG8=\n",
        [
            "p.yaml:1:15: af-unsafe: organisation: YAML tag '!!binary' is not allowed: "
            "accountframe reads plain data only"
        ],
        id="binary-tag",
    ),
    pytest.param(
        "accountframe: portfolio/2\norganisation: X\n",
        ["p.yaml:1:15: af-format: accountframe: expected 'portfolio/1' (got 'portfolio/2')"],
        id="wrong-format-marker",
    ),
    pytest.param(
        "people: []\n",
        ["p.yaml:1:1: af-missing: missing required key 'organisation'"],
        id="missing-organisation",
    ),
    pytest.param(
        "organisation: X\norganisaton: Y\n",
        [
            "p.yaml:2:1: af-key: organisaton: unknown key 'organisaton' (did you mean "
            "'organisation'?)"
        ],
        id="unknown-key-suggestion",
    ),
    pytest.param(
        "organisation: X\norganisation: Y\n",
        ["p.yaml:2:1: af-duplicate: organisation: duplicate key 'organisation' (first at line 1)"],
        id="duplicate-key",
    ),
    pytest.param(
        "organisation: 42\n",
        [
            "p.yaml:1:15: af-value: organisation: expected a string (got the number 42); "
            "put it in quotes"
        ],
        id="number-for-string",
    ),
    pytest.param(
        "organisation: ''\n",
        ["p.yaml:1:15: af-value: organisation: expected a non-empty string (got '')"],
        id="empty-string",
    ),
    pytest.param(
        "organisation: X\nas_of: 25/11/2026\n",
        ["p.yaml:2:8: af-date: as_of: expected an ISO date like 2026-11-25 (got '25/11/2026')"],
        id="non-iso-date",
    ),
    pytest.param(
        "organisation: X\nas_of: 2026-02-30\n",
        ["p.yaml:2:8: af-value: as_of: cannot read '2026-02-30': day is out of range for month"],
        id="impossible-date",
    ),
    pytest.param(
        "organisation: X\nas_of: 2026-11-25 10:00:00\n",
        [
            "p.yaml:2:8: af-date: as_of: expected a date like 2026-11-25 (got the date and "
            "time 2026-11-25 10:00:00)"
        ],
        id="datetime-for-date",
    ),
    pytest.param(
        "organisation: X\npeople: {id: p-1}\n",
        ["p.yaml:2:9: af-value: people: expected a list (got a mapping)"],
        id="mapping-for-list",
    ),
    pytest.param(
        HEAD + "contracts:\n  - {id: C1, title: T, stage: lve}\n",
        [
            "p.yaml:5:31: af-enum: contracts[0].stage: expected one of planning, "
            "procurement, mobilisation, live, exit, closed (got 'lve'; did you mean "
            "'live'?)"
        ],
        id="enum-stage",
    ),
    pytest.param(
        HEAD + "contracts:\n  - {id: C1, title: T, stage: live, strategic: 'yes'}\n",
        ["p.yaml:5:48: af-value: contracts[0].strategic: expected true or false (got 'yes')"],
        id="string-for-bool",
    ),
    pytest.param(
        HEAD + "contracts:\n  - {id: C1, title: T, stage: live, value: {total: '5'}}\n",
        ["p.yaml:5:52: af-value: contracts[0].value.total: expected a number (got '5')"],
        id="string-for-money",
    ),
    pytest.param(
        HEAD + "contracts:\n  - {id: C1, title: T, stage: live, value: {total: .nan}}\n",
        ["p.yaml:5:52: af-value: contracts[0].value.total: expected a finite number (got nan)"],
        id="nan-money",
    ),
    pytest.param(
        HEAD + "contracts:\n  - id: C1\n    title: T\n    stage: live\n    reports:\n"
        "      - {kind: performance, received: 2026-10-10, source: vendor,\n"
        "         kpis: [{name: k, rating: great}], figures: {units: many}}\n",
        [
            "p.yaml:9:59: af-enum: contracts[0].reports[0].source: expected one of supplier, "
            "authority, independent (got 'vendor')",
            "p.yaml:10:35: af-enum: contracts[0].reports[0].kpis[0].rating: expected one of good, "
            "approaching_target, requires_improvement, inadequate, other (got 'great')",
            "p.yaml:10:61: af-value: contracts[0].reports[0].figures.units: expected a number "
            "(got 'many')",
        ],
        id="report-enums-and-figures",
    ),
    pytest.param(
        HEAD + "contracts:\n  - id: C1\n    title: T\n    stage: live\n    consequences:\n"
        "      - {date: 2026-01-01, effect: penalty, kind: credit}\n",
        [
            "p.yaml:9:36: af-enum: contracts[0].consequences[0].effect: expected one of sanction, "
            "reward (got 'penalty')"
        ],
        id="enum-effect",
    ),
    pytest.param(
        HEAD + "  - {id: p-1, name: Again}\ncontracts:\n  - {id: C1, title: T, stage: live}\n"
        "  - {id: C1, title: U, stage: live}\n",
        [
            "p.yaml:4:10: af-duplicate: people[1].id: duplicate person id 'p-1' (first used at "
            "people[0])",
            "p.yaml:7:10: af-duplicate: contracts[1].id: duplicate contract id 'C1' (first used at "
            "contracts[0])",
        ],
        id="duplicate-ids",
    ),
    pytest.param(
        HEAD + "roles: {accounting_officer: p-2}\ncontracts:\n  - id: C1\n    title: T\n"
        "    stage: live\n    assignments: [{role: sro, person: p-11, start: 2024-01-01}]\n"
        "    reviews: [{date: 2026-01-01, forum: f, chair: p-l, attendees: [p-1, p-9]}]\n",
        [
            "p.yaml:4:29: af-reference: roles.accounting_officer: role holder 'p-2' is not in people"
            " (did you mean 'p-1'?)",
            "p.yaml:9:39: af-reference: contracts[0].assignments[0].person: person 'p-11' is not in "
            "people (did you mean 'p-1'?)",
            "p.yaml:10:51: af-reference: contracts[0].reviews[0].chair: chair 'p-l' is not in people"
            " (did you mean 'p-1'?)",
            "p.yaml:10:73: af-reference: contracts[0].reviews[0].attendees[1]: attendee 'p-9' is not"
            " in people (did you mean 'p-1'?)",
        ],
        id="unresolved-people",
    ),
    pytest.param(
        HEAD + "waivers:\n  - {policy: P, subject: C9, reason: r, approved_by: p-7,\n"
        "     approved_on: 2026-06-01, expires: 2026-05-01}\n",
        [
            "p.yaml:5:5: af-value: waivers[0]: 'expires' (2026-05-01) is before 'approved_on' "
            "(2026-06-01)",
            "p.yaml:5:26: af-reference: waivers[0].subject: subject 'C9' is neither a contract nor a "
            "person",
            "p.yaml:5:54: af-reference: waivers[0].approved_by: approver 'p-7' is not in people "
            "(did you mean 'p-1'?)",
        ],
        id="waiver-problems",
    ),
    pytest.param(
        HEAD + "contracts:\n  - {id: C1, title: T, stage: live, start: 2026-01-01, "
        "end: 2025-01-01}\n",
        ["p.yaml:5:5: af-value: contracts[0]: 'end' (2025-01-01) is before 'start' (2026-01-01)"],
        id="end-before-start",
    ),
    pytest.param(
        HEAD + "contracts:\n  - {id: C1, title: T}\n",
        ["p.yaml:5:5: af-missing: contracts[0]: missing required key 'stage'"],
        id="missing-nested-key",
    ),
    pytest.param(
        "organisation: X\nattr: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a]\n"
        "c: [*b, *b, *b, *b, *b]\n",
        [
            "p.yaml:2:7: af-limit: aliases expand the document by more than 20 values (expanding "
            "the anchor defined here)"
        ],
        id="alias-expansion",
    ),
    pytest.param(
        "organisation: X\nroles: " + "[" * 70 + "]" * 70 + "\n",
        ["p.yaml:2:72: af-limit: nesting is deeper than 64 levels"],
        id="deep-nesting",
    ),
]


@pytest.mark.parametrize(("text", "expected"), INVALID)
def test_invalid_portfolio_reports_every_problem_with_location(
    text: str | bytes, expected: list[str]
) -> None:
    limits = LoadLimits(max_alias_values=20) if "&a" in str(text) else LoadLimits()
    assert problems(text, limits=limits) == expected


def test_yaml_syntax_error_is_located() -> None:
    # libyaml and the pure-Python parser word the rest differently; the location is the contract.
    (found,) = problems("organisation: [X\n")
    assert found.startswith("p.yaml:2:1: af-syntax: while parsing a flow sequence")


def test_problems_are_sorted_by_location_and_all_reported_in_one_run() -> None:
    text = (
        HEAD + "contracts:\n  - {id: C1, title: T, stage: lve, tierr: gold}\n"
        "  - {id: C2, title: 7, stage: live}\n"
    )
    found = problems(text)
    assert [line.split(": ")[0] for line in found] == ["p.yaml:5:31", "p.yaml:5:36", "p.yaml:6:21"]


def test_diagnostic_shows_source_line_and_caret() -> None:
    with pytest.raises(af.PortfolioError) as raised:
        portfolio_from_document(
            parse_document(
                "organisation: X\ncontracts: [{id: C1, title: T, stage: lve}]\n",
                file="p.yaml",
                error=af.PortfolioError,
            )
        )
    assert raised.value.render() == (
        "p.yaml:2:39: af-enum: contracts[0].stage: expected one of planning, procurement, "
        "mobilisation, live, exit, closed (got 'lve'; did you mean 'live'?)\n"
        "    contracts: [{id: C1, title: T, stage: lve}]\n"
        "                                          ^"
    )


def test_json_documents_get_positions_and_json_number_semantics() -> None:
    text = (
        '{"organisation": "X",\n "contracts": [{"id": "C1", "title": "T", "stage": "live",\n'
        '   "value": {"total": 1e5, "annual": "x"}}]}'
    )
    assert problems(text, file="p.json") == [
        "p.json:3:38: af-value: contracts[0].value.annual: expected a number (got 'x')"
    ]
    ok = portfolio_from_document(parse_document(text.replace('"x"', "2"), file="p.json"))
    assert ok.contracts[0].value.total == 100000.0  # YAML 1.1 would have read 1e5 as text


def test_json_syntax_error_is_located() -> None:
    assert problems('{"organisation": "X",}', file="p.json") == [
        "p.json:1:22: af-syntax: Expecting property name enclosed in double quotes"
    ]


def test_json_duplicate_keys_are_errors() -> None:
    assert problems('{"organisation": "X", "organisation": "Y"}', file="p.json") == [
        "p.json:1:23: af-duplicate: organisation: duplicate key 'organisation' (first at line 1)"
    ]


def test_yaml_merge_keys_are_supported_and_explicit_keys_win() -> None:
    text = textwrap.dedent("""\
        organisation: X
        contracts:
          - &base {id: C1, title: Base, stage: live, tier: gold}
          - <<: *base
            id: C2
            tier: silver
        """)
    portfolio = portfolio_from_document(parse_document(text, file="p.yaml"))
    second = portfolio.contracts[1]
    assert (second.id, second.title, second.tier) == ("C2", "Base", "silver")


def test_byte_order_mark_is_accepted() -> None:
    document = parse_document("\ufefforganisation: X\n".encode(), file="p.yaml")
    assert document.data == {"organisation": "X"}


def test_read_document_reports_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(af.PortfolioError, match="af-io: no such file"):
        af.load_portfolio(tmp_path / "absent.yaml")
    with pytest.raises(af.PortfolioError, match="af-io: is a folder, not a file"):
        af.load_portfolio(tmp_path)


def test_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("organisation: " + "x" * 200 + "\n")
    with pytest.raises(af.LoadError) as raised:
        read_document(path, limits=LoadLimits(max_bytes=100))
    assert raised.value.diagnostics[0].render() == (
        f"{path}: af-limit: the file is 215 bytes; the limit is 100"
    )


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_load_limits_are_validated(bad: object) -> None:
    with pytest.raises(ValueError, match="must be a positive whole number"):
        LoadLimits(max_depth=bad)  # type: ignore[arg-type]


def test_valid_fixture_loads_completely() -> None:
    portfolio = af.load_portfolio(FIXTURES / "valid.yaml")
    assert portfolio.organisation == "Ministry of Example"
    assert portfolio.as_of == datetime.date(2026, 11, 25)
    em = portfolio.contracts[0]
    assert em.value == af.Value(total=1.2e9, annual=1e8, currency="GBP")
    assert em.reports[0].kpis[0].rating is af.Rating.APPROACHING_TARGET
    assert em.reports[0].figures == {"billed_units": 18234.0, "own_record_units": 17012.0}
    assert portfolio.contracts[1].value.currency == "GBP"  # the documented default
    assert portfolio.waivers[0].expires == datetime.date(2027, 1, 31)


def test_load_portfolio_accepts_a_mapping() -> None:
    assert af.load_portfolio({"organisation": "X"}) == af.Portfolio(organisation="X")
