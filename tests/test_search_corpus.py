"""The search page on the whole corpus, as a reader uses it in Chromium.

Each expected answer is written by hand from the posts in ``../shared/corpus/lwkd/_posts``
(the comment above it says where it comes from): a KEP's page first for its subject, a
pull request's number leading to the issue that featured it, every result reachable by
"Show more", filter counts that match the results, and typing that searches in place.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import serve

pytestmark = [pytest.mark.corpus, pytest.mark.browser]

#: The status line is empty while searching and says how many results once they are shown.
SEARCH_DONE = "document.getElementById('search-status')?.textContent.trim().length > 0"
RESULT_LINKS = "els => els.map(e => e.getAttribute('href').replace(/^\\//, ''))"


@pytest.fixture(scope="module")
def site(corpus_site):
    with serve(corpus_site) as base:
        yield base


def shown(browser) -> list[str]:
    """The result links listed (relative to the site)."""
    return browser.page.eval_on_selector_all("#search-results a.result-title", RESULT_LINKS)


def count(browser) -> int:
    """The number of results the status line announces (its first number)."""
    text = browser.page.text_content("#search-status") or ""
    found = re.search(r"\d[\d,]*", text)
    assert found, f"the status gives no count: {text!r}"
    return int(found.group().replace(",", ""))


def search(browser, base: str, query: str) -> list[str]:
    """Open ``search.html?q=QUERY`` and wait for its results; the links listed."""
    browser.page.goto(f"{base}search.html?q={query}")
    browser.page.wait_for_function(SEARCH_DONE)
    return shown(browser)


def test_sidecar_puts_the_sidecar_kep_first_with_a_highlighted_passage_per_result(site, browser):
    # KEP-753 "Sidecar Containers": 2023-07-09-update.md ("### [#116429: Add SidecarContainers
    # feature]", linking keps/sig-node/753-sidecar-containers) and 20 posts name sidecars;
    # the KEP's page is the subject's own.
    results = search(browser, site, "sidecar")
    assert results[0] == "keps/753.html"
    marks = browser.page.eval_on_selector_all(
        "#search-results > li", "items => items.map(li => li.querySelectorAll('mark').length)"
    )
    assert marks
    assert all(marks), f"results without a highlighted passage: {marks}"
    assert all(
        "sidecar" in word.lower()
        for word in browser.page.eval_on_selector_all(
            "#search-results mark", "ms => ms.map(m => m.textContent)"
        )
    )
    # The KEP page's passage is what LWKD said, not its facts run together ("Owning SIGSIG
    # Node"): those are its facts line.
    first = browser.page.locator("#search-results > li").first
    assert "Owning SIG" not in first.inner_text()
    assert "SIG Node" in first.locator(".result-facts").inner_text()
    # Issues are dated as everywhere on the site: 2024-10-13-update.md names sidecars.
    dates = browser.page.eval_on_selector_all(
        "#search-results .result-meta", "ds => ds.map(d => d.textContent)"
    )
    assert "published 13 October 2024" in dates
    assert not [d for d in dates if re.search(r"\d{4}-\d{2}", d)]
    assert browser.errors == []


def test_a_word_in_no_post_finds_nothing_and_says_so(site, browser):
    # `grep -ril qzxwvj _posts` finds no post: the word is in none of them.
    assert search(browser, site, "qzxwvj") == []
    status = browser.page.text_content("#search-status")
    assert count(browser) == 0 or re.search(r"\bno\b|nothing", status, re.I), status
    assert browser.page.is_hidden("#search-more")


def test_show_more_reaches_every_result_of_sig_node(site, browser):
    # SIG Node is named in 56 posts (`grep -il 'sig.node' _posts | wc -l`), and its
    # page is listed beside them: more than one page of results.
    search(browser, site, "sig-node")
    total = count(browser)
    first = len(shown(browser))
    assert 0 < first < total
    more = browser.page.locator("#search-more")
    for _ in range(total):
        if more.is_hidden():
            break
        listed = len(shown(browser))
        more.click()
        browser.page.wait_for_function(
            f"document.querySelectorAll('#search-results a.result-title').length > {listed}"
        )
    assert more.is_hidden()
    results = shown(browser)
    assert len(results) == total
    assert len(set(results)) == total, "a result is listed twice"
    assert results[0] == "sigs/sig-node.html"
    assert browser.errors == []


def test_a_feature_gate_puts_its_kep_first(site, browser):
    # 2024-01-21-update.md ("InPlacePodVerticalScaling won't prevent you from deleting PVCs")
    # and 9 more posts name the gate of KEP-1287 "In-Place Update of Pod Resources".
    assert search(browser, site, "InPlacePodVerticalScaling")[0] == "keps/1287.html"


@pytest.mark.parametrize("query", ["101688", "%23101688"])
def test_a_pull_request_number_finds_the_issue_that_featured_it(site, browser, query):
    # 2021-05-23-update.md, "## Featured PRs": "### [#101688: Add field-level warning plumbing
    # and add pod spec warnings]"; no other post names 101688.
    results = search(browser, site, query)
    assert results[:1] == ["archive/2021/2021-05-23.html"], query


def test_a_sig_filter_count_equals_the_results_it_lists(site, browser):
    # Of the 20 posts that name sidecars, 8 also name SIG Node (`grep -il sidecar _posts |
    # xargs grep -il 'sig.node'`): its count for this query is its own, below the query's.
    search(browser, site, "sidecar")
    everything = count(browser)
    # The filters' counts load when the reader comes to a filter, not with the first search.
    assert browser.page.eval_on_selector_all("select[name=sig] option", "os => os.length") == 1
    browser.page.hover("select[name=sig]")
    browser.page.wait_for_selector("#search-form[data-facets=shown]", state="attached")
    options = browser.page.eval_on_selector_all(
        "select[name=sig] option", "os => os.map(o => [o.value, o.textContent])"
    )
    counts = {
        value: int(m.group(1)) for value, text in options if (m := re.search(r"\((\d+)\)", text))
    }
    assert "sig-node" in counts, options
    # Per query: no SIG counts more results than the query has, and SIG Node fewer.
    assert all(n <= everything for n in counts.values()), (everything, counts)
    wanted = counts["sig-node"]
    assert 0 < wanted < everything
    browser.page.select_option("select[name=sig]", "sig-node")
    browser.page.wait_for_function(
        f"""(() => {{
            const text = document.getElementById('search-status').textContent;
            const n = text.match(/\\d+/);
            return n && Number(n[0]) !== {everything};
        }})()"""
    )
    more = browser.page.locator("#search-more")
    while not more.is_hidden():
        listed = len(shown(browser))
        more.click()
        browser.page.wait_for_function(
            f"document.querySelectorAll('#search-results a.result-title').length > {listed}"
        )
    assert count(browser) == wanted
    assert len(shown(browser)) == wanted
    assert "sig=sig-node" in browser.page.url


def test_typing_searches_in_place_without_loading_the_page_again(site, browser):
    # "sidecar" as in the first test: KEP-753 first.
    page = browser.page
    page.goto(f"{site}search.html")
    page.evaluate("window.searchPageMarker = 'still here'")
    loads = []
    page.on("load", lambda: loads.append(page.url))
    page.on("domcontentloaded", lambda: loads.append(page.url))
    page.locator("#search-form input[name=q]").press_sequentially("sidecar", delay=40)
    page.wait_for_function(
        "document.querySelector('#search-results a.result-title')?.getAttribute('href')"
        "?.endsWith('keps/753.html')"
    )
    assert page.evaluate("window.searchPageMarker") == "still here"
    assert loads == []
    assert shown(browser)[0] == "keps/753.html"
    assert browser.errors == []


def test_a_release_number_puts_its_release_page_first(site, browser):
    # 2025-04-20-update.md ("Kubernetes 1.33 is released") and the posts of its cycle name
    # 1.33; its release page (from sig-release's schedule) is the number's own page.
    assert search(browser, site, "1.33")[0] == "releases/1.33.html"


@pytest.mark.parametrize("query", ["sig-node", "1287", "101688"])
def test_no_passage_shown_is_a_list_of_names_only_the_index_knows(site, browser, query):
    # The KEP, group and pull request names (KEP-1287 kep1287, sig-node signode, 101688) are
    # metadata fields of each page: searched, in no excerpt. A list of them shown as a passage
    # would have two or more such words in a row.
    search(browser, site, query)
    passages = browser.page.eval_on_selector_all(
        "#search-results .result-sections li, #search-results .result-excerpt",
        "els => els.map(e => e.textContent)",
    )
    assert passages, query
    names = re.compile(
        r"\b(kep\d+|kep-\d+ kep \d+|signode|sig-node sig node|\d{5,} \d{5,})\b", re.I
    )
    shown = [p for p in passages if names.search(p)]
    assert shown == [], shown[:3]


#: The search's own part of a first search, compressed as a host serves it: Pagefind's files
#: (its runtime, wasm, index chunks, result fragments) and the search page's script and HTML.
#: The site's stylesheets and icons are the pages' share and are left out. Measured 135 KB
#: for sig-node; with a bundle per year and Pagefind's default chunks it was 410 KB.
SEARCH_BUDGET = 140_000


def test_a_first_search_for_sig_node_transfers_little(site, browser):
    import gzip

    sizes = {}

    def record(response) -> None:
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body
            return
        sizes[response.url] = len(gzip.compress(body, 6))

    browser.page.on("response", record)
    browser.page.goto(f"{site}search.html")
    browser.page.fill("#search-form input[name=q]", "sig-node")
    browser.page.wait_for_selector("#search-results a.result-title")
    browser.page.wait_for_load_state("networkidle")
    own = {
        url: size
        for url, size in sizes.items()
        if "/pagefind" in url or url.endswith(("lwkd-search.js", "search.html"))
    }
    assert sum(own.values()) <= SEARCH_BUDGET, sorted(own.items(), key=lambda i: -i[1])[:8]
    # The filters' files load when the reader comes to a filter, not with the first search.
    assert not [url for url in own if url.endswith(".pf_filter")]


@pytest.mark.parametrize("query", ["KEP-3136", "kep3136", "3136"])
def test_a_kep_alone_finds_its_page_and_the_issues_that_name_it_only(site, browser, query):
    # `grep -l 3136 _posts`: 2022-02-06-update.md ("### [enhancements#3137: KEP-3136: beta apis
    # off by default]"), 2022-10-30 (pull request 113136) and 2018-12-23 (an image's address).
    # Only the first names KEP-3136; a bundle of issues without the number offers nothing (not
    # every page with "kep" or "31" in it).
    assert search(browser, site, query) == ["keps/3136.html", "archive/2022/2022-02-06.html"]
    assert count(browser) == 2
