"""Database configuration, connection lifecycle and migrations."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

import asyncpg
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate as run_migrations

from server.migration_lock import migration_lock
from server.settings import Settings

logger = logging.getLogger(__name__)

SQLITE_ANALYSIS_LIMIT = 1000
"""Rows ANALYZE samples per index: enough to tell a key from a status."""
MODEL_MODULES = [
    "server.content.models",
    "server.indexing.models",
    "server.auth.models",
    "server.webhooks.models",
]
MIGRATIONS_MODULE = "server.migrations"


class _PooledConnection(asyncpg.Connection):  # type: ignore[misc]  # asyncpg is untyped: Any
    """A pooled PostgreSQL connection released without a reset query.

    asyncpg's pool sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL;` on every release, and Tortoise releases after every statement outside
    a transaction, so each read cost two round trips. Nothing here takes advisory
    locks (the migration lock has a connection of its own), listens, keeps cursors or
    sets session variables (only `SET LOCAL`, which ends with its transaction), and an
    open transaction is still rolled back.
    """

    def get_reset_query(self) -> str:
        return ""


def _connection(database_url: str) -> str | dict[str, Any]:
    if not database_url.startswith(("postgres://", "postgresql://")):
        return database_url
    connection = expand_db_url(database_url)
    connection["credentials"]["connection_class"] = _PooledConnection
    return connection


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise config for one database URL, shared by the app, the CLI and tests."""
    return {
        "connections": {"default": _connection(database_url)},
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
    """Owns the ORM's connections for one database URL.

    Each `Database` keeps its own Tortoise context, so opening or closing one never
    touches another's connections (the migrator's, a test's, or the app's).
    """

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self._context: TortoiseContext | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls(settings.resolved_database_url)

    @property
    def is_open(self) -> bool:
        return self._context is not None

    async def migrate(
        self, target: str | None = None, *, on_wait: Callable[[], None] | None = None
    ) -> list[str]:
        """Bring the schema up to the latest migration (or `target`, e.g.
        "models.0002_transcripts_and_index_outbox"); returns the migrations it applied.

        Safe to run repeatedly, and from several processes at once: each holds the
        migration lock (server/migration_lock.py) while it migrates, so the first
        applies what is pending and the others, after waiting (`on_wait` is called
        when one starts to), find nothing left to apply.
        """
        _ensure_sqlite_directory(self.url)
        applied: list[str] = []

        def progress(event: str, app_label: str, name: str) -> None:
            if event == "apply_done":
                applied.append(f"{app_label}.{name}")

        async with migration_lock(self.url, on_wait), TortoiseContext():
            await run_migrations(config=tortoise_config(self.url), target=target, progress=progress)
        return applied

    async def open(self, *, shared_across_tasks: bool = False) -> None:
        """Connect, and make this database current for the calling task.

        `shared_across_tasks` also makes it the fallback for tasks that did not open
        it, as the server needs: its lifespan and its requests run in different tasks.
        """
        _ensure_sqlite_directory(self.url)
        context = TortoiseContext()
        context.__enter__()
        try:
            await context.init(
                config=tortoise_config(self.url), _enable_global_fallback=shared_across_tasks
            )
        except BaseException:
            context.__exit__(None, None, None)
            raise
        self._context = context
        if self.url.startswith("sqlite://"):
            await self._gather_sqlite_statistics()

    async def refresh_statistics(self) -> None:
        """Tells the query planner what the tables now hold, after a large write.

        A PostgreSQL database that was just seeded has no statistics until autovacuum
        gets to it, and until then plans a page's participation query as a scan, a
        hundred times slower; its new rows are not yet marked all-visible either, so
        index-only scans still read the table, until autovacuum comes round at a time
        of its choosing, under load. `VACUUM (ANALYZE)` does both now. `cms migrate`,
        `cms seed` and imports call this, after their transaction; on SQLite it samples
        the indexes as opening does.
        """
        if self.url.startswith("sqlite://"):
            await self._gather_sqlite_statistics()
        else:
            await self.connection().execute_script("VACUUM (ANALYZE)")

    async def _gather_sqlite_statistics(self) -> None:
        """Samples each index for SQLite's query planner.

        Without statistics SQLite guesses, and it guesses that `status = 'published'`
        is more selective than `id IN (...)`: a page of search hits then scans every
        published event instead of reading twenty by key. A sampled ANALYZE takes
        milliseconds even on a large database; PostgreSQL keeps its own statistics.
        """
        connection = self.connection()
        try:
            await connection.execute_script(
                f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}; ANALYZE;"
            )
        except Exception as error:  # noqa: BLE001 - a busy or read-only file only costs speed
            logger.warning("could not gather SQLite statistics: %s", error)

    def connection(self) -> BaseDBAsyncClient:
        """The open connection, for raw SQL (migrations tests, health checks)."""
        if self._context is None:
            raise RuntimeError("the database is not open")
        return self._context.db()

    async def ping(self) -> None:
        """Raises unless the database answers a trivial query."""
        if self._context is None:
            raise RuntimeError("the database is not open")
        await self._context.db().execute_query("SELECT 1")

    async def pending_migrations(self) -> list[str]:
        """The migrations not yet applied to this open database, by name."""
        from tortoise.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(self.connection(), tortoise_config(self.url)["apps"])
        return [
            f"{step.migration.app_label}.{step.migration.name}" for step in await executor.plan()
        ]

    def pool_figures(self) -> tuple[int, int, int] | None:
        """The PostgreSQL pool's (connections open, of which idle, most allowed); None
        for SQLite, or while no pool is open."""
        if self._context is None:
            return None
        pool = getattr(self._context.db(), "_pool", None)  # asyncpg's, inside Tortoise's client
        if pool is None:
            return None
        return int(pool.get_size()), int(pool.get_idle_size()), int(pool.get_max_size())

    async def close(self) -> None:
        context, self._context = self._context, None
        if context is not None:
            await context.close_connections()
            try:
                context.__exit__(None, None, None)
            except ValueError:
                pass  # closed from another task than the one that opened it

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


# For the `tortoise` migrations CLI (`python -m tortoise -c server.database.TORTOISE_ORM ...`):
# the autodetector compares models with the migration files, so any URL will do.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
