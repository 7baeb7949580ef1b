"""DataLoaders for content, one set per request, each batching one read service.

The loaders close over the request's viewer and call the read services with
it, so a batch can never return something the viewer may not see. Loaders
for bounded lists are keyed by `(parent id, limit)`, and for paged ones by
`(parent id, page request)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import TypeVar

from strawberry.dataloader import DataLoader

from server.auth.viewer import Viewer
from server.content import models, queries
from server.content.queries import Page, PageRequest, rows
from server.transcripts import queries as transcript_queries

Row = TypeVar("Row")
LimitedKey = tuple[int, int]

ByIds = Callable[[Viewer, list[int]], Awaitable[dict[int, Row]]]
ManyByIds = Callable[[Viewer, list[int]], Awaitable[dict[int, list[Row]]]]
FirstNByIds = Callable[[Viewer, list[int], int], Awaitable[dict[int, list[Row]]]]
PageKey = tuple[int, PageRequest]
PagesByIds = Callable[[Viewer, list[int], PageRequest], Awaitable[dict[int, Page[Row]]]]


def _one_each(viewer: Viewer, fetch: ByIds[Row]) -> DataLoader[int, Row | None]:
    async def load(ids: list[int]) -> list[Row | None]:
        found = await fetch(viewer, ids)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _each_or(viewer: Viewer, fetch: ByIds[Row], missing: Row) -> DataLoader[int, Row]:
    async def load(ids: list[int]) -> list[Row]:
        found = await fetch(viewer, ids)
        return [found.get(i, missing) for i in ids]

    return DataLoader(load_fn=load)


def _many_each(viewer: Viewer, fetch: ManyByIds[Row]) -> DataLoader[int, list[Row]]:
    async def load(ids: list[int]) -> list[list[Row]]:
        found = await fetch(viewer, ids)
        return [found.get(i, []) for i in ids]

    return DataLoader(load_fn=load)


def _first_n_each(viewer: Viewer, fetch: FirstNByIds[Row]) -> DataLoader[LimitedKey, list[Row]]:
    async def load(keys: list[LimitedKey]) -> list[list[Row]]:
        ids_by_limit: dict[int, list[int]] = defaultdict(list)
        for parent_id, limit in keys:
            ids_by_limit[limit].append(parent_id)
        found: dict[LimitedKey, list[Row]] = {}
        # One query per distinct limit: a document rarely asks for more than one.
        for limit, parent_ids in ids_by_limit.items():
            for parent_id, first in (await fetch(viewer, parent_ids, limit)).items():
                found[(parent_id, limit)] = first
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def _page_each(viewer: Viewer, fetch: PagesByIds[Row]) -> DataLoader[PageKey, Page[Row]]:
    async def load(keys: list[PageKey]) -> list[Page[Row]]:
        ids_by_request: dict[PageRequest, list[int]] = defaultdict(list)
        for parent_id, request in keys:
            ids_by_request[request].append(parent_id)
        found: dict[PageKey, Page[Row]] = {}
        # One batch per distinct page asked for: a document rarely asks for more than one.
        for request, parent_ids in ids_by_request.items():
            for parent_id, page in (await fetch(viewer, parent_ids, request)).items():
                found[(parent_id, request)] = page
        return [found.get(key, Page(rows=[], start=0, total=0)) for key in keys]

    return DataLoader(load_fn=load)


class ContentLoaders:
    """Every content loader of one request, each built the first time a field asks for it.

    A request uses a few of the twenty; building them all cost every request, even
    `{ __typename }`, a loader and a closure apiece.
    """

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @classmethod
    def for_viewer(cls, viewer: Viewer) -> ContentLoaders:
        """Fresh loaders, with empty caches, that read as `viewer`."""
        return cls(viewer)

    @cached_property
    def event_by_id(self) -> DataLoader[int, models.Event | None]:
        return _one_each(self.viewer, queries.events_by_ids)

    @cached_property
    def person_by_id(self) -> DataLoader[int, rows.PersonRow | None]:
        return _one_each(self.viewer, queries.people_by_ids)

    @cached_property
    def committee_by_id(self) -> DataLoader[int, rows.CommitteeRow | None]:
        return _one_each(self.viewer, queries.committees_by_ids)

    @cached_property
    def topic_by_id(self) -> DataLoader[int, models.Topic | None]:
        return _one_each(self.viewer, queries.topics_by_ids)

    @cached_property
    def organisation_by_id(self) -> DataLoader[int, models.Organisation | None]:
        return _one_each(self.viewer, queries.organisations_by_ids)

    @cached_property
    def recording_by_id(self) -> DataLoader[int, models.Recording | None]:
        return _one_each(self.viewer, queries.recordings_by_ids)

    @cached_property
    def relations_by_event(self) -> DataLoader[int, rows.EventRelations]:
        return _each_or(self.viewer, queries.relations_by_event_ids, rows.NO_RELATIONS)

    @cached_property
    def organisations_by_event(self) -> DataLoader[int, list[models.EventOrganisation]]:
        return _many_each(self.viewer, queries.organisations_by_event_ids)

    @cached_property
    def recordings_by_event(self) -> DataLoader[int, list[models.Recording]]:
        return _many_each(self.viewer, queries.recordings_by_event_ids)

    @cached_property
    def affiliations_by_person(self) -> DataLoader[int, list[models.PersonAffiliation]]:
        return _many_each(self.viewer, queries.affiliations_by_person_ids)

    @cached_property
    def members_by_committee(self) -> DataLoader[int, list[models.CommitteeMember]]:
        return _many_each(self.viewer, queries.members_by_committee_ids)

    @cached_property
    def revisions_by_event(self) -> DataLoader[int, list[models.EventRevision]]:
        return _many_each(self.viewer, queries.revisions_by_event_ids)

    @cached_property
    def events_by_committee(self) -> DataLoader[LimitedKey, list[models.Event]]:
        return _first_n_each(self.viewer, queries.events_by_committee_ids)

    @cached_property
    def events_by_topic(self) -> DataLoader[LimitedKey, list[models.Event]]:
        return _first_n_each(self.viewer, queries.events_by_topic_ids)

    @cached_property
    def events_by_person(self) -> DataLoader[LimitedKey, list[models.Event]]:
        return _first_n_each(self.viewer, queries.events_by_person_ids)

    @cached_property
    def participations_by_person(self) -> DataLoader[LimitedKey, list[models.Participation]]:
        return _first_n_each(self.viewer, queries.participations_by_person_ids)

    @cached_property
    def transcript_by_recording(self) -> DataLoader[int, models.Transcript | None]:
        return _one_each(self.viewer, transcript_queries.transcripts_by_recording_ids)

    @cached_property
    def segments_by_transcript(self) -> DataLoader[PageKey, Page[models.TranscriptSegment]]:
        return _page_each(self.viewer, transcript_queries.segment_pages_by_transcript_ids)
