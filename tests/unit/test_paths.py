"""The paths rule (accountframe.load.paths): a framework, the frameworks it extends and its
policy tests read only inside their own folder, symlinks resolved; a refused file is never
opened, so none of its lines reaches a message. And extends chains: resolved in a loop, with a
depth limit."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

import pytest

import accountframe as af
from accountframe.cli import main
from accountframe.load.paths import ReadRule

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "fixtures" / "frameworks" / "cli"
SECRET = "root:$6$NOT-FOR-A-FRAMEWORK-TO-READ:19000:0:99999:7:::\nsecret: [unclosed\n"
MARKER = "NOT-FOR-A-FRAMEWORK-TO-READ"
CASE = """\
tests:
  - name: a case
    as_of: 2026-11-25
    portfolio: {portfolio}
    expect: [{{policy: CAD-SRO, subject: C-1, status: pass}}]
"""

symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symlinks")


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """tmp/secret.txt beside tmp/fw, a small framework folder with a tests/ folder."""
    (tmp_path / "secret.txt").write_text(SECRET)
    shutil.copytree(SMALL, tmp_path / "fw")
    (tmp_path / "fw" / "tests").mkdir()
    return tmp_path


def cli(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


def codes(error: af.LoadError) -> list[str]:
    return [diagnostic.code for diagnostic in error.diagnostics]


@symlinks
@pytest.mark.parametrize("name", ["evil.yaml", "framework.yaml"])
def test_a_framework_file_linked_from_outside_is_refused_unread(layout: Path, name: str) -> None:
    link = layout / "fw" / name
    link.unlink(missing_ok=True)
    link.symlink_to(layout / "secret.txt")
    with pytest.raises(af.FrameworkError) as caught:
        af.load_framework(layout / "fw")
    assert codes(caught.value) == ["af-path"]
    rendered = caught.value.render()
    assert MARKER not in rendered
    assert rendered.startswith(f"{link}: af-path: {link} (a link to {layout / 'secret.txt'}) is")
    assert "is outside the framework folder" in rendered


@pytest.mark.parametrize(
    "portfolio",
    ["../../secret.txt", "../../../../../../../../../../etc/shadow", "/etc/shadow"],
)
def test_a_fixture_path_outside_the_folder_is_refused_unread(layout: Path, portfolio: str) -> None:
    (layout / "fw" / "tests" / "cases.yaml").write_text(CASE.format(portfolio=portfolio))
    code, err = cli("test", str(layout / "fw"))
    assert code == 2
    assert MARKER not in err
    assert "root:" not in err
    named = layout / "fw" / "tests" / portfolio  # as the test file names it
    assert (
        f"af-path: tests[0].portfolio: portfolio file {named} is outside the framework folder "
        f"{layout / 'fw'}: a framework and its tests read only inside their own folder"
    ) in err
    assert err.splitlines()[-1] == f"error: {layout / 'fw'}: 1 problem found"


@symlinks
def test_a_fixture_or_test_file_linked_from_outside_is_refused(layout: Path) -> None:
    tests = layout / "fw" / "tests"
    (tests / "fixtures").symlink_to(layout, target_is_directory=True)
    (tests / "cases.yaml").write_text(CASE.format(portfolio="fixtures/secret.txt"))
    with pytest.raises(af.FrameworkError) as caught:
        af.run_tests(layout / "fw")
    assert codes(caught.value) == ["af-path"]
    assert MARKER not in caught.value.render()
    (tests / "cases.yaml").unlink()
    (tests / "linked.yaml").symlink_to(layout / "secret.txt")
    with pytest.raises(af.FrameworkError) as caught:
        af.run_tests(layout / "fw")
    assert codes(caught.value) == ["af-path"]
    assert MARKER not in caught.value.render()


def test_allow_read_lets_a_framework_read_another_folder(layout: Path) -> None:
    (layout / "fixtures").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "portfolios" / "cli.yaml", layout / "fixtures")
    (layout / "fw" / "tests" / "cases.yaml").write_text(
        CASE.format(portfolio="../../fixtures/cli.yaml")
    )
    with pytest.raises(af.FrameworkError) as caught:
        af.run_tests(layout / "fw")
    assert codes(caught.value) == ["af-path"]
    allowed = af.LoadLimits(allow_read=[layout / "fixtures"])
    assert af.run_tests(layout / "fw", limits=allowed).passed
    code, _ = cli("--allow-read", str(layout / "fixtures"), "test", str(layout / "fw"))
    assert code == 0
    # Allowed means read: the secret's own problems are then reported, with its lines.
    (layout / "fw" / "tests" / "cases.yaml").write_text(CASE.format(portfolio="../../secret.txt"))
    code, err = cli("--allow-read", str(layout), "test", str(layout / "fw"))
    assert (code, "af-syntax" in err) == (2, True)


def test_the_bundled_framework_reads_the_bundled_examples() -> None:
    """uk-central-government's tests name ../../examples/ministry-of-example.yaml: allowed, as
    the bundled frameworks' folder is theirs."""
    report = af.run_tests("uk-central-government")
    assert report.passed
    assert any("example" in result.file for result in report.cases)


