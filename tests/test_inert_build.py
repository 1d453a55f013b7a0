"""The build's wall: imported pages read no file and emit no markup; every page escapes what it prints."""

from __future__ import annotations

import importlib
import re
import shutil
from dataclasses import dataclass
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from docutils.parsers.rst import directives
from jinja2 import Environment, nodes
from sphinx.testing.util import SphinxTestApp

from lwkd_archive.pages.templating import TEMPLATES
from lwkd_archive.reading.inert import REFUSED_DIRECTIVES, InertMystParser, InertRSTParser
from lwkd_archive.reading.nesting import first_dropped_line
from tests.conftest import REPO, ROOTS

# myst-parser 5.2's include (the hand-written issue uses one) reads BuildEnvironment.app,
# deprecated in Sphinx 9; harmless until Sphinx 11.
pytestmark = pytest.mark.filterwarnings(
    "ignore:'sphinx.environment.BuildEnvironment.app' is deprecated"
)

IMPORTED = "archive/2024/2024-01-07.md"
#: What /etc/passwd starts with: it must appear in no output.
PASSWD = "root:x:0:0"


def line_of(text: str, needle: str, occurrence: int = 0) -> int:
    """The line (1-based) of the ``occurrence``-th line of ``text`` that contains ``needle``."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence]


def plain(warnings: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", warnings)


@dataclass(frozen=True)
class Built:
    srcdir: Path
    outdir: Path
    warnings: str


def build(srcdir: Path, **kwargs) -> Built:
    """The hostile project built with the project's own page frame (_templates/).

    The application is cleaned up at once: two alive at a time share docutils' registries.
    """
    app = SphinxTestApp(
        "html",
        srcdir=srcdir,
        confoverrides={"templates_path": [str(REPO / "_templates")]},
        status=StringIO(),
        warning=StringIO(),
        **kwargs,
    )
    try:
        app.build()
        return Built(Path(app.srcdir), Path(app.outdir), plain(app.warning.getvalue()))
    finally:
        app.cleanup()


def hostile_source(srcdir: Path) -> Path:
    """The hostile project, with a link in the media folder to a file of the machine."""
    shutil.copytree(ROOTS / "test-hostile", srcdir)
    (srcdir / "archive" / "_media" / "2024" / "images" / "linked.png").symlink_to("/etc/passwd")
    return srcdir


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Built:
    return build(hostile_source(tmp_path_factory.mktemp("hostile") / "src"))


class Markup(HTMLParser):
    """What a browser would make of a page: elements an attack planted, and attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.planted: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if "data-pwned" in names or any(name.startswith("on") for name in names):
            self.planted.append(f"<{tag} {attrs}>")
        if tag == "meta" and "evil.example" in str(attrs):
            self.planted.append(f"<meta {attrs}>")
        self.attributes += [(name, value or "") for name, value in attrs]
        self._script = tag == "script"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and "pwned" in data:
            self.planted.append(f"<script>{data}</script>")


def planted(page: str) -> list[str]:
    parser = Markup()
    parser.feed(page)
    return parser.planted


def attribute_values(page: str, name: str) -> list[str]:
    parser = Markup()
    parser.feed(page)
    return [value for attribute, value in parser.attributes if attribute == name]


def read(app: Built, pagename: str) -> str:
    return (app.outdir / f"{pagename}.html").read_text(encoding="utf-8")


# -- the wall ---------------------------------------------------------------------


