"""The content enums, registered with GraphQL under their own names and with the models' values.

The models' enums are used as they are, so that no mapping can drift; this
module only describes them to GraphQL, and the types import them from here.
"""

from __future__ import annotations

import strawberry

from server.content.models import (
    DateCertainty,
    EventFormat,
    EventStatus,
    ParticipantRole,
    Platform,
    RevisionAction,
)

strawberry.enum(
    EventStatus,
    description="Whether an event is published; the public only ever sees PUBLISHED events.",
)
strawberry.enum(EventFormat, description="How people attend an event.")
strawberry.enum(
    DateCertainty,
    description="How sure an event's dates are: STATED by the source, INFERRED from what it "
    "says (it gives none), or DISPUTED by something it says.",
)
strawberry.enum(Platform, description="Where an event was streamed or where a recording lives.")
strawberry.enum(ParticipantRole, description="The part a person played at an event.")
strawberry.enum(RevisionAction, description="What a change to an event did.")

__all__ = [
    "DateCertainty",
    "EventFormat",
    "EventStatus",
    "ParticipantRole",
    "Platform",
    "RevisionAction",
]
