"""Automatic ablog tags: one per KEP and one per group an issue's roles mention."""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform


def kep_tag(number: int | str) -> str:
    """``KEP-3136``; ablog slugifies it to ``kep-3136``."""
    return f"KEP-{number}"


def issue_tags(document: nodes.document) -> list[str]:
    """Tags for the KEPs and groups the page's roles refer to, in first-mention order.

    Only what the page itself says: the group that owns a KEP comes from the KEP
    facts, which change without the page, so the archive's views add it per build.
    """
    tags: list[str] = []
    for node in document.findall(addnodes.pending_xref):
        if node.get("refdomain") != "lwkd":
            continue
        # Groups are tagged by slug (``sig-node``), so ``SIG Node`` and ``sig-node`` are one tag.
        tag = kep_tag(node["reftarget"]) if node["reftype"] == "kep" else node["reftarget"]
        if tag not in tags:
            tags.append(tag)
    return tags


class AddReferenceTags(SphinxTransform):
    """Add the page's KEP and group tags to its front matter before ablog reads it.

    ablog's ``CheckFrontMatter`` (priority 800) turns the front matter's
    ``tags`` field into the post's tags, so this runs just before it.
    """

    default_priority = 790

    def apply(self, **kwargs: object) -> None:
        docinfo = next(iter(self.document.findall(nodes.docinfo)), None)
        if docinfo is None:
            return
        tags = issue_tags(self.document)
        if not tags:
            return
        for field in docinfo.findall(nodes.field):
            if field[0].astext() == "tags":
                written = [t.strip() for t in field[1].astext().strip("[]").split(",") if t.strip()]
                merged = written + [t for t in tags if t not in written]
                field[1].replace_self(nodes.field_body("", nodes.paragraph("", ", ".join(merged))))
                return
        docinfo += nodes.field(
            "",
            nodes.field_name("", "tags"),
            nodes.field_body("", nodes.paragraph("", ", ".join(tags))),
        )
