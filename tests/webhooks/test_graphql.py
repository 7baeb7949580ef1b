"""Webhooks over GraphQL on the real app: admins subscribe (the secret shown once), list, test,
read the delivery log and remove; editors may not; the app's own worker delivers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cms.app import create_app
from server.auth import tokens
from server.auth.viewer import SYSTEM, Role
from server.content.models import EventStatus
from server.database import Database
from server.settings import Settings
from server.webhooks import signing
from tests.asgi import running
from tests.factories import make_event
from tests.webhooks.receiver import Receiver

CREATE = """
mutation Create($input: WebhookSubscriptionCreateInput!) {
  createWebhookSubscription(input: $input) {
    __typename
    ... on WebhookSubscriptionCreateSuccess { secret subscription { name url events enabled } }
    ... on ValidationError { errors { field message code } }
    ... on PermissionDeniedError { message }
  }
}
"""

LIST = "{ webhookSubscriptions { name url events enabled disabledReason createdBy } }"

TEST = """
mutation Test($name: String!) {
  testWebhookSubscription(name: $name) {
    __typename
    ... on WebhookTestSuccess { delivery { deliveryId eventType status attempts lastStatusCode } }
    ... on WebhookDeliveryFailedError { message delivery { status lastError } }
    ... on NotFoundError { message }
  }
}
"""

LOG = """
query Log($name: String) {
  webhookDeliveries(subscription: $name) {
    deliveryId subscription eventType status attempts lastStatusCode deliveredAt payload
  }
}
"""

REMOVE = """
mutation Remove($name: String!) {
  removeWebhookSubscription(name: $name) {
    __typename
    ... on WebhookSubscriptionSuccess { subscription { name } }
    ... on NotFoundError { message }
  }
}
"""

PUBLISH = """
mutation Publish($slug: String!, $version: Int!) {
  publishEvent(slug: $slug, version: $version) { __typename }
}
"""


@pytest.fixture
async def client(db: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The real app, with loopback allowed to webhooks and its background workers running."""
    settings = Settings(
        _env_file=None,
        database_url=db.url,
        data_dir=tmp_path / "data",
        webhook_allowed_private_networks=["127.0.0.0/8"],
        webhook_poll_seconds=0.05,
    )
    async with running(create_app(settings, db)) as client:
        yield client


async def as_role(role: Role) -> dict[str, str]:
    new = await tokens.create_token(SYSTEM, f"{role.value}-token", role)
    return {"Authorization": f"Bearer {new.secret}"}


async def graphql(
    client: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    answer = response.json()
    assert answer.get("errors") is None, answer
    return dict(answer["data"])


async def test_an_admin_subscribes_tests_reads_the_log_and_removes(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    admin = await as_role(Role.ADMIN)
    created = await graphql(
        client,
        admin,
        CREATE,
        input={"name": "site", "url": receiver.url, "events": ["event.published"]},
    )
    success = created["createWebhookSubscription"]
    assert success["__typename"] == "WebhookSubscriptionCreateSuccess"
    assert success["secret"].startswith(signing.SECRET_PREFIX)
    assert success["subscription"] == {
        "name": "site",
        "url": receiver.url,
        "events": ["event.published"],
        "enabled": True,
    }

    listed = await graphql(client, admin, LIST)
    assert listed["webhookSubscriptions"] == [
        {
            "name": "site",
            "url": receiver.url,
            "events": ["event.published"],
            "enabled": True,
            "disabledReason": None,
            "createdBy": "admin-token",
        }
    ]
    assert success["secret"] not in json.dumps(listed)

    tested = (await graphql(client, admin, TEST, name="site"))["testWebhookSubscription"]
    assert tested["__typename"] == "WebhookTestSuccess"
    assert tested["delivery"]["eventType"] == "webhook.test"
    assert (tested["delivery"]["status"], tested["delivery"]["lastStatusCode"]) == (
        "DELIVERED",
        204,
    )
    [request] = receiver.received
    assert request.headers["x-webhook-id"] == tested["delivery"]["deliveryId"]
    assert signing.verify(
        success["secret"],
        int(request.headers["x-webhook-timestamp"]),
        request.body,
        request.headers["x-webhook-signature"],
    )

    log = (await graphql(client, admin, LOG, name="site"))["webhookDeliveries"]
    assert [(d["eventType"], d["status"], d["attempts"]) for d in log] == [
        ("webhook.test", "DELIVERED", 1)
    ]

    removed = (await graphql(client, admin, REMOVE, name="site"))["removeWebhookSubscription"]
    assert removed == {"__typename": "WebhookSubscriptionSuccess", "subscription": {"name": "site"}}
    gone = (await graphql(client, admin, REMOVE, name="site"))["removeWebhookSubscription"]
    assert gone["__typename"] == "NotFoundError"


async def test_the_apps_own_worker_delivers_a_publish_made_over_the_api(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    admin = await as_role(Role.ADMIN)
    input = {"name": "site", "url": receiver.url, "events": ["*"]}
    await graphql(client, admin, CREATE, input=input)
    event = await make_event(slug="tidal-commons", status=EventStatus.DRAFT)

    published = await graphql(client, admin, PUBLISH, slug=event.slug, version=event.version)
    assert published["publishEvent"]["__typename"] == "EventPublishSuccess"
    for _ in range(400):  # the worker polls every 50 ms; this only bounds a broken run
        if receiver.received:
            break
        await asyncio.sleep(0.05)

    [request] = receiver.received
    assert json.loads(request.body)["object"]["slug"] == "tidal-commons"


async def test_bad_subscriptions_are_refused_field_by_field(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    admin = await as_role(Role.ADMIN)
    refused = await graphql(
        client,
        admin,
        CREATE,
        input={"name": "bad", "url": receiver.url, "events": ["event.published", "event.renamed"]},
    )
    assert refused["createWebhookSubscription"] == {
        "__typename": "ValidationError",
        "errors": [
            {
                "field": "events[1]",
                "message": refused["createWebhookSubscription"]["errors"][0]["message"],
                "code": "INVALID",
            }
        ],
    }
    assert (
        "'event.renamed' is not an event type"
        in (refused["createWebhookSubscription"]["errors"][0]["message"])
    )
    ftp = await graphql(
        client, admin, CREATE, input={"name": "ftp", "url": "ftp://example.org/", "events": ["*"]}
    )
    [error] = ftp["createWebhookSubscription"]["errors"]
    assert (error["field"], error["message"]) == ("url", "only http and https URLs are allowed")


async def test_editors_may_not_manage_webhooks(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    editor = await as_role(Role.EDITOR)
    input = {"name": "site", "url": receiver.url, "events": ["*"]}
    created = await graphql(client, editor, CREATE, input=input)
    assert created["createWebhookSubscription"]["__typename"] == "PermissionDeniedError"
    response = await client.post("/graphql", json={"query": LIST}, headers=editor)
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
