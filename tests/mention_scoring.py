"""How well the archive finds the KEPs and groups a post mentions, against hand-written labels.

The labels (``tests/labels/*.yaml``) say, post by post, which KEPs and groups a careful
reader finds in it; the built site says which ones the archive recorded
(``api/issues.json``: ``keps``, and ``named_sigs``, the groups the issue itself names,
not the owners of its KEPs). Both are compared as (post, key) pairs, one count per kind,
so that a reader can check every miss and every extra against the post. Shared by
``tests/test_mention_labels.py`` (the corpus) and ``benchmarks/mentions.py`` (any posts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

KINDS = ("groups", "keps")
#: The API field that holds each kind; "sigs" is not used: it adds the owners of KEPs.
API_FIELDS = {"groups": "named_sigs", "keps": "keps"}


@dataclass(frozen=True)
class Labels:
    """One post's expected mentions, by kind: group slugs and KEP numbers."""

    groups: frozenset[str]
    keps: frozenset[int]

    def of(self, kind: str) -> frozenset:
        return getattr(self, kind)


def load_labels(path: Path) -> dict[str, Labels]:
    """A labels file: post file name -> its expected mentions; a malformed entry raises
    ValueError naming the file and the post, so that a typo is never scored as a miss."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of post file names to labels")
    labels = {}
    for post, entry in data.items():
        where = f"{path}: {post!r}"
        if not isinstance(post, str) or not post.endswith(".md"):
            raise ValueError(f"{where}: a key must be a post's file name (….md)")
        if not isinstance(entry, dict) or set(KINDS) - set(entry):
            raise ValueError(f"{where}: needs both 'groups' and 'keps' lists")
        groups, keps = entry["groups"], entry["keps"]
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise ValueError(f"{where}: 'groups' must be a list of slugs")
        if not isinstance(keps, list) or not all(
            isinstance(k, int) and not isinstance(k, bool) for k in keps
        ):
            raise ValueError(f"{where}: 'keps' must be a list of KEP numbers")
        labels[post] = Labels(frozenset(groups), frozenset(keps))
    return labels


def load_found(issues_json: Path) -> tuple[dict[str, Labels], list[str]]:
    """What the built site recorded, by post file name, and the problems met reading it
    (a missing ``named_sigs`` field is one: the groups then count as found nowhere)."""
    rows = json.loads(issues_json.read_text(encoding="utf-8"))
    found: dict[str, Labels] = {}
    problems: list[str] = []
    for row in rows:
        name = PurePosixPath(str(row.get("source") or "")).name
        if not name:
            continue
        if API_FIELDS["groups"] not in row and not problems:
            problems.append(
                f"{issues_json}: issues have no '{API_FIELDS['groups']}' field; "
                "groups are scored as never found"
            )
        groups = row.get(API_FIELDS["groups"]) or []
        keps = row.get(API_FIELDS["keps"]) or []
        found[name] = Labels(frozenset(map(str, groups)), frozenset(map(int, keps)))
    return found, problems


@dataclass
class Score:
    """One kind's (post, key) pairs: those expected and found, missed, and found extra."""

    kind: str
    hits: int = 0
    missed: list[tuple[str, object]] = field(default_factory=list)
    extra: list[tuple[str, object]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.hits + len(self.extra)
        return self.hits / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.hits + len(self.missed)
        return self.hits / expected if expected else 1.0

    def line(self) -> str:
        expected, found = self.hits + len(self.missed), self.hits + len(self.extra)
        return (
            f"{self.kind}: recall {self.recall:.1%} ({self.hits}/{expected}), "
            f"precision {self.precision:.1%} ({self.hits}/{found})"
        )


def score(labels: dict[str, Labels], found: dict[str, Labels]) -> dict[str, Score]:
    """Compare the labelled posts only; a labelled post the site lacks misses all its pairs."""
    scores = {kind: Score(kind) for kind in KINDS}
    empty = Labels(frozenset(), frozenset())
    for post in sorted(labels):
        for kind, result in scores.items():
            expected, got = labels[post].of(kind), found.get(post, empty).of(kind)
            result.hits += len(expected & got)
            result.missed += [(post, key) for key in sorted(expected - got)]
            result.extra += [(post, key) for key in sorted(got - expected)]
    return scores


def report(scores: dict[str, Score], labels: dict[str, Labels], found: dict[str, Labels]) -> str:
    """The figures, then every missed and extra pair with its post, for a reader to check."""
    absent = sorted(set(labels) - set(found))
    lines = [f"{len(labels)} labelled posts"]
    lines += [f"  not in the site (all their pairs missed): {post}" for post in absent]
    for result in scores.values():
        lines.append(result.line())
        lines += [f"  missed {result.kind[:-1]} {key} in {post}" for post, key in result.missed]
        lines += [f"  extra  {result.kind[:-1]} {key} in {post}" for post, key in result.extra]
    return "\n".join(lines)
