"""`make bench`: the archive's builds against bare Sphinx, and one new post as `make archive` runs.

Two groups of measures (``--only`` picks one), taken in alternating rounds so that
machine noise hits them alike:

builds
    The real corpus (../shared/corpus, or LWKD_CORPUS) imported into an empty folder,
    then built with the project's configuration and with bare Sphinx (myst-parser,
    extlinks standing in for the roles, the basic theme): full build, rebuild with
    nothing changed, peak memory, size of the site.
new-post
    What an editor waits for when LWKD publishes a week and they run `make archive`:
    the archive is imported and built once (not timed); then a new post (a copy of the
    latest one, a week later) is added to the LWKD checkout, and `make import` followed
    by `make html`, the two steps of `make archive`, are timed as one; then the post is
    removed and the archive's state restored, so that every round measures the same
    thing. Also `make archive` with nothing changed. Measured on the real corpus (1x)
    and on a synthetic archive four times its size (4x, ``--scale``), which the bench
    writes itself: the real posts, and copies of them moved into earlier weeks, before
    the first real one, with their images. Every issue of both is in the past, so all
    are published, and the new post is the newest issue: the week after the newest
    real one, published too, so that it changes its previous issue's page, the lists
    of latest issues and the index, as a real week does. The bench checks that the
    built site lists them all (``api/issues.json``), and fails otherwise.

The machine is noisy, so only ratios between builds measured in the same run are
compared with targets; the yardstick is a bare Sphinx full build of the real corpus,
measured in every round. The `make archive` figures are printed in CPU seconds too,
which other load on the machine disturbs less; targets are judged on wall time, what
an editor waits. Results are printed and written as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# After the path is set: the bench reads posts by the importer's own rules.
from lwkd_archive.importer.jekyll import MONTHS, POST_NAME_RE, TITLE_DATE_RE  # noqa: E402
from tests.conftest import copy_project  # noqa: E402

CORPUS = Path(os.environ.get("LWKD_CORPUS", REPO.parent / "shared" / "corpus"))
RESULTS = REPO / "_build" / "bench" / "results.json"
GROUPS = ("builds", "new-post")

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

#: Settings a caller's environment may hold that would change what `make` runs: the
#: bench measures the Makefile's defaults. MAKEFLAGS of an outer `make bench` would
#: hand the inner makes a jobserver they cannot reach.
MAKE_ENV_DROPPED = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SPHINXOPTS", "SPHINXBUILD", "BUILDDIR")
#: Every child runs the package of this checkout, whatever an editable install names.
CHILD_ENV = {k: v for k, v in os.environ.items() if k not in MAKE_ENV_DROPPED} | {
    "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
}
#: What `make archive` leaves behind, beside the LWKD checkout: restored between rounds.
ARCHIVE_STATE = ("source/archive", "_build")

#: The front matter's ``date:`` value (Jekyll's ``2022-02-10 06:00:00 -0000``), quoted or not.
FRONT_DATE_RE = re.compile(r"^(?P<key>date:\s*['\"]?)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
#: An image of the LWKD repository, as posts name them: ``/2018/images/chart.png``.
IMAGE_YEAR_RE = re.compile(r"/(?P<year>\d{4})/images/")


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    #: CPU time of the command and all it ran (Pagefind, the makes' children).
    cpu: float = 0.0


def run_build(cmd: list[str], cwd: Path) -> Run:
    """Run one command in a child process; its wall time and peak memory.

    Its error output goes to a file, not a pipe: an import of the 4x archive warns
    more than a pipe holds, and a child blocked on a full pipe would never end.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            text = err.read().decode(errors="replace")
            raise SystemExit(f"failed ({' '.join(cmd)}):\n{text[-3000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def sphinx_cmd(srcdir: Path, outdir: Path, confdir: Path, extra: list[str]) -> list[str]:
    return [
        sys.executable, "-m", "sphinx", "-b", "html", "-q",
        "-c", str(confdir), "-d", str(outdir / ".doctrees"), *extra, str(srcdir), str(outdir),
    ]  # fmt: skip


def import_cmd(lwkd: Path, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "lwkd_archive", "import", str(lwkd),
        "--enhancements", str(CORPUS / "enhancements"), "--out", str(out),
    ]  # fmt: skip


def dir_size(path: Path) -> int:
    return sum(
        p.stat().st_size for p in path.rglob("*") if p.is_file() and ".doctrees" not in p.parts
    )


def issue_pages(archive: Path) -> list[Path]:
    """The imported issues' pages (``2022/2022-02-06.md``), not the media or KEP facts."""
    return sorted(archive.glob("[0-9][0-9][0-9][0-9]/*.md"))


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# The synthetic archive -------------------------------------------------------------


def post_date(path: Path) -> dt.date:
    match = POST_NAME_RE.match(path.name)
    if match is None:
        raise ValueError(f"not a post's file name: {path.name}")
    return dt.date.fromisoformat(match["date"])


def real_posts(lwkd: Path) -> list[Path]:
    """The posts of an LWKD checkout that Jekyll publishes, by date."""
    return sorted(
        (p for p in (lwkd / "_posts").iterdir() if POST_NAME_RE.match(p.name)), key=post_date
    )


def redate_post(text: str, name: str, days: int, image_years: Mapping[int, int]) -> tuple[str, str]:
    """A post moved ``days`` later (earlier when negative): its new file name and text.

    The file name's date, the front matter's ``date`` and ``slug`` and the date the title
    names all move together, so the importer reads the copy as it reads the post (a title
    naming another week, or a slug other than the file name, would be warned about and
    change the page); the times of day, and a title's prefix, stay. Images the body
    names under a year folder of ``image_years`` point at that folder's copy instead.
    """
    match = POST_NAME_RE.match(name)
    if match is None:
        raise ValueError(f"not a post's file name: {name}")
    old = dt.date.fromisoformat(match["date"])
    new = old + dt.timedelta(days=days)
    shift = dt.timedelta(days=days)

    def front_date(m: re.Match[str]) -> str:
        # Jekyll rolls an impossible day over (2022-02-29 is 1 March): so does the copy.
        try:
            day = dt.date(int(m["y"]), int(m["m"]), 1) + dt.timedelta(days=int(m["d"]) - 1)
        except ValueError:
            return m[0]  # no such month: the importer says so of the copy as of the post
        return f"{m['key']}{day + shift}"

    def title_date(m: re.Match[str]) -> str:
        month = MONTHS.get(m["month"].lower())
        try:
            day = dt.date(int(m["year"]), month, int(m["day"])) if month else None
        except ValueError:
            day = None
        if day is None:
            return m[0]
        day += shift
        return f"{day:%B} {day.day}, {day.year}"

    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in {"---", "..."}), len(lines))
    for i in range(1, end):
        line = lines[i]
        if line.startswith("date:"):
            lines[i] = FRONT_DATE_RE.sub(front_date, line, count=1)
        elif line.startswith("title:"):
            lines[i] = TITLE_DATE_RE.sub(title_date, line, count=1)
        elif line.startswith("slug:"):
            lines[i] = line.replace(old.isoformat(), new.isoformat())
    if image_years:
        lines[end:] = [
            IMAGE_YEAR_RE.sub(
                lambda m: f"/{image_years.get(int(m['year']), int(m['year']))}/images/", line
            )
            for line in lines[end:]
        ]
    return f"{new}-{match['slug']}.{match['ext']}", "\n".join(lines)


