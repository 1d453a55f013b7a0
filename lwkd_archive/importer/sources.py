"""Where the importer reads from: a local checkout, or a git URL cloned shallowly into a cache.

A local checkout is only read. A git URL gets its own folder in the cache (``.cache/``),
named by a hash of the URL, so no URL can name another folder (``https://..`` is not
the project's checkout) and two URLs never share one. Git runs with hooks, submodules
and unusual transports turned off, so nothing in a repository runs on this machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

#: Git URLs the importer clones; anything else that looks like a URL is refused.
#: A host never starts with ``-``: ssh would read it as an option.
URL_RE = re.compile(r"^(?:https?|git|ssh|file)://(?![^/\s]*@-)(?!-)\S+$|^[\w.-]+@(?!-)[\w.-]+:\S+$")
#: ``scheme://`` or git's ``transport::address`` (``ext::sh -c ...`` runs a command).
SCHEME_RE = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)(?:://|::)")
ALLOWED_SCHEMES = ("https", "http", "ssh", "git", "file")
#: Settings for every git command: no hooks, no fsmonitor command, no submodules, no
#: transports but the ones above (even through redirects), never a password prompt.
GIT_SAFETY = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "protocol.allow=never",
    "-c", "protocol.ext.allow=never",
    "-c", "protocol.fd.allow=never",
    *(arg for scheme in ALLOWED_SCHEMES for arg in ("-c", f"protocol.{scheme}.allow=always")),
    "-c", "submodule.recurse=false",
)  # fmt: skip


class SourceError(Exception):
    """A source that cannot be used; the message says what to do."""


def is_url(source: str) -> bool:
    return bool(URL_RE.match(source))


def _warn_on_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def checkout(source: str, cache: Path, warn: Callable[[str], None] = _warn_on_stderr) -> Path:
    """A local folder with the repository: ``source`` itself, or a shallow clone of it."""
    if not is_url(source):
        scheme = SCHEME_RE.match(source)
        if scheme and (scheme["scheme"].lower() not in ALLOWED_SCHEMES or "::" in scheme[0]):
            raise SourceError(
                f"{source}: the {scheme['scheme']!r} transport is not allowed; give an "
                f"{', '.join(ALLOWED_SCHEMES)} URL, git@host:path, or a local checkout"
            )
        if scheme:
            raise SourceError(
                f"{source}: not a git URL the importer uses (a host may not start with '-', "
                "nor the URL hold spaces); check the URL"
            )
        path = Path(source)
        if not path.is_dir():
            raise SourceError(f"{source}: no such folder; give a checkout or a git URL")
        return path
    target = cache / cache_name(source)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        with _locked(cache / f".{target.name}.lock"):
            _remove_leftovers(target)
            problem = _why_not_reusable(target, source, cache)
            if problem is None:
                try:
                    _update(target, source)
                    return target
                except subprocess.CalledProcessError as exc:
                    problem = f"{target}: cannot update it ({_git_detail(exc)})"
            if problem:
                warn(f"{problem}; cloning {source} afresh")
            _fresh_clone(source, target)
    except subprocess.CalledProcessError as exc:
        raise SourceError(
            f"{source}: cannot clone: {_git_detail(exc)}; check the URL and the network, "
            "or give a local checkout"
        ) from None
    except OSError as exc:
        raise SourceError(
            f"{source}: cannot clone into {exc.filename or cache}: {exc.strerror or exc}; "
            "check that the cache folder is writable (or give --cache)"
        ) from None
    return target


def cache_name(url: str) -> str:
    """The cache folder of a URL: readable (``kubernetes-sigs-lwkd``) and unique (a hash)."""
    readable = url.rstrip("/").removesuffix(".git").split("://")[-1].replace(":", "/")
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", "-".join(readable.split("/")[-2:])).strip("-")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    return f"{slug[:40] or 'repository'}-{digest}"


@contextlib.contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    """One importer at a time per clone; the kernel releases the lock when a run dies."""
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(target: Path) -> None:
    """Folders a killed run left half made (a clone, or the previous clone being replaced)."""
    for leftover in target.parent.glob(f".{target.name}.*-*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def _why_not_reusable(target: Path, url: str, cache: Path) -> str | None:
    """Why the folder cannot be updated in place ('' when it does not exist; None when it can)."""
    if not target.exists() and not target.is_symlink():
        return ""
    if target.is_symlink() or target.resolve().parent != cache.resolve():
        return f"{target}: not a folder of the cache"
    git_dir = target / ".git"
    if git_dir.is_symlink() or not git_dir.is_dir():
        return f"{target}: not a git clone"
    # Git leaves its lock files when it is killed (shallow.lock, index.lock, refs/...);
    # this run holds the cache's lock, so any lock file here is left from a dead run.
    lock = next(itertools.chain(git_dir.glob("*.lock"), (git_dir / "refs").rglob("*.lock")), None)
    if lock is not None:
        return f"{lock}: left by an interrupted git run"
    try:
        origin = _git(*_pinned(target), "config", "--get", "remote.origin.url").strip()
    except subprocess.CalledProcessError:
        origin = ""
    if origin != url:
        return f"{target}: a clone of {origin or 'nothing'!r}, not of {url}"
    return None


def _update(target: Path, url: str) -> None:
    """Bring the clone to the remote's current default branch (whatever its name now is)."""
    _git(*_pinned(target), "fetch", "--depth", "1", "--no-tags", "--no-recurse-submodules",
         "--", url, "HEAD")  # fmt: skip
    _git(*_pinned(target), "reset", "--hard", "--quiet", "FETCH_HEAD")
    # The checkout is exactly the remote's: no file left from an older state.
    _git(*_pinned(target), "clean", "-ffdxq")


def _fresh_clone(url: str, target: Path) -> None:
    """Clone beside ``target``, then swap it in, so a killed clone never looks finished."""
    made = Path(tempfile.mkdtemp(prefix=f".{target.name}.clone-", dir=target.parent))
    try:
        _git("clone", "--depth", "1", "--no-recurse-submodules", "--quiet", "--", url, str(made))
        old = None
        if target.exists() or target.is_symlink():
            old = target.parent / f".{target.name}.old-{os.getpid()}"
            target.rename(old)
        made.rename(target)
        if old is not None:
            if old.is_symlink():
                old.unlink()
            else:
                shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(made, ignore_errors=True)
        raise


def _pinned(target: Path) -> tuple[str, ...]:
    """Name the clone's repository explicitly: git never searches the folders above it."""
    return ("--git-dir", str(target / ".git"), "--work-tree", str(target))


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    # An inherited GIT_DIR or GIT_WORK_TREE would point git at another repository.
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        env.pop(name, None)
    return env


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *GIT_SAFETY, *args], check=True, capture_output=True, env=_git_env()
    )
    return done.stdout.decode("utf-8", errors="replace")


def _git_detail(exc: subprocess.CalledProcessError) -> str:
    stderr = exc.stderr or b""
    if isinstance(stderr, bytes):
        stderr = stderr.decode(errors="replace")
    lines = stderr.strip().splitlines()
    return lines[-1] if lines else f"git exited with {exc.returncode}"
