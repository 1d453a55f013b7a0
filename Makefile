# The LWKD Archive. `make help` lists the targets.
PYTHON ?= python
SPHINXBUILD ?= $(PYTHON) -m sphinx
SPHINXOPTS ?= -W --keep-going
BUILDDIR ?= _build
LWKD_REPO ?= https://github.com/kubernetes-sigs/lwkd.git
ENHANCEMENTS_REPO ?= https://github.com/kubernetes/enhancements.git

.PHONY: help html import archive test bench lint clean
.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

html: ## Build the site (the bundled sample, or the imported archive) into _build/html
	$(SPHINXBUILD) -b html -c . -d $(BUILDDIR)/doctrees $(SPHINXOPTS) source $(BUILDDIR)/html

import: ## Import LWKD issues and KEP facts into source/archive (LWKD_REPO, ENHANCEMENTS_REPO: path or git URL)
	$(PYTHON) -m lwkd_archive import $(LWKD_REPO) --enhancements $(ENHANCEMENTS_REPO)

archive: ## Import the full LWKD archive, then build it
	$(MAKE) import
	$(MAKE) html

test: ## Run the tests
	$(PYTHON) -m pytest

bench: ## Measure builds of the full corpus against bare Sphinx (needs ../shared/corpus)
	$(PYTHON) benchmarks/bench.py

lint: ## Check style with ruff
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

clean: ## Remove built output (the imported archive stays; `rm -rf source/archive` removes it)
	rm -rf $(BUILDDIR)
