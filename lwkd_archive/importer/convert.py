"""Kramdown bodies of LWKD posts to MyST: links between issues, images, and the format's defects.

Posts are untrusted text (anyone whose pull request is merged upstream writes one) and
the site is built where secrets live, so a page says only what its post says: MyST
syntax that would run (directives, roles other than the archive's, raw HTML, attribute
lists, links to other kinds of address) is written so that MyST shows it as text, as
lwkd.info does, since kramdown knows none of it. The last pass, :func:`make_inert`,
checks the result with MyST's own parser rather than trusting the rules before it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token
    from sphinx.highlighting import PygmentsBridge

#: Fenced code blocks (``` or ~~~, possibly indented in a list item).
FENCE_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^(?P=indent)?[ \t]*(?P=fence)[ \t]*$",
    re.M | re.S,
)
#: Inline code: a run of backticks, content, the same run.
CODE_SPAN_RE = re.compile(
    r"(?<!`)(?P<ticks>`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)(?P=ticks)(?!`)", re.S
)
#: ``[text](target "title")`` and ``![alt](src)``; link text may hold one level of brackets.
LINK_RE = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\(\s*(?P<target><[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?P<title>\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
#: A role already written (``{kep}`3136```): left alone by every pass.
ROLE_SYNTAX_RE = re.compile(r"\{[a-z][\w:-]*\}`[^`\n]+`")
#: A pull-request URL with stray characters after its number (``/pull/102377deb``).
PULL_TYPO_RE = re.compile(
    r"^(?P<url>https?://github\.com/[\w.-]+/[\w.-]+/pull/\d+)(?P<junk>[^\d/#?][^/#?]*)$"
)
#: Kramdown inline attribute lists: ``{: .class}``, ``{:target="_blank"}``.
IAL_RE = re.compile(r"\{:[^}\n]*\}")
#: HTML that has a Markdown equivalent: ``<a href>``, ``<img>``, ``<br>``.
HTML_LINK_RE = re.compile(
    r"<a\s[^<>]*?href=[\"'](?P<href>[^\"']*)[\"'][^<>]*>(?P<text>.*?)</a>", re.I | re.S
)
HTML_IMG_RE = re.compile(r"<img\s[^<>]*?src=[\"'](?P<src>[^\"']*)[\"'][^<>]*?/?>", re.I)
HTML_ALT_RE = re.compile(r"alt=[\"'](?P<alt>[^\"']*)[\"']", re.I)
HTML_BR_RE = re.compile(r"<br\s*/?>[ \t]*\n?", re.I)
#: Jekyll's site variables in links: ``{{ site.baseurl }}/2022/20220209``.
LIQUID_SITE_RE = re.compile(r"\{\{\s*site\.(?:baseurl|url)\s*\}\}")
#: A kramdown header id: ``## Title {#my-id}``.
HEADER_ID_RE = re.compile(r"^(?P<heading>#{1,6}[ \t]+.*?)[ \t]*\{#[\w-]+\}[ \t]*$", re.M)
#: Lines MyST reads as syntax that kramdown reads as text: ``% comment``, ``(label)=``, ``+++``.
MYST_LINE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>%|\+\+\+|\([^)\n]*\)=\s*$)", re.M)
ATX_HEADING_RE = re.compile(r"^(?P<marks>#{1,6})(?P<rest>[ \t]+\S.*)$", re.M)
ATX_TEXT_RE = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
SETEXT_UNDERLINE_RE = re.compile(r"^(=+|-+)\s*$")
SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
LWKD_HOST_RE = re.compile(r"^https?://(?:www\.)?lwkd\.info(?=/|$)", re.I)
#: An issue's old address: ``/2022/20220209``, optionally ``/`` or ``.html``, then ``#anchor``.
OLD_ISSUE_RE = re.compile(
    r"^/(?P<year>\d{4})/(?P<stamp>\d{8})(?:/|\.html|/index\.html)?(?:#(?P<anchor>.*))?$"
)
UPSTREAM = "https://lwkd.info"

#: The MyST syntax extensions conf.py enables: the page is checked as Sphinx will read it.
MYST_EXTENSIONS = ("colon_fence", "deflist", "attrs_inline")
#: The roles the importer writes (references.py); a post may use them, and no other.
ARCHIVE_ROLES = frozenset({"kep", "sig", "pr", "mentioned"})
#: The schemes a link may have; MyST turns others (``path:``, ``project:``, ``inv:``)
#: into references to files of the build, and browsers run ``javascript:``.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
#: A link target, as written, that is an address or a section of the page.
SAFE_URL_RE = re.compile(r"^(?:https?://|mailto:|#)", re.I)
#: A role as the importer writes it: ``{sig}`SIG Node <sig-node>```. Where MyST did not
#: read one as a role, its text is plain words and its target at most an empty
#: ``<sig-node>`` element (a KEP's number or ``org/repo#N`` is no HTML at all).
WRITTEN_ROLE_RE = re.compile(r"\{(?:kep|sig|pr|mentioned)\}`[^`<>|{}\[\]\n]+ <[\w./#-]+>`")
#: Characters without which a text holds no HTML, directive, role, attribute list,
#: reference definition or MyST line syntax (entities count: an info string decodes them).
LIVE_HINT_RE = re.compile(r"[<{]|&#?\w+;|:::|\]:|^[ \t>*+\d.)-]*(?:%|\+\+\+|\([^)\n]*\)=)", re.M)
BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
#: A code span MyST reads as the rules do: on one line, in one table cell, not escaped.
PLAIN_CODE_SPAN_RE = re.compile(r"(?<![`\\])(?P<ticks>`+)(?!`)[^`\n|]+?(?P=ticks)(?!`)")
#: Markdown's escape: before a punctuation character, it shows that character as text.
ESCAPE = "\\"
#: The opening line of a fenced code block, and its info string (the language first); the
#: block may be in a quote, a list item or a definition (``: ```json``, ``~ ```json``).
FENCE_OPEN_RE = re.compile(r"^[ \t>*+\d.):~-]*(?:`{3,}|~{3,})(?P<info>[^\n]*)$", re.M)
#: Languages Sphinx highlights without asking Pygments for a lexer by that name
#: (``PygmentsBridge.get_lexer`` of sphinx/highlighting.py); names are case-sensitive.
SPHINX_LANGUAGES = frozenset(
    {"none", "default", "guess", "py", "py3", "python", "python3", "pycon", "pycon3", "rest", "c"}
)
#: Languages whose code Sphinx's ``TrimDoctestFlagsTransform`` may read as a Python
#: session, and trim its doctest flags (``# doctest: +SKIP``) before highlighting it.
PYTHON_SESSION_LANGUAGES = frozenset(
    {"pycon", "pycon3", "py", "python", "py3", "python3", "default", "guess"}
)
#: The language a code block in a language Sphinx does not know is shown in.
PLAIN_LANGUAGE = "text"
#: The language Sphinx highlights a fence that names none in (``highlight_language``, which
#: conf.py leaves as it is); when the code does not lex in it, Sphinx shows it as plain
#: text without a warning (``PygmentsBridge.highlight_block``).
DEFAULT_LANGUAGE = "default"
#: Rounds of :func:`make_inert` before the whole text is shown as code instead.
INERT_ROUNDS = 50


@dataclass
class Conversion:
    """The converted body and what the conversion noticed, by body line."""

    text: str
    notes: list[tuple[int, str]] = field(default_factory=list)
    #: Source links deliberately not kept as links (empty or non-URL targets).
    unlinked: int = 0
    #: Images found, as (body line, reference written in the source).
    images: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Context:
    """What converting one post needs to know about the others."""

    #: Old path (``/2022/20220209``) to the path of its page from this one (None: no such issue).
    issue_path: Callable[[str], str | None]
    #: Old path to the set of anchors its page will have.
    issue_anchors: dict[str, set[str]]
    #: Image reference in the source (``/2018/images/x.png``) to its path from this page, or "".
    image_path: Callable[[str], str]
    #: Why an image reference was not copied ("is a symbolic link ..."), or "" when the
    #: repository simply has no such file.
    image_refusal: Callable[[str], str] = lambda src: ""
    #: Turns KEP, SIG and PR references into roles (identity until configured).
    add_roles: Callable[[str], tuple[str, list[tuple[int, str]]]] = lambda text: (text, [])


def heading_slug(text: str) -> str:
    """The anchor kramdown and MyST give a heading: GitHub's slug of its plain text."""
    plain = LINK_RE.sub(lambda m: m["text"], text)
    plain = plain.replace("`", "").replace("*", "").strip()
    return re.sub(r"[^\w\- ]", "", plain.lower()).replace(" ", "-")


