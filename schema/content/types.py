"""The content types: each wraps a row's public fields and reaches relations through loaders.

Types copy what they expose out of the row in `from_row`, and keep only ids
for relations, so no ORM object (nor a field like `editor_note`) can leak
into a response. Every entity is a Relay `Node`, refetched by `node(id:)`
through the same loaders, and therefore the same visibility rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader

from schema.content.enums import DateCertainty, EventFormat, EventStatus, ParticipantRole, Platform
from schema.content.prefetch import now_or_later
from schema.content.revisions import EventRevision
from schema.context import Context
from schema.pagination import NestedFirst, nested_limit
from server.content import models
from server.content.queries import rows
from server.content.queries.event_rows import EventRow
from server.content.rendering import render_markdown

if TYPE_CHECKING:
    from schema.content.transcripts import Transcript

Row = TypeVar("Row")
NodeT = TypeVar("NodeT")

VERSION_DESCRIPTION = (
    "Goes up with every change; send it back with a change (update, publish, delete) "
    "so that a change someone made meanwhile is never overwritten."
)


# Row ids are 32-bit: a longer number names no row, and PostgreSQL refuses it as an argument.
_MAX_ROW_ID = 2**31 - 1


def _row_id(node_id: str) -> int | None:
    """The row id in a global ID's id part, or None when it cannot be one."""
    if not (node_id.isascii() and node_id.isdigit() and len(node_id) <= 10):
        return None
    return int(node_id) if int(node_id) <= _MAX_ROW_ID else None


async def _load_nodes(
    loader: DataLoader[int, Row | None],
    node_ids: Iterable[str],
    wrap: Callable[[Row], NodeT],
    required: bool,
) -> list[NodeT | None]:
    """Nodes for the id parts of global IDs, None for ids that are malformed, missing or hidden."""
    keys = [_row_id(node_id) for node_id in node_ids]
    wanted = [key for key in keys if key is not None]
    found = dict(zip(wanted, await loader.load_many(wanted), strict=True))
    nodes: list[NodeT | None] = []
    for key in keys:
        row = None if key is None else found[key]
        nodes.append(None if row is None else wrap(row))
    if required and None in nodes:
        raise ValueError("No object exists with that ID.")
    return nodes


@strawberry.type(description="An organisation people belong to or that partners on events.")
class Organisation(relay.Node):
    id: relay.NodeID[int]
    slug: str = strawberry.field(description="The organisation's unique, URL-safe name.")
    name: str = strawberry.field(description="The organisation's name.")
    url: str | None = strawberry.field(description="The organisation's website, when known.")
    version: int = strawberry.field(description=VERSION_DESCRIPTION)

    @classmethod
    def from_row(cls, row: models.Organisation) -> Organisation:
        return cls(id=row.id, slug=row.slug, name=row.name, url=row.url, version=row.version)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # one form of Node's overloads
        cls, *, info: strawberry.Info[Context], node_ids: Iterable[str], required: bool = False
    ) -> list[Organisation | None]:
        loader = info.context.loaders.organisation_by_id
        return await _load_nodes(loader, node_ids, cls.from_row, required)


@strawberry.type(description="A subject events are tagged with.")
class Topic(relay.Node):
    id: relay.NodeID[int]
    slug: str = strawberry.field(description="The topic's unique, URL-safe name.")
    name: str = strawberry.field(description="The topic's name.")
    version: int = strawberry.field(description=VERSION_DESCRIPTION)

    @classmethod
    def from_row(cls, row: models.Topic | rows.TopicRow) -> Topic:
        return cls(id=row.id, slug=row.slug, name=row.name, version=row.version)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # one form of Node's overloads
        cls, *, info: strawberry.Info[Context], node_ids: Iterable[str], required: bool = False
    ) -> list[Topic | None]:
        return await _load_nodes(info.context.loaders.topic_by_id, node_ids, cls.from_row, required)

    @strawberry.field(description="Events tagged with this topic, newest first.")
    async def events(
        self, info: strawberry.Info[Context], first: NestedFirst = None
    ) -> list[Event]:
        key = (self.id, nested_limit(info.context.settings, first))
        return [Event.from_row(row) for row in await info.context.loaders.events_by_topic.load(key)]


@strawberry.type(description="A link on a person's profile.")
class Link:
    label: str = strawberry.field(description="What the link is, as shown to readers.")
    url: str = strawberry.field(description="Where the link points.")


@strawberry.type(description="A title a person holds, optionally at an organisation.")
class Affiliation:
    title: str | None = strawberry.field(description="The person's title or role there.")
    organisation_id: strawberry.Private[int | None]

    @strawberry.field(description="The organisation, when the title is held at one.")
    async def organisation(self, info: strawberry.Info[Context]) -> Organisation | None:
        if self.organisation_id is None:
            return None
        row = await info.context.loaders.organisation_by_id.load(self.organisation_id)
        return Organisation.from_row(row) if row else None


