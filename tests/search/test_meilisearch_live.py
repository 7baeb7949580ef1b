"""The Meilisearch backend against a running server; skipped unless MEILI_URL names one.

The contract suite (test_contract.py) runs on Meilisearch too when MEILI_URL is set. These
tests cover what is particular to this backend: the settings as the server keeps them,
filter escaping, highlighting, deletes by event, a rebuild's swap, and task failures.
Each test uses its own index and deletes it afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import pytest

from search.backend import Document, SearchUnavailable
from search.documents import FILTER_FIELDS, SEARCHABLE_FIELDS
from search.meilisearch import MeilisearchBackend
from search.query import Facet, SearchFilter, SearchRequest
from tests.search.conftest import SYNONYMS, document

URL = os.environ.get("MEILI_URL", "")
KEY = os.environ.get("MEILI_MASTER_KEY") or None

pytestmark = pytest.mark.skipif(
    not URL,
    reason="MEILI_URL is not set: these tests need a running Meilisearch server "
    "(set MEILI_URL, and MEILI_MASTER_KEY if the server has one)",
)


def _admin() -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {KEY}"} if KEY else {}
    return httpx.AsyncClient(base_url=URL, headers=headers, timeout=30)


async def _index_uids(prefix: str) -> list[str]:
    async with _admin() as admin:
        answer = (await admin.get("/indexes", params={"limit": 1000})).json()
    return [i["uid"] for i in answer["results"] if i["uid"].startswith(prefix)]


@pytest.fixture
async def live() -> AsyncIterator[MeilisearchBackend]:
    """An opened backend on a fresh index of the live server, deleted afterwards."""
    uid = f"test_live_{uuid.uuid4().hex[:10]}"
    backend = MeilisearchBackend(URL, KEY, index=uid, synonyms=SYNONYMS)
    await backend.open()
    yield backend
    await backend.close()
    async with _admin() as admin:
        for leftover in await _index_uids(uid):
            await admin.delete(f"/indexes/{leftover}")


async def batches(*groups: Sequence[Document]) -> AsyncIterator[Sequence[Document]]:
    for group in groups:
        yield group


async def test_the_server_keeps_the_declared_settings(live: MeilisearchBackend) -> None:
    async with _admin() as admin:
        settings: dict[str, Any] = (await admin.get(f"/indexes/{live.index}/settings")).json()

    assert settings["searchableAttributes"] == list(SEARCHABLE_FIELDS)
    assert set(settings["filterableAttributes"]) == set(FILTER_FIELDS)
    assert set(settings["sortableAttributes"]) == {"date", "start_ms"}
    assert settings["synonyms"] == {
        "magnitsky": ["global human rights sanctions"],
        "global human rights sanctions": ["magnitsky"],
    }
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
    live: MeilisearchBackend,
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
    assert await _index_uids(f"{live.index}_rebuild_") == []


async def test_a_failed_task_raises_search_unavailable(live: MeilisearchBackend) -> None:
    with pytest.raises(SearchUnavailable, match="invalid_document_id"):
        await live.apply(upserts=[document("not a valid id!", kind="event", event_id=1)])
