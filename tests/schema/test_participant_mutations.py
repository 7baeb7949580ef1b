"""Editors add, remove and reorder an event's participants, one change (and version) at a time."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import strawberry

from server.content.models import Event, EventRevision, ParticipantRole
from server.database import Database
from server.indexing.models import IndexKind, IndexMarker
from tests.factories import make_event, make_person
from tests.schema.conftest import ContextFactory

ADD_PARTICIPANT = """
mutation AddParticipant($event: String!, $version: Int!, $participant: ParticipantInput!,
                        $position: Int) {
  addParticipant(event: $event, version: $version, participant: $participant,
                 position: $position) {
    __typename
    ... on ParticipantAddSuccess {
      event { version participants { role affiliation session person { slug } } }
    }
    ... on ValidationError { errors { field code message } }
    ... on NotFoundError { message }
  }
}
"""

REMOVE_PARTICIPANT = """
mutation RemoveParticipant($event: String!, $version: Int!, $participant: ParticipantKeyInput!) {
  removeParticipant(event: $event, version: $version, participant: $participant) {
    __typename
    ... on ParticipantRemoveSuccess { event { version participants { role person { slug } } } }
    ... on NotFoundError { message }
  }
}
"""

REORDER_PARTICIPANTS = """
mutation ReorderParticipants($event: String!, $version: Int!,
                             $participants: [ParticipantKeyInput!]!) {
  reorderParticipants(event: $event, version: $version, participants: $participants) {
    __typename
    ... on ParticipantsReorderSuccess { event { version participants { role person { slug } } } }
    ... on ValidationError { errors { field code message } }
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


def slugs(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["person"]["slug"], p["role"]) for p in payload["event"]["participants"]]


@pytest.fixture
async def panel(db: Database) -> Event:
    ada = await make_person(slug="ada")
    grace = await make_person(slug="grace")
    await make_person(slug="linus")
    return await make_event(
        slug="panel",
        dates=[date(2021, 6, 1), date(2021, 6, 2)],
        participants=[ada, (grace, ParticipantRole.HOST)],
    )


async def test_a_participant_is_added_last_or_where_asked(
    schema: strawberry.Schema, editor: ContextFactory, panel: Event
) -> None:
    last = await run(
        schema,
        editor(),
        ADD_PARTICIPANT,
        event="panel",
        version=1,
        participant={
            "person": "linus",
            "role": "GUEST",
            "affiliation": " Kernel ",
            "session": "2021-06-02",
        },
    )
    first = await run(
        schema,
        editor(),
        ADD_PARTICIPANT,
        event="panel",
        version=2,
        participant={"person": "ada", "role": "MODERATOR"},
        position=0,
    )

    assert last["event"]["participants"][-1] == {
        "role": "GUEST",
        "affiliation": "Kernel",
        "session": "2021-06-02",
        "person": {"slug": "linus"},
    }
    assert first["event"]["version"] == 3
    assert slugs(first) == [
        ("ada", "MODERATOR"),
        ("ada", "SPEAKER"),
        ("grace", "HOST"),
        ("linus", "GUEST"),
    ]
    actions = await EventRevision.filter(event_id=panel.id).values_list("action", flat=True)
    assert [a.value for a in actions] == ["update", "update"]
    marker = await IndexMarker.get(kind=IndexKind.EVENT, object_id=panel.id)
    assert marker.generation == 2


@pytest.mark.parametrize(
    ("participant", "expected"),
    [
        ({"person": "ada", "role": "SPEAKER"}, [("participant", "DUPLICATE")]),
        ({"person": "nobody", "role": "GUEST"}, [("participant.person", "NOT_FOUND")]),
        (
            {"person": "linus", "role": "GUEST", "session": "2021-07-01"},
            [("participant.session", "INVALID")],
        ),
        (
            {"person": "linus", "role": "GUEST", "affiliation": "x" * 301},
            [("participant.affiliation", "TOO_LONG")],
        ),
    ],
)
async def test_an_added_participant_keeps_every_rule_of_the_event(
    schema: strawberry.Schema,
    editor: ContextFactory,
    panel: Event,
    participant: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    payload = await run(
        schema, editor(), ADD_PARTICIPANT, event="panel", version=1, participant=participant
    )

    assert payload["__typename"] == "ValidationError"
    assert [(e["field"], e["code"]) for e in payload["errors"]] == expected
    assert (await Event.get(id=panel.id)).version == 1
    assert await panel.participations.all().count() == 2


async def test_a_participant_is_removed_by_person_and_role(
    schema: strawberry.Schema, editor: ContextFactory, panel: Event
) -> None:
    removed = await run(
        schema,
        editor(),
        REMOVE_PARTICIPANT,
        event="panel",
        version=1,
        participant={"person": "grace", "role": "HOST"},
    )
    missing = await run(
        schema,
        editor(),
        REMOVE_PARTICIPANT,
        event="panel",
        version=2,
        participant={"person": "grace", "role": "HOST"},
    )

    assert removed["event"]["version"] == 2
    assert slugs(removed) == [("ada", "SPEAKER")]
    assert missing == {
        "__typename": "NotFoundError",
        "message": "no participant with person and role 'grace as host'",
    }


async def test_participants_are_reordered_when_every_one_is_named_once(
    schema: strawberry.Schema, editor: ContextFactory, panel: Event
) -> None:
    order = [{"person": "grace", "role": "HOST"}, {"person": "ada", "role": "SPEAKER"}]

    reordered = await run(
        schema, editor(), REORDER_PARTICIPANTS, event="panel", version=1, participants=order
    )
    incomplete = await run(
        schema, editor(), REORDER_PARTICIPANTS, event="panel", version=2, participants=order[:1]
    )
    repeated = await run(
        schema,
        editor(),
        REORDER_PARTICIPANTS,
        event="panel",
        version=2,
        participants=[order[0], order[0]],
    )

    assert reordered["event"]["version"] == 2
    assert slugs(reordered) == [("grace", "HOST"), ("ada", "SPEAKER")]
    for refused in (incomplete, repeated):
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [("participants", "INVALID")]
    assert (await Event.get(id=panel.id)).version == 2


async def test_the_same_order_again_changes_nothing(
    schema: strawberry.Schema, editor: ContextFactory, panel: Event
) -> None:
    order = [{"person": "ada", "role": "SPEAKER"}, {"person": "grace", "role": "HOST"}]

    same = await run(
        schema, editor(), REORDER_PARTICIPANTS, event="panel", version=1, participants=order
    )

    assert same["event"]["version"] == 1
    assert not await EventRevision.all().exists()
