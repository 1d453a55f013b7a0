"""Kubernetes release schedules, from kubernetes/sig-release's ``releases/release-1.N/README.md``.

Each README gives its cycle's key dates in a summary near its top (a ``tl;dr`` sentence in
2018, a list since 2019) and again in a timeline table. The archive keeps four of them per
release: the day the cycle begins, enhancements (feature) freeze, code freeze and the day
``v1.N.0`` is released, so an issue can say where in a cycle it was written and a KEP's
journey can be drawn on the calendar. The READMEs are written by hand over eight years, so
the reader is tolerant of their wording and strict about their values:

- a date without a year takes the cycle's year: the year in which the cycle's first day falls
  on the weekday written beside it (nearest to the years the README names, else to the
  version's), and a month before the cycle's first month is in the next year (December ->
  March);
- a date struck out (``~~Tuesday, September 25~~ **Thursday, September 27**``) does not count;
- of two dates given for one moment (``02:00 UTC Friday ... / 19:00 PDT Thursday ...``), the
  first counts;
- the timeline table wins over a summary that says otherwise (the summary was left
  stale when 1.10's release moved), and the difference is reported;
- a date that is no date (``31 February``) or an event with no date is reported at
  ``file:line`` and that value is left unknown; the other releases are read.

The READMEs are untrusted: only ``release-1.N`` folders are read, never through a symbolic
link, a README over 1 MB is refused, and every pattern is linear (no nested quantifier).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from lwkd_archive.facts.dates import MONTH_NUMBERS

#: A README is under 100 KB; one over this is refused unread.
MAX_README_BYTES = 1024 * 1024
#: The release folders of sig-release: ``release-1.33`` (no ``release-1.33-rc``, no ``../``).
FOLDER_RE = re.compile(r"release-(\d{1,3})\.(\d{1,3})")
#: The years a Kubernetes schedule can be in; anything outside is a typo.
FIRST_YEAR, LAST_YEAR = 2014, 2100

WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "weds", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        )
    )
    for name in names
}
_MONTH = r"(?:" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")"
_WEEKDAY = r"(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")"
#: One date as the READMEs write it: ``Monday, January 07``, ``Tuesday, Dec 8th``,
#: ``Monday 18th May 2026``, ``Jan 3 (Tues)``, ``Monday February 26th``, ``March 22nd, 2018``.
#: Every part is a fixed word or a bounded run of digits: the pattern cannot backtrack far.
DATE_RE = re.compile(
    rf"\b(?:(?P<weekday>{_WEEKDAY})\.?,?[ \t]{{1,3}})?"
    rf"(?:(?P<month>{_MONTH})\.?[ \t]{{1,3}}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?[ \t]{{1,3}}(?:of[ \t]{{1,3}})?(?P<month2>{_MONTH})\b)"
    rf"(?:,?[ \t]{{1,3}}(?P<year>\d{{4}})\b)?"
    rf"(?:[ \t]{{1,3}}\((?P<weekday2>{_WEEKDAY})\.?\))?",
    re.IGNORECASE,
)
#: Struck-out text, ``~~...~~``: a date corrected beside it replaces it.
STRUCK_RE = re.compile(r"~~[^~\n]{0,300}~~")
#: A list item whose first words are a date: ``- **Monday 18th May 2026**: Week 1 — ...``.
ITEM_RE = re.compile(r"^[ \t]{0,8}[-*+][ \t]{1,4}(?P<rest>\S.*)$")
#: What may stand before an item's date: markup, a time (``02:00 UTC``), a weekday.
LEAD_RE = re.compile(r"^[\s*_\[(]{0,12}(?:\d{1,2}:\d{2}[ \t]{0,3}[A-Za-z]{0,5}[ \t]{0,3})?$")
#: A bold span, the way the 2018 ``tl;dr`` sentences mark their dates.
BOLD_RE = re.compile(r"\*\*(?P<inner>[^*\n]{1,200})\*\*")
#: A Markdown link, read as its text: ``[Code Freeze](../release_phases.md#code-freeze)``.
LINK_RE = re.compile(r"\[(?P<text>[^\]\n]{0,200})\](?:\([^)\n]{0,500}\)|\[[^\]\n]{0,200}\])")
#: A day in a table's month column: ``2``, ``Mon 7``, `` moved to **27**``, ``27?``.
DAY_CELL_RE = re.compile(
    rf"(?:(?P<weekday>{_WEEKDAY})\.?[ \t]{{1,3}})?\b(?P<day>\d{{1,2}})\b[^\d]{{0,20}}$",
    re.IGNORECASE,
)
#: One cell of an HTML table written a cell a line (the 1.10 README): ``<td>26</td>``.
HTML_CELL_RE = re.compile(r"<td>(?P<text>[^<\n]{0,300})</td>")
PROPOSED_RE = re.compile(
    r"\b(?:release cycle|schedule|timeline)\b[^.\n]{0,40}\b(?:proposed|tentative)\b"
    r"|\b(?:proposed|tentative)\b[ \t]{1,3}(?:release[ \t]{1,3})?(?:schedule|timeline)\b",
    re.IGNORECASE,
)

KINDS = ("cycle_start", "enhancements_freeze", "code_freeze", "release")
#: How each kind is written, over the years (lower case, links read as their text).
CYCLE_START_RE = re.compile(
    r"\b(?:release[ \t]cycle[ \t]begins|start[ \t]of[ \t](?:the[ \t])?release[ \t]cycle"
    r"|cycle[ \t]begins|coding[ \t]start|release[ \t]cycle[ \t]begins[ \t]on)\b"
)
ENHANCEMENTS_FREEZE_RE = re.compile(r"\b(?:enhancements?|features?(?:[ \t]repo)?)[ \t]freeze\b")
CODE_FREEZE_RE = re.compile(r"\bcode[ \t](?:and[ \t]test[ \t])?freeze\b")
#: A code freeze line that is about something else: its end, a warning, exceptions.
NOT_CODE_FREEZE_RE = re.compile(
    r"\b(?:end|ends|ending|lift|lifts|lifting|lifted|exit|thaw|coming|exceptions?|slush"
    r"|warning|after|until|shorten|shortening|evaluation)\b"
)
NOT_ENHANCEMENTS_FREEZE_RE = re.compile(r"\b(?:exceptions?|coming|warning|after|until|tracking)\b")
#: Events that are never the release itself, even when they name ``v1.N.0``.
NOT_RELEASE_RE = re.compile(
    r"\b(?:docs?|documentation|retro(?:spective)?|blog|notes|cherry|alpha|beta|rc|branch"
    r"|candidate|freeze|deadline|must|jobs?|created|cut|removed|testgrid)\b|-(?:alpha|beta|rc)"
)


@dataclass(frozen=True)
class Release:
    """One Kubernetes minor release's schedule, as its sig-release README gives it."""

    version: str  # "1.33" (major.minor, no "v")
    cycle_start: dt.date | None  # "Week 1 — Release cycle begins"
    enhancements_freeze: dt.date | None
    code_freeze: dt.date | None
    release: dt.date | None  # None when the README gives no release date
    proposed: bool = False  # the schedule says it is proposed/tentative
    source: str = ""  # "releases/release-1.33/README.md"

    @property
    def key(self) -> tuple[int, int]:
        """``(1, 33)``: releases sort by number, not as text (1.9 before 1.10)."""
        major, minor = self.version.split(".")
        return int(major), int(minor)


