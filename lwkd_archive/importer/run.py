"""Importing a whole LWKD checkout: read every post, convert it, write the archive's pages.

The checkout is untrusted (anyone whose pull request is merged upstream writes it), so
only files of the repository itself are read: no symbolic link is followed, images are
copied only when they are images, and each post is held to limits that keep the cost
of importing and building it bounded. Everything refused is reported at ``file:line``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import posixpath
import re
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lwkd_archive.facts.issues import old_address
from lwkd_archive.facts.targets import (
    kep_of_pull_request,
    parse_kep_number,
    parse_pr_target,
    split_role_text,
)
from lwkd_archive.files import write_atomically
from lwkd_archive.images import IMAGE_TYPES, image_type
from lwkd_archive.importer.convert import (
    CODE_SPAN_RE,
    FENCE_RE,
    HTML_ALT_RE,
    HTML_IMG_RE,
    HTML_LINK_RE,
    LINK_RE,
    Context,
    SetAside,
    convert_body,
    heading_anchors,
    heading_text,
)
from lwkd_archive.importer.findings import Finding, PostError
from lwkd_archive.importer.jekyll import (
    SourcePost,
    canonical_title,
    jekyll_date,
    link_target,
    printable,
    read_post,
    week_ending_of,
)
from lwkd_archive.importer.references import KIND_WORD_RE
from lwkd_archive.importer.reuse import (
    CACHE,
    BodyConversion,
    ConversionCache,
    importer_fingerprint,
)
from lwkd_archive.importer.writer import Manifest

MEDIA = "_media"
#: Links and images a post may have; the most an issue had so far is 79. Those after
#: are kept as text: a post of 100,000 links took Sphinx over a minute to build.
MAX_LINKS = 2000
#: KEP, SIG and pull-request references a post may make (the most so far: 70).
MAX_REFERENCES = 2000
#: Distinct KEPs a post may mention (the most so far: 26). Each KEP mentioned has a page
#: and a feed: a post naming 1,000 KEPs took Sphinx over a minute and a half to build.
MAX_KEPS = 200
#: Words that name a group beside them (``SIG``, ``WG``, ``committee``) a post may have
#: (the most so far: 17). Finding the names beside each costs time in proportion to the
#: text after it: a post of 40,000 took the reference rules minutes.
MAX_GROUP_WORDS = 200
#: An image larger than this is no newsletter's chart (the largest so far: 244 KB).
MAX_IMAGE_BYTES = 20_000_000
#: Findings listed per post; a post with more has them counted, not listed.
MAX_FINDINGS_PER_POST = 100
#: A value written in front matter as it is: it reads back as this very text.
PLAIN_VALUE_RE = re.compile(r"[A-Za-z0-9._/-]+")
#: Characters YAML refuses in a file or reads as a line break (escaped in quoted values).
YAML_UNSAFE_RE = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
#: A role of the archive as a page's source has it: ``{kep}`KEP-3136 <3136>```.
REFERENCE_RE = re.compile(r"\{(?P<name>kep|sig|pr|mentioned)\}`(?P<body>[^`\n]+)`")


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
    #: Posts whose conversion by the previous import was used again (all its inputs the same).
    reused: int = 0
    findings: list[Finding] = field(default_factory=list)
    #: Warnings counted but not listed (those of a post past :data:`MAX_FINDINGS_PER_POST`).
    unlisted: int = 0
    #: One line per post with unlisted warnings, saying how many.
    notices: list[Finding] = field(default_factory=list)

    @property
    def warned(self) -> int:
        return sum(not f.error for f in self.findings) + self.unlisted

    def add_post_findings(self, post: SourcePost) -> None:
        """A post's warnings in line order; past the limit, counted and summed up in a line."""
        findings = sorted(post.findings, key=lambda f: (f.line, f.message))
        self.findings.extend(findings[:MAX_FINDINGS_PER_POST])
        more = findings[MAX_FINDINGS_PER_POST:]
        if more:
            self.unlisted += len(more)
            self.notices.append(
                Finding(
                    more[0].path,
                    more[0].line,
                    f"{len(more)} more warnings from here on, not listed",
                )
            )

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
        old_path=old_address(published),
        title=title,
        page=f"{week_ending:%Y}/{week_ending.isoformat()}.md",
    )


