"""Turning KEP, SIG and pull-request references in imported text into explicit roles.

The rules (each form and each trap is tested in tests/test_references.py):

* ``enhancements/issues/N``, ``features/issues/N`` (the repository's name until 2018),
  ``kep.k8s.io/N``, ``kubernetes.dev/resources/keps/N`` and ``keps/<sig>/NNNN-slug``
  folders name KEP N.
* A pull request's number is never a KEP's (a KEP's number is its issue's, and issues
  and pull requests share numbers): ``enhancements#N`` and ``enhancements/pull/N`` link
  a KEP only when its number is written in the link's text (``enhancements#3137:
  KEP-3136: title`` becomes two roles with the same text) or right after the link;
  otherwise the link stays a pull-request link, reported. Pull requests of other
  repositories titled with their KEP (``#116054: KEP-3488: title``) are split alike.
* Before 2020, KEPs had an old sequential numbering (``KEP 34``, ``keps/0009-x.md``)
  and date-named files (``keps/sig-node/20190212-x.md``), unrelated to today's numbers:
  such references stay as written, unless the KEP facts know a KEP folder of that name.
* Groups are recognised only by a name or alias from data/groups.yaml next to ``SIG``,
  ``WG``, ``Working Group``, ``UG`` or ``Committee``, never inside URLs, link targets,
  longer identifiers (``sig-release-master-blocking``) or plurals (``SIGs``); a link
  becomes a group's role only when it leads to that group's folder and names it.
* Code, HTML, URLs, front matter and roles already written are never touched; a link
  is converted only into a role that links to what the link led to, with the text the
  writer wrote, and only when that text can be a role's text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields
from functools import cache

from lwkd_archive.facts.groups import KIND_WORDS, Group, GroupTable, load_groups
from lwkd_archive.facts.keps import KepFacts
from lwkd_archive.facts.targets import KEP_TEXT_RE, kep_of_pull_request
from lwkd_archive.importer.convert import (
    CODE_SPAN_RE,
    FENCE_RE,
    LINK_RE,
    ROLE_SYNTAX_RE,
    SetAside,
)

#: Before this year a small or zero-padded KEP number is the old sequential numbering.
NEW_NUMBERING_YEAR = 2020
OLD_NUMBER_LIMIT = 100

#: Repositories of the kubernetes organisation written without it (``enhancements#3137``).
KUBERNETES_REPOS = (
    "kubernetes|enhancements|test-infra|website|community|release|sig-release|org|steering"
    "|ingress-nginx|client-go|kubectl|kubeadm|perf-tests|k8s.io"
)

PULL_RE = re.compile(
    r"^https?://github\.com/(?P<org>[\w.-]+)/(?P<repo>[\w.-]+)/pull/(?P<n>\d+)"
    r"(?P<rest>/?(?:[#?].*)?|/.+)$"
)
KEP_ISSUE_RE = re.compile(
    r"^https?://(?:github\.com/kubernetes/(?:enhancements|features)/issues/|(?:kep|features)\.k8s\.io/"
    r"|(?:www\.)?kubernetes\.dev/resources/keps/)"
    r"(?P<n>\d+)/?(?:[#?].*)?$"
)
#: ``git.k8s.io/<repo>/<path>`` is the project's short address of ``github.com/kubernetes/<repo>``.
GIT_K8S_RE = re.compile(r"^https?://git\.k8s\.io/(?P<repo>[\w.-]+)(?P<path>/.*)?$")
#: A KEP's folder (today's layout) or an old flat file, in enhancements or community.
KEP_PATH_RE = re.compile(
    r"^https?://github\.com/kubernetes/(?P<repo>enhancements|community|features)/(?:tree|blob)/"
    r"[^/]+/keps/(?:(?P<sig>[\w-]+)/)?(?P<n>\d+)-(?P<slug>[\w.-]+?)"
    r"(?P<flat>\.md)?(?P<rest>/[^#?]*)?(?:[#?].*)?$"
)
GROUP_DIR_RE = re.compile(
    r"^https?://github\.com/kubernetes/community/(?:tree|blob)/[^/]+/"
    r"(?P<slug>(?:sig|wg|committee|ug)-[\w-]+?)/?(?:README\.md)?(?:[#?].*)?$"
)
PR_TEXT_RE = re.compile(
    rf"(?<![\w/.#@-])(?P<text>(?:(?P<org>[A-Za-z0-9][\w.-]*)/(?P<repo>[\w.-]+)"
    rf"|(?P<short>{KUBERNETES_REPOS}))#(?P<n>\d+))(?![\w-])"
)
#: What CommonMark shows differently from a role (emphasis, escapes, entities, images).
MARKUP_RE = re.compile(r"[*\\]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&#?\w+;|\]\(")
#: Link text that is all emphasis (``**KEP-3136**``): the emphasis goes around the role.
EMPHASIS_RE = re.compile(r"^(?P<mark>\*\*|\*|__|_)(?P<inner>[^*_].*?)(?P=mark)$")
#: Where text is not prose: bare URLs, autolinks, inline HTML, reference links and definitions.
NOT_PROSE_RE = re.compile(
    r"<[a-z][a-z0-9+.-]*:[^<>\s]*>|https?://[^\s<>()\[\]]*(?:\([^\s()]*\)[^\s<>()\[\]]*)*"
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s+[^<>\n]*)?/?>|<!--.*?-->"
    r"|\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\[[^\[\]\n]*\]|^[ ]{0,3}\[[^\]\n]+\]:[^\n]*",
    re.IGNORECASE | re.MULTILINE | re.DOTALL,
)
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n.*?^(?:---|\.\.\.)[ \t]*$", re.MULTILINE | re.DOTALL)
#: A hint that markdown-it must find indented code or HTML blocks (rare: parsing is slower).
BLOCK_HINT_RE = re.compile(r"\n[ \t]*\n(?: {4}|\t)|^[ ]{0,3}<[A-Za-z!?/]", re.MULTILINE)
PR_HINT_RE = re.compile(r"\w#\d")


@dataclass(frozen=True)
class ReferenceNote:
    """A reference left as written (or written differently), and why."""

    line: int
    message: str
    #: ``unresolved``, ``old-kep-number``, ``ambiguous``, ``inside-link``, ``unknown-kep``,
    #: ``unknown-group``.
    kind: str


def _role(name: str, text: str, target: str) -> str:
    return f"{{{name}}}`{text} <{target}>`"


def role_text_ok(text: str) -> bool:
    """Whether a role can show ``text`` exactly as the Markdown did.

    A role's text is shown literally: it cannot hold backticks, angle brackets (they
    would be read as the target), masked code, line breaks, or Markdown markup.
    """
    return (
        bool(text)
        and text.strip() == text
        and not re.search(r"[`<>\ue000\ue001\n]", text)
        and not MARKUP_RE.search(text)
    )


def _fold(text: str) -> str:
    return re.sub(r"[\s_-]+", "-", text.strip().lower())


def _prose_spellings(group: Group) -> set[str]:
    """The ways prose names ``group``: always with its kind word (``SIG``, ``Committee``...)."""
    kind, _, rest = group.slug.partition("-")
    words = KIND_WORDS[kind]
    bare = {rest}
    for name in (group.name, *group.aliases):
        folded = _fold(name)
        for word in words:
            w = _fold(word)
            if folded.startswith(w + "-"):
                folded = folded[len(w) + 1 :]
            elif folded.endswith("-" + w):
                folded = folded[: -len(w) - 1]
        bare.add(folded)
    spellings = set()
    for name in bare:
        for word in words:
            w = _fold(word)
            spellings.add(f"{name}-{w}")
            if kind != "committee":
                spellings.add(f"{w}-{name}")
    return spellings


@cache
def _group_spellings(groups: GroupTable) -> dict[str, Group]:
    """Every way prose names a group (folded), and the group it means after renames."""
    spellings: dict[str, Group] = {}
    for group in groups:
        resolved = groups.resolve(group.slug) or group
        for spelling in _prose_spellings(group):
            spellings.setdefault(spelling, resolved)
    return spellings


#: A word that says a group is named next to it: before (``SIG Node``) or after (``Node SIG``).
KIND_WORD_RE = re.compile(
    r"(?<![\w/.@-])(?P<hash>#)?(?P<kind>sig|wg|ug|working[-\s]group|user[-\s]group|committee)"
    r"(?![\w/])",
    re.IGNORECASE,
)
#: Up to four words after a kind word, or before it (the longest known name wins). Five
#: are matched after it, so the fourth word's end is known, and no more: an unbounded run
#: would scan the rest of the line for every kind word, quadratic in a line of many groups.
WORDS_AFTER_RE = re.compile(r"(?:[-\s][A-Za-z0-9]+){1,5}")
WORDS_BEFORE_RE = re.compile(r"(?<![\w/.#@-])(?:[A-Za-z0-9]+[-\s]){1,4}$")
#: What may not follow a group's name: more of an identifier, or "repo" (the sig-release repo).
NOT_AFTER_NAME_RE = re.compile(r"[\w/]|-\w|\s+repo(?:sitory)?\b|\s+(?:github\s+)?org\b", re.I)


@dataclass(frozen=True)
class GroupMention:
    """A group named in a line: where, the text as written, and the group."""

    start: int
    end: int
    text: str
    group: Group


def find_group_mentions(line: str, spellings: dict[str, Group]) -> list[GroupMention]:
    """The groups ``line`` names with a kind word, leftmost first, never overlapping."""
    found: list[GroupMention] = []
    taken = 0
    for kind in KIND_WORD_RE.finditer(line):
        if kind.start() < taken:
            continue
        mention = None
        after = WORDS_AFTER_RE.match(line, kind.end())
        if after and kind["kind"][0].lower() in "swu" and " " not in kind["kind"]:
            # Cut the words after the kind word at each separator, longest first.
            cuts = [m.start() for m in re.finditer(r"[-\s]", after[0])][1:] + [len(after[0])]
            for cut in reversed(cuts[:4]):
                text = line[kind.start("kind") : kind.end() + cut]
                group = spellings.get(_fold(text))
                if group and not NOT_AFTER_NAME_RE.match(line, kind.end() + cut):
                    mention = GroupMention(kind.start("kind"), kind.end() + cut, text, group)
                    break
        if mention is None and not kind["hash"] and not NOT_AFTER_NAME_RE.match(line, kind.end()):
            before = WORDS_BEFORE_RE.search(line, max(taken, kind.start() - 60), kind.start())
            if before:
                starts = [before.start()] + [
                    before.start() + m.end() for m in re.finditer(r"[-\s]+", before[0])
                ][:-1]
                for start in starts:
                    text = line[start : kind.end()]
                    group = spellings.get(_fold(text))
                    if group:
                        mention = GroupMention(start, kind.end(), text, group)
                        break
        if mention is not None:
            found.append(mention)
            taken = mention.end
    return found


#: ``SIG-Observability``: hyphenated like a group, but in no table (reported, not linked).
UNKNOWN_GROUP_RE = re.compile(r"(?<![\w/.#@-])#?(?:SIG|WG)-[A-Z][\w]*(?:-[A-Z][\w]*)*(?![\w/-])")


def _kep_by_old_name(keps: dict[int, KepFacts] | None, slug: str) -> int | None:
    """Today's number of an old KEP file, when exactly one KEP folder has its name."""
    if not keps:
        return None
    name = re.sub(r"^\d{8}-", "", slug)
    found = {
        n for n, facts in keps.items() if facts.path.rsplit("/", 1)[-1].partition("-")[2] == name
    }
    return found.pop() if len(found) == 1 else None


