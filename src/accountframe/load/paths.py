"""The paths rule: which files a framework and its policy tests may read.

A framework comes from whoever wrote it, and a path in it (a symlink among its files, a test's
fixture path, `../../../etc/shadow`) must not make accountframe read a file from elsewhere on
the machine and quote its lines in a message. The rule: a file may be read when its real path,
every symlink resolved, lies inside one of the reader's roots: the framework's own folder, the
bundled frameworks' folder when the framework is one of them, and any folder the caller allows
(`LoadLimits.allow_read`, `accountframe --allow-read DIR`). A file outside is refused before it
is opened or even looked at (`af-path`), so no line of it can reach a message and nothing is
said about whether it exists.

`pathlib.Path.resolve()` and `is_relative_to` would do the comparison, but raise on a name the
system cannot take (a NUL byte): `real_path` answers None instead, and such a path is refused.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import attrs

__all__ = ["HINT", "ReadRule", "real_path"]

#: What a refusal adds: the rule, and how to allow more.
HINT = (
    "a framework and its tests read only inside their own folder "
    "(allow another with LoadLimits(allow_read=...) or accountframe --allow-read DIR)"
)


def real_path(path: str | os.PathLike[str]) -> str | None:
    """`path` with every symlink resolved and made absolute, or None when the OS cannot take
    it (a NUL byte)."""
    try:
        return os.path.normcase(os.path.realpath(path))
    except (OSError, ValueError):
        return None


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


@attrs.frozen
class ReadRule:
    """The folders a framework and its tests may read (see the module docstring).

    Example:
        >>> rule = ReadRule.for_folder("tests/fixtures/frameworks/cli")
        >>> print(rule.refusal("tests/fixtures/frameworks/cli/policies.yaml"))
        None
        >>> print(rule.refusal("tests/fixtures/frameworks/cli/../valid/cadence.yaml"))  # doctest: +ELLIPSIS
        tests/fixtures/frameworks/cli/../valid/cadence.yaml is outside the framework folder tests/fixtures/frameworks/cli: a framework and its tests read only inside their own folder (...)
    """  # noqa: E501 - the doctest is one line

    #: The framework folder, as the caller named it (for messages).
    folder: str
    #: Real paths of the folders that may be read.
    roots: tuple[str, ...]

    @classmethod
    def for_folder(
        cls,
        folder: str | os.PathLike[str],
        *,
        shared: Iterable[str | os.PathLike[str]] = (),
        allowed: Iterable[str | os.PathLike[str]] = (),
    ) -> ReadRule:
        """The rule for the framework folder `folder`.

        Args:
            folder: The framework's folder.
            shared: Folders whose frameworks may read the whole folder when `folder` is one of
                them (the bundled frameworks', whose tests use the bundled examples).
            allowed: More folders the caller allows (`LoadLimits.allow_read`).
        """
        own = real_path(folder)
        roots = [own] if own is not None else []
        for root in map(real_path, shared):
            if root is not None and own is not None and _inside(own, root):
                roots.append(root)
        roots.extend(root for root in map(real_path, allowed) if root is not None)
        return cls(os.fspath(folder), tuple(dict.fromkeys(roots)))

    def refusal(self, path: str | os.PathLike[str]) -> str | None:
        """Why `path` may not be read, or None when it may. Nothing is opened to decide."""
        real = real_path(path)
        if real is not None and any(_inside(real, root) for root in self.roots):
            return None
        shown = os.fspath(path)
        lexical = os.path.normcase(os.path.abspath(shown)) if real is not None else None
        via = f" (a link to {real})" if real is not None and real != lexical else ""
        return f"{shown}{via} is outside the framework folder {self.folder}: {HINT}"

    def allows(self, path: str | os.PathLike[str]) -> bool:
        """Whether `path` may be read."""
        return self.refusal(path) is None
