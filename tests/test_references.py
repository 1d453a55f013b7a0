"""Turning references in imported text into roles: each form, each trap, the whole corpus."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from lwkd_archive.facts.groups import load_groups
from lwkd_archive.facts.keps import KepFacts
from lwkd_archive.facts.targets import KEP_TEXT_RE, kep_of_pull_request
from lwkd_archive.importer.references import ReferenceNote, add_roles

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "references"
CASES = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))
MYST = create_md_parser(
    MdParserConfig(enable_extensions={"colon_fence", "deflist", "attrs_inline"}), RendererHTML
)
ROLE_CONTENT_RE = re.compile(r"(?s)^(?P<title>.*?)\s*<(?P<target>[^<>]*)>$")
WRITTEN_ROLE_RE = re.compile(r"\{(?:kep|sig|pr|mentioned)\}`[^`\n]+`")
PULL_URL_RE = re.compile(
    r"^https://github\.com/(?P<org>[\w.-]+)/(?P<repo>[\w.-]+)/pull/(?P<n>\d+)/?$"
)
#: A KEP's folder in an author's fork (a draft): kept as a link, the KEP mentioned after it.
FORK_KEP_URL_RE = re.compile(
    r"^https://github\.com/[\w.-]+/[\w.-]+/(?:tree|blob)/[^/]+/keps/[\w-]+/(\d+)-"
)
KEP_URL_RE = re.compile(
    r"^https://(?:github\.com/kubernetes/(?:(?:enhancements|features)/issues/(?P<issue>\d+)"
    r"|enhancements/(?:tree|blob)/[^/]+/keps/[\w-]+/(?P<folder>\d+)-)"
    r"|(?:kep|features)\.k8s\.io/(?P<short>\d+)|git\.k8s\.io/enhancements/keps/[\w-]+/(?P<git>\d+)-"
    r"|www\.kubernetes\.dev/resources/keps/(?P<dev>\d+)/)"
)
GROUP_URL_RE = re.compile(
    r"^https://(?:github\.com/kubernetes/community/(?:tree|blob)/[^/]+|git\.k8s\.io/community)/"
    r"(?P<slug>(?:sig|wg|committee|ug)-[\w-]+?)/?(?:README\.md)?$"
)


def kep_of_url(match: re.Match[str]) -> int:
    return int(next(n for n in match.groups() if n))


def roles(text: str, year: int = 2024, **kwargs) -> str:
    return add_roles(text, year=year, **kwargs)[0]


def strip_front_matter(post: str) -> str:
    """A Jekyll post's body: the text after its front matter."""
    match = re.match(r"(?s)---\n.*?\n---[ \t]*\n", post)
    return post[match.end() :] if match else post


def inline_tokens(text: str) -> list[Token]:
    """Every inline token of ``text`` as MyST reads it, in order."""
    found: list[Token] = []
    for token in MYST.parse(text):
        found.extend(token.children or [])
    return found


def split_role(token: Token) -> tuple[str, str, str]:
    """A role token's name, shown text and target."""
    match = ROLE_CONTENT_RE.match(token.content)
    title, target = (match["title"], match["target"]) if match else (token.content, token.content)
    return token.meta["name"], title, target


def shown_text(text: str) -> list[str]:
    """What a reader sees of each block of ``text``: words, code and roles' shown text."""
    blocks = []
    for block in MYST.parse(text):
        shown = []
        for token in block.children or []:
            if token.type == "myst_role" and token.meta["name"] == "mentioned":
                continue  # a mention shows nothing
            if token.type == "myst_role":
                shown.append(split_role(token)[1])
            elif token.type in {"text", "code_inline", "html_inline"}:
                shown.append(token.content)
            elif token.type in {"softbreak", "hardbreak"}:
                shown.append("\n")
        # A heading or paragraph shows no space at its ends.
        blocks.append("".join(shown).strip())
    return blocks


def links_and_roles(text: str) -> tuple[list[tuple[str, str]], Counter[tuple[str, str]]]:
    """Links as (href, text), and roles as (name, target), of ``text``."""
    links: list[tuple[str, str]] = []
    found_roles: Counter[tuple[str, str]] = Counter()
    tokens = inline_tokens(text)
    for index, token in enumerate(tokens):
        if token.type == "link_open":
            words = []
            for inner in tokens[index + 1 :]:
                if inner.type == "link_close":
                    break
                words.append(inner.content)
            links.append((token.attrs["href"], "".join(words)))
        elif token.type == "myst_role":
            name, _, target = split_role(token)
            found_roles[(name, target)] += 1
    return links, found_roles