def _block_code_and_html(markdown: str) -> list[tuple[int, int]]:
    """Line ranges (0-based, end excluded) of indented code and HTML blocks."""
    if not BLOCK_HINT_RE.search(markdown):
        return []
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    return [
        tuple(token.map)
        for token in parser.parse(markdown)
        if token.type in {"code_block", "html_block"} and token.map
    ]


def add_roles(
    markdown: str,
    *,
    year: int,
    groups: GroupTable | None = None,
    keps: dict[int, KepFacts] | None = None,
) -> tuple[str, list[ReferenceNote]]:
    """Return ``markdown`` with KEP, group and pull-request references written as roles.

    ``year`` is the year of the issue (it decides the old KEP numbering); ``keps``
    (facts from kep.yaml files, optional) finds old KEP files under today's numbers.
    Each reference that could not be resolved is a :class:`ReferenceNote`.
    """
    return _RoleWriter(markdown, year, groups or load_groups(), keps).write()


def _hide_code_and_roles(markdown: str, masker: SetAside) -> str:
    """``markdown`` with front matter, code, HTML blocks and roles already written set aside."""
    markdown = FRONT_MATTER_RE.sub(masker.hide, markdown)
    blocks = _block_code_and_html(markdown)
    if blocks:
        lines = markdown.split("\n")
        for start, end in reversed(blocks):
            hidden = masker.put("\n".join(lines[start:end]))
            lines[start:end] = hidden.split("\n")
        markdown = "\n".join(lines)
    markdown = FENCE_RE.sub(masker.hide, markdown)
    return CODE_SPAN_RE.sub(masker.hide, ROLE_SYNTAX_RE.sub(masker.hide, markdown))


