"""KEPs named without their number: by feature gate, by title, by an old file; numbers
written beside another KEP's name. Expected answers are kep.yaml's and the posts' own."""

from __future__ import annotations

import time

import pytest

from lwkd_archive.editor.check import _kep_numbers_shown, _paragraphs
from lwkd_archive.facts.keps import KepFacts, load_enhancements
from lwkd_archive.importer.kep_names import (
    OLD_NAME_RE,
    KepNames,
    old_kep_files,
    parse_old_kep_files,
)


def kep(number: int, title: str, *gates: str, path: str = "") -> KepFacts:
    return KepFacts(number=number, title=title, feature_gates=gates, path=path)


SMALL = {
    1287: kep(
        1287,
        "In-place Update of Pod Resources",
        "InPlacePodVerticalScaling",
        "InPlacePodVerticalScalingAllocatedStatus",
        path="keps/sig-node/1287-in-place-update-pod-resources",
    ),
    3063: kep(3063, "Dynamic Resource Allocation", "DynamicResourceAllocation"),
    4381: kep(4381, "DRA: Structured Parameters", "DynamicResourceAllocation"),
    688: kep(688, "Pod Overhead", "PodOverhead"),
    4153: kep(4153, "Declarative Validation"),
    5073: kep(5073, "Declarative Validation"),
    2392: kep(2392, "Cloud Controller Manager"),
    2000: kep(2000, "Graceful Node Shutdown", "GracefulNodeShutdown"),
    4802: kep(4802, "Windows Graceful Node Shutdown", "WindowsGracefulNodeShutdown"),
    3299: kep(3299, "KMS v2 Improvements", "KMSv2"),
    625: kep(625, "In-tree Storage Plugin to CSI Migration", "CSIMigration"),
    1487: kep(1487, "In-tree Storage Plugin to CSI Migration - AWS", "CSIMigrationAWS"),
    783: kep(783, "Create a `k8s.io/component-base` repo"),
    624: kep(624, "Scheduling Framework", path="keps/sig-scheduling/624-scheduling-framework"),
    3962: kep(3962, "Mutating Admission Policies", "MutatingAdmissionPolicy"),
    4192: kep(4192, "Move Storage Version Migrator in-tree", "StorageVersionMigrator"),
}


@pytest.fixture(scope="module")
def small() -> KepNames:
    return KepNames.from_facts(SMALL)


@pytest.fixture(scope="module")
def real_keps(corpus) -> dict[int, KepFacts]:
    facts, _errors = load_enhancements(corpus / "enhancements")
    return facts


@pytest.fixture(scope="module")
def real(real_keps) -> KepNames:
    return KepNames.from_facts(real_keps)


# Feature gates


def test_a_gate_names_its_kep_only_when_one_kep_lists_it(small):
    assert small.gate("InPlacePodVerticalScaling") == 1287
    assert small.gate("InPlacePodVerticalScalingAllocatedStatus") == 1287
    assert small.gate("DynamicResourceAllocation") is None  # 3063 and 4381 list it
    assert small.gate("inplacepodverticalscaling") is None  # a gate's name is exact
    assert small.gate("NoSuchGate") is None


def test_gates_are_found_as_whole_words(small):
    text = (
        "`InPlacePodVerticalScaling` and InPlacePodVerticalScalingAllocatedStatus; "
        "DynamicResourceAllocation, XInPlacePodVerticalScaling, PodOverhead-Mode, PodOverhead."
        " PodOverhead-related errors"
    )
    # "PodOverhead-Mode" is another name; "PodOverhead-related" is the gate and a suffix.
    assert small.gates_in(text) == [
        (1, 26, "InPlacePodVerticalScaling", 1287),
        (32, 72, "InPlacePodVerticalScalingAllocatedStatus", 1287),
        (147, 158, "PodOverhead", 688),
        (160, 171, "PodOverhead", 688),
    ]


def test_the_real_gates(real):
    assert real.gate("InPlacePodVerticalScaling") == 1287
    assert real.gate("MutatingAdmissionPolicy") == 3962
    assert real.gate("StorageVersionMigrator") == 4192
    # Listed by three DRA KEPs (3063, 3695, 4381) and by five CPU manager KEPs.
    assert real.gate("DynamicResourceAllocation") is None
    assert real.gate("CPUManagerPolicyOptions") is None
    assert real.gate("None") is None  # a placeholder some kep.yaml write
    assert len(real.gates) == 394


# Titles


def test_a_distinctive_title_is_found_whatever_its_case_and_hyphens(small):
    text = "Work on In-Place update of pod resources and on in place Update Of Pod-Resources."
    assert small.titles_in(text) == [(8, 40, 1287), (48, 80, 1287)]


