"""GraphiQL at /graphql renders and runs a query with every file it needs from the app."""

from __future__ import annotations

from urllib.parse import quote

from playwright.async_api import expect

from tests.browser.conftest import Visit


async def test_graphiql_renders_and_runs_a_query_offline(visit: Visit) -> None:
    await visit.open("/graphql?q=" + quote("{ events { totalCount } }"))
    run = visit.page.get_by_role("button", name="Execute query (Ctrl-Enter)")
    await expect(run).to_be_visible()

    await run.click()

    await expect(visit.page.locator(".graphiql-response")).to_contain_text('"totalCount": 11')
    await visit.screenshot("graphiql")