def _in_enhancements(ref: str) -> bool:
    """Whether pull request ``ref`` (``org/repo#N``) is one of kubernetes/enhancements."""
    return ref.startswith(("kubernetes/enhancements#", "kubernetes/features#"))


def _pull_request_and_kep_parts(text: str, kep: re.Match[str]) -> list[tuple[str, str]]:
    """A pull request's link text that names ``kep``, cut into the pieces each role shows.

    Each piece comes with the role it becomes (``pr``, ``kep``, or '' for what stays
    between them), so the text shown is what was written: "enhancements#3137: KEP-3136:
    title", "KEP-2799: title", "#111090: title (KEP 127)". No pieces when the text is the
    KEP's name alone.
    """
    head, tail = text[: kep.start()], text[kep.start() :]
    pr_text = head.rstrip(" :-–(")
    gap = head[len(pr_text) :]
    closing = ")" if "(" in gap and tail.endswith(")") else ""
    kep_text = tail[: len(tail) - len(closing)]
    title = tail[len(kep["text"]) :].lstrip(" :-–")
    if pr_text:
        return [(pr_text, "pr"), (gap, ""), (kep_text, "kep"), (closing, "")]
    if title:
        rest = tail[len(kep["text"]) :]
        return [(kep["text"], "kep"), (rest[: len(rest) - len(title)], ""), (title, "pr")]
    return []


