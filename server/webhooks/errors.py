"""Why a webhook was refused or not found.

* TargetRefused - the URL is not one a webhook may be sent to: not http(s), or its
  host is (or resolves to) an address outside the public internet that no allowed
  network covers.
* SubscriptionNotFound - a NotFound of the content services, so the API maps it as
  it maps every other missing thing.
"""

from __future__ import annotations

from server.content.errors import ContentError, NotFound


class TargetRefused(Exception):
    """The URL is not one a webhook may be sent to; the message says why."""


class SubscriptionNotFound(NotFound):
    """No webhook subscription has this name."""

    def __init__(self, name: str) -> None:
        self.kind = "webhook subscription"
        self.slug = name
        ContentError.__init__(self, f"no webhook subscription named '{name}'")
