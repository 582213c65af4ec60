"""mkdocs hooks: the bundled framework rendered into the site at every build, never committed.

`mkdocs.yml` names this module under `hooks:` and has one nav entry for the framework,
`framework/index.md`. At each build `on_config` renders the bundled `uk-central-government`
framework (with its policy tests) through `accountframe.tools.docgen.render_docs`, the code behind
`accountframe docs`, and replaces that entry with a section listing every generated page;
`on_files` adds the pages to the build from memory. `mkdocs serve` watches the framework's
folder, so editing a policy rebuilds its page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from accountframe import load_framework
from accountframe.tools.docgen import render_docs

FRAMEWORK = "uk-central-government"
#: Where the generated pages go in the site.
PREFIX = "framework"
_SECTION_TITLES = {
    "index.md": "Overview",
    "reviews.md": "Who reviews what",
    "consequences.md": "Sanctions and rewards",
    "parameters.md": "Parameters",
}
_pages: dict[str, str] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Render the framework's pages and put them in the nav in place of `framework/index.md`."""
    folder = Path(config.config_file_path).resolve().parent / "policies" / FRAMEWORK
    framework = load_framework(folder)
    _pages.clear()
    _pages.update(
        (f"{PREFIX}/{name}", text) for name, text in render_docs(framework, tests=folder).items()
    )
    config.watch.append(str(folder))
    config.nav = _expand(config.nav or [], _section())
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages to the build (from memory: nothing is written to docs/)."""
    for uri, text in _pages.items():
        files.append(File.generated(config, uri, content=text))
    return files


def _section() -> list[Any]:
    overview = [{title: f"{PREFIX}/{name}"} for name, title in _SECTION_TITLES.items()]
    policies = [{Path(uri).stem: uri} for uri in _pages if uri.startswith(f"{PREFIX}/policies/")]
    return [*overview, {"Policies": policies}]


def _expand(nav: list[Any], section: list[Any]) -> list[Any]:
    """The nav with the entry naming `framework/index.md` replaced by the generated section."""
    expanded: list[Any] = []
    for item in nav:
        if isinstance(item, dict):
            title, value = next(iter(item.items()))
            if value == f"{PREFIX}/index.md":
                expanded.append({title: section})
            elif isinstance(value, list):
                expanded.append({title: _expand(value, section)})
            else:
                expanded.append(item)
        else:
            expanded.append({"": section} if item == f"{PREFIX}/index.md" else item)
    return expanded
