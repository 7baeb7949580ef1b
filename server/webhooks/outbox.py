"""Recording webhook deliveries in the writer's transaction, and handing them to workers.

Content services call `record` inside the transaction that changes content, so a
delivery exists exactly when its change is committed, and a receiver that is down
never holds a write up. Workers `claim` due deliveries under a lease, POST them, then
`delivered` or `failed` them. A worker that dies mid-delivery leaves its claims to
expire and another sends them again, so delivery is at least once; the delivery id
lets a receiver drop a repeat.

Only the oldest pending delivery of each subscription and object is ever due, so a
receiver learns of one object's changes in the order they were made, however long
an earlier one waits for its retries.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q, Subquery
from tortoise.functions import Min
from tortoise.transactions import in_transaction

from server.webhooks import events
from server.webhooks.events import Action, Subject
from server.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription


def utcnow() -> datetime:
    return datetime.now(UTC)


def wants(subscription: WebhookSubscription, kind_of_event: str) -> bool:
    return events.ALL_EVENTS in subscription.events or kind_of_event in subscription.events


async def record(action: Action, subject: Subject) -> int:
    """Records a delivery of this change for every enabled subscription that asks for it;
    call it inside the change's transaction. Returns how many it recorded."""
    kind_of_event = events.event_type(subject.kind, action)
    subscriptions = [
        s for s in await WebhookSubscription.filter(enabled=True) if wants(s, kind_of_event)
    ]
    if not subscriptions:
        return 0
    now = utcnow()
    rows = []
    for subscription in subscriptions:
        delivery_id = str(uuid.uuid4())
        rows.append(
            WebhookDelivery(
                delivery_id=delivery_id,
                subscription_id=subscription.id,
                event_type=kind_of_event,
                object_key=subject.key,
                body=events.body(delivery_id, kind_of_event, subject, action, now),
                created_at=now,
            )
        )
    await WebhookDelivery.bulk_create(rows)
    return len(rows)


@dataclass(frozen=True)
class Claim:
    """One delivery a worker holds under lease, with what sending it needs."""

    id: int
    delivery_id: str
    event_type: str
    body: str
    attempts: int
    subscription_id: int
    url: str
    secret: str


def _heads() -> Subquery:
    """The oldest pending delivery of each subscription and object."""
    return Subquery(
        WebhookDelivery.filter(status=DeliveryStatus.PENDING)
        .group_by("subscription_id", "object_key")
        .annotate(head=Min("id"))
        .values("head")
    )


async def claim(limit: int, lease: timedelta) -> list[Claim]:
    """Takes up to `limit` due deliveries of enabled subscriptions, oldest first, for `lease`.

    A claim is a compare-and-set on the lease, so two workers never both hold one
    delivery, on either database; on PostgreSQL, SKIP LOCKED also keeps them from
    waiting on each other's candidates.
    """
    now = utcnow()
    token = str(uuid.uuid4())
    enabled = Subquery(WebhookSubscription.filter(enabled=True).values("id"))
    due = (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    async with in_transaction():
        candidates = await (
            WebhookDelivery.filter(due, id__in=_heads(), subscription_id__in=enabled)
            .order_by("id")
            .limit(limit)
            .select_for_update(skip_locked=True)
            .only("id")  # values_list() would drop the FOR UPDATE
        )
        if not candidates:
            return []
        # Still pending and due: another worker may have taken, sent and settled one since.
        await WebhookDelivery.filter(
            due, id__in=[row.id for row in candidates], status=DeliveryStatus.PENDING
        ).update(claimed_until=now + lease, claim_token=token)
    rows = await WebhookDelivery.filter(claim_token=token).order_by("id")
    subscriptions = {
        s.id: s for s in await WebhookSubscription.filter(id__in={r.subscription_id for r in rows})
    }
    return [
        Claim(
            r.id,
            r.delivery_id,
            r.event_type,
            r.body,
            r.attempts,
            r.subscription_id,
            subscriptions[r.subscription_id].url,
            subscriptions[r.subscription_id].secret,
        )
        for r in rows
        if r.subscription_id in subscriptions
    ]


async def delivered(claim: Claim, status_code: int | None) -> None:
    """The receiver took the delivery."""
    now = utcnow()
    await WebhookDelivery.filter(id=claim.id).update(
        status=DeliveryStatus.DELIVERED,
        attempts=claim.attempts + 1,
        last_attempt_at=now,
        last_status_code=status_code,
        last_error=None,
        delivered_at=now,
        claimed_until=None,
        claim_token=None,
    )


@dataclass(frozen=True)
class Retries:
    """How often, and how patiently, a delivery is tried."""

    max_attempts: int
    base_seconds: float
    max_seconds: float

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failure: doubling from the base, capped, and
        jittered by up to a fifth either way so that receivers coming back are not hit
        by every sender at once."""
        seconds = min(self.max_seconds, self.base_seconds * 2 ** min(attempts - 1, 30))
        return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


async def failed(claim: Claim, status_code: int | None, error: str, retries: Retries) -> bool:
    """The attempt failed: the delivery waits for its next attempt, or, when that was its
    last, fails for good and disables its subscription, saying why. Returns whether the
    subscription was disabled."""
    now = utcnow()
    attempts = claim.attempts + 1
    final = attempts >= retries.max_attempts
    async with in_transaction():
        await WebhookDelivery.filter(id=claim.id).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            attempts=attempts,
            last_attempt_at=now,
            last_status_code=status_code,
            last_error=error[:2000],
            next_attempt_at=None if final else now + retries.backoff(attempts),
            claimed_until=None,
            claim_token=None,
        )
        if final:
            await WebhookSubscription.filter(id=claim.subscription_id, enabled=True).update(
                enabled=False,
                disabled_at=now,
                disabled_reason=(
                    f"delivery {claim.delivery_id} ({claim.event_type}) failed "
                    f"{attempts} time(s); the last: {error}"
                )[:2000],
            )
    return final


async def pending_count(subscription_ids: Sequence[int] | None = None) -> int:
    """How many deliveries wait to be sent (all, or those of these subscriptions)."""
    pending = WebhookDelivery.filter(status=DeliveryStatus.PENDING)
    if subscription_ids is not None:
        pending = pending.filter(subscription_id__in=list(subscription_ids))
    return await pending.count()
