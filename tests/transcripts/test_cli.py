"""`cms transcripts import`: what it prints, and exit code 1 naming each problem."""

from __future__ import annotations

from strawberry.relay import to_base64

from server.content.models import Recording, TranscriptSegment
from server.database import Database
from tests.conftest import CmsRunner
from tests.factories import make_event, make_person
from tests.transcripts.conftest import BAD, HARBOUR_SRT, HARBOUR_VTT


async def test_an_import_says_what_it_did(cms: CmsRunner, db: Database) -> None:
    await make_event(slug="harbour-lights-forum")
    await make_person(slug="ines-marrow", name="Ines Marrow")

    result = await cms("transcripts", "import", "--event", "harbour-lights-forum", str(HARBOUR_SRT))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        (
            "Recording 'Recording' of event 'harbour-lights-forum' (created): "
            "transcript created, 4 segments"
        ),
        "  speaker Wren Halloway: kept as a label",
        "  speaker Tobiah Quell: kept as a label",
        "  speaker Ines Marrow: linked to person 'ines-marrow'",
    ]
    assert await TranscriptSegment.all().count() == 4


async def test_options_choose_the_recording_and_the_language(cms: CmsRunner, db: Database) -> None:
    await make_event(slug="harbour-lights-forum", recordings=["Full forum"])

    result = await cms(
        "transcripts",
        "import",
        "--event",
        "harbour-lights-forum",
        "--recording-url",
        "https://video.example.org/forum",
        "--language",
        "en-GB",
        str(HARBOUR_VTT),
    )

    assert result.exit_code == 0, result.output
    assert "of event 'harbour-lights-forum' (created): transcript created" in result.output
    recording = await Recording.get(url="https://video.example.org/forum").prefetch_related(
        "transcript"
    )
    assert recording.transcript.language == "en-GB"


async def test_a_bad_file_exits_1_naming_the_file_the_line_and_the_reason(
    cms: CmsRunner, db: Database
) -> None:
    await make_event(slug="harbour-lights-forum")
    path = BAD / "backwards.srt"

    result = await cms("transcripts", "import", "--event", "harbour-lights-forum", str(path))

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{path}: the cue ends at 00:00:05.000, before it starts at 00:00:09.000 (line 6)",
        f"1 problem in {path}; nothing was written.",
    ]
    assert await Recording.all().count() == 0


async def test_an_unknown_event_exits_1(cms: CmsRunner, db: Database) -> None:
    result = await cms("transcripts", "import", "--event", "no-such-event", str(HARBOUR_VTT))

    assert result.exit_code == 1
    assert "Error: no event with slug 'no-such-event'; nothing was written." in result.output


async def test_a_bad_language_exits_1(cms: CmsRunner, db: Database) -> None:
    await make_event(slug="harbour-lights-forum")

    result = await cms(
        "transcripts",
        "import",
        "--event",
        "harbour-lights-forum",
        "--language",
        "english please",
        str(HARBOUR_VTT),
    )

    assert result.exit_code == 1
    assert "language: 'english please' is not a language tag" in result.output


async def test_a_missing_file_is_a_usage_error(cms: CmsRunner, db: Database) -> None:
    result = await cms("transcripts", "import", "--event", "x", "no-such-file.vtt")

    assert result.exit_code == 2
    assert "does not exist" in result.output


async def test_recording_picks_the_recording_by_title(cms: CmsRunner, db: Database) -> None:
    await make_event(slug="harbour-lights-forum", recordings=["Morning", "Afternoon"])

    result = await cms(
        "transcripts",
        "import",
        "--event",
        "harbour-lights-forum",
        "--recording",
        "Afternoon",
        str(HARBOUR_VTT),
    )

    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Recording 'Afternoon' of event 'harbour-lights-forum': transcript created, 4 segments"
    )
    recording = await Recording.get(title="Afternoon").prefetch_related("transcript")
    assert recording.transcript.language == "en"


async def test_an_ambiguous_import_exits_1_listing_the_recordings(
    cms: CmsRunner, db: Database
) -> None:
    await make_event(
        slug="harbour-lights-forum",
        recordings=["Morning", {"title": "Afternoon", "url": "https://video.example.org/pm"}],
    )
    ids = [to_base64("Recording", r.id) for r in await Recording.all().order_by("position")]

    result = await cms("transcripts", "import", "--event", "harbour-lights-forum", str(HARBOUR_VTT))

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: event 'harbour-lights-forum' has 2 recordings; say which one; nothing was written.",
        "The recordings of event 'harbour-lights-forum':",
        f"  1. 'Morning'  url: (none)  id: {ids[0]}",
        f"  2. 'Afternoon'  url: https://video.example.org/pm  id: {ids[1]}",
    ]
    assert await TranscriptSegment.all().count() == 0


async def test_set_url_gives_a_recording_its_url_and_list_shows_it(
    cms: CmsRunner, db: Database
) -> None:
    await make_event(slug="harbour-lights-forum", recordings=["Morning", "Afternoon"])
    (morning, afternoon) = await Recording.all().order_by("position")

    result = await cms(
        "recordings",
        "set-url",
        "--event",
        "harbour-lights-forum",
        "--recording",
        to_base64("Recording", afternoon.id),
        "https://video.example.org/pm",
    )

    assert result.exit_code == 0, result.output
    assert result.output == (
        "Recording 'Afternoon' of event 'harbour-lights-forum': url https://video.example.org/pm\n"
    )
    listed = await cms("recordings", "list", "--event", "harbour-lights-forum")
    ids = [to_base64("Recording", row.id) for row in (morning, afternoon)]
    assert listed.output.splitlines() == [
        f"1. 'Morning'  url: (none)  id: {ids[0]}",
        f"2. 'Afternoon'  url: https://video.example.org/pm  id: {ids[1]}",
    ]
    by_url = await cms(
        "transcripts",
        "import",
        "--event",
        "harbour-lights-forum",
        "--recording",
        "https://video.example.org/pm",
        str(HARBOUR_VTT),
    )
    assert "Recording 'Afternoon'" in by_url.output


async def test_set_url_refuses_a_bad_url_and_an_unknown_recording(
    cms: CmsRunner, db: Database
) -> None:
    await make_event(slug="harbour-lights-forum", recordings=["Morning"])

    bad = await cms(
        "recordings", "set-url", "--event", "harbour-lights-forum", "javascript:alert(1)"
    )
    unknown = await cms(
        "recordings",
        "set-url",
        "--event",
        "harbour-lights-forum",
        "--recording",
        "Evening",
        "https://video.example.org/pm",
    )

    assert bad.exit_code == 1
    assert "Error: url:" in bad.output and "nothing was written" in bad.output
    assert unknown.exit_code == 1
    assert "no recording with URL, title or ID 'Evening'" in unknown.output
    assert "  1. 'Morning'  url: (none)" in unknown.output
    assert await Recording.filter(url__isnull=False).count() == 0
