"""A re-import converts only the posts whose page could differ, and writes what a fresh one would.

Each test imports a tiny checkout twice into one folder, changing one input between
the imports, and holds the second import to a fresh import of the same checkout into
another folder: the same files, byte for byte, and the same report.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from lwkd_archive.cli import main
from lwkd_archive.facts.keps import KepFacts, load_enhancements
from lwkd_archive.importer.references import roles_for_year
from lwkd_archive.importer.reuse import CACHE
from lwkd_archive.importer.run import Summary, import_archive

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
OTHER_PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 24
KEPS = {
    3136: KepFacts(number=3136, title="Beta APIs off by default", path="keps/sig-arch/3136-beta"),
    4000: KepFacts(number=4000, title="Widget scheduling", path="keps/sig-node/4000-widgets"),
}


def write_post(repo: Path, date: str, body: str, *, published: str = "") -> Path:
    """A post of the week ending ``date`` (a Sunday), published ``published`` (default: that day)."""
    path = repo / "_posts" / f"{date}-update.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    week = dt.date.fromisoformat(date)
    path.write_text(
        f"---\nlayout: post\ntitle: Week Ending {week:%B} {week.day}, {week.year}\n"
        f"date: {published or date} 05:00:00 -0000\nslug: {date}-update\n---\n\n{body}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def lwkd(tmp_path: Path) -> Path:
    """A checkout of three posts: one links to a second's section, one shows an image."""
    repo = tmp_path / "lwkd"
    write_post(
        repo,
        "2024-01-07",
        "## Developer News\n\nSee [last week](/2024/20240114#kep-of-the-week) and "
        "[next](/2024/20240121).\n\n![chart](/2024/images/chart.png)\n\n"
        "[KEP-3136](https://github.com/kubernetes/enhancements/issues/3136) and KEP-4000.\n",
    )
    write_post(repo, "2024-01-14", "## Developer News\n\nNothing linked here.\n")
    write_post(
        repo,
        "2024-02-04",
        "## Featured PRs\n\nA {: .class} list, a [doc]() and `code`.\n\nKEP-9999 is new.\n",
    )
    (repo / "2024" / "images").mkdir(parents=True)
    (repo / "2024" / "images" / "chart.png").write_bytes(PNG)
    return repo


def run(repo: Path, out: Path, keps: dict[int, KepFacts] | None = None) -> Summary:
    return import_archive(repo, out, add_roles=roles_for_year(keps))


