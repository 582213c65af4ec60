"""The documentation is tested: its examples run, and its tables match the code."""

from __future__ import annotations

import doctest
import re
import shutil
from pathlib import Path

import pytest

import accountframe as af
from accountframe.errors import ERROR_CODES

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
PYCON = re.compile(r"```pycon\n(.*?)```", re.DOTALL)
PAGES_WITH_EXAMPLES = [page for page in PAGES if PYCON.search(page.read_text())]


def test_there_are_examples_to_run() -> None:
    assert sum(len(PYCON.findall(page.read_text())) for page in PAGES) >= 8


@pytest.mark.parametrize("page", PAGES_WITH_EXAMPLES, ids=lambda page: page.name)
def test_examples_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page's examples run in order in one namespace, as a reader follows them."""
    monkeypatch.chdir(ROOT)  # examples name files relative to the repository, as users run them
    namespace: dict[str, object] = {}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    output: list[str] = []
    for index, block in enumerate(PYCON.findall(page.read_text())):
        name = f"{page.name}#{index}"
        test = doctest.DocTestParser().get_doctest(block, namespace, name, str(page), 0)
        runner.run(test, out=output.append, clear_globs=False)
        namespace = test.globs  # DocTest copies its globals: carry them to the next block
    assert runner.tries > 0
    assert runner.failures == 0, "".join(output)


def test_portfolio_page_documents_every_field() -> None:
    text = (ROOT / "docs" / "portfolio.md").read_text()
    schema = af.portfolio_schema()
    classes = {"Portfolio": schema, **schema["$defs"]}
    missing = [
        f"{name}.{field}"
        for name, definition in classes.items()
        for field in definition["properties"]
        if f"`{field}`" not in text
    ]
    assert missing == []


def test_errors_page_lists_every_code_with_its_meaning() -> None:
    text = (ROOT / "docs" / "errors.md").read_text()
    rows = dict(re.findall(r"^\| `(af-[a-z-]+)` \| (.+?) \|$", text, re.MULTILINE))
    assert rows == ERROR_CODES


def test_the_testing_page_cases_pass_against_the_bundled_framework(tmp_path: Path) -> None:
    """docs/testing.md's example test file, run as the page says, against the bundled framework."""
    text = (ROOT / "docs" / "testing.md").read_text()
    block = re.search(r"```yaml\n(tests:\n.*?)```", text, re.DOTALL)
    assert block is not None
    bundled = ROOT / "policies" / "uk-central-government"
    folder = tmp_path / "fw"
    shutil.copytree(bundled, folder, ignore=shutil.ignore_patterns("tests"))
    shutil.copytree(bundled / "tests" / "fixtures", folder / "tests" / "fixtures")
    (folder / "tests" / "example.yaml").write_text(block.group(1))
    report = af.run_tests(folder)
    assert [case.name for case in report.cases] == [
        "an overdue review fails and escalates the SRO",
        "overspending fails the spend rule",
    ]
    assert [case.diff() for case in report.cases] == ["", ""]
    assert [case.passed for case in report.cases] == [True, True]