@dataclass
class Synthetic:
    """How a synthetic archive was made, for the report."""

    scale: int
    posts: int
    #: Days between one copy and the next (each copy is that much earlier).
    shift_days: int
    #: Years between one copy's image folders and the next's (each copy's are earlier).
    image_year_shift: int
    #: The oldest and the newest post of the archive.
    first: str
    last: str


def make_synthetic(source: Path, dest: Path, scale: int) -> Synthetic:
    """An LWKD checkout ``scale`` times the size of ``source``: its posts and images, and
    ``scale - 1`` copies of them, each moved whole weeks earlier than the one before.

    Each copy ends two weeks before the next one starts, the newest copy two weeks
    before the first real post, so every copy's issues cover weeks of their own, all in
    the past and so all published (a post whose file date is not a Sunday keeps its
    weekday, so the importer reads its week the same way). Each copy's images are copies
    too, in year folders moved as many years back as the posts span (``/2018/images``
    of the first copy is ``/2010/images``), before any year of the real archive, so the
    4x archive has four times the images to copy.

    Every copy is dated before 2020, when the importer reads a small or zero-padded KEP
    number as the old numbering (``KEP 34``) and leaves it unlinked. The real posts of
    2020 on name no such number, so the copies' roles are those of the posts they copy.
    """
    posts = real_posts(source)
    first, last = post_date(posts[0]), post_date(posts[-1])
    shift_days = ((last - first).days // 7 + 2) * 7
    year_shift = last.year - first.year + 1
    year_folders = [p for p in source.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name)]
    oldest = min([first.year, *(int(p.name) for p in year_folders)])
    if (first - dt.timedelta(days=(scale - 1) * shift_days)).year < 1000 or (
        oldest - (scale - 1) * year_shift < 1000
    ):
        raise SystemExit(f"bench: --scale {scale} would date copies before the year 1000")
    shutil.copytree(source, dest, symlinks=True)
    for k in range(1, scale):
        image_years = {int(p.name): int(p.name) - k * year_shift for p in year_folders}
        for folder in year_folders:
            target = dest / str(image_years[int(folder.name)])
            if target.exists():
                raise SystemExit(
                    f"bench: synthetic image folder {target.name} would replace another"
                )
            shutil.copytree(folder, target, symlinks=True)
        for post in posts:
            name, text = redate_post(
                post.read_text(encoding="utf-8"), post.name, -k * shift_days, image_years
            )
            target = dest / "_posts" / name
            if target.exists():
                raise SystemExit(f"bench: synthetic post {name} would replace another")
            target.write_text(text, encoding="utf-8")
    posts = real_posts(dest)
    return Synthetic(
        scale,
        len(posts),
        shift_days,
        year_shift,
        str(post_date(posts[0])),
        str(post_date(posts[-1])),
    )


