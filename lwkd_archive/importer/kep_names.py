"""The names by which a post points at a KEP without a link: gates, titles, old files.

LWKD writes "the `InPlacePodVerticalScaling` gate", "Mutating Admission Policies"
or links ``keps/sig-node/0009-node-heartbeat.md``, and each of these names one KEP.
:class:`KepNames` knows them from the KEP facts (kep.yaml's ``title`` and
``feature-gates``) and from a small table of renamed KEP files
(``lwkd_archive/facts/data/old-keps.yaml``). It also notices a number written beside
another KEP's name ("Storage Version Migration (KEP-3962)": 3962 is Mutating
Admission Policies), so that an editor can check it.

A name counts only when it names one KEP: a gate two KEPs list, a title two KEPs
share, or a title that is a common phrase in the posts ("Cloud Controller Manager",
the component) names none. Every name comes from kep.yaml, which anyone can
change upstream: each is matched as text (escaped), and sizes are bounded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources

from lwkd_archive.facts.keps import FEATURE_GATE_RE, PLACEHOLDER_GATES, KepFacts
from lwkd_archive.facts.yaml_loader import load_yaml_with_lines

#: A title counts as a name of its KEP in prose from this many words and characters on.
MIN_TITLE_WORDS = 3
MIN_TITLE_CHARS = 20
#: Beside a KEP's number, a title this long is enough ("Dynamic Containers (KEP-5972)").
MIN_BESIDE_WORDS = 2
#: kep.yaml titles are under 120 characters; a longer one is not matched at all.
MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 30
#: More KEPs than upstream will have for a long time; the rest are ignored.
MAX_KEPS = 20_000
#: The text beside a number that :meth:`KepNames.wrong_number` reads (a sentence or two).
MAX_NEARBY_CHARS = 2_000
#: An old KEP file's name as a link writes it is well under this.
MAX_OLD_NAME_CHARS = 200

#: Titles that are also common phrases in LWKD, so they do not name their KEP in prose.
#: Measured over the 386 posts (2018-01 to 2026-08): times the title is written, and
#: times the KEP's number or link is within 300 characters of it. Each was read:
#: these name a component, a project or a family of KEPs, not the KEP.
COMMON_TITLES = frozenset(
    {
        "cloud controller manager",  # 26 written, 0 beside KEP-2392: the component
        "dynamic resource allocation",  # 25, 1 beside KEP-3063: DRA, a family of KEPs
        "aws alb ingress controller",  # 3, 0 beside KEP-629: the project
        "kubernetes image builder",  # 2, 0 beside KEP-2497: the project
        "secrets store csi driver",  # 1, 0 beside KEP-2907: the project
        "container restart policy",  # 1, 1 beside KEP-5307: a field's name as much as a KEP
    }
)

#: Words of a title that say little of which KEP it is (for "names its own KEP" only).
PLAIN_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the"}
    | {"to", "via", "with", "without", "kep", "keps", "kubernetes", "k8s", "support", "add"}
    | {"new", "use", "using", "allow"}
)

#: A word of a title or of a post: letters and digits (hyphens and spaces separate words).
WORD_RE = re.compile(r"[^\W_]+")
#: What is written between two words when only spaces, hyphens or markup separate them.
LOOSE_CHARS = "`*_'\"’"
#: Each character that separates words like a space does, as a space (length kept).
LOOSE_TO_SPACE = str.maketrans(dict.fromkeys(LOOSE_CHARS + "-\t\n\r\f\v\u00a0", " "))
#: A KEP number as LWKD writes it: KEP-3962, KEP 3962, KEP #3962, KEP3962.
KEP_NUMBER_RE = re.compile(r"(?<![\w-])KEP[\s-]?#?(?P<n>\d{1,6})(?!\d)", re.I)
#: Between a name and the number after it: "Dynamic Containers proposal ([KEP-6030".
BEFORE_NUMBER_RE = re.compile(
    r"[\s(\[:,*_`'\"–—-]*(?:(?:proposal|kep|enhancement|feature|effort|work)s?"
    r"[\s(\[:,*_`'\"–—-]*)?",
    re.I,
)
#: Between the number and a name after it: "KEP-3962: Storage", "KEP-1287 ([In-place".
AFTER_NUMBER_RE = re.compile(r"[\s)\]:,(\[*_`'\"–—-]{0,8}")
#: A Markdown link's target, skipped between a number and a name: "[KEP-1](url) (Title".
LINK_TARGET_RE = re.compile(r"\]\([^()\s]{0,500}\)")
#: An old KEP file: ``0009-node-heartbeat``, ``20190221-even-pods-spreading.md``.
OLD_NAME_RE = re.compile(r"^(?:\d{1,8}-)?(?:\d{8}-)?(?P<rest>[A-Za-z0-9][\w.-]*)$", re.ASCII)
OLD_KEPS_TABLE = "data/old-keps.yaml"


def words(text: str) -> list[str]:
    """The words of ``text``, lowercased: what a title is matched by."""
    return WORD_RE.findall(text.lower())


def stem(word: str) -> str:
    """A word's first six letters: "migration" and "migrator" are one word here."""
    return word[:6]


