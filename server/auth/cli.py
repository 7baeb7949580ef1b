"""`cms token`: create, list and revoke the API tokens that editors and scripts send."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import click

from server.auth import tokens
from server.auth.models import ApiToken
from server.auth.viewer import SYSTEM, Role
from server.cli import require_schema
from server.content.errors import ContentError
from server.database import Database
from server.settings import Settings

T = TypeVar("T")


@click.group("token")
def token() -> None:
    """Manage API tokens: `Authorization: Bearer <token>` on /graphql acts with the token's role."""


def _run(settings: Settings, action: Callable[[], Awaitable[T]]) -> T:
    async def run() -> T:
        async with Database.from_settings(settings) as database:
            await require_schema(database)
            return await action()

    try:
        return asyncio.run(run())
    except ContentError as error:
        raise click.ClickException(str(error)) from error


def _when(moment: datetime | None, never: str = "-") -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else never


@token.command("create")
@click.option("--name", required=True, help="A unique name saying who or what uses the token.")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in tokens.GRANTABLE_ROLES]),
    help="editor: read drafts and write content; admin: also manage tokens through the API.",
)
def create(name: str, role: str) -> None:
    """Create a token and print it, once: only its hash is stored.

    The token alone goes to stdout, so `TOKEN=$(cms token create ...)` captures it.
    """
    new = _run(Settings(), lambda: tokens.create_token(SYSTEM, name, Role(role)))
    click.echo(f"Created {role} token '{new.token.name}' ({new.token.prefix}…).", err=True)
    click.echo(new.secret)
    click.echo("Copy it now: it will not be shown again.", err=True)


@token.command("list")
def list_() -> None:
    """List tokens with their role, prefix, and when they were created, last used and revoked."""
    rows: list[ApiToken] = _run(Settings(), lambda: tokens.list_tokens(SYSTEM))
    if not rows:
        click.echo("No API tokens.")
        return
    table = [("NAME", "ROLE", "PREFIX", "CREATED", "LAST USED", "REVOKED")]
    table += [
        (
            row.name,
            row.role.value,
            f"{row.prefix}…",
            _when(row.created_at),
            _when(row.last_used_at, "never"),
            _when(row.revoked_at),
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    for line in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())


@token.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke the token NAME: requests that send it get 401 from then on."""
    row = _run(Settings(), lambda: tokens.revoke_token(SYSTEM, name))
    click.echo(
        f"Token '{row.name}' ({row.role.value}, {row.prefix}…) is revoked "
        f"(since {_when(row.revoked_at)})."
    )
