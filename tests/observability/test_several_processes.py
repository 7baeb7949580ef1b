"""`cms serve --workers 2`: whichever process answers a scrape, the counters add up every
request that either process served, and each request still logs one JSON line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from server.database import Database
from server.observability.exposition import MULTIPROC_ENV, fresh_multiprocess_directory
from tests.observability.scrape import samples, value
from tests.processes import free_port, wait_until_answers

PAGE = {"query": "query EventsPage { events(first: 5) { totalCount edges { node { title } } } }"}
BURST = 8
MOST_REQUESTS = 400


def _served_by(directory: Path) -> set[str]:
    """The processes that have counted a request (prometheus-client writes a file per pid)."""
    return {path.stem.split("_")[-1] for path in directory.glob("counter_*.db")}


def test_two_processes_count_every_request_between_them(db: Database, tmp_path: Path) -> None:
    shared = tmp_path / "metrics"
    shared.mkdir()
    (shared / "counter_1.db").write_bytes(b"left by an earlier run, unreadable")
    (shared / "notes.txt").write_text("not ours to remove\n", encoding="utf-8")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "TEST_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR")
    }
    env.update(
        DATABASE_URL=db.url,
        DATA_DIR=str(tmp_path / "data"),
        ENVIRONMENT="production",
        METRICS_ENABLED="true",
        PROMETHEUS_MULTIPROC_DIR=str(shared),
        # Both processes read; neither writes the embedded index.
        SEARCH_WORKER="false",
    )
    log = tmp_path / "server.log"
    cms = Path(sys.executable).with_name("cms")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(cms), "serve", "--workers", "2", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    sent: list[str] = []

    def one(request_id: str) -> int:
        # A new connection each time, so that either process may accept it.
        headers = {"Connection": "close", "X-Request-ID": request_id}
        return httpx.post(f"{url}/graphql", json=PAGE, headers=headers, timeout=30).status_code

    try:
        wait_until_answers(f"{url}/readyz", process, log, name="cms serve", seconds=60)
        assert not (shared / "counter_1.db").exists()
        with ThreadPoolExecutor(4) as pool:
            while len(_served_by(shared)) < 2 or len(sent) < 20:
                assert len(sent) < MOST_REQUESTS, "one process took every connection"
                ids = [f"two-processes-{len(sent) + n}" for n in range(BURST)]
                assert list(pool.map(one, ids)) == [200] * BURST
                sent += ids
        scraped = samples(httpx.get(f"{url}/metrics", timeout=30).text)
    finally:
        process.terminate()
        process.wait(timeout=30)

    labels = {"operation_name": "EventsPage", "operation_type": "query", "status": "200"}
    assert value(scraped, "cms_graphql_requests_total", **labels) == len(sent)
    timed = {"operation_name": "EventsPage", "operation_type": "query"}
    assert value(scraped, "cms_graphql_request_duration_seconds_count", **timed) == len(sent)
    routes = {"route": "/graphql", "method": "POST", "status": "200"}
    assert value(scraped, "cms_http_requests_total", **routes) == len(sent)
    assert (shared / "notes.txt").exists()

    # `cms serve` may print a note of its own before logging starts; every log line is JSON.
    output = log.read_text(encoding="utf-8").splitlines()
    lines = [json.loads(line) for line in output if line.startswith("{")]
    assert any(line["logger"] == "uvicorn.error" for line in lines)  # uvicorn's own, as JSON
    logged = [line for line in lines if line["logger"] == "cms.requests"]
    assert sorted(line["request_id"] for line in logged) == sorted(sent)
    assert {(line["operation_name"], line["status"]) for line in logged} == {("EventsPage", 200)}


def test_several_workers_without_a_directory_get_a_temporary_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    with fresh_multiprocess_directory(1) as single:
        assert single is None and MULTIPROC_ENV not in os.environ
    with fresh_multiprocess_directory(2) as directory:
        assert directory is not None and directory.is_dir()
        assert os.environ[MULTIPROC_ENV] == str(directory)

    assert not directory.exists()
    assert MULTIPROC_ENV not in os.environ
