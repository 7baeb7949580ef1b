"""The app serves its own pages: the explorer at `/` (and its event, person and committee
addresses), and GraphiQL at /graphql with every file it loads, from the app itself."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from cms.app import create_app
from cms.explorer import ASSETS as EXPLORER_ASSETS
from schema.graphiql import ASSET_PATH, ASSETS, graphiql_page
from server.database import Database
from server.settings import Settings
from tests.asgi import running

HTML = {"accept": "text/html"}
# Every src= and href= in GraphiQL's page but its inline icon, with its integrity.
_REFERENCE = re.compile(r'(?:src|href)="(?!data:)([^"]+)"(?:\s+integrity="([^"]+)")?')


@pytest.mark.parametrize(
    "path", ["/", "/?q=rights&committee=x", "/events/a-slug", "/people/a-slug", "/committees/a"]
)
async def test_the_explorer_page_answers_at_each_of_its_addresses(
    db: Database, app_settings: Settings, path: str
) -> None:
    async with running(create_app(app_settings, db)) as client:
        page = await client.get(path, headers=HTML)
        script = await client.get("/static/explorer/explorer.js")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<script type="module" src="/static/explorer/explorer.js">' in page.text
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]


def test_the_explorer_loads_nothing_from_another_host() -> None:
    for path in EXPLORER_ASSETS.iterdir():
        text = path.read_text(encoding="utf-8")
        assert re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", text) == [], path.name
        assert "import(" not in text and "https://" not in text.replace("https?:", ""), path.name


def test_graphiql_loads_only_the_apps_own_pinned_files() -> None:
    references = _REFERENCE.findall(graphiql_page())
    assert len(references) == 7  # React, ReactDOM, js-cookie, GraphiQL (2), the plugin (2)
    for url, integrity in references:
        assert url.startswith(f"{ASSET_PATH}/"), url
        file = ASSETS / url.removeprefix(f"{ASSET_PATH}/")
        digest = base64.b64encode(hashlib.sha384(file.read_bytes()).digest()).decode()
        assert integrity == f"sha384-{digest}", url
        assert (file.parent / "LICENSE").is_file(), f"{url} has no licence beside it"
    assert "unpkg.com" not in graphiql_page()


async def test_graphiql_and_its_files_are_served_when_graphiql_is_on(
    db: Database, app_settings: Settings
) -> None:
    settings = app_settings.model_copy(update={"graphiql": True})
    async with running(create_app(settings, db)) as client:
        page = await client.get("/graphql", headers=HTML)
        files = [await client.get(url) for url, _ in _REFERENCE.findall(page.text)]

    assert page.status_code == 200
    assert f'src="{ASSET_PATH}/graphiql/graphiql.min.js"' in page.text
    assert [file.status_code for file in files] == [200] * 7
    assert files[0].content == Path(ASSETS / "react" / "react.production.min.js").read_bytes()


async def test_without_graphiql_neither_it_nor_its_files_are_served(
    db: Database, app_settings: Settings
) -> None:
    settings = app_settings.model_copy(update={"graphiql": False})
    async with running(create_app(settings, db)) as client:
        page = await client.get("/graphql", headers=HTML)
        script = await client.get(f"{ASSET_PATH}/graphiql/graphiql.min.js")

    assert page.status_code == 404
    assert script.status_code == 404
