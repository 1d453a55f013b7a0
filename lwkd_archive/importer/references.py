"""Turning KEP, SIG and pull-request references in imported text into explicit roles.

The rules (each form and each trap is tested in tests/test_references.py):

* ``enhancements/issues/N``, ``features/issues/N`` (the repository's name until 2018),
  ``kep.k8s.io/N``, ``kubernetes.dev/resources/keps/N`` and ``keps/<sig>/NNNN-slug``
  folders name KEP N. A KEP folder in another organisation's repository (an author's
  fork, a draft under review) stays a link, with KEP N mentioned after it. An
  enhancements issue that has no kep.yaml and whose link text names a group
  (``[Checkpoint/Restore Working Group](.../issues/5091)``) is no KEP: kept, noted.
* A pull request's number is never a KEP's (a KEP's number is its issue's, and issues
  and pull requests share numbers): ``enhancements#N`` and ``enhancements/pull/N`` link
  a KEP only when its number is written in the link's text (``enhancements#3137:
  KEP-3136: title`` becomes two roles with the same text) or right after the link;
  otherwise the link stays a pull-request link, reported. Pull requests of other
  repositories titled with their KEP (``#116054: KEP-3488: title``) are split alike.
* Before 2020, KEPs had an old sequential numbering (``KEP 34``, ``keps/0009-x.md``)
  and date-named files (``keps/sig-node/20190212-x.md``), unrelated to today's numbers:
  such references stay as written, unless the KEPs' other names (a KEP folder of that
  name, or the table of renamed files) give today's KEP.
* Groups are recognised by a name or alias from data/groups.yaml next to ``SIG``,
  ``WG``, ``Working Group``, ``UG`` or ``Committee``, never inside URLs, link targets or
  longer identifiers (``sig-release-master-blocking``); and by their bare names in a
  list of two or more that a plural opens or closes (``SIGs Apps, Node and Storage``,
  ``the Network and Cluster Lifecycle SIGs``), only when every item is a group's name
  of that kind. A link becomes a group's role only when it leads to that group's folder
  and names it, with its kind word or by its bare name (``[Storage](.../sig-storage)``).
* What a link's text names and the link (or the role it became) does not record, a
  group, a KEP number (``[KEP-5207: `metrics.k8s.io` ...](pull request)``), a feature
  gate or a KEP's title, is recorded by a ``{mentioned}`` role right after the link,
  which shows nothing: the link stays exactly as written.
* With the KEP facts, a feature gate that one KEP alone lists, in a code span
  (`` `InPlacePodVerticalScaling` ``, ``=true``) or in prose, and a KEP's distinctive
  title in prose are mentioned right after them (``{mentioned}`feature gate X <kep-N>```,
  ``{mentioned}`title <kep-N>```); a KEP number written beside another KEP's title is
  kept as written and noted (``wrong-number``).
* Code, HTML, URLs, front matter and roles already written are never touched (a code
  span is read for its gate, never changed); a link is converted only into a role that
  links to what the link led to, with the text the writer wrote, and only when that
  text can be a role's text. Converting converted text changes nothing.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Protocol

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

#: The table of renamed old KEP files that the KEPs' other names read (in lwkd_archive.facts).
OLD_KEPS_TABLE = "data/old-keps.yaml"

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
    r"^https?://github\.com/(?P<org>[\w.-]+)/(?P<repo>[\w.-]+)/(?:tree|blob)/"
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
#: Where a sentence ends, to give what is written with a KEP's number.
SENTENCE_END_RE = re.compile(r"(?<=[.!?;])\s+(?=[^a-z\s])")
#: A role set aside right before a title (``KEP-4802: Graceful Node Shutdown``).
ROLE_BEFORE_RE = re.compile(r"\ue000([0-9a-f]+)\.(\d+)\ue001[\s:(–-]*$")
#: A code span that may be a feature gate: `` `InPlacePodVerticalScaling` ``, ``=true`` or not.
GATE_CODE_RE = re.compile(r"^`(?P<gate>[A-Z][A-Za-z0-9]+)(?:=(?:true|false))?`$")
#: Text of a link to an enhancements issue that says the issue is a group's, not a KEP.
GROUP_WORD_RE = re.compile(
    r"\b(?:working[-\s]group|user[-\s]group|committee|subproject|WG|SIG|UG)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class ReferenceNote:
    """A reference left as written (or written differently), and why."""

    line: int
    message: str
    #: ``unresolved``, ``old-kep-number``, ``ambiguous``, ``unknown-kep``, ``unknown-group``,
    #: ``wrong-number`` (a KEP's number written beside another KEP's title).
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
    return re.sub(r"[\s_/-]+", "-", text.strip().lower())


def _bare_names(group: Group) -> set[str]:
    """``group``'s names and aliases without their kind word, folded (``cluster-lifecycle``)."""
    kind, _, rest = group.slug.partition("-")
    bare = {rest}
    for name in (group.name, *group.aliases):
        folded = _fold(name)
        for word in KIND_WORDS[kind]:
            w = _fold(word)
            if folded.startswith(w + "-"):
                folded = folded[len(w) + 1 :]
            elif folded.endswith("-" + w):
                folded = folded[: -len(w) - 1]
        bare.add(folded)
    return bare


