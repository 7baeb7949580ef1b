"""A realistic mix under sustained load: lists, pages, search and editor writes at once.

    python benchmarks/load_mix.py --write-doc        # 60 s per run, c32, both engines, 1 and 2 processes
    python benchmarks/load_mix.py --seconds 5 --dbs sqlite --processes 1

Seeds 200 synthetic events (synthetic_seeds.py, through servers.py as read_path.py does)
into a fresh database per engine and process count (PostgreSQL: `bench_load_*`
databases, dropped at the end), creates an editor token with `cms token create`, and
starts `cms serve --workers N` beside one `cms worker` (SEARCH_WORKER=false, for 1
process too, so that the two compare the same work), plus the raw Starlette JSON
endpoint (ceiling_app.py) as the ceiling.

The load comes from a second process on loopback, pinned to its own core: an asyncio
client on raw keep-alive HTTP/1.1 connections that holds `--concurrency` requests in
flight for `--seconds` (after a warm-up that is not counted). Each request is drawn
from the mix: 35% event lists (the frontend page query with varying `first`/`after`,
a third filtered by committee and a third by topic), 35% event pages over varying
slugs, 25% search (researcher queries, a typo among them, with facets), 5% editor
writes (`updateEvent` of a summary, on 20 events, with the version last seen; a version
conflict is an expected outcome, counted apart, after which the writer takes the version
the conflict names, or re-reads it: `reread`). Errors are non-200 answers, GraphQL
errors, unexpected write results, broken connections and timeouts (10 s), over every
request asked in the window; requests and latencies count the answers within it.

Every server also answers a trivial query (`{ __typename }`) under the same load, and
the ceiling answers it too, each beside its ratio to the ceiling. Per run the CPU used
in the run window is read from /proc: the server processes (summed over the tree
`cms serve` starts), the PostgreSQL backends of the run's database, the load client,
and the whole machine, in cores; with them the server's CPU per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from frontend_query import FRONTEND_QUERY  # the benchmarks folder is on the path above
from read_path import EVENT_PAGE, SEARCH
from servers import (
    CHECKOUT,
    CMS,
    Server,
    drop_created,
    free_port,
    machine_busy_seconds,
    named_cpu,
    post,
    prepare_database,
    psql,
    run,
    start,
    stop,
    tree_cpu,
    used_between,
    wait_ready,
    write_seeds,
)

EVENT_LIST = FRONTEND_QUERY.replace(
    "query EventsPage($first: Int!)",
    "query EventList($first: Int!, $after: String, $filter: EventFilter)",
).replace("events(first: $first)", "events(first: $first, after: $after, filter: $filter)")
assert "$filter" in EVENT_LIST and "filter: $filter" in EVENT_LIST, "FRONTEND_QUERY changed shape"

UPDATE_SUMMARY = """
mutation EditSummary($slug: String!, $input: EventUpdateInput!) {
  updateEvent(slug: $slug, input: $input) {
    __typename
    ... on EventUpdateSuccess { event { version } }
    ... on ConflictError { message currentVersion }
    ... on ValidationError { errors { field message } }
    ... on NotFoundError { message }
    ... on PermissionDeniedError { message }
  }
}
"""

EVENT_VERSION = "query EventVersion($slug: String!) { event(slug: $slug) { version } }"

FIXTURES = """
query Fixtures($after: String) {
  events(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { slug version } }
  }
  committees(first: 100) { edges { node { slug } } }
  topics(first: 100) { edges { node { slug } } }
}
"""

SEARCHES = [
    "impunity turkey",
    "impuntiy",  # a researcher's typo
    "human rights defenders",
    "Magnitsky sanctions",
    "journalists imprisoned",
    '"rule of law"',
    "torture",
    "freedom of expression",
    "elections",
    "hong kong",
    "russia",
    "civil society",
]

MIX = [("list", 35), ("event", 35), ("search", 25), ("write", 5)]
"""Each request's operation, by weight: 70% lists and pages, 25% search, 5% writes."""

WRITE_TARGETS = 20
"""Writes go to this many events, so that concurrent editors sometimes clash."""

WARMUP_SECONDS = 2.0
TIMEOUT_SECONDS = 10.0


# ---------------------------------------------------------------- the load client


