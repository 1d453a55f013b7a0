"""The canonical list of Kubernetes community groups and the spellings that name them."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import yaml

#: What a group's slug looks like. A slug names files (``sigs/<slug>.html``,
#: ``feeds/<slug>.xml``), so a value from kep.yaml or keps.json that does not look
#: like one (``../../x``, ``SIG Node``) never becomes a path.
GROUP_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")

#: The words that say a name is a group, by kind (``SIG Node``, ``Batch Working Group``).
KIND_WORDS = {
    "sig": ("SIG",),
    "wg": ("WG", "Working Group"),
    "committee": ("Committee",),
    "ug": ("UG", "User Group"),
}


#: A person who leads a group, as (name, GitHub handle).
Leader = tuple[str, str]
#: A group's meeting, as (description, day, time, time zone, frequency, https URL or "").
Meeting = tuple[str, str, str, str, str, str]

COMMUNITY_TREE = "https://github.com/kubernetes/community/tree/master"


@dataclass(frozen=True)
class Group:
    """One SIG, working group, committee or user group.

    ``slug``, ``name``, ``aliases`` and ``renamed_to`` are LWKD's own (groups.yaml);
    the rest comes from kubernetes/community's list when the build has it
    (see :mod:`lwkd_archive.facts.community`), and is empty otherwise.
    """

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    archived: bool = False
    renamed_to: str = ""
    mission: str = ""
    label: str = ""
    chairs: tuple[Leader, ...] = ()
    tech_leads: tuple[Leader, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    slack: str = ""
    mailing_list: str = ""
    subprojects: tuple[str, ...] = ()
    stakeholder_sigs: tuple[str, ...] = ()
    #: The group's folder in kubernetes/community ("" when the list does not have it).
    community_url: str = ""

    @property
    def kind(self) -> str:
        return self.slug.split("-", 1)[0]

    @property
    def folder_url(self) -> str:
        """Where the group lives in kubernetes/community: its folder, as the list says.

        Without the list (the bundled sample), a group that is not archived is
        assumed at ``<slug>/``, where every active group's folder is.
        """
        if self.community_url:
            return self.community_url
        return "" if self.archived else f"{COMMUNITY_TREE}/{self.slug}"


def is_group_slug(text: object) -> bool:
    """True for text that is or could be a group's slug (``sig-node``, ``sig-foo``); never a path.

    Every known group's slug has this form (a test holds the table to it), so the
    table need not be loaded to tell.
    """
    return isinstance(text, str) and GROUP_SLUG_RE.fullmatch(text) is not None


def normalise(text: str) -> str:
    """Fold case, spaces, hyphens and underscores so that spellings compare equal."""
    return re.sub(r"[\s_-]+", "-", text.strip().lower()).strip("-#")


class GroupTable:
    """Look groups up by slug or by any spelling in the alias table."""

    def __init__(self, groups: list[Group]) -> None:
        self.groups = {g.slug: g for g in groups}
        self._by_spelling: dict[str, Group] = {}
        for group in groups:
            kind, _, rest = group.slug.partition("-")
            spellings = [group.slug, group.name, *group.aliases]
            if kind in {"sig", "wg", "ug"}:
                # "node" alone and "Node SIG" name SIG Node too; so do "SIG Arch" and
                # "Arch SIG" for an alias "arch".
                for name in (rest, *group.aliases):
                    folded = normalise(name)
                    if not folded.startswith(f"{kind}-"):
                        spellings += [name, f"{kind}-{folded}", f"{folded}-{kind}"]
            for spelling in spellings:
                self._by_spelling.setdefault(normalise(spelling), group)

    def __iter__(self):
        return iter(self.groups.values())

    @property
    def fingerprint(self) -> str:
        """A sha256 of every group's every field: equal tables, equal fingerprints.

        What an import or a build derived from the table is current while this is.
        """
        rows = [asdict(self.groups[slug]) for slug in sorted(self.groups)]
        text = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __len__(self) -> int:
        return len(self.groups)

    def get(self, slug: str) -> Group | None:
        return self.groups.get(slug)

    def resolve(self, text: str) -> Group | None:
        """The group ``text`` names (``node``, ``SIG-Node``, ``sig node``...), following renames."""
        group = self._by_spelling.get(normalise(text))
        seen = set()
        while group is not None and group.renamed_to and group.slug not in seen:
            seen.add(group.slug)
            group = self.groups.get(group.renamed_to, group)
        return group


def bundled_groups() -> list[Group]:
    """The table shipped in ``lwkd_archive/facts/data/groups.yaml``: LWKD's own knowledge."""
    return list(_bundled_groups())


