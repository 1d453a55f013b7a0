"""What every issue says about KEPs and SIGs, collected while reading and kept in the environment."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.util.nodes import make_refnode

from lwkd_archive.facts.groups import Group, load_groups
from lwkd_archive.facts.keps import KepFacts, parse_facts
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


def _published(value: object) -> str:
    """ISO 8601 (UTC) of a front-matter date such as ``2022-02-09 05:20``."""
    text = str(value or "").strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _sentence_around(node: nodes.Node) -> str:
    """The sentence of the paragraph (or title) that holds ``node``."""
    block = node.parent
    while block is not None and not isinstance(block, (nodes.paragraph, nodes.title)):
        block = block.parent
    if block is None:
        return ""
    text = " ".join(block.astext().split())
    needle = " ".join(node.astext().split())
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
        "issues": {},  # docname -> issue record
        "mentions": {},  # docname -> [Mention]
        "facts_digest": "",  # of the KEP facts the pages were last written with
    }
    data_version = 1

    @property
    def issues(self) -> dict[str, dict[str, str]]:
        return self.data["issues"]

    @property
    def mentions(self) -> dict[str, list[Mention]]:
        return self.data["mentions"]

    def clear_doc(self, docname: str) -> None:
        self.issues.pop(docname, None)
        self.mentions.pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        for docname in docnames:
            if docname in otherdata["issues"]:
                self.issues[docname] = otherdata["issues"][docname]
            if docname in otherdata["mentions"]:
                self.mentions[docname] = otherdata["mentions"][docname]

    # -- reading ---------------------------------------------------------------

    def collect(self, docname: str, doctree: nodes.document) -> None:
        metadata = self.env.metadata.get(docname, {})
        if metadata.get("week_ending"):
            title = doctree.next_node(nodes.title)
            self.issues[docname] = {
                "source": str(metadata.get("lwkd_source", "")).strip(),
                "week_ending": str(metadata["week_ending"]).strip(),
                "published": _published(metadata.get("date")),
                "title": title.astext() if title else docname,
                "lwkd_url": str(metadata.get("lwkd_url", "")).strip(),
            }
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
                    lwkd_title=node.get("lwkd_title", ""),
                )
            )
        if found:
            self.mentions[docname] = found

    # -- questions the pages ask -------------------------------------------------

    def issue_mentions(self, kind: str) -> dict[str, list[Mention]]:
        """Mentions in issues (not other pages) by KEP number or group slug."""
        by_key: dict[str, list[Mention]] = defaultdict(list)
        for docname, mentions in self.mentions.items():
            if docname not in self.issues:
                continue
            for mention in mentions:
                if mention.kind == kind:
                    by_key[mention.key].append(mention)
        return by_key

    def group_mentions(self) -> dict[str, list[Mention]]:
        """Mentions in issues that concern each group: the group named, or a KEP it owns."""
        by_group = self.issue_mentions("sig")
        for key, mentions in self.issue_mentions("kep").items():
            owner = self.owning_group(int(key))
            if owner:
                by_group[owner].extend(mentions)
        return by_group

    def owning_group(self, number: int) -> str:
        """The slug of the group that owns a KEP (from its kep.yaml), or ''."""
        facts = self.kep_facts.get(number)
        return facts.owning_sig if facts else ""

    def groups_of(self, docname: str) -> list[str]:
        """The groups an issue concerns: those it names and those owning a KEP it mentions."""
        owners = {self.owning_group(n) for n in self.keps_of(docname)} - {""}
        return sorted(owners.union(self.sigs_of(docname)))

    def keps_of(self, docname: str) -> list[int]:
        return sorted({int(m.key) for m in self.mentions.get(docname, ()) if m.kind == "kep"})

    def sigs_of(self, docname: str) -> list[str]:
        return sorted({m.key for m in self.mentions.get(docname, ()) if m.kind == "sig"})

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


def pages_with_new_facts(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Issues to rewrite when the KEP facts changed: their KEP links carry the titles."""
    domain: ArchiveDomain = env.domains["lwkd"]
    path = env.config.lwkd_kep_facts
    digest = hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest() if path else ""
    if digest == domain.data["facts_digest"]:
        return []
    domain.data["facts_digest"] = digest
    return sorted(
        d for d, mentions in domain.mentions.items() if any(m.kind == "kep" for m in mentions)
    )


def collect_mentions(app: Sphinx, doctree: nodes.document) -> None:
    app.env.domains["lwkd"].collect(app.env.docname, doctree)
