"""Editors add, change and delete an event's recordings, each with a version of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import strawberry
from strawberry.relay import to_base64

from server.content.models import Event, Recording, Transcript
from server.database import Database
from server.indexing.models import IndexKind, IndexMarker
from server.seeding import seed_directory
from tests.factories import make_event, make_transcript
from tests.schema.conftest import ContextFactory

CREATE_RECORDING = """
mutation CreateRecording($event: String!, $input: RecordingCreateInput!) {
  createRecording(event: $event, input: $input) {
    __typename
    ... on RecordingCreateSuccess { recording { id title platform url version event { slug } } }
    ... on ValidationError { errors { field code } }
    ... on NotFoundError { message }
    ... on PermissionDeniedError { message }
  }
}
"""

UPDATE_RECORDING = """
mutation UpdateRecording($id: ID!, $input: RecordingUpdateInput!) {
  updateRecording(id: $id, input: $input) {
    __typename
    ... on RecordingUpdateSuccess {
      recording { title platform url version transcript { language } }
    }
    ... on ValidationError { errors { field code } }
    ... on NotFoundError { message }
    ... on ConflictError { currentVersion }
  }
}
"""

DELETE_RECORDING = """
mutation DeleteRecording($id: ID!, $version: Int!) {
  deleteRecording(id: $id, version: $version) {
    __typename
    ... on RecordingDeleteSuccess { id }
    ... on NotFoundError { message }
    ... on PermissionDeniedError { message }
  }
}
"""

EVENT_RECORDINGS = """
{ event(slug: "panel") { version recordings { title } } }
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
async def panel(db: Database) -> Event:
    return await make_event(slug="panel", recordings=["Opening", "Debate"])


async def recording(panel: Event, title: str) -> Recording:
    return await Recording.get(event_id=panel.id, title=title)


async def test_a_recording_is_added_after_the_others(
    schema: strawberry.Schema, editor: ContextFactory, panel: Event
) -> None:
    payload = await run(
        schema,
        editor(),
        CREATE_RECORDING,
        event="panel",
        input={"title": " Q&A ", "platform": "YOUTUBE", "url": "https://youtu.be/x"},
    )

    created = payload["recording"]
    assert (created["title"], created["platform"], created["url"], created["version"]) == (
        "Q&A",
        "YOUTUBE",
        "https://youtu.be/x",
        1,
    )
    assert created["event"] == {"slug": "panel"}
    titles = (
        await Recording.filter(event_id=panel.id)
        .order_by("position")
        .values_list("title", flat=True)
    )
    assert titles == ["Opening", "Debate", "Q&A"]
    assert await IndexMarker.exists(kind=IndexKind.EVENT, object_id=panel.id)
    # Recordings are versioned on their own: the event's version stays.
    assert (await run(schema, editor(), EVENT_RECORDINGS))["version"] == 1


async def test_a_recording_is_changed_and_keeps_its_transcript(
    schema: strawberry.Schema, editor: ContextFactory, panel: Event
) -> None:
    debate = await recording(panel, "Debate")
    await make_transcript(debate)

    payload = await run(
        schema,
        editor(),
        UPDATE_RECORDING,
        id=to_base64("Recording", debate.id),
        input={"version": 1, "title": "The debate", "url": "https://vimeo.com/1"},
    )

    assert payload["recording"] == {
        "title": "The debate",
        "platform": None,
        "url": "https://vimeo.com/1",
        "version": 2,
        "transcript": {"language": "en"},
    }
    assert await IndexMarker.exists(kind=IndexKind.EVENT, object_id=panel.id)


async def test_deleting_a_recording_takes_its_transcript_and_closes_the_gap(
    schema: strawberry.Schema, editor: ContextFactory, panel: Event
) -> None:
    opening = await recording(panel, "Opening")
    await make_transcript(opening)
    global_id = to_base64("Recording", opening.id)

    payload = await run(schema, editor(), DELETE_RECORDING, id=global_id, version=1)

    assert payload == {"__typename": "RecordingDeleteSuccess", "id": global_id}
    rows = await Recording.filter(event_id=panel.id).values_list("title", "position")
    assert rows == [("Debate", 0)]
    assert not await Transcript.all().exists()
    assert await IndexMarker.exists(kind=IndexKind.EVENT, object_id=panel.id)


