"""Shared fixtures: Sphinx's test fixtures, tiny projects under tests/roots, the corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parents[1]
ROOTS = Path(__file__).resolve().parent / "roots"
#: The shared test corpus sits beside the checkout; LWKD_CORPUS points elsewhere.
CORPUS = Path(os.environ.get("LWKD_CORPUS", REPO.parent / "shared" / "corpus"))
TEMPLATES = REPO / "_templates"

#: A tiny archive's conf.py with KEP facts and release schedules beside it (facts.json,
#: releases.json), the project's templates, and issues in issues/.
RELEASE_SITE_CONF = f"""\
from pathlib import Path

HERE = Path(__file__).resolve().parent
extensions = ["myst_parser", "sphinx_design", "ablog", "lwkd_archive"]
html_theme = "basic"
templates_path = [{str(TEMPLATES)!r}]
html_use_index = False
blog_post_pattern = ["issues/*"]
html_baseurl = "https://archive.example/"
blog_baseurl = html_baseurl
post_auto_orphan = True
lwkd_kep_facts = str(HERE / "facts.json")
lwkd_release_facts = str(HERE / "releases.json")
"""


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real LWKD and enhancements data; tests that need it skip without it."""
    if not (CORPUS / "lwkd" / "_posts").is_dir():
        pytest.skip(
            f"corpus not found at {CORPUS}: place ../shared/corpus beside the checkout "
            "or set LWKD_CORPUS"
        )
    return CORPUS


def copy_project(project: Path) -> Path:
    """A copy of the project's site (configuration, templates, pages without the import)."""
    import shutil

    project.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "conf.py", project / "conf.py")
    for name in ("_templates", "_static"):
        shutil.copytree(REPO / name, project / name)
    shutil.copytree(REPO / "source", project / "source", ignore=shutil.ignore_patterns("archive"))
    return project


def build_site(
    workdir: Path,
    lwkd: Path | None,
    enhancements: Path | None,
    *,
    community: Path | None = None,
    sig_release: Path | None = None,
) -> Path:
    """A copy of the project, with ``lwkd`` imported when given, built with -W; its output folder.

    ``community``: a kubernetes/community checkout, for the groups' own list;
    ``sig_release``: a kubernetes/sig-release checkout, for the release schedules.
    """
    import subprocess
    import sys

    project = copy_project(workdir / "project")
    if lwkd is not None:
        command = [
            sys.executable,
            "-m",
            "lwkd_archive",
            "import",
            str(lwkd),
            "--out",
            str(project / "source" / "archive"),
        ]
        if enhancements is not None:
            command += ["--enhancements", str(enhancements)]
        if community is not None:
            command += ["--community", str(community)]
        if sig_release is not None:
            command += ["--sig-release", str(sig_release)]
        subprocess.run(command, cwd=project, check=True, capture_output=True)
    out = workdir / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-c", str(project),
         "-d", str(workdir / "doctrees"), str(project / "source"), str(out)],
        cwd=project, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail(f"build failed:\n{result.stderr[-5000:]}")
    (workdir / "build.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    return out


def build_imported(make_app, lwkd: Path, srcdir: Path):
    """The tiny imported-issues project at ``srcdir``, with ``lwkd`` imported by the
    command line as `make import` does, built; the application."""
    import shutil

    from lwkd_archive.cli import main

    shutil.copytree(ROOTS / "test-imported", srcdir)
    assert main(["import", str(lwkd), "--out", str(srcdir / "archive")]) == 0
    app = make_app("html", srcdir=srcdir)
    app.build()
    return app


@pytest.fixture(scope="session")
def corpus_site(corpus: Path, tmp_path_factory) -> Path:
    """The full corpus imported and built once per test session (about 15 s)."""
    community = corpus / "community"
    sig_release = corpus / "sig-release"
    return build_site(
        tmp_path_factory.mktemp("corpus"),
        corpus / "lwkd",
        corpus / "enhancements",
        community=community if (community / "sigs.yaml").is_file() else None,
        sig_release=sig_release if (sig_release / "releases").is_dir() else None,
    )


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The bundled sample, built as `make html` builds it."""
    return build_site(tmp_path_factory.mktemp("sample"), None, None)


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the session's browser tests (one Playwright loop)."""
    from tests.browser import chromium

    with chromium() as browser:
        yield browser


@pytest.fixture
def browser(chromium_browser):
    """A fresh page of the session's Chromium, driven as a reader would."""
    from tests.browser import Browser

    page = chromium_browser.new_page()
    yield Browser(page)
    page.close()
