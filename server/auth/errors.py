"""Why a request's credentials were refused.

The tree:

* AuthenticationFailed - the request carries credentials that do not hold; never
  read as anonymous (HTTP answers 401).
  + MalformedCredentials - the Authorization header is not `Bearer <token>`.
  + InvalidToken - the token is unknown, or has been revoked.

Managing tokens raises the content services' errors (ValidationFailed,
PermissionDenied, and TokenNotFound below, a NotFound), so the API maps them as
it maps every other write.
"""

from __future__ import annotations

from server.content.errors import ContentError, NotFound


class AuthenticationFailed(Exception):
    """The request carries credentials that do not hold."""


class MalformedCredentials(AuthenticationFailed):
    """The Authorization header is not `Bearer <token>`."""


class InvalidToken(AuthenticationFailed):
    """The token is unknown, or has been revoked."""


class TokenNotFound(NotFound):
    """No API token has this name."""

    def __init__(self, name: str) -> None:
        self.kind = "API token"
        self.slug = name
        ContentError.__init__(self, f"no API token named '{name}'")
