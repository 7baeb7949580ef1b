"""Search at scale: a synthetic corpus, indexing throughput, and search latency at the
backend and through GraphQL over HTTP.

    python benchmarks/search_corpus.py --events 10000 --segments 200000

Everything is fictional: event texts are random sentences over the vocabulary of
seeds/, and every person (speakers included) is a made-up name, so no words are
put in real people's mouths. The corpus goes into a fresh SQLite database (or
--database-url) under --data-dir; the embedded index is built next to it.

With --meilisearch the same corpus is also indexed (`reindex` from the database) into
Meilisearch and searched at the backend, printed beside the embedded engine's figures:
the server MEILI_URL names (with MEILI_MASTER_KEY), or else the test suite's pinned
Meilisearch 1.21 started for the run.

Latency over HTTP is measured twice, against a `cms serve` process: with a minimal
keep-alive client (the server's latency) and with httpx (what a Python client adds).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Self

import httpx
import orjson

from search.backend import SearchBackend
from search.documents import all_documents
from search.embedded import EmbeddedBackend
from search.meilisearch import MeilisearchBackend
from search.query import Facet, SearchRequest
from search.reindex import reindex
from search.text import allowed_typos
from server.content import models as m
from server.database import Database
from server.settings import Settings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "to",
    "sa",
    "vi",
    "dor",
    "el",
    "na",
    "qu",
    "zi",
    "bar",
    "fen",
    "ul",
]
GRAPHQL = """
query Bench($q: String!) {
  search(query: $q, first: 20, facets: [KIND, COMMITTEE, YEAR]) {
    totalHits
    hits {
      ... on EventHit { score event { slug title } highlights { field snippet } }
      ... on PersonHit { score person { slug name } }
      ... on TranscriptHit { score startMs snippet event { slug } }
    }
    facets { facet values { value count } }
  }
}
"""


def vocabulary() -> list[str]:
    files = [*SEEDS.glob("*.yaml"), *SEEDS.glob("events/*.md")]
    text = " ".join(p.read_text(encoding="utf-8") for p in files)
    return sorted({w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)})


def fictional_name(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    return f"{word()} {word()}"


class Words:
    """Zipf-distributed words from the vocabulary, as real text has."""

    def __init__(self, vocabulary: list[str], rng: random.Random) -> None:
        self.vocabulary = vocabulary[:]
        rng.shuffle(self.vocabulary)
        weights = [1 / (rank + 1) for rank in range(len(self.vocabulary))]
        self.rng = rng
        self.cumulative = list(__import__("itertools").accumulate(weights))

    def take(self, n: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=n)

    def sentence(self, low: int, high: int) -> str:
        words = self.take(self.rng.randint(low, high))
        return " ".join(words).capitalize() + "."


async def generate(events: int, segments: int, rng: random.Random, words: Words) -> None:
    committees = [
        await m.Committee.create(slug=f"committee-{i}", name=f"Committee {fictional_name(rng)}")
        for i in range(6)
    ]
    topics = await m.Topic.bulk_create(
        [m.Topic(slug=f"topic-{i}", name=" ".join(words.take(2)).title()) for i in range(60)]
    )
    topics = await m.Topic.all()
    await m.Person.bulk_create(
        [
            m.Person(slug=f"person-{i}", name=fictional_name(rng), bio=words.sentence(8, 20))
            for i in range(2000)
        ]
    )
    people = await m.Person.all()
    await m.Event.bulk_create(
        [
            m.Event(
                slug=f"event-{i}",
                title=words.sentence(3, 8).rstrip("."),
                summary=words.sentence(15, 35),
                body="\n\n".join(words.sentence(10, 25) for _ in range(rng.randint(6, 14))),
                status=m.EventStatus.PUBLISHED,
                start_date=(day := date(2015, 1, 1) + timedelta(days=rng.randint(0, 3650))),
                end_date=day,
                committee_id=rng.choice(committees).id,
                platform=rng.choice(list(m.Platform)),
            )
            for i in range(events)
        ],
        batch_size=1000,
    )
    event_rows = await m.Event.all().only("id", "start_date")
    await m.EventSession.bulk_create(
        [m.EventSession(event_id=e.id, date=e.start_date) for e in event_rows], batch_size=2000
    )
    links, participations = [], []
    cast: dict[int, list[int]] = {}
    for event in event_rows:
        for position, topic in enumerate(rng.sample(topics, 2)):
            links.append(m.EventTopic(event_id=event.id, topic_id=topic.id, position=position))
        chosen = rng.sample(people, rng.randint(2, 5))
        cast[event.id] = [p.id for p in chosen]
        for position, person in enumerate(chosen):
            participations.append(
                m.Participation(
                    event_id=event.id,
                    person_id=person.id,
                    position=position,
                    role=rng.choice(
                        [
                            m.ParticipantRole.SPEAKER,
                            m.ParticipantRole.PANELLIST,
                            m.ParticipantRole.HOST,
                        ]
                    ),
                )
            )
    await m.EventTopic.bulk_create(links, batch_size=2000)
    await m.Participation.bulk_create(participations, batch_size=2000)
    per_recording = 100
    recorded = rng.sample(event_rows, min(len(event_rows), max(1, segments // per_recording)))
    await m.Recording.bulk_create(
        [
            m.Recording(
                event_id=e.id,
                title="Recording",
                platform=m.Platform.YOUTUBE,
                url=f"https://www.youtube.com/watch?v=bench{e.id}",
            )
            for e in recorded
        ],
        batch_size=2000,
    )
    recordings = await m.Recording.all()
    await m.Transcript.bulk_create(
        [m.Transcript(recording_id=r.id, language="en") for r in recordings], batch_size=2000
    )
    transcripts = await m.Transcript.all().prefetch_related("recording")
    batch: list[m.TranscriptSegment] = []
    for transcript in transcripts:
        speakers = cast[transcript.recording.event_id]
        start = 0
        for position in range(per_recording):
            length = rng.randint(6000, 14000)
            batch.append(
                m.TranscriptSegment(
                    transcript_id=transcript.id,
                    position=position,
                    start_ms=start,
                    end_ms=start + length,
                    text=words.sentence(12, 30),
                    speaker_id=rng.choice(speakers),
                )
            )
            start += length
        if len(batch) >= 20000:
            await m.TranscriptSegment.bulk_create(batch, batch_size=5000)
            batch = []
    if batch:
        await m.TranscriptSegment.bulk_create(batch, batch_size=5000)


def queries(words: Words, rng: random.Random, n: int, *, common: bool = True) -> list[str]:
    """A mix of queries: 40% one word, 20% one word with a transposition, 20% two words,
    10% a prefix, 10% a quoted phrase. `common` draws the words as the text does (Zipf:
    mostly frequent words, matching half the corpus); otherwise uniformly from the
    vocabulary, as a researcher's topical words are."""
    out = []
    for _ in range(n):
        kind = rng.random()
        pool = words.take(20) if common else rng.sample(words.vocabulary, 20)
        word = rng.choice([w for w in pool if len(w) >= 5] or ["impunity"])
        if kind < 0.4:
            out.append(word)
        elif kind < 0.6:
            i = rng.randrange(1, len(word) - 1) if allowed_typos(word) else 0
            out.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :] if i else word)
        elif kind < 0.8:
            out.append(" ".join(words.take(2)))
        elif kind < 0.9:
            out.append(word[: rng.randint(3, max(3, len(word) - 1))])
        else:
            out.append('"' + " ".join(words.take(2)) + '"')
    return out


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def machine_speed() -> str:
    """The calibration loop's best and median of seven: the best catches the machine's
    fast moments, the median how fast it is around now."""
    loops = sorted(calibration() for _ in range(7))
    return (
        f"machine: a 2,000,000-step Python loop takes {loops[0]:.0f} ms at best, "
        f"{loops[3]:.0f} ms median of 7"
    )


