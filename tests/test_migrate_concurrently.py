"""Several `cms migrate` processes started together on an empty database all succeed, and
each migration is applied once: the api and its workers all migrate at start-up."""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from server.database import Database
from server.migration_lock import MIGRATION_LOCK_KEY, sqlite_lock_path
from tests.conftest import fresh_postgres_database

MIGRATIONS = sorted(
    f"models.{path.stem}"
    for path in (Path(__file__).resolve().parent.parent / "server" / "migrations").glob("0*.py")
)
WAITING = "Another process is migrating this database; waiting for it to finish."
ENGINES = ["sqlite", "postgres"]


def _postgres_base() -> str | None:
    base = os.environ.get("TEST_DATABASE_URL", "")
    return base if base.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A brand-new empty database of the engine the test names: an empty SQLite file, or a
    PostgreSQL database of its own (named after the test database), dropped afterwards."""
    if request.param == "sqlite":
        path = tmp_path / "cms.sqlite3"
        path.touch()
        yield f"sqlite://{path.as_posix()}"
        return
    base = _postgres_base()
    if base is None:
        pytest.skip("PostgreSQL only: set TEST_DATABASE_URL to a postgres:// URL")
    stem = urlsplit(base).path.lstrip("/") or "cms_test"
    name = f"{stem[:40]}_migrate_{uuid.uuid4().hex[:8]}"
    async with fresh_postgres_database(base, name) as url:
        yield url


def _start_migrate(database_url: str, workdir: Path, number: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["DATABASE_URL"] = database_url
    env.pop("MEILI_URL", None)
    # stderr goes to a file, which a test reads while the process still runs.
    with (workdir / f"migrate-{number}.err").open("w") as stderr:
        return subprocess.Popen(
            [str(Path(sys.executable).with_name("cms")), "migrate"],
            env=env,
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )


def _finish(process: subprocess.Popen[str], workdir: Path, number: int) -> tuple[int, str, str]:
    stdout, _ = process.communicate(timeout=120)
    return process.returncode, stdout, (workdir / f"migrate-{number}.err").read_text()


async def _recorded(database_url: str) -> list[str]:
    """Every row of the migrations ledger, one per application."""
    query = "SELECT app, name FROM tortoise_migrations"
    if database_url.startswith("sqlite://"):
        with sqlite3.connect(database_url.removeprefix("sqlite://")) as connection:
            rows = connection.execute(query).fetchall()
    else:
        connection = await asyncpg.connect(database_url)
        try:
            rows = await connection.fetch(query)
        finally:
            await connection.close()
    return sorted(f"{app}.{name}" for app, name in rows)


def _summary(stdout: str) -> str:
    return stdout.strip().splitlines()[-1].split(";")[0]


@pytest.mark.parametrize("attempt", [1, 2, 3])
@pytest.mark.parametrize("empty_database", ENGINES, indirect=True)
async def test_three_concurrent_migrations_of_an_empty_database_all_succeed(
    empty_database: str, tmp_path: Path, attempt: int
) -> None:
    processes = [_start_migrate(empty_database, tmp_path, n) for n in range(3)]
    results = [_finish(process, tmp_path, n) for n, process in enumerate(processes)]

    for returncode, stdout, stderr in results:
        assert returncode == 0, stdout + stderr
    assert sorted(_summary(stdout) for _, stdout, _ in results) == [
        f"Applied {len(MIGRATIONS)} migration(s)",
        "Nothing to apply",
        "Nothing to apply",
    ]
    assert await _recorded(empty_database) == MIGRATIONS


@contextlib.asynccontextmanager
async def _lock_held(database_url: str) -> AsyncIterator[None]:
    """Holds the migration lock of `database_url` the way another `cms migrate` would."""
    if database_url.startswith("sqlite://"):
        path = sqlite_lock_path(database_url)
        assert path is not None
        with path.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        return
    connection = await asyncpg.connect(database_url)
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        yield
    finally:
        await connection.close()


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen in {seconds} s"
        time.sleep(0.05)


@pytest.mark.parametrize("empty_database", ENGINES, indirect=True)
async def test_a_process_that_finds_the_lock_taken_says_it_waits_then_finds_nothing_to_apply(
    empty_database: str, tmp_path: Path
) -> None:
    async with _lock_held(empty_database):
        processes = [_start_migrate(empty_database, tmp_path, n) for n in range(2)]
        errors = [tmp_path / f"migrate-{n}.err" for n in range(2)]
        _wait_for(lambda: all(WAITING in e.read_text() for e in errors), "both saying they wait")
        still_waiting = [process.poll() is None for process in processes]
        recorded_while_held = await _recorded_or_none(empty_database)
    results = [_finish(process, tmp_path, n) for n, process in enumerate(processes)]

    assert still_waiting == [True, True]
    assert recorded_while_held is None  # nobody migrated while the lock was held
    assert [returncode for returncode, _, _ in results] == [0, 0], results
    assert sorted(_summary(stdout) for _, stdout, _ in results) == [
        f"Applied {len(MIGRATIONS)} migration(s)",
        "Nothing to apply",
    ]
    assert await _recorded(empty_database) == MIGRATIONS


async def _recorded_or_none(database_url: str) -> list[str] | None:
    """The migrations ledger, or None while it does not exist."""
    try:
        return await _recorded(database_url)
    except (sqlite3.OperationalError, asyncpg.UndefinedTableError):
        return None


@pytest.mark.parametrize("empty_database", ["postgres"], indirect=True)
async def test_the_postgresql_lock_belongs_to_one_database(
    empty_database: str, db: Database
) -> None:
    waits: list[None] = []

    async with _lock_held(db.url):  # another database on the same server, mid-migration
        applied = await Database(empty_database).migrate(on_wait=lambda: waits.append(None))

    assert (applied, waits) == (MIGRATIONS, [])
