"""What the database withdraws, search withdraws at once: an unpublished or deleted event
(its passages too) and a deleted person leave no trace in hits, totals or facets, even
while the index still holds them because the worker is stopped or died mid-batch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from schema.api import build_schema
from schema.context import Context
from search.backend import SearchBackend
from search.query import DocumentKind, Facet, SearchFilter, SearchRequest
from search.service import SearchService
from search.worker import SyncWorker
from server.auth.viewer import ANONYMOUS, SYSTEM
from server.content.models import Event, Recording, Transcript, TranscriptSegment
from server.content.services.event_workflow import unpublish_event
from server.content.services.events import delete_event
from server.content.services.people import delete_person
from server.database import Database
from server.indexing import outbox
from server.settings import Settings
from tests.factories import make_committee, make_event, make_person
from tests.search.conftest import document

SEARCH = """
query ($query: String!) {
  search(query: $query, facets: [KIND, COMMITTEE, YEAR]) {
    totalHits
    hits { __typename }
    facets { facet values { value count } }
  }
}
"""

settings = Settings(_env_file=None)


async def anonymous_search(backend: SearchBackend, query: str) -> dict[str, Any]:
    """What a stranger gets from the API for `query`: totals, hits and facet counts."""
    context = Context.for_request(ANONYMOUS, settings, SearchService(backend))
    result = await build_schema(settings).execute(
        SEARCH, variable_values={"query": query}, context_value=context
    )
    assert result.errors is None
    assert result.data is not None
    found: dict[str, Any] = result.data["search"]
    return found


def trace(found: dict[str, Any]) -> dict[str, Any]:
    """Every sign the search gives that something matched."""
    return {
        "totalHits": found["totalHits"],
        "hits": found["hits"],
        "facets": {f["facet"]: f["values"] for f in found["facets"] if f["values"]},
    }


NO_TRACE = {"totalHits": 0, "hits": [], "facets": {}}


async def make_secret_panel() -> Event:
    """A published panel of the Quillmarsh committee with a transcript, indexed."""
    committee = await make_committee(slug="quillmarsh-circle", name="Quillmarsh Circle")
    event = await make_event(
        slug="quillmarsh-hearing", title="Quillmarsh hearing", committee=committee
    )
    recording = await Recording.create(event=event, title="Full session", position=0)
    transcript = await Transcript.create(recording=recording)
    for position, text in enumerate(
        ["We spoke of the brackwater accord.", "Nobody else knows of it yet."]
    ):
        await TranscriptSegment.create(
            transcript=transcript,
            position=position,
            start_ms=position * 10_000,
            end_ms=position * 10_000 + 9_000,
            text=text,
        )
    await outbox.mark_events([event.id])  # the factories write rows, not index work
    return event


async def unpublish(event: Event) -> None:
    await unpublish_event(SYSTEM, event.slug, version=event.version)


async def delete(event: Event) -> None:
    await delete_event(SYSTEM, event.slug)


WITHDRAWALS = [pytest.param(unpublish, id="unpublished"), pytest.param(delete, id="deleted")]


@pytest.mark.parametrize("withdraw", WITHDRAWALS)
async def test_a_withdrawn_event_leaves_no_trace_while_the_worker_is_stopped(
    db: Database,
    backend: SearchBackend,
    withdraw: Callable[[Event], Awaitable[None]],
) -> None:
    event = await make_secret_panel()
    await SyncWorker(backend).drain()
    named = trace(await anonymous_search(backend, "quillmarsh"))
    assert named["facets"]["KIND"] == [
        {"value": "event", "count": 1},
        {"value": "transcript", "count": 1},  # the passage carries the committee's name
    ]
    spoken = trace(await anonymous_search(backend, "brackwater"))
    assert spoken["totalHits"] == 1 and spoken["facets"]["COMMITTEE"]

    await withdraw(event)  # and no worker runs: the index still holds the event

    assert len(await backend.documents()) == 2
    assert trace(await anonymous_search(backend, "quillmarsh")) == NO_TRACE
    assert trace(await anonymous_search(backend, "brackwater")) == NO_TRACE


@pytest.mark.parametrize("withdraw", WITHDRAWALS)
async def test_a_withdrawn_event_leaves_no_trace_while_a_dead_worker_holds_its_claim(
    db: Database,
    backend: SearchBackend,
    withdraw: Callable[[Event], Awaitable[None]],
) -> None:
    event = await make_secret_panel()
    await SyncWorker(backend).drain()
    await withdraw(event)

    # A worker claimed the removal, then was killed before writing it: its claim holds
    # the marker for the lease while the index still holds the event.
    (claim,) = await outbox.claim(10, timedelta(minutes=2))
    assert claim.object_id == event.id
    assert (await SyncWorker(backend).drain()).synced == 0  # the dead worker's lease holds

    assert len(await backend.documents()) == 2
    assert trace(await anonymous_search(backend, "quillmarsh brackwater")) == NO_TRACE
    assert trace(await anonymous_search(backend, "brackwater")) == NO_TRACE


async def test_once_the_removal_is_applied_the_event_is_no_longer_withheld(
    db: Database, backend: SearchBackend
) -> None:
    event = await make_secret_panel()
    await SyncWorker(backend).drain()
    await unpublish(event)
    assert (await outbox.withheld()).event_ids == (event.id,)

    await SyncWorker(backend).drain()

    assert await outbox.withheld() == outbox.Withheld()
    assert await backend.documents() == []


async def test_a_publish_may_show_late_but_other_events_are_untouched(
    db: Database, backend: SearchBackend
) -> None:
    kept = await make_event(slug="quillmarsh-open-day", title="Quillmarsh open day")
    await outbox.mark_events([kept.id])
    withdrawn = await make_secret_panel()
    await SyncWorker(backend).drain()

    await unpublish(withdrawn)
    late = await make_event(slug="quillmarsh-picnic", title="Quillmarsh picnic")
    await outbox.mark_events([late.id])  # pending, but published: nothing to withhold

    found = await anonymous_search(backend, "quillmarsh")
    assert found["totalHits"] == 1  # the open day; the picnic shows once the worker runs
    assert (await outbox.withheld()).event_ids == (withdrawn.id,)


async def test_a_deleted_person_is_not_found_while_the_worker_is_stopped(
    db: Database, backend: SearchBackend
) -> None:
    person = await make_person(slug="orrin-vask", name="Orrin Vask")
    await outbox.mark_people([person.id])
    await SyncWorker(backend).drain()
    assert (await anonymous_search(backend, "Vask"))["totalHits"] == 1

    await delete_person(SYSTEM, "orrin-vask")

    assert trace(await anonymous_search(backend, "Vask")) == NO_TRACE
    people = SearchFilter(kinds=(DocumentKind.PERSON,))
    assert (await SearchService(backend).search(SearchRequest("Vask", people))).total_hits == 0


async def test_the_withheld_set_costs_one_query_per_search(
    db: Database, backend: SearchBackend, count_queries: Any
) -> None:
    for number in range(5):
        event = await make_event(slug=f"quillmarsh-{number}", title=f"Quillmarsh {number}")
        await outbox.mark_events([event.id])
    await SyncWorker(backend).drain()
    for number in range(3):
        event = await Event.get(slug=f"quillmarsh-{number}")
        await unpublish(event)

    count_queries.reset()
    found = await SearchService(backend).search(SearchRequest("quillmarsh"))

    assert found.total_hits == 2
    assert count_queries.count == 1


@pytest.mark.parametrize("withheld", [2, 35])  # a term query per id, then one term set
async def test_the_engine_leaves_out_every_withheld_event_and_counts_the_rest(
    backend: SearchBackend, withheld: int
) -> None:
    await backend.apply(
        upserts=[
            document(f"event-{i}", title="Climate", committee="env", event_id=i)
            for i in range(1, 41)
        ]
    )
    request = SearchRequest(
        "climate",
        SearchFilter(withheld_events=tuple(range(1, withheld + 1))),
        facets=(Facet.COMMITTEE,),
        limit=100,
    )

    result = await backend.search(request)

    assert result.total_hits == 40 - withheld
    assert result.facets == {Facet.COMMITTEE: {"env": 40 - withheld}}
    assert sorted(h.event_id or 0 for h in result.hits) == list(range(withheld + 1, 41))
