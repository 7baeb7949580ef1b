"""Webhook subscriptions, for admins: create (the secret is shown once), list, remove, test,
enable again, and read the delivery log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError

from server.auth.viewer import Role, Viewer
from server.content.errors import ErrorCode, FieldError, PermissionDenied, ValidationFailed
from server.webhooks import events, signing
from server.webhooks.errors import SubscriptionNotFound, TargetRefused
from server.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from server.webhooks.outbox import utcnow
from server.webhooks.targets import TargetPolicy, check_url

if TYPE_CHECKING:  # the HTTP client is imported only where webhooks are sent
    from server.webhooks.sending import Attempt, Sender

NAME_MAX_LENGTH = 100
URL_MAX_LENGTH = 2000
LOG_MAX = 500


@dataclass(frozen=True)
class NewSubscription:
    """A subscription just created, and its secret, which is never available again."""

    subscription: WebhookSubscription
    secret: str


def require_admin(viewer: Viewer) -> None:
    """Raises PermissionDenied unless the viewer may manage webhooks."""
    if viewer.role is not Role.ADMIN:
        raise PermissionDenied(f"{viewer.name} may not manage webhooks; only admins may")


def _invalid(field: str, message: str, code: ErrorCode = ErrorCode.INVALID) -> ValidationFailed:
    return ValidationFailed([FieldError(field, message, code)])


def _checked_events(wanted: Sequence[str]) -> list[str]:
    cleaned = list(dict.fromkeys(e.strip() for e in wanted if e.strip()))
    if not cleaned:
        raise _invalid("events", "name at least one event type, or *", ErrorCode.REQUIRED)
    errors = [
        FieldError(
            f"events[{index}]",
            f"'{name}' is not an event type; use * or one of: {', '.join(events.EVENT_TYPES)}",
            ErrorCode.INVALID,
        )
        for index, name in enumerate(cleaned)
        if name != events.ALL_EVENTS and name not in events.EVENT_TYPES
    ]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


async def create_subscription(
    viewer: Viewer, name: str, url: str, wanted: Sequence[str], policy: TargetPolicy
) -> NewSubscription:
    """Subscribes `url` to the `wanted` event types; the secret is in the result, and only there.

    The URL must be http(s) and resolve to addresses the policy allows, now (and at
    every delivery)."""
    require_admin(viewer)
    name, url = name.strip(), url.strip()
    errors = []
    if not name:
        errors.append(FieldError("name", "a subscription needs a name", ErrorCode.REQUIRED))
    elif len(name) > NAME_MAX_LENGTH:
        errors.append(
            FieldError("name", f"at most {NAME_MAX_LENGTH} characters", ErrorCode.TOO_LONG)
        )
    if len(url) > URL_MAX_LENGTH:
        errors.append(FieldError("url", f"at most {URL_MAX_LENGTH} characters", ErrorCode.TOO_LONG))
    if errors:
        raise ValidationFailed(errors)
    checked = _checked_events(wanted)
    try:
        await check_url(url, policy)
    except TargetRefused as refused:
        raise _invalid("url", str(refused)) from refused
    duplicate = _invalid(
        "name", f"a subscription named '{name}' exists already", ErrorCode.DUPLICATE
    )
    if await WebhookSubscription.exists(name=name):
        raise duplicate
    secret = signing.new_secret()
    try:
        row = await WebhookSubscription.create(
            name=name, url=url, events=checked, secret=secret, created_by=viewer.name
        )
    except IntegrityError as error:  # the same name, created meanwhile
        raise duplicate from error
    return NewSubscription(row, secret)


async def list_subscriptions(viewer: Viewer) -> list[WebhookSubscription]:
    """Every subscription, by name."""
    require_admin(viewer)
    return await WebhookSubscription.all().order_by("name")


async def _get(name: str) -> WebhookSubscription:
    row = await WebhookSubscription.get_or_none(name=name.strip())
    if row is None:
        raise SubscriptionNotFound(name)
    return row


async def remove_subscription(viewer: Viewer, name: str) -> WebhookSubscription:
    """Removes the subscription and its delivery log; nothing more is sent to it."""
    require_admin(viewer)
    row = await _get(name)
    await row.delete()
    return row


async def enable_subscription(viewer: Viewer, name: str) -> WebhookSubscription:
    """Enables a subscription that was disabled: what was pending is delivered again."""
    require_admin(viewer)
    row = await _get(name)
    if not row.enabled:
        await WebhookSubscription.filter(id=row.id).update(
            enabled=True, disabled_at=None, disabled_reason=None
        )
        await row.refresh_from_db()
    return row


async def deliveries(
    viewer: Viewer,
    name: str | None = None,
    status: DeliveryStatus | None = None,
    limit: int = 50,
) -> list[WebhookDelivery]:
    """The delivery log, newest first: of one subscription or all, of one status or any."""
    require_admin(viewer)
    log = WebhookDelivery.all()
    if name is not None:
        log = log.filter(subscription_id=(await _get(name)).id)
    if status is not None:
        log = log.filter(status=status)
    limit = min(limit, LOG_MAX)
    if limit <= 0:
        return []
    return await log.order_by("-id").limit(limit).prefetch_related("subscription")


async def test_subscription(
    viewer: Viewer, name: str, sender: Sender
) -> tuple[WebhookDelivery, Attempt]:
    """Sends the subscription a signed `webhook.test` delivery now, and logs how it went.

    The test is sent once, even to a disabled subscription, and never retried."""
    require_admin(viewer)
    row = await _get(name)
    now = utcnow()
    delivery_id = str(uuid.uuid4())
    body = events.test_body(delivery_id, row.name, now)
    attempt = await sender.send(row.url, row.secret, delivery_id, events.TEST_EVENT_TYPE, body)
    delivery = await WebhookDelivery.create(
        delivery_id=delivery_id,
        subscription_id=row.id,
        event_type=events.TEST_EVENT_TYPE,
        object_key=f"test:{delivery_id}",
        body=body,
        status=DeliveryStatus.DELIVERED if attempt.ok else DeliveryStatus.FAILED,
        attempts=1,
        created_at=now,
        last_attempt_at=utcnow(),
        last_status_code=attempt.status_code,
        last_error=attempt.error,
        delivered_at=utcnow() if attempt.ok else None,
    )
    delivery.subscription = row
    return delivery, attempt
