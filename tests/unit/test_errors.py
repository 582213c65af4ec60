"""The error vocabulary: locations, the one message grammar, suggestions, the error tree."""

from __future__ import annotations

import pytest

import accountframe as af
from accountframe.errors import ERROR_CODES, closest, did_you_mean


@pytest.mark.parametrize(
    ("location", "text"),
    [
        (af.Location(), "<input>"),
        (af.Location(path="contracts[0]"), "contracts[0]"),
        (af.Location(file="p.yaml"), "p.yaml"),
        (af.Location(file="p.yaml", line=3), "p.yaml:3:1"),
        (af.Location(file="p.yaml", line=3, column=9, path="x"), "p.yaml:3:9"),
    ],
)
def test_location_text(location: af.Location, text: str) -> None:
    assert str(location) == text


def test_render_draws_caret_under_column_keeping_tabs() -> None:
    diagnostic = af.Diagnostic(
        "af-key", "unknown key 'x'", af.Location("p.yaml", 2, 3, "x"), source_line="\tax: 1\n"
    )
    assert diagnostic.render() == "p.yaml:2:3: af-key: x: unknown key 'x'\n    \tax: 1\n    \t ^"


def test_render_windows_long_lines_around_the_column() -> None:
    line = "a" * 300 + "X" + "b" * 300
    diagnostic = af.Diagnostic("af-value", "bad", af.Location("p.yaml", 1, 301), source_line=line)
    _, excerpt, caret = diagnostic.render().split("\n")
    assert excerpt.startswith("    ...")
    assert excerpt.endswith("...")
    assert len(excerpt) == 4 + 3 + 100 + 3
    assert excerpt[caret.index("^")] == "X"


def test_load_error_sorts_and_counts() -> None:
    error = af.LoadError(
        [
            af.Diagnostic("af-key", "second", af.Location("p.yaml", 5, 1)),
            af.Diagnostic("af-key", "first", af.Location("p.yaml", 2, 1)),
        ]
    )
    assert [d.message for d in error.diagnostics] == ["first", "second"]
    assert error.summary == "2 problems found"
    assert str(error) == "p.yaml:2:1: af-key: first\np.yaml:5:1: af-key: second"


def test_error_tree() -> None:
    assert issubclass(af.PortfolioError, af.LoadError)
    for error in (af.LoadError, af.CelError, af.UsageError):
        assert issubclass(error, af.AccountframeError)
    assert issubclass(af.CelCompileError, af.CelError)
    assert issubclass(af.CelEvaluationError, af.CelError)


def test_suggestions() -> None:
    assert closest("teir", ["tier", "title"]) == "tier"
    assert did_you_mean("organisaton", ["organisation", "roles"]) == (
        " (did you mean 'organisation'?)"
    )
    assert did_you_mean("zzzz", ["tier"]) == ""


def test_every_error_code_is_documented() -> None:
    assert all(code.startswith("af-") and meaning for code, meaning in ERROR_CODES.items())


# -- errors as plain data (issue 24: a web handler returns them as JSON) ----------------------


def test_diagnostic_to_dict_has_every_part_and_the_rendered_first_line() -> None:
    diagnostic = af.Diagnostic(
        "af-key",
        "unknown key 'teir' (did you mean 'tier'?)",
        af.Location("p.yaml", 11, 5, "contracts[0].teir"),
        source_line="    teir: gold\n",
    )
    assert diagnostic.to_dict() == {
        "code": "af-key",
        "severity": "error",
        "policy": None,
        "message": "unknown key 'teir' (did you mean 'tier'?)",
        "location": {"file": "p.yaml", "line": 11, "column": 5, "path": "contracts[0].teir"},
        "source_line": "    teir: gold\n",
        "text": "p.yaml:11:5: af-key: contracts[0].teir: unknown key 'teir' (did you mean 'tier'?)",
    }


def test_a_load_error_to_dict_lists_every_diagnostic_in_order() -> None:
    with pytest.raises(af.PortfolioError) as caught:
        af.Portfolio.from_dict({"organisation": 5, "contracts": [{"id": "C1"}]})
    data = caught.value.to_dict()
    assert data["code"] == "af-portfolio"
    assert data["message"] == caught.value.summary == "3 problems found"
    assert [(d["code"], d["location"]["path"]) for d in data["diagnostics"]] == [
        ("af-missing", "contracts[0]"),
        ("af-missing", "contracts[0]"),
        ("af-value", "organisation"),
    ]
    assert data["diagnostics"][0]["message"] == "missing required key 'stage'"


def test_a_cel_compile_error_to_dict_carries_its_diagnostic_and_cel_parts() -> None:
    with pytest.raises(af.CelCompileError) as caught:
        af.cel.compile("1 +")
    data = caught.value.to_dict()
    assert data["code"] == "af-cel-syntax"
    assert data["source"] == "1 +"
    assert data["cel_message"] == caught.value.cel_message
    assert [d["code"] for d in data["diagnostics"]] == ["af-cel-syntax"]


def test_a_cel_evaluation_error_to_dict() -> None:
    with pytest.raises(af.CelEvaluationError) as caught:
        af.cel.compile("1 / 0").evaluate({})
    data = caught.value.to_dict()
    assert (data["code"], data["diagnostics"]) == ("af-cel-eval", [])
    assert "divide by zero" in data["cel_message"] or "division" in data["cel_message"]


def test_every_error_class_has_a_json_form() -> None:
    """Every class of the tree gives plain data that JSON takes, with its own code."""
    import json

    from accountframe.load.ocds import OcdsError

    made: list[af.AccountframeError] = [
        af.AccountframeError("root"),
        af.LoadError([]),
        af.PortfolioError([af.Diagnostic("af-missing", "m", af.Location("p.yaml", 1, 1))]),
        af.FrameworkError([af.Diagnostic("af-key", "k")]),
        OcdsError([af.Diagnostic("af-io", "no such file", af.Location("x.json"))]),
        af.CelError("bad", source="x", location=af.Location("f.yaml", 2, 3)),
        af.CelCompileError("bad", source="1 +", diagnostic=af.Diagnostic("af-cel-syntax", "bad")),
        af.CelEvaluationError("no such key", source="a.b"),
        af.UsageError("no such format"),
    ]
    for error in made:
        data = json.loads(json.dumps(error.to_dict()))
        assert data["code"] == error.code
        assert isinstance(data["message"], str)
        assert data["message"]
        assert len(data["diagnostics"]) == len(error.problems())
