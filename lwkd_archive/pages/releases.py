"""A page per Kubernetes release and a release index, and each issue's place in a release cycle.

The release facts (``releases.json``, compiled by the importer from kubernetes/sig-release)
give each cycle's dates; kep.yaml milestones give the KEPs that reach a stage in it. A
release page shows the cycle's dates, whether it shipped by the build's day, the KEPs that
reached (or plan to reach) alpha, beta and stable in it, and the issues LWKD published
during the cycle. A release that kep.yaml targets but sig-release has no schedule for yet
has a page too, listing what is planned. Pages are generated like the KEP pages: written
only when what they show changed.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lwkd_archive.facts.dates import human_date
from lwkd_archive.facts.releases import Release, cycle_of, parse_releases, version_of
from lwkd_archive.pages.charts import stage_chart
from lwkd_archive.pages.generated import changed_pages
from lwkd_archive.reading.domain import ArchiveDomain
from lwkd_archive.reading.issues import publication_cutoff
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from lwkd_archive.facts.keps import KepFacts
    from lwkd_archive.reading.issues import Issue

RELEASE_INDEX = "releases/index"
#: A KEP's stages, in the order a KEP reaches them.
STAGES = ("alpha", "beta", "stable")
#: How far past the newest scheduled release a kep.yaml milestone may point and still get
#: a page: a cycle is about four months, so two years of plans. Further (``v1.330``, a
#: typo) is no release anyone plans yet.
MAX_RELEASES_AHEAD = 8
#: The sig-release file a schedule was read from, as releases.json records it.
SCHEDULE_SOURCE_RE = re.compile(r"^releases/release-\d{1,3}\.\d{1,3}/README\.md$", re.ASCII)
SCHEDULE_URL = "https://github.com/kubernetes/sig-release/blob/master/"
#: The dates of a cycle, in order, as a page names them.
CYCLE_DATES = (
    ("cycle_start", "cycle begins"),
    ("enhancements_freeze", "enhancements freeze"),
    ("code_freeze", "code freeze"),
    ("release", "release"),
)


def release_pagename(version: str) -> str:
    return f"releases/{version}"


def version_key(version: str) -> tuple[int, int]:
    """``"1.33"`` as ``(1, 33)``, to sort and compare releases."""
    major, minor = version.split(".")
    return int(major), int(minor)


def build_today() -> dt.date:
    """The build's day: the day before the publication cutoff, as ablog and the issues count."""
    return (publication_cutoff() - dt.timedelta(days=1)).date()


# -- the facts, read once per build ------------------------------------------------

_FACTS: weakref.WeakKeyDictionary[BuildEnvironment, tuple[tuple, dict[str, Release]]] = (
    weakref.WeakKeyDictionary()
)


def _stamp(path: str) -> tuple:
    try:
        stat = Path(path).stat()
    except OSError:
        return (path, None)
    return (path, stat.st_mtime_ns, stat.st_size)


def release_facts(env: BuildEnvironment) -> dict[str, Release]:
    """The scheduled releases by version ("1.33"), from ``lwkd_release_facts``; {} without it.

    Read once per build (again only when the file changed): every page and ``api/`` ask.
    A damaged file is reported once, as ``lwkd.facts``, and the build goes on without
    release pages or cycle lines.
    """
    path = env.config.lwkd_release_facts
    if not path:
        return {}
    stamp = _stamp(path)
    cached = _FACTS.get(env)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        releases = parse_releases(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, TypeError) as exc:
        warn(
            ArchiveWarning.FACTS,
            f"cannot read release facts from {path}: {exc}: run `python -m lwkd_archive import` "
            "with --sig-release again, or set lwkd_release_facts to ''",
        )
        releases = {}
    _FACTS[env] = (stamp, releases)
    return releases


def read_release_facts(app: Sphinx, env: BuildEnvironment) -> None:
    """Read the release facts once the sources are read, before any page is written, so a
    parallel build's writers share them (and a damaged file is reported once)."""
    release_facts(env)


# -- what a release holds -----------------------------------------------------------


def stage_reached(kep: KepFacts, stage: str) -> bool:
    """The interface's rule: a stage is reached when its version is at or before the KEP's
    latest milestone and the stage is at or before the KEP's stage; else it is planned."""
    version = version_of(kep.milestones.get(stage, ""))
    latest = version_of(kep.latest_milestone)
    if version is None or latest is None or stage not in STAGES or kep.stage not in STAGES:
        return False
    in_time = version_key(version) <= version_key(latest)
    return in_time and STAGES.index(stage) <= STAGES.index(kep.stage)