def write_new_post(lwkd: Path) -> Path:
    """Add the week after the newest post: a copy of it, a week later. Its path.

    The new post must be published on the day the bench runs (a post dated later is a
    draft, which changes no other page): it is refused when it would not be.
    """
    newest = real_posts(lwkd)[-1]
    name, text = redate_post(newest.read_text(encoding="utf-8"), newest.name, 7, {})
    if post_date(Path(name)) >= dt.date.today():
        raise SystemExit(f"bench: the new post {name} would be dated today or later, a draft")
    path = lwkd / "_posts" / name
    path.write_text(text, encoding="utf-8")
    return path


def published_issues(site: Path) -> list[dict]:
    """The issues the built site lists as published, oldest first (``api/issues.json``)."""
    path = site / "api" / "issues.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"bench: cannot read {path}: {exc}") from None


# The projects measured -------------------------------------------------------------


class Site:
    """One project built with Sphinx directly, as the comparison with bare Sphinx needs."""

    def __init__(self, name: str, srcdir: Path, confdir: Path, outdir: Path, extra: list[str]):
        self.name, self.srcdir, self.confdir, self.outdir, self.extra = (
            name, srcdir, confdir, outdir, extra,
        )  # fmt: skip

    def clean(self) -> None:
        shutil.rmtree(self.outdir, ignore_errors=True)

    def build(self) -> Run:
        return run_build(sphinx_cmd(self.srcdir, self.outdir, self.confdir, self.extra), REPO)


@dataclass
class Step:
    """One `make archive`: its import and its build."""

    import_: Run
    html: Run

    @property
    def seconds(self) -> float:
        return self.import_.seconds + self.html.seconds

    @property
    def cpu(self) -> float:
        return self.import_.cpu + self.html.cpu


@dataclass
class ArchiveRuns:
    new_post: list[Step] = field(default_factory=list)
    nothing_changed: list[Step] = field(default_factory=list)
    full: Step | None = None


