"""Shared test configuration: golden-file regeneration, the shared data folder, and helpers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from accountframe import cel
from accountframe.errors import CelEvaluationError

# CI runs the same examples every time (a failure reproduces from the log); local runs keep
# drawing new ones, which is how new counterexamples are found.
settings.register_profile("ci", derandomize=True, print_blob=True)
# Mutation runs (benchmarks/mutation.py) run each test once per mutant: few examples, no deadline
# (a mutant may be slow on purpose), the same examples every time.
settings.register_profile(
    "mutation", max_examples=10, derandomize=True, deadline=None, database=None
)
if os.environ.get("CI"):
    settings.load_profile("ci")
if os.environ.get("ACCOUNTFRAME_HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["ACCOUNTFRAME_HYPOTHESIS_PROFILE"])

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the expected output of golden cases from what the code produces now",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def shared_data() -> Path:
    """The shared data folder: $ACCOUNTFRAME_SHARED_DATA, else ../shared/data beside the repo."""
    configured = os.environ.get("ACCOUNTFRAME_SHARED_DATA")
    return Path(configured) if configured else ROOT.parent / "shared" / "data"


def cel_outcome(expression: str, variables: dict[str, Any]) -> tuple[str, Any]:
    """("value", what `expression` gives with accountframe's engine) or ("error", its message)."""
    try:
        return "value", cel.compile(expression).evaluate(variables)
    except CelEvaluationError as error:
        return "error", error.cel_message


class DataChooser:
    """A `mutate.Chooser` (tests/fuzz/mutate.py) drawing from hypothesis, so that failures
    shrink and replay."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))
