"""The one model of an issue, and the views of the archive every output reads.

While reading, the ``lwkd`` domain records one frozen :class:`Issue` per page
that is an issue. Whether an issue is published is decided here, once, by
:func:`is_published`; every output (the home list, year pages, KEP and group
pages, feeds, ``api/``, the sitemap, search, old addresses, previous/next)
reads the :class:`ArchiveViews` built from those issues, once per build.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ablog import blog as ablog_blog

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


@dataclass(frozen=True)
class Issue:
    """One issue of LWKD, as recorded while its page was read."""

    docname: str
    title: str
    week_ending: dt.date
    #: When it was published, in UTC (front matter dates are UTC).
    published: dt.datetime
    #: The excerpt ablog shows in the latest-issues list; feeds use it too.
    summary: str
    #: The address lwkd.info gave it (``/2022/20220209``), or "".
    old_address: str
    #: The post it was imported from (``_posts/2022-02-09-update.md``), or "".
    source: str
    #: KEP numbers and group slugs the issue's roles name, sorted.
    keps: tuple[int, ...] = ()
    groups: tuple[str, ...] = ()
    #: ablog tags written in the front matter that are neither a KEP nor a group.
    other_tags: tuple[str, ...] = ()

    @property
    def year(self) -> int:
        return self.week_ending.year


def publication_cutoff() -> dt.datetime:
    """The moment from which a date is in the future: ablog's own (midnight after today).

    ablog lists a post whose date is before it and files any other as a draft;
    the archive asks the same question, so its lists and ablog's agree.
    """
    return ablog_blog.TOMORROW


def is_published(issue: Issue, cutoff: dt.datetime | None = None) -> bool:
    """The one rule: an issue is published when its date is before the cutoff."""
    moment = issue.published.astimezone(dt.UTC).replace(tzinfo=None)
    return moment < (cutoff or publication_cutoff())


def issue_order(issue: Issue) -> tuple[dt.date, dt.datetime, str]:
    """Oldest first: by week, then by publication, then by page."""
    return (issue.week_ending, issue.published, issue.docname)


@dataclass
class ArchiveViews:
    """The published issues and what is derived from them, computed once per build."""

    #: Published issues, oldest first.
    issues: list[Issue]
    #: Issues read but not published (drafts, or dated in the future).
    drafts: dict[str, Issue]
    owners: dict[int, str]
    by_docname: dict[str, Issue] = field(init=False)
    neighbours: dict[str, tuple[Issue | None, Issue | None]] = field(init=False)
    by_year: dict[int, list[Issue]] = field(init=False)
    by_kep: dict[int, list[Issue]] = field(init=False)
    by_group: dict[str, list[Issue]] = field(init=False)
    #: Each issue's groups: those it names and those that own a KEP it mentions.
    groups_of: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_docname = {i.docname: i for i in self.issues}
        self.neighbours = {}
        for n, issue in enumerate(self.issues):
            previous = self.issues[n - 1] if n > 0 else None
            following = self.issues[n + 1] if n + 1 < len(self.issues) else None
            self.neighbours[issue.docname] = (previous, following)
        self.by_year = defaultdict(list)
        self.by_kep = defaultdict(list)
        self.by_group = defaultdict(list)
        self.groups_of = {}
        for issue in self.issues:
            self.by_year[issue.year].append(issue)
            for number in issue.keps:
                self.by_kep[number].append(issue)
            owned = {self.owners.get(n, "") for n in issue.keps} - {""}
            groups = tuple(sorted(owned.union(issue.groups)))
            self.groups_of[issue.docname] = groups
            for slug in groups:
                self.by_group[slug].append(issue)

    def is_issue(self, docname: str) -> bool:
        """True for a published issue's page."""
        return docname in self.by_docname

    def latest(self, count: int) -> list[Issue]:
        """The ``count`` newest issues by publication, oldest first."""
        return sorted(self.issues, key=lambda i: (i.published, i.docname))[-count:]


def build_views(
    issues: Iterable[Issue],
    owner_of: Callable[[int], str],
    cutoff: dt.datetime | None = None,
) -> ArchiveViews:
    """Split the recorded issues into published and drafts, and derive every view."""
    cutoff = cutoff or publication_cutoff()
    published, drafts = [], {}
    for issue in issues:
        if is_published(issue, cutoff):
            published.append(issue)
        else:
            drafts[issue.docname] = issue
    published.sort(key=issue_order)
    keps = {n for issue in published for n in issue.keps}
    owners = {n: owner for n in keps if (owner := owner_of(n))}
    return ArchiveViews(issues=published, drafts=drafts, owners=owners)