class SigReleaseError(Exception):
    """A checkout that is not one of kubernetes/sig-release; the message says what to do."""


# -- reading one README ---------------------------------------------------------------


@dataclass
class _Found:
    """A date written on a line of the README, with the text that says what it is."""

    line: int
    month: int
    day: int
    year: int | None
    weekday: int | None
    text: str  # the event's words, lower case
    written: str


def _plain(text: str) -> str:
    """A line without struck-out words, with links as their text."""
    text = STRUCK_RE.sub(" ", text)
    return LINK_RE.sub(lambda m: m["text"], text)


def _date_of(match: re.Match) -> tuple[int, int, int | None, int | None]:
    month = MONTH_NUMBERS[(match["month"] or match["month2"]).lower()]
    day = int(match["day"] or match["day2"])
    year = int(match["year"]) if match["year"] else None
    weekday = match["weekday"] or match["weekday2"]
    return month, day, year, WEEKDAYS[weekday.lower()] if weekday else None


def _kind(text: str, minor: str) -> str | None:
    """Which of the four moments ``text`` (lower case) names, or None."""
    if CYCLE_START_RE.search(text) and "next" not in text and f"1.{int(minor) + 1}" not in text:
        return "cycle_start"
    if CODE_FREEZE_RE.search(text) and not NOT_CODE_FREEZE_RE.search(text):
        return "code_freeze"
    if ENHANCEMENTS_FREEZE_RE.search(text) and not NOT_ENHANCEMENTS_FREEZE_RE.search(text):
        return "enhancements_freeze"
    version = re.escape(f"1.{minor}")
    named = re.search(
        rf"\brelease[ \t]day\b|(?<![\d.])v?{version}\.0(?![\d.-])|\brelease[ \t]{version}(?![\d.])",
        text,
    )
    if named and not NOT_RELEASE_RE.search(re.sub(rf"v?{version}\.0(?![\d.-])", " ", text)):
        return "release"
    return None


