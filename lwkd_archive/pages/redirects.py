"""Old links keep working: a page at each address an issue had, and a helpful 404.

An issue's addresses are permanent: the two lwkd.info gave it
(``/2022/20220209``), and, for an imported issue, the one it had while it was
written here with ``make new`` (``issues/2026-08-16.html``), since the issue
moves to ``archive/2026/`` once LWKD's repository has it.
"""

from __future__ import annotations

import html
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from lwkd_archive.config import site_url
from lwkd_archive.facts.issues import OLD_ADDRESS_RE
from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.record import fingerprint, fingerprints, generated_outputs
from lwkd_archive.outputs.recovery import reporting_write_errors
from lwkd_archive.pages.generated import changed_pages
from lwkd_archive.reading.domain import ArchiveDomain
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx


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
    """Old address (``/2022/20220209``) to the docname of the published issue it names."""
    pages: dict[str, str] = {}
    for issue in sorted(domain.views.issues, key=lambda i: i.docname):
        old = issue.old_address
        if not OLD_ADDRESS_RE.match(old):
            continue
        if old in pages:
            if not report:
                continue
            warn(
                ArchiveWarning.REDIRECT,
                f"{old} is the old address of both {pages[old]} and {issue.docname}; "
                f"it leads to {pages[old]}",
                location=issue.docname,
            )
            continue
        pages[old] = issue.docname
    return pages


#: Where ``make new`` writes an issue, and so its address until it is imported.
WRITTEN_HERE = "issues"


def written_here_pages(app: Sphinx, domain: ArchiveDomain) -> dict[str, str]:
    """``issues/<name>.html`` to each imported issue, unless a page of that name is there.

    An issue written here keeps its first address once imported; every
    imported issue has one, since which of them were written here first is
    not in the sources (the page of ``source/issues/`` steps aside, or is removed).
    """
    pages = {}
    for issue in domain.views.issues:
        folder, _, name = issue.docname.partition("/")
        if folder == WRITTEN_HERE or "/" not in name:
            continue
        alias = f"{WRITTEN_HERE}/{name.rsplit('/', 1)[1]}"
        if alias not in app.env.found_docs:
            pages.setdefault(f"{alias}{app.builder.out_suffix}", issue.docname)
    return pages


def redirect_page(app: Sphinx, from_path: str, docname: str, title: str) -> bytes:
    """The page at ``from_path`` (relative to the site root) that sends readers to ``docname``."""
    target_path = app.builder.get_target_uri(docname)
    target = posixpath.relpath(target_path, posixpath.dirname(from_path) or ".")
    base = site_url(app.config)
    canonical = base + target_path if base else target
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


def write_redirects(app: Sphinx) -> Iterator[tuple[str, dict, str]]:
    """Write ``2022/20220209/index.html``, ``2022/20220209.html`` and ``issues/<name>.html``.

    Written with the generated pages (``html-collect-pages``), before Pagefind
    looks at the site: ``issues/`` is a folder it indexes, and the record of
    what it indexed must hold the redirects of this build. Only the addresses
    whose issue, title or page changed are written: comparing some 1,000 files
    on each build would cost more than the rest of a rebuild.
    """
    yield from ()
    if app.builder.format != "html":
        return
    domain: ArchiveDomain = app.env.domains["lwkd"]
    outdir = Path(app.builder.outdir)
    marks = fingerprints(app, "redirects")
    generated = generated_outputs(app)
    shared = (site_url(app.config), REDIRECT)
    titles = {i.docname: i.title for i in domain.views.issues}
    addresses = [(old, redirect_paths(old), d) for old, d in old_pages(domain).items()]
    addresses += [(path, (path,), d) for path, d in written_here_pages(app, domain).items()]
    with reporting_write_errors(app):
        for key, paths, docname in addresses:
            for path in paths:
                generated.add_file(path)
            title = titles[docname]
            digest = fingerprint(shared, docname, title, app.builder.get_target_uri(docname))
            if marks.is_current(key, digest, outdir / paths[0]) and all(
                (outdir / path).exists() for path in paths[1:]
            ):
                continue
            for path in paths:
                write_atomically(outdir / path, redirect_page(app, path, docname, title))
        marks.save()


def root_path(base: str) -> str:
    """The path of the site's root in its canonical URL (``/en/latest/``), ``/`` without one.

    Only the path: the 404 page links relative to it, so it never leads to another host.
    """
    path = urlsplit(base).path if base else "/"
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def not_found_page(app: Sphinx):
    """``404.html``: served at any missing address, at any depth and on any host.

    Its links are relative to the site's root, which a ``<base>`` element names: the
    canonical URL's path at first, corrected in the browser when the site is served
    elsewhere (see the template). An old lwkd.info address leads to its issue.
    """
    if app.builder.format != "html":
        return
    domain: ArchiveDomain = app.env.domains["lwkd"]
    old = {o: app.builder.get_target_uri(d) for o, d in old_pages(domain, report=False).items()}
    context = {
        "title": "Page not found",
        "lwkd_root_path": root_path(site_url(app.config)),
        "lwkd_old_pages": old,
    }
    yield from changed_pages(app, "404-page", [("404", context, "lwkd/404.html")])
