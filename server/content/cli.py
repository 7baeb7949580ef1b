"""`cms recordings`: list an event's recordings, and give one its URL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from server.auth.viewer import SYSTEM
from server.cli import require_schema
from server.content.choosing_cli import TARGET_HELP, exit_unchosen
from server.content.errors import ContentError, RecordingChoice, RecordingNotChosen
from server.content.models import Recording
from server.content.services import RecordingPatch, update_recording
from server.content.services.recording_choice import choices, choose_recording, event_recordings
from server.database import Database
from server.settings import Settings

T = TypeVar("T")


@click.group("recordings")
def recordings() -> None:
    """Manage the recordings of events."""


def _run(action: Callable[[], Awaitable[T]]) -> T:
    async def run() -> T:
        async with Database.from_settings(Settings()) as database:
            await require_schema(database)
            return await action()

    try:
        return asyncio.run(run())
    except RecordingNotChosen as error:
        exit_unchosen(error)
    except ContentError as error:
        raise click.ClickException(f"{error}; nothing was written.") from error


@recordings.command("list")
@click.option("--event", "event", required=True, metavar="SLUG", help="The event's slug.")
def list_(event: str) -> None:
    """List an event's recordings in order: title, URL and global ID."""

    async def listed() -> list[RecordingChoice]:
        _, rows = await event_recordings(event)
        return choices(rows)

    found = _run(listed)
    if not found:
        click.echo(f"event '{event}' has no recordings")
    for n, choice in enumerate(found, start=1):
        click.echo(f"{n}. {choice}")


@recordings.command("set-url")
@click.option("--event", "event", required=True, metavar="SLUG", help="The event's slug.")
@click.option("--recording", default=None, metavar="URL|TITLE|ID", help=TARGET_HELP)
@click.argument("url")
def set_url(event: str, recording: str | None, url: str) -> None:
    """Give an event's recording the URL where it can be watched (an http(s) URL).

    A later `cms seed` keeps the URL while the seed file gives the recording none;
    `cms seed --prune` clears it then.
    """

    async def change() -> Recording:
        row, rows = await event_recordings(event)
        chosen = choose_recording(row, rows, recording)
        return await update_recording(
            SYSTEM, chosen.id, RecordingPatch(url=url), version=chosen.version
        )

    changed = _run(change)
    click.echo(f"Recording '{changed.title}' of event '{event}': url {changed.url}")