def expected_refusals(source: str) -> list[tuple[int, str, str]]:
    """(line, subtype, message start) of each refusal the imported page must cause."""
    deep = "directive"
    expected = [
        (("```{raw} html", 0), deep, "the 'raw' directive ('html') is not allowed in imported pages: it puts markup of its own, or a file's content, into the page; removed"),
        (("```{raw} html", 1), deep, "the 'raw' directive ('html :file: /etc/passwd') is not allowed in imported pages"),
        (("```{include} /etc/passwd", 0), deep, "the 'include' directive ('/etc/passwd') is not allowed in imported pages: it reads a file; removed"),
        (("```{literalinclude}", 0), deep, "the 'literalinclude' directive ('../../"),
        (("```{csv-table} Accounts", 0), deep, "the 'csv-table' directive ('Accounts :file: ../../"),
        (("```{meta}", 0), deep, "the 'meta' directive is not allowed in imported pages: it adds tags to the page's head"),
        ((".. include:: /etc/passwd", 0), deep, "the 'include' directive ('/etc/passwd :literal:') is not allowed"),
        ((".. raw:: html", 0), deep, "the 'raw' directive ('html') is not allowed"),
        (("Inline HTML", 0), "raw", "raw html '<script>' shown as text: imported pages emit no markup of their own"),
        (("Inline HTML", 0), "raw", "raw html '</script>' shown as text"),
        (("<div data-pwned", 0), "raw", "raw html '<div data-pwned onclick="),
        (("<!-- a comment", 0), "raw", 'raw html "<!-- a comment <script>'),
        (("A :html:", 0), "raw", "raw html '<b data-pwned onmouseover="),
        (("![the password file]", 0), "image", "image '../../../../../../../../../../etc/passwd' refused: an imported page shows only images the importer copied into archive/_media/; its description is shown instead"),
        (("![an absolute path]", 0), "image", "image '/etc/passwd' refused"),
        (("![a remote chart]", 0), "image", "image 'https://images.example/chart.png' refused"),
        (("![a drawing]", 0), "image", "image '../_media/2024/images/drawing.svg' refused: the file is not a PNG, JPEG, GIF or WebP image; its description is shown instead"),
        (("![a copied file]", 0), "image", "image '../_media/2024/images/copied.png' refused: the file is not a PNG, JPEG, GIF or WebP image"),
        (("![a linked file]", 0), "image", "image '../_media/2024/images/linked.png' refused: an imported page shows only images the importer copied into archive/_media/"),
        ((":::{card}", 0), "image", "image '../../"),
        (("{download}", 0), "download", "link to the file '../../../../../../../../../../etc/passwd' refused: an imported page links only images the importer copied into archive/_media/; its text is kept"),
        (("[a local file]", 0), "download", "link to the file '../../"),
        (("A :html:", 0), "link", "link to \"javascript:alert('rstlink')\" refused: an imported page links only http, https, mailto addresses; its text is kept"),
        ((":::{card}", 0), "link", "link to \"javascript:alert('card')\" refused"),
        (("{math}", 0), "math", "math 'e^{i\\\\pi} + 1 = 0' shown as text: it would load MathJax from another host"),
        (("- nested 10", 0), "nesting", "nested deeper than MyST reads (about nine levels of lists or block quotes): nothing from here to the end of the page is shown"),
    ]  # fmt: skip
    return [(line_of(source, *at), subtype, message) for at, subtype, message in expected]


def assert_refusals(app: Built) -> None:
    source_path = app.srcdir / IMPORTED
    warnings = app.warnings
    lines = warnings.splitlines()
    expected = expected_refusals(source_path.read_text(encoding="utf-8"))
    for line, subtype, message in expected:
        start = f"{source_path}:{line}: WARNING: {message}"
        matching = [w for w in lines if w.startswith(start) and w.endswith(f"[lwkd.{subtype}]")]
        assert matching, f"missing: {start} ... [lwkd.{subtype}]\n{warnings}"
    # Nothing else: every other page, the hand-written issue included, builds clean.
    assert len(lines) == len(expected), warnings


def test_each_refusal_is_a_warning_at_its_line(hostile):
    assert_refusals(hostile)


def test_no_file_of_the_machine_reaches_the_site(hostile):
    for path in hostile.outdir.rglob("*"):
        if path.is_file():
            assert PASSWD not in path.read_text(encoding="utf-8", errors="replace"), path
    # Only the image the importer copied is published; no download at all.
    images = sorted(p.name for p in (hostile.outdir / "_images").iterdir())
    assert images == ["chart.png"]
    assert not (hostile.outdir / "_downloads").exists()


def test_raw_output_of_an_imported_page_is_text(hostile):
    page = read(hostile, "archive/2024/2024-01-07")
    assert planted(page) == []
    assert "&lt;script&gt;</span></code>window.__pwned = ‘inline’" in page
    assert "&lt;div data-pwned onclick=" in page
    assert 'href="javascript:' not in page
    # The importer's hard line breaks, image and plain table stay.
    assert "line one<br />\nline two" in page
    assert '<img alt="a chart" src="../../_images/chart.png" />' in page
    assert "Its own rows" in page
    # Refused images show their description, refused links their text.
    assert "<p>the password file</p>" in page
    assert "script link" in page


def test_hand_written_issues_keep_every_directive(hostile):
    page = read(hostile, "issues/2024-01-14")
    assert "An included paragraph." in page
    assert '<span id="written-by-an-editor">raw HTML an editor wrote</span>' in page
    assert 'href="https://kubernetes.io/"' in page


def test_the_wall_holds_when_pages_are_read_in_parallel(tmp_path):
    srcdir = hostile_source(tmp_path / "src")
    # Sphinx reads in parallel only from six pages on.
    for n in range(5):
        (srcdir / f"page{n}.md").write_text(f"---\norphan: true\n---\n\n# Page {n}\n", "utf-8")
    assert_refusals(build(srcdir, parallel=2))


@pytest.mark.sphinx("html", testroot="hostile")
def test_markdown_and_rst_are_read_by_the_inert_parsers(app):
    # Another extension registering its own Markdown parser would take the wall down.
    assert app.registry.get_source_parser("markdown") is InertMystParser
    assert app.registry.get_source_parser("restructuredtext") is InertRSTParser


def registered_directive(name: str) -> type:
    """The class docutils runs for ``name`` (loaded lazily from its registry when not yet used)."""
    if name in directives._directives:
        return directives._directives[name]
    module, cls = directives._directive_registry[name]
    return getattr(importlib.import_module(f"docutils.parsers.rst.directives.{module}"), cls)


