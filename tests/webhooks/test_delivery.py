"""Webhooks delivered to a real receiver on loopback: signed, in order per object, never lost
while the receiver is down, and given up on (the subscription disabled) after the set attempts."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from datetime import timedelta

from strawberry.relay import to_base64

from server.auth.viewer import SYSTEM
from server.content import services
from server.content.models import EventStatus, Recording
from server.content.services.inputs import EventPatch, PersonPatch, TopicInput, TopicPatch
from server.database import Database
from server.transcripts.cues import Cue
from server.transcripts.services import TranscriptInput, replace_transcript
from server.webhooks import outbox, signing
from server.webhooks.events import global_id
from server.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from server.webhooks.outbox import Retries
from server.webhooks.worker import WebhookWorker
from tests.factories import make_event, make_person
from tests.webhooks.conftest import make_worker, subscribe
from tests.webhooks.receiver import Receiver


async def deliver_everything(worker: WebhookWorker) -> None:
    """Drains until nothing is pending (retries in backoff wait milliseconds here)."""
    while await outbox.pending_count():
        await worker.drain()


async def test_a_publish_delivers_one_signed_webhook(
    db: Database, receiver: Receiver, worker: WebhookWorker
) -> None:
    secret = (await subscribe(receiver.url)).secret
    draft = await make_event(slug="harbour-forum", status=EventStatus.DRAFT)

    published = await services.publish_event(SYSTEM, "harbour-forum", version=draft.version)
    report = await worker.drain()

    assert report.delivered == 1 and report.failed == 0
    [request] = receiver.received
    timestamp = int(request.headers["x-webhook-timestamp"])
    assert signing.verify(secret, timestamp, request.body, request.headers["x-webhook-signature"])
    assert not signing.verify(
        "whsec_another", timestamp, request.body, request.headers["x-webhook-signature"]
    )
    payload = json.loads(request.body)
    assert payload["id"] == request.headers["x-webhook-id"]
    assert payload["type"] == request.headers["x-webhook-event"] == "event.published"
    assert payload["object"] == {
        "kind": "event",
        "id": global_id("Event", published.id),
        "slug": "harbour-forum",
        "version": published.version,
        "path": "/events/harbour-forum",
    }
    assert payload["purgeKeys"] == ["event:harbour-forum", "events"]
    delivery = await WebhookDelivery.get(delivery_id=payload["id"])
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        204,
    )


async def test_only_changes_the_public_sees_are_told(
    db: Database, receiver: Receiver, worker: WebhookWorker
) -> None:
    await subscribe(receiver.url, ("event.published", "event.unpublished", "event.updated"))
    draft = await make_event(status=EventStatus.DRAFT)

    edited = await services.update_event(
        SYSTEM, draft.slug, EventPatch(title="Still a draft"), version=draft.version
    )
    published = await services.publish_event(SYSTEM, draft.slug, version=edited.version)
    await services.unpublish_event(SYSTEM, draft.slug, version=published.version)
    await worker.drain()

    told = [json.loads(r.body)["type"] for r in receiver.received]
    assert told == ["event.published", "event.unpublished"]
    assert json.loads(receiver.received[1].body)["object"]["path"] is None


async def test_a_receiver_that_is_down_gets_every_change_in_order_when_it_returns(
    db: Database, receiver: Receiver, worker: WebhookWorker
) -> None:
    await subscribe(receiver.url)
    receiver.stop()
    first = await make_event(status=EventStatus.DRAFT)
    second = await make_event(status=EventStatus.DRAFT)
    person = await make_person()

    row = await services.publish_event(SYSTEM, first.slug, version=first.version)
    for title in ("Second title", "Third title"):
        row = await services.update_event(
            SYSTEM, first.slug, EventPatch(title=title), version=row.version
        )
        await worker.drain_once()  # fails: nobody listens
    await services.publish_event(SYSTEM, second.slug, version=second.version)
    await services.update_person(
        SYSTEM, person.slug, PersonPatch(bio="Now with a bio."), version=person.version
    )
    await worker.drain_once()

    # Only the oldest change of each object was tried; the later ones wait behind it.
    waiting = await WebhookDelivery.filter(status=DeliveryStatus.PENDING).order_by("id")
    assert len(waiting) == 5
    for key in {d.object_key for d in waiting}:
        attempts = [d.attempts for d in waiting if d.object_key == key]
        assert attempts[0] >= 1 and all(a == 0 for a in attempts[1:])
    assert receiver.received == []

    receiver.start()
    await deliver_everything(worker)

    bodies = [json.loads(r.body) for r in receiver.received]
    ids = [b["id"] for b in bodies]
    recorded = await WebhookDelivery.all().values_list("delivery_id", flat=True)
    assert sorted(set(ids)) == sorted(recorded)  # every change arrived
    assert len(ids) == len(set(ids))  # and none twice (one worker, none died)
    by_object: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for body in bodies:
        by_object[body["object"]["slug"]].append((body["type"], body["object"]["version"]))
    assert [t for t, _ in by_object[first.slug]] == [
        "event.published",
        "event.updated",
        "event.updated",
    ]
    versions = [v for _, v in by_object[first.slug]]
    assert versions == sorted(versions) and len(set(versions)) == 3
    assert [t for t, _ in by_object[second.slug]] == ["event.published"]
    assert [t for t, _ in by_object[person.slug]] == ["person.updated"]


async def test_a_subscription_that_keeps_failing_is_disabled_after_the_set_attempts(
    db: Database, receiver: Receiver
) -> None:
    receiver.status = 500
    await subscribe(receiver.url)
    event = await make_event(status=EventStatus.DRAFT)
    await services.publish_event(SYSTEM, event.slug, version=event.version)
    worker = make_worker(Retries(max_attempts=3, base_seconds=0.001, max_seconds=0.005))
    try:
        while (await WebhookSubscription.get(name="site")).enabled:
            await worker.drain()
    finally:
        await worker.sender.aclose()

    subscription = await WebhookSubscription.get(name="site")
    assert subscription.disabled_reason is not None and "HTTP 500" in subscription.disabled_reason
    assert "3 time(s)" in subscription.disabled_reason
    [delivery] = await WebhookDelivery.all()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.FAILED,
        3,
        500,
    )
    assert len(receiver.received) == 3

    # A disabled subscription is sent nothing more, and gets no new deliveries.
    person = await make_person()
    await services.update_person(SYSTEM, person.slug, PersonPatch(bio="x"), version=person.version)
    assert await WebhookDelivery.all().count() == 1


async def test_a_redirect_is_not_followed(
    db: Database, receiver: Receiver, worker: WebhookWorker
) -> None:
    elsewhere = Receiver()
    elsewhere.start()
    try:
        receiver.status, receiver.location = 307, elsewhere.url
        await subscribe(receiver.url)
        event = await make_event(status=EventStatus.DRAFT)
        await services.publish_event(SYSTEM, event.slug, version=event.version)
        await worker.drain_once()
    finally:
        elsewhere.stop()

    [delivery] = await WebhookDelivery.all()
    assert delivery.status is DeliveryStatus.PENDING and delivery.last_status_code == 307
    assert "redirects are not followed" in (delivery.last_error or "")
    assert len(receiver.received) == 1 and elsewhere.received == []


async def test_a_claimed_delivery_is_sent_by_one_worker_until_its_lease_ends(
    db: Database, receiver: Receiver
) -> None:
    await subscribe(receiver.url)
    for _ in range(4):
        event = await make_event(status=EventStatus.DRAFT)
        await services.publish_event(SYSTEM, event.slug, version=event.version)

    first = await outbox.claim(3, timedelta(minutes=5))
    second = await outbox.claim(10, timedelta(minutes=5))
    assert len(first) == 3 and len(second) == 1
    assert not {c.id for c in first} & {c.id for c in second}
    assert await outbox.claim(10, timedelta(minutes=5)) == []

    # A worker that died holding a claim: once its lease ends, the delivery is sent again.
    await WebhookDelivery.filter(id=second[0].id).update(
        claimed_until=outbox.utcnow() - timedelta(seconds=1)
    )
    [again] = await outbox.claim(10, timedelta(minutes=5))
    assert again.delivery_id == second[0].delivery_id


async def test_backoff_doubles_with_jitter_up_to_its_cap() -> None:
    retries = Retries(max_attempts=12, base_seconds=30, max_seconds=3600)
    for attempts, nominal in [(1, 30), (2, 60), (5, 480), (8, 3600), (11, 3600)]:
        wait = retries.backoff(attempts).total_seconds()
        assert 0.8 * nominal <= wait <= 1.2 * nominal
    total = sum(min(3600, 30 * 2 ** (n - 1)) for n in range(1, 12))
    assert total > 4 * 3600  # the default settings keep trying for hours


async def test_every_kind_is_told_with_its_keys_and_paths(
    db: Database, receiver: Receiver, worker: WebhookWorker
) -> None:
    await subscribe(receiver.url)
    topic = await services.create_topic(SYSTEM, TopicInput(slug="climate", name="Climate"))
    await services.update_topic(
        SYSTEM, "climate", TopicPatch(slug="climate-justice"), version=topic.version
    )
    event = await make_event(slug="tidal-commons", recordings=["Full session"])
    recording = await Recording.get(event_id=event.id)
    cues = (Cue(start_ms=0, end_ms=2000, text="Welcome."),)
    await replace_transcript(SYSTEM, recording, TranscriptInput(language="en", cues=cues))
    await services.delete_topic(SYSTEM, "climate-justice")
    await worker.drain()

    told = [json.loads(r.body) for r in receiver.received]
    topics = [b for b in told if b["object"]["kind"] == "topic"]  # in order: one object
    assert [(b["type"], b["object"]["path"], b["purgeKeys"]) for b in topics] == [
        ("topic.published", "/topics/climate", ["topic:climate", "topics"]),
        (
            "topic.updated",
            "/topics/climate-justice",
            ["topic:climate-justice", "topic:climate", "topics"],
        ),
        ("topic.deleted", None, ["topic:climate-justice", "topics"]),
    ]
    assert topics[0]["object"]["id"] == to_base64("Topic", topic.id)  # as node(id:) reads it
    [transcript] = [b for b in told if b["object"]["kind"] == "transcript"]
    assert (transcript["type"], transcript["object"]["path"], transcript["purgeKeys"]) == (
        "transcript.published",
        "/events/tidal-commons",
        ["event:tidal-commons", "events"],
    )
    assert transcript["object"]["id"] == to_base64("Recording", recording.id)


async def test_workers_running_at_once_send_each_delivery_once(
    db: Database, receiver: Receiver
) -> None:
    await subscribe(receiver.url)
    for _ in range(12):
        event = await make_event(status=EventStatus.DRAFT)
        row = await services.publish_event(SYSTEM, event.slug, version=event.version)
        await services.update_event(
            SYSTEM, event.slug, EventPatch(title="Renamed"), version=row.version
        )
    workers = [make_worker() for _ in range(3)]
    for worker in workers:
        worker.batch_size = 5
    try:
        while await outbox.pending_count():
            await asyncio.gather(*(worker.drain() for worker in workers))
    finally:
        for worker in workers:
            await worker.sender.aclose()

    ids = [r.headers["x-webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 24
    for slug in {json.loads(r.body)["object"]["slug"] for r in receiver.received}:
        types = [
            json.loads(r.body)["type"]
            for r in receiver.received
            if json.loads(r.body)["object"]["slug"] == slug
        ]
        assert types == ["event.published", "event.updated"]
