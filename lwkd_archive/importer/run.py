"""Importing a whole LWKD checkout: read every post, convert it, write the archive's pages."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lwkd_archive.files import write_atomically
from lwkd_archive.importer.convert import Context, convert_body, heading_anchors
from lwkd_archive.importer.findings import Finding, PostError
from lwkd_archive.importer.jekyll import (
    SourcePost,
    canonical_title,
    jekyll_date,
    read_post,
    week_ending_of,
)
from lwkd_archive.importer.writer import read_manifest, remove_stale, write_manifest

MEDIA = "_media"


@dataclass
class Issue:
    """A post on its way to becoming a page."""

    post: SourcePost
    #: The title as the front matter gave it ('' when it gave none that is text).
    raw_title: str
    week_ending: dt.date
    published: dt.datetime
    old_path: str
    title: str
    page: str  # path of the page inside the output folder, e.g. 2022/2022-02-06.md


@dataclass
class Summary:
    imported: int = 0
    written: int = 0
    removed: int = 0
    failed: int = 0
    skipped: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def warned(self) -> int:
        return sum(not f.error for f in self.findings)

    def line(self) -> str:
        skipped = f", skipped {self.skipped} unpublished" if self.skipped else ""
        return f"imported {self.imported}, warned {self.warned}, failed {self.failed}{skipped}"


def _source_title(post: SourcePost) -> str:
    """The front matter's title as text; a list or mapping is no title (reported)."""
    value = post.front.get("title")
    if isinstance(value, list | dict):
        post.warn(
            post.key_line("title"),
            "the title is a YAML list or mapping, not text (quote it); "
            "the title is made from the week ending date",
        )
        return ""
    title = str(value if value is not None else "").strip()
    if not title and "title" not in post.front:
        post.warn(1, "no title; the title is made from the week ending date")
    elif not title:
        post.warn(
            post.key_line("title"),
            "the title is empty; the title is made from the week ending date",
        )
    return title


def _prepare(post: SourcePost) -> Issue:
    """Dates, week and title of a post, by the rules in the README (each deviation warned)."""
    raw_title = _source_title(post)
    week_ending = week_ending_of(post, raw_title)
    if "date" in post.front and post.front["date"] is not None:
        published, note = jekyll_date(post.front["date"])
        if published is None:
            published = dt.datetime.combine(post.file_date, dt.time(), dt.UTC)
            note = f"{note}; the file name's date, {post.file_date}, is used"
        if note:
            post.warn(post.key_line("date"), note)
    else:
        published = dt.datetime.combine(post.file_date, dt.time(), dt.UTC)
        post.warn(
            1, f"no date in the front matter; Jekyll uses the file name's date, {post.file_date}"
        )
    if published.date() < week_ending:
        post.warn(
            post.key_line("date"),
            f"published {published:%Y-%m-%d}, before the week it covers ends ({week_ending}); "
            "kept, since lwkd.info serves the issue at that date",
        )
    title = canonical_title(week_ending, raw_title)
    if raw_title and raw_title != title:
        post.warn(
            post.key_line("title"),
            f"title {raw_title!r} does not match the week; written as {title!r}",
        )
    slug = str(post.front.get("slug") or "")
    if slug and slug != post.path.stem:
        post.warn(
            post.key_line("slug"),
            f"slug {slug!r} differs from the file name; the file name is used",
        )
    return Issue(
        post=post,
        raw_title=raw_title,
        week_ending=week_ending,
        published=published,
        old_path=f"/{published:%Y}/{published:%Y%m%d}",
        title=title,
        page=f"{week_ending:%Y}/{week_ending.isoformat()}.md",
    )


