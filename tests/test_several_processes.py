"""`cms serve --workers N`: several web processes on one port, on PostgreSQL, with the
search sync worker in none of them, and the embedded engine refused several writers."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.auth.viewer import Role
from server.database import Database
from server.indexing import outbox
from server.indexing.models import IndexMarker
from tests.auth.conftest import bearer, make_token
from tests.factories import make_event
from tests.processes import free_port, wait_until_answers

SEARCH = "query Search($text: String!) { search(query: $text) { totalHits } }"
COMMITTEES = "{ committees(first: 50) { edges { node { slug } } } }"
# Only the process a client registered this document with knows its hash: the
# persisted-query store is per process, so it tells the two processes apart.
PROBE = "query WhichProcess { __typename }"
PROBE_HASH = hashlib.sha256(PROBE.encode()).hexdigest()
PROBE_BY_HASH = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": PROBE_HASH}}}
CREATE_COMMITTEE = """
mutation CreateCommittee($slug: String!) {
  createCommittee(input: {slug: $slug, name: "A committee"}) { __typename }
}
"""


def _serve_environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "TEST_DATABASE_URL", "MEILI_URL", "SEARCH_WORKER")
    }
    env.update(DATA_DIR=str(tmp_path / "data"), **settings)
    return env


CMS = str(Path(sys.executable).with_name("cms"))


def _cms(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CMS, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,  # callers assert on the return code, with the output in the message
    )


@contextmanager
def _serving(env: dict[str, str], tmp_path: Path, workers: int) -> Iterator[str]:
    """`cms serve --workers N` on a free loopback port, from when it answers; its base URL."""
    with _serve_process(env, tmp_path, workers) as (url, _):
        yield url


@contextmanager
def _serve_process(
    env: dict[str, str], tmp_path: Path, workers: int
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`cms serve --workers N` from when it answers: its base URL and its process."""
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [CMS, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(
            f"{url}/graphql?query=%7B__typename%7D", process, log, name="cms serve", seconds=60
        )
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _postgres_only(db: Database) -> None:
    if db.url.startswith("sqlite://"):
        pytest.skip("PostgreSQL only: several web processes are for PostgreSQL deployments")


def _one_connection(url: str) -> httpx.Client:
    """A client whose requests all go over one connection, so to one process."""
    return httpx.Client(base_url=url, limits=httpx.Limits(max_connections=1), timeout=30)


def _graphql(client: httpx.Client, body: dict[str, object], **headers: str) -> dict[str, Any]:
    response = client.post("/graphql", json=body, headers=headers)
    assert response.status_code in (200, 400), response.text
    answer: dict[str, Any] = response.json()
    return answer


def _knows_the_probe(client: httpx.Client) -> bool:
    """Whether the process behind this client's connection has the probe registered."""
    body = _graphql(client, PROBE_BY_HASH)
    if body.get("data") == {"__typename": "Query"}:
        return True
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND", body
    return False


def _one_client_per_process(url: str) -> tuple[httpx.Client, httpx.Client]:
    """A client held to the process that registered the probe, and one held to another.

    Connections go to whichever process accepts first, so new ones are opened, several
    at a time, until one lands on a process that does not know the probe.
    """
    registered = _one_connection(url)
    _graphql(registered, {"query": PROBE, **PROBE_BY_HASH})
    assert _knows_the_probe(registered)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        candidates = [_one_connection(url) for _ in range(8)]
        for client in candidates:
            _graphql(client, {"query": "{ __typename }"})  # connect them all first
        other = next((c for c in candidates if not _knows_the_probe(c)), None)
        for client in candidates:
            if client is not other:
                client.close()
        if other is not None:
            return registered, other
    registered.close()
    raise AssertionError("every connection in 30 s was answered by the same process")


def _committees(client: httpx.Client) -> list[str]:
    body = _graphql(client, {"query": COMMITTEES})
    return [edge["node"]["slug"] for edge in body["data"]["committees"]["edges"]]


def _create_committee(client: httpx.Client, slug: str, token: str) -> None:
    body = _graphql(
        client, {"query": CREATE_COMMITTEE, "variables": {"slug": slug}}, **bearer(token)
    )
    assert body == {"data": {"createCommittee": {"__typename": "CommitteeCreateSuccess"}}}


def test_several_processes_refuse_the_embedded_engine_unless_search_writes_happen_elsewhere(
    tmp_path: Path,
) -> None:
    env = _serve_environment(
        tmp_path, DATABASE_URL=f"sqlite://{(tmp_path / 'cms.sqlite3').as_posix()}"
    )
    port = free_port()

    refused = _cms("serve", "--workers", "2", "--port", str(port), env=env, cwd=tmp_path)

    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "the embedded search engine (tantivy) takes one writer process" in refused.stderr
    assert "Run one `cms worker` beside the server and set SEARCH_WORKER=false" in refused.stderr
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/graphql", timeout=1)


async def test_two_processes_answer_and_each_sees_the_others_writes(
    db: Database, tmp_path: Path
) -> None:
    _postgres_only(db)
    editor = (await make_token("editor", Role.EDITOR)).secret
    env = _serve_environment(tmp_path, DATABASE_URL=db.url, SEARCH_WORKER="false")

    with _serving(env, tmp_path, workers=2) as url:
        first, second = _one_client_per_process(url)
        try:
            before = (_committees(first), _committees(second))
            _create_committee(first, "written-through-the-first", editor)
            seen_by_second = _committees(second)
            _create_committee(second, "written-through-the-second", editor)
            seen_by_first = _committees(first)
            still_apart = (_knows_the_probe(first), _knows_the_probe(second))
        finally:
            first.close()
            second.close()

    assert before == ([], [])
    assert seen_by_second == ["written-through-the-first"]
    assert sorted(seen_by_first) == ["written-through-the-first", "written-through-the-second"]
    assert still_apart == (True, False)  # the clients were held to their processes throughout
    log = (tmp_path / "serve.log").read_text()
    assert "Serving from 2 web processes; the search sync worker runs in none of them" in log


async def test_several_processes_never_run_the_sync_worker_whatever_the_setting(
    db: Database, tmp_path: Path
) -> None:
    # With Meilisearch several writers are safe, so SEARCH_WORKER left on is no error; the
    # web processes still leave the outbox to `cms worker`. A worker that ran would
    # claim the pending event and, with the engine down, record a failed attempt.
    _postgres_only(db)
    event = await make_event()
    await outbox.mark_events([event.id])
    closed = f"http://127.0.0.1:{free_port()}"
    env = _serve_environment(tmp_path, DATABASE_URL=db.url, MEILI_URL=closed)

    with _serving(env, tmp_path, workers=2):
        await asyncio.sleep(2)  # four of the worker's poll intervals
        marker = await IndexMarker.get(object_id=event.id)

    assert (marker.attempts, marker.last_error, marker.claimed_until) == (0, None, None)
    log = (tmp_path / "serve.log").read_text()
    assert "run `cms worker` beside them." in log


def _cms_holding(
    clients: list[httpx.Client], *args: str, env: dict[str, str], cwd: Path
) -> tuple[int, str]:
    """Runs `cms ARGS...` while the clients' connections are kept busy, so that none is
    closed as idle (and reopened, perhaps to another process) meanwhile; its return
    code and output."""
    with (cwd / "cms.err").open("w") as stderr:
        process = subprocess.Popen(
            [CMS, *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    while process.poll() is None:
        for client in clients:
            _graphql(client, {"query": "{ __typename }"})
        time.sleep(0.2)
    stdout, _ = process.communicate()
    assert process.returncode == 0, (cwd / "cms.err").read_text()
    return process.returncode, stdout.strip()


def _search_hits(client: httpx.Client, text: str) -> int:
    body = _graphql(client, {"query": SEARCH, "variables": {"text": text}})
    hits: int = body["data"]["search"]["totalHits"]
    return hits


async def test_every_process_searches_what_the_one_cms_worker_wrote(
    db: Database, tmp_path: Path
) -> None:
    _postgres_only(db)
    event = await make_event(title="Candlelight vigil")
    await outbox.mark_events([event.id])
    env = _serve_environment(tmp_path, DATABASE_URL=db.url, SEARCH_WORKER="false")

    with _serving(env, tmp_path, workers=2) as url:
        first, second = _one_client_per_process(url)
        try:
            before = (_search_hits(first, "vigil"), _search_hits(second, "vigil"))
            code, said = _cms_holding([first, second], "worker", "--once", env=env, cwd=tmp_path)
            after = (_search_hits(first, "vigil"), _search_hits(second, "vigil"))
            still_apart = (_knows_the_probe(first), _knows_the_probe(second))
        finally:
            first.close()
            second.close()

    assert code == 0
    assert "synced 1, failed 0" in said.splitlines()
    assert (before, after) == ((0, 0), (1, 1))
    assert still_apart == (True, False)


def _listening_sockets(port: int) -> set[int]:
    """The inodes of the IPv4 sockets listening on a loopback port (from /proc/net/tcp)."""
    listening = "0A"
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == listening:
            inodes.add(int(fields[9]))
    return inodes


def _sockets_of(pid: int) -> set[int]:
    """The inodes of the sockets a process holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:
            continue  # closed since the listing
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def _web_processes(server: subprocess.Popen[bytes], port: int) -> dict[int, set[int]]:
    """The server's child processes that listen on its port, with the sockets they listen on."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    listening = _listening_sockets(port)
    found = {int(pid): _sockets_of(int(pid)) & listening for pid in children}
    return {pid: sockets for pid, sockets in found.items() if sockets}


def _until(condition: Any, seconds: float = 60) -> Any:
    """Polls until condition() is truthy (a deadline for a slow machine, not a speed check)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"not the case after {seconds} s: {condition.__doc__ or condition}")


async def test_each_web_process_listens_on_a_socket_of_its_own_and_a_dead_one_is_replaced(
    db: Database, tmp_path: Path
) -> None:
    # One socket per process, spread by the kernel (SO_REUSEPORT), rather than one socket
    # shared by all, whose connections went mostly to one process under a burst.
    _postgres_only(db)
    env = _serve_environment(tmp_path, DATABASE_URL=db.url, SEARCH_WORKER="false")

    with _serve_process(env, tmp_path, workers=2) as (url, server):
        port = int(url.rsplit(":", 1)[1])

        def two_web_processes(without: int | None = None) -> dict[int, set[int]] | None:
            found = _web_processes(server, port)
            return found if len(found) == 2 and without not in found else None

        first = _until(two_web_processes)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        second = _until(lambda: two_web_processes(without=victim))
        with _one_connection(url) as client:
            answered_after = _graphql(client, {"query": "{ __typename }"})
        server.terminate()
        server.wait(timeout=30)
        left_listening = _listening_sockets(port)

    sockets = [socket for sockets in first.values() for socket in sockets]
    assert len(sockets) == 2 and len(set(sockets)) == 2  # two sockets, one in each process
    assert set(second) - set(first) and len(second) == 2  # the dead one replaced
    assert answered_after == {"data": {"__typename": "Query"}}
    assert left_listening == set()  # stopping the server stopped every process
    log = (tmp_path / "serve.log").read_text()
    assert f"Web process [{victim}] ended with -9; starting another" in log


def test_several_processes_refuse_a_port_already_in_use(tmp_path: Path) -> None:
    env = _serve_environment(tmp_path, SEARCH_WORKER="false")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        refused = _cms("serve", "--workers", "2", "--port", str(port), env=env, cwd=tmp_path)

    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert f"127.0.0.1:{port} is in use: another server listens there" in refused.stderr
