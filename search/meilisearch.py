"""The Meilisearch backend: one index on a Meilisearch server, spoken to over its HTTP API.

Every write is an asynchronous Meilisearch task; a write returns once its tasks have
succeeded. Failures map onto the protocol's errors in one place (`_call`, `_wait`):

    httpx.HTTPError (connection, timeout, protocol)  ─┐
    an HTTP error status (4xx, 5xx) or a bad body     ├─> SearchUnavailable
    a task that failed, was canceled or took too long ─┘

Nothing here raises InvalidSearch: requests are validated before they reach a backend,
and every user value in a filter is quoted (search/meilisearch_filters.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from search.backend import Document, DocumentRefused, Progress, SearchUnavailable
from search.meilisearch_filters import events_filter
from search.meilisearch_query import (
    OLDEST_SUPPORTED,
    Tags,
    Version,
    index_settings,
    parse_version,
    search_request,
    search_response,
)
from search.query import SearchRequest, SearchResponse
from search.text import normalise_synonyms, parse_query

logger = logging.getLogger(__name__)

PRIMARY_KEY = "id"
FETCH_PAGE = 1000
MAX_PAYLOAD_BYTES = 90_000_000
"""The most one request of documents carries: under Meilisearch's default limit of
100 MB (`--http-payload-size-limit`), with room for headers."""


class _TaskFailed(SearchUnavailable):
    """A Meilisearch task that ended failed or canceled; `code` is Meilisearch's error code."""

    def __init__(self, message: str, code: str | None) -> None:
        super().__init__(message)
        self.code = code


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict) and "message" in body:
        return f"{body['message']} ({body.get('code')})"
    return str(body)[:200]


