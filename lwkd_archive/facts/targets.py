"""What a role's target may be: KEP numbers and pull requests (shared by the roles and `check`)."""

from __future__ import annotations

import re

#: ``3136``, ``KEP-3136``, ``kep 3136``, ``#3136``.
KEP_TARGET_RE = re.compile(r"^(?:kep[-\s]?)?#?(?P<number>[1-9]\d{0,5})$", re.IGNORECASE)
#: ``106715``, ``#106715``, ``enhancements#3137``, ``kubernetes/enhancements#3137``.
PR_TARGET_RE = re.compile(
    r"^(?:(?:(?P<org>[\w.-]+)/)?(?P<repo>[\w.-]+)#|#)?(?P<number>[1-9]\d*)$", re.ASCII
)
#: A title LWKD gave a KEP beside its number: ``KEP-3136: beta apis off by default``.
KEP_TITLE_PREFIX_RE = re.compile(r"^\s*KEP[-\s]?#?\d+\s*[:.-]?\s*", re.IGNORECASE)
#: ``KEP-3136``, ``KEP 3136``, ``KEP #3136``, ``kep-3136`` (not ``KEPs``, not ``KEP 1.24``).
KEP_TEXT_RE = re.compile(
    r"(?<![\w/#.-])(?P<text>KEP[- ]?#?(?P<n>\d{1,5}))(?![\w-]|\.\d)", re.IGNORECASE
)
#: ``title <target>`` in a role's text.
EXPLICIT_TARGET_RE = re.compile(r"^(?P<title>.*?)\s*<(?P<target>[^<>]*)>$", re.S)


def parse_kep_number(target: str) -> int | None:
    match = KEP_TARGET_RE.match(target.strip())
    return int(match["number"]) if match else None


def parse_pr_target(target: str, default_repo: str) -> tuple[str, int] | None:
    """``(org/repo, number)`` of a pull-request target, or None when it is malformed."""
    match = PR_TARGET_RE.match(target.strip())
    if not match:
        return None
    org, repo = match["org"], match["repo"]
    if repo and not org:
        org = "kubernetes"
    full = f"{org}/{repo}" if repo else default_repo
    return full, int(match["number"])


def kep_of_pull_request(text: str, repo: str, number: int) -> int | None:
    """The KEP a pull request's shown text names, as in ``Promote KEP-5311 to beta``.

    None when the text names no KEP or several, or names its own number in
    kubernetes/enhancements (a KEP's number is its issue's, never a pull request's).
    """
    named = {int(match["n"]) for match in KEP_TEXT_RE.finditer(text)}
    if len(named) != 1:
        return None
    (kep,) = named
    if kep == 0 or (repo in {"kubernetes/enhancements", "kubernetes/features"} and kep == number):
        return None
    return kep


def lwkd_title_for_kep(text: str) -> str:
    """The KEP's title as the writer gave it in the role's text, without the number."""
    return KEP_TITLE_PREFIX_RE.sub("", text).strip()


def split_role_text(text: str) -> tuple[str, str]:
    """``(title, target)`` of a role's text: ``Beta APIs <3136>`` or just ``3136``."""
    match = EXPLICIT_TARGET_RE.match(text)
    if match:
        return match["title"], match["target"]
    return "", text
