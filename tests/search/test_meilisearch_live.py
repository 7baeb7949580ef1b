"""The Meilisearch backend against the live test server (tests/search/meilisearch_server.py).

The contract suite (test_contract.py) runs on Meilisearch too. These tests cover what
is particular to this backend: the settings as the server keeps them, filter escaping,
highlighting, deletes by event, a rebuild's swap, task failures, and what only a real
server shows (capped totals, batched tasks, placeholder searches). Each test uses its
own index and deletes it afterwards.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from search.backend import Document, DocumentRefused, SearchUnavailable
from search.documents import FILTER_FIELDS, SEARCHABLE_FIELDS
from search.meilisearch import MeilisearchBackend
from search.meilisearch_query import parse_version, ranking_rules
from search.query import DocumentKind, Facet, SearchFilter, SearchRequest
from search.worker import SyncWorker
from server.database import Database
from server.indexing import outbox
from tests.conftest import CmsRunner
from tests.factories import make_event
from tests.search.conftest import admin_client, delete_indexes, document, meilisearch_backend
from tests.search.meilisearch_requests import RequestLog
from tests.search.meilisearch_server import MeilisearchServer


async def _index_uids(server: MeilisearchServer, prefix: str) -> list[str]:
    async with admin_client(server) as admin:
        answer = (await admin.get("/indexes", params={"limit": 1000})).json()
    return [i["uid"] for i in answer["results"] if i["uid"].startswith(prefix)]


@pytest.fixture
async def live(meilisearch: MeilisearchServer) -> AsyncIterator[MeilisearchBackend]:
    """An opened backend on a fresh index of the live server, deleted afterwards."""
    uid = f"test_live_{uuid.uuid4().hex[:10]}"
    backend = meilisearch_backend(meilisearch, index=uid)
    await backend.open()
    yield backend
    await backend.close()
    await delete_indexes(meilisearch, uid)


async def batches(*groups: Sequence[Document]) -> AsyncIterator[Sequence[Document]]:
    for group in groups:
        yield group


async def test_the_server_keeps_the_declared_settings(
    live: MeilisearchBackend, meilisearch: MeilisearchServer
) -> None:
    async with admin_client(meilisearch) as admin:
        settings: dict[str, Any] = (await admin.get(f"/indexes/{live.index}/settings")).json()

    assert settings["rankingRules"] == ranking_rules(parse_version(meilisearch.version))
    assert settings["pagination"]["maxTotalHits"] >= 1_000_000
    assert settings["searchableAttributes"] == list(SEARCHABLE_FIELDS)
    assert set(settings["filterableAttributes"]) == set(FILTER_FIELDS)
    assert set(settings["sortableAttributes"]) == {"date", "start_ms"}
    assert settings["synonyms"] == {}  # the query plan expands them (any length, ranked below)
    assert settings["typoTolerance"]["enabled"] is True
    assert settings["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 5, "twoTypos": 9}
    await live.health()


async def test_search_filters_facets_pages_and_highlights(live: MeilisearchBackend) -> None:
    tricky = 'x" OR committee = "y\\ AND'
    await live.apply(
        upserts=[
            document(
                "event-1",
                title="Desertification <script>alert(1)</script>",
                committee=tricky,
                year=2020,
                event_id=1,
            ),
            document(
                "event-2", title="Desertification again", committee="y", year=2021, event_id=2
            ),
            document(
                "event-3", title="Desertification, third", committee="y", year=2021, event_id=3
            ),
        ]
    )

    filtered = await live.search(
        SearchRequest("desertification", filter=SearchFilter(committees=(tricky,)))
    )
    paged = await live.search(
        SearchRequest("desertification", facets=(Facet.YEAR,), limit=1, offset=1)
    )

    assert [h.id for h in filtered.hits] == ["event-1"]
    (title,) = [h for h in filtered.hits[0].highlights if h.field == "title"]
    assert "&lt;script&gt;" in title.snippet and "<mark>" in title.snippet
    assert "<script>" not in title.snippet
    assert paged.total_hits == 3 and len(paged.hits) == 1
    assert paged.facets[Facet.YEAR] == {"2020": 1, "2021": 2}


async def test_deleting_an_event_removes_its_passages(live: MeilisearchBackend) -> None:
    await live.apply(
        upserts=[
            document("event-1", title="Impunity", event_id=1),
            document("passage-5-0", text="impunity", event_id=1, recording_id=5, start_ms=0),
            document("event-2", title="Impunity", event_id=2),
            document("person-3", kind="person", name="Someone", person_id=3),
        ]
    )

    await live.apply(delete_event_ids=[1], delete_ids=["person-3"])

    assert [d["id"] for d in await live.documents()] == ["event-2"]


async def test_rebuild_swaps_in_the_new_documents_and_leaves_no_index_behind(
    live: MeilisearchBackend, meilisearch: MeilisearchServer
) -> None:
    await live.apply(upserts=[document("event-1", title="Stale", event_id=1)])
    seen: list[int] = []

    count = await live.rebuild(
        batches(
            [document("event-2", title="Fresh", event_id=2)], [document("event-3", event_id=3)]
        ),
        seen.append,
    )

    assert count == 2 and seen == [1, 2]
    assert [d["id"] for d in await live.documents()] == ["event-2", "event-3"]
    assert [h.id for h in (await live.search(SearchRequest("fresh"))).hits] == ["event-2"]
    assert await _index_uids(meilisearch, f"{live.index}_rebuild_") == []


async def test_a_failed_task_raises_search_unavailable(live: MeilisearchBackend) -> None:
    with pytest.raises(SearchUnavailable, match="invalid_document_id"):
        await live.apply(upserts=[document("not a valid id!", kind="event", event_id=1)])


# -- what only a real server shows ---------------------------------------------------------


class AnswerSizes:
    """The bytes of each answer as the server sent them (compressed or not), and their
    encodings: kept by a response hook on the backend's HTTP client."""

    def __init__(self, backend: MeilisearchBackend) -> None:
        self.received: list[int] = []
        self.encodings: list[str | None] = []
        hooks = backend.client.http_client.event_hooks
        hooks["response"] = [*hooks.get("response", []), self._keep]
        backend.client.http_client.event_hooks = hooks

    async def _keep(self, response: Any) -> None:
        await response.aread()
        self.received.append(response.num_bytes_downloaded)
        self.encodings.append(response.headers.get("content-encoding"))


