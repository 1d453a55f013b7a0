"""Reading LWKD's Jekyll posts: front matter, the dates Jekyll gives them, week and title rules."""

from __future__ import annotations

import datetime as dt
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lwkd_archive.facts.dates import MONTH_NUMBERS
from lwkd_archive.facts.issues import SUNDAY, week_title
from lwkd_archive.facts.yaml_loader import load_yaml
from lwkd_archive.importer.findings import Finding, PostError

#: Jekyll publishes only ``_posts/YYYY-MM-DD-title.md`` files.
POST_NAME_RE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})-(?P<slug>[^/]+)\.(?P<ext>md|markdown)$")
#: The month names a title may hold: the correct spellings, and two that LWKD's titles of
#: February 2018 carry ("Feburary"), read as what they mean.
MONTHS = {**MONTH_NUMBERS, "feburary": 2, "febuary": 2}
TITLE_DATE_RE = re.compile(
    r"(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"
)
WEEK_ENDING_RE = re.compile(r"week\s+ending", re.IGNORECASE)
DATE_RE = re.compile(r"^\s*(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?P<rest>.*)$")
TIME_RE = re.compile(r"^[ T]+(?P<h>\d{1,2}):(?P<min>\d{1,2})(?::(?P<s>\d{1,2}))?")
ZONE_RE = re.compile(r"(?:(?P<z>Z|UTC|GMT)|(?P<sign>[-+])(?P<zh>\d{2}):?(?P<zm>\d{2}))\s*$")
#: A post is one week's newsletter: the largest so far is 12 KB, a twentieth of this.
#: Converting a post costs more than in proportion to its size (each of its warnings
#: and edits is placed by line), so a far larger file would stall the import and build.
MAX_POST_BYTES = 256_000
#: Characters no file name should hold: line breaks, and escapes that drive terminals.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with its control characters written as escapes (``\\n``, ``\\x1b``), so a
    name can be shown on a terminal and in a log without acting on them."""
    return CONTROL_RE.sub(lambda m: repr(m[0])[1:-1], text)


def link_target(path: Path) -> str:
    """Where a symbolic link leads, as it can be shown."""
    try:
        return printable(str(path.readlink()))
    except OSError:
        return "?"


@dataclass
class SourcePost:
    """A post as read from the LWKD repository."""

    path: Path
    #: Path inside the LWKD repository, e.g. ``_posts/2022-02-06-update.md``.
    source: str
    front: dict[str, object]
    body: str
    #: Line of the file where :attr:`body` starts.
    body_line: int
    file_date: dt.date
    findings: list[Finding] = field(default_factory=list)

    def warn(self, line: int, message: str) -> None:
        self.findings.append(Finding(str(self.path), line, message))

    def key_line(self, key: str) -> int:
        """Line of ``key:`` in the front matter (the opening ``---`` is line 1)."""
        lines = self.path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines[1 : self.body_line], start=2):
            if line.startswith(f"{key}:"):
                return number
        return 1


def _fail(path: Path, line: int, message: str) -> PostError:
    return PostError(Finding(str(path), line, message, error=True))


def _unreadable(path: Path, exc: OSError) -> PostError:
    return _fail(path, 1, f"cannot read the file: {exc.strerror or exc}; check its permissions")


def read_post(path: Path, source: str) -> SourcePost:
    """Read one post, or raise :class:`PostError` saying what is wrong and what to do.

    Only a regular file is read, never a symbolic link (it may lead out of the repository).
    """
    control = CONTROL_RE.search(source)
    if control:
        raise _fail(
            Path(printable(str(path))), 1,
            f"the file name holds a control character (U+{ord(control[0]):04X}), which "
            "would break the page written from it; rename it",
        )  # fmt: skip
    name = POST_NAME_RE.match(path.name)
    if name is None:
        raise _fail(
            path, 1,
            "not a post: Jekyll publishes only _posts/YYYY-MM-DD-title.md files; "
            "rename it or move it out of _posts/",
        )  # fmt: skip
    try:
        file_date = dt.date.fromisoformat(name["date"])
    except ValueError:
        raise _fail(
            path, 1, f"the file name's date {name['date']} does not exist; fix the name"
        ) from None
    try:
        status = path.lstat()
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if stat.S_ISLNK(status.st_mode):
        raise _fail(
            path, 0,
            f"a symbolic link (to {link_target(path)}); not read, since the archive "
            "reads only files of the LWKD repository: replace the link with the post itself",
        )  # fmt: skip
    if not stat.S_ISREG(status.st_mode):
        raise _fail(
            path, 0, "not a regular file (a device, socket or pipe); remove it from _posts/"
        )
    if status.st_size > MAX_POST_BYTES:
        raise _fail(
            path, 0,
            f"the file is {status.st_size / 1000:,.0f} KB, over the {MAX_POST_BYTES / 1000:.0f} KB "
            "a post may be (an issue is about 10 KB); shorten it, or remove it from _posts/",
        )  # fmt: skip
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if not data.strip():
        raise _fail(path, 1, "the file is empty; delete it or write the issue")
    if b"\0" in data:
        raise _fail(path, 1, "not a Markdown file (it contains NUL bytes); remove it from _posts/")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(
            path, line, f"invalid UTF-8 (byte {data[exc.start]:#04x}); save the file as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise _fail(
            path, 1, "no front matter: a post starts with a '---' line, its YAML, and '---'"
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in {"---", "..."})
    except StopIteration:
        raise _fail(path, 1, "the front matter is not closed: add a '---' line after it") from None
    try:
        # Dates stay text: jekyll_date reads them, even impossible ones like 2022-02-29.
        front = load_yaml("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _fail(
            path, line, f"broken YAML in the front matter: {problem}; fix the YAML"
        ) from None
    if front is None:
        front = {}
    if not isinstance(front, dict):
        raise _fail(path, 2, "the front matter is not a mapping of keys to values")
    return SourcePost(
        path=path,
        source=source,
        front=front,
        body="\n".join(lines[end + 1 :]),
        body_line=end + 2,
        file_date=file_date,
    )


def jekyll_date(value: object) -> tuple[dt.datetime | None, str]:
    """Jekyll's reading of a front-matter ``date`` (Ruby's lenient Time.parse), in UTC.

    Returns the moment and, when the text had to be read leniently, why.
    ``2022-02-29`` rolls over to 1 March; ``14:4g5:00`` reads as 14:04.
    """
    text = str(value).strip()
    match = DATE_RE.match(text)
    if match is None:
        return None, f"date {text!r} is not a date"
    year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None, f"date {text!r} has no such month or day"
    note = ""
    moment = dt.datetime(year, month, 1) + dt.timedelta(days=day - 1)
    if moment.month != month:
        note = f"date {text[:10]!r} does not exist; Jekyll rolls it over to {moment:%Y-%m-%d}"
    rest = match["rest"]
    time = TIME_RE.match(rest)
    if time:
        hour, minute, second = int(time["h"]), int(time["min"]), int(time["s"] or 0)
        if hour > 23 or minute > 59 or second > 60:
            return None, f"time in {text!r} is out of range"
        moment = moment.replace(hour=hour, minute=minute, second=min(second, 59))
        tail = rest[time.end() :]
    else:
        tail = rest
    zone = ZONE_RE.search(tail)
    offset = dt.timedelta(0)
    if zone and zone["sign"]:
        offset = dt.timedelta(hours=int(zone["zh"]), minutes=int(zone["zm"]))
        if zone["sign"] == "-":
            offset = -offset
    leftover = (tail[: zone.start()] if zone else tail).strip()
    if leftover:
        read = f"{moment:%H:%M}" if time else "midnight"
        note = note or f"time in {text!r} is malformed; Jekyll reads it as {read}"
    aware = moment.replace(tzinfo=dt.timezone(offset))
    return aware.astimezone(dt.UTC), note


def title_date(title: str) -> dt.date | None:
    """The date a title such as ``Week Ending Feburary 12th, 2018`` names, if any."""
    match = TITLE_DATE_RE.search(title)
    if not match:
        return None
    month = MONTHS.get(match["month"].lower())
    if month is None:
        return None
    try:
        return dt.date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def canonical_title(week_ending: dt.date, source_title: str) -> str:
    """``Week Ending February 6, 2022``, keeping a prefix such as ``Special Edition:``.

    A title that is not about a week (a special issue: ``LWKD at KubeCon``) is kept.
    """
    heading = week_title(week_ending)
    found = WEEK_ENDING_RE.search(source_title)
    if source_title and not found:
        return source_title
    prefix = source_title[: found.start()].strip() if found else ""
    return f"{prefix} {heading}" if prefix else heading


def week_ending_of(post: SourcePost, title: str) -> dt.date:
    """The Sunday the issue covers: the file name's date, unless that is not a Sunday and
    the title names a Sunday within the same week (then the title is right)."""
    named = title_date(title)
    if post.file_date.weekday() == SUNDAY:
        return post.file_date
    weekday = f"{post.file_date:%A}"
    if named and named.weekday() == SUNDAY and abs((named - post.file_date).days) <= 6:
        post.warn(
            post.key_line("title") if "title" in post.front else 1,
            f"the file name's date {post.file_date} is a {weekday}; the week ending is "
            f"taken from the title: {named}",
        )
        return named
    post.warn(
        1,
        f"the file name's date {post.file_date} is a {weekday}, not a Sunday; it is used as the week ending",
    )
    return post.file_date
