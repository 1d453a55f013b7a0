"""The importer on hostile checkouts: links out of the repository, names that rewrite
front matter, images that are not images, crashes, full disks and posts built to stall."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
import yaml

from lwkd_archive import files
from lwkd_archive.cli import main
from lwkd_archive.importer import run
from lwkd_archive.importer.references import roles_for_year
from lwkd_archive.importer.run import import_archive
from lwkd_archive.importer.writer import MANIFEST
from tests.conftest import build_imported

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 24
SUNDAYS = ["2024-01-07", "2024-01-14", "2024-01-21", "2024-01-28", "2024-02-04"]
#: The line of a post's body that :func:`post` starts it on.
BODY_LINE = 8


def post(week: str, body: str = "Text.\n") -> str:
    """A post for the week ending ``week``, published on the Wednesday after."""
    year, month, day = (int(part) for part in week.split("-"))
    import datetime as dt

    sunday = dt.date(year, month, day)
    return (
        f"---\ntitle: Week Ending {sunday:%B} {sunday.day}, {year}\n"
        f"date: {sunday + dt.timedelta(days=3)} 05:00:00 -0000\n---\n\n## News\n\n{body}"
    )


@pytest.fixture
def lwkd(tmp_path: Path) -> Path:
    """An LWKD checkout with one post (2024-01-07) and its chart."""
    repo = tmp_path / "lwkd"
    (repo / "_posts").mkdir(parents=True)
    (repo / "2024" / "images").mkdir(parents=True)
    write_post(repo, SUNDAYS[0], "![chart](/2024/images/chart.png)\n")
    (repo / "2024" / "images" / "chart.png").write_bytes(PNG)
    return repo


def write_post(repo: Path, week: str, body: str = "Text.\n", name: str | None = None) -> Path:
    path = repo / "_posts" / (name or f"{week}-update.md")
    path.write_text(post(week, body), encoding="utf-8")
    return path


def run_import(repo: Path, out: Path):
    return import_archive(repo, out, add_roles=roles_for_year())


def messages(summary, name: str) -> list[str]:
    return [f"{f.line}: {f.message}" for f in summary.findings if f.path.endswith(name)]


def front_matter(page: Path) -> dict:
    return yaml.safe_load(page.read_text(encoding="utf-8").split("---\n")[1])


def media(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in (out / "_media").rglob("*") if p.is_file())


# 1. Files stay inside their repository.


@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ", "other.png"])
def test_an_image_that_is_a_symbolic_link_is_not_copied(lwkd, tmp_path, target):
    chart = lwkd / "2024" / "images" / "chart.png"
    (lwkd / "2024" / "images" / "other.png").write_bytes(PNG)
    chart.unlink()
    chart.symlink_to(target)
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    assert messages(summary, "2024-01-07-update.md") == [
        f"{BODY_LINE}: image '/2024/images/chart.png' is a symbolic link (images must be files "
        "of the LWKD repository); not copied, written as a link to lwkd.info"
    ]
    assert (
        "[Image: chart](https://lwkd.info/2024/images/chart.png)"
        in (out / "2024" / "2024-01-07.md").read_text()
    )
    assert media(out) == []


def test_an_image_under_a_linked_folder_is_not_copied(lwkd, tmp_path):
    outside = tmp_path / "outside"
    (outside / "images").mkdir(parents=True)
    (outside / "images" / "chart.png").write_bytes(PNG)
    shutil.rmtree(lwkd / "2024")
    (lwkd / "2024").symlink_to(outside)
    summary = run_import(lwkd, tmp_path / "out")
    assert "is a symbolic link" in messages(summary, "2024-01-07-update.md")[0]
    assert media(tmp_path / "out") == []


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("notes.png", b"TOKEN=secret\n", "is named .png but is not a PNG image"),
        ("photo.jpg", PNG, "is named .jpg but is not a JPEG image"),
        ("drawing.svg", b"<svg onload='alert(1)'/>", "is SVG, which can hold scripts that would run on the archive's site"),
        ("page.html", b"<script>alert(1)</script>", "is not a GIF, JPEG, PNG, WebP image"),
        ("config", b"[core]\n", "is not a GIF, JPEG, PNG, WebP image"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_an_image_of_its_type_is_not_copied(lwkd, tmp_path, name, data, why):
    (lwkd / "2024" / "images" / name).write_bytes(data)
    write_post(lwkd, SUNDAYS[0], f"![x](/2024/images/{name})\n")
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    assert messages(summary, "2024-01-07-update.md") == [
        f"{BODY_LINE}: image '/2024/images/{name}' {why}; not copied, written as a link to lwkd.info"
    ]
    assert media(out) == []


def test_images_of_each_type_are_copied(lwkd, tmp_path):
    images = {
        "a.png": PNG,
        "b.jpeg": b"\xff\xd8\xff\xe0" + b"\0" * 16,
        "c.JPG": b"\xff\xd8\xff\xdb" + b"\0" * 16,
        "d.gif": b"GIF89a" + b"\0" * 16,
        "e.webp": b"RIFF\x10\0\0\0WEBPVP8 " + b"\0" * 8,
    }
    for name, data in images.items():
        (lwkd / "2024" / "images" / name).write_bytes(data)
    write_post(lwkd, SUNDAYS[0], "".join(f"![{n}](/2024/images/{n})\n" for n in images))
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    assert messages(summary, "2024-01-07-update.md") == []
    assert media(out) == [f"_media/2024/images/{name}" for name in images]


def test_an_image_over_the_size_limit_is_not_copied(lwkd, tmp_path):
    with (lwkd / "2024" / "images" / "chart.png").open("r+b") as image:
        image.truncate(run.MAX_IMAGE_BYTES + 1)  # sparse: no disk used
    summary = run_import(lwkd, tmp_path / "out")
    assert messages(summary, "2024-01-07-update.md") == [
        f"{BODY_LINE}: image '/2024/images/chart.png' is 20.0 MB, over the 20 MB an image may "
        "be; not copied, written as a link to lwkd.info"
    ]
    assert media(tmp_path / "out") == []


def test_a_post_that_is_a_symbolic_link_is_reported_not_read(lwkd, tmp_path):
    secret = tmp_path / "outside.md"
    secret.write_text(post(SUNDAYS[1], "Read from outside the repository.\n"))
    link = lwkd / "_posts" / f"{SUNDAYS[1]}-update.md"
    link.symlink_to(secret)
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    assert [str(f) for f in summary.findings if f.error] == [
        f"{link}: error: a symbolic link (to {secret}); not read, since the archive reads only "
        "files of the LWKD repository: replace the link with the post itself"
    ]
    assert (summary.imported, summary.failed) == (1, 1)
    assert not (out / "2024" / "2024-01-14.md").exists()


def test_a_linked_posts_folder_is_reported_not_read(lwkd, tmp_path):
    outside = tmp_path / "outside"
    shutil.move(lwkd / "_posts", outside)
    (lwkd / "_posts").symlink_to(outside)
    summary = run_import(lwkd, tmp_path / "out")
    assert [str(f) for f in summary.findings] == [
        f"{lwkd / '_posts'}: error: _posts/ is a symbolic link (to {outside}); not read, since "
        "the archive reads only files of the LWKD repository: replace the link with the "
        "folder of posts itself"
    ]
    assert (summary.imported, summary.failed) == (0, 1)


def test_a_linked_folder_inside_posts_is_reported_not_read(lwkd, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / f"{SUNDAYS[1]}-update.md").write_text(post(SUNDAYS[1]))
    (lwkd / "_posts" / "2024").symlink_to(outside)
    summary = run_import(lwkd, tmp_path / "out")
    assert [str(f) for f in summary.findings if f.error] == [
        f"{lwkd / '_posts' / '2024'}: error: a symbolic link to a folder (to {outside}); not "
        "read, since the archive reads only files of the LWKD repository: replace the link "
        "with the folder itself"
    ]
    assert (summary.imported, summary.failed) == (1, 1)


def test_a_pipe_in_posts_is_reported_and_never_waited_on(lwkd, tmp_path):
    pipe = lwkd / "_posts" / f"{SUNDAYS[1]}-update.md"
    os.mkfifo(pipe)
    summary = run_import(lwkd, tmp_path / "out")
    assert [str(f) for f in summary.findings if f.error] == [
        f"{pipe}: error: not a regular file (a device, socket or pipe); remove it from _posts/"
    ]


def test_a_post_over_the_size_limit_fails_unread(lwkd, tmp_path):
    big = write_post(lwkd, SUNDAYS[1], "word " * 100_000)
    summary = run_import(lwkd, tmp_path / "out")
    assert [str(f) for f in summary.findings if f.error] == [
        f"{big}: error: the file is 500 KB, over the 256 KB a post may be (an issue is about "
        "10 KB); shorten it, or remove it from _posts/"
    ]
    assert (summary.imported, summary.failed) == (1, 1)


@pytest.mark.parametrize(
    "name",
    [
        f"{SUNDAYS[1]}-a: b.md",
        f"{SUNDAYS[1]}-x #not a comment.md",
        f"{SUNDAYS[1]}-\"quoted\" 'é' \\ back.md",
        f"{SUNDAYS[1]}-- dash.md",
        f"{SUNDAYS[1]}-[list], {{map}}.md",
    ],
)
def test_a_file_name_with_yaml_syntax_is_written_as_it_is(lwkd, tmp_path, name):
    write_post(lwkd, SUNDAYS[1], name=name)
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    assert summary.failed == 0
    front = front_matter(out / "2024" / "2024-01-14.md")
    assert front["lwkd_source"] == f"_posts/{name}"
    assert front["date"] == "2024-01-17 05:00" or str(front["date"]) == "2024-01-17 05:00:00"
    assert front["lwkd_url"] == "/2024/20240117"


def test_plain_file_names_are_written_plain(lwkd, tmp_path):
    run_import(lwkd, tmp_path / "out")
    text = (tmp_path / "out" / "2024" / "2024-01-07.md").read_text()
    assert "\nlwkd_source: _posts/2024-01-07-update.md\nlwkd_url: /2024/20240110\n" in text


@pytest.mark.parametrize(
    ("name", "shown", "code"),
    [
        (f"{SUNDAYS[1]}-x\ndate: 1999-01-03.md", f"{SUNDAYS[1]}-x\\ndate: 1999-01-03.md", "000A"),
        (f"{SUNDAYS[1]}-\x1b[31mred.md", f"{SUNDAYS[1]}-\\x1b[31mred.md", "001B"),
        (f"{SUNDAYS[1]}-a\u2028b.md", f"{SUNDAYS[1]}-a\\u2028b.md", "2028"),
    ],
)
def test_a_file_name_with_a_control_character_fails_asking_to_rename_it(
    lwkd, tmp_path, capsys, name, shown, code
):
    write_post(lwkd, SUNDAYS[1], name=name)
    out = tmp_path / "out"
    assert main(["import", str(lwkd), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert (
        f"{lwkd / '_posts' / shown}:1: error: the file name holds a control character "
        f"(U+{code}), which would break the page written from it; rename it\n"
    ) in err
    assert name not in err  # shown escaped: a terminal or a log never acts on it
    assert not (out / "2024" / "2024-01-14.md").exists()


def test_a_title_with_characters_yaml_refuses_is_kept_exactly(lwkd, tmp_path):
    (lwkd / "_posts" / f"{SUNDAYS[1]}-update.md").write_text(
        '---\ntitle: "Week Ending\\x80 January\\x85 14,\\u2028 2024\\ufeff\\x7f"\n'
        "date: 2024-01-17\n---\n\nText.\n"
    )
    run_import(lwkd, tmp_path / "out")
    front = front_matter(tmp_path / "out" / "2024" / "2024-01-14.md")
    assert front["lwkd_title"] == "Week Ending\x80 January\x85 14,\u2028 2024\ufeff\x7f"


def test_names_with_yaml_syntax_build_and_reach_the_api(lwkd, make_app, tmp_path):
    write_post(lwkd, SUNDAYS[1], name=f"{SUNDAYS[1]}-a: b #c.md")
    app = build_imported(make_app, lwkd, tmp_path / "site")
    assert app.warning.getvalue() == ""
    issues = json.loads((app.outdir / "api" / "issues.json").read_text())
    assert sorted(issue["source"] for issue in issues) == [
        "_posts/2024-01-07-update.md",
        f"_posts/{SUNDAYS[1]}-a: b #c.md",
    ]


# 3. Crashes recoverable by running again.


class Killed(BaseException):
    """As a kill: nothing of the importer's catches it."""


