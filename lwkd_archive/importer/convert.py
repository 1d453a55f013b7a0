"""Kramdown bodies of LWKD posts to MyST: links between issues, images, and the format's defects."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

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
#: An inline HTML tag (not an autolink such as ``<https://...>``).
HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s+[^<>\n]*)?/?>")
AUTOLINK_RE = re.compile(r"^<(?:https?|mailto|ftp):", re.I)
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


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


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
    if SCHEME_RE.match(target):
        return "url"
    return "not-url"


def convert_body(body: str, context: Context) -> Conversion:
    """Convert one post body; every link and image is kept or reported."""
    result = Conversion(text="")
    masker = SetAside()
    text = FENCE_RE.sub(masker.hide, body)
    text = CODE_SPAN_RE.sub(masker.hide, text)

    def note(offset: int, message: str) -> None:
        result.notes.append((_line_of(text, offset), message))

    for match in IAL_RE.finditer(text):
        note(
            match.start(), f"kramdown attribute list {match[0]!r} removed (MyST has no equivalent)"
        )
    text = IAL_RE.sub("", text)

    def rewrite_link(match: re.Match[str]) -> str:
        bang, label, title = match["bang"], match["text"], match["title"] or ""
        target = match["target"].strip("<>").strip()
        kind = _classify_target(target)
        if bang:
            return _rewrite_image(match, label, target, kind, title)
        if "](" in label:
            # An image inside a link: `[![alt](src)](href)`.
            label = LINK_RE.sub(lambda inner: _image_in_link(match, inner), label)
        if kind == "empty":
            result.unlinked += 1
            note(match.start(), f"link [{label}]() has no target; its text is kept without a link")
            return label
        if kind == "not-url":
            result.unlinked += 1
            note(
                match.start(),
                f"link target {target!r} is not a URL; its text is kept without a link",
            )
            return label
        if kind == "lwkd":
            target = _rewrite_lwkd_link(match, target)
        elif typo := PULL_TYPO_RE.match(target):
            note(
                match.start(),
                f"pull-request link {target!r} has {typo['junk']!r} after its number; written as {typo['url']}",
            )
            target = typo["url"]
        elif kind == "anchor":
            pass
        return f"[{label}]({_safe_target(target)}{title})"

    def _rewrite_lwkd_link(match: re.Match[str], target: str) -> str:
        path = LWKD_HOST_RE.sub("", target) or "/"
        old = OLD_ISSUE_RE.match(path)
        if old is None:
            return UPSTREAM + path
        key = f"/{old['year']}/{old['stamp']}"
        page = context.issue_path(key)
        if page is None:
            note(
                match.start(),
                f"link to {target!r}: no issue has that address; kept as a link to lwkd.info",
            )
            return UPSTREAM + path
        anchor = old["anchor"]
        if anchor and anchor not in context.issue_anchors.get(key, set()):
            note(
                match.start(),
                f"link to {target!r}: that issue has no section #{anchor}; linked to the issue",
            )
            anchor = None
        return page + (f"#{anchor}" if anchor else "")

    def _image_in_link(outer: re.Match[str], inner: re.Match[str]) -> str:
        if not inner["bang"]:
            return inner[0]
        src = inner["target"].strip("<>").strip()
        if _classify_target(src) == "url":
            # The link around it already leads there; the image is not loaded from another host.
            result.images.append((_line_of(text, outer.start()), src))
            note(
                outer.start(),
                f"image {src!r} is on another host; shown as its description, not loaded",
            )
            return f"Image: {inner['text'] or 'external image'}"
        return _rewrite_image(
            outer, inner["text"], src, _classify_target(src), inner["title"] or ""
        )

    def _rewrite_image(match: re.Match[str], alt: str, src: str, kind: str, title: str) -> str:
        line = _line_of(text, match.start())
        result.images.append((line, src))
        if kind == "url":
            # An image from another host would make every reader's browser ask that host.
            url = src
            note(
                match.start(),
                f"image {src!r} is on another host; written as a link to it, not loaded",
            )
            return f"[Image: {alt or 'external image'}]({_safe_target(url)})"
        if kind in {"empty", "not-url", "anchor"}:
            result.unlinked += 1
            note(
                match.start(),
                f"image {src!r} has no usable source; its description is kept as text",
            )
            return alt
        local = context.image_path(LWKD_HOST_RE.sub("", src))
        if not local:
            note(
                match.start(),
                f"image {src!r} is not in the LWKD repository; written as a link to lwkd.info",
            )
            return f"[Image: {alt or src}]({UPSTREAM}{LWKD_HOST_RE.sub('', src)})"
        return f"![{alt}]({_safe_target(local)}{title})"

    for match in LIQUID_SITE_RE.finditer(text):
        note(match.start(), f"Jekyll variable {match[0]!r} read as the site's address")
    text = LIQUID_SITE_RE.sub("", text)
    for match in HEADER_ID_RE.finditer(text):
        note(match.start(), "kramdown header id removed; the heading keeps the anchor of its text")
    text = HEADER_ID_RE.sub(lambda m: m["heading"], text)
    text = _html_to_markdown(text, note)
    text = LINK_RE.sub(rewrite_link, text)

    for match in HTML_TAG_RE.finditer(text):
        if not AUTOLINK_RE.match(match[0]):
            note(
                match.start(),
                f"inline HTML {match[0]!r} shown as text (the archive renders no raw HTML)",
            )
    text = HTML_TAG_RE.sub(lambda m: m[0] if AUTOLINK_RE.match(m[0]) else "\\" + m[0], text)

    text = _even_headings(text, note)
    text = MYST_LINE_RE.sub(lambda m: m["indent"] + "\\" + m["mark"], text)

    text, role_notes = context.add_roles(text)
    result.notes.extend(role_notes)
    result.text = masker.restore(text)
    result.notes.sort()
    return result


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
