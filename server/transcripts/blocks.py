"""The line-aware first pass over a subtitle file: blocks of lines and their timing lines.

The parsers we rely on (webvtt-py, srt) read well-formed files well, but they do
not say on which line a bad one goes wrong. This pass walks the same structure
first, so every problem it finds names its line; the parsers then only ever see
files this pass accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ARROW = "-->"


@dataclass(frozen=True)
class Block:
    """Consecutive non-blank lines, with the number of the first (counting from 1)."""

    line: int
    lines: list[str]

    def line_of(self, index: int) -> int:
        """The file line of the block's `index`-th line."""
        return self.line + index


def split_blocks(text: str) -> list[Block]:
    """The blocks of a text whose lines are separated by `\\n`; blank lines separate blocks."""
    blocks: list[Block] = []
    current: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                first = number
            current.append(line)
        elif current:
            blocks.append(Block(first, current))
            current = []
    if current:
        blocks.append(Block(first, current))
    return blocks


def timing_index(block: Block) -> int | None:
    """Which line of a cue block holds its timing: the first, or the second after an id."""
    if ARROW in block.lines[0]:
        return 0
    if len(block.lines) > 1 and ARROW in block.lines[1]:
        return 1
    return None


@dataclass(frozen=True)
class Timing:
    """A cue timing line cut into its start and end times and whatever follows them."""

    start: str
    end: str
    rest: str

    @classmethod
    def split(cls, line: str) -> Timing:
        left, _, right = line.partition(ARROW)
        parts = right.split(maxsplit=1)
        return cls(left.strip(), parts[0] if parts else "", parts[1] if len(parts) > 1 else "")


def timestamp_problem(value: str, which: str, pattern: re.Pattern[str], example: str) -> str | None:
    """Why `value` is not a valid time in a format whose times match `pattern`; None if it is.

    `pattern` names the groups `minutes` and `seconds`, which must be below 60.
    """
    if not value:
        return f"the cue timing line has no {which} time (expected {example})"
    if value.startswith("-"):
        return f"negative {which} time '{value}': times count from the start of the recording"
    match = pattern.fullmatch(value)
    if match is None:
        return f"malformed {which} time '{value}' (expected {example})"
    if int(match["minutes"]) > 59 or int(match["seconds"]) > 59:
        return f"malformed {which} time '{value}': minutes and seconds run from 00 to 59"
    return None


STRAY_ARROW = (
    f"'{ARROW}' outside a cue timing line: is a blank line missing before this cue, "
    "or does the text contain an arrow?"
)
TEXT_OUTSIDE_CUES = (
    "text outside any cue: every cue needs a timing line, and its text no blank line"
)
NO_TEXT = "the cue has no text"
