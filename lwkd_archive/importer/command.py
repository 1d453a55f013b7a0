"""``python -m lwkd_archive import SOURCE``: import LWKD's posts (and KEP facts) into the archive."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lwkd_archive.facts.community import CommunityError, dump_group_facts, load_community
from lwkd_archive.facts.groups import load_groups, use_group_facts
from lwkd_archive.facts.keps import KepFacts, dump_facts, load_enhancements
from lwkd_archive.facts.releases import SigReleaseError, dump_releases, load_releases
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
        "as a MyST page, with KEP facts from a kubernetes/enhancements checkout and group "
        "facts from a kubernetes/community checkout and release schedules from a "
        "kubernetes/sig-release checkout.",
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
        "--community",
        metavar="PATH_OR_URL",
        help="kubernetes/community checkout or git URL, for the groups' own list (sigs.yaml); "
        "without it, or when it cannot be read, the groups are those of data/groups.yaml",
    )
    parser.add_argument(
        "--sig-release",
        metavar="PATH_OR_URL",
        help="kubernetes/sig-release checkout or git URL, for the release schedules "
        "(releases/release-1.N/README.md); without it, or when it cannot be read, the "
        "archive has no release pages and no cycle line",
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
    groups = import_community(args.community, cache, out / GROUP_FACTS)
    releases = import_sig_release(args.sig_release, cache, out / RELEASE_FACTS)
    for problem in groups_that_are_no_group(facts, enhancements):
        print(f"warning: {problem}", file=sys.stderr)
    summary = import_archive(repo, out, add_roles=roles_for_year(facts), progress=_progress)
    report(summary)
    elapsed = time.perf_counter() - started
    print(
        f"{summary.line()} ({summary.written} files written, {summary.removed} removed, "
        f"{summary.reused} posts reused unchanged, {len(facts)} KEPs with facts, "
        f"{groups} groups from the community's list, {releases} release schedules, "
        f"{elapsed:.1f} s)",
        file=sys.stderr,
    )
    return 1 if summary.failed else 0


def groups_that_are_no_group(facts: dict[int, KepFacts], repo: Path | None) -> list[str]:
    """Each participating SIG of a kep.yaml that no group of the table is
    (``sig-machinery``): the KEP's page shows it as written, linked nowhere."""
    groups = load_groups()
    problems = []
    for number in sorted(facts):
        kep = facts[number]
        where = repo / kep.path / "kep.yaml" if repo is not None and kep.path else f"KEP-{number}"
        for slug in kep.participating_sigs:
            if groups.resolve(slug) is None:
                problems.append(
                    f"{where}:1: participating-sigs: {slug!r} is no group of "
                    "kubernetes/community's list or data/groups.yaml; the KEP's page shows it "
                    "as written, linked nowhere"
                )
    return problems


def _compile_source(
    option: str,
    source: str,
    cache: Path,
    target: Path,
    load: Callable[[Path], tuple[Any, list[str]]],
    dump: Callable[[Any], str],
    unusable: type[Exception],
    without: str,
) -> Any | None:
    """Read an optional source (``load`` a checkout of it) and write its facts to ``target``.

    Each problem ``load`` reports is a warning line. A source that cannot be used costs
    one line saying what the archive does ``without`` it, and removes an old ``target``,
    so the import and the build agree; None then, and the import goes on.
    """
    try:
        facts, problems = load(checkout(source, cache))
    except (SourceError, unusable, OSError) as exc:
        target.unlink(missing_ok=True)
        print(f"warning: {option}: {exc}; {without}", file=sys.stderr)
        return None
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    write_atomically(target, dump(facts).encode("utf-8"))
    return facts


#: The compiled community facts, beside keps.json; conf.py gives it to the build.
GROUP_FACTS = "groups.json"


def import_community(source: str | None, cache: Path, target: Path) -> int:
    """Compile kubernetes/community's list into ``target``; the number of groups it gave.

    The posts are then converted with the merged table (:func:`use_group_facts`),
    the one the build reads. Without ``source``, a groups.json already there is used
    (the build reads it too). A source that cannot be read or holds no sigs.yaml
    costs one line on stderr and removes the old groups.json, so the import and the
    build both use data/groups.yaml alone; the import goes on. Each value sigs.yaml
    gets wrong is a ``file:line`` warning.
    """
    if source is None:
        use_group_facts(target if target.is_file() else None)
        return 0
    groups = _compile_source(
        "--community",
        source,
        cache,
        target,
        load_community,
        dump_group_facts,
        CommunityError,
        "the groups are data/groups.yaml's alone",
    )
    use_group_facts(target if groups is not None else None)
    return len(groups or ())


#: The compiled release schedules, beside keps.json; conf.py gives it to the build.
RELEASE_FACTS = "releases.json"


def import_sig_release(source: str | None, cache: Path, target: Path) -> int:
    """Compile kubernetes/sig-release's schedules into ``target``; the number of releases.

    Without ``source``, a releases.json already there stays (the build reads it). A source
    that cannot be read or holds no release READMEs costs one line on stderr and removes
    the old releases.json, so the build has no release pages rather than stale ones; the
    import goes on. Each date a README gets wrong is a ``file:line`` warning.
    """
    if source is None:
        return 0
    releases = _compile_source(
        "--sig-release",
        source,
        cache,
        target,
        load_releases,
        dump_releases,
        SigReleaseError,
        "the archive has no release schedules",
    )
    return len(releases or ())
