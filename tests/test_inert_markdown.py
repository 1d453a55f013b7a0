"""Posts are Markdown, not programs: what a hostile post writes is imported as text.

Each attack is fed to the importer, and its output is read back by MyST's own parser,
configured as conf.py configures it: no raw HTML, no directive (only plain code
blocks), no role but the archive's, no attribute list, no link but to http, https and
mailto addresses or to the archive's own pages and images; and each attack is reported
at its line. The reader here is independent of the importer's own check.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from sphinx import addnodes

from lwkd_archive.importer import convert
from lwkd_archive.importer.convert import Context, convert_body, find_live_markup, heading_text
from lwkd_archive.importer.references import roles_for_year
from lwkd_archive.importer.run import import_archive
from tests.conftest import REPO, build_imported

HOSTILE = REPO / "tests" / "fixtures" / "hostile" / "markdown" / "lwkd"
IMPORTER_FIXTURE = REPO / "tests" / "fixtures" / "importer" / "lwkd"


def conf_extensions() -> tuple[str, ...]:
    """``myst_enable_extensions`` of conf.py, read without running it."""
    tree = ast.parse((REPO / "conf.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "myst_enable_extensions" for t in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("conf.py sets no myst_enable_extensions")


MYST = create_md_parser(MdParserConfig(enable_extensions=set(conf_extensions())), RendererHTML)
MYST.disable("front_matter")  # a body never starts a page
ARCHIVE_ROLES = {"kep", "sig", "pr", "mentioned"}
#: What the importer itself links to: other issues' pages and the images it copied.
OWN_PAGE_RE = re.compile(r"^(?:\.\./)*(?:\d{4}/)?\d{4}-\d{2}-\d{2}(?:-\d+)?\.md(?:#[\w-]*)?$")
OWN_IMAGE_RE = re.compile(r"^(?:\.\./)+_media/(?:(?!\.\.)[^/?#]+/)*[^/?#]+$")
PLAIN_ATTRIBUTES = {"href", "src", "alt", "title"}


def live_markup(text: str) -> list[str]:
    """Everything in ``text`` MyST would act on rather than show; [] for an inert text."""
    found: list[str] = []

    def visit(tokens: list[Token]) -> None:
        for token in tokens:
            kind = token.type
            if kind in {"html_inline", "html_block", "colon_fence", "span_open"}:
                found.append(f"{kind} {token.content!r}")
            elif kind in {"myst_line_comment", "myst_block_break", "myst_target"}:
                found.append(kind)
            elif kind == "fence" and (token.info.split() or [""])[0].startswith("{"):
                found.append(f"directive {token.info!r}")
            elif kind == "myst_role" and token.meta["name"] not in ARCHIVE_ROLES:
                found.append(f"role {token.meta['name']!r}")
            elif kind == "link_open":
                href = str(token.attrs["href"])
                scheme = re.match(r"([a-z][a-z0-9+.-]*):", href, re.I)
                allowed = (
                    scheme[1].lower() in {"http", "https", "mailto"}
                    if scheme
                    else href.startswith("#") or OWN_PAGE_RE.match(href)
                )
                if not allowed:
                    found.append(f"link {href!r}")
            elif kind == "image" and not OWN_IMAGE_RE.match(str(token.attrs["src"])):
                found.append(f"image {token.attrs['src']!r}")
            if set(token.attrs) - PLAIN_ATTRIBUTES or token.meta.get("insecure_attrs"):
                found.append(f"attributes {token.attrs} on {kind}")
            # An image's description is its alt text, never markup.
            if token.children and kind != "image":
                visit(token.children)

    visit(MYST.parse(text))
    return found


def converted(body: str):
    """``body`` converted as the importer converts a post of 2024 that links nowhere else."""
    hook = roles_for_year()
    context = Context(
        issue_path=lambda old: None,
        issue_anchors={},
        image_path=lambda src: "",
        add_roles=lambda text: hook(text, 2024),
    )
    return convert_body(body, context)


DIRECTIVE = "MyST directive {name} shown as a code block (posts cannot run directives)"
ROLE = (
    "MyST role {{{name}}} shown as text (posts cannot run roles or directives; "
    "the archive's roles are {{kep}}, {{sig}} and {{pr}})"
)
HTML = "inline HTML {shown!r} shown as text (the archive renders no raw HTML)"
HTML_BLOCK = "HTML block {shown!r} shown as text (the archive renders no raw HTML)"
SCHEME = (
    "{what} {target!r} is a {scheme}: address; {kept} "
    "(the archive links only to http, https and mailto addresses)"
)
ATTRIBUTES = "attribute list {shown!r} shown as text (posts cannot set HTML attributes)"


def link_scheme(target: str) -> str:
    scheme = target.partition(":")[0].lower()
    return SCHEME.format(
        what="link target", target=target, scheme=scheme, kept="its text is kept without a link"
    )


#: (case, body, the Markdown written, the notes as (body line, message)).
ATTACKS = [
    (
        "include",
        "```{include} /etc/passwd\n```\n",
        "```text {include} /etc/passwd\n```\n",
        [(1, DIRECTIVE.format(name="{include}"))],
    ),
    (
        "literalinclude",
        "```{literalinclude} /proc/self/environ\n```\n",
        "```text {literalinclude} /proc/self/environ\n```\n",
        [(1, DIRECTIVE.format(name="{literalinclude}"))],
    ),
    (
        "raw-html",
        "```{raw} html\n<script>alert(1)</script>\n```\n",
        "```text {raw} html\n<script>alert(1)</script>\n```\n",
        [(1, DIRECTIVE.format(name="{raw}"))],
    ),
    (
        "raw-file",
        "```{raw} html\n:file: /proc/self/environ\n```\n",
        "```text {raw} html\n:file: /proc/self/environ\n```\n",
        [(1, DIRECTIVE.format(name="{raw}"))],
    ),
    (
        "image-directive",
        "```{image} /etc/passwd\n```\n",
        "```text {image} /etc/passwd\n```\n",
        [(1, DIRECTIVE.format(name="{image}"))],
    ),
    (
        "eval-rst-include",
        "```{eval-rst}\n.. include:: /etc/passwd\n```\n",
        "```text {eval-rst}\n.. include:: /etc/passwd\n```\n",
        [(1, DIRECTIVE.format(name="{eval-rst}"))],
    ),
    (
        "eval-rst-raw",
        "```{eval-rst}\n.. raw:: html\n\n   <script>alert(1)</script>\n```\n",
        "```text {eval-rst}\n.. raw:: html\n\n   <script>alert(1)</script>\n```\n",
        [(1, DIRECTIVE.format(name="{eval-rst}"))],
    ),
    (
        "eval-rst-tilde-fence",
        "Before.\n\n~~~{eval-rst}\n.. include:: /etc/passwd\n~~~\n",
        "Before.\n\n~~~text {eval-rst}\n.. include:: /etc/passwd\n~~~\n",
        [(3, DIRECTIVE.format(name="{eval-rst}"))],
    ),
    (
        "directive-in-list",
        "- item\n\n  ```{include} /etc/passwd\n  ```\n",
        "- item\n\n  ```text {include} /etc/passwd\n  ```\n",
        [(3, DIRECTIVE.format(name="{include}"))],
    ),
    (
        "colon-fence",
        ":::{raw} html\n<script>alert(1)</script>\n:::\n",
        "\\:::{raw} html\n\\<script>alert(1)\\</script>\n\\:::\n",
        [
            (1, "MyST fence ':::{raw} html' shown as text (posts cannot run directives)"),
            (2, HTML_BLOCK.format(shown="<script>alert(1)</script>")),
            (2, HTML.format(shown="</script>")),
        ],
    ),
    (
        "colon-fence-div",
        ":::admonition\ntext\n:::\n",
        "\\:::admonition\ntext\n\\:::\n",
        [(1, "MyST fence ':::admonition' shown as text (posts cannot run directives)")],
    ),
    (
        "download-role",
        "Read {download}`/proc/self/environ` now.\n",
        "Read \\{download}`/proc/self/environ` now.\n",
        [(1, ROLE.format(name="download"))],
    ),
    (
        "raw-role",
        "A {raw-html}`<script>alert(1)</script>` role.\n",
        "A \\{raw-html}`<script>alert(1)</script>` role.\n",
        [(1, ROLE.format(name="raw-html"))],
    ),
    (
        "domain-roles",
        "See {py:func}`os.system` and {lwkd:kep}`1`.\n",
        "See \\{py:func}`os.system` and \\{lwkd:kep}`1`.\n",
        [(1, ROLE.format(name="lwkd:kep")), (1, ROLE.format(name="py:func"))],
    ),
    (
        "tag-over-two-lines",
        "An <img src=x\nonerror=alert(1)> image.\n",
        "An \\<img src=x\nonerror=alert(1)> image.\n",
        [(1, HTML.format(shown="<img src=x\nonerror=alert(1)>"))],
    ),
    (
        "kramdown-escaped-tag",
        "An escaped \\<img src=x onerror=alert(1)> tag and a \\\\<b>bold\\\\</b> one.\n",
        "An escaped \\<img src=x onerror=alert(1)> tag and a \\\\\\<b>bold\\\\\\</b> one.\n",
        [(1, HTML.format(shown="</b>")), (1, HTML.format(shown="<b>"))],
    ),
    (
        "quoted-greater-than",
        'A <img alt="a>b" src=x onerror=alert(1)> tag.\n',
        'A \\<img alt="a>b" src=x onerror=alert(1)> tag.\n',
        [(1, HTML.format(shown='<img alt="a>b" src=x onerror=alert(1)>'))],
    ),
    (
        "div-block",
        '<div onmouseover="alert(1)">\nhover\n</div>\n',
        '\\<div onmouseover="alert(1)">\nhover\n\\</div>\n',
        [
            (1, HTML_BLOCK.format(shown='<div onmouseover="alert(1)">')),
            (3, HTML_BLOCK.format(shown="</div>")),
        ],
    ),
    (
        "script-block",
        "<script>\nalert(1)\n</script>\n",
        "\\<script>\nalert(1)\n\\</script>\n",
        [(1, HTML_BLOCK.format(shown="<script>")), (3, HTML.format(shown="</script>"))],
    ),
    (
        "comment",
        "<!-- hidden -->\n",
        "\\<!-- hidden -->\n",
        [(1, HTML_BLOCK.format(shown="<!-- hidden -->"))],
    ),
    (
        "style",
        "<style>body { display: none }</style>\n",
        "\\<style>body { display: none }\\</style>\n",
        [
            (1, HTML_BLOCK.format(shown="<style>body { display: none }</style>")),
            (1, HTML.format(shown="</style>")),
        ],
    ),
    (
        "iframe",
        '<iframe src="https://evil.example/"></iframe>\n',
        '\\<iframe src="https://evil.example/">\\</iframe>\n',
        [
            (1, HTML_BLOCK.format(shown='<iframe src="https://evil.example/"></iframe>')),
            (1, HTML.format(shown="</iframe>")),
        ],
    ),
    (
        "processing-instruction",
        "A <?php echo 1; ?> instruction.\n",
        "A \\<?php echo 1; ?> instruction.\n",
        [(1, HTML.format(shown="<?php echo 1; ?>"))],
    ),
    (
        "declaration",
        "<!DOCTYPE html>\n",
        "\\<!DOCTYPE html>\n",
        [(1, HTML_BLOCK.format(shown="<!DOCTYPE html>"))],
    ),
    (
        "cdata",
        "A <![CDATA[ x ]]> section.\n",
        "A \\<![CDATA[ x ]]> section.\n",
        [(1, HTML.format(shown="<![CDATA[ x ]]>"))],
    ),
    (
        # An escaped backtick opens no code span, so the tag after it is live.
        "escaped-backtick",
        "Not code: \\`<img src=x onerror=alert(1)>`\n",
        "Not code: \\`\\<img src=x onerror=alert(1)>`\n",
        [(1, HTML.format(shown="<img src=x onerror=alert(1)>"))],
    ),
    (
        # A backtick left open ends with its list item (as in the corpus, 2023-12-17):
        # the tag on that line is live, the next lines' are code and stay as written.
        "code-span-left-open",
        "* `a(<string>)` one\n* `b(<string>) two\n* `c(<string>)` three\n",
        "* `a(<string>)` one\n* `b(\\<string>) two\n* `c(<string>)` three\n",
        [(2, HTML.format(shown="<string>"))],
    ),
    (
        "html-in-quote-and-table",
        "> quoted <b>x</b>\n\n| a | <i>b</i> |\n|---|---|\n",
        "> quoted \\<b>x\\</b>\n\n| a | \\<i>b\\</i> |\n|---|---|\n",
        [
            (1, HTML.format(shown="</b>")),
            (1, HTML.format(shown="<b>")),
            (3, HTML.format(shown="</i>")),
            (3, HTML.format(shown="<i>")),
        ],
    ),
    (
        "javascript-link",
        "[click](javascript:alert(1)) and [CLICK](JaVaScRiPt:alert(1))\n",
        "click and CLICK\n",
        [(1, link_scheme("JaVaScRiPt:alert(1)")), (1, link_scheme("javascript:alert(1)"))],
    ),
    (
        "vbscript-link",
        "[click](vbscript:msgbox(1))\n",
        "click\n",
        [(1, link_scheme("vbscript:msgbox(1)"))],
    ),
    (
        "file-link",
        "[passwd](file:///etc/passwd)\n",
        "passwd\n",
        [(1, link_scheme("file:///etc/passwd"))],
    ),
    (
        # MyST reads path: (and project:, inv:) as a file of the build to copy.
        "path-link",
        "[environ](path:/proc/self/environ)\n",
        "environ\n",
        [(1, link_scheme("path:/proc/self/environ"))],
    ),
    (
        "data-link",
        "[page](data:text/html;base64,PHNjcmlwdD4=)\n",
        "page\n",
        [(1, link_scheme("data:text/html;base64,PHNjcmlwdD4="))],
    ),
    (
        "data-image",
        "![pixel](data:image/png;base64,AAAA)\n",
        "pixel\n",
        [
            (
                1,
                SCHEME.format(
                    what="image",
                    target="data:image/png;base64,AAAA",
                    scheme="data",
                    kept="its description is kept as text",
                ),
            )
        ],
    ),
    (
        "path-autolink",
        "<path:/etc/passwd>\n",
        "\\<path:/etc/passwd>\n",
        [
            (
                1,
                "link to 'path:/etc/passwd' shown as text "
                "(the archive links only to http, https and mailto addresses)",
            )
        ],
    ),
    (
        "reference-link-to-a-file",
        "[environ][e] and [e]\n\n[e]: ../../../../proc/self/environ\n",
        "\\[environ]\\[e] and \\[e]\n\n[e]: ../../../../proc/self/environ\n",
        [
            (
                1,
                "link to '../../../../proc/self/environ' shown as text "
                "(MyST would read it as a file of the build; posts link to addresses)",
            )
        ]
        * 3,
    ),
    (
        "link-with-a-parenthesised-title",
        "[environ](path:/proc/self/environ (t))\n",
        "\\[environ](path:/proc/self/environ (t))\n",
        [
            (
                1,
                "link to 'path:/proc/self/environ' shown as text "
                "(the archive links only to http, https and mailto addresses)",
            )
        ],
    ),
    (
        "event-attribute",
        '[x](https://kubernetes.io){onclick="alert(1)"}\n',
        '[x](https://kubernetes.io)\\{onclick="alert(1)"}\n',
        [(1, ATTRIBUTES.format(shown='{onclick="alert(1)"}'))],
    ),
    (
        # MyST keeps an id, classes, target and rel: a page's own ids and styles.
        "id-and-class",
        "[x](https://kubernetes.io){#searchbox .admonition}\n",
        "[x](https://kubernetes.io)\\{#searchbox .admonition}\n",
        [(1, ATTRIBUTES.format(shown="{#searchbox .admonition}"))],
    ),
    (
        "attributes-after-code-and-autolink",
        "`code`{.hidden} <https://kubernetes.io>{target=_top}\n",
        "`code`\\{.hidden} <https://kubernetes.io>\\{target=_top}\n",
        [
            (1, ATTRIBUTES.format(shown="{.hidden}")),
            (1, ATTRIBUTES.format(shown="{target=_top}")),
        ],
    ),
    (
        "span",
        "[text]{.hidden}\n",
        "\\[text]{.hidden}\n",
        [(1, "MyST span '[text]{.hidden}' shown as text (posts cannot set HTML attributes)")],
    ),
    (
        "line-syntax-in-containers",
        "> % hidden\n\n- % hidden\n\n> (label)=\n",
        "> \\% hidden\n\n- \\% hidden\n\n> \\(label)=\n",
        [
            (1, "MyST comment '> % hidden' shown as text"),
            (3, "MyST comment '- % hidden' shown as text"),
            (5, "MyST target '> (label)=' shown as text"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("body", "written", "notes"),
    [case[1:] for case in ATTACKS],
    ids=[case[0] for case in ATTACKS],
)
def test_an_attack_is_written_as_text_and_reported_at_its_line(body, written, notes):
    result = converted(body)
    assert result.text == written
    assert live_markup(result.text) == []
    assert result.notes == notes


@pytest.mark.parametrize(
    "body",
    [
        # kramdown shows these as text, and so does MyST as the archive configures it.
        "$$\nx = 1\n$$\n",
        "A {{ page.title }} and {{ site.github.url }}.\n",
        "Above.\n\n---\ntitle: injected\nlayout: raw\n---\n\nBelow.\n",
        # Already escaped, as kramdown writes HTML to show.
        "An escaped \\<img src=x onerror=alert(1)> tag.\n",
        # HTML in code is code.
        "Use `<b>` or\n\n```html\n<script>alert(1)</script>\n```\n\n    <div>indented</div>\n",
    ],
    ids=["math", "liquid", "front-matter", "escaped", "code"],
)
def test_what_myst_shows_as_text_already_is_written_unchanged(body):
    assert live_markup(body) == []
    result = converted(body)
    assert (result.text, result.notes) == (body, [])


def test_the_archive_s_roles_and_links_stay():
    body = (
        "SIG Node and {kep}`KEP-3136 <3136>` merged [a change](https://github.com/kubernetes/"
        "kubernetes/pull/1) (see <https://kubernetes.io> or [mail](mailto:a@example.org)).\n"
    )
    result = converted(body)
    assert result.text == (
        "{sig}`SIG Node <sig-node>` and {kep}`KEP-3136 <3136>` merged "
        "{pr}`a change <kubernetes/kubernetes#1>` (see <https://kubernetes.io> or "
        "[mail](mailto:a@example.org)).\n"
    )
    assert (live_markup(result.text), result.notes) == ([], [])


def test_a_role_the_importer_writes_after_a_stray_backtick_stays_text():
    # The importer's rules pair the first backtick with the next item's, so "SIG Node"
    # becomes a role; MyST pairs the stray one with the role's, and would read its
    # target as HTML.
    result = converted("- a`\n- `b SIG Node\n")
    assert "{sig}`SIG Node" in result.text
    assert live_markup(result.text) == []


def test_the_check_reads_markdown_as_the_site_does():
    assert conf_extensions() == convert.MYST_EXTENSIONS
    written = set(
        re.findall(
            r'_role\("(\w+)"',
            (REPO / "lwkd_archive" / "importer" / "references.py").read_text(encoding="utf-8"),
        )
    )
    registered = set(
        re.findall(
            r'add_role\("(\w+)"',
            (REPO / "lwkd_archive" / "extension.py").read_text(encoding="utf-8"),
        )
    )
    assert convert.ARCHIVE_ROLES == written == registered == ARCHIVE_ROLES


def test_the_parse_is_skipped_only_where_nothing_could_be_live():
    """The importer parses a page only when it may hold live markup; never wrongly not."""
    samples = [body for _, body, _, _ in ATTACKS]
    samples += [written for _, _, written, _ in ATTACKS]
    samples += [text for _, body, written, _ in UNKNOWN_LANGUAGES for text in (body, written)]
    samples += [text for _, body, written, _ in UNPARSABLE_CODE for text in (body, written)]
    samples += [f"```{name}\n{code}```\n" for name, code in LEXING_SAMPLES]
    # A fence can open a definition (after ``:`` or ``~``).
    samples += ["Term\n: ```nosuchlang\n  x\n  ```\n", "Term\n~ ```json\n  $\n  ```\n"]
    for checkout in (HOSTILE, IMPORTER_FIXTURE):
        samples += [p.read_text(encoding="utf-8") for p in (checkout / "_posts").iterdir()]
    samples += ["- a`\n- `b {sig}`SIG Node <sig-node>`\n", "`a | {sig}`SIG Node <sig-node>`` |"]
    for text in samples:
        if not convert._may_hold_live_markup(text, ()):
            assert find_live_markup(text) == [], text
            assert live_markup(text) == [], text
    # Plain prose, links to addresses, the archive's roles and plain code need no parse.
    assert not convert._may_hold_live_markup(
        "{sig}`SIG Node <sig-node>` merged [x](https://k8s.io) and `kubectl`.\n\n## Next\n", ()
    )


@pytest.mark.parametrize(
    ("title", "heading"),
    [
        ("Week Ending March 3, 2024", "Week Ending March 3, 2024"),
        ("Special Edition: LWKD at KubeCon", "Special Edition: LWKD at KubeCon"),
        (
            "a\n```{raw} html\n<script>alert(1)</script>\n```",
            "a \\`\\`\\`\\{raw\\} html \\<script>alert(1)\\</script> \\`\\`\\`",
        ),
        (
            "*LWKD* `1.30` [x](javascript:alert(1)) #1",
            "\\*LWKD\\* \\`1.30\\` \\[x\\](javascript:alert(1)) \\#1",
        ),
        ("Q&A &amp; more", "Q&A \\&amp; more"),
    ],
    ids=["week", "special", "line-breaks", "markup", "entity"],
)
def test_a_title_is_one_line_of_text(title, heading):
    assert heading_text(title) == heading
    tokens = MYST.parse(f"# {heading}\n")
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close"]
    assert [c.type for c in tokens[1].children] == ["text"] * len(tokens[1].children)
    assert "".join(c.content for c in tokens[1].children) == " ".join(title.split())


@pytest.fixture
def hostile_import(tmp_path: Path):
    out = tmp_path / "out"
    summary = import_archive(HOSTILE, out, add_roles=roles_for_year())
    return summary, out


def test_a_hostile_post_is_imported_as_text_and_each_attack_reported(hostile_import):
    summary, out = hostile_import
    assert (summary.imported, summary.failed) == (3, 0)
    messages = [
        f"{f.line}: {f.message}"
        for f in summary.findings
        if f.path.endswith("2024-03-03-update.md")
    ]
    assert messages == [
        f"9: {DIRECTIVE.format(name='{include}')}",
        f"12: {DIRECTIVE.format(name='{eval-rst}')}",
        "18: MyST fence ':::{raw} html' shown as text (posts cannot run directives)",
        f"19: {HTML_BLOCK.format(shown='<script>alert(1)</script>')}",
        f"19: {HTML.format(shown='</script>')}",
        f"22: {ROLE.format(name='download')}",
        f"24: {HTML.format(shown='<img src=x' + chr(10) + 'onerror=alert(1)>')}",
        f"27: {HTML_BLOCK.format(shown='<div onmouseover=' + chr(34) + 'alert(1)' + chr(34) + '>hover</div>')}",
        f"27: {HTML.format(shown='</div>')}",
        f"29: {link_scheme('javascript:alert(1)')}",
        f"29: {link_scheme('path:/proc/self/environ')}",
        "29: link to 'path:/etc/passwd' shown as text "
        "(the archive links only to http, https and mailto addresses)",
        f"31: {ATTRIBUTES.format(shown='{onclick=' + chr(34) + 'alert(1)' + chr(34) + ' .admonition}')}",
        "33: MyST comment '> % a comment MyST would hide' shown as text",
    ]
    for page in sorted(out.rglob("*.md")):
        body = page.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        assert live_markup(body) == [], page.name


def test_a_title_with_markup_or_line_breaks_is_the_page_s_heading_as_text(hostile_import):
    _, out = hostile_import
    first_lines = {
        page.name: page.read_text(encoding="utf-8").split("\n---\n\n", 1)[1].split("\n")[:2]
        for page in (out / "2024").glob("*.md")
    }
    assert first_lines["2024-03-10.md"] == [
        "# LWKD extra \\`\\`\\`\\{raw\\} html \\<script>alert(1)\\</script> \\`\\`\\`",
        "",
    ]
    assert first_lines["2024-03-17.md"] == [
        "# \\<script>alert(1)\\</script> \\*Special\\* \\{raw\\}\\`\\<b>\\` "
        "\\[x\\](javascript:alert(1)) \\#1: Week Ending March 17, 2024",
        "",
    ]


def test_the_built_pages_hold_no_raw_output_no_file_and_no_foreign_link(tmp_path, make_app):
    app = build_imported(make_app, HOSTILE, tmp_path / "site")
    assert app.warning.getvalue() == ""
    for docname in (
        "archive/2024/2024-03-03",
        "archive/2024/2024-03-10",
        "archive/2024/2024-03-17",
    ):
        doctree = app.env.get_doctree(docname)
        assert not list(doctree.findall(nodes.raw)), docname
        assert not list(doctree.findall(addnodes.download_reference)), docname
        assert not list(doctree.findall(nodes.image)), docname
        for reference in doctree.findall(nodes.reference):
            uri = reference.get("refuri", "")
            assert not uri or re.match(r"(https?:|mailto:|#|[\w./-]*\.html)", uri), uri
    assert not (app.outdir / "_downloads").exists()
    assert "root:x:0:0" not in (app.outdir / "archive" / "2024" / "2024-03-03.html").read_text(
        encoding="utf-8"
    )


def test_each_finding_names_its_kind_what_was_written_and_where():
    """What a lint needs to report live markup the way the importer sees it."""
    text = "<b>x</b> {raw}`y` [x](path:/a){.c}\n\n```{include} x\n```\n\n<div>\n"
    found = [(live.kind, live.source, live.offset) for live in find_live_markup(text)]
    assert found == [
        ("html", "<b>", 0),
        ("html", "</b>", 4),
        ("role", "{raw}`y`", 9),
        ("link", "[x](path:/a)", 18),
        ("attributes", "{.c}", 30),
        ("directive", "```{include} x", 39),
        ("html", "<div>", 56),
    ]


def language(name: str) -> str:
    return f"code block language {name!r} is not known; shown as plain text"


#: (case, body, the Markdown written, the notes): a code block in a language Sphinx has
#: no lexer for would make it warn, and a -W build fail; the name stays after ``text``.
UNKNOWN_LANGUAGES = [
    ("unknown", "```nosuchlang\nx = 1\n```\n", "```text nosuchlang\nx = 1\n```\n", [(1, language("nosuchlang"))]),
    (
        "tilde-in-list-with-words",
        "- item\n\n  ~~~  NoSuchLang shown here\n  x\n  ~~~\n",
        "- item\n\n  ~~~text   NoSuchLang shown here\n  x\n  ~~~\n",
        [(3, language("NoSuchLang"))],
    ),
    ("in-quote", "> ````nosuch\n> x\n> ````\n", "> ````text nosuch\n> x\n> ````\n", [(1, language("nosuch"))]),
    # Sphinx's own names are case-sensitive (Pygments' are not).
    ("upper-case-none", "```NONE\nx\n```\n", "```text NONE\nx\n```\n", [(1, language("NONE"))]),
    # MyST reads an info string as written: ``\{raw}`` is a language, not a directive.
    (
        "escaped-info",
        "```\\{raw} html\n<script>alert(1)</script>\n```\n",
        "```text \\{raw} html\n<script>alert(1)</script>\n```\n",
        [(1, language("\\{raw}"))],
    ),
    (
        "entity-info",
        "```&#123;raw} html\n<script>alert(1)</script>\n```\n",
        "```text &#123;raw} html\n<script>alert(1)</script>\n```\n",
        [(1, language("&#123;raw}"))],
    ),
]  # fmt: skip
#: Languages Pygments knows (any case), and those Sphinx knows without it.
KNOWN_LANGUAGES = [
    "yaml", "go", "diff", "Python", "console", "text", "none", "default", "guess", "pycon3", "",
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "written", "notes"),
    [case[1:] for case in UNKNOWN_LANGUAGES],
    ids=[case[0] for case in UNKNOWN_LANGUAGES],
)
def test_a_code_block_in_an_unknown_language_is_plain_text_and_reported(body, written, notes):
    result = converted(body)
    assert (result.text, result.notes) == (written, notes)
    assert find_live_markup(result.text) == []


@pytest.mark.parametrize("name", KNOWN_LANGUAGES)
def test_a_code_block_in_a_language_sphinx_knows_is_written_unchanged(name):
    body = f"```{name}\nkind: Pod\n```\n"
    result = converted(body)
    assert (result.text, result.notes) == (body, [])


def unparsable(name: str, lexer: str, token: str, line: int) -> str:
    return (
        f"code block in {name!r} does not parse as {lexer} (at {token!r}, line {line} of its "
        "code); shown as plain text"
    )


#: (case, body, the Markdown written, the notes): code that Sphinx's lexer for its
#: language stops on (an ``Error`` token) would make it warn, and a -W build fail.
UNPARSABLE_CODE = [
    (
        "json",
        '```json\n{"a": 1,, $$ }\n```\n',
        '```text json\n{"a": 1,, $$ }\n```\n',
        [(1, unparsable("json", "JSON", "$", 1))],
    ),
    (
        "python-stray-dollar",
        "Before.\n\n```python\nx = 1\ny = $z\n```\n",
        "Before.\n\n```text python\nx = 1\ny = $z\n```\n",
        [(3, unparsable("python", "Python", "$", 2))],
    ),
    # Sphinx reads py3 code that starts with >>> as a Python session.
    (
        "python-session",
        "```py3\n>>> x = $\n```\n",
        "```text py3\n>>> x = $\n```\n",
        [(1, unparsable("py3", "Python console session", "$", 1))],
    ),
    # The lexer strips the leading blank lines; they are still lines of the code.
    (
        "after-blank-lines",
        '```json\n\n\n{"a": 1}\n$\n```\n',
        '```text json\n\n\n{"a": 1}\n$\n```\n',
        [(1, unparsable("json", "JSON", "$", 4))],
    ),
    (
        "with-words-in-a-list",
        '- item\n\n  ~~~ json shown here\n  {"a": $}\n  ~~~\n',
        '- item\n\n  ~~~text  json shown here\n  {"a": $}\n  ~~~\n',
        [(3, unparsable("json", "JSON", "$", 1))],
    ),
    (
        "in-quote",
        "> ```Python\n> x = `y`\n> ```\n",
        "> ```text Python\n> x = `y`\n> ```\n",
        [(1, unparsable("Python", "Python", "`", 1))],
    ),
    (
        "in-definition",
        "Term\n: ```json\n  $\n  ```\n",
        "Term\n: ```text json\n  $\n  ```\n",
        [(2, unparsable("json", "JSON", "$", 1))],
    ),
    (
        "one-of-two",
        '```json\n{"a": 1}\n```\n\n```go\nfunc $() {}\n```\n',
        '```json\n{"a": 1}\n```\n\n```text go\nfunc $() {}\n```\n',
        [(5, unparsable("go", "Go", "$", 1))],
    ),
]


@pytest.mark.parametrize(
    ("body", "written", "notes"),
    [case[1:] for case in UNPARSABLE_CODE],
    ids=[case[0] for case in UNPARSABLE_CODE],
)
def test_code_that_does_not_lex_in_its_language_is_plain_text_and_reported(body, written, notes):
    result = converted(body)
    assert (result.text, result.notes) == (written, notes)
    assert find_live_markup(result.text) == []
    assert live_markup(result.text) == []


@pytest.mark.parametrize(
    "body",
    [
        # Sphinx highlights a fence without a language, or in ``default``, as ``default``,
        # and shows code that does not lex in it as plain text without a warning.
        "```\nx = $y\n```\n",
        "```default\nx = $y\n```\n",
        # Plain text is never an error.
        "```text\n$ `x`\n```\n",
        "```Text\n$ `x`\n```\n",
        "```none\n$ `x`\n```\n",
    ],
    ids=["no-language", "default", "text", "text-any-case", "none"],
)
def test_code_sphinx_shows_as_plain_text_anyway_is_not_lexed(body, monkeypatch):
    monkeypatch.setattr(convert, "_lexing_note", None)  # called, it would raise
    assert not convert._may_hold_live_markup(body, ())
    assert find_live_markup(body) == []
    result = converted(body)
    assert (result.text, result.notes) == (body, [])


def test_a_post_without_a_fence_in_a_language_sphinx_lexes_is_not_parsed(monkeypatch):
    """Only posts with such a fence pay for MyST's parse and the lexer."""
    body = "Kubelet merged [a change](https://k8s.io) and `kubectl`.\n\n```\nx = $\n```\n"
    monkeypatch.setattr(convert, "find_live_markup", None)
    assert converted(body).text == body
    assert convert._may_hold_live_markup("```yaml\nkind: Pod\n```\n", ())


