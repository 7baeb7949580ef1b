"""The `search` root field: validate, search, then hydrate hits through the loaders."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Annotated, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.dataloader import DataLoader

from schema.content.types import Event, Person, Recording
from schema.context import Context
from schema.search.types import (
    EventHit,
    FacetCount,
    FacetValue,
    Highlight,
    PersonHit,
    SearchFacet,
    SearchFilter,
    SearchHit,
    SearchKind,
    SearchResults,
    TranscriptHit,
)
from search import query as q
from search.backend import SearchUnavailable
from search.links import url_at
from search.service import FieldProblem

DEFAULT_HITS = 20
Row = TypeVar("Row")


def _request(
    query: str,
    kinds: list[SearchKind] | None,
    search_filter: SearchFilter | None,
    facets: list[SearchFacet] | None,
    first: int | None,
    offset: int | None,
) -> q.SearchRequest:
    f = search_filter or SearchFilter()
    return q.SearchRequest(
        query=query,
        filter=q.SearchFilter(
            kinds=tuple(q.DocumentKind(k.value) for k in kinds or ()),
            committees=tuple(f.committees or ()),
            topics=tuple(f.topics or ()),
            people=tuple(f.people or ()),
            platforms=tuple(f.platforms or ()),
            year_from=f.year_from,
            year_to=f.year_to,
            date_from=f.date_from,
            date_to=f.date_to,
        ),
        facets=tuple(q.Facet(facet.value) for facet in dict.fromkeys(facets or ())),
        limit=DEFAULT_HITS if first is None else first,
        offset=offset or 0,
    )


async def _rows(loader: DataLoader[int, Row | None], ids: set[int]) -> dict[int, Row]:
    keys = list(ids)
    rows = await loader.load_many(keys)
    return {key: row for key, row in zip(keys, rows, strict=True) if row is not None}


async def _hydrate(info: strawberry.Info[Context], hits: Sequence[q.Hit]) -> list[SearchHit]:
    """The hits as GraphQL types, in order, leaving out those whose rows are gone or not
    visible: one batch per loader, all loaded together."""
    loaders = info.context.loaders
    people = {h.person_id for h in hits if h.kind is q.DocumentKind.PERSON and h.person_id}
    events = {h.event_id for h in hits if h.kind is not q.DocumentKind.PERSON and h.event_id}
    recordings = {
        h.recording_id for h in hits if h.kind is q.DocumentKind.TRANSCRIPT and h.recording_id
    }
    person_rows, event_rows, recording_rows = await asyncio.gather(
        _rows(loaders.person_by_id, people),
        _rows(loaders.event_by_id, events),
        _rows(loaders.recording_by_id, recordings),
    )
    hydrated: list[SearchHit] = []
    for hit in hits:
        highlights = [Highlight.from_result(h) for h in hit.highlights]
        if hit.kind is q.DocumentKind.PERSON:
            if person := person_rows.get(hit.person_id or 0):
                hydrated.append(
                    PersonHit(
                        score=hit.score, person=Person.from_row(person), highlights=highlights
                    )
                )
            continue
        event = event_rows.get(hit.event_id or 0)
        if event is None:
            continue
        if hit.kind is q.DocumentKind.EVENT:
            hydrated.append(
                EventHit(score=hit.score, event=Event.from_row(event), highlights=highlights)
            )
            continue
        recording = recording_rows.get(hit.recording_id or 0)
        if recording is None:
            continue
        start_ms = hit.start_ms or 0
        hydrated.append(
            TranscriptHit(
                score=hit.score,
                event=Event.from_row(event),
                recording=Recording.from_row(recording),
                start_ms=start_ms,
                speaker_name=hit.speaker_name,
                speaker_id=hit.speaker_id,
                snippet=highlights[0].snippet if highlights else "",
                url=url_at(recording.url, start_ms),
            )
        )
    return hydrated


@strawberry.type(description="Full-text search over events, people and transcripts.")
class SearchQuery:
    @strawberry.field(
        description="Searches events, people and transcript passages, with typo tolerance, "
        "highlights and facet counts. Errors name the argument that was wrong."
    )
    async def search(
        self,
        info: strawberry.Info[Context],
        query: Annotated[
            str, strawberry.argument(description='What to look for; "quotes" make a phrase.')
        ],
        kinds: Annotated[
            list[SearchKind] | None, strawberry.argument(description="Only these kinds.")
        ] = None,
        filter: Annotated[
            SearchFilter | None, strawberry.argument(description="Restrictions.")
        ] = None,
        facets: Annotated[
            list[SearchFacet] | None, strawberry.argument(description="Facets to count.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Hits per page, at most 100.")
        ] = 20,
        offset: Annotated[int | None, strawberry.argument(description="Hits to skip.")] = 0,
    ) -> SearchResults:
        service = info.context.search
        if service is None:
            raise GraphQLError(
                "Search is not configured.", extensions={"code": "SEARCH_UNAVAILABLE"}
            )
        try:
            result = await service.search(_request(query, kinds, filter, facets, first, offset))
        except FieldProblem as problem:
            raise GraphQLError(
                f"Invalid {problem.field}: {problem.message}.",
                extensions={"code": "BAD_USER_INPUT", "field": problem.field},
            ) from problem
        except SearchUnavailable as error:
            raise GraphQLError(
                "Search is temporarily unavailable.", extensions={"code": "SEARCH_UNAVAILABLE"}
            ) from error
        return SearchResults(
            total_hits=result.total_hits,
            processing_time_ms=result.processing_time_ms,
            hits=await _hydrate(info, result.hits),
            facets=[
                FacetCount(
                    facet=SearchFacet(facet.value),
                    values=[
                        FacetValue(value=value, count=count, facet=facet)
                        for value, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
                    ],
                )
                for facet, counts in result.facets.items()
            ],
        )
