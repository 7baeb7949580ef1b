"""Versions against lost updates: a change from a stale version is refused, and of two
concurrent changes from the same version exactly one wins (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
import strawberry
from strawberry.relay import to_base64

from server.auth.viewer import SYSTEM
from server.content.models import (
    Event,
    EventRevision,
    EventStatus,
    ParticipantRole,
    Person,
    Recording,
    Topic,
)
from server.content.services import EventInput, ParticipantInput, upsert_event
from server.database import Database
from server.indexing.models import IndexMarker
from tests.factories import make_event, make_person, make_topic
from tests.schema.conftest import ContextFactory

UPDATE_EVENT = """
mutation UpdateEvent($slug: String!, $input: EventUpdateInput!) {
  updateEvent(slug: $slug, input: $input) {
    __typename
    ... on EventUpdateSuccess { event { title version } }
    ... on ConflictError { message currentVersion }
  }
}
"""

PUBLISH_EVENT = """
mutation PublishEvent($slug: String!, $version: Int!) {
  publishEvent(slug: $slug, version: $version) {
    __typename
    ... on ConflictError { currentVersion }
  }
}
"""

DELETE_EVENT = """
mutation DeleteEvent($slug: String!, $version: Int!) {
  deleteEvent(slug: $slug, version: $version) {
    __typename
    ... on ConflictError { currentVersion }
  }
}
"""

UPDATE_PERSON = """
mutation UpdatePerson($slug: String!, $input: PersonUpdateInput!) {
  updatePerson(slug: $slug, input: $input) {
    __typename
    ... on PersonUpdateSuccess { person { name version } }
    ... on ConflictError { currentVersion }
  }
}
"""

DELETE_TOPIC = """
mutation DeleteTopic($slug: String!, $version: Int!) {
  deleteTopic(slug: $slug, version: $version) {
    __typename
    ... on ConflictError { currentVersion }
  }
}
"""

UPDATE_RECORDING = """
mutation UpdateRecording($id: ID!, $input: RecordingUpdateInput!) {
  updateRecording(id: $id, input: $input) {
    __typename
    ... on RecordingUpdateSuccess { recording { title version } }
    ... on ConflictError { currentVersion }
  }
}
"""

ADD_PARTICIPANT = """
mutation AddParticipant($event: String!, $version: Int!, $person: String!) {
  addParticipant(event: $event, version: $version,
                 participant: {person: $person, role: SPEAKER}) {
    __typename
    ... on ConflictError { currentVersion }
  }
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


async def _bump(event: Event) -> None:
    """Someone else changed the event: it is at version 2 now."""
    await Event.filter(id=event.id).update(version=2)


async def test_a_stale_version_is_a_conflict_with_the_current_version_and_changes_nothing(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    event = await make_event(slug="panel", title="Panel")
    await _bump(event)

    payload = await run(
        schema, editor(), UPDATE_EVENT, slug="panel", input={"version": 1, "title": "Lost update"}
    )

    assert payload == {
        "__typename": "ConflictError",
        "message": "the event changed since version 1: it is at version 2 now; "
        "fetch it again and reapply your change",
        "currentVersion": 2,
    }
    stored = await Event.get(id=event.id)
    assert (stored.title, stored.version) == ("Panel", 2)
    assert not await EventRevision.all().exists()
    assert not await IndexMarker.all().exists()


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (PUBLISH_EVENT, {"slug": "panel", "version": 1}),
        (DELETE_EVENT, {"slug": "panel", "version": 1}),
        (ADD_PARTICIPANT, {"event": "panel", "version": 1, "person": "ada"}),
    ],
    ids=["publish", "delete", "add-participant"],
)
async def test_every_event_change_needs_the_current_version(
    schema: strawberry.Schema,
    editor: ContextFactory,
    db: Database,
    document: str,
    variables: dict[str, Any],
) -> None:
    await make_person(slug="ada")
    event = await make_event(slug="panel", status=EventStatus.DRAFT)
    await _bump(event)

    payload = await run(schema, editor(), document, **variables)

    assert payload == {"__typename": "ConflictError", "currentVersion": 2}
    stored = await Event.get(id=event.id)
    assert (stored.status, stored.version) == (EventStatus.DRAFT, 2)
    assert not await stored.participations.all().exists()


