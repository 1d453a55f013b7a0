from pathlib import Path

import lwkd_archive

extensions = ["myst_parser", "sphinx_design", "ablog", "lwkd_archive"]
html_theme = "basic"
# The site's own templates, so generated pages render as on the real site.
templates_path = [str(Path(lwkd_archive.__file__).resolve().parents[1] / "_templates")]
blog_post_pattern = ["issues/*"]
blog_baseurl = "https://archive.example/"
post_auto_orphan = True
html_use_index = False
