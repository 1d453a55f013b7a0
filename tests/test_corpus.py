"""The whole LWKD corpus: imported with no failure, built with -W, nothing lost on the way."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from lwkd_archive.importer.jekyll import read_post

pytestmark = pytest.mark.corpus


class BodyLinks(HTMLParser):
    """Counts the links and images inside an issue's text (not the site's frame)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article" and "issue" in (attrs.get("class") or ""):
            self.depth = 1
        elif self.depth and tag == "section" and "issue-topics" in (attrs.get("class") or ""):
            self.depth = 0
        elif self.depth and tag == "a" and "reference" in (attrs.get("class") or ""):
            self.links.append(attrs.get("href", ""))
        elif self.depth and tag == "img":
            self.images.append(attrs.get("src", ""))


#: ``[text]()`` and ``[text](word)``: kept as text by the importer, which reports each.
NOT_A_LINK_RE = re.compile(r"\]\(\s*(?:(?![a-z][a-z0-9+.-]*:|/|#)[^\s()]*)\s*\)", re.I)


REMOTE_IMAGE_IN_LINK_RE = re.compile(r"\[!\[[^\]]*\]\(https?://[^)]*\)\]\(")


def source_counts(text: str) -> tuple[int, int]:
    tokens = MarkdownIt("commonmark").parse(text)
    links = images = 0
    for token in tokens:
        for child in token.children or ():
            links += child.type == "link_open"
            images += child.type == "image"
    return links, images


def test_every_post_is_a_built_issue_listed_once_in_the_api(corpus, corpus_site):
    posts = sorted(p.name for p in (corpus / "lwkd" / "_posts").glob("*.md"))
    issues = json.loads((corpus_site / "api" / "issues.json").read_text())
    sources = sorted(i["source"].removeprefix("_posts/") for i in issues)
    assert sources == posts
    for issue in issues:
        assert (corpus_site / issue["url"]).is_file(), issue["url"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", issue["week_ending"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", issue["published"])


def test_links_and_images_of_every_post_are_in_its_page(corpus, corpus_site):
    issues = json.loads((corpus_site / "api" / "issues.json").read_text())
    log = (corpus_site.parent / "build.log").read_text()
    lost = []
    for issue in issues:
        post = read_post(corpus / "lwkd" / issue["source"], issue["source"])
        links, images = source_counts(post.body)
        page = BodyLinks()
        page.feed((corpus_site / issue["url"]).read_text(encoding="utf-8"))
        # Links with an empty or non-URL target are kept as text, and reported by the importer.
        unlinked = len(NOT_A_LINK_RE.findall(post.body))
        # An image from another host inside a link is shown as text; the link leads to it.
        unlinked += len(REMOTE_IMAGE_IN_LINK_RE.findall(post.body))
        kept = len(page.links) + len(page.images)
        if kept < links + images - unlinked:
            lost.append((issue["source"], links + images - unlinked, kept))
    assert lost == [], "pages with fewer links and images than their post"
    assert "WARNING" not in log


def test_kep_3136_page_lists_the_issues_that_mention_it(corpus, corpus_site):
    keps = {k["number"]: k for k in json.loads((corpus_site / "api" / "keps.json").read_text())}
    assert keps[3136]["title"] == "Beta APIs Are Off by Default"
    assert keps[3136]["owning_sig"] == "sig-architecture"
    assert "archive/2022/2022-02-06.html" in keps[3136]["issues"]
    # enhancements#3137 is the pull request of KEP-3136, not a KEP.
    assert 3137 not in keps
    # "enhancements#639: KEP 34 Coscheduling" (January 2019) uses the old numbering: it is
    # not today's KEP-34 (sysctl), which features/issues/34 in June 2018 rightly names.
    assert "archive/2019/2019-01-06.html" not in keps[34]["issues"]
    assert "archive/2018/2018-06-10.html" in keps[34]["issues"]
    assert 639 not in keps


def _issue_urls_by_post(corpus_site) -> dict[str, str]:
    issues = json.loads((corpus_site / "api" / "issues.json").read_text())
    return {issue["source"].rsplit("/", 1)[-1]: issue["url"] for issue in issues}


def test_kep_1287_page_lists_the_issues_that_name_its_feature_gate(corpus, corpus_site):
    # Read by hand: each of these posts names InPlacePodVerticalScaling, the feature gate
    # only KEP-1287 (in-place update of pod resources) lists, most without its number.
    named_by_gate = [
        "2024-01-21-update.md",  # "InPlacePodVerticalScaling won't prevent you from deleting PVCs"
        "2024-10-27-update.md",  # "Improvements to handling allocated resources for ..."
        "2024-11-03-update.md",  # "state un-marshalling in InPlacePodVerticalScaling" (link text)
        "2024-11-17-update.md",  # "[InPlacePodVerticalScaling to Beta](pull request)"
        "2024-12-15-update.md",  # "FG:InPlacePodVerticalScaling Remove ResizePolicy defaulting"
        "2025-02-09-update.md",  # "#128367 FG:InPlacePodVerticalScaling Implement resize ..."
        "2025-03-02-update.md",  # "InPlacePodVerticalScaling: Moved pod resource allocation ..."
        "2025-03-09-update.md",  # "InPlacePodVerticalScaling: Track actuated resources ..."
        "2025-03-16-update.md",  # "InPlacePodVerticalScaling moves pod resize status ..."
        "2025-03-23-update.md",  # "InPlacePodVerticalScaling: Errors that occur during ..."
    ]
    urls = _issue_urls_by_post(corpus_site)
    keps = {k["number"]: k for k in json.loads((corpus_site / "api" / "keps.json").read_text())}
    missing = [post for post in named_by_gate if urls[post] not in keps[1287]["issues"]]
    assert missing == []
    page = (corpus_site / "keps" / "1287.html").read_text(encoding="utf-8")
    assert "named by its feature gate <code>InPlacePodVerticalScaling</code>" in page


