"""Atom feeds: the whole archive, and one per KEP and per SIG ("follow KEP-3136").

A KEP's or a group's feed is about it: its title names the KEP or the group, its
``alternate`` link is the KEP's or group's page, and each entry says what the
issue said of it (the sentences, with their section) and links that section of
the issue. Ids never change: an entry's is its week's ``tag:`` URI, in every
feed; a feed's is its address.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

from ablog.blog import slugify
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from lwkd_archive.config import site_url
from lwkd_archive.facts.groups import is_group_slug
from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.record import fingerprint, fingerprints, generated_outputs
from lwkd_archive.outputs.recovery import reporting_write_errors
from lwkd_archive.pages.topics import group_mentions_in
from lwkd_archive.reading.domain import ArchiveDomain, Mention, kep_pagename, sig_pagename
from lwkd_archive.reading.issues import ArchiveViews, Issue
from lwkd_archive.reading.tags import kep_tag
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.application import Sphinx

#: Entries in the whole-archive feed; tag feeds carry every issue of the tag.
ARCHIVE_FEED_LENGTH = 50
FEED_DIR = "feeds"
#: Sentences a KEP's or group's feed entry quotes; the issue has the rest.
SENTENCES_PER_ENTRY = 5


@dataclass(frozen=True)
class Topic:
    """What a feed follows: a KEP (``kind`` "kep", ``key`` its number) or a group (its slug)."""

    kind: str
    key: str

    @property
    def pagename(self) -> str:
        return kep_pagename(int(self.key)) if self.kind == "kep" else sig_pagename(self.key)


def topic_mentions(domain: ArchiveDomain, docname: str, topic: Topic) -> list[Mention]:
    """What an issue said of a KEP, or of a group (named, or a KEP it owns), in page order."""
    if topic.kind == "kep":
        return domain.mentions_of(docname, "kep", topic.key)
    return group_mentions_in(domain, docname, topic.key)


def topic_summary(mentions: list[Mention], topic: Topic) -> tuple[str, str]:
    """An entry's summary from its mentions, and the anchor of the first one's section.

    ``Featured KEPs: SIG-API-Machinery is planning ... — Other Merges: KEP-3136: ...``:
    each distinct sentence once, with its section; a group's feed says which of
    its KEPs a sentence is about when the sentence does not.
    """
    quotes: list[str] = []
    seen: set[tuple[str, str]] = set()
    anchor = ""
    for mention in mentions:
        if not mention.sentence or (mention.anchor, mention.sentence) in seen:
            continue
        seen.add((mention.anchor, mention.sentence))
        anchor = anchor or mention.anchor
        # A group's feed names the KEP a sentence is about, unless the sentence does.
        kep = f"KEP-{mention.key}"
        named = mention.kind != "kep" or topic.kind == "kep" or kep in mention.sentence
        about = "" if named else f"{kep}: "
        where = f"{mention.section}: " if mention.section else ""
        quotes.append(f"{where}{about}{mention.sentence}")
    shown = quotes[:SENTENCES_PER_ENTRY]
    if len(quotes) > len(shown):
        shown.append(f"(and {len(quotes) - len(shown)} more in the issue)")
    return " — ".join(shown), anchor


def entry_ids(app: Sphinx, views: ArchiveViews) -> dict[str, str]:
    """Each issue's feed entry id: a ``tag:`` URI of its week, whatever its page's address.

    An issue written with ``make new`` (``issues/``) keeps its id once imported
    (``archive/YYYY/``), so feed readers do not show it twice. A second issue
    of the same week is reported and told apart by its page.
    """
    prefix = f"tag:{app.config.lwkd_feed_id_authority}:issue/"
    ids: dict[str, str] = {}
    first_of_week: dict[str, str] = {}
    for issue in views.issues:
        week = issue.week_ending.isoformat()
        if week in first_of_week:
            warn(
                ArchiveWarning.ISSUE,
                f"a second issue for the week ending {week} (the first is "
                f"{first_of_week[week]}): give each week one issue",
                location=(issue.docname, 1),
            )
            ids[issue.docname] = f"{prefix}{week}/{issue.docname}"
            continue
        first_of_week[week] = issue.docname
        ids[issue.docname] = prefix + week
    return ids


def entry_categories(views: ArchiveViews, issue: Issue) -> tuple[str, ...]:
    """The issue's KEPs, its groups (named, or owning a KEP it mentions), and its other tags."""
    return (
        *(kep_tag(n) for n in issue.keps),
        *views.groups_of[issue.docname],
        *issue.other_tags,
    )


def feed_pagename(tag: str | None) -> str:
    """Where a feed lives: ``feeds/atom.xml`` or ``feeds/<tag slug>.xml``."""
    return f"{FEED_DIR}/{slugify(tag) if tag else 'atom'}.xml"