def _items(lines: list[str]) -> list[tuple[int, str]]:
    """Each list item, with its continuation lines (``- **date**:\\n  Week 5 — ...``)."""
    items: list[tuple[int, str]] = []
    open_item = False
    for number, line in enumerate(lines, start=1):
        match = ITEM_RE.match(line)
        if match:
            items.append((number, match["rest"]))
            open_item = True
        elif open_item and line.startswith("  ") and line.strip():
            start, text = items[-1]
            items[-1] = (start, text + " " + line.strip())
        else:
            open_item = False
    return items


class _Reader:
    """Reads one README's dates, and the problems found on the way."""

    def __init__(self, where: str, minor: str) -> None:
        self.where = where
        self.minor = minor
        self.found: list[_Found] = []
        self.problems: list[str] = []

    def report(self, line: int, message: str) -> None:
        self.problems.append(f"{self.where}:{line}: {message}")

    def dates(self, text: str, line: int) -> list[re.Match]:
        """The dates of ``text`` that are dates; one that is not is reported."""
        good = []
        for match in DATE_RE.finditer(text):
            month, day, year, _ = _date_of(match)
            try:
                dt.date(year or 2000, month, day)  # 2000: a leap year, so 29 February passes
            except ValueError:
                self.report(
                    line,
                    f"{match[0].strip()!r} is no date (that month has no day {day}); "
                    "correct it in the README; that date is not read",
                )
                continue
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                self.report(line, f"{match[0].strip()!r}: year {year} is no year of Kubernetes")
                continue
            good.append(match)
        return good

    def add(self, line: int, match: re.Match, text: str) -> None:
        month, day, year, weekday = _date_of(match)
        self.found.append(_Found(line, month, day, year, weekday, text, match[0].strip()))

    def item(self, line: int, text: str) -> None:
        """A list item that opens with a date: the words after it say what it is."""
        plain = _plain(text)
        dates = self.dates(plain, line)
        if dates and LEAD_RE.match(plain[: dates[0].start()]):
            self.add(line, dates[0], plain[dates[0].end() :].lower())
            return
        bold = BOLD_RE.match(plain.lstrip())
        if (
            bold
            and not DATE_RE.search(bold["inner"])
            and plain.lstrip()[bold.end() :].lstrip()[:1] in (":", "-", "—")
        ):
            kind = _kind(plain.lower(), self.minor)
            if kind:
                self.report(
                    line,
                    f"{bold['inner'].strip()!r} is not a date this reader knows (write it as "
                    f"'Monday 18th May 2026'); the {kind.replace('_', ' ')} is not read",
                )

    def sentence(self, line: int, text: str) -> None:
        """A ``tl;dr`` sentence: each bold date is named by the words before it."""
        plain = _plain(text)
        previous = 0
        for bold in BOLD_RE.finditer(plain):
            dates = self.dates(bold["inner"], line)
            if dates:
                self.add(line, dates[0], plain[previous : bold.start()].lower())
                previous = bold.end()

    def date(
        self, found: _Found, first: _Found, year: int, *, quiet: bool = False
    ) -> dt.date | None:
        """The day ``found`` names; without a year, the cycle's (a month before the
        cycle's first month is in the next year)."""
        when = found.year
        if when is None:
            when = year + 1 if found.month < first.month else year
        try:
            day = dt.date(when, found.month, found.day)
        except ValueError:  # 29 February of a year that has none
            if not quiet:
                self.report(
                    found.line,
                    f"{found.written!r} is no date in {when}; correct it in the README; "
                    "that date is not read",
                )
            return None
        if found.weekday is not None and day.weekday() != found.weekday and not quiet:
            self.report(
                found.line,
                f"{found.written!r}: {day.isoformat()} is a {day.strftime('%A')}; the date "
                "is kept, the weekday is not: correct the one that is wrong",
            )
        return day

    def row(self, line: int, cells: list[str], months: dict[int, int]) -> None:
        """A timeline table's row: the first cell says what, the first dated cell when.

        In the tables of 2018 and 2019 a column is a month and a cell holds only the day
        (``Mon 7``, ``~~25~~ moved to **27**``): ``months`` maps those columns to months.
        """
        if len(cells) < 2 or set(cells[0]) <= set("-: "):
            return
        what = cells[0].lower()
        for column, cell in enumerate(cells[1:], start=1):
            dates = self.dates(cell, line)
            if dates:
                self.add(line, dates[0], what)
                return
            day = DAY_CELL_RE.search(cell) if column in months else None
            if day:
                number = int(day["day"])
                try:
                    dt.date(2000, months[column], number)
                except ValueError:
                    self.report(line, f"day {number} of a month that has none; not read")
                    return
                weekday = WEEKDAYS.get((day["weekday"] or "").lower())
                self.found.append(
                    _Found(line, months[column], number, None, weekday, what, cell.strip())
                )
                return


