"""``lwkd-archive new``: next week's issue, as an archive page or as LWKD's own Jekyll post."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import stat
import sys
from pathlib import Path

from lwkd_archive.facts.dates import MONTH_NAMES
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


#: LWKD's ``template.md`` (kubernetes-sigs/lwkd, August 2026), which its ``new_edition.sh``
#: copies into ``_posts/``; used when the checkout has no template.md of its own.
LWKD_TEMPLATE = """\
---
layout: post
title: Week Ending Month DD, YYYY
date: POST_DATE 22:00:00 -0000
slug: POST_SLUG_DATE-update
---

## Developer News


### Election Update

### Contributor Blog

## Release Schedule

**Next Deadline:**


## Featured PRs


## KEP of the Week


## Other Merges

*

## Promotions

*

## Deprecated

*

## Version Updates

*

## Subprojects and Dependency Updates

*

## Shoutouts

* No shoutouts this week. Want to thank someone for special efforts to improve Kubernetes? \
Tag them in the #shoutouts channel."""

#: A template.md larger than this is not LWKD's (its own is under 1 KB).
MAX_TEMPLATE_BYTES = 64_000


def jekyll_post(week_ending: dt.date, template: str = LWKD_TEMPLATE) -> str:
    """The week's post as ``new_edition.sh`` writes it: the template with its placeholders set.

    As the script does: ``POST_SLUG_DATE`` and ``POST_DATE`` become the Sunday, ``Month DD,
    YYYY`` its ``%B %d, %Y`` (``August 02, 2026``); the editor sets the publication time later
    (LWKD's pre-commit.sh does, on commit).
    """
    sunday = week_ending.isoformat()
    return (
        template.replace("POST_SLUG_DATE", sunday)
        .replace("POST_DATE", sunday)
        .replace("Month DD, YYYY", f"{MONTH_NAMES[week_ending.month - 1]} {week_ending:%d, %Y}")
    )


def read_template(path: Path) -> str | None:
    """The checkout's own template.md, or None when it has none.

    Read as LWKD's script reads it, but only as a regular file of bounded size, never through
    a symbolic link (it could lead out of the checkout); raises OSError saying what is wrong.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError("a symbolic link, not read (it may lead out of the checkout)") from None
        raise OSError(exc.strerror or str(exc)) from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError("not a regular file")
        data = handle.read(MAX_TEMPLATE_BYTES + 1)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise OSError(f"over {MAX_TEMPLATE_BYTES // 1000} KB; LWKD's template is under 1 KB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OSError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "new",
        help="start next week's issue",
        description="Write next week's issue with LWKD's standing sections (the coming Sunday by "
        "default): an archive page in source/issues, or with --jekyll a post in LWKD's own "
        "repository, _posts/YYYY-MM-DD-update.md, from its template.md as new_edition.sh does. "
        "Never overwrites a file.",
    )
    parser.add_argument(
        "--week-ending",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="the Sunday the issue covers",
    )
    parser.add_argument("--out", type=Path, help="folder for the page (default: source/issues)")
    parser.add_argument(
        "--jekyll",
        action="store_true",
        help="write LWKD's Jekyll post instead (run in a checkout of kubernetes-sigs/lwkd)",
    )
    parser.add_argument(
        "--posts-dir",
        type=Path,
        metavar="DIR",
        help="with --jekyll: the folder of posts (default: _posts in the current folder)",
    )
    return parser


def run(args: argparse.Namespace, today: dt.date | None = None) -> int:
    week_ending = args.week_ending or coming_sunday(today or dt.datetime.now(dt.UTC).date())
    if week_ending.weekday() != SUNDAY:
        print(
            f"error: {week_ending} is a {week_ending:%A}; an issue covers the week ending on a Sunday",
            file=sys.stderr,
        )
        return 2
    if (args.out if args.jekyll else args.posts_dir) is not None:
        print("error: --out is for the archive's page, --posts-dir for --jekyll", file=sys.stderr)
        return 2
    if args.jekyll:
        return write_jekyll_post(week_ending, args.posts_dir)
    out = args.out or project_root() / "source" / "issues"
    path = out / f"{week_ending.isoformat()}.md"
    if path.exists() or path.is_symlink():
        say_exists(path)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    return write_new(path, issue_page(week_ending), week_title(week_ending))


def write_jekyll_post(week_ending: dt.date, posts_dir: Path | None) -> int:
    """Write ``_posts/YYYY-MM-DD-update.md`` from the checkout's template.md (or LWKD's)."""
    if posts_dir is None:
        posts_dir = Path("_posts")
        if not posts_dir.is_dir():
            print(
                "error: no _posts folder here: run in a checkout of kubernetes-sigs/lwkd, "
                "or give --posts-dir",
                file=sys.stderr,
            )
            return 2
    template_path = posts_dir.parent / "template.md"
    try:
        template, origin = read_template(template_path), str(template_path)
    except OSError as exc:
        print(f"error: cannot read {template_path}: {exc}; fix or remove it", file=sys.stderr)
        return 2
    if template is None:
        template, origin = LWKD_TEMPLATE, "LWKD's template"
    # Jekyll publishes every YYYY-MM-DD-*.md: a second post of the day would be a second issue.
    same_day = sorted(posts_dir.glob(f"{week_ending.isoformat()}-*.md"))
    if same_day:
        say_exists(same_day[0])
        return 1
    posts_dir.mkdir(parents=True, exist_ok=True)
    path = posts_dir / f"{week_ending.isoformat()}-update.md"
    post = jekyll_post(week_ending, template)
    return write_new(path, post, f"{week_title(week_ending)}, from {origin}")


def say_exists(path: Path) -> None:
    """The week's file is already there (an editor's draft): say so, and what to do."""
    print(f"error: {path} already exists; edit it, or give another --week-ending", file=sys.stderr)


def write_new(path: Path, text: str, what: str) -> int:
    """Write a file that must not exist yet ("x": never overwrite, even in a race)."""
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        say_exists(path)
        return 1
    print(f"wrote {path}: {what}", file=sys.stderr)
    return 0
