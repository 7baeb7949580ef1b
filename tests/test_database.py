"""The migrations build a schema the models can use, on SQLite and PostgreSQL alike."""

from server.content.models import Committee
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
    _, rows = await upgraded.connection().execute_query(
        "SELECT slug, name, version FROM committee"
    )
    await upgraded.close()
    assert [tuple(dict(row).values()) for row in rows] == [("justice-corner", "Justice Corner", 1)]