def _front_matter(issue: Issue) -> str:
    lines = [
        "---",
        "blogpost: true",
        f"date: {issue.published:%Y-%m-%d %H:%M}",
        f"week_ending: {issue.week_ending.isoformat()}",
        f"lwkd_source: {yaml_text(issue.post.source)}",
        f"lwkd_url: {yaml_text(issue.old_path)}",
    ]
    if issue.raw_title and issue.raw_title != issue.title:
        lines.append(f"lwkd_title: {yaml_quoted(issue.raw_title)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


#: The safe loader readers of the front matter use, in libyaml where installed (faster).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_text(value: str) -> str:
    """``value`` as a YAML value that reads back as this very text: plain when it is
    plain (``_posts/2022-02-06-update.md``), else quoted (a file name may hold ``: ``,
    ``#`` or quotes, which would change the front matter)."""
    try:
        plain = PLAIN_VALUE_RE.fullmatch(value) and yaml.load(value, Loader=SAFE_LOADER) == value  # noqa: S506
    except yaml.YAMLError:
        plain = False
    return value if plain else yaml_quoted(value)


def yaml_quoted(value: str) -> str:
    """``value`` as a YAML double-quoted string (a JSON string is one), quotes, backslashes
    and line breaks kept; characters YAML would refuse or break lines at are escaped."""
    return YAML_UNSAFE_RE.sub(
        lambda m: f"\\u{ord(m[0]):04x}", json.dumps(value, ensure_ascii=False)
    )


def _posts_in(repo: Path) -> tuple[list[Path], list[Finding]]:
    """The files of ``_posts/`` and its folders (not hidden ones), and the links refused.

    A link to a folder is not followed (its posts would be read from anywhere); a link
    to a file is listed, and :func:`read_post` refuses it with its own finding.
    """
    posts = repo / "_posts"
    if posts.is_symlink():
        return [], [_link_refused(posts, "_posts/ is a symbolic link", "the folder of posts")]
    found: list[Path] = []
    refused: list[Finding] = []
    for folder, folders, files in os.walk(posts):
        for name in sorted(folders):
            path = Path(folder) / name
            if path.is_symlink():
                refused.append(_link_refused(path, "a symbolic link to a folder", "the folder"))
        found += [Path(folder) / name for name in files if not name.startswith(".")]
    return sorted(found), refused


def _link_refused(path: Path, what: str, instead: str) -> Finding:
    return Finding(
        printable(str(path)),
        0,
        f"{what} (to {link_target(path)}); not read, since the archive reads only files of the LWKD "
        f"repository: replace the link with {instead} itself",
        error=True,
    )


def image_ref(src: str, year: int) -> str | None:
    """The file of the repository an image's source names (``/2022/images/x.png``), as
    lwkd.info serves a relative one from its year's folder; None when it climbs out."""
    ref = src if src.startswith("/") else posixpath.normpath(f"/{year}/{src}")
    ref = ref.split("?")[0].split("#")[0]
    return None if ".." in ref.split("/") else ref


def read_image(root: Path, rel: str) -> tuple[bytes | None, str]:
    """The bytes of image ``rel`` of the repository at ``root`` (resolved), or None and why
    not ('' when there is no such file, which the conversion reports itself)."""
    path = root
    for part in rel.split("/"):
        path = path / part
        try:
            mode = path.lstat().st_mode
        except (OSError, ValueError):
            return None, ""
        if stat.S_ISLNK(mode):
            # Any link, even one that stays inside: a regular file is all an image is.
            return None, "is a symbolic link (images must be files of the LWKD repository)"
    if not stat.S_ISREG(mode):
        return None, ""
    suffix = posixpath.splitext(rel)[1].lower()
    if suffix == ".svg":
        return None, "is SVG, which can hold scripts that would run on the archive's site"
    kind = IMAGE_TYPES.get(suffix)
    if kind is None:
        return None, f"is not a {', '.join(sorted(set(IMAGE_TYPES.values())))} image"
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return None, (
            f"is {size / 1e6:.1f} MB, over the {MAX_IMAGE_BYTES / 1e6:.0f} MB an image may be"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    if image_type(data) != kind:
        return None, f"is named {suffix} but is not a {kind} image"
    return data, ""


def _link_text(match: re.Match[str]) -> str:
    """A Markdown link or image as its text alone (an image inside a link too)."""
    return LINK_RE.sub(_link_text, match["text"])


def _html_link_text(match: re.Match[str]) -> str:
    return match["text"]


def _html_image_text(match: re.Match[str]) -> str:
    alt = HTML_ALT_RE.search(match[0])
    return alt["alt"] if alt else ""


def limit_links(body: str) -> tuple[str, tuple[int, str] | None]:
    """``body`` with the links and images after the :data:`MAX_LINKS`-th kept as text,
    and a note (body line, message) when there were more; code is left as it is."""
    lowered = body.lower()
    if body.count("](") + lowered.count("<a") + lowered.count("<img") <= MAX_LINKS:
        # Every link or image holds one of these: counting them bounds the links cheaply.
        return body, None
    masker = SetAside()
    text = CODE_SPAN_RE.sub(masker.hide, FENCE_RE.sub(masker.hide, body))
    starts = sorted(
        match.start()
        for pattern in (LINK_RE, HTML_LINK_RE, HTML_IMG_RE)
        for match in pattern.finditer(text)
    )
    if len(starts) <= MAX_LINKS:
        return body, None
    cut = starts[MAX_LINKS]
    tail = HTML_LINK_RE.sub(_html_link_text, HTML_IMG_RE.sub(_html_image_text, text[cut:]))
    tail = LINK_RE.sub(_link_text, tail)
    note = (
        text.count("\n", 0, cut) + 1,
        f"{len(starts)} links and images, more than the {MAX_LINKS} a post may have; "
        "those from here on are kept as text",
    )
    return masker.restore(text[:cut] + tail), note


def _blank(match: re.Match[str]) -> str:
    """A match as spaces, its line breaks kept (offsets and lines stay the text's)."""
    return re.sub(r"[^\n]", " ", match[0])


def hide_group_words(text: str) -> tuple[str, SetAside, list[tuple[int, str]]]:
    """``text`` with the group words after the :data:`MAX_GROUP_WORDS`-th set aside, so
    the reference rules leave them as text; the set-aside words, and a note when any.

    Only words the rules read count: none in code (`` `SIG Apps` ``) or fenced blocks."""
    hidden = SetAside()
    prose = CODE_SPAN_RE.sub(_blank, FENCE_RE.sub(_blank, text))
    words = KIND_WORD_RE.finditer(prose)
    past = next(itertools.islice(words, MAX_GROUP_WORDS, None), None)
    if past is None:
        return text, hidden, []
    rest = [past, *words]
    count = MAX_GROUP_WORDS + len(rest)
    cut = past.start()
    pieces, last = [], 0
    for word in rest:
        pieces += [text[last : word.start()], hidden.put(text[word.start() : word.end()])]
        last = word.end()
    text = "".join(pieces) + text[last:]
    note = (
        text.count("\n", 0, cut) + 1,
        f"{count} group words (SIG, WG, UG, committee), more than the {MAX_GROUP_WORDS} a post "
        "may have; the groups named from here on are kept as text",
    )
    return text, hidden, [note]


def _mentioned_kep(name: str, title: str, target: str) -> int | None:
    if name == "kep":
        return parse_kep_number(target)
    if name == "pr":
        parsed = parse_pr_target(target, "kubernetes/kubernetes")
        return kep_of_pull_request(title, *parsed) if parsed and title else None
    if name == "mentioned" and target.lower().startswith("kep-"):
        return parse_kep_number(target[4:])
    return None


def limit_references(text: str) -> tuple[str, list[tuple[int, str]]]:
    """``text`` (with roles) with the references past the limits kept as their text:
    past :data:`MAX_REFERENCES` in all, or naming a KEP past the :data:`MAX_KEPS`-th."""
    if text.count("}`") <= min(MAX_REFERENCES, MAX_KEPS):
        # Every role holds "}`": with no more of them than either limit, none is past it.
        return text, []
    keps: set[int] = set()
    count = 0
    dropped: list[int] = []

    def keep_or_text(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        title, target = split_role_text(match["body"])
        kep = _mentioned_kep(match["name"], title, target)
        new_kep = kep is not None and kep not in keps
        if count > MAX_REFERENCES or (new_kep and len(keps) >= MAX_KEPS):
            dropped.append(match.start())
            if match["name"] == "mentioned":
                return ""  # it shows nothing: the text it follows stays as written
            if title:
                return title
            return f"KEP-{kep}" if match["name"] == "kep" and kep is not None else target
        if new_kep:
            keps.add(kep)
        return match[0]

    text = REFERENCE_RE.sub(keep_or_text, text)
    if not dropped:
        return text, []
    message = (
        f"{count} references to KEPs, SIGs and pull requests, naming more than a post may "
        f"({MAX_REFERENCES} references, {MAX_KEPS} distinct KEPs); {len(dropped)} from here "
        "on are kept as text"
    )
    return text, [(text.count("\n", 0, dropped[0]) + 1, message)]


def convert_post_body(body: str, context: Context) -> BodyConversion:
    """A post's body as its page's text: the links past the limit kept as text, then
    converted; the notes by body line, in the order they were made."""
    body, too_many_links = limit_links(body)
    converted = convert_body(body, context)
    notes = [too_many_links] if too_many_links else []
    return BodyConversion(converted.text, notes + converted.notes)


def _conversion_cache(out: Path, add_roles: object) -> ConversionCache | None:
    """The record of the conversions of earlier imports into ``out``; None when what a
    conversion depends on cannot be told (a roles hook without a ``fingerprint``)."""
    importer = importer_fingerprint()
    roles = getattr(add_roles, "fingerprint", None) if add_roles else "no roles"
    if importer is None or not isinstance(roles, str):
        return None
    return ConversionCache(out, importer, roles)


def import_archive(
    repo: Path,
    out: Path,
    add_roles: Callable[[str, int], tuple[str, list[tuple[int, str]]]] | None = None,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda items: items,
) -> Summary:
    """Import every post of an LWKD checkout into ``out``; one bad post never stops the others.

    A post whose conversion the previous import into ``out`` kept, with every input the
    same, is not converted again (:mod:`lwkd_archive.importer.reuse`); that needs
    ``add_roles`` to tell what it depends on (a ``fingerprint``, as
    :func:`~lwkd_archive.importer.references.roles_for_year` gives), else every post is
    converted.
    """
    summary = Summary()
    issues: list[Issue] = []
    posts, refused = _posts_in(repo)
    summary.findings += refused
    summary.failed += len(refused)
    for path in progress(posts):
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
            paths.setdefault(old_address(day), issue)
    cache = _conversion_cache(out, add_roles)
    anchors_of = {
        issue.page: cache.anchors(issue.post.body)
        if cache is not None
        else heading_anchors(issue.post.body)
        for issue in issues
    }
    anchors = {old: anchors_of[issue.page] for old, issue in paths.items()}

    root = repo.resolve()
    manifest = Manifest(out)
    # Recorded before any is written: a run killed while writing leaves a record that
    # names them, so the next run removes those no post backs any more.
    manifest.plan(issue.page for issue in issues)
    #: Each image once: its place in ``out`` (None when not copied), and why not.
    media: dict[str, str | None] = {}
    refused_images: dict[str, str] = {}

    def copy_image(ref: str) -> str | None:
        if ref not in media:
            data, why_not = read_image(root, ref.lstrip("/"))
            media[ref] = None
            if why_not:
                refused_images[ref] = why_not
            if data is not None:
                target = f"{MEDIA}{ref}"
                manifest.keep(target)
                if write_atomically(out / target, data):
                    summary.written += 1
                media[ref] = target
        return media[ref]

    def roles_within_limits(text: str, year: int) -> tuple[str, list[tuple[int, str]]]:
        text, hidden, group_notes = hide_group_words(text)
        text, notes = add_roles(text, year) if add_roles else (text, [])
        text, limit_notes = limit_references(hidden.restore(text))
        return text, group_notes + notes + limit_notes

    for issue in issues:
        post = issue.post
        page_dir = posixpath.dirname(issue.page)

        def image_path(src: str, issue: Issue = issue, page_dir: str = page_dir) -> str:
            ref = image_ref(src, issue.published.year)
            target = copy_image(ref) if ref else None
            return posixpath.relpath(target, page_dir) if target else ""

        context = Context(
            issue_path=lambda old, page_dir=page_dir: (
                posixpath.relpath(paths[old].page, page_dir) if old in paths else None
            ),
            issue_anchors=anchors,
            image_path=image_path,
            image_refusal=lambda src, year=issue.published.year: refused_images.get(
                image_ref(src, year) or "", ""
            ),
            add_roles=lambda text, year=issue.week_ending.year: roles_within_limits(text, year),
        )
        if cache is None:
            converted, reused = convert_post_body(post.body, context), False
        else:
            years = (issue.published.year, issue.week_ending.year)
            converted, reused = cache.converted(
                post.body, years, page_dir, context, convert_post_body
            )
        summary.reused += reused
        for line, message in converted.notes:
            post.warn(post.body_line + line - 1, message)
        page = (
            _front_matter(issue)
            + f"\n# {heading_text(issue.title)}\n\n"
            + converted.text.strip("\n")
            + "\n"
        )
        manifest.keep(issue.page)
        if write_atomically(out / issue.page, page.encode("utf-8")):
            summary.written += 1
        summary.imported += 1
        summary.add_post_findings(post)

    summary.removed = len(manifest.finish())
    if cache is not None:
        try:
            cache.save()
        except OSError as exc:
            # Only the next import's time depends on it: reported, not failed.
            summary.notices.append(
                Finding(
                    printable(str(out / CACHE)),
                    0,
                    f"the conversions were not kept ({exc}); the next import converts "
                    "every post again",
                )
            )
    return summary


def report(summary: Summary, stream=None) -> None:
    stream = stream or sys.stderr
    for finding in sorted([*summary.findings, *summary.notices], key=lambda f: (f.path, f.line)):
        print(finding, file=stream)
