"""Atom feeds: the whole archive, and one per KEP and per SIG ("follow KEP-3136")."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from ablog.blog import slugify
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from lwkd_archive.facts.groups import is_group_slug
from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.record import Fingerprints, fingerprint
from lwkd_archive.outputs.recovery import reporting_write_errors
from lwkd_archive.pages.neighbours import IssueEntry, issue_entries
from lwkd_archive.warnings import ArchiveWarning, warn

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


#: Where the entries go in a feed that feedgen rendered without any.
FEED_END = b"</feed>\n"


class FeedRenderer:
    """Renders Atom feeds whose entries are shared: each issue's entry is rendered once.

    An issue appears in the archive feed and in the feed of each of its KEPs
    and groups; an issue naming 1,000 KEPs is in 1,000 feeds, each listing its
    1,000 categories. Rendering the entry once, as the bytes lxml writes for it
    inside a feed, and placing those bytes in every feed keeps the cost of the
    feeds linear in their entries. The feeds' bytes are those feedgen writes.
    """

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.base = site_url(app)
        self.language = app.config.language or "en"
        self._entry_xml: dict[str, bytes] = {}

    def entry_xml(self, entry: IssueEntry) -> bytes:
        """The ``<entry>`` element as it reads inside a pretty-printed feed."""
        if entry.docname not in self._entry_xml:
            url = self.base + self.app.builder.get_target_uri(entry.docname)
            item = FeedEntry()
            item.id(url)
            item.title(entry.title)
            item.link(href=url)
            item.author({"name": "LWKD contributors"})
            item.published(_utc(entry.published))
            item.updated(_utc(entry.published))
            if entry.summary:
                item.summary(entry.summary)
            if entry.tags:
                # One call: feedgen redoes every category already added on each call.
                item.category([{"term": slugify(tag), "label": tag} for tag in entry.tags])
            # Inside a parent, lxml indents the entry as it does inside the feed.
            parent = etree.Element("feed")
            parent.append(item.atom_entry())
            wrapped = etree.tostring(parent, pretty_print=True, encoding="UTF-8")
            self._entry_xml[entry.docname] = wrapped[len(b"<feed>\n") : -len(FEED_END)]
        return self._entry_xml[entry.docname]

    def render(self, title: str, pagename: str, entries: list[IssueEntry]) -> bytes:
        feed = FeedGenerator()
        feed.id(self.base + pagename)
        feed.title(title)
        feed.subtitle("Last Week in Kubernetes Development, archived")
        feed.link(href=self.base, rel="alternate")
        feed.link(href=self.base + pagename, rel="self")
        feed.language(self.language)
        feed.rights("LWKD contributors, CC BY 4.0")
        feed.updated(_utc(max(e.published for e in entries)))
        head = feed.atom_str(pretty=True)
        if not head.endswith(FEED_END):
            raise ValueError(f"feedgen wrote a feed that does not end with {FEED_END!r}")
        newest_first = sorted(entries, key=lambda e: (e.published, e.docname), reverse=True)
        return b"".join(
            [head[: -len(FEED_END)], *(self.entry_xml(e) for e in newest_first), FEED_END]
        )


def entry_digest(entry: IssueEntry) -> str:
    """What a feed shows of an issue, as a digest: computed once per issue, not per feed."""
    return fingerprint(entry.docname, entry.title, entry.published, entry.tags, entry.summary)


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
    for tag in sorted(by_tag):
        # The tag's slug names the feed's file (feeds/<slug>.xml): only a plain slug may.
        if not is_group_slug(slugify(tag)):
            warn(ArchiveWarning.SIG, f"no feed for the tag {tag!r}: {slugify(tag)!r} is not a slug")
            continue
        feeds.append((f"{app.config.blog_title}: {tag}", tag, by_tag[tag]))
    marks = Fingerprints(outdir / FEED_DIR / ".fingerprints.json")
    renderer = FeedRenderer(app)
    digests = {e.docname: entry_digest(e) for e in entries}
    # A feed that cannot be written stops the others; their fingerprints are not saved.
    with reporting_write_errors(app):
        for title, tag, feed_entries in feeds:
            pagename = feed_pagename(tag)
            shown = [digests[e.docname] for e in feed_entries]
            digest = fingerprint(title, renderer.base, renderer.language, shown)
            target = outdir / pagename
            if marks.is_current(pagename, digest, target):
                continue
            write_atomically(target, renderer.render(title, pagename, feed_entries))
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
