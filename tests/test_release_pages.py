"""Release pages: a page per Kubernetes release, its index, each issue's cycle, api/releases.json.

A tiny archive with hand-written release facts (releases.json) and KEP facts: v1.32 and
v1.33 have shipped, v1.34's release day is in 2099, v1.35 has no schedule yet but a
kep.yaml targets it. Every expected answer below is worked out by hand from these facts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from lwkd_archive.pages.releases import build_pages
from tests.conftest import RELEASE_SITE_CONF as CONF

RELEASES = [
    # A README that gives no date at all (as 1.3 and 1.5 upstream): shipped, as 1.32 did.
    {
        "version": "1.31",
        "cycle_start": None,
        "enhancements_freeze": None,
        "code_freeze": None,
        "release": None,
        "proposed": False,
        "source": "releases/release-1.31/README.md",
    },
    {
        "version": "1.32",
        "cycle_start": "2024-09-09",
        "enhancements_freeze": "2024-10-14",
        "code_freeze": "2024-11-07",
        "release": "2024-12-11",
        "proposed": False,
        "source": "releases/release-1.32/README.md",
    },
    {
        "version": "1.33",
        "cycle_start": "2025-01-13",
        "enhancements_freeze": "2025-02-14",
        "code_freeze": "2025-03-20",
        "release": "2025-04-23",
        "proposed": False,
        "source": "releases/release-1.33/README.md",
    },
    {
        "version": "1.34",
        "cycle_start": "2025-05-12",
        "enhancements_freeze": "2025-06-20",
        "code_freeze": "2099-07-24",
        "release": "2099-08-27",
        "proposed": True,
        "source": "releases/release-1.34/README.md",
    },
]


def kep(number, title, stage, latest, milestones, sig="sig-node"):
    return {
        "number": number,
        "title": title,
        "owning_sig": sig,
        "participating_sigs": ["sig-autoscaling"] if number == 1287 else [],
        "status": "implementable",
        "stage": stage,
        "latest_milestone": latest,
        "milestones": milestones,
        "path": f"keps/{sig}/{number}-x",
    }


FACTS = [
    # Beta reached in 1.33; stable planned for 1.35, which has no schedule yet.
    kep(1287, "In-Place Update of Pod Resources", "beta", "v1.33",
        {"alpha": "v1.27", "beta": "v1.33", "stable": "v1.35"}),
    # Alpha reached in 1.33; no issue mentions it, so it has no page.
    kep(4639, "OCI VolumeSource", "alpha", "v1.33", {"alpha": "v1.33"}),
    # Alpha planned for 1.33 and never reached (its latest milestone is 1.32).
    kep(5000, "Slipped Feature", "", "v1.32", {"alpha": "v1.33"}),
    # Alpha in 1.34 by kep.yaml's rule, but 1.34 has not shipped: planned.
    kep(5100, "Future Gate", "alpha", "v1.34", {"alpha": "1.34"}),
    # Alpha in 1.31, which shipped on a day its README does not give.
    kep(4000, "Old Gate", "alpha", "v1.31", {"alpha": "v1.31"}),
    # Milestones that name no release with a page: 1.24 (no schedule, older than the newest)
    # and a typo far past the newest.
    kep(3136, "Beta APIs Are Off by Default", "stable", "v1.24", {"stable": "v1.24"},
        sig="sig-architecture"),
    kep(9999, "Typo", "stable", "v1.330", {"stable": "v1.330"}),
]  # fmt: skip


def issue(week: str, published: str, body: str) -> str:
    return f"""\
---
blogpost: true
date: {published} 06:00
week_ending: {week}
---

# Week Ending {week}

## Developer News

