"""KEP and group cross-references: roles, warnings, tags, KEP/SIG pages, api JSON, incremental builds."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.test_timeline import ATOM, read, rebuild

NEW_ISSUE = """\
---
blogpost: true
date: 2024-01-24 06:00
week_ending: 2024-01-21
lwkd_source: _posts/2024-01-21-update.md
lwkd_url: /2024/20240124
---

# Week Ending January 21, 2024

## Promotions

{kep}`3136` graduates to GA.
"""


@pytest.mark.sphinx("html", testroot="xref")
def test_roles_link_to_kep_and_group_pages_and_github(app):
    app.build()
    assert app.warning.getvalue() == ""
    page = read(app, "issues/2024-01-07")
    assert (
        '<a class="reference internal" href="../keps/3136.html" '
        'title="KEP-3136: Beta APIs Are Off by Default">'
    ) in page
    assert (
        'href="../sigs/sig-node.html" title="SIG Node"><span class="lwkd-sig">SIG Node</span>'
        in page
    )
    assert 'href="https://github.com/kubernetes/kubernetes/pull/123">#123</a>' in page
    assert (
        'href="https://github.com/kubernetes/enhancements/pull/3137">enhancements#3137</a>' in page
    )
    # Without a kep.yaml, the hover text is the title the writer gave.
    later = read(app, "issues/2024-01-14")
    assert 'title="KEP-4000: Widget scheduling"' in later


@pytest.mark.sphinx("html", testroot="xref-bad")
def test_bad_targets_warn_at_their_line(app):
    app.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue()).splitlines()
    source = app.srcdir / "issues" / "2024-01-07.md"
    assert len(warnings) == 3, warnings
    kep, sig, pr = warnings
    assert kep.startswith(f"{source}:11: WARNING: 'abc' is not a KEP number")
    assert kep.endswith(" [lwkd.kep]")
    assert sig.startswith(
        f"{source}:13: WARNING: 'nodes' names no SIG, working group or committee: did you mean"
    )
    assert sig.endswith(" [lwkd.sig]")
    assert pr.startswith(
        f"{source}:15: WARNING: 'kubernetes/enhancements#pull' is not a pull request"
    )
    assert pr.endswith(" [lwkd.pr]")


# The same week as NEW_ISSUE, with pull requests shown as the KEPs they promote.
PROMOTIONS = NEW_ISSUE.replace(
    "{kep}`3136` graduates to GA.\n",
    "* Promote {pr}`KEP-4000 <kubernetes/kubernetes#134493>` (widgets) to beta\n"
    "* {pr}`KEP 3136 <kubernetes/enhancements#3136>` names its own number, so no KEP\n",
)


@pytest.mark.sphinx("html", testroot="xref", srcdir="xref-pr-names-kep")
def test_a_pull_request_whose_text_names_a_kep_is_a_mention_of_it(app):
    (app.srcdir / "issues" / "2024-01-21.md").write_text(PROMOTIONS, encoding="utf-8")
    app.build()
    assert app.warning.getvalue() == ""
    issue = read(app, "issues/2024-01-21")
    # The reader sees the link the writer gave, to the pull request, and nothing more.
    shown = re.sub(r"<span></span>", "", issue)
    assert (
        'Promote <a class="lwkd-pr reference external" '
        'href="https://github.com/kubernetes/kubernetes/pull/134493">KEP-4000</a> (widgets) to beta'
    ) in shown
    assert "keps/4000.html" not in issue
    # The KEP's page lists the issue, with the section and the sentence; the issue is tagged.
    kep = read(app, "keps/4000")
    assert 'href="../issues/2024-01-21.html#promotions">Promotions</a>' in kep
    assert "Promote KEP-4000 (widgets) to beta" in kep
    assert app.env.ablog_posts["issues/2024-01-21"][0]["tags"] == ["KEP-4000"]
    # enhancements#3136 is a pull request, never KEP-3136.
    assert "issues/2024-01-21.html" not in read(app, "keps/3136")


@pytest.mark.sphinx("html", testroot="xref")
def test_mentions_become_ablog_tags(app):
    app.build()
    tags = app.env.ablog_posts["issues/2024-01-07"][0]["tags"]
    # "SIG Node" and "sig-node" are one tag. The owner of KEP-3136 (SIG Architecture)
    # is not a tag: it comes from the KEP facts, which change without the page.
    assert tags == ["KEP-3136", "sig-node"]
    domain = app.env.domains["lwkd"]
    assert domain.views.groups_of["issues/2024-01-07"] == ("sig-architecture", "sig-node")
    assert app.env.ablog_posts["issues/2024-01-14"][0]["tags"] == [
        "KEP-4000",
        "KEP-3136",
        "wg-batch",
    ]
    assert domain.views.groups_of["issues/2024-01-14"] == ("sig-architecture", "wg-batch")


@pytest.mark.sphinx("html", testroot="xref")
def test_kep_page_shows_facts_and_every_issue_newest_first(app):
    app.build()
    page = read(app, "keps/3136")
    assert "KEP-3136</span>: Beta APIs Are Off by Default</h1>" in page
    assert 'href="../sigs/sig-architecture.html">SIG Architecture</a>' in page
    assert ">stable</span>" in page
    assert ">implemented</span>" in page
    assert "stable v1.24" in page
    assert (
        "https://github.com/kubernetes/enhancements/tree/master/keps/sig-architecture/3136-beta-apis-off-by-default/README.md"
        in page
    )
    newer, older = page.index("January 14, 2024"), page.index("January 7, 2024")
    assert newer < older
    assert (
        'href="../issues/2024-01-14.html#kep-of-the-week">KEP of the Week</a>: It builds on Beta APIs off'
        in page
    )
    assert "The work for KEP-3136 landed this week." in page
    without_facts = read(app, "keps/4000")
    assert "No <code>kep.yaml</code> was found" in without_facts
    assert "KEP-4000</span>: Widget scheduling</h1>" in without_facts


@pytest.mark.sphinx("html", testroot="xref", srcdir="xref-design-assets")
def test_sphinx_design_assets_only_on_pages_that_use_them(app, make_app):
    # An editor may write sphinx-design components in an issue; that page keeps the stylesheet,
    # and the tab script only with a tab set. KEP and group pages draw their own badges.
    (app.srcdir / "cards.md").write_text(
        "---\norphan: true\n---\n\n# Cards\n\n```{card} A card\nText.\n```\n", encoding="utf-8"
    )
    (app.srcdir / "tabs.md").write_text(
        "---\norphan: true\n---\n\n# Tabs\n\n````{tab-set}\n```{tab-item} One\nText.\n```\n````\n",
        encoding="utf-8",
    )
    app.build()
    assert app.warning.getvalue() == ""

    def assets(pagename: str) -> list[str]:
        return re.findall(r"(?:sphinx-design\.min\.css|design-tabs\.js)", read(app, pagename))

    assert assets("cards") == ["sphinx-design.min.css"]
    assert assets("tabs") == ["sphinx-design.min.css", "design-tabs.js"]
    assert 'class="badge stage-stable badge-stage">stable</span>' in read(app, "keps/3136")
    pages = ("keps/3136", "sigs/sig-node", "issues/2024-01-07", "index", "keps/index", "sigs/index")
    for pagename in pages:
        assert assets(pagename) == [], pagename
    assert (app.outdir / "_static" / "sphinx-design.min.css").is_file()


@pytest.mark.sphinx("html", testroot="xref")
def test_group_pages_and_indexes(app):
    app.build()
    node = read(app, "sigs/sig-node")
    assert '<h1 data-pagefind-weight="10">SIG Node</h1>' in node
    assert "January 7, 2024" in node
    assert "January 14, 2024" not in node
    # SIG Architecture owns KEP-3136 although no issue names the SIG: the issues that
    # mention its KEP are its issues, each sentence with the KEP it is about.
    architecture = read(app, "sigs/sig-architecture")
    assert 'href="../keps/3136.html">KEP-3136</a>: Beta APIs Are Off by Default' in architecture
    assert "2 issues</span></h2>" in architecture
    assert (
        '<a class="mention-section" href="../issues/2024-01-07.html#featured-prs">Featured PRs</a>: '
        '<a class="mention-kep" href="../keps/3136.html">KEP-3136</a> · '
        "The work for KEP-3136 landed this week."
    ) in architecture
    assert architecture.index("January 14, 2024") < architecture.index("January 7, 2024")
    feed = (app.outdir / "feeds" / "sig-architecture.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 2
    kep_index = read(app, "keps/index")
    assert 'data-sig="sig-architecture" data-stage="stable" data-status="implemented"' in kep_index
    assert '<td class="kep-count" data-value="2">2</td>' in kep_index
    # Its title linked, its owning group by name and linked, the release of each stage.
    assert (
        '<td class="kep-title"><a href="3136.html" tabindex="-1">Beta APIs Are Off by Default</a></td>\n'
        '<td><a href="../sigs/sig-architecture.html">SIG Architecture</a></td>\n'
        '<td><span class="badge stage-stable">stable</span></td>\n'
        '<td><span class="badge status-implemented">implemented</span></td>\n'
        '<td class="kep-release" data-value="0"></td>\n'
        '<td class="kep-release" data-value="0"></td>\n'
        '<td class="kep-release" data-value="1024">v1.24</td>'
    ) in kep_index
    assert '<option value="sig-architecture">SIG Architecture</option>' in kep_index
    assert (app.outdir / "_static" / "lwkd-tables.js").is_file()


@pytest.mark.sphinx("html", testroot="xref")
def test_api_json(app):
    app.build()
    issues = json.loads((app.outdir / "api" / "issues.json").read_text())
    assert issues[0] == {
        "keps": [3136],
        # Named by the issue itself.
        "named_sigs": ["sig-node"],
        "published": "2024-01-10T06:00:00Z",
        # Named, or owning a KEP the issue mentions.
        "sigs": ["sig-architecture", "sig-node"],
        "source": "_posts/2024-01-07-update.md",
        "title": "Week Ending January 7, 2024",
        "url": "issues/2024-01-07.html",
        "week_ending": "2024-01-07",
    }
    keps = {k["number"]: k for k in json.loads((app.outdir / "api" / "keps.json").read_text())}
    assert keps[3136]["owning_sig"] == "sig-architecture"
    assert keps[3136]["issues"] == ["issues/2024-01-07.html", "issues/2024-01-14.html"]
    sigs = {s["slug"]: s for s in json.loads((app.outdir / "api" / "sigs.json").read_text())}
    assert sigs["wg-batch"]["issues"] == ["issues/2024-01-14.html"]
    assert sigs["sig-architecture"]["issues"] == [
        "issues/2024-01-07.html",
        "issues/2024-01-14.html",
    ]
    assert sigs["sig-architecture"]["keps"] == [3136]


@pytest.mark.sphinx("html", testroot="xref", srcdir="xref-new-issue")
def test_new_issue_updates_kep_pages_and_nothing_unrelated(app, make_app):
    app.build()
    unrelated = app.outdir / "keps" / "4000.html"
    unrelated_feed = app.outdir / "feeds" / "kep-4000.xml"
    before = unrelated.stat().st_mtime_ns
    feed_before = unrelated_feed.stat().st_mtime_ns
    (app.srcdir / "issues" / "2024-01-21.md").write_text(NEW_ISSUE, encoding="utf-8")
    again = rebuild(app, make_app)
    assert again.warning.getvalue() == ""
    page = read(again, "keps/3136")
    assert page.index("January 21, 2024") < page.index("January 14, 2024")
    assert "Promotions</a>: KEP-3136 graduates to GA." in page
    assert '<td class="kep-count" data-value="3">3</td>' in read(again, "keps/index")
    keps = json.loads((again.outdir / "api" / "keps.json").read_text())
    assert len(next(k for k in keps if k["number"] == 3136)["issues"]) == 3
    # The KEP's feed has the new issue first, then every earlier issue that mentions it.
    feed = ET.parse(again.outdir / "feeds" / "kep-3136.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Week Ending January 21, 2024",
        "Week Ending January 14, 2024",
        "Week Ending January 7, 2024",
    ]
    # Each entry says what its issue said of the KEP, and links that section.
    newest = entries[0]
    assert (
        newest.find(f"{ATOM}link").get("href")
        == "https://archive.example/issues/2024-01-21.html#promotions"
    )
    assert newest.findtext(f"{ATOM}summary") == "Promotions: KEP-3136 graduates to GA."
    for entry in entries:
        assert "KEP-3136" in [c.get("label") for c in entry.findall(f"{ATOM}category")]
    assert unrelated.stat().st_mtime_ns == before
    assert unrelated_feed.stat().st_mtime_ns == feed_before


@pytest.mark.sphinx("html", testroot="xref", srcdir="xref-drop-mention")
def test_dropping_a_mention_leaves_no_stale_entry(app, make_app):
    app.build()
    issue = app.srcdir / "issues" / "2024-01-14.md"
    issue.write_text(
        issue.read_text().replace("It builds on {kep}`Beta APIs off <3136>` and", "It")
    )
    again = rebuild(app, make_app)
    assert "January 14, 2024" not in read(again, "keps/3136")
    keps = json.loads((again.outdir / "api" / "keps.json").read_text())
    assert next(k for k in keps if k["number"] == 3136)["issues"] == ["issues/2024-01-07.html"]
    assert again.env.ablog_posts["issues/2024-01-14"][0]["tags"] == ["KEP-4000", "wg-batch"]


@pytest.mark.sphinx("html", testroot="xref", srcdir="xref-new-facts")
def test_new_kep_facts_rewrite_the_hover_titles(app, make_app):
    app.build()
    facts = app.srcdir / "facts.json"
    facts.write_text(facts.read_text().replace("Beta APIs Are Off by Default", "Beta APIs Off"))
    again = rebuild(app, make_app)
    assert 'title="KEP-3136: Beta APIs Off"' in read(again, "issues/2024-01-07")
    assert "KEP-3136</span>: Beta APIs Off</h1>" in read(again, "keps/3136")
