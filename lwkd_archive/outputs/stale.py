"""A removed issue leaves no page behind in the built site.

Sphinx keeps the HTML of a document that was deleted or excluded (an issue of
``source/issues/`` steps aside once ``make archive`` imports its week), so the
page would still be served, and Pagefind, which indexes the output folder,
would show the issue twice. Its old-address pages go too; the issue that now
has that address writes them again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lwkd_archive.outputs.recovery import reporting_write_errors
from lwkd_archive.pages.redirects import OLD_PATH_RE, redirect_paths

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from lwkd_archive.reading.domain import ArchiveDomain


def remove_outputs_of_removed_pages(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    # Called before the removed documents are purged, so their issue data is still here.
    if app.builder.format != "html" or not removed:
        return []
    outdir = Path(app.builder.outdir)
    domain: ArchiveDomain = env.domains["lwkd"]
    # A read-only output folder: one error line, and the build fails.
    with reporting_write_errors(app):
        for docname in removed:
            Path(app.builder.get_outfilename(docname)).unlink(missing_ok=True)
            old = domain.issues.get(docname, {}).get("lwkd_url", "")
            if OLD_PATH_RE.match(old):
                for path in redirect_paths(old):
                    (outdir / path).unlink(missing_ok=True)
    return []
