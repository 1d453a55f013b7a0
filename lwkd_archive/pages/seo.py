"""For search engines and link previews: canonical URLs and OpenGraph tags of each page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lwkd_archive.config import site_url
from lwkd_archive.reading.domain import ArchiveDomain

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """An absolute URL and a description for OpenGraph tags."""
    base = site_url(app.config)
    if base:
        context["lwkd_page_url"] = base + app.builder.get_target_uri(pagename)
    domain: ArchiveDomain = app.env.domains["lwkd"]
    issue = domain.views.by_docname.get(pagename) or domain.views.drafts.get(pagename)
    if issue is not None:
        context["lwkd_description"] = "Last Week in Kubernetes Development: " + issue.title
    else:
        context["lwkd_description"] = "The archive of Last Week in Kubernetes Development"
