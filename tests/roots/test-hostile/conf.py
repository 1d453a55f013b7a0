# An imported page that tries every way to read a file or run a script, a hand-written
# issue that may use every directive, and KEP facts whose text is markup.
from pathlib import Path

extensions = ["myst_parser", "sphinx_design", "ablog", "lwkd_archive"]
html_theme = "basic"
html_use_index = False
exclude_patterns = ["archive/_*", "issues/_*"]
blog_post_pattern = ["archive/*/*", "issues/*"]
blog_baseurl = "https://archive.example/"
post_auto_orphan = True
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3
lwkd_kep_facts = str(Path(__file__).resolve().parent / "facts.json")
