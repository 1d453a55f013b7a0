"""kep.yaml and keps.json as untrusted input: types, group slugs, duplicates, links, YAML bombs."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from lwkd_archive.cli import main
from lwkd_archive.facts.keps import (
    MAX_KEP_YAML_BYTES,
    KepFacts,
    dump_facts,
    load_enhancements,
    parse_facts,
)
from lwkd_archive.importer.findings import PostError
from lwkd_archive.importer.jekyll import read_post
from tests.conftest import REPO

FIXTURE_LWKD = REPO / "tests" / "fixtures" / "importer" / "lwkd"

GOOD = """\
title: Beta APIs Are Off by Default
kep-number: 3136
owning-sig: sig-architecture
participating-sigs:
  - sig-api-machinery
status: implemented
stage: stable
latest-milestone: "v1.24"
milestone:
  beta: "v1.23"
  stable: "v1.24"
"""

#: The "billion laughs": nine aliases of nine, ten times over; 10^9 strings once expanded.
BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)


def write_kep(repo: Path, folder: str, text: str) -> Path:
    path = repo / "keps" / folder / "kep.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_string_where_a_list_of_groups_belongs_is_reported_not_split(tmp_path):
    path = write_kep(
        tmp_path, "sig-node/277-ephemeral", "title: Ephemeral\nowning-sig: sig-node\nparticipating-sigs: sig-node\n"
    )  # fmt: skip
    facts, errors = load_enhancements(tmp_path)
    assert facts[277].participating_sigs == ()
    assert errors == [
        f"{path}:3: participating-sigs is text ('sig-node'), not a list of groups; ignored "
        "(write it as a list: '- sig-node')"
    ]


def test_a_number_where_a_list_belongs_aborts_nothing(tmp_path):
    bad = write_kep(tmp_path, "sig-node/277-ephemeral", "title: Ephemeral\nparticipating-sigs: 5\n")
    write_kep(tmp_path, "sig-architecture/3136-beta-apis-off", GOOD)
    facts, errors = load_enhancements(tmp_path)
    assert sorted(facts) == [277, 3136]
    assert facts[3136].participating_sigs == ("sig-api-machinery",)
    assert errors == [f"{bad}:2: participating-sigs is a number, not a list of groups; ignored"]


@pytest.mark.parametrize(
    ("written", "field", "line", "message"),
    [
        ("title:\n  - a list\n", "title", 2, "title is a list, not text; ignored"),
        ("status: 5\n", "status", 2, "status is a number, not text; ignored"),
        ("stage: {alpha: beta}\n", "stage", 2, "stage is a mapping, not text; ignored"),
        ("latest-milestone: true\n", "latest_milestone", 2, "latest-milestone is true/false, not text; ignored"),
        ("latest-milestone: !!binary aGVsbG8=\n", "latest_milestone", 2, "latest-milestone is binary data, not text; ignored"),
        ("owning-sig: [sig-node]\n", "owning_sig", 2, "owning-sig is a list, not text; ignored"),
        ("milestone: v1.24\n", "milestones", 2, "milestone is text ('v1.24'), not a mapping of stage to version; ignored"),
        ("milestone:\n  beta: v1.2\n  alpha: 1.20\n", "milestones", 4, "milestone: text ('alpha') -> a number is not a stage and a version as text (quote them); ignored"),
        ("owning-sig: ../../../../tmp/x\n", "owning_sig", 2, "owning-sig '../../../../tmp/x' is not a group's slug (like sig-node); ignored"),
        ("owning-sig: SIG Node\n", "owning_sig", 2, "owning-sig 'SIG Node' is not a group's slug (like sig-node); ignored"),
        ("participating-sigs:\n  - sig-node\n  - ../x\n", "participating_sigs", 4, "participating-sigs: '../x' is not a group's slug (like sig-node); ignored"),
        ("participating-sigs:\n  - sig-node\n  - [nested]\n", "participating_sigs", 4, "participating-sigs: a list is not a group's slug (like sig-node); ignored"),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_is_one_warning_at_its_line_and_ignored(
    tmp_path, written, field, line, message
):
    path = write_kep(tmp_path, "sig-node/277-ephemeral", "kep-number: 277\n" + written)
    facts, errors = load_enhancements(tmp_path)
    # The wrong value is left out; the right ones beside it are kept.
    assert getattr(facts[277], field) in ("", (), {}, {"beta": "v1.2"}, ("sig-node",))
    assert errors == [f"{path}:{line}: {message}"]


def test_the_folder_and_the_file_disagreeing_on_the_number_is_reported(tmp_path):
    path = write_kep(
        tmp_path, "sig-node/2043-pod-resources", "title: Pod resources\nkep-number: 1884\n"
    )
    facts, errors = load_enhancements(tmp_path)
    assert list(facts) == [2043]
    assert errors == [f"{path}:2: kep-number 1884 disagrees with the folder's number; 2043 is used"]


def test_duplicate_numbers_follow_the_rule_and_are_reported_once_with_both_paths(tmp_path):
    # KEP-2133 upstream: two folders, one replaced by the other.
    write_kep(
        tmp_path,
        "sig-node/2133-kubelet-credential-providers",
        "title: Kubelet\nstatus: implemented\n",
    )
    write_kep(
        tmp_path, "sig-cloud-provider/2133-out-of-tree", "title: Out of tree\nstatus: replaced\n"
    )
    # The folder whose kep-number agrees wins over one whose number is only its folder's.
    write_kep(tmp_path, "sig-a/100-first", "title: First\nkep-number: 100\nstatus: provisional\n")
    write_kep(tmp_path, "sig-b/100-second", "title: Second\nkep-number: 999\nstatus: implemented\n")
    # A numbered folder wins over a 0000- placeholder whose kep-number names it.
    write_kep(tmp_path, "sig-a/0000-draft", "title: Draft\nkep-number: 300\nstatus: implemented\n")
    write_kep(tmp_path, "sig-b/300-real", "title: Real\nkep-number: 301\nstatus: provisional\n")
    # The later milestone, then path order.
    write_kep(
        tmp_path, "sig-a/400-old", "title: Old\nstatus: implementable\nlatest-milestone: v1.9\n"
    )
    write_kep(
        tmp_path, "sig-b/400-new", "title: New\nstatus: implementable\nlatest-milestone: v1.30\n"
    )
    write_kep(tmp_path, "sig-a/500-same", "title: A\n")
    write_kep(tmp_path, "sig-b/500-same", "title: B\n")
    # The KEP process's own folder, never numbered: not a KEP, nothing to report.
    write_kep(
        tmp_path, "sig-architecture/0000-kep-process", "title: KEP process\nkep-number: 0000\n"
    )

    facts, errors = load_enhancements(tmp_path)
    assert {n: k.title for n, k in facts.items()} == {
        100: "First", 300: "Real", 400: "New", 500: "A", 2133: "Kubelet"
    }  # fmt: skip
    keps = tmp_path / "keps"
    duplicates = sorted(e for e in errors if " is also " in e)
    assert duplicates == sorted(
        [
            f"{keps}/sig-cloud-provider/2133-out-of-tree/kep.yaml:1: KEP-2133 is also "
            "keps/sig-node/2133-kubelet-credential-providers, which is used: "
            "its status 'implemented' is further along",
            f"{keps}/sig-b/100-second/kep.yaml:1: KEP-100 is also keps/sig-a/100-first, "
            "which is used: its folder's number agrees with its kep-number",
            f"{keps}/sig-a/0000-draft/kep.yaml:1: KEP-300 is also keps/sig-b/300-real, "
            "which is used: its folder is not a 0000- placeholder",
            f"{keps}/sig-a/400-old/kep.yaml:1: KEP-400 is also keps/sig-b/400-new, "
            "which is used: its latest milestone 'v1.30' is later",
            f"{keps}/sig-b/500-same/kep.yaml:1: KEP-500 is also keps/sig-a/500-same, "
            "which is used: it comes first in path order",
        ]
    )
    assert len(errors) == len(duplicates) + 2  # and the two kep-numbers their folders contradict


def test_symbolic_links_are_not_followed_out_of_the_checkout(tmp_path):
    repo, outside = tmp_path / "enhancements", tmp_path / "outside"
    write_kep(outside, "sig-secret/999-secret", "title: Secret of the machine\n")
    write_kep(repo, "sig-node/277-ephemeral", "title: Ephemeral\n")
    (repo / "keps" / "sig-evil").symlink_to(
        outside / "keps" / "sig-secret", target_is_directory=True
    )
    (repo / "keps" / "sig-node" / "278-linked").mkdir()
    linked = repo / "keps" / "sig-node" / "278-linked" / "kep.yaml"
    linked.symlink_to(outside / "keps" / "sig-secret" / "999-secret" / "kep.yaml")
    # A link to the root would make a walk that follows links endless.
    (repo / "keps" / "sig-root").symlink_to("/", target_is_directory=True)
    started = time.monotonic()
    facts, errors = load_enhancements(repo)
    assert time.monotonic() - started < 5
    assert list(facts) == [277]
    assert errors == [
        f"{repo}/keps/sig-evil: a symbolic link to a folder; not followed",
        f"{repo}/keps/sig-node/278-linked/kep.yaml:1: not a regular file (a symbolic link?); not read",
        f"{repo}/keps/sig-root: a symbolic link to a folder; not followed",
    ]


def test_a_yaml_bomb_in_kep_yaml_is_refused_at_once(tmp_path):
    path = write_kep(
        tmp_path, "sig-node/277-ephemeral", BOMB + "title: *i\nparticipating-sigs: *i\n"
    )
    write_kep(tmp_path, "sig-architecture/3136-beta-apis-off", GOOD)
    started = time.monotonic()
    facts, errors = load_enhancements(tmp_path)
    assert time.monotonic() - started < 5
    assert list(facts) == [3136]
    assert errors == [
        f"{path}:2: cannot read kep.yaml: the alias *a is not allowed (an alias can stand "
        "for billions of values); write the value itself"
    ]


def test_a_yaml_bomb_in_front_matter_fails_that_post_only(tmp_path):
    post = tmp_path / "_posts" / "2024-01-07-update.md"
    post.parent.mkdir()
    post.write_text("---\n" + BOMB + "title: *i\n---\n\n# Week\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(PostError) as failed:
        read_post(post, "_posts/2024-01-07-update.md")
    assert time.monotonic() - started < 5
    assert str(failed.value.finding) == (
        f"{post}:3: error: broken YAML in the front matter: the alias *a is not allowed "
        "(an alias can stand for billions of values); write the value itself; fix the YAML"
    )


def test_deep_nesting_and_huge_files_are_errors_not_crashes(tmp_path):
    deep = write_kep(tmp_path, "sig-node/277-deep", "title: " + "[" * 5000 + "]" * 5000 + "\n")
    huge = write_kep(
        tmp_path, "sig-node/278-huge", "title: x\n# " + "x" * MAX_KEP_YAML_BYTES + "\n"
    )
    facts, errors = load_enhancements(tmp_path)
    assert facts == {}
    assert errors[0].startswith(f"{deep}:1: cannot read kep.yaml: exceeded maximum nesting depth")
    assert (
        errors[1]
        == f"{huge}:1: kep.yaml is {huge.stat().st_size} bytes; a KEP's is a few kilobytes"
    )


def test_the_importer_reports_each_problem_and_still_writes_the_facts(tmp_path, capsys):
    enhancements = tmp_path / "enhancements"
    bad = write_kep(
        enhancements, "sig-node/277-ephemeral", "title: Ephemeral\nparticipating-sigs: 5\n"
    )
    write_kep(enhancements, "sig-architecture/3136-beta-apis-off", GOOD)
    out = tmp_path / "archive"
    code = main(
        ["import", str(FIXTURE_LWKD), "--enhancements", str(enhancements), "--out", str(out)]
    )
    assert code == 0
    assert (
        f"warning: {bad}:2: participating-sigs is a number, not a list of groups; ignored"
        in capsys.readouterr().err
    )
    assert sorted(parse_facts((out / "keps.json").read_text(encoding="utf-8"))) == [277, 3136]


# -- keps.json, read again by the build ------------------------------------------------


def test_facts_survive_their_json(tmp_path):
    write_kep(tmp_path, "sig-architecture/3136-beta-apis-off", GOOD)
    facts, _errors = load_enhancements(tmp_path)
    assert parse_facts(dump_facts(facts)) == facts


ROW = {
    "number": 3136, "title": "Beta APIs", "owning_sig": "sig-architecture",
    "participating_sigs": ["sig-api-machinery"], "status": "implemented", "stage": "stable",
    "latest_milestone": "v1.24", "milestones": {"stable": "v1.24"},
    "path": "keps/sig-architecture/3136-beta-apis-off-by-default",
}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"owning_sig": "../../../../tmp/x"}, "row 0 (KEP-3136): owning_sig '../../../../tmp/x' is not a group's slug"),
        ({"participating_sigs": "sig-node"}, "row 0 (KEP-3136): participating_sigs is not a list of group slugs"),
        ({"participating_sigs": ["../x"]}, "row 0 (KEP-3136): participating_sigs is not a list of group slugs"),
        ({"title": ["a", "list"]}, "row 0 (KEP-3136): title is not text"),
        ({"milestones": {"beta": 1.2}}, "row 0 (KEP-3136): milestones is not a mapping of text to text"),
        ({"path": "keps/../../etc"}, "row 0 (KEP-3136): path 'keps/../../etc' is not a folder under keps/"),
        ({"number": True}, "row 0: number is not a KEP number"),
        ({"script": "x"}, "row 0 (KEP-3136): unknown fields ['script']"),
        ({"feature_gates": "InPlacePodVerticalScaling"}, "row 0 (KEP-3136): feature_gates is not a list of feature gate names"),
        ({"feature_gates": ["InPlacePodVerticalScaling\n"]}, "row 0 (KEP-3136): feature_gates is not a list of feature gate names"),
        ({"feature_gates": ["a|b"]}, "row 0 (KEP-3136): feature_gates is not a list of feature gate names"),
        ({"feature_gates": ["None"]}, "row 0 (KEP-3136): feature_gates is not a list of feature gate names"),
    ],
)  # fmt: skip
def test_keps_json_is_checked_again_by_the_build(change, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_facts(json.dumps([{**ROW, **change}]))
    assert parse_facts(json.dumps([ROW]))[3136] == KepFacts(
        **{**ROW, "participating_sigs": ("sig-api-machinery",)}
    )


@pytest.mark.sphinx("html", testroot="xref", srcdir="xref-hostile-facts")
def test_a_group_slug_that_is_a_path_writes_nothing_outside_the_site(app, make_app, tmp_path):
    sentinel = tmp_path / "sentinel"
    sentinel.mkdir()
    escape = os.path.relpath(sentinel / "written", Path(app.outdir) / "sigs")
    facts = tmp_path / "keps.json"
    facts.write_text(json.dumps([{**ROW, "owning_sig": escape}]), encoding="utf-8")
    app.cleanup()
    hostile = make_app("html", srcdir=app.srcdir, confoverrides={"lwkd_kep_facts": str(facts)})
    hostile.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", hostile.warning.getvalue())
    assert warnings == (
        f"WARNING: cannot read KEP facts from {facts}: row 0 (KEP-3136): owning_sig "
        f"{escape!r} is not a group's slug [lwkd.facts]\n"
    )
    assert list(sentinel.iterdir()) == []


FEATURE_GATES = """\
title: In-place Update of Pod Resources
feature-gates:
  - name: InPlacePodVerticalScaling
    components:
      - kubelet
  - name: setHostnameAsFQDN
  - name: KUBECTL_KUBERC
  - components: [kubelet]
  - just a string
  - name: ["a", "list"]
  - name: None
  - name: InPlacePodVerticalScaling
  - name: " InPlacePodVerticalScalingAllocatedStatus "
