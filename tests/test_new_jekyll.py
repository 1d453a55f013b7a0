"""`new --jekyll`: next week's post in LWKD's own repository, as its template.md and script write it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from lwkd_archive.cli import build_parser, main
from lwkd_archive.editor.new import LWKD_TEMPLATE, jekyll_post, run
from lwkd_archive.importer.jekyll import jekyll_date, read_post, title_date, week_ending_of

#: A bare clone of kubernetes-sigs/lwkd, where one is kept beside the project's checkouts.
LWKD_MIRROR = Path("/work/.mirror/kubernetes-sigs+lwkd/repo")

#: The front matter new_edition.sh gives the week ending 23 August 2026 (its sed lines, by hand).
FRONT_2026_08_23 = """\
---
layout: post
title: Week Ending August 23, 2026
date: 2026-08-23 22:00:00 -0000
slug: 2026-08-23-update
---
"""

#: The sections of LWKD's template.md, in order (read off it by hand).
TEMPLATE_HEADINGS = [
    "## Developer News",
    "### Election Update",
    "### Contributor Blog",
    "## Release Schedule",
    "## Featured PRs",
    "## KEP of the Week",
    "## Other Merges",
    "## Promotions",
    "## Deprecated",
    "## Version Updates",
    "## Subprojects and Dependency Updates",
    "## Shoutouts",
]


@pytest.fixture
def lwkd_checkout(tmp_path, monkeypatch) -> Path:
    """An empty checkout of LWKD's repository, the current folder, as an editor runs `new`."""
    (tmp_path / "_posts").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_new_jekyll_writes_the_weeks_post_from_lwkds_template(lwkd_checkout, capsys):
    assert main(["new", "--jekyll", "--week-ending", "2026-08-23"]) == 0
    post = (lwkd_checkout / "_posts" / "2026-08-23-update.md").read_text(encoding="utf-8")
    assert post.startswith(FRONT_2026_08_23 + "\n## Developer News\n")
    assert [line for line in post.splitlines() if line.startswith("#")] == TEMPLATE_HEADINGS
    assert post.endswith("Tag them in the #shoutouts channel.")  # no newline, as template.md
    assert "POST_" not in post
    assert "Month DD" not in post
    err = capsys.readouterr().err
    assert "wrote _posts/2026-08-23-update.md: Week Ending August 23, 2026" in err


def test_new_jekyll_pads_the_day_as_new_edition_sh_does():
    # `date +"%B %d, %Y"`: the titles LWKD publishes since 2026 ("Week Ending August 02, 2026").
    post = jekyll_post(dt.date(2026, 8, 2))
    assert "\ntitle: Week Ending August 02, 2026\n" in post
    assert "\ndate: 2026-08-02 22:00:00 -0000\nslug: 2026-08-02-update\n" in post


def test_new_jekyll_post_is_read_by_the_importer_as_its_week(lwkd_checkout):
    assert main(["new", "--jekyll", "--week-ending", "2026-08-09"]) == 0
    path = lwkd_checkout / "_posts" / "2026-08-09-update.md"
    post = read_post(path, "_posts/2026-08-09-update.md")
    assert post.findings == []
    assert week_ending_of(post, str(post.front["title"])) == dt.date(2026, 8, 9)
    assert title_date(str(post.front["title"])) == dt.date(2026, 8, 9)
    assert jekyll_date(post.front["date"]) == (dt.datetime(2026, 8, 9, 22, tzinfo=dt.UTC), "")


def test_new_jekyll_is_for_the_coming_sunday(lwkd_checkout):
    args = build_parser().parse_args(["new", "--jekyll"])
    assert run(args, today=dt.date(2026, 8, 19)) == 0  # a Wednesday
    assert [p.name for p in (lwkd_checkout / "_posts").iterdir()] == ["2026-08-23-update.md"]


def test_new_jekyll_uses_the_checkouts_own_template(lwkd_checkout, capsys):
    (lwkd_checkout / "template.md").write_text(
        "---\nlayout: post\ntitle: Week Ending Month DD, YYYY\ndate: POST_DATE 22:00:00 -0000\n"
        "slug: POST_SLUG_DATE-update\n---\n\n## Developer News\n\n## Something New\n",
        encoding="utf-8",
    )
    assert main(["new", "--jekyll", "--week-ending", "2026-12-06"]) == 0
    assert (lwkd_checkout / "_posts" / "2026-12-06-update.md").read_text(encoding="utf-8") == (
        "---\nlayout: post\ntitle: Week Ending December 06, 2026\n"
        "date: 2026-12-06 22:00:00 -0000\nslug: 2026-12-06-update\n---\n\n"
        "## Developer News\n\n## Something New\n"
    )
    assert "from template.md" in capsys.readouterr().err


