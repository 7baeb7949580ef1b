"""Signing a delivery, as receivers check it: HMAC-SHA256 over `<timestamp>.<body>`.

The timestamp is in the signed text, so a receiver that refuses old timestamps
refuses a replayed delivery too; the delivery id (`X-Webhook-Id`) lets it drop a
delivery it has already handled, since delivery is at least once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SIGNATURE_HEADER = "X-Webhook-Signature"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
ID_HEADER = "X-Webhook-Id"
EVENT_HEADER = "X-Webhook-Event"


def new_secret() -> str:
    """A fresh signing secret (256 random bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: str) -> str:
    """`sha256=<hex>`: the HMAC-SHA256, keyed with the secret, of `<timestamp>.<body>`."""
    signed = f"{timestamp}.{body}".encode()
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: int, body: str, presented: str) -> bool:
    """Whether `presented` is the signature of this timestamp and body (in constant time)."""
    return hmac.compare_digest(signature(secret, timestamp, body), presented)


def headers(
    secret: str, delivery_id: str, kind_of_event: str, timestamp: int, body: str
) -> dict[str, str]:
    """The headers of one attempt at a delivery."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "civic-cms-webhooks",
        ID_HEADER: delivery_id,
        EVENT_HEADER: kind_of_event,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
