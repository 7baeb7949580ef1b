"""Transcript files that event records reference: checked with the event, stored after it, exported.

A recording in an event file may say `transcript: {file: transcripts/<name>.vtt,
language: en}`, a path relative to the seed directory. Leaving `transcript` out
keeps whatever transcript the recording has (`cms seed --prune` removes it);
`transcript: null` removes it.
`cms export` writes every stored transcript as canonical WebVTT to
`transcripts/<event-slug>-<n>.vtt`, n counting the event's recordings from 1.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from server.auth.viewer import Viewer
from server.columns import column
from server.content.models import Recording, Transcript, TranscriptSegment
from server.content.services import Change
from server.seeding.files import SourceRecord
from server.seeding.leftovers import Leftover
from server.seeding.problems import Problem
from server.seeding.records import EventRecord, TranscriptRecord
from server.transcripts import (
    Cue,
    TranscriptFileError,
    TranscriptInput,
    read_transcript_file,
    remove_transcript,
    render_webvtt,
    replace_transcript,
    validate_language,
)
from server.transcripts.files import PARSERS

DIRECTORY = "transcripts"


@dataclass(frozen=True)
class RecordingTranscript:
    """What an event file says about one recording's transcript: store `data`, or none if None."""

    recording: int
    data: TranscriptInput | None


def export_name(event_slug: str, recording: int) -> str:
    """Where `cms export` writes the transcript of an event's `recording`-th recording (from 0)."""
    return f"{DIRECTORY}/{event_slug}-{recording + 1}.vtt"


def _path_problem(root: Path, reference: str) -> str | None:
    path = PurePosixPath(reference)
    if path.is_absolute() or ".." in path.parts or "\\" in reference or not path.name:
        return (
            f"'{reference}' must be a path inside the seed directory, such as transcripts/panel.vtt"
        )
    if path.suffix.lower() not in PARSERS:
        return f"'{reference}' must name a WebVTT (.vtt) or SRT (.srt) file"
    if not (root / path).is_file():
        return f"no such file: {root / path}"
    return None


class EventTranscripts:
    """The transcripts event records reference, handled alongside the records themselves."""

    def read(
        self, root: Path, source: SourceRecord, record: EventRecord, label: str
    ) -> tuple[list[RecordingTranscript], list[Problem]]:
        """The transcripts the record's recordings name, each file read and checked."""
        found: list[RecordingTranscript] = []
        problems: list[Problem] = []

        def problem(field: str, message: str) -> None:
            problems.append(Problem(source.file, message, label, field, source.line_of(field)))

        for index, recording in enumerate(record.recordings):
            if not recording.mentions_transcript:
                continue
            reference = recording.transcript
            if reference is None:
                found.append(RecordingTranscript(index, None))
                continue
            at = f"recordings[{index}].transcript"
            errors = validate_language(reference.language, f"{at}.language")
            for error in errors:
                problem(error.field, error.message)
            if message := _path_problem(root, reference.file):
                problem(f"{at}.file", message)
                continue
            path = root / reference.file
            try:
                file = read_transcript_file(path, name=path)
            except TranscriptFileError as error:
                problems.extend(Problem(p.file, p.message, line=p.line) for p in error.problems)
                continue
            if not errors:
                data = TranscriptInput(reference.language, file.cues, reference.file)
                found.append(RecordingTranscript(index, data))
        return found, problems

    async def write(
        self,
        viewer: Viewer,
        record: EventRecord,
        transcripts: list[RecordingTranscript],
        prune: bool = False,
    ) -> tuple[bool, list[Leftover]]:
        """Stores or removes the transcripts of the event's recordings.

        Returns whether any changed, and the stored transcripts of recordings whose
        `transcript` the record leaves out: kept, or with `prune` removed.
        """
        recordings = await Recording.filter(event__slug=record.slug).order_by("position", "id")
        changed = False
        for transcript in transcripts:
            recording = recordings[transcript.recording]
            if transcript.data is None:
                changed = await remove_transcript(viewer, recording) or changed
            else:
                _, change = await replace_transcript(viewer, recording, transcript.data)
                changed = change is not Change.UNCHANGED or changed
        unmentioned = [
            (position, recordings[position])
            for position, stated in enumerate(record.recordings)
            if not stated.mentions_transcript and position < len(recordings)
        ]
        transcribed = set(
            await column(
                Transcript.filter(recording_id__in=[recording.id for _, recording in unmentioned]),
                "recording_id",
            )
        )
        leftovers = []
        for position, recording in unmentioned:
            if recording.id not in transcribed:
                continue
            detail = f"of recording {position + 1} '{recording.title}'"
            leftovers.append(Leftover("event", record.slug, "transcript", detail))
            if prune:
                changed = await remove_transcript(viewer, recording) or changed
        return changed, leftovers

    async def export(
        self, root: Path, records: list[EventRecord]
    ) -> tuple[list[EventRecord], list[Path], list[Path]]:
        """Writes every stored transcript under `root`, and makes the records reference them.

        Returns those records, the files written, and the transcript files already
        there that no record references any more.
        """
        references = await self._write_files(root)
        written = [root / reference.file for reference in references.values()]
        updated = [
            record.model_copy(
                update={
                    "recordings": [
                        recording.model_copy(update={"transcript": references[(record.slug, i)]})
                        if (record.slug, i) in references
                        else recording
                        for i, recording in enumerate(record.recordings)
                    ]
                }
            )
            for record in records
        ]
        directory = root / DIRECTORY
        present = [*directory.glob("*.vtt"), *directory.glob("*.srt")] if directory.is_dir() else []
        return updated, sorted(written), sorted(set(present) - set(written))

    async def _write_files(self, root: Path) -> dict[tuple[str, int], TranscriptRecord]:
        place: dict[int, tuple[str, int]] = {}
        counts: dict[str, int] = defaultdict(int)
        for recording_id, slug in (
            await Recording.all()
            .order_by("event_id", "position", "id")
            .values_list("id", "event__slug")
        ):
            place[recording_id] = (slug, counts[slug])
            counts[slug] += 1
        cues: dict[int, list[Cue]] = defaultdict(list)
        for transcript_id, start, end, text, label, name, cue_id in (
            await TranscriptSegment.all()
            .order_by("transcript_id", "position")
            .values_list(
                "transcript_id",
                "start_ms",
                "end_ms",
                "text",
                "speaker_label",
                "speaker__name",
                "cue_id",
            )
        ):
            cues[transcript_id].append(Cue(start, end, text, label or name, id=cue_id))
        references: dict[tuple[str, int], TranscriptRecord] = {}
        for transcript_id, recording_id, language in await Transcript.all().values_list(
            "id", "recording_id", "language"
        ):
            slug, index = place[recording_id]
            reference = TranscriptRecord(file=export_name(slug, index), language=language)
            path = root / reference.file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render_webvtt(cues[transcript_id]), encoding="utf-8", newline="\n")
            references[(slug, index)] = reference
        return references
