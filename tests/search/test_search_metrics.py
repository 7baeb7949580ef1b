"""Search time is recorded under the engine that answered, Meilisearch included."""

from __future__ import annotations

from cms.app import create_app
from server.database import Database
from server.settings import Settings
from tests.asgi import running
from tests.observability.scrape import samples, value
from tests.search.conftest import delete_indexes, meilisearch_backend
from tests.search.meilisearch_server import MeilisearchServer

SEARCH = {"query": '{ search(query: "vigil") { totalHits } }'}
SEARCHES = "cms_search_duration_seconds_count"


async def test_meilisearch_searches_are_timed_under_its_name(
    db: Database, app_settings: Settings, meilisearch: MeilisearchServer
) -> None:
    backend = meilisearch_backend(meilisearch)
    try:
        async with running(create_app(app_settings, db, search_backend=backend)) as client:
            for _ in range(2):
                answer = await client.post("/graphql", json=SEARCH)
                assert answer.json() == {"data": {"search": {"totalHits": 0}}}
            scraped = samples((await client.get("/metrics")).text)
    finally:
        await delete_indexes(meilisearch, backend.index)

    assert value(scraped, SEARCHES, engine="meilisearch") == 2
    assert value(scraped, SEARCHES, engine="embedded") == 0
