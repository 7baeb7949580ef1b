"""Markdown to safe HTML, for event bodies and outcomes."""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt

# CommonMark with raw HTML off: a `<script>` in the source comes out as text.
_markdown = MarkdownIt("commonmark", {"html": False})

_ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "img", "li", "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
_URL_SCHEMES = {"http", "https", "mailto"}


@functools.lru_cache(maxsize=512)
def render_markdown(text: str) -> str:
    """Render Markdown as HTML that is safe to insert into a page as it is.

    The sanitiser runs even though raw HTML is off, so that the output stays
    safe whatever the Markdown parser lets through: only the tags CommonMark
    produces survive, URLs must be absolute http(s) or mailto, and every link
    gets `rel="noopener noreferrer"`.

    Kept by the text itself, so a body renders once per process until it changes
    (rendering is a tenth of an event page's CPU), and an edit can never meet an
    answer rendered from its old text.
    """
    if not text:
        return ""
    return nh3.clean(
        _markdown.render(text),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