@dataclass
class ReleaseView:
    """One release as its page, the index and ``api/releases.json`` show it."""

    version: str
    #: Its schedule; None when sig-release has none yet (a release kep.yaml plans for).
    schedule: Release | None
    #: Shipped by the build's day.
    released: bool
    #: Per stage, the KEPs whose milestone for it is this release: (number, reached).
    #: A KEP reaches a stage in a release only once the release shipped.
    keps: dict[str, list[tuple[int, bool]]] = field(default_factory=dict)
    #: The issues whose week ended during the cycle, oldest first, with the week of the cycle.
    issues: list[tuple[Issue, int]] = field(default_factory=list)

    def numbers(self, stage: str, *, reached: bool) -> list[int]:
        return [n for n, done in self.keps.get(stage, ()) if done is reached]


def release_views(env: BuildEnvironment, today: dt.date | None = None) -> list[ReleaseView]:
    """Every release with a page, oldest first: those sig-release schedules, and those newer
    that a kep.yaml milestone names. Empty without release facts."""
    scheduled = release_facts(env)
    if not scheduled:
        return []
    today = today or build_today()
    domain: ArchiveDomain = env.domains["lwkd"]
    newest = max(version_key(v) for v in scheduled)
    targeted: dict[str, dict[str, list[tuple[int, bool]]]] = {}
    for number, kep in sorted(domain.kep_facts.items()):
        for stage in STAGES:
            version = version_of(kep.milestones.get(stage, ""))
            if version is None:
                continue
            key = version_key(version)
            ahead = key[0] == newest[0] and newest[1] < key[1] <= newest[1] + MAX_RELEASES_AHEAD
            if version in scheduled or ahead:
                stages = targeted.setdefault(version, {})
                stages.setdefault(stage, []).append((number, stage_reached(kep, stage)))
    views = {}
    # A release sig-release gives no release day for (1.3, 1.5) shipped when a later one did.
    last_shipped = max(
        (version_key(v) for v, r in scheduled.items() if r.release and r.release <= today),
        default=None,
    )
    for version in sorted(set(scheduled) | set(targeted), key=version_key):
        schedule = scheduled.get(version)
        if schedule is None:
            shipped = False
        elif schedule.release is not None:
            shipped = schedule.release <= today
        else:
            shipped = last_shipped is not None and version_key(version) < last_shipped
        stages = targeted.get(version, {})
        views[version] = ReleaseView(
            version=version,
            schedule=schedule,
            released=shipped,
            keps={s: [(n, done and shipped) for n, done in stages.get(s, [])] for s in STAGES},
        )
    for issue in domain.views.issues:
        found = cycle_of(scheduled, issue.week_ending)
        if found is not None and found[0].version in views:
            views[found[0].version].issues.append((issue, found[1]))
    return list(views.values())


# -- pages ------------------------------------------------------------------------


def _kep_row(domain: ArchiveDomain, number: int) -> dict[str, Any]:
    owning = domain.owning_group(number)
    group = domain.group(owning) if owning else None
    return {
        "number": number,
        "title": domain.kep_title(number),
        # Only a KEP LWKD mentioned has a page of the archive.
        "has_page": number in domain.views.by_kep,
        "owning_sig_name": group.name if group else owning,
    }


def _schedule_context(view: ReleaseView) -> dict[str, Any]:
    schedule = view.schedule
    dates = []
    for name, label in CYCLE_DATES:
        day = getattr(schedule, name) if schedule else None
        dates.append(
            {"label": label, "date": day.isoformat() if day else "",
             "text": human_date(day) if day else ""}
        )  # fmt: skip
    source = schedule.source if schedule else ""
    release_day = schedule.release if schedule else None
    return {
        "version": view.version,
        "scheduled": schedule is not None,
        "proposed": bool(schedule and schedule.proposed),
        "released": view.released,
        "release_text": human_date(release_day) if release_day else "",
        "dates": dates,
        "schedule_url": SCHEDULE_URL + source if SCHEDULE_SOURCE_RE.match(source) else "",
    }


def _stage_counts(view: ReleaseView) -> dict[str, Any]:
    counts: dict[str, Any] = {s: len(view.numbers(s, reached=True)) for s in STAGES}
    counts["planned"] = {s: len(view.numbers(s, reached=False)) for s in STAGES}
    return {"version": view.version, "released": view.released, **counts}


