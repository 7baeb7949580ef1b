"""Fixtures for webhooks: a receiver on loopback, subscriptions made through the service, and a
worker whose retries wait milliseconds rather than minutes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from ipaddress import ip_network

import pytest

from server.auth.viewer import SYSTEM
from server.database import Database
from server.webhooks import subscriptions
from server.webhooks.outbox import Retries
from server.webhooks.sending import Sender
from server.webhooks.targets import TargetPolicy
from server.webhooks.worker import WebhookWorker
from tests.webhooks.receiver import Receiver

LOOPBACK = TargetPolicy((ip_network("127.0.0.0/8"),))
"""The policy of these tests: loopback allowed, as WEBHOOK_ALLOWED_PRIVATE_NETWORKS=127.0.0.0/8."""

QUICK = Retries(max_attempts=50, base_seconds=0.005, max_seconds=0.02)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1, stopped after the test."""
    found = Receiver()
    found.start()
    yield found
    found.stop()


def make_worker(retries: Retries = QUICK, policy: TargetPolicy = LOOPBACK) -> WebhookWorker:
    return WebhookWorker(Sender(policy, timeout=5.0), retries)


@pytest.fixture
async def worker(db: Database) -> AsyncIterator[WebhookWorker]:
    """A worker that may reach loopback, whose retries wait at most 20 ms."""
    made = make_worker()
    yield made
    await made.sender.aclose()


async def subscribe(
    url: str, events: tuple[str, ...] = ("*",), name: str = "site"
) -> subscriptions.NewSubscription:
    """A subscription made as an admin makes one, with loopback allowed."""
    return await subscriptions.create_subscription(SYSTEM, name, url, events, LOOPBACK)
