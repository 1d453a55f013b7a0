"""The importer's record of what it wrote, so pages of removed posts are removed too.

The record is kept true while the importer writes: a file is recorded before it is
written, so an import killed at any point leaves a record that covers every file it
wrote, and the next import removes those that no post backs any more.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from lwkd_archive.files import write_atomically

MANIFEST = ".import-manifest.json"


def read_manifest(out: Path) -> set[str]:
    """Files a previous import wrote into ``out`` (relative paths)."""
    try:
        files = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {name for name in files if isinstance(name, str)} if isinstance(files, list) else set()


def write_manifest(out: Path, files: set[str]) -> None:
    write_atomically(out / MANIFEST, (json.dumps(sorted(files), indent=0) + "\n").encode("utf-8"))


class Manifest:
    """What this import writes into ``out``, on disk before the files themselves."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.previous = read_manifest(out)
        #: Everything the record on disk names: the previous import's files and this one's.
        self.recorded = set(self.previous)
        #: The files this import writes (or finds already written) so far.
        self.current: set[str] = set()

    def plan(self, files: Iterable[str]) -> None:
        """Record files about to be written (one write of the record for them all)."""
        new = set(files) - self.recorded
        if new:
            self.recorded |= new
            write_manifest(self.out, self.recorded)

    def keep(self, file: str) -> None:
        """``file`` is one of this import's: recorded now, before it is written."""
        self.plan((file,))
        self.current.add(file)

    def finish(self) -> list[str]:
        """Remove the files no longer written, record exactly this import's; the removed."""
        removed = remove_stale(self.out, self.recorded, self.current)
        write_manifest(self.out, self.current)
        self.previous = self.recorded = set(self.current)
        return removed


def remove_stale(out: Path, previous: set[str], current: set[str]) -> list[str]:
    """Remove files the importer wrote before but not now (their source post is gone)."""
    removed = []
    for rel in sorted(previous - current):
        path = _inside(out, rel)
        if path is not None and path.is_file():
            path.unlink()
            removed.append(rel)
    return removed


def _inside(out: Path, rel: str) -> Path | None:
    """``out / rel`` when ``rel`` names a file inside ``out``; None for a record that
    names anything else (an edited record never removes a file outside the archive)."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        return None
    path = out.joinpath(*parts)
    try:
        if not path.parent.resolve().is_relative_to(out.resolve()):
            return None
    except (OSError, ValueError):
        return None
    return path
