"""`af.lint`: every problem at once, errors and warnings; `{params.NAME}` in policy texts."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import jsonschema
import pytest

import accountframe as af
from accountframe.cli import main
from accountframe.errors import Diagnostic, Location
from accountframe.framework.files import identify

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "policies" / "uk-central-government"
HEADER = 'framework: mine\nversion: "1"\n'


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def codes(report: af.LintReport) -> list[tuple[str, str, str]]:
    return [(d.code, d.severity, d.location.path) for d in report.diagnostics]


def test_the_bundled_framework_lints_clean() -> None:
    report = af.lint("uk-central-government")
    assert report.diagnostics == ()
    assert report.ok
    assert report.framework is not None
    assert report.framework.name == "uk-central-government"


def test_a_misspelt_parameter_in_an_extension_is_an_error_with_a_suggestion(
    tmp_path: Path,
) -> None:
    # The problem 1: `lint` said ok, and the cadence silently stayed at a month.
    folder = write(
        tmp_path,
        {"fw/framework.yaml": HEADER + "extends: uk-central-government\n"
         "params:\n  gold_sro_reveiw_every: 2 weeks\n"},
    )  # fmt: skip
    report = af.lint(folder / "fw")
    assert not report.ok
    assert report.framework is None
    (diagnostic,) = report.diagnostics
    assert diagnostic.render().splitlines()[0] == (
        f"{folder / 'fw' / 'framework.yaml'}:5:3: af-unused: params.gold_sro_reveiw_every: "
        "parameter 'gold_sro_reveiw_every' is set, but nothing uses it "
        "(did you mean 'gold_sro_review_every'?)"
    )
    # load_framework does not run lint's checks: the framework still loads.
    assert af.load_framework(folder / "fw").params["gold_sro_reveiw_every"] == "2 weeks"


def test_unused_parameters_and_definitions_by_whom_they_were_set() -> None:
    rule = af.Rule(id="R-1", title="T", require="contract.value.total > params.limit")
    base = af.Framework(
        name="base",
        version="1",
        params={"limit": 5.0, "spare": 1, "every": "1 month"},
        definitions={"is_big": "contract.value.total > 10.0"},
        policies=[rule],
    )
    # In a framework that extends nothing: warnings.
    assert codes(af.lint(base)) == [
        ("af-unused", "warning", "definitions.is_big"),
        ("af-unused", "warning", "params.every"),
        ("af-unused", "warning", "params.spare"),
    ]
    # Inherited and left alone: the base's business, not reported.
    assert codes(af.lint(base.extend("same"))) == []
    # An inherited one given a new value: a warning; a new one: an error; a new definition
    # nothing uses: a warning.
    mine = base.extend(
        "mine", params={"spare": 2, "limt": 4.0}, definitions={"is_small": "!is_big"}
    )
    assert codes(af.lint(mine)) == [
        ("af-unused", "warning", "definitions.is_small"),
        ("af-unused", "error", "params.limt"),
        ("af-unused", "warning", "params.spare"),
    ]
    assert af.lint(mine).errors[0].message == (
        "parameter 'limt' is set, but nothing uses it (did you mean 'limit'?)"
    )


def test_every_way_of_using_a_parameter_counts() -> None:
    policies = [
        af.Rule(id="R-1", title="T", require='contract.value.total > params["in_brackets"]'),
        af.OversightCadence(id="C-1", title="Reviews", every="params.in_a_duration"),
        af.Rule(id="R-2", title="Above {params.in_a_title}", require="true"),
        af.Rule(id="R-3", title="T", require="is_used"),
    ]
    fw = af.Framework(
        name="f",
        version="1",
        params={"in_brackets": 1.0, "in_a_duration": "1 month", "in_a_title": 3, "in_a_def": 2},
        definitions={"is_used": "contract.value.total > params.in_a_def"},
        policies=policies,
    )
    assert af.lint(fw).diagnostics == ()


def test_every_stage_in_one_run(tmp_path: Path) -> None:
    # The problem 2: a remove without a reason, an override of an unknown id and a
    # misspelt override key took three runs; an unknown kind and a bad duration hid a CEL error.
    folder = write(
        tmp_path,
        {
            "fw/framework.yaml": HEADER + "extends: uk-central-government\n"
            "override:\n  CAD-GOLD-SRO: {severty: critical}\n  CAD-NOPE: {severity: low}\n"
            "remove:\n  - id: CAD-RISK\n",
            "fw/policies.yaml": "policies:\n"
            "  - {id: R-KIND, kind: rulle, title: T, require: 'true'}\n"
            "  - {id: R-DUR, kind: oversight_cadence, title: T, every: monthly}\n"
            "  - {id: R-FN, kind: rule, title: T, require: 'nosuch(contract)'}\n"
            "  - {id: R-PARAM, kind: rule, title: T, require: 'params.nope > 1'}\n"
            "  - {id: R-TYPE, kind: rule, title: T, require: 'contract.stage == 3'}\n",
        },
    )
    report = af.lint(folder / "fw")
    assert [(d.code, d.policy, d.location.path) for d in report.diagnostics] == [
        ("af-key", None, "override.CAD-GOLD-SRO.severty"),
        ("af-reference", None, "override.CAD-NOPE"),
        ("af-missing", None, "remove[0]"),
        ("af-enum", "R-KIND", "policies[0].kind"),
        ("af-value", "R-DUR", "policies[1].every"),
        ("af-unknown", "R-FN", "policies[2].require"),
        ("af-type", "R-PARAM", "policies[3].require"),
        ("af-type", "R-TYPE", "policies[4].require"),
    ]
    # load_framework raises the load problems at once; compiling never happens.
    with pytest.raises(af.FrameworkError) as caught:
        af.load_framework(folder / "fw")
    assert len(caught.value.diagnostics) == 5


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("p.yaml", {"accountframe": "portfolio/1", "organisation": "X"}, "a portfolio (portfolio/1)"),
        ("p.yaml", {"organisation": "X", "contracts": []}, "a portfolio (portfolio/1)"),
        ("mkdocs.yml", {"site_name": "X"}, "an mkdocs configuration (mkdocs.yml)"),
        ("t.yaml", {"tests": []}, "policy tests, which belong in the tests/ folder"),
        ("f.yaml", {"framework": "x", "version": "1"}, "a framework file: a folder holds one framework, in framework.yaml"),
        ("o.json", {"releases": []}, "OCDS data: make a portfolio of it with accountframe import ocds"),
        ("n.yaml", {"owner": "me"}, None),
        ("p.yaml", {"policies": []}, None),
    ],
)  # fmt: skip
def test_what_a_stray_file_is(name: str, data: dict[str, object], what: str | None) -> None:
    assert identify(name, data) == what


def test_a_misspelt_policies_key_is_still_a_policy_file(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        {"fw/framework.yaml": HEADER, "fw/p.yaml": "polices:\n  - {id: R, kind: rule}\n"},
    )
    report = af.lint(folder / "fw")
    assert [(d.code, d.message) for d in report.diagnostics] == [
        ("af-missing", "missing required key 'policies'"),
        (
            "af-key",
            "unknown key 'polices' in a policy file, which holds only 'policies' "
            "(did you mean 'policies'?)",
        ),
    ]


def test_paths_name_the_policy_by_id_and_by_position() -> None:
    diagnostic = Diagnostic(
        "af-type", "m", Location(file="p.yaml", line=3, column=4, path="policies[2].require"),
        policy="DFR-RULE-POTHOLES",
    )  # fmt: skip
    assert diagnostic.render() == "p.yaml:3:4: af-type: DFR-RULE-POTHOLES.require (policies[2]): m"
    whole = attrs_evolve_path(diagnostic, "policies[2]")
    assert whole.render() == "p.yaml:3:4: af-type: DFR-RULE-POTHOLES (policies[2]): m"
    with pytest.raises(ValueError, match="severity"):
        Diagnostic("af-type", "m", severity="fatal")  # type: ignore[arg-type]


def attrs_evolve_path(diagnostic: Diagnostic, path: str) -> Diagnostic:
    location = Location(
        file=diagnostic.location.file,
        line=diagnostic.location.line,
        column=diagnostic.location.column,
        path=path,
    )
    return Diagnostic(diagnostic.code, diagnostic.message, location, policy=diagnostic.policy)


def test_placeholders_render_in_titles_rationales_and_actions() -> None:
    policies = [
        af.OversightCadence(
            id="C-1",
            title="The SRO reviews each contract every {params.every}",
            rationale="At most {params.every} between reviews; tiers {params.tiers}.",
            every="params.every",
        ),
        af.Sanction(
            id="S-1", title="Credit", trigger="true", action="Credit within {params.within}"
        ),
    ]
    fw = af.Framework(
        name="f",
        version="1",
        params={"every": "1 month", "tiers": ["gold", "silver"], "within": "30 days"},
        policies=policies,
    )
    assert fw.policies[0].title == "The SRO reviews each contract every 1 month"
    assert fw.policies[0].rationale == "At most 1 month between reviews; tiers gold, silver."
    assert fw.policies[1].action == "Credit within 30 days"
    mine = fw.extend("mine", params={"every": "2 weeks"})
    assert mine.policies[0].title == "The SRO reviews each contract every 2 weeks"
    assert mine.as_written(mine.policies[0]).title == policies[0].title
    # Overriding the text replaces the template; extending again keeps the override.
    fixed = mine.extend("fixed", override={"C-1": {"title": "Fortnightly reviews"}})
    assert fixed.policies[0].title == "Fortnightly reviews"
    assert fixed.extend("again", params={"every": "1 week"}).policies[0].title == (
        "Fortnightly reviews"
    )
    # Evaluation and reports see the rendered text.
    rule = af.Rule(id="R-1", title="Value above {params.limit}", require="true")
    ruled = af.Framework(name="r", version="1", params={"limit": 5000000.0}, policies=[rule])
    portfolio = af.Portfolio.from_dict(
        {"organisation": "X", "contracts": [{"id": "C-1", "title": "T", "stage": "live"}]}
    )
    finding = ruled.evaluate(portfolio, as_of=datetime.date(2026, 1, 1)).findings[0]
    assert finding.message == "met: Value above 5000000"


def test_an_unknown_placeholder_is_an_error_when_compiled() -> None:
    rule = af.Rule(id="R-1", title="Above {params.limt}", require="true")
    fw = af.Framework(name="f", version="1", params={"limit": 5}, policies=[rule])
    assert fw.policies[0].title == "Above {params.limt}"  # left as written
    with pytest.raises(af.FrameworkError) as caught:
        af.compile(fw)
    assert [d.render() for d in caught.value.diagnostics] == [
        "R-1.title: af-reference: 'title' uses {params.limt}, which is not a parameter "
        "(did you mean 'limit'?)"
    ]


def test_a_title_that_contradicts_its_parameter_warns(tmp_path: Path) -> None:
    # The problem 4: a base titled "monthly", extended with every: 2 weeks.
    folder = write(
        tmp_path,
        {
            "base/framework.yaml": 'framework: base\nversion: "1"\nparams:\n  every: 1 month\n',
            "base/policies.yaml": "policies:\n  - {id: CAD-GOLD-SRO, kind: oversight_cadence, "
            "title: The SRO reviews every live gold contract monthly, every: params.every}\n",
            "fw/framework.yaml": HEADER + "extends: ../base\nparams:\n  every: 2 weeks\n",
        },
    )
    report = af.lint(folder / "fw")
    assert report.ok
    (warning,) = report.warnings
    assert (warning.code, warning.location.path, warning.location.line) == (
        "af-drift",
        "params.every",
        5,
    )
    # Fixed with a placeholder in the title: no warning, and the text says 2 weeks.
    (folder / "fw" / "framework.yaml").write_text(
        HEADER + "extends: ../base\nparams:\n  every: 2 weeks\n"
        "override:\n  CAD-GOLD-SRO:\n    title: The SRO reviews every live gold contract "
        "every {params.every}\n"
    )
    report = af.lint(folder / "fw")
    assert report.diagnostics == ()
    assert report.framework is not None
    assert report.framework.policy("CAD-GOLD-SRO").title == (
        "The SRO reviews every live gold contract every 2 weeks"
    )


def test_the_bundled_titles_follow_their_parameters(tmp_path: Path) -> None:
    """The bundled framework writes its periods as {params.NAME}: a body that changes one gets
    no drift warning, and titles that say its value."""
    folder = write(
        tmp_path,
        {"fw/framework.yaml": HEADER + "extends: uk-central-government\n"
         "params:\n  gold_sro_review_every: 2 weeks\n"},
    )  # fmt: skip
    report = af.lint(folder / "fw")
    assert report.diagnostics == ()
    assert report.framework is not None
    assert report.framework.policy("CAD-GOLD-SRO").title == (
        "The SRO reviews every live gold contract every 2 weeks"
    )


def test_a_title_of_the_framework_itself_that_drifts_warns_at_the_title() -> None:
    cadence = af.OversightCadence(id="C-1", title="Reviewed quarterly", every="params.every")
    fw = af.Framework(name="f", version="1", params={"every": "1 month"}, policies=[cadence])
    (warning,) = af.lint(fw).warnings
    assert warning.render() == (
        "C-1.title: warning: af-drift: the title says 'quarterly', but the policy's durations "
        "are every: 1 month, grace: 0 days, warn_before: 0 days (from params.every); write the "
        "period as {params.every}, or change the title"
    )


@pytest.mark.parametrize(
    ("args", "code", "stdout", "last"),
    [
        (["lint"], 0, "ok: uk-central-government 2027.1: 48 policies\n", None),
        (["lint", "{fw}"], 0, "ok: mine 1: 48 policies, and 1 warning\n", None),
        (["lint", "--strict", "{fw}"], 2, "", "error: {fw}: 1 warning (--strict)"),
    ],
)
def test_cli_lint_warnings_and_strict(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    stdout: str,
    last: str | None,
) -> None:
    fw = tmp_path / "fw"
    write(tmp_path, {"fw/framework.yaml": HEADER + "extends: uk-central-government\n"
                     "definitions:\n  is_road: contract.stage == 'live'\n"})  # fmt: skip
    assert main([arg.format(fw=fw) for arg in args]) == code
    out, err = capsys.readouterr()
    assert out == stdout
    if last is not None:
        assert err.splitlines()[-1] == last.format(fw=fw)
    if "{fw}" in args:
        assert "warning: af-unused: definitions.is_road" in err


def test_the_bundled_framework_copied_and_extended_cleanly_still_lints_clean(
    tmp_path: Path,
) -> None:
    shutil.copytree(BUNDLED, tmp_path / "central")
    write(tmp_path, {"fw/framework.yaml": HEADER + "extends: ../central\n"})
    assert af.lint(tmp_path / "fw").diagnostics == ()


def test_a_definition_with_a_title_loads_and_the_schema_takes_both_forms(tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        {
            "fw/framework.yaml": HEADER + "definitions:\n  is_gold: contract.tier == 'gold'\n"
            "  is_live:\n    expression: contract.stage == 'live'\n"
            "    title: the contract is live\n",
            "fw/p.yaml": "policies:\n  - {id: R-1, kind: rule, title: T, "
            "applies_to: is_live && is_gold, require: 'true'}\n",
        },
    )
    fw = af.load_framework(folder / "fw")
    assert fw.definitions == {
        "is_gold": "contract.tier == 'gold'",
        "is_live": "contract.stage == 'live'",
    }
    assert fw.definition_titles == {"is_live": "the contract is live"}
    assert af.lint(folder / "fw").diagnostics == ()
    validator = jsonschema.Draft202012Validator(af.framework_schema())
    header = {"framework": "f", "version": "1"}
    for good in ({"a": "true"}, {"a": {"expression": "true", "title": "t"}}):
        assert list(validator.iter_errors({**header, "definitions": good})) == []
    for bad in ({"a": {"expression": "true", "titel": "t"}}, {"a": 5}):
        assert len(list(validator.iter_errors({**header, "definitions": bad}))) == 1
    # A misspelt key of the mapping form is found by the loader, at the key.
    (folder / "fw" / "framework.yaml").write_text(
        HEADER + "definitions:\n  is_gold: 'true'\n  is_live:\n    expression: 'true'\n"
        "    titel: live\n"
    )
    assert [(d.code, d.location.path) for d in af.lint(folder / "fw").errors] == [
        ("af-key", "definitions.is_live.titel")
    ]
