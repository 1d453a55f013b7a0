# The LWKD Archive. `make help` lists the targets.
PYTHON ?= python
SPHINXBUILD ?= $(PYTHON) -m sphinx
SPHINXOPTS ?= -W --keep-going
BUILDDIR ?= _build
LWKD_REPO ?= https://github.com/kubernetes-sigs/lwkd.git
ENHANCEMENTS_REPO ?= https://github.com/kubernetes/enhancements.git
COMMUNITY_REPO ?= https://github.com/kubernetes/community.git
SIG_RELEASE_REPO ?= https://github.com/kubernetes/sig-release.git
# Values of these, from the command line or the environment, are data: make keeps them
# as written ($(value ...), never expanded), and recipes read them from the environment
# in double quotes, so no value (`x; touch f`, `$(shell ...)`) is run as a command.
PORT ?= 8000
DATA_VARIABLES := LWKD_REPO ENHANCEMENTS_REPO COMMUNITY_REPO SIG_RELEASE_REPO WEEK_ENDING PATHS ENHANCEMENTS PORT
$(foreach name,$(DATA_VARIABLES),$(eval override $(name) := $$(value $(name))))
export $(DATA_VARIABLES)

.PHONY: help html import archive new check serve test bench lint clean
.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

html: ## Build the site (the bundled sample, or the imported archive) into _build/html
	$(SPHINXBUILD) -b html -c . -d $(BUILDDIR)/doctrees $(SPHINXOPTS) source $(BUILDDIR)/html

import: ## Import LWKD issues, KEP, group and release facts into source/archive (LWKD_REPO, ENHANCEMENTS_REPO, COMMUNITY_REPO, SIG_RELEASE_REPO: path or git URL)
	$(PYTHON) -m lwkd_archive import "$$LWKD_REPO" --enhancements "$$ENHANCEMENTS_REPO" \
		--community "$$COMMUNITY_REPO" --sig-release "$$SIG_RELEASE_REPO"

archive: ## Import the full LWKD archive (with kubernetes/enhancements, community and sig-release), then build it
	$(MAKE) import
	$(MAKE) html

new: ## Start next week's issue in source/issues (WEEK_ENDING=YYYY-MM-DD for another week)
	$(PYTHON) -m lwkd_archive new $${WEEK_ENDING:+--week-ending "$$WEEK_ENDING"}

check: ## Check issues before publishing (PATHS=... to choose; ENHANCEMENTS=... to check KEP numbers)
	$(PYTHON) -m lwkd_archive check $$PATHS $${ENHANCEMENTS:+--enhancements "$$ENHANCEMENTS"}

serve: ## Live preview at http://127.0.0.1:8000 (PORT=... for another), rebuilt on every save
	@case "$$PORT" in ''|*[!0-9]*) echo "error: PORT='$$PORT' is not a port number: give PORT=8000" >&2; exit 2;; esac
	$(PYTHON) -m sphinx_autobuild -b html -c . -d $(BUILDDIR)/serve-doctrees --port "$$PORT" \
		--watch conf.py --watch _templates --watch _static --watch lwkd_archive source $(BUILDDIR)/serve

test: ## Run the tests
	$(PYTHON) -m pytest

bench: ## Measure builds, and one new post through make archive at 1x and 4x, against bare Sphinx (needs ../shared/corpus)
	$(PYTHON) benchmarks/bench.py

lint: ## Check style with ruff
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

clean: ## Remove built output (the imported archive stays; `rm -rf source/archive` removes it)
	rm -rf $(BUILDDIR)
