"""unpublishEvent: turn a published event back into a draft, hidden from the public."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import Version
from schema.content.types import Event
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The event is a draft again.")
class EventUnpublishSuccess:
    event: Event = strawberry.field(description="The unpublished event, with its new version.")


EventUnpublishResult = Annotated[
    EventUnpublishSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union(
        "EventUnpublishResult", description="The unpublished event, or why it is not."
    ),
]


@strawberry.mutation(
    description="Unpublish an event: it leaves public lists and the search index; editors only."
)
async def unpublish_event(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the event to unpublish.")],
    version: Version,
) -> EventUnpublishResult:
    row = await services.unpublish_event(info.context.viewer, slug, version=version)
    return EventUnpublishSuccess(event=Event.from_row(row))
