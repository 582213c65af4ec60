"""Hostile text in a portfolio file is a located error (exit 2), never an internal one: a lone
surrogate escaped in JSON, and whole numbers too long for Python to read."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

import accountframe as af
from accountframe.cli import main


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


def load(tmp_path: Path, name: str, text: str) -> af.PortfolioError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(af.PortfolioError) as caught:
        af.load_portfolio(path)
    return caught.value


@pytest.mark.parametrize(
    ("text", "column", "escape"),
    [
        pytest.param('{"organisation": "Ministry \\ud800 of Example"}', 28, "\\ud800", id="high"),
        pytest.param(
            '{"organisation": "x", "attributes": {"\\udc00k": 1}}', 39, "\\udc00", id="key"
        ),
        pytest.param('{"organisation": "\\ud83d\\ud83d"}', 19, "\\ud83d", id="two highs"),
        pytest.param('{"organisation": "\\ude00\\ud83d"}', 19, "\\ude00", id="low first"),
    ],
)
def test_a_lone_surrogate_in_json_is_a_located_error(
    tmp_path: Path, text: str, column: int, escape: str
) -> None:
    error = load(tmp_path, "p.json", text)
    (diagnostic,) = error.diagnostics
    assert (diagnostic.code, diagnostic.location.line, diagnostic.location.column) == (
        "af-encoding",
        1,
        column,
    )
    assert diagnostic.message.startswith(f"{escape} is half of a surrogate pair, not a character")
    for command in (["validate"], ["check"], ["schedule"]):
        code, err = run(*command, str(tmp_path / "p.json"))
        assert code == 2, err
        assert "internal error" not in err


def test_surrogate_pairs_and_escaped_backslashes_are_text(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"organisation": "\\ud83d\\ude00 and \\\\ud800"}', encoding="utf-8")
    assert af.load_portfolio(path).organisation == "\U0001f600 and \\ud800"


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        pytest.param(
            "p.json",
            '{"organisation": "x", "attributes": {"n": ' + "9" * 10_001 + "}}",
            (1, 43),
            id="json free value",
        ),
        pytest.param(
            "p.json",
            '{"organisation": "x", "contracts": [{"id": "c", "title": "t", "stage": "live", '
            '"value": {"total": -' + "9" * 10_001 + "}}]}",
            (1, 99),
            id="json typed field",
        ),
        pytest.param(
            "p.yaml", "organisation: x\nfigures: {n: " + "9" * 10_001 + "}\n", (2, 14), id="yaml"
        ),
        pytest.param(
            "p.yaml",
            "organisation: x\nattributes:\n  ? " + "9" * 10_001 + "\n  : key\n",
            (3, 5),
            id="yaml key",
        ),
    ],
)
def test_a_number_too_long_to_read_is_a_located_error(
    tmp_path: Path, name: str, text: str, where: tuple[int, int]
) -> None:
    error = load(tmp_path, name, text)
    found = [d for d in error.diagnostics if d.code == "af-value"]
    assert len(found) == 1
    (diagnostic,) = found
    assert diagnostic.message.endswith(
        "a whole number of 10,001 digits is too long to read (at most 4,300); quote it to keep "
        "it as text"
    )
    if name.endswith(".json"):
        assert (diagnostic.location.line, diagnostic.location.column) == where
    else:
        assert diagnostic.location.line == where[0]
    assert "sys.set_int_max_str_digits" not in error.render()
    assert len(error.render()) < 2_000  # the digits are not quoted whole
    code, err = run("validate", str(tmp_path / name))
    assert code == 2
    assert "internal error" not in err