def assert_links_kept(before: str, after: str, name: str) -> None:
    """Each link of ``before`` is a link of ``after`` or a role leading to the same thing."""
    old_links, _ = links_and_roles(before)
    new_links, new_roles = links_and_roles(after)
    remaining = Counter(href for href, _ in new_links)
    for href, _ in old_links:
        if remaining[href]:
            remaining[href] -= 1
            continue
        if pull := PULL_URL_RE.match(href):
            key = ("pr", f"{pull['org']}/{pull['repo']}#{pull['n']}")
        elif kep := KEP_URL_RE.match(href):
            key = ("kep", str(kep_of_url(kep)))
        elif group := GROUP_URL_RE.match(href):
            # A renamed group's folder leads to the group it became.
            resolved = load_groups().resolve(group["slug"])
            key = ("sig", resolved.slug if resolved else group["slug"])
        else:
            pytest.fail(f"{name}: link {href} was lost")
        assert new_roles[key], f"{name}: link {href} became no {key} role"
        new_roles[key] -= 1


def assert_no_invented_kep(before: str, after: str, name: str) -> None:
    """Every KEP role's number is written in the text or is the number of a KEP link."""
    old_links, _ = links_and_roles(before)
    justified = Counter(int(m["n"]) for m in KEP_TEXT_RE.finditer(before))
    for href, _ in old_links:
        if kep := KEP_URL_RE.match(href):
            justified[kep_of_url(kep)] += 1
        elif fork := FORK_KEP_URL_RE.match(href):
            justified[int(fork[1])] += 1
    _, new_roles = links_and_roles(after)
    for (role, target), count in new_roles.items():
        if role == "kep":
            assert count <= justified[int(target)], f"{name}: KEP-{target} is not written there"
        if role == "mentioned" and target.startswith("kep-"):
            assert justified[int(target[4:])], f"{name}: {target} is not written there"
    for href, _ in old_links:
        pull = PULL_URL_RE.match(href)
        if pull and pull["repo"] == "enhancements" and not justified[int(pull["n"])]:
            assert not new_roles[("kep", pull["n"])], f"{name}: pull request {href} made a KEP"


def assert_pull_requests_name_no_old_kep(after: str, name: str, year: int) -> None:
    """A {pr} role whose text names a KEP records that KEP: never an old-numbered one."""
    if year >= 2020:
        return
    for token in inline_tokens(after):
        if token.type == "myst_role" and token.meta["name"] == "pr":
            _, title, target = split_role(token)
            repo, _, number = target.rpartition("#")
            kep = kep_of_pull_request(title, repo, int(number))
            assert kep is None or kep >= 100, f"{name}: {{pr}} text {title!r} names KEP {kep}"


def assert_renders(before: str, after: str, name: str) -> None:
    """MyST reads every role written, none inside a link, and shows the same text."""
    tokens = inline_tokens(after)
    written = len(WRITTEN_ROLE_RE.findall(after)) - len(WRITTEN_ROLE_RE.findall(before))
    read = sum(t.type == "myst_role" for t in tokens) - sum(
        t.type == "myst_role" for t in inline_tokens(before)
    )
    assert read == written, f"{name}: {written} roles written, {read} read by MyST"
    depth = 0
    for token in tokens:
        depth += {"link_open": 1, "link_close": -1}.get(token.type, 0)
        assert not (depth and token.type == "myst_role"), f"{name}: a role inside a link"
    assert shown_text(after) == shown_text(before), f"{name}: the shown text changed"


@pytest.mark.parametrize("case", CASES, ids=[case["case"] for case in CASES])
def test_reference_forms_and_traps(case):
    text = case["text"]
    converted, notes = add_roles(text, year=case.get("year", 2024))
    assert converted == case.get("expected", text)
    assert [note.kind for note in notes] == case.get("notes", [])
    assert roles(converted, case.get("year", 2024)) == converted, "not idempotent"
    assert_links_kept(text, converted, case["case"])
    assert_renders(text, converted, case["case"])


def test_enhancements_3137_is_kep_3136_not_3137():
    converted = roles(
        "[enhancements#3137: KEP-3136: beta apis off by default]"
        "(https://github.com/kubernetes/enhancements/pull/3137)",
        2022,
    )
    kep_targets = [
        split_role(t)[2] for t in inline_tokens(converted) if t.meta.get("name") == "kep"
    ]
    assert kep_targets == ["3136"]
    assert "{pr}`enhancements#3137 <kubernetes/enhancements#3137>`" in converted


