"""Atom feeds: the whole archive, and one per KEP and per SIG ("follow KEP-3136")."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ablog.blog import slugify
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from lwkd_archive.config import site_url
from lwkd_archive.facts.groups import is_group_slug
from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.record import fingerprint, fingerprints, generated_outputs
from lwkd_archive.outputs.recovery import reporting_write_errors
from lwkd_archive.reading.domain import ArchiveDomain
from lwkd_archive.reading.issues import ArchiveViews, Issue
from lwkd_archive.reading.tags import kep_tag
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx.application import Sphinx

#: Entries in the whole-archive feed; tag feeds carry every issue of the tag.
ARCHIVE_FEED_LENGTH = 50
FEED_DIR = "feeds"


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


class FeedRenderer:
    """Renders Atom feeds whose entries are shared: each issue's entry is rendered once.

    An issue appears in the archive feed and in the feed of each of its KEPs
    and groups; an issue naming 1,000 KEPs is in 1,000 feeds, each listing its
    1,000 categories. Rendering the entry once, as the bytes lxml writes for it
    inside a feed, and placing those bytes in every feed keeps the cost of the
    feeds linear in their entries. The feeds' bytes are those feedgen writes.
    """

    def __init__(self, app: Sphinx, views: ArchiveViews) -> None:
        self.app = app
        self.views = views
        self.base = site_url(app.config) or "/"
        self.language = app.config.language or "en"
        self.ids = entry_ids(app, views)
        self._entry_xml: dict[str, bytes] = {}

    def entry_xml(self, entry: Issue) -> bytes:
        """The ``<entry>`` element as it reads inside a pretty-printed feed."""
        if entry.docname not in self._entry_xml:
            url = self.base + self.app.builder.get_target_uri(entry.docname)
            item = FeedEntry()
            item.id(self.ids[entry.docname])
            item.title(entry.title)
            item.link(href=url)
            item.author({"name": "LWKD contributors"})
            item.published(entry.published)
            item.updated(entry.published)
            if entry.summary:
                item.summary(entry.summary)
            tags = entry_categories(self.views, entry)
            if tags:
                # One call: feedgen redoes every category already added on each call.
                item.category([{"term": slugify(tag), "label": tag} for tag in tags])
            # Inside a parent, lxml indents the entry as it does inside the feed.
            parent = etree.Element("feed")
            parent.append(item.atom_entry())
            wrapped = etree.tostring(parent, pretty_print=True, encoding="UTF-8")
            self._entry_xml[entry.docname] = wrapped[len(b"<feed>\n") : -len(FEED_END)]
        return self._entry_xml[entry.docname]

    def render(self, title: str, pagename: str, entries: list[Issue]) -> bytes:
        feed = FeedGenerator()
        feed.id(self.base + pagename)
        feed.title(title)
        feed.subtitle("Last Week in Kubernetes Development, archived")
        feed.link(href=self.base, rel="alternate")
        feed.link(href=self.base + pagename, rel="self")
        feed.language(self.language)
        feed.rights("LWKD contributors, CC BY 4.0")
        feed.updated(max(e.published for e in entries))
        head = feed.atom_str(pretty=True)
        if not head.endswith(FEED_END):
            raise ValueError(f"feedgen wrote a feed that does not end with {FEED_END!r}")
        newest_first = sorted(entries, key=lambda e: (e.published, e.docname), reverse=True)
        return b"".join(
            [head[: -len(FEED_END)], *(self.entry_xml(e) for e in newest_first), FEED_END]
        )

    def entry_digest(self, entry: Issue) -> str:
        """What a feed shows of an issue, as a digest: computed once per issue, not per feed."""
        return fingerprint(
            self.ids[entry.docname],
            self.app.builder.get_target_uri(entry.docname),
            entry.title,
            entry.published,
            entry_categories(self.views, entry),
            entry.summary,
        )


def archive_feeds(app: Sphinx, views: ArchiveViews) -> list[tuple[str, str | None, list[Issue]]]:
    """(title, tag, issues) of every feed: the archive's latest, each KEP, group and tag."""
    by_tag: dict[str, list[Issue]] = defaultdict(list)
    for number, issues in views.by_kep.items():
        by_tag[kep_tag(number)] = list(issues)
    for slug, issues in views.by_group.items():
        by_tag[slug] = list(issues)
    for issue in views.issues:
        for tag in issue.other_tags:
            if issue not in by_tag[tag]:
                by_tag[tag].append(issue)
    feeds: list[tuple[str, str | None, list[Issue]]] = [
        (app.config.blog_title, None, views.latest(ARCHIVE_FEED_LENGTH))
    ]
    for tag in sorted(by_tag):
        # The tag's slug names the feed's file (feeds/<slug>.xml): only a plain slug may.
        if not is_group_slug(slugify(tag)):
            warn(ArchiveWarning.SIG, f"no feed for the tag {tag!r}: {slugify(tag)!r} is not a slug")
            continue
        feeds.append((f"{app.config.blog_title}: {tag}", tag, by_tag[tag]))
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
    digests = {e.docname: renderer.entry_digest(e) for e in views.issues}
    # A feed that cannot be written stops the others; their fingerprints are not saved.
    with reporting_write_errors(app):
        for title, tag, feed_entries in archive_feeds(app, views):
            pagename = feed_pagename(tag)
            generated.add_file(pagename)
            shown = [digests[e.docname] for e in feed_entries]
            digest = fingerprint(title, renderer.base, renderer.language, shown)
            target = outdir / pagename
            if marks.is_current(pagename, digest, target):
                continue
            write_atomically(target, renderer.render(title, pagename, feed_entries))
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
