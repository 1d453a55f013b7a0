"""The archive's pages as assistive technology meets them: axe-core's WCAG 2.1 A and AA rules.

axe-core (pinned in package-lock.json, installed by `npm ci --ignore-scripts`) runs inside
headless Chromium on the built pages, in light and dark colour scheme, on a wide screen and
a phone's, so a contrast, a missing name or a broken structure fails here with what and where;
with them, axe-core's best-practice rules on landmarks (:data:`FRAME_RULES`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lwkd_archive.pages import charts
from tests.browser import SAMPLE_PAGES, serve
from tests.conftest import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
#: The WCAG 2.0 and 2.1 success criteria of levels A and AA, by axe-core's tags.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: axe-core's best-practice rules on the page's frame: landmarks a reader can tell apart and
#: jump to, everything inside one, and a heading that names the page.
FRAME_RULES = [
    "region", "landmark-one-main", "landmark-unique", "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo", "landmark-no-duplicate-main",
    "landmark-banner-is-top-level", "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level", "landmark-complementary-is-top-level", "page-has-heading-one",
]  # fmt: skip
WIDE, PHONE = 1280, 390
SEARCH_DONE = "document.getElementById('search-status')?.textContent.length > 0"

#: Pages of the full corpus, each of a kind the site writes (the issue one has a cycle line).
CORPUS_PAGES = [
    "index.html",
    "archive/2025/2025-02-16.html",
    "keps/753.html",
    "keps/index.html",
    "sigs/sig-node.html",
    "sigs/committee-steering.html",
    "sigs/wg-policy.html",  # an archived group
    "releases/index.html",
    "releases/1.33.html",
    "releases/1.38.html",
    "archive/2024/2024-07-28.html",  # a code block wider than a phone
    "search.html?q=kubelet",
]
#: Pages that also must read well on a phone's width.
PHONE_PAGES = ["keps/753.html", "releases/1.33.html", "archive/2024/2024-07-28.html"]


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.skip(f"axe-core not found at {AXE}: run `npm ci --ignore-scripts` for axe-core")
    return AXE


def violations(chromium_browser, url: str, scheme: str, width: int, axe: Path) -> list[str]:
    """axe-core's WCAG 2.1 A/AA (and :data:`FRAME_RULES`) violations of the page at ``url``.

    One line per element: the scheme, width and page, the rule, its impact, the element's
    selector and what to fix.
    """
    context = chromium_browser.new_context(
        color_scheme=scheme, viewport={"width": width, "height": 900}
    )
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response is not None, url
        assert response.status == 200, url
        if "search.html" in url:
            page.wait_for_function(SEARCH_DONE)
        page.add_script_tag(path=str(axe))
        found = page.evaluate(
            """async ([tags, frame]) => {
                const rules = Object.fromEntries(frame.map(id => [id, {enabled: true}]));
                const result = await axe.run(
                    document, {runOnly: {type: 'tag', values: tags}, rules});
                return result.violations.flatMap(v => v.nodes.map(n =>
                    `${v.id} (${v.impact}) at ${n.target.join(' ')}: `
                    + (n.failureSummary || v.help).replace(/\\s+/g, ' ')));
            }""",
            [WCAG_TAGS, FRAME_RULES],
        )
    finally:
        context.close()
    return [f"{scheme} {width}px {url.split('/', 3)[-1]}: {line}" for line in found]


def assert_accessible(chromium_browser, base: str, cases, axe: Path) -> None:
    found = []
    for path, scheme, width in cases:
        found += violations(chromium_browser, f"{base}{path}", scheme, width, axe)
    assert not found, f"{len(found)} accessibility violations:\n" + "\n".join(found)


def cases_of(pages: list[str], phone: list[str]):
    return [
        (path, scheme, width)
        for scheme in ("light", "dark")
        for path in pages
        for width in ((WIDE, PHONE) if path in phone else (WIDE,))
    ]


@pytest.mark.browser
@pytest.mark.corpus
@pytest.mark.parametrize("path", CORPUS_PAGES)
def test_corpus_page_has_no_wcag_violation(corpus_site, chromium_browser, axe_script, path):
    with serve(corpus_site) as base:
        assert_accessible(chromium_browser, base, cases_of([path], PHONE_PAGES), axe_script)


@pytest.mark.browser
def test_sample_pages_have_no_wcag_violation(sample_site, chromium_browser, axe_script):
    # On a phone too: the header folds into a menu there.
    with serve(sample_site) as base:
        assert_accessible(chromium_browser, base, cases_of(SAMPLE_PAGES, SAMPLE_PAGES), axe_script)


@pytest.mark.browser
def test_the_open_menu_and_the_chosen_theme_have_no_wcag_violation(
    sample_site, chromium_browser, axe_script
):
    # The states a reader makes: the phone's menu open, dark chosen on a light system and
    # light on a dark one (the toggle's choice, kept in localStorage).
    found = []
    with serve(sample_site) as base:
        for scheme, chosen in (("light", "dark"), ("dark", "light")):
            context = chromium_browser.new_context(
                color_scheme=scheme, viewport={"width": PHONE, "height": 900}
            )
            try:
                page = context.new_page()
                page.goto(f"{base}index.html")
                page.evaluate(f"localStorage.setItem('lwkd-theme', '{chosen}')")
                for path in ("issues/2022-02-06.html", "keps/3136.html"):
                    page.goto(base + path)
                    assert page.evaluate("document.documentElement.dataset.theme") == chosen
                    page.click(".site-menu > summary")
                    page.add_script_tag(path=str(axe_script))
                    found += [
                        f"{chosen} on {scheme} {path}: {line}"
                        for line in page.evaluate(
                            """async tags => (await axe.run(document,
                                {runOnly: {type: 'tag', values: tags}})).violations
                                .flatMap(v => v.nodes.map(n => `${v.id} at ${n.target}`))""",
                            WCAG_TAGS,
                        )
                    ]
            finally:
                context.close()
    assert not found, "\n".join(found)


@pytest.mark.browser
def test_axe_reports_a_violation_it_is_shown(tmp_path, chromium_browser, axe_script):
    # The check itself: an unnamed link, grey-on-white text and a paragraph outside every
    # landmark each fail, and each is told.
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><p>outside</p>'
        '<main><h1>t</h1><a href="x.html"></a><p style="color:#bbb;background:#fff">faint</p>'
        "</main></body></html>",
        encoding="utf-8",
    )
    with serve(tmp_path) as base:
        found = violations(chromium_browser, f"{base}index.html", "light", WIDE, axe_script)
    assert [line.split(" at ")[0] for line in found] == [
        "light 1280px index.html: color-contrast (serious)",
        "light 1280px index.html: link-name (serious)",
        "light 1280px index.html: region (moderate)",
    ]


def test_a_chart_of_links_is_a_named_group_of_them_and_one_without_an_image():
    # An image cannot hold links (axe: nested-interactive); the years chart's bars link to
    # their year, so it is a group named by its title whose links are all a reader meets.
    svg = "{http://www.w3.org/2000/svg}"
    rows = [{"year": 2022, "issues": 48, "keps": 130, "url": "archive/2022.html"},
            {"year": 2023, "issues": 50, "keps": 151, "url": "archive/2023.html"}]  # fmt: skip
    root = ET.fromstring(str(charts.years_chart(rows)))
    assert root.get("role") == "group"
    title, desc = root.find(f"{svg}title"), root.find(f"{svg}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert [(e.tag.removeprefix(svg), e.get("aria-hidden")) for e in root] == [
        ("title", None), ("desc", None), ("g", "true"), ("a", None), ("a", None), ("g", "true"),
    ]  # fmt: skip
    assert [a[0].text for a in root.iter(f"{svg}a")] == [
        "2022: 48 issues, 130 KEPs mentioned",
        "2023: 50 issues, 151 KEPs mentioned",
    ]
    # Without links the chart is one picture, its title and description its name.
    still = ET.fromstring(str(charts.years_chart([{**r, "url": ""} for r in rows])))
    assert still.get("role") == "img"
    assert [e for e in still.iter() if e.get("aria-hidden")] == []
