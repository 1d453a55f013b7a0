"""The archive by year: an overview page, one page per year by month, and the home page's lists.

The year pages are generated, and written only when what they show changed. The
home page (``source/index.md``, shared by the sample and the full archive) lists
the latest issues and every year with two directives, ``lwkd-latest-issues`` and
``lwkd-years``, drawn when the page is written from the issues of the build, so
they never go stale: a change in what they show has the pages that use them
written again (:func:`lists_outdated`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.parsers.rst import directives
from markupsafe import Markup
from sphinx.util.docutils import SphinxDirective

from lwkd_archive.facts.dates import MONTH_NAMES, human_date
from lwkd_archive.outputs.record import fingerprint
from lwkd_archive.pages.generated import changed_pages
from lwkd_archive.wording import plural

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from lwkd_archive.reading.domain import ArchiveDomain
    from lwkd_archive.reading.issues import ArchiveViews, Issue

ARCHIVE_INDEX = "archive/index"
#: Issues the home page lists when its directive does not say.
LATEST_DEFAULT = 12


def year_pagename(year: int) -> str:
    return f"archive/{year}"


def _row(domain: ArchiveDomain, entry: Issue) -> dict[str, Any]:
    groups = domain.views.groups_of.get(entry.docname, entry.groups)
    return {
        "docname": entry.docname,
        "title": entry.title,
        "week_ending": entry.week_ending.isoformat(),
        "published": entry.published.strftime("%Y-%m-%d"),
        "published_text": human_date(entry.published),
        "keps": [{"number": n, "title": domain.kep_title(n)} for n in entry.keps],
        "group_count": len(groups),
    }


def _months(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows (newest first) grouped by the month of their week, newest month first."""
    months: list[dict[str, Any]] = []
    for row in rows:
        month = int(row["week_ending"][5:7])
        if not months or months[-1]["number"] != month:
            months.append(
                {
                    "number": month,
                    "name": MONTH_NAMES[month - 1],
                    "anchor": row["week_ending"][:7],
                    "issues": [],
                }
            )
        months[-1]["issues"].append(row)
    return months


def generate_year_pages(app: Sphinx) -> Iterator[tuple[str, dict, str]]:
    """Yield the overview and the year pages whose issues changed (or that are missing)."""
    if app.builder.format != "html":
        return
    domain: ArchiveDomain = app.env.domains["lwkd"]
    by_year = domain.views.by_year
    years = sorted(by_year, reverse=True)
    overview = [
        {
            "year": y,
            "count": len(by_year[y]),
            "kep_count": len({n for e in by_year[y] for n in e.keps}),
            "pagename": year_pagename(y),
        }
        for y in years
    ]
    pages = [
        (ARCHIVE_INDEX, {"title": "Issues by year", "years": overview}, "lwkd/archive_index.html")
    ]
    for i, year in enumerate(years):
        rows = [_row(domain, e) for e in reversed(by_year[year])]
        context = {
            "title": f"{year} issues",
            "year": year,
            "issue_count": len(rows),
            "kep_count": overview[i]["kep_count"],
            "months": _months(rows),
            "newer_year": years[i - 1] if i > 0 else None,
            "older_year": years[i + 1] if i + 1 < len(years) else None,
        }
        pages.append((year_pagename(year), context, "lwkd/archive_year.html"))
    yield from changed_pages(app, "years", pages)


# -- the home page's lists ----------------------------------------------------------


class issue_list(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes so)
    """Where a list of issues goes, drawn when the page is written (``kind``: latest, years)."""


class LatestIssues(SphinxDirective):
    """``lwkd-latest-issues [N]``: the N newest issues, then links on to every other one."""

    optional_arguments = 1
    option_spec: dict[str, Any] = {}  # noqa: RUF012 (docutils' API)

    def run(self) -> list[nodes.Node]:
        count = directives.positive_int(self.arguments[0]) if self.arguments else LATEST_DEFAULT
        _lists_of(self.env)[self.env.docname] = max(
            count, _lists_of(self.env).get(self.env.docname, 0)
        )
        return [issue_list(kind="latest", count=count)]


class YearsList(SphinxDirective):
    """``lwkd-years``: every year of the archive, linked to its page, with its counts."""

    def run(self) -> list[nodes.Node]:
        _lists_of(self.env).setdefault(self.env.docname, 0)
        return [issue_list(kind="years", count=0)]


def _lists_of(env: BuildEnvironment) -> dict[str, int]:
    """The documents that list issues, and the most issues each lists (kept in the environment)."""
    if not hasattr(env, "lwkd_issue_lists"):
        env.lwkd_issue_lists = {}
    return env.lwkd_issue_lists


