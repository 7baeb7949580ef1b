"""DataLoaders for content, one set per request, each batching one read service.

The loaders close over the request's viewer and call the read services with
it, so a batch can never return something the viewer may not see. Loaders
for bounded lists are keyed by `(parent id, limit)`, and for paged ones by
`(parent id, page request)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ContentLoaders:
    """Every content loader of one request."""

    event_by_id: DataLoader[int, models.Event | None]
    person_by_id: DataLoader[int, rows.PersonRow | None]
    committee_by_id: DataLoader[int, rows.CommitteeRow | None]
    topic_by_id: DataLoader[int, models.Topic | None]
    organisation_by_id: DataLoader[int, models.Organisation | None]
    recording_by_id: DataLoader[int, models.Recording | None]

    relations_by_event: DataLoader[int, rows.EventRelations]
    organisations_by_event: DataLoader[int, list[models.EventOrganisation]]
    recordings_by_event: DataLoader[int, list[models.Recording]]
    affiliations_by_person: DataLoader[int, list[models.PersonAffiliation]]
    members_by_committee: DataLoader[int, list[models.CommitteeMember]]
    revisions_by_event: DataLoader[int, list[models.EventRevision]]

    events_by_committee: DataLoader[LimitedKey, list[models.Event]]
    events_by_topic: DataLoader[LimitedKey, list[models.Event]]
    events_by_person: DataLoader[LimitedKey, list[models.Event]]
    participations_by_person: DataLoader[LimitedKey, list[models.Participation]]

    transcript_by_recording: DataLoader[int, models.Transcript | None]
    segments_by_transcript: DataLoader[PageKey, Page[models.TranscriptSegment]]

    @classmethod
    def for_viewer(cls, viewer: Viewer) -> ContentLoaders:
        """Fresh loaders, with empty caches, that read as `viewer`."""
        return cls(
            event_by_id=_one_each(viewer, queries.events_by_ids),
            person_by_id=_one_each(viewer, queries.people_by_ids),
            committee_by_id=_one_each(viewer, queries.committees_by_ids),
            topic_by_id=_one_each(viewer, queries.topics_by_ids),
            organisation_by_id=_one_each(viewer, queries.organisations_by_ids),
            recording_by_id=_one_each(viewer, queries.recordings_by_ids),
            relations_by_event=_each_or(viewer, queries.relations_by_event_ids, rows.NO_RELATIONS),
            organisations_by_event=_many_each(viewer, queries.organisations_by_event_ids),
            recordings_by_event=_many_each(viewer, queries.recordings_by_event_ids),
            affiliations_by_person=_many_each(viewer, queries.affiliations_by_person_ids),
            members_by_committee=_many_each(viewer, queries.members_by_committee_ids),
            revisions_by_event=_many_each(viewer, queries.revisions_by_event_ids),
            events_by_committee=_first_n_each(viewer, queries.events_by_committee_ids),
            events_by_topic=_first_n_each(viewer, queries.events_by_topic_ids),
            events_by_person=_first_n_each(viewer, queries.events_by_person_ids),
            participations_by_person=_first_n_each(viewer, queries.participations_by_person_ids),
            transcript_by_recording=_one_each(
                viewer, transcript_queries.transcripts_by_recording_ids
            ),
            segments_by_transcript=_page_each(
                viewer, transcript_queries.segment_pages_by_transcript_ids
            ),
        )