{body}
"""


ISSUES = {
    "2024-11-10": issue("2024-11-10", "2024-11-12", "SIG Node met."),
    "2025-02-16": issue("2025-02-16", "2025-02-18", "Resize is beta: {kep}`1287`."),
    # Between the 1.33 release and the 1.34 cycle: no cycle.
    "2025-05-04": issue("2025-05-04", "2025-05-06", "A quiet week."),
    "2025-05-25": issue("2025-05-25", "2025-05-27", "{kep}`5100` is planned for 1.34."),
}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_project(src: Path, releases: object = RELEASES) -> Path:
    write(src / "conf.py", CONF)
    write(src / "index.md", "# Test\n")
    write(src / "facts.json", json.dumps(FACTS))
    write(src / "releases.json", releases if isinstance(releases, str) else json.dumps(releases))
    for name, text in ISSUES.items():
        write(src / "issues" / f"{name}.md", text)
    return src


def build(src: Path, builddir: Path, parallel: int = 0) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, builddir=builddir, parallel=parallel)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def read(app: SphinxTestApp, name: str) -> str:
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


def stage_lists(page: str, stage: str) -> tuple[str, str]:
    """The reached and the planned list of one stage of a release page, as HTML."""
    section = re.search(rf'release-stage-{stage}">(.*?)</section>', page, re.S)
    assert section, stage
    reached = re.search(r'class="release-keps release-reached">(.*?)</ul>', section[1], re.S)
    planned = re.search(r'class="release-keps release-planned">(.*?)</ul>', section[1], re.S)
    return (reached[1] if reached else ""), (planned[1] if planned else "")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> SphinxTestApp:
    root = tmp_path_factory.mktemp("releases")
    app = build(make_project(root / "src"), root / "build")
    assert app.statuscode == 0
    return app


def test_a_page_per_scheduled_and_targeted_release_and_none_for_others(site):
    assert site.warning.getvalue() == ""
    out = Path(site.outdir)
    pages = sorted(p.name for p in (out / "releases").glob("*.html"))
    # 1.24 is older than the newest schedule and has none; 1.330 is no release anyone plans.
    assert pages == ["1.31.html", "1.32.html", "1.33.html", "1.34.html", "1.35.html", "index.html"]
    assert 'href="releases/index.html">Releases</a>' in read(site, "index.html")


def test_a_shipped_release_shows_its_dates_and_the_keps_that_reached_each_stage(site):
    page = read(site, "releases/1.33.html")
    assert "Released on 23 April 2025." in page
    for label, date, text in (
        ("Cycle begins", "2025-01-13", "13 January 2025"),
        ("Enhancements freeze", "2025-02-14", "14 February 2025"),
        ("Code freeze", "2025-03-20", "20 March 2025"),
        ("Release", "2025-04-23", "23 April 2025"),
    ):
        assert f'<dt>{label}</dt><dd><time datetime="{date}">{text}</time></dd>' in page
    assert (
        'href="https://github.com/kubernetes/sig-release/blob/master/'
        'releases/release-1.33/README.md"' in page
    )
    reached, planned = stage_lists(page, "alpha")
    # KEP-4639 reached alpha here, but no issue mentioned it: its title, no link.
    assert "<li>KEP-4639: OCI VolumeSource" in reached
    assert "keps/4639" not in page
    # KEP-5000 planned alpha here; its kep.yaml never got past 1.32.
    assert "KEP-5000: Slipped Feature" in planned
    assert "KEP-5000" not in reached
    reached, planned = stage_lists(page, "beta")
    assert '<a href="../keps/1287.html">KEP-1287</a>: In-Place Update of Pod Resources' in reached
    assert planned == ""
    assert stage_lists(page, "stable") == ("", "")
    # The issues of the cycle, each with its week: 16 February is in week 5 of a cycle
    # whose first Monday is 13 January.
    issues = re.search(r'<ol class="release-issues">(.*?)</ol>', page, re.S)[1]
    assert re.findall(r'week">Week (\d+)</span> <a href="../issues/([\d-]+)\.html"', issues) == [
        ("5", "2025-02-16")
    ]


def test_a_release_without_its_day_shipped_when_a_later_one_did(site):
    page = read(site, "releases/1.31.html")
    assert "Released (sig-release's schedule gives no release day" in page
    assert "<dt>Cycle begins</dt><dd>not in the schedule</dd>" in page
    reached, planned = stage_lists(page, "alpha")
    assert "<li>KEP-4000: Old Gate" in reached
    assert planned == ""


def test_a_release_not_shipped_says_so_and_lists_its_keps_as_planned(site):
    page = read(site, "releases/1.34.html")
    assert "Not released yet: the release is planned for 27 August 2099." in page
    assert "(proposed)" in page
    reached, planned = stage_lists(page, "alpha")
    # kep.yaml says alpha reached in 1.34, but 1.34 has not shipped.
    assert reached == ""
    assert '<a href="../keps/5100.html">KEP-5100</a>: Future Gate' in planned
    assert "Week 2</span>" in page


def test_a_release_without_a_schedule_lists_what_is_planned(site):
    page = read(site, "releases/1.35.html")
    assert "No schedule published yet" in page
    assert "<dt>Cycle begins</dt>" not in page
    reached, planned = stage_lists(page, "stable")
    assert reached == ""
    assert "KEP-1287</a>: In-Place Update of Pod Resources" in planned
    assert "The cycle has no dates yet, so no issue falls in it." in page
    assert '<h3>Stable <span class="count">1 planned</span></h3>' in page


def test_every_issue_in_a_cycle_says_which_and_what_comes_next(site):
    page = read(site, "issues/2025-02-16.html")
    assert (
        '<p class="issue-cycle"><a href="../releases/1.33.html">v1.33 cycle</a>, week 5'
        ' · next: code freeze on <time datetime="2025-03-20">20 March</time></p>' in page
    )
    # 10 November 2024: week 9 of 1.32 (from Monday 9 September), code freeze passed.
    assert (
        'v1.32 cycle</a>, week 9 · next: release on <time datetime="2024-12-11">11 December'
        in read(site, "issues/2024-11-10.html")
    )
    assert "v1.34 cycle</a>, week 2 · next: enhancements freeze on" in read(
        site, "issues/2025-05-25.html"
    )
    # Between a release and the next cycle: the release before, and the cycle to come.
    assert (
        '<p class="issue-cycle">Between v1.33 and the <a href="../releases/1.34.html">v1.34 cycle</a>'
        ' · next: v1.34 cycle begins on <time datetime="2025-05-12">12 May</time></p>'
        in read(site, "issues/2025-05-04.html")
    )


def test_the_index_lists_releases_newest_first_with_counts_for_a_chart(site):
    page = read(site, "releases/index.html")
    versions = re.findall(r'<a href="(1\.\d+)\.html">v', page)
    assert versions == ["1.35", "1.34", "1.33", "1.32", "1.31"]
    assert "released, day unknown" in page
    assert "no schedule published yet" in page
    assert "planned for 27 August 2099" in page


def test_stage_counts_per_release_are_in_the_index_context(tmp_path):
    src = make_project(tmp_path / "src")
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "build")
    try:
        app.build()
        pages = {name: context for name, context, _ in build_pages(app)}
    finally:
        app.cleanup()
    counts = pages["releases/index"]["stage_counts"]
    plain = [(c["version"], c["alpha"], c["beta"], c["stable"]) for c in counts]
    assert plain == [
        ("1.31", 1, 0, 0),
        ("1.32", 0, 0, 0),
        ("1.33", 1, 1, 0),
        ("1.34", 0, 0, 0),
        ("1.35", 0, 0, 0),
    ]
    planned = {c["version"]: c["planned"] for c in counts}
    assert planned["1.33"] == {"alpha": 1, "beta": 0, "stable": 0}
    assert planned["1.34"] == {"alpha": 1, "beta": 0, "stable": 0}
    assert planned["1.35"] == {"alpha": 0, "beta": 0, "stable": 1}


def test_api_releases_and_the_cycles_in_api_keps(site):
    releases = json.loads(read(site, "api/releases.json"))
    assert [r["version"] for r in releases] == ["1.31", "1.32", "1.33", "1.34", "1.35"]
    releases = releases[1:]
    assert releases[1] == {
        "version": "1.33",
        "cycle_start": "2025-01-13",
        "enhancements_freeze": "2025-02-14",
        "code_freeze": "2025-03-20",
        "release": "2025-04-23",
        "released": True,
        "scheduled": True,
        "proposed": False,
        "url": "releases/1.33.html",
        "keps": {"alpha": [4639], "beta": [1287], "stable": []},
        "planned_keps": {"alpha": [5000], "beta": [], "stable": []},
        "issues": ["issues/2025-02-16.html"],
    }
    assert releases[2]["released"] is False
    assert releases[2]["keps"] == {"alpha": [], "beta": [], "stable": []}
    assert releases[3]["cycle_start"] is None
    assert releases[3]["scheduled"] is False
    keps = {k["number"]: k for k in json.loads(read(site, "api/keps.json"))}
    resize = keps[1287]
    assert resize["milestones"] == {"alpha": "v1.27", "beta": "v1.33", "stable": "v1.35"}
    assert resize["latest_milestone"] == "v1.33"
    assert resize["participating_sigs"] == ["sig-autoscaling"]
    assert resize["issue_cycles"] == [{"url": "issues/2025-02-16.html", "cycle": "1.33", "week": 5}]
    assert keps[5100]["issue_cycles"] == [
        {"url": "issues/2025-05-25.html", "cycle": "1.34", "week": 2}
    ]


@pytest.mark.parametrize("parallel", [0, 2])
def test_a_damaged_releases_json_warns_once_and_makes_no_release_pages(tmp_path, parallel):
    src = make_project(tmp_path / "src", releases='[{"version": "1.33", "release": "April"}]')
    # Written by two processes too: still one warning.
    app = build(src, tmp_path / "build", parallel=parallel)
    warnings = app.warning.getvalue()
    assert warnings.count("cannot read release facts") == 1, warnings
    assert "lwkd.facts" in warnings
    out = Path(app.outdir)
    assert sorted(p.name for p in (out / "releases").glob("*.html")) == ["index.html"]
    assert "This build has no release schedules" in read(app, "releases/index.html")
    assert "issue-cycle" not in read(app, "issues/2025-02-16.html")
    assert json.loads(read(app, "api/releases.json")) == []


def release_files(outdir: Path) -> dict[str, bytes]:
    files = {p.relative_to(outdir).as_posix(): p.read_bytes() for p in outdir.glob("releases/*")}
    files["api/releases.json"] = (outdir / "api" / "releases.json").read_bytes()
    return files


def mtimes(outdir: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (outdir / "releases").glob("*.html")}


def age_release_pages(outdir: Path) -> dict[str, int]:
    """Date every release page back to 1970, so a page written again shows a new time."""
    for page in (outdir / "releases").glob("*.html"):
        os.utime(page, ns=(1, 1))
    return mtimes(outdir)


def moved_code_freeze() -> list[dict]:
    """The release facts, with 1.33's code freeze a week later."""
    changed = json.loads(json.dumps(RELEASES))
    for release in changed:
        if release["version"] == "1.33":
            release["code_freeze"] = "2025-03-27"
    return changed


