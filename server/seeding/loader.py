"""Loading a seed directory: validate every file first, then write it all in one transaction."""

from __future__ import annotations

import contextlib
import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tortoise.transactions import in_transaction

from server.auth.viewer import SYSTEM, Viewer
from server.content.errors import ErrorCode, FieldError, ValidationFailed
from server.content.services import Change, PendingLookup
from server.seeding.files import ListFile, SourceRecord
from server.seeding.kinds import KINDS, SeedKind
from server.seeding.leftovers import Leftover
from server.seeding.problems import Problem, SeedValidationError
from server.seeding.records import Record

Progress = Callable[[int, int], None]
"""Called with (records written so far, records in all) as the load advances."""


@dataclass
class SeedReport:
    """What a seed run created, updated and left unchanged, per kind and per slug, and what
    the database holds that the files do not state: kept, or with `prune` removed."""

    dry_run: bool = False
    prune: bool = False
    changes: dict[str, dict[str, Change]] = field(
        default_factory=lambda: {kind.plural: {} for kind in KINDS}
    )
    leftovers: list[Leftover] = field(default_factory=list)

    def slugs(self, kind: str, change: Change) -> list[str]:
        """The slugs of `kind` (plural, e.g. "events") that the run changed this way."""
        return [slug for slug, done in self.changes[kind].items() if done is change]

    def count(self, kind: str, change: Change) -> int:
        return len(self.slugs(kind, change))

    @property
    def changed(self) -> bool:
        """Whether the run created or updated anything."""
        return any(
            done is not Change.UNCHANGED for c in self.changes.values() for done in c.values()
        )

    def summary(self) -> list[str]:
        """One line per kind, e.g. `events: 1 created, 2 updated, 7 unchanged`, then what
        was kept (counted) or pruned (listed one by one)."""
        lines = [
            f"{kind}: "
            + ", ".join(f"{self.count(kind, change)} {change.value}" for change in Change)
            for kind in self.changes
        ]
        if self.prune:
            verb = "would remove" if self.dry_run else "removed"
            count = len(self.leftovers)
            things = f"{count} thing{'s' if count != 1 else ''}"
            lines.append(f"{verb} {things} the files do not state{':' if count else ''}")
            lines.extend(f"  {leftover}" for leftover in self.leftovers)
        elif self.leftovers:
            lines.append(
                f"kept {_counted(self.leftovers)} not in the files; "
                "`cms seed --prune` removes them (add --dry-run to list them)"
            )
        if self.dry_run:
            lines.append("Dry run: the counts say what seeding would do; nothing was written.")
        return lines


def _counted(leftovers: list[Leftover]) -> str:
    """`2 recordings, 1 transcript`: how many of each item, in the order first met."""
    counts = Counter(leftover.item for leftover in leftovers)
    return ", ".join(f"{count} {item}{'s' if count != 1 else ''}" for item, count in counts.items())


@dataclass(frozen=True)
class SeedItem:
    """A valid record from a seed file, ready to be written."""

    kind: SeedKind[Any, Any]
    source: SourceRecord
    record: Record
    attached: Any = None

    @property
    def slug(self) -> str:
        return str(self.record.slug)  # type: ignore[attr-defined]  # every record has one


def _label(kind: SeedKind[Any, Any], source: SourceRecord) -> str:
    slug = source.data.get("slug") if isinstance(source.data, dict) else None
    return f"{kind.name} '{slug}'" if isinstance(slug, str) else f"{kind.name} #{source.index + 1}"


def _path(location: tuple[int | str, ...]) -> str:
    path = ""
    for step in location:
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    return path


def _field_errors(error: ValidationError) -> list[FieldError]:
    """Pydantic's complaints about a record's shape, as field errors."""
    errors = []
    for item in error.errors(include_url=False):
        path = _path(item["loc"])
        if item["type"] == "extra_forbidden":
            errors.append(FieldError(path, "unknown field", ErrorCode.UNKNOWN_FIELD))
        elif item["type"] == "missing":
            errors.append(FieldError(path, "required", ErrorCode.REQUIRED))
        else:
            message = item["msg"][0].lower() + item["msg"][1:]
            value = item.get("input")
            if item["type"] != "iso_date" and not isinstance(value, dict | list):
                message += f", got {value!r}"
            errors.append(FieldError(path, message, ErrorCode.INVALID))
    return errors


def _without_rejected_fields(data: Any, error: ValidationError) -> Any | None:
    """A copy of `data` without the mapping keys pydantic rejected; None if that is not enough.

    Dropping a rejected key (a misspelt field, a bad enum value) lets the content
    services still check the rest of the record, so one run reports every problem.
    List items are never dropped, since that would shift the indices errors name.
    """
    pruned = copy.deepcopy(data)
    for item in error.errors(include_url=False):
        *parents, last = item["loc"] or ("",)
        if item["type"] == "missing" or isinstance(last, int):
            return None
        target = pruned
        for step in parents:
            target = target[step]
        if not isinstance(target, dict):
            return None
        target.pop(last, None)
    return pruned


