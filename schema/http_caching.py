"""HTTP caching headers for GraphQL answers: what a browser, a CDN or a proxy may keep.

- An anonymous GET whose query ran without errors is `public, max-age=N`
  (HTTP_CACHE_MAX_AGE) with a strong ETag, the hash of the body; a request whose
  `If-None-Match` names that ETag gets 304 and no body. Persisted queries sent by
  hash are GETs like any other.
- Anything a credential shaped (`Authorization`, or `X-Preview-Token`) is
  `private, no-store`: what it shows depends on who asks.
- Everything else (POST, request errors, answers with errors) is `no-store`.

Every answer carries `Vary: Accept, Authorization, X-Preview-Token`, so a shared
cache never hands the public's answer to a request with a credential, nor the JSON
answer to a client that asked for `application/graphql-response+json`.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

from server.auth.authentication import viewer_of
from server.auth.viewer import Role

VARY = "Accept, Authorization, X-Preview-Token"
PRIVATE = "private, no-store"
NOT_STORED = "no-store"
_OURS = (b"cache-control", b"vary", b"etag")


def entity_tag(body: bytes) -> str:
    """A strong ETag for a body: the same bytes, the same tag."""
    # SHA-256 has hardware support here: on a 10 kB page it is faster than BLAKE2 or MD5.
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(if_none_match: str, tag: str) -> bool:
    """Whether `If-None-Match` names `tag` (compared weakly, as RFC 9110 asks for it)."""
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


def _set(response: Response, cache_control: str, etag: str | None = None) -> Response:
    # One pass over the raw headers: Starlette's MutableHeaders scans them on every set.
    raw = [(name, value) for name, value in response.raw_headers if name not in _OURS]
    raw.append((b"cache-control", cache_control.encode("latin-1")))
    raw.append((b"vary", VARY.encode("latin-1")))
    if etag is not None:
        raw.append((b"etag", etag.encode("latin-1")))
    response.raw_headers = raw
    return response


def with_cache_headers(
    request: Request, response: Response, *, clean: bool, max_age: int
) -> Response:
    """`response` with the headers the module describes, or a 304 in its place."""
    private = viewer_of(request).role is not Role.ANONYMOUS or "x-preview-token" in request.headers
    if private or not (clean and request.method == "GET" and response.status_code == 200):
        # An etag the response cache kept goes too: this answer is not to be revalidated.
        return _set(response, PRIVATE if private else NOT_STORED)
    tag = response.headers.get("etag") or entity_tag(bytes(response.body))  # the cache's own
    cache_control = f"public, max-age={max_age}"
    if _matches(request.headers.get("if-none-match", ""), tag):
        return _set(Response(status_code=304), cache_control, tag)
    return _set(response, cache_control, tag)
