"""Loading frameworks: folders, extends/override/remove, sources, bundled names and the schema."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import accountframe as af
from accountframe.errors import Location
from accountframe.framework import folder as frameworks
from accountframe.framework.policies import KINDS
from accountframe.load.documents import parse_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "frameworks"
VALID = FIXTURES / "valid"

HEADER = 'framework: fw\nversion: "1"\n'
ROLES = "roles:\n  - {id: accounting_officer}\n  - {id: sro, reports_to: accounting_officer}\n"
BASE = {
    "base/framework.yaml": 'framework: base\nversion: "1"\nparams: {every: 1 month}\n' + ROLES,
    "base/policies.yaml": """\
        policies:
          - {id: CAD-1, kind: oversight_cadence, title: Reviews, every: params.every}
          - {id: RULE-1, kind: rule, title: Value, require: contract.value.total > 0.0}
        """,
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def policy_file(*policies: str) -> str:
    return "policies:\n" + "".join(f"  - {policy}\n" for policy in policies)


def first_lines(error: af.LoadError) -> list[str]:
    return [diagnostic.render().splitlines()[0] for diagnostic in error.diagnostics]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in an empty folder, with the bundled frameworks looked up in `bundled/` there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(frameworks, "_bundled_roots", lambda: [tmp_path / "bundled"])
    return tmp_path


def python_built() -> af.Framework:
    """The valid fixture, built in Python."""
    return af.Framework(
        name="example-body",
        version="2026.1",
        title="Oversight of live contracts",
        description="A small framework that uses every kind of policy.",
        params={"gold_review_every": "1 month", "max_gold_contracts_per_sro": 4},
        definitions={
            "is_major": 'contract.tier in ["gold", "silver"]',
            "is_live": 'contract.stage in ["mobilisation", "live", "exit"]',
        },
        roles=[
            af.Role("accounting_officer", title="Accounting Officer"),
            af.Role("sro", title="Senior Responsible Owner", reports_to="accounting_officer"),
            af.Role("contract_manager", title="Contract Manager", reports_to="sro"),
        ],
        policies=[
            af.OversightCadence(
                id="CAD-GOLD-SRO",
                title="The SRO reviews each gold contract monthly",
                applies_to="is_live && contract.tier == 'gold'",
                every="params.gold_review_every",
                counts_if='review.forum == "sro_review" &&\n  review.chair != ""\n',
                grace="1 week",
                severity="high",
                rationale="Senior attention on live contracts (HC 585, para 9).",
                source="Committee of Public Accounts, HC 585 (2014-15), para 9",
                tags=["oversight"],
            ),
            af.RequiredInformation(
                id="INF-PERFORMANCE",
                title="A performance report is received every 45 days",
                applies_to="is_major",
                report="performance",
                max_age="45 days",
                require="report.kpis.size() > 0\n",
                warn_before="P1W",
            ),
            af.PersonalResponsibility(
                id="RESP-SRO",
                title="Every major contract has a named SRO",
                applies_to="is_major",
                role="sro",
                eligible='person.grade in ["SCS1", "SCS2"]',
                max_vacancy="30 days",
            ),
            af.Rule(
                id="RULE-VALUE",
                title="Every live contract records its value",
                applies_to="is_live",
                require="contract.value.total > 0.0",
                message='"no value recorded for " + contract.id',
            ),
            af.Rule(
                id="RULE-SRO-LOAD",
                title="No SRO holds too many gold contracts",
                scope="person",
                require='contracts.filter(c, c.tier == "gold").size() '
                "<= params.max_gold_contracts_per_sro",
                severity="low",
            ),
            af.Sanction(
                id="SAN-ESCALATE",
                title="Escalate repeated failures to the Accounting Officer",
                scope="person",
                trigger='findings.exists(f, f.status == "fail" && f.severity == "high")',
                action="Escalate to the Accounting Officer",
                within="2 weeks",
            ),
            af.Reward(
                id="REW-RECOGNISE",
                title="Recognise spotless oversight",
                scope="person",
                trigger='findings.all(f, f.status == "pass")',
                action="Note in the annual performance review",
                amount="0.0",
            ),
        ],
    )


# -- valid frameworks ------------------------------------------------------------------------


def test_loading_gives_the_same_framework_as_building_it_in_python() -> None:
    loaded = af.load_framework(VALID)
    built = python_built()
    assert loaded == built
    assert loaded.digest == built.digest
    assert sorted({policy.kind for policy in loaded.policies}) == sorted(KINDS)


def test_the_path_of_framework_yaml_is_accepted_too() -> None:
    assert af.load_framework(VALID / "framework.yaml") == python_built()


def test_policy_order_is_framework_yaml_then_file_name_then_order_in_file(in_tmp: Path) -> None:
    write(
        in_tmp,
        {
            "fw/framework.yaml": HEADER
            + policy_file("{id: H, kind: rule, title: T, require: 'true'}"),
            "fw/b.yml": policy_file("{id: B1, kind: rule, title: T, require: 'true'}"),
            "fw/a.yaml": policy_file(
                "{id: A2, kind: rule, title: T, require: 'true'}",
                "{id: A1, kind: rule, title: T, require: 'true'}",
            ),
            "fw/notes.txt": "not read",
            "fw/tests/t.yaml": "tests: []\n",
        },
    )
    assert [p.id for p in af.load_framework("fw").policies] == ["H", "A2", "A1", "B1"]


def test_digest_is_stable_across_loads_and_changes_with_the_content(in_tmp: Path) -> None:
    write(in_tmp, {"fw/framework.yaml": HEADER, "fw/p.yaml": policy_file(
        "{id: R, kind: rule, title: T, require: 'true'}"
    )})  # fmt: skip
    first, second = af.load_framework("fw"), af.load_framework("fw")
    assert first.digest == second.digest
    write(in_tmp, {"fw/p.yaml": policy_file("{id: R, kind: rule, title: T, require: 'false'}")})
    assert af.load_framework("fw").digest != first.digest


# -- sources -----------------------------------------------------------------------------------

SOURCES = """\
policies:
  - id: R
    kind: rule
    title: T
    applies_to: contract.tier == "gold"
    require: 'contract.stage == "live"'
    message: "'late: ' + contract.id"
  - id: S
    kind: sanction
    title: T
    action: Escalate
    trigger: |
      findings.exists(f,
        f.status == "fail")
    amount: >-
        1.0 +
        2.0
