"""Pages that do their job: an issue opens with what it covers, the home page reaches every issue,
year pages go by month, the KEP index filters by words and shows each stage's release, badges
have a colour per value, and KEP and group pages load none of sphinx-design's assets.

A tiny archive with the project's templates, built with sphinx.testing; expected pieces of HTML
written by hand.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from tests.conftest import REPO, TEMPLATES

CONF = f"""\
from pathlib import Path

extensions = ["myst_parser", "sphinx_design", "ablog", "lwkd_archive"]
html_theme = "basic"
templates_path = [{str(TEMPLATES)!r}]
html_static_path = [{str(REPO / "_static")!r}]
html_css_files = ["lwkd.css"]
html_use_index = False
blog_post_pattern = ["issues/*"]
html_baseurl = "https://archive.example/"
blog_baseurl = html_baseurl
blog_title = "Last Week in Kubernetes Development"
post_auto_orphan = True
lwkd_kep_facts = str(Path(__file__).resolve().parent / "facts.json")
"""

INDEX = """\
# Test archive

## Latest issues

```{lwkd-latest-issues} 2
```

## By year

```{lwkd-years}
```
"""

FACTS = [
    {"number": 3136, "title": "Beta APIs Are Off by Default", "owning_sig": "sig-architecture",
     "participating_sigs": [], "status": "implemented", "stage": "stable",
     "latest_milestone": "v1.24", "milestones": {"beta": "v1.23", "stable": "v1.24"},
     "path": "keps/sig-architecture/3136-beta-apis-off-by-default"},
    {"number": 19, "title": "Kubectl debug", "owning_sig": "sig-cli",
     "participating_sigs": [], "status": "<b>odd</b>", "stage": "alpha",
     "latest_milestone": "v1.18", "milestones": {"alpha": "v1.18"},
     "path": "keps/sig-cli/19-kubectl-debug"},
]  # fmt: skip


def issue(week: str, published: str, body: str) -> str:
    return (
        f"---\nblogpost: true\ndate: {published} 06:00\nweek_ending: {week}\n"
        f"lwkd_url: /{published[:4]}/{published.replace('-', '')}\n---\n\n{body}"
    )


ISSUES = {
    "issues/2023-12-31": issue(
        "2023-12-31",
        "2024-01-03",
        "# Week Ending December 31, 2023\n\n## Developer News\n\nQuiet week for {kep}`19`.\n",
    ),
    "issues/2024-01-07": issue(
        "2024-01-07",
        "2024-01-10",
        "# Week Ending January 7, 2024\n\n## Developer News\n\n"
        "{sig}`SIG Node <node>` met.\n\n## Featured PRs\n\n"
        "The work for {kep}`3136` landed this week.\n\n## Other Merges\n\n* Fixes.\n",
    ),
    "issues/2024-02-04": issue(
        "2024-02-04",
        "2024-02-07",
        "# Week Ending February 4, 2024\n\n## Promotions\n\n{kep}`3136` graduates to GA.\n",
    ),
}


def write_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.md").write_text(INDEX, encoding="utf-8")
    (root / "facts.json").write_text(json.dumps(FACTS), encoding="utf-8")
    (root / "issues").mkdir(exist_ok=True)
    for name, text in ISSUES.items():
        (root / f"{name}.md").write_text(text, encoding="utf-8")
    return root


def build(src: Path, builddir: Path) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, builddir=builddir)
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.warning.getvalue() == "", app.warning.getvalue()
    return app


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("finished")
    src = write_project(root / "src")
    return build(src, root / "build").outdir


def read(outdir: Path, pagename: str) -> str:
    return (outdir / f"{pagename}.html").read_text(encoding="utf-8")


def body_of(page: str) -> str:
    return page.split("<main", 1)[-1] if "<main" in page else page.split("<body", 1)[1]


# -- an issue opens with what it covers ---------------------------------------------------


def test_issue_opens_with_its_keps_groups_and_sections_under_its_title(site):
    page = read(site, "issues/2024-01-07")
    title_end = page.index("</h1>")
    block = page.index('<nav class="issue-topics" aria-label="In this issue"')
    first_section = page.index('<h2 id="developer-news">')
    assert title_end < block < first_section
    topics = page[block : page.index("</nav>", block)]
    # Not indexed twice: the search index has the issue's own words.
    assert 'data-pagefind-ignore="all"' in topics
    assert (
        '<a class="topic kep" href="../keps/3136.html" title="Beta APIs Are Off by Default" '
        'aria-label="KEP-3136: Beta APIs Are Off by Default">KEP-3136</a>'
    ) in topics
    # Its groups by name: the group it names, and the owner of the KEP it mentions.
    assert (
        '<a class="topic group" href="../sigs/sig-architecture.html">SIG Architecture</a>' in topics
    )
    assert '<a class="topic group" href="../sigs/sig-node.html">SIG Node</a>' in topics
    assert (
        '<li><a href="#developer-news">Developer News</a></li>'
        '<li><a href="#featured-prs">Featured PRs</a></li>'
        '<li><a href="#other-merges">Other Merges</a></li>'
    ) in topics
    # Once: no second block of chips at the bottom.
    assert page.count('class="issue-topics"') == 1
    assert page.count('class="topic kep"') == 1


def test_an_issue_of_one_section_lists_no_contents(site):
    page = read(site, "issues/2024-02-04")
    assert 'class="topic kep" href="../keps/3136.html"' in page
    assert 'class="issue-contents"' not in page


# -- the home page reaches every issue ------------------------------------------------------


def test_home_lists_the_latest_issues_then_leads_to_every_year(site):
    page = body_of(read(site, "index"))
    latest = page[page.index('<ol class="latest-issues">') : page.index("</ol>")]
    titles = re.findall(r'class="issue-title" href="([^"]+)">([^<]+)</a>', latest)
    assert titles == [
        ("issues/2024-02-04.html", "Week Ending February 4, 2024"),
        ("issues/2024-01-07.html", "Week Ending January 7, 2024"),
    ]
    assert 'published <time datetime="2024-02-07">7 February 2024</time>' in latest
    assert '<span class="count">· 1 KEP · 1 group</span>' in latest
    assert '<span class="count">· 1 KEP · 2 groups</span>' in latest
    assert (
        '<p class="more-issues"><a href="archive/2024.html">All 2024 issues →</a>'
        ' <a href="archive/index.html">Every issue, by year →</a></p>'
    ) in page
    assert (
        '<ul class="year-grid"><li><a href="archive/2024.html">2024</a> '
        '<span class="count">2 issues</span></li><li><a href="archive/2023.html">2023</a> '
        '<span class="count">1 issue</span></li></ul>'
    ) in page
    assert "postlist" not in page


def test_home_lists_follow_a_new_issue_in_an_incremental_build(tmp_path):
    src = write_project(tmp_path / "src")
    build(src, tmp_path / "incremental")
    (src / "issues" / "2025-01-05.md").write_text(
        issue("2025-01-05", "2025-01-08", "# Week Ending January 5, 2025\n\nNews.\n"),
        encoding="utf-8",
    )
    incremental = build(src, tmp_path / "incremental").outdir
    clean = build(src, tmp_path / "clean").outdir
    page = read(incremental, "index")
    assert page == read(clean, "index")
    assert '<a href="archive/2025.html">All 2025 issues →</a>' in page
    assert 'href="issues/2025-01-05.html">Week Ending January 5, 2025</a>' in page
    # Two are listed: the oldest of them steps out.
    assert 'href="issues/2024-01-07.html">' not in page
    shutil.rmtree(tmp_path / "clean")


# -- year pages by month ----------------------------------------------------------------------


def test_year_page_goes_by_month_newest_first_with_each_issues_keps(site):
    page = body_of(read(site, "archive/2024"))
    assert '<p class="year-summary">2 issues of Last Week in Kubernetes Development' in page
    february, january = (
        page.index('<h2 id="2024-02">February'),
        page.index('<h2 id="2024-01">January'),
    )
    assert february < january
    assert (
        '<a href="#2024-02"><span aria-hidden="true">Feb</span>'
        '<span class="visually-hidden">February</span></a>'
    ) in page
    row = page[page.index('href="../issues/2024-01-07.html"') : page.index("</li>", january)]
    assert 'published <time datetime="2024-01-10">10 January 2024</time>' in row
    assert 'aria-label="KEP-3136: Beta APIs Are Off by Default">KEP-3136</a>' in row
    assert '<span class="count">2 groups</span>' in row
    # Older to the left, newer to the right.
    assert '<a rel="prev" href="2023.html"><span class="nav-dir">← Older</span> 2023</a>' in page
    overview = body_of(read(site, "archive/index"))
    assert '<span class="count">2 issues · 1 KEP</span>' in overview


# -- the KEP index ------------------------------------------------------------------------------


def test_kep_index_has_words_filter_stage_releases_and_group_names(site):
    page = body_of(read(site, "keps/index"))
    # The filter is the script's: hidden without it, so the table is whole.
    assert re.search(r'<form class="table-filter"[^>]* hidden>', page)
    assert '<input type="search" name="words"' in page
    assert '<option value="sig-cli">SIG CLI</option>' in page
    row = page[page.index('<tr data-sig="sig-architecture"') : page.index("</tr>", page.index(
        '<tr data-sig="sig-architecture"'))]  # fmt: skip
    assert '<td><a href="../sigs/sig-architecture.html">SIG Architecture</a></td>' in row
    assert '<td class="kep-release" data-value="0"></td>' in row  # no alpha in kep.yaml
    assert '<td class="kep-release" data-value="1023">v1.23</td>' in row
    assert '<td class="kep-release" data-value="1024">v1.24</td>' in row
    # Scrolls inside its own frame, named for screen readers.
    assert '<div class="table-scroll" role="region" aria-labelledby="kep-table-caption"' in page
    assert '<td class="kep-id" data-value="19"><a href="19.html">KEP-19</a></td>' in page


def test_badges_have_a_class_per_known_value_and_none_from_kep_yaml(site):
    kep = read(site, "keps/3136")
    assert '<span class="badge status-implemented badge-status">implemented</span>' in kep
    assert '<span class="badge stage-stable badge-stage">stable</span>' in kep
    odd = read(site, "keps/19")
    # A status kep.yaml made up is shown as text, with the neutral badge.
    assert '<span class="badge status-other badge-status">&lt;b&gt;odd&lt;/b&gt;</span>' in odd
    assert '<span class="badge stage-alpha badge-stage">alpha</span>' in odd
    css = (REPO / "_static" / "lwkd.css").read_text(encoding="utf-8")
    pages = css[css.index("/* pages */") : css.index("/* end pages */")]
    for name in ("stage-alpha", "stage-beta", "stage-stable", "status-implemented",
                 "status-implementable", "status-provisional", "status-other"):  # fmt: skip
        assert f".{name}" in pages, name


def test_kep_and_group_pages_load_no_sphinx_design_assets(site):
    for pagename in ("keps/3136", "sigs/sig-architecture", "keps/index", "archive/2024", "index"):
        page = read(site, pagename)
        assert "sphinx-design" not in page, pagename
        assert "design-tabs" not in page, pagename


# -- in a browser ---------------------------------------------------------------------------


def test_kep_index_filters_by_words_and_keeps_them_in_the_address(site, browser):
    from tests.browser import serve

    with serve(site) as base:
        page = browser.page
        page.goto(f"{base}keps/index.html")
        assert page.is_visible("form.table-filter")
        page.fill("form.table-filter input[name=words]", "kubectl")
        shown = page.eval_on_selector_all(
            "#kep-table tbody tr:not([hidden]) td.kep-id", "cells => cells.map(c => c.innerText)"
        )
        assert shown == ["KEP-19"]
        assert "words=kubectl" in page.url
        assert page.inner_text("form.table-filter output") == "1 of 2 shown"
        page.goto(f"{base}keps/index.html?words=sig+architecture")
        shown = page.eval_on_selector_all(
            "#kep-table tbody tr:not([hidden]) td.kep-id", "cells => cells.map(c => c.innerText)"
        )
        assert shown == ["KEP-3136"]
        # Sorting by a header's button, the header a column header still.
        page.click("#kep-table th button >> text=KEP")
        page.click("#kep-table th button >> text=KEP")
        assert page.get_attribute("#kep-table th.kep-id", "aria-sort") == "descending"
        # On a phone no page is wider than the screen: the table scrolls in its frame.
        page.set_viewport_size({"width": 390, "height": 844})
        for pagename in ("keps/index", "index", "issues/2024-01-07", "archive/2024", "keps/3136"):
            page.goto(f"{base}{pagename}.html")
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), pagename
        assert browser.errors == []


def test_home_lists_print_an_issues_words_as_text(tmp_path):
    src = write_project(tmp_path / "src")
    (src / "issues" / "2025-01-05.md").write_text(
        issue(
            "2025-01-05",
            "2025-01-08",
            "# Week Ending January 5, 2025 `<b>`\n\n`<script>alert(1)</script>` & more.\n",
        ),
        encoding="utf-8",
    )
    page = read(build(src, tmp_path / "build").outdir, "index")
    latest = page[page.index('<ol class="latest-issues">') :]
    assert "<script>alert(1)" not in latest
    assert (
        '<p class="issue-summary">&lt;script&gt;alert(1)&lt;/script&gt; &amp; more.</p>' in latest
    )
    assert ">Week Ending January 5, 2025 &lt;b&gt;</a>" in latest