class Connection:
    """One keep-alive HTTP/1.1 connection: a request, then its answer, then the next."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes, headers: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n%s\r\n%s" % (len(body), headers, body)
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lowered = head.lower()
        match = re.search(rb"\r\ncontent-length:\s*(\d+)", lowered)
        if match is None:
            raise ValueError(f"an answer without Content-Length: {head[:200]!r}")
        answer = await self.reader.readexactly(int(match.group(1)))
        if b"\r\nconnection: close" in lowered:
            self.close()
        return status, answer

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Tally:
    """What one operation did in the measured window."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    conflicts: int = 0
    samples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.samples) < 3:
            self.samples.append(what[:300])


class Mix:
    """Draws requests and judges answers; keeps the versions the editor last saw."""

    def __init__(self, fixtures: dict[str, Any], token: str, seed: int | None) -> None:
        self.rng = random.Random(seed)
        self.slugs: list[str] = fixtures["slugs"]
        self.cursors: list[str | None] = [None, *fixtures["cursors"]]
        self.committees: list[str] = fixtures["committees"]
        self.topics: list[str] = fixtures["topics"]
        self.versions: dict[str, int] = dict(list(fixtures["versions"].items())[:WRITE_TARGETS])
        self.editor = b"Authorization: Bearer %s\r\n" % token.encode()
        self.edits = 0
        names, weights = zip(*MIX, strict=True)
        self.names, self.weights = list(names), list(weights)

    def draw(self) -> str:
        return self.rng.choices(self.names, self.weights)[0]

    def request(
        self, operation: str, reread: str | None = None
    ) -> tuple[dict[str, Any], bytes, str | None]:
        """The payload, extra headers and the slug written (or re-read: `reread`)."""
        rng = self.rng
        if operation == "list":
            variables: dict[str, Any] = {"first": rng.choice([10, 20, 20, 50])}
            kind = rng.randrange(3)
            if kind == 1 and self.committees:
                variables["filter"] = {"committee": rng.choice(self.committees)}
            elif kind == 2 and self.topics:
                variables["filter"] = {"topic": rng.choice(self.topics)}
            else:
                variables["after"] = rng.choice(self.cursors)
            return {"query": EVENT_LIST, "variables": variables}, b"", None
        if operation == "event":
            return {"query": EVENT_PAGE, "variables": {"slug": rng.choice(self.slugs)}}, b"", None
        if operation == "search":
            return {"query": SEARCH, "variables": {"query": rng.choice(SEARCHES)}}, b"", None
        if operation == "write":
            slug = rng.choice(list(self.versions))
            self.edits += 1
            summary = f"Revised summary, edit {self.edits} of the load test."
            payload = {
                "query": UPDATE_SUMMARY,
                "variables": {
                    "slug": slug,
                    "input": {"version": self.versions[slug], "summary": summary},
                },
            }
            return payload, self.editor, slug
        if operation == "reread":
            return {"query": EVENT_VERSION, "variables": {"slug": reread}}, self.editor, reread
        return {"query": "{ __typename }"}, b"", None

    def judge(
        self, operation: str, status: int, answer: bytes, slug: str | None
    ) -> tuple[str, str | None]:
        """("ok" | "conflict" | "error", what went wrong), the editor's versions updated."""
        if status != 200:
            return "error", f"HTTP {status}: {answer[:200]!r}"
        body = json.loads(answer)
        if body.get("errors") or not body.get("data"):
            return "error", json.dumps(body)
        if operation == "reread":
            assert slug is not None
            self.versions[slug] = max(self.versions[slug], body["data"]["event"]["version"])
            return "ok", None
        if operation != "write":
            return "ok", None
        assert slug is not None
        result = body["data"]["updateEvent"]
        if result["__typename"] == "EventUpdateSuccess":
            self.versions[slug] = max(self.versions[slug], result["event"]["version"])
            return "ok", None
        if result["__typename"] == "ConflictError":
            if result.get("currentVersion") is not None:
                self.versions[slug] = max(self.versions[slug], result["currentVersion"])
                return "conflict", None
            return "conflict", "reread"
        return "error", json.dumps(result)


