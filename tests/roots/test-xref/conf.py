from pathlib import Path

extensions = ["myst_parser", "sphinx_design", "ablog", "lwkd_archive"]
html_theme = "basic"
html_use_index = False
blog_post_pattern = ["issues/*"]
blog_baseurl = "https://archive.example/"
post_auto_orphan = True
lwkd_kep_facts = str(Path(__file__).resolve().parent / "facts.json")
