"""The importer's record of what it wrote, so pages of removed posts are removed too."""

from __future__ import annotations

import json
from pathlib import Path

from lwkd_archive.files import write_atomically

MANIFEST = ".import-manifest.json"


def read_manifest(out: Path) -> set[str]:
    """Files a previous import wrote into ``out`` (relative paths)."""
    try:
        return set(json.loads((out / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return set()


def write_manifest(out: Path, files: set[str]) -> None:
    write_atomically(out / MANIFEST, (json.dumps(sorted(files), indent=0) + "\n").encode("utf-8"))


def remove_stale(out: Path, previous: set[str], current: set[str]) -> list[str]:
    """Remove files the importer wrote before but not now (their source post is gone)."""
    removed = []
    for rel in sorted(previous - current):
        path = out / rel
        if path.is_file():
            path.unlink()
            removed.append(rel)
    return removed
