"""A researcher lands on the moment in a recording where a topic was discussed."""

from __future__ import annotations

from pathlib import Path

from schema.api import build_schema
from schema.context import Context
from search.backend import SearchBackend
from search.embedded import EmbeddedBackend
from search.query import DocumentKind, SearchFilter, SearchRequest
from search.service import SearchService
from search.worker import SyncWorker
from server.auth.viewer import ANONYMOUS, SYSTEM
from server.content.models import Platform
from server.content.services import PersonInput, upsert_person
from server.database import Database
from server.settings import Settings
from server.transcripts import import_transcript
from tests.factories import make_event, make_person

TRANSCRIPT = Path(__file__).resolve().parent.parent / "data/transcripts/tidal-commons-long.vtt"
PIER_HANDOVER = TRANSCRIPT.with_name("pier-handover.vtt")

SEARCH_TRANSCRIPTS = """
query ($query: String!) {
  search(query: $query, kinds: [TRANSCRIPT]) {
    totalHits
    hits {
      ... on TranscriptHit {
        startMs speakerName speaker { slug name } snippet url
        event { slug } recording { title url }
      }
    }
  }
}
"""


async def test_a_transcript_hit_points_at_the_cue_that_holds_the_words(
    db: Database, backend: SearchBackend
) -> None:
    await make_person(slug="wren-halloway", name="Wren Halloway")
    await make_event(
        slug="tidal-commons-forum",
        platform=Platform.YOUTUBE,
        recordings=[{"title": "Full session", "url": "https://www.youtube.com/watch?v=abc123"}],
    )
    await import_transcript(
        SYSTEM,
        "tidal-commons-forum",
        TRANSCRIPT,
        recording_url="https://www.youtube.com/watch?v=abc123",
    )
    await SyncWorker(backend).drain()
    settings = Settings(_env_file=None)
    context = Context.for_request(ANONYMOUS, settings, SearchService(backend))

    result = await build_schema(settings).execute(
        SEARCH_TRANSCRIPTS, variable_values={"query": "desalinaton"}, context_value=context
    )

    assert result.errors is None
    (hit,) = result.data["search"]["hits"]
    # Cues are 10 s long and the words are in the cue at 2:10; passages close on a change
    # of speaker once 30 s long, so the passage holding them starts at 2:00: the hit
    # points at the cue, not at the passage.
    assert hit["startMs"] == 130_000
    assert hit["url"] == "https://www.youtube.com/watch?v=abc123&t=130s"
    assert hit["speakerName"] == "Wren Halloway"
    assert hit["speaker"] == {"slug": "wren-halloway", "name": "Wren Halloway"}
    assert "<mark>desalination</mark>" in hit["snippet"]
    assert hit["event"] == {"slug": "tidal-commons-forum"}
    assert hit["recording"]["title"] == "Full session"


async def test_a_hit_names_the_speaker_of_the_matching_cue_not_the_passage_s_first(
    db: Database, backend: SearchBackend
) -> None:
    await make_person(slug="tobiah-quell", name="Tobiah Quell")
    await make_event(
        slug="pier-handover",
        recordings=[{"title": "Full session", "url": "https://video.example/pier.mp4"}],
    )
    await import_transcript(
        SYSTEM, "pier-handover", PIER_HANDOVER, recording_url="https://video.example/pier.mp4"
    )
    await SyncWorker(backend).drain()
    settings = Settings(_env_file=None)
    context = Context.for_request(ANONYMOUS, settings, SearchService(backend))

    result = await build_schema(settings).execute(
        SEARCH_TRANSCRIPTS, variable_values={"query": "tidal barrier"}, context_value=context
    )

    assert result.errors is None
    (hit,) = result.data["search"]["hits"]
    # Wren Halloway opens the passage at 0 s; Tobiah Quell says the words at 12.4 s.
    assert hit["startMs"] == 12_400
    assert hit["url"] == "https://video.example/pier.mp4#t=12"
    assert hit["speakerName"] == "Tobiah Quell"
    assert hit["speaker"] == {"slug": "tobiah-quell", "name": "Tobiah Quell"}
    # The snippet still shows the passage around the words: Ines Marrow's cue before them.
    assert "<mark>tidal</mark> <mark>barrier</mark>" in hit["snippet"]
    assert "garden" in hit["snippet"]


async def test_an_index_built_before_passages_kept_their_cues_is_to_be_rebuilt(
    tmp_path: Path,
) -> None:
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "CURRENT").write_text("index-v2-20260101T000000000000\n")
    backend = EmbeddedBackend(tmp_path / "search")

    await backend.open()

    assert backend.needs_rebuild  # the app rebuilds it from the database at start-up
    await backend.close()


async def test_reimporting_a_transcript_replaces_its_passages(
    db: Database, backend: SearchBackend, tmp_path: Path
) -> None:
    await make_event(slug="tidal-commons-forum", recordings=[{"title": "Session", "url": None}])
    await import_transcript(SYSTEM, "tidal-commons-forum", TRANSCRIPT)
    worker = SyncWorker(backend)
    await worker.drain()
    shorter = tmp_path / "shorter.vtt"
    shorter.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ines Marrow>Only the ferry roof now.\n",
        encoding="utf-8",
    )

    await import_transcript(SYSTEM, "tidal-commons-forum", shorter)
    await worker.drain()

    passages = [d for d in await backend.documents() if d["kind"] == "transcript"]
    assert [p["text"] for p in passages] == ["Only the ferry roof now."]


async def test_renaming_a_speaker_reindexes_their_passages(
    db: Database, backend: SearchBackend
) -> None:
    await make_person(slug="wren-halloway", name="Wren Halloway")
    await make_event(slug="tidal-commons-forum", recordings=[{"title": "Session", "url": None}])
    await import_transcript(SYSTEM, "tidal-commons-forum", TRANSCRIPT)
    worker = SyncWorker(backend)
    await worker.drain()

    await upsert_person(SYSTEM, PersonInput(slug="wren-halloway", name="Wren Quistmoor"))
    await worker.drain()

    found = await backend.search(
        SearchRequest("Quistmoor", SearchFilter(kinds=(DocumentKind.TRANSCRIPT,)))
    )
    assert found.total_hits >= 1
    assert {hit.speaker_name for hit in found.hits} == {"Wren Quistmoor"}
