"""Search with Pagefind: index-only text and filters on pages, the search page, the index itself.

Sphinx's own search drops numbers (``3136``) and splits ``KEP-3136``; Pagefind,
with a few normalised tokens per KEP and group, finds both, ranks the KEP's or
group's own page first, and loads only the index chunks a query needs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from lwkd_archive.facts.groups import load_groups
from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.recovery import (
    bookkeeping_dir,
    file_size,
    report_write_error,
    reporting_write_errors,
)
from lwkd_archive.reading.domain import ArchiveDomain
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC = Path(__file__).resolve().parents[1] / "static"
BUNDLE = "pagefind"
#: Where Pagefind writes a new index; it replaces the bundle once whole. Pagefind
#: adds to a folder and never removes, so writing over the old bundle would keep
#: the entries of pages the site no longer has.
NEXT_BUNDLE = ".pagefind-next"
#: The pages Pagefind indexes, by folder: pages with content, not the redirects
#: of old addresses, nor search or 404 (``**/`` also matches the folder itself).
INDEXED_FOLDERS = {
    "issues": "**/*.html",
    "archive": "**/*.html",
    "keps": "*.html",
    "sigs": "*.html",
}
INDEXED_PAGES = "{" + ",".join(f"{name}/{glob}" for name, glob in INDEXED_FOLDERS.items()) + "}"
#: What the last complete index was made from (each page's time and size) and
#: what it is (each file of the bundle and its size), in the bookkeeping folder.
#: Removed before Pagefind starts and written when it succeeded, so a killed
#: Pagefind leaves none.
INDEX_RECORD = "pagefind.json"


def pagefind_command() -> list[str]:
    """Pagefind's binary itself, which starts faster than through ``python -m pagefind``."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]


def first_paragraph(doctree: nodes.Node | None, limit: int = 240) -> str:
    paragraph = next(iter(doctree.findall(nodes.paragraph)), None) if doctree is not None else None
    text = " ".join(paragraph.astext().split()) if paragraph is not None else ""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def kep_tokens(number: int) -> str:
    """Every way a reader types a KEP, as index-only words: ``KEP-3136 kep3136 3136``."""
    return f"KEP-{number} KEP {number} kep{number} {number}"


def group_tokens(slug: str, name: str) -> str:
    """``sig-node sig node signode SIG Node``: the slug, its words, one token, and the name."""
    return f"{slug} {slug.replace('-', ' ')} {slug.replace('-', '')} {name}"


def query_aliases() -> dict[str, str]:
    """Spellings of each group (folded) to the single token :func:`group_tokens` indexes."""
    aliases = {}
    for group in load_groups():
        token = group.slug.replace("-", "")
        kind, _, rest = group.slug.partition("-")
        for spelling in (group.slug, group.name, *group.aliases, f"{rest} {kind}", rest):
            folded = re.sub(r"[^a-z0-9]+", "", spelling.lower())
            # A bare one-word name ("node") is too common a word to mean the group.
            if folded and (spelling != rest or "-" in rest):
                aliases.setdefault(folded, token)
    return aliases


def indexed_pages(outdir: Path) -> dict[str, list[int]]:
    """Each page Pagefind indexes, with its modification time (ns) and size."""
    pages = {}
    for name, glob in INDEXED_FOLDERS.items():
        for path in (outdir / name).glob(glob):
            try:
                stat = path.stat()
            except OSError:
                continue
            pages[path.relative_to(outdir).as_posix()] = [stat.st_mtime_ns, stat.st_size]
    return pages


def bundle_files(outdir: Path) -> dict[str, int]:
    """Each file of the search bundle, with its size."""
    bundle = outdir / BUNDLE
    return {
        path.relative_to(bundle).as_posix(): path.stat().st_size
        for path in bundle.rglob("*")
        if path.is_file()
    }


def index_is_current(outdir: Path, record_path: Path, pages: dict[str, list[int]]) -> bool:
    """True when the last index was made, whole, from these very pages and is all there.

    False after a Pagefind that was killed or failed (no record), when a page
    changed, came or went since (a build killed after writing pages and before
    indexing them), or when a file of the bundle is missing or cut short.
    """
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        indexed, bundle = record["pages"], record["bundle"]
    except (OSError, ValueError, TypeError, KeyError):
        return False
    if indexed != pages or not isinstance(bundle, dict) or "pagefind.js" not in bundle:
        return False
    return all(file_size(outdir / BUNDLE / name) == size for name, size in bundle.items())