class _RoleWriter:
    """One text's references written as roles, and a note for each left as written.

    Links are read first, each becoming a role or hidden as it is; then the prose. Each
    role written is set aside at once, so no later rule looks inside it.
    """

    def __init__(
        self, markdown: str, year: int, groups: GroupTable, keps: dict[int, KepFacts] | None
    ) -> None:
        self.year = year
        self.groups = groups
        self.keps = keps
        self.notes: list[ReferenceNote] = []
        #: Code, HTML blocks, front matter and roles already written: left alone.
        self.masker = SetAside()
        #: The text the rules read, offsets of notes are in (the set-aside parts as marks).
        self.markdown = _hide_code_and_roles(markdown, self.masker)
        self.spellings = _group_spellings(groups)
        #: The roles written so far.
        self.written = SetAside()
        #: Links kept as they are, hidden from the prose rules.
        self.links = SetAside()

    def write(self) -> tuple[str, list[ReferenceNote]]:
        """The text with its roles, and the notes in line order."""
        text = self.prose_roles(LINK_RE.sub(self.link_role_or_hidden, self.markdown))
        self.notes.sort(key=lambda n: n.line)
        return self.masker.restore(self.written.restore(self.links.restore(text))), self.notes

    def emit(self, role: str) -> str:
        """A role just written, set aside so that no later rule reads it."""
        return self.written.put(role)

    def note(self, offset: int, kind: str, message: str, within: str | None = None) -> None:
        """Note ``message`` at ``offset`` of the text (or of ``within``, the prose being read)."""
        line = (self.markdown if within is None else within).count("\n", 0, offset) + 1
        self.notes.append(ReferenceNote(line, message, kind))

    def is_old_number(self, digits: str) -> bool:
        """Whether KEP number ``digits``, in this issue, is of the old numbering (before 2020)."""
        return self.year < NEW_NUMBERING_YEAR and (
            int(digits) < OLD_NUMBER_LIMIT or digits[0] == "0"
        )

    def note_if_unknown(self, offset: int, n: int, within: str | None = None) -> None:
        """Note KEP ``n`` when the KEP facts are given and have no kep.yaml of it."""
        if self.keps and n not in self.keps:
            self.note(
                offset,
                "unknown-kep",
                f"KEP-{n} has no kep.yaml in kubernetes/enhancements",
                within,
            )

    # Prose.

    def prose_roles(self, text: str) -> str:
        """Roles for references in prose; ``text`` has its links hidden already."""
        # URLs, autolinks, HTML and reference-style links are not prose.
        hidden = SetAside()
        text = NOT_PROSE_RE.sub(hidden.hide, text)
        # Each rule runs only where its tell-tale is (most text names no KEP at all).
        if "kep" in text or "KEP" in text or "Kep" in text:
            text = KEP_TEXT_RE.sub(self.kep_in_prose, text)
        if PR_HINT_RE.search(text):
            text = PR_TEXT_RE.sub(self.pull_request_in_prose, text)
        text = self.group_roles(text)
        self.note_unknown_groups(text)
        return hidden.restore(text)

    def kep_in_prose(self, match: re.Match[str]) -> str:
        """``KEP-3136`` in prose as its role; a number of the old numbering stays as written."""
        where = match.start()
        if self.is_old_number(match["n"]):
            self.note(
                where,
                "old-kep-number",
                f"{match['text']!r} uses the old KEP numbering of {self.year}; "
                f"not linked to today's KEP-{int(match['n'])}",
                match.string,
            )
            return match[0]
        self.note_if_unknown(where, int(match["n"]), match.string)
        return self.emit(_role("kep", match["text"], str(int(match["n"]))))

    def pull_request_in_prose(self, match: re.Match[str]) -> str:
        """``org/repo#N`` or ``enhancements#N`` in prose as the pull request's role."""
        repo = (
            f"kubernetes/{match['short']}" if match["short"] else f"{match['org']}/{match['repo']}"
        )
        return self.emit(_role("pr", match["text"], f"{repo}#{match['n']}"))

    def group_roles(self, text: str) -> str:
        """``text`` with each group named beside its kind word (``SIG Node``) as its role."""
        pieces, last = [], 0
        for mention in find_group_mentions(text, self.spellings):
            pieces += [
                text[last : mention.start],
                self.emit(_role("sig", mention.text, mention.group.slug)),
            ]
            last = mention.end
        return "".join(pieces) + text[last:]

    def note_unknown_groups(self, text: str) -> None:
        """Note each ``SIG-Name`` of ``text`` that names no group of the table."""
        for unknown in UNKNOWN_GROUP_RE.finditer(text):
            self.note(
                unknown.start(),
                "unknown-group",
                f"{unknown[0]!r} names no group in lwkd_archive/data/groups.yaml; "
                "left as text (add an alias if it is one)",
                text,
            )

    # Links.

    def link_role_or_hidden(self, match: re.Match[str]) -> str:
        """A link as the role of what it leads to; else hidden from the prose rules as it is."""
        noted = len(self.notes)
        converted = self.link_role(match)
        if converted != match[0]:
            return converted
        if not match["bang"] and len(self.notes) == noted:
            # A KEP named in the text of a link to something else: the link stays whole.
            for kep in KEP_TEXT_RE.finditer(match["text"]):
                if not self.is_old_number(kep["n"]):
                    self.note(
                        match.start(),
                        "inside-link",
                        f"{kep['text']!r} is named inside the text of a link to "
                        f"{match['target']}; the link is kept, so no KEP role is written",
                    )
        return self.links.hide(match)

    def link_role(self, match: re.Match[str]) -> str:
        """The role(s) a link becomes, by where it leads; the link as written when none."""
        if match["bang"] or match["title"]:
            return match[0]
        text, target = match["text"], match["target"].strip("<>").strip()
        if short := GIT_K8S_RE.match(target):
            target = (
                f"https://github.com/kubernetes/{short['repo']}/tree/master{short['path'] or ''}"
            )
        if m := PULL_RE.match(target):
            if m["rest"].strip("/"):
                # A comment, a file or a commit of the pull request: keep that exact link.
                return match[0]
            return self.pull_request_link(match, text, f"{m['org']}/{m['repo']}#{m['n']}")
        if m := KEP_ISSUE_RE.match(target):
            return self.kep_issue_link(match, text, int(m["n"]))
        if m := KEP_PATH_RE.match(target):
            return self.kep_folder_link(match, text, target, m)
        if (m := GROUP_DIR_RE.match(target)) and (group := self.groups.resolve(m["slug"])):
            return self.group_link(match, text, group)
        return match[0]

    def role_in_link_text(self, name: str, text: str, target: str) -> str | None:
        """The role showing ``text``; spaces and emphasis around all of it stay around it."""
        core = text.strip()
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        wrapped = EMPHASIS_RE.match(core)
        mark, inner = (wrapped["mark"], wrapped["inner"]) if wrapped else ("", core)
        if not role_text_ok(inner) or "\n" in lead + trail:
            return None
        return lead + mark + self.emit(_role(name, inner, target)) + mark + trail

    def kep_link(self, match: re.Match[str], text: str, n: int) -> str:
        """A link to KEP ``n`` as its role; kept as a link, noted, when no role can show its text."""
        role = self.role_in_link_text("kep", text, str(n))
        if role is None:
            self.note(
                match.start(),
                "unresolved",
                f"link to KEP-{n} kept as a link: its text {self.masker.restore(text)!r} has code "
                "or markup that a role cannot show",
            )
            return match[0]
        self.note_if_unknown(match.start(), n)
        return role

    def kep_issue_link(self, match: re.Match[str], text: str, n: int) -> str:
        """A link to KEP ``n``'s issue as its role, unless its text names another KEP."""
        written = KEP_TEXT_RE.search(text)
        if written and int(written["n"]) != n and not self.is_old_number(written["n"]):
            self.note(
                match.start(),
                "ambiguous",
                f"link text says {written['text']!r} but the link is KEP issue {n}; left as a link",
            )
            return match[0]
        return self.kep_link(match, text, n)

    def kep_folder_link(
        self, match: re.Match[str], text: str, target: str, folder: re.Match[str]
    ) -> str:
        """A link to a KEP's folder as its role; to a file of the old numbering, only when
        the KEP facts know a KEP folder of its name."""
        old = (
            folder["flat"]
            or folder["repo"] != "enhancements"
            or not folder["sig"]
            or len(folder["n"]) == 8
            or self.is_old_number(folder["n"])
        )
        if not old:
            return self.kep_link(match, text, int(folder["n"]))
        today = _kep_by_old_name(self.keps, folder["slug"])
        if today is not None:
            return self.kep_link(match, text, today)
        self.note(
            match.start(),
            "old-kep-number",
            f"{target} is a KEP file of the old numbering (before KEPs were numbered "
            "by their issue); left as a link",
        )
        return match[0]

    def group_link(self, match: re.Match[str], text: str, group: Group) -> str:
        """A link to ``group``'s folder as its role, when its text names that group."""
        # Only a link that says which group it leads to ("SIG-Scheduling's charter"),
        # not "office hours" or "give them your feedback", becomes the group's role.
        named = {mention.group for mention in find_group_mentions(text, self.spellings)}
        if group in named:
            return self.role_in_link_text("sig", text, group.slug) or match[0]
        return match[0]

    def pull_request_link(self, match: re.Match[str], text: str, ref: str) -> str:
        """A pull request's link; a KEP too when its number is written in the text.

        In kubernetes/enhancements the pull request's number is never the KEP's (a
        KEP's number is its issue's, and issues and pull requests share numbers), so
        without a written KEP number it stays a pull request, reported.
        """
        kep = next((k for k in KEP_TEXT_RE.finditer(text) if not self.is_old_number(k["n"])), None)
        if kep is None:
            return self.pull_request_naming_no_kep(match, text, ref)
        return self.pull_request_naming_kep(match, text, ref, kep)

    def pull_request_role(
        self, match: re.Match[str], text: str, ref: str, kind: str = "", message: str = ""
    ) -> str:
        """The link as pull request ``ref``'s role (as written when no role can show its
        text); noted as ``kind`` when given."""
        if kind:
            self.note(match.start(), kind, message)
        return self.role_in_link_text("pr", text, ref) or match[0]

    def pull_request_naming_no_kep(self, match: re.Match[str], text: str, ref: str) -> str:
        """A pull request's link whose text names no KEP of today's numbering."""
        enhancements = _in_enhancements(ref)
        number = ref.rpartition("#")[2]
        if old := KEP_TEXT_RE.search(text):
            # Not a {pr} role: a role's text that names a KEP records today's KEP of
            # that number, which this one is not.
            name = "enhancements" if enhancements else ref
            self.note(
                match.start(),
                "old-kep-number",
                f"{old['text']!r} in the text of {name}#{number} uses the old KEP "
                f"numbering of {self.year}; left as a link",
            )
            return match[0]
        after = self.markdown[match.end() : match.end() + 40]
        if enhancements and not re.match(r"\W{0,4}KEP[- ]?#?\d", after, re.IGNORECASE):
            return self.pull_request_role(
                match,
                text,
                ref,
                "unresolved",
                f"enhancements#{number} is a pull request; no KEP number written beside it, "
                "left as a pull-request link",
            )
        return self.pull_request_role(match, text, ref)

    def pull_request_naming_kep(
        self, match: re.Match[str], text: str, ref: str, kep: re.Match[str]
    ) -> str:
        """A pull request's link whose text names ``kep``: a role for each of the two."""
        where = match.start()
        number = ref.rpartition("#")[2]
        n = int(kep["n"])
        if _in_enhancements(ref) and n == int(number):
            return self.pull_request_role(
                match,
                text,
                ref,
                "ambiguous",
                f"{kep['text']!r} is written for enhancements#{number}, but a KEP's number "
                "is its issue's, never a pull request's; left as a pull-request link",
            )
        parts = _pull_request_and_kep_parts(text, kep)
        if not parts or not all(role_text_ok(part) for part, kind in parts if kind):
            # "Promote [KEP-5311](pull request) to beta": the link stays the pull
            # request's, and its role, whose text names the KEP, records the mention.
            role = self.role_in_link_text("pr", text, ref)
            if (
                role is not None
                and kep_of_pull_request(text, ref.partition("#")[0], int(number)) == n
            ):
                self.note_if_unknown(where, n)
                return role
            return self.pull_request_role(
                match,
                text,
                ref,
                "inside-link",
                f"{kep['text']!r} is named inside the text of pull request {ref}, which "
                f"stays a link (its text has code or markup a role cannot show); KEP-{n} is "
                "not recorded",
            )
        self.note_if_unknown(where, n)
        targets = {"pr": ref, "kep": str(n)}
        return "".join(
            self.emit(_role(kind, part, targets[kind])) if kind else part for part, kind in parts
        )


