"""What the importer reports about a source file: warnings and errors at ``file:line``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem in one source file; ``line`` is 1-based in that file (0: the whole file)."""

    path: str
    line: int
    message: str
    error: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        level = "error" if self.error else "warning"
        return f"{where}: {level}: {self.message}"


class PostError(Exception):
    """A post that cannot be imported at all; carries the finding to report."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(str(finding))
        self.finding = finding
