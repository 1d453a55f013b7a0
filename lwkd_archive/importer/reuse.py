"""Reusing a post's conversion from the previous import when nothing it depends on changed.

Converting bodies is most of an import's time, and a week adds one post to hundreds,
so each conversion is kept in the output folder (:data:`CACHE`, a name the site's
build leaves out) and used again only when every input it had is the same. Those are:

* what its key holds (:meth:`ConversionCache.converted`): the body as read (the text
  after the front matter), the year the post was published (an image's source is
  resolved in that year's folder), the year of the week it covers (it decides the old
  KEP numbering), the folder of its page (links and images are written relative to it),
  the importer (:func:`importer_fingerprint`: every file of the package, code and data,
  the group table among them; the Python; the installed distributions, since MyST's
  parser and Pygments' lexers decide what is escaped), and the KEP facts the references
  are resolved with (the roles hook's ``fingerprint``);
* what the conversion asked of the rest of the archive (:class:`RecordedArchive`):
  which page an old address (``/2022/20220209``) is, which sections that page has,
  whether an image was copied and where, and why not. These are kept with the result
  and asked again: the result is used only when every answer is the same, so a new
  post converts again just the posts that link to its address. Asking again copies
  the images as converting does.

Anything else (a corrupt or foreign record, a roles hook with no fingerprint, a
conversion that read the archive in a way not recorded) means the post is converted.
The warnings a conversion made are kept with it and reported again when it is used.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import lwkd_archive
from lwkd_archive.files import write_atomically
from lwkd_archive.importer.convert import Context, heading_anchors

#: The record of conversions, in the output folder; conf.py leaves ``archive/_*`` unbuilt.
CACHE = "_import-cache.json"
#: The layout of the record and of its entries; another value is not read.
FORMAT = 1
#: What a conversion asks of the rest of the archive (see :class:`RecordedArchive`).
QUESTIONS = ("issue", "anchors", "image", "refusal")


@dataclass
class BodyConversion:
    """A body as converted: its text, and its notes (body line, message) in the order made."""

    text: str
    notes: list[tuple[int, str]]


@cache
def importer_fingerprint() -> str | None:
    """A hash of what the importer is: every file of the package (code, data, templates),
    the Python running it, and the distributions installed beside it; None when a file of
    the package cannot be read (then nothing is reused)."""
    digest = hashlib.sha256()
    package = Path(lwkd_archive.__file__).resolve().parent
    try:
        for path in sorted(package.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            name = path.relative_to(package).as_posix().encode("utf-8", "surrogateescape")
            data = path.read_bytes()
            digest.update(b"%d:%s%d:" % (len(name), name, len(data)) + data)
    except OSError:
        return None
    digest.update(sys.version.encode("utf-8"))
    digest.update("\n".join(_installed_distributions()).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _installed_distributions() -> list[str]:
    """The names of the installed distributions' metadata folders (``pygments-2.21.0.dist-info``).

    Each names a distribution and its version, and listing them costs a millisecond, where
    asking importlib.metadata costs a hundred; a new lexer or parser plugin is one more.
    """
    names: set[str] = set()
    for entry in sys.path:
        try:
            names.update(p.name for p in Path(entry or ".").iterdir() if p.suffix == ".dist-info")
        except OSError:
            continue
    return sorted(names)


def _hash(*parts: str) -> str:
    """A hash of ``parts``, each with its length first, so no two lists of parts hash alike."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        digest.update(b"%d:" % len(data) + data)
    return digest.hexdigest()


def _answer(context: Context, question: str, argument: str) -> object:
    """What ``context`` answers to one question, as the record holds it (JSON values)."""
    if question == "issue":
        return context.issue_path(argument)
    if question == "anchors":
        anchors = context.issue_anchors.get(argument)
        return None if anchors is None else sorted(anchors)
    if question == "image":
        return context.image_path(argument)
    return context.image_refusal(argument)


class RecordedArchive:
    """A conversion's questions to the rest of the archive, and the answers it was given."""

    def __init__(self, context: Context) -> None:
        self.context = context
        #: (question, argument, answer), in the order asked.
        self.asked: list[tuple[str, str, object]] = []
        #: False once the conversion read the archive in a way not recorded (then its
        #: result is not kept).
        self.complete = True

    def recording(self) -> Context:
        """A context that answers as :attr:`context` does, noting each answer."""
        return Context(
            issue_path=lambda old: self._asked("issue", old),
            issue_anchors=_RecordedAnchors(self),
            image_path=lambda src: self._asked("image", src),
            image_refusal=lambda src: self._asked("refusal", src),
            add_roles=self.context.add_roles,
        )

    def _asked(self, question: str, argument: str) -> object:
        """The context's answer to one question, noted."""
        answer = _answer(self.context, question, argument)
        self.asked.append((question, argument, answer))
        return answer


