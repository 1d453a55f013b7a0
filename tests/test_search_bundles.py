"""The search index in bundles: the topic pages, the newest year's issues, the years before.

Pagefind has no incremental mode; split, a new issue re-indexes its year's
bundle and the topic bundle (its KEP and group pages change), not the archive;
the earlier years are one bundle (each bundle costs a first search its own
files), made again when a new year begins. The search page merges the bundles
with Pagefind's ``mergeIndex``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from lwkd_archive.outputs import search
from tests.browser import serve
from tests.test_hostile_build import bookkeeping, build, indexed_bundles, pagefind_runs
from tests.test_timeline import rebuild


def issue(week: str, published: str, body: str) -> str:
    return f"""\
---
blogpost: true
date: {published} 06:00
week_ending: {week}
lwkd_url: /{published[:4]}/{published.replace("-", "")}
---

# Week Ending {week}

## Developer News

{body}
"""


#: An issue of 2023 beside the two of 2024 the tiny archive has.
ISSUE_2023 = issue("2023-06-04", "2023-06-07", "Zebrafish reviewed {kep}`3136` in {sig}`node`.")
#: A new post of 2024 naming a KEP: its year's bundle and the topic pages change.
NEW_POST_2024 = issue("2024-02-04", "2024-02-07", "Quokkas took {kep}`3136` further.")


#: An issue of 2022: with 2023's, in the bundle of the years before the newest.
ISSUE_2022 = issue("2022-05-01", "2022-05-04", "Axolotls reviewed {kep}`3136`.")
#: The first issue of 2025: 2024 joins the earlier years.
NEW_YEAR_2025 = issue("2025-01-05", "2025-01-08", "Narwhals took {kep}`3136` into 2025.")


#: An issue of 2023 whose page is not named by date: it is in its year's bundle all the same.
SUMMER_2023 = issue("2023-07-02", "2023-07-05", "Capybaras wrote about {sig}`node`.")


@pytest.fixture
def project(tmp_path, rootdir) -> Path:
    """The tiny archive (two issues of 2024) with an issue of 2023."""
    project = Path(shutil.copytree(rootdir / "test-recovery", tmp_path / "bundles"))
    (project / "issues" / "2023-06-04.md").write_text(ISSUE_2023, encoding="utf-8")
    return project


def merged_bundles(app) -> list[str]:
    """The bundles the search page merges into the primary one."""
    page = (app.outdir / "search.html").read_text(encoding="utf-8")
    return json.loads(html.unescape(re.search(r"data-bundles='([^']*)'", page).group(1)))


def test_a_build_makes_the_primary_bundle_and_one_per_year(project, make_app, monkeypatch):
    (project / "issues" / "summer.md").write_text(SUMMER_2023, encoding="utf-8")
    runs = pagefind_runs(monkeypatch)
    app = build(make_app, project)
    assert app.warning.getvalue() == ""
    assert indexed_bundles(runs) == ["pagefind", "pagefind-issues-2024", "pagefind-issues-2023"]
    for bundle in ("pagefind", "pagefind-issues/2024", "pagefind-issues/2023"):
        entry = json.loads((app.outdir / bundle / "pagefind-entry.json").read_text())
        assert (app.outdir / bundle / "pagefind.js").is_file()
        assert entry["languages"]["en"]["page_count"] > 0, bundle
    assert sorted(p.name for p in (app.outdir / "pagefind-issues").iterdir()) == ["2023", "2024"]
    assert merged_bundles(app) == ["pagefind-issues/2024/", "pagefind-issues/2023/"]
    record = json.loads((bookkeeping(app) / search.INDEX_RECORD).read_text())
    assert sorted(record) == ["pagefind", "pagefind-issues/2023", "pagefind-issues/2024"]
    in_2023 = ["issues/2023-06-04.html", "issues/summer.html"]
    assert sorted(record["pagefind-issues/2023"]["pages"]) == in_2023
    entry = json.loads((app.outdir / "pagefind-issues/2023/pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 2
    assert all(page.startswith(("keps/", "sigs/")) for page in record["pagefind"]["pages"])
    # No temporary folder is left behind.
    assert not [p for p in app.outdir.iterdir() if p.name.startswith(".pagefind")]


def test_a_new_post_reindexes_only_its_year_and_the_topic_pages(project, make_app, monkeypatch):
    app = build(make_app, project)
    runs = pagefind_runs(monkeypatch)
    untouched = (app.outdir / "pagefind-issues" / "2023" / "pagefind-entry.json").stat()
    (project / "issues" / "2024-02-04.md").write_text(NEW_POST_2024, encoding="utf-8")
    again = rebuild(app, make_app)
    assert again.warning.getvalue() == ""
    assert indexed_bundles(runs) == ["pagefind", "pagefind-issues-2024"]
    after = (again.outdir / "pagefind-issues" / "2023" / "pagefind-entry.json").stat()
    assert after.st_mtime_ns == untouched.st_mtime_ns
    record = json.loads((bookkeeping(again) / search.INDEX_RECORD).read_text())
    assert "issues/2024-02-04.html" in record["pagefind-issues/2024"]["pages"]
    # Nothing changed: no Pagefind at all.
    rebuild(again, make_app)
    assert len(runs) == 2


def test_removing_the_last_issue_of_a_year_removes_its_bundle(project, make_app, monkeypatch):
    app = build(make_app, project)
    assert (app.outdir / "pagefind-issues" / "2023" / "pagefind.js").is_file()
    (project / "issues" / "2023-06-04.md").unlink()
    runs = pagefind_runs(monkeypatch)
    again = rebuild(app, make_app)
    assert again.warning.getvalue() == ""
    assert "pagefind-issues-2023" not in indexed_bundles(runs)
    assert not (again.outdir / "pagefind-issues" / "2023").exists()
    assert merged_bundles(again) == ["pagefind-issues/2024/"]
    record = json.loads((bookkeeping(again) / search.INDEX_RECORD).read_text())
    assert sorted(record) == ["pagefind", "pagefind-issues/2024"]
    # The last year gone too: no folder of year bundles at all.
    for page in (project / "issues").glob("*.md"):
        page.unlink()
    last = rebuild(again, make_app)
    assert not (last.outdir / "pagefind-issues").exists()
    assert merged_bundles(last) == []
    assert (last.outdir / "pagefind" / "pagefind.js").is_file()


def test_the_years_before_the_newest_are_one_bundle_made_again_when_a_year_begins(
    project, make_app, monkeypatch
):
    (project / "issues" / "2022-05-01.md").write_text(ISSUE_2022, encoding="utf-8")
    runs = pagefind_runs(monkeypatch)
    app = build(make_app, project)
    assert app.warning.getvalue() == ""
    assert indexed_bundles(runs) == [
        "pagefind",
        "pagefind-issues-2024",
        "pagefind-issues-2022-2023",
    ]
    assert merged_bundles(app) == ["pagefind-issues/2024/", "pagefind-issues/2022-2023/"]
    record = json.loads((bookkeeping(app) / search.INDEX_RECORD).read_text())
    assert sorted(record["pagefind-issues/2022-2023"]["pages"]) == [
        "issues/2022-05-01.html",
        "issues/2023-06-04.html",
    ]
    # Each bundle was made with the archive's chunk size, and says so.
    assert {entry["chunk_size"] for entry in record.values()} == {search.INDEX_CHUNK_SIZE}
    # A new post of the newest year leaves the earlier years alone.
    (project / "issues" / "2024-02-04.md").write_text(NEW_POST_2024, encoding="utf-8")
    again = rebuild(app, make_app)
    assert indexed_bundles(runs[3:]) == ["pagefind", "pagefind-issues-2024"]
    # The first issue of 2025: 2025 is the newest year, 2022 to 2024 the earlier ones.
    (project / "issues" / "2025-01-05.md").write_text(NEW_YEAR_2025, encoding="utf-8")
    last = rebuild(again, make_app)
    assert last.warning.getvalue() == ""
    assert indexed_bundles(runs[5:]) == [
        "pagefind",
        "pagefind-issues-2025",
        "pagefind-issues-2022-2024",
    ]
    assert sorted(p.name for p in (last.outdir / "pagefind-issues").iterdir()) == [
        "2022-2024",
        "2025",
    ]
    entry = json.loads((last.outdir / "pagefind-issues/2022-2024/pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 5


def offered_years(browser) -> list[str]:
    """The years the year filter offers, with their counts, once the reader comes to it."""
    browser.page.hover("select[name=year]")
    browser.page.wait_for_selector("#search-form[data-facets=shown]", state="attached")
    return browser.page.eval_on_selector_all(
        "select[name=year] option", "os => os.filter(o => !o.hidden).map(o => o.textContent)"
    )


@pytest.mark.browser
def test_search_merges_the_bundles_of_every_year_and_filters_by_year(project, make_app, browser):
    app = build(make_app, project)
    with serve(app.outdir) as base:
        results = browser.search(base, "q=3136")
        # The KEP's own page (the primary bundle) first, then issues of both years.
        assert results[0] == "keps/3136.html"
        assert set(results[1:]) == {
            "issues/2023-06-04.html",
            "issues/2024-01-07.html",
            "issues/2024-01-21.html",
        }
        assert browser.search(base, "q=zebrafish") == ["issues/2023-06-04.html"]
        # Each year counts the issues of the current search; a year with none is not offered.
        offered = offered_years(browser)
        assert offered[1:] == ["2023 (1)"]
        browser.search(base, "q=3136")
        offered = offered_years(browser)
        assert offered[1:] == ["2024 (2)", "2023 (1)"]
        assert browser.search(base, "q=3136&year=2023") == ["issues/2023-06-04.html"]
        in_2024 = browser.search(base, "q=3136&year=2024")
        assert sorted(in_2024) == ["issues/2024-01-07.html", "issues/2024-01-21.html"]
        assert browser.search(base, "q=zebrafish&year=2024") == []
        assert browser.errors == []
        assert browser.foreign_requests() == []


def test_a_bundle_made_with_chunks_of_another_size_is_not_current(tmp_path):
    bundle = tmp_path / "pagefind"
    bundle.mkdir()
    (bundle / "pagefind.js").write_text("x")
    pages = {"keps/1.html": [1, 2]}
    entry = {"pages": pages, "bundle": {"pagefind.js": 1}, "chunk_size": search.INDEX_CHUNK_SIZE}
    assert search.index_is_current(tmp_path, entry, pages)
    # Pagefind's default chunks (or a record from before the chunk size was set).
    assert not search.index_is_current(tmp_path, {**entry, "chunk_size": 20000}, pages)
    del entry["chunk_size"]
    assert not search.index_is_current(tmp_path, entry, pages)


def test_pagefind_is_told_the_chunk_size(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(
        search.subprocess, "Popen", lambda command, **kwargs: started.append(kwargs["env"])
    )
    search.start_pagefind(tmp_path, {"bundle": "pagefind", "glob": "{keps/*.html}"})
    assert started[0][search.INDEX_CHUNK_VARIABLE] == str(search.INDEX_CHUNK_SIZE)
    assert started[0]["PATH"] == search.os.environ["PATH"]
