"""Framework → Markdown pages: a framework read as a document, generated so it never drifts.

`render_docs` builds the pages in memory; `write_docs` writes them to a folder atomically (into
a temporary sibling folder, then swapped into place, so a failed run leaves the old pages). The
pages are written for mkdocs with the Material theme, and read well as plain Markdown too:

```text
index.md            overview: title, version, digest, description, roles, policies by kind
reviews.md          who reviews what, how often; what information must arrive, how fresh
consequences.md     the sanctions and rewards ladder
parameters.md       every parameter, its value and the policies that use it
policies/<ID>.md    one page per policy
```

Diagrams are Mermaid code blocks. They are not rendered by a script from a CDN: a reader
offline sees the diagram's source, which is written to read as text, and a table beside it says
the same thing. Text from the framework (titles, rationale, sources, descriptions) is escaped,
so a `|` or a `*` in it is shown, not interpreted.

Example:
    >>> import accountframe as af
    >>> fw = af.load_framework("tests/fixtures/frameworks/valid")
    >>> pages = render_docs(fw)
    >>> list(pages)[:4]
    ['index.md', 'reviews.md', 'consequences.md', 'parameters.md']
    >>> print(pages["policies/CAD-GOLD-SRO.md"].splitlines()[0])
    # CAD-GOLD-SRO: The SRO reviews each gold contract monthly
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from accountframe import atomic
from accountframe.errors import UsageError
from accountframe.framework.duration import Duration, param_reference
from accountframe.framework.framework import Framework
from accountframe.framework.periods import Periods
from accountframe.framework.policies import (
    KINDS,
    Consequence,
    OversightCadence,
    PersonalResponsibility,
    Policy,
    RequiredInformation,
    duration_texts,
)
from accountframe.lint import title_drift
from accountframe.sanitise import markdown_inline, terminal
from accountframe.tools.policytest import PolicyTest, discover_tests, load_tests

__all__ = ["MARKER", "mkdocs_config", "render_docs", "write_docs", "write_mkdocs_config"]

#: The file that marks a folder as written by `write_docs`: only such a folder is replaced.
MARKER = ".accountframe-docs"

_KIND_TITLES = {
    "oversight_cadence": "Oversight cadence",
    "required_information": "Required information",
    "personal_responsibility": "Personal responsibility",
    "rule": "Rules",
    "sanction": "Sanctions",
    "reward": "Rewards",
}
_KIND_PURPOSE = {
    "oversight_cadence": "senior review at a set frequency",
    "required_information": "information received, fresh and complete",
    "personal_responsibility": "a named, eligible person holds a role",
    "rule": "anything else: the requirement holds",
    "sanction": "what happens when oversight fails",
    "reward": "what good oversight earns",
}
_FIELD_LABELS = {
    "every": "Every",
    "grace": "Grace (late, not yet failing)",
    "warn_before": "Warn before due",
    "max_age": "No older than",
    "max_vacancy": "May stand empty for",
    "within": "Must be applied within",
    "periods.within": "Due after each period end within",
}
_EXPRESSION_LABELS = {
    "counts_if": "What counts",
    "require": "Requirement",
    "eligible": "Who is eligible",
    "trigger": "When it is due",
    "amount": "Amount",
    "applied_if": "When it is recorded as done",
    "message": "Message",
    "pass_message": "Message on a pass",
    "due": "Due by",
    "exposure": "Money at stake, on a warn or a fail",
}
#: What each basis means, for readers of the generated pages.
_BASIS_MEANING = {
    "statute": "required by an Act",
    "regulation": "required by regulations made under an Act",
    "guidance": "set out in government guidance",
    "recommendation": "recommended by a report, such as a committee's or the NAO's",
    "proposed": "proposed by this framework: no source gives it",
}
_PARAM_USE = re.compile(r"\bparams\.([A-Za-z_][A-Za-z0-9_]*)")
_IDENTIFIER_USE = re.compile(r"(?<![.\w])([A-Za-z_][A-Za-z0-9_]*)\b")
_STRING_LITERAL = re.compile(r"\"([^\"\\]*)\"|'([^'\\]*)'")
# Characters Python-Markdown would read as markup anywhere in a line, beyond those the shared
# Markdown sanitiser escapes (`\\`, `|`, `[`, `]`, and `&`, `<`, `>` as references): pages
# show framework text literally, not styled.
_INLINE_SPECIAL = re.compile(r"([`*_{}#!])")
# Markup that only counts at the start of a paragraph: lists, quotes, headings, rules.
_BLOCK_START = re.compile(r"^(\s*)([-+>=]|\d+[.)])")


# -- escaping --------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text from a framework as Markdown that shows it literally, on one line.

    Example:
        >>> escape("a | b *c* <d> & [e]")
        'a \\\\| b \\\\*c\\\\* &lt;d&gt; &amp; \\\\[e\\\\]'
        >>> escape("- not a list")
        '\\\\- not a list'
    """
    flat = markdown_inline(" ".join(terminal(text).split()))
    flat = _INLINE_SPECIAL.sub(r"\\\1", flat)
    return _BLOCK_START.sub(r"\1\\\2", flat)


