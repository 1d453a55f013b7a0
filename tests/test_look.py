"""How the archive's pages look and behave in a reader's browser: the header, the theme, the 404.

Headless Chromium at a phone's width (390 px) and a desktop's (1280 px), in light and dark:
no page is wider than the screen; the header is short on a phone, its menu folds and opens,
the current section is marked, every control is at least 24 px square; the theme toggle
switches and remembers; the skip link and "/" lead where they say; the 404 page is styled
and its links work wherever the site is served (the canonical path, another Read the Docs
version, a preview folder, localhost's root).
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from lwkd_archive.facts.dates import human_date
from lwkd_archive.pages.redirects import root_path
from tests.browser import SAMPLE_PAGES, QuietHandler, serve

WIDE, PHONE = 1280, 390
SEARCH_DONE = "document.getElementById('search-status')?.textContent.length > 0"
#: The same kinds in the full corpus, with a release page and a long code block.
CORPUS_PAGES = [
    "index.html",
    "archive/2025/2025-02-16.html",
    "archive/2024/2024-07-28.html",
    "keps/753.html",
    "keps/index.html",
    "sigs/sig-node.html",
    "sigs/index.html",
    "archive/2022.html",
    "releases/index.html",
    "releases/1.33.html",
    "search.html?q=kubelet",
]
#: What a reader can press in the header.
CONTROLS = ".site-header a, .site-header button, .site-header summary, .site-header input"


def test_a_date_reads_the_same_everywhere():
    assert human_date(dt.date(2022, 2, 9)) == "9 February 2022"
    assert human_date(dt.datetime(2026, 8, 2, 23, 59)) == "2 August 2026"
    assert human_date("2019-12-31") == "31 December 2019"
    assert human_date("2021-11-01T05:20:00") == "1 November 2021"


def test_the_404_page_knows_only_the_path_of_the_canonical_root():
    assert root_path("https://lwkd-archive.readthedocs.io/en/latest/") == "/en/latest/"
    assert root_path("https://lwkd-archive.readthedocs.io/en/stable") == "/en/stable/"
    assert root_path("https://archive.example/") == "/"
    assert root_path("https://archive.example") == "/"
    assert root_path("") == "/"


def test_every_page_has_one_viewport_a_favicon_and_both_colour_schemes(sample_site):
    for path in ("index.html", "issues/2022-02-06.html", "keps/3136.html", "404.html"):
        head = (sample_site / path).read_text(encoding="utf-8").split("</head>", 1)[0]
        assert head.count('name="viewport"') == 1, path
        assert '<meta name="color-scheme" content="light dark">' in head, path
        icons = re.findall(r'<link rel="icon" href="([^"]+)"', head)
        assert [Path(i).name for i in icons] == ["favicon.svg"], path
    assert (sample_site / "_static" / "favicon.svg").read_text().startswith("<svg")
    # Sphinx's own search scripts are not loaded: Pagefind searches.
    issue = (sample_site / "issues" / "2022-02-06.html").read_text(encoding="utf-8")
    assert "doctools.js" not in issue
    assert "sphinx_highlight.js" not in issue
    assert "pygments.css" not in issue
    # The search page, whose bytes count for a reader's first search, has lwkd.css alone;
    # other pages keep basic.css for the content Sphinx writes.
    search = (sample_site / "search.html").read_text(encoding="utf-8")
    assert re.findall(r'rel="stylesheet"[^>]* href="_static/([\w.-]+)\?', search) == ["lwkd.css"]
    assert "_static/basic.css" in issue


def test_an_issue_shows_its_date_in_words_and_older_and_newer_in_words(sample_site):
    page = (sample_site / "issues" / "2022-02-06.html").read_text(encoding="utf-8")
    assert 'Published <time datetime="2022-02-09T05:20Z">9 February 2022</time>' in page
    # Its groups are chips like its KEPs, not Sphinx's monospace `.sig` signatures.
    assert 'class="topic group"' in page
    assert 'class="topic sig"' not in page


@pytest.fixture(scope="module")
def sample_base(sample_site):
    with serve(sample_site) as base:
        yield base


@contextmanager
def context(chromium_browser, width: int, scheme: str = "light"):
    ctx = chromium_browser.new_context(
        viewport={"width": width, "height": 844}, color_scheme=scheme
    )
    try:
        yield ctx
    finally:
        ctx.close()


def open_page(ctx, url: str):
    page = ctx.new_page()
    response = page.goto(url)
    assert response is not None, url
    assert response.status in (200, 404), url
    if "search.html" in url:
        page.wait_for_function(SEARCH_DONE)
    return page


def widths(chromium_browser, base: str, pages: list[str]) -> list[str]:
    """Each page, width and scheme where the page is wider than the window."""
    wider = []
    for scheme in ("light", "dark"):
        for width in (PHONE, WIDE):
            with context(chromium_browser, width, scheme) as ctx:
                for path in pages:
                    page = open_page(ctx, base + path)
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        wider.append(f"{scheme} {width}px {path}: {scroll}px wide")
                    page.close()
    return wider


@pytest.mark.browser
def test_no_sample_page_is_wider_than_the_window(sample_base, chromium_browser):
    assert widths(chromium_browser, sample_base, SAMPLE_PAGES) == []


@pytest.mark.browser
@pytest.mark.corpus
def test_no_corpus_page_is_wider_than_the_window(corpus_site, chromium_browser):
    with serve(corpus_site) as base:
        assert widths(chromium_browser, base, CORPUS_PAGES) == []


def small_controls(page) -> list[str]:
    return page.eval_on_selector_all(
        CONTROLS,
        """els => els.filter(e => e.offsetParent !== null).map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.width < 24 || r.height < 24)
            .map(([e, r]) => `${e.tagName} ${e.textContent.trim()} ${r.width}x${r.height}`)""",
    )


@pytest.mark.browser
def test_on_a_phone_the_header_is_short_and_its_menu_opens(sample_base, chromium_browser):
    with context(chromium_browser, PHONE) as ctx:
        page = open_page(ctx, f"{sample_base}issues/2022-02-06.html")
        assert page.evaluate("document.querySelector('.site-header').offsetHeight") <= 64
        assert page.locator(".site-nav").is_hidden()
        assert small_controls(page) == []
        page.click(".site-menu > summary")
        nav = page.locator(".site-nav a")
        assert nav.all_inner_texts() == ["Issues", "KEPs", "Groups", "Releases", "Search"]
        assert all(box["height"] >= 44 for box in (a.bounding_box() for a in nav.all()))
        assert small_controls(page) == []
        # The open menu lies over the page: the page below does not move.
        page.click(".site-nav >> text=KEPs")
        page.wait_for_url("**/keps/index.html")


@pytest.mark.browser
def test_on_a_desktop_the_sections_and_search_show_at_once(sample_base, chromium_browser):
    with context(chromium_browser, WIDE) as ctx:
        page = open_page(ctx, f"{sample_base}index.html")
        assert page.locator(".site-menu > summary").is_hidden()
        assert page.locator(".site-nav").is_visible()
        assert page.locator(".site-search input").is_visible()
        assert page.evaluate("document.querySelector('.site-header').offsetHeight") <= 72
        assert small_controls(page) == []


@pytest.mark.browser
def test_without_script_the_sections_still_show_and_no_dead_toggle(sample_base, chromium_browser):
    for width in (PHONE, WIDE):
        ctx = chromium_browser.new_context(
            java_script_enabled=False, viewport={"width": width, "height": 844}
        )
        try:
            page = ctx.new_page()
            page.goto(f"{sample_base}keps/3136.html")
            assert page.locator("button.theme-toggle").is_hidden(), width
            if width == PHONE:
                assert page.locator(".site-nav").is_hidden()
                page.click(".site-menu > summary")
            assert page.locator(".site-nav").is_visible(), width
            assert page.evaluate("document.querySelector('.site-header').offsetHeight") <= 64
        finally:
            ctx.close()


@pytest.mark.browser
def test_the_current_section_is_marked(sample_base, chromium_browser):
    expected = {
        "index.html": {},
        "issues/2022-02-06.html": {"Issues": "true"},
        "archive/index.html": {"Issues": "page"},
        "archive/2022.html": {"Issues": "true"},
        "keps/index.html": {"KEPs": "page"},
        "keps/3136.html": {"KEPs": "true"},
        "sigs/sig-api-machinery.html": {"Groups": "true"},
        "releases/index.html": {"Releases": "page"},
        "search.html?q=kubernetes": {"Search": "page"},
    }
    with context(chromium_browser, WIDE) as ctx:
        for path, marked in expected.items():
            page = open_page(ctx, sample_base + path)
            current = page.eval_on_selector_all(
                ".site-nav a[aria-current]",
                "els => Object.fromEntries(els.map(e => [e.textContent, e.ariaCurrent]))",
            )
            assert current == marked, path
            if marked:
                weight = page.eval_on_selector(
                    ".site-nav a[aria-current]", "e => getComputedStyle(e).fontWeight"
                )
                other = page.eval_on_selector(
                    ".site-nav a:not([aria-current])", "e => getComputedStyle(e).fontWeight"
                )
                assert int(weight) > int(other), path
            page.close()


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.browser
def test_the_theme_follows_the_system_and_the_toggle_remembers(sample_base, chromium_browser):
    with context(chromium_browser, WIDE, "light") as ctx:
        page = open_page(ctx, f"{sample_base}index.html")
        toggle = page.locator("button.theme-toggle")
        assert toggle.get_attribute("aria-pressed") == "false"
        assert toggle.evaluate("b => b.textContent.trim()") == "Dark mode"
        assert background(page) == "rgb(255, 255, 255)"
        toggle.click()
        assert toggle.get_attribute("aria-pressed") == "true"
        assert background(page) == "rgb(20, 23, 28)"
        # Form controls follow (color-scheme), not only the page.
        assert page.evaluate("getComputedStyle(document.documentElement).colorScheme") == "dark"
        # Remembered on the next page, before it is drawn: the attribute is set in <head>.
        page.goto(f"{sample_base}keps/3136.html", wait_until="commit")
        page.wait_for_selector("body")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        page.wait_for_load_state()
        assert background(page) == "rgb(20, 23, 28)"
        page.click("button.theme-toggle")
        page.reload()
        assert background(page) == "rgb(255, 255, 255)"
    with context(chromium_browser, WIDE, "dark") as ctx:
        page = open_page(ctx, f"{sample_base}index.html")
        assert page.get_attribute("button.theme-toggle", "aria-pressed") == "true"
        assert background(page) == "rgb(20, 23, 28)"


@pytest.mark.browser
def test_the_skip_link_and_slash_lead_where_they_say(sample_base, chromium_browser):
    for width in (PHONE, WIDE):
        with context(chromium_browser, width) as ctx:
            page = open_page(ctx, f"{sample_base}issues/2022-02-06.html")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "Skip to content"
            assert page.locator(".skip-link").bounding_box()["y"] >= 0
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main"
            page.keyboard.press("/")
            assert page.evaluate("document.activeElement.matches('.site-search input')")
            assert page.locator(".site-search input").is_visible()


class PrefixHandler(QuietHandler):
    """Serves the site under a folder (``/en/stable/``) as Read the Docs serves a version;
    any other address is missing, and gets the site's 404 page."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "missing-outside-the-site")
        return super().translate_path("/" + path[len(self.prefix) :])


