"""Search results as GraphQL types; hits are hydrated from the database through loaders."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry

from schema.content.types import Event, Person, Recording
from schema.context import Context
from search import query as search_query


@strawberry.enum(description="The kinds of thing search finds.")
class SearchKind(Enum):
    EVENT = "event"
    PERSON = "person"
    TRANSCRIPT = "transcript"


@strawberry.enum(description="What search results can be counted by.")
class SearchFacet(Enum):
    KIND = "kind"
    COMMITTEE = "committee"
    TOPIC = "topics"
    PERSON = "people"
    PLATFORM = "platform"
    YEAR = "year"


@strawberry.input(
    description="Restricts search results; every list is matched by any of its values."
)
class SearchFilter:
    committees: list[str] | None = strawberry.field(default=None, description="Committee slugs.")
    topics: list[str] | None = strawberry.field(default=None, description="Topic slugs.")
    people: list[str] | None = strawberry.field(
        default=None,
        description="Person slugs: events they took part in, passages they spoke, themselves.",
    )
    platforms: list[str] | None = strawberry.field(
        default=None, description="Platforms, as the Platform enum's values (YOUTUBE, ZOOM, …)."
    )
    year_from: int | None = strawberry.field(default=None, description="The earliest year.")
    year_to: int | None = strawberry.field(default=None, description="The latest year.")
    date_from: date | None = strawberry.field(
        default=None, description="Only events (and their passages) on or after this date."
    )
    date_to: date | None = strawberry.field(
        default=None, description="Only events (and their passages) on or before this date."
    )


@strawberry.type(description="A field of a hit with the matched words wrapped in <mark>…</mark>.")
class Highlight:
    field: str = strawberry.field(description="The document field the snippet comes from.")
    snippet: str = strawberry.field(description="HTML-escaped text with <mark> around the matches.")

    @classmethod
    def from_result(cls, highlight: search_query.Highlight) -> Highlight:
        return cls(field=highlight.field, snippet=highlight.snippet)


@strawberry.type(description="An event that matches the search.")
class EventHit:
    score: float = strawberry.field(description="Relevance; higher ranks first.")
    event: Event = strawberry.field(description="The event.")
    highlights: list[Highlight] = strawberry.field(description="The fields that matched.")


@strawberry.type(description="A person who matches the search.")
class PersonHit:
    score: float = strawberry.field(description="Relevance; higher ranks first.")
    person: Person = strawberry.field(description="The person.")
    highlights: list[Highlight] = strawberry.field(description="The fields that matched.")


@strawberry.type(
    description="A passage (30–60 s) of a recording's transcript that matches the search, "
    "pointing at the cue that holds the matched words: the cue whose text and speaker's name "
    "hold the most distinct query words, the earliest among equals (the passage's first cue "
    "when only another field, such as a topic, matched)."
)
class TranscriptHit:
    score: float = strawberry.field(description="Relevance; higher ranks first.")
    event: Event = strawberry.field(description="The event the recording belongs to.")
    recording: Recording = strawberry.field(description="The recording.")
    start_ms: int = strawberry.field(
        description="When the cue holding the matched words starts, in milliseconds."
    )
    speaker_name: str | None = strawberry.field(
        description="Who speaks in the cue holding the matched words; null when the "
        "transcript names nobody there."
    )
    speaker_id: strawberry.Private[int | None]
    snippet: str = strawberry.field(
        description="The passage around the matches, HTML-escaped, with <mark> around them."
    )
    url: str | None = strawberry.field(
        description="The recording's URL at the start of the cue holding the matched words "
        "(YouTube `t=`, a `#t=` media fragment elsewhere), or null without a URL."
    )

    @strawberry.field(
        description="The speaker of the cue holding the matched words, when the name "
        "matched a person."
    )
    async def speaker(self, info: strawberry.Info[Context]) -> Person | None:
        if self.speaker_id is None:
            return None
        row = await info.context.loaders.person_by_id.load(self.speaker_id)
        return Person.from_row(row) if row else None


SearchHit = Annotated[
    EventHit | PersonHit | TranscriptHit,
    strawberry.union("SearchHit", description="One search result, of whichever kind it is."),
]


@strawberry.type(description="One value of a facet and how many matches have it.")
class FacetValue:
    value: str = strawberry.field(description="The value to filter by (a slug, a year, …).")
    count: int = strawberry.field(description="How many matches have this value.")
    facet: strawberry.Private[search_query.Facet]

    @strawberry.field(description="The value's display name.")
    async def label(self, info: strawberry.Info[Context]) -> str:
        # Loaded only when asked for, one query per facet that names rows.
        return await info.context.search_loaders.facet_label.load((self.facet, self.value))


@strawberry.type(description="Counts of the matches by one facet.")
class FacetCount:
    facet: SearchFacet = strawberry.field(description="The facet counted.")
    values: list[FacetValue] = strawberry.field(description="Its values, most frequent first.")


@strawberry.type(description="A page of search results.")
class SearchResults:
    total_hits: int = strawberry.field(description="How many documents match in all.")
    processing_time_ms: float = strawberry.field(description="How long the engine took.")
    hits: list[SearchHit] = strawberry.field(description="This page of hits, best first.")
    facets: list[FacetCount] = strawberry.field(description="Counts over all the matches.")
