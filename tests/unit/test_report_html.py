"""The `html` report: golden text, structure, accessibility, self-containment, escaping, a browser.

The golden file is the bundled example assessed as of 2026-11-25. Each chart's SVG drawing is
replaced in it by its opening tag, `<title>` and `<desc>` (`normalise`): matplotlib's path data
changes with every matplotlib release, and what a reader is told is what the golden file pins.
`test_deterministic` compares whole pages byte for byte. Regenerate with
`pytest tests/unit/test_report_html.py --update-golden` and review the diff.
"""

from __future__ import annotations

import datetime
import itertools
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import accountframe as af
from accountframe import report
from accountframe.assessment import Accountable, Assessment, Finding, Status, Subject
from accountframe.framework.policies import Severity
from accountframe.report import html as html_report

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "reports"
EXAMPLE = ROOT / "policies" / "examples" / "ministry-of-example.yaml"
AS_OF = datetime.date(2026, 11, 25)
SVG = re.compile(r"(<svg\b[^>]*>\s*<title\b.*?</title>\s*<desc\b.*?</desc>).*?</svg>", re.DOTALL)


def normalise(page: str) -> str:
    """The page with each chart's drawing left out (its text alternative kept)."""
    return SVG.sub(r"\1 <!-- drawing -->\n</svg>", page)


@pytest.fixture(scope="module")
def example() -> tuple[Assessment, af.Portfolio]:
    portfolio = af.load_portfolio(EXAMPLE)
    return af.bundled("uk-central-government").evaluate(portfolio, as_of=AS_OF), portfolio


@pytest.fixture(scope="module")
def page(example: tuple[Assessment, af.Portfolio]) -> str:
    assessment, portfolio = example
    return report.render(assessment, "html", portfolio=portfolio)


class Page(HTMLParser):
    """The elements of a page: tag, attributes and the text inside, with their nesting."""

    VOID = frozenset({"meta", "br", "link", "img", "input", "hr", "col", "source"})

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.stack: list[str] = []
        self.open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.errors: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = (tag, dict(attrs), [])
        self.elements.append(element)
        if tag not in self.VOID:
            self.stack.append(tag)
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        self.open.pop()

    def handle_data(self, data: str) -> None:
        for _, _, text in self.open:
            text.append(data)

    def find(self, tag: str, **attrs: str) -> list[tuple[str, dict[str, str | None], list[str]]]:
        return [
            e
            for e in self.elements
            if e[0] == tag and all(e[1].get(k) == v for k, v in attrs.items())
        ]

    def text(self, element: tuple[str, dict[str, str | None], list[str]]) -> str:
        return " ".join("".join(element[2]).split())


def test_golden(page: str, update_golden: bool) -> None:
    expected = GOLDEN / "example.html"
    actual = normalise(page)
    if update_golden:
        expected.write_text(actual)
    assert actual == expected.read_text()


def test_deterministic(example: tuple[Assessment, af.Portfolio], page: str) -> None:
    assessment, portfolio = example
    assert report.render(assessment, "html", portfolio=portfolio) == page


def test_well_formed_with_every_section_in_order(page: str) -> None:
    parsed = Page(page)
    assert parsed.errors == []
    assert parsed.stack == []
    assert [
        e[1]["id"] for e in parsed.find("section") if e[1].get("id") in html_report.SECTIONS
    ] == list(html_report.SECTIONS)
    # The example has money at stake: its optional section follows the one it is after.
    titles = list(html_report.SECTIONS.values())
    name, after = html_report.OPTIONAL_SECTIONS["money"]
    titles.insert(list(html_report.SECTIONS).index(after) + 1, name)
    assert [parsed.text(e) for e in parsed.find("h2")] == titles
    assert len(parsed.find("h1")) == 1
    assert parsed.text(parsed.find("h1")[0]) == "Ministry of Example"
    header = page[page.index("<header>") : page.index("</header>")]
    assert "<dt>As of</dt><dd>2026-11-25</dd>" in header
    assert "<dt>Framework</dt><dd>uk-central-government 2027.1</dd>" in header
    tiles = [
        parsed.text(e)
        for e in parsed.elements
        if e[0] == "li" and "tile" in (e[1].get("class") or "")
    ]
    assert tiles == ["0 error", "34 fail", "4 warn", "2 waived", "173 pass", "258 not applicable"]


