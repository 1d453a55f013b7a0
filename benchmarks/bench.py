"""`make bench`: the archive's build against bare Sphinx on the same pages, as ratios.

Builds the full corpus (../shared/corpus, or LWKD_CORPUS) with the project's
configuration and with bare Sphinx (myst-parser, extlinks standing in for the
roles, the basic theme), each measured several times in one run, and prints
each measure with its ratio and target. Machines are noisy, so only ratios
between builds measured side by side are compared with targets.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import copy_project  # noqa: E402 (after the path is set)

CORPUS = Path(os.environ.get("LWKD_CORPUS", REPO.parent / "shared" / "corpus"))

BARE_CONF = """\
extensions = ["myst_parser", "sphinx.ext.extlinks"]
html_theme = "basic"
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline"]
myst_heading_anchors = 3
exclude_patterns = ["archive/_*"]
# Stand-ins for the archive's roles: plain external links.
extlinks = {
    "kep": ("https://github.com/kubernetes/enhancements/issues/%s", "KEP-%s"),
    "sig": ("https://github.com/kubernetes/community/tree/master/%s", "%s"),
    "pr": ("https://github.com/%s", "%s"),
}
suppress_warnings = ["myst.header", "toc.not_included", "myst.xref_missing"]
"""

NEW_ISSUE = """\
---
blogpost: true
date: 2099-01-07 06:00
week_ending: 2099-01-04
lwkd_source: _posts/2099-01-04-update.md
lwkd_url: /2099/20990107
---

# Week Ending January 4, 2099

## KEP of the Week

{kep}`3136` from {sig}`api-machinery`, merged in {pr}`106715`.
"""


@dataclass
class Run:
    seconds: float
    max_rss_mb: float


def run_build(cmd: list[str], cwd: Path) -> Run:
    """Run one build in a child process; its wall time and peak memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({' '.join(cmd)}):\n{err[-3000:]}")
    return Run(seconds, usage.ru_maxrss / 1024)


def sphinx_cmd(srcdir: Path, outdir: Path, confdir: Path, extra: list[str]) -> list[str]:
    return [
        sys.executable, "-m", "sphinx", "-b", "html", "-q",
        "-c", str(confdir), "-d", str(outdir / ".doctrees"), *extra, str(srcdir), str(outdir),
    ]  # fmt: skip


def dir_size(path: Path) -> int:
    return sum(
        p.stat().st_size for p in path.rglob("*") if p.is_file() and ".doctrees" not in p.parts
    )


class Site:
    """One project to measure: build from scratch, rebuild, add an issue."""

    def __init__(self, name: str, srcdir: Path, confdir: Path, outdir: Path, extra: list[str]):
        self.name, self.srcdir, self.confdir, self.outdir, self.extra = (
            name, srcdir, confdir, outdir, extra,
        )  # fmt: skip

    def clean(self) -> None:
        shutil.rmtree(self.outdir, ignore_errors=True)

    def build(self) -> Run:
        return run_build(sphinx_cmd(self.srcdir, self.outdir, self.confdir, self.extra), REPO)

    def new_issue_path(self) -> Path:
        return self.srcdir / "archive" / "2099" / "2099-01-04.md"


def prepare(workdir: Path, repeat: int) -> tuple[Site, Site, float]:
    """Import the corpus into a copy of the project, and the same pages into a bare project.

    Each import starts from an empty folder, as the first ``make import`` does;
    the median of ``repeat`` imports is the measure.
    """
    project = copy_project(workdir / "project")
    seconds = []
    for _ in range(repeat):
        out = project / "source" / "archive"
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable, "-m", "lwkd_archive", "import", str(CORPUS / "lwkd"),
                "--enhancements", str(CORPUS / "enhancements"), "--out", str(out),
            ],  # fmt: skip
            cwd=project, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        seconds.append(time.perf_counter() - start)
    import_seconds = statistics.median(seconds)
    bare = workdir / "bare"
    shutil.copytree(project / "source" / "archive", bare / "archive")
    (bare / "index.md").write_text("# Bare\n", encoding="utf-8")
    (bare / "conf.py").write_text(BARE_CONF, encoding="utf-8")
    ours = Site("archive", project / "source", project, workdir / "out-archive", ["-W"])
    plain = Site("bare", bare, bare, workdir / "out-bare", [])
    return ours, plain, import_seconds


