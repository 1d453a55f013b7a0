"""``python -m lwkd_archive new``: next week's issue, with LWKD's standing sections."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from lwkd_archive.facts.issues import SUNDAY, coming_sunday, old_address, week_title
from lwkd_archive.importer.command import project_root

#: Days from the week's end to publication (LWKD comes out mid-week).
PUBLISHED_AFTER = 3

#: LWKD's standing sections, with a hint each on the roles that fit (MyST comments, not shown).
SECTIONS = [
    (
        "Developer News",
        "Project news. Name groups with {sig}`SIG Node <node>`, KEPs with {kep}`3136`.",
    ),
    ("Release Schedule", "**Next Deadline: ...**, then the release team's news."),
    ("Featured PRs", "### {pr}`123456`: what it does -- then why it matters."),
    (
        "KEP of the Week",
        "### {kep}`KEP-3136: Beta APIs off by default <3136>` -- what it proposes, who owns it.",
    ),
    (
        "Other Merges",
        "* One line per merge, linked: {pr}`123456` or {pr}`kubernetes/enhancements#3137`.",
    ),
    ("Promotions", "* Features that changed stage, e.g. {kep}`3136` to GA."),
    ("Deprecated", "* What is going away, with its {pr}`123456`."),
    ("Version Updates", "* Dependency bumps, e.g. golang to 1.x: {pr}`123456`."),
    (
        "Subprojects and Dependency Updates",
        "* Releases of subprojects and dependencies, with links.",
    ),
    ("Shoutouts", "* Thanks to contributors, with links to their work."),
]


def issue_page(week_ending: dt.date) -> str:
    """The MyST page of a new issue: front matter, title, standing sections with hints."""
    published = week_ending + dt.timedelta(days=PUBLISHED_AFTER)
    lines = [
        "---",
        "blogpost: true",
        f"date: {published.isoformat()} 06:00",
        f"week_ending: {week_ending.isoformat()}",
        f"lwkd_source: _posts/{week_ending.isoformat()}-update.md",
        f"lwkd_url: {old_address(published)}",
        "---",
        "",
        f"# {week_title(week_ending)}",
        "",
        "% Write each section, delete the ones with nothing this week, then run `make check`.",
    ]
    for heading, hint in SECTIONS:
        lines += ["", f"## {heading}", "", f"% {hint}"]
    return "\n".join(lines) + "\n"


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "new",
        help="start next week's issue",
        description="Write next week's issue with LWKD's standing sections (the coming Sunday by default).",
    )
    parser.add_argument(
        "--week-ending",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the Sunday the issue covers",
    )
    parser.add_argument("--out", type=Path, help="folder for the page (default: source/issues)")
    return parser


def run(args: argparse.Namespace, today: dt.date | None = None) -> int:
    week_ending = args.week_ending or coming_sunday(today or dt.datetime.now(dt.UTC).date())
    if week_ending.weekday() != SUNDAY:
        print(
            f"error: {week_ending} is a {week_ending:%A}; an issue covers the week ending on a Sunday",
            file=sys.stderr,
        )
        return 2
    out = args.out or project_root() / "source" / "issues"
    path = out / f"{week_ending.isoformat()}.md"
    if path.exists():
        print(
            f"error: {path} already exists; edit it, or give another --week-ending", file=sys.stderr
        )
        return 1
    out.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(issue_page(week_ending))
    print(f"wrote {path}: {week_title(week_ending)}", file=sys.stderr)
    return 0
