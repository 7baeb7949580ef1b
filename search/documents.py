"""Search documents built from the database: one per published event, one per person,
and one per transcript passage of a published event.

The field names below are the contract between the builders and every backend.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence

from search.backend import Document
from search.passages import Segment, Speaker, group_passages
from search.query import DocumentKind
from server.columns import column
from server.content.models import (
    CommitteeMember,
    Event,
    EventStatus,
    Person,
    Recording,
    Transcript,
    TranscriptSegment,
)
from server.content.rendering import render_markdown

SEARCHABLE_FIELDS: dict[str, float] = {
    # field: weight; the order is the ranking order of attributes (most important first)
    "title": 6.0,
    "name": 6.0,
    "topic_names": 3.0,
    "participant_names": 2.5,
    "speaker_names": 2.5,
    "committee_name": 2.0,
    "summary": 2.0,
    "affiliations": 1.5,
    "text": 1.0,
    "body": 1.0,
    "outcomes": 1.0,
    "bio": 1.0,
    "place": 1.0,
}
"""Text fields the query is matched against, and how much a match in each counts."""

FILTER_FIELDS = (
    "kind",
    "committee",
    "topics",
    "people",
    "platform",
    "year",
    "date",
    "event_id",
    "person_id",
)
"""Keyword and number fields that filters and facets use (lists are multi-valued)."""

LIST_FIELDS = frozenset(
    {"topic_names", "participant_names", "speaker_names", "affiliations", "topics", "people"}
)

HIGHLIGHT_FIELDS: dict[DocumentKind, tuple[str, ...]] = {
    DocumentKind.EVENT: ("title", "summary", "body", "outcomes", "participant_names"),
    DocumentKind.PERSON: ("name", "bio", "affiliations"),
    DocumentKind.TRANSCRIPT: ("text",),
}
"""The fields whose matches a hit shows as highlighted snippets, by kind."""

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(markdown: str | None) -> str:
    """The words of a Markdown text, without markup."""
    if not markdown:
        return ""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", render_markdown(markdown)))).strip()


def _blank(kind: DocumentKind, doc_id: str) -> Document:
    document: Document = {"id": doc_id, "kind": kind.value}
    for name in SEARCHABLE_FIELDS:
        document[name] = [] if name in LIST_FIELDS else ""
    document.update(
        committee=None,
        topics=[],
        people=[],
        platform=None,
        year=None,
        date=None,
        event_id=None,
        person_id=None,
        recording_id=None,
        start_ms=None,
        end_ms=None,
        speaker_ids=[],
        cues=[],
        event_title=None,
    )
    return document


def event_document_id(event_id: int) -> str:
    return f"event-{event_id}"


def person_document_id(person_id: int) -> str:
    return f"person-{person_id}"


def passage_document_id(recording_id: int, start_ms: int) -> str:
    return f"passage-{recording_id}-{start_ms}"


EVENT_RELATIONS = (
    "committee",
    "topic_links__topic",
    "participations__person",
    "recordings__transcript",
)
"""Everything an event's documents are built from but the transcript segments (see
`_segments_of`), fetched in one query per relation."""


def _event_fields(event: Event) -> Document:
    topics = sorted(event.topic_links, key=lambda link: link.position)
    participants = sorted(event.participations, key=lambda p: p.position)
    people = list(dict.fromkeys(p.person.slug for p in participants))
    return {
        "event_id": event.id,
        "committee": event.committee.slug if event.committee else None,
        "committee_name": event.committee.name if event.committee else "",
        "topics": [link.topic.slug for link in topics],
        "topic_names": [link.topic.name for link in topics],
        "people": people,
        "platform": event.platform.value if event.platform else None,
        "year": event.start_date.year,
        "date": int(event.start_date.strftime("%Y%m%d")),
        "event_title": event.title,
    }


def _transcript_of(recording: Recording) -> Transcript | None:
    """The recording's prefetched transcript, or None when it has none."""
    transcript = getattr(recording, "transcript", None)
    return transcript if isinstance(transcript, Transcript) else None


def documents_of_event(event: Event, segments: Mapping[int, Sequence[Segment]]) -> list[Document]:
    """The documents of a published event fetched with EVENT_RELATIONS, with its
    transcripts' `segments` by transcript id."""
    shared = _event_fields(event)
    participants = sorted(event.participations, key=lambda p: p.position)
    document = _blank(DocumentKind.EVENT, event_document_id(event.id))
    document.update(shared)
    document.update(
        title=event.title,
        summary=event.summary,
        body=plain_text(event.body),
        outcomes=plain_text(event.outcomes),
        place=event.place or "",
        participant_names=list(dict.fromkeys(p.person.name for p in participants)),
    )
    documents = [document]
    for recording in sorted(event.recordings, key=lambda r: r.position):
        if (transcript := _transcript_of(recording)) is not None:
            documents.extend(
                passage_documents(recording.id, segments.get(transcript.id, ()), shared)
            )
    return documents


