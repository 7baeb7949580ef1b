"""What a seed keeps: stored list entries a record's file does not state, written back with it.

A plain `cms seed` adds and updates what the files state and removes nothing: the
entries of a record's lists (an event's dates, topics, participants, partners and
recordings; a person's affiliations and links; a committee's members) that the
database holds and the file does not are kept after the file's own, and so are a
recording's URL and platform where the file gives none. Each is a `Leftover`, which
the seed report counts; `cms seed --prune` leaves them out, so the record ends up as
its file says, and lists them as removed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from server.columns import column
from server.content.models import Committee, Event, Person, Recording, Transcript
from server.content.services import CommitteeInput, EventInput, PersonInput, RecordingInput
from server.content.services.editing import get_by_slug
from server.content.services.stored import stored_committee, stored_event, stored_person
from server.content.services.validation import clean_optional

EntryT = TypeVar("EntryT")


@dataclass(frozen=True)
class Leftover:
    """Something stored on a record that its seed file does not state: kept, or pruned."""

    kind: str
    slug: str
    item: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} '{self.slug}': {self.item} {self.detail}"


Keep = Callable[[Any, bool], Awaitable[tuple[Any, list[Leftover]]]]
"""(the input a file states, prune) -> (the input to write, what the file leaves out)."""


def _unstated(
    stated: Sequence[EntryT], stored: Sequence[EntryT], key: Callable[[EntryT], Hashable]
) -> list[EntryT]:
    """The stored entries whose key no stated entry has, in their stored order."""
    keys = {key(entry) for entry in stated}
    return [entry for entry in stored if key(entry) not in keys]


class _Merge:
    """Collects the leftovers of one record and appends them to its lists unless pruning."""

    def __init__(self, kind: str, slug: str, prune: bool) -> None:
        self.kind, self.slug, self.prune = kind, slug, prune
        self.leftovers: list[Leftover] = []

    def note(self, item: str, detail: str) -> None:
        self.leftovers.append(Leftover(self.kind, self.slug, item, detail))

    def lists(
        self,
        stated: Sequence[EntryT],
        stored: Sequence[EntryT],
        key: Callable[[EntryT], Hashable],
        item: str,
        describe: Callable[[EntryT], str],
    ) -> list[EntryT]:
        """The stated entries, then (unless pruning) the stored ones they leave out."""
        unstated = _unstated(stated, stored, key)
        for entry in unstated:
            self.note(item, describe(entry))
        return list(stated) if self.prune else [*stated, *unstated]


async def keep_person(data: PersonInput, prune: bool) -> tuple[PersonInput, list[Leftover]]:
    """The person as the file states them, plus stored affiliations and links it leaves out."""
    row = await get_by_slug(Person, data.slug)
    if row is None:
        return data, []
    stored = await stored_person(row)
    merge = _Merge("person", data.slug, prune)
    affiliations = merge.lists(
        data.affiliations,
        stored.affiliations,
        lambda a: (a.title, a.organisation),
        "affiliation",
        lambda a: ", ".join(f"'{part}'" for part in (a.title, a.organisation) if part),
    )
    links = merge.lists(
        data.links,
        stored.links,
        lambda link: link.url,
        "link",
        lambda link: f"'{link.label}' ({link.url})",
    )
    return replace(data, affiliations=affiliations, links=links), merge.leftovers


async def keep_committee(
    data: CommitteeInput, prune: bool
) -> tuple[CommitteeInput, list[Leftover]]:
    """The committee as the file states it, plus stored members it leaves out."""
    row = await get_by_slug(Committee, data.slug)
    if row is None:
        return data, []
    stored = await stored_committee(row)
    merge = _Merge("committee", data.slug, prune)
    members = merge.lists(
        data.members,
        stored.members,
        lambda m: (m.person, m.role),
        "member",
        lambda m: f"'{m.person}' as {m.role}",
    )
    return replace(data, members=members), merge.leftovers


async def keep_event(data: EventInput, prune: bool) -> tuple[EventInput, list[Leftover]]:
    """The event as the file states it, plus the stored list entries it leaves out."""
    row = await get_by_slug(Event, data.slug)
    if row is None:
        return data, []
    stored = await stored_event(row)
    merge = _Merge("event", data.slug, prune)
    dates = merge.lists(
        data.dates, stored.dates, lambda day: day, "date", lambda day: day.isoformat()
    )
    topics = merge.lists(data.topics, stored.topics, lambda slug: slug, "topic", lambda s: f"'{s}'")
    participants = merge.lists(
        data.participants,
        stored.participants,
        lambda p: (p.person, p.role),
        "participant",
        lambda p: f"'{p.person}' as {p.role.value}",
    )
    organisations = merge.lists(
        data.organisations,
        stored.organisations,
        lambda o: o.organisation,
        "organisation",
        lambda o: f"'{o.organisation}'",
    )
    recordings = await _recordings(merge, row, data.recordings or [])
    merged = replace(
        data,
        dates=sorted(dates),
        topics=topics,
        participants=participants,
        organisations=organisations,
        recordings=recordings,
    )
    return merged, merge.leftovers


def _recording_name(position: int, row: Recording) -> str:
    return f"{position + 1} '{row.title}'"


async def _recordings(
    merge: _Merge, event: Event, stated: list[RecordingInput]
) -> list[RecordingInput]:
    """The stated recordings, matched to the stored ones by position, with what they leave out.

    A stated recording without a URL or platform keeps the stored one (a URL added by
    `cms recordings set-url` or the API); stored recordings past the stated ones are kept
    with their transcripts.
    """
    rows = await Recording.filter(event_id=event.id).order_by("position", "id")
    transcribed = set(await column(Transcript.filter(recording__event_id=event.id), "recording_id"))
    recordings: list[RecordingInput] = []
    for position, recording in enumerate(stated):
        row = rows[position] if position < len(rows) else None
        if row is not None and row.url is not None and clean_optional(recording.url) is None:
            merge.note("recording URL", f"of recording {_recording_name(position, row)}: {row.url}")
            if not merge.prune:
                recording = replace(recording, url=row.url)
        if row is not None and row.platform is not None and recording.platform is None:
            merge.note(
                "recording platform",
                f"of recording {_recording_name(position, row)}: {row.platform.value}",
            )
            if not merge.prune:
                recording = replace(recording, platform=row.platform)
        recordings.append(recording)
    for position, row in enumerate(rows[len(stated) :], start=len(stated)):
        url = f" ({row.url})" if row.url else ""
        transcript = ", with its transcript" if row.id in transcribed else ""
        merge.note("recording", f"{_recording_name(position, row)}{url}{transcript}")
        if not merge.prune:
            recordings.append(RecordingInput(title=row.title, platform=row.platform, url=row.url))
    return recordings
