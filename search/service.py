"""The search service: checks a request against the rules and the database, then runs it.

Errors:

    SearchError (search.backend)
    ├── InvalidSearch    the request breaks a rule; `field` names the argument
    └── SearchUnavailable the engine is down
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from search.backend import InvalidSearch, SearchBackend
from search.query import MAX_QUERY_LENGTH, Facet, SearchRequest, SearchResponse
from server.columns import column
from server.content.models import Committee, Person, Platform, Topic
from server.indexing import outbox

MAX_PAGE_SIZE = 100
MAX_OFFSET = 1000  # as Meilisearch's maxTotalHits: deeper pages are refused, not wrong


@dataclass
class FieldProblem(InvalidSearch):
    """A search argument that breaks a rule."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


async def _unknown(model: type[Committee | Topic | Person], slugs: Sequence[str]) -> list[str]:
    if not slugs:
        return []
    known = set(await column(model.filter(slug__in=list(slugs)), "slug"))
    return [slug for slug in slugs if slug not in known]


async def validate(request: SearchRequest, max_page_size: int = MAX_PAGE_SIZE) -> None:
    """Raises FieldProblem for the first rule the request breaks."""
    if not request.query.strip():
        raise FieldProblem("query", "must contain something to search for")
    if len(request.query) > MAX_QUERY_LENGTH:
        raise FieldProblem("query", f"must be at most {MAX_QUERY_LENGTH} characters long")
    if request.limit < 0 or request.limit > max_page_size:
        raise FieldProblem("first", f"must be between 0 and {max_page_size}")
    if request.offset < 0 or request.offset + request.limit > MAX_OFFSET:
        raise FieldProblem(
            "offset", f"must be at least 0, with offset + first at most {MAX_OFFSET}"
        )
    search_filter = request.filter
    for field, model, slugs in (
        ("filter.committees", Committee, search_filter.committees),
        ("filter.topics", Topic, search_filter.topics),
        ("filter.people", Person, search_filter.people),
    ):
        if unknown := await _unknown(model, slugs):
            raise FieldProblem(field, "unknown slug(s): " + ", ".join(sorted(set(unknown))))
    platforms = {p.value for p in Platform}
    if unknown := [p for p in search_filter.platforms if p not in platforms]:
        raise FieldProblem("filter.platforms", "unknown platform(s): " + ", ".join(unknown))
    if (
        search_filter.year_from is not None
        and search_filter.year_to is not None
        and search_filter.year_from > search_filter.year_to
    ):
        raise FieldProblem("filter.yearFrom", "must not be after yearTo")
    if (
        search_filter.date_from is not None
        and search_filter.date_to is not None
        and search_filter.date_from > search_filter.date_to
    ):
        raise FieldProblem("filter.dateFrom", "must not be after dateTo")


class SearchService:
    """What the API and the CLI call to search."""

    def __init__(
        self,
        backend: SearchBackend,
        max_page_size: int = MAX_PAGE_SIZE,
        on_search: Callable[[str, float], None] | None = None,
    ) -> None:
        self.backend = backend
        self.max_page_size = max_page_size
        self.on_search = on_search
        """Told the engine's name and the seconds it took, after each search it answered."""

    async def search(self, request: SearchRequest) -> SearchResponse:
        """Validates, then searches; raises FieldProblem or SearchUnavailable.

        Objects unpublished or deleted since the index last heard of them are left out of
        hits, totals and facets alike, for every viewer: the index only ever holds what
        the public may see, so what the database has withdrawn is withdrawn at once.
        """
        await validate(request, self.max_page_size)
        withheld = await outbox.withheld()
        if withheld.event_ids or withheld.person_ids:
            restrictions = replace(
                request.filter,
                withheld_events=withheld.event_ids,
                withheld_people=withheld.person_ids,
            )
            request = replace(request, filter=restrictions)
        if self.on_search is None:
            return await self.backend.search(request)
        started = time.perf_counter()
        response = await self.backend.search(request)
        self.on_search(self.backend.name, time.perf_counter() - started)
        return response


KIND_LABELS = {"event": "Events", "person": "People", "transcript": "Transcripts"}
PLATFORM_LABELS = {
    "YOUTUBE": "YouTube",
    "INSTAGRAM": "Instagram",
    "FACEBOOK": "Facebook",
    "ZOOM": "Zoom",
    "OTHER": "Other",
}


async def facet_labels(values: Mapping[Facet, Iterable[str]]) -> dict[Facet, dict[str, str]]:
    """Display names for facet values: one query per facet that names rows. A value
    that names no row (any more) is its own label."""
    labels: dict[Facet, dict[str, str]] = {}
    for facet, wanted in values.items():
        wanted = list(wanted)
        if facet is Facet.COMMITTEE:
            found = await Committee.filter(slug__in=wanted).values_list("slug", "name")
        elif facet is Facet.TOPIC:
            found = await Topic.filter(slug__in=wanted).values_list("slug", "name")
        elif facet is Facet.PERSON:
            found = await Person.filter(slug__in=wanted).values_list("slug", "name")
        elif facet is Facet.KIND:
            found = [(v, KIND_LABELS[v]) for v in wanted if v in KIND_LABELS]
        elif facet is Facet.PLATFORM:
            found = [(v, PLATFORM_LABELS[v]) for v in wanted if v in PLATFORM_LABELS]
        else:
            found = []
        names = dict(found)
        labels[facet] = {v: names.get(v, v) for v in wanted}
    return labels
