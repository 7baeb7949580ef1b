"""An event's revision history as GraphQL: one entry per change, for editors."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from schema.content.enums import RevisionAction
from server.content import models


@strawberry.type(description="One change to an event: who made it, when, and the event it left.")
class EventRevision:
    number: int = strawberry.field(description="The revision's number: 1, 2, 3, … per event.")
    action: RevisionAction = strawberry.field(description="What the change did.")
    actor: str = strawberry.field(
        description="Who made it: the API token's name (`system` for seeding and the CLI)."
    )
    created_at: datetime = strawberry.field(description="When it was made.")
    snapshot: JSON = strawberry.field(
        description="The event after the change (before it, for a deletion), in the form of "
        "its seed file's front matter plus `body`; recordings are versioned on their own."
    )

    @classmethod
    def from_row(cls, row: models.EventRevision) -> EventRevision:
        return cls(
            number=row.number,
            action=row.action,
            actor=row.actor,
            created_at=row.created_at,
            snapshot=row.snapshot,  # type: ignore[arg-type]  # JSON is NewType("JSON", object)
        )