def _prose_spellings(group: Group) -> set[str]:
    """The ways prose names ``group``: always with its kind word (``SIG``, ``Committee``...)."""
    kind = group.kind
    words = KIND_WORDS[kind]
    spellings = set()
    for name in _bare_names(group):
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


@cache
def _groups_by_bare_name(groups: GroupTable) -> dict[str, dict[str, Group]]:
    """Each group's name without its kind word (folded), by kind: ``{"node": {"sig": ...}}``.

    A list of groups (``SIGs Apps, Node and Storage``) and a link to a group's folder
    (``[Storage](.../sig-storage)``) name groups this way.
    """
    names: dict[str, dict[str, Group]] = {}
    for group in groups:
        resolved = groups.resolve(group.slug) or group
        for name in _bare_names(group):
            names.setdefault(name, {}).setdefault(group.kind, resolved)
    return names


#: A word that says a group is named next to it: before (``SIG Node``) or after (``Node SIG``).
KIND_WORD_RE = re.compile(
    r"(?<![\w/.@-])(?P<hash>#)?(?P<kind>sig|wg|ug|working[-\s]group|user[-\s]group|committee)"
    r"(?![\w/])",
    re.IGNORECASE,
)
#: What a text that names a group beside its kind word must hold (a quicker test first).
KIND_HINT_RE = re.compile(r"[Ss][Ii][Gg]|[Ww][Gg]|[Uu][Gg]|[Gg]roup|[Cc]ommittee")
#: Up to four words after a kind word, or before it (the longest known name wins). Five
#: are matched after it, so the fourth word's end is known, and no more: an unbounded run
#: would scan the rest of the line for every kind word, quadratic in a line of many groups.
WORDS_AFTER_RE = re.compile(r"(?:[-\s][A-Za-z0-9]+){1,5}")
WORDS_BEFORE_RE = re.compile(r"(?<![\w/.#@-])(?:[A-Za-z0-9]+[-\s/]){1,4}$")
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
        # A name after its kind word: "SIG Node", "WG-Batch", "Working Group Batch";
        # never after "committee" ("the Steering Committee" is not followed by its name).
        if after and kind["kind"][0].lower() in "swu":
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
                    before.start() + m.end() for m in re.finditer(r"[-\s/]+", before[0])
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


