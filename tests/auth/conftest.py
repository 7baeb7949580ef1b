"""Fixtures for API tokens: tokens made through the service, and a client for the real app."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import httpx
import pytest

from cms.app import create_app
from server.auth import tokens
from server.auth.viewer import SYSTEM, Role
from server.database import Database
from server.settings import Settings
from tests.asgi import running

_sequence = itertools.count(1)


async def make_token(name: str | None = None, role: Role = Role.EDITOR) -> tokens.NewToken:
    """A live token made through the service, as `cms token create` makes one."""
    return await tokens.create_token(SYSTEM, name or f"token-{next(_sequence)}", role)


def bearer(secret: str) -> dict[str, str]:
    """The headers that send `secret` as a bearer token."""
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
async def client(db: Database, app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client for the real app, authentication and lifespan included."""
    async with running(create_app(app_settings, db)) as client:
        yield client


@pytest.fixture
async def editor_token(db: Database) -> str:
    """The secret of a live editor token."""
    return (await make_token("editor", Role.EDITOR)).secret


@pytest.fixture
async def admin_token(db: Database) -> str:
    """The secret of a live admin token."""
    return (await make_token("admin", Role.ADMIN)).secret
