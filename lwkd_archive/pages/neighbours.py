"""Previous/next links between issues, and the pages a new issue changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sphinx.domains import Domain

if TYPE_CHECKING:
    from collections.abc import Iterable

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from lwkd_archive.reading.domain import ArchiveDomain
    from lwkd_archive.reading.issues import ArchiveViews

#: Pages that list the latest issues and so change whenever the timeline does.
TIMELINE_PAGES = ("index",)


class TimelineDomain(Domain):
    """Remembers what each issue page showed of the timeline, so a change rewrites it.

    Sphinx rewrites only documents that changed; an issue whose previous or
    next issue changed did not, nor did a draft whose date has come, so
    :func:`pages_to_rewrite` names them.
    """

    name = "lwkd-timeline"
    label = "LWKD timeline"
    initial_data: dict[str, Any] = {"links": {}}  # noqa: RUF012 (Sphinx's API)

    def clear_doc(self, docname: str) -> None:
        # The snapshot is replaced whole after each read phase.
        pass

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        pass

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode) -> list:
        # The timeline has no reference targets of its own.
        return []


def link_snapshot(views: ArchiveViews) -> dict[str, list[str]]:
    """What each issue page shows of the timeline: its neighbours, or that it is a draft."""
    snapshot = {}
    for docname, (prev, nxt) in views.neighbours.items():
        snapshot[docname] = [
            f"{prev.docname}\n{prev.title}" if prev else "",
            f"{nxt.docname}\n{nxt.title}" if nxt else "",
        ]
    for docname in views.drafts:
        snapshot[docname] = ["draft"]
    return snapshot


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Issues whose previous/next link changed, and the pages that list the latest issues."""
    domain = env.domains["lwkd-timeline"]
    old = domain.data["links"]
    archive: ArchiveDomain = env.domains["lwkd"]
    new = link_snapshot(archive.views)
    if new == old:
        return []
    domain.data["links"] = new
    changed = [d for d, links in new.items() if old.get(d) != links and d in env.found_docs]
    return changed + [page for page in TIMELINE_PAGES if page in env.found_docs]


def add_navigation_context(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.Node | None,
) -> None:
    """Give an issue page its dates, its year page, and its previous and next issue."""
    domain: ArchiveDomain = app.env.domains["lwkd"]
    views = domain.views
    issue = views.by_docname.get(pagename)
    draft = issue is None
    if draft:
        issue = views.drafts.get(pagename)
        if issue is None:
            return
    uri = app.builder.get_relative_uri
    nav: dict[str, Any] = {
        "year": issue.year,
        # A draft alone in its year has no year page yet.
        "year_url": uri(pagename, f"archive/{issue.year}") if issue.year in views.by_year else "",
        "published": f"{issue.published:%Y-%m-%d %H:%M}",
        "draft": draft,
    }
    # A draft is not on lwkd.info yet.
    if issue.old_address.startswith("/") and not draft:
        nav["original_url"] = app.config.lwkd_upstream_url.rstrip("/") + issue.old_address
    prev, nxt = views.neighbours.get(pagename, (None, None))
    for key, neighbour in (("prev", prev), ("next", nxt)):
        if neighbour is not None:
            nav[key] = {"title": neighbour.title, "url": uri(pagename, neighbour.docname)}
    context["lwkd_nav"] = nav


def setup(app: Sphinx) -> None:
    app.add_domain(TimelineDomain)
    app.connect("env-get-updated", pages_to_rewrite)
    app.connect("html-page-context", add_navigation_context)