@strawberry.type(description="Someone who spoke at, hosted or otherwise took part in events.")
class Person(relay.Node):
    id: relay.NodeID[int]
    slug: str = strawberry.field(description="The person's unique, URL-safe name.")
    name: str = strawberry.field(description="The person's name.")
    bio: str = strawberry.field(description="A short biography; may be empty.")
    links: list[Link] = strawberry.field(description="Links about the person, in display order.")
    version: int = strawberry.field(description=VERSION_DESCRIPTION)

    @classmethod
    def from_row(cls, row: models.Person | rows.PersonRow) -> Person:
        links = [
            Link(label=str(link.get("label") or link["url"]), url=str(link["url"]))
            for link in row.links
            if link.get("url")
        ]
        return cls(
            id=row.id, slug=row.slug, name=row.name, bio=row.bio, links=links, version=row.version
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # one form of Node's overloads
        cls, *, info: strawberry.Info[Context], node_ids: Iterable[str], required: bool = False
    ) -> list[Person | None]:
        return await _load_nodes(
            info.context.loaders.person_by_id, node_ids, cls.from_row, required
        )

    @strawberry.field(description="The person's titles and organisations, in display order.")
    async def affiliations(self, info: strawberry.Info[Context]) -> list[Affiliation]:
        rows = await info.context.loaders.affiliations_by_person.load(self.id)
        return [Affiliation(title=row.title, organisation_id=row.organisation_id) for row in rows]

    @strawberry.field(description="The person's parts in events, most recent event first.")
    async def participations(
        self, info: strawberry.Info[Context], first: NestedFirst = None
    ) -> list[Participation]:
        key = (self.id, nested_limit(info.context.settings, first))
        rows = await info.context.loaders.participations_by_person.load(key)
        return [Participation.from_row(row) for row in rows]

    @strawberry.field(description="Events the person took part in, newest first, each once.")
    async def events(
        self, info: strawberry.Info[Context], first: NestedFirst = None
    ) -> list[Event]:
        key = (self.id, nested_limit(info.context.settings, first))
        rows = await info.context.loaders.events_by_person.load(key)
        return [Event.from_row(row) for row in rows]


@strawberry.type(description="A person's seat on a committee.")
class CommitteeMember:
    role: str = strawberry.field(description="The seat, such as co-chair.")
    person_id: strawberry.Private[int]

    @strawberry.field(description="Who holds the seat.")
    async def person(self, info: strawberry.Info[Context]) -> Person:
        row = await info.context.loaders.person_by_id.load(self.person_id)
        assert row is not None, "a member's person is protected from deletion"
        return Person.from_row(row)


@strawberry.type(description="A committee of the organisation that runs events.")
class Committee(relay.Node):
    id: relay.NodeID[int]
    slug: str = strawberry.field(description="The committee's unique, URL-safe name.")
    name: str = strawberry.field(description="The committee's name.")
    description: str = strawberry.field(description="What the committee does; may be empty.")
    version: int = strawberry.field(description=VERSION_DESCRIPTION)

    @classmethod
    def from_row(cls, row: models.Committee | rows.CommitteeRow) -> Committee:
        return cls(
            id=row.id,
            slug=row.slug,
            name=row.name,
            description=row.description,
            version=row.version,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # one form of Node's overloads
        cls, *, info: strawberry.Info[Context], node_ids: Iterable[str], required: bool = False
    ) -> list[Committee | None]:
        loader = info.context.loaders.committee_by_id
        return await _load_nodes(loader, node_ids, cls.from_row, required)

    @strawberry.field(description="The committee's members, in display order.")
    async def members(self, info: strawberry.Info[Context]) -> list[CommitteeMember]:
        rows = await info.context.loaders.members_by_committee.load(self.id)
        return [CommitteeMember(role=row.role, person_id=row.person_id) for row in rows]

    @strawberry.field(description="Events the committee ran, newest first.")
    async def events(
        self, info: strawberry.Info[Context], first: NestedFirst = None
    ) -> list[Event]:
        key = (self.id, nested_limit(info.context.settings, first))
        rows = await info.context.loaders.events_by_committee.load(key)
        return [Event.from_row(row) for row in rows]


