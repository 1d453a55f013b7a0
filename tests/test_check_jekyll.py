"""`check` on LWKD's Jekyll posts: each defect at its line, in the post's own Markdown,
no false alarm on the real posts, exit codes, and GitHub annotations."""

from __future__ import annotations

import datetime as dt

import pytest

from lwkd_archive.cli import main
from lwkd_archive.editor import check, jekyll_check
from lwkd_archive.editor.check import Finding, check_file, github_command
from lwkd_archive.facts.groups import load_groups
from lwkd_archive.facts.keps import KepFacts, dump_facts

#: The check runs "now": a week after the post below, so it is not yet published long.
NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
FRONT = (
    "---\n"
    "layout: post\n"
    "title: Week Ending November 29, 2026\n"
    "date: 2026-12-01 22:00:00 -0000\n"  # line 4
    "slug: 2026-11-29-update\n"
    "---\n"
)
GOOD = FRONT + (
    "\n"
    "## Developer News\n"  # line 8
    "\n"
    "[SIG Node](https://github.com/kubernetes/community/tree/master/sig-node) met; see\n"
    "[KEP-3136](https://kep.k8s.io/3136) and `<string>` in code.\n"
    "\n"
    "### Contributor Blog\n"
    "\n"
    "A post on [lwkd.info](/2026/20261125).\n"
    "\n"
    "## Release Schedule\n"
    "\n"
    "**Next Deadline: Code Freeze, Thursday December 4**\n"
    "\n"
    "1. first\n"
    "2. second\n"
    "\n"
    "## Shoutouts\n"
    "\n"
    "* Thanks to @someone for <b>everything</b>.\n"
)
KEPS = {
    3136: KepFacts(number=3136, title="Beta APIs Are Off by Default"),
    3962: KepFacts(
        number=3962, title="Mutating Admission Policies", feature_gates=("MutatingAdmissionPolicy",)
    ),
    4192: KepFacts(
        number=4192,
        title="Move Storage Version Migrator in-tree",
        feature_gates=("StorageVersionMigrator",),
    ),
}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The command line's "now" is NOW too, so no test depends on the day it runs."""
    monkeypatch.setattr(jekyll_check, "current_time", lambda: NOW)


def write_post(tmp_path, text: str, name: str = "2026-11-29-update.md"):
    posts = tmp_path / "_posts"
    posts.mkdir(exist_ok=True)
    path = posts / name
    path.write_text(text, encoding="utf-8")
    return path


def found(path, keps=None, now=NOW) -> list[str]:
    """``line: CODE severity`` of each finding, in order."""
    return [
        f"{f.line}: {f.code} {f.severity}" for f in check_file(path, load_groups(), keps, now=now)
    ]


def messages(path, keps=None, now=NOW) -> list[str]:
    return [str(f).replace(f"{path}:", "") for f in check_file(path, load_groups(), keps, now=now)]


def test_a_good_post_has_no_finding(tmp_path):
    assert found(write_post(tmp_path, GOOD), KEPS) == []


def test_an_empty_link_is_an_error_at_its_line(tmp_path):
    path = write_post(tmp_path, GOOD.replace("met; see\n", "met; see [the notes]()\n"))
    assert messages(path, KEPS) == [
        "10: LWKD201 link [the notes]() has no target (it leads back to the page): "
        "write [the notes](https://...) or remove the brackets"
    ]
    assert main(["check", str(path)]) == 1


def test_no_role_is_asked_for_in_a_jekyll_post(tmp_path):
    text = GOOD + "\nSIG Node and KEP-3136 and enhancements#3137, kubernetes/kubernetes#123456.\n"
    assert found(write_post(tmp_path, text), KEPS) == []