def replace_bundle(outdir: Path) -> None:
    """Put the index Pagefind just wrote in place of the old one, in two renames."""
    old = outdir / f".{BUNDLE}-old"
    shutil.rmtree(old, ignore_errors=True)
    if (outdir / BUNDLE).exists():
        (outdir / BUNDLE).rename(old)
    (outdir / NEXT_BUNDLE).rename(outdir / BUNDLE)
    shutil.rmtree(old, ignore_errors=True)


class SearchIndex:
    """Page context for Pagefind, and running Pagefind after the build."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.pages: dict[str, list[int]] = {}

    def builder_inited(self, app: Sphinx) -> None:
        # Pagefind replaces Sphinx's search: no searchindex.js, no stemming of every page.
        if app.builder.format == "html" and hasattr(app.builder, "search"):
            app.builder.search = False

    def page_context(
        self,
        app: Sphinx,
        pagename: str,
        templatename: str,
        context: dict[str, Any],
        doctree: object,
    ) -> None:
        domain: ArchiveDomain = app.env.domains["lwkd"]
        views = domain.views
        issue = views.by_docname.get(pagename)
        if issue is None:
            return
        sections = sorted({m.section for m in domain.mentions.get(pagename, ()) if m.section})
        context["lwkd_search"] = {
            "year": str(issue.year),
            "keps": list(issue.keps),
            "sigs": list(views.groups_of[pagename]),
            "sections": sections,
            # Shown under the title in results: the issue's first paragraph.
            "summary": first_paragraph(doctree),
            "tokens": " ".join(
                [kep_tokens(n) for n in issue.keps]
                + [
                    group_tokens(s, g.name if (g := domain.group(s)) else s)
                    for s in views.groups_of[pagename]
                ]
            ),
        }

    def start_indexing(self, app: Sphinx):
        """Start Pagefind once every page is written, while Sphinx finishes the build.

        Registered last for ``html-collect-pages``, this runs after the other
        generated pages are written; Sphinx's remaining work (static files,
        inventory) and the archive's feeds and redirects then overlap with Pagefind.
        Pagefind runs unless the index is current (see :func:`index_is_current`).
        """
        self.process = None
        outdir = Path(app.builder.outdir)
        if app.builder.format != "html":
            return
        self.pages = indexed_pages(outdir)
        if index_is_current(outdir, bookkeeping_dir(app) / INDEX_RECORD, self.pages):
            return
        try:
            (bookkeeping_dir(app) / INDEX_RECORD).unlink(missing_ok=True)
            shutil.rmtree(outdir / NEXT_BUNDLE, ignore_errors=True)
        except OSError as error:
            report_write_error(app, error)
            return
        command = [
            *pagefind_command(),
            "--site", str(outdir),
            "--output-subdir", NEXT_BUNDLE,
            "--silent",
            "--glob", INDEXED_PAGES,
            "--exclude-selectors", ".headerlink",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        yield from ()

    def build_finished(self, app: Sphinx, exception: Exception | None) -> None:
        process, self.process = self.process, None
        if process is not None and exception is not None:
            process.kill()
        if process is not None:
            output, _ = process.communicate()
            if process.returncode != 0 and exception is None:
                detail = output.strip().splitlines()[-1:] or ["no output"]
                warn(ArchiveWarning.SEARCH, f"Pagefind could not index the site: {detail[0]}")
            elif exception is None:
                with reporting_write_errors(app):
                    replace_bundle(Path(app.builder.outdir))
                    self.record_index(app)
            shutil.rmtree(Path(app.builder.outdir) / NEXT_BUNDLE, ignore_errors=True)
        if exception is None and app.builder.format == "html":
            script = STATIC / "lwkd-search.js"
            with reporting_write_errors(app):
                write_atomically(
                    Path(app.builder.outdir) / "_static" / script.name, script.read_bytes()
                )

    def record_index(self, app: Sphinx) -> None:
        """Record what the index Pagefind just wrote was made from, and its files."""
        outdir = Path(app.builder.outdir)
        record = {"pages": self.pages, "bundle": bundle_files(outdir)}
        text = json.dumps(record, sort_keys=True, separators=(",", ":"))
        with reporting_write_errors(app):
            write_atomically(bookkeeping_dir(app) / INDEX_RECORD, text.encode("utf-8"))


def setup(app: Sphinx) -> None:
    index = SearchIndex()
    app.connect("builder-inited", index.builder_inited)
    app.connect("html-page-context", index.page_context)
    # Last: every other generated page is written when Pagefind starts.
    app.connect("html-collect-pages", index.start_indexing, priority=900)
    # Last: Pagefind runs while the other build-finished work is done.
    app.connect("build-finished", index.build_finished, priority=900)