def heading_anchors(body: str) -> set[str]:
    """Anchors of a body's ATX and setext headings."""
    anchors = set()
    lines = body.split("\n")
    for i, line in enumerate(lines):
        atx = ATX_TEXT_RE.match(line)
        if atx:
            anchors.add(heading_slug(atx[1]))
        elif i + 1 < len(lines) and SETEXT_UNDERLINE_RE.match(lines[i + 1]) and line.strip():
            anchors.add(heading_slug(line))
    return anchors


class SetAside:
    """Text hidden from the rules while they run, then put back in one pass.

    A mark keeps the newlines of what it hides, so line numbers stay true; each
    instance marks with its own tag, so text hidden twice comes back whole.
    """

    #: Any instance's mark; :meth:`restore` puts back only its own (one pattern, compiled once).
    MARK_RE = re.compile(r"\ue000([0-9a-f]+)\.(\d+)\ue001(\n*)")

    def __init__(self) -> None:
        self.saved: list[str] = []
        self.tag = f"{id(self):x}"

    def put(self, text: str) -> str:
        self.saved.append(text)
        return f"\ue000{self.tag}.{len(self.saved) - 1}\ue001" + "\n" * text.count("\n")

    def hide(self, match: re.Match[str]) -> str:
        return self.put(match[0])

    def restore(self, text: str) -> str:
        def back(mark: re.Match[str]) -> str:
            if mark[1] != self.tag:
                return mark[0]
            saved = self.saved[int(mark[2])]
            return saved + mark[3][saved.count("\n") :]

        return self.MARK_RE.sub(back, text) if self.saved else text


def _classify_target(target: str) -> str:
    if not target:
        return "empty"
    if target.startswith("#"):
        return "anchor"
    if LWKD_HOST_RE.match(target) or target.startswith("/"):
        return "lwkd"
    if scheme := SCHEME_RE.match(target):
        return "url" if scheme[0][:-1].lower() in LINK_SCHEMES else "other-scheme"
    return "not-url"


