"""sphinx-design's stylesheet and script only on the pages that use its components.

sphinx-design adds its assets to every page: a 55 KB stylesheet and
``design-tabs.js``, which a page without a card, badge or tab never uses; a
reader's first page and every page read from disk would load them. The
archive's own pages (KEP and group pages, indexes) draw their badges with the
archive's stylesheet, so they never need them. A page keeps the stylesheet when
its doctree has a sphinx-design component (an editor may write cards or tabs in
an issue), and the tab script only when it has a tab set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx

DESIGN_CSS = "sphinx-design.min.css"
DESIGN_TABS_JS = "design-tabs.js"
#: The assets sphinx-design adds to every page, by file name.
DESIGN_ASSETS = (DESIGN_CSS, DESIGN_TABS_JS)
#: The class prefix of every sphinx-design component.
DESIGN_CLASS_PREFIX = "sd-"
#: The class of a tab set, the only component whose script is needed.
DESIGN_TAB_SET = "sd-tab-set"


def design_classes(doctree: nodes.Node | None) -> set[str]:
    """The sphinx-design classes a doctree uses (empty for a generated page)."""
    if doctree is None:
        return set()
    return {
        cls
        for node in doctree.findall(nodes.Element)
        for cls in node.get("classes", ())
        if cls.startswith(DESIGN_CLASS_PREFIX)
    }


def uses_design(doctree: nodes.Node | None) -> bool:
    return bool(design_classes(doctree))


def asset_name(asset: object) -> str:
    name = str(getattr(asset, "filename", asset))
    return name.split("?")[0].rsplit("/", 1)[-1]


def is_design_asset(asset: object) -> bool:
    return asset_name(asset) in DESIGN_ASSETS


def drop_unused_design_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.Node | None,
) -> None:
    """Keep of sphinx-design's assets only those the page's components use."""
    used = design_classes(doctree)
    needed = set()
    if used:
        needed.add(DESIGN_CSS)
    if DESIGN_TAB_SET in used:
        needed.add(DESIGN_TABS_JS)
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [
                asset
                for asset in context[key]
                if not is_design_asset(asset) or asset_name(asset) in needed
            ]