@pytest.mark.parametrize("year", [2018, 2019])
def test_coscheduling_kep_34_of_2018_is_not_kep_34(year):
    converted, notes = add_roles(
        "Coscheduling is KEP 34: [enhancements#639: KEP 34 Coscheduling]"
        "(https://github.com/kubernetes/enhancements/pull/639)",
        year=year,
    )
    assert "{kep}" not in converted
    # Nor a {pr} role: its text would record today's KEP-34.
    assert "{pr}" not in converted
    assert [n.kind for n in notes] == ["old-kep-number", "old-kep-number"]
    assert all("KEP 34" in n.message for n in notes)


def test_bare_enhancements_pull_request_makes_no_kep():
    converted, notes = add_roles(
        "[the huge pages KEP](https://github.com/kubernetes/enhancements/pull/1271)", year=2020
    )
    assert converted == "{pr}`the huge pages KEP <kubernetes/enhancements#1271>`"
    assert notes == [
        ReferenceNote(
            1,
            "enhancements#1271 is a pull request; no KEP number written beside it, "
            "left as a pull-request link",
            "unresolved",
        )
    ]


def test_sig_node_and_sig_dash_node_are_one_slug():
    converted = roles("SIG Node, sig-node, SIG-Node, Node SIG and #sig-node")
    targets = {split_role(t)[2] for t in inline_tokens(converted) if t.type == "myst_role"}
    assert targets == {"sig-node"}
    assert converted.count("{sig}") == 5


def test_every_group_is_recognised_by_its_name():
    from lwkd_archive.facts.groups import load_groups

    groups = load_groups()
    for group in groups:
        converted = roles(f"Thanks to {group.name}.")
        assert f"<{groups.resolve(group.slug).slug}>`" in converted, group.name


def test_old_kep_file_found_by_name_when_kep_facts_are_given():
    keps = {
        277: KepFacts(277, "Ephemeral Containers", path="keps/sig-node/277-ephemeral-containers"),
        3136: KepFacts(3136, "Beta APIs Off by Default", path="keps/sig-architecture/3136-beta-apis-off-by-default"),
    }  # fmt: skip
    text = (
        "[ephemeral containers](https://github.com/kubernetes/enhancements/blob/master/"
        "keps/sig-node/20190212-ephemeral-containers.md)"
    )
    assert roles(text, 2019, keps=keps) == "{kep}`ephemeral containers <277>`"
    # Without facts the date-named file stays a link, reported.
    converted, notes = add_roles(text, year=2019)
    assert (converted, [n.kind for n in notes]) == (text, ["old-kep-number"])
    # A KEP the facts do not know is linked but reported.
    converted, notes = add_roles("KEP-3136 and KEP-9999", year=2024, keps=keps)
    assert converted.count("{kep}") == 2
    assert [(n.kind, n.message) for n in notes] == [
        ("unknown-kep", "KEP-9999 has no kep.yaml in kubernetes/enhancements")
    ]


def test_notes_name_the_line_of_the_reference():
    body = strip_front_matter((FIXTURES / "2019-01-06-coscheduling.md").read_text("utf-8"))
    converted, notes = add_roles(body, year=2019)
    assert [(n.line, n.kind) for n in notes] == [
        (4, "old-kep-number"),
        (6, "old-kep-number"),
        (6, "old-kep-number"),
        (7, "old-kep-number"),
    ]
    assert "{kep}" not in converted
    assert "{sig}`SIG-Scheduling <sig-scheduling>`" in converted


def test_fixture_post_of_2022():
    body = strip_front_matter((FIXTURES / "2022-02-06-beta-apis.md").read_text("utf-8"))
    converted, notes = add_roles(body, year=2022)
    assert "{kep}`KEP-3136: beta apis off by default <3136>`" in converted
    assert "`KEP-3136` in" in converted  # code stays code
    assert (
        "[#sig-architecture](https://kubernetes.slack.com/messages/sig-architecture)" in converted
    )
    assert "ask {sig}`sig-architecture <sig-architecture>`." in converted
    assert "[the Release Team](https://github.com/kubernetes/sig-release)" in converted
    assert (
        "[sig-release-master-blocking](https://testgrid.k8s.io/sig-release-master-blocking)"
        in converted
    )
    assert (
        "{pr}`Fix the kubelet <kubernetes/kubernetes#107000>` ({sig}`SIG-Node <sig-node>`)"
        in converted
    )
    assert [(n.line, n.kind) for n in notes] == [(12, "unresolved")]
    assert_links_kept(body, converted, "2022 fixture")
    assert_no_invented_kep(body, converted, "2022 fixture")
    assert_renders(body, converted, "2022 fixture")
    assert roles(converted, 2022) == converted


