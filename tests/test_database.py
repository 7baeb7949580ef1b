"""The migrations build a schema the models can use, on SQLite and PostgreSQL alike."""

import sqlite3
from datetime import date
from pathlib import Path

import asyncpg
import pytest

from server.auth.viewer import ANONYMOUS
from server.content.models import Committee, Event, EventStatus
from server.content.queries.events import visible_events
from server.database import Database
from tests.conftest import CmsRunner


async def test_migrating_an_up_to_date_database_changes_nothing(db: Database) -> None:
    await Committee.create(slug="justice-corner", name="Justice Corner")

    await Database(db.url).migrate()

    assert [c.slug for c in await Committee.all()] == ["justice-corner"]


async def test_a_second_database_opens_and_closes_without_touching_the_first(
    db: Database,
) -> None:
    await Committee.create(slug="justice-corner", name="Justice Corner")

    other = Database(db.url)
    await other.open()
    await other.ping()
    await other.close()

    await db.ping()
    assert await Committee.all().count() == 1


async def test_upgrading_a_database_that_holds_content_keeps_it(
    unmigrated_database_url: str,
) -> None:
    old = Database(unmigrated_database_url)
    await old.migrate(target="models.0002_transcripts_and_index_outbox")
    await old.open()
    connection = old.connection()
    await connection.execute_query(
        "INSERT INTO committee (slug, name, description, created_at, updated_at) "
        "VALUES ('justice-corner', 'Justice Corner', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    await old.close()

    await Database(unmigrated_database_url).migrate()

    upgraded = Database(unmigrated_database_url)
    await upgraded.open()
    _, rows = await upgraded.connection().execute_query("SELECT slug, name, version FROM committee")
    await upgraded.close()
    assert [tuple(dict(row).values()) for row in rows] == [("justice-corner", "Justice Corner", 1)]


async def test_after_a_restart_sqlite_reads_a_page_of_search_hits_by_key(db: Database) -> None:
    # Without statistics SQLite would rather scan every published event by status.
    if not db.url.startswith("sqlite://"):
        pytest.skip("SQLite only: cms seed and cms migrate ANALYZE PostgreSQL instead")
    await Event.bulk_create(
        [
            Event(
                slug=f"event-{i}",
                title=f"Event {i}",
                status=EventStatus.PUBLISHED,
                start_date=date(2024, 1, 1),
                end_date=date(2024, 1, 1),
            )
            for i in range(2000)
        ]
    )
    page = visible_events(ANONYMOUS).filter(id__in=list(range(1, 21)))

    restarted = Database(db.url)
    await restarted.open()
    _, plan = await restarted.connection().execute_query(
        f"EXPLAIN QUERY PLAN {page.sql(params_inline=True)}"
    )
    await restarted.close()

    assert plan[0]["detail"] == "SEARCH event USING INTEGER PRIMARY KEY (rowid=?)"


async def _planner_event_count(url: str) -> float | None:
    """How many event rows the query planner believes there are, if it has been told."""
    if url.startswith("sqlite://"):
        # Read directly: opening a Database would sample the indexes itself.
        with sqlite3.connect(url.removeprefix("sqlite://")) as connection:
            row = connection.execute(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'event' LIMIT 1"
            ).fetchone()
        return float(row[0].split()[0]) if row else None
    connection = await asyncpg.connect(url)
    try:
        return float(
            await connection.fetchval(
                "SELECT reltuples FROM pg_class WHERE relname = 'event' AND relkind = 'r'"
            )
        )
    finally:
        await connection.close()


async def test_after_cms_seed_the_query_planner_knows_what_was_loaded(
    unmigrated_database_url: str, cms: CmsRunner, seeds_dir: Path
) -> None:
    # Freshly seeded PostgreSQL has no statistics until autovacuum comes round, and
    # plans a page's participation query as a scan until then.
    migrated = await cms("migrate", database_url=unmigrated_database_url)
    assert migrated.exit_code == 0, migrated.output

    seeded = await cms("seed", str(seeds_dir), database_url=unmigrated_database_url)
    assert seeded.exit_code == 0, seeded.output

    events = len(list((seeds_dir / "events").glob("*.md")))
    assert await _planner_event_count(unmigrated_database_url) == events


async def test_after_cms_seed_postgresql_marks_the_new_rows_visible_to_index_only_scans(
    unmigrated_database_url: str, cms: CmsRunner, seeds_dir: Path
) -> None:
    # Until a VACUUM marks a table's pages all-visible, an index-only scan reads the table too.
    if unmigrated_database_url.startswith("sqlite://"):
        pytest.skip("PostgreSQL only: SQLite has no visibility map")
    assert (await cms("migrate", database_url=unmigrated_database_url)).exit_code == 0
    seeded = await cms("seed", str(seeds_dir), database_url=unmigrated_database_url)
    assert seeded.exit_code == 0, seeded.output

    connection = await asyncpg.connect(unmigrated_database_url)
    try:
        pages, visible = await connection.fetchrow(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'event' AND relkind = 'r'"
        )
    finally:
        await connection.close()
    assert pages > 0
    assert visible == pages
