"""`bodyHtml` and `outcomesHtml` render Markdown to HTML that is safe to insert as it is."""

from __future__ import annotations

from html.parser import HTMLParser

import strawberry

from server.database import Database
from tests.factories import make_event
from tests.schema.conftest import ContextFactory

EVENT_HTML = """
query EventHtml($slug: String!) {
  event(slug: $slug) { bodyHtml outcomesHtml }
}
"""

HOSTILE_MARKDOWN = """\
# Solidarity

Read **the report** at [REDRESS](https://redress.org "REDRESS") or write to
<mailto:info@example.org>.

<script>alert("body")</script>

<img src="x" onerror="alert('img')">

[click me](javascript:alert('link')), [data](data:text/html;base64,PHNjcmlwdD4=),
[ftp](ftp://example.org/file) and [relative](/admin).
"""


class _Tags(HTMLParser):
    """Every tag and attribute in a fragment, as a browser would parse them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


async def _html(schema: strawberry.Schema, context: ContextFactory, slug: str) -> dict:
    result = await schema.execute(
        EVENT_HTML, variable_values={"slug": slug}, context_value=context()
    )
    assert result.errors is None
    return result.data["event"]


async def test_markdown_renders_to_html_with_safe_links(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await make_event(slug="report", body=HOSTILE_MARKDOWN, outcomes="*Done*, see <https://a.org>.")

    html = await _html(schema, anonymous, "report")

    body = html["bodyHtml"]
    assert "<h1>Solidarity</h1>" in body
    assert "<strong>the report</strong>" in body
    assert (
        '<a href="https://redress.org" title="REDRESS" rel="noopener noreferrer">REDRESS</a>'
        in body
    )
    assert '<a href="mailto:info@example.org" rel="noopener noreferrer">' in body
    assert html["outcomesHtml"] == (
        '<p><em>Done</em>, see <a href="https://a.org" rel="noopener noreferrer">https://a.org</a>.</p>\n'
    )


async def test_no_script_or_dangerous_url_survives(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await make_event(slug="report", body=HOSTILE_MARKDOWN)

    body = (await _html(schema, anonymous, "report"))["bodyHtml"]

    tags = _Tags(body).tags
    assert {tag for tag, _ in tags} == {"h1", "p", "strong", "a"}
    links = [attrs for tag, attrs in tags if tag == "a"]
    assert [attrs.get("href") for attrs in links] == [
        "https://redress.org",
        "mailto:info@example.org",
        None,  # ftp://
        None,  # /admin: relative URLs are dropped too
    ]
    assert all(attrs["rel"] == "noopener noreferrer" for attrs in links)
    assert "&lt;script&gt;" in body  # raw HTML comes out as text, never as a tag


async def test_empty_body_and_missing_outcomes(
    db: Database, schema: strawberry.Schema, anonymous: ContextFactory
) -> None:
    await make_event(slug="bare", body="", outcomes=None)

    assert await _html(schema, anonymous, "bare") == {"bodyHtml": "", "outcomesHtml": None}
