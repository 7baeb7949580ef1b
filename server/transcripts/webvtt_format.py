"""WebVTT: reading cues and their `<v Name>` voice tags, and writing the canonical form.

webvtt-py parses (in strict mode, so nothing malformed is silently skipped); the
line-aware pass in `blocks` runs first, so that every problem names its line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

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
from server.transcripts.cues import Cue, format_ms
from server.transcripts.errors import FileProblem, TranscriptFileError

_TIMESTAMP = re.compile(r"(?:\d{2,}:)?(?P<minutes>\d{2}):(?P<seconds>\d{2})\.\d{3}")
_EXAMPLE = "hh:mm:ss.ttt or mm:ss.ttt, such as 00:01:02.500"
_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
_COMMENT = re.compile(r"NOTE(?:[ \t].*)?")
_BEFORE_CUES = ("STYLE", "REGION")


def parse_webvtt(file: Path, text: str) -> list[Cue]:
    """The cues of a WebVTT text, in file order; raises TranscriptFileError naming every problem.

    `text` has `\\n` line ends and no trailing whitespace on its lines.
    """
    blocks = split_blocks(text)
    cue_lines, problems = _scan(file, blocks)
    if problems:
        raise TranscriptFileError(problems)
    try:
        captions = webvtt.from_string(text, strict=True).captions
    except (MalformedFileError, MalformedCaptionError) as error:
        line = _failing_block(blocks)
        raise TranscriptFileError(
            [FileProblem(file, line, f"not valid WebVTT: {error}")]
        ) from error
    if len(captions) != len(cue_lines):
        raise TranscriptFileError(
            [
                FileProblem(
                    file, 1, f"read {len(captions)} cues where {len(cue_lines)} were expected"
                )
            ]
        )
    cues = [_cue(caption, line) for caption, line in zip(captions, cue_lines, strict=True)]
    if problems := [FileProblem(file, cue.line, NO_TEXT) for cue in cues if not cue.text]:
        raise TranscriptFileError(problems)
    return cues


def _scan(file: Path, blocks: list[Block]) -> tuple[list[int], list[FileProblem]]:
    """The line of each cue's timing line, and every structural problem, by line."""
    if not blocks or blocks[0].line != 1 or not _HEADER.fullmatch(blocks[0].lines[0]):
        return [], [FileProblem(file, 1, "a WebVTT file must start with a 'WEBVTT' line")]
    problems = [
        FileProblem(file, blocks[0].line_of(i), STRAY_ARROW)
        for i, line in enumerate(blocks[0].lines)
        if ARROW in line
    ]
    cue_lines: list[int] = []
    for block in blocks[1:]:
        first = block.lines[0]
        if _COMMENT.fullmatch(first) or first in _BEFORE_CUES:
            if first in _BEFORE_CUES and cue_lines:
                problems.append(
                    FileProblem(file, block.line, f"a {first} block must come before the first cue")
                )
            problems.extend(
                FileProblem(file, block.line_of(i), STRAY_ARROW)
                for i, line in enumerate(block.lines)
                if ARROW in line
            )
            continue
        index = timing_index(block)
        if index is None:
            problems.append(FileProblem(file, block.line, TEXT_OUTSIDE_CUES))
            continue
        line = block.line_of(index)
        problems.extend(
            FileProblem(file, line, message) for message in _timing_problems(block.lines[index])
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


def _timing_problems(line: str) -> list[str]:
    timing = Timing.split(line)
    problems = [
        problem
        for value, which in ((timing.start, "start"), (timing.end, "end"))
        if (problem := timestamp_problem(value, which, _TIMESTAMP, _EXAMPLE))
    ]
    try:
        webvtt.CueSettings.from_string(timing.rest, strict=True)
    except MalformedCaptionError as error:
        problems.append(f"bad cue settings '{timing.rest}': {error}")
    return problems


def _failing_block(blocks: list[Block]) -> int:
    """The first line of the first block webvtt-py rejects when read on its own."""
    for block in blocks[1:]:
        try:
            webvtt.from_string("WEBVTT\n\n" + "\n".join(block.lines), strict=True)
        except (MalformedFileError, MalformedCaptionError):
            return block.line
    return 1


def _clean(text: str) -> str:
    return " ".join(html.unescape(text).split())


def _cue(caption: webvtt.Caption, line: int) -> Cue:
    lines = (_clean(text) for text in caption.text.split("\n"))
    voice = caption.voice
    return Cue(
        start_ms=caption.start_time.in_milliseconds(),
        end_ms=caption.end_time.in_milliseconds(),
        text="\n".join(text for text in lines if text),
        speaker=(_clean(voice) or None) if voice is not None else None,
        line=line,
        id=caption.identifier.strip() or None if caption.identifier else None,
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_webvtt(cues: Iterable[Cue]) -> str:
    """The canonical WebVTT text of the cues: ids kept, no settings, a voice tag per speaker."""
    captions = [
        webvtt.Caption(
            format_ms(cue.start_ms),
            format_ms(cue.end_ms),
            (f"<v {_escape(cue.speaker)}>" if cue.speaker else "") + _escape(cue.text),
            identifier=cue.id,
        )
        for cue in cues
    ]
    return webvtt.WebVTT(captions=captions).content
