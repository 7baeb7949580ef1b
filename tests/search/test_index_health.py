"""The index is never silently empty or fatal: the app notices an index that does not
match the database and rebuilds it while it runs, a search folder it cannot use leaves
the content API up, and the readiness check tells the public only what it must."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from cms.app import create_app
from search.embedded import EmbeddedBackend
from search.guard import IndexGuard, IndexState
from search.worker import SyncWorker
from server.auth.viewer import SYSTEM
from server.content.services import PersonInput, upsert_person
from server.database import Database
from server.indexing import outbox
from server.seeding import seed_directory
from server.settings import Environment, Settings
from tests.asgi import running
from tests.search.conftest import SYNONYMS, admin_client, delete_indexes, meilisearch_backend
from tests.search.meilisearch_server import MeilisearchServer

SEARCH = {
    "query": '{ search(query: "desertification") { totalHits '
    "hits { ... on EventHit { event { slug } } } } }"
}
EVENTS = {"query": "{ events(first: 1) { totalCount } }"}


def settings_for(db: Database, tmp_path: Path, **overrides: Any) -> Settings:
    """An app on the test database that checks its index every tenth of a second."""
    return Settings(
        _env_file=None,
        database_url=db.url,
        data_dir=tmp_path / "data",
        search_check_seconds=0.1,
        **overrides,
    )


async def until(condition: Callable[[], Awaitable[bool]], seconds: float = 30) -> None:
    """Waits until `condition()` holds, failing the test after `seconds`."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "the condition never held"
        await asyncio.sleep(0.05)


async def search_hits(client: httpx.AsyncClient) -> int:
    answer = (await client.post("/graphql", json=SEARCH)).json()
    assert "errors" not in answer, answer
    hits: int = answer["data"]["search"]["totalHits"]
    return hits


async def whole_and_found(client: httpx.AsyncClient) -> bool:
    """The health check says ok and search finds the desertification event."""
    health = (await client.get("/readyz")).json()
    return health["status"] == "ok" and await search_hits(client) == 1


