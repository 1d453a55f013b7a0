"""Imported pages are inert: text, links and the importer's images, never a file or markup of their own.

An imported page is a document under ``archive/``, the folder the importer
writes; its text comes from posts anyone whose pull request was merged upstream
wrote, and the site is built where secrets live (Read the Docs). The rule is by
folder, not by front matter: hand-written issues in ``issues/`` carry
``lwkd_source`` too, and keep every directive (sphinx-design's cards, tabs...).

The importer already writes such posts as text; this is the second wall, in
the build. In an imported page:

- the directives that read a file or put raw output in the page (``raw``,
  ``include``, ``literalinclude``, ``csv-table`` with ``:file:`` or ``:url:``,
  ``meta``) are refused, in Markdown and in ``eval-rst`` alike, and docutils'
  own ``file_insertion_enabled`` is off for any other directive that honours it;
- raw output (HTML written in the Markdown, the ``raw`` role) is shown as text;
- an image, or a link to a file, must be a PNG, JPEG, GIF or WebP image the
  importer copied into ``archive/_media/``; any other path (``/etc/passwd``,
  ``../../x``, a link out of the folder, another host) or file (an SVG, which can
  hold a script) is refused;
- a link must be ``http``, ``https`` or ``mailto`` (never ``javascript:``);
- math is shown as text: it would load MathJax from another host.

Each refusal is a warning ``lwkd.<subtype>`` at the page's ``file:line``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives, languages
from myst_parser.parsers.sphinx_ import MystParser
from sphinx import addnodes
from sphinx.parsers import RSTParser
from sphinx.transforms import SphinxTransform

from lwkd_archive.images import SIGNATURE_BYTES, image_type
from lwkd_archive.warnings import WARNING_TYPE, logger

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: The folder the importer writes; every document in it is an imported page.
IMPORTED_FOLDER = "archive/"
#: Where the importer copies the images posts embed.
MEDIA_FOLDER = "archive/_media"
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
SCHEME_RE = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*):", re.IGNORECASE)
#: Browsers drop these from a URL before reading its scheme (``java\tscript:``).
URL_IGNORED_RE = re.compile(r"[\x00-\x20\x7f]+")
#: What MyST itself writes for a hard line break (a ``\`` at the end of a line), the
#: only raw output an imported page keeps: the importer writes ``<br>`` that way.
HARD_BREAKS = frozenset({("html", "<br />\n"), ("latex", "\\\\\n")})


class Refused(Enum):
    """What an imported page tried that the build refused; the value is the subtype after ``lwkd.``."""

    DIRECTIVE = "directive"
    """A directive that reads a file or writes raw output (``include``, ``raw``...)."""

    RAW = "raw"
    """Raw output (HTML in the Markdown, the ``raw`` role), shown as text."""

    IMAGE = "image"
    """An image that is not a PNG, JPEG, GIF or WebP file in ``archive/_media/``."""

    DOWNLOAD = "download"
    """A link to a file that is not such an image."""

    LINK = "link"
    """A link whose scheme is not ``http``, ``https`` or ``mailto``."""

    MATH = "math"
    """Math, which would load MathJax from another host; shown as text."""


def refuse(kind: Refused, message: str, location: object) -> None:
    """Warn that ``-W`` turns into an error and ``suppress_warnings`` (``lwkd.raw``...) can silence."""
    logger.warning(message, type=WARNING_TYPE, subtype=kind.value, location=location)


def is_imported(docname: str) -> bool:
    return docname.startswith(IMPORTED_FOLDER)


def shown(text: str, limit: int = 60) -> str:
    """A short, one-line quotation of what was refused."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# -- directives ---------------------------------------------------------------


@dataclass(frozen=True)
class DirectiveRefusal:
    """Why a directive may not run in an imported page, and when."""

    reason: str
    #: Refused only with one of these options (a ``csv-table`` of its own rows is text).
    only_with: tuple[str, ...] = ()


REFUSED_DIRECTIVES = {
    "raw": DirectiveRefusal("it puts markup of its own, or a file's content, into the page"),
    "include": DirectiveRefusal("it reads a file"),
    "literalinclude": DirectiveRefusal("it reads a file"),
    "csv-table": DirectiveRefusal("it reads a file or a URL", only_with=("file", "url")),
    "meta": DirectiveRefusal("it adds tags to the page's head, where a refresh sends readers away"),
}