class Archive:
    """A copy of the project and an LWKD checkout, built by the project's own Makefile,
    as an editor runs it; its state after a build is kept, so every round starts there."""

    def __init__(self, name: str, workdir: Path, lwkd: Path):
        self.name, self.lwkd = name, lwkd
        self.project = copy_project(workdir / "project")
        shutil.copy2(REPO / "Makefile", self.project / "Makefile")
        self.snapshot = workdir / "snapshot"
        self.runs = ArchiveRuns()
        self.pages = 0

    def make(self, target: str) -> Run:
        return run_build(
            [
                os.environ.get("MAKE", "make"),
                "--no-print-directory",
                target,
                f"PYTHON={sys.executable}",
                f"LWKD_REPO={self.lwkd}",
                f"ENHANCEMENTS_REPO={CORPUS / 'enhancements'}",
                f"COMMUNITY_REPO={CORPUS / 'community'}",
                f"SIG_RELEASE_REPO={CORPUS / 'sig-release'}",
            ],
            self.project,
        )

    def step(self) -> Step:
        """`make archive`: `make import`, then `make html` (each timed)."""
        return Step(self.make("import"), self.make("html"))

    def first_build(self) -> None:
        """Import and build from nothing, then once more with nothing changed (the state
        an editor's checkout is in between weeks), and keep that state."""
        self.runs.full = self.step()
        self.pages = len(issue_pages(self.project / "source" / "archive"))
        self.check_all_published()
        self.step()
        shutil.rmtree(self.snapshot, ignore_errors=True)
        for name in ARCHIVE_STATE:
            shutil.copytree(self.project / name, self.snapshot / name, symlinks=True)
        os.sync()

    @property
    def html(self) -> Path:
        return self.project / "_build" / "html"

    def check_all_published(self) -> None:
        """Every imported issue is listed as published: none is a draft, whose build
        would cost less than a published issue's and so understate the measure."""
        listed = len(published_issues(self.html))
        if listed != self.pages:
            raise SystemExit(
                f"bench: the {self.name} site lists {listed} published issues in "
                f"api/issues.json, not all {self.pages} imported (drafts, dated in the future?)"
            )

    def check_new_post(self, post: Path) -> None:
        """The new post is built, listed as the newest published issue, and its previous
        issue's page links to it, as after a real week's `make archive`."""
        source = f"_posts/{post.name}"
        page = post_page(post)
        if (
            not (self.project / "source" / "archive" / page).is_file()
            or not (self.html / "archive" / page).with_suffix(".html").is_file()
        ):
            raise SystemExit(f"bench: the new post {post.name} was not imported and built")
        issues = published_issues(self.html)
        if len(issues) != self.pages + 1 or issues[-1].get("source") != source:
            where = next((n for n, i in enumerate(issues) if i.get("source") == source), None)
            raise SystemExit(
                f"bench: the {self.name} site's api/issues.json lists {len(issues)} issues "
                f"({self.pages + 1} expected), and the new post {post.name} "
                + ("not at all" if where is None else f"at {where + 1}, not last (the newest)")
            )
        previous = self.html / issues[-2]["url"]
        stem = Path(page).stem
        text = previous.read_text(encoding="utf-8") if previous.is_file() else ""
        if not re.search(rf'rel="next" href="[^"]*{re.escape(stem)}\.html"', text):
            raise SystemExit(
                f"bench: the previous issue's page {issues[-2]['url']} does not link to "
                f"the new post {post.name}"
            )

    def restore(self) -> None:
        """Back to the kept state: the same files with the same modification times, so
        neither the importer nor Sphinx sees a change."""
        for name in ARCHIVE_STATE:
            shutil.rmtree(self.project / name)
            shutil.copytree(self.snapshot / name, self.project / name, symlinks=True)
        # Written out now, not while the next step is timed.
        os.sync()

    def measure_round(self) -> None:
        """`make archive` with nothing changed, then with one new post; then restore."""
        self.runs.nothing_changed.append(self.step())
        post = write_new_post(self.lwkd)
        try:
            step = self.step()
            self.check_new_post(post)
            self.runs.new_post.append(step)
        finally:
            post.unlink()
            self.restore()


