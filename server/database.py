"""Database configuration, connection lifecycle and migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api import migrate as run_migrations

from server.settings import Settings

MODEL_MODULES = ["server.content.models"]
MIGRATIONS_MODULE = "server.migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config for one database URL, shared by the app, the CLI and tests."""
    return {
        "connections": {"default": database_url},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_directory(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


class Database:
    """Opens and closes the ORM's connections for one database URL."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(settings.resolved_database_url)

    async def migrate(self) -> None:
        """Bring the schema up to the latest migration; safe to run repeatedly."""
        _ensure_sqlite_directory(self.url)
        try:
            await run_migrations(config=tortoise_config(self.url))
        finally:
            await Tortoise.close_connections()

    async def open(self) -> None:
        _ensure_sqlite_directory(self.url)
        await Tortoise.init(config=tortoise_config(self.url))

    async def close(self) -> None:
        await Tortoise.close_connections()

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


# For the `tortoise` migrations CLI (`python -m tortoise -c server.database.TORTOISE_ORM ...`):
# the autodetector compares models with the migration files, so any URL will do.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
