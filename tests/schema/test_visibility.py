"""The public sees published events only, by every path; editors see drafts by the same paths."""

from __future__ import annotations

import base64
from datetime import date

import pytest
import strawberry

from schema.context import Context
from server.auth.viewer import ANONYMOUS
from server.content.models import Event, EventStatus, Recording
from server.database import Database
from server.settings import Settings
from tests.factories import make_committee, make_event, make_person, make_topic
from tests.schema.conftest import ContextFactory

EVERY_PATH = """
query EveryPath($id: ID!, $recording: ID!) {
  events(first: 10) { totalCount nodes { slug } }
  event(slug: "draft") { slug }
  node(id: $id) { ... on Event { slug } }
  recording: node(id: $recording) { ... on Recording { title } }
  person(slug: "speaker") {
    events { slug }
    participations { event { slug } }
  }
  committee(slug: "hrd") { events { slug } }
  topic(slug: "climate") { events { slug } }
}
"""


def _global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


@pytest.fixture
async def draft_and_published(db: Database) -> dict[str, str]:
    speaker = await make_person(slug="speaker")
    hrd = await make_committee(slug="hrd")
    climate = await make_topic(slug="climate")
    related = {"committee": hrd, "topics": [climate], "participants": [speaker]}
    await make_event(slug="published", dates=[date(2021, 1, 1)], **related)
    draft = await make_event(
        slug="draft",
        dates=[date(2021, 2, 1)],
        status=EventStatus.DRAFT,
        recordings=["Rehearsal"],
        **related,
    )
    recording = await Recording.get(event=draft)
    return {"id": _global_id("Event", draft.id), "recording": _global_id("Recording", recording.id)}


async def test_anonymous_callers_never_see_a_draft(
    schema: strawberry.Schema, anonymous: ContextFactory, draft_and_published: dict[str, str]
) -> None:
    result = await schema.execute(
        EVERY_PATH, variable_values=draft_and_published, context_value=anonymous()
    )

    assert result.errors is None
    assert result.data == {
        "events": {"totalCount": 1, "nodes": [{"slug": "published"}]},
        "event": None,
        "node": None,
        "recording": None,
        "person": {
            "events": [{"slug": "published"}],
            "participations": [{"event": {"slug": "published"}}],
        },
        "committee": {"events": [{"slug": "published"}]},
        "topic": {"events": [{"slug": "published"}]},
    }


async def test_editors_see_drafts_by_the_same_paths(
    schema: strawberry.Schema, editor: ContextFactory, draft_and_published: dict[str, str]
) -> None:
    result = await schema.execute(
        EVERY_PATH, variable_values=draft_and_published, context_value=editor()
    )

    assert result.errors is None
    both = [{"slug": "draft"}, {"slug": "published"}]
    assert result.data == {
        "events": {"totalCount": 2, "nodes": both},
        "event": {"slug": "draft"},
        "node": {"slug": "draft"},
        "recording": {"title": "Rehearsal"},
        "person": {
            "events": both,
            "participations": [{"event": slug} for slug in both],
        },
        "committee": {"events": both},
        "topic": {"events": both},
    }


async def test_the_parts_of_a_draft_stay_hidden_even_when_asked_for_by_event_id(
    db: Database, settings: Settings
) -> None:
    """The batch services check visibility themselves, not only the paths that lead to them."""
    draft = await make_event(
        slug="draft",
        status=EventStatus.DRAFT,
        participants=[await make_person()],
        topics=[await make_topic()],
        recordings=["Rehearsal"],
    )
    loaders = Context.for_request(ANONYMOUS, settings).loaders

    assert await loaders.event_by_id.load(draft.id) is None
    hidden = await loaders.relations_by_event.load(draft.id)
    assert (hidden.dates, hidden.participations, hidden.topics) == ([], [], [])
    assert await loaders.recordings_by_event.load(draft.id) == []
    assert await Event.filter(id=draft.id).exists()
