"""Importer: LWKD's Jekyll posts in, MyST pages of the archive out (no Sphinx involved)."""
