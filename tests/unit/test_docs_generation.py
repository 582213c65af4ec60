"""`accountframe docs`: a framework as Markdown pages (accountframe.tools.docgen)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import accountframe as af
from accountframe.tools.docgen import MARKER, escape, reading, render_docs

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "docs"
BUNDLED = ROOT / "policies" / "uk-central-government"
VALID = ROOT / "tests" / "fixtures" / "frameworks" / "valid"
PASSING = ROOT / "tests" / "fixtures" / "policytests" / "passing"
MONEY = ROOT / "tests" / "fixtures" / "frameworks" / "money"

#: Golden case → (framework folder, the folder whose tests/ the pages list, or None).
CASES = {
    "valid": (VALID, None),
    "extended-with-tests": (PASSING, PASSING),
    # basis on policies, parameters written long, exposure (issue 23).
    "money": (MONEY, None),
}


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # test files are shown relative to the working folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_pages(case: str, update_golden: bool) -> None:
    folder, tests = CASES[case]
    pages = render_docs(af.load_framework(folder), tests=tests)
    expected_folder = GOLDEN / case
    if update_golden:
        if expected_folder.exists():
            for old in expected_folder.rglob("*.md"):
                old.unlink()
        for name, text in pages.items():
            (expected_folder / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_folder / name).write_text(text, encoding="utf-8")
    expected = {
        path.relative_to(expected_folder).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(expected_folder.rglob("*.md"))
    }
    assert sorted(pages) == sorted(expected)
    for name, text in pages.items():
        assert text == expected[name], f"{case}/{name} differs; rerun with --update-golden"


def test_bundled_framework_has_a_page_per_policy_with_rationale_and_source() -> None:
    framework = af.bundled("uk-central-government")
    pages = render_docs(framework, tests=BUNDLED)
    assert len(framework.policies) == 48
    for policy in framework.policies:
        page = pages[f"policies/{policy.id}.md"]
        assert page.startswith(f"# {escape(policy.id)}: {escape(policy.title)}\n")
        assert escape(policy.rationale) in page
        assert escape(policy.source) in page
        assert f"[{escape(policy.id)}](policies/{policy.id}.md)" in pages["index.md"]
    assert f"sha256:{framework.digest}" in pages["index.md"]


def test_bundled_policy_pages_list_the_tests_that_name_them() -> None:
    pages = render_docs(af.bundled("uk-central-government"), tests=BUNDLED)
    page = pages["policies/CAD-GOLD-SRO.md"]
    assert "- `cadence.yaml` line 62: the gold SRO review fails after the week of grace" in page
    untested = [name for name, text in pages.items() if "No policy test names this" in text]
    report = af.run_tests("uk-central-government")
    assert untested == [f"policies/{policy_id}.md" for policy_id in report.untested]


def test_parameters_are_resolved() -> None:
    pages = render_docs(af.bundled("uk-central-government"))
    page = pages["policies/CAD-GOLD-SRO.md"]
    assert "| Every | 1 month | `params.gold_sro_review_every` |" in page
    assert "| Grace (late, not yet failing) | 7 days | `params.gold_sro_review_grace` |" in page
    reviews = pages["reviews.md"]
    assert re.search(
        r"\| Senior Responsible Owner \(`sro`\) \| .* \| 1 month \| 7 days \|", reviews
    )
    assert "params." not in reviews  # every frequency is shown as a duration
    assert (
        "| `gold_sro_review_every` | `1 month` | proposed |  | [CAD-GOLD-SRO]"
        in pages["parameters.md"]
    )
    assert "## Policy tests" not in page  # no tests given, nothing said about them


def test_an_extended_framework_shows_what_it_overrides_and_removes() -> None:
    base = af.load_framework(VALID)
    mine = base.extend(
        "my-body",
        version="2",
        override={"CAD-GOLD-SRO": {"every": "2 weeks"}},
        remove=[("RULE-VALUE", "we have | no such contracts")],
    )
    pages = render_docs(mine)
    overview = pages["index.md"]
    assert "| Extends | `example-body 2026.1` |" in overview
    assert "Overridden policies (changed from the inherited ones): " in overview
    assert "[CAD-GOLD-SRO](policies/CAD-GOLD-SRO.md)" in overview
    assert "| `RULE-VALUE` | we have \\| no such contracts |" in overview
    assert "policies/RULE-VALUE.md" not in pages
    page = pages["policies/CAD-GOLD-SRO.md"]
    assert "| Changed | overridden from `example-body 2026.1` |" in page
    assert "| Every | 14 days | written in the policy |" in page


def test_user_text_is_escaped_so_tables_keep_their_columns() -> None:
    base = af.load_framework(VALID)
    tricky = base.extend("tricky", override={"RULE-VALUE": {"title": "A | B *and* <c> [d](e)"}})
    row = next(
        line
        for line in render_docs(tricky)["index.md"].splitlines()
        if line.startswith("| [RULE-VALUE]")
    )
    unescaped_pipes = re.findall(r"(?<!\\)\|", row)
    assert len(unescaped_pipes) == 5  # four cells
    assert "A \\| B \\*and\\* &lt;c&gt; \\[d\\](e)" in row


def test_escaped_text_renders_as_written() -> None:
    markdown = pytest.importorskip(
        "markdown", reason="needs the docs extra (pip install -e '.[docs]'), which brings markdown"
    )
    text = "a | b *c* <d> & [e](f) _g_ `h` # i"
    html = markdown.markdown(escape(text), extensions=["tables"])  # as mkdocs.yml has it
    assert html == "<p>a | b *c* &lt;d&gt; &amp; [e](f) _g_ `h` # i</p>"


def test_write_docs_writes_every_page_and_returns_their_paths(tmp_path: Path) -> None:
    framework = af.load_framework(VALID)
    paths = af.write_docs(framework, tmp_path / "out")
    assert [path.relative_to(tmp_path / "out").as_posix() for path in paths] == list(
        render_docs(framework)
    )
    assert all(path.is_file() for path in paths)
    assert (tmp_path / "out" / MARKER).is_file()


def test_a_failed_write_leaves_the_old_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    framework = af.load_framework(VALID)
    out = tmp_path / "out"
    af.write_docs(framework, out)
    before = {path: path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}
    original = Path.write_text
    calls = 0

    def failing(self: Path, data: str, *args: object, **kwargs: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise OSError(28, "No space left on device")
        return original(self, data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", failing)
    changed = framework.extend("changed", override={"CAD-GOLD-SRO": {"title": "New title"}})
    with pytest.raises(af.UsageError, match="No space left on device"):
        af.write_docs(changed, out)
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["out"]  # no staging left


def test_a_second_write_replaces_the_pages(tmp_path: Path) -> None:
    out = tmp_path / "out"
    af.write_docs(af.load_framework(VALID), out)
    (out / "policies" / "stale.md").write_text("old", encoding="utf-8")
    af.write_docs(af.load_framework(VALID), out)
    assert not (out / "policies" / "stale.md").exists()
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["out"]


def test_a_folder_not_written_by_docs_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(af.UsageError, match="was not written by accountframe docs"):
        af.write_docs(af.load_framework(VALID), tmp_path)
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "accountframe", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


def test_cli_writes_the_bundled_framework(tmp_path: Path) -> None:
    result = _run("docs", "-o", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"ok: uk-central-government 2027.1: 52 pages written to {tmp_path / 'site'}; "
        f"{tmp_path / 'mkdocs.yml'} written (build the site with mkdocs build)\n"
    )
    assert len(list((tmp_path / "site" / "policies").glob("*.md"))) == 48
    assert "## Policy tests" in (tmp_path / "site" / "policies" / "CAD-GOLD-SRO.md").read_text()


def test_cli_writes_a_framework_folder(tmp_path: Path) -> None:
    result = _run("docs", str(PASSING.relative_to(ROOT)), "-o", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert (
        "a review within the month passes"
        in (tmp_path / "site" / "policies" / "CAD-SRO.md").read_text()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["docs", "no-such-framework", "-o", "out"], "no bundled framework 'no-such-framework'"),
        (["docs"], "Missing option '-o'"),
        (["docs", "-o", "src"], "src exists and was not written by accountframe docs"),
    ],
    ids=["unknown-framework", "no-output", "foreign-folder"],
)
def test_cli_errors_exit_2_without_a_traceback(args: list[str], message: str) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (ROOT / "out").exists()


def test_cli_writes_a_ready_mkdocs_yml_once_and_the_site_builds(tmp_path: Path) -> None:
    site = tmp_path / "docs"
    result = _run("docs", "-o", str(site))
    assert result.returncode == 0, result.stderr
    config = (tmp_path / "mkdocs.yml").read_text()
    assert 'docs_dir: "docs"' in config
    assert "name: material" in config
    assert "format: !!python/name:pymdownx.superfences.fence_code_format" in config
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert built.returncode == 0, built.stderr
    index = (tmp_path / "out" / "index.html").read_text()
    assert '<pre class="mermaid"><code>flowchart BT' in index  # the roles chain, for Mermaid
    # A second run keeps the file, edited or not, and says nothing of it.
    (tmp_path / "mkdocs.yml").write_text(config + "# mine\n")
    again = _run("docs", "-o", str(site))
    assert again.stdout == f"ok: uk-central-government 2027.1: 52 pages written to {site}\n"
    assert (tmp_path / "mkdocs.yml").read_text().endswith("# mine\n")


def test_the_digest_is_not_in_the_first_lines_of_the_index() -> None:
    fw = af.load_framework(VALID)
    index = render_docs(fw)["index.md"]
    first_lines = index.split("## ", 1)[0]
    assert "sha256:" not in first_lines
    assert index.rstrip().endswith(f"`sha256:{fw.digest}`")


def test_applies_to_reads_titled_definitions_in_words(tmp_path: Path) -> None:
    rule = af.Rule(id="R-1", title="T", applies_to="is_live && !is_small", require="true")
    fw = af.Framework(
        name="f",
        version="1",
        definitions={
            "is_live": "contract.stage == 'live'",
            "is_small": "contract.tier == 'bronze'",
        },
        definition_titles={"is_live": "the contract is live", "is_small": "it is a small contract"},
        policies=[rule],
    )
    assert reading(fw, rule) == (
        "Each contract for which all of these hold: the contract is live; "
        "it is not so that it is a small contract."
    )


def test_a_review_title_that_contradicts_its_period_is_marked() -> None:
    cadence = af.OversightCadence(
        id="CAD-GOLD-SRO", title="The SRO reviews every live gold contract monthly",
        every="params.every", counts_if='review.forum == "sro_review"',
    )  # fmt: skip
    base = af.Framework(name="base", version="1", params={"every": "1 month"}, policies=[cadence])
    fw = base.extend("mine", params={"every": "2 weeks"})
    row = next(
        line for line in render_docs(fw)["reviews.md"].splitlines() if "CAD-GOLD-SRO" in line
    )
    assert row.split(" | ")[1:3] == [
        "The SRO reviews every live gold contract monthly (this title was written for another period)",
        "14 days",
    ]


def test_no_mkdocs_yml_is_written_into_a_framework_folder(tmp_path: Path) -> None:
    shutil.copytree(VALID, tmp_path / "fw", ignore=shutil.ignore_patterns("tests"))
    result = _run("docs", str(tmp_path / "fw"), "-o", str(tmp_path / "fw" / "site"))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "fw" / "mkdocs.yml").exists()
    assert result.stderr == (
        f"note: no mkdocs.yml written beside {tmp_path / 'fw' / 'site'}: its folder is a "
        "framework folder, where a mkdocs.yml would be read as a policy file; write the pages "
        "elsewhere\n"
    )
    assert af.lint(tmp_path / "fw").ok  # the folder still loads