def test_the_template_left_as_it_is(tmp_path):
    # template.md's front matter and sections, before new_edition.sh fills them in.
    text = (
        "---\nlayout: post\ntitle: Week Ending Month DD, YYYY\n"
        "date: POST_DATE 22:00:00 -0000\nslug: POST_SLUG_DATE-update\n---\n"
        "\n## Developer News\n\n\n### Election Update\n\n### Contributor Blog\n\n"  # 8, 11, 13
        "## Release Schedule\n\n**Next Deadline:**\n\n\n"  # 15, 17
        "## Featured PRs\n\n\n"  # 20
        "## Other Merges\n\n*\n\n"  # 23, 25
        "## Shoutouts\n\n* No shoutouts this week.\n"
    )
    path = write_post(tmp_path, text)
    assert messages(path) == [
        "3: LWKD104 title 'Week Ending Month DD, YYYY' still holds template.md's placeholder: "
        "run new_edition.sh, or write the week's values",
        "4: LWKD104 date 'POST_DATE 22:00:00 -0000' still holds template.md's placeholder: "
        "run new_edition.sh, or write the week's values",
        "5: LWKD104 slug 'POST_SLUG_DATE-update' still holds template.md's placeholder: "
        "run new_edition.sh, or write the week's values",
        "11: LWKD403 section 'Election Update' is empty: write it, or delete the heading",
        "13: LWKD403 section 'Contributor Blog' is empty: write it, or delete the heading",
        "17: LWKD403 '**Next Deadline:**' names no deadline: write "
        "'**Next Deadline: WHAT, DAY MONTH D**', or delete the line",
        "20: LWKD403 section 'Featured PRs' is empty: write it, or delete the heading",
        "25: LWKD403 empty list item (template.md's '*'): write the item, or delete the line",
    ]


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        # 2019-01-06: the year of the week before.
        (
            {"title": "Week Ending November 29, 2025"},
            "3: LWKD102 title 'Week Ending November 29, 2025' names 2025-11-29, not the week "
            "the post covers (2026-11-29): write 'title: Week Ending November 29, 2026'",
        ),
        # 2018-02-18: a misspelled month the importer reads anyway.
        (
            {"title": "Week Ending Feburary 29, 2026"},
            "3: LWKD102 title 'Week Ending Feburary 29, 2026' names no date, not the week "
            "the post covers (2026-11-29): write 'title: Week Ending November 29, 2026'",
        ),
        (
            {"title": "Week Ending Novembre 29, 2026"},
            "3: LWKD102 title 'Week Ending Novembre 29, 2026' names no date, not the week "
            "the post covers (2026-11-29): write 'title: Week Ending November 29, 2026'",
        ),
        # 2022-02-27: an impossible date, which Jekyll rolls over.
        (
            {"date": "2026-11-31 22:00:00 -0000"},
            "4: LWKD105 date '2026-11-31' does not exist; Jekyll rolls it over to 2026-12-01; "
            "write the date and time meant, such as 'date: 2026-12-01 22:00:00 -0000'",
        ),
        # 2024-04-14: a typo in the time.
        (
            {"date": "2026-12-01 14:4g5:00 -0000"},
            "4: LWKD105 time in '2026-12-01 14:4g5:00 -0000' is malformed; Jekyll reads it as "
            "14:04; write the date and time meant, such as 'date: 2026-12-01 14:04:00 -0000'",
        ),
        (
            {"date": "December 1st"},
            "4: LWKD105 date 'December 1st' is not a date: Jekyll fails the site's build on it; "
            "write 'date: 2026-11-29 22:00:00 -0000'",
        ),
        # 2026-03-15: published on the Friday before the Sunday.
        (
            {"date": "2026-11-27 19:00:00 -0000"},
            "4: LWKD107 dated 2026-11-27, before the week it covers ends (2026-11-29): "
            "lwkd.info serves it at that date; date it on or after 2026-11-29",
        ),
        (
            {"date": "2026-12-03 22:00:00 -0000"},
            "4: LWKD106 dated 2026-12-03 22:00 UTC, in the future: Jekyll does not publish it "
            "before then; set the time when publishing (publishing.md, step 3)",
        ),
    ],
)
def test_front_matter_defects(tmp_path, front, expected):
    text = FRONT
    for key, value in front.items():
        old = next(line for line in FRONT.splitlines() if line.startswith(f"{key}:"))
        text = text.replace(old, f"{key}: {value}")
    path = write_post(tmp_path, text + "\n## Developer News\n\nNews.\n")
    assert messages(path) == [expected]


