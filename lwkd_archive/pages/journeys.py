"""What the charts of KEP and group pages show, from the archive's issues and facts.

:mod:`lwkd_archive.pages.charts` draws; this module gathers, for a KEP page, its
stages (reached or planned, by the release pages' rule) and a mark per mention at its
issue's week, and for a group page its issues and KEPs that moved per release cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lwkd_archive.facts.releases import cycle_of, version_of
from lwkd_archive.pages.charts import (
    STAGES,
    Mark,
    ReleaseLike,
    Stage,
    kep_journey,
    sig_activity,
    version_key_or_zero,
)
from lwkd_archive.pages.releases import build_today, release_facts, stage_reached

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def build_stages(facts: Any, releases: Mapping[str, ReleaseLike], today: dt.date) -> list[Stage]:
    """A KEP's alpha, beta and stable milestones, each reached or planned.

    Reached by the release pages' rule (``pages.releases.stage_reached``), and only once
    its release shipped by the build's day, so a KEP page and its release page agree.
    """
    if facts is None:
        return []
    found = []
    for name in STAGES:
        version = version_of(facts.milestones.get(name, ""))
        if version is None:
            continue
        release = releases.get(version)
        shipped = bool(release and release.release and release.release <= today)
        found.append(Stage(name, version, stage_reached(facts, name) and shipped))
    return found


def chart_context(app: Sphinx, pagename: str, context: dict[str, Any]) -> None:
    """Add the chart of a KEP page (``kep_journey``) or of a group page (``sig_activity``).

    For ``pages.topics.build_pages``, with each page's context before it is fingerprinted,
    so a chart that changes rewrites its page. Nothing is added without release facts.
    """
    releases = release_facts(app.env)
    if not releases:
        return
    domain = app.env.domains["lwkd"]
    views = domain.views
    today = build_today()
    uri = app.builder.get_relative_uri

    def cycle(day: dt.date) -> str:
        found = cycle_of(releases, day)
        return found[0].version if found else ""

    if "kep" in context and pagename.startswith("keps/"):
        number = int(context["kep"]["number"])
        marks = []
        for issue in views.by_kep.get(number, ()):
            sections: dict[str, str] = {}
            for mention in domain.mentions_of(issue.docname, "kep", str(number)):
                sections.setdefault(mention.section, mention.anchor)
            page = uri(pagename, issue.docname)
            for section, anchor in sections.items():
                url = f"{page}#{anchor}" if anchor else page
                marks.append(
                    Mark(issue.week_ending, section, url, issue.title, cycle(issue.week_ending))
                )
        stages = build_stages(domain.kep_facts.get(number), releases, today)
        context["kep_journey"] = kep_journey(number, releases, stages, marks)
    elif "sig" in context and pagename.startswith("sigs/"):
        slug = context["sig"]["slug"]
        issues: dict[str, int] = {}
        for issue in views.by_group.get(slug, ()):
            version = cycle(issue.week_ending)
            if version:
                issues[version] = issues.get(version, 0) + 1
        moved: dict[str, int] = {}
        for row in context.get("keps", ()):
            for stage in build_stages(domain.kep_facts.get(row["number"]), releases, today):
                if stage.reached:
                    moved[stage.version] = moved.get(stage.version, 0) + 1
        # From the first cycle LWKD wrote of the group (a KEP that moved before is not
        # LWKD's to show) to the last in which anything happened.
        named = [version_key_or_zero(v) for v in issues]
        active = named + [version_key_or_zero(v) for v in moved if v in releases]
        first = min(named or active or [(0, 0)])
        rows = [
            {"version": v, "issues": issues.get(v, 0), "keps": moved.get(v, 0)}
            for v in sorted(releases, key=version_key_or_zero)
            if active and first <= version_key_or_zero(v) <= max(active)
        ]
        context["sig_activity"] = sig_activity(slug, context["sig"]["name"], rows)
