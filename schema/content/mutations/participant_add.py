"""addParticipant: put one more person on an event's list of participants."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.inputs import ParticipantInput, Version
from schema.content.types import Event
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The participant was added to the event.")
class ParticipantAddSuccess:
    event: Event = strawberry.field(description="The event, with its new version.")


ParticipantAddResult = Annotated[
    ParticipantAddSuccess | ValidationError | NotFoundError | ConflictError | PermissionDeniedError,
    strawberry.union(
        "ParticipantAddResult", description="The event with its new participant, or why not."
    ),
]


@strawberry.mutation(
    description="Add a participant to an event; editors only. A change to the event: it "
    "needs the event's version and is kept as a revision."
)
async def add_participant(
    info: strawberry.Info[Context],
    event: Annotated[str, strawberry.argument(description="The event's slug.")],
    version: Version,
    participant: Annotated[
        ParticipantInput, strawberry.argument(description="Who takes part, and how.")
    ],
    position: Annotated[
        int | None,
        strawberry.argument(description="Where in the list (0 is first); last when left out."),
    ] = None,
) -> ParticipantAddResult:
    row = await services.add_participant(
        info.context.viewer,
        event,
        participant.to_service(),
        version=version,
        position=position,
    )
    return ParticipantAddSuccess(event=Event.from_row(row))
