"""Configuration values of the archive (all prefixed ``lwkd_``), validated when config is read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.errors import ConfigError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


@dataclass(frozen=True)
class ArchiveConfig:
    """The archive's settings, read once from ``conf.py``."""

    #: JSON file of KEP facts written by the importer ("" when there is none).
    kep_facts: str
    #: Where the LWKD newsletter itself is published; old links point there.
    upstream_url: str
    #: Repository the ``{pr}`` role links to when a number has no ``org/repo#``.
    default_pr_repo: str


DEFAULTS = {
    "lwkd_kep_facts": ("", "env", str),
    "lwkd_upstream_url": ("https://lwkd.info", "html", str),
    "lwkd_default_pr_repo": ("kubernetes/kubernetes", "env", str),
}


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
    if "/" not in config.lwkd_default_pr_repo:
        raise ConfigError(
            f"lwkd_default_pr_repo must look like org/repo, not {config.lwkd_default_pr_repo!r}"
        )


def archive_config(app: Sphinx) -> ArchiveConfig:
    config = app.config
    return ArchiveConfig(
        kep_facts=config.lwkd_kep_facts,
        upstream_url=config.lwkd_upstream_url.rstrip("/"),
        default_pr_repo=config.lwkd_default_pr_repo,
    )
