"""removeParticipant: take one person (in one role) off an event's participants."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import ParticipantKeyInput, Version
from schema.content.types import Event
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The participant was removed from the event.")
class ParticipantRemoveSuccess:
    event: Event = strawberry.field(description="The event, with its new version.")


ParticipantRemoveResult = Annotated[
    ParticipantRemoveSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "ParticipantRemoveResult", description="The event without the participant, or why not."
    ),
]


@strawberry.mutation(
    description="Remove a participant from an event; editors only. A change to the event: "
    "it needs the event's version and is kept as a revision."
)
async def remove_participant(
    info: strawberry.Info[Context],
    event: Annotated[str, strawberry.argument(description="The event's slug.")],
    version: Version,
    participant: Annotated[
        ParticipantKeyInput, strawberry.argument(description="The person and role to remove.")
    ],
) -> ParticipantRemoveResult:
    row = await services.remove_participant(
        info.context.viewer, event, participant.to_service(), version=version
    )
    return ParticipantRemoveSuccess(event=Event.from_row(row))
