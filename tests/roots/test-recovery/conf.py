from pathlib import Path

import lwkd_archive

extensions = ["myst_parser", "sphinx_design", "ablog", "lwkd_archive"]
html_theme = "basic"
# The site's own templates, so generated pages render as on the real site.
templates_path = [str(Path(lwkd_archive.__file__).resolve().parents[1] / "_templates")]
# Images live beside the pages, as the importer copies them.
exclude_patterns = ["_media"]
blog_post_pattern = ["issues/*"]
html_baseurl = "https://archive.example/"
blog_baseurl = html_baseurl
post_auto_orphan = True
html_use_index = False
