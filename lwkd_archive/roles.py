"""The writer's roles: ``{kep}`3136```, ``{sig}`node```, ``{pr}`kubernetes/enhancements#3137```."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import ReferenceRole

from lwkd_archive.groups import load_groups
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from docutils.nodes import Node, system_message

#: ``3136``, ``KEP-3136``, ``kep 3136``, ``#3136``.
KEP_TARGET_RE = re.compile(r"^(?:kep[-\s]?)?#?(?P<number>[1-9]\d{0,5})$", re.IGNORECASE)
#: ``106715``, ``#106715``, ``enhancements#3137``, ``kubernetes/enhancements#3137``.
PR_TARGET_RE = re.compile(
    r"^(?:(?:(?P<org>[\w.-]+)/)?(?P<repo>[\w.-]+)#|#)?(?P<number>[1-9]\d*)$", re.ASCII
)
#: A title LWKD gave a KEP beside its number: ``KEP-3136: beta apis off by default``.
KEP_TITLE_PREFIX_RE = re.compile(r"^\s*KEP[-\s]?#?\d+\s*[:.-]?\s*", re.IGNORECASE)


def parse_kep_number(target: str) -> int | None:
    match = KEP_TARGET_RE.match(target.strip())
    return int(match["number"]) if match else None


def parse_pr_target(target: str, default_repo: str) -> tuple[str, int] | None:
    """``(org/repo, number)`` of a pull-request target, or None when it is malformed."""
    match = PR_TARGET_RE.match(target.strip())
    if not match:
        return None
    org, repo = match["org"], match["repo"]
    if repo and not org:
        org = "kubernetes"
    full = f"{org}/{repo}" if repo else default_repo
    return full, int(match["number"])


def lwkd_title_for_kep(text: str) -> str:
    """The KEP's title as the writer gave it in the role's text, without the number."""
    return KEP_TITLE_PREFIX_RE.sub("", text).strip()


class KepRole(ReferenceRole):
    """``{kep}`3136``` or ``{kep}`title <3136>```: a link to the archive's page of the KEP."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        number = parse_kep_number(self.target)
        if number is None:
            warn(
                ArchiveWarning.KEP,
                f"{self.target!r} is not a KEP number: write {{kep}}`3136` "
                "or {kep}`title <3136>`",
                location=self.get_location(),
            )
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        text = self.title if self.has_explicit_title else f"KEP-{number}"
        node = addnodes.pending_xref(
            self.rawtext,
            refdomain="lwkd",
            reftype="kep",
            reftarget=str(number),
            refexplicit=self.has_explicit_title,
            lwkd_title=lwkd_title_for_kep(self.title) if self.has_explicit_title else "",
        )
        node += nodes.inline(text, text, classes=["lwkd-kep"])
        self.set_source_info(node)
        return [node], []


class SigRole(ReferenceRole):
    """``{sig}`node``` or ``{sig}`SIG-Node <node>```: a link to the archive's page of the group."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        groups = load_groups()
        group = groups.resolve(self.target)
        if group is None:
            close = difflib.get_close_matches(self.target.lower(), [g.slug for g in groups], n=3)
            hint = (
                f"did you mean {', '.join(close)}?"
                if close
                else "see lwkd_archive/data/groups.yaml"
            )
            warn(
                ArchiveWarning.SIG,
                f"{self.target!r} names no SIG, working group or committee: {hint}",
                location=self.get_location(),
            )
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        text = self.title if self.has_explicit_title else group.name
        node = addnodes.pending_xref(
            self.rawtext,
            refdomain="lwkd",
            reftype="sig",
            reftarget=group.slug,
            refexplicit=self.has_explicit_title,
        )
        node += nodes.inline(text, text, classes=["lwkd-sig"])
        self.set_source_info(node)
        return [node], []


class PullRequestRole(ReferenceRole):
    """``{pr}`106715```, ``{pr}`org/repo#N``` or ``{pr}`text <org/repo#N>```: a GitHub pull request."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        parsed = parse_pr_target(self.target, self.config.lwkd_default_pr_repo)
        if parsed is None:
            warn(
                ArchiveWarning.PR,
                f"{self.target!r} is not a pull request: write {{pr}}`106715` or "
                "{pr}`kubernetes/enhancements#3137`",
                location=self.get_location(),
            )
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        repo, number = parsed
        if self.has_explicit_title:
            text = self.title
        elif repo == self.config.lwkd_default_pr_repo:
            text = f"#{number}"
        else:
            text = f"{repo.removeprefix('kubernetes/')}#{number}"
        url = f"https://github.com/{repo}/pull/{number}"
        node = nodes.reference(self.rawtext, text, refuri=url, classes=["lwkd-pr"])
        return [node], []
