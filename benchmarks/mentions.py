"""Measure the archive's KEP and group mentions on any LWKD posts against hand-written labels.

    python benchmarks/mentions.py --posts DIR --labels FILE [--labels FILE ...]
        [--enhancements DIR] [--community DIR] [--all-posts] [--workdir DIR]

``--posts`` is an LWKD checkout (a folder with ``_posts/``), a folder of posts, or a bare
git mirror of kubernetes-sigs/lwkd (its HEAD is read with ``git archive``). The labelled
posts (every post with ``--all-posts``) are imported into a copy of the project, as
``tests/conftest.py`` does, the copy is built, and the figures of
``tests/test_mention_labels.py`` are printed: recall and precision of (post, key) pairs,
for groups and KEPs, with every missed and extra pair. This measures posts outside the
test corpus, such as the newer upstream ones of ``tests/labels/newer.yaml``::

    python benchmarks/mentions.py --posts ../lwkd \\
        --labels tests/labels/newer.yaml \\
        --enhancements ../shared/corpus/enhancements --community ../shared/corpus/community

The build runs without ``-W``: a warning is counted and shown, not fatal, so that posts
the corpus tests never saw can still be measured. Exit status 0 when measured, 2 when the
posts, labels or build could not be used.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# After the path is set: the project's copy and the scoring the tests use.
from tests.conftest import copy_project  # noqa: E402
from tests.mention_scoring import load_found, load_labels, report, score  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--posts", type=Path, required=True, help="LWKD checkout, _posts folder or bare mirror"
    )
    parser.add_argument(
        "--labels", type=Path, action="append", required=True, help="labels YAML (repeatable)"
    )
    parser.add_argument(
        "--enhancements", type=Path, help="kubernetes/enhancements checkout (KEP facts)"
    )
    parser.add_argument("--community", type=Path, help="kubernetes/community checkout (sigs.yaml)")
    parser.add_argument(
        "--all-posts", action="store_true", help="import every post, not only the labelled"
    )
    parser.add_argument(
        "--workdir", type=Path, help="keep the project and build here (default: a temporary folder)"
    )
    return parser.parse_args(argv)


def lwkd_checkout(posts: Path, target: Path) -> Path:
    """An LWKD checkout at ``target`` made from ``posts``: copied, or exported from a bare
    mirror's HEAD (read-only git), or a folder of posts placed in ``_posts/``."""
    if (posts / "HEAD").is_file() and (posts / "objects").is_dir():
        target.mkdir(parents=True)
        archive = target.parent / "lwkd.tar"
        with archive.open("wb") as out:
            subprocess.run(["git", "-C", str(posts), "archive", "HEAD"], stdout=out, check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
        archive.unlink()
    elif (posts / "_posts").is_dir():
        shutil.copytree(posts, target, ignore=shutil.ignore_patterns(".git"))
    else:
        (target / "_posts").mkdir(parents=True)
        for post in posts.glob("*.md"):
            shutil.copy2(post, target / "_posts" / post.name)
    return target


def keep_only(checkout: Path, names: set[str]) -> list[str]:
    """Remove every post not in ``names``; the labelled posts the checkout lacks."""
    present = set()
    for post in (checkout / "_posts").iterdir():
        if post.name in names:
            present.add(post.name)
        elif post.is_file():
            post.unlink()
    return sorted(names - present)


def build(workdir: Path, lwkd: Path, args: argparse.Namespace) -> tuple[Path, list[str]]:
    """Import ``lwkd`` into a copy of the project and build it; the site and its warnings."""
    project = copy_project(workdir / "project")
    command = [sys.executable, "-m", "lwkd_archive", "import", str(lwkd)]
    command += ["--out", str(project / "source" / "archive")]
    if args.enhancements:
        command += ["--enhancements", str(args.enhancements.resolve())]
    if args.community:
        command += ["--community", str(args.community.resolve())]
    imported = subprocess.run(command, cwd=project, capture_output=True, text=True)
    if imported.returncode != 0:
        print(f"import finished with status {imported.returncode}:", file=sys.stderr)
        print(imported.stderr[-3000:], file=sys.stderr)
    out = workdir / "html"
    built = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(project),
         "-d", str(workdir / "doctrees"), str(project / "source"), str(out)],
        cwd=project, capture_output=True, text=True,
    )  # fmt: skip
    warnings = [line for line in built.stderr.splitlines() if "WARNING" in line]
    if built.returncode != 0:
        raise RuntimeError(f"build failed:\n{built.stderr[-3000:]}")
    return out, warnings


def measure(args: argparse.Namespace, workdir: Path) -> int:
    labels = {}
    for path in args.labels:
        labels.update(load_labels(path))
    lwkd = lwkd_checkout(args.posts, workdir / "lwkd")
    if not args.all_posts:
        for post in keep_only(lwkd, set(labels)):
            print(f"labelled post not in {args.posts}: {post}", file=sys.stderr)
    site, warnings = build(workdir, lwkd, args)
    found, problems = load_found(site / "api" / "issues.json")
    for line in [*problems, *warnings[:20]]:
        print(line, file=sys.stderr)
    if warnings:
        print(f"{len(warnings)} build warnings (first 20 above)", file=sys.stderr)
    print(report(score(labels, found), labels, found))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.workdir:
            args.workdir.mkdir(parents=True, exist_ok=False)
            return measure(args, args.workdir)
        with tempfile.TemporaryDirectory(prefix="lwkd-mentions-") as tmp:
            return measure(args, Path(tmp))
    except (OSError, ValueError, RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