def test_month_misspelled_but_read_and_ordinals_and_zero_padding(tmp_path):
    text = FRONT.replace("November 29, 2026", "Feburary 1, 2026").replace(
        "2026-12-01", "2026-02-04"
    )
    path = write_post(tmp_path, text + "\nNews.\n", name="2026-02-01-update.md")
    assert messages(path, now=dt.datetime(2026, 2, 5, tzinfo=dt.UTC)) == [
        "3: LWKD102 title 'Week Ending Feburary 1, 2026' misspells the month: "
        "write 'title: Week Ending February 1, 2026'"
    ]
    # new_edition.sh writes "November 09, 2026"; 2018 wrote "July 8th": both name the week.
    for title in ("Week Ending November 29th, 2026", "'Special Edition: Week Ending Nov 29, 2026'"):
        text = FRONT.replace("Week Ending November 29, 2026", title)
        assert found(write_post(tmp_path, text + "\nNews.\n")) == []


def test_file_name_not_a_sunday(tmp_path):
    # 2018-11-17: named and titled by a Saturday.
    text = FRONT.replace("November 29", "November 28") + "\nNews.\n"
    path = write_post(tmp_path, text, name="2026-11-28-update.md")
    assert found(path) == ["1: LWKD103 warning"]
    # 2018-02-05: named by the Monday it was published, titled by the Sunday: as then.
    path = write_post(tmp_path, FRONT + "\nNews.\n", name="2026-11-30-update.md")
    assert found(path) == []


def test_body_defects_each_at_its_line(tmp_path):
    body = (
        "\n# Developer News\n"  # 8
        "\n"
        "#### Too deep\n"  # 10
        "\n"
        "##Release Schedule\n"  # 12
        "\n"
        "See [the PR](https://github.com/kubernetes/kubernetes/pull/123561]) and\n"  # 14
        "[the docs](cloud.google.com/network-tier) and [a metric](apiserver_total).\n"  # 15
        "A site file [chart](/2018/images/missing.png) is not checked outside a checkout.\n"
        "\n"
        "* `ip(<string>)` and ip(<string>) and {: .note} and {{ page.title }}\n"  # 18
        "* costs $$ and\n"  # 19
        "the year\n"
        "2019. was long\n"  # 21
        "\n"
        "[bad](javascript:alert(1))\n"  # 23
        "\n"
        "A term\n"
        ": its definition\n"  # 26
        "\n"
        "| a | b |\n"  # 28
        "| 1 | 2 |\n"
        "\n"
        "| a | b |\n"
        "|---|---|\n"
        "text\n"
        "| not a table, in kramdown too |\n"
    )
    path = write_post(tmp_path, FRONT + body)
    assert messages(path) == [
        "8: LWKD401 a level-1 heading in a post: the layout shows the title as the level-1 "
        "heading; start sections at '## '",
        "10: LWKD401 heading level 4 after level 1: write '## Too deep'",
        "12: LWKD411 '##Release Schedule' is shown as text, not a heading: "
        "write '## Release Schedule'",
        "14: LWKD203 pull-request link https://github.com/kubernetes/kubernetes/pull/123561] "
        "has junk after the number: write "
        "[the PR](https://github.com/kubernetes/kubernetes/pull/123561)",
        "15: LWKD202 link target 'apiserver_total' is not a URL: write [a metric](https://...)",
        "15: LWKD202 link target 'cloud.google.com/network-tier' is not a URL: write "
        "[the docs](https://cloud.google.com/network-tier)",
        "18: LWKD402 '<string>' is read as an HTML tag, which readers do not see: "
        "write it as code, `<string>`, or escape it, \\<string>",
        "18: LWKD412 '{: .note}' is kramdown syntax: lwkd.info hides it, the mailing list "
        "prints it as text; delete it",
        "18: LWKD413 '{{' starts a Liquid tag, which Jekyll runs even in code (it prints "
        "nothing, or fails the build): wrap the text in {% raw %}...{% endraw %}",
        "19: LWKD414 '$$' starts math in kramdown (lwkd.info), text in the mailing list: "
        "write it as code, `$$`",
        "21: LWKD415 '2019.' right after a line of text: lwkd.info starts a list here, "
        "the mailing list continues the paragraph; add a blank line before it",
        "23: LWKD202 link target 'javascript:alert(1)' is not a web address",
        "26: LWKD416 ':' under a line of text makes a definition list on lwkd.info, text in "
        "the mailing list; write it on the line above, or add a blank line",
        "28: LWKD416 a line starting with '|' makes a table on lwkd.info, text in the mailing "
        "list; add a '|---|' line under the header, or start the line otherwise",
    ]


