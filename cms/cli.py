"""The `cms` command: the content and search commands, and serving the app."""

from __future__ import annotations

import asyncio
import logging.config
import os
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from cms.app import create_app
from cms.web_processes import (
    WEB_PROCESS_ENVIRONMENT,
    SeveralWritersRefused,
    WebProcesses,
    port_is_free,
    web_process_note,
)
from cms.worker import worker
from search.commands import COMMANDS as SEARCH_COMMANDS
from server.auth.cli import token
from server.cli import COMMANDS as CONTENT_COMMANDS
from server.cli import say_waiting_for_migration, seed
from server.content.cli import recordings
from server.database import Database
from server.observability.exposition import fresh_multiprocess_directory
from server.observability.logs import logging_config
from server.settings import Settings
from server.transcripts.cli import transcripts
from server.webhooks.cli import webhook


class _Commands(click.Group):
    """The command group, saying which setting is wrong, and why, instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationError as error:
            if error.title != Settings.__name__:
                raise
            lines = []
            for problem in error.errors(include_url=False):
                name = ".".join(str(part) for part in problem["loc"])
                secret = any(word in name for word in ("key", "token", "password", "url"))
                got = "" if secret else f" (got {problem['input']!r})"  # never echo a secret
                lines.append(f"{name.upper()}: {problem['msg']}{got}")
            raise click.ClickException("invalid setting\n" + "\n".join(lines)) from error


@click.group(cls=_Commands)
def main() -> None:
    """Manage and serve the CMS."""


for command in (
    *CONTENT_COMMANDS,
    transcripts,
    recordings,
    token,
    webhook,
    *SEARCH_COMMANDS,
    worker,
):
    main.add_command(command)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Web processes; above 1, run `cms worker` beside them.",
)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API with uvicorn (run `cms migrate` first).

    With --workers above 1, each web process listens on a socket of its own on the
    port, one that dies is replaced, and the search sync worker runs in none of them:
    run `cms worker` beside them (see cms/web_processes.py).
    """
    import uvicorn

    try:
        note = web_process_note(Settings(), workers)
    except SeveralWritersRefused as refused:
        raise click.ClickException(str(refused)) from refused
    if note is not None:
        os.environ.update(WEB_PROCESS_ENVIRONMENT)  # the web processes inherit it
        click.echo(note, err=True)
    # Metrics: several processes share their values through PROMETHEUS_MULTIPROC_DIR,
    # which must be set before they start and empty of an earlier run's values.
    log_config = logging_config(Settings())
    with fresh_multiprocess_directory(workers):
        if workers == 1:
            uvicorn.run(
                "cms.app:create_app",
                factory=True,
                host=host,
                port=port,
                log_config=log_config,
                access_log=False,
            )
            return
        if not port_is_free(host, port):
            raise click.ClickException(f"{host}:{port} is in use: another server listens there")
        logging.config.dictConfig(log_config)  # this process's own lines: starts and stops
        code = WebProcesses(host, port, workers, log_config).run()
    if code:
        raise click.ClickException("a web process failed to start; its log says why")


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
@click.option("--open", "open_browser", is_flag=True, help="Open the explorer in a browser.")
def demo(host: str, port: int, seeds_path: Path, open_browser: bool) -> None:
    """Migrate and seed an embedded SQLite database, then serve it, with the explorer at `/`."""
    import threading
    import webbrowser

    import uvicorn

    settings = Settings(database_url=None)  # the demo always runs on embedded defaults
    asyncio.run(Database.from_settings(settings).migrate(on_wait=say_waiting_for_migration))
    click.echo(f"Migrated {settings.database_url_for_display}", err=True)
    ctx = click.get_current_context()
    ctx.invoke(seed, path=seeds_path, dry_run=False, settings=settings)
    explorer = f"http://{host}:{port}/"
    click.echo(f"Explorer: {explorer}", err=True)
    click.echo(f"GraphQL API (GraphiQL in a browser): {explorer}graphql", err=True)
    if open_browser:  # once uvicorn has had a moment to start listening
        threading.Timer(1.0, webbrowser.open, [explorer]).start()
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_config=logging_config(settings),
        access_log=False,
    )


if __name__ == "__main__":
    sys.exit(main())
