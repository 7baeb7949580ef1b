"""Links to a moment in a recording, in the form each player understands."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtu.be"}


def url_at(url: str | None, start_ms: int) -> str | None:
    """`url` opened at `start_ms`: YouTube's `t=` parameter, a media fragment elsewhere."""
    if not url:
        return None
    seconds = max(0, start_ms // 1000)
    parts = urlsplit(url)
    if parts.hostname in _YOUTUBE_HOSTS:
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
        query.append(("t", f"{seconds}s"))
        return urlunsplit(parts._replace(query=urlencode(query)))
    # W3C media fragments (`#t=SECONDS`) are understood by HTML5 players, Vimeo and others.
    return urlunsplit(parts._replace(fragment=f"t={seconds}"))
