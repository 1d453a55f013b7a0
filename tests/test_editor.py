"""Editors' tools: `new` writes a page that builds, `check` finds each problem at its line."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from lwkd_archive.cli import main
from lwkd_archive.editor.check import check_file
from lwkd_archive.editor.new import coming_sunday, issue_page, run
from lwkd_archive.facts.groups import load_groups
from lwkd_archive.facts.keps import KepFacts, dump_facts
from tests.conftest import REPO, ROOTS

FIXTURES = REPO / "tests" / "fixtures" / "editor"


@pytest.mark.parametrize(
    ("today", "sunday"),
    [
        (dt.date(2025, 7, 9), dt.date(2025, 7, 13)),  # Wednesday
        (dt.date(2025, 7, 13), dt.date(2025, 7, 13)),  # Sunday: this week
        (dt.date(2025, 7, 14), dt.date(2025, 7, 20)),  # Monday
    ],
)
def test_new_issue_is_for_the_coming_sunday(today, sunday):
    assert coming_sunday(today) == sunday


def test_new_writes_the_standing_sections_and_refuses_to_overwrite(tmp_path, capsys):
    import argparse

    args = argparse.Namespace(week_ending=None, out=tmp_path, jekyll=False, posts_dir=None)
    assert run(args, today=dt.date(2025, 7, 9)) == 0
    page = (tmp_path / "2025-07-13.md").read_text()
    assert "\n# Week Ending July 13, 2025\n" in page
    assert "date: 2025-07-16 06:00\nweek_ending: 2025-07-13\n" in page
    assert "lwkd_url: /2025/20250716\n" in page
    headings = [line[3:] for line in page.splitlines() if line.startswith("## ")]
    assert headings == [
        "Developer News", "Release Schedule", "Featured PRs", "KEP of the Week", "Other Merges",
        "Promotions", "Deprecated", "Version Updates", "Subprojects and Dependency Updates", "Shoutouts",
    ]  # fmt: skip
    (tmp_path / "2025-07-13.md").write_text("my draft")
    assert run(args, today=dt.date(2025, 7, 9)) == 1
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "2025-07-13.md").read_text() == "my draft"


def test_new_refuses_a_week_that_does_not_end_on_sunday(tmp_path, capsys):
    assert main(["new", "--week-ending", "2025-07-12", "--out", str(tmp_path)]) == 2
    assert "is a Saturday" in capsys.readouterr().err


def test_new_issue_builds_without_warnings_and_passes_check(make_app, tmp_path):
    srcdir = tmp_path / "site"
    shutil.copytree(ROOTS / "test-basic", srcdir)
    (srcdir / "issues" / "2025-07-13.md").write_text(issue_page(dt.date(2025, 7, 13)))
    app = make_app("html", srcdir=srcdir)
    app.build()
    assert app.warning.getvalue() == ""
    html = (app.outdir / "issues" / "2025-07-13.html").read_text()
    assert "Week Ending July 13, 2025" in html
    assert "Shoutouts" in html
    assert "{kep}" not in html  # the hints are comments, not shown
    # It builds, but it is not an issue yet: `check` fails each section left with its hint.
    found = check_file(srcdir / "issues" / "2025-07-13.md", load_groups(), None)
    assert [(f.line, f.code, f.severity) for f in found] == [
        (line, "LWKD403", "error") for line in range(13, 53, 4)
    ]
    assert found[0].message == (
        "section 'Developer News' holds only the hint of `make new`: write it, or delete the section"
    )


def test_check_passes_a_clean_issue(capsys):
    assert main(["check", str(FIXTURES / "clean.md")]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "checked 1 file: 0 errors, 0 warnings" in err


def test_check_finds_each_problem_at_its_line(capsys):
    path = FIXTURES / "broken.md"
    keps = {3136: KepFacts(number=3136, title="Beta APIs Are Off by Default")}
    findings = [str(f).replace(f"{path}:", "") for f in check_file(path, load_groups(), keps)]
    assert findings == [
        "3: LWKD101 date must be the publication time, 'YYYY-MM-DD HH:MM' (UTC)",
        "7: LWKD102 title 'Week Ending July 12, 2025' does not match week_ending 2025-07-13: write '# Week Ending July 13, 2025'",
        "11: LWKD201 link [the notes]() has no target: add the URL or remove the brackets",
        "11: LWKD202 link target 'docs/notes' is not a URL or an issue page: write https://...",
        "11: LWKD303 'KEP-4000' names a KEP: write it as the role {kep}`KEP-4000 <4000>`",
        "11: LWKD303 'SIG Node' names a group: write it as the role {sig}`SIG Node <sig-node>`",
        "13: LWKD302 KEP 3137 is the number of the enhancements pull request beside it: write the KEP's own number",
        "13: LWKD303 'enhancements#3137' names a pull request: write it as the role {pr}`enhancements#3137 <kubernetes/enhancements#3137>`",
        "15: LWKD203 pull-request link https://github.com/kubernetes/kubernetes/pull/12x has no number: link https://github.com/ORG/REPO/pull/NUMBER",
        "15: LWKD203 {pr} target 'org/repo#abc' is not a pull request: write {pr}`123456` or {pr}`kubernetes/enhancements#3137`",
        "15: LWKD402 raw HTML '</b>': write Markdown instead (or escape it as \\</b>)",
        "15: LWKD402 raw HTML '<b>': write Markdown instead (or escape it as \\<b>)",
        "17: LWKD401 heading level 5 after level 3: use level 4",
        "19: LWKD304 {kep} target 'abc' is not a KEP number: write {kep}`3136`",
        "19: LWKD304 {sig} target 'nodes' names no group: use a slug such as sig-node (see data/groups.yaml)",
        "21: LWKD401 an issue has exactly one level-1 heading, its title; found 2",
    ]
    assert main(["check", str(path)]) == 1


def test_check_reports_missing_front_matter(tmp_path):
    page = tmp_path / "draft.md"
    page.write_text("# Week Ending July 13, 2025\n")
    assert [f.code for f in check_file(page, load_groups(), None)] == ["LWKD101"]


def test_check_reads_mentioned_roles_as_the_build_does(tmp_path):
    page = tmp_path / "2025-07-13.md"
    page.write_text(
        "---\nblogpost: true\ndate: 2025-07-16 06:00\nweek_ending: 2025-07-13\n---\n\n"
        "# Week Ending July 13, 2025\n\n"
        "Behind `InPlacePodVerticalScaling`{mentioned}`feature gate InPlacePodVerticalScaling <kep-1287>`.\n\n"
        "A [SIG-Release survey](https://forms.example){mentioned}`link text <sig-release>`.\n\n"
        "And [this](https://forms.example){mentioned}`link text <sig-nothing>`.\n\n"
        "And `Gate`{mentioned}`feature gate Gate <kep-99999>`.\n",
        encoding="utf-8",
    )
    keps = {1287: KepFacts(number=1287, title="In-Place Update of Pod Resources")}
    found = [(f.line, f.code) for f in check_file(page, load_groups(), keps)]
    assert found == [(13, "LWKD304"), (15, "LWKD301")]


def test_make_serve_runs_sphinx_autobuild():
    import subprocess

    dry = subprocess.run(
        ["make", "-n", "serve"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert "-m sphinx_autobuild -b html -c ." in dry
    assert "--watch lwkd_archive source _build/serve" in dry


@pytest.mark.corpus
def test_check_on_the_imported_corpus_finds_no_errors(corpus, tmp_path, capsys):
    out = tmp_path / "archive"
    assert (
        main(
            [
                "import",
                str(corpus / "lwkd"),
                "--enhancements",
                str(corpus / "enhancements"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["check", str(out), "--enhancements", str(out / "keps.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    codes = sorted({line.split(": ")[1].split()[0] for line in lines})
    # KEPs LWKD linked that have no kep.yaml (features of 2018, withdrawn KEPs), and the
    # one issue whose week ends on a Saturday (2018-11-17): both true, both warnings.
    assert codes == ["LWKD103", "LWKD301"]


FRONT = (
    "---\nblogpost: true\ndate: 2025-07-16 06:00\nweek_ending: 2025-07-13\n---\n\n"
    "# Week Ending July 13, 2025\n\n"
)  # the body starts at line 9


def raw_html_findings(tmp_path, body: str) -> list[str]:
    page = tmp_path / "2025-07-13.md"
    page.write_text(FRONT + body, encoding="utf-8")
    return [
        str(f).replace(f"{page}:", "")
        for f in check_file(page, load_groups(), None)
        if f.code == "LWKD402"
    ]


def raw(line: int, tag: str, escaped: str | None = None) -> str:
    hint = escaped or "\\" + tag
    return f"{line}: LWKD402 raw HTML {tag!r}: write Markdown instead (or escape it as {hint})"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A tag over two lines, or with ">" in a quoted value, is one tag.
        (
            "An <img src=x\nonerror=alert(1)> image.\n",
            [raw(9, "<img src=x\nonerror=alert(1)>", "\\<img src=x…")],
        ),
        ('A <img alt="a>b" src=x> tag.\n', [raw(9, '<img alt="a>b" src=x>')]),
        (
            "A <?php echo 1; ?>, a <![CDATA[ x ]]> and a <!-- comment -->.\n",
            [raw(9, "<!-- comment -->"), raw(9, "<![CDATA[ x ]]>"), raw(9, "<?php echo 1; ?>")],
        ),
        # An escaped backtick opens no code span.
        ("Not code: \\`<b>x</b>`\n", [raw(9, "</b>"), raw(9, "<b>")]),
        ("| a | <i>b</i> |\n|---|---|\n", [raw(9, "</i>"), raw(9, "<i>")]),
        # A backtick left open ends with its list item (as in the corpus, 2023-12-17).
        (
            "* `a(<string>)` one\n* `b(<string>) two\n* `c(<string>)` three\n",
            [raw(10, "<string>")],
        ),
        # A code span ends at a blank line.
        ("A `code\n\nspan <b>x</b>` here\n", [raw(11, "</b>"), raw(11, "<b>")]),
        # A block is named once: the lines up to a blank line are part of it.
        (
            'Above.\n\n<div class="note">\nhi\n</div>\n',
            ["11: LWKD402 raw HTML block '<div class=\"note\">': write Markdown instead"],
        ),
        (
            "```text\n<b>\n```\n\n<span\nclass=x>y</span>\n",
            [raw(13, "<span\nclass=x>", "\\<span…"), raw(14, "</span>")],
        ),
    ],
    ids=[
        "over-two-lines",
        "quoted-greater-than",
        "instruction-cdata-comment",
        "escaped-backtick",
        "table",
        "code-span-left-open",
        "code-span-over-a-blank-line",
        "block",
        "after-code",
    ],
)
def test_check_reports_raw_html_where_myst_reads_it(tmp_path, body, expected):
    assert raw_html_findings(tmp_path, body) == expected


def test_check_reports_no_raw_html_in_code_escapes_autolinks_or_roles(tmp_path):
    body = (
        "Use `<b>`, ``a `<b>` b``, an escaped \\<b>, <https://kubernetes.io>, <a@example.org>\n"
        "and {sig}`SIG Node <sig-node>`.\n\n"
        "```html\n<b>x</b>\n```\n\n"
        "~~~\n<div>\n~~~\n\n"
        "    <div>indented code</div>\n"
    )
    assert raw_html_findings(tmp_path, body) == []


WRONG_NUMBERS = FRONT + (
    "## Featured PRs\n\n"  # line 9
    "Tim introduced the `KubeletAllocatedPodsEndpoint` feature gate. Linked to the Dynamic\n"
    "Containers proposal ([KEP-6030](https://github.com/kubernetes/enhancements/issues/6030)),\n"
    "this endpoint allows the API server to query the `/allocated` subresource.\n\n"
    "## Promotions\n\n"  # line 15
    "* [KEP-3962: Storage Version Migration (SVM) promoted to GA](https://github.com/kubernetes/kubernetes/pull/138560).\n"
    "* {kep}`KEP-1287: In-Place Update of Pod Resources <1287>` to GA\n"
    "* {kep}`Storage Version Migration <3962>`, a role whose text has no number\n"
    "* The `MutatingAdmissionPolicy` gate of {kep}`3962`\n"
)  # fmt: skip
NAMED_KEPS = {
    1287: KepFacts(number=1287, title="In-place Update of Pod Resources", feature_gates=("InPlacePodVerticalScaling",)),
    3962: KepFacts(number=3962, title="Mutating Admission Policies", feature_gates=("MutatingAdmissionPolicy",)),
    4192: KepFacts(number=4192, title="Move Storage Version Migrator in-tree", feature_gates=("StorageVersionMigrator",)),
    5972: KepFacts(number=5972, title="Dynamic Containers"),
    6030: KepFacts(number=6030, title="Dynamic Resize of Memory-Backed Volumes"),
}  # fmt: skip


def test_check_reports_a_kep_number_beside_another_keps_name_and_changes_nothing(tmp_path, capsys):
    page = tmp_path / "2025-07-13.md"
    page.write_text(WRONG_NUMBERS, encoding="utf-8")
    findings = [
        str(f).replace(f"{page}:", "")
        for f in check_file(page, load_groups(), NAMED_KEPS)
        if f.code == "LWKD305"
    ]
    assert findings == [
        "12: LWKD305 KEP-6030 is written beside the name of KEP-5972 ('Dynamic Containers'), "
        "but KEP-6030 is 'Dynamic Resize of Memory-Backed Volumes': check the number",
        "17: LWKD305 KEP-3962 is written beside the name of KEP-4192 ('Move Storage Version "
        "Migrator in-tree'), but KEP-3962 is 'Mutating Admission Policies': check the number",
        "19: LWKD305 KEP-3962 is written beside the name of KEP-4192 ('Move Storage Version "
        "Migrator in-tree'), but KEP-3962 is 'Mutating Admission Policies': check the number",
    ]
    assert page.read_text(encoding="utf-8") == WRONG_NUMBERS  # advice only
    # Without KEP facts there is nothing to compare the numbers with.
    assert not [f for f in check_file(page, load_groups(), None) if f.code == "LWKD305"]
    facts = tmp_path / "keps.json"
    facts.write_text(dump_facts(NAMED_KEPS), encoding="utf-8")
    assert main(["check", str(page), "--enhancements", str(facts)]) == 0  # warnings only
    out = capsys.readouterr().out
    assert f"{page}:17: LWKD305 KEP-3962 is written beside the name of KEP-4192" in out


def test_check_leaves_the_old_numbering_of_2018_alone(tmp_path):
    # 2018-07-29: "Jordan Liggitt presented KEP 17", a number of the old numbering.
    body = (
        "\n# Week Ending July 29, 2018\n\n"
        "Jordan Liggitt presented KEP 17: Moving ComponentConfig API types to staging repos.\n"
    )
    keps = {
        17: KepFacts(number=17, title="Ephemeral Volumes"),
        115: KepFacts(number=115, title="Moving ComponentConfig API types to staging repos"),
    }
    findings = {}
    for week in ("2018-07-29", "2024-07-28"):
        page = tmp_path / f"{week}.md"
        front = f"---\nblogpost: true\ndate: {week} 06:00\nweek_ending: {week}\n---\n"
        page.write_text(front + body, encoding="utf-8")
        findings[week] = [
            f.line for f in check_file(page, load_groups(), keps) if f.code == "LWKD305"
        ]
    assert findings == {"2018-07-29": [], "2024-07-28": [9]}
