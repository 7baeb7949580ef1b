"""Every change to an event is kept as a revision, which editors can read and bring back."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import strawberry

from server.auth.viewer import SYSTEM
from server.content.models import (
    Event,
    EventRevision,
    EventStatus,
    Participation,
    Person,
    RevisionAction,
)
from server.content.services import EventInput, upsert_event
from server.database import Database
from server.seeding.records import EventRecord
from tests.factories import make_event, make_person, make_topic
from tests.schema.conftest import ContextFactory

CREATE_EVENT = """
mutation CreateEvent($input: EventCreateInput!) {
  createEvent(input: $input) { __typename }
}
"""

UPDATE_EVENT = """
mutation UpdateEvent($slug: String!, $input: EventUpdateInput!) {
  updateEvent(slug: $slug, input: $input) { __typename }
}
"""

PUBLISH_EVENT = """
mutation PublishEvent($slug: String!, $version: Int!) {
  publishEvent(slug: $slug, version: $version) { __typename }
}
"""

UNPUBLISH_EVENT = """
mutation UnpublishEvent($slug: String!, $version: Int!) {
  unpublishEvent(slug: $slug, version: $version) { __typename }
}
"""

DELETE_EVENT = """
mutation DeleteEvent($slug: String!, $version: Int!) {
  deleteEvent(slug: $slug, version: $version) { __typename }
}
"""

RESTORE_REVISION = """
mutation RestoreRevision($slug: String!, $number: Int!, $version: Int!) {
  restoreEventRevision(slug: $slug, number: $number, version: $version) {
    __typename
    ... on EventRevisionRestoreSuccess {
      event { title status version topics { slug } participants { person { slug } } }
    }
    ... on ValidationError { errors { field code } }
    ... on NotFoundError { message }
    ... on ConflictError { currentVersion }
    ... on PermissionDeniedError { message }
  }
}
"""

HISTORY = """
query History($slug: String!) {
  event(slug: $slug) { revisions { number action actor createdAt snapshot } }
}
"""


async def run(
    schema: strawberry.Schema, context: Any, document: str, **variables: Any
) -> dict[str, Any]:
    result = await schema.execute(document, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    assert result.data is not None
    (payload,) = result.data.values()
    return payload  # type: ignore[no-any-return]  # GraphQL data is untyped JSON


@pytest.fixture
async def people(db: Database) -> None:
    await make_person(slug="ada")
    await make_person(slug="grace")
    await make_topic(slug="impunity")
    await make_topic(slug="climate")


async def test_each_change_is_a_revision_with_its_actor_and_the_event_it_left(
    schema: strawberry.Schema, editor: ContextFactory, people: None
) -> None:
    await run(
        schema,
        editor(),
        CREATE_EVENT,
        input={
            "slug": "panel",
            "title": "First title",
            "dates": ["2024-05-01"],
            "topics": ["impunity"],
            "participants": [{"person": "ada", "role": "SPEAKER", "session": "2024-05-01"}],
            "image": {"src": "https://example.org/a.jpg", "creditUrl": "https://example.org"},
            "editorNote": "Check the spelling.",
        },
    )
    await run(schema, editor(), UPDATE_EVENT, slug="panel", input={"version": 1, "title": "Second"})
    await run(schema, editor(), PUBLISH_EVENT, slug="panel", version=2)

    history = (await run(schema, editor(), HISTORY, slug="panel"))["revisions"]

    assert [(r["number"], r["action"], r["actor"]) for r in history] == [
        (1, "CREATE", "editor"),
        (2, "UPDATE", "editor"),
        (3, "PUBLISH", "editor"),
    ]
    assert all(r["createdAt"] for r in history)
    assert history[0]["snapshot"] == {
        "slug": "panel",
        "title": "First title",
        "status": "DRAFT",
        "committee": None,
        "summary": "",
        "date_certainty": "STATED",
        "date_note": None,
        "dates": ["2024-05-01"],
        "place": None,
        "format": None,
        "platform": None,
        "topics": ["impunity"],
        "image": {
            "src": "https://example.org/a.jpg",
            "alt": None,
            "credit": None,
            "credit_url": "https://example.org",
        },
        "participants": [
            {"person": "ada", "role": "speaker", "affiliation": None, "session": "2024-05-01"}
        ],
        "organisations": [],
        "outcomes": None,
        "editor_note": "Check the spelling.",
        "body": "",
    }
    assert history[1]["snapshot"]["title"] == "Second"
    assert history[2]["snapshot"]["status"] == "PUBLISHED"
    # A snapshot is the event's seed record: it reads back as one.
    assert EventRecord.model_validate(history[2]["snapshot"]).title == "Second"

    await run(schema, editor(), UNPUBLISH_EVENT, slug="panel", version=3)
    event_id = (await Event.get(slug="panel")).id
    await run(schema, editor(), DELETE_EVENT, slug="panel", version=4)

    kept = await EventRevision.filter(event_id=event_id).order_by("number")
    assert [(r.number, r.action, r.event_slug) for r in kept] == [
        (1, RevisionAction.CREATE, "panel"),
        (2, RevisionAction.UPDATE, "panel"),
        (3, RevisionAction.PUBLISH, "panel"),
        (4, RevisionAction.UNPUBLISH, "panel"),
        (5, RevisionAction.DELETE, "panel"),
    ]
    assert kept[-1].snapshot["title"] == "Second"  # what was deleted


async def test_only_editors_read_the_history(
    schema: strawberry.Schema, editor: ContextFactory, anonymous: ContextFactory, db: Database
) -> None:
    await make_event(slug="panel")
    await run(schema, editor(), UPDATE_EVENT, slug="panel", input={"version": 1, "title": "New"})

    assert len((await run(schema, editor(), HISTORY, slug="panel"))["revisions"]) == 1
    assert await run(schema, anonymous(), HISTORY, slug="panel") == {"revisions": []}


async def test_restoring_a_revision_brings_the_content_back_as_a_new_revision(
    schema: strawberry.Schema, editor: ContextFactory, people: None
) -> None:
    await run(
        schema,
        editor(),
        CREATE_EVENT,
        input={
            "slug": "panel",
            "title": "Original",
            "dates": ["2024-05-01"],
            "topics": ["impunity"],
            "participants": [{"person": "ada", "role": "SPEAKER"}],
        },
    )
    await run(
        schema,
        editor(),
        UPDATE_EVENT,
        slug="panel",
        input={
            "version": 1,
            "title": "Vandalised",
            "topics": ["climate"],
            "participants": [{"person": "grace", "role": "HOST"}],
        },
    )
    await run(schema, editor(), PUBLISH_EVENT, slug="panel", version=2)

    restored = await run(schema, editor(), RESTORE_REVISION, slug="panel", number=1, version=3)

    assert restored["event"] == {
        "title": "Original",
        "status": "PUBLISHED",  # restoring content never (un)publishes
        "version": 4,
        "topics": [{"slug": "impunity"}],
        "participants": [{"person": {"slug": "ada"}}],
    }
    history = (await run(schema, editor(), HISTORY, slug="panel"))["revisions"]
    assert [r["action"] for r in history] == ["CREATE", "UPDATE", "PUBLISH", "RESTORE"]
    assert history[3]["snapshot"] == history[0]["snapshot"] | {"status": "PUBLISHED"}


async def test_restoring_needs_the_current_version_an_existing_revision_and_valid_content(
    schema: strawberry.Schema,
    editor: ContextFactory,
    anonymous: ContextFactory,
    people: None,
) -> None:
    await run(
        schema,
        editor(),
        CREATE_EVENT,
        input={
            "slug": "panel",
            "title": "Original",
            "dates": ["2024-05-01"],
            "participants": [{"person": "ada", "role": "SPEAKER"}],
        },
    )
    await run(
        schema, editor(), UPDATE_EVENT, slug="panel", input={"version": 1, "participants": []}
    )

    stale = await run(schema, editor(), RESTORE_REVISION, slug="panel", number=1, version=1)
    missing = await run(schema, editor(), RESTORE_REVISION, slug="panel", number=9, version=2)
    denied = await run(schema, anonymous(), RESTORE_REVISION, slug="panel", number=1, version=2)

    assert stale == {"__typename": "ConflictError", "currentVersion": 2}
    assert missing == {"__typename": "NotFoundError", "message": "no revision with number '9'"}
    assert denied["__typename"] == "PermissionDeniedError"

    await Participation.all().delete()
    await Person.filter(slug="ada").delete()
    gone = await run(schema, editor(), RESTORE_REVISION, slug="panel", number=1, version=2)
    assert gone == {
        "__typename": "ValidationError",
        "errors": [{"field": "participants[0].person", "code": "NOT_FOUND"}],
    }
    assert (await Event.get(slug="panel")).version == 2


async def test_seeding_keeps_revisions_by_the_system_and_none_for_unchanged_content(
    db: Database,
) -> None:
    data = EventInput(
        slug="panel", title="Panel", dates=[date(2021, 6, 1)], status=EventStatus.PUBLISHED
    )
    await upsert_event(SYSTEM, data)
    await upsert_event(SYSTEM, data)
    await upsert_event(SYSTEM, EventInput(slug="panel", title="Panel", dates=[date(2021, 6, 1)]))

    rows = await EventRevision.all().order_by("number").values_list("action", "actor")
    assert rows == [(RevisionAction.CREATE, "system"), (RevisionAction.UNPUBLISH, "system")]