def test_steering_committee_page_lists_every_issue_that_names_it(corpus, corpus_site):
    # An issue names the committee when its text (not a link's address) says "Steering
    # Committee", in prose, a heading or a link's text, in any case.
    link_target = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
    naming = sorted(
        path.name
        for path in (corpus / "lwkd" / "_posts").glob("*.md")
        if re.search(
            r"steering\s+committee", link_target.sub("]", path.read_text(encoding="utf-8")), re.I
        )
    )
    assert len(naming) > 60  # the corpus's count, read with grep: 68
    urls = _issue_urls_by_post(corpus_site)
    sigs = {s["slug"]: s for s in json.loads((corpus_site / "api" / "sigs.json").read_text())}
    listed = set(sigs["committee-steering"]["issues"])
    assert [post for post in naming if urls[post] not in listed] == []


def test_no_kep_or_group_page_links_a_page_that_does_not_exist(corpus, corpus_site):
    broken = []
    for page in [*(corpus_site / "keps").glob("*.html"), *(corpus_site / "sigs").glob("*.html")]:
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="((?:\.\./)?(?:keps|sigs)/[^"#?]+)"', html):
            if not (page.parent / href).resolve().is_file():
                broken.append(f"{page.relative_to(corpus_site)} -> {href}")
    assert broken == []


def test_every_release_from_1_10_to_1_37_has_a_page_with_sig_releases_dates(corpus, corpus_site):
    releases = {
        r["version"]: r for r in json.loads((corpus_site / "api/releases.json").read_text())
    }
    for minor in range(10, 38):
        assert (corpus_site / "releases" / f"1.{minor}.html").is_file(), f"1.{minor}"
    # Read from sig-release's READMEs: (cycle begins, enhancements freeze, code freeze, release).
    expected = {
        # 1.12: "~~Tuesday, September 25, 2018~~ **Thursday, September 27, 2018**".
        "1.12": ("2018-07-02", "2018-07-31", "2018-09-04", "2018-09-27"),
        # 1.14: no year anywhere in its schedule ("**Monday, March 25**").
        "1.14": ("2019-01-07", "2019-01-29", "2019-03-07", "2019-03-25"),
        "1.20": ("2020-09-14", "2020-10-06", "2020-11-12", "2020-12-08"),
        # 1.33: "02:00 UTC Friday 14th February 2025 / 19:00 PDT Thursday 13th ...".
        "1.33": ("2025-01-13", "2025-02-14", "2025-03-21", "2025-04-23"),
        # 1.37: a schedule proposed.
        "1.37": ("2026-05-18", "2026-06-16", "2026-07-22", "2026-08-26"),
    }
    for version, dates in expected.items():
        row = releases[version]
        got = (row["cycle_start"], row["enhancements_freeze"], row["code_freeze"], row["release"])
        assert got == dates, version
    assert releases["1.37"]["proposed"] is True
    # kep.yaml plans stages for 1.38 and later, which sig-release has no schedule of yet.
    assert releases["1.39"]["scheduled"] is False
    assert 784 in releases["1.39"]["planned_keps"]["stable"]


def test_kep_753_draws_its_stages_and_its_mentions(corpus, corpus_site):
    page = (corpus_site / "keps" / "753.html").read_text(encoding="utf-8")
    start = page.index("<svg xmlns")  # the chart, not the header's icons
    svg = page[start : page.index("</svg>", start) + len("</svg>")]
    assert "The journey of KEP-753: alpha in v1.28, beta in v1.29, stable in v1.33" in svg
    for stage in ("alpha v1.28", "beta v1.29", "stable v1.33"):
        assert re.search(rf'<path class="lc-reached"[^>]*><title>{stage}</title>', svg), stage
    keps = {k["number"]: k for k in json.loads((corpus_site / "api" / "keps.json").read_text())}
    issues = keps[753]["issues"]
    # A mark per issue (and section), each a link to its issue.
    linked = set(re.findall(r'<a href="\.\./([^"#]+)', svg))
    assert linked == set(issues)


def test_a_stage_planned_for_a_release_without_a_schedule_is_drawn_as_planned(corpus, corpus_site):
    # KEP-784: alpha in v1.33, beta planned for v1.36, stable planned for v1.39 (kep.yaml).
    page = (corpus_site / "keps" / "784.html").read_text(encoding="utf-8")
    start = page.index("<svg xmlns")  # the chart, not the header's icons
    svg = page[start : page.index("</svg>", start) + len("</svg>")]
    assert re.search(r'<path class="lc-planned"[^>]*><title>stable v1.39 \(planned\)</title>', svg)
    assert "stable planned for v1.39 (no schedule yet; around <time" in page