def test_site_paths_are_checked_inside_an_lwkd_checkout(tmp_path):
    (tmp_path / "_config.yml").write_text("permalink: /:year/:year:month:day\n")
    (tmp_path / "2018" / "images").mkdir(parents=True)
    (tmp_path / "2018" / "images" / "chart.png").write_bytes(b"\x89PNG")
    (tmp_path / "authors.md").write_text("# Authors\n")
    body = (
        "\n[a](/2018/images/chart.png) [b](/authors) [c](/2018/20180205) [d](/feed.xml)\n"
        "[e](/2018/images/gone.png) [f](/../etc/passwd)\n"
    )
    path = write_post(tmp_path, FRONT + body)
    assert messages(path) == [
        "9: LWKD202 link target '/../etc/passwd' leaves the site",
        "9: LWKD202 link target '/2018/images/gone.png' is not a file of the LWKD site: "
        "check the path",
    ]


def test_kep_numbers_with_kep_facts(tmp_path):
    body = (
        "\n## KEP of the Week\n\n"  # 8
        "### [KEP-3136: Beta APIs](https://kep.k8s.io/3136)\n\n"  # 10
        "[KEP-99999](https://kep.k8s.io/99999) is new.\n\n"  # 12
        "[enhancements#3137](https://github.com/kubernetes/enhancements/pull/3137) "  # 14
        "implements [#3137](https://github.com/kubernetes/enhancements/issues/3137).\n\n"
        "* [KEP-3962: Storage Version Migration (SVM) promoted to GA]"  # 16
        "(https://github.com/kubernetes/kubernetes/pull/138560).\n"
    )
    path = write_post(tmp_path, FRONT + body)
    assert messages(path, KEPS) == [
        "12: LWKD301 KEP 99999 is not in kubernetes/enhancements: check the number, "
        "or link the pull request that proposes it",
        "14: LWKD302 KEP 3137 is the number of the enhancements pull request beside it: "
        "write the KEP's own number",
        "16: LWKD305 KEP-3962 is written beside the name of KEP-4192 ('Move Storage Version "
        "Migrator in-tree'), but KEP-3962 is 'Mutating Admission Policies': check the number; "
        "if KEP-4192 is meant, link [KEP-4192](https://kep.k8s.io/4192)",
    ]
    # Without KEP facts, only the pull-request number is known to be wrong.
    assert found(path) == ["14: LWKD302 error"]


def test_a_kep_proposed_in_a_pull_request_is_not_unknown(tmp_path):
    # 2026-07-19: "### [KEP-5972: SIG Node: Dynamic Containers](.../enhancements/pull/6169)",
    # then "KEP-5972, authored by ..."; 2021-01-24: "enhancements#2310: Introduce KEP 2309".
    body = (
        "\n## [KEP-5972: Dynamic Containers](https://github.com/kubernetes/enhancements/pull/6169)\n"
        "\nKEP-5972, authored by Tim, proposes mutable Pods.\n"
        "\n## [enhancements#2310: Introduce KEP 2309: An IDL](https://github.com/kubernetes/enhancements/pull/2310)\n"
        "\nAnd KEP-5999 is not merged.\n"  # 14
    )
    path = write_post(tmp_path, FRONT + body)
    assert found(path, KEPS) == ["14: LWKD301 warning"]


def test_kep_facts_that_hold_no_kep_exit_2(tmp_path, capsys):
    path = write_post(tmp_path, GOOD)
    (tmp_path / "enhancements").mkdir()
    assert main(["check", str(path), "--enhancements", str(tmp_path / "enhancements")]) == 2
    assert "no KEP facts in it" in capsys.readouterr().err
    facts = tmp_path / "keps.json"
    facts.write_text(dump_facts(KEPS), encoding="utf-8")
    assert main(["check", str(path), "--enhancements", str(facts)]) == 0


