"""Mentions the text makes without a number: ``{mentioned}``, how each was found, honest KEP titles.

A post names a KEP by its feature gate, or a group in the text of a link that leads
elsewhere; the text stays as written and a ``{mentioned}`` role after it records the
mention. The KEP's or group's page lists the issue, quotes the sentence and says how it
was named; a KEP without kep.yaml takes only a title LWKD gave it beside its number.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

CONF = """\
from pathlib import Path

extensions = ["myst_parser", "sphinx_design", "ablog", "lwkd_archive"]
html_theme = "basic"
html_use_index = False
blog_post_pattern = ["issues/*"]
blog_baseurl = "https://archive.example/"
post_auto_orphan = True
lwkd_kep_facts = str(Path(__file__).resolve().parent / "facts.json")
"""

FACTS = [
    {
        "number": 1287,
        "title": "In-Place Update of Pod Resources",
        "owning_sig": "sig-node",
        "path": "keps/sig-node/1287-in-place-update-pod-resources",
    }
]

ISSUE = """\
---
blogpost: true
date: 2024-03-13 06:00
week_ending: 2024-03-10
---

# Week Ending March 10, 2024

## Developer News

The [SIG-Release survey](https://docs.example/survey){{mentioned}}`link text <sig-release>` closes Friday.

## Merges

* Resize works on Windows now, behind `InPlacePodVerticalScaling`{{mentioned}}`feature gate InPlacePodVerticalScaling <kep-1287>`.
* FlexVolumes can now [be resized](https://github.com/kubernetes/features/issues/304).
  {{kep}}`be resized <304>`
* {{kep}}`515: kubectl get and describe work with extensions <515>`

## KEP of the Week

### {{kep}}`KEP-4815` DRA: partitionable devices

{extra}
"""


def build(tmp_path: Path, extra: str = "") -> tuple[SphinxTestApp, str]:
    src = tmp_path / "src"
    (src / "issues").mkdir(parents=True)
    (src / "conf.py").write_text(CONF)
    (src / "facts.json").write_text(json.dumps(FACTS))
    (src / "index.md").write_text("# Test\n\n```{toctree}\n:glob:\nissues/*\n```\n")
    (src / "issues" / "2024-03-10.md").write_text(ISSUE.format(extra=extra))
    app = SphinxTestApp("html", srcdir=src)
    app.build()
    return app, app.warning.getvalue()


def page(app: SphinxTestApp, name: str) -> str:
    return (Path(app.outdir) / name).read_text(encoding="utf-8")


def test_a_mention_by_feature_gate_lists_the_issue_and_says_how(tmp_path):
    app, warnings = build(tmp_path)
    try:
        assert warnings == ""
        kep = page(app, "keps/1287.html")
        assert "Week Ending March 10, 2024" in kep
        assert "named by its feature gate <code>InPlacePodVerticalScaling</code>" in kep
        # The sentence quoted is the one with the gate in it.
        assert "Resize works on Windows now, behind InPlacePodVerticalScaling." in kep
        issue = page(app, "issues/2024-03-10.html")
        # The code span is shown as written, and nothing of the role is.
        assert "InPlacePodVerticalScaling</span></code>" in issue
        assert "feature gate InPlacePodVerticalScaling" not in issue
        assert "mentioned" not in re.sub(r"<[^>]+>", "", issue)
    finally:
        app.cleanup()


def test_a_group_named_in_a_link_elsewhere_keeps_the_link_and_gets_the_issue(tmp_path):
    app, _ = build(tmp_path)
    try:
        issue = page(app, "issues/2024-03-10.html")
        assert 'href="https://docs.example/survey"' in issue
        assert "SIG-Release survey</a> closes Friday" in issue
        sig = page(app, "sigs/sig-release.html")
        assert "Week Ending March 10, 2024" in sig
        assert "named in the text of a link" in sig
        assert "The SIG-Release survey closes Friday." in sig
        api = json.loads(page(app, "api/issues.json"))
        assert api[0]["named_sigs"] == ["sig-release"]
        assert api[0]["keps"] == [304, 515, 1287, 4815]
    finally:
        app.cleanup()


def test_a_kep_without_kep_yaml_takes_only_a_title_given_beside_its_number(tmp_path):
    app, _ = build(tmp_path)
    try:
        # Link text without the number is the writer's sentence, not a title.
        h1 = re.search(r"<h1.*?</h1>", page(app, "keps/304.html"), re.S)[0]
        assert re.sub(r"<[^>]+>", "", h1) == "KEP-304"
        assert "never gave it a title" in page(app, "keps/304.html")
        # "515: title" is a title given beside the number, without repeating it.
        h1 = re.search(r"<h1.*?</h1>", page(app, "keps/515.html"), re.S)[0]
        assert "kubectl get and describe work with extensions" in h1
        assert "515: kubectl" not in h1
        # A heading that names the KEP gives the rest of the heading as its title.
        h1 = re.search(r"<h1.*?</h1>", page(app, "keps/4815.html"), re.S)[0]
        assert "DRA: partitionable devices" in h1
    finally:
        app.cleanup()


@pytest.mark.parametrize(
    ("role", "subtype"),
    [("{mentioned}`link text <kep-x>`", "kep"), ("{mentioned}`link text <sig-nothing>`", "sig")],
)
def test_a_mention_of_nothing_known_warns_at_its_line(tmp_path, role, subtype):
    app, warnings = build(tmp_path, extra=f"A line.\n\nAnd {role}.")
    try:
        assert "2024-03-10.md:26: WARNING: " in warnings
        assert f"[lwkd.{subtype}]" in warnings
        assert "is neither a KEP (kep-1287) nor a known group" in warnings
    finally:
        app.cleanup()
