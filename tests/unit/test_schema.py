"""The portfolio JSON Schema is generated from the model and agrees with the loader."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import accountframe as af

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "portfolios"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = af.portfolio_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_valid_fixture_validates(validator: jsonschema.protocols.Validator) -> None:
    data = json.loads(af.load_portfolio(FIXTURES / "valid.yaml").to_json())
    assert list(validator.iter_errors(data)) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        pytest.param(
            lambda d: d["contracts"][0].update(teir="gold"), ["contracts", 0], id="unknown-key"
        ),
        pytest.param(
            lambda d: d["contracts"][0].update(stage="lve"),
            ["contracts", 0, "stage"],
            id="bad-enum",
        ),
        pytest.param(
            lambda d: d["contracts"][0].pop("title"), ["contracts", 0], id="missing-required"
        ),
        pytest.param(lambda d: d.update(as_of="25/11/2026"), ["as_of"], id="bad-date"),
        pytest.param(
            lambda d: d.update(accountframe="portfolio/2"), ["accountframe"], id="bad-format"
        ),
        pytest.param(
            lambda d: d["people"][0].update(name=""), ["people", 0, "name"], id="empty-name"
        ),
    ],
)
def test_schema_rejects_what_the_loader_rejects(
    validator: jsonschema.protocols.Validator, change: object, path: list[object]
) -> None:
    data = json.loads(af.load_portfolio(FIXTURES / "valid.yaml").to_json())
    change(data)  # type: ignore[operator]
    errors = list(validator.iter_errors(data))
    assert [list(error.absolute_path) for error in errors] == [path]
    with pytest.raises(af.PortfolioError):
        af.Portfolio.from_dict(data)


def test_schema_documents_fields_and_defaults() -> None:
    contract = af.portfolio_schema()["$defs"]["Contract"]
    assert contract["properties"]["strategic"] == {
        "description": "Strategically important.",
        "type": "boolean",
        "default": False,
    }
    assert contract["required"] == ["id", "title", "stage"]
    assert contract["additionalProperties"] is False