@pytest.fixture
async def many(meilisearch: MeilisearchServer) -> AsyncIterator[MeilisearchBackend]:
    """An index holding 1,500 matching passages and one event, read through a counting transport."""
    uid = f"test_many_{uuid.uuid4().hex[:10]}"
    backend = meilisearch_backend(meilisearch, index=uid)
    backend.answers = AnswerSizes(backend)  # type: ignore[attr-defined]  # kept on it for the tests
    await backend.open()
    passages = [
        document(f"passage-{n}-0", text=f"climate testimony number {n}", event_id=n, start_ms=0)
        for n in range(1, 1501)
    ]
    await backend.apply(upserts=[*passages, document("event-1", title="Climate", event_id=1)])
    yield backend
    await backend.close()
    await delete_indexes(meilisearch, uid)


async def test_totals_and_facets_count_every_match_past_a_thousand(
    many: MeilisearchBackend,
) -> None:
    result = await many.search(SearchRequest("climate", facets=(Facet.KIND,)))

    assert result.total_hits == 1501
    assert result.facets[Facet.KIND] == {"transcript": 1500, "event": 1}
    assert sum(result.facets[Facet.KIND].values()) == result.total_hits


async def test_a_deep_page_costs_what_page_one_costs(many: MeilisearchBackend) -> None:
    transport: AnswerSizes = many.answers  # type: ignore[attr-defined]  # set by the fixture

    async def page(offset: int, limit: int) -> tuple[list[str], int, int]:
        before = len(transport.received)
        result = await many.search(SearchRequest("climate", limit=limit, offset=offset))
        return [h.id for h in result.hits], result.total_hits, sum(transport.received[before:])

    first, first_total, first_bytes = await page(0, 20)
    deep, deep_total, deep_bytes = await page(980, 20)
    odd, odd_total, odd_bytes = await page(985, 10)
    wide, _, _ = await page(960, 40)

    assert len(first) == len(deep) == 20 and len(odd) == 10
    assert first_total == deep_total == odd_total == 1501
    assert deep == wide[20:] and odd == deep[5:15]  # the same order, whichever way it is asked
    assert deep_bytes < 2 * first_bytes and odd_bytes < 2 * first_bytes