@pytest.mark.parametrize("writes_before_kill", range(6))
def test_an_import_killed_at_any_point_leaves_nothing_a_rerun_does_not_remove(
    lwkd, tmp_path, monkeypatch, writes_before_kill
):
    for week in SUNDAYS[1:3]:
        write_post(lwkd, week)
    out = tmp_path / "out"
    run_import(lwkd, out)
    # Upstream removes one post and adds another; the import of that is killed ...
    (lwkd / "_posts" / f"{SUNDAYS[1]}-update.md").unlink()
    added = write_post(lwkd, SUNDAYS[3], "A post soon reverted.\n")
    real_write = files.write_atomically
    writes = 0

    def write_then_die(path, data):
        nonlocal writes
        if writes == writes_before_kill:
            raise Killed
        writes += 1
        return real_write(path, data)

    monkeypatch.setattr(run, "write_atomically", write_then_die)
    monkeypatch.setattr("lwkd_archive.importer.writer.write_atomically", write_then_die)
    with pytest.raises(Killed):
        run_import(lwkd, out)
    monkeypatch.undo()
    # ... and the added post is reverted before the next import.
    added.unlink()
    run_import(lwkd, out)
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert pages == ["2024/2024-01-07.md", "2024/2024-01-21.md"]
    assert json.loads((out / MANIFEST).read_text()) == [
        "2024/2024-01-07.md",
        "2024/2024-01-21.md",
        "_media/2024/images/chart.png",
    ]


