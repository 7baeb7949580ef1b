"""deleteRecording: delete a recording and its transcript."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from schema.content.inputs import Version, recording_id
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.type(description="The recording was deleted.")
class RecordingDeleteSuccess:
    id: strawberry.ID = strawberry.field(description="The global ID the deleted recording had.")


RecordingDeleteResult = Annotated[
    RecordingDeleteSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "RecordingDeleteResult", description="The deleted recording, or why it is not."
    ),
]


@strawberry.mutation(
    description="Delete a recording with its transcript; the recordings after it move up. "
    "Editors only."
)
async def delete_recording(
    info: strawberry.Info[Context],
    id: Annotated[relay.GlobalID, strawberry.argument(description="The recording's global ID.")],
    version: Version,
) -> RecordingDeleteResult:
    await services.delete_recording(info.context.viewer, recording_id(id), version=version)
    return RecordingDeleteSuccess(id=strawberry.ID(str(id)))