class RefusedDirective(Directive):
    """Stands in for a directive an imported page may not run: it warns and shows nothing.

    Not a subclass of the directive it replaces: MyST runs a subclass of
    docutils' ``include`` through its own code, which would read the file.
    """

    original: ClassVar[type[Directive]]
    refusal: ClassVar[DirectiveRefusal]

    def run(self) -> list[nodes.Node]:
        only_with = self.refusal.only_with
        if only_with and not any(option in self.options for option in only_with):
            allowed = self.original(
                self.name, self.arguments, self.options, self.content, self.lineno,
                self.content_offset, self.block_text, self.state, self.state_machine,
            )  # fmt: skip
            return allowed.run()
        source, line = self.state_machine.get_source_and_line(self.lineno)
        written = " ".join(
            [
                *self.arguments,
                *(f":{o}:" if v is None else f":{o}: {v}" for o, v in self.options.items()),
            ]
        )
        refuse(
            Refused.DIRECTIVE,
            f"the {self.name!r} directive{f' ({shown(written)})' if written else ''} is not allowed "
            f"in imported pages: {self.refusal.reason}; removed",
            f"{source}:{line}" if line else source,
        )
        return []


@cache
def refusing(name: str, original: type[Directive]) -> type[RefusedDirective]:
    """The stand-in for ``original``: it takes the same arguments and options, so any parse."""
    return type(
        f"Refused{original.__name__}",
        (RefusedDirective,),
        {
            "original": original,
            "refusal": REFUSED_DIRECTIVES[name],
            "required_arguments": original.required_arguments,
            "optional_arguments": original.optional_arguments,
            "final_argument_whitespace": original.final_argument_whitespace,
            "option_spec": original.option_spec,
            "has_content": original.has_content,
        },
    )


@contextmanager
def refused_directives(document: nodes.document) -> Iterator[None]:
    """Docutils' directive table, for the page being parsed, with the refused ones replaced.

    MyST and ``eval-rst`` both look directives up in this table; every other
    page is parsed with the originals.
    """
    english = languages.get_language("en")
    originals: dict[str, type[Directive]] = {}
    for name in REFUSED_DIRECTIVES:
        original, _messages = directives.directive(name, english, document)
        if original is None:
            continue
        originals[name] = getattr(original, "original", original)
        directives.register_directive(name, refusing(name, originals[name]))
    try:
        yield
    finally:
        for name, original in originals.items():
            directives.register_directive(name, original)


class InertImportedPages:
    """A source parser that reads imported pages with file insertion off and the directives refused.

    Sphinx creates each document's docutils settings from one dictionary before
    any event sees the document, so the parser is where a page gets its own.
    """

    def parse(self, inputstring: Any, document: nodes.document) -> None:
        if not is_imported(document.settings.env.docname):
            super().parse(inputstring, document)  # type: ignore[misc]
            return
        # Docutils' own switch, for any directive that reads a file and is not refused by name.
        document.settings.file_insertion_enabled = False
        with refused_directives(document):
            super().parse(inputstring, document)  # type: ignore[misc]


class InertMystParser(InertImportedPages, MystParser):
    """MyST's parser, with imported pages inert."""


class InertRSTParser(InertImportedPages, RSTParser):
    """Sphinx's reST parser, with imported pages inert (the importer writes none, but one may appear)."""


# -- nodes ------------------------------------------------------------------------


def _as_text(node: nodes.Element, text: str, *, code: bool) -> None:
    """Replace ``node`` by ``text``, inline or as a block as its place requires."""
    if not text:
        node.parent.remove(node)
    elif isinstance(node.parent, nodes.TextElement):
        node.replace_self(nodes.literal(text, text) if code else nodes.Text(text))
    elif code:
        node.replace_self(nodes.literal_block(text, text, language="text"))
    else:
        node.replace_self(nodes.paragraph(text, text))


def where(node: nodes.Node) -> str | None:
    """``file:line`` of a node, from the nearest ancestor that knows its line.

    Docutils stops at the first ancestor with a source, which for the images
    of sphinx-design's cards has no line.
    """
    source = None
    while node is not None:
        source = source or node.source
        if node.line:
            return f"{source or node.document['source']}:{node.line}"
        node = node.parent
    return source


