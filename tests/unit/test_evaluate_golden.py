"""Golden assessments: a framework folder and a portfolio, against the exact expected JSON.

Each folder under tests/golden/evaluate/ holds `framework/`, `portfolio.yaml` (whose `as_of`
fixes the date) and `expected.json`. The portfolio's comments say which boundary each contract
sits on. Regenerate with `pytest tests/unit/test_evaluate_golden.py --update-golden` and read
the diff before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import accountframe as af
from accountframe.schemas import assessment_schema

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "evaluate"
CASES = sorted(path for path in GOLDEN.iterdir() if path.is_dir())


def assess(case: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    # Paths in messages are as the user gave them: relative to the case, the same in any clone.
    monkeypatch.chdir(case)
    framework = af.load_framework("framework")
    portfolio = af.load_portfolio("portfolio.yaml")
    text = framework.evaluate(portfolio).to_json()
    # The library version changes with every release; the rest must not change by accident.
    return text.replace(f'"accountframe {af.__version__}"', '"accountframe VERSION"') + "\n"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_assessment(
    case: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    actual = assess(case, monkeypatch)
    expected_file = case / "expected.json"
    if update_golden:
        expected_file.write_text(actual)
    assert actual == expected_file.read_text()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_golden_assessment_matches_the_schema(case: Path) -> None:
    document = json.loads((case / "expected.json").read_text())
    jsonschema.Draft202012Validator(assessment_schema()).validate(document)


def test_the_cases_cover_every_status_of_every_kind() -> None:
    seen: set[tuple[str, str]] = set()
    for case in CASES:
        document = json.loads((case / "expected.json").read_text())
        seen |= {(f["kind"], f["status"]) for f in document["findings"]}
        seen |= {(c["effect"], c["status"]) for c in document["consequences"]}
    finding_kinds = ["oversight_cadence", "required_information", "personal_responsibility", "rule"]
    wanted = {
        (kind, status)
        for kind in finding_kinds
        for status in ("pass", "warn", "fail", "not_applicable", "error")
    }
    wanted -= {("rule", "warn")}  # a rule is true or false: it has no warning
    wanted -= {("oversight_cadence", "error")}  # covered by tests/unit/test_evaluate.py (counts_if)
    wanted |= {("rule", "waived")}
    wanted |= {
        (effect, status)
        for effect in ("sanction",)
        for status in ("due", "applied", "not_triggered", "error")
    }
    wanted |= {("reward", "due"), ("reward", "not_triggered")}
    assert wanted - seen == set()