def post_page(post: Path) -> str:
    """Where the importer writes a post whose file date is a Sunday: ``2025/2025-07-06.md``."""
    day = post_date(post)
    return f"{day:%Y}/{day}.md"


def import_from_empty(project: Path, lwkd: Path, rounds: int) -> list[float]:
    """The first ``make import``: into an empty folder, ``rounds`` times."""
    out = project / "source" / "archive"
    seconds = []
    for _ in range(rounds):
        shutil.rmtree(out, ignore_errors=True)
        seconds.append(run_build(import_cmd(lwkd, out), project).seconds)
    return seconds


def bare_project(archive: Path, bare: Path) -> Path:
    """The imported pages, alone, with Sphinx's plainest configuration."""
    shutil.copytree(archive, bare / "archive")
    (bare / "index.md").write_text("# Bare\n", encoding="utf-8")
    (bare / "conf.py").write_text(BARE_CONF, encoding="utf-8")
    return bare


# Reporting ----------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    value: float
    limit: float
    text: str

    @property
    def met(self) -> bool:
        return self.value <= self.limit


def cell(seconds: float, yardstick: float) -> str:
    return f"{seconds / yardstick:5.2f}x {seconds:6.2f} s"


def report_builds(
    results: dict[str, dict[str, list[Run]]], import_seconds: list[float], out: Path, targets
) -> dict:
    a, b = results["archive"], results["bare"]
    bare_full = median([r.seconds for r in b["full"]])
    rows = [
        ("full build", median([r.seconds for r in a["full"]]), bare_full, "<= 1.3x bare full build", 1.3),
        ("rebuild, nothing changed", median([r.seconds for r in a["nochange"]]), median([r.seconds for r in b["nochange"]]), "<= 1.5x bare nothing changed", 1.5),
        ("peak memory (MB)", max(r.max_rss_mb for r in a["full"]), max(r.max_rss_mb for r in b["full"]), "<= 1.5x bare", 1.5),
        ("import of all posts", median(import_seconds), bare_full, "<= 0.1x bare full build", 0.1),
    ]  # fmt: skip
    print(
        f"\nbuilds, real corpus (sphinx-build){'':4} {'archive':>10} {'bare':>10} {'ratio':>7}  {'target':31} met"
    )
    data: dict[str, object] = {}
    for name, ours, bare, text, limit in rows:
        target = Target(f"builds: {name}", ours / bare, limit, text)
        targets.append(target)
        data[name] = {
            "archive": ours,
            "bare": bare,
            "ratio": ours / bare,
            "target": text,
            "met": target.met,
        }
        print(f"{name:38} {ours:10.2f} {bare:10.2f} {ours / bare:7.2f}  {text:31} {'yes' if target.met else 'NO'}")  # fmt: skip
    pages = sorted(
        p.stat().st_size for p in (out / "archive").glob("*/*.html") if p.stem[:4].isdigit()
    )
    for name, value, limit, unit in (
        ("whole site on disk", dir_size(out) / 1e6, 40, "MB"),
        ("median issue page", median(pages) / 1e3, 50, "KB"),
    ):
        target = Target(f"builds: {name}", value, limit, f"<= {limit} {unit}")
        targets.append(target)
        data[name] = {"value": value, "unit": unit, "target": target.text, "met": target.met}
        print(f"{name:38} {value:7.1f} {unit} {'':10} {'':7}  {target.text:31} {'yes' if target.met else 'NO'}")  # fmt: skip
    data["seconds"] = {
        "archive": {k: [r.seconds for r in v] for k, v in a.items()},
        "bare": {k: [r.seconds for r in v] for k, v in b.items()},
        "import of all posts": import_seconds,
    }
    return data


