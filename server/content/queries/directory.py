"""Reading people, committees, topics and organisations: by slug, by page, and in batches.

None of these have a draft state, so every viewer sees all of them; the
viewer is still taken so that a rule can arrive later without changing callers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

from server.auth.viewer import Viewer
from server.content.models import (
    Committee,
    CommitteeMember,
    Organisation,
    Person,
    PersonAffiliation,
    Topic,
)
from server.content.queries.paging import Page, PageRequest, fetch_page

Entry = TypeVar("Entry", Committee, Organisation, Person, Topic)


async def _by_slug(model: type[Entry], slug: str) -> Entry | None:
    return await model.get_or_none(slug=slug)


async def _page(model: type[Entry], page: PageRequest | None) -> Page[Entry]:
    return await fetch_page(model.all().order_by("name", "id"), page or PageRequest())


async def _by_ids(model: type[Entry], ids: Iterable[int]) -> dict[int, Entry]:
    return {row.id: row for row in await model.filter(id__in=list(ids))}


async def get_person_by_slug(viewer: Viewer, slug: str) -> Person | None:
    """The person with this slug."""
    return await _by_slug(Person, slug)


async def list_people(viewer: Viewer, page: PageRequest | None = None) -> Page[Person]:
    """One page of people, by name."""
    return await _page(Person, page)


async def affiliations_by_person_ids(
    viewer: Viewer, person_ids: Sequence[int]
) -> dict[int, list[PersonAffiliation]]:
    """Each person's affiliations, in display order."""
    grouped: dict[int, list[PersonAffiliation]] = defaultdict(list)
    for affiliation in await PersonAffiliation.filter(person_id__in=person_ids).order_by(
        "person_id", "position", "id"
    ):
        grouped[affiliation.person_id].append(affiliation)
    return dict(grouped)


async def get_committee_by_slug(viewer: Viewer, slug: str) -> Committee | None:
    """The committee with this slug."""
    return await _by_slug(Committee, slug)


async def list_committees(viewer: Viewer, page: PageRequest | None = None) -> Page[Committee]:
    """One page of committees, by name."""
    return await _page(Committee, page)


async def members_by_committee_ids(
    viewer: Viewer, committee_ids: Sequence[int]
) -> dict[int, list[CommitteeMember]]:
    """Each committee's members, in display order."""
    grouped: dict[int, list[CommitteeMember]] = defaultdict(list)
    for member in await CommitteeMember.filter(committee_id__in=committee_ids).order_by(
        "committee_id", "position", "id"
    ):
        grouped[member.committee_id].append(member)
    return dict(grouped)


async def get_topic_by_slug(viewer: Viewer, slug: str) -> Topic | None:
    """The topic with this slug."""
    return await _by_slug(Topic, slug)


async def list_topics(viewer: Viewer, page: PageRequest | None = None) -> Page[Topic]:
    """One page of topics, by name."""
    return await _page(Topic, page)


async def topics_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, Topic]:
    """The topics among `ids`, by id."""
    return await _by_ids(Topic, ids)


async def get_organisation_by_slug(viewer: Viewer, slug: str) -> Organisation | None:
    """The organisation with this slug."""
    return await _by_slug(Organisation, slug)


async def list_organisations(viewer: Viewer, page: PageRequest | None = None) -> Page[Organisation]:
    """One page of organisations, by name."""
    return await _page(Organisation, page)


async def organisations_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, Organisation]:
    """The organisations among `ids`, by id."""
    return await _by_ids(Organisation, ids)
