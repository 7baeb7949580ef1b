"""The sync worker: drains the index outbox into the search backend, with retries.

It rebuilds each claimed object's documents from what the database holds now, so
the order in which changes happened never matters and replaying work is harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from search.backend import Document, DocumentRefused, SearchBackend, SearchError
from search.documents import documents_for, person_document_id
from server.indexing import outbox
from server.indexing.models import IndexKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DrainReport:
    """What one pass did: objects synced, and objects that failed and wait for a retry."""

    synced: int = 0
    failed: int = 0


def _owner(document: Document) -> tuple[IndexKind, int]:
    """The marker a document is written for: its person's, or its event's."""
    if document.get("kind") == "person":
        return IndexKind.PERSON, int(document["person_id"])
    return IndexKind.EVENT, int(document["event_id"])


class SyncWorker:
    """Claims batches of markers, writes their documents, and acks or backs off."""

    def __init__(
        self,
        backend: SearchBackend,
        *,
        batch_size: int = 100,
        lease: timedelta = timedelta(seconds=120),
        poll_interval: float = 0.5,
    ) -> None:
        self.backend = backend
        self.batch_size = batch_size
        self.lease = lease
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Asks a running worker to look for work now rather than at its next poll."""
        self._wake.set()

    async def _documents_for(
        self, claims: Sequence[outbox.Claim]
    ) -> tuple[list[Document], list[str], list[int]]:
        event_ids = [c.object_id for c in claims if c.kind is IndexKind.EVENT]
        person_ids = [c.object_id for c in claims if c.kind is IndexKind.PERSON]
        upserts, gone = await documents_for(event_ids, person_ids)
        # Every claimed event's documents are replaced (its passages may have changed in
        # number), or removed when it is gone or no longer published.
        return upserts, [person_document_id(p) for p in gone], event_ids

    async def drain_once(self) -> DrainReport:
        """Syncs one batch of due markers; returns what it did."""
        claims = await outbox.claim(self.batch_size, self.lease)
        if not claims:
            return DrainReport()
        return await self._sync(claims)

    async def _sync(self, claims: Sequence[outbox.Claim]) -> DrainReport:
        """Writes the claims' documents, then acks them; on failure, they back off."""
        try:
            upserts, delete_ids, delete_event_ids = await self._documents_for(claims)
            await self.backend.apply(
                upserts=upserts, delete_ids=delete_ids, delete_event_ids=delete_event_ids
            )
        except DocumentRefused as refused:
            return await self._set_aside(claims, upserts, refused)
        except SearchError as error:
            logger.warning("search sync failed for %d object(s): %s", len(claims), error)
            await outbox.fail(claims, f"{type(error).__name__}: {error}")
            return DrainReport(failed=len(claims))
        await outbox.ack(claims)
        return DrainReport(synced=len(claims))

    async def _set_aside(
        self,
        claims: Sequence[outbox.Claim],
        upserts: Sequence[Document],
        refused: DocumentRefused,
    ) -> DrainReport:
        """Sets aside the claims whose documents the engine refuses, saying why, until their
        objects change again, and syncs the others without them, so that one refused
        document never holds up a batch nor is sent again and again as it is."""
        owners = {_owner(d) for d in upserts if str(d.get("id")) in refused.document_ids}
        bad = [c for c in claims if (c.kind, c.object_id) in owners] or list(claims)
        rest = [c for c in claims if c not in bad]
        logger.error("search refused the documents of %d object(s): %s", len(bad), refused)
        await outbox.fail(bad, f"{type(refused).__name__}: {refused}", retry=False)
        report = await self._sync(rest) if rest else DrainReport()
        return DrainReport(report.synced, report.failed + len(bad))

    async def drain(self) -> DrainReport:
        """Syncs batches until nothing is due (markers in backoff wait for later)."""
        synced = failed = 0
        while True:
            report = await self.drain_once()
            synced += report.synced
            failed += report.failed
            if report.synced == 0:
                return DrainReport(synced, failed)

    async def run(self, stop: asyncio.Event) -> None:
        """Drains until `stop` is set, polling when idle; never dies on an error."""
        while not stop.is_set():
            try:
                report = await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not kill the loop
                logger.exception("search sync pass failed; retrying")
                report = DrainReport()
            if report.synced:
                continue
            self._wake.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            try:
                await asyncio.wait(
                    waiters, timeout=self.poll_interval, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                for waiter in waiters:
                    waiter.cancel()
