"""Writing files atomically, and only when their bytes change."""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

#: What to do about a write that failed, by its cause.
ADVICE = {
    errno.ENOSPC: "free space and run again",
    errno.EDQUOT: "free space (the disk quota is full) and run again",
    errno.EROFS: "the file system is read-only; write elsewhere (--out) or make it writable",
    errno.EACCES: "check the folder's permissions, or write elsewhere (--out)",
    errno.EPERM: "check the folder's permissions, or write elsewhere (--out)",
}


class WriteError(OSError):
    """A file that could not be written: names the file meant (not its temporary file)."""

    def __init__(self, path: Path, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), str(path))

    def __str__(self) -> str:
        advice = ADVICE.get(self.errno, "check the folder and run again")
        return f"cannot write {_shown(self.filename)}: {self.strerror}; {advice}"


def _shown(path: str) -> str:
    """A path as the reader typed it: relative to the current folder when inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True when written.

    The bytes go to a temporary file in the same folder, then replace the file in
    one step, so an interrupted write never leaves a half-written page, and an
    unchanged file keeps its modification time (Sphinx and servers see no change).
    The file gets the permissions any program's new file gets (0644 under the
    usual umask), so a web server running as another user can serve it.
    Raises :class:`WriteError` naming ``path`` when the disk is full or read-only.
    """
    path = Path(path)  # Sphinx hands out str-compatible paths whose replace() is str.replace
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_temporary(path)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            tmp.replace(path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise WriteError(path, exc) from exc
    return True


def _create_temporary(path: Path) -> tuple[int, Path]:
    """A new file beside ``path``, with mode 0666 less the umask, as open() creates files.

    (tempfile.mkstemp would make it 0600, unreadable to a server running as another user.)
    """
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))
