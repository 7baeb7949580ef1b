"""Transcripts of recordings: reading WebVTT and SRT files, storing them, importing and exporting.

`read_transcript_file` reads and checks a file (every problem names its line);
`replace_transcript` and `remove_transcript` are the write services;
`import_transcript` is what `cms transcripts import` runs; `render_webvtt` writes
the canonical WebVTT that `cms export` produces.
"""

from server.transcripts.cues import Cue
from server.transcripts.errors import FileProblem, TranscriptFileError
from server.transcripts.files import TranscriptFile, read_transcript_file
from server.transcripts.importing import TranscriptImport, import_transcript
from server.transcripts.services import (
    TranscriptInput,
    remove_transcript,
    replace_transcript,
    validate_language,
)
from server.transcripts.webvtt_format import render_webvtt

__all__ = [
    "Cue",
    "FileProblem",
    "TranscriptFile",
    "TranscriptFileError",
    "TranscriptImport",
    "TranscriptInput",
    "import_transcript",
    "read_transcript_file",
    "remove_transcript",
    "render_webvtt",
    "replace_transcript",
    "validate_language",
]
