"""Writing the archive's pages atomically, and only when their bytes change."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

MANIFEST = ".import-manifest.json"


def write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True when written.

    The bytes go to a temporary file in the same folder, then replace the page in
    one step, so an interrupted import never leaves a half-written page.
    """
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


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
