"""Generated pages: KEP and group pages, year pages, previous/next, old addresses and 404."""
