"""What the search index holds, asked of Pagefind itself: what readers type finds what they mean.

A tiny archive with hand-written KEP facts (a feature gate), one release, and three
issues that link pull requests and name people, groups and a Slack channel. The
built site is indexed by Pagefind as the archive indexes it; the browser tests then
query Pagefind's own API (not the search page's script) with the options the search
page gives it, so each answer below is what the index gives, whatever the search page
makes of it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lwkd_archive.outputs.search import (
    SEARCH_OPTIONS,
    heading_anchors,
    pull_request_tokens,
    search_names,
)
from tests.browser import serve
from tests.conftest import RELEASE_SITE_CONF as CONF
from tests.test_release_pages import kep

FACTS = [
    {
        **kep(1287, "In-Place Update of Pod Resources", "beta", "v1.33", {"beta": "v1.33"}),
        "feature_gates": ["InPlacePodVerticalScaling"],
    },
    kep(3136, "Beta APIs Are Off by Default", "stable", "v1.24", {"stable": "v1.24"},
        sig="sig-architecture"),
]  # fmt: skip

RELEASES = [
    {
        "version": "1.33",
        "cycle_start": "2025-01-13",
        "enhancements_freeze": "2025-02-14",
        "code_freeze": "2025-03-20",
        "release": "2025-04-23",
        "proposed": False,
        "source": "releases/release-1.33/README.md",
    }
]


def issue(week: str, published: str, news: str, schedule: str) -> str:
    return f"""\
---
blogpost: true
date: {published} 06:00
week_ending: {week}
---

# Week Ending {week}

## Developer News

{news}

## Release Schedule

{schedule}
"""


ISSUES = {
    "2025-02-16": issue(
        "2025-02-16",
        "2025-02-18",
        "Resize is beta: {kep}`1287` and `InPlacePodVerticalScaling` with it. Zebrafish "
        "news: @tallclair reviewed [the resize fix](https://github.com/kubernetes/kubernetes/pull/129876).",
        "Zebrafish schedule: Kubernetes v1.33 code freeze is near.",
    ),
    "2025-03-02": issue(
        "2025-03-02",
        "2025-03-04",
        "{sig}`node` asks for reviews in #sig-node; {kep}`3136` is stable.",
        "[A fix](https://github.com/kubernetes/kubernetes/pull/133001) and "
        "{pr}`Bump the Go version <kubernetes/kubernetes#130042>` merged.",
    ),
    # Published before the issue above (a late week): sorted by the week it covers.
    "2025-01-19": issue(
        "2025-01-19", "2025-03-10", "{sig}`node` met about {kep}`1287`.", "Cycle 1.33 began."
    ),
}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The tiny archive, built with -W and indexed by Pagefind; its output folder."""
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path_factory.mktemp("search-index") / "src"
    write(src / "conf.py", CONF)
    write(src / "index.md", "# Test\n")
    write(src / "facts.json", json.dumps(FACTS))
    write(src / "releases.json", json.dumps(RELEASES))
    for name, text in ISSUES.items():
        write(src / "issues" / f"{name}.md", text)
    app = SphinxTestApp("html", srcdir=src, builddir=src.parent / "build")
    try:
        app.build()
        assert app.warning.getvalue() == ""
    finally:
        app.cleanup()
    return Path(app.outdir)


