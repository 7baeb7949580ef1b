"""The Meilisearch backend searches with a search-only key and administers with the master key.

Against the live test server: the key is created once per index (by whichever process
asks first), found again by every other, refused when it is not search-only, replaced
when an operator deletes it, and the server itself refuses it anything but a search.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from search.backend import SearchUnavailable
from search.engines import backend_from_settings
from search.meilisearch import MeilisearchBackend
from search.meilisearch_keys import search_key_problem, search_key_request, search_key_uid
from search.query import SearchRequest
from server.settings import Settings
from tests.search.conftest import admin_client, delete_indexes, document, meilisearch_backend
from tests.search.meilisearch_requests import SENT, RequestLog
from tests.search.meilisearch_server import MeilisearchServer
from tests.search.openapi_spec import load_spec

SEARCHES = ("/indexes/{index_uid}/search", "/multi-search")


@pytest.fixture
def requests() -> RequestLog:
    return RequestLog()


@pytest.fixture
def uid() -> str:
    return f"test_keys_{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def cleanup(meilisearch: MeilisearchServer, uid: str) -> AsyncIterator[None]:
    yield
    await delete_indexes(meilisearch, uid)


async def _server_key(server: MeilisearchServer, key_uid: str) -> dict[str, Any] | None:
    async with admin_client(server) as admin:
        answer = await admin.get(f"/keys/{key_uid}")
    return None if answer.status_code == 404 else dict(answer.json())


async def _create_key(server: MeilisearchServer, body: dict[str, Any]) -> str:
    async with admin_client(server) as admin:
        answer = await admin.post("/keys", json={"expiresAt": None, **body})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["key"])


def _bearer(key: str | None) -> str:
    return f"Bearer {key}"


# -- the key's description, without a server ------------------------------------------------


def test_the_key_request_meets_the_spec_and_its_uid_is_the_same_everywhere() -> None:
    body = search_key_request("cms")

    assert load_spec().body_problems("POST", "/keys", body) == []
    assert body["actions"] == ["search"] and body["indexes"] == ["cms"]
    assert body["expiresAt"] is None
    assert body["uid"] == search_key_uid("cms") == search_key_uid("cms")
    assert search_key_uid("cms") != search_key_uid("cms_staging")
    assert uuid.UUID(body["uid"])  # the server wants a UUID


def test_a_key_that_could_do_more_or_elsewhere_or_expired_is_refused_by_name() -> None:
    good = {"uid": "u1", "key": "k", "actions": ["search"], "indexes": ["cms"], "expiresAt": None}
    now = datetime(2030, 1, 1, tzinfo=UTC)

    assert search_key_problem(good, "cms", now) is None
    assert "not only search" in (
        search_key_problem({**good, "actions": ["search", "documents.add"]}, "cms", now) or ""
    )
    assert "not cms" in (search_key_problem({**good, "indexes": ["other"]}, "cms", now) or "")
    expired = {**good, "expiresAt": "2029-12-31T00:00:00.123456789Z"}
    assert "expired" in (search_key_problem(expired, "cms", now) or "")
    later = {**good, "expiresAt": "2031-01-01T00:00:00Z"}
    assert search_key_problem(later, "cms", now) is None


# -- on the live server ----------------------------------------------------------------------


async def test_open_creates_a_search_only_key_and_searches_go_with_it(
    meilisearch: MeilisearchServer, requests: RequestLog, uid: str, cleanup: None
) -> None:
    backend = meilisearch_backend(meilisearch, requests, index=uid)
    try:
        await backend.open()
        await backend.apply(upserts=[document("event-1", title="Magnitsky hearing", event_id=1)])
        found = await backend.search(SearchRequest("hearing"))
        await backend.search(SearchRequest("magnitsky"))  # federated: a /multi-search
        await backend.search(SearchRequest("hearing", limit=1, offset=1))  # count and page
        await backend.kind_counts()
        await backend.documents()
    finally:
        await backend.close()
    key = await _server_key(meilisearch, search_key_uid(uid))

    assert [h.id for h in found.hits] == ["event-1"]
    assert key is not None
    assert key["actions"] == ["search"] and key["indexes"] == [uid]
    assert key["key"] != meilisearch.key
    (created,) = requests.calls("/keys")
    assert created.body == search_key_request(uid)
    searches = [s for s in requests.sent if s.template in SEARCHES]
    assert {s.template for s in searches} == set(SEARCHES)
    assert {s.headers["authorization"] for s in searches} == {_bearer(key["key"])}
    administration = [s for s in requests.sent if s.template not in SEARCHES]
    assert {s.headers["authorization"] for s in administration} == {_bearer(meilisearch.key)}
    assert {s.template for s in administration} >= {
        "/indexes",
        "/indexes/{index_uid}/settings",
        "/indexes/{index_uid}/documents",
        "/tasks/{task_id}",
        "/keys/{key}",
    }


async def test_the_server_refuses_the_search_key_anything_but_a_search_of_its_index(
    meilisearch: MeilisearchServer, uid: str, cleanup: None
) -> None:
    backend = meilisearch_backend(meilisearch, index=uid)
    await backend.open()
    await backend.close()
    key = await _server_key(meilisearch, search_key_uid(uid))
    assert key is not None

    async def send(method: str, path: str, body: Any = None) -> httpx.Response:
        # A connection each: the server answers a refused write before reading its body.
        async with httpx.AsyncClient(
            base_url=meilisearch.url, headers={"Authorization": _bearer(key["key"])}, timeout=30
        ) as client:
            return await client.request(method, path, json=body)

    searched = await send("POST", f"/indexes/{uid}/search", {"q": "x"})
    added = await send("POST", f"/indexes/{uid}/documents", [{"id": "event-1"}])
    settings = await send("PATCH", f"/indexes/{uid}/settings", {"synonyms": {}})
    elsewhere = await send("POST", f"/indexes/{uid}_other/search", {"q": "x"})
    keys = await send("GET", "/keys")

    assert searched.status_code == 200
    assert [a.status_code for a in (added, settings, elsewhere, keys)] == [403] * 4
    assert {a.json()["code"] for a in (added, settings, elsewhere, keys)} == {"invalid_api_key"}


async def test_every_process_finds_the_key_the_first_one_created(
    meilisearch: MeilisearchServer, requests: RequestLog, uid: str, cleanup: None
) -> None:
    first = meilisearch_backend(meilisearch, index=uid)
    await first.open()
    await first.close()
    later = meilisearch_backend(meilisearch, requests, index=uid)
    try:
        await later.open()
        await later.search(SearchRequest("x"))
    finally:
        await later.close()
    key = await _server_key(meilisearch, search_key_uid(uid))

    assert key is not None
    assert requests.calls("/keys") == []  # found, not created again
    assert [s.headers["authorization"] for s in requests.calls(SEARCHES[0])] == [
        _bearer(key["key"])
    ]


async def test_a_key_another_process_creates_first_is_used_rather_than_duplicated(
    meilisearch: MeilisearchServer, requests: RequestLog, uid: str, cleanup: None
) -> None:
    backend = meilisearch_backend(meilisearch, requests, index=uid)

    async def create_it_first(request: Any) -> None:  # the other process wins the race
        if request.method == "POST" and request.url.path == "/keys":
            await _create_key(meilisearch, search_key_request(uid))

    hooks = backend.client.http_client.event_hooks
    hooks["request"] = [*hooks["request"], create_it_first]
    backend.client.http_client.event_hooks = hooks
    try:
        await backend.open()
        await backend.search(SearchRequest("x"))
    finally:
        await backend.close()
    key = await _server_key(meilisearch, search_key_uid(uid))

    assert key is not None
    assert [s.method for s in requests.calls("/keys/{key}")] == ["GET", "GET"]  # before, after
    assert len(requests.calls("/keys")) == 1  # refused: api_key_already_exists
    assert requests.calls(SEARCHES[0])[0].headers["authorization"] == _bearer(key["key"])


async def test_processes_opening_at_once_all_search_with_the_one_key(
    meilisearch: MeilisearchServer, uid: str, cleanup: None
) -> None:
    backends = [meilisearch_backend(meilisearch, index=uid) for _ in range(3)]
    logs = [RequestLog() for _ in backends]
    for backend, log in zip(backends, logs, strict=True):
        log.attach(backend.client.http_client)
    try:
        await asyncio.gather(*(b.open() for b in backends))
        await asyncio.gather(*(b.search(SearchRequest("x")) for b in backends))
    finally:
        for backend in backends:
            await backend.close()
    async with admin_client(meilisearch) as admin:
        keys = (await admin.get("/keys", params={"limit": 1000})).json()["results"]

    assert [k["uid"] for k in keys if uid in k["indexes"]] == [search_key_uid(uid)]
    used = {log.calls(SEARCHES[0])[0].headers["authorization"] for log in logs}
    assert used == {_bearer(next(k["key"] for k in keys if uid in k["indexes"]))}


async def test_a_configured_search_key_is_used_and_none_is_created(
    meilisearch: MeilisearchServer, requests: RequestLog, uid: str, cleanup: None
) -> None:
    configured = await _create_key(
        meilisearch, {"name": f"cms search: {uid}", "actions": ["search"], "indexes": [uid]}
    )
    settings = Settings(
        meili_url=meilisearch.url,
        meili_master_key=meilisearch.key,
        meili_search_key=configured,
        meili_index=uid,
    )
    backend = backend_from_settings(settings)
    assert isinstance(backend, MeilisearchBackend)
    requests.also = SENT
    requests.attach(backend.client.http_client)
    try:
        await backend.open()
        await backend.apply(upserts=[document("event-1", title="Hearing", event_id=1)])
        found = await backend.search(SearchRequest("hearing"))
    finally:
        await backend.close()

    assert [h.id for h in found.hits] == ["event-1"]
    assert [s for s in requests.sent if s.path.startswith("/keys")] == []
    assert requests.calls(SEARCHES[0])[0].headers["authorization"] == _bearer(configured)
    assert await _server_key(meilisearch, search_key_uid(uid)) is None


async def test_a_key_under_the_uid_that_is_not_search_only_is_refused(
    meilisearch: MeilisearchServer, uid: str, cleanup: None
) -> None:
    await _create_key(
        meilisearch,
        {
            "uid": search_key_uid(uid),
            "name": f"cms search: {uid}",
            "actions": ["search", "documents.add"],
            "indexes": [uid],
        },
    )
    backend = meilisearch_backend(meilisearch, index=uid)
    try:
        with pytest.raises(SearchUnavailable, match=r"allows \['search', 'documents.add'\]"):
            await backend.open()
        with pytest.raises(SearchUnavailable, match="not only search"):
            await backend.search(SearchRequest("x"))
    finally:
        await backend.close()


async def test_an_admin_key_that_cannot_manage_keys_searches_itself_with_a_warning(
    meilisearch: MeilisearchServer,
    requests: RequestLog,
    uid: str,
    cleanup: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    admin_only = await _create_key(
        meilisearch,
        {
            "name": f"cms search: {uid} (admin)",
            "actions": ["search", "documents.*", "indexes.*", "settings.*", "tasks.*", "version"],
            "indexes": [f"{uid}*"],
        },
    )
    backend = meilisearch_backend(meilisearch, requests, index=uid, api_key=admin_only)
    try:
        with caplog.at_level(logging.WARNING, logger="search.meilisearch"):
            await backend.open()
        await backend.apply(upserts=[document("event-1", title="Hearing", event_id=1)])
        found = await backend.search(SearchRequest("hearing"))
    finally:
        await backend.close()

    assert [h.id for h in found.hits] == ["event-1"]
    assert "set MEILI_SEARCH_KEY" in caplog.text and admin_only not in caplog.text
    assert requests.calls(SEARCHES[0])[0].headers["authorization"] == _bearer(admin_only)
    assert requests.calls("/keys") == []


async def test_a_search_key_an_operator_deleted_is_created_again_and_the_search_answered(
    meilisearch: MeilisearchServer, requests: RequestLog, uid: str, cleanup: None
) -> None:
    backend = meilisearch_backend(meilisearch, requests, index=uid)
    try:
        await backend.open()
        await backend.apply(upserts=[document("event-1", title="Hearing", event_id=1)])
        async with admin_client(meilisearch) as admin:
            assert (await admin.delete(f"/keys/{search_key_uid(uid)}")).status_code == 204
        found = await backend.search(SearchRequest("hearing"))
    finally:
        await backend.close()
    key = await _server_key(meilisearch, search_key_uid(uid))

    assert [h.id for h in found.hits] == ["event-1"]
    assert key is not None
    assert len(requests.calls("/keys")) == 2  # at open, and again after the refusal
    searches = requests.calls(SEARCHES[0])
    assert [s.headers["authorization"] for s in searches] == [_bearer(key["key"])] * 2
