"""Serving a built site on localhost and driving Debian's Chromium through Playwright."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as Read the Docs does: its own 404.html for any missing address."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """The site at http://127.0.0.1:PORT/ for as long as the block runs.

    ``site`` may be built after the server starts (to build with its address).
    """
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Browser:
    """One page in headless Chromium that records console errors and every request."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    def foreign_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).hostname not in {"127.0.0.1", None} and not u.startswith("data:")
        ]

    def search(self, base: str, query: str) -> list[str]:
        """Result links (relative to the site) for ``search.html?QUERY``."""
        self.page.goto(f"{base}search.html?{query}")
        return self.results()

    def results(self) -> list[str]:
        """Result links (relative to the site) of the search page shown, once it has searched."""
        self.page.wait_for_function(
            "document.getElementById('search-status')?.textContent.length > 0"
        )
        links = self.page.eval_on_selector_all(
            "#search-results a.result-title", "els => els.map(e => e.getAttribute('href'))"
        )
        return [link.lstrip("/") for link in links]


@contextmanager
def chromium() -> Iterator[object]:
    """Headless Chromium from Debian, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


#: A page of each kind the bundled sample builds (no corpus needed): the look and the
#: accessibility tests open each.
SAMPLE_PAGES = [
    "index.html",
    "issues/2022-02-06.html",
    "keps/3136.html",
    "keps/index.html",
    "sigs/sig-api-machinery.html",
    "sigs/index.html",
    "archive/index.html",
    "archive/2022.html",
    "releases/index.html",
    "writing.html",
    "search.html?q=kubernetes",
    "404.html",
]