def _scheme_note(what: str, target: str, kept: str) -> str:
    scheme = SCHEME_RE.match(target)[0].lower()  # type: ignore[index]
    return (
        f"{what} {target!r} is a {scheme} address; {kept} "
        "(the archive links only to http, https and mailto addresses)"
    )


def convert_body(body: str, context: Context) -> Conversion:
    """Convert one post body; every link and image is kept or reported."""
    return _BodyConverter(body, context).convert()


class _BodyConverter:
    """One post body on its way to MyST, pass by pass, and what the passes noticed.

    Code is set aside first, so no pass reads it. Each pass reads :attr:`text` and
    replaces it when done; a note is placed by line in the text the pass reads.
    """

    def __init__(self, body: str, context: Context) -> None:
        self.context = context
        self.result = Conversion(text="")
        self.masker = SetAside()
        #: Relative targets written here (pages of other issues, copied images): the only
        #: ones a page may have, since MyST reads any other as a file of the build to copy.
        self.own_targets: set[str] = set()
        #: The text the pass now running reads (its code set aside).
        self.text = CODE_SPAN_RE.sub(self.masker.hide, FENCE_RE.sub(self.masker.hide, body))
        #: The lines of :attr:`text`, found once per pass: a post may have a note per
        #: character, and each is then a lookup, not a count from the start.
        self.numbered = _Lines(self.text)

    def convert(self) -> Conversion:
        """Run every pass over the body, in order; the converted text and its notes."""
        self.note_and_replace(
            IAL_RE,
            lambda match: f"kramdown attribute list {match[0]!r} removed (MyST has no equivalent)",
            "",
        )
        self.note_and_replace(
            LIQUID_SITE_RE,
            lambda match: f"Jekyll variable {match[0]!r} read as the site's address",
            "",
        )
        self.note_and_replace(
            HEADER_ID_RE,
            lambda match: "kramdown header id removed; the heading keeps the anchor of its text",
            lambda match: match["heading"],
        )
        self.text = _html_to_markdown(self.text, self.note)
        self.text = LINK_RE.sub(self.rewrite_link, self.text)
        # Raw HTML is left to make_inert, which knows exactly what MyST reads as code.
        self.text = _even_headings(self.text, self.note)
        self.text = MYST_LINE_RE.sub(lambda m: m["indent"] + "\\" + m["mark"], self.text)

        # The roles pass sets code aside itself, by the same patterns, and reads code spans
        # for the feature gates they name (never changing them).
        text, role_notes = self.context.add_roles(self.masker.restore(self.text))
        self.result.notes.extend(role_notes)
        self.result.text, inert_notes = make_inert(text, self.own_targets)
        self.result.notes.extend(inert_notes)
        self.result.notes.sort()
        return self.result

    def line_of(self, offset: int) -> int:
        """The line of the text the pass now running reads that ``offset`` is on."""
        if self.numbered.text is not self.text:
            self.numbered = _Lines(self.text)
        return self.numbered.number_of(offset)

    def note(self, offset: int, message: str) -> None:
        """Note ``message`` at the line of ``offset``."""
        self.result.notes.append((self.line_of(offset), message))

    def note_and_replace(
        self,
        pattern: re.Pattern[str],
        message: Callable[[re.Match[str]], str],
        replacement: str | Callable[[re.Match[str]], str],
    ) -> None:
        """Note each match of ``pattern`` in the text, then replace them all."""
        for match in pattern.finditer(self.text):
            self.note(match.start(), message(match))
        self.text = pattern.sub(replacement, self.text)

    def kept_as_text(self, match: re.Match[str], text: str, message: str) -> str:
        """``text`` alone, instead of the link or image ``match`` (counted, and noted)."""
        self.result.unlinked += 1
        self.note(match.start(), message)
        return text

    def rewrite_link(self, match: re.Match[str]) -> str:
        """A Markdown link or image as the archive writes it, or its text when it leads nowhere."""
        bang, label, title = match["bang"], match["text"], match["title"] or ""
        target = match["target"].strip("<>").strip()
        kind = _classify_target(target)
        if bang:
            return self.rewrite_image(match, label, target, kind, title)
        if "](" in label:
            # An image inside a link: `[![alt](src)](href)`.
            label = LINK_RE.sub(lambda inner: self.image_inside_link(match, inner), label)
        if kind == "empty":
            return self.kept_as_text(
                match, label, f"link [{label}]() has no target; its text is kept without a link"
            )
        if kind == "not-url":
            return self.kept_as_text(
                match,
                label,
                f"link target {target!r} is not a URL; its text is kept without a link",
            )
        if kind == "other-scheme":
            return self.kept_as_text(
                match,
                label,
                _scheme_note("link target", target, "its text is kept without a link"),
            )
        if kind == "lwkd":
            target = self.lwkd_link_target(match, target)
        elif typo := PULL_TYPO_RE.match(target):
            self.note(
                match.start(),
                f"pull-request link {target!r} has {typo['junk']!r} after its number; written as {typo['url']}",
            )
            target = typo["url"]
        return f"[{label}]({_safe_target(target)}{title})"

    def lwkd_link_target(self, match: re.Match[str], target: str) -> str:
        """Where a link to lwkd.info leads: an imported issue's page (and section), else lwkd.info."""
        path = LWKD_HOST_RE.sub("", target) or "/"
        old = OLD_ISSUE_RE.match(path)
        if old is None:
            return UPSTREAM + path
        key = f"/{old['year']}/{old['stamp']}"
        page = self.context.issue_path(key)
        if page is None:
            self.note(
                match.start(),
                f"link to {target!r}: no issue has that address; kept as a link to lwkd.info",
            )
            return UPSTREAM + path
        anchor = old["anchor"]
        if anchor and anchor not in self.context.issue_anchors.get(key, set()):
            self.note(
                match.start(),
                f"link to {target!r}: that issue has no section #{anchor}; linked to the issue",
            )
            anchor = None
        written = page + (f"#{anchor}" if anchor else "")
        self.own_targets.add(written)
        return written

    def image_inside_link(self, outer: re.Match[str], inner: re.Match[str]) -> str:
        """An image in the text of link ``outer``: copied, or its description when on another host."""
        if not inner["bang"]:
            return inner[0]
        src = inner["target"].strip("<>").strip()
        if _classify_target(src) == "url":
            # The link around it already leads there; the image is not loaded from another host.
            self.result.images.append((self.line_of(outer.start()), src))
            self.note(
                outer.start(),
                f"image {src!r} is on another host; shown as its description, not loaded",
            )
            return f"Image: {inner['text'] or 'external image'}"
        return self.rewrite_image(
            outer, inner["text"], src, _classify_target(src), inner["title"] or ""
        )

    def rewrite_image(self, match: re.Match[str], alt: str, src: str, kind: str, title: str) -> str:
        """An image as the archive shows it: copied beside the pages, or a link, or its description."""
        self.result.images.append((self.line_of(match.start()), src))
        if kind == "url":
            # An image from another host would make every reader's browser ask that host.
            self.note(
                match.start(),
                f"image {src!r} is on another host; written as a link to it, not loaded",
            )
            return f"[Image: {alt or 'external image'}]({_safe_target(src)})"
        if kind in {"empty", "not-url", "anchor"}:
            return self.kept_as_text(
                match, alt, f"image {src!r} has no usable source; its description is kept as text"
            )
        if kind == "other-scheme":
            return self.kept_as_text(
                match, alt, _scheme_note("image", src, "its description is kept as text")
            )
        return self.repository_image(match, alt, src, title)

    def repository_image(self, match: re.Match[str], alt: str, src: str, title: str) -> str:
        """An image of the LWKD repository: the copy beside the pages, else a link to lwkd.info."""
        local = self.context.image_path(LWKD_HOST_RE.sub("", src))
        if not local:
            why = self.context.image_refusal(LWKD_HOST_RE.sub("", src))
            self.note(
                match.start(),
                f"image {src!r} {why}; not copied, written as a link to lwkd.info"
                if why
                else f"image {src!r} is not in the LWKD repository; written as a link to lwkd.info",
            )
            return f"[Image: {alt or src}]({UPSTREAM}{LWKD_HOST_RE.sub('', src)})"
        self.own_targets.add(local)
        return f"![{alt}]({_safe_target(local)}{title})"


