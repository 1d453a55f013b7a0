"""Feeds a reader would follow: a KEP's or a group's feed is titled with its name, links its page,
and each entry says what the issue said of it, linking that section; ids never change.

The tiny archive of tests/test_pages_finished.py; expected values written by hand.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.test_pages_finished import build, write_project

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://archive.example/"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("feeds")
    return build(write_project(root / "src"), root / "build").outdir


def feed(site: Path, name: str) -> ET.Element:
    return ET.parse(site / "feeds" / f"{name}.xml").getroot()


def links(element: ET.Element) -> dict[str, str]:
    return {
        link.get("rel", "alternate"): link.get("href") for link in element.findall(f"{ATOM}link")
    }


def entries(element: ET.Element) -> list[dict[str, str]]:
    return [
        {
            "id": e.findtext(f"{ATOM}id"),
            "title": e.findtext(f"{ATOM}title"),
            "link": e.find(f"{ATOM}link").get("href"),
            "summary": e.findtext(f"{ATOM}summary"),
        }
        for e in element.findall(f"{ATOM}entry")
    ]


def test_a_kep_feed_is_about_the_kep(site):
    kep = feed(site, "kep-3136")
    assert kep.findtext(f"{ATOM}title") == (
        "Last Week in Kubernetes Development: KEP-3136: Beta APIs Are Off by Default"
    )
    # Its id is its address, as before: readers that follow it keep following it.
    assert kep.findtext(f"{ATOM}id") == BASE + "feeds/kep-3136.xml"
    assert links(kep) == {"alternate": BASE + "keps/3136.html", "self": BASE + "feeds/kep-3136.xml"}
    assert entries(kep) == [
        {
            "id": "tag:lwkd-archive.readthedocs.io,2026:issue/2024-02-04",
            "title": "Week Ending February 4, 2024",
            "link": BASE + "issues/2024-02-04.html#promotions",
            "summary": "Promotions: KEP-3136 graduates to GA.",
        },
        {
            "id": "tag:lwkd-archive.readthedocs.io,2026:issue/2024-01-07",
            "title": "Week Ending January 7, 2024",
            "link": BASE + "issues/2024-01-07.html#featured-prs",
            "summary": "Featured PRs: The work for KEP-3136 landed this week.",
        },
    ]


def test_a_group_feed_is_titled_with_its_name_and_says_which_kep(site):
    group = feed(site, "sig-architecture")
    assert group.findtext(f"{ATOM}title") == "Last Week in Kubernetes Development: SIG Architecture"
    assert links(group)["alternate"] == BASE + "sigs/sig-architecture.html"
    # SIG Architecture owns KEP-3136: its entries quote what the issues said of the KEP.
    assert [e["summary"] for e in entries(group)] == [
        "Promotions: KEP-3136 graduates to GA.",
        "Featured PRs: The work for KEP-3136 landed this week.",
    ]
    node = feed(site, "sig-node")
    assert node.findtext(f"{ATOM}title") == "Last Week in Kubernetes Development: SIG Node"
    assert entries(node)[0]["summary"] == "Developer News: SIG Node met."
    assert entries(node)[0]["link"] == BASE + "issues/2024-01-07.html#developer-news"


def test_the_archive_feed_keeps_the_issue_s_summary_and_the_same_entry_ids(site):
    archive = feed(site, "atom")
    assert archive.findtext(f"{ATOM}id") == BASE + "feeds/atom.xml"
    assert links(archive)["alternate"] == BASE
    shown = entries(archive)
    assert [e["link"] for e in shown] == [
        BASE + "issues/2024-02-04.html",
        BASE + "issues/2024-01-07.html",
        BASE + "issues/2023-12-31.html",
    ]
    assert shown[0]["summary"] == "KEP-3136 graduates to GA."
    # One id per issue in every feed it is in.
    ids = {e["title"]: e["id"] for e in shown}
    for name in ("kep-3136", "sig-architecture", "sig-node", "kep-19", "sig-cli"):
        for entry in entries(feed(site, name)):
            assert entry["id"] == ids[entry["title"]], name


def test_a_long_entry_quotes_five_sentences_and_says_how_many_more():
    from lwkd_archive.outputs.feeds import Topic, topic_summary
    from lwkd_archive.reading.domain import Mention

    mentions = [
        Mention("i", "kep", "1", "News", "news", f"Sentence {n}.", "") for n in range(1, 8)
    ] + [Mention("i", "kep", "1", "News", "news", "Sentence 1.", "")]
    # A group's feed says which KEP a sentence is about when the sentence does not.
    owned = Mention("i", "kep", "42", "Promotions", "promotions", "It graduates to GA.", "")
    assert topic_summary([owned], Topic("sig", "sig-node")) == (
        "Promotions: KEP-42: It graduates to GA.",
        "promotions",
    )
    summary, anchor = topic_summary(mentions, Topic("kep", "1"))
    assert anchor == "news"
    assert summary == (
        "News: Sentence 1. — News: Sentence 2. — News: Sentence 3. — News: Sentence 4. — "
        "News: Sentence 5. — (and 2 more in the issue)"
    )


def test_an_issue_without_text_has_an_entry_without_a_summary(tmp_path):
    from tests.test_pages_finished import issue

    src = write_project(tmp_path / "src")
    (src / "issues" / "2024-02-11.md").write_text(
        issue("2024-02-11", "2024-02-14", "# Week Ending February 11, 2024\n"), encoding="utf-8"
    )
    site = build(src, tmp_path / "build").outdir
    newest = feed(site, "atom").find(f"{ATOM}entry")
    assert newest.findtext(f"{ATOM}title") == "Week Ending February 11, 2024"
    assert newest.find(f"{ATOM}summary") is None
    text = (site / "feeds" / "atom.xml").read_text(encoding="utf-8")
    assert (
        '    <link href="https://archive.example/issues/2024-02-11.html"/>\n'
        "    <published>2024-02-14T06:00:00+00:00</published>\n"
    ) in text
