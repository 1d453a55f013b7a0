"""The GitHub Action's step: ``lwkd-archive check`` on the posts a pull request or push changed.

``action.yml`` runs ``python -m lwkd_archive.editor.changed_posts`` in the checkout of LWKD's
repository. It reads what GitHub gives every step (``GITHUB_EVENT_NAME``, the event's JSON at
``GITHUB_EVENT_PATH``) and the action's inputs (``LWKD_CHECK_PATHS``, ``LWKD_CHECK_ENHANCEMENTS``,
set by the step's ``env``, never pasted into its shell), finds the posts changed since the
event's base commit, and checks them with ``--format github`` so each finding shows on the diff.
Kept in the package, not in the action's shell, so a test runs exactly what the action runs.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from lwkd_archive.cli import SCRIPT, main
from lwkd_archive.editor.check import github_escape

#: The posts the action checks unless its ``paths`` input says otherwise.
DEFAULT_PATHS = "_posts/*.md"
#: A commit id as GitHub writes one (SHA-1, or SHA-256 in a SHA-256 repository).
COMMIT_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


class GitError(RuntimeError):
    """A git command failed; the message says which and why."""


def git(*args: str) -> str:
    """The output of one git command in the current folder (the checkout)."""
    done = subprocess.run(
        ["git", "-c", "core.quotepath=off", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def base_commit(event_name: str, event: Mapping[str, object]) -> str | None:
    """The commit the change is compared with: the pull request's base, or the push's parent.

    None when the event has none (a new branch's push, a manual run, a schedule): then every
    post is checked. The value comes from the event's JSON, so it is used only when it has
    the shape of a commit id.
    """
    sha: object = None
    if event_name in {"pull_request", "pull_request_target"}:
        pull = event.get("pull_request")
        base = pull.get("base") if isinstance(pull, dict) else None
        sha = base.get("sha") if isinstance(base, dict) else None
    elif event_name == "merge_group":
        group = event.get("merge_group")
        sha = group.get("base_sha") if isinstance(group, dict) else None
    elif event_name == "push":
        sha = event.get("before")
    if not isinstance(sha, str) or not COMMIT_RE.match(sha) or not sha.strip("0"):
        return None
    return sha


def pathspecs(paths: str) -> list[str]:
    """Git pathspecs of the ``paths`` input: globs separated by spaces or lines, ``*`` within a
    folder, ``**`` across folders (git's own glob rules, so git does the matching)."""
    return [f":(glob){pattern}" for pattern in paths.split()]


def has_commit(sha: str) -> bool:
    try:
        git("cat-file", "-e", f"{sha}^{{commit}}")
    except GitError:
        return False
    return True


def changed_posts(base: str, specs: Sequence[str]) -> list[str]:
    """The posts added or modified between ``base`` and HEAD (deleted ones have nothing to check).

    A shallow checkout (actions/checkout's default) lacks the base commit: it is fetched alone,
    since comparing two trees needs no history between them.
    """
    if not has_commit(base):
        git("fetch", "--quiet", "--no-tags", "--depth=1", "origin", base)
    out = git(
        "diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", base, "HEAD", "--", *specs
    )
    return [name for name in out.split("\0") if name]


def all_posts(specs: Sequence[str]) -> list[str]:
    """Every post of the checkout that the ``paths`` input names."""
    return [name for name in git("ls-files", "-z", "--", *specs).split("\0") if name]


def read_event(environ: Mapping[str, str]) -> dict[str, object]:
    """The event's JSON that GitHub writes for the job; empty when there is none or it is not JSON."""
    where = environ.get("GITHUB_EVENT_PATH")
    if not where:
        return {}
    try:
        event = json.loads(Path(where).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return event if isinstance(event, dict) else {}


def run(environ: Mapping[str, str]) -> int:
    """Check the changed posts; the exit status of ``check`` (0 when no post changed)."""
    paths = environ.get("LWKD_CHECK_PATHS", "").strip() or DEFAULT_PATHS
    specs = pathspecs(paths)
    base = base_commit(environ.get("GITHUB_EVENT_NAME", ""), read_event(environ))
    try:
        if base is None:
            print(
                f"::notice::no base commit for this event: checking every post in {github_escape(paths)}"
            )
            files = all_posts(specs)
        else:
            files = changed_posts(base, specs)
    except GitError as exc:
        message = f"{exc}; check out the repository with actions/checkout"
        print(f"::error title=lwkd-check::{github_escape(message)}")
        return 2
    if not files:
        found = f"changed since {base[:12]}" if base else "in the repository"
        print(f"no posts in {paths} {found}: nothing to check")
        return 0
    command = ["check", "--format", "github", "--changed"]
    if environ.get("LWKD_CHECK_ENHANCEMENTS", "").strip():
        command += ["--enhancements", environ["LWKD_CHECK_ENHANCEMENTS"].strip()]
    # "--" keeps a post whose name starts with "-" a path.
    command += ["--", *files]
    print(shlex.join([SCRIPT, *command]), flush=True)
    return main(command)


if __name__ == "__main__":
    sys.exit(run(os.environ))