def test_role_text_that_cannot_be_shown_stays_a_link():
    # Angle brackets would be read as a target; a backtick would end the role.
    text = "[a <b> c](https://github.com/kubernetes/kubernetes/pull/1) [x\\*y](https://github.com/kubernetes/kubernetes/pull/2)"
    assert roles(text) == text


def test_corpus(corpus, record_property):
    """Every LWKD issue: no error, no link lost, no KEP invented, roles MyST reads, idempotent."""
    posts = sorted((corpus / "lwkd" / "_posts").glob("*.md"))
    bodies = [(p.name, int(p.name[:4]), strip_front_matter(p.read_text("utf-8"))) for p in posts]
    results = [(name, body, *add_roles(body, year=year)) for name, year, body in bodies]
    refs: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for name, body, converted, notes in results:
        assert_links_kept(body, converted, name)
        assert_no_invented_kep(body, converted, name)
        assert_pull_requests_name_no_old_kep(converted, name, int(name[:4]))
        assert_renders(body, converted, name)
        assert roles(converted, int(name[:4])) == converted, f"{name}: not idempotent"
        refs.update(t.meta["name"] for t in inline_tokens(converted) if t.type == "myst_role")
        kinds.update(note.kind for note in notes)
    totals = {
        "posts": len(posts),
        **refs,
        **{f"notes:{k}": n for k, n in kinds.items()},
    }
    print("reference totals:", totals)
    for key, value in totals.items():
        record_property(key, value)
    assert len(posts) >= 300
    assert refs["kep"] > 200
    assert refs["sig"] > 350
    assert refs["pr"] > 5000


# --- Mentions: what a link's text, a list or a KEP's other names record ---------------

