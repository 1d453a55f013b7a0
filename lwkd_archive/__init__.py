"""The LWKD Archive: a Sphinx extension, the importer of LWKD's posts, and editors' tools.

``lwkd_archive`` is the extension's name in ``conf.py``; its wiring lives in
``extension.py`` and is imported only by Sphinx, so the importer and the command
line start without loading Sphinx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict[str, object]:
    from lwkd_archive.extension import setup as setup_extension

    return setup_extension(app)
