"""createRecording: add a recording to the end of an event's list."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.content.enums import Platform
from schema.content.types import Recording
from schema.context import Context
from schema.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from server.content import services


@strawberry.input(description="A new recording of (part of) an event.")
class RecordingCreateInput:
    title: str = strawberry.field(description="What the recording shows.")
    platform: Platform | None = strawberry.field(
        default=None, description="Where the recording lives."
    )
    url: str | None = strawberry.field(
        default=None, description="Where to watch it, an http(s) URL; null when unknown."
    )

    def to_input(self) -> services.RecordingInput:
        return services.RecordingInput(title=self.title, platform=self.platform, url=self.url)


@strawberry.type(description="The recording was added.")
class RecordingCreateSuccess:
    recording: Recording = strawberry.field(description="The new recording.")


RecordingCreateResult = Annotated[
    RecordingCreateSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PermissionDeniedError,
    strawberry.union(
        "RecordingCreateResult", description="The new recording, or why there is none."
    ),
]


@strawberry.mutation(
    description="Add a recording to an event, after its others; editors only. Recordings "
    "have versions of their own, so this needs no event version."
)
async def create_recording(
    info: strawberry.Info[Context],
    event: Annotated[str, strawberry.argument(description="The slug of the recorded event.")],
    input: Annotated[
        RecordingCreateInput, strawberry.argument(description="The recording to add.")
    ],
) -> RecordingCreateResult:
    row = await services.create_recording(info.context.viewer, event, input.to_input())
    return RecordingCreateSuccess(recording=Recording.from_row(row))
