"""KEP facts (title, SIGs, status, stage, milestones) read from kubernetes/enhancements.

A ``kep.yaml`` is written by anyone whose pull request upstream was merged,
so every value is checked for its type where it is read: a value of the wrong
type is reported at its ``file:line`` and left out, and one bad file never
stops the others. A group is kept only when its slug could name a page
(see :func:`lwkd_archive.facts.groups.is_group_slug`). ``keps.json``, the importer's
compiled facts, is an input of the build too, and is checked again there.

One number, two folders (KEP-2133 upstream): the folder whose name agrees with
its ``kep-number`` wins, then one that is not a ``0000-`` placeholder, then the
further status (implemented, implementable, provisional, deferred, any other),
then the later ``latest-milestone``, then the first in path order; each other
folder is reported once, naming the one used. A ``0000-`` folder is a KEP that
was never numbered (the KEP process's own, templates): it counts only when its
``kep-number`` gives a real number.

A milestone of ``"0.0"`` (or ``"v0.0"``) is the KEP template's placeholder, not a
release: it is kept as no milestone. The feature gates a KEP lists
(``feature-gates: [{name: X, components: [...]}]``) are kept by name, so that a post
naming a gate can be tied to its KEP.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import yaml

from lwkd_archive.facts.groups import is_group_slug
from lwkd_archive.facts.yaml_loader import Where, load_yaml_with_lines
from lwkd_archive.facts.yaml_loader import kind_of as _kind
from lwkd_archive.facts.yaml_loader import quoted as _quote

#: ``keps/<sig>/<number>-<slug>/kep.yaml``: the directory number is the KEP number.
KEP_DIR_RE = re.compile(r"^(?P<number>\d+)-(?P<slug>[a-z0-9][a-z0-9._-]*)$")
#: The largest kep.yaml upstream is a few kilobytes; anything this large is not one.
MAX_KEP_YAML_BYTES = 256 * 1024
#: Statuses from the furthest along; any other status comes after these.
STATUS_ORDER = ("implemented", "implementable", "provisional", "deferred")
MILESTONE_RE = re.compile(r"^v?(?P<major>\d+)\.(?P<minor>\d+)")
#: The path of a KEP folder inside the enhancements repository, as keps.json records it.
KEP_PATH_RE = re.compile(r"^keps(?:/[\w.-]+)+$", re.ASCII)
#: The KEP template's milestone, left in place by many KEPs: no release at all.
PLACEHOLDER_MILESTONE_RE = re.compile(r"^v?0(?:\.0)+$")
#: A Kubernetes feature gate's name: UpperCamelCase letters and digits (InPlacePodVerticalScaling).
FEATURE_GATE_RE = re.compile(r"^[A-Z][A-Za-z0-9]{2,99}$", re.ASCII)
#: The most gates one KEP lists upstream is about ten; more than this is not a KEP's list.
MAX_FEATURE_GATES = 100
#: Names the KEP template and its copies write where a KEP has no gate: no gate at all.
PLACEHOLDER_GATES = frozenset({"None", "TBD", "TODO", "MyFeature", "FeatureName", "FeatureGate"})


@dataclass(frozen=True)
class KepFacts:
    """What kubernetes/enhancements says about one KEP."""

    number: int
    title: str
    owning_sig: str = ""
    participating_sigs: tuple[str, ...] = ()
    status: str = ""
    stage: str = ""
    latest_milestone: str = ""
    milestones: dict[str, str] = field(default_factory=dict)
    #: Path of the KEP folder inside the enhancements repository.
    path: str = ""
    #: The feature gates the KEP's kep.yaml lists, in its order.
    feature_gates: tuple[str, ...] = ()

    @property
    def issue_url(self) -> str:
        return f"https://github.com/kubernetes/enhancements/issues/{self.number}"

    @property
    def readme_url(self) -> str:
        if not self.path:
            return ""
        return f"https://github.com/kubernetes/enhancements/tree/master/{self.path}/README.md"


class KepFileError(ValueError):
    """A kep.yaml that cannot be read; the message names the file."""


@dataclass
class _KepYaml:
    """One kep.yaml being read: its values, the line of each, and what was wrong."""

    path: Path
    data: dict[object, object]
    lines: dict[Where, int]
    problems: list[str] = field(default_factory=list)

    def report(self, where: Where, message: str) -> None:
        line = self.lines.get(where) or self.lines.get(where[:1]) or 1
        self.problems.append(f"{self.path}:{line}: {message}")

    def text(self, key: str) -> str:
        """A text value; absent or empty (``key:``) is ''."""
        value = self.data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.report((key,), f"{key} is {_kind(value)}, not text; ignored")
            return ""
        return value.strip()

    def group(self, key: str) -> str:
        slug = self.text(key)
        if slug and not is_group_slug(slug):
            self.report(
                (key,), f"{key} {_quote(slug)} is not a group's slug (like sig-node); ignored"
            )
            return ""
        return slug

    def groups(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            hint = (
                f" (write it as a list: '- {value.strip()[:60]}')" if isinstance(value, str) else ""
            )
            self.report((key,), f"{key} is {_kind(value)}, not a list of groups; ignored{hint}")
            return ()
        slugs = []
        for index, item in enumerate(value):
            if item is None:
                continue
            if not isinstance(item, str) or not is_group_slug(item.strip()):
                shown = _quote(item) if isinstance(item, str) else _kind(item)
                self.report(
                    (key, index), f"{key}: {shown} is not a group's slug (like sig-node); ignored"
                )
                continue
            slugs.append(item.strip())
        return tuple(slugs)

    def milestones(self, key: str) -> dict[str, str]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.report(
                (key,), f"{key} is {_kind(value)}, not a mapping of stage to version; ignored"
            )
            return {}
        found = {}
        for stage, version in value.items():
            if version is None:
                continue
            if not isinstance(stage, str) or not isinstance(version, str):
                self.report(
                    (key, str(stage)),
                    f"{key}: {_kind(stage)} -> {_kind(version)} is not a stage and a version "
                    "as text (quote them); ignored",
                )
                continue
            if version.strip() and not is_placeholder_milestone(version):
                found[stage.strip()] = version.strip()
        return found

    def milestone(self, key: str) -> str:
        """A milestone as text; the template's ``"0.0"`` is no milestone ('')."""
        value = self.text(key)
        return "" if is_placeholder_milestone(value) else value

    def feature_gates(self, key: str) -> tuple[str, ...]:
        """The gate names of ``feature-gates: [- name: X]``; each bad item is reported and left out."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.report(
                (key,), f"{key} is {_kind(value)}, not a list of '- name: GateName'; ignored"
            )
            return ()
        names: list[str] = []
        for index, item in enumerate(value):
            if item is None:
                continue
            if not isinstance(item, dict):
                self.report(
                    (key, index), f"{key}: {_kind(item)} is not a '- name: GateName' item; ignored"
                )
                continue
            name = item.get("name")
            if name is None or name == "":
                self.report((key, index), f"{key}: an item has no name; write '- name: GateName'")
                continue
            if not isinstance(name, str) or not FEATURE_GATE_RE.fullmatch(name.strip()):
                shown = _quote(name) if isinstance(name, str) else _kind(name)
                self.report(
                    (key, index),
                    f"{key}: {shown} is not a feature gate's name (like "
                    "InPlacePodVerticalScaling); ignored",
                )
                continue
            if name.strip() in PLACEHOLDER_GATES:
                self.report(
                    (key, index),
                    f"{key}: {_quote(name.strip())} is a placeholder, not a gate; ignored "
                    "(write 'feature-gates: []' for a KEP without one)",
                )
                continue
            if len(names) == MAX_FEATURE_GATES:
                self.report(
                    (key, index),
                    f"{key}: more than {MAX_FEATURE_GATES} gates; the rest are ignored",
                )
                break
            if name.strip() not in names:
                names.append(name.strip())
        return tuple(names)


def is_placeholder_milestone(version: str) -> bool:
    """``"0.0"`` / ``"v0.0"``: the KEP template's milestone, which names no release."""
    return bool(PLACEHOLDER_MILESTONE_RE.fullmatch(version.strip()))


