"""A plain `cms seed` never removes what came from elsewhere; `--prune` does, and says what."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from search.embedded import EmbeddedBackend
from search.worker import SyncWorker
from server.auth.viewer import SYSTEM
from server.content.models import (
    CommitteeMember,
    Event,
    ParticipantRole,
    PersonAffiliation,
    Recording,
    Transcript,
    TranscriptSegment,
)
from server.content.services import ParticipantInput, add_participant
from server.database import Database
from tests.seeding.conftest import CONTENT_MODELS, CmsRunner, edit, seed_files
from tests.seeding.test_seed_command import database_snapshot
from tests.transcripts.conftest import HARBOUR_SRT, HARBOUR_VTT

TRANSCRIPT_SEEDS = Path(__file__).resolve().parent.parent / "data" / "transcript_seeds"
EVENT = "harbour-lights-forum"
URL = "https://video.example.org/forum-q-and-a"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A scratch copy of the transcript seeds: one event, one recording with its transcript."""
    return Path(shutil.copytree(TRANSCRIPT_SEEDS, tmp_path / "seeds"))


async def _import_second_recording(cms: CmsRunner) -> None:
    """What an editor does after seeding: a transcript for a recording the files do not know."""
    result = await cms(
        "transcripts",
        "import",
        "--event",
        EVENT,
        "--recording-url",
        URL,
        "--language",
        "en-GB",
        str(HARBOUR_SRT),
    )
    assert result.exit_code == 0, result.output


async def _recordings() -> list[tuple[str, str | None, bool]]:
    rows = await Recording.filter(event__slug=EVENT).order_by("position")
    transcribed = set(await Transcript.all().values_list("recording_id", flat=True))
    return [(row.title, row.url, row.id in transcribed) for row in rows]


async def test_seeding_again_keeps_an_imported_recording_and_its_transcript(
    cms: CmsRunner, seeds: Path
) -> None:
    await cms("seed", str(seeds))
    await _import_second_recording(cms)
    before = await database_snapshot()

    result = await cms("seed", str(seeds))

    assert result.exit_code == 0, result.output
    assert "events: 0 created, 0 updated, 1 unchanged" in result.output
    assert (
        "kept 1 recording not in the files; `cms seed --prune` removes them "
        "(add --dry-run to list them)"
    ) in result.output
    assert await _recordings() == [("Full forum", None, True), ("Recording", URL, True)]
    assert await database_snapshot() == before


async def test_prune_dry_run_lists_what_it_would_remove_and_writes_nothing(
    cms: CmsRunner, seeds: Path
) -> None:
    await cms("seed", str(seeds))
    await _import_second_recording(cms)
    before = await database_snapshot()

    result = await cms("seed", "--prune", "--dry-run", str(seeds))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-3:] == [
        "would remove 1 thing the files do not state:",
        f"  event '{EVENT}': recording 2 'Recording' ({URL}), with its transcript",
        "Dry run: the counts say what seeding would do; nothing was written.",
    ]
    assert await database_snapshot() == before


async def test_prune_removes_the_recording_its_transcript_and_its_passages_from_search(
    cms: CmsRunner, seeds: Path, tmp_path: Path
) -> None:
    backend = EmbeddedBackend(tmp_path / "search")
    await backend.open()
    try:
        await cms("seed", str(seeds))
        await _import_second_recording(cms)
        await SyncWorker(backend).drain()
        passages = {
            d["recording_id"] for d in await backend.documents() if d["kind"] == "transcript"
        }
        assert len(passages) == 2

        result = await cms("seed", "--prune", str(seeds))
        await SyncWorker(backend).drain()

        assert result.exit_code == 0, result.output
        assert "events: 0 created, 1 updated, 0 unchanged" in result.output
        assert f"  event '{EVENT}': recording 2 'Recording' ({URL}), with its transcript" in (
            result.output
        )
        assert await _recordings() == [("Full forum", None, True)]
        assert await Transcript.all().count() == 1
        kept = (await Recording.get(event__slug=EVENT)).id
        assert {
            d["recording_id"] for d in await backend.documents() if d["kind"] == "transcript"
        } == {kept}
    finally:
        await backend.close()


async def test_a_transcript_the_file_leaves_out_is_kept_and_prune_removes_it(
    cms: CmsRunner, seeds: Path
) -> None:
    edit(
        seeds / f"events/{EVENT}.md",
        "    transcript:\n      file: transcripts/harbour-lights-forum-1.vtt\n      language: en\n",
        "",
    )
    await cms("seed", str(seeds))
    imported = await cms("transcripts", "import", "--event", EVENT, str(HARBOUR_VTT))
    assert imported.exit_code == 0, imported.output

    kept = await cms("seed", str(seeds))

    assert "kept 1 transcript not in the files" in kept.output
    assert await TranscriptSegment.all().count() == 4

    pruned = await cms("seed", "--prune", str(seeds))

    assert f"  event '{EVENT}': transcript of recording 1 'Full forum'" in pruned.output
    assert await Transcript.all().count() == 0
    assert await TranscriptSegment.all().count() == 0
    assert await _recordings() == [("Full forum", None, False)]


async def test_a_url_given_to_a_seeded_recording_survives_seeding_and_prune_clears_it(
    cms: CmsRunner, seeds: Path
) -> None:
    await cms("seed", str(seeds))
    assert (
        await cms("recordings", "set-url", "--event", EVENT, "--recording", "Full forum", URL)
    ).exit_code == 0

    kept = await cms("seed", str(seeds))

    assert "events: 0 created, 0 updated, 1 unchanged" in kept.output
    assert "kept 1 recording URL not in the files" in kept.output
    assert await _recordings() == [("Full forum", URL, True)]

    pruned = await cms("seed", "--prune", str(seeds))

    assert f"  event '{EVENT}': recording URL of recording 1 'Full forum': {URL}" in pruned.output
    assert await _recordings() == [("Full forum", None, True)]


