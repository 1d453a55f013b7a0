"""Charts of the archive, drawn at build time as static SVG written into the page.

Why hand-written SVG: each chart is a few hundred bytes to a few KB, the same
bytes on every build (no random ids, no dates), needs no script and asks no
other host for anything; its colours are CSS classes that ``_static/lwkd.css``
defines for light and dark mode. Every text comes from data (a KEP's section
titles, issue titles, URLs given by the caller) and is escaped; every number is
formatted here. Each chart has a text equivalent, returned as data for the
template: the chart is a picture of what the page also says.

The pure functions take plain values (:class:`Stage`, :class:`Mark`, release
objects of :mod:`lwkd_archive.facts.releases`' shape); :mod:`lwkd_archive.pages.journeys`
computes them for KEP and group pages, :func:`home_context` for the home page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from markupsafe import Markup, escape

from lwkd_archive.facts.dates import human_date
from lwkd_archive.wording import plural

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from sphinx.application import Sphinx

#: The stages a KEP passes, in order.
STAGES = ("alpha", "beta", "stable")
#: The drawing's width in SVG units: the page scales it to its column (``width: 100%``).
WIDTH = 400
#: Average width of a character of the charts' 13px labels, to keep labels apart.
CHAR_WIDTH = 7.2
#: The sections LWKD writes most, each with its colour class, and what else goes with it.
SECTION_KINDS = (
    ("kotw", "KEP of the Week"),
    ("merges", "Merges"),
    ("promotions", "Promotions"),
    ("deprecated", "Deprecated"),
    ("news", "Developer News"),
    ("schedule", "Release Schedule"),
    ("other", "Other sections"),
)


class ReleaseLike(Protocol):
    """What a chart reads of a release (``lwkd_archive.facts.releases.Release``)."""

    version: str
    cycle_start: dt.date | None
    release: dt.date | None
    proposed: bool

    @property
    def key(self) -> tuple[int, int]: ...


@dataclass(frozen=True)
class Stage:
    """A stage of a KEP: its name, the release (``"1.29"``) and whether it was reached."""

    name: str
    version: str
    reached: bool


@dataclass(frozen=True)
class Mark:
    """One mention of a KEP: its issue's week, section, address and release cycle."""

    week_ending: dt.date
    section: str
    url: str
    title: str
    #: The release cycle (``"1.29"``) the week falls in, or "" outside every known cycle.
    cycle: str = ""


@dataclass(frozen=True)
class Cycle:
    """A release cycle on the time axis: from its first day to its last (None: still open)."""

    version: str
    start: dt.date
    end: dt.date | None
    release: dt.date | None
    proposed: bool
    #: A release kep.yaml targets before sig-release has its schedule: placed at an estimate.
    estimated: bool = False


#: Releases whose cycles are estimated, past the last scheduled one, at most.
MAX_ESTIMATED = 8


def estimated_cycles(cycles: Sequence[Cycle], versions: Sequence[str]) -> list[Cycle]:
    """Cycles for the releases in ``versions`` newer than every scheduled one, estimated.

    kep.yaml plans stages for releases sig-release has no schedule of yet (stable in
    v1.39); each is placed one average cycle (of the last four releases) after the
    one before it, so a planned stage is drawn where it would fall, marked as estimated.
    """
    dated = [c for c in cycles if c.release is not None]
    if len(dated) < 2:
        return []
    last = dated[-1]
    major, minor = (int(n) for n in last.version.split("."))
    wanted = set()
    for version in versions:
        parts = version.split(".")
        if (
            len(parts) == 2
            and all(p.isdigit() for p in parts)
            and int(parts[0]) == major
            and minor < int(parts[1]) <= minor + MAX_ESTIMATED
        ):
            wanted.add(int(parts[1]))
    if not wanted:
        return []
    recent = dated[-5:]
    gaps = [(b.release - a.release).days for a, b in zip(recent, recent[1:], strict=False)]
    step = dt.timedelta(days=round(sum(gaps) / len(gaps)))
    estimated, previous = [], last.release
    for n in range(minor + 1, max(wanted) + 1):
        release = previous + step
        estimated.append(
            Cycle(f"{major}.{n}", previous + dt.timedelta(days=1), release, release, True, True)
        )
        previous = release
    return estimated


