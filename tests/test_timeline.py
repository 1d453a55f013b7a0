"""Previous/next links, year pages and feeds, in full and incremental builds."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"

NEW_ISSUE = """\
---
blogpost: true
date: 2024-01-17 06:00
week_ending: 2024-01-14
lwkd_source: _posts/2024-01-14-update.md
lwkd_url: /2024/20240117
---

# Week Ending January 14, 2024

## Developer News

A week that was missing.
"""


def rebuild(app, make_app):
    """Build the same project again in a new application, as `make html` run twice does."""
    app.cleanup()
    again = make_app("html", srcdir=app.srcdir)
    again.build()
    return again


def read(app, pagename: str) -> str:
    return (app.outdir / f"{pagename}.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="timeline")
def test_issues_link_to_previous_and_next(app):
    app.build()
    assert app.warning.getvalue() == ""
    middle = read(app, "issues/2024-01-07")
    assert (
        'rel="prev" href="2023-12-31.html"><span class="nav-dir">← Older</span> Week Ending December 31, 2023<'
        in middle
    )
    assert (
        'rel="next" href="2024-01-21.html"><span class="nav-dir">Newer →</span> Week Ending January 21, 2024<'
        in middle
    )
    first = read(app, "issues/2023-12-31")
    assert 'rel="prev"' not in first
    assert 'href="../archive/2023.html">2023 issues' in first
    assert 'href="https://lwkd.info/2024/20240103">on lwkd.info' in first


@pytest.mark.sphinx("html", testroot="timeline")
def test_year_pages_list_issues_newest_first(app):
    app.build()
    year = read(app, "archive/2024")
    assert year.index("January 21, 2024") < year.index("January 7, 2024")
    assert "December 31, 2023" not in year
    overview = read(app, "archive/index")
    assert 'href="2024.html">2024</a> <span class="count">2 issues' in overview
    assert 'href="2023.html">2023</a> <span class="count">1 issue<' in overview


@pytest.mark.sphinx("html", testroot="timeline")
def test_feeds_are_atom_with_absolute_urls(app):
    app.build()
    feed = ET.parse(app.outdir / "feeds" / "atom.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Week Ending January 21, 2024",
        "Week Ending January 7, 2024",
        "Week Ending December 31, 2023",
    ]
    for entry in entries:
        assert entry.find(f"{ATOM}link").get("href").startswith("https://archive.example/issues/")
        assert entry.findtext(f"{ATOM}updated")
        # The id is the issue's week, not its address, which changes once it is imported.
        assert entry.findtext(f"{ATOM}id").startswith("tag:lwkd-archive.readthedocs.io,2026:issue/")
    self_link = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == "https://archive.example/feeds/atom.xml"


@pytest.mark.sphinx("html", testroot="timeline", srcdir="timeline-no-change")
def test_rebuild_without_changes_writes_nothing(app, make_app):
    app.build()
    outputs = sorted(p for p in app.outdir.rglob("*") if p.is_file())
    mtimes = {p: p.stat().st_mtime_ns for p in outputs if p.suffix in {".html", ".xml"}}
    again = rebuild(app, make_app)
    assert "0 added, 0 changed, 0 removed" in again.status.getvalue()
    # The search page is the archive's own (Sphinx's search and its index are off): like
    # every generated page, it is written only when it changed.
    search = app.outdir / "search.html"
    assert "<h1>Search the archive</h1>" in search.read_text(encoding="utf-8")
    assert not (app.outdir / "searchindex.js").exists()
    assert search in mtimes
    rewritten = [p.name for p, m in mtimes.items() if p.stat().st_mtime_ns != m]
    assert rewritten == []


@pytest.mark.sphinx("html", testroot="timeline", srcdir="timeline-template-edit")
def test_an_edited_package_template_rewrites_its_generated_pages(app, make_app, monkeypatch):
    import shutil

    from lwkd_archive.pages import templating

    # A copy of the package's templates, so that the test edits no file of the checkout.
    templates = app.srcdir / "package-templates"
    shutil.copytree(templating.TEMPLATES, templates)
    monkeypatch.setattr(templating, "TEMPLATES", templates)
    app.build()
    assert "Edited search page" not in read(app, "search")
    template = templates / "lwkd" / "search.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            "<h1>Search the archive</h1>", "<h1>Edited search page</h1>"
        ),
        encoding="utf-8",
    )
    again = rebuild(app, make_app)
    assert "<h1>Edited search page</h1>" in read(again, "search")


@pytest.mark.sphinx("html", testroot="timeline", srcdir="timeline-new-issue")
def test_new_issue_updates_neighbours_year_page_home_and_feed(app, make_app):
    app.build()
    untouched = app.outdir / "issues" / "2023-12-31.html"
    before = untouched.stat().st_mtime_ns
    (app.srcdir / "issues" / "2024-01-14.md").write_text(NEW_ISSUE, encoding="utf-8")
    again = rebuild(app, make_app)
    assert again.warning.getvalue() == ""
    assert (
        'rel="next" href="2024-01-14.html"><span class="nav-dir">Newer →</span> Week Ending January 14, 2024'
        in read(again, "issues/2024-01-07")
    )
    assert (
        'rel="prev" href="2024-01-14.html"><span class="nav-dir">← Older</span> Week Ending January 14, 2024'
        in read(again, "issues/2024-01-21")
    )
    assert "January 14, 2024" in read(again, "archive/2024")
    assert "3 issues" in read(again, "archive/index")
    assert "2024-01-14.html" in read(again, "index")
    assert "Week Ending January 14, 2024" in (again.outdir / "feeds" / "atom.xml").read_text()
    # Its old lwkd.info address leads to it (the old-address pages were otherwise current).
    assert (
        'href="../issues/2024-01-14.html"' in (again.outdir / "2024" / "20240117.html").read_text()
    )
    # An issue whose neighbours did not change is not rewritten.
    assert untouched.stat().st_mtime_ns == before


@pytest.mark.sphinx("html", testroot="timeline", srcdir="timeline-removed-issue")
def test_removed_issue_leaves_no_page_or_old_address_behind(app, make_app):
    app.build()
    page = app.outdir / "issues" / "2024-01-07.html"
    old_addresses = [
        app.outdir / "2024" / "20240110.html",
        app.outdir / "2024" / "20240110" / "index.html",
    ]
    assert page.is_file()
    assert all(path.is_file() for path in old_addresses)
    (app.srcdir / "issues" / "2024-01-07.md").unlink()
    again = rebuild(app, make_app)
    assert again.warning.getvalue() == ""
    # Neither served nor indexed by Pagefind, which reads the output folder.
    assert not page.exists()
    assert not any(path.exists() for path in old_addresses)
    assert 'rel="next" href="2024-01-21.html"' in read(again, "issues/2023-12-31")
    assert "2024-01-07" not in read(again, "archive/2024")


def write_issues(srcdir, weeks: int) -> None:
    """A project of ``weeks`` consecutive issues, enough for Sphinx to read in parallel."""
    import datetime as dt
    import shutil

    from tests.conftest import ROOTS

    shutil.copytree(ROOTS / "test-timeline", srcdir)
    first = dt.date(2024, 2, 4)
    for i in range(weeks):
        week = first + dt.timedelta(weeks=i)
        pub = week + dt.timedelta(days=3)
        title = f"Week Ending {week:%B} {week.day}, {week.year}"
        (srcdir / "issues" / f"{week}.md").write_text(
            NEW_ISSUE.replace("2024-01-17", str(pub))
            .replace("2024-01-14", str(week))
            .replace("/2024/20240117", f"/{pub.year}/{pub:%Y%m%d}")
            .replace("Week Ending January 14, 2024", title),
            encoding="utf-8",
        )


def test_parallel_read_gives_the_same_site(make_app, tmp_path):
    outputs = {}
    for jobs in (1, 2):
        srcdir = tmp_path / f"j{jobs}"
        write_issues(srcdir, 12)
        app = make_app("html", srcdir=srcdir, parallel=jobs)
        app.build()
        assert app.warning.getvalue() == ""
        outputs[jobs] = {
            p.relative_to(app.outdir).as_posix(): p.read_text(encoding="utf-8")
            for p in app.outdir.rglob("*")
            if p.suffix in {".html", ".xml"}
        }
        app.cleanup()
    assert len(outputs[1]) > 15
    assert outputs[1] == outputs[2]