def test_new_jekyll_refuses_to_overwrite_the_weeks_post(lwkd_checkout, capsys):
    draft = lwkd_checkout / "_posts" / "2026-08-23-update.md"
    draft.write_text("my draft", encoding="utf-8")
    assert main(["new", "--jekyll", "--week-ending", "2026-08-23"]) == 1
    assert "error: _posts/2026-08-23-update.md already exists" in capsys.readouterr().err
    assert draft.read_text(encoding="utf-8") == "my draft"


def test_new_jekyll_refuses_a_second_post_of_the_same_day(lwkd_checkout, capsys):
    # Jekyll publishes every _posts/YYYY-MM-DD-*.md: a second file would be a second issue.
    other = lwkd_checkout / "_posts" / "2026-08-23-special.md"
    other.write_text("a special edition", encoding="utf-8")
    assert main(["new", "--jekyll", "--week-ending", "2026-08-23"]) == 1
    assert "_posts/2026-08-23-special.md already exists" in capsys.readouterr().err
    assert sorted(p.name for p in (lwkd_checkout / "_posts").iterdir()) == ["2026-08-23-special.md"]


def test_new_refuses_to_overwrite_an_archive_issue_too(tmp_path, capsys):
    (tmp_path / "2026-08-23.md").write_text("my draft", encoding="utf-8")
    assert main(["new", "--week-ending", "2026-08-23", "--out", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "2026-08-23.md").read_text(encoding="utf-8") == "my draft"


def test_new_jekyll_needs_a_posts_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--jekyll", "--week-ending", "2026-08-23"]) == 2
    assert "no _posts folder here" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    # Given explicitly, the folder is made.
    assert (
        main(["new", "--jekyll", "--week-ending", "2026-08-23", "--posts-dir", "lwkd/_posts"]) == 0
    )
    assert (tmp_path / "lwkd" / "_posts" / "2026-08-23-update.md").is_file()


def test_new_jekyll_never_reads_a_template_through_a_symbolic_link(lwkd_checkout, capsys):
    secret = lwkd_checkout.parent / "secret.txt"
    secret.write_text("POST_DATE secret", encoding="utf-8")
    (lwkd_checkout / "template.md").symlink_to(secret)
    assert main(["new", "--jekyll", "--week-ending", "2026-08-23"]) == 2
    assert "template.md: a symbolic link, not read" in capsys.readouterr().err
    assert list((lwkd_checkout / "_posts").iterdir()) == []


def test_new_jekyll_refuses_a_template_that_is_no_text(lwkd_checkout, capsys):
    (lwkd_checkout / "template.md").write_bytes(b"---\ntitle: \xff\n---\n")
    assert main(["new", "--jekyll", "--week-ending", "2026-08-23"]) == 2
    assert "template.md: not UTF-8" in capsys.readouterr().err
    (lwkd_checkout / "template.md").write_bytes(b"x" * 64_001)
    assert main(["new", "--jekyll", "--week-ending", "2026-08-23"]) == 2
    assert "over 64 KB" in capsys.readouterr().err
    assert list((lwkd_checkout / "_posts").iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["new", "--jekyll", "--out", "source/issues"],
        ["new", "--posts-dir", "_posts"],
    ],
)
def test_new_keeps_each_folder_option_to_its_format(lwkd_checkout, capsys, argv):
    assert main([*argv, "--week-ending", "2026-08-23"]) == 2
    assert "--out is for the archive's page, --posts-dir for --jekyll" in capsys.readouterr().err


def test_new_jekyll_refuses_a_week_that_does_not_end_on_sunday(lwkd_checkout, capsys):
    assert main(["new", "--jekyll", "--week-ending", "2026-08-22"]) == 2
    assert "is a Saturday" in capsys.readouterr().err


@pytest.mark.skipif(
    not (LWKD_MIRROR / "HEAD").is_file(),
    reason=f"no clone of kubernetes-sigs/lwkd at {LWKD_MIRROR}",
)
def test_the_built_in_template_is_lwkds_template_md():
    upstream = subprocess.run(
        ["git", "-C", str(LWKD_MIRROR), "show", "HEAD:template.md"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    ).stdout
    assert upstream == LWKD_TEMPLATE
