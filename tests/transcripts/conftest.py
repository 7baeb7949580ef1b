"""Where the transcript tests find their files: made-up transcripts, good and bad."""

from __future__ import annotations

from pathlib import Path

TRANSCRIPTS = Path(__file__).resolve().parent.parent / "data" / "transcripts"
"""Transcripts of a made-up panel: the people and their words are fictional."""

HARBOUR_VTT = TRANSCRIPTS / "harbour-forum.vtt"
HARBOUR_SRT = TRANSCRIPTS / "harbour-forum.srt"
BAD = TRANSCRIPTS / "bad"