def calibration() -> float:
    """Milliseconds for a fixed pure-Python loop: how fast this machine is right now, to
    compare runs made on different days (it has been seen to vary twofold)."""
    started = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i
    return (time.perf_counter() - started) * 1000


class KeepAliveClient:
    """A minimal HTTP/1.1 client over one kept-alive connection: it spends next to
    nothing per request, so its timings are the server's latency over HTTP (the
    request still goes through uvicorn, Starlette and the GraphQL view). httpx, which
    is measured too, spends about a millisecond and a half per request of its own on
    this machine: what a Python frontend would add."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> Self:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(self, *_: object) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()

    async def post_json(self, path: str, payload: object) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        body = orjson.dumps(payload)
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in header_lines if line)
        }
        if "content-length" not in headers:
            raise RuntimeError(f"expected a response with a Content-Length: {headers}")
        return int(status_line.split()[1]), await self.reader.readexactly(
            int(headers["content-length"])
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def measure_searches(
    label_prefix: str, backend: SearchBackend, sample: list[str], topical: list[str]
) -> tuple[float, float]:
    """Prints search latency at the backend for both query mixes and with every facet;
    returns the common mix's (p50, p99)."""
    backend_p50 = backend_p99 = 0.0
    for query in sample[:50]:
        await backend.search(SearchRequest(query))  # warm up
    for label, mix in (("common words", sample), ("topical words", topical)):
        timings = []
        hits = 0
        for query in mix:
            started = time.perf_counter()
            result = await backend.search(SearchRequest(query, limit=20))
            timings.append((time.perf_counter() - started) * 1000)
            hits += result.total_hits
        p50, p99 = percentiles(timings)
        print(
            f"{label_prefix} search, {label} (20 hits + highlights; {hits // len(mix):,} matches "
            f"on average): p50 {p50:.2f} ms  p99 {p99:.2f} ms"
        )
        if label == "common words":
            backend_p50, backend_p99 = p50, p99
    faceted = []
    for query in sample[:200]:
        started = time.perf_counter()
        await backend.search(SearchRequest(query, limit=20, facets=tuple(Facet)))
        faceted.append((time.perf_counter() - started) * 1000)
    print(
        "{} search with all six facets: p50 {:.2f} ms  p99 {:.2f} ms".format(
            label_prefix, *percentiles(faceted)
        )
    )
    deep = []
    for query in sample[:200]:
        started = time.perf_counter()
        await backend.search(SearchRequest(query, limit=20, offset=980))
        deep.append((time.perf_counter() - started) * 1000)
    print(
        "{} search, page at offset 980: p50 {:.2f} ms  p99 {:.2f} ms".format(
            label_prefix, *percentiles(deep)
        )
    )
    return backend_p50, backend_p99


