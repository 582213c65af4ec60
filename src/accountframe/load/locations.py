"""Where each contract and person of a portfolio file is written: for results that point at a
line (`check --format sarif|github`).

A finding is about a subject, a contract or a person; its place in the portfolio is the entry
that introduces that subject (`contracts[3]`, `people[0]`), at the line of its first key. The
file is read again, with the same position-recording walk that locates load errors, only when
such an output is asked for: an assessment itself needs no positions.

Example:
    >>> import pathlib, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> path = pathlib.Path(folder, "p.yaml")
    >>> _ = path.write_text("organisation: X\\ncontracts:\\n  - id: C1\\n    title: One\\n")
    >>> where = subject_locations(path)
    >>> where["contract", "C1"].line, where["contract", "C1"].column, where["contract", "C1"].path
    (3, 5, 'contracts[0]')
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from accountframe.errors import Location, PortfolioError
from accountframe.load.documents import DEFAULT_LIMITS, LoadLimits, read_document

__all__ = ["subject_locations"]

#: The portfolio's lists of subjects: (key, subject type).
_SUBJECTS = (("contracts", "contract"), ("people", "person"))


def subject_locations(
    source: str | os.PathLike[str], *, limits: LoadLimits = DEFAULT_LIMITS
) -> Mapping[tuple[str, str], Location]:
    """(subject type, id) → where that contract or person is written in the portfolio file,
    and the organisation (the subject of organisation-scope findings) where its name is.

    Entries without a string id are skipped (a portfolio that loads has none); the first of two
    entries with one id wins (a portfolio that loads has no such pair).

    Raises:
        PortfolioError: the file cannot be read or parsed.
    """
    document = read_document(source, limits=limits, error=PortfolioError)
    data = document.data if isinstance(document.data, Mapping) else {}
    found: dict[tuple[str, str], Location] = {}
    for key, subject in _SUBJECTS:
        entries = data.get(key)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            identity = entry.get("id") if isinstance(entry, Mapping) else None
            if isinstance(identity, str) and (subject, identity) not in found:
                # The entry's first key: a mapping's own position is where its first key is.
                found[subject, identity] = document.locate((key, index))
    name = data.get("organisation")
    if isinstance(name, str):
        found["organisation", name] = document.locate(("organisation",))
    return found
