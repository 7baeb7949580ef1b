"""The index follows the database: work is recorded with each write, survives a down
engine and a killed worker, and fans out to every document that depends on a change."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from search.backend import SearchBackend
from search.documents import all_documents
from search.embedded import EmbeddedBackend
from search.query import DocumentKind, SearchFilter, SearchRequest
from search.worker import SyncWorker
from server.auth.viewer import SYSTEM
from server.content.errors import ValidationFailed
from server.content.models import Event
from server.content.services import PersonInput, upsert_person
from server.content.services.events import delete_event
from server.content.services.people import delete_person
from server.database import Database
from server.indexing import outbox
from server.indexing.models import IndexMarker
from server.seeding import seed_directory
from tests.search.conftest import SYNONYMS, FailingBackend
from tests.seeding.conftest import edit

IMPUNITY = "events/impunity-an-unchanging-rule-in-turkey.md"


async def fresh_rebuild(tmp_path: Path) -> list[dict[str, object]]:
    """What a rebuild from the database puts in a brand-new index."""
    rebuilt = EmbeddedBackend(tmp_path / "rebuilt", synonyms=SYNONYMS)
    await rebuilt.rebuild(all_documents())
    documents = await rebuilt.documents()
    await rebuilt.close()
    return documents


async def event_slugs(backend: SearchBackend, query: str) -> set[str]:
    result = await backend.search(
        SearchRequest(query, SearchFilter(kinds=(DocumentKind.EVENT,)), limit=100)
    )
    return set(
        await Event.filter(id__in=[h.event_id for h in result.hits]).values_list("slug", flat=True)
    )


async def test_seeding_records_index_work_that_the_worker_drains(
    db: Database, seeds_dir: Path, backend: SearchBackend, tmp_path: Path
) -> None:
    await seed_directory(seeds_dir)
    assert (await outbox.backlog()).size == 10 + 20  # every event and every person

    report = await SyncWorker(backend).drain()

    assert report.synced == 30
    assert (await outbox.backlog()).size == 0
    assert await backend.documents() == await fresh_rebuild(tmp_path)


async def test_a_dry_run_records_no_index_work(db: Database, seeds_dir: Path) -> None:
    await seed_directory(seeds_dir, dry_run=True)

    assert await IndexMarker.all().count() == 0


async def test_writes_succeed_while_the_engine_is_down_and_the_backlog_drains_after(
    db: Database, seeds_dir: Path, backend: SearchBackend, tmp_path: Path
) -> None:
    engine = FailingBackend(backend)
    worker = SyncWorker(engine)
    await seed_directory(seeds_dir)
    await worker.drain()
    engine.down = True

    for number in range(100):
        await upsert_person(
            SYSTEM, PersonInput(slug=f"volunteer-{number}", name=f"Volunteer {number}")
        )
    report = await worker.drain()

    assert report.synced == 0 and report.failed == 100
    assert engine.failed_writes >= 1
    backlog = await outbox.backlog()
    assert backlog.size == 100 and backlog.failing == 100
    assert backlog.oldest_age_seconds is not None and backlog.oldest_age_seconds >= 0
    assert "engine is down" in (backlog.last_error or "")

    engine.down = False
    assert (await worker.drain()).synced == 0  # still backing off: the engine is not hammered
    await outbox.retry_now()  # as if the backoff had elapsed
    assert (await worker.drain()).synced == 100

    assert (await outbox.backlog()).size == 0
    assert await backend.documents() == await fresh_rebuild(tmp_path)


class HangingBackend(FailingBackend):
    """A backend whose writes never return: the worker dies (is cancelled) inside one."""

    def __init__(self, inner: SearchBackend) -> None:
        super().__init__(inner)
        self.entered = asyncio.Event()

    async def apply(self, **changes: object) -> None:
        self.entered.set()
        await asyncio.Event().wait()


async def test_a_worker_killed_mid_drain_loses_nothing(
    db: Database, seeds_dir: Path, backend: SearchBackend, tmp_path: Path
) -> None:
    await seed_directory(seeds_dir)
    hanging = HangingBackend(backend)
    doomed = asyncio.create_task(SyncWorker(hanging, lease=timedelta(milliseconds=300)).drain())
    await hanging.entered.wait()
    doomed.cancel()

    assert (await outbox.backlog()).size == 30  # claimed, never acknowledged
    assert (await SyncWorker(backend).drain()).synced == 0  # the dead worker's lease holds...
    await asyncio.sleep(0.4)
    assert (await SyncWorker(backend).drain()).synced == 30  # ...until it runs out

    assert await backend.documents() == await fresh_rebuild(tmp_path)


async def test_a_worker_process_killed_with_sigkill_loses_nothing(
    db: Database, seed_copy: Path, tmp_path: Path
) -> None:
    for number in range(1, 41):  # enough work that the kill lands mid-drain
        source = seed_copy / IMPUNITY
        copy = source.read_text(encoding="utf-8").replace(
            "slug: impunity-an-unchanging-rule-in-turkey", f"slug: impunity-copy-{number}"
        )
        (seed_copy / f"events/impunity-copy-{number}.md").write_text(copy, encoding="utf-8")
    await seed_directory(seed_copy)
    data_dir = tmp_path / "data"
    env = {**os.environ, "DATABASE_URL": db.url, "DATA_DIR": str(data_dir)}
    env.pop("MEILI_URL", None)
    cms = Path(sys.executable).with_name("cms")
    process = await asyncio.create_subprocess_exec(
        str(cms), "worker", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while (await outbox.backlog()).size == 70 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)  # wait until the worker has started on the work
    process.send_signal(signal.SIGKILL)
    await asyncio.wait_for(process.wait(), timeout=10)

    # Time passes: whatever the dead worker had claimed, its lease runs out.
    await IndexMarker.all().update(claimed_until=None)
    backend = EmbeddedBackend(data_dir / "search", synonyms=SYNONYMS)
    await SyncWorker(backend).drain()

    assert (await outbox.backlog()).size == 0
    assert await backend.documents() == await fresh_rebuild(tmp_path)
    await backend.close()


async def test_renaming_a_person_reindexes_their_events(
    db: Database, seed_copy: Path, backend: SearchBackend
) -> None:
    worker = SyncWorker(backend)
    await seed_directory(seed_copy)
    await worker.drain()
    edit(seed_copy / "people.yaml", "name: Natacha Bracq", "name: Natacha Zyxwerth")

    await seed_directory(seed_copy)
    await worker.drain()  # one pass of the worker is all it takes

    assert await event_slugs(backend, "Zyxwerth") == {"impunity-an-unchanging-rule-in-turkey"}
    people = await backend.search(
        SearchRequest("Zyxwerth", SearchFilter(kinds=(DocumentKind.PERSON,)))
    )
    assert people.total_hits == 1
    event = await Event.get(slug="impunity-an-unchanging-rule-in-turkey")
    (indexed,) = [d for d in await backend.documents() if d["id"] == f"event-{event.id}"]
    assert "Natacha Zyxwerth" in indexed["participant_names"]
    assert "Natacha Bracq" not in indexed["participant_names"]


async def test_renaming_a_committee_reindexes_its_events(
    db: Database, seed_copy: Path, backend: SearchBackend
) -> None:
    worker = SyncWorker(backend)
    await seed_directory(seed_copy)
    await worker.drain()
    edit(seed_copy / "committees.yaml", "name: Youth Action Committee", "name: Quorvex Youth Forum")

    await seed_directory(seed_copy)
    await worker.drain()

    assert await event_slugs(backend, "Quorvex") == {"celebrating-youth-skills-day"}


async def test_unpublishing_an_event_removes_it_from_the_index(
    db: Database, seed_copy: Path, backend: SearchBackend
) -> None:
    worker = SyncWorker(backend)
    await seed_directory(seed_copy)
    await worker.drain()
    edit(seed_copy / IMPUNITY, "status: PUBLISHED", "status: DRAFT")

    await seed_directory(seed_copy)
    await worker.drain()

    assert "impunity-an-unchanging-rule-in-turkey" not in await event_slugs(backend, "impunity")
    unpublished = await Event.get(slug="impunity-an-unchanging-rule-in-turkey")
    assert unpublished.id not in {d["event_id"] for d in await backend.documents()}


async def test_concurrent_claims_never_take_the_same_marker(db: Database, seeds_dir: Path) -> None:
    await seed_directory(seeds_dir)

    first, second = await asyncio.gather(
        outbox.claim(20, timedelta(minutes=1)), outbox.claim(20, timedelta(minutes=1))
    )

    first_ids = {c.marker_id for c in first}
    second_ids = {c.marker_id for c in second}
    assert not first_ids & second_ids
    assert len(first_ids | second_ids) == 30


async def test_a_write_during_a_sync_is_synced_again(
    db: Database, seeds_dir: Path, backend: SearchBackend
) -> None:
    await seed_directory(seeds_dir)
    claims = await outbox.claim(100, timedelta(minutes=1))
    person = next(c for c in claims if c.kind.value == "person")
    await outbox.mark_people([person.object_id])  # a write lands while the batch is in flight

    await outbox.ack(claims)

    assert (await outbox.backlog()).size == 1


async def test_deleting_an_event_removes_it_and_its_documents(
    db: Database, seeds_dir: Path, backend: SearchBackend
) -> None:
    worker = SyncWorker(backend)
    await seed_directory(seeds_dir)
    await worker.drain()
    event = await Event.get(slug="world-day-to-combat-desertification-2021")

    await delete_event(SYSTEM, event.slug)
    await worker.drain()

    assert event.id not in {d["event_id"] for d in await backend.documents()}
    assert (await backend.search(SearchRequest("desertification"))).total_hits == 0


async def test_deleting_a_person_needs_force_while_they_take_part_and_then_fans_out(
    db: Database, seeds_dir: Path, backend: SearchBackend
) -> None:
    worker = SyncWorker(backend)
    await seed_directory(seeds_dir)
    await worker.drain()

    with pytest.raises(ValidationFailed) as refused:
        await delete_person(SYSTEM, "natacha-bracq")
    assert refused.value.errors[0].field == "force"
    assert (await outbox.backlog()).size == 0  # a refused write records no index work

    person = await delete_person(SYSTEM, "natacha-bracq", force=True)
    await worker.drain()

    documents = await backend.documents()
    assert f"person-{person.id}" not in {d["id"] for d in documents}
    assert all("Natacha Bracq" not in d["participant_names"] for d in documents)


async def test_a_draft_is_never_indexed(db: Database, backend: SearchBackend) -> None:
    from server.content.models import EventStatus
    from server.indexing.models import IndexKind
    from tests.factories import make_event

    draft = await make_event(title="Secret planning meeting", status=EventStatus.DRAFT)
    await outbox.mark(IndexKind.EVENT, [draft.id])

    await SyncWorker(backend).drain()

    assert await backend.documents() == []
    assert (await backend.search(SearchRequest("secret planning"))).total_hits == 0


async def test_work_the_engine_refuses_as_it_is_waits_for_the_object_to_change(
    db: Database,
) -> None:
    person, _ = await upsert_person(SYSTEM, PersonInput(slug="ada-quell", name="Ada Quell"))
    refused = await outbox.claim(10, timedelta(minutes=1))
    await outbox.fail(refused, "DocumentRefused: too large", retry=False)

    await outbox.retry_now()  # the engine being back does not make the document smaller
    assert await outbox.claim(10, timedelta(minutes=1)) == []
    backlog = await outbox.backlog()
    assert (backlog.size, backlog.failing) == (1, 1)
    assert backlog.last_error == "DocumentRefused: too large"

    await outbox.mark_people([person.id])  # an editor changes it
    assert [claim.object_id for claim in await outbox.claim(10, timedelta(minutes=1))] == [
        person.id
    ]