def _html_to_markdown(text: str, note: Callable[[int, str], None]) -> str:
    """Links, images and line breaks written in HTML become Markdown, so the rules apply to them."""

    def link(match: re.Match[str]) -> str:
        note(match.start(), "HTML link written as Markdown")
        return f"[{match['text'].strip()}]({match['href'].strip()})"

    def image(match: re.Match[str]) -> str:
        note(match.start(), "HTML image written as Markdown")
        alt = HTML_ALT_RE.search(match[0])
        return f"![{alt['alt'] if alt else ''}]({match['src'].strip()})"

    text = HTML_IMG_RE.sub(image, text)
    text = HTML_LINK_RE.sub(link, text)
    # A hard line break in MyST: a backslash at the end of the line.
    return HTML_BR_RE.sub("\\\n", text)


def _even_headings(text: str, note: Callable[[int, str], None]) -> str:
    """Headings that go down one level at a time, below the page title (level 1).

    Kramdown renders a skipped level (``##`` then ``####``) as written; Sphinx
    warns and cannot nest it, so the heading moves up to the next level.
    """
    previous = 1

    def level(match: re.Match[str]) -> str:
        nonlocal previous
        wanted = len(match["marks"])
        allowed = min(max(wanted, 2), previous + 1)
        if allowed != wanted:
            where = (
                "level 1 is the title"
                if wanted == 1
                else f"the previous heading is level {previous}"
            )
            note(match.start(), f"heading level {wanted} written as level {allowed} ({where})")
        previous = allowed
        return "#" * allowed + match["rest"]

    return ATX_HEADING_RE.sub(level, text)


def _safe_target(target: str) -> str:
    """A link target MyST reads back unchanged (spaces and parentheses need angle brackets)."""
    if re.search(r"[\s()<>]", target):
        return "<" + target.replace("<", "%3C").replace(">", "%3E") + ">"
    return target


