"""An incremental build gives the site a clean build of the same input gives, edit after edit.

A week of an editor's and an importer's edits runs on one project: after each,
the site an incremental build leaves is compared, file by file and byte by
byte, with a clean build of the same sources.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

import lwkd_archive

TEMPLATES = Path(lwkd_archive.__file__).resolve().parents[1] / "_templates"

CONF = f"""\
from pathlib import Path

extensions = ["myst_parser", "sphinx_design", "ablog", "lwkd_archive"]
html_theme = "basic"
templates_path = [{str(TEMPLATES)!r}]
html_use_index = False
blog_post_pattern = ["issues/*", "archive/*/*"]
html_baseurl = "https://archive.example/"
blog_baseurl = html_baseurl
post_auto_orphan = True
lwkd_kep_facts = str(Path(__file__).resolve().parent / "facts.json")
"""

INDEX = """\
# Test archive

```{postlist} 3
```
"""

FACTS = [
    {
        "number": 3136,
        "title": "Beta APIs Are Off by Default",
        "owning_sig": "sig-architecture",
        "participating_sigs": [],
        "status": "implemented",
        "stage": "stable",
        "latest_milestone": "v1.24",
        "milestones": {"stable": "v1.24"},
        "path": "keps/sig-architecture/3136-beta-apis-off-by-default",
    },
    {
        "number": 3085,
        "title": "Pod Conditions for Starting and Completion of Sandbox Creation",
        "owning_sig": "sig-node",
        "participating_sigs": [],
        "status": "implementable",
        "stage": "beta",
        "latest_milestone": "v1.29",
        "milestones": {"alpha": "v1.25", "beta": "v1.29"},
        "path": "keps/sig-node/3085-pod-conditions-for-starting-completition-of-sandbox-creation",
    },
]


def issue(week: dt.date, body: str, *, published: dt.date | None = None) -> str:
    published = published or week + dt.timedelta(days=3)
    return f"""\
---
blogpost: true
date: {published:%Y-%m-%d} 06:00
week_ending: {week:%Y-%m-%d}
lwkd_url: /{published:%Y}/{published:%Y%m%d}
---

# Week Ending {week:%B} {week.day}, {week.year}

## Developer News

