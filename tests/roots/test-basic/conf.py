extensions = ["myst_parser", "sphinx_design", "ablog", "lwkd_archive"]
html_theme = "basic"
blog_post_pattern = ["issues/*"]
blog_baseurl = "https://archive.example/"
post_auto_orphan = True