def _front_matter(issue: Issue) -> str:
    lines = [
        "---",
        "blogpost: true",
        f"date: {issue.published:%Y-%m-%d %H:%M}",
        f"week_ending: {issue.week_ending.isoformat()}",
        f"lwkd_source: {issue.post.source}",
        f"lwkd_url: {issue.old_path}",
    ]
    if issue.raw_title and issue.raw_title != issue.title:
        # A JSON string is a YAML double-quoted string: quotes, backslashes and line breaks kept.
        lines.append(f"lwkd_title: {json.dumps(issue.raw_title, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _posts_in(repo: Path) -> list[Path]:
    posts = repo / "_posts"
    return sorted(p for p in posts.rglob("*") if p.is_file() and not p.name.startswith("."))


def import_archive(
    repo: Path,
    out: Path,
    add_roles: Callable[[str, int], tuple[str, list[tuple[int, str]]]] | None = None,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda items: items,
) -> Summary:
    """Import every post of an LWKD checkout into ``out``; one bad post never stops the others."""
    summary = Summary()
    issues: list[Issue] = []
    for path in progress(_posts_in(repo)):
        source = path.relative_to(repo).as_posix()
        try:
            post = read_post(path, source)
        except PostError as exc:
            summary.findings.append(exc.finding)
            summary.failed += 1
            continue
        if str(post.front.get("published", "true")).strip().lower() == "false":
            # Jekyll does not publish it, so lwkd.info never showed it.
            post.warn(
                post.key_line("published"),
                "published: false; not imported, as Jekyll does not publish it",
            )
            summary.findings.extend(post.findings)
            summary.skipped += 1
            continue
        issues.append(_prepare(post))

    # Two posts for one week: the later file gets its own page.
    seen: dict[str, Issue] = {}
    for issue in sorted(issues, key=lambda i: i.post.source):
        base, n = issue.page, 2
        while issue.page in seen:
            issue.page = base.replace(".md", f"-{n}.md")
            n += 1
        if issue.page != base:
            issue.post.warn(
                1,
                f"another post covers the week ending {issue.week_ending}; written as {issue.page}",
            )
        seen[issue.page] = issue

    paths: dict[str, Issue] = {}
    for issue in issues:
        paths.setdefault(issue.old_path, issue)
    for issue in issues:
        for day in (issue.post.file_date, issue.week_ending):
            paths.setdefault(f"/{day:%Y}/{day:%Y%m%d}", issue)
    anchors_of = {issue.page: heading_anchors(issue.post.body) for issue in issues}
    anchors = {old: anchors_of[issue.page] for old, issue in paths.items()}

    written: set[str] = set()
    for issue in issues:
        post = issue.post
        page_dir = posixpath.dirname(issue.page)

        def image_path(src: str, issue: Issue = issue, page_dir: str = page_dir) -> str:
            ref = src if src.startswith("/") else posixpath.normpath(f"/{issue.published:%Y}/{src}")
            found = repo / ref.lstrip("/").split("?")[0].split("#")[0]
            if not found.is_file() or ".." in Path(ref).parts:
                return ""
            target = f"{MEDIA}{ref.split('?')[0].split('#')[0]}"
            data = found.read_bytes()
            if write_atomically(out / target, data):
                summary.written += 1
            written.add(target)
            return posixpath.relpath(target, page_dir)

        context = Context(
            issue_path=lambda old, page_dir=page_dir: (
                posixpath.relpath(paths[old].page, page_dir) if old in paths else None
            ),
            issue_anchors=anchors,
            image_path=image_path,
            add_roles=(lambda text, year=issue.week_ending.year: add_roles(text, year))
            if add_roles
            else (lambda text: (text, [])),
        )
        converted = convert_body(post.body, context)
        for line, message in converted.notes:
            post.warn(post.body_line + line - 1, message)
        page = _front_matter(issue) + f"\n# {issue.title}\n\n" + converted.text.strip("\n") + "\n"
        if write_atomically(out / issue.page, page.encode("utf-8")):
            summary.written += 1
        written.add(issue.page)
        summary.imported += 1
        summary.findings.extend(sorted(post.findings, key=lambda f: (f.line, f.message)))

    previous = read_manifest(out)
    summary.removed = len(remove_stale(out, previous, written))
    write_manifest(out, written)
    return summary


def report(summary: Summary, stream=None) -> None:
    stream = stream or sys.stderr
    for finding in sorted(summary.findings, key=lambda f: (f.path, f.line)):
        print(finding, file=stream)
