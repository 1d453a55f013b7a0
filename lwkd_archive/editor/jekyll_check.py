"""``check`` on LWKD's own Jekyll posts (``_posts/YYYY-MM-DD-update.md`` of kubernetes-sigs/lwkd).

A post is published by Jekyll (kramdown, GFM input) to lwkd.info and pasted into the mailing
list, which reads it as CommonMark. So it is checked for what those two show, not for the
archive's roles: the front matter Jekyll reads (its date, the title, the template's
placeholders), the links, the KEP numbers, the headings under the layout's title, the
template's sections left empty, and the Markdown kramdown and CommonMark read differently.
Every suggestion is written in the post's own Markdown (a link to ``https://kep.k8s.io/N``).

The dates and titles are read by the importer's own rules (``importer/jekyll.py``), so the
check and the archive never disagree on what a post says.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from pathlib import Path

from lwkd_archive.editor.check import (
    CODE_SPAN_RE,
    FENCE_RE,
    HEADING_RE,
    LINK_RE,
    PULL_URL_RE,
    SCHEME_RE,
    Finding,
    IssueChecker,
)
from lwkd_archive.facts.dates import MONTH_NUMBERS
from lwkd_archive.facts.groups import GroupTable
from lwkd_archive.facts.issues import SUNDAY
from lwkd_archive.facts.keps import KepFacts
from lwkd_archive.importer.convert import SetAside, find_live_markup
from lwkd_archive.importer.findings import PostError
from lwkd_archive.importer.jekyll import (
    MONTHS,
    POST_NAME_RE,
    TITLE_DATE_RE,
    WEEK_ENDING_RE,
    SourcePost,
    canonical_title,
    jekyll_date,
    read_post,
    title_date,
    week_ending_of,
)
from lwkd_archive.importer.kep_names import KEP_NUMBER_RE
from lwkd_archive.importer.references import NEW_NUMBERING_YEAR, add_roles

#: A post published this long before the check is on lwkd.info and in readers' mail
#: already: its defects are reported as warnings (fix them upstream if they matter), so
#: checking the whole of ``_posts/`` passes while a new post's defects still fail.
PUBLISHED_FOR = dt.timedelta(days=14)
#: What ``template.md`` holds until ``new_edition.sh`` fills it in.
PLACEHOLDERS = ("POST_DATE", "POST_SLUG_DATE", "Month DD", "YYYY")
#: Schemes a link of a post may use; the others are not addresses a reader can open.
UNSAFE_SCHEME_RE = re.compile(r"^(?:javascript|data|file|vbscript):", re.I)
#: HTML elements a writer means as HTML; another ``<name>`` is text the browser hides.
_ELEMENT_NAMES = (
    "a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div "
    "dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr i iframe img ins kbd li mark ol p "
    "picture pre q s samp small source span strike strong sub summary sup table tbody td "
    "tfoot th thead time tr tt u ul var video wbr center font"
)
HTML_ELEMENTS = frozenset(_ELEMENT_NAMES.split())
HTML_TAG_RE = re.compile(r"^</?(?P<name>[A-Za-z][\w-]*)")
#: ``##Foo``: two marks or more and no space; kramdown (GFM) and CommonMark show it as text.
NO_SPACE_HEADING_RE = re.compile(r"^ {0,3}(?P<marks>#{2,6})(?=[^\s#])(?P<text>.*)$", re.M)
#: kramdown's attribute lists and extensions (``{: .note}``, ``{::comment}``).
KRAMDOWN_IAL_RE = re.compile(r"\{::?[^}\n]*\}")
#: Liquid, which Jekyll runs before Markdown, even inside code.
LIQUID_RE = re.compile(r"\{\{|\{%")
#: ``$$``: kramdown reads what follows as math.
MATH_RE = re.compile(r"\$\$")
#: A numbered line; kramdown (GFM) starts a list at any number, CommonMark after text only at 1.
ORDERED_RE = re.compile(r"^ {0,3}(?P<n>\d{1,9})[.)][ \t]+\S")
#: kramdown's definition (``: text`` under a line of text) and table row (``| a | b |``).
DEFINITION_RE = re.compile(r"^ {0,3}:[ \t]+\S")
TABLE_ROW_RE = re.compile(r"^ {0,3}\|")
TABLE_DELIMITER_RE = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
BLOCK_START_RE = re.compile(r"^ {0,3}(?:[*+-][ \t]|\d{1,9}[.)][ \t]|#|>|\||```|~~~|<)")
#: A list item with nothing in it (``*`` as ``template.md`` leaves it).
EMPTY_ITEM_RE = re.compile(r"^ {0,3}[*+-][ \t]*$", re.M)
#: ``**Next Deadline:**`` of the template with no deadline after it.
EMPTY_DEADLINE_RE = re.compile(r"^\*\*Next Deadline:?\s*\*\*:?[ \t]*$", re.M | re.I)
#: A site-relative address of an issue: ``/2022/20220209``.
ISSUE_ADDRESS_RE = re.compile(r"^/\d{4}/\d{8}/?(?:#.*)?$")


def current_time() -> dt.datetime:
    """Now, in UTC: what "published" and "in the future" are measured from."""
    return dt.datetime.now(dt.UTC)


def is_jekyll_post(path: Path, front: dict[str, object] | None) -> bool:
    """Whether a file is an LWKD Jekyll post rather than an archive MyST issue.

    An archive issue says ``blogpost: true`` and has a ``week_ending``; a post has
    Jekyll's ``layout``, or is named as Jekyll names posts (``YYYY-MM-DD-slug.md``)."""
    if front and ("blogpost" in front or "week_ending" in front):
        return False
    return bool(front and "layout" in front) or POST_NAME_RE.match(path.name) is not None


