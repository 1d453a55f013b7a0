"""The archive's warning types (``lwkd.<subtype>``), each from what causes it: its text, its
place, a ``-W`` build that fails for it alone, and no type that no test asserts."""

from __future__ import annotations

import ast
import re
import shutil
import sys
from pathlib import Path

import pytest

from lwkd_archive.outputs import search
from lwkd_archive.warnings import ArchiveWarning
from tests.conftest import ROOTS

TESTS = Path(__file__).resolve().parent
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


def project(tmp_path: Path, name: str) -> Path:
    """A copy of the timeline project: three issues, each with its old lwkd.info address."""
    srcdir = tmp_path / name
    shutil.copytree(ROOTS / "test-timeline", srcdir)
    return srcdir


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def build(make_app, srcdir: Path, **config):
    """The project built as ``sphinx-build -W`` builds it."""
    app = make_app("html", srcdir=srcdir, warningiserror=True, confoverrides=config)
    app.build()
    return app


def warnings_of(app) -> list[str]:
    return ANSI_RE.sub("", app.warning.getvalue()).splitlines()


def assert_only_this_type_fails_the_build(app, make_app, subtype: str, **config) -> None:
    """``-W`` failed the build; with ``lwkd.<subtype>`` suppressed, the same build passes."""
    assert app.statuscode == 1
    app.cleanup()
    again = build(make_app, app.srcdir, suppress_warnings=[f"lwkd.{subtype}"], **config)
    assert warnings_of(again) == []
    assert again.statuscode == 0


def test_two_issues_with_one_old_address_warn_at_the_second(make_app, tmp_path):
    srcdir = project(tmp_path, "redirect")
    second = srcdir / "issues" / "2024-01-21.md"
    # The issue of January 7 was at /2024/20240110 on lwkd.info.
    edit(second, "lwkd_url: /2024/20240124", "lwkd_url: /2024/20240110")
    app = build(make_app, srcdir)
    assert warnings_of(app) == [
        f"{second}: WARNING: /2024/20240110 is the old address of both issues/2024-01-07 "
        "and issues/2024-01-21; it leads to issues/2024-01-07 [lwkd.redirect]"
    ]
    # The address leads to the first issue; the second has no old address at all.
    for path in ("2024/20240110.html", "2024/20240110/index.html"):
        page = (app.outdir / path).read_text(encoding="utf-8")
        assert "issues/2024-01-07.html" in page, path
        assert "issues/2024-01-21.html" not in page, path
    assert not (app.outdir / "2024" / "20240124.html").exists()
    assert_only_this_type_fails_the_build(app, make_app, "redirect")


@pytest.mark.parametrize(
    ("output", "detail"),
    [
        ("Error: first\nError: the last line\n", "Error: the last line"),
        ("", "no output"),
    ],
    ids=["last-line", "silent"],
)
def test_a_failed_pagefind_is_reported_by_its_last_line(
    make_app, tmp_path, monkeypatch, output, detail
):
    # A Pagefind that fails as the real one does: the reason on its last line, exit status 1.
    script = f"import sys; sys.stdout.write({output!r}); sys.exit(1)"
    monkeypatch.setattr(search, "pagefind_command", lambda: [sys.executable, "-c", script])
    app = build(make_app, project(tmp_path, "search-failed"))
    # A warning about the whole site: no file, no line.
    assert warnings_of(app) == [
        f"WARNING: Pagefind could not index the site: {detail} [lwkd.search]"
    ]
    assert_only_this_type_fails_the_build(app, make_app, "search")


def test_a_tag_that_names_no_file_gets_no_feed(make_app, tmp_path):
    srcdir = project(tmp_path, "tag-feed")
    edit(
        srcdir / "issues" / "2024-01-07.md",
        "blogpost: true\n",
        "blogpost: true\ntags: 日本語, Release 1.30\n",
    )
    app = build(make_app, srcdir)
    assert warnings_of(app) == [
        "WARNING: no feed for the tag '日本語': '日本語' is not a slug [lwkd.sig]"
    ]
    feeds = sorted(path.name for path in (app.outdir / "feeds").glob("*.xml"))
    # The tag whose slug is a file's name has its feed, beside the archive's.
    assert feeds == ["atom.xml", "release-130.xml"]
    assert_only_this_type_fails_the_build(app, make_app, "sig")


