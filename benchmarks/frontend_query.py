"""Latency and throughput of a typical frontend query against a running server.

    cms demo &                       # or any running server with content
    python benchmarks/frontend_query.py --url http://127.0.0.1:8000/graphql

Prints p50/p95/p99 latency and requests per second for a page of 20 events
with their committee, participants (with persons) and topics. Run the server
and this script on different cores (`taskset -c 0 cms serve`, `taskset -c 1
python ...`) for figures that do not measure the two competing for one core.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

import httpx

FRONTEND_QUERY = """
query EventsPage($first: Int!) {
  events(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id slug title summary dates place platform
        committee { slug name }
        participants { role affiliation person { slug name } }
        topics { slug name }
      }
    }
  }
}
"""


def _percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


async def _run(url: str, requests: int, concurrency: int, warmup: int) -> int:
    payload = {"query": FRONTEND_QUERY, "variables": {"first": 20}}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        first = await client.post(url, json=payload)
        body = first.json()
        if first.status_code != 200 or body.get("errors"):
            print(f"the query failed: HTTP {first.status_code} {body}", file=sys.stderr)
            return 1
        events = len(body["data"]["events"]["edges"])
        for _ in range(warmup):
            await client.post(url, json=payload)

        latencies: list[float] = []
        failures = 0
        remaining = iter(range(requests))

        async def worker() -> None:
            nonlocal failures
            for _ in remaining:
                started = time.perf_counter()
                response = await client.post(url, json=payload)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200 or "errors" in response.json():
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started

    latencies.sort()
    ms = [value * 1000 for value in latencies]
    print(f"query: events(first: 20) with committee, participants+person, topics ({events} events)")
    print(f"requests: {len(latencies)}  concurrency: {concurrency}  failures: {failures}")
    print(
        f"latency ms: p50 {_percentile(ms, 0.50):.2f}  p95 {_percentile(ms, 0.95):.2f}  "
        f"p99 {_percentile(ms, 0.99):.2f}  mean {statistics.fmean(ms):.2f}  max {ms[-1]:.2f}"
    )
    print(f"throughput: {len(latencies) / elapsed:.1f} requests/s over {elapsed:.2f} s")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()
    return asyncio.run(_run(args.url, args.requests, args.concurrency, args.warmup))


if __name__ == "__main__":
    sys.exit(main())
