"""The KEPs and groups the archive finds in the corpus, against labels written by reading it.

``tests/labels/corpus-*.yaml`` hold the expected mentions of a random sample of the
corpus's posts, labelled by hand (see their header). The built corpus must find them
with recall of at least 95% and precision of at least 98%, counted as (post, key) pairs
over all labelled posts, for groups and for KEPs separately. A failure lists every
missed and every extra pair with its post; ``-s`` prints the figures on success too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.mention_scoring import KINDS, load_found, load_labels, report, score

pytestmark = pytest.mark.corpus

LABELS = Path(__file__).resolve().parent / "labels"
LABEL_FILES = sorted(LABELS.glob("corpus-*.yaml"))
MIN_RECALL = 0.95
MIN_PRECISION = 0.98


def all_labels():
    """Every corpus labels file merged; a post labelled twice is an error of the labels."""
    merged = {}
    for path in LABEL_FILES:
        for post, labels in load_labels(path).items():
            assert post not in merged, f"{path.name}: {post} is labelled in two files"
            merged[post] = labels
    return merged


def known_groups(corpus: Path) -> tuple[set[str], set[str]]:
    """The canonical group slugs (community list, its archive, the archive's own table)
    and the slugs of groups that were renamed, which labels must not use."""
    table = yaml.safe_load((REPO / "lwkd_archive/facts/data/groups.yaml").read_text())["groups"]
    slugs = {g["slug"] for g in table}
    renamed = {g["slug"] for g in table if g.get("renamed_to")}
    community = corpus / "community"
    sigs = yaml.safe_load((community / "sigs.yaml").read_text(encoding="utf-8")) or {}
    for key in ("sigs", "workinggroups", "committees", "usergroups"):
        slugs |= {g["dir"] for g in sigs.get(key) or () if isinstance(g, dict) and g.get("dir")}
    slugs |= {p.name for p in (community / "archive").iterdir() if p.is_dir()}
    return slugs - renamed, renamed


def test_labels_name_corpus_posts_and_canonical_groups(corpus):
    assert LABEL_FILES, f"no corpus-*.yaml in {LABELS}"
    labels = all_labels()
    posts = {p.name for p in (corpus / "lwkd" / "_posts").glob("*.md")}
    slugs, renamed = known_groups(corpus)
    wrong = [f"{post}: not a corpus post" for post in sorted(set(labels) - posts)]
    for post, entry in sorted(labels.items()):
        wrong += [f"{post}: group {g!r} renamed, use its new slug" for g in entry.groups & renamed]
        wrong += [f"{post}: unknown group {g!r}" for g in sorted(entry.groups - slugs - renamed)]
        wrong += [f"{post}: KEP {k} is not a KEP number" for k in entry.keps if k <= 0]
    assert not wrong, "\n".join(wrong)


@pytest.fixture(scope="module")
def measured(corpus_site):
    """The labels, what the built corpus found, the scores and their report (printed)."""
    labels = all_labels()
    found, problems = load_found(corpus_site / "api" / "issues.json")
    scores = score(labels, found)
    text = "\n".join([*problems, report(scores, labels, found)])
    print(f"\nmentions in the corpus against {', '.join(p.name for p in LABEL_FILES)}:\n{text}")
    return scores, text


@pytest.mark.parametrize("kind", KINDS)
def test_mentions_are_found_as_labelled(measured, kind):
    scores, text = measured
    result = scores[kind]
    meets_targets = result.recall >= MIN_RECALL and result.precision >= MIN_PRECISION
    assert meets_targets, (
        f"{kind}: need recall >= {MIN_RECALL:.0%} and precision >= {MIN_PRECISION:.0%}\n{text}"
    )