@cache
def _bundled_groups() -> tuple[Group, ...]:
    text = resources.files("lwkd_archive.facts").joinpath("data/groups.yaml").read_text("utf-8")
    # libyaml where installed: the table is read at the start of every build.
    rows = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["groups"]  # noqa: S506
    return tuple(
        Group(
            slug=row["slug"],
            name=row["name"],
            aliases=tuple(row.get("aliases", ())),
            archived=bool(row.get("archived", False)),
            renamed_to=row.get("renamed_to", ""),
        )
        for row in rows
    )


def merge_groups(bundled: list[Group], community: list[Group]) -> list[Group]:
    """The group table: kubernetes/community's facts, with LWKD's spellings and renames.

    A group in the community's list takes its name, archived status and every
    fact from there; groups.yaml adds its aliases (its own name among them when
    the list spells it otherwise, so LWKD's spelling still resolves) and its
    ``renamed_to``. A group only in groups.yaml (LWKD named it, the list never
    had it) stays as written; a group only in the list is added.
    """
    listed = {group.slug: group for group in community}
    merged = []
    for own in bundled:
        facts = listed.pop(own.slug, None)
        if facts is None:
            merged.append(own)
            continue
        aliases = own.aliases + (
            (own.name,) if normalise(own.name) != normalise(facts.name) else ()
        )
        merged.append(replace(facts, aliases=aliases, renamed_to=own.renamed_to))
    merged.extend(listed[slug] for slug in sorted(listed))
    return merged


#: The community facts (groups.json) the table is merged with; None: groups.yaml alone.
_group_facts: Path | None = None


def use_group_facts(path: str | Path | None) -> None:
    """Make :func:`load_groups` merge the community facts at ``path`` (None or "": none).

    The build calls it with ``lwkd_group_facts`` when its configuration is read, the
    importer with the groups.json it wrote, so every caller of :func:`load_groups`
    gets the same table without passing it around.
    """
    global _group_facts
    _group_facts = Path(path) if path else None


def group_facts_path() -> Path | None:
    """The community facts :func:`load_groups` merges, if any."""
    return _group_facts


class GroupFactsError(ValueError):
    """A groups.json that cannot be used; the message names the file and the value."""


def load_groups() -> GroupTable:
    """The group table: groups.yaml, merged with the community facts in use, if any.

    Cached per facts file, and read again when that file changes (its inode, size
    and modification time), so a long-lived process never serves a stale table.
    A facts file that cannot be read gives groups.yaml alone; :func:`check_group_facts`
    says why.
    """
    path = _group_facts
    if path is None:
        return _table(None)
    try:
        stat = path.stat()
    except OSError:
        return _table(None)
    return _table((str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns))


def check_group_facts(path: str | Path) -> GroupTable:
    """The merged table for the facts at ``path``; :class:`GroupFactsError` saying what is wrong."""
    from lwkd_archive.facts.community import parse_group_facts

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GroupFactsError(f"{path}: cannot read group facts: {exc}") from None
    try:
        community = parse_group_facts(text)
    except (ValueError, RecursionError) as exc:
        raise GroupFactsError(f"{path}: {exc}") from None
    return GroupTable(merge_groups(bundled_groups(), community))


@lru_cache(maxsize=8)
def _table(key: tuple | None) -> GroupTable:
    if key is None:
        return GroupTable(bundled_groups())
    try:
        return check_group_facts(key[0])
    except GroupFactsError:
        return GroupTable(bundled_groups())