def heading_text(title: str) -> str:
    """A title as the text of a page's level-1 heading: one line, shown exactly as written.

    A title is front matter, so it may hold line breaks and any Markdown; collapsed to
    one line with its markup characters escaped, it can only be the heading's text
    (week titles, the usual case, have none of them and are written unchanged).
    """
    line = " ".join(title.split())
    line = re.sub(r"[\\`*_\[\]<{}#~$]", lambda m: ESCAPE + m[0], line)
    return re.sub(r"&(?=#?\w+;)", ESCAPE + "&", line)


@dataclass(frozen=True)
class LiveMarkup:
    """Something in a page MyST would act on instead of showing, and the edit that shows it.

    Also a code block in a language Sphinx has no lexer for, or whose code does not lex in
    its language: Sphinx shows the block, but warns, and the archive builds with warnings
    as errors.
    """

    #: Where the edit goes, as an offset in the text.
    offset: int
    #: ``html``, ``directive``, ``role``, ``attributes``, ``link``, ``image``,
    #: ``line-syntax``, ``language`` (a code block's language Sphinx has no lexer for) or
    #: ``code`` (a code block whose code does not lex in its language).
    kind: str
    #: What MyST would act on, as written (shortened), for a note or a lint.
    source: str
    #: The note for the maintainer; None for an edit that completes another one.
    message: str | None
    #: What is inserted at ``offset``: a backslash before the character that starts it, or
    #: a plain language before a directive's name or a fence's language
    #: (``{raw} html`` becomes ``text {raw} html``, a code block; ``nosuchlang``,
    #: ``text nosuchlang``, whose first word alone is the language).
    insert: str = ESCAPE
    #: Raw HTML that is a block of its own lines (an ``html`` kind), not a tag in a paragraph.
    block: bool = False


def make_inert(text: str, own_targets: Collection[str] = ()) -> tuple[str, list[tuple[int, str]]]:
    """``text`` with everything MyST would run or render as markup written to show as text.

    MyST parses the text as Sphinx will (:func:`find_live_markup`); each directive, foreign
    role, piece of raw HTML, attribute list, MyST line syntax, and link to another kind of
    address than http, https or mailto (or to a file that is not one of ``own_targets``)
    is escaped where it starts, and the text is checked again, since an escape can change
    how the rest reads (the lines of a former HTML block become a paragraph). A code block
    in a language Sphinx does not know, or whose code does not lex in its language, is
    shown as plain text. Returns the text and a note per edit, as (line, message).
    """
    notes: list[tuple[int, str]] = []
    if not _may_hold_live_markup(text, own_targets):
        return text, notes
    for _ in range(INERT_ROUNDS):
        found = find_live_markup(text, own_targets)
        if not found:
            return text, notes
        edits = {live.offset: live for live in found}
        lines = _Lines(text)
        for live in sorted(edits.values(), key=lambda live: live.offset):
            if live.message:
                notes.append((lines.number_of(live.offset), live.message))
        text = _insert_all(text, {offset: live.insert for offset, live in edits.items()})
    # Never reached by any text known: each round escapes what MyST found live. Shown
    # as one code block, the post is still all there, and none of it can run.
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", text))])
    notes.append(
        (1, "the post could not be shown as text piece by piece; the whole post is shown as code")
    )
    return f"{fence}text\n{text}\n{fence}", notes


def _insert_all(text: str, inserts: dict[int, str]) -> str:
    """``text`` with each insert put at its offset (of ``text`` as it is), in one pass."""
    pieces: list[str] = []
    previous = 0
    for offset in sorted(inserts):
        pieces += (text[previous:offset], inserts[offset])
        previous = offset
    pieces.append(text[previous:])
    return "".join(pieces)


def _may_hold_live_markup(text: str, own_targets: Collection[str]) -> bool:
    """Whether ``text`` needs MyST's parser to tell; False only when it can hold none.

    Most posts have none of the characters live markup needs outside the roles the
    importer wrote, links only to http, https and mailto addresses or to the importer's
    own targets, and no fenced code but plain text, so parsing them (the slowest step of
    an import) is skipped; a fence in a language Sphinx lexes needs the parse to tell its
    code, which is then lexed as Sphinx will.
    """
    rest = WRITTEN_ROLE_RE.sub("", text)
    if LIVE_HINT_RE.search(rest):
        return True
    explained: set[int] = set()
    for match in LINK_RE.finditer(rest):
        links = [match, *LINK_RE.finditer(match.string, match.start("text"), match.end("text"))]
        for link in links:
            target = link["target"].strip("<>").strip()
            own = target in own_targets
            if not (own if link["bang"] else own or SAFE_URL_RE.match(target)):
                return True
            explained.add(link.end("text"))
    if any(m.start() not in explained for m in re.finditer(r"\]\(", rest)):
        return True
    if any(_may_warn_highlighting(m["info"]) for m in FENCE_OPEN_RE.finditer(text)):
        return True
    # A backtick MyST pairs otherwise than the rules did (escaped, in a link's address,
    # a code span over lines or table cells) could pair with the first of a role's and
    # make its target (``<sig-node>``) HTML; backticks pair only within a paragraph.
    for chunk in BLANK_LINE_RE.split(text):
        if "{sig}" not in chunk and "{mentioned}" not in chunk:
            continue
        if "`" in PLAIN_CODE_SPAN_RE.sub("", WRITTEN_ROLE_RE.sub("", chunk)):
            return True
        if any("`" in link["target"] + (link["title"] or "") for link in LINK_RE.finditer(chunk)):
            return True
    return False


