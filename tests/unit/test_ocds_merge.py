"""OCDS import, issue 26: repeated JSON keys are counted and warned about, and merging the
releases of one ocid is linear (the in-place merge gives what merging each release into a fresh
copy gave, leaves its inputs alone, and copies a bounded number of objects per release)."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from accountframe.cli import main
from accountframe.load.ocds import DUPLICATE_KEY, to_portfolio
from accountframe.load.ocds_merge import Merge, merge_all, release_key

RELEASE = (
    '{"ocid": "ocds-abc123-1", "id": "r1", "date": "2026-01-10T00:00:00Z",'
    ' "contracts": [{"id": "c1", "title": "First", "title": "Second", "status": "active",'
    ' "status": "active"}]}'
)


def test_repeated_keys_are_counted_and_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "release.json"
    path.write_text(RELEASE)
    result = to_portfolio([path])
    assert result.portfolio.contracts[0].title == "Second"  # JSON's last value, as before
    assert result.summary.unmapped[DUPLICATE_KEY] == 2
    rendered = result.summary.render().splitlines()
    assert rendered[0] == (
        "warning: 2 repeated keys in JSON objects; for each, the last value was kept"
    )
    assert f"  {DUPLICATE_KEY}: 2" in rendered
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["import", "ocds", str(path), "-o", str(tmp_path / "out.yaml")])
    assert code == 0
    assert err.getvalue().startswith("warning: 2 repeated keys in JSON objects")


def test_json_lines_count_repeats_per_line(tmp_path: Path) -> None:
    path = tmp_path / "releases.jsonl"
    path.write_text(RELEASE + "\n" + RELEASE.replace("r1", "r2") + "\n")
    assert to_portfolio([path]).summary.unmapped[DUPLICATE_KEY] == 4


def test_no_repeats_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "release.json"
    path.write_text(
        RELEASE.replace(', "title": "Second"', "").replace(', "status": "active"}', "}")
    )
    summary = to_portfolio([path]).summary
    assert DUPLICATE_KEY not in summary.unmapped
    assert not summary.render().startswith("warning")


# -- merging -----------------------------------------------------------------------------------


def reference_merge(old: dict[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The merge as it was written before issue 26: each release into a fresh copy."""
    result = dict(old)
    for key, value in new.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = reference_merge(result[key], value)
        elif isinstance(value, list) and by_id(value) and by_id(result.get(key)):
            merged = {release_key(item["id"]): item for item in result[key]}
            for item in value:
                found = merged.get(release_key(item["id"]))
                merged[release_key(item["id"])] = reference_merge(found, item) if found else item
            result[key] = list(merged.values())
        else:
            result[key] = value
    return result


def by_id(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "id" in i for i in value)


IDS = st.sampled_from(["1", "2", 1, 2, "3"])
SCALARS = st.none() | st.integers(-3, 3) | st.sampled_from(["a", "b"])
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(st.fixed_dictionaries({"id": IDS}, optional={"v": inner, "w": inner}), max_size=3)
        | st.lists(inner, max_size=2)
        | st.dictionaries(st.sampled_from(["x", "y", "z"]), inner, max_size=3)
    ),
    max_leaves=10,
)
RELEASES = st.lists(
    st.dictionaries(st.sampled_from(["date", "a", "b", "xs"]), VALUES, max_size=4), max_size=5
)


@settings(max_examples=300, deadline=None)
@given(releases=RELEASES)
def test_the_in_place_merge_gives_what_merging_fresh_copies_gave(
    releases: list[dict[str, Any]],
) -> None:
    before = copy.deepcopy(releases)
    expected: dict[str, Any] = {}
    for release in sorted(before, key=lambda r: str(r.get("date") or "")):
        expected = reference_merge(expected, release)
    assert json.dumps(merge_all(releases)) == json.dumps(expected)  # order included
    assert releases == before  # the inputs are untouched


def test_merging_copies_a_bounded_number_of_objects_per_release() -> None:
    """Each release here touches the same contract: the merge copies each object once, when
    it is first merged into, so the copies stay at a handful however many releases there are
    (the old merge copied every merged transaction again for every release)."""
    for count in (10, 1_000):
        merge = Merge()
        for number in range(count):
            merge.into(
                merge.result,
                {
                    "date": f"{number:06d}",
                    "contracts": [
                        {
                            "id": "c1",
                            "implementation": {"transactions": [{"id": f"t{number}"}]},
                        }
                    ],
                },
            )
        assert len(merge.owned) <= 4  # the result, the contract, its implementation
        (contract,) = merge.finished()["contracts"]
        assert len(contract["implementation"]["transactions"]) == count
