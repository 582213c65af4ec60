"""`accountframe.sanitise`: one sanitiser per output kind, by example; and the reproductions of
issue 26 that are about outputs, through the command line.

Ordinary text (any script, punctuation, the bidi marks) passes every sanitiser unchanged: that
is what keeps the reports byte-identical for ordinary data. The property tests
(tests/property/test_hostile_outputs.py) generate the hostile classes; these are the examples.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest

from accountframe import jsontext, sanitise
from accountframe.cli import main
from conftest import FIXTURES, ROOT

ORDINARY = [
    "Ministry of Example",
    "Électricité de France — 3½% £1,200,000 (2026-27)",
    "контракт 合同 عقد",
    "שלום\u200f world",  # a right-to-left mark is ordinary text
    "a_b *c* `d` #e !f {g} ~h ^i (j) $k %l 'm' \"n\" ;o :p ?q /r",
    "snake_case_id.v2-final",
    "emoji 🙂 and combining e\u0301",
]

SANITISERS = {
    "terminal": sanitise.terminal,
    "terminal_line": sanitise.terminal_line,
    "csv_cell": sanitise.csv_cell,
    "xml_text": sanitise.xml_text,
    "ics_text": sanitise.ics_text,
}


@pytest.mark.parametrize("text", ORDINARY)
@pytest.mark.parametrize("name", sorted(SANITISERS))
def test_ordinary_text_is_unchanged(name: str, text: str) -> None:
    assert SANITISERS[name](text) == text


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_needs_no_escaping_in_json(text: str) -> None:
    assert jsontext.dumps(text) == json.dumps(text, ensure_ascii=False)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param(
            "a\x1b]52;c;ZXZpbA==\x07b", "a\\x1b]52;c;ZXZpbA==\\x07b", id="osc-52-clipboard"
        ),
        pytest.param("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07", id="osc-0-title"),
        pytest.param("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H", id="csi-clear-screen"),
        pytest.param("\x9b2J \x9d0;t\x9c", "\\x9b2J \\x9d0;t\\x9c", id="c1-8-bit-forms"),
        pytest.param("pass\rfail", "pass\\rfail", id="carriage-return"),
        pytest.param("\x00\x08\x7f", "\\x00\\x08\\x7f", id="nul-backspace-del"),
        pytest.param("txt.\u202eexe", "txt.\\u202eexe", id="right-to-left-override"),
        pytest.param("\u2066x\u2069", "\\u2066x\\u2069", id="bidi-isolates"),
        pytest.param("a\u2028b", "a\\u2028b", id="line-separator"),
        pytest.param("\ud800", "\\ud800", id="lone-surrogate"),
        pytest.param("two\nlines\tand a tab", "two\nlines\tand a tab", id="lines-kept"),
    ],
)
def test_terminal_shows_what_would_act_on_it(text: str, shown: str) -> None:
    assert sanitise.terminal(text) == shown
    shown.encode()  # writable: a lone surrogate is not


def test_a_one_line_field_cannot_start_a_line() -> None:
    assert sanitise.terminal_line("p-1\nok: all clear\t") == "p-1\\nok: all clear\\t"


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "\\r=1+1"),  # shown, so no longer a prefix
        ("\uff1d1+1", "'\uff1d1+1"),  # fullwidth equals sign
        ("1+1=2", "1+1=2"),
        ("a\n=b", "a\n=b"),  # a line break inside a cell is quoted by the CSV writer
        ("x\x1b[2J", "x\\x1b[2J"),
        ("", ""),
    ],
)
def test_csv_cells_never_start_a_formula(text: str, cell: str) -> None:
    assert sanitise.csv_cell(text) == cell


def test_xml_text_is_well_formed_for_any_character() -> None:
    hostile = "".join(map(chr, range(0x20))) + "\x7f\x85\ud800\udfff\ufffe\uffff]]><!--&<>\"'"
    element = ET.Element("failure", {"message": sanitise.xml_text(hostile)})
    element.text = sanitise.xml_text(hostile)
    read = ET.fromstring(ET.tostring(element, encoding="utf-8"))
    assert read.attrib["message"] == read.text
    assert read.text is not None
    assert read.text.startswith("\\x00\\x01")
    assert read.text.endswith("\\ufffe\\uffff]]><!--&<>\"'")


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("![i](http://evil.example/i.png)", "!\\[i\\](http://evil.example/i.png)"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<http://evil.example>", "&lt;http://evil.example&gt;"),
        ("&#106;avascript:", "&amp;#106;avascript:"),
        ("a | b \\ c", "a \\| b \\\\ c"),
        ("two\nlines", "two<br>lines"),
        ("bell\x07", "bell\\\\x07"),  # shown, then its backslash escaped: renders as \x07
    ],
)
def test_markdown_makes_no_link_or_element(text: str, markdown: str) -> None:
    assert sanitise.markdown_inline(text) == markdown


def test_html_text_escapes_and_shows() -> None:
    assert sanitise.html_text('<a href="x">\u202e&') == "&lt;a href=&quot;x&quot;&gt;\\u202e&amp;"


# -- the reproductions of issue 26, through the command line --------------------------------


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_a_line_break_in_the_organisation_makes_a_valid_calendar(tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio.yaml"
    text = (FIXTURES / "portfolios" / "cli.yaml").read_text()
    portfolio.write_text(
        text.replace("organisation: CLI Test Department", 'organisation: "CLI Test\\nDepartment"')
    )
    code, out, err = run(
        ["schedule", str(portfolio), "-f", str(FIXTURES / "frameworks" / "cli"), "--format", "ics"]
    )
    assert code == 0, err
    calendar = icalendar.Calendar.from_ical(out.encode())
    assert "X-WR-CALNAME:Oversight schedule: CLI Test\\nDepartment\r\n" in out
    assert len(calendar.walk("VEVENT")) > 0


def test_an_amount_that_is_not_finite_is_an_error_not_infinity_in_json() -> None:
    case = ROOT / "tests" / "golden" / "check" / "amount-not-finite"
    code, out, _ = run(
        ["check", str(case / "portfolio.yaml"), "-f", str(case / "framework"), "--format", "json"]
    )
    assert code == 0
    data = json.loads(out, parse_constant=pytest.fail)
    (consequence,) = data["consequences"]
    assert (consequence["status"], consequence["amount"]) == ("error", None)
    assert consequence["message"].startswith("amount must be a finite number (got inf)")


def test_explain_writes_a_value_that_is_not_finite_as_a_json_string(tmp_path: Path) -> None:
    framework = tmp_path / "framework"
    framework.mkdir()
    (framework / "framework.yaml").write_text(
        "framework: infinite\n"
        'version: "1"\n'
        "title: A definition that divides by zero\n"
        "roles: [{id: accounting_officer}, {id: sro, reports_to: accounting_officer}]\n"
        "definitions:\n"
        "  per_day: contract.value.total / 0.0\n"
        "  nothing: 0.0 / 0.0\n"
        "policies:\n"
        "  - {id: R1, kind: rule, title: Finite, require: per_day > 0.0 && nothing != nothing}\n"
    )
    code, out, err = run(
        ["explain", "R1", "C-1", str(FIXTURES / "portfolios" / "cli.yaml"), "-f", str(framework),
         "--format", "json"]
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out, parse_constant=pytest.fail)
    read = {value["path"]: value["value"] for e in data["evaluations"] for value in e["values"]}
    assert (read["per_day"], read["nothing"]) == ("Infinity", "NaN")
    assert jsontext.dumps([math.inf, -math.inf, math.nan], None) == (
        '["Infinity", "-Infinity", "NaN"]'
    )