def page(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


# Index side, read in the built pages.


def test_a_sections_id_moves_onto_its_heading_once():
    body = (
        '<section id="week-ending-x">\n<h1>Week</h1>\n<section id="developer-news">\n'
        '<h2>Developer News<a class="headerlink" href="#developer-news">¶</a></h2>'
        '<section id="deep" class="x">\n<h3>Kept</h3>'
    )
    assert heading_anchors(body) == (
        '<section id="week-ending-x">\n<h1>Week</h1>\n<section>\n'
        '<h2 id="developer-news">Developer News<a class="headerlink" href="#developer-news">¶</a>'
        '</h2><section id="deep" class="x">\n<h3>Kept</h3>'
    )


def test_pull_request_tokens_come_once_each_from_links_to_pull_requests():
    from docutils import nodes

    tree = nodes.paragraph()
    for uri in (
        "https://github.com/kubernetes/kubernetes/pull/12",
        "https://github.com/kubernetes/kubernetes/issues/13",
        "https://github.com/kubernetes-sigs/kind/pull/14/files",
        "https://github.com/kubernetes/kubernetes/pull/12",
        "https://example.com/kubernetes/kubernetes/pull/15",
    ):
        tree += nodes.reference("", "link", refuri=uri)
    assert pull_request_tokens(tree) == "12 14"
    assert pull_request_tokens(None) == ""


def test_a_search_field_is_one_escaped_meta_element_or_nothing():
    assert search_names("names", "KEP-1287  KEP 1287\n") == (
        '<meta name="lwkd-search-names" content="KEP-1287 KEP 1287" '
        'data-pagefind-meta="names[content]">\n'
    )
    # A group's name comes from sigs.yaml: data, never markup.
    hostile = search_names("mentions", 'SIG "x" onload=alert(1) <script>&')
    assert 'content="SIG &quot;x&quot; onload=alert(1) &lt;script&gt;&amp;"' in hostile
    assert search_names("pull_requests", " ") == ""


def test_issue_headings_carry_their_sections_anchor(site):
    html = page(site, "issues/2025-02-16.html")
    assert html.count('id="developer-news"') == 1
    assert '<h2 id="developer-news">Developer News' in html
    assert '<h2 id="release-schedule">Release Schedule' in html
    # The link beside each heading is the old anchor, unchanged.
    assert 'href="#developer-news"' in html


def search_fields(html: str) -> dict[str, str]:
    """The page's metadata fields for Pagefind in its head: field name to words."""
    head = html.partition("</head>")[0]
    return dict(
        (field, words)
        for words, field in re.findall(
            r'<meta name="lwkd-search-[a-z_]+" content="([^"]*)" '
            r'data-pagefind-meta="([a-z_]+)\[content\]">',
            head,
        )
    )


def test_issue_pages_sort_by_their_week_and_index_their_pull_requests(site):
    html = page(site, "issues/2025-01-19.html")
    assert 'data-pagefind-sort="date:2025-01-19"' in html
    assert 'data-pagefind-meta="date:2025-01-19"' in html
    fields = search_fields(page(site, "issues/2025-03-02.html"))
    assert fields["pull_requests"] == "133001 130042"
    assert fields["mentions"] == (
        "KEP-3136 KEP 3136 kep3136 3136 sig-architecture sig architecture sigarchitecture "
        "SIG Architecture sig-node sig node signode SIG Node"
    )


def test_names_are_searched_in_the_head_and_are_no_text_of_the_page(site):
    # The words a reader never reads (KEP-1287 kep1287, sig-node signode) are not in the
    # body Pagefind indexes: its excerpts quote the body only.
    kep = page(site, "keps/1287.html")
    assert search_fields(kep) == {
        "names": "KEP-1287 KEP 1287 kep1287 1287 InPlacePodVerticalScaling"
    }
    assert "kep1287" not in kep.partition("</head>")[2]
    group = page(site, "sigs/sig-node.html")
    assert search_fields(group) == {"names": "sig-node sig node signode SIG Node"}
    assert "signode" not in group.partition("</head>")[2]
    assert search_fields(page(site, "releases/1.33.html")) == {
        "names": "1.33 v1.33 Kubernetes v1.33 release"
    }
    issue = page(site, "issues/2025-02-16.html")
    assert "kep1287" not in issue.partition("</head>")[2]
    assert 'class="index-only"' not in issue


def test_only_issue_pages_carry_the_issue_filters(site):
    for name in ("keps/1287.html", "sigs/sig-node.html", "releases/1.33.html"):
        html = page(site, name)
        assert "data-pagefind-body" in html, name
        filters = re.findall(r'data-pagefind-filter="([a-z]+):', html)
        assert sorted(filters) == ["page", "topic"], name
    assert "data-pagefind-body" not in page(site, "releases/index.html")


# Pagefind's answers, in headless Chromium.

SEARCH = """async ([query, options]) => {
  const pagefind = await import('/pagefind/pagefind.js');
  if (!window.merged) {
    window.merged = true;
    const each = { ...OPTIONS, baseUrl: '/' };
    await pagefind.options(each);
    for (const bundle of BUNDLES) await pagefind.mergeIndex('/' + bundle, each);
  }
  const search = await pagefind.search(query, options);
  const data = await Promise.all(search.results.map((r) => r.data()));
  return { filters: await pagefind.filters(), results: data.map((d) => ({
    url: d.url, meta: d.meta, excerpt: d.excerpt, sub_results: d.sub_results.map((s) => s.url),
    excerpts: [d.excerpt, ...d.sub_results.map((s) => s.excerpt)] })) };
}"""


@pytest.fixture(scope="module")
def served(site):
    with serve(site) as base:
        yield base


@pytest.fixture
def pagefind(site, served, browser):
    """``pagefind(query, options)``: Pagefind's results over every bundle, and its filters."""
    bundles = [f"pagefind-issues/{p.name}/" for p in sorted((site / "pagefind-issues").iterdir())]
    browser.page.goto(f"{served}index.html")
    script = SEARCH.replace("BUNDLES", json.dumps(bundles)).replace(
        "OPTIONS", json.dumps(SEARCH_OPTIONS)
    )

    def search(query: str | None, options: dict | None = None) -> dict:
        return browser.page.evaluate(script, [query, options or {}])

    yield search
    assert browser.errors == []
    assert browser.foreign_requests() == []


def urls(answer: dict) -> list[str]:
    return [r["url"].lstrip("/") for r in answer["results"]]


@pytest.mark.browser
def test_a_hit_in_a_section_links_to_the_sections_anchor(pagefind):
    (result,) = pagefind("zebrafish")["results"]
    assert result["url"] == "/issues/2025-02-16.html"
    assert result["sub_results"] == [
        "/issues/2025-02-16.html#developer-news",
        "/issues/2025-02-16.html#release-schedule",
    ]


@pytest.mark.browser
def test_a_feature_gate_or_a_kep_title_finds_the_kep_first(pagefind):
    found = urls(pagefind("InPlacePodVerticalScaling"))
    assert found == ["keps/1287.html", "issues/2025-02-16.html"]
    assert urls(pagefind("In-Place Update of Pod Resources"))[0] == "keps/1287.html"
    assert urls(pagefind("beta apis off by default"))[0] == "keps/3136.html"


@pytest.mark.browser
def test_a_group_or_its_slack_channel_finds_the_group_first(pagefind):
    for query in ("sig-node", "#sig-node", "signode"):
        assert urls(pagefind(query))[0] == "sigs/sig-node.html", query
    assert "issues/2025-03-02.html" in urls(pagefind("#sig-node"))


@pytest.mark.browser
def test_a_pull_request_number_with_or_without_hash_finds_its_issue(pagefind):
    # Pagefind also offers pages with a word the number starts with ("1"), after it.
    for query in ("129876", "#129876"):
        found = urls(pagefind(query))
        assert found[0] == "issues/2025-02-16.html", query
        assert not [url for url in found[1:] if url.startswith("issues/")], query
    assert urls(pagefind("#130042"))[0] == "issues/2025-03-02.html"
    # Quoted, a number is found exactly: the one issue that links the pull request.
    for query in ('"129876"', '"#129876"'):
        assert urls(pagefind(query)) == ["issues/2025-02-16.html"], query


@pytest.mark.browser
def test_a_handle_with_or_without_at_finds_the_issue(pagefind):
    for query in ("@tallclair", "tallclair"):
        assert urls(pagefind(query)) == ["issues/2025-02-16.html"], query


@pytest.mark.browser
def test_a_release_version_finds_the_release_page_first(pagefind):
    # Before the issue that links pull request 133001, whose number starts like "1.33".
    for query in ("1.33", "v1.33", "Kubernetes v1.33", '"1.33"'):
        found = urls(pagefind(query))
        assert found[0] == "releases/1.33.html", query


@pytest.mark.browser
def test_a_filter_only_search_sorts_newest_week_first(pagefind):
    answer = pagefind(None, {"filters": {"sig": "sig-node"}, "sort": {"date": "desc"}})
    # KEP-1287's issue is in SIG Node too: SIG Node owns KEP-1287.
    newest_first = ["issues/2025-03-02.html", "issues/2025-02-16.html", "issues/2025-01-19.html"]
    assert urls(answer) == newest_first
    assert [r["meta"]["date"] for r in answer["results"]] == [
        "2025-03-02",
        "2025-02-16",
        "2025-01-19",
    ]
    oldest_first = pagefind(None, {"filters": {"sig": "sig-node"}, "sort": {"date": "asc"}})
    assert urls(oldest_first) == newest_first[::-1]


@pytest.mark.browser
def test_facets_count_issues_only(pagefind):
    filters = pagefind(None, {"filters": {"page": "KEP"}})["filters"]
    assert filters["sig"] == {"sig-node": 3, "sig-architecture": 1}
    assert filters["kep"] == {"KEP-1287": 2, "KEP-3136": 1}
    assert filters["year"] == {"2025": 3}
    # SIG Architecture has a page: it owns KEP-3136.
    assert filters["page"] == {"KEP": 2, "SIG": 2, "Release": 1}
    kep_pages = pagefind(None, {"filters": {"page": "KEP"}})
    assert sorted(urls(kep_pages)) == ["keps/1287.html", "keps/3136.html"]
    # A KEP page's "Search these issues" (?kep=KEP-1287) lists its issues; its own page
    # is found by its topic.
    assert sorted(urls(pagefind(None, {"filters": {"kep": "KEP-1287"}}))) == [
        "issues/2025-01-19.html",
        "issues/2025-02-16.html",
    ]
    assert urls(pagefind(None, {"filters": {"topic": "KEP-1287"}})) == ["keps/1287.html"]


@pytest.mark.browser
def test_no_excerpt_quotes_the_names_only_the_index_knows(pagefind):
    # The KEP, group, release and pull request names are found, but every excerpt is
    # the page's own text: no "kep1287", "signode" or bare list of numbers in any.
    for query in ("1287", "kep1287", "sig-node", "signode", "133001", "1.33"):
        answer = pagefind(query)
        assert answer["results"], query
        for result in answer["results"]:
            for excerpt in result["excerpts"]:
                text = re.sub(r"</?mark>", "", excerpt or "").lower()
                assert not re.search(r"\bkep\d+|signode|sigarchitecture|\bkep \d+ kep", text), (
                    query,
                    result["url"],
                    excerpt,
                )
