"""Shared fixtures: Sphinx's test fixtures, tiny projects under tests/roots, the corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parents[1]
ROOTS = Path(__file__).resolve().parent / "roots"
#: The shared test corpus sits beside the checkout; LWKD_CORPUS points elsewhere.
CORPUS = Path(os.environ.get("LWKD_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real LWKD and enhancements data; tests that need it skip without it."""
    if not (CORPUS / "lwkd" / "_posts").is_dir():
        pytest.skip(
            f"corpus not found at {CORPUS}: place ../shared/corpus beside the checkout "
            "or set LWKD_CORPUS"
        )
    return CORPUS
