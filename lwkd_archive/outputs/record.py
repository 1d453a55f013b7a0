"""The record of generated outputs: what each build wrote, what it skips, what it removes.

Every page, feed, redirect and data file the archive generates is recorded as
it is generated. What the last build generated and this one does not (the
page of a KEP no issue mentions any more, its feed, an old address, a year
with no issue left) is deleted, so an incremental build gives the site a
clean build of the same input gives. Each output is also fingerprinted, so
one whose inputs did not change is not written again. The records live
with the environment, outside the published site.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.recovery import bookkeeping_dir, file_size, reporting_write_errors

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: The file, in the bookkeeping folder, that lists what the last build generated.
GENERATED_RECORD = "generated.json"


def fingerprint(*parts: object) -> str:
    """A stable digest of the inputs an output is made from."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class Fingerprints:
    """Digests of generated outputs, kept in a JSON file of the bookkeeping folder.

    Each output is recorded with its size once it is written, so an output
    that is missing (a wiped output folder), or cut short by a build that was
    killed while writing it, is made again.
    """

    def __init__(self, path: Path) -> None:
        # Sphinx hands out str-compatible paths whose replace() is str.replace.
        self.path = Path(path)
        try:
            old = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        # Anything but [digest, size] (a file of an older version) counts as no record.
        self._old: dict[str, list] = {
            name: mark
            for name, mark in (old.items() if isinstance(old, dict) else ())
            if isinstance(mark, list) and len(mark) == 2
        }
        self._new: dict[str, tuple[str, Path]] = {}

    def is_current(self, name: str, digest: str, output: Path) -> bool:
        """True when ``output`` is as it was written from the same inputs; records ``digest``."""
        self._new[name] = (digest, Path(output))
        old = self._old.get(name)
        return old is not None and old[0] == digest and file_size(output) == old[1]

    def forget(self, name: str) -> None:
        """Record no digest for ``name``: its output was not written whole."""
        self._new.pop(name, None)

    def save(self) -> None:
        """Record the outputs checked or written this build, as they now are on disk.

        Called once the outputs are written; an output that is not there is
        left out, so no record ever claims an output that a killed or failed
        build did not write. Raises :class:`OSError` when the file cannot be written.
        """
        marks = {}
        for name, (digest, output) in self._new.items():
            size = file_size(output)
            if size is not None:
                marks[name] = [digest, size]
        if marks == self._old:
            return
        text = json.dumps(marks, sort_keys=True, separators=(",", ":"))
        write_atomically(self.path, text.encode("utf-8"))
        self._old = marks


def fingerprints(app: Sphinx, name: str) -> Fingerprints:
    """The fingerprints of one generator (``topics``, ``feeds``...), from the bookkeeping folder."""
    return Fingerprints(bookkeeping_dir(app) / f"{name}.json")