def section_kind(section: str) -> str:
    """The colour class of a section title: one of :data:`SECTION_KINDS`.

    LWKD's titles vary (``Other Merges``, ``Featured PRs``, ``1.14 Merges``,
    ``Deprecations``, ``Removals``), so the title's words decide.
    """
    words = section.casefold()
    if "kep of the week" in words or "featured kep" in words:
        return "kotw"
    if "promot" in words or words.startswith("now "):
        return "promotions"
    if "deprecat" in words or "remov" in words:
        return "deprecated"
    if "merge" in words or "featured pr" in words:
        return "merges"
    if "developer news" in words:
        return "news"
    if "release schedule" in words or "release slip" in words or "deadline" in words:
        return "schedule"
    return "other"


def release_cycles(releases: Mapping[str, ReleaseLike]) -> list[Cycle]:
    """The release cycles that can be placed on a time axis, oldest first.

    A cycle starts at its ``cycle_start`` (or the day after the previous
    release) and ends on its release day (or, unreleased, the day before the
    next cycle starts; open when there is none). A cycle with neither start is
    not drawn; a start before the previous cycle's end is moved after it, so
    bands never overlap.
    """
    ordered = sorted(releases.values(), key=lambda r: r.key)
    cycles: list[Cycle] = []
    for n, release in enumerate(ordered):
        previous = ordered[n - 1] if n else None
        start = release.cycle_start
        if start is None and previous is not None and previous.release is not None:
            start = previous.release + dt.timedelta(days=1)
        if start is None:
            continue
        if cycles and cycles[-1].end is not None and start <= cycles[-1].end:
            start = cycles[-1].end + dt.timedelta(days=1)
        end = release.release
        later = next((r.cycle_start for r in ordered[n + 1 :] if r.cycle_start), None)
        if end is None and later is not None:
            end = later - dt.timedelta(days=1)
        if end is not None and end < start:
            end = start
        cycles.append(Cycle(release.version, start, end, release.release, release.proposed))
    return cycles


def _num(value: float) -> str:
    """A coordinate as short text: at most one decimal, no trailing ``.0``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _ident(text: str) -> str:
    """An id for the page: lower-case letters, digits and hyphens only."""
    return re.sub(r"[^a-z0-9-]+", "-", text.casefold()).strip("-") or "chart"


def _safe_url(url: str) -> str:
    """The address a mark links to, or "" for one that is not a page's or web address."""
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", url)
    if scheme and scheme.group(1).casefold() not in {"http", "https"}:
        return ""
    return url


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _open_svg(
    ident: str, height: float, title: str, desc: str, kind: str, *, linked: bool = False
) -> list[str]:
    """The chart's opening tag, title and description.

    A picture is ``role="img"``; a ``linked`` one (marks that are links) is a named
    ``role="group"``, since an image cannot hold links a reader can reach: its links
    keep their names (their ``<title>``) and :func:`_drawing` hides the rest.
    """
    ident = _ident(ident)
    role = "group" if linked else "img"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lwkd-chart lc-{kind}" role="{role}" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" width="100%" '
        f'aria-labelledby="{ident}-t {ident}-d">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
    ]


def _drawing(parts: Sequence[str]) -> tuple[list[str], bool]:
    """The chart's parts, and whether any is a link.

    With links, every run of parts between them (bands, labels, legend) is put in a
    ``<g aria-hidden="true">``: assistive technology meets the chart as its name and its
    links, and the page's text says what the drawing shows.
    """
    if not any(part.startswith("<a ") for part in parts):
        return list(parts), False
    drawn: list[str] = []
    hidden: list[str] = []
    for part in parts:
        if part.startswith("<a "):
            if hidden:
                drawn.append(f'<g aria-hidden="true">{"".join(hidden)}</g>')
                hidden = []
            drawn.append(part)
        else:
            hidden.append(part)
    if hidden:
        drawn.append(f'<g aria-hidden="true">{"".join(hidden)}</g>')
    return drawn, True


