"""The token services: a secret shown once and stored only as a hash, listing, revoking, and
authenticating a presented secret."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from tortoise import timezone

from server.auth import tokens
from server.auth.errors import InvalidToken, TokenNotFound
from server.auth.models import ApiToken
from server.auth.viewer import ANONYMOUS, SYSTEM, Role, Viewer
from server.content.errors import ErrorCode, FieldError, PermissionDenied, ValidationFailed
from server.database import Database
from tests.auth.conftest import make_token

EDITOR = Viewer(name="editor", role=Role.EDITOR)


async def test_a_new_token_shows_its_secret_once_and_stores_only_its_hash(db: Database) -> None:
    new = await tokens.create_token(SYSTEM, "newsletter", Role.EDITOR)

    assert new.secret.startswith("cms_") and len(new.secret) > 40
    row = await ApiToken.get(name="newsletter")
    assert row.token_hash == hashlib.sha256(new.secret.encode()).hexdigest()
    assert row.prefix == new.secret[:12]
    assert (row.role, row.created_by, row.revoked_at) == (Role.EDITOR, "system", None)
    stored = await db.connection().execute_query_dict('SELECT * FROM "api_token"')
    assert new.secret not in repr(stored)
    assert new.secret[12:] not in repr(stored)


async def test_every_token_gets_its_own_secret(db: Database) -> None:
    first, second = await make_token(), await make_token()

    assert first.secret != second.secret
    assert first.token.token_hash != second.token.token_hash


@pytest.mark.parametrize(
    ("name", "role", "error"),
    [
        ("  ", Role.EDITOR, FieldError("name", "a token needs a name", ErrorCode.REQUIRED)),
        (
            "x" * 101,
            Role.EDITOR,
            FieldError("name", "at most 100 characters, not 101", ErrorCode.TOO_LONG),
        ),
        (
            "nobody",
            Role.ANONYMOUS,
            FieldError("role", "a token grants the editor or admin role", ErrorCode.INVALID),
        ),
    ],
)
async def test_a_bad_name_or_role_is_refused(
    db: Database, name: str, role: Role, error: FieldError
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await tokens.create_token(SYSTEM, name, role)

    assert raised.value.errors == [error]
    assert await ApiToken.all().count() == 0


async def test_names_are_unique(db: Database) -> None:
    await make_token("ops")

    with pytest.raises(ValidationFailed) as raised:
        await tokens.create_token(SYSTEM, " ops ", Role.ADMIN)

    assert raised.value.errors == [
        FieldError("name", "a token named 'ops' exists already", ErrorCode.DUPLICATE)
    ]


@pytest.mark.parametrize("viewer", [ANONYMOUS, EDITOR], ids=["anonymous", "editor"])
async def test_only_admins_manage_tokens(db: Database, viewer: Viewer) -> None:
    await make_token("ops")

    with pytest.raises(PermissionDenied):
        await tokens.create_token(viewer, "mine", Role.ADMIN)
    with pytest.raises(PermissionDenied):
        await tokens.list_tokens(viewer)
    with pytest.raises(PermissionDenied):
        await tokens.revoke_token(viewer, "ops")
    assert [row.name for row in await ApiToken.filter(revoked_at=None)] == ["ops"]


async def test_the_list_has_every_token_by_name_revoked_ones_included(db: Database) -> None:
    await make_token("zeta")
    await make_token("alpha", Role.ADMIN)
    await tokens.revoke_token(SYSTEM, "zeta")

    rows = await tokens.list_tokens(SYSTEM)

    assert [(row.name, row.role, row.revoked_at is not None) for row in rows] == [
        ("alpha", Role.ADMIN, False),
        ("zeta", Role.EDITOR, True),
    ]


async def test_a_revoked_token_stays_revoked_from_the_first_revocation(db: Database) -> None:
    await make_token("ops")

    first = await tokens.revoke_token(SYSTEM, "ops")
    again = await tokens.revoke_token(SYSTEM, "ops")

    assert first.revoked_at is not None
    assert again.revoked_at == first.revoked_at


async def test_revoking_an_unknown_name_says_so(db: Database) -> None:
    with pytest.raises(TokenNotFound, match="no API token named 'ghost'"):
        await tokens.revoke_token(SYSTEM, "ghost")


async def test_a_live_secret_authenticates_as_the_token(db: Database) -> None:
    new = await make_token("ops", Role.ADMIN)

    assert await tokens.authenticate(new.secret) == Viewer(name="ops", role=Role.ADMIN)


@pytest.mark.parametrize("secret", ["cms_unknown", "", "x" * 300])
async def test_an_unknown_secret_is_refused(db: Database, secret: str) -> None:
    await make_token()

    with pytest.raises(InvalidToken, match="not recognised"):
        await tokens.authenticate(secret)


async def test_a_revoked_secret_is_refused(db: Database) -> None:
    new = await make_token("ops")
    await tokens.revoke_token(SYSTEM, "ops")

    with pytest.raises(InvalidToken, match="revoked"):
        await tokens.authenticate(new.secret)


async def test_use_is_recorded_at_most_once_a_minute(db: Database) -> None:
    new = await make_token("ops")
    assert new.token.last_used_at is None

    await tokens.authenticate(new.secret)
    first = (await ApiToken.get(name="ops")).last_used_at
    await tokens.authenticate(new.secret)
    unchanged = (await ApiToken.get(name="ops")).last_used_at
    long_ago = timezone.now() - timedelta(minutes=5)
    await ApiToken.filter(name="ops").update(last_used_at=long_ago)
    await tokens.authenticate(new.secret)
    refreshed = (await ApiToken.get(name="ops")).last_used_at

    assert first is not None and unchanged == first
    assert refreshed is not None and refreshed > long_ago + timedelta(minutes=4)