{body}
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def site_files(outdir: Path) -> dict[str, bytes]:
    """Every file of the site by path, as bytes.

    Pagefind writes its filter and metadata files in an order of its own, so two
    runs on the same pages name them differently; the search entries (one
    fragment per indexed page, named by its content) and the index are compared
    as they are, the filters and metadata by how many there are and their pages.
    """
    files = {}
    for path in sorted(outdir.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(outdir).as_posix()
        if name == ".buildinfo.bak":
            # Sphinx's own copy of its last configuration record, kept when that changes.
            continue
        # Each search bundle: pagefind/ and pagefind-issues/<YYYY>/.
        in_bundle = name.startswith(("pagefind/", "pagefind-issues/"))
        if in_bundle and ("/filter/" in name or name.endswith(".pf_meta")):
            name = f"{name.rsplit('/', 1)[0]}/(one {name.rsplit('.', 1)[1]} file)"
            files[name] = files.get(name, b"") + b"*"
        elif in_bundle and name.endswith("/pagefind-entry.json"):
            entry = json.loads(path.read_bytes())
            files[name] = json.dumps(
                {lang: info["page_count"] for lang, info in entry["languages"].items()}
            ).encode()
        else:
            files[name] = path.read_bytes()
    return files


def build(src: Path, builddir: Path, **overrides) -> SphinxTestApp:
    app = SphinxTestApp("html", srcdir=src, builddir=builddir, confoverrides=overrides)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


class Project:
    """A small archive, built incrementally in one folder and clean in another after each edit."""

    def __init__(self, root: Path) -> None:
        self.src = root / "src"
        self.incremental = root / "incremental"
        self.root = root
        self.steps = 0
        self.facts = json.loads(json.dumps(FACTS))
        write(self.src / "conf.py", CONF)
        write(self.src / "index.md", INDEX)
        self.save_facts()

    def save_facts(self) -> None:
        write(self.src / "facts.json", json.dumps(self.facts, indent=1))

    def page(self, name: str) -> Path:
        return self.src / f"{name}.md"

    def check(self, **overrides) -> dict[str, bytes]:
        """Build incrementally and clean; the two sites must be the same, and clean of warnings."""
        self.steps += 1
        incremental = build(self.src, self.incremental, **overrides)
        clean_dir = self.root / f"clean-{self.steps}"
        clean = build(self.src, clean_dir, **overrides)
        for app in (incremental, clean):
            assert app.statuscode == 0
            assert app.warning.getvalue() == "", app.warning.getvalue()
        got, expected = site_files(incremental.outdir), site_files(clean.outdir)
        assert sorted(got) == sorted(expected), (
            f"only in the incremental site: {sorted(set(got) - set(expected))}; "
            f"only in the clean site: {sorted(set(expected) - set(got))}"
        )
        differ = [name for name in expected if got[name] != expected[name]]
        assert differ == [], f"files that differ after step {self.steps}: {differ}"
        shutil.rmtree(clean_dir)
        return got


@pytest.fixture
def project(tmp_path) -> Project:
    old = os.umask(0o022)
    try:
        project = Project(tmp_path)
        write(
            project.page("archive/2024/2024-01-07"),
            issue(
                dt.date(2024, 1, 7), "Work on {kep}`3136` landed; {sig}`SIG Node <node>` agreed."
            ),
        )
        write(
            project.page("archive/2024/2024-01-14"),
            issue(dt.date(2024, 1, 14), "{kep}`3085` reached beta, and {kep}`3136` went GA."),
        )
        write(
            project.page("archive/2024/2024-01-21"),
            issue(dt.date(2024, 1, 21), "{sig}`WG Batch <wg-batch>` met."),
        )
        yield project
    finally:
        os.umask(old)


def test_each_edit_gives_the_site_of_a_clean_build(project):
    site = project.check()
    assert "keps/3085.html" in site
    assert "feeds/kep-3085.xml" in site

    # An issue written here with `make new`.
    write(
        project.page("issues/2024-01-28"),
        issue(dt.date(2024, 1, 28), "{kep}`3136` is discussed again."),
    )
    site = project.check()
    assert b"2024-01-28" in site["feeds/kep-3136.xml"]

    # The last mention of KEP-3085 goes: its page, feed and sitemap row go with it.
    write(
        project.page("archive/2024/2024-01-14"),
        issue(dt.date(2024, 1, 14), "{kep}`3136` went GA."),
    )
    site = project.check()
    assert "keps/3085.html" not in site
    assert "feeds/kep-3085.xml" not in site
    assert b"keps/3085" not in site["sitemap.xml"]

    # An issue is deleted: its page, its old addresses and its group's page go.
    project.page("archive/2024/2024-01-21").unlink()
    site = project.check()
    assert "archive/2024/2024-01-21.html" not in site
    assert "2024/20240124.html" not in site
    assert "sigs/wg-batch.html" not in site

    # The issue written here is imported: it moves to archive/, its first address stays.
    project.page("issues/2024-01-28").rename(project.page("archive/2024/2024-01-28"))
    site = project.check()
    assert b'href="../archive/2024/2024-01-28.html"' in site["issues/2024-01-28.html"]

    # An issue moves to another week, in another year: the year it left goes if empty.
    project.page("archive/2024/2024-01-07").unlink()
    write(
        project.page("archive/2023/2023-12-31"),
        issue(dt.date(2023, 12, 31), "Work on {kep}`3136` landed; {sig}`SIG Node <node>` agreed."),
    )
    site = project.check()
    assert "archive/2023.html" in site
    assert "archive/2024/2024-01-07.html" not in site

    # KEP-3136 changes its owning SIG: the old SIG's page and feed lose its issues.
    project.facts[0]["owning_sig"] = "sig-api-machinery"
    project.save_facts()
    site = project.check()
    assert "sigs/sig-architecture.html" not in site
    assert "feeds/sig-architecture.xml" not in site
    assert b"2024-01-14" in site["feeds/sig-api-machinery.xml"]

    # A new title: every page, the generated ones too, says it.
    site = project.check(html_title="The Weekly Archive")
    for name in ("index.html", "keps/3136.html", "archive/2024.html", "sigs/index.html"):
        assert b"The Weekly Archive" in site[name], name

    # A draft, dated in the future, is in no list, feed, sitemap or search.
    write(
        project.page("issues/2099-01-04"),
        issue(dt.date(2099, 1, 4), "{kep}`3136` will be done."),
    )
    site = project.check(html_title="The Weekly Archive")
    assert "issues/2099-01-04.html" in site
    draft = site["issues/2099-01-04.html"]
    assert b"<strong>Draft</strong>" in draft
    assert b"data-pagefind-body" not in draft
    assert b"lwkd.info/2099" not in draft
    assert b"2099" not in site["feeds/atom.xml"] + site["feeds/kep-3136.xml"]
    assert b"2099" not in site["sitemap.xml"] + site["api/issues.json"]
    assert "archive/2099.html" not in site
    assert b"2099" not in site["archive/2024/2024-01-28.html"]


def test_every_output_is_world_readable(project):
    project.check()
    outdir = project.incremental / "html"
    private = [
        p.relative_to(outdir).as_posix()
        for p in [outdir, *outdir.rglob("*")]
        if not p.stat().st_mode & (stat.S_IROTH | (stat.S_IXOTH if p.is_dir() else 0))
        or (p.is_dir() and not p.stat().st_mode & stat.S_IXOTH)
    ]
    assert private == []


def test_the_archive_keeps_its_records_outside_the_site(project):
    site = project.check()
    hidden = [name for name in site if any(part.startswith(".") for part in name.split("/"))]
    # Sphinx's own record of its configuration is the only hidden file.
    assert hidden == [".buildinfo"]
    records = project.incremental / "doctrees" / ".lwkd" / "html"
    assert (records / "generated.json").is_file()
    assert (records / "topics.json").is_file()


def test_an_issue_keeps_its_feed_id_when_it_is_imported(project):
    write(project.page("issues/2024-01-28"), issue(dt.date(2024, 1, 28), "{kep}`3136` again."))
    before = project.check()["feeds/atom.xml"]
    project.page("issues/2024-01-28").rename(project.page("archive/2024/2024-01-28"))
    after = project.check()["feeds/atom.xml"]
    entry_id = b"<id>tag:lwkd-archive.readthedocs.io,2026:issue/2024-01-28</id>"
    assert entry_id in before
    assert entry_id in after
    assert after.count(b"2024-01-28</id>") == 1


def sphinx_build(project: Path, out: Path, doctrees: Path) -> None:
    """``make html``: the project's configuration, -W, into ``out``."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-c", str(project),
         "-d", str(doctrees), str(project / "source"), str(out)],
        cwd=project, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-5000:]


@pytest.mark.corpus
def test_edits_on_the_full_archive_give_the_site_of_a_clean_build(corpus, tmp_path):
    """The real archive: the only post naming KEP-3085 goes, a KEP changes owner, an issue is added."""
    import subprocess
    import sys

    from tests.conftest import copy_project

    project = copy_project(tmp_path / "project")
    archive = project / "source" / "archive"
    subprocess.run(
        [sys.executable, "-m", "lwkd_archive", "import", str(corpus / "lwkd"), "--out", str(archive),
         "--enhancements", str(corpus / "enhancements")],
        cwd=project, check=True, capture_output=True,
    )  # fmt: skip
    incremental, doctrees = tmp_path / "html", tmp_path / "doctrees"
    sphinx_build(project, incremental, doctrees)

    def same_as_clean(step: str) -> dict[str, bytes]:
        sphinx_build(project, incremental, doctrees)
        clean = tmp_path / f"clean-{step}"
        sphinx_build(project, clean / "html", clean / "doctrees")
        got, expected = site_files(incremental), site_files(clean / "html")
        assert sorted(set(got) ^ set(expected)) == [], step
        assert [n for n in expected if got[n] != expected[n]] == [], step
        shutil.rmtree(clean)
        return got

    # 2024-04-28 is the only issue that names KEP-3085.
    assert "keps/3085.html" in site_files(incremental)
    (archive / "2024" / "2024-04-28.md").unlink()
    site = same_as_clean("KEP-3085 no longer named")
    assert "keps/3085.html" not in site
    assert "feeds/kep-3085.xml" not in site

    facts = json.loads((archive / "keps.json").read_text(encoding="utf-8"))
    (kep,) = [k for k in facts if k["number"] == 3136]
    assert kep["owning_sig"] == "sig-architecture"
    kep["owning_sig"] = "sig-node"
    (archive / "keps.json").write_text(json.dumps(facts), encoding="utf-8")
    site = same_as_clean("KEP-3136 owned by SIG Node")
    assert b"kep-3136" not in site["feeds/sig-architecture.xml"]
    assert b"kep-3136" in site["feeds/sig-node.xml"]

    write(
        project / "source" / "issues" / "2025-07-06.md",
        issue(dt.date(2025, 7, 6), "Work on {kep}`3136` landed."),
    )
    site = same_as_clean("a new issue")
    assert b"2025-07-06" in site["feeds/kep-3136.xml"]


def test_a_rebuild_with_nothing_changed_runs_no_pagefind(project, monkeypatch):
    """The first build's record of what Pagefind indexed holds every page of issues/,
    the redirects of imported issues too, so the next build finds the index current."""
    from tests.test_hostile_build import pagefind_runs

    runs = pagefind_runs(monkeypatch)
    site = project.check()
    assert "issues/2024-01-07.html" in site  # the redirect of an imported issue
    # The incremental build and the clean one, each for pagefind/ and pagefind-issues/2024/.
    assert len(runs) == 4
    again = build(project.src, project.incremental)
    assert "0 added, 0 changed, 0 removed" in again.status.getvalue()
    assert len(runs) == 4
