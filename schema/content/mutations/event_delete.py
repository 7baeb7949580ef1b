"""deleteEvent: delete an event and everything listed on it; its history is kept."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import Version
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The event was deleted.")
class EventDeleteSuccess:
    slug: str = strawberry.field(description="The slug the deleted event had.")


EventDeleteResult = Annotated[
    EventDeleteSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union("EventDeleteResult", description="The deleted event, or why it is not."),
]


@strawberry.mutation(
    description="Delete an event with its sessions, participants, recordings and "
    "transcripts; editors only. Its revisions are kept, ending with a DELETE."
)
async def delete_event(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The slug of the event to delete.")],
    version: Version,
) -> EventDeleteResult:
    row = await services.delete_event(info.context.viewer, slug, version=version)
    return EventDeleteSuccess(slug=row.slug)