def _table_rows(lines: list[str]) -> list[tuple[int, list[str], dict[int, int]]]:
    """Every row of the README's tables (Markdown and HTML), with its cells as plain text
    and the month of each column whose header is a month (``| **JAN** | **FEB** |``)."""
    rows: list[tuple[int, list[str]]] = []
    html_row: tuple[int, list[str]] | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [cell.strip() for cell in _plain(stripped).strip("|").split("|")]
            rows.append((number, cells))
        elif stripped.startswith("<tr"):
            html_row = (number, [])
        elif html_row is not None and stripped.startswith("</tr"):
            rows.append(html_row)
            html_row = None
        elif html_row is not None:
            cell = HTML_CELL_RE.fullmatch(stripped)
            if cell:
                html_row[1].append(_plain(cell["text"]).strip())
    tables = []
    months: dict[int, int] = {}
    for number, cells in rows:
        named = {
            column: MONTH_NUMBERS[cell.strip("* ").lower()]
            for column, cell in enumerate(cells)
            if cell.strip("* ").lower() in MONTH_NUMBERS
        }
        if len(named) >= 2:
            months = named
            continue
        tables.append((number, cells, months))
    return tables


def _first_of_each(found: list[_Found], minor: str) -> dict[str, _Found]:
    """The first date written for each of the four moments."""
    chosen: dict[str, _Found] = {}
    for item in found:
        kind = _kind(item.text, minor)
        if kind and kind not in chosen:
            chosen[kind] = item
    return chosen


def _cycle_year(found: list[_Found], first: _Found, minor: int) -> int:
    """The year the cycle begins in: the year ``first`` falls on its weekday, nearest to the
    years the README writes (else to the version's: three releases a year since 2018)."""
    if first.year is not None:
        return first.year
    years = Counter(f.year for f in found if f.year is not None)
    guess = years.most_common(1)[0][0] if years else round(2015.5 + (minor - 1) / 3.3)
    if first.weekday is None:
        return guess
    for distance in range(0, 8):
        for year in (guess - distance, guess + distance):
            try:
                if dt.date(year, first.month, first.day).weekday() == first.weekday:
                    return year
            except ValueError:
                continue
    return guess


