"""The `cms` command: migrate, seed, export, serve and run the demo."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from server.database import Database
from server.settings import Settings


@click.group()
def main() -> None:
    """Manage and serve the CMS."""


@main.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    settings = Settings()
    asyncio.run(Database.from_settings(settings).migrate())
    click.echo(f"Database is up to date: {settings.resolved_database_url}")


@main.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report, but write nothing.")
def seed(path: Path, dry_run: bool) -> None:
    """Validate the content in PATH, then load it in one transaction."""
    raise click.ClickException("not implemented yet")


@main.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def export(path: Path) -> None:
    """Write the database's content to PATH in the seed format."""
    raise click.ClickException("not implemented yet")


if __name__ == "__main__":
    sys.exit(main())