async def test_other_kinds_refuse_stale_versions_too(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    person = await make_person(slug="ada", name="Ada")
    topic = await make_topic(slug="climate")
    event = await make_event(recordings=["Full panel"])
    recording = await Recording.get(event_id=event.id)
    await Person.filter(id=person.id).update(version=3)
    await Topic.filter(id=topic.id).update(version=3)
    await Recording.filter(id=recording.id).update(version=3)

    person_result = await run(
        schema, editor(), UPDATE_PERSON, slug="ada", input={"version": 2, "name": "Ada L."}
    )
    topic_result = await run(schema, editor(), DELETE_TOPIC, slug="climate", version=1)
    recording_result = await run(
        schema,
        editor(),
        UPDATE_RECORDING,
        id=to_base64("Recording", recording.id),
        input={"version": 2, "title": "Part one"},
    )

    assert (
        person_result
        == topic_result
        == recording_result
        == {
            "__typename": "ConflictError",
            "currentVersion": 3,
        }
    )
    assert (await Person.get(id=person.id)).name == "Ada"
    assert await Topic.exists(id=topic.id)
    assert (await Recording.get(id=recording.id)).title == "Full panel"


async def test_of_two_concurrent_updates_from_the_same_version_exactly_one_wins(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    event = await make_event(slug="panel", title="Panel")

    results = await asyncio.gather(
        run(schema, editor(), UPDATE_EVENT, slug="panel", input={"version": 1, "title": "Mine"}),
        run(schema, editor(), UPDATE_EVENT, slug="panel", input={"version": 1, "title": "Yours"}),
    )

    winners = [r for r in results if r["__typename"] == "EventUpdateSuccess"]
    losers = [r for r in results if r["__typename"] == "ConflictError"]
    assert len(winners) == 1 and len(losers) == 1
    assert winners[0]["event"]["version"] == 2
    assert losers[0]["currentVersion"] == 2
    stored = await Event.get(id=event.id)
    assert (stored.title, stored.version) == (winners[0]["event"]["title"], 2)
    assert await EventRevision.filter(event_id=event.id).count() == 1


async def test_the_compare_and_set_alone_decides_a_race(
    schema: strawberry.Schema,
    editor: ContextFactory,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without the early check, both writers reach the transaction believing they
    # are current; the conditional UPDATE inside it must still let only one through.
    monkeypatch.setattr("server.content.services.editing.check_version", lambda row, v: None)
    person = await make_person(slug="ada", name="Ada")

    results = await asyncio.gather(
        *(
            run(schema, editor(), UPDATE_PERSON, slug="ada", input={"version": 1, "name": name})
            for name in ("Ada L.", "Ada K.", "Ada B.")
        )
    )

    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["ConflictError", "ConflictError", "PersonUpdateSuccess"]
    assert [r["currentVersion"] for r in results if r["__typename"] == "ConflictError"] == [2, 2]
    (winner,) = [r for r in results if r["__typename"] == "PersonUpdateSuccess"]
    stored = await Person.get(id=person.id)
    assert (stored.name, stored.version) == (winner["person"]["name"], 2)


async def test_concurrent_participant_additions_from_one_version_never_lose_one_silently(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    await make_person(slug="ada")
    await make_person(slug="grace")
    event = await make_event(slug="panel")

    results = await asyncio.gather(
        run(schema, editor(), ADD_PARTICIPANT, event="panel", version=1, person="ada"),
        run(schema, editor(), ADD_PARTICIPANT, event="panel", version=1, person="grace"),
    )

    assert sorted(r["__typename"] for r in results) == ["ConflictError", "ParticipantAddSuccess"]
    assert [r["currentVersion"] for r in results if r["__typename"] == "ConflictError"] == [2]
    assert await event.participations.all().count() == 1


async def test_a_change_to_a_list_alone_gives_a_new_version_and_seeding_it_again_does_not(
    db: Database,
) -> None:
    await make_person(slug="ada")
    data = EventInput(slug="panel", title="Panel", dates=[date(2021, 6, 1)])
    event, _ = await upsert_event(SYSTEM, data)
    assert event.version == 1

    with_speaker = EventInput(
        slug="panel",
        title="Panel",
        dates=[date(2021, 6, 1)],
        participants=[ParticipantInput(person="ada", role=ParticipantRole.SPEAKER)],
    )
    event, _ = await upsert_event(SYSTEM, with_speaker)
    assert event.version == 2
    event, _ = await upsert_event(SYSTEM, with_speaker)
    assert event.version == 2
    assert (await Event.get(slug="panel")).version == 2
