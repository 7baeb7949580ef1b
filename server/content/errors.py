"""Domain errors raised by the content services.

The tree:

* ContentError
  + ValidationFailed - the input breaks one or more rules; carries every FieldError found.
  + NotFound - the thing to act on does not exist.
  + Conflict - the write clashes with content stored meanwhile (e.g. a slug taken concurrently).
    + StaleVersion - the change was based on a version that is no longer the stored one.
  + PermissionDenied - the viewer may not make this change.
  + RecordingNotChosen - a target names none of an event's recordings, or several.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum


class ErrorCode(str, Enum):
    """Why a field was rejected, for clients that react to the reason."""

    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    TOO_LONG = "TOO_LONG"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    IN_USE = "IN_USE"


@dataclass(frozen=True)
class FieldError:
    """One rule one field breaks; `field` is a path such as `participants[2].person`."""

    field: str
    message: str
    code: ErrorCode

    def under(self, prefix: str) -> FieldError:
        """The same error with its field path nested under `prefix`."""
        return replace(self, field=f"{prefix}.{self.field}" if self.field else prefix)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ContentError(Exception):
    """Base class for every error the content services raise on purpose."""


class ValidationFailed(ContentError):
    """The input breaks one or more rules; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))


class NotFound(ContentError):
    """The thing to act on does not exist; `key` names what it was looked up by."""

    def __init__(self, kind: str, slug: str, *, key: str = "slug") -> None:
        self.kind = kind
        self.slug = slug
        super().__init__(f"no {kind} with {key} '{slug}'")


class Conflict(ContentError):
    """The write clashes with content stored meanwhile, such as a slug taken concurrently."""


class StaleVersion(Conflict):
    """The change was based on `expected`, but the stored version is now `current_version`."""

    def __init__(self, kind: str, expected: int, current_version: int) -> None:
        self.kind = kind
        self.expected = expected
        self.current_version = current_version
        super().__init__(
            f"the {kind} changed since version {expected}: it is at version {current_version} "
            "now; fetch it again and reapply your change"
        )


class PermissionDenied(ContentError):
    """The viewer may not make this change."""


@dataclass(frozen=True)
class RecordingChoice:
    """One of an event's recordings, as a person picks it: title, URL and global ID."""

    title: str
    url: str | None
    id: str

    def __str__(self) -> str:
        return f"'{self.title}'  url: {self.url or '(none)'}  id: {self.id}"


class RecordingNotChosen(ContentError):
    """`target` names none of the event's recordings, or several; `recordings` lists them all."""

    def __init__(
        self, event: str, target: str | None, matches: int, recordings: list[RecordingChoice]
    ) -> None:
        self.event = event
        self.target = target
        self.matches = matches
        self.recordings = list(recordings)
        if not recordings:
            reason = f"event '{event}' has no recordings"
        elif target is None:
            reason = f"event '{event}' has {len(recordings)} recordings; say which one"
        elif matches:
            reason = f"'{target}' names {matches} recordings of event '{event}'"
        else:
            reason = f"event '{event}' has no recording with URL, title or ID '{target}'"
        super().__init__(reason)

    def lines(self) -> list[str]:
        """The event's recordings, one per line, numbered from 1 in their order."""
        if not self.recordings:
            return [f"event '{self.event}' has no recordings"]
        return [f"  {n}. {choice}" for n, choice in enumerate(self.recordings, start=1)]
