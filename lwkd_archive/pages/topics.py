"""A page per KEP and per group, and their indexes, regenerated only when what they show changed."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from docutils import nodes

from lwkd_archive.facts.groups import Group, is_group_slug, load_groups
from lwkd_archive.outputs.search import group_tokens, kep_tokens
from lwkd_archive.pages.generated import changed_pages
from lwkd_archive.pages.journeys import chart_context
from lwkd_archive.pages.releases import add_issue_cycle
from lwkd_archive.reading.domain import ArchiveDomain, Mention, kep_pagename, sig_pagename
from lwkd_archive.reading.issues import Issue
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx

KEP_INDEX = "keps/index"
SIG_INDEX = "sigs/index"
#: Sentences shown per issue on a KEP or SIG page; the issue itself has the rest.
SENTENCES_PER_ISSUE = 3


def how_named(how: str) -> tuple[str, str]:
    """How a page says an issue named a KEP or group: words, and the name in code, if any.

    Nothing for the plain ways (its number, a link to it, its name): the sentence shows them.
    """
    if how in {"number", "link", "name", "named", ""}:
        return "", ""
    if how.startswith("feature gate "):
        return "named by its feature gate", how.removeprefix("feature gate ").strip()
    words = {
        "title": "named by its title",
        "link text": "named in the text of a link",
        "list": "named in a list of groups",
        "pull request": "named in a pull request's title",
    }
    return words.get(how, how), ""


def _issue_rows(
    domain: ArchiveDomain,
    issues: list[Issue],
    mentions_in: Callable[[str], list[Mention]],
    *,
    name_keps: bool = False,
) -> list[dict[str, Any]]:
    """Issues that mention a KEP or group, newest first, with sections and sentences.

    ``mentions_in(docname)`` gives what the issue said of the KEP or group;
    ``name_keps``: a group's page says which of its KEPs a sentence is about.
    """
    rows = []
    for issue in issues:
        found = mentions_in(issue.docname)
        quotes: list[dict[str, Any]] = []
        for mention in found:
            quote = {
                "section": mention.section,
                "anchor": mention.anchor,
                "sentence": mention.sentence,
                "kep": int(mention.key) if name_keps and mention.kind == "kep" else None,
                "how": how_named(mention.how),
            }
            if all(
                q["sentence"] != quote["sentence"] or q["anchor"] != quote["anchor"] for q in quotes
            ):
                quotes.append(quote)
        rows.append(
            {
                "docname": issue.docname,
                "title": issue.title,
                "week_ending": issue.week_ending.isoformat(),
                "sections": sorted({m.section for m in found if m.section}),
                "quotes": quotes[:SENTENCES_PER_ISSUE],
            }
        )
    rows.sort(key=lambda r: (r["week_ending"], r["docname"]), reverse=True)
    return rows


#: KEP statuses and stages kep.yaml uses, each with a badge colour of its own (lwkd.css);
#: any other value (kep.yaml is anyone's text) is drawn as ``other``, never as a class.
KEP_STATUSES = frozenset(
    {"provisional", "implementable", "implemented", "deferred", "rejected", "withdrawn", "replaced"}
)
KEP_STAGES = ("alpha", "beta", "stable")


def version_order(version: str) -> int:
    """A release as a number that sorts: ``v1.25`` is 1025; anything else 0 (sorted first)."""
    match = re.fullmatch(r"v?(\d{1,3})\.(\d{1,3})(?:\.\d+)?", version.strip())
    return int(match[1]) * 1000 + int(match[2]) if match else 0


def badge_class(kind: str, value: str) -> str:
    """The badge class of a status or stage: ``status-implemented``, ``stage-beta``, or ``...-other``."""
    known = KEP_STATUSES if kind == "status" else KEP_STAGES
    return f"{kind}-{value if value in known else 'other'}"


def _kep_summary(domain: ArchiveDomain, number: int) -> dict[str, Any]:
    facts = domain.kep_facts.get(number)
    # A group's slug becomes a page's path: anything else is never linked to.
    owning = domain.owning_group(number)
    group = domain.group(owning) if owning else None
    return {
        "number": number,
        # '' when neither kep.yaml nor LWKD gave it a title beside its number.
        "title": domain.kep_title(number),
        "has_facts": facts is not None,
        "owning_sig": owning,
        "owning_sig_name": group.name if group else owning,
        # A participating SIG kep.yaml spells its own way (sig-scheduler, sig-contribex) links
        # to the group it means; one that is no group (TBD, sig-foo) is shown, not linked.
        "participating": [
            {"slug": g.slug if g else "", "name": g.name if g else s}
            for s in (facts.participating_sigs if facts else ())
            for g in [load_groups().resolve(s)]
        ],
        "status": facts.status if facts else "",
        "stage": facts.stage if facts else "",
        "status_class": badge_class("status", facts.status if facts else ""),
        "stage_class": badge_class("stage", facts.stage if facts else ""),
        "latest_milestone": facts.latest_milestone if facts else "",
        "milestones": sorted((facts.milestones if facts else {}).items()),
        # The release of each stage, for the index's columns ('' when kep.yaml has none).
        "milestone": {s: (facts.milestones if facts else {}).get(s, "") for s in KEP_STAGES},
        "milestone_order": {
            s: version_order((facts.milestones if facts else {}).get(s, "")) for s in KEP_STAGES
        },
        "issue_url": facts.issue_url
        if facts
        else f"https://github.com/kubernetes/enhancements/issues/{number}",
        "readme_url": facts.readme_url if facts else "",
    }


def group_mentions_in(domain: ArchiveDomain, docname: str, slug: str) -> list[Mention]:
    """What an issue said of a group: the group named, or a KEP the group owns."""
    owners = domain.views.owners
    return [
        m
        for m in domain.mentions.get(docname, ())
        if (m.kind == "sig" and m.key == slug)
        or (m.kind == "kep" and owners.get(int(m.key)) == slug)
    ]


def group_facts(domain: ArchiveDomain, group: Group | None) -> dict[str, Any]:
    """What a group's page says of it from kubernetes/community's list (empty without it).

    Values are data (checked when groups.json was read): the template escapes
    every one, and links only to the https addresses, GitHub handles and Slack
    channels the facts were checked to be.
    """
    if group is None:
        return {"folder_url": "", "mission": "", "chairs": [], "tech_leads": [], "meetings": [],
                "slack": "", "mailing_list": "", "subprojects": [], "stakeholder_sigs": []}  # fmt: skip
    return {
        "folder_url": group.folder_url,
        "mission": group.mission,
        "chairs": [{"name": n, "github": h} for n, h in group.chairs],
        "tech_leads": [{"name": n, "github": h} for n, h in group.tech_leads],
        "meetings": [
            dict(zip(("description", "day", "time", "tz", "frequency", "url"), m, strict=True))
            for m in group.meetings
        ],
        "slack": group.slack,
        "mailing_list": group.mailing_list,
        "subprojects": list(group.subprojects),
        "stakeholder_sigs": [
            {"slug": s, "name": (g.name if (g := domain.group(s)) else s)}
            for s in group.stakeholder_sigs
            if is_group_slug(s)
        ],
    }


def build_pages(app: Sphinx) -> list[tuple[str, dict[str, Any], str]]:
    """Every KEP and group page with its context, and the two indexes."""
    domain: ArchiveDomain = app.env.domains["lwkd"]
    views = domain.views
    pages = []
    kep_rows = []
    for number in sorted(views.by_kep):
        summary = _kep_summary(domain, number)
        issues = _issue_rows(
            domain, views.by_kep[number], lambda d, n=number: domain.mentions_of(d, "kep", str(n))
        )
        summary["issue_count"] = len(issues)
        kep_rows.append(summary)
        pages.append(
            (
                kep_pagename(number),
                {
                    "title": f"KEP-{number}: {summary['title']}"
                    if summary["title"]
                    else f"KEP-{number}",
                    "kep": summary,
                    "issues": issues,
                    "lwkd_kep_tokens": kep_tokens(number),
                },
                "lwkd/kep.html",
            )
        )
    owned: dict[str, list[dict[str, Any]]] = {}
    for row in kep_rows:
        if row["owning_sig"]:
            owned.setdefault(row["owning_sig"], []).append(row)
    sig_rows = []
    # A group has a page when an issue names it or it owns a KEP that has one: a KEP's
    # participating group without one is named, not linked.
    with_pages = set(views.by_group) | set(owned)
    for row in kep_rows:
        for group in row["participating"]:
            if group["slug"] not in with_pages:
                group["slug"] = ""
    for slug in sorted(set(views.by_group) | set(owned)):
        if not is_group_slug(slug):
            warn(ArchiveWarning.SIG, f"{slug!r} is not a group's slug; no page is made for it")
            continue
        group = domain.group(slug)
        issues = _issue_rows(
            domain,
            views.by_group.get(slug, []),
            lambda d, s=slug: group_mentions_in(domain, d, s),
            name_keps=True,
        )
        renamed = domain.group(group.renamed_to) if group and group.renamed_to else None
        info = {
            "slug": slug,
            "name": group.name if group else slug,
            "kind": group.kind if group else slug.split("-", 1)[0],
            "archived": bool(group and group.archived),
            "renamed_to": {"slug": renamed.slug, "name": renamed.name} if renamed else None,
            "issue_count": len(issues),
            "kep_count": len(owned.get(slug, [])),
        }
        sig_rows.append(info)
        pages.append(
            (
                sig_pagename(slug),
                {
                    "title": info["name"],
                    "sig": {**info, **group_facts(domain, group)},
                    "issues": issues,
                    "keps": owned.get(slug, []),
                    "lwkd_sig_tokens": group_tokens(slug, info["name"]),
                },
                "lwkd/sig.html",
            )
        )
    stages = Counter(r["stage"] for r in kep_rows if r["stage"])
    pages.append(
        (
            KEP_INDEX,
            {
                "title": "KEPs in LWKD",
                "keps": kep_rows,
                "stages": sorted(stages),
                # The SIG filter offers each owning group by name, kept in the address by slug.
                "sig_choices": sorted(
                    {(r["owning_sig"], r["owning_sig_name"]) for r in kep_rows if r["owning_sig"]},
                    key=lambda choice: choice[1].lower(),
                ),
            },
            "lwkd/kep_index.html",
        )
    )
    pages.append(
        (
            SIG_INDEX,
            {"title": "SIGs, working groups and committees", "sigs": sig_rows},
            "lwkd/sig_index.html",
        )
    )
    # The journey of each KEP, the activity of each group, drawn (pages/charts.py).
    for pagename, context, _ in pages:
        chart_context(app, pagename, context)
    return pages


def generate_xref_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Yield the KEP and group pages whose content changed since the last build."""
    if app.builder.format == "html":
        yield from changed_pages(app, "topics", build_pages(app))


