"""SubRip (SRT): reading cues, with the speaker named by a leading `Name:` on the cue text.

The srt library parses; the line-aware pass in `blocks` runs first, so that every
problem names its line.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import srt

from server.transcripts.blocks import (
    ARROW,
    NO_TEXT,
    STRAY_ARROW,
    TEXT_OUTSIDE_CUES,
    Block,
    Timing,
    split_blocks,
    timestamp_problem,
    timing_index,
)
from server.transcripts.cues import Cue
from server.transcripts.errors import FileProblem, TranscriptFileError

_TIMESTAMP = re.compile(r"\d{2,}:(?P<minutes>\d{2}):(?P<seconds>\d{2})[,.]\d{3}")
_EXAMPLE = "hh:mm:ss,ttt, such as 00:01:02,500"
_INDEX = re.compile(r"\d+")
# A name starts with a letter and is followed by a colon and a space: "Dr. Ana Lima: Thank you".
_SPEAKER = re.compile(r"(?P<name>[^\W\d_][\w .'’-]{0,79}?)\s*:(?:\s+(?P<rest>.*))?")
# Formatting tags SRT players understand; they say nothing about what was said.
_FORMATTING = re.compile(r"</?(?:b|i|u|font)(?:\s[^>]*)?>", re.IGNORECASE)
_MILLISECOND = timedelta(milliseconds=1)


def parse_srt(file: Path, text: str) -> list[Cue]:
    """The cues of an SRT text, in file order; raises TranscriptFileError naming every problem.

    `text` has `\\n` line ends and no trailing whitespace on its lines.
    """
    blocks = split_blocks(text)
    cue_lines, problems = _scan(file, blocks)
    if problems:
        raise TranscriptFileError(problems)
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as error:
        skipped = len(error.unmatched_content) - len(error.unmatched_content.lstrip())
        line = text.count("\n", 0, error.expected_start + skipped) + 1
        raise TranscriptFileError([FileProblem(file, line, "not valid SRT")]) from error
    except srt.TimestampParseError as error:
        raise TranscriptFileError([FileProblem(file, 1, f"not valid SRT: {error}")]) from error
    if len(subtitles) != len(cue_lines):
        raise TranscriptFileError(
            [
                FileProblem(
                    file, 1, f"read {len(subtitles)} cues where {len(cue_lines)} were expected"
                )
            ]
        )
    cues = [_cue(subtitle, line) for subtitle, line in zip(subtitles, cue_lines, strict=True)]
    if problems := [FileProblem(file, cue.line, NO_TEXT) for cue in cues if not cue.text]:
        raise TranscriptFileError(problems)
    return cues


def _scan(file: Path, blocks: list[Block]) -> tuple[list[int], list[FileProblem]]:
    """The line of each cue's timing line, and every structural problem, by line."""
    problems: list[FileProblem] = []
    cue_lines: list[int] = []
    for block in blocks:
        index = timing_index(block)
        if index == 1 and not _INDEX.fullmatch(block.lines[0].strip()):
            problems.append(
                FileProblem(file, block.line, f"expected the cue's number, got '{block.lines[0]}'")
            )
            continue
        if index is None and _INDEX.fullmatch(block.lines[0].strip()):
            line = block.line_of(min(1, len(block.lines) - 1))
            problems.append(
                FileProblem(file, line, "expected the cue's timing line after its number")
            )
            continue
        if index is None:
            problems.append(FileProblem(file, block.line, TEXT_OUTSIDE_CUES))
            continue
        line = block.line_of(index)
        timing = Timing.split(block.lines[index])
        problems.extend(
            FileProblem(file, line, problem)
            for value, which in ((timing.start, "start"), (timing.end, "end"))
            if (problem := timestamp_problem(value, which, _TIMESTAMP, _EXAMPLE))
        )
        if index + 1 == len(block.lines):
            problems.append(FileProblem(file, line, NO_TEXT))
        problems.extend(
            FileProblem(file, block.line_of(i), STRAY_ARROW)
            for i, text in enumerate(block.lines)
            if i > index and ARROW in text
        )
        cue_lines.append(line)
    return cue_lines, problems


def _cue(subtitle: srt.Subtitle, line: int) -> Cue:
    lines = [" ".join(_FORMATTING.sub("", text).split()) for text in subtitle.content.split("\n")]
    lines = [text for text in lines if text]
    speaker = None
    if lines and (match := _SPEAKER.fullmatch(lines[0])):
        speaker = " ".join(match["name"].split())
        lines[0] = match["rest"] or ""
    return Cue(
        start_ms=subtitle.start // _MILLISECOND,
        end_ms=subtitle.end // _MILLISECOND,
        text="\n".join(text for text in lines if text),
        speaker=speaker,
        line=line,
    )
