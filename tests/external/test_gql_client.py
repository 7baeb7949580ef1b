"""The Python `gql` client, over its httpx transport, reads anonymously and writes with an editor token."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXAsyncTransport

from schema.api import build_schema
from server.settings import Settings
from tests.external.conftest import LiveServer

FIRST_EVENTS = gql(
    """
    query FirstEvents {
      events(first: 3, orderBy: {field: DATE, direction: ASC}) {
        totalCount
        pageInfo { hasNextPage }
        nodes { slug dates committee { slug } topics { slug } }
      }
    }
    """
)

CREATE_TOPIC = gql(
    """
    mutation CreateTopic($input: TopicCreateInput!) {
      createTopic(input: $input) {
        __typename
        ... on TopicCreateSuccess { topic { slug name } }
        ... on ValidationError { errors { field message } }
        ... on PermissionDeniedError { message }
      }
    }
    """
)

TOPIC = gql("query Topic($slug: String!) { topic(slug: $slug) { name } }")


async def test_gql_reads_the_seeded_events(live_server: LiveServer) -> None:
    # With the schema fetched, gql also validates the document before sending it.
    transport = HTTPXAsyncTransport(url=live_server.graphql_url)
    async with Client(transport=transport, fetch_schema_from_transport=True) as session:
        result = await session.execute(FIRST_EVENTS)

    events = result["events"]
    assert events["totalCount"] == 10
    assert events["pageInfo"] == {"hasNextPage": True}
    dates = [event["dates"][0] for event in events["nodes"]]
    assert len(dates) == 3 and dates == sorted(dates)


def _missing_pieces() -> list[str]:
    """What the write test needs from the API-token and mutation work that is not in the tree."""
    missing = []
    if importlib.util.find_spec("server.auth.cli") is None:
        missing.append("the token CLI (`cms token create`, server/auth/cli.py)")
    mutation = build_schema(Settings(_env_file=None))._schema.mutation_type
    if mutation is None or "createTopic" not in mutation.fields:
        missing.append("the createTopic mutation (schema/content/mutations/)")
    return missing


def _create_editor_token(database_url: str, workdir: Path) -> str:
    """An editor token made the way an operator makes one: `cms token create`."""
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env["DATABASE_URL"] = database_url
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "cms.cli",
            "token",
            "create",
            "--name",
            f"gql-{uuid.uuid4().hex[:8]}",
            "--role",
            "editor",
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


async def test_gql_writes_with_an_editor_token(live_server: LiveServer, tmp_path: Path) -> None:
    if missing := _missing_pieces():
        pytest.skip("needs " + " and ".join(missing))
    token = _create_editor_token(live_server.database_url, tmp_path)
    slug = f"gql-{uuid.uuid4().hex[:8]}"
    editor = HTTPXAsyncTransport(
        url=live_server.graphql_url, headers={"Authorization": f"Bearer {token}"}
    )
    async with Client(transport=editor) as session:
        created = await session.execute(
            GraphQLRequest(
                CREATE_TOPIC, variable_values={"input": {"slug": slug, "name": "Written by gql"}}
            )
        )
    async with Client(transport=HTTPXAsyncTransport(url=live_server.graphql_url)) as session:
        denied = await session.execute(
            GraphQLRequest(
                CREATE_TOPIC, variable_values={"input": {"slug": f"{slug}-x", "name": "Nope"}}
            )
        )
        read_back = await session.execute(GraphQLRequest(TOPIC, variable_values={"slug": slug}))

    assert created == {
        "createTopic": {
            "__typename": "TopicCreateSuccess",
            "topic": {"slug": slug, "name": "Written by gql"},
        }
    }
    assert denied["createTopic"]["__typename"] == "PermissionDeniedError"
    assert read_back == {"topic": {"name": "Written by gql"}}
