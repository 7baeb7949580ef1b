"""The embedded search backend: a tantivy index in a directory under the data directory.

Layout: `<path>/CURRENT` names the live index directory (`index-<stamp>`). A rebuild
writes a new directory, then replaces CURRENT atomically; every process notices the
switch on its next call. One writer per index across processes: the process that
drains the outbox holds it, others get SearchUnavailable and retry later.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from collections.abc import AsyncIterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import tantivy
from tantivy import Occur, Query

from search.backend import Document, Progress, SearchUnavailable
from search.documents import HIGHLIGHT_FIELDS, SEARCHABLE_FIELDS
from search.embedded_query import (
    STEM_GROUPS,
    WORD_GROUPS,
    filter_clauses,
    group_of,
    reached_words,
    text_query,
    top_tier_query,
    triggered_synonyms,
    withheld_clauses,
)
from search.highlight import Highlighter
from search.lexicon import Lexicon, LexiconCache
from search.passages import Cue, matched_cue
from search.query import DocumentKind, Facet, Highlight, Hit, SearchRequest, SearchResponse
from search.text import (
    STEMMED,
    WORDS,
    ParsedQuery,
    QueryWord,
    analyzers,
    normalise_synonyms,
    parse_query,
)

INTEGER_FIELDS = ("year", "date", "event_id", "person_id", "recording_id", "start_ms")
KEYWORD_FIELDS = ("id", "kind", "committee", "topics", "people", "platform")
CROPPED_FIELDS = frozenset({"text", "body", "bio", "summary", "outcomes"})
WRITER_HEAP = 64_000_000
SCHEMA_VERSION = 3
"""Bumped whenever build_schema or the stored documents change (3: passages keep their
cues): an index of another version is replaced by an empty one, which the app then
rebuilds from the database (`needs_rebuild`)."""
INDEX_PREFIX = f"index-v{SCHEMA_VERSION}-"
_TOTAL = "_matches"  # the aggregation that counts matches beside the facets


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for group in STEM_GROUPS:
        builder.add_text_field(group, tokenizer_name=STEMMED)
    for group in WORD_GROUPS:
        builder.add_text_field(group, tokenizer_name=WORDS)
    for field in KEYWORD_FIELDS:
        builder.add_text_field(
            field, tokenizer_name="raw", fast=field != "id", stored=field == "id"
        )
    for field in INTEGER_FIELDS:
        builder.add_integer_field(field, indexed=True, fast=True)
    builder.add_bytes_field("_source", stored=True, indexed=False)
    return builder.build()


def _to_tantivy(document: Document) -> tantivy.Document:
    doc = tantivy.Document()
    for field in SEARCHABLE_FIELDS:
        values = document.get(field) or []
        group = group_of(field)
        for value in values if isinstance(values, list) else [values]:
            if value:
                doc.add_text(f"stems_{group}", value)
                doc.add_text(f"words_{group}", value)
    for field in KEYWORD_FIELDS:
        values = document.get(field)
        for value in values if isinstance(values, list) else [values]:
            if value is not None:
                doc.add_text(field, str(value))
    for field in INTEGER_FIELDS:
        if document.get(field) is not None:
            doc.add_integer(field, int(document[field]))
    doc.add_bytes("_source", orjson.dumps(document, option=orjson.OPT_SORT_KEYS))
    return doc


def _field_texts(source: Document, field: str) -> list[str]:
    value = source.get(field)
    return [v for v in value if v] if isinstance(value, list) else [value] if value else []


def _highlight_texts(source: Document, kind: DocumentKind) -> list[tuple[str, list[str]]]:
    """The texts of each field that a hit of this kind shows highlighted."""
    return [(field, _field_texts(source, field)) for field in HIGHLIGHT_FIELDS[kind]]


def _count(result: tantivy.SearchResult) -> int:
    """The matches a search run with `count=True` counted."""
    count: int | None = result.count  # type: ignore[attr-defined]  # not in tantivy's stub
    return count or 0


def _cue(source: Document, highlighter: Highlighter) -> Cue:
    """The cue of a passage that holds its matched words, found where the highlighter
    marks them in the passage's text and its speakers' names."""
    text = source.get("text") or ""
    names = source.get("speaker_names") or []
    return matched_cue(
        source,
        ((start, text[start:end]) for start, end in highlighter.spans(text)),
        (
            (index, name[start:end])
            for index, name in enumerate(names)
            for start, end in highlighter.spans(name)
        ),
    )


class _Plan(NamedTuple):
    """One search's snapshot of the index and its query, with what highlighting needs."""

    searcher: tantivy.Searcher
    query: Query
    narrowed: Query | None
    """The query restricted to its top tier, when that can give the same page."""
    parsed: ParsedQuery
    lexicon: Lexicon
    reached: dict[QueryWord, dict[str, int]]
    synonyms: list[str]
    """The synonyms the query brings in."""