#: Sentences of LWKD posts (shortened) and the Markdown the importer writes, by hand.
MENTION_CASES = [
    (
        "a group named in the text of a link that leads elsewhere is mentioned after the link",
        "[SIG-Release is proposing to stop building artifacts](https://groups.google.com/a/kubernetes.io/g/dev/c/LBlLCWdFN-o) for",
        "[SIG-Release is proposing to stop building artifacts](https://groups.google.com/a/kubernetes.io/g/dev/c/LBlLCWdFN-o){mentioned}`link text <sig-release>` for",
        2024,
    ),
    (
        "a committee in a link's text",
        "Submit [Code of Conduct Committee nominations](https://groups.google.com/a/kubernetes.io/g/dev/c/5hiqk29yDOw) by",
        "Submit [Code of Conduct Committee nominations](https://groups.google.com/a/kubernetes.io/g/dev/c/5hiqk29yDOw){mentioned}`link text <committee-code-of-conduct>` by",
        2025,
    ),
    (
        "a pull request's role whose text names a group: the group is mentioned after the role",
        "The [draft charter for Batch WG](https://github.com/kubernetes/community/pull/6299) is up",
        "The {pr}`draft charter for Batch WG <kubernetes/community#6299>`{mentioned}`link text <wg-batch>` is up",
        2022,
    ),
    (
        "a KEP named beside code in a pull request's link text is mentioned after the link",
        "### [KEP-5207: `metrics.k8s.io` API promoted to v1 GA](https://github.com/kubernetes/kubernetes/pull/139223)",
        "### [KEP-5207: `metrics.k8s.io` API promoted to v1 GA](https://github.com/kubernetes/kubernetes/pull/139223){mentioned}`link text <kep-5207>`",
        2026,
    ),
    (
        "a KEP of the Week linking the draft in its author's fork: kept, KEP 24 mentioned",
        "## KEP of the Week\n\n### [KEP 24: Add AppArmor Support](https://github.com/tallclair/k8s-enhancements/blob/3bfe4d0b1dcf20394fd2b2bc77ee50911b409fe8/keps/sig-node/24-apparmor/README.md)",
        "## KEP of the Week\n\n### [KEP 24: Add AppArmor Support](https://github.com/tallclair/k8s-enhancements/blob/3bfe4d0b1dcf20394fd2b2bc77ee50911b409fe8/keps/sig-node/24-apparmor/README.md){mentioned}`link text <kep-24>`",
        2025,
    ),
    (
        "a fork's KEP folder whose text has the number without the word KEP",
        "[4815 DRA Partitionable Devices](https://github.com/klueska/k8s-enhancements/blob/53e1584f6d441ff062817503ebee8b80e5e067d6/keps/sig-node/4815-dra-partitionable-devices/README.md)",
        "[4815 DRA Partitionable Devices](https://github.com/klueska/k8s-enhancements/blob/53e1584f6d441ff062817503ebee8b80e5e067d6/keps/sig-node/4815-dra-partitionable-devices/README.md){mentioned}`link text <kep-4815>`",
        2025,
    ),
    (
        "trap: an old flat KEP file in a fork is no KEP of today",
        "[heartbeat](https://github.com/someone/community/blob/master/keps/sig-node/0009-node-heartbeat.md)",
        "[heartbeat](https://github.com/someone/community/blob/master/keps/sig-node/0009-node-heartbeat.md)",
        2018,
    ),
    (
        "a plural closing a list of groups' bare names",
        "The Network and Cluster Lifecycle SIGs are still confirming that things are on track",
        "The {sig}`Network <sig-network>` and {sig}`Cluster Lifecycle <sig-cluster-lifecycle>` SIGs are still confirming that things are on track",
        2018,
    ),
    (
        "a plural opening a list, with a serial comma",
        "The September Community Meeting is this Thursday; SIGs Windows, Auth, and Multicluster are speaking.",
        "The September Community Meeting is this Thursday; SIGs {sig}`Windows <sig-windows>`, {sig}`Auth <sig-auth>`, and {sig}`Multicluster <sig-multicluster>` are speaking.",
        2020,
    ),
    (
        "SIGs and WGs: a list of both kinds, up to the first item that is no bare name",
        "from the following SIGs and WGs: Security, Scheduling, Data Protection, CLI (Kubeadm), and Contributor Experience",
        "from the following SIGs and WGs: {sig}`Security <sig-security>`, {sig}`Scheduling <sig-scheduling>`, {sig}`Data Protection <wg-data-protection>`, {sig}`CLI <sig-cli>` (Kubeadm), and Contributor Experience",
        2023,
    ),
    (
        "a list that ends where the names end, and a group with its kind word after it",
        "annual reports from SIGs Autoscaling, Scheduling, Scalability, and the new Naming WG.",
        "annual reports from SIGs {sig}`Autoscaling <sig-autoscaling>`, {sig}`Scheduling <sig-scheduling>`, {sig}`Scalability <sig-scalability>`, and the new {sig}`Naming WG <wg-naming>`.",
        2020,
    ),
    (
        "traps: one name is no list, a name followed by another word, a WG in a list of SIGs",
        "All Cloud Provider SIGs; SIGs Docs and Release Team; the Batch and Node SIGs; SIGs Roadshow",
        "All Cloud Provider SIGs; SIGs Docs and Release Team; the Batch and Node SIGs; SIGs Roadshow",
        2024,
    ),
    (
        "a link to a group's folder whose text is the group's bare name",
        "SIG updates this week included [Storage](https://github.com/kubernetes/community/tree/master/sig-storage), where",
        "SIG updates this week included {sig}`Storage <sig-storage>`, where",
        2018,
    ),
    (
        "trap: a link to a group's folder whose text is another thing of the group",
        "the [Code Organization](https://github.com/kubernetes/community/tree/master/sig-architecture#code-organization) subproject",
        "the [Code Organization](https://github.com/kubernetes/community/tree/master/sig-architecture#code-organization) subproject",
        2018,
    ),
    (
        "the kind words Working Group before a name, and a name with a slash",
        "nominated as a new Working Group Batch lead; a dedicated Checkpoint/Restore Working Group",
        "nominated as a new {sig}`Working Group Batch <wg-batch>` lead; a dedicated {sig}`Checkpoint/Restore Working Group <wg-checkpoint-restore>`",
        2025,
    ),
]


@pytest.mark.parametrize(
    ("text", "expected", "year"),
    [case[1:] for case in MENTION_CASES],
    ids=[case[0] for case in MENTION_CASES],
)
def test_mentions_in_links_and_lists(text, expected, year):
    converted, notes = add_roles(text, year=year)
    assert converted == expected
    assert notes == []
    assert roles(converted, year) == converted, "not idempotent"
    assert_links_kept(text, converted, text)
    assert_no_invented_kep(text, converted, text)
    assert_renders(text, converted, text)


