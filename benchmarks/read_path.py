"""What a read costs: every server and query side by side, in shuffled rounds, in one run.

    python benchmarks/read_path.py                          # this checkout, SQLite + PostgreSQL
    python benchmarks/read_path.py --baseline ../before     # and a worktree of another commit
    python benchmarks/read_path.py --dbs sqlite --rounds 3 --seconds 5

Seeds 200 synthetic events (benchmarks/synthetic_seeds.py) into a fresh database per
checkout and engine (PostgreSQL: databases named `bench_read_path_*`, dropped and
created on the server `--pg-admin-url` names), starts one uvicorn (uvloop + httptools,
production settings) per checkout, engine and response-cache setting on core 0, and a
raw Starlette JSON endpoint as the ceiling, then loads each with `wrk` on core 1, in an
order shuffled every round. For each server and query it prints requests/s, p50 and p99
latency, the server's CPU per request (utime + stime from /proc/<pid>/stat over the run),
and the ratio of its requests/s to the ceiling's; figures are medians over the rounds,
with the range across rounds beside them, so the noise is on the page.

A baseline (`--baseline PATH`, a `git worktree add` of another commit) runs with this
interpreter and that tree first on its import path, from its own directory; each server
reports the file it imported its app from, and the run stops if a baseline server did not
import the baseline's code. On PostgreSQL a third database is ANALYZEd by hand after the
seed (`pg+analyze`), to compare with what `cms seed` leaves behind.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from frontend_query import FRONTEND_QUERY  # the benchmarks folder is on the path above
from servers import (
    CHECKOUT,
    Server,
    cpu_seconds,
    drop_created,
    free_port,
    post,
    prepare_database,
    run,
    start,
    stop,
    wait_ready,
    write_seeds,
)

EVENT_PAGE = """
query EventPage($slug: String!) {
  event(slug: $slug) {
    title dates place bodyHtml outcomesHtml
    participants { role affiliation person { name slug } }
    recordings {
      title platform url
      transcript { language segments(first: 50) { edges { node { startMs text speakerName } } } }
    }
    organisations { role organisation { name url } }
  }
}
"""

SEARCH = """
query Search($query: String!) {
  search(query: $query, facets: [KIND, COMMITTEE, YEAR], first: 10) {
    totalHits
    hits {
      ... on EventHit { score event { slug title dates } highlights { field snippet } }
      ... on PersonHit { person { slug name } highlights { field snippet } }
      ... on TranscriptHit { event { title } startMs speakerName snippet url }
    }
    facets { facet values { value label count } }
  }
}
"""

QUERIES: dict[str, dict[str, Any]] = {
    "typename": {"query": "{ __typename }"},
    "page": {"query": FRONTEND_QUERY, "variables": {"first": 20}},
    "event": {"query": EVENT_PAGE, "variables": {"slug": "impunity-an-unchanging-rule-in-turkey"}},
    "search": {"query": SEARCH, "variables": {"query": "impunity turkey"}},
}

WHICH_APP = "import cms.app, json, sys; print(json.dumps(cms.app.__file__))"


GENERATION_READS = """
import asyncio, os, time
from server.database import Database
from server.content.generation import current_generation
from server.settings import Settings

async def main():
    async with Database.from_settings(Settings()) as database:
        connection = database.connection()
        for _ in range(200):
            await current_generation(connection)
        started = time.perf_counter()
        cpu = time.process_time()
        for _ in range(N):
            await current_generation(connection)
        print((time.perf_counter() - started) / N * 1e6, (time.process_time() - cpu) / N * 1e6)