@pytest.mark.parametrize(
    ("recording_input", "expected"),
    [
        ({"title": ""}, [("title", "REQUIRED")]),
        ({"title": "x" * 301}, [("title", "TOO_LONG")]),
        ({"title": "Talk", "url": "javascript:alert(1)"}, [("url", "INVALID")]),
    ],
)
async def test_a_recording_must_keep_the_rules(
    schema: strawberry.Schema,
    editor: ContextFactory,
    panel: Event,
    recording_input: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    payload = await run(schema, editor(), CREATE_RECORDING, event="panel", input=recording_input)

    assert [(e["field"], e["code"]) for e in payload["errors"]] == expected
    assert await Recording.filter(event_id=panel.id).count() == 2


async def test_unknown_events_and_ids_are_not_found(
    schema: strawberry.Schema, editor: ContextFactory, panel: Event
) -> None:
    no_event = await run(schema, editor(), CREATE_RECORDING, event="nope", input={"title": "T"})
    no_recording = await run(
        schema, editor(), DELETE_RECORDING, id=to_base64("Recording", 999_999), version=1
    )
    not_a_recording = await run(
        schema, editor(), DELETE_RECORDING, id=to_base64("Event", panel.id), version=1
    )

    assert no_event == {"__typename": "NotFoundError", "message": "no event with slug 'nope'"}
    assert no_recording == {
        "__typename": "NotFoundError",
        "message": "no recording with id '999999'",
    }
    assert not_a_recording["__typename"] == "NotFoundError"


async def test_an_id_too_large_for_the_database_is_not_found(
    schema: strawberry.Schema, editor: ContextFactory, panel: Event
) -> None:
    for number in (2**31, 10**30):
        payload = await run(
            schema, editor(), DELETE_RECORDING, id=to_base64("Recording", number), version=1
        )
        assert payload["__typename"] == "NotFoundError"


async def test_anonymous_callers_may_not_touch_recordings(
    schema: strawberry.Schema, anonymous: ContextFactory, panel: Event
) -> None:
    opening = await recording(panel, "Opening")

    created = await run(schema, anonymous(), CREATE_RECORDING, event="panel", input={"title": "T"})
    deleted = await run(
        schema, anonymous(), DELETE_RECORDING, id=to_base64("Recording", opening.id), version=1
    )

    assert created["__typename"] == deleted["__typename"] == "PermissionDeniedError"
    assert await Recording.filter(event_id=panel.id).count() == 2
    assert not await IndexMarker.all().exists()


SEEDED_RECORDINGS = """
{ event(slug: "harbour-lights-forum") { recordings { id title url version } } }
"""


async def test_a_seeded_recording_gets_a_url_that_seeding_again_keeps(
    schema: strawberry.Schema, editor: ContextFactory, db: Database
) -> None:
    seeds = Path(__file__).resolve().parent.parent / "data" / "transcript_seeds"
    await seed_directory(seeds)
    (seeded,) = (await run(schema, editor(), SEEDED_RECORDINGS))["recordings"]
    assert seeded["url"] is None

    payload = await run(
        schema,
        editor(),
        UPDATE_RECORDING,
        id=seeded["id"],
        input={"version": seeded["version"], "url": "https://video.example.org/forum"},
    )
    report = await seed_directory(seeds)

    assert payload["recording"]["url"] == "https://video.example.org/forum"
    assert [str(leftover) for leftover in report.leftovers] == [
        (
            "event 'harbour-lights-forum': recording URL of recording 1 'Full forum': "
            "https://video.example.org/forum"
        )
    ]
    (after,) = (await run(schema, editor(), SEEDED_RECORDINGS))["recordings"]
    assert (after["url"], after["title"]) == ("https://video.example.org/forum", "Full forum")
    assert await Transcript.filter(recording_id=(await Recording.get()).id).exists()
