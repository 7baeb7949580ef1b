"""Bearer-token authentication for HTTP routes: who a request acts as, or a 401.

A request without an Authorization header is anonymous. Any other request must
carry `Authorization: Bearer <token>` naming a live token; anything else gets a
401 with a GraphQL-shaped JSON body, never a quiet downgrade to anonymous. A
request with `X-Preview-Token` (and no Authorization) reads as the public plus
the one draft the token names (server/auth/previews.py); a token that does not
hold gets a 401 too.
Mount it on a route with `Route(..., middleware=[token_authentication()])`;
the endpoint then finds the viewer with `viewer_of(request)`.
"""

from __future__ import annotations

import re

from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response

from server.auth import previews, tokens
from server.auth.errors import AuthenticationFailed, InvalidToken, MalformedCredentials
from server.auth.viewer import ANONYMOUS, Viewer

# RFC 6750's b64token, bounded: our secrets are 47 characters.
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]{1,256}=*")
_USAGE = "send `Authorization: Bearer <token>`, or no Authorization header to read as anonymous"


class TokenRefused(AuthenticationError):
    """Starlette's authentication error, carrying why the credentials were refused."""

    def __init__(self, reason: AuthenticationFailed) -> None:
        super().__init__(str(reason))
        self.reason = reason


def bearer_token(values: list[str]) -> str:
    """The token in the request's one `Authorization: Bearer <token>`; else MalformedCredentials."""
    if len(values) > 1:
        raise MalformedCredentials(f"Send one Authorization header, not {len(values)}.")
    scheme, _, credentials = values[0].strip().partition(" ")
    if not scheme:
        raise MalformedCredentials(f"The Authorization header is empty; {_USAGE}.")
    if scheme.lower() != "bearer":
        raise MalformedCredentials(f"Only the Bearer scheme is accepted; {_USAGE}.")
    credentials = credentials.strip()
    if not credentials:
        raise MalformedCredentials(f"The Bearer token is empty; {_USAGE}.")
    if not _TOKEN.fullmatch(credentials):
        raise MalformedCredentials(f"The Bearer token is malformed; {_USAGE}.")
    return credentials


class BearerTokenBackend(AuthenticationBackend):
    """Reads the Authorization header: none is anonymous, anything else must name a live token."""

    # The user is a Viewer, not Starlette's BaseUser: the endpoint reads it with `viewer_of`.
    async def authenticate(  # type: ignore[override]
        self, conn: HTTPConnection
    ) -> tuple[AuthCredentials, Viewer]:
        values = conn.headers.getlist("authorization")
        if not values:
            return await self._preview(conn)
        try:
            viewer = await tokens.authenticate(bearer_token(values))
        except AuthenticationFailed as reason:
            raise TokenRefused(reason) from reason
        return AuthCredentials(["authenticated", viewer.role.value]), viewer

    async def _preview(self, conn: HTTPConnection) -> tuple[AuthCredentials, Viewer]:
        """Anonymous, or the viewer a preview token grants (an editor sees every draft
        already, so a token beside Authorization is not read)."""
        token = conn.headers.get(previews.HEADER)
        if token is None:
            return AuthCredentials(), ANONYMOUS
        settings = getattr(conn.state, "settings", None)
        if settings is None:  # no lifespan state: an app that serves no previews
            raise TokenRefused(previews.InvalidPreviewToken("Previews are not served here."))
        try:
            viewer = await previews.authenticate_preview(token, settings)
        except AuthenticationFailed as reason:
            raise TokenRefused(reason) from reason
        return AuthCredentials(["preview"]), viewer


def unauthenticated(conn: HTTPConnection, error: AuthenticationError) -> Response:
    """401 with the reason as a GraphQL error, and the challenge RFC 6750 asks for."""
    reason = error.reason if isinstance(error, TokenRefused) else None
    code = (
        "invalid_token"
        if isinstance(reason, (InvalidToken, previews.InvalidPreviewToken))
        else "invalid_request"
    )
    return JSONResponse(
        {"errors": [{"message": str(error), "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"WWW-Authenticate": f'Bearer realm="cms", error="{code}"'},
    )


def token_authentication() -> Middleware:
    """The middleware that authenticates a route's requests by bearer token."""
    return Middleware(
        AuthenticationMiddleware, backend=BearerTokenBackend(), on_error=unauthenticated
    )


def viewer_of(conn: HTTPConnection) -> Viewer:
    """The viewer `token_authentication` found; anonymous on a route mounted without it."""
    viewer = conn.scope.get("user")
    return viewer if isinstance(viewer, Viewer) else ANONYMOUS
