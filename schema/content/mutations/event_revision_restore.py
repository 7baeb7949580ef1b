"""restoreEventRevision: bring an event's content back to an earlier revision."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import Version
from schema.content.types import Event
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The event's content is back as the revision kept it.")
class EventRevisionRestoreSuccess:
    event: Event = strawberry.field(description="The event as it is now, with its new version.")


EventRevisionRestoreResult = Annotated[
    EventRevisionRestoreSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "EventRevisionRestoreResult", description="The restored event, or why it is not."
    ),
]


@strawberry.mutation(
    description="Restore an event's content from one of its revisions, as a new RESTORE "
    "revision; editors only. Whether it is published, and its recordings, stay as they are."
)
async def restore_event_revision(
    info: strawberry.Info[Context],
    slug: Annotated[str, strawberry.argument(description="The event's slug.")],
    number: Annotated[int, strawberry.argument(description="The revision to bring back.")],
    version: Version,
) -> EventRevisionRestoreResult:
    row = await services.restore_event_revision(info.context.viewer, slug, number, version=version)
    return EventRevisionRestoreSuccess(event=Event.from_row(row))
