"""Headings written with roles keep the anchor LWKD gave them, so old ``#anchor`` links still land."""

from __future__ import annotations

from docutils import nodes
from myst_parser.slugs import github_slugify
from sphinx import addnodes
from sphinx.transforms import SphinxTransform


def _has_role(title: nodes.title) -> bool:
    for node in title.findall(nodes.Element):
        if isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "lwkd":
            return True
        if isinstance(node, nodes.reference) and "lwkd-pr" in node.get("classes", ()):
            return True
    return False


class RoleHeadingAnchors(SphinxTransform):
    """Give a heading made of roles the slug of its text, as its heading anchor.

    MyST builds heading anchors from a heading's plain text and code only, so
    ``### {pr}`...`: {kep}`KEP-2799: ...``` would lose the anchor
    ``enhancements2800-kep-2799-...`` that lwkd.info (and links between issues)
    use. The slug of the heading's shown text restores it.
    """

    default_priority = 720

    def apply(self, **kwargs: object) -> None:
        slugs = self.env.metadata[self.env.docname].setdefault("myst_slugs", {})
        for section in self.document.findall(nodes.section):
            title = section.next_node(nodes.title)
            if title is None or title.parent is not section or not _has_role(title):
                continue
            text = title.astext()
            slug = github_slugify(text)
            if not slug or slug in slugs or slug in self.document.ids:
                continue
            section["ids"].append(slug)
            self.document.ids[slug] = section
            slugs[slug] = (section.line, section["ids"][0], text)
