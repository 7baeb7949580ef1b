"""A live server for the external suites: uvicorn in a subprocess, on the test database.

The server runs `cms.app:create_app` as `cms serve` would, on the session's
test database seeded with seeds/, with the in-app search worker off and in the
development environment (introspection on: the suites discover the schema with
it). Its log is kept so that a test can check that nothing reached uvicorn as
an unhandled exception, which is what a 500 is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from server.database import Database
from server.seeding import seed_directory
from tests.conftest import _empty_all_tables
from tests.processes import free_port, wait_until_answers

REPOSITORY = Path(__file__).resolve().parents[2]
SEEDS = REPOSITORY / "seeds"
STARTUP_SECONDS = 60
# Variables that would point the server elsewhere than the test database.
_FOREIGN_ENVIRONMENT = ("DATABASE_URL", "TEST_DATABASE_URL", "MEILI_URL", "MEILI_MASTER_KEY")


@dataclass(frozen=True)
class LiveServer:
    """A running server: where it listens, its database, and its log."""

    url: str
    database_url: str
    log: Path

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    def unhandled_exceptions(self) -> int:
        """How many requests ended in an exception uvicorn had to catch (a 500)."""
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return text.count("Exception in ASGI application")


@pytest_asyncio.fixture(scope="package")
async def seeded_database_url(_open_database: Database, database_url: str) -> str:
    """The session's test database, emptied and loaded with seeds/."""
    await _empty_all_tables()
    await seed_directory(SEEDS)
    return database_url


@pytest.fixture(scope="package")
def live_server(
    seeded_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("live-server")  # no stray .env is read from here
    log = workdir / "server.log"
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENVIRONMENT}
    env.update(
        DATABASE_URL=seeded_database_url,
        DATA_DIR=str(workdir / "data"),
        SEARCH_WORKER="false",
        ENVIRONMENT="development",
    )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "cms.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(
            f"{url}/readyz", process, log, name="the server", seconds=STARTUP_SECONDS
        )
        yield LiveServer(url=url, database_url=seeded_database_url, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
