"""Search with Pagefind: index-only names and filters on pages, the search page, the index itself.

Sphinx's own search drops numbers (``3136``) and splits ``KEP-3136``; Pagefind,
with a few normalised names per KEP and group, finds both, ranks the KEP's or
group's own page first, and loads only the index chunks a query needs.

The names (``KEP-3136 kep3136 3136``, ``sig-node signode``, pull request numbers,
feature gates) are searched but are no text of the page: they are Pagefind
metadata fields (``<meta data-pagefind-meta="names[content]">`` in the head),
which Pagefind searches and ranks by :data:`SEARCH_OPTIONS` but never quotes in
an excerpt.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from docutils import nodes

from lwkd_archive.facts.groups import load_groups
from lwkd_archive.files import write_atomically
from lwkd_archive.outputs.recovery import (
    bookkeeping_dir,
    file_size,
    report_write_error,
    reporting_write_errors,
)
from lwkd_archive.reading.domain import ArchiveDomain
from lwkd_archive.warnings import ArchiveWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

STATIC = Path(__file__).resolve().parents[1] / "static"
#: The primary bundle, which the search page loads: the KEP and group pages.
BUNDLE = "pagefind"
#: The bundles of issues, merged into the primary by the search page (Pagefind's
#: multisite ``mergeIndex``): ``pagefind-issues/<YYYY>`` for the newest year, and
#: ``pagefind-issues/<first>-<last>`` for every year before it. Pagefind has no
#: incremental mode: split so, a new issue re-indexes its year and the topic
#: pages, and the earlier years once a year, when a new year begins. Each
#: bundle costs a first search its own entry, metadata, filters and word
#: chunks (measured on the corpus: 240 KB with a bundle per year, 182 KB so).
ISSUE_BUNDLES = "pagefind-issues"
#: How large Pagefind makes each chunk of its word index, in word locations. A
#: query loads, from each bundle, the chunks that hold its words: at Pagefind's
#: default (20,000, about 27 KB a chunk) that was most of a first search's bytes;
#: at 2,000 a word costs 2-5 KB, and the list of chunks each bundle's metadata
#: holds grows by a few KB. Pagefind 1.5 reads it from this environment variable.
INDEX_CHUNK_SIZE = 2000
INDEX_CHUNK_VARIABLE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"
#: Pagefind's search options for every bundle, the search page's and the tests':
#: how much a match in each metadata field ranks (a body word counts 1). A KEP's,
#: group's or release's own names rank its page first; an issue's KEP and group
#: names count as a word of its text; a pull request it links (``129876``) ranks
#: it before the pages with a word the number begins (``1``), and below a
#: release's own page (``1.33`` before pull request 133001); a date is no match.
SEARCH_OPTIONS: dict[str, Any] = {
    "ranking": {"metaWeights": {"names": 10.0, "mentions": 1.0, "pull_requests": 3.0, "date": 0.0}}
}
#: The topic pages the primary bundle indexes: KEPs, groups and releases
#: (``releases/1.33.html``, never ``releases/index.html``). ``keps/index.html``
#: and ``sigs/index.html`` carry no ``data-pagefind-body``: Pagefind skips them.
TOPIC_PAGES = ("keps/*.html", "sigs/*.html", "releases/*.*.html")
#: Where Pagefind writes a new index of a bundle (``.pagefind-next-<bundle>``);
#: it replaces the bundle once whole. Pagefind adds to a folder and never
#: removes, so writing over the old bundle would keep the entries of pages the
#: site no longer has.
NEXT_BUNDLE = ".pagefind-next"
#: Issue pages by where they are: imported (``archive/<YYYY>/``) and written
#: here by ``make new``, named by date (``issues/<YYYY>-<MM>-<DD>``).
ISSUE_PAGE = re.compile(r"(?:archive/(\d{4})/.+|issues/(\d{4})-[^/]+)")
#: Pagefind runs at most this many bundles at once (each is multi-threaded).
CONCURRENT_RUNS = 4
#: What the last complete index of each bundle was made from (each page's time
#: and size) and what it is (each file of the bundle and its size), in the
#: bookkeeping folder, by bundle. A bundle's entry is removed before Pagefind
#: starts on it and written when it succeeded, so a killed Pagefind leaves none.
INDEX_RECORD = "pagefind.json"


def pagefind_command() -> list[str]:
    """Pagefind's binary itself, which starts faster than through ``python -m pagefind``."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]


