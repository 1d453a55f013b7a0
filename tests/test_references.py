"""Turning references in imported text into roles: each form, each trap."""

from __future__ import annotations

import pytest

from lwkd_archive.groups import load_groups
from lwkd_archive.importer.references import add_roles


def roles(text: str, year: int = 2024) -> str:
    return add_roles(text, year=year)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A pull request of the enhancements repo names its KEP beside it: 3136, not 3137.
        (
            "[enhancements#3137: KEP-3136: beta apis off by default](https://github.com/kubernetes/enhancements/pull/3137)",
            "{pr}`enhancements#3137 <kubernetes/enhancements#3137>`: {kep}`KEP-3136: beta apis off by default <3136>`",
        ),
        # The KEP first in the text of a pull-request link: both stay links, same text.
        (
            "[KEP-2799: tokens](https://github.com/kubernetes/enhancements/pull/2800)",
            "{kep}`KEP-2799 <2799>`: {pr}`tokens <kubernetes/enhancements#2800>`",
        ),
        # No KEP number beside it: a pull request, not a KEP.
        (
            "[Add checkpointing KEP](https://github.com/kubernetes/enhancements/pull/1990)",
            "{pr}`Add checkpointing KEP <kubernetes/enhancements#1990>`",
        ),
        ("[issue](https://github.com/kubernetes/enhancements/issues/3136)", "{kep}`issue <3136>`"),
        ("[sysctl](https://github.com/kubernetes/features/issues/34)", "{kep}`sysctl <34>`"),
        (
            "[the KEP](https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/1287-in-place-update-pod-resources)",
            "{kep}`the KEP <1287>`",
        ),
        (
            "[#106715](https://github.com/kubernetes/kubernetes/pull/106715)",
            "{pr}`#106715 <kubernetes/kubernetes#106715>`",
        ),
        (
            "[a fix](https://github.com/kubernetes-sigs/kueue/pull/12)",
            "{pr}`a fix <kubernetes-sigs/kueue#12>`",
        ),
        ("KEP-3136 is on", "{kep}`KEP-3136 <3136>` is on"),
        ("KEP 3136 is on", "{kep}`KEP 3136 <3136>` is on"),
        ("KEP #3136 is on", "{kep}`KEP #3136 <3136>` is on"),
        ("see kep-3136.", "see {kep}`kep-3136 <3136>`."),
        (
            "enhancements#3137 merged",
            "{pr}`enhancements#3137 <kubernetes/enhancements#3137>` merged",
        ),
        ("SIG Node met", "{sig}`SIG Node <sig-node>` met"),
        ("SIG-API-Machinery met", "{sig}`SIG-API-Machinery <sig-api-machinery>` met"),
        ("sig-node met", "{sig}`sig-node <sig-node>` met"),
        ("the Node SIG met", "the {sig}`Node SIG <sig-node>` met"),
        ("ask in #sig-node", "ask in #{sig}`sig-node <sig-node>`"),
        (
            "WG-Batch and the Serving Working Group",
            "{sig}`WG-Batch <wg-batch>` and the {sig}`Serving Working Group <wg-serving>`",
        ),
        ("WG K8s Infra", "{sig}`WG K8s Infra <sig-k8s-infra>`"),
        ("the Steering Committee", "the {sig}`Steering Committee <committee-steering>`"),
        (
            "[SIG-Scheduling](https://github.com/kubernetes/community/tree/master/sig-scheduling)",
            "{sig}`SIG-Scheduling <sig-scheduling>`",
        ),
    ],
)
def test_reference_forms_become_roles(text, expected):
    assert roles(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the signal is weak, a signature, a design",
        "SIG Leads and SIG Chairs met; all SIGs",
        "[release repo](https://github.com/kubernetes/sig-release)",
        "[blocking](https://testgrid.k8s.io/sig-release-master-blocking)",
        "dashboard sig-release-master-blocking is red",
        "[kueue](https://github.com/kubernetes-sigs/kueue) on sigs.k8s.io/kueue",
        "the kubernetes/sig-release repo",
        "`SIG Node` and `KEP-3136` in code",
        "KEPs are due",
    ],
)
def test_false_friends_stay_as_written(text):
    assert roles(text) == text


def test_old_kep_numbering_of_2018_and_2019_is_not_linked():
    text = "[enhancements#639: KEP 34 Coscheduling](https://github.com/kubernetes/enhancements/pull/639)"
    converted, notes = add_roles(text, year=2019)
    assert "{kep}" not in converted
    assert converted == "{pr}`enhancements#639: KEP 34 Coscheduling <kubernetes/enhancements#639>`"
    assert [n.kind for n in notes] == ["old-kep-number"]
    converted, notes = add_roles("KEP 0009 and KEP 34", year=2018)
    assert converted == "KEP 0009 and KEP 34"
    assert [n.kind for n in notes] == ["old-kep-number", "old-kep-number"]
    flat = "[heartbeat](https://github.com/kubernetes/community/blob/master/keps/sig-node/0009-node-heartbeat.md)"
    assert roles(flat, year=2018) == flat
    # The same small number in 2024 is today's numbering.
    assert roles("KEP 34", year=2024) == "{kep}`KEP 34 <34>`"


def test_same_group_same_slug_and_idempotence():
    text = "SIG Node, sig-node and SIG-Node; KEP-3136 in [KEP-3136](https://github.com/kubernetes/enhancements/issues/3136)"
    once = roles(text)
    assert once.count("<sig-node>`") == 3
    assert roles(once) == once


def test_every_group_in_the_table_is_recognised_by_its_name():
    groups = load_groups()
    for group in groups:
        converted = roles(f"Thanks to {group.name}.")
        target = groups.resolve(group.slug).slug
        assert f"<{target}>`" in converted, group.name
