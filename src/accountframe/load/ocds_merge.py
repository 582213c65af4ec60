"""Merging one ocid's releases into one, by the OCDS merge rules (without the schema).

It stands in for `ocdsmerge`, the reference merger, which needs the release schema (fetched
from the web) and is not a dependency; this merges in place, in time linear in the releases.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["Merge", "merge", "merge_all", "release_key"]


def merge_all(releases: list[dict[str, Any]]) -> dict[str, Any]:
    """Releases merged in date order: later fields replace earlier ones, field by field.

    The merge is made in place into one accumulator (`Merge`), in which a list of objects with
    ids is kept as a mapping by id until the end: each release costs about its own size, not
    that of everything merged so far, so merging n releases takes time linear in n (merging
    each into a fresh copy of the result, as a pure function would, is quadratic).

    Example:
        >>> merge_all([{"date": "2", "xs": [{"id": 1, "v": 2}]},
        ...             {"date": "1", "xs": [{"id": 1, "v": 1, "w": 1}], "a": 1}])
        {'date': '2', 'xs': [{'id': 1, 'v': 2, 'w': 1}], 'a': 1}
    """
    merge = Merge()
    for release in sorted(releases, key=lambda r: str(r.get("date") or "")):
        merge.into(merge.result, release)
    return merge.finished()


def merge(old: dict[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Merge one release into another (OCDS merge rules, without the schema).

    Example:
        >>> merge({"a": 1, "xs": [{"id": "1", "v": 1}]}, {"xs": [{"id": "1", "w": 2}], "a": None})
        {'xs': [{'id': '1', 'v': 1, 'w': 2}]}
    """
    merge = Merge()
    merge.into(merge.result, old)
    merge.into(merge.result, new)
    return merge.finished()


class _ById:
    """A list of objects with ids, while merging: `release_key(id)` → the object, in list order."""

    __slots__ = ("items",)

    def __init__(self, items: list[Any]) -> None:
        # As a merge reads such a list: a repeated id keeps its first place and its last value.
        self.items: dict[str, Any] = {release_key(item["id"]): item for item in items}


class Merge:
    """OCDS merging in place. Inputs are never changed: an object from a release is copied
    (one level) the first time something is merged into it, and is then the merge's own."""

    def __init__(self) -> None:
        self.result: dict[str, Any] = {}
        # id → object, for every dict the merge made (kept alive, so that an id is not reused).
        self.owned: dict[int, Any] = {id(self.result): self.result}

    def own(self, value: dict[str, Any]) -> dict[str, Any]:
        if id(value) in self.owned:
            return value
        copy = dict(value)
        self.owned[id(copy)] = copy
        return copy

    def into(self, target: dict[str, Any], new: Mapping[str, Any]) -> None:
        """Merge `new` into `target`, which the merge owns."""
        for key, value in new.items():
            current: Any = target.get(key)
            if value is None:
                target.pop(key, None)  # null removes a field in OCDS merging
            elif isinstance(value, dict) and isinstance(current, dict):
                current = target[key] = self.own(current)
                self.into(current, value)
            elif (
                isinstance(value, list)
                and by_id(value)
                and (isinstance(current, _ById) or by_id(current))
            ):
                merged = current if isinstance(current, _ById) else _ById(current)
                items = merged.items
                for item in value:
                    identity = release_key(item["id"])
                    found = items.get(identity)
                    if found:
                        found = items[identity] = self.own(found)
                        self.into(found, item)
                    else:
                        items[identity] = item
                target[key] = merged
            else:
                target[key] = value

    def finished(self) -> dict[str, Any]:
        """The result as plain JSON data: each `_ById` a list again. Only the merge's own
        objects can hold one, so nothing else is walked."""
        pending = [self.result]
        while pending:
            target = pending.pop()
            for key, value in target.items():
                if isinstance(value, _ById):
                    target[key] = value = list(value.items.values())
                    pending.extend(item for item in value if id(item) in self.owned)
                elif id(value) in self.owned:
                    pending.append(value)
        return self.result


def by_id(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "id" in i for i in value)


def release_key(value: Any) -> str:
    """A hashable identity for an `id` of any JSON type (ids may be numbers or even objects)."""
    if type(value) is str:
        return "s:" + value  # no JSON text starts so: distinct from every other id's key
    try:
        return json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):  # mappings built in Python may have keys of mixed types
        return repr(value)
