"""publishEvent: make a draft event public (and searchable)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import Version
from schema.content.types import Event
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The event is published.")
class EventPublishSuccess:
    event: Event = strawberry.field(description="The published event, with its new version.")


EventPublishResult = Annotated[
    EventPublishSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("EventPublishResult", description="The published event, or why it is not."),
]


@strawberry.mutation(
    description="Publish an event; editors only. Publishing a published event changes nothing."
)
async def publish_event(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the event to publish.")],
    version: Version,
) -> EventPublishResult:
    row = await services.publish_event(info.context.viewer, slug, version=version)
    return EventPublishSuccess(event=Event.from_row(row))