def gate_words(gate: str) -> list[str]:
    """A gate's name as the words it joins: ``StorageVersionMigrator`` is storage version migrator."""
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+", gate)]


def _title_symbols(title: str) -> tuple[str, ...] | None:
    """A title as words and what separates them, normalised; None when it has no words.

    Spaces and hyphens (and quotes, backticks, emphasis) separate words alike and are
    written as ``" "``; any other punctuation (``k8s.io``, ``DRA:``) is kept, without spaces.
    """
    symbols: list[str] = []
    last = None
    for match in WORD_RE.finditer(title):
        if last is not None:
            between = title[last : match.start()]
            core = "".join(c for c in between if not c.isspace() and c not in LOOSE_CHARS + "-")
            symbols.append(core or (" " if _loose_space(between) else ""))
        symbols.append(match[0].lower())
        last = match.end()
    return tuple(symbols) or None


def _loose_space(between: str) -> bool:
    return any(c.isspace() or c == "-" for c in between)


def _separator_pattern(separator: str) -> str:
    """The regex of what may stand between two words of a title in a post.

    It is matched against :func:`_searchable` text, where every space, hyphen, quote,
    backtick and emphasis mark is a space.
    """
    if separator == " ":
        return " +"
    if separator == "":
        return " *"
    return " *" + " *".join(re.escape(c) for c in separator) + " *"


