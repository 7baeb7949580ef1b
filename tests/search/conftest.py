"""Fixtures for search: each backend under test, seeded and drained content, a failing engine.

The contract suite runs on the embedded backend always, and on Meilisearch too
when MEILI_URL names a live server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from search.backend import Document, SearchBackend, SearchUnavailable
from search.embedded import EmbeddedBackend
from search.worker import SyncWorker
from server.database import Database
from server.seeding import seed_directory

SYNONYMS = [["magnitsky", "global human rights sanctions"]]

BACKENDS = ["embedded"] + (["meilisearch"] if os.environ.get("MEILI_URL") else [])


async def open_backend(name: str, tmp_path: Path) -> SearchBackend:
    backend: SearchBackend
    if name == "embedded":
        backend = EmbeddedBackend(tmp_path / "search", synonyms=SYNONYMS)
    else:
        from search.meilisearch import MeilisearchBackend

        backend = MeilisearchBackend(
            os.environ["MEILI_URL"],
            os.environ.get("MEILI_MASTER_KEY"),
            index=f"test_{uuid.uuid4().hex[:10]}",
            synonyms=SYNONYMS,
        )
    await backend.open()
    return backend


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SearchBackend]:
    """An empty index on each backend under test."""
    opened = await open_backend(request.param, tmp_path)
    yield opened
    await opened.close()


@pytest.fixture
async def seeded_index(db: Database, seeds_dir: Path, backend: SearchBackend) -> SearchBackend:
    """The real seeds/ loaded, and the outbox drained into the backend by the worker."""
    await seed_directory(seeds_dir)
    report = await SyncWorker(backend).drain()
    assert report.failed == 0
    return backend


def document(doc_id: str, **fields: Any) -> Document:
    """A search document with every field present, as the builders make them."""
    kind = fields.pop(
        "kind", doc_id.split("-")[0] if not doc_id.startswith("passage") else "transcript"
    )
    base: Document = {
        "id": doc_id,
        "kind": kind,
        "title": "",
        "name": "",
        "topic_names": [],
        "participant_names": [],
        "speaker_names": [],
        "committee_name": "",
        "summary": "",
        "affiliations": [],
        "text": "",
        "body": "",
        "outcomes": "",
        "bio": "",
        "place": "",
        "committee": None,
        "topics": [],
        "people": [],
        "platform": None,
        "year": None,
        "date": None,
        "event_id": None,
        "person_id": None,
        "recording_id": None,
        "start_ms": None,
        "end_ms": None,
        "speaker_ids": [],
        "cues": [],
        "event_title": None,
    }
    base.update(fields)
    return base


class FailingBackend:
    """Wraps a real backend; while `down`, every write raises as an unreachable engine would."""

    def __init__(self, inner: SearchBackend) -> None:
        self.inner = inner
        self.name = f"failing({inner.name})"
        self.down = False
        self.failed_writes = 0

    async def open(self) -> None:
        await self.inner.open()

    async def close(self) -> None:
        await self.inner.close()

    async def apply(
        self,
        *,
        upserts: Sequence[Document] = (),
        delete_ids: Sequence[str] = (),
        delete_event_ids: Sequence[int] = (),
    ) -> None:
        if self.down:
            self.failed_writes += 1
            raise SearchUnavailable("connection refused (the engine is down)")
        await self.inner.apply(
            upserts=upserts, delete_ids=delete_ids, delete_event_ids=delete_event_ids
        )

    async def search(self, request: Any) -> Any:
        if self.down:
            raise SearchUnavailable("connection refused (the engine is down)")
        return await self.inner.search(request)

    async def rebuild(self, batches: Any, progress: Any = None) -> int:
        return await self.inner.rebuild(batches, progress)

    async def documents(self) -> list[Document]:
        return await self.inner.documents()

    @property
    def needs_rebuild(self) -> bool:
        return self.inner.needs_rebuild

    async def kind_counts(self) -> dict[str, int]:
        if self.down:
            raise SearchUnavailable("connection refused (the engine is down)")
        return await self.inner.kind_counts()

    async def health(self) -> None:
        if self.down:
            raise SearchUnavailable("connection refused (the engine is down)")
        await self.inner.health()