def read_readme(text: str, where: str, version: str) -> tuple[Release, list[str]]:
    """One release's schedule from its README's text; the problems, at ``where:line``."""
    minor = version.split(".")[1]
    reader = _Reader(where, minor)
    lines = text.splitlines()
    for number, item in _items(lines):
        reader.item(number, item)
    items_found = list(reader.found)
    reader.found = []
    for number, line in enumerate(lines, start=1):
        lowered = line.lower()
        if "tl;dr" in lowered or ("release cycle begins on" in lowered and "**" in line):
            reader.sentence(number, line)
    sentences_found = list(reader.found)
    reader.found = []
    for number, cells, months in _table_rows(lines):
        reader.row(number, cells, months)
    # The summary (a sentence or a list) gives each date; the timeline table, where a
    # moved date was changed (1.10's release, put off to 26 March 2018 while its tl;dr
    # still said the 21st, as LWKD of 25 March 2018 reports), wins, and says so.
    summary = _first_of_each(sentences_found + items_found, minor)
    table = _first_of_each(reader.found, minor)
    everything = sentences_found + items_found + reader.found
    dates: dict[str, dt.date | None] = dict.fromkeys(KINDS)
    if summary or table:
        first = (summary.get("cycle_start") or table.get("cycle_start")
                 or min([*summary.values(), *table.values()], key=lambda f: f.line))  # fmt: skip
        year = _cycle_year(everything, first, int(minor))
        said = {kind: reader.date(found, first, year) for kind, found in summary.items()}
        for kind, found in table.items():
            when = reader.date(found, first, year, quiet=kind in said)
            if when is not None and said.get(kind) not in (None, when):
                reader.report(
                    summary[kind].line,
                    f"the summary gives the {kind.replace('_', ' ')} as "
                    f"{said[kind].isoformat()}, the timeline (line {found.line}) as "
                    f"{when.isoformat()}; the timeline's is kept: correct the summary",
                )
            if when is not None or said.get(kind) is None:
                said[kind] = when
        dates.update(said)
    release = Release(
        version=version,
        **dates,
        proposed=bool(PROPOSED_RE.search(text)),
        source=where,
    )
    return release, reader.problems


# -- reading a checkout ---------------------------------------------------------------