def report_new_post(
    archives: list[Archive], yardstick: Run, targets: list[Target], attr: str = "seconds"
) -> dict:
    """The `make archive` table: each scale's medians, as ratios to the bare full build.

    With ``attr="cpu"`` the same in CPU seconds, which other load on the machine
    disturbs less than the wall time an editor waits; only wall time meets targets.
    """
    one, bare_full = archives[0], getattr(yardstick, attr)
    rows: list[tuple[str, Callable[[ArchiveRuns], list[Step | Run]]]] = [
        ("one new post (make archive)", lambda r: r.new_post),
        ("  of which make import", lambda r: [s.import_ for s in r.new_post]),
        ("  of which make html", lambda r: [s.html for s in r.new_post]),
        ("nothing changed (make archive)", lambda r: r.nothing_changed),
        ("import only, nothing changed", lambda r: [s.import_ for s in r.nothing_changed]),
        ("first import + full build (once)", lambda r: [r.full] if r.full else []),
    ]
    heads = [f"{a.name} ({a.pages} issues)" for a in archives]
    title = "make archive" if attr == "seconds" else "make archive, CPU seconds"
    print(
        f"\n{title:33}"
        + "".join(f" {h:>16}" for h in heads)
        + (f" {archives[-1].name + '/1x':>6}" if len(archives) > 1 else "")
        + ("  target" if attr == "seconds" else "")
    )
    data: dict[str, dict] = {}
    for name, runs_of in rows:
        values = [[getattr(r, attr) for r in runs_of(a.runs)] for a in archives]
        medians = [median(v) for v in values]
        line = f"{name:33}" + "".join(f" {cell(m, bare_full):>16}" for m in medians)
        growth = medians[-1] / medians[0] if len(archives) > 1 else None
        if growth is not None:
            line += f" {growth:6.2f}"
        notes = []
        if name.startswith("one new post") and attr == "seconds":
            notes.append(
                Target(
                    f"one new post, {one.name}", medians[0] / bare_full, 0.15,
                    f"{one.name} <= 0.15x bare full build",
                )
            )  # fmt: skip
            if growth is not None:
                notes.append(
                    Target(
                        f"one new post, {archives[-1].name}", growth, 1.5,
                        f"{archives[-1].name} <= 1.5x {one.name}",
                    )
                )  # fmt: skip
            targets.extend(notes)
            line += "  " + "; ".join(f"{t.text}: {'met' if t.met else 'MISSED'}" for t in notes)
        print(line)
        data[name] = {
            a.name: {"rounds": v, "median": m, "ratio_to_bare_full": m / bare_full}
            for a, v, m in zip(archives, values, medians, strict=True)
        }
        if growth is not None:
            data[name]["growth"] = growth
        if notes:
            data[name]["targets"] = [
                {"target": t.text, "value": t.value, "met": t.met} for t in notes
            ]
    return data


