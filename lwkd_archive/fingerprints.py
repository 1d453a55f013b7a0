"""Skip regenerating an output file whose inputs did not change since the last build."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lwkd_archive.templating import newest_template_mtime

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
    output folder (``make clean``) regenerates everything.
    """

    def __init__(self, path: Path) -> None:
        # Sphinx hands out str-compatible paths whose replace() is str.replace.
        self.path = Path(path)
        try:
            self._old: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._old = {}
        self._new: dict[str, str] = {}

    def is_current(self, name: str, digest: str, output: Path) -> bool:
        """True when ``output`` exists and was made from the same inputs; records ``digest``."""
        self._new[name] = digest
        return self._old.get(name) == digest and output.exists()

    def save(self) -> None:
        if self._new == self._old:
            return
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._new, sort_keys=True, indent=0), encoding="utf-8")
        tmp.replace(self.path)
        self._old = dict(self._new)


def changed_pages(app: Sphinx, record: str, pages: Iterable[Page]) -> Iterator[Page]:
    """The generated pages (pagename, context, template) that must be written this build.

    A page is skipped when its output exists and its context, template,
    the templates' age and the HTML configuration are what they were when it
    was last written. ``record`` names the fingerprint file in the output folder.
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
    marks.path.parent.mkdir(parents=True, exist_ok=True)
    marks.save()
