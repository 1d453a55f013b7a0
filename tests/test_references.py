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

from lwkd_archive.facts.keps import KepFacts
from lwkd_archive.facts.targets import KEP_TEXT_RE, kep_of_pull_request
from lwkd_archive.importer.references import ReferenceNote, add_roles

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "references"
CASES = yaml.safe_load((FIXTURES / "cases.yaml").read_text(encoding="utf-8"))
MYST = create_md_parser(
    MdParserConfig(enable_extensions={"colon_fence", "deflist", "attrs_inline"}), RendererHTML
)
ROLE_CONTENT_RE = re.compile(r"(?s)^(?P<title>.*?)\s*<(?P<target>[^<>]*)>$")
WRITTEN_ROLE_RE = re.compile(r"\{(?:kep|sig|pr)\}`[^`\n]+`")
PULL_URL_RE = re.compile(
    r"^https://github\.com/(?P<org>[\w.-]+)/(?P<repo>[\w.-]+)/pull/(?P<n>\d+)/?$"
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
            key = ("sig", group["slug"])
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
    _, new_roles = links_and_roles(after)
    for (role, target), count in new_roles.items():
        if role == "kep":
            assert count <= justified[int(target)], f"{name}: KEP-{target} is not written there"
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
