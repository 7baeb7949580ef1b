"""The protocol every search backend implements, and the errors it may raise.

Error tree:

    SearchError
    ├── SearchUnavailable   the engine cannot be reached or refused the work;
    │                       the sync worker retries later
    ├── DocumentRefused     the engine can never take these documents (too large);
    │                       retrying cannot help
    └── InvalidSearch       the request itself is wrong (a user error)
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Sequence
from typing import Any, Protocol

from search.query import SearchRequest, SearchResponse

Document = dict[str, Any]
"""A search document: the fields listed in `search.documents.FIELDS`."""

Progress = Callable[[int], None]
"""Called with the number of documents written so far."""


class SearchError(Exception):
    """Base of every error a backend raises."""


class SearchUnavailable(SearchError):
    """The engine is down, unreachable or failed the operation; retry later."""


class DocumentRefused(SearchError):
    """Documents the engine can never accept as they are; nothing of the write was applied."""

    def __init__(self, message: str, document_ids: Sequence[str]) -> None:
        super().__init__(message)
        self.document_ids = tuple(document_ids)


class InvalidSearch(SearchError):
    """The search request cannot be run as given."""


class SearchBackend(Protocol):
    """A search engine holding the documents built from the database."""

    name: str
    needs_rebuild: bool
    """Set when the index was found to be of an older schema: it must be rebuilt."""

    async def open(self) -> None:
        """Connects and makes sure the live index exists with its settings."""

    async def close(self) -> None:
        """Releases the engine's resources."""

    async def apply(
        self,
        *,
        upserts: Sequence[Document] = (),
        delete_ids: Sequence[str] = (),
        delete_event_ids: Sequence[int] = (),
    ) -> None:
        """Deletes every document of these events (event and passages) and these ids,
        then adds or replaces `upserts`; raises SearchUnavailable on failure."""

    async def search(self, request: SearchRequest) -> SearchResponse:
        """Runs one search with the semantics the contract suite checks."""

    async def rebuild(
        self, batches: AsyncIterable[Sequence[Document]], progress: Progress | None = None
    ) -> int:
        """Builds a new index from `batches`, then swaps it in atomically; returns the count.
        Searches keep being served from the old index until the swap."""

    async def documents(self) -> list[Document]:
        """Every document in the live index, sorted by id (for checks and tests)."""

    async def kind_counts(self) -> dict[str, int]:
        """How many documents of each kind the live index holds (none when it is missing)."""

    async def health(self) -> None:
        """Returns when the engine answers; raises SearchUnavailable otherwise."""
