"""The delivery loop: claims due deliveries, POSTs them, and records how each went.

It runs where the search sync worker runs: as a background task of the app when
SEARCH_WORKER is on, and in `cms worker`. Any number may run at once; a claim is
held by one of them at a time (server/webhooks/outbox.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from server.settings import Settings
from server.webhooks import outbox
from server.webhooks.outbox import Claim, Retries
from server.webhooks.targets import TargetPolicy

if TYPE_CHECKING:
    from server.webhooks.sending import Sender

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass did: deliveries received, and attempts that failed."""

    delivered: int = 0
    failed: int = 0


class WebhookWorker:
    """Sends due deliveries, a batch at a time, each batch's deliveries concurrently."""

    def __init__(
        self,
        sender: Sender,
        retries: Retries,
        *,
        batch_size: int = 20,
        lease: timedelta = timedelta(minutes=5),
        poll_interval: float = 1.0,
    ) -> None:
        self.sender = sender
        self.retries = retries
        self.batch_size = batch_size
        self.lease = lease
        self.poll_interval = poll_interval

    async def _deliver(self, claim: Claim) -> bool:
        attempt = await self.sender.send(
            claim.url, claim.secret, claim.delivery_id, claim.event_type, claim.body
        )
        if attempt.ok:
            await outbox.delivered(claim, attempt.status_code)
            return True
        error = attempt.error or "failed"
        logger.warning("webhook delivery %s failed: %s", claim.delivery_id, error)
        if await outbox.failed(claim, attempt.status_code, error, self.retries):
            logger.error("webhook subscription %d disabled: %s", claim.subscription_id, error)
        return False

    async def drain_once(self) -> DeliveryReport:
        """Sends one batch of due deliveries; returns what it did."""
        claims = await outbox.claim(self.batch_size, self.lease)
        if not claims:
            return DeliveryReport()
        results = await asyncio.gather(*(self._deliver(claim) for claim in claims))
        done = sum(results)
        return DeliveryReport(done, len(results) - done)

    async def drain(self) -> DeliveryReport:
        """Sends batches until nothing is due (deliveries in backoff wait for later)."""
        delivered = failed = 0
        while True:
            report = await self.drain_once()
            delivered += report.delivered
            failed += report.failed
            if report.delivered == 0 and report.failed == 0:
                return DeliveryReport(delivered, failed)

    async def run(self, stop: asyncio.Event) -> None:
        """Delivers until `stop` is set, polling when idle; never dies on an error."""
        while not stop.is_set():
            try:
                await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not kill the loop
                logger.exception("webhook delivery pass failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.poll_interval)


def retries_from_settings(settings: Settings) -> Retries:
    return Retries(
        max_attempts=settings.webhook_max_attempts,
        base_seconds=settings.webhook_retry_base_seconds,
        max_seconds=settings.webhook_retry_max_seconds,
    )


@contextlib.asynccontextmanager
async def webhook_worker(settings: Settings, *, run: bool = True) -> AsyncIterator[WebhookWorker]:
    """A worker for the settings, delivering in the background while the block runs
    (unless `run` is off: then only what the caller drains is sent)."""
    # Here, not at the top: a web process that runs no worker never imports the HTTP
    # client, which would lengthen every process's start.
    from server.webhooks.sending import Sender

    sender = Sender(TargetPolicy.from_settings(settings), settings.webhook_timeout_seconds)
    worker = WebhookWorker(
        sender, retries_from_settings(settings), poll_interval=settings.webhook_poll_seconds
    )
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop), name="webhook-delivery") if run else None
    try:
        yield worker
    finally:
        stop.set()
        if task is not None:
            try:
                await asyncio.wait_for(task, timeout=30)
            except TimeoutError:
                task.cancel()
        await sender.aclose()