def _legend(items: Sequence[tuple[str, str]], top: float) -> tuple[list[str], float]:
    """Legend entries (shape markup, label) in rows that fit the width; returns the bottom."""
    parts: list[str] = []
    x, y = 8.0, top + 12
    for shape, label in items:
        width = 16 + _text_width(label) + 12
        if x > 8 and x + width > WIDTH - 4:
            x, y = 8.0, y + 16
        parts.append(
            f'<g transform="translate({_num(x)} {_num(y)})">{shape}'
            f'<text x="13" y="4">{escape(label)}</text></g>'
        )
        x += width
    return parts, y + 8


def _clamp(centre: float, width: float) -> float:
    """The centre of a label of ``width``, moved inside the drawing if it would stick out."""
    return min(max(centre, width / 2 + 2), WIDTH - width / 2 - 2)


def _thin(positions: Sequence[float], widths: Sequence[float], gap: float = 6) -> list[bool]:
    """Which labels to draw: each one only where it does not touch the last one drawn."""
    keep = []
    right = -1e9
    for x, width in zip(positions, widths, strict=True):
        if x - width / 2 >= right + gap:
            keep.append(True)
            right = x + width / 2
        else:
            keep.append(False)
    return keep


def _stage_label(version: str, stages: Sequence[Stage]) -> str:
    """What a KEP was in a cycle: the stage of that release, or the last one before it."""
    if not version:
        return ""
    key = _version_key(version)
    current = ""
    for s in stages:
        s_key = _version_key(s.version)
        if key is None or s_key is None or s_key > key:
            continue
        if s_key == key:
            return s.name if s.reached else f"{s.name} planned"
        if s.reached:
            current = s.name
    return current or "before alpha"


def _version_key(version: str) -> tuple[int, int] | None:
    """``"1.29"`` as (1, 29), for ordering versions the caller already normalised."""
    match = re.fullmatch(r"(\d+)\.(\d+)", version)
    return (int(match.group(1)), int(match.group(2))) if match else None


