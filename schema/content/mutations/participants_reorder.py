"""reorderParticipants: put an event's participants in a new order."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import ParticipantKeyInput, Version
from schema.content.types import Event
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The event's participants are in the new order.")
class ParticipantsReorderSuccess:
    event: Event = strawberry.field(description="The event, with its new version.")


ParticipantsReorderResult = Annotated[
    ParticipantsReorderSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "ParticipantsReorderResult", description="The reordered event, or why it is not."
    ),
]


@strawberry.mutation(
    description="Reorder an event's participants; editors only. A change to the event: it "
    "needs the event's version and is kept as a revision."
)
async def reorder_participants(
    info: strawberry.Info[Context],
    event: Annotated[str, strawberry.argument(description="The event's slug.")],
    version: Version,
    participants: Annotated[
        list[ParticipantKeyInput],
        strawberry.argument(
            description="Every participant of the event, each once, in the new order."
        ),
    ],
) -> ParticipantsReorderResult:
    order = [p.to_service() for p in participants]
    row = await services.reorder_participants(info.context.viewer, event, order, version=version)
    return ParticipantsReorderSuccess(event=Event.from_row(row))
