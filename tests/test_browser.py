"""The site as readers use it, in headless Chromium: search, filters, old links, navigation."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser import serve
from tests.conftest import build_site

pytestmark = pytest.mark.browser

SEARCH_DONE = "document.getElementById('search-status')?.textContent.length > 0"


@pytest.fixture(scope="session")
def sample_base(sample_site):
    with serve(sample_site) as base:
        yield base


@pytest.fixture
def sample(sample_base, browser):
    return sample_base, browser


def test_search_for_a_kep_number_finds_the_issue_after_the_kep_page(sample):
    base, browser = sample
    for query in ("q=3136", "q=KEP-3136", "q=KEP%203136", "q=kep3136"):
        results = browser.search(base, query)
        assert results[:2] == ["keps/3136.html", "issues/2022-02-06.html"], query
    assert browser.errors == []
    assert browser.foreign_requests() == []


def test_the_header_search_box_leads_to_results(sample):
    base, browser = sample
    browser.page.goto(f"{base}index.html")
    browser.page.fill(".site-search input", "EasyCLA")
    browser.page.press(".site-search input", "Enter")
    browser.page.wait_for_url("**/search.html?q=EasyCLA")
    browser.page.wait_for_function(SEARCH_DONE)
    assert "q=EasyCLA" in browser.page.url
    assert browser.page.eval_on_selector_all("#search-results a.result-title", "e => e.length") == 1


def test_a_sig_filter_narrows_results_and_stays_in_the_url(sample):
    base, browser = sample
    everything = browser.search(base, "q=kubernetes")
    filtered = browser.search(base, "q=kubernetes&sig=sig-api-machinery&year=2022")
    assert 0 < len(filtered) <= len(everything)
    assert all(r.startswith(("issues/", "sigs/")) for r in filtered)
    assert browser.page.eval_on_selector("select[name=sig]", "s => s.value") == "sig-api-machinery"
    assert browser.search(base, "q=kubernetes&year=2019") == []


def test_a_kep_page_leads_to_its_issues_in_search_and_the_kep_filter_changes_them(sample):
    base, browser = sample
    page = browser.page
    page.goto(f"{base}keps/3136.html")
    page.click("text=Search these issues")
    page.wait_for_url("**/search.html?kep=KEP-3136")
    assert set(browser.results()) == {"keps/3136.html", "issues/2022-02-06.html"}
    assert page.eval_on_selector("select[name=kep]", "s => s.value") == "KEP-3136"
    # Only the KEPs the site mentions are offered.
    offered = page.eval_on_selector_all("select[name=kep] option", "os => os.map(o => o.value)")
    assert offered == ["", "KEP-2799", "KEP-3136"]
    page.select_option("select[name=kep]", "KEP-2799")
    page.wait_for_url("**/search.html?*kep=KEP-2799*")
    assert set(browser.results()) == {"keps/2799.html", "issues/2022-02-06.html"}
    assert browser.errors == []


def test_old_address_lands_on_the_issue_at_its_anchor(sample):
    base, browser = sample
    for old in ("2022/20220209", "2022/20220209/", "2022/20220209.html"):
        browser.page.goto(f"{base}{old}#featured-keps")
        browser.page.wait_for_url("**/issues/2022-02-06.html#featured-keps")
        assert browser.page.title().startswith("Week Ending February 6, 2022")
    assert browser.errors == []


def test_a_missing_address_offers_a_search_and_an_old_one_its_issue(tmp_path, browser, monkeypatch):
    # Built with the server's address as the canonical URL, as Read the Docs builds it.
    site = tmp_path / "html"
    with serve(site) as base:
        monkeypatch.setenv("READTHEDOCS_CANONICAL_URL", base)
        assert build_site(tmp_path, None, None) == site
        page = browser.page
        response = page.goto(f"{base}2022/20220209/klog-flags#developer-news")
        assert response.status == 404
        assert page.inner_text("h1") == "Page not found"
        link = page.locator("#old-issue-link")
        assert link.is_visible()
        # Relative to the site's root (the page's <base>), so it stays on the host it is served from.
        assert link.evaluate("a => a.href") == f"{base}issues/2022-02-06.html#developer-news"
        link.click()
        page.wait_for_url("**/issues/2022-02-06.html#developer-news")
        page.goto(f"{base}sig-node/beta-apis.html")
        assert page.locator("#old-issue").is_hidden()
        assert page.input_value(".site-search input") == "sig node beta apis"
        page.press(".site-search input", "Enter")
        page.wait_for_url("**/search.html?q=sig+node+beta+apis")
        assert browser.results()
        assert browser.foreign_requests() == []
        # The two missing addresses themselves, and no error of the page's script.
        assert (
            browser.errors
            == ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
            * 2
        )


def test_issue_links_to_its_kep_page_and_back(sample):
    base, browser = sample
    page = browser.page
    page.goto(f"{base}issues/2022-02-06.html")
    page.click(".issue-topics a.kep >> text=KEP-3136")
    page.wait_for_url("**/keps/3136.html")
    assert "KEP-3136" in page.inner_text("h1")
    page.click("a.mention-issue >> text=Week Ending February 6, 2022")
    page.wait_for_url("**/issues/2022-02-06.html")
    page.click("a[title='SIG API Machinery']")
    page.wait_for_url("**/sigs/sig-api-machinery.html")
    page.click("text=Search these issues")
    page.wait_for_url("**/search.html?sig=sig-api-machinery")
    assert "issues/2022-02-06.html" in browser.results()
    assert browser.errors == []
    assert browser.foreign_requests() == []


@pytest.mark.corpus
def test_corpus_queries_rank_the_right_pages_first(corpus_site, browser):
    keps = {k["number"]: k for k in json.loads((corpus_site / "api" / "keps.json").read_text())}
    mentioning_3136 = set(keps[3136]["issues"])
    with serve(corpus_site) as base:
        for query in ("q=3136", "q=KEP-3136", "q=KEP%203136", "q=kep3136"):
            results = browser.search(base, query)
            assert results[0] == "keps/3136.html", query
            assert mentioning_3136 <= set(results[1:]), query
        for query, page in (
            ("q=sig-node", "sigs/sig-node.html"),
            ("q=SIG%20Node", "sigs/sig-node.html"),
            ("q=api%20machinery", "sigs/sig-api-machinery.html"),
        ):
            assert browser.search(base, query)[0] == page, query
        assert "archive/2022/2022-02-06.html" in browser.search(base, "q=EasyCLA")
        # The counts the status line gives (a screen lists the first few).
        browser.search(base, "q=sig-node")
        everything = int(re.search(r"\d+", browser.page.text_content("#search-status")).group())
        browser.search(base, "q=sig-node&year=2023")
        filtered = int(re.search(r"\d+", browser.page.text_content("#search-status")).group())
        assert 0 < filtered < everything
        # The KEP filter offers every KEP with a page, by number (KEP-127 before KEP-1287).
        offered = browser.page.eval_on_selector_all(
            "select[name=kep] option", "os => os.slice(1).map(o => Number(o.value.slice(4)))"
        )
        assert offered == sorted(keps) == sorted(offered)
        assert browser.errors == []
        assert browser.foreign_requests() == []


@pytest.mark.corpus
def test_every_old_address_of_the_corpus_lands_on_its_issue(corpus_site, browser):
    issues = json.loads((corpus_site / "api" / "issues.json").read_text())
    wanted = {}
    for issue in issues:
        page = (corpus_site / issue["url"]).read_text(encoding="utf-8")
        old = page.split('href="https://lwkd.info', 1)[1].split('"', 1)[0]
        wanted[old] = issue["url"]
    assert len(wanted) == len(issues) == 334
    with serve(corpus_site) as base:
        for old, url in wanted.items():
            browser.page.goto(f"{base}{old.lstrip('/')}")
            browser.page.wait_for_url(f"**/{url}")
        assert browser.errors == []


@pytest.mark.corpus
def test_kep_index_filters_by_url_and_sorts_by_column(corpus_site, browser):
    with serve(corpus_site) as base:
        page = browser.page
        page.goto(f"{base}keps/index.html")
        every = page.eval_on_selector_all("#kep-table tbody tr", "rows => rows.length")
        page.goto(f"{base}keps/index.html?sig=sig-node&stage=beta")
        shown = page.eval_on_selector_all(
            "#kep-table tbody tr:not([hidden])",
            "rows => rows.map(r => [r.dataset.sig, r.dataset.stage])",
        )
        assert 0 < len(shown) < every
        assert all(row == ["sig-node", "beta"] for row in shown)
        assert page.eval_on_selector("select[name=sig]", "s => s.value") == "sig-node"
        page.select_option("select[name=stage]", "")
        assert "stage=" not in page.url
        assert "sig=sig-node" in page.url
        page.click("#kep-table th >> text=Issues")
        page.click("#kep-table th >> text=Issues")
        counts = page.eval_on_selector_all(
            "#kep-table tbody tr:not([hidden]) td:last-child",
            "cells => cells.map(c => Number(c.dataset.value))",
        )
        assert counts == sorted(counts, reverse=True)
        assert browser.errors == []
