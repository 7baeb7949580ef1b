"""`cms token`: create prints the secret once, list never shows it, revoke; clear errors."""

from __future__ import annotations

import hashlib
import re

from server.auth import tokens
from server.auth.models import ApiToken
from server.auth.viewer import Role
from server.database import Database
from tests.auth.conftest import make_token
from tests.conftest import CmsRunner


async def test_create_prints_the_token_once_and_stores_its_hash(
    cms: CmsRunner, db: Database
) -> None:
    result = await cms("token", "create", "--name", "newsletter", "--role", "editor")

    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()  # alone on stdout, for `TOKEN=$(cms token create ...)`
    assert re.fullmatch(r"cms_[A-Za-z0-9_-]{43}", secret)
    assert result.stderr.splitlines() == [
        f"Created editor token 'newsletter' ({secret[:12]}…).",
        "Copy it now: it will not be shown again.",
    ]
    row = await ApiToken.get(name="newsletter")
    assert (row.role, row.token_hash) == (Role.EDITOR, hashlib.sha256(secret.encode()).hexdigest())
    assert await tokens.authenticate(secret) is not None


async def test_list_shows_each_token_without_its_secret(cms: CmsRunner, db: Database) -> None:
    ops = await make_token("ops", Role.ADMIN)
    bot = await make_token("bot")
    await tokens.authenticate(bot.secret)
    await cms("token", "revoke", "ops")

    result = await cms("token", "list")

    assert result.exit_code == 0, result.output
    header, *lines = result.output.splitlines()
    assert header.split() == ["NAME", "ROLE", "PREFIX", "CREATED", "LAST", "USED", "REVOKED"]
    when = r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"
    assert re.fullmatch(rf"bot +editor +{re.escape(bot.secret[:12])}… +{when} +{when} +-", lines[0])
    assert re.fullmatch(
        rf"ops +admin +{re.escape(ops.secret[:12])}… +{when} +never +{when}", lines[1]
    )
    assert len(lines) == 2
    assert bot.secret not in result.output and ops.secret not in result.output


async def test_list_says_when_there_are_none(cms: CmsRunner, db: Database) -> None:
    result = await cms("token", "list")

    assert (result.exit_code, result.output) == (0, "No API tokens.\n")


async def test_revoke_stops_the_token(cms: CmsRunner, db: Database) -> None:
    new = await make_token("ops")

    result = await cms("token", "revoke", "ops")

    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"Token 'ops' \(editor, {re.escape(new.secret[:12])}…\) is revoked "
        r"\(since \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\.\n",
        result.output,
    )
    assert (await ApiToken.get(name="ops")).revoked_at is not None


async def test_a_duplicate_name_is_an_error(cms: CmsRunner, db: Database) -> None:
    await make_token("ops")

    result = await cms("token", "create", "--name", "ops", "--role", "admin")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Error: name: a token named 'ops' exists already" in result.stderr
    assert await ApiToken.all().count() == 1


async def test_revoking_an_unknown_name_is_an_error(cms: CmsRunner, db: Database) -> None:
    result = await cms("token", "revoke", "ghost")

    assert result.exit_code == 1
    assert "Error: no API token named 'ghost'" in result.stderr


async def test_a_bad_role_is_a_usage_error(cms: CmsRunner, db: Database) -> None:
    result = await cms("token", "create", "--name", "ops", "--role", "anonymous")

    assert result.exit_code == 2
    assert "Invalid value for '--role': 'anonymous' is not one of 'editor', 'admin'" in (
        result.stderr
    )
    assert await ApiToken.all().count() == 0
