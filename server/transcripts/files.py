"""Reading a transcript file: its bytes as UTF-8 text, its format by its suffix, its cues checked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from server.transcripts.cues import Cue, check_cues
from server.transcripts.errors import FileProblem, TranscriptFileError
from server.transcripts.srt_format import parse_srt
from server.transcripts.webvtt_format import parse_webvtt

PARSERS: dict[str, Callable[[Path, str], list[Cue]]] = {".vtt": parse_webvtt, ".srt": parse_srt}
"""The formats we read, by file suffix."""


@dataclass(frozen=True)
class TranscriptFile:
    """A transcript file that was read and passed every check: its name and its cues, in order."""

    path: Path
    cues: tuple[Cue, ...]


def decode_text(file: Path, data: bytes) -> str:
    """The text of a file's bytes, with `\\n` line ends and no trailing whitespace on any line.

    Raises TranscriptFileError, naming the line of the first bad byte, unless the
    bytes are UTF-8 (a byte order mark is allowed and dropped).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise TranscriptFileError(
            [
                FileProblem(
                    file,
                    line,
                    f"not UTF-8 text: byte 0x{data[error.start]:02X} ({error.reason}); "
                    "save the file as UTF-8",
                )
            ]
        ) from error
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines)


def parse_transcript(file: Path, text: str) -> list[Cue]:
    """The cues of a transcript's text, in the format `file`'s suffix names, every rule checked."""
    parse = PARSERS.get(file.suffix.lower())
    if parse is None:
        raise TranscriptFileError(
            [FileProblem(file, 1, "not a transcript file: the name must end in .vtt or .srt")]
        )
    if not text.strip():
        raise TranscriptFileError([FileProblem(file, 1, "the file is empty")])
    cues = parse(file, text)
    if problems := check_cues(file, cues):
        raise TranscriptFileError(problems)
    return cues


def read_transcript_file(path: Path, *, name: Path | None = None) -> TranscriptFile:
    """Reads and checks a WebVTT or SRT file; raises TranscriptFileError naming every problem.

    Problems name the file as `name` (say, relative to a seed directory), or as `path`.
    """
    file = name or path
    return TranscriptFile(file, tuple(parse_transcript(file, decode_text(file, path.read_bytes()))))