@strawberry.type(description="A person's part in an event, under the affiliation they had there.")
class Participation:
    role: ParticipantRole = strawberry.field(description="The part the person played.")
    affiliation: str | None = strawberry.field(
        description="How the person was introduced at the event, such as a title and employer."
    )
    session: date | None = strawberry.field(
        description="The session the person took part in, for events with several; else null."
    )
    person_id: strawberry.Private[int]
    event_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Participation | rows.ParticipationRow) -> Participation:
        return cls(
            role=row.role,
            affiliation=row.affiliation,
            session=row.session_date,
            person_id=row.person_id,
            event_id=row.event_id,
        )

    @strawberry.field(description="Who took part.")
    def person(self, info: strawberry.Info[Context]) -> Person:
        return now_or_later(info.context.loaders.person_by_id.load(self.person_id), _person)

    @strawberry.field(description="The event the person took part in.")
    async def event(self, info: strawberry.Info[Context]) -> Event | None:
        row = await info.context.loaders.event_by_id.load(self.event_id)
        return Event.from_row(row) if row else None


@strawberry.type(description="A partner organisation of an event and the part it played.")
class EventOrganisation:
    role: str = strawberry.field(description="The part the organisation played, such as partner.")
    organisation_id: strawberry.Private[int]

    @strawberry.field(description="The organisation.")
    def organisation(self, info: strawberry.Info[Context]) -> Organisation:
        loaded = info.context.loaders.organisation_by_id.load(self.organisation_id)
        return now_or_later(loaded, _partner)


@strawberry.type(description="A recording of (part of) an event.")
class Recording(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="What the recording shows.")
    platform: Platform | None = strawberry.field(description="Where the recording lives.")
    url: str | None = strawberry.field(description="Where to watch it; null when unknown.")
    version: int = strawberry.field(description=VERSION_DESCRIPTION)
    event_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Recording) -> Recording:
        return cls(
            id=row.id,
            title=row.title,
            platform=row.platform,
            url=row.url,
            version=row.version,
            event_id=row.event_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # one form of Node's overloads
        cls, *, info: strawberry.Info[Context], node_ids: Iterable[str], required: bool = False
    ) -> list[Recording | None]:
        loader = info.context.loaders.recording_by_id
        return await _load_nodes(loader, node_ids, cls.from_row, required)

    @strawberry.field(description="The event recorded.")
    async def event(self, info: strawberry.Info[Context]) -> Event | None:
        row = await info.context.loaders.event_by_id.load(self.event_id)
        return Event.from_row(row) if row else None

    @strawberry.field(description="What was said in the recording; null when it has no transcript.")
    async def transcript(
        self, info: strawberry.Info[Context]
    ) -> Annotated[Transcript, strawberry.lazy("schema.content.transcripts")] | None:
        from schema.content.transcripts import Transcript  # it refers back to Person

        row = await info.context.loaders.transcript_by_recording.load(self.id)
        return Transcript.from_row(row) if row else None


@strawberry.type(description="An image illustrating an event, with its credit.")
class Image:
    src: str = strawberry.field(description="The image's URL.")
    alt: str | None = strawberry.field(description="Text describing the image, for screen readers.")
    credit: str | None = strawberry.field(description="Who to credit for the image.")
    credit_url: str | None = strawberry.field(description="Where the credit links to.")


