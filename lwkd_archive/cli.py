"""Command line: ``python -m lwkd_archive COMMAND``; each command lives in its own module."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from lwkd_archive.files import WriteError

#: Modules that each provide ``add_parser(subparsers)`` and ``run(args) -> int``.
COMMANDS: tuple[str, ...] = (
    "lwkd_archive.importer.command",
    "lwkd_archive.editor.new",
    "lwkd_archive.editor.check",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lwkd_archive",
        description="Import, write and check issues of the LWKD Archive.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(name)
        sub = module.add_parser(subparsers)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except WriteError as exc:
        # A full disk or a read-only folder is the machine's state, not a bug: one line that
        # says what and where. The importer records what it wrote as it goes, so running
        # again after freeing space finishes the job.
        print(f"error: {exc}", file=sys.stderr)
        return 2
