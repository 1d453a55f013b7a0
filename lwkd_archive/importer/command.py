"""``python -m lwkd_archive import SOURCE``: import LWKD's posts (and KEP facts) into the archive."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from lwkd_archive.facts.keps import dump_facts, load_enhancements
from lwkd_archive.files import write_atomically
from lwkd_archive.importer.run import import_archive, report
from lwkd_archive.importer.sources import SourceError, checkout

DEFAULT_LWKD = "https://github.com/kubernetes-sigs/lwkd.git"


def project_root() -> Path:
    """The archive's checkout (where conf.py is), or the current folder."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "conf.py").is_file() and (folder / "source").is_dir():
            return folder
    return here


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "import",
        help="import LWKD's posts into the archive",
        description="Import every post of an LWKD checkout (a folder with _posts/, or a git URL) "
        "as a MyST page, with KEP facts from a kubernetes/enhancements checkout.",
    )
    parser.add_argument(
        "source",
        nargs="?",
        default=DEFAULT_LWKD,
        help=f"LWKD checkout or git URL (default {DEFAULT_LWKD})",
    )
    parser.add_argument(
        "--enhancements",
        metavar="PATH_OR_URL",
        help="kubernetes/enhancements checkout or git URL, for KEP facts",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write the pages (default: source/archive of the archive's checkout)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        help="where git URLs are cloned (default: .cache/ of the archive's checkout)",
    )
    return parser


def _progress(items):
    """A progress bar on a terminal; nothing in logs and CI."""
    items = list(items)
    if not sys.stderr.isatty():
        return items
    from rich.progress import track

    return track(items, description="Importing", transient=True, console=None)


def run(args: argparse.Namespace) -> int:
    root = project_root()
    out: Path = args.out or root / "source" / "archive"
    cache: Path = args.cache or root / ".cache"
    started = time.perf_counter()
    try:
        repo = checkout(args.source, cache)
        enhancements = checkout(args.enhancements, cache) if args.enhancements else None
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not (repo / "_posts").is_dir():
        print(
            f"error: {args.source}: no _posts/ folder; give a checkout of kubernetes-sigs/lwkd",
            file=sys.stderr,
        )
        return 2
    from lwkd_archive.importer.references import roles_for_year

    facts = {}
    if enhancements is not None:
        facts, errors = load_enhancements(enhancements)
        for error in errors:
            print(f"warning: {error}", file=sys.stderr)
        if not facts:
            print(f"error: {args.enhancements}: no keps/**/kep.yaml found", file=sys.stderr)
            return 2
        write_atomically(out / "keps.json", dump_facts(facts).encode("utf-8"))
    summary = import_archive(repo, out, add_roles=roles_for_year(facts), progress=_progress)
    report(summary)
    elapsed = time.perf_counter() - started
    print(
        f"{summary.line()} ({summary.written} files written, {summary.removed} removed, "
        f"{summary.reused} posts reused unchanged, {len(facts)} KEPs with facts, {elapsed:.1f} s)",
        file=sys.stderr,
    )
    return 1 if summary.failed else 0