def find_live_markup(text: str, own_targets: Collection[str] = ()) -> list[LiveMarkup]:
    """What MyST, configured as conf.py configures it, would act on in ``text``.

    With the code blocks in a language Sphinx does not know (kind ``language``), and those
    whose code does not lex in their language (kind ``code``).
    """
    parser = _myst_parser()
    lines = _Lines(text)
    allowed = {parser.normalizeLink(target) for target in own_targets}
    found: list[LiveMarkup] = []
    for token in parser.parse(text):
        if token.type == "inline":
            found += _live_inline(token, lines, allowed)
        elif token.map is not None:
            found += _live_block(token, lines)
    return found


#: Block tokens of MyST's line syntax, and the text that starts each on its line.
MYST_LINE_TOKENS = {
    "myst_line_comment": ("%", "MyST comment"),
    "myst_block_break": ("+++", "MyST block break"),
    "myst_target": ("(", "MyST target"),
}


def _live_block(token: Token, lines: _Lines) -> list[LiveMarkup]:
    line_no = token.map[0]  # type: ignore[index]
    line = lines.line(line_no)
    start = lines.start(line_no)
    shown = _shorten(line.strip())
    if token.type == "html_block":
        message = f"HTML block {shown!r} shown as text (the archive renders no raw HTML)"
        return [LiveMarkup(start + line.index("<"), "html", shown, message, block=True)]
    if token.type == "fence":
        if token.info.strip().startswith("{"):
            name = token.info.split()[0]
            kind = "directive"
            message = f"MyST directive {name} shown as a code block (posts cannot run directives)"
        elif name := _unknown_language(token.info):
            # Sphinx warns of a language it has no lexer for (a -W build fails); the name
            # stays in the page, after the plain language, which is all Sphinx reads.
            kind = "language"
            message = f"code block language {name!r} is not known; shown as plain text"
        elif failure := _lexing_failure(token.info, token.content):
            # Sphinx warns of code that does not lex in its language (a -W build fails), then
            # shows it unhighlighted: as plain text, it is shown the same, without a warning.
            kind, message = "code", failure
        else:
            return []
        # The plain language goes first in the fence's info string: Sphinx reads only it.
        offset = start + line.index(token.markup) + len(token.markup)
        return [LiveMarkup(offset, kind, shown, message, insert=f"{PLAIN_LANGUAGE} ")]
    if token.type == "colon_fence":
        message = f"MyST fence {shown!r} shown as text (posts cannot run directives)"
        found = [LiveMarkup(start + line.index(token.markup), "directive", shown, message)]
        # Its closing line would open a fence of its own once the first is text.
        last = token.map[1] - 1  # type: ignore[index]
        closing = lines.line(last)
        colons = closing.lstrip(" \t>").rstrip()
        if last > line_no and len(colons) >= len(token.markup) and set(colons) == {":"}:
            offset = lines.start(last) + closing.index(":")
            found.append(LiveMarkup(offset, "directive", colons, None))
        return found
    if token.type in MYST_LINE_TOKENS:
        mark, what = MYST_LINE_TOKENS[token.type]
        message = f"{what} {shown!r} shown as text"
        return [LiveMarkup(start + line.index(mark), "line-syntax", shown, message)]
    return []


def _live_inline(token: Token, lines: _Lines, allowed: set[str]) -> list[LiveMarkup]:
    """Live markup among an inline token's children (an image's description is plain text)."""
    content = token.content
    found: list[LiveMarkup] = []
    place = _Placement(token, lines)

    def live(at: int, char: str, kind: str, source: str, message: str) -> None:
        source = _shorten(source)
        found.extend(
            LiveMarkup(offset, kind, source, message) for offset in place.offsets(at, char)
        )

    for child in token.children or []:
        at = child.meta.get("lwkd_at")
        if "lwkd_attrs" in child.meta:
            start, end = child.meta["lwkd_attrs"]
            attributes = content[start:end]
            live(
                start,
                "{",
                "attributes",
                attributes,
                f"attribute list {_shorten(attributes)!r} shown as text "
                "(posts cannot set HTML attributes)",
            )
        if at is None:
            continue
        written = content[at : child.meta["lwkd_end"]]
        if child.type == "html_inline":
            live(
                at,
                "<",
                "html",
                written,
                f"inline HTML {_shorten(written)!r} shown as text (the archive renders no raw HTML)",
            )
        elif child.type == "myst_role" and child.meta.get("name") not in ARCHIVE_ROLES:
            live(
                at,
                "{",
                "role",
                written,
                f"MyST role {{{child.meta.get('name')}}} shown as text (posts cannot run roles "
                "or directives; the archive's roles are {kep}, {sig} and {pr})",
            )
        elif child.type == "span_open":
            live(
                at,
                "[",
                "attributes",
                written,
                f"MyST span {_shorten(written)!r} shown as text (posts cannot set HTML attributes)",
            )
        elif child.type == "link_open" and not _allowed_target(child.attrs["href"], allowed):
            href = str(child.attrs["href"])
            char = "<" if child.markup == "autolink" else "["
            live(at, char, "link", written, f"link to {href!r} shown as text ({_why_not(href)})")
        elif child.type == "image" and str(child.attrs["src"]) not in allowed:
            src = str(child.attrs["src"])
            live(
                at + 1,
                "[",
                "image",
                written,
                f"image {src!r} shown as text (an image is shown only when the importer "
                "copied it beside the pages)",
            )
    return found


