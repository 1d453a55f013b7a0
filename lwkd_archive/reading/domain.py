"""What every issue says about KEPs and SIGs, collected while reading and kept in the environment."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import make_refnode

from lwkd_archive.facts.groups import Group, is_group_slug, load_groups
from lwkd_archive.facts.keps import KepFacts, parse_facts
from lwkd_archive.facts.targets import lwkd_title_for_kep
from lwkd_archive.reading.issues import ArchiveViews, Issue, build_views
from lwkd_archive.reading.tags import kep_tag
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“(])")
SENTENCE_LIMIT = 300


def kep_pagename(number: int | str) -> str:
    return f"keps/{number}"


def sig_pagename(slug: str) -> str:
    return f"sigs/{slug}"


@dataclass(frozen=True)
class Mention:
    """One reference to a KEP or group in an issue."""

    docname: str
    kind: str  # "kep" or "sig"
    key: str  # KEP number as text, or group slug
    section: str  # the issue's section (h2) it appeared in; "" before the first
    anchor: str  # id of that section
    sentence: str
    lwkd_title: str  # for KEPs: the title the writer gave it, if any
    #: How the issue named it: ``number`` (a KEP's number, or a link to it whose text has
    #: it), ``link`` (a link to the KEP with the writer's words), ``name`` (a group's
    #: name), or what a silent mention says: ``feature gate X``, ``title``, ``link text``,
    #: ``list``, ``pull request``.
    how: str = "number"


def _utc(moment: dt.datetime) -> dt.datetime:
    """A front-matter date as an aware UTC datetime (dates without a zone are UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _week_ending(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _excerpt_text(info: dict[str, Any]) -> str:
    return " ".join(p.astext() for p in info.get("excerpt") or () if isinstance(p, nodes.Node))


def _block_of(node: nodes.Node) -> nodes.Element | None:
    """The paragraph or title that holds ``node``."""
    block = node.parent
    while block is not None and not isinstance(block, (nodes.paragraph, nodes.title)):
        block = block.parent
    return block


def _shown_text(node: nodes.Element) -> str:
    """The text a mention stands for: its own, or for a mention that shows nothing, the
    text right before it (the code span, link or words that named the subject)."""
    if not node.get("lwkd_silent"):
        return " ".join(node.astext().split())
    parent = node.parent
    index = parent.index(node) if parent is not None else 0
    while index > 0:
        index -= 1
        before = " ".join(parent[index].astext().split())
        if before:
            return before
    return ""


def _heading_title(node: nodes.Element, number: str) -> str:
    """The title a heading gives the KEP it names: "KEP of the Week: KEP-4815: title"."""
    block = _block_of(node)
    if not isinstance(block, nodes.title):
        return ""
    text = " ".join(block.astext().split())
    needle = _shown_text(node)
    at = text.find(needle) if needle else -1
    if at < 0 or not re.search(rf"\b{number}\b", needle):
        return ""
    # What follows the KEP's name in the heading, ": " or not ("KEP-4815 DRA: devices").
    rest = text[at + len(needle) :].strip(" :-–—")
    return lwkd_title_for_kep(f"KEP-{number}: {rest}", int(number))


def _how(node: nodes.Element) -> str:
    if node.get("lwkd_how"):
        return node["lwkd_how"]
    if node["reftype"] == "sig":
        return "name"
    return "number" if re.search(rf"(?<!\d){node['reftarget']}(?!\d)", node.astext()) else "link"


def _sentence_around(node: nodes.Node) -> str:
    """The sentence of the paragraph (or title) that holds ``node``."""
    block = _block_of(node)
    if block is None:
        return ""
    text = " ".join(block.astext().split())
    needle = _shown_text(node)
    for sentence in SENTENCE_END_RE.split(text):
        if needle and needle in sentence:
            text = sentence
            break
    if len(text) > SENTENCE_LIMIT:
        start = max(0, text.find(needle) - SENTENCE_LIMIT // 2) if needle else 0
        text = ("…" if start else "") + text[start : start + SENTENCE_LIMIT].strip() + "…"
    return text


def _section_of(node: nodes.Node) -> tuple[str, str]:
    """Title and id of the issue section (an h2) that holds ``node``."""
    sections = []
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            sections.append(parent)
        parent = parent.parent
    # sections[-1] is the page (h1); the one below it is the issue's section.
    if len(sections) < 2:
        return "", ""
    section = sections[-2]
    title = section.next_node(nodes.title)
    return (title.astext() if title else ""), (section["ids"][0] if section["ids"] else "")


class ArchiveDomain(Domain):
    """Issues, and their mentions of KEPs and groups, by document.

    Kept per document with purge and merge, so incremental and parallel
    builds see exactly what the current sources say.
    """

    name = "lwkd"
    label = "LWKD Archive"
    initial_data: dict[str, Any] = {  # noqa: RUF012 (Sphinx's API)
        "issues": {},  # docname -> Issue (published or not)
        "mentions": {},  # docname -> [Mention]
        "facts_digest": "",  # of the KEP facts the pages were last written with
        "groups_digest": "",  # of the group table they were last written with
        "releases_digest": "",  # of the release schedules they were last written with
    }
    data_version = 3

    @property
    def issues(self) -> dict[str, Issue]:
        """Every page read as an issue, published or not: use :attr:`views` for outputs."""
        return self.data["issues"]

    @property
    def views(self) -> ArchiveViews:
        """The published issues and their views, computed once per build (not pickled)."""
        views = getattr(self, "_views", None)
        if views is None:
            views = self._views = build_views(self.issues.values(), self.owning_group)
        return views

    def _forget_views(self) -> None:
        self._views = None

    @property
    def mentions(self) -> dict[str, list[Mention]]:
        return self.data["mentions"]

    def clear_doc(self, docname: str) -> None:
        self.issues.pop(docname, None)
        self.mentions.pop(docname, None)
        self._forget_views()

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["issues"]:
                self.issues[docname] = otherdata["issues"][docname]
            if docname in otherdata["mentions"]:
                self.mentions[docname] = otherdata["mentions"][docname]
        self._forget_views()

    # -- reading ---------------------------------------------------------------

    def collect(self, docname: str, doctree: nodes.document) -> None:
        """Record the page's mentions, and the page as an :class:`Issue` when it is one."""
        self._forget_views()
        found = []
        for node in doctree.findall(addnodes.pending_xref):
            if node.get("refdomain") != "lwkd":
                continue
            section, anchor = _section_of(node)
            found.append(
                Mention(
                    docname=docname,
                    kind=node["reftype"],
                    key=node["reftarget"],
                    section=section,
                    anchor=anchor,
                    sentence=_sentence_around(node),
                    lwkd_title=node.get("lwkd_title", "")
                    or (
                        _heading_title(node, node["reftarget"]) if node["reftype"] == "kep" else ""
                    ),
                    how=_how(node),
                )
            )
        if found:
            self.mentions[docname] = found
        issue = self._issue_of(docname, doctree, found)
        if issue is not None:
            self.issues[docname] = issue

    def _issue_of(
        self, docname: str, doctree: nodes.document, found: list[Mention]
    ) -> Issue | None:
        """The page as an issue: an ablog post with a date, whose week is known.

        ablog decides what a post is (``blog_post_pattern``, ``blogpost: true``);
        a post's week is its ``week_ending``. A page that has one without the
        other is reported, so no page is an issue in some lists and not others.
        """
        metadata = self.env.metadata.get(docname, {})
        infos = getattr(self.env, "ablog_posts", {}).get(docname) or []
        info = infos[0] if infos else None
        date = info.get("date") if info else None
        written_week = metadata.get("week_ending")
        if info is None or not isinstance(date, dt.datetime):
            if written_week:
                warn(
                    ArchiveWarning.ISSUE,
                    "the page has a week_ending but is not a dated blog post, so it is not "
                    "listed as an issue: add `blogpost: true` and a `date` to its front matter",
                    location=(docname, 1),
                )
            return None
        week = _week_ending(written_week) if written_week else None
        if week is None:
            reason = (
                f"week_ending {written_week!r} is not a date"
                if written_week
                else ("the post has no week_ending")
            )
            warn(
                ArchiveWarning.ISSUE,
                f"{reason}: write `week_ending: YYYY-MM-DD` in its front matter "
                "(its week is taken from its date until then)",
                location=(docname, 1),
            )
            week = date.date()
        title = doctree.next_node(nodes.title)
        keps = tuple(sorted({int(m.key) for m in found if m.kind == "kep"}))
        groups = tuple(sorted({m.key for m in found if m.kind == "sig"}))
        automatic = {kep_tag(n) for n in keps} | set(groups)
        return Issue(
            docname=docname,
            title=str(info.get("title") or (title.astext() if title else docname)),
            week_ending=week,
            published=_utc(date),
            summary=_excerpt_text(info),
            old_address=str(metadata.get("lwkd_url", "")).strip(),
            source=str(metadata.get("lwkd_source", "")).strip(),
            keps=keps,
            groups=groups,
            other_tags=tuple(
                t for t in dict.fromkeys(info.get("tags") or ()) if t not in automatic
            ),
        )

    # -- questions the pages ask -------------------------------------------------

    def mentions_of(self, docname: str, kind: str, key: str) -> list[Mention]:
        """The mentions of one KEP (number as text) or group in one page."""
        return [m for m in self.mentions.get(docname, ()) if m.kind == kind and m.key == key]

    def owning_group(self, number: int) -> str:
        """The slug of the group that owns a KEP (from its kep.yaml), or ''.

        Only a group's slug counts: it becomes a page's path.
        """
        facts = self.kep_facts.get(number)
        owner = facts.owning_sig if facts else ""
        # kep.yaml's own spellings (sig-arch, sig-contribex) are the groups they mean.
        known = load_groups().resolve(owner) if owner else None
        if known is not None:
            return known.slug
        return owner if is_group_slug(owner) else ""

    def lwkd_kep_title(self, number: int) -> str:
        """The longest title writers gave the KEP, newest issue first, for KEPs without facts."""
        titles = [
            m.lwkd_title
            for mentions in self.mentions.values()
            for m in mentions
            if m.kind == "kep" and m.key == str(number) and m.lwkd_title
        ]
        return max(titles, key=len) if titles else ""

    @property
    def kep_facts(self) -> dict[int, KepFacts]:
        """Facts from kubernetes/enhancements, read once per build (not pickled)."""
        facts = getattr(self, "_kep_facts", None)
        if facts is None:
            facts = self._kep_facts = self._read_facts()
        return facts

    def _read_facts(self) -> dict[int, KepFacts]:
        path = self.env.config.lwkd_kep_facts
        if not path:
            return {}
        try:
            return parse_facts(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError) as exc:
            warn(ArchiveWarning.FACTS, f"cannot read KEP facts from {path}: {exc}")
            return {}

    def kep_title(self, number: int) -> str:
        facts = self.kep_facts.get(number)
        if facts and facts.title:
            return facts.title
        return self.lwkd_kep_title(number)

    def group(self, slug: str) -> Group | None:
        return load_groups().get(slug)

    # -- resolving ---------------------------------------------------------------

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: addnodes.pending_xref,
        contnode: nodes.Element,
    ) -> nodes.Element | None:
        if node.get("lwkd_silent"):
            # A mention through a pull request's text: recorded, nothing shown.
            return nodes.inline()
        if typ == "kep":
            number = int(target)
            title = self.kep_title(number)
            hover = f"KEP-{number}: {title}" if title else f"KEP-{number}"
            return make_refnode(builder, fromdocname, kep_pagename(number), "", contnode, hover)
        if typ == "sig":
            group = self.group(target)
            hover = group.name if group else target
            return make_refnode(builder, fromdocname, sig_pagename(target), "", contnode, hover)
        return None

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode) -> list:
        # KEPs and groups are referred to only through their own roles.
        return []


class DropSilentMentions(SphinxPostTransform):
    """Remove the mentions that show nothing before pages are written: they were recorded
    when the page was read, and an empty ``<span>`` would only clutter the page."""

    default_priority = 5  # before references are resolved (10)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("refdomain") == "lwkd" and node.get("lwkd_silent"):
                node.parent.remove(node)


def pages_with_new_facts(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Issues to rewrite when the KEP facts, the group table or the release schedules
    changed: their links carry the KEPs' titles and the groups' names, their chips the
    groups that own their KEPs, and their first line their release cycle."""
    domain: ArchiveDomain = env.domains["lwkd"]
    path = env.config.lwkd_kep_facts
    digest = hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest() if path else ""
    groups = load_groups().fingerprint
    kinds: set[str] = set()
    if digest != domain.data["facts_digest"]:
        domain.data["facts_digest"] = digest
        kinds.add("kep")
    if groups != domain.data.get("groups_digest", ""):
        domain.data["groups_digest"] = groups
        kinds |= {"kep", "sig"}
    releases = env.config.lwkd_release_facts
    schedule = (
        hashlib.blake2b(Path(releases).read_bytes(), digest_size=16).hexdigest() if releases else ""
    )
    pages = {d for d, mentions in domain.mentions.items() if any(m.kind in kinds for m in mentions)}
    if schedule != domain.data.get("releases_digest", ""):
        # Every issue shows its release cycle, and the next date of it.
        domain.data["releases_digest"] = schedule
        pages |= set(domain.issues)
    return sorted(pages)


def collect_mentions(app: Sphinx, doctree: nodes.document) -> None:
    app.env.domains["lwkd"].collect(app.env.docname, doctree)