def _problem(source: SourceRecord, label: str, error: FieldError) -> Problem:
    return Problem(
        source.file,
        error.message,
        record=label,
        field=error.field or None,
        line=source.line_of(error.field),
    )


def _duplicate_slugs(kind: SeedKind[Any, Any], sources: list[SourceRecord]) -> list[Problem]:
    first: dict[str, SourceRecord] = {}
    problems = []
    for source in sources:
        slug = source.data.get("slug") if isinstance(source.data, dict) else None
        if not isinstance(slug, str):
            continue
        if slug in first:
            where = f"{first[slug].file}, line {first[slug].line_of('slug')}"
            problems.append(
                _problem(
                    source,
                    _label(kind, source),
                    FieldError(
                        "slug",
                        f"duplicate slug '{slug}', first defined in {where}",
                        ErrorCode.DUPLICATE,
                    ),
                )
            )
        else:
            first[slug] = source
    return problems


def _unknown_files(path: Path) -> list[Problem]:
    known = {kind.files.name for kind in KINDS if isinstance(kind.files, ListFile)}
    return [
        Problem(file, f"not a seed file (the YAML files are {', '.join(sorted(known))})")
        for file in sorted(path.iterdir())
        if file.suffix in (".yaml", ".yml") and file.name not in known
    ]


def _item(
    root: Path,
    kind: SeedKind[Any, Any],
    source: SourceRecord,
    record: Record,
    problems: list[Problem],
) -> SeedItem:
    """A parsed record, with the files it references read; their problems go to `problems`."""
    if kind.attachments is None:
        return SeedItem(kind, source, record)
    attached, found = kind.attachments.read(root, source, record, _label(kind, source))
    problems.extend(found)
    return SeedItem(kind, source, record, attached)


async def read_directory(path: Path) -> list[SeedItem]:
    """Every record under `path`, validated by the content services before anything is written.

    References may name content defined in these files or already in the database.
    Raises SeedValidationError listing every problem found, not just the first.
    """
    if not path.is_dir():
        raise SeedValidationError([Problem(path, "not a directory")])
    problems = _unknown_files(path)
    parsed: list[SeedItem] = []
    invalid: list[SeedItem] = []  # records with rejected fields, still checked for the rest
    pending: dict[Any, set[str]] = {}
    for kind in KINDS:
        sources, found = kind.files.read(path)
        problems.extend(found)
        problems.extend(_duplicate_slugs(kind, sources))
        for source in sources:
            if isinstance(source.data, dict) and isinstance(source.data.get("slug"), str):
                pending.setdefault(kind.model, set()).add(source.data["slug"])
            try:
                record = kind.record.model_validate(source.data)
            except ValidationError as error:
                label = _label(kind, source)
                problems.extend(_problem(source, label, e) for e in _field_errors(error))
                pruned = _without_rejected_fields(source.data, error)
                if pruned is not None:
                    with contextlib.suppress(ValidationError):
                        record = kind.record.model_validate(pruned)
                        invalid.append(_item(path, kind, source, record, problems))
            else:
                parsed.append(_item(path, kind, source, record, problems))

    lookup = PendingLookup(pending)
    for item in parsed + invalid:
        label = _label(item.kind, item.source)
        for field_error in await item.kind.check(item.record, lookup):
            problems.append(_problem(item.source, label, field_error))
    if problems:
        raise SeedValidationError(sorted(problems, key=lambda p: (str(p.file), p.line or 0)))
    return parsed


async def seed_directory(
    path: Path,
    *,
    dry_run: bool = False,
    prune: bool = False,
    progress: Progress | None = None,
    viewer: Viewer = SYSTEM,
) -> SeedReport:
    """Validates everything under `path`, then upserts it by slug in one transaction.

    Records the files do not mention are left alone, and so are the list entries of
    a record that its file leaves out (see `server.seeding.leftovers`), unless `prune`
    removes those. With `dry_run`, the writes run and are rolled back, so the report
    says exactly what seeding would do.
    """
    items = await read_directory(path)
    report = SeedReport(dry_run=dry_run, prune=prune)
    if progress is not None:
        progress(0, len(items))
    async with in_transaction() as connection:
        for done, item in enumerate(items, start=1):
            try:
                change, leftovers = await item.kind.write(
                    viewer, item.record, item.attached, prune=prune
                )
            except ValidationFailed as failure:  # the database changed since validation
                label = _label(item.kind, item.source)
                raise SeedValidationError(
                    [_problem(item.source, label, error) for error in failure.errors]
                ) from failure
            report.changes[item.kind.plural][item.slug] = change
            report.leftovers.extend(leftovers)
            if progress is not None:
                progress(done, len(items))
        if dry_run:
            await connection.rollback()
    return report