def measure_round(site: Site, runs: dict[str, list[Run]]) -> None:
    """One full build, a rebuild with nothing changed, and one new issue added."""
    site.new_issue_path().unlink(missing_ok=True)
    site.clean()
    runs["full"].append(site.build())
    runs["nochange"].append(site.build())
    site.new_issue_path().parent.mkdir(parents=True, exist_ok=True)
    site.new_issue_path().write_text(NEW_ISSUE, encoding="utf-8")
    runs["newissue"].append(site.build())
    site.new_issue_path().unlink()
    site.build()  # back to the corpus for the next round


def median(runs: list[Run], attr: str = "seconds") -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind (default 3)")
    args = parser.parse_args(argv)
    if not (CORPUS / "lwkd" / "_posts").is_dir():
        print(f"bench: skipped: no corpus at {CORPUS} (set LWKD_CORPUS)")
        return 0
    with tempfile.TemporaryDirectory(prefix="lwkd-bench-") as tmp:
        ours, bare, import_seconds = prepare(Path(tmp), args.repeat)
        # Rounds alternate between the two, so that machine noise hits both alike.
        results: dict[str, dict[str, list[Run]]] = {
            site.name: {"full": [], "nochange": [], "newissue": []} for site in (bare, ours)
        }
        for _ in range(args.repeat):
            for site in (bare, ours):
                measure_round(site, results[site.name])
        ours.clean()
        ours.build()
        site_mb = dir_size(ours.outdir) / 1e6
        pages = sorted(
            p.stat().st_size
            for p in (ours.outdir / "archive").glob("*/*.html")
            if p.stem[:4].isdigit()
        )
        median_page_kb = statistics.median(pages) / 1e3 if pages else float("nan")
    a, b = results["archive"], results["bare"]
    bare_full = median(b["full"])
    rows = [
        ("full build", median(a["full"]), bare_full, "<= 1.3x bare full", 1.3),
        ("rebuild, nothing changed", median(a["nochange"]), median(b["nochange"]), "<= 1.5x bare no-change", 1.5),
        ("one new issue", median(a["newissue"]), bare_full, "<= 0.15x bare full", 0.15),
        ("peak memory (MB)", max(r.max_rss_mb for r in a["full"]), max(r.max_rss_mb for r in b["full"]), "<= 1.5x bare", 1.5),
        ("import of all issues", import_seconds, bare_full, "<= 0.1x bare full", 0.1),
    ]  # fmt: skip
    print(f"{'measure':28} {'archive':>10} {'bare':>10} {'ratio':>7}  target                   met")
    failed = 0
    for name, ours_value, bare_value, target, limit in rows:
        ratio = ours_value / bare_value
        ok = ratio <= limit
        failed += not ok
        print(
            f"{name:28} {ours_value:10.2f} {bare_value:10.2f} {ratio:7.2f}  {target:24} {'yes' if ok else 'NO'}"
        )
    for name, value, limit, unit in (
        ("whole site on disk", site_mb, 40, "MB"),
        ("median issue page", median_page_kb, 50, "KB"),
    ):
        ok = value <= limit
        failed += not ok
        print(
            f"{name:28} {value:8.1f} {unit} {'':10} {'':7}  <= {limit} {unit:19} {'yes' if ok else 'NO'}"
        )
    print(
        f"bench: {args.repeat} runs of each build; {len(rows) + 2 - failed} of {len(rows) + 2} targets met"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
