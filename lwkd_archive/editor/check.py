"""``python -m lwkd_archive check PATH...``: lint issues before they are published.

Every finding is ``file:line: CODE what is wrong; how to fix it``. Errors make the
command fail; warnings are advice.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from lwkd_archive.facts.groups import (
    GroupFactsError,
    GroupTable,
    check_group_facts,
    load_groups,
    use_group_facts,
)
from lwkd_archive.facts.issues import week_title
from lwkd_archive.facts.keps import KepFacts, load_enhancements, parse_facts
from lwkd_archive.facts.targets import parse_kep_number, parse_pr_target, split_role_text
from lwkd_archive.facts.yaml_loader import load_yaml
from lwkd_archive.importer.command import project_root
from lwkd_archive.importer.convert import (
    CODE_SPAN_RE,
    ESCAPE,
    FENCE_RE,
    LINK_RE,
    ROLE_SYNTAX_RE,
    SetAside,
    find_live_markup,
)
from lwkd_archive.importer.jekyll import link_target
from lwkd_archive.importer.kep_names import KEP_NUMBER_RE, KepNames
from lwkd_archive.importer.references import NEW_NUMBERING_YEAR, OLD_NUMBER_LIMIT, add_roles
from lwkd_archive.wording import plural

ROLE_RE = re.compile(r"\{(?P<name>kep|sig|pr|mentioned)\}`(?P<text>[^`]*)`")
HEADING_RE = re.compile(r"^(?P<marks>#{1,6})[ \t]+(?P<text>\S.*?)[ \t]*#*[ \t]*$", re.M)

PULL_URL_RE = re.compile(r"^https?://github\.com/[\w.-]+/[\w.-]+/pull/(?P<n>[^/?#]*)")
ENHANCEMENTS_PR_RE = re.compile(r"enhancements(?:#|/pull/)(?P<n>\d+)")
SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
#: What a KEP number is read beside: a role (its shown text) or a link (its text).
SHOWN_RE = re.compile(
    r"\{(?P<name>[a-z][\w:-]*)\}`(?P<role>[^`\n]*)`|"
    + LINK_RE.pattern.replace("(?P<text>", "(?P<link>")
)
#: A link to a KEP's issue, or to its folder (today's numbering: no leading 0, no date).
KEP_LINK_RE = re.compile(
    r"^https?://github\.com/kubernetes/enhancements/(?:issues/(?P<n>\d{1,6})(?!\d)"
    r"|(?:tree|blob)/[^/\s]+/keps/[\w.-]+/(?:[\w.-]+/)?(?P<folder>[1-9]\d{0,5})-)"
)
#: How far either side of a KEP number its "nearby" text reaches (within its paragraph).
NEARBY_CHARS = 80
REQUIRED = ("blogpost", "date", "week_ending")

#: code: (severity, what it is about)
CODES = {
    "LWKD100": ("error", "file that cannot be read"),
    "LWKD101": ("error", "front matter missing or invalid"),
    "LWKD102": ("error", "title does not match the week"),
    "LWKD103": ("warning", "week ending that is not a Sunday"),
    "LWKD104": ("error", "template placeholder left in the front matter"),
    "LWKD105": ("error", "date that Jekyll cannot read, or reads otherwise"),
    "LWKD106": ("warning", "dated in the future: Jekyll does not publish it yet"),
    "LWKD107": ("warning", "dated before the week it covers ends"),
    "LWKD108": ("warning", "published: false"),
    "LWKD201": ("error", "link with an empty target"),
    "LWKD202": ("error", "link target that is not a URL or a page"),
    "LWKD203": ("error", "malformed pull-request link or {pr} target"),
    "LWKD301": ("warning", "KEP not in kubernetes/enhancements"),
    "LWKD302": ("error", "KEP number that is a pull-request number"),
    "LWKD303": ("warning", "KEP, SIG or PR written as plain text"),
    "LWKD304": ("error", "malformed {kep} or unknown {sig} target"),
    "LWKD305": ("warning", "KEP number written beside another KEP's name"),
    "LWKD401": ("error", "headings out of order"),
    "LWKD402": ("error", "raw HTML (in a post: a tag readers do not see)"),
    "LWKD403": ("error", "template section left empty or holding its hint"),
    "LWKD411": ("error", "heading marks without a space: shown as text"),
    "LWKD412": ("warning", "kramdown syntax the mailing list prints"),
    "LWKD413": ("error", "Liquid tag: Jekyll runs it"),
    "LWKD414": ("warning", "'$$': math in kramdown, text in CommonMark"),
    "LWKD415": ("warning", "numbered line: a list in kramdown, text in CommonMark"),
    "LWKD416": ("warning", "table or definition list in kramdown, text in CommonMark"),
}


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    code: str
    message: str
    #: The severity when it is not the code's own (a published post's errors are warnings).
    level: str = ""

    @property
    def severity(self) -> str:
        return self.level or CODES[self.code][0]

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"


class IssueChecker:
    """Checks one issue page; findings carry the line in the file."""

    def __init__(self, path: Path, text: str, groups: GroupTable, keps: dict[int, KepFacts] | None):
        self.path, self.text, self.groups, self.keps = path, text, groups, keps
        self.findings: list[Finding] = []
        self.body_offset = 0  # lines before the body

    def add(self, line: int, code: str, message: str) -> None:
        self.findings.append(Finding(str(self.path), line, code, message))

    def run(self) -> list[Finding]:
        front = self.front_matter()
        body = "\n".join(self.text.split("\n")[self.body_offset :])
        masker = SetAside()
        masked = FENCE_RE.sub(masker.hide, body)
        masked = CODE_SPAN_RE.sub(masker.hide, ROLE_SYNTAX_RE.sub(masker.hide, masked))
        self.check_headings(masked, front)
        self.check_hints_left(masked)
        self.check_links(masked)
        self.check_roles(body)
        self.check_html(body)
        self.check_plain_mentions(body, front)
        if self.keps:
            self.check_kep_numbers(FENCE_RE.sub(masker.hide, body), front)
        return sorted(self.findings)

    def line_of(self, text: str, offset: int) -> int:
        return self.body_offset + text.count("\n", 0, offset) + 1

    def front_matter(self) -> dict[str, object]:
        lines = self.text.split("\n")
        if not lines or lines[0].strip() != "---":
            self.add(
                1,
                "LWKD101",
                "no front matter: start the page with '---', the fields, '---' (see `make new`)",
            )
            return {}
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            self.add(1, "LWKD101", "front matter is not closed: add a '---' line after it")
            return {}
        self.body_offset = end + 1
        try:
            front = load_yaml("\n".join(lines[1:end])) or {}
        except Exception as exc:  # noqa: BLE001 (any YAML error is the writer's to fix)
            mark = getattr(exc, "problem_mark", None)
            self.add(
                (mark.line + 2) if mark else 1,
                "LWKD101",
                f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
            )
            return {}
        if not isinstance(front, dict):
            self.add(2, "LWKD101", "front matter must be 'key: value' lines")
            return {}

        def key_line(key: str) -> int:
            return next(
                (i + 1 for i, line in enumerate(lines[:end]) if line.startswith(f"{key}:")), 1
            )

        for key in REQUIRED:
            if key not in front:
                self.add(
                    end + 1, "LWKD101", f"front matter has no '{key}': add it (see `make new`)"
                )
        if "week_ending" in front:
            try:
                week = dt.date.fromisoformat(str(front["week_ending"]).strip())
                if week.weekday() != 6:
                    self.add(
                        key_line("week_ending"),
                        "LWKD103",
                        f"week_ending {week} is a {week:%A}: use the Sunday the issue covers",
                    )
                front["week_ending"] = week
            except ValueError:
                self.add(
                    key_line("week_ending"), "LWKD101", "week_ending must be a date, YYYY-MM-DD"
                )
                front.pop("week_ending")
        if "date" in front:
            try:
                dt.datetime.strptime(str(front["date"]).strip(), "%Y-%m-%d %H:%M")
            except ValueError:
                self.add(
                    key_line("date"),
                    "LWKD101",
                    "date must be the publication time, 'YYYY-MM-DD HH:MM' (UTC)",
                )
        return front

    def check_headings(self, masked: str, front: dict[str, object]) -> None:
        headings = [
            (len(m["marks"]), m["text"], self.line_of(masked, m.start()))
            for m in HEADING_RE.finditer(masked)
        ]
        titles = [h for h in headings if h[0] == 1]
        if len(titles) != 1:
            line = titles[1][2] if len(titles) > 1 else self.body_offset + 1
            self.add(
                line,
                "LWKD401",
                f"an issue has exactly one level-1 heading, its title; found {len(titles)}",
            )
        previous = 0
        for level, _text, line in headings:
            if level > previous + 1:
                self.add(
                    line,
                    "LWKD401",
                    f"heading level {level} after level {previous}: use level {previous + 1}",
                )
            previous = level
        week = front.get("week_ending")
        if titles and isinstance(week, dt.date):
            expected = week_title(week)
            title, line = titles[0][1], titles[0][2]
            # A special issue may have a title of its own; a week's title must match the week.
            if "Week Ending" in title and not title.endswith(expected):
                self.add(
                    line,
                    "LWKD102",
                    f"title {title!r} does not match week_ending {week}: write '# {expected}'",
                )

    def check_hints_left(self, masked: str) -> None:
        """Sections of ``make new`` still holding only its hint (a ``%`` comment): the
        page would publish an empty heading (LWKD403)."""
        lines = masked.split("\n")
        headings = [i for i, text in enumerate(lines) if HEADING_RE.match(text)]
        for position, index in enumerate(headings):
            end = headings[position + 1] if position + 1 < len(headings) else len(lines)
            content = [text for text in lines[index + 1 : end] if text.strip()]
            level = len(HEADING_RE.match(lines[index])["marks"])
            if level < 2 or not content or not all(t.lstrip().startswith("%") for t in content):
                continue
            title = HEADING_RE.match(lines[index])["text"]
            self.add(
                self.body_offset + index + 1,
                "LWKD403",
                f"section '{title}' holds only the hint of `make new`: write it, "
                "or delete the section",
            )

    def check_links(self, masked: str) -> None:
        for match in LINK_RE.finditer(masked):
            target = match["target"].strip("<>").strip()
            line = self.line_of(masked, match.start())
            if not target:
                self.add(
                    line,
                    "LWKD201",
                    f"link [{match['text']}]() has no target: add the URL or remove the brackets",
                )
            elif (pull := PULL_URL_RE.match(target)) and not pull["n"].isdigit():
                self.add(
                    line,
                    "LWKD203",
                    f"pull-request link {target} has no number: link https://github.com/ORG/REPO/pull/NUMBER",
                )
            elif (
                not SCHEME_RE.match(target)
                and not target.startswith("#")
                # A relative target must be a page or image of the archive that exists.
                and not (self.path.parent / target.split("#")[0]).is_file()
            ):
                self.add(
                    line,
                    "LWKD202",
                    f"link target {target!r} is not a URL or an issue page: write https://...",
                )

    def check_roles(self, body: str, kinds: tuple[str, ...] | None = None) -> None:
        """The targets of the roles written (only those of ``kinds``, when given)."""
        for paragraph_start, paragraph in _paragraphs(body):
            pull_numbers = {int(m["n"]) for m in ENHANCEMENTS_PR_RE.finditer(paragraph)}
            for match in ROLE_RE.finditer(paragraph):
                line = self.line_of(body, paragraph_start + match.start())
                title, target = split_role_text(match["text"])
                name = match["name"]
                if kinds is not None and name not in kinds:
                    continue
                if name == "kep":
                    number = parse_kep_number(target)
                    if number is None:
                        self.add(
                            line,
                            "LWKD304",
                            f"{{kep}} target {target!r} is not a KEP number: write {{kep}}`3136`",
                        )
                        continue
                    written = {int(n) for n in re.findall(r"KEP[- ]?#?(\d+)", title, re.I)}
                    if number in pull_numbers and number not in written:
                        self.add(
                            line,
                            "LWKD302",
                            f"KEP {number} is the number of the enhancements pull request beside it: write the KEP's own number",
                        )
                    elif self.keps is not None and number not in self.keps:
                        self.add(
                            line,
                            "LWKD301",
                            f"KEP {number} is not in kubernetes/enhancements: check the number",
                        )
                elif name == "mentioned":
                    kep = re.fullmatch(r"(?i)kep-?(\d{1,6})", target.strip())
                    if kep is None and self.groups.resolve(target) is None:
                        self.add(
                            line,
                            "LWKD304",
                            f"{{mentioned}} target {target!r} is neither a KEP nor a group: write "
                            "{mentioned}`how <kep-1287>` or {mentioned}`how <sig-node>`",
                        )
                    elif kep and self.keps is not None and int(kep[1]) not in self.keps:
                        self.add(
                            line,
                            "LWKD301",
                            f"KEP {int(kep[1])} is not in kubernetes/enhancements: check the number",
                        )
                elif name == "sig" and self.groups.resolve(target) is None:
                    self.add(
                        line,
                        "LWKD304",
                        f"{{sig}} target {target!r} names no group: use a slug such as sig-node (see data/groups.yaml)",
                    )
                elif name == "pr" and parse_pr_target(target, "kubernetes/kubernetes") is None:
                    self.add(
                        line,
                        "LWKD203",
                        f"{{pr}} target {target!r} is not a pull request: write {{pr}}`123456` or {{pr}}`kubernetes/enhancements#3137`",
                    )

    def check_html(self, body: str) -> None:
        """Raw HTML exactly where MyST reads it, as the importer finds it (not in code, not
        escaped, not an autolink; a tag over two lines, or with ``>`` in quotes, is one)."""
        for live in find_live_markup(body):
            if live.kind != "html":
                continue
            line = self.line_of(body, live.offset)
            if live.block:
                self.add(line, "LWKD402", f"raw HTML block {live.source!r}: write Markdown instead")
                continue
            # The hint is one line: a tag over two lines is escaped at its first.
            first, _, rest = live.source.partition("\n")
            escaped = ESCAPE + first + ("…" if rest else "")
            self.add(
                line,
                "LWKD402",
                f"raw HTML {live.source!r}: write Markdown instead (or escape it as {escaped})",
            )

    def check_plain_mentions(self, body: str, front: dict[str, object]) -> None:
        week = front.get("week_ending")
        year = week.year if isinstance(week, dt.date) else dt.date.today().year
        converted, _ = add_roles(body, year=year, groups=self.groups, keps=self.keps)
        for number, (old, new) in enumerate(
            zip(body.split("\n"), converted.split("\n"), strict=False), start=1
        ):
            if old == new:
                continue
            for role in ROLE_RE.finditer(new):
                # A gate, a title or a link's text is recorded as it stands: nothing to write.
                if role[0] in old or role["name"] == "mentioned":
                    continue
                title, _ = split_role_text(role["text"])
                what = {"kep": "a KEP", "sig": "a group", "pr": "a pull request"}[role["name"]]
                self.add(
                    self.body_offset + number,
                    "LWKD303",
                    f"{title!r} names {what}: write it as the role {role[0]}",
                )

    def check_kep_numbers(self, body: str, front: dict[str, object]) -> None:
        """A KEP number written beside another KEP's title or gate (LWKD305).

        "Dynamic Containers proposal (KEP-6030)": KEP-6030 is another KEP, so the
        number is probably wrong; the finding names the KEP the text speaks of. The
        page is read as shown (a role as its text, a link as its text). A small number
        in an issue before 2020 is of the old numbering, another KEP's: not compared.
        """
        week = front.get("week_ending")
        old_numbering = isinstance(week, dt.date) and week.year < NEW_NUMBERING_YEAR
        names = _kep_names(self.keps)
        reported = set()
        for paragraph_start, paragraph in _paragraphs(body):
            if "KEP" not in paragraph.upper() and "enhancements/issues" not in paragraph:
                continue
            for offset, number, nearby in _kep_numbers_shown(paragraph):
                if old_numbering and number < OLD_NUMBER_LIMIT:
                    continue
                meant = names.wrong_number(number, nearby)
                line = self.line_of(body, paragraph_start + offset)
                if meant is None or (line, number, meant) in reported:
                    continue
                reported.add((line, number, meant))
                self.add(
                    line,
                    "LWKD305",
                    f"KEP-{number} is written beside the name of KEP-{meant} "
                    f"({self.keps[meant].title!r}), but KEP-{number} is "
                    f"{self.keps[number].title!r}: check the number",
                )


def _kep_numbers_shown(paragraph: str) -> list[tuple[int, int, str]]:
    """``(offset, number, nearby)`` of each KEP number in a paragraph as a reader sees it.

    A role is read as its shown text, a link as its text. A number written in the
    shown text is read with the text either side of it; a role or a link to a KEP
    whose text has no number (``{kep}`Dynamic Containers <6030>```) with its text alone.
    """
    pieces: list[str] = []
    # Where each piece starts, shown and written, and whether it is shown as written.
    origins: list[tuple[int, int, bool]] = []
    alone: list[tuple[int, int, str]] = []
    shown_length, position = 0, 0

    def add(text: str, written_at: int, verbatim: bool = False) -> None:
        nonlocal shown_length
        origins.append((shown_length, written_at, verbatim))
        pieces.append(text)
        shown_length += len(text)

    for match in SHOWN_RE.finditer(paragraph):
        add(paragraph[position : match.start()], position, verbatim=True)
        position = match.end()
        if match["name"] is not None:
            title, target = split_role_text(match["role"])
            if match["name"] == "mentioned":
                continue  # shows nothing
            text = title or target
            if match["name"] == "kep" and (number := parse_kep_number(target)) is not None:
                text = title or f"KEP-{number}"
                if not any(int(m["n"]) == number for m in KEP_NUMBER_RE.finditer(text)):
                    alone.append((match.start(), number, text))
            add(text, match.start())
        else:
            text = match["link"]
            linked = KEP_LINK_RE.match(match["target"].strip("<>"))
            if linked and not KEP_NUMBER_RE.search(text):
                alone.append((match.start(), int(linked["n"] or linked["folder"]), text))
            add(text, match.start())
    add(paragraph[position:], position, verbatim=True)
    shown = "".join(pieces)

    def written_at(offset: int) -> int:
        """Where the text shown at ``offset`` is written: a role's or link's start."""
        start, written, verbatim = origins[bisect.bisect_right(origins, (offset, 1 << 62)) - 1]
        return written + (offset - start if verbatim else 0)

    found = list(alone)
    for match in KEP_NUMBER_RE.finditer(shown):
        nearby = shown[max(0, match.start() - NEARBY_CHARS) : match.end() + NEARBY_CHARS]
        found.append((written_at(match.start()), int(match["n"]), nearby))
    return found


def _kep_names(keps: dict[int, KepFacts]) -> KepNames:
    """The KEP names of ``keps``, made once for all the issues checked with them."""
    if _KEP_NAMES.get("facts") is not keps:
        _KEP_NAMES.update(facts=keps, names=KepNames.from_facts(keps))
    return _KEP_NAMES["names"]


_KEP_NAMES: dict[str, object] = {}


def _paragraphs(body: str):
    offset = 0
    for block in re.split(r"(\n[ \t]*\n)", body):
        yield offset, block
        offset += len(block)


def check_file(
    path: Path,
    groups: GroupTable,
    keps: dict[int, KepFacts] | None,
    now: dt.datetime | None = None,
    changed: bool = False,
) -> list[Finding]:
    """The findings of one file, an LWKD Jekyll post or an archive MyST issue by its form.

    ``changed``: the file is being changed (the pre-commit hook, the GitHub Action), so a
    post published long ago keeps its errors as errors: whoever touches it fixes it.
    """
    from lwkd_archive.editor.jekyll_check import JekyllPostChecker, is_jekyll_post

    def unreadable(exc: OSError) -> list[Finding]:
        reason = exc.strerror or str(exc)
        return [
            Finding(
                str(path),
                1,
                "LWKD100",
                f"cannot read the file: {reason}; check that it exists and its permissions",
            )
        ]

    # Only a regular file is opened: a link may lead out of the checkout, a pipe never ends.
    try:
        status = path.lstat()
    except OSError as exc:
        return unreadable(exc)
    if stat.S_ISLNK(status.st_mode):
        return [
            Finding(
                str(path),
                1,
                "LWKD101",
                f"a symbolic link (to {link_target(path)}): not read, since a post or issue "
                "is a file of its repository; check the file itself",
            )
        ]
    if not stat.S_ISREG(status.st_mode):
        return [
            Finding(
                str(path), 1, "LWKD101", "not a regular file (a device, socket or pipe): not read"
            )
        ]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return unreadable(exc)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [Finding(str(path), line, "LWKD101", "invalid UTF-8: save the file as UTF-8")]
    if is_jekyll_post(path, _front_of(text)):
        return JekyllPostChecker(path, text, groups, keps, now=now, changed=changed).run()
    return IssueChecker(path, text, groups, keps).run()


def _front_of(text: str) -> dict[str, object] | None:
    """The front matter as a mapping, or None when there is none that reads as one."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in {"---", "..."}), None)
    if end is None:
        return None
    try:
        front = load_yaml("\n".join(lines[1:end]))
    except Exception:  # noqa: BLE001 (each checker reports the YAML error at its line)
        return None
    return front if isinstance(front, dict) else None


