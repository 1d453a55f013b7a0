"""Atom feeds: the whole archive, and one per KEP and per SIG ("follow KEP-3136")."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from ablog.blog import slugify
from feedgen.feed import FeedGenerator

from lwkd_archive.files import write_atomically
from lwkd_archive.fingerprints import Fingerprints, fingerprint
from lwkd_archive.timeline import IssueEntry, issue_entries

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.application import Sphinx

#: Entries in the whole-archive feed; tag feeds carry every issue of the tag.
ARCHIVE_FEED_LENGTH = 50
FEED_DIR = "feeds"


def site_url(app: Sphinx) -> str:
    """The canonical base URL, ending in a slash."""
    base = app.config.html_baseurl or app.config.blog_baseurl or ""
    return base.rstrip("/") + "/"


def feed_pagename(tag: str | None) -> str:
    """Where a feed lives: ``feeds/atom.xml`` or ``feeds/<tag slug>.xml``."""
    return f"{FEED_DIR}/{slugify(tag) if tag else 'atom'}.xml"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def render_feed(app: Sphinx, title: str, pagename: str, entries: list[IssueEntry]) -> bytes:
    base = site_url(app)
    feed = FeedGenerator()
    feed.id(base + pagename)
    feed.title(title)
    feed.subtitle("Last Week in Kubernetes Development, archived")
    feed.link(href=base, rel="alternate")
    feed.link(href=base + pagename, rel="self")
    feed.language(app.config.language or "en")
    feed.rights("LWKD contributors, CC BY 4.0")
    feed.updated(_utc(max(e.published for e in entries)))
    for entry in sorted(entries, key=lambda e: (e.published, e.docname), reverse=True):
        url = base + app.builder.get_target_uri(entry.docname)
        item = feed.add_entry(order="append")
        item.id(url)
        item.title(entry.title)
        item.link(href=url)
        item.author({"name": "LWKD contributors"})
        item.published(_utc(entry.published))
        item.updated(_utc(entry.published))
        if entry.summary:
            item.summary(entry.summary)
        for tag in entry.tags:
            item.category(term=slugify(tag), label=tag)
    return feed.atom_str(pretty=True)


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    """Write the feeds whose entries changed since the last build."""
    if exception is not None or app.builder.format != "html":
        return
    entries = issue_entries(app.env)
    if not entries:
        return
    outdir: Path = app.builder.outdir
    by_tag: dict[str, list[IssueEntry]] = defaultdict(list)
    for entry in entries:
        for tag in entry.tags:
            by_tag[tag].append(entry)
    latest = sorted(entries, key=lambda e: e.published)[-ARCHIVE_FEED_LENGTH:]
    feeds = [(app.config.blog_title, None, latest)]
    feeds += [(f"{app.config.blog_title}: {tag}", tag, by_tag[tag]) for tag in sorted(by_tag)]
    marks = Fingerprints(outdir / FEED_DIR / ".fingerprints.json")
    base = site_url(app)
    for title, tag, feed_entries in feeds:
        pagename = feed_pagename(tag)
        rows = [(e.docname, e.title, e.published, e.tags, e.summary) for e in feed_entries]
        digest = fingerprint(title, base, rows)
        target = outdir / pagename
        if marks.is_current(pagename, digest, target):
            continue
        write_atomically(target, render_feed(app, title, pagename, feed_entries))
    (outdir / FEED_DIR).mkdir(parents=True, exist_ok=True)
    marks.save()


def add_feed_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Let every page advertise the archive feed, and KEP and SIG pages their own."""
    base = site_url(app)
    context["lwkd_feed_url"] = base + feed_pagename(None)
    section, _, name = pagename.partition("/")
    if name and name != "index" and section in {"keps", "sigs"}:
        slug = f"kep-{name}" if section == "keps" else name
        context["lwkd_topic_feed_url"] = f"{base}{FEED_DIR}/{slug}.xml"


def setup(app: Sphinx) -> None:
    app.connect("build-finished", write_feeds)
    app.connect("html-page-context", add_feed_context)
