"""Facts read from upstream repositories, with no Sphinx: KEPs, groups, reference targets."""