class _Live:
    """One open index directory with its writer (opened on first write)."""

    def __init__(self, directory: Path, schema: tantivy.Schema) -> None:
        self.directory = directory
        self.index = tantivy.Index(schema, path=str(directory), reuse=True)
        for name, analyzer in analyzers().items():
            self.index.register_tokenizer(name, analyzer)
        self.writer: tantivy.IndexWriter | None = None
        self.lexicon = LexiconCache(directory, WORD_GROUPS)

    def open_writer(self) -> tantivy.IndexWriter:
        if self.writer is None:
            try:
                self.writer = self.index.writer(WRITER_HEAP, 1)
            except ValueError as error:  # LockBusy: another process holds the writer
                raise SearchUnavailable(
                    f"the index is locked by another process: {error}"
                ) from error
        return self.writer

    def release(self) -> None:
        if self.writer is not None:
            self.writer.wait_merging_threads()
            self.writer = None


class EmbeddedBackend:
    """A tantivy index with Meilisearch's query semantics (see search/embedded_query.py)."""

    name = "embedded"

    def __init__(self, path: Path, synonyms: Sequence[Sequence[str]] = ()) -> None:
        self.path = path
        self.schema = build_schema()
        self.synonyms = normalise_synonyms(synonyms)
        self._raw_synonyms = [list(group) for group in synonyms]
        self._live: _Live | None = None
        self._current_name: str | None = None
        self._pointer_signature: tuple[int, int, int] | None = None
        self.needs_rebuild = False
        self._pointer_name: str | None = None
        self._write_lock = threading.Lock()  # one write or rebuild switch at a time
        self._switch_lock = threading.Lock()  # guards which index is live

    # -- the live index and the pointer to it ---------------------------------------

    @property
    def _pointer(self) -> Path:
        return self.path / "CURRENT"

    def _read_pointer(self) -> str | None:
        # A stat per call is cheap; the file is read again only when it was replaced.
        try:
            stat = os.stat(self._pointer)
        except FileNotFoundError:
            return None
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if signature != self._pointer_signature:
            try:
                self._pointer_name = self._pointer.read_text(encoding="utf-8").strip() or None
            except FileNotFoundError:
                return None
            self._pointer_signature = signature
        return self._pointer_name

    def _write_pointer(self, name: str) -> None:
        temporary = self.path / f"CURRENT.{os.getpid()}.tmp"
        temporary.write_text(name + "\n", encoding="utf-8")
        os.replace(temporary, self._pointer)

    def _new_directory(self, label: str) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        directory = self.path / f"{label}-{stamp}"
        directory.mkdir(parents=True)
        return directory

    def _live_index(self) -> _Live:
        """The live index, reopened if another process switched the pointer; a new empty
        one when there is none. Raises SearchUnavailable when the folder cannot be used
        (not a directory, not writable, a broken index), so search degrades, never fails."""
        with self._switch_lock:
            try:
                return self._live_index_unlocked()
            except (OSError, ValueError) as error:
                raise SearchUnavailable(
                    f"the embedded index under {self.path} cannot be opened: {error}"
                ) from error

    def _live_index_unlocked(self) -> _Live:
        name = self._read_pointer()
        if name is None or not name.startswith(INDEX_PREFIX):
            self.needs_rebuild = name is not None  # an index of an older schema
            self.path.mkdir(parents=True, exist_ok=True)
            name = self._new_directory(INDEX_PREFIX.rstrip("-")).name
            self._write_pointer(name)
        if self._live is None or name != self._current_name:
            if self._live is not None:
                self._live.release()
            self._live = _Live(self.path / name, self.schema)
            self._current_name = name
        return self._live

    async def open(self) -> None:
        await asyncio.to_thread(self._live_index)

    async def close(self) -> None:
        def release() -> None:
            if self._live is not None:
                self._live.release()
                self._live = None

        await asyncio.to_thread(self._locked, release)

    def _locked(self, function: Any, *args: Any) -> Any:
        with self._write_lock:
            return function(*args)

    # -- writes -----------------------------------------------------------------------

    def _apply(
        self,
        upserts: Sequence[Document],
        delete_ids: Sequence[str],
        delete_event_ids: Sequence[int],
    ) -> None:
        live = self._live_index()
        writer = live.open_writer()
        try:
            for event_id in delete_event_ids:
                writer.delete_documents_by_term("event_id", int(event_id))
            for doc_id in [*delete_ids, *(d["id"] for d in upserts)]:
                writer.delete_documents_by_term("id", doc_id)
            for document in upserts:
                writer.add_document(_to_tantivy(document))
            writer.commit()
        except SearchUnavailable:
            raise
        except Exception as error:  # any engine failure is retried later
            writer.rollback()
            raise SearchUnavailable(f"the embedded index failed: {error}") from error
        live.index.reload()

    async def apply(
        self,
        *,
        upserts: Sequence[Document] = (),
        delete_ids: Sequence[str] = (),
        delete_event_ids: Sequence[int] = (),
    ) -> None:
        await asyncio.to_thread(self._locked, self._apply, upserts, delete_ids, delete_event_ids)

    async def rebuild(
        self, batches: AsyncIterable[Sequence[Document]], progress: Progress | None = None
    ) -> int:
        try:
            directory = await asyncio.to_thread(self._new_directory, INDEX_PREFIX.rstrip("-"))
        except OSError as error:
            raise SearchUnavailable(
                f"cannot create a new index under {self.path}: {error}"
            ) from error
        fresh = _Live(directory, self.schema)
        writer = fresh.open_writer()
        count = 0
        try:
            async for batch in batches:

                def add(batch: Sequence[Document] = batch) -> None:
                    for document in batch:
                        writer.add_document(_to_tantivy(document))

                await asyncio.to_thread(add)
                count += len(batch)
                if progress is not None:
                    progress(count)
            await asyncio.to_thread(writer.commit)
            await asyncio.to_thread(fresh.release)
        except BaseException:
            fresh.release()
            shutil.rmtree(directory, ignore_errors=True)
            raise
        previous = self._read_pointer()

        def switch() -> None:
            self._write_pointer(directory.name)
            self._live_index()
            self.needs_rebuild = False

        await asyncio.to_thread(self._locked, switch)
        if previous and previous != directory.name:
            await asyncio.to_thread(shutil.rmtree, self.path / previous, True)
        return count

    # -- reads ------------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        return self._live_index().index.searcher()

    def _plan(self, request: SearchRequest) -> _Plan | None:
        """What to search with, or None when the query holds nothing to search for."""
        parsed = parse_query(request.query)
        live = self._live_index()
        searcher, lexicon = live.lexicon.snapshot(live.index)
        if parsed.is_empty:
            return None
        reached = reached_words(parsed, lexicon)
        synonyms = triggered_synonyms(parsed, self.synonyms)
        text = text_query(self.schema, parsed, self.synonyms, lexicon, reached)
        filters = [(Occur.Must, f) for f in filter_clauses(self.schema, request.filter)]
        filters += withheld_clauses(self.schema, request.filter)
        clauses = [(Occur.Must, text), *filters]
        narrowed = None
        if request.limit > 0:
            needed = request.offset + request.limit
            top = top_tier_query(self.schema, parsed, synonyms, searcher, needed)
            if top is not None:
                narrowed = Query.boolean_query([(Occur.Must, top), *filters])
        return _Plan(
            searcher, Query.boolean_query(clauses), narrowed, parsed, lexicon, reached, synonyms
        )

    def _page(self, plan: _Plan, request: SearchRequest) -> tuple[int | None, list[Hit]]:
        """The number of matches (None when the page came from the narrowed query, which
        does not count them all), and the requested page with its highlights."""
        searcher = plan.searcher
        total: int | None = None
        result = None
        if plan.narrowed is not None:
            result = searcher.search(
                plan.narrowed, request.limit, count=True, offset=request.offset
            )
            if _count(result) < request.offset + request.limit:
                result = None  # fewer than a page in the top tier: search them all
        if result is None:
            result = searcher.search(
                plan.query, max(request.limit, 1), count=True, offset=request.offset
            )
            total = _count(result)
        hits = []
        if request.limit > 0:
            highlighter = Highlighter(plan.parsed, plan.lexicon, plan.reached, plan.synonyms)
            page = []
            for score, address in result.hits:
                source = orjson.loads(searcher.doc(address)["_source"][0])
                kind = DocumentKind(source["kind"])
                page.append((score, source, kind, _highlight_texts(source, kind)))
            # Speakers' names are learned too: a match there points at their cues.
            highlighter.learn(
                [text for *_, fields in page for _, texts in fields for text in texts]
                + [
                    name
                    for _, source, kind, _ in page
                    if kind is DocumentKind.TRANSCRIPT
                    for name in source.get("speaker_names") or []
                ]
            )
            hits = [self._hit(*hit, highlighter) for hit in page]
        return total, hits

    @staticmethod
    def _counts(
        plan: _Plan, facets: Sequence[Facet], total: bool
    ) -> tuple[dict[Facet, dict[str, int]], int | None]:
        """The facet counts and, when `total`, the number of matches: one pass that
        scores nothing. Every document has exactly one kind, so the kinds' counts add
        up to the matches."""
        aggregations = {
            facet.value: {"terms": {"field": facet.value, "size": 10_000}} for facet in facets
        }
        if total:
            aggregations[_TOTAL] = {"terms": {"field": "kind", "size": len(DocumentKind)}}
        counted = plan.searcher.aggregate(plan.query, aggregations)
        counts = {
            facet: {
                str(b["key"]): int(b["doc_count"])
                for b in counted.get(facet.value, {}).get("buckets", [])
            }
            for facet in facets
        }
        matches = sum(int(b["doc_count"]) for b in counted.get(_TOTAL, {}).get("buckets", []))
        return counts, matches if total else None

    @staticmethod
    def _hit(
        score: float,
        source: Document,
        kind: DocumentKind,
        fields: list[tuple[str, list[str]]],
        highlighter: Highlighter,
    ) -> Hit:
        highlights = []
        for field, texts in fields:
            crop = field in CROPPED_FIELDS
            marked = [
                snippet for text in texts if (snippet := highlighter.snippet(text, crop=crop))
            ]
            if marked:
                highlights.append(Highlight(field, " · ".join(marked)))
        cue = _cue(source, highlighter) if kind is DocumentKind.TRANSCRIPT else None
        return Hit(
            id=source["id"],
            kind=kind,
            score=float(score),
            event_id=source.get("event_id"),
            person_id=source.get("person_id"),
            recording_id=source.get("recording_id"),
            start_ms=cue.start_ms if cue else None,
            speaker_name=cue.speaker_name if cue else None,
            speaker_id=cue.speaker_id if cue else None,
            highlights=tuple(highlights),
        )

    async def search(self, request: SearchRequest) -> SearchResponse:
        # Searching takes milliseconds and tantivy searchers are safe beside a writer, so
        # it runs on the loop without the write lock. Facets, and the matches when the
        # page comes from the narrowed query, are counted on a thread meanwhile: tantivy
        # releases the GIL while it searches and aggregates.
        started = time.perf_counter()
        plan = self._plan(request)
        if plan is None:
            return SearchResponse(0, (time.perf_counter() - started) * 1000, [], {})
        counting = None
        if request.facets or plan.narrowed is not None:
            counting = asyncio.get_running_loop().run_in_executor(
                None, self._counts, plan, request.facets, plan.narrowed is not None
            )
        try:
            total, hits = self._page(plan, request)
        finally:
            facets, counted = await counting if counting is not None else ({}, None)
        if total is None:
            assert counted is not None, "a narrowed page is always counted"
            total = counted
        elapsed = (time.perf_counter() - started) * 1000
        return SearchResponse(total, elapsed, hits, facets)

    def _documents(self) -> list[Document]:
        searcher = self._searcher()
        total = searcher.num_docs
        if total == 0:
            return []
        result = searcher.search(Query.all_query(), total, count=False)
        documents = [orjson.loads(searcher.doc(a)["_source"][0]) for _, a in result.hits]
        return sorted(documents, key=lambda d: d["id"])

    async def documents(self) -> list[Document]:
        return await asyncio.to_thread(self._documents)

    def _kind_counts(self) -> dict[str, int]:
        searcher = self._searcher()
        counted = searcher.aggregate(
            Query.all_query(), {"kinds": {"terms": {"field": "kind", "size": len(DocumentKind)}}}
        )
        return {str(b["key"]): int(b["doc_count"]) for b in counted["kinds"].get("buckets", [])}

    async def kind_counts(self) -> dict[str, int]:
        return await asyncio.to_thread(self._kind_counts)

    async def health(self) -> None:
        try:
            await asyncio.to_thread(self._searcher)
        except SearchUnavailable:
            raise
        except Exception as error:
            raise SearchUnavailable(f"the embedded index cannot be opened: {error}") from error
