"""Anonymous reads are answered from the response cache until a write commits, never after."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cms.app import create_app
from search.embedded import EmbeddedBackend
from search.worker import SyncWorker
from server.auth.viewer import Role
from server.database import Database
from server.seeding import seed_directory
from server.settings import Settings
from tests.asgi import running
from tests.auth.conftest import bearer, make_token
from tests.conftest import QueryCounter
from tests.factories import make_event
from tests.processes import free_port, wait_until_answers

PAGE = {"query": "query Page { events(first: 20) { totalCount edges { node { slug title } } } }"}
SEARCH = {"query": '{ search(query: "impunity") { totalHits } }'}
RENAME = """mutation ($slug: String!, $v: Int!) {
  updateEvent(slug: $slug, input: {version: $v, title: "Renamed"}) { __typename }
}"""


@pytest.fixture
def quiet_settings(app_settings: Settings) -> Settings:
    """The app's settings with nothing running beside requests, so counts are the requests'."""
    return app_settings.model_copy(update={"search_worker": False, "search_check_seconds": 3600})


def _titles(answer: httpx.Response) -> list[str]:
    body = answer.json()
    assert "errors" not in body, body
    return [edge["node"]["title"] for edge in body["data"]["events"]["edges"]]


async def test_a_repeated_anonymous_page_costs_one_read_of_the_generation(
    db: Database, quiet_settings: Settings, count_queries: QueryCounter
) -> None:
    await make_event(title="Vigil")
    async with running(create_app(quiet_settings, db)) as client:
        first = await client.post("/graphql", json=PAGE)
        count_queries.reset()
        again = await client.post("/graphql", json=PAGE)

    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert [s.split(":")[0] for s in count_queries.statements] == [
        'SELECT "value" FROM "content_generation" WHERE "id" = 1'
    ]


async def test_a_write_through_the_api_is_in_the_next_anonymous_answer(
    db: Database, app_settings: Settings
) -> None:
    event = await make_event(title="Vigil")
    editor = (await make_token("editor", Role.EDITOR)).secret
    async with running(create_app(app_settings, db)) as client:
        before = _titles(await client.post("/graphql", json=PAGE))
        renamed = await client.post(
            "/graphql",
            json={"query": RENAME, "variables": {"slug": event.slug, "v": event.version}},
            headers=bearer(editor),
        )
        after = _titles(await client.post("/graphql", json=PAGE))

    assert renamed.json() == {"data": {"updateEvent": {"__typename": "EventUpdateSuccess"}}}
    assert (before, after) == (["Vigil"], ["Renamed"])


async def test_requests_with_a_token_never_read_the_cache(
    db: Database, quiet_settings: Settings, count_queries: QueryCounter
) -> None:
    await make_event(title="Vigil")
    editor = (await make_token("editor", Role.EDITOR)).secret
    async with running(create_app(quiet_settings, db)) as client:
        await client.post("/graphql", json=PAGE, headers=bearer(editor))
        count_queries.reset()
        again = await client.post("/graphql", json=PAGE, headers=bearer(editor))

    assert _titles(again) == ["Vigil"]
    assert not any("content_generation" in statement for statement in count_queries.statements)
    assert any('FROM "event"' in statement for statement in count_queries.statements)


async def test_with_the_cache_off_every_request_runs(
    db: Database, quiet_settings: Settings, count_queries: QueryCounter
) -> None:
    await make_event(title="Vigil")
    settings = quiet_settings.model_copy(update={"response_cache": False})
    async with running(create_app(settings, db)) as client:
        await client.post("/graphql", json=PAGE)
        count_queries.reset()
        await client.post("/graphql", json=PAGE)

    assert any('FROM "event"' in statement for statement in count_queries.statements)


def _cms(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env.update(DATABASE_URL=database_url, DATA_DIR=str(cwd / "data"))
    return subprocess.run(
        [str(Path(sys.executable).with_name("cms")), *args],
        check=False,  # callers assert on the return code, with the output in the message
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_cms_seed_in_another_process_is_in_the_next_anonymous_answer(
    db: Database, app_settings: Settings, seeds_dir: Path, tmp_path: Path
) -> None:
    async with running(create_app(app_settings, db)) as client:
        before = _titles(await client.post("/graphql", json=PAGE))
        assert _titles(await client.post("/graphql", json=PAGE)) == before

        seeded = _cms("seed", str(seeds_dir), database_url=db.url, cwd=tmp_path)
        assert seeded.returncode == 0, seeded.stderr
        after = _titles(await client.post("/graphql", json=PAGE))

    assert before == []
    assert len(after) == len(list((seeds_dir / "events").glob("*.md")))


async def test_what_the_search_worker_syncs_is_in_the_next_anonymous_search(
    db: Database,
    quiet_settings: Settings,
    seeds_dir: Path,
    tmp_path: Path,
    count_queries: QueryCounter,
) -> None:
    # Search answers come from the engine, which changes without a database write
    # (the worker syncing, a rebuild), so they are never kept.
    await seed_directory(seeds_dir)
    backend = EmbeddedBackend(tmp_path / "search")
    async with running(create_app(quiet_settings, db, search_backend=backend)) as client:
        unsynced = (await client.post("/graphql", json=SEARCH)).json()
        count_queries.reset()
        again = (await client.post("/graphql", json=SEARCH)).json()
        statements_of_the_repeat = list(count_queries.statements)

        report = await SyncWorker(backend).drain()
        synced = (await client.post("/graphql", json=SEARCH)).json()

    assert report.failed == 0 and report.synced > 0
    assert unsynced == again == {"data": {"search": {"totalHits": 0}}}
    # The repeat ran the search: each search reads the outbox for what to leave out.
    assert any("FROM index_marker" in s for s in statements_of_the_repeat)
    assert synced["data"]["search"]["totalHits"] > 0


async def test_a_search_in_a_fragment_is_not_kept_either(
    db: Database, quiet_settings: Settings, count_queries: QueryCounter
) -> None:
    document = {
        "query": "query { ...Everything } fragment Everything on Query { "
        'events(first: 1) { totalCount } search(query: "x") { totalHits } }'
    }
    async with running(create_app(quiet_settings, db)) as client:
        await client.post("/graphql", json=document)
        count_queries.reset()
        await client.post("/graphql", json=document)

    assert any('FROM "event"' in statement for statement in count_queries.statements)


@pytest.fixture
def second_server(db: Database, tmp_path: Path) -> Iterator[str]:
    """The app in another process (uvicorn) on the test database; its /graphql URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env.update(
        DATABASE_URL=db.url,
        DATA_DIR=str(tmp_path / "second"),
        ENVIRONMENT="production",
        SEARCH_WORKER="false",
    )
    log = tmp_path / "second-server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "cms.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answers(
            f"http://127.0.0.1:{port}/readyz", process, log, name="the second server", seconds=60
        )
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        process.terminate()
        process.wait(timeout=20)


async def test_a_write_in_this_process_is_in_the_next_answer_of_another(
    db: Database, app_settings: Settings, second_server: str
) -> None:
    event = await make_event(title="Vigil")
    editor = (await make_token("editor", Role.EDITOR)).secret
    async with httpx.AsyncClient(timeout=30) as other:
        before = _titles(await other.post(second_server, json=PAGE))
        assert _titles(await other.post(second_server, json=PAGE)) == before

        async with running(create_app(app_settings, db)) as client:
            await client.post(
                "/graphql",
                json={"query": RENAME, "variables": {"slug": event.slug, "v": event.version}},
                headers=bearer(editor),
            )
        after = _titles(await other.post(second_server, json=PAGE))

    assert (before, after) == (["Vigil"], ["Renamed"])
