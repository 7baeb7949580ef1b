"""What can be wrong with a seed directory, located by file, record, field and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the seed files, printed as `file: record: field: message (line n)`.

    `column` (from 1) is given where the column matters, as for YAML syntax errors.
    """

    file: Path
    message: str
    record: str | None = None
    field: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [str(self.file), self.record, self.field, self.message]
        text = ": ".join(part for part in parts if part)
        if self.line is None:
            return text
        column = f", column {self.column}" if self.column is not None else ""
        return f"{text} (line {self.line}{column})"


class SeedValidationError(Exception):
    """The seed directory has problems, all of them listed; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the seed files")

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems]
