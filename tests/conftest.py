"""Fixtures shared by every test: a real, migrated database per test session.

`TEST_DATABASE_URL` picks the server: unset means a SQLite file in a temporary
directory; a `postgres://` URL names a server and a maintenance database, on
which a fresh, uniquely named database is created, migrated, and dropped at
the end, so that concurrent runs never share tables.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import pytest_asyncio
from click.testing import CliRunner, Result
from tortoise import Tortoise

from cms.cli import main
from server.database import Database
from server.settings import Settings

_TABLES_IN_DELETE_ORDER = [
    "webhook_delivery",
    "webhook_subscription",
    "api_token",
    "event_revision",
    "index_marker",
    "transcript_segment",
    "transcript",
    "recording",
    "event_organisation",
    "event_topic",
    "participation",
    "event_session",
    "committee_member",
    "event",
    "person_affiliation",
    "person",
    "committee",
    "organisation",
    "topic",
]


def _postgres_admin_dsn(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


@asynccontextmanager
async def fresh_postgres_database(base: str, name: str) -> AsyncIterator[str]:
    """A new, empty database `name` on the server `base` names, dropped on the way out."""
    admin = await asyncpg.connect(_postgres_admin_dsn(base))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield _with_database(base.replace("postgresql://", "postgres://", 1), name)
    finally:
        admin = await asyncpg.connect(_postgres_admin_dsn(base))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest_asyncio.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """The URL of an empty, migrated database that lives for the whole session."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        url = f"sqlite://{path.as_posix()}"
        await Database(url).migrate()
        yield url
        return

    async with fresh_postgres_database(base, f"cms_test_{uuid.uuid4().hex[:12]}") as url:
        await Database(url).migrate()
        yield url


@pytest_asyncio.fixture
async def unmigrated_database_url(tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a brand-new, empty database on the server under test (not migrated)."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        yield f"sqlite://{(tmp_path / 'fresh.sqlite3').as_posix()}"
        return
    async with fresh_postgres_database(base, f"cms_test_{uuid.uuid4().hex[:12]}") as url:
        yield url


@pytest_asyncio.fixture(scope="session")
async def _open_database(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await database.open()
    yield database
    await database.close()


async def _empty_all_tables() -> None:
    connection = Tortoise.get_connection("default")
    for table in _TABLES_IN_DELETE_ORDER:
        await connection.execute_script(f'DELETE FROM "{table}"')


@pytest_asyncio.fixture
async def db(_open_database: Database) -> AsyncIterator[Database]:
    """An open database whose content tables are empty when the test starts."""
    await _empty_all_tables()
    yield _open_database


class QueryCounter(logging.Handler):
    """Counts the SQL statements Tortoise sends, by listening to its query log."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            self.statements.append(message)

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def count_queries() -> Iterator[QueryCounter]:
    """Counts every SQL statement run while the test holds it."""
    logger = logging.getLogger("tortoise.db_client")
    counter = QueryCounter()
    previous_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous_level)


@pytest.fixture
def app_settings(db: Database, tmp_path: Path) -> Settings:
    """Settings for an app on the test database, with its data directory in tmp_path."""
    return Settings(_env_file=None, database_url=db.url, data_dir=tmp_path / "data")


@pytest.fixture
def seeds_dir() -> Path:
    """The real seed content shipped in the repository."""
    return Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def seed_copy(tmp_path: Path, seeds_dir: Path) -> Path:
    """A scratch copy of the real seeds/ that a test may edit."""
    return Path(shutil.copytree(seeds_dir, tmp_path / "seeds"))


CmsRunner = Callable[..., Awaitable[Result]]


@pytest.fixture
def cms(db: Database) -> CmsRunner:
    """Runs `cms ARGS...` against the test database and returns click's result.

    The command runs `asyncio.run` itself, so it runs on a worker thread: a fresh
    thread starts with no Tortoise context, so the command's connections never touch
    the test's own.
    """

    async def run(
        *args: str, database_url: str | None = None, data_dir: str | None = None
    ) -> Result:
        env = {"DATABASE_URL": database_url or db.url, "MEILI_URL": None}
        if data_dir is not None:
            env["DATA_DIR"] = data_dir
        invoke = partial(
            CliRunner().invoke,
            main,
            list(args),
            env=env,
            catch_exceptions=False,
        )
        return await asyncio.get_running_loop().run_in_executor(None, invoke)

    return run
