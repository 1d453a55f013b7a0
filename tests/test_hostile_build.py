"""Builds against hostile input and hostile conditions: huge issues, killed builds, full disks."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from feedgen.entry import FeedEntry
from lxml import etree

from lwkd_archive.files import WriteError
from lwkd_archive.outputs import api, feeds, search, sitemap
from lwkd_archive.outputs import record as fingerprints
from lwkd_archive.outputs import recovery as build_recovery
from lwkd_archive.pages import generated, redirects
from tests.test_timeline import NEW_ISSUE, rebuild

#: An issue naming many KEPs: each is a tag, so the issue is in that many feeds.
KEPS_IN_ONE_ISSUE = 40


class Killed(BaseException):
    """Stands for the signal that stops a build where it is (Ctrl-C, a time limit)."""


@pytest.fixture
def project(tmp_path, rootdir) -> Path:
    """A fresh copy of the tiny archive (parametrized tests each need their own)."""
    return Path(shutil.copytree(rootdir / "test-recovery", tmp_path / "recovery"))


def build(make_app, project: Path):
    app = make_app("html", srcdir=project)
    app.build()
    return app


def issue_naming_keps(count: int) -> str:
    keps = "\n".join(f"* Work on {{kep}}`{4000 + n}` landed." for n in range(count))
    return f"""\
---
blogpost: true
date: 2024-01-31 06:00
week_ending: 2024-01-28
lwkd_source: _posts/2024-01-28-update.md
lwkd_url: /2024/20240131
---

# Week Ending January 28, 2024

## Featured PRs