def published(out: Path) -> dict[str, bytes]:
    """Every file of ``out`` but the record of conversions, by its path."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != CACHE
    }


def report(summary: Summary) -> list[str]:
    return [str(f) for f in [*summary.findings, *summary.notices]]


def counts(summary: Summary) -> tuple[int, int, int, int, int]:
    return (summary.imported, summary.warned, summary.failed, summary.skipped, summary.removed)


def assert_as_fresh(repo: Path, out: Path, again: Summary, fresh_out: Path, keps=None) -> None:
    """``out`` and ``again`` are what a fresh import of ``repo`` writes and says."""
    fresh = run(repo, fresh_out, keps)
    assert fresh.reused == 0
    assert published(out) == published(fresh_out)
    assert report(again) == report(fresh)
    assert counts(again)[:4] == counts(fresh)[:4]


def test_a_second_import_reuses_every_post_and_changes_no_file(lwkd, tmp_path):
    out = tmp_path / "out"
    first = run(lwkd, out, KEPS)
    assert (first.imported, first.reused) == (3, 0)
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    again = run(lwkd, out, KEPS)
    assert (again.imported, again.reused, again.written) == (3, 3, 0)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()} == (
        files
    )
    assert report(again) == report(first)
    assert counts(again) == counts(first)
    assert_as_fresh(lwkd, out, again, tmp_path / "fresh", KEPS)


def test_the_warnings_of_a_reused_post_are_reported_again(lwkd, tmp_path):
    out = tmp_path / "out"
    first = run(lwkd, out, KEPS)
    post = [str(f) for f in first.findings if "2024-02-04" in f.path]
    # Its attribute list, its link with no target and its unknown KEP, at their lines.
    assert len(post) == 3, post
    assert any("attribute list" in f and ":10:" in f for f in post)
    assert any("KEP-9999 has no kep.yaml" in f and ":12:" in f for f in post)
    again = run(lwkd, out, KEPS)
    assert again.reused == 3
    assert [str(f) for f in again.findings if "2024-02-04" in f.path] == post
    assert (again.warned, report(again)) == (first.warned, report(first))


def test_a_changed_post_alone_is_converted_again(lwkd, tmp_path):
    out = tmp_path / "out"
    run(lwkd, out)
    post = lwkd / "_posts" / "2024-02-04-update.md"
    post.write_text(post.read_text().replace("a [doc]()", "a [doc](https://example.com)"))
    again = run(lwkd, out)
    assert (again.reused, again.written) == (2, 1)
    assert not any("2024-02-04" in f.path and "no target" in f.message for f in again.findings)
    assert_as_fresh(lwkd, out, again, tmp_path / "fresh")


def test_a_changed_date_converts_the_post_and_those_linking_to_its_new_address(lwkd, tmp_path):
    out = tmp_path / "out"
    write_post(lwkd, "2024-02-11", "See [a week](/2025/20250114).\n")
    run(lwkd, out)
    post = lwkd / "_posts" / "2024-01-14-update.md"
    post.write_text(post.read_text().replace("date: 2024-01-14", "date: 2025-01-14"))
    again = run(lwkd, out)
    # Reused: the post linking to its week's address (still its page) and the post
    # linking nowhere; converted: the post itself and the post linking to its new address.
    assert again.reused == 2
    assert "(2024-01-14.md)" in (out / "2024" / "2024-02-11.md").read_text()
    assert_as_fresh(lwkd, out, again, tmp_path / "fresh")


def test_a_changed_image_is_copied_again_and_its_post_reused(lwkd, tmp_path):
    out = tmp_path / "out"
    run(lwkd, out)
    (lwkd / "2024" / "images" / "chart.png").write_bytes(OTHER_PNG)
    again = run(lwkd, out)
    # The page says the same; the image it shows is the new one.
    assert (again.reused, again.written) == (3, 1)
    assert (out / "_media" / "2024" / "images" / "chart.png").read_bytes() == OTHER_PNG
    assert_as_fresh(lwkd, out, again, tmp_path / "fresh")


@pytest.mark.parametrize("damage", ["not an image", "removed"])
def test_an_image_no_longer_copied_converts_its_post_again(lwkd, tmp_path, damage):
    out = tmp_path / "out"
    run(lwkd, out)
    image = lwkd / "2024" / "images" / "chart.png"
    if damage == "removed":
        image.unlink()
    else:
        image.write_bytes(b"GIF89a, named .png")
    again = run(lwkd, out)
    assert again.reused == 2
    assert not (out / "_media" / "2024" / "images" / "chart.png").exists()
    assert any("2024-01-07" in f.path and "chart.png" in f.message for f in again.findings)
    assert_as_fresh(lwkd, out, again, tmp_path / "fresh")


def test_other_kep_facts_convert_every_post_again(lwkd, tmp_path):
    out = tmp_path / "out"
    run(lwkd, out, KEPS)
    fewer = {3136: KEPS[3136]}
    again = run(lwkd, out, fewer)
    assert again.reused == 0
    assert any("KEP-4000 has no kep.yaml" in f.message for f in again.findings)
    assert_as_fresh(lwkd, out, again, tmp_path / "fresh", fewer)
    # Facts with the same numbers but another KEP's folder: not the same facts either.
    moved = {**fewer, 3136: KepFacts(number=3136, title="Beta APIs", path="keps/sig-x/3136-b")}
    assert run(lwkd, out, moved).reused == 0


def test_a_new_post_converts_again_only_the_posts_that_link_to_its_address(lwkd, tmp_path):
    out = tmp_path / "out"
    first = run(lwkd, out)
    assert any(
        "20240121" in f.message and "no issue has that address" in f.message for f in first.findings
    )
    write_post(lwkd, "2024-01-21", "## Developer News\n\nA new week.\n")
    again = run(lwkd, out)
    # The new post, and the post linking to its address; the third is reused.
    assert (again.imported, again.reused) == (4, 2)
    assert "(2024-01-21.md)" in (out / "2024" / "2024-01-07.md").read_text()
    assert_as_fresh(lwkd, out, again, tmp_path / "fresh")


def test_a_new_section_of_a_linked_post_converts_the_linking_post_again(lwkd, tmp_path):
    out = tmp_path / "out"
    first = run(lwkd, out)
    assert any("no section #kep-of-the-week" in f.message for f in first.findings)
    write_post(lwkd, "2024-01-14", "## KEP of the Week\n\nNow it has one.\n")
    again = run(lwkd, out)
    assert again.reused == 1
    assert not any("no section" in f.message for f in again.findings)
    assert "(2024-01-14.md#kep-of-the-week)" in (out / "2024" / "2024-01-07.md").read_text()
    assert_as_fresh(lwkd, out, again, tmp_path / "fresh")


def test_a_removed_post_has_its_page_and_its_conversion_removed(lwkd, tmp_path):
    out = tmp_path / "out"
    run(lwkd, out)
    kept = json.loads((out / CACHE).read_text())["entries"]
    (lwkd / "_posts" / "2024-02-04-update.md").unlink()
    again = run(lwkd, out)
    assert (again.removed, again.reused) == (1, 2)
    assert not (out / "2024" / "2024-02-04.md").exists()
    assert len(json.loads((out / CACHE).read_text())["entries"]) == len(kept) - 1
    assert_as_fresh(lwkd, out, again, tmp_path / "fresh")


def test_another_importer_converts_every_post_again(lwkd, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(lwkd, out)
    monkeypatch.setattr("lwkd_archive.importer.run.importer_fingerprint", lambda: "another")
    assert run(lwkd, out).reused == 0
    assert run(lwkd, out).reused == 3


def test_a_hook_that_cannot_tell_what_it_depends_on_reuses_nothing(lwkd, tmp_path):
    hook = roles_for_year()
    out = tmp_path / "out"
    for _ in range(2):
        summary = import_archive(lwkd, out, add_roles=lambda text, year: hook(text, year))
        assert summary.reused == 0
    # With no hook at all the conversion is known: no roles.
    import_archive(lwkd, out)
    assert import_archive(lwkd, out).reused == 3


@pytest.mark.parametrize(
    "record",
    [
        b"\x00\xffnot json",
        b"[1, 2, 3]\n",
        b'{"format": 999, "entries": {}}',
        b'{"format": 1, "entries": []}',
        "bad entries",
        "tampered answers",
        "a folder",
    ],
)
def test_a_corrupt_or_foreign_record_is_ignored(lwkd, tmp_path, record):
    out = tmp_path / "out"
    first = run(lwkd, out)
    files = published(out)
    path = out / CACHE
    if record == "bad entries":
        kept = json.loads(path.read_text())
        for i, key in enumerate(kept["entries"]):
            kept["entries"][key] = [None, {"text": 3}, {"text": "x", "notes": [[1]], "asked": []}][
                i % 3
            ]
        path.write_text(json.dumps(kept))
    elif record == "tampered answers":
        # Recorded answers that the archive no longer gives: the posts are converted.
        kept = json.loads(path.read_text())
        for entry in kept["entries"].values():
            entry["asked"].append(["issue", "/2030/20300101", "../2030/2030-01-01.md"])
        path.write_text(json.dumps(kept))
    elif record == "a folder":
        path.unlink()
        path.mkdir()
    else:
        path.write_bytes(record)
    again = run(lwkd, out)
    assert again.reused == 0
    assert published(out) == files
    assert (again.findings, counts(again)) == (first.findings, counts(first))
    if record == "a folder":
        # The pages are written; that the conversions could not be kept is said, not failed.
        assert [n.path for n in again.notices] == [str(path)]
        assert "not kept" in again.notices[0].message
    else:
        assert not again.notices
        assert run(lwkd, out).reused == 3


def test_anchors_kept_in_a_corrupt_form_are_found_again(lwkd, tmp_path):
    out = tmp_path / "out"
    write_post(lwkd, "2024-01-14", "## KEP of the Week\n\nIt has a section.\n")
    run(lwkd, out)
    kept = json.loads((out / CACHE).read_text())
    kept["anchors"] = {key: [1] for key in kept["anchors"]}
    (out / CACHE).write_text(json.dumps(kept))
    again = run(lwkd, out)
    assert not any("no section" in f.message for f in again.findings)
    assert_as_fresh(lwkd, out, again, tmp_path / "fresh")


def test_the_record_is_a_readable_file_the_site_leaves_out(lwkd, tmp_path):
    out = tmp_path / "out"
    run(lwkd, out)
    # conf.py excludes archive/_* from the site; the manifest does not name it.
    assert CACHE.startswith("_")
    assert CACHE not in json.loads((out / ".import-manifest.json").read_text())
    assert stat.S_IMODE((out / CACHE).stat().st_mode) == 0o666 & ~_umask()


def test_the_command_says_how_many_posts_it_reused(lwkd, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["import", str(lwkd), "--out", str(out)]) == 0
    assert "0 posts reused unchanged" in capsys.readouterr().err
    assert main(["import", str(lwkd), "--out", str(out)]) == 0
    assert "3 posts reused unchanged" in capsys.readouterr().err


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.corpus
def test_the_corpus_imported_again_reuses_every_post(corpus, tmp_path):
    lwkd = tmp_path / "lwkd"
    shutil.copytree(corpus / "lwkd", lwkd)
    keps, _ = load_enhancements(corpus / "enhancements")
    out = tmp_path / "out"
    first = run(lwkd, out, keps)
    files = published(out)
    again = run(lwkd, out, keps)
    assert (again.imported, again.reused, again.written) == (334, 334, 0)
    assert published(out) == files
    assert (report(again), counts(again)) == (report(first), counts(first))
    # A new week: converted alone (no post links to its address yet), as a fresh import has it.
    latest = sorted((lwkd / "_posts").glob("*.md"))[-1]
    text = latest.read_text(encoding="utf-8")
    write_post(lwkd, "2025-07-06", "A new week.\n" + text.split("\n---\n", 1)[1])
    third = run(lwkd, out, keps)
    assert (third.imported, third.reused) == (335, 334)
    assert_as_fresh(lwkd, out, third, tmp_path / "fresh", keps)
