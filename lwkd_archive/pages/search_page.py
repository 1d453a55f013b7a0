"""The search page: Pagefind's box and filters, with every spelling of each group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lwkd_archive.outputs.search import query_aliases
from lwkd_archive.pages.generated import changed_pages

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx

    from lwkd_archive.pages.generated import Page


def search_page(app: Sphinx) -> Iterator[Page]:
    if app.builder.format == "html":
        page = ("search", {"title": "Search", "lwkd_aliases": query_aliases()}, "lwkd/search.html")
        yield from changed_pages(app, "search-page", [page])