class JekyllPostChecker(IssueChecker):
    """Checks one LWKD Jekyll post; findings carry the line in the file."""

    def __init__(
        self,
        path: Path,
        text: str,
        groups: GroupTable,
        keps: dict[int, KepFacts] | None,
        now: dt.datetime | None = None,
        changed: bool = False,
    ):
        super().__init__(path, text, groups, keps)
        self.now = now or current_time()
        #: The post is being changed (a commit or a pull request): its errors stay errors,
        #: however long ago it was published.
        self.changed = changed
        self.post: SourcePost | None = None
        self._newlines: list[int] = []
        self._newlines_of: str | None = None

    def line_of(self, text: str, offset: int) -> int:
        """The file's line of ``offset`` in ``text`` (a body, masked or converted), found
        by bisection, so a post with many findings costs no more than in proportion."""
        if self._newlines_of is not text:  # the text is kept, so its identity stays its own
            self._newlines = [i for i, char in enumerate(text) if char == "\n"]
            self._newlines_of = text
        return self.body_offset + bisect.bisect_left(self._newlines, offset) + 1

    def run(self) -> list[Finding]:
        try:
            self.post = read_post(self.path, f"_posts/{self.path.name}")
        except PostError as exc:
            self.add(max(exc.finding.line, 1), "LWKD101", exc.finding.message)
            return sorted(self.findings)
        self.body_offset = self.post.body_line - 1
        week, published = self.check_front_matter()
        body = self.post.body
        self.masker = masker = SetAside()
        without_fences = FENCE_RE.sub(masker.hide, body)
        masked = CODE_SPAN_RE.sub(masker.hide, without_fences)
        self.check_post_headings(masked)
        self.check_post_links(masked)
        self.check_sections(masked)
        self.check_hidden_tags(body)
        self.check_renderers(body, masked)
        self.check_post_keps(body, week)
        if not self.changed and published is not None and published < self.now - PUBLISHED_FOR:
            self.findings = [_as_published(f, published) for f in self.findings]
        return sorted(self.findings)

    # -- front matter -------------------------------------------------------------------

    def check_front_matter(self) -> tuple[dt.date, dt.datetime | None]:
        """The week and the publication time the post has, each problem reported."""
        post = self.post
        front = post.front
        line = post.key_line
        for key in ("layout", "title"):
            if key not in front or front[key] in (None, ""):
                self.add(
                    line(key) if key in front else 1,
                    "LWKD101",
                    f"front matter has no {key}: add '{key}: "
                    + ("post" if key == "layout" else "Week Ending Month D, YYYY")
                    + "' as template.md has it",
                )
        left = [
            key
            for key in ("title", "date", "slug")
            if any(mark in str(front.get(key, "")) for mark in PLACEHOLDERS)
        ]
        for key in left:
            self.add(
                line(key),
                "LWKD104",
                f"{key} {str(front[key])!r} still holds template.md's placeholder: "
                "run new_edition.sh, or write the week's values",
            )
        title = front.get("title")
        title = title.strip() if isinstance(title, str) else ""
        if "title" in front and not isinstance(front["title"], str | type(None)):
            self.add(line("title"), "LWKD101", "title is not text: quote it")
        week = week_ending_of(post, title)
        if post.file_date.weekday() != SUNDAY and week == post.file_date:
            self.add(
                1,
                "LWKD103",
                f"the file name's date {post.file_date} is a {post.file_date:%A}: name the "
                "post by the Sunday that ends its week (YYYY-MM-DD-update.md)",
            )
        if "title" not in left:
            self.check_title(title, week)
        published = None
        if "date" not in left and front.get("date") is not None:
            published = self.check_date(front["date"], week)
        elif front.get("date") is None:  # Jekyll dates it by the file name
            published = dt.datetime.combine(post.file_date, dt.time(), dt.UTC)
        if str(front.get("published", "true")).strip().lower() == "false":
            self.add(
                line("published"),
                "LWKD108",
                "published: false: Jekyll does not publish this post; remove the line to publish it",
            )
        return week, published

    def check_title(self, title: str, week: dt.date) -> None:
        """A week's title names the Sunday of the post's week, its month spelled right."""
        if not title or not WEEK_ENDING_RE.search(title):
            return  # a special issue has a title of its own
        expected = canonical_title(week, title)
        named = title_date(title)
        line = self.post.key_line("title")
        if named != week:
            said = f"names {named}" if named else "names no date"
            self.add(
                line,
                "LWKD102",
                f"title {title!r} {said}, not the week the post covers ({week}): "
                f"write 'title: {expected}'",
            )
            return
        month = TITLE_DATE_RE.search(title)["month"].lower()
        if month in MONTHS and month not in MONTH_NUMBERS:
            self.add(
                line,
                "LWKD102",
                f"title {title!r} misspells the month: write 'title: {expected}'",
            )

    def check_date(self, value: object, week: dt.date) -> dt.datetime | None:
        """Jekyll's reading of ``date``, each way it differs from what was written reported."""
        line = self.post.key_line("date")
        published, note = jekyll_date(value)
        example = f"{week:%Y-%m-%d} 22:00:00 -0000"  # as new_edition.sh writes it
        if published is None:
            self.add(
                line,
                "LWKD105",
                f"{note}: Jekyll fails the site's build on it; write 'date: {example}'",
            )
            return None
        if note:
            self.add(
                line,
                "LWKD105",
                f"{note}; write the date and time meant, such as "
                f"'date: {published:%Y-%m-%d %H:%M:%S} -0000'",
            )
        if published.date() < week:
            self.add(
                line,
                "LWKD107",
                f"dated {published:%Y-%m-%d}, before the week it covers ends ({week}): "
                f"lwkd.info serves it at that date; date it on or after {week}",
            )
        if published > self.now:
            self.add(
                line,
                "LWKD106",
                f"dated {published:%Y-%m-%d %H:%M} UTC, in the future: Jekyll does not publish "
                "it before then; set the time when publishing (publishing.md, step 3)",
            )
        return published

    # -- body ---------------------------------------------------------------------------

    def check_post_headings(self, masked: str) -> None:
        """Sections start at ``##`` (the layout prints the title as the level-1 heading)
        and go down one level at a time."""
        previous = 1
        for match in HEADING_RE.finditer(masked):
            level, line = len(match["marks"]), self.line_of(masked, match.start())
            text = _shorten(self.masker.restore(match["text"]))
            if level == 1:
                self.add(
                    line,
                    "LWKD401",
                    "a level-1 heading in a post: the layout shows the title as the level-1 "
                    "heading; start sections at '## '",
                )
            elif level > previous + 1:
                self.add(
                    line,
                    "LWKD401",
                    f"heading level {level} after level {previous}: write "
                    f"'{'#' * (previous + 1)} {text}'",
                )
            previous = level
        for match in NO_SPACE_HEADING_RE.finditer(masked):
            self.add(
                self.line_of(masked, match.start()),
                "LWKD411",
                f"'{match['marks']}{match['text'][:30]}' is shown as text, not a heading: "
                f"write '{match['marks']} {match['text'][:30]}'",
            )

    def check_post_links(self, masked: str) -> None:
        for match in LINK_RE.finditer(masked):
            target = match["target"].strip("<>").strip()
            line = self.line_of(masked, match.start())
            text = _shorten(self.masker.restore(match["text"]))
            if not target:
                self.add(
                    line,
                    "LWKD201",
                    f"link [{text}]() has no target (it leads back to the page): "
                    f"write [{text}](https://...) or remove the brackets",
                )
            elif (pull := PULL_URL_RE.match(target)) and not pull["n"].isdigit():
                number = re.match(r"\d+", pull["n"])
                fixed = target[: pull.start("n")] + (number[0] if number else "NUMBER")
                self.add(
                    line,
                    "LWKD203",
                    f"pull-request link {target} has junk after the number: write [{text}]({fixed})",
                )
            elif UNSAFE_SCHEME_RE.match(target):
                self.add(line, "LWKD202", f"link target {target!r} is not a web address")
            elif target.startswith("/"):
                self.check_site_path(line, target)
            elif not SCHEME_RE.match(target) and not target.startswith("#"):
                address = target.strip("()<>")
                looks_like_host = "." in address.split("/")[0] or SCHEME_RE.match(address)
                fixed = address if SCHEME_RE.match(address) else f"https://{address}"
                self.add(
                    line,
                    "LWKD202",
                    f"link target {target!r} is not a URL: write [{text}]("
                    + (fixed if looks_like_host else "https://...")
                    + ")",
                )

    def check_site_path(self, line: int, target: str) -> None:
        """A site-relative link (``/2018/images/x.png``) leads to a file of the LWKD
        checkout, or to an issue's address; checked only inside a checkout."""
        root = self.path.resolve().parent.parent
        if self.path.parent.name != "_posts" or not (root / "_config.yml").is_file():
            return
        address = target.split("#")[0].split("?")[0].rstrip("/")
        if not address or ISSUE_ADDRESS_RE.match(target) or address == "/feed.xml":
            return
        relative = address.lstrip("/")
        if ".." in relative.split("/"):
            self.add(line, "LWKD202", f"link target {target!r} leaves the site")
            return
        if not any((root / name).is_file() for name in (relative, f"{relative}.md")):
            self.add(
                line,
                "LWKD202",
                f"link target {target!r} is not a file of the LWKD site: check the path",
            )

    def check_sections(self, masked: str) -> None:
        """The template's sections left empty, its empty list items and deadline."""
        lines = masked.split("\n")
        headings = [
            (index, len(m["marks"]), m["text"])
            for index, text in enumerate(lines)
            if (m := HEADING_RE.match(text))
        ]
        # A section ends at the next heading of its level or higher: one pass, with a stack.
        ends = [len(lines)] * len(headings)
        open_sections: list[int] = []
        for position, (index, level, _text) in enumerate(headings):
            while open_sections and headings[open_sections[-1]][1] >= level:
                ends[open_sections.pop()] = index
            open_sections.append(position)
        for position, (index, _level, text) in enumerate(headings):
            # Empty when its first line that is not blank (a subsection's heading counts) is
            # past its end; each blank line is looked at for one heading only.
            following = index + 1
            while following < len(lines) and not lines[following].strip():
                following += 1
            if following >= ends[position]:
                self.add(
                    self.body_offset + index + 1,
                    "LWKD403",
                    f"section '{text}' is empty: write it, or delete the heading",
                )
        for match in EMPTY_ITEM_RE.finditer(masked):
            self.add(
                self.line_of(masked, match.start()),
                "LWKD403",
                "empty list item (template.md's '*'): write the item, or delete the line",
            )
        for match in EMPTY_DEADLINE_RE.finditer(masked):
            self.add(
                self.line_of(masked, match.start()),
                "LWKD403",
                "'**Next Deadline:**' names no deadline: write "
                "'**Next Deadline: WHAT, DAY MONTH D**', or delete the line",
            )

    def check_hidden_tags(self, body: str) -> None:
        """``<string>`` outside code: both renderers read it as an HTML tag the browser
        does not show. HTML a writer means (``<b>``, ``<img>``) is left to them."""
        seen = set()
        for live in find_live_markup(body):
            if live.kind != "html" or live.block:
                continue
            tag = HTML_TAG_RE.match(live.source)
            if tag is None or tag["name"].lower() in HTML_ELEMENTS:
                continue
            line = self.line_of(body, live.offset)
            if (line, live.source) in seen:
                continue
            seen.add((line, live.source))
            self.add(
                line,
                "LWKD402",
                f"{live.source!r} is read as an HTML tag, which readers do not see: "
                f"write it as code, `{live.source}`, or escape it, \\{live.source}",
            )

    def check_renderers(self, body: str, masked: str) -> None:
        """Markdown that kramdown (lwkd.info) and CommonMark (the mailing list) show differently."""
        for match in _first_per_line(LIQUID_RE, body):
            self.add(
                self.line_of(body, match.start()),
                "LWKD413",
                f"'{match[0]}' starts a Liquid tag, which Jekyll runs even in code (it prints "
                "nothing, or fails the build): wrap the text in {% raw %}...{% endraw %}",
            )
        for match in KRAMDOWN_IAL_RE.finditer(masked):
            self.add(
                self.line_of(masked, match.start()),
                "LWKD412",
                f"{match[0]!r} is kramdown syntax: lwkd.info hides it, the mailing list prints "
                "it as text; delete it",
            )
        for match in _first_per_line(MATH_RE, masked):
            self.add(
                self.line_of(masked, match.start()),
                "LWKD414",
                "'$$' starts math in kramdown (lwkd.info), text in the mailing list: "
                "write it as code, `$$`",
            )
        lines = masked.split("\n")
        self.check_tables_and_definitions(lines)
        for index in range(1, len(lines)):
            match = ORDERED_RE.match(lines[index])
            before = lines[index - 1]
            if match is None or int(match["n"]) == 1 or not before.strip():
                continue
            if BLOCK_START_RE.match(before) or before.startswith((" ", "\t")):
                continue
            self.add(
                self.body_offset + index + 1,
                "LWKD415",
                f"'{match['n']}.' right after a line of text: lwkd.info starts a list here, "
                "the mailing list continues the paragraph; add a blank line before it",
            )

    def check_tables_and_definitions(self, lines: list[str]) -> None:
        """A ``|`` row with no ``|---|`` line in its block is a table on lwkd.info and text
        in the mailing list; so is ``: text`` under a line of text or a list item, which
        kramdown makes a definition list."""
        reported_block = -1
        for index, line in enumerate(lines):
            before = lines[index - 1] if index else ""
            after_text = before.strip() and not before.lstrip().startswith("#")
            if DEFINITION_RE.match(line) and after_text:
                self.add(
                    self.body_offset + index + 1,
                    "LWKD416",
                    "':' under a line of text makes a definition list on lwkd.info, text in "
                    "the mailing list; write it on the line above, or add a blank line",
                )
            # A row under a line of text continues its paragraph, in kramdown too.
            if not TABLE_ROW_RE.match(line) or index <= reported_block or after_text:
                continue
            end = index
            while end < len(lines) and lines[end].strip():
                end += 1
            block = lines[index:end]
            if not any(TABLE_DELIMITER_RE.match(row) for row in block):
                self.add(
                    self.body_offset + index + 1,
                    "LWKD416",
                    "a line starting with '|' makes a table on lwkd.info, text in the mailing "
                    "list; add a '|---|' line under the header, or start the line otherwise",
                )
            reported_block = end

    def check_post_keps(self, body: str, week: dt.date) -> None:
        """KEP numbers as the archive reads them: one that is a pull request's, one not in
        kubernetes/enhancements, one beside another KEP's name (LWKD301, 302, 305)."""
        converted, _notes = add_roles(body, year=week.year, groups=self.groups, keps=self.keps)
        before = len(self.findings)
        self.check_roles(converted, kinds=("kep",))
        proposed = _proposed_keps(body)
        kept = []
        for finding in self.findings[before:]:
            unknown = re.match(r"KEP (\d+) is not in", finding.message)
            if unknown is None:
                kept.append(finding)
            # Before 2020 an enhancements issue was a feature, with no kep.yaml to find; a KEP
            # the post links the pull request of is a proposal, not merged yet.
            elif week.year >= NEW_NUMBERING_YEAR and int(unknown[1]) not in proposed:
                kept.append(
                    Finding(
                        finding.path,
                        finding.line,
                        finding.code,
                        f"{finding.message}, or link the pull request that proposes it",
                    )
                )
        self.findings[before:] = kept
        if self.keps:
            masker = SetAside()
            before = len(self.findings)
            self.check_kep_numbers(FENCE_RE.sub(masker.hide, converted), {"week_ending": week})
            self.findings[before:] = [_with_kep_link(f) for f in self.findings[before:]]