#: The plural that introduces or closes a list of groups, and the kinds its items may be.
LIST_PLURALS = {"sigs": ("sig",), "wgs": ("wg",), "working groups": ("wg",)}
#: The plurals, found by their letters alone (the patterns check what is around them):
#: a pattern that starts with a look-behind is read at every character, five times slower.
PLURAL_RE = re.compile(r"SIGs|WGs|Working Groups")
#: The word right before a plural that may close a list.
LAST_WORD_RE = re.compile(r"([A-Za-z0-9]+)[ \t]+$")
#: How far before its plural a list may start (a dozen groups' names).
LIST_REACH = 240
#: What separates the items of a list: ``Apps, Node, and Storage``, ``Network & Node``.
LIST_SEPARATOR = r"(?:,[ \t]*(?:(?:and|&|or)[ \t]+)?|[ \t]+(?:and|&|or)[ \t]+)"


@dataclass(frozen=True)
class GroupLists:
    """Lists of groups named by their bare names, and their plural (``SIGs``): two patterns."""

    after: re.Pattern[str]
    before: re.Pattern[str]
    item: re.Pattern[str]
    names: dict[str, dict[str, Group]]
    #: The last word of every name (folded): what must come right before a closing plural.
    last_words: frozenset[str]


@cache
def _group_lists(groups: GroupTable) -> GroupLists:
    """The patterns of ``SIGs Apps, Node and Storage`` and ``the Network and Node SIGs``."""
    names = _groups_by_bare_name(groups)
    spelled = sorted(
        (r"[-\s]".join(map(re.escape, name.split("-"))) for name in names), key=len, reverse=True
    )
    # Each item starts with a capital (a name, not a word of the sentence) and ends a word.
    item = rf"(?=[A-Z0-9])(?i:{'|'.join(spelled)})(?![\w-])"
    items = rf"(?P<items>{item}(?:{LIST_SEPARATOR}{item})+)"
    plural = r"(?P<plural>SIGs|WGs|Working Groups)"
    after = re.compile(
        rf"(?<![\w-]){plural}(?P<also>(?:[ \t]+and[ \t]+|[ \t]*[,/&][ \t]*)WGs)?(?::[ \t]*|[ \t]+)"
        rf"{items}(?![\w-]|\s+[A-Z])"
    )
    before = re.compile(rf"(?<![\w-]){items}[ \t]+{plural}")
    last_words = frozenset(name.rsplit("-", 1)[-1] for name in names)
    return GroupLists(after, before, re.compile(item), names, last_words)


def find_group_lists(line: str, lists: GroupLists) -> list[GroupMention]:
    """Groups named in lists by their bare names (``SIGs Windows, Auth, and Multicluster``).

    Only a list of two or more items, every one a known group's name of the kind the
    plural says (``SIGs`` or ``WGs``), counts: "All Cloud Provider SIGs" is not SIG Cloud
    Provider, and "SIGs Docs and Release Team" names no list.
    """
    found: list[GroupMention] = []
    taken = 0
    candidates = []
    for plural in PLURAL_RE.finditer(line):
        if after := lists.after.match(line, plural.start()):
            candidates.append(after)
        # The items before a plural are on its line, a few words back: search only there,
        # and only when the word before the plural can end a group's name.
        word = LAST_WORD_RE.search(line, max(0, plural.start() - 40), plural.start())
        if word and word[1].lower() in lists.last_words:
            start = max(line.rfind("\n", 0, plural.start()) + 1, plural.start() - LIST_REACH)
            before = lists.before.search(line, start, plural.end())
            if before and before.end() == plural.end():
                candidates.append(before)
    for match in sorted(candidates, key=lambda m: m.start()):
        if match.start() < taken:
            continue
        kinds = LIST_PLURALS[match["plural"].lower()] + (
            ("wg",) if match.groupdict().get("also") else ()
        )
        mentions = []
        for item in lists.item.finditer(line, match.start("items"), match.end("items")):
            by_kind = lists.names.get(_fold(item[0]), {})
            group = next((by_kind[kind] for kind in kinds if kind in by_kind), None)
            if group is None or not role_text_ok(item[0]):
                mentions = []
                break
            mentions.append(GroupMention(item.start(), item.end(), item[0], group))
        if mentions:
            found += mentions
            taken = match.end()
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


