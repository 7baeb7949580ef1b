"""The migrations build a schema the models can use, on SQLite and PostgreSQL alike."""

from server.content.models import Committee
from server.database import Database


async def test_migrating_an_up_to_date_database_changes_nothing(db: Database) -> None:
    await Committee.create(slug="justice-corner", name="Justice Corner")

    await Database(db.url).migrate()
    await db.open()  # migrate() closes the connections it used

    assert [c.slug for c in await Committee.all()] == ["justice-corner"]
