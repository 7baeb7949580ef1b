"""Editors create, change, publish, unpublish and delete events; nobody else can, or sees drafts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import strawberry

from schema.context import Context
from search.embedded import EmbeddedBackend
from search.service import SearchService
from search.worker import SyncWorker
from server.auth.viewer import ANONYMOUS
from server.content.models import Event, EventRevision, EventStatus, Participation
from server.content.services.revisions import event_snapshot
from server.content.services.stored import stored_event
from server.database import Database
from server.indexing.models import IndexKind, IndexMarker
from server.seeding import seed_directory
from server.settings import Settings
from tests.factories import make_committee, make_event, make_person, make_topic
from tests.schema.conftest import ContextFactory

CREATE_EVENT = """
mutation CreateEvent($input: EventCreateInput!) {
  createEvent(input: $input) {
    __typename
    ... on EventCreateSuccess {
      event {
        id slug title status version dates place
        committee { slug }
        topics { slug }
        participants { role person { slug } }
      }
    }
    ... on ValidationError { errors { field message code } }
    ... on PermissionDeniedError { message }
  }
}
"""

UPDATE_EVENT = """
mutation UpdateEvent($slug: String!, $input: EventUpdateInput!) {
  updateEvent(slug: $slug, input: $input) {
    __typename
    ... on EventUpdateSuccess { event { slug title summary place version dates } }
    ... on ValidationError { errors { field message code } }
    ... on ConflictError { message currentVersion }
    ... on NotFoundError { message }
    ... on PermissionDeniedError { message }
  }
}
"""

PUBLISH_EVENT = """
mutation PublishEvent($slug: String!, $version: Int!) {
  publishEvent(slug: $slug, version: $version) {
    __typename
    ... on EventPublishSuccess { event { slug status version publishedAt } }
    ... on ConflictError { message currentVersion }
    ... on PermissionDeniedError { message }
  }
}
"""

UNPUBLISH_EVENT = """
mutation UnpublishEvent($slug: String!, $version: Int!) {
  unpublishEvent(slug: $slug, version: $version) {
    __typename
    ... on EventUnpublishSuccess { event { slug status version } }
    ... on PermissionDeniedError { message }
  }
}
"""

DELETE_EVENT = """
mutation DeleteEvent($slug: String!, $version: Int!) {
  deleteEvent(slug: $slug, version: $version) {
    __typename
    ... on EventDeleteSuccess { slug }
    ... on NotFoundError { message }
    ... on ConflictError { message currentVersion }
    ... on PermissionDeniedError { message }
  }
}
"""

EVERY_PATH = """
query EveryPath($id: ID!) {
  events(first: 10) { totalCount nodes { slug } }
  event(slug: "new-panel") { slug }
  node(id: $id) { ... on Event { slug } }
  person(slug: "speaker") { events { slug } participations { event { slug } } }
  committee(slug: "hrd") { events { slug } }
  topic(slug: "impunity") { events { slug } }
}
"""

SEARCH = """
{ search(query: "Kestrel") { totalHits hits { ... on EventHit { event { slug } } } } }
"""

NEW_PANEL = {
    "slug": "new-panel",
    "title": "Kestrel hearings: a new panel",
    "dates": ["2024-05-01"],
    "committee": "hrd",
    "place": "Online",
    "topics": ["impunity"],
    "participants": [{"person": "speaker", "role": "PANELLIST"}],
}


async def execute(
    schema: strawberry.Schema, context: Context, document: str, **variables: Any
) -> dict[str, Any]:
    result = await schema.execute(document, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


@pytest.fixture
async def references(db: Database) -> None:
    await make_person(slug="speaker")
    await make_committee(slug="hrd")
    await make_topic(slug="impunity")


async def test_an_editor_creates_updates_publishes_unpublishes_and_deletes_an_event(
    schema: strawberry.Schema, editor: ContextFactory, references: None
) -> None:
    created = await execute(schema, editor(), CREATE_EVENT, input=NEW_PANEL)
    assert created["createEvent"]["event"] | {"id": None} == {
        "id": None,
        "slug": "new-panel",
        "title": "Kestrel hearings: a new panel",
        "status": "DRAFT",
        "version": 1,
        "dates": ["2024-05-01"],
        "place": "Online",
        "committee": {"slug": "hrd"},
        "topics": [{"slug": "impunity"}],
        "participants": [{"role": "PANELLIST", "person": {"slug": "speaker"}}],
    }

    updated = await execute(
        schema,
        editor(),
        UPDATE_EVENT,
        slug="new-panel",
        input={"version": 1, "summary": "  Three witnesses.  ", "place": None},
    )
    assert updated["updateEvent"] == {
        "__typename": "EventUpdateSuccess",
        "event": {
            "slug": "new-panel",
            "title": "Kestrel hearings: a new panel",  # left out, so kept
            "summary": "Three witnesses.",
            "place": None,  # null clears it
            "version": 2,
            "dates": ["2024-05-01"],
        },
    }

    published = await execute(schema, editor(), PUBLISH_EVENT, slug="new-panel", version=2)
    assert published["publishEvent"]["event"]["status"] == "PUBLISHED"
    assert published["publishEvent"]["event"]["version"] == 3
    assert published["publishEvent"]["event"]["publishedAt"] is not None

    unpublished = await execute(schema, editor(), UNPUBLISH_EVENT, slug="new-panel", version=3)
    assert unpublished["unpublishEvent"]["event"] == {
        "slug": "new-panel",
        "status": "DRAFT",
        "version": 4,
    }

    deleted = await execute(schema, editor(), DELETE_EVENT, slug="new-panel", version=4)
    assert deleted["deleteEvent"] == {"__typename": "EventDeleteSuccess", "slug": "new-panel"}
    assert not await Event.exists(slug="new-panel")
    assert not await Participation.all().exists()


async def test_an_update_that_changes_nothing_keeps_the_version(
    schema: strawberry.Schema, editor: ContextFactory, references: None
) -> None:
    await execute(schema, editor(), CREATE_EVENT, input=NEW_PANEL)

    same = await execute(
        schema, editor(), UPDATE_EVENT, slug="new-panel", input={"version": 1, "place": "Online "}
    )

    assert same["updateEvent"]["event"]["version"] == 1
    assert await EventRevision.all().count() == 1


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (CREATE_EVENT, {"input": NEW_PANEL | {"slug": "other"}}),
        (UPDATE_EVENT, {"slug": "new-panel", "input": {"version": 1, "title": "Defaced"}}),
        (PUBLISH_EVENT, {"slug": "new-panel", "version": 1}),
        (UNPUBLISH_EVENT, {"slug": "new-panel", "version": 1}),
        (DELETE_EVENT, {"slug": "new-panel", "version": 1}),
    ],
    ids=["create", "update", "publish", "unpublish", "delete"],
)
async def test_anonymous_callers_get_permission_denied_and_change_nothing(
    schema: strawberry.Schema,
    editor: ContextFactory,
    anonymous: ContextFactory,
    references: None,
    document: str,
    variables: dict[str, Any],
) -> None:
    await execute(schema, editor(), CREATE_EVENT, input=NEW_PANEL)
    markers = await IndexMarker.all().values("kind", "object_id", "generation")

    data = await execute(schema, anonymous(), document, **variables)

    (result,) = data.values()
    assert result == {
        "__typename": "PermissionDeniedError",
        "message": "anonymous may not change content",
    }
    event = await Event.get(slug="new-panel")
    assert (event.title, event.status, event.version) == (NEW_PANEL["title"], EventStatus.DRAFT, 1)
    assert await Event.all().count() == 1
    assert await IndexMarker.all().values("kind", "object_id", "generation") == markers


async def test_anonymous_callers_never_see_a_draft_made_through_the_api(
    schema: strawberry.Schema,
    editor: ContextFactory,
    references: None,
    settings: Settings,
    tmp_path: Path,
) -> None:
    backend = EmbeddedBackend(tmp_path / "search")
    await backend.open()
    public = Context.for_request(ANONYMOUS, settings, SearchService(backend))
    created = await execute(schema, editor(), CREATE_EVENT, input=NEW_PANEL)
    variables = {"id": created["createEvent"]["event"]["id"]}
    await SyncWorker(backend).drain()

    hidden = {
        "events": {"totalCount": 0, "nodes": []},
        "event": None,
        "node": None,
        "person": {"events": [], "participations": []},
        "committee": {"events": []},
        "topic": {"events": []},
    }
    assert await execute(schema, public, EVERY_PATH, **variables) == hidden
    assert (await execute(schema, public, SEARCH))["search"]["totalHits"] == 0

    await execute(schema, editor(), PUBLISH_EVENT, slug="new-panel", version=1)
    await SyncWorker(backend).drain()
    public = Context.for_request(ANONYMOUS, settings, SearchService(backend))
    shown = await execute(schema, public, EVERY_PATH, **variables)
    assert shown["event"] == {"slug": "new-panel"}
    assert shown["committee"] == {"events": [{"slug": "new-panel"}]}
    assert (await execute(schema, public, SEARCH))["search"]["hits"] == [
        {"event": {"slug": "new-panel"}}
    ]

    await execute(schema, editor(), UNPUBLISH_EVENT, slug="new-panel", version=2)
    await SyncWorker(backend).drain()
    public = Context.for_request(ANONYMOUS, settings, SearchService(backend))
    assert await execute(schema, public, EVERY_PATH, **variables) == hidden
    assert (await execute(schema, public, SEARCH))["search"]["totalHits"] == 0
    await backend.close()


async def test_every_event_mutation_marks_the_event_for_the_index(
    schema: strawberry.Schema, editor: ContextFactory, references: None
) -> None:
    async def generation() -> int:
        event_id = (await Event.get(slug="new-panel")).id
        marker = await IndexMarker.get(kind=IndexKind.EVENT, object_id=event_id)
        return marker.generation

    await execute(schema, editor(), CREATE_EVENT, input=NEW_PANEL)
    assert await generation() == 1
    await execute(
        schema, editor(), UPDATE_EVENT, slug="new-panel", input={"version": 1, "title": "T"}
    )
    assert await generation() == 2
    await execute(schema, editor(), PUBLISH_EVENT, slug="new-panel", version=2)
    assert await generation() == 3
    await execute(schema, editor(), UNPUBLISH_EVENT, slug="new-panel", version=3)
    assert await generation() == 4
    event_id = (await Event.get(slug="new-panel")).id
    await execute(schema, editor(), DELETE_EVENT, slug="new-panel", version=4)
    marker = await IndexMarker.get(kind=IndexKind.EVENT, object_id=event_id)
    assert marker.generation == 5  # the worker finds the event gone and removes its documents


async def test_a_mutation_that_fails_midway_leaves_no_row_no_marker_and_no_revision(
    schema: strawberry.Schema,
    editor: ContextFactory,
    references: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # The revision is the last write of the transaction: the event, its lists
    # and its index marker are all written by then.
    monkeypatch.setattr("server.content.services.events.record_revision", broken)

    result = await schema.execute(
        CREATE_EVENT, variable_values={"input": NEW_PANEL}, context_value=editor()
    )

    assert result.errors is not None and "disk full" in result.errors[0].message
    assert not await Event.all().exists()
    assert not await Participation.all().exists()
    assert not await IndexMarker.all().exists()
    assert not await EventRevision.all().exists()


async def test_a_refused_mutation_writes_no_marker(
    schema: strawberry.Schema, editor: ContextFactory, references: None
) -> None:
    data = await execute(schema, editor(), CREATE_EVENT, input=NEW_PANEL | {"dates": []})

    assert data["createEvent"]["__typename"] == "ValidationError"
    assert not await IndexMarker.all().exists()
    assert not await Event.all().exists()


async def test_a_missing_event_is_not_found(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    data = await execute(schema, editor(), DELETE_EVENT, slug="nothing-here", version=1)

    assert data["deleteEvent"] == {
        "__typename": "NotFoundError",
        "message": "no event with slug 'nothing-here'",
    }


async def test_events_made_by_factories_or_seeds_are_edited_the_same_way(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    speaker = await make_person(slug="speaker")
    event = await make_event(slug="old-panel", dates=[date(2020, 3, 1)], participants=[speaker])

    data = await execute(
        schema,
        editor(),
        UPDATE_EVENT,
        slug="old-panel",
        input={"version": event.version, "title": "Renamed"},
    )

    assert data["updateEvent"]["event"]["title"] == "Renamed"
    revision = await EventRevision.get(event_id=event.id)
    assert revision.snapshot == event_snapshot(await stored_event(await Event.get(id=event.id)))


async def test_the_readme_example_creates_and_publishes_an_event(
    schema: strawberry.Schema, editor: ContextFactory, seeds_dir: Path
) -> None:
    readme = (seeds_dir.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**Editors: GraphQL mutations.**") :]
    example = section[section.index("```graphql\n") + 11 : section.index("```\n", 11)]
    await seed_directory(seeds_dir)

    data = await execute(schema, editor(), example)

    assert data["createEvent"]["event"] == {
        "slug": "womens-day-vigil-2025",
        "status": "DRAFT",
        "version": 1,
    }
    assert data["publishEvent"]["event"]["status"] == "PUBLISHED"
    assert data["publishEvent"]["event"]["version"] == 2


DATE_NOTE = """
mutation UpdateEvent($slug: String!, $input: EventUpdateInput!) {
  updateEvent(slug: $slug, input: $input) {
    __typename
    ... on EventUpdateSuccess { event { dateCertainty dateNote version } }
    ... on ValidationError { errors { field message code } }
  }
}
"""

EVENT_DATES = """
query EventDates($slug: String!) { event(slug: $slug) { dates dateCertainty dateNote } }
"""


async def test_an_editor_marks_a_date_in_doubt_with_a_public_note(
    schema: strawberry.Schema, editor: ContextFactory, anonymous: ContextFactory, references: None
) -> None:
    await execute(schema, editor(), CREATE_EVENT, input=NEW_PANEL)
    await execute(schema, editor(), PUBLISH_EVENT, slug="new-panel", version=1)

    unexplained = await execute(
        schema,
        editor(),
        DATE_NOTE,
        slug="new-panel",
        input={"version": 2, "dateCertainty": "INFERRED"},
    )
    explained = await execute(
        schema,
        editor(),
        DATE_NOTE,
        slug="new-panel",
        input={
            "version": 2,
            "dateCertainty": "INFERRED",
            "dateNote": "The page gives no date; the hearings open on 1 May.",
        },
    )

    assert unexplained["updateEvent"] == {
        "__typename": "ValidationError",
        "errors": [
            {
                "field": "dateNote",
                "message": "must say why the dates are inferred",
                "code": "REQUIRED",
            }
        ],
    }
    assert explained["updateEvent"]["event"]["dateCertainty"] == "INFERRED"
    assert await execute(schema, anonymous(), EVENT_DATES, slug="new-panel") == {
        "event": {
            "dates": ["2024-05-01"],
            "dateCertainty": "INFERRED",
            "dateNote": "The page gives no date; the hearings open on 1 May.",
        }
    }
