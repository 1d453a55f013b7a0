"""The head of every page: canonical URLs and OpenGraph tags, one viewport, dates for readers.

An issue's date reads ``9 February 2022`` (:func:`lwkd_archive.facts.dates.human_date`,
which templates have as the ``human_date`` filter), inside ``<time datetime="...">``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lwkd_archive.config import site_url
from lwkd_archive.facts.dates import human_date
from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.recovery import reporting_write_errors
from lwkd_archive.reading.domain import ArchiveDomain

if TYPE_CHECKING:
    from sphinx.application import Sphinx

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


#: Where the mark is served, beside the site's other assets.
FAVICON_TARGET = "_static/favicon.svg"


def write_favicon(app: Sphinx, exception: Exception | None) -> None:
    """Every archive site has the archive's mark as its icon, unless conf.py names another
    (``html_favicon``): without one, browsers ask for ``/favicon.ico``, which no site of
    the archive has. Written by the archive, not set in the configuration, whose record
    would then hold where the package is installed."""
    if exception is None and app.builder.format == "html" and not app.config.html_favicon:
        with reporting_write_errors(app):
            write_atomically(Path(app.builder.outdir) / FAVICON_TARGET, FAVICON.read_bytes())


def asset_name(asset: object) -> str:
    """``doctools.js`` of an asset in the page's context (a name, or Sphinx's _JavaScript)."""
    return str(getattr(asset, "filename", asset)).split("?")[0].rsplit("/", 1)[-1]


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """An absolute URL and a description for OpenGraph tags; an issue's date for readers."""
    context["metatags"] = DOCUTILS_VIEWPORT.sub("", context.get("metatags", ""))
    if not app.config.html_favicon:
        context["favicon_url"] = context["pathto"](FAVICON_TARGET, 1)
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
