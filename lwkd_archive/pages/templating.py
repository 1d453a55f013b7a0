"""Make the templates of the archive's generated pages available to the HTML builder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import FileSystemBytecodeCache
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.jinja2glue import BuiltinTemplateLoader, SphinxFileSystemLoader

from lwkd_archive.facts.dates import human_date
from lwkd_archive.wording import plural

if TYPE_CHECKING:
    from sphinx.application import Sphinx

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def add_template_loader(app: Sphinx) -> None:
    """Add the package's templates after the project's own and before the theme's.

    A project can still override any of them from its ``templates_path``;
    adding them here instead of to ``templates_path`` keeps the
    configuration, and so the build, unchanged between runs.
    """
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    if not isinstance(builder.templates, BuiltinTemplateLoader):
        return
    loaders = builder.templates.loaders
    loaders.insert(builder.templates.templatepathlen, SphinxFileSystemLoader(str(TEMPLATES)))
    # Compiled templates are kept beside the doctrees: a rebuild that renders a few
    # pages then does not spend a tenth of a second compiling every template again.
    # Jinja checks each template's source checksum, so an edited template recompiles.
    cache = Path(app.doctreedir) / "jinja"
    cache.mkdir(parents=True, exist_ok=True)
    builder.templates.environment.bytecode_cache = FileSystemBytecodeCache(str(cache))
    # The one format of a date shown to readers, for every template: ``9 February 2022``.
    builder.templates.environment.filters["human_date"] = human_date
    # A count with its word: ``{{ issues|length|plural("issue") }}``, ``1 issue``, ``3 issues``.
    builder.templates.environment.filters["plural"] = plural


def newest_template_mtime(app: Sphinx) -> float:
    """When a template a generated page may use last changed: the theme's and project's
    (which Sphinx tracks) or the package's own (which it does not)."""
    package = max((p.stat().st_mtime for p in TEMPLATES.rglob("*.html")), default=0.0)
    return max(app.builder.templates.newest_template_mtime(), package)


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", add_template_loader)
