"""Filter inputs for content lists, converted to the read services' own filters."""

from __future__ import annotations

from datetime import date

import strawberry

from schema.content.enums import EventStatus, ParticipantRole, Platform
from server.content import queries


@strawberry.input(
    name="EventFilter",
    description="Which events to list; every criterion given must hold. "
    "`from` and `to` together keep the events that overlap that range.",
)
class EventFilterInput:
    committee: str | None = strawberry.field(
        default=None, description="Only events run by the committee with this slug."
    )
    topic: str | None = strawberry.field(
        default=None, description="Only events tagged with the topic with this slug."
    )
    person: str | None = strawberry.field(
        default=None, description="Only events the person with this slug took part in."
    )
    role: ParticipantRole | None = strawberry.field(
        default=None,
        description="Only events where someone (the `person`, when given) had this role.",
    )
    platform: Platform | None = strawberry.field(
        default=None, description="Only events streamed on this platform."
    )
    status: EventStatus | None = strawberry.field(
        default=None,
        description="Only events with this status; the public only ever sees PUBLISHED ones.",
    )
    from_: date | None = strawberry.field(
        default=None,
        name="from",
        description="Only events whose last session is on or after this date.",
    )
    to: date | None = strawberry.field(
        default=None,
        description="Only events whose first session is on or before this date.",
    )

    def to_filter(self) -> queries.EventFilter:
        return queries.EventFilter(
            committee=self.committee,
            topic=self.topic,
            person=self.person,
            role=self.role,
            platform=self.platform,
            status=self.status,
            date_from=self.from_,
            date_to=self.to,
        )
