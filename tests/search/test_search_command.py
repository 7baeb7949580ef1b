"""`cms search` names what it found by title and slug, and says when the index lags behind."""

from __future__ import annotations

import re
from pathlib import Path

from server.database import Database
from server.indexing import outbox
from tests.conftest import CmsRunner
from tests.factories import make_event, make_person, make_transcript


async def _tidal_commons() -> list[int]:
    """An event with a transcript in which Wren Halloway speaks of desalination; ids to hide."""
    wren = await make_person(slug="wren-halloway", name="Wren Halloway")
    event = await make_event(
        slug="tidal-commons-forum", title="Tidal Commons Forum", recordings=["Full session"]
    )
    recording = await event.recordings.all().first()
    assert recording is not None
    await make_transcript(
        recording,
        [
            ("Welcome to the forum on shared coasts.", wren),
            ("Our towns now depend on desalination plants for water.", wren),
        ],
    )
    await outbox.mark_events([event.id])
    await outbox.mark_people([wren.id])
    return [event.id, wren.id]


async def test_hits_are_named_by_title_name_and_slug_not_by_document_id(
    db: Database, cms: CmsRunner, tmp_path: Path
) -> None:
    ids = await _tidal_commons()
    data = str(tmp_path / "data")
    assert (await cms("worker", "--once", data_dir=data)).exit_code == 0

    event = await cms("search", "tidal commons", "--kind", "event", data_dir=data)
    person = await cms("search", "halloway", "--kind", "person", data_dir=data)
    passage = await cms("search", "desalination", "--kind", "transcript", data_dir=data)

    assert "[event] Tidal Commons Forum (tidal-commons-forum)  score " in event.output
    assert "[person] Wren Halloway (wren-halloway)  score " in person.output
    assert re.search(
        r"\[transcript\] Tidal Commons Forum \(tidal-commons-forum\): Wren Halloway at \d+:\d\d  ",
        passage.output,
    )
    for result in (event, person, passage):
        assert result.exit_code == 0
        assert "not yet in the index" not in result.output
        # Internal document ids ("event-12", "person-3", "passage-…") are not for people.
        assert not re.search(r"\b(event|person|passage)-\d", result.output)
        assert not any(f" {row_id} " in result.output for row_id in ids)


async def test_the_command_says_when_changes_are_not_yet_in_the_index(
    db: Database, cms: CmsRunner, tmp_path: Path
) -> None:
    await _tidal_commons()
    data = str(tmp_path / "data")

    behind = await cms("search", "tidal commons", data_dir=data)
    await cms("worker", "--once", data_dir=data)
    caught_up = await cms("search", "tidal commons", data_dir=data)

    assert behind.exit_code == caught_up.exit_code == 0
    assert behind.output.startswith("0 hits in ")
    assert re.search(
        r"note: 2 changes are not yet in the index \(oldest \d+ s\); run `cms worker` or wait",
        behind.output,
    )
    assert caught_up.output.startswith("1 hit in ")
    assert "not yet in the index" not in caught_up.output
