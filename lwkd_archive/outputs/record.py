"""Skip regenerating an output file whose inputs did not change since the last build."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.recovery import file_size, reporting_write_errors
from lwkd_archive.pages.templating import newest_template_mtime

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from sphinx.application import Sphinx

Page = tuple[str, dict[str, Any], str]


def fingerprint(*parts: object) -> str:
    """A stable digest of the inputs an output is made from."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class Fingerprints:
    """Digests of generated outputs, kept in a JSON file in the output folder.

    Kept beside the outputs rather than in the environment so that a wiped
    output folder (``make clean``) regenerates everything. Each output is
    recorded with its size once it is written, so an output that is missing,
    or cut short by a build that was killed while writing it, is made again.
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


def is_whole_html_page(path: Path) -> bool:
    """True when the page ends as every page of the site does, with ``</html>``.

    Sphinx writes a page in place and only warns when the write fails (a full
    disk), leaving the start of the page behind.
    """
    try:
        with Path(path).open("rb") as page:
            page.seek(0, os.SEEK_END)
            page.seek(max(0, page.tell() - 64))
            return page.read().rstrip().endswith(b"</html>")
    except OSError:
        return False


def changed_pages(app: Sphinx, record: str, pages: Iterable[Page]) -> Iterator[Page]:
    """The generated pages (pagename, context, template) that must be written this build.

    A page is skipped when its output is as written and its context, template,
    the templates' age and the HTML configuration are what they were when it
    was last written. ``record`` names the fingerprint file in the output folder.
    Sphinx writes each page yielded before asking for the next, so when the
    generator resumes, the page it yielded is on disk, or Sphinx failed to write it.
    """
    outdir = Path(app.builder.outdir)
    marks = Fingerprints(outdir / record)
    shared = (
        newest_template_mtime(app),
        getattr(app.builder, "config_hash", ""),
    )
    for pagename, context, template in pages:
        target = outdir / f"{pagename}{app.builder.out_suffix}"
        if not marks.is_current(pagename, fingerprint(shared, template, context), target):
            yield pagename, context, template
            if not is_whole_html_page(target):
                marks.forget(pagename)
    with reporting_write_errors(app):
        marks.save()
