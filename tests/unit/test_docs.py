"""The documentation is tested: its examples run, and its tables match the code."""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import shlex
import shutil
from pathlib import Path

import pytest

import accountframe as af
from accountframe.cli import main
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


# -- the command examples ---------------------------------------------------------------------

# A command example is a `text` or `console` block whose first line is `$ accountframe ...`
# (after any `$ cd DIR`). Each is run here and its output compared, or listed below with why
# it is not: every example is one or the other.
COMMAND_BLOCK = re.compile(r"```(?:text|console)\n((?:\$ cd [^\n]+\n)?\$ accountframe .*?)```", re.DOTALL)  # fmt: skip
ROADS = 'framework: dept-for-roads\nversion: "1"\nextends: uk-central-government\n'
# (page, command) -> files to write in an empty folder to run it in; None: run in the repository.
#: A small framework and portfolio (the command line's test fixtures) for the examples of
#: reports.md and testing.md.
CLI_FRAMEWORK = {
    name: (ROOT / "tests" / "fixtures" / "frameworks" / "cli" / name).read_text()
    for name in ("framework.yaml", "policies.yaml")
}
CLI_PORTFOLIO = (ROOT / "tests" / "fixtures" / "portfolios" / "cli.yaml").read_text()
RUN: dict[tuple[str, str], dict[str, str] | None] = {
    ("reports.md", "accountframe check contracts.yaml -f my-body --format github"): {
        "contracts.yaml": CLI_PORTFOLIO,
        **{f"my-body/{name}": text for name, text in CLI_FRAMEWORK.items()},
    },
    (
        "testing.md",
        "accountframe test my-framework --snapshot my-framework/tests/fixtures/today.yaml "
        "-o my-framework/tests/snapshot.yaml",
    ): {
        "my-framework/tests/fixtures/today.yaml": CLI_PORTFOLIO,
        **{f"my-framework/{name}": text for name, text in CLI_FRAMEWORK.items()},
    },
    ("explain.md", "accountframe explain INF-VERIFIED K2-poor portfolio.yaml -f framework"): None,
    ("frameworks.md", "accountframe lint dept-for-roads"): {
        "dept-for-roads/framework.yaml": ROADS + "params:\n  gold_sro_reveiw_every: 2 weeks\n"
    },
    ("limits.md", "accountframe test fw"): {
        "fw/framework.yaml": 'framework: example\nversion: "1"\n',
        "fw/policies.yaml": "policies:\n  - {id: R-1, kind: rule, title: A rule, require: 'true'}\n",
        "fw/tests/cases.yaml": "tests:\n  - name: a case\n    as_of: 2026-11-25\n"
        "    portfolio: ../../secret.yaml\n    expect: [{policy: R-1, subject: C-1, status: pass}]\n",
        "secret.yaml": "organisation: not for a framework to read\n",
    },
}
NOT_RUN = {
    ("README.md", "accountframe check"): "an excerpt, cut with `...`, of the bundled "
    "example's report of several hundred lines",
    ("ocds.md", "accountframe import ocds releases.jsonl awards.json.gz -o portfolio.yaml "
     '--organisation "Ministry of Example"'): "reads a real OCDS download, not in the repository",
    ("history.md", "accountframe history --from 2025-11-26 --to 2026-11-25"): "an excerpt, cut "
    "with `...`, of a report of several hundred lines (tests/golden/history/table has it whole)",
    ("history.md", "accountframe history --from 2026-10-01 --to 2026-11-25 --format csv"): "the "
    "first rows of several hundred (tests/golden/history/format-csv has a year's csv whole)",
    ("quickstart.md", "accountframe validate portfolio.yaml"): "the reader's own portfolio",
    ("testing.md", "accountframe test policies/my-framework"): "the reader's own framework",
}  # fmt: skip


def command_examples() -> list[tuple[str, str | None, str, str]]:
    """(page, folder to cd into, command, expected output) of every command example."""
    found = []
    for page in PAGES:
        if page.name == "errors.md":  # its examples are run by test_error_catalogue.py
            continue
        for block in COMMAND_BLOCK.findall(page.read_text()):
            lines = block.splitlines()
            folder = lines.pop(0)[len("$ cd ") :] if lines[0].startswith("$ cd ") else None
            command = lines.pop(0)[len("$ ") :]
            found.append((page.name, folder, command, "\n".join(lines)))
    return found


def test_every_command_example_is_run_or_says_why_not() -> None:
    listed = {(page, command) for page, _, command, _ in command_examples()}
    assert listed == set(RUN) | set(NOT_RUN)
    assert not set(RUN) & set(NOT_RUN)


@pytest.mark.parametrize(
    "example",
    [example for example in command_examples() if example[:3:2] in RUN],
    ids=lambda example: f"{example[0]}:{example[2]}",
)
def test_command_examples_print_what_the_docs_show(
    example: tuple[str, str | None, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page, folder, command, expected = example
    files = RUN[(page, command)]
    where = ROOT if files is None else tmp_path
    for name, text in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.chdir(where / folder if folder else where)
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        main(shlex.split(command)[1:])
    assert output.getvalue().rstrip("\n") == expected.rstrip("\n")
