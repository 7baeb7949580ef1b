"""`cms webhook`: add, list, remove, test and enable the subscriptions that learn of content changes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import click

from server.auth.viewer import SYSTEM
from server.cli import require_schema
from server.content.errors import ContentError, ValidationFailed
from server.database import Database
from server.settings import Settings
from server.webhooks import events, subscriptions
from server.webhooks.models import WebhookSubscription
from server.webhooks.targets import TargetPolicy

T = TypeVar("T")


@click.group("webhook")
def webhook() -> None:
    """Manage webhook subscriptions: signed POSTs to a URL when content changes."""


def _run(settings: Settings, action: Callable[[], Awaitable[T]]) -> T:
    async def run() -> T:
        async with Database.from_settings(settings) as database:
            await require_schema(database)
            return await action()

    try:
        return asyncio.run(run())
    except ValidationFailed as error:
        raise click.ClickException("; ".join(str(e) for e in error.errors)) from error
    except ContentError as error:
        raise click.ClickException(str(error)) from error


def _when(moment: datetime | None, never: str = "-") -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else never


@webhook.command("add")
@click.option("--name", required=True, help="A unique name for the subscription.")
@click.option("--url", required=True, help="Where to POST: an http(s) URL on a public address.")
@click.option(
    "--event",
    "wanted",
    multiple=True,
    required=True,
    help="An event type to send, such as event.published; repeat it, or give * for all.",
)
def add(name: str, url: str, wanted: tuple[str, ...]) -> None:
    """Subscribe URL to content changes and print the signing secret, once.

    The secret alone goes to stdout, so `SECRET=$(cms webhook add ...)` captures it.
    """
    settings = Settings()
    policy = TargetPolicy.from_settings(settings)
    new = _run(
        settings, lambda: subscriptions.create_subscription(SYSTEM, name, url, wanted, policy)
    )
    row = new.subscription
    click.echo(f"Subscribed '{row.name}' to {', '.join(row.events)} at {row.url}.", err=True)
    click.echo(new.secret)
    click.echo("Copy the secret now: it will not be shown again.", err=True)


def _state(row: WebhookSubscription) -> str:
    return "enabled" if row.enabled else f"disabled {_when(row.disabled_at)}: {row.disabled_reason}"


@webhook.command("list")
def list_() -> None:
    """List subscriptions: name, URL, events, and whether each is enabled (never the secret)."""
    rows: list[WebhookSubscription] = _run(
        Settings(), lambda: subscriptions.list_subscriptions(SYSTEM)
    )
    if not rows:
        click.echo("No webhook subscriptions.")
        return
    for row in rows:
        click.echo(f"{row.name}  {row.url}  [{', '.join(row.events)}]  {_state(row)}")


@webhook.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Remove the subscription NAME and its delivery log."""
    row = _run(Settings(), lambda: subscriptions.remove_subscription(SYSTEM, name))
    click.echo(f"Removed webhook subscription '{row.name}' ({row.url}).")


@webhook.command("enable")
@click.argument("name")
def enable(name: str) -> None:
    """Enable the subscription NAME again after it was disabled; what was pending is sent."""
    row = _run(Settings(), lambda: subscriptions.enable_subscription(SYSTEM, name))
    click.echo(f"Webhook subscription '{row.name}' is enabled.")


@webhook.command("test")
@click.argument("name")
def test(name: str) -> None:
    """Send NAME a signed webhook.test delivery now and say how it went."""
    settings = Settings()

    async def send() -> tuple[str, str | None, int | None]:
        from server.webhooks.sending import Sender  # only this command sends: `cms` starts faster

        sender = Sender(TargetPolicy.from_settings(settings), settings.webhook_timeout_seconds)
        try:
            delivery, attempt = await subscriptions.test_subscription(SYSTEM, name, sender)
        finally:
            await sender.aclose()
        return delivery.delivery_id, attempt.error, attempt.status_code

    delivery_id, error, code = _run(settings, send)
    if error is not None:
        raise click.ClickException(f"{events.TEST_EVENT_TYPE} {delivery_id} failed: {error}")
    click.echo(f"Delivered {events.TEST_EVENT_TYPE} {delivery_id}: HTTP {code}.")
