"""``sitemap.xml``: every published page of the site, as this build generated it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from lwkd_archive.config import site_url
from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.record import generated_outputs
from lwkd_archive.outputs.recovery import reporting_write_errors

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from lwkd_archive.reading.domain import ArchiveDomain

#: Generated page folders that belong in the sitemap (redirects and feeds do not).
SITEMAP_FOLDERS = ("archive/", "keps/", "sigs/", "releases/")
SITEMAP = "sitemap.xml"


def sitemap_urls(app: Sphinx) -> list[str]:
    """Documents (but not drafts or the 404 page), then the pages generated this build."""
    base = site_url(app.config)
    domain: ArchiveDomain = app.env.domains["lwkd"]
    drafts = domain.views.drafts
    documents = sorted(d for d in app.env.found_docs if d != "404" and d not in drafts)
    urls = [base + app.builder.get_target_uri(d) for d in documents]
    seen = set(urls)
    for path in sorted(generated_outputs(app).pages):
        url = base + path
        if path.startswith(SITEMAP_FOLDERS) and url not in seen:
            urls.append(url)
            seen.add(url)
    return urls


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """Write ``sitemap.xml`` when the site has a canonical base URL."""
    if exception is not None or app.builder.format != "html" or not site_url(app.config):
        return
    body = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in sitemap_urls(app))
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n"
    )
    generated_outputs(app).add_file(SITEMAP)
    with reporting_write_errors(app):
        write_atomically(Path(app.builder.outdir) / SITEMAP, text.encode("utf-8"))