async def _fixtures(port: int) -> dict[str, Any]:
    connection = Connection(port)
    slugs: list[str] = []
    cursors: list[str] = []
    versions: dict[str, int] = {}
    after = None
    while True:
        status, answer = await connection.post(
            json.dumps({"query": FIXTURES, "variables": {"after": after}}).encode(), b""
        )
        body = json.loads(answer)
        if status != 200 or body.get("errors"):
            raise SystemExit(f"fixtures: HTTP {status} {body}")
        data = body["data"]
        for number, edge in enumerate(data["events"]["edges"]):
            slugs.append(edge["node"]["slug"])
            versions[edge["node"]["slug"]] = edge["node"]["version"]
            if number % 10 == 9:
                cursors.append(edge["cursor"])
        if not data["events"]["pageInfo"]["hasNextPage"]:
            break
        after = data["events"]["pageInfo"]["endCursor"]
    connection.close()
    return {
        "slugs": slugs,
        "cursors": cursors,
        "versions": versions,
        "committees": [e["node"]["slug"] for e in data["committees"]["edges"]],
        "topics": [e["node"]["slug"] for e in data["topics"]["edges"]],
    }


async def _load(
    port: int, only: str | None, seconds: float, concurrency: int, token: str, seed: int | None
) -> dict[str, Any]:
    fixtures = (
        {"slugs": [], "cursors": [], "versions": {}, "committees": [], "topics": []}
        if only
        else await _fixtures(port)
    )
    mix = Mix(fixtures, token, seed)
    tallies: dict[str, Tally] = {}
    started = time.perf_counter()
    window = (started + WARMUP_SECONDS, started + WARMUP_SECONDS + seconds)

    async def one(connection: Connection, operation: str, reread: str | None = None) -> str | None:
        """Asks and tallies; the slug whose version a write's conflict left to re-read."""
        payload, headers, slug = mix.request(operation, reread)
        body = json.dumps(payload).encode()
        began = time.perf_counter()
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                status, answer = await connection.post(body, headers)
            outcome, note = mix.judge(operation, status, answer, slug)
        except TimeoutError:
            connection.close()
            outcome, note = "error", f"timeout after {TIMEOUT_SECONDS:.0f} s"
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            connection.close()
            outcome, note = "error", f"{type(error).__name__}: {error}"
        ended = time.perf_counter()
        if window[0] <= began:  # what was asked in the window; the answers in it are timed
            tally = tallies.setdefault(operation, Tally())
            if ended <= window[1]:
                tally.latencies.append(ended - began)
            if outcome == "error":
                tally.error(note or "")
            elif outcome == "conflict":
                tally.conflicts += 1
        return slug if outcome == "conflict" and note == "reread" else None

    async def user() -> None:
        connection = Connection(port)
        while time.perf_counter() < window[1]:
            operation = only or mix.draw()
            stale = await one(connection, operation)
            if stale is not None:
                await one(connection, "reread", stale)
        connection.close()

    client_cpu = 0.0

    async def announce() -> None:
        nonlocal client_cpu
        await asyncio.sleep(window[0] - time.perf_counter())
        print("measuring", flush=True)
        cpu = time.process_time()
        await asyncio.sleep(window[1] - time.perf_counter())
        print("measured", flush=True)
        client_cpu = time.process_time() - cpu

    await asyncio.gather(announce(), *(user() for _ in range(concurrency)))
    return {
        "seconds": seconds,
        "client_cpu": client_cpu,
        "operations": {
            name: {
                "latencies": t.latencies,
                "errors": t.errors,
                "conflicts": t.conflicts,
                "samples": t.samples,
            }
            for name, t in tallies.items()
        },
    }


def client_main(args: argparse.Namespace) -> int:
    try:
        import uvloop
    except ImportError:  # the standard loop does too, at some more CPU per request
        runner = asyncio.run
    else:
        runner = uvloop.run
    result = runner(
        _load(args.port, args.only, args.seconds, args.concurrency, args.token, args.seed)
    )
    Path(args.out).write_text(json.dumps(result))  # not stdout: uvloop may leave it non-blocking
    return 0


# ---------------------------------------------------------------- the runs


@dataclass
class Setup:
    """A server under test: an engine and a number of web processes, or the ceiling."""

    label: str
    engine: str
    processes: int
    server: Server
    token: str = ""
    database: str | None = None
    worker: Server | None = None
    results: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _pg_backends(admin_url: str, database: str | None) -> list[int]:
    if database is None:
        return []
    out = psql(
        admin_url, f"SELECT pid FROM pg_stat_activity WHERE datname = '{database}'", "postgres"
    )
    return [int(line) for line in out.split()]


