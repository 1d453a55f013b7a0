"""The writer's roles: ``{kep}`3136```, ``{sig}`node```, ``{pr}`kubernetes/enhancements#3137```,
and ``{mentioned}`feature gate InPlacePodVerticalScaling <kep-1287>```, which records a mention
the text makes without a number or a link of its own, and shows nothing."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import ReferenceRole

from lwkd_archive.facts.groups import load_groups
from lwkd_archive.facts.targets import (
    kep_of_pull_request,
    lwkd_title_for_kep,
    parse_kep_number,
    parse_pr_target,
)
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from docutils.nodes import Node, system_message


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
            lwkd_title=lwkd_title_for_kep(self.title, number) if self.has_explicit_title else "",
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
                else "see kubernetes/community's sigs.yaml, or lwkd_archive/facts/data/groups.yaml"
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


#: ``kep-1287``, ``KEP-1287`` or ``1287``: the KEP a ``{mentioned}`` role records.
MENTIONED_KEP_RE = re.compile(r"^(?:kep[-\s]?)?#?(?P<n>[1-9]\d{0,5})$", re.IGNORECASE)
#: How a mention was found, as the importer writes it (a writer may say anything short).
HOW_LIMIT = 120


class MentionedRole(ReferenceRole):
    """``{mentioned}`how <kep-1287>``` or ``{mentioned}`link text <sig-release>```: a mention, shown as nothing.

    It goes right after the text that names the subject, which stays as written: a code
    span holding a KEP's feature gate, a link whose text names a group but leads
    elsewhere, a KEP's title in prose. The issue is listed on the KEP's or group's page,
    which says how it was named (``how``: ``feature gate X``, ``title``, ``link text``,
    ``list``); the sentence quoted there is the one holding the text before the role.
    """

    def run(self) -> tuple[list[Node], list[system_message]]:
        how = " ".join(self.title.split()) if self.has_explicit_title else "named"
        target = self.target.strip()
        if kep := MENTIONED_KEP_RE.match(target):
            kind, key = "kep", str(int(kep["n"]))
        elif group := load_groups().resolve(target):
            kind, key = "sig", group.slug
        else:
            warn(
                ArchiveWarning.KEP if target[:3].lower() == "kep" else ArchiveWarning.SIG,
                f"{target!r} is neither a KEP (kep-1287) nor a known group (sig-node): write "
                "{mentioned}`how <kep-1287>` or {mentioned}`how <sig-node>`",
                location=self.get_location(),
            )
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        if len(how) > HOW_LIMIT:
            how = how[: HOW_LIMIT - 1] + "…"
        node = addnodes.pending_xref(
            "",
            nodes.inline(),
            refdomain="lwkd",
            reftype=kind,
            reftarget=key,
            lwkd_silent=True,
            lwkd_how=how,
        )
        self.set_source_info(node)
        return [node], []


class PullRequestRole(ReferenceRole):
    """``{pr}`106715```, ``{pr}`org/repo#N``` or ``{pr}`text <org/repo#N>```: a GitHub pull request.

    A pull request whose text names a KEP (``{pr}`KEP-5311 <kubernetes/kubernetes#134493>```,
    as in "Promote KEP-5311 to beta") is that KEP's: the issue mentions the KEP, so the
    KEP's page lists it and the issue is tagged with it; the page shows only the link.
    """

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
        kep = kep_of_pull_request(text, repo, number)
        if kep is None:
            return [node], []
        mention = addnodes.pending_xref(
            "",
            nodes.inline(),
            refdomain="lwkd",
            reftype="kep",
            reftarget=str(kep),
            lwkd_silent=True,
            lwkd_how="pull request",
        )
        self.set_source_info(mention)
        return [node, mention], []