def test_short_shared_and_common_titles_name_no_kep(small):
    text = (
        "Pod Overhead, Declarative Validation, the cloud controller manager, Scheduling Framework"
    )
    assert small.titles_in(text) == []
    assert sorted(small.rejected["short"]) == [
        "kms v2 improvements",  # 19 characters
        "pod overhead",
        "scheduling framework",
    ]
    assert small.rejected["shared"] == ["declarative validation"]
    assert sorted(small.rejected["common"]) == [
        "cloud controller manager",
        "dynamic resource allocation",
    ]


def test_the_longest_title_wins_and_a_hyphenated_phrase_is_not_a_title(small):
    text = "In-tree Storage Plugin to CSI Migration - AWS, then in-tree storage plugin to CSI migration"
    assert small.titles_in(text) == [(0, 45, 1487), (52, 91, 625)]
    assert small.titles_in("Non-graceful node shutdown, windows graceful node shutdown") == [
        (28, 58, 4802)
    ]
    assert small.titles_in("graceful node shutdown") == [(0, 22, 2000)]
    assert small.titles_in("graceful node shutdowns") == []


def test_a_title_with_punctuation_keeps_it_but_not_its_backticks(small):
    assert small.titles_in("We create a k8s.io/component-base repo.") == [(3, 38, 783)]
    assert small.titles_in("create a k8s io component base repo") == []


def test_titles_in_posts_are_found_fast(corpus, real):
    posts = [
        p.read_text(encoding="utf-8") for p in sorted((corpus / "lwkd" / "_posts").glob("*.md"))
    ]
    names = KepNames.from_facts(real.keps)  # compiled anew, as in an import
    started = time.perf_counter()
    found = [(names.titles_in(post), names.gates_in(post)) for post in posts]
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"{elapsed:.2f} s for {len(posts)} posts"  # about 0.4 s
    by_kep = {kep for titles, _gates in found for _s, _e, kep in titles}
    assert {1287, 3962, 2340, 2876, 4568} <= by_kep  # titles LWKD wrote out
    assert 2392 not in by_kep  # "cloud controller manager": the component, not KEP-2392


def test_a_real_title_from_a_real_post(real):
    sentence = "* [Mutating Admission Policies](https://github.com/kubernetes/enhancements/issues/3962) to beta"
    assert real.titles_in(sentence) == [(3, 30, 3962)]


# Old KEP files


@pytest.mark.parametrize(
    ("name", "today"),
    [
        ("0009-node-heartbeat", 589),  # renamed: 589-efficient-node-heartbeats
        ("0009-node-heartbeat.md", 589),
        ("20190221-even-pods-spreading.md", 895),  # 895-pod-topology-spread
        ("0031-kubernetes-metrics-overhaul.md", 1206),  # 1206-metrics-overhaul
        ("20180409-scheduling-framework.md", 624),  # today's folder of the same name
        ("0014-runtime-class.md", 585),  # 585-runtime-class
        ("0002-cloud-controller-manager.md", 2392),
        ("2258-node-service-log-viewer", 2258),  # 2258-node-log-query
        ("1287-in-place-update-pod-resources", 1287),  # today's name is today's KEP
        ("2004-topology-aware-subsetting", None),  # withdrawn; its folder is gone
        ("0099-no-such-kep.md", None),
        ("../../../etc/passwd", None),
    ],
)
def test_old_kep_files_are_todays_keps(real, name, today):
    assert real.old_file(name) == today


def test_an_old_file_needs_exactly_one_folder_of_its_name(small):
    assert small.old_file("20180409-scheduling-framework.md") == 624
    twice = {**SMALL, 9: kep(9, "Other", path="keps/sig-apps/9-scheduling-framework")}
    assert KepNames.from_facts(twice).old_file("20180409-scheduling-framework.md") is None
    # The table's KEP must be one of the facts: 589 is not among SMALL.
    assert small.old_file("0009-node-heartbeat") is None


def test_each_renamed_file_leads_to_a_kep_folder_of_another_name(real_keps):
    table = dict(old_kep_files())
    assert len(table) == 14
    for old, number in table.items():
        assert number in real_keps, old
        # Else the folder rule finds it, and the line is not needed.
        folder = real_keps[number].path.rsplit("/", 1)[-1].partition("-")[2]
        assert OLD_NAME_RE.match(old)["rest"] != folder, (old, folder)


# A number beside another KEP's name


