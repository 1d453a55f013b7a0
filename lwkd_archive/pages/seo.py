"""The head of every page: canonical URLs and OpenGraph tags, one viewport, dates for readers.

Also the one format of a date shown to readers, ``9 February 2022`` (:func:`human_date`),
which every template writes inside ``<time datetime="2022-02-09">``; Jinja templates have it
as the ``human_date`` filter.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lwkd_archive.config import site_url
from lwkd_archive.reading.domain import ArchiveDomain

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: English month names, whatever the build machine's locale (strftime's %B follows it).
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
#: docutils' own viewport tag, a second one beside the theme's.
DOCUTILS_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>\n?')
#: Sphinx's scripts for its own search and keyboard shortcuts, which the archive does not
#: use (Pagefind searches; the header's script focuses search on "/"): 10 KB per page.
UNUSED_SCRIPTS = ("documentation_options.js", "doctools.js", "sphinx_highlight.js")
#: The `basic` theme's Pygments style is "none": its stylesheet only paints code blocks white,
#: in dark mode too; lwkd.css draws them. One request fewer on every page.
UNUSED_STYLESHEETS = ("pygments.css",)
#: The search page is the archive's own markup, drawn by lwkd.css alone: basic.css (3.4 KB
#: compressed) would only add to the bytes of a reader's first search.
SEARCH_PAGE_UNUSED = ("basic.css",)


#: The archive's mark, drawn in SVG (every browser the archive serves reads an SVG icon).
FAVICON = Path(__file__).resolve().parents[1] / "static" / "favicon.svg"


def default_favicon(app: Sphinx, config: Config) -> None:
    """Every archive site has the archive's mark as its icon, unless conf.py names another:
    without one, browsers ask for ``/favicon.ico``, which no site of the archive has."""
    if not config.html_favicon:
        config.html_favicon = str(FAVICON)


def asset_name(asset: object) -> str:
    """``doctools.js`` of an asset in the page's context (a name, or Sphinx's _JavaScript)."""
    return str(getattr(asset, "filename", asset)).split("?")[0].rsplit("/", 1)[-1]


def human_date(value: date | datetime | str) -> str:
    """``9 February 2022``: a day, a date-time or an ISO date (``2022-02-09``) as readers see it.

    Formatted here, not with strftime's ``%-d``, which not every platform knows.
    """
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """An absolute URL and a description for OpenGraph tags; an issue's date for readers."""
    app.builder.templates.environment.filters.setdefault("human_date", human_date)
    context["metatags"] = DOCUTILS_VIEWPORT.sub("", context.get("metatags", ""))
    stylesheets = UNUSED_STYLESHEETS
    if templatename == "lwkd/search.html":
        stylesheets += SEARCH_PAGE_UNUSED
    for key, unused in (("script_files", UNUSED_SCRIPTS), ("css_files", stylesheets)):
        if key in context:
            context[key] = [a for a in context[key] if asset_name(a) not in unused]
    base = site_url(app.config)
    if base:
        context["lwkd_page_url"] = base + app.builder.get_target_uri(pagename)
    domain: ArchiveDomain = app.env.domains["lwkd"]
    issue = domain.views.by_docname.get(pagename) or domain.views.drafts.get(pagename)
    if issue is not None:
        context["lwkd_description"] = "Last Week in Kubernetes Development: " + issue.title
        context["lwkd_published"] = {
            "datetime": f"{issue.published:%Y-%m-%dT%H:%MZ}",
            "text": human_date(issue.published),
        }
    else:
        context["lwkd_description"] = "The archive of Last Week in Kubernetes Development"
