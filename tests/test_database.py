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
