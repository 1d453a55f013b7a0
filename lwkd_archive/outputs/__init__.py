"""Outputs besides pages: feeds, api, search, sitemap, and the record of generated files."""
