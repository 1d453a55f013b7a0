"""Release schedules read from kubernetes/sig-release: the real READMEs, hostile ones, the
compiled releases.json, the cycle of a day, and the importer's --sig-release."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest

from lwkd_archive.cli import main
from lwkd_archive.facts.releases import (
    Release,
    SigReleaseError,
    cycle_of,
    dump_releases,
    load_releases,
    parse_releases,
    read_readme,
    version_of,
)
from tests.test_community import lwkd_checkout

D = dt.date

#: Read by hand from each README's summary (the ``tl;dr`` or the list at its top):
#: (cycle begins, enhancements or feature freeze, code freeze, vX.Y.0 released).
EXPECTED = {
    # tl;dr sentence, dates without a year after the first; it says the release is
    # "Wednesday, March 21st", the table's row "v1.10.0" says 26 (March): the release was
    # put off ("Version 1.10 release is delayed", LWKD of 2018-03-18), the table counts.
    "1.10": (D(2018, 1, 2), D(2018, 1, 22), D(2018, 2, 26), D(2018, 3, 26)),
    # tl;dr "begins on **Tuesday, April 3rd, 2018**", the table (and 1.10's) the 2nd.
    "1.11": (D(2018, 4, 2), D(2018, 4, 24), D(2018, 6, 5), D(2018, 6, 26)),
    # "ends on release day, ~~Tuesday, September 25, 2018~~ **Thursday, September 27, 2018**"
    "1.12": (D(2018, 7, 2), D(2018, 7, 31), D(2018, 9, 4), D(2018, 9, 27)),
    # A table with a January column after October, November, December.
    "1.13": (D(2018, 10, 1), D(2018, 10, 23), D(2018, 11, 16), D(2018, 12, 3)),
    # "**Monday, January 07**: Week 1", no year anywhere in the list.
    "1.14": (D(2019, 1, 7), D(2019, 1, 29), D(2019, 3, 7), D(2019, 3, 25)),
    # "**Tuesday, Dec 8th**: Week 13 - Kubernetes v1.20.0 released"
    "1.20": (D(2020, 9, 14), D(2020, 10, 6), D(2020, 11, 12), D(2020, 12, 8)),
    # "**02:00 UTC Friday 4th February 2022** / **18:00 PST Thursday 3rd February 2022**"
    "1.24": (D(2022, 1, 10), D(2022, 2, 4), D(2022, 3, 30), D(2022, 5, 3)),
    # "[01:00 UTC Friday 7th October 2022 / 18:00 PDT Thursday 6th October 2022](...)"
    "1.26": (D(2022, 9, 5), D(2022, 10, 7), D(2022, 11, 9), D(2022, 12, 9)),
    "1.33": (D(2025, 1, 13), D(2025, 2, 14), D(2025, 3, 21), D(2025, 4, 23)),
    # A date on one line, its event on the next.
    "1.34": (D(2025, 5, 19), D(2025, 6, 20), D(2025, 7, 25), D(2025, 8, 27)),
    # "Thursday 16th October 2025 (AoE) / Friday 17th October 2025, 12:00 UTC": the first.
    "1.35": (D(2025, 9, 15), D(2025, 10, 16), D(2025, 11, 6), D(2025, 12, 17)),
    "1.37": (D(2026, 5, 18), D(2026, 6, 16), D(2026, 7, 22), D(2026, 8, 26)),
}


@pytest.fixture(scope="module")
def sig_release(corpus: Path) -> tuple[dict[str, Release], list[str]]:
    repo = corpus / "sig-release"
    if not (repo / "releases").is_dir():
        pytest.skip(f"no sig-release copy at {repo}: place kubernetes/sig-release there")
    return load_releases(repo)


@pytest.mark.parametrize("version", sorted(EXPECTED))
def test_the_readmes_give_each_cycles_four_dates(sig_release, version):
    releases, _ = sig_release
    release = releases[version]
    assert (
        release.cycle_start,
        release.enhancements_freeze,
        release.code_freeze,
        release.release,
    ) == EXPECTED[version]
    assert release.source == f"releases/release-{version}/README.md"
    assert release.proposed == (version == "1.37")


def test_every_release_since_2018_has_its_release_day(sig_release):
    releases, _ = sig_release
    assert [f"1.{n}" for n in range(3, 38)] == list(releases)
    for n in range(10, 38):
        release = releases[f"1.{n}"]
        assert release.release is not None, release
        assert release.cycle_start < release.enhancements_freeze < release.code_freeze
        assert release.code_freeze < release.release
    # 1.9 writes its release in a list ("**Wed Dec 13: v1.9.0**"); 1.3 and 1.5 only say
    # "release 1.3 Final" and "Release 1.5" beside a week, not a release day.
    assert releases["1.9"].release == D(2017, 12, 13)
    assert releases["1.3"].release is None
    assert releases["1.5"].release is None


def test_a_schedule_carried_out_is_no_longer_proposed(sig_release):
    """1.14 to 1.23 still say 'is proposed as follows'; a later release exists."""
    releases, _ = sig_release
    assert [v for v, r in releases.items() if r.proposed] == ["1.37"]


def test_a_summary_that_disagrees_with_the_table_is_reported(sig_release):
    _, problems = sig_release
    assert [p.split("/releases/", 1)[1] for p in problems] == [
        "release-1.10/README.md:12: the summary gives the release as 2018-03-21, the "
        "timeline (line 336) as 2018-03-26; the timeline's is kept: correct the summary",
        "release-1.11/README.md:19: the summary gives the cycle start as 2018-04-03, the "
        "timeline (line 36) as 2018-04-02; the timeline's is kept: correct the summary",
    ]


# -- one README's text ------------------------------------------------------------------


def read(text: str, version: str = "1.50") -> tuple[Release, list[str]]:
    return read_readme(text, "README.md", version)


def test_a_cycle_over_new_year_puts_its_early_months_in_the_next_year():
    release, problems = read(
        "- **Monday, December 2nd, 2024**: Week 1 — Release cycle begins\n"
        "- **Tuesday, Jan 7th**: Week 6 — [Enhancements Freeze](../release_phases.md)\n"
        "- **Tuesday, March 4th**: Week 14 — Kubernetes v1.50.0 released\n"
    )
    assert (release.cycle_start, release.enhancements_freeze, release.release) == (
        D(2024, 12, 2),
        D(2025, 1, 7),
        D(2025, 3, 4),
    )
    assert problems == []


def test_without_any_year_the_weekday_of_the_first_day_gives_it():
    # 7 January is a Monday in 2019 (and 2013, 2024): the nearest to v1.14's time.
    release, _ = read(
        "- **Monday, January 07**: Week 1 - Release cycle begins\n"
        "- **Monday, March 25**: Week 12 - Kubernetes v1.14.0 released\n",
        "1.14",
    )
    assert (release.cycle_start, release.release) == (D(2019, 1, 7), D(2019, 3, 25))


def test_a_struck_out_date_gives_way_to_its_correction():
    release, _ = read(
        "**tl;dr** The 1.50 release cycle begins on **Monday, July 2nd, 2018**, and ends on "
        "release day, ~~Tuesday, September 25, 2018~~ **Thursday, September 27, 2018** . "
        "Code freeze begins **Tuesday, September 4, 2018** and ends **Wednesday, September 19,"
        " 2018**. Docs must be completed by **Tuesday, September 18, 2018**."
    )
    assert (release.cycle_start, release.code_freeze, release.release) == (
        D(2018, 7, 2),
        D(2018, 9, 4),
        D(2018, 9, 27),
    )


def test_rc_beta_docs_and_the_next_cycle_are_no_key_date():
    release, _ = read(
        "| **What** | **Who** | **When** |\n"
        "| --- | --- | --- |\n"
        "| Start of Release Cycle | Lead | Monday 18th May 2026 |\n"
        "| Docs complete by release day | Docs Lead | Tuesday 25th August 2026 |\n"
        "| v1.50.0-rc.0 released | Branch Manager | Wednesday 5th August 2026 |\n"
        "| v1.50.0-beta.0 released | Branch Manager | Wednesday 15th July 2026 |\n"
        "| **[Docs Freeze]** | Docs Lead | Wednesday 5th August 2026 |\n"
        "| Call for Code Freeze [Exceptions] | Lead | Monday 13th July 2026 |\n"
        "| Brace Yourself, Code Freeze is Coming | Comms | Monday 29th June 2026 |\n"
        "| **Begin [Code Freeze] and [Test Freeze]** | Branch | Wednesday 22nd July 2026 |\n"
        "| **v1.50.0 released** | Branch Manager | Wednesday 26th August 2026 |\n"
        "| 1.51 Release Cycle Begins | Next Lead | Monday 31st August 2026 |\n"
    )
    assert (release.cycle_start, release.code_freeze, release.release) == (
        D(2026, 5, 18),
        D(2026, 7, 22),
        D(2026, 8, 26),
    )
    assert release.enhancements_freeze is None


def test_hostile_dates_are_reported_at_their_line_and_the_rest_is_read():
    release, problems = read(
        "The v1.50 release cycle is as follows:\n"
        "\n"
        "- **Monday 18th May 2026**: Week 1 — Release cycle begins\n"
        "- **Tuesday 31st February 2026**: Week 5 — [Enhancements Freeze]\n"
        "- **Sometime soon, honest**: Week 10 — [Code Freeze]\n"
        "- **Wednesday 26th August 2026**: Week 15 — Kubernetes v1.50.0 released\n"
        "- **Thursday 99th Smarch 2026**: Week 16 — retrospective\n"
    )
    assert (release.cycle_start, release.release) == (D(2026, 5, 18), D(2026, 8, 26))
    assert (release.enhancements_freeze, release.code_freeze) == (None, None)
    assert problems == [
        "README.md:4: 'Tuesday 31st February 2026' is no date (that month has no day 31); "
        "correct it in the README; that date is not read",
        "README.md:5: 'Sometime soon, honest' is not a date this reader knows (write it as "
        "'Monday 18th May 2026'); the code freeze is not read",
    ]
    assert not release.proposed


def test_a_weekday_that_disagrees_with_its_date_is_reported():
    release, problems = read("- **Tuesday 18th May 2026**: Week 1 — Release cycle begins\n")
    assert release.cycle_start == D(2026, 5, 18)
    assert problems == [
        "README.md:1: 'Tuesday 18th May 2026': 2026-05-18 is a Monday; the date is kept, "
        "the weekday is not: correct the one that is wrong"
    ]


def test_a_proposed_schedule_says_so():
    release, _ = read("The v1.50 release cycle is proposed as follows:\n")
    assert release.proposed
    assert (release.cycle_start, release.release) == (None, None)


def test_patterns_stay_linear_on_a_megabyte_of_near_dates():
    line = "- **" + "Monday, " * 20_000 + "12 " * 20_000 + "May " * 20_000 + "**: Release\n"
    started = time.perf_counter()
    read(line * 3 + "|" + "| 12 " * 30_000 + "|\n")
    assert time.perf_counter() - started < 5


# -- a checkout -----------------------------------------------------------------------------


GOOD = "- **Monday 18th May 2026**: Week 1 — Release cycle begins\n"


def write(repo: Path, folder: str, text: str | bytes) -> Path:
    path = repo / "releases" / folder / "README.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_hostile_readmes_are_refused_at_file_line_and_never_stop_the_others(tmp_path):
    repo = tmp_path / "sig-release"
    write(repo, "release-1.40", GOOD)
    big = write(repo, "release-1.41", GOOD + "x" * (10 * 1024 * 1024))
    elsewhere = tmp_path / "secret.md"
    elsewhere.write_text(GOOD, encoding="utf-8")
    (repo / "releases" / "release-1.42").mkdir()
    (repo / "releases" / "release-1.42" / "README.md").symlink_to(elsewhere)
    (repo / "releases" / "release-1.43").symlink_to(repo / "releases" / "release-1.40")
    write(repo, "release-1.44", b"\xff\xfe not UTF-8")
    write(repo, "release-1.45", "- **Monday 31st February**: Week 1 — Release cycle begins\n")
    write(repo, "release-1.46-rc", GOOD)  # not a release folder: never read
    write(repo, "releases-1.47", GOOD)
    (repo / "releases" / "release-1.48").mkdir()  # no README yet: nothing to say
    (repo / "releases" / "release-1.49" / "README.md").mkdir(parents=True)
    os.mkfifo(repo / "releases" / "release-1.49" / "pipe")
    (repo / "releases" / "release-1.50").mkdir()
    os.mkfifo(repo / "releases" / "release-1.50" / "README.md")  # never waited on
    write(repo, "release-1.9", "# Release 1.9\nThe 1.9 release cycle begins on Monday.\n")
    releases, problems = load_releases(repo)
    assert list(releases) == ["1.9", "1.40", "1.45"]
    assert releases["1.40"].cycle_start == D(2026, 5, 18)
    assert releases["1.9"] == Release("1.9", None, None, None, None, False, (
        "releases/release-1.9/README.md"))  # fmt: skip
    assert releases["1.45"].cycle_start is None
    where = repo / "releases"
    assert problems == [
        f"{big}:1: over 1024 KB (a README is under 100 KB); not read",
        f"{where / 'release-1.42' / 'README.md'}:1: a symbolic link; not read",
        f"{where / 'release-1.43'}:1: not a folder (a symbolic link?); not read: the archive "
        "reads only sig-release's own files",
        f"{where / 'release-1.44' / 'README.md'}:1: 'utf-8' codec can't decode byte 0xff in "
        "position 0: invalid start byte; not read",
        f"{where / 'release-1.45' / 'README.md'}:1: 'Monday 31st February' is no date (that "
        "month has no day 31); correct it in the README; that date is not read",
        f"{where / 'release-1.49' / 'README.md'}:1: not a regular file (a pipe, a device, a "
        "folder?); not read",
        f"{where / 'release-1.50' / 'README.md'}:1: not a regular file (a pipe, a device, a "
        "folder?); not read",
    ]


def test_a_checkout_without_release_readmes_is_no_sig_release(tmp_path):
    with pytest.raises(SigReleaseError, match="no releases/ folder"):
        load_releases(tmp_path)
    (tmp_path / "releases").mkdir()
    with pytest.raises(SigReleaseError, match="no releases/release-1.N/README.md"):
        load_releases(tmp_path)


# -- releases.json --------------------------------------------------------------------------

SAMPLE = {
    "1.9": Release("1.9", D(2017, 10, 2), None, D(2017, 11, 22), None, source="x"),
    "1.10": Release("1.10", D(2018, 1, 2), D(2018, 1, 22), D(2018, 2, 26), D(2018, 3, 21)),
    "1.11": Release("1.11", None, None, None, None, proposed=True),
}


def test_releases_json_is_stable_and_reads_back():
    text = dump_releases(SAMPLE)
    assert text == dump_releases(dict(reversed(SAMPLE.items())))
    assert [row["version"] for row in json.loads(text)] == ["1.9", "1.10", "1.11"]
    assert json.loads(text)[1]["release"] == "2018-03-21"
    assert parse_releases(text) == SAMPLE
    assert list(parse_releases(text)) == ["1.9", "1.10", "1.11"]


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ({"version": "v1.33"}, "version 'v1.33' is not like '1.33'"),
        ({"version": "1.33", "release": "2025-02-31"}, "day is out of range"),
        ({"version": "1.33", "release": "April 23"}, "release 'April 23' is not a YYYY-MM-DD"),
        ({"version": "1.33", "code_freeze": 20250321}, "code_freeze 20250321 is not"),
        ({"version": "1.33", "proposed": "yes"}, "proposed 'yes' is not true or false"),
        ({"version": "1.33", "source": ["x"]}, "source"),
    ],
)
def test_releases_json_refuses_a_value_it_did_not_write(row, why):
    with pytest.raises(ValueError, match=why):
        parse_releases(json.dumps([row]))
    with pytest.raises(ValueError, match="twice"):
        parse_releases(json.dumps([{"version": "1.1"}, {"version": "1.1"}]))


# -- the cycle of a day ---------------------------------------------------------------------


def test_the_cycle_of_a_day_and_its_week():
    releases = {
        "1.32": Release("1.32", D(2024, 9, 9), None, None, D(2024, 12, 11)),
        "1.33": Release("1.33", D(2025, 1, 13), None, None, D(2025, 4, 23)),
        "1.34": Release("1.34", None, None, None, None),
        "1.35": Release("1.35", D(2025, 9, 15), None, None, None),
    }
    at = lambda day: (lambda found: found and (found[0].version, found[1]))(  # noqa: E731
        cycle_of(releases, day)
    )
    assert at(D(2024, 9, 8)) is None  # before the first known cycle
    assert at(D(2025, 1, 13)) == ("1.33", 1)
    assert at(D(2025, 1, 19)) == ("1.33", 1)
    assert at(D(2025, 1, 20)) == ("1.33", 2)
    assert at(D(2025, 4, 23)) == ("1.33", 15)  # "Week 15 — Kubernetes v1.33.0 released"
    assert at(D(2024, 12, 20)) is None  # between 1.32's release and 1.33's first day
    # 1.34 has no first day: it begins the day after 1.33's release, ends before 1.35's.
    assert at(D(2025, 4, 24)) == ("1.34", 1)
    assert at(D(2025, 9, 14)) == ("1.34", 21)
    assert at(D(2025, 9, 15)) == ("1.35", 1)
    assert at(D(2026, 9, 15)) == ("1.35", 53)  # unreleased and newest: no end known


@pytest.mark.parametrize(
    ("milestone", "version"),
    [("v1.33", "1.33"), ("1.33", "1.33"), ("v1.33.0", "1.33"), (" v1.9 ", "1.9"),
     ("v1.033", "1.33"), ("1.33-alpha", None), ("v1", None), ("", None), (None, None),
     (133, None), ("v1.33.0.1", None), ("alpha", None)],
)  # fmt: skip
def test_version_of_a_milestone(milestone, version):
    assert version_of(milestone) == version


# -- the importer ---------------------------------------------------------------------------


def test_the_import_compiles_releases_json(tmp_path, capsys):
    out = tmp_path / "out"
    lwkd = lwkd_checkout(tmp_path / "lwkd")
    repo = tmp_path / "sig-release"
    write(repo, "release-1.40", GOOD)
    write(repo, "release-1.41", "- **Monday 31st February**: Week 1 — Release cycle begins\n")
    assert main(["import", str(lwkd), "--out", str(out), "--sig-release", str(repo)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {repo}/releases/release-1.41/README.md:1: 'Monday 31st February'" in err
    assert "2 release schedules" in err
    releases = parse_releases((out / "releases.json").read_text(encoding="utf-8"))
    assert releases["1.40"].cycle_start == D(2026, 5, 18)
    assert releases["1.40"].proposed is False


@pytest.mark.parametrize("case", ["missing", "not sig-release"])
def test_a_sig_release_source_that_cannot_be_read_costs_one_line(tmp_path, capsys, case):
    out = tmp_path / "out"
    out.mkdir()
    (out / "releases.json").write_text("[]\n")
    lwkd = lwkd_checkout(tmp_path / "lwkd")
    source = tmp_path / "sig-release"
    if case == "not sig-release":
        source.mkdir()
    assert main(["import", str(lwkd), "--out", str(out), "--sig-release", str(source)]) == 0
    warning, summary = capsys.readouterr().err.splitlines()
    why = "no such folder; give a checkout" if case == "missing" else "no releases/ folder"
    assert warning.startswith(f"warning: --sig-release: {source}: {why}")
    assert warning.endswith("; the archive has no release schedules")
    assert summary.startswith("imported 1, warned 0, failed 0 ")
    assert not (out / "releases.json").exists()
