"""For search engines and link previews: canonical URLs, OpenGraph tags, sitemap.xml."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.recovery import reporting_write_errors
from lwkd_archive.reading.domain import ArchiveDomain

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Generated page folders that belong in the sitemap (redirects and feeds do not).
SITEMAP_FOLDERS = ("archive/", "keps/", "sigs/")


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """An absolute URL and a description for OpenGraph tags."""
    base = (app.config.html_baseurl or "").rstrip("/")
    if base:
        context["lwkd_page_url"] = f"{base}/{app.builder.get_target_uri(pagename)}"
    domain: ArchiveDomain = app.env.domains["lwkd"]
    if pagename in domain.issues:
        context["lwkd_description"] = (
            "Last Week in Kubernetes Development: " + domain.issues[pagename]["title"]
        )
    else:
        context["lwkd_description"] = "The archive of Last Week in Kubernetes Development"


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """``sitemap.xml`` of every document and generated page, from the whole site, not this build."""
    base = (app.config.html_baseurl or "").rstrip("/")
    if exception is not None or app.builder.format != "html" or not base:
        return
    outdir = Path(app.builder.outdir)
    pages = sorted(d for d in app.env.found_docs if d not in {"404"})
    generated = sorted(
        p.relative_to(outdir).as_posix()
        for folder in SITEMAP_FOLDERS
        for p in (outdir / folder).glob("*.html")
    )
    urls = [f"{base}/{app.builder.get_target_uri(d)}" for d in pages]
    urls += [f"{base}/{g}" for g in generated if f"{base}/{g}" not in urls]
    body = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n"
    )
    with reporting_write_errors(app):
        write_atomically(outdir / "sitemap.xml", text.encode("utf-8"))
