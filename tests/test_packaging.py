"""The archive as a package LWKD's editors install: its wheel, its command, its pre-commit hook
and GitHub Action, run as pre-commit and GitHub run them on a copy of LWKD's repository."""

from __future__ import annotations

import ast
import datetime as dt
import email
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions, requires
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

#: What the archive needs at run time, by hand: what lwkd_archive and conf.py import, and
#: the Pagefind binary the build runs (pagefind[bin] brings pagefind_bin).
RUNTIME_DEPENDENCIES = {
    "sphinx", "docutils", "myst-parser", "markdown-it-py", "sphinx-design", "ablog", "feedgen",
    "lxml", "jinja2", "markupsafe", "pygments", "pyyaml", "pagefind", "rich",
}  # fmt: skip
#: SHA-256 of the Apache License 2.0 as apache.org publishes it (LICENSE-2.0.txt, 202 lines).
APACHE_2_0_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"
#: Three real posts of the corpus, copied at test time into a scratch LWKD repository.
POSTS = ("2025-06-15-update.md", "2025-06-22-update.md", "2025-06-29-update.md")
GIT_IDENTITY = ["-c", "user.name=LWKD editor", "-c", "user.email=editor@lwkd.invalid"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory) -> Path:
    """The project's files (as git would commit them now) in a repository of their own.

    pre-commit installs a hook from a commit, and a wheel is built in its source folder:
    both work on this copy, never on the checkout.
    """
    copy = tmp_path_factory.mktemp("lwkd-archive")
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, names):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    git(copy, "init", "--quiet")
    git(copy, "add", "--all")
    git(copy, "commit", "--quiet", "--message", "the project as it is")
    return copy


@pytest.fixture(scope="module")
def wheel(project_copy, tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), "."],
        cwd=project_copy,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("lwkd_archive-*.whl")
    return zipfile.ZipFile(built)


def wheel_metadata(wheel: zipfile.ZipFile) -> email.message.Message:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return email.message_from_bytes(wheel.read(name))


# -- the wheel ---------------------------------------------------------------------------


def test_wheel_requires_every_runtime_dependency(wheel):
    declared = [Requirement(r) for r in wheel_metadata(wheel).get_all("Requires-Dist")]
    runtime = {canonicalize_name(r.name) for r in declared if not r.marker}
    assert runtime == RUNTIME_DEPENDENCIES
    (pagefind,) = [r for r in declared if r.name == "pagefind"]
    assert pagefind.extras == {"bin"}  # the binary the build runs, not only the wrapper
    serve = {canonicalize_name(r.name) for r in declared if r.marker}
    assert serve == {"sphinx-autobuild"}  # `make serve`, an extra


