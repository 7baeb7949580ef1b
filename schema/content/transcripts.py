"""The transcript types: a recording's transcript, and its segments as a paged connection."""

from __future__ import annotations

import strawberry

from schema.content.types import Person
from schema.context import Context
from schema.pagination import After, Connection, First, page_request
from server.content import models


@strawberry.type(
    description="One cue of a transcript: what was said between two moments, and by whom."
)
class TranscriptSegment:
    start_ms: int = strawberry.field(
        description="When the segment starts, in milliseconds from the start of the recording."
    )
    end_ms: int = strawberry.field(
        description="When the segment ends, in milliseconds from the start of the recording."
    )
    text: str = strawberry.field(description="What was said, as plain text; may span lines.")
    speaker_name: str | None = strawberry.field(
        description="The speaker's name as the transcript gives it; null when it names nobody."
    )
    speaker_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.TranscriptSegment) -> TranscriptSegment:
        return cls(
            start_ms=row.start_ms,
            end_ms=row.end_ms,
            text=row.text,
            speaker_name=row.speaker_label,
            speaker_id=row.speaker_id,
        )

    @strawberry.field(description="The person speaking, when the speaker's name is a person's.")
    async def speaker(self, info: strawberry.Info[Context]) -> Person | None:
        if self.speaker_id is None:
            return None
        row = await info.context.loaders.person_by_id.load(self.speaker_id)
        return Person.from_row(row) if row else None


@strawberry.type(description="The timed text of a recording, in one language.")
class Transcript:
    language: str = strawberry.field(
        description="The language of the text, as a language tag such as `en` or `pt-BR`."
    )
    transcript_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Transcript) -> Transcript:
        return cls(language=row.language, transcript_id=row.id)

    @strawberry.field(description="The transcript's segments, in time order.")
    async def segments(
        self, info: strawberry.Info[Context], first: First = None, after: After = None
    ) -> Connection[TranscriptSegment]:
        request = page_request(info.context.settings, first=first, after=after)
        page = await info.context.loaders.segments_by_transcript.load((self.transcript_id, request))
        return Connection.from_page(page, TranscriptSegment.from_row)