@contextmanager
def serve_under(site: Path, prefix: str) -> Iterator[str]:
    handler = functools.partial(
        type("Handler", (PrefixHandler,), {"prefix": prefix}), directory=str(site)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("prefix", "missing"),
    [
        ("/en/latest/", "sig-node/beta-apis.html"),  # the canonical path of the sample
        ("/en/stable/", "2022/20220209/klog-flags"),  # another version on Read the Docs
        ("/", "a/b/c/d/e.html"),  # localhost, `python -m http.server`
        ("/", "en/latest/moved.html"),  # a folder named like the canonical one
        ("/preview/pr-12/", "keps/99999.html"),  # a preview host's folder
    ],
)
def test_the_404_page_works_wherever_the_site_is_served(
    sample_site, chromium_browser, prefix, missing
):
    with serve_under(sample_site, prefix) as base, context(chromium_browser, WIDE) as ctx:
        page = ctx.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        response = page.goto(base + missing)
        assert response.status == 404
        page.wait_for_function("getComputedStyle(document.body).fontFamily.includes('system-ui')")
        assert page.inner_text("h1") == "Page not found"
        words = page.input_value(".site-search input")
        assert page.locator("#not-found-search").evaluate("a => a.href") == (
            f"{base}search.html?q=" + words.replace(" ", "%20")
        )
        hrefs = page.eval_on_selector_all(".site-nav a", "els => els.map(e => e.href)")
        assert hrefs[:2] == [f"{base}archive/index.html", f"{base}keps/index.html"]
        page.click(".site-nav >> text=KEPs")
        page.wait_for_url(f"{base}keps/index.html")
        assert "KEP" in page.inner_text("h1")
        host = urlparse(base).netloc
        assert [u for u in requests if urlparse(u).netloc != host] == []
        if missing.startswith("2022/20220209"):
            page.go_back()
            link = page.locator("#old-issue-link")
            link.wait_for()
            assert link.evaluate("a => a.href") == f"{base}issues/2022-02-06.html"
