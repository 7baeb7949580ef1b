"""An in-memory Meilisearch for tests that answers only what its OpenAPI spec describes.

Each request is checked against the spec first (route, strict body, query and path
parameters) and the test fails on any mismatch; each answer is checked against the
spec's response schemas. Writes are tasks that move enqueued -> processing -> done one
step per poll of GET /tasks/{uid}, in the order they were enqueued.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import httpx
import pytest

from tests.search.meilisearch_filter_syntax import filter_fields, matches_filter, parse_filter
from tests.search.openapi_spec import OpenApiSpec

KEY = "test-master-key"
NOW = "2025-01-01T00:00:00Z"


class _Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _error(code: str, message: str) -> dict[str, str]:
    return {
        "message": message,
        "code": code,
        "type": "invalid_request",
        "link": f"https://docs.meilisearch.com/errors#{code}",
    }


@dataclass
class FakeIndex:
    primary_key: str | None
    settings: dict[str, Any] = field(default_factory=dict)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Sent:
    method: str
    path: str
    template: str
    body: Any
    headers: httpx.Headers


class FakeMeilisearch:
    """An in-memory Meilisearch that answers only requests the spec describes."""

    def __init__(self, spec: OpenApiSpec, api_key: str | None = KEY) -> None:
        self.spec = spec
        self.api_key = api_key
        self.indexes: dict[str, FakeIndex] = {}
        self.tasks: dict[int, dict[str, Any]] = {}
        self._effects: dict[int, Callable[[], None]] = {}
        self._planned: dict[str, list[tuple[str, str, str]]] = {}
        self._forced: dict[tuple[str, str], list[int]] = {}
        self.sent: list[Sent] = []
        self.problems: list[str] = []
        self.down: Exception | None = None
        self.stuck = False
        self.version = "1.53.0"

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # what tests arrange
    def plan(
        self,
        task_type: str,
        status: str = "failed",
        code: str = "internal",
        message: str = "planned failure",
    ) -> None:
        self._planned.setdefault(task_type, []).append((status, code, message))

    def force(self, method: str, template: str, status: int) -> None:
        self._forced.setdefault((method, template), []).append(status)

    def calls(self, *templates: str) -> list[Sent]:
        return [s for s in self.sent if not templates or s.template in templates]

    def writes(self) -> list[tuple[str, str]]:
        """The requests sent, without task polling and index look-ups."""
        return [
            (s.method, s.path)
            for s in self.sent
            if s.template not in ("/tasks/{task_id}",) and s.method != "GET"
        ]

    def _fail(self, message: str) -> NoReturn:
        self.problems.append(message)
        pytest.fail(message, pytrace=False)

    # the HTTP side
    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down is not None:
            raise self.down
        if problems := self.spec.request_problems(request):
            self._fail(f"{request.method} {request.url} breaks the spec: {problems}")
        found = self.spec.route(request.method, request.url.path)
        assert found is not None
        route, values = found
        body = json.loads(request.content) if request.content else None
        self.sent.append(
            Sent(request.method, request.url.path, route.template, body, request.headers)
        )
        if self.api_key and request.headers.get("authorization") != f"Bearer {self.api_key}":
            self._fail(f"{request.method} {request.url.path} without the API key")
        forced = self._forced.get((request.method, route.template))
        if forced:
            # Any route may fail this way on a real server, listed in the spec or not;
            # the body must still be Meilisearch's error object.
            status = forced.pop(0)
            code = "index_not_found" if status == 404 else "internal"
            payload = _error(code, f"forced {status}")
            if problems := self.spec.error_problems(payload):
                self._fail(f"the fake's error body is off-spec: {problems}")
            return httpx.Response(status, json=payload)
        name = re.sub(r"\W+", "_", f"{request.method} {route.template}").strip("_").lower()
        handler = getattr(self, f"_{name}", None)
        if handler is None:
            self._fail(f"the fake does not implement {request.method} {route.template}")
        status, payload = handler(body, **values)
        if problems := self.spec.response_problems(request.method, route.template, status, payload):
            self._fail(f"the fake answered {request.method} {route.template} off-spec: {problems}")
        return httpx.Response(status, json=payload)

    # tasks
    def _enqueue(
        self, task_type: str, index_uid: str | None, effect: Callable[[], None]
    ) -> tuple[int, Any]:
        uid = len(self.tasks)
        self.tasks[uid] = {
            "uid": uid,
            "batchUid": None,
            "indexUid": index_uid,
            "status": "enqueued",
            "type": task_type,
            "canceledBy": None,
            "details": {},
            "error": None,
            "duration": None,
            "enqueuedAt": NOW,
        }
        self._effects[uid] = effect
        return 202, {
            "taskUid": uid,
            "indexUid": index_uid,
            "status": "enqueued",
            "type": task_type,
            "enqueuedAt": NOW,
        }

    def _advance(self) -> None:
        """Each poll moves every unfinished task one step, in order: enqueued, processing, done."""
        if self.stuck:
            return
        for uid, task in sorted(self.tasks.items()):
            if task["status"] == "enqueued":
                task.update(status="processing", startedAt=NOW)
            elif task["status"] == "processing":
                self._finish(uid, task)

    def _finish(self, uid: int, task: dict[str, Any]) -> None:
        task.update(finishedAt=NOW, duration="PT0.001S")
        planned = self._planned.get(task["type"])
        if planned:
            status, code, message = planned.pop(0)
            task["status"] = status
            if status == "failed":
                task["error"] = _error(code, message)
            else:
                task["canceledBy"] = uid + 1000
            return
        try:
            self._effects[uid]()
        except _Refused as refused:
            task.update(status="failed", error=_error(refused.code, refused.message))
        else:
            task["status"] = "succeeded"

    def _get_tasks_task_id(self, body: Any, task_id: str) -> tuple[int, Any]:
        self._advance()
        task = self.tasks.get(int(task_id))
        if task is None:
            return 404, _error("task_not_found", f"Task `{task_id}` not found.")
        return 200, task

    # indexes
    def _index(self, uid: str) -> FakeIndex:
        if uid not in self.indexes:
            raise _Refused("index_not_found", f"Index `{uid}` not found.")
        return self.indexes[uid]

    def _ensure(self, uid: str) -> FakeIndex:  # writes create a missing index, as Meilisearch's do
        return self.indexes.setdefault(uid, FakeIndex(None))

    def _get_health(self, body: Any) -> tuple[int, Any]:
        return 200, {"status": "available"}

    def _get_version(self, body: Any) -> tuple[int, Any]:
        return 200, {"commitSha": "unknown", "commitDate": NOW, "pkgVersion": self.version}

    def _get_indexes_index_uid(self, body: Any, index_uid: str) -> tuple[int, Any]:
        if index_uid not in self.indexes:
            return 404, _error("index_not_found", f"Index `{index_uid}` not found.")
        return 200, {
            "uid": index_uid,
            "createdAt": NOW,
            "updatedAt": NOW,
            "primaryKey": self.indexes[index_uid].primary_key,
        }

    def _post_indexes(self, body: Any) -> tuple[int, Any]:
        def create() -> None:
            if body["uid"] in self.indexes:
                raise _Refused("index_already_exists", f"Index `{body['uid']}` already exists.")
            self.indexes[body["uid"]] = FakeIndex(body.get("primaryKey"))

        return self._enqueue("indexCreation", body["uid"], create)

    def _delete_indexes_index_uid(self, body: Any, index_uid: str) -> tuple[int, Any]:
        def delete() -> None:
            self._index(index_uid)
            del self.indexes[index_uid]

        return self._enqueue("indexDeletion", index_uid, delete)

    def _patch_indexes_index_uid_settings(self, body: Any, index_uid: str) -> tuple[int, Any]:
        return self._enqueue(
            "settingsUpdate", index_uid, lambda: self._ensure(index_uid).settings.update(body)
        )

    def _post_swap_indexes(self, body: Any) -> tuple[int, Any]:
        def swap() -> None:
            for pair in body:
                a, b = pair["indexes"]
                self.indexes[a], self.indexes[b] = self._index(b), self._index(a)

        return self._enqueue("indexSwap", None, swap)

    # documents
    def _post_indexes_index_uid_documents(self, body: Any, index_uid: str) -> tuple[int, Any]:
        def add() -> None:
            index = self._ensure(index_uid)
            key = index.primary_key or "id"
            for doc in body:
                if not re.fullmatch(r"[A-Za-z0-9_-]{1,511}", str(doc.get(key, ""))):
                    raise _Refused("invalid_document_id", f"bad document id {doc.get(key)!r}")
                index.docs[str(doc[key])] = doc

        return self._enqueue("documentAdditionOrUpdate", index_uid, add)

    def _filter(self, index: FakeIndex, text: str, code: str) -> Any:
        tree = parse_filter(text)
        unknown = filter_fields(tree) - set(index.settings.get("filterableAttributes") or [])
        if unknown:
            raise _Refused(code, f"Attribute(s) {sorted(unknown)} are not filterable.")
        return tree

    def _post_indexes_index_uid_documents_delete(
        self, body: Any, index_uid: str
    ) -> tuple[int, Any]:
        def delete() -> None:
            index = self._index(index_uid)
            tree = self._filter(index, body["filter"], "invalid_document_filter")
            for key in [k for k, doc in index.docs.items() if matches_filter(tree, doc)]:
                del index.docs[key]

        return self._enqueue("documentDeletion", index_uid, delete)

    def _post_indexes_index_uid_documents_delete_batch(
        self, body: Any, index_uid: str
    ) -> tuple[int, Any]:
        def delete() -> None:
            for key in body:
                self._index(index_uid).docs.pop(str(key), None)

        return self._enqueue("documentDeletion", index_uid, delete)

    def _post_indexes_index_uid_documents_fetch(self, body: Any, index_uid: str) -> tuple[int, Any]:
        if index_uid not in self.indexes:
            return 404, _error("index_not_found", f"Index `{index_uid}` not found.")
        docs = list(self.indexes[index_uid].docs.values())
        offset, limit = body.get("offset", 0), body.get("limit", 20)
        return 200, {
            "results": docs[offset : offset + limit],
            "offset": offset,
            "limit": limit,
            "total": len(docs),
        }

    # search
    def _post_indexes_index_uid_search(self, body: Any, index_uid: str) -> tuple[int, Any]:
        if index_uid not in self.indexes:
            return 404, _error("index_not_found", f"Index `{index_uid}` not found.")
        index = self.indexes[index_uid]
        words = re.findall(r"\w+", (body.get("q") or "").lower())
        try:
            tree = (
                self._filter(index, body["filter"], "invalid_search_filter")
                if body.get("filter")
                else None
            )
        except _Refused as refused:
            return 400, _error(refused.code, refused.message)
        facets = body.get("facets") or []
        if unknown := set(facets) - set(index.settings.get("filterableAttributes") or []):
            return 400, _error("invalid_search_facets", f"{sorted(unknown)} are not filterable")
        searchable = index.settings.get("searchableAttributes") or []
        ranked = []
        for doc in index.docs.values():
            if tree is not None and not matches_filter(tree, doc):
                continue
            rank = 0
            for word in words:
                places = [
                    i for i, name in enumerate(searchable) if self._hits_word(doc.get(name), word)
                ]
                if not places:
                    break
                rank += places[0]
            else:
                ranked.append((rank, str(doc["id"]), doc))
        ranked.sort(key=lambda r: r[:2])
        page, per_page = body.get("page") or 1, body.get("hitsPerPage", 20)
        chosen = ranked[(page - 1) * per_page : page * per_page]
        answer: dict[str, Any] = {
            "hits": [
                self._hit(body, doc, words, (page - 1) * per_page + i)
                for i, (_, _, doc) in enumerate(chosen)
            ],
            "query": body.get("q") or "",
            "processingTimeMs": 3,
            "hitsPerPage": per_page,
            "page": page,
            "totalPages": -(-len(ranked) // per_page) if per_page else 0,
            "totalHits": len(ranked),
        }
        if facets:
            distribution: dict[str, dict[str, int]] = {name: {} for name in facets}
            for _, _, doc in ranked:
                for name in facets:
                    value = doc.get(name)
                    for item in value if isinstance(value, list) else [value]:
                        if item is not None:
                            distribution[name][str(item)] = distribution[name].get(str(item), 0) + 1
            answer["facetDistribution"] = distribution
        return 200, answer

    @staticmethod
    def _hits_word(value: Any, word: str) -> bool:
        items = value if isinstance(value, list) else [value]
        return any(
            isinstance(i, str) and any(t.startswith(word) for t in re.findall(r"\w+", i.lower()))
            for i in items
        )

    def _hit(
        self, body: dict[str, Any], doc: dict[str, Any], words: list[str], position: int
    ) -> dict[str, Any]:
        retrieve = body.get("attributesToRetrieve") or list(doc)
        highlight, crop = (
            body.get("attributesToHighlight") or [],
            body.get("attributesToCrop") or [],
        )
        hit = {name: doc[name] for name in retrieve if name in doc}
        if highlight or crop:
            hit["_formatted"] = {
                name: self._format(doc[name], body, words, name in highlight, name in crop)
                for name in dict.fromkeys([*retrieve, *highlight, *crop])
                if name in doc
            }
        if body.get("showRankingScore"):
            hit["_rankingScore"] = round(1 / (1 + position), 4)
        if body.get("showMatchesPosition"):
            hit["_matchesPosition"] = {
                name: bounds
                for name in retrieve
                if name in doc and (bounds := self._bounds(doc[name], words))
            }
        return hit

    def _bounds(self, value: Any, words: list[str], indices: tuple[int, ...] = ()) -> list[Any]:
        """Where the query's words match in an attribute's value, as Meilisearch reports it:
        in UTF-8 bytes from the start of each string, numbers read as strings, and the
        index of the item for each match inside a list."""
        if isinstance(value, list):
            return [b for i, v in enumerate(value) for b in self._bounds(v, words, (*indices, i))]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return []
        text = str(value)
        found: list[Any] = []
        for match in re.finditer(r"\w+", text):
            word = next((w for w in words if match[0].lower().startswith(w)), None)
            if word is None:
                continue
            bound: dict[str, Any] = {
                "start": len(text[: match.start()].encode()),
                "length": len(match[0][: len(word)].encode()),  # a prefix match: its prefix
            }
            if indices:
                bound["indices"] = list(indices)
            found.append(bound)
        return found

    def _format(
        self, value: Any, body: dict[str, Any], words: list[str], mark: bool, crop: bool
    ) -> Any:
        if isinstance(value, list):
            return [self._format(v, body, words, mark, crop) for v in value]
        if not isinstance(value, str):
            return value
        pieces, length = value.split(" "), body.get("cropLength", 10)
        if crop and len(pieces) > length:
            first = (
                next((i for i, p in enumerate(pieces) if self._hits_word(p, words[0])), 0)
                if words
                else 0
            )
            start = max(0, min(first - 3, len(pieces) - length))
            marker = body.get("cropMarker", "…")
            value = (
                (marker if start else "")
                + " ".join(pieces[start : start + length])
                + (marker if start + length < len(pieces) else "")
            )
        if not mark:
            return value
        pre, post = body.get("highlightPreTag", "<em>"), body.get("highlightPostTag", "</em>")
        return re.sub(
            r"\w+",
            lambda m: pre + m[0] + post if any(m[0].lower().startswith(w) for w in words) else m[0],
            value,
        )
