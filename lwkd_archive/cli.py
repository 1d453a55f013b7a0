"""Command line: ``lwkd-archive COMMAND`` (or ``python -m lwkd_archive``); one module per command."""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
from collections.abc import Sequence

from lwkd_archive.files import WriteError

#: The distribution, whose installed version ``--version`` prints.
DISTRIBUTION = "lwkd-archive"
#: The name the installed script has (``[project.scripts]`` in pyproject.toml).
SCRIPT = "lwkd-archive"
#: The name ``python -m`` runs it by (``__main__.py``).
MODULE = "python -m lwkd_archive"

#: Modules that each provide ``add_parser(subparsers)`` and ``run(args) -> int``.
COMMANDS: tuple[str, ...] = (
    "lwkd_archive.importer.command",
    "lwkd_archive.editor.new",
    "lwkd_archive.editor.check",
)


def build_parser(prog: str = SCRIPT) -> argparse.ArgumentParser:
    """The parser of every command; ``prog`` is how the reader ran it, so help names that."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Import, write and check issues of the LWKD Archive.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{DISTRIBUTION} {importlib.metadata.version(DISTRIBUTION)}",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(name)
        sub = module.add_parser(subparsers)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None, prog: str = SCRIPT) -> int:
    """Run one command; its exit status (the installed script calls this with no arguments)."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except WriteError as exc:
        # A full disk or a read-only folder is the machine's state, not a bug: one line that
        # says what and where. The importer records what it wrote as it goes, so running
        # again after freeing space finishes the job.
        print(f"error: {exc}", file=sys.stderr)
        return 2