#: An enhancements pull request: ``enhancements/pull/6169`` or ``enhancements#2310``.
PROPOSAL_RE = re.compile(r"enhancements(?:/pull/|#)\d+")


def _proposed_keps(body: str) -> set[int]:
    """KEPs a post names in the text of a link to an enhancements pull request, or on the
    line of one (``enhancements#2310: Introduce KEP 2309``): KEPs proposed, not merged yet."""
    proposed: set[int] = set()
    for match in LINK_RE.finditer(body):
        if PROPOSAL_RE.search(match["target"]):
            proposed |= {int(n["n"]) for n in KEP_NUMBER_RE.finditer(match["text"])}
    for line in body.split("\n"):
        if PROPOSAL_RE.search(line) and "introduce" in line.lower():
            proposed |= {int(n["n"]) for n in KEP_NUMBER_RE.finditer(line)}
    return proposed


def _with_kep_link(finding: Finding) -> Finding:
    """LWKD305 with the link to write when the other KEP is the one meant, in Markdown."""
    meant = re.search(r"beside the name of KEP-(\d+)", finding.message)
    if meant is None:
        return finding
    link = f"[KEP-{meant[1]}](https://kep.k8s.io/{meant[1]})"
    return Finding(
        finding.path,
        finding.line,
        finding.code,
        f"{finding.message}; if KEP-{meant[1]} is meant, link {link}",
    )


def _first_per_line(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """The first match of ``pattern`` on each line of ``text``: one finding a line."""
    first: list[re.Match[str]] = []
    line_end = -1
    for match in pattern.finditer(text):
        if match.start() > line_end:
            first.append(match)
            line_end = text.find("\n", match.start())
            if line_end < 0:
                break
    return first


def _shorten(text: str, limit: int = 50) -> str:
    """``text`` on one line, cut at ``limit`` characters, for a message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_published(finding: Finding, published: dt.datetime) -> Finding:
    """An error of a post lwkd.info has published: a warning, saying why."""
    if finding.severity != "error":
        return finding
    return Finding(
        finding.path,
        finding.line,
        finding.code,
        f"{finding.message} (published {published:%Y-%m-%d}, so a warning)",
        level="warning",
    )
