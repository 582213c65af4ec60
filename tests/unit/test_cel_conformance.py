"""CEL specification conformance cases, read in place from the shared data folder.

Both engines run through the same harness; the accountframe engine must pass at least as many
core cases as cel-python's interpreter, and nothing but an AccountframeError may escape either.

Tagged values (see the folder's README) become plain Python: uint becomes int (accountframe has
no unsigned type, so `1u == 1` here), timestamps become UTC datetimes, durations timedeltas.
A `type` expectation cannot be compared with a plain Python result: such cases are still
evaluated (to prove nothing but an AccountframeError escapes) and counted as unsupported.
"""

from __future__ import annotations

import base64
import datetime
import functools
import json
import math
import os
import re
from pathlib import Path
from typing import Any

import pytest

from accountframe import cel
from accountframe.errors import AccountframeError, CelError

pytestmark = pytest.mark.conformance

#: Measured floors per engine: (core passes, all passes).
FLOORS = {
    "celpy": (943, 1034),  # measured: core 943 of 1171, all 1034 of 1795 (cel-python 0.5.0)
    "accountframe": (1104, 1194),  # measured: core 1104 of 1171, all 1194 of 1795
}

_EXTENSION_FILES = {"optionals", "block_ext", "bindings_ext", "macros2"}


def _cases_path() -> Path:
    shared = os.environ.get("ACCOUNTFRAME_SHARED_DATA")
    root = (
        Path(shared) if shared else Path(__file__).resolve().parents[2].parent / "shared" / "data"
    )
    return root / "cel-conformance" / "simple.jsonl"


class Unsupported(Exception):
    """A tagged value with no plain Python form (a CEL type)."""


def plain(tagged: dict[str, Any]) -> Any:
    ((tag, value),) = tagged.items()
    if tag == "null":
        return None
    if tag == "bool":
        return bool(value)
    if tag in ("int", "uint"):
        return int(value)
    if tag == "double":
        return float(value)
    if tag == "string":
        return value
    if tag == "bytes":
        return base64.b64decode(value)
    if tag == "list":
        return [plain(item) for item in value]
    if tag == "map":
        return {plain(key): plain(item) for key, item in value}
    if tag == "timestamp":
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(
            datetime.UTC
        )
    if tag == "duration":
        return _duration(value)
    raise Unsupported(tag)


def _duration(text: str) -> datetime.timedelta:
    match = re.fullmatch(r"(-?)(\d+(?:\.\d+)?)s", text)
    assert match, text
    seconds = datetime.timedelta(seconds=float(match[2]))
    return -seconds if match[1] else seconds


def same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, float):
        return expected == actual or (math.isnan(expected) and math.isnan(actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(map(same, expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            same(v, actual[k]) for k, v in expected.items()
        )
    return type(expected) is type(actual) and expected == actual


def run_case(case: dict[str, Any], engine: cel.Engine = cel.DEFAULT_ENGINE) -> str:
    """'pass', 'fail' or 'unsupported'; anything but an AccountframeError propagates."""
    try:
        values = {name: plain(value) for name, value in case.get("bindings", {}).items()}
    except Unsupported:
        return "unsupported"
    expect = case["expect"]
    try:
        expected = plain(expect["value"]) if "value" in expect else None
        supported = True
    except Unsupported:
        supported = False
    try:
        result = cel.compile(case["expr"], engine=engine).evaluate(values)
    except CelError:
        return "pass" if expect.get("error") else ("fail" if supported else "unsupported")
    if not supported:
        return "unsupported"
    if expect.get("error"):
        return "fail"
    return "pass" if same(expected, result) else "fail"


@functools.cache
def measure(
    engine: cel.Engine,
) -> tuple[dict[str, list[int]], int, tuple[str, ...], frozenset[str]]:
    """(counts, unsupported, offenders, names of passing cases) for one engine."""
    path = _cases_path()
    if not path.is_file():
        pytest.skip(
            "../shared/data/cel-conformance not present: "
            "conformance cases are read in place from the shared data folder"
        )
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    counts = {"core": [0, 0], "all": [0, 0]}
    unsupported = 0
    offenders: list[str] = []
    passing: set[str] = set()
    for case in cases:
        core = not (case["file"].endswith("_ext") or case["file"] in _EXTENSION_FILES)
        try:
            outcome = run_case(case, engine)
        except AccountframeError:
            outcome = "fail"
        except Exception as error:  # the point of the test: collect, then fail
            offenders.append(f"{case['file']}/{case['name']}: {type(error).__name__}: {error}")
            outcome = "fail"
        unsupported += outcome == "unsupported"
        if outcome == "pass":
            passing.add(f"{case['file']}/{case['section']}/{case['name']}")
        for group in ("core", "all") if core else ("all",):
            counts[group][1] += 1
            counts[group][0] += outcome == "pass"
    return counts, unsupported, tuple(offenders), frozenset(passing)


@pytest.mark.parametrize("engine", cel.ENGINES)
def test_conformance(engine: cel.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    counts, unsupported, offenders, _ = measure(engine)
    with capsys.disabled():
        print(
            f"\nCEL conformance ({engine} engine): core {counts['core'][0]}/{counts['core'][1]}, "
            f"all {counts['all'][0]}/{counts['all'][1]} ({unsupported} unsupported expectations)"
        )
    assert offenders == (), "\n".join(offenders)
    core_floor, all_floor = FLOORS[engine]
    assert counts["core"][0] >= core_floor
    assert counts["all"][0] >= all_floor


def test_accountframe_engine_passes_at_least_what_celpy_passes() -> None:
    ours, _, _, _ = measure("accountframe")
    theirs, _, _, _ = measure("celpy")
    assert ours["core"][0] >= theirs["core"][0]