class KepNameIndex(Protocol):
    """What the role writer asks of the KEPs' other names (feature gates, titles, old files).

    :class:`lwkd_archive.importer.kep_names.KepNames` is one, built from the KEP facts.
    """

    def gate(self, name: str) -> int | None: ...
    def gates_in(self, text: str) -> list[tuple[int, int, str, int]]: ...
    def titles_in(self, text: str) -> list[tuple[int, int, int]]: ...
    def old_file(self, name: str) -> int | None: ...
    def wrong_number(self, n: int, nearby: str) -> int | None: ...


@dataclass
class _NamesOfFacts:
    """The name index last built, and the KEP facts it was built from (the same object)."""

    keps: object = None
    names: KepNameIndex | None = None


_LAST_NAMES = _NamesOfFacts()


def kep_names_for(keps: dict[int, KepFacts] | None) -> KepNameIndex | None:
    """The feature gates, titles and old file names of ``keps``, built once per facts dict.

    None without KEP facts, or when the index of names is not installed.
    """
    if not keps:
        return None
    if _LAST_NAMES.keps is not keps:
        try:
            from lwkd_archive.importer.kep_names import KepNames
        except ImportError:
            return None
        _LAST_NAMES.keps, _LAST_NAMES.names = keps, KepNames.from_facts(keps)
    return _LAST_NAMES.names


def add_roles(
    markdown: str,
    *,
    year: int,
    groups: GroupTable | None = None,
    keps: dict[int, KepFacts] | None = None,
    names: KepNameIndex | None = None,
) -> tuple[str, list[ReferenceNote]]:
    """Return ``markdown`` with KEP, group and pull-request references written as roles.

    ``year`` is the year of the issue (it decides the old KEP numbering); ``keps``
    (facts from kep.yaml files, optional) finds old KEP files under today's numbers;
    ``names`` (built from ``keps`` when not given) finds KEPs by feature gate and title.
    Each reference that could not be resolved is a :class:`ReferenceNote`.
    """
    if names is None:
        names = kep_names_for(keps)
    return _RoleWriter(markdown, year, groups or load_groups(), keps, names).write()


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


@dataclass
class _WaitingLink:
    """A link read, whose mentions are written once the gates and titles of every link's
    text are known: where it is, its text, what it names, what its role records."""

    offset: int
    text: str
    found: dict[str, str]
    recorded: set[str]
    #: Whether the text names a KEP by its number: a title in it is that KEP's (or a
    #: number written wrong), no mention of another.
    numbered: bool
    #: Where its mentions go: the index of their place in the writer's ``after_links``.
    place: int = 0


