"""Sources that cannot hurt the checkout: cache folders, interrupted clones, git and make.

"Remote" repositories are local ones made by the tests and cloned through file:// URLs,
so no test needs the network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lwkd_archive.importer.sources import SourceError, cache_name, checkout
from tests.conftest import REPO

GIT_IDENTITY = ("-c", "user.name=t", "-c", "user.email=t@example.org")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *GIT_IDENTITY, *args], check=True, capture_output=True, text=True
    )
    return done.stdout


def upstream(path: Path, files: dict[str, str], branch: str = "main") -> Path:
    """A repository with ``files`` in one commit on ``branch``."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", branch)
    commit(path, files, "first")
    return path


def commit(repo: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def test_a_url_never_names_a_folder_outside_the_cache(tmp_path):
    # https://.. named the folder "..": the project itself, fetched and reset --hard.
    project = upstream(tmp_path / "project", {"conf.py": "original\n"})
    elsewhere = upstream(tmp_path / "elsewhere", {"conf.py": "replaced\n"})
    git(project, "remote", "add", "origin", f"file://{elsewhere}")
    (project / "conf.py").write_text("an edit not committed yet\n")
    (project / ".cache").mkdir()  # as the first import leaves it
    with pytest.raises(SourceError, match="cannot clone"):
        checkout("https://..", project / ".cache")
    assert (project / "conf.py").read_text() == "an edit not committed yet\n"
    assert cache_name("https://..").startswith("repository-")
    for url in ("https://..", "https://./", "file://../..", "git@host:../.."):
        assert "/" not in cache_name(url)
        assert not cache_name(url).startswith(".")


def test_two_urls_that_look_alike_get_two_clones(tmp_path):
    # a/b-c and a-b/c were both cached as "a-b-c": the second imported the first.
    first = upstream(tmp_path / "a" / "b-c", {"which.txt": "first\n"})
    second = upstream(tmp_path / "a-b" / "c", {"which.txt": "second\n"})
    cache = tmp_path / "cache"
    one = checkout(f"file://{first}", cache)
    two = checkout(f"file://{second}", cache)
    assert one != two
    assert (one / "which.txt").read_text() == "first\n"
    assert (two / "which.txt").read_text() == "second\n"


def test_a_cache_folder_cloned_from_another_url_is_cloned_afresh(tmp_path, capsys):
    wanted = upstream(tmp_path / "wanted", {"which.txt": "wanted\n"})
    other = upstream(tmp_path / "other", {"which.txt": "other\n"})
    url, cache = f"file://{wanted}", tmp_path / "cache"
    cache.mkdir()
    subprocess.run(
        ["git", "clone", "-q", f"file://{other}", str(cache / cache_name(url))], check=True
    )
    clone = checkout(url, cache)
    assert (clone / "which.txt").read_text() == "wanted\n"
    assert capsys.readouterr().err == (
        f"warning: {cache / cache_name(url)}: a clone of 'file://{other}', not of {url}; "
        f"cloning {url} afresh\n"
    )


def test_a_lock_left_by_a_killed_fetch_is_named_and_recovered_from(tmp_path, capsys):
    remote = upstream(tmp_path / "lwkd", {"post.md": "one\n"})
    url, cache = f"file://{remote}", tmp_path / "cache"
    clone = checkout(url, cache)
    (clone / ".git" / "shallow.lock").write_text("")  # as a fetch killed midway leaves it
    commit(remote, {"post.md": "two\n"}, "second")
    again = checkout(url, cache)
    assert (again / "post.md").read_text() == "two\n"
    assert capsys.readouterr().err == (
        f"warning: {clone / '.git' / 'shallow.lock'}: left by an interrupted git run; "
        f"cloning {url} afresh\n"
    )
    assert not (again / ".git" / "shallow.lock").exists()


FAKE_GIT_KILLED_DURING_CLONE = """#!/bin/sh
# As a clone killed midway: the destination holds a repository with no commit, and
# the importer that started git dies at once.
for last; do :; done
case " $* " in
  *" clone "*) "{git}" init -q "$last"; kill -9 $PPID; sleep 5 ;;
  *) exec "{git}" "$@" ;;
esac
"""


def test_a_clone_killed_midway_is_never_taken_for_a_clone(tmp_path):
    remote = upstream(tmp_path / "lwkd", {"post.md": "one\n"})
    url, cache = f"file://{remote}", tmp_path / "cache"
    fake = tmp_path / "bin" / "git"
    fake.parent.mkdir()
    fake.write_text(FAKE_GIT_KILLED_DURING_CLONE.replace("{git}", shutil.which("git")))
    fake.chmod(0o755)
    killed = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from lwkd_archive.importer.sources import checkout; "
         "checkout(sys.argv[1], Path(sys.argv[2]))", url, str(cache)],
        env={**os.environ, "PATH": f"{fake.parent}:{os.environ['PATH']}"},
        cwd=REPO, capture_output=True,
    )  # fmt: skip
    assert killed.returncode == -9
    clone = checkout(url, cache)
    assert (clone / "post.md").read_text() == "one\n"
    assert [p.name for p in cache.iterdir() if p.is_dir()] == [clone.name]