def media_file(env: BuildEnvironment, target: str) -> Path | None:
    """The file ``target`` names from the page being read, when it is one in ``archive/_media/``.

    Absolute paths, any scheme and any symbolic link on the way are refused:
    a link in the folder could lead to any file of the machine.
    """
    if not target or SCHEME_RE.match(target) or target.startswith(("/", "\\")):
        return None
    srcdir = Path(env.srcdir).resolve()
    written = os.path.normpath(env.doc2path(env.docname, base=False).parent / target)
    found = (srcdir / written).resolve()
    if found != srcdir / written or not found.is_relative_to(srcdir / MEDIA_FOLDER):
        return None
    return found if found.is_file() else None


def is_image(path: Path) -> bool:
    """True for a PNG, JPEG, GIF or WebP file, by its first bytes.

    Not an SVG: one can hold a script, which runs when a reader opens the image
    itself; nor anything else the importer may have copied under an image's name.
    """
    with path.open("rb") as file:
        return image_type(file.read(SIGNATURE_BYTES)) is not None


def is_safe_link(uri: str) -> bool:
    scheme = SCHEME_RE.match(URL_IGNORED_RE.sub("", uri))
    return scheme is None or scheme["scheme"].lower() in LINK_SCHEMES


def _rendered(document: nodes.document, kind: type[nodes.Node]) -> list[nodes.Element]:
    """Nodes of ``kind`` that reach the page (a substitution's definition does not, its uses do)."""
    found = []
    for node in document.findall(kind):
        parent = node.parent
        while parent is not None and not isinstance(parent, nodes.substitution_definition):
            parent = parent.parent
        if parent is None:
            found.append(node)
    return found


class NeutraliseImportedPage(SphinxTransform):
    """Raw output becomes text; images, downloads and links that leave the archive are refused.

    Runs after docutils resolves substitutions and link targets, and before
    ``doctree-read`` (880), where Sphinx collects images and downloads to copy.
    """

    default_priority = 870

    def apply(self, **kwargs: object) -> None:
        if not is_imported(self.env.docname):
            return
        for raw in _rendered(self.document, nodes.raw):
            if (raw.get("format", ""), raw.astext()) in HARD_BREAKS:
                continue
            refuse(
                Refused.RAW,
                f"raw {raw.get('format') or 'output'} {shown(raw.astext())} shown as text: "
                "imported pages emit no markup of their own",
                where(raw),
            )
            _as_text(raw, raw.astext(), code=True)
        for image in _rendered(self.document, nodes.image):
            uri = image.get("uri", "")
            found = media_file(self.env, uri)
            if found is not None and is_image(found):
                continue
            why = (
                f"an imported page shows only images the importer copied into {MEDIA_FOLDER}/"
                if found is None
                else "the file is not a PNG, JPEG, GIF or WebP image"
            )
            refuse(
                Refused.IMAGE,
                f"image {shown(uri)} refused: {why}; its description is shown instead",
                where(image),
            )
            _as_text(image, image.get("alt", ""), code=False)
        for download in _rendered(self.document, addnodes.download_reference):
            target = download.get("reftarget", "")
            found = media_file(self.env, target)
            if found is not None and is_image(found):
                continue
            refuse(
                Refused.DOWNLOAD,
                f"link to the file {shown(target)} refused: an imported page links only images "
                f"the importer copied into {MEDIA_FOLDER}/; its text is kept",
                where(download),
            )
            download.replace_self(download.children or nodes.Text(""))
        for reference in _rendered(self.document, nodes.reference):
            uri = reference.get("refuri", "")
            if is_safe_link(uri):
                continue
            refuse(
                Refused.LINK,
                f"link to {shown(uri)} refused: an imported page links only "
                f"{', '.join(sorted(LINK_SCHEMES))} addresses; its text is kept",
                where(reference),
            )
            reference.replace_self(reference.children or nodes.Text(""))
        for math in [
            *_rendered(self.document, nodes.math),
            *_rendered(self.document, nodes.math_block),
        ]:
            refuse(
                Refused.MATH,
                f"math {shown(math.astext())} shown as text: it would load MathJax from another host",
                where(math),
            )
            _as_text(math, math.astext(), code=True)


def setup(app: Sphinx) -> None:
    # The parsers replace MyST's and Sphinx's own, which must be registered first.
    app.setup_extension("myst_parser")
    app.add_source_parser(InertMystParser, override=True)
    app.add_source_parser(InertRSTParser, override=True)
    app.add_transform(NeutraliseImportedPage)