def test_headings_never_skip_a_level(page: str) -> None:
    levels = [int(tag[1]) for tag in re.findall(r"<(h[1-6])\b", page)]
    assert levels[0] == 1
    assert all(after - before <= 1 for before, after in itertools.pairwise(levels))


def test_every_table_has_a_caption_and_scoped_headers(page: str) -> None:
    tables = re.findall(r"<table\b.*?</table>", page, re.DOTALL)
    assert len(tables) > 20
    for table in tables:
        assert re.search(r"<caption>.+?</caption>", table), table[:200]
        headers = re.findall(r"<th\b[^>]*>", table)
        assert headers
        assert all('scope="col"' in h or 'scope="row"' in h for h in headers), table[:200]


def test_every_chart_has_a_text_alternative_and_a_data_table(page: str) -> None:
    parsed = Page(page)
    charts = parsed.find("svg")
    assert [c[1]["id"] for c in charts] == [
        "chart-kinds",
        "chart-heatmap",
        "chart-people",
        "chart-overdue",
    ]
    for _, attributes, _ in charts:
        chart_id = attributes["id"]
        assert attributes["role"] == "img"
        assert attributes["aria-labelledby"] == f"{chart_id}-title {chart_id}-desc"
        title = parsed.find("title", id=f"{chart_id}-title")
        desc = parsed.find("desc", id=f"{chart_id}-desc")
        assert len(title) == len(desc) == 1
        assert parsed.text(title[0])
        assert len(parsed.text(desc[0])) > 40
    figures = re.findall(r"<figure\b.*?</figure>", page, re.DOTALL)
    assert len(figures) == 4
    for figure in figures:
        assert "<details><summary>The data of this chart as a table</summary>" in figure
        assert "<table" in figure
        assert "<figcaption" in figure
    overdue = parsed.text(parsed.find("desc", id="chart-overdue-desc")[0])
    # Thirteen, CAD-RISK among them: a rule with a due date, overdue on IT-003 (issue 24).
    assert overdue.startswith(
        "13 reviews or reports are overdue; the longest: INF-RESOLUTION on ESC-012 1942 days"
    )


def test_chart_text_is_text_and_ids_are_unique(page: str) -> None:
    assert "<text" in page  # svg.fonttype none: labels are text, not glyph outlines
    assert "INF-BILLING · IT-003" in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    for reference in re.findall(r'(?:url\(#|href="#)([^")]+)', page):
        assert reference in ids


def test_nothing_is_fetched_from_anywhere(page: str) -> None:
    """No scheme, no protocol-relative URL; every link is to the page itself; no scripts."""
    assert "http:" not in page
    assert "https:" not in page
    assert "//" not in page
    for forbidden in ("<script", "<link", "<iframe", "<object", "<embed", "@import"):
        assert forbidden not in page
    parsed = Page(page)
    for _, attributes, _ in parsed.elements:
        for name, value in attributes.items():
            if name in ("href", "xlink:href"):
                assert (value or "").startswith("#"), (name, value)
            if name in ("src", "srcset", "action", "poster", "data"):
                assert (value or "").startswith("data:"), (name, value)
            assert not name.startswith("on"), name
    for url in re.findall(r"url\(([^)]*)\)", page):
        assert url.startswith("#"), url


def test_print_styles(page: str) -> None:
    assert "@media print" in page
    print_css = page[page.index("@media print") :]
    assert "nav, details { display: none; }" in print_css
    assert "break-inside: avoid" in print_css


def test_who_should_be_worried(page: str) -> None:
    worried = page[page.index('<section id="worried"') : page.index('<section id="charts"')]
    names = re.findall(r'<th scope="row" class="num">(\d+)</th><td>([^<]+)</td>', worried)
    assert [name for _, name in names] == [
        "Sam Owner (p-sro1): sro",
        "Alex Permanent (p-ps): accounting_officer (for vacant sro), accounting_officer",
        "Jordan Lee (p-sro4): sro",
        "Morgan Reid (p-sro3): sro",
        "Priya Shah (p-sro2): sro",
    ]


