"""The archive's warning subtypes: each is ``lwkd.<subtype>`` for ``suppress_warnings``."""

from __future__ import annotations

from enum import Enum

from sphinx.util import logging

WARNING_TYPE = "lwkd"


class ArchiveWarning(Enum):
    """Why the extension warned; the value is the subtype after ``lwkd.``."""

    KEP = "kep"
    """A ``{kep}`` target that is not a KEP number."""

    SIG = "sig"
    """A ``{sig}`` target that names no known group (see data/groups.yaml)."""

    PR = "pr"
    """A ``{pr}`` target that is neither ``N`` nor ``org/repo#N``."""

    FACTS = "facts"
    """KEP facts that could not be read."""

    SEARCH = "search"
    """The search index could not be built."""

    REDIRECT = "redirect"
    """Two issues claim the same old lwkd.info address."""

    ISSUE = "issue"
    """A page that is half an issue: a post without its week, or a week without a post;
    or two issues of the same week."""


logger = logging.getLogger("lwkd_archive")


def warn(kind: ArchiveWarning, message: str, location: object = None) -> None:
    """Log a warning that ``-W`` turns into an error and ``suppress_warnings`` can silence."""
    logger.warning(message, type=WARNING_TYPE, subtype=kind.value, location=location)