class _RoleWriter:
    """One text's references written as roles, and a note for each left as written.

    Links are read first, each becoming a role or hidden as it is; then the prose. Each
    role written is set aside at once, so no later rule looks inside it.
    """

    def __init__(
        self,
        markdown: str,
        year: int,
        groups: GroupTable,
        keps: dict[int, KepFacts] | None,
        names: KepNameIndex | None = None,
    ) -> None:
        self.year = year
        self.groups = groups
        self.keps = keps
        self.names = names
        self.notes: list[ReferenceNote] = []
        #: Code, HTML blocks, front matter and roles already written: left alone.
        self.masker = SetAside()
        #: The text the rules read, offsets of notes are in (the set-aside parts as marks).
        self.markdown = _hide_code_and_roles(markdown, self.masker)
        self.spellings = _group_spellings(groups)
        self.lists = _group_lists(groups)
        self.bare_names = _groups_by_bare_name(groups)
        #: What the role a link just became records (``kep-3136``, ``sig-node``): its text
        #: needs no mention of them.
        self.recorded: set[str] = set()
        #: Whether the text of the link just read may name a KEP (not when its number is a slip).
        self.kep_in_text_ok = True
        #: The KEP a link to a KEP folder outside kubernetes (a fork's draft) leads to.
        self.fork_kep: int | None = None
        self._lines: list[str] | None = None
        #: The links whose mentions wait for the search of the gates and titles of all
        #: links' texts, and the places of those mentions (filled after the links).
        self.waiting: list[_WaitingLink] = []
        self.after_links = SetAside()
        #: The roles written so far.
        self.written = SetAside()
        #: Links kept as they are, hidden from the prose rules.
        self.links = SetAside()

    def write(self) -> tuple[str, list[ReferenceNote]]:
        """The text with its roles, and the notes in line order."""
        text = LINK_RE.sub(self.link_role_or_hidden, self.markdown)
        if self.waiting:
            self.kep_names_in_link_texts()
        text = self.prose_roles(text)
        self.notes.sort(key=lambda n: n.line)
        text = self.written.restore(self.links.restore(self.after_links.restore(text)))
        return self.masker.restore(text), self.notes

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
        if self.names is not None:
            text = self.kep_name_mentions(text)
        return hidden.restore(text)

    def kep_names_in(self, text: str) -> list[tuple[int, int, str, int]]:
        """``(start, end, how, kep)`` of each feature gate (a code span that is one, or in
        prose) and KEP title of ``text``, in which code is set aside."""
        assert self.names is not None
        found: list[tuple[int, int, str, int]] = []
        if "\ue000" in text:
            for mark in SetAside.MARK_RE.finditer(text):
                if mark[1] == self.masker.tag:
                    gate = self.gate_of_code(self.masker.saved[int(mark[2])])
                    if gate is not None:
                        # Not mark.end(): the mark's pattern takes the line breaks after it.
                        end = mark.start(3)
                        found.append((mark.start(), end, f"feature gate {gate[0]}", gate[1]))
        for start, end, gate_name, kep in self.names.gates_in(text):
            found.append((start, end, f"feature gate {gate_name}", kep))
        for start, end, kep in self.names.titles_in(text):
            found.append((start, end, "title", kep))
        return sorted(set(found))

    def kep_name_mentions(self, text: str) -> str:
        """``text`` (prose) with a mention after each feature gate and KEP title in it.

        Links, roles, URLs and code are marks in prose, so nothing is found inside a
        link's text or address or a role; a code span's content is read, never changed.
        """
        pieces, last = [], 0
        for start, end, how, kep in self.kep_names_in(text):
            if end < last or self.mentioned_follows(text, end):
                continue  # inside the name before it, or written by an earlier import
            if how == "title" and self.kep_role_before(text, start):
                continue  # "KEP-4802: Graceful Node Shutdown for Windows": that KEP's title
            pieces += [text[last:end], self.emit(_role("mentioned", how, f"kep-{kep}"))]
            last = end
        return "".join(pieces) + text[last:]

    def kep_role_before(self, text: str, offset: int) -> bool:
        """Whether a KEP's role (``KEP-4802``) is written right before ``offset``."""
        before = ROLE_BEFORE_RE.search(text, max(0, offset - 40), offset)
        if before is None:
            return False
        # Written now, or by an earlier import (then set aside with the code).
        aside = {self.written.tag: self.written, self.masker.tag: self.masker}.get(before[1])
        return aside is not None and aside.saved[int(before[2])].startswith("{kep}`")

    def gate_of_code(self, code: str) -> tuple[str, int] | None:
        """The feature gate a code span is, and its KEP: `` `Gate` `` or `` `Gate=true` ``."""
        match = GATE_CODE_RE.match(code)
        if match is None or self.names is None:
            return None
        kep = self.names.gate(match["gate"])
        return None if kep is None else (match["gate"], kep)

    def mentioned_follows(self, text: str, offset: int) -> bool:
        """Whether a mention written earlier (a role set aside) follows ``offset``."""
        if not text.startswith("\ue000", offset):
            return False
        mark = SetAside.MARK_RE.match(text, offset)
        return bool(
            mark
            and mark[1] == self.masker.tag
            and self.masker.saved[int(mark[2])].startswith("{mentioned}`")
        )

    def sentence_of(self, line: int, written: str) -> str:
        """The sentence of line ``line`` (1-based) that holds ``written``, code as written."""
        if self._lines is None:
            self._lines = self.markdown.split("\n")
        text = self.masker.restore(self._lines[line - 1]) if line <= len(self._lines) else ""
        return next((s for s in SENTENCE_END_RE.split(text) if written in s), text)

    def check_number(
        self, n: int, written: str, offset: int, within: str | None = None, nearby: str = ""
    ) -> None:
        """Note ``written`` (KEP-``n``) when the text with it (``nearby``: a link's text; by
        default its sentence) gives the title of another KEP."""
        if self.names is None:
            return
        line = (self.markdown if within is None else within).count("\n", 0, offset) + 1
        nearby = nearby or self.sentence_of(line, written)
        other = self.names.wrong_number(n, nearby)
        if other is None or other == n:
            return
        facts = self.keps or {}
        title = next(
            (nearby[start:end] for start, end, kep in self.names.titles_in(nearby) if kep == other),
            None,
        )
        if title is not None:
            beside = f"{title!r}, the title of KEP-{other}"
        else:
            # Its gate, or most of its title's words: name the KEP by its kep.yaml title.
            named = f", {facts[other].title!r}" if other in facts else ""
            beside = f"a name of KEP-{other}{named}"
        own = f"KEP-{n} is {facts[n].title!r}" if n in facts else f"KEP-{n} has no kep.yaml"
        self.notes.append(
            ReferenceNote(
                line,
                f"KEP-{n} is written beside {beside} ({own}); kept as written: check the number",
                "wrong-number",
            )
        )

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
        self.check_number(int(match["n"]), match["text"], where, match.string)
        return self.emit(_role("kep", match["text"], str(int(match["n"]))))

    def pull_request_in_prose(self, match: re.Match[str]) -> str:
        """``org/repo#N`` or ``enhancements#N`` in prose as the pull request's role."""
        repo = (
            f"kubernetes/{match['short']}" if match["short"] else f"{match['org']}/{match['repo']}"
        )
        return self.emit(_role("pr", match["text"], f"{repo}#{match['n']}"))

    def group_roles(self, text: str) -> str:
        """``text`` with each group named beside its kind word (``SIG Node``) or in a list
        (``SIGs Apps, Node and Storage``) as its role."""
        return self.group_mention_roles(
            self.group_mention_roles(text, find_group_lists(text, self.lists)),
            None,
        )

    def group_mention_roles(self, text: str, mentions: list[GroupMention] | None) -> str:
        """``text`` with each of ``mentions`` (those beside a kind word when None) as its role."""
        if mentions is None:
            mentions = find_group_mentions(text, self.spellings)
        pieces, last = [], 0
        for mention in mentions:
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
                f"{unknown[0]!r} names no group of kubernetes/community's list or lwkd_archive/facts/data/groups.yaml; "
                "left as text (add an alias if it is one)",
                text,
            )

    # Links.

    def link_role_or_hidden(self, match: re.Match[str]) -> str:
        """A link as the role of what it leads to; else hidden from the prose rules as it is.

        Either way, what its text names and the role does not record (a group, a KEP, a
        feature gate, the KEP of a fork's draft) is mentioned right after it.
        """
        self.recorded, self.kep_in_text_ok, self.fork_kep = set(), True, None
        converted = self.link_role(match)
        if match["bang"]:
            return self.links.hide(match)  # an image is never a role
        mentions = self.link_text_mentions(match)
        if converted != match[0]:
            return converted + mentions
        return self.links.hide(match) + mentions

    def link_text_mentions(self, match: re.Match[str]) -> str:
        """Mentions of what a link's text names that the role it became does not record."""
        text = match["text"]
        found: dict[str, str] = {}
        if self.fork_kep is not None:
            found[f"kep-{self.fork_kep}"] = "link text"
        if KIND_HINT_RE.search(text):
            for mention in find_group_mentions(text, self.spellings):
                found.setdefault(mention.group.slug, "link text")
        names_kep = "kep" in text.lower()
        if names_kep:
            for kep in KEP_TEXT_RE.finditer(text):
                if self.is_old_number(kep["n"]):
                    continue
                self.check_number(
                    int(kep["n"]), kep["text"], match.start(), nearby=self.masker.restore(text)
                )
                if self.kep_in_text_ok:
                    found.setdefault(f"kep-{int(kep['n'])}", "link text")
        if self.mentioned_follows(self.markdown, match.end()):
            return ""  # written by an earlier import
        if self.names is not None:
            # The gates and titles of every link's text are found in one search, after
            # the links: this link's mentions are written then, in their place.
            numbered = any(t.startswith("kep-") for t in self.recorded) or bool(
                names_kep and KEP_TEXT_RE.search(text)
            )
            waiting = _WaitingLink(match.start(), text, found, self.recorded, numbered)
            self.waiting.append(waiting)
            waiting.place = len(self.after_links.saved)
            return self.after_links.put("")
        return self.mentions_after_link(match.start(), found, self.recorded)

    def mentions_after_link(self, offset: int, found: dict[str, str], recorded: set[str]) -> str:
        """The mentions of ``found`` (target -> how) that the link's role did not record."""
        mentions = []
        for target, how in found.items():
            if target not in recorded:
                if target.startswith("kep-"):
                    self.note_if_unknown(offset, int(target[4:]))
                mentions.append(self.emit(_role("mentioned", how, target)))
        return "".join(mentions)

    def kep_names_in_link_texts(self) -> None:
        """The gates and titles in the texts of the links, searched at once (a search per
        link costs more than the links' conversion), mentioned after each link."""
        assert self.names is not None
        texts = [waiting.text for waiting in self.waiting]
        joined = "\n\n".join(texts)
        starts = list(itertools.accumulate((len(t) + 2 for t in texts[:-1]), initial=0))
        for start, _end, how, kep in self.kep_names_in(joined):
            waiting = self.waiting[bisect.bisect_right(starts, start) - 1]
            if not (how == "title" and waiting.numbered):
                waiting.found.setdefault(f"kep-{kep}", how)
        for waiting in self.waiting:
            self.after_links.saved[waiting.place] = self.mentions_after_link(
                waiting.offset, waiting.found, waiting.recorded
            )

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
        self.record(name, inner, target)
        return lead + mark + self.emit(_role(name, inner, target)) + mark + trail

    def record(self, name: str, text: str, target: str) -> None:
        """Note what a role written for a link records, so that its text needs no mention."""
        if name == "kep":
            self.recorded.add(f"kep-{target}")
            # The role records its KEP; another number in its text is the writer's slip.
            self.kep_in_text_ok = False
        elif name == "sig":
            self.recorded.add(target)
        elif name == "pr" and ("KEP" in text or "kep" in text.lower()):
            repo, _, number = target.rpartition("#")
            kep = kep_of_pull_request(text, repo, int(number))
            if kep is not None:
                self.recorded.add(f"kep-{kep}")

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
        """A link to KEP ``n``'s issue as its role, unless its text names another KEP, or
        says the issue is a group's and kubernetes/enhancements has no kep.yaml of it."""
        written = KEP_TEXT_RE.search(text)
        if written and int(written["n"]) != n and not self.is_old_number(written["n"]):
            self.note(
                match.start(),
                "ambiguous",
                f"link text says {written['text']!r} but the link is KEP issue {n}; left as a link",
            )
            self.kep_in_text_ok = False
            return match[0]
        if self.keps and n not in self.keps and not written and GROUP_WORD_RE.search(text):
            # "a dedicated [Checkpoint/Restore Working Group](enhancements/issues/5091)":
            # the issue tracks a group's creation, and no KEP has its number.
            self.note(
                match.start(),
                "unresolved",
                f"enhancements issue {n} has no kep.yaml and its text "
                f"{self.masker.restore(text)!r} names a group, not a KEP; left as a link",
            )
            return match[0]
        return self.kep_link(match, text, n)

    def kep_folder_link(
        self, match: re.Match[str], text: str, target: str, folder: re.Match[str]
    ) -> str:
        """A link to a KEP's folder as its role; to a file of the old numbering, only when
        the KEP facts know a KEP of its name; to a fork's KEP folder, kept and mentioned."""
        new_numbering = not (
            folder["flat"]
            or not folder["sig"]
            or len(folder["n"]) == 8
            or self.is_old_number(folder["n"])
        )
        if folder["org"] != "kubernetes" or folder["repo"] not in {
            "enhancements",
            "community",
            "features",
        }:
            # A draft of the KEP in its author's fork: the link stays, the KEP is mentioned.
            if new_numbering:
                self.fork_kep = int(folder["n"])
            return match[0]
        if new_numbering and folder["repo"] == "enhancements":
            return self.kep_link(match, text, int(folder["n"]))
        name = f"{folder['n']}-{folder['slug']}{folder['flat'] or ''}"
        today = self.names.old_file(name) if self.names is not None else None
        if today is None:
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
        # "SIG [Storage](.../sig-storage)", "[Big Data](.../ug-big-data)": its bare name.
        wrapped = EMPHASIS_RE.match(text.strip())
        bare = _fold(wrapped["inner"] if wrapped else text)
        if group in named or group in self.bare_names.get(bare, {}).values():
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
            self.kep_in_text_ok = False
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
            # Kept as a link (code or markup in its text) or naming several KEPs, the
            # link's text has its KEPs mentioned after it.
            return role or match[0]
        self.note_if_unknown(where, n)
        self.recorded.add(f"kep-{n}")
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
        #: The KEPs' gates, titles and old file names, built once for the whole import.
        self.names = kep_names_for(keps)

    def __call__(self, text: str, year: int) -> tuple[str, list[tuple[int, str]]]:
        converted, notes = add_roles(text, year=year, keps=self.keps or None, names=self.names)
        return converted, [(n.line, n.message) for n in notes]

    @property
    def fingerprint(self) -> str:
        """A hash of what the roles are resolved against: the KEP facts, every field, by
        the numbers they are looked up by; the group table; the KEPs' other names (their
        table of renamed old files)."""
        digest = hashlib.sha256()
        if not self.keps:
            digest.update(b"no KEP facts")
        else:
            # The repr of plain values (text, numbers, tuples, dicts) is the same only for
            # the same values; dataclasses.asdict, as keps.json is written, takes a hundred
            # times longer.
            rows = [
                (n, *(getattr(self.keps[n], f.name) for f in fields(KepFacts)))
                for n in sorted(self.keps)
            ]
            digest.update(repr(rows).encode("utf-8", "surrogatepass"))
        # The group table may come from outside the package (the community's sigs.yaml).
        digest.update(b"\0groups:" + str(getattr(load_groups(), "fingerprint", "")).encode())
        digest.update(b"\0names:" + _names_fingerprint(self.names).encode())
        return digest.hexdigest()


def _names_fingerprint(names: KepNameIndex | None) -> str:
    """What the KEPs' other names depend on beyond the KEP facts: the table of renamed
    old KEP files (``old-keps.yaml``), as the index tells it or as shipped."""
    if names is None:
        return "no names"
    told = getattr(names, "fingerprint", None)
    if isinstance(told, str):
        return told
    table = resources.files("lwkd_archive.facts").joinpath(OLD_KEPS_TABLE)
    try:
        return hashlib.sha256(table.read_bytes()).hexdigest()
    except OSError:
        return "no table of old KEP files"
