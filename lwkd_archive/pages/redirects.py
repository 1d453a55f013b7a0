"""Old links keep working: a tiny page at each address lwkd.info gave an issue, and a helpful 404."""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.record import Fingerprints, changed_pages, fingerprint
from lwkd_archive.outputs.recovery import reporting_write_errors
from lwkd_archive.reading.domain import ArchiveDomain
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

OLD_PATH_RE = re.compile(r"^/(?P<year>\d{4})/(?P<stamp>\d{8})$")

REDIRECT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{canonical}">
<script>location.replace({target_js} + location.hash);</script>
<meta http-equiv="refresh" content="0; url={target}">
</head>
<body>
<p>This issue of LWKD is now at <a href="{target}">{title}</a>.</p>
</body>
</html>
"""


def old_pages(domain: ArchiveDomain, *, report: bool = True) -> dict[str, str]:
    """Old address (``/2022/20220209``) to the docname of the issue it names."""
    pages: dict[str, str] = {}
    for docname in sorted(domain.issues):
        old = domain.issues[docname]["lwkd_url"]
        if not OLD_PATH_RE.match(old):
            continue
        if old in pages:
            if not report:
                continue
            warn(
                ArchiveWarning.REDIRECT,
                f"{old} is the old address of both {pages[old]} and {docname}; it leads to {pages[old]}",
                location=docname,
            )
            continue
        pages[old] = docname
    return pages


def redirect_page(app: Sphinx, from_path: str, docname: str, title: str) -> bytes:
    """The page at ``from_path`` (relative to the site root) that sends readers to ``docname``."""
    target_path = app.builder.get_target_uri(docname)
    target = posixpath.relpath(target_path, posixpath.dirname(from_path) or ".")
    base = (app.config.html_baseurl or "").rstrip("/")
    canonical = f"{base}/{target_path}" if base else target
    text = REDIRECT.format(
        title=html.escape(title),
        target=html.escape(target, quote=True),
        target_js=repr(target),
        canonical=html.escape(canonical, quote=True),
    )
    return text.encode("utf-8")


def redirect_paths(old: str) -> tuple[str, str]:
    """The two files that serve an old address, with and without a trailing ``/``."""
    return f"{old.lstrip('/')}/index.html", f"{old.lstrip('/')}.html"


def write_redirects(app: Sphinx, exception: Exception | None) -> None:
    """Write ``2022/20220209/index.html`` and ``2022/20220209.html`` for every issue.

    Only the addresses whose issue, title or page changed are written: comparing
    some 700 files on each build would cost more than the rest of a rebuild.
    """
    if exception is not None or app.builder.format != "html":
        return
    domain: ArchiveDomain = app.env.domains["lwkd"]
    outdir = Path(app.builder.outdir)
    marks = Fingerprints(outdir / ".redirects.json")
    shared = (app.config.html_baseurl, REDIRECT)
    with reporting_write_errors(app):
        for old, docname in old_pages(domain).items():
            title = domain.issues[docname]["title"]
            digest = fingerprint(shared, docname, title, app.builder.get_target_uri(docname))
            paths = redirect_paths(old)
            if marks.is_current(old, digest, outdir / paths[0]) and (outdir / paths[1]).exists():
                continue
            for path in paths:
                write_atomically(outdir / path, redirect_page(app, path, docname, title))
        marks.save()


def not_found_page(app: Sphinx):
    """``404.html``: Read the Docs serves it at any depth, so its links are absolute."""
    if app.builder.format != "html":
        return
    domain: ArchiveDomain = app.env.domains["lwkd"]
    base = (app.config.html_baseurl or "").rstrip("/") + "/"
    old = {
        o: base + app.builder.get_target_uri(d) for o, d in old_pages(domain, report=False).items()
    }
    context = {"title": "Page not found", "lwkd_base": base, "lwkd_old_pages": old}
    yield from changed_pages(app, ".404-page.json", [("404", context, "lwkd/404.html")])