@contextlib.contextmanager
def meilisearch_server() -> Iterator[tuple[str, str | None]]:
    """(url, key) of the server MEILI_URL names, or of the test suite's pinned one."""
    if url := os.environ.get("MEILI_URL"):
        yield url, os.environ.get("MEILI_MASTER_KEY") or None
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.search.meilisearch_server import meilisearch_server as pinned

    with (
        tempfile.TemporaryDirectory(prefix="bench-meili-") as workdir,
        pinned(Path(workdir)) as server,
    ):
        yield server.url, server.key


async def main_async(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    words = Words(vocabulary(), rng)
    print(machine_speed())
    if args.data_dir.exists():
        shutil.rmtree(args.data_dir)
    args.data_dir.mkdir(parents=True)
    settings = Settings(
        _env_file=None, data_dir=args.data_dir, database_url=args.database_url, search_worker=False
    )
    database = Database.from_settings(settings)
    await database.migrate()
    await database.open()
    started = time.perf_counter()
    await generate(args.events, args.segments, rng, words)
    print(
        f"corpus: {args.events} events, {await m.TranscriptSegment.all().count()} segments, "
        f"{await m.Person.all().count()} fictional people, generated in {time.perf_counter() - started:.1f} s"
    )

    documents = [d async for batch in all_documents() for d in batch]
    kinds = {
        k: sum(1 for d in documents if d["kind"] == k) for k in ("event", "person", "transcript")
    }
    print(f"documents: {len(documents)} ({kinds})")

    backend = EmbeddedBackend(settings.search_path, synonyms=settings.search_synonyms)
    await backend.open()

    async def in_batches():  # type: ignore[no-untyped-def]  # a throwaway generator
        for i in range(0, len(documents), 2000):
            yield documents[i : i + 2000]

    started = time.perf_counter()
    await backend.rebuild(in_batches())
    elapsed = time.perf_counter() - started
    print(f"indexing (backend only): {len(documents) / elapsed:,.0f} documents/s ({elapsed:.1f} s)")
    started = time.perf_counter()
    count, _ = await reindex(backend)
    elapsed = time.perf_counter() - started
    print(
        f"reindex from the database (read + build + index + swap): {count / elapsed:,.0f} documents/s ({elapsed:.1f} s)"
    )

    sample = queries(words, rng, args.queries)
    topical = queries(words, rng, args.queries, common=False)
    backend_p50, backend_p99 = await measure_searches("backend", backend, sample, topical)
    await backend.close()
    if args.meilisearch:
        with meilisearch_server() as (url, key):
            meili = MeilisearchBackend(
                url, key, index=f"bench_{int(time.time())}", synonyms=settings.search_synonyms
            )
            await meili.open()
            started = time.perf_counter()
            count, _ = await reindex(meili, lambda done: None)
            elapsed = time.perf_counter() - started
            print(
                f"meilisearch {'.'.join(map(str, await meili.version()))}: reindex from the database (read + "
                f"build + send + index + swap): {count / elapsed:,.0f} documents/s ({elapsed:.1f} s)"
            )
            await measure_searches("meilisearch", meili, sample, topical)
            await meili.close()
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            async with httpx.AsyncClient(base_url=url, headers=headers) as admin:
                await admin.delete(f"/indexes/{meili.index}")  # the index built for the run
    await database.close()

    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(args.data_dir),
        "SEARCH_WORKER": "false",
        "GRAPHIQL": "false",
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    cms = Path(sys.executable).with_name("cms")
    server = await asyncio.create_subprocess_exec(
        str(cms),
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(timeout=30) as client:
            for _ in range(300):
                try:
                    if (await client.get(f"{url}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            for query in sample[:50]:
                await client.post(
                    f"{url}/graphql", json={"query": GRAPHQL, "variables": {"q": query}}
                )
            http: dict[tuple[str, str], tuple[float, float]] = {}
            lean = KeepAliveClient("127.0.0.1", port)

            async def post_lean(query: str) -> bool:
                status, body = await lean.post_json(
                    "/graphql", {"query": GRAPHQL, "variables": {"q": query}}
                )
                return status == 200 and "errors" not in orjson.loads(body)

            async def post_httpx(query: str) -> bool:
                response = await client.post(
                    f"{url}/graphql", json={"query": GRAPHQL, "variables": {"q": query}}
                )
                return response.status_code == 200 and "errors" not in response.json()

            for label, mix in (("common words", sample), ("topical words", topical)):
                for client_name, post in (("keep-alive client", post_lean), ("httpx", post_httpx)):
                    http_timings, failures = [], 0
                    # A fresh connection each run: the server closes one idle for 5 s.
                    async with lean:
                        for query in mix:
                            started = time.perf_counter()
                            ok = await post(query)
                            http_timings.append((time.perf_counter() - started) * 1000)
                            failures += not ok
                    http[label, client_name] = percentiles(http_timings)
                    p50, p99 = http[label, client_name]
                    print(
                        f"GraphQL over HTTP, {label} (20 hydrated hits + 3 facets), "
                        f"{client_name}: p50 {p50:.2f} ms  p99 {p99:.2f} ms  failures {failures}"
                    )
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), timeout=10)
    print(f"{machine_speed()} (after the run)")
    for client_name in ("keep-alive client", "httpx"):
        http_p50, http_p99 = http["common words", client_name]
        print(
            f"ratio GraphQL/backend (common words, {client_name}): "
            f"p50 {http_p50 / backend_p50:.1f}x  p99 {http_p99 / backend_p99:.1f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--segments", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cms-search-bench"))
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--meilisearch",
        action="store_true",
        help="also index and search the corpus on Meilisearch (MEILI_URL, or the pinned 1.21)",
    )
    args = parser.parse_args()
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