def build_pages(app: Sphinx, today: dt.date | None = None) -> list[tuple[str, dict[str, Any], str]]:
    """Every release page with its context, and the index (which says when there are none)."""
    domain: ArchiveDomain = app.env.domains["lwkd"]
    views = release_views(app.env, today)
    pages = []
    rows = []
    for n, view in enumerate(views):
        release = _schedule_context(view)
        stages = [
            {
                "stage": stage,
                "reached": [_kep_row(domain, k) for k in view.numbers(stage, reached=True)],
                "planned": [_kep_row(domain, k) for k in view.numbers(stage, reached=False)],
            }
            for stage in STAGES
        ]
        issues = [
            {"docname": i.docname, "title": i.title, "week_ending": i.week_ending.isoformat(),
             "week": week}
            for i, week in view.issues
        ]  # fmt: skip
        neighbours = {
            "prev": views[n - 1].version if n > 0 else "",
            "next": views[n + 1].version if n + 1 < len(views) else "",
        }
        pages.append(
            (
                release_pagename(view.version),
                {
                    "title": f"Kubernetes v{view.version}",
                    "release": release,
                    "stages": stages,
                    "issues": issues,
                    "neighbours": neighbours,
                },
                "lwkd/release.html",
            )
        )
        major, minor = version_key(view.version)
        # The table sorts by number: 1.9 before 1.10.
        order = major * 1000 + minor
        rows.append({**release, **_stage_counts(view), "issue_count": len(issues), "order": order})
    pages.append(
        (
            RELEASE_INDEX,
            {
                "title": "Kubernetes releases",
                "releases": list(reversed(rows)),
                # For a chart of KEPs per stage per release, oldest first.
                "stage_counts": [_stage_counts(v) for v in views],
                "stage_chart": stage_chart(
                    [c for v in views if (c := _stage_counts(v))["released"]]
                ),
            },
            "lwkd/release_index.html",
        )
    )
    return pages


def generate_release_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Yield the release pages and index whose content changed since the last build."""
    if app.builder.format == "html":
        yield from changed_pages(app, "releases", build_pages(app))


# -- an issue's place in its cycle ---------------------------------------------------


def issue_cycle(releases: dict[str, Release], issue: Issue) -> dict[str, Any] | None:
    """The cycle an issue's week ended in, its week of the cycle, and the cycle's next date
    after that week (enhancements freeze, code freeze or the release); None outside any."""
    found = cycle_of(releases, issue.week_ending)
    if found is None:
        return _between_cycles(releases, issue)
    release, week = found
    upcoming = None
    for name, label in CYCLE_DATES[1:]:
        day = getattr(release, name)
        if day is not None and day > issue.week_ending:
            upcoming = {
                "label": label,
                "date": day.isoformat(),
                "text": human_date(day, year=day.year != issue.week_ending.year),
            }
            break
    return {"version": release.version, "week": week, "next": upcoming}


def _between_cycles(releases: dict[str, Release], issue: Issue) -> dict[str, Any] | None:
    """An issue of the weeks between a release and the next cycle's first day ("the time
    between releases"): the release before, and the cycle to come with its first day."""
    day = issue.week_ending
    ordered = sorted(releases.values(), key=lambda r: r.key)
    before = [r for r in ordered if r.release is not None and r.release < day]
    after = [r for r in ordered if r.cycle_start is not None and r.cycle_start > day]
    if not before or not after:
        return None
    coming = after[0]
    return {
        "version": coming.version,
        "week": None,
        "after": before[-1].version,
        "next": {
            "label": f"v{coming.version} cycle begins",
            "date": coming.cycle_start.isoformat(),
            "text": human_date(coming.cycle_start, year=coming.cycle_start.year != day.year),
        },
    }


def add_issue_cycle(app: Sphinx, pagename: str, issue: Issue, context: dict[str, Any]) -> None:
    """Give an issue page ``lwkd_cycle``: its release cycle and week, linked to the release."""
    cycle = issue_cycle(release_facts(app.env), issue)
    if cycle is not None:
        cycle["url"] = app.builder.get_relative_uri(pagename, release_pagename(cycle["version"]))
        context["lwkd_cycle"] = cycle


# -- api/releases.json ----------------------------------------------------------------


def api_releases(app: Sphinx) -> list[dict[str, Any]]:
    """One object per release for ``api/releases.json``, oldest first."""

    def url(pagename: str) -> str:
        return app.builder.get_target_uri(pagename)

    rows = []
    for view in release_views(app.env):
        schedule = view.schedule
        dates = {
            name: (d.isoformat() if (d := getattr(schedule, name, None)) else None)
            for name, _ in CYCLE_DATES
        }
        rows.append(
            {
                "version": view.version,
                **dates,
                "released": view.released,
                "scheduled": schedule is not None,
                "proposed": bool(schedule and schedule.proposed),
                "url": url(release_pagename(view.version)),
                "keps": {s: view.numbers(s, reached=True) for s in STAGES},
                "planned_keps": {s: view.numbers(s, reached=False) for s in STAGES},
                "issues": [url(i.docname) for i, _ in view.issues],
            }
        )
    return rows


def kep_issue_cycles(app: Sphinx, issues: list[Issue]) -> list[dict[str, Any]]:
    """Per issue that mentions a KEP, its url, cycle ("1.33" or None) and week of the cycle."""
    releases = release_facts(app.env)
    rows = []
    for issue in issues:
        found = cycle_of(releases, issue.week_ending) if releases else None
        rows.append(
            {
                "url": app.builder.get_target_uri(issue.docname),
                "cycle": found[0].version if found else None,
                "week": found[1] if found else None,
            }
        )
    return rows
