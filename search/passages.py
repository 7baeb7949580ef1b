"""Transcript passages: segments grouped into the passages search indexes, and the cue
that a hit on a passage points at.

A passage is 30–60 seconds of a transcript, so that a match has context around it. A
hit still names the moment and the speaker of its matched words: each passage document
keeps its segments' boundaries (its cues) in a stored field that is never searched,

    cues: [[offset, start_ms, speaker], ...]   one per segment, in order

where `offset` is where the segment's words start in the passage's `text`, in
characters, and `speaker` indexes the passage's `speaker_names` and `speaker_ids` (null
when the segment names nobody). Each backend finds where the query matched the text and
the speakers' names, and `matched_cue` picks the cue.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from search.text import stem

PASSAGE_MIN_MS = 30_000
PASSAGE_MAX_MS = 60_000


class Speaker(NamedTuple):
    """The person a segment is linked to."""

    id: int
    name: str
    slug: str


class Segment(NamedTuple):
    """A transcript segment as passages need it: read as plain rows, as a long
    transcript has thousands and building an ORM object for each costs most of a
    rebuild."""

    position: int
    start_ms: int
    end_ms: int
    text: str
    speaker_label: str | None
    speaker: Speaker | None


@dataclass
class Passage:
    """Consecutive segments read as one text, with where each starts in it."""

    start_ms: int
    end_ms: int
    texts: list[str] = field(default_factory=list)
    speakers: list[tuple[str, int | None, str | None]] = field(default_factory=list)
    """Name, person id and person slug of each speaker, in order of first appearance."""
    cues: list[list[int | None]] = field(default_factory=list)
    """[offset, start_ms, speaker] of each segment: see the module's docstring."""
    length: int = 0
    """The length of `text` so far."""

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def add(self, segment: Segment, speaker: tuple[str, int | None, str | None] | None) -> None:
        """Appends a segment said by `speaker` (None when the segment names nobody)."""
        index = None
        if speaker is not None:
            if speaker not in self.speakers:
                self.speakers.append(speaker)
            index = self.speakers.index(speaker)
        offset = self.length + 1 if self.texts else 0
        self.cues.append([offset, segment.start_ms, index])
        self.texts.append(segment.text)
        self.length = offset + len(segment.text)
        self.end_ms = max(self.end_ms, segment.end_ms)


def _speaker_of(segment: Segment) -> tuple[str, int | None, str | None] | None:
    """The segment's speaker as passages list them, or None when it names nobody."""
    person = segment.speaker
    name = person.name if person else segment.speaker_label
    if not name:
        return None
    return (name, person.id if person else None, person.slug if person else None)


def group_passages(segments: Sequence[Segment]) -> list[Passage]:
    """Groups consecutive segments into passages of about 30–60 seconds.

    A passage closes once it is 30 s long and the speaker changes, or before a
    segment would take it past 60 s.
    """
    passages: list[Passage] = []
    current: Passage | None = None
    for segment in sorted(segments, key=lambda s: s.position):
        speaker = _speaker_of(segment)
        if current is not None:
            length = segment.end_ms - current.start_ms
            long_enough = current.end_ms - current.start_ms >= PASSAGE_MIN_MS
            new_speaker = speaker is not None and speaker not in current.speakers
            if length > PASSAGE_MAX_MS or (long_enough and new_speaker):
                passages.append(current)
                current = None
        if current is None:
            current = Passage(segment.start_ms, segment.end_ms)
        current.add(segment, speaker)
    if current is not None:
        passages.append(current)
    return passages


class Cue(NamedTuple):
    """The moment a transcript hit points at, and who speaks then."""

    start_ms: int | None
    speaker_name: str | None
    speaker_id: int | None


def matched_cue(
    document: dict[str, Any],
    text_matches: Iterable[tuple[int, str]],
    speaker_matches: Iterable[tuple[int, str]] = (),
) -> Cue:
    """The cue of a passage document that holds its matched words.

    `text_matches` are the matched words of the passage's text, each with its offset
    there in characters; `speaker_matches` those of its speakers' names, each with the
    index of the name. A cue holds the matches in its words and in its speaker's name;
    the cue holding the most distinct matched words (told apart by stem) is chosen, the
    earliest among equals, and the passage's first cue when none holds any (when only
    another field matched, say a topic).
    """
    cues: list[list[Any]] = document.get("cues") or []
    if not cues:  # a document indexed before passages kept their cues
        return Cue(
            document.get("start_ms"), document.get("speaker_name"), document.get("speaker_id")
        )
    offsets = [cue[0] for cue in cues]
    held: dict[int, set[str]] = {}
    for offset, word in text_matches:
        index = max(0, bisect_right(offsets, offset) - 1)
        held.setdefault(index, set()).add(stem(word) or word.lower())
    named: dict[int, set[str]] = {}
    for speaker, word in speaker_matches:
        named.setdefault(speaker, set()).add(stem(word) or word.lower())
    if named:
        # Of a speaker's cues that hold no matched words, the first can win.
        seen: set[int] = set()
        for index, (_, _, speaker) in enumerate(cues):
            if speaker in named and speaker not in seen:
                seen.add(speaker)
                held.setdefault(index, set())
    best = 0
    if held:
        best = min(
            held,
            key=lambda index: (-len(held[index] | named.get(cues[index][2], set())), index),
        )
    _, start_ms, speaker = cues[best]
    names: list[str] = document.get("speaker_names") or []
    ids: list[int | None] = document.get("speaker_ids") or []
    return Cue(
        start_ms,
        names[speaker] if speaker is not None and speaker < len(names) else None,
        ids[speaker] if speaker is not None and speaker < len(ids) else None,
    )
