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