def test_a_record_naming_files_outside_the_archive_removes_none_of_them(lwkd, tmp_path):
    out = tmp_path / "site" / "archive"
    out.mkdir(parents=True)
    victims = [tmp_path / "site" / "conf.py", tmp_path / "victim.txt"]
    for victim in victims:
        victim.write_text("keep me\n")
    (out / MANIFEST).write_text(json.dumps(["../conf.py", str(victims[1]), "2024/../../conf.py"]))
    run_import(lwkd, out)
    assert all(victim.read_text() == "keep me\n" for victim in victims)


class _FailingFile:
    def __init__(self, error: OSError) -> None:
        self.error = error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, data):
        raise self.error


@pytest.mark.parametrize(
    ("code", "strerror", "advice"),
    [
        (errno.ENOSPC, "No space left on device", "free space and run again"),
        (errno.EDQUOT, "Disk quota exceeded", "free space (the disk quota is full) and run again"),
        (errno.EROFS, "Read-only file system", "the file system is read-only; write elsewhere (--out) or make it writable"),
        (errno.EACCES, "Permission denied", "check the folder's permissions, or write elsewhere (--out)"),
    ],
)  # fmt: skip
def test_a_full_or_read_only_disk_ends_in_one_line_saying_what_and_where(
    lwkd, tmp_path, capsys, monkeypatch, code, strerror, advice
):
    out = tmp_path / "out"
    assert main(["import", str(lwkd), "--out", str(out)]) == 0
    write_post(lwkd, SUNDAYS[0], "Changed.\n")
    capsys.readouterr()
    failure = OSError(code, strerror)
    monkeypatch.setattr(files.os, "fdopen", lambda *args, **kwargs: _FailingFile(failure))
    assert main(["import", str(lwkd), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"error: cannot write {out / '2024' / '2024-01-07.md'}: {strerror}; {advice}"
    )
    assert "Traceback" not in err
    assert not list(out.rglob("*.tmp"))


def test_a_read_only_folder_is_named_not_the_temporary_file(lwkd, tmp_path, capsys, monkeypatch):
    def read_only(path, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(files.os, "open", read_only)
    assert main(["import", str(lwkd), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"error: cannot write {tmp_path / 'out' / MANIFEST}: Read-only file system; the file "
        "system is read-only; write elsewhere (--out) or make it writable\n"
    )


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_have_the_mode_the_umask_gives(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        files.write_atomically(tmp_path / "page.md", b"text\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "page.md").stat().st_mode & 0o777 == mode


# 4. Bounded cost.


def test_links_past_the_limit_are_kept_as_text(lwkd, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "MAX_LINKS", 3)
    write_post(
        lwkd, SUNDAYS[0],
        "[a](https://a.example/1) and `[code](https://a.example/code)`\n"
        "![chart](/2024/images/chart.png)\n"
        "[c](https://a.example/3)\n"
        '<a href="https://a.example/4">d</a> and [e](https://a.example/5)\n'
        "[![f](https://img.example/f.png)](https://a.example/6)\n",
    )  # fmt: skip
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    text = (out / "2024" / "2024-01-07.md").read_text()
    assert "[a](https://a.example/1) and `[code](https://a.example/code)`\n" in text
    assert (
        "![chart](../_media/2024/images/chart.png)\n[c](https://a.example/3)\nd and e\nf\n" in text
    )
    assert messages(summary, "2024-01-07-update.md") == [
        f"{BODY_LINE + 3}: 6 links and images, more than the 3 a post may have; "
        "those from here on are kept as text"
    ]


def test_a_post_of_eight_thousand_links_keeps_two_thousand(lwkd, tmp_path):
    write_post(lwkd, SUNDAYS[0], "".join(f"[{i}](https://x.example/{i})\n" for i in range(8_000)))
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    text = (out / "2024" / "2024-01-07.md").read_text()
    assert len(re.findall(r"\]\(https://x\.example/", text)) == run.MAX_LINKS
    assert "\n7999\n" in text
    assert messages(summary, "2024-01-07-update.md")[0] == (
        f"{BODY_LINE + 2000}: 8000 links and images, more than the 2000 a post may have; "
        "those from here on are kept as text"
    )


def test_a_post_naming_a_thousand_keps_links_two_hundred(lwkd, tmp_path):
    write_post(lwkd, SUNDAYS[0], "".join(f"KEP-{n} moves on.\n" for n in range(1000, 2000)))
    out = tmp_path / "out"
    summary = run_import(lwkd, out)
    text = (out / "2024" / "2024-01-07.md").read_text()
    assert len(set(re.findall(r"\{kep\}`KEP-\d+ <(\d+)>`", text))) == run.MAX_KEPS == 200
    assert "{kep}`KEP-1199 <1199>` moves on.\nKEP-1200 moves on.\n" in text
    assert (
        f"{BODY_LINE + 200}: 1000 references to KEPs, SIGs and pull requests, naming more than a "
        "post may (2000 references, 200 distinct KEPs); 800 from here on are kept as text"
    ) in messages(summary, "2024-01-07-update.md")


def test_references_past_the_limit_are_kept_as_text(lwkd, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "MAX_REFERENCES", 2)
    write_post(lwkd, SUNDAYS[0], "SIG Node, KEP-1234 and SIG Node again; KEP-1234 too.\n")
    run_import(lwkd, tmp_path / "out")
    text = (tmp_path / "out" / "2024" / "2024-01-07.md").read_text()
    assert (
        "{sig}`SIG Node <sig-node>`, {kep}`KEP-1234 <1234>` and SIG Node again; KEP-1234 too."
    ) in text


def test_group_words_past_the_limit_are_kept_as_text(lwkd, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "MAX_GROUP_WORDS", 2)
    write_post(lwkd, SUNDAYS[0], "SIG Node and WG Batch.\n`SIG Apps` in code.\nSIG Node again.\n")
    summary = run_import(lwkd, tmp_path / "out")
    text = (tmp_path / "out" / "2024" / "2024-01-07.md").read_text()
    assert (
        "{sig}`SIG Node <sig-node>` and {sig}`WG Batch <wg-batch>`.\n`SIG Apps` in code.\n"
        "SIG Node again.\n"
    ) in text
    assert messages(summary, "2024-01-07-update.md") == [
        f"{BODY_LINE + 2}: 3 group words (SIG, WG, UG, committee), more than the 2 a post may "
        "have; the groups named from here on are kept as text"
    ]


def test_a_post_naming_groups_twenty_thousand_times_is_imported_in_seconds(lwkd, tmp_path):
    # The reference rules took minutes on it: each group word looked at all the words after it.
    write_post(lwkd, SUNDAYS[0], "SIG Node x\n" * 20_000)
    started = time.perf_counter()
    summary = run_import(lwkd, tmp_path / "out")
    assert time.perf_counter() - started < 30
    text = (tmp_path / "out" / "2024" / "2024-01-07.md").read_text()
    assert text.count("{sig}`SIG Node <sig-node>`") == run.MAX_GROUP_WORDS
    assert summary.imported == 1


def test_warnings_past_the_limit_are_counted_not_listed(lwkd, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(run, "MAX_FINDINGS_PER_POST", 3)
    write_post(lwkd, SUNDAYS[0], "".join(f"[link {i}]()\n" for i in range(5)))
    assert main(["import", str(lwkd), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    path = lwkd / "_posts" / "2024-01-07-update.md"
    assert f"{path}:{BODY_LINE + 2}: warning: link [link 2]() has no target" in err
    assert f"{path}:{BODY_LINE + 3}: warning: 2 more warnings from here on, not listed\n" in err
    assert "[link 3]()" not in err
    assert re.search(r"^imported 1, warned 5, failed 0 ", err, re.M)