@pytest.mark.sphinx("html", testroot="hostile")
def test_no_other_directive_name_reads_files(app):
    """Every registered name of a refused directive's class is refused too."""
    refused = tuple(registered_directive(name) for name in REFUSED_DIRECTIVES)
    registered = set(directives._directives) | set(directives._directive_registry)
    other_names = {
        name
        for name in registered - set(REFUSED_DIRECTIVES)
        if issubclass(registered_directive(name), refused)
    }
    assert other_names == set()


def test_nesting_that_myst_drops_is_found_and_ordinary_pages_are_not_parsed_twice():
    nested = "".join("  " * level + f"- {level}\n" for level in range(11))
    assert first_dropped_line("# Title\n\n" + nested + "\n## Later\n") == 12
    assert first_dropped_line("# Title\n\n" + nested[: nested.index("- 9")]) is None
    assert first_dropped_line("> " * 10 + "quoted\n") is None
    assert first_dropped_line("> " * 21 + "quoted\n") == 1


# -- escaping -----------------------------------------------------------------------


def test_no_page_prints_markup_from_content_or_kep_facts(hostile):
    pages = sorted(hostile.outdir.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        assert planted(path.read_text(encoding="utf-8")) == [], path


def test_kep_page_prints_each_fact_as_text(hostile):
    page = read(hostile, "keps/3136")
    assert (
        "Beta APIs &lt;script&gt;window.__pwned = &#39;kep title&#39;&lt;/script&gt;</h1>" in page
    )
    assert (
        'badge-status">&#34;&gt;&lt;img data-pwned src=x onerror=&#34;alert(&#39;status&#39;)&#34;&gt;</span>'
        in page
    )
    assert 'badge-stage">&lt;img data-pwned src=x onerror=alert(&#39;stage&#39;)&gt;</span>' in page
    assert "<dd>&lt;img data-pwned src=x onerror=alert(&#39;latest-milestone&#39;)&gt;</dd>" in page
    assert (
        "<dd>&lt;b data-pwned&gt;alpha&lt;/b&gt; "
        "&lt;img data-pwned src=x onerror=alert(&#39;milestone&#39;)&gt;</dd>"
    ) in page
    # The section heading and sentence of the mention, and the issue's title.
    assert "News &lt;img data-pwned" in page
    assert "Week Ending January 7, 2024 &lt;script&gt;" in page
    (summary,) = [
        v for v in attribute_values(page, "data-pagefind-meta") if v.startswith("summary:")
    ]
    assert summary.endswith('"><img data-pwned src=x onerror="alert(\'status\')">')


def test_indexes_and_group_pages_print_values_as_text(hostile):
    index = read(hostile, "keps/index")
    assert attribute_values(index, "data-stage") == [
        "<img data-pwned src=x onerror=alert('stage')>"
    ]
    assert "<option>&lt;img data-pwned src=x onerror=alert(&#39;stage&#39;)&gt;</option>" in index
    group = read(hostile, "sigs/sig-node")
    assert "News &lt;img data-pwned" in group
    assert "Week Ending January 7, 2024 &lt;script&gt;" in group
    year = read(hostile, "archive/2024")
    assert "Week Ending January 7, 2024 &lt;script&gt;" in year


def test_issue_pages_print_neighbours_and_filters_as_text(hostile):
    later = read(hostile, "issues/2024-01-14")
    assert (
        'rel="prev" href="../archive/2024/2024-01-07.html"><span class="nav-dir">← Older</span> Week Ending January 7, 2024 &lt;script&gt;'
        in later
    )
    imported = read(hostile, "archive/2024/2024-01-07")
    sections = [
        v for v in attribute_values(imported, "data-pagefind-filter") if v.startswith("section:")
    ]
    assert sections == ["section:News <img data-pwned src=x onerror=”alert(‘section’)”>"]
    assert 'title="KEP-3136: Beta APIs &lt;script&gt;' in imported


def _printed_outside_autoescape(template: nodes.Template) -> list[int]:
    """Lines of a template that print without ``{% autoescape true %}`` around them."""
    bodies = [block.body for block in template.find_all(nodes.Block)]
    if not any(isinstance(node, nodes.Extends) for node in template.body):
        bodies.append(template.body)  # an included template escapes on its own
    lines = []
    for body in bodies:
        for node in body:
            if isinstance(node, nodes.Scope) and len(node.body) == 1:
                node = node.body[0]  # {% autoescape %} parses as a scope around it
            wrapped = isinstance(node, nodes.ScopedEvalContextModifier) and any(
                k.key == "autoescape" and isinstance(k.value, nodes.Const) and k.value.value is True
                for k in node.options
            )
            blank = isinstance(node, nodes.Output) and all(
                isinstance(n, nodes.TemplateData) and not n.data.strip() for n in node.nodes
            )
            if not (
                wrapped or blank or isinstance(node, nodes.Block | nodes.Extends | nodes.Assign)
            ):
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    "template",
    sorted([*TEMPLATES.glob("lwkd/*.html"), *(REPO / "_templates").glob("*.html")]),
    ids=lambda path: path.name,
)
def test_every_block_of_the_archive_templates_autoescapes(template):
    parsed = Environment().parse(template.read_text(encoding="utf-8"))
    assert _printed_outside_autoescape(parsed) == []
