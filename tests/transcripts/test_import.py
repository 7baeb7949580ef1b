"""Importing a transcript onto an event's recording: found or made, then replaced whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from strawberry.relay import to_base64

from server.auth.viewer import ANONYMOUS, SYSTEM
from server.content.errors import (
    NotFound,
    PermissionDenied,
    RecordingNotChosen,
    ValidationFailed,
)
from server.content.models import Event, Recording, Transcript, TranscriptSegment
from server.content.services import Change
from server.database import Database
from server.indexing.models import IndexKind, IndexMarker
from server.transcripts import TranscriptFileError, import_transcript
from tests.factories import make_event, make_person
from tests.transcripts.conftest import BAD, HARBOUR_SRT, HARBOUR_VTT

THANKS = "Thank you. Our reading room opened\nin the old ferry office & it is full every Saturday."
SHORT_VTT = """WEBVTT

00:00:02.000 --> 00:00:05.000
<v Wren Halloway>Shorter, this time.
"""


async def _segments(recording: Recording) -> list[tuple[Any, ...]]:
    return list(
        await TranscriptSegment.filter(transcript__recording_id=recording.id)
        .order_by("position")
        .values_list("position", "start_ms", "end_ms", "speaker_label", "text")
    )


async def _marker_generation(event: Event) -> int:
    marker = await IndexMarker.get_or_none(kind=IndexKind.EVENT, object_id=event.id)
    return marker.generation if marker else 0


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def test_an_event_without_recordings_gets_one_for_the_transcript(db: Database) -> None:
    event = await make_event(slug="harbour-lights-forum")

    result = await import_transcript(SYSTEM, "harbour-lights-forum", HARBOUR_VTT)

    recording = await Recording.get(event=event)
    assert (recording.title, recording.url, recording.platform) == ("Recording", None, None)
    assert (result.recording_created, result.change, result.segments) == (True, Change.CREATED, 4)
    assert await _segments(recording) == [
        (0, 1000, 4500, "Wren Halloway", "Welcome to the Harbour Lights forum."),
        (1, 5000, 9250, "Tobiah Quell", THANKS),
        (2, 9250, 12000, "Ines Marrow", "We lend tools as well as books."),
        (3, 13000, 15000, None, "Applause."),
    ]
    transcript = await Transcript.get(recording=recording)
    assert (transcript.language, transcript.source_name) == ("en", "harbour-forum.vtt")


async def test_without_a_target_the_event_s_only_recording_gets_the_transcript(
    db: Database,
) -> None:
    event = await make_event(recordings=["Full forum"])

    result = await import_transcript(SYSTEM, event.slug, HARBOUR_SRT, language="en-GB")

    assert (result.recording.title, result.recording_created) == ("Full forum", False)
    assert await Transcript.filter(recording__event=event).values_list("language", flat=True) == [
        "en-GB"
    ]


SEVERAL = [
    {"title": "Part one", "url": None},
    {"title": "Part two", "url": None},
    {"title": "Questions", "url": "https://video.example.org/questions"},
]


@pytest.mark.parametrize(
    "target", ["Part two", "part TWO", "https://video.example.org/questions", "by id"]
)
async def test_a_recording_is_named_by_its_title_its_url_or_its_global_id(
    db: Database, target: str
) -> None:
    event = await make_event(recordings=SEVERAL)
    rows = await Recording.filter(event=event).order_by("position")
    expected = rows[2] if target.startswith("https") else rows[1]
    if target == "by id":
        target = to_base64("Recording", expected.id)

    result = await import_transcript(SYSTEM, event.slug, HARBOUR_VTT, recording=target)

    assert (result.recording.id, result.recording_created) == (expected.id, False)
    assert await Transcript.filter(recording__event=event).values_list(
        "recording_id", flat=True
    ) == [expected.id]


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (None, "event 'event-x' has 3 recordings; say which one"),
        ("Part three", "event 'event-x' has no recording with URL, title or ID 'Part three'"),
        ("part one", "'part one' names 2 recordings of event 'event-x'"),
    ],
)
async def test_an_unknown_or_ambiguous_recording_lists_the_event_s_recordings(
    db: Database, target: str | None, reason: str
) -> None:
    recordings = [*SEVERAL, {"title": "Part One", "url": None}] if target == "part one" else SEVERAL
    event = await make_event(slug="event-x", recordings=recordings)
    rows = await Recording.filter(event=event).order_by("position")
    ids = [to_base64("Recording", row.id) for row in rows]

    with pytest.raises(RecordingNotChosen) as raised:
        await import_transcript(SYSTEM, event.slug, HARBOUR_VTT, recording=target)

    assert str(raised.value) == reason
    assert raised.value.lines()[:3] == [
        f"  1. 'Part one'  url: (none)  id: {ids[0]}",
        f"  2. 'Part two'  url: (none)  id: {ids[1]}",
        f"  3. 'Questions'  url: https://video.example.org/questions  id: {ids[2]}",
    ]
    assert await Transcript.all().count() == 0


async def test_a_url_picks_the_event_s_recording_at_that_url(db: Database) -> None:
    event = await make_event(
        recordings=[
            {"title": "Part one", "url": "https://video.example.org/1"},
            {"title": "Part two", "url": "https://video.example.org/2"},
        ]
    )

    result = await import_transcript(
        SYSTEM, event.slug, HARBOUR_VTT, recording_url="https://video.example.org/2"
    )

    assert (result.recording.title, result.recording_created) == ("Part two", False)


async def test_a_url_no_recording_has_adds_a_recording_after_the_others(db: Database) -> None:
    event = await make_event(recordings=["Full forum"])

    result = await import_transcript(
        SYSTEM, event.slug, HARBOUR_VTT, recording_url="https://video.example.org/3"
    )

    recordings = await Recording.filter(event=event).order_by("position")
    assert [(r.title, r.url, r.position) for r in recordings] == [
        ("Full forum", None, 0),
        ("Recording", "https://video.example.org/3", 1),
    ]
    assert result.recording_created


async def test_importing_again_replaces_every_segment(db: Database, tmp_path: Path) -> None:
    event = await make_event()
    first = await import_transcript(SYSTEM, event.slug, HARBOUR_VTT)

    again = await import_transcript(SYSTEM, event.slug, _write(tmp_path, "short.vtt", SHORT_VTT))

    assert again.change is Change.UPDATED
    assert await _segments(first.recording) == [
        (0, 2000, 5000, "Wren Halloway", "Shorter, this time.")
    ]
    assert await Transcript.filter(recording__event=event).count() == 1


async def test_importing_the_same_file_again_changes_nothing(db: Database) -> None:
    event = await make_event()
    first = await import_transcript(SYSTEM, event.slug, HARBOUR_VTT)
    transcript = await Transcript.get(recording=first.recording)
    segment_ids = await TranscriptSegment.all().order_by("id").values_list("id", flat=True)
    generation = await _marker_generation(event)

    again = await import_transcript(SYSTEM, event.slug, HARBOUR_VTT)

    assert again.change is Change.UNCHANGED
    assert (await Transcript.get(id=transcript.id)).updated_at == transcript.updated_at
    assert await TranscriptSegment.all().order_by("id").values_list("id", flat=True) == segment_ids
    assert await _marker_generation(event) == generation


async def test_a_bad_file_writes_nothing_and_leaves_the_old_transcript(db: Database) -> None:
    event = await make_event()
    first = await import_transcript(SYSTEM, event.slug, HARBOUR_VTT)
    before = await _segments(first.recording)
    generation = await _marker_generation(event)

    with pytest.raises(TranscriptFileError) as caught:
        await import_transcript(SYSTEM, event.slug, BAD / "overlapping.vtt")

    assert caught.value.problems[0].line == 6
    assert await _segments(first.recording) == before
    assert await _marker_generation(event) == generation


async def test_a_bad_file_does_not_create_a_recording(db: Database) -> None:
    event = await make_event()

    with pytest.raises(TranscriptFileError):
        await import_transcript(SYSTEM, event.slug, BAD / "empty.vtt")

    assert await Recording.filter(event=event).count() == 0


async def test_a_failure_while_writing_rolls_the_whole_import_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = await make_event()
    first = await import_transcript(SYSTEM, event.slug, HARBOUR_VTT)
    before = await _segments(first.recording)

    async def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(TranscriptSegment, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        await import_transcript(SYSTEM, event.slug, _write(tmp_path, "short.vtt", SHORT_VTT))

    assert await _segments(first.recording) == before


async def test_speakers_are_linked_to_the_person_of_that_name_ignoring_case(
    db: Database, tmp_path: Path
) -> None:
    wren = await make_person(slug="wren-halloway", name="Wren Halloway")
    await make_person(slug="tobiah-quell", name="Tobiah Quell")
    await make_person(slug="tobiah-quell-2", name="TOBIAH QUELL")
    event = await make_event()
    path = _write(
        tmp_path,
        "panel.vtt",
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:02.000\n<v wren HALLOWAY>Welcome.\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Tobiah Quell>Thank you.\n",
    )

    result = await import_transcript(SYSTEM, event.slug, path)

    segments = await TranscriptSegment.all().order_by("position")
    assert [(s.speaker_id, s.speaker_label) for s in segments] == [
        (wren.id, "wren HALLOWAY"),  # the name as written is kept
        (None, "Tobiah Quell"),  # two people have that name: nobody is linked
    ]
    assert result.speakers == {"wren HALLOWAY": "wren-halloway", "Tobiah Quell": None}


async def test_the_import_marks_the_event_for_reindexing(db: Database) -> None:
    event = await make_event()

    await import_transcript(SYSTEM, event.slug, HARBOUR_VTT)

    assert await _marker_generation(event) >= 1


async def test_an_unknown_event_is_refused(db: Database) -> None:
    with pytest.raises(NotFound, match="no event with slug 'no-such-event'"):
        await import_transcript(SYSTEM, "no-such-event", HARBOUR_VTT)


async def test_a_bad_language_or_recording_url_is_refused(db: Database) -> None:
    event = await make_event()

    with pytest.raises(ValidationFailed) as caught:
        await import_transcript(
            SYSTEM, event.slug, HARBOUR_VTT, recording_url="ftp://example.org", language="e n"
        )

    assert [error.field for error in caught.value.errors] == ["language", "recording_url"]


async def test_anonymous_callers_may_not_import(db: Database) -> None:
    event = await make_event()

    with pytest.raises(PermissionDenied):
        await import_transcript(ANONYMOUS, event.slug, HARBOUR_VTT)
