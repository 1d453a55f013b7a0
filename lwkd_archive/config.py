"""Configuration values of the archive (all prefixed ``lwkd_``), validated when config is read."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.errors import ConfigError

from lwkd_archive.facts.groups import GroupFactsError, check_group_facts, use_group_facts

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


DEFAULTS = {
    "lwkd_kep_facts": ("", "env", str),
    # Group facts compiled by the importer from kubernetes/community (groups.json);
    # '' for the groups of data/groups.yaml alone.
    "lwkd_group_facts": ("", "env", str),
    # Release schedules compiled by the importer from kubernetes/sig-release
    # (releases.json); '' for none (no release pages, no cycle line).
    "lwkd_release_facts": ("", "env", str),
    "lwkd_upstream_url": ("https://lwkd.info", "html", str),
    "lwkd_default_pr_repo": ("kubernetes/kubernetes", "env", str),
    # The authority (RFC 4151: a domain and a date) of the ``tag:`` URIs that are
    # feed entry ids; permanent, so ids never change with the site's address.
    "lwkd_feed_id_authority": ("lwkd-archive.readthedocs.io,2026", "html", str),
}


def site_url(config: Config) -> str:
    """The canonical base URL, ending in ``/``; "" when the site has none.

    The one rule for every absolute address the archive writes: feeds,
    canonical links, OpenGraph tags, the sitemap, redirects and the 404 page.
    """
    base = (config.html_baseurl or getattr(config, "blog_baseurl", "") or "").strip()
    return base.rstrip("/") + "/" if base else ""


def register(app: Sphinx) -> None:
    for name, (default, rebuild, kind) in DEFAULTS.items():
        app.add_config_value(name, default, rebuild, types=frozenset({kind}))
    app.connect("config-inited", validate)


def validate(app: Sphinx, config: Config) -> None:
    facts = config.lwkd_kep_facts
    if facts and not Path(facts).is_file():
        raise ConfigError(
            f"lwkd_kep_facts = {facts!r} is not a file: run `python -m lwkd_archive import` "
            "with --enhancements, or set it to ''"
        )
    releases = config.lwkd_release_facts
    if releases and not Path(releases).is_file():
        raise ConfigError(
            f"lwkd_release_facts = {releases!r} is not a file: run `python -m lwkd_archive "
            "import` with --sig-release, or set it to ''"
        )
    groups = config.lwkd_group_facts
    if groups:
        try:
            check_group_facts(groups)
        except GroupFactsError as exc:
            raise ConfigError(
                f"lwkd_group_facts: {exc}: run `python -m lwkd_archive import` with "
                "--community again, or set it to ''"
            ) from None
    # Every caller of load_groups() (roles, pages, search) now gets the merged table.
    use_group_facts(groups or None)
    if "/" not in config.lwkd_default_pr_repo:
        raise ConfigError(
            f"lwkd_default_pr_repo must look like org/repo, not {config.lwkd_default_pr_repo!r}"
        )