def test_each_dependency_range_holds_the_pinned_version():
    pins = {}
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(Requirement(name).name)] = version.strip()
    project = pyproject()["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["serve"]
    for requirement in map(Requirement, wanted):
        pinned = pins[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(pinned), (str(requirement), pinned)


def test_every_module_the_archive_imports_comes_with_a_dependency():
    # A third-party import in lwkd_archive or conf.py, mapped to the distribution installing it.
    declared = {
        canonicalize_name(Requirement(r).name) for r in pyproject()["project"]["dependencies"]
    }
    provided = set(declared)
    for name in declared:  # what an extra brings: pagefind[bin] brings pagefind_bin
        for line in requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker and requirement.marker.evaluate({"extra": "bin"}):
                provided.add(canonicalize_name(requirement.name))
    owners = packages_distributions()
    sources = [*sorted((REPO / "lwkd_archive").rglob("*.py")), REPO / "conf.py"]
    missing = set()
    for source in sources:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        modules |= {
            n.module
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module and not n.level
        }
        for module in {m.split(".")[0] for m in modules}:
            if module in sys.stdlib_module_names or module in {"lwkd_archive", "__future__"}:
                continue
            if not {canonicalize_name(d) for d in owners.get(module, [])} & provided:
                missing.add(f"{source.relative_to(REPO)}: {module}")
    # conf.py names its extensions as strings; they are imports too.
    extensions = re.search(r"^extensions = (\[.*\])$", (REPO / "conf.py").read_text(), re.M)
    for module in ast.literal_eval(extensions[1]):
        if (
            module != "lwkd_archive"
            and not {canonicalize_name(d) for d in owners[module]} & provided
        ):
            missing.add(f"conf.py: extension {module}")
    assert sorted(missing) == []


def test_wheel_carries_the_licence_and_the_package_data(wheel):
    metadata = wheel_metadata(wheel)
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    (licence,) = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert wheel.read(licence) == (REPO / "LICENSE").read_bytes()
    names = set(wheel.namelist())
    assert "lwkd_archive/facts/data/groups.yaml" in names
    assert "lwkd_archive/editor/changed_posts.py" in names
    assert any(n.startswith("lwkd_archive/templates/lwkd/") for n in names)
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "lwkd-archive = lwkd_archive.cli:main" in wheel.read(entry_points).decode()


def test_licence_is_the_full_apache_license_2_0():
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    for section in (
        "1. Definitions.", "2. Grant of Copyright License.", "3. Grant of Patent License.",
        "4. Redistribution.", "5. Submission of Contributions.", "6. Trademarks.",
        "7. Disclaimer of Warranty.", "8. Limitation of Liability.",
        "9. Accepting Warranty or Additional Liability.", "END OF TERMS AND CONDITIONS",
    ):  # fmt: skip
        assert section in text
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == APACHE_2_0_SHA256


# -- the command -------------------------------------------------------------------------


def installed_script() -> Path:
    return Path(sys.executable).parent / "lwkd-archive"


def test_version_is_the_installed_distributions():
    version = pyproject()["project"]["version"]
    for command in ([str(installed_script())], [sys.executable, "-m", "lwkd_archive"]):
        done = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True)
        assert done.stdout == f"lwkd-archive {version}\n"


@pytest.mark.parametrize(
    ("command", "prog"),
    [
        ([str(installed_script())], "lwkd-archive"),
        ([sys.executable, "-m", "lwkd_archive"], "python -m lwkd_archive"),
    ],
)
def test_help_names_the_command_as_it_was_run(command, prog):
    top = subprocess.run([*command, "--help"], capture_output=True, text=True, check=True).stdout
    assert top.startswith(f"usage: {prog} [-h] [--version] COMMAND ...\n")
    sub = subprocess.run([*command, "new", "--help"], capture_output=True, text=True, check=True)
    assert sub.stdout.startswith(f"usage: {prog} new [-h]")
    assert "--jekyll" in sub.stdout


# -- make serve ----------------------------------------------------------------------------


def make_serve(*assignments: str, env: dict[str, str] | None = None):
    # PYTHON=echo shows the command the recipe runs, with PORT as the shell received it.
    return subprocess.run(
        ["make", "--no-print-directory", "serve", "PYTHON=echo", *assignments],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
    )


def test_make_serve_listens_on_port_8000_or_the_one_given():
    assert " --port 8000 " in make_serve().stdout
    assert " --port 9001 " in make_serve("PORT=9001").stdout


@pytest.mark.parametrize(
    "port", ["8000; touch {marker}", "$(shell touch {marker})", "`touch {marker}`", "", "80a"]
)
def test_make_serve_takes_port_as_data_and_refuses_what_is_no_number(tmp_path, port):
    marker = tmp_path / "ran"
    done = make_serve(f"PORT={port.format(marker=marker)}")
    assert done.returncode == 2
    assert "is not a port number: give PORT=8000" in done.stderr
    assert "sphinx_autobuild" not in done.stdout
    assert not marker.exists()


# -- the pre-commit hook and the GitHub Action, on a copy of LWKD's repository ---------------


def lwkd_repository(root: Path, corpus: Path) -> tuple[Path, str]:
    """A scratch LWKD repository with three real posts, one of them re-dated as this week's
    issue being written (a defect is an error in a post not yet published; in one lwkd.info
    published a while ago, a warning). Returns the repository and that post's path."""
    root.mkdir()
    (root / "_posts").mkdir()
    for name in POSTS[:2]:
        shutil.copy2(corpus / "lwkd" / "_posts" / name, root / "_posts" / name)
    now = dt.datetime.now(dt.UTC)
    day = (now - dt.timedelta(days=1)).date()
    week = day - dt.timedelta(days=(day.weekday() + 1) % 7)  # the Sunday on or before it
    lines = (corpus / "lwkd" / "_posts" / POSTS[2]).read_text(encoding="utf-8").split("\n")
    assert lines[2:5] == [
        "title: Week Ending June 29, 2025", "date: 2025-07-04 06:49:54 -0000",
        "slug: 2025-06-29-update",
    ]  # fmt: skip
    lines[2:5] = [
        f"title: Week Ending {week:%B %d, %Y}",
        f"date: {now - dt.timedelta(hours=1):%Y-%m-%d %H:%M:%S} -0000",
        f"slug: {week}-update",
    ]
    draft = f"_posts/{week}-update.md"
    (root / draft).write_text("\n".join(lines), encoding="utf-8")
    (root / "README.md").write_text("# Last Week In Kubernetes Development\n", encoding="utf-8")
    git(root, "init", "--quiet")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "base")
    return root, draft


def add_empty_link(repo: Path, post: str, line: int) -> None:
    """Append ``See [x]().`` to one line of a post: a link with no target."""
    lines = (repo / post).read_text(encoding="utf-8").split("\n")
    lines[line - 1] += " See [x]()."
    (repo / post).write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.corpus
