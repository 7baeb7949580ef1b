"""The root query fields for content: single objects by slug or global ID, and paginated lists."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from schema.content.filters import EventFilterInput
from schema.content.prefetch import prefetch_events, selected, under, wants_relations
from schema.content.sorters import EventOrderInput
from schema.content.types import Committee, Event, Organisation, Person, Topic
from schema.context import Context
from schema.pagination import After, Before, Connection, First, Last, page_request
from server.content import queries

Slug = Annotated[str, strawberry.argument(description="The object's unique, URL-safe name.")]


@strawberry.type(description="Content by slug or global ID, and lists of it.")
class ContentQuery:
    @strawberry.field(
        description="Any object by its global ID; null when it does not exist or is not visible."
    )
    async def node(
        self,
        info: strawberry.Info[Context],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The object's global ID.")],
    ) -> relay.Node | None:
        # Not `relay.node()`: its field extension binds to the first schema
        # built from this class, and every app (and test) builds its own.
        return await id.resolve_node(info, required=False)

    @strawberry.field(description="The event with this slug; null when missing or unpublished.")
    async def event(self, info: strawberry.Info[Context], slug: Slug) -> Event | None:
        row = await queries.get_event_by_slug(info.context.viewer, slug)
        if row is None:
            return None
        await prefetch_events(info, [row], selected(info))
        return Event.from_row(row)

    @strawberry.field(description="The person with this slug.")
    async def person(self, info: strawberry.Info[Context], slug: Slug) -> Person | None:
        row = await queries.get_person_by_slug(info.context.viewer, slug)
        return Person.from_row(row) if row else None

    @strawberry.field(description="The committee with this slug.")
    async def committee(self, info: strawberry.Info[Context], slug: Slug) -> Committee | None:
        row = await queries.get_committee_by_slug(info.context.viewer, slug)
        return Committee.from_row(row) if row else None

    @strawberry.field(description="The topic with this slug.")
    async def topic(self, info: strawberry.Info[Context], slug: Slug) -> Topic | None:
        row = await queries.get_topic_by_slug(info.context.viewer, slug)
        return Topic.from_row(row) if row else None

    @strawberry.field(description="The organisation with this slug.")
    async def organisation(self, info: strawberry.Info[Context], slug: Slug) -> Organisation | None:
        row = await queries.get_organisation_by_slug(info.context.viewer, slug)
        return Organisation.from_row(row) if row else None

    @strawberry.field(description="Events, newest first unless `orderBy` says otherwise.")
    async def events(
        self,
        info: strawberry.Info[Context],
        filter: Annotated[
            EventFilterInput | None, strawberry.argument(description="Which events to list.")
        ] = None,
        order_by: Annotated[
            EventOrderInput | None, strawberry.argument(description="How to sort them.")
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Event]:
        nodes = under(selected(info), "edges", "node") + under(selected(info), "nodes")
        page = await queries.list_events(
            info.context.viewer,
            filter.to_filter() if filter else None,
            order_by.to_order() if order_by else None,
            page_request(info.context.settings, first=first, after=after, last=last, before=before),
            with_relations=wants_relations(nodes),
        )
        await prefetch_events(info, page.rows, nodes)
        return Connection.from_page(page, Event.from_row)

    @strawberry.field(description="People, by name.")
    async def people(
        self,
        info: strawberry.Info[Context],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Person]:
        request = page_request(
            info.context.settings, first=first, after=after, last=last, before=before
        )
        page = await queries.list_people(info.context.viewer, request)
        return Connection.from_page(page, Person.from_row)

    @strawberry.field(description="Committees, by name.")
    async def committees(
        self,
        info: strawberry.Info[Context],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Committee]:
        request = page_request(
            info.context.settings, first=first, after=after, last=last, before=before
        )
        page = await queries.list_committees(info.context.viewer, request)
        return Connection.from_page(page, Committee.from_row)

    @strawberry.field(description="Topics, by name.")
    async def topics(
        self,
        info: strawberry.Info[Context],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Topic]:
        request = page_request(
            info.context.settings, first=first, after=after, last=last, before=before
        )
        page = await queries.list_topics(info.context.viewer, request)
        return Connection.from_page(page, Topic.from_row)

    @strawberry.field(description="Organisations, by name.")
    async def organisations(
        self,
        info: strawberry.Info[Context],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Organisation]:
        request = page_request(
            info.context.settings, first=first, after=after, last=last, before=before
        )
        page = await queries.list_organisations(info.context.viewer, request)
        return Connection.from_page(page, Organisation.from_row)
