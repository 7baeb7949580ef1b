"""Fixtures for search: each backend under test, seeded and drained content, a failing engine.

The contract suite runs on the embedded backend and on a live Meilisearch (see
tests/search/meilisearch_server.py). Where that server cannot be had (no npm, no
network) its cases are skipped saying why, except under CI, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from search.backend import Document, SearchBackend, SearchUnavailable
from search.embedded import EmbeddedBackend
from search.meilisearch import MeilisearchBackend
from search.worker import SyncWorker
from server.database import Database
from server.seeding import seed_directory
from tests.search.meilisearch_requests import SENT, RequestLog
from tests.search.meilisearch_server import MeilisearchServer, ServerUnavailable, meilisearch_server

SYNONYMS = [["magnitsky", "global human rights sanctions"]]

BACKENDS = ["embedded", "meilisearch"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


_LIVE_OUTCOMES: dict[str, str] = {}
_LIVE_VERSION: list[str] = []


def _uses_meilisearch(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("backend") == "meilisearch":
        return True
    return "meilisearch" in getattr(item, "fixturenames", ())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Records how each test on the live Meilisearch ended, for the summary below."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]  # pluggy's Result
    if _uses_meilisearch(item) and (report.when == "call" or report.outcome != "passed"):
        _LIVE_OUTCOMES.setdefault(item.nodeid, report.outcome)
        if report.when == "call" and report.outcome == "failed":
            _LIVE_OUTCOMES[item.nodeid] = "failed"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line saying how many tests ran on the live Meilisearch, and how they ended."""
    if not _LIVE_OUTCOMES:
        return
    counts = Counter(_LIVE_OUTCOMES.values())
    server = f"Meilisearch {_LIVE_VERSION[0]}" if _LIVE_VERSION else "Meilisearch (not started)"
    terminalreporter.write_line(
        f"live {server}: {len(_LIVE_OUTCOMES)} tests, "
        + ", ".join(f"{counts[o]} {o}" for o in ("passed", "failed", "skipped"))
        + f"; {len(SENT.sent)} requests checked against the 1.53 spec, "
        + f"{sum(1 for s in SENT.sent if s.problems)} refused"
    )


@pytest.fixture(scope="session")
def meilisearch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MeilisearchServer]:
    """A live Meilisearch for the whole session; skips where none can be had (fails in CI)."""
    try:
        with meilisearch_server(tmp_path_factory.mktemp("meilisearch")) as server:
            _LIVE_VERSION.append(server.version)
            yield server
    except ServerUnavailable as error:
        if _in_ci():
            pytest.fail(f"no Meilisearch server for the tests: {error}", pytrace=False)
        pytest.skip(f"no Meilisearch server for the tests: {error}")


def admin_client(server: MeilisearchServer) -> httpx.AsyncClient:
    """An HTTP client with the master key, to look at the server behind a backend's back."""
    headers = {"Authorization": f"Bearer {server.key}"} if server.key else {}
    return httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30)


async def delete_indexes(server: MeilisearchServer, prefix: str) -> None:
    """Deletes every index whose uid starts with `prefix`, and the search keys made for them."""
    async with admin_client(server) as admin:
        answer = (await admin.get("/indexes", params={"limit": 1000})).json()
        for uid in [i["uid"] for i in answer["results"] if i["uid"].startswith(prefix)]:
            await admin.delete(f"/indexes/{uid}")
        keys = (await admin.get("/keys", params={"limit": 1000})).json()["results"]
        for key in keys:
            scoped = key["indexes"] and all(i.startswith(prefix) for i in key["indexes"])
            if scoped and (key["name"] or "").startswith("cms search: "):
                await admin.delete(f"/keys/{key['uid']}")


def meilisearch_backend(
    server: MeilisearchServer, log: RequestLog | None = None, **options: Any
) -> MeilisearchBackend:
    """A Meilisearch backend on a fresh index of `server` (not opened yet). Every request
    it sends is checked against the 1.53 spec and kept in the session's log (and in `log`)."""
    options.setdefault("index", f"test_{uuid.uuid4().hex[:10]}")
    options.setdefault("synonyms", SYNONYMS)
    backend = MeilisearchBackend(server.url, options.pop("api_key", server.key), **options)
    if log is not None:
        log.also = SENT
    (log or SENT).attach(backend.client.http_client)
    return backend


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SearchBackend]:
    """An empty index on each backend under test."""
    server: MeilisearchServer | None = None
    opened: SearchBackend
    if request.param == "embedded":
        opened = EmbeddedBackend(tmp_path / "search", synonyms=SYNONYMS)
    else:
        server = request.getfixturevalue("meilisearch")
        opened = meilisearch_backend(server)
    await opened.open()
    yield opened
    await opened.close()
    if server is not None:
        await delete_indexes(server, opened.index)


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
