"""Draft previews: a short-lived, signed token that lets its bearer read one draft event.

An editor asks for a token for a draft; a frontend sends it as `X-Preview-Token` and
reads, as the public does, plus that one draft (and its recordings and transcripts),
with no editor credential. The token is `v1.<payload>.<signature>`, the payload naming
the event's id, the number of its latest revision when the token was made and when the
token expires, signed with HMAC-SHA256 under the preview secret. Nothing is stored: a
token holds while it has not expired, the event still exists and is a draft, and no
revision since the token was made published it. So it dies when the event is published
(even if it is unpublished again) or deleted, and edits to the draft keep it alive.

The secret is `PREVIEW_SECRET`. Without one, a development server makes a random one
and keeps it in `<data_dir>/preview-secret`, so every process sharing the data
directory signs alike and tokens survive a restart; production refuses previews until
the secret is set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from server.auth.errors import AuthenticationFailed
from server.auth.viewer import Role, Viewer
from server.content.errors import (
    ErrorCode,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from server.content.models import Event, EventRevision, EventStatus, RevisionAction
from server.content.services.editing import get_by_slug
from server.content.services.writes import require_writer
from server.settings import Environment, Settings

HEADER = "x-preview-token"
_VERSION = "v1"
_SECRET_FILE = "preview-secret"
_MAX_TOKEN_LENGTH = 512


class PreviewsUnavailable(PermissionDenied):
    """Previews cannot be signed or checked: production without PREVIEW_SECRET."""


class InvalidPreviewToken(AuthenticationFailed):
    """The preview token is malformed, forged, expired, or its draft is gone or published."""


@dataclass(frozen=True)
class PreviewToken:
    """A token just made, and when it expires."""

    token: str
    expires_at: datetime
    event: Event


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_DEVELOPMENT_SECRETS: dict[Path, bytes] = {}


def _development_secret(data_dir: Path) -> bytes:
    """The secret kept in the data directory, made (once, by whichever process is first)
    when missing."""
    path = data_dir / _SECRET_FILE
    if path in _DEVELOPMENT_SECRETS:
        return _DEVELOPMENT_SECRETS[path]
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
    secret = path.read_text().strip().encode("utf-8")
    if len(secret) < 32:  # a file another process is still writing, or cut short
        raise PreviewsUnavailable(f"{path} holds no usable preview secret; delete it")
    _DEVELOPMENT_SECRETS[path] = secret
    return secret


def signing_key(settings: Settings) -> bytes:
    """The key preview tokens are signed with (see the module)."""
    if settings.preview_secret is not None:
        return settings.preview_secret.get_secret_value().encode("utf-8")
    if settings.environment is Environment.PRODUCTION:
        raise PreviewsUnavailable("previews need PREVIEW_SECRET to be set in production")
    return _development_secret(settings.data_dir)


def _sign(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, f"{_VERSION}.{payload}".encode("ascii"), hashlib.sha256).digest())


async def _latest_revision(event_id: int) -> int:
    latest = await EventRevision.filter(event_id=event_id).order_by("-number").first()
    return latest.number if latest is not None else 0


async def create_preview_token(
    viewer: Viewer, settings: Settings, slug: str, *, now: float | None = None
) -> PreviewToken:
    """A token to read the draft event with this slug; editors only, drafts only."""
    require_writer(viewer)
    event = await get_by_slug(Event, slug)
    if event is None:
        raise NotFound("event", slug)
    if event.status is not EventStatus.DRAFT:
        raise ValidationFailed(
            [
                FieldError(
                    "slug",
                    "the event is published: anyone can read it without a preview token",
                    ErrorCode.INVALID,
                )
            ]
        )
    expires = int(now if now is not None else time.time()) + settings.preview_token_seconds
    claims = {"e": event.id, "r": await _latest_revision(event.id), "x": expires}
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode("ascii"))
    token = f"{_VERSION}.{payload}.{_sign(signing_key(settings), payload)}"
    return PreviewToken(token, datetime.fromtimestamp(expires, UTC), event)


def _claims(token: str, key: bytes, now: float) -> tuple[int, int]:
    """The event id and revision number a token names, once its signature and expiry hold."""
    parts = token.split(".")
    if len(token) > _MAX_TOKEN_LENGTH or len(parts) != 3 or parts[0] != _VERSION:
        raise InvalidPreviewToken("The preview token is malformed.")
    _, payload, signature = parts
    if not hmac.compare_digest(_sign(key, payload), signature):
        raise InvalidPreviewToken("The preview token's signature does not hold.")
    try:
        claims = json.loads(_unb64(payload))
        event_id, revision, expires = int(claims["e"]), int(claims["r"]), int(claims["x"])
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidPreviewToken("The preview token is malformed.") from error
    if now >= expires:
        raise InvalidPreviewToken("The preview token has expired; ask an editor for a new one.")
    return event_id, revision


async def authenticate_preview(
    token: str, settings: Settings, *, now: float | None = None
) -> Viewer:
    """The viewer a preview token grants: the public, plus its one draft event."""
    try:
        key = signing_key(settings)
    except PreviewsUnavailable as error:
        raise InvalidPreviewToken(f"Previews are unavailable: {error}.") from error
    event_id, revision = _claims(token.strip(), key, now if now is not None else time.time())
    status: EventStatus | None = (
        await Event.filter(id=event_id)
        .first()
        .values_list(  # type: ignore[assignment]  # one row's flat value
            "status", flat=True
        )
    )
    if status is None:
        raise InvalidPreviewToken("The previewed event has been deleted.")
    published_since = await EventRevision.filter(
        event_id=event_id, number__gt=revision, action=RevisionAction.PUBLISH
    ).exists()
    if status != EventStatus.DRAFT or published_since:
        raise InvalidPreviewToken(
            "The previewed event has been published; read it without a preview token."
        )
    return Viewer(name=f"preview of event {event_id}", role=Role.PREVIEW, preview_of=event_id)