"""


def test_sources_point_at_the_first_character_of_each_expression(in_tmp: Path) -> None:
    write(in_tmp, {
        "fw/framework.yaml": HEADER + "definitions:\n  is_gold: contract.tier == 'gold'\n"
        "  is_live: |\n    contract.stage == 'live'\n",
        "fw/p.yaml": SOURCES,
    })  # fmt: skip
    sources = af.load_framework("fw").sources

    def at(line: int, column: int, path: str, file: str = "fw/p.yaml") -> Location:
        return Location(file=file, line=line, column=column, path=path)

    assert sources[("policies", "R", "applies_to")] == (at(5, 17, "policies[0].applies_to"), 16)
    assert sources[("policies", "R", "require")] == (at(6, 15, "policies[0].require"), 14)
    assert sources[("policies", "R", "message")] == (at(7, 15, "policies[0].message"), 14)
    assert sources[("policies", "S", "trigger")] == (at(13, 7, "policies[1].trigger"), 6)
    assert sources[("policies", "S", "amount")] == (at(16, 9, "policies[1].amount"), 8)
    header = "fw/framework.yaml"
    assert sources[("definitions", "is_gold")] == (at(4, 12, "definitions.is_gold", header), 11)
    assert sources[("definitions", "is_live")] == (at(6, 5, "definitions.is_live", header), 4)
    # Fields left at their default have no source; there is nothing in the file to point at.
    assert ("policies", "S", "applies_to") not in sources


def test_source_of_a_block_scalar_with_an_indentation_indicator(in_tmp: Path) -> None:
    write(in_tmp, {"fw/framework.yaml": HEADER + "definitions:\n  d: |2\n     true\n"})
    location, indent = af.load_framework("fw").sources[("definitions", "d")]
    assert (location.line, location.column, indent) == (5, 5, 4)  # the value is " true\n"


def test_scalar_styles_are_recorded_on_the_fast_and_the_careful_path() -> None:
    text = "a: plain\nb: 'single'\nc: \"double\"\nd: |\n  literal\ne: >\n  folded\n"
    styles = {("a",): None, ("b",): "'", ("c",): '"', ("d",): "|", ("e",): ">"}
    assert dict(parse_document(text).scalar_styles) == styles
    # A repeated key sends the parser down the careful path, which records them as it walks.
    walked = parse_document(text + "a: again\n")
    assert dict(walked.scalar_styles) == styles
    assert walked.problems


# -- extends, override, remove ---------------------------------------------------------------


def test_extends_a_folder_with_override_and_remove(in_tmp: Path) -> None:
    write(in_tmp, {**BASE, "mine/framework.yaml": """\
        framework: mine
        version: "2"
        extends: ../base
        params: {every: 2 weeks, extra: 3}
        roles:
          - {id: sro, title: Senior Responsible Owner, reports_to: accounting_officer}
        override:
          CAD-1: {severity: critical, applies_to: contract.tier == "gold"}
        remove:
          - {id: RULE-1, reason: no values are recorded here}
        """, "mine/more.yaml": policy_file("{id: NEW, kind: rule, title: T, require: 'true'}")})  # fmt: skip
    base = af.load_framework("base")
    mine = af.load_framework("mine")
    assert [p.id for p in mine.policies] == ["CAD-1", "NEW"]
    assert mine.policy("CAD-1").severity is af.Severity.CRITICAL
    assert mine.policy("CAD-1").every == "params.every"
    assert mine.params == {"every": "2 weeks", "extra": 3}
    assert mine.extends == "base 1"
    assert mine.overridden == ("CAD-1",)
    assert [(r.id, r.reason) for r in mine.removed] == [("RULE-1", "no values are recorded here")]
    assert mine.roles[1] == af.Role("sro", "Senior Responsible Owner", "accounting_officer")
    assert mine.title == base.title == ""
    expected = base.extend(
        "mine",
        version="2",
        params={"every": "2 weeks", "extra": 3},
        roles=[af.Role("sro", "Senior Responsible Owner", "accounting_officer")],
        policies=[af.Rule(id="NEW", title="T", require="true")],
        override={"CAD-1": {"severity": "critical", "applies_to": 'contract.tier == "gold"'}},
        remove=[("RULE-1", "no values are recorded here")],
    )
    assert mine == expected
    # The override's expression is located in mine; the removed policy's source is gone.
    location, _ = mine.sources[("policies", "CAD-1", "applies_to")]
    assert (location.file, location.line, location.column) == ("mine/framework.yaml", 8, 43)
    assert not any(key[1] == "RULE-1" for key in mine.sources)
    assert ("policies", "NEW", "require") in mine.sources


def test_inherited_policies_keep_their_base_sources(in_tmp: Path) -> None:
    write(in_tmp, {
        **BASE,
        "base/framework.yaml": BASE["base/framework.yaml"] + "definitions: {d: 'true'}\n",
        "mine/framework.yaml": 'framework: mine\nversion: "1"\nextends: ../base\n',
    })  # fmt: skip
    sources = af.load_framework("mine").sources
    assert sources[("policies", "RULE-1", "require")][0] == Location(
        file="base/policies.yaml", line=3, column=53, path="policies[1].require"
    )
    assert sources[("definitions", "d")][0].file == "base/framework.yaml"


def test_extends_with_no_changes_keeps_everything_but_the_name(in_tmp: Path) -> None:
    write(in_tmp, {**BASE, "mine/framework.yaml": 'framework: mine\nversion: "1"\nextends: ../base\n'})  # fmt: skip
    base, mine = af.load_framework("base"), af.load_framework("mine")
    assert mine.policies == base.policies
    assert (mine.params, mine.definitions, mine.roles) == (
        base.params,
        base.definitions,
        base.roles,
    )
    assert mine == base.extend("mine")


def test_extends_a_bundled_framework_by_name(in_tmp: Path) -> None:
    write(in_tmp, {
        "bundled/central/framework.yaml": BASE["base/framework.yaml"].replace("base", "central"),
        "bundled/central/policies.yaml": BASE["base/policies.yaml"],
        "mine/framework.yaml": """\
            framework: mine
            version: "1"
            extends: central
            override:
              CAD-1: {every: 2 weeks}
            """,
    })  # fmt: skip
    mine = af.load_framework("mine")
    assert mine.extends == "central 1"
    assert mine.policy("CAD-1").every == "2 weeks"
    assert af.bundled("central") == af.load_framework("bundled/central")
    assert frameworks.bundled_names() == ["central"]


def test_an_unknown_bundled_name_is_a_usage_error_with_a_suggestion(in_tmp: Path) -> None:
    write(in_tmp, {"bundled/central/framework.yaml": HEADER, "bundled/notes/README.md": "x"})
    with pytest.raises(af.UsageError) as raised:
        af.bundled("centrl")
    assert str(raised.value) == (
        "no bundled framework 'centrl' (bundled: central) (did you mean 'central'?)"
    )
    with pytest.raises(af.UsageError):
        af.bundled("../bundled/central")


def test_bundled_frameworks_are_found_in_the_source_checkout() -> None:
    roots = frameworks._bundled_roots()
    assert Path(__file__).resolve().parents[2] / "policies" in roots


# -- invalid frameworks ----------------------------------------------------------------------

INVALID = [
    pytest.param(
        {"fw/framework.yaml": "framework: fw\nversion: [1\n"},
        [
            "fw/framework.yaml:3:1: af-syntax: while parsing a flow sequence did not find expected ',' or ']'"
        ],
        id="yaml-syntax",
    ),
    pytest.param(
        {"fw/framework.yaml": ""},
        ["fw/framework.yaml: af-empty: the file is empty; expected a mapping of keys"],
        id="empty-framework-yaml",
    ),
    pytest.param(
        {"fw/p.yaml": policy_file()},
        ["fw: af-io: no framework.yaml in this folder: it is not a framework folder"],
        id="no-framework-yaml",
    ),
    pytest.param(
        {"fw/framework.yaml": 'framework: fw\nversion: "1"\ntitel: X\n'},
        ["fw/framework.yaml:3:1: af-key: titel: unknown key 'titel' (did you mean 'title'?)"],
        id="unknown-header-key",
    ),
    pytest.param(
        {"fw/framework.yaml": "framework: fw\n"},
        ["fw/framework.yaml:1:1: af-missing: missing required key 'version'"],
        id="missing-version",
    ),
    pytest.param(
        {"fw/framework.yaml": "framework: fw\nversion: 2026.1\n"},
        [
            "fw/framework.yaml:2:10: af-value: version: expected a string (got the number 2026.1); put it in quotes"
        ],
        id="version-not-quoted",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER, "fw/p.yaml": "polices: []\n"},
        [
            "fw/p.yaml:1:1: af-missing: missing required key 'policies'",
            "fw/p.yaml:1:1: af-key: polices: unknown key 'polices' in a policy file, which holds only 'policies' (did you mean 'policies'?)",
        ],
        id="policy-file-without-policies",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER, "fw/p.yaml": "policies: {id: R}\n"},
        ["fw/p.yaml:1:11: af-value: policies: expected a list of policies (got a mapping)"],
        id="policies-not-a-list",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER, "fw/p.yaml": policy_file("R-1")},
        ["fw/p.yaml:2:5: af-value: policies[0]: expected a policy mapping (got 'R-1')"],
        id="policy-not-a-mapping",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER, "fw/p.yaml": policy_file("{id: R, title: T}")},
        [
            "fw/p.yaml:2:5: af-missing: R (policies[0]): missing required key 'kind' (one of oversight_cadence, required_information, personal_responsibility, rule, sanction, reward)"
        ],
        id="missing-kind",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER, "fw/p.yaml": policy_file("{id: R, kind: rul, title: T}")},
        [
            "fw/p.yaml:2:19: af-enum: R.kind (policies[0]): unknown policy kind 'rul' (did you mean 'rule'?); expected one of oversight_cadence, required_information, personal_responsibility, rule, sanction, reward"
        ],
        id="unknown-kind",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/p.yaml": policy_file("{id: C, kind: oversight_cadence, title: T, evry: 1 month}"),
        },
        [
            "fw/p.yaml:2:5: af-missing: C (policies[0]): missing required key 'every'",
            "fw/p.yaml:2:48: af-key: C.evry (policies[0]): unknown key 'evry' (did you mean 'every'?)",
        ],
        id="unknown-field",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/p.yaml": policy_file("{id: C, kind: oversight_cadence, title: T, every: monthly}"),
        },
        [
            "fw/p.yaml:2:55: af-value: C.every (policies[0]): 'every' must be a duration like '30 days', '2 weeks', '1 month', '1 year' or 'P1M' (got 'monthly')"
        ],
        id="invalid-duration",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/p.yaml": policy_file(
                "{id: C, kind: oversight_cadence, title: T, every: 30, grace: 1 fortnight}"
            ),
        },
        [
            "fw/p.yaml:2:55: af-value: C.every (policies[0]): 'every' must be a duration like '30 days', '2 weeks', '1 month', '1 year' or 'P1M' (got 30)",
            "fw/p.yaml:2:66: af-value: C.grace (policies[0]): 'grace' must be a duration like '30 days', '2 weeks', '1 month', '1 year' or 'P1M' (got '1 fortnight')",
        ],
        id="duration-number-and-bad-unit",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER + "params: {review_every: 1 month}\n",
            "fw/p.yaml": policy_file(
                "{id: C, kind: oversight_cadence, title: T, every: params.reviw_every}"
            ),
        },
        [
            "fw/p.yaml:2:55: af-reference: C.every (policies[0]): 'every' refers to params.reviw_every, which is not defined (did you mean 'review_every'?)"
        ],
        id="duration-param-undefined",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER + "params: {review_every: monthly}\n",
            "fw/p.yaml": policy_file(
                "{id: C, kind: oversight_cadence, title: T, every: params.review_every}"
            ),
        },
        [
            "fw/p.yaml:2:55: af-value: C.every (policies[0]): 'every' refers to params.review_every, which is not a duration: expected a duration like '30 days', '2 weeks', '1 month', '1 year' or 'P1M' (got 'monthly')"
        ],
        id="duration-param-not-a-duration",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/p.yaml": policy_file("{id: R, kind: rule, title: '  ', require: 'true'}"),
        },
        ["fw/p.yaml:2:32: af-value: R.title (policies[0]): 'title' must not be empty"],
        id="empty-title-at-its-field",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/p.yaml": policy_file(
                "{id: C, kind: oversight_cadence, title: T, every: 1 month, scope: person}"
            ),
        },
        [
            "fw/p.yaml:2:5: af-value: C (policies[0]): 'scope: person' is only for rule, sanction and reward policies (got it on a oversight_cadence policy)"
        ],
        id="person-scope-on-cadence",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/p.yaml": policy_file(
                "{id: R, kind: rule, title: T, require: 'true', severity: hihg}"
            ),
        },
        [
            "fw/p.yaml:2:62: af-enum: R.severity (policies[0]): expected one of info, low, medium, high, critical (got 'hihg'; did you mean 'high'?)"
        ],
        id="severity-typo",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/p.yaml": policy_file("{id: '1R', kind: rule, title: T, require: 'true'}"),
        },
        [
            "fw/p.yaml:2:10: af-value: policies[0].id: 'id' must start with a letter and use only letters, digits, '_', '.' and '-' (got '1R')"
        ],
        id="bad-policy-id",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/a.yaml": policy_file("{id: R, kind: rule, title: T, require: 'true'}"),
            "fw/b.yaml": "# the same id again\n"
            + policy_file("{id: R, kind: rule, title: U, require: 'true'}"),
        },
        [
            "fw/b.yaml:3:10: af-duplicate: R.id (policies[0]): duplicate policy id 'R' (first at fw/a.yaml:2)"
        ],
        id="duplicate-id-across-files",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/a.yaml": policy_file(
                "{id: R, kind: rule, title: T, require: 'true'}",
                "{id: R, kind: sanction, title: T, trigger: 'true', action: A}",
            ),
        },
        [
            "fw/a.yaml:3:10: af-duplicate: R.id (policies[1]): duplicate policy id 'R' (first at fw/a.yaml:2)"
        ],
        id="duplicate-id-in-a-file",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/a.yaml": policy_file("{id: R, kind: rule, title: T, require: 'true', title: U}"),
        },
        [
            "fw/a.yaml:2:52: af-duplicate: R.title (policies[0]): duplicate key 'title' (first at line 2)"
        ],
        id="duplicate-key",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER,
            "fw/a.yaml": policy_file(
                "{id: R, kind: rule, title: !!python/name:os.system T, require: 'true'}"
            ),
        },
        [
            "fw/a.yaml:2:32: af-unsafe: R.title (policies[0]): YAML tag '!!python/name:os.system' is not allowed: accountframe reads plain data only"
        ],
        id="unsafe-tag",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER + "override:\n  R: {severity: high}\n"},
        [
            "fw/framework.yaml:3:1: af-extends: override: 'override' changes inherited policies, but this framework does not extend another: add 'extends'"
        ],
        id="override-without-extends",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER + "remove:\n  - {id: R, reason: why}\n"},
        [
            "fw/framework.yaml:3:1: af-extends: remove: 'remove' changes inherited policies, but this framework does not extend another: add 'extends'"
        ],
        id="remove-without-extends",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER + "extends: ../nowhere\n"},
        ["fw/framework.yaml:3:10: af-reference: extends: no framework folder 'nowhere'"],
        id="extends-folder-not-found",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER + "extends: centrl\n",
            "bundled/central/framework.yaml": HEADER,
        },
        [
            "fw/framework.yaml:3:10: af-reference: extends: no framework folder 'fw/centrl' and no bundled framework 'centrl' (bundled: central) (did you mean 'central'?)"
        ],
        id="extends-name-not-found",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER + "extends: ../other\n",
            "other/framework.yaml": 'framework: other\nversion: "1"\nextends: ../fw\n',
        },
        ["other/framework.yaml:3:10: af-cycle: extends: extends loops back: fw → other → fw"],
        id="extends-cycle",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER + "extends: .\n"},
        ["fw/framework.yaml:3:10: af-cycle: extends: extends loops back: fw → fw"],
        id="extends-itself",
    ),
    pytest.param(
        {
            **BASE,
            "base/policies.yaml": policy_file("{id: R, kind: rul, title: T}"),
            "fw/framework.yaml": HEADER + "extends: ../base\n",
        },
        [
            "base/policies.yaml:2:19: af-enum: R.kind (policies[0]): unknown policy kind 'rul' (did you mean 'rule'?); expected one of oversight_cadence, required_information, personal_responsibility, rule, sanction, reward"
        ],
        id="error-in-the-base",
    ),
    pytest.param(
        {
            **BASE,
            "fw/framework.yaml": HEADER
            + "extends: ../base\noverride:\n  CAD-2: {severity: high}\n",
        },
        [
            "fw/framework.yaml:5:3: af-reference: override.CAD-2: no inherited policy 'CAD-2' (did you mean 'CAD-1'?)"
        ],
        id="override-not-inherited",
    ),
    pytest.param(
        {
            **BASE,
            "fw/framework.yaml": HEADER
            + "extends: ../base\noverride:\n  CAD-1: {evry: 2 weeks, kind: rule}\n",
        },
        [
            "fw/framework.yaml:5:11: af-key: override.CAD-1.evry: 'evry' is not a field of a oversight_cadence policy (did you mean 'every'?)",
            "fw/framework.yaml:5:26: af-key: override.CAD-1.kind: 'kind' is not a field of a oversight_cadence policy",
        ],
        id="override-unknown-field",
    ),
    pytest.param(
        {
            **BASE,
            "fw/framework.yaml": HEADER
            + "extends: ../base\noverride:\n  CAD-1: {every: fortnightly, severity: hihg, title: 5}\n",
        },
        [
            "fw/framework.yaml:5:18: af-value: override.CAD-1.every: 'every' must be a duration like '30 days', '2 weeks', '1 month', '1 year' or 'P1M' (got 'fortnightly')",
            "fw/framework.yaml:5:41: af-value: override.CAD-1.severity: 'severity' must be one of info, low, medium, high, critical (got 'hihg') (did you mean 'high'?)",
            "fw/framework.yaml:5:54: af-value: override.CAD-1.title: 'title' must be text (got 5)",
        ],
        id="override-invalid-values",
    ),
    pytest.param(
        {
            **BASE,
            "fw/framework.yaml": HEADER
            + "extends: ../base\noverride:\n  CAD-1: {every: params.evry}\n",
        },
        [
            "fw/framework.yaml:5:18: af-reference: override.CAD-1.every: 'every' refers to params.evry, which is not defined (did you mean 'every'?)"
        ],
        id="override-duration-param-undefined",
    ),
    pytest.param(
        {
            **BASE,
            "fw/framework.yaml": HEADER
            + "extends: ../base\nremove:\n  - {id: RULE-2, reason: why}\n",
        },
        [
            "fw/framework.yaml:5:10: af-reference: remove[0].id: no inherited policy 'RULE-2' (did you mean 'RULE-1'?)"
        ],
        id="remove-not-inherited",
    ),
    pytest.param(
        {**BASE, "fw/framework.yaml": HEADER + "extends: ../base\nremove:\n  - {id: RULE-1}\n"},
        ["fw/framework.yaml:5:5: af-missing: remove[0]: missing required key 'reason'"],
        id="remove-without-reason",
    ),
    pytest.param(
        {
            **BASE,
            "fw/framework.yaml": HEADER
            + "extends: ../base\nremove:\n  - {id: RULE-1, reason: a}\n  - {id: RULE-1, reason: b}\n",
        },
        [
            "fw/framework.yaml:6:10: af-duplicate: remove[1].id: policy 'RULE-1' is already removed at remove[0]"
        ],
        id="removed-twice",
    ),
    pytest.param(
        {
            **BASE,
            "fw/framework.yaml": HEADER + "extends: ../base\n",
            "fw/p.yaml": policy_file("{id: RULE-1, kind: rule, title: T, require: 'true'}"),
        },
        [
            "fw/p.yaml:2:10: af-duplicate: RULE-1.id (policies[0]): policy id 'RULE-1' is inherited from base; change it with override, or remove it first"
        ],
        id="new-policy-with-an-inherited-id",
    ),
    pytest.param(
        {**BASE, "fw/framework.yaml": HEADER + "extends: ../base\nparams: {every: monthly}\n"},
        [
            "fw/framework.yaml:4:17: af-value: params.every: CAD-1.every uses params.every as a duration: expected a duration like '30 days', '2 weeks', '1 month', '1 year' or 'P1M' (got 'monthly')"
        ],
        id="inherited-duration-param-redefined",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER
            + "roles:\n  - {id: accounting_officer}\n  - {id: sro, reports_to: accounting_oficer}\n"
        },
        [
            "fw/framework.yaml:5:27: af-reference: roles[1].reports_to: role 'sro' reports to 'accounting_oficer', which is not a role (did you mean 'accounting_officer'?)"
        ],
        id="role-reports-to-unknown",
    ),
    pytest.param(
        {
            "fw/framework.yaml": HEADER
            + "roles:\n  - {id: a, reports_to: b}\n  - {id: b, reports_to: a}\n"
        },
        [
            "fw/framework.yaml:4:25: af-cycle: roles[0].reports_to: the roles chain has a loop: a → b → a"
        ],
        id="role-loop",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER + "roles:\n  - {id: sro}\n  - {id: sro}\n"},
        [
            "fw/framework.yaml:5:10: af-duplicate: roles[1].id: duplicate role id 'sro' (first at roles[0])"
        ],
        id="duplicate-role",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER + "definitions:\n  contract: 'true'\n  is-major: 'true'\n"},
        [
            "fw/framework.yaml:4:3: af-value: definitions.contract: definition name 'contract' is a built-in variable; choose another",
            "fw/framework.yaml:5:3: af-value: definitions.is-major: definition name 'is-major' must be an identifier like is_major",
        ],
        id="definition-names",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER + "params:\n  review-every: 1 month\n"},
        [
            "fw/framework.yaml:4:3: af-value: params.review-every: parameter name 'review-every' must be an identifier like review_every"
        ],
        id="param-name",
    ),
    pytest.param(
        {"fw/framework.yaml": HEADER + "definitions:\n  d: true\n"},
        [
            "fw/framework.yaml:4:6: af-value: definitions.d: expected a string (got the boolean true); put it in quotes"
        ],
        id="definition-not-text",
    ),
]


@pytest.mark.parametrize(("files", "expected"), INVALID)
def test_invalid_framework_reports_every_problem_with_location(
    in_tmp: Path, files: dict[str, str], expected: list[str]
) -> None:
    write(in_tmp, files)
    with pytest.raises(af.FrameworkError) as raised:
        af.load_framework("fw")
    assert first_lines(raised.value) == expected


def test_every_problem_in_every_file_is_reported_in_one_error(in_tmp: Path) -> None:
    write(in_tmp, {
        "fw/framework.yaml": "framework: fw\ntitel: X\n",
        "fw/a.yaml": "policies: [\n",
        "fw/b.yaml": policy_file("{id: R, kind: rul, title: T}"),
        "fw/c.yaml": policy_file("{id: C, kind: oversight_cadence, title: T, every: sometimes}"),
    })  # fmt: skip
    with pytest.raises(af.FrameworkError) as raised:
        af.load_framework("fw")
    files = [str(d.location.file) for d in raised.value.diagnostics]
    assert files == sorted(files)
    assert [d.code for d in raised.value.diagnostics] == [
        "af-syntax", "af-enum", "af-value", "af-missing", "af-key",
    ]  # fmt: skip


def test_diagnostic_shows_the_source_line_and_a_caret(in_tmp: Path) -> None:
    write(in_tmp, {"fw/framework.yaml": HEADER, "fw/p.yaml": policy_file(
        "{id: C, kind: oversight_cadence, title: T, every: monthly}"
    )})  # fmt: skip
    with pytest.raises(af.FrameworkError) as raised:
        af.load_framework("fw")
    assert str(raised.value).splitlines()[1:] == [
        "      - {id: C, kind: oversight_cadence, title: T, every: monthly}",
        " " * 58 + "^",
    ]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("missing", "missing: af-io: no such file or folder"),
        ("fw/p.yaml", "fw/p.yaml: af-io: expected a framework folder or its framework.yaml"),
    ],
)
def test_a_path_that_is_not_a_framework(in_tmp: Path, target: str, expected: str) -> None:
    write(in_tmp, {"fw/framework.yaml": HEADER, "fw/p.yaml": policy_file()})
    with pytest.raises(af.FrameworkError) as raised:
        af.load_framework(target)
    assert first_lines(raised.value) == [expected]


# -- the JSON Schema -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = af.framework_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("file", sorted(p.name for p in VALID.glob("*.yaml")))
def test_schema_accepts_the_valid_fixture_files(
    validator: jsonschema.protocols.Validator, file: str
) -> None:
    assert list(validator.iter_errors(yaml.safe_load((VALID / file).read_text()))) == []


@pytest.mark.parametrize(
    "document",
    [
        {"policies": [{"kind": "rul", "id": "R", "title": "T", "require": "true"}]},
        {"policies": [{"kind": "rule", "id": "R", "title": "T"}]},
        {"policies": [{"kind": "rule", "id": "R", "title": "T", "require": "x", "every": "1 day"}]},
        {"policies": [], "polices": []},
        {"framework": "fw"},
        {"framework": "fw", "version": "1", "titel": "X"},
        {"framework": "fw", "version": "1", "params": {"bad-name": 1}},
        {"framework": "fw", "version": 1},
    ],
    ids=[
        "unknown-kind", "missing-require", "field-of-another-kind", "unknown-key",
        "missing-version", "unknown-header-key", "bad-param-name", "version-number",
    ],
)  # fmt: skip
def test_schema_rejects_what_the_loader_rejects(
    validator: jsonschema.protocols.Validator, document: dict[str, object]
) -> None:
    assert not validator.is_valid(document)


def test_schema_accepts_a_framework_yaml_with_policies_and_composition(
    validator: jsonschema.protocols.Validator,
) -> None:
    document = {
        "framework": "mine", "version": "1", "extends": "central",
        "override": {"CAD-1": {"every": "2 weeks"}},
        "remove": [{"id": "R", "reason": "why"}],
        "policies": [{"kind": "reward", "id": "W", "title": "T", "trigger": "true", "action": "A"}],
    }  # fmt: skip
    assert validator.is_valid(document)
    assert not validator.is_valid({**document, "remove": [{"id": "R"}]})


# -- robustness --------------------------------------------------------------------------------

_YAML_BITS = st.sampled_from([
    "policies:", "framework: fw", 'version: "1"', "extends: .", "override: {R: {every: x}}",
    "  - {id: R, kind: rule, title: T, require: 'true'}", "  - kind: sanction", "  - 5",
    "params: {a: 1 month}", "roles: [{id: a, reports_to: a}]", "definitions: {d: 'true'}",
    "remove: [{id: R}]", "- x", "  every: params.a", "&a [*a]", "!!python/none x", "{", ":", "",
])  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    header=st.lists(_YAML_BITS | st.text(max_size=20), max_size=6),
    policies=st.lists(_YAML_BITS | st.text(max_size=20), max_size=6),
)
def test_only_framework_errors_escape_for_any_files(header: list[str], policies: list[str]) -> None:
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / "fw"
        folder.mkdir()
        (folder / "framework.yaml").write_text("\n".join(header))
        (folder / "p.yaml").write_text("\n".join(policies))
        try:
            loaded: object = af.load_framework(folder)
        except af.FrameworkError as error:
            loaded = error.diagnostics
        if isinstance(loaded, tuple):  # every problem is located in a file
            assert loaded
            assert all(diagnostic.location.file for diagnostic in loaded)
        else:
            assert isinstance(loaded, af.Framework)
