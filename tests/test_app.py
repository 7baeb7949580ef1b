"""The app starts and serves GraphQL; `cms demo` works end to end."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from cms.app import create_app
from server.database import Database
from server.settings import Settings
from tests.asgi import running


async def test_the_lifespan_opens_and_closes_its_own_database(
    db: Database, app_settings: Settings
) -> None:
    app = create_app(app_settings)
    async with running(app) as client:
        response = await client.get("/readyz")

    assert response.status_code == 200
    await db.ping()  # the test's own connections are untouched


async def test_graphql_is_served_without_a_redirect(db: Database, app_settings: Settings) -> None:
    async with running(create_app(app_settings, db)) as client:
        response = await client.post(
            "/graphql", json={"query": "{ events(first: 1) { totalCount } }"}
        )

    assert response.status_code == 200
    assert response.json() == {"data": {"events": {"totalCount": 0}}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cms_demo_serves_the_seed_content_on_a_fresh_data_directory(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["DATA_DIR"] = str(tmp_path / "data")
    cms = Path(sys.executable).with_name("cms")
    process = subprocess.Popen(
        [str(cms), "demo", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "cms demo did not start within 60 s"
            time.sleep(0.2)

        explorer = httpx.get(f"{url}/")
        response = httpx.post(
            f"{url}/graphql",
            json={
                "query": "{ events(first: 50) { totalCount } people(first: 100) { totalCount }"
                " committees(first: 50) { totalCount } }"
            },
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
    output = process.stdout.read() if process.stdout else ""

    # It says where the explorer is before anything else it serves, and serves it there.
    first_url = re.search(r"http://\S+", output)
    assert first_url is not None and first_url.group() == f"{url}/", output
    assert explorer.status_code == 200
    assert "/static/explorer/explorer.js" in explorer.text

    assert response.json() == {
        "data": {
            "events": {"totalCount": 10},
            "people": {"totalCount": 20},
            "committees": {"totalCount": 6},
        }
    }
    assert (tmp_path / "data" / "cms.sqlite3").exists()
