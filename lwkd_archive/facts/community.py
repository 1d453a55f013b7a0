"""Groups from kubernetes/community's own list: ``sigs.yaml`` and ``archive/<dir>/README.md``.

``sigs.yaml`` is the canonical list of the active SIGs, working groups, committees
and user groups: their names, missions, leaders, meetings and contacts. A folder
under ``archive/`` is a group that was archived; its README gives its name (the
``# Title``) and its mission (the paragraph after it).

Both are written by anyone whose pull request upstream was merged, so every value
is checked where it is read: a value of the wrong type, a link that is not https,
a name that is not a group's slug, or a text too long is reported at its
``file:line`` and left out (a text too long is cut), and one bad group never stops
the others. Symbolic links are never followed. ``groups.json``, the importer's
compiled facts, is an input of the build too, and :func:`parse_group_facts`
checks every value again there.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from lwkd_archive.facts.groups import COMMUNITY_TREE, GROUP_SLUG_RE, KIND_WORDS, Group, normalise
from lwkd_archive.facts.yaml_loader import TextDatesLoader, load_yaml
from lwkd_archive.facts.yaml_loader import kind_of as _kind
from lwkd_archive.facts.yaml_loader import quoted as _quote

#: The sections of sigs.yaml, and the kind (slug prefix) of the groups in each.
SECTIONS = {"sigs": "sig", "workinggroups": "wg", "committees": "committee", "usergroups": "ug"}
#: The real sigs.yaml is about 150 KB; anything this large is not one.
MAX_SIGS_YAML_BYTES = 4 * 1024 * 1024
#: The largest archived README is a few kilobytes.
MAX_README_BYTES = 256 * 1024
#: Longest texts kept, in characters; a longer mission is cut, other texts are left out.
MAX_NAME = 100
MAX_MISSION = 3000
MAX_SHORT_TEXT = 200
MAX_URL = 2000
#: At most this many folders under archive/ are read (the real one has about 30).
MAX_ARCHIVED = 1000
#: At most this many leaders, meetings or subprojects per group (the real lists have tens).
MAX_ITEMS = 200
#: A GitHub handle: letters, digits and single hyphens, at most 39 characters.
GITHUB_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
#: A Slack channel's name (kubernetes.slack.com/messages/<channel>).
SLACK_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
#: Control characters and the bidirectional overrides, never kept in a text.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: How an archived README's title names the kind: "Policy Working Group" is "WG Policy".
TITLE_KINDS = (
    (" Special Interest Group", "SIG "),
    (" Working Group", "WG "),
    (" User Group", "UG "),
)
MARKDOWN_LINK_RE = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")

Where = tuple[str | int, ...]


def is_https_url(text: object) -> bool:
    """True for an ``https://host/...`` address of sane length, without spaces or controls."""
    if not isinstance(text, str) or len(text) > MAX_URL or re.search(r"[\s<>\"'`]", text):
        return False
    if CONTROL_RE.search(text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and "@" not in parts.netloc


def display_name(slug: str, name: str) -> str:
    """How the archive shows a group the list names: ``SIG Node``, ``WG Batch``, ``Steering Committee``."""
    kind = slug.split("-", 1)[0]
    if kind == "committee":
        return name if name.endswith(" Committee") else f"{name} Committee"
    word = KIND_WORDS[kind][0]
    return name if normalise(name).startswith(f"{normalise(word)}-") else f"{word} {name}"


def _lines(node: yaml.Node, where: Where, found: dict[Where, int], depth: int = 0) -> None:
    """The line (1-based) of every value below ``node``, by the keys and indexes that lead to it."""
    found.setdefault(where, node.start_mark.line + 1)
    if depth > 8:
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                found[(*where, key.value)] = key.start_mark.line + 1
                _lines(value, (*where, key.value), found, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _lines(item, (*where, index), found, depth + 1)


def load_with_all_lines(text: str) -> tuple[object, dict[Where, int]]:
    """The document (aliases refused) and the line of every value, at any depth."""
    data = load_yaml(text)  # refuses aliases, keeps dates as text
    loader = TextDatesLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    found: dict[Where, int] = {}
    if node is not None:
        _lines(node, (), found)
    return data, found


@dataclass
class _Reading:
    """sigs.yaml being read: the line of each value, and what was wrong."""

    path: Path
    lines: dict[Where, int]
    problems: list[str] = field(default_factory=list)

    def report(self, where: Where, message: str) -> None:
        line = 1
        for end in range(len(where), 0, -1):
            if where[:end] in self.lines:
                line = self.lines[where[:end]]
                break
        self.problems.append(f"{self.path}:{line}: {message}")

    def text(self, value: object, where: Where, what: str, limit: int, *, cut: bool = False) -> str:
        """A text value, stripped; '' when absent, not text or (unless ``cut``) too long."""
        if value is None:
            return ""
        if not isinstance(value, str):
            # YAML reads `time: 10:00` as the number 600: only quoted text is text.
            hint = " (write it in quotes)" if isinstance(value, int | float) else ""
            self.report(where, f"{what} is {_kind(value)}, not text; ignored{hint}")
            return ""
        text = CONTROL_RE.sub("", value).strip()
        if len(text) > limit:
            if not cut:
                self.report(where, f"{what} is {len(text)} characters, over {limit}; ignored")
                return ""
            self.report(where, f"{what} is {len(text)} characters, over {limit}; cut")
            text = text[: limit - 1].rstrip() + "…"
        return text

    def mapping(self, value: object, where: Where, what: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.report(where, f"{what} is {_kind(value)}, not a mapping; ignored")
            return {}
        return value

    def items(self, value: object, where: Where, what: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.report(where, f"{what} is {_kind(value)}, not a list; ignored")
            return []
        if len(value) > MAX_ITEMS:
            self.report(where, f"{what} has {len(value)} items; the first {MAX_ITEMS} are kept")
        return value[:MAX_ITEMS]

    def url(self, value: object, where: Where, what: str) -> str:
        text = self.text(value, where, what, MAX_URL)
        if text and not is_https_url(text):
            self.report(where, f"{what} {_quote(text)} is not an https:// address; ignored")
            return ""
        return text

    def leaders(self, value: object, where: Where, what: str) -> tuple[tuple[str, str], ...]:
        found = []
        for index, person in enumerate(self.items(value, where, what)):
            at = (*where, index)
            person = self.mapping(person, at, f"{what}[{index}]")
            handle = self.text(person.get("github"), (*at, "github"), f"{what}: github", 39)
            if not handle:
                continue
            if not GITHUB_RE.fullmatch(handle):
                self.report(
                    (*at, "github"), f"{what}: {_quote(handle)} is not a GitHub handle; ignored"
                )
                continue
            name = self.text(person.get("name"), (*at, "name"), f"{what}: name", MAX_NAME)
            found.append((name or handle, handle))
        return tuple(found)

    def meetings(self, value: object, where: Where) -> tuple[tuple[str, ...], ...]:
        found = []
        for index, meeting in enumerate(self.items(value, where, "meetings")):
            at = (*where, index)
            meeting = self.mapping(meeting, at, f"meetings[{index}]")
            if not meeting:
                continue
            texts = [
                self.text(meeting.get(key), (*at, key), f"meetings: {key}", MAX_SHORT_TEXT)
                for key in ("description", "day", "time", "tz", "frequency")
            ]
            url = self.url(meeting.get("url"), (*at, "url"), "meetings: url")
            if any(texts) or url:
                found.append((*texts, url))
        return tuple(found)


def _read_group(
    reading: _Reading, row: object, where: Where, kind: str, sig_slugs: dict[str, str]
) -> Group | None:
    """One group of sigs.yaml, or None (reported) when it has no usable ``dir``."""
    section = where[0]
    if not isinstance(row, dict):
        reading.report(where, f"{section}[{where[1]}] is {_kind(row)}, not a group; ignored")
        return None
    slug = reading.text(row.get("dir"), (*where, "dir"), "dir", MAX_NAME)
    if not slug or not GROUP_SLUG_RE.fullmatch(slug) or not slug.startswith(f"{kind}-"):
        reading.report(
            (*where, "dir"),
            f"{section}: dir {_quote(slug) if slug else 'missing'} is not a {kind}- folder "
            f"(like {kind}-example); the group is ignored",
        )
        return None
    at = lambda *keys: (*where, *keys)  # noqa: E731
    name = reading.text(row.get("name"), at("name"), f"{slug}: name", MAX_NAME)
    leadership = reading.mapping(row.get("leadership"), at("leadership"), f"{slug}: leadership")
    contact = reading.mapping(row.get("contact"), at("contact"), f"{slug}: contact")
    slack = reading.text(contact.get("slack"), at("contact", "slack"), f"{slug}: slack", 80)
    if slack and not SLACK_RE.fullmatch(slack.lstrip("#")):
        reading.report(
            at("contact", "slack"), f"{slug}: slack {_quote(slack)} is not a channel; ignored"
        )
        slack = ""
    label = reading.text(row.get("label"), at("label"), f"{slug}: label", MAX_NAME)
    if label and not GROUP_SLUG_RE.fullmatch(label):
        reading.report(at("label"), f"{slug}: label {_quote(label)} is not a label; ignored")
        label = ""
    subprojects = []
    for index, sub in enumerate(reading.items(row.get("subprojects"), at("subprojects"), slug)):
        sub = reading.mapping(sub, at("subprojects", index), f"{slug}: subprojects[{index}]")
        text = reading.text(
            sub.get("name"), at("subprojects", index, "name"), f"{slug}: subproject", MAX_NAME
        )
        if text:
            subprojects.append(text)
    stakeholders = []
    for index, sig in enumerate(
        reading.items(row.get("stakeholder_sigs"), at("stakeholder_sigs"), slug)
    ):
        text = reading.text(sig, at("stakeholder_sigs", index), f"{slug}: SIG", MAX_NAME)
        if not text:
            continue
        found = sig_slugs.get(normalise(text)) or sig_slugs.get(normalise(f"sig-{text}"))
        if found is None:
            reading.report(
                at("stakeholder_sigs", index),
                f"{slug}: stakeholder SIG {_quote(text)} is no SIG of the list; ignored",
            )
            continue
        stakeholders.append(found)
    return Group(
        slug=slug,
        name=display_name(slug, name) if name else slug,
        mission=reading.text(
            row.get("mission_statement"), at("mission_statement"), f"{slug}: mission",
            MAX_MISSION, cut=True,
        ),
        label=label,
        chairs=reading.leaders(leadership.get("chairs"), at("leadership", "chairs"), "chairs"),
        tech_leads=reading.leaders(
            leadership.get("tech_leads"), at("leadership", "tech_leads"), "tech_leads"
        ),
        meetings=reading.meetings(row.get("meetings"), at("meetings")),
        slack=slack.lstrip("#"),
        mailing_list=reading.url(
            contact.get("mailing_list"), at("contact", "mailing_list"), f"{slug}: mailing_list"
        ),
        subprojects=tuple(subprojects),
        stakeholder_sigs=tuple(dict.fromkeys(stakeholders)),
        community_url=f"{COMMUNITY_TREE}/{slug}",
    )  # fmt: skip


class CommunityError(ValueError):
    """A community checkout whose list cannot be used at all; the message says where and why."""


def read_sigs_yaml(path: Path) -> tuple[list[Group], list[str]]:
    """The active groups of a ``sigs.yaml`` and the problems, each ``file:line: what; ignored``.

    Raises :class:`CommunityError` when the file cannot be read as a list at all.
    """
    if path.is_symlink() or not path.is_file():
        raise CommunityError(f"{path}:1: not a regular file (a symbolic link?); not read")
    size = path.stat().st_size
    if size > MAX_SIGS_YAML_BYTES:
        raise CommunityError(f"{path}:1: {size} bytes; the real sigs.yaml is about 150 KB")
    try:
        data, lines = load_with_all_lines(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CommunityError(f"{path}:{line}: cannot read sigs.yaml: {problem}") from None
    reading = _Reading(path, lines)
    if not isinstance(data, dict):
        raise CommunityError(f"{path}:1: not a mapping of sigs, workinggroups, committees...")
    rows = {section: reading.items(data.get(section), (section,), section) for section in SECTIONS}
    # Stakeholder SIGs are written by name ("Network"): the SIGs' names and dirs name them.
    sig_slugs: dict[str, str] = {}
    for row in rows["sigs"]:
        slug = row.get("dir") if isinstance(row, dict) else None
        if isinstance(slug, str) and GROUP_SLUG_RE.fullmatch(slug) and slug.startswith("sig-"):
            sig_slugs[normalise(slug)] = slug
            if isinstance(row.get("name"), str):
                sig_slugs.setdefault(normalise(row["name"]), slug)
    groups: dict[str, Group] = {}
    for section, kind in SECTIONS.items():
        for index, row in enumerate(rows[section]):
            group = _read_group(reading, row, (section, index), kind, sig_slugs)
            if group is None:
                continue
            if group.slug in groups:
                reading.report(
                    (section, index, "dir"), f"{group.slug} is listed twice; the first is used"
                )
                continue
            groups[group.slug] = group
    return list(groups.values()), reading.problems


def read_archived_readme(path: Path, slug: str) -> tuple[Group | None, list[str]]:
    """An archived group from its README: the ``# Title`` is its name, the paragraph after, its mission."""
    if path.is_symlink() or not path.is_file():
        return None, [f"{path}:1: not a regular file (a symbolic link?); not read"]
    if path.stat().st_size > MAX_README_BYTES:
        return None, [f"{path}:1: over {MAX_README_BYTES // 1024} KB; not read"]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path}:1: cannot read: {exc}; not read"]
    problems = []
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m[0].count("\n"), text, flags=re.DOTALL)
    lines = text.splitlines()
    title, title_line = "", 0
    for number, line in enumerate(lines):
        if line.startswith("# "):
            title, title_line = CONTROL_RE.sub("", line[2:]).strip(), number
            break
    # Only a title that says the kind names the group ("Policy Working Group"); an old
    # README may open with "# The Mission", or no title: the folder's name names it.
    kind, _, rest = slug.partition("-")
    name = title if kind == "committee" and title.endswith(" Committee") else ""
    for suffix, word in TITLE_KINDS:
        if title.endswith(suffix) and slug.startswith(normalise(word) + "-"):
            name = word + title.removesuffix(suffix)
    if not name:
        name = display_name(slug, rest.replace("-", " ").title())
    if len(name) > MAX_NAME:
        problems.append(
            f"{path}:{title_line + 1}: the title is over {MAX_NAME} characters; ignored"
        )
        name = ""
    paragraph: list[str] = []
    for line in lines[title_line + 1 if title else 0 :]:
        if not line.strip():
            if paragraph:
                break
            continue
        if line.startswith(("#", "*", "-", "|", ">", "<", "```", "[")):
            if paragraph:
                break
            if line.startswith("#"):
                break
            continue
        paragraph.append(line.strip())
    mission = MARKDOWN_LINK_RE.sub(r"\1", " ".join(paragraph)).replace("`", "")
    mission = CONTROL_RE.sub("", mission).strip()
    if len(mission) > MAX_MISSION:
        problems.append(
            f"{path}:{title_line + 2}: the mission is over {MAX_MISSION} characters; cut"
        )
        mission = mission[: MAX_MISSION - 1].rstrip() + "…"
    group = Group(
        slug=slug,
        name=name,
        archived=True,
        mission=mission,
        community_url=f"{COMMUNITY_TREE}/archive/{slug}",
    )
    return group, problems


def read_archive(repo: Path) -> tuple[list[Group], list[str]]:
    """The archived groups: one per folder of ``archive/`` named like a group (links not followed)."""
    top = repo / "archive"
    if top.is_symlink():
        return [], [f"{top}: a symbolic link; not followed"]
    if not top.is_dir():
        return [], []
    groups, problems = [], []
    entries = sorted(top.iterdir())
    if len(entries) > MAX_ARCHIVED:
        problems.append(f"{top}: {len(entries)} entries; the first {MAX_ARCHIVED} are read")
    for entry in entries[:MAX_ARCHIVED]:
        if entry.is_symlink():
            problems.append(f"{entry}: a symbolic link; not followed")
            continue
        if not entry.is_dir():
            continue
        kind = entry.name.split("-", 1)[0]
        if not GROUP_SLUG_RE.fullmatch(entry.name) or kind not in KIND_WORDS:
            problems.append(f"{entry}: not named like a group (sig-..., wg-...); ignored")
            continue
        group, found = read_archived_readme(entry / "README.md", entry.name)
        problems.extend(found)
        if group is not None:
            groups.append(group)
    return groups, problems


def load_community(repo: Path) -> tuple[list[Group], list[str]]:
    """Every group of a kubernetes/community checkout, by slug, and the problems found.

    A folder under ``archive/`` is an archived group, even when sigs.yaml still lists it
    (its facts then come from sigs.yaml). Raises :class:`CommunityError` without a
    readable sigs.yaml: the checkout is not one of kubernetes/community.
    """
    sigs = repo / "sigs.yaml"
    if not sigs.exists() and not sigs.is_symlink():
        raise CommunityError(f"{repo}: no sigs.yaml; give a checkout of kubernetes/community")
    active, problems = read_sigs_yaml(sigs)
    archived, found = read_archive(repo)
    problems.extend(found)
    groups = {group.slug: group for group in active}
    for group in archived:
        listed = groups.get(group.slug)
        if listed is not None:
            groups[group.slug] = Group(
                **{**asdict(listed), "archived": True, "community_url": group.community_url}
            )
        else:
            groups[group.slug] = group
    return [groups[slug] for slug in sorted(groups)], problems


# -- groups.json: the compiled facts -------------------------------------------------

#: The fields groups.json holds: everything but LWKD's own (aliases, renamed_to).
FACT_FIELDS = (
    "slug", "name", "archived", "mission", "label", "chairs", "tech_leads", "meetings",
    "slack", "mailing_list", "subprojects", "stakeholder_sigs", "community_url",
)  # fmt: skip


def dump_group_facts(groups: list[Group]) -> str:
    """Serialise groups as stable JSON (sorted, so an unchanged checkout gives the same bytes)."""
    rows = []
    for group in sorted(groups, key=lambda g: g.slug):
        row = asdict(group)
        rows.append({key: row[key] for key in FACT_FIELDS})
    return json.dumps(rows, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _text(row: dict, key: str, where: str, limit: int) -> str:
    value = row.get(key, "")
    if not isinstance(value, str) or len(value) > limit or CONTROL_RE.search(value):
        raise ValueError(f"{where}: {key} is not a text of at most {limit} characters")
    return value


def _texts(value: object, where: str, size: int | None, limit: int) -> tuple:
    """A list of texts, or (``size`` given) of lists of ``size`` texts."""
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise ValueError(f"{where} is not a list of at most {MAX_ITEMS} items")
    found = []
    for item in value:
        parts = item if size is not None else [item]
        if not isinstance(parts, list) or len(parts) != (size or 1):
            raise ValueError(f"{where}: an item is not {size} texts")
        for part in parts:
            if not isinstance(part, str) or len(part) > limit or CONTROL_RE.search(part):
                raise ValueError(f"{where}: an item is not a text of at most {limit} characters")
        found.append(tuple(parts) if size is not None else item)
    return tuple(found)


def _checked_row(index: int, row: object) -> Group:
    """One row of groups.json as a group, or ValueError saying which value is wrong."""
    if not isinstance(row, dict):
        raise ValueError(f"row {index} is not an object")
    slug = row.get("slug")
    if not isinstance(slug, str) or not GROUP_SLUG_RE.fullmatch(slug):
        raise ValueError(f"row {index}: slug is not a group's slug")
    if slug.split("-", 1)[0] not in KIND_WORDS:
        raise ValueError(f"row {index}: slug {slug!r} is not a sig-, wg-, committee- or ug- slug")
    where = f"row {index} ({slug})"
    unknown = set(row) - set(FACT_FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
    if not isinstance(row.get("archived", False), bool):
        raise ValueError(f"{where}: archived is not true or false")
    for key in ("mailing_list", "community_url"):
        value = row.get(key, "")
        if value and not is_https_url(value):
            raise ValueError(f"{where}: {key} is not an https:// address")
    community_url = row.get("community_url", "")
    if community_url and not community_url.startswith(f"{COMMUNITY_TREE}/"):
        raise ValueError(f"{where}: community_url is not a folder of kubernetes/community")
    slack = _text(row, "slack", where, 80)
    if slack and not SLACK_RE.fullmatch(slack):
        raise ValueError(f"{where}: slack is not a channel")
    label = _text(row, "label", where, MAX_NAME)
    if label and not GROUP_SLUG_RE.fullmatch(label):
        raise ValueError(f"{where}: label is not a label")
    chairs, leads = (
        _texts(row.get(key, []), f"{where}: {key}", 2, MAX_NAME) for key in ("chairs", "tech_leads")
    )
    for _name, handle in (*chairs, *leads):
        if not GITHUB_RE.fullmatch(handle):
            raise ValueError(f"{where}: {handle!r} is not a GitHub handle")
    meetings = _texts(row.get("meetings", []), f"{where}: meetings", 6, MAX_URL)
    for meeting in meetings:
        if any(len(text) > MAX_SHORT_TEXT for text in meeting[:5]):
            raise ValueError(f"{where}: meetings: a text is over {MAX_SHORT_TEXT} characters")
        if meeting[5] and not is_https_url(meeting[5]):
            raise ValueError(f"{where}: meetings: a url is not an https:// address")
    stakeholders = _texts(row.get("stakeholder_sigs", []), f"{where}: stakeholder_sigs", None, 100)
    if not all(GROUP_SLUG_RE.fullmatch(s) for s in stakeholders):
        raise ValueError(f"{where}: stakeholder_sigs is not a list of group slugs")
    return Group(
        slug=slug,
        name=_text(row, "name", where, MAX_NAME) or slug,
        archived=row.get("archived", False),
        mission=_text(row, "mission", where, MAX_MISSION),
        label=label,
        chairs=chairs,
        tech_leads=leads,
        meetings=meetings,
        slack=slack,
        mailing_list=row.get("mailing_list", ""),
        subprojects=_texts(row.get("subprojects", []), f"{where}: subprojects", None, MAX_NAME),
        stakeholder_sigs=stakeholders,
        community_url=community_url,
    )


def parse_group_facts(text: str) -> list[Group]:
    """Inverse of :func:`dump_group_facts`, checking every value: ValueError names the first wrong one."""
    rows = json.loads(text)
    if not isinstance(rows, list):
        raise ValueError("group facts are not a list")
    groups: dict[str, Group] = {}
    for index, row in enumerate(rows):
        group = _checked_row(index, row)
        if group.slug in groups:
            raise ValueError(f"row {index}: {group.slug} is there twice")
        groups[group.slug] = group
    return list(groups.values())
