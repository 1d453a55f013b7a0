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


#: The KEP's number at the start of a link's text: ``KEP-515: title``, ``515: title``.
NUMBER_FIRST_RE = re.compile(r"^\s*(?:KEP[-\s]?)?#?(?P<n>\d{1,6})\s*(?::|-|–|—|\.)\s*", re.I)
#: The KEP's number at the end of a link's text: ``title (KEP-515)``.
NUMBER_LAST_RE = re.compile(r"\s*[(\[]\s*KEP[-\s]?#?(?P<n>\d{1,6})\s*[)\]]\s*$", re.I)


def lwkd_title_for_kep(text: str, number: int | None = None) -> str:
    """The title a writer gave a KEP in a link's text, or '' when the text is not one.

    A title is what the text says beside the KEP's own number (``KEP-3136: Beta APIs
    off by default``, ``515: kubectl get and describe...``, ``Sidecar containers
    (KEP-753)``). Text without the number is the writer's sentence, not a title: "FlexVolumes
    can now [be resized](…issues/304)" gives KEP-304 no title. Nor does text that is
    only a KEP's name again (``KEP-5972``).
    """
    title = ""
    if (first := NUMBER_FIRST_RE.match(text)) and (number is None or int(first["n"]) == number):
        title = text[first.end() :]
    elif (last := NUMBER_LAST_RE.search(text)) and (number is None or int(last["n"]) == number):
        title = text[: last.start()]
    title = title.strip(" :-–—")
    if not re.search(r"[^\W\d_]", title) or KEP_TEXT_RE.fullmatch(title):
        return ""
    return title


def split_role_text(text: str) -> tuple[str, str]:
    """``(title, target)`` of a role's text: ``Beta APIs <3136>`` or just ``3136``."""
    match = EXPLICIT_TARGET_RE.match(text)
    if match:
        return match["title"], match["target"]
    return "", text
