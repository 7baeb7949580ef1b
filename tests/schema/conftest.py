"""Fixtures for GraphQL tests: the schema, and fresh per-request contexts for each persona."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import strawberry

from schema.api import build_schema
from schema.context import Context
from server.auth.viewer import ANONYMOUS, Role, Viewer
from server.settings import Settings

EDITOR = Viewer(name="editor", role=Role.EDITOR)

ContextFactory = Callable[[], Context]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(_env_file=None, graphiql=False, max_page_size=100, default_page_size=20)


@pytest.fixture(scope="session")
def schema(settings: Settings) -> strawberry.Schema:
    return build_schema(settings)


@pytest.fixture
def anonymous(settings: Settings) -> ContextFactory:
    """A fresh context for an anonymous request, each time it is called."""
    return lambda: Context.for_request(ANONYMOUS, settings)


@pytest.fixture
def editor(settings: Settings) -> ContextFactory:
    """A fresh context for a request by an editor, who may read drafts."""
    return lambda: Context.for_request(EDITOR, settings)
