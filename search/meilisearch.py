"""The Meilisearch backend: one index on a Meilisearch server, through its Python SDK.

The SDK (`meilisearch-python-sdk`, its `AsyncClient`) sends the requests for indexes,
settings, documents, tasks, swaps, health and the version, with the master key; searches
go with a search-only key (search/meilisearch_keys.py). What is ours stays here: the
settings (search/meilisearch_query.py), search bodies, sent as built through the SDK's
HTTP connection (the SDK's search methods add parameters of their own and cannot send a
federated /multi-search as built), filters, highlights, the rebuild's steps, cutting
documents into requests by size, and waiting on tasks: the SDK's `wait_for_task` treats
only `succeeded` and `failed` as ended, so a canceled task would be polled until its
timeout, or forever without one.

Every write is an asynchronous Meilisearch task; a write returns once its tasks have
succeeded. Failures map onto the protocol's errors in one place (`_call`, `_wait`):

    the server unreachable, a timeout, a protocol error  ─┐
    an HTTP error status (4xx, 5xx) or a bad body         ├─> SearchUnavailable
    a task that failed, was canceled or took too long     ─┘

Nothing here raises InvalidSearch: requests are validated before they reach a backend,
and every user value in a filter is quoted (search/meilisearch_filters.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterable, Awaitable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx2
import orjson
import pydantic
from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk.errors import MeilisearchApiError, MeilisearchError
from meilisearch_python_sdk.json_handler import OrjsonHandler
from meilisearch_python_sdk.models.settings import MeilisearchSettings
from meilisearch_python_sdk.models.task import TaskInfo, TaskResult

from search.backend import Document, DocumentRefused, Progress, SearchUnavailable
from search.meilisearch_filters import events_filter
from search.meilisearch_keys import search_key_problem, search_key_request, search_key_uid
from search.meilisearch_query import (
    Tags,
    Version,
    index_settings,
    search_request,
    search_response,
    supported_version,
)
from search.query import SearchRequest, SearchResponse
from search.text import normalise_synonyms, parse_query

logger = logging.getLogger(__name__)

T = TypeVar("T")

PRIMARY_KEY = "id"
FETCH_PAGE = 1000
MAX_PAYLOAD_BYTES = 90_000_000
"""The most one request of documents carries: under Meilisearch's default limit of
100 MB (`--http-payload-size-limit`), with room for headers."""


class _ApiError(SearchUnavailable):
    """Meilisearch answered with an error status; `code` is its error code."""

    def __init__(self, message: str, status: int, code: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class _TaskFailed(SearchUnavailable):
    """A Meilisearch task that ended failed or canceled; `code` is Meilisearch's error code."""

    def __init__(self, message: str, code: str | None) -> None:
        super().__init__(message)
        self.code = code


def _api_error(what: str, error: MeilisearchApiError) -> _ApiError:
    message = error.message.removeprefix("Error message: ")
    code = error.code or None
    return _ApiError(
        f"Meilisearch {what} answered {error.status_code}: {message}"
        + (f" ({code})" if code else ""),
        error.status_code,
        code,
    )


