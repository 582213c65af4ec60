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
