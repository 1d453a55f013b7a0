"""The Sphinx extension's wiring: which module answers which Sphinx event, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

import lwkd_archive
from lwkd_archive import config, heap
from lwkd_archive.outputs import api, feeds, record, search, sitemap
from lwkd_archive.outputs import recovery as build_recovery
from lwkd_archive.pages import (
    charts,
    design_assets,
    redirects,
    search_page,
    seo,
    templating,
    topics,
    years,
)
from lwkd_archive.pages import neighbours as timeline
from lwkd_archive.pages import releases as release_pages
from lwkd_archive.reading import anchors, blog, domain, inert, nesting, tags
from lwkd_archive.reading import roles as archive_roles

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, object]:
    config.register(app)
    # The archive's mark as every site's icon, unless conf.py names another.
    app.connect("build-finished", seo.write_favicon)
    # The environment Sphinx loads is left out of the garbage collector's passes.
    heap.setup(app)
    # Imported pages (archive/) are inert: no file read, no raw output, no image from elsewhere.
    inert.setup(app)
    # MyST drops, silently, the rest of a page nested deeper than it reads: say where.
    app.connect("source-read", nesting.report_deep_nesting)
    # Templates of the generated pages, without touching templates_path.
    templating.setup(app)
    # ablog reads the posts; the archive replaces its page and feed generators.
    blog.setup(app)

    # Writers' roles; KEP and group references resolve through the `lwkd` domain.
    app.add_role("kep", archive_roles.KepRole())
    app.add_role("sig", archive_roles.SigRole())
    app.add_role("pr", archive_roles.PullRequestRole())
    app.add_role("mentioned", archive_roles.MentionedRole())
    app.add_domain(domain.ArchiveDomain)
    app.add_post_transform(domain.DropSilentMentions)
    # Record each page's mentions, and the page as an Issue, once ablog has read it as a post
    # (ablog at 500) and before its copy of the page is dropped (600).
    app.connect("doctree-read", domain.collect_mentions, priority=550)
    # New KEP facts (a new import) rewrite the pages whose KEP links show titles.
    app.connect("env-get-updated", domain.pages_with_new_facts)
    # KEP and group mentions become ablog tags before ablog reads the front matter.
    # ablog stays the post layer: it reads posts and lists the latest on the home page;
    # every other list reads the issues the domain recorded (reading/issues.py).
    app.add_transform(tags.AddReferenceTags)
    # Headings written with roles keep the anchor lwkd.info gave them.
    app.add_transform(anchors.RoleHeadingAnchors)

    # Previous/next links, and rewriting the pages a new issue changes.
    timeline.setup(app)
    # The archive by year, regenerated only when its issues change.
    years.setup(app)
    # KEP and group pages with their indexes, regenerated only when they change.
    app.connect("html-collect-pages", topics.generate_xref_pages)
    app.connect("html-page-context", topics.add_issue_topics)
    # The home page's chart: issues and KEPs mentioned per year.
    app.connect("html-page-context", charts.home_context)
    app.connect("env-updated", charts.home_outdated)
    # A page per release (cycle dates, KEPs per stage, its issues) and their index.
    app.connect("html-collect-pages", release_pages.generate_release_pages)
    # Release facts are read once, before pages are written (in parallel, by several processes).
    app.connect("env-updated", release_pages.read_release_facts)
    # Atom feeds for the archive, each KEP and each group, written only when changed.
    feeds.setup(app)
    # Search with Pagefind, which finds KEP numbers; Sphinx's own search is switched off.
    search.setup(app)
    app.connect("html-collect-pages", search_page.search_page)
    # Old lwkd.info addresses lead to their issue; a 404 page that helps.
    # Before Pagefind starts (900): issues/ holds both issues and redirects.
    app.connect("html-collect-pages", redirects.write_redirects, priority=800)
    # Every generated output is recorded; what the last build made and this one does
    # not (a page, feed, old address) is deleted, as is a removed document's page.
    record.setup(app)
    app.connect("html-collect-pages", redirects.not_found_page)
    # Canonical URLs, OpenGraph tags and sitemap.xml from the canonical base URL.
    app.connect("html-page-context", seo.page_context)
    # sphinx-design's 62 KB of assets only on pages with its components.
    app.connect("html-page-context", design_assets.drop_unused_design_assets)
    app.connect("build-finished", sitemap.write_sitemap)
    # api/*.json for scripts and other sites.
    app.connect("build-finished", api.write_api)
    # A killed build's pages and lost images are written again by the next build.
    build_recovery.setup(app)
    return {
        "version": lwkd_archive.__version__,
        "env_version": 6,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
