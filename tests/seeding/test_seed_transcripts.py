"""Transcripts in seed files: checked with everything else, loaded in the same run, idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from server.content.models import Event, Recording, Transcript, TranscriptSegment
from server.database import Database
from server.indexing.models import IndexKind, IndexMarker
from tests.factories import make_person
from tests.seeding.conftest import CmsRunner, edit, row_counts, seed_files
from tests.seeding.test_seed_command import database_snapshot

TRANSCRIPT_SEEDS = Path(__file__).resolve().parent.parent / "data" / "transcript_seeds"
"""A made-up event whose recording references a made-up transcript, in canonical form."""

EVENT = "events/harbour-lights-forum.md"
TRANSCRIPT = "transcripts/harbour-lights-forum-1.vtt"
REFERENCE = (
    "    transcript:\n      file: transcripts/harbour-lights-forum-1.vtt\n      language: en\n"
)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A scratch copy of the transcript seeds that a test may edit."""
    return Path(shutil.copytree(TRANSCRIPT_SEEDS, tmp_path / "seeds"))


async def _texts() -> list[Any]:
    return await TranscriptSegment.all().order_by("position").values_list("text", flat=True)


async def _index_generation() -> int:
    """How many times the forum has been marked for re-indexing."""
    marker = await IndexMarker.get_or_none(
        kind=IndexKind.EVENT, object_id=(await Event.get(slug="harbour-lights-forum")).id
    )
    return marker.generation if marker else 0


async def test_seeding_stores_the_transcript_a_recording_references(
    cms: CmsRunner, seeds: Path
) -> None:
    result = await cms("seed", str(seeds))

    assert result.exit_code == 0, result.output
    transcript = await Transcript.get(recording__event__slug="harbour-lights-forum")
    assert (transcript.language, transcript.source_name) == ("en", TRANSCRIPT)
    assert await _texts() == [
        "Welcome to the Harbour Lights forum.",
        "Thank you. Our reading room opened\nin the old ferry office & it is full every Saturday.",
        "We lend tools as well as books.",
        "Applause.",
    ]


async def test_reseeding_an_unchanged_transcript_changes_nothing(
    cms: CmsRunner, seeds: Path
) -> None:
    await cms("seed", str(seeds))
    before = await database_snapshot()
    generation = await _index_generation()

    result = await cms("seed", str(seeds))

    assert result.exit_code == 0, result.output
    assert "events: 0 created, 0 updated, 1 unchanged" in result.output
    assert await database_snapshot() == before
    assert await _index_generation() == generation


async def test_editing_a_transcript_file_updates_its_event(cms: CmsRunner, seeds: Path) -> None:
    await cms("seed", str(seeds))
    generation = await _index_generation()
    edit(seeds / TRANSCRIPT, "We lend tools as well as books.", "We lend tools and books.")

    result = await cms("seed", str(seeds))

    assert "events: 0 created, 1 updated, 0 unchanged" in result.output
    assert (await _texts())[2] == "We lend tools and books."
    assert await _index_generation() == generation + 1


async def test_a_bad_transcript_file_is_named_with_its_line_and_nothing_is_written(
    cms: CmsRunner, seeds: Path
) -> None:
    edit(seeds / TRANSCRIPT, "00:00:09.250 --> 00:00:12.000", "00:00:08.000 --> 00:00:12.000")

    result = await cms("seed", str(seeds))

    assert result.exit_code == 1
    assert (
        f"{seeds / TRANSCRIPT}: the cue starts at 00:00:08.000, before the previous cue (line 6) "
        "ends at 00:00:09.250; cues must not overlap (line 10)"
    ) in result.output
    assert "1 problem in the seed files; nothing was written." in result.output
    assert set((await row_counts()).values()) == {0}


async def test_a_missing_transcript_file_is_named_where_the_event_references_it(
    cms: CmsRunner, seeds: Path
) -> None:
    edit(seeds / EVENT, "file: transcripts/harbour", "file: transcripts/lost-harbour")

    result = await cms("seed", str(seeds))

    assert result.exit_code == 1
    assert (
        f"{seeds / EVENT}: event 'harbour-lights-forum': recordings[0].transcript.file: "
        f"no such file: {seeds / 'transcripts/lost-harbour-lights-forum-1.vtt'} (line 23)"
    ) in result.output


async def test_a_transcript_path_must_stay_inside_the_seed_directory(
    cms: CmsRunner, seeds: Path
) -> None:
    edit(seeds / EVENT, "file: transcripts/", "file: ../transcripts/")
    edit(seeds / EVENT, "language: en", "language: not a language")

    result = await cms("seed", str(seeds))

    assert result.exit_code == 1
    assert (
        "recordings[0].transcript.file: '../transcripts/harbour-lights-forum-1.vtt' "
        "must be a path inside the seed directory"
    ) in result.output
    assert (
        "recordings[0].transcript.language: 'not a language' is not a language tag"
    ) in result.output


async def test_seeded_speakers_are_linked_to_people_of_that_name(
    cms: CmsRunner, db: Database, seeds: Path
) -> None:
    ines = await make_person(slug="ines-marrow", name="Ines Marrow")

    await cms("seed", str(seeds))

    linked = await TranscriptSegment.filter(speaker_id__not_isnull=True).values_list(
        "speaker_id", "speaker_label"
    )
    assert linked == [(ines.id, "Ines Marrow")]


async def test_leaving_the_transcript_out_keeps_it_and_null_removes_it(
    cms: CmsRunner, seeds: Path
) -> None:
    await cms("seed", str(seeds))
    edit(seeds / EVENT, REFERENCE, "")

    kept = await cms("seed", str(seeds))

    assert "events: 0 created, 0 updated, 1 unchanged" in kept.output
    assert await Transcript.all().count() == 1

    edit(seeds / EVENT, "    url: null\n", "    url: null\n    transcript: null\n")
    removed = await cms("seed", str(seeds))

    assert "events: 0 created, 1 updated, 0 unchanged" in removed.output
    assert await Transcript.all().count() == 0
    assert await TranscriptSegment.all().count() == 0
    assert await Recording.all().count() == 1


async def test_an_srt_transcript_is_exported_as_canonical_webvtt(
    cms: CmsRunner, seeds: Path, tmp_path: Path
) -> None:
    (seeds / TRANSCRIPT).unlink()
    shutil.copy(
        Path(__file__).parent.parent / "data/transcripts/harbour-forum.srt", seeds / "forum.srt"
    )
    edit(seeds / EVENT, "file: transcripts/harbour-lights-forum-1.vtt", "file: forum.srt")
    assert (await cms("seed", str(seeds))).exit_code == 0

    result = await cms("export", str(tmp_path / "out"))

    assert result.exit_code == 0, result.output
    assert seed_files(tmp_path / "out") == seed_files(TRANSCRIPT_SEEDS)
