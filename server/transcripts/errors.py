"""What can be wrong with a transcript file, located by file and line.

The tree:

* TranscriptFileError - the file cannot be imported; carries every FileProblem found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with a transcript file, printed as `file: message (line n)`."""

    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message} (line {self.line})"


class TranscriptFileError(Exception):
    """The transcript file has problems, all of them listed; nothing was written."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem.line)
        count = len(self.problems)
        file = self.problems[0].file if self.problems else "the transcript file"
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in {file}")

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems]
