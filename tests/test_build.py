"""Building a tiny archive with sphinx.testing: clean input builds with no warnings."""

from __future__ import annotations

import pytest


@pytest.mark.sphinx("html", testroot="basic")
def test_basic_archive_builds_without_warnings(app):
    app.build()
    assert app.warning.getvalue() == ""
    page = (app.outdir / "issues" / "2024-03-10.html").read_text(encoding="utf-8")
    assert "Week Ending March 10, 2024" in page
    index = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "issues/2024-03-10.html" in index
    # The archive's mark is every site's icon; the configuration, which Sphinx records
    # to decide what to rebuild, does not hold where the package is installed.
    from lwkd_archive.pages.seo import FAVICON

    assert not app.config.html_favicon
    assert '<link rel="icon" href="../_static/favicon.svg"/>' in page
    assert (app.outdir / "_static" / "favicon.svg").read_bytes() == FAVICON.read_bytes()


def test_the_collector_runs_again_after_a_build_and_the_loaded_environment_is_released(
    make_app, rootdir, tmp_path
):
    """The environment is kept out of the collector's passes only while a build runs."""
    import gc
    import shutil

    srcdir = tmp_path / "timeline"
    shutil.copytree(rootdir / "test-timeline", srcdir)
    make_app("html", srcdir=srcdir).build()
    again = make_app("html", srcdir=srcdir)  # loads the pickled environment
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # the loaded environment is frozen
    again.build()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
