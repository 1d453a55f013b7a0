"""The weight of the archive's search: bytes a reader downloads for the first query.

Serves a built site (the html folder given) on localhost, opens ``search.html`` in
headless Chromium, enters a query into the search box, waits for the results, and prints
every response of that visit (the page included) with its size as sent and gzip-compressed
at level 6, as a static host compresses it. Python's http.server sends no compression, so
the compressed sizes are computed here from each body; Pagefind's own files are already
compressed and gain little. Run::

    python benchmarks/search_weight.py _build/html [--query sig-node]
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

SEARCH_DONE = "document.getElementById('search-status')?.textContent.length > 0"


def weigh(site: Path, query: str, timeout_ms: int = 30_000) -> list[tuple[str, int, int]]:
    """(address, bytes as sent, gzip level 6 bytes) of every response of a first search."""
    from playwright.sync_api import sync_playwright

    responses: list[tuple[str, int, int]] = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()

            def record(response) -> None:
                try:
                    body = response.body()
                except Exception:  # a redirect or an aborted request has no body
                    return
                responses.append((response.url, len(body), len(gzip.compress(body, 6))))

            page.on("response", record)
            page.goto(f"{base}search.html", wait_until="load")
            box = page.locator("#search-form input[name=q]")
            box.click()
            # The query in one input event: one search, however fast the machine types (key by
            # key, a pause longer than the page's wait for the next key searches a prefix too).
            box.fill(query)
            page.wait_for_function(SEARCH_DONE, timeout=timeout_ms)
            page.wait_for_selector("#search-results a.result-title", timeout=timeout_ms)
            page.wait_for_load_state("networkidle")
            status = page.text_content("#search-status")
            print(f"query {query!r}: {status}", file=sys.stderr)
        finally:
            browser.close()
    return [(urlparse(url).path, raw, packed) for url, raw, packed in responses]


def kind(path: str) -> str:
    """The part of the search a resource belongs to, for the summary."""
    name = path.rsplit("/", 1)[-1]
    for suffix, label in (
        (".pf_fragment", "result fragments"),
        (".pf_index", "word indexes"),
        (".pf_filter", "filter indexes"),
        (".pf_meta", "index metadata"),
        (".pagefind", "Pagefind wasm"),
    ):
        if name.endswith(suffix):
            return label
    if path.split("/")[1:2] in (["pagefind"], ["pagefind-issues"]):
        return "Pagefind runtime"
    return "page, styles, scripts"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built html folder (with search.html)")
    parser.add_argument("--query", default="sig-node", help="the words typed (default sig-node)")
    args = parser.parse_args(argv)
    if not (args.site / "search.html").is_file():
        parser.error(f"{args.site}: no search.html; build the site first (make html)")
    rows = weigh(args.site, args.query)
    # A resource asked for again (the page reloaded by Enter) comes from the browser's
    # cache on a real host: it is listed once, and the repeats are counted apart.
    unique: dict[str, tuple[int, int]] = {}
    repeats = 0
    for path, raw, packed in rows:
        repeats += path in unique
        unique.setdefault(path, (raw, packed))
    print(f"{'gzip B':>9} {'raw B':>9}  resource")
    for path, (raw, packed) in sorted(unique.items(), key=lambda r: -r[1][1]):
        print(f"{packed:9d} {raw:9d}  {path}")
    groups: dict[str, list[int]] = {}
    for path, (raw, packed) in unique.items():
        group = groups.setdefault(kind(path), [0, 0, 0])
        group[0] += 1
        group[1] += raw
        group[2] += packed
    print()
    for label, (count, raw, packed) in sorted(groups.items(), key=lambda g: -g[1][2]):
        print(f"{packed:9d} {raw:9d}  {label} ({count})")
    total_raw = sum(raw for raw, _ in unique.values())
    total_gzip = sum(packed for _, packed in unique.values())
    print(f"{total_gzip:9d} {total_raw:9d}  total: {len(unique)} resources", end="")
    print(f" ({repeats} repeated requests not counted)" if repeats else "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
