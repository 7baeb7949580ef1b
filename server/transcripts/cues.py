"""Cues, the unit every transcript format reads into, and the timing rules they must keep."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from server.transcripts.errors import FileProblem

MAX_MS = 2**31 - 1
"""The latest moment a segment can hold (its column is a 32-bit integer): about 596 hours."""

SPEAKER_MAX_LENGTH = 200

CUE_ID_MAX_LENGTH = 200


@dataclass(frozen=True)
class Cue:
    """What was said between two moments, by whom (the name as written), and where it is written.

    `id` is a WebVTT cue's identifier, if it has one. `line` is the line of the cue's
    timing line in its file; it takes no part in comparisons.
    """

    start_ms: int
    end_ms: int
    text: str
    speaker: str | None = None
    line: int = field(default=0, compare=False)
    id: str | None = None


def format_ms(ms: int) -> str:
    """A moment as `hh:mm:ss.ttt`, as messages and WebVTT write it."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def check_cues(file: Path, cues: list[Cue]) -> list[FileProblem]:
    """Every timing rule the cues break: each must last, be in order, and not overlap the last."""
    if not cues:
        return [FileProblem(file, 1, "the file has no cues")]
    problems: list[FileProblem] = []
    previous: Cue | None = None
    for cue in cues:
        found = _duration_problem(cue) or _order_problem(cue, previous)
        if found:
            problems.append(FileProblem(file, cue.line, found))
        else:
            previous = cue
        if cue.id is not None and len(cue.id) > CUE_ID_MAX_LENGTH:
            problems.append(
                FileProblem(
                    file,
                    cue.line,
                    f"the cue's id is too long: {len(cue.id)} characters, "
                    f"at most {CUE_ID_MAX_LENGTH}",
                )
            )
        if cue.speaker is not None and len(cue.speaker) > SPEAKER_MAX_LENGTH:
            problems.append(
                FileProblem(
                    file,
                    cue.line,
                    f"the speaker's name is too long: {len(cue.speaker)} characters, "
                    f"at most {SPEAKER_MAX_LENGTH}",
                )
            )
    return problems


def _duration_problem(cue: Cue) -> str | None:
    start, end = format_ms(cue.start_ms), format_ms(cue.end_ms)
    if cue.end_ms > MAX_MS:
        return f"the cue ends at {end}, later than any recording we keep ({format_ms(MAX_MS)})"
    if cue.end_ms == cue.start_ms:
        return f"the cue has no duration: it starts and ends at {start}"
    if cue.end_ms < cue.start_ms:
        return f"the cue ends at {end}, before it starts at {start}"
    return None


def _order_problem(cue: Cue, previous: Cue | None) -> str | None:
    if previous is None:
        return None
    start = format_ms(cue.start_ms)
    if cue.start_ms < previous.start_ms:
        return (
            f"the cue starts at {start}, before the previous cue (line {previous.line}) "
            f"starts at {format_ms(previous.start_ms)}; cues must be in time order"
        )
    if cue.start_ms < previous.end_ms:
        return (
            f"the cue starts at {start}, before the previous cue (line {previous.line}) "
            f"ends at {format_ms(previous.end_ms)}; cues must not overlap"
        )
    return None