class GeneratedOutputs:
    """What this build generates, beside what the last build generated.

    Paths are relative to the output folder. Pages (HTML from
    ``html-collect-pages``) and files (feeds, redirects, ``api/``, the sitemap)
    are kept apart because they are settled at different times: the pages
    before Pagefind indexes the site, the files once the build has finished.
    """

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.path = bookkeeping_dir(app) / GENERATED_RECORD
        self.outdir = Path(app.builder.outdir)
        try:
            old = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        # A record of another output folder, or of an unknown form, says nothing here.
        if not isinstance(old, dict) or old.get("outdir") != str(self.outdir):
            old = {}
        self.old_pages = _strings(old.get("pages"))
        self.old_files = _strings(old.get("files"))
        self.pages: set[str] = set()
        self.files: set[str] = set()

    def add_page(self, pagename: str) -> None:
        self.pages.add(f"{pagename}{self.app.builder.out_suffix}")

    def add_file(self, path: str) -> None:
        self.files.add(Path(path).as_posix())

    def remove_stale_pages(self) -> None:
        """Delete the pages the last build generated and this one does not."""
        self._remove(self.old_pages - self.pages)

    def finish(self, *, complete: bool) -> None:
        """Delete stale files when the build generated everything; save the record.

        A build that stopped part-way may not have recorded all it would
        generate: it deletes nothing, and its record keeps the last build's
        outputs as well, so the next complete build still removes those it no
        longer generates.
        """
        if complete:
            self._remove(self.old_files - self.files)
            pages, files = self.pages, self.files
        else:
            pages, files = self.pages | self.old_pages, self.files | self.old_files
        record = {"outdir": str(self.outdir), "pages": sorted(pages), "files": sorted(files)}
        text = json.dumps(record, indent=0, sort_keys=True)
        write_atomically(self.path, text.encode("utf-8"))

    def _remove(self, paths: set[str]) -> None:
        documents = {self.app.builder.get_target_uri(d) for d in self.app.env.found_docs}
        folders = set()
        for path in sorted(paths):
            # A page a document now writes (a hand-written keps/3136.md) is the document's.
            if path in documents or path.startswith(("/", "..")) or "/../" in path:
                continue
            (self.outdir / path).unlink(missing_ok=True)
            folders.update(Path(path).parents)
        # Folders left empty go too, deepest first (never the output folder itself).
        for folder in sorted(folders - {Path()}, key=lambda f: len(f.parts), reverse=True):
            # Not empty, or already gone: it stays.
            with contextlib.suppress(OSError):
                (self.outdir / folder).rmdir()


def _strings(value: object) -> set[str]:
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


_GENERATED: weakref.WeakKeyDictionary[Sphinx, GeneratedOutputs] = weakref.WeakKeyDictionary()


def generated_outputs(app: Sphinx) -> GeneratedOutputs:
    """This build's record of generated outputs (one per Sphinx application)."""
    record = _GENERATED.get(app)
    if record is None:
        record = _GENERATED[app] = GeneratedOutputs(app)
    return record


def start_record(app: Sphinx) -> None:
    if app.builder.format == "html":
        _GENERATED[app] = GeneratedOutputs(app)


def remove_stale_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Delete last build's generated pages that no generator made this time.

    Registered for ``html-collect-pages`` after the page generators and before
    Pagefind starts, so the index never holds a page the site no longer has.
    """
    if app.builder.format == "html":
        with reporting_write_errors(app):
            generated_outputs(app).remove_stale_pages()
    yield from ()


def finish_record(app: Sphinx, exception: Exception | None) -> None:
    """Delete the stale files and save what this build generated."""
    if app.builder.format != "html":
        return
    complete = exception is None and app.statuscode == 0
    with reporting_write_errors(app):
        generated_outputs(app).finish(complete=complete)


def remove_outputs_of_removed_pages(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """A removed document leaves no page behind in the built site.

    Sphinx keeps the HTML of a document that was deleted or excluded (an issue
    of ``source/issues/`` steps aside once ``make archive`` imports its week),
    so the page would still be served and indexed.
    """
    if app.builder.format != "html" or not removed:
        return []
    # A read-only output folder: one error line, and the build fails.
    sources = Path(app.builder.outdir) / "_sources"
    # The copy of its source Sphinx publishes beside it (html_copy_source) goes too.
    suffix = app.config.html_sourcelink_suffix
    with reporting_write_errors(app):
        for docname in removed:
            Path(app.builder.get_outfilename(docname)).unlink(missing_ok=True)
            for source_suffix in app.config.source_suffix:
                for name in {f"{docname}{source_suffix}{suffix}", f"{docname}{source_suffix}"}:
                    (sources / name).unlink(missing_ok=True)
    return []


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", start_record)
    app.connect("env-get-outdated", remove_outputs_of_removed_pages)
    # After every page generator (500), before Pagefind starts indexing (900).
    app.connect("html-collect-pages", remove_stale_pages, priority=850)
    # After the writers of feeds, redirects, api and sitemap (500), before
    # Pagefind's index is recorded (900) and the build is marked finished (950).
    app.connect("build-finished", finish_record, priority=850)
