"""/healthz says the process is alive; /readyz whether it can serve: database, migrations,
search engine, and the search backlog."""

from __future__ import annotations

from pathlib import Path

from cms.app import create_app
from server.database import Database
from server.settings import Environment, Settings
from tests.asgi import running
from tests.conftest import QueryCounter

_MIGRATIONS = sorted(
    f"models.{path.stem}"
    for path in (Path(__file__).resolve().parent.parent / "server" / "migrations").glob("0*.py")
)
LATEST_BUT_ONE, LATEST = _MIGRATIONS[-2:]


async def test_readyz_reports_the_database_migrations_search_and_the_backlog(
    db: Database, app_settings: Settings
) -> None:
    async with running(create_app(app_settings, db)) as client:
        response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "search": "ok", "index": "ok"},
        "search_backlog": {"size": 0, "oldest_age_seconds": None, "failing": 0, "last_error": None},
    }


async def test_readyz_answers_503_naming_the_database_when_it_does_not_answer(
    db: Database, app_settings: Settings
) -> None:
    closed = Database(db.url)  # never opened
    async with running(create_app(app_settings, closed)) as client:
        response = await client.get("/readyz")
        alive = await client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "error: RuntimeError"
    assert body["checks"]["migrations"] == "unknown: the database did not answer"
    assert body["search_backlog"]["size"] is None
    # Liveness asks nothing: the process still serves.
    assert (alive.status_code, alive.json()) == (200, {"status": "ok"})


async def test_readyz_answers_503_while_a_migration_is_pending(
    unmigrated_database_url: str, tmp_path: Path
) -> None:
    await Database(unmigrated_database_url).migrate(target=LATEST_BUT_ONE)
    settings = Settings(
        _env_file=None, database_url=unmigrated_database_url, data_dir=tmp_path / "data"
    )
    async with running(create_app(settings)) as client:
        pending = await client.get("/readyz")
    await Database(unmigrated_database_url).migrate()
    async with running(create_app(settings)) as client:
        migrated = await client.get("/readyz")

    assert pending.status_code == 503
    assert pending.json()["status"] == "unavailable"
    assert pending.json()["checks"]["migrations"] == (f"1 pending ({LATEST}); run `cms migrate`")
    assert pending.json()["checks"]["database"] == "ok"
    assert migrated.status_code == 200
    assert migrated.json()["checks"]["migrations"] == "ok"


async def test_production_readyz_names_the_failed_check_without_its_details(
    db: Database, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,
        database_url=db.url,
        data_dir=tmp_path / "data",
        environment=Environment.PRODUCTION,
    )
    async with running(create_app(settings, Database(db.url))) as client:
        response = await client.get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert set(body) == {"status", "checks", "search_backlog"}
    assert body["status"] == "unavailable"
    assert (body["checks"]["database"], body["checks"]["migrations"]) == ("failed", "failed")
    assert body["checks"]["search"] == "ok"
    assert body["search_backlog"] == {"size": None, "oldest_age_seconds": None, "failing": None}


async def test_healthz_asks_neither_the_database_nor_the_search_engine(
    db: Database, app_settings: Settings, count_queries: QueryCounter
) -> None:
    async with running(create_app(app_settings, db)) as client:
        count_queries.reset()
        response = await client.get("/healthz")

        assert count_queries.count == 0
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