def issue_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The Markdown files of ``paths`` (folders searched, ``_`` folders but ``_posts``
    skipped), and a line for each path that is missing or holds no issue."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*.md")
                if not any(
                    part.startswith("_") and part != "_posts"
                    for part in p.relative_to(path).parent.parts
                )
                and not p.name.startswith("_")
            )
            if not found:
                problems.append(
                    f"error: {path}: no .md file in this folder; give an issue or a post"
                )
            files += found
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            problems.append(f"error: {path}: no such file or folder")
    return files, problems


def load_kep_facts(where: str | None) -> dict[int, KepFacts] | None:
    if not where:
        return None
    path = Path(where)
    if path.is_file():
        return parse_facts(path.read_text(encoding="utf-8"))
    facts, _errors = load_enhancements(path)
    return facts


def github_escape(text: str, *, property_value: bool = False) -> str:
    """Text for a GitHub workflow command: ``%``, CR and LF escaped, and in a property
    also ``:`` and ``,`` (as GitHub's toolkit escapes them)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_command(finding: Finding) -> str:
    """``::error file=PATH,line=N,title=CODE::message``: an annotation on the pull request."""
    path = github_escape(finding.path, property_value=True)
    title = github_escape(finding.code, property_value=True)
    return (
        f"::{finding.severity} file={path},line={max(finding.line, 1)},title={title}::"
        f"{github_escape(finding.message)}"
    )


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "check",
        help="check issues before they are published",
        description="Lint archive issue pages and LWKD's Jekyll posts: front matter, title, "
        "links, KEP numbers, headings, sections left empty, raw HTML. Exits 1 when there "
        "are errors, 2 when a path is missing or a file cannot be read.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="issue pages, LWKD Jekyll posts (_posts/YYYY-MM-DD-update.md) or folders "
        "(default: source/issues and source/archive)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="text: 'file:line: CODE message'; github: GitHub workflow commands, "
        "shown on a pull request's diff",
    )
    parser.add_argument(
        "--enhancements",
        help="kubernetes/enhancements checkout or keps.json, to check that KEPs exist",
    )
    parser.add_argument(
        "--changed",
        action="store_true",
        help="the posts given are being changed (a commit, a pull request): a post published "
        "over 14 days ago keeps its errors as errors (without it they are warnings, since "
        "lwkd.info shows it already)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    root = project_root()
    paths = args.paths or [
        p for p in (root / "source" / "issues", root / "source" / "archive") if p.exists()
    ]
    facts_source = args.enhancements
    if facts_source is None and (root / "source" / "archive" / "keps.json").is_file():
        facts_source = str(root / "source" / "archive" / "keps.json")
    try:
        keps = load_kep_facts(facts_source)
    except (OSError, ValueError) as exc:
        print(f"error: cannot read KEP facts from {facts_source}: {exc}", file=sys.stderr)
        return 2
    if facts_source and not keps:
        # With no facts every KEP number would look unknown: say so instead.
        print(
            f"error: {facts_source}: no KEP facts in it (no keps/**/kep.yaml, or an empty "
            "keps.json); give a kubernetes/enhancements checkout",
            file=sys.stderr,
        )
        return 2
    # The groups the build knows: kubernetes/community's list, when the import compiled it.
    community = root / "source" / "archive" / "groups.json"
    if community.is_file():
        try:
            check_group_facts(community)
            use_group_facts(community)
        except GroupFactsError as exc:
            print(f"warning: {exc}; checking against data/groups.yaml alone", file=sys.stderr)
    groups = load_groups()
    if not paths:
        print(
            "error: nothing to check: source/issues and source/archive hold no issue; "
            "give the issues or posts to check",
            file=sys.stderr,
        )
        return 2
    files, problems = issue_files(paths)
    if not args.paths:
        problems = []  # a default folder may be empty; only all of them empty is a problem
    if not files and not args.paths:
        problems.append(
            "error: nothing to check: source/issues and source/archive hold no issue; "
            "give the issues or posts to check"
        )
    changed = getattr(args, "changed", False)
    findings = [f for path in files for f in check_file(path, groups, keps, changed=changed)]
    for finding in findings:
        print(github_command(finding) if args.format == "github" else finding)
    for problem in problems:
        print(problem, file=sys.stderr)
        if args.format == "github":
            print(f"::error::{github_escape(problem.removeprefix('error: '))}")
    errors = sum(f.severity == "error" for f in findings)
    unread = sum(f.code == "LWKD100" for f in findings)
    warnings = len(findings) - errors
    print(
        f"checked {plural(len(files), 'file')}: {plural(errors, 'error')}, "
        f"{plural(warnings, 'warning')}",
        file=sys.stderr,
    )
    if problems or unread:
        return 2
    return 1 if errors else 0
