"""The archive by year: an overview page and one page per year, regenerated only when changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lwkd_archive.pages.generated import changed_pages

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx

    from lwkd_archive.reading.domain import ArchiveDomain
    from lwkd_archive.reading.issues import Issue

ARCHIVE_INDEX = "archive/index"


def year_pagename(year: int) -> str:
    return f"archive/{year}"


def _row(entry: Issue) -> dict[str, str]:
    return {
        "docname": entry.docname,
        "title": entry.title,
        "week_ending": entry.week_ending.isoformat(),
        "published": entry.published.strftime("%Y-%m-%d"),
        "summary": entry.summary,
    }


def generate_year_pages(app: Sphinx) -> Iterator[tuple[str, dict, str]]:
    """Yield the overview and the year pages whose issues changed (or that are missing)."""
    if app.builder.format != "html":
        return
    domain: ArchiveDomain = app.env.domains["lwkd"]
    by_year = domain.views.by_year
    years = sorted(by_year, reverse=True)
    overview = [{"year": y, "count": len(by_year[y]), "pagename": year_pagename(y)} for y in years]
    pages = [
        (ARCHIVE_INDEX, {"title": "Issues by year", "years": overview}, "lwkd/archive_index.html")
    ]
    for i, year in enumerate(years):
        rows = [_row(e) for e in reversed(by_year[year])]
        context = {
            "title": f"{year} issues",
            "year": year,
            "issues": rows,
            "newer_year": years[i - 1] if i > 0 else None,
            "older_year": years[i + 1] if i + 1 < len(years) else None,
        }
        pages.append((year_pagename(year), context, "lwkd/archive_year.html"))
    yield from changed_pages(app, "years", pages)


def setup(app: Sphinx) -> None:
    app.connect("html-collect-pages", generate_year_pages)