def _read_bounded(path: Path) -> bytes:
    """The bytes of a regular file, never through a symbolic link, at most the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError("not a regular file (a pipe, a device, a folder?)")
        if info.st_size > MAX_README_BYTES:
            raise OSError(f"over {MAX_README_BYTES // 1024} KB (a README is under 100 KB)")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            data = handle.read(MAX_README_BYTES + 1)
        if len(data) > MAX_README_BYTES:
            raise OSError(f"over {MAX_README_BYTES // 1024} KB (a README is under 100 KB)")
        return data
    finally:
        os.close(descriptor)


def load_releases(repo: Path) -> tuple[dict[str, Release], list[str]]:
    """Every release of a kubernetes/sig-release checkout, by version; the problems found.

    Raises :class:`SigReleaseError` when ``repo`` has no ``releases/`` folder of release
    READMEs. A README that cannot be read is reported and skipped; a README whose schedule
    says it is proposed keeps ``proposed`` only while no later release has a README (a
    schedule carried out stays written as proposed in 1.14 to 1.23).
    """
    top = repo / "releases"
    if top.is_symlink() or not top.is_dir():
        raise SigReleaseError(
            f"{repo}: no releases/ folder; give a checkout of kubernetes/sig-release"
        )
    releases: dict[str, Release] = {}
    problems: list[str] = []
    for entry in sorted(top.iterdir(), key=lambda p: p.name):
        match = FOLDER_RE.fullmatch(entry.name)
        if match is None:
            continue
        version = f"{int(match[1])}.{int(match[2])}"
        source = f"releases/{entry.name}/README.md"
        readme = entry / "README.md"
        if entry.is_symlink() or not entry.is_dir():
            problems.append(
                f"{repo / 'releases' / entry.name}:1: not a folder (a symbolic "
                "link?); not read: the archive reads only sig-release's own files"
            )
            continue
        if not readme.exists() and not readme.is_symlink():
            continue
        try:
            text = _read_bounded(readme).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = (
                "a symbolic link"
                if readme.is_symlink()
                else (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc))
            )
            problems.append(f"{repo / source}:1: {reason}; not read")
            continue
        release, found = read_readme(text, str(repo / source), version)
        problems.extend(found)
        releases[version] = Release(**{**asdict(release), "source": source})
    if not releases:
        raise SigReleaseError(
            f"{repo}: no releases/release-1.N/README.md; give a checkout of kubernetes/sig-release"
        )
    newest = max(releases.values(), key=lambda r: r.key)
    for version, release in releases.items():
        if release.proposed and release is not newest:
            releases[version] = Release(**{**asdict(release), "proposed": False})
    return dict(sorted(releases.items(), key=lambda item: item[1].key)), problems


# -- releases.json: the compiled facts ------------------------------------------------


def dump_releases(releases: dict[str, Release]) -> str:
    """Serialise as stable JSON: sorted by version, dates as ISO text."""
    rows = []
    for release in sorted(releases.values(), key=lambda r: r.key):
        row = asdict(release)
        for kind in KINDS:
            row[kind] = row[kind].isoformat() if row[kind] else None
        rows.append(row)
    return json.dumps(rows, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


VERSION_RE = re.compile(r"\d{1,3}\.\d{1,3}")
ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_releases(text: str) -> dict[str, Release]:
    """releases.json back into releases, every value checked; ValueError says which is wrong."""
    rows = json.loads(text)
    if not isinstance(rows, list):
        raise ValueError("releases.json is not a list of releases")
    releases: dict[str, Release] = {}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValueError(f"release {index}: not an object")
        version = row.get("version")
        if not isinstance(version, str) or not VERSION_RE.fullmatch(version):
            raise ValueError(f"release {index}: version {version!r} is not like '1.33'")
        values: dict[str, object] = {}
        for kind in KINDS:
            value = row.get(kind)
            if value is None:
                values[kind] = None
            elif isinstance(value, str) and ISO_RE.fullmatch(value):
                values[kind] = dt.date.fromisoformat(value)
            else:
                raise ValueError(f"release {version}: {kind} {value!r} is not a YYYY-MM-DD date")
        proposed = row.get("proposed", False)
        if not isinstance(proposed, bool):
            raise ValueError(f"release {version}: proposed {proposed!r} is not true or false")
        source = row.get("source", "")
        if not isinstance(source, str) or len(source) > 200:
            raise ValueError(f"release {version}: source {source!r} is not a path")
        if version in releases:
            raise ValueError(f"release {version} is listed twice")
        releases[version] = Release(version=version, **values, proposed=proposed, source=source)
    return dict(sorted(releases.items(), key=lambda item: item[1].key))


# -- questions the pages ask -----------------------------------------------------------


#: The cycles of the releases last asked about, for :func:`cycle_of`: a build asks for the
#: cycle of every issue and every mention against one table of releases, read once.
_spans_of: (
    tuple[dict[str, Release], tuple[Release, ...], list[tuple[dt.date, dt.date | None, Release]]]
    | None
) = None


def _cycle_spans(
    releases: dict[str, Release],
) -> list[tuple[dt.date, dt.date | None, Release]]:
    """Each known cycle as (first day, last day or None, release), in release order."""
    global _spans_of
    values = tuple(releases.values())
    if _spans_of is not None and _spans_of[0] is releases and _spans_of[1] == values:
        return _spans_of[2]
    ordered = sorted(values, key=lambda r: r.key)
    spans = []
    for index, release in enumerate(ordered):
        start = release.cycle_start
        if start is None and index and ordered[index - 1].release is not None:
            start = ordered[index - 1].release + dt.timedelta(days=1)
        if start is None:
            continue
        end = release.release
        if end is None:
            later = next((r.cycle_start for r in ordered[index + 1 :] if r.cycle_start), None)
            end = later - dt.timedelta(days=1) if later else None
        spans.append((start, end, release))
    _spans_of = (releases, values, spans)
    return spans


def cycle_of(releases: dict[str, Release], day: dt.date) -> tuple[Release, int] | None:
    """The release whose cycle holds ``day``, and the week of that cycle (week 1 is the
    cycle's first week, Monday to Sunday); None when no known cycle holds it.

    A cycle runs from its first day (or, unknown, the day after the previous release) to
    its release day (or, unreleased, to the day before the next cycle begins; the newest
    unreleased one has no end). The days between a release and the next cycle belong to
    none.
    """
    for start, end, release in _cycle_spans(releases):
        if day < start or (end is not None and day > end):
            continue
        monday = start - dt.timedelta(days=start.weekday())
        return release, (day - monday).days // 7 + 1
    return None


MILESTONE_RE = re.compile(r"v?(\d{1,3})\.(\d{1,3})(?:\.\d{1,3})?")


def version_of(milestone: object) -> str | None:
    """``"v1.33"``, ``"1.33"`` or ``"v1.33.0"`` -> ``"1.33"``; anything else -> None."""
    if not isinstance(milestone, str):
        return None
    match = MILESTONE_RE.fullmatch(milestone.strip())
    return f"{int(match[1])}.{int(match[2])}" if match else None