def test_a_published_post_has_warnings_not_errors(tmp_path):
    path = write_post(tmp_path, GOOD.replace("met; see\n", "met; see [the notes]()\n"))
    later = NOW + dt.timedelta(days=30)
    [finding] = check_file(path, load_groups(), None, now=later)
    assert (finding.line, finding.code, finding.severity) == (10, "LWKD201", "warning")
    assert finding.message.endswith("(published 2026-12-01, so a warning)")


def test_a_published_post_being_changed_keeps_its_errors(tmp_path, capsys):
    path = write_post(tmp_path, GOOD.replace("met; see\n", "met; see [the notes]()\n"))
    later = NOW + dt.timedelta(days=30)
    [finding] = check_file(path, load_groups(), None, now=later, changed=True)
    assert (finding.line, finding.code, finding.severity) == (10, "LWKD201", "error")
    assert "so a warning" not in finding.message
    # As the hook and the action run it: --changed, and the exit status says so.
    assert main(["check", "--changed", str(path)]) == 1
    assert ":10: LWKD201 link [the notes]() has no target" in capsys.readouterr().out


def test_broken_front_matter_is_an_error_at_its_line(tmp_path):
    path = write_post(tmp_path, "---\nlayout: post\ntitle: Week: Ending\n---\n\nNews.\n")
    assert [f[:10] for f in found(path)] == ["3: LWKD101"]
    path = write_post(tmp_path, "---\ntitle: Week Ending November 29, 2026\n---\n\nNews.\n")
    assert messages(path) == [
        "1: LWKD101 front matter has no layout: add 'layout: post' as template.md has it"
    ]


def test_myst_issues_are_still_checked_as_myst(tmp_path):
    page = tmp_path / "2026-11-29.md"
    page.write_text(
        "---\nblogpost: true\ndate: 2026-12-02 06:00\nweek_ending: 2026-11-29\n---\n\n"
        "# Week Ending November 29, 2026\n\n## News\n\n% the hint\n\nSIG Node met.\n",
        encoding="utf-8",
    )
    assert found(page) == ["13: LWKD303 warning"]