def test_pre_commit_hook_passes_a_good_post_and_fails_an_empty_link(corpus, project_copy, tmp_path):
    # LWKD's .pre-commit-config.yaml names this repository at a commit; pre-commit clones it
    # and pip-installs it once (about a minute), as `pre-commit try-repo` does on every run.
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["lwkd-check"]
    lwkd, draft = lwkd_repository(tmp_path / "lwkd", corpus)
    rev = git(project_copy, "rev-parse", "HEAD").strip()
    config = {"repos": [{"repo": str(project_copy), "rev": rev, "hooks": [{"id": "lwkd-check"}]}]}
    (lwkd / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(lwkd, "add", ".pre-commit-config.yaml")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}

    def pre_commit(*posts: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "lwkd-check", "--files", *posts],
            cwd=lwkd, capture_output=True, text=True, env=env, timeout=600,
        )  # fmt: skip

    good = pre_commit(f"_posts/{POSTS[0]}", draft)
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"^LWKD post check\.+Passed$", good.stdout, re.M)
    add_empty_link(lwkd, draft, 10)
    git(lwkd, "add", draft)
    bad = pre_commit(f"_posts/{POSTS[0]}", draft)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert re.search(r"^LWKD post check\.+Failed$", bad.stdout, re.M)
    assert f"{draft}:10: LWKD201 link [x]() has no target" in bad.stdout
    # A post lwkd.info published long ago, being changed: its errors are errors too.
    old = f"_posts/{POSTS[1]}"
    add_empty_link(lwkd, old, 10)
    git(lwkd, "add", old)
    touched = pre_commit(old)
    assert touched.returncode == 1, touched.stdout + touched.stderr
    assert f"{old}:10: LWKD201 link [x]() has no target" in touched.stdout
    assert "so a warning" not in touched.stdout
    # A file outside _posts/ is not a post: the hook is not run on it.
    other = pre_commit("README.md")
    assert re.search(r"^LWKD post check\.+\(no files to check\)Skipped$", other.stdout, re.M)


def action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def step_env(step: dict, inputs: dict[str, str]) -> dict[str, str]:
    """The step's environment as GitHub sets it: ``${{ inputs.NAME }}``, each input's value."""
    env = {}
    for name, value in step.get("env", {}).items():
        value = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m[1]], value)
        assert "${{" not in value, f"the test does not know the expression in {name}: {value}"
        env[name] = value
    return env


def run_action_check(lwkd: Path, event_name: str, event: dict, **given: str):
    """Run the action's check step, its `run:` text, as GitHub runs it in LWKD's checkout."""
    definition = action()
    inputs = {name: spec.get("default", "") for name, spec in definition["inputs"].items()}
    inputs.update(given)
    (step,) = [s for s in definition["runs"]["steps"] if s.get("id") == "check"]
    event_path = lwkd.parent / "event.json"
    event_path.write_text(json.dumps(event), encoding="utf-8")
    env = {
        **os.environ,
        # setup-python's interpreter, with the archive installed: here, the test's own.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_WORKSPACE": str(lwkd),
        "GITHUB_ACTION_PATH": str(REPO),
        **step_env(step, inputs),
    }
    assert step["shell"] == "bash"
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=lwkd, capture_output=True, text=True, env=env
    )


