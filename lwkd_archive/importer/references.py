"""Turning KEP, SIG and pull-request references in imported text into explicit roles.

The rules (each trap is tested in tests/test_references.py):

* ``enhancements/issues/N``, ``features/issues/N`` and ``keps/<sig>/NNNN-slug`` paths
  name KEP N; ``enhancements#N`` and ``enhancements/pull/N`` are pull requests, whose
  numbers are not KEP numbers: a KEP is linked only when its number is written beside.
* Before 2020, KEPs had an old sequential numbering (``KEP 34``, ``keps/0009-x.md``,
  date-named files) unrelated to today's numbers: such references stay as written.
* Groups are recognised only by a name or alias from data/groups.yaml next to ``SIG``,
  ``WG``, ``Working Group`` or ``Committee``, never inside URLs or longer identifiers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from lwkd_archive.groups import Group, GroupTable, load_groups
from lwkd_archive.importer.convert import CODE_SPAN_RE, FENCE_RE, LINK_RE, ROLE_SYNTAX_RE, Masker
from lwkd_archive.keps import KepFacts

#: Before this year a small KEP number is the old sequential numbering.
NEW_NUMBERING_YEAR = 2020
OLD_NUMBER_LIMIT = 100

PULL_RE = re.compile(
    r"^https?://github\.com/(?P<org>[\w.-]+)/(?P<repo>[\w.-]+)/pull/(?P<n>\d+)/?(?:[#?].*)?$"
)
KEP_ISSUE_RE = re.compile(
    r"^https?://github\.com/kubernetes/(?:enhancements|features)/issues/(?P<n>\d+)/?(?:[#?].*)?$"
)
KEP_DIR_RE = re.compile(
    r"^https?://github\.com/kubernetes/enhancements/(?:tree|blob)/[^/]+/keps/(?P<sig>[\w-]+)/(?P<n>\d+)-[\w.-]+?(?:/.*)?(?:[#?].*)?$"
)
OLD_KEP_FILE_RE = re.compile(
    r"^https?://github\.com/kubernetes/(?:community|enhancements)/(?:tree|blob)/[^/]+/keps/.*\.md(?:[#?].*)?$"
)
GROUP_DIR_RE = re.compile(
    r"^https?://github\.com/kubernetes/community/(?:tree|blob)/master/(?P<slug>(?:sig|wg|committee|ug)-[\w-]+?)/?(?:README\.md)?(?:[#?].*)?$"
)
#: ``KEP-3136``, ``KEP 3136``, ``KEP #3136``, ``kep-3136`` (not ``KEPs``).
KEP_TEXT_RE = re.compile(r"(?<![\w/#-])(?P<text>KEP[- ]?#?(?P<n>\d{1,5}))(?![\w-])", re.IGNORECASE)
PR_TEXT_RE = re.compile(
    r"(?<![\w/.#-])(?P<text>(?:kubernetes/)?(?P<repo>enhancements|kubernetes|test-infra|website|community|release)#(?P<n>\d+))(?![\w-])"
)


#: Words without which no group is named (a cheap test before the long pattern).
GROUP_WORD_RE = re.compile(r"sig|wg|working group|committee|ug\b", re.IGNORECASE)


@dataclass(frozen=True)
class ReferenceNote:
    """A reference that was left as written, and why."""

    line: int
    message: str
    kind: str


def _role(name: str, text: str, target: str) -> str:
    return f"{{{name}}}`{text} <{target}>`"


def _role_safe(text: str) -> bool:
    """Role text cannot hold backticks, angle brackets or masked code."""
    return not re.search(r"[`<>\ue000\ue001\n]", text) and text.strip() == text and bool(text)


@cache
def _group_pattern(groups: GroupTable) -> tuple[re.Pattern[str], dict[str, Group]]:
    """One pattern for every way a group is named in prose, and what each spelling means."""
    spellings: dict[str, Group] = {}
    for group in groups:
        kind, _, rest = group.slug.partition("-")
        words = re.split(r"[-\s]+", rest)
        names = {group.name, group.slug, *group.aliases}
        for name in names:
            spellings[_fold(name)] = group
        if kind in {"sig", "wg"}:
            label = "SIG" if kind == "sig" else "WG"
            spellings[_fold(f"{label} {' '.join(words)}")] = group
            spellings[_fold(f"{' '.join(words)} {label}")] = group
            if kind == "wg":
                spellings[_fold(f"{' '.join(words)} Working Group")] = group
                spellings[_fold(f"Working Group {' '.join(words)}")] = group
    # Only spellings that carry a group word: "node" alone names nothing in prose.
    carried = [s for s in spellings if re.search(r"\b(sig|wg|working-group|committee|ug)\b", s)]
    alternatives = sorted(carried, key=len, reverse=True)
    body = "|".join(r"[-\s]+".join(map(re.escape, s.split("-"))) for s in alternatives)
    pattern = re.compile(
        rf"(?<![\w/.#-])(?P<hash>#)?(?P<text>(?:{body}))(?![\w/]|-\w)", re.IGNORECASE
    )
    return pattern, spellings


def _fold(text: str) -> str:
    return re.sub(r"[\s_-]+", "-", text.strip().lower())


def add_roles(
    markdown: str,
    *,
    year: int,
    groups: GroupTable | None = None,
    keps: dict[int, KepFacts] | None = None,
) -> tuple[str, list[ReferenceNote]]:
    """Return ``markdown`` with KEP, group and pull-request references written as roles."""
    groups = groups or load_groups()
    notes: list[ReferenceNote] = []
    # Code, and roles already written (their text is a code span), are left alone.
    masker = Masker()
    markdown = FENCE_RE.sub(masker.hide, markdown)
    markdown = CODE_SPAN_RE.sub(masker.hide, ROLE_SYNTAX_RE.sub(masker.hide, markdown))
    group_re, spellings = _group_pattern(groups)

    def line_at(offset: int) -> int:
        return markdown.count("\n", 0, offset) + 1

    def old_number(n: int) -> bool:
        return year < NEW_NUMBERING_YEAR and n < OLD_NUMBER_LIMIT

    def text_roles(segment: str, offset: int) -> str:
        def kep(match: re.Match[str]) -> str:
            n = int(match["n"])
            if old_number(n) or match["n"].startswith("0"):
                notes.append(
                    ReferenceNote(
                        line_at(offset + match.start()),
                        f"{match['text']!r} uses the old KEP numbering of {year}; not linked to today's KEP-{n}",
                        "old-kep-number",
                    )
                )
                return match[0]
            return _role("kep", match["text"], str(n))

        def pr(match: re.Match[str]) -> str:
            repo = match["repo"]
            return _role("pr", match["text"], f"kubernetes/{repo}#{match['n']}")

        def group(match: re.Match[str]) -> str:
            found = spellings.get(_fold(match["text"]))
            resolved = groups.resolve(found.slug) if found else None
            if resolved is None:
                return match[0]
            return (match["hash"] or "") + _role("sig", match["text"], resolved.slug)

        segment = KEP_TEXT_RE.sub(kep, segment)
        segment = PR_TEXT_RE.sub(pr, segment)
        # The pattern of every group's names is long: run it only where a group word is.
        return group_re.sub(group, segment) if GROUP_WORD_RE.search(segment) else segment

    def link_roles(match: re.Match[str]) -> str:
        if match["bang"]:
            return match[0]
        text, target = match["text"], match["target"].strip("<>")
        where = line_at(match.start())
        if m := PULL_RE.match(target):
            ref = f"{m['org']}/{m['repo']}#{m['n']}"
            if m["org"] == "kubernetes" and m["repo"] == "enhancements":
                beside = KEP_TEXT_RE.search(text)
                if beside and not old_number(int(beside["n"])) and _role_safe(text):
                    before = text[: beside.start()].rstrip(" :-–")
                    kep_text = text[beside.start() :]
                    kep = _role("kep", kep_text, str(int(beside["n"])))
                    if before and _role_safe(before):
                        return f"{_role('pr', before, ref)}: {kep}"
                    return f"{kep} ({_role('pr', 'PR', ref)})"
                notes.append(
                    ReferenceNote(
                        where,
                        f"enhancements pull request {m['n']} has no KEP number beside it; left as a pull-request link",
                        "unresolved",
                    )
                )
            return _role("pr", text, ref) if _role_safe(text) else match[0]
        if m := (KEP_ISSUE_RE.match(target) or KEP_DIR_RE.match(target)):
            n = int(m["n"])
            if KEP_DIR_RE.match(target) and (old_number(n) or len(m["n"]) == 8):
                notes.append(
                    ReferenceNote(
                        where,
                        f"{target} is a KEP of the old numbering; left as a link",
                        "old-kep-number",
                    )
                )
                return match[0]
            return _role("kep", text, str(n)) if _role_safe(text) else match[0]
        if OLD_KEP_FILE_RE.match(target):
            notes.append(
                ReferenceNote(
                    where,
                    f"{target} is a KEP file of the old numbering; left as a link",
                    "old-kep-number",
                )
            )
            return match[0]
        if m := GROUP_DIR_RE.match(target):
            group = groups.resolve(m["slug"])
            if group is not None and _role_safe(text):
                return _role("sig", text, group.slug)
        return match[0]

    out: list[str] = []
    last = 0
    for match in LINK_RE.finditer(markdown):
        out.append(text_roles(markdown[last : match.start()], last))
        out.append(link_roles(match))
        last = match.end()
    out.append(text_roles(markdown[last:], last))
    return masker.restore("".join(out)), notes


def roles_for_year(
    keps: dict[int, KepFacts] | None = None,
) -> Callable[[str, int], tuple[str, list[tuple[int, str]]]]:
    """The importer's hook: ``(text, year) -> (text with roles, [(line, note)])``."""

    def convert(text: str, year: int) -> tuple[str, list[tuple[int, str]]]:
        converted, notes = add_roles(text, year=year, keps=keps or None)
        return converted, [(n.line, n.message) for n in notes]

    return convert
