"""API tokens: create one (its secret is shown once), list, revoke, and authenticate a secret.

Only the SHA-256 of a secret and a short display prefix are stored, so the
database never holds anything that could be sent as a token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from tortoise import timezone
from tortoise.exceptions import IntegrityError

from server.auth.errors import InvalidToken, TokenNotFound
from server.auth.models import ApiToken
from server.auth.viewer import Role, Viewer
from server.content.errors import ErrorCode, FieldError, PermissionDenied, ValidationFailed

SECRET_PREFIX = "cms_"
PREFIX_LENGTH = len(SECRET_PREFIX) + 8
NAME_MAX_LENGTH = 100
# Recording every use would make each authenticated request a write; once a
# minute is as fine-grained as "last used" needs to be.
LAST_USED_RESOLUTION = timedelta(minutes=1)
GRANTABLE_ROLES = (Role.EDITOR, Role.ADMIN)


@dataclass(frozen=True)
class NewToken:
    """A token just created: its row, and the secret, which is never available again."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    """The SHA-256 hex digest a secret is stored and looked up by."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def require_admin(viewer: Viewer) -> None:
    """Raises PermissionDenied unless the viewer may manage API tokens."""
    if viewer.role is not Role.ADMIN:
        raise PermissionDenied(f"{viewer.name} may not manage API tokens; only admins may")


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed([FieldError("name", "a token needs a name", ErrorCode.REQUIRED)])
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            [
                FieldError(
                    "name",
                    f"at most {NAME_MAX_LENGTH} characters, not {len(name)}",
                    ErrorCode.TOO_LONG,
                )
            ]
        )
    return name


def _duplicate(name: str) -> ValidationFailed:
    return ValidationFailed(
        [FieldError("name", f"a token named '{name}' exists already", ErrorCode.DUPLICATE)]
    )


async def create_token(viewer: Viewer, name: str, role: Role) -> NewToken:
    """Creates a token named `name` granting `role`; the secret is in the result, and only there."""
    require_admin(viewer)
    name = _checked_name(name)
    if role not in GRANTABLE_ROLES:
        raise ValidationFailed(
            [FieldError("role", "a token grants the editor or admin role", ErrorCode.INVALID)]
        )
    if await ApiToken.exists(name=name):
        raise _duplicate(name)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    try:
        token = await ApiToken.create(
            name=name,
            role=role,
            token_hash=hash_secret(secret),
            prefix=secret[:PREFIX_LENGTH],
            created_by=viewer.name,
        )
    except IntegrityError as error:  # the same name, created meanwhile
        raise _duplicate(name) from error
    return NewToken(token=token, secret=secret)


async def list_tokens(viewer: Viewer) -> list[ApiToken]:
    """Every token, revoked ones included, by name."""
    require_admin(viewer)
    return await ApiToken.all().order_by("name")


async def revoke_token(viewer: Viewer, name: str) -> ApiToken:
    """Revokes the token named `name` for good; revoking it again changes nothing."""
    require_admin(viewer)
    token = await ApiToken.get_or_none(name=name.strip())
    if token is None:
        raise TokenNotFound(name)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        await token.save(update_fields=["revoked_at"])
    return token


async def authenticate(secret: str) -> Viewer:
    """The viewer a presented secret acts as; raises InvalidToken unless it names a live token."""
    digest = hash_secret(secret)
    token = await ApiToken.get_or_none(token_hash=digest)
    # The lookup is by a hash of the secret, so its timing reveals nothing
    # about stored secrets; the comparison only guards against a collation
    # that matches hex digests loosely.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        raise InvalidToken("The API token is not recognised.")
    if token.revoked_at is not None:
        raise InvalidToken("The API token has been revoked.")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        await ApiToken.filter(id=token.id).update(last_used_at=now)
    return Viewer(name=token.name, role=token.role)
