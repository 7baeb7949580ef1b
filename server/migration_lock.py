"""The lock that lets several processes run `cms migrate` at once, one after another.

The api and its workers all migrate at start-up. Without a lock, two of them racing
on an empty PostgreSQL database both try to create the same tables and one fails
(`relation "committee" already exists`). So a migration first takes a lock that
lives exactly as long as the process holding it:

- PostgreSQL: a session-level advisory lock, `pg_advisory_lock(MIGRATION_LOCK_KEY)`,
  on a connection of its own that stays open for the whole migration. Advisory locks
  are scoped to one database, so migrating another database on the same server never
  waits; a process that dies loses its connection, and with it the lock.
- SQLite: `flock` on `<database file>.migrate.lock`, beside the database. The file
  is left in place: removing it would let a late process lock a new file while an
  earlier one still holds the old. The kernel drops the lock when the process dies.

A process that finds the lock taken says so (through `on_wait`) and waits; when its
turn comes, the migrations are recorded as applied and it finds nothing left to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

MIGRATION_LOCK_KEY = 0x636D732D6D696772
"""The advisory lock key (7164509221162674034): the ASCII bytes of "cms-migr"."""

_SQLITE_POLL_SECONDS = 0.05

Waiting = Callable[[], None]


def sqlite_lock_path(database_url: str) -> Path | None:
    """The lock file beside a SQLite database file; None for other databases and `:memory:`."""
    if not database_url.startswith("sqlite://") or ":memory:" in database_url:
        return None
    database = Path(expand_db_url(database_url)["credentials"]["file_path"])
    return database.with_name(database.name + ".migrate.lock")


def _postgres_credentials(database_url: str) -> dict[str, Any]:
    """What asyncpg needs to reach the database Tortoise would (the URL's own options,
    such as pool sizes, mean nothing to a single connection)."""
    credentials = expand_db_url(database_url)["credentials"]
    wanted = ("host", "port", "user", "password", "database", "ssl")
    return {key: credentials[key] for key in wanted if credentials.get(key) is not None}


@contextlib.asynccontextmanager
async def _postgres_lock(database_url: str, on_wait: Waiting) -> AsyncIterator[None]:
    connection = await asyncpg.connect(**_postgres_credentials(database_url))
    try:
        if not await connection.fetchval("SELECT pg_try_advisory_lock($1)", MIGRATION_LOCK_KEY):
            on_wait()
            await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        try:
            yield
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
    finally:
        await connection.close()


def _try_flock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.asynccontextmanager
async def _file_lock(path: Path, on_wait: Waiting) -> AsyncIterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _try_flock(descriptor):
            on_wait()
            # Polled rather than blocked on in a thread, so Ctrl-C stops a waiting process.
            while not _try_flock(descriptor):
                await asyncio.sleep(_SQLITE_POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


@contextlib.asynccontextmanager
async def migration_lock(database_url: str, on_wait: Waiting | None = None) -> AsyncIterator[None]:
    """Holds the migration lock of `database_url` while the block runs; `on_wait` is
    called once if another process holds it and this one has to wait."""
    announce = on_wait or (lambda: None)
    if database_url.startswith(("postgres://", "postgresql://")):
        async with _postgres_lock(database_url, announce):
            yield
        return
    path = sqlite_lock_path(database_url)
    if path is None:  # an in-memory database belongs to one process
        yield
        return
    async with _file_lock(path, announce):
        yield