def test_extends_a_sibling_framework_folder_or_a_bundled_one(layout: Path) -> None:
    mine = layout / "mine"
    mine.mkdir()
    (mine / "framework.yaml").write_text('framework: mine\nversion: "1"\nextends: ../fw\n')
    base = af.load_framework(layout / "fw")
    assert af.load_framework(mine).policies == base.policies
    (mine / "framework.yaml").write_text(
        'framework: mine\nversion: "1"\nextends: uk-central-government\n'
    )
    assert len(af.load_framework(mine).policies) == len(
        af.bundled("uk-central-government").policies
    )


def test_extends_a_folder_that_is_no_framework_reads_nothing(layout: Path) -> None:
    mine = layout / "mine"
    mine.mkdir()
    (layout / "notes").mkdir()
    (layout / "notes" / "policies.yaml").write_text(SECRET)
    (mine / "framework.yaml").write_text('framework: mine\nversion: "1"\nextends: ../notes\n')
    with pytest.raises(af.FrameworkError) as caught:
        af.load_framework(mine)
    assert codes(caught.value) == ["af-reference"]
    assert MARKER not in caught.value.render()


def test_a_path_the_os_cannot_take_is_a_located_error(layout: Path) -> None:
    """A regression (fuzz): a fixture name of 5,000 characters let OSError escape run_tests."""
    (layout / "fw" / "tests" / "cases.yaml").write_text(CASE.format(portfolio="x" * 5000))
    with pytest.raises(af.FrameworkError) as caught:
        af.run_tests(layout / "fw")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.location.line) == ("af-io", 4)
    assert diagnostic.message.endswith(": File name too long")
    long_name = "x" * 5000
    for argv in (["lint", long_name], ["test", long_name], ["check", "-f", long_name]):
        code, err = cli(*argv)
        assert code == 2, err
        assert "internal error" not in err


def test_the_rule_itself() -> None:
    rule = ReadRule.for_folder(SMALL)
    assert rule.allows(SMALL / "policies.yaml")
    assert not rule.allows(SMALL.parent / "valid" / "framework.yaml")
    assert not rule.allows("/etc/shadow")
    assert not rule.allows("bad\x00name")
    assert ReadRule.for_folder(SMALL, allowed=[SMALL.parent]).allows(SMALL.parent / "valid")


# -- extends chains ----------------------------------------------------------------------------


def chain(folder: Path, length: int) -> Path:
    """fw0 extends fw1 ... extends fw{length - 1}, which has the roles and one policy."""
    for index in range(length):
        level = folder / f"fw{index}"
        level.mkdir()
        text = f'framework: fw{index}\nversion: "1"\n'
        if index < length - 1:
            text += f"extends: ../fw{index + 1}\n"
        else:
            text += (
                "roles:\n  - {id: accounting_officer, title: AO}\n"
                "  - {id: sro, title: SRO, reports_to: accounting_officer}\n"
                "policies:\n  - {id: R1, kind: rule, title: t, require: 'true'}\n"
            )
        (level / "framework.yaml").write_text(text)
    return folder / "fw0"


def test_an_extends_chain_340_deep_is_loaded_in_a_loop(tmp_path: Path) -> None:
    """A regression: 340 frameworks extending one another raised RecursionError."""
    top = chain(tmp_path, 340)
    framework = af.load_framework(top, limits=af.LoadLimits(max_extends=340))
    assert (framework.name, [policy.id for policy in framework.policies]) == ("fw0", ["R1"])


def test_an_extends_chain_beyond_the_limit_is_a_located_error(tmp_path: Path) -> None:
    top = chain(tmp_path, 40)
    assert af.LoadLimits().max_extends == 32
    with pytest.raises(af.FrameworkError) as caught:
        af.load_framework(top)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.location.file, diagnostic.location.line) == (
        "af-limit",
        str(tmp_path / "fw31" / "framework.yaml"),
        3,
    )
    assert diagnostic.message == "the extends chain is longer than 32 frameworks, the limit"
    assert af.load_framework(tmp_path / "fw8").name == "fw8"  # 32 frameworks: within it
    code, err = cli("lint", str(top))
    assert (code, err.splitlines()[-1]) == (2, f"error: {top}: 1 problem found")