def _kep_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


@dataclass(frozen=True)
class KepReading:
    """What one ``kep.yaml`` gave: its facts (None for a ``0000-`` placeholder) and what was wrong."""

    facts: KepFacts | None
    problems: list[str]
    #: The folder's number and kep-number agree: of two folders with one number, such a one wins.
    agrees: bool = True


def read_kep_yaml(path: Path, repo_root: Path) -> KepReading:
    """Read one ``kep.yaml``; :class:`KepFileError` when it cannot be read at all.

    The folder name decides the number when the file disagrees (reported).
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise KepFileError(f"{path}:1: cannot read kep.yaml: {exc.strerror or exc}") from exc
    if size > MAX_KEP_YAML_BYTES:
        raise KepFileError(f"{path}:1: kep.yaml is {size} bytes; a KEP's is a few kilobytes")
    try:
        data, lines = load_yaml_with_lines(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise KepFileError(f"{path}:{line}: cannot read kep.yaml: {problem}") from exc
    if not isinstance(data, dict):
        raise KepFileError(f"{path}:1: kep.yaml is not a mapping")
    kep = _KepYaml(path, data, lines)
    folder = KEP_DIR_RE.match(path.parent.name)
    folder_number = int(folder["number"]) if folder else None
    written = _kep_number(data.get("kep-number"))
    agrees = written == folder_number
    if folder_number:
        number = folder_number
        if written and not agrees:
            kep.report(
                ("kep-number",),
                f"kep-number {written} disagrees with the folder's number; {folder_number} is used",
            )
    elif written:
        number = written
    elif folder_number == 0 or written == 0:
        # A KEP never numbered: the process's own, or a template.
        return KepReading(None, kep.problems)
    else:
        raise KepFileError(f"{path}:1: no KEP number in the folder name or kep-number")
    facts = KepFacts(
        number=number,
        title=kep.text("title"),
        owning_sig=kep.group("owning-sig"),
        participating_sigs=kep.groups("participating-sigs"),
        status=kep.text("status"),
        stage=kep.text("stage"),
        latest_milestone=kep.milestone("latest-milestone"),
        milestones=kep.milestones("milestone"),
        path=path.parent.relative_to(repo_root).as_posix(),
        feature_gates=kep.feature_gates("feature-gates"),
    )
    return KepReading(facts, kep.problems, agrees)


def kep_files(repo: Path) -> tuple[list[Path], list[str]]:
    """Every ``keps/**/kep.yaml`` of a checkout, without following a symbolic link.

    A link could lead anywhere on the machine that builds the site (and a link
    to ``/`` would make the walk endless); each one found is reported.
    """
    found: list[Path] = []
    links: list[str] = []
    top = repo / "keps"
    if top.is_symlink():
        return [], [f"{top}: a symbolic link; not followed"]
    for folder, subfolders, files in os.walk(top):
        here = Path(folder)
        for name in subfolders:
            if (here / name).is_symlink():
                links.append(f"{here / name}: a symbolic link to a folder; not followed")
        if "kep.yaml" in files:
            path = here / "kep.yaml"
            if path.is_symlink() or not path.is_file():
                links.append(f"{path}:1: not a regular file (a symbolic link?); not read")
            else:
                found.append(path)
        subfolders.sort()
    return sorted(found), sorted(links)


def _preference(kep: KepFacts, agrees: bool) -> tuple:
    """Sort key of the folders that claim one number: the smallest is used."""
    status = kep.status.lower()
    rank = STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)
    milestone = MILESTONE_RE.match(kep.latest_milestone)
    version = (int(milestone["major"]), int(milestone["minor"])) if milestone else (-1, -1)
    placeholder = Path(kep.path).name.startswith("0000-")
    return (not agrees, placeholder, rank, (-version[0], -version[1]), kep.path)


def _why_preferred(used: tuple, other: tuple, chosen: KepFacts) -> str:
    reasons = (
        "its folder's number agrees with its kep-number",
        "its folder is not a 0000- placeholder",
        f"its status {chosen.status!r} is further along",
        f"its latest milestone {chosen.latest_milestone!r} is later",
        "it comes first in path order",
    )
    for reason, mine, theirs in zip(reasons, used, other, strict=True):
        if mine != theirs:
            return reason
    return reasons[-1]


def load_enhancements(repo: Path) -> tuple[dict[int, KepFacts], list[str]]:
    """Read every ``keps/**/kep.yaml`` of an enhancements checkout.

    Returns the facts by KEP number and the problems, each ``file:line: what``
    (an unreadable file, a value of the wrong type, a second folder for a number);
    one bad file never hides the others.
    """
    paths, errors = kep_files(repo)
    claims: dict[int, list[tuple[tuple, KepFacts]]] = {}
    for path in paths:
        if path.parent.name.startswith("NNNN-"):
            continue  # the KEP template, not a KEP
        try:
            reading = read_kep_yaml(path, repo)
        except KepFileError as exc:
            errors.append(str(exc))
            continue
        errors.extend(reading.problems)
        kep = reading.facts
        if kep is not None:
            claims.setdefault(kep.number, []).append((_preference(kep, reading.agrees), kep))
    facts: dict[int, KepFacts] = {}
    for number, found in claims.items():
        found.sort(key=lambda claim: claim[0])
        (used_key, used), *others = found
        facts[number] = used
        for other_key, other in others:
            errors.append(
                f"{repo / other.path / 'kep.yaml'}:1: KEP-{number} is also {used.path}, "
                f"which is used: {_why_preferred(used_key, other_key, used)}"
            )
    return facts, errors


def dump_facts(facts: dict[int, KepFacts]) -> str:
    """Serialise facts as stable JSON (sorted, so an unchanged checkout gives the same bytes)."""
    rows = [asdict(facts[n]) for n in sorted(facts)]
    return json.dumps(rows, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _checked_row(index: int, row: object) -> KepFacts:
    """One row of keps.json as facts, or ValueError saying which value is wrong."""
    if not isinstance(row, dict):
        raise ValueError(f"row {index} is not an object")
    number = row.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"row {index}: number is not a KEP number")
    where = f"row {index} (KEP-{number})"
    unknown = set(row) - {f.name for f in fields(KepFacts)}
    if unknown:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
    for name in ("title", "owning_sig", "status", "stage", "latest_milestone", "path"):
        if not isinstance(row.get(name, ""), str):
            raise ValueError(f"{where}: {name} is not text")
    owning = row.get("owning_sig", "")
    if owning and not is_group_slug(owning):
        raise ValueError(f"{where}: owning_sig {_quote(owning)} is not a group's slug")
    groups = row.get("participating_sigs", [])
    if not isinstance(groups, list) or not all(is_group_slug(g) for g in groups):
        raise ValueError(f"{where}: participating_sigs is not a list of group slugs")
    milestones = row.get("milestones", {})
    if not isinstance(milestones, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in milestones.items()
    ):
        raise ValueError(f"{where}: milestones is not a mapping of text to text")
    path = row.get("path", "")
    if path and (not KEP_PATH_RE.match(path) or ".." in path.split("/")):
        raise ValueError(f"{where}: path {_quote(path)} is not a folder under keps/")
    gates = row.get("feature_gates", [])
    if (
        not isinstance(gates, list)
        or len(gates) > MAX_FEATURE_GATES
        or not all(
            isinstance(g, str) and FEATURE_GATE_RE.fullmatch(g) and g not in PLACEHOLDER_GATES
            for g in gates
        )
    ):
        raise ValueError(f"{where}: feature_gates is not a list of feature gate names")
    # A keps.json written before placeholders were dropped may still hold "0.0".
    latest = row.get("latest_milestone", "")
    return KepFacts(
        **{
            **row,
            "participating_sigs": tuple(groups),
            "feature_gates": tuple(gates),
            "latest_milestone": "" if is_placeholder_milestone(latest) else latest,
            "milestones": {k: v for k, v in milestones.items() if not is_placeholder_milestone(v)},
        }
    )


def parse_facts(text: str) -> dict[int, KepFacts]:
    """Inverse of :func:`dump_facts`, checking every value: ValueError names the first wrong one."""
    rows = json.loads(text)
    if not isinstance(rows, list):
        raise ValueError("KEP facts are not a list")
    facts = {}
    for index, row in enumerate(rows):
        kep = _checked_row(index, row)
        facts[kep.number] = kep
    return facts