class MeilisearchBackend:
    """Documents in one Meilisearch index, with its settings declared here in code."""

    name = "meilisearch"
    needs_rebuild = False  # the index's settings are declared in code, never of an old schema
    task_timeout = 120.0
    """Seconds one task may stay enqueued or processing before the write is given up."""
    max_poll_interval = 0.25

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        index: str = "cms",
        synonyms: Sequence[Sequence[str]] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        max_payload_bytes: int = MAX_PAYLOAD_BYTES,
    ) -> None:
        self.index = index
        self.max_payload_bytes = max_payload_bytes
        self.synonyms = normalise_synonyms(synonyms)
        # Meilisearch compresses an answer at about 40 ms a search, whatever its size,
        # where sending it as it is takes under 1 ms beside the app: ask for it as it is.
        headers = {"Accept-Encoding": "identity"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = httpx.AsyncClient(
            base_url=url, headers=headers, transport=transport, timeout=timeout
        )
        self._tags = Tags()
        self._version: Version | None = None
        self._ready = False
        self._ready_lock = asyncio.Lock()
        self._settings_task: dict[str, int] = {}
        """Per index, a settings task enqueued and not yet seen to succeed: waited on
        again by the next attempt rather than enqueued once more."""

    # -- HTTP and tasks: the one place engine failures are translated ------------------

    async def _call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        missing_ok: bool = False,
        encoded: bytes | None = None,
    ) -> Any:
        """Sends one request (`body` as JSON, or JSON already `encoded`) and returns its
        JSON; None for a 404 when `missing_ok`."""
        try:
            if encoded is not None:
                response = await self._client.request(
                    method, path, content=encoded, headers={"Content-Type": "application/json"}
                )
            else:
                response = await self._client.request(method, path, json=body)
        except httpx.HTTPError as error:
            raise SearchUnavailable(
                f"Meilisearch {method} {path}: {type(error).__name__}: {error}"
            ) from error
        if missing_ok and response.status_code == 404:
            return None
        if response.is_error:
            raise SearchUnavailable(
                f"Meilisearch {method} {path} answered {response.status_code}: "
                f"{_error_text(response)}"
            )
        try:
            return response.json()
        except ValueError as error:
            raise SearchUnavailable(f"Meilisearch {method} {path}: not JSON: {error}") from error

    async def _enqueue(
        self, method: str, path: str, body: Any = None, *, encoded: bytes | None = None
    ) -> int:
        """Starts a write and returns its task uid."""
        summary = await self._call(method, path, body, encoded=encoded)
        try:
            return int(summary["taskUid"])
        except (TypeError, KeyError, ValueError) as error:
            raise SearchUnavailable(
                f"Meilisearch {method} {path}: no task in {summary!r}"
            ) from error

    async def _wait(self, *task_uids: int) -> None:
        """Returns once every task succeeded; raises SearchUnavailable otherwise."""
        for uid in task_uids:
            deadline = time.monotonic() + self.task_timeout
            delay = 0.005
            while True:
                task = await self._call("GET", f"/tasks/{uid}")
                status = task.get("status")
                if status == "succeeded":
                    break
                if status in ("failed", "canceled"):
                    error = task.get("error") or {}
                    reason = error.get("message") or f"the task was {status}"
                    code = error.get("code")
                    raise _TaskFailed(
                        f"Meilisearch task {uid} ({task.get('type')}) {status}: {reason}"
                        + (f" ({code})" if code else ""),
                        code,
                    )
                if time.monotonic() >= deadline:
                    raise SearchUnavailable(
                        f"Meilisearch task {uid} is still {status} after {self.task_timeout:g} s"
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_poll_interval)

    async def _wait_for_index(self, uid: str, task_uids: Sequence[int]) -> None:
        """Returns once every task of a rebuild's index succeeded; raises SearchUnavailable
        otherwise.

        Meilisearch merges queued document additions into one batch, whose tasks all stay
        `processing` until the whole batch ends, so one deadline per task would give up on
        a big rebuild. Instead the last task is watched (an index's tasks run in order),
        and the deadline runs only while none of the index's tasks is processing: work
        under way is progress, however long it takes."""
        if not task_uids:
            return
        last = task_uids[-1]
        stalled_since = time.monotonic()
        delay = 0.005
        while True:
            task = await self._call("GET", f"/tasks/{last}")
            status = task.get("status")
            if status not in ("enqueued", "processing"):
                break
            if status == "processing" or await self._any_processing(uid):
                stalled_since = time.monotonic()
            elif time.monotonic() - stalled_since >= self.task_timeout:
                raise SearchUnavailable(
                    f"Meilisearch task {last} is still {status} after {self.task_timeout:g} s "
                    f"without any task of {uid} processing"
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_poll_interval)
        await self._wait(*task_uids)  # every task has ended: this reads how

    async def _any_processing(self, uid: str) -> bool:
        answer = await self._call("GET", f"/tasks?indexUids={uid}&statuses=processing&limit=1")
        return bool(answer.get("results"))

    # -- indexes ----------------------------------------------------------------------

    async def _create_if_missing(self, uid: str) -> None:
        if await self._call("GET", f"/indexes/{uid}", missing_ok=True) is not None:
            return
        task = await self._enqueue("POST", "/indexes", {"uid": uid, "primaryKey": PRIMARY_KEY})
        try:
            await self._wait(task)
        except _TaskFailed as error:
            if error.code != "index_already_exists":  # another process created it first
                raise

    async def version(self) -> Version:
        """The server's release, asked once; SearchUnavailable when it is older than supported."""
        if self._version is None:
            answer = await self._call("GET", "/version")
            try:
                version = parse_version(answer.get("pkgVersion"))
            except (AttributeError, ValueError) as error:
                raise SearchUnavailable(f"Meilisearch GET /version: {error}") from error
            if version < OLDEST_SUPPORTED:
                raise SearchUnavailable(
                    f"Meilisearch {answer.get('pkgVersion')} is older than "
                    f"{'.'.join(map(str, OLDEST_SUPPORTED))}, the oldest release supported"
                )
            self._version = version
        return self._version

    async def _prepare(self, uid: str) -> None:
        """Creates the index if needed and declares its settings for the server's release;
        waits for both. A settings task left pending by an earlier attempt is waited on,
        not enqueued again."""
        settings = index_settings(await self.version())
        await self._create_if_missing(uid)
        if uid not in self._settings_task:
            self._settings_task[uid] = await self._enqueue(
                "PATCH", f"/indexes/{uid}/settings", settings
            )
        try:
            await self._wait(self._settings_task[uid])
        except _TaskFailed:
            del self._settings_task[uid]  # it ended: the next attempt enqueues a new one
            raise
        del self._settings_task[uid]

    async def _delete_index(self, uid: str) -> None:
        """Deletes an index no longer needed; a failure only leaves it behind, so it is logged."""
        try:
            await self._wait(await self._enqueue("DELETE", f"/indexes/{uid}"))
        except SearchUnavailable as error:
            logger.warning("could not delete the Meilisearch index %s: %s", uid, error)

    async def open(self) -> None:
        async with self._ready_lock:
            await self._prepare(self.index)
            self._ready = True

    async def _ensure_ready(self) -> None:
        # The engine may have been down when the app started; prepare on first use then.
        if self._ready:
            return
        async with self._ready_lock:
            if not self._ready:
                await self._prepare(self.index)
                self._ready = True

    async def close(self) -> None:
        await self._client.aclose()

    # -- writes -----------------------------------------------------------------------

    def _payloads(self, documents: Sequence[Document]) -> list[bytes]:
        """The documents as JSON arrays of at most `max_payload_bytes` each, in order;
        DocumentRefused, before anything is sent, for documents too large for any."""
        payloads: list[bytes] = []
        current: list[bytes] = []
        size = 2  # the brackets
        too_large: list[tuple[str, int]] = []
        for document in documents:
            encoded = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
            if len(encoded) + 2 > self.max_payload_bytes:
                too_large.append((str(document.get(PRIMARY_KEY)), len(encoded)))
                continue
            if current and size + 1 + len(encoded) > self.max_payload_bytes:
                payloads.append(b"[" + b",".join(current) + b"]")
                current, size = [], 2
            current.append(encoded)
            size += len(encoded) + (1 if len(current) > 1 else 0)
        if too_large:
            named = ", ".join(f"{doc_id} ({length:,} bytes)" for doc_id, length in too_large)
            raise DocumentRefused(
                f"too large for one Meilisearch request of at most "
                f"{self.max_payload_bytes:,} bytes: {named}",
                [doc_id for doc_id, _ in too_large],
            )
        if current:
            payloads.append(b"[" + b",".join(current) + b"]")
        return payloads

    async def apply(
        self,
        *,
        upserts: Sequence[Document] = (),
        delete_ids: Sequence[str] = (),
        delete_event_ids: Sequence[int] = (),
    ) -> None:
        payloads = self._payloads(upserts)  # refuses before anything is written
        await self._ensure_ready()
        documents = f"/indexes/{self.index}/documents"
        # Tasks of one index run in the order they were enqueued: deletions, then upserts.
        tasks = []
        if delete_event_ids:
            tasks.append(
                await self._enqueue(
                    "POST", f"{documents}/delete", {"filter": events_filter(delete_event_ids)}
                )
            )
        if delete_ids:
            tasks.append(await self._enqueue("POST", f"{documents}/delete-batch", list(delete_ids)))
        for payload in payloads:
            tasks.append(await self._enqueue("POST", documents, encoded=payload))
        await self._wait(*tasks)

    async def rebuild(
        self, batches: AsyncIterable[Sequence[Document]], progress: Progress | None = None
    ) -> int:
        await self._ensure_ready()
        await self._create_if_missing(self.index)  # the swap needs a live index to swap with
        fresh = f"{self.index}_rebuild_{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"
        count = 0
        try:
            await self._prepare(fresh)
            tasks = []
            async for batch in batches:
                for payload in self._payloads(batch):
                    tasks.append(
                        await self._enqueue("POST", f"/indexes/{fresh}/documents", encoded=payload)
                    )
                count += len(batch)
                if progress is not None:
                    progress(count)
            await self._wait_for_index(fresh, tasks)
            swap = [{"indexes": [self.index, fresh]}]
            await self._wait(await self._enqueue("POST", "/swap-indexes", swap))
        except Exception:
            await self._delete_index(fresh)
            raise
        await self._delete_index(fresh)  # after the swap it holds the old documents
        return count

    # -- reads ------------------------------------------------------------------------

    async def search(self, request: SearchRequest) -> SearchResponse:
        # No readiness wait: a search is answered from the index as it stands, and never
        # waits on a settings task (the guard opens an engine that could not be opened).
        if parse_query(request.query).is_empty:  # as the embedded engine: nothing to match
            return SearchResponse(0, 0.0, [], {})
        path, body = search_request(self.index, request, self._tags, self.synonyms)
        return search_response(request, await self._call("POST", path, body), self._tags)

    async def documents(self) -> list[Document]:
        await self._ensure_ready()
        documents: list[Document] = []
        while True:
            page = await self._call(
                "POST",
                f"/indexes/{self.index}/documents/fetch",
                {"offset": len(documents), "limit": FETCH_PAGE},
            )
            results = page.get("results") or []
            documents.extend(results)
            if not results or len(documents) >= int(page.get("total") or 0):
                break
        return sorted(documents, key=lambda document: str(document["id"]))

    async def kind_counts(self) -> dict[str, int]:
        body = {"q": "", "page": 1, "hitsPerPage": 0, "facets": ["kind"]}
        result = await self._call("POST", f"/indexes/{self.index}/search", body, missing_ok=True)
        if result is None:  # the index was deleted on the server: create it again on next use
            self._ready = False
            return {}
        counts = (result.get("facetDistribution") or {}).get("kind") or {}
        return {str(kind): int(count) for kind, count in counts.items()}

    async def health(self) -> None:
        answer = await self._call("GET", "/health")
        if not isinstance(answer, dict) or answer.get("status") != "available":
            raise SearchUnavailable(f"Meilisearch is not available: {answer!r}")