def test_a_number_beside_another_keps_title_or_gate_is_noticed(real, real_keps):
    # 2026-07-12: KEP-3962 is Mutating Admission Policies; the migrator is KEP-4192.
    assert (
        real.wrong_number(3962, "KEP-3962: Storage Version Migration (SVM) promoted to GA") == 4192
    )
    # 2026-07-26: KEP-6030 is Dynamic Resize of Memory-Backed Volumes; Dynamic Containers
    # is KEP-5972, newer than the corpus's kep.yaml files.
    sentence = (
        "`/allocatedPods` endpoint on the Kubelet. Linked to the Dynamic Containers proposal "
        "(KEP-6030), this endpoint allows the API server to query an on-demand `/allocated`"
    )
    assert real.wrong_number(6030, sentence) is None  # no KEP of that name yet
    newer = KepNames.from_facts({**real_keps, 5972: kep(5972, "Dynamic Containers")})
    assert newer.wrong_number(6030, sentence) == 5972
    assert newer.wrong_number(5972, "proposed under KEP-5972 Dynamic Containers.") is None


@pytest.mark.parametrize(
    ("number", "nearby"),
    [
        (1287, "KEP-1287: In-Place Update of Pod Resources"),
        # The posts' own sentences where another KEP's name is near a right number:
        (4381, "## KEP of the Week  ### KEP 4381: Structured Parameters for Dynamic Resource Allocation  Dynamic Resource Alloca"),
        (4802, "### KEP-4802: Graceful Node Shutdown for Windows Node  This KEP extends node graceful shutdo"),
        (3960, "P 4818: Allow zero value for Sleep Action of PreStop Hook  This KEP is built on KEP-3960, which introduced the sleep action"),
        (5966, "during bootstrap as part of KEP-5966. * Adds the `KubeProxyIPVS` feature gate as Phase 2 of KEP-5495, gating IPVS mo"),
        (5710, "upPostFilter** extension point to the scheduling framework API. Associated with KEP-5710, this clean"),
        (99999, "KEP-99999: Storage Version Migration"),  # not a KEP: nothing to compare
        (3962, "KEP-3962 and KEP-4192: Storage Version Migration"),  # both numbers written
        (3962, "KEP-3962 is not related to the StorageVersionMigrator gate at all"),  # not beside it
    ],
)  # fmt: skip
def test_a_right_number_or_an_unclear_text_is_not_reported(real, number, nearby):
    assert real.wrong_number(number, nearby) is None


def test_a_title_inside_the_words_of_a_longer_one_is_not_enough(small):
    # 2024-12-01 with another number: "Graceful Node Shutdown" is KEP-2000's title, but
    # every word of KEP-4802's (Windows Graceful Node Shutdown) is there too.
    heading = "### KEP-3299: Graceful Node Shutdown for Windows Node"
    assert small.wrong_number(3299, heading) is None
    without_4802 = KepNames.from_facts({n: k for n, k in SMALL.items() if n != 4802})
    assert without_4802.wrong_number(3299, heading) == 2000


def test_a_link_text_without_the_number_is_read_whole(small):
    assert small.wrong_number(3962, "the Storage Version Migrator work") == 4192
    assert small.wrong_number(3962, "mutating admission policies and the migrator") is None


def test_the_corpus_reports_no_wrong_number(corpus, real):
    """Over the 334 posts of the corpus every KEP number is its KEP's: a report is a false one.

    (The newer posts of the mirror have one real case, 2026-07-12's KEP-3962.)"""
    reports = []
    for path in sorted((corpus / "lwkd" / "_posts").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for _start, paragraph in _paragraphs(text):
            for _offset, number, nearby in _kep_numbers_shown(paragraph):
                if (meant := real.wrong_number(number, nearby)) is not None:
                    reports.append((path.name, number, meant))
    assert reports == []


# kep.yaml is anyone's to write


def test_a_title_is_matched_as_text_never_as_a_pattern():
    names = KepNames.from_facts(
        {
            1: kep(1, "Support `.*` and (a|b) in Paths Everywhere"),
            2: kep(2, "x" * 300 + " y z"),  # longer than any real title: left out
            3: kep(3, "Gates That Are Not Names", "not a gate", "Foo|Bar", "None", "GoodGate"),
        }
    )
    assert names.titles_in("Support .* and (a|b) in paths everywhere") == [(0, 40, 1)]
    assert names.titles_in("Support xx and a in paths everywhere") == []
    assert names.titles_in("x" * 300 + " y z") == []
    assert names.gates == {"GoodGate": 3}
    assert names.gates_in("Foo|Bar not a gate None GoodGate") == [(24, 32, "GoodGate", 3)]


def test_a_wrong_line_of_the_old_files_table_names_its_line():
    assert parse_old_kep_files("0009-node-heartbeat: 589\n") == (("0009-node-heartbeat", 589),)
    for bad in ("a: 1\n0009-x: five\n", "a: 1\n0009-x: true\n", "a: 1\n../x: 5\n"):
        with pytest.raises(
            ValueError, match=r"old-keps\.yaml:2: write 'old-file-name: KEP number'"
        ):
            parse_old_kep_files(bad)
    with pytest.raises(ValueError, match="not a mapping"):
        parse_old_kep_files("- 0009-node-heartbeat\n")