def roles_for_year(keps: dict[int, KepFacts] | None = None) -> RoleHook:
    """The importer's hook: ``(text, year) -> (text with roles, [(line, note)])``."""
    return RoleHook(keps)


class RoleHook:
    """:func:`add_roles` as the importer calls it, with the KEP facts it resolves against.

    Its :attr:`fingerprint` tells an import whether a post's roles, written by an
    earlier import, are still what this hook would write.
    """

    def __init__(self, keps: dict[int, KepFacts] | None) -> None:
        self.keps = keps

    def __call__(self, text: str, year: int) -> tuple[str, list[tuple[int, str]]]:
        converted, notes = add_roles(text, year=year, keps=self.keps or None)
        return converted, [(n.line, n.message) for n in notes]

    @property
    def fingerprint(self) -> str:
        """A hash of the KEP facts, every field, by the numbers they are looked up by (the
        group table is the package's, which the importer's own fingerprint covers)."""
        if not self.keps:
            return hashlib.sha256(b"no KEP facts").hexdigest()
        # The repr of plain values (text, numbers, tuples, dicts) is the same only for the
        # same values; dataclasses.asdict, as keps.json is written, takes a hundred times longer.
        rows = [
            (n, *(getattr(self.keps[n], f.name) for f in fields(KepFacts)))
            for n in sorted(self.keps)
        ]
        return hashlib.sha256(repr(rows).encode("utf-8", "surrogatepass")).hexdigest()
