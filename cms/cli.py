"""The `cms` command: the content and search commands, and serving the app."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from cms.app import create_app
from search.commands import COMMANDS as SEARCH_COMMANDS
from server.auth.cli import token
from server.cli import COMMANDS as CONTENT_COMMANDS
from server.cli import seed
from server.content.cli import recordings
from server.database import Database
from server.observability.exposition import fresh_multiprocess_directory
from server.observability.logs import logging_config
from server.settings import Settings
from server.transcripts.cli import transcripts


@click.group()
def main() -> None:
    """Manage and serve the CMS."""


for command in (*CONTENT_COMMANDS, transcripts, recordings, token, *SEARCH_COMMANDS):
    main.add_command(command)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API with uvicorn (run `cms migrate` first)."""
    import uvicorn

    # Metrics: several processes share their values through PROMETHEUS_MULTIPROC_DIR,
    # which must be set before they start and empty of an earlier run's values.
    with fresh_multiprocess_directory(workers):
        uvicorn.run(
            "cms.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=logging_config(Settings()),
            access_log=False,
        )


_REPOSITORY_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--seeds",
    "seeds_path",
    default=_REPOSITORY_SEEDS,
    show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The content to load.",
)
def demo(host: str, port: int, seeds_path: Path) -> None:
    """Migrate and seed an embedded SQLite database, then serve it."""
    import uvicorn

    settings = Settings(database_url=None)  # the demo always runs on embedded defaults
    asyncio.run(Database.from_settings(settings).migrate())
    click.echo(f"Migrated {settings.resolved_database_url}", err=True)
    ctx = click.get_current_context()
    ctx.invoke(seed, path=seeds_path, dry_run=False, settings=settings)
    click.echo(f"Serving GraphQL on http://{host}:{port}/graphql", err=True)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_config=logging_config(settings),
        access_log=False,
    )


if __name__ == "__main__":
    sys.exit(main())
