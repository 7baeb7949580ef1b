"""Outbound safety: webhooks reach public http(s) addresses only, unless an operator allows a
private network; the check holds when subscribing and again at every connection."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

import pytest

from server.auth.viewer import SYSTEM
from server.content import services
from server.content.errors import ValidationFailed
from server.content.models import EventStatus
from server.database import Database
from server.settings import Settings
from server.webhooks import subscriptions
from server.webhooks.errors import TargetRefused
from server.webhooks.models import DeliveryStatus, WebhookDelivery
from server.webhooks.targets import TargetPolicy, check_url
from server.webhooks.worker import WebhookWorker
from tests.factories import make_event
from tests.webhooks.conftest import QUICK, make_worker, subscribe
from tests.webhooks.receiver import Receiver

DEFAULT = TargetPolicy.from_settings(Settings(_env_file=None))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",  # loopback
        "http://[::1]/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",  # private
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",  # link-local: cloud metadata
        "http://100.64.0.1/hook",  # shared address space
        "http://0.0.0.0/hook",
        "http://[::ffff:127.0.0.1]/hook",  # loopback, mapped into IPv6
        "http://224.0.0.1/hook",  # multicast
    ],
)
async def test_a_private_address_is_refused_by_default(url: str) -> None:
    with pytest.raises(TargetRefused, match="not a public address"):
        await check_url(url, DEFAULT)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://93.184.215.14/hook", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http:///hook", "no host"),
        ("https://user:pass@93.184.215.14/hook", "user name or password"),
        ("http://93.184.215.14:99999/", "not a valid URL"),
    ],
)
async def test_only_plain_http_urls_are_accepted(url: str, why: str) -> None:
    with pytest.raises(TargetRefused, match=why):
        await check_url(url, DEFAULT)


async def test_a_public_address_and_an_allowed_network_pass() -> None:
    await check_url("https://93.184.215.14/hook", DEFAULT)
    allowed = TargetPolicy((ip_network("10.0.0.0/8"),))
    await check_url("http://10.1.2.3/hook", allowed)
    with pytest.raises(TargetRefused):
        allowed.check_address(ip_address("192.168.0.1"))


def test_the_allowed_networks_come_from_the_settings() -> None:
    settings = Settings(_env_file=None, webhook_allowed_private_networks="10.0.0.0/8, fd00::/8")
    assert TargetPolicy.from_settings(settings).allowed_networks == (
        ip_network("10.0.0.0/8"),
        ip_network("fd00::/8"),
    )
    with pytest.raises(ValueError, match="not a network in CIDR form"):
        Settings(_env_file=None, webhook_allowed_private_networks="10.0.0.300/8")


async def test_subscribing_a_private_address_is_refused_by_default(
    db: Database, receiver: Receiver
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await subscriptions.create_subscription(SYSTEM, "inside", receiver.url, ["*"], DEFAULT)
    [error] = refused.value.errors
    assert error.field == "url" and "127.0.0.1 is not a public address" in error.message


async def test_a_worker_does_not_connect_where_its_policy_refuses(
    db: Database, receiver: Receiver
) -> None:
    # Subscribed while loopback was allowed; the worker's settings no longer allow it.
    await subscribe(receiver.url)
    event = await make_event(status=EventStatus.DRAFT)
    await services.publish_event(SYSTEM, event.slug, version=event.version)
    worker: WebhookWorker = make_worker(QUICK, DEFAULT)
    try:
        await worker.drain_once()
    finally:
        await worker.sender.aclose()

    [delivery] = await WebhookDelivery.all()
    assert delivery.status is DeliveryStatus.PENDING and delivery.last_status_code is None
    assert (delivery.last_error or "").startswith("refused: 127.0.0.1 is not a public address")
    assert receiver.received == []


async def test_a_name_is_checked_at_connection_time_too(db: Database, receiver: Receiver) -> None:
    # `localhost` resolves to loopback: refused when the connection is made, not only when
    # the subscription is saved.
    sender = make_worker(QUICK, DEFAULT).sender
    try:
        sent = await sender.send(
            f"http://localhost:{receiver.port}/hooks", "whsec_x", "id-1", "webhook.test", "{}"
        )
    finally:
        await sender.aclose()
    assert sent.status_code is None
    assert "refused: localhost resolves to " in (sent.error or "")
    assert "which is not a public address" in (sent.error or "")
    assert receiver.received == []