def test_the_site_highlights_code_as_the_importer_lexes_it():
    """conf.py leaves the settings the importer's lexing assumes as Sphinx sets them."""
    from docutils import nodes
    from sphinx.transforms.post_transforms.code import TrimDoctestFlagsTransform

    for conf in (REPO / "conf.py", REPO / "tests" / "roots" / "test-imported" / "conf.py"):
        tree = ast.parse(conf.read_text(encoding="utf-8"))
        assigned = {
            target.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        assert not assigned & {"highlight_language", "highlight_options", "trim_doctest_flags"}
    # Sphinx trims doctest flags only from code in these languages.
    names = {name for name, _ in LEXING_SAMPLES} | set(KNOWN_LANGUAGES)
    for name in names - convert.PYTHON_SESSION_LANGUAGES:
        block = nodes.literal_block(">>> 1\n", ">>> 1\n", language=name)
        assert not TrimDoctestFlagsTransform.is_pyconsole(block), name


def write_post(checkout: Path, body: str) -> None:
    (checkout / "_posts").mkdir(parents=True)
    (checkout / "_posts" / "2024-03-03-update.md").write_text(
        "---\nlayout: post\ntitle: Week Ending March 3, 2024\n"
        "date: 2024-03-06 05:00:00 -0000\n---\n\n" + body,
        encoding="utf-8",
    )


#: Code that does not lex in its language, as Sphinx decides it.
UNPARSABLE_FENCES = ['```json\n{"a": 1,, $$ }\n```\n', "```python\nx = $y\n```\n"]


def test_a_post_with_code_sphinx_cannot_highlight_builds_with_warnings_as_errors(
    tmp_path, make_app
):
    fences = [f"```{name}\nkind: Pod\n```\n" for name in [*KNOWN_LANGUAGES, "nosuchlang"]]
    fences += UNPARSABLE_FENCES
    body = "## Developer News\n\n" + "\n".join(fences)
    write_post(tmp_path / "lwkd", body)
    srcdir = tmp_path / "site"
    shutil.copytree(REPO / "tests" / "roots" / "test-imported", srcdir)
    summary = import_archive(tmp_path / "lwkd", srcdir / "archive")
    # The post's line 9 opens the first block; each takes four lines.
    line = 9 + 4 * len(KNOWN_LANGUAGES)
    assert [(f.line, f.message) for f in summary.findings] == [
        (line, language("nosuchlang")),
        (line + 4, unparsable("json", "JSON", "$", 1)),
        (line + 8, unparsable("python", "Python", "$", 1)),
    ]
    page = (srcdir / "archive" / "2024" / "2024-03-03.md").read_text(encoding="utf-8")
    assert "\n```text nosuchlang\nkind: Pod\n```\n" in page
    assert '\n```text json\n{"a": 1,, $$ }\n```\n\n```text python\nx = $y\n```\n' in page
    app = make_app("html", srcdir=srcdir, exception_on_warning=True)
    app.build()
    assert app.warning.getvalue() == ""
    assert app.statuscode == 0
    html = (app.outdir / "archive" / "2024" / "2024-03-03.html").read_text(encoding="utf-8")
    assert html.count('<div class="highlight"><pre>') == len(fences)
    # text, nosuchlang, json and python
    assert html.count('class="highlight-text notranslate"') == 4
    assert "x = $y" in html


#: (language, code) Sphinx highlights, with and without a warning; each is checked here
#: against what Sphinx itself does with it.
LEXING_SAMPLES = [
    ("json", '{"a": 1,, $$ }\n'), ("json", '{"a": 1}\n'), ("json", '\n\n{"a": 1}\n$\n'),
    ("python", "x = $y\n"), ("python", "x = 1\n"), ("Python", "x = `y`\n"),
    ("py3", ">>> x = $\n"), ("python3", ">>> x = 1\n"), ("pycon3", ">>> x = $\n"),
    ("pycon", ">>> 1  # doctest: +SKIP\n1\n<BLANKLINE>\n"), ("pycon", "x = $\n"),
    ("default", "x = $y\n"), ("", "x = $y\n"), ("none", "$\n"), ("text", "$\n"),
    ("guess", "x = $y\n"), ("guess", '{"a": $}\n'), ("guess", ">>> x = $\n"),
    ("yaml", "a: [b\n"), ("yaml", "kind: Pod\n"), ("go", "func $() {}\n"),
    ("go", "func main() {}\n"), ("c", "int $x = `1`;\n"), ("rest", ".. x::\n   $`\n"),
    ("console", "$ ls\n"), ("bash", "echo $((\n"), ("diff", "+a\n-b\n"), ("html", "<a $>\n"),
    ("js", "let x = #;\n"), ("toml", "a = $\n"), ("sql", "select $ from `x`;\n"),
    ("nosuchlang", "x\n"),
]  # fmt: skip


def test_sphinx_warns_of_the_code_blocks_the_importer_rewrites_as_posts_write_them(
    tmp_path, make_app
):
    """What the importer prevents: the post's page as written fails a -W build.

    Sphinx warns of exactly the code blocks the importer finds: those in a language it
    has no lexer for, and those whose code does not lex in their language.
    """
    fences = [f"```{name}\n{code}```\n" for name, code in LEXING_SAMPLES]
    fences += [
        '- item\n\n  ```json\n  {"a": $}\n  ```\n',
        "> ```python\n> x = $\n> ```\n",
        "Term\n: ```json\n  $\n  ```\n",
    ]
    text = "# Code\n\n" + "\n".join(fences)
    srcdir = tmp_path / "site"
    shutil.copytree(REPO / "tests" / "roots" / "test-imported", srcdir)
    (srcdir / "code.md").write_text(text, encoding="utf-8")
    app = make_app("html", srcdir=srcdir)
    app.build()
    warnings = app.warning.getvalue()
    assert 'code.md:3: WARNING: Lexing literal_block \'{"a": 1,, $$ }\\n\' as "json" resulted ' in (
        warnings
    )
    assert "WARNING: Pygments lexer name 'nosuchlang' is not known" in warnings
    warned = re.findall(r"code\.md:(\d+): WARNING: (?:Lexing|Pygments lexer name)", warnings)
    found = [
        (_line(text, live.offset), live.kind)
        for live in find_live_markup(text)
        if live.kind in {"code", "language"}
    ]
    assert sorted(int(line) for line in warned) == [line for line, _ in found]
    assert [kind for _, kind in found].count("code") == len(found) - 1 > 10


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def test_a_post_of_thousands_of_tags_is_parsed_indexed_and_edited_as_one_of_a_few(monkeypatch):
    """Each note is a lookup in lines found once per pass, each round's edits one join."""
    counts: Counter[str] = Counter()
    parser = convert._myst_parser()
    parse, lines, insert_all = parser.parse, convert._Lines, convert._insert_all

    class CountedLines(lines):
        def __init__(self, text: str) -> None:
            counts["lines"] += 1
            super().__init__(text)

    def counted(name, function):
        def call(*args, **kwargs):
            counts[name] += 1
            return function(*args, **kwargs)

        return call

    monkeypatch.setattr(parser, "parse", counted("parses", parse))
    monkeypatch.setattr(convert, "_Lines", CountedLines)
    monkeypatch.setattr(convert, "_insert_all", counted("joins", insert_all))
    work = {}
    for tags in (5, 5000):
        counts.clear()
        result = converted("<b>" * tags)
        assert result.text == "\\<b>" * tags
        assert len(result.notes) == tags
        work[tags] = dict(counts)
    assert work[5000] == work[5] == {"parses": 2, "joins": 1, "lines": 4}


def test_the_edits_of_a_round_are_those_made_one_at_a_time_from_the_end():
    text = "<a>{b}\n:::c"
    inserts = {0: "\\", 3: "\\", 7: "text ", len(text): "!"}
    spliced = text
    for offset in sorted(inserts, reverse=True):
        spliced = spliced[:offset] + inserts[offset] + spliced[offset:]
    assert convert._insert_all(text, inserts) == spliced
    assert convert._insert_all(text, {}) == text


def test_myst_s_role_rule_is_tried_only_where_a_role_can_start():
    """The rule copies the rest of the paragraph each time it is tried."""
    tried: list[int] = []
    rule = convert._at_brace(lambda state, silent: tried.append(state.pos) or False)
    for pos in range(5):
        rule(SimpleNamespace(src="<b>{x}", pos=pos), False)
    assert tried == [3]
