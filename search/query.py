"""What a search asks and what it returns, the same for every backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum

MAX_QUERY_LENGTH = 512
MAX_QUERY_WORDS = 10  # as Meilisearch: words past the tenth are ignored


class DocumentKind(str, Enum):
    """The kinds of search document."""

    EVENT = "event"
    PERSON = "person"
    TRANSCRIPT = "transcript"


class Facet(str, Enum):
    """The fields results can be counted by; the value is the document field."""

    KIND = "kind"
    COMMITTEE = "committee"
    TOPIC = "topics"
    PERSON = "people"
    PLATFORM = "platform"
    YEAR = "year"


@dataclass(frozen=True)
class SearchFilter:
    """Restrictions on the matches; every list is OR within itself and AND across lists."""

    kinds: tuple[DocumentKind, ...] = ()
    committees: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    withheld_events: tuple[int, ...] = ()
    """Events whose documents (their own and their passages') no search may show or count:
    removals the index has yet to apply. Set by the service, never by the user."""
    withheld_people: tuple[int, ...] = ()
    """People whose document no search may show or count, for the same reason."""


@dataclass(frozen=True)
class SearchRequest:
    """One search: the user's text, filters, facets to count, and the page."""

    query: str
    filter: SearchFilter = SearchFilter()
    facets: tuple[Facet, ...] = ()
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Highlight:
    """A field of a hit with the matched words wrapped in <mark>…</mark> (HTML-escaped)."""

    field: str
    snippet: str


@dataclass(frozen=True)
class Hit:
    """One matching document, as the backend returns it (hydrated from the database later)."""

    id: str
    kind: DocumentKind
    score: float
    event_id: int | None = None
    person_id: int | None = None
    recording_id: int | None = None
    start_ms: int | None = None
    speaker_name: str | None = None
    speaker_id: int | None = None
    highlights: tuple[Highlight, ...] = ()


@dataclass(frozen=True)
class SearchResponse:
    """A page of hits, the total number of matches, facet counts and how long it took."""

    total_hits: int
    processing_time_ms: float
    hits: list[Hit]
    facets: dict[Facet, dict[str, int]] = field(default_factory=dict)
