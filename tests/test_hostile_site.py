"""A whole LWKD repository and enhancements tree that attack the archive, imported and built.

The posts try directives, raw HTML of every shape, ``javascript:`` links and
titles that are markup; the kep.yaml files hostile values, a YAML bomb and an
``owning-sig`` that climbs out of the site; symbolic links lead out of both
checkouts to ``/etc/passwd`` and to a post outside. The build runs with a
secret in its environment, as on Read the Docs. Then: no page runs a script,
no output holds the secret or a file of the machine, nothing is written
outside the output and the project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser import serve
from tests.conftest import REPO, copy_project
from tests.test_hostile_kep_yaml import BOMB
from tests.test_inert_build import planted

FIXTURE = REPO / "tests" / "fixtures" / "hostile" / "site"
SECRET = "LWKD-TEST-SECRET-7d41c0e9"
#: What may not reach the site: /etc/passwd, the build's environment, a post outside the checkout.
FORBIDDEN = ("root:x:0:0", SECRET, "OUTSIDE-THE-CHECKOUT")


@dataclass(frozen=True)
class HostileSite:
    workdir: Path
    out: Path
    sentinel: Path
    import_log: str
    build_log: str
    build_returncode: int
    linked_posts_out: Path
    #: Every file under the working folder before the import and the build.
    before: frozenset[Path]


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def _hostile_checkouts(workdir: Path, sentinel: Path, out: Path) -> tuple[Path, Path, Path]:
    """The fixture's repositories, with the links and values that depend on where they are."""
    lwkd, enhancements, outside = (workdir / name for name in ("lwkd", "enhancements", "outside"))
    for name in ("lwkd", "enhancements", "outside"):
        shutil.copytree(FIXTURE / name, workdir / name)
    images = lwkd / "2023" / "images"
    images.mkdir(parents=True)
    (images / "chart.png").symlink_to("/etc/passwd")
    (lwkd / "_posts" / "2023-05-28-update.md").symlink_to(outside / "secret-post.md")
    keps = enhancements / "keps"
    (keps / "sig-root").symlink_to("/", target_is_directory=True)
    linked = keps / "sig-node" / "5001-linked"
    linked.mkdir()
    (linked / "kep.yaml").symlink_to("/etc/passwd")
    bomb = keps / "sig-node" / "5000-bomb"
    bomb.mkdir()
    (bomb / "kep.yaml").write_text(BOMB + "title: *i\n", encoding="utf-8")
    climbing = keps / "sig-node" / "3136-beta-apis-off-by-default"
    climbing.mkdir()
    escape = os.path.relpath(sentinel / "pwned", out / "sigs")
    (climbing / "kep.yaml").write_text(
        f"title: Beta APIs Are Off by Default\nkep-number: 3136\nowning-sig: {escape}\n"
        f"participating-sigs:\n  - {escape}\nstatus: implemented\n",
        encoding="utf-8",
    )
    # A second checkout whose _posts folder itself is a link out of it.
    linked_posts = workdir / "lwkd-linked-posts"
    linked_posts.mkdir()
    (linked_posts / "_posts").symlink_to(outside, target_is_directory=True)
    return lwkd, enhancements, linked_posts


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> HostileSite:
    workdir = tmp_path_factory.mktemp("hostile-site")
    sentinel = workdir / "sentinel"
    sentinel.mkdir()
    out = workdir / "html"
    lwkd, enhancements, linked_posts = _hostile_checkouts(workdir, sentinel, out)
    before = frozenset(_files(workdir))
    project = copy_project(workdir / "project")
    env = {**os.environ, "LWKD_TEST_SECRET": SECRET}
    archive = project / "source" / "archive"
    imported = subprocess.run(
        [sys.executable, "-m", "lwkd_archive", "import", str(lwkd), "--enhancements",
         str(enhancements), "--out", str(archive)],
        cwd=project, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    linked_out = workdir / "linked-posts-out"
    subprocess.run(
        [sys.executable, "-m", "lwkd_archive", "import", str(linked_posts), "--out", str(linked_out)],
        cwd=project, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    # Not -W: the archive's refusals are warnings, and the test checks what they left.
    built = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(project),
         "-d", str(workdir / "doctrees"), str(project / "source"), str(out)],
        cwd=project, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    return HostileSite(
        workdir=workdir,
        out=out,
        sentinel=sentinel,
        import_log=imported.stdout + imported.stderr,
        build_log=built.stdout + built.stderr,
        build_returncode=built.returncode,
        linked_posts_out=linked_out,
        before=before,
    )


def test_the_hostile_archive_imports_and_builds(hostile_site):
    log = hostile_site.import_log
    assert hostile_site.build_returncode == 0, hostile_site.build_log[-5000:]
    # The bomb post fails alone, at its first alias; the bomb kep.yaml too.
    assert "2023-05-21-update.md:4: error: broken YAML in the front matter: the alias *a" in log
    assert "5000-bomb/kep.yaml:2: cannot read kep.yaml: the alias *a is not allowed" in log
    assert "owning-sig '../" in log
    assert (hostile_site.out / "keps" / "4000.html").is_file()


def _leaks(*folders: Path) -> list[str]:
    """Files under ``folders`` that are links, or hold something of the machine's."""
    leaks = []
    for folder in folders:
        for path in sorted(_files(folder)):
            if path.is_symlink():
                leaks.append(f"{path}: a symbolic link")
                continue
            text = path.read_bytes().decode("utf-8", errors="replace")
            leaks += [f"{path}: {secret}" for secret in FORBIDDEN if secret in text]
    return leaks


def test_no_page_or_file_of_the_site_holds_the_secret_or_a_file_of_the_machine(hostile_site):
    assert _leaks(hostile_site.out) == []


def test_the_import_copies_nothing_from_outside_its_checkouts(hostile_site):
    imported = hostile_site.workdir / "project" / "source" / "archive"
    assert _leaks(imported, hostile_site.linked_posts_out) == []


def test_nothing_is_written_outside_the_output_and_the_project(hostile_site):
    workdir = hostile_site.workdir
    allowed = ("project", "html", "doctrees", "linked-posts-out")
    written = {
        p
        for p in _files(workdir) - hostile_site.before
        if p.relative_to(workdir).parts[0] not in allowed
    }
    assert written == set()
    assert list(hostile_site.sentinel.iterdir()) == []
    # Nothing under the output escapes it either (a page or feed named ``../../x``).
    for path in _files(hostile_site.out):
        assert path.resolve().is_relative_to(hostile_site.out.resolve()), path


def test_no_page_prints_markup_an_attack_planted(hostile_site):
    for path in sorted(hostile_site.out.rglob("*.html")):
        assert planted(path.read_text(encoding="utf-8")) == [], path


def _scripts_that_ran(browser, site: Path, addresses: list[str]) -> tuple[list[str], list[tuple]]:
    """Dialogs opened and pages where ``window.__pwned`` was set, in headless Chromium."""
    with serve(site) as base:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        ran = []
        for address in addresses:
            page.goto(base + address, wait_until="load")
            if address.startswith("search.html?"):
                page.wait_for_function(
                    "document.getElementById('search-status')?.textContent.length > 0"
                )
            # Event handlers (onerror, onload) run just after the load.
            page.wait_for_timeout(20)
            if page.evaluate("typeof window.__pwned") != "undefined":
                ran.append((address, page.evaluate("window.__pwned")))
        page.close()
    return dialogs, ran


@pytest.mark.browser
def test_no_page_runs_a_script_from_the_content(hostile_site, chromium_browser):
    # An old address's page only leads to its issue, which is opened itself.
    pages = sorted(
        p.relative_to(hostile_site.out).as_posix()
        for p in hostile_site.out.rglob("*.html")
        if "location.replace(" not in p.read_text(encoding="utf-8")
    )
    # Search shows Pagefind's excerpts of the pages' text, HTML included.
    queries = ["search.html?q=onerror", "search.html?q=script", "search.html?q=widget"]
    dialogs, ran = _scripts_that_ran(chromium_browser, hostile_site.out, pages + queries)
    assert dialogs == []
    assert ran == []