#: Where the entries go in a feed that feedgen rendered without any.
FEED_END = b"</feed>\n"


#: Stand-ins for an entry's summary and link, rendered once and filled in for each feed.
SUMMARY_SLOT = "lwkd-summary-slot-4f1c"
LINK_SLOT = "https://lwkd.invalid/lwkd-link-slot-4f1c"
#: What XML 1.0 cannot carry (control characters), dropped from a summary as lxml would refuse it.
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class FeedRenderer:
    """Renders Atom feeds whose entries are shared: each issue's entry is rendered once.

    An issue appears in the archive feed and in the feed of each of its KEPs
    and groups; an issue naming 1,000 KEPs is in 1,000 feeds, each listing its
    1,000 categories. Rendering the entry once, as the bytes lxml writes for it
    inside a feed, with stand-ins for the two things a KEP's or group's feed
    says of it (its summary, its link to the section), and filling those in for
    each feed keeps the cost of the feeds linear in their entries. The feeds'
    bytes are those feedgen writes.
    """

    def __init__(self, app: Sphinx, views: ArchiveViews) -> None:
        self.app = app
        self.views = views
        self.base = site_url(app.config) or "/"
        self.language = app.config.language or "en"
        self.ids = entry_ids(app, views)
        self._entry_xml: dict[str, tuple[bytes, bytes, bytes]] = {}
        self._digests: dict[tuple[str, Topic | None], str] = {}
        self._texts: dict[tuple[str, Topic | None], tuple[str, str]] = {}

    def _entry_parts(self, entry: Issue) -> tuple[bytes, bytes, bytes]:
        """The entry's bytes around its link and its summary, rendered once per issue."""
        if entry.docname not in self._entry_xml:
            item = FeedEntry()
            item.id(self.ids[entry.docname])
            item.title(entry.title)
            item.link(href=LINK_SLOT)
            item.author({"name": "LWKD contributors"})
            item.published(entry.published)
            item.updated(entry.published)
            item.summary(SUMMARY_SLOT)
            tags = entry_categories(self.views, entry)
            if tags:
                # One call: feedgen redoes every category already added on each call.
                item.category([{"term": slugify(tag), "label": tag} for tag in tags])
            # Inside a parent, lxml indents the entry as it does inside the feed.
            parent = etree.Element("feed")
            parent.append(item.atom_entry())
            wrapped = etree.tostring(parent, pretty_print=True, encoding="UTF-8")
            xml = wrapped[len(b"<feed>\n") : -len(FEED_END)]
            head, _, rest = xml.partition(LINK_SLOT.encode())
            middle, _, tail = rest.partition(SUMMARY_SLOT.encode())
            self._entry_xml[entry.docname] = (head, middle, tail)
        return self._entry_xml[entry.docname]

    def entry_xml(self, entry: Issue, topic: Topic | None = None) -> bytes:
        """The ``<entry>`` element as it reads inside a pretty-printed feed.

        Without a topic, its summary is the issue's and its link the issue's
        page; a KEP's or group's feed has what the issue said of it, and the
        section where it did. An entry without a summary has no ``<summary>``.
        """
        head, middle, tail = self._entry_parts(entry)
        summary, url = self.entry_text(entry, topic)
        link = xml_escape(url, {'"': "&quot;"}).encode()
        if not summary:
            # The summary element is the middle's last line; drop it.
            before, _, _ = middle.rpartition(b"<summary>")
            after = tail.partition(b"</summary>")[2].lstrip(b"\n ")
            indent = before[len(before.rstrip(b" ")) :]
            return head + link + before.rstrip(b" ") + indent + after
        return head + link + middle + xml_escape(NOT_XML.sub("", summary)).encode() + tail

    def entry_text(self, entry: Issue, topic: Topic | None) -> tuple[str, str]:
        """An entry's summary and link: what it said of the topic and where, or the issue's.

        Worked out once per (issue, feed): a feed's digest and, when it changed, its
        rendering both ask for it.
        """
        key = (entry.docname, topic)
        if key not in self._texts:
            url = self.base + self.app.builder.get_target_uri(entry.docname)
            if topic is None:
                self._texts[key] = entry.summary, url
            else:
                summary, anchor = topic_summary(
                    topic_mentions(self.app.env.domains["lwkd"], entry.docname, topic), topic
                )
                self._texts[key] = (
                    (summary or entry.summary),
                    (f"{url}#{anchor}" if anchor else url),
                )
        return self._texts[key]

    def render(
        self, title: str, pagename: str, entries: list[Issue], topic: Topic | None = None
    ) -> bytes:
        feed = FeedGenerator()
        # The feed's id is its address, as it always was: a reader keeps following it.
        feed.id(self.base + pagename)
        feed.title(title)
        feed.subtitle("Last Week in Kubernetes Development, archived")
        alternate = self.base
        if topic is not None:
            alternate += self.app.builder.get_target_uri(topic.pagename)
        feed.link(href=alternate, rel="alternate")
        feed.link(href=self.base + pagename, rel="self")
        feed.language(self.language)
        feed.rights("LWKD contributors, CC BY 4.0")
        feed.updated(max(e.published for e in entries))
        head = feed.atom_str(pretty=True)
        if not head.endswith(FEED_END):
            raise ValueError(f"feedgen wrote a feed that does not end with {FEED_END!r}")
        newest_first = sorted(entries, key=lambda e: (e.published, e.docname), reverse=True)
        return b"".join(
            [head[: -len(FEED_END)], *(self.entry_xml(e, topic) for e in newest_first), FEED_END]
        )

    def entry_digest(self, entry: Issue, topic: Topic | None = None) -> str:
        """What a feed shows of an issue, as a digest (of the issue's own entry once per issue)."""
        key = (entry.docname, topic)
        if key not in self._digests:
            self._digests[key] = fingerprint(
                self.ids[entry.docname],
                entry.title,
                entry.published,
                entry_categories(self.views, entry),
                self.entry_text(entry, topic),
            )
        return self._digests[key]


