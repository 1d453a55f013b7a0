"""Sphinx extension of the LWKD Archive: wiring only; each concern lives in its own module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lwkd_archive import archive_pages, blog, config, feeds, templating, timeline

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, object]:
    config.register(app)
    # Templates of the generated pages, without touching templates_path.
    templating.setup(app)
    # ablog reads the posts; the archive replaces its page and feed generators.
    blog.setup(app)
    # Previous/next links, and rewriting the pages a new issue changes.
    timeline.setup(app)
    # The archive by year, regenerated only when its issues change.
    archive_pages.setup(app)
    # Atom feeds for the archive, each KEP and each SIG, written only when changed.
    feeds.setup(app)
    return {
        "version": __version__,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