class _RecordedAnchors(Mapping[str, set[str]]):
    """The anchors of the issues' pages, by old address, noting each one looked up."""

    def __init__(self, archive: RecordedArchive) -> None:
        self.archive = archive
        self.anchors = archive.context.issue_anchors

    def __getitem__(self, old: str) -> set[str]:
        self.archive.asked.append(
            ("anchors", old, sorted(self.anchors[old]) if old in self.anchors else None)
        )
        return self.anchors[old]

    def __iter__(self) -> Iterator[str]:
        # Every address at once: more than the record says, so the result is not kept.
        self.archive.complete = False
        return iter(self.anchors)

    def __len__(self) -> int:
        self.archive.complete = False
        return len(self.anchors)


class ConversionCache:
    """The previous import's conversions, and those this import makes or uses again.

    Only this import's are saved, so those of removed or changed posts go. A section's
    anchors are kept too, by body: every import needs every post's, to check links.
    """

    def __init__(self, out: Path, importer: str, roles: str) -> None:
        self.path = out / CACHE
        #: What every conversion depends on: the importer's and the roles hook's fingerprints.
        self.importer = importer
        self.roles = roles
        self.previous, self.previous_anchors = _read_record(self.path)
        self.current: dict[str, dict[str, object]] = {}
        self.current_anchors: dict[str, list[str]] = {}

    def anchors(self, body: str) -> set[str]:
        """The anchors of a body's headings, as kept for the same body, else found."""
        key = _hash(str(FORMAT), self.importer, body)
        kept = self.previous_anchors.get(key)
        if isinstance(kept, list) and all(isinstance(anchor, str) for anchor in kept):
            anchors = set(kept)
        else:
            anchors = heading_anchors(body)
        self.current_anchors[key] = sorted(anchors)
        return anchors

    def converted(
        self,
        body: str,
        years: tuple[int, int],
        page_folder: str,
        context: Context,
        convert: Callable[[str, Context], BodyConversion],
    ) -> tuple[BodyConversion, bool]:
        """``convert(body, context)``, or its result kept by an import with the same inputs;
        whether it was kept. ``years`` are the year the post was published and the year of
        the week it covers; ``page_folder`` is the folder of its page."""
        image_year, roles_year = years
        key = _hash(
            str(FORMAT),
            self.importer,
            self.roles,
            body,
            str(image_year),
            str(roles_year),
            page_folder,
        )
        kept = self._reusable(key, context)
        if kept is not None:
            return kept, True
        archive = RecordedArchive(context)
        conversion = convert(body, archive.recording())
        if archive.complete:
            self._keep(key, conversion, archive.asked)
        return conversion, False

    def _reusable(self, key: str, context: Context) -> BodyConversion | None:
        """The conversion kept under ``key`` when ``context`` answers its questions as they
        were answered then (asked in the same order, so images are copied as before)."""
        entry = self.previous.get(key)
        conversion = _conversion_of(entry)
        if conversion is None:
            return None
        asked = [tuple(question) for question in entry["asked"]]  # type: ignore[index]
        for question, argument, answer in asked:
            if _answer(context, question, argument) != answer:
                return None
        self._keep(key, conversion, asked)
        return conversion

    def _keep(
        self, key: str, conversion: BodyConversion, asked: list[tuple[str, str, object]]
    ) -> None:
        """Keep ``conversion`` under ``key`` for the next import, with its answers."""
        self.current[key] = {
            "text": conversion.text,
            "notes": [list(note) for note in conversion.notes],
            "asked": [list(question) for question in asked],
        }

    def save(self) -> None:
        """Write this import's conversions, unless they are the record's already."""
        if self.current == self.previous and self.current_anchors == self.previous_anchors:
            # Every post reused: the record read is the one to write (and writing it would
            # cost a serialisation of the whole archive's text).
            return
        record = {"format": FORMAT, "entries": self.current, "anchors": self.current_anchors}
        # ASCII (non-ASCII characters escaped): any text is written, and read back the same.
        data = json.dumps(record, sort_keys=True, separators=(",", ":"))
        write_atomically(self.path, data.encode("ascii") + b"\n")


def _read_record(path: Path) -> tuple[dict[str, object], dict[str, object]]:
    """The conversions and anchors of the record at ``path``; none when it is missing,
    corrupt or foreign."""
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        return {}, {}
    entries, anchors = record.get("entries"), record.get("anchors")
    return (
        entries if isinstance(entries, dict) else {},
        anchors if isinstance(anchors, dict) else {},
    )


def _conversion_of(entry: object) -> BodyConversion | None:
    """The conversion an entry holds, when it is one in every part; else None."""
    if not isinstance(entry, dict):
        return None
    text, notes, asked = entry.get("text"), entry.get("notes"), entry.get("asked")
    if not (isinstance(text, str) and isinstance(notes, list) and isinstance(asked, list)):
        return None
    if not all(_is_note(note) for note in notes) or not all(_is_question(q) for q in asked):
        return None
    return BodyConversion(text, [(line, message) for line, message in notes])


def _is_note(note: object) -> bool:
    """Whether a kept note is one: [body line, message]."""
    return (
        isinstance(note, list)
        and len(note) == 2
        and type(note[0]) is int
        and isinstance(note[1], str)
    )


def _is_question(asked: object) -> bool:
    """Whether a kept question is one: [question, argument, answer]."""
    return (
        isinstance(asked, list)
        and len(asked) == 3
        and asked[0] in QUESTIONS
        and isinstance(asked[1], str)
    )