def _unknown_language(info: str) -> str | None:
    """The language a fence's info string names, when Sphinx has no lexer for it; else None.

    MyST takes the first word of the info string, as written, as the block's language
    (a directive's ``{name}`` is another matter); Sphinx highlights it with the lexer
    of that name, and warns when Pygments has none.
    """
    words = info.split(maxsplit=1)
    if not words or words[0].startswith("{") or _known_language(words[0]):
        return None
    return words[0]


@cache
def _known_language(name: str) -> bool:
    from pygments.lexers import find_lexer_class_by_name
    from pygments.util import ClassNotFound

    if name in SPHINX_LANGUAGES:
        return True
    try:
        find_lexer_class_by_name(name)
    except ClassNotFound:
        return False
    return True


def _may_warn_highlighting(info: str) -> bool:
    """Whether Sphinx could warn highlighting a fence with this info string, whatever its code.

    It cannot for a fence that names no language (:data:`DEFAULT_LANGUAGE`), a directive
    (another matter), or a language whose lexer is Pygments' plain text, which makes no
    error token; any other language is known only once the code is lexed.
    """
    words = info.split(maxsplit=1)
    return bool(words) and not words[0].startswith("{") and not _plain_language(words[0])


@cache
def _plain_language(name: str) -> bool:
    from pygments.lexers import TextLexer, find_lexer_class_by_name
    from pygments.util import ClassNotFound

    if name in {DEFAULT_LANGUAGE, "none"}:
        return True
    if name in SPHINX_LANGUAGES:
        return False
    try:
        return find_lexer_class_by_name(name) is TextLexer
    except ClassNotFound:
        return False


def _lexing_failure(info: str, code: str) -> str | None:
    """The note for a fence whose code Sphinx would warn of highlighting; else None.

    Sphinx lexes a block's code with the lexer ``PygmentsBridge.get_lexer`` gives for its
    language (its own, with ``stripnl=False``, for ``none``, ``python``, ``pycon``, ``rest``
    and ``c``; for ``py``, ``python`` and ``default``, a Python session when the code
    starts with ``>>>``), with Pygments' ``raiseonerror`` filter; at the first ``Error`` token it warns and shows the block
    unhighlighted (``highlight_block``), except in :data:`DEFAULT_LANGUAGE`. The same
    bridge lexes the same code here: MyST's, with the doctest flags of a Python session
    trimmed first, as ``TrimDoctestFlagsTransform`` does (conf.py sets no
    ``highlight_options`` and keeps ``trim_doctest_flags``).
    """
    if not _may_warn_highlighting(info) or _unknown_language(info):
        return None
    return _lexing_note(info.split(maxsplit=1)[0], code)


@lru_cache(maxsize=256)
def _lexing_note(name: str, code: str) -> str | None:
    from pygments.filters import ErrorToken

    if name in PYTHON_SESSION_LANGUAGES:
        code = _trim_doctest_flags(name, code)
    lexer = _highlighter().get_lexer(code, name, {}, force=False)
    lexed: list[str] = []
    try:
        for _, value in lexer.get_tokens(code):
            lexed.append(value)
    except ErrorToken as error:
        # Lines the lexer strips before lexing (``stripnl``, ``stripall``) are still lines
        # of the block.
        kept = code.lstrip() if lexer.stripall else code.lstrip("\n") if lexer.stripnl else code
        line = code[: len(code) - len(kept)].count("\n") + "".join(lexed).count("\n") + 1
        return (
            f"code block in {name!r} does not parse as {lexer.name} "
            f"(at {_shorten(str(error))!r}, line {line} of its code); shown as plain text"
        )
    return None


def _trim_doctest_flags(name: str, code: str) -> str:
    """``code`` as Sphinx highlights it, once ``TrimDoctestFlagsTransform`` has run."""
    from docutils import nodes
    from sphinx.ext.doctest import blankline_re, doctestopt_re
    from sphinx.transforms.post_transforms.code import TrimDoctestFlagsTransform

    if not TrimDoctestFlagsTransform.is_pyconsole(nodes.literal_block(code, code, language=name)):
        return code
    return doctestopt_re.sub("", blankline_re.sub("", code))


@cache
def _highlighter() -> PygmentsBridge:
    """Sphinx's bridge to Pygments, as the HTML builder makes it (imported only when needed)."""
    from sphinx.highlighting import PygmentsBridge

    return PygmentsBridge("html")


def _allowed_target(href: str | float | int, allowed: set[str]) -> bool:
    href = str(href)
    scheme = SCHEME_RE.match(href)
    if scheme:
        return scheme[0][:-1].lower() in LINK_SCHEMES
    return href.startswith("#") or href in allowed