def kep_journey(
    number: int,
    releases: Mapping[str, ReleaseLike],
    stages: Sequence[Stage],
    marks: Sequence[Mark],
) -> dict[str, Any] | None:
    """The journey of a KEP: release cycles, the stages it reached or plans, its mentions.

    Returns ``{"svg": Markup, "first", "last", "cycle_count", "stages", "mentions"}``
    (the text equivalent: each mention with its cycle and the KEP's stage then),
    or None when no release has a date to draw against.
    """
    cycles = release_cycles(releases)
    if not cycles:
        return None
    cycles += estimated_cycles(cycles, [s.version for s in stages])
    by_version = {c.version: c for c in cycles}
    marks = sorted(marks, key=lambda m: (m.week_ending, m.url, m.section))
    placed: list[tuple[Stage, dt.date]] = [
        (s, day) for s in stages if (day := _release_day(by_version, s.version)) is not None
    ]
    days = [m.week_ending for m in marks] + [day for _, day in placed]
    if not days:
        return None
    lo, hi = min(days), max(days)
    shown = [c for c in cycles if (c.end is None or c.end >= lo) and c.start <= hi]
    if not shown:
        # Everything between two cycles: draw the cycles on either side.
        before = [c for c in cycles if c.end is not None and c.end < lo]
        shown = before[-1:] + [c for c in cycles if c.start > hi][:1]
    first_day = min([lo, *(c.start for c in shown)]) - dt.timedelta(days=7)
    last_day = max([hi, *(c.end for c in shown if c.end)]) + dt.timedelta(days=7)
    span = max((last_day - first_day).days, 1)
    left, right = 10.0, WIDTH - 10.0

    def x_of(day: dt.date) -> float:
        return left + (right - left) * (day - first_day).days / span

    band_top, band_bottom, marker_y, mark_base = 16.0, 108.0, 56.0, 100.0
    parts: list[str] = []
    # Bands, one per cycle, with version labels thinned when crowded.
    centres, labels = [], []
    for n, cycle in enumerate(shown):
        x0 = x_of(max(cycle.start, first_day))
        x1 = x_of(min(cycle.end or last_day, last_day) + dt.timedelta(days=1))
        parts.append(
            f'<rect class="lc-band{n % 2}{" lc-proposed" if cycle.proposed else ""}" '
            f'x="{_num(x0)}" y="{_num(band_top)}" '
            f'width="{_num(max(x1 - x0, 0.5))}" height="{_num(band_bottom - band_top)}"/>'
        )
        labels.append(f"v{cycle.version}")
        centres.append(_clamp((x0 + x1) / 2, _text_width(labels[-1])))
    for centre, label, keep in zip(
        centres, labels, _thin(centres, [_text_width(t) for t in labels]), strict=True
    ):
        if keep:
            parts.append(
                f'<text class="lc-cycle" x="{_num(centre)}" y="12" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    # Years along the axis.
    parts.append(f'<path class="lc-axis" d="M{_num(left)} {_num(band_bottom)}H{_num(right)}"/>')
    years = [dt.date(y, 1, 1) for y in range(first_day.year + 1, last_day.year + 1)]
    year_x = [x_of(d) for d in years]
    for day, x, keep in zip(years, year_x, _thin(year_x, [30.0] * len(years)), strict=True):
        parts.append(f'<path class="lc-axis" d="M{_num(x)} {_num(band_bottom)}v4"/>')
        if keep:
            parts.append(
                f'<text class="lc-muted" x="{_num(x)}" y="124" text-anchor="middle">'
                f"{day.year}</text>"
            )
    # Stages: reached ones filled, planned ones hollow and dashed; labels on two rows.
    rows: list[float] = [-1e9, -1e9]
    for stage, day in placed:
        x = x_of(day)
        cls = "lc-reached" if stage.reached else "lc-planned"
        words = f"{stage.name} v{stage.version}" + ("" if stage.reached else " (planned)")
        parts.append(
            f'<path class="{cls}" d="M{_num(x)} {_num(marker_y - 6)}l6 6-6 6-6-6z">'
            f"<title>{escape(words)}</title></path>"
        )
        label = stage.name if stage.reached else f"{stage.name}?"
        width = _text_width(label)
        centre = _clamp(x, width)
        for row, baseline in enumerate((45.0, 31.0)):
            if centre - width / 2 >= rows[row] + 4:
                rows[row] = centre + width / 2
                parts.append(
                    f'<text class="lc-stage" x="{_num(centre)}" y="{_num(baseline)}" '
                    f'text-anchor="middle">{escape(label)}</text>'
                )
                break
    # Mentions: a mark per issue and section, stacked where weeks are close.
    stacks: dict[int, int] = {}
    kinds_seen: list[str] = []
    for mark in marks:
        x = x_of(mark.week_ending)
        column = round(x / 10)
        level = min(stacks.get(column, 0), 3)
        stacks[column] = stacks.get(column, 0) + 1
        kind = section_kind(mark.section)
        if kind not in kinds_seen:
            kinds_seen.append(kind)
        tip = f"{mark.title}: {mark.section}" if mark.section else mark.title
        circle = f'<circle class="lc-{kind}" cx="{_num(x)}" cy="{_num(mark_base - 11 * level)}" r="4.5"/>'
        url = _safe_url(mark.url)
        if url:
            parts.append(f'<a href="{escape(url)}"><title>{escape(tip)}</title>{circle}</a>')
        else:
            parts.append(f"<g><title>{escape(tip)}</title>{circle}</g>")
    # The legend: the sections present, then the two kinds of stage marker.
    names = dict(SECTION_KINDS)
    legend = [
        (f'<circle class="lc-{kind}" cx="4" r="4"/>', names[kind])
        for kind, _ in SECTION_KINDS
        if kind in kinds_seen
    ]
    if any(s.reached for s, _ in placed):
        legend.append(('<path class="lc-reached" d="M4-5l5 5-5 5-5-5z"/>', "stage reached"))
    if any(not s.reached for s, _ in placed):
        legend.append(('<path class="lc-planned" d="M4-5l5 5-5 5-5-5z"/>', "stage planned"))
    legend_parts, bottom = _legend(legend, 132)

    reached = [f"{s.name} in v{s.version}" for s in stages if s.reached]
    planned = [f"{s.name} planned for v{s.version}" for s in stages if not s.reached]
    title = f"The journey of KEP-{number}" + (": " + ", ".join(reached + planned) if stages else "")
    cycles_mentioned = sorted({m.cycle for m in marks if m.cycle}, key=version_key_or_zero)
    desc = (
        f"Release cycles v{shown[0].version} to v{shown[-1].version} along a time axis, "
        f"with {len(marks)} mention{'s' if len(marks) != 1 else ''} in LWKD"
        + (
            f", from {human_date(marks[0].week_ending)} to {human_date(marks[-1].week_ending)}, "
            f"in {len(cycles_mentioned)} release cycle{'s' if len(cycles_mentioned) != 1 else ''}"
            if marks
            else ""
        )
        + "."
    )
    guessed = [c.version for c in shown if c.estimated]
    if guessed:
        desc += (
            f" v{guessed[0]}{f' to v{guessed[-1]}' if len(guessed) > 1 else ''} has no schedule "
            "yet: drawn one average cycle after the release before."
        )
    unplaced = [s for s in stages if s not in {p for p, _ in placed}]
    if unplaced:
        desc += " Not drawn, no release date known: " + ", ".join(
            f"{s.name} v{s.version}" for s in unplaced
        )
        desc += "."
    drawing, linked = _drawing(parts + legend_parts)
    svg = _open_svg(f"kep-{number}-journey", bottom, title, desc, "journey", linked=linked)
    svg += drawing + ["</svg>"]
    mentions = []
    for mark in marks:
        stage_then = _stage_label(mark.cycle, stages)
        label = f"during v{mark.cycle}, {stage_then}" if mark.cycle else "between release cycles"
        mentions.append(
            {
                "week_ending": mark.week_ending.isoformat(),
                "title": mark.title,
                "url": _safe_url(mark.url),
                "section": mark.section,
                "kind": section_kind(mark.section),
                "cycle": mark.cycle,
                "stage": stage_then if mark.cycle else "",
                "label": label,
            }
        )
    return {
        "svg": Markup("".join(svg)),
        "first": mentions[0] if mentions else None,
        "last": mentions[-1] if mentions else None,
        "cycle_count": len(cycles_mentioned),
        "stages": [
            {
                "stage": s.name,
                "version": s.version,
                "reached": s.reached,
                "date": d.isoformat() if (d := _release_day(by_version, s.version)) else "",
                "date_text": human_date(d) if d else "",
                # No schedule yet: the date is the chart's estimate.
                "estimated": bool((c := by_version.get(s.version)) and c.estimated),
            }
            for s in stages
        ],
        "mentions": mentions,
    }


def version_key_or_zero(version: str) -> tuple[int, int]:
    return _version_key(version) or (0, 0)


def _release_day(by_version: Mapping[str, Cycle], version: str) -> dt.date | None:
    cycle = by_version.get(version)
    return cycle.release if cycle else None


def _nice_top(value: int) -> int:
    """The top of a value axis: 1, 2 or 5 times a power of ten, at least ``value``."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def bar_chart(
    ident: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
    *,
    stacked: bool = False,
    urls: Sequence[str] | None = None,
    unit: str = "",
) -> Markup:
    """Bars per category (a release, a year) for one or more series, side by side or stacked.

    ``series`` is (label, colour class, one count per category). ``urls``: an address per
    category that its bars link to ("" for none). Category labels are thinned when crowded;
    each bar has its count as a tooltip, and over wide bars as a label.
    """
    legend_parts, legend_bottom = _legend(
        [
            (f'<rect class="lc-{cls}" y="-4" width="9" height="9"/>', name)
            for name, cls, _ in series
        ],
        -4,
    )
    top, bottom = legend_bottom + 10, legend_bottom + 130
    left, right = 30.0, WIDTH - 6.0
    totals = [
        sum(values[i] for _, _, values in series)
        if stacked
        else max((values[i] for _, _, values in series), default=0)
        for i in range(len(categories))
    ]
    peak = _nice_top(max(totals, default=0) or 1)
    slot = (right - left) / max(len(categories), 1)

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / peak

    parts = list(legend_parts)
    for tick in (0, peak // 2, peak) if peak > 1 else (0, peak):
        y = y_of(tick)
        parts.append(f'<path class="lc-grid" d="M{_num(left)} {_num(y)}H{_num(right)}"/>')
        parts.append(
            f'<text class="lc-muted" x="{_num(left - 4)}" y="{_num(y + 4)}" '
            f'text-anchor="end">{tick}</text>'
        )
    bar_width = slot * 0.8 / (1 if stacked else len(series))
    for i, category in enumerate(categories):
        x0 = left + slot * i + slot * 0.1
        base = 0
        # One tooltip per category, for all its bars; a bar of nothing is not drawn.
        tip = f"{category}: " + ", ".join(f"{values[i]} {name}" for name, _, values in series)
        bars = [f"<title>{escape(tip)}</title>"]
        for n, (_, cls, values) in enumerate(series):
            value = values[i]
            x = x0 if stacked else x0 + bar_width * n
            y1 = y_of(base)
            y0 = y_of(base + value)
            if value:
                bars.append(
                    f'<rect class="lc-{cls}" x="{_num(x)}" y="{_num(y0)}" '
                    f'width="{_num(bar_width)}" height="{_num(y1 - y0)}"/>'
                )
            if not stacked and bar_width >= 16 and value:
                bars.append(
                    f'<text class="lc-value" x="{_num(x + bar_width / 2)}" y="{_num(y0 - 3)}" '
                    f'text-anchor="middle">{value}</text>'
                )
            if stacked:
                base += value
        url = _safe_url(urls[i]) if urls else ""
        if url:
            parts.append(f'<a href="{escape(url)}">{"".join(bars)}</a>')
        elif len(bars) > 1:
            parts.append(f"<g>{''.join(bars)}</g>")
    centres = [_clamp(left + slot * (i + 0.5), _text_width(c)) for i, c in enumerate(categories)]
    for centre, category, keep in zip(
        centres,
        categories,
        _thin(centres, [_text_width(c) for c in categories]),
        strict=True,
    ):
        if keep:
            parts.append(
                f'<text x="{_num(centre)}" y="{_num(bottom + 15)}" text-anchor="middle">'
                f"{escape(category)}</text>"
            )
    drawing, linked = _drawing(parts)
    svg = _open_svg(ident, bottom + 22, title, desc, "bars", linked=linked)
    return Markup("".join([*svg, *drawing, "</svg>"]))


def sig_activity(slug: str, name: str, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """A group's activity per release cycle: its issues and its KEPs that reached a stage.

    ``rows``: ``{"version", "issues", "keps"}`` per cycle, oldest first. Returns
    ``{"svg", "rows"}`` (the rows are the table equivalent), or None with no row.
    """
    rows = [dict(r) for r in rows]
    if not rows:
        return None
    versions = [f"v{r['version']}" for r in rows]
    issues = [int(r["issues"]) for r in rows]
    keps = [int(r["keps"]) for r in rows]
    desc = (
        f"From v{rows[0]['version']} to v{rows[-1]['version']}: "
        f"{plural(sum(issues), 'issue')} about {name}; its KEPs reached "
        f"{plural(sum(keps), 'stage')}. Busiest cycle: "
        f"{versions[issues.index(max(issues))]} ({plural(max(issues), 'issue')})."
    )
    svg = bar_chart(
        f"{slug}-activity",
        f"{name} in LWKD per release cycle",
        desc,
        versions,
        [("issues", "issues", issues), ("KEPs that moved", "moved", keps)],
    )
    return {"svg": svg, "rows": rows}


def stage_chart(stage_counts: Sequence[Mapping[str, Any]]) -> Markup | None:
    """KEPs per stage per release, stacked: ``{"version", "alpha", "beta", "stable"}`` each."""
    if not stage_counts:
        return None
    versions = [f"v{r['version']}" for r in stage_counts]
    series = [(s, s, [int(r.get(s, 0)) for r in stage_counts]) for s in STAGES]
    total = sum(sum(values) for _, _, values in series)
    desc = (
        f"Releases v{stage_counts[0]['version']} to v{stage_counts[-1]['version']}: "
        + ", ".join(f"{sum(values)} {s}" for s, _, values in series)
        + f" ({total} in all)."
    )
    return bar_chart(
        "release-stages", "KEPs per stage per release", desc, versions, series, stacked=True
    )


def years_chart(rows: Sequence[Mapping[str, Any]]) -> Markup | None:
    """The archive's shape: issues per year and KEPs mentioned per year.

    ``rows``: ``{"year", "issues", "keps", "url"}`` oldest first; a year's bars link to its page.
    """
    if not rows:
        return None
    years = [str(r["year"]) for r in rows]
    issues = [int(r["issues"]) for r in rows]
    keps = [int(r["keps"]) for r in rows]
    desc = (
        f"{plural(sum(issues), 'issue')} from {years[0]} to {years[-1]}; "
        + "; ".join(
            f"{y}: {plural(i, 'issue')}, {plural(k, 'KEP')}"
            for y, i, k in zip(years, issues, keps, strict=True)
        )
        + "."
    )
    return bar_chart(
        "archive-years",
        "The archive by year: issues, and KEPs they mentioned",
        desc,
        years,
        [("issues", "issues", issues), ("KEPs mentioned", "keps", keps)],
        urls=[str(r.get("url", "")) for r in rows],
    )


# --- The home page ------------------------------------------------------------------------


def _years_rows(views: Any) -> list[dict[str, Any]]:
    """Per year of the archive: its issues, and the KEPs they mentioned."""
    return [
        {
            "year": year,
            "issues": len(views.by_year[year]),
            "keps": len({n for issue in views.by_year[year] for n in issue.keps}),
        }
        for year in sorted(views.by_year)
    ]


def home_outdated(app: Sphinx, env: Any) -> list[str]:
    """For ``env-updated``: the home page, when what its chart shows changed.

    Its text does not change when an issue is added, a draft comes out or KEP facts
    change, so Sphinx would not write it again; the chart would go stale."""
    digest = repr(_years_rows(env.domains["lwkd"].views))
    data = env.domains["lwkd"].data
    if data.get("home_chart") == digest:
        return []
    data["home_chart"] = digest
    return [app.config.root_doc]


def home_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """Give the home page ``lwkd_years_chart``: issues and KEPs mentioned per year.

    For ``html-page-context``; only the root document gets it. :func:`home_outdated`
    has the home page written again whenever the chart's numbers change.
    """
    if pagename != app.config.root_doc:
        return
    rows = [
        {**row, "url": app.builder.get_relative_uri(pagename, f"archive/{row['year']}")}
        for row in _years_rows(app.env.domains["lwkd"].views)
    ]
    context["lwkd_years_chart"] = years_chart(rows)