def test_make_new_template_fails_and_the_bundled_sample_passes(tmp_path, capsys):
    from lwkd_archive.editor.new import issue_page
    from tests.conftest import REPO

    page = tmp_path / "2026-12-06.md"
    page.write_text(issue_page(dt.date(2026, 12, 6)), encoding="utf-8")
    assert main(["check", str(page)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"{page}:13: LWKD403 section 'Developer News' holds only the hint of `make new`: "
        "write it, or delete the section"
    )
    assert [line.split(": ")[0] for line in out] == [f"{page}:{n}" for n in range(13, 53, 4)]
    # Written, a section passes; the sample issue the repository carries passes whole.
    page.write_text(
        issue_page(dt.date(2026, 12, 6)).replace(
            "## Developer News\n", "## Developer News\n\nNews.\n"
        ),
        encoding="utf-8",
    )
    assert 13 not in [f.line for f in check_file(page, load_groups(), None)]
    assert main(["check", str(REPO / "source" / "issues")]) == 0


# -- exit codes and the command line -----------------------------------------------------


def test_missing_path_exits_2(tmp_path, capsys):
    path = write_post(tmp_path, GOOD)
    assert main(["check", str(path), str(tmp_path / "nope.md")]) == 2
    err = capsys.readouterr().err
    assert f"error: {tmp_path / 'nope.md'}: no such file or folder" in err
    assert "checked 1 file: 0 errors" in err  # the others are still checked


def test_folder_without_issues_exits_2(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["check", str(tmp_path / "empty")]) == 2
    assert "no .md file in this folder" in capsys.readouterr().err


def test_unreadable_file_exits_2(tmp_path, monkeypatch, capsys):
    path = write_post(tmp_path, GOOD)
    other = write_post(
        tmp_path, GOOD.replace("\n## Shoutouts", "\n[x]()\n\n## Shoutouts"), "2026-11-22-update.md"
    )
    real_read = type(path).read_bytes

    def read_bytes(self):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(type(path), "read_bytes", read_bytes)
    assert main(["check", str(tmp_path / "_posts")]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{other}:")  # the other post is still checked
    assert out[-1] == (
        f"{path}:1: LWKD100 cannot read the file: Permission denied; "
        "check that it exists and its permissions"
    )


def test_links_and_pipes_are_not_read(tmp_path, capsys):
    import os

    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=hunter2\n")
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2026-11-29-update.md").symlink_to(secret)
    os.mkfifo(posts / "2026-11-22-update.md")  # opening it would wait for ever
    assert main(["check", str(posts)]) == 1
    out = capsys.readouterr().out
    assert out == (
        f"{posts / '2026-11-22-update.md'}:1: LWKD101 not a regular file (a device, socket or "
        "pipe): not read\n"
        f"{posts / '2026-11-29-update.md'}:1: LWKD101 a symbolic link (to {secret}): not read, "
        "since a post or issue is a file of its repository; check the file itself\n"
    )


def test_empty_default_folders_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(check, "project_root", lambda: tmp_path)
    assert main(["check"]) == 2
    assert "error: nothing to check" in capsys.readouterr().err
    (tmp_path / "source" / "issues").mkdir(parents=True)
    assert main(["check"]) == 2
    assert "error: nothing to check" in capsys.readouterr().err


def test_github_format(tmp_path, capsys):
    path = write_post(tmp_path, GOOD.replace("met; see\n", "met; see [the notes]()\n"))
    assert main(["check", "--format", "github", str(path)]) == 1
    assert capsys.readouterr().out == (
        f"::error file={path},line=10,title=LWKD201::link [the notes]() has no target (it "
        "leads back to the page): write [the notes](https://...) or remove the brackets\n"
    )


def test_github_format_reports_a_missing_path(tmp_path, capsys):
    assert main(["check", "--format", "github", str(tmp_path / "a,b.md")]) == 2
    assert capsys.readouterr().out == f"::error::{tmp_path / 'a,b.md'}: no such file or folder\n"


def test_github_commands_escape_what_github_reads():
    finding = Finding("dir,a:b/100%.md", 3, "LWKD102", "50% done\r\nnext: line, here")
    assert github_command(finding) == (
        "::error file=dir%2Ca%3Ab/100%25.md,line=3,title=LWKD102::50%25 done%0D%0Anext: line, here"
    )
    warning = Finding("a.md", 0, "LWKD103", "x", level="warning")
    assert github_command(warning) == "::warning file=a.md,line=1,title=LWKD103::x"


# -- the real posts ----------------------------------------------------------------------

#: Every warning over the corpus's 334 posts, each verified by hand in the post.
CORPUS_WARNINGS = [
    "2018-02-11-update.md:3: LWKD102",  # "Feburary 12": the week ends February 11
    "2018-02-18-update.md:3: LWKD102",  # "Feburary" misspelled
    "2018-02-25-update.md:3: LWKD102",  # "Feburary" misspelled
    "2018-02-25-update.md:12: LWKD201",  # [Helm Summit]()
    "2018-02-25-update.md:12: LWKD201",  # [Index Conf]()
    "2018-02-25-update.md:74: LWKD201",  # [Lukasz]()
    "2018-04-09-update.md:12: LWKD201",  # [SIG-Cluster-Ops]()
    "2018-04-09-update.md:12: LWKD201",  # [SIG-Docs]()
    "2018-08-26-update.md:26: LWKD201",  # [starts this week]()
    "2018-11-17-update.md:1: LWKD103",  # a Saturday's name and title
    "2019-01-06-update.md:3: LWKD102",  # "January 6, 2018" in 2019
    "2019-07-28-update.md:18: LWKD201",  # [file an exception]()
    "2019-10-27-update.md:30: LWKD202",  # (apiserver_request_error_total), no URL
    "2019-10-27-update.md:40: LWKD202",  # the same
    "2020-05-03-update.md:57: LWKD202",  # (apiregistration.k8s.io/v1beta1), no scheme
    "2020-05-10-update.md:48: LWKD202",  # (cloud.google.com/network-tier), no scheme
    "2020-12-13-update.md:51: LWKD301",  # keps/sig-network/2004-...: no such KEP (withdrawn)
    "2021-04-18-update.md:3: LWKD102",  # "April 14" for the week ending April 18
    "2021-05-30-update.md:53: LWKD203",  # pull/102377deb
    "2021-10-24-update.md:24: LWKD401",  # "# Merges", a second level-1 heading
    "2022-02-27-update.md:4: LWKD105",  # date 2022-02-29
    "2022-05-01-update.md:30: LWKD201",  # [have been cherry-picked]()
    "2023-12-17-update.md:34: LWKD402",  # an unclosed code span leaves <string> as a tag
    "2024-03-03-update.md:59: LWKD203",  # pull/123561]
    "2024-04-14-update.md:4: LWKD105",  # time 14:4g5:00
    "2024-09-15-update.md:26: LWKD401",  # #### under ##
    "2024-09-22-update.md:22: LWKD401",  # #### under ##
    "2025-05-11-update.md:31: LWKD403",  # "## KEP of the Week" left empty
]


@pytest.mark.corpus
def test_the_corpus_posts_pass_with_only_their_real_defects(corpus, capsys):
    posts = corpus / "lwkd" / "_posts"
    code = main(["check", str(posts), "--enhancements", str(corpus / "enhancements")])
    out, err = capsys.readouterr()
    assert code == 0, out
    assert "checked 334 files: 0 errors, 28 warnings" in err
    lines = out.splitlines()
    assert [line.removeprefix(f"{posts}/").split(" ")[0] + " " + line.split(" ")[1]
            for line in lines] == CORPUS_WARNINGS  # fmt: skip
    assert len(CORPUS_WARNINGS) <= 34
    assert not [line for line in lines if "LWKD303" in line or "{kep}" in line]


# -- what kramdown and CommonMark really do ----------------------------------------------

#: (Markdown, the code ``check`` gives it or None): each flagged one renders differently
#: in kramdown (GFM input, as Jekyll configures it) and CommonMark; each None the same.
RENDERINGS = [
    ("the year\n2019. was long\n", "LWKD415"),
    ("costs $$ and x $$ here\n", "LWKD414"),
    ("para\n{: .note}\n", "LWKD412"),
    ("A term\n: its definition\n", "LWKD416"),
    ("| a | b |\n| 1 | 2 |\n", "LWKD416"),
    ("item\n\n*\n\nend\n", "LWKD403"),
    ("text line\n* bullet right after\n", None),
    ("text line\n1. one after\n", None),
    ("text\n| a | b |\n", None),
    ("## Head\n: not a definition\n", None),
    ("##Release Schedule\n", None),  # text in both: LWKD411, a defect either way
]


def kramdown_html(markdown: str) -> str:
    import shutil
    import subprocess

    if shutil.which("ruby") is None:
        pytest.skip("ruby not installed: apt-get install ruby-kramdown ruby-kramdown-parser-gfm")
    script = (
        "require 'kramdown'; require 'kramdown-parser-gfm'; "
        "print Kramdown::Document.new(STDIN.read, input: 'GFM', hard_wrap: false).to_html"
    )
    run = subprocess.run(
        ["ruby", "-e", script], input=markdown, capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        pytest.skip(f"kramdown not installed for ruby: {run.stderr.strip()[:100]}")
    return run.stdout


def normal(html: str) -> str:
    """HTML without what the two renderers differ in harmlessly (spacing, ids, <br />)."""
    import re

    html = re.sub(r' id="[^"]*"', "", html).replace("<br />", "<br>")
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize(("markdown", "code"), RENDERINGS)
def test_the_renderer_warnings_are_where_kramdown_and_commonmark_differ(tmp_path, markdown, code):
    from markdown_it import MarkdownIt

    kramdown = normal(kramdown_html(markdown))
    commonmark = normal(MarkdownIt("commonmark").render(markdown))
    assert (kramdown != commonmark) == (code is not None), (kramdown, commonmark)
    path = write_post(tmp_path, FRONT + "\n" + markdown)
    codes = [f.code for f in check_file(path, load_groups(), None, now=NOW)]
    assert codes == ([code] if code else ["LWKD411"] if markdown.startswith("##R") else [])