@strawberry.type(description="An event: a panel, workshop, protest, campaign or broadcast.")
class Event(relay.Node):
    id: relay.NodeID[int]
    slug: str = strawberry.field(description="The event's unique, URL-safe name.")
    title: str = strawberry.field(description="The event's title.")
    summary: str = strawberry.field(description="One or two plain-text sentences about the event.")
    body: str = strawberry.field(description="The full write-up, as Markdown.")
    outcomes: str | None = strawberry.field(description="What the event achieved, as Markdown.")
    status: EventStatus = strawberry.field(description="Whether the event is published.")
    date_certainty: DateCertainty = strawberry.field(
        description="How sure the dates are; when not STATED, `dateNote` says why."
    )
    date_note: str | None = strawberry.field(
        description="A short public note on the dates, in the source's words where it has "
        "them: why they are inferred or in doubt. Show it beside the dates."
    )
    place: str | None = strawberry.field(
        description="The venue or platform, as the source gives it."
    )
    format: EventFormat | None = strawberry.field(description="How people attended.")
    platform: Platform | None = strawberry.field(description="Where the event was streamed.")
    image: Image | None = strawberry.field(description="The event's image, if it has one.")
    published_at: datetime | None = strawberry.field(description="When the event was published.")
    created_at: datetime = strawberry.field(description="When the event was created.")
    updated_at: datetime = strawberry.field(description="When the event was last changed.")
    version: int = strawberry.field(description=VERSION_DESCRIPTION)
    committee_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: models.Event | EventRow) -> Event:
        image = None
        if row.image_src:
            image = Image(
                src=row.image_src,
                alt=row.image_alt,
                credit=row.image_credit,
                credit_url=row.image_credit_url,
            )
        return cls(
            id=row.id,
            slug=row.slug,
            title=row.title,
            summary=row.summary,
            body=row.body,
            outcomes=row.outcomes,
            status=row.status,
            date_certainty=row.date_certainty,
            date_note=row.date_note,
            place=row.place,
            format=row.format,
            platform=row.platform,
            image=image,
            published_at=row.published_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            version=row.version,
            committee_id=row.committee_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # one form of Node's overloads
        cls, *, info: strawberry.Info[Context], node_ids: Iterable[str], required: bool = False
    ) -> list[Event | None]:
        return await _load_nodes(info.context.loaders.event_by_id, node_ids, cls.from_row, required)

    @strawberry.field(
        description="When the scheduler publishes this draft; editors only (null for anyone else)."
    )
    async def publish_at(self, info: strawberry.Info[Context]) -> datetime | None:
        row = await _scheduled(info, self.id)
        return row.publish_at if row is not None else None

    @strawberry.field(
        description="When the scheduler makes this published event a draft again; editors "
        "only (null for anyone else)."
    )
    async def unpublish_at(self, info: strawberry.Info[Context]) -> datetime | None:
        row = await _scheduled(info, self.id)
        return row.unpublish_at if row is not None else None

    @strawberry.field(description="The body rendered as sanitised HTML, safe to insert as it is.")
    def body_html(self) -> str:
        return render_markdown(self.body)

    @strawberry.field(description="The outcomes rendered as sanitised HTML; null without outcomes.")
    def outcomes_html(self) -> str | None:
        return None if self.outcomes is None else render_markdown(self.outcomes)

    # The relations below return their value directly when the root field prefetched
    # it (schema/content/prefetch.py), and an awaitable of it otherwise.

    @strawberry.field(description="The date of each session, in order; most events have one.")
    def dates(self, info: strawberry.Info[Context]) -> list[date]:
        return now_or_later(info.context.loaders.relations_by_event.load(self.id), _dates)

    @strawberry.field(description="The committee that ran the event, if any.")
    def committee(self, info: strawberry.Info[Context]) -> Committee | None:
        if self.committee_id is None:
            return None
        loaded = info.context.loaders.committee_by_id.load(self.committee_id)
        return now_or_later(loaded, _committee)

    @strawberry.field(description="Who took part and how, in the order editors gave.")
    def participants(self, info: strawberry.Info[Context]) -> list[Participation]:
        loaded = info.context.loaders.relations_by_event.load(self.id)
        return now_or_later(loaded, _participations)

    @strawberry.field(description="The event's topics, in the order editors gave.")
    def topics(self, info: strawberry.Info[Context]) -> list[Topic]:
        return now_or_later(info.context.loaders.relations_by_event.load(self.id), _topics)

    @strawberry.field(description="Recordings of the event, in order.")
    def recordings(self, info: strawberry.Info[Context]) -> list[Recording]:
        return now_or_later(info.context.loaders.recordings_by_event.load(self.id), _recordings)

    @strawberry.field(description="Partner organisations and the part each played, in order.")
    def organisations(self, info: strawberry.Info[Context]) -> list[EventOrganisation]:
        loaded = info.context.loaders.organisations_by_event.load(self.id)
        return now_or_later(loaded, _event_organisations)

    @strawberry.field(
        description="Every change to the event, oldest first, with who made it and a snapshot; "
        "editors only (anyone else gets an empty list)."
    )
    async def revisions(self, info: strawberry.Info[Context]) -> list[EventRevision]:
        rows = await info.context.loaders.revisions_by_event.load(self.id)
        return [EventRevision.from_row(row) for row in rows]


async def _scheduled(info: strawberry.Info[Context], event_id: int) -> models.Event | None:
    """The event's stored row, for its schedule; None, with no read, for the public."""
    if not info.context.viewer.can_read_drafts:
        return None
    return await info.context.loaders.event_by_id.load(event_id)


def _person(row: rows.PersonRow | None) -> Person:
    assert row is not None, "a participant's person is protected from deletion"
    return Person.from_row(row)


def _partner(row: models.Organisation | None) -> Organisation:
    assert row is not None, "a partner organisation is protected from deletion"
    return Organisation.from_row(row)


def _committee(row: rows.CommitteeRow | None) -> Committee | None:
    return Committee.from_row(row) if row else None


def _dates(relations: rows.EventRelations) -> list[date]:
    return list(relations.dates)


def _participations(relations: rows.EventRelations) -> list[Participation]:
    return [Participation.from_row(row) for row in relations.participations]


def _topics(relations: rows.EventRelations) -> list[Topic]:
    return [Topic.from_row(row) for row in relations.topics]


def _recordings(rows: list[models.Recording]) -> list[Recording]:
    return [Recording.from_row(row) for row in rows]


def _event_organisations(rows: list[models.EventOrganisation]) -> list[EventOrganisation]:
    return [EventOrganisation(role=row.role, organisation_id=row.organisation_id) for row in rows]
