"""``python -m lwkd_archive``: the archive's command line."""

from lwkd_archive.cli import MODULE, main

raise SystemExit(main(prog=MODULE))