def kep_tokens(number: int) -> str:
    """Every way a reader types a KEP, as index-only words: ``KEP-3136 kep3136 3136``."""
    return f"KEP-{number} KEP {number} kep{number} {number}"


def kep_page_tokens(number: int, feature_gates: tuple[str, ...] = ()) -> str:
    """A KEP page's index-only words: its number every way, and the feature gates it adds.

    A reader who searches ``InPlacePodVerticalScaling`` wants the KEP that
    introduced the gate first, before the issues that name it.
    """
    gates = [gate for gate in feature_gates if isinstance(gate, str) and gate.strip()]
    return " ".join([kep_tokens(number), *gates])


def release_tokens(version: str) -> str:
    """Every way a reader types a release: ``1.33 v1.33 Kubernetes v1.33 release``."""
    return f"{version} v{version} Kubernetes v{version} release"


#: A pull request's address, as the ``{pr}`` role and the posts' own links write it.
PULL_REQUEST = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+/pull/(\d+)(?:[/?#].*)?")


def pull_request_tokens(doctree: nodes.Node | None) -> str:
    """``N`` for each pull request the page links, once each, in the order linked.

    A link's text rarely shows its number (``[Add foo](.../pull/123)``): without
    these words, a reader who pastes ``#123`` from GitHub finds nothing. ``#123``
    finds ``123``: Pagefind drops the ``#`` from the words it indexes and from a query.
    """
    numbers: dict[str, None] = {}
    if doctree is not None:
        for reference in doctree.findall(nodes.reference):
            match = PULL_REQUEST.fullmatch(str(reference.get("refuri", "")))
            if match:
                numbers.setdefault(match.group(1))
    return " ".join(numbers)


#: A section and the heading it starts with, as Sphinx writes them: the id on the section.
SECTION_HEADING = re.compile(r'<section id="([^"<>]+)">(\s*)<h([2-6])>')


def heading_anchors(body: str) -> str:
    """The body with each section's id moved onto its own heading (h2 to h6).

    Pagefind makes a sub-result only for a heading that has an ``id``; Sphinx
    puts the id on the ``<section>``. Moved, each id is still on the page once,
    so ``#developer-news`` still lands on the section's start. The page's title
    (h1) keeps its section's id: the text before the first heading is the page.
    """
    return SECTION_HEADING.sub(r'<section>\2<h\3 id="\1">', body)


def search_names(field: str, words: str) -> str:
    """A ``<meta>`` for the page's head that Pagefind searches as the field ``field``.

    In the head, the words are in no excerpt and no reader sees them; Pagefind reads
    ``data-pagefind-meta`` anywhere on a page. The words are escaped: a group's name
    or a gate comes from the facts, which are data.
    """
    text = " ".join(str(words).split())
    if not text:
        return ""
    return (
        f'<meta name="lwkd-search-{field}" content="{html.escape(text)}" '
        f'data-pagefind-meta="{field}[content]">\n'
    )


def group_tokens(slug: str, name: str) -> str:
    """``sig-node sig node signode SIG Node``: the slug, its words, one token, and the name."""
    return f"{slug} {slug.replace('-', ' ')} {slug.replace('-', '')} {name}"


def query_aliases() -> dict[str, str]:
    """Spellings of each group (folded) to the single token :func:`group_tokens` indexes."""
    aliases = {}
    for group in load_groups():
        token = group.slug.replace("-", "")
        kind, _, rest = group.slug.partition("-")
        for spelling in (group.slug, group.name, *group.aliases, f"{rest} {kind}", rest):
            folded = re.sub(r"[^a-z0-9]+", "", spelling.lower())
            # A bare one-word name ("node") is too common a word to mean the group.
            if folded and (spelling != rest or "-" in rest):
                aliases.setdefault(folded, token)
    return aliases


class Bundle(NamedTuple):
    """What one bundle indexes: pages by glob, and issue pages named neither way."""

    globs: tuple[str, ...]
    pages: tuple[str, ...] = ()

    def pagefind_glob(self) -> str:
        escaped = (re.sub(r"([*?\[\]{}!,\\])", r"\\\1", page) for page in self.pages)
        return "{" + ",".join([*self.globs, *escaped]) + "}"


def search_bundles(app: Sphinx) -> dict[str, Bundle]:
    """Each bundle's folder with its pages: the primary, the newest year, the years before.

    Known before Pagefind runs, from the published issues: years with none have
    no bundle (the earlier years' folder is named by its first and last year, or
    by the one year). An issue page named neither way is in the bundle of its year.
    """
    domain: ArchiveDomain = app.env.domains["lwkd"]
    years: dict[str, list[str]] = {}
    for issue in domain.views.issues:
        match = ISSUE_PAGE.fullmatch(issue.docname)
        if match:
            years.setdefault(match.group(1) or match.group(2), [])
        else:
            path = app.builder.get_target_uri(issue.docname)
            years.setdefault(str(issue.year), []).append(path)
    bundles = {BUNDLE: Bundle(TOPIC_PAGES)}
    newest_first = sorted(years, reverse=True)
    for group in (newest_first[:1], newest_first[1:]):
        if not group:
            continue
        name = group[0] if len(group) == 1 else f"{group[-1]}-{group[0]}"
        globs = tuple(
            glob
            for year in group
            for glob in (f"archive/{year}/**/*.html", f"issues/{year}-*.html")
        )
        pages = tuple(sorted(page for year in group for page in years[year]))
        bundles[f"{ISSUE_BUNDLES}/{name}"] = Bundle(globs, pages)
    return bundles


def next_folder(bundle: str) -> str:
    """Where Pagefind writes the new index of ``bundle``, beside the bundles."""
    return f"{NEXT_BUNDLE}-{bundle.replace('/', '-')}"


def indexed_pages(outdir: Path, bundle: Bundle) -> dict[str, list[int]]:
    """Each page of a bundle, with its modification time (ns) and size."""
    pages = {}
    paths = [path for glob in bundle.globs for path in outdir.glob(glob)]
    for path in paths + [outdir / page for page in bundle.pages]:
        try:
            stat = path.stat()
        except OSError:
            continue
        pages[path.relative_to(outdir).as_posix()] = [stat.st_mtime_ns, stat.st_size]
    return pages


def bundle_files(outdir: Path, bundle: str = BUNDLE) -> dict[str, int]:
    """Each file of a search bundle, with its size."""
    folder = outdir / bundle
    return {
        path.relative_to(folder).as_posix(): path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file()
    }


def read_record(record_path: Path) -> dict[str, Any]:
    """The record of each bundle's last complete index; empty when there is none."""
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def index_is_current(
    outdir: Path, entry: object, pages: dict[str, list[int]], bundle: str = BUNDLE
) -> bool:
    """True when the bundle's last index was made, whole, from these very pages and is all there.

    False after a Pagefind that was killed or failed (no record), when a page
    changed, came or went since (a build killed after writing pages and before
    indexing them), when a file of the bundle is missing or cut short, or when
    it was made with chunks of another size.
    """
    try:
        indexed, files = entry["pages"], entry["bundle"]  # type: ignore[index]
    except (TypeError, KeyError):
        return False
    if indexed != pages or not isinstance(files, dict) or "pagefind.js" not in files:
        return False
    if entry.get("chunk_size") != INDEX_CHUNK_SIZE:  # type: ignore[union-attr]
        return False
    return all(file_size(outdir / bundle / name) == size for name, size in files.items())


def replace_bundle(outdir: Path, bundle: str = BUNDLE) -> None:
    """Put the index Pagefind just wrote in place of the old one, in two renames."""
    target = outdir / bundle
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.rename(old)
    (outdir / next_folder(bundle)).rename(target)
    shutil.rmtree(old, ignore_errors=True)


def remove_stale_bundles(outdir: Path, bundles: dict[str, Bundle]) -> None:
    """Delete the year bundles this build does not make (a year whose last issue went)."""
    folder = outdir / ISSUE_BUNDLES
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.is_dir() and f"{ISSUE_BUNDLES}/{path.name}" not in bundles:
            shutil.rmtree(path)
    if not any(folder.iterdir()):
        folder.rmdir()


class SearchIndex:
    """Page context for Pagefind, and running Pagefind after the build."""

    def __init__(self) -> None:
        #: The bundles Pagefind indexes in this build, each with its pages, its
        #: command, and its process once started.
        self.runs: dict[str, dict[str, Any]] = {}

    def builder_inited(self, app: Sphinx) -> None:
        # Pagefind replaces Sphinx's search: no searchindex.js, no stemming of every page.
        if app.builder.format == "html" and hasattr(app.builder, "search"):
            app.builder.search = False

    def page_context(
        self,
        app: Sphinx,
        pagename: str,
        templatename: str,
        context: dict[str, Any],
        doctree: object,
    ) -> None:
        """Each indexed page's names, as metadata fields in its head; an issue's filters.

        A KEP's, group's or release's names (``lwkd_kep_tokens``, ``lwkd_sig_tokens``,
        ``lwkd_release_tokens``) become its ``names`` field, and the page's own
        text no longer carries them (their template's span is left empty); an
        issue's KEP and group names are its ``mentions``, the pull requests it
        links its ``pull_requests``.
        """
        domain: ArchiveDomain = app.env.domains["lwkd"]
        names = ""
        if templatename == "lwkd/kep.html" and isinstance(context.get("kep"), dict):
            number = context["kep"].get("number")
            facts = domain.kep_facts.get(number) if isinstance(number, int) else None
            if facts is not None:
                context["lwkd_kep_tokens"] = kep_page_tokens(number, facts.feature_gates)
        if templatename == "lwkd/release.html" and isinstance(context.get("release"), dict):
            context["lwkd_release_tokens"] = release_tokens(str(context["release"]["version"]))
        for key in ("lwkd_kep_tokens", "lwkd_sig_tokens", "lwkd_release_tokens"):
            if isinstance(context.get(key), str):
                names, context[key] = context[key], ""
        if names:
            context["metatags"] = context.get("metatags", "") + search_names("names", names)
        views = domain.views
        issue = views.by_docname.get(pagename)
        if issue is None:
            return
        if isinstance(context.get("body"), str):
            context["body"] = heading_anchors(context["body"])
        sections = sorted({m.section for m in domain.mentions.get(pagename, ()) if m.section})
        mentions = " ".join(
            [kep_tokens(n) for n in issue.keps]
            + [
                group_tokens(s, g.name if (g := domain.group(s)) else s)
                for s in views.groups_of[pagename]
            ]
        )
        # Found exactly when quoted ("113542"): unquoted, Pagefind also offers pages
        # with a word the number starts with ("11", "1.13").
        pull_requests = pull_request_tokens(doctree)
        context["metatags"] = (
            context.get("metatags", "")
            + search_names("mentions", mentions)
            + search_names("pull_requests", pull_requests)
        )
        context["lwkd_search"] = {
            "year": str(issue.year),
            # Sorts a search newest first (``sort: {date: "desc"}``): the week the issue covers.
            "date": issue.week_ending.isoformat(),
            "keps": list(issue.keps),
            "sigs": list(views.groups_of[pagename]),
            "sections": sections,
        }

    def start_indexing(self, app: Sphinx):
        """Start Pagefind once every page is written, while Sphinx finishes the build.

        Registered last for ``html-collect-pages``, this runs after the other
        generated pages are written; Sphinx's remaining work (static files,
        inventory) and the archive's feeds and redirects then overlap with Pagefind.
        Pagefind runs for each bundle whose index is not current (see
        :func:`index_is_current`), a few at once; the bundles of years that have
        no issue any more are deleted.
        """
        self.runs = {}
        outdir = Path(app.builder.outdir)
        if app.builder.format != "html":
            return
        record_path = bookkeeping_dir(app) / INDEX_RECORD
        record = read_record(record_path)
        bundles = search_bundles(app)
        for bundle, members in bundles.items():
            pages = indexed_pages(outdir, members)
            if not index_is_current(outdir, record.get(bundle), pages, bundle):
                self.runs[bundle] = {
                    "bundle": bundle,
                    "pages": pages,
                    "glob": members.pagefind_glob(),
                    "process": None,
                }
        kept = {b: e for b, e in record.items() if b in bundles and b not in self.runs}
        try:
            remove_stale_bundles(outdir, bundles)
            if kept != record:
                write_record(record_path, kept)
            for bundle in self.runs:
                shutil.rmtree(outdir / next_folder(bundle), ignore_errors=True)
        except OSError as error:
            report_write_error(app, error)
            self.runs = {}
            return
        for run in list(self.runs.values())[:CONCURRENT_RUNS]:
            start_pagefind(outdir, run)
        yield from ()

    def build_finished(self, app: Sphinx, exception: Exception | None) -> None:
        runs, self.runs = self.runs, {}
        outdir = Path(app.builder.outdir)
        if exception is not None:
            for run in runs.values():
                if run["process"] is not None:
                    run["process"].kill()
        waiting = [run for run in runs.values() if run["process"] is None]
        failures = []
        for bundle, run in runs.items():
            if run["process"] is None:
                if exception is not None:
                    continue
                waiting.remove(run)
                start_pagefind(outdir, run)
            output, _ = run["process"].communicate()
            # One run ended: the next bundle waiting starts.
            if waiting and exception is None:
                start_pagefind(outdir, waiting.pop(0))
            if run["process"].returncode != 0 and exception is None:
                failures.append(output)
            elif exception is None:
                with reporting_write_errors(app):
                    replace_bundle(outdir, bundle)
                    self.record_index(app, bundle, run["pages"])
            shutil.rmtree(outdir / next_folder(bundle), ignore_errors=True)
        if failures:
            detail = failures[0].strip().splitlines()[-1:] or ["no output"]
            warn(ArchiveWarning.SEARCH, f"Pagefind could not index the site: {detail[0]}")
        if exception is None and app.builder.format == "html":
            script = STATIC / "lwkd-search.js"
            with reporting_write_errors(app):
                text = served_script(script.read_text(encoding="utf-8"))
                write_atomically(outdir / "_static" / script.name, text.encode("utf-8"))

    def record_index(self, app: Sphinx, bundle: str, pages: dict[str, list[int]]) -> None:
        """Record what the bundle Pagefind just wrote was made from, and its files."""
        outdir = Path(app.builder.outdir)
        record_path = bookkeeping_dir(app) / INDEX_RECORD
        record = read_record(record_path)
        record[bundle] = {
            "pages": pages,
            "bundle": bundle_files(outdir, bundle),
            "chunk_size": INDEX_CHUNK_SIZE,
        }
        with reporting_write_errors(app):
            write_record(record_path, record)


def served_script(text: str) -> str:
    """The search page's script as the site serves it: without its comment lines and blank lines.

    The comments are for who reads the source; served, they were a quarter of the
    script's compressed bytes (1.8 KB of a first search). Only whole lines that
    start with ``//`` go: the script has no string or template that spans lines.
    """
    kept = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("//")
    ]
    return "\n".join(kept) + "\n"


def start_pagefind(outdir: Path, run: dict[str, Any]) -> None:
    """Start Pagefind on one bundle: its pages, into its folder for the next index."""
    command = [
        *pagefind_command(),
        "--site", str(outdir),
        "--output-subdir", next_folder(run["bundle"]),
        "--silent",
        "--glob", run["glob"],
        "--exclude-selectors", ".headerlink",
    ]  # fmt: skip
    env = {**os.environ, INDEX_CHUNK_VARIABLE: str(INDEX_CHUNK_SIZE)}
    run["process"] = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )


def write_record(record_path: Path, record: dict[str, Any]) -> None:
    text = json.dumps(record, sort_keys=True, separators=(",", ":"))
    write_atomically(record_path, text.encode("utf-8"))


def setup(app: Sphinx) -> None:
    index = SearchIndex()
    app.connect("builder-inited", index.builder_inited)
    app.connect("html-page-context", index.page_context)
    # Last: every other generated page is written when Pagefind starts.
    app.connect("html-collect-pages", index.start_indexing, priority=900)
    # Last: Pagefind runs while the other build-finished work is done.
    app.connect("build-finished", index.build_finished, priority=900)