class FakeKepNames:
    """A stand-in of KepNames (lwkd_archive.importer.kep_names), of the same shape."""

    def __init__(self, gates, titles, old_files=(), wrong=()):
        self.gates = dict(gates)
        self.titles = dict(titles)
        self.old_files = dict(old_files)
        #: (number written, title beside it) -> the KEP meant.
        self.wrong = dict(wrong)
        self.asked_old_files: list[str] = []

    def gate(self, name):
        return self.gates.get(name)

    def gates_in(self, text):
        return [
            (m.start(), m.end(), m[0], self.gates[m[0]])
            for m in re.finditer(r"(?<![\w-])[A-Z]\w+(?![\w-])", text)
            if m[0] in self.gates
        ]

    def titles_in(self, text):
        found = []
        for title, kep in self.titles.items():
            pattern = r"(?<![\w-])" + r"[-\s]".join(map(re.escape, title.split())) + r"(?![\w-])"
            found += [(m.start(), m.end(), kep) for m in re.finditer(pattern, text, re.I)]
        return sorted(found)

    def old_file(self, name):
        self.asked_old_files.append(name)
        return self.old_files.get(name)

    def wrong_number(self, n, nearby):
        return next(
            (kep for (m, title), kep in self.wrong.items() if m == n and title in nearby), None
        )


FACTS = {
    1287: KepFacts(1287, "In-place Update of Pod Resources", feature_gates=("InPlacePodVerticalScaling",)),
    4639: KepFacts(4639, "VolumeSource: OCI Artifact and/or Image", feature_gates=("ImageVolume",)),
    5972: KepFacts(5972, "Dynamic Containers"),
    6030: KepFacts(6030, "Dynamic Resize of Memory-Backed Volumes"),
    589: KepFacts(589, "Efficient Node Heartbeats", path="keps/sig-node/589-efficient-node-heartbeats"),
    2000: KepFacts(2000, "Graceful node shutdown"),
    4802: KepFacts(4802, "Graceful Node Shutdown for Windows Node"),
}  # fmt: skip


def fake_names():
    return FakeKepNames(
        gates={"InPlacePodVerticalScaling": 1287, "ImageVolume": 4639},
        titles={"Dynamic Containers": 5972, "Graceful node shutdown": 2000},
        old_files={"0009-node-heartbeat.md": 589},
        wrong={(6030, "Dynamic Containers"): 5972},
    )


