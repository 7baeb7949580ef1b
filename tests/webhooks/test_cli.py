"""`cms webhook add/list/test/remove`, and `cms worker --once` delivering what is due."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.auth.viewer import SYSTEM
from server.content import services
from server.content.models import EventStatus
from server.webhooks import signing
from tests.conftest import CmsRunner
from tests.factories import make_event
from tests.webhooks.receiver import Receiver


async def test_an_operator_adds_lists_tests_and_removes_a_subscription(
    cms: CmsRunner, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOK_ALLOWED_PRIVATE_NETWORKS", "127.0.0.0/8")
    added = await cms(
        "webhook", "add", "--name", "site", "--url", receiver.url, "--event", "event.published"
    )
    assert added.exit_code == 0, added.output
    secret = added.stdout.strip()
    assert secret.startswith(signing.SECRET_PREFIX) and "\n" not in secret
    assert "will not be shown again" in added.stderr

    listed = await cms("webhook", "list")
    assert f"site  {receiver.url}  [event.published]  enabled" in listed.output
    assert secret not in listed.output

    tested = await cms("webhook", "test", "site")
    assert tested.exit_code == 0 and "Delivered webhook.test" in tested.output
    [request] = receiver.received
    assert signing.verify(
        secret,
        int(request.headers["x-webhook-timestamp"]),
        request.body,
        request.headers["x-webhook-signature"],
    )

    receiver.status = 503
    failed = await cms("webhook", "test", "site")
    assert failed.exit_code == 1 and "failed: HTTP 503" in failed.output

    removed = await cms("webhook", "remove", "site")
    assert removed.exit_code == 0 and "Removed webhook subscription 'site'" in removed.output
    assert "No webhook subscriptions." in (await cms("webhook", "list")).output


async def test_a_private_address_is_refused_unless_allowed(
    cms: CmsRunner, receiver: Receiver
) -> None:
    refused = await cms("webhook", "add", "--name", "x", "--url", receiver.url, "--event", "*")
    assert refused.exit_code == 1
    assert "url: 127.0.0.1 is not a public address" in refused.output
    assert "WEBHOOK_ALLOWED_PRIVATE_NETWORKS" in refused.output


async def test_the_worker_delivers_what_is_due(
    cms: CmsRunner, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WEBHOOK_ALLOWED_PRIVATE_NETWORKS", "127.0.0.1/32")
    await cms("webhook", "add", "--name", "site", "--url", receiver.url, "--event", "*")
    event = await make_event(status=EventStatus.DRAFT)
    await services.publish_event(SYSTEM, event.slug, version=event.version)

    worked = await cms("worker", "--once", data_dir=str(tmp_path / "data"))

    assert "webhooks: delivered 1, failed 0" in worked.output
    [request] = receiver.received
    assert json.loads(request.body)["type"] == "event.published"
