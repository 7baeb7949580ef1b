"""Importing a transcript file onto a recording of an event, creating the recording when needed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tortoise.transactions import in_transaction

from server.auth.viewer import Viewer
from server.content.errors import ErrorCode, ValidationFailed
from server.content.models import Event, Recording, TranscriptSegment
from server.content.services.recording_choice import choose_recording, event_recordings
from server.content.services.validation import Checker, clean_optional, max_length
from server.content.services.writes import Change, require_writer
from server.indexing import outbox
from server.transcripts.files import read_transcript_file
from server.transcripts.services import TranscriptInput, replace_transcript, validate_language

NEW_RECORDING_TITLE = "Recording"


@dataclass(frozen=True)
class TranscriptImport:
    """What an import did: the recording it used (and whether it made it), and to its transcript."""

    event: Event
    recording: Recording
    recording_created: bool
    change: Change
    segments: int
    speakers: dict[str, str | None]
    """Each speaker's name as written, in order of appearance, with the slug of the person
    it was linked to, or None."""

    def summary(self) -> list[str]:
        """What happened, in a few lines for people."""
        made = " (created)" if self.recording_created else ""
        recording = f"Recording '{self.recording.title}' of event '{self.event.slug}'{made}"
        lines = [f"{recording}: transcript {self.change.value}, {self.segments} segments"]
        for name, slug in self.speakers.items():
            linked = f"linked to person '{slug}'" if slug else "kept as a label"
            lines.append(f"  speaker {name}: {linked}")
        return lines


def _check_options(recording: str | None, recording_url: str | None, language: str) -> None:
    check = Checker(errors=validate_language(language))
    check.url("recording_url", recording_url, max_length(Recording, "url"))
    if recording is not None and recording_url is not None:
        check.add(
            "recording",
            "give the recording or a recording URL, not both",
            ErrorCode.INVALID,
        )
    if check.errors:
        raise ValidationFailed(check.errors)


async def _recording_for(
    event: Event, target: str | None, url: str | None
) -> tuple[Recording, bool]:
    """The recording the transcript belongs on, and whether it had to be created.

    With a target, the recording it names (its URL, title or global ID); with a URL,
    the event's recording at that URL, added after the others when there is none;
    with neither, the event's only recording, or a new one when it has none.
    Raises RecordingNotChosen, listing the recordings, when that is not one.
    """
    recordings = await Recording.filter(event_id=event.id).order_by("position", "id")
    if target is not None or (url is None and recordings):
        return choose_recording(event, recordings, target), False
    for recording in recordings:
        if recording.url == url:
            return recording, False
    recording = await Recording.create(
        event_id=event.id,
        title=NEW_RECORDING_TITLE,
        url=url,
        position=max((r.position for r in recordings), default=-1) + 1,
    )
    await outbox.mark_events([event.id])
    return recording, True


async def import_transcript(
    viewer: Viewer,
    event_slug: str,
    path: Path,
    *,
    recording: str | None = None,
    recording_url: str | None = None,
    language: str = "en",
) -> TranscriptImport:
    """Reads the WebVTT or SRT file at `path` and makes it the transcript of an event's recording.

    `recording` names an existing recording by its URL, title or global ID;
    `recording_url` names one by URL and adds it when the event has none there;
    with neither, the event's only recording (or a new one) takes it.
    Everything is checked first: the options (ValidationFailed), the event
    (NotFound), the recording (RecordingNotChosen, listing the event's recordings)
    and the file (TranscriptFileError, naming the line of every problem). Then, in
    one transaction, the recording is found or created and its transcript replaced,
    so a failed import leaves the old transcript as it was.
    """
    require_writer(viewer)
    recording = clean_optional(recording)
    recording_url = clean_optional(recording_url)
    _check_options(recording, recording_url, language)
    event, recordings = await event_recordings(event_slug)
    if recording is not None or (recording_url is None and len(recordings) > 1):
        choose_recording(event, recordings, recording)  # fails before the file is read
    file = read_transcript_file(path)
    data = TranscriptInput(language=language, cues=file.cues, source_name=path.name)
    async with in_transaction():
        target, created = await _recording_for(event, recording, recording_url)
        transcript, change = await replace_transcript(viewer, target, data)
        linked = dict(
            await TranscriptSegment.filter(
                transcript_id=transcript.id, speaker_id__not_isnull=True
            ).values_list("speaker_label", "speaker__slug")
        )
    return TranscriptImport(
        event=event,
        recording=target,
        recording_created=created,
        change=change,
        segments=len(file.cues),
        speakers={cue.speaker: linked.get(cue.speaker) for cue in file.cues if cue.speaker},
    )