{keps}
"""


def count_calls(monkeypatch, owner: type, name: str) -> list[int]:
    """Count the calls of ``owner.name`` (a list, one item per call), still calling it."""
    calls: list[int] = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def pagefind_runs(monkeypatch) -> list[list[str]]:
    """The Pagefind commands the builds run from now on."""
    runs: list[list[str]] = []
    popen = subprocess.Popen

    def recording_popen(command, *args, **kwargs):
        if "--output-subdir" in command:
            runs.append(command)
        return popen(command, *args, **kwargs)

    monkeypatch.setattr(search.subprocess, "Popen", recording_popen)
    return runs


def indexed_bundles(runs: list[list[str]]) -> list[str]:
    """The bundles the recorded Pagefind commands index (``pagefind``, ``pagefind-issues-2024``)."""
    return [run[run.index("--output-subdir") + 1].removeprefix(".pagefind-next-") for run in runs]


def feed_files(app) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((app.outdir / "feeds").glob("*.xml"))}


# 1. One issue must not stall the build: its entry is rendered once, not once per feed.


def test_an_issue_in_many_feeds_is_rendered_once(project, make_app, monkeypatch):
    (project / "issues" / "2024-01-28.md").write_text(
        issue_naming_keps(KEPS_IN_ONE_ISSUE), encoding="utf-8"
    )
    entries_rendered = count_calls(monkeypatch, FeedEntry, "atom_entry")
    categories_set = count_calls(monkeypatch, FeedEntry, "category")
    app = build(make_app, project)
    assert app.warning.getvalue() == ""
    written = feed_files(app)
    assert len(written) > KEPS_IN_ONE_ISSUE
    assert written["kep-4039.xml"].count(b"<category ") == KEPS_IN_ONE_ISSUE
    # Three issues in more than 40 feeds: each issue's entry is made once, its
    # categories set in one call (feedgen redoes all earlier ones on every call).
    assert len(entries_rendered) == 3
    assert len(categories_set) <= 3


def test_feeds_are_the_bytes_lxml_writes_for_them(project, make_app):
    app = build(make_app, project)
    parser = etree.XMLParser(remove_blank_text=True)
    for name, data in feed_files(app).items():
        tree = etree.ElementTree(etree.fromstring(data, parser))
        rewritten = etree.tostring(tree, pretty_print=True, encoding="UTF-8", xml_declaration=True)
        assert data == rewritten, name
    summary = "KEP-3136 &amp; KEP-2799 moved to beta, “at last”"
    assert summary in (app.outdir / "feeds" / "kep-2799.xml").read_text(encoding="utf-8")


# 2. A build that was killed, or lost files, is repaired by running it again.


def test_a_build_killed_while_writing_pages_is_finished_by_the_next(project, make_app):
    app = build(make_app, project)
    (app.srcdir / "issues" / "2024-01-14.md").write_text(NEW_ISSUE, encoding="utf-8")
    app.cleanup()
    killed = make_app("html", srcdir=app.srcdir)
    write_doc = killed.builder.write_doc
    written: list[str] = []

    def write_one_then_die(docname, doctree):
        if written:
            raise Killed
        write_doc(docname, doctree)
        written.append(docname)

    killed.builder.write_doc = write_one_then_die
    with pytest.raises(Killed):
        killed.build()
    # Sphinx saved its environment before writing: it counts the new issue's
    # neighbours as written, though only one page was.
    again = rebuild(killed, make_app)
    before = (again.outdir / "issues" / "2024-01-07.html").read_text(encoding="utf-8")
    after = (again.outdir / "issues" / "2024-01-21.html").read_text(encoding="utf-8")
    assert 'rel="next" href="2024-01-14.html"' in before
    assert 'rel="prev" href="2024-01-14.html"' in after
    assert "writing every page again" in again.status.getvalue()
    assert not (bookkeeping(again) / build_recovery.WRITING_MARKER).exists()
    # The build after that one writes only what changes again.
    quiet = rebuild(again, make_app)
    assert "writing every page again" not in quiet.status.getvalue()


@pytest.mark.parametrize("damage", ["deleted", "cut short"])
def test_a_lost_image_is_copied_again_by_a_build_with_nothing_to_do(project, make_app, damage):
    app = build(make_app, project)
    image = app.outdir / "_images" / "chart.png"
    original = (app.srcdir / "_media" / "chart.png").read_bytes()
    assert image.read_bytes() == original
    if damage == "deleted":
        image.unlink()
    else:
        image.write_bytes(original[:20])
    again = rebuild(app, make_app)
    assert "0 added, 0 changed, 0 removed" in again.status.getvalue()
    assert image.read_bytes() == original
    assert again.warning.getvalue() == ""


def kill_pagefind(outdir: Path) -> list[Path]:
    """What Pagefind killed while writing leaves: no record, part of the index missing."""
    (outdir.parent / "doctrees" / ".lwkd" / "html" / search.INDEX_RECORD).unlink(missing_ok=True)
    lost = sorted((outdir / "pagefind" / "fragment").iterdir())[::2]
    lost.append(outdir / "pagefind" / "pagefind-entry.json")
    for path in lost:
        path.unlink()
    return lost


def lose_index_files(outdir: Path) -> list[Path]:
    lost = sorted((outdir / "pagefind" / "index").iterdir())[:1]
    lost[0].unlink()
    return lost


def touch_a_page(outdir: Path) -> list[Path]:
    """A page written after the index was made (a build killed before Pagefind started)."""
    page = outdir / "keps" / "3136.html"
    later = page.stat().st_mtime + 10
    os.utime(page, (later, later))
    return []


@pytest.mark.parametrize(
    ("damage", "again_indexed"),
    [
        (kill_pagefind, ["pagefind", "pagefind-issues-2024"]),
        (lose_index_files, ["pagefind"]),
        (touch_a_page, ["pagefind"]),
    ],
)
def test_an_index_that_is_not_whole_or_not_current_is_made_again(
    project, make_app, monkeypatch, damage, again_indexed
):
    runs = pagefind_runs(monkeypatch)
    app = build(make_app, project)
    assert indexed_bundles(runs) == ["pagefind", "pagefind-issues-2024"]
    lost = damage(app.outdir)
    again = rebuild(app, make_app)
    assert "0 added, 0 changed, 0 removed" in again.status.getvalue()
    # Only the bundle that is not whole or not current is made again.
    assert indexed_bundles(runs[2:]) == again_indexed
    assert all(path.is_file() for path in lost)
    assert (bookkeeping(again) / search.INDEX_RECORD).is_file()
    assert again.warning.getvalue() == ""
    # A current index is left alone.
    count = len(runs)
    rebuild(again, make_app)
    assert len(runs) == count


def test_an_output_cut_short_is_written_again_despite_its_fingerprint(project, make_app):
    app = build(make_app, project)
    feed = app.outdir / "feeds" / "kep-3136.xml"
    whole = feed.read_bytes()
    feed.write_bytes(whole[: len(whole) // 2])
    rebuild(app, make_app)
    assert feed.read_bytes() == whole


def test_a_generated_page_sphinx_failed_to_write_is_written_again(project, make_app):
    app = make_app("html", srcdir=project)
    handle_page = app.builder.handle_page

    def page_cut_short_by_a_full_disk(pagename, *args, **kwargs):
        handle_page(pagename, *args, **kwargs)
        if pagename == "keps/3136":
            page = app.outdir / "keps" / "3136.html"
            page.write_bytes(page.read_bytes()[:100])

    app.builder.handle_page = page_cut_short_by_a_full_disk
    app.build()
    again = rebuild(app, make_app)
    page = (again.outdir / "keps" / "3136.html").read_text(encoding="utf-8")
    assert page.rstrip().endswith("</html>")
    assert generated.is_whole_html_page(again.outdir / "keps" / "3136.html")


def bookkeeping(app) -> Path:
    """Where the archive keeps its records: with the environment, outside the site."""
    return Path(app.doctreedir) / ".lwkd" / "html"


def full_disk_for(folder_part: str, write):
    def write_or_fail(path, data):
        if folder_part in str(path):
            raise WriteError(Path(path), OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
        return write(path, data)

    return write_or_fail


@pytest.mark.parametrize(
    ("module", "folder_part"),
    [
        (feeds, "feeds"),
        (fingerprints, "topics.json"),
        (search, "pagefind.json"),
        (redirects, "20240110"),
        (api, "issues.json"),
        (sitemap, "sitemap.xml"),
    ],
)
def test_a_full_disk_fails_the_build_with_a_line_naming_the_file(
    project, make_app, monkeypatch, module, folder_part
):
    monkeypatch.setattr(
        module, "write_atomically", full_disk_for(folder_part, module.write_atomically)
    )
    app = build(make_app, project)
    errors = [line for line in app.warning.getvalue().splitlines() if "ERROR" in line]
    assert errors
    for line in errors:
        assert "cannot write " in line
        assert folder_part in line
        assert "No space left on device; free space and run again" in line
    assert "Traceback" not in app.warning.getvalue() + app.status.getvalue()
    assert app.statuscode == 1
    # Space freed: running again writes what was missing.
    monkeypatch.undo()
    again = rebuild(app, make_app)
    assert again.warning.getvalue() == ""
    assert again.statuscode == 0
    assert (again.outdir / "feeds" / "kep-3136.xml").is_file()
    assert (bookkeeping(again) / search.INDEX_RECORD).is_file()
    assert not (bookkeeping(again) / build_recovery.WRITING_MARKER).exists()
