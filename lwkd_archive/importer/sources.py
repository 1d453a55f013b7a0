"""Where the importer reads from: a local checkout, or a git URL cloned shallowly into a cache."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

URL_RE = re.compile(r"^(?:https?|git|ssh|file)://|^git@")


class SourceError(Exception):
    """A source that cannot be used; the message says what to do."""


def is_url(source: str) -> bool:
    return bool(URL_RE.match(source))


def checkout(source: str, cache: Path) -> Path:
    """A local folder with the repository: ``source`` itself, or a shallow clone of it."""
    if not is_url(source):
        path = Path(source)
        if not path.is_dir():
            raise SourceError(f"{source}: no such folder; give a checkout or a git URL")
        return path
    name = re.sub(
        r"[^A-Za-z0-9._-]+", "-", source.rstrip("/").removesuffix(".git").split("://")[-1]
    )
    target = cache / name
    try:
        if (target / ".git").is_dir():
            subprocess.run(
                ["git", "-C", str(target), "fetch", "--depth", "1", "origin"],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                ["git", "-C", str(target), "reset", "--hard", "FETCH_HEAD"],
                check=True,
                capture_output=True,
            )
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["git", "clone", "--depth", "1", source, str(target)],
                check=True,
                capture_output=True,
            )
    except (OSError, subprocess.CalledProcessError) as exc:
        stderr = getattr(exc, "stderr", b"") or b""
        detail = stderr.decode(errors="replace").strip().splitlines()[-1:] or [str(exc)]
        raise SourceError(
            f"{source}: cannot clone: {detail[0]}; check the URL and the network, or give a local checkout"
        ) from None
    return target