def _hostile() -> Assessment:
    nasty = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quoted" \'single\''
    finding = Finding(
        policy="RULE-X",
        kind="rule",
        subject=Subject("contract", 'C"1<b>'),
        status=Status.FAIL,
        severity=Severity.HIGH,
        accountable=Accountable("sro", "p-1", nasty),
        message=nasty,
        evidence={"note": nasty, "days_overdue": 3},
    )
    return Assessment(
        framework="fw<i>",
        framework_version='1"',
        framework_digest="0" * 64,
        organisation=nasty,
        portfolio_digest="0" * 64,
        as_of=AS_OF,
        generated_by="accountframe test",
        findings=(finding,),
    )


def test_every_piece_of_user_text_is_escaped() -> None:
    page = report.FORMATS["html"](_hostile())
    for tag in ("<script", "<img", "<b>"):
        assert tag not in page
    assert "<i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    parsed = Page(page)
    assert parsed.errors == []
    assert not any(name.startswith("on") for _, a, _ in parsed.elements for name in a)
    # the text survives, escaped, in the charts' text too
    assert "&lt;script&gt;" in page[page.index('id="chart-people"') :]


def test_an_empty_assessment_has_every_section_and_no_chart() -> None:
    empty = Assessment(
        framework="demo",
        framework_version="1",
        framework_digest="0" * 64,
        organisation="Ministry of Example",
        portfolio_digest="0" * 64,
        as_of=AS_OF,
        generated_by="accountframe test",
        findings=(),
    )
    page = report.render(empty, "html")
    assert "<svg" not in page
    for heading in html_report.SECTIONS.values():
        assert f">{heading}</h2>" in page
    assert "<p>No failures.</p>" in page
    assert "<p>Nothing is overdue.</p>" in page


def test_missing_matplotlib_is_a_usage_error_that_says_what_to_install(
    example: tuple[Assessment, af.Portfolio], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    with pytest.raises(af.UsageError, match=r"pip install 'accountframe\[html\]'"):
        report.render(example[0], "html")


def test_cli_without_matplotlib_exits_2_with_an_error_line(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    # A sitecustomize that hides matplotlib, as if the html extra were not installed.
    (blocker / "sitecustomize.py").write_text("import sys\nsys.modules['matplotlib'] = None\n")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    result = subprocess.run(
        [sys.executable, "-m", "accountframe", "check", "--format", "html"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "error: the html report draws its charts with matplotlib, which is not installed; "
        "install it with: pip install 'accountframe[html]'"
    )
    assert "Traceback" not in result.stderr


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            # Every host name fails to resolve: the page must render with no network at all.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(
    _browser() is None,
    reason="no headless browser installed (chromium, chromium-browser or google-chrome); "
    ".ci/run installs chromium where apt-get is available",
)
def test_a_real_browser_renders_the_page_offline(page: str, tmp_path: Path) -> None:
    browser = _browser()
    assert browser is not None
    target = tmp_path / "report.html"
    target.write_text(page, encoding="utf-8")
    dom = _headless(browser, tmp_path / "profile", "--dump-dom", target.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    # The browser's own parse: four SVG charts in the SVG namespace, every section there.
    assert dom.stdout.count('<svg viewBox="') == 4
    for key in html_report.SECTIONS:
        assert f'<section id="{key}"' in dom.stdout
    shot = tmp_path / "report.png"
    result = _headless(
        browser,
        tmp_path / "profile",
        "--hide-scrollbars",
        "--window-size=1280,2400",
        f"--screenshot={shot}",
        target.as_uri(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1280, 2400)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    by_colour = {colour: count for count, colour in colours}
    # The fail tiles and bars are drawn: the fail red covers a real area of the screenshot.
    assert by_colour.get((0xC6, 0x28, 0x28), 0) > 5000
    assert sum(count for colour, count in by_colour.items() if colour != (255, 255, 255)) > 100_000
