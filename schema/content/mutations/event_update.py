"""updateEvent: change an event's fields and lists (not its status, nor its recordings)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from schema.content.enums import DateCertainty, EventFormat, Platform
from schema.content.inputs import (
    VERSION_DESCRIPTION,
    EventOrganisationInput,
    ImageInput,
    ParticipantInput,
    items,
    keep,
    text,
)
from schema.content.types import Event
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services

_UNSET = strawberry.UNSET


@strawberry.input(
    description="Changes to an event: fields left out keep their value, null clears an "
    "optional one, and lists given replace the stored ones. Its status changes with "
    "`publishEvent`/`unpublishEvent`, its recordings with the recording mutations."
)
class EventUpdateInput:
    version: int = strawberry.field(description=VERSION_DESCRIPTION)
    slug: str | None = strawberry.field(
        default=_UNSET, description="A new slug, which must be free."
    )
    title: str | None = strawberry.field(default=_UNSET, description="A new title.")
    dates: list[date] | None = strawberry.field(
        default=_UNSET, description="All its session dates, in chronological order."
    )
    committee: str | None = strawberry.field(
        default=_UNSET, description="The slug of the committee that runs it, or null for none."
    )
    date_certainty: DateCertainty | None = strawberry.field(
        default=_UNSET,
        description="How sure the dates are (null means STATED); anything but STATED needs "
        "a `dateNote`.",
    )
    date_note: str | None = strawberry.field(
        default=_UNSET, description="A short public note on the dates, or null for none."
    )
    summary: str | None = strawberry.field(default=_UNSET, description="A new summary.")
    place: str | None = strawberry.field(default=_UNSET, description="The venue or platform.")
    format: EventFormat | None = strawberry.field(default=_UNSET, description="How people attend.")
    platform: Platform | None = strawberry.field(
        default=_UNSET, description="Where it is streamed."
    )
    topics: list[str] | None = strawberry.field(
        default=_UNSET, description="The slugs of all its topics, in order."
    )
    image: ImageInput | None = strawberry.field(
        default=_UNSET, description="Its image, or null for none."
    )
    participants: list[ParticipantInput] | None = strawberry.field(
        default=_UNSET,
        description="All its participants, in order (see also `addParticipant` and friends).",
    )
    organisations: list[EventOrganisationInput] | None = strawberry.field(
        default=_UNSET, description="All its partner organisations, in order."
    )
    outcomes: str | None = strawberry.field(
        default=_UNSET, description="What it achieved, as Markdown."
    )
    editor_note: str | None = strawberry.field(
        default=_UNSET, description="A note for editors, never shown to the public."
    )
    body: str | None = strawberry.field(
        default=_UNSET, description="The full write-up, as Markdown."
    )
    publish_at: datetime | None = strawberry.field(
        default=_UNSET,
        description="When the scheduler publishes the draft, with its time zone (a time "
        "already past: at its next pass), or null for no schedule.",
    )
    unpublish_at: datetime | None = strawberry.field(
        default=_UNSET, description="When the scheduler makes it a draft again, or null."
    )

    def to_patch(self) -> services.EventPatch:
        return services.EventPatch(
            slug=text(self.slug),
            title=text(self.title),
            dates=items(self.dates),
            committee=keep(self.committee),
            summary=text(self.summary),
            date_certainty=(
                DateCertainty.STATED if self.date_certainty is None else keep(self.date_certainty)
            ),
            date_note=keep(self.date_note),
            place=keep(self.place),
            format=keep(self.format),
            platform=keep(self.platform),
            topics=items(self.topics),
            image=keep(self.image, ImageInput.to_service),
            participants=items(self.participants, ParticipantInput.to_service),
            organisations=items(self.organisations, EventOrganisationInput.to_service),
            outcomes=keep(self.outcomes),
            editor_note=keep(self.editor_note),
            body=text(self.body),
            publish_at=keep(self.publish_at),
            unpublish_at=keep(self.unpublish_at),
        )


@strawberry.type(description="The event was changed (or already was as asked).")
class EventUpdateSuccess:
    event: Event = strawberry.field(description="The event as it is now, with its new version.")


EventUpdateResult = Annotated[
    EventUpdateSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("EventUpdateResult", description="The changed event, or why it is not."),
]


@strawberry.mutation(description="Change an event; editors only. Kept as a revision.")
async def update_event(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the event to change.")],
    input: Annotated[EventUpdateInput, strawberry.argument(description="What to change.")],
) -> EventUpdateResult:
    row = await services.update_event(
        info.context.viewer, slug, input.to_patch(), version=input.version
    )
    return EventUpdateSuccess(event=Event.from_row(row))