#: Sentences of LWKD posts (shortened) with the KEPs' other names, and what is written.
KEP_NAME_CASES = [
    (
        "a code span that is exactly a gate",
        "* `InPlacePodVerticalScaling` is now beta",
        "* `InPlacePodVerticalScaling`{mentioned}`feature gate InPlacePodVerticalScaling <kep-1287>` is now beta",
    ),
    (
        "a gate set to true in code",
        "enable it with `InPlacePodVerticalScaling=true` on the kubelet",
        "enable it with `InPlacePodVerticalScaling=true`{mentioned}`feature gate InPlacePodVerticalScaling <kep-1287>` on the kubelet",
    ),
    (
        "a gate in code at the end of a list item: the mention stays on its line",
        "* Bypass kube-proxy via `InPlacePodVerticalScaling`\n* kubectl warns you",
        "* Bypass kube-proxy via `InPlacePodVerticalScaling`{mentioned}`feature gate InPlacePodVerticalScaling <kep-1287>`\n* kubectl warns you",
    ),
    (
        "trap: code that only holds a gate is not the gate",
        "run `kubelet --feature-gates=InPlacePodVerticalScaling=true` and `ImageVolumeSource`",
        "run `kubelet --feature-gates=InPlacePodVerticalScaling=true` and `ImageVolumeSource`",
    ),
    (
        "a gate in prose",
        "* InPlacePodVerticalScaling graduates to GA",
        "* InPlacePodVerticalScaling{mentioned}`feature gate InPlacePodVerticalScaling <kep-1287>` graduates to GA",
    ),
    (
        "a gate in code in a link's text: the link stays, the gate is mentioned after it",
        "* Removed the GA feature gate [`ImageVolume`](https://github.com/kubernetes/kubernetes/pull/135336), locked",
        "* Removed the GA feature gate [`ImageVolume`](https://github.com/kubernetes/kubernetes/pull/135336){mentioned}`feature gate ImageVolume <kep-4639>`, locked",
    ),
    (
        "a gate as a pull request's text: after its role",
        "* [InPlacePodVerticalScaling to Beta](https://github.com/kubernetes/kubernetes/pull/128682)",
        "* {pr}`InPlacePodVerticalScaling to Beta <kubernetes/kubernetes#128682>`{mentioned}`feature gate InPlacePodVerticalScaling <kep-1287>`",
    ),
    (
        "a title in prose",
        "The Dynamic Containers proposal adds containers to running pods",
        "The Dynamic Containers{mentioned}`title <kep-5972>` proposal adds containers to running pods",
    ),
    (
        "a title in a pull request's text that also names its KEP: recorded by the KEP's role",
        "### [KEP-5972: SIG Node: Dynamic Containers](https://github.com/kubernetes/enhancements/pull/6169)",
        "### {kep}`KEP-5972 <5972>`: {pr}`SIG Node: Dynamic Containers <kubernetes/enhancements#6169>`{mentioned}`link text <sig-node>`",
    ),
    (
        "trap: a title right after a KEP's number is that KEP's (a longer title), not another's",
        "### KEP-4802: Graceful Node Shutdown for Windows Node, and [KEP-4802: Graceful Node Shutdown for Windows Node](https://github.com/kubernetes/enhancements/issues/4802)",
        "### {kep}`KEP-4802 <4802>`: Graceful Node Shutdown for Windows Node, and {kep}`KEP-4802: Graceful Node Shutdown for Windows Node <4802>`",
    ),
    (
        "traps: a title or gate in a URL, a link's address, or a role already written",
        "see https://example.com/dynamic-containers and [the doc](https://example.com/InPlacePodVerticalScaling) and {kep}`Dynamic Containers <5972>`",
        "see https://example.com/dynamic-containers and [the doc](https://example.com/InPlacePodVerticalScaling) and {kep}`Dynamic Containers <5972>`",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [case[1:] for case in KEP_NAME_CASES], ids=[c[0] for c in KEP_NAME_CASES]
)
def test_mentions_by_feature_gate_and_title(text, expected):
    names = fake_names()
    converted, notes = add_roles(text, year=2026, keps=FACTS, names=names)
    assert converted == expected
    assert [n.kind for n in notes] == []
    again, _ = add_roles(converted, year=2026, keps=FACTS, names=names)
    assert again == converted, "not idempotent"
    assert_links_kept(text, converted, text)
    assert_renders(text, converted, text)


def test_a_kep_number_beside_another_keps_title_is_kept_and_noted():
    text = "## KEP of the Week\n\n### KEP-6030: Dynamic Containers"
    converted, notes = add_roles(text, year=2026, keps=FACTS, names=fake_names())
    # The number is kept as written; the title beside it is not taken for another mention.
    assert converted == "## KEP of the Week\n\n### {kep}`KEP-6030 <6030>`: Dynamic Containers"
    assert notes == [
        ReferenceNote(
            3,
            "KEP-6030 is written beside 'Dynamic Containers', the title of KEP-5972 (KEP-6030 "
            "is 'Dynamic Resize of Memory-Backed Volumes'); kept as written: check the number",
            "wrong-number",
        )
    ]
    # In a link's text too.
    text = "[KEP-6030: SIG Node: Dynamic Containers](https://github.com/kubernetes/enhancements/pull/6169)"
    _, notes = add_roles(text, year=2026, keps=FACTS, names=fake_names())
    assert [(n.line, n.kind) for n in notes] == [(1, "wrong-number")]


def test_an_old_kep_file_is_found_by_the_kep_names():
    names = fake_names()
    text = "[KEP 0009](https://github.com/kubernetes/community/blob/master/keps/sig-node/0009-node-heartbeat.md)"
    converted, notes = add_roles(text, year=2018, keps=FACTS, names=names)
    assert converted == "{kep}`KEP 0009 <589>`"
    assert names.asked_old_files == ["0009-node-heartbeat.md"]
    assert notes == []


def test_an_enhancements_issue_of_a_working_group_is_no_kep():
    text = (
        "Kubernetes has formed a dedicated [Checkpoint/Restore Working Group]"
        "(https://github.com/kubernetes/enhancements/issues/5091) to integrate"
    )
    converted, notes = add_roles(text, year=2025, keps=FACTS, names=fake_names())
    assert converted == text.replace(
        "/5091)", "/5091){mentioned}`link text <wg-checkpoint-restore>`"
    )
    assert [(n.kind, n.message) for n in notes] == [
        (
            "unresolved",
            "enhancements issue 5091 has no kep.yaml and its text 'Checkpoint/Restore Working "
            "Group' names a group, not a KEP; left as a link",
        )
    ]
    # Without KEP facts to tell, the issue is the KEP of its number, and the group is named.
    assert roles("[Checkpoint/Restore Working Group](https://github.com/kubernetes/enhancements/issues/5091)") == (
        "{kep}`Checkpoint/Restore Working Group <5091>`{mentioned}`link text <wg-checkpoint-restore>`"
    )  # fmt: skip


def test_the_fingerprint_covers_the_groups_and_the_kep_names(monkeypatch):
    from lwkd_archive.importer import references

    hook = references.RoleHook(FACTS)
    first = hook.fingerprint
    assert hook.fingerprint == first
    hook.names = type("Names", (), {"fingerprint": "another table of old files"})()
    assert hook.fingerprint != first
    hook = references.RoleHook(FACTS)
    monkeypatch.setattr(
        references, "load_groups", lambda: type("Groups", (), {"fingerprint": "other"})()
    )
    assert hook.fingerprint != first


def test_kep_names_of_the_corpus_facts(corpus):
    """Real sentences of 2026 posts with the KEP names built from kubernetes/enhancements."""
    from lwkd_archive.facts.keps import load_enhancements
    from lwkd_archive.importer.references import kep_names_for

    keps, _ = load_enhancements(corpus / "enhancements")
    names = kep_names_for(keps)
    if names is None:
        pytest.skip("lwkd_archive.importer.kep_names is not installed")
    converted, notes = add_roles(
        "* Removed the GA feature gate [`AnyVolumeDataSource`]"
        "(https://github.com/kubernetes/kubernetes/pull/135336), locked and enabled since v1.33.",
        year=2026,
        keps=keps,
        names=names,
    )
    assert converted == (
        "* Removed the GA feature gate [`AnyVolumeDataSource`]"
        "(https://github.com/kubernetes/kubernetes/pull/135336)"
        "{mentioned}`feature gate AnyVolumeDataSource <kep-1495>`, locked and enabled since v1.33."
    )
    assert notes == []
    # Storage Version Migration is KEP-4192; 3962 is Mutating Admission Policies.
    converted, notes = add_roles(
        "* [KEP-3962: Storage Version Migration (SVM) promoted to GA]"
        "(https://github.com/kubernetes/kubernetes/pull/138560).",
        year=2026,
        keps=keps,
        names=names,
    )
    assert converted == (
        "* {kep}`KEP-3962 <3962>`: {pr}`Storage Version Migration (SVM) promoted to GA "
        "<kubernetes/kubernetes#138560>`."
    )
    assert notes == [
        ReferenceNote(
            1,
            "KEP-3962 is written beside a name of KEP-4192, 'Move Storage Version Migrator "
            "in-tree' (KEP-3962 is 'Mutating Admission Policies'); kept as written: check the "
            "number",
            "wrong-number",
        )
    ]


def test_corpus_with_kep_names(corpus):
    """Every LWKD issue with the KEP facts and their names: the mentions of gates and
    titles show nothing, change no text MyST shows, sit in no link, and stay as they are
    when converted again."""
    from lwkd_archive.facts.keps import load_enhancements
    from lwkd_archive.importer.references import kep_names_for

    keps, _ = load_enhancements(corpus / "enhancements")
    names = kep_names_for(keps)
    if names is None:
        pytest.skip("lwkd_archive.importer.kep_names is not installed")
    mentions: Counter[str] = Counter()
    for post in sorted((corpus / "lwkd" / "_posts").glob("*.md")):
        year, body = int(post.name[:4]), strip_front_matter(post.read_text("utf-8"))
        converted, _ = add_roles(body, year=year, keps=keps, names=names)
        assert_renders(body, converted, post.name)
        again, _ = add_roles(converted, year=year, keps=keps, names=names)
        assert again == converted, f"{post.name}: not idempotent"
        mentions.update(
            m[1] for m in re.finditer(r"\{mentioned\}`(feature gate|title|link)", converted)
        )
    print("mentions:", dict(mentions))
    assert mentions["feature gate"] > 300
    assert mentions["title"] > 20
    assert mentions["link"] > 100