def test_action_installs_this_package_and_keeps_inputs_out_of_its_shell():
    steps = action()["runs"]["steps"]
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert steps[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    assert (
        'pip install --disable-pip-version-check --quiet "$GITHUB_ACTION_PATH"' in steps[1]["run"]
    )
    for step in steps:
        assert "${{" not in step.get("run", ""), "an input pasted into a shell runs as code"
    assert action()["inputs"]["paths"]["default"] == "_posts/*.md"


@pytest.mark.corpus
@pytest.mark.parametrize("event_name", ["pull_request", "push"])
def test_action_fails_a_pull_request_that_adds_an_empty_link(corpus, tmp_path, event_name):
    lwkd, draft = lwkd_repository(tmp_path / "lwkd", corpus)
    base = git(lwkd, "rev-parse", "HEAD").strip()
    add_empty_link(lwkd, draft, 10)
    git(lwkd, "commit", "--quiet", "--all", "--message", "Developer News")
    event = (
        {"pull_request": {"base": {"sha": base}}}
        if event_name == "pull_request"
        else {"before": base}
    )
    done = run_action_check(lwkd, event_name, event)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"lwkd-archive check --format github --changed -- {draft}"
    assert any(
        line.startswith(f"::error file={draft},line=10,title=LWKD201::link [x]() has no target")
        for line in lines
    ), done.stdout


@pytest.mark.corpus
def test_action_passes_a_good_change_and_checks_only_the_posts_changed(corpus, tmp_path):
    lwkd, draft = lwkd_repository(tmp_path / "lwkd", corpus)
    base = git(lwkd, "rev-parse", "HEAD").strip()
    with (lwkd / draft).open("a", encoding="utf-8") as post:
        post.write("\n* Thanks to [@jberkus](https://github.com/jberkus) for the review.\n")
    (lwkd / "README.md").write_text("# LWKD\n\n[x]()\n", encoding="utf-8")  # not a post
    git(lwkd, "rm", "--quiet", f"_posts/{POSTS[1]}")  # deleted: nothing to check
    git(lwkd, "commit", "--quiet", "--all", "--message", "Shoutouts")
    done = run_action_check(lwkd, "pull_request", {"pull_request": {"base": {"sha": base}}})
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == f"lwkd-archive check --format github --changed -- {draft}"
    assert "::error" not in done.stdout


@pytest.mark.corpus
def test_action_says_so_when_no_post_changed(corpus, tmp_path):
    lwkd, _draft = lwkd_repository(tmp_path / "lwkd", corpus)
    base = git(lwkd, "rev-parse", "HEAD").strip()
    (lwkd / "README.md").write_text("# LWKD\n", encoding="utf-8")
    git(lwkd, "commit", "--quiet", "--all", "--message", "README")
    done = run_action_check(lwkd, "pull_request", {"pull_request": {"base": {"sha": base}}})
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == f"no posts in _posts/*.md changed since {base[:12]}: nothing to check\n"
    # Its paths input narrows what counts as a post.
    done = run_action_check(lwkd, "push", {"before": base}, paths="_posts/2099-*.md")
    assert (
        done.stdout == f"no posts in _posts/2099-*.md changed since {base[:12]}: nothing to check\n"
    )


@pytest.mark.corpus
def test_action_checks_every_post_when_the_event_has_no_base(corpus, tmp_path):
    lwkd, draft = lwkd_repository(tmp_path / "lwkd", corpus)
    # A new branch's push: GitHub writes "before" as zeros.
    done = run_action_check(lwkd, "push", {"before": "0" * 40})
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "::notice::no base commit for this event: checking every post in _posts/*.md"
    assert (
        lines[1]
        == f"lwkd-archive check --format github --changed -- _posts/{POSTS[0]} _posts/{POSTS[1]} {draft}"
    )


@pytest.mark.corpus
def test_action_reports_a_base_commit_it_cannot_fetch(corpus, tmp_path):
    lwkd, _draft = lwkd_repository(tmp_path / "lwkd", corpus)
    done = run_action_check(lwkd, "pull_request", {"pull_request": {"base": {"sha": "ab" * 20}}})
    assert done.returncode == 2
    assert done.stdout.startswith(
        "::error title=lwkd-check::git fetch --quiet --no-tags --depth=1 origin"
    )
    assert "check out the repository with actions/checkout" in done.stdout


@pytest.mark.corpus
@pytest.mark.parametrize(
    "paths", ["_posts/2025-*.md", "drafts/*.md\n_posts/2025-06-1?-update.md", "**/2025-06-15-*.md"]
)
def test_action_checks_only_the_posts_its_paths_name(corpus, tmp_path, paths):
    lwkd, draft = lwkd_repository(tmp_path / "lwkd", corpus)
    base = git(lwkd, "rev-parse", "HEAD").strip()
    for post in (f"_posts/{POSTS[0]}", draft):
        with (lwkd / post).open("a", encoding="utf-8") as text:
            text.write("\nOne more line.\n")
    git(lwkd, "commit", "--quiet", "--all", "--message", "two posts")
    done = run_action_check(
        lwkd, "pull_request", {"pull_request": {"base": {"sha": base}}}, paths=paths
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        done.stdout.splitlines()[0]
        == f"lwkd-archive check --format github --changed -- _posts/{POSTS[0]}"
    )


def test_readme_snippets_name_the_hook_and_the_actions_inputs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Checking posts in LWKD's repository\n")[1].split("\n## ")[0]
    config, workflow = (yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", section, re.S))
    hook_ids = {
        hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    }
    (repo,) = config["repos"]
    assert {hook["id"] for hook in repo["hooks"]} <= hook_ids
    release = f"v{pyproject()['project']['version']}"
    assert repo["rev"] == release
    (uses,) = [s["uses"] for s in workflow["jobs"]["check"]["steps"] if "lwkd-archive" in s["uses"]]
    assert uses == f"{repo['repo'].removeprefix('https://github.com/')}@{release}"
    named = set(re.findall(r"^\s+#\s+([\w-]+): ", section.split("jobs:")[1], re.M))
    assert named == set(action()["inputs"])
