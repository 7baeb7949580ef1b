"""Write services for transcripts: store a recording's transcript, or remove it, in one transaction.

Both compare before they write, so storing the transcript a recording already has
changes nothing, and both mark the recording's event for re-indexing in the same
transaction as the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.auth.viewer import Viewer
from server.content.errors import Conflict, ErrorCode, FieldError, ValidationFailed
from server.content.models import Recording, Transcript, TranscriptSegment
from server.content.services.validation import Checker, clean, max_length
from server.content.services.writes import Change, require_writer, update_row
from server.indexing import outbox
from server.transcripts.cues import Cue, check_cues
from server.transcripts.speakers import name_key, people_by_name
from server.webhooks import changes as webhooks
from server.webhooks.events import Action

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
"""A BCP 47 language tag, loosely: `en`, `tr`, `pt-BR`, `sr-Latn`."""

_SEGMENT_FIELDS = (
    "position",
    "start_ms",
    "end_ms",
    "text",
    "speaker_id",
    "speaker_label",
    "cue_id",
)


@dataclass(frozen=True)
class TranscriptInput:
    """A transcript to store on a recording: its language, the file it came from, and its cues."""

    language: str
    cues: tuple[Cue, ...]
    source_name: str = ""


def validate_language(language: str, field: str = "language") -> list[FieldError]:
    """What is wrong with a transcript's language tag, if anything."""
    check = Checker()
    language = clean(language)
    if check.required(field, language):
        check.text(field, language, max_length(Transcript, "language"))
        if not LANGUAGE_TAG.fullmatch(language):
            check.add(
                field,
                f"'{language}' is not a language tag such as en, tr or pt-BR",
                ErrorCode.INVALID,
            )
    return check.errors


def validate_transcript(data: TranscriptInput) -> list[FieldError]:
    """Every rule the transcript breaks: its language, its source's name, and its cues' timing."""
    check = Checker(errors=validate_language(data.language))
    check.text("source_name", clean(data.source_name), max_length(Transcript, "source_name"))
    for problem in check_cues(Path(data.source_name or "transcript"), list(data.cues)):
        check.add("cues", f"{problem.message} (line {problem.line})", ErrorCode.INVALID)
    return check.errors


async def _desired_segments(cues: tuple[Cue, ...]) -> list[dict[str, Any]]:
    """The segment rows for the cues, positions counting from 0, speakers linked where known."""
    people = await people_by_name(cue.speaker for cue in cues if cue.speaker)
    return [
        {
            "position": position,
            "start_ms": cue.start_ms,
            "end_ms": cue.end_ms,
            "text": cue.text,
            "speaker_id": people.get(name_key(cue.speaker)) if cue.speaker else None,
            "speaker_label": cue.speaker,
            "cue_id": cue.id,
        }
        for position, cue in enumerate(cues)
    ]


async def replace_transcript(
    viewer: Viewer, recording: Recording, data: TranscriptInput
) -> tuple[Transcript, Change]:
    """Makes the recording's transcript match `data`: its segments are replaced all at once.

    A speaker is linked to the person of that name (compared case-insensitively)
    when exactly one person has it; the name as written is kept either way.
    Segment positions count 0, 1, 2, … without gaps, which paging relies on.
    """
    require_writer(viewer)
    data = replace(data, language=clean(data.language), source_name=clean(data.source_name))
    if errors := validate_transcript(data):
        raise ValidationFailed(errors)
    values = {"language": data.language, "source_name": data.source_name}
    try:
        async with in_transaction():  # the index work commits with the change, or not at all
            desired = await _desired_segments(data.cues)
            transcript = await Transcript.get_or_none(recording_id=recording.id)
            if transcript is None:
                transcript = await Transcript.create(
                    recording_id=recording.id,
                    language=data.language,
                    source_name=data.source_name,
                )
                change, segments_changed = Change.CREATED, True
            else:
                stored = (
                    await TranscriptSegment.filter(transcript_id=transcript.id)
                    .order_by("position")
                    .values(*_SEGMENT_FIELDS)
                )
                segments_changed = stored != desired
                if segments_changed:
                    await TranscriptSegment.filter(transcript_id=transcript.id).delete()
                changed = await update_row(transcript, values, touch=segments_changed)
                change = Change.UPDATED if changed else Change.UNCHANGED
            if segments_changed:
                await TranscriptSegment.bulk_create(
                    [TranscriptSegment(transcript_id=transcript.id, **row) for row in desired],
                    batch_size=500,
                )
            if change is not Change.UNCHANGED:
                await outbox.mark_events([recording.event_id])
                created = change is Change.CREATED
                action = Action.PUBLISHED if created else Action.UPDATED
                await webhooks.transcript_changed(recording, action)
    except IntegrityError as error:  # say, another import of the same recording meanwhile
        raise Conflict(f"Transcript: {error}") from error
    return transcript, change


async def remove_transcript(viewer: Viewer, recording: Recording) -> bool:
    """Deletes the recording's transcript and its segments; returns whether there was one."""
    require_writer(viewer)
    async with in_transaction():
        transcript = await Transcript.get_or_none(recording_id=recording.id)
        if transcript is None:
            return False
        await TranscriptSegment.filter(transcript_id=transcript.id).delete()
        await transcript.delete()
        await outbox.mark_events([recording.event_id])
        await webhooks.transcript_changed(recording, Action.DELETED)
    return True
