"""The explorer and GraphiQL in a real browser: Debian's Chromium driven by Playwright.

One server (uvicorn in a subprocess, as `cms serve` runs it) on the session's test
database, seeded with seeds/ and tests/data/explorer_seeds/ (an event with a
transcript), with its search worker on so the index is built at start. One browser
for the whole session; every test gets a fresh context in which any request to a
host other than 127.0.0.1 is recorded and aborted, and the test fails if there was one.
Screenshots go to .cache/screenshots/ (see `screenshot`).

Without Chromium or the `playwright` package the tests skip, or under CI=true fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import pytest_asyncio

from server.database import Database
from server.seeding import seed_directory
from tests.conftest import _empty_all_tables
from tests.npm import REPOSITORY, npm_install, unavailable
from tests.processes import free_port, wait_until_answers

SEEDS = (REPOSITORY / "seeds", REPOSITORY / "tests" / "data" / "explorer_seeds")
SCREENSHOTS = REPOSITORY / ".cache" / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
STARTUP_SECONDS = 60
_LOOPBACK = ("127.0.0.1",)
_FOREIGN_ENVIRONMENT = ("DATABASE_URL", "TEST_DATABASE_URL", "MEILI_URL", "MEILI_MASTER_KEY")


@pytest_asyncio.fixture(scope="package")
async def seeded_database_url(_open_database: Database, database_url: str) -> str:
    await _empty_all_tables()
    for seeds in SEEDS:
        await seed_directory(seeds)
    return database_url


def _search_hits(url: str, query: str) -> int:
    body = json.dumps(
        {
            "query": "query($q: String!) { search(query: $q) { totalHits } }",
            "variables": {"q": query},
        }
    ).encode()
    request = urllib.request.Request(f"{url}/graphql", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.load(response)["data"]["search"]["totalHits"])


@pytest.fixture(scope="package")
def server_url(seeded_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The explorer's server, answering once its search index holds the seeded content."""
    workdir = tmp_path_factory.mktemp("explorer-server")
    log = workdir / "server.log"
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENVIRONMENT}
    env.update(
        DATABASE_URL=seeded_database_url,
        DATA_DIR=str(workdir / "data"),
        ENVIRONMENT="development",  # GraphiQL on
    )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "cms.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(
            f"{url}/readyz", process, log, name="the server", seconds=STARTUP_SECONDS
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while _search_hits(url, "logbooks") == 0:  # the worker indexes in the background
            assert time.monotonic() < deadline, "the search index was never built"
            time.sleep(0.2)
        yield url
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "Exception in ASGI application" not in text, text
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    """Debian's Chromium, headless, for the whole session."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        unavailable("the browser tests need the `playwright` package (the test extra)")
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        unavailable("the browser tests need Chromium (Debian: apt-get install chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        await launched.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, from the npm registry (pinned in tests/browser/node/)."""
    installed = npm_install(Path(__file__).resolve().parent / "node", "browser-node")
    return (installed / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


@dataclass
class Visit:
    """A browser page on the server, and what the page did that it should not have."""

    page: Any
    url: str
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def open(self, path: str) -> None:
        await self.page.goto(f"{self.url}{path}")

    async def screenshot(self, name: str) -> None:
        """Writes .cache/screenshots/<name>-<width>.png of the whole page."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        width = self.page.viewport_size["width"]
        await self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)

    async def axe_violations(self, axe_source: str) -> list[str]:
        """axe-core's serious and critical violations on the page as it is now."""
        if not await self.page.evaluate("() => typeof window.axe === 'object'"):
            await self.page.evaluate(axe_source)  # through DevTools, so the page's CSP allows it
        results = await self.page.evaluate("() => axe.run(document)")
        assert results["passes"], "axe-core checked nothing"
        return [
            f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]


def _is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in _LOOPBACK


@pytest_asyncio.fixture
async def visit(browser: Any, server_url: str) -> AsyncIterator[Visit]:
    """A fresh browser context at desktop width; fails the test if the page asked for
    anything outside 127.0.0.1 or threw an uncaught error."""
    context = await browser.new_context(viewport=DESKTOP, service_workers="block")
    page = await context.new_page()
    visit = Visit(page=page, url=server_url)

    async def guard(route: Any) -> None:
        if _is_loopback(route.request.url):
            await route.continue_()
        else:
            visit.outside.append(route.request.url)
            await route.abort()

    await context.route("**/*", guard)
    page.on("websocket", lambda socket: visit.outside.append(socket.url))
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and visit.errors.append(m.text))
    page.set_default_timeout(10_000)
    try:
        yield visit
    finally:
        await context.close()
    assert visit.outside == [], f"the page asked for outside addresses: {visit.outside}"
    assert visit.errors == [], f"the page reported errors: {visit.errors}"