def assert_same_as_clean(src: Path, incremental: SphinxTestApp, clean_dir: Path) -> None:
    clean = build(src, clean_dir)
    assert clean.warning.getvalue() == ""
    assert release_files(Path(incremental.outdir)) == release_files(Path(clean.outdir))
    shutil.rmtree(clean_dir)


def test_incremental_builds_rewrite_the_release_pages_that_changed_and_match_clean(tmp_path):
    src = make_project(tmp_path / "src")
    first = build(src, tmp_path / "build")
    out = Path(first.outdir)

    # A new issue in week 4 of the 1.32 cycle: the 1.32 page and the index change, no other page.
    write(src / "issues" / "2024-10-06.md", issue("2024-10-06", "2024-10-08", "Freeze soon."))
    before = age_release_pages(out)
    second = build(src, tmp_path / "build")
    assert second.warning.getvalue() == ""
    after = mtimes(out)
    assert after["1.32.html"] != before["1.32.html"]
    assert after["index.html"] != before["index.html"]
    assert after["1.33.html"] == before["1.33.html"]
    assert '>Week 4</span> <a href="../issues/2024-10-06.html"' in read(
        second, "releases/1.32.html"
    )
    assert_same_as_clean(src, second, tmp_path / "clean-1")

    # A new schedule: 1.33's code freeze moves; its page is written again with the new day.
    write(src / "releases.json", json.dumps(moved_code_freeze()))
    before = age_release_pages(out)
    third = build(src, tmp_path / "build")
    assert third.warning.getvalue() == ""
    assert mtimes(out)["1.33.html"] != before["1.33.html"]
    assert "27 March 2025" in read(third, "releases/1.33.html")
    assert_same_as_clean(src, third, tmp_path / "clean-2")


def test_a_changed_schedule_rewrites_the_cycle_line_of_issues(tmp_path):
    src = make_project(tmp_path / "src")
    build(src, tmp_path / "build")
    write(src / "releases.json", json.dumps(moved_code_freeze()))
    app = build(src, tmp_path / "build")
    assert 'next: code freeze on <time datetime="2025-03-27">27 March</time>' in read(
        app, "issues/2025-02-16.html"
    )