def archive_feeds(
    app: Sphinx, views: ArchiveViews
) -> list[tuple[str, str | None, list[Issue], Topic | None]]:
    """(title, tag, issues, topic) of every feed: the archive's latest, each KEP, group and tag."""
    domain: ArchiveDomain = app.env.domains["lwkd"]
    by_tag: dict[str, list[Issue]] = defaultdict(list)
    topics: dict[str, Topic] = {}
    for number, issues in views.by_kep.items():
        by_tag[kep_tag(number)] = list(issues)
        topics[kep_tag(number)] = Topic("kep", str(number))
    for slug, issues in views.by_group.items():
        by_tag[slug] = list(issues)
        if is_group_slug(slug):
            topics[slug] = Topic("sig", slug)
    for issue in views.issues:
        for tag in issue.other_tags:
            if issue not in by_tag[tag]:
                by_tag[tag].append(issue)
    blog = app.config.blog_title
    feeds: list[tuple[str, str | None, list[Issue], Topic | None]] = [
        (blog, None, views.latest(ARCHIVE_FEED_LENGTH), None)
    ]
    for tag in sorted(by_tag):
        # The tag's slug names the feed's file (feeds/<slug>.xml): only a plain slug may.
        if not is_group_slug(slugify(tag)):
            warn(ArchiveWarning.SIG, f"no feed for the tag {tag!r}: {slugify(tag)!r} is not a slug")
            continue
        topic = topics.get(tag)
        if topic is not None and topic.kind == "kep":
            title = domain.kep_title(int(topic.key))
            name = f"{tag}: {title}" if title else tag
        elif topic is not None:
            group = domain.group(topic.key)
            name = group.name if group else tag
        else:
            name = tag
        feeds.append((f"{blog}: {name}", tag, by_tag[tag], topic))
    return feeds


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    """Write the feeds whose entries changed since the last build."""
    if exception is not None or app.builder.format != "html":
        return
    domain: ArchiveDomain = app.env.domains["lwkd"]
    views = domain.views
    if not views.issues:
        return
    outdir: Path = app.builder.outdir
    marks = fingerprints(app, "feeds")
    generated = generated_outputs(app)
    renderer = FeedRenderer(app, views)
    # A feed that cannot be written stops the others; their fingerprints are not saved.
    with reporting_write_errors(app):
        for title, tag, feed_entries, topic in archive_feeds(app, views):
            pagename = feed_pagename(tag)
            generated.add_file(pagename)
            shown = [renderer.entry_digest(e, topic) for e in feed_entries]
            alternate = app.builder.get_target_uri(topic.pagename) if topic else ""
            digest = fingerprint(title, renderer.base, renderer.language, alternate, shown)
            target = outdir / pagename
            if marks.is_current(pagename, digest, target):
                continue
            write_atomically(target, renderer.render(title, pagename, feed_entries, topic))
        marks.save()


def add_feed_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Let every page advertise the archive feed, and KEP and SIG pages their own."""
    base = site_url(app.config) or "/"
    context["lwkd_feed_url"] = base + feed_pagename(None)
    section, _, name = pagename.partition("/")
    if name and name != "index" and section in {"keps", "sigs"}:
        slug = f"kep-{name}" if section == "keps" else name
        context["lwkd_topic_feed_url"] = f"{base}{FEED_DIR}/{slug}.xml"


def setup(app: Sphinx) -> None:
    app.connect("build-finished", write_feeds)
    app.connect("html-page-context", add_feed_context)