# The run ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        epilog="Example, a quick look at the new-post figures alone: "
        "python benchmarks/bench.py --only new-post --rounds 3",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of every measure; each figure is the median of its rounds (default 3; "
        "fewer than 3 makes the medians of a noisy machine unreliable)",
    )
    parser.add_argument(
        "--only",
        choices=GROUPS,
        action="append",
        help="measure this group alone (repeatable): 'builds' (archive against bare Sphinx: "
        "full build, nothing changed, memory, import from empty, size) or 'new-post' "
        "(`make archive` with one new post and with nothing changed, at 1x and at "
        "--scale); the bare full build, the yardstick, is measured either way",
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=4,
        help="size of the synthetic archive, in copies of the real corpus (default 4; "
        "1 measures the real corpus alone)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=RESULTS,
        help=f"where the results are written as JSON (default {RESULTS.relative_to(REPO)})",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="build here and keep it afterwards (default: a temporary folder, removed); "
        "it must be empty or absent",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.scale < 1:
        parser.error("--rounds and --scale must be at least 1")
    args.only = args.only or list(GROUPS)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (CORPUS / "lwkd" / "_posts").is_dir():
        print(f"bench: skipped: no corpus at {CORPUS} (set LWKD_CORPUS)")
        return 0
    if args.workdir:
        if args.workdir.exists() and any(args.workdir.iterdir()):
            raise SystemExit(f"bench: {args.workdir} is not empty")
        args.workdir.mkdir(parents=True, exist_ok=True)
        work, cleanup = args.workdir.resolve(), None
    else:
        cleanup = tempfile.TemporaryDirectory(prefix="lwkd-bench-")
        work = Path(cleanup.name)
    started = time.perf_counter()
    try:
        results = measure(args, work)
    finally:
        if cleanup:
            cleanup.cleanup()
    results["bench_seconds"] = time.perf_counter() - started
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    met = sum(t["met"] for t in results["targets"])
    minutes, seconds = divmod(round(results["bench_seconds"]), 60)
    print(
        f"\nbench: {args.rounds} rounds; {met} of {len(results['targets'])} targets met; "
        f"took {minutes} min {seconds} s; results in {args.json}"
    )
    return 0


def measure(args: argparse.Namespace, work: Path) -> dict:
    builds, new_post = "builds" in args.only, "new-post" in args.only
    lwkd = work / "1x" / "lwkd"
    shutil.copytree(CORPUS / "lwkd", lwkd, symlinks=True)
    archives = [Archive("1x", work / "1x", lwkd)]
    project = archives[0].project
    import_seconds = import_from_empty(project, lwkd, args.rounds if builds else 1)
    bare = Site("bare", bare_project(project / "source" / "archive", work / "bare"),
                work / "bare", work / "out-bare", [])  # fmt: skip
    ours = Site("archive", project / "source", project, work / "out-archive", ["-W"])
    synthetic = None
    if new_post:
        print(f"bench: building the 1x archive ({len(real_posts(lwkd))} posts) ...", flush=True)
        archives[0].first_build()
        if args.scale > 1:
            name = f"{args.scale}x"
            synthetic = make_synthetic(lwkd, work / name / "lwkd", args.scale)
            print(f"bench: building the {name} archive ({synthetic.posts} posts) ...", flush=True)
            archives.append(Archive(name, work / name, work / name / "lwkd"))
            archives[-1].first_build()
            if archives[-1].pages != args.scale * archives[0].pages:
                raise SystemExit(
                    f"bench: the {name} archive has {archives[-1].pages} issues, "
                    f"not {args.scale} x {archives[0].pages}"
                )
    # Rounds alternate between all that is measured, so that machine noise hits all alike.
    sites = (bare, ours) if builds else (bare,)
    runs: dict[str, dict[str, list[Run]]] = {s.name: {"full": [], "nochange": []} for s in sites}
    for number in range(1, args.rounds + 1):
        print(f"bench: round {number} of {args.rounds} ...", flush=True)
        for site in sites:
            site.clean()
            runs[site.name]["full"].append(site.build())
            if builds:
                runs[site.name]["nochange"].append(site.build())
        if new_post:
            for archive in archives:
                archive.measure_round()
    bare_runs = runs["bare"]["full"]
    bare_full = median([r.seconds for r in bare_runs])
    yardstick = Run(
        bare_full, max(r.max_rss_mb for r in bare_runs), median([r.cpu for r in bare_runs])
    )
    print(
        f"\nbench: {args.rounds} rounds; ratios are to a bare Sphinx full build of the real "
        f"corpus, {bare_full:.2f} s (median; {yardstick.cpu:.2f} s CPU), measured in the same rounds"
    )
    targets: list[Target] = []
    results: dict[str, object] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rounds": args.rounds,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            # How busy the machine was, over the last 1, 5 and 15 minutes, at the end.
            "load_average": os.getloadavg(),
        },
        "bare_full_build": {
            "median": bare_full,
            "rounds": [r.seconds for r in bare_runs],
            "cpu_median": yardstick.cpu,
            "cpu_rounds": [r.cpu for r in bare_runs],
        },
    }
    if builds:
        results["builds"] = report_builds(runs, import_seconds, ours.outdir, targets)
    if new_post:
        results["make_archive"] = report_new_post(archives, yardstick, targets)
        results["make_archive_cpu"] = report_new_post(archives, yardstick, [], attr="cpu")
        results["archives"] = {a.name: {"issues": a.pages} for a in archives}
        if synthetic:
            results["synthetic"] = vars(synthetic)
    results["targets"] = [
        {"name": t.name, "value": t.value, "limit": t.limit, "target": t.text, "met": t.met}
        for t in targets
    ]
    return results


if __name__ == "__main__":
    raise SystemExit(main())
