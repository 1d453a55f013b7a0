"""The group table: every spelling LWKD used resolves to one canonical group."""

from __future__ import annotations

import pytest

from lwkd_archive.facts.groups import (
    KIND_WORDS,
    Group,
    GroupTable,
    is_group_slug,
    load_groups,
    normalise,
)


@pytest.fixture(scope="module")
def groups() -> GroupTable:
    return load_groups()


def test_table_is_consistent(groups):
    slugs = [g.slug for g in groups]
    assert len(slugs) == len(set(slugs)) == len(groups)
    for group in groups:
        assert group.kind in KIND_WORDS, group.slug
        assert group.slug == normalise(group.slug), group.slug
        # A slug names files (sigs/<slug>.html): is_group_slug relies on this form.
        assert is_group_slug(group.slug), group.slug
        if group.renamed_to:
            assert groups.get(group.renamed_to) is not None, group.slug


def test_no_spelling_names_two_groups(groups):
    """An alias shared by two rows must lead to the same group (a rename), never two."""
    claimed: dict[str, str] = {}
    for group in groups:
        for spelling in (group.slug, group.name, *group.aliases):
            target = groups.resolve(group.slug).slug
            previous = claimed.setdefault(normalise(spelling), target)
            assert previous == target, f"{spelling!r} names {previous} and {target}"


def test_every_alias_resolves_to_its_group(groups):
    for group in groups:
        expected = groups.resolve(group.slug)
        for spelling in (group.slug, group.name, *group.aliases):
            assert groups.resolve(spelling) is expected, spelling


@pytest.mark.parametrize(
    ("spelling", "slug"),
    [
        ("SIG Node", "sig-node"),
        ("sig-node", "sig-node"),
        ("SIG-Node", "sig-node"),
        ("sig node", "sig-node"),
        ("#sig-node", "sig-node"),
        ("node", "sig-node"),
        ("Node SIG", "sig-node"),
        ("SIG-API-Machinery", "sig-api-machinery"),
        ("SIG-APIMachinery", "sig-api-machinery"),
        ("SIG-Arch", "sig-architecture"),
        ("SIG-Architechture", "sig-architecture"),
        ("SIG ContribEx", "sig-contributor-experience"),
        ("contribex", "sig-contributor-experience"),
        ("SIG-Scalabilty", "sig-scalability"),
        ("sig-scale", "sig-scalability"),
        ("SIG-MC", "sig-multicluster"),
        ("WG K8s Infra", "sig-k8s-infra"),
        ("wg-k8s-infra", "sig-k8s-infra"),
        ("WG-ML", "wg-machine-learning"),
        ("wg-reliablity", "wg-reliability"),
        ("steering", "committee-steering"),
        ("Steering Committee", "committee-steering"),
        ("CoC", "committee-code-of-conduct"),
        ("Code of Conduct Committee", "committee-code-of-conduct"),
        ("Security Response Committee", "committee-security-response"),
        ("Product Security Committee", "committee-security-response"),
        # Spellings LWKD used for groups of kubernetes/community's list, linked even
        # when a build has no copy of the list.
        ("WG AI Gateway", "wg-ai-gateway"),
        ("WG AI Integration", "wg-ai-integration"),
        ("AI Conformance WG", "wg-ai-conformance"),
        ("Kubernetes-VMware UG", "ug-vmware-users"),
        ("Structured Logging Migration WG", "wg-structured-logging"),
        ("WG Workload-aware Scheduling", "wg-workload-aware-scheduling"),
        # Never in the list: LWKD's own row.
        ("WG Node Identity", "wg-node-identity"),
        # SIG Big Data became a user group.
        ("SIG-Big-Data", "ug-big-data"),
    ],
)
def test_spellings(groups, spelling, slug):
    assert groups.resolve(spelling).slug == slug


@pytest.mark.parametrize("words", ["SIG Leads", "SIG Chairs", "leads", "SIGs", "signal", ""])
def test_not_groups(groups, words):
    assert groups.resolve(words) is None


def test_renames_are_followed_without_looping():
    table = GroupTable(
        [
            Group("wg-a", "WG A", renamed_to="wg-b"),
            Group("wg-b", "WG B", renamed_to="wg-a"),
            Group("sig-c", "SIG C", aliases=("see",)),
        ]
    )
    assert table.resolve("wg-a").slug in {"wg-a", "wg-b"}
    assert table.resolve("SIG See").slug == "sig-c"
    assert table.resolve("See SIG").slug == "sig-c"


@pytest.mark.parametrize("slug", ["wg-policy", "wg-lts", "wg-serving", "ug-vmware-users"])
def test_groups_the_community_archived_are_archived_without_its_list(groups, slug):
    assert groups.get(slug).archived
