"""Scheduled publishing: editors set publishAt/unpublishAt; the worker publishes and
unpublishes on time through the same service as a manual publish."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from cms.app import create_app
from server.auth.viewer import Role
from server.content.models import Event, EventRevision, EventStatus, RevisionAction
from server.content.scheduling import run_due
from server.database import Database
from server.indexing.models import IndexKind, IndexMarker
from server.settings import Settings
from tests.asgi import running
from tests.auth.conftest import bearer, make_token
from tests.conftest import CmsRunner
from tests.factories import make_event

CREATE = """mutation ($input: EventCreateInput!) {
  createEvent(input: $input) {
    __typename
    ... on EventCreateSuccess { event { slug version publishAt } }
    ... on ValidationError { errors { field message } }
  }
}"""
SCHEDULE = """mutation ($slug: String!, $v: Int!, $at: DateTime, $until: DateTime) {
  updateEvent(slug: $slug, input: {version: $v, publishAt: $at, unpublishAt: $until}) {
    __typename
    ... on EventUpdateSuccess { event { publishAt unpublishAt } }
    ... on ValidationError { errors { field message } }
  }
}"""
EVENT = """query ($slug: String!) {
  event(slug: $slug) { slug status publishAt unpublishAt publishedAt }
}"""
SEARCH = """query ($q: String!) {
  search(query: $q) { hits { ... on EventHit { event { slug } } } }
}"""
PUBLISH = """mutation ($slug: String!, $v: Int!) {
  publishEvent(slug: $slug, version: $v) {
    __typename ... on EventPublishSuccess { event { status publishAt } }
  }
}"""
HISTORY = """query ($slug: String!) { event(slug: $slug) { revisions { action actor } } }"""


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
async def editor(db: Database) -> dict[str, str]:
    return bearer((await make_token("editor", Role.EDITOR)).secret)


@pytest.fixture
async def client(db: Database, app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    # Nothing runs on a schedule here: these tests call the scheduler's pass themselves.
    quiet = app_settings.model_copy(update={"search_worker": False})
    async with running(create_app(quiet, db)) as client:
        yield client


async def _ask(
    client: httpx.AsyncClient,
    query: str,
    headers: dict[str, str] | None = None,
    **variables: object,
) -> dict[str, object]:
    answer = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    body = answer.json()
    assert "errors" not in body, body
    return dict(body["data"])


async def test_a_scheduled_event_is_published_through_the_publish_service(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    draft = await make_event(slug="vigil", status=EventStatus.DRAFT)
    past = datetime.now(UTC) - timedelta(minutes=5)
    scheduled = await _ask(client, SCHEDULE, editor, slug="vigil", v=draft.version, at=_iso(past))
    await IndexMarker.all().delete()

    report = await run_due()
    again = await run_due()

    assert scheduled["updateEvent"]["__typename"] == "EventUpdateSuccess"  # type: ignore[index]
    assert (report.published, again.published) == (1, 0)
    seen = await _ask(client, EVENT, slug="vigil")
    assert seen["event"] == {
        "slug": "vigil",
        "status": "PUBLISHED",
        "publishAt": None,
        "unpublishAt": None,
        "publishedAt": seen["event"]["publishedAt"],  # type: ignore[index]
    }
    history = await _ask(client, HISTORY, editor, slug="vigil")
    assert history["event"]["revisions"][-1] == {"action": "PUBLISH", "actor": "scheduler"}  # type: ignore[index]
    assert await IndexMarker.filter(kind=IndexKind.EVENT, object_id=draft.id).exists()


async def test_a_published_event_is_unpublished_at_its_time(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    event = await make_event(slug="vigil")
    soon = datetime.now(UTC) + timedelta(hours=1)
    await _ask(client, SCHEDULE, editor, slug="vigil", v=event.version, until=_iso(soon))

    early = await run_due()
    late = await run_due(soon + timedelta(seconds=1))

    assert (early.unpublished, late.unpublished) == (0, 1)
    stored = await Event.get(id=event.id)
    assert (stored.status, stored.unpublish_at) == (EventStatus.DRAFT, None)
    assert (await _ask(client, EVENT, slug="vigil"))["event"] is None


async def test_the_schedule_is_for_editors_and_the_event_hidden_until_its_time(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    tomorrow = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    created = await _ask(
        client,
        CREATE,
        editor,
        input={
            "slug": "vigil",
            "title": "Vigil",
            "dates": ["2030-01-01"],
            "publishAt": _iso(tomorrow),
        },
    )

    report = await run_due()

    assert created["createEvent"]["event"]["publishAt"] == tomorrow.isoformat()  # type: ignore[index]
    assert report.published == 0
    assert (await _ask(client, EVENT, slug="vigil"))["event"] is None
    as_editor = (await _ask(client, EVENT, editor, slug="vigil"))["event"]
    assert as_editor["status"] == "DRAFT"  # type: ignore[index]
    assert as_editor["publishAt"] == tomorrow.isoformat()  # type: ignore[index]


async def test_the_schedule_field_is_null_for_the_public(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    event = await make_event(slug="vigil")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    await _ask(client, SCHEDULE, editor, slug="vigil", v=event.version, until=_iso(soon))

    public = (await _ask(client, EVENT, slug="vigil"))["event"]
    editors = (await _ask(client, EVENT, editor, slug="vigil"))["event"]

    assert public["unpublishAt"] is None  # type: ignore[index]
    assert editors["unpublishAt"] == soon.isoformat()  # type: ignore[index]


async def test_publishing_by_hand_ends_the_schedule(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    draft = await make_event(slug="vigil", status=EventStatus.DRAFT)
    later = datetime.now(UTC) + timedelta(days=1)
    await _ask(client, SCHEDULE, editor, slug="vigil", v=draft.version, at=_iso(later))

    published = await _ask(client, PUBLISH, editor, slug="vigil", v=draft.version + 1)

    assert published["publishEvent"] == {
        "__typename": "EventPublishSuccess",
        "event": {"status": "PUBLISHED", "publishAt": None},
    }


async def test_a_schedule_that_cannot_hold_is_refused_naming_the_field(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    draft = await make_event(slug="draft", status=EventStatus.DRAFT)
    public = await make_event(slug="public")
    now = datetime.now(UTC)

    backwards = await _ask(
        client,
        SCHEDULE,
        editor,
        slug="draft",
        v=draft.version,
        at=_iso(now),
        until=_iso(now - timedelta(hours=1)),
    )
    no_zone = await _ask(
        client, SCHEDULE, editor, slug="draft", v=draft.version, at="2030-01-01T09:00:00"
    )
    already = await _ask(client, SCHEDULE, editor, slug="public", v=public.version, at=_iso(now))

    assert backwards["updateEvent"]["errors"] == [  # type: ignore[index]
        {"field": "unpublishAt", "message": "must be later than publish_at"}
    ]
    assert no_zone["updateEvent"]["errors"] == [  # type: ignore[index]
        {"field": "publishAt", "message": "must say its time zone (an offset, or Z for UTC)"}
    ]
    assert already["updateEvent"]["errors"][0]["field"] == "publishAt"  # type: ignore[index]
    assert (await Event.get(id=draft.id)).version == draft.version  # nothing written


async def test_schedulers_running_at_once_publish_each_event_once(db: Database) -> None:
    past = datetime.now(UTC) - timedelta(minutes=1)
    drafts = [
        await make_event(slug=f"draft-{n}", status=EventStatus.DRAFT, publish_at=past)
        for n in range(12)
    ]

    reports = await asyncio.gather(*(run_due() for _ in range(4)))

    assert sum(report.published for report in reports) == len(drafts)
    assert await Event.filter(status=EventStatus.PUBLISHED).count() == len(drafts)
    publishes = await EventRevision.filter(action=RevisionAction.PUBLISH).values_list(
        "event_id", flat=True
    )
    assert sorted(publishes) == sorted(d.id for d in drafts)


async def test_the_worker_publishes_a_scheduled_event_for_the_api_and_search_on_its_own(
    db: Database, app_settings: Settings
) -> None:
    settings = app_settings.model_copy(update={"schedule_interval_seconds": 0.5})
    editor = bearer((await make_token("editor", Role.EDITOR)).secret)
    async with running(create_app(settings, db)) as client:
        publish_at = datetime.now(UTC) + timedelta(seconds=3)
        created = await _ask(
            client,
            CREATE,
            editor,
            input={
                "slug": "scheduled-vigil",
                "title": "Scheduled candlelight vigil",
                "dates": ["2030-01-01"],
                "publishAt": _iso(publish_at),
            },
        )
        assert created["createEvent"]["__typename"] == "EventCreateSuccess"  # type: ignore[index]
        seen_by_api = seen_by_search = None
        deadline = time.monotonic() + 90  # generous: the promise is within a minute
        while time.monotonic() < deadline and not (seen_by_api and seen_by_search):
            now = datetime.now(UTC)
            event = (await _ask(client, EVENT, slug="scheduled-vigil"))["event"]
            hits = (await _ask(client, SEARCH, q="candlelight"))["search"]["hits"]  # type: ignore[index]
            if event is not None and seen_by_api is None:
                seen_by_api = now
            if hits and seen_by_search is None:
                seen_by_search = now
            await asyncio.sleep(0.2)

    assert seen_by_api is not None, "the scheduled event never became visible through the API"
    assert seen_by_search is not None, "the scheduled event never became searchable"
    assert seen_by_api >= publish_at and seen_by_search >= publish_at  # never before its time
    stored = await Event.get(slug="scheduled-vigil")
    assert (stored.status, stored.publish_at) == (EventStatus.PUBLISHED, None)


async def test_cms_worker_once_publishes_what_is_due(
    cms: CmsRunner, db: Database, tmp_path: Path
) -> None:
    past = datetime.now(UTC) - timedelta(minutes=1)
    due = await make_event(slug="due", status=EventStatus.DRAFT, publish_at=past)
    later = await make_event(
        slug="later", status=EventStatus.DRAFT, publish_at=past + timedelta(days=1)
    )

    worked = await cms("worker", "--once", data_dir=str(tmp_path / "data"))

    assert worked.exit_code == 0, worked.output
    assert "published 1, unpublished 0 on schedule" in worked.output
    assert (await Event.get(id=due.id)).status is EventStatus.PUBLISHED
    assert (await Event.get(id=later.id)).status is EventStatus.DRAFT
