"""Field rules shared by the write services, and how references to other content are looked up."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol
from urllib.parse import urlsplit

from tortoise.models import Model

from server.content.errors import ErrorCode, FieldError

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 100
URL_SCHEMES = ("http", "https")
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def clean(text: str) -> str:
    """Text without surrounding whitespace."""
    return text.strip()


def clean_optional(text: str | None) -> str | None:
    """Text without surrounding whitespace, with blank text meaning unknown (None)."""
    if text is None:
        return None
    return text.strip() or None


def max_length(model: type[Model], column: str) -> int | None:
    """The most characters `model.column` holds, or None for unbounded text."""
    return getattr(model._meta.fields_map[column], "max_length", None)


def fits(model: type[Model], column: str, value: str) -> bool:
    """Whether `value` is short enough to be stored in (or compared with) `model.column`."""
    limit = max_length(model, column)
    return limit is None or len(value) <= limit


def _join(prefix: str, field: str) -> str:
    if not prefix:
        return field
    if not field or field.startswith("["):
        return prefix + field
    return f"{prefix}.{field}"


class Checker:
    """Collects the field errors of one input; `at()` nests paths such as `participants[2]`."""

    def __init__(self, prefix: str = "", errors: list[FieldError] | None = None) -> None:
        self.prefix = prefix
        self.errors: list[FieldError] = [] if errors is None else errors

    def at(self, field: str) -> Checker:
        """A checker whose errors land in the same list, under `field`."""
        return Checker(_join(self.prefix, field), self.errors)

    def add(self, field: str, message: str, code: ErrorCode) -> None:
        self.errors.append(FieldError(_join(self.prefix, field), message, code))

    def required(self, field: str, value: object) -> bool:
        """Whether `value` is present; records REQUIRED when it is not."""
        if value is None or value == "" or value == []:
            self.add(field, "required", ErrorCode.REQUIRED)
            return False
        return True

    def slug(self, field: str, value: str) -> None:
        if not self.required(field, value):
            return
        if len(value) > SLUG_MAX_LENGTH:
            self.add(
                field,
                f"too long: {len(value)} characters, at most {SLUG_MAX_LENGTH}",
                ErrorCode.TOO_LONG,
            )
        elif not SLUG_PATTERN.match(value):
            self.add(
                field,
                f"'{value}' is not a slug (lowercase letters and digits joined by single hyphens)",
                ErrorCode.INVALID,
            )

    def text(
        self, field: str, value: str | None, limit: int | None, *, required: bool = False
    ) -> None:
        """Checks presence (when required) and that the text has at most `limit` characters."""
        if required and not self.required(field, value):
            return
        if value is not None and limit is not None and len(value) > limit:
            self.add(
                field, f"too long: {len(value)} characters, at most {limit}", ErrorCode.TOO_LONG
            )

    def url(
        self, field: str, value: str | None, limit: int | None, *, required: bool = False
    ) -> None:
        """Checks that the URL is an absolute http(s) URL of at most `limit` characters."""
        self.text(field, value, limit, required=required)
        if not value:
            return
        parts = urlsplit(value)
        if parts.scheme not in URL_SCHEMES or not parts.netloc or any(c.isspace() for c in value):
            self.add(field, f"'{value}' is not an http or https URL", ErrorCode.INVALID)

    def plausible_date(self, field: str, value: date) -> None:
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            self.add(
                field,
                f"{value.isoformat()} is outside {EARLIEST_DATE.year}–{LATEST_DATE.year}",
                ErrorCode.INVALID,
            )

    def unique(self, field: str, keys: Sequence[Hashable], describe: Callable[[Any], str]) -> None:
        """Records DUPLICATE at `field[i]` for every key that repeats an earlier one."""
        seen: set[Hashable] = set()
        for index, key in enumerate(keys):
            if key in seen:
                self.add(f"{field}[{index}]", f"duplicate {describe(key)}", ErrorCode.DUPLICATE)
            seen.add(key)

    async def references(
        self,
        lookup: SlugLookup,
        model: type[Model],
        noun: str,
        references: Iterable[tuple[str, str | None]],
    ) -> None:
        """Records NOT_FOUND for every `(field, slug)` whose slug names no `model` row."""
        wanted = [(field, slug) for field, slug in references if slug]
        missing = await lookup.missing(model, {slug for _, slug in wanted})
        for field, slug in wanted:
            if slug in missing:
                self.add(field, f"unknown {noun} '{slug}'", ErrorCode.NOT_FOUND)


class SlugLookup(Protocol):
    """Answers which slugs name no existing row, so references can be checked."""

    async def missing(self, model: type[Model], slugs: Collection[str]) -> set[str]: ...


class DatabaseLookup:
    """Looks slugs up in the database, remembering the ids it found."""

    def __init__(self) -> None:
        self._ids: dict[type[Model], dict[str, int]] = {}

    async def ids(self, model: type[Model], slugs: Collection[str]) -> dict[str, int]:
        """The ids of the rows named by `slugs` that exist."""
        known = self._ids.setdefault(model, {})
        # A slug longer than the column holds names nothing (and the ORM refuses to compare it).
        wanted = {slug for slug in set(slugs) - known.keys() if fits(model, "slug", slug)}
        if wanted:
            rows = await model.filter(slug__in=sorted(wanted)).values_list("slug", "id")
            known.update((slug, id_) for slug, id_ in rows)
        return {slug: known[slug] for slug in slugs if slug in known}

    async def missing(self, model: type[Model], slugs: Collection[str]) -> set[str]:
        found = await self.ids(model, slugs)
        return set(slugs) - found.keys()


class PendingLookup:
    """Counts slugs about to be written as existing, and asks the database about the rest."""

    def __init__(
        self,
        pending: Mapping[type[Model], Collection[str]],
        fallback: SlugLookup | None = None,
    ) -> None:
        self.pending = pending
        self.fallback = fallback or DatabaseLookup()

    async def missing(self, model: type[Model], slugs: Collection[str]) -> set[str]:
        rest = set(slugs) - set(self.pending.get(model, ()))
        return await self.fallback.missing(model, rest) if rest else set()