N = 5000
asyncio.run(main())
"""


def _generation_read_cost(checkout: Path, env: dict[str, str]) -> tuple[float, float]:
    """Microseconds per read of the content generation: wall clock, and this process's CPU."""
    wall, cpu = run(
        ["taskset", "-c", "0", sys.executable, "-c", GENERATION_READS], checkout, env
    ).split()
    return float(wall), float(cpu)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def _wrk(server: Server, script: Path, seconds: float, connections: int) -> dict[str, float]:
    assert server.process is not None
    before = cpu_seconds(server.process.pid)
    output = subprocess.run(
        [
            "taskset",
            "-c",
            "1",
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-s",
            str(script),
            server.url + "/graphql",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = cpu_seconds(server.process.pid) - before
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if bad or "Socket errors" in output:
        raise SystemExit(f"{server.label}: errors under load:\n{output}")
    distribution = output.split("Latency Distribution", 1)[1]
    p50 = _ms(re.search(r"50%\s+(\S+)", distribution).group(1))
    p99 = _ms(re.search(r"99%\s+(\S+)", distribution).group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": p50,
        "p99": p99,
        "cpu_ms": 1000 * cpu / max(requests, 1),
        "requests": requests,
    }


def _wrk_script(directory: Path, name: str, payload: dict[str, Any]) -> Path:
    path = directory / f"{name}.lua"
    body = json.dumps(payload)
    path.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(body)}\n"
    )
    return path


def _median_range(values: list[float], digits: int) -> str:
    middle = statistics.median(values)
    if len(values) == 1:
        return f"{middle:.{digits}f}"
    return f"{middle:.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def _report(servers: list[Server], queries: list[str], concurrencies: list[int]) -> None:
    ceiling = next(s for s in servers if s.label == "ceiling")
    for connections in concurrencies:
        ceiling_rps = statistics.median(
            r["rps"] for r in ceiling.results[("typename", connections)]
        )
        print(f"\nconcurrency {connections} (medians over rounds, range in brackets)")
        header = (
            f"{'server':<22} {'query':<9} {'rps':>22} {'p50 ms':>20} {'p99 ms':>22} "
            f"{'p99/p50':>7} {'CPU ms/req':>22} {'x ceiling':>9}"
        )
        print(header)
        print("-" * len(header))
        for query in ["typename", *[q for q in queries if q != "typename"]]:
            for server in servers:
                runs = server.results.get((query, connections))
                if not runs:
                    continue
                rps = [r["rps"] for r in runs]
                p50 = [r["p50"] for r in runs]
                p99 = [r["p99"] for r in runs]
                cpu = [r["cpu_ms"] for r in runs]
                print(
                    f"{server.label:<22} {query:<9} {_median_range(rps, 0):>22} "
                    f"{_median_range(p50, 2):>20} {_median_range(p99, 2):>22} "
                    f"{statistics.median(p99) / statistics.median(p50):>7.2f} "
                    f"{_median_range(cpu, 2):>22} {statistics.median(rps) / ceiling_rps:>9.3f}"
                )
        _report_against_baseline(servers, queries, connections)


