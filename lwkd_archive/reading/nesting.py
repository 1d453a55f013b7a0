"""Markdown nested deeper than MyST reads: markdown-it drops it without a word, so the build says so.

MyST's markdown-it (the ``commonmark`` preset) stops reading blocks at nesting
level 20, about nine levels of lists or block quotes, and from there drops the
rest of the page, headings included. A post can lose its end that way, by
mistake or on purpose; the build reports the first line not shown.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from lwkd_archive.warnings import WARNING_TYPE, logger

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: markdown-it's ``maxNesting`` in MyST's preset: a block at this level is not read.
MYST_MAX_NESTING = 20
#: A line can be that deep only after this much indentation or this many list and
#: quote markers; pages without one (nearly all) are not parsed a second time.
MAY_BE_DEEP_RE = re.compile(
    r"^(?:[ \t>]{18,}|(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])(?=[ \t]|$)){9,})", re.MULTILINE
)
MARKDOWN_SUFFIXES = (".md", ".markdown")


def first_dropped_line(text: str) -> int | None:
    """The first line (1-based) of ``text`` that MyST would not show, or None."""
    if not MAY_BE_DEEP_RE.search(text):
        return None
    parser = MarkdownIt("commonmark", {"maxNesting": 10 * MYST_MAX_NESTING})
    for token in parser.parse(text):
        if token.level >= MYST_MAX_NESTING and token.map:
            return token.map[0] + 1
    return None


def report_deep_nesting(app: Sphinx, docname: str, source: list[str]) -> None:
    if not str(app.env.doc2path(docname)).endswith(MARKDOWN_SUFFIXES):
        return
    line = first_dropped_line(source[0])
    if line is not None:
        logger.warning(
            "nested deeper than MyST reads (about nine levels of lists or block quotes): "
            "nothing from here to the end of the page is shown; flatten the nesting",
            type=WARNING_TYPE,
            subtype="nesting",
            location=(docname, line),
        )
