"""A recording's transcript: segments paged like every list, speakers linked, drafts kept private."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import strawberry
from strawberry.relay import to_base64

from server.auth.viewer import ANONYMOUS
from server.content.models import EventStatus, Recording
from server.content.queries import PageRequest
from server.database import Database
from server.transcripts import queries
from tests.conftest import QueryCounter
from tests.factories import make_event, make_person, make_transcript
from tests.schema.conftest import EDITOR, ContextFactory

EVENT_TRANSCRIPT = """
query EventTranscript($slug: String!, $first: Int, $after: String) {
  event(slug: $slug) {
    recordings {
      title
      transcript {
        language
        segments(first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage hasPreviousPage endCursor }
          edges { cursor node { startMs endMs text speakerName speaker { slug name } } }
        }
      }
    }
  }
}
"""

RECORDING_TRANSCRIPT = """
query RecordingTranscript($id: ID!) {
  node(id: $id) { ... on Recording { transcript { segments { nodes { text } } } } }
}
"""

EVENTS_WITH_TRANSCRIPTS = """
query EventsWithTranscripts($first: Int!) {
  events(first: $first) {
    nodes {
      recordings {
        transcript {
          language
          segments(first: 2) { totalCount nodes { text speakerName speaker { name } } }
        }
      }
    }
  }
}
"""


async def _forum(**overrides: Any) -> Recording:
    """A made-up forum whose recording has a transcript of five segments."""
    wren = await make_person(slug="wren-halloway", name="Wren Halloway")
    event = await make_event(slug="harbour-lights-forum", recordings=["Full forum"], **overrides)
    recording = await Recording.get(event=event)
    await make_transcript(
        recording,
        [
            ("Welcome to the Harbour Lights forum.", wren),
            ("Thank you for having me.", "Tobiah Quell"),
            "Applause.",
            ("We lend tools as well as books.", "Ines Marrow"),
            ("Thank you all for coming.", wren),
        ],
    )
    return recording


async def _execute(
    schema: strawberry.Schema, context: ContextFactory, document: str, **variables: Any
) -> Any:
    result = await schema.execute(document, variable_values=variables, context_value=context())
    assert result.errors is None
    return result.data


async def _segments(
    schema: strawberry.Schema, context: ContextFactory, **arguments: Any
) -> dict[str, Any]:
    data = await _execute(
        schema, context, EVENT_TRANSCRIPT, slug="harbour-lights-forum", **arguments
    )
    return data["event"]["recordings"][0]["transcript"]["segments"]


async def test_a_transcript_lists_what_was_said_when_and_by_whom(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await _forum()

    data = await _execute(schema, anonymous, EVENT_TRANSCRIPT, slug="harbour-lights-forum", first=3)

    [recording] = data["event"]["recordings"]
    assert recording["transcript"]["language"] == "en"
    assert [edge["node"] for edge in recording["transcript"]["segments"]["edges"]] == [
        {
            "startMs": 0,
            "endMs": 2000,
            "text": "Welcome to the Harbour Lights forum.",
            "speakerName": "Wren Halloway",
            "speaker": {"slug": "wren-halloway", "name": "Wren Halloway"},
        },
        {
            "startMs": 2000,
            "endMs": 4000,
            "text": "Thank you for having me.",
            "speakerName": "Tobiah Quell",
            "speaker": None,
        },
        {
            "startMs": 4000,
            "endMs": 6000,
            "text": "Applause.",
            "speakerName": None,
            "speaker": None,
        },
    ]


async def test_a_recording_without_a_transcript_has_none(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await make_event(slug="harbour-lights-forum", recordings=["Full forum"])

    data = await _execute(schema, anonymous, EVENT_TRANSCRIPT, slug="harbour-lights-forum")

    assert data["event"]["recordings"] == [{"title": "Full forum", "transcript": None}]


async def test_segments_are_paged_forwards_with_cursors(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await _forum()

    first = await _segments(schema, anonymous, first=2)
    second = await _segments(schema, anonymous, first=2, after=first["pageInfo"]["endCursor"])
    third = await _segments(schema, anonymous, first=2, after=second["pageInfo"]["endCursor"])

    assert [
        [edge["node"]["text"] for edge in page["edges"]] for page in (first, second, third)
    ] == [
        ["Welcome to the Harbour Lights forum.", "Thank you for having me."],
        ["Applause.", "We lend tools as well as books."],
        ["Thank you all for coming."],
    ]
    assert [page["totalCount"] for page in (first, second, third)] == [5, 5, 5]
    assert [
        (page["pageInfo"]["hasPreviousPage"], page["pageInfo"]["hasNextPage"])
        for page in (first, second, third)
    ] == [(False, True), (True, True), (True, False)]


async def test_paging_past_the_end_gives_an_empty_page(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await _forum()
    last = (await _segments(schema, anonymous, first=5))["pageInfo"]["endCursor"]

    page = await _segments(schema, anonymous, first=5, after=last)

    assert (page["edges"], page["totalCount"], page["pageInfo"]["hasNextPage"]) == ([], 5, False)


async def test_more_segments_than_the_maximum_page_size_are_refused(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await _forum()

    result = await schema.execute(
        EVENT_TRANSCRIPT,
        variable_values={"slug": "harbour-lights-forum", "first": 101},
        context_value=anonymous(),
    )

    assert result.errors is not None
    assert result.errors[0].message == "`first` must be between 0 and 100, got 101."


async def test_anonymous_callers_do_not_see_transcripts_of_drafts(
    db: Database,
    schema: strawberry.Schema,
    anonymous: ContextFactory,
    editor: ContextFactory,
) -> None:
    recording = await _forum(status=EventStatus.DRAFT)
    recording_id = to_base64("Recording", recording.id)

    hidden = await _execute(schema, anonymous, RECORDING_TRANSCRIPT, id=recording_id)
    shown = await _execute(schema, editor, RECORDING_TRANSCRIPT, id=recording_id)

    assert hidden == {"node": None}
    assert len(shown["node"]["transcript"]["segments"]["nodes"]) == 5


async def test_the_read_services_never_return_a_draft_s_transcript(db: Database) -> None:
    recording = await _forum(status=EventStatus.DRAFT)
    transcript = await recording.transcript
    request = PageRequest(first=10)

    assert await queries.transcripts_by_recording_ids(ANONYMOUS, [recording.id]) == {}
    assert await queries.segment_pages_by_transcript_ids(ANONYMOUS, [transcript.id], request) == {}
    assert list(await queries.transcripts_by_recording_ids(EDITOR, [recording.id])) == [
        recording.id
    ]


@pytest.fixture
async def fifty_forums(db: Database) -> None:
    speaker = await make_person()
    for i in range(50):
        event = await make_event(dates=[date(2021, 1, 1) + timedelta(days=i)], recordings=["Full"])
        recording = await Recording.get(event=event)
        await make_transcript(recording, [("Hello.", speaker), ("Hi.", "A neighbour"), "Applause."])


@pytest.mark.usefixtures("fifty_forums")
async def test_transcripts_cost_the_same_for_5_and_50_events(
    schema: strawberry.Schema, anonymous: ContextFactory, count_queries: QueryCounter
) -> None:
    counts = []
    for first in (5, 50):
        count_queries.reset()
        await _execute(schema, anonymous, EVENTS_WITH_TRANSCRIPTS, first=first)
        counts.append(count_queries.count)

    # the page with its count, recordings, transcripts, segment counts, segments, people
    assert counts == [6, 6]
