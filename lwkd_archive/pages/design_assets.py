"""sphinx-design's stylesheet and script only on the pages that use its components.

sphinx-design adds its assets to every page, 62 KB that an issue page without
a card, badge or tab never uses; a reader's first page and every page read from
disk would load them. Pages keep them when their doctree has a sphinx-design
component (an editor may write cards or tabs in an issue) or their template
draws its badges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The assets sphinx-design adds to every page, by file name.
DESIGN_ASSETS = ("sphinx-design.min.css", "design-tabs.js")
#: The archive's templates that draw sphinx-design badges.
DESIGN_TEMPLATES = frozenset({"lwkd/kep.html", "lwkd/sig.html"})
#: The class prefix of every sphinx-design component.
DESIGN_CLASS_PREFIX = "sd-"


def uses_design(doctree: nodes.Node | None) -> bool:
    if doctree is None:
        return False
    return any(
        cls.startswith(DESIGN_CLASS_PREFIX)
        for node in doctree.findall(nodes.Element)
        for cls in node.get("classes", ())
    )


def is_design_asset(asset: object) -> bool:
    name = str(getattr(asset, "filename", asset))
    return name.split("?")[0].rsplit("/", 1)[-1] in DESIGN_ASSETS


def drop_unused_design_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.Node | None,
) -> None:
    if templatename in DESIGN_TEMPLATES or uses_design(doctree):
        return
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not is_design_asset(asset)]
