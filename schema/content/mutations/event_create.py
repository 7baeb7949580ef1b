"""createEvent: a new event, which stays a draft until it is published."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from schema.content.enums import DateCertainty, EventFormat, EventStatus, Platform
from schema.content.inputs import EventOrganisationInput, ImageInput, ParticipantInput
from schema.content.types import Event
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(
    description="A new event: a draft, seen by editors only until `publishEvent`. "
    "Recordings are added with `createRecording` once it exists."
)
class EventCreateInput:
    slug: str = strawberry.field(
        description="A unique, URL-safe name: lowercase letters and digits joined by hyphens."
    )
    title: str = strawberry.field(description="The event's title.")
    dates: list[date] = strawberry.field(
        description="The date of each session, in chronological order; at least one."
    )
    committee: str | None = strawberry.field(
        default=None, description="The slug of the committee that runs it."
    )
    date_certainty: DateCertainty = strawberry.field(
        default=DateCertainty.STATED,
        description="How sure the dates are; anything but STATED needs a `dateNote`.",
    )
    date_note: str | None = strawberry.field(
        default=None, description="A short public note on the dates, shown beside them."
    )
    summary: str = strawberry.field(default="", description="One or two plain-text sentences.")
    place: str | None = strawberry.field(default=None, description="The venue or platform.")
    format: EventFormat | None = strawberry.field(default=None, description="How people attend.")
    platform: Platform | None = strawberry.field(default=None, description="Where it is streamed.")
    topics: list[str] = strawberry.field(
        default_factory=list, description="The slugs of its topics, in order."
    )
    image: ImageInput | None = strawberry.field(default=None, description="Its image.")
    participants: list[ParticipantInput] = strawberry.field(
        default_factory=list, description="Who takes part and how, in order."
    )
    organisations: list[EventOrganisationInput] = strawberry.field(
        default_factory=list, description="Partner organisations, in order."
    )
    outcomes: str | None = strawberry.field(
        default=None, description="What it achieved, as Markdown."
    )
    editor_note: str | None = strawberry.field(
        default=None, description="A note for editors, never shown to the public."
    )
    body: str = strawberry.field(default="", description="The full write-up, as Markdown.")
    publish_at: datetime | None = strawberry.field(
        default=None,
        description="When to publish it, with its time zone; a time already past publishes "
        "it at the scheduler's next pass.",
    )
    unpublish_at: datetime | None = strawberry.field(
        default=None, description="When to make it a draft again, once published."
    )

    def to_input(self) -> services.EventInput:
        return services.EventInput(
            slug=self.slug,
            title=self.title,
            dates=list(self.dates),
            status=EventStatus.DRAFT,
            committee=self.committee,
            summary=self.summary,
            date_certainty=self.date_certainty,
            date_note=self.date_note,
            place=self.place,
            format=self.format,
            platform=self.platform,
            topics=list(self.topics),
            image=self.image.to_service() if self.image else None,
            participants=[p.to_service() for p in self.participants],
            organisations=[o.to_service() for o in self.organisations],
            outcomes=self.outcomes,
            editor_note=self.editor_note,
            body=self.body,
            publish_at=self.publish_at,
            unpublish_at=self.unpublish_at,
        )


@strawberry.type(description="The event was created, as a draft.")
class EventCreateSuccess:
    event: Event = strawberry.field(description="The new event.")


EventCreateResult = Annotated[
    EventCreateSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("EventCreateResult", description="The new event, or why there is none."),
]


@strawberry.mutation(description="Create an event, as a draft; editors only.")
async def create_event(
    info: strawberry.Info[Context],
    input: Annotated[EventCreateInput, strawberry.argument(description="The event to create.")],
) -> EventCreateResult:
    row = await services.create_event(info.context.viewer, input.to_input())
    return EventCreateSuccess(event=Event.from_row(row))