def paragraphs(text: str) -> str:
    """Escaped text, keeping its paragraphs (blank-line separated), each on one line."""
    parts = [escape(part) for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    return "\n\n".join(parts)


def code(text: str) -> str:
    """An inline code span holding `text` exactly, safe inside a table cell.

    Its fence is a backtick longer than any run of backticks in the text, so that nothing in
    the text can end the span early (CommonMark: a span ends at a run of the same length).

    Example:
        >>> code("a``<b>``c")
        '```a``<b>``c```'
    """
    flat = " ".join(terminal(text).split()).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    padding = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{padding}{flat}{padding}{fence}"


def _block(text: str, language: str = "text") -> str:
    """A fenced code block, its fence longer than any backtick run inside it."""
    text = terminal(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.strip()}\n{fence}"


def _mermaid_label(text: str) -> str:
    """Text for a quoted Mermaid label: quotes and markup characters as entities."""
    replacements = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;"}
    return "".join(replacements.get(char, char) for char in " ".join(terminal(text).split()))


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# -- reading a framework -----------------------------------------------------------------------


def _page(policy_id: str) -> str:
    return f"policies/{policy_id}.md"


def _link(policy_id: str, *, base: str = "") -> str:
    return f"[{escape(policy_id)}]({base}{_page(policy_id)})"


def _role_name(framework: Framework, role_id: str) -> str:
    """`Senior Responsible Owner (sro)`, or the id alone when the role has no title."""
    for role in framework.roles:
        if role.id == role_id and role.title:
            return f"{escape(role.title)} ({code(role_id)})"
    return code(role_id)


def _accountable(framework: Framework, policy: Policy) -> str:
    return _role_name(framework, policy.default_accountable(framework.roles))


def _expressions(policy: Policy) -> dict[str, str]:
    """The policy's CEL expressions that are set, by field."""
    found = {}
    for field in type(policy).expressions:
        value = getattr(policy, field, None)
        if isinstance(value, str):
            found[field] = value
    return found


def _definitions_used(framework: Framework, expressions: Iterable[str]) -> list[str]:
    """The definitions the expressions use, directly or through other definitions, in order."""
    pending = list(expressions)
    used: set[str] = set()
    while pending:
        text = _STRING_LITERAL.sub('""', pending.pop())
        for name in _IDENTIFIER_USE.findall(text):
            if name in framework.definitions and name not in used:
                used.add(name)
                pending.append(framework.definitions[name])
    return [name for name in framework.definitions if name in used]


def _params_used(framework: Framework, policy: Policy) -> list[str]:
    """The parameters a policy reads: in its durations, its expressions and its definitions."""
    texts = list(_expressions(policy).values())
    texts += [framework.definitions[name] for name in _definitions_used(framework, texts)]
    names = {name for text in texts for name in _PARAM_USE.findall(text)}
    for value in duration_texts(policy).values():
        reference = param_reference(value)
        if reference is not None:
            names.add(reference)
    return [name for name in framework.params if name in names]


def resolved_duration(framework: Framework, text: str) -> str:
    """A duration field as people read it: `params.NAME` replaced by its value, normalised.

    Example:
        >>> import accountframe as af
        >>> fw = af.load_framework("tests/fixtures/frameworks/valid")
        >>> resolved_duration(fw, "params.gold_review_every"), resolved_duration(fw, "P2W")
        ('1 month', '14 days')
    """
    name = param_reference(text)
    value: Any = framework.params.get(name, text) if name is not None else text
    try:
        return str(Duration.parse(value))
    except ValueError:
        return str(value)  # the compiler reports it; the docs show what is written


def _durations(framework: Framework, policy: Policy) -> list[tuple[str, str, str]]:
    """(label, value, where it comes from) for each duration the policy sets."""
    rows = []
    for field, value in duration_texts(policy).items():
        if field in ("grace", "warn_before", "max_vacancy") and _is_zero(framework, value):
            continue
        name = param_reference(value)
        origin = code(f"params.{name}") if name is not None else "written in the policy"
        rows.append((_FIELD_LABELS[field], resolved_duration(framework, value), origin))
    periods = getattr(policy, "periods", None)
    if isinstance(periods, Periods):
        rows.insert(
            0, ("Period ends (every year)", ", ".join(periods.ends), "written in the policy")
        )
    return rows


def _how_often(framework: Framework, rolling: str | None, periods: Periods | None) -> str:
    """A rolling duration as people read it, or fixed periods: `within 30 days of 03-31, 09-30`."""
    if periods is not None:
        return f"within {resolved_duration(framework, periods.within)} of {', '.join(periods.ends)}"
    return resolved_duration(framework, rolling or "0 days")


def _is_zero(framework: Framework, text: str) -> bool:
    return resolved_duration(framework, text) == "0 days"


def _format_value(value: Any) -> str:
    if isinstance(value, str):
        return code(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_format_value(item) for item in value) or "(none)"
    return code(json.dumps(value, ensure_ascii=False, default=str))


def reading(framework: Framework, policy: Policy) -> str | None:
    """A plain-English reading of `applies_to` when it is simple, else None.

    Example:
        >>> import accountframe as af
        >>> fw = af.load_framework("tests/fixtures/frameworks/valid")
        >>> print(reading(fw, fw.policy("CAD-GOLD-SRO")))
        Each contract for which all of these hold: is\\_live holds; its tier is 'gold'.
    """
    subject = "person" if policy.scope.value == "person" else "contract"
    text = policy.applies_to.strip()
    if policy.scope.value == "organisation":
        return "The organisation (once)." if text == "true" else None
    if text == "true":
        return f"Every {subject}."
    titles = framework.definition_titles
    clauses = [_clause(part.strip(), titles) for part in re.split(r"&&", text)]
    if any(clause is None for clause in clauses) or "||" in text:
        return None
    if len(clauses) == 1:
        return f"Each {subject} for which {clauses[0]}."
    return f"Each {subject} for which all of these hold: {'; '.join(map(str, clauses))}."


_COMPARISON = re.compile(
    r"(?P<subject>contract|person)\.(?P<field>[a-z_]+)\s*(?P<op>==|!=|in)\s*(?P<value>.+)"
)
_STRING = r"(?:\"[^\"\\\\]*\"|'[^'\\\\]*')"
_LITERAL = re.compile(rf"{_STRING}|\[\s*{_STRING}(\s*,\s*{_STRING})*\s*\]|params\.\w+|[\d.]+")


def _clause(text: str, titles: Mapping[str, str]) -> str | None:
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if re.fullmatch(r"[A-Za-z_]\w*", text):
        return escape(titles[text]) if text in titles else f"{escape(text)} holds"
    if re.fullmatch(r"!\s*[A-Za-z_]\w*", text):
        name = text[1:].strip()
        if name in titles:
            return f"it is not so that {escape(titles[name])}"
        return f"{escape(name)} does not hold"
    match = _COMPARISON.fullmatch(text)
    if match is None or not _LITERAL.fullmatch(match["value"].strip()):
        return None
    field, value = escape(match["field"].replace("_", " ")), match["value"].strip()
    shown = code(value) if value.startswith("params.") else escape(value)
    verb = {"==": "is", "!=": "is not", "in": "is one of"}[match["op"]]
    return f"its {field} {verb} {shown}"


def _tests_by_policy(tests: Sequence[PolicyTest]) -> dict[str, list[PolicyTest]]:
    found: dict[str, list[PolicyTest]] = {}
    for case in tests:
        for policy_id in dict.fromkeys(expectation.policy for expectation in case.expectations):
            found.setdefault(policy_id, []).append(case)
    return found


# -- pages ------------------------------------------------------------------------------------


def render_docs(
    framework: Framework,
    *,
    tests: Sequence[PolicyTest] | str | os.PathLike[str] | None = None,
) -> dict[str, str]:
    """The framework's documentation pages: relative path → Markdown, in reading order.

    Args:
        framework: Any framework, bundled, loaded or built in Python (an extended one shows
            what it overrides and removes).
        tests: The policy tests whose cases each policy page lists: the loaded cases, or a
            framework folder whose `tests/*.yaml` to read. None: pages say nothing of tests.

    Raises:
        FrameworkError: `tests` names a folder whose test files are invalid.

    Example:
        >>> import accountframe as af
        >>> fw = af.load_framework("tests/fixtures/policytests/passing")
        >>> pages = render_docs(fw, tests="tests/fixtures/policytests/passing")
        >>> "a review within the month passes" in pages["policies/CAD-SRO.md"]
        True
    """
    if isinstance(tests, str | os.PathLike):
        tests = load_tests(framework, discover_tests(tests), folder=tests)
    covering = _tests_by_policy(tests) if tests is not None else None
    pages = {
        "index.md": _overview(framework),
        "reviews.md": _reviews(framework),
        "consequences.md": _consequences(framework),
        "parameters.md": _parameters(framework),
    }
    for policy in framework.policies:
        cases = None if covering is None else covering.get(policy.id, [])
        pages[_page(policy.id)] = _policy_page(framework, policy, cases)
    return pages


def _overview(framework: Framework) -> str:
    title = framework.title or framework.name
    facts = [
        ("Framework", code(framework.name)),
        ("Version", code(framework.version)),
        ("Policies", str(len(framework.policies))),
    ]
    if framework.extends:
        facts.insert(2, ("Extends", code(framework.extends)))
    parts = [f"# {escape(title)}", _table(["", ""], facts)]
    if framework.description.strip():
        parts.append(paragraphs(framework.description))
    parts.append(
        "See also: [who reviews what, how often](reviews.md), "
        "[sanctions and rewards](consequences.md) and [parameters](parameters.md)."
    )
    parts += _roles_section(framework)
    if framework.extends:
        parts += _changes_section(framework)
    parts.append("## Policies by kind")
    if not framework.policies:
        parts.append("This framework has no policies.")
    for kind in KINDS:
        policies = [policy for policy in framework.policies if policy.kind == kind]
        if not policies:
            continue
        parts.append(f"### {_KIND_TITLES[kind]}")
        parts.append(f"{code(kind)}: {_KIND_PURPOSE[kind]}.")
        changed = set(framework.overridden)
        rows = [
            (
                _link(policy.id),
                escape(policy.title) + (" (overridden)" if policy.id in changed else ""),
                policy.severity.value,
                _accountable(framework, policy),
            )
            for policy in policies
        ]
        parts.append(_table(["Policy", "Title", "Severity", "Accountable"], rows))
    # Last, not in the first lines: a reader wants what the framework says, an auditor (or a
    # script) which exact framework the pages were made from.
    parts += [
        "## Digest",
        "The sha256 digest of this framework's content: the same framework, however it was "
        f"built, has the same digest. {code(f'sha256:{framework.digest}')}",
    ]
    return "\n\n".join(parts) + "\n"


def _roles_section(framework: Framework) -> list[str]:
    if not framework.roles:
        return ["## Roles", "This framework names no roles."]
    node = {role.id: f"role{index}" for index, role in enumerate(framework.roles)}
    lines = ["flowchart BT"]
    for role in framework.roles:
        label = f"{role.title} ({role.id})" if role.title else role.id
        lines.append(f'    {node[role.id]}["{_mermaid_label(label)}"]')
    for role in framework.roles:
        if role.reports_to is not None:
            lines.append(f"    {node[role.id]} -->|reports to| {node[role.reports_to]}")
    rows = [
        (code(role.id), escape(role.title or ""), code(role.reports_to) if role.reports_to else "")
        for role in framework.roles
    ]
    return [
        "## Roles",
        "Each finding is owned by a role. When no one holds a role, its findings go to the role "
        "it reports to. The chain as a Mermaid diagram (its source reads as text), then as a "
        "table:",
        _block("\n".join(lines), "mermaid"),
        _table(["Role", "Title", "Reports to"], rows),
    ]


def _changes_section(framework: Framework) -> list[str]:
    parts = [
        "## Changes from the framework it extends",
        f"This framework extends {code(framework.extends or '')}.",
    ]
    if framework.overridden:
        links = ", ".join(_link(policy_id) for policy_id in framework.overridden)
        parts.append(f"Overridden policies (changed from the inherited ones): {links}.")
    else:
        parts.append("It overrides no inherited policy.")
    if framework.removed:
        rows = [
            (code(removal.id), escape(removal.reason) or "(no reason given)")
            for removal in framework.removed
        ]
        parts.append("Removed policies:")
        parts.append(_table(["Policy", "Why it was removed"], rows))
    else:
        parts.append("It removes no inherited policy.")
    return parts


def _title(framework: Framework, policy: Policy) -> str:
    """A policy's title for a table, with a note where it names a period its durations do
    not give (`accountframe.lint.title_drift`): the pages never contradict themselves."""
    words = title_drift(framework, policy)
    if words is None:
        return escape(policy.title)
    return f"{escape(policy.title)} (this title was written for another period)"


def _reviews(framework: Framework) -> str:
    parts = [
        "# Who reviews what, how often",
        "Built from the framework's oversight cadence and required information policies.",
        "## Senior review",
    ]
    cadences = [p for p in framework.policies if isinstance(p, OversightCadence)]
    rows = [
        (
            _accountable(framework, policy),
            _title(framework, policy),
            _how_often(framework, policy.every, policy.periods),
            "" if _is_zero(framework, policy.grace) else resolved_duration(framework, policy.grace),
            _link(policy.id),
        )
        for policy in cadences
    ]
    parts.append(
        _table(["Who", "Reviews", "How often", "Grace", "Policy"], rows)
        if rows
        else "This framework has no oversight cadence policies."
    )
    parts.append("## Information: what must arrive, how fresh")
    information = [p for p in framework.policies if isinstance(p, RequiredInformation)]
    rows = [
        (
            _accountable(framework, policy),
            code(policy.report),
            _title(framework, policy),
            _how_often(framework, policy.max_age, policy.periods),
            _link(policy.id),
        )
        for policy in information
    ]
    parts.append(
        _table(["Who", "Report", "What", "No older than", "Policy"], rows)
        if rows
        else "This framework has no required information policies."
    )
    return "\n\n".join(parts) + "\n"


def _consequences(framework: Framework) -> str:
    consequences = [p for p in framework.policies if isinstance(p, Consequence)]
    parts = [
        "# Sanctions and rewards",
        "Sanctions and rewards are evaluated after every other policy, over its findings. The "
        "ladder runs from the least to the most severe. As a Mermaid diagram (its source "
        "reads as text), then as tables:",
    ]
    if not consequences:
        parts.append("This framework has no sanctions or rewards.")
        return "\n\n".join(parts) + "\n"
    ladder = sorted(consequences, key=lambda p: (p.effect != "sanction", p.severity.rank))
    ids = {policy.id for policy in framework.policies}
    lines = ["flowchart LR", '    findings(["Findings of the other policies"])']
    for index, policy in enumerate(ladder):
        node = f"c{index}"
        within = f", within {resolved_duration(framework, policy.within)}" if policy.within else ""
        label = f"{policy.effect} {policy.id} ({policy.severity.value}): {policy.action}{within}"
        lines.append(f'    {node}["{_mermaid_label(label)}"]')
        named = [
            literal
            for match in _STRING_LITERAL.finditer(policy.trigger)
            if (literal := match.group(1) or match.group(2)) in ids and literal != policy.id
        ]
        for source in dict.fromkeys(named):
            lines.append(f'    findings -->|"{_mermaid_label(source)}"| {node}')
        if not named:
            lines.append(f"    findings --> {node}")
        if index and ladder[index - 1].effect == policy.effect:
            lines.append(f"    c{index - 1} -.->|then| {node}")
    parts.append(_block("\n".join(lines), "mermaid"))
    for effect, heading in (("sanction", "Sanctions"), ("reward", "Rewards")):
        rows = [
            (
                _link(policy.id),
                policy.severity.value,
                escape(policy.title),
                escape(policy.action),
                resolved_duration(framework, policy.within) if policy.within else "",
                _accountable(framework, policy),
            )
            for policy in ladder
            if policy.effect == effect
        ]
        parts.append(f"## {heading}")
        header = ["Policy", "Severity", "When", "Action", "Within", "Accountable"]
        parts.append(_table(header, rows) if rows else f"This framework has no {effect}s.")
    return "\n\n".join(parts) + "\n"


def _parameters(framework: Framework) -> str:
    parts = [
        "# Parameters",
        "Every number the policies use. A framework that extends this one can change any of them.",
    ]
    users: dict[str, list[str]] = {}
    for policy in framework.policies:
        for name in _params_used(framework, policy):
            users.setdefault(name, []).append(policy.id)
    notes = framework.param_notes
    rows = [
        (
            code(name),
            _format_value(value),
            *(_param_note(framework, name) if notes else ()),
            ", ".join(_link(policy_id) for policy_id in users.get(name, [])) or "(no policy)",
        )
        for name, value in framework.params.items()
    ]
    # Basis and source columns only when some parameter has notes (its long form).
    header = ["Parameter", "Value", *(["Basis", "Source"] if notes else []), "Used by"]
    parts.append(_table(header, rows) if rows else "This framework has no parameters.")
    return "\n\n".join(parts) + "\n"


def _param_note(framework: Framework, name: str) -> tuple[str, str]:
    """A parameter's basis and source (its rationale after the source), as table cells."""
    note = framework.param_notes.get(name)
    if note is None:
        return "", ""
    source = "; ".join(part for part in (note.source, note.rationale) if part)
    return (note.basis.value if note.basis is not None else ""), escape(" ".join(source.split()))


def _basis(policy: Policy) -> str:
    """What the policy rests on, in words, or empty when it does not say."""
    if policy.basis is None:
        return ""
    return f"Basis: {policy.basis.value} ({_BASIS_MEANING[policy.basis.value]})."


def _policy_page(framework: Framework, policy: Policy, cases: Sequence[PolicyTest] | None) -> str:
    facts = [
        ("Kind", f"{code(policy.kind)}: {_KIND_PURPOSE[policy.kind]}"),
        ("Severity", policy.severity.value),
        ("Accountable", _accountable(framework, policy)),
        (
            "Scope",
            "the organisation (once)"
            if policy.scope.value == "organisation"
            else f"each {policy.scope.value}",
        ),
    ]
    if isinstance(policy, RequiredInformation):
        facts.append(("Report", code(policy.report)))
    if isinstance(policy, PersonalResponsibility):
        facts.append(("Role held", _role_name(framework, policy.role)))
    if isinstance(policy, Consequence):
        facts.append(("Action", escape(policy.action)))
    if policy.basis is not None:
        facts.append(("Basis", policy.basis.value))
    if policy.tags:
        facts.append(("Tags", ", ".join(code(tag) for tag in policy.tags)))
    if policy.id in framework.overridden:
        facts.append(("Changed", f"overridden from {code(framework.extends or '')}"))
    parts = [
        f"# {escape(policy.id)}: {escape(policy.title)}",
        _table(["", ""], facts),
        "## Applies to",
    ]
    plain = reading(framework, policy)
    if plain:
        parts.append(plain)
    parts.append(_block(policy.applies_to))
    durations = _durations(framework, policy)
    if durations:
        heading = {
            "oversight_cadence": "Frequency",
            "required_information": "Freshness",
            "personal_responsibility": "Vacancy",
        }.get(policy.kind, "Timing")
        parts += [f"## {heading}", _table(["", "Value", "Set by"], durations)]
    expressions = {
        field: text
        for field, text in _expressions(policy).items()
        if field != "applies_to" and not (field == "counts_if" and text.strip() == "true")
    }
    if expressions:
        parts.append("## Conditions")
        for field, text in expressions.items():
            parts += [f"{_EXPRESSION_LABELS[field]} ({code(field)}):", _block(text)]
    definitions = _definitions_used(framework, _expressions(policy).values())
    if definitions:
        parts.append("## Definitions it uses")
        width = max(len(name) for name in definitions)
        text = "\n".join(
            f"{name.ljust(width)} = {' '.join(framework.definitions[name].split())}"
            for name in definitions
        )
        parts.append(_block(text))
    parts += ["## Rationale", paragraphs(policy.rationale) or "No rationale is given."]
    parts += ["## Source", paragraphs(policy.source) or "No source is given."]
    if policy.basis is not None:
        parts.append(_basis(policy))
    params = _params_used(framework, policy)
    if params:
        noted = any(name in framework.param_notes for name in params)
        rows = [
            (
                code(name),
                _format_value(framework.params[name]),
                *(_param_note(framework, name) if noted else ()),
            )
            for name in params
        ]
        header = ["Parameter", "Value", *(["Basis", "Source"] if noted else [])]
        parts += ["## Parameters", _table(header, rows)]
    if cases is not None:
        parts.append("## Policy tests")
        if cases:
            parts.append(
                "\n".join(
                    f"- {code(Path(case.file).name)}"
                    f"{f' line {case.line}' if case.line else ''}: {escape(case.name)}"
                    for case in cases
                )
            )
        else:
            parts.append("No policy test names this policy.")
    return "\n\n".join(parts) + "\n"


# -- writing ------------------------------------------------------------------------------------


def write_docs(
    framework: Framework,
    directory: str | os.PathLike[str],
    *,
    tests: Sequence[PolicyTest] | str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Write the framework's pages (see `render_docs`) to `directory`, atomically.

    The pages are written into a temporary folder beside `directory`, which then replaces it
    (`accountframe.atomic.replace_folder`): if anything fails, or the process is killed,
    `directory` is as it was. A folder that exists already is replaced only
    if it is empty or was written by `write_docs` (it holds the `.accountframe-docs` marker).

    Args:
        framework: The framework to document.
        directory: The folder to write, created if needed.
        tests: As for `render_docs`.

    Returns:
        The paths of the pages written, in reading order.

    Raises:
        UsageError: `directory` holds other files, or cannot be written.
        FrameworkError: `tests` names a folder whose test files are invalid.

    Example:
        >>> import tempfile, accountframe as af
        >>> fw = af.load_framework("tests/fixtures/frameworks/valid")
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     paths = write_docs(fw, Path(folder) / "site")
        ...     [path.relative_to(folder).as_posix() for path in paths][:2]
        ['site/index.md', 'site/reviews.md']
    """
    target = Path(os.fspath(directory))
    pages = render_docs(framework, tests=tests)
    try:
        replaceable = not target.exists() or _replaceable(target)
    except OSError as error:  # e.g. a name longer than the file system allows
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    if not replaceable:
        raise UsageError(
            f"{target} exists and was not written by accountframe docs; choose an empty or "
            "new folder (it would be replaced)"
        )

    def fill(staging: Path) -> None:
        for name, text in pages.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (staging / MARKER).write_text("written by accountframe docs\n", encoding="utf-8")

    try:
        atomic.replace_folder(target, fill)
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from None
    return [target / name for name in pages]


def mkdocs_config(framework: Framework, docs_dir: str) -> str:
    """A ready `mkdocs.yml` for the pages in `docs_dir`: the Material theme, and Mermaid
    diagrams rendered through `pymdownx.superfences` (the roles chain, the consequences).

    Example:
        >>> import accountframe as af
        >>> text = mkdocs_config(af.load_framework("tests/fixtures/frameworks/valid"), "docs")
        >>> print(text.splitlines()[2])
        site_name: "Oversight of live contracts"
    """
    site_name = json.dumps(framework.title or framework.name, ensure_ascii=False)
    return (
        "# Written by accountframe docs, once: edit it freely, it is never overwritten.\n"
        "# Build the site with: pip install mkdocs-material && mkdocs build\n"
        f"site_name: {site_name}\n"
        f"docs_dir: {json.dumps(docs_dir, ensure_ascii=False)}\n"
        "theme:\n"
        "  name: material\n"
        "markdown_extensions:\n"
        "  - admonition\n"
        "  - tables\n"
        "  - toc:\n"
        "      permalink: true\n"
        "  - pymdownx.superfences:\n"
        "      custom_fences:\n"
        "        - name: mermaid\n"
        "          class: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format\n"
    )


def write_mkdocs_config(framework: Framework, directory: str | os.PathLike[str]) -> Path | None:
    """Write `mkdocs_config` as `mkdocs.yml` beside the pages folder `directory` (in its
    parent, where mkdocs looks for it), unless one is there already, or the parent is a
    framework folder (it holds `framework.yaml`), where it would be read as a policy file; the
    path written, or None when it was not.

    Raises:
        UsageError: it cannot be written.

    Example:
        >>> import tempfile, accountframe as af
        >>> fw = af.load_framework("tests/fixtures/frameworks/valid")
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     first = write_mkdocs_config(fw, Path(folder) / "docs")
        ...     first.name, write_mkdocs_config(fw, Path(folder) / "docs")
        ('mkdocs.yml', None)
    """
    target = Path(os.fspath(directory))
    path = target.parent / "mkdocs.yml"
    try:
        if path.exists() or path.is_symlink() or (target.parent / "framework.yaml").exists():
            return None
        atomic.write_text(path, mkdocs_config(framework, target.name))
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def _replaceable(target: Path) -> bool:
    if not target.is_dir():
        return False
    return (target / MARKER).is_file() or not any(target.iterdir())