def _trie_pattern(sequences: Iterable[tuple[str, ...]], word_pattern) -> str:
    """One regex matching any of ``sequences`` (words and separators, alternately).

    Built as a trie of characters so that the regex engine tries one branch per
    letter, not one per title: over the 386 posts this is some 15 times faster
    than an alternation of titles. A longer sequence wins over its prefix.
    """
    trie: dict = {}
    for sequence in sequences:
        node = trie
        for index, symbol in enumerate(sequence):
            if index % 2:  # a separator: one symbol of the trie
                node = node.setdefault(("sep", symbol), {})
            else:
                for char in symbol:
                    node = node.setdefault(("char", char), {})
        node[("end", "")] = {}

    def build(node: dict) -> str:
        ends = ("end", "") in node
        branches = [
            (_separator_pattern(value) if kind == "sep" else word_pattern(value)) + build(child)
            for (kind, value), child in sorted(node.items())
            if kind != "end"
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


@dataclass(frozen=True)
class _Found:
    """A name of a KEP found in a text: where it is and which KEP it names."""

    start: int
    end: int
    kep: int
    how: str


@dataclass
class KepNames:
    """What each KEP is called: its gates, its title, the old files it was.

    Built once per import (:meth:`from_facts`) and asked for each post.
    """

    keps: dict[int, KepFacts]
    #: Gate name -> KEP, for the gates exactly one KEP lists.
    gates: dict[str, int] = field(default_factory=dict)
    #: Normalised title -> KEP, for titles that name their KEP anywhere in prose.
    titles: dict[tuple[str, ...], int] = field(default_factory=dict)
    #: Normalised title -> KEP, for every title of one KEP (beside its number).
    all_titles: dict[tuple[str, ...], int] = field(default_factory=dict)
    #: Titles left out, and why ("short", "shared", "common"): the figures of the report.
    rejected: dict[str, list[str]] = field(default_factory=dict)
    #: Today's folder name without its number -> the KEPs with such a folder.
    folders: dict[str, set[int]] = field(default_factory=dict)
    #: Old KEP file name (lowercase, no ``.md``) -> today's KEP, from old-keps.yaml.
    renamed: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_facts(cls, keps: dict[int, KepFacts]) -> KepNames:
        """The names of the KEPs in ``keps`` (the importer's KEP facts)."""
        keps = dict(sorted(keps.items())[:MAX_KEPS])
        names = cls(keps, renamed=dict(old_kep_files()))
        gate_keps: dict[str, set[int]] = {}
        title_keps: dict[tuple[str, ...], set[int]] = {}
        spaced: dict[tuple[str, ...], int] = {}
        for number, facts in keps.items():
            for gate in facts.feature_gates:
                if FEATURE_GATE_RE.fullmatch(gate) and gate not in PLACEHOLDER_GATES:
                    gate_keps.setdefault(gate, set()).add(number)
            title = facts.title.strip()
            symbols = _title_symbols(title) if len(title) <= MAX_TITLE_CHARS else None
            if symbols and len(symbols) <= 2 * MAX_TITLE_WORDS:
                title_keps.setdefault(symbols, set()).add(number)
                # Words as the title spaces them: "Workload-aware preemption" is two.
                spaced[symbols] = min(spaced.get(symbols, len(title.split())), len(title.split()))
            folder = facts.path.rsplit("/", 1)[-1].partition("-")[2]
            if folder:
                names.folders.setdefault(folder, set()).add(number)
        names.gates = {gate: min(found) for gate, found in gate_keps.items() if len(found) == 1}
        for symbols, found in title_keps.items():
            shown = "".join(symbols)
            if len(found) > 1:
                names.rejected.setdefault("shared", []).append(shown)
                continue
            number = min(found)
            count = (len(symbols) + 1) // 2
            if count >= MIN_BESIDE_WORDS:
                names.all_titles[symbols] = number
            if min(count, spaced[symbols]) < MIN_TITLE_WORDS or len(shown) < MIN_TITLE_CHARS:
                names.rejected.setdefault("short", []).append(shown)
            elif shown in COMMON_TITLES:
                names.rejected.setdefault("common", []).append(shown)
            else:
                names.titles[symbols] = number
        return names

    # Feature gates

    def gate(self, name: str) -> int | None:
        """The KEP whose kep.yaml lists feature gate ``name``, when exactly one KEP lists it."""
        return self.gates.get(name)

    @functools.cached_property
    def _gates_re(self) -> re.Pattern[str] | None:
        if not self.gates:
            return None
        body = _trie_pattern(((gate,) for gate in self.gates), re.escape)
        # "PodDisruptionBudget-related" names the gate; "EndpointSlice-Mirroring" is another name.
        return re.compile(body + r"(?!\w|-(?![a-z]))")

    def gates_in(self, text: str) -> list[tuple[int, int, str, int]]:
        """``(start, end, gate, kep)`` for each unambiguous gate written as a whole word."""
        if self._gates_re is None:
            return []
        return [
            (m.start(), m.end(), m[0], self.gates[m[0]])
            for m in _whole(self._gates_re, text, suffix=True)
        ]

    # Titles

    @functools.cached_property
    def _titles_re(self) -> re.Pattern[str] | None:
        if not self.titles:
            return None
        # On lowercased text a lookbehind costs little (with IGNORECASE, twice the time).
        return re.compile(r"(?<!\w)" + _trie_pattern(self.titles, re.escape) + r"(?!\w)")

    def titles_in(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, kep)`` for each distinctive kep.yaml title written out in ``text``.

        Case, and hyphens or spaces between words, do not matter ("in-place update of
        pod resources" is KEP-1287); a title inside a longer word or hyphenated phrase
        ("non-graceful node shutdown") is not that title.
        """
        if self._titles_re is None:
            return []
        found = []
        for match in _whole(self._titles_re, _searchable(text), text):
            number = self.titles.get(_title_symbols(text[match.start() : match.end()]) or ())
            if number is not None:
                found.append((match.start(), match.end(), number))
        return found

    # Old KEP files

    def old_file(self, name: str) -> int | None:
        """Today's KEP of an old KEP file or folder name as a link writes it.

        ``0009-node-heartbeat``, ``20190221-even-pods-spreading.md``: first today's
        folder of the same name (a leading number and date left out), when exactly one
        KEP has it; else the table of renamed files, old-keps.yaml.
        """
        name = name.strip().rstrip("/")
        if len(name) > MAX_OLD_NAME_CHARS:
            return None
        name = re.sub(r"(?:/README)?\.md$", "", name.rsplit("/", 1)[-1] if "/" in name else name)
        match = OLD_NAME_RE.match(name)
        if match is None:
            return None
        found = self.folders.get(match["rest"], set())
        if len(found) == 1:
            return next(iter(found))
        today = self.renamed.get(name.lower())
        if today is not None and (not self.keps or today in self.keps):
            return today
        return None

    # A number written beside another KEP's name

    @functools.cached_property
    def _gate_phrases(self) -> dict[tuple[str, ...], int]:
        """Gates of three words or more as the stems of their words (storage version migrat)."""
        phrases: dict[tuple[str, ...], set[int]] = {}
        for gate, number in self.gates.items():
            parts = tuple(stem(w) for w in gate_words(gate))
            if len(parts) >= 3:
                phrases.setdefault(parts, set()).add(number)
        return {parts: min(found) for parts, found in phrases.items() if len(found) == 1}

    @functools.cached_property
    def _lengths(self) -> dict[str, set[int]]:
        """First word (or stem, for gate words) -> the lengths in words of names starting so."""
        lengths: dict[str, set[int]] = {}
        for symbols in self.all_titles:
            lengths.setdefault(symbols[0], set()).add((len(symbols) + 1) // 2)
        for parts in self._gate_phrases:
            lengths.setdefault(parts[0], set()).add(len(parts))
        return lengths

    def _names_in(self, text: str) -> list[_Found]:
        """Every name of a KEP in a short text: titles (of two words and more), gates,
        gates written as words; the longest at each word."""
        found = [_Found(s, e, n, "gate") for s, e, _gate, n in self.gates_in(text)]
        tokens = list(WORD_RE.finditer(text))
        lowered = [t[0].lower() for t in tokens]
        stems = [stem(w) for w in lowered]
        for i in range(len(tokens)):
            if _in_hyphenated(text, tokens[i].start(), before=True):
                continue
            lengths = self._lengths.get(lowered[i], set()) | self._lengths.get(stems[i], set())
            for length in sorted(lengths, reverse=True):
                if i + length > len(tokens):
                    continue
                start, end = tokens[i].start(), tokens[i + length - 1].end()
                if _in_hyphenated(text, end, before=False):
                    continue
                number = self.all_titles.get(_title_symbols(text[start:end]) or ())
                if number is None:
                    number = self._gate_phrases.get(tuple(stems[i : i + length]))
                if number is not None:
                    found.append(_Found(start, end, number, "name"))
                    break
        return found

    def _names_own(self, number: int, text: str, found: list[_Found]) -> bool:
        """Whether ``text`` speaks of KEP ``number`` itself: its title, its gate, or most
        of its title's telling words ("Structured Parameters for DRA" beside 4381,
        "DRA: Structured Parameters")."""
        if any(f.kep == number for f in found):
            return True
        facts = self.keps[number]
        if any(
            re.search(r"(?<![\w-])" + re.escape(g) + r"(?![\w-])", text)
            for g in facts.feature_gates
        ):
            return True
        telling = self._telling.get(number, frozenset())
        if not telling:
            return False
        written = {stem(w) for w in words(text)}
        return 2 * len(telling & written) >= len(telling)

    @functools.cached_property
    def _telling(self) -> dict[int, frozenset[str]]:
        """Each KEP's title as the stems of its telling words (not "a", "for", "support")."""
        plain = {stem(w) for w in PLAIN_WORDS}
        return {
            number: frozenset(stem(w) for w in words(facts.title[:MAX_TITLE_CHARS])) - plain
            for number, facts in self.keps.items()
        }

    def _more_named(self, meant: int, text: str) -> bool:
        """Whether ``text`` has every telling word of a KEP whose title says more than
        ``meant``'s: "Graceful Node Shutdown for Windows Node" is KEP-4802 (Windows
        Graceful Node Shutdown) as much as KEP-2000 (Graceful Node Shutdown)."""
        mine = self._telling.get(meant, frozenset())
        written = {stem(w) for w in words(text)}
        return any(
            telling > mine and telling <= written
            for number, telling in self._telling.items()
            if number != meant
        )

    def wrong_number(self, n: int, nearby: str) -> int | None:
        """The KEP probably meant where ``KEP-n`` is written beside another KEP's name.

        ``nearby`` is what is written with the number: its link's text, or its sentence.
        Another KEP's distinctive title, a title of two words or more, or its gate,
        written right beside the number (or anywhere in a link text that has no number),
        gives that KEP, unless the text also names KEP-n itself, writes the other
        KEP's number too, or has all the words of a third KEP's longer title. Only one such KEP counts; anything less clear is None, since a
        wrong "wrong number" costs an editor more than a missed one.
        """
        if n not in self.keps:
            return None
        text = nearby[:MAX_NEARBY_CHARS]
        found = self._names_in(text)
        others = {f.kep for f in found if f.kep != n}
        if not others or self._names_own(n, text, found):
            return None
        spots = [m for m in KEP_NUMBER_RE.finditer(text) if int(m["n"]) == n]
        written = {int(m["n"]) for m in KEP_NUMBER_RE.finditer(text)}
        if spots:
            found = [f for f in found if any(_beside(text, f, spot) for spot in spots)]
        meant = {f.kep for f in found if f.kep != n}
        if len(meant) != 1 or meant & written or self._more_named(next(iter(meant)), text):
            return None
        return meant.pop()


def _whole(
    pattern: re.Pattern[str], searched: str, text: str | None = None, *, suffix: bool = False
) -> Iterable[re.Match[str]]:
    """The matches of ``pattern`` in ``searched`` that are whole words of ``text``.

    ``searched`` is ``text`` itself or a copy of it with the same offsets. A match
    after or before a letter, a digit, ``_`` or ``-`` of ``text`` is not a whole word
    ("non-graceful node shutdown" holds no "graceful node shutdown"). The check is made
    here, not by lookarounds in the pattern, which would keep the regex engine from
    skipping quickly to the letters a name can start with. With ``suffix``, a hyphen and
    a lowercase word may follow (``PodDisruptionBudget-related``).
    """
    text = searched if text is None else text
    position = 0
    while match := pattern.search(searched, position):
        start, end = match.span()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        suffixed = suffix and after == "-" and text[end + 1 : end + 2].islower()
        if (
            before.isalnum()
            or before in "_-"
            or after.isalnum()
            or (after in "_-" and not suffixed)
        ):
            position = start + 1
            continue
        yield match
        position = max(end, start + 1)


def _in_hyphenated(text: str, offset: int, *, before: bool) -> bool:
    """Whether a word starting (or ending) at ``offset`` is joined by a hyphen to another."""
    if before:
        return offset >= 2 and text[offset - 1] == "-" and text[offset - 2].isalnum()
    return offset + 1 < len(text) and text[offset] == "-" and text[offset + 1].isalnum()


def _searchable(text: str) -> str:
    """``text`` lowercased, with spaces for what separates words (one character for one,
    so that offsets stay those of ``text``): titles are matched against it."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(LOOSE_TO_SPACE)


def _beside(text: str, found: _Found, spot: re.Match[str]) -> bool:
    """Whether a name is written right before or right after a KEP number."""
    if found.end <= spot.start():
        gap = text[found.end : spot.start()]
        return len(gap) <= 24 and BEFORE_NUMBER_RE.fullmatch(gap) is not None
    if found.start >= spot.end():
        gap = LINK_TARGET_RE.sub("", text[spot.end() : found.start])
        return AFTER_NUMBER_RE.fullmatch(gap) is not None
    return False


@functools.cache
def old_kep_files() -> tuple[tuple[str, int], ...]:
    """The table of renamed KEP files shipped in ``lwkd_archive/facts/data/old-keps.yaml``."""
    source = resources.files("lwkd_archive.facts").joinpath(OLD_KEPS_TABLE)
    return parse_old_kep_files(source.read_text("utf-8"))


def parse_old_kep_files(text: str) -> tuple[tuple[str, int], ...]:
    """``(old file name, KEP number)`` rows of an old-keps.yaml, names lowercased.

    The table is the archive's own data: a wrong line is a ValueError naming it.
    """
    data, lines = load_yaml_with_lines(text)
    if not isinstance(data, dict):
        raise ValueError(f"{OLD_KEPS_TABLE}:1: not a mapping of old file name to KEP number")
    rows = []
    for name, number in data.items():
        line = lines.get((str(name),), 1)
        if (
            not isinstance(name, str)
            or OLD_NAME_RE.match(name) is None
            or isinstance(number, bool)
            or not isinstance(number, int)
            or number < 1
        ):
            raise ValueError(
                f"{OLD_KEPS_TABLE}:{line}: write 'old-file-name: KEP number' "
                "(like 0009-node-heartbeat: 589)"
            )
        rows.append((name.lower(), number))
    return tuple(rows)