"""


def test_feature_gates_are_read_by_name_and_each_bad_item_is_reported_at_its_line(tmp_path):
    path = write_kep(tmp_path, "sig-node/1287-in-place-update-pod-resources", FEATURE_GATES)
    facts, errors = load_enhancements(tmp_path)
    assert facts[1287].feature_gates == (
        "InPlacePodVerticalScaling",
        "InPlacePodVerticalScalingAllocatedStatus",
    )
    like = "is not a feature gate's name (like InPlacePodVerticalScaling); ignored"
    assert errors == [
        f"{path}:6: feature-gates: 'setHostnameAsFQDN' {like}",
        f"{path}:7: feature-gates: 'KUBECTL_KUBERC' {like}",
        f"{path}:8: feature-gates: an item has no name; write '- name: GateName'",
        f"{path}:9: feature-gates: text ('just a string') is not a '- name: GateName' item; ignored",
        f"{path}:10: feature-gates: a list {like}",
        f"{path}:11: feature-gates: 'None' is a placeholder, not a gate; ignored "
        "(write 'feature-gates: []' for a KEP without one)",
    ]
    assert parse_facts(dump_facts(facts)) == facts


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("feature-gates: InPlacePodVerticalScaling\n", "feature-gates is text ('InPlacePodVerticalScaling'), not a list of '- name: GateName'; ignored"),
        ("feature-gates: {name: X}\n", "feature-gates is a mapping, not a list of '- name: GateName'; ignored"),
    ],
)  # fmt: skip
def test_feature_gates_that_are_not_a_list_are_one_warning(tmp_path, written, message):
    path = write_kep(tmp_path, "sig-node/1287-in-place", "title: In-place\n" + written)
    facts, errors = load_enhancements(tmp_path)
    assert facts[1287].feature_gates == ()
    assert errors == [f"{path}:2: {message}"]


def test_no_feature_gates_and_an_empty_list_are_no_gates_and_no_warning(tmp_path):
    write_kep(tmp_path, "sig-node/1-a", "title: A\nfeature-gates: []\n")
    write_kep(tmp_path, "sig-node/2-b", "title: B\nfeature-gates:\n")
    write_kep(tmp_path, "sig-node/3-c", "title: C\nfeature-gates:\n  -\n")
    facts, errors = load_enhancements(tmp_path)
    assert [facts[n].feature_gates for n in (1, 2, 3)] == [(), (), ()]
    assert errors == []


def test_the_templates_0_0_milestone_is_no_milestone(tmp_path):
    write_kep(
        tmp_path,
        "sig-node/1-a",
        'title: A\nlatest-milestone: "0.0"\nmilestone:\n  alpha: "v0.0"\n  beta: "v1.30"\n',
    )
    write_kep(tmp_path, "sig-node/2-b", "title: B\nlatest-milestone: 'v0.0'\n")
    write_kep(tmp_path, "sig-node/3-c", 'title: C\nlatest-milestone: "v1.0"\n')
    facts, errors = load_enhancements(tmp_path)
    assert facts[1].latest_milestone == ""
    assert facts[1].milestones == {"beta": "v1.30"}
    assert facts[2].latest_milestone == ""
    assert facts[3].latest_milestone == "v1.0"  # a real release is kept
    assert errors == []


def test_an_older_keps_json_without_gates_and_with_0_0_milestones_still_reads():
    older = {**ROW, "latest_milestone": "0.0", "milestones": {"alpha": "v0.0", "beta": "v1.23"}}
    kep = parse_facts(json.dumps([older]))[3136]
    assert kep.feature_gates == ()
    assert kep.latest_milestone == ""
    assert kep.milestones == {"beta": "v1.23"}
    with_gates = parse_facts(json.dumps([{**ROW, "feature_gates": ["APIServerTracing"]}]))
    assert with_gates[3136].feature_gates == ("APIServerTracing",)
