"""Answers to anonymous reads, kept per process by document, variables and content generation.

An anonymous query's answer depends only on the request (its document, variables,
operation and media type) and on the content the database holds, and every committed
write to that content advances the content generation in its own transaction
(server/content/generation.py). So an answer computed after reading generation G is
at least as new as G, and may be served to any later request that reads G again; the
first request after a write reads G + 1, misses, and computes afresh. Each request
pays one read of one row by key, never a stale answer.

Only anonymous GET and POST requests with a body of known, modest length are looked
up; only complete answers to queries (no errors, not a mutation) are kept. Requests
with a token never touch the cache: what they see depends on who they are. Nor do
documents that ask for `search`: its answers come from the search engine, whose
index changes without any write to the database (the worker syncing, a rebuild, an
index deleted on disk), so no generation can vouch for them.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationType,
    SelectionNode,
    get_operation_ast,
    parse,
)
from starlette.requests import Request
from starlette.responses import Response

from schema.http_caching import entity_tag
from server.auth.authentication import viewer_of
from server.auth.viewer import Role

MAX_ENTRIES = 1000
MAX_BODY_BYTES = 1_000_000
"""Answers larger than this are not kept: a thousand of them would be a gigabyte."""
MAX_KEY_BYTES = 16_384

Key = tuple[str, str, bytes]

UNCACHED_ROOT_FIELDS = frozenset({"search"})
"""Root fields answered from somewhere the content generation does not cover."""


@dataclass(frozen=True)
class _Entry:
    generation: int
    body: bytes
    media_type: str
    operation: tuple[str | None, str] | None = None
    """The name and type of the operation that made it, for the request log and metrics."""
    etag: str = ""
    """Its strong ETag (http_caching.py), computed once rather than on every hit."""


@functools.lru_cache(maxsize=256)
def is_cacheable(document: str, operation_name: str | None) -> bool:
    """Whether the operation the request runs is a query that reads only the database."""
    try:
        parsed = parse(document, no_location=True)
    except GraphQLError:
        return False
    operation = get_operation_ast(parsed, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return False
    roots = _root_field_names(parsed, operation.selection_set.selections, set())
    return not roots & UNCACHED_ROOT_FIELDS


def _root_field_names(
    document: DocumentNode, selections: Iterable[SelectionNode], seen: set[str]
) -> set[str]:
    names: set[str] = set()
    for selection in selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names |= _root_field_names(document, selection.selection_set.selections, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            for definition in document.definitions:
                if (
                    isinstance(definition, FragmentDefinitionNode)
                    and definition.name.value == selection.name.value
                ):
                    names |= _root_field_names(document, definition.selection_set.selections, seen)
    return names


class ResponseCache:
    """The most recently used answers, each under the content generation it was computed at."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()

    async def key_for(self, request: Request, media_type: str) -> Key | None:
        """The key of an anonymous read, or None for a request the cache must not answer."""
        if viewer_of(request).role is not Role.ANONYMOUS:
            return None
        if request.method == "GET":
            query = request.scope.get("query_string", b"")
            return ("GET", media_type, query) if len(query) <= MAX_KEY_BYTES else None
        if request.method != "POST":
            return None
        length = request.headers.get("content-length", "")
        if not (length.isdigit() and int(length) <= MAX_KEY_BYTES):
            return None  # streamed or large: read by the view alone, under its body limit
        return ("POST", media_type + request.headers.get("content-type", ""), await request.body())

    def get(self, key: Key, generation: int) -> Response | None:
        entry = self._entries.get(key)
        if entry is None or entry.generation != generation:
            return None
        self._entries.move_to_end(key)
        return Response(entry.body, media_type=entry.media_type, headers={"etag": entry.etag})

    def operation(self, key: Key) -> tuple[str | None, str] | None:
        """The name and type of the operation whose answer is kept under `key`."""
        entry = self._entries.get(key)
        return entry.operation if entry is not None else None

    def put(
        self,
        key: Key,
        generation: int,
        response: Response,
        operation: tuple[str | None, str] | None = None,
    ) -> None:
        body = bytes(response.body)
        if len(body) > MAX_BODY_BYTES:
            return
        media_type = response.headers.get("content-type", "application/json")
        self._entries[key] = _Entry(generation, body, media_type, operation, entity_tag(body))
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