def _why_not(href: str) -> str:
    if SCHEME_RE.match(href):
        return "the archive links only to http, https and mailto addresses"
    return "MyST would read it as a file of the build; posts link to addresses"


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Lines:
    """A text's lines, by 0-based number, and where each starts in it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        #: Per line, where the last content placed on it ended (a table row's cells).
        self.cursors: dict[int, int] = {}

    def start(self, number: int) -> int:
        return self.starts[number]

    def number_of(self, offset: int) -> int:
        """The 1-based number of the line ``offset`` is on (the newlines before it, plus one)."""
        return bisect.bisect_right(self.starts, offset)

    def line(self, number: int) -> str:
        end = self.starts[number + 1] - 1 if number + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[number] : end]

    def escaped(self, offset: int) -> bool:
        """Whether the character at ``offset`` follows an odd run of backslashes."""
        run = 0
        while offset - run > 0 and self.text[offset - run - 1] == ESCAPE:
            run += 1
        return run % 2 == 1

    def place(self, number: int, piece: str) -> int | None:
        """The offset in the text of ``piece``, a line of an inline token, on line ``number``.

        ``piece`` ends its line (a paragraph's lines) or comes after what was placed on
        the line before (a table's cells, a heading's text); its leading blanks may be a
        tab the parser expanded, so the rest is placed and the blanks counted back.
        """
        core = piece.strip()
        if number >= len(self.starts) or not core:
            return None
        line = self.line(number)
        cursor = self.cursors.get(number, 0)
        stripped = line.rstrip()
        if stripped.endswith(core) and len(stripped) - len(core) >= cursor:
            column = len(stripped) - len(core)
        else:
            column = line.find(core, cursor)
            if column < 0:
                return None
        self.cursors[number] = column + len(core)
        return self.starts[number] + column - (len(piece) - len(piece.lstrip()))


class _Placement:
    """Where the characters of an inline token's content are in the text.

    An inline token's content is its lines without what contains them (``> ``, list
    markers, indentation, a heading's ``#``), so each of its lines is in its own line of
    the text.
    """

    def __init__(self, token: Token, lines: _Lines) -> None:
        self.lines = lines
        self.first, self.end = token.map or (0, 0)
        #: Where each content line begins in the content, and in the text (None: not found).
        self.content_starts: list[int] = []
        self.text_starts: list[int | None] = []
        #: Per character, its unescaped offsets on the token's lines (found once each).
        self.anywhere: dict[str, list[int]] = {}
        offset = 0
        for i, piece in enumerate(token.content.split("\n")):
            self.content_starts.append(offset)
            self.text_starts.append(lines.place(self.first + i, piece))
            offset += len(piece) + 1

    def offsets(self, at: int, char: str) -> list[int]:
        """The offset in the text of content position ``at``, which holds ``char``.

        When it cannot be placed, every unescaped ``char`` on the token's lines: more
        escapes than needed, never fewer.
        """
        text = self.lines.text
        i = bisect.bisect_right(self.content_starts, at) - 1
        base = self.text_starts[i] if 0 <= i < len(self.text_starts) else None
        if base is not None:
            offset = base + at - self.content_starts[i]
            if 0 <= offset < len(text) and text[offset] == char and not self.lines.escaped(offset):
                return [offset]
        if char not in self.anywhere:
            start = self.lines.start(self.first)
            end = self.lines.start(self.end) if self.end < len(self.lines.starts) else len(text)
            self.anywhere[char] = [
                match.start()
                for match in re.compile(re.escape(char)).finditer(text, start, end)
                if not self.lines.escaped(match.start())
            ]
        return list(self.anywhere[char])


#: Inline rules whose tokens are checked, and the token each starts with; the check
#: needs where each starts in its token's content, which markdown-it does not keep.
TRACKED_INLINE_RULES = {
    "html_inline": "html_inline",
    "autolink": "link_open",
    "link": "link_open",
    "image": "image",
    "myst_role": "myst_role",
    "span": "span_open",
}


@cache
def _myst_parser() -> MarkdownIt:
    """MyST's own parser, as conf.py configures it, noting where tracked tokens start.

    Front matter is off: a body never starts a page, so its ``---`` is a rule or heading.
    """
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)
    parser.disable("front_matter")
    rules = {rule.name: rule.fn for rule in parser.inline.ruler.__rules__}
    rules["myst_role"] = _at_brace(rules["myst_role"])
    for name, first in TRACKED_INLINE_RULES.items():
        parser.inline.ruler.at(name, _noting_start(rules[name], first))
    parser.inline.ruler.at("attr", _noting_attributes(rules["attr"]))
    return parser


def _at_brace(rule: Callable[[StateInline, bool], bool]):
    """MyST's role rule, tried only where a role can start: at a ``{``.

    The rule copies the rest of the text before it looks at the first character, so
    tried at every position of a long paragraph it would copy the paragraph once per
    character.
    """

    def at_brace(state: StateInline, silent: bool) -> bool:
        return state.src.startswith("{", state.pos) and rule(state, silent)

    return at_brace


def _noting_start(rule: Callable[[StateInline, bool], bool], first: str):
    def noted(state: StateInline, silent: bool) -> bool:
        start, count = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        token = next((t for t in state.tokens[count:] if t.type == first), None)
        if token is not None:
            token.meta["lwkd_at"] = start
            token.meta["lwkd_end"] = state.pos
        return True

    return noted


def _noting_attributes(rule: Callable[[StateInline, bool], bool]):
    """The ``{...}`` after a link, image, code or span: noted on the token it follows."""

    def noted(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not rule(state, silent):
            return False
        if not silent:
            state.tokens[-1].meta["lwkd_attrs"] = (start, state.pos)
        return True

    return noted
