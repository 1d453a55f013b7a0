"""How the archive writes a count for readers: ``1 issue``, ``2 issues``.

One helper for the pages, their charts' text, the templates (the ``plural`` filter) and
the editor tools' summary line.
"""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """``1 issue``, ``3 issues``: a count with its word, in the plural unless it is one."""
    return f"{count} {word}{'' if count == 1 else 's'}"
