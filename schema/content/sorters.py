"""Sort inputs for content lists, converted to the read services' own orderings."""

from __future__ import annotations

import strawberry

from server.content import queries

OrderDirection = queries.OrderDirection
EventOrderField = queries.EventOrderField
strawberry.enum(OrderDirection, description="Which way a list is sorted.")
strawberry.enum(
    EventOrderField, description="What events can be sorted by. DATE is the first session's date."
)


@strawberry.input(
    name="EventOrder",
    description="How to sort events; events on the same date keep a stable order (by id).",
)
class EventOrderInput:
    field: EventOrderField = strawberry.field(
        default=queries.EventOrderField.DATE, description="What to sort by."
    )
    direction: OrderDirection = strawberry.field(
        default=queries.OrderDirection.DESC, description="Which way; newest first by default."
    )

    def to_order(self) -> queries.EventOrder:
        return queries.EventOrder(field=self.field, direction=self.direction)
