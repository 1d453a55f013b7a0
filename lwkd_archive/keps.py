"""KEP facts (title, SIGs, status, stage, milestones) read from kubernetes/enhancements."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from lwkd_archive.yaml_loader import load_yaml

#: ``keps/<sig>/<number>-<slug>/kep.yaml``: the directory number is the KEP number.
KEP_DIR_RE = re.compile(r"^(?P<number>\d+)-(?P<slug>[a-z0-9][a-z0-9._-]*)$")


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


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def read_kep_yaml(path: Path, repo_root: Path) -> KepFacts:
    """Read one ``kep.yaml``; the folder name decides the number when the file disagrees."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise KepFileError(f"{path}: cannot read kep.yaml: {exc}") from exc
    if not isinstance(data, dict):
        raise KepFileError(f"{path}:1: kep.yaml is not a mapping")
    folder = KEP_DIR_RE.match(path.parent.name)
    number = int(folder["number"]) if folder else data.get("kep-number")
    try:
        number = int(str(number).strip())
    except (TypeError, ValueError) as exc:
        raise KepFileError(f"{path}:1: no KEP number in the folder name or kep-number") from exc
    milestones = data.get("milestone") or {}
    if not isinstance(milestones, dict):
        milestones = {}
    return KepFacts(
        number=number,
        title=_text(data.get("title")),
        owning_sig=_text(data.get("owning-sig")),
        participating_sigs=tuple(_text(s) for s in data.get("participating-sigs") or () if s),
        status=_text(data.get("status")),
        stage=_text(data.get("stage")),
        latest_milestone=_text(data.get("latest-milestone")),
        milestones={_text(k): _text(v) for k, v in milestones.items() if v},
        path=path.parent.relative_to(repo_root).as_posix(),
    )


def load_enhancements(repo: Path) -> tuple[dict[int, KepFacts], list[str]]:
    """Read every ``keps/**/kep.yaml`` of an enhancements checkout.

    Returns the facts by KEP number and the errors (one per unreadable file);
    one bad file never hides the others.
    """
    facts: dict[int, KepFacts] = {}
    errors: list[str] = []
    for path in sorted((repo / "keps").glob("**/kep.yaml")):
        if path.parent.name.startswith("NNNN-"):
            continue  # the KEP template, not a KEP
        try:
            kep = read_kep_yaml(path, repo)
        except KepFileError as exc:
            errors.append(str(exc))
            continue
        facts[kep.number] = kep
    return facts, errors


def dump_facts(facts: dict[int, KepFacts]) -> str:
    """Serialise facts as stable JSON (sorted, so an unchanged checkout gives the same bytes)."""
    rows = [asdict(facts[n]) for n in sorted(facts)]
    return json.dumps(rows, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def parse_facts(text: str) -> dict[int, KepFacts]:
    """Inverse of :func:`dump_facts`."""
    facts = {}
    for row in json.loads(text):
        row["participating_sigs"] = tuple(row.get("participating_sigs", ()))
        kep = KepFacts(**row)
        facts[kep.number] = kep
    return facts
