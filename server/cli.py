"""The content commands of `cms` (migrate, seed, export), and the schema check every group uses."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from server.database import Database
from server.settings import Settings

if TYPE_CHECKING:
    from server.seeding import ExportReport, SeedReport


def say_waiting_for_migration() -> None:
    """Tells the operator why a migrating process is not done yet (on stderr)."""
    click.echo("Another process is migrating this database; waiting for it to finish.", err=True)


async def _migrate(settings: Settings) -> list[str]:
    database = Database.from_settings(settings)
    applied = await database.migrate(on_wait=say_waiting_for_migration)
    async with database:
        await database.refresh_statistics()
    return applied


@click.command()
def migrate() -> None:
    """Bring the database schema up to date (several processes may run this at once)."""
    settings = Settings()
    applied = asyncio.run(_migrate(settings))
    for name in applied:
        click.echo(f"Applied {name}")
    done = f"Applied {len(applied)} migration(s)" if applied else "Nothing to apply"
    click.echo(f"{done}; the database is up to date: {settings.database_url_for_display}")


async def require_schema(database: Database) -> None:
    """Fails with a clear message unless every migration has been applied to `database`."""
    from tortoise import Tortoise
    from tortoise.migrations.executor import MigrationExecutor

    from server.database import tortoise_config

    executor = MigrationExecutor(
        Tortoise.get_connection("default"), tortoise_config(database.url)["apps"]
    )
    if pending := await executor.plan():
        raise click.ClickException(
            f"The database schema is missing or out of date ({len(pending)} migration(s) "
            f"not applied) at {database.url}; run `cms migrate` first."
        )


@contextlib.contextmanager
def _progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback that draws a bar on stderr once the total is known."""
    with contextlib.ExitStack() as stack:
        bars: list[Any] = []

        def advance(done: int, total: int) -> None:
            if not bars:
                bar = click.progressbar(length=total, label=label, file=sys.stderr)
                bars.append(stack.enter_context(bar))
            bars[0].update(done - bars[0].pos)

        yield advance


async def _seed(settings: Settings, path: Path, dry_run: bool, prune: bool) -> SeedReport:
    from server.seeding import seed_directory

    async with Database.from_settings(settings) as database:
        await require_schema(database)
        with _progress_bar("Seeding") as progress:
            report = await seed_directory(path, dry_run=dry_run, prune=prune, progress=progress)
        if not dry_run:
            await database.refresh_statistics()
        return report


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report, but write nothing.")
@click.option(
    "--prune",
    is_flag=True,
    help="Also remove what the database holds on these records that the files do not state "
    "(list entries, recordings, transcripts, recording URLs); with --dry-run, list it.",
)
def seed(path: Path, dry_run: bool, prune: bool = False, settings: Settings | None = None) -> None:
    """Validate the content in PATH, then load it in one transaction.

    Records are created or updated to match their files; nothing is removed. What the
    database holds on those records and the files leave out (a recording or transcript
    added with `cms transcripts import`, a participant added in the API) is kept and
    counted, unless --prune removes it.
    """
    from server.content.errors import ContentError
    from server.seeding import SeedValidationError

    try:
        report = asyncio.run(_seed(settings or Settings(), path, dry_run, prune))
    except SeedValidationError as error:
        for line in error.lines():
            click.echo(line, err=True)
        click.echo(f"{error}; nothing was written.", err=True)
        sys.exit(1)
    except ContentError as error:
        raise click.ClickException(f"{error}; nothing was written.") from error
    for line in report.summary():
        click.echo(line)


async def _export(settings: Settings, path: Path) -> ExportReport:
    from server.seeding import export_directory

    async with Database.from_settings(settings) as database:
        await require_schema(database)
        return await export_directory(path)


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def export(path: Path) -> None:
    """Write the database's content to PATH in the seed format."""
    report = asyncio.run(_export(Settings(), path))
    for line in report.summary():
        click.echo(line)
    for stale in report.stale:
        click.echo(f"warning: {stale} is not in the database; left as it was", err=True)


COMMANDS = (migrate, seed, export)
