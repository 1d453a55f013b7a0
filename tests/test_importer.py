"""The importer on fixture posts: every defect and bad input handled, reported at file:line."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from lwkd_archive.cli import main
from lwkd_archive.importer.references import roles_for_year
from lwkd_archive.importer.run import import_archive
from tests.conftest import REPO, build_imported

FIXTURE = REPO / "tests" / "fixtures" / "importer" / "lwkd"


@pytest.fixture
def lwkd(tmp_path: Path) -> Path:
    """A copy of the fixture LWKD checkout that a test may damage."""
    repo = tmp_path / "lwkd"
    shutil.copytree(FIXTURE, repo)
    return repo


def run_import(repo: Path, out: Path):
    return import_archive(repo, out, add_roles=roles_for_year())


def page(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def messages(summary, post: str) -> list[str]:
    return [f"{f.line}: {f.message}" for f in summary.findings if f.path.endswith(post)]


def test_pages_have_the_front_matter_ablog_and_the_archive_read(lwkd, tmp_path):
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    assert (summary.imported, summary.failed) == (8, 0)
    text = page(out, "2024/2024-01-07.md")
    assert text.startswith(
        "---\nblogpost: true\ndate: 2024-01-10 05:20\nweek_ending: 2024-01-07\n"
        "lwkd_source: _posts/2024-01-07-update.md\nlwkd_url: /2024/20240110\n---\n\n"
        "# Week Ending January 7, 2024\n\n## Developer News\n"
    )


def test_links_between_issues_images_and_references(lwkd, tmp_path):
    out = tmp_path / "out"
    run_import(lwkd, out)
    text = page(out, "2024/2024-01-07.md")
    # An old address with an anchor becomes a link to the imported page and section.
    assert "[KEP news](2024-01-14.md#kep-of-the-week)" in text
    # Local images are copied beside the pages and linked relatively.
    assert "![contributors by week](../_media/2024/images/chart.png)" in text
    assert (out / "_media" / "2024" / "images" / "chart.png").read_bytes() == (
        FIXTURE / "2024" / "images" / "chart.png"
    ).read_bytes()
    # Images on other hosts are not loaded by readers' browsers: they become links.
    assert "[Image: the process](https://diagrams.example/process.svg)" in text
    assert "[Image: a remote chart](https://diagrams.example/chart.png)" in text
    # References are explicit roles; the PR number is not taken for the KEP number.
    assert "{sig}`SIG-Node <sig-node>`" in text
    assert (
        "### {pr}`enhancements#4001 <kubernetes/enhancements#4001>`: "
        "{kep}`KEP-4000: Widget scheduling <4000>`"
    ) in text
    assert "{kep}`4001`" not in text
    assert "<4001>`" not in text.replace("#4001>", "")
    # Code is left alone.
    assert "```yaml\n# a comment, not a heading\nkind: Widget\n```" in text
    later = page(out, "2024/2024-01-14.md")
    assert "[the previous issue](2024-01-07.md)" in later


def test_each_defect_is_fixed_by_its_rule_and_reported_at_its_line(lwkd, tmp_path):
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    assert messages(summary, "2024-01-07-update.md") == [
        "14: image 'https://diagrams.example/chart.png' is on another host; written as a link to it, not loaded",
        "14: image 'https://diagrams.example/process.svg' is on another host; shown as its description, not loaded",
        "20: inline HTML '</b>' shown as text (the archive renders no raw HTML)",
        "20: inline HTML '<b>' shown as text (the archive renders no raw HTML)",
        "20: link [the widget doc]() has no target; its text is kept without a link",
        "20: link target 'apiserver_request_total' is not a URL; its text is kept without a link",
    ]
    text = page(out, "2024/2024-01-07.md")
    assert r"This is \<b>important\</b>. Also see the widget doc and metrics." in text

    assert messages(summary, "2024-01-14-update.md") == [
        "3: title 'Week Ending January 14th, 2024' does not match the week; "
        "written as 'Week Ending January 14, 2024'",
        "4: time in '2024-01-17 14:4g5:00 -0000' is malformed; Jekyll reads it as 14:04",
    ]
    later = page(out, "2024/2024-01-14.md")
    assert "date: 2024-01-17 14:04\n" in later
    assert 'lwkd_title: "Week Ending January 14th, 2024"' in later

    # A Monday file whose title names the Sunday before: the title is right.
    monday = messages(summary, "2024-01-22-update.md")
    assert monday[0].startswith(
        "3: the file name's date 2024-01-22 is a Monday; the week ending is taken"
    )
    assert "slug '2024-01-21-update' differs from the file name" in monday[1]
    assert "link to '/2019/20190101': no issue has that address" in monday[2]
    assert (out / "2024" / "2024-01-21.md").is_file()
    assert "(https://lwkd.info/2019/20190101)" in page(out, "2024/2024-01-21.md")

    # An impossible date rolls over as Jekyll does; the old address follows it.
    assert messages(summary, "2022-02-27-update.md") == [
        "4: date '2022-02-29' does not exist; Jekyll rolls it over to 2022-03-01"
    ]
    assert "lwkd_url: /2022/20220301\n" in page(out, "2022/2022-02-27.md")

    # A date before the week it covers is kept (lwkd.info serves the issue there) and reported.
    assert messages(summary, "2024-02-04-update.md")[0].startswith(
        "4: published 2024-01-31, before the week it covers ends (2024-02-04)"
    )

    # No date: the file name's date; a misspelt title; old KEP numbers stay as written.
    old = messages(summary, "2018-02-11-update.md")
    assert "1: no date in the front matter; Jekyll uses the file name's date, 2018-02-11" in old
    assert (
        "3: title 'Week Ending Feburary 12, 2018' does not match the week; "
        "written as 'Week Ending February 11, 2018'"
    ) in old
    assert any("'KEP 34' uses the old KEP numbering of 2018" in m for m in old)
    assert any(m.startswith("12: heading level 1 written as level 2") for m in old)
    text = page(out, "2018/2018-02-11.md")
    assert "The coscheduling KEP 34 was discussed" in text
    assert "{kep}" not in text


SNAPSHOTS = REPO / "tests" / "snapshots"


@pytest.mark.parametrize("page_name", ["2024/2024-01-07.md", "2018/2018-02-11.md"])
def test_imported_page_matches_its_snapshot(lwkd, tmp_path, page_name):
    """The whole page, byte for byte: any change to the importer's output shows here.

    After a deliberate change, LWKD_UPDATE_SNAPSHOTS=1 make test rewrites the snapshots;
    review their diff before committing it.
    """
    run_import(lwkd, tmp_path / "out")
    written = page(tmp_path / "out", page_name)
    snapshot = SNAPSHOTS / Path(page_name).name
    if os.environ.get("LWKD_UPDATE_SNAPSHOTS"):
        snapshot.write_text(written, encoding="utf-8")
    assert written == snapshot.read_text(encoding="utf-8")


def test_heading_levels_never_skip(lwkd, tmp_path):
    out = tmp_path / "out"
    run_import(lwkd, out)
    levels = [len(m[1]) for m in re.finditer(r"^(#+) ", page(out, "2024/2024-01-14.md"), re.M)]
    assert levels == [1, 2, 3, 4]


def test_importing_twice_changes_no_byte(lwkd, tmp_path):
    out = tmp_path / "out"
    run_import(lwkd, out)
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    again = run_import(lwkd, out)
    assert again.written == 0
    assert {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()
    } == files


def test_a_changed_post_rewrites_only_its_page_and_a_removed_post_its_page(lwkd, tmp_path):
    out = tmp_path / "out"
    run_import(lwkd, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.md")}
    post = lwkd / "_posts" / "2024-01-14-update.md"
    post.write_text(post.read_text().replace("as promised", "as we said"))
    (lwkd / "_posts" / "2022-02-27-update.md").unlink()
    summary = run_import(lwkd, out)
    assert summary.written == 1
    assert summary.removed == 1
    changed = [p.name for p, m in before.items() if p.exists() and p.stat().st_mtime_ns != m]
    assert changed == ["2024-01-14.md"]
    assert not (out / "2022" / "2022-02-27.md").exists()


def test_a_failed_write_leaves_no_partial_page(lwkd, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run_import(lwkd, out)
    original = page(out, "2024/2024-01-07.md")
    post = lwkd / "_posts" / "2024-01-07-update.md"
    post.write_text(post.read_text().replace("asks for reviews", "asks for more reviews"))

    def broken_write(self, data):
        raise OSError("disk full")

    monkeypatch.setattr("lwkd_archive.files.os.fdopen", lambda *a, **k: _Broken())
    with pytest.raises(OSError, match="disk full"):
        run_import(lwkd, out)
    assert page(out, "2024/2024-01-07.md") == original
    assert not [p for p in out.rglob("*.tmp")]


class _Broken:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, data):
        raise OSError("disk full")


BAD_INPUTS = {
    "2024-03-03-update.md": (b"", "1: the file is empty; delete it or write the issue"),
    "2024-03-10-update.md": (
        b"---\ntitle: Week Ending March 10, 2024\n---\n\nCaf\xe9\n",
        "5: invalid UTF-8 (byte 0xe9); save the file as UTF-8",
    ),
    "2024-03-17-update.md": (
        b"---\ntitle: [Week Ending\ndate: 2024-03-20\n---\n\nText\n",
        "3: broken YAML in the front matter",
    ),
    "2024-03-24-update.md": (
        b"## Developer News\n\nNo front matter.\n",
        "1: no front matter: a post starts with a '---' line, its YAML, and '---'",
    ),
    "notes.txt": (
        b"just notes\n",
        "1: not a post: Jekyll publishes only _posts/YYYY-MM-DD-title.md files",
    ),
    "2024-03-31-update.md": (
        b"\x89PNG\r\n\x1a\n\x00\x00",
        "1: not a Markdown file (it contains NUL bytes)",
    ),
}


def test_bad_inputs_fail_alone_with_file_and_line(lwkd, tmp_path, capsys):
    for name, (data, _) in BAD_INPUTS.items():
        (lwkd / "_posts" / name).write_bytes(data)
    out = tmp_path / "out"
    status = main(["import", str(lwkd), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 1
    for name, (_, message) in BAD_INPUTS.items():
        assert (
            f"{lwkd / '_posts' / name}:{message.split(':', 1)[0]}: error:{message.split(':', 1)[1]}"
            in err
        )
    assert re.search(r"^imported 8, warned \d+, failed 6 ", err, re.M)
    assert len(list(out.glob("*/*.md"))) == 8


def test_unreadable_file_fails_alone(lwkd, tmp_path, monkeypatch):
    unreadable = lwkd / "_posts" / "2024-01-14-update.md"
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == unreadable:
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    summary = run_import(lwkd, tmp_path / "out")
    assert (summary.imported, summary.failed) == (7, 1)
    assert [str(f) for f in summary.findings if f.error] == [
        f"{unreadable}:1: error: cannot read the file: Permission denied; check its permissions"
    ]


def test_cli_imports_and_prints_the_summary(lwkd, tmp_path, capsys):
    status = main(["import", str(lwkd), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 0
    assert re.search(r"^imported 8, warned \d+, failed 0 \(", err, re.M)


def test_cli_reports_a_source_that_is_not_a_checkout(tmp_path, capsys):
    assert main(["import", str(tmp_path / "missing")]) == 2
    assert "no such folder; give a checkout or a git URL" in capsys.readouterr().err


def test_a_git_url_is_cloned_shallowly_into_the_cache_and_updated(lwkd, tmp_path, capsys):
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(lwkd), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "posts")
    url, cache, out = f"file://{lwkd}", tmp_path / "cache", tmp_path / "out"
    assert main(["import", url, "--cache", str(cache), "--out", str(out)]) == 0
    clones = [p for p in cache.iterdir() if (p / ".git").is_dir()]
    assert len(clones) == 1
    depth = subprocess.run(
        ["git", "-C", str(clones[0]), "rev-list", "--count", "HEAD"], capture_output=True, text=True
    )
    assert depth.stdout.strip() == "1"
    (lwkd / "_posts" / "2024-01-07-update.md").unlink()
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "remove a post")
    assert main(["import", url, "--cache", str(cache), "--out", str(out)]) == 0
    assert not (out / "2024" / "2024-01-07.md").exists()
    assert "imported 7, " in capsys.readouterr().err


def test_html_links_images_breaks_and_jekyll_variables_become_markdown(lwkd, tmp_path):
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    text = page(out, "2025/2025-07-13.md")
    assert "date: 2025-07-16 05:00\n" in text
    assert "## Developer News\n" in text
    assert (
        "The [blog](https://kubernetes.io/blog/) has news, and [an older issue](../2024/2024-01-07.md) too.\\\nLine two"
        in text
    )
    assert "![the chart again](../_media/2024/images/chart.png)" in text
    notes = messages(summary, "2025-07-13-update.md")
    assert "7: kramdown header id removed; the heading keeps the anchor of its text" in notes
    assert "9: Jekyll variable '{{ site.baseurl }}' read as the site's address" in notes


def test_imported_pages_build_without_a_warning(lwkd, make_app, tmp_path):
    app = build_imported(make_app, lwkd, tmp_path / "site")
    assert app.warning.getvalue() == ""
    html = (app.outdir / "archive" / "2024" / "2024-01-07.html").read_text()
    assert 'src="../../_images/chart.png"' in html
    assert 'href="2024-01-14.html#kep-of-the-week"' in html
    assert 'href="https://diagrams.example/process.svg"' in html


def test_a_post_left_with_the_templates_placeholders_is_read_from_its_file_name(lwkd, tmp_path):
    # As upstream's week ending 2026-09-13 was published: placeholders unfilled, no final newline.
    (lwkd / "_posts" / "2026-09-13-update.md").write_text(
        "---\nlayout: post\ntitle: Week Ending September 13, 2026\n"
        "date: POST_DATE 22:00:00 -0000\nslug: POST_SLUG_DATE-update\n---\n\n"
        "## Developer News\n\nPlease [request an exception]( https://elections.k8s.io/exception)."
        " [KEP-6164: Internal types](https://www.kubernetes.dev/resources/keps/6164/)",
        encoding="utf-8",
    )
    summary = run_import(lwkd, tmp_path / "out")
    assert messages(summary, "2026-09-13-update.md") == [
        "4: date 'POST_DATE 22:00:00 -0000' is not a date; the file name's date, 2026-09-13, is used",
        "5: slug 'POST_SLUG_DATE-update' differs from the file name; the file name is used",
    ]
    text = page(tmp_path / "out", "2026/2026-09-13.md")
    assert "\ndate: 2026-09-13 00:00\nweek_ending: 2026-09-13\n" in text
    assert "\nlwkd_url: /2026/20260913\n" in text
    assert "[request an exception](https://elections.k8s.io/exception)" in text
    assert text.endswith("{kep}`KEP-6164: Internal types <6164>`\n")


def test_a_title_that_is_not_text_is_reported_and_made_from_the_week(lwkd, tmp_path):
    posts = lwkd / "_posts"
    (posts / "2026-09-20-update.md").write_text(
        "---\ntitle: [Week Ending, September 20]\ndate: 2026-09-23\n---\n\nText.\n"
    )
    (posts / "2026-09-27-update.md").write_text(
        '---\ndate: 2026-09-30\ntitle: "Week Ending\\n\\"Sept\\" 27, 2026"\n---\n\nText.\n'
    )
    summary = run_import(lwkd, tmp_path / "out")
    assert messages(summary, "2026-09-20-update.md") == [
        "2: the title is a YAML list or mapping, not text (quote it); "
        "the title is made from the week ending date"
    ]
    assert "\n# Week Ending September 20, 2026\n" in page(tmp_path / "out", "2026/2026-09-20.md")
    # The title as written is kept in the front matter, quotes and line break included.
    later = page(tmp_path / "out", "2026/2026-09-27.md")
    front = yaml.safe_load(later.split("---\n")[1])
    assert front["lwkd_title"] == 'Week Ending\n"Sept" 27, 2026'
    assert "\n# Week Ending September 27, 2026\n" in later


def test_a_special_issue_keeps_its_own_title(lwkd, tmp_path):
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    assert "\n# LWKD Special: the Kubernetes 1.34 release\n" in page(out, "2025/2025-07-20.md")
    assert messages(summary, "2025-07-20-update.md") == []


def test_an_unpublished_post_is_reported_not_imported(lwkd, tmp_path):
    draft = lwkd / "_posts" / "2025-07-27-update.md"
    draft.write_text("---\ntitle: Week Ending July 27, 2025\npublished: false\n---\n\nDraft.\n")
    summary = run_import(lwkd, tmp_path / "out")
    assert summary.skipped == 1
    assert messages(summary, "2025-07-27-update.md") == [
        "3: published: false; not imported, as Jekyll does not publish it"
    ]
    assert not (tmp_path / "out" / "2025" / "2025-07-27.md").exists()
    assert summary.line().endswith(", skipped 1 unpublished")