def _one_run(
    setup: Setup, only: str | None, args: argparse.Namespace, work: Path
) -> dict[str, Any]:
    assert setup.server.process is not None
    out = work / "client.json"
    command = [
        "taskset",
        "-c",
        args.client_cpu,
        sys.executable,
        str(Path(__file__).resolve()),
        "--client",
        "--port",
        str(setup.server.port),
        "--seconds",
        str(args.seconds),
        "--concurrency",
        str(args.concurrency),
        "--token",
        setup.token,
        "--out",
        str(out),
    ]
    if only:
        command += ["--only", only]
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    client = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=CHECKOUT)
    assert client.stdout is not None
    roots = [setup.server.process.pid]
    workers = [setup.worker.process.pid] if setup.worker and setup.worker.process else []
    line = client.stdout.readline()
    if line.strip() != "measuring":
        client.wait()
        raise SystemExit(f"{setup.label}: the load client failed before measuring ({line!r})")
    backends = _pg_backends(args.pg_admin_url, setup.database)

    def snapshot() -> tuple[Any, ...]:
        """CPU seconds of servers, worker, PostgreSQL, client and machine, and the clock."""
        return (
            tree_cpu(roots),
            tree_cpu(workers),
            named_cpu("postgres"),
            tree_cpu([client.pid]),
            machine_busy_seconds(),
            time.perf_counter(),
        )

    before = snapshot()
    line = client.stdout.readline()
    after = snapshot()
    if client.wait() != 0 or line.strip() != "measured":
        raise SystemExit(f"{setup.label}: the load client failed")
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    wall = after[5] - before[5]
    result["server_cores"] = used_between(before[0], after[0]) / wall
    result["worker_cores"] = used_between(before[1], after[1]) / wall
    backends += _pg_backends(args.pg_admin_url, setup.database)  # any opened meanwhile
    result["postgres_cores"] = (
        used_between(before[2], {p: c for p, c in after[2].items() if p in backends}) / wall
    )
    result["client_cores"] = used_between(before[3], after[3]) / wall
    result["machine_cores"] = (after[4][0] - before[4][0]) / wall
    result["machine_of"] = (after[4][1] - before[4][1]) / wall
    result["wall"] = wall
    return result


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def _rps(result: dict[str, Any]) -> float:
    requests = sum(len(op["latencies"]) for op in result["operations"].values())
    return requests / result["seconds"]


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _span(values: list[float], digits: int) -> str:
    middle = _median(values)
    if len(values) < 2:
        return f"{middle:,.{digits}f}"
    return f"{middle:,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def _report(setups: list[Setup], args: argparse.Namespace) -> tuple[str, int]:
    """The Markdown tables, and the number of errors in all runs."""
    ceiling = next(s for s in setups if s.engine == "ceiling")
    ceiling_rps = _median([_rps(r) for r in ceiling.results["typename"]])
    errors = 0
    lines = [
        (
            f"Each figure is over the {args.seconds:g} s window of a run at a sustained "
            f"concurrency of {args.concurrency} ({args.rounds} round(s), shuffled; with more "
            "than one, medians with the range in brackets); latencies in ms."
        ),
        "",
        (
            "| server | load | req/s | × ceiling | server CPU ms/req | server cores "
            "| worker cores | PostgreSQL cores | client cores | machine busy | errors | conflicts |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for setup in setups:
        for load in ("mix", "typename"):
            runs = setup.results.get(load)
            if not runs:
                continue
            rps = [_rps(r) for r in runs]
            run_errors = sum(o["errors"] for r in runs for o in r["operations"].values())
            conflicts = sum(o["conflicts"] for r in runs for o in r["operations"].values())
            errors += run_errors
            cpu_per_request = [
                1000 * r["server_cores"] * r["wall"] / max(1, _rps(r) * r["seconds"]) for r in runs
            ]
            machine = (
                f"{_median([r['machine_cores'] for r in runs]):.2f} of {runs[0]['machine_of']:.0f}"
            )
            lines.append(
                f"| {setup.label} | {'the mix' if load == 'mix' else '`{ __typename }`'} "
                f"| {_span(rps, 0)} | {_median(rps) / ceiling_rps:.3f} "
                f"| {_span(cpu_per_request, 2)} "
                f"| {_median([r['server_cores'] for r in runs]):.2f} "
                f"| {_median([r['worker_cores'] for r in runs]):.2f} "
                f"| {_median([r['postgres_cores'] for r in runs]):.2f} "
                f"| {_median([r['client_cores'] for r in runs]):.2f} "
                f"| {machine} | {run_errors} | {conflicts} |"
            )
    lines += [
        "",
        (
            "Per operation of the mix (a version conflict on a write is an expected answer, "
            "counted apart from errors; `reread` reads the version after a conflict):"
        ),
        "",
        "| server | operation | requests | req/s | p50 | p95 | p99 | errors | conflicts |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for setup in setups:
        runs = setup.results.get("mix")
        if not runs:
            continue
        names = sorted({n for r in runs for n in r["operations"]}, key=_operation_order)
        for name in names:
            ops = [r["operations"].get(name) for r in runs]
            present = [(op, r) for op, r in zip(ops, runs, strict=True) if op]
            figures = []
            for fraction in (0.50, 0.95, 0.99):
                figures.append(
                    _median(
                        [1000 * _percentile(sorted(op["latencies"]), fraction) for op, _ in present]
                    )
                )
            requests = sum(len(op["latencies"]) for op, _ in present)
            op_rps = _median([len(op["latencies"]) / r["seconds"] for op, r in present])
            lines.append(
                f"| {setup.label} | {name} | {requests:,} | {op_rps:,.0f} "
                f"| {figures[0]:.1f} | {figures[1]:.1f} | {figures[2]:.1f} "
                f"| {sum(op['errors'] for op, _ in present)} "
                f"| {sum(op['conflicts'] for op, _ in present)} |"
            )
    lines += _scaling(setups)
    ceiling_run = ceiling.results["typename"][0]
    client_ms = 1000 * ceiling_run["client_cores"] / max(1.0, _rps(ceiling_run))
    lines += [
        "",
        (
            f"The load client used {client_ms:.3f} ms of CPU per request against the ceiling: "
            f"one core drives about {1000 / client_ms:,.0f} req/s, so it is not what limits the "
            "servers (its cores per run are in the first table)."
        ),
    ]
    return "\n".join(lines), errors


def _operation_order(name: str) -> int:
    order = [n for n, _ in MIX] + ["reread"]
    return order.index(name) if name in order else len(order)


def _scaling(setups: list[Setup]) -> list[str]:
    lines = []
    for engine in ("sqlite", "postgres"):
        by_processes = {
            s.processes: s for s in setups if s.engine == engine and s.results.get("mix")
        }
        if 1 not in by_processes or 2 not in by_processes:
            continue
        one, two = by_processes[1].results["mix"], by_processes[2].results["mix"]
        ratio = _median([_rps(r) for r in two]) / _median([_rps(r) for r in one])

        def cores(runs: list[dict[str, Any]]) -> str:
            server = _median([r["server_cores"] for r in runs])
            worker = _median([r["worker_cores"] for r in runs])
            pg = _median([r["postgres_cores"] for r in runs])
            client = _median([r["client_cores"] for r in runs])
            machine = _median([r["machine_cores"] for r in runs])
            return (
                f"servers {server:.2f} + worker {worker:.2f} + PostgreSQL {pg:.2f} "
                f"+ client {client:.2f} = {server + worker + pg + client:.2f} cores "
                f"of the machine's {machine:.2f} busy out of {runs[0]['machine_of']:.0f} "
                f"(other processes: {machine - server - worker - pg - client:.2f})"
            )

        lines += [
            "",
            (
                f"{_ENGINE[engine]}: 2 processes give {ratio:.2f}× the mix throughput of one. "
                f"1 process: {cores(one)}; 2 processes: {cores(two)}."
            ),
        ]
    return lines


_ENGINE = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def _write_doc(table: str, command: str, args: argparse.Namespace) -> Path:
    path = CHECKOUT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8")
    section = (
        "## Load: a realistic mix\n\n"
        "Lists and pages (70%), search (25%) and editor writes (5%) from a second process "
        "on loopback; what the mix holds and how the CPU is counted is in the docstring of "
        "`benchmarks/load_mix.py`. Each server is `cms serve --workers N` beside one "
        "`cms worker` (`SEARCH_WORKER=false`, for one process too), on a fresh database of "
        f"{args.events} events, on cores {args.server_cpus}; the load client runs on core "
        f"{args.client_cpu}. Measured on {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}, with\n\n"
        f"    {command}\n\n"
        f"{table}\n"
    )
    start_at = text.find("## Load: a realistic mix")
    if start_at < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = re.search(r"^## ", text[start_at + 3 :], re.MULTILINE)
        end = start_at + 3 + following.start() if following else len(text)
        text = text[:start_at] + section + ("\n" + text[end:] if following else "")
    path.write_text(text, encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="measured, per run")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--dbs", default="sqlite,postgres", help="engines, comma-separated")
    parser.add_argument("--processes", default="1,2", help="web processes, comma-separated")
    parser.add_argument("--rounds", type=int, default=1, help="rounds, in a shuffled order each")
    parser.add_argument(
        "--pg-admin-url",
        default="postgres://postgres@127.0.0.1:5432",
        help="a PostgreSQL server where bench_load_* databases may be created",
    )
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--client-cpu", default="1", help="the load client's core (taskset)")
    parser.add_argument(
        "--server-cpus",
        default=f"0-{(os.cpu_count() or 1) - 1}",
        help="the servers' and the ceiling's cores (taskset); all by default",
    )
    parser.add_argument("--seed", type=int, default=None, help="for the order and the mix")
    parser.add_argument("--write-doc", action="store_true", help="write docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    # The load client: this file again, in a process of its own.
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--only", help=argparse.SUPPRESS)
    parser.add_argument("--token", default="", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client_main(args)

    engines = [e for e in args.dbs.split(",") if e]
    process_counts = [int(p) for p in args.processes.split(",") if p]
    if shutil.which("taskset") is None:
        raise SystemExit("taskset is not installed (Debian: apt-get install util-linux)")
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="load-mix-"))
    print(f"work directory: {work}", flush=True)
    ceiling = Server("ceiling", HERE, {"PYTHONPATH": str(HERE)}, free_port())
    ceiling.app, ceiling.factory = "ceiling_app:app", False
    setups = [Setup("ceiling", "ceiling", 1, ceiling)]
    errors = 0
    try:
        seeds = write_seeds(work, args.events)
        print("preparing databases", flush=True)
        for engine in engines:
            for processes in process_counts:
                name = f"{engine}-{processes}"
                env = prepare_database(
                    CHECKOUT, engine, name, seeds, work, args.pg_admin_url, prefix="bench_load"
                )
                env["SEARCH_WORKER"] = "false"  # one `cms worker` beside the web processes
                token = run(
                    [*CMS, "token", "create", "--name", "load-mix", "--role", "editor"],
                    CHECKOUT,
                    env,
                ).strip()
                serve = [*CMS, "serve", "--port", "{port}", "--workers", str(processes)]
                label = f"{_ENGINE[engine]}, {processes} process{'es' if processes > 1 else ''}"
                setup = Setup(
                    label,
                    engine,
                    processes,
                    Server(label, CHECKOUT, env, free_port(), command=serve),
                    token=token,
                    database=env["DATABASE_URL"].rsplit("/", 1)[1]
                    if engine == "postgres"
                    else None,
                    worker=Server(f"{name}-worker", CHECKOUT, env, 0, command=[*CMS, "worker"]),
                )
                setups.append(setup)
        for setup in setups:
            if setup.worker is not None:
                start(setup.worker, work, args.server_cpus)
            setup.server.label = setup.server.label.replace(", ", "-").replace(" ", "-")
            start(setup.server, work, args.server_cpus)
        for setup in setups:
            wait_ready(setup.server)
            if setup.engine != "ceiling":
                answer = post(setup.server, {"query": "{ __typename }"})
                if answer.get("errors"):
                    raise SystemExit(f"{setup.label}: {answer}")
        print("servers ready: " + ", ".join(s.label for s in setups), flush=True)

        runs = [
            (s, load)
            for s in setups
            for load in (["typename"] if s.engine == "ceiling" else ["mix", "typename"])
        ]
        for round_number in range(args.rounds):
            rng.shuffle(runs)
            for setup, load in runs:
                result = _one_run(setup, None if load == "mix" else "typename", args, work)
                setup.results.setdefault(load, []).append(result)
                errors = sum(o["errors"] for o in result["operations"].values())
                print(
                    f"  round {round_number + 1}: {setup.label}, {load}: {_rps(result):,.0f} req/s, "
                    f"{errors} errors, client {result['client_cores']:.2f} cores",
                    flush=True,
                )
                for name, op in result["operations"].items():
                    for sample in op["samples"]:
                        print(f"    {name} error: {sample}", flush=True)
        table, errors = _report(setups, args)
        print()
        print(table)
        command = " ".join(["python benchmarks/load_mix.py", *sys.argv[1:]])
        if args.write_doc:
            print(f"\nwrote {_write_doc(table, command, args)}")
    finally:
        stop([s.server for s in setups] + [s.worker for s in setups if s.worker])
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        drop_created(args.pg_admin_url)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
