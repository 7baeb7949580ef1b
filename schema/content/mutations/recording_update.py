"""updateRecording: change a recording's title, platform or URL (its transcript stays)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from schema.content.enums import Platform
from schema.content.inputs import VERSION_DESCRIPTION, keep, recording_id, text
from schema.content.types import Recording
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(
    description="Changes to a recording; fields left out keep their value, null clears one."
)
class RecordingUpdateInput:
    version: int = strawberry.field(description=VERSION_DESCRIPTION)
    title: str | None = strawberry.field(default=strawberry.UNSET, description="A new title.")
    platform: Platform | None = strawberry.field(
        default=strawberry.UNSET, description="Where the recording lives."
    )
    url: str | None = strawberry.field(
        default=strawberry.UNSET, description="Where to watch it, an http(s) URL, or null."
    )

    def to_patch(self) -> services.RecordingPatch:
        return services.RecordingPatch(
            title=text(self.title), platform=keep(self.platform), url=keep(self.url)
        )


@strawberry.type(description="The recording was changed (or already was as asked).")
class RecordingUpdateSuccess:
    recording: Recording = strawberry.field(description="The recording as it is now.")


RecordingUpdateResult = Annotated[
    RecordingUpdateSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "RecordingUpdateResult", description="The changed recording, or why it is not."
    ),
]


@strawberry.mutation(description="Change a recording; editors only.")
async def update_recording(
    info: strawberry.Info[Context],
    id: Annotated[relay.GlobalID, strawberry.argument(description="The recording's global ID.")],
    input: Annotated[RecordingUpdateInput, strawberry.argument(description="What to change.")],
) -> RecordingUpdateResult:
    row = await services.update_recording(
        info.context.viewer, recording_id(id), input.to_patch(), version=input.version
    )
    return RecordingUpdateSuccess(recording=Recording.from_row(row))
