"""Sphinx extension of the LWKD Archive: wiring only; each concern lives in its own module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lwkd_archive import config

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, object]:
    config.register(app)
    return {
        "version": __version__,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
