"""The canonical list of Kubernetes community groups and the spellings that name them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

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


@dataclass(frozen=True)
class Group:
    """One SIG, working group, committee or user group."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    archived: bool = False
    renamed_to: str = ""

    @property
    def kind(self) -> str:
        return self.slug.split("-", 1)[0]


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


@cache
def load_groups() -> GroupTable:
    """The table shipped in ``lwkd_archive/data/groups.yaml``."""
    text = resources.files("lwkd_archive.facts").joinpath("data/groups.yaml").read_text("utf-8")
    # libyaml where installed: the table is read at the start of every build.
    rows = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["groups"]  # noqa: S506
    return GroupTable(
        [
            Group(
                slug=row["slug"],
                name=row["name"],
                aliases=tuple(row.get("aliases", ())),
                archived=bool(row.get("archived", False)),
                renamed_to=row.get("renamed_to", ""),
            )
            for row in rows
        ]
    )