async def test_entries_added_in_the_api_are_kept_after_the_files_own(
    cms: CmsRunner, seed_copy: Path
) -> None:
    slug = "impunity-an-unchanging-rule-in-turkey"
    await cms("seed", str(seed_copy))
    event = await Event.get(slug=slug)
    moderator = ParticipantInput(person="antonio-stango", role=ParticipantRole.MODERATOR)
    await add_participant(SYSTEM, slug, moderator, version=event.version)

    result = await cms("seed", str(seed_copy))

    assert "kept 1 participant not in the files" in result.output
    event = await Event.get(slug=slug)
    last = await event.participations.all().order_by("-position").first().prefetch_related("person")
    assert (last.person.slug, last.role) == ("antonio-stango", ParticipantRole.MODERATOR)


async def test_imported_transcripts_survive_export_then_seed_into_an_empty_database_then_export(
    cms: CmsRunner, db: Database, seeds: Path, tmp_path: Path
) -> None:
    await cms("seed", str(seeds))
    # A WebVTT file with a cue id, cue settings and a voice class: export writes the
    # canonical form (the id kept), which survives seeding and exporting again unchanged.
    imported = await cms(
        "transcripts",
        "import",
        "--event",
        EVENT,
        "--recording-url",
        URL,
        "--language",
        "en-GB",
        str(HARBOUR_VTT),
    )
    assert imported.exit_code == 0, imported.output
    first = tmp_path / "first"
    assert (await cms("export", str(first))).exit_code == 0
    stored = await _segments()

    for model in CONTENT_MODELS:
        await model.all().delete()
    assert (await cms("seed", str(first))).exit_code == 0
    second = tmp_path / "second"
    assert (await cms("export", str(second))).exit_code == 0

    assert seed_files(second) == seed_files(first)
    exported = (first / f"events/{EVENT}.md").read_text(encoding="utf-8")
    assert (
        f"  - title: Recording\n    platform: null\n    url: {URL}\n    transcript:\n"
        f"      file: transcripts/{EVENT}-2.vtt\n      language: en-GB\n"
    ) in exported
    vtt = (first / f"transcripts/{EVENT}-2.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\nintro\n00:00:01.000 --> 00:00:04.500\n<v Wren Halloway>")
    assert await _segments() == stored
    assert [segment[-1] for segment in stored if segment[-1]] == ["intro"]


async def _segments() -> list[tuple[Any, ...]]:
    """Every transcript segment's times, text, speaker and cue id, in order."""
    return list(
        await TranscriptSegment.all()
        .order_by("transcript_id", "position")
        .values_list("start_ms", "end_ms", "text", "speaker_label", "cue_id")
    )


async def test_people_and_committees_keep_list_entries_their_files_leave_out(
    cms: CmsRunner, seed_copy: Path
) -> None:
    await cms("seed", str(seed_copy))
    edit(
        seed_copy / "people.yaml",
        "    - title: Professor of Human Rights\n      organisation: rome-link-campus-university\n",
        "",
    )
    edit(
        seed_copy / "committees.yaml",
        "  members:\n    - person: esra-kalkan\n      role: co-chair\n",
        "  members: []\n",
    )

    kept = await cms("seed", str(seed_copy))

    assert "kept 1 affiliation, 1 member not in the files" in kept.output
    assert await PersonAffiliation.filter(person__slug="antonio-stango").count() == 2
    assert await CommitteeMember.filter(committee__slug="human-rights-defenders").count() == 1

    dry = await cms("seed", "--prune", "--dry-run", str(seed_copy))

    assert dry.output.splitlines()[-4:-1] == [
        "would remove 2 things the files do not state:",
        (
            "  person 'antonio-stango': affiliation 'Professor of Human Rights', "
            "'rome-link-campus-university'"
        ),
        "  committee 'human-rights-defenders': member 'esra-kalkan' as co-chair",
    ]
    assert await CommitteeMember.filter(committee__slug="human-rights-defenders").count() == 1

    await cms("seed", "--prune", str(seed_copy))

    assert await PersonAffiliation.filter(person__slug="antonio-stango").count() == 1
    assert await CommitteeMember.filter(committee__slug="human-rights-defenders").count() == 0


async def test_the_real_seeds_keep_a_transcript_imported_onto_their_third_recording(
    cms: CmsRunner, seeds_dir: Path
) -> None:
    slug = "impunity-an-unchanging-rule-in-turkey"
    await cms("seed", str(seeds_dir))
    imported = await cms(
        "transcripts",
        "import",
        "--event",
        slug,
        "--recording",
        "Natacha Bracq’s presentation",
        str(HARBOUR_VTT),
    )
    assert imported.exit_code == 0, imported.output
    set_url = await cms(
        "recordings",
        "set-url",
        "--event",
        slug,
        "--recording",
        "Natacha Bracq’s presentation",
        "https://www.youtube.com/watch?v=bracq",
    )
    assert set_url.exit_code == 0, set_url.output

    result = await cms("seed", str(seeds_dir))

    assert "events: 0 created, 0 updated, 10 unchanged" in result.output
    assert "kept 1 recording URL, 1 transcript not in the files" in result.output
    third = await Recording.get(event__slug=slug, position=2).prefetch_related("transcript")
    assert (third.title, third.url) == (
        "Natacha Bracq’s presentation",
        "https://www.youtube.com/watch?v=bracq",
    )
    assert await TranscriptSegment.filter(transcript_id=third.transcript.id).count() == 4
