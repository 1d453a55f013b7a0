"""The archive's issues in order: previous/next links, and the pages a new issue changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.domains import Domain

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Pages that list the latest issues and so change whenever the timeline does.
TIMELINE_PAGES = ("index",)


@dataclass(frozen=True)
class IssueEntry:
    """One issue as the navigation, year pages and feeds need it."""

    docname: str
    title: str
    week_ending: dt.date
    published: dt.datetime
    tags: tuple[str, ...]
    summary: str

    @property
    def year(self) -> int:
        return self.week_ending.year


def _week_ending(metadata: dict[str, Any], published: dt.datetime) -> dt.date:
    value = metadata.get("week_ending")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return published.date()


def issue_entries(env: BuildEnvironment) -> list[IssueEntry]:
    """Every published issue (ablog post with a date), oldest first."""
    entries = []
    for docname, infos in getattr(env, "ablog_posts", {}).items():
        if docname not in env.found_docs or not infos:
            continue
        info = infos[0]
        published = info.get("date")
        if not isinstance(published, dt.datetime):
            continue
        excerpt = info.get("excerpt") or ()
        summary = " ".join(p.astext() for p in excerpt if isinstance(p, nodes.Node))
        entries.append(
            IssueEntry(
                docname=docname,
                title=str(info.get("title") or docname),
                week_ending=_week_ending(env.metadata.get(docname, {}), published),
                published=published,
                tags=tuple(info.get("tags") or ()),
                summary=summary,
            )
        )
    entries.sort(key=lambda e: (e.week_ending, e.published, e.docname))
    return entries


def neighbours(entries: list[IssueEntry]) -> dict[str, tuple[IssueEntry | None, IssueEntry | None]]:
    """Previous and next issue of each issue."""
    result = {}
    for i, entry in enumerate(entries):
        prev = entries[i - 1] if i > 0 else None
        nxt = entries[i + 1] if i + 1 < len(entries) else None
        result[entry.docname] = (prev, nxt)
    return result


class TimelineDomain(Domain):
    """Remembers the timeline of the last build, so a new issue rewrites its neighbours.

    Sphinx rewrites only documents that changed; an issue whose previous or
    next issue changed did not, so :func:`pages_to_rewrite` names it.
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


def _link_snapshot(entries: list[IssueEntry]) -> dict[str, list[str]]:
    snapshot = {}
    for docname, (prev, nxt) in neighbours(entries).items():
        snapshot[docname] = [
            f"{prev.docname}\n{prev.title}" if prev else "",
            f"{nxt.docname}\n{nxt.title}" if nxt else "",
        ]
    return snapshot


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Issues whose previous/next link changed, and the pages that list the latest issues."""
    domain = env.domains["lwkd-timeline"]
    old = domain.data["links"]
    new = _link_snapshot(issue_entries(env))
    if new == old:
        return []
    domain.data["links"] = new
    changed = [d for d, links in new.items() if old.get(d) != links]
    return changed + [page for page in TIMELINE_PAGES if page in env.found_docs]


def add_navigation_context(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.Node | None,
) -> None:
    """Give an issue page its previous and next issue and its year page."""
    links = app.env.domains["lwkd-timeline"].data["links"].get(pagename)
    if links is None:
        return
    metadata = app.env.metadata.get(pagename, {})
    year = str(metadata.get("week_ending", ""))[:4]
    year_url = app.builder.get_relative_uri(pagename, f"archive/{year}")
    nav: dict[str, Any] = {"year": year, "year_url": year_url}
    nav["published"] = str(metadata.get("date", "")).strip()
    old_path = str(metadata.get("lwkd_url", "")).strip()
    if old_path.startswith("/"):
        nav["original_url"] = app.config.lwkd_upstream_url.rstrip("/") + old_path
    for key, link in zip(("prev", "next"), links, strict=True):
        if link:
            docname, title = link.split("\n", 1)
            nav[key] = {"title": title, "url": app.builder.get_relative_uri(pagename, docname)}
    context["lwkd_nav"] = nav


def setup(app: Sphinx) -> None:
    app.add_domain(TimelineDomain)
    app.connect("env-get-updated", pages_to_rewrite)
    app.connect("html-page-context", add_navigation_context)