def issue_sections(doctree: nodes.Node | None) -> list[tuple[str, str]]:
    """An issue's sections (its h2 headings) as (title, anchor), in page order.

    The sections under the page's title, as the mentions name them
    (``reading/domain.py``): the anchor is the section's first id.
    """
    if doctree is None:
        return []
    page = doctree.next_node(nodes.section)
    if page is None:
        return []
    found = []
    for section in page.children:
        if not isinstance(section, nodes.section) or not section["ids"]:
            continue
        title = section.next_node(nodes.title)
        if title is not None and title.astext().strip():
            found.append((title.astext().strip(), section["ids"][0]))
    return found


def add_issue_topics(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """Give an issue page what it opens with: its KEPs, groups and sections, linked.

    A draft gets its sections only: the pages of the KEPs and groups it names are
    made from published issues, and may not exist yet.
    """
    domain: ArchiveDomain = app.env.domains["lwkd"]
    views = domain.views
    issue = views.by_docname.get(pagename)
    if issue is None and pagename not in views.drafts:
        return
    uri = app.builder.get_relative_uri
    context["lwkd_issue"] = {
        "keps": [(n, domain.kep_title(n), uri(pagename, kep_pagename(n))) for n in issue.keps]
        if issue
        else [],
        "sigs": [
            (s, (g.name if (g := domain.group(s)) else s), uri(pagename, sig_pagename(s)))
            for s in (views.groups_of[pagename] if issue else ())
            # Only a group's slug is a page's path.
            if is_group_slug(s)
        ],
        "sections": issue_sections(doctree if isinstance(doctree, nodes.Node) else None),
    }
    if issue is not None:
        add_issue_cycle(app, pagename, issue, context)
