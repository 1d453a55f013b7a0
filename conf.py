"""Sphinx configuration of the LWKD Archive.

`make html` builds what is in source/: the bundled sample issue and any issue
written with `make new`; after `make archive` (or `python -m lwkd_archive
import`) also the imported issues in source/archive/, and an issue of
source/issues/ whose week was imported steps aside, so no week appears twice.
"""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARCHIVE = HERE / "source" / "archive"

project = "LWKD Archive"
author = "LWKD contributors"
copyright = "Last Week in Kubernetes Development contributors (CC BY 4.0)"
language = "en"

extensions = ["myst_parser", "sphinx_design", "ablog", "lwkd_archive"]

root_doc = "index"
templates_path = ["_templates"]
html_static_path = ["_static"]
exclude_patterns = ["archive/_*"]
# An issue in source/issues/ steps aside when the imported archive has the same week
# (the bundled sample does, once `make archive` ran); new issues written here stay.
exclude_patterns += [
    f"issues/{page.name}"
    for page in (HERE / "source" / "issues").glob("*.md")
    if any(ARCHIVE.glob(f"*/{page.name}"))
]

# Markdown: MyST with the syntax the importer writes and the roles need.
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline"]
# Heading anchors let links between issues name a section (`2022-11-27.md#developer-news`).
myst_heading_anchors = 3

# ablog: every issue is a post; dates are UTC.
blog_title = "Last Week in Kubernetes Development"
blog_path = "archive/all"
blog_post_pattern = ["issues/*", "archive/*/*"]
# The canonical base URL: Read the Docs sets READTHEDOCS_CANONICAL_URL; feeds,
# canonical links, OpenGraph tags and the sitemap use it.
html_baseurl = os.environ.get(
    "READTHEDOCS_CANONICAL_URL", "https://lwkd-archive.readthedocs.io/en/latest/"
)
blog_baseurl = html_baseurl
# Dates readers see have ONE format everywhere: "9 February 2022" (the day without a leading
# zero, the month's English name, the year), inside <time datetime="2022-02-09">. Templates
# write it with the `human_date` filter (lwkd_archive.facts.dates.human_date), not with
# strftime's "%-d", which not every platform knows. ablog's formats below read front matter.
post_date_format = "%d %B %Y"
post_date_format_short = "%Y-%m-%d"
post_auto_excerpt = 1
post_auto_orphan = True

# Theme: Sphinx's `basic` with the archive's own templates and stylesheet,
# which keeps pages small and makes no request to another host.
html_theme = "basic"
html_title = "LWKD Archive"
html_css_files = ["lwkd.css"]
# The icon is the archive's mark (lwkd_archive/static/favicon.svg): html_favicon names another.
html_copy_source = False
html_show_sourcelink = False
html_use_index = False
html_domain_indices = False

# KEP facts compiled by the importer from kubernetes/enhancements, if present.
lwkd_kep_facts = str(ARCHIVE / "keps.json") if (ARCHIVE / "keps.json").exists() else ""
# Group facts compiled by the importer from kubernetes/community (--community), if present:
# missions, leaders, meetings, archived status; without them, data/groups.yaml alone.
lwkd_group_facts = str(ARCHIVE / "groups.json") if (ARCHIVE / "groups.json").exists() else ""
# Release schedules compiled by the importer from kubernetes/sig-release (--sig-release), if
# present: release pages and the cycle line; without them, neither.
lwkd_release_facts = str(ARCHIVE / "releases.json") if (ARCHIVE / "releases.json").exists() else ""