async def test_answers_come_uncompressed(many: MeilisearchBackend) -> None:
    # Meilisearch takes about 40 ms to compress an answer of any size; sent as it is,
    # a search over loopback takes a few milliseconds.
    transport: AnswerSizes = many.answers  # type: ignore[attr-defined]  # set by the fixture
    await many.search(SearchRequest("climate", facets=(Facet.KIND,)))

    assert transport.encodings and set(transport.encodings) == {None}


async def test_a_query_with_nothing_to_search_for_finds_nothing(
    live: MeilisearchBackend,
) -> None:
    await live.apply(upserts=[document("event-1", title="Magnitsky sanctions", event_id=1)])

    for query in ("?!", "-magnitsky", "- -sanctions ..."):
        result = await live.search(SearchRequest(query, facets=(Facet.KIND,)))
        assert (result.total_hits, result.hits) == (0, []), query
    assert (await live.search(SearchRequest("magnitsky"))).total_hits == 1


async def _settings_tasks(server: MeilisearchServer, uid: str) -> list[dict[str, Any]]:
    async with admin_client(server) as admin:
        answer = await admin.get(
            "/tasks", params={"indexUids": uid, "types": "settingsUpdate", "limit": 100}
        )
    return list(answer.json()["results"])


async def test_no_search_waits_on_a_settings_task_and_a_retry_queues_none(
    live: MeilisearchBackend, meilisearch: MeilisearchServer
) -> None:
    await live.apply(upserts=[document("event-1", title="Climate", event_id=1)])
    busy = f"{live.index}_busy"
    async with admin_client(meilisearch) as admin:  # keeps the queue busy for a while
        filler = [{"id": n, "text": f"filler{n % 997} words {n} " * 40} for n in range(20_000)]
        await admin.post(f"/indexes/{busy}/documents", params={"primaryKey": "id"}, json=filler)
    late = meilisearch_backend(meilisearch, index=live.index)
    late.task_timeout = 0.05
    with pytest.raises(SearchUnavailable, match="still"):
        await late.open()

    started = time.monotonic()
    result = await late.search(SearchRequest("climate"))
    waited = time.monotonic() - started
    with pytest.raises(SearchUnavailable, match="still"):
        await late.open()  # the guard's retry
    pending = await _settings_tasks(meilisearch, live.index)
    late.task_timeout = 120
    await late.open()
    await late.close()

    assert [h.id for h in result.hits] == ["event-1"] and waited < late.task_timeout
    assert len(pending) == 2  # the first backend's, and one for every attempt of the second
    assert len(await _settings_tasks(meilisearch, live.index)) == 2


async def test_a_rebuild_longer_than_the_task_deadline_completes(
    live: MeilisearchBackend, meilisearch: MeilisearchServer
) -> None:
    groups = [
        [
            document(f"passage-{n}-{k}", text=f"ledger{n % 97} entry {k} " * 30, event_id=n)
            for k in range(100)
        ]
        for n in range(1, 81)
    ]
    live.task_timeout = 0.5  # the merged batch of 8,000 documents takes longer than this

    started = time.monotonic()
    count = await live.rebuild(batches(*groups))
    took = time.monotonic() - started

    assert count == 8000 and took > live.task_timeout
    assert (await live.search(SearchRequest("entry ", limit=0))).total_hits == 8000
    assert await _index_uids(meilisearch, f"{live.index}_rebuild_") == []


async def _document_tasks(server: MeilisearchServer, uid: str) -> int:
    async with admin_client(server) as admin:
        answer = await admin.get(
            "/tasks", params={"indexUids": uid, "types": "documentAdditionOrUpdate", "limit": 1}
        )
    return int(answer.json()["total"])