def passage_documents(
    recording_id: int, segments: Sequence[Segment], shared: Document
) -> list[Document]:
    """The passage documents of a recording's transcript `segments`, with the fields
    its event's documents share."""
    documents = []
    for passage in group_passages(segments):
        document = _blank(
            DocumentKind.TRANSCRIPT, passage_document_id(recording_id, passage.start_ms)
        )
        document.update(shared)
        speaker_slugs = [slug for _, _, slug in passage.speakers if slug]
        document.update(
            text=passage.text,
            speaker_names=[name for name, _, _ in passage.speakers],
            speaker_ids=[person_id for _, person_id, _ in passage.speakers],
            cues=passage.cues,
            people=list(dict.fromkeys([*speaker_slugs, *shared["people"]])),
            recording_id=recording_id,
            start_ms=passage.start_ms,
            end_ms=passage.end_ms,
        )
        documents.append(document)
    return documents


PERSON_RELATIONS = ("affiliations__organisation", "memberships__committee")


def document_of_person(person: Person) -> Document:
    """The document of a person fetched with PERSON_RELATIONS."""
    affiliations = []
    for affiliation in sorted(person.affiliations, key=lambda a: a.position):
        parts = [
            affiliation.title,
            affiliation.organisation.name if affiliation.organisation else None,
        ]
        affiliations.append(", ".join(part for part in parts if part))
    memberships: list[CommitteeMember] = sorted(person.memberships, key=lambda m: m.id)
    document = _blank(DocumentKind.PERSON, person_document_id(person.id))
    document.update(
        name=person.name,
        bio=person.bio,
        affiliations=affiliations,
        people=[person.slug],
        person_id=person.id,
        committee=memberships[0].committee.slug if memberships else None,
    )
    return document


async def event_documents(event_ids: Sequence[int]) -> list[Document]:
    """The documents of these events that are published (events, then their passages),
    fetched in one query per relation."""
    if not event_ids:
        return []
    events = await Event.filter(
        id__in=list(event_ids), status=EventStatus.PUBLISHED
    ).prefetch_related(*EVENT_RELATIONS)
    segments = await _segments_of(
        [
            transcript.id
            for event in events
            for recording in event.recordings
            if (transcript := _transcript_of(recording)) is not None
        ]
    )
    documents: list[Document] = []
    for event in sorted(events, key=lambda e: e.id):
        documents.extend(documents_of_event(event, segments))
    return documents


async def _segments_of(transcript_ids: Sequence[int]) -> dict[int, list[Segment]]:
    """The segments of these transcripts, by transcript id, in two queries."""
    if not transcript_ids:
        return {}
    rows = await TranscriptSegment.filter(transcript_id__in=list(transcript_ids)).values_list(
        "transcript_id", "position", "start_ms", "end_ms", "text", "speaker_label", "speaker_id"
    )
    speaker_ids = {row[6] for row in rows if row[6] is not None}
    speakers = (
        {
            row[0]: Speaker(*row)
            for row in await Person.filter(id__in=list(speaker_ids)).values_list(
                "id", "name", "slug"
            )
        }
        if speaker_ids
        else {}
    )
    found: dict[int, list[Segment]] = defaultdict(list)
    for transcript_id, position, start, end, text, label, speaker_id in rows:
        speaker = speakers.get(speaker_id) if speaker_id is not None else None
        found[transcript_id].append(Segment(position, start, end, text, label, speaker))
    return found


async def person_documents(person_ids: Sequence[int]) -> tuple[list[Document], list[int]]:
    """The documents of these people, fetched in one query per relation, and the ids of
    the people who no longer exist."""
    if not person_ids:
        return [], []
    people = {
        p.id: p
        for p in await Person.filter(id__in=list(person_ids)).prefetch_related(*PERSON_RELATIONS)
    }
    found = [document_of_person(people[i]) for i in sorted(person_ids) if i in people]
    return found, [i for i in sorted(person_ids) if i not in people]


async def documents_for(
    event_ids: Sequence[int], person_ids: Sequence[int]
) -> tuple[list[Document], list[int]]:
    """The documents of these events and people, and the ids of the people who no
    longer exist."""
    people, gone = await person_documents(person_ids)
    return [*await event_documents(event_ids), *people], gone


async def all_documents(batch_size: int = 200) -> AsyncIterator[list[Document]]:
    """Every document the database should have in the index, in batches of
    `batch_size` events, then of `batch_size` people."""
    event_ids = await column(Event.filter(status=EventStatus.PUBLISHED).order_by("id"), "id")
    for start in range(0, len(event_ids), batch_size):
        yield await event_documents(event_ids[start : start + batch_size])
    person_ids = await column(Person.all().order_by("id"), "id")
    for start in range(0, len(person_ids), batch_size):
        yield (await person_documents(person_ids[start : start + batch_size]))[0]