def _purge_lists(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _lists_of(env).pop(docname, None)


def _merge_lists(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    theirs = _lists_of(other)
    _lists_of(env).update({d: theirs[d] for d in docnames if d in theirs})


def _latest_html(app: Sphinx, docname: str, views: ArchiveViews, count: int) -> str:
    uri = app.builder.get_relative_uri
    latest = list(reversed(views.latest(count)))
    if not latest:
        return '<p class="issue-none">No issue is published yet.</p>'
    items = []
    for issue in latest:
        groups = len(views.groups_of.get(issue.docname, ()))
        counts = [plural(len(issue.keps), "KEP") if issue.keps else "",
                  plural(groups, "group") if groups else ""]  # fmt: skip
        items.append(
            Markup(
                '<li><a class="issue-title" href="{url}">{title}</a>'
                ' <span class="issue-date">published <time datetime="{day}">{text}</time></span>'
                "{counts}{summary}</li>"
            ).format(
                url=uri(docname, issue.docname),
                title=issue.title,
                day=f"{issue.published:%Y-%m-%d}",
                text=human_date(issue.published),
                counts=Markup(' <span class="count">· {}</span>').format(
                    " · ".join(c for c in counts if c)
                )
                if any(counts)
                else "",
                summary=Markup('<p class="issue-summary">{}</p>').format(issue.summary)
                if issue.summary
                else "",
            )
        )
    newest_year = max(views.by_year)
    more = Markup(
        '<p class="more-issues"><a href="{year_url}">All {year} issues →</a>'
        ' <a href="{all_url}">Every issue, by year →</a></p>'
    ).format(
        year_url=uri(docname, year_pagename(newest_year)),
        year=newest_year,
        all_url=uri(docname, ARCHIVE_INDEX),
    )
    return str(Markup('<ol class="latest-issues">{}</ol>').format(Markup("").join(items)) + more)


def _years_html(app: Sphinx, docname: str, views: ArchiveViews) -> str:
    uri = app.builder.get_relative_uri
    items = [
        Markup('<li><a href="{url}">{year}</a> <span class="count">{count}</span></li>').format(
            url=uri(docname, year_pagename(year)),
            year=year,
            count=plural(len(views.by_year[year]), "issue"),
        )
        for year in sorted(views.by_year, reverse=True)
    ]
    if not items:
        return ""
    return str(Markup('<ul class="year-grid">{}</ul>').format(Markup("").join(items)))


def draw_issue_lists(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """For ``doctree-resolved``: draw each list of issues from the issues of this build."""
    found = list(doctree.findall(issue_list))
    if not found:
        return
    views = app.env.domains["lwkd"].views
    for node in found:
        if app.builder.format != "html":
            node.replace_self([])
            continue
        if node["kind"] == "latest":
            html = _latest_html(app, docname, views, node["count"])
        else:
            html = _years_html(app, docname, views)
        node.replace_self(nodes.raw("", html, format="html") if html else [])


def lists_digest(views: ArchiveViews, count: int) -> str:
    """What the lists show: the latest ``count`` issues as listed, and each year's count."""
    return fingerprint(
        [
            (
                i.docname,
                i.title,
                i.published,
                i.summary,
                len(i.keps),
                views.groups_of.get(i.docname),
            )
            for i in views.latest(count)
        ],
        sorted((year, len(issues)) for year, issues in views.by_year.items()),
    )


def lists_outdated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """For ``env-updated``: the pages whose lists of issues show something new.

    Their sources did not change when an issue was added, edited or came out of
    draft, so Sphinx would not write them again; their lists would go stale.
    """
    lists = _lists_of(env)
    if not lists:
        return []
    digest = lists_digest(env.domains["lwkd"].views, max(lists.values()))
    if getattr(env, "lwkd_issue_lists_digest", None) == digest:
        return []
    env.lwkd_issue_lists_digest = digest
    return sorted(d for d in lists if d in env.found_docs)


def setup(app: Sphinx) -> None:
    app.connect("html-collect-pages", generate_year_pages)
    app.add_node(issue_list)
    app.add_directive("lwkd-latest-issues", LatestIssues)
    app.add_directive("lwkd-years", YearsList)
    app.connect("env-purge-doc", _purge_lists)
    app.connect("env-merge-info", _merge_lists)
    app.connect("doctree-resolved", draw_issue_lists)
    app.connect("env-updated", lists_outdated)