async def test_documents_go_in_requests_cut_by_size_and_one_too_large_is_refused(
    live: MeilisearchBackend, meilisearch: MeilisearchServer
) -> None:
    live.max_payload_bytes = 20_000
    upserts = [document(f"event-{n}", body="word " * 400, event_id=n) for n in range(1, 31)]

    await live.apply(upserts=upserts)
    with pytest.raises(DocumentRefused, match=r"event-99 \(\d") as refused:
        await live.apply(
            delete_ids=["event-1"],
            upserts=[document("event-99", body="word " * 5000, event_id=99)],
        )

    assert await _document_tasks(meilisearch, live.index) >= 3  # ~60 KB in 20 KB requests
    assert refused.value.document_ids == ("event-99",)
    assert len(await live.documents()) == 30  # nothing of the refused write was applied


async def test_the_worker_sets_aside_an_object_whose_document_is_refused(
    db: Database, live: MeilisearchBackend, cms: CmsRunner
) -> None:
    live.max_payload_bytes = 20_000
    small = await make_event(title="Groundwater hearing")
    huge = await make_event(title="Groundwater archive", body="groundwater " * 3000)
    await outbox.mark_events([small.id, huge.id])

    first = await SyncWorker(live).drain_once()
    later = await SyncWorker(live).drain_once()
    status = await cms("sync-status")
    await outbox.mark_events([huge.id])  # an editor changes it: it is tried again
    after_a_change = await SyncWorker(live).drain_once()

    assert (first.synced, first.failed) == (1, 1)
    assert (later.synced, later.failed) == (0, 0)  # set aside, not sent again as it is
    assert (after_a_change.synced, after_a_change.failed) == (0, 1)
    assert [d["id"] for d in await live.documents()] == [f"event-{small.id}"]
    assert "failing: 1 (last error: DocumentRefused: too large" in status.output
    assert f"event-{huge.id} (" in status.output


async def test_synonyms_of_any_length_count_facet_and_page_like_any_query(
    meilisearch: MeilisearchServer,
) -> None:
    uid = f"test_synonyms_{uuid.uuid4().hex[:10]}"
    sent = RequestLog()
    backend = meilisearch_backend(meilisearch, sent, index=uid)
    await backend.open()
    passages = [
        document(f"passage-{n}-0", text=f"magnitsky testimony {n}", event_id=n, start_ms=0)
        for n in range(1, 701)
    ]
    events = [
        document(f"event-{n}", title=f"Global human rights sanctions hearing {n}", event_id=n)
        for n in range(1, 401)
    ] + [
        document(f"event-{n}", title=f"Magnitsky and global human rights sanctions {n}", event_id=n)
        for n in range(401, 451)
    ]
    try:
        await backend.apply(upserts=[*passages, *events, document("event-999", title="Other")])

        async def search(query: str, **options: Any) -> tuple[list[str], int, dict[str, int]]:
            result = await backend.search(SearchRequest(query, facets=(Facet.KIND,), **options))
            return [h.id for h in result.hits], result.total_hits, result.facets[Facet.KIND]

        both_ways = {"transcript": 700, "event": 450}
        for query in ("magnitsky ", "global human rights sanctions ", "Magnitsky"):
            _, total, kinds = await search(query)
            assert (total, kinds) == (1150, both_ways), query  # each document counted once

        typed, _, _ = await search("global human rights sanctions ", limit=450)
        assert set(typed) == {f"event-{n}" for n in range(1, 451)}  # the words typed first
        wide, _, _ = await search("magnitsky ", limit=40)
        second, _, _ = await search("magnitsky ", limit=20, offset=20)
        odd, _, _ = await search("magnitsky ", limit=10, offset=25)
        deep, deep_total, _ = await search("magnitsky ", limit=20, offset=1140)
        assert second == wide[20:] and odd == wide[25:35] and len(set(wide)) == 40
        assert (len(deep), deep_total) == (10, 1150)

        _, total, kinds = await search("magnitsky -testimony ")
        assert (total, kinds) == (450, {"event": 450})
        _, total, _ = await search(
            "global human rights sanctions ",
            filter=SearchFilter(kinds=(DocumentKind.TRANSCRIPT,)),
        )
        assert total == 700
    finally:
        await backend.close()
        await delete_indexes(meilisearch, uid)

    federated = [s.body for s in sent.calls("/multi-search")]
    assert federated and all("federation" in body for body in federated)
    assert all(s.problems == [] for s in sent.sent)  # each was checked as it was sent