def test_a_post_without_its_week_warns_and_takes_the_week_of_its_date(make_app, tmp_path):
    srcdir = project(tmp_path, "no-week")
    page = srcdir / "issues" / "2024-01-21.md"
    edit(page, "week_ending: 2024-01-21\n", "")
    app = build(make_app, srcdir)
    assert warnings_of(app) == [
        f"{page}:1: WARNING: the post has no week_ending: write `week_ending: YYYY-MM-DD` in "
        "its front matter (its week is taken from its date until then) [lwkd.issue]"
    ]
    # Still an issue in every list, in the week of its date.
    issues = app.env.domains["lwkd"].views.by_docname
    assert str(issues["issues/2024-01-21"].week_ending) == "2024-01-24"
    assert "issues/2024-01-21.html" in (app.outdir / "archive" / "2024.html").read_text()
    assert_only_this_type_fails_the_build(app, make_app, "issue")


def test_a_week_that_is_not_a_post_warns_and_is_no_issue(make_app, tmp_path):
    srcdir = project(tmp_path, "not-a-post")
    page = srcdir / "notes.md"
    page.write_text("---\nweek_ending: 2024-01-14\n---\n\n# Notes\n\nText.\n", encoding="utf-8")
    (srcdir / "index.md").write_text(
        (srcdir / "index.md").read_text(encoding="utf-8") + "\n```{toctree}\nnotes\n```\n",
        encoding="utf-8",
    )
    app = build(make_app, srcdir)
    assert warnings_of(app) == [
        f"{page}:1: WARNING: the page has a week_ending but is not a dated blog post, so it is "
        "not listed as an issue: add `blogpost: true` and a `date` to its front matter "
        "[lwkd.issue]"
    ]
    assert "notes" not in app.env.domains["lwkd"].issues
    assert "notes.html" not in (app.outdir / "feeds" / "atom.xml").read_text()
    assert_only_this_type_fails_the_build(app, make_app, "issue")


def test_two_issues_of_one_week_warn_and_keep_distinct_feed_ids(make_app, tmp_path):
    srcdir = project(tmp_path, "same-week")
    second = srcdir / "issues" / "2024-01-21.md"
    edit(second, "week_ending: 2024-01-21", "week_ending: 2024-01-07")
    app = build(make_app, srcdir)
    assert warnings_of(app) == [
        f"{second}:1: WARNING: a second issue for the week ending 2024-01-07 (the first is "
        "issues/2024-01-07): give each week one issue [lwkd.issue]"
    ]
    feed = (app.outdir / "feeds" / "atom.xml").read_text(encoding="utf-8")
    assert "<id>tag:lwkd-archive.readthedocs.io,2026:issue/2024-01-07</id>" in feed
    assert (
        "<id>tag:lwkd-archive.readthedocs.io,2026:issue/2024-01-07/issues/2024-01-21</id>" in feed
    )
    assert_only_this_type_fails_the_build(app, make_app, "issue")


def asserted_strings(path: Path, skip: str | None = None) -> list[str]:
    """The literal text in the ``assert`` statements of a test file, f-strings' text included;
    ``skip`` names a function whose assertions do not count."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == skip:
            skipped.update(id(inner) for inner in ast.walk(node))
    return [
        constant.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert) and id(node) not in skipped
        for constant in ast.walk(node)
        if isinstance(constant, ast.Constant) and isinstance(constant.value, str)
    ]


def test_every_warning_type_is_asserted_by_a_test():
    """Each type's ``[lwkd.<subtype>]``, as Sphinx shows it, is in some test's assertion."""
    this = test_every_warning_type_is_asserted_by_a_test.__name__
    asserted = [
        text
        for path in sorted(TESTS.rglob("test_*.py"))
        for text in asserted_strings(path, skip=this if path == Path(__file__).resolve() else None)
    ]
    untested = [
        kind.name
        for kind in ArchiveWarning
        if not any(f"[lwkd.{kind.value}]" in text for text in asserted)
    ]
    assert untested == [], f"no test asserts a warning of these types: {untested}"
