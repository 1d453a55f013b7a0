"""Adapting ablog to an archive of hundreds of posts: fresh state per build, parallel reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ablog import post as ablog_post
from ablog.blog import Blog

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

#: ablog's page and feed generators, which rewrite every archive page and feed
#: on every build; the archive generates its own, incrementally (see pages/).
ABLOG_GENERATORS = (ablog_post.generate_archive_pages, ablog_post.generate_atom_feeds)


def disconnect_ablog_generators(app: Sphinx) -> None:
    """Remove ablog's `html-collect-pages` listeners; the archive's own generators replace them."""
    for listener in list(app.events.listeners.get("html-collect-pages", ())):
        if listener.handler in ABLOG_GENERATORS:
            app.disconnect(listener.id)


def reset_ablog_state(app: Sphinx, config: Config) -> None:
    """Start every Sphinx application with an empty ablog ``Blog``.

    ablog keeps its posts in class-level shared state that outlives the
    application, so a second build in the same process (tests, a live
    preview) would otherwise see the first one's posts and configuration.
    """
    Blog._dict.clear()


def drop_ablog_stylesheets(app: Sphinx, config: Config) -> None:
    """Keep ablog's stylesheet folder out of ``html_static_path``.

    ablog appends it on every start; the archive's theme does not use it,
    and leaving it out keeps the configuration identical between builds.
    """
    config.html_static_path = [p for p in config.html_static_path if "ablog" not in str(p)]


def merge_ablog_posts(
    app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment
) -> None:
    """Bring posts read by a parallel worker into the main environment.

    ablog stores posts in ``env.ablog_posts`` without a merge step, which is
    why it declares itself unsafe for parallel reading; with this merge it is.
    """
    posts = getattr(env, "ablog_posts", None)
    if posts is None:
        posts = env.ablog_posts = {}
    for docname, infos in getattr(other, "ablog_posts", {}).items():
        if docname in docnames:
            posts[docname] = infos


def drop_post_doctree_copies(app: Sphinx, doctree: nodes.document) -> None:
    """Forget the copies of the whole page ablog keeps with each post.

    ablog keeps a copy of the page, used only for full-text feeds and its own
    post pages (which the archive does not use), and excerpt nodes whose
    children still point at the page's document, so pickling an excerpt
    pickles the whole page. Without both, the environment is ten times
    smaller and loads that much faster on every rebuild.
    """
    for info in getattr(app.env, "ablog_posts", {}).get(app.env.docname, ()):
        info["doctree"] = None
        for excerpt in info.get("excerpt") or ():
            for node in excerpt.findall():
                node.document = None


def declare_ablog_parallel_safe(app: Sphinx) -> None:
    """Mark ablog parallel-read-safe now that :func:`merge_ablog_posts` merges its data."""
    extension = app.extensions.get("ablog")
    if extension is not None:
        extension.parallel_read_safe = True


def setup(app: Sphinx) -> None:
    app.setup_extension("ablog")
    disconnect_ablog_generators(app)
    declare_ablog_parallel_safe(app)
    # Priority 400: before ablog's own config-inited listener reads the config.
    app.connect("config-inited", reset_ablog_state, priority=400)
    app.connect("config-inited", drop_ablog_stylesheets, priority=600)
    app.connect("env-merge-info", merge_ablog_posts)
    # Priority 600: after ablog's own doctree-read listener has recorded the post.
    app.connect("doctree-read", drop_post_doctree_copies, priority=600)
