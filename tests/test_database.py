"""The migrations build a schema the models can use, on SQLite and PostgreSQL alike."""

from datetime import date

import pytest

from server.auth.viewer import ANONYMOUS
from server.content.models import Committee, Event, EventStatus
from server.content.queries.events import visible_events
from server.database import Database


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
        pytest.skip("SQLite only: PostgreSQL gathers its own planner statistics")
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
