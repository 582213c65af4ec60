"""cel-python 0.5.0 behaviour that accountframe.cel is designed around.

Each test fails if cel-python changes the behaviour; the comment says what to revisit then.
"""

from __future__ import annotations

import inspect
import subprocess
import sys

import celpy
import pytest
from celpy.celparser import CELParser

from accountframe import cel
from accountframe.errors import CelEvaluationError


def test_environment_raises_the_recursion_limit() -> None:
    # If this fails, celpy stopped touching the limit: _engine's save/restore can go.
    code = (
        "import sys, celpy; sys.setrecursionlimit(1000); celpy.Environment(); "
        "print(sys.getrecursionlimit())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "2500"


def test_our_engine_restores_the_recursion_limit() -> None:
    # A fresh process, so the engine is created here and not by an earlier test.
    code = (
        "import sys; sys.setrecursionlimit(1234); from accountframe import cel; "
        "assert cel.compile('1 + 1').evaluate({}) == 2; print(sys.getrecursionlimit())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": ":".join(p for p in sys.path if p)},
    )
    assert out.stdout.strip() == "1234"


def test_parser_is_a_process_wide_singleton() -> None:
    # If this fails, celpy no longer caches the lark parser on the class: _engine may build
    # its own parser instead of calling CELParser.CEL_PARSER under a lock.
    cel.compile("1")
    assert CELParser.CEL_PARSER is not None
    assert CELParser().__class__.CEL_PARSER is CELParser.CEL_PARSER


def test_cross_type_numeric_comparison_is_an_error() -> None:
    # If this fails, celpy implemented heterogeneous equality: update the deviations table in
    # docs/cel.md and the differential test's skip predicate.
    with pytest.raises(CelEvaluationError) as caught:
        cel.compile("1 == 1.0", engine="celpy").evaluate({})
    assert caught.value.cel_message == "no matching overload for '==' applied to (int, double)"
    with pytest.raises(CelEvaluationError):
        cel.compile("2 > 1.5", engine="celpy").evaluate({})


def test_celpy_duration_regex_backtracks() -> None:
    # The unguarded pattern nests quantifiers; if celpy fixes it, the guard in
    # functions.duration becomes belt and braces (keep it: it also bounds the length).
    source = inspect.getsource(celpy.celtypes.DurationType.__new__)
    assert r"([0-9]*(\.[0-9]*)?[a-z]+)+" in source


@pytest.mark.parametrize(
    "text",
    ["1" * 40 + "s", "a" * 40 + "!", "1" * 40 + "!", "1.1" * 30, "-" + "9" * 100 + "h"],
    ids=["long-digits", "letters-bang", "digits-bang", "repeated-decimals", "huge"],
)
@pytest.mark.parametrize("engine", cel.ENGINES)
def test_hostile_duration_strings_fail_as_evaluation_errors(text: str, engine: cel.Engine) -> None:
    # No timing assertion: a regression would hang this test rather than fail it.
    with pytest.raises(CelEvaluationError) as caught:
        cel.compile("duration(s)", engine=engine).evaluate({"s": text})
    # The 41-character all-digit case is well formed but out of range: celpy reports that.
    assert caught.value.cel_message.startswith("duration(")


@pytest.mark.parametrize("engine", cel.ENGINES)
def test_hostile_timestamp_strings_fail_as_evaluation_errors(engine: cel.Engine) -> None:
    with pytest.raises(CelEvaluationError) as caught:
        cel.compile("timestamp(s)", engine=engine).evaluate({"s": "2026" * 50})
    assert caught.value.cel_message.startswith("timestamp() expects an RFC 3339 timestamp")


@pytest.mark.parametrize("engine", cel.ENGINES)
def test_valid_durations_still_parse(engine: cel.Engine) -> None:
    assert cel.compile("duration('1h30m') == duration('5400s')", engine=engine).evaluate({})
