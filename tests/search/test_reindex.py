"""`cms reindex` builds a new index and swaps it in; searches go on meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from search.backend import Document
from search.documents import all_documents
from search.embedded import EmbeddedBackend
from search.query import SearchRequest
from search.reindex import reindex
from search.worker import SyncWorker
from server.database import Database
from server.indexing import outbox
from server.seeding import seed_directory
from tests.search.conftest import SYNONYMS
from tests.seeding.conftest import CmsRunner, edit


async def test_a_rebuild_replaces_a_stale_index_with_what_the_database_holds(
    db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    backend = EmbeddedBackend(tmp_path / "search", synonyms=SYNONYMS)
    await backend.open()
    await backend.apply(
        upserts=[
            {"id": "event-999999", "kind": "event", "title": "stale qzxvwy", "event_id": 999999}
        ]
    )
    await seed_directory(seeds_dir)
    progress: list[int] = []

    count, _ = await reindex(backend, progress.append)

    assert count == 30 and progress[-1] == 30
    assert (await backend.search(SearchRequest("qzxvwy"))).total_hits == 0
    assert (await backend.search(SearchRequest("desertification"))).total_hits >= 1
    directories = sorted(p.name for p in (tmp_path / "search").iterdir() if p.is_dir())
    assert len(directories) == 1  # the old index directory is gone
    assert (tmp_path / "search" / "CURRENT").read_text().strip() == directories[0]
    await backend.close()


async def test_searches_are_answered_from_the_old_index_until_the_swap(
    db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    backend = EmbeddedBackend(tmp_path / "search", synonyms=SYNONYMS)
    await backend.open()
    await seed_directory(seeds_dir)
    await SyncWorker(backend).drain()
    release = asyncio.Event()
    answered_meanwhile: list[int] = []

    async def slow_batches() -> AsyncIterator[Sequence[Document]]:
        async for batch in all_documents(batch_size=5):
            yield batch
            answered_meanwhile.append(
                (await backend.search(SearchRequest("desertification"))).total_hits
            )
            await release.wait()

    rebuild = asyncio.create_task(backend.rebuild(slow_batches()))
    await asyncio.sleep(0.2)
    release.set()
    await rebuild

    assert answered_meanwhile and all(hits >= 1 for hits in answered_meanwhile)
    assert (await backend.search(SearchRequest("desertification"))).total_hits >= 1
    await backend.close()


async def test_another_process_sees_the_swap(db: Database, seeds_dir: Path, tmp_path: Path) -> None:
    writer = EmbeddedBackend(tmp_path / "search", synonyms=SYNONYMS)
    reader = EmbeddedBackend(tmp_path / "search", synonyms=SYNONYMS)  # as a second process would
    await writer.open()
    await reader.open()
    assert (await reader.search(SearchRequest("desertification"))).total_hits == 0
    await seed_directory(seeds_dir)

    await reindex(writer)

    assert (await reader.search(SearchRequest("desertification"))).total_hits >= 1
    await writer.close()
    await reader.close()


async def test_changes_made_during_a_rebuild_are_queued_again(
    db: Database, seed_copy: Path, tmp_path: Path
) -> None:
    backend = EmbeddedBackend(tmp_path / "search", synonyms=SYNONYMS)
    await backend.open()
    await seed_directory(seed_copy)
    await SyncWorker(backend).drain()

    async def batches_with_a_write_in_between() -> AsyncIterator[Sequence[Document]]:
        first = True
        async for batch in all_documents(batch_size=5):
            yield batch
            if first:  # an editor saves while the rebuild is reading
                edit(
                    seed_copy / "committees.yaml",
                    "name: Youth Action Committee",
                    "name: Quorvex Youth Forum",
                )
                await seed_directory(seed_copy)
                await SyncWorker(backend).drain()  # lands in the old index
                first = False

    started = outbox.utcnow()
    await backend.rebuild(batches_with_a_write_in_between())
    replayed = await outbox.requeue_changed_since(started)
    await SyncWorker(backend).drain()

    assert replayed >= 1
    assert (await backend.search(SearchRequest("Quorvex"))).total_hits >= 1
    await backend.close()


async def test_the_cli_reindexes_searches_and_reports_the_backlog(
    cms: CmsRunner, seeds_dir: Path, tmp_path: Path, db: Database
) -> None:
    env_data = str(tmp_path / "data")
    seeded = await cms("seed", str(seeds_dir))
    assert seeded.exit_code == 0

    status = await cms("sync-status", data_dir=env_data)
    assert "backlog: 30 pending" in status.output

    worked = await cms("worker", "--once", data_dir=env_data)
    assert "synced 30, failed 0" in worked.output
    status = await cms("sync-status", data_dir=env_data)
    assert "backlog: 0 pending" in status.output
    assert "index: whole" in status.output

    rebuilt = await cms("reindex", data_dir=env_data)
    assert "Rebuilt the embedded index: 30 documents" in rebuilt.output

    found = await cms("search", "desertifcation", "--limit", "3", data_dir=env_data)
    assert found.exit_code == 0
    assert found.output.startswith("1 hit in ")
    assert "[event]" in found.output and "Desertification" in found.output

    refused = await cms("search", "   ", data_dir=env_data)
    assert refused.exit_code == 2
    assert "query: must contain something to search for" in refused.output


async def test_an_index_of_an_older_schema_is_rebuilt_when_the_app_starts(
    db: Database, seeds_dir: Path, tmp_path: Path
) -> None:
    from search.runtime import search_runtime
    from server.settings import Settings

    settings = Settings(_env_file=None, database_url=db.url, data_dir=tmp_path / "data")
    old = settings.search_path / "index-20200101T000000"
    old.mkdir(parents=True)
    (settings.search_path / "CURRENT").write_text(old.name + "\n")
    await seed_directory(seeds_dir)

    async with search_runtime(settings) as runtime:
        for _ in range(100):
            if (await runtime.backend.search(SearchRequest("desertification"))).total_hits:
                break
            await asyncio.sleep(0.05)
        found = await runtime.backend.search(SearchRequest("desertification"))

    assert found.total_hits >= 1
    assert (settings.search_path / "CURRENT").read_text().startswith("index-v")
