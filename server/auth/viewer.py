"""The viewer a request acts as; anonymous callers get a null object, never `None`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    """What a viewer may do, from least to most privileged."""

    ANONYMOUS = "anonymous"
    PREVIEW = "preview"
    """The public, plus one draft event, by a preview token (server/auth/previews.py)."""
    EDITOR = "editor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Viewer:
    """Someone making a request, with the role their credentials grant."""

    name: str
    role: Role
    preview_of: int | None = None
    """The id of the one draft event a preview viewer may read."""

    @property
    def is_authenticated(self) -> bool:
        return self.role is not Role.ANONYMOUS

    @property
    def can_read_drafts(self) -> bool:
        """Editors and admins see drafts; the public sees published content only."""
        return self.role in (Role.EDITOR, Role.ADMIN)

    @property
    def can_write(self) -> bool:
        return self.role in (Role.EDITOR, Role.ADMIN)


ANONYMOUS = Viewer(name="anonymous", role=Role.ANONYMOUS)
"""The null viewer: reads published content only."""

SYSTEM = Viewer(name="system", role=Role.ADMIN)
"""The viewer that trusted local tools (the seed loader, the CLI) act as."""
