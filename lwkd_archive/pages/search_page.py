"""The search page: Pagefind's box and filters, with every spelling of each group.

It lists the bundles of issues it merges into the primary index (the newest
year's and the earlier years'), so a year that comes or goes rewrites the page,
and Pagefind's options (:data:`~lwkd_archive.outputs.search.SEARCH_OPTIONS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lwkd_archive.outputs.search import BUNDLE, SEARCH_OPTIONS, query_aliases, search_bundles
from lwkd_archive.pages.generated import changed_pages

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx

    from lwkd_archive.pages.generated import Page


def search_page(app: Sphinx) -> Iterator[Page]:
    if app.builder.format == "html":
        merged = [f"{bundle}/" for bundle in search_bundles(app) if bundle != BUNDLE]
        context = {
            "title": "Search",
            "lwkd_aliases": query_aliases(),
            "lwkd_bundles": merged,
            "lwkd_search_options": SEARCH_OPTIONS,
        }
        page = ("search", context, "lwkd/search.html")
        yield from changed_pages(app, "search-page", [page])