async def test_a_deleted_index_folder_is_rebuilt_without_a_restart(
    db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    settings = settings_for(db, tmp_path)
    await seed_directory(seeds_dir)
    async with running(create_app(settings, db)) as client:
        await until(lambda: whole_and_found(client))

        shutil.rmtree(settings.search_path)
        seen: list[tuple[str, str, int]] = []

        async def degraded() -> bool:
            health = (await client.get("/readyz")).json()
            seen.append((health["status"], health["checks"]["index"], await search_hits(client)))
            return health["status"] == "degraded"

        await until(degraded)
        # The new, empty index answers meanwhile, and the health check says why it is not ok.
        assert seen[-1] == (
            "degraded",
            (
                "incomplete: the index holds 0 event documents for 10 published events "
                "(0 waiting to be synced)"
            ),
            0,
        )
        await until(lambda: whole_and_found(client))


async def test_the_health_check_notices_a_deleted_index_at_once_and_starts_the_rebuild(
    db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    # The periodic check is an hour away: only the health probe can notice in time.
    settings = settings_for(db, tmp_path).model_copy(update={"search_check_seconds": 3600})
    await seed_directory(seeds_dir)
    async with running(create_app(settings, db)) as client:
        await until(lambda: whole_and_found(client))
        shutil.rmtree(settings.search_path)
        await asyncio.sleep(2.1)  # older than the answer a probe may reuse

        first = (await client.get("/readyz")).json()
        assert first["status"] == "degraded"
        assert first["checks"]["index"].startswith("incomplete: the index holds 0 event")
        await until(lambda: whole_and_found(client), seconds=20)


async def test_an_emptied_index_is_noticed_and_refilled(
    db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    await seed_directory(seeds_dir)
    backend = EmbeddedBackend(tmp_path / "search", synonyms=SYNONYMS)
    await SyncWorker(backend).drain()
    guard = IndexGuard(backend)
    assert await guard.check() is IndexState.WHOLE

    await backend.rebuild(_nothing())  # replaced by an empty index, say from a backup

    assert await guard.check() is IndexState.INCOMPLETE
    assert guard.problem == (
        "the index holds 0 event documents for 10 published events (0 waiting to be synced)"
    )
    await guard.rebuild_if_needed()
    assert guard.state is IndexState.WHOLE
    assert len(await backend.documents()) == 10 + 20  # every event and every person
    await backend.close()


async def _nothing() -> Any:
    return
    yield


async def test_an_index_of_an_older_schema_is_rebuilt(
    db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    await seed_directory(seeds_dir)
    path = tmp_path / "search"
    path.mkdir()
    (path / "index-v1-20200101T000000000000").mkdir()
    (path / "CURRENT").write_text("index-v1-20200101T000000000000\n", encoding="utf-8")
    backend = EmbeddedBackend(path, synonyms=SYNONYMS)
    guard = IndexGuard(backend)

    assert await guard.check() is IndexState.INCOMPLETE
    assert guard.problem == "the index was built for another schema"
    await guard.rebuild_if_needed()

    assert guard.state is IndexState.WHOLE
    await backend.close()


async def test_a_search_folder_that_cannot_be_opened_leaves_the_content_api_up(
    db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    settings = settings_for(db, tmp_path)
    await seed_directory(seeds_dir)
    # Tests run as root, whom no permission bit stops: a file where the search folder
    # should be is something no user, root included, can open or create an index in.
    settings.data_dir.mkdir()
    settings.search_path.write_text("not a folder\n", encoding="utf-8")

    async with running(create_app(settings, db)) as client:
        events = (await client.post("/graphql", json=EVENTS)).json()
        searched = (await client.post("/graphql", json=SEARCH)).json()
        health = await client.get("/readyz")

        assert events == {"data": {"events": {"totalCount": 10}}}
        assert searched["data"] is None
        assert searched["errors"][0]["extensions"]["code"] == "SEARCH_UNAVAILABLE"
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        assert health.json()["checks"]["search"].startswith("error: ")
        assert health.json()["checks"]["index"].startswith("unavailable: ")

        settings.search_path.unlink()  # the operator fixes the folder: no restart needed

        async def recovered() -> bool:
            health = await client.get("/readyz")
            ok = health.status_code == 200 and health.json()["status"] == "ok"
            return ok and await search_hits(client) == 1

        await until(recovered)


async def test_production_health_says_status_and_backlog_only(db: Database, tmp_path: Path) -> None:
    settings = settings_for(db, tmp_path, environment=Environment.PRODUCTION, search_worker=False)
    await upsert_person(SYSTEM, PersonInput(slug="ada-quell", name="Ada Quell"))
    claims = await outbox.claim(10, timedelta(minutes=1))
    engine_text = f"SearchUnavailable: cannot open {tmp_path}/search: Os {{ code: 30 }}"
    await outbox.fail(claims, engine_text)

    async with running(create_app(settings, db)) as client:
        health = await client.get("/readyz")

    body = health.json()
    assert health.status_code == 200
    assert set(body) == {"status", "checks", "search_backlog"}
    assert body["status"] == "degraded"  # an entry is failing
    assert body["checks"] == {"database": "ok", "migrations": "ok", "search": "ok", "index": "ok"}
    assert set(body["search_backlog"]) == {"size", "oldest_age_seconds", "failing"}
    assert (body["search_backlog"]["size"], body["search_backlog"]["failing"]) == (1, 1)
    assert str(tmp_path) not in health.text and "Os {" not in health.text


async def test_development_health_shows_the_failing_entry_s_error(
    db: Database, tmp_path: Path
) -> None:
    settings = settings_for(db, tmp_path, search_worker=False)
    await upsert_person(SYSTEM, PersonInput(slug="ada-quell", name="Ada Quell"))
    await outbox.fail(await outbox.claim(10, timedelta(minutes=1)), "SearchUnavailable: down")

    async with running(create_app(settings, db)) as client:
        body = (await client.get("/readyz")).json()

    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "migrations": "ok", "search": "ok", "index": "ok"}
    assert body["search_backlog"]["last_error"] == "SearchUnavailable: down"


async def test_a_meilisearch_index_deleted_on_the_server_is_noticed_and_rebuilt(
    db: Database, seeds_dir: Path, meilisearch: MeilisearchServer
) -> None:
    backend = meilisearch_backend(meilisearch)
    await seed_directory(seeds_dir)
    guard = IndexGuard(backend)
    try:
        assert await guard.check() is IndexState.WHOLE  # empty, but 30 objects wait for the worker
        await SyncWorker(backend).drain()
        async with admin_client(meilisearch) as admin:  # someone deleted it on the server
            task = (await admin.delete(f"/indexes/{backend.index}")).json()["taskUid"]
            while (await admin.get(f"/tasks/{task}")).json()["status"] != "succeeded":
                await asyncio.sleep(0.01)

        assert await guard.check() is IndexState.INCOMPLETE
        await guard.rebuild_if_needed()
        assert guard.state is IndexState.WHOLE
        assert {"event", "person"} <= {d["kind"] for d in await backend.documents()}
    finally:
        await backend.close()
        await delete_indexes(meilisearch, backend.index)