def _report_against_baseline(servers: list[Server], queries: list[str], connections: int) -> None:
    pairs = []
    for server in servers:
        if not server.label.startswith("base:"):
            continue
        engine = server.label.split(":")[1]
        for other in servers:
            if other.label in {f"this:{engine}", f"this:{engine}+cache"}:
                pairs.append((server, other))
    if not pairs:
        return
    print(
        f"\nagainst the baseline, concurrency {connections}: CPU per request after/before, rps after/before"
    )
    for before, after in pairs:
        for query in queries:
            b, a = before.results.get((query, connections)), after.results.get((query, connections))
            if not b or not a:
                continue
            cpu = statistics.median(r["cpu_ms"] for r in a) / statistics.median(
                r["cpu_ms"] for r in b
            )
            rps = statistics.median(r["rps"] for r in a) / statistics.median(r["rps"] for r in b)
            print(
                f"  {after.label:<22} vs {before.label:<14} {query:<9} CPU x{cpu:.3f}  rps x{rps:.2f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="a checkout (git worktree) of another commit")
    parser.add_argument("--dbs", default="sqlite,postgres", help="engines, comma-separated")
    parser.add_argument(
        "--pg-admin-url",
        default="postgres://postgres@127.0.0.1:5432",
        help="a PostgreSQL server where bench_read_path_* databases may be created",
    )
    parser.add_argument(
        "--cache",
        choices=["off", "on", "both"],
        default="both",
        help="this checkout's response cache (the baseline runs as it is)",
    )
    parser.add_argument("--queries", default=",".join(QUERIES), help="of: " + ", ".join(QUERIES))
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4, help="per server, query and round")
    parser.add_argument("--concurrency", default="1", help="wrk connections, comma-separated")
    parser.add_argument(
        "--no-analyzed-copy", action="store_true", help="skip the hand-ANALYZEd PostgreSQL copy"
    )
    parser.add_argument("--seed", type=int, default=None, help="shuffle seed")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()

    engines = [e for e in args.dbs.split(",") if e]
    queries = [q for q in args.queries.split(",") if q]
    if "typename" not in queries:
        queries.insert(0, "typename")
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (Debian: apt-get install {tool})")
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="read-path-"))
    print(f"work directory: {work}")
    seeds = write_seeds(work, args.events)

    checkouts = [("this", CHECKOUT)]
    if args.baseline:
        checkouts.append(("base", args.baseline.resolve()))
    servers = [Server("ceiling", HERE, {}, 0, app="ceiling_app:app", factory=False)]
    servers[0].env["PYTHONPATH"] = str(HERE)
    print("preparing databases")
    for name, checkout in checkouts:
        for engine in engines:
            env = prepare_database(
                checkout, engine, f"{name}-{engine}", seeds, work, args.pg_admin_url
            )
            cache_settings = (
                ["off"]
                if name == "base"
                else (["off", "on"] if args.cache == "both" else [args.cache])
            )
            for cache in cache_settings:
                label = f"{name}:{engine}" + ("+cache" if cache == "on" else "")
                servers.append(
                    Server(
                        label,
                        checkout,
                        {**env, "RESPONSE_CACHE": "true" if cache == "on" else "false"},
                        0,
                    )
                )
            if engine == "postgres" and name == "this" and not args.no_analyzed_copy:
                env = prepare_database(
                    checkout,
                    engine,
                    f"{name}-{engine}-analyzed",
                    seeds,
                    work,
                    args.pg_admin_url,
                    analyze=True,
                )
                servers.append(
                    Server(f"{name}:pg+analyze", checkout, {**env, "RESPONSE_CACHE": "false"}, 0)
                )

    for server in servers:
        if server.label.startswith("this:") and server.label.endswith("+cache"):
            wall, cpu = _generation_read_cost(server.checkout, server.env)
            print(
                f"  generation check on {server.label.split(':')[1].removesuffix('+cache')}: "
                f"{wall:.0f} us per read, {cpu:.0f} us of CPU (one connection, 5,000 reads)"
            )

    for server in servers:
        server.port = free_port()
    scripts = {name: _wrk_script(work, name, payload) for name, payload in QUERIES.items()}
    try:
        for server in servers:
            if server.label != "ceiling":
                imported = run([sys.executable, "-c", WHICH_APP], server.checkout, server.env)
                if not json.loads(imported).startswith(str(server.checkout)):
                    raise SystemExit(
                        f"{server.label} would import {imported.strip()}, not {server.checkout}"
                    )
            start(server, work)
        for server in servers:
            wait_ready(server)
            for query in queries if server.label != "ceiling" else ["typename"]:
                answer = post(server, QUERIES[query])
                if answer.get("errors") or not answer.get("data"):
                    raise SystemExit(f"{server.label} {query}: {answer}")
        print(
            "servers ready: " + ", ".join(f"{s.label} ({s.checkout})" for s in servers), flush=True
        )

        runs = [
            (server, query, connections)
            for server in servers
            for query in (["typename"] if server.label == "ceiling" else queries)
            for connections in concurrencies
        ]
        for round_number in range(args.rounds):
            rng.shuffle(runs)
            started = time.perf_counter()
            for server, query, connections in runs:
                _wrk(server, scripts[query], 1, connections)  # warm-up, not counted
                result = _wrk(server, scripts[query], args.seconds, connections)
                server.results.setdefault((query, connections), []).append(result)
            print(
                f"round {round_number + 1}/{args.rounds} done in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
        _report(servers, queries, concurrencies)
    finally:
        stop(servers)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
            drop_created(args.pg_admin_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
