"""The charts: static SVG drawn at build time, and their text equivalents.

Unit tests build charts from hand-made releases, stages and mentions and read the SVG
back with xml.etree; one tiny Sphinx build with a hand-written releases.json shows the
journey of a KEP on its page and the activity of a SIG on its page. Every expected
answer is worked out by hand from the facts below.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

import lwkd_archive
from lwkd_archive.facts.releases import Release
from lwkd_archive.pages import charts
from lwkd_archive.pages.charts import Mark, Stage
from tests.conftest import RELEASE_SITE_CONF

SVG = "{http://www.w3.org/2000/svg}"
D = dt.date


def release(version, start, release_day, proposed=False):
    return Release(version, start, None, None, release_day, proposed)


#: Real dates of kubernetes/sig-release's schedules for 1.27 to 1.33.
RELEASES = {
    r.version: r
    for r in (
        release("1.27", D(2023, 1, 9), D(2023, 4, 11)),
        release("1.28", D(2023, 5, 15), D(2023, 8, 15)),
        release("1.29", D(2023, 9, 4), D(2023, 12, 13)),
        release("1.30", D(2024, 1, 8), D(2024, 4, 17)),
        release("1.31", D(2024, 5, 13), D(2024, 8, 13)),
        release("1.32", D(2024, 9, 9), D(2024, 12, 11)),
        release("1.33", D(2025, 1, 13), D(2025, 4, 23)),
    )
}
#: KEP-753 (sidecar containers): alpha 1.28, beta 1.29, stable 1.33 (planned here).
STAGES = [Stage("alpha", "1.28", True), Stage("beta", "1.29", True), Stage("stable", "1.33", False)]
SECTIONS = ("KEP of the Week", "Merges", "Other Merges", "Promotions", "Developer News",
            "Release Schedule", "Featured PRs", "Shoutouts")  # fmt: skip


def cycle_by_hand(day):
    """The cycle of a day by RELEASES above, worked out for the weeks the tests use."""
    for r in RELEASES.values():
        if r.cycle_start <= day <= r.release:
            return r.version
    return ""


def mark(day, section="Merges", url=None, title=None):
    return Mark(
        day,
        section,
        url if url is not None else f"../archive/{day.year}/{day.isoformat()}.html#s",
        title or f"Week Ending {day.isoformat()}",
        cycle_by_hand(day),
    )


#: Fifteen mentions, every seven weeks from 14 May 2023 (a week between 1.27 and 1.28).
MARKS = [
    mark(D(2023, 5, 14) + dt.timedelta(weeks=7 * n), SECTIONS[n % len(SECTIONS)]) for n in range(15)
]


def parse(svg):
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    return root


def texts(root):
    return [e.text for e in root.iter(f"{SVG}text")]


def test_section_kinds_follow_lwkd_titles():
    assert charts.section_kind("KEP of the Week") == "kotw"
    assert charts.section_kind("Other Merges") == "merges"
    assert charts.section_kind("1.14 Merges") == "merges"
    assert charts.section_kind("Featured PRs") == "merges"
    assert charts.section_kind("Promotions") == "promotions"
    assert charts.section_kind("Deprecations") == "deprecated"
    assert charts.section_kind("Removals") == "deprecated"
    assert charts.section_kind("Developer News") == "news"
    assert charts.section_kind("Release Schedule") == "schedule"
    assert charts.section_kind("Shoutouts") == "other"
    assert charts.section_kind("") == "other"


def test_cycles_start_after_the_previous_release_and_an_open_one_ends_before_the_next():
    cycles = charts.release_cycles(
        {
            "1.9": release("1.9", D(2017, 10, 2), D(2017, 12, 15)),
            # No start written: the day after 1.9's release.
            "1.10": release("1.10", None, D(2018, 3, 26)),
            # No release day yet: until the day before 1.12 begins.
            "1.11": release("1.11", D(2018, 4, 2), None, proposed=True),
            "1.12": release("1.12", D(2018, 7, 9), None),
        }
    )
    assert [(c.version, c.start, c.end) for c in cycles] == [
        ("1.9", D(2017, 10, 2), D(2017, 12, 15)),
        ("1.10", D(2017, 12, 16), D(2018, 3, 26)),
        ("1.11", D(2018, 4, 2), D(2018, 7, 8)),
        ("1.12", D(2018, 7, 9), None),
    ]


def test_the_journey_is_an_accessible_svg_with_a_title_and_a_description():
    journey = charts.kep_journey(753, RELEASES, STAGES, MARKS)
    root = parse(journey["svg"])
    # Its marks are links: a named group (an image holds no links), the rest aria-hidden.
    assert root.get("role") == "group"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 400 ")
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert title.text == (
        "The journey of KEP-753: alpha in v1.28, beta in v1.29, stable planned for v1.33"
    )
    assert desc.text.startswith(
        # 1.27 ended (11 April 2023) before the first mention: not drawn.
        "Release cycles v1.28 to v1.33 along a time axis, with 15 mentions in LWKD, "
        "from 14 May 2023 to 30 March 2025, in 6 release cycles."
    )
    # One band per cycle, shaded in turn, each labelled with its version.
    bands = [e.get("class") for e in root.iter(f"{SVG}rect")]
    assert bands == ["lc-band0", "lc-band1"] * 3
    assert [t for t in texts(root) if t.startswith("v1.")] == [f"v1.{n}" for n in range(28, 34)]


def test_a_reached_stage_is_filled_and_a_planned_one_hollow():
    root = parse(charts.kep_journey(753, RELEASES, STAGES, MARKS)["svg"])
    markers = {
        e.find(f"{SVG}title").text: e.get("class")
        for e in root.iter(f"{SVG}path")
        if e.find(f"{SVG}title") is not None
    }
    assert markers == {
        "alpha v1.28": "lc-reached",
        "beta v1.29": "lc-reached",
        "stable v1.33 (planned)": "lc-planned",
    }
    assert {"alpha", "beta", "stable?"} <= set(texts(root))
    css = (Path(lwkd_archive.__file__).parents[1] / "_static" / "lwkd.css").read_text()
    planned = css[css.index(".lwkd-chart .lc-planned {") :].split("}", 1)[0]
    assert "stroke-dasharray" in planned


def test_each_mention_is_a_link_to_its_issue_coloured_by_its_section():
    root = parse(charts.kep_journey(753, RELEASES, STAGES, MARKS)["svg"])
    links = [a for a in root.iter(f"{SVG}a")]
    assert [a.get("href") for a in links] == [m.url for m in MARKS]
    first = links[0]
    assert first.find(f"{SVG}title").text == "Week Ending 2023-05-14: KEP of the Week"
    assert first.find(f"{SVG}circle").get("class") == "lc-kotw"
    assert [a.find(f"{SVG}circle").get("class") for a in links[:8]] == [
        "lc-kotw", "lc-merges", "lc-merges", "lc-promotions", "lc-news", "lc-schedule",
        "lc-merges", "lc-other",
    ]  # fmt: skip
    legend = [g.find(f"{SVG}text").text for g in root.iter(f"{SVG}g") if g.get("transform")]
    assert legend == [
        "KEP of the Week", "Merges", "Promotions", "Developer News", "Release Schedule",
        "Other sections", "stage reached", "stage planned",
    ]  # fmt: skip


def test_the_text_equivalent_labels_each_mention_with_its_cycle_and_stage():
    journey = charts.kep_journey(753, RELEASES, STAGES, MARKS)
    labels = [(m["week_ending"], m["label"]) for m in journey["mentions"]]
    assert labels == [
        ("2023-05-14", "between release cycles"),  # 1.27 shipped 11 April, 1.28 began 15 May
        ("2023-07-02", "during v1.28, alpha"),
        ("2023-08-20", "between release cycles"),
        ("2023-10-08", "during v1.29, beta"),
        ("2023-11-26", "during v1.29, beta"),
        ("2024-01-14", "during v1.30, beta"),
        ("2024-03-03", "during v1.30, beta"),
        ("2024-04-21", "between release cycles"),
        ("2024-06-09", "during v1.31, beta"),
        ("2024-07-28", "during v1.31, beta"),
        ("2024-09-15", "during v1.32, beta"),
        ("2024-11-03", "during v1.32, beta"),
        ("2024-12-22", "between release cycles"),
        ("2025-02-09", "during v1.33, stable planned"),
        ("2025-03-30", "during v1.33, stable planned"),
    ]
    assert journey["first"]["week_ending"] == "2023-05-14"
    assert journey["last"]["week_ending"] == "2025-03-30"
    assert journey["cycle_count"] == 6
    assert journey["stages"] == [
        {
            "stage": "alpha",
            "version": "1.28",
            "reached": True,
            "date": "2023-08-15",
            "date_text": "15 August 2023",
            "estimated": False,
        },
        {
            "stage": "beta",
            "version": "1.29",
            "reached": True,
            "date": "2023-12-13",
            "date_text": "13 December 2023",
            "estimated": False,
        },
        {
            "stage": "stable",
            "version": "1.33",
            "reached": False,
            "date": "2025-04-23",
            "date_text": "23 April 2025",
            "estimated": False,
        },
    ]


def test_before_its_first_stage_a_kep_is_before_alpha():
    journey = charts.kep_journey(753, RELEASES, STAGES, [mark(D(2023, 2, 5))])
    assert journey["mentions"][0]["label"] == "during v1.27, before alpha"


def test_a_mention_between_two_cycles_is_drawn_between_their_bands():
    journey = charts.kep_journey(753, RELEASES, [], [mark(D(2023, 8, 27))])
    root = parse(journey["svg"])
    assert [t for t in texts(root) if t.startswith("v1.")] == ["v1.28", "v1.29"]
    assert journey["mentions"][0]["label"] == "between release cycles"
    assert journey["cycle_count"] == 0


def test_hostile_section_titles_and_addresses_are_text():
    hostile = [
        mark(D(2024, 2, 4), section="<script>alert(1)</script>", title='"><img src=x>'),
        mark(D(2024, 3, 3), url="javascript:alert(1)"),
    ]
    journey = charts.kep_journey(753, RELEASES, STAGES, hostile)
    svg = str(journey["svg"])
    assert "<script" not in svg
    assert "<img" not in svg
    root = parse(svg)
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", "script", f"{SVG}img")]
    tips = [t.text for t in root.iter(f"{SVG}title")]
    assert '"><img src=x>: <script>alert(1)</script>' in tips
    # A javascript: address is no link: one mark links, the other is a group.
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == [hostile[0].url]
    assert "javascript" not in svg
    assert journey["mentions"][1]["url"] == ""


def test_a_realistic_journey_is_a_few_kilobytes():
    svg = charts.kep_journey(753, RELEASES, STAGES, MARKS)["svg"]
    assert 2_000 < len(svg.encode()) < 8_000


def test_no_release_dates_draw_nothing():
    assert charts.kep_journey(753, {}, STAGES, MARKS) is None
    undated = {"1.28": release("1.28", None, None), "1.29": release("1.29", None, None)}
    assert charts.kep_journey(753, undated, STAGES, MARKS) is None
    # Dates, but nothing to place: no mention and no stage with a release day.
    # (v1.60 is further than any release is estimated: 1.33 + 8.)
    assert charts.kep_journey(753, RELEASES, [Stage("alpha", "1.60", False)], []) is None


def test_a_stage_without_a_release_day_is_said_not_drawn():
    stages = [*STAGES[:2], Stage("stable", "1.60", False)]
    journey = charts.kep_journey(753, RELEASES, stages, MARKS)
    root = parse(journey["svg"])
    assert root.find(f"{SVG}desc").text.endswith("Not drawn, no release date known: stable v1.60.")
    assert "stable?" not in texts(root)


def test_a_stage_planned_for_a_release_without_a_schedule_is_drawn_planned_at_an_estimate():
    # KEP-784: alpha in v1.33, stable planned for v1.36; sig-release has schedules to v1.33 here.
    stages = [Stage("alpha", "1.33", True), Stage("stable", "1.36", False)]
    journey = charts.kep_journey(784, RELEASES, stages, MARKS)
    root = parse(journey["svg"])
    markers = {
        e.find(f"{SVG}title").text: e.get("class")
        for e in root.iter(f"{SVG}path")
        if e.find(f"{SVG}title") is not None
    }
    assert markers == {"alpha v1.33": "lc-reached", "stable v1.36 (planned)": "lc-planned"}
    assert "stable?" in texts(root)
    desc = root.find(f"{SVG}desc").text
    assert (
        "v1.34 to v1.36 has no schedule yet: drawn one average cycle after the release before."
        in desc
    )
    assert "Not drawn" not in desc
    # The estimated cycles: one average of the last four gaps (v1.29 to v1.33: 497 days,
    # 124 a cycle) after v1.33's release on 23 April 2025: v1.34 on 25 August 2025.
    cycles = charts.estimated_cycles(charts.release_cycles(RELEASES), ["1.36"])
    assert [c.version for c in cycles] == ["1.34", "1.35", "1.36"]
    assert all(c.estimated and c.proposed for c in cycles)
    assert [c.release for c in cycles] == [D(2025, 8, 25), D(2025, 12, 27), D(2026, 4, 30)]


def test_crowded_version_labels_are_thinned():
    many = {
        f"1.{n}": release(f"1.{n}", D(2016, 1, 4) + dt.timedelta(weeks=17 * (n - 10)),
                          D(2016, 4, 4) + dt.timedelta(weeks=17 * (n - 10)))
        for n in range(10, 40)
    }  # fmt: skip
    marks = [Mark(D(2016, 2, 7), "Merges", "a.html", "a"), Mark(D(2025, 9, 7), "Merges", "b", "b")]
    root = parse(charts.kep_journey(1, many, [], marks)["svg"])
    bands = [e for e in root.iter(f"{SVG}rect") if e.get("class", "").startswith("lc-band")]
    labels = [t for t in texts(root) if t.startswith("v1.")]
    assert len(bands) == 30
    assert 5 <= len(labels) < 20
    assert labels[0] == "v1.10"


def test_sig_activity_has_bars_per_cycle_and_its_table():
    rows = [
        {"version": "1.32", "issues": 4, "keps": 0},
        {"version": "1.33", "issues": 7, "keps": 2},
    ]
    activity = charts.sig_activity("sig-node", "SIG <Node>", rows)
    assert activity["rows"] == rows
    root = parse(activity["svg"])
    assert root.find(f"{SVG}title").text == "SIG <Node> in LWKD per release cycle"
    assert root.find(f"{SVG}desc").text == (
        "From v1.32 to v1.33: 11 issues about SIG <Node>; its KEPs reached 2 stages. "
        "Busiest cycle: v1.33 (7 issues)."
    )
    tips = [t.text for t in root.iter(f"{SVG}title")][1:]
    assert tips == ["v1.32: 4 issues, 0 KEPs that moved", "v1.33: 7 issues, 2 KEPs that moved"]
    # A bar of nothing is not drawn: 1.32 has no KEP bar.
    assert [e.get("class") for e in root.iter(f"{SVG}rect") if e.get("x")] == [
        "lc-issues", "lc-issues", "lc-moved",
    ]  # fmt: skip
    assert charts.sig_activity("sig-node", "SIG Node", []) is None


def test_stage_chart_stacks_stages_per_release():
    counts = [{"version": "1.32", "alpha": 3, "beta": 2, "stable": 1, "released": True},
              {"version": "1.33", "alpha": 1, "beta": 4, "stable": 5, "released": True}]  # fmt: skip
    root = parse(charts.stage_chart(counts))
    bars = [e for e in root.iter(f"{SVG}rect") if e.get("x")]
    assert [e.get("class") for e in bars] == ["lc-alpha", "lc-beta", "lc-stable"] * 2
    # Stacked: each segment starts where the one below ends.
    first = bars[:3]
    for lower, upper in zip(first, first[1:], strict=False):
        assert float(upper.get("y")) + float(upper.get("height")) == pytest.approx(
            float(lower.get("y")), abs=0.11
        )
    assert root.find(f"{SVG}desc").text == (
        "Releases v1.32 to v1.33: 4 alpha, 6 beta, 6 stable (16 in all)."
    )
    assert charts.stage_chart([]) is None


def test_years_chart_links_each_year_to_its_page():
    rows = [{"year": 2022, "issues": 48, "keps": 130, "url": "archive/2022.html"},
            {"year": 2023, "issues": 50, "keps": 151, "url": "archive/2023.html"}]  # fmt: skip
    svg = charts.years_chart(rows)
    root = parse(svg)
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == [
        "archive/2022.html",
        "archive/2023.html",
    ]
    assert {"48", "130", "50", "151", "2022", "2023"} <= set(texts(root))
    assert len(svg.encode()) < 3_000
    assert charts.years_chart([]) is None


# -- a build ------------------------------------------------------------------------

BUILD_RELEASES = [
    {"version": "1.28", "cycle_start": "2023-05-15", "enhancements_freeze": None,
     "code_freeze": None, "release": "2023-08-15", "proposed": False, "source": ""},
    {"version": "1.29", "cycle_start": "2023-09-04", "enhancements_freeze": None,
     "code_freeze": None, "release": "2023-12-13", "proposed": False, "source": ""},
]  # fmt: skip
BUILD_FACTS = [
    {"number": 753, "title": "Sidecar Containers", "owning_sig": "sig-node",
     "participating_sigs": [], "status": "implementable", "stage": "beta",
     "latest_milestone": "v1.29", "milestones": {"alpha": "v1.28", "beta": "v1.29",
     "stable": "v1.33"}, "path": "keps/sig-node/753-sidecar-containers"},
]  # fmt: skip


def issue_page(week, section, body):
    return (
        f"---\nblogpost: true\ndate: {week} 06:00\nweek_ending: {week}\n---\n\n"
        f"# Week Ending {week}\n\n## {section}\n\n{body}\n"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    src = tmp_path_factory.mktemp("charts") / "src"
    (src / "issues").mkdir(parents=True)
    (src / "conf.py").write_text(RELEASE_SITE_CONF)
    (src / "index.md").write_text("# Test\n")
    (src / "facts.json").write_text(json.dumps(BUILD_FACTS))
    (src / "releases.json").write_text(json.dumps(BUILD_RELEASES))
    (src / "issues" / "2023-07-02.md").write_text(
        issue_page("2023-07-02", "KEP of the Week", "{kep}`753` adds sidecars.")
    )
    (src / "issues" / "2023-10-08.md").write_text(
        issue_page("2023-10-08", "Promotions", "{kep}`753` is beta; {sig}`node` is glad.")
    )
    home: dict[str, object] = {}
    app = SphinxTestApp("html", srcdir=src, builddir=src.parent / "build")

    def record(app, pagename, template, context, doctree):
        home[pagename] = context.get("lwkd_years_chart")

    app.connect("html-page-context", record, priority=900)
    try:
        app.build()
    finally:
        app.cleanup()
    assert app.statuscode == 0, app.warning.getvalue()
    assert app.warning.getvalue() == ""
    return Path(app.outdir), home


def test_a_kep_page_shows_its_journey_and_its_text(site):
    page = (site[0] / "keps" / "753.html").read_text(encoding="utf-8")
    start = page.index("<svg xmlns")  # the chart, not the header's icons
    end = page.index("</svg>", start) + len("</svg>")
    root = parse(page[start:end])
    assert root.find(f"{SVG}title").text == (
        "The journey of KEP-753: alpha in v1.28, beta in v1.29, stable planned for v1.33"
    )
    hrefs = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert hrefs == [
        "../issues/2023-07-02.html#kep-of-the-week",
        "../issues/2023-10-08.html#promotions",
    ]
    # The chart comes after the facts, and its text beside it.
    assert page.index("</dl>") < start
    assert "during v1.28, alpha</li>" in page
    assert "during v1.29, beta</li>" in page
    assert "in 2 release cycles." in page
    assert 'alpha in v1.28 (<time datetime="2023-08-15">15 August 2023</time>)' in page
    # 1.33 has no schedule here: its date is the chart's estimate, and says so.
    assert "stable planned for v1.33 (no schedule yet; around <time" in page


def test_a_sig_page_shows_its_activity_per_cycle(site):
    page = (site[0] / "sigs" / "sig-node.html").read_text(encoding="utf-8")
    assert page.index("lc-bars") < page.index("<h2>In LWKD")
    # v1.28: one issue (KEP-753 is SIG Node's), alpha reached; v1.29: one issue, beta.
    assert '<tr><th scope="row">v1.28</th><td>1</td><td>1</td></tr>' in page
    assert '<tr><th scope="row">v1.29</th><td>1</td><td>1</td></tr>' in page


def test_the_home_page_gets_the_archive_by_year(site):
    out, home = site
    root = parse(home["index"])
    # Two issues in 2023, naming one KEP; the year's bars link to its page.
    assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["archive/2023.html"]
    assert (out / "archive" / "2023.html").is_file()
    assert root.find(f"{SVG}desc").text == "2 issues from 2023 to 2023; 2023: 2 issues, 1 KEP."
    # Only the home page has it.
    assert home["keps/753"] is None
