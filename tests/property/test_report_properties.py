"""Reports and the schedule as properties, over generated frameworks and portfolios.

- the schedule agrees with evaluation: the first occurrence of each review or report is due
  exactly when the finding says; items are in date order; `overdue` means a past due date;
  UIDs are unique; it never raises;
- the html page is well-formed whatever the text in the portfolio, and only our own tags and
  attributes appear in it (user text cannot open an element: XSS-safe).
"""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings

import accountframe as af
from accountframe import report
from accountframe.assessment import Status
from accountframe.evaluation.schedule import ItemStatus
from accountframe.testing import dates, frameworks, portfolios

AS_OF = dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks(), portfolios(), AS_OF)
def test_schedule_agrees_with_evaluation(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    plan = af.schedule(framework, portfolio, as_of=as_of)
    assessment = framework.evaluate(portfolio, as_of=as_of)
    firsts = {(i.policy, i.contract): i for i in plan.items if i.occurrence == 1}
    for finding in assessment.findings:
        if finding.kind not in ("oversight_cadence", "required_information"):
            continue
        key = (finding.policy, finding.subject.id)
        # The schedule reads the next due date from the evidence: a required_information
        # finding that fails on its report's content alone has no `due` of its own, but its
        # next report is still due (evaluation.schedule).
        due = finding.evidence.get("due") if finding.status is not Status.ERROR else None
        if finding.status is Status.NOT_APPLICABLE:
            assert key not in firsts
        elif due is None:
            assert firsts[key].status is ItemStatus.UNSCHEDULED
        elif due <= plan.until:
            assert firsts[key].due == due
        if finding.due is not None and finding.status is not Status.ERROR:
            assert finding.due == due
    dues = [item.due or datetime.date.min for item in plan.items]
    assert dues == sorted(dues)
    for item in plan.items:
        assert (item.status is ItemStatus.OVERDUE) == (item.due is not None and item.due < as_of)
        assert item.due is None or item.due <= plan.until or item.status is ItemStatus.OVERDUE
        if item.occurrence > 1:
            assert item.due is not None
            assert item.due > as_of
    assert len({item.uid for item in plan.items}) == len(plan.items)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.stack: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        if tag not in ("meta", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False


# Everything the html renderer and matplotlib's SVG writer emit; anything else came from data.
ALLOWED_TAGS = {
    *[
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "nav",
        "main",
        "section",
        "footer",
        "figure",
        "figcaption",
    ],
    *[
        "h1",
        "h2",
        "h3",
        "p",
        "div",
        "ol",
        "ul",
        "li",
        "dl",
        "dt",
        "dd",
        "span",
        "strong",
        "code",
        "br",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ],
    *[
        "details",
        "summary",
        "a",
        "svg",
        "desc",
        "defs",
        "g",
        "path",
        "text",
        "clippath",
        "use",
        "rect",
    ],
}
ALLOWED_ATTRIBUTES = {
    *[
        "lang",
        "charset",
        "name",
        "content",
        "id",
        "class",
        "aria-label",
        "aria-labelledby",
        "href",
        "scope",
        "role",
    ],
    *[
        "viewbox",
        "version",
        "style",
        "d",
        "transform",
        "clip-path",
        "x",
        "y",
        "width",
        "height",
        "xlink:href",
    ],
    *["type"],
}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks(max_policies=4), portfolios(max_contracts=3), AS_OF)
def test_html_is_well_formed_and_user_text_opens_no_element(
    framework: af.Framework, portfolio: af.Portfolio, as_of: datetime.date
) -> None:
    assessment = framework.evaluate(portfolio, as_of=as_of)
    page = report.render(assessment, "html", portfolio=portfolio)
    parsed = _Tags()
    parsed.feed(page)
    parsed.close()
    assert parsed.balanced
    assert parsed.stack == []
    assert parsed.tags <= ALLOWED_TAGS, parsed.tags - ALLOWED_TAGS
    assert parsed.attributes <= ALLOWED_ATTRIBUTES, parsed.attributes - ALLOWED_ATTRIBUTES
    assert "http:" not in page
    assert "https:" not in page