def test_a_renamed_default_branch_is_followed(tmp_path, capsys):
    remote = upstream(tmp_path / "lwkd", {"post.md": "on master\n"}, branch="master")
    url, cache = f"file://{remote}", tmp_path / "cache"
    checkout(url, cache)
    git(remote, "branch", "-m", "master", "main")
    commit(remote, {"post.md": "on main\n"}, "after the rename")
    clone = checkout(url, cache)
    assert (clone / "post.md").read_text() == "on main\n"
    assert capsys.readouterr().err == ""  # updated in place, not cloned again
    assert git(clone, "rev-list", "--count", "HEAD").strip() == "1"


def test_files_left_in_a_clone_are_removed_by_the_update(tmp_path):
    remote = upstream(tmp_path / "lwkd", {"_posts/a.md": "a\n"})
    url, cache = f"file://{remote}", tmp_path / "cache"
    clone = checkout(url, cache)
    (clone / "_posts" / "stray.md").write_text("not upstream's\n")
    checkout(url, cache)
    assert not (clone / "_posts" / "stray.md").exists()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("ext::sh -c touch% {tmp}/ran", "the 'ext' transport is not allowed"),
        ("fd::3", "the 'fd' transport is not allowed"),
        ("ftp://example.org/lwkd.git", "the 'ftp' transport is not allowed"),
        ("ssh://-oProxyCommand=touch%20{tmp}/ran/x", "not a git URL the importer uses"),
    ],
)
def test_git_urls_of_other_transports_are_refused(tmp_path, source, message):
    with pytest.raises(SourceError, match=message):
        checkout(source.format(tmp=tmp_path), tmp_path / "cache")
    assert not (tmp_path / "ran").exists()
    assert not (tmp_path / "cache").exists()


def test_git_runs_no_hook_while_cloning(tmp_path, monkeypatch):
    # A hook in git's template (or in a repository's config) would run on checkout.
    template = tmp_path / "template"
    (template / "hooks").mkdir(parents=True)
    hook = template / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {tmp_path / 'hook-ran'}\n")
    hook.chmod(0o755)
    monkeypatch.setenv("GIT_TEMPLATE_DIR", str(template))
    remote = upstream(tmp_path / "lwkd", {"post.md": "one\n"})
    checkout(f"file://{remote}", tmp_path / "cache")
    assert not (tmp_path / "hook-ran").exists()


def test_a_local_checkout_is_used_as_it_is(tmp_path):
    remote = upstream(tmp_path / "lwkd", {"post.md": "one\n"})
    (remote / "post.md").write_text("an edit\n")
    assert checkout(str(remote), tmp_path / "cache") == remote
    assert (remote / "post.md").read_text() == "an edit\n"
    assert not (tmp_path / "cache").exists()


ARGV_STUB = """#!{python}
import json, os, sys
with open(os.environ["ARGV_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
"""


def make(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> list[list[str]]:
    """Run the project's Makefile with a stub Python; the arguments each command got."""
    stub = tmp_path / "python"
    stub.write_text(ARGV_STUB.replace("{python}", sys.executable))
    stub.chmod(0o755)
    log = tmp_path / "argv.jsonl"
    log.unlink(missing_ok=True)
    subprocess.run(
        ["make", "-s", "-C", str(REPO), f"PYTHON={stub}", *args],
        env={**os.environ, "ARGV_LOG": str(log), **(env or {})},
        check=True, capture_output=True,
    )  # fmt: skip
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_make_passes_values_as_data_never_as_commands(tmp_path):
    ran = tmp_path / "ran"
    hostile = {
        "semicolon": f"x; touch {ran}-1",
        "make function": f"$(shell touch {ran}-2)",
        "backquotes": f"`touch {ran}-3`$$(touch {ran}-4)",
        "quotes": f"a'b\"c; touch {ran}-5",
    }
    for value in hostile.values():
        assert make(
            tmp_path,
            "import",
            f"LWKD_REPO={value}",
            f"ENHANCEMENTS_REPO={value}",
            f"COMMUNITY_REPO={value}",
            f"SIG_RELEASE_REPO={value}",
        ) == [
            ["-m", "lwkd_archive", "import", value, "--enhancements", value, "--community", value,
             "--sig-release", value]
        ]  # fmt: skip
        assert make(tmp_path, "new", f"WEEK_ENDING={value}") == [
            ["-m", "lwkd_archive", "new", "--week-ending", value]
        ]
        assert make(tmp_path, "check", f"ENHANCEMENTS={value}")[0][-2:] == [
            "--enhancements",
            value,
        ]
    # From the environment too, as a CI job would set them.
    assert (
        make(tmp_path, "import", env={"LWKD_REPO": hostile["make function"]})[0][3]
        == (hostile["make function"])
    )
    # PATHS is a list: split into words, each word passed as it is.
    assert make(tmp_path, "check", f"PATHS=a.md b.md;touch {ran}-6") == [
        ["-m", "lwkd_archive", "check", "a.md", "b.md;touch", f"{ran}-6"]
    ]
    assert make(tmp_path, "new") == [["-m", "lwkd_archive", "new"]]
    assert list(tmp_path.glob("ran*")) == []
