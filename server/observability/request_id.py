"""The request id: the caller's `X-Request-ID` when it is a sane one, else a fresh one.

It is returned in the response's `X-Request-ID`, written on the request's log line and,
through a context variable, on every line logged while the request runs.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

HEADER = "x-request-id"
MAX_LENGTH = 128
_ACCEPTED = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._:/+=@-]{{0,{MAX_LENGTH - 1}}}")
"""Letters, digits and the punctuation of UUIDs, trace ids and base64, up to 128 characters:
nothing that could break a log line or a header."""

current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str:
    """`value` when it is an acceptable request id; a new one otherwise."""
    if value is not None and _ACCEPTED.fullmatch(value):
        return value
    return new_request_id()
