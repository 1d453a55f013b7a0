"""Reading pages: roles, the issue model in the `lwkd` domain, tags, anchors, ablog, inert input."""
