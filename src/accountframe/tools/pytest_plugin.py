"""A pytest plugin: a framework's policy tests collected as pytest items, one per case.

accountframe registers it with pytest (the `pytest11` entry point), so once accountframe is
installed `pytest policies/` or `pytest path/to/framework` runs every case of every framework
found there, each item named by its case, and a failing case shows the same diff as
`accountframe test`. An invalid test file is a collection error listing every problem.

Only policy-test files are claimed: a `*.yaml` (or `*.yml`) file directly inside a folder named
`tests` whose parent holds `framework.yaml`, with a top-level `tests:` key. Any other YAML file
(a portfolio under `tests/fixtures/`, your project's own data) is left to pytest.

The ini option `accountframe_ignore` lists glob patterns, relative to the rootdir, of framework
folders whose tests pytest should leave alone (deliberately failing or invalid examples):

```toml
[tool.pytest.ini_options]
accountframe_ignore = ["tests/fixtures/*"]
```

Example:
    >>> from pathlib import Path
    >>> tests = Path("tests/fixtures/policytests/passing/tests")
    >>> is_policy_test_file(tests / "cases.yaml"), is_policy_test_file(tests / "fixtures/gold.yaml")
    (True, False)
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from accountframe.framework.framework import Framework
    from accountframe.tools.policytest import CaseResult, PolicyTest

__all__ = ["PolicyTestFile", "PolicyTestItem", "is_policy_test_file"]

IGNORE_OPTION = "accountframe_ignore"
_FRAMEWORK_FILE = "framework.yaml"
_TESTS_KEY = re.compile(r"""^["']?tests["']?[ \t]*:""", re.MULTILINE)
# Framework folder → the framework, or the text of why it does not load; one load per run.
_FRAMEWORKS = pytest.StashKey[dict[Path, "Framework | str"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declare the `accountframe_ignore` ini option."""
    parser.addini(
        IGNORE_OPTION,
        type="linelist",
        default=[],
        help="accountframe: glob patterns, relative to the rootdir, of framework folders whose "
        "policy tests are not collected",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> PolicyTestFile | None:
    """Claim policy-test files; leave every other file to pytest and other plugins."""
    if not is_policy_test_file(file_path):
        return None
    folder = file_path.parent.parent
    config = parent.config
    try:
        relative = folder.resolve().relative_to(config.rootpath.resolve()).as_posix()
    except ValueError:
        relative = None  # outside the rootdir: no pattern applies
    patterns = [str(pattern).rstrip("/") for pattern in config.getini(IGNORE_OPTION)]
    if relative is not None and any(fnmatch.fnmatch(relative, p) for p in patterns):
        return None
    file: PolicyTestFile = PolicyTestFile.from_parent(parent, path=file_path)
    return file


def is_policy_test_file(path: Path) -> bool:
    """True for a YAML file in a framework's `tests` folder that has a top-level `tests:` key.

    The key is looked for in the text, not by parsing, so a test file with a YAML error is
    still claimed (and reported as a collection error rather than ignored).
    """
    if path.suffix not in (".yaml", ".yml") or path.parent.name != "tests":
        return False
    if not (path.parent.parent / _FRAMEWORK_FILE).is_file():
        return False
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return _TESTS_KEY.search(text) is not None


class PolicyTestFailure(Exception):
    """A case whose expectations were not met; carries its result for the report."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.diff())
        self.result = result


class PolicyTestFile(pytest.File):
    """One test file: an item per case, or a collection error listing every problem."""

    def collect(self) -> Iterator[PolicyTestItem]:
        from accountframe.errors import AccountframeError
        from accountframe.tools.policytest import load_tests

        framework = _framework(self.config, self.path.parent.parent)
        if isinstance(framework, str):
            raise self.CollectError(framework)
        try:
            cases = load_tests(framework, [self.path])
        except AccountframeError as error:
            raise self.CollectError(_describe(error)) from None
        for case in cases:
            item: PolicyTestItem = PolicyTestItem.from_parent(
                self, name=case.name, case=case, framework=framework
            )
            yield item


class PolicyTestItem(pytest.Item):
    """One case: it passes when every expectation is met."""

    def __init__(self, *, case: PolicyTest, framework: Framework, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.framework = framework

    def runtest(self) -> None:
        """Assess the case's portfolio; fail with the diff when an expectation is not met."""
        result = self.case.run(self.framework)
        if not result.passed:
            raise PolicyTestFailure(result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        """The case's diff, as `accountframe test` prints it, instead of a traceback."""
        from accountframe.errors import AccountframeError

        if isinstance(excinfo.value, PolicyTestFailure):
            result = excinfo.value.result
            return f"policy test failed: {result.name} ({result.location})\n{result.diff()}"
        if isinstance(excinfo.value, AccountframeError):
            return _describe(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.case.line - 1 if self.case.line is not None else None
        return self.path, line, f"policy test: {self.name}"


def _framework(config: pytest.Config, folder: Path) -> Framework | str:
    """The framework in `folder`, compiled, or why it cannot be: loaded once per run."""
    from accountframe.compiled import compile
    from accountframe.errors import AccountframeError
    from accountframe.framework.folder import load_framework
    from accountframe.tools.policytest import shown

    cache = config.stash.setdefault(_FRAMEWORKS, {})
    key = folder.resolve()
    if key not in cache:
        try:
            framework = load_framework(shown(folder))
            compile(framework)  # a broken expression is reported at collection
            cache[key] = framework
        except AccountframeError as error:
            cache[key] = _describe(error)
    return cache[key]


def _describe(error: BaseException) -> str:
    """Every diagnostic of an accountframe error, as the command line prints them."""
    from accountframe.errors import CelCompileError, LoadError

    if isinstance(error, LoadError):
        return error.render()
    if isinstance(error, CelCompileError):
        return error.diagnostic.render()
    return str(error)