def _settings_model(settings: dict[str, Any]) -> MeilisearchSettings:
    """The declared settings as the SDK's model, which must carry every one of them: its
    model ignores keys it does not know, and a setting dropped silently is never declared."""
    model = MeilisearchSettings.model_validate(settings)
    carried = model.model_dump(by_alias=True, exclude_none=True)
    if carried != settings:
        lost = sorted(k for k in settings if carried.get(k) != settings[k])
        raise ValueError(f"the Meilisearch SDK's settings model does not carry {lost}")
    return model


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
        timeout: float = 10.0,
        max_payload_bytes: int = MAX_PAYLOAD_BYTES,
        search_key: str | None = None,
    ) -> None:
        """`api_key` is the master key (or an admin key); `search_key` a search-only key
        for the searches, found or created with `api_key` when not given."""
        self.index = index
        self.max_payload_bytes = max_payload_bytes
        self.synonyms = normalise_synonyms(synonyms)
        # Meilisearch compresses an answer at about 40 ms a search, whatever its size,
        # where sending it as it is takes under 1 ms beside the app: ask for it as it is.
        self.client = AsyncClient(
            url,
            api_key,
            timeout=timeout,  # type: ignore[arg-type]  # httpx2 takes seconds as a float
            custom_headers={"Accept-Encoding": "identity"},
            json_handler=OrjsonHandler(),  # the bytes `_payloads` measures are the bytes sent
        )
        """The SDK's client: its `http_client` is the one connection pool to the server."""
        self._tags = Tags()
        self._version: Version | None = None
        self._ready = False
        self._ready_lock = asyncio.Lock()
        self._settings_task: dict[str, int] = {}
        """Per index, a settings task enqueued and not yet seen to succeed: waited on
        again by the next attempt rather than enqueued once more."""
        self._admin_key = api_key
        self._configured_search_key = search_key
        self._search_key: str | None = search_key or (None if api_key else "")
        """The key searches go with once known ("" for none at all: a server without keys)."""
        self._search_key_lock = asyncio.Lock()

    # -- requests and tasks: the one place engine failures are translated --------------

    async def _call(self, what: str, request: Awaitable[T]) -> T:
        """Awaits one SDK request, `what` naming it in errors; every way it can fail
        becomes SearchUnavailable (an error status an `_ApiError` carrying its code)."""
        try:
            return await request
        except MeilisearchApiError as error:
            raise _api_error(what, error) from error
        except MeilisearchError as error:  # unreachable, timed out, hung up
            cause = error.__cause__ or error
            raise SearchUnavailable(
                f"Meilisearch {what}: {type(cause).__name__}: {cause}"
            ) from error
        except httpx2.HTTPStatusError as error:  # an error status without a JSON body
            raise _ApiError(
                f"Meilisearch {what} answered {error.response.status_code}: "
                f"{error.response.text[:200]}",
                error.response.status_code,
                None,
            ) from error
        except httpx2.HTTPError as error:
            raise SearchUnavailable(
                f"Meilisearch {what}: {type(error).__name__}: {error}"
            ) from error
        except (pydantic.ValidationError, ValueError, KeyError, TypeError) as error:
            raise SearchUnavailable(f"Meilisearch {what}: unexpected answer: {error}") from error

    async def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        missing_ok: bool = False,
        api_key: str | None = None,
    ) -> Any:
        """Sends a request built here (a search, a key's) over the SDK's connection, with
        `api_key` in place of the master key when given; returns its JSON, or None for a
        404 when `missing_ok`."""
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        content = orjson.dumps(body) if body is not None else None

        async def send() -> Any:
            response = await self.client.http_client.request(
                method, path, content=content, headers=headers
            )
            if missing_ok and response.status_code == 404:
                return None
            if response.is_error:
                if "application/json" in response.headers.get("content-type", ""):
                    raise MeilisearchApiError(response.reason_phrase, response)
                response.raise_for_status()
            return orjson.loads(response.content)

        return await self._call(f"{method} {path}", send())

    async def _task(self, what: str, request: Awaitable[TaskInfo]) -> int:
        """Starts a write and returns its task uid."""
        return (await self._call(what, request)).task_uid

    async def _read_task(self, uid: int) -> TaskResult:
        return await self._call(f"GET /tasks/{uid}", self.client.get_task(uid))

    async def _wait(self, *task_uids: int) -> None:
        """Returns once every task succeeded; raises SearchUnavailable otherwise."""
        for uid in task_uids:
            deadline = time.monotonic() + self.task_timeout
            delay = 0.005
            while True:
                task = await self._read_task(uid)
                if task.status == "succeeded":
                    break
                if task.status in ("failed", "canceled"):
                    error = task.error or {}
                    reason = error.get("message") or f"the task was {task.status}"
                    code = error.get("code")
                    raise _TaskFailed(
                        f"Meilisearch task {uid} ({task.task_type}) {task.status}: {reason}"
                        + (f" ({code})" if code else ""),
                        code,
                    )
                if time.monotonic() >= deadline:
                    raise SearchUnavailable(
                        f"Meilisearch task {uid} is still {task.status} "
                        f"after {self.task_timeout:g} s"
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
            status = (await self._read_task(last)).status
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
        answer = await self._call(
            "GET /tasks",
            self.client.get_tasks(index_ids=[uid], statuses=["processing"], limit=1),
        )
        return bool(answer.results)

    # -- indexes ----------------------------------------------------------------------

    async def _create_if_missing(self, uid: str) -> None:
        try:
            await self._call(f"GET /indexes/{uid}", self.client.get_index(uid))
            return
        except _ApiError as error:
            if error.status != 404:
                raise
        # The SDK waits on the creation task itself, then reads the index back: an index
        # another process created first is read back as well.
        await self._call(
            "POST /indexes",
            self.client.create_index(uid, PRIMARY_KEY, timeout_in_ms=int(self.task_timeout * 1000)),
        )

    async def version(self) -> Version:
        """The server's release, asked once; SearchUnavailable when it is older than supported."""
        if self._version is None:
            answer = await self._call("GET /version", self.client.get_version())
            try:
                self._version = supported_version(answer.pkg_version)
            except ValueError as error:
                raise SearchUnavailable(str(error)) from error
        return self._version

    async def _prepare(self, uid: str) -> None:
        """Creates the index if needed and declares its settings for the server's release;
        waits for both. A settings task left pending by an earlier attempt is waited on,
        not enqueued again."""
        settings = _settings_model(index_settings(await self.version()))
        await self._create_if_missing(uid)
        if uid not in self._settings_task:
            self._settings_task[uid] = await self._task(
                f"PATCH /indexes/{uid}/settings", self.client.index(uid).update_settings(settings)
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
            await self._wait(
                await self._task(f"DELETE /indexes/{uid}", self.client.index(uid).delete())
            )
        except SearchUnavailable as error:
            logger.warning("could not delete the Meilisearch index %s: %s", uid, error)

    async def open(self) -> None:
        async with self._ready_lock:
            await self._prepare(self.index)
            self._ready = True
        await self._search_api_key()

    # -- the search-only key ------------------------------------------------------------

    async def _search_api_key(self) -> str:
        """The key searches go with: the configured one, else the search-only key found or
        created with the master key, looked up once. A master key that may not manage keys
        (an admin key) is used for searches too, with a warning."""
        if self._search_key is not None:
            return self._search_key
        async with self._search_key_lock:
            if self._search_key is None:
                try:
                    self._search_key = await self._find_or_create_search_key()
                except _ApiError as error:
                    if error.status != 403:
                        raise
                    logger.warning(
                        "could not find or create a search-only Meilisearch key with "
                        "MEILI_MASTER_KEY (%s); searching with MEILI_MASTER_KEY itself. "
                        "Give the master key, or set MEILI_SEARCH_KEY to a search-only key.",
                        error,
                    )
                    self._search_key = self._admin_key or ""
            return self._search_key

    async def _find_or_create_search_key(self) -> str:
        uid = search_key_uid(self.index)
        key = await self._read_key(uid)
        if key is None:
            try:
                key = await self._send("POST", "/keys", search_key_request(self.index))
            except _ApiError as error:
                if error.code != "api_key_already_exists":
                    raise
                key = await self._read_key(uid)  # another process created it first
            if key is None:
                raise SearchUnavailable(f"the Meilisearch key {uid} vanished as it was created")
        if problem := search_key_problem(key, self.index):
            raise SearchUnavailable(problem)
        return str(key["key"])

    async def _read_key(self, uid: str) -> dict[str, Any] | None:
        """The key `uid` as the server describes it, or None when it has none by that uid."""
        key: dict[str, Any] | None = await self._send("GET", f"/keys/{uid}", missing_ok=True)
        return key

    async def _search(self, path: str, body: dict[str, Any], *, missing_ok: bool = False) -> Any:
        """POSTs a search with the search key. A key found or created here that the server
        refuses (deleted by an operator) is looked up again, and the search sent once more."""
        key = await self._search_api_key()
        try:
            return await self._send("POST", path, body, missing_ok=missing_ok, api_key=key)
        except _ApiError as error:
            if error.status != 403 or self._configured_search_key or key == self._admin_key:
                raise
        async with self._search_key_lock:
            if self._search_key == key:
                self._search_key = None
        key = await self._search_api_key()
        return await self._send("POST", path, body, missing_ok=missing_ok, api_key=key)

    async def _ensure_ready(self) -> None:
        # The engine may have been down when the app started; prepare on first use then.
        if self._ready:
            return
        async with self._ready_lock:
            if not self._ready:
                await self._prepare(self.index)
                self._ready = True

    async def close(self) -> None:
        await self.client.aclose()

    # -- writes -----------------------------------------------------------------------

    def _batches(self, documents: Sequence[Document]) -> list[list[Document]]:
        """The documents in requests of at most `max_payload_bytes` of JSON each, in order;
        DocumentRefused, before anything is sent, for documents too large for any. Sizes
        are measured as the SDK encodes (orjson, compact)."""
        batches: list[list[Document]] = []
        current: list[Document] = []
        size = 2  # the brackets
        too_large: list[tuple[str, int]] = []
        for document in documents:
            length = len(orjson.dumps(document))
            if length + 2 > self.max_payload_bytes:
                too_large.append((str(document.get(PRIMARY_KEY)), length))
                continue
            if current and size + 1 + length > self.max_payload_bytes:
                batches.append(current)
                current, size = [], 2
            size += length + (1 if current else 0)
            current.append(document)
        if too_large:
            named = ", ".join(f"{doc_id} ({length:,} bytes)" for doc_id, length in too_large)
            raise DocumentRefused(
                f"too large for one Meilisearch request of at most "
                f"{self.max_payload_bytes:,} bytes: {named}",
                [doc_id for doc_id, _ in too_large],
            )
        if current:
            batches.append(current)
        return batches

    async def apply(
        self,
        *,
        upserts: Sequence[Document] = (),
        delete_ids: Sequence[str] = (),
        delete_event_ids: Sequence[int] = (),
    ) -> None:
        batches = self._batches(upserts)  # refuses before anything is written
        await self._ensure_ready()
        index = self.client.index(self.index)
        documents = f"/indexes/{self.index}/documents"
        # Tasks of one index run in the order they were enqueued: deletions, then upserts.
        tasks = []
        if delete_event_ids:
            tasks.append(
                await self._task(
                    f"POST {documents}/delete",
                    index.delete_documents_by_filter(events_filter(delete_event_ids)),
                )
            )
        if delete_ids:
            tasks.append(
                await self._task(
                    f"POST {documents}/delete-batch", index.delete_documents(list(delete_ids))
                )
            )
        for batch in batches:
            tasks.append(await self._task(f"POST {documents}", index.add_documents(batch)))
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
            index = self.client.index(fresh)
            tasks = []
            async for batch in batches:
                for part in self._batches(batch):
                    tasks.append(
                        await self._task(
                            f"POST /indexes/{fresh}/documents", index.add_documents(part)
                        )
                    )
                count += len(batch)
                if progress is not None:
                    progress(count)
            await self._wait_for_index(fresh, tasks)
            await self._wait(
                await self._task(
                    "POST /swap-indexes", self.client.swap_indexes([(self.index, fresh)])
                )
            )
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
        return search_response(request, await self._search(path, body), self._tags)

    async def documents(self) -> list[Document]:
        await self._ensure_ready()
        index = self.client.index(self.index)
        documents: list[Document] = []
        while True:
            page = await self._call(
                f"GET /indexes/{self.index}/documents",
                index.get_documents(offset=len(documents), limit=FETCH_PAGE),
            )
            documents.extend(page.results)
            if not page.results or len(documents) >= page.total:
                break
        return sorted(documents, key=lambda document: str(document["id"]))

    async def kind_counts(self) -> dict[str, int]:
        body = {"q": "", "page": 1, "hitsPerPage": 0, "facets": ["kind"]}
        result = await self._search(f"/indexes/{self.index}/search", body, missing_ok=True)
        if result is None:  # the index was deleted on the server: create it again on next use
            self._ready = False
            return {}
        counts = (result.get("facetDistribution") or {}).get("kind") or {}
        return {str(kind): int(count) for kind, count in counts.items()}

    async def health(self) -> None:
        answer = await self._call("GET /health", self.client.health())
        if answer.status != "available":
            raise SearchUnavailable(f"Meilisearch is not available: {answer.status!r}")
